//! The command line as a user runs it: exit codes, Chinese messages on stderr, JSON keys,
//! deterministic samples, the README's end-to-end example, and an import killed part way.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn pingcha(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pingcha"))
        .args(args)
        .output()
        .expect("run pingcha")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn import_exit_codes_and_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let good = write_package(
        &tmp.path().join("good"),
        &minimal_toml("命令〔2024〕1号"),
        &[("docs/01-立案审批表.pdf", pdf_with_text("正文"))],
    );
    let ok = pingcha(&["import", s(&project), s(&good)]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("新导入 1 件"), "{}", stdout(&ok));

    let again = pingcha(&["import", s(&project), s(&good)]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stdout(&again).contains("未变化 1 件") && stdout(&again).contains("项目未作改动"),
        "{}",
        stdout(&again)
    );

    let bad = tmp.path().join("坏.zip");
    std::fs::write(&bad, "garbage").unwrap();
    let refused = pingcha(&["import", s(&project), s(&good), s(&bad)]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains(&format!("{}: 不是有效的 zip 文件", bad.display())),
        "{}",
        stderr(&refused)
    );
    assert!(stdout(&refused).contains("拒绝 1 项"), "{}", stdout(&refused));

    let usage = pingcha(&["import", s(&project)]);
    assert_eq!(usage.status.code(), Some(2), "missing PATH is a usage error");
    let unknown = pingcha(&["frobnicate"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn cases_json_has_the_documented_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let out = pingcha(&["import", s(&project), s(samples(12))]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = pingcha(&["cases", s(&project), "--json"]);
    assert_eq!(json.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    let array = value.as_array().expect("array");
    assert_eq!(array.len(), 12);
    for case in array {
        for key in [
            "number",
            "kind",
            "procedure",
            "title",
            "unit",
            "party",
            "documents",
            "dates",
        ] {
            assert!(case.get(key).is_some(), "missing {key} in {case}");
        }
        assert!(case["documents"].as_u64().unwrap() >= 5);
        assert!(case["dates"].is_object());
    }
    let text = pingcha(&["cases", s(&project)]);
    assert_eq!(stdout(&text).lines().count(), 12);
    let missing = pingcha(&["cases", s(&tmp.path().join("nope"))]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("不是评查项目"), "{}", stderr(&missing));
}

#[test]
fn samples_are_deterministic_for_a_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    for (dir, seed) in [(&a, "5"), (&b, "5"), (&c, "6")] {
        let out = pingcha(&["sample", s(dir), "--cases", "4", "--seed", seed]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let listing = |d: &Path| -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        let mut stack = vec![d.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.push((
                        p.strip_prefix(d).unwrap().display().to_string(),
                        std::fs::read(&p).unwrap(),
                    ));
                }
            }
        }
        files.sort();
        files
    };
    let (la, lb, lc) = (listing(&a), listing(&b), listing(&c));
    assert!(la.len() > 20);
    assert!(la == lb, "same seed, same bytes");
    assert!(la != lc, "another seed, other cases");
}

#[test]
fn committed_demo_samples_match_the_generator() {
    // assets/samples is `pingcha sample assets/samples --cases 30 --seed 2024`; the first cases
    // regenerate identically (regenerate the folder when the generator changes).
    let tmp = tempfile::tempdir().unwrap();
    let out = pingcha(&["sample", s(tmp.path()), "--cases", "3", "--seed", "2024"]);
    assert_eq!(out.status.code(), Some(0));
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    for entry in std::fs::read_dir(tmp.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap();
            let fresh = std::fs::read_to_string(path.join("case.toml")).unwrap();
            let stored = std::fs::read_to_string(committed.join(name).join("case.toml")).unwrap();
            assert_eq!(fresh, stored, "{name:?} differs from assets/samples: regenerate it");
        }
    }
}

#[test]
fn readme_example_search_finds_cases_citing_the_article() {
    let tmp = tempfile::tempdir().unwrap();
    let (samples_dir, project) = (tmp.path().join("s"), tmp.path().join("p"));
    assert_eq!(
        pingcha(&["sample", s(&samples_dir), "--cases", "25"]).status.code(),
        Some(0)
    );
    assert_eq!(
        pingcha(&["import", s(&project), s(&samples_dir)]).status.code(),
        Some(0)
    );
    let out = pingcha(&["search", s(&project), "第一百零一条", "--json", "--limit", "100000"]);
    assert_eq!(out.status.code(), Some(0));
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: std::collections::BTreeSet<String> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["case"].as_str().unwrap().to_string())
        .collect();
    // Every case whose decision cites the article is found, and nothing else.
    let p = pingcha::store::Project::open(&project).unwrap();
    let mut citing = std::collections::BTreeSet::new();
    for row in p.list_cases().unwrap() {
        let case = p.load_case(row.id).unwrap().case;
        if case
            .decision
            .iter()
            .flat_map(|d| &d.legal_basis)
            .any(|b| b.contains("第一百零一条"))
        {
            citing.insert(case.number);
        }
    }
    assert!(!citing.is_empty(), "the generator cites 第一百零一条 in some cases");
    assert_eq!(found, citing);
    let text = pingcha(&["search", s(&project), "第一百零一条"]);
    assert!(stdout(&text).contains("【第一百零一条】"));
}

#[test]
fn an_import_killed_part_way_leaves_every_case_whole_or_absent() {
    let tmp = tempfile::tempdir().unwrap();
    // 120 packages: the generated ones, copied under new case numbers.
    let batch = tmp.path().join("batch");
    let base: Vec<_> = std::fs::read_dir(samples(12))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    for copy in 0..10 {
        for (i, src) in base.iter().enumerate() {
            let dst = batch.join(format!("{copy:02}-{i:02}"));
            copy_dir(src, &dst);
            let toml = std::fs::read_to_string(dst.join("case.toml")).unwrap();
            let numbered = toml.replacen("number = \"", &format!("number = \"副本{copy}-"), 1);
            std::fs::write(dst.join("case.toml"), numbered).unwrap();
        }
    }
    let project = tmp.path().join("p");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pingcha"))
        .args(["import", s(&project), s(&batch)])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once a few cases have been committed.
    let started = std::time::Instant::now();
    loop {
        let committed = pingcha::store::Project::open(&project)
            .ok()
            .and_then(|p| p.case_count().ok())
            .unwrap_or(0);
        if committed >= 5 || started.elapsed().as_secs() > 120 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let p = pingcha::store::Project::open(&project).expect("the project opens after a kill");
    let rows = p.list_cases().unwrap();
    assert!(
        !rows.is_empty() && rows.len() < 120,
        "killed part way: {} cases in",
        rows.len()
    );
    for row in &rows {
        let stored = p.load_case(row.id).unwrap();
        assert_eq!(
            stored.documents.len(),
            stored.case.documents.len(),
            "{} is whole",
            row.number
        );
        for doc in &stored.documents {
            let (sha, ext) = doc.file.clone().expect("stored file");
            assert!(
                p.blob_path(&sha, &ext).is_file(),
                "{} {} has its file",
                row.number,
                doc.doc_type
            );
        }
        assert!(
            p.search(&row.number, 1).unwrap().iter().any(|h| h.case_id == row.id),
            "{} is indexed",
            row.number
        );
    }
    drop(p);
    // Running the import again completes the batch; what was in stays unchanged.
    let rerun = pingcha(&["import", s(&project), s(&batch)]);
    assert_eq!(rerun.status.code(), Some(0), "{}", stderr(&rerun));
    let out = stdout(&rerun);
    assert!(out.contains(&format!("未变化 {} 件", rows.len())), "{out}");
    assert_eq!(
        pingcha::store::Project::open(&project).unwrap().case_count().unwrap(),
        120
    );
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        let target = dst.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

#[test]
fn calendar_commands_count_working_days_with_the_official_schedules() {
    let add = pingcha(&["calendar", "add-working-days", "2024-09-27", "7"]);
    assert_eq!((add.status.code(), stdout(&add)), (Some(0), "2024-10-12\n".to_string()));
    let add = pingcha(&["calendar", "add-working-days", "2024-04-30", "7"]);
    assert_eq!(stdout(&add), "2024-05-13\n");
    let yes = pingcha(&["calendar", "is-working-day", "2024-09-29"]);
    assert_eq!(stdout(&yes), "yes\n", "a Sunday made a working day (调休)");
    let no = pingcha(&["calendar", "is-working-day", "2024-10-02"]);
    assert_eq!(stdout(&no), "no\n");
    let beyond = pingcha(&["calendar", "is-working-day", "2027-01-01"]);
    assert_eq!(stdout(&beyond), "yes\n");
    assert!(
        stderr(&beyond).contains("2027 年没有节假日安排数据"),
        "{}",
        stderr(&beyond)
    );
    let bad = pingcha(&["calendar", "is-working-day", "2024-13-01"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("“2024-13-01”不是有效日期"), "{}", stderr(&bad));
}

#[test]
fn check_reports_findings_with_their_arithmetic_and_clean_samples_stay_clean() {
    let clean = pingcha(&["check", s(samples(12)), "--json"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    let value: serde_json::Value = serde_json::from_slice(&clean.stdout).unwrap();
    let cases = value.as_array().unwrap();
    assert_eq!(cases.len(), 12);
    for case in cases {
        assert_eq!(
            case["findings"].as_array().unwrap().len(),
            0,
            "generated cases are clean: {case}"
        );
    }

    let tmp = tempfile::tempdir().unwrap();
    let pkg = late_service_package(&tmp.path().join("late"), "迟送〔2024〕1号");
    let late = pingcha(&["check", s(&pkg), "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&late.stdout).unwrap();
    let findings = value[0]["findings"].as_array().unwrap();
    let service = findings
        .iter()
        .find(|f| f["rule"] == "service_deadline")
        .expect("service_deadline finding");
    assert_eq!(service["severity"], "deduction");
    assert_eq!(service["basis"], "行政处罚法第六十一条、第八十五条（法律）");
    assert_eq!(
        service["message"],
        "决定 2024-09-27，送达 2024-10-14，为第8个工作日，超过7个工作日"
    );
    let text = pingcha(&["check", s(&pkg)]);
    assert!(
        stdout(&text).contains("迟送〔2024〕1号\tservice_deadline\t扣分\t决定 2024-09-27"),
        "{}",
        stdout(&text)
    );
}

#[test]
fn check_of_a_project_uses_its_rule_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let pkg = late_service_package(&tmp.path().join("late"), "设置〔2024〕1号");
    assert_eq!(pingcha(&["import", s(&project), s(&pkg)]).status.code(), Some(0));
    let rules = |out: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let before = rules(&pingcha(&["check", s(&project), "--json"]));
    assert!(before.iter().any(|r| r == "service_deadline"), "{before:?}");
    assert!(!before.iter().any(|r| r == "date_consistency"), "{before:?}");
    // A unit whose rules allow eight working days: the same case is then within the limit.
    let p = pingcha::store::Project::open(&project).unwrap();
    let settings = pingcha::rules::RuleSettings {
        service_working_days: 8,
        ..Default::default()
    };
    p.set_setting("rule_settings", &settings).unwrap();
    drop(p);
    let after = rules(&pingcha(&["check", s(&project), "--json"]));
    assert!(!after.iter().any(|r| r == "service_deadline"), "{after:?}");
    assert_eq!(after.len(), before.len() - 1, "only that finding goes");
}

#[test]
fn import_uses_the_projects_zip_limits() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let pkg = late_service_package(&tmp.path().join("pkg"), "限额〔2024〕1号");
    let zip = tmp.path().join("pkg.zip");
    zip_dir(&pkg, &zip, None);
    let p = pingcha::store::Project::create_or_open(&project).unwrap();
    let limits = pingcha::import::ImportLimits {
        max_zip_entries: 1,
        ..Default::default()
    };
    p.set_setting("import_limits", &limits).unwrap();
    drop(p);
    let out = pingcha(&["import", s(&project), s(&zip)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("包含 2 个文件，超过上限 1"), "{}", stderr(&out));
}

fn v1_copy(tmp: &Path) -> std::path::PathBuf {
    let dir = tmp.join("项目");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project-v1/project.sqlite"),
        dir.join("project.sqlite"),
    )
    .unwrap();
    dir
}

const V1_CASE: &str = "青禾应急罚〔2023〕1号";

/// The 承办单位 of a case, as `pingcha cases --json` says.
fn unit_of(project: &str, case: &str) -> String {
    let cases: serde_json::Value = serde_json::from_slice(&pingcha(&["cases", project, "--json"]).stdout).unwrap();
    cases.as_array().unwrap().iter().find(|c| c["number"] == case).unwrap()["unit"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn checklist_validate_and_show() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/checklists");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    assert_eq!(files.len(), 5);
    let mut args = vec!["checklist", "validate"];
    args.extend(files.iter().map(String::as_str));
    let ok = pingcha(&args);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert_eq!(stdout(&ok).matches("通过").count(), 5, "{}", stdout(&ok));

    // A broken copy: points that do not add up and an unknown rule, each with line and item.
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let broken = text
        .replacen(
            "points = 3\ndeduct = \"per_occurrence\"",
            "points = 4\ndeduct = \"per_occurrence\"",
            1,
        )
        .replacen("rules = [\"filing_timely\"]", "rules = [\"filing_late\"]", 1);
    let bad = tmp.path().join("坏标准.toml");
    std::fs::write(&bad, &broken).unwrap();
    let line_of = |needle: &str| broken.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let refused = pingcha(&["checklist", "validate", s(&bad)]);
    assert_eq!(refused.status.code(), Some(1));
    let err = stderr(&refused);
    assert!(
        err.contains(&format!(
            "{}: 第{}行 [2.2] rules:filing_late: 未知的自动检查规则“filing_late”",
            bad.display(),
            line_of("filing_late")
        )),
        "{err}"
    );
    assert!(err.contains("[S1] points") && err.contains("合计9分"), "{err}");

    let shown = pingcha(&["checklist", "show", &files[0], "--json"]);
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    let v: serde_json::Value = serde_json::from_str(&stdout(&shown)).unwrap();
    assert_eq!(v["id"], "yjcf-general");
    assert_eq!(v["veto_effect"], "zero_score");
    assert_eq!(v["sections"].as_array().unwrap().len(), 8);
    assert_eq!(v["sections"][0]["items"][1]["deduction"]["mode"], "per_occurrence");
    assert_eq!(v["bands"][0]["grade"], "优秀");
}

#[test]
fn score_prints_the_breakdown_of_a_reviewers_marks() {
    let tmp = tempfile::tempdir().unwrap();
    let project = v1_copy(tmp.path());
    let p = s(&project);
    let marked = pingcha(&[
        "mark",
        p,
        "--case",
        V1_CASE,
        "--reviewer",
        "张三",
        "--unit",
        "法规科",
        "--checklist",
        "yjcf-general",
        "--item",
        "1.2",
        "--value",
        "2",
        "--reason",
        "询问笔录仅一名执法人员签名",
    ]);
    assert_eq!(marked.status.code(), Some(0), "{}", stderr(&marked));
    assert!(stdout(&marked).contains("总分 98"), "{}", stdout(&marked));
    // An item id shared by two applicable checklists needs --checklist.
    let ambiguous = pingcha(&[
        "mark",
        p,
        "--case",
        V1_CASE,
        "--reviewer",
        "张三",
        "--item",
        "1.1",
        "--value",
        "1",
    ]);
    assert_eq!(ambiguous.status.code(), Some(1));
    assert!(stderr(&ambiguous).contains("--checklist"), "{}", stderr(&ambiguous));

    // A new value without --reason keeps the reason already given.
    let again = pingcha(&[
        "mark",
        p,
        "--case",
        V1_CASE,
        "--reviewer",
        "张三",
        "--checklist",
        "yjcf-general",
        "--item",
        "1.2",
        "--value",
        "3",
    ]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let back = pingcha(&[
        "mark",
        p,
        "--case",
        V1_CASE,
        "--reviewer",
        "张三",
        "--checklist",
        "yjcf-general",
        "--item",
        "1.2",
        "--value",
        "2",
    ]);
    assert_eq!(back.status.code(), Some(0), "{}", stderr(&back));
    let out = pingcha(&["score", p, "--case", V1_CASE, "--reviewer", "张三", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["reviewer"], "张三");
    let general = &v["checklists"][0];
    assert_eq!(general["checklist"], "yjcf-general");
    assert_eq!(general["total"], 98.0);
    assert_eq!(general["grade"], "优秀");
    let item = &general["sections"][0]["items"][1];
    assert_eq!(item["item"], "1.2");
    assert_eq!(item["deducted"], 2.0);
    assert_eq!(item["reason"], "询问笔录仅一名执法人员签名");
    assert!(
        item["explanation"].as_str().unwrap().contains("每处扣1分 × 2处"),
        "{item}"
    );
    assert_eq!(v["checklists"][1]["checklist"], "sxzd");

    let unknown = pingcha(&["score", p, "--case", V1_CASE, "--reviewer", "无名氏"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("没有评查员“无名氏”"), "{}", stderr(&unknown));
}

#[test]
fn marks_survive_the_process_being_killed_right_after_them() {
    use std::io::{BufRead, BufReader, Write};
    let tmp = tempfile::tempdir().unwrap();
    let project = v1_copy(tmp.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_pingcha"))
        .args([
            "mark",
            s(&project),
            "--case",
            V1_CASE,
            "--reviewer",
            "张三",
            "--unit",
            "法规科",
            "--checklist",
            "yjcf-general",
            "--stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    let marks = [("1.2", "1"), ("2.1", "3"), ("4.6", "2"), ("V11", "veto")];
    for (item, value) in marks {
        writeln!(input, "{item} {value} 理由{item}").unwrap();
        input.flush().unwrap();
        let mut line = String::new();
        output.read_line(&mut line).unwrap();
        assert!(line.starts_with(&format!("已保存 {item}")), "{line}");
    }
    // The process is still running, waiting for more input: kill it without warning.
    child.kill().unwrap();
    child.wait().unwrap();

    let out = pingcha(&[
        "score",
        s(&project),
        "--case",
        V1_CASE,
        "--reviewer",
        "张三",
        "--checklist",
        "yjcf-general",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let general = &v["checklists"][0];
    assert_eq!(general["score_before_veto"], 100.0 - 1.0 - 1.5 - 2.0);
    assert_eq!(general["total"], 0.0);
    assert_eq!(general["veto_hits"][0]["item"], "V11");
    let p = pingcha::store::Project::open(&project).unwrap();
    let log = p.audit(V1_CASE).unwrap();
    assert_eq!(log.len(), 4, "one audit row per saved mark");
    assert!(log.iter().all(|a| a.action == "mark"));
}

#[test]
fn sample_with_defects_writes_the_list_that_check_finds() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("缺陷样本");
    let made = pingcha(&["sample", s(&out), "--cases", "24", "--seed", "5", "--defects", "0.6"]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    assert!(stdout(&made).contains("植入了缺陷"), "{}", stdout(&made));
    let planted: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_slice(&std::fs::read(out.join("defects.json")).unwrap()).unwrap();
    assert_eq!(planted.len(), 24, "every case is listed, clean ones with []");
    assert!(planted.values().any(|r| !r.is_empty()) && planted.values().any(Vec::is_empty));
    let checked = pingcha(&["check", s(&out), "--json"]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    let value: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
    for case in value.as_array().unwrap() {
        let number = case["case"].as_str().unwrap();
        let mut found: Vec<String> = case["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect();
        found.sort();
        found.dedup();
        assert_eq!(found, planted[number], "{number}");
    }
    let bad = pingcha(&["sample", s(&tmp.path().join("x")), "--defects", "1.5"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("--defects 应在 0 到 1 之间"), "{}", stderr(&bad));
}

#[test]
fn a_project_adds_a_later_years_holiday_schedule() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    drop(pingcha::store::Project::create_or_open(&project).unwrap());
    let file = tmp.path().join("2027.toml");
    std::fs::write(
        &file,
        "year = 2027\nsource = \"测试用安排\"\noff = [[\"2027-10-01\", \"2027-10-07\"]]\nwork = [\"2027-09-26\"]\n",
    )
    .unwrap();
    // Without the schedule 2027-10-01 (a Friday) counts as a working day, with a warning.
    let before = pingcha(&["calendar", "is-working-day", "2027-10-01", "--project", s(&project)]);
    assert_eq!(stdout(&before).trim(), "yes");
    assert!(
        stderr(&before).contains("2027 年没有节假日安排数据"),
        "{}",
        stderr(&before)
    );
    let added = pingcha(&["calendar", "add-year", s(&project), s(&file)]);
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    let after = pingcha(&["calendar", "is-working-day", "2027-10-01", "--project", s(&project)]);
    assert_eq!(stdout(&after).trim(), "no");
    assert!(stderr(&after).is_empty(), "{}", stderr(&after));
    let sunday = pingcha(&["calendar", "is-working-day", "2027-09-26", "--project", s(&project)]);
    assert_eq!(stdout(&sunday).trim(), "yes", "a make-up working Sunday");
    // The bundled calendar alone is unchanged.
    assert_eq!(
        stdout(&pingcha(&["calendar", "is-working-day", "2027-10-01"])).trim(),
        "yes"
    );
    // A bad file is refused with its line; the project keeps what it had.
    std::fs::write(
        &file,
        "year = 2028\nsource = \"x\"\noff = [[\"2028-13-01\", \"2028-10-07\"]]\nwork = []\n",
    )
    .unwrap();
    let bad = pingcha(&["calendar", "add-year", s(&project), s(&file)]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("2027.toml") && stderr(&bad).contains("第3行"),
        "{}",
        stderr(&bad)
    );
    assert_eq!(
        stdout(&pingcha(&[
            "calendar",
            "is-working-day",
            "2027-10-01",
            "--project",
            s(&project)
        ]))
        .trim(),
        "no"
    );
}

#[test]
fn agreement_prints_every_statistic_with_null_where_the_data_do_not_allow_it() {
    // Krippendorff (2011): four observers, twelve units, missing values.
    let rows = [
        ("A", "1 2 3 3 2 1 4 1 2 . . ."),
        ("B", "1 2 3 3 2 2 4 1 2 5 . 3"),
        ("C", ". 3 3 3 2 3 4 2 2 5 1 ."),
        ("D", "1 2 3 3 2 4 4 1 2 5 1 ."),
    ];
    let mut csv = String::from("unit,rater,value\n");
    for (rater, values) in rows {
        for (u, v) in values.split(' ').enumerate() {
            if v != "." {
                csv.push_str(&format!("{},{rater},{v}\n", u + 1));
            }
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("评分.csv");
    std::fs::write(&file, csv).unwrap();
    let out = pingcha(&["agreement", s(&file), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r3 = |key: &str| (v[key].as_f64().unwrap() * 1000.0).round() / 1000.0;
    assert_eq!(r3("krippendorff_alpha_nominal"), 0.743);
    assert_eq!(r3("krippendorff_alpha_interval"), 0.849);
    assert_eq!(r3("krippendorff_alpha_ordinal"), 0.815);
    for key in ["icc1_1", "icc2_1", "icc3_1"] {
        assert!(v[key].is_null(), "{key}: missing marks allow no ICC");
    }
    assert!(v["percent_agreement"].is_f64() && v["gwet_ac1"].is_f64());
    std::fs::write(&file, "unit,rater,value\n1,A,x\n").unwrap();
    let bad = pingcha(&["agreement", s(&file)]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("第2行 value“x”不是数字"), "{}", stderr(&bad));
}

#[test]
fn control_characters_from_the_data_are_escaped_not_sent_to_the_terminal() {
    // #19 item 9: a case title or path carrying ESC/BEL sequences cleared the screen and
    // retitled the terminal when the CLI printed it.
    let tmp = tempfile::tempdir().unwrap();
    let toml = minimal_toml("控制〔2024〕1号").replace(
        "title = \"测试公司未按规定开展安全培训案\"",
        "title = \"恶意\\u001b]0;被改的标题\\u0007\\u001b[2J案\"",
    );
    let pkg = write_package(
        &tmp.path().join("带\x1b[31m控制符\x07的包"),
        &toml,
        &[("docs/01-立案审批表.pdf", pdf_with_text("立案审批表"))],
    );
    let project = tmp.path().join("p");
    let out = pingcha(&["import", project.to_str().unwrap(), pkg.to_str().unwrap()]);
    let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
    assert!(
        !all.contains(&0x1b) && !all.contains(&0x07),
        "{}",
        String::from_utf8_lossy(&all)
    );
    let out = pingcha(&["cases", project.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07));
    // A refused path is named, escaped.
    let bad = tmp.path().join("不存在\x1b[2J\x07");
    let out = pingcha(&["import", project.to_str().unwrap(), bad.to_str().unwrap()]);
    assert!(!out.stderr.contains(&0x1b) && !out.stderr.contains(&0x07));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不存在\\u{1b}[2J\\u{7}"));
    let out = pingcha(&["cases", project.to_str().unwrap()]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("恶意\\u{1b}]0;被改的标题\\u{7}\\u{1b}[2J案"),
        "{listed}"
    );
}

#[test]
fn a_pdf_that_needs_gigabytes_costs_its_text_not_the_batch() {
    // #19 item 1: a small PDF whose one page holds millions of operators needed ~4 GB to parse;
    // under a memory limit the import died with "memory allocation … failed" (exit 134), the
    // rest of the batch unread and no summary. The text is now read in a reader process with
    // its own memory limit: that document has no text, the batch goes on. The token caps are
    // raised here (project settings) so that the reader's memory limit is what stops it.
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let heavy = pdf_with_pages(&[next_line_operators(3_000_000)]);
    assert!(heavy.len() < 100_000, "a small file: {}", heavy.len());
    let hostile = write_package(
        &tmp.path().join("hostile"),
        &minimal_toml("内存〔2024〕1号"),
        &[("docs/01-立案审批表.pdf", heavy)],
    );
    let good = late_service_package(&tmp.path().join("good"), "内存〔2024〕2号");
    let p = pingcha::store::Project::create_or_open(&project).unwrap();
    let limits = pingcha::import::ImportLimits {
        max_pdf_page_tokens: 100_000_000,
        max_pdf_document_tokens: 100_000_000,
        reader_memory_mib: 384,
        ..Default::default()
    };
    p.set_setting("import_limits", &limits).unwrap();
    drop(p);
    // The whole import runs under 1.2 GB of address space, as on a small machine; parsing that
    // page needs about 1.7 GB.
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1200000 && exec \"$0\" import \"$1\" \"$2\" \"$3\"")
        .arg(env!("CARGO_BIN_EXE_pingcha"))
        .args([&project, &hostile, &good])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("新导入 2 件"), "{all}");
    assert!(all.contains("文本未能提取（所需内存超过上限 384 MiB）"), "{all}");
    let p = pingcha::store::Project::open(&project).unwrap();
    let case = p.load_case_by_number("内存〔2024〕1号").unwrap();
    assert_eq!(case.documents[0].text_status, "unreadable");
    let good = p.load_case_by_number("内存〔2024〕2号").unwrap();
    assert_eq!(good.documents[0].text_status, "text");
}

#[test]
fn limits_are_shown_and_set_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    drop(pingcha::store::Project::create_or_open(&project).unwrap());
    let shown = pingcha(&["limits", s(&project)]);
    assert_eq!(shown.status.code(), Some(0));
    assert!(
        stdout(&shown).contains("读取进程内存上限（MB）\t2048\treader_memory_mib"),
        "{}",
        stdout(&shown)
    );
    let set = pingcha(&[
        "limits",
        s(&project),
        "--set",
        "reader_memory_mib=1024",
        "--set",
        "max_sheet_rows=5000",
    ]);
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    let stored: pingcha::import::ImportLimits = pingcha::store::Project::open(&project)
        .unwrap()
        .setting(pingcha::import::IMPORT_LIMITS_KEY)
        .unwrap()
        .unwrap();
    assert_eq!((stored.reader_memory_mib, stored.max_sheet_rows), (1024, 5000));
    assert_eq!(stored.max_pdf_page_tokens, 400_000, "the others keep their defaults");
    for (bad, says) in [
        ("reader_memory_mib=0", "不是大于 0 的整数"),
        ("memory=5", "没有名为“memory”的导入限制"),
        ("max_sheet_columns=99999999999", "超出范围"),
        ("reader_seconds", "应写成 名称=数值"),
    ] {
        let out = pingcha(&["limits", s(&project), "--set", bad]);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        assert!(stderr(&out).contains(says), "{bad}: {}", stderr(&out));
    }
    let unchanged: pingcha::import::ImportLimits = pingcha::store::Project::open(&project)
        .unwrap()
        .setting(pingcha::import::IMPORT_LIMITS_KEY)
        .unwrap()
        .unwrap();
    assert_eq!(unchanged, stored, "a refused change changes nothing");
}

#[test]
fn a_large_kit_is_verified_streaming_within_a_small_memory_limit() {
    // #19 item 12: kits were read whole before their signature was checked (a 2 GiB file
    // peaked at 2.1 GB). Now the signature is checked over the file in chunks: a forged
    // 768 MiB kit (sparse: costs no disk) is refused as forged under a 600 MB address-space
    // limit, and no workspace is made.
    let tmp = tempfile::tempdir().unwrap();
    let kit = tmp.path().join("大.pchkit");
    let file = std::fs::File::create(&kit).unwrap();
    file.set_len(768 << 20).unwrap();
    drop(file);
    // A trailer: a signature that does not match, a valid public key (the base point), the tag.
    let mut trailer = vec![1u8; 64];
    trailer.push(0x58);
    trailer.extend([0x66u8; 31]);
    trailer.extend(b"PCHSIG01");
    let mut f = std::fs::OpenOptions::new().append(true).open(&kit).unwrap();
    std::io::Write::write_all(&mut f, &trailer).unwrap();
    drop(f);
    let ws = tmp.path().join("工作区");
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 600000 && exec \"$0\" kit open \"$1\" \"$2\"")
        .arg(env!("CARGO_BIN_EXE_pingcha"))
        .args([&kit, &ws])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("评查包已被改动（整体签名不符）"),
        "{}",
        stderr(&out)
    );
    assert!(!ws.join("project.sqlite").exists());
}

#[test]
fn a_busy_project_names_the_process_that_holds_it() {
    // #19 item 12: "one Chinese message naming what holds it". This test process opens the
    // project (leaving its note in .pingcha-holders/) and holds its write lock; an import in
    // another process waits its 10 s once and names this process.
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let opened = pingcha::store::Project::create_or_open(&project).unwrap();
    let lock = rusqlite::Connection::open(project.join("project.sqlite")).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let pkg = late_service_package(&tmp.path().join("pkg"), "占用〔2024〕1号");
    let out = pingcha(&["import", s(&project), s(&pkg)]);
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    let me = format!("评查程序（进程 {}", std::process::id());
    assert!(
        said.contains(&format!("项目正被{me}")) && said.contains("未导入任何文件"),
        "{said}"
    );
    lock.execute_batch("ROLLBACK").unwrap();
    drop(opened);
    // Closed, the note is gone: nobody is named any more.
    let notes = std::fs::read_dir(project.join(".pingcha-holders")).unwrap().count();
    assert_eq!(notes, 0);
}

#[test]
fn a_provinces_excel_standard_imports_into_a_valid_checklist() {
    // #17 §2: the table in the common layout (written here) becomes a checklist file that
    // `checklist validate` accepts, with each wording read as the deduction it says.
    let tmp = tempfile::tempdir().unwrap();
    let table = tmp.path().join("省应急评查标准.xlsx");
    write_standard_table(
        &table,
        "评查标准",
        "××省应急管理行政处罚案卷评查标准（普通程序）",
        PROVINCE_ROWS,
    );
    let toml = tmp.path().join("标准.toml");
    let o = pingcha(&[
        "checklist",
        "import",
        s(&table),
        "--out",
        s(&toml),
        "--id",
        "province-general",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("否决项 3 项，3 个部分，评查项 8 项，满分 20 分"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("行政处罚（普通程序）"),
        "scope from the title: {}",
        stdout(&o)
    );
    let v = pingcha(&["checklist", "validate", s(&toml)]);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));

    let shown = pingcha(&["checklist", "show", s(&toml), "--json"]);
    let c: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(c["name"], "××省应急管理行政处罚案卷评查标准（普通程序）");
    let vetoes: Vec<&str> = c["veto_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["text"].as_str().unwrap())
        .collect();
    assert_eq!(vetoes, ["执法主体不合法或超越职权", "处罚对象错误", "执法人员少于两人"]);
    let sections: Vec<(&str, f64)> = c["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["points"].as_f64().unwrap()))
        .collect();
    assert_eq!(sections, [("立案", 5.0), ("调查取证", 6.0), ("决定", 9.0)]);
    let item = |id: &str| {
        c["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["items"].as_array().unwrap())
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("item {id}"))
            .clone()
    };
    assert_eq!(
        item("3")["deduction"],
        serde_json::json!({"mode": "fixed", "points": 1.0})
    );
    assert_eq!(
        item("4")["deduction"],
        serde_json::json!({"mode": "per_occurrence", "points": 0.5})
    );
    assert_eq!(
        item("5")["deduction"],
        serde_json::json!({"mode": "range", "min": 0.5, "max": 2.0})
    );
    assert_eq!(
        item("6")["deduction"],
        serde_json::json!({"mode": "fixed", "points": 1.0})
    );
    assert_eq!(
        item("9")["deduction"],
        serde_json::json!({"mode": "per_occurrence", "points": 3.0})
    );
    assert_eq!(item("9")["basis"], "行政处罚法第五十九条");
    let bands: Vec<(&str, f64)> = c["bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["grade"].as_str().unwrap(), b["min_points"].as_f64().unwrap()))
        .collect();
    assert_eq!(bands, [("优秀", 18.0), ("合格", 12.0), ("不合格", 0.0)]);

    // Saved into a project as a checklist of its own.
    let project = tmp.path().join("p");
    drop(pingcha::store::Project::create_or_open(&project).unwrap());
    let o = pingcha(&[
        "checklist",
        "import",
        s(&table),
        "--project",
        s(&project),
        "--id",
        "province-general",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let listed = stdout(&pingcha(&["checklist", "list", s(&project)]));
    assert!(listed.contains("province-general\t第1版"), "{listed}");
}

#[test]
fn a_table_with_a_bad_cell_is_refused_naming_sheet_row_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let table = tmp.path().join("表.xlsx");
    let mut rows: Vec<&[&str]> = PROVINCE_ROWS.to_vec();
    // Sheet row 7 (title 1, header 2, rows from 3): 分值 not a number; row 8: a wording
    // that names no deduction; and the section 立案 no longer adds up to its 5 points.
    rows[4] = &[
        "4",
        "立案（5分）",
        "当事人基本情况清楚",
        "待定",
        "缺一项扣0.5分",
        "",
        "",
    ];
    rows[5] = &["5", "立案（5分）", "简要案情清楚", "2", "按实际情况处理", "", ""];
    write_standard_table(&table, "标准", "评查标准", &rows);
    let toml = tmp.path().join("out.toml");
    let o = pingcha(&["checklist", "import", s(&table), "--out", s(&toml)]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("工作表“标准”第7行D列（分值）：“待定”不是分值"), "{err}");
    assert!(
        err.contains("工作表“标准”第8行E列（扣分标准）：无法识别扣分方式：“按实际情况处理”"),
        "{err}"
    );
    assert!(err.contains("未生成评查标准"), "{err}");
    assert!(!toml.exists(), "nothing is written when the table has problems");

    // A section whose items do not add up to the points its heading declares.
    let mut rows: Vec<&[&str]> = PROVINCE_ROWS.to_vec();
    rows[7] = &[
        "6",
        "立案（5分）",
        "有明确的立案时间",
        "2",
        "无立案时间的不得分",
        "",
        "",
    ];
    write_standard_table(&table, "标准", "评查标准", &rows);
    let o = pingcha(&["checklist", "import", s(&table), "--out", s(&toml)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("第7行B列（评查项目）：部分“立案”写明5分，其下评查项分值合计6分"),
        "{}",
        stderr(&o)
    );
    // Columns named by hand when the header is not recognised.
    let o = pingcha(&[
        "checklist",
        "import",
        s(&table),
        "--out",
        s(&toml),
        "--column",
        "内容=C",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("没有“内容”这一列"), "{}", stderr(&o));
}

#[test]
fn every_bundled_checklist_exported_as_a_table_imports_back_the_same() {
    // The export is the table form the import reads: items, points, deductions, 扣完为止,
    // bases, vetoes, bonus items and bands come back (the automatic-check links are not in a
    // published table and are added in the editor).
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in pingcha::assets::CHECKLISTS {
        let file = tmp.path().join(Path::new(name).file_name().unwrap());
        std::fs::write(&file, text).unwrap();
        let xlsx = file.with_extension("xlsx");
        let o = pingcha(&["checklist", "export", s(&file), "--xlsx", s(&xlsx)]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let original: serde_json::Value =
            serde_json::from_slice(&pingcha(&["checklist", "show", s(&file), "--json"]).stdout).unwrap();
        let back = file.with_extension("back.toml");
        let id = original["id"].as_str().unwrap();
        let mut args = vec!["checklist", "import", s(&xlsx), "--out", s(&back), "--id", id];
        let kinds: Vec<String> = original["applies_to"]["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        let procedures: Vec<String> = original["applies_to"]["procedures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        for k in &kinds {
            args.extend(["--kind", k]);
        }
        if kinds.is_empty() {
            args.extend(["--kind", "all"]);
        }
        for p in &procedures {
            args.extend(["--procedure", p]);
        }
        let o = pingcha(&args);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let imported: serde_json::Value =
            serde_json::from_slice(&pingcha(&["checklist", "show", s(&back), "--json"]).stdout).unwrap();
        for key in [
            "name",
            "total_points",
            "bands",
            "applies_to",
            "bonus_enabled",
            "bonus_items",
        ] {
            assert_eq!(imported[key], original[key], "{name}: {key}");
        }
        let strip = |v: &serde_json::Value, fields: &[&str]| -> serde_json::Value {
            let mut v = v.clone();
            for f in fields {
                v.as_object_mut().unwrap().remove(*f);
            }
            v
        };
        let vetoes = |c: &serde_json::Value| -> Vec<serde_json::Value> {
            c["veto_items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| strip(v, &["rules", "findings", "effect"]))
                .collect()
        };
        assert_eq!(vetoes(&imported), vetoes(&original), "{name}: veto items");
        let sections = |c: &serde_json::Value| -> Vec<serde_json::Value> {
            c["sections"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    let items: Vec<_> = s["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        // Which case kinds an item concerns is not a column of a published table.
                        .map(|i| strip(i, &["rules", "findings", "kinds"]))
                        .collect();
                    s["items"] = serde_json::Value::Array(items);
                    s
                })
                .collect()
        };
        assert_eq!(sections(&imported), sections(&original), "{name}: sections");
    }
}

#[test]
fn a_notices_problems_go_from_issued_to_closed() {
    // #17 §4: issuing a unit's notice records its problems; the unit's answer, a partial
    // verification with a new due date, then 已整改 closes one (销号); the other stays open and
    // becomes overdue the day after its due date; every step is audited on the case.
    let tmp = tempfile::tempdir().unwrap();
    let project = v1_copy(tmp.path());
    let p = s(&project);
    for (item, value, reason) in [
        ("1.2", "2", "询问笔录仅一名执法人员签名"),
        ("3.2", "1", "询问笔录未逐页签名"),
    ] {
        let o = pingcha(&[
            "mark",
            p,
            "--case",
            V1_CASE,
            "--reviewer",
            "张三",
            "--unit",
            "法规科",
            "--checklist",
            "yjcf-general",
            "--item",
            item,
            "--value",
            value,
            "--reason",
            reason,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let unit = unit_of(p, V1_CASE);
    let pdf = tmp.path().join("通知.pdf");
    let issue = |extra: &[&str]| {
        let mut args = vec![
            "rectify",
            "issue",
            p,
            "--unit",
            &unit,
            "--date",
            "2024-05-06",
            "--due",
            "2024-06-05",
            "--by",
            "张三",
            "--by-unit",
            "法规科",
            "--out",
            s(&pdf),
        ];
        args.extend(extra);
        pingcha(&args)
    };
    let o = issue(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!(
            "已印发 评查整改〔2024〕1号（{unit}）：2 个问题登记为整改跟踪项，2024-06-05 前整改"
        )),
        "{}",
        stdout(&o)
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let again = issue(&[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("不能重复登记"), "{}", stderr(&again));

    let list = |today: &str| -> Vec<serde_json::Value> {
        let o = pingcha(&["rectify", "list", p, "--json", "--today", today]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    };
    let items = list("2024-06-05");
    assert_eq!(items.len(), 2);
    assert!(
        items.iter().all(|i| i["status"] == "open" && i["overdue"] == false),
        "in time on the due date"
    );
    assert!(
        list("2024-06-06").iter().all(|i| i["overdue"] == true),
        "overdue the day after"
    );
    let first = items[0]["id"].as_i64().unwrap().to_string();
    let second = items[1]["id"].as_i64().unwrap().to_string();

    // Bad input is refused, naming what is wrong: no such problem; a date before the notice.
    let o = pingcha(&[
        "rectify",
        "answer",
        p,
        "999",
        "--date",
        "2024-06-01",
        "--text",
        "已整改",
        "--by",
        "张三",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("没有编号为 999 的整改问题"), "{}", stderr(&o));
    let o = pingcha(&[
        "rectify",
        "answer",
        p,
        &first,
        "--date",
        "2024-05-05",
        "--text",
        "已整改",
        "--by",
        "张三",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("回复日期 2024-05-05 早于整改通知日期 2024-05-06"),
        "{}",
        stderr(&o)
    );
    let o = pingcha(&[
        "rectify",
        "verify",
        p,
        &first,
        "--outcome",
        "maybe",
        "--reason",
        "x",
        "--date",
        "2024-06-01",
        "--by",
        "张三",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--outcome maybe：应为 done、partial、not_done"),
        "{}",
        stderr(&o)
    );

    let evidence = tmp.path().join("培训签到表.pdf");
    std::fs::write(&evidence, pdf_with_text("培训签到表")).unwrap();
    let missing = tmp.path().join("没有这个文件.pdf");
    let o = pingcha(&[
        "rectify",
        "answer",
        p,
        &first,
        "--date",
        "2024-06-01",
        "--text",
        "已组织执法人员培训",
        "--file",
        s(&missing),
        "--by",
        "张三",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("没有这个文件.pdf：不是文件或不存在"),
        "{}",
        stderr(&o)
    );
    let o = pingcha(&[
        "rectify",
        "answer",
        p,
        &first,
        "--date",
        "2024-06-01",
        "--text",
        "已组织执法人员培训",
        "--file",
        s(&evidence),
        "--by",
        "张三",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("附件 1 个"));
    let o = pingcha(&[
        "rectify",
        "verify",
        p,
        &first,
        "--outcome",
        "partial",
        "--reason",
        " ",
        "--date",
        "2024-06-03",
        "--by",
        "张三",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("须写明理由"), "{}", stderr(&o));
    let o = pingcha(&[
        "rectify",
        "verify",
        p,
        &first,
        "--outcome",
        "partial",
        "--reason",
        "培训已办，笔录格式未改",
        "--date",
        "2024-06-03",
        "--new-due",
        "2024-07-01",
        "--by",
        "张三",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let now = list("2024-06-20");
    assert_eq!(now[0]["status"], "partial");
    assert_eq!(now[0]["overdue"], false, "the new due date is in force");
    assert_eq!(now[1]["overdue"], true);
    let o = pingcha(&[
        "rectify",
        "verify",
        p,
        &first,
        "--outcome",
        "done",
        "--reason",
        "抽查新制作笔录三份，均两人签名",
        "--date",
        "2024-06-28",
        "--by",
        "张三",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("已整改（销号）"));
    let o = pingcha(&[
        "rectify",
        "verify",
        p,
        &first,
        "--outcome",
        "not_done",
        "--reason",
        "再查",
        "--date",
        "2024-06-29",
        "--by",
        "张三",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("已于 2024-06-28 整改销号"), "{}", stderr(&o));

    let o = pingcha(&["rectify", "summary", p, "--today", "2024-07-10", "--json"]);
    let sum: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sum["total"]["problems"], 2);
    assert_eq!(sum["total"]["closed"], 1);
    assert_eq!(sum["total"]["open"], 1);
    assert_eq!(sum["total"]["overdue"], 1);
    assert_eq!(sum["units"][0]["unit"], unit.as_str());
    let summary_pdf = tmp.path().join("汇总.pdf");
    let o = pingcha(&[
        "rectify",
        "summary",
        p,
        "--today",
        "2024-07-10",
        "--out",
        s(&summary_pdf),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = pdf_text_of(&summary_pdf);
    assert!(text.contains("整改情况汇总表"), "{text}");
    assert!(text.contains("逾期未整改问题（1 个）"), "{text}");
    assert!(text.contains("询问笔录未逐页签名"), "{text}");
    let _ = second;

    // The XLSX export carries the tracked problems.
    let xlsx = tmp.path().join("数据.xlsx");
    let o = pingcha(&["export", "xlsx", p, "--out", s(&xlsx)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    {
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
        let sheet = book.worksheet_range("整改跟踪").unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows.len(), 3, "header and two problems");
        assert!(rows.iter().any(|r| r.contains(&"已整改销号".to_string())), "{rows:?}");
        assert!(
            rows.iter().any(|r| r.contains(&"询问笔录未逐页签名".to_string())),
            "{rows:?}"
        );
    }

    let audit = pingcha::store::Project::open(&project).unwrap().audit(V1_CASE).unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "rectification_issued").count(), 2);
    assert_eq!(actions.iter().filter(|a| **a == "rectification_answer").count(), 1);
    assert_eq!(actions.iter().filter(|a| **a == "rectification_verified").count(), 2);
    assert!(
        audit
            .iter()
            .any(|e| e.note.contains("已整改") && e.note.contains("抽查新制作笔录三份"))
    );
}

#[test]
fn a_penalty_only_item_takes_no_deduction_on_an_inspection_case() {
    // 行政处罚法第四十八条 公示 concerns 处罚决定: the 三项制度 item 1.1 is refused on an
    // inspection case (不涉及 is accepted) and accepted on a penalty case.
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let mut p = pingcha::store::Project::create_or_open(&project).unwrap();
    import(&mut p, &[samples(12).to_path_buf()]);
    let rows = p.list_cases().unwrap();
    drop(p);
    let of_kind = |kind: pingcha::domain::CaseKind| rows.iter().find(|r| r.kind == kind).unwrap().number.clone();
    let inspection = of_kind(pingcha::domain::CaseKind::Inspection);
    let penalty = of_kind(pingcha::domain::CaseKind::Penalty);
    let mark = |case: &str, value: &str| {
        pingcha(&[
            "mark",
            s(&project),
            "--case",
            case,
            "--reviewer",
            "张三",
            "--unit",
            "法规科",
            "--checklist",
            "sxzd",
            "--item",
            "1.1",
            "--value",
            value,
            "--reason",
            "未公示",
        ])
    };
    let refused = mark(&inspection, "15");
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("评查项 1.1 只适用于行政处罚案件"),
        "{}",
        stderr(&refused)
    );
    let na = mark(&inspection, "na");
    assert_eq!(na.status.code(), Some(0), "{}", stderr(&na));
    let ok = mark(&penalty, "15");
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
}

#[test]
fn official_settings_reach_the_notice_and_bad_patterns_are_refused() {
    // #17 §1: contact, 抄送 and 印发 from the project's 公文 settings print on the 整改通知书;
    // a 文号 pattern without its number is refused, naming the setting.
    let tmp = tempfile::tempdir().unwrap();
    let project = v1_copy(tmp.path());
    let p = s(&project);
    let o = pingcha(&[
        "official",
        p,
        "--set",
        "contact=张敏",
        "--set",
        "phone=0419-1234567",
        "--set",
        "copy_to=青禾市司法局、市委依法治市办",
        "--set",
        "printed_by=青禾市应急管理局办公室",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("联系人\t张敏\tcontact"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("正文（仿宋）："),
        "the fonts of each role are listed: {}",
        stdout(&o)
    );
    let bad = pingcha(&["official", p, "--set", "notice_number=整改〔{year}〕号"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("notice_number：文号格式须含 {n}"),
        "{}",
        stderr(&bad)
    );
    let unknown = pingcha(&["official", p, "--set", "seal=x"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("没有“seal”这一项"), "{}", stderr(&unknown));

    let o = pingcha(&[
        "mark",
        p,
        "--case",
        V1_CASE,
        "--reviewer",
        "张三",
        "--unit",
        "法规科",
        "--checklist",
        "yjcf-general",
        "--item",
        "1.2",
        "--value",
        "1",
        "--reason",
        "询问笔录仅一名执法人员签名",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let unit = unit_of(p, V1_CASE);
    let pdf = tmp.path().join("通知.pdf");
    let o = pingcha(&[
        "report",
        "notice",
        p,
        "--unit",
        &unit,
        "--out",
        s(&pdf),
        "--date",
        "2024-12-01",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text: String = pdf_text_of(&pdf).chars().filter(|c| !c.is_whitespace()).collect();
    for expected in [
        "联系人：张敏",
        "联系电话：0419-1234567",
        "抄送：青禾市司法局，市委依法治市办。",
        "青禾市应急管理局办公室2024年12月1日印发",
        "询问笔录仅一名执法人员签名",
        "于2024年12月31日前",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

#[test]
fn hostile_and_broken_standard_tables_are_refused_with_what_is_wrong() {
    // #17 §2 read through the reader process: garbage, a table cut short, more sheets than a
    // workbook may hold, and rows beyond the project's limit are refused, naming the file; none
    // writes a checklist.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out.toml");
    let import = |table: &Path, extra: &[&str]| {
        let mut args = vec!["checklist", "import", s(table), "--out", s(&out)];
        args.extend(extra);
        pingcha(&args)
    };
    let garbage = tmp.path().join("乱码.xlsx");
    std::fs::write(&garbage, b"PK\x03\x04 not a workbook at all").unwrap();
    let o = import(&garbage, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("乱码.xlsx") && stderr(&o).contains("无法作为 Excel 表格打开"),
        "{}",
        stderr(&o)
    );

    let good = tmp.path().join("标准.xlsx");
    write_standard_table(&good, "评查标准", "评查标准", PROVINCE_ROWS);
    let bytes = std::fs::read(&good).unwrap();
    let cut = tmp.path().join("截断.xlsx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let o = import(&cut, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("截断.xlsx"), "{}", stderr(&o));

    let many = tmp.path().join("多表.xlsx");
    {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        for i in 0..=pingcha::import::MAX_WORKBOOK_SHEETS {
            workbook.add_worksheet().write_string(0, 0, format!("表{i}")).unwrap();
        }
        workbook.save(&many).unwrap();
    }
    let o = import(&many, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("65 个工作表，超过上限 64 个"), "{}", stderr(&o));

    // A standard is never a ledger: a sheet of more rows than ten per possible item is refused
    // before it is read whole (measured: 200 000 rows, 3.2 s and 88 MB in a debug build, where
    // reading them all took 22 s and 298 MB).
    let long = tmp.path().join("长表.xlsx");
    {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for r in 0..=pingcha::service::review::MAX_TABLE_ROWS as u32 + 1 {
            sheet.write_number(r, 0, f64::from(r)).unwrap();
        }
        workbook.save(&long).unwrap();
    }
    let o = import(&long, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("超过上限 20000 行"), "{}", stderr(&o));

    // Rows beyond the project's sheet limit: refused, naming the limit (a project's limits
    // apply when importing into it).
    let project = tmp.path().join("p");
    drop(pingcha::store::Project::create_or_open(&project).unwrap());
    let o = pingcha(&["limits", s(&project), "--set", "max_sheet_rows=5"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = pingcha(&["checklist", "import", s(&good), "--project", s(&project)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("超过上限 5 行"), "{}", stderr(&o));
    assert!(!out.exists());
}

/// 行政处罚法第六十一条 (送达 within 7 days) read with 第八十五条 (working days): a reviewer
/// corrects the 送达 date from the command line; the checks run on the corrected fact, on both
/// sides of the limit, and the imported value, the editor and the change stay visible.
#[test]
fn facts_set_from_the_command_line_are_audited_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let number = "改正〔2024〕1号";
    let pkg = late_service_package(&tmp.path().join("late"), number);
    assert_eq!(pingcha(&["import", s(&project), s(&pkg)]).status.code(), Some(0));
    let service = || -> Option<String> {
        let out = pingcha(&["check", s(&project), "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "service_deadline")
            .map(|f| f["message"].as_str().unwrap().to_string())
    };
    assert!(service().is_some(), "imported: served on the 8th working day");

    // A change needs a named editor.
    let anonymous = pingcha(&[
        "facts",
        s(&project),
        "--case",
        number,
        "--set",
        "dates.decision_served=2024-10-12",
    ]);
    assert_eq!(anonymous.status.code(), Some(1));
    assert!(stderr(&anonymous).contains("--reviewer"), "{}", stderr(&anonymous));
    // Decided Friday 2024-09-27; 9-29 and 10-12 are make-up working days, 10-1..7 holidays:
    // 10-12 is the 7th working day — within the limit.
    let set = |value: &str| {
        pingcha(&[
            "facts",
            s(&project),
            "--case",
            number,
            "--set",
            value,
            "--reviewer",
            "张敏",
            "--unit",
            "法规科",
        ])
    };
    let out = set("dates.decision_served=2024年10月12日");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("已修改 1 项"), "{}", stdout(&out));
    assert_eq!(service(), None, "7th working day: within 行政处罚法第六十一条");
    let out = set("dates.decision_served=2024-10-14");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        service().as_deref(),
        Some("决定 2024-09-27，送达 2024-10-14，为第8个工作日，超过7个工作日")
    );

    // Bad changes are refused, naming the fact, and change nothing.
    for (bad, says) in [
        ("dates.decision_served=2024-02-30", "决定送达日期"),
        ("dates.nonsense=2024-01-01", "dates.nonsense"),
        ("documents[9].date=2024-01-01", "只有 1 份"),
        ("party.kind=公司", "单位、个人"),
        ("no-equals-sign", "路径=值"),
    ] {
        let out = set(bad);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        assert!(stderr(&out).contains(says), "{bad}: {}", stderr(&out));
    }

    let out = pingcha(&["facts", s(&project), "--case", number, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fact = v["facts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "dates.decision_served")
        .unwrap()
        .clone();
    assert_eq!(fact["value"], "2024-10-14");
    assert_eq!(fact["imported"], "2024-10-14");
    assert_eq!(fact["changed_by"], "张敏（法规科）");
    assert_eq!(fact["origin"], "手工录入");
    let edits = v["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 2, "the refused changes left no trace");
    assert_eq!(
        (edits[0]["old"].as_str(), edits[0]["value"].as_str()),
        (Some("2024-10-14"), Some("2024-10-12"))
    );

    // The audit trail names the change in Chinese; the imported case is untouched.
    let p = pingcha::store::Project::open(&project).unwrap();
    let audit = p.audit(number).unwrap();
    let last = audit.iter().rev().find(|a| a.action == "fact_edited").unwrap();
    assert_eq!(last.reviewer, "张敏");
    assert!(
        last.note.contains("决定送达日期：2024-10-12 → 2024-10-14（手工录入）"),
        "{}",
        last.note
    );
    let stored = p.load_case_by_number(number).unwrap();
    assert_eq!(
        stored.imported.dates[&pingcha::domain::DateKey::DecisionServed].to_string(),
        "2024-10-14"
    );
    // Putting it back to the imported value is a change of its own.
    drop(p);
    let out = pingcha(&[
        "facts",
        s(&project),
        "--case",
        number,
        "--restore",
        "dates.decision_served",
        "--reviewer",
        "张敏",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("已修改 0 项"),
        "already the imported value: {}",
        stdout(&out)
    );
}

/// #12: what the scoring panel, the 修改记录 window, the finding library and the settings
/// window do, the command line does through the same service calls.
#[test]
fn review_commands_decide_findings_complete_a_review_and_read_the_history() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    // Served on the 8th working day after the decision (行政处罚法第六十一条、第八十五条).
    let pkg = late_service_package(&tmp.path().join("late"), "复核〔2024〕1号");
    let out = pingcha(&["import", s(&project), s(&pkg)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let p = s(&project);
    let who = ["--case", "复核〔2024〕1号", "--reviewer", "张三", "--unit", "法规科"];
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = vec!["review", args[0], p];
        all.extend_from_slice(&who);
        all.extend_from_slice(&args[1..]);
        pingcha(&all)
    };
    let findings = |run: &dyn Fn(&[&str]) -> Output| -> Vec<serde_json::Value> {
        let out = run(&["findings", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    };
    let list = findings(&run);
    let late = list
        .iter()
        .find(|f| f["rule"] == "service_deadline")
        .expect("the late service");
    assert!(late["decision"].is_null(), "{late}");
    let n = late["n"].as_u64().unwrap().to_string();
    let other = list
        .iter()
        .find(|f| f["rule"] != "service_deadline")
        .expect("another finding");
    let m = other["n"].as_u64().unwrap().to_string();

    // Two checklists apply: the one to mark must be named.
    let unnamed = run(&["accept", "--finding", &n, "--item", "5.1"]);
    assert_eq!(unnamed.status.code(), Some(1));
    assert!(stderr(&unnamed).contains("请指定其中一份"), "{}", stderr(&unnamed));
    let accepted = run(&[
        "accept",
        "--finding",
        &n,
        "--item",
        "5.1",
        "--checklist",
        "yjcf-general",
    ]);
    assert_eq!(accepted.status.code(), Some(0), "{}", stderr(&accepted));
    assert!(
        stdout(&accepted).contains("已采纳：评查项 5.1"),
        "{}",
        stdout(&accepted)
    );
    let out_of_range = run(&[
        "accept",
        "--finding",
        "99",
        "--item",
        "5.1",
        "--checklist",
        "yjcf-general",
    ]);
    assert_eq!(out_of_range.status.code(), Some(1));
    assert!(
        stderr(&out_of_range).contains("--finding 99"),
        "{}",
        stderr(&out_of_range)
    );

    // A rejection needs a reason.
    let bare = run(&[
        "reject",
        "--finding",
        &m,
        "--reason",
        " ",
        "--checklist",
        "yjcf-general",
    ]);
    assert_eq!(bare.status.code(), Some(1));
    assert!(stderr(&bare).contains("须写明理由"), "{}", stderr(&bare));
    let rejected = run(&[
        "reject",
        "--finding",
        &m,
        "--reason",
        "卷内另有材料",
        "--checklist",
        "yjcf-general",
    ]);
    assert_eq!(rejected.status.code(), Some(0), "{}", stderr(&rejected));
    let list = findings(&run);
    let by_rule = |rule: &serde_json::Value| list.iter().find(|f| f["rule"] == *rule).unwrap().clone();
    assert_eq!(by_rule(&late["rule"])["decision"], "accepted");
    assert_eq!(by_rule(&late["rule"])["item"], "5.1");
    assert_eq!(by_rule(&other["rule"])["decision"], "rejected");
    assert_eq!(by_rule(&other["rule"])["reason"], "卷内另有材料");

    // A deduction without a reason keeps the review open, naming the item …
    let mut mark = vec!["mark", p];
    mark.extend_from_slice(&who);
    mark.extend_from_slice(&["--checklist", "yjcf-general", "--item", "1.2", "--value", "2"]);
    assert_eq!(pingcha(&mark).status.code(), Some(0));
    let refused = run(&["done", "--checklist", "yjcf-general"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("评查项 1.2 扣了分但没有写理由"),
        "{}",
        stderr(&refused)
    );
    // … and with one the review is complete, then reopened.
    mark.extend_from_slice(&["--reason", "询问笔录仅一名执法人员签名"]);
    assert_eq!(pingcha(&mark).status.code(), Some(0));
    let done = run(&["done", "--checklist", "yjcf-general"]);
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
    assert!(stdout(&done).contains("已完成评查"), "{}", stdout(&done));
    let reopened = run(&["reopen", "--checklist", "yjcf-general"]);
    assert_eq!(reopened.status.code(), Some(0), "{}", stderr(&reopened));

    // The history names every step in Chinese.
    let history = pingcha(&["review", "history", p, "--case", "复核〔2024〕1号", "--json"]);
    assert_eq!(history.status.code(), Some(0), "{}", stderr(&history));
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&history.stdout).unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    for code in ["finding_accepted", "finding_rejected", "reviewed", "reopened"] {
        assert!(actions.contains(&code), "{code} missing from {actions:?}");
    }
    for e in &entries {
        let label = e["action_label"].as_str().unwrap();
        assert!(!label.chars().any(|c| c.is_ascii_alphabetic()), "{e}");
    }
    let text = stdout(&pingcha(&["review", "history", p, "--case", "复核〔2024〕1号"]));
    assert!(text.contains("采纳自动检查") && text.contains("完成评查"), "{text}");
}

/// #12: the finding library, the rule parameters and the added holiday years, from the
/// command line.
#[test]
fn library_settings_and_calendar_years_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    drop(pingcha::store::Project::create_or_open(&project).unwrap());
    let p = s(&project);
    let added = pingcha(&[
        "library",
        "add",
        p,
        "--reviewer",
        "张三",
        "--unit",
        "法规科",
        "--category",
        "三项制度",
        "--wording",
        "行政处罚决定未在七个工作日内公示",
    ]);
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    let list = stdout(&pingcha(&["library", "list", p]));
    assert!(list.contains("行政处罚决定未在七个工作日内公示"), "{list}");
    let empty = pingcha(&[
        "library",
        "add",
        p,
        "--reviewer",
        "张三",
        "--category",
        "x",
        "--wording",
        " ",
    ]);
    assert_eq!(empty.status.code(), Some(1));
    assert!(stderr(&empty).contains("--wording"), "{}", stderr(&empty));

    // A parameter is changed by name and keeps its source's note.
    let shown = stdout(&pingcha(&["settings", p]));
    assert!(
        shown
            .lines()
            .any(|l| l.starts_with("service_working_days\t7\t行政处罚法第六十一条")),
        "{shown}"
    );
    let set = pingcha(&["settings", p, "--set", "publication_penalty_working_days=5"]);
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    let json: serde_json::Value = serde_json::from_slice(&pingcha(&["settings", p, "--json"]).stdout).unwrap();
    assert_eq!(json["publication_penalty_working_days"], 5);
    assert!(
        stdout(&pingcha(&["settings", p])).contains("publication_penalty_working_days\t5\t项目设置"),
        "a changed figure is the project's own"
    );
    let wrong = pingcha(&["settings", p, "--set", "service_working_days=七"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(stderr(&wrong).contains("service_working_days"), "{}", stderr(&wrong));
    let unknown = pingcha(&["settings", p, "--set", "no_such_limit=1"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("no_such_limit"), "{}", stderr(&unknown));

    // A year the project added can be removed again; one it did not add cannot.
    let file = tmp.path().join("2027.toml");
    std::fs::write(
        &file,
        "year = 2027\nsource = \"测试用安排\"\noff = [[\"2027-10-01\", \"2027-10-07\"]]\nwork = [\"2027-09-26\"]\n",
    )
    .unwrap();
    assert_eq!(pingcha(&["calendar", "add-year", p, s(&file)]).status.code(), Some(0));
    let holiday = || stdout(&pingcha(&["calendar", "is-working-day", "2027-10-01", "--project", p]));
    assert_eq!(holiday().trim(), "no");
    let removed = pingcha(&["calendar", "remove-year", p, "2027"]);
    assert_eq!(removed.status.code(), Some(0), "{}", stderr(&removed));
    assert_eq!(holiday().trim(), "yes", "without the schedule, a Friday works");
    let again = pingcha(&["calendar", "remove-year", p, "2027"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("没有添加 2027 年"), "{}", stderr(&again));
}

/// The automatic acceptance of values read from scans has one range for both fronts
/// (`service::facts::AUTO_ACCEPT_RANGE`, the import window's field uses it too).
#[test]
fn the_automatic_acceptance_threshold_is_refused_outside_its_range() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    drop(pingcha::store::Project::create_or_open(&project).unwrap());
    let p = s(&project);
    let low = pingcha(&["ocr", p, "--accept-above", "0.79"]);
    assert_eq!(low.status.code(), Some(1));
    assert!(stderr(&low).contains("0.8 到 1 之间"), "{}", stderr(&low));
    let edge = pingcha(&["ocr", p, "--accept-above", "0.8"]);
    assert_eq!(edge.status.code(), Some(0), "{}", stderr(&edge));
    let stored: Option<f32> = pingcha::store::Project::open(&project)
        .unwrap()
        .setting::<Option<f32>>(pingcha::service::facts::AUTO_ACCEPT_KEY)
        .unwrap()
        .flatten();
    assert_eq!(stored, Some(0.8));
    let off = pingcha(&["ocr", p, "--accept-above", "off"]);
    assert_eq!(off.status.code(), Some(0), "{}", stderr(&off));
    let session = pingcha::service::session::Session::open(&project).unwrap();
    let refused = session.save_auto_accept(Some(0.5)).unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("facts_auto_accept"));
}

#[test]
fn campaign_commands_refuse_a_missing_project_and_take_their_defaults_from_the_campaign_settings() {
    let tmp = tempfile::tempdir().unwrap();
    // A mistyped folder is refused, not created as an empty project.
    let missing = tmp.path().join("没有的项目");
    let out = pingcha(&[
        "campaign",
        "create",
        s(&missing),
        "--name",
        "年度评查",
        "--year",
        "2024",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stderr(&out).contains("无法打开项目"), "{}", stderr(&out));
    assert!(!missing.exists());
    // The draw's defaults shown are the campaign settings' own (CampaignConfig::default).
    let help = stdout(&pingcha(&["campaign", "create", "--help"]));
    let defaults = pingcha::review::campaign::CampaignConfig::default();
    for (option, value) in [
        ("--percent", defaults.draw_percent.to_string()),
        ("--at-least", defaults.draw_at_least.to_string()),
        ("--per-case", defaults.per_case.to_string()),
        ("--threshold", defaults.threshold_points.to_string()),
        ("--seed", defaults.seed.to_string()),
    ] {
        let line = help
            .lines()
            .skip_while(|l| !l.trim_start().starts_with(option))
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(line.contains(&format!("[default: {value}]")), "{option}: {line}");
    }
    // Statistics and a comparison of one case through the same session methods as the window.
    let project = tmp.path().join("项目");
    let mut p = pingcha::store::Project::create_or_open(&project).unwrap();
    import(&mut p, &[samples(12).to_path_buf()]);
    drop(p);
    let created = pingcha(&[
        "campaign",
        "create",
        s(&project),
        "--name",
        "年度评查",
        "--year",
        "2024",
        "--percent",
        "100",
        "--at-least",
        "1",
    ]);
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    let drawn: Vec<String> = stdout(&created).lines().skip(1).map(str::to_string).collect();
    assert!(stdout(&created).starts_with(&format!("已建立评查活动“年度评查”：抽取 {} 件案卷", drawn.len())));
    let compared = pingcha(&[
        "campaign",
        "compare",
        s(&project),
        "--campaign",
        "年度评查",
        "--case",
        &drawn[0],
    ]);
    assert_eq!(compared.status.code(), Some(0), "{}", stderr(&compared));
    assert!(stdout(&compared).contains("尚无评分"), "{}", stdout(&compared));
    let stats = pingcha(&["campaign", "stats", s(&project), "--campaign", "年度评查"]);
    assert_eq!(stats.status.code(), Some(0), "{}", stderr(&stats));
    assert!(stdout(&stats).starts_with("总分：一致率"), "{}", stdout(&stats));
}
