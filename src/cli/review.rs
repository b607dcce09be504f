//! `pingcha review`, `pingcha library` and `pingcha settings`: what the scoring panel, the
//! 修改记录 window, the finding library and the settings window do, through the same
//! `Session` calls — complete or reopen a review, accept or reject the automatic checks'
//! findings, read a case's history, list and add library wordings, read and change the
//! rule parameters.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Subcommand;
use serde_json::json;

use crate::domain::LibraryEntry;
use crate::rules::{Finding, RuleSettings};
use crate::service::session::Session;

/// Which case, as whom, on which checklist.
#[derive(Debug, clap::Args)]
pub struct ReviewTarget {
    /// 项目文件夹
    pub project: PathBuf,
    /// 案号
    #[arg(long)]
    pub case: String,
    /// 评查员姓名
    #[arg(long)]
    pub reviewer: String,
    /// 评查员单位（同名时或新评查员必填）
    #[arg(long)]
    pub unit: Option<String>,
    /// 评查标准编号（案卷适用多份评查标准、或评查项编号在多份中出现时必填）
    #[arg(long)]
    pub checklist: Option<String>,
}

/// Review commands.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// 完成评查（有扣分而未写理由的评查项时拒绝，并指出该项）
    Done(ReviewTarget),
    /// 重新打开已完成的评查
    Reopen(ReviewTarget),
    /// 列出案卷自动检查发现的问题（带序号）及该评查员的处理（采纳/不采纳）
    Findings {
        #[command(flatten)]
        target: ReviewTarget,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 采纳第 N 个问题，在评查项上扣分（与评分栏“采纳”相同）
    Accept {
        #[command(flatten)]
        target: ReviewTarget,
        /// 问题序号（见 review findings）
        #[arg(long)]
        finding: usize,
        /// 扣分的评查项编号
        #[arg(long)]
        item: String,
    },
    /// 不采纳第 N 个问题（须写明理由）
    Reject {
        #[command(flatten)]
        target: ReviewTarget,
        /// 问题序号（见 review findings）
        #[arg(long)]
        finding: usize,
        /// 不采纳的理由
        #[arg(long)]
        reason: String,
    },
    /// 案卷的修改记录（只增不改），最早的在前
    History {
        /// 项目文件夹
        project: PathBuf,
        /// 案号
        #[arg(long)]
        case: String,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
}

/// Finding-library commands.
#[derive(Debug, Subcommand)]
pub enum LibraryCommand {
    /// 列出问题库的规范表述
    List {
        /// 项目文件夹
        project: PathBuf,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 向问题库加入一条规范表述（记在评查员名下）
    Add {
        /// 项目文件夹
        project: PathBuf,
        /// 评查员姓名
        #[arg(long)]
        reviewer: String,
        /// 评查员单位（同名时或新评查员必填）
        #[arg(long)]
        unit: Option<String>,
        /// 分类（如 立案、三项制度）
        #[arg(long)]
        category: String,
        /// 问题的规范表述
        #[arg(long)]
        wording: String,
        /// 依据
        #[arg(long, default_value = "")]
        basis: String,
        /// 整改建议
        #[arg(long, default_value = "")]
        advice: String,
    },
}

/// A session on `project` scoring as `name` (added when new; in a reviewer workspace only
/// the kit's addressee).
fn scoring_session(project: &Path, name: &str, unit: Option<&str>) -> Result<Session> {
    let mut session = Session::open(project)?;
    session.prepare()?;
    crate::review::campaign::check_scorer(session.project(), name, unit)?;
    session.find_reviewer(name, unit, true)?;
    Ok(session)
}

/// The case's findings in the order `review findings` numbers them (the automatic checks'
/// order), and the one numbered `n`.
fn nth_finding(session: &Session, case: &str, n: usize) -> Result<Finding> {
    let (_, findings) = session.load_case_by_number(case)?;
    let count = findings.len();
    match n.checked_sub(1).and_then(|i| findings.into_iter().nth(i)) {
        Some(f) => Ok(f),
        None if count == 0 => bail!("案卷 {case} 的自动检查没有发现问题"),
        None => bail!("--finding {n}：案卷 {case} 的自动检查发现 {count} 个问题，序号应为 1–{count}"),
    }
}

/// `pingcha review …`.
pub fn review(what: ReviewCommand) -> Result<ExitCode> {
    match what {
        ReviewCommand::Done(t) => set_reviewed(&t, true)?,
        ReviewCommand::Reopen(t) => set_reviewed(&t, false)?,
        ReviewCommand::Findings { target, json } => findings(&target, json)?,
        ReviewCommand::Accept { target, finding, item } => {
            let mut session = scoring_session(&target.project, &target.reviewer, target.unit.as_deref())?;
            let finding = nth_finding(&session, &target.case, finding)?;
            let mark = session.accept_finding(&target.case, target.checklist.as_deref(), &finding, &item)?;
            outln!("已采纳：评查项 {item} {}（{}）", mark.value.describe(), mark.reason);
        }
        ReviewCommand::Reject {
            target,
            finding,
            reason,
        } => {
            let mut session = scoring_session(&target.project, &target.reviewer, target.unit.as_deref())?;
            let finding = nth_finding(&session, &target.case, finding)?;
            session.reject_finding(&target.case, target.checklist.as_deref(), &finding, &reason)?;
            outln!("已不采纳：{}（理由：{}）", finding.message, reason.trim());
        }
        ReviewCommand::History { project, case, json } => history(&project, &case, json)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn set_reviewed(t: &ReviewTarget, done: bool) -> Result<()> {
    let mut session = scoring_session(&t.project, &t.reviewer, t.unit.as_deref())?;
    let scoring = session.case_scoring(&t.case, t.checklist.as_deref())?;
    session.set_reviewed(&scoring.key, done)?;
    let name = &scoring.checklist.checklist.name;
    if done {
        outln!(
            "已完成评查：{}（{name}），得分 {}",
            t.case,
            crate::domain::fmt_points(scoring.evaluation.total)
        );
    } else {
        outln!("已重新打开评查：{}（{name}）", t.case);
    }
    Ok(())
}

fn findings(t: &ReviewTarget, json: bool) -> Result<()> {
    let session = scoring_session(&t.project, &t.reviewer, t.unit.as_deref())?;
    let (_, findings) = session.load_case_by_number(&t.case)?;
    let decisions = session.scoring(&t.case)?.map(|s| s.decisions).unwrap_or_default();
    let decision_of = |f: &Finding| decisions.iter().find(|d| crate::service::review::decides(d, f));
    if json {
        let list: Vec<serde_json::Value> = findings
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let d = decision_of(f);
                json!({
                    "n": i + 1,
                    "rule": f.rule,
                    "severity": f.severity.label(),
                    "message": f.message,
                    "basis": f.basis,
                    "decision": d.map(|d| if d.accepted { "accepted" } else { "rejected" }),
                    "item": d.and_then(|d| d.item.clone()),
                    "reason": d.map(|d| d.reason.clone()),
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    if findings.is_empty() {
        outln!("案卷 {} 的自动检查未发现问题", t.case);
    }
    for (i, f) in findings.iter().enumerate() {
        let status = match decision_of(f) {
            None => "未处理".to_string(),
            Some(d) if d.accepted => format!("已采纳（评查项 {}）", d.item.as_deref().unwrap_or("—")),
            Some(d) => format!("不采纳：{}", d.reason),
        };
        outln!(
            "{}\t{}\t{}（{}）\t{status}",
            i + 1,
            f.severity.label(),
            f.message,
            f.basis
        );
    }
    Ok(())
}

fn history(project: &Path, case: &str, json: bool) -> Result<()> {
    let session = Session::open(project)?;
    let entries = session.audit(case)?;
    if json {
        let list: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                json!({
                    "at": e.at,
                    "reviewer": e.reviewer,
                    "unit": e.unit,
                    "checklist": e.checklist,
                    "item": e.item,
                    "action": e.action,
                    "action_label": crate::domain::audit_label(&e.action),
                    "old": e.old,
                    "new": e.new,
                    "note": e.note,
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    if entries.is_empty() {
        outln!("案卷 {case} 还没有修改记录");
    }
    for e in &entries {
        let change = if e.old.is_some() || e.new.is_some() {
            crate::domain::Mark::change_text(e.old.as_ref(), e.new.as_ref())
        } else {
            String::new()
        };
        outln!(
            "{}\t{}（{}）\t{}\t{}\t{change}\t{}",
            e.at,
            e.reviewer,
            e.unit,
            crate::domain::audit_label(&e.action),
            e.item.as_deref().unwrap_or(""),
            e.note
        );
    }
    Ok(())
}

/// `pingcha library …`.
pub fn library(what: LibraryCommand) -> Result<ExitCode> {
    match what {
        LibraryCommand::List { project, json } => {
            let mut session = Session::open(&project)?;
            session.prepare()?;
            let entries = session.library()?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&entries)?);
            } else {
                for e in &entries {
                    outln!("{}\t{}\t{}\t{}", e.code, e.category, e.wording, e.basis);
                }
            }
        }
        LibraryCommand::Add {
            project,
            reviewer,
            unit,
            category,
            wording,
            basis,
            advice,
        } => {
            if wording.trim().is_empty() {
                bail!("--wording：问题的规范表述不能为空");
            }
            let mut session = scoring_session(&project, &reviewer, unit.as_deref())?;
            let entry = session.add_library_entry(&LibraryEntry {
                code: String::new(),
                category: category.trim().to_string(),
                wording: wording.trim().to_string(),
                basis: basis.trim().to_string(),
                advice: advice.trim().to_string(),
            })?;
            outln!("已加入问题库：{}\t{}", entry.code, entry.wording);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `pingcha settings`: the rule parameters (期限、限额、时效…), each with where its figure
/// comes from; `--set name=value` changes one (the value as JSON: a number, true/false,
/// or a list), checked as the settings window saves it.
pub fn settings(project: &Path, set: &[String], json: bool) -> Result<()> {
    let mut session = Session::open(project)?;
    let mut view = session.load_rules()?;
    if !set.is_empty() {
        let settings = apply_settings(&view.settings, set)?;
        view = session.save_rule_settings(&settings)?;
    }
    let settings = &view.settings;
    if json {
        outln!("{}", serde_json::to_string_pretty(settings)?);
        return Ok(());
    }
    let value = serde_json::to_value(settings)?;
    let Some(fields) = value.as_object() else {
        bail!("自动检查设置无法显示");
    };
    for (key, v) in fields {
        let source = settings
            .source(key)
            .map(|s| format!("{}{}", s.citation, if s.confirmed { "" } else { "（待确认）" }))
            .unwrap_or_default();
        outln!("{key}\t{v}\t{source}");
    }
    Ok(())
}

/// The settings with each `name=value` applied; an unknown name or a value of the wrong
/// kind is refused, naming it.
fn apply_settings(settings: &RuleSettings, set: &[String]) -> Result<RuleSettings> {
    let mut value = serde_json::to_value(settings)?;
    for assignment in set {
        let Some((key, text)) = assignment.split_once('=') else {
            bail!("“{assignment}”应写成 名称=数值");
        };
        let key = key.trim();
        let Some(slot) = value.get_mut(key) else {
            bail!("没有名为 {key} 的设置（pingcha settings 列出全部名称）");
        };
        let parsed: serde_json::Value =
            serde_json::from_str(text.trim()).unwrap_or_else(|_| serde_json::Value::String(text.trim().to_string()));
        *slot = parsed;
        // Checked one at a time, so the message names the setting at fault.
        if let Err(e) = serde_json::from_value::<RuleSettings>(value.clone()) {
            bail!("{key}={}：{e}", text.trim());
        }
    }
    Ok(serde_json::from_value(value)?)
}

#[cfg(test)]
mod tests {
    use super::apply_settings;
    use crate::rules::RuleSettings;

    #[test]
    fn a_setting_is_changed_by_name_and_a_wrong_one_is_named() {
        let d = RuleSettings::default();
        let s = apply_settings(&d, &["service_working_days=10".into()]).unwrap();
        assert_eq!(s.service_working_days, 10);
        let s = apply_settings(&d, &["summary_limit_inclusive=true".into()]).unwrap();
        assert!(s.summary_limit_inclusive);
        let e = apply_settings(&d, &["no_such=1".into()]).unwrap_err().to_string();
        assert!(e.contains("no_such"), "{e}");
        let e = apply_settings(&d, &["service_working_days=七".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("service_working_days"), "{e}");
        let e = apply_settings(&d, &["service_working_days".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("名称=数值"), "{e}");
    }
}
