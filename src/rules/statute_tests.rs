//! Tests written from the statute texts (`../shared/law/`) and DOMAIN.md, not from the sample
//! generator: each names its article and tries both sides of every boundary (the day before,
//! the day, the day after; a holiday; a make-up Saturday).

use chrono::NaiveDate;

use super::deadlines::*;
use super::documents::*;
use super::file::*;
use super::procedure::*;
use super::*;
use crate::domain::{
    ApprovalLevel, CaseKind, CaseOrigin, DateKey, Decision, Document, LegalReview, Party, PartyKind, Penalty,
    PenaltyKind, Procedure, RegisteredOfficer, parse_iso_date,
};

fn d(s: &str) -> NaiveDate {
    parse_iso_date(s).expect("date")
}

fn run_with(rule: &Rule, case: &Case, settings: &RuleSettings, registry: &[RegisteredOfficer]) -> Vec<Finding> {
    let calendar = crate::import::bundled_calendar().expect("bundled calendar");
    rule.run(
        case,
        &RuleContext {
            calendar: &calendar,
            settings,
            registry,
        },
    )
}

fn run(rule: &Rule, case: &Case) -> Vec<Finding> {
    run_with(rule, case, &RuleSettings::default(), &[])
}

fn doc(doc_type: &str, date: &str) -> Document {
    Document {
        doc_type: doc_type.into(),
        date: Some(d(date)),
        ..Document::default()
    }
}

/// A general-procedure penalty case on an organisation, fined `fine` yuan.
fn penalty(fine: f64) -> Case {
    let mut case = Case::new("辽阳应急罚〔2025〕1号", CaseKind::Penalty, CaseOrigin::Package);
    case.procedure = Some(Procedure::General);
    case.party = Some(Party {
        name: "某化工有限公司".into(),
        kind: Some(PartyKind::Organization),
        ..Party::default()
    });
    case.decision = Some(Decision {
        penalties: vec![Penalty {
            kind: PenaltyKind::Fine,
            amount_yuan: Some(fine),
        }],
        served_on_spot: Some(false),
        hearing_offered: Some(true),
        major: Some(false),
        collective_discussion_required: Some(false),
        ..Decision::default()
    });
    case
}

fn set(case: &mut Case, key: DateKey, date: &str) {
    case.dates.insert(key, d(date));
}

fn decision(case: &mut Case) -> &mut Decision {
    case.decision.as_mut().expect("decision")
}

// ── 期间: 民法典第二百零一条、第二百零三条 ──

#[test]
fn payment_15_days_rolled_past_the_national_day_holiday_民法典第二百零三条() {
    // 行政处罚法第六十七条: 收到决定书之日起十五日内. Served 2025-09-16: the 15th day is
    // 2025-10-01, a 法定休假日; the holiday ends 10-08, so the last day is 10-09.
    let mut case = penalty(10_000.0);
    set(&mut case, DateKey::DecisionServed, "2025-09-16");
    set(&mut case, DateKey::Decision, "2025-09-15");
    set(&mut case, DateKey::Paid, "2025-10-09");
    assert!(run(&PAYMENT_DEADLINE, &case).is_empty(), "paid on the rolled last day");
    set(&mut case, DateKey::Paid, "2025-10-10");
    let f = run(&PAYMENT_DEADLINE, &case);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.starts_with(
            "送达 2025-09-16，第15日 2025-10-01 为法定休假日，顺延至 2025-10-09；缴款 2025-10-10，逾期1日"
        ),
        "{f:?}"
    );
    // Not on a holiday: the plain 15th day. 2025-03-03 + 15 = 03-18 (a Tuesday).
    set(&mut case, DateKey::DecisionServed, "2025-03-03");
    set(&mut case, DateKey::Paid, "2025-03-18");
    assert!(run(&PAYMENT_DEADLINE, &case).is_empty(), "the day");
    set(&mut case, DateKey::Paid, "2025-03-19");
    assert_eq!(run(&PAYMENT_DEADLINE, &case).len(), 1, "the day after");
}

#[test]
fn a_last_day_on_a_make_up_saturday_is_not_rolled() {
    // 2025-10-11 is a Saturday made a working day: a 10-day 整改复查 from 10-01 ends on it.
    let mut case = Case::new("X", CaseKind::Inspection, CaseOrigin::Package);
    set(&mut case, DateKey::RectificationDue, "2025-10-01");
    case.documents.push(doc("整改复查意见书", "2025-10-11"));
    assert!(run(&RECTIFICATION_RECHECK, &case).is_empty());
    case.documents[0].date = Some(d("2025-10-13"));
    let f = run(&RECTIFICATION_RECHECK, &case);
    assert!(
        f[0].message.contains("第10日为 2025-10-11；复查 2025-10-13，逾期2日"),
        "{f:?}"
    );
}

#[test]
fn agency_terms_roll_forward_by_default_and_the_setting_turns_it_off() {
    // 办案期限 from 立案 2024-03-01, the 规章's 30 days: the 30th day is Sunday 03-31.
    let mut case = penalty(10_000.0);
    set(&mut case, DateKey::Filed, "2024-03-01");
    set(&mut case, DateKey::Decision, "2024-04-01");
    assert!(run(&DECISION_DEADLINE, &case).is_empty(), "rolled to Monday 04-01");
    let settings = RuleSettings {
        roll_forward_agency_terms: false,
        ..RuleSettings::default()
    };
    let f = run_with(&DECISION_DEADLINE, &case, &settings, &[]);
    assert_eq!(f.len(), 1, "without roll-forward the term ends on 03-31");
    assert_eq!(f[0].severity, Severity::Deduction);
}

#[test]
fn filing_within_five_days_rolled_past_a_weekend_原安监总局令第15号第二十三条() {
    // An interview on Tuesday 2024-03-26: the 5th day is Sunday 03-31, rolled to Monday 04-01.
    let mut case = penalty(10_000.0);
    case.documents.push(doc("询问笔录", "2024-03-26"));
    set(&mut case, DateKey::Filed, "2024-04-01");
    assert!(run(&FILING_TIMELY, &case).is_empty());
    set(&mut case, DateKey::Filed, "2024-04-02");
    let f = run(&FILING_TIMELY, &case);
    assert!(
        f[0].message
            .contains("第5日 2024-03-31 为法定休假日，顺延至 2024-04-01"),
        "{f:?}"
    );
}

// ── 陈述申辩与听证申请期: 行政处罚法第四十五条、第六十四条、第八十五条 ──

#[test]
fn a_decision_on_the_saturday_after_a_window_ending_friday_is_on_time() {
    // 告知 served Friday 2024-03-01, hearing offered: 5 working days end Friday 03-08.
    let mut case = penalty(60_000.0);
    set(&mut case, DateKey::NoticeServed, "2024-03-01");
    set(&mut case, DateKey::Decision, "2024-03-09");
    assert!(
        run(&NOTICE_BEFORE_DECISION, &case).is_empty(),
        "Saturday after the window"
    );
    set(&mut case, DateKey::Decision, "2024-03-08");
    let f = run(&NOTICE_BEFORE_DECISION, &case);
    assert_eq!(f[0].severity, Severity::Deduction, "on the window's last day: early");
    assert!(f[0].message.contains("第5个工作日为 2024-03-08"), "{f:?}");
    set(&mut case, DateKey::Decision, "2024-03-11");
    assert!(run(&NOTICE_BEFORE_DECISION, &case).is_empty(), "the Monday after");
}

#[test]
fn the_statement_window_counts_a_make_up_sunday_as_a_working_day() {
    // No hearing offered: the 规章's 3 days. Served Friday 2025-09-26; Sunday 09-28 is a make-up
    // working day, so the window ends Tuesday 09-30.
    let mut case = penalty(1_000.0);
    decision(&mut case).hearing_offered = Some(false);
    set(&mut case, DateKey::NoticeServed, "2025-09-26");
    set(&mut case, DateKey::Decision, "2025-09-30");
    let f = run(&NOTICE_BEFORE_DECISION, &case);
    assert_eq!(f.len(), 1, "decided on the window's last day");
    assert!(
        f[0].basis.contains("原安监总局令第15号（陈述申辩期）（部门规章）"),
        "{f:?}"
    );
    set(&mut case, DateKey::Decision, "2025-10-09");
    assert!(run(&NOTICE_BEFORE_DECISION, &case).is_empty());
}

// ── 否决: what the statute bars ──

#[test]
fn no_notice_before_a_general_procedure_decision_is_a_veto_行政处罚法第六十二条() {
    let mut case = penalty(10_000.0);
    set(&mut case, DateKey::Decision, "2025-05-20");
    case.documents.push(doc("行政处罚决定书", "2025-05-20"));
    let f = run(&NOTICE_BEFORE_DECISION, &case);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Veto);
    assert_eq!(
        f[0].message,
        "卷内无告知书，未见事先告知；行政处罚法第六十二条：不得作出行政处罚决定"
    );
    assert_eq!(f[0].basis, "行政处罚法第四十四条、第六十二条（法律）");
    // A written waiver of 陈述申辩 does not stand in for the notice itself.
    decision(&mut case).hearing_waived = Some(true);
    assert_eq!(run(&NOTICE_BEFORE_DECISION, &case)[0].severity, Severity::Veto);
    // A ledger row lists no documents: only a notice.
    case.origin = CaseOrigin::Ledger;
    assert_eq!(run(&NOTICE_BEFORE_DECISION, &case)[0].severity, Severity::Notice);
    // 不予处罚 (no penalty): nothing to notify.
    case.origin = CaseOrigin::Package;
    decision(&mut case).penalties.clear();
    assert!(run(&NOTICE_BEFORE_DECISION, &case).is_empty());
}

#[test]
fn a_requested_hearing_never_held_is_a_veto_unless_withdrawn_第六十三条() {
    let mut case = penalty(60_000.0);
    set(&mut case, DateKey::HearingRequested, "2025-05-06");
    set(&mut case, DateKey::Decision, "2025-05-30");
    let f = run(&HEARING_PROCEDURE, &case);
    assert_eq!(f[0].severity, Severity::Veto);
    assert_eq!(f[0].basis, "行政处罚法第六十三条、第六十四条（法律）");
    decision(&mut case).hearing_waived = Some(true);
    assert!(
        run(&HEARING_PROCEDURE, &case).is_empty(),
        "withdrawal on file ([decision].hearing_waived)"
    );
}

#[test]
fn hearing_right_for_large_fines_from_the_figure_inclusive_第六十三条() {
    // Organisation: 5万元以上 (含本数), the 15号令 default, unconfirmed: at most a deduction.
    let mut case = penalty(50_000.0);
    decision(&mut case).hearing_offered = Some(false);
    set(&mut case, DateKey::Decision, "2025-05-30");
    let f = run(&HEARING_RIGHT_NOTICE, &case);
    assert_eq!(f.len(), 1, "50 000 is 以上 (含本数)");
    assert_eq!(f[0].severity, Severity::Deduction, "rests on an unconfirmed figure");
    assert!(f[0].message.contains("尚未核实"), "{f:?}");
    assert!(f[0].basis.starts_with("行政处罚法第六十三条（法律）"), "{f:?}");
    decision(&mut case).penalties[0].amount_yuan = Some(49_999.0);
    assert!(run(&HEARING_RIGHT_NOTICE, &case).is_empty(), "the yuan below");
    // Individuals: 2万元.
    case.party.as_mut().expect("party").kind = Some(PartyKind::Individual);
    decision(&mut case).penalties[0].amount_yuan = Some(19_999.0);
    assert!(run(&HEARING_RIGHT_NOTICE, &case).is_empty());
    decision(&mut case).penalties[0].amount_yuan = Some(20_000.0);
    assert_eq!(run(&HEARING_RIGHT_NOTICE, &case).len(), 1);
    // The province's figure entered and confirmed: the statute bars the decision — a veto.
    let confirmed = RuleSettings {
        hearing_fine_confirmed: true,
        ..RuleSettings::default()
    };
    assert_eq!(
        run_with(&HEARING_RIGHT_NOTICE, &case, &confirmed, &[])[0].severity,
        Severity::Veto
    );
    // Not stated whether the right was told: a notice.
    decision(&mut case).hearing_offered = None;
    let f = run(&HEARING_RIGHT_NOTICE, &case);
    assert_eq!(f[0].severity, Severity::Notice);
    assert!(f[0].message.contains("未载明是否告知听证权"), "{f:?}");
}

#[test]
fn hearing_right_for_the_kinds_the_statute_lists_is_a_veto() {
    // 第六十三条第（四）项: 责令停产停业 — no figure involved.
    let mut case = penalty(1_000.0);
    decision(&mut case).penalties.push(Penalty {
        kind: PenaltyKind::Suspension,
        amount_yuan: None,
    });
    decision(&mut case).hearing_offered = Some(false);
    set(&mut case, DateKey::Decision, "2025-05-30");
    let f = run(&HEARING_RIGHT_NOTICE, &case);
    assert_eq!(f[0].severity, Severity::Veto);
    assert!(f[0].message.contains("处罚含责令停产停业"), "{f:?}");
    // 限制从业 is in the 2021 list only (2017 第四十二条: 责令停产停业、吊销许可证或者执照、较大数额罚款).
    let mut restricted = penalty(1_000.0);
    decision(&mut restricted).penalties = vec![Penalty {
        kind: PenaltyKind::Restriction,
        amount_yuan: None,
    }];
    decision(&mut restricted).hearing_offered = Some(false);
    set(&mut restricted, DateKey::Decision, "2021-07-15");
    assert_eq!(run(&HEARING_RIGHT_NOTICE, &restricted).len(), 1);
    set(&mut restricted, DateKey::Decision, "2021-07-14");
    assert!(run(&HEARING_RIGHT_NOTICE, &restricted).is_empty());
}

// ── 法制审核、集体讨论: 第五十七条、第五十八条 ──

#[test]
fn a_local_catalogue_gives_at_most_a_deduction_and_says_so() {
    let mut case = penalty(80_000.0);
    decision(&mut case).major = None;
    let settings = RuleSettings {
        major_catalog_configured: true,
        ..RuleSettings::default()
    };
    let f = run_with(&LEGAL_REVIEW_REQUIRED, &case, &settings, &[]);
    assert_eq!(f[0].severity, Severity::Deduction);
    assert!(f[0].basis.ends_with("重大执法决定法制审核目录（本地设置）"), "{f:?}");
    assert!(f[0].message.contains("依本地设置"), "{f:?}");
    decision(&mut case).penalties[0].amount_yuan = Some(49_999.0);
    assert!(run_with(&LEGAL_REVIEW_REQUIRED, &case, &settings, &[]).is_empty());
}

#[test]
fn a_reviewer_without_the_legal_qualification_is_a_notice_第五十八条第二款() {
    let mut case = penalty(80_000.0);
    case.legal_review = Some(LegalReview {
        reviewer: Some("周某".into()),
        qualified: Some(false),
        opinion: Some(crate::domain::ReviewOpinion::Agree),
    });
    let f = run(&LEGAL_REVIEW_ORDER, &case);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Notice);
    assert_eq!(f[0].basis, "行政处罚法第五十八条第二款（法律）");
    case.legal_review.as_mut().expect("review").qualified = Some(true);
    assert!(run(&LEGAL_REVIEW_ORDER, &case).is_empty());
}

#[test]
fn collective_discussion_scope_is_its_own_setting_第五十七条第二款() {
    let mut case = penalty(80_000.0);
    decision(&mut case).major = Some(true);
    decision(&mut case).collective_discussion_required = None;
    let scoped = RuleSettings {
        collective_scope_configured: true,
        ..RuleSettings::default()
    };
    let f = run_with(&COLLECTIVE_DISCUSSION, &case, &scoped, &[]);
    assert_eq!(f[0].severity, Severity::Deduction);
    assert!(f[0].basis.contains("集体讨论范围（本地设置）"), "{f:?}");
    decision(&mut case).penalties[0].amount_yuan = Some(49_999.0);
    assert!(run_with(&COLLECTIVE_DISCUSSION, &case, &scoped, &[]).is_empty());
}

// ── 追责时效: 第三十六条 runs to 发现 ──

#[test]
fn limitation_runs_to_the_earliest_discovery_第三十六条() {
    let mut case = penalty(10_000.0);
    set(&mut case, DateKey::Violation, "2022-03-01");
    set(&mut case, DateKey::Inspection, "2024-03-01");
    set(&mut case, DateKey::Filed, "2024-03-10");
    assert!(
        run(&LIMITATION, &case).is_empty(),
        "discovered at the inspection, on the last day"
    );
    set(&mut case, DateKey::Inspection, "2024-03-02");
    let f = run(&LIMITATION, &case);
    assert_eq!(f[0].severity, Severity::Veto);
    assert!(f[0].message.contains("最早发现于检查 2024-03-02"), "{f:?}");
    // A complaint received earlier (案件来源登记表 when the source is 举报/投诉) is the discovery.
    case.source = Some("举报投诉".into());
    case.documents.push(doc("案件来源登记表", "2024-02-20"));
    assert!(run(&LIMITATION, &case).is_empty());
    // … but only for a 举报/投诉 source.
    case.source = Some("现场检查".into());
    assert_eq!(run(&LIMITATION, &case).len(), 1);
}

// ── Bases that fit the document ──

#[test]
fn officer_rules_cite_the_law_of_the_act() {
    let mut case = Case::new("X", CaseKind::Inspection, CaseOrigin::Package);
    let mut record = doc("现场检查记录", "2024-03-01");
    record.officers = Some(vec!["1".into()]);
    case.documents.push(record);
    let mut on_site = doc("现场笔录", "2024-03-01");
    on_site.officers = Some(vec!["1".into()]);
    case.documents.push(on_site);
    let mut order = doc("责令限期整改指令书", "2024-03-01");
    order.officers = Some(vec!["1".into(), "2".into()]);
    case.documents.push(order);
    let f = run(&TWO_OFFICERS, &case);
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0].basis, "安全生产法第六十七条（法律）");
    assert_eq!(f[1].basis, "行政强制法第十八条（法律）");
}

#[test]
fn a_certificate_issued_after_the_act_gives_no_qualification_then() {
    let mut case = penalty(10_000.0);
    let mut interview = doc("询问笔录", "2024-03-01");
    interview.officers = Some(vec!["21101".into()]);
    case.documents.push(interview);
    let registry = [RegisteredOfficer {
        name: "吴某".into(),
        certificate: "21101".into(),
        issued: Some(d("2024-03-02")),
        valid_until: Some(d("2028-12-31")),
        ..RegisteredOfficer::default()
    }];
    let f = run_with(&CERTIFICATE_VALID, &case, &RuleSettings::default(), &registry);
    assert!(
        f[0].message.contains("发证日期为 2024-03-02，其时尚未取得执法资格"),
        "{f:?}"
    );
    assert_eq!(f[0].basis, "行政处罚法第四十二条、第五十五条（法律）");
    case.documents[0].date = Some(d("2024-03-02"));
    assert!(run_with(&CERTIFICATE_VALID, &case, &RuleSettings::default(), &registry).is_empty());
}

#[test]
fn seals_the_statute_requires_and_those_only_the_form_does() {
    let mut case = penalty(10_000.0);
    let mut order = doc("责令限期整改指令书", "2024-03-01");
    order.sealed = Some(false);
    case.documents.push(order);
    assert!(run(&DECISION_SEALED, &case).is_empty(), "never under the 决定书 veto");
    assert_eq!(run(&DOCUMENT_SEALED, &case)[0].severity, Severity::Notice);
    let mut seizure = doc("查封扣押决定书", "2024-03-01");
    seizure.sealed = Some(false);
    case.documents.push(seizure);
    let f = run(&DECISION_SEALED, &case);
    assert_eq!(f[0].basis, "行政强制法第二十四条（法律）");
    // 简易程序: 第五十二条 lets the officers sign the 当场处罚决定书.
    let mut summary = penalty(100.0);
    summary.procedure = Some(Procedure::Summary);
    let mut on_spot = doc("行政处罚决定书", "2024-03-01");
    on_spot.sealed = Some(false);
    summary.documents.push(on_spot);
    assert!(run(&DECISION_SEALED, &summary).is_empty());
}

#[test]
fn signatures_name_who_signs_and_a_witness_may_sign_a_现场笔录() {
    let mut case = Case::new("X", CaseKind::Coercion, CaseOrigin::Package);
    let mut interview = doc("询问笔录", "2024-03-01");
    interview.party_signed = Some(false);
    case.documents.push(interview);
    let mut record = doc("现场笔录", "2024-03-01");
    record.party_signed = Some(false);
    record.note = Some("当事人不在场，邀请见证人李某到场签名".into());
    case.documents.push(record);
    let f = run(&PARTY_SIGNATURE, &case);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].message.contains("无被询问人签名"), "{f:?}");
    assert_eq!(f[0].basis, "原安监总局令第15号第二十五条（部门规章）");
}

#[test]
fn payment_closing_and_archiving_run_in_order() {
    let mut case = penalty(10_000.0);
    set(&mut case, DateKey::Decision, "2024-03-01");
    set(&mut case, DateKey::Paid, "2024-03-20");
    set(&mut case, DateKey::Closed, "2024-03-19");
    set(&mut case, DateKey::Archived, "2024-03-18");
    let f = run(&DATE_CONSISTENCY, &case);
    assert!(
        f.iter()
            .any(|f| f.message.contains("结案 2024-03-19 早于缴款 2024-03-20")),
        "{f:?}"
    );
    assert!(
        f.iter()
            .any(|f| f.message.contains("归档 2024-03-18 早于结案 2024-03-19")),
        "{f:?}"
    );
    set(&mut case, DateKey::Closed, "2024-03-20");
    set(&mut case, DateKey::Archived, "2024-03-20");
    assert!(run(&DATE_CONSISTENCY, &case).is_empty(), "the same day is in order");
}

// ── 查封扣押: 行政强制法第二十五条、第二十七条 ──

fn seizure(released: Option<&str>) -> Case {
    let mut case = Case::new("X", CaseKind::Coercion, CaseOrigin::Package);
    case.documents.push(doc("查封扣押决定书", "2024-03-01"));
    if let Some(date) = released {
        case.documents.push(doc("解除查封扣押决定书", date));
    }
    case
}

#[test]
fn seizure_term_thirty_days_rolled_or_sixty_with_a_timely_extension() {
    // 2024-03-01 + 30 = Sunday 03-31, rolled to Monday 04-01.
    assert!(run(&SEIZURE_TERM, &seizure(Some("2024-04-01"))).is_empty());
    let f = run(&SEIZURE_TERM, &seizure(Some("2024-04-02")));
    assert!(
        f[0].message
            .contains("期限30日，第30日 2024-03-31 为法定休假日，顺延至 2024-04-01；解除决定 2024-04-02，超期1日"),
        "{f:?}"
    );
    assert_eq!(f[0].basis, "行政强制法第二十五条、第二十七条（法律）");
    // An extension decision dated within the first 30 days: 60 days, to 04-30.
    let mut extended = seizure(Some("2024-04-30"));
    extended.documents.push(doc("延长查封扣押期限决定书", "2024-03-25"));
    assert!(run(&SEIZURE_TERM, &extended).is_empty());
    extended.documents[1].date = Some(d("2024-05-06"));
    assert_eq!(run(&SEIZURE_TERM, &extended).len(), 1);
    // An extension made after the term ran out extends nothing.
    let mut late = seizure(Some("2024-04-20"));
    late.documents.push(doc("延长查封扣押期限决定书", "2024-04-02"));
    let f = run(&SEIZURE_TERM, &late);
    assert!(f[0].message.contains("不发生延长效力"), "{f:?}");
}

#[test]
fn a_seizure_still_open_at_closing_is_a_finding() {
    let mut open = seizure(None);
    assert!(run(&SEIZURE_TERM, &open).is_empty(), "not closed yet: nothing to say");
    open.documents.push(doc("结案审批表", "2024-03-20"));
    let f = run(&SEIZURE_TERM, &open);
    assert!(
        f[0].message.contains("结案 2024-03-20 时卷内未见解除或处理决定"),
        "{f:?}"
    );
    let mut decided = seizure(None);
    decided.documents.push(doc("查封扣押处理决定书", "2024-03-15"));
    decided.documents.push(doc("结案审批表", "2024-03-20"));
    assert!(run(&SEIZURE_TERM, &decided).is_empty());
}

// ── Every figure with its source ──

#[test]
fn every_rule_basis_names_its_source_level() {
    for rule in RULES {
        let basis = format_basis(rule.basis, &Reliance::Settled);
        for cite in basis.split('；') {
            assert!(
                [
                    "（法律）",
                    "（部门规章）",
                    "（规范性文件）",
                    "（行政法规）",
                    "（本地设置）"
                ]
                .iter()
                .any(|level| cite.ends_with(level)),
                "{}: {cite}",
                rule.id
            );
        }
    }
    // Nothing falls to 规范性文件 by default: only the 国办发 notice is one.
    for rule in RULES {
        for cite in rule.basis.split('；') {
            if SourceLevel::of_citation(cite) == SourceLevel::NormativeDocument {
                assert!(cite.contains("国办发"), "{}: {cite}", rule.id);
            }
        }
    }
    assert_eq!(SourceLevel::of_citation("行政处罚法第六十条"), SourceLevel::Law);
    assert_eq!(
        SourceLevel::of_citation("原安监总局令第15号第二十三条"),
        SourceLevel::DepartmentalRule
    );
    assert_eq!(
        SourceLevel::of_citation("国办发〔2018〕118号"),
        SourceLevel::NormativeDocument
    );
    assert_eq!(SourceLevel::of_citation("本地重大执法决定目录"), SourceLevel::Local);
}

#[test]
fn a_veto_on_an_unconfirmed_figure_becomes_a_deduction() {
    let rule = Rule {
        id: "probe",
        name: "probe",
        basis: "行政处罚法第六十三条",
        check: |_, _| vec![Finding::new(Severity::Veto, "x".into(), Vec::new()).unconfirmed("某数值")],
    };
    let f = run(&rule, &penalty(1.0));
    assert_eq!(f[0].severity, Severity::Deduction);
    assert_eq!(f[0].basis, "行政处罚法第六十三条（法律）；某数值（规范性文件，未核实）");
}

#[test]
fn settings_show_where_each_figure_comes_from() {
    let settings = RuleSettings::default();
    let payment = settings.source("payment_calendar_days").expect("payment");
    assert_eq!((payment.level, payment.confirmed), (SourceLevel::Law, true));
    let hearing = settings.source("hearing_fine").expect("hearing");
    assert!(!hearing.confirmed, "the province's figure is not entered");
    let changed = RuleSettings {
        payment_calendar_days: 10,
        ..RuleSettings::default()
    };
    assert_eq!(
        changed.source("payment_calendar_days").expect("payment").level,
        SourceLevel::Local
    );
    let _ = ApprovalLevel::Head;
}

// ── Unclear readings: the party's side, said in the message, a setting where it can be ──

#[test]
fn the_regimes_three_days_are_working_days_unless_the_setting_says_calendar_days() {
    // 告知 served Wednesday 2024-03-06, no hearing offered: 3 working days end Monday 03-11.
    let mut case = penalty(1_000.0);
    decision(&mut case).hearing_offered = Some(false);
    set(&mut case, DateKey::NoticeServed, "2024-03-06");
    set(&mut case, DateKey::Decision, "2024-03-11");
    let f = run(&NOTICE_BEFORE_DECISION, &case);
    assert!(f[0].message.contains("从有利于当事人的理解按工作日计"), "{f:?}");
    // As calendar days the 3rd day is Saturday 03-09, rolled to Monday 03-11: still early.
    let calendar_days = RuleSettings {
        statement_window_in_working_days: false,
        ..RuleSettings::default()
    };
    assert_eq!(run_with(&NOTICE_BEFORE_DECISION, &case, &calendar_days, &[]).len(), 1);
    set(&mut case, DateKey::Decision, "2024-03-12");
    assert!(run(&NOTICE_BEFORE_DECISION, &case).is_empty());
    assert!(run_with(&NOTICE_BEFORE_DECISION, &case, &calendar_days, &[]).is_empty());
    set(&mut case, DateKey::NoticeServed, "2024-03-04");
    set(&mut case, DateKey::Decision, "2024-03-07");
    assert_eq!(
        run(&NOTICE_BEFORE_DECISION, &case).len(),
        1,
        "03-07 is the 3rd working day"
    );
    let f = run_with(&NOTICE_BEFORE_DECISION, &case, &calendar_days, &[]);
    assert!(f[0].message.contains("陈述申辩期限3日，第3日为 2024-03-07"), "{f:?}");
}

#[test]
fn a_revocation_code_alone_is_read_in_scope_but_only_as_a_deduction() {
    let mut case = penalty(1_000.0);
    decision(&mut case).penalties = vec![Penalty {
        kind: PenaltyKind::Revocation,
        amount_yuan: None,
    }];
    decision(&mut case).hearing_offered = Some(false);
    set(&mut case, DateKey::Decision, "2025-05-30");
    let f = run(&HEARING_RIGHT_NOTICE, &case);
    assert_eq!(f[0].severity, Severity::Deduction);
    assert!(f[0].message.contains("暂扣法无明文"), "{f:?}");
}

#[test]
fn an_extension_approval_that_does_not_say_who_approved_counts_as_the_heads() {
    let mut case = penalty(10_000.0);
    set(&mut case, DateKey::Filed, "2024-03-01");
    set(&mut case, DateKey::Decision, "2024-06-10");
    case.documents.push(doc("延长办案期限审批表", "2024-03-20"));
    let f = run(&DECISION_DEADLINE, &case);
    assert!(f[0].message.contains("审批表未载明审批层级"), "{f:?}");
    assert!(f[0].message.contains("办案期限90日"), "{f:?}");
}

// ── 三项制度 in the campaign report: 国办发〔2018〕118号, 行政处罚法第五十八条 ──

fn systems(case: &Case) -> Vec<(ThreeSystem, bool)> {
    let calendar = crate::import::bundled_calendar().expect("bundled calendar");
    let settings = RuleSettings::default();
    let findings = check_case(
        case,
        &RuleContext {
            calendar: &calendar,
            settings: &settings,
            registry: &[],
        },
    );
    three_systems(case, &findings, &settings)
}

fn row(case: &Case, system: ThreeSystem) -> Option<bool> {
    systems(case)
        .into_iter()
        .find(|(s, _)| *s == system)
        .map(|(_, met)| met)
}

#[test]
fn publication_is_met_only_by_a_record_within_the_limit_国办发2018第118号() {
    // 行政执法公示: a penalty decision is published within 7 working days (the default, a
    // local setting). Decided Monday 2025-03-03: the 7th working day is 2025-03-12.
    let mut case = penalty(10_000.0);
    set(&mut case, DateKey::Decision, "2025-03-03");
    // No 公示 record: not met (it counted as met before).
    assert_eq!(row(&case, ThreeSystem::Publication), Some(false));
    set(&mut case, DateKey::Published, "2025-03-12");
    assert_eq!(row(&case, ThreeSystem::Publication), Some(true), "the 7th working day");
    set(&mut case, DateKey::Published, "2025-03-13");
    assert_eq!(row(&case, ThreeSystem::Publication), Some(false), "the 8th");
    // An inspection has no penalty decision to publish: not counted at all.
    let inspection = Case::new("辽阳应急检〔2025〕1号", CaseKind::Inspection, CaseOrigin::Package);
    assert_eq!(row(&inspection, ThreeSystem::Publication), None);
}

#[test]
fn recording_counts_the_cases_whose_stages_must_be_recorded_国办发2018第118号() {
    // The denominator is the cases in which a stage the settings require to be recorded
    // happened (default: 查封扣押), not every case that happens to carry a recording.
    let mut filmed_inspection = penalty(5_000.0);
    filmed_inspection.recordings.push(crate::domain::Recording {
        stage: "现场检查".into(),
        date: Some(d("2025-03-01")),
        file: None,
        duration_seconds: Some(600),
    });
    assert_eq!(row(&filmed_inspection, ThreeSystem::Recording), None);
    let mut seizure = Case::new("辽阳应急强〔2025〕1号", CaseKind::Coercion, CaseOrigin::Package);
    seizure.documents.push(doc("查封扣押决定书", "2025-03-01"));
    assert_eq!(
        row(&seizure, ThreeSystem::Recording),
        Some(false),
        "seized, not recorded"
    );
    seizure.recordings.push(crate::domain::Recording {
        stage: "查封扣押".into(),
        date: Some(d("2025-03-01")),
        file: None,
        duration_seconds: Some(900),
    });
    assert_eq!(row(&seizure, ThreeSystem::Recording), Some(true));
    // A coercion case without the seizure document has no stage due.
    let other = Case::new("辽阳应急强〔2025〕2号", CaseKind::Coercion, CaseOrigin::Package);
    assert_eq!(row(&other, ThreeSystem::Recording), None);
}

#[test]
fn legal_review_concerns_major_decisions_and_is_met_by_a_review_行政处罚法第五十八条() {
    let mut case = penalty(10_000.0);
    set(&mut case, DateKey::Decision, "2025-03-03");
    assert_eq!(row(&case, ThreeSystem::LegalReview), None, "not a major decision");
    decision(&mut case).major = Some(true);
    assert_eq!(row(&case, ThreeSystem::LegalReview), Some(false), "major, not reviewed");
    case.legal_review = Some(LegalReview {
        reviewer: Some("法制科王某".into()),
        qualified: Some(true),
        opinion: None,
    });
    set(&mut case, DateKey::LegalReview, "2025-02-27");
    assert_eq!(
        row(&case, ThreeSystem::LegalReview),
        Some(true),
        "reviewed before the decision"
    );
}
