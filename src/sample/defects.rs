//! Planted defects (`pingcha sample --defects RATE`): each defective case breaks exactly one
//! rule, in the data as an enforcement system would have exported it (the documents are
//! rendered after the change, so they agree with `case.toml`). The list of what was planted
//! (`defects.json`) is what the automatic checks must find — no more, no less.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use super::documents::DocSpec;
use super::names::Rng;
use crate::domain::{Case, DateKey, PenaltyKind, WorkingCalendar};

/// Chooses which cases get a defect and which rule each breaks: with probability `rate`,
/// the least-planted rule the case can carry, so every rule is planted evenly.
pub struct DefectPlanner {
    rng: Rng,
    rate: f64,
    planted: BTreeMap<&'static str, usize>,
}

impl DefectPlanner {
    /// A planner with its own random stream: clean cases come out exactly as without it.
    pub fn new(seed: u64, rate: f64) -> Self {
        Self {
            rng: Rng::new(seed ^ 0xDEFE_C7ED_5EED_0001),
            rate: rate.clamp(0.0, 1.0),
            planted: BTreeMap::new(),
        }
    }

    /// Picks a rule among `eligible` for the next case, or none (a clean case).
    pub(super) fn choose(&mut self, eligible: &[&'static str]) -> Option<&'static str> {
        if eligible.is_empty() || !self.rng.chance(self.rate) {
            return None;
        }
        let rule = *eligible
            .iter()
            .min_by_key(|r| self.planted.get(*r).copied().unwrap_or(0))?;
        *self.planted.entry(rule).or_insert(0) += 1;
        Some(rule)
    }

    /// How many times each rule was planted.
    pub fn planted(&self) -> &BTreeMap<&'static str, usize> {
        &self.planted
    }
}

/// The facts of a generated case that decide which defects it can carry.
pub(super) struct Shape {
    pub general: bool,
    pub summary: bool,
    pub coercion: bool,
    pub major: bool,
    pub hearing: bool,
    pub waived: bool,
    /// The penalty is in the hearing scope by the default figures (行政处罚法第六十三条).
    pub hearing_scope: bool,
}

/// Rules a case of this shape can break alone.
pub(super) fn eligible(shape: &Shape) -> Vec<&'static str> {
    let mut rules = Vec::new();
    if shape.general {
        rules.extend([
            "filing_timely",
            "decision_deadline",
            "service_deadline",
            "payment_deadline",
            "publication_deadline",
            "two_officers",
            "certificate_valid",
            "limitation",
            "rectification_recheck",
            "date_consistency",
            "required_documents",
            "decision_sealed",
            "document_sealed",
            "party_signature",
        ]);
        if shape.hearing_scope && !shape.hearing {
            rules.push("hearing_right_notice");
        }
        if !shape.hearing && !shape.waived {
            rules.push("notice_before_decision");
        }
        if shape.hearing {
            rules.push("hearing_procedure");
        }
        if shape.major {
            rules.extend(["legal_review_required", "legal_review_order", "collective_discussion"]);
        }
    }
    if shape.summary {
        rules.push("summary_procedure_limits");
    }
    if shape.coercion {
        rules.extend(["recording_present", "seizure_term"]);
    }
    rules
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn find<'a>(specs: &'a mut [DocSpec], doc_type: &str) -> Option<&'a mut DocSpec> {
    specs.iter_mut().find(|s| s.doc_type == doc_type)
}

fn date_of(specs: &[DocSpec], doc_type: &str) -> Option<NaiveDate> {
    specs.iter().find(|s| s.doc_type == doc_type).map(|s| s.date)
}

fn receipt<'a>(specs: &'a mut [DocSpec], serves: &str) -> Option<&'a mut DocSpec> {
    specs
        .iter_mut()
        .find(|s| s.doc_type == "送达回执" && s.serves.as_deref() == Some(serves))
}

/// Moves the documents of these types (and the decision's receipt when asked) by `delta`,
/// with `[dates]` entries that follow them.
fn shift(case: &mut Case, specs: &mut [DocSpec], types: &[&str], decision_receipt: bool, delta: Duration) {
    for s in specs.iter_mut() {
        let is_receipt = s.doc_type == "送达回执" && s.serves.as_deref() == Some("行政处罚决定书");
        if types.contains(&s.doc_type.as_str()) || (decision_receipt && is_receipt) {
            s.date += delta;
        }
    }
    if let Some(archived) = case.dates.get_mut(&DateKey::Archived) {
        *archived += delta;
    }
}

/// What comes after the decision is served: payment and closing.
const CLOSING: [&str; 5] = ["罚款缴纳凭证", "结案审批表", "案卷封面", "卷内目录", "备考表"];

/// Plants `rule` into a case before its documents are rendered.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per rule a defect can break; the arms are independent"
)]
pub(super) fn plant(rule: &str, case: &mut Case, specs: &mut Vec<DocSpec>, calendar: &WorkingCalendar) {
    match rule {
        "filing_timely" => {
            // An interview twenty days before 立案 (the 补办 window is five, even when rolled
            // past the longest holiday).
            if let (Some(filed), Some(interview)) = (date_of(specs, "立案审批表"), find(specs, "询问笔录")) {
                interview.date = filed - days(20);
            }
        }
        "decision_deadline" => {
            // Everything from the decision on moves 95 days later: 立案 to 决定 exceeds 90 days.
            shift(
                case,
                specs,
                &[
                    "案件处理呈批表",
                    "行政处罚决定书",
                    "处罚信息公示记录",
                    "罚款缴纳凭证",
                    "结案审批表",
                    "案卷封面",
                    "卷内目录",
                    "备考表",
                ],
                true,
                days(95),
            );
        }
        "service_deadline" => {
            // Served on the 10th working day after the decision (the limit is 7).
            if let (Some(decided), Some(old)) = (
                date_of(specs, "行政处罚决定书"),
                receipt(specs, "行政处罚决定书").map(|r| r.date),
            ) {
                let served = calendar.add_working_days(decided, 10).value;
                let delta = served - old;
                shift(case, specs, &CLOSING, true, delta);
            }
        }
        "payment_deadline" => {
            // Paid 30 days after service (the limit is 15, at most 23 when rolled past the
            // National Day holiday), no 延期/分期 or 加处罚款 on file.
            if let (Some(served), Some(paid)) = (
                receipt(specs, "行政处罚决定书").map(|r| r.date),
                date_of(specs, "罚款缴纳凭证"),
            ) {
                let delta = (served + days(30)) - paid;
                shift(case, specs, &CLOSING, false, delta);
            }
        }
        "publication_deadline" => {
            if let Some(decided) = date_of(specs, "行政处罚决定书") {
                let published = calendar.add_working_days(decided, 12).value;
                if let Some(p) = find(specs, "处罚信息公示记录") {
                    p.date = published;
                }
            }
        }
        "two_officers" => {
            if let Some(record) = find(specs, "现场检查记录") {
                let first = record.officers.as_ref().and_then(|o| o.first().cloned());
                record.officers = first.map(|c| vec![c]);
            }
        }
        "certificate_valid" => {
            // An interview signed with a certificate no registry knows.
            if let Some(interview) = find(specs, "询问笔录") {
                let first = interview.officers.as_ref().and_then(|o| o.first().cloned());
                interview.officers = first.map(|c| vec![c, "21109900001".to_string()]);
            }
        }
        "limitation" => {
            if let Some(filed) = date_of(specs, "立案审批表") {
                case.dates.insert(DateKey::Violation, filed - days(3 * 365 + 10));
            }
        }
        "rectification_recheck" => {
            if let Some(due) = case.dates.get(&DateKey::RectificationDue).copied()
                && let Some(recheck) = find(specs, "整改复查意见书")
            {
                recheck.date = due + days(25);
            }
        }
        "required_documents" => specs.retain(|s| s.doc_type != "结案审批表"),
        "document_sealed" => {
            if let Some(doc) = find(specs, "责令限期整改指令书") {
                doc.sealed = Some(false);
            }
        }
        "hearing_right_notice" => {
            if let Some(decision) = case.decision.as_mut() {
                decision.hearing_offered = Some(false);
            }
        }
        "seizure_term" => {
            // Released 45 days after the seizure with no extension (the limit is 30).
            if let (Some(seized), Some(old)) = (date_of(specs, "查封扣押决定书"), date_of(specs, "解除查封扣押决定书"))
            {
                let delta = (seized + days(45)) - old;
                for s in specs.iter_mut() {
                    let release_receipt = s.doc_type == "送达回执" && s.serves.as_deref() == Some("解除查封扣押决定书");
                    if release_receipt
                        || ["解除查封扣押决定书", "结案审批表", "案卷封面", "卷内目录", "备考表"]
                            .contains(&s.doc_type.as_str())
                    {
                        s.date += delta;
                    }
                }
            }
        }
        "decision_sealed" => {
            let target = ["行政处罚决定书", "查封扣押决定书"]
                .into_iter()
                .find(|t| specs.iter().any(|s| s.doc_type == *t));
            if let Some(t) = target
                && let Some(doc) = find(specs, t)
            {
                doc.sealed = Some(false);
            }
        }
        "party_signature" => {
            if let Some(record) = find(specs, "现场检查记录") {
                record.party_signed = Some(false);
                record.note = None;
            }
        }
        "notice_before_decision" => {
            // The notice served the day before the decision; the 陈述申辩 records that followed it go.
            if let Some(decided) = date_of(specs, "行政处罚决定书") {
                let day_before = decided - days(1);
                if let Some(notice) = find(specs, "行政处罚告知书") {
                    notice.date = day_before;
                }
                if let Some(r) = receipt(specs, "行政处罚告知书") {
                    r.date = day_before;
                }
                specs.retain(|s| s.doc_type != "陈述申辩笔录" && s.doc_type != "复核意见");
            }
        }
        "hearing_procedure" => {
            // The hearing notice served two days before the hearing (the law asks for seven).
            if let Some(held) = date_of(specs, "听证笔录") {
                let late = held - days(2);
                if let Some(n) = find(specs, "听证会通知书") {
                    n.date = late;
                }
                if let Some(r) = receipt(specs, "听证会通知书") {
                    r.date = late;
                }
            }
        }
        "legal_review_required" => {
            specs.retain(|s| s.doc_type != "重大执法决定法制审核意见书");
            case.legal_review = None;
        }
        "legal_review_order" => {
            if let (Some(review), Some(officer)) = (case.legal_review.as_mut(), case.officers.first()) {
                review.reviewer = Some(officer.name.clone());
            }
        }
        "collective_discussion" => {
            specs.retain(|s| s.doc_type != "集体讨论记录");
            case.collective_discussion = None;
        }
        "summary_procedure_limits" => {
            if let Some(decision) = case.decision.as_mut() {
                let individual = case.party.as_ref().and_then(|p| p.kind) == Some(crate::domain::PartyKind::Individual);
                let over = if individual { 500.0 } else { 5000.0 };
                for p in &mut decision.penalties {
                    if p.kind == PenaltyKind::Fine {
                        p.amount_yuan = Some(over);
                    }
                }
                if !decision.penalties.iter().any(|p| p.kind == PenaltyKind::Fine) {
                    decision.penalties.push(crate::domain::Penalty {
                        kind: PenaltyKind::Fine,
                        amount_yuan: Some(over),
                    });
                }
            }
        }
        "recording_present" => {
            specs.retain(|s| s.doc_type != "音像记录登记表");
            case.recordings.clear();
        }
        _ => {}
    }
}

/// Plants the defects that concern `[dates]` itself, after the documents exist.
pub(super) fn plant_after(rule: &str, case: &mut Case) {
    if rule == "date_consistency"
        && let Some(filed) = case.document_date(DateKey::Filed)
    {
        // A day earlier than the 立案审批表 says (earlier, so no other limit moves closer).
        case.dates.insert(DateKey::Filed, filed - days(1));
    }
}
