//! Reading what comes from outside: case packages (directories, zips, folders of scans),
//! case ledgers (台账) and the officer registry (执法人员名册), per CASE_FORMAT.md.
//!
//! May use `domain`, `zip`, `calamine`, `encoding_rs`, `lopdf` (reading text layers) and the
//! file system (read only). Must not use `rusqlite`, `egui`, `printpdf` or `rfd`: this module
//! never writes anything, so bad input can never damage a project.

mod calendar;
mod case_toml;
mod error;
mod package;
mod pdf_text;
mod sheet;

pub use calendar::{bundled_calendar, parse_year_schedule};
pub use case_toml::parse_case_toml;
pub use error::{FieldProblem, ImportError};
pub use package::{Member, Package, PackageKind, open_package};
pub use pdf_text::{TextLayer, extract_pdf_text};
pub use sheet::{
    Cell, MAX_WORKBOOK_SHEETS, NamedSheet, RowError, Sheet, SheetKind, decode_text, parse_sheet_date, read_sheet,
    read_workbook,
};

use serde::{Deserialize, Serialize};

/// The project setting that holds the [`ImportLimits`].
pub const IMPORT_LIMITS_KEY: &str = "import_limits";

/// Each import limit's setting key and what it is, in Chinese (with its unit as stored).
pub const IMPORT_LIMIT_LABELS: &[(&str, &str)] = &[
    ("max_zip_uncompressed_bytes", "压缩包解压后总大小上限（字节）"),
    ("max_zip_ratio", "压缩包压缩比上限（倍）"),
    ("max_zip_entries", "压缩包文件数上限"),
    ("max_case_toml_bytes", "case.toml 大小上限（字节）"),
    ("max_pdf_text_bytes", "每份 PDF 解压内容上限（字节）"),
    ("max_pdf_page_tokens", "PDF 每页操作数上限"),
    ("max_pdf_document_tokens", "PDF 每份操作数上限"),
    ("max_sheet_rows", "表格行数上限"),
    ("max_sheet_columns", "表格列数上限"),
    ("max_sheet_cells", "表格单元格数上限"),
    ("reader_memory_mib", "读取进程内存上限（MB）"),
    ("reader_seconds", "读取单个文件时限（秒）"),
];

impl ImportLimits {
    /// Sets one limit by its key (as in [`IMPORT_LIMIT_LABELS`]) to a whole number ≥ 1.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        if !IMPORT_LIMIT_LABELS.iter().any(|(k, _)| *k == key) {
            let keys: Vec<&str> = IMPORT_LIMIT_LABELS.iter().map(|(k, _)| *k).collect();
            return Err(format!("没有名为“{key}”的导入限制（可用：{}）", keys.join("、")));
        }
        let number: u64 = value
            .trim()
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| format!("{key} 的值“{value}”不是大于 0 的整数"))?;
        let mut object = serde_json::to_value(&*self).map_err(|e| e.to_string())?;
        object[key] = serde_json::Value::from(number);
        *self = serde_json::from_value(object).map_err(|_| format!("{key} 的值 {number} 超出范围"))?;
        Ok(())
    }

    /// Each limit: key, label and value.
    pub fn entries(&self) -> Vec<(&'static str, &'static str, u64)> {
        let object = serde_json::to_value(self).unwrap_or_default();
        IMPORT_LIMIT_LABELS
            .iter()
            .map(|(key, label)| (*key, *label, object[*key].as_u64().unwrap_or(0)))
            .collect()
    }
}

/// Limits that protect against hostile or broken packages, ledgers and registries. Project
/// settings (`import_limits`), not constants: a setting stored before a limit existed reads
/// that limit's default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportLimits {
    /// Largest total declared uncompressed size of a zip package.
    pub max_zip_uncompressed_bytes: u64,
    /// Largest ratio of declared uncompressed size to the zip file's size.
    pub max_zip_ratio: u64,
    /// Most members in one zip package.
    pub max_zip_entries: usize,
    /// Largest `case.toml` accepted.
    pub max_case_toml_bytes: u64,
    /// Largest decompressed content read while extracting a PDF's text.
    pub max_pdf_text_bytes: usize,
    /// Most content-stream tokens (operators and operands) read on one PDF page: a dense page
    /// of text has some ten thousand; parsing a token costs about a hundred bytes.
    pub max_pdf_page_tokens: usize,
    /// Most content-stream tokens read from one PDF document.
    pub max_pdf_document_tokens: usize,
    /// Most data rows of a ledger or registry (a province's yearly cases fit many times).
    pub max_sheet_rows: usize,
    /// Most columns read from a sheet (a ledger has about 20).
    pub max_sheet_columns: u32,
    /// Most non-empty cells read from a sheet.
    pub max_sheet_cells: usize,
    /// Address space of the reader process that extracts PDF text and reads spreadsheets, in
    /// MiB (Linux): a file that needs more is recorded as unreadable, the batch goes on.
    pub reader_memory_mib: u64,
    /// Seconds the reader process may take for one file before it is stopped.
    pub reader_seconds: u64,
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self {
            max_zip_uncompressed_bytes: 16 * 1024 * 1024 * 1024,
            max_zip_ratio: 100,
            max_zip_entries: 20_000,
            max_case_toml_bytes: 4 * 1024 * 1024,
            max_pdf_text_bytes: 64 * 1024 * 1024,
            max_pdf_page_tokens: 400_000,
            max_pdf_document_tokens: 4_000_000,
            max_sheet_rows: 200_000,
            max_sheet_columns: 256,
            max_sheet_cells: 4_000_000,
            reader_memory_mib: 2048,
            reader_seconds: 120,
        }
    }
}

/// Checks a relative path from a package (`case.toml` or a zip member) and normalises it
/// to `/` separators. Absolute paths, drive letters and `..` are refused (zip-slip).
pub fn safe_relative_path(raw: &str) -> Result<String, &'static str> {
    let unified = raw.replace('\\', "/");
    if unified.is_empty() {
        return Err("路径为空");
    }
    if unified.starts_with('/') {
        return Err("不允许绝对路径");
    }
    let bytes = unified.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return Err("不允许带盘符的绝对路径");
    }
    let mut parts = Vec::new();
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("不允许包含 ..（可能写到案卷包之外）"),
            other => {
                if other.chars().any(|c| c == '\0' || c.is_control()) {
                    return Err("路径含控制字符");
                }
                parts.push(other);
            }
        }
    }
    if parts.is_empty() {
        return Err("路径为空");
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::safe_relative_path;

    #[test]
    fn relative_paths_are_normalised_and_escapes_refused() {
        assert_eq!(safe_relative_path("docs/a.pdf").as_deref(), Ok("docs/a.pdf"));
        assert_eq!(safe_relative_path("./docs\\a.pdf").as_deref(), Ok("docs/a.pdf"));
        assert!(safe_relative_path("/etc/passwd").is_err());
        assert!(safe_relative_path("C:\\x.pdf").is_err());
        assert!(safe_relative_path("docs/../../x.pdf").is_err());
        assert!(safe_relative_path("").is_err());
    }
}
