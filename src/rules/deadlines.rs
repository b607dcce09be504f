//! Deadlines: counted in working days where 行政处罚法第八十五条 says so, in calendar days
//! otherwise; every message shows the dates and the count.

use chrono::{Datelike, NaiveDate};

use super::{Finding, Rule, Severity, law_2021_in_force, positions, unscheduled_note, ymd};
use crate::domain::{Case, CaseKind, DateKey, PartyKind, PenaltyKind, Procedure};

fn has_type(case: &Case, doc_type: &str) -> bool {
    case.documents.iter().any(|d| d.doc_type == doc_type)
}

fn is_general_penalty(case: &Case) -> bool {
    case.kind == CaseKind::Penalty && case.procedure != Some(Procedure::Summary)
}

fn served_on_spot(case: &Case) -> bool {
    case.decision.as_ref().and_then(|d| d.served_on_spot) == Some(true) || case.procedure == Some(Procedure::Summary)
}

/// 决定书送达: within 7 working days of the decision unless handed over on the spot.
pub const SERVICE_DEADLINE: Rule = Rule {
    id: "service_deadline",
    name: "决定书送达期限",
    basis: "行政处罚法第六十一条、第八十五条",
    check: |case, ctx| {
        if case.kind != CaseKind::Penalty || served_on_spot(case) {
            return Vec::new();
        }
        let (Some(decided), Some(served)) = (
            case.effective_date(DateKey::Decision),
            case.effective_date(DateKey::DecisionServed),
        ) else {
            return Vec::new();
        };
        let limit = ctx.settings.service_working_days;
        let counted = ctx.calendar.working_days_after(decided, served);
        if counted.value <= limit {
            return Vec::new();
        }
        vec![Finding::new(
            Severity::Deduction,
            format!(
                "决定 {}，送达 {}，为第{}个工作日，超过{limit}个工作日{}",
                ymd(decided),
                ymd(served),
                counted.value,
                unscheduled_note(&counted.unscheduled_years)
            ),
            case.documents
                .iter()
                .enumerate()
                .filter(|(_, d)| {
                    d.doc_type == "行政处罚决定书"
                        || (d.doc_type == "送达回执" && d.serves.as_deref() == Some("行政处罚决定书"))
                })
                .map(|(i, _)| i)
                .collect(),
        )]
    },
};

/// 罚款缴纳: within 15 calendar days of service, unless deferred/instalments were approved or a
/// 加处罚款 decision is on file.
pub const PAYMENT_DEADLINE: Rule = Rule {
    id: "payment_deadline",
    name: "罚款缴纳期限",
    basis: "行政处罚法第六十七条、第七十二条",
    check: |case, ctx| {
        let Some(decision) = &case.decision else {
            return Vec::new();
        };
        if !decision.penalties.iter().any(|p| p.kind == PenaltyKind::Fine) {
            return Vec::new();
        }
        if has_type(case, "延期分期缴纳罚款批准书") || has_type(case, "加处罚款决定书") {
            return Vec::new();
        }
        let served = if served_on_spot(case) {
            case.effective_date(DateKey::Decision)
        } else {
            case.effective_date(DateKey::DecisionServed)
        };
        let (Some(served), Some(paid)) = (served, case.effective_date(DateKey::Paid)) else {
            return Vec::new();
        };
        let days = (paid - served).num_days();
        let limit = i64::from(ctx.settings.payment_calendar_days);
        if days <= limit {
            return Vec::new();
        }
        vec![Finding::new(
            Severity::Deduction,
            format!(
                "决定书送达 {}，罚款缴纳 {}，相隔{days}日，超过{limit}日，且卷内未见延期（分期）缴纳批准或加处罚款决定",
                ymd(served),
                ymd(paid)
            ),
            positions(case, &["罚款缴纳凭证"]),
        )]
    },
};

/// 行政处罚信息公示: penalty decisions published within 7 working days (setting).
pub const PUBLICATION_DEADLINE: Rule = Rule {
    id: "publication_deadline",
    name: "处罚信息公示期限",
    basis: "国办发〔2018〕118号",
    check: |case, ctx| {
        if case.kind != CaseKind::Penalty || case.decision.is_none() {
            return Vec::new();
        }
        let Some(decided) = case.effective_date(DateKey::Decision) else {
            return Vec::new();
        };
        let Some(published) = case.effective_date(DateKey::Published) else {
            return vec![Finding::new(
                Severity::Notice,
                "卷内未见处罚信息公示记录，无法核对公示期限".into(),
                Vec::new(),
            )];
        };
        let limit = ctx.settings.publication_penalty_working_days;
        let counted = ctx.calendar.working_days_after(decided, published);
        if counted.value <= limit {
            return Vec::new();
        }
        vec![Finding::new(
            Severity::Deduction,
            format!(
                "决定 {}，公示 {}，为第{}个工作日，超过{limit}个工作日{}",
                ymd(decided),
                ymd(published),
                counted.value,
                unscheduled_note(&counted.unscheduled_years)
            ),
            positions(case, &["处罚信息公示记录"]),
        )]
    },
};

/// 办案期限: decision within 90 calendar days of 立案 (2021 law) unless an extension is on file.
pub const DECISION_DEADLINE: Rule = Rule {
    id: "decision_deadline",
    name: "办案期限",
    basis: "行政处罚法第六十条",
    check: |case, ctx| {
        if !is_general_penalty(case) {
            return Vec::new();
        }
        let (Some(filed), Some(decided)) = (
            case.effective_date(DateKey::Filed),
            case.effective_date(DateKey::Decision),
        ) else {
            return Vec::new();
        };
        // The 2017 text had no general term (the 规章's terms are unconfirmed): 2021 law only.
        if decided < law_2021_in_force() {
            return Vec::new();
        }
        let extended = case
            .documents
            .iter()
            .any(|d| d.doc_type.contains("延长办案期限") || d.doc_type.contains("办案期限延长"));
        let days = (decided - filed).num_days();
        let regime = ctx.settings.regime_for(Some(filed));
        let limit = i64::from(regime.decision_term_calendar_days);
        if days <= limit || extended {
            return Vec::new();
        }
        vec![Finding::new(
            Severity::Deduction,
            format!(
                "立案 {}，决定 {}，历时{days}日，超过{limit}日且卷内未见延长办案期限的批准",
                ymd(filed),
                ymd(decided)
            ),
            positions(case, &["立案审批表", "行政处罚决定书"]),
        )]
    },
};

fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    let year = date.year() + years as i32;
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), 28))
        .unwrap_or(date)
}

/// 追责时效: 立案 within 2 years of the violation (5 with harm to life and health).
pub const LIMITATION: Rule = Rule {
    id: "limitation",
    name: "追责时效",
    basis: "行政处罚法第三十六条",
    check: |case, ctx| {
        if case.kind != CaseKind::Penalty {
            return Vec::new();
        }
        let Some(violation) = case.effective_date(DateKey::Violation) else {
            return Vec::new();
        };
        let Some(acted) = case
            .effective_date(DateKey::Filed)
            .or_else(|| case.effective_date(DateKey::Decision))
        else {
            return Vec::new();
        };
        let years = if case.harm == Some(true) {
            ctx.settings.limitation_harm_years
        } else {
            ctx.settings.limitation_years
        };
        let deadline = add_years(violation, years);
        if acted <= deadline {
            return Vec::new();
        }
        vec![Finding::new(
            Severity::Veto,
            format!(
                "违法行为 {}，立案 {}，超过{years}年追责时效（至 {} 止）",
                ymd(violation),
                ymd(acted),
                ymd(deadline)
            ),
            positions(case, &["立案审批表"]),
        )]
    },
};

/// 简易程序 only for warnings and small fines (limits by date: 2021 law or the older regime).
pub const SUMMARY_PROCEDURE_LIMITS: Rule = Rule {
    id: "summary_procedure_limits",
    name: "简易程序适用条件",
    basis: "行政处罚法第五十一条",
    check: |case, ctx| {
        if case.procedure != Some(Procedure::Summary) {
            return Vec::new();
        }
        let Some(decision) = &case.decision else {
            return Vec::new();
        };
        let decided = case.effective_date(DateKey::Decision);
        let new_law = decided.is_none_or(|d| d >= law_2021_in_force());
        let s = ctx.settings;
        let (individual, organization, basis) = if new_law {
            (
                s.summary_limit_individual_yuan,
                s.summary_limit_organization_yuan,
                "行政处罚法第五十一条",
            )
        } else {
            (
                s.summary_limits_before_2021_yuan.0,
                s.summary_limits_before_2021_yuan.1,
                "原安监总局令第15号（简易程序限额）",
            )
        };
        let mut findings = Vec::new();
        let other: Vec<&str> = decision
            .penalties
            .iter()
            .filter(|p| !matches!(p.kind, PenaltyKind::Warning | PenaltyKind::Fine))
            .map(|p| crate::domain::CodeEnum::label(p.kind))
            .collect();
        if !other.is_empty() {
            findings.push(
                Finding::new(
                    Severity::Deduction,
                    format!("简易程序只能作出警告或罚款，本案处罚含：{}", other.join("、")),
                    Vec::new(),
                )
                .with_basis(basis),
            );
        }
        let fine = decision.fine_total_yuan();
        let party_kind = case.party.as_ref().and_then(|p| p.kind);
        let limit = match party_kind {
            Some(PartyKind::Individual) => individual,
            _ => organization,
        };
        let over = if s.summary_limit_inclusive {
            fine > limit
        } else {
            fine >= limit
        };
        if fine > 0.0 && over {
            let who = if party_kind == Some(PartyKind::Individual) {
                "公民"
            } else {
                "法人或者其他组织"
            };
            let bound = if s.summary_limit_inclusive {
                "以下（含本数）"
            } else {
                "以下（不含本数）"
            };
            findings.push(
                Finding::new(
                    Severity::Deduction,
                    format!("简易程序罚款 {fine:.0} 元，超过对{who} {limit:.0} 元{bound}的限额"),
                    Vec::new(),
                )
                .with_basis(basis),
            );
        }
        findings
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseOrigin, Decision, Document, Penalty};
    use crate::rules::{RuleContext, RuleSettings};

    fn d(s: &str) -> NaiveDate {
        crate::domain::parse_iso_date(s).expect("date")
    }

    fn calendar() -> WorkingCalendarFixture {
        WorkingCalendarFixture(crate::import::bundled_calendar().expect("calendar"))
    }
    struct WorkingCalendarFixture(crate::domain::WorkingCalendar);

    fn penalty(decided: &str, served: &str) -> Case {
        let mut case = Case::new("X", CaseKind::Penalty, CaseOrigin::Package);
        case.procedure = Some(Procedure::General);
        case.decision = Some(Decision {
            penalties: vec![Penalty {
                kind: PenaltyKind::Fine,
                amount_yuan: Some(10_000.0),
            }],
            served_on_spot: Some(false),
            ..Decision::default()
        });
        case.dates.insert(DateKey::Decision, d(decided));
        case.dates.insert(DateKey::DecisionServed, d(served));
        case
    }

    fn run(rule: &Rule, case: &Case) -> Vec<Finding> {
        let cal = calendar();
        let settings = RuleSettings::default();
        rule.run(
            case,
            &RuleContext {
                calendar: &cal.0,
                settings: &settings,
                registry: &[],
            },
        )
    }

    #[test]
    fn service_within_seven_working_days_across_the_national_day_holiday() {
        // 2024-09-27 + 7 working days = 2024-10-12 (09-29 and 10-12 were working days).
        assert!(
            run(&SERVICE_DEADLINE, &penalty("2024-09-27", "2024-10-12")).is_empty(),
            "the last allowed day"
        );
        let late = run(&SERVICE_DEADLINE, &penalty("2024-09-27", "2024-10-14"));
        assert_eq!(late.len(), 1);
        assert_eq!(
            late[0].message,
            "决定 2024-09-27，送达 2024-10-14，为第8个工作日，超过7个工作日"
        );
        assert_eq!(late[0].basis, "行政处罚法第六十一条、第八十五条");
        // Handed over on the spot: no service deadline.
        let mut spot = penalty("2024-09-27", "2024-10-14");
        if let Some(dec) = &mut spot.decision {
            dec.served_on_spot = Some(true);
        }
        assert!(run(&SERVICE_DEADLINE, &spot).is_empty());
    }

    #[test]
    fn publication_counts_working_days_and_notes_missing_records() {
        let mut case = penalty("2024-04-30", "2024-05-06");
        case.dates.insert(DateKey::Published, d("2024-05-13"));
        assert!(
            run(&PUBLICATION_DEADLINE, &case).is_empty(),
            "05-13 is the 7th working day after 04-30"
        );
        case.dates.insert(DateKey::Published, d("2024-05-14"));
        let late = run(&PUBLICATION_DEADLINE, &case);
        assert!(late[0].message.contains("为第8个工作日"), "{:?}", late);
        case.dates.remove(&DateKey::Published);
        assert_eq!(run(&PUBLICATION_DEADLINE, &case)[0].severity, Severity::Notice);
    }

    #[test]
    fn payment_within_fifteen_calendar_days_unless_deferred() {
        let mut case = penalty("2024-03-01", "2024-03-04");
        case.dates.insert(DateKey::Paid, d("2024-03-19"));
        assert!(run(&PAYMENT_DEADLINE, &case).is_empty(), "15 days after 03-04");
        case.dates.insert(DateKey::Paid, d("2024-03-20"));
        assert!(run(&PAYMENT_DEADLINE, &case)[0].message.contains("相隔16日"));
        case.documents.push(Document {
            doc_type: "延期分期缴纳罚款批准书".into(),
            ..Document::default()
        });
        assert!(run(&PAYMENT_DEADLINE, &case).is_empty());
    }

    #[test]
    fn decision_within_ninety_days_of_filing_under_the_2021_law() {
        let mut case = penalty("2024-05-30", "2024-05-31");
        case.dates.insert(DateKey::Filed, d("2024-03-01"));
        assert!(run(&DECISION_DEADLINE, &case).is_empty(), "90 days");
        case.dates.insert(DateKey::Decision, d("2024-05-31"));
        assert!(run(&DECISION_DEADLINE, &case)[0].message.contains("历时91日"));
        case.dates.insert(DateKey::Filed, d("2021-01-01"));
        case.dates.insert(DateKey::Decision, d("2021-07-14"));
        assert!(
            run(&DECISION_DEADLINE, &case).is_empty(),
            "before the 2021 law took effect"
        );
    }

    #[test]
    fn limitation_two_years_or_five_with_harm() {
        let mut case = penalty("2024-03-02", "2024-03-03");
        case.dates.insert(DateKey::Violation, d("2022-03-01"));
        case.dates.insert(DateKey::Filed, d("2024-03-01"));
        assert!(run(&LIMITATION, &case).is_empty(), "the last day of the second year");
        case.dates.insert(DateKey::Filed, d("2024-03-02"));
        assert_eq!(run(&LIMITATION, &case)[0].severity, Severity::Veto);
        case.harm = Some(true);
        assert!(run(&LIMITATION, &case).is_empty());
    }

    #[test]
    fn summary_procedure_limits_by_party_and_date() {
        let mut case = penalty("2024-03-01", "2024-03-01");
        case.procedure = Some(Procedure::Summary);
        case.party = Some(crate::domain::Party {
            name: "王某".into(),
            kind: Some(PartyKind::Individual),
            ..Default::default()
        });
        let set_fine = |case: &mut Case, yuan: f64| {
            if let Some(dec) = &mut case.decision {
                dec.penalties = vec![Penalty {
                    kind: PenaltyKind::Fine,
                    amount_yuan: Some(yuan),
                }];
            }
        };
        set_fine(&mut case, 200.0);
        assert!(
            run(&SUMMARY_PROCEDURE_LIMITS, &case).is_empty(),
            "200 yuan is within 二百元以下"
        );
        set_fine(&mut case, 201.0);
        assert!(
            run(&SUMMARY_PROCEDURE_LIMITS, &case)[0]
                .message
                .contains("超过对公民 200 元")
        );
        case.party.as_mut().expect("party").kind = Some(PartyKind::Organization);
        set_fine(&mut case, 3000.0);
        assert!(run(&SUMMARY_PROCEDURE_LIMITS, &case).is_empty());
        // Before 2021-07-15 the older regime's limits apply.
        case.dates.insert(DateKey::Decision, d("2020-06-01"));
        assert!(run(&SUMMARY_PROCEDURE_LIMITS, &case)[0].basis.contains("第15号"));
    }
}
