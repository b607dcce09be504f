//! `pingcha report …` and `pingcha export xlsx`: the documents review teams hand over.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Subcommand;

use crate::progress::Control;
use crate::service::Session;
use crate::service::reports::SheetSource;
use crate::service::session::{ReportKind, ReportOptions};

/// Report commands.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 案卷评查表（评查员的评分、合议结果，或带自动检查建议的空白表）
    ScoreSheet {
        /// 项目文件夹
        project: PathBuf,
        /// 案号
        #[arg(long)]
        case: String,
        /// 输出 PDF
        #[arg(long)]
        out: PathBuf,
        /// 按该评查员的评分
        #[arg(long)]
        reviewer: Option<String>,
        /// 评查员单位（同名时）
        #[arg(long)]
        unit: Option<String>,
        /// 按合议结果（评查活动由 --campaign 指定；不指定时取包含该案卷的最近一次活动）
        #[arg(long)]
        consensus: bool,
        /// 评查活动
        #[arg(long)]
        campaign: Option<String>,
        /// 不遮蔽个人信息
        #[arg(long)]
        unmasked: bool,
        /// 落款日期 YYYY-MM-DD（默认取最近一次评分的日期）
        #[arg(long)]
        date: Option<String>,
    },
    /// 问题清单与整改通知书（每个单位一份）
    Notice {
        /// 项目文件夹
        project: PathBuf,
        /// 承办单位
        #[arg(long)]
        unit: String,
        /// 输出 PDF
        #[arg(long)]
        out: PathBuf,
        /// 评查活动
        #[arg(long)]
        campaign: Option<String>,
        /// 落款日期 YYYY-MM-DD
        #[arg(long)]
        date: Option<String>,
        /// 整改期限（日，默认 30）
        #[arg(long)]
        reply_days: Option<i64>,
    },
    /// 评查报告（通报）
    Campaign {
        /// 项目文件夹
        project: PathBuf,
        /// 评查活动（默认最近建立的一个）
        #[arg(long)]
        campaign: Option<String>,
        /// 输出 PDF
        #[arg(long)]
        out: PathBuf,
        /// 落款日期 YYYY-MM-DD
        #[arg(long)]
        date: Option<String>,
        /// 整改期限（日，默认 30）
        #[arg(long)]
        reply_days: Option<i64>,
        /// 加内部附件：评查员一致性统计（不随通报印发）
        #[arg(long)]
        internal: bool,
        /// 发文字号（默认按项目的文号格式，序号留空待填）
        #[arg(long)]
        number: Option<String>,
    },
}

/// Export commands.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// 案卷、评分、自动检查和统计导出为 Excel
    Xlsx {
        /// 项目文件夹
        project: PathBuf,
        /// 输出 .xlsx
        #[arg(long)]
        out: PathBuf,
        /// 只导出该评查活动（含最终得分和一致性统计）
        #[arg(long)]
        campaign: Option<String>,
    },
}

/// The project as a session, with its default checklists seeded (the window does the same
/// on open).
fn open(path: &std::path::Path) -> Result<Session> {
    let mut session = Session::open(path)?;
    session.prepare()?;
    Ok(session)
}

/// `pingcha report …`: the window's reports, through the same `Session::write_report`.
pub fn report(command: ReportCommand) -> Result<ExitCode> {
    let defaults = ReportOptions::default();
    let (session, kind, options, out) = match command {
        ReportCommand::ScoreSheet {
            project,
            case,
            out,
            reviewer,
            unit,
            consensus,
            campaign,
            unmasked,
            date,
        } => {
            let session = open(&project)?;
            let source = match (reviewer, consensus) {
                (Some(_), true) => bail!("--reviewer 和 --consensus 只能选一个"),
                (Some(r), false) => SheetSource::Reviewer(r, unit),
                (None, true) => SheetSource::Consensus(match campaign {
                    Some(c) => c,
                    None => session.campaign_of(&case)?,
                }),
                (None, false) => SheetSource::Blank,
            };
            let kind = ReportKind::ScoreSheet { case, source, unmasked };
            (session, kind, ReportOptions { date, ..defaults }, out)
        }
        ReportCommand::Notice {
            project,
            unit,
            out,
            campaign,
            date,
            reply_days,
        } => {
            let options = ReportOptions {
                date,
                reply_days: reply_days.unwrap_or(defaults.reply_days),
            };
            (open(&project)?, ReportKind::Notice { unit, campaign }, options, out)
        }
        ReportCommand::Campaign {
            project,
            campaign,
            out,
            date,
            reply_days,
            internal,
            number,
        } => {
            let session = open(&project)?;
            let campaign = match campaign {
                Some(c) => c,
                None => session.first_campaign()?,
            };
            let kind = ReportKind::Campaign {
                campaign,
                internal,
                number: number.unwrap_or_default(),
            };
            let options = ReportOptions {
                date,
                reply_days: reply_days.unwrap_or(defaults.reply_days),
            };
            (session, kind, options, out)
        }
    };
    let written = session.write_report(&kind, &options, &out, &mut Control::unattended())?;
    for warning in &written.warnings {
        errln!("排版提示：{warning}");
    }
    outln!(
        "已生成 {}：{} 页，{:.0} KB",
        out.display(),
        written.pages.unwrap_or(0),
        written.bytes as f64 / 1024.0
    );
    Ok(ExitCode::SUCCESS)
}

/// `pingcha export …`.
pub fn export(command: ExportCommand) -> Result<ExitCode> {
    match command {
        ExportCommand::Xlsx { project, out, campaign } => {
            let session = open(&project)?;
            session.write_report(
                &ReportKind::Xlsx { campaign },
                &ReportOptions::default(),
                &out,
                &mut Control::unattended(),
            )?;
            outln!("已导出 {}", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
