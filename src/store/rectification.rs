//! Rectification records (整改跟踪): notices issued to units with their problems, the units'
//! answers and the organiser's verifications. Answers and verifications are append-only;
//! every change also writes an audit row on the case it concerns.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, TransactionBehavior, named_params};

use super::scores::{from_json, now, to_json};
use super::{Project, ReviewerId, StoreError};
use crate::domain::rectification::{Answer, Attachment, Outcome, RectifyItem, Verification};
use crate::domain::{AuditAction, CodeEnum};

/// A problem put on a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProblem {
    /// 案号.
    pub case_number: String,
    /// The checklist item's id.
    pub item_id: String,
    /// The item as printed.
    pub item: String,
    /// The problem as printed.
    pub problem: String,
    /// Legal basis.
    pub basis: String,
    /// Advice.
    pub advice: String,
}

/// A notice being recorded as issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    /// Its 文号 (or label).
    pub number: String,
    /// The unit it goes to.
    pub unit: String,
    /// The campaign it came from.
    pub campaign: Option<String>,
    /// Its date.
    pub issued_on: NaiveDate,
    /// The due date of its problems.
    pub due_on: NaiveDate,
    /// Its problems.
    pub problems: Vec<NewProblem>,
}

/// A notice as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IssuedNotice {
    /// Row id.
    pub id: i64,
    /// 文号.
    pub number: String,
    /// Unit.
    pub unit: String,
    /// Campaign.
    pub campaign: Option<String>,
    /// Date.
    pub issued_on: NaiveDate,
    /// Due date.
    pub due_on: NaiveDate,
    /// Who issued it.
    pub issued_by: String,
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn date_of(text: &str) -> Result<NaiveDate, StoreError> {
    crate::domain::parse_iso_date(text).ok_or_else(|| StoreError::Corrupt(format!("日期“{text}”无法读取")))
}

/// The audit row of a rectification change (on the problem's case; no checklist).
fn audit(
    tx: &rusqlite::Transaction<'_>,
    reviewer_id: ReviewerId,
    case_number: &str,
    item: Option<&str>,
    action: AuditAction,
    note: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO audit_log (at, reviewer_id, case_number, checklist, item_id, action, old_json, new_json, note)
         VALUES (:at, :r, :case, NULL, :item, :action, NULL, NULL, :note)",
    )?
    .execute(named_params! {
        ":at": now(), ":r": reviewer_id, ":case": case_number, ":item": item, ":action": action.code(), ":note": note,
    })?;
    Ok(())
}

impl Project {
    /// Records a notice as issued, its problems becoming tracked items. A unit gets one notice
    /// per campaign (and one outside any campaign): a second is refused, naming the first.
    pub fn issue_notice(&mut self, notice: &NewNotice, reviewer_id: ReviewerId, by: &str) -> Result<i64, StoreError> {
        if notice.due_on < notice.issued_on {
            return Err(StoreError::Refused(format!(
                "整改期限 {} 早于通知日期 {}",
                iso(notice.due_on),
                iso(notice.issued_on)
            )));
        }
        if notice.problems.is_empty() {
            return Err(StoreError::Refused(format!(
                "{} 没有需整改的问题，无需登记",
                notice.unit
            )));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let earlier: Option<(String, String)> = tx
            .prepare_cached(
                "SELECT number, issued_on FROM rectify_notices WHERE unit = :unit AND IFNULL(campaign, '') = :campaign",
            )?
            .query_row(
                named_params! {":unit": notice.unit, ":campaign": notice.campaign.as_deref().unwrap_or("")},
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((number, on)) = earlier {
            return Err(StoreError::Refused(format!(
                "{}{}的整改通知已于 {on} 登记（{number}），不能重复登记",
                notice.unit,
                notice
                    .campaign
                    .as_deref()
                    .map(|c| format!("在评查活动“{c}”中"))
                    .unwrap_or_default()
            )));
        }
        tx.prepare_cached(
            "INSERT INTO rectify_notices (number, unit, campaign, issued_on, due_on, issued_by, issued_at)
             VALUES (:number, :unit, :campaign, :issued, :due, :by, :at)",
        )?
        .execute(named_params! {
            ":number": notice.number, ":unit": notice.unit, ":campaign": notice.campaign,
            ":issued": iso(notice.issued_on), ":due": iso(notice.due_on), ":by": by, ":at": now(),
        })?;
        let id = tx.last_insert_rowid();
        for p in &notice.problems {
            tx.prepare_cached(
                "INSERT INTO rectify_items (notice, case_number, item_id, item, problem, basis, advice)
                 VALUES (:notice, :case, :item_id, :item, :problem, :basis, :advice)",
            )?
            .execute(named_params! {
                ":notice": id, ":case": p.case_number, ":item_id": p.item_id, ":item": p.item,
                ":problem": p.problem, ":basis": p.basis, ":advice": p.advice,
            })?;
            audit(
                &tx,
                reviewer_id,
                &p.case_number,
                Some(&p.item_id),
                AuditAction::RectificationIssued,
                &format!("{}：{}；{} 前整改", notice.number, p.problem, iso(notice.due_on)),
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// The notices issued, oldest first.
    pub fn issued_notices(&self) -> Result<Vec<IssuedNotice>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, number, unit, campaign, issued_on, due_on, issued_by FROM rectify_notices ORDER BY issued_on, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, number, unit, campaign, issued, due, by) = row?;
            out.push(IssuedNotice {
                id,
                number,
                unit,
                campaign,
                issued_on: date_of(&issued)?,
                due_on: date_of(&due)?,
                issued_by: by,
            });
        }
        Ok(out)
    }

    /// Every tracked problem with its answers and verifications, by notice and then as issued.
    pub fn rectify_items(&self) -> Result<Vec<RectifyItem>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.id, i.notice, n.number, n.unit, n.campaign, i.case_number, i.item_id, i.item, i.problem,
                    i.basis, i.advice, n.issued_on, n.due_on
             FROM rectify_items i JOIN rectify_notices n ON n.id = i.notice
             ORDER BY n.issued_on, n.id, i.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                RectifyItem {
                    id: r.get(0)?,
                    notice: r.get(1)?,
                    notice_number: r.get(2)?,
                    unit: r.get(3)?,
                    campaign: r.get(4)?,
                    case_number: r.get(5)?,
                    item_id: r.get(6)?,
                    item: r.get(7)?,
                    problem: r.get(8)?,
                    basis: r.get(9)?,
                    advice: r.get(10)?,
                    issued_on: NaiveDate::MIN,
                    due_on: NaiveDate::MIN,
                    answers: Vec::new(),
                    verifications: Vec::new(),
                },
                r.get::<_, String>(11)?,
                r.get::<_, String>(12)?,
            ))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (mut item, issued, due) = row?;
            item.issued_on = date_of(&issued)?;
            item.due_on = date_of(&due)?;
            items.push(item);
        }
        let index: std::collections::HashMap<i64, usize> = items.iter().enumerate().map(|(i, it)| (it.id, i)).collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, item, answered_on, text, files_json, recorded_by, recorded_at FROM rectify_answers ORDER BY id",
        )?;
        let answers = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        for row in answers {
            let (id, item, on, text, files, by, at) = row?;
            if let Some(&i) = index.get(&item) {
                items[i].answers.push(Answer {
                    id,
                    date: date_of(&on)?,
                    text,
                    files: from_json::<Vec<Attachment>>(&files, "整改回复附件")?,
                    recorded_by: by,
                    recorded_at: at,
                });
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, item, outcome, reason, verified_on, new_due, recorded_by, recorded_at
             FROM rectify_verifications ORDER BY id",
        )?;
        let checks = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        for row in checks {
            let (id, item, outcome, reason, on, new_due, by, at) = row?;
            if let Some(&i) = index.get(&item) {
                items[i].verifications.push(Verification {
                    id,
                    outcome: Outcome::parse(&outcome)
                        .ok_or_else(|| StoreError::Corrupt(format!("核查结果“{outcome}”无法读取")))?,
                    reason,
                    date: date_of(&on)?,
                    new_due: new_due.as_deref().map(date_of).transpose()?,
                    recorded_by: by,
                    recorded_at: at,
                });
            }
        }
        Ok(items)
    }

    /// One tracked problem.
    pub fn rectify_item(&self, id: i64) -> Result<RectifyItem, StoreError> {
        self.rectify_items()?
            .into_iter()
            .find(|i| i.id == id)
            .ok_or_else(|| StoreError::Refused(format!("没有编号为 {id} 的整改问题")))
    }

    /// Records a unit's written answer to a problem (not to a closed one).
    pub fn record_answer(
        &mut self,
        item: i64,
        date: NaiveDate,
        text: &str,
        files: &[Attachment],
        reviewer_id: ReviewerId,
        by: &str,
    ) -> Result<i64, StoreError> {
        let current = self.rectify_item(item)?;
        if current.closed_on().is_some() {
            return Err(StoreError::Refused(format!("问题 {item} 已整改销号，不再登记回复")));
        }
        if text.trim().is_empty() && files.is_empty() {
            return Err(StoreError::Refused("整改回复须有文字或附件".into()));
        }
        if date < current.issued_on {
            return Err(StoreError::Refused(format!(
                "回复日期 {} 早于整改通知日期 {}",
                iso(date),
                iso(current.issued_on)
            )));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "INSERT INTO rectify_answers (item, answered_on, text, files_json, recorded_by, recorded_at)
             VALUES (:item, :on, :text, :files, :by, :at)",
        )?
        .execute(named_params! {
            ":item": item, ":on": iso(date), ":text": text.trim(), ":files": to_json(&files)?, ":by": by, ":at": now(),
        })?;
        let id = tx.last_insert_rowid();
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        audit(
            &tx,
            reviewer_id,
            &current.case_number,
            Some(&current.item_id),
            AuditAction::RectificationAnswer,
            &format!(
                "{} {} 回复：{}{}",
                current.notice_number,
                iso(date),
                text.trim(),
                if names.is_empty() {
                    String::new()
                } else {
                    format!("（附件：{}）", names.join("、"))
                }
            ),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Records the organiser's verification of a problem (a reason is required; a closed problem
    /// takes no more).
    #[allow(clippy::too_many_arguments)]
    pub fn record_verification(
        &mut self,
        item: i64,
        outcome: Outcome,
        reason: &str,
        date: NaiveDate,
        new_due: Option<NaiveDate>,
        reviewer_id: ReviewerId,
        by: &str,
    ) -> Result<i64, StoreError> {
        let current = self.rectify_item(item)?;
        if let Some(on) = current.closed_on() {
            return Err(StoreError::Refused(format!("问题 {item} 已于 {} 整改销号", iso(on))));
        }
        if reason.trim().is_empty() {
            return Err(StoreError::Refused("核查结果须写明理由（核查了什么、看到什么）".into()));
        }
        if date < current.issued_on {
            return Err(StoreError::Refused(format!(
                "核查日期 {} 早于整改通知日期 {}",
                iso(date),
                iso(current.issued_on)
            )));
        }
        let new_due = if outcome == Outcome::Done { None } else { new_due };
        if let Some(due) = new_due
            && due <= date
        {
            return Err(StoreError::Refused(format!(
                "新的整改期限 {} 应晚于核查日期 {}",
                iso(due),
                iso(date)
            )));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "INSERT INTO rectify_verifications (item, outcome, reason, verified_on, new_due, recorded_by, recorded_at)
             VALUES (:item, :outcome, :reason, :on, :due, :by, :at)",
        )?
        .execute(named_params! {
            ":item": item, ":outcome": outcome.code(), ":reason": reason.trim(), ":on": iso(date),
            ":due": new_due.map(iso), ":by": by, ":at": now(),
        })?;
        let id = tx.last_insert_rowid();
        audit(
            &tx,
            reviewer_id,
            &current.case_number,
            Some(&current.item_id),
            AuditAction::RectificationVerified,
            &format!(
                "{} {} 核查：{}。{}{}",
                current.notice_number,
                iso(date),
                outcome.label(),
                reason.trim(),
                new_due.map(|d| format!("（限 {} 前完成）", iso(d))).unwrap_or_default()
            ),
        )?;
        tx.commit()?;
        Ok(id)
    }
}
