//! Deadlines: counted in working days where 行政处罚法第八十五条 says so, in calendar days
//! otherwise; every message shows the dates and the count.

use chrono::NaiveDate;

use super::{Finding, Rule, Severity, law_2021_in_force, positions, unscheduled_note, ymd};
use crate::domain::{ApprovalLevel, Case, CaseKind, DateKey, PartyKind, PenaltyKind, Period, Procedure};

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
        let end = ctx.calendar.period_end(decided, Period::working_days(limit), false);
        if !end.is_late(served) {
            return Vec::new();
        }
        let counted = ctx.calendar.working_days_after(decided, served);
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

/// 罚款缴纳: within 15 days of service (calendar days, rolled past a 法定休假日), unless
/// deferred/instalments were approved or a 加处罚款 decision is on file.
pub const PAYMENT_DEADLINE: Rule = Rule {
    id: "payment_deadline",
    name: "罚款缴纳期限",
    basis: "行政处罚法第六十七条、第七十二条；民法典第二百零一条、第二百零三条",
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
        let end = ctx
            .calendar
            .period_end(served, Period::days(ctx.settings.payment_calendar_days), true);
        if !end.is_late(paid) {
            return Vec::new();
        }
        vec![Finding::new(
            Severity::Deduction,
            format!(
                "送达 {}，{}；缴款 {}，逾期{}日，且卷内未见延期（分期）缴纳批准或加处罚款决定{}",
                ymd(served),
                end.explain(),
                ymd(paid),
                end.days_late(paid),
                unscheduled_note(&end.unscheduled_years)
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
        let end = ctx.calendar.period_end(decided, Period::working_days(limit), false);
        if !end.is_late(published) {
            return Vec::new();
        }
        let counted = ctx.calendar.working_days_after(decided, published);
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

/// The 延长办案期限审批表 on file before the decision, the highest approval first.
fn term_extension(case: &Case, decided: NaiveDate) -> Option<(usize, ApprovalLevel, NaiveDate, bool)> {
    case.documents
        .iter()
        .enumerate()
        .filter(|(_, d)| d.doc_type == "延长办案期限审批表" || d.doc_type.contains("延长办案期限"))
        .filter_map(|(i, d)| d.date.filter(|date| *date <= decided).map(|date| (i, d, date)))
        // An approval that does not say who approved counts as the 负责人's (the shorter
        // term: the reading that favours the party).
        .map(|(i, d, date)| (i, d.approval.unwrap_or(ApprovalLevel::Head), date, d.approval.is_some()))
        .max_by_key(|(_, level, _, _)| *level)
}

/// 办案期限: the 规章's term from 立案 (原安监总局令第15号: 30日, 90 with the 负责人's approval,
/// 180 with the higher authority's — unconfirmed), and, for decisions under the 2021 law, the
/// statute's 90 days (行政处罚法第六十条) when no extension is on file.
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
        let roll = ctx.settings.roll_forward_agency_terms;
        let extension = term_extension(case, decided);
        let docs = positions(case, &["立案审批表", "行政处罚决定书"]);
        // The statute's own term decides when no extension is on file (2021 law only: the
        // 2017 text had none).
        if decided >= law_2021_in_force() && extension.is_none() {
            let end = ctx.calendar.period_end(filed, Period::days(90), roll);
            if end.is_late(decided) {
                return vec![Finding::new(
                    Severity::Deduction,
                    format!(
                        "立案 {}，办案期限90日，{}；决定 {}，超期{}日，卷内未见延长办案期限的批准",
                        ymd(filed),
                        end.explain(),
                        ymd(decided),
                        end.days_late(decided)
                    ),
                    docs,
                )];
            }
        }
        let regime = ctx.settings.regime_for(Some(filed));
        let (limit, approval) = match extension {
            None => (regime.decision_term_calendar_days, "未见延长审批".to_string()),
            Some((i, ApprovalLevel::Head, date, stated)) => (
                regime.decision_term_head_days,
                format!(
                    "第{}份文书 {} 经负责人批准延长{}",
                    i + 1,
                    ymd(date),
                    if stated {
                        ""
                    } else {
                        "（审批表未载明审批层级，从有利于当事人的理解按负责人批准计）"
                    }
                ),
            ),
            Some((i, ApprovalLevel::Higher, date, _)) => (
                regime.decision_term_higher_days,
                format!("第{}份文书 {} 经上一级批准延长", i + 1, ymd(date)),
            ),
        };
        let end = ctx.calendar.period_end(filed, Period::days(limit), roll);
        if !end.is_late(decided) {
            return Vec::new();
        }
        vec![
            Finding::new(
                Severity::Deduction,
                format!(
                    "立案 {}，{approval}，办案期限{limit}日，{}；决定 {}，超期{}日",
                    ymd(filed),
                    end.explain(),
                    ymd(decided),
                    end.days_late(decided)
                ),
                docs,
            )
            .with_basis(&format!("行政处罚法第六十条；{}", regime.name))
            .unconfirmed_unless(
                regime.figure_confirmed(regime.decision_term_confirmed),
                regime.figure("办案期限"),
            ),
        ]
    },
};

/// The day the violation was discovered (行政处罚法第三十六条 runs to 发现): the earliest of the
/// 检查 date, the 举报/投诉 受理 date and 立案, with its name.
fn discovery(case: &Case) -> Option<(NaiveDate, &'static str)> {
    let mut candidates = Vec::new();
    if let Some(date) = case.effective_date(DateKey::Inspection) {
        candidates.push((date, "检查"));
    }
    let reported = case
        .source
        .as_deref()
        .is_some_and(|s| s.contains("举报") || s.contains("投诉"));
    if reported
        && let Some(date) = case
            .documents
            .iter()
            .find(|d| d.doc_type == "案件来源登记表")
            .and_then(|d| d.date)
    {
        candidates.push((date, "举报投诉受理"));
    }
    if let Some(date) = case.effective_date(DateKey::Filed) {
        candidates.push((date, "立案"));
    }
    candidates.into_iter().min_by_key(|(date, _)| *date)
}

/// 追责时效: discovered within 2 years of the violation (5 with harm to life and health). The
/// period is not rolled: 发现 is not an act that needs the office open.
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
        let years = if case.harm == Some(true) {
            ctx.settings.limitation_harm_years
        } else {
            ctx.settings.limitation_years
        };
        let end = ctx.calendar.period_end(violation, Period::years(years), false);
        let Some((found, what)) = discovery(case) else {
            // Only the decision is dated: discovery came earlier, so no veto on this alone.
            return match case.effective_date(DateKey::Decision) {
                Some(decided) if end.is_late(decided) => vec![Finding::new(
                    Severity::Notice,
                    format!(
                        "违法行为 {}，卷内未见检查、举报受理或立案日期，决定 {} 已超过{years}年（至 {} 止），请核对发现日期",
                        ymd(violation),
                        ymd(decided),
                        ymd(end.last_day)
                    ),
                    Vec::new(),
                )],
                _ => Vec::new(),
            };
        };
        if !end.is_late(found) {
            return Vec::new();
        }
        vec![Finding::new(
            Severity::Veto,
            format!(
                "违法行为 {}，最早发现于{what} {}，超过{years}年追责时效（至 {} 止）",
                ymd(violation),
                ymd(found),
                ymd(end.last_day)
            ),
            positions(case, &["立案审批表", "案件来源登记表", "现场检查记录"]),
        )]
    },
};

/// 简易程序 only for warnings and small fines (limits by date: 2021 law, or the 2017 law's
/// article 33 with the regime's reading of "以下").
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
        let regime = s.regime_for(decided);
        let (individual, organization, inclusive, basis) = if new_law {
            (
                s.summary_limit_individual_yuan,
                s.summary_limit_organization_yuan,
                s.summary_limit_inclusive,
                "行政处罚法第五十一条".to_string(),
            )
        } else {
            (
                s.summary_limits_before_2021_yuan.0,
                s.summary_limits_before_2021_yuan.1,
                regime.below_inclusive,
                format!("行政处罚法（2017）第三十三条；{}第六十七条", regime.name),
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
                .with_basis(&basis),
            );
        }
        let fine = decision.fine_total_yuan();
        let party_kind = case.party.as_ref().and_then(|p| p.kind);
        let limit = match party_kind {
            Some(PartyKind::Individual) => individual,
            _ => organization,
        };
        let over = if inclusive { fine > limit } else { fine >= limit };
        if fine > 0.0 && over {
            let who = if party_kind == Some(PartyKind::Individual) {
                "公民"
            } else {
                "法人或者其他组织"
            };
            let bound = if inclusive {
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
                .with_basis(&basis),
            );
        }
        findings
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ApprovalLevel, CaseOrigin, Decision, Document, Penalty};
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
        assert_eq!(late[0].basis, "行政处罚法第六十一条、第八十五条（法律）");
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
        let late = run(&PAYMENT_DEADLINE, &case);
        assert!(
            late[0]
                .message
                .contains("送达 2024-03-04，第15日为 2024-03-19；缴款 2024-03-20，逾期1日"),
            "{late:?}"
        );
        assert_eq!(
            late[0].basis,
            "行政处罚法第六十七条、第七十二条（法律）；民法典第二百零一条、第二百零三条（法律）"
        );
        case.documents.push(Document {
            doc_type: "延期分期缴纳罚款批准书".into(),
            ..Document::default()
        });
        assert!(run(&PAYMENT_DEADLINE, &case).is_empty());
    }

    #[test]
    fn decision_term_by_the_statute_and_by_the_regime_with_approvals_on_file() {
        // 行政处罚法第六十条: 90 days from 立案. 2024-03-01 + 90 = 2024-05-30 (a Thursday).
        let mut case = penalty("2024-05-31", "2024-05-31");
        case.dates.insert(DateKey::Filed, d("2024-03-01"));
        let late = run(&DECISION_DEADLINE, &case);
        assert_eq!(late.len(), 1, "{late:?}");
        assert!(
            late[0]
                .message
                .contains("办案期限90日，第90日为 2024-05-30；决定 2024-05-31，超期1日"),
            "{late:?}"
        );
        assert_eq!(
            late[0].basis, "行政处罚法第六十条（法律）",
            "the statute's own term: settled"
        );
        // The 负责人's approval on file: the 规章's 90 days (unconfirmed) decide.
        case.documents.push(Document {
            doc_type: "延长办案期限审批表".into(),
            date: Some(d("2024-03-25")),
            approval: Some(ApprovalLevel::Head),
            ..Document::default()
        });
        let f = run(&DECISION_DEADLINE, &case);
        assert!(f[0].message.contains("经负责人批准延长，办案期限90日"), "{f:?}");
        assert!(
            f[0].basis.contains("原安监总局令第15号（部门规章，数值未核实）"),
            "{f:?}"
        );
        assert!(f[0].message.contains("尚未核实"), "{f:?}");
        // The higher authority's approval: 180 days.
        case.documents[0].approval = Some(ApprovalLevel::Higher);
        assert!(run(&DECISION_DEADLINE, &case).is_empty());
        // Without approval, within the statute's 90 days but past the 规章's 30 (unconfirmed):
        // a deduction that says what it rests on, never a veto.
        case.documents.clear();
        case.dates.insert(DateKey::Decision, d("2024-04-15"));
        let f = run(&DECISION_DEADLINE, &case);
        assert_eq!(f[0].severity, Severity::Deduction);
        // 2024-03-31 is a Sunday: the 30-day term rolls to Monday 04-01.
        assert!(
            f[0].message
                .contains("第30日 2024-03-31 为法定休假日，顺延至 2024-04-01；决定 2024-04-15，超期14日"),
            "{f:?}"
        );
        case.dates.insert(DateKey::Decision, d("2024-04-01"));
        assert!(run(&DECISION_DEADLINE, &case).is_empty(), "the rolled last day");
        // Pre-2021 decisions are checked too (the 规章's term).
        case.dates.insert(DateKey::Filed, d("2021-01-04"));
        case.dates.insert(DateKey::Decision, d("2021-07-14"));
        assert!(
            !run(&DECISION_DEADLINE, &case).is_empty(),
            "no more skipping before 2021-07-15"
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
        // 行政处罚法（2017）第三十三条: 一千元以下; 原安监总局令第15号第六十七条: "以下"不包括本数.
        set_fine(&mut case, 999.0);
        assert!(run(&SUMMARY_PROCEDURE_LIMITS, &case).is_empty());
        set_fine(&mut case, 1000.0);
        let f = run(&SUMMARY_PROCEDURE_LIMITS, &case);
        assert!(f[0].message.contains("1000 元以下（不含本数）"), "{f:?}");
        assert!(f[0].basis.starts_with("行政处罚法（2017）第三十三条（法律）"), "{f:?}");
    }
}
