//! Campaigns (评查活动): settings, creation with a seeded draw per unit, reviewers, and the
//! assignment of reviewers to cases (the algorithms are `assign`'s).
//!
//! Owns: `CampaignConfig` and the campaign's rows. Must not touch: kit or return files
//! (`exchange`), comparison and consensus (`consensus`), statistics (`statistics`).
//! The other three are re-exported here, so `review::campaign::X` names every campaign
//! operation.

pub use super::consensus::{
    CampaignData, CaseComparison, ItemComparison, SignedOff, compare_all, compare_case, record_consensus, sign_off,
};
pub use super::exchange::{
    IssuedKit, Summary, WORKSPACE_KEY, Workspace, check_scorer, export_kit, export_return, import_return, open_kit,
    workspace, write_file,
};
pub use super::statistics::{CampaignStats, Deviation, describe, stats_of, summary_stats_of};

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::ReviewError;
use super::assign::{AssignInput, AssignmentPlan, CaseSlot, ReviewerSlot, assign, draw};
use crate::domain::{Case, CodeEnum};
use crate::store::{CampaignInfo, ChecklistKey, Project, ReviewerId};

/// How a case's final score is decided when no consensus settles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FinalRule {
    /// The mean of the reviewers' totals.
    #[default]
    Mean,
    /// The lowest of the reviewers' totals.
    Lowest,
}

/// A campaign's settings (stored as JSON with the campaign).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CampaignConfig {
    /// Reviewers per case.
    pub per_case: usize,
    /// A total difference at or above this is flagged.
    pub threshold_points: f64,
    /// Final score without consensus.
    pub final_rule: FinalRule,
    /// Seed of the draw and the assignment.
    pub seed: u64,
    /// Draw: percent of each unit's cases.
    pub draw_percent: f64,
    /// Draw: at least this many per unit.
    pub draw_at_least: usize,
    /// Only these case kinds (codes: `penalty`, `inspection`, `coercion`); empty: all.
    pub kinds: Vec<String>,
    /// Only these units; empty: all.
    pub units: Vec<String>,
    /// The checklist version per case kind (kind code → checklist key).
    pub checklists: BTreeMap<String, ChecklistKey>,
    /// (case, reviewer name) pairs that must not be assigned.
    pub exclusions: BTreeSet<(String, String)>,
    /// (case, reviewer name) pairs that must be assigned.
    pub pins: BTreeSet<(String, String)>,
}

impl Default for CampaignConfig {
    fn default() -> Self {
        Self {
            per_case: 2,
            threshold_points: 5.0,
            final_rule: FinalRule::Mean,
            seed: 1,
            draw_percent: 10.0,
            draw_at_least: 3,
            kinds: Vec::new(),
            units: Vec::new(),
            checklists: BTreeMap::new(),
            exclusions: BTreeSet::new(),
            pins: BTreeSet::new(),
        }
    }
}

pub(super) fn config_of(info: &CampaignInfo) -> CampaignConfig {
    serde_json::from_value(info.config.clone()).unwrap_or_default()
}

fn to_value(config: &CampaignConfig) -> serde_json::Value {
    serde_json::to_value(config).unwrap_or(serde_json::Value::Null)
}

/// The year a case belongs to (decision, else filing, else any date it has).
pub(crate) fn case_year(case: &Case) -> Option<i32> {
    use chrono::Datelike;
    case.effective_date(crate::domain::DateKey::Decision)
        .or_else(|| case.effective_date(crate::domain::DateKey::Filed))
        .or_else(|| case.dates.values().next().copied())
        .or_else(|| case.documents.iter().find_map(|d| d.date))
        .map(|d| d.year())
}

/// Creates a campaign: the project's cases of `year`, drawn per unit by the config, and for
/// each case kind the newest checklist that applies to it.
pub fn create_campaign(
    project: &mut Project,
    name: &str,
    year: i32,
    config: CampaignConfig,
) -> Result<CampaignInfo, ReviewError> {
    let mut slots = Vec::new();
    let mut kinds = BTreeSet::new();
    for row in project.list_cases()? {
        let stored = project.load_case(row.id)?;
        let kind_ok = config.kinds.is_empty() || config.kinds.iter().any(|k| k == stored.case.kind.code());
        let unit_ok = config.units.is_empty() || config.units.contains(&stored.case.unit);
        if case_year(&stored.case) == Some(year) && kind_ok && unit_ok {
            kinds.insert((stored.case.kind, stored.case.procedure));
            slots.push(CaseSlot {
                number: stored.case.number.clone(),
                unit: stored.case.unit.clone(),
            });
        }
    }
    if slots.is_empty() {
        return Err(ReviewError::Refused(format!("项目中没有符合条件的 {year} 年案卷")));
    }
    let drawn = draw(&slots, config.draw_percent, config.draw_at_least, config.seed);
    let mut config = config;
    let all = project.checklists()?;
    for (kind, procedure) in kinds {
        let code = kind_code(kind, procedure);
        let newest = all
            .iter()
            .filter(|c| c.checklist.applies(kind, procedure) && !c.checklist.applies_to.kinds.is_empty())
            .max_by_key(|c| (c.checklist.id.clone(), c.checklist.version));
        if let Some(c) = newest {
            config.checklists.entry(code).or_insert(c.key);
        }
    }
    let mut uid_bytes = [0u8; 16];
    getrandom::fill(&mut uid_bytes).map_err(|e| ReviewError::Refused(format!("无法生成编号：{e}")))?;
    let uid: String = uid_bytes.iter().map(|b| format!("{b:02x}")).collect();
    project.create_campaign(&uid, name, year, &to_value(&config), &drawn)?;
    Ok(project.campaign(name)?)
}

/// `penalty/general`, `inspection`: the key of the campaign's checklist per kind.
pub(crate) fn kind_code(kind: crate::domain::CaseKind, procedure: Option<crate::domain::Procedure>) -> String {
    match procedure {
        Some(p) => format!("{}/{}", kind.code(), p.code()),
        None => kind.code().to_string(),
    }
}

/// The campaign checklist key of a case.
pub(super) fn checklist_for(config: &CampaignConfig, case: &Case) -> Option<ChecklistKey> {
    config.checklists.get(&kind_code(case.kind, case.procedure)).copied()
}

/// Adds a reviewer to a campaign (created in the project if new).
pub fn add_reviewer(
    project: &mut Project,
    campaign: &str,
    name: &str,
    unit: &str,
    lead: bool,
    team: &str,
    public_key: Option<&str>,
) -> Result<(), ReviewError> {
    if let Some(key) = public_key {
        super::kit::parse_public_key(key)?;
    }
    let info = project.campaign(campaign)?;
    let reviewer = project.reviewer(name, unit)?;
    project.set_campaign_reviewer(
        info.id,
        reviewer.id,
        if lead {
            crate::domain::ReviewerRole::Lead
        } else {
            crate::domain::ReviewerRole::Reviewer
        },
        team,
        public_key,
    )?;
    Ok(())
}

/// The assignment the campaign's settings give, before it is applied.
pub fn preview_assignment(project: &Project, campaign: &str) -> Result<(AssignInput, AssignmentPlan), ReviewError> {
    let info = project.campaign(campaign)?;
    let config = config_of(&info);
    let reviewers = project.campaign_reviewers(info.id)?;
    if reviewers.is_empty() {
        return Err(ReviewError::Refused(format!("评查活动“{campaign}”还没有评查员")));
    }
    let mut cases = Vec::new();
    for number in &info.cases {
        let stored = project.load_case_by_number(number)?;
        cases.push(CaseSlot {
            number: number.clone(),
            unit: stored.case.unit.clone(),
        });
    }
    let input = AssignInput {
        cases,
        reviewers: reviewers
            .iter()
            .map(|r| ReviewerSlot {
                name: r.name.clone(),
                unit: r.unit.clone(),
            })
            .collect(),
        per_case: config.per_case,
        exclusions: config.exclusions.clone(),
        pins: config.pins.clone(),
        seed: config.seed,
    };
    let plan = assign(&input);
    Ok((input, plan))
}

/// Stores the previewed assignment.
pub fn apply_assignment(project: &mut Project, campaign: &str) -> Result<AssignmentPlan, ReviewError> {
    let (_, plan) = preview_assignment(project, campaign)?;
    let info = project.campaign(campaign)?;
    let ids: BTreeMap<String, ReviewerId> = project
        .campaign_reviewers(info.id)?
        .into_iter()
        .map(|r| (r.name, r.reviewer_id))
        .collect();
    let pairs: Vec<(String, ReviewerId)> = plan
        .by_case
        .iter()
        .flat_map(|(case, names)| names.iter().filter_map(|n| ids.get(n).map(|id| (case.clone(), *id))))
        .collect();
    project.set_assignments(info.id, &pairs)?;
    Ok(plan)
}

/// Updates a campaign's exclusions, pins, reviewers per case or threshold.
pub fn update_config(
    project: &mut Project,
    campaign: &str,
    change: impl FnOnce(&mut CampaignConfig),
) -> Result<(), ReviewError> {
    let info = project.campaign(campaign)?;
    let mut config = config_of(&info);
    change(&mut config);
    project.set_campaign_config(info.id, &to_value(&config))?;
    Ok(())
}

/// The cases of a campaign assigned to a reviewer.
pub(super) fn assigned_cases(
    project: &Project,
    campaign: i64,
    reviewer_id: ReviewerId,
) -> Result<Vec<String>, ReviewError> {
    Ok(project
        .assignments(campaign)?
        .into_iter()
        .filter(|(_, r)| *r == reviewer_id)
        .map(|(c, _)| c)
        .collect())
}
