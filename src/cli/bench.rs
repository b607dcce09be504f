//! `pingcha bench import`: generate N cases, copy them with `cp -r`, import them, and
//! report cases/s, MB/s and the ratio to the plain copy.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::import::ImportLimits;
use crate::sample::{SampleOptions, write_samples};
use crate::service::{plan_import, run_import};
use crate::store::{ChecklistKey, Project, ReviewerId};

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                dir_size(&p)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            }
        })
        .sum()
}

const REPEAT: usize = 5;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn runs(values: &[f64]) -> String {
    values.iter().map(|v| format!("{v:.2}")).collect::<Vec<_>>().join(" / ")
}

fn sync() {
    let _ = std::process::Command::new("sync").status();
}

#[expect(clippy::too_many_lines, reason = "one benchmark script: set up, measure, print")]
pub fn import(cases: usize, dir: Option<PathBuf>) -> Result<()> {
    let temp;
    let work = match dir {
        Some(d) => d,
        None => {
            temp = std::env::temp_dir().join(format!("pingcha-bench-{}", std::process::id()));
            temp.clone()
        }
    };
    let samples = work.join("samples");
    if !samples.join("执法人员名册.csv").exists() {
        let t = Instant::now();
        write_samples(
            &samples,
            SampleOptions {
                cases,
                seed: 2024,
                defect_rate: 0.0,
            },
            &mut |_, _| {},
        )?;
        errln!("生成 {cases} 件示例案卷用时 {:.1} s", t.elapsed().as_secs_f64());
    }
    let bytes = dir_size(&samples);
    // Both timings start after `sync` and end once the data is on disk (`sync` again): the
    // import fsyncs what it stores, so a `cp -r` that leaves its writes in the page cache
    // would not be a fair comparison. Each is repeated and the median reported, because
    // write-back on a shared disk is noisy.
    let mut copy_runs = Vec::new();
    let mut import_runs = Vec::new();
    let mut report = None;
    let mut project_dir = work.join("project");
    for run in 0..REPEAT {
        let copy = work.join(format!("copy-{run}"));
        let _ = std::fs::remove_dir_all(&copy);
        sync();
        let t = Instant::now();
        let status = std::process::Command::new("cp")
            .arg("-r")
            .arg(&samples)
            .arg(&copy)
            .status()
            .context("无法运行 cp")?;
        if !status.success() {
            bail!("cp -r 失败");
        }
        sync();
        copy_runs.push(t.elapsed().as_secs_f64());
        let _ = std::fs::remove_dir_all(&copy);

        project_dir = work.join(format!("project-{run}"));
        let _ = std::fs::remove_dir_all(&project_dir);
        let mut project = Project::create_or_open(&project_dir)?;
        sync();
        let t = Instant::now();
        let r = run_import(
            &mut project,
            &plan_import(std::slice::from_ref(&samples)),
            &ImportLimits::default(),
            &AtomicBool::new(false),
            &mut |_| {},
        );
        sync();
        import_runs.push(t.elapsed().as_secs_f64());
        report = Some(r);
        if run + 1 < REPEAT {
            drop(project);
            let _ = std::fs::remove_dir_all(&project_dir);
        }
    }
    let report = report.context("没有运行导入")?;
    // Each import is paired with the copy timed just before it (interleaved runs): the
    // disk's noise moves both, so the per-pair ratio is the fairer measure.
    let mut ratios: Vec<f64> = import_runs
        .iter()
        .zip(&copy_runs)
        .map(|(i, c)| i / c.max(1e-9))
        .collect();
    let copy_s = median(&mut copy_runs.clone());
    let import_s = median(&mut import_runs.clone());
    let mut project = Project::open(&project_dir)?;
    let t = Instant::now();
    let again = run_import(
        &mut project,
        &plan_import(std::slice::from_ref(&samples)),
        &ImportLimits::default(),
        &AtomicBool::new(false),
        &mut |_| {},
    );
    let reimport_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let hits = project.search("第一百零一条", 100_000)?;
    let search_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let short_hits = project.search("罚款", 100_000)?;
    let short_search_ms = t.elapsed().as_secs_f64() * 1000.0;

    // Loading every case versus running every automatic check on them (issue: checks take a
    // small fraction of the load).
    let calendar = crate::import::bundled_calendar()?;
    let settings = crate::rules::RuleSettings::default();
    let registry = project.registry()?;
    let ctx = crate::rules::RuleContext {
        calendar: &calendar,
        settings: &settings,
        registry: &registry,
    };
    let t = Instant::now();
    let loaded: Vec<_> = project
        .list_cases()?
        .iter()
        .map(|r| project.load_case(r.id))
        .collect::<Result<_, _>>()?;
    let load_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let findings: usize = loaded
        .iter()
        .map(|c| crate::rules::check_case(&c.case, &ctx).len())
        .sum();
    let check_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mb = bytes as f64 / 1_048_576.0;
    outln!("| 指标 | 数值 |");
    outln!("|---|---|");
    outln!(
        "| 案卷 | {} 件（导入 {}，拒绝 {}）|",
        cases,
        report.imported(),
        report.refused()
    );
    outln!("| 文件总量 | {mb:.1} MB |");
    outln!(
        "| 工作线程 | {} |",
        std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8)
    );
    outln!(
        "| cp -r + sync 用时（{REPEAT} 次中位数；各次 {}）| {copy_s:.2} s |",
        runs(&copy_runs)
    );
    outln!(
        "| 导入 + sync 用时（含文字提取与索引；{REPEAT} 次中位数；各次 {}）| {import_s:.2} s |",
        runs(&import_runs)
    );
    outln!(
        "| 导入速度 | {:.1} 件/s，{:.1} MB/s |",
        cases as f64 / import_s,
        mb / import_s
    );
    outln!("| 与 cp -r 之比（中位数之比）| {:.2} |", import_s / copy_s.max(1e-9));
    let listed = runs(&ratios);
    let spread = (
        ratios.iter().copied().fold(f64::INFINITY, f64::min),
        median(&mut ratios),
        ratios.iter().copied().fold(0.0, f64::max),
    );
    outln!(
        "| 每对交替运行的导入/复制之比（各次 {listed}）| 最小 {:.2}，中位 {:.2}，最大 {:.2} |",
        spread.0,
        spread.1,
        spread.2
    );
    outln!(
        "| 重复导入（无变化）| {reimport_s:.2} s，未变化 {} 件 |",
        again.unchanged()
    );
    outln!("| 检索“第一百零一条”| {search_ms:.1} ms，{} 处 |", hits.len());
    outln!(
        "| 检索“罚款”（两字，LIKE 回退）| {short_search_ms:.1} ms，{} 处 |",
        short_hits.len()
    );
    outln!("| 读取全部 {} 件案卷 | {load_ms:.0} ms |", loaded.len());
    outln!(
        "| 对全部案卷运行 {} 条自动检查规则 | {check_ms:.1} ms（{findings} 项发现）|",
        crate::rules::RULES.len()
    );
    if temp_cleanup(&work, cases) {
        let _ = std::fs::remove_dir_all(&work);
    }
    Ok(())
}

fn temp_cleanup(work: &Path, _cases: usize) -> bool {
    work.starts_with(std::env::temp_dir())
        && work
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("pingcha-bench-"))
}

/// Renders the campaign report of `cases` scored cases (five units, spread scores, a third
/// settled by consensus) and prints pages, seconds and bytes.
pub fn report(cases: usize, out: Option<PathBuf>) -> Result<()> {
    use crate::report::documents::{CampaignReport, ReportCase, Templates, campaign_report};
    let templates = Templates::bundled().map_err(anyhow::Error::msg)?;
    let units = ["执法一科", "执法二科", "执法三科", "执法支队一大队", "执法支队二大队"];
    let grades = ["优秀", "良好", "合格", "不合格"];
    let started = std::time::Instant::now();
    let list: Vec<ReportCase> = (0..cases)
        .map(|i| {
            let score = 50.0 + (i * 37 % 51) as f64;
            let grade = if score >= 90.0 {
                0
            } else if score >= 80.0 {
                1
            } else if score >= 60.0 {
                2
            } else {
                3
            };
            ReportCase {
                number: format!("青禾应急罚〔2024〕{}号", i + 1),
                unit: units[i % units.len()].into(),
                kind: "行政处罚（普通程序）".into(),
                score,
                grade: grades[grade].into(),
                source: if i % 3 == 0 {
                    "合议".into()
                } else {
                    "2 名评查员的平均分".into()
                },
                reviewers: "李评、王评".into(),
            }
        })
        .collect();
    let document = campaign_report(&CampaignReport {
        agency: "青禾市应急管理局",
        name: "基准评查活动",
        year: 2024,
        date: "2024年12月1日",
        deadline: "2024年12月31日",
        reviewers: 10,
        drawn_cases: cases,
        drawn_units: units.len(),
        per_case: 2,
        grades: grades.iter().map(|g| g.to_string()).collect(),
        cases: list,
        three_systems: vec![("行政执法公示（按期公示）".into(), cases * 9 / 10, cases)],
        internal: true,
        repeats: Vec::new(),
        problems: (1..=15)
            .map(|k| {
                (
                    format!("问题 {k}"),
                    cases / (k + 1),
                    "青禾应急罚〔2024〕1号".to_string(),
                )
            })
            .collect(),
        agreement: vec![("总分一致率".into(), "0.800".into())],
        templates: &templates,
        number: "评查通报〔2024〕3号",
        period: Some("2024年11月28日至12月1日".into()),
        official: &Default::default(),
    });
    let modelled = started.elapsed();
    let rendered = crate::report::render_pdf(&document)?;
    let total = started.elapsed();
    if let Some(path) = out {
        std::fs::write(&path, &rendered.bytes).with_context(|| format!("{}: 无法写入", path.display()))?;
    }
    outln!("| measure | value |");
    outln!("|---|---|");
    outln!("| cases | {cases} |");
    outln!("| pages | {} |", rendered.pages);
    outln!("| build the document model | {:.3} s |", modelled.as_secs_f64());
    outln!("| model + lay out + write the PDF | {:.2} s |", total.as_secs_f64());
    outln!("| PDF size | {:.0} KB |", rendered.bytes.len() as f64 / 1024.0);
    Ok(())
}

/// Builds a project of `cases` cases (cloned from generated 2024 cases, without their files),
/// a campaign that draws all of them with two reviewers per case, both reviewers' marks (a
/// share disagreeing, most of those settled by consensus), then times `report campaign`
/// through the code the CLI and the app use. Prints one JSON line last.
#[expect(clippy::too_many_lines, reason = "one benchmark script: set up, measure, print")]
pub fn campaign(cases: usize, dir: Option<PathBuf>) -> Result<()> {
    use crate::domain::{Mark, MarkValue};
    use crate::review::campaign::{CampaignConfig, add_reviewer, apply_assignment, create_campaign};
    use crate::store::{ConsensusMark, NewCase, NewDocument, ReturnMark};

    let keep = dir.is_some();
    let work =
        dir.unwrap_or_else(|| std::env::temp_dir().join(format!("pingcha-bench-campaign-{}", std::process::id())));
    let project_dir = work.join(format!("project-{cases}"));
    let name = "基准评查活动";
    if !project_dir.join(crate::store::DB_FILE).exists() || Project::open(&project_dir)?.campaign(name).is_err() {
        let _ = std::fs::remove_dir_all(&project_dir);
        let t = Instant::now();
        let mut project = Project::create_or_open(&project_dir)?;
        crate::service::review::prepare_project(&mut project)?;
        // Templates: generated 2024 cases (documents rendered once), cloned without files.
        let mut world = crate::sample::World::new(2024);
        let mut templates = Vec::new();
        let mut index = 0;
        while templates.len() < 40 && index < 400 {
            let generated = crate::sample::generate_case(&mut world, index)?;
            if crate::review::campaign::case_year(&generated.case) == Some(2024) {
                templates.push(generated.case);
            }
            index += 1;
        }
        if templates.is_empty() {
            bail!("示例生成器没有给出 2024 年的案卷");
        }
        let units = ["执法一科", "执法二科", "执法三科", "执法支队一大队", "执法支队二大队"];
        let mut batch = Vec::new();
        for i in 0..cases {
            let mut case = templates[i % templates.len()].clone();
            case.number = format!("基准〔2024〕{}号", i + 1);
            case.unit = units[i % units.len()].to_string();
            let documents = case
                .documents
                .iter()
                .map(|_| NewDocument {
                    blob: None,
                    text_status: "missing".into(),
                    text: None,
                    page_count: None,
                    bare_pages: Vec::new(),
                })
                .collect();
            batch.push(NewCase {
                case,
                fingerprint: format!("bench-{i}"),
                source_path: "bench".into(),
                warnings: Vec::new(),
                documents,
                files: Vec::new(),
            });
            if batch.len() == 1000 || i + 1 == cases {
                for outcome in project.save_cases(&batch)? {
                    outcome?;
                }
                batch.clear();
            }
        }
        let config = CampaignConfig {
            per_case: 2,
            draw_percent: 100.0,
            draw_at_least: 1,
            ..CampaignConfig::default()
        };
        create_campaign(&mut project, name, 2024, config)?;
        let reviewers = ["李评", "王评", "赵评", "钱评", "孙评", "周评"];
        for (k, r) in reviewers.iter().enumerate() {
            add_reviewer(&mut project, name, r, &format!("法规科{k}"), k == 0, "", None)?;
        }
        apply_assignment(&mut project, name)?;
        let info = project.campaign(name)?;
        let members = project.campaign_reviewers(info.id)?;
        let data = crate::review::campaign::CampaignData::load(&project, name)?;
        // Each reviewer's marks, one return-sized transaction per reviewer.
        let mut per_reviewer: std::collections::BTreeMap<ReviewerId, Vec<ReturnMark>> = Default::default();
        let mut reviewed: std::collections::BTreeMap<ReviewerId, Vec<(String, ChecklistKey, String)>> =
            Default::default();
        let mut disputed = Vec::new();
        for (n, number) in info.cases.iter().enumerate() {
            let stored = project.load_case_by_number(number)?;
            let Some(key) = data
                .config
                .checklists
                .get(&crate::review::campaign::kind_code(
                    stored.case.kind,
                    stored.case.procedure,
                ))
                .copied()
            else {
                continue;
            };
            let checklist = data.checklist(key)?;
            let items: Vec<String> = checklist
                .sections
                .iter()
                .flat_map(|s| &s.items)
                .map(|i| i.id.clone())
                .collect();
            for (slot, reviewer) in data.assigned(number).iter().enumerate() {
                let marks = per_reviewer.entry(*reviewer).or_default();
                // Both mark the first two items; on every fifth case the second reviewer
                // also marks a third one (a disagreement).
                let mut chosen = vec![items[n % items.len()].clone(), items[(n + 3) % items.len()].clone()];
                if slot == 1 && n % 5 == 0 {
                    chosen.push(items[(n + 7) % items.len()].clone());
                    disputed.push((number.clone(), key, items[(n + 7) % items.len()].clone()));
                }
                chosen.dedup();
                for item in chosen {
                    marks.push(ReturnMark {
                        case_number: number.clone(),
                        checklist: key,
                        mark: Mark::new(item, MarkValue::Count(1)),
                    });
                }
                reviewed
                    .entry(*reviewer)
                    .or_default()
                    .push((number.clone(), key, "2024-12-01 10:00:00".into()));
            }
        }
        for member in &members {
            let marks = per_reviewer.remove(&member.reviewer_id).unwrap_or_default();
            let done = reviewed.remove(&member.reviewer_id).unwrap_or_default();
            project.import_return(
                info.id,
                member.reviewer_id,
                &format!("bench-{}", member.reviewer_id),
                1,
                &marks,
                &done,
                "基准",
            )?;
        }
        // Four in five disagreements are settled by consensus.
        let lead = members.first().map_or(ReviewerId(0), |m| m.reviewer_id);
        for (k, (number, key, item)) in disputed.iter().enumerate() {
            if k % 5 == 4 {
                continue;
            }
            project.set_consensus(
                info.id,
                lead,
                &ConsensusMark {
                    case_number: number.clone(),
                    checklist: *key,
                    item: item.clone(),
                    mark: None,
                    reason: "合议：不扣分".into(),
                    recorded_by: "李评".into(),
                    recorded_at: String::new(),
                },
            )?;
        }
        errln!("建立 {cases} 件案卷的评查活动用时 {:.1} s", t.elapsed().as_secs_f64());
    }
    let project = Project::open(&project_dir)?;
    let started = Instant::now();
    let document = crate::service::reports::campaign_report_document(
        &project,
        name,
        Some("2024-12-01"),
        30,
        true,
        None,
        &mut crate::progress::Control::unattended(),
    )?;
    let gathered = started.elapsed().as_secs_f64();
    let rendered = crate::service::reports::render(&document)?;
    errln!(
        "收集数据 {gathered:.3} s，排版 {:.3} s",
        started.elapsed().as_secs_f64() - gathered
    );
    let seconds = started.elapsed().as_secs_f64();
    drop(project);
    if !keep {
        let _ = std::fs::remove_dir_all(&work);
    }
    outln!(
        "{}",
        serde_json::json!({"cases": cases, "seconds": (seconds * 1000.0).round() / 1000.0, "pages": rendered.pages, "bytes": rendered.bytes.len()})
    );
    Ok(())
}

/// `pingcha bench ocr --pages N [--threads T] [--out DIR]`: reads N generated scanned pages
/// (`sample::scans`, the accuracy test's corpus) and prints seconds per page for each stage,
/// pages per minute and the process's peak memory. With `--out` the pages are kept as JPEG
/// files (a folder of scans to import).
pub fn ocr(pages: usize, threads: Option<usize>, out: Option<PathBuf>) -> Result<()> {
    use crate::sample::scans::{Degradation, scan_corpus};
    let started = Instant::now();
    let corpus = scan_corpus(pages, 2024, &Degradation::default()).map_err(|e| anyhow::anyhow!(e))?;
    outln!(
        "生成 {} 页扫描件：{:.1} s",
        corpus.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(dir) = &out {
        std::fs::create_dir_all(dir)?;
        for (i, page) in corpus.iter().enumerate() {
            std::fs::write(dir.join(format!("{:02}-{}.jpg", i + 1, page.doc_type)), &page.jpeg)?;
        }
        outln!("已写入 {}", dir.display());
    }
    let threads = threads.unwrap_or_else(crate::service::ocr::threads_for_command_line);
    let loading = Instant::now();
    let mut reader = crate::ocr::open_reader(threads)?;
    outln!(
        "加载引擎：{:.2} s（{threads} 线程；{}）",
        loading.elapsed().as_secs_f64(),
        reader.engine()
    );
    let mut stages = [0u64; 3];
    let reading = Instant::now();
    let mut lines = 0;
    for page in &corpus {
        let image = crate::ocr::Gray::decode(&page.jpeg).map_err(|e| anyhow::anyhow!(e))?;
        let read = reader.read_page(&image, None)?;
        stages[0] += read.timings.detect_ms;
        stages[1] += read.timings.classify_ms;
        stages[2] += read.timings.recognise_ms;
        lines += read.lines.len();
    }
    let total = reading.elapsed().as_secs_f64();
    let n = corpus.len().max(1) as f64;
    outln!(
        "每页（A4，200 dpi）：检测 {:.2} s，方向 {:.2} s，识别 {:.2} s，合计 {:.2} s；每分钟 {:.1} 页；共 {lines} 行",
        stages[0] as f64 / 1000.0 / n,
        stages[1] as f64 / 1000.0 / n,
        stages[2] as f64 / 1000.0 / n,
        total / n,
        60.0 * n / total
    );
    if let Some(peak) = peak_memory_mib() {
        outln!("进程内存峰值：{peak} MiB");
    }
    Ok(())
}

/// The process's peak resident memory (Linux `VmHWM`).
fn peak_memory_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}
