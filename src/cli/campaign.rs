//! `pingcha campaign …`, `pingcha kit …` and `pingcha key …`: review campaigns from the
//! terminal — draw, reviewers, assignment preview, kits, returns, comparison, consensus,
//! sign-off, agreement.

use super::term;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;

use crate::domain::{Mark, fmt_points};
use crate::progress::Control;
use crate::review::campaign::{CampaignConfig, CampaignStats, CaseComparison, describe};
use crate::service::Session;
use crate::service::session::KitOptions;

/// Campaign commands.
#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// 新建评查活动：按年度从各单位抽取案卷
    Create {
        /// 项目文件夹
        project: PathBuf,
        /// 活动名称
        #[arg(long)]
        name: String,
        /// 年度（按决定日期、无则立案日期）
        #[arg(long)]
        year: i32,
        /// 只抽取这些案件类型（penalty / inspection / coercion，可重复）
        #[arg(long)]
        kind: Vec<String>,
        /// 只抽取这些单位（可重复）
        #[arg(long)]
        unit: Vec<String>,
        /// 每个单位抽取的百分比
        #[arg(long, default_value_t = CampaignConfig::default().draw_percent)]
        percent: f64,
        /// 每个单位至少抽取的件数
        #[arg(long, default_value_t = CampaignConfig::default().draw_at_least)]
        at_least: usize,
        /// 每件案卷的评查员人数
        #[arg(long, default_value_t = CampaignConfig::default().per_case)]
        per_case: usize,
        /// 评查员总分相差达到此分数即提示合议
        #[arg(long, default_value_t = CampaignConfig::default().threshold_points)]
        threshold: f64,
        /// 随机种子（抽取和分配可重现）
        #[arg(long, default_value_t = CampaignConfig::default().seed)]
        seed: u64,
    },
    /// 登记评查员（组长用 --lead；签发评查包前须登记其公钥）
    Reviewer {
        /// 项目文件夹
        project: PathBuf,
        /// 活动名称
        #[arg(long)]
        campaign: String,
        /// 姓名
        #[arg(long)]
        name: String,
        /// 单位
        #[arg(long)]
        unit: String,
        /// 组长
        #[arg(long)]
        lead: bool,
        /// 评查组
        #[arg(long, default_value = "")]
        team: String,
        /// 评查员公钥（pingcha key show 姓名 输出的64位十六进制）
        #[arg(long)]
        public_key: Option<String>,
    },
    /// 预览分配（--apply 才保存）；可加回避和指定
    Assign {
        /// 项目文件夹
        project: PathBuf,
        /// 活动名称
        #[arg(long)]
        campaign: String,
        /// 回避：案号=姓名
        #[arg(long)]
        exclude: Vec<String>,
        /// 指定：案号=姓名
        #[arg(long)]
        pin: Vec<String>,
        /// 保存分配
        #[arg(long)]
        apply: bool,
    },
    /// 为一名评查员生成评查包
    Kit {
        /// 项目文件夹
        project: PathBuf,
        /// 活动名称
        #[arg(long)]
        campaign: String,
        /// 评查员姓名
        #[arg(long)]
        reviewer: String,
        /// 输出文件（.pchkit）
        #[arg(long)]
        out: PathBuf,
        /// 签发人（组织者）姓名，用其密钥签名
        #[arg(long, default_value = crate::review::kit::DEFAULT_ORGANISER)]
        organiser: String,
        /// 不遮蔽身份证号
        #[arg(long)]
        unmasked: bool,
    },
    /// 导入评查员的回收包
    ImportReturn {
        /// 项目文件夹
        project: PathBuf,
        /// 回收包文件
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// 并列显示评查员对一件案卷的评分和分歧
    Compare {
        /// 项目文件夹
        project: PathBuf,
        /// 活动名称
        #[arg(long)]
        campaign: String,
        /// 案号（不填则列出全部案卷的分歧概况）
        #[arg(long)]
        case: Option<String>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 记录合议结论（评查员各自的评分保持不变）
    Consensus {
        /// 项目文件夹
        project: PathBuf,
        /// 活动名称
        #[arg(long)]
        campaign: String,
        /// 案号
        #[arg(long)]
        case: String,
        /// 评查项编号
        #[arg(long)]
        item: String,
        /// 结论：同 pingcha mark 的分值写法；none 表示不扣分
        #[arg(long)]
        value: String,
        /// 合议说明（内部记录，例如“采纳李四意见”；不印入整改通知书）
        #[arg(long)]
        reason: String,
        /// 问题表述（印入整改通知书）；省略时采用评查员对该项所写的问题，再无则用问题库的表述
        #[arg(long)]
        finding: Option<String>,
        /// 记录人姓名
        #[arg(long)]
        by: String,
        /// 记录人单位
        #[arg(long)]
        unit: String,
    },
    /// 复核锁定（--unlock 解除，须写理由）
    Signoff {
        /// 项目文件夹
        project: PathBuf,
        /// 活动名称
        #[arg(long)]
        campaign: String,
        /// 案号
        #[arg(long)]
        case: String,
        /// 复核人姓名
        #[arg(long)]
        by: String,
        /// 复核人单位
        #[arg(long)]
        unit: String,
        /// 解除锁定
        #[arg(long)]
        unlock: bool,
        /// 理由（解除锁定时必填）
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// 评查员一致性：总分、各评查项、各评查员的偏差
    Stats {
        /// 项目文件夹
        project: PathBuf,
        /// 活动名称
        #[arg(long)]
        campaign: String,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
}

/// Kit commands (the reviewer's side).
#[derive(Debug, Subcommand)]
pub enum KitCommand {
    /// 打开评查包，建立评查工作区
    Open {
        /// 评查包文件
        kit: PathBuf,
        /// 工作区文件夹（新建）
        workspace: PathBuf,
    },
    /// 从工作区导出回收包
    Return {
        /// 工作区文件夹
        workspace: PathBuf,
        /// 输出文件（.pchret）
        #[arg(long)]
        out: PathBuf,
    },
}

/// Key commands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// 显示（首次使用时生成）某人的签名公钥
    Show {
        /// 姓名
        name: String,
    },
}

/// The campaign commands work on a project that exists: a mistyped folder is refused.
fn open(path: &Path) -> Result<Session> {
    Ok(Session::open_existing(path)?)
}

/// A session acting as `by` of `unit` (added to the project's reviewers when new), as the
/// window acts as the reviewer chosen in it.
fn open_as(path: &Path, by: &str, unit: &str) -> Result<Session> {
    let mut session = open(path)?;
    session.find_reviewer(by, Some(unit), true)?;
    Ok(session)
}

fn pair(text: &str) -> Result<(String, String)> {
    match text.split_once('=') {
        Some((c, r)) if !c.trim().is_empty() && !r.trim().is_empty() => {
            Ok((c.trim().to_string(), r.trim().to_string()))
        }
        _ => bail!("“{text}”应写成 案号=姓名"),
    }
}

/// `pingcha campaign …`: every subcommand is one call of the `Session` method the window's
/// 评查活动 uses.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per `pingcha campaign` subcommand, each a short call into service"
)]
pub fn campaign(command: CampaignCommand) -> Result<ExitCode> {
    let mut out = term::escaped(std::io::stdout().lock());
    match command {
        CampaignCommand::Create {
            project,
            name,
            year,
            kind,
            unit,
            percent,
            at_least,
            per_case,
            threshold,
            seed,
        } => {
            let kinds = kind
                .iter()
                .map(|k| {
                    <crate::domain::CaseKind as crate::domain::CodeEnum>::parse(k)
                        .map(|k| crate::domain::CodeEnum::code(k).to_string())
                        .with_context(|| format!("未知的案件类型“{k}”，可用：penalty、inspection、coercion"))
                })
                .collect::<Result<Vec<_>>>()?;
            let config = CampaignConfig {
                per_case,
                threshold_points: threshold,
                seed,
                draw_percent: percent,
                draw_at_least: at_least,
                kinds,
                units: unit,
                ..CampaignConfig::default()
            };
            let (told, info) = open(&project)?.create_campaign(&name, year, config)?;
            writeln!(out, "{told}")?;
            for c in &info.cases {
                writeln!(out, "{c}")?;
            }
        }
        CampaignCommand::Reviewer {
            project,
            campaign,
            name,
            unit,
            lead,
            team,
            public_key,
        } => {
            open(&project)?.add_campaign_reviewer(&campaign, &name, &unit, lead, &team, public_key.as_deref())?;
            writeln!(out, "已登记评查员 {name}（{unit}）{}", if lead { "，组长" } else { "" })?;
        }
        CampaignCommand::Assign {
            project,
            campaign,
            exclude,
            pin,
            apply,
        } => {
            let mut session = open(&project)?;
            let exclude: Vec<(String, String)> = exclude.iter().map(|t| pair(t)).collect::<Result<_>>()?;
            let pin: Vec<(String, String)> = pin.iter().map(|t| pair(t)).collect::<Result<_>>()?;
            if !exclude.is_empty() || !pin.is_empty() {
                session.constrain_assignment(&campaign, exclude, pin)?;
            }
            for line in session.assignment(&campaign, apply)? {
                writeln!(out, "{line}")?;
            }
            writeln!(
                out,
                "{}",
                if apply {
                    "已保存分配"
                } else {
                    "（预览；加 --apply 保存）"
                }
            )?;
        }
        CampaignCommand::Kit {
            project,
            campaign,
            reviewer,
            out: file,
            organiser,
            unmasked,
        } => {
            let options = KitOptions {
                organiser: Some(organiser),
                unmasked,
            };
            let told = open(&project)?.issue_kit(&campaign, &reviewer, &file, &options, &mut Control::unattended())?;
            writeln!(out, "{told}")?;
        }
        CampaignCommand::ImportReturn { project, files } => {
            let mut session = open(&project)?;
            let mut failed = false;
            for file in &files {
                match session.import_return(file) {
                    Ok(told) => writeln!(out, "{told}")?,
                    Err(e) => {
                        errln!("{e}");
                        failed = true;
                    }
                }
            }
            return Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS });
        }
        CampaignCommand::Compare {
            project,
            campaign,
            case,
            json,
        } => {
            let session = open(&project)?;
            let comparisons = match case {
                Some(c) => vec![session.compare_case(&campaign, &c)?],
                None => session.compare(&campaign, &mut Control::unattended())?.0,
            };
            if json {
                serde_json::to_writer_pretty(&mut out, &comparisons)?;
                writeln!(out)?;
            } else {
                for cmp in &comparisons {
                    write_comparison(&mut out, cmp)?;
                }
            }
        }
        CampaignCommand::Consensus {
            project,
            campaign,
            case,
            item,
            value,
            reason,
            finding,
            by,
            unit,
        } => {
            let mut session = open_as(&project, &by, &unit)?;
            let mark = consensus_mark(
                &session,
                &campaign,
                &case,
                &item,
                &value,
                finding.as_deref().unwrap_or(""),
            )?;
            session.record_consensus(&campaign, &case, &item, mark, &reason)?;
            let cmp = session.compare_case(&campaign, &case)?;
            writeln!(
                out,
                "已记录合议：{case} {item}；最终 {} {}（{}）",
                fmt_points(cmp.final_total),
                cmp.final_grade,
                cmp.final_source
            )?;
        }
        CampaignCommand::Signoff {
            project,
            campaign,
            case,
            by,
            unit,
            unlock,
            reason,
        } => {
            let (told, _) = open_as(&project, &by, &unit)?.sign_off(&campaign, &case, !unlock, &reason)?;
            writeln!(out, "{told}")?;
        }
        CampaignCommand::Stats {
            project,
            campaign,
            json,
        } => {
            let (_, stats) = open(&project)?.compare(&campaign, &mut Control::unattended())?;
            if json {
                serde_json::to_writer_pretty(&mut out, &stats)?;
                writeln!(out)?;
            } else {
                write_stats(&mut out, &stats)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One case's comparison: totals, whether it needs a 合议, the final score, and the items
/// in dispute with each reviewer's mark and any consensus.
fn write_comparison(out: &mut impl Write, cmp: &CaseComparison) -> Result<()> {
    let mut totals: Vec<String> = cmp
        .reviewers
        .iter()
        .zip(&cmp.totals)
        .map(|(r, t)| format!("{r} {}", fmt_points(*t)))
        .collect();
    totals.extend(cmp.pending.iter().map(|r| format!("{r} 未评")));
    if cmp.reviewers.is_empty() {
        writeln!(out, "{}\t{}\t尚无评分", cmp.case, totals.join("，"))?;
        return Ok(());
    }
    writeln!(
        out,
        "{}\t{}\t{}\t最终 {} {}（{}）{}",
        cmp.case,
        totals.join("，"),
        if cmp.flagged { "需合议" } else { "一致" },
        fmt_points(cmp.final_total),
        cmp.final_grade,
        cmp.final_source,
        if cmp.locked { "，已复核锁定" } else { "" }
    )?;
    for item in cmp.items.iter().filter(|i| i.disputed) {
        let cells: Vec<String> = cmp
            .reviewers
            .iter()
            .zip(item.marks.iter().zip(&item.deducted))
            .map(|(r, (m, d))| format!("{r} {}", describe(*m, *d)))
            .collect();
        let agreed = item
            .consensus
            .as_ref()
            .map(|c| {
                format!(
                    "；合议：{}（{}）",
                    c.mark.as_ref().map_or("不扣分".into(), |m| m.value.describe()),
                    c.reason
                )
            })
            .unwrap_or_default();
        writeln!(out, "  {} {}：{}{agreed}", item.item, item.text, cells.join("；"))?;
    }
    Ok(())
}

/// The agreement statistics as text.
fn write_stats(out: &mut impl Write, stats: &CampaignStats) -> Result<()> {
    let show = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.3}"));
    writeln!(
        out,
        "总分：一致率 {}，α(等距) {}，ICC(2,1) {}",
        show(stats.totals.percent_agreement),
        show(stats.totals.krippendorff_alpha_interval),
        show(stats.totals.icc2_1)
    )?;
    writeln!(out, "分歧最多的评查项：")?;
    for (item, a) in stats.items.iter().take(10) {
        writeln!(
            out,
            "  {item}\t一致率 {}\tAC1 {}",
            show(a.percent_agreement),
            show(a.gwet_ac1)
        )?;
    }
    writeln!(out, "各评查员与同案其他评查员的评查项一致率：")?;
    for (name, a) in &stats.reviewers {
        writeln!(
            out,
            "  {name}\t一致率 {}\tAC1 {}",
            show(a.percent_agreement),
            show(a.gwet_ac1)
        )?;
    }
    writeln!(out, "评查员与最终得分的偏差（负数为偏严）：")?;
    for d in &stats.deviations {
        writeln!(
            out,
            "  {}\t{} 件\t平均 {:+.2}\t平均绝对 {:.2}",
            d.reviewer, d.cases, d.mean_signed, d.mean_absolute
        )?;
    }
    Ok(())
}

/// Reads a consensus value as `pingcha mark` reads marks; `none` is "no deduction".
fn consensus_mark(
    session: &Session,
    campaign: &str,
    case: &str,
    item: &str,
    value: &str,
    finding: &str,
) -> Result<Option<Mark>> {
    if matches!(value.trim(), "none" | "不扣分") {
        return Ok(None);
    }
    let cmp = session.compare_case(campaign, case)?;
    let checklist = session.checklist(cmp.checklist)?;
    let target = checklist
        .item(item)
        .with_context(|| format!("评查项 {item} 不在 {} 中", checklist.name))?;
    let value = super::score::parse_value(target, value)?;
    Ok(value.map(|v| Mark {
        item: item.to_string(),
        value: v,
        reason: finding.trim().to_string(),
        from_rule: None,
        anchor: None,
    }))
}

/// `pingcha kit …`: the reviewer's side, as the window's 打开评查包 and 导出回收包.
pub fn kit(command: KitCommand) -> Result<ExitCode> {
    let told = match command {
        KitCommand::Open { kit, workspace } => crate::service::session::open_kit(&kit, &workspace)?,
        KitCommand::Return { workspace, out } => open(&workspace)?.export_return(&out)?,
    };
    outln!("{told}");
    Ok(ExitCode::SUCCESS)
}

/// `pingcha key …`.
pub fn key(command: KeyCommand) -> Result<ExitCode> {
    match command {
        KeyCommand::Show { name } => {
            let pair = crate::review::kit::key_pair(&name)?;
            outln!("{}", pair.public_hex());
            errln!(
                "（{name} 的签名密钥保存在 {}，请勿外传）",
                crate::review::kit::key_dir()?.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
