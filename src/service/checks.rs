//! What the automatic checks of a project need, loaded once: the working-day calendar (the
//! bundled schedules plus the years the project added), the project's rule settings and
//! officer registry.

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use crate::domain::{Case, WorkingCalendar, YearSchedule};
use crate::import::{bundled_calendar, parse_year_schedule};
use crate::rules::{Finding, RuleContext, RuleSettings, check_case};
use crate::store::Project;

/// Project setting holding the rule parameters.
pub const RULE_SETTINGS_KEY: &str = "rule_settings";
/// Project setting holding added holiday schedules: year → the schedule file's TOML text.
pub const CALENDAR_YEARS_KEY: &str = "calendar_years";

/// The calendar, settings and registry the rules run with.
#[derive(Debug, Clone, Default)]
pub struct ProjectRules {
    /// Working days.
    pub calendar: WorkingCalendar,
    /// Rule parameters.
    pub settings: RuleSettings,
    /// Officer registry.
    pub registry: Vec<crate::domain::RegisteredOfficer>,
    /// Years the project added (beyond the bundled 2019–2026), with their sources.
    pub added_years: Vec<(i32, String)>,
}

impl ProjectRules {
    /// Loads a project's rules context.
    pub fn load(project: &Project) -> Result<Self> {
        let settings: RuleSettings = project.setting(RULE_SETTINGS_KEY)?.unwrap_or_default();
        let added: BTreeMap<String, String> = project.setting(CALENDAR_YEARS_KEY)?.unwrap_or_default();
        let mut schedules: Vec<YearSchedule> = bundled_calendar()
            .context("内置节假日数据无法读取")?
            .years()
            .cloned()
            .collect();
        let mut added_years = Vec::new();
        for (year, text) in &added {
            // Stored only after validation; a failure here means the project was edited by hand.
            let schedule = parse_year_schedule(&format!("项目设置 {year} 年节假日安排"), text)?;
            added_years.push((schedule.year, schedule.source.clone()));
            schedules.push(schedule);
        }
        Ok(Self {
            calendar: WorkingCalendar::new(schedules),
            settings,
            registry: project.registry()?,
            added_years,
        })
    }

    /// Rules context borrowing this.
    pub fn context(&self) -> RuleContext<'_> {
        RuleContext {
            calendar: &self.calendar,
            settings: &self.settings,
            registry: &self.registry,
        }
    }

    /// Runs every rule on a case.
    pub fn check(&self, case: &Case) -> Vec<Finding> {
        check_case(case, &self.context())
    }

    /// What findings computed with this context are keyed by in the cache: a hash of the
    /// rules' revision, the settings, the calendar and the registry. Any change to one of
    /// them (or a new program version) computes every case again.
    pub fn cache_key(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(RULES_REVISION.as_bytes());
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        for rule in crate::rules::RULES {
            hasher.update(rule.id.as_bytes());
        }
        hasher.update(serde_json::to_string(&self.settings).unwrap_or_default().as_bytes());
        for year in self.calendar.years() {
            hasher.update(format!("{}|{:?}|{:?}", year.year, year.off, year.work).as_bytes());
        }
        hasher.update(serde_json::to_string(&self.registry).unwrap_or_default().as_bytes());
        crate::store::hex_digest(&hasher.finalize())
    }
}

/// Bumped whenever a rule's logic or wording changes, so cached findings are recomputed.
pub const RULES_REVISION: &str = "rules-2026-12-01";

/// A finding as the cache keeps it.
pub fn to_cached(finding: &Finding) -> crate::store::CachedFinding {
    crate::store::CachedFinding {
        rule: finding.rule.to_string(),
        severity: match finding.severity {
            crate::rules::Severity::Veto => "veto",
            crate::rules::Severity::Deduction => "deduction",
            crate::rules::Severity::Notice => "notice",
        }
        .to_string(),
        message: finding.message.clone(),
    }
}

/// Validates a holiday schedule file and adds it to the project (replacing that year's
/// earlier addition). Returns the year.
pub fn add_calendar_year(project: &Project, file: &std::path::Path) -> Result<i32> {
    let text = std::fs::read_to_string(file).with_context(|| format!("{}: 无法读取", file.display()))?;
    let schedule = parse_year_schedule(&file.display().to_string(), &text)?;
    let mut added: BTreeMap<String, String> = project.setting(CALENDAR_YEARS_KEY)?.unwrap_or_default();
    added.insert(schedule.year.to_string(), text);
    project.set_setting(CALENDAR_YEARS_KEY, &added)?;
    Ok(schedule.year)
}
