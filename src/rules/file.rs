//! Checks on the file as a whole: the documents a case of its kind must contain, the 音像记录
//! the settings require, and dates that agree with each other and run in order.

use super::{Finding, Rule, Severity, ymd};
use crate::domain::{Case, CaseKind, CodeEnum, DateKey, DateSource, Period, Procedure};

fn has(case: &Case, doc_type: &str) -> bool {
    case.documents.iter().any(|d| d.doc_type == doc_type)
}

/// What a case of this kind must contain: each entry is a set of alternatives.
fn required(case: &Case) -> Vec<Vec<&'static str>> {
    let on_spot = case.decision.as_ref().and_then(|d| d.served_on_spot) == Some(true);
    match (case.kind, case.procedure) {
        (CaseKind::Penalty, Some(Procedure::Summary)) => vec![vec!["行政处罚决定书"]],
        (CaseKind::Penalty, _) => {
            let mut list = vec![
                vec!["立案审批表"],
                vec!["现场检查记录", "询问笔录", "勘验笔录"],
                vec!["案件调查报告"],
                vec!["行政处罚告知书"],
                vec!["行政处罚决定书"],
                vec!["结案审批表"],
            ];
            if case.effective_date(DateKey::Hearing).is_some()
                || case.effective_date(DateKey::HearingRequested).is_some()
            {
                list.push(vec!["听证会通知书"]);
                list.push(vec!["听证笔录"]);
            }
            if !on_spot {
                list.push(vec!["送达回执（行政处罚决定书）"]);
            }
            list
        }
        (CaseKind::Inspection, _) => {
            let mut list = vec![vec!["现场检查记录"]];
            if case.dates.contains_key(&DateKey::RectificationDue) {
                list.push(vec!["责令限期整改指令书"]);
            }
            if case.effective_date(DateKey::Rechecked).is_some() {
                list.push(vec!["整改复查意见书"]);
            }
            list
        }
        // 行政强制法第十八条第（七）项 (现场笔录), 第二十四条 (决定书和清单), 第二十七条 (处理决定).
        (CaseKind::Coercion, _) => vec![
            vec!["查封扣押决定书"],
            vec!["查封扣押清单"],
            vec!["现场笔录"],
            vec!["解除查封扣押决定书", "查封扣押处理决定书"],
        ],
    }
}

fn present(case: &Case, name: &str) -> bool {
    match name {
        "送达回执（行政处罚决定书）" => case
            .documents
            .iter()
            .any(|d| d.doc_type == "送达回执" && d.serves.as_deref() == Some("行政处罚决定书")),
        other => has(case, other),
    }
}

/// The documents a case of this kind and procedure must contain are present.
pub const REQUIRED_DOCUMENTS: Rule = Rule {
    id: "required_documents",
    name: "必备文书",
    basis: "行政处罚法第五十五条、第五十九条、第六十一条",
    check: |case, _| {
        // A ledger row or a folder of scans does not list its documents reliably.
        if case.origin != crate::domain::CaseOrigin::Package {
            return Vec::new();
        }
        let basis = match case.kind {
            CaseKind::Coercion => "行政强制法第十八条、第二十四条、第二十七条",
            CaseKind::Inspection => "安全生产法第六十五条、第六十八条",
            CaseKind::Penalty => "行政处罚法第五十五条、第五十九条、第六十一条",
        };
        required(case)
            .into_iter()
            .filter(|alternatives| !alternatives.iter().any(|name| present(case, name)))
            .map(|alternatives| {
                Finding::new(
                    Severity::Deduction,
                    format!(
                        "卷内缺少{}",
                        alternatives
                            .iter()
                            .map(|n| format!("《{n}》"))
                            .collect::<Vec<_>>()
                            .join("或")
                    ),
                    Vec::new(),
                )
                .with_basis(basis)
            })
            .collect()
    },
};

/// The stages of this case that must be recorded on video or audio: those of `required` (the
/// setting `recording_required_stages`) that happened in the case.
pub fn recorded_stages_due<'a>(case: &Case, required: &'a [String]) -> Vec<&'a str> {
    required
        .iter()
        .map(String::as_str)
        .filter(|stage| match *stage {
            "查封扣押" => has(case, "查封扣押决定书"),
            "现场检查" => has(case, "现场检查记录"),
            "听证" => case.effective_date(DateKey::Hearing).is_some(),
            "送达" => has(case, "送达回执"),
            "整改复查" => has(case, "整改复查意见书"),
            "调查取证" => has(case, "询问笔录") || has(case, "勘验笔录"),
            _ => false,
        })
        .collect()
}

/// 音像记录 for every stage the settings require (default: 查封扣押, per 国办发〔2018〕118号).
pub const RECORDING_PRESENT: Rule = Rule {
    id: "recording_present",
    name: "执法全过程记录",
    basis: "国办发〔2018〕118号",
    check: |case, ctx| {
        let mut findings = Vec::new();
        for stage in recorded_stages_due(case, &ctx.settings.recording_required_stages) {
            if !case.recordings.iter().any(|r| r.stage == stage) {
                findings.push(Finding::new(
                    Severity::Deduction,
                    format!("本案有{stage}环节，卷内未见该环节的音像记录"),
                    Vec::new(),
                ));
            }
        }
        findings
    },
};

/// After a 整改期限, a 整改复查 within the set days (rolled past a 法定休假日), with the
/// 整改复查意见书 on file. The 10 days are the 规章's figure, not located verbatim: unconfirmed.
pub const RECTIFICATION_RECHECK: Rule = Rule {
    id: "rectification_recheck",
    name: "整改复查",
    basis: "原安监总局令第15号（整改复查期限）",
    check: |case, ctx| {
        let Some(due) = case.dates.get(&DateKey::RectificationDue).copied() else {
            return Vec::new();
        };
        let docs: Vec<usize> = case
            .documents
            .iter()
            .enumerate()
            .filter(|(_, d)| d.doc_type == "责令限期整改指令书")
            .map(|(i, _)| i)
            .collect();
        let regime = ctx.settings.regime_for(Some(due));
        let basis = format!("{}（整改复查期限）", regime.name);
        let Some(rechecked) = case.effective_date(DateKey::Rechecked) else {
            return vec![
                Finding::new(
                    Severity::Deduction,
                    format!("整改期限 {}，卷内未见整改复查意见书", ymd(due)),
                    docs,
                )
                .with_basis(&format!("安全生产法第六十五条；{basis}")),
            ];
        };
        let limit = regime.recheck_days;
        let end = ctx.calendar.period_end(due, Period::days(limit), true);
        if !end.is_late(rechecked) {
            return Vec::new();
        }
        vec![
            Finding::new(
                Severity::Deduction,
                format!(
                    "整改期限 {}，复查期限{limit}日，{}；复查 {}，逾期{}日",
                    ymd(due),
                    end.explain(),
                    ymd(rechecked),
                    end.days_late(rechecked)
                ),
                docs,
            )
            .with_basis(&basis)
            .unconfirmed_unless(
                regime.figure_confirmed(regime.recheck_confirmed),
                regime.figure("整改复查期限"),
            ),
        ]
    },
};

/// 查封扣押期限 (行政强制法第二十五条、第二十七条): from the 查封扣押决定书 to the 解除 or 处理
/// decision at most 30 days, or 60 with an extension decision dated within the first 30; a
/// seizure still open at 结案 is a finding.
pub const SEIZURE_TERM: Rule = Rule {
    id: "seizure_term",
    name: "查封扣押期限",
    basis: "行政强制法第二十五条、第二十七条",
    check: |case, ctx| {
        let dated = |t: &str| {
            case.documents
                .iter()
                .enumerate()
                .filter(|(_, d)| d.doc_type == t)
                .filter_map(|(i, d)| d.date.map(|date| (date, i)))
                .min()
        };
        let Some((seized, seized_at)) = dated("查封扣押决定书") else {
            return Vec::new();
        };
        let s = ctx.settings;
        let base = ctx.calendar.period_end(seized, Period::days(s.seizure_term_days), true);
        let extension = dated("延长查封扣押期限决定书");
        let mut notes = Vec::new();
        let limit = match extension {
            Some((date, _)) if !base.is_late(date) => s.seizure_term_days + s.seizure_extension_days,
            Some((date, _)) => {
                notes.push(format!(
                    "延长决定 {} 晚于原期限届满日 {}，不发生延长效力",
                    ymd(date),
                    ymd(base.last_day)
                ));
                s.seizure_term_days
            }
            None => s.seizure_term_days,
        };
        let end = ctx.calendar.period_end(seized, Period::days(limit), true);
        let ended = [("解除查封扣押决定书", "解除决定"), ("查封扣押处理决定书", "处理决定")]
            .into_iter()
            .filter_map(|(t, what)| dated(t).map(|(date, i)| (date, i, what)))
            .min();
        if case.documents.iter().any(|d| d.doc_type == "检测鉴定报告") {
            notes.push(
                "卷内有检测鉴定材料：检测、检验、鉴定期间已书面告知当事人的不计入（第二十五条第三款），请人工核对"
                    .into(),
            );
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!("（{}）", notes.join("；"))
        };
        let mut docs = vec![seized_at];
        docs.extend(extension.map(|(_, i)| i));
        match ended {
            Some((date, i, what)) if end.is_late(date) => {
                docs.push(i);
                vec![Finding::new(
                    Severity::Deduction,
                    format!(
                        "查封扣押 {}，期限{limit}日，{}；{what} {}，超期{}日{notes}",
                        ymd(seized),
                        end.explain(),
                        ymd(date),
                        end.days_late(date)
                    ),
                    docs,
                )]
            }
            Some(_) => Vec::new(),
            None => match case.effective_date(DateKey::Closed) {
                Some(closed) => vec![Finding::new(
                    Severity::Deduction,
                    format!(
                        "查封扣押 {}，结案 {} 时卷内未见解除或处理决定，查封扣押未依法终结（期限{}）{notes}",
                        ymd(seized),
                        ymd(closed),
                        end.explain()
                    ),
                    docs,
                )],
                None => Vec::new(),
            },
        }
    },
};

/// `[dates]` agree with the documents' own dates, and the main chain runs in order.
pub const DATE_CONSISTENCY: Rule = Rule {
    id: "date_consistency",
    name: "日期一致与顺序",
    basis: "行政处罚法第五十四条至第六十一条",
    check: |case, _| {
        let mut findings = Vec::new();
        for (key, stated) in &case.dates {
            if matches!(key.source(), DateSource::None) {
                continue;
            }
            if let Some(from_document) = case.document_date(*key)
                && from_document != *stated
            {
                findings.push(Finding::new(
                    Severity::Deduction,
                    format!(
                        "{}日期不一致：案卷信息为 {}，文书记载为 {}",
                        key.label(),
                        ymd(*stated),
                        ymd(from_document)
                    ),
                    Vec::new(),
                ));
            }
        }
        // 立案 ≤ 调查终结 ≤ 告知 ≤ 决定 ≤ 决定送达 ≤ 结案 (法制审核、集体讨论、听证 have their own rules).
        let chain = [
            DateKey::Filed,
            DateKey::InvestigationEnded,
            DateKey::NoticeServed,
            DateKey::Decision,
            DateKey::DecisionServed,
            DateKey::Closed,
        ];
        let dated: Vec<(DateKey, chrono::NaiveDate)> = chain
            .iter()
            .filter_map(|k| case.effective_date(*k).map(|d| (*k, d)))
            .collect();
        let mut pairs: Vec<((DateKey, chrono::NaiveDate), (DateKey, chrono::NaiveDate))> =
            dated.windows(2).map(|w| (w[0], w[1])).collect();
        // 缴款 after the decision and no later than 结案; 结案 no later than 归档.
        for (a, b) in [
            (DateKey::Decision, DateKey::Paid),
            (DateKey::Paid, DateKey::Closed),
            (DateKey::Closed, DateKey::Archived),
        ] {
            if let (Some(da), Some(db)) = (case.effective_date(a), case.effective_date(b)) {
                pairs.push(((a, da), (b, db)));
            }
        }
        for ((a, da), (b, db)) in pairs {
            if db < da {
                findings.push(Finding::new(
                    Severity::Deduction,
                    format!("{} {} 早于{} {}，程序顺序颠倒", b.label(), ymd(db), a.label(), ymd(da)),
                    Vec::new(),
                ));
            }
        }
        findings
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseOrigin, Document, Recording, parse_iso_date};
    use crate::rules::{RuleContext, RuleSettings};

    fn run(rule: &Rule, case: &Case) -> Vec<Finding> {
        let cal = crate::domain::WorkingCalendar::default();
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

    fn doc(t: &str, date: &str) -> Document {
        Document {
            doc_type: t.into(),
            date: parse_iso_date(date),
            ..Document::default()
        }
    }

    #[test]
    fn required_documents_by_kind() {
        let mut case = Case::new("X", CaseKind::Coercion, CaseOrigin::Package);
        case.documents.push(doc("查封扣押决定书", "2024-03-01"));
        let f = run(&REQUIRED_DOCUMENTS, &case);
        assert_eq!(f.len(), 3);
        // 行政强制法第十八条第（七）项: 制作现场笔录; 第二十七条: 作出处理决定.
        assert!(f[1].message.contains("《现场笔录》"), "{f:?}");
        assert!(
            f[2].message.contains("《解除查封扣押决定书》或《查封扣押处理决定书》"),
            "{f:?}"
        );
        assert!(f[1].basis.starts_with("行政强制法"), "{f:?}");
        case.documents.push(doc("查封扣押清单", "2024-03-01"));
        case.documents.push(doc("现场检查记录", "2024-03-01"));
        assert_eq!(run(&REQUIRED_DOCUMENTS, &case).len(), 2, "a 检查记录 is not a 现场笔录");
        case.documents.push(doc("现场笔录", "2024-03-01"));
        case.documents.push(doc("解除查封扣押决定书", "2024-03-20"));
        assert!(run(&REQUIRED_DOCUMENTS, &case).is_empty());
        let mut summary = Case::new("Y", CaseKind::Penalty, CaseOrigin::Package);
        summary.procedure = Some(Procedure::Summary);
        assert!(
            run(&REQUIRED_DOCUMENTS, &summary)[0]
                .message
                .contains("《行政处罚决定书》")
        );
        summary.origin = CaseOrigin::Ledger;
        assert!(
            run(&REQUIRED_DOCUMENTS, &summary).is_empty(),
            "a ledger row lists no documents"
        );
    }

    #[test]
    fn recheck_within_ten_days_of_the_deadline() {
        let mut case = Case::new("X", CaseKind::Inspection, CaseOrigin::Package);
        case.dates
            .insert(DateKey::RectificationDue, parse_iso_date("2024-03-10").unwrap());
        assert!(
            run(&RECTIFICATION_RECHECK, &case)[0]
                .message
                .contains("未见整改复查意见书")
        );
        case.documents.push(doc("整改复查意见书", "2024-03-20"));
        assert!(run(&RECTIFICATION_RECHECK, &case).is_empty(), "the 10th day");
        case.documents[0].date = parse_iso_date("2024-03-21");
        let f = run(&RECTIFICATION_RECHECK, &case);
        assert!(
            f[0].message
                .contains("复查期限10日，第10日为 2024-03-20；复查 2024-03-21，逾期1日"),
            "{f:?}"
        );
        assert!(f[0].message.contains("尚未核实"), "the 10 days are [M]: {f:?}");
    }

    #[test]
    fn recordings_for_the_required_stages() {
        let mut case = Case::new("X", CaseKind::Coercion, CaseOrigin::Package);
        case.documents.push(doc("查封扣押决定书", "2024-03-01"));
        assert!(run(&RECORDING_PRESENT, &case)[0].message.contains("查封扣押环节"));
        case.recordings.push(Recording {
            stage: "查封扣押".into(),
            ..Recording::default()
        });
        assert!(run(&RECORDING_PRESENT, &case).is_empty());
    }

    #[test]
    fn stated_dates_agree_with_documents_and_the_chain_runs_in_order() {
        let mut case = Case::new("X", CaseKind::Penalty, CaseOrigin::Package);
        case.documents.push(doc("立案审批表", "2024-03-01"));
        case.documents.push(doc("行政处罚决定书", "2024-04-01"));
        case.dates.insert(DateKey::Filed, parse_iso_date("2024-03-02").unwrap());
        let f = run(&DATE_CONSISTENCY, &case);
        assert!(
            f[0].message
                .contains("立案日期不一致：案卷信息为 2024-03-02，文书记载为 2024-03-01"),
            "{f:?}"
        );
        case.dates.clear();
        case.dates
            .insert(DateKey::DecisionServed, parse_iso_date("2024-03-30").unwrap());
        let f = run(&DATE_CONSISTENCY, &case);
        assert!(
            f[0].message.contains("决定送达 2024-03-30 早于决定 2024-04-01"),
            "{f:?}"
        );
    }
}
