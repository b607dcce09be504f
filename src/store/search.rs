//! Full-text search over document text and case metadata: SQLite FTS5 with the `trigram`
//! tokenizer for phrases of three characters or more, and a `LIKE` scan of the same index
//! for one- and two-character queries (罚款, a surname), which trigrams cannot match.

use rusqlite::params_from_iter;

use super::{Project, StoreError};

/// One match: a document of a case, or the case's own metadata (`document_type` `None`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SearchHit {
    /// Case row id.
    pub case_id: i64,
    /// 案号.
    pub number: String,
    /// 案件名称.
    pub title: String,
    /// Document row id, `None` for a metadata match.
    pub document_id: Option<i64>,
    /// 文书类型, `None` for a metadata match.
    pub document_type: Option<String>,
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

impl Project {
    /// Finds current cases and documents containing every whitespace-separated term of
    /// `query`. Results are ordered by case number, metadata first, then document order.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let terms: Vec<String> = query.split_whitespace().map(str::to_string).collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let select = "SELECT s.case_id, c.number, c.title, s.document_id, d.doc_type, s.content
             FROM search_index s
             JOIN cases c ON c.id = s.case_id AND c.is_current = 1
             LEFT JOIN documents d ON d.id = s.document_id";
        let order = format!("ORDER BY c.number, d.position IS NOT NULL, d.position LIMIT {limit}");
        let trigram_ok = terms.iter().all(|t| t.chars().count() >= 3);
        let (sql, params): (String, Vec<String>) = if trigram_ok {
            // Each term is one FTS5 string: quotes doubled, so user text is never syntax.
            let expr = terms
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" AND ");
            (format!("{select} WHERE search_index MATCH ? {order}"), vec![expr])
        } else {
            let conds = vec!["s.content LIKE ? ESCAPE '\\'"; terms.len()].join(" AND ");
            (
                format!("{select} WHERE {conds} {order}"),
                terms.iter().map(|t| escape_like(t)).collect(),
            )
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let hits = stmt
            .query_map(params_from_iter(params.iter()), |r| {
                let content: String = r.get("content")?;
                Ok(SearchHit {
                    case_id: r.get("case_id")?,
                    number: r.get("number")?,
                    title: r.get("title")?,
                    document_id: r.get("document_id")?,
                    document_type: r.get("doc_type")?,
                    snippet: snippet(&content, &terms),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
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
