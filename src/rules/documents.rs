//! Checks on the documents themselves: two officers, valid certificates, seals, signatures.
//! A fact a package does not state is unknown: a notice at most.

use super::{Finding, Rule, RuleContext, Severity, of_types, ymd};

/// 笔录 and 检查记录, which the person the law names signs (or the refusal is noted).
const SIGNED_TYPES: [&str; 5] = ["现场检查记录", "询问笔录", "勘验笔录", "现场笔录", "听证笔录"];
use crate::domain::DateKey;

/// On-site and investigative documents that need two officers.
const TWO_OFFICER_TYPES: [&str; 10] = [
    "现场检查记录",
    "现场处理措施决定书",
    "责令限期整改指令书",
    "整改复查意见书",
    "询问笔录",
    "勘验笔录",
    "现场笔录",
    "抽样取证凭证",
    "先行登记保存证据通知书",
    "查封扣押决定书",
];

/// The law an officer's act falls under, by the document that records it: inspections
/// 安全生产法第六十七条, coercive measures 行政强制法第十八条, penalty investigation 行政处罚法
/// 第四十二条、第五十五条.
fn officer_basis(doc_type: &str) -> &'static str {
    match doc_type {
        "现场检查记录" | "现场处理措施决定书" | "责令限期整改指令书" | "整改复查意见书" => {
            "安全生产法第六十七条"
        }
        "现场笔录" | "查封扣押决定书" | "查封扣押清单" => "行政强制法第十八条",
        _ => "行政处罚法第四十二条、第五十五条",
    }
}

/// Decisions that statute requires to bear the agency's seal, with the article.
const SEALED_BY_STATUTE: [(&str, &str); 2] = [
    ("行政处罚决定书", "行政处罚法第五十九条"),
    ("查封扣押决定书", "行政强制法第二十四条"),
];

/// Other documents issued to the party, which usually carry the seal by their 式样.
const SEALED_BY_FORM: [&str; 7] = [
    "行政处罚告知书",
    "听证告知书",
    "听证会通知书",
    "责令限期整改指令书",
    "现场处理措施决定书",
    "先行登记保存证据通知书",
    "催告书",
];

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
                        findings.push(
                            Finding::new(
                                Severity::Deduction,
                                format!(
                                    "第{}份文书《{}》仅有{}名执法人员的执法证号",
                                    i + 1,
                                    doc.doc_type,
                                    distinct.len()
                                ),
                                vec![i],
                            )
                            .with_basis(officer_basis(&doc.doc_type)),
                        );
                    }
                }
            }
        }
        findings.extend(unknown_notice(unknown, "文书未注明执法人员，请人工核对是否两人执法"));
        findings
    },
};

/// Every certificate on a document is known, was issued by the document's date and was
/// still valid on it.
pub const CERTIFICATE_VALID: Rule = Rule {
    id: "certificate_valid",
    name: "执法证件有效",
    basis: "行政处罚法第四十二条",
    check: |case, ctx: &RuleContext<'_>| {
        let mut findings = Vec::new();
        for (i, doc) in case.documents.iter().enumerate() {
            let Some(certs) = &doc.officers else { continue };
            let basis = officer_basis(&doc.doc_type);
            for cert in certs.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
                let in_case = case.officers.iter().find(|o| o.certificate == cert);
                let in_registry = ctx.registry.iter().find(|o| o.certificate == cert);
                if in_case.is_none() && in_registry.is_none() {
                    findings.push(
                        Finding::new(
                            Severity::Deduction,
                            format!(
                                "第{}份文书《{}》的执法证号 {cert} 不在本案执法人员或执法人员名册中",
                                i + 1,
                                doc.doc_type
                            ),
                            vec![i],
                        )
                        .with_basis(basis),
                    );
                    continue;
                }
                let Some(date) = doc.date.or(case.effective_date(DateKey::Decision)) else {
                    continue;
                };
                if let Some(issued) = in_registry.and_then(|o| o.issued)
                    && date < issued
                {
                    findings.push(
                        Finding::new(
                            Severity::Deduction,
                            format!(
                                "第{}份文书《{}》日期 {}，执法证号 {cert} 的发证日期为 {}，其时尚未取得执法资格",
                                i + 1,
                                doc.doc_type,
                                ymd(date),
                                ymd(issued)
                            ),
                            vec![i],
                        )
                        .with_basis(basis),
                    );
                    continue;
                }
                let valid_until = in_case
                    .and_then(|o| o.certificate_valid_until)
                    .or(in_registry.and_then(|o| o.valid_until));
                if let Some(until) = valid_until
                    && date > until
                {
                    findings.push(
                        Finding::new(
                            Severity::Deduction,
                            format!(
                                "第{}份文书《{}》日期 {}，执法证号 {cert} 的有效期至 {}，已过期",
                                i + 1,
                                doc.doc_type,
                                ymd(date),
                                ymd(until)
                            ),
                            vec![i],
                        )
                        .with_basis(basis),
                    );
                }
            }
        }
        findings
    },
};

/// The decisions statute requires to be sealed: the 行政处罚决定书 (第五十九条; not the 当场
/// 处罚决定书 of the 简易程序, which 第五十二条 lets the officers sign) and the 查封扣押决定书
/// (行政强制法第二十四条).
pub const DECISION_SEALED: Rule = Rule {
    id: "decision_sealed",
    name: "决定书加盖印章",
    basis: "行政处罚法第五十九条",
    check: |case, _| {
        let mut findings = Vec::new();
        let mut unknown = Vec::new();
        let summary = case.procedure == Some(crate::domain::Procedure::Summary);
        for (i, doc) in case.documents.iter().enumerate() {
            let Some((_, basis)) = SEALED_BY_STATUTE.iter().find(|(t, _)| *t == doc.doc_type) else {
                continue;
            };
            if summary && doc.doc_type == "行政处罚决定书" {
                continue;
            }
            match doc.sealed {
                Some(true) => {}
                Some(false) => findings.push(
                    Finding::new(
                        Severity::Deduction,
                        format!("第{}份文书《{}》未加盖执法机关印章", i + 1, doc.doc_type),
                        vec![i],
                    )
                    .with_basis(basis),
                ),
                None => unknown.push(i),
            }
        }
        findings.extend(unknown_notice(unknown, "文书未注明是否盖章，请人工核对"));
        findings
    },
};

/// Other documents issued to the party: no statute requires the seal, their 式样 does — a
/// notice, never a suggestion under a 决定书 veto.
pub const DOCUMENT_SEALED: Rule = Rule {
    id: "document_sealed",
    name: "其他对外文书加盖印章",
    basis: "原安监总局令第15号第六十六条（文书式样）",
    check: |case, _| {
        of_types(case, &SEALED_BY_FORM)
            .filter(|(_, doc)| doc.sealed == Some(false))
            .map(|(i, doc)| {
                Finding::new(
                    Severity::Notice,
                    format!(
                        "第{}份文书《{}》未加盖执法机关印章，请按文书式样核对",
                        i + 1,
                        doc.doc_type
                    ),
                    vec![i],
                )
            })
            .collect()
    },
};

/// Who signs a 笔录 or 记录, and the article that says so.
fn signer(doc_type: &str) -> (&'static str, &'static str) {
    match doc_type {
        // 安全生产法第六十八条: 检查人员和被检查单位的负责人签字；拒绝签字的，记录在案.
        "现场检查记录" => ("被检查单位负责人", "安全生产法第六十八条"),
        // 行政强制法第十八条第（八）、（九）项: 当事人签名或注明拒绝；不到场的由见证人签名.
        "现场笔录" => ("当事人或见证人", "行政强制法第十八条"),
        // 行政处罚法第六十四条第（八）项.
        "听证笔录" => ("当事人或其代理人", "行政处罚法第六十四条"),
        // 原安监总局令第15号第二十五条: 笔录由被询问人、被检查单位和执法人员签名或者盖章.
        "询问笔录" => ("被询问人", "原安监总局令第15号第二十五条"),
        "勘验笔录" => ("当事人", "原安监总局令第15号第二十五条"),
        _ => ("当事人", "原安监总局令第15号第二十五条"),
    }
}

/// 笔录 and 检查记录 are signed by the person the law names, or the refusal is noted (for a
/// 现场笔录 a witness may sign instead).
pub const PARTY_SIGNATURE: Rule = Rule {
    id: "party_signature",
    name: "笔录签名",
    basis: "安全生产法第六十八条；行政强制法第十八条",
    check: |case, ctx| {
        let mut findings = Vec::new();
        for (i, doc) in of_types(case, &SIGNED_TYPES) {
            let (who, basis) = signer(&doc.doc_type);
            let note = doc.note.as_deref().unwrap_or("");
            let refusal_noted = note.contains("拒签") || note.contains("拒绝签") || note.contains("拒绝");
            let witnessed = doc.doc_type == "现场笔录" && note.contains("见证人");
            let under_regime = basis.starts_with("原安监总局令");
            let regime = ctx
                .settings
                .regime_for(doc.date.or(case.effective_date(DateKey::Filed)));
            let basis = if under_regime {
                format!("{}第二十五条", regime.name)
            } else {
                basis.to_string()
            };
            let finding = match doc.party_signed {
                Some(false) if !refusal_noted && !witnessed => Finding::new(
                    Severity::Deduction,
                    format!("第{}份文书《{}》无{who}签名，也未注明拒签", i + 1, doc.doc_type),
                    vec![i],
                ),
                None => Finding::new(
                    Severity::Notice,
                    format!("第{}份文书《{}》未注明{who}是否签名", i + 1, doc.doc_type),
                    vec![i],
                ),
                _ => continue,
            };
            let finding = finding.with_basis(&basis);
            findings.push(if under_regime {
                finding.unconfirmed_unless(regime.confirmed, regime.figure("笔录签名要求"))
            } else {
                finding
            });
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
