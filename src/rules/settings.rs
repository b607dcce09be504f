//! Rule parameters. Statutory values are defaults; values DOMAIN.md marks as unconfirmed
//! ([M]) or local are parameters here, never constants in the rules.

use serde::{Deserialize, Serialize};

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
    /// 办案期限, calendar days from 立案 (行政处罚法第六十条; a 规章 may set another term).
    pub decision_term_calendar_days: u32,
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
    /// 整改复查 within this many days after the 整改期限 ([M]: not located verbatim).
    pub recheck_days: u32,
    /// 陈述申辩期 when no hearing was offered, working days (a setting: the law names no figure).
    pub statement_working_days: u32,
    /// 听证申请期 after the 告知, working days (行政处罚法第六十四条).
    pub hearing_request_working_days: u32,
    /// 立案补办期限, days after the first investigative act (原安监总局令第15号第二十三条).
    pub filing_grace_days: u32,
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
}

impl Default for RuleSettings {
    fn default() -> Self {
        Self {
            service_working_days: 7,
            payment_calendar_days: 15,
            publication_penalty_working_days: 7,
            decision_term_calendar_days: 90,
            limitation_years: 2,
            limitation_harm_years: 5,
            summary_limit_individual_yuan: 200.0,
            summary_limit_organization_yuan: 3000.0,
            summary_limit_inclusive: true,
            summary_limits_before_2021_yuan: (50.0, 1000.0),
            filing_grace_days: 5,
            statement_working_days: 3,
            recheck_days: 10,
            hearing_request_working_days: 5,
            recording_required_stages: vec!["查封扣押".to_string()],
            hearing_notice_working_days: 7,
            major_fine_individual_yuan: 10_000.0,
            major_fine_organization_yuan: 50_000.0,
        }
    }
}
