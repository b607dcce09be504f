//! `pingcha rectify …`: rectification tracked to closure from the terminal — issue a unit's
//! notice (recorded for tracking), list the problems with their status, record the unit's
//! answer and the organiser's verification, and print the 整改情况汇总表.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;

use super::term;
use crate::domain::CodeEnum;
use crate::domain::rectification::{Outcome, UnitSummary, summarise};
use crate::service::rectify::{IssueRequest, parse_day, status_of, today};
use crate::service::session::Session;

/// Rectification commands.
#[derive(Debug, Subcommand)]
pub enum RectifyCommand {
    /// 印发某单位的整改通知书（生成 PDF），其中每个问题登记为整改跟踪项
    Issue {
        /// 项目文件夹
        project: PathBuf,
        /// 承办单位
        #[arg(long)]
        unit: String,
        /// 评查活动名称
        #[arg(long)]
        campaign: Option<String>,
        /// 通知日期 YYYY-MM-DD（默认今天）
        #[arg(long)]
        date: Option<String>,
        /// 整改期限 YYYY-MM-DD（默认通知日期后 30 日）
        #[arg(long)]
        due: Option<String>,
        /// 文号（默认按项目设置的文号格式编号）
        #[arg(long)]
        number: Option<String>,
        /// 登记人（评查员姓名）
        #[arg(long)]
        by: String,
        /// 登记人所在单位（同名时用）
        #[arg(long)]
        by_unit: Option<String>,
        /// 写出的 PDF
        #[arg(long)]
        out: PathBuf,
    },
    /// 列出整改跟踪项及其状态
    List {
        /// 项目文件夹
        project: PathBuf,
        /// 只列某单位
        #[arg(long)]
        unit: Option<String>,
        /// 只列某状态（open、answered、partial、not_done、closed）
        #[arg(long)]
        status: Option<String>,
        /// 只列逾期的
        #[arg(long)]
        overdue: bool,
        /// 按哪一天计算逾期（默认今天）
        #[arg(long)]
        today: Option<String>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 登记单位的书面整改回复
    Answer {
        /// 项目文件夹
        project: PathBuf,
        /// 整改跟踪项编号（见 list）
        item: i64,
        /// 回复日期 YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// 回复内容
        #[arg(long)]
        text: String,
        /// 附件（可多次）
        #[arg(long = "file")]
        files: Vec<PathBuf>,
        /// 登记人
        #[arg(long)]
        by: String,
        /// 登记人所在单位
        #[arg(long)]
        by_unit: Option<String>,
    },
    /// 登记核查结果：done（已整改，销号）、partial（部分整改）、not_done（未整改）
    Verify {
        /// 项目文件夹
        project: PathBuf,
        /// 整改跟踪项编号
        item: i64,
        /// 核查结果
        #[arg(long)]
        outcome: String,
        /// 理由（核查了什么、看到什么）
        #[arg(long)]
        reason: String,
        /// 核查日期 YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// 新的整改期限（部分整改、未整改时）
        #[arg(long)]
        new_due: Option<String>,
        /// 核查人
        #[arg(long)]
        by: String,
        /// 核查人所在单位
        #[arg(long)]
        by_unit: Option<String>,
    },
    /// 整改情况汇总表（各单位问题数、已整改、逾期），可写出 PDF
    Summary {
        /// 项目文件夹
        project: PathBuf,
        /// 按哪一天统计（默认今天）
        #[arg(long)]
        today: Option<String>,
        /// 写出的 PDF
        #[arg(long)]
        out: Option<PathBuf>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
}

/// A session on the project, acting as `by` (added when `by_unit` is given).
fn session_as(project: &std::path::Path, by: &str, by_unit: Option<&str>) -> Result<Session> {
    let mut session = Session::open(project)?;
    session.find_reviewer(by, by_unit, by_unit.is_some())?;
    Ok(session)
}

fn day_or_today(text: Option<&str>, what: &str) -> Result<chrono::NaiveDate> {
    text.map_or_else(|| Ok(today()), |t| parse_day(t, what))
}

/// `pingcha rectify …`.
pub fn rectify(what: RectifyCommand) -> Result<ExitCode> {
    let mut out = term::escaped(std::io::stdout().lock());
    match what {
        RectifyCommand::Issue {
            project,
            unit,
            campaign,
            date,
            due,
            number,
            by,
            by_unit,
            out: pdf,
        } => {
            let mut session = session_as(&project, &by, by_unit.as_deref())?;
            let request = IssueRequest {
                unit: &unit,
                campaign: campaign.as_deref(),
                date: date.as_deref().map(|d| parse_day(d, "--date")).transpose()?,
                due: due.as_deref().map(|d| parse_day(d, "--due")).transpose()?,
                number,
            };
            let (outcome, written) = session.issue_notice(&request, &pdf)?;
            writeln!(out, "{outcome}；已写出 {}", written.path.display())?;
        }
        RectifyCommand::List {
            project,
            unit,
            status,
            overdue,
            today: on,
            json,
        } => {
            let session = Session::open(&project)?;
            let on = day_or_today(on.as_deref(), "--today")?;
            let status = status.as_deref().map(status_of).transpose()?;
            let items: Vec<_> = session
                .rectify_items()?
                .into_iter()
                .filter(|i| unit.as_deref().is_none_or(|u| i.unit == u))
                .filter(|i| status.is_none_or(|s| i.status() == s))
                .filter(|i| !overdue || i.overdue(on))
                .collect();
            if json {
                let rows: Vec<serde_json::Value> = items
                    .iter()
                    .map(|i| {
                        let mut v = serde_json::to_value(i).unwrap_or_default();
                        v["status"] = i.status().code().into();
                        v["overdue"] = i.overdue(on).into();
                        v["due"] = i.due().format("%Y-%m-%d").to_string().into();
                        v
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut out, &rows)?;
                writeln!(out)?;
            } else {
                for i in &items {
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}\t期限 {}\t{}{}",
                        i.id,
                        i.notice_number,
                        i.unit,
                        i.case_number,
                        i.problem,
                        i.due().format("%Y-%m-%d"),
                        i.status().label(),
                        if i.overdue(on) { "（逾期）" } else { "" }
                    )?;
                }
                writeln!(out, "共 {} 个问题", items.len())?;
            }
        }
        RectifyCommand::Answer {
            project,
            item,
            date,
            text,
            files,
            by,
            by_unit,
        } => {
            let mut session = session_as(&project, &by, by_unit.as_deref())?;
            let date = parse_day(&date, "--date")?;
            let stored = session.record_answer(item, date, &text, &files)?;
            writeln!(out, "已登记问题 {item} 的整改回复（附件 {stored} 个）")?;
        }
        RectifyCommand::Verify {
            project,
            item,
            outcome,
            reason,
            date,
            new_due,
            by,
            by_unit,
        } => {
            let mut session = session_as(&project, &by, by_unit.as_deref())?;
            let outcome = Outcome::parse(&outcome)
                .with_context(|| format!("--outcome {outcome}：应为 {}", Outcome::allowed()))?;
            let date = parse_day(&date, "--date")?;
            let new_due = new_due.as_deref().map(|d| parse_day(d, "--new-due")).transpose()?;
            let said = session.record_verification(item, outcome, &reason, date, new_due)?;
            writeln!(out, "{said}")?;
        }
        RectifyCommand::Summary {
            project,
            today: on,
            out: pdf,
            json,
        } => {
            let session = Session::open(&project)?;
            let on = day_or_today(on.as_deref(), "--today")?;
            let items = session.rectify_items()?;
            let (units, total) = summarise(&items, on);
            if json {
                serde_json::to_writer_pretty(&mut out, &serde_json::json!({"units": units, "total": total}))?;
                writeln!(out)?;
            } else {
                writeln!(out, "{}", UnitSummary::HEADERS.join("\t"))?;
                for s in units.iter().chain(std::iter::once(&total)) {
                    writeln!(out, "{}", s.cells().join("\t"))?;
                }
            }
            if let Some(pdf) = pdf {
                let written = session.rectify_summary(on, &pdf)?;
                writeln!(out, "已写出 {}", written.path.display())?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
