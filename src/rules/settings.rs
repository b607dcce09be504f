//! Rule parameters. Statutory values are defaults; values DOMAIN.md marks as unconfirmed
//! ([M]) or local are parameters here, never constants in the rules.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The departmental rules (部门规章) in force for a case, chosen by the case's dates:
/// 原安监总局令第15号 until 2026-01-31, 应急管理部令第18号 from 2026-02-01. The 18号令's
/// text is not yet available here, so its values default to the older ones and it is marked
/// unconfirmed; findings under it say so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DepartmentalRegime {
    /// Name as cited (`原安监总局令第15号`).
    pub name: String,
    /// First day in force; `None` for the oldest regime.
    pub from: Option<NaiveDate>,
    /// Whether the values were checked against the official text.
    pub confirmed: bool,
    /// 立案补办期限, days after the first investigative act (15号令第二十三条: 5日).
    pub filing_grace_days: u32,
    /// 陈述申辩期 when no hearing was offered, working days (15号令: 收到告知书之日起3日内).
    pub statement_working_days: u32,
    /// 整改复查 within this many days after the 整改期限 ([M]: not located verbatim).
    pub recheck_days: u32,
    /// 办案期限, calendar days from 立案 (行政处罚法第六十条: 90日 unless a 规章 sets another).
    pub decision_term_calendar_days: u32,
}

impl Default for DepartmentalRegime {
    fn default() -> Self {
        Self {
            name: "原安监总局令第15号".into(),
            from: None,
            confirmed: true,
            filing_grace_days: 5,
            statement_working_days: 3,
            recheck_days: 10,
            decision_term_calendar_days: 90,
        }
    }
}

impl DepartmentalRegime {
    /// `（依应急管理部令第18号；该令条文尚未核实，暂用原规定数值）` for an unconfirmed regime.
    pub fn caveat(&self) -> String {
        if self.confirmed {
            String::new()
        } else {
            format!("（依{}；该令条文尚未核实，暂用原规定数值，可在设置中修改）", self.name)
        }
    }
}

/// The default regimes: 15号令, then 18号令 from 2026-02-01 (values unconfirmed).
pub fn default_regimes() -> Vec<DepartmentalRegime> {
    vec![
        DepartmentalRegime::default(),
        DepartmentalRegime {
            name: "应急管理部令第18号".into(),
            from: NaiveDate::from_ymd_opt(2026, 2, 1),
            confirmed: false,
            ..DepartmentalRegime::default()
        },
    ]
}

/// Parameters of the rules, stored in the project settings (`rule_settings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleSettings {
    /// 决定书送达期限, working days (行政处罚法第六十一条、第八十五条).
    pub service_working_days: u32,
    /// 罚款缴纳期限, calendar days from service (行政处罚法第六十七条).
    pub payment_calendar_days: u32,
    /// 行政处罚信息公示期限, working days (国办发〔2018〕118号; local rules may differ).
    pub publication_penalty_working_days: u32,
    /// 追责时效, years (行政处罚法第三十六条).
    pub limitation_years: u32,
    /// 追责时效 for 涉及公民生命健康安全且有危害后果, years.
    pub limitation_harm_years: u32,
    /// 简易程序 fine limit for individuals, yuan (行政处罚法第五十一条).
    pub summary_limit_individual_yuan: f64,
    /// 简易程序 fine limit for organisations, yuan.
    pub summary_limit_organization_yuan: f64,
    /// Whether "以下" includes the limit itself (民法典第一千二百五十九条 by analogy; 原安监总局令
    /// 第15号第六十七条 says it does not — unconfirmed, hence a setting).
    pub summary_limit_inclusive: bool,
    /// 听证申请期 after the 告知, working days (行政处罚法第六十四条).
    pub hearing_request_working_days: u32,
    /// 听证会通知书 at least this many working days before the hearing (行政处罚法第六十四条).
    pub hearing_notice_working_days: u32,
    /// 重大执法决定: fine from this amount for individuals, yuan (local 目录 decides; [M]).
    pub major_fine_individual_yuan: f64,
    /// 重大执法决定: fine from this amount for organisations, yuan ([M]).
    pub major_fine_organization_yuan: f64,
    /// Stages that must have an 音像记录 (国办发〔2018〕118号: 查封扣押 and 强制 stages; 现场检查 optional).
    pub recording_required_stages: Vec<String>,
    /// 简易程序 limits before 2021-07-15 (原安监总局令第15号: individual, organisation).
    pub summary_limits_before_2021_yuan: (f64, f64),
    /// The departmental rules by date (the parameters they set).
    pub regimes: Vec<DepartmentalRegime>,
}

impl RuleSettings {
    /// The regime in force on `date` (the newest whose `from` is not after it); the oldest
    /// when the date is unknown.
    pub fn regime_for(&self, date: Option<NaiveDate>) -> DepartmentalRegime {
        let mut chosen = self.regimes.first().cloned().unwrap_or_default();
        if let Some(date) = date {
            for regime in &self.regimes {
                if regime.from.is_none_or(|from| from <= date) {
                    chosen = regime.clone();
                }
            }
        }
        chosen
    }
}

impl Default for RuleSettings {
    fn default() -> Self {
        Self {
            service_working_days: 7,
            payment_calendar_days: 15,
            publication_penalty_working_days: 7,
            limitation_years: 2,
            limitation_harm_years: 5,
            summary_limit_individual_yuan: 200.0,
            summary_limit_organization_yuan: 3000.0,
            summary_limit_inclusive: true,
            summary_limits_before_2021_yuan: (50.0, 1000.0),
            hearing_request_working_days: 5,
            recording_required_stages: vec!["查封扣押".to_string()],
            hearing_notice_working_days: 7,
            major_fine_individual_yuan: 10_000.0,
            major_fine_organization_yuan: 50_000.0,
            regimes: default_regimes(),
        }
    }
}
