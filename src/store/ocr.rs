//! OCR text of scanned pages, stored per file (SHA-256) and page: the lines with their boxes
//! and confidence, the engine that read them, and one full-text index row per page and
//! document that holds the file, so a search hit names the page.

use rusqlite::{OptionalExtension, TransactionBehavior, named_params};

use super::{CaseId, Project, StoreError};
use crate::ocr::{OcrLine, PageText};

/// One page as read and stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOcrPage {
    /// Page, 1-based.
    pub page: u32,
    /// Engine and model versions.
    pub engine: String,
    /// Lines in reading order.
    pub lines: Vec<OcrLine>,
    /// Mean confidence.
    pub confidence: f32,
    /// The page image's size in pixels when it was read.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// When it was read.
    pub read_at: String,
}

impl StoredOcrPage {
    /// The page's text, one line per line.
    pub fn text(&self) -> String {
        crate::ocr::lines_text(&self.lines)
    }
}

/// How far a file's pages have been read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OcrStatus {
    /// Pages read, ascending.
    pub pages_read: Vec<u32>,
}

/// Index rows for every stored page of `sha256`, for a document just saved.
pub(super) fn index_stored_pages(
    tx: &rusqlite::Connection,
    sha256: &str,
    case_id: CaseId,
    document_id: i64,
    held: bool,
) -> Result<(), StoreError> {
    let pages: Vec<(u32, String)> = tx
        .prepare_cached("SELECT page, text FROM ocr_pages WHERE sha256 = :sha ORDER BY page")?
        .query_map(named_params! {":sha": sha256}, |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (page, text) in pages.iter().filter(|(_, t)| !t.is_empty()) {
        super::cases::index_page_text(tx, text, case_id, Some(document_id), Some(*page), held)?;
    }
    Ok(())
}

impl Project {
    /// Stores what was read on page `page` of the file `sha256` (replacing an earlier
    /// reading) and indexes it for every document that holds the file, current or held —
    /// all in one transaction.
    pub fn save_ocr_page(&mut self, sha256: &str, page: u32, engine: &str, read: &PageText) -> Result<(), StoreError> {
        let lines_json = serde_json::to_string(&read.lines).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let text = read.text();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO ocr_pages (sha256, page, engine, text, lines_json, confidence, width, height, read_at)
                 VALUES (:sha, :page, :engine, :text, :lines, :confidence, :width, :height, :at)",
        )?
        .execute(named_params! {
            ":sha": sha256,
            ":page": page,
            ":engine": engine,
            ":text": text,
            ":lines": lines_json,
            ":confidence": f64::from(read.confidence()),
            ":width": read.width,
            ":height": read.height,
            ":at": chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
        })?;
        // The documents holding this file, with where their index rows live.
        let holders: Vec<(i64, CaseId, bool)> = tx
            .prepare_cached(
                "SELECT d.id, d.case_id, c.held FROM documents d JOIN cases c ON c.id = d.case_id
                  WHERE d.sha256 = :sha AND (c.is_current = 1 OR c.held = 1)",
            )?
            .query_map(named_params! {":sha": sha256}, |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        for (document_id, case_id, held) in holders {
            for rows in ["search_rows", "held_rows"] {
                tx.prepare_cached(&format!(
                    "DELETE FROM search_index WHERE rowid IN
                         (SELECT rowid FROM {rows} WHERE document_id = :doc AND page = :page)"
                ))?
                .execute(named_params! {":doc": document_id, ":page": page})?;
                tx.prepare_cached(&format!("DELETE FROM {rows} WHERE document_id = :doc AND page = :page"))?
                    .execute(named_params! {":doc": document_id, ":page": page})?;
            }
            if !text.is_empty() {
                super::cases::index_page_text(&tx, &text, case_id, Some(document_id), Some(page), held)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored reading of page `page` of the file `sha256`.
    pub fn ocr_page(&self, sha256: &str, page: u32) -> Result<Option<StoredOcrPage>, StoreError> {
        let row: Option<(String, String, f64, String, u32, u32)> = self
            .conn
            .prepare_cached(
                "SELECT engine, lines_json, confidence, read_at, width, height FROM ocr_pages
                  WHERE sha256 = :sha AND page = :page",
            )?
            .query_row(named_params! {":sha": sha256, ":page": page}, |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })
            .optional()?;
        let Some((engine, lines_json, confidence, read_at, width, height)) = row else {
            return Ok(None);
        };
        let lines: Vec<OcrLine> = serde_json::from_str(&lines_json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some(StoredOcrPage {
            page,
            engine,
            lines,
            confidence: confidence as f32,
            width,
            height,
            read_at,
        }))
    }

    /// Which pages of the file `sha256` have been read.
    pub fn ocr_status(&self, sha256: &str) -> Result<OcrStatus, StoreError> {
        let pages_read = self
            .conn
            .prepare_cached("SELECT page FROM ocr_pages WHERE sha256 = :sha ORDER BY page")?
            .query_map(named_params! {":sha": sha256}, |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(OcrStatus { pages_read })
    }

    /// Every stored page of the file `sha256`, in page order (for kits).
    pub fn ocr_pages(&self, sha256: &str) -> Result<Vec<StoredOcrPage>, StoreError> {
        let pages: Vec<u32> = self.ocr_status(sha256)?.pages_read;
        let mut out = Vec::with_capacity(pages.len());
        for page in pages {
            if let Some(stored) = self.ocr_page(sha256, page)? {
                out.push(stored);
            }
        }
        Ok(out)
    }
}
