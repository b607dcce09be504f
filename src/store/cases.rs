//! Cases, their documents and revisions, and the officer registry.
//!
//! Saving a case is one transaction: the case row, its documents, its file rows and its
//! full-text entries all land together or not at all.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, TransactionBehavior, named_params};

use super::{CaseId, Project, StoreError};
use crate::domain::{Case, CaseKind, CaseOrigin, CodeEnum, DateKey, Procedure, RegisteredOfficer};

/// A document of a case about to be saved.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDocument {
    /// The stored file, when the document has one in the package.
    pub blob: Option<super::StoredBlob>,
    /// `text`, `no_text`, `not_pdf`, `unreadable` or `missing`.
    pub text_status: String,
    /// Extracted text for the index.
    pub text: Option<String>,
    /// Page count read from the file.
    pub page_count: Option<u32>,
    /// Pages without text of their own in a PDF that has a text layer (for OCR).
    pub bare_pages: Vec<u32>,
}

/// A case about to be saved. `documents` follows `case.documents` one to one.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The case.
    pub case: Case,
    /// Hash identifying the package content; equal fingerprints mean "unchanged".
    pub fingerprint: String,
    /// Where it was imported from.
    pub source_path: String,
    /// Warnings from reading it.
    pub warnings: Vec<String>,
    /// Stored files and text, per document.
    pub documents: Vec<NewDocument>,
    /// Every stored file of the package (documents and recordings) by package path.
    pub files: Vec<(String, super::StoredBlob)>,
}

/// What saving a case did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    /// A new case.
    Imported {
        /// Row id.
        id: CaseId,
    },
    /// The same content was already the current revision: nothing changed.
    Unchanged {
        /// Row id of the existing revision.
        id: CaseId,
    },
    /// The case number existed with other content: stored as a new revision, old one kept.
    Revised {
        /// Row id of the new revision.
        id: CaseId,
        /// The new revision number (1 is the first import).
        revision: i64,
    },
    /// A ledger row for a case already imported from a package: the package is kept.
    KeptPackage {
        /// Row id of the package case.
        id: CaseId,
    },
    /// The case is locked by a campaign sign-off: the new content is kept as a held revision
    /// that becomes current when the case is unlocked; the locked revision stays current.
    Held {
        /// Row id of the held revision.
        id: CaseId,
        /// Its revision number.
        revision: i64,
        /// The revision that stays current.
        current: i64,
    },
}

/// A line of the case list.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CaseRow {
    /// Row id.
    pub id: CaseId,
    /// 案号.
    pub number: String,
    /// Revision number.
    pub revision: i64,
    /// 案件类型.
    pub kind: CaseKind,
    /// 程序.
    pub procedure: Option<Procedure>,
    /// 案件名称.
    pub title: String,
    /// 承办单位.
    pub unit: String,
    /// 当事人.
    pub party: String,
    /// 立案日期.
    pub filed: Option<NaiveDate>,
    /// 决定日期.
    pub decision: Option<NaiveDate>,
    /// Number of documents.
    pub documents: i64,
    /// Origin.
    pub origin: CaseOrigin,
}

/// A stored document with its file and text status.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDocument {
    /// Row id.
    pub id: i64,
    /// Position in the case (archive order).
    pub position: i64,
    /// 文书类型.
    pub doc_type: String,
    /// Path inside the package.
    pub file_path: String,
    /// Stored file: SHA-256 and extension.
    pub file: Option<(String, String)>,
    /// Page count read from the file.
    pub pages: Option<u32>,
    /// Text layer status code.
    pub text_status: String,
    /// Pages without text of their own in a PDF that has a text layer (empty: none, or not
    /// known for documents imported before schema 11).
    pub bare_pages: Vec<u32>,
    /// The page of the file the document starts on, when several documents share one scanned
    /// file (`None`: the whole file).
    pub first_page: Option<u32>,
    /// Page count of the whole file (equal to `pages` unless the document is part of a file).
    pub file_pages: Option<u32>,
}

impl StoredDocument {
    /// The pages of the file that belong to this document (1-based, inclusive).
    pub fn page_range(&self) -> Option<(u32, u32)> {
        let first = self.first_page?;
        Some((first, first.saturating_add(self.pages.unwrap_or(1).max(1) - 1)))
    }

    /// Whether page `page` of the file belongs to this document.
    pub fn holds_page(&self, page: u32) -> bool {
        self.page_range().is_none_or(|(a, b)| (a..=b).contains(&page))
    }

    /// Whether it has scanned pages for OCR: a PDF without a text layer, an image, or a PDF
    /// some of whose pages have no text of their own.
    pub fn is_scan(&self) -> bool {
        self.text_status == "no_text"
            || !self.bare_pages.is_empty()
            || self
                .file
                .as_ref()
                .is_some_and(|(_, e)| matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg"))
    }
}

/// The stored documents that follow an edited case's documents one to one: each takes the
/// stored file of the same package path, its type and position from the edited case.
fn edited_documents(case: &Case, stored: &[StoredDocument]) -> Vec<StoredDocument> {
    case.documents
        .iter()
        .enumerate()
        .map(|(position, doc)| {
            let found = stored
                .get(position)
                .filter(|s| s.file_path == doc.file)
                .or_else(|| stored.iter().find(|s| s.file_path == doc.file));
            let mut out = found.cloned().unwrap_or(StoredDocument {
                id: 0,
                position: 0,
                doc_type: String::new(),
                file_path: doc.file.clone(),
                file: None,
                pages: doc.pages,
                text_status: "missing".into(),
                bare_pages: Vec::new(),
                first_page: None,
                file_pages: doc.pages,
            });
            out.position = i64::try_from(position).unwrap_or(i64::MAX);
            out.doc_type = doc.doc_type.clone();
            if let Some(first) = doc.first_page {
                out.first_page = Some(first);
                out.pages = doc.pages;
                let range = out.page_range();
                out.bare_pages
                    .retain(|p| range.is_none_or(|(a, b)| (a..=b).contains(p)));
            }
            out
        })
        .collect()
}

/// A whole stored case.
#[derive(Debug, Clone)]
pub struct StoredCase {
    /// The list row.
    pub row: CaseRow,
    /// The full case, with the reviewers' changes to its facts applied: what the checks,
    /// reports and kits use.
    pub case: Case,
    /// The case as imported (equal to `case` when nobody changed a fact).
    pub imported: Case,
    /// The changes to its facts, oldest first.
    pub edits: Vec<super::FactEdit>,
    /// Its documents.
    pub documents: Vec<StoredDocument>,
    /// Warnings recorded at import.
    pub warnings: Vec<String>,
    /// Where it came from.
    pub source_path: String,
}

/// What a registry import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegistryOutcome {
    /// New certificates.
    pub added: usize,
    /// Certificates whose entry changed.
    pub updated: usize,
    /// Certificates already recorded identically.
    pub unchanged: usize,
}

/// A registry entry as stored: name, unit, category, issued, valid until.
type RegistryRow = (String, Option<String>, Option<String>, Option<String>, Option<String>);

fn date_text(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.format("%Y-%m-%d").to_string())
}

fn parse_date_column(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
}

/// Metadata indexed with the documents, so a search for a party, officer or article finds
/// the case even where no document mentions it.
fn metadata_text(case: &Case) -> String {
    let mut parts = vec![
        case.number.clone(),
        case.title.clone(),
        case.agency.clone(),
        case.unit.clone(),
    ];
    parts.extend(case.district.clone());
    parts.extend(case.industry.clone());
    parts.extend(case.source.clone());
    parts.extend(case.summary.clone());
    if let Some(party) = &case.party {
        parts.push(party.name.clone());
        parts.extend(party.representative.clone());
        parts.extend(party.address.clone());
    }
    for officer in &case.officers {
        parts.push(format!("{} {}", officer.name, officer.certificate));
    }
    if let Some(decision) = &case.decision {
        parts.extend(decision.legal_basis.iter().cloned());
        parts.extend(decision.violated.iter().cloned());
    }
    parts.retain(|p| !p.is_empty());
    parts.join("\n")
}

/// The fingerprint of the current revision of `number` on any connection.
pub(super) fn current_fingerprint(conn: &rusqlite::Connection, number: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT fingerprint FROM cases WHERE number = :number AND is_current = 1")?
        .query_row(named_params! {":number": number}, |r| r.get(0))
        .optional()?)
}

impl CaseRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let kind: String = row.get("kind")?;
        let procedure: Option<String> = row.get("procedure")?;
        let origin: String = row.get("origin")?;
        Ok(Self {
            id: row.get("id")?,
            number: row.get("number")?,
            revision: row.get("revision")?,
            kind: CaseKind::parse(&kind).unwrap_or(CaseKind::Penalty),
            procedure: procedure.as_deref().and_then(Procedure::parse),
            title: row.get("title")?,
            unit: row.get("unit")?,
            party: row.get::<_, Option<String>>("party")?.unwrap_or_default(),
            filed: parse_date_column(row.get("filed_date")?),
            decision: parse_date_column(row.get("decision_date")?),
            documents: row.get("document_count")?,
            origin: CaseOrigin::parse(&origin).unwrap_or(CaseOrigin::Package),
        })
    }
}

const CASE_ROW_COLUMNS: &str = "c.id, c.number, c.revision, c.kind, c.procedure, c.title, c.unit, c.party,
     c.filed_date, c.decision_date, c.origin, c.document_count";

impl Project {
    /// Saves a case in one transaction, deciding between new, unchanged and new revision.
    pub fn save_case(&mut self, new: &NewCase) -> Result<SaveOutcome, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcome = save_case_in(&tx, new)?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Saves a batch of cases in one transaction (one commit, one sync of the journal), each
    /// case in its own savepoint: a case that fails is rolled back alone and reported, the
    /// others are saved. The outcomes follow `cases`.
    pub fn save_cases(&mut self, cases: &[NewCase]) -> Result<Vec<Result<SaveOutcome, StoreError>>, StoreError> {
        let mut tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcomes = Vec::with_capacity(cases.len());
        for new in cases {
            let sp = tx.savepoint()?;
            match save_case_in(&sp, new) {
                Ok(outcome) => {
                    sp.commit()?;
                    outcomes.push(Ok(outcome));
                }
                Err(e) => {
                    // Dropping the savepoint rolls this case back; the batch goes on.
                    drop(sp);
                    outcomes.push(Err(e));
                }
            }
        }
        tx.commit()?;
        Ok(outcomes)
    }
}

/// Saves one case inside an open transaction (or savepoint).
/// Adds one text to the full-text index, with the case and document it belongs to. The rows
/// of a held revision wait in `held_rows` (not searchable) until it becomes current.
fn index_text(
    tx: &rusqlite::Connection,
    content: &str,
    case_id: CaseId,
    document_id: Option<i64>,
    held: bool,
) -> Result<(), StoreError> {
    index_page_text(tx, content, case_id, document_id, None, held)
}

/// Adds one text to the full-text index; `page` for the OCR text of one page.
pub(super) fn index_page_text(
    tx: &rusqlite::Connection,
    content: &str,
    case_id: CaseId,
    document_id: Option<i64>,
    page: Option<u32>,
    held: bool,
) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO search_index (content, case_id, document_id) VALUES (:content, :case_id, :doc_id)")?
        .execute(named_params! {":content": content, ":case_id": case_id, ":doc_id": document_id})?;
    let rowid = tx.last_insert_rowid();
    let sql = if held {
        "INSERT INTO held_rows (rowid, case_id, document_id, page) VALUES (:rowid, :case_id, :doc_id, :page)"
    } else {
        "INSERT INTO search_rows (rowid, case_id, document_id, page) VALUES (:rowid, :case_id, :doc_id, :page)"
    };
    tx.prepare_cached(sql)?
        .execute(named_params! {":rowid": rowid, ":case_id": case_id, ":doc_id": document_id, ":page": page})?;
    Ok(())
}

/// Replaces a current revision's metadata entry in the full-text index (after its facts
/// were edited).
pub(super) fn reindex_metadata(tx: &rusqlite::Connection, case_id: CaseId, case: &Case) -> Result<(), StoreError> {
    tx.prepare_cached(
        "DELETE FROM search_index WHERE rowid IN
             (SELECT rowid FROM search_rows WHERE case_id = :id AND document_id IS NULL AND page IS NULL)",
    )?
    .execute(named_params! {":id": case_id})?;
    tx.prepare_cached("DELETE FROM search_rows WHERE case_id = :id AND document_id IS NULL AND page IS NULL")?
        .execute(named_params! {":id": case_id})?;
    index_text(tx, &metadata_text(case), case_id, None, false)
}

/// Removes a revision's rows from the full-text index.
fn unindex(tx: &rusqlite::Connection, case_id: CaseId) -> Result<(), StoreError> {
    for rows in ["search_rows", "held_rows"] {
        tx.prepare_cached(&format!(
            "DELETE FROM search_index WHERE rowid IN (SELECT rowid FROM {rows} WHERE case_id = :id)"
        ))?
        .execute(named_params! {":id": case_id})?;
        tx.prepare_cached(&format!("DELETE FROM {rows} WHERE case_id = :id"))?
            .execute(named_params! {":id": case_id})?;
    }
    Ok(())
}

/// Whether a campaign sign-off locks this case number.
pub(super) fn is_locked(tx: &rusqlite::Connection, number: &str) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM signoffs WHERE case_number = :case AND locked = 1 LIMIT 1")?
        .query_row(named_params! {":case": number}, |r| r.get::<_, i64>(0))
        .optional()?
        .is_some())
}

/// Makes the newest held revision of an unlocked case current (its index rows searchable,
/// the previous current revision kept as history); older held revisions are dropped from
/// the index. Returns the revision made current.
pub(super) fn release_held(tx: &rusqlite::Connection, number: &str) -> Result<Option<i64>, StoreError> {
    if is_locked(tx, number)? {
        return Ok(None);
    }
    let held: Vec<(CaseId, i64)> = tx
        .prepare_cached("SELECT id, revision FROM cases WHERE number = :number AND held = 1 ORDER BY revision DESC")?
        .query_map(named_params! {":number": number}, |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let Some(&(newest, revision)) = held.first() else {
        return Ok(None);
    };
    let current: Option<CaseId> = tx
        .prepare_cached("SELECT id FROM cases WHERE number = :number AND is_current = 1")?
        .query_row(named_params! {":number": number}, |r| r.get(0))
        .optional()?;
    if let Some(current) = current {
        tx.prepare_cached("UPDATE cases SET is_current = 0 WHERE id = :id")?
            .execute(named_params! {":id": current})?;
        unindex(tx, current)?;
    }
    for &(older, _) in &held[1..] {
        unindex(tx, older)?;
    }
    tx.prepare_cached("UPDATE cases SET held = 0 WHERE number = :number AND held = 1")?
        .execute(named_params! {":number": number})?;
    tx.prepare_cached("UPDATE cases SET is_current = 1 WHERE id = :id")?
        .execute(named_params! {":id": newest})?;
    tx.prepare_cached(
        "INSERT INTO search_rows (rowid, case_id, document_id, page)
              SELECT rowid, case_id, document_id, page FROM held_rows WHERE case_id = :id",
    )?
    .execute(named_params! {":id": newest})?;
    tx.prepare_cached("DELETE FROM held_rows WHERE case_id = :id")?
        .execute(named_params! {":id": newest})?;
    super::facts::refresh_summary(tx, number)?;
    Ok(Some(revision))
}

fn save_case_in(tx: &rusqlite::Connection, new: &NewCase) -> Result<SaveOutcome, StoreError> {
    let case = &new.case;
    let case_json = serde_json::to_string(case).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let warnings_json = serde_json::to_string(&new.warnings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let current: Option<(CaseId, i64, String, String)> = tx
        .prepare_cached(
            "SELECT id, revision, fingerprint, origin FROM cases WHERE number = :number AND is_current = 1",
        )?
        .query_row(named_params! {":number": case.number}, |r| {
            Ok((
                r.get("id")?,
                r.get("revision")?,
                r.get("fingerprint")?,
                r.get("origin")?,
            ))
        })
        .optional()?;
    let max_revision = || -> Result<i64, StoreError> {
        Ok(tx
            .prepare_cached("SELECT MAX(revision) FROM cases WHERE number = :number")?
            .query_row(named_params! {":number": case.number}, |r| r.get(0))?)
    };
    let mut held = None;
    let revision = match &current {
        Some((id, _, fingerprint, _)) if *fingerprint == new.fingerprint => {
            return Ok(SaveOutcome::Unchanged { id: *id });
        }
        Some((id, _, _, origin))
            if case.origin == CaseOrigin::Ledger && origin.as_str() != CaseOrigin::Ledger.code() =>
        {
            return Ok(SaveOutcome::KeptPackage { id: *id });
        }
        Some((_, current_revision, _, _)) if is_locked(tx, &case.number)? => {
            // The campaign reports the locked revision: the new content waits for the unlock.
            let same: Option<(CaseId, i64)> = tx
                .prepare_cached(
                    "SELECT id, revision FROM cases WHERE number = :number AND held = 1 AND fingerprint = :f",
                )?
                .query_row(named_params! {":number": case.number, ":f": new.fingerprint}, |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            if let Some((id, revision)) = same {
                return Ok(SaveOutcome::Held {
                    id,
                    revision,
                    current: *current_revision,
                });
            }
            held = Some(*current_revision);
            max_revision()? + 1
        }
        Some((id, _, _, _)) => {
            tx.prepare_cached("UPDATE cases SET is_current = 0 WHERE id = :id")?
                .execute(named_params! {":id": id})?;
            unindex(tx, *id)?;
            max_revision()? + 1
        }
        None => 1,
    };
    tx.prepare_cached(
        "INSERT INTO cases (number, revision, is_current, kind, procedure, title, agency, unit, district,
                 industry, party, filed_date, decision_date, origin, fingerprint, source_path, imported_at,
                 case_json, warnings_json, document_count, held)
             VALUES (:number, :revision, :current, :kind, :procedure, :title, :agency, :unit, :district,
                 :industry, :party, :filed, :decision, :origin, :fingerprint, :source_path, :imported_at,
                 :case_json, :warnings_json, :document_count, :held)",
    )?
    .execute(named_params! {
        ":number": case.number,
        ":revision": revision,
        ":current": held.is_none(),
        ":held": held.is_some(),
        ":kind": case.kind.code(),
        ":procedure": case.procedure.map(|p| p.code()),
        ":title": case.title,
        ":agency": case.agency,
        ":unit": case.unit,
        ":district": case.district,
        ":industry": case.industry,
        ":party": case.party.as_ref().map(|p| p.name.clone()),
        ":filed": date_text(case.effective_date(DateKey::Filed)),
        ":decision": date_text(case.effective_date(DateKey::Decision)),
        ":origin": case.origin.code(),
        ":fingerprint": new.fingerprint,
        ":source_path": new.source_path,
        ":imported_at": chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
        ":case_json": case_json,
        ":warnings_json": warnings_json,
        ":document_count": i64::try_from(case.documents.len()).unwrap_or(i64::MAX),
    })?;
    let case_id = CaseId(tx.last_insert_rowid());
    index_text(tx, &metadata_text(case), case_id, None, held.is_some())?;
    for (path, blob) in &new.files {
        tx.prepare_cached("INSERT OR IGNORE INTO blobs (sha256, size_bytes, extension) VALUES (:sha, :size, :ext)")?
            .execute(named_params! {
                ":sha": blob.sha256,
                ":size": i64::try_from(blob.size_bytes).unwrap_or(i64::MAX),
                ":ext": blob.extension,
            })?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO case_files (case_id, file_path, sha256) VALUES (:case_id, :path, :sha)",
        )?
        .execute(named_params! {":case_id": case_id, ":path": path, ":sha": blob.sha256})?;
    }
    for (position, (doc, stored)) in case.documents.iter().zip(&new.documents).enumerate() {
        tx.prepare_cached(
            "INSERT INTO documents (case_id, position, doc_type, file_path, sha256, doc_date, doc_number,
                     pages, text_status, bare_pages)
                 VALUES (:case_id, :position, :doc_type, :file_path, :sha, :date, :number, :pages, :status, :bare)",
        )?
        .execute(named_params! {
            ":case_id": case_id,
            ":position": i64::try_from(position).unwrap_or(i64::MAX),
            ":doc_type": doc.doc_type,
            ":file_path": doc.file,
            ":sha": stored.blob.as_ref().map(|b| b.sha256.clone()),
            ":date": date_text(doc.date),
            ":number": doc.number,
            ":pages": stored.page_count.or(doc.pages),
            ":status": stored.text_status,
            ":bare": (!stored.bare_pages.is_empty())
                .then(|| serde_json::to_string(&stored.bare_pages).unwrap_or_default()),
        })?;
        let document_id = tx.last_insert_rowid();
        if let Some(text) = stored.text.as_deref().filter(|t| !t.is_empty()) {
            index_text(tx, text, case_id, Some(document_id), held.is_some())?;
        }
        // Pages read before (an earlier revision, another case with the same file).
        if let Some(blob) = &stored.blob {
            super::ocr::index_stored_pages(tx, &blob.sha256, case_id, document_id, held.is_some())?;
        }
    }
    if held.is_none() {
        // Changes reviewers made to the facts apply to the new revision too.
        super::facts::refresh_summary(tx, &case.number)?;
    }
    Ok(match (current, held) {
        (None, _) => SaveOutcome::Imported { id: case_id },
        (Some(_), Some(current)) => SaveOutcome::Held {
            id: case_id,
            revision,
            current,
        },
        (Some(_), None) => SaveOutcome::Revised { id: case_id, revision },
    })
}

impl Project {
    /// The fingerprint of the current revision of a case number, if any.
    pub fn current_fingerprint(&self, number: &str) -> Result<Option<String>, StoreError> {
        current_fingerprint(&self.conn, number)
    }

    /// Every current case, in natural case-number order (`domain::natural_key`).
    pub fn list_cases(&self) -> Result<Vec<CaseRow>, StoreError> {
        let sql = format!("SELECT {CASE_ROW_COLUMNS} FROM cases c WHERE c.is_current = 1 ORDER BY c.number");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query_map([], CaseRow::from_row)?.collect::<Result<Vec<_>, _>>()?;
        // 案号 in the order people read them: year, then number as a number (1号 before 10号).
        rows.sort_by_cached_key(|r| crate::domain::natural_key(&r.number));
        Ok(rows)
    }

    /// Number of current cases.
    pub fn case_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM cases WHERE is_current = 1", [], |r| r.get(0))?)
    }

    /// All revisions of a case number, newest first.
    pub fn revisions(&self, number: &str) -> Result<Vec<CaseRow>, StoreError> {
        let sql = format!("SELECT {CASE_ROW_COLUMNS} FROM cases c WHERE c.number = :number ORDER BY c.revision DESC");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(named_params! {":number": number}, CaseRow::from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Loads a case by row id with its documents.
    pub fn load_case(&self, id: CaseId) -> Result<StoredCase, StoreError> {
        let sql = format!(
            "SELECT {CASE_ROW_COLUMNS}, c.case_json, c.warnings_json, c.source_path FROM cases c WHERE c.id = :id"
        );
        let (row, case_json, warnings_json, source_path): (CaseRow, String, String, String) = self
            .conn
            .prepare_cached(&sql)?
            .query_row(named_params! {":id": id}, |r| {
                Ok((
                    CaseRow::from_row(r)?,
                    r.get("case_json")?,
                    r.get("warnings_json")?,
                    r.get("source_path")?,
                ))
            })
            .optional()?
            .ok_or_else(|| StoreError::NoSuchCase(format!("#{id}")))?;
        let case: Case =
            serde_json::from_str(&case_json).map_err(|e| StoreError::Corrupt(format!("案卷 {}: {e}", row.number)))?;
        let warnings: Vec<String> = serde_json::from_str(&warnings_json).unwrap_or_default();
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.position, d.doc_type, d.file_path, d.sha256, b.extension, d.pages, d.text_status,
                    d.bare_pages
             FROM documents d LEFT JOIN blobs b ON b.sha256 = d.sha256
             WHERE d.case_id = :id ORDER BY d.position",
        )?;
        let documents = stmt
            .query_map(named_params! {":id": id}, |r| {
                let sha: Option<String> = r.get("sha256")?;
                let ext: Option<String> = r.get("extension")?;
                Ok(StoredDocument {
                    id: r.get("id")?,
                    position: r.get("position")?,
                    doc_type: r.get("doc_type")?,
                    file_path: r.get("file_path")?,
                    file: sha.zip(ext),
                    pages: r.get("pages")?,
                    text_status: r.get("text_status")?,
                    bare_pages: r
                        .get::<_, Option<String>>("bare_pages")?
                        .and_then(|j| serde_json::from_str(&j).ok())
                        .unwrap_or_default(),
                    first_page: None,
                    file_pages: r.get("pages")?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut warnings = warnings;
        let edits = super::facts::edits_of(&self.conn, &row.number)?;
        let imported = case.clone();
        let mut case = case;
        let documents = if edits.is_empty() {
            documents
        } else {
            warnings.extend(super::facts::apply_edits(&mut case, &edits));
            edited_documents(&case, &documents)
        };
        Ok(StoredCase {
            row,
            case,
            imported,
            edits,
            documents,
            warnings,
            source_path,
        })
    }

    /// Loads the current revision of a case number.
    pub fn load_case_by_number(&self, number: &str) -> Result<StoredCase, StoreError> {
        let id: CaseId = self
            .conn
            .prepare_cached("SELECT id FROM cases WHERE number = :number AND is_current = 1")?
            .query_row(named_params! {":number": number}, |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NoSuchCase(number.to_string()))?;
        self.load_case(id)
    }

    /// Adds or updates officer registry entries (keyed by 执法证号), in one transaction.
    pub fn upsert_registry(
        &mut self,
        officers: &[RegisteredOfficer],
        source_path: &str,
    ) -> Result<RegistryOutcome, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcome = RegistryOutcome::default();
        for officer in officers {
            let existing: Option<RegistryRow> = tx
                .prepare_cached(
                    "SELECT name, unit, category, issued, valid_until FROM registry_officers WHERE certificate = :c",
                )?
                .query_row(named_params! {":c": officer.certificate}, |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .optional()?;
            let fresh = (
                officer.name.clone(),
                officer.unit.clone(),
                officer.category.clone(),
                date_text(officer.issued),
                date_text(officer.valid_until),
            );
            match existing {
                Some(old) if old == fresh => outcome.unchanged += 1,
                found => {
                    if found.is_some() {
                        outcome.updated += 1;
                    } else {
                        outcome.added += 1;
                    }
                    tx.prepare_cached(
                        "INSERT INTO registry_officers (certificate, name, unit, category, issued, valid_until, source_path)
                         VALUES (:c, :name, :unit, :category, :issued, :valid, :source)
                         ON CONFLICT(certificate) DO UPDATE SET name = excluded.name, unit = excluded.unit,
                           category = excluded.category, issued = excluded.issued,
                           valid_until = excluded.valid_until, source_path = excluded.source_path",
                    )?
                    .execute(named_params! {
                        ":c": officer.certificate, ":name": fresh.0, ":unit": fresh.1, ":category": fresh.2,
                        ":issued": fresh.3, ":valid": fresh.4, ":source": source_path,
                    })?;
                }
            }
        }
        tx.commit()?;
        Ok(outcome)
    }

    /// The officer registry, ordered by certificate.
    pub fn registry(&self) -> Result<Vec<RegisteredOfficer>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT certificate, name, unit, category, issued, valid_until FROM registry_officers ORDER BY certificate",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(RegisteredOfficer {
                    certificate: r.get("certificate")?,
                    name: r.get("name")?,
                    unit: r.get("unit")?,
                    category: r.get("category")?,
                    issued: parse_date_column(r.get("issued")?),
                    valid_until: parse_date_column(r.get("valid_until")?),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

/// A finding as the cache keeps it: what the list's counts and decisions need.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CachedFinding {
    /// Rule id.
    pub rule: String,
    /// `veto` / `deduction` / `notice`.
    pub severity: String,
    /// The finding's message (decisions are matched on it).
    pub message: String,
}

impl Project {
    /// Every current case by number, in one query (the case data only: no document rows),
    /// for work over a whole campaign or project.
    pub fn current_cases(&self) -> Result<std::collections::HashMap<String, Case>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT number, case_json FROM cases WHERE is_current = 1")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (number, json) = row?;
            let case: Case =
                serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("案卷 {number}: {e}")))?;
            out.insert(number, case);
        }
        for (number, edits) in self.all_fact_edits()? {
            if let Some(case) = out.get_mut(&number) {
                super::facts::apply_edits(case, &edits);
            }
        }
        Ok(out)
    }

    /// The case number of a case row.
    pub fn case_number(&self, id: CaseId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT number FROM cases WHERE id = :id")?
            .query_row(named_params! {":id": id}, |r| r.get(0))
            .optional()?)
    }

    /// The cached findings of every case computed under `context` (one query).
    pub fn cached_findings(
        &self,
        context: &str,
    ) -> Result<std::collections::HashMap<CaseId, Vec<CachedFinding>>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT case_id, findings_json FROM finding_cache WHERE context = :context")?;
        let rows = stmt.query_map(named_params! {":context": context}, |r| {
            Ok((r.get::<_, CaseId>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (id, json) = row?;
            // A row that does not parse is recomputed, not fatal.
            if let Ok(findings) = serde_json::from_str(&json) {
                out.insert(id, findings);
            }
        }
        Ok(out)
    }

    /// Stores findings computed under `context`, replacing older ones, in one transaction.
    pub fn cache_findings(
        &mut self,
        context: &str,
        entries: &[(CaseId, Vec<CachedFinding>)],
    ) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (id, findings) in entries {
            let json = serde_json::to_string(findings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            // A case removed meanwhile (a new revision replaced nothing: ids stay) is skipped.
            tx.prepare_cached(
                "INSERT INTO finding_cache (case_id, context, findings_json)
                 SELECT :id, :context, :json WHERE EXISTS (SELECT 1 FROM cases WHERE id = :id)
                 ON CONFLICT (case_id) DO UPDATE SET context = excluded.context, findings_json = excluded.findings_json",
            )?
            .execute(named_params! {":id": id, ":context": context, ":json": json})?;
        }
        tx.commit()?;
        Ok(())
    }
}
