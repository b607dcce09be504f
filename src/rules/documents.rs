//! Checks on the documents themselves: two officers, valid certificates, seals, signatures.
//! A fact a package does not state is unknown: a notice at most.

use super::{Finding, Rule, RuleContext, Severity, of_types, ymd};
use crate::domain::DateKey;

/// On-site and investigative documents that need two officers (行政处罚法第四十二条、第五十五条).
const TWO_OFFICER_TYPES: [&str; 7] = [
    "现场检查记录",
    "询问笔录",
    "勘验笔录",
    "抽样取证凭证",
    "先行登记保存证据通知书",
    "查封扣押决定书",
    "整改复查意见书",
];

/// Documents issued to the party, which carry the agency's seal.
const SEALED_TYPES: [&str; 9] = [
    "行政处罚决定书",
    "行政处罚告知书",
    "听证告知书",
    "听证会通知书",
    "责令限期整改指令书",
    "现场处理措施决定书",
    "查封扣押决定书",
    "先行登记保存证据通知书",
    "催告书",
];

/// 笔录 and 检查记录, which the party signs (or the refusal is noted).
const SIGNED_TYPES: [&str; 5] = ["现场检查记录", "询问笔录", "勘验笔录", "陈述申辩笔录", "听证笔录"];

/// One notice for the documents that do not state a fact (`第3份、第5份文书未注明…`): an
/// unknown is never a deduction.
fn unknown_notice(positions: Vec<usize>, what: &str) -> Option<Finding> {
    if positions.is_empty() {
        return None;
    }
    let list = positions
        .iter()
        .map(|i| format!("第{}份", i + 1))
        .collect::<Vec<_>>()
        .join("、");
    Some(Finding::new(Severity::Notice, format!("{list}{what}"), positions))
}

/// Each on-site or investigative document carries two distinct officers' certificates.
pub const TWO_OFFICERS: Rule = Rule {
    id: "two_officers",
    name: "执法人员不少于两人",
    basis: "行政处罚法第四十二条、第五十五条",
    check: |case, _| {
        let mut findings = Vec::new();
        let mut unknown = Vec::new();
        for (i, doc) in of_types(case, &TWO_OFFICER_TYPES) {
            match &doc.officers {
                None => unknown.push(i),
                Some(certs) => {
                    let distinct: std::collections::BTreeSet<&str> =
                        certs.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
                    if distinct.len() < 2 {
                        findings.push(Finding::new(
                            Severity::Deduction,
                            format!(
                                "第{}份文书《{}》仅有{}名执法人员的执法证号",
                                i + 1,
                                doc.doc_type,
                                distinct.len()
                            ),
                            vec![i],
                        ));
                    }
                }
            }
        }
        findings.extend(unknown_notice(unknown, "文书未注明执法人员，请人工核对是否两人执法"));
        findings
    },
};

/// Every certificate on a document is known and valid on the document's date.
pub const CERTIFICATE_VALID: Rule = Rule {
    id: "certificate_valid",
    name: "执法证件有效",
    basis: "行政处罚法第四十二条",
    check: |case, ctx: &RuleContext<'_>| {
        let mut findings = Vec::new();
        for (i, doc) in case.documents.iter().enumerate() {
            let Some(certs) = &doc.officers else { continue };
            for cert in certs.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
                let in_case = case.officers.iter().find(|o| o.certificate == cert);
                let in_registry = ctx.registry.iter().find(|o| o.certificate == cert);
                if in_case.is_none() && in_registry.is_none() {
                    findings.push(Finding::new(
                        Severity::Deduction,
                        format!(
                            "第{}份文书《{}》的执法证号 {cert} 不在本案执法人员或执法人员名册中",
                            i + 1,
                            doc.doc_type
                        ),
                        vec![i],
                    ));
                    continue;
                }
                let valid_until = in_case
                    .and_then(|o| o.certificate_valid_until)
                    .or(in_registry.and_then(|o| o.valid_until));
                if let (Some(until), Some(date)) = (valid_until, doc.date.or(case.effective_date(DateKey::Decision)))
                    && date > until
                {
                    findings.push(Finding::new(
                        Severity::Deduction,
                        format!(
                            "第{}份文书《{}》日期 {}，执法证号 {cert} 的有效期至 {}，已过期",
                            i + 1,
                            doc.doc_type,
                            ymd(date),
                            ymd(until)
                        ),
                        vec![i],
                    ));
                }
            }
        }
        findings
    },
};

/// Documents issued to the party are sealed.
pub const DECISION_SEALED: Rule = Rule {
    id: "decision_sealed",
    name: "对外文书加盖印章",
    basis: "行政处罚法第五十九条",
    check: |case, _| {
        let mut findings = Vec::new();
        let mut unknown = Vec::new();
        for (i, doc) in of_types(case, &SEALED_TYPES) {
            match doc.sealed {
                Some(true) => {}
                Some(false) => findings.push(Finding::new(
                    Severity::Deduction,
                    format!("第{}份文书《{}》未加盖执法机关印章", i + 1, doc.doc_type),
                    vec![i],
                )),
                None => unknown.push(i),
            }
        }
        findings.extend(unknown_notice(unknown, "文书未注明是否盖章，请人工核对"));
        findings
    },
};

/// 笔录 and 检查记录 are signed by the party, or the refusal is noted.
pub const PARTY_SIGNATURE: Rule = Rule {
    id: "party_signature",
    name: "当事人签名",
    basis: "行政处罚法第五十五条",
    check: |case, _| {
        let mut findings = Vec::new();
        for (i, doc) in of_types(case, &SIGNED_TYPES) {
            let refusal_noted = doc
                .note
                .as_deref()
                .is_some_and(|n| n.contains("拒签") || n.contains("拒绝签"));
            match doc.party_signed {
                Some(false) if !refusal_noted => findings.push(Finding::new(
                    Severity::Deduction,
                    format!("第{}份文书《{}》无当事人签名，也未注明拒签", i + 1, doc.doc_type),
                    vec![i],
                )),
                None => findings.push(Finding::new(
                    Severity::Notice,
                    format!("第{}份文书《{}》未注明当事人是否签名", i + 1, doc.doc_type),
                    vec![i],
                )),
                _ => {}
            }
        }
        findings
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Case, CaseKind, CaseOrigin, Document, Officer, RegisteredOfficer, parse_iso_date};
    use crate::rules::{RuleSettings, Severity};

    fn case_with(doc: Document) -> Case {
        let mut case = Case::new("X", CaseKind::Penalty, CaseOrigin::Package);
        case.officers = vec![
            Officer {
                name: "甲".into(),
                certificate: "1".into(),
                certificate_valid_until: parse_iso_date("2024-06-30"),
            },
            Officer {
                name: "乙".into(),
                certificate: "2".into(),
                certificate_valid_until: None,
            },
        ];
        case.documents.push(doc);
        case
    }

    fn run(rule: &Rule, case: &Case, registry: &[RegisteredOfficer]) -> Vec<Finding> {
        let cal = crate::domain::WorkingCalendar::default();
        let settings = RuleSettings::default();
        rule.run(
            case,
            &RuleContext {
                calendar: &cal,
                settings: &settings,
                registry,
            },
        )
    }

    fn doc(doc_type: &str) -> Document {
        Document {
            doc_type: doc_type.into(),
            date: parse_iso_date("2024-03-01"),
            ..Document::default()
        }
    }

    #[test]
    fn two_distinct_officers_or_a_notice_when_unstated() {
        let mut d = doc("询问笔录");
        d.officers = Some(vec!["1".into(), "1".into()]);
        let f = run(&TWO_OFFICERS, &case_with(d.clone()), &[]);
        assert_eq!((f.len(), f[0].severity), (1, Severity::Deduction));
        d.officers = Some(vec!["1".into(), "2".into()]);
        assert!(run(&TWO_OFFICERS, &case_with(d.clone()), &[]).is_empty());
        d.officers = None;
        assert_eq!(run(&TWO_OFFICERS, &case_with(d), &[])[0].severity, Severity::Notice);
        assert!(
            run(&TWO_OFFICERS, &case_with(doc("证据材料")), &[]).is_empty(),
            "not an investigative document"
        );
    }

    #[test]
    fn certificates_known_and_valid_on_the_document_date() {
        let mut d = doc("现场检查记录");
        d.officers = Some(vec!["1".into(), "9".into()]);
        let f = run(&CERTIFICATE_VALID, &case_with(d.clone()), &[]);
        assert!(
            f[0].message.contains("执法证号 9 不在本案执法人员或执法人员名册中"),
            "{f:?}"
        );
        let registry = [RegisteredOfficer {
            name: "丙".into(),
            certificate: "9".into(),
            valid_until: parse_iso_date("2024-02-29"),
            ..Default::default()
        }];
        let f = run(&CERTIFICATE_VALID, &case_with(d.clone()), &registry);
        assert!(f[0].message.contains("有效期至 2024-02-29，已过期"), "{f:?}");
        d.date = parse_iso_date("2024-07-01");
        d.officers = Some(vec!["1".into(), "2".into()]);
        assert!(
            run(&CERTIFICATE_VALID, &case_with(d), &[])[0]
                .message
                .contains("执法证号 1 的有效期至 2024-06-30")
        );
    }

    #[test]
    fn seals_and_signatures_unknown_is_only_a_notice() {
        let mut d = doc("行政处罚决定书");
        d.sealed = Some(false);
        assert_eq!(
            run(&DECISION_SEALED, &case_with(d.clone()), &[])[0].severity,
            Severity::Deduction
        );
        d.sealed = None;
        assert_eq!(run(&DECISION_SEALED, &case_with(d), &[])[0].severity, Severity::Notice);
        let mut s = doc("询问笔录");
        s.party_signed = Some(false);
        assert_eq!(
            run(&PARTY_SIGNATURE, &case_with(s.clone()), &[])[0].severity,
            Severity::Deduction
        );
        s.note = Some("当事人拒签，已注明".into());
        assert!(run(&PARTY_SIGNATURE, &case_with(s), &[]).is_empty());
    }
}
