//! Comparing reviewers and settling differences: each case's items across its reviewers,
//! consensus marks (合议) and sign-off (复核).
//!
//! Owns: `CampaignData` (a campaign loaded once) and the comparison rows. Must not touch:
//! files (kits, returns), the statistics' formulas (`statistics`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::ReviewError;
use super::campaign::{CampaignConfig, FinalRule, checklist_for, config_of};
use super::exchange::Summary;
use crate::domain::{Case, Checklist, Mark, MarkValue};
use crate::progress::Control;
use crate::scoring::{Evaluation, evaluate, score_only};
use crate::store::{CampaignInfo, ChecklistKey, ConsensusMark, Project, ReviewerId};

/// One item compared across reviewers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemComparison {
    /// Item id.
    pub item: String,
    /// Item text.
    pub text: String,
    /// Each reviewer's mark (in reviewer order).
    pub marks: Vec<Option<MarkValue>>,
    /// Each reviewer's deduction on the item (0 for veto items).
    pub deducted: Vec<f64>,
    /// Reviewers disagree.
    pub disputed: bool,
    /// The agreed mark, when recorded.
    pub consensus: Option<ConsensusMark>,
}

/// A case compared across its reviewers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseComparison {
    /// 案号.
    pub case: String,
    /// Checklist version key.
    pub checklist: ChecklistKey,
    /// Checklist name and version.
    pub checklist_name: String,
    /// Names of the reviewers who scored the case.
    pub reviewers: Vec<String>,
    /// Assigned reviewers who have not scored it yet.
    pub pending: Vec<String>,
    /// Each reviewer's total.
    pub totals: Vec<f64>,
    /// Each reviewer's grade.
    pub grades: Vec<String>,
    /// Items (every item any reviewer marked, or that has a consensus).
    pub items: Vec<ItemComparison>,
    /// A veto item some reviewers hit and others did not.
    pub veto_disagreement: bool,
    /// Largest minus smallest total.
    pub total_difference: f64,
    /// Needs a consensus (veto disagreement, a disputed item, or totals apart by the threshold).
    pub flagged: bool,
    /// Final total and grade.
    pub final_total: f64,
    /// Final grade.
    pub final_grade: String,
    /// How the final score was decided.
    pub final_source: String,
    /// Signed off?
    pub locked: bool,
    /// The marks behind the final score when a consensus settled it.
    pub final_marks: Option<Vec<Mark>>,
}

/// Compares the reviewers of a case in a campaign. For many cases, load a
/// [`CampaignData`] once and call [`CampaignData::compare`] on each.
pub fn compare_case(project: &Project, campaign: &str, case_number: &str) -> Result<CaseComparison, ReviewError> {
    let data = CampaignData::load(project, campaign)?;
    let stored = project.load_case_by_number(case_number)?;
    data.compare(case_number, &stored.case)
}

/// Everything a campaign's comparison and statistics read, loaded in a handful of queries:
/// the campaign, its reviewers, assignments, checklists, marks, reviews, consensus and
/// sign-offs. Comparing every case from it is linear in the campaign's size.
pub struct CampaignData {
    /// The campaign.
    pub info: CampaignInfo,
    /// Its settings.
    pub config: CampaignConfig,
    /// Its reviewers.
    pub members: Vec<crate::store::CampaignReviewer>,
    assigned: BTreeMap<String, Vec<ReviewerId>>,
    checklists: BTreeMap<ChecklistKey, Checklist>,
    marks: BTreeMap<String, Vec<(ReviewerId, ChecklistKey, Mark)>>,
    reviews: BTreeMap<String, BTreeSet<(ReviewerId, ChecklistKey)>>,
    consensus: BTreeMap<String, Vec<ConsensusMark>>,
    signoffs: BTreeMap<String, crate::store::SignOff>,
}

impl CampaignData {
    /// Loads a campaign's data.
    pub fn load(project: &Project, campaign: &str) -> Result<Self, ReviewError> {
        let info = project.campaign(campaign)?;
        let config = config_of(&info);
        let members = project.campaign_reviewers(info.id)?;
        let mut assigned: BTreeMap<String, Vec<ReviewerId>> = BTreeMap::new();
        for (case, reviewer) in project.assignments(info.id)? {
            assigned.entry(case).or_default().push(reviewer);
        }
        let checklists = project
            .checklists()?
            .into_iter()
            .map(|c| (c.key, c.checklist))
            .collect();
        let cases: BTreeSet<&String> = info.cases.iter().collect();
        let marks = project
            .all_marks()?
            .into_iter()
            .filter(|(case, _)| cases.contains(case))
            .collect();
        let mut reviews: BTreeMap<String, BTreeSet<(ReviewerId, ChecklistKey)>> = BTreeMap::new();
        for (case, reviewer, checklist) in project.all_reviews()? {
            reviews.entry(case).or_default().insert((reviewer, checklist));
        }
        let consensus = project.campaign_consensus(info.id)?;
        let signoffs = project.campaign_signoffs(info.id)?;
        Ok(Self {
            info,
            config,
            members,
            assigned,
            checklists,
            marks,
            reviews,
            consensus,
            signoffs,
        })
    }

    /// A checklist version by key.
    pub fn checklist(&self, key: ChecklistKey) -> Result<&Checklist, ReviewError> {
        self.checklists
            .get(&key)
            .ok_or_else(|| ReviewError::Refused(format!("评查标准 {key} 不存在")))
    }

    /// The reviewers assigned to a case.
    pub fn assigned(&self, case_number: &str) -> &[ReviewerId] {
        self.assigned.get(case_number).map_or(&[], Vec::as_slice)
    }

    /// Every reviewer's marks on a case (reviewer id, checklist key, mark).
    pub fn marks_of(&self, case_number: &str) -> &[(ReviewerId, ChecklistKey, Mark)] {
        self.marks.get(case_number).map_or(&[], Vec::as_slice)
    }

    /// A case's consensus marks.
    pub fn consensus_of(&self, case_number: &str) -> &[ConsensusMark] {
        self.consensus.get(case_number).map_or(&[], Vec::as_slice)
    }

    /// Compares the reviewers of one case (`case` is its current revision).
    pub fn compare(&self, case_number: &str, case: &Case) -> Result<CaseComparison, ReviewError> {
        let config = &self.config;
        let key = checklist_for(config, case)
            .ok_or_else(|| ReviewError::Refused(format!("案卷 {case_number} 的类型没有指定评查标准")))?;
        let checklist = self.checklist(key)?;
        let members = &self.members;
        let assigned = self.assigned(case_number);
        let all_marks = self.marks_of(case_number);
        let mut reviewers = Vec::new();
        let mut pending = Vec::new();
        let mut mark_sets: Vec<Vec<Mark>> = Vec::new();
        for id in assigned {
            let name = members
                .iter()
                .find(|m| m.reviewer_id == *id)
                .map_or_else(|| id.to_string(), |m| m.name.clone());
            // A reviewer who has not scored this case yet is not a "100": they are pending.
            if !self.reviews.get(case_number).is_some_and(|r| r.contains(&(*id, key))) {
                pending.push(name);
                continue;
            }
            reviewers.push(name);
            mark_sets.push(
                all_marks
                    .iter()
                    .filter(|(r, k, _)| r == id && *k == key)
                    .map(|(_, _, m)| m.clone())
                    .collect(),
            );
        }
        let evaluations: Vec<Evaluation> = mark_sets
            .iter()
            .map(|m| score_only(checklist, m))
            .collect::<Result<_, _>>()
            .map_err(|e| ReviewError::Refused(format!("案卷 {case_number} 的评分无效：{e}")))?;
        let consensus = self.consensus_of(case_number);
        let mut item_ids: BTreeSet<String> = mark_sets.iter().flatten().map(|m| m.item.clone()).collect();
        item_ids.extend(consensus.iter().map(|c| c.item.clone()));
        let order = checklist.item_ids();
        let mut ids: Vec<String> = item_ids.into_iter().collect();
        ids.sort_by_key(|id| order.iter().position(|o| o == id).unwrap_or(usize::MAX));
        let mut items = Vec::new();
        let mut veto_disagreement = false;
        for id in ids {
            let marks: Vec<Option<MarkValue>> = mark_sets
                .iter()
                .map(|set| set.iter().find(|m| m.item == id).map(|m| m.value))
                .collect();
            let deducted: Vec<f64> = evaluations
                .iter()
                .map(|e| e.item(&id).map_or(0.0, |s| s.deducted + s.carried))
                .collect();
            let is_veto = checklist.veto_items.iter().any(|v| v.id == id);
            let disputed = if is_veto {
                let hits: BTreeSet<bool> = marks.iter().map(|m| *m == Some(MarkValue::VetoHit)).collect();
                let d = hits.len() > 1;
                veto_disagreement |= d;
                d
            } else {
                deducted.windows(2).any(|w| (w[0] - w[1]).abs() > 1e-9)
                    || marks
                        .windows(2)
                        .any(|w| (w[0] == Some(MarkValue::NotApplicable)) != (w[1] == Some(MarkValue::NotApplicable)))
            };
            items.push(ItemComparison {
                text: checklist.item(&id).map(|t| t.text().to_string()).unwrap_or_default(),
                item: id.clone(),
                marks,
                deducted,
                disputed: disputed && mark_sets.len() > 1,
                consensus: consensus.iter().find(|c| c.item == id).cloned(),
            });
        }
        let totals: Vec<f64> = evaluations.iter().map(|e| e.total).collect();
        let grades: Vec<String> = evaluations.iter().map(|e| e.grade.clone()).collect();
        let total_difference = match (
            totals.iter().copied().reduce(f64::max),
            totals.iter().copied().reduce(f64::min),
        ) {
            (Some(a), Some(b)) => a - b,
            _ => 0.0,
        };
        let flagged =
            veto_disagreement || items.iter().any(|i| i.disputed) || total_difference >= config.threshold_points;
        // Final: settled when every disputed item has a consensus (or there is a consensus and
        // nothing is disputed); then the agreed marks, else the rule.
        let settled = !consensus.is_empty() && items.iter().filter(|i| i.disputed).all(|i| i.consensus.is_some());
        let mut final_marks = None;
        let (final_total, final_grade, final_source) = if settled {
            let mut merged: BTreeMap<String, Mark> = BTreeMap::new();
            // Undisputed items: the reviewers agree, so the first reviewer's marks stand for all.
            if let Some(set) = mark_sets.first() {
                for m in set {
                    merged.insert(m.item.clone(), m.clone());
                }
            }
            for c in consensus {
                match &c.mark {
                    Some(m) => {
                        merged.insert(c.item.clone(), m.clone());
                    }
                    None => {
                        merged.remove(&c.item);
                    }
                }
            }
            let marks: Vec<Mark> = merged.into_values().collect();
            let e = score_only(checklist, &marks).map_err(|e| ReviewError::Refused(format!("合议评分无效：{e}")))?;
            final_marks = Some(marks);
            (e.total, e.grade, "合议".to_string())
        } else if totals.is_empty() {
            (0.0, String::new(), "尚无评分".to_string())
        } else {
            let total = match config.final_rule {
                FinalRule::Mean => totals.iter().sum::<f64>() / totals.len() as f64,
                FinalRule::Lowest => totals.iter().copied().fold(f64::INFINITY, f64::min),
            };
            let total = (total * 100.0).round() / 100.0;
            // The grade of the mean: the band of the mean, or the lowest when any veto was hit
            // by every reviewer.
            let all_veto = evaluations.iter().all(|e| e.veto_effect.is_some());
            let grade = if all_veto {
                checklist.lowest_grade().to_string()
            } else {
                checklist
                    .bands
                    .iter()
                    .find(|b| total + 1e-9 >= b.min_points)
                    .map_or_else(|| checklist.lowest_grade().to_string(), |b| b.grade.clone())
            };
            let source = match config.final_rule {
                FinalRule::Mean => format!("{} 名评查员的平均分", totals.len()),
                FinalRule::Lowest => "评查员中的最低分".to_string(),
            };
            (total, grade, source)
        };
        Ok(CaseComparison {
            case: case_number.to_string(),
            checklist: key,
            checklist_name: format!("{}（第{}版）", checklist.name, checklist.version),
            reviewers,
            pending,
            totals,
            grades,
            items,
            veto_disagreement,
            total_difference,
            flagged,
            final_total,
            final_grade,
            final_source,
            locked: self.signoffs.get(case_number).is_some_and(|s| s.locked),
            final_marks,
        })
    }
}

/// The problem an agreed deduction prints on the 整改通知书 when the consensus names none:
/// what a reviewer wrote for that item (one who gave the agreed value first), else the
/// finding library's wording for the item. Never the consensus note, which may name a
/// reviewer of a back-to-back review.
fn agreed_finding(
    project: &Project,
    case_number: &str,
    key: ChecklistKey,
    checklist: &Checklist,
    agreed: &Mark,
) -> Result<String, ReviewError> {
    let marks: Vec<Mark> = project
        .marks_of_case(case_number)?
        .into_iter()
        .filter(|(_, k, m)| *k == key && m.item == agreed.item && !m.reason.trim().is_empty())
        .map(|(_, _, m)| m)
        .collect();
    if let Some(m) = marks.iter().find(|m| m.value == agreed.value).or(marks.first()) {
        return Ok(m.reason.trim().to_string());
    }
    let library = project.library()?;
    Ok(checklist
        .item(&agreed.item)
        .and_then(|target| {
            target
                .findings()
                .iter()
                .find_map(|code| library.iter().find(|e| &e.code == code))
        })
        .map(|e| e.wording.clone())
        .unwrap_or_default())
}

/// Records an agreed mark (`None`: agreed no deduction) on a case's item. `reason` is the
/// 合议说明 (kept for the record and the score sheet); the mark's own reason is the problem
/// printed on the notice (filled by [`agreed_finding`] when empty).
pub fn record_consensus(
    project: &mut Project,
    campaign: &str,
    case_number: &str,
    item: &str,
    mark: Option<Mark>,
    reason: &str,
    by: (&str, &str),
) -> Result<(), ReviewError> {
    if reason.trim().is_empty() {
        return Err(ReviewError::Refused("合议结论须写明理由".into()));
    }
    let info = project.campaign(campaign)?;
    let config = config_of(&info);
    let stored = project.load_case_by_number(case_number)?;
    let key = checklist_for(&config, &stored.case)
        .ok_or_else(|| ReviewError::Refused(format!("案卷 {case_number} 的类型没有指定评查标准")))?;
    let checklist = project.checklist(key)?.checklist;
    if checklist.item(item).is_none() {
        return Err(ReviewError::Refused(format!(
            "评查项 {item} 不在 {} 中",
            checklist.name
        )));
    }
    let mut mark = mark;
    if let Some(m) = &mut mark {
        evaluate(&checklist, std::slice::from_ref(m)).map_err(|e| ReviewError::Refused(e.to_string()))?;
        if m.reason.trim().is_empty() {
            m.reason = agreed_finding(project, case_number, key, &checklist, m)?;
        }
    }
    let recorder = project.reviewer(by.0, by.1)?;
    project.set_consensus(
        info.id,
        recorder.id,
        &ConsensusMark {
            case_number: case_number.to_string(),
            checklist: key,
            item: item.to_string(),
            mark,
            reason: reason.trim().to_string(),
            recorded_by: by.0.to_string(),
            recorded_at: String::new(),
        },
    )?;
    Ok(())
}

/// What a sign-off did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOff {
    /// What to tell the user.
    pub summary: Summary,
    /// A revision imported while the case was locked became current.
    pub released: Option<i64>,
}

/// Signs a case off (locks it), or unlocks it with a reason. An unlock makes a revision
/// imported during the lock current (and says so).
pub fn sign_off(
    project: &mut Project,
    campaign: &str,
    case_number: &str,
    lock: bool,
    by: (&str, &str),
    reason: &str,
) -> Result<SignedOff, ReviewError> {
    let info = project.campaign(campaign)?;
    let recorder = project.reviewer(by.0, by.1)?;
    let released = project.set_signoff(info.id, recorder.id, case_number, lock, by.0, reason)?;
    let mut summary = format!(
        "{case_number}：{}",
        if lock {
            "已复核锁定"
        } else {
            "已解除复核锁定"
        }
    );
    if let Some(revision) = released {
        summary.push_str(&format!("；锁定期间导入的第{revision}版已成为当前版本"));
    }
    Ok(SignedOff {
        summary: Summary(summary),
        released,
    })
}

/// Compares every case of a campaign, loading the campaign's data once (linear time), telling
/// its progress case by case and stopping when cancelled. The statistics are
/// [`super::statistics::stats_of`] the result.
pub fn compare_all(
    project: &Project,
    campaign: &str,
    control: &mut Control<'_>,
) -> Result<Vec<CaseComparison>, ReviewError> {
    let data = CampaignData::load(project, campaign)?;
    let mut current = project.current_cases()?;
    let mut comparisons = Vec::with_capacity(data.info.cases.len());
    let total = data.info.cases.len();
    for (i, number) in data.info.cases.iter().enumerate() {
        control.step(i, total)?;
        let case = current
            .remove(number)
            .ok_or_else(|| ReviewError::Refused(format!("案卷 {number} 不在项目中")))?;
        comparisons.push(data.compare(number, &case)?);
    }
    Ok(comparisons)
}
