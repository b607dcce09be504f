//! A review campaign end to end through two project folders (organiser and reviewers, each
//! with their own key folder, as on separate laptops): draw, assignment, kits out, scores in
//! the workspaces, returns back, merged; tampering detected; importing twice changes nothing;
//! differences, consensus, sign-off; agreement statistics.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

struct Machine {
    keys: PathBuf,
}

impl Machine {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_pingcha"))
            .env("PINGCHA_KEY_DIR", &self.keys)
            .args(args)
            .output()
            .expect("run pingcha")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_campaign_round_trip_through_kits_and_returns() {
    let tmp = tempfile::tempdir().unwrap();
    let organiser = Machine {
        keys: tmp.path().join("organiser-keys"),
    };
    let li = Machine {
        keys: tmp.path().join("li-keys"),
    };
    let wang = Machine {
        keys: tmp.path().join("wang-keys"),
    };
    let project = tmp.path().join("组织者项目");
    let mut p = pingcha::store::Project::create_or_open(&project).unwrap();
    import(&mut p, &[samples(30).to_path_buf()]);
    drop(p);

    // Reviewers create their keys on their own laptops and hand over the public keys.
    let li_key = li.ok(&["key", "show", "李评"]).trim().to_string();
    let wang_key = wang.ok(&["key", "show", "王评"]).trim().to_string();
    assert_eq!(li_key.len(), 64);
    assert_eq!(
        li.ok(&["key", "show", "李评"]).trim(),
        li_key,
        "the key is created once"
    );

    let created = organiser.ok(&[
        "campaign",
        "create",
        s(&project),
        "--name",
        "2024年度评查",
        "--year",
        "2024",
        "--percent",
        "100",
        "--at-least",
        "1",
        "--seed",
        "7",
    ]);
    assert!(created.contains("已建立评查活动"), "{created}");
    organiser.ok(&[
        "campaign",
        "reviewer",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--name",
        "李评",
        "--unit",
        "法规科",
        "--public-key",
        &li_key,
    ]);
    organiser.ok(&[
        "campaign",
        "reviewer",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--name",
        "王评",
        "--unit",
        "监督科",
        "--public-key",
        &wang_key,
    ]);
    organiser.ok(&[
        "campaign",
        "reviewer",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--name",
        "赵组长",
        "--unit",
        "法规科",
        "--lead",
    ]);
    let preview = organiser.ok(&["campaign", "assign", s(&project), "--campaign", "2024年度评查"]);
    assert!(preview.contains("（预览；加 --apply 保存）"), "{preview}");
    let applied = organiser.ok(&[
        "campaign",
        "assign",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--apply",
    ]);
    assert!(applied.contains("已保存分配"));

    // A general-procedure case both 李评 and 王评 review (two reviewers per case, three reviewers).
    let p = pingcha::store::Project::open(&project).unwrap();
    let info = p.campaign("2024年度评查").unwrap();
    let members = p.campaign_reviewers(info.id).unwrap();
    let id_of = |name: &str| members.iter().find(|m| m.name == name).unwrap().reviewer_id;
    let assignments = p.assignments(info.id).unwrap();
    let li_cases: Vec<String> = assignments
        .iter()
        .filter(|(_, r)| *r == id_of("李评"))
        .map(|(c, _)| c.clone())
        .collect();
    let shared = info
        .cases
        .iter()
        .find(|c| {
            let reviewers: Vec<pingcha::store::ReviewerId> =
                assignments.iter().filter(|(n, _)| n == *c).map(|(_, r)| *r).collect();
            reviewers.contains(&id_of("李评"))
                && reviewers.contains(&id_of("王评"))
                && p.load_case_by_number(c).unwrap().case.procedure == Some(pingcha::domain::Procedure::General)
        })
        .expect("a general case shared by 李评 and 王评")
        .clone();
    drop(p);
    // A page of the shared case read by OCR in the organiser's project (as a scanned page
    // would be): the kit carries its text, so the reviewer's search finds it on that page.
    let mut p = pingcha::store::Project::open(&project).unwrap();
    let first_doc = p.load_case_by_number(&shared).unwrap().documents[0].clone();
    let (ocr_sha, _) = first_doc.file.clone().expect("a stored file");
    let read = pingcha::ocr::PageText {
        width: 1654,
        height: 2339,
        lines: vec![pingcha::ocr::OcrLine {
            text: "旁注：整改回执已收悉".into(),
            confidence: 0.97,
            quad: [[0.1, 0.2], [0.6, 0.2], [0.6, 0.23], [0.1, 0.23]],
        }],
        timings: pingcha::ocr::Timings::default(),
    };
    p.save_ocr_page(&ocr_sha, 2, "PP-OCRv4 test page", &read).unwrap();
    assert_eq!(p.search("整改回执已收悉", 10).unwrap()[0].page, Some(2));
    drop(p);

    // Kits: the lead has no key yet, so no kit; 李评's kit holds only 李评's cases.
    let no_key = organiser.run(&[
        "campaign",
        "kit",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--reviewer",
        "赵组长",
        "--out",
        s(&tmp.path().join("x.pchkit")),
    ]);
    assert_eq!(no_key.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_key.stderr).contains("尚未登记“赵组长”的公钥"));
    let li_kit = tmp.path().join("李评.pchkit");
    let wang_kit = tmp.path().join("王评.pchkit");
    organiser.ok(&[
        "campaign",
        "kit",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--reviewer",
        "李评",
        "--out",
        s(&li_kit),
    ]);
    organiser.ok(&[
        "campaign",
        "kit",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--reviewer",
        "王评",
        "--out",
        s(&wang_kit),
    ]);

    let li_ws = tmp.path().join("李评工作区");
    li.ok(&["kit", "open", s(&li_kit), s(&li_ws)]);
    let ws = pingcha::store::Project::open(&li_ws).unwrap();
    let ws_cases: Vec<String> = ws.list_cases().unwrap().into_iter().map(|r| r.number).collect();
    let mut expected = li_cases.clone();
    expected.sort();
    let mut got = ws_cases.clone();
    got.sort();
    assert_eq!(got, expected, "exactly the reviewer's cases");
    let hits = ws.search("整改回执已收悉", 10).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!((hits[0].number.as_str(), hits[0].page), (shared.as_str(), Some(2)));
    let carried = ws
        .ocr_page(&ocr_sha, 2)
        .unwrap()
        .expect("the page's reading came with the kit");
    assert_eq!(
        (carried.lines, carried.engine.as_str()),
        (read.lines.clone(), "PP-OCRv4 test page")
    );
    let mut masked = 0;
    for number in &ws_cases {
        if let Some(id) = ws
            .load_case_by_number(number)
            .unwrap()
            .case
            .party
            .and_then(|p| p.id_number)
            && id.chars().count() == 18
        {
            // A 身份证号 (digits) is masked; a 统一社会信用代码 is public and kept.
            let personal = id.chars().take(17).all(|c| c.is_ascii_digit()) || id.contains("********");
            if personal {
                assert!(id.contains("********"), "身份证号 masked: {id}");
                masked += 1;
            } else {
                assert!(!id.contains('*'), "credit codes stay: {id}");
            }
        }
    }
    assert!(masked > 0, "the kit holds an individual's case");
    drop(ws);

    // Scores in the workspaces: they disagree on item 1.2 and on a veto.
    li.ok(&[
        "mark",
        s(&li_ws),
        "--case",
        &shared,
        "--reviewer",
        "李评",
        "--unit",
        "法规科",
        "--item",
        "1.2",
        "--value",
        "2",
        "--reason",
        "询问笔录仅一人签名",
    ]);
    li.ok(&[
        "mark",
        s(&li_ws),
        "--case",
        &shared,
        "--reviewer",
        "李评",
        "--unit",
        "法规科",
        "--item",
        "2.1",
        "--value",
        "1",
    ]);
    // Only the kit's addressee scores in a workspace: anyone else is refused and not added.
    let other = li.run(&[
        "mark",
        s(&li_ws),
        "--case",
        &shared,
        "--reviewer",
        "王评",
        "--unit",
        "监督科",
        "--item",
        "2.1",
        "--value",
        "1",
    ]);
    assert_eq!(other.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&other.stderr).contains("只能以该评查员的身份评分"),
        "{}",
        String::from_utf8_lossy(&other.stderr)
    );
    let reviewers = pingcha::store::Project::open(&li_ws).unwrap().reviewers().unwrap();
    assert!(reviewers.iter().all(|r| r.name != "王评"), "{reviewers:?}");
    let wang_ws = tmp.path().join("王评工作区");
    wang.ok(&["kit", "open", s(&wang_kit), s(&wang_ws)]);
    wang.ok(&[
        "mark",
        s(&wang_ws),
        "--case",
        &shared,
        "--reviewer",
        "王评",
        "--unit",
        "监督科",
        "--item",
        "2.1",
        "--value",
        "1",
    ]);
    wang.ok(&[
        "mark",
        s(&wang_ws),
        "--case",
        &shared,
        "--reviewer",
        "王评",
        "--unit",
        "监督科",
        "--item",
        "V11",
        "--value",
        "veto",
        "--reason",
        "决定书未盖章",
    ]);

    let li_return = tmp.path().join("李评.pchret");
    let wang_return = tmp.path().join("王评.pchret");
    li.ok(&["kit", "return", s(&li_ws), "--out", s(&li_return)]);
    wang.ok(&["kit", "return", s(&wang_ws), "--out", s(&wang_return)]);
    // The wrong laptop cannot sign 李评's return.
    let wrong = wang.run(&["kit", "return", s(&li_ws), "--out", s(&tmp.path().join("x.pchret"))]);
    assert_eq!(wrong.status.code(), Some(1));
    // #19 item 11: the refusal leaves no key behind on the wrong laptop, and no file.
    assert!(
        !wang.keys.join("李评.ed25519").exists(),
        "a key was created by a refusal"
    );
    assert!(!tmp.path().join("x.pchret").exists());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("本机没有“李评”的密钥"));

    // Tampering with any byte is detected, and nothing changes.
    let good = std::fs::read(&li_return).unwrap();
    for at in [10, good.len() / 2, good.len() - 30] {
        let mut bad = good.clone();
        bad[at] ^= 0x55;
        let path = tmp.path().join(format!("坏{at}.pchret"));
        std::fs::write(&path, &bad).unwrap();
        let out = organiser.run(&["campaign", "import-return", s(&project), s(&path)]);
        assert_eq!(out.status.code(), Some(1), "byte {at}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("已拒绝，项目未作改动"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Every single byte, checked in process: each change is refused.
    let probe = tmp.path().join("探针.pchret");
    for at in 0..good.len() {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        std::fs::write(&probe, &bad).unwrap();
        assert!(
            pingcha::review::kit::read_signed(&probe, "pingcha-return-1", "回收包", 1 << 30).is_err(),
            "a change at byte {at} of {} went unnoticed",
            good.len()
        );
    }
    let truncated = tmp.path().join("截断.pchret");
    std::fs::write(&truncated, &good[..good.len() * 2 / 3]).unwrap();
    assert_eq!(
        organiser
            .run(&["campaign", "import-return", s(&project), s(&truncated)])
            .status
            .code(),
        Some(1)
    );
    let p = pingcha::store::Project::open(&project).unwrap();
    assert!(
        p.marks_of_case(&shared).unwrap().is_empty(),
        "nothing merged from bad files"
    );
    drop(p);

    // A return signed by 李评 but carrying a mark on a case not assigned to 李评 is refused.
    {
        let mut verified =
            pingcha::review::kit::read_signed(&li_return, "pingcha-return-1", "回收包", 1 << 30).unwrap();
        let mut ret: serde_json::Value = serde_json::from_slice(&verified.read("return.json").unwrap()).unwrap();
        let p = pingcha::store::Project::open(&project).unwrap();
        let info = p.campaign("2024年度评查").unwrap();
        let foreign = info
            .cases
            .iter()
            .find(|c| !li_cases.contains(c))
            .expect("a case not assigned to 李评")
            .clone();
        drop(p);
        let mut extra = ret["marks"][0].clone();
        extra["case"] = serde_json::Value::String(foreign.clone());
        ret["marks"].as_array_mut().unwrap().push(extra);
        let mut members = std::collections::BTreeMap::new();
        members.insert("return.json".to_string(), serde_json::to_vec(&ret).unwrap());
        let key = pingcha::review::kit::key_pair_in(&li.keys, "李评").unwrap();
        let forged = pingcha::review::kit::write_signed("pingcha-return-1", &members, &key).unwrap();
        let path = tmp.path().join("越权.pchret");
        std::fs::write(&path, forged).unwrap();
        let out = organiser.run(&["campaign", "import-return", s(&project), s(&path)]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("案卷 {foreign} 未分配给 李评")), "{err}");
        let p = pingcha::store::Project::open(&project).unwrap();
        assert!(p.marks_of_case(&shared).unwrap().is_empty(), "nothing merged");
    }

    // The genuine returns merge; twice changes nothing.
    let merged = organiser.ok(&["campaign", "import-return", s(&project), s(&li_return), s(&wang_return)]);
    assert!(merged.contains("已导入 李评 的回收包：2 条评分"), "{merged}");
    let again = organiser.ok(&["campaign", "import-return", s(&project), s(&li_return)]);
    assert!(again.contains("已导入过，项目未作改动"), "{again}");
    let p = pingcha::store::Project::open(&project).unwrap();
    assert_eq!(p.marks_of_case(&shared).unwrap().len(), 4);
    drop(p);

    // A later return supersedes the earlier one, audited.
    li.ok(&[
        "mark",
        s(&li_ws),
        "--case",
        &shared,
        "--reviewer",
        "李评",
        "--unit",
        "法规科",
        "--item",
        "1.2",
        "--value",
        "1",
    ]);
    li.ok(&["kit", "return", s(&li_ws), "--out", s(&li_return)]);
    let superseded = organiser.ok(&["campaign", "import-return", s(&project), s(&li_return)]);
    assert!(superseded.contains("取代此前导入的回收包"), "{superseded}");

    // Differences side by side.
    let cmp = organiser.ok(&[
        "campaign",
        "compare",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--case",
        &shared,
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&cmp).unwrap();
    let c = &v[0];
    assert_eq!(c["flagged"], true);
    assert_eq!(c["veto_disagreement"], true);
    let disputed: Vec<&str> = c["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["disputed"] == true)
        .map(|i| i["item"].as_str().unwrap())
        .collect();
    assert_eq!(disputed, ["V11", "1.2"]);
    assert!(c["final_source"].as_str().unwrap().contains("平均分"));

    // Consensus on both disputed items; the reviewers' own marks stay.
    organiser.ok(&[
        "campaign",
        "consensus",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--case",
        &shared,
        "--item",
        "V11",
        "--value",
        "none",
        "--reason",
        "卷内决定书原件已盖章",
        "--by",
        "赵组长",
        "--unit",
        "法规科",
    ]);
    let done = organiser.ok(&[
        "campaign",
        "consensus",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--case",
        &shared,
        "--item",
        "1.2",
        "--value",
        "1",
        "--reason",
        "采纳李评意见",
        "--by",
        "赵组长",
        "--unit",
        "法规科",
    ]);
    assert!(done.contains("（合议）"), "{done}");
    let p = pingcha::store::Project::open(&project).unwrap();
    assert_eq!(p.marks_of_case(&shared).unwrap().len(), 4, "originals kept");
    drop(p);
    let v: serde_json::Value = serde_json::from_str(&organiser.ok(&[
        "campaign",
        "compare",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--case",
        &shared,
        "--json",
    ]))
    .unwrap();
    // Agreed: 1.2 one occurrence (−1), 2.1 (−0.5 both), no veto.
    assert_eq!(v[0]["final_total"], 98.5);
    assert_eq!(v[0]["final_source"], "合议");

    // Sign-off locks; unlocking needs a reason; all audited.
    organiser.ok(&[
        "campaign",
        "signoff",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--case",
        &shared,
        "--by",
        "赵组长",
        "--unit",
        "法规科",
    ]);
    let locked = organiser.run(&[
        "campaign",
        "consensus",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--case",
        &shared,
        "--item",
        "2.1",
        "--value",
        "none",
        "--reason",
        "x",
        "--by",
        "赵组长",
        "--unit",
        "法规科",
    ]);
    assert_eq!(locked.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&locked.stderr).contains("已复核锁定"));
    let relocked = organiser.run(&["campaign", "import-return", s(&project), s(&wang_return)]);
    assert_eq!(
        relocked.status.code(),
        Some(0),
        "the same file again: unchanged, even when locked"
    );
    let no_reason = organiser.run(&[
        "campaign",
        "signoff",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--case",
        &shared,
        "--by",
        "赵组长",
        "--unit",
        "法规科",
        "--unlock",
    ]);
    assert_eq!(no_reason.status.code(), Some(1));
    organiser.ok(&[
        "campaign",
        "signoff",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--case",
        &shared,
        "--by",
        "赵组长",
        "--unit",
        "法规科",
        "--unlock",
        "--reason",
        "发现计分错误",
    ]);
    let p = pingcha::store::Project::open(&project).unwrap();
    let actions: Vec<String> = p.audit(&shared).unwrap().into_iter().map(|a| a.action).collect();
    for expected in [
        "return_imported",
        "return_superseded",
        "consensus",
        "signed_off",
        "unlocked",
    ] {
        assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
    }
    drop(p);

    // A return for another project's campaign is refused as mis-addressed.
    let other = tmp.path().join("另一项目");
    let mut p2 = pingcha::store::Project::create_or_open(&other).unwrap();
    import(&mut p2, &[samples(30).to_path_buf()]);
    drop(p2);
    organiser.ok(&[
        "campaign",
        "create",
        s(&other),
        "--name",
        "2024年度评查",
        "--year",
        "2024",
        "--percent",
        "100",
        "--at-least",
        "1",
    ]);
    organiser.ok(&[
        "campaign",
        "reviewer",
        s(&other),
        "--campaign",
        "2024年度评查",
        "--name",
        "李评",
        "--unit",
        "法规科",
        "--public-key",
        &li_key,
    ]);
    let misaddressed = organiser.run(&["campaign", "import-return", s(&other), s(&li_return)]);
    assert_eq!(misaddressed.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&misaddressed.stderr).contains("不是本项目的评查活动"),
        "{}",
        String::from_utf8_lossy(&misaddressed.stderr)
    );

    // The documents: the consensus score sheet, the unit's notice, the campaign report, XLSX.
    let sheet = tmp.path().join("评查表.pdf");
    organiser.ok(&[
        "report",
        "score-sheet",
        s(&project),
        "--case",
        &shared,
        "--consensus",
        "--out",
        s(&sheet),
        "--date",
        "2024-12-01",
    ]);
    let text = pdf_text_of(&sheet);
    assert!(
        text.contains("合议意见") && text.contains("卷内决定书原件已盖章"),
        "{text}"
    );
    assert!(text.contains("2024年12月1日"));
    let unit = pingcha::store::Project::open(&project)
        .unwrap()
        .load_case_by_number(&shared)
        .unwrap()
        .case
        .unit;
    let notice = tmp.path().join("通知书.pdf");
    organiser.ok(&[
        "report",
        "notice",
        s(&project),
        "--unit",
        &unit,
        "--campaign",
        "2024年度评查",
        "--out",
        s(&notice),
        "--date",
        "2024-12-01",
    ]);
    let text = pdf_text_of(&notice);
    assert!(text.contains("整改的通知") && text.contains("2024年12月31日"), "{text}");
    // #13 item 6: the notice prints the problem — the item's text, the deduction and the
    // agreed finding — never the consensus note, which names a reviewer of a back-to-back review.
    let p = pingcha::store::Project::open(&project).unwrap();
    let info = p.campaign("2024年度评查").unwrap();
    let agreed = p.consensus(info.id, &shared).unwrap();
    let on_12 = agreed.iter().find(|c| c.item == "1.2").unwrap();
    let finding = on_12.mark.as_ref().unwrap().reason.clone();
    assert!(!finding.is_empty() && text.contains(&finding), "{finding} in {text}");
    let checklist = p.checklist(on_12.checklist).unwrap().checklist;
    let item_text = checklist.item("1.2").unwrap().text().to_string();
    let start: String = item_text.chars().take(6).collect();
    assert!(text.contains(&start), "{item_text} in {text}");
    assert!(
        text.contains("扣") && text.contains("评分依据：评查组合议结果"),
        "{text}"
    );
    assert!(!text.contains("采纳李评意见") && !text.contains("李评"), "{text}");
    drop(p);
    let report = tmp.path().join("报告.pdf");
    organiser.ok(&[
        "report",
        "campaign",
        s(&project),
        "--out",
        s(&report),
        "--date",
        "2024-12-01",
    ]);
    let text = pdf_text_of(&report);
    assert!(
        !text.contains("以往整改通知"),
        "no notice was issued before: no repeats"
    );
    assert!(
        text.contains("关于2024年度评查情况的通报") && text.contains("附件1"),
        "{text}"
    );
    // All three of the 三项制度 have their row in the table, in their order.
    let table = &text[text.find("落实率").expect("the 三项制度 table")..];
    let rows: Vec<usize> = [
        "行政执法公示（按期公示）",
        "执法全过程记录（规定环节音像记录）",
        "重大执法决定法制审核",
    ]
    .iter()
    .map(|row| table.find(row).unwrap_or_else(|| panic!("{row} not in: {table}")))
    .collect();
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "{rows:?}");
    let again = tmp.path().join("报告2.pdf");
    organiser.ok(&[
        "report",
        "campaign",
        s(&project),
        "--out",
        s(&again),
        "--date",
        "2024-12-01",
    ]);
    assert_eq!(
        std::fs::read(&report).unwrap(),
        std::fs::read(&again).unwrap(),
        "same data, same bytes"
    );
    let xlsx = tmp.path().join("数据.xlsx");
    organiser.ok(&[
        "export",
        "xlsx",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--out",
        s(&xlsx),
    ]);
    {
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
        let names = book.sheet_names().to_vec();
        assert_eq!(names, ["案卷", "评分", "自动检查", "一致性"]);
        let marks = book.worksheet_range("评分").unwrap();
        assert!(
            marks
                .rows()
                .any(|r| r.iter().any(|c| c.to_string().as_str() == "决定书未盖章"))
        );
    }

    // Agreement statistics of the campaign.
    let stats: serde_json::Value = serde_json::from_str(&organiser.ok(&[
        "campaign",
        "stats",
        s(&project),
        "--campaign",
        "2024年度评查",
        "--json",
    ]))
    .unwrap();
    assert!(stats["totals"]["percent_agreement"].is_f64() || stats["totals"]["percent_agreement"].is_null());
    assert!(
        stats["deviations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["reviewer"] == "王评")
    );
}

/// A campaign with one reviewer (李评) whose kit is opened in a workspace.
struct OneReviewer {
    tmp: tempfile::TempDir,
    organiser: Machine,
    li: Machine,
    project: PathBuf,
    kit: PathBuf,
    issued: String,
}

fn one_reviewer() -> OneReviewer {
    let tmp = tempfile::tempdir().unwrap();
    let organiser = Machine {
        keys: tmp.path().join("organiser-keys"),
    };
    let li = Machine {
        keys: tmp.path().join("li-keys"),
    };
    let project = tmp.path().join("组织者项目");
    let mut p = pingcha::store::Project::create_or_open(&project).unwrap();
    import(&mut p, &[samples(30).to_path_buf()]);
    drop(p);
    let key = li.ok(&["key", "show", "李评"]).trim().to_string();
    let c = "专项评查";
    organiser.ok(&[
        "campaign",
        "create",
        s(&project),
        "--name",
        c,
        "--year",
        "2024",
        "--percent",
        "100",
        "--at-least",
        "1",
    ]);
    organiser.ok(&[
        "campaign",
        "reviewer",
        s(&project),
        "--campaign",
        c,
        "--name",
        "李评",
        "--unit",
        "法规科",
        "--public-key",
        &key,
    ]);
    organiser.ok(&["campaign", "assign", s(&project), "--campaign", c, "--apply"]);
    let kit = tmp.path().join("李评.pchkit");
    let issued = organiser.ok(&[
        "campaign",
        "kit",
        s(&project),
        "--campaign",
        c,
        "--reviewer",
        "李评",
        "--out",
        s(&kit),
    ]);
    OneReviewer {
        tmp,
        organiser,
        li,
        project,
        kit,
        issued,
    }
}

fn first_case(ws: &Path) -> String {
    pingcha::store::Project::open(ws)
        .unwrap()
        .list_cases()
        .unwrap()
        .into_iter()
        .find(|r| r.procedure == Some(pingcha::domain::Procedure::General))
        .unwrap()
        .number
}

#[test]
fn an_older_return_replayed_after_a_newer_one_is_refused() {
    // #19 item 2: an older signed return imported after a newer one rolled the marks back.
    let t = one_reviewer();
    let ws = t.tmp.path().join("工作区");
    t.li.ok(&["kit", "open", s(&t.kit), s(&ws)]);
    let case = first_case(&ws);
    let mark = |value: &str| {
        t.li.ok(&[
            "mark",
            s(&ws),
            "--case",
            &case,
            "--reviewer",
            "李评",
            "--unit",
            "法规科",
            "--item",
            "1.2",
            "--value",
            value,
            "--reason",
            "笔录缺签名",
        ]);
    };
    mark("1");
    let first = t.tmp.path().join("第一次.pchret");
    assert!(
        t.li.ok(&["kit", "return", s(&ws), "--out", s(&first)])
            .contains("第1号")
    );
    mark("3");
    let second = t.tmp.path().join("第二次.pchret");
    assert!(
        t.li.ok(&["kit", "return", s(&ws), "--out", s(&second)])
            .contains("第2号")
    );
    t.organiser
        .ok(&["campaign", "import-return", s(&t.project), s(&second)]);
    let replay = t
        .organiser
        .run(&["campaign", "import-return", s(&t.project), s(&first)]);
    assert_eq!(replay.status.code(), Some(1));
    let said = String::from_utf8_lossy(&replay.stderr);
    assert!(said.contains("旧回收包（第1号）：已导入更新的第2号回收包"), "{said}");
    let p = pingcha::store::Project::open(&t.project).unwrap();
    let marks = p.marks_of_case(&case).unwrap();
    assert_eq!(marks.len(), 1);
    assert_eq!(
        marks[0].2.value,
        pingcha::domain::MarkValue::Count(3),
        "the newer marks stay"
    );
    // #19 item 12: a huge file is refused by its size, before it is read.
    let huge = t.tmp.path().join("巨大.pchret");
    std::fs::File::create(&huge).unwrap().set_len(65 << 20).unwrap();
    let out = t.organiser.run(&["campaign", "import-return", s(&t.project), s(&huge)]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("超过回收包的上限 64 MB"), "{said}");
}

#[test]
fn a_return_built_on_a_kit_the_organiser_did_not_issue_is_refused() {
    // #19 item 3: a kit with an edited case, re-signed with a fresh key, opened normally and
    // its return was accepted.
    let t = one_reviewer();
    let mut verified = pingcha::review::kit::read_signed(&t.kit, "pingcha-kit-1", "评查包", 1 << 32).unwrap();
    let organiser_print = pingcha::review::kit::fingerprint(&verified.signer);
    assert!(
        t.issued.contains(&organiser_print),
        "the organiser is told the fingerprint: {}",
        t.issued
    );
    let mut members = verified.read_all().unwrap();
    let name = members.keys().find(|k| k.starts_with("cases/")).unwrap().clone();
    let mut case: serde_json::Value = serde_json::from_slice(&members[&name]).unwrap();
    case["case"]["title"] = serde_json::Value::String("被篡改的案件名称".into());
    members.insert(name, serde_json::to_vec(&case).unwrap());
    let forger = pingcha::review::kit::key_pair_in(&t.tmp.path().join("forger"), "组织者").unwrap();
    let forged = t.tmp.path().join("伪造.pchkit");
    std::fs::write(
        &forged,
        pingcha::review::kit::write_signed("pingcha-kit-1", &members, &forger).unwrap(),
    )
    .unwrap();

    // The reviewer sees a fingerprint that is not the organiser's.
    let ws = t.tmp.path().join("伪造工作区");
    let opened = t.li.ok(&["kit", "open", s(&forged), s(&ws)]);
    let forged_print = pingcha::review::kit::fingerprint(&forger.public_hex());
    assert!(
        opened.contains(&forged_print) && !opened.contains(&organiser_print),
        "{opened}"
    );
    // The genuine kit shows the organiser's.
    let genuine = t.tmp.path().join("真工作区");
    assert!(
        t.li.ok(&["kit", "open", s(&t.kit), s(&genuine)])
            .contains(&organiser_print)
    );
    // The cover sheet printed with the kit (评查包交接单) carries the same fingerprint and the
    // kit's SHA-256, for the reviewer to compare on paper.
    let cover = t
        .kit
        .with_file_name(format!("{}-交接单.pdf", t.kit.file_stem().unwrap().to_string_lossy()));
    assert!(t.issued.contains("交接单"), "{}", t.issued);
    let cover_text = match pingcha::import::extract_pdf_text(
        &std::fs::read(&cover).expect("the cover sheet beside the kit"),
        &pingcha::import::ImportLimits::default(),
    ) {
        pingcha::import::TextLayer::Text { text, .. } => text,
        other => panic!("{other:?}"),
    };
    let sha = pingcha::review::kit::sha256_hex(&std::fs::read(&t.kit).unwrap());
    for expected in [
        "评查包交接单".to_string(),
        organiser_print.clone(),
        sha[..8].to_string(),
        sha[56..].to_string(),
        "李评".to_string(),
        first_case(&genuine),
    ] {
        assert!(cover_text.contains(&expected), "{expected} not in: {cover_text}");
    }
    assert!(!cover_text.contains(&forged_print));

    // Scores one case in a workspace and exports the return; gives the case and the file.
    let score_and_return = |ws: &Path, name: &str| {
        let case = first_case(ws);
        t.li.ok(&[
            "mark",
            s(ws),
            "--case",
            &case,
            "--reviewer",
            "李评",
            "--unit",
            "法规科",
            "--item",
            "1.2",
            "--value",
            "1",
        ]);
        let ret = t.tmp.path().join(name);
        t.li.ok(&["kit", "return", s(ws), "--out", s(&ret)]);
        (case, ret)
    };
    let (case, ret) = score_and_return(&ws, "伪造.pchret");
    let out = t.organiser.run(&["campaign", "import-return", s(&t.project), s(&ret)]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("所依据的评查包不是本项目签发给“李评”的"), "{said}");
    assert!(
        pingcha::store::Project::open(&t.project)
            .unwrap()
            .marks_of_case(&case)
            .unwrap()
            .is_empty()
    );
    // A return on the genuine kit is accepted.
    let (_, good) = score_and_return(&genuine, "真.pchret");
    t.organiser.ok(&["campaign", "import-return", s(&t.project), s(&good)]);
}

#[test]
fn the_next_campaigns_report_names_problems_an_earlier_notice_already_named() {
    // #17 §4: a unit told in an earlier 整改通知 about checklist item 1.2 has the same problem
    // in the campaign: the 通报 lists it as a repeat, naming the earlier notice.
    let t = one_reviewer();
    let ws = t.tmp.path().join("工作区");
    t.li.ok(&["kit", "open", s(&t.kit), s(&ws)]);
    let case = first_case(&ws);
    let unit = pingcha::store::Project::open(&t.project)
        .unwrap()
        .load_case_by_number(&case)
        .unwrap()
        .case
        .unit;
    let mark = |who: &Machine, project: &Path, name: &str| {
        who.ok(&[
            "mark",
            s(project),
            "--case",
            &case,
            "--reviewer",
            name,
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
    };
    // Last year's review, outside the campaign, and its notice.
    mark(&t.organiser, &t.project, "张三");
    let notice = t.tmp.path().join("去年通知.pdf");
    t.organiser.ok(&[
        "rectify",
        "issue",
        s(&t.project),
        "--unit",
        &unit,
        "--date",
        "2024-03-01",
        "--due",
        "2024-04-01",
        "--by",
        "张三",
        "--by-unit",
        "法规科",
        "--out",
        s(&notice),
    ]);
    // The campaign's reviewer finds it again.
    mark(&t.li, &ws, "李评");
    let ret = t.tmp.path().join("回收.pchret");
    t.li.ok(&["kit", "return", s(&ws), "--out", s(&ret)]);
    t.organiser.ok(&["campaign", "import-return", s(&t.project), s(&ret)]);
    let report = t.tmp.path().join("通报.pdf");
    t.organiser.ok(&[
        "report",
        "campaign",
        s(&t.project),
        "--campaign",
        "专项评查",
        "--out",
        s(&report),
        "--date",
        "2024-12-01",
    ]);
    let text = pdf_text_of(&report).replace(['\n', ' '], "");
    assert!(text.contains("在以往整改通知中已向同一单位指出"), "{text}");
    assert!(text.contains("评查整改〔2024〕1号"), "{text}");
}

/// #16 §3: a fact the reviewer corrects in the workspace travels in the signed return; the
/// organiser's project records it under that reviewer (who changed what), its checks use it,
/// and importing the same return again changes nothing.
#[test]
fn facts_corrected_in_a_workspace_come_back_in_the_return_under_the_reviewer() {
    let t = one_reviewer();
    let ws = t.tmp.path().join("工作区");
    t.li.ok(&["kit", "open", s(&t.kit), s(&ws)]);
    let case = first_case(&ws);
    let said = t.li.ok(&[
        "facts",
        s(&ws),
        "--case",
        &case,
        "--set",
        "party.address=青禾市滨江路 8 号",
        "--set",
        "documents[1].sealed=否",
        "--reviewer",
        "李评",
        "--unit",
        "法规科",
    ]);
    assert!(said.contains("已修改 2 项"), "{said}");
    let ret = t.tmp.path().join("事实.pchret");
    let said = t.li.ok(&["kit", "return", s(&ws), "--out", s(&ret)]);
    assert!(said.contains("2 处案卷事实修改"), "{said}");
    let said = t.organiser.ok(&["campaign", "import-return", s(&t.project), s(&ret)]);
    assert!(said.contains("已导入"), "{said}");
    let p = pingcha::store::Project::open(&t.project).unwrap();
    let stored = p.load_case_by_number(&case).unwrap();
    assert_eq!(
        stored.case.party.as_ref().and_then(|p| p.address.as_deref()),
        Some("青禾市滨江路 8 号")
    );
    assert_eq!(stored.case.documents[0].sealed, Some(false));
    assert_eq!(stored.edits.len(), 2);
    for edit in &stored.edits {
        assert_eq!((edit.reviewer.as_str(), edit.unit.as_str()), ("李评", "法规科"));
        assert_eq!(edit.origin, pingcha::domain::case_facts::FactOrigin::Returned);
    }
    let audit = p.audit(&case).unwrap();
    assert_eq!(audit.iter().filter(|a| a.action == "fact_edited").count(), 2);
    assert!(
        audit
            .iter()
            .any(|a| a.note.contains("加盖印章") && a.note.contains("评分包回收")),
        "{audit:?}"
    );
    drop(p);
    let again = t.organiser.ok(&["campaign", "import-return", s(&t.project), s(&ret)]);
    assert!(again.contains("已导入过"), "{again}");
    let p = pingcha::store::Project::open(&t.project).unwrap();
    assert_eq!(p.fact_edits(&case).unwrap().len(), 2);
}
