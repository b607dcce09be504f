//! Spreadsheets from enforcement systems: case ledgers (台账, CASE_FORMAT.md §4) and the
//! officer registry (执法人员名册, §5), as `.xlsx` or `.csv` (UTF-8 with or without BOM, or
//! GBK/GB18030). A row that cannot be read is a per-row error; the other rows still count.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};
use chrono::{Duration, NaiveDate};

use super::ImportLimits;
use super::error::ImportError;
use crate::domain::{
    Case, CaseKind, CaseOrigin, CodeEnum, DateKey, Decision, Officer, Party, PartyKind, Penalty, PenaltyKind,
    Procedure, RegisteredOfficer,
};

/// One cell as read.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text (CSV cells are always text).
    Text(String),
    /// A number (an Excel date serial is a number too).
    Number(f64),
}

impl Cell {
    /// The cell as text (whole numbers without a decimal point).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
        }
    }
}

/// What a sheet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    /// A case ledger (has 案号).
    Ledger,
    /// An officer registry (has 姓名 and 执法证号, no 案号).
    Registry,
}

/// A row that could not be read: 1-based spreadsheet row number and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Row number as the spreadsheet shows it (the header is row 1 when it is the first row).
    pub row: usize,
    /// The reason, naming the column.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第{}行{}", self.row, self.message)
    }
}

/// A sheet read into headers and rows.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Sheet {
    /// Normalised header names.
    pub headers: Vec<String>,
    /// (spreadsheet row number, cells).
    pub rows: Vec<(usize, Vec<Cell>)>,
}

/// Header spellings normalised: spaces dropped, full-width brackets made half-width.
fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '，' => ',',
            other => other,
        })
        .collect()
}

/// Reads `.xlsx`/`.xls`/`.ods` (first sheet) or `.csv`, within the sheet limits of `limits`
/// (rows, columns, cells). In-process; `crate::worker` runs it in a separate process.
pub fn read_sheet(path: &Path, limits: &ImportLimits) -> Result<Sheet, ImportError> {
    let max_rows = limits.max_sheet_rows;
    let file = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let rows: Vec<(usize, Vec<Cell>)> = if ext == "csv" || ext == "txt" {
        let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
            file: file.clone(),
            source,
        })?;
        let text = decode_text(&bytes).map_err(|message| ImportError::Sheet {
            file: file.clone(),
            message,
        })?;
        // The row limit (on rows with content after the header, blank lines not counted) is
        // applied while parsing.
        let rows = parse_csv(&text, max_rows).map_err(|message| ImportError::Sheet {
            file: file.clone(),
            message,
        })?;
        rows.into_iter().enumerate().map(|(i, r)| (i + 1, r)).collect()
    } else if ext == "xlsx" || ext == "xlsm" {
        // The spreadsheet reader panics on some hostile files (a cell reference too long to
        // count): that file is refused, the batch goes on.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            read_xlsx_sparse(path, &file, limits, 0)
        }))
        .unwrap_or_else(|_| {
            Err(ImportError::Sheet {
                file: file.clone(),
                message: "表格内容损坏，读取器无法解析（例如单元格地址无效）".into(),
            })
        })?
    } else {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            read_other_sheet(path, &file, limits, 0)
        }))
        .unwrap_or_else(|_| {
            Err(ImportError::Sheet {
                file: file.clone(),
                message: "表格内容损坏，读取器无法解析".into(),
            })
        })?
    };
    let mut rows = rows.into_iter();
    let header_row = rows
        .by_ref()
        .find(|(_, r)| r.iter().any(|c| !c.text().is_empty()))
        .ok_or_else(|| ImportError::Sheet {
            file: file.clone(),
            message: "表格为空".into(),
        })?;
    let headers = header_row.1.iter().map(|c| normalise_header(&c.text())).collect();
    let rows = rows.filter(|(_, r)| r.iter().any(|c| !c.text().is_empty())).collect();
    Ok(Sheet { headers, rows })
}

/// One sheet of a workbook, every row that holds something (row numbers as Excel shows them).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NamedSheet {
    /// The sheet's name.
    pub name: String,
    /// (row number, cells).
    pub rows: Vec<(usize, Vec<Cell>)>,
}

/// Most sheets of a workbook read by [`read_workbook`].
pub const MAX_WORKBOOK_SHEETS: usize = 64;

/// Every sheet of an `.xlsx`/`.xls`/`.ods` workbook (a 评查标准 table), each within the sheet
/// limits of `limits`; a workbook of more than [`MAX_WORKBOOK_SHEETS`] sheets is refused.
/// In-process; `crate::worker` runs it in a separate process.
pub fn read_workbook(path: &Path, limits: &ImportLimits) -> Result<Vec<NamedSheet>, ImportError> {
    let file = path.display().to_string();
    let sheet_err = |message: String| ImportError::Sheet {
        file: file.clone(),
        message,
    };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
        return Err(sheet_err("不是 Excel 表格（应为 .xlsx、.xls 或 .ods）".into()));
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let names = open_workbook_auto(path)
            .map_err(|e| sheet_err(format!("无法作为 Excel 表格打开（{e}）")))?
            .sheet_names();
        if names.is_empty() {
            return Err(sheet_err("表格中没有工作表".into()));
        }
        if names.len() > MAX_WORKBOOK_SHEETS {
            return Err(sheet_err(format!(
                "表格有 {} 个工作表，超过上限 {MAX_WORKBOOK_SHEETS} 个",
                names.len()
            )));
        }
        names
            .into_iter()
            .enumerate()
            .map(|(index, name)| {
                let rows = if ext == "xlsx" || ext == "xlsm" {
                    read_xlsx_sparse(path, &file, limits, index)?
                } else {
                    read_other_sheet(path, &file, limits, index)?
                };
                let rows = rows
                    .into_iter()
                    .filter(|(_, r)| r.iter().any(|c| !c.text().is_empty()))
                    .collect();
                Ok(NamedSheet { name, rows })
            })
            .collect()
    }))
    .unwrap_or_else(|_| Err(sheet_err("表格内容损坏，读取器无法解析（例如单元格地址无效）".into())))
}

fn cell_of(cell: &Data) -> Cell {
    match cell {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
    }
}

/// Reads sheet `index` of an `.xls` or `.ods` whole (those formats have no cell stream);
/// the sheet's dimension is checked against the row and column limits first.
fn read_other_sheet(
    path: &Path,
    file: &str,
    limits: &ImportLimits,
    index: usize,
) -> Result<Vec<(usize, Vec<Cell>)>, ImportError> {
    let (max_rows, max_columns) = (limits.max_sheet_rows, limits.max_sheet_columns);
    let sheet_err = |message: String| ImportError::Sheet {
        file: file.to_string(),
        message,
    };
    let mut workbook = open_workbook_auto(path).map_err(|e| sheet_err(format!("无法作为 Excel 表格打开（{e}）")))?;
    let range = workbook
        .worksheet_range_at(index)
        .ok_or_else(|| sheet_err("表格中没有工作表".into()))?
        .map_err(|e| sheet_err(format!("无法读取第{}个工作表（{e}）", index + 1)))?;
    if range.height() > max_rows + 1 || range.width() > max_columns as usize {
        return Err(sheet_err(format!(
            "工作表有 {} 行 {} 列，超过上限（{max_rows} 行、{max_columns} 列）",
            range.height(),
            range.width()
        )));
    }
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell_of).collect())
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .collect())
}

/// Reads sheet `index` of an `.xlsx` cell by cell, keeping only cells that hold something:
/// a sheet that declares (or places one cell at) XFD1048576 costs what it holds, not its
/// area. Rows, columns and cells beyond the limits are refused, naming the limit.
fn read_xlsx_sparse(
    path: &Path,
    file: &str,
    limits: &ImportLimits,
    index: usize,
) -> Result<Vec<(usize, Vec<Cell>)>, ImportError> {
    let (max_rows, max_columns, max_cells) = (limits.max_sheet_rows, limits.max_sheet_columns, limits.max_sheet_cells);
    use calamine::{DataRef, Xlsx, open_workbook};
    let sheet_err = |message: String| ImportError::Sheet {
        file: file.to_string(),
        message,
    };
    let mut workbook: Xlsx<_> =
        open_workbook(path).map_err(|e| sheet_err(format!("无法作为 Excel 表格打开（{e}）")))?;
    let name = workbook
        .sheet_names()
        .get(index)
        .cloned()
        .ok_or_else(|| sheet_err("表格中没有工作表".into()))?;
    let mut reader = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| sheet_err(format!("无法读取工作表“{name}”（{e}）")))?;
    let mut rows: std::collections::BTreeMap<u32, Vec<(u32, Cell)>> = std::collections::BTreeMap::new();
    let mut cells = 0usize;
    loop {
        let next = reader
            .next_cell()
            .map_err(|e| sheet_err(format!("工作表“{name}”无法读取（{e}）")))?;
        let Some(cell) = next else { break };
        let (row, col) = cell.get_position();
        let value = match cell.get_value() {
            DataRef::Empty | DataRef::Error(_) => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
            DataRef::SharedString(s) => Cell::Text((*s).to_string()),
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
            DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
        };
        if matches!(&value, Cell::Text(t) if t.trim().is_empty()) {
            continue;
        }
        if row as usize > max_rows {
            return Err(sheet_err(format!(
                "第{}行有内容，超过上限 {max_rows} 行；请分成几个文件导入",
                u64::from(row) + 1
            )));
        }
        if col >= max_columns {
            return Err(sheet_err(format!(
                "第{}行第{}列有内容，超过上限 {max_columns} 列",
                u64::from(row) + 1,
                u64::from(col) + 1
            )));
        }
        cells += 1;
        if cells > max_cells {
            return Err(sheet_err(format!("单元格超过 {max_cells} 个，超过上限")));
        }
        rows.entry(row).or_default().push((col, value));
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| {
            let width = cells.iter().map(|(c, _)| *c + 1).max().unwrap_or(0) as usize;
            let mut dense = vec![Cell::Empty; width];
            for (col, value) in cells {
                dense[col as usize] = value;
            }
            (row as usize + 1, dense)
        })
        .collect())
}

/// Decodes CSV bytes, deciding from the whole file: a byte-order mark says UTF-8, UTF-16 or
/// UTF-32; without one, valid UTF-8 is UTF-8; text that is UTF-8 but for a few stray bytes
/// stays UTF-8 (the damaged rows carry U+FFFD and are refused one by one, see
/// [`DAMAGED_ROW`]); otherwise GB18030 (a superset of GBK) when it decodes cleanly. Anything
/// else is refused with what was found.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return Ok(String::from_utf8_lossy(rest).into_owned());
    }
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe\x00\x00") {
        return decode_utf32(rest, u32::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\x00\x00\xfe\xff") {
        return decode_utf32(rest, u32::from_be_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return Ok(encoding_rs::UTF_16LE.decode_without_bom_handling(rest).0.into_owned());
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return Ok(encoding_rs::UTF_16BE.decode_without_bom_handling(rest).0.into_owned());
    }
    // A text table has no NUL bytes; UTF-16/32 without a mark has them for every ASCII
    // character (and its CJK pairs can even look like valid UTF-8).
    if bytes.contains(&0) {
        return Err("含有 NUL 字节：看起来是 UTF-16 或 UTF-32 编码但没有字节序标记（BOM）；请另存为 UTF-8 或带 BOM 的 Unicode 文本".into());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let lossy = String::from_utf8_lossy(bytes);
    let damaged = lossy.chars().filter(|c| *c == '\u{fffd}').count();
    let wide = lossy.chars().filter(|c| !c.is_ascii() && *c != '\u{fffd}').count();
    // Mostly valid UTF-8 with some damage: UTF-8, the damaged rows refused one by one (GBK
    // read as UTF-8 gives almost no valid characters).
    if wide > 0 && wide >= damaged * 2 {
        return Ok(lossy.into_owned());
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if !had_errors {
        return Ok(text.into_owned());
    }
    if wide > 0 {
        return Ok(lossy.into_owned());
    }
    Err("文件编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）；请另存为 UTF-8".into())
}

fn decode_utf32(bytes: &[u8], word: fn([u8; 4]) -> u32) -> Result<String, String> {
    if !bytes.len().is_multiple_of(4) {
        return Err("UTF-32 文件长度不是 4 的倍数，文件不完整".into());
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|c| char::from_u32(word([c[0], c[1], c[2], c[3]])).unwrap_or('\u{fffd}'))
        .collect())
}

/// The error of a row that holds bytes the file's encoding could not decode.
pub const DAMAGED_ROW: &str = "本行含无法识别的字节（文件中有不是 UTF-8 的字节），请检查后重新导出";

/// Whether a row holds undecodable bytes (U+FFFD from [`decode_text`]).
fn damaged(cells: &[Cell]) -> bool {
    cells
        .iter()
        .any(|c| matches!(c, Cell::Text(t) if t.contains('\u{fffd}')))
}

/// RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes. Tab-separated
/// text is accepted when the header has tabs and no commas.
/// Parses CSV text into rows. More than `max_rows` rows with content after the header stop
/// the reading there (a million-row file is refused without being held whole).
fn parse_csv(text: &str, max_rows: usize) -> Result<Vec<Vec<Cell>>, String> {
    let mut filled = 0usize;
    let first_line = text.lines().next().unwrap_or("");
    let sep = if first_line.contains('\t') && !first_line.contains(',') {
        '\t'
    } else {
        ','
    };
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    // The line being read, and where the open quote began.
    let mut line = 1usize;
    let mut quote_line = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && field.is_empty() {
            in_quotes = true;
            quote_line = line;
        } else if c == sep {
            row.push(Cell::Text(std::mem::take(&mut field)));
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            row.push(Cell::Text(std::mem::take(&mut field)));
            if row.iter().any(|c| matches!(c, Cell::Text(t) if !t.trim().is_empty())) {
                filled += 1;
                if filled > max_rows.saturating_add(1) {
                    return Err(format!(
                        "数据超过上限 {max_rows} 行（读到第{}行时停止）；请分成几个文件导入",
                        line - 1
                    ));
                }
            }
            rows.push(std::mem::take(&mut row));
        } else {
            field.push(c);
        }
    }
    if in_quotes {
        return Err(format!(
            "第{quote_line}行：引号未闭合（从这里到文件末尾都成了一个单元格），请检查该行的引号"
        ));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(Cell::Text(field));
        rows.push(row);
    }
    Ok(rows)
}

/// Parses a date as ledgers write it: `2023-03-01`, `2023/3/1`, `2023.3.1`, `2023年3月1日`,
/// an Excel date serial (a number, or digits as text), optionally followed by a time.
pub fn parse_sheet_date(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    let date = read_sheet_date(cell)?;
    match date.and_then(crate::domain::limits::date_problem) {
        Some(why) => Err(why),
        None => Ok(date),
    }
}

fn read_sheet_date(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    let serial = |n: f64| -> Result<Option<NaiveDate>, String> {
        if !(1.0..=2_958_465.0).contains(&n) {
            return Err(format!("{n} 不是有效的 Excel 日期序号"));
        }
        // Excel's 1900 system counts a non-existent 1900-02-29 (serial 60).
        let base = NaiveDate::from_ymd_opt(1899, 12, if n >= 61.0 { 30 } else { 31 }).expect("valid base date");
        Ok(base.checked_add_signed(Duration::days(n.floor() as i64)))
    };
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => serial(*n),
        Cell::Text(text) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            if text.chars().all(|c| c.is_ascii_digit()) && text.len() <= 7 {
                let n: f64 = text.parse().map_err(|_| format!("{text} 不是有效日期"))?;
                return serial(n);
            }
            let date_part = text.split([' ', 'T']).next().unwrap_or(text);
            let cleaned: String = date_part
                .replace("年", "-")
                .replace("月", "-")
                .replace("日", "")
                .replace(['/', '.'], "-");
            let parts: Vec<&str> = cleaned.split('-').collect();
            let parsed = match parts.as_slice() {
                [y, m, d] if y.len() == 4 => match (y.parse(), m.parse(), d.parse()) {
                    (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d),
                    _ => None,
                },
                _ => None,
            };
            parsed
                .map(Some)
                .ok_or_else(|| format!("{text} 不是有效日期（可写作 2023-03-01、2023/3/1、2023.3.1 或 2023年3月1日）"))
        }
    }
}

/// Splits a list cell on 、 , ， ; ；.
fn split_list(text: &str) -> Vec<String> {
    text.split(['、', ',', '，', ';', '；', '/'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

use crate::domain::limits::MAX_AMOUNT;

/// Parses an amount: `50000`, `50,000`, `5万元`, `5000元`.
fn parse_amount(cell: &Cell) -> Result<Option<f64>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) if (0.0..=MAX_AMOUNT).contains(n) => Ok(Some(*n)),
        Cell::Number(n) if *n > MAX_AMOUNT => Err(format!("{n} 超出合理范围（不超过1万亿元）")),
        Cell::Number(n) => Err(format!("{n} 不能为负数")),
        Cell::Text(text) => {
            let t = text.trim().replace([',', '，'], "");
            if t.is_empty() {
                return Ok(None);
            }
            let (num, factor) = if let Some(x) = t.strip_suffix("万元").or_else(|| t.strip_suffix('万')) {
                (x, 10_000.0)
            } else {
                (t.strip_suffix('元').unwrap_or(&t), 1.0)
            };
            match num.trim().parse::<f64>() {
                Ok(n) if n.is_finite() && n >= 0.0 => {
                    let amount = n * factor;
                    if amount <= MAX_AMOUNT {
                        Ok(Some(amount))
                    } else {
                        Err(format!("“{text}”超出合理范围（不超过1万亿元）"))
                    }
                }
                _ => Err(format!("“{text}”不是有效金额")),
            }
        }
    }
}

fn penalty_kind(text: &str) -> PenaltyKind {
    if let Some(kind) = PenaltyKind::parse(text) {
        return kind;
    }
    const PATTERNS: [(&str, PenaltyKind); 8] = [
        ("警告", PenaltyKind::Warning),
        ("罚款", PenaltyKind::Fine),
        ("没收", PenaltyKind::Confiscation),
        ("停产停业", PenaltyKind::Suspension),
        ("吊销", PenaltyKind::Revocation),
        ("暂扣", PenaltyKind::Revocation),
        ("关闭", PenaltyKind::Closure),
        ("限制从业", PenaltyKind::Restriction),
    ];
    PATTERNS
        .iter()
        .find(|(p, _)| text.contains(p))
        .map_or(PenaltyKind::Other, |(_, k)| *k)
}

/// Ledger columns that map to dates.
const LEDGER_DATES: [(&str, DateKey); 11] = [
    ("违法行为日期", DateKey::Violation),
    ("立案日期", DateKey::Filed),
    ("调查终结日期", DateKey::InvestigationEnded),
    ("法制审核日期", DateKey::LegalReview),
    ("集体讨论日期", DateKey::CollectiveDiscussion),
    ("告知日期", DateKey::NoticeServed),
    ("决定日期", DateKey::Decision),
    ("送达日期", DateKey::DecisionServed),
    ("公示日期", DateKey::Published),
    ("缴款日期", DateKey::Paid),
    ("结案日期", DateKey::Closed),
];

/// Ledger columns mapped to fields other than dates.
const LEDGER_FIELDS: [&str; 18] = [
    "案号",
    "案件名称",
    "案件类型",
    "程序",
    "执法主体",
    "承办单位",
    "县(市、区)",
    "行业",
    "案件来源",
    "当事人",
    "当事人类型",
    "统一社会信用代码/身份证号",
    "法定代表人",
    "执法人员",
    "执法证号",
    "处罚种类",
    "罚款金额",
    "处罚依据",
];

/// Alternative header spellings.
fn canonical_header(h: &str) -> &str {
    match h {
        "统一社会信用代码" | "身份证号" | "统一社会信用代码(身份证号)" | "证件号码" => {
            "统一社会信用代码/身份证号"
        }
        "县市区" | "县(市,区)" | "区县" => "县(市、区)",
        "决定书文号" => "案号",
        other => other,
    }
}

impl Sheet {
    fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| canonical_header(h) == name)
    }

    fn cell<'a>(&self, cells: &'a [Cell], name: &str) -> &'a Cell {
        self.column(name).and_then(|i| cells.get(i)).unwrap_or(&Cell::Empty)
    }

    fn text(&self, cells: &[Cell], name: &str) -> Option<String> {
        let t = self.cell(cells, name).text();
        (!t.is_empty()).then_some(t)
    }

    /// Ledger, registry, or an error naming the columns a sheet needs.
    pub fn kind(&self, file: &str) -> Result<SheetKind, ImportError> {
        if self.column("案号").is_some() {
            Ok(SheetKind::Ledger)
        } else if self.column("姓名").is_some() && self.column("执法证号").is_some() {
            Ok(SheetKind::Registry)
        } else {
            Err(ImportError::Sheet {
                file: file.to_string(),
                message: "无法识别的表格：案件台账需要“案号”列，执法人员名册需要“姓名”和“执法证号”列".into(),
            })
        }
    }

    /// Refuses a row whose text is longer than its column allows (a 案号 over 64 characters,
    /// a 案件名称 over 500, anything over 2 000) or whose 案号 carries control characters.
    fn check_lengths(&self, cells: &[Cell]) -> Result<(), String> {
        use crate::domain::limits::{max_chars, text_problem};
        for (header, cell) in self.headers.iter().zip(cells) {
            if let Cell::Text(text) = cell
                && let Some(why) = text_problem(text.trim(), max_chars(header), header == "案号")
            {
                return Err(format!("「{header}」：{why}"));
            }
        }
        Ok(())
    }

    /// Reads every ledger row into a case (origin: ledger) or a row error.
    pub fn ledger_cases(&self) -> Vec<(usize, Result<Case, RowError>)> {
        self.rows
            .iter()
            .map(|(row, cells)| {
                (
                    *row,
                    self.ledger_case(cells)
                        .map_err(|message| RowError { row: *row, message }),
                )
            })
            .collect()
    }

    fn ledger_case(&self, cells: &[Cell]) -> Result<Case, String> {
        if damaged(cells) {
            return Err(DAMAGED_ROW.into());
        }
        self.check_lengths(cells)?;
        let number = self.text(cells, "案号").ok_or("「案号」：缺少案号")?;
        let kind = match self.text(cells, "案件类型") {
            None => CaseKind::Penalty,
            Some(t) => CaseKind::parse(&t)
                .ok_or_else(|| format!("「案件类型」：“{t}”不是允许的值（可选：行政处罚、行政检查、行政强制）"))?,
        };
        let mut case = Case::new(number, kind, CaseOrigin::Ledger);
        case.procedure = match self.text(cells, "程序") {
            None => None,
            Some(t) => Some(
                Procedure::parse(&t)
                    .ok_or_else(|| format!("「程序」：“{t}”不是允许的值（可选：普通程序、简易程序）"))?,
            ),
        };
        case.title = self.text(cells, "案件名称").unwrap_or_default();
        case.agency = self.text(cells, "执法主体").unwrap_or_default();
        case.unit = self.text(cells, "承办单位").unwrap_or_default();
        case.district = self.text(cells, "县(市、区)");
        case.industry = self.text(cells, "行业");
        case.source = self.text(cells, "案件来源");
        if let Some(name) = self.text(cells, "当事人") {
            let party_kind = match self.text(cells, "当事人类型") {
                None => None,
                Some(t) => Some(
                    PartyKind::parse(&t)
                        .ok_or_else(|| format!("「当事人类型」：“{t}”不是允许的值（可选：单位、个人）"))?,
                ),
            };
            case.party = Some(Party {
                name,
                kind: party_kind,
                id_number: self.text(cells, "统一社会信用代码/身份证号"),
                representative: self.text(cells, "法定代表人"),
                address: None,
            });
        }
        let names = split_list(&self.text(cells, "执法人员").unwrap_or_default());
        let certificates = split_list(&self.text(cells, "执法证号").unwrap_or_default());
        if !certificates.is_empty() && names.len() != certificates.len() {
            return Err(format!(
                "「执法人员」有 {} 人而「执法证号」有 {} 个，应一一对应",
                names.len(),
                certificates.len()
            ));
        }
        for (i, name) in names.into_iter().enumerate() {
            let certificate = certificates.get(i).cloned().unwrap_or_default();
            case.officers.push(Officer {
                name,
                certificate,
                certificate_valid_until: None,
            });
        }
        for (column, key) in LEDGER_DATES {
            if let Some(date) = parse_sheet_date(self.cell(cells, column)).map_err(|e| format!("「{column}」：{e}"))?
            {
                case.dates.insert(key, date);
            }
        }
        let kinds = split_list(&self.text(cells, "处罚种类").unwrap_or_default());
        let amount = parse_amount(self.cell(cells, "罚款金额")).map_err(|e| format!("「罚款金额」：{e}"))?;
        let basis = self.text(cells, "处罚依据");
        if !kinds.is_empty() || amount.is_some() || basis.is_some() {
            let mut decision = Decision::default();
            for k in &kinds {
                let kind = penalty_kind(k);
                let amount_yuan = if kind == PenaltyKind::Fine { amount } else { None };
                decision.penalties.push(Penalty { kind, amount_yuan });
            }
            if kinds.is_empty() && amount.is_some() {
                decision.penalties.push(Penalty {
                    kind: PenaltyKind::Fine,
                    amount_yuan: amount,
                });
            }
            decision.legal_basis = basis.into_iter().collect();
            case.decision = Some(decision);
        }
        for (i, header) in self.headers.iter().enumerate() {
            let canonical = canonical_header(header);
            let mapped = LEDGER_FIELDS.contains(&canonical) || LEDGER_DATES.iter().any(|(c, _)| *c == canonical);
            if !mapped && !header.is_empty() {
                let value = cells.get(i).map(Cell::text).unwrap_or_default();
                if !value.is_empty() {
                    case.extra.insert(format!("台账：{header}"), value);
                }
            }
        }
        Ok(case)
    }

    /// Reads every registry row into an officer or a row error.
    pub fn registry_officers(&self) -> Vec<Result<RegisteredOfficer, RowError>> {
        self.rows
            .iter()
            .map(|(row, cells)| {
                let err = |message: String| RowError { row: *row, message };
                if damaged(cells) {
                    return Err(err(DAMAGED_ROW.into()));
                }
                self.check_lengths(cells).map_err(err)?;
                let name = self
                    .text(cells, "姓名")
                    .ok_or_else(|| err("「姓名」：缺少姓名".into()))?;
                let certificate = self
                    .text(cells, "执法证号")
                    .ok_or_else(|| err("「执法证号」：缺少执法证号".into()))?;
                let issued =
                    parse_sheet_date(self.cell(cells, "发证日期")).map_err(|e| err(format!("「发证日期」：{e}")))?;
                let valid_until =
                    parse_sheet_date(self.cell(cells, "有效期至")).map_err(|e| err(format!("「有效期至」：{e}")))?;
                Ok(RegisteredOfficer {
                    name,
                    certificate,
                    unit: self.text(cells, "单位"),
                    category: self.text(cells, "执法类别"),
                    issued,
                    valid_until,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn every_date_spelling() {
        for text in [
            "2023-03-01",
            "2023/3/1",
            "2023.3.1",
            "2023年3月1日",
            "2023-3-1 00:00:00",
        ] {
            assert_eq!(parse_sheet_date(&Cell::Text(text.into())), Ok(d(2023, 3, 1)), "{text}");
        }
        // 2023-03-01 is Excel serial 44986.
        assert_eq!(parse_sheet_date(&Cell::Number(44986.0)), Ok(d(2023, 3, 1)));
        assert_eq!(parse_sheet_date(&Cell::Text("44986".into())), Ok(d(2023, 3, 1)));
        assert!(parse_sheet_date(&Cell::Text("2023-02-30".into())).is_err());
        assert_eq!(parse_sheet_date(&Cell::Empty), Ok(None));
    }

    #[test]
    fn csv_quotes_and_encodings() {
        let rows = parse_csv("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n", 10).unwrap();
        assert_eq!(rows[1], vec![Cell::Text("x,1".into()), Cell::Text("say \"hi\"".into())]);
        let (gbk, _, _) = encoding_rs::GBK.encode("案号,当事人");
        assert_eq!(decode_text(&gbk).unwrap(), "案号,当事人");
        assert_eq!(decode_text("\u{feff}案号".as_bytes()).unwrap(), "案号");
    }

    #[test]
    fn csv_encodings_are_decided_from_the_whole_file() {
        // #19 item 8: one stray 0xFF switched a UTF-8 file to GB18030 and every row was
        // refused; UTF-16/32 were refused as "needs 案号"; an open quote ate the rest.
        let text = "案号,当事人\n甲〔1〕号,某公司\n乙〔2〕号,某厂\n";
        let mut bytes = text.as_bytes().to_vec();
        let at = bytes.len() - 4;
        bytes.insert(at, 0xff);
        let decoded = decode_text(&bytes).unwrap();
        assert!(decoded.starts_with("案号,当事人\n甲〔1〕号,某公司\n"), "{decoded}");
        assert!(decoded.contains('\u{fffd}'), "the damaged row is marked");
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_text(&utf16).unwrap(), text);
        let utf16be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode_text(&utf16be).unwrap(), text);
        let utf32: Vec<u8> = [0xff, 0xfe, 0, 0]
            .into_iter()
            .chain(text.chars().flat_map(|c| (c as u32).to_le_bytes()))
            .collect();
        assert_eq!(decode_text(&utf32).unwrap(), text);
        let no_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(decode_text(&no_bom).unwrap_err().contains("没有字节序标记"));
        let open = parse_csv("案号,当事人\n甲,\"某公司\n乙,丙\n丁,戊\n", 10).unwrap_err();
        assert!(open.starts_with("第2行：引号未闭合"), "{open}");
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount(&Cell::Text("5万元".into())), Ok(Some(50_000.0)));
        assert_eq!(parse_amount(&Cell::Text("3,000元".into())), Ok(Some(3_000.0)));
        assert!(parse_amount(&Cell::Text("若干".into())).is_err());
        // #19 item 8: 1e305万元 became infinity and was stored as nothing.
        assert!(
            parse_amount(&Cell::Text("1e305万元".into()))
                .unwrap_err()
                .contains("超出合理范围")
        );
        assert!(parse_amount(&Cell::Text("inf".into())).is_err());
        assert!(parse_amount(&Cell::Number(f64::MAX)).is_err());
        assert_eq!(parse_amount(&Cell::Text("1000000000000".into())), Ok(Some(1e12)));
        assert!(parse_amount(&Cell::Text("1000000000001".into())).is_err());
    }
}
