//! Rectification tracked to closure (整改跟踪与销号): each problem of an issued 整改通知书 is an
//! item with a due date; the unit answers in writing (date, text, files); the organiser
//! verifies (已整改 / 部分整改 / 未整改, with the reason, the date and, for partial work, a new
//! due date). An item is closed (销号) when verified as 已整改; an open item past its due date
//! is overdue. Status and overdue are computed from the records and a given day — never the
//! clock — so a report printed for a date says what held on that date.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::case::{CodeEnum, code_enum};

code_enum! {
    /// The organiser's verification of one problem.
    Outcome {
        /// 已整改: the problem is closed (销号).
        Done => "done", "已整改";
        /// 部分整改: still open, usually with a new due date.
        Partial => "partial", "部分整改";
        /// 未整改.
        NotDone => "not_done", "未整改";
    }
}

code_enum! {
    /// Where a problem stands.
    Status {
        /// Issued, no answer yet (待整改).
        Open => "open", "待整改";
        /// The unit answered; not verified yet (已回复待核查).
        Answered => "answered", "已回复待核查";
        /// Verified as partly done (部分整改).
        Partial => "partial", "部分整改";
        /// Verified as not done (未整改).
        NotDone => "not_done", "未整改";
        /// Verified as done: closed (已整改销号).
        Closed => "closed", "已整改销号";
    }
}

/// A file attached to a unit's answer, stored in the project by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The file's name as given.
    pub name: String,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Lower-case extension (how it is stored).
    pub extension: String,
    /// Size in bytes.
    pub size_bytes: u64,
}

/// The unit's written answer (整改报告).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Row id.
    pub id: i64,
    /// The date on the answer.
    pub date: NaiveDate,
    /// What the unit says it did.
    pub text: String,
    /// Files sent with it.
    pub files: Vec<Attachment>,
    /// Who recorded it, and when (local time).
    pub recorded_by: String,
    /// When it was recorded.
    pub recorded_at: String,
}

/// The organiser's verification (核查).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// Row id.
    pub id: i64,
    /// The finding.
    pub outcome: Outcome,
    /// Why (what was seen).
    pub reason: String,
    /// The date of the verification.
    pub date: NaiveDate,
    /// A new due date (for 部分整改 / 未整改).
    pub new_due: Option<NaiveDate>,
    /// Who verified.
    pub recorded_by: String,
    /// When it was recorded.
    pub recorded_at: String,
}

/// One problem of an issued notice, with its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RectifyItem {
    /// Row id.
    pub id: i64,
    /// The notice's row id.
    pub notice: i64,
    /// The notice's 文号 or label.
    pub notice_number: String,
    /// The unit the notice went to.
    pub unit: String,
    /// The campaign, if the notice came from one.
    pub campaign: Option<String>,
    /// 案号.
    pub case_number: String,
    /// The checklist item's id.
    pub item_id: String,
    /// The checklist item as printed (id, text, deduction).
    pub item: String,
    /// The problem as printed (the agreed reason).
    pub problem: String,
    /// Legal basis.
    pub basis: String,
    /// Rectification advice.
    pub advice: String,
    /// The notice's date.
    pub issued_on: NaiveDate,
    /// The due date set by the notice.
    pub due_on: NaiveDate,
    /// Answers, oldest first.
    pub answers: Vec<Answer>,
    /// Verifications, oldest first.
    pub verifications: Vec<Verification>,
}

impl RectifyItem {
    /// Where it stands: the latest verification decides; else answered or open.
    pub fn status(&self) -> Status {
        match self.verifications.last().map(|v| v.outcome) {
            Some(Outcome::Done) => Status::Closed,
            Some(Outcome::Partial) => Status::Partial,
            Some(Outcome::NotDone) => Status::NotDone,
            None if !self.answers.is_empty() => Status::Answered,
            None => Status::Open,
        }
    }

    /// The due date in force: the latest new due date a verification set, else the notice's.
    pub fn due(&self) -> NaiveDate {
        self.verifications
            .iter()
            .rev()
            .find_map(|v| v.new_due)
            .unwrap_or(self.due_on)
    }

    /// Whether it is past its due date on `today` and not closed. An answer in time stops the
    /// clock only once verified as done: a problem answered but still open past its due date is
    /// overdue, as the unit had to finish, not merely reply.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status() != Status::Closed && today > self.due()
    }

    /// When it was closed (the date of the verification that closed it).
    pub fn closed_on(&self) -> Option<NaiveDate> {
        self.verifications
            .last()
            .filter(|v| v.outcome == Outcome::Done)
            .map(|v| v.date)
    }
}

/// One unit's line of the 整改情况汇总表.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnitSummary {
    /// The unit.
    pub unit: String,
    /// Problems issued.
    pub problems: usize,
    /// Closed (已整改销号).
    pub closed: usize,
    /// Verified as partly done.
    pub partial: usize,
    /// Open, answered or verified as not done.
    pub open: usize,
    /// Of the not closed, past their due date.
    pub overdue: usize,
}

impl UnitSummary {
    /// The columns of the 整改情况汇总表, as the PDF, the window and the CLI head them.
    pub const HEADERS: [&'static str; 7] = [
        "承办单位",
        "问题数",
        "已整改销号",
        "部分整改",
        "未完成",
        "其中逾期",
        "销号率",
    ];

    /// The line's cells under [`UnitSummary::HEADERS`].
    pub fn cells(&self) -> [String; 7] {
        [
            self.unit.clone(),
            self.problems.to_string(),
            self.closed.to_string(),
            self.partial.to_string(),
            self.open.to_string(),
            self.overdue.to_string(),
            format!("{:.0}%", self.closed_rate()),
        ]
    }

    /// Closed share in percent (0 when nothing was issued).
    pub fn closed_rate(&self) -> f64 {
        if self.problems == 0 {
            0.0
        } else {
            self.closed as f64 * 100.0 / self.problems as f64
        }
    }
}

/// Per-unit counts on `today`, units in name order, and the total line.
pub fn summarise(items: &[RectifyItem], today: NaiveDate) -> (Vec<UnitSummary>, UnitSummary) {
    let mut units: BTreeMap<&str, UnitSummary> = BTreeMap::new();
    let mut total = UnitSummary {
        unit: "合计".into(),
        ..UnitSummary::default()
    };
    for item in items {
        let line = units.entry(item.unit.as_str()).or_insert_with(|| UnitSummary {
            unit: item.unit.clone(),
            ..UnitSummary::default()
        });
        for l in [&mut *line, &mut total] {
            l.problems += 1;
            match item.status() {
                Status::Closed => l.closed += 1,
                Status::Partial => l.partial += 1,
                Status::Open | Status::Answered | Status::NotDone => l.open += 1,
            }
            if item.overdue(today) {
                l.overdue += 1;
            }
        }
    }
    (units.into_values().collect(), total)
}

/// Problems found again: for each unit, the checklist items (by id and text) of `current`
/// that an earlier notice to the same unit already named — (unit, item, earlier notices).
pub fn repeated<'a>(earlier: &'a [RectifyItem], current: &[(String, String)]) -> Vec<(String, String, Vec<&'a str>)> {
    let mut out: Vec<(String, String, Vec<&str>)> = Vec::new();
    for (unit, item) in current {
        let mut notices: Vec<&str> = earlier
            .iter()
            .filter(|e| &e.unit == unit && same_item(&e.item, item))
            .map(|e| e.notice_number.as_str())
            .collect();
        notices.dedup();
        if notices.is_empty() || out.iter().any(|(u, i, _)| u == unit && i == item) {
            continue;
        }
        out.push((unit.clone(), item.clone(), notices));
    }
    out
}

/// Two printed items name the same requirement: the text before the deduction `（扣N分）`.
fn same_item(a: &str, b: &str) -> bool {
    let core = |s: &str| s.rsplit_once('（').map_or(s, |(head, _)| head).trim().to_string();
    core(a) == core(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn item(unit: &str, due: &str) -> RectifyItem {
        RectifyItem {
            id: 1,
            notice: 1,
            notice_number: "整改〔2024〕1号".into(),
            unit: unit.into(),
            campaign: None,
            case_number: "罚〔2024〕1号".into(),
            item_id: "1.2".into(),
            item: "1.2 调查文书由两名执法人员签名（扣1分）".into(),
            problem: "询问笔录仅一名执法人员签名".into(),
            basis: "行政处罚法第四十二条".into(),
            advice: String::new(),
            issued_on: day("2024-05-06"),
            due_on: day(due),
            answers: Vec::new(),
            verifications: Vec::new(),
        }
    }

    fn verify(outcome: Outcome, date: &str, new_due: Option<&str>) -> Verification {
        Verification {
            id: 1,
            outcome,
            reason: "核查".into(),
            date: day(date),
            new_due: new_due.map(day),
            recorded_by: "张敏".into(),
            recorded_at: String::new(),
        }
    }

    #[test]
    fn overdue_is_on_the_day_after_the_due_date_and_never_once_closed() {
        let mut i = item("执法一科", "2024-06-05");
        assert!(!i.overdue(day("2024-06-05")), "the due date itself is in time");
        assert!(i.overdue(day("2024-06-06")));
        i.answers.push(Answer {
            id: 1,
            date: day("2024-06-01"),
            text: "已组织培训".into(),
            files: Vec::new(),
            recorded_by: "张敏".into(),
            recorded_at: String::new(),
        });
        assert_eq!(i.status(), Status::Answered);
        assert!(i.overdue(day("2024-06-06")), "an answer alone does not close it");
        i.verifications
            .push(verify(Outcome::Partial, "2024-06-03", Some("2024-07-01")));
        assert_eq!(i.status(), Status::Partial);
        assert!(!i.overdue(day("2024-06-30")), "the new due date is in force");
        assert!(i.overdue(day("2024-07-02")));
        i.verifications.push(verify(Outcome::Done, "2024-07-05", None));
        assert_eq!(i.status(), Status::Closed);
        assert!(!i.overdue(day("2025-01-01")));
        assert_eq!(i.closed_on(), Some(day("2024-07-05")));
    }

    #[test]
    fn summary_counts_each_unit_and_the_total() {
        let mut a = item("执法一科", "2024-06-05");
        a.verifications.push(verify(Outcome::Done, "2024-06-01", None));
        let b = item("执法一科", "2024-06-05");
        let mut c = item("执法二科", "2024-06-05");
        c.verifications
            .push(verify(Outcome::Partial, "2024-06-01", Some("2024-08-01")));
        let (units, total) = summarise(&[a, b, c], day("2024-06-10"));
        assert_eq!(units.len(), 2);
        assert_eq!(
            (units[0].problems, units[0].closed, units[0].open, units[0].overdue),
            (2, 1, 1, 1)
        );
        assert_eq!((units[1].partial, units[1].overdue), (1, 0));
        assert_eq!(
            (total.problems, total.closed, total.partial, total.open, total.overdue),
            (3, 1, 1, 1, 1)
        );
        assert!((units[0].closed_rate() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn a_problem_named_again_for_the_same_unit_is_a_repeat() {
        let earlier = [item("执法一科", "2024-06-05")];
        let current = [
            (
                "执法一科".to_string(),
                "1.2 调查文书由两名执法人员签名（扣2分）".to_string(),
            ),
            (
                "执法二科".to_string(),
                "1.2 调查文书由两名执法人员签名（扣1分）".to_string(),
            ),
        ];
        let r = repeated(&earlier, &current);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, "执法一科");
        assert_eq!(r[0].2, ["整改〔2024〕1号"]);
    }
}
