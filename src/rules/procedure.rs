//! The order of the procedure: 立案 before investigating, 听证 notice and order, 法制审核 and
//! 集体讨论 where required and in their place in the chain.

use super::{Finding, Rule, Severity, positions, unscheduled_note, ymd};
use crate::domain::{Case, CaseKind, CodeEnum, DateKey, PartyKind, PenaltyKind, Period, Procedure, ReviewOpinion};

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
        let grace = regime.filing_grace_days;
        let end = ctx.calendar.period_end(first, Period::days(grace), true);
        if !end.is_late(filed) {
            return Vec::new();
        }
        vec![
            Finding::new(
                Severity::Deduction,
                format!(
                    "第{}份文书《{}》{} 已开展调查，补办立案期限{grace}日，{}；立案 {}，逾期{}日",
                    index + 1,
                    case.documents[index].doc_type,
                    ymd(first),
                    end.explain(),
                    ymd(filed),
                    end.days_late(filed)
                ),
                vec![index],
            )
            .with_basis(&format!("行政处罚法第五十四条；{}", filing_article(&regime.name)))
            .unconfirmed_unless(regime.confirmed, regime.figure("补办立案期限")),
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
        let docs = positions(case, &["听证申请书", "听证会通知书", "听证笔录"]);
        let Some(hearing) = case.effective_date(DateKey::Hearing) else {
            let withdrawn = case.decision.as_ref().and_then(|d| d.hearing_waived) == Some(true)
                || case.documents.iter().any(|d| d.doc_type == "撤回听证申请书");
            if withdrawn {
                return Vec::new();
            }
            // 第六十三条: 当事人要求听证的，行政机关应当组织听证 — a decision without it is barred.
            let decided = case
                .effective_date(DateKey::Decision)
                .map(|d| format!("即于 {} 作出决定", ymd(d)))
                .unwrap_or_default();
            return vec![Finding::new(
                Severity::Veto,
                format!("当事人申请了听证，卷内未见听证笔录，也未见撤回听证申请{decided}；行政处罚法第六十三条：当事人要求听证的，行政机关应当组织听证"),
                docs,
            )
            .with_basis("行政处罚法第六十三条、第六十四条")];
        };
        let mut findings = Vec::new();
        if let Some(notified) = case.effective_date(DateKey::HearingNoticeServed) {
            // "在举行听证的七日前" (counted in working days, 第八十五条): the hearing falls on the
            // seventh working day after the notice at the earliest.
            let limit = ctx.settings.hearing_notice_working_days;
            let earliest = ctx.calendar.period_end(notified, Period::working_days(limit), false);
            let counted = ctx.calendar.working_days_after(notified, hearing);
            if hearing < earliest.last_day {
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

/// Why a decision needs 法制审核 (行政处罚法第五十八条), and on what the reason rests.
enum ReviewNeed {
    /// The statute or the case's own 目录 flag: a decision without it is barred.
    Statutory(String),
    /// The project's local 目录 figures.
    Local(String),
    /// Not stated and no 目录 configured.
    Unknown,
    /// Not needed.
    No,
}

/// The heavy penalties a 目录 or a 集体讨论 scope commonly lists.
fn has_heavy_penalty(case: &Case) -> bool {
    case.decision.as_ref().is_some_and(|d| {
        d.penalties.iter().any(|p| {
            matches!(
                p.kind,
                PenaltyKind::Suspension | PenaltyKind::Revocation | PenaltyKind::Closure
            )
        })
    })
}

/// Whether the fine reaches a threshold for the party's kind; unknown kind: the individual
/// figure (the lower one, which favours the party's procedural rights).
fn fine_reaches(case: &Case, individual_yuan: f64, organization_yuan: f64) -> bool {
    let Some(decision) = &case.decision else { return false };
    let limit = match case.party.as_ref().and_then(|p| p.kind) {
        Some(PartyKind::Organization) => organization_yuan,
        _ => individual_yuan,
    };
    decision.fine_total_yuan() > 0.0 && decision.fine_total_yuan() >= limit
}

fn review_need(case: &Case, settings: &super::RuleSettings) -> ReviewNeed {
    let Some(decision) = &case.decision else {
        return ReviewNeed::No;
    };
    if decision.penalties.is_empty() {
        return ReviewNeed::No;
    }
    if decision.major == Some(true) {
        return ReviewNeed::Statutory("本案列入重大执法决定法制审核目录".into());
    }
    if let Some(held) = case.effective_date(DateKey::Hearing) {
        return ReviewNeed::Statutory(format!(
            "本案经过听证程序（{} 举行听证，第五十八条第一款第（二）项）",
            ymd(held)
        ));
    }
    if settings.major_catalog_configured {
        let by_fine = fine_reaches(
            case,
            settings.major_fine_individual_yuan,
            settings.major_fine_organization_yuan,
        );
        let by_kind = settings.major_heavy_penalties && has_heavy_penalty(case);
        if by_fine || by_kind {
            return ReviewNeed::Local("按本地重大执法决定法制审核目录本案属重大执法决定".into());
        }
        return ReviewNeed::No;
    }
    if decision.major.is_none() {
        ReviewNeed::Unknown
    } else {
        ReviewNeed::No
    }
}

fn reviewed(case: &Case) -> Option<chrono::NaiveDate> {
    case.effective_date(DateKey::LegalReview)
}

/// A 重大执法决定 has a 法制审核 on file: a 否决 where the statute (听证) or the case's own 目录
/// flag requires it; a deduction where only the local 目录 amounts do; a notice where the
/// 目录 is not configured.
pub const LEGAL_REVIEW_REQUIRED: Rule = Rule {
    id: "legal_review_required",
    name: "重大执法决定法制审核",
    basis: "行政处罚法第五十八条",
    check: |case, ctx| {
        if !general_penalty(case) || reviewed(case).is_some() || case.legal_review.is_some() {
            return Vec::new();
        }
        match review_need(case, ctx.settings) {
            ReviewNeed::Statutory(why) => vec![Finding::new(
                Severity::Veto,
                format!("{why}，卷内未见法制审核意见；行政处罚法第五十八条：未经法制审核的，不得作出决定"),
                Vec::new(),
            )],
            ReviewNeed::Local(why) => vec![
                Finding::new(Severity::Deduction, format!("{why}，卷内未见法制审核意见"), Vec::new())
                    .with_basis("行政处罚法第五十八条；国办发〔2018〕118号")
                    .local("重大执法决定法制审核目录"),
            ],
            ReviewNeed::Unknown => vec![Finding::new(
                Severity::Notice,
                "案卷未载明是否属重大执法决定，本地目录未配置，无法按金额判断是否须法制审核，请人工核对".into(),
                Vec::new(),
            )],
            ReviewNeed::No => Vec::new(),
        }
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
                        format!("法制审核 {} 早于{} {}", ymd(review), CodeEnum::label(key), ymd(other)),
                    );
                }
                if !after && review > other {
                    push(
                        Severity::Deduction,
                        format!("法制审核 {} 晚于{} {}", ymd(review), CodeEnum::label(key), ymd(other)),
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
            if lr.qualified == Some(false) {
                let who = lr.reviewer.as_deref().unwrap_or("法制审核人员");
                findings.push(
                    Finding::new(
                        Severity::Notice,
                        format!("{who} 未取得法律职业资格；第五十八条第二款要求初次从事法制审核的人员取得，请核对其是否初次从事"),
                        docs.clone(),
                    )
                    .with_basis("行政处罚法第五十八条第二款"),
                );
            }
            let mut push = |severity, message: String| findings.push(Finding::new(severity, message, docs.clone()));
            if let Some(opinion) = lr.opinion
                && opinion != ReviewOpinion::Agree
            {
                push(
                    Severity::Deduction,
                    format!(
                        "法制审核意见为“{}”，卷内未见修改后再次审核同意",
                        CodeEnum::label(opinion)
                    ),
                );
            }
        }
        findings
    },
};

/// 情节复杂或者重大违法 (行政处罚法第五十七条第二款): 集体讨论 present and before the decision.
/// The case's own flag decides; without it, the project's 集体讨论 scope (a local setting);
/// with neither, a notice.
pub const COLLECTIVE_DISCUSSION: Rule = Rule {
    id: "collective_discussion",
    name: "负责人集体讨论",
    basis: "行政处罚法第五十七条",
    check: |case, ctx| {
        if !general_penalty(case) {
            return Vec::new();
        }
        let Some(decision) = &case.decision else {
            return Vec::new();
        };
        let discussed = case.effective_date(DateKey::CollectiveDiscussion);
        let docs = positions(case, &["集体讨论记录"]);
        if let Some(day) = discussed {
            return match case.effective_date(DateKey::Decision) {
                Some(decided) if day > decided => vec![Finding::new(
                    Severity::Deduction,
                    format!("集体讨论 {} 晚于决定 {}", ymd(day), ymd(decided)),
                    docs,
                )],
                _ => Vec::new(),
            };
        }
        if case.collective_discussion.is_some() || decision.penalties.is_empty() {
            return Vec::new();
        }
        let s = ctx.settings;
        match decision.collective_discussion_required {
            Some(true) => vec![Finding::new(
                Severity::Veto,
                "案卷载明本案情节复杂或属重大违法行为，卷内未见负责人集体讨论记录；行政处罚法第五十七条第二款：应当集体讨论决定".into(),
                docs,
            )],
            Some(false) => Vec::new(),
            None if s.collective_scope_configured => {
                let in_scope = fine_reaches(case, s.collective_fine_individual_yuan, s.collective_fine_organization_yuan)
                    || (s.collective_heavy_penalties && has_heavy_penalty(case));
                if in_scope {
                    vec![
                        Finding::new(
                            Severity::Deduction,
                            "按本地集体讨论范围本案应经负责人集体讨论，卷内未见集体讨论记录".into(),
                            docs,
                        )
                        .local("集体讨论范围"),
                    ]
                } else {
                    Vec::new()
                }
            }
            None => vec![Finding::new(
                Severity::Notice,
                "案卷未载明是否属情节复杂或重大违法行为，本地集体讨论范围未配置，卷内未见集体讨论记录，请人工核对".into(),
                docs,
            )],
        }
    },
};

/// The hearing right (行政处罚法第六十三条): a penalty in the hearing scope is decided only
/// after the party was told of the right. 较大数额 is the province's figure (default 原安监总局令
/// 第15号: 个人2万元、单位5万元，以上含本数), unconfirmed until entered.
pub const HEARING_RIGHT_NOTICE: Rule = Rule {
    id: "hearing_right_notice",
    name: "告知听证权利",
    basis: "行政处罚法第六十三条",
    check: |case, ctx| {
        if !general_penalty(case) {
            return Vec::new();
        }
        let Some(decision) = &case.decision else {
            return Vec::new();
        };
        let decided = case.effective_date(DateKey::Decision);
        let new_law = decided.is_none_or(|d| d >= super::law_2021_in_force());
        let basis = if new_law {
            "行政处罚法第六十三条"
        } else {
            "行政处罚法（2017）第四十二条"
        };
        // Kinds the statute itself lists (2017: 责令停产停业、吊销许可证或者执照).
        let statutory: Vec<&str> = decision
            .penalties
            .iter()
            .filter(|p| match p.kind {
                PenaltyKind::Suspension | PenaltyKind::Revocation | PenaltyKind::Closure => true,
                PenaltyKind::Restriction => new_law,
                _ => false,
            })
            .map(|p| CodeEnum::label(p.kind))
            .collect();
        let s = ctx.settings;
        let large = |amount: f64| match case.party.as_ref().and_then(|p| p.kind) {
            Some(PartyKind::Individual) => amount >= s.hearing_fine_individual_yuan,
            Some(PartyKind::Organization) => amount >= s.hearing_fine_organization_yuan,
            // Unknown kind: large only if it is large for an organisation too (certain either way).
            None => amount >= s.hearing_fine_organization_yuan,
        };
        let confiscated: f64 = decision
            .penalties
            .iter()
            .filter(|p| p.kind == PenaltyKind::Confiscation)
            .filter_map(|p| p.amount_yuan)
            .sum();
        let mut by_amount = Vec::new();
        if decision.fine_total_yuan() > 0.0 && large(decision.fine_total_yuan()) {
            by_amount.push(format!("罚款 {:.0} 元属较大数额", decision.fine_total_yuan()));
        }
        if confiscated > 0.0 && large(confiscated) {
            by_amount.push(format!("没收 {confiscated:.0} 元属较大数额"));
        }
        if statutory.is_empty() && by_amount.is_empty() {
            return Vec::new();
        }
        let mut reasons: Vec<String> = statutory.iter().map(|k| format!("处罚含{k}")).collect();
        reasons.extend(by_amount.iter().cloned());
        let reasons = reasons.join("、");
        let docs = positions(case, &["行政处罚告知书", "听证告知书", "行政处罚决定书"]);
        match decision.hearing_offered {
            Some(true) => Vec::new(),
            None => vec![
                Finding::new(
                    Severity::Notice,
                    format!("{reasons}，在听证范围内；案卷未载明是否告知听证权"),
                    docs,
                )
                .with_basis(basis),
            ],
            Some(false) => {
                // 暂扣或者吊销许可证件 is one code: 吊销 is listed, 暂扣 is not. Read as in scope
                // (favouring the party), but only the listed kinds make it certain: a veto.
                let certain = statutory.iter().any(|k| *k != CodeEnum::label(PenaltyKind::Revocation));
                let (severity, note) = if certain || statutory.is_empty() {
                    (Severity::Veto, "")
                } else {
                    (
                        Severity::Deduction,
                        "（“暂扣或者吊销许可证件”：吊销属第六十三条所列，暂扣法无明文，从有利于当事人的理解按在听证范围内计，作扣分提示）",
                    )
                };
                let finding = Finding::new(
                    severity,
                    format!("{reasons}，在听证范围内，未告知当事人有要求听证的权利；{basis}：应当告知{note}"),
                    docs,
                )
                .with_basis(basis);
                let finding = if statutory.is_empty() {
                    // Only the amount puts it in scope: it rests on the 较大数额 figure.
                    finding.unconfirmed_unless(
                        s.hearing_fine_confirmed,
                        "原安监总局令第15号听证较大数额（个人2万元、单位5万元）",
                    )
                } else {
                    finding
                };
                vec![finding]
            }
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
            f[0].message.contains(
                "第2份文书《询问笔录》2024-03-02 已开展调查，补办立案期限5日，第5日为 2024-03-07；立案 2024-03-08，逾期1日"
            ),
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
        // 第六十三条: 当事人要求听证的，行政机关应当组织听证 — deciding without it is barred.
        let f = run(&HEARING_PROCEDURE, &case);
        assert!(f[0].message.contains("未见听证笔录"));
        assert_eq!(f[0].severity, Severity::Veto);
        // The request withdrawn in writing: no finding.
        case.documents.push(Document {
            doc_type: "撤回听证申请书".into(),
            date: Some(d("2024-09-23")),
            ..Document::default()
        });
        assert!(run(&HEARING_PROCEDURE, &case).is_empty());
    }

    #[test]
    fn major_decisions_need_legal_review_by_flag_hearing_or_local_catalogue() {
        // 行政处罚法第五十八条: 未经法制审核的，不得作出决定 — the case's own 目录 flag.
        assert_eq!(
            run(&LEGAL_REVIEW_REQUIRED, &general(1000.0, Some(true)))[0].severity,
            Severity::Veto
        );
        assert!(
            run(&LEGAL_REVIEW_REQUIRED, &general(80_000.0, Some(false))).is_empty(),
            "the flag decides when no hearing was held"
        );
        // 第五十八条第一款第（二）项: 经过听证程序 — statutory even against the flag.
        let mut heard = general(30_000.0, Some(false));
        heard.dates.insert(DateKey::Hearing, d("2024-03-10"));
        let f = run(&LEGAL_REVIEW_REQUIRED, &heard);
        assert_eq!(f[0].severity, Severity::Veto, "{f:?}");
        assert!(f[0].message.contains("第五十八条第一款第（二）项"), "{f:?}");
        // No flag, no 目录 configured: amounts alone give a notice.
        let f = run(&LEGAL_REVIEW_REQUIRED, &general(50_000.0, None));
        assert_eq!(f[0].severity, Severity::Notice);
        assert!(f[0].message.contains("本地目录未配置"), "{f:?}");
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
        // 第五十七条第二款 has its own scope: the 法制审核 flag does not imply it.
        assert_eq!(
            run(&COLLECTIVE_DISCUSSION, &case)[0].severity,
            Severity::Notice,
            "no flag, no scope configured"
        );
        if let Some(decision) = &mut case.decision {
            decision.collective_discussion_required = Some(true);
        }
        assert_eq!(
            run(&COLLECTIVE_DISCUSSION, &case)[0].severity,
            Severity::Veto,
            "the case states it is 情节复杂或者重大违法"
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
        let mut small = general(1000.0, None);
        if let Some(decision) = &mut small.decision {
            decision.collective_discussion_required = Some(false);
        }
        assert!(run(&COLLECTIVE_DISCUSSION, &small).is_empty());
    }
}

/// A 行政处罚告知书 was served before the decision, and the decision waited out the
/// 陈述申辩 / 听证申请 window unless the party waived it in writing. No 告知 at all is a 否决:
/// 第六十二条 bars the decision.
pub const NOTICE_BEFORE_DECISION: Rule = Rule {
    id: "notice_before_decision",
    name: "事先告知与陈述申辩期",
    basis: "行政处罚法第四十四条、第四十五条、第六十二条、第六十四条、第八十五条",
    check: |case, ctx| {
        if !general_penalty(case) {
            return Vec::new();
        }
        let Some(decided) = case.effective_date(DateKey::Decision) else {
            return Vec::new();
        };
        let decision = case.decision.as_ref();
        let penalised = decision.is_some_and(|d| !d.penalties.is_empty());
        let docs = positions(case, &["行政处罚告知书", "行政处罚决定书"]);
        let Some(notified) = case.effective_date(DateKey::NoticeServed) else {
            if !penalised {
                return Vec::new();
            }
            // A ledger row or a folder of scans does not list its documents: only a notice.
            if case.origin != crate::domain::CaseOrigin::Package {
                return vec![Finding::new(
                    Severity::Notice,
                    "未见告知日期，请核对卷内是否有行政处罚告知书".into(),
                    docs,
                )];
            }
            return vec![
                Finding::new(
                    Severity::Veto,
                    "卷内无告知书，未见事先告知；行政处罚法第六十二条：不得作出行政处罚决定".into(),
                    docs,
                )
                .with_basis("行政处罚法第四十四条、第六十二条"),
            ];
        };
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
        if decision.and_then(|d| d.hearing_waived) == Some(true) {
            return Vec::new();
        }
        let hearing = decision.and_then(|d| d.hearing_offered) == Some(true);
        let regime = ctx.settings.regime_for(Some(notified));
        let by_law = hearing && decided >= super::law_2021_in_force();
        let window = if by_law {
            ctx.settings.hearing_request_working_days
        } else {
            regime.statement_working_days
        };
        // The window must have ended before the act: early only when the decision falls on or
        // before its last day (a Saturday after a window ending on Friday is in time).
        // 第八十五条 makes the statute's own 日 working days; the 规章's "3日" is counted in
        // working days too unless the setting says otherwise (the reading that favours the party).
        let (period, reading) = if by_law || ctx.settings.statement_window_in_working_days {
            let reading = if by_law {
                ""
            } else {
                "（规章未明定是否为工作日，从有利于当事人的理解按工作日计）"
            };
            (Period::working_days(window), reading)
        } else {
            (Period::days(window), "")
        };
        let end = ctx.calendar.period_end(notified, period, true);
        if end.is_late(decided) {
            return Vec::new();
        }
        let what = if hearing {
            "陈述申辩和要求听证"
        } else {
            "陈述申辩"
        };
        let finding = Finding::new(
            Severity::Deduction,
            format!(
                "告知书送达 {}，{what}期限{window}{}{reading}，{}；决定 {} 未等期满，卷内也未见当事人书面放弃{}",
                ymd(notified),
                period.unit.suffix(),
                end.explain(),
                ymd(decided),
                unscheduled_note(&end.unscheduled_years)
            ),
            docs,
        );
        if by_law {
            vec![finding]
        } else {
            // The 3-day 陈述申辩 window is the 规章's (原安监总局令第15号: 收到告知书之日起3日内),
            // counted here in working days, the reading that favours the party.
            vec![
                finding
                    .with_basis(&format!(
                        "行政处罚法第四十四条、第四十五条；{}（陈述申辩期）",
                        regime.name
                    ))
                    .unconfirmed_unless(regime.confirmed, regime.figure("陈述申辩期")),
            ]
        }
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
                .contains("陈述申辩和要求听证期限5个工作日，第5个工作日为 2024-05-10；决定 2024-05-10 未等期满"),
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
        assert_eq!(
            old[0].basis,
            "行政处罚法第五十四条（法律）；原安监总局令第15号第二十三条（部门规章）"
        );
        assert!(!old[0].message.contains("尚未核实"), "{}", old[0].message);
        // From 2026-02-01: 应急管理部令第18号, values unconfirmed and said so.
        let new = run(&case_filed("2026-02-20", "2026-02-10"), &settings);
        assert_eq!(new.len(), 1);
        assert_eq!(
            new[0].basis,
            "行政处罚法第五十四条（法律）；应急管理部令第18号（部门规章，数值未核实）"
        );
        assert!(
            new[0]
                .message
                .contains("所依应急管理部令第18号规定的补办立案期限尚未核实"),
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
