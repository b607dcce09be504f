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
    /// 办案期限, calendar days from 立案 (行政处罚法第六十条 lets a 规章 set its own term;
    /// 15号令: 30日 [M]).
    pub decision_term_calendar_days: u32,
    /// 办案期限 with the 负责人's approval on file (15号令: 90日 [M]).
    pub decision_term_head_days: u32,
    /// 办案期限 with the higher authority's approval on file (15号令: 180日 [M]).
    pub decision_term_higher_days: u32,
    /// Whether the 办案期限 figures were checked against the official text.
    pub decision_term_confirmed: bool,
    /// Whether the 整改复查 figure was checked against the official text.
    pub recheck_confirmed: bool,
    /// Whether "以下" includes the amount itself (15号令第六十七条: "以下"不包括本数).
    pub below_inclusive: bool,
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
            decision_term_calendar_days: 30,
            decision_term_head_days: 90,
            decision_term_higher_days: 180,
            decision_term_confirmed: false,
            recheck_confirmed: false,
            below_inclusive: false,
        }
    }
}

impl DepartmentalRegime {
    /// Whether a figure of this regime is confirmed: the regime's text is, and so is the figure.
    pub fn figure_confirmed(&self, figure_confirmed: bool) -> bool {
        self.confirmed && figure_confirmed
    }

    /// `应急管理部令第18号规定的补办立案期限5日` — how a finding names the figure it rests on.
    pub fn figure(&self, what: &str) -> String {
        format!("{}规定的{what}", self.name)
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
    /// 重大执法决定: fine from this amount for individuals, yuan (local 目录; used only when
    /// `major_catalog_configured`).
    pub major_fine_individual_yuan: f64,
    /// 重大执法决定: fine from this amount for organisations, yuan ([M]).
    pub major_fine_organization_yuan: f64,
    /// Stages that must have an 音像记录 (国办发〔2018〕118号: 查封扣押 and 强制 stages; 现场检查 optional).
    pub recording_required_stages: Vec<String>,
    /// 简易程序 limits before 2021-07-15 (原安监总局令第15号: individual, organisation).
    pub summary_limits_before_2021_yuan: (f64, f64),
    /// The departmental rules by date (the parameters they set).
    pub regimes: Vec<DepartmentalRegime>,
    /// Count the 规章's 陈述申辩 days (原安监总局令第15号: 3日) as working days — the text does not
    /// say; working days favour the party.
    pub statement_window_in_working_days: bool,
    /// Roll the agency-side 办案期限 past a 法定休假日 like any other period (民法典第二百零三条).
    pub roll_forward_agency_terms: bool,
    /// 较大数额罚款 (听证, 行政处罚法第六十三条) for individuals, yuan, 以上含本数 (province's figure;
    /// default 原安监总局令第15号: 2万元).
    pub hearing_fine_individual_yuan: f64,
    /// 较大数额罚款 for organisations, yuan (default 15号令: 5万元).
    pub hearing_fine_organization_yuan: f64,
    /// Whether the 较大数额 figures are the province's confirmed ones.
    pub hearing_fine_confirmed: bool,
    /// Whether the agency's 重大执法决定法制审核目录 (国办发〔2018〕118号) is entered: the
    /// `major_fine_*` amounts and `major_heavy_penalties` apply only then.
    pub major_catalog_configured: bool,
    /// The 目录 lists 责令停产停业、吊销许可证件、责令关闭 as 重大.
    pub major_heavy_penalties: bool,
    /// Whether the scope of 集体讨论 (行政处罚法第五十七条第二款, 情节复杂或者重大违法) is entered.
    pub collective_scope_configured: bool,
    /// 集体讨论 scope: fine from this amount for individuals, yuan.
    pub collective_fine_individual_yuan: f64,
    /// 集体讨论 scope: fine from this amount for organisations, yuan.
    pub collective_fine_organization_yuan: f64,
    /// 集体讨论 scope includes 责令停产停业、吊销许可证件、责令关闭.
    pub collective_heavy_penalties: bool,
    /// 查封扣押期限, days (行政强制法第二十五条: 不得超过三十日).
    pub seizure_term_days: u32,
    /// 查封扣押 extension with approval, days (第二十五条: 延长期限不得超过三十日).
    pub seizure_extension_days: u32,
}

/// One rule parameter as the settings window and docs/rules.md show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterSource {
    /// The field (`payment_calendar_days`).
    pub key: &'static str,
    /// Where the figure comes from (`行政处罚法第六十七条`).
    pub citation: String,
    /// Its level.
    pub level: super::SourceLevel,
    /// Whether checked against the official text.
    pub confirmed: bool,
}

impl RuleSettings {
    /// Where each parameter comes from. A figure changed from its default becomes 本地设置.
    pub fn sources(&self) -> Vec<ParameterSource> {
        use super::SourceLevel::{Local, NormativeDocument};
        let d = Self::default();
        let cite = |key: &'static str, changed: bool, citation: &str, confirmed: bool| {
            let level = super::SourceLevel::of_citation(citation);
            ParameterSource {
                key,
                citation: if changed {
                    "项目设置".into()
                } else {
                    citation.into()
                },
                level: if changed { Local } else { level },
                confirmed: if changed { true } else { confirmed },
            }
        };
        let mut list = vec![
            cite(
                "service_working_days",
                self.service_working_days != d.service_working_days,
                "行政处罚法第六十一条、第八十五条",
                true,
            ),
            cite(
                "payment_calendar_days",
                self.payment_calendar_days != d.payment_calendar_days,
                "行政处罚法第六十七条",
                true,
            ),
            cite(
                "publication_penalty_working_days",
                self.publication_penalty_working_days != d.publication_penalty_working_days,
                "国办发〔2018〕118号",
                true,
            ),
            cite(
                "limitation_years",
                self.limitation_years != d.limitation_years,
                "行政处罚法第三十六条",
                true,
            ),
            cite(
                "limitation_harm_years",
                self.limitation_harm_years != d.limitation_harm_years,
                "行政处罚法第三十六条",
                true,
            ),
            cite(
                "hearing_request_working_days",
                self.hearing_request_working_days != d.hearing_request_working_days,
                "行政处罚法第六十四条、第八十五条",
                true,
            ),
            cite(
                "hearing_notice_working_days",
                self.hearing_notice_working_days != d.hearing_notice_working_days,
                "行政处罚法第六十四条、第八十五条",
                true,
            ),
            cite(
                "summary_limit_individual_yuan",
                self.summary_limit_individual_yuan != d.summary_limit_individual_yuan,
                "行政处罚法第五十一条",
                true,
            ),
            cite(
                "summary_limit_organization_yuan",
                self.summary_limit_organization_yuan != d.summary_limit_organization_yuan,
                "行政处罚法第五十一条",
                true,
            ),
            cite(
                "summary_limit_inclusive",
                self.summary_limit_inclusive != d.summary_limit_inclusive,
                "民法典第一千二百五十九条（类推）",
                false,
            ),
            cite(
                "summary_limits_before_2021_yuan",
                self.summary_limits_before_2021_yuan != d.summary_limits_before_2021_yuan,
                "行政处罚法（2017）第三十三条",
                true,
            ),
            cite(
                "roll_forward_agency_terms",
                self.roll_forward_agency_terms != d.roll_forward_agency_terms,
                "民法典第二百零三条",
                true,
            ),
            cite(
                "seizure_term_days",
                self.seizure_term_days != d.seizure_term_days,
                "行政强制法第二十五条",
                true,
            ),
            cite(
                "seizure_extension_days",
                self.seizure_extension_days != d.seizure_extension_days,
                "行政强制法第二十五条",
                true,
            ),
        ];
        list.push(ParameterSource {
            key: "hearing_fine",
            citation: if self.hearing_fine_confirmed {
                "省级规定（项目设置）".into()
            } else {
                "原安监总局令第15号（省级规定未录入）".into()
            },
            level: if self.hearing_fine_confirmed {
                Local
            } else {
                super::SourceLevel::DepartmentalRule
            },
            confirmed: self.hearing_fine_confirmed,
        });
        list.push(ParameterSource {
            key: "major_catalog",
            citation: "本地重大执法决定法制审核目录（国办发〔2018〕118号）".into(),
            level: Local,
            confirmed: self.major_catalog_configured,
        });
        list.push(ParameterSource {
            key: "collective_scope",
            citation: "本地集体讨论范围（行政处罚法第五十七条第二款）".into(),
            level: Local,
            confirmed: self.collective_scope_configured,
        });
        list.push(ParameterSource {
            key: "recording_required_stages",
            citation: "国办发〔2018〕118号".into(),
            level: NormativeDocument,
            confirmed: true,
        });
        list
    }

    /// The source of one parameter (see [`RuleSettings::sources`]).
    pub fn source(&self, key: &str) -> Option<ParameterSource> {
        self.sources().into_iter().find(|s| s.key == key)
    }

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
            roll_forward_agency_terms: true,
            statement_window_in_working_days: true,
            hearing_fine_individual_yuan: 20_000.0,
            hearing_fine_organization_yuan: 50_000.0,
            hearing_fine_confirmed: false,
            major_catalog_configured: false,
            major_heavy_penalties: true,
            collective_scope_configured: false,
            collective_fine_individual_yuan: 10_000.0,
            collective_fine_organization_yuan: 50_000.0,
            collective_heavy_penalties: true,
            seizure_term_days: 30,
            seizure_extension_days: 30,
        }
    }
}
