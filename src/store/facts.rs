//! Changes reviewers make to the facts of a case (`domain::case_facts`): append-only rows,
//! applied in order on top of the case as imported whenever a case is loaded. Recording a
//! change is one transaction with its audit row; it drops the case's cached findings (the
//! checks run again on the edited facts) and refreshes the case list's columns and the
//! case's search entry.

use rusqlite::{OptionalExtension, TransactionBehavior, named_params};
use serde_json::Value;

use super::scores::{from_json, now, to_json};
use super::{CaseId, Project, ReviewerId, StoreError};
use crate::domain::case_facts::{self, FactOrigin, FactSource};
use crate::domain::{AuditAction, Case, CodeEnum, DateKey};

/// A recorded change to a fact.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FactEdit {
    /// Row id (the order of changes).
    pub id: i64,
    /// When (local time).
    pub at: String,
    /// Who: reviewer name.
    pub reviewer: String,
    /// Their unit.
    pub unit: String,
    /// The fact (`dates.decision`).
    pub path: String,
    /// The new value (`null`: not stated).
    pub value: Value,
    /// The value before the change.
    pub old: Value,
    /// Typed, accepted from a page, returned …
    pub origin: FactOrigin,
    /// The page the value stands on.
    pub source: Option<FactSource>,
}

/// A change about to be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFactEdit {
    /// The fact.
    pub path: String,
    /// Its new value, as `case_facts::parse` gives it.
    pub value: Value,
    /// How it came about.
    pub origin: FactOrigin,
    /// Where it stands in the case file.
    pub source: Option<FactSource>,
}

/// What recording one change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactEditOutcome {
    /// Recorded as row `id`.
    Recorded {
        /// Row id.
        id: i64,
    },
    /// The fact already had this value: nothing recorded.
    Unchanged,
}

/// The recorded changes of a case number, oldest first.
pub(super) fn edits_of(conn: &rusqlite::Connection, number: &str) -> Result<Vec<FactEdit>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.at, r.name, r.unit, f.path, f.value_json, f.old_json, f.origin, f.source_json
         FROM fact_edits f JOIN reviewers r ON r.id = f.reviewer_id
         WHERE f.case_number = :number ORDER BY f.id",
    )?;
    let rows = stmt.query_map(named_params! {":number": number}, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, Option<String>>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, at, reviewer, unit, path, value, old, origin, source) = row?;
        out.push(FactEdit {
            id,
            at,
            reviewer,
            unit,
            path,
            value: from_json(&value, "案卷事实修改")?,
            old: from_json(&old, "案卷事实修改")?,
            origin: FactOrigin::parse(&origin).unwrap_or(FactOrigin::Typed),
            source: source.as_deref().map(|s| from_json(s, "案卷事实来源")).transpose()?,
        });
    }
    Ok(out)
}

/// Applies recorded changes to an imported case, in order. A change that no longer fits (a
/// newer import has fewer documents) is skipped and named in the returned warnings.
pub fn apply_edits(case: &mut Case, edits: &[FactEdit]) -> Vec<String> {
    let mut warnings = Vec::new();
    for edit in edits {
        if let Err(e) = case_facts::apply(case, &edit.path, &edit.value) {
            warnings.push(format!(
                "{} {} 对案卷事实的修改未能套用到当前版本：{e}",
                edit.at, edit.reviewer
            ));
        }
    }
    warnings
}

/// The case list's columns and the case's search entry, from the edited facts of the current
/// revision of `number`.
pub(super) fn refresh_summary(tx: &rusqlite::Connection, number: &str) -> Result<(), StoreError> {
    let current: Option<(CaseId, String)> = tx
        .prepare_cached("SELECT id, case_json FROM cases WHERE number = :number AND is_current = 1")?
        .query_row(named_params! {":number": number}, |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((id, json)) = current else {
        return Ok(());
    };
    let edits = edits_of(tx, number)?;
    if edits.is_empty() {
        return Ok(());
    }
    let mut case: Case = from_json(&json, "案卷")?;
    apply_edits(&mut case, &edits);
    let date = |key| case.effective_date(key).map(|d| d.format("%Y-%m-%d").to_string());
    tx.prepare_cached(
        "UPDATE cases SET kind = :kind, procedure = :procedure, title = :title, agency = :agency, unit = :unit,
             district = :district, industry = :industry, party = :party, filed_date = :filed,
             decision_date = :decision, document_count = :count
         WHERE id = :id",
    )?
    .execute(named_params! {
        ":id": id,
        ":kind": case.kind.code(),
        ":procedure": case.procedure.map(|p| p.code()),
        ":title": case.title,
        ":agency": case.agency,
        ":unit": case.unit,
        ":district": case.district,
        ":industry": case.industry,
        ":party": case.party.as_ref().map(|p| p.name.clone()),
        ":filed": date(DateKey::Filed),
        ":decision": date(DateKey::Decision),
        ":count": i64::try_from(case.documents.len()).unwrap_or(i64::MAX),
    })?;
    super::cases::reindex_metadata(tx, id, &case)?;
    Ok(())
}

impl Project {
    /// The recorded changes to the facts of a case, oldest first.
    pub fn fact_edits(&self, number: &str) -> Result<Vec<FactEdit>, StoreError> {
        edits_of(&self.conn, number)
    }

    /// Every case number with recorded changes and its changes (for kits and statistics).
    pub fn all_fact_edits(&self) -> Result<std::collections::BTreeMap<String, Vec<FactEdit>>, StoreError> {
        let numbers: Vec<String> = self
            .conn
            .prepare_cached("SELECT DISTINCT case_number FROM fact_edits")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        numbers
            .into_iter()
            .map(|n| Ok((n.clone(), edits_of(&self.conn, &n)?)))
            .collect()
    }

    /// Records changes to the facts of case `number` by reviewer `reviewer_id`, in one
    /// transaction: each is checked against the case as the earlier ones left it; a value
    /// equal to the current one records nothing. Any change that does not fit refuses the
    /// whole batch and names the fact. Refused for a case locked by a sign-off.
    pub fn edit_facts(
        &mut self,
        number: &str,
        reviewer_id: ReviewerId,
        edits: &[NewFactEdit],
    ) -> Result<Vec<FactEditOutcome>, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if super::cases::is_locked(&tx, number)? {
            return Err(StoreError::Refused(format!(
                "案卷 {number} 已复核锁定，不能修改案卷事实（如需修改，请先说明理由解除锁定）"
            )));
        }
        let json: String = tx
            .prepare_cached("SELECT case_json FROM cases WHERE number = :number AND is_current = 1")?
            .query_row(named_params! {":number": number}, |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NoSuchCase(number.to_string()))?;
        let mut case: Case = from_json(&json, "案卷")?;
        let earlier = edits_of(&tx, number)?;
        apply_edits(&mut case, &earlier);
        // The page each fact was last tied to: a new anchor is a change even for the same value.
        let mut anchored: std::collections::HashMap<String, Option<FactSource>> =
            earlier.into_iter().map(|e| (e.path, e.source)).collect();
        let mut outcomes = Vec::with_capacity(edits.len());
        for edit in edits {
            let refused = |e: case_facts::FactError| StoreError::Refused(format!("案卷 {number}：{e}"));
            let field = case_facts::field(&case, &edit.path).map_err(refused)?;
            let old = case_facts::get(&case, &field.path).map_err(refused)?;
            let mut changed = case.clone();
            case_facts::apply(&mut changed, &field.path, &edit.value).map_err(refused)?;
            let new = case_facts::get(&changed, &field.path).map_err(refused)?;
            let new_anchor = edit.source.is_some() && anchored.get(&field.path).cloned().flatten() != edit.source;
            if new == old && !new_anchor {
                outcomes.push(FactEditOutcome::Unchanged);
                continue;
            }
            anchored.insert(field.path.clone(), edit.source.clone());
            let at = now();
            tx.prepare_cached(
                "INSERT INTO fact_edits (case_number, path, value_json, old_json, reviewer_id, at, origin, source_json)
                 VALUES (:case, :path, :value, :old, :r, :at, :origin, :source)",
            )?
            .execute(named_params! {
                ":case": number, ":path": field.path, ":value": to_json(&edit.value)?, ":old": to_json(&old)?,
                ":r": reviewer_id, ":at": at, ":origin": edit.origin.code(),
                ":source": edit.source.as_ref().map(to_json).transpose()?,
            })?;
            let id = tx.last_insert_rowid();
            let shown = |v: &Value, c: &Case| {
                let text = case_facts::display(c, &field.path, v);
                if text.is_empty() {
                    "（未载明）".to_string()
                } else {
                    text
                }
            };
            let mut note = format!(
                "{}：{} → {}（{}",
                field.label,
                shown(&old, &case),
                shown(&new, &changed),
                edit.origin.label()
            );
            if let Some(source) = &edit.source {
                note.push_str(&format!("，第 {} 份文书第 {} 页", source.document, source.page));
            }
            note.push('）');
            tx.prepare_cached(
                "INSERT INTO audit_log (at, reviewer_id, case_number, checklist, item_id, action, old_json, new_json, note)
                 VALUES (:at, :r, :case, NULL, :path, :action, NULL, NULL, :note)",
            )?
            .execute(named_params! {
                ":at": at, ":r": reviewer_id, ":case": number, ":path": field.path,
                ":action": AuditAction::FactEdited.code(), ":note": note,
            })?;
            case = changed;
            outcomes.push(FactEditOutcome::Recorded { id });
        }
        if outcomes.iter().any(|o| matches!(o, FactEditOutcome::Recorded { .. })) {
            // The checks run again on the edited facts.
            tx.prepare_cached(
                "DELETE FROM finding_cache WHERE case_id IN (SELECT id FROM cases WHERE number = :number)",
            )?
            .execute(named_params! {":number": number})?;
            refresh_summary(&tx, number)?;
        }
        tx.commit()?;
        Ok(outcomes)
    }
}
