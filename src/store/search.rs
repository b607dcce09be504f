//! Full-text search over document text and case metadata: SQLite FTS5 with the `trigram`
//! tokenizer for phrases of three characters or more, and a `LIKE` scan of the same index
//! for one- and two-character queries (罚款, a surname), which trigrams cannot match.

use rusqlite::{OptionalExtension, params_from_iter};

use super::{CaseId, Project, StoreError};

/// One match: a document of a case, or the case's own metadata (`document_type` `None`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SearchHit {
    /// Case row id.
    pub case_id: CaseId,
    /// 案号.
    pub number: String,
    /// 案件名称.
    pub title: String,
    /// Document row id, `None` for a metadata match.
    pub document_id: Option<i64>,
    /// 文书类型, `None` for a metadata match.
    pub document_type: Option<String>,
    /// The page, for a match in the OCR text of a scanned page (`None`: a text layer or
    /// metadata).
    pub page: Option<u32>,
    /// Text around the first match, the match in 【】.
    pub snippet: String,
}

/// Characters either side of the match in a snippet.
const SNIPPET_CONTEXT_CHARS: usize = 24;

fn snippet(content: &str, terms: &[String]) -> String {
    let lower = content.to_lowercase();
    let found = terms
        .iter()
        .filter_map(|t| lower.find(&t.to_lowercase()).map(|pos| (pos, t)))
        .min_by_key(|(pos, _)| *pos);
    let Some((pos, term)) = found else {
        return content
            .chars()
            .take(SNIPPET_CONTEXT_CHARS * 2)
            .collect::<String>()
            .replace('\n', " ");
    };
    // `pos` is a byte offset in the lower-cased text; map it through char counts, which
    // lower-casing preserves for CJK and ASCII.
    let char_pos = lower[..pos].chars().count();
    let term_chars = term.chars().count();
    let chars: Vec<char> = content.chars().collect();
    let start = char_pos.saturating_sub(SNIPPET_CONTEXT_CHARS);
    let end = (char_pos + term_chars + SNIPPET_CONTEXT_CHARS).min(chars.len());
    let match_end = (char_pos + term_chars).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..char_pos.min(chars.len())]);
    out.push('【');
    out.extend(&chars[char_pos.min(chars.len())..match_end]);
    out.push('】');
    out.extend(&chars[match_end..end]);
    if end < chars.len() {
        out.push('…');
    }
    out.replace('\n', " ")
}

fn escape_like(term: &str) -> String {
    let mut s = String::with_capacity(term.len() + 2);
    s.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// How many places match a query, and in which current cases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchSummary {
    /// Current cases with at least one match, in id order.
    pub cases: Vec<CaseId>,
    /// Matching texts (documents and case metadata) in those cases.
    pub places: usize,
}

/// The query's terms: whitespace-separated, every one must occur.
fn terms_of(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_string).collect()
}

/// A common table expression `m(r)` of the rowids of the index rows that contain every
/// term, with its parameters: the trigram index for terms of three characters or more, a
/// `LIKE` scan otherwise. Materialized, so the index is asked once whatever the join order.
fn matching_rows(terms: &[String]) -> (String, Vec<String>) {
    if terms.iter().all(|t| t.chars().count() >= 3) {
        // Each term is one FTS5 string: quotes doubled, so user text is never syntax.
        let expr = terms
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND ");
        (
            "WITH m(r) AS MATERIALIZED (SELECT rowid FROM search_index WHERE search_index MATCH ?)".into(),
            vec![expr],
        )
    } else {
        let conds = vec!["content LIKE ? ESCAPE '\\'"; terms.len()].join(" AND ");
        (
            format!("WITH m(r) AS MATERIALIZED (SELECT rowid FROM search_index WHERE {conds})"),
            terms.iter().map(|t| escape_like(t)).collect(),
        )
    }
}

/// Whether `content` holds every term, as the index matches them (case-insensitive
/// substrings).
fn contains_all(content: &str, terms: &[String]) -> bool {
    let lower = content.to_lowercase();
    terms.iter().all(|t| lower.contains(&t.to_lowercase()))
}

impl Project {
    /// Prefixes 〔识别存疑〕 to the snippets of matches found only in uncertain OCR lines.
    fn mark_uncertain(&self, hits: &mut [SearchHit], terms: &[String]) -> Result<(), StoreError> {
        for hit in hits {
            if let (Some(document_id), Some(page)) = (hit.document_id, hit.page)
                && self.ocr_match_uncertain(document_id, page, terms)?
            {
                hit.snippet = format!("〔识别存疑〕{}", hit.snippet);
            }
        }
        Ok(())
    }

    /// Whether a match on an OCR'd page lies in a line read with low confidence (the snippet
    /// then says so).
    fn ocr_match_uncertain(&self, document_id: i64, page: u32, terms: &[String]) -> Result<bool, StoreError> {
        let lines_json: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT o.lines_json FROM ocr_pages o JOIN documents d ON d.sha256 = o.sha256
                  WHERE d.id = ?1 AND o.page = ?2",
            )?
            .query_row(rusqlite::params![document_id, page], |r| r.get(0))
            .optional()?;
        let Some(lines_json) = lines_json else { return Ok(false) };
        let lines: Vec<crate::ocr::OcrLine> =
            serde_json::from_str(&lines_json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let matched: Vec<&crate::ocr::OcrLine> = lines
            .iter()
            .filter(|l| terms.iter().any(|t| l.text.to_lowercase().contains(&t.to_lowercase())))
            .collect();
        Ok(!matched.is_empty() && matched.iter().all(|l| l.is_uncertain()))
    }

    /// Which current cases match `query` (every whitespace-separated term), and in how many
    /// places: read from the index alone, without any document text — the case list's
    /// filter and count.
    pub fn search_cases(&self, query: &str) -> Result<SearchSummary, StoreError> {
        let terms = terms_of(query);
        if terms.is_empty() {
            return Ok(SearchSummary::default());
        }
        let (cte, params) = matching_rows(&terms);
        // Only current cases have index rows: a revision deletes its predecessor's rows in
        // the transaction that makes it current (`cases.rs`), so no join with `cases` is
        // needed here — at 100 000 cases that join cost more than the match itself.
        let sql = format!(
            "{cte} SELECT sr.case_id, COUNT(*) FROM m
                 JOIN search_rows sr ON sr.rowid = m.r
             GROUP BY sr.case_id ORDER BY sr.case_id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut summary = SearchSummary::default();
        let mut rows = stmt.query(params_from_iter(params.iter()))?;
        while let Some(row) = rows.next()? {
            summary.cases.push(row.get(0)?);
            summary.places += usize::try_from(row.get::<_, i64>(1)?).unwrap_or(0);
        }
        Ok(summary)
    }

    /// The matches of `query` in one case, metadata first, then in document order, each
    /// with a snippet. Reads only that case's texts.
    pub fn search_in_case(&self, query: &str, case_id: CaseId) -> Result<Vec<SearchHit>, StoreError> {
        let terms = terms_of(query);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.number, c.title, sr.document_id, d.doc_type, s.content, sr.page
               FROM search_rows sr
               JOIN cases c ON c.id = sr.case_id
               JOIN search_index s ON s.rowid = sr.rowid
               LEFT JOIN documents d ON d.id = sr.document_id
              WHERE sr.case_id = ?1
              ORDER BY d.position IS NOT NULL, d.position, sr.page",
        )?;
        let mut hits = Vec::new();
        let mut rows = stmt.query([case_id])?;
        while let Some(row) = rows.next()? {
            let content: String = row.get(4)?;
            if contains_all(&content, &terms) {
                hits.push(SearchHit {
                    case_id,
                    number: row.get(0)?,
                    title: row.get(1)?,
                    document_id: row.get(2)?,
                    document_type: row.get(3)?,
                    page: row.get(5)?,
                    snippet: snippet(&content, &terms),
                });
            }
        }
        drop(rows);
        self.mark_uncertain(&mut hits, &terms)?;
        Ok(hits)
    }

    /// Finds current cases and documents containing every whitespace-separated term of
    /// `query`. Results are ordered by case number, metadata first, then document order;
    /// the text is read (for the snippet) only for the `limit` rows returned.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let terms = terms_of(query);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let (cte, params) = matching_rows(&terms);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = format!(
            "{cte} SELECT sr.rowid, sr.case_id, c.number, c.title, sr.document_id, d.doc_type, sr.page FROM m
                 JOIN search_rows sr ON sr.rowid = m.r
                 JOIN cases c ON c.id = sr.case_id AND c.is_current = 1
                 LEFT JOIN documents d ON d.id = sr.document_id
             ORDER BY c.number, d.position IS NOT NULL, d.position, sr.page LIMIT {limit}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let found = stmt
            .query_map(params_from_iter(params.iter()), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    SearchHit {
                        case_id: r.get(1)?,
                        number: r.get(2)?,
                        title: r.get(3)?,
                        document_id: r.get(4)?,
                        document_type: r.get(5)?,
                        page: r.get(6)?,
                        snippet: String::new(),
                    },
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut text = self
            .conn
            .prepare_cached("SELECT content FROM search_index WHERE rowid = ?1")?;
        let mut hits = Vec::with_capacity(found.len());
        for (rowid, mut hit) in found {
            let content: String = text.query_row([rowid], |r| r.get(0))?;
            hit.snippet = snippet(&content, &terms);
            hits.push(hit);
        }
        drop(text);
        self.mark_uncertain(&mut hits, &terms)?;
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_marks_the_match() {
        let s = snippet(
            "依据《中华人民共和国安全生产法》第一百零一条第（一）项的规定",
            &["第一百零一条".into()],
        );
        assert!(s.contains("【第一百零一条】"), "{s}");
        let s = snippet("ABC abc", &["Abc".into()]);
        assert_eq!(s, "【ABC】 abc");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(escape_like("5%_x"), "%5\\%\\_x%");
    }
}
