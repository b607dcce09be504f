//! Scoring a case, as the UI and the CLI both do it: seed a project's default checklists and
//! finding library, find the checklists that apply to a case for a reviewer (the version the
//! reviewer already used, else the newest), and evaluate their marks.

use anyhow::{Context, Result, bail};

use crate::domain::{Case, Deduction, ItemRef, Mark, MarkValue};
use crate::rules::Finding;
use crate::scoring::{Evaluation, bundled_checklists, bundled_library, evaluate, format};
use crate::store::{ChecklistKey, FindingDecision, Project, ReviewKey, Reviewer, ReviewerId, StoredChecklist};

/// Adds the bundled default checklists and finding library to a project that lacks them.
/// Checklists already present (any version of the same id) are left alone.
pub fn prepare_project(project: &mut Project) -> Result<()> {
    // A reviewer workspace holds exactly what its kit brought: the campaign's checklist
    // versions and the organiser's library.
    if project
        .setting::<serde_json::Value>(crate::review::campaign::WORKSPACE_KEY)?
        .is_some()
    {
        return Ok(());
    }
    let library = bundled_library().context("内置问题库无法读取")?;
    project.seed_library(&library)?;
    let defaults = bundled_checklists().context("内置评查标准无法读取")?;
    for (checklist, (_, text)) in defaults.iter().zip(crate::assets::CHECKLISTS) {
        project.seed_checklist(checklist, text)?;
    }
    Ok(())
}

/// One checklist applied to one case by one reviewer.
#[derive(Debug, Clone)]
pub struct CaseScoring {
    /// The checklist version.
    pub checklist: StoredChecklist,
    /// Where its marks are stored.
    pub key: ReviewKey,
    /// The reviewer's marks.
    pub marks: Vec<Mark>,
    /// Their evaluation.
    pub evaluation: Evaluation,
    /// When the reviewer marked the review done.
    pub reviewed_at: Option<String>,
}

/// The checklists that apply to `case` for `reviewer_id`: per checklist id, the version the
/// reviewer already used on the case, else the newest version if it applies to the case's
/// kind and procedure. Kind-specific checklists come before general ones.
pub fn case_scorings(project: &Project, case: &Case, reviewer_id: ReviewerId) -> Result<Vec<CaseScoring>> {
    let all = project.checklists()?;
    let used = project.reviews_of(&case.number, reviewer_id)?;
    let mut chosen: Vec<(StoredChecklist, Option<String>)> = Vec::new();
    let mut ids: Vec<&str> = all.iter().map(|c| c.checklist.id.as_str()).collect();
    ids.dedup();
    for id in ids {
        let versions: Vec<&StoredChecklist> = all.iter().filter(|c| c.checklist.id == id).collect();
        let in_use = versions.iter().rev().find_map(|c| {
            used.iter()
                .find(|(key, _)| *key == c.key)
                .map(|(_, at)| (*c, at.clone()))
        });
        match in_use {
            Some((c, at)) => chosen.push((c.clone(), at)),
            None => {
                if let Some(newest) = versions.last()
                    && newest.checklist.applies(case.kind, case.procedure)
                {
                    chosen.push(((*newest).clone(), None));
                }
            }
        }
    }
    chosen.sort_by_key(|(c, _)| (c.checklist.applies_to.kinds.is_empty(), c.checklist.name.clone()));
    chosen
        .into_iter()
        .map(|(checklist, reviewed_at)| {
            let key = ReviewKey {
                case_number: case.number.clone(),
                reviewer_id,
                checklist: checklist.key,
            };
            let marks = project.marks(&key)?;
            let evaluation = evaluate(&checklist.checklist, &marks).with_context(|| {
                format!(
                    "{}（第{}版）的评分记录有误",
                    checklist.checklist.name, checklist.checklist.version
                )
            })?;
            Ok(CaseScoring {
                checklist,
                key,
                marks,
                evaluation,
                reviewed_at,
            })
        })
        .collect()
}

/// Sets or clears one mark after checking, against the stored checklist version and the
/// stored marks, that the result can be scored; returns the new evaluation. The mark and its
/// audit row are on disk, in one transaction, before this returns.
pub fn apply_mark(
    project: &mut Project,
    key: &ReviewKey,
    item: &str,
    mark: Option<Mark>,
    action: crate::domain::AuditAction,
    note: &str,
) -> Result<Evaluation> {
    let checklist = project.checklist(key.checklist)?;
    let mut marks: Vec<Mark> = project.marks(key)?.into_iter().filter(|m| m.item != item).collect();
    if let Some(m) = &mark {
        if m.item != item {
            anyhow::bail!("评分记录的评查项 {} 与 {item} 不符", m.item);
        }
        refuse_if_not_concerned(project, &checklist.checklist, key, m)?;
        marks.push(m.clone());
    }
    // Refuse a mark the engine would refuse, before anything is written.
    let evaluation = evaluate(&checklist.checklist, &marks)?;
    project.set_mark(key, item, mark.as_ref(), action, note)?;
    Ok(evaluation)
}

/// An item that concerns other case kinds only (a 三项制度 item about 处罚决定 on an inspection
/// case) takes no deduction: 不涉及 is the only mark it may have.
fn refuse_if_not_concerned(
    project: &Project,
    checklist: &crate::domain::Checklist,
    key: &ReviewKey,
    mark: &Mark,
) -> Result<()> {
    use crate::domain::{CodeEnum, MarkValue};
    let Some(item) = checklist
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .find(|i| i.id == mark.item)
    else {
        return Ok(());
    };
    if item.kinds.is_empty() || mark.value == MarkValue::NotApplicable {
        return Ok(());
    }
    let kind = project.load_case_by_number(&key.case_number)?.case.kind;
    if !item.concerns(kind) {
        let kinds: Vec<&str> = item.kinds.iter().map(|k| k.label()).collect();
        bail!(
            "评查项 {} 只适用于{}案件，{} 是{}案件，不扣分（可标为不涉及）",
            item.id,
            kinds.join("、"),
            key.case_number,
            kind.label()
        );
    }
    Ok(())
}

/// Reads and validates a checklist file against the rules and the bundled finding library
/// (plus the project's library codes, when given).
pub fn read_checklist_file(path: &std::path::Path, extra_codes: &[String]) -> Result<crate::domain::Checklist> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{}: 无法读取（{}）", path.display(), crate::places::io_message(&e)))?;
    let library = bundled_library().context("内置问题库无法读取")?;
    let known = format::Known::with_library(
        library
            .iter()
            .map(|e| e.code.as_str())
            .chain(extra_codes.iter().map(String::as_str)),
    );
    Ok(format::parse_checklist(&path.display().to_string(), &text, &known)?)
}

/// Most rows a 评查标准 sheet may have: ten per item a checklist may hold (headings, notes and
/// blank rows included) — a standard is never a ledger.
pub const MAX_TABLE_ROWS: usize = 10 * format::MAX_CHECKLIST_ITEMS;

/// The sheets of a 评查标准 table (`.xlsx`, `.xls`, `.ods`) as cell texts, read in a reader
/// process within `limits`, and within [`MAX_TABLE_ROWS`] rows a sheet.
pub fn read_checklist_tables(
    path: &std::path::Path,
    limits: &crate::import::ImportLimits,
) -> Result<Vec<crate::scoring::table::Table>> {
    let limits = crate::import::ImportLimits {
        max_sheet_rows: limits.max_sheet_rows.min(MAX_TABLE_ROWS),
        ..limits.clone()
    };
    let sheets = crate::worker::workbook(path, &limits, None)?;
    Ok(sheets
        .into_iter()
        .map(|sheet| crate::scoring::table::Table {
            sheet: sheet.name,
            rows: sheet
                .rows
                .into_iter()
                .map(|(row, cells)| crate::scoring::table::TableRow {
                    row,
                    cells: cells.iter().map(crate::import::Cell::text).collect(),
                })
                .collect(),
        })
        .collect())
}

/// The sheet to read a checklist from: the one named, else the first whose header row is
/// recognised; with its mapping (detected, or `None` when the user must map by hand).
pub fn pick_checklist_sheet<'a>(
    tables: &'a [crate::scoring::table::Table],
    sheet: Option<&str>,
) -> Result<(&'a crate::scoring::table::Table, Option<crate::scoring::table::Mapping>)> {
    use crate::scoring::table::detect_mapping;
    match sheet {
        Some(name) => {
            let table = tables.iter().find(|t| t.sheet == name).with_context(|| {
                let names: Vec<&str> = tables.iter().map(|t| t.sheet.as_str()).collect();
                format!("没有名为“{name}”的工作表（有：{}）", names.join("、"))
            })?;
            Ok((table, detect_mapping(table)))
        }
        None => {
            let found = tables.iter().find_map(|t| detect_mapping(t).map(|m| (t, Some(m))));
            match found {
                Some(found) => Ok(found),
                None => {
                    let first = tables.first().context("表格中没有工作表")?;
                    Ok((first, None))
                }
            }
        }
    }
}

/// Validates a checklist against the rules and the project's finding library, then saves it
/// (a new version when the stored one is frozen). Returns (key, version); the error names the
/// first problem and how many there are.
pub fn save_checklist(project: &mut Project, checklist: &crate::domain::Checklist) -> Result<(ChecklistKey, u32)> {
    let library: Vec<String> = project.library()?.into_iter().map(|e| e.code).collect();
    let known = format::Known::with_library(library.iter().map(String::as_str));
    let problems = format::validate(checklist, &known);
    if let Some(first) = problems.first() {
        anyhow::bail!(
            "评查标准“{}”有 {} 处问题，未保存：{first}",
            checklist.name,
            problems.len()
        );
    }
    project
        .save_checklist(checklist, format::to_toml)
        .map_err(|e| anyhow::anyhow!("未能保存评查标准：{e}"))
}

/// Finds a reviewer by name (and unit). With `create`, a name and unit not seen yet is added.
pub fn find_reviewer(project: &Project, name: &str, unit: Option<&str>, create: bool) -> Result<Reviewer> {
    let matches: Vec<Reviewer> = project
        .reviewers()?
        .into_iter()
        .filter(|r| r.name == name && unit.is_none_or(|u| r.unit == u))
        .collect();
    match (matches.len(), unit) {
        (1, _) => Ok(matches.into_iter().next().expect("one")),
        (0, Some(unit)) if create => Ok(project.reviewer(name, unit)?),
        (0, _) => bail!(
            "项目中没有评查员“{name}”{}",
            unit.map(|u| format!("（{u}）")).unwrap_or_default()
        ),
        _ => bail!("有多名评查员叫“{name}”，请用 --unit 指明单位"),
    }
}

/// The first mark that takes points off (or hits a veto) without a reason: a review with
/// one is not complete — a score sheet must say what each deduction is for.
pub fn first_unreasoned(marks: &[Mark]) -> Option<&Mark> {
    marks.iter().find(|m| {
        let deducts = match m.value {
            MarkValue::Deduct(p) => p > 0.0,
            MarkValue::Count(n) => n > 0,
            MarkValue::VetoHit => true,
            MarkValue::NotApplicable | MarkValue::Award(_) => false,
        };
        deducts && m.reason.trim().is_empty()
    })
}

/// The value a mark takes when nothing else says: a veto hit, one occurrence, a fixed
/// deduction, a range's least, a bonus's points.
pub fn default_value(target: ItemRef<'_>) -> MarkValue {
    match target {
        ItemRef::Veto(_) => MarkValue::VetoHit,
        ItemRef::Scored(_, item) => match item.deduction {
            Deduction::PerOccurrence { .. } => MarkValue::Count(1),
            Deduction::Fixed { points } => MarkValue::Deduct(points),
            Deduction::Range { min, .. } => MarkValue::Deduct(min),
        },
        ItemRef::Bonus(b) => MarkValue::Award(b.points),
    }
}

/// Accepting a finding of the automatic checks on an item: the mark it makes (`来自规则`)
/// and the decision recorded with it. On an item already marked, a per-occurrence item
/// counts one more occurrence, a deduction or veto keeps its value, and the finding is
/// added to the reason; an unmarked item takes its default value.
pub fn acceptance(finding: &Finding, item: &str, target: ItemRef<'_>, old: Option<&Mark>) -> (Mark, FindingDecision) {
    let value = match (old.map(|m| m.value), target) {
        (Some(MarkValue::Count(n)), ItemRef::Scored(_, i))
            if matches!(i.deduction, Deduction::PerOccurrence { .. }) =>
        {
            MarkValue::Count(n + 1)
        }
        (Some(v @ (MarkValue::Deduct(_) | MarkValue::VetoHit)), _) => v,
        _ => default_value(target),
    };
    let reason = match old.map(|m| m.reason.as_str()) {
        Some(r) if !r.is_empty() => format!("{r}；{}", finding.message),
        _ => finding.message.clone(),
    };
    let mark = Mark {
        item: item.to_string(),
        value,
        reason,
        from_rule: Some(finding.rule.to_string()),
        anchor: old.and_then(|m| m.anchor.clone()),
    };
    let decision = FindingDecision {
        rule: finding.rule.to_string(),
        message: finding.message.clone(),
        accepted: true,
        reason: mark.reason.clone(),
        item: Some(item.to_string()),
    };
    (mark, decision)
}

/// Rejecting a finding (不采纳), with the reviewer's reason.
pub fn rejection(finding: &Finding, reason: &str, item: Option<&str>) -> FindingDecision {
    FindingDecision {
        rule: finding.rule.to_string(),
        message: finding.message.clone(),
        accepted: false,
        reason: reason.trim().to_string(),
        item: item.map(str::to_string),
    }
}

/// Whether a decision is the one taken on a finding.
pub fn decides(decision: &FindingDecision, finding: &Finding) -> bool {
    decision.rule == finding.rule && decision.message == finding.message
}
