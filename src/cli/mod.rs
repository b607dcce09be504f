//! The command-line front: the same operations as the UI, for scripts and for people who
//! prefer a terminal. Messages are Chinese; `--json` output keys are English.
//!
//! May use every module but `ui` (the binary decides whether to start the UI). Must not
//! use `egui`.

#[macro_use]
pub(crate) mod term;
mod bench;
mod campaign;
mod facts;
mod ocr;
mod rectify;
mod reports;
mod review;
mod score;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use serde_json::json;

use crate::domain::{CodeEnum, DateKey};
use crate::import::ImportLimits;
use crate::sample::{SampleOptions, write_samples};
use crate::service::{ItemResult, Session, plan_import};
use crate::store::Project;

/// 评查 — 行政执法案卷评查（离线）
#[derive(Debug, Parser)]
#[command(name = "pingcha", version, about = "评查：行政执法案卷评查工具（离线）", long_about = None)]
pub struct Cli {
    /// 子命令；不带子命令时打开图形界面
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 在图形界面中打开评查项目
    Open {
        /// 项目文件夹
        project: PathBuf,
    },
    /// 导入案卷包（文件夹或 .zip）、案卷包所在文件夹、案件台账或执法人员名册
    Import {
        /// 项目文件夹（不存在时新建）
        project: PathBuf,
        /// 要导入的路径
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// 列出项目中的案卷
    Cases {
        /// 项目文件夹
        project: PathBuf,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 全文检索案卷与文书
    Search {
        /// 项目文件夹
        project: PathBuf,
        /// 检索词（多个词以空格分隔，须同时出现）
        query: String,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
        /// 最多显示多少条
        #[arg(long, default_value_t = 200)]
        limit: usize,
    },
    /// 生成虚构的示例案卷包
    Sample {
        /// 输出文件夹
        out_dir: PathBuf,
        /// 案卷数量
        #[arg(long, default_value_t = crate::sample::DEMO.cases)]
        cases: usize,
        /// 随机种子（相同种子生成相同案卷）
        #[arg(long, default_value_t = crate::sample::DEMO.seed)]
        seed: u64,
        /// 植入缺陷的案卷比例（0–1）：每件缺陷案卷违反一条自动检查规则，清单写入 defects.json
        #[arg(long, default_value_t = crate::sample::DEMO.defect_rate)]
        defects: f64,
    },
    /// 自动检查：案卷包、案卷包所在文件夹或整个评查项目
    Check {
        /// 案卷包、文件夹或项目文件夹
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 工作日计算（行政处罚法第八十五条：二日、三日、五日、七日为工作日）
    Calendar {
        #[command(subcommand)]
        what: CalendarCommand,
    },
    /// 整改跟踪：印发整改通知、登记回复和核查、汇总（销号）
    Rectify {
        #[command(subcommand)]
        what: rectify::RectifyCommand,
    },
    /// 评查标准：校验、显示、列出、从 Excel 导入、导出
    Checklist {
        #[command(subcommand)]
        what: score::ChecklistCommand,
    },
    /// 显示某评查员对某案卷的评分明细
    Score {
        /// 项目文件夹
        project: PathBuf,
        /// 案号
        #[arg(long)]
        case: String,
        /// 评查员姓名
        #[arg(long)]
        reviewer: String,
        /// 评查员单位（同名时必填）
        #[arg(long)]
        unit: Option<String>,
        /// 只显示该评查标准（编号，如 yjcf-general）
        #[arg(long)]
        checklist: Option<String>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 记录一项评分（立即保存，并写入审计记录）
    Mark(score::MarkArgs),
    /// 评查：完成或重新打开评查、采纳或不采纳自动检查的问题、查看修改记录
    Review {
        #[command(subcommand)]
        what: review::ReviewCommand,
    },
    /// 问题库：列出、加入规范表述
    Library {
        #[command(subcommand)]
        what: review::LibraryCommand,
    },
    /// 查看或修改自动检查的参数（期限、限额、时效等），每项注明出处
    Settings {
        /// 项目文件夹
        project: PathBuf,
        /// 修改一项：名称=数值（可多次），例如 publication_penalty_working_days=7
        #[arg(long = "set", value_name = "名称=数值")]
        set: Vec<String>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 评查活动：抽取、评查员、分配、评查包、回收包、合议、复核、一致性
    Campaign {
        #[command(subcommand)]
        what: campaign::CampaignCommand,
    },
    /// 评查包（评查员一方）：打开评查包、导出回收包
    Kit {
        #[command(subcommand)]
        what: campaign::KitCommand,
    },
    /// 生成 PDF：案卷评查表、整改通知书、评查报告
    Report {
        #[command(subcommand)]
        what: reports::ReportCommand,
    },
    /// 导出数据
    Export {
        #[command(subcommand)]
        what: reports::ExportCommand,
    },
    /// 查看或修改项目的导入限制（防止损坏或恶意文件拖垮导入）
    Limits {
        /// 项目文件夹
        project: PathBuf,
        /// 修改一项：名称=数值（可多次），例如 reader_memory_mib=1024
        #[arg(long = "set", value_name = "名称=数值")]
        set: Vec<String>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 查看或修改公文设置（文号格式、依据文件、联系人、抄送、印发机关），并列出各部分所用字体
    Official {
        /// 项目文件夹
        project: PathBuf,
        /// 修改一项：名称=内容（可多次），例如 contact=张敏
        #[arg(long = "set", value_name = "名称=内容")]
        set: Vec<String>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 签名密钥
    Key {
        #[command(subcommand)]
        what: campaign::KeyCommand,
    },
    /// 评查员一致性统计：CSV（表头 unit,rater,value）→ 百分比一致率、Krippendorff α、ICC、Gwet AC1
    Agreement {
        /// 评分 CSV 文件
        ratings: PathBuf,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 性能基准
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
    /// 识别项目中扫描件的文字（离线 OCR；已识别的页面不再识别，中断后再次运行即从中断处继续）
    Ocr {
        /// 项目文件夹
        project: PathBuf,
        /// 只识别该案卷（案号）
        #[arg(long)]
        case: Option<String>,
        /// 也识别已有文字层的页面
        #[arg(long)]
        all_pages: bool,
        /// 只设置导入时的文字识别（off 不识别、missing_text 识别没有文字层的页面、all_pages 全部页面），不识别
        #[arg(long, value_parser = parse_ocr_scope)]
        on_import: Option<crate::service::ocr::OcrScope>,
        /// 只设置：识别后自动采纳置信度不低于该值且无疑问的事实（仅填写案卷未载明的项），如 0.95；off 关闭
        #[arg(long, value_name = "CONF")]
        accept_above: Option<String>,
    },
    /// 案卷事实：每项的现值、导入原值、出处和修改人；从扫描件中读出的建议值；修改（--set）、采纳建议（--accept）、采纳识别出的文书拆分（--accept-split），均记入修改记录
    Facts(facts::FactsArgs),
    /// 识别一页扫描件的文字（PDF 或图片；离线 OCR）
    OcrPage {
        /// PDF、PNG 或 JPEG 文件
        file: PathBuf,
        /// 页码（从 1 开始）
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// 以 JSON 输出（每行文字、位置框、置信度）
        #[arg(long)]
        json: bool,
    },
    /// 内部：读取进程（程序自身启动，在内存和时间限制下读取 PDF 文字层或表格）
    #[command(hide = true)]
    Reader {
        /// 限制（JSON，同项目设置 import_limits）
        #[arg(long)]
        limits: String,
    },
}

/// Working-day questions.
#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// 某日之后第 N 个工作日（不含当日）
    AddWorkingDays {
        /// 起算日期 YYYY-MM-DD
        #[arg(value_parser = parse_date_arg)]
        date: chrono::NaiveDate,
        /// 工作日数
        n: u32,
        /// 使用该项目添加的节假日安排
        #[arg(long)]
        project: Option<PathBuf>,
    },
    /// 某日是否为工作日（yes/no）
    IsWorkingDay {
        /// 日期 YYYY-MM-DD
        #[arg(value_parser = parse_date_arg)]
        date: chrono::NaiveDate,
        /// 使用该项目添加的节假日安排
        #[arg(long)]
        project: Option<PathBuf>,
    },
    /// 从项目中删除其添加的某年节假日安排（内置年份不可删除）
    RemoveYear {
        /// 项目文件夹
        project: PathBuf,
        /// 年份
        year: i32,
    },
    /// 向项目添加某年的节假日安排（格式同 assets/calendars/YYYY.toml）
    AddYear {
        /// 项目文件夹
        project: PathBuf,
        /// 节假日安排文件
        file: PathBuf,
    },
}

fn parse_ocr_scope(text: &str) -> Result<crate::service::ocr::OcrScope, String> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|_| format!("“{text}”不是有效取值（off、missing_text 或 all_pages）"))
}

fn parse_date_arg(text: &str) -> Result<chrono::NaiveDate, String> {
    crate::domain::parse_iso_date(text).ok_or_else(|| format!("“{text}”不是有效日期（应为 YYYY-MM-DD）"))
}

/// What to benchmark.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// 生成并导入案卷，与 cp -r 复制同样文件比较
    Import {
        /// 案卷数量
        #[arg(long, default_value_t = 1000)]
        cases: usize,
        /// 工作文件夹（默认临时文件夹，结束后删除）
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// 建立 N 件案卷、两名评查员互评（部分合议）的评查活动，计时生成评查报告（与命令行和界面同一代码）
    Campaign {
        /// 案卷数量
        #[arg(long, default_value_t = 1000)]
        cases: usize,
        /// 工作文件夹（默认临时文件夹，结束后删除；给定时保留项目以便重复计时）
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// 识别 N 页生成的扫描件（与准确率测试同一语料），每阶段每页耗时、每分钟页数和内存峰值
    Ocr {
        /// 页数
        #[arg(long, default_value_t = 30)]
        pages: usize,
        /// 每次推理的线程数（默认全部核心）
        #[arg(long)]
        threads: Option<usize>,
        /// 另存扫描件（JPEG）到该文件夹
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 生成 N 件案卷的评查报告（PDF），报告页数、耗时和大小
    Report {
        /// 案卷数量
        #[arg(long, default_value_t = 1000)]
        cases: usize,
        /// 另存 PDF（可选）
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Runs a parsed command other than the UI ones. Returns the process exit code.
pub fn run(command: Command) -> ExitCode {
    // What a busy project names this process as, in another process's message.
    let subcommand: Vec<String> = std::env::args()
        .skip(1)
        .take(2)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let subcommand = match subcommand.first().map(String::as_str) {
        Some(
            "campaign" | "kit" | "checklist" | "calendar" | "report" | "export" | "key" | "bench" | "rectify"
            | "review" | "library",
        ) => subcommand.join(" "),
        _ => subcommand.first().cloned().unwrap_or_default(),
    };
    crate::store::holders::describe_process(format!("命令 pingcha {subcommand}"));
    let result = match command {
        Command::Import { project, paths } => import(&project, &paths),
        Command::Cases { project, json } => cases(&project, json).map(|()| ExitCode::SUCCESS),
        Command::Search {
            project,
            query,
            json,
            limit,
        } => search(&project, &query, json, limit).map(|()| ExitCode::SUCCESS),
        Command::Sample {
            out_dir,
            cases,
            seed,
            defects,
        } => sample(&out_dir, cases, seed, defects).map(|()| ExitCode::SUCCESS),
        Command::Bench {
            what: BenchCommand::Import { cases, dir },
        } => bench::import(cases, dir).map(|()| ExitCode::SUCCESS),
        Command::Bench {
            what: BenchCommand::Campaign { cases, dir },
        } => bench::campaign(cases, dir).map(|()| ExitCode::SUCCESS),
        Command::Bench {
            what: BenchCommand::Report { cases, out },
        } => bench::report(cases, out).map(|()| ExitCode::SUCCESS),
        Command::Bench {
            what: BenchCommand::Ocr { pages, threads, out },
        } => bench::ocr(pages, threads, out).map(|()| ExitCode::SUCCESS),
        Command::Calendar { what } => calendar(what).map(|()| ExitCode::SUCCESS),
        Command::Check { paths, json } => check(&paths, json),
        Command::Checklist { what } => score::checklist(what),
        Command::Rectify { what } => rectify::rectify(what),
        Command::Score {
            project,
            case,
            reviewer,
            unit,
            checklist,
            json,
        } => score::score(&project, &case, &reviewer, unit.as_deref(), checklist.as_deref(), json)
            .map(|()| ExitCode::SUCCESS),
        Command::Mark(args) => score::mark(&args),
        Command::Review { what } => review::review(what),
        Command::Library { what } => review::library(what),
        Command::Settings { project, set, json } => review::settings(&project, &set, json).map(|()| ExitCode::SUCCESS),
        Command::Campaign { what } => campaign::campaign(what),
        Command::Kit { what } => campaign::kit(what),
        Command::Key { what } => campaign::key(what),
        Command::Report { what } => reports::report(what),
        Command::Export { what } => reports::export(what),
        Command::Agreement { ratings, json } => agreement(&ratings, json).map(|()| ExitCode::SUCCESS),
        Command::Limits { project, set, json } => limits(&project, &set, json).map(|()| ExitCode::SUCCESS),
        Command::Official { project, set, json } => official(&project, &set, json).map(|()| ExitCode::SUCCESS),
        Command::Ocr {
            project,
            accept_above: Some(value),
            ..
        } => ocr::set_auto_accept(&project, &value).map(|()| ExitCode::SUCCESS),
        Command::Ocr {
            project,
            on_import: Some(scope),
            ..
        } => ocr::set_scope(&project, scope).map(|()| ExitCode::SUCCESS),
        Command::Ocr {
            project,
            case,
            all_pages,
            on_import: None,
            accept_above: None,
        } => ocr::ocr_project(&project, case.as_deref(), all_pages),
        Command::Facts(args) => facts::facts(&args),
        Command::OcrPage { file, page, json } => ocr::ocr_page(&file, page, json),
        Command::Reader { limits } => Ok(crate::worker::serve(&limits)),
        Command::Open { .. } => Ok(ExitCode::from(2)),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`pingcha cases p | head`) is not an error worth reporting.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            errln!("错误：{err:#}");
            ExitCode::from(1)
        }
    }
}

/// `pingcha limits`: shows the project's import limits, after setting the `--set` ones.
fn limits(project: &std::path::Path, set: &[String], json: bool) -> Result<()> {
    let session = crate::service::session::Session::open(project)?;
    let mut limits: ImportLimits = session.import_limits();
    if !set.is_empty() {
        for assignment in set {
            let (key, value) = assignment
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("“{assignment}”应写成 名称=数值"))?;
            limits.set(key.trim(), value).map_err(|e| anyhow::anyhow!(e))?;
        }
        session.save_import_limits(&limits)?;
    }
    if json {
        outln!("{}", serde_json::to_string_pretty(&limits)?);
    } else {
        for (key, label, value) in limits.entries() {
            outln!("{label}\t{value}\t{key}");
        }
    }
    Ok(())
}

fn official(project: &std::path::Path, set: &[String], json: bool) -> Result<()> {
    let session = crate::service::session::Session::open(project)?;
    let mut settings = session.official()?;
    if !set.is_empty() {
        for assignment in set {
            let (key, value) = assignment
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("“{assignment}”应写成 名称=内容"))?;
            settings.set(key.trim(), value).map_err(|e| anyhow::anyhow!(e))?;
        }
        session.save_official(&settings)?;
    }
    let fonts = &crate::report::fonts::FontSet::installed().choices;
    if json {
        let fonts: Vec<serde_json::Value> = fonts
            .iter()
            .map(|c| {
                json!({
                    "role": c.face.label(),
                    "family": c.family,
                    "system_file": match &c.source {
                        crate::report::fonts::Source::System { path, .. } => Some(path.display().to_string()),
                        crate::report::fonts::Source::Bundled => None,
                    },
                })
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({"settings": settings, "fonts": fonts}))?
        );
    } else {
        for (key, label, value) in settings.entries() {
            outln!("{label}\t{value}\t{key}");
        }
        for choice in fonts {
            outln!("{}", choice.describe());
        }
    }
    Ok(())
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(std::io::ErrorKind::BrokenPipe)
    })
}

fn open_project(path: &std::path::Path) -> Result<Project> {
    Project::open(path).with_context(|| format!("无法打开项目 {}", path.display()))
}

fn import(project_dir: &std::path::Path, paths: &[PathBuf]) -> Result<ExitCode> {
    // A new folder becomes a project, as in the window.
    let mut session = Session::open(project_dir)?;
    let cancel = AtomicBool::new(false);
    let interactive = std::io::stderr().is_terminal();
    let report = session.import(paths, &cancel, &mut |p| {
        if interactive && !p.current.is_empty() {
            eprint!("\r导入中 {}/{}…", p.done + 1, p.total);
            let _ = std::io::stderr().flush();
        }
    });
    if interactive {
        eprint!("\r\x1b[K");
    }
    for item in &report.items {
        for warning in &item.warnings {
            errln!("{}: 警告：{warning}", item.path);
        }
        if let Some(note) = item.result.note() {
            match &item.result {
                ItemResult::Refused(_) | ItemResult::Skipped(_) => errln!("{}: {note}", item.path),
                _ => outln!("{}: {note}", item.path),
            }
        }
    }
    outln!("{}", report.summary());
    if report.imported() == 0 && report.revised() == 0 && report.refused() == 0 && report.unchanged() > 0 {
        outln!("所有案卷均已在项目中且未变化，项目未作改动");
    }
    ocr::after_import(session.project_mut())?;
    Ok(if report.refused() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn cases(project_dir: &std::path::Path, as_json: bool) -> Result<()> {
    let session = Session::open_existing(project_dir)?;
    let rows = session.list_cases()?;
    let mut out = term::escaped(std::io::stdout().lock());
    if as_json {
        let mut array = Vec::with_capacity(rows.len());
        for row in &rows {
            let stored = session.stored_case(row.id)?;
            let dates: serde_json::Map<String, serde_json::Value> = DateKey::ALL
                .iter()
                .filter_map(|k| {
                    stored
                        .case
                        .effective_date(*k)
                        .map(|d| (k.code().to_string(), json!(d.format("%Y-%m-%d").to_string())))
                })
                .collect();
            array.push(json!({
                "number": row.number,
                "revision": row.revision,
                "kind": row.kind.code(),
                "procedure": row.procedure.map(|p| p.code()),
                "title": row.title,
                "agency": stored.case.agency,
                "unit": row.unit,
                "party": row.party,
                "documents": row.documents,
                "dates": dates,
                "origin": row.origin.code(),
            }));
        }
        serde_json::to_writer_pretty(&mut out, &array)?;
        writeln!(out)?;
    } else {
        for row in &rows {
            let decided = row
                .decision
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| "—".into());
            let kind = match row.procedure {
                Some(p) => format!("{}/{}", row.kind.label(), p.label()),
                None => row.kind.label().to_string(),
            };
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}份文书",
                row.number, row.title, row.unit, kind, decided, row.documents
            )?;
        }
        if rows.is_empty() {
            errln!(
                "项目中还没有案卷。用 pingcha import {} <案卷包路径> 导入。",
                project_dir.display()
            );
        }
    }
    Ok(())
}

fn search(project_dir: &std::path::Path, query: &str, as_json: bool, limit: usize) -> Result<()> {
    let hits = Session::open_existing(project_dir)?.search_places(query, limit)?;
    let mut out = term::escaped(std::io::stdout().lock());
    if as_json {
        let array: Vec<_> = hits
            .iter()
            .map(|h| json!({"case": h.number, "title": h.title, "document": h.document_type, "document_id": h.document_id, "page": h.page, "snippet": h.snippet}))
            .collect();
        serde_json::to_writer_pretty(&mut out, &array)?;
        writeln!(out)?;
    } else {
        for hit in &hits {
            let place = hit.document_type.as_deref().unwrap_or("案件信息");
            match hit.page {
                Some(page) => writeln!(out, "{}\t{place} 第 {page} 页（识别文字）\t{}", hit.number, hit.snippet)?,
                None => writeln!(out, "{}\t{place}\t{}", hit.number, hit.snippet)?,
            }
        }
        let cases: std::collections::BTreeSet<&str> = hits.iter().map(|h| h.number.as_str()).collect();
        if hits.is_empty() {
            errln!("未找到包含“{query}”的案卷或文书");
        } else {
            errln!(
                "共 {} 处，涉及 {} 件案卷{}",
                hits.len(),
                cases.len(),
                if hits.len() >= limit {
                    "（已达显示上限，可用 --limit 调整）"
                } else {
                    ""
                }
            );
        }
    }
    Ok(())
}

/// Checks the cases of projects and packages; exit 1 when a path could not be read.
fn check(paths: &[PathBuf], as_json: bool) -> Result<ExitCode> {
    use crate::rules::{RuleContext, RuleSettings, check_case};
    let calendar = crate::import::bundled_calendar().context("内置节假日数据无法读取")?;
    let mut results: Vec<(String, Vec<crate::rules::Finding>)> = Vec::new();
    let mut failed = false;
    for path in paths {
        if path.join(crate::store::DB_FILE).is_file() {
            // A project checks with its own settings, added calendar years and registry.
            let mut session = Session::open_existing(path)?;
            session.load_rules()?;
            for row in session.list_cases()? {
                let (stored, findings) = session.load_case(row.id)?;
                results.push((stored.case.number.clone(), findings));
            }
            continue;
        }
        let settings = RuleSettings::default();
        let ctx = RuleContext {
            calendar: &calendar,
            settings: &settings,
            registry: &[],
        };
        for item in plan_import(std::slice::from_ref(path)) {
            match item {
                crate::service::WorkItem::Package(p) => match crate::import::open_package(&p, &ImportLimits::default())
                {
                    Ok(package) => results.push((package.case.number.clone(), check_case(&package.case, &ctx))),
                    Err(e) => {
                        errln!("{}: {e}", p.display());
                        failed = true;
                    }
                },
                crate::service::WorkItem::Refused(p, reason) => {
                    errln!("{}: {reason}", p.display());
                    failed = true;
                }
                crate::service::WorkItem::Sheet(_) | crate::service::WorkItem::Skipped(..) => {}
            }
        }
    }
    let mut out = term::escaped(std::io::stdout().lock());
    if as_json {
        let array: Vec<_> = results
            .iter()
            .map(|(number, findings)| {
                json!({
                    "case": number,
                    "findings": findings.iter().map(|f| json!({
                        "rule": f.rule, "severity": f.severity, "basis": f.basis, "message": f.message,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &array)?;
        writeln!(out)?;
    } else {
        for (number, findings) in &results {
            for f in findings {
                writeln!(
                    out,
                    "{number}\t{}\t{}\t{}（{}）",
                    f.rule,
                    f.severity.label(),
                    f.message,
                    f.basis
                )?;
            }
        }
        let with = results
            .iter()
            .filter(|(_, f)| f.iter().any(|f| f.severity != crate::rules::Severity::Notice))
            .count();
        errln!("检查 {} 件案卷，{with} 件有扣分或否决类问题", results.len());
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn agreement(path: &std::path::Path, as_json: bool) -> Result<()> {
    use crate::review::agreement::{agreement, parse_ratings_csv};
    let bytes = std::fs::read(path).with_context(|| format!("{}: 无法读取", path.display()))?;
    let text = crate::import::decode_text(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let ratings = parse_ratings_csv(&path.display().to_string(), &text).map_err(anyhow::Error::msg)?;
    let stats = agreement(&ratings);
    let mut out = term::escaped(std::io::stdout().lock());
    if as_json {
        serde_json::to_writer_pretty(&mut out, &stats)?;
        writeln!(out)?;
        return Ok(());
    }
    let show = |v: Option<f64>| {
        v.map_or_else(
            || crate::review::agreement::TOO_LITTLE_DATA.to_string(),
            |v| format!("{v:.3}"),
        )
    };
    let units: std::collections::BTreeSet<&str> = ratings.iter().map(|r| r.unit.as_str()).collect();
    let raters: std::collections::BTreeSet<&str> = ratings.iter().map(|r| r.rater.as_str()).collect();
    writeln!(
        out,
        "{} 条评分，{} 个评查对象，{} 名评查员",
        ratings.len(),
        units.len(),
        raters.len()
    )?;
    writeln!(out, "百分比一致率	{}", show(stats.percent_agreement))?;
    writeln!(out, "Krippendorff α（名义）	{}", show(stats.krippendorff_alpha_nominal))?;
    writeln!(out, "Krippendorff α（顺序）	{}", show(stats.krippendorff_alpha_ordinal))?;
    writeln!(
        out,
        "Krippendorff α（等距）	{}",
        show(stats.krippendorff_alpha_interval)
    )?;
    writeln!(out, "ICC(1,1)	{}", show(stats.icc1_1))?;
    writeln!(out, "ICC(2,1)	{}", show(stats.icc2_1))?;
    writeln!(out, "ICC(3,1)	{}", show(stats.icc3_1))?;
    writeln!(out, "Gwet AC1	{}", show(stats.gwet_ac1))?;
    Ok(())
}

fn calendar(what: CalendarCommand) -> Result<()> {
    let project_calendar = |project: &Option<PathBuf>| -> Result<crate::domain::WorkingCalendar> {
        Ok(match project {
            Some(dir) => {
                let mut session = Session::open_existing(dir)?;
                session.load_rules()?;
                session.rules().calendar.clone()
            }
            None => crate::import::bundled_calendar().context("内置节假日数据无法读取")?,
        })
    };
    let unscheduled = match what {
        CalendarCommand::RemoveYear { project, year } => {
            let mut session = crate::service::session::Session::open(&project)?;
            let view = session.load_rules()?;
            if !view.added_years.contains(&year) {
                let added: Vec<String> = view.added_years.iter().map(i32::to_string).collect();
                anyhow::bail!(
                    "项目没有添加 {year} 年的节假日安排（项目添加的年份：{}）",
                    if added.is_empty() {
                        "无".to_string()
                    } else {
                        added.join("、")
                    }
                );
            }
            session.remove_calendar_year(year)?;
            outln!("已从项目 {} 删除 {year} 年节假日安排", session.project().name());
            return Ok(());
        }
        CalendarCommand::AddYear { project, file } => {
            let mut session = crate::service::session::Session::open(&project)?;
            let year = session.add_calendar_year(&file)?;
            outln!("已将 {year} 年节假日安排加入项目 {}", session.project().name());
            return Ok(());
        }
        CalendarCommand::AddWorkingDays { date, n, project } => {
            let cal = project_calendar(&project)?;
            let counted = cal.add_working_days(date, n);
            outln!("{}", counted.value.format("%Y-%m-%d"));
            counted.unscheduled_years
        }
        CalendarCommand::IsWorkingDay { date, project } => {
            let cal = project_calendar(&project)?;
            let counted = cal.is_working_day(date);
            outln!("{}", if counted.value { "yes" } else { "no" });
            counted.unscheduled_years
        }
    };
    for year in unscheduled {
        errln!("注意：{year} 年没有节假日安排数据，该年按周末计算");
    }
    Ok(())
}

fn sample(out_dir: &std::path::Path, cases: usize, seed: u64, defects: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&defects) {
        anyhow::bail!("--defects 应在 0 到 1 之间（缺陷案卷所占比例），收到 {defects}");
    }
    let interactive = std::io::stderr().is_terminal();
    let summary = write_samples(
        out_dir,
        SampleOptions {
            cases,
            seed,
            defect_rate: defects,
        },
        &mut |done, total| {
            if interactive {
                eprint!("\r生成中 {done}/{total}…");
            }
        },
    )?;
    if interactive {
        eprint!("\r\x1b[K");
    }
    outln!(
        "已在 {} 生成 {} 件虚构示例案卷、{} 份文书（{:.1} MB），另附执法人员名册.csv",
        out_dir.display(),
        summary.cases,
        summary.documents,
        summary.bytes as f64 / 1_048_576.0
    );
    if defects > 0.0 {
        outln!(
            "其中 {} 件植入了缺陷（每件违反一条规则），清单见 {}",
            summary.defective,
            out_dir.join("defects.json").display()
        );
    }
    Ok(())
}
