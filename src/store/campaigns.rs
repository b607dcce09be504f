//! Review campaigns: cases drawn, reviewers (role, public key), assignments, consensus marks,
//! sign-off locks and imported returns. A return's marks replace that reviewer's earlier ones
//! for the campaign in one transaction, with audit rows.

use rusqlite::{OptionalExtension, TransactionBehavior, named_params};

use super::scores::{append_audit, from_json, now, to_json};
use super::{ChecklistKey, Project, ReviewKey, ReviewerId, StoreError};
use crate::domain::{AuditAction, CodeEnum, Mark};

/// A campaign as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CampaignInfo {
    /// Row id.
    pub id: i64,
    /// Random id that returns must carry (a return for another campaign is refused).
    pub uid: String,
    /// Name.
    pub name: String,
    /// Year.
    pub year: i32,
    /// Settings (JSON owned by `review`).
    pub config: serde_json::Value,
    /// Case numbers drawn.
    pub cases: Vec<String>,
}

/// A reviewer in a campaign.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CampaignReviewer {
    /// Reviewer row id.
    pub reviewer_id: ReviewerId,
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// `lead` (组长) or `reviewer`.
    pub role: crate::domain::ReviewerRole,
    /// Team.
    pub team: String,
    /// Hex Ed25519 public key recorded when the kit was issued.
    pub public_key: Option<String>,
}

/// An agreed mark of a consensus (合议). `mark: None` records "no deduction".
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ConsensusMark {
    /// 案号.
    pub case_number: String,
    /// Checklist version key.
    pub checklist: ChecklistKey,
    /// Item.
    pub item: String,
    /// The agreed mark.
    pub mark: Option<Mark>,
    /// Why.
    pub reason: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: String,
}

/// A case's sign-off state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignOff {
    /// Locked?
    pub locked: bool,
    /// By whom.
    pub by: String,
    /// When.
    pub at: String,
    /// Reason (for an unlock).
    pub reason: String,
}

/// One mark of a return, resolved to this project's checklist key.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnMark {
    /// 案号.
    pub case_number: String,
    /// Checklist version key here.
    pub checklist: ChecklistKey,
    /// The mark.
    pub mark: Mark,
}

/// What importing a return did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnOutcome {
    /// The same file was imported before: nothing changed.
    Unchanged,
    /// First return of this reviewer for the campaign.
    Imported,
    /// A later return replaced the earlier one.
    Superseded,
}

/// Refuses a change to a case signed off in any campaign.
pub(super) fn refuse_if_locked(conn: &rusqlite::Connection, case_number: &str) -> Result<(), StoreError> {
    if super::cases::is_locked(conn, case_number)? {
        return Err(StoreError::Locked(case_number.to_string()));
    }
    Ok(())
}

impl Project {
    /// Creates a campaign with its cases.
    pub fn create_campaign(
        &mut self,
        uid: &str,
        name: &str,
        year: i32,
        config: &serde_json::Value,
        cases: &[String],
    ) -> Result<i64, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: Option<i64> = tx
            .prepare_cached("SELECT id FROM campaigns WHERE name = :name")?
            .query_row(named_params! {":name": name}, |r| r.get(0))
            .optional()?;
        if exists.is_some() {
            return Err(StoreError::Refused(format!("评查活动“{name}”已存在")));
        }
        tx.prepare_cached(
            "INSERT INTO campaigns (uid, name, year, config_json, created_at) VALUES (:uid, :name, :year, :config, :at)",
        )?
        .execute(named_params! {":uid": uid, ":name": name, ":year": year, ":config": to_json(config)?, ":at": now()})?;
        let id = tx.last_insert_rowid();
        {
            let mut stmt = tx.prepare_cached("INSERT INTO campaign_cases (campaign, case_number) VALUES (:c, :n)")?;
            for n in cases {
                stmt.execute(named_params! {":c": id, ":n": n})?;
            }
        }
        tx.commit()?;
        Ok(id)
    }

    /// Updates a campaign's settings.
    pub fn set_campaign_config(&mut self, id: i64, config: &serde_json::Value) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE campaigns SET config_json = :config WHERE id = :id")?
            .execute(named_params! {":config": to_json(config)?, ":id": id})?;
        Ok(())
    }

    /// Every campaign, newest first.
    pub fn campaigns(&self) -> Result<Vec<CampaignInfo>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, uid, name, year, config_json FROM campaigns ORDER BY id DESC")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>("id")?,
                r.get::<_, String>("uid")?,
                r.get::<_, String>("name")?,
                r.get::<_, i32>("year")?,
                r.get::<_, String>("config_json")?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, uid, name, year, config) = row?;
            let mut cases_stmt = self
                .conn
                .prepare_cached("SELECT case_number FROM campaign_cases WHERE campaign = :c ORDER BY case_number")?;
            let cases = cases_stmt
                .query_map(named_params! {":c": id}, |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            out.push(CampaignInfo {
                id,
                uid,
                name,
                year,
                config: from_json(&config, "评查活动设置")?,
                cases,
            });
        }
        Ok(out)
    }

    /// A campaign by name.
    pub fn campaign(&self, name: &str) -> Result<CampaignInfo, StoreError> {
        self.campaigns()?
            .into_iter()
            .find(|c| c.name == name)
            .ok_or_else(|| StoreError::Refused(format!("没有名为“{name}”的评查活动")))
    }

    /// Adds or updates a reviewer of a campaign.
    pub fn set_campaign_reviewer(
        &mut self,
        campaign: i64,
        reviewer_id: ReviewerId,
        role: crate::domain::ReviewerRole,
        team: &str,
        public_key: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO campaign_reviewers (campaign, reviewer_id, role, team, public_key)
                 VALUES (:c, :r, :role, :team, :key)
                 ON CONFLICT (campaign, reviewer_id) DO UPDATE SET role = excluded.role, team = excluded.team,
                     public_key = COALESCE(excluded.public_key, campaign_reviewers.public_key)",
            )?
            .execute(
                named_params! {":c": campaign, ":r": reviewer_id, ":role": role.code(), ":team": team, ":key": public_key},
            )?;
        Ok(())
    }

    /// A campaign's reviewers.
    pub fn campaign_reviewers(&self, campaign: i64) -> Result<Vec<CampaignReviewer>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT cr.reviewer_id, r.name, r.unit, cr.role, cr.team, cr.public_key
             FROM campaign_reviewers cr JOIN reviewers r ON r.id = cr.reviewer_id
             WHERE cr.campaign = :c ORDER BY r.name",
        )?;
        let rows = stmt.query_map(named_params! {":c": campaign}, |r| {
            Ok(CampaignReviewer {
                reviewer_id: r.get("reviewer_id")?,
                name: r.get("name")?,
                unit: r.get("unit")?,
                role: {
                    let code: String = r.get("role")?;
                    crate::domain::ReviewerRole::parse(&code).ok_or_else(|| {
                        rusqlite::Error::FromSqlConversionFailure(
                            3,
                            rusqlite::types::Type::Text,
                            format!(
                                "评查员角色“{code}”无法识别（应为 {}）",
                                crate::domain::ReviewerRole::allowed()
                            )
                            .into(),
                        )
                    })?
                },
                team: r.get("team")?,
                public_key: r.get("public_key")?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces a campaign's assignments.
    pub fn set_assignments(&mut self, campaign: i64, pairs: &[(String, ReviewerId)]) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached("DELETE FROM assignments WHERE campaign = :c")?
            .execute(named_params! {":c": campaign})?;
        {
            let mut stmt =
                tx.prepare_cached("INSERT INTO assignments (campaign, case_number, reviewer_id) VALUES (:c, :n, :r)")?;
            for (n, r) in pairs {
                stmt.execute(named_params! {":c": campaign, ":n": n, ":r": r})?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// A campaign's assignments: (case number, reviewer id).
    pub fn assignments(&self, campaign: i64) -> Result<Vec<(String, ReviewerId)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT case_number, reviewer_id FROM assignments WHERE campaign = :c ORDER BY case_number, reviewer_id",
        )?;
        let rows = stmt.query_map(named_params! {":c": campaign}, |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a kit issued to a campaign's reviewer (its file's SHA-256).
    pub fn record_issued_kit(
        &mut self,
        campaign: i64,
        reviewer_id: ReviewerId,
        sha256: &str,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO issued_kits (campaign, reviewer_id, sha256, issued_at) VALUES (:c, :r, :sha, :at)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(named_params! {":c": campaign, ":r": reviewer_id, ":sha": sha256, ":at": now()})?;
        Ok(())
    }

    /// Whether this project issued that kit to that reviewer.
    pub fn issued_kit(&self, campaign: i64, reviewer_id: ReviewerId, sha256: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM issued_kits WHERE campaign = :c AND reviewer_id = :r AND sha256 = :sha")?
            .query_row(named_params! {":c": campaign, ":r": reviewer_id, ":sha": sha256}, |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
            .is_some())
    }

    /// Imports a reviewer's return: checks the file was not imported before, then replaces
    /// the reviewer's marks on the campaign's cases with the returned ones, marks the reviews
    /// done as returned, and appends audit rows — one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn import_return(
        &mut self,
        campaign: i64,
        reviewer_id: ReviewerId,
        sha256: &str,
        sequence: u64,
        marks: &[ReturnMark],
        reviewed: &[(String, ChecklistKey, String)],
        note: &str,
    ) -> Result<ReturnOutcome, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let previous: Option<(String, i64)> = tx
            .prepare_cached("SELECT sha256, sequence FROM returns WHERE campaign = :c AND reviewer_id = :r")?
            .query_row(named_params! {":c": campaign, ":r": reviewer_id}, |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((hash, newest)) = &previous {
            if hash == sha256 {
                return Ok(ReturnOutcome::Unchanged);
            }
            // An older return replayed after a newer one would roll the marks back.
            if i64::try_from(sequence).unwrap_or(i64::MAX) <= *newest {
                return Err(StoreError::Refused(format!(
                    "旧回收包（第{sequence}号）：已导入更新的第{newest}号回收包"
                )));
            }
        }
        let previous = previous.map(|(hash, _)| hash);
        let cases: Vec<String> = tx
            .prepare_cached("SELECT case_number FROM assignments WHERE campaign = :c AND reviewer_id = :r")?
            .query_map(named_params! {":c": campaign, ":r": reviewer_id}, |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for case in &cases {
            refuse_if_locked(&tx, case)?;
        }
        let outcome = if previous.is_some() {
            ReturnOutcome::Superseded
        } else {
            ReturnOutcome::Imported
        };
        let action = if previous.is_some() {
            AuditAction::ReturnSuperseded
        } else {
            AuditAction::ReturnImported
        };
        for case in &cases {
            tx.prepare_cached("DELETE FROM marks WHERE case_number = :case AND reviewer_id = :r")?
                .execute(named_params! {":case": case, ":r": reviewer_id})?;
        }
        for m in marks {
            let key = ReviewKey {
                case_number: m.case_number.clone(),
                reviewer_id,
                checklist: m.checklist,
            };
            tx.prepare_cached(
                "INSERT INTO reviews (case_number, reviewer_id, checklist) VALUES (:case, :r, :k) ON CONFLICT DO NOTHING",
            )?
            .execute(named_params! {":case": key.case_number, ":r": reviewer_id, ":k": key.checklist})?;
            tx.prepare_cached("UPDATE checklists SET frozen = 1 WHERE id = :k")?
                .execute(named_params! {":k": key.checklist})?;
            tx.prepare_cached(
                "INSERT INTO marks (case_number, reviewer_id, checklist, item_id, mark_json, updated_at)
                 VALUES (:case, :r, :k, :item, :json, :at)",
            )?
            .execute(named_params! {
                ":case": key.case_number, ":r": reviewer_id, ":k": key.checklist, ":item": m.mark.item,
                ":json": to_json(&m.mark)?, ":at": now(),
            })?;
            append_audit(
                &tx,
                &key,
                Some(&m.mark.item),
                action,
                None,
                Some(&to_json(&m.mark)?),
                note,
            )?;
        }
        for (case, checklist, at) in reviewed {
            tx.prepare_cached(
                "INSERT INTO reviews (case_number, reviewer_id, checklist, reviewed_at) VALUES (:case, :r, :k, :at)
                 ON CONFLICT (case_number, reviewer_id, checklist) DO UPDATE SET reviewed_at = excluded.reviewed_at",
            )?
            .execute(named_params! {":case": case, ":r": reviewer_id, ":k": checklist, ":at": at})?;
        }
        tx.prepare_cached(
            "INSERT INTO returns (campaign, reviewer_id, sha256, imported_at, sequence) VALUES (:c, :r, :sha, :at, :seq)
             ON CONFLICT (campaign, reviewer_id) DO UPDATE SET sha256 = excluded.sha256,
                 imported_at = excluded.imported_at, sequence = excluded.sequence",
        )?
        .execute(named_params! {
            ":c": campaign, ":r": reviewer_id, ":sha": sha256, ":at": now(),
            ":seq": i64::try_from(sequence).unwrap_or(i64::MAX),
        })?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Records (or replaces) an agreed mark of a consensus, audited under `reviewer_id` (the
    /// organiser or team lead recording it). The reviewers' own marks are not touched.
    pub fn set_consensus(
        &mut self,
        campaign: i64,
        reviewer_id: ReviewerId,
        consensus: &ConsensusMark,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        refuse_if_locked(&tx, &consensus.case_number)?;
        let old: Option<Option<String>> = tx
            .prepare_cached(
                "SELECT mark_json FROM consensus_marks WHERE campaign = :c AND case_number = :case
                 AND checklist = :k AND item_id = :item",
            )?
            .query_row(
                named_params! {":c": campaign, ":case": consensus.case_number, ":k": consensus.checklist, ":item": consensus.item},
                |r| r.get(0),
            )
            .optional()?;
        let json = consensus.mark.as_ref().map(to_json).transpose()?;
        tx.prepare_cached(
            "INSERT INTO consensus_marks (campaign, case_number, checklist, item_id, mark_json, reason, recorded_by, recorded_at)
             VALUES (:c, :case, :k, :item, :json, :reason, :by, :at)
             ON CONFLICT (campaign, case_number, checklist, item_id) DO UPDATE SET mark_json = excluded.mark_json,
                 reason = excluded.reason, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        )?
        .execute(named_params! {
            ":c": campaign, ":case": consensus.case_number, ":k": consensus.checklist, ":item": consensus.item,
            ":json": json, ":reason": consensus.reason, ":by": consensus.recorded_by, ":at": now(),
        })?;
        let key = ReviewKey {
            case_number: consensus.case_number.clone(),
            reviewer_id,
            checklist: consensus.checklist,
        };
        append_audit(
            &tx,
            &key,
            Some(&consensus.item),
            AuditAction::Consensus,
            old.flatten().as_deref(),
            json.as_deref(),
            &consensus.reason,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A case's consensus marks in a campaign.
    pub fn consensus(&self, campaign: i64, case_number: &str) -> Result<Vec<ConsensusMark>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT case_number, checklist, item_id, mark_json, reason, recorded_by, recorded_at FROM consensus_marks
             WHERE campaign = :c AND case_number = :case ORDER BY item_id",
        )?;
        let rows = stmt.query_map(named_params! {":c": campaign, ":case": case_number}, consensus_row)?;
        rows.map(|row| consensus_mark(row?)).collect()
    }

    /// Every consensus mark of a campaign, by case (one query for a whole report).
    pub fn campaign_consensus(
        &self,
        campaign: i64,
    ) -> Result<std::collections::BTreeMap<String, Vec<ConsensusMark>>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT case_number, checklist, item_id, mark_json, reason, recorded_by, recorded_at FROM consensus_marks
             WHERE campaign = :c ORDER BY case_number, item_id",
        )?;
        let rows = stmt.query_map(named_params! {":c": campaign}, consensus_row)?;
        let mut out: std::collections::BTreeMap<String, Vec<ConsensusMark>> = std::collections::BTreeMap::new();
        for row in rows {
            let mark = consensus_mark(row?)?;
            out.entry(mark.case_number.clone()).or_default().push(mark);
        }
        Ok(out)
    }

    /// Every sign-off state of a campaign, by case.
    pub fn campaign_signoffs(&self, campaign: i64) -> Result<std::collections::BTreeMap<String, SignOff>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT case_number, locked, by_name, at, reason FROM signoffs WHERE campaign = :c")?;
        let rows = stmt.query_map(named_params! {":c": campaign}, |r| {
            Ok((
                r.get::<_, String>(0)?,
                SignOff {
                    locked: r.get(1)?,
                    by: r.get(2)?,
                    at: r.get(3)?,
                    reason: r.get(4)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every reviewer's marks on every case (case number → reviewer id, checklist key, mark),
    /// in one query.
    pub fn all_marks(&self) -> Result<MarksByCase, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT case_number, reviewer_id, checklist, mark_json FROM marks ORDER BY case_number, reviewer_id, item_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, ReviewerId>(1)?,
                r.get::<_, ChecklistKey>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = MarksByCase::new();
        for row in rows {
            let (case, reviewer, checklist, json) = row?;
            out.entry(case)
                .or_default()
                .push((reviewer, checklist, from_json(&json, "评分记录")?));
        }
        Ok(out)
    }

    /// Every review (case number, reviewer id, checklist key) that exists, in one query.
    pub fn all_reviews(&self) -> Result<std::collections::BTreeSet<(String, ReviewerId, ChecklistKey)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT case_number, reviewer_id, checklist FROM reviews")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Signs a case off (locks it) or unlocks it with a reason; audited. An unlock that
    /// leaves the case locked by no campaign makes a revision imported meanwhile current and
    /// returns its number.
    pub fn set_signoff(
        &mut self,
        campaign: i64,
        reviewer_id: ReviewerId,
        case_number: &str,
        lock: bool,
        by: &str,
        reason: &str,
    ) -> Result<Option<i64>, StoreError> {
        if !lock && reason.trim().is_empty() {
            return Err(StoreError::Refused("解除复核锁定须填写理由".into()));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "INSERT INTO signoffs (campaign, case_number, locked, by_name, at, reason) VALUES (:c, :case, :l, :by, :at, :reason)
             ON CONFLICT (campaign, case_number) DO UPDATE SET locked = excluded.locked, by_name = excluded.by_name,
                 at = excluded.at, reason = excluded.reason",
        )?
        .execute(named_params! {":c": campaign, ":case": case_number, ":l": lock, ":by": by, ":at": now(), ":reason": reason})?;
        // The audit row names no checklist: sign-off concerns the whole case.
        tx.prepare_cached(
            "INSERT INTO audit_log (at, reviewer_id, case_number, checklist, item_id, action, old_json, new_json, note)
             VALUES (:at, :r, :case, NULL, NULL, :action, NULL, NULL, :note)",
        )?
        .execute(named_params! {
            ":at": now(), ":r": reviewer_id, ":case": case_number,
            ":action": if lock { AuditAction::SignedOff } else { AuditAction::Unlocked }.code(), ":note": reason,
        })?;
        let released = if lock {
            None
        } else {
            super::cases::release_held(&tx, case_number)?
        };
        tx.commit()?;
        Ok(released)
    }

    /// How many of a campaign's drawn cases an assigned reviewer has scored (the cases its
    /// report counts), and how many were drawn.
    pub fn campaign_progress(&self, campaign: i64) -> Result<(usize, usize), StoreError> {
        let scored: i64 = self
            .conn
            .prepare_cached(
                "SELECT COUNT(DISTINCT a.case_number) FROM assignments a
                   JOIN campaign_cases cc ON cc.campaign = a.campaign AND cc.case_number = a.case_number
                   JOIN reviews r ON r.case_number = a.case_number AND r.reviewer_id = a.reviewer_id
                  WHERE a.campaign = :c",
            )?
            .query_row(named_params! {":c": campaign}, |r| r.get(0))?;
        let drawn: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM campaign_cases WHERE campaign = :c")?
            .query_row(named_params! {":c": campaign}, |r| r.get(0))?;
        Ok((
            usize::try_from(scored).unwrap_or(0),
            usize::try_from(drawn).unwrap_or(0),
        ))
    }

    /// A case's sign-off state in a campaign.
    pub fn signoff(&self, campaign: i64, case_number: &str) -> Result<Option<SignOff>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT locked, by_name, at, reason FROM signoffs WHERE campaign = :c AND case_number = :case",
            )?
            .query_row(named_params! {":c": campaign, ":case": case_number}, |r| {
                Ok(SignOff {
                    locked: r.get(0)?,
                    by: r.get(1)?,
                    at: r.get(2)?,
                    reason: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// Every reviewer's marks on a case (reviewer id, checklist key, marks).
    pub fn marks_of_case(&self, case_number: &str) -> Result<Vec<(ReviewerId, ChecklistKey, Mark)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT reviewer_id, checklist, mark_json FROM marks WHERE case_number = :case ORDER BY reviewer_id, item_id",
        )?;
        let rows = stmt.query_map(named_params! {":case": case_number}, |r| {
            Ok((
                r.get::<_, ReviewerId>(0)?,
                r.get::<_, ChecklistKey>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (reviewer, checklist, json) = row?;
            out.push((reviewer, checklist, from_json(&json, "评分记录")?));
        }
        Ok(out)
    }
}

/// Every reviewer's marks by case number: (reviewer id, checklist key, mark).
pub type MarksByCase = std::collections::BTreeMap<String, Vec<(ReviewerId, ChecklistKey, Mark)>>;

type ConsensusRow = (String, ChecklistKey, String, Option<String>, String, String, String);

fn consensus_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConsensusRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn consensus_mark(row: ConsensusRow) -> Result<ConsensusMark, StoreError> {
    let (case_number, checklist, item, json, reason, recorded_by, recorded_at) = row;
    Ok(ConsensusMark {
        case_number,
        checklist,
        item,
        mark: json.map(|j| from_json(&j, "合议记录")).transpose()?,
        reason,
        recorded_by,
        recorded_at,
    })
}
