//! The finding library (问题库): standard wordings of common problems with their basis and
//! rectification advice. The seed list ships in `assets/finding-library.toml`; a project
//! keeps its own copy that reviewers extend.

use serde::Deserialize;

use super::format::{ChecklistError, Problem};
pub use crate::domain::LibraryEntry;
use crate::domain::line_column;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLibrary {
    finding: Vec<toml::Spanned<LibraryEntry>>,
}

/// Reads a finding library file (`[[finding]]` tables with code, category, wording, basis,
/// advice). Codes must be unique.
pub fn parse_library(file: &str, text: &str) -> Result<Vec<LibraryEntry>, ChecklistError> {
    let fail = |line: Option<usize>, item: Option<String>, field: &str, message: String| ChecklistError {
        file: file.to_string(),
        problems: vec![Problem {
            line,
            item,
            field: field.to_string(),
            message,
        }],
    };
    let raw: RawLibrary = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_column(text, s.start).0);
        fail(line, None, "TOML", e.message().trim().to_string())
    })?;
    let mut seen = std::collections::HashSet::new();
    let mut entries = Vec::with_capacity(raw.finding.len());
    for spanned in raw.finding {
        let line = line_column(text, spanned.span().start).0;
        let entry = spanned.into_inner();
        if entry.code.trim().is_empty() || entry.wording.trim().is_empty() {
            return Err(fail(Some(line), None, "code/wording", "编号和问题表述不能为空".into()));
        }
        if !seen.insert(entry.code.clone()) {
            return Err(fail(Some(line), Some(entry.code.clone()), "code", "编号重复".into()));
        }
        entries.push(entry);
    }
    Ok(entries)
}
