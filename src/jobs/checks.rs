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
