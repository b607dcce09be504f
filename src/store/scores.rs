//! Scoring data: checklist versions, reviewers, marks, review state, the append-only audit
//! log, the finding library and decisions on the automatic checks' findings.
//!
//! Every change of a mark is one transaction that writes the mark and its audit row
//! together, so a crash leaves either both or neither. A checklist version is frozen in the
//! same transaction as the first mark that uses it.

use rusqlite::{OptionalExtension, TransactionBehavior, named_params};

use super::{ChecklistKey, Project, ReviewerId, StoreError};
use crate::domain::{AuditAction, Checklist, CodeEnum, LibraryEntry, Mark};

/// A checklist version as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredChecklist {
    /// Row id: what marks refer to.
    pub key: ChecklistKey,
    /// The checklist.
    pub checklist: Checklist,
    /// The TOML it was read from.
    pub source_toml: String,
    /// Whether any mark uses it (then it can no longer change).
    pub frozen: bool,
}

/// A reviewer (评查员).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reviewer {
    /// Row id.
    pub id: ReviewerId,
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
}

/// Whose marks on which case under which checklist version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewKey {
    /// 案号.
    pub case_number: String,
    /// Reviewer row id.
    pub reviewer_id: ReviewerId,
    /// Checklist version key.
    pub checklist: ChecklistKey,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AuditEntry {
    /// Row id (the order of changes).
    pub id: i64,
    /// When (local time).
    pub at: String,
    /// Reviewer name.
    pub reviewer: String,
    /// Reviewer unit.
    pub unit: String,
    /// Checklist name and version, when the change concerns one.
    pub checklist: Option<String>,
    /// Item id.
    pub item: Option<String>,
    /// `mark`, `undo`, `redo`, `reviewed`, `reopened`, `finding_accepted`, `finding_rejected`.
    pub action: String,
    /// The mark before.
    pub old: Option<Mark>,
    /// The mark after.
    pub new: Option<Mark>,
    /// Reason or note.
    pub note: String,
}

/// A reviewer's decision on one finding of the automatic checks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FindingDecision {
    /// Rule id.
    pub rule: String,
    /// The finding's message (identifies it within the rule).
    pub message: String,
    /// Accepted into a mark, or rejected.
    pub accepted: bool,
    /// Why (rejections) or the mark's reason (acceptances).
    pub reason: String,
    /// The item the accepted finding was marked on.
    pub item: Option<String>,
}

pub(super) fn now() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(super) fn from_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

impl Project {
    /// Every checklist version, by checklist id and version.
    pub fn checklists(&self) -> Result<Vec<StoredChecklist>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, source_toml, checklist_json, frozen FROM checklists ORDER BY checklist_id, version",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok((
                row.get::<_, ChecklistKey>("id")?,
                row.get::<_, String>("source_toml")?,
                row.get::<_, String>("checklist_json")?,
                row.get::<_, bool>("frozen")?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, source_toml, json, frozen) = row?;
            out.push(StoredChecklist {
                key,
                checklist: from_json(&json, "评查标准")?,
                source_toml,
                frozen,
            });
        }
        Ok(out)
    }

    /// One checklist version.
    pub fn checklist(&self, key: ChecklistKey) -> Result<StoredChecklist, StoreError> {
        self.checklists()?
            .into_iter()
            .find(|c| c.key == key)
            .ok_or_else(|| StoreError::Corrupt(format!("评查标准 {key} 不存在")))
    }

    /// Adds a checklist version unless a version of the same checklist id exists (seeding the
    /// defaults). Returns the new key, or `None` when it was already there.
    pub fn seed_checklist(
        &mut self,
        checklist: &Checklist,
        source_toml: &str,
    ) -> Result<Option<ChecklistKey>, StoreError> {
        let exists: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM checklists WHERE checklist_id = :id LIMIT 1")?
            .query_row(named_params! {":id": checklist.id}, |r| r.get(0))
            .optional()?;
        if exists.is_some() {
            return Ok(None);
        }
        self.insert_checklist(checklist, source_toml).map(Some)
    }

    fn insert_checklist(&self, checklist: &Checklist, source_toml: &str) -> Result<ChecklistKey, StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO checklists (checklist_id, version, name, source_toml, checklist_json, created_at)
                 VALUES (:id, :version, :name, :toml, :json, :at)",
            )?
            .execute(named_params! {
                ":id": checklist.id,
                ":version": checklist.version,
                ":name": checklist.name,
                ":toml": source_toml,
                ":json": to_json(checklist)?,
                ":at": now(),
            })?;
        Ok(ChecklistKey(self.conn.last_insert_rowid()))
    }

    /// Saves an edited checklist. When its newest stored version is frozen (a score uses
    /// it), or the checklist is new, it becomes a new version; otherwise the unfrozen newest
    /// version is replaced. `to_toml` writes the TOML of the checklist with its final
    /// version number. Returns the key and the version.
    pub fn save_checklist(
        &mut self,
        checklist: &Checklist,
        to_toml: impl Fn(&Checklist) -> String,
    ) -> Result<(ChecklistKey, u32), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let newest: Option<(ChecklistKey, u32, bool)> = tx
            .prepare_cached(
                "SELECT id, version, frozen FROM checklists WHERE checklist_id = :id ORDER BY version DESC LIMIT 1",
            )?
            .query_row(named_params! {":id": checklist.id}, |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let mut saved = checklist.clone();
        let key = match newest {
            Some((key, version, false)) => {
                saved.version = version;
                tx.prepare_cached(
                    "UPDATE checklists SET name = :name, source_toml = :toml, checklist_json = :json
                     WHERE id = :key AND frozen = 0",
                )?
                .execute(named_params! {
                    ":name": saved.name,
                    ":toml": to_toml(&saved),
                    ":json": to_json(&saved)?,
                    ":key": key,
                })?;
                key
            }
            other => {
                saved.version = other.map_or(checklist.version.max(1), |(_, v, _)| v + 1);
                tx.prepare_cached(
                    "INSERT INTO checklists (checklist_id, version, name, source_toml, checklist_json, created_at)
                     VALUES (:id, :version, :name, :toml, :json, :at)",
                )?
                .execute(named_params! {
                    ":id": saved.id,
                    ":version": saved.version,
                    ":name": saved.name,
                    ":toml": to_toml(&saved),
                    ":json": to_json(&saved)?,
                    ":at": now(),
                })?;
                ChecklistKey(tx.last_insert_rowid())
            }
        };
        tx.commit()?;
        Ok((key, saved.version))
    }

    /// The reviewer with this name and unit, created if new.
    pub fn reviewer(&self, name: &str, unit: &str) -> Result<Reviewer, StoreError> {
        self.conn
            .prepare_cached("INSERT INTO reviewers (name, unit) VALUES (:name, :unit) ON CONFLICT DO NOTHING")?
            .execute(named_params! {":name": name, ":unit": unit})?;
        let id = self
            .conn
            .prepare_cached("SELECT id FROM reviewers WHERE name = :name AND unit = :unit")?
            .query_row(named_params! {":name": name, ":unit": unit}, |r| r.get(0))?;
        Ok(Reviewer {
            id,
            name: name.to_string(),
            unit: unit.to_string(),
        })
    }

    /// Every reviewer who has been in this project.
    pub fn reviewers(&self) -> Result<Vec<Reviewer>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, unit FROM reviewers ORDER BY name, unit")?;
        let rows = stmt.query_map([], |r| {
            Ok(Reviewer {
                id: r.get("id")?,
                name: r.get("name")?,
                unit: r.get("unit")?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The checklist versions a reviewer has used on a case, with when the review was marked
    /// done.
    pub fn reviews_of(
        &self,
        case_number: &str,
        reviewer_id: ReviewerId,
    ) -> Result<Vec<(ChecklistKey, Option<String>)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT checklist, reviewed_at FROM reviews WHERE case_number = :case AND reviewer_id = :reviewer",
        )?;
        let rows = stmt.query_map(named_params! {":case": case_number, ":reviewer": reviewer_id}, |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks of one review.
    pub fn marks(&self, key: &ReviewKey) -> Result<Vec<Mark>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT mark_json FROM marks
             WHERE case_number = :case AND reviewer_id = :reviewer AND checklist = :checklist
             ORDER BY item_id",
        )?;
        let rows = stmt.query_map(
            named_params! {":case": key.case_number, ":reviewer": key.reviewer_id, ":checklist": key.checklist},
            |r| r.get::<_, String>(0),
        )?;
        let mut out = Vec::new();
        for row in rows {
            out.push(from_json(&row?, "评分记录")?);
        }
        Ok(out)
    }

    /// Sets (`Some`) or clears (`None`) the mark on `item`, writing the audit row in the same
    /// transaction. `action` is `mark`, `undo` or `redo`; `note` is kept in the log. Returns
    /// the mark that was there before.
    pub fn set_mark(
        &mut self,
        key: &ReviewKey,
        item: &str,
        mark: Option<&Mark>,
        action: AuditAction,
        note: &str,
    ) -> Result<Option<Mark>, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let params =
            named_params! {":case": key.case_number, ":reviewer": key.reviewer_id, ":checklist": key.checklist};
        tx.prepare_cached(
            "INSERT INTO reviews (case_number, reviewer_id, checklist) VALUES (:case, :reviewer, :checklist)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params)?;
        tx.prepare_cached("UPDATE checklists SET frozen = 1 WHERE id = :checklist AND frozen = 0")?
            .execute(named_params! {":checklist": key.checklist})?;
        let old_json: Option<String> = tx
            .prepare_cached(
                "SELECT mark_json FROM marks WHERE case_number = :case AND reviewer_id = :reviewer
                 AND checklist = :checklist AND item_id = :item",
            )?
            .query_row(
                named_params! {":case": key.case_number, ":reviewer": key.reviewer_id, ":checklist": key.checklist, ":item": item},
                |r| r.get(0),
            )
            .optional()?;
        let new_json = mark.map(to_json).transpose()?;
        if old_json == new_json {
            return old_json.map(|j| from_json(&j, "评分记录")).transpose();
        }
        match &new_json {
            Some(json) => {
                tx.prepare_cached(
                    "INSERT INTO marks (case_number, reviewer_id, checklist, item_id, mark_json, updated_at)
                     VALUES (:case, :reviewer, :checklist, :item, :json, :at)
                     ON CONFLICT (case_number, reviewer_id, checklist, item_id)
                     DO UPDATE SET mark_json = excluded.mark_json, updated_at = excluded.updated_at",
                )?
                .execute(named_params! {
                    ":case": key.case_number, ":reviewer": key.reviewer_id, ":checklist": key.checklist,
                    ":item": item, ":json": json, ":at": now(),
                })?;
            }
            None => {
                tx.prepare_cached(
                    "DELETE FROM marks WHERE case_number = :case AND reviewer_id = :reviewer
                     AND checklist = :checklist AND item_id = :item",
                )?
                .execute(named_params! {
                    ":case": key.case_number, ":reviewer": key.reviewer_id, ":checklist": key.checklist, ":item": item,
                })?;
            }
        }
        append_audit(
            &tx,
            key,
            Some(item),
            action,
            old_json.as_deref(),
            new_json.as_deref(),
            note,
        )?;
        tx.commit()?;
        old_json.map(|j| from_json(&j, "评分记录")).transpose()
    }

    /// Marks a review done (`true`) or reopens it, with an audit row.
    pub fn set_reviewed(&mut self, key: &ReviewKey, done: bool) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "INSERT INTO reviews (case_number, reviewer_id, checklist) VALUES (:case, :reviewer, :checklist)
             ON CONFLICT DO NOTHING",
        )?
        .execute(named_params! {":case": key.case_number, ":reviewer": key.reviewer_id, ":checklist": key.checklist})?;
        tx.prepare_cached("UPDATE checklists SET frozen = 1 WHERE id = :checklist AND frozen = 0")?
            .execute(named_params! {":checklist": key.checklist})?;
        let at = done.then(now);
        tx.prepare_cached(
            "UPDATE reviews SET reviewed_at = :at
             WHERE case_number = :case AND reviewer_id = :reviewer AND checklist = :checklist",
        )?
        .execute(named_params! {
            ":at": at, ":case": key.case_number, ":reviewer": key.reviewer_id, ":checklist": key.checklist,
        })?;
        let action = if done {
            AuditAction::Reviewed
        } else {
            AuditAction::Reopened
        };
        append_audit(&tx, key, None, action, None, None, "")?;
        tx.commit()?;
        Ok(())
    }

    /// Case numbers a reviewer has marked done, with the time.
    pub fn reviewed_cases(&self, reviewer_id: ReviewerId) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT case_number, MAX(reviewed_at) FROM reviews
             WHERE reviewer_id = :reviewer AND reviewed_at IS NOT NULL GROUP BY case_number",
        )?;
        let rows = stmt.query_map(named_params! {":reviewer": reviewer_id}, |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Where a reviewer stands with each case they have touched, by case number (a case not
    /// listed is 未评); a case locked by a campaign sign-off is 已复核 for everyone.
    pub fn review_states(
        &self,
        reviewer_id: Option<ReviewerId>,
    ) -> Result<std::collections::HashMap<String, crate::domain::ReviewState>, StoreError> {
        use crate::domain::ReviewState;
        let mut states = std::collections::HashMap::new();
        if let Some(reviewer) = reviewer_id {
            let mut stmt = self.conn.prepare_cached(
                "SELECT case_number, COUNT(*), COUNT(reviewed_at) FROM reviews
                 WHERE reviewer_id = :reviewer GROUP BY case_number",
            )?;
            let rows = stmt.query_map(named_params! {":reviewer": reviewer}, |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
            })?;
            for row in rows {
                let (number, reviews, done) = row?;
                let state = if done == reviews {
                    ReviewState::Done
                } else {
                    ReviewState::InProgress
                };
                states.insert(number, state);
            }
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT case_number FROM signoffs WHERE locked = 1")?;
        for number in stmt.query_map([], |r| r.get::<_, String>(0))? {
            states.insert(number?, ReviewState::SignedOff);
        }
        Ok(states)
    }

    /// The audit log of a case, oldest first.
    pub fn audit(&self, case_number: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.at, r.name, r.unit, c.name AS checklist_name, c.version, a.item_id, a.action,
                    a.old_json, a.new_json, a.note
             FROM audit_log a JOIN reviewers r ON r.id = a.reviewer_id
             LEFT JOIN checklists c ON c.id = a.checklist
             WHERE a.case_number = :case ORDER BY a.id",
        )?;
        let rows = stmt.query_map(named_params! {":case": case_number}, |r| {
            let checklist: Option<String> = r.get("checklist_name")?;
            let version: Option<u32> = r.get("version")?;
            Ok((
                AuditEntry {
                    id: r.get("id")?,
                    at: r.get("at")?,
                    reviewer: r.get("name")?,
                    unit: r.get("unit")?,
                    checklist: checklist.map(|n| format!("{n}（第{}版）", version.unwrap_or(1))),
                    item: r.get("item_id")?,
                    action: r.get("action")?,
                    old: None,
                    new: None,
                    note: r.get("note")?,
                },
                r.get::<_, Option<String>>("old_json")?,
                r.get::<_, Option<String>>("new_json")?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (mut entry, old, new) = row?;
            entry.old = old.map(|j| from_json(&j, "审计记录")).transpose()?;
            entry.new = new.map(|j| from_json(&j, "审计记录")).transpose()?;
            out.push(entry);
        }
        Ok(out)
    }

    /// The finding library, by category and code.
    pub fn library(&self) -> Result<Vec<LibraryEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code, category, wording, basis, advice FROM finding_library ORDER BY code")?;
        let rows = stmt.query_map([], |r| {
            Ok(LibraryEntry {
                code: r.get("code")?,
                category: r.get("category")?,
                wording: r.get("wording")?,
                basis: r.get("basis")?,
                advice: r.get("advice")?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds the seed entries whose codes are not in the library yet.
    pub fn seed_library(&mut self, entries: &[LibraryEntry]) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let mut added = 0;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO finding_library (code, category, wording, basis, advice, origin, created_at)
                 VALUES (:code, :category, :wording, :basis, :advice, 'seed', :at) ON CONFLICT DO NOTHING",
            )?;
            let at = now();
            for e in entries {
                added += stmt.execute(named_params! {
                    ":code": e.code, ":category": e.category, ":wording": e.wording,
                    ":basis": e.basis, ":advice": e.advice, ":at": at,
                })?;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// Saves a reviewer's new wording to the library under the next free `R-NNN` code.
    pub fn add_library_entry(
        &mut self,
        reviewer_id: ReviewerId,
        entry: &LibraryEntry,
    ) -> Result<LibraryEntry, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last: Option<i64> = tx
            .prepare_cached("SELECT MAX(CAST(substr(code, 3) AS INTEGER)) FROM finding_library WHERE code LIKE 'R-%'")?
            .query_row([], |r| r.get(0))?;
        let code = format!("R-{:03}", last.unwrap_or(0) + 1);
        tx.prepare_cached(
            "INSERT INTO finding_library (code, category, wording, basis, advice, origin, created_by, created_at)
             VALUES (:code, :category, :wording, :basis, :advice, 'reviewer', :reviewer, :at)",
        )?
        .execute(named_params! {
            ":code": code, ":category": entry.category, ":wording": entry.wording, ":basis": entry.basis,
            ":advice": entry.advice, ":reviewer": reviewer_id, ":at": now(),
        })?;
        tx.commit()?;
        Ok(LibraryEntry { code, ..entry.clone() })
    }

    /// Records a reviewer's decision on a finding (replacing an earlier one), with an audit row.
    pub fn decide_finding(&mut self, key: &ReviewKey, decision: &FindingDecision) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "INSERT INTO finding_decisions
                 (case_number, reviewer_id, rule, message, decision, reason, item_id, decided_at)
             VALUES (:case, :reviewer, :rule, :message, :decision, :reason, :item, :at)
             ON CONFLICT (case_number, reviewer_id, rule, message) DO UPDATE SET
                 decision = excluded.decision, reason = excluded.reason, item_id = excluded.item_id,
                 decided_at = excluded.decided_at",
        )?
        .execute(named_params! {
            ":case": key.case_number, ":reviewer": key.reviewer_id, ":rule": decision.rule,
            ":message": decision.message, ":decision": if decision.accepted { "accepted" } else { "rejected" },
            ":reason": decision.reason, ":item": decision.item, ":at": now(),
        })?;
        let action = if decision.accepted {
            AuditAction::FindingAccepted
        } else {
            AuditAction::FindingRejected
        };
        let note = format!("规则 {}：{}（{}）", decision.rule, decision.message, decision.reason);
        append_audit(&tx, key, decision.item.as_deref(), action, None, None, &note)?;
        tx.commit()?;
        Ok(())
    }

    /// Withdraws a reviewer's decision on a finding (the undo of an acceptance): the finding
    /// is undecided again; the audit log keeps both the decision and its withdrawal.
    pub fn withdraw_finding_decision(&mut self, key: &ReviewKey, decision: &FindingDecision) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let removed = tx
            .prepare_cached(
                "DELETE FROM finding_decisions
                  WHERE case_number = :case AND reviewer_id = :reviewer AND rule = :rule AND message = :message",
            )?
            .execute(named_params! {
                ":case": key.case_number, ":reviewer": key.reviewer_id, ":rule": decision.rule,
                ":message": decision.message,
            })?;
        if removed > 0 {
            let note = format!("规则 {}：{}（撤销）", decision.rule, decision.message);
            append_audit(
                &tx,
                key,
                decision.item.as_deref(),
                AuditAction::FindingWithdrawn,
                None,
                None,
                &note,
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A reviewer's decisions on a case's findings.
    pub fn finding_decisions(
        &self,
        case_number: &str,
        reviewer_id: ReviewerId,
    ) -> Result<Vec<FindingDecision>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rule, message, decision, reason, item_id FROM finding_decisions
             WHERE case_number = :case AND reviewer_id = :reviewer ORDER BY rule, message",
        )?;
        let rows = stmt.query_map(named_params! {":case": case_number, ":reviewer": reviewer_id}, |r| {
            Ok(FindingDecision {
                rule: r.get("rule")?,
                message: r.get("message")?,
                accepted: r.get::<_, String>("decision")? == "accepted",
                reason: r.get("reason")?,
                item: r.get("item_id")?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

pub(super) fn append_audit(
    tx: &rusqlite::Transaction<'_>,
    key: &ReviewKey,
    item: Option<&str>,
    action: AuditAction,
    old_json: Option<&str>,
    new_json: Option<&str>,
    note: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO audit_log (at, reviewer_id, case_number, checklist, item_id, action, old_json, new_json, note)
         VALUES (:at, :reviewer, :case, :checklist, :item, :action, :old, :new, :note)",
    )?
    .execute(named_params! {
        ":at": now(), ":reviewer": key.reviewer_id, ":case": key.case_number, ":checklist": key.checklist,
        ":item": item, ":action": action.code(), ":old": old_json, ":new": new_json, ":note": note,
    })?;
    Ok(())
}
