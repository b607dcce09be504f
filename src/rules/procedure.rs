//! The order of the procedure: 立案 before investigating, 听证 notice and order, 法制审核 and
//! 集体讨论 where required and in their place in the chain.

use super::{Finding, Rule, Severity, positions, unscheduled_note, ymd};
use crate::domain::{Case, CaseKind, DateKey, PartyKind, PenaltyKind, Procedure, ReviewOpinion};

/// Investigative acts that need 立案 first (a 现场检查记录 before 立案 is normal).
const INVESTIGATIVE_TYPES: [&str; 5] = [
    "询问笔录",
    "勘验笔录",
    "抽样取证凭证",
    "先行登记保存证据通知书",
    "查封扣押决定书",
];

fn general_penalty(case: &Case) -> bool {
    case.kind == CaseKind::Penalty && case.procedure != Some(Procedure::Summary)
}

/// Investigative acts before 立案 are followed by 立案 within the 补办 window.
pub const FILING_TIMELY: Rule = Rule {
    id: "filing_timely",
    name: "立案及时",
    basis: "行政处罚法第五十四条；原安监总局令第15号第二十三条",
    check: |case, ctx| {
        if !general_penalty(case) {
            return Vec::new();
        }
        let Some(filed) = case.effective_date(DateKey::Filed) else {
            return Vec::new();
        };
        let earliest = case
            .documents
            .iter()
            .enumerate()
            .filter(|(_, d)| INVESTIGATIVE_TYPES.contains(&d.doc_type.as_str()))
            .filter_map(|(i, d)| d.date.map(|date| (date, i)))
            .filter(|(date, _)| *date < filed)
            .min();
        let Some((first, index)) = earliest else {
            return Vec::new();
        };
        let regime = ctx.settings.regime_for(Some(filed));
        let grace = i64::from(regime.filing_grace_days);
        let gap = (filed - first).num_days();
        if gap <= grace {
            return Vec::new();
        }
        vec![
            Finding::new(
                Severity::Deduction,
                format!(
                    "第{}份文书《{}》{} 已开展调查，立案 {}，相隔{gap}日，超过{grace}日补办立案期限{}",
                    index + 1,
                    case.documents[index].doc_type,
                    ymd(first),
                    ymd(filed),
                    regime.caveat()
                ),
                vec![index],
            )
            .with_basis(&format!("行政处罚法第五十四条；{}", filing_article(&regime.name))),
        ]
    },
};

/// Where a regime sets the 补办立案 window.
fn filing_article(regime: &str) -> String {
    if regime.contains("第15号") {
        format!("{regime}第二十三条")
    } else {
        regime.to_string()
    }
}

/// 听证会通知书 served at least 7 working days before the hearing; decision after the hearing.
pub const HEARING_PROCEDURE: Rule = Rule {
    id: "hearing_procedure",
    name: "听证程序",
    basis: "行政处罚法第六十四条、第六十五条、第八十五条",
    check: |case, ctx| {
        if !general_penalty(case) || case.effective_date(DateKey::HearingRequested).is_none() {
            return Vec::new();
        }
        let docs = positions(case, &["听证会通知书", "听证笔录"]);
        let Some(hearing) = case.effective_date(DateKey::Hearing) else {
            return vec![Finding::new(
                Severity::Deduction,
                "当事人申请了听证，卷内未见听证笔录".into(),
                docs,
            )];
        };
        let mut findings = Vec::new();
        if let Some(notified) = case.effective_date(DateKey::HearingNoticeServed) {
            // "在举行听证的七日前" (counted in working days, 第八十五条): the hearing falls on the
            // seventh working day after the notice at the earliest.
            let counted = ctx.calendar.working_days_after(notified, hearing);
            let limit = ctx.settings.hearing_notice_working_days;
            if counted.value < limit {
                findings.push(Finding::new(
                    Severity::Deduction,
                    format!(
                        "听证通知送达 {}，听证 {}，听证日为通知后第{}个工作日，不足{limit}个工作日{}",
                        ymd(notified),
                        ymd(hearing),
                        counted.value,
                        unscheduled_note(&counted.unscheduled_years)
                    ),
                    docs.clone(),
                ));
            }
        }
        if let Some(decided) = case.effective_date(DateKey::Decision)
            && decided < hearing
        {
            findings.push(Finding::new(
                Severity::Veto,
                format!("听证 {}，而决定 {} 在听证之前", ymd(hearing), ymd(decided)),
                docs,
            ));
        }
        findings
    },
};

/// Whether the decision is 重大 (the flag, else the thresholds in the settings).
fn is_major(case: &Case, settings: &super::RuleSettings) -> bool {
    let Some(decision) = &case.decision else { return false };
    if let Some(flag) = decision.major {
        return flag;
    }
    let individual = case.party.as_ref().and_then(|p| p.kind) == Some(PartyKind::Individual);
    let limit = if individual {
        settings.major_fine_individual_yuan
    } else {
        settings.major_fine_organization_yuan
    };
    decision.fine_total_yuan() >= limit
        || decision.penalties.iter().any(|p| {
            matches!(
                p.kind,
                PenaltyKind::Suspension | PenaltyKind::Revocation | PenaltyKind::Closure
            )
        })
        || case.effective_date(DateKey::Hearing).is_some()
}

fn reviewed(case: &Case) -> Option<chrono::NaiveDate> {
    case.effective_date(DateKey::LegalReview)
}

/// A 重大执法决定 has a 法制审核 on file.
pub const LEGAL_REVIEW_REQUIRED: Rule = Rule {
    id: "legal_review_required",
    name: "重大执法决定法制审核",
    basis: "行政处罚法第五十八条",
    check: |case, ctx| {
        if !general_penalty(case) || !is_major(case, ctx.settings) {
            return Vec::new();
        }
        if reviewed(case).is_some() || case.legal_review.is_some() {
            return Vec::new();
        }
        let why = if case.decision.as_ref().and_then(|d| d.major) == Some(true) {
            "本案列入重大执法决定法制审核目录".to_string()
        } else {
            "按设置的重大执法决定标准本案属重大执法决定".to_string()
        };
        vec![Finding::new(
            Severity::Veto,
            format!("{why}，卷内未见法制审核意见"),
            Vec::new(),
        )]
    },
};

/// The 法制审核 comes after 调查终结 (and the hearing), no later than the decision and the
/// 集体讨论; the reviewer is not one of the case's officers; the opinion is 同意.
pub const LEGAL_REVIEW_ORDER: Rule = Rule {
    id: "legal_review_order",
    name: "法制审核程序",
    basis: "行政处罚法第五十八条",
    check: |case, _| {
        if !general_penalty(case) {
            return Vec::new();
        }
        let docs = positions(case, &["重大执法决定法制审核意见书"]);
        let mut findings = Vec::new();
        let mut push = |severity, message: String| findings.push(Finding::new(severity, message, docs.clone()));
        if let Some(review) = reviewed(case) {
            for (key, after) in [
                (DateKey::InvestigationEnded, true),
                (DateKey::Hearing, true),
                (DateKey::Decision, false),
                (DateKey::CollectiveDiscussion, false),
            ] {
                let Some(other) = case.effective_date(key) else {
                    continue;
                };
                if after && review < other {
                    push(
                        Severity::Deduction,
                        format!(
                            "法制审核 {} 早于{} {}",
                            ymd(review),
                            crate::domain::CodeEnum::label(key),
                            ymd(other)
                        ),
                    );
                }
                if !after && review > other {
                    push(
                        Severity::Deduction,
                        format!(
                            "法制审核 {} 晚于{} {}",
                            ymd(review),
                            crate::domain::CodeEnum::label(key),
                            ymd(other)
                        ),
                    );
                }
            }
        }
        if let Some(lr) = &case.legal_review {
            if let Some(reviewer) = &lr.reviewer
                && case.officers.iter().any(|o| &o.name == reviewer)
            {
                push(Severity::Deduction, format!("法制审核人 {reviewer} 是本案承办人员"));
            }
            if let Some(opinion) = lr.opinion
                && opinion != ReviewOpinion::Agree
            {
                push(
                    Severity::Deduction,
                    format!(
                        "法制审核意见为“{}”，卷内未见修改后再次审核同意",
                        crate::domain::CodeEnum::label(opinion)
                    ),
                );
            }
        }
        findings
    },
};

/// 情节复杂或者重大违法: 集体讨论 present and before the decision.
pub const COLLECTIVE_DISCUSSION: Rule = Rule {
    id: "collective_discussion",
    name: "负责人集体讨论",
    basis: "行政处罚法第五十七条",
    check: |case, ctx| {
        if !general_penalty(case) {
            return Vec::new();
        }
        let required = case
            .decision
            .as_ref()
            .and_then(|d| d.collective_discussion_required)
            .unwrap_or_else(|| is_major(case, ctx.settings));
        let discussed = case.effective_date(DateKey::CollectiveDiscussion);
        let docs = positions(case, &["集体讨论记录"]);
        match (required, discussed) {
            (true, None) if case.collective_discussion.is_none() => vec![Finding::new(
                Severity::Veto,
                "本案情节复杂或属重大违法行为，卷内未见负责人集体讨论记录".into(),
                docs,
            )],
            (_, Some(day)) => match case.effective_date(DateKey::Decision) {
                Some(decided) if day > decided => vec![Finding::new(
                    Severity::Deduction,
                    format!("集体讨论 {} 晚于决定 {}", ymd(day), ymd(decided)),
                    docs,
                )],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        CaseOrigin, CollectiveDiscussion, Decision, Document, LegalReview, Officer, Penalty, parse_iso_date,
    };
    use crate::rules::{RuleContext, RuleSettings};

    fn d(s: &str) -> chrono::NaiveDate {
        parse_iso_date(s).expect("date")
    }

    fn general(fine: f64, major: Option<bool>) -> Case {
        let mut case = Case::new("X", CaseKind::Penalty, CaseOrigin::Package);
        case.procedure = Some(Procedure::General);
        case.officers = vec![Officer {
            name: "张三".into(),
            certificate: "1".into(),
            certificate_valid_until: None,
        }];
        case.decision = Some(Decision {
            penalties: vec![Penalty {
                kind: PenaltyKind::Fine,
                amount_yuan: Some(fine),
            }],
            major,
            ..Decision::default()
        });
        case
    }

    fn run(rule: &Rule, case: &Case) -> Vec<Finding> {
        let cal = crate::import::bundled_calendar().expect("calendar");
        let settings = RuleSettings::default();
        rule.run(
            case,
            &RuleContext {
                calendar: &cal,
                settings: &settings,
                registry: &[],
            },
        )
    }

    #[test]
    fn filing_within_five_days_of_the_first_investigative_act() {
        let mut case = general(1000.0, Some(false));
        case.documents.push(Document {
            doc_type: "现场检查记录".into(),
            date: Some(d("2024-03-01")),
            ..Document::default()
        });
        case.documents.push(Document {
            doc_type: "询问笔录".into(),
            date: Some(d("2024-03-02")),
            ..Document::default()
        });
        case.dates.insert(DateKey::Filed, d("2024-03-07"));
        assert!(
            run(&FILING_TIMELY, &case).is_empty(),
            "5 days after the 询问笔录; the 检查记录 does not count"
        );
        case.dates.insert(DateKey::Filed, d("2024-03-08"));
        let f = run(&FILING_TIMELY, &case);
        assert!(
            f[0].message
                .contains("第2份文书《询问笔录》2024-03-02 已开展调查，立案 2024-03-08，相隔6日"),
            "{f:?}"
        );
    }

    #[test]
    fn hearing_notice_seven_working_days_before_and_decision_after() {
        let mut case = general(60_000.0, Some(true));
        case.dates.insert(DateKey::HearingRequested, d("2024-09-20"));
        case.dates.insert(DateKey::HearingNoticeServed, d("2024-09-27"));
        // 10-12 is the 7th working day after 09-27 (09-29, 09-30, 10-08 … 10-12): the last allowed day.
        case.dates.insert(DateKey::Hearing, d("2024-10-12"));
        case.dates.insert(DateKey::Decision, d("2024-10-20"));
        assert!(
            run(&HEARING_PROCEDURE, &case).is_empty(),
            "{:?}",
            run(&HEARING_PROCEDURE, &case)
        );
        case.dates.insert(DateKey::Hearing, d("2024-10-11"));
        assert!(
            run(&HEARING_PROCEDURE, &case)[0]
                .message
                .contains("听证日为通知后第6个工作日，不足7个工作日")
        );
        case.dates.insert(DateKey::Hearing, d("2024-10-21"));
        assert_eq!(
            run(&HEARING_PROCEDURE, &case)[0].severity,
            Severity::Veto,
            "decided before the hearing"
        );
        case.dates.remove(&DateKey::Hearing);
        assert!(run(&HEARING_PROCEDURE, &case)[0].message.contains("未见听证笔录"));
    }

    #[test]
    fn major_decisions_need_legal_review_by_flag_or_threshold() {
        assert_eq!(
            run(&LEGAL_REVIEW_REQUIRED, &general(1000.0, Some(true)))[0].severity,
            Severity::Veto
        );
        assert!(
            run(&LEGAL_REVIEW_REQUIRED, &general(80_000.0, Some(false))).is_empty(),
            "the flag decides"
        );
        assert!(
            !run(&LEGAL_REVIEW_REQUIRED, &general(50_000.0, None)).is_empty(),
            "threshold for organisations"
        );
        assert!(run(&LEGAL_REVIEW_REQUIRED, &general(49_999.0, None)).is_empty());
        let mut reviewed = general(80_000.0, Some(true));
        reviewed.dates.insert(DateKey::LegalReview, d("2024-03-01"));
        assert!(run(&LEGAL_REVIEW_REQUIRED, &reviewed).is_empty());
    }

    #[test]
    fn legal_review_sits_between_investigation_and_decision_by_someone_else() {
        let mut case = general(80_000.0, Some(true));
        case.dates.insert(DateKey::InvestigationEnded, d("2024-03-10"));
        case.dates.insert(DateKey::LegalReview, d("2024-03-12"));
        case.dates.insert(DateKey::CollectiveDiscussion, d("2024-03-13"));
        case.dates.insert(DateKey::Decision, d("2024-03-20"));
        case.legal_review = Some(LegalReview {
            reviewer: Some("李四".into()),
            qualified: Some(true),
            opinion: Some(ReviewOpinion::Agree),
        });
        assert!(run(&LEGAL_REVIEW_ORDER, &case).is_empty());
        case.dates.insert(DateKey::LegalReview, d("2024-03-14"));
        assert!(
            run(&LEGAL_REVIEW_ORDER, &case)[0]
                .message
                .contains("晚于集体讨论 2024-03-13")
        );
        case.dates.insert(DateKey::LegalReview, d("2024-03-09"));
        assert!(
            run(&LEGAL_REVIEW_ORDER, &case)[0]
                .message
                .contains("早于调查终结 2024-03-10")
        );
        case.dates.insert(DateKey::LegalReview, d("2024-03-12"));
        case.legal_review = Some(LegalReview {
            reviewer: Some("张三".into()),
            qualified: Some(true),
            opinion: Some(ReviewOpinion::Resubmit),
        });
        let f = run(&LEGAL_REVIEW_ORDER, &case);
        assert!(
            f.iter().any(|f| f.message.contains("张三 是本案承办人员"))
                && f.iter().any(|f| f.message.contains("修改后再报"))
        );
    }

    #[test]
    fn collective_discussion_when_required_and_before_the_decision() {
        let mut case = general(80_000.0, Some(true));
        case.dates.insert(DateKey::Decision, d("2024-03-20"));
        assert_eq!(
            run(&COLLECTIVE_DISCUSSION, &case)[0].severity,
            Severity::Veto,
            "inferred from the major flag"
        );
        case.collective_discussion = Some(CollectiveDiscussion {
            chair: Some("赵局长".into()),
            attendees: vec![],
        });
        case.dates.insert(DateKey::CollectiveDiscussion, d("2024-03-21"));
        assert!(
            run(&COLLECTIVE_DISCUSSION, &case)[0]
                .message
                .contains("晚于决定 2024-03-20")
        );
        case.dates.insert(DateKey::CollectiveDiscussion, d("2024-03-20"));
        assert!(
            run(&COLLECTIVE_DISCUSSION, &case).is_empty(),
            "on the day of the decision is allowed"
        );
        let small = general(1000.0, None);
        assert!(run(&COLLECTIVE_DISCUSSION, &small).is_empty());
    }
}

/// A 行政处罚告知书 was served before the decision, and the decision waited out the
/// 陈述申辩 / 听证申请 window unless the party waived it in writing.
pub const NOTICE_BEFORE_DECISION: Rule = Rule {
    id: "notice_before_decision",
    name: "事先告知与陈述申辩期",
    basis: "行政处罚法第四十四条、第四十五条、第六十二条、第六十四条、第八十五条",
    check: |case, ctx| {
        if !general_penalty(case) {
            return Vec::new();
        }
        // A missing 告知书 is reported by `required_documents`; this rule owns the order and the window.
        let (Some(notified), Some(decided)) = (
            case.effective_date(DateKey::NoticeServed),
            case.effective_date(DateKey::Decision),
        ) else {
            return Vec::new();
        };
        let docs = positions(case, &["行政处罚告知书", "行政处罚决定书"]);
        if decided <= notified {
            return vec![Finding::new(
                Severity::Veto,
                format!(
                    "告知书送达 {}，决定 {}，决定未在告知之后作出",
                    ymd(notified),
                    ymd(decided)
                ),
                docs,
            )];
        }
        let decision = case.decision.as_ref();
        if decision.and_then(|d| d.hearing_waived) == Some(true) {
            return Vec::new();
        }
        let hearing = decision.and_then(|d| d.hearing_offered) == Some(true);
        let window = if hearing && decided >= super::law_2021_in_force() {
            ctx.settings.hearing_request_working_days
        } else {
            ctx.settings.regime_for(Some(notified)).statement_working_days
        };
        let counted = ctx.calendar.working_days_after(notified, decided);
        if counted.value > window {
            return Vec::new();
        }
        let what = if hearing {
            "陈述申辩和要求听证"
        } else {
            "陈述申辩"
        };
        vec![Finding::new(
            Severity::Deduction,
            format!(
                "告知书送达 {}，决定 {}，为第{}个工作日，未等满{window}个工作日的{what}期限，卷内也未见当事人书面放弃{}",
                ymd(notified),
                ymd(decided),
                counted.value,
                unscheduled_note(&counted.unscheduled_years)
            ),
            docs,
        )]
    },
};

#[cfg(test)]
mod notice_tests {
    use super::*;
    use crate::domain::{CaseOrigin, Decision, parse_iso_date};
    use crate::rules::{RuleContext, RuleSettings};

    fn run(case: &Case) -> Vec<Finding> {
        let cal = crate::import::bundled_calendar().expect("calendar");
        let settings = RuleSettings::default();
        NOTICE_BEFORE_DECISION.run(
            case,
            &RuleContext {
                calendar: &cal,
                settings: &settings,
                registry: &[],
            },
        )
    }

    fn case(notified: &str, decided: &str, hearing_offered: bool) -> Case {
        let mut case = Case::new("X", CaseKind::Penalty, CaseOrigin::Package);
        case.procedure = Some(Procedure::General);
        case.decision = Some(Decision {
            hearing_offered: Some(hearing_offered),
            ..Decision::default()
        });
        case.dates
            .insert(DateKey::NoticeServed, parse_iso_date(notified).expect("date"));
        case.dates
            .insert(DateKey::Decision, parse_iso_date(decided).expect("date"));
        case
    }

    #[test]
    fn the_decision_waits_out_five_working_days_when_a_hearing_was_offered() {
        // 2024-04-30 + 5 working days = 05-10 (05-01..05 off); the decision may come on 05-11
        // (a make-up Saturday), the 6th working day.
        assert!(run(&case("2024-04-30", "2024-05-11", true)).is_empty());
        let early = run(&case("2024-04-30", "2024-05-10", true));
        assert!(
            early[0]
                .message
                .contains("为第5个工作日，未等满5个工作日的陈述申辩和要求听证期限"),
            "{early:?}"
        );
        // Without a hearing: three working days.
        assert!(run(&case("2024-04-30", "2024-05-09", false)).is_empty());
        assert!(!run(&case("2024-04-30", "2024-05-08", false)).is_empty());
        // Waived in writing.
        let mut waived = case("2024-04-30", "2024-05-06", true);
        if let Some(d) = &mut waived.decision {
            d.hearing_waived = Some(true);
        }
        assert!(run(&waived).is_empty());
        assert_eq!(run(&case("2024-05-06", "2024-05-06", true))[0].severity, Severity::Veto);
    }
}

#[cfg(test)]
mod regime_tests {
    use super::*;
    use crate::domain::{CaseOrigin, Document, parse_iso_date};
    use crate::rules::{RuleContext, RuleSettings};

    fn case_filed(filed: &str, interview: &str) -> Case {
        let mut case = Case::new("X", CaseKind::Penalty, CaseOrigin::Package);
        case.procedure = Some(Procedure::General);
        for (t, d) in [("立案审批表", filed), ("询问笔录", interview)] {
            case.documents.push(Document {
                doc_type: t.into(),
                date: parse_iso_date(d),
                ..Document::default()
            });
        }
        case
    }

    fn run(case: &Case, settings: &RuleSettings) -> Vec<Finding> {
        let cal = crate::domain::WorkingCalendar::default();
        FILING_TIMELY.run(
            case,
            &RuleContext {
                calendar: &cal,
                settings,
                registry: &[],
            },
        )
    }

    #[test]
    fn the_departmental_regime_follows_the_case_date() {
        let settings = RuleSettings::default();
        // 2026-01-31 and before: 原安监总局令第15号, confirmed.
        let old = run(&case_filed("2026-01-20", "2026-01-10"), &settings);
        assert_eq!(old.len(), 1);
        assert_eq!(old[0].basis, "行政处罚法第五十四条；原安监总局令第15号第二十三条");
        assert!(!old[0].message.contains("尚未核实"), "{}", old[0].message);
        // From 2026-02-01: 应急管理部令第18号, values unconfirmed and said so.
        let new = run(&case_filed("2026-02-20", "2026-02-10"), &settings);
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].basis, "行政处罚法第五十四条；应急管理部令第18号");
        assert!(
            new[0].message.contains("依应急管理部令第18号；该令条文尚未核实"),
            "{}",
            new[0].message
        );
        // Once the 18号令's figure is known, it is a setting: the newer case changes, the older not.
        let mut settings = RuleSettings::default();
        settings.regimes[1].filing_grace_days = 15;
        settings.regimes[1].confirmed = true;
        assert!(run(&case_filed("2026-02-20", "2026-02-10"), &settings).is_empty());
        assert_eq!(run(&case_filed("2026-01-20", "2026-01-10"), &settings).len(), 1);
    }
}
