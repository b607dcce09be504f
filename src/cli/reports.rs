//! `pingcha report …` and `pingcha export xlsx`: the documents review teams hand over.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;

use crate::service::reports::{
    SheetSource, campaign_report_document, export_xlsx, notice_document, score_sheet_document,
};
use crate::store::Project;

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
        /// 整改期限（日）
        #[arg(long, default_value_t = 30)]
        reply_days: i64,
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
        /// 整改期限（日）
        #[arg(long, default_value_t = 30)]
        reply_days: i64,
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

fn open(path: &std::path::Path) -> Result<Project> {
    let mut project = Project::open(path).with_context(|| format!("无法打开项目 {}", path.display()))?;
    crate::service::review::prepare_project(&mut project)?;
    Ok(project)
}

fn write(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    crate::places::write_atomically(path, bytes).with_context(|| format!("{}: 无法写入", path.display()))
}

/// `pingcha report …`.
pub fn report(command: ReportCommand) -> Result<ExitCode> {
    let (out, document) = match command {
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
            let p = open(&project)?;
            let source = match (reviewer, consensus) {
                (Some(_), true) => bail!("--reviewer 和 --consensus 只能选一个"),
                (Some(r), false) => SheetSource::Reviewer(r, unit),
                (None, true) => SheetSource::Consensus(match campaign {
                    Some(c) => c,
                    None => p
                        .campaigns()?
                        .into_iter()
                        .find(|c| c.cases.contains(&case))
                        .map(|c| c.name)
                        .with_context(|| format!("案卷 {case} 不在任何评查活动中"))?,
                }),
                (None, false) => SheetSource::Blank,
            };
            (
                out,
                score_sheet_document(&p, &case, &source, unmasked, date.as_deref())?,
            )
        }
        ReportCommand::Notice {
            project,
            unit,
            out,
            campaign,
            date,
            reply_days,
        } => {
            let p = open(&project)?;
            (
                out,
                notice_document(&p, &unit, campaign.as_deref(), date.as_deref(), reply_days)?,
            )
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
            let p = open(&project)?;
            let campaign = match campaign {
                Some(c) => c,
                None => p
                    .campaigns()?
                    .into_iter()
                    .next()
                    .map(|c| c.name)
                    .context("项目中还没有评查活动")?,
            };
            (
                out,
                campaign_report_document(&p, &campaign, date.as_deref(), reply_days, internal, number.as_deref())?,
            )
        }
    };
    let rendered = crate::service::reports::write_pdf(&document, &out)?;
    outln!(
        "已生成 {}：{} 页，{:.0} KB",
        out.display(),
        rendered.pages,
        rendered.bytes.len() as f64 / 1024.0
    );
    Ok(ExitCode::SUCCESS)
}

/// `pingcha export …`.
pub fn export(command: ExportCommand) -> Result<ExitCode> {
    match command {
        ExportCommand::Xlsx { project, out, campaign } => {
            let p = open(&project)?;
            let bytes = export_xlsx(&p, campaign.as_deref())?;
            write(&out, &bytes)?;
            outln!("已导出 {}", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
