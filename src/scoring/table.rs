//! Checklists from the tables provinces and cities publish (评查标准 as an Excel sheet with
//! 序号 / 评查项目 / 评查内容 / 分值 / 扣分标准 / 否决情形 / 依据 columns): which column holds
//! what (detected from the header row, or chosen by the user), how each row reads (a heading,
//! a 否决项, a scored item with its deduction read from the wording, the closing line with the
//! total and the grade bands), and the checklist that results — with every problem naming the
//! sheet, the row and the column.
//!
//! Pure: works on cell texts the caller read (`import` reads the file). Must not do I/O.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::format::{Known, validate};
use crate::domain::{
    AppliesTo, BonusItem, CaseKind, Checklist, CodeEnum, Deduction, GradeBand, Item, NotApplicableMode, Procedure,
    Section, VetoEffect, VetoItem, fmt_points,
};

/// One row of a sheet: its number as the spreadsheet shows it, and its cells' text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableRow {
    /// Row number (1-based, as shown in Excel).
    pub row: usize,
    /// Cell texts, trimmed; empty for an empty cell.
    pub cells: Vec<String>,
}

impl TableRow {
    fn cell(&self, column: Option<usize>) -> &str {
        column.and_then(|c| self.cells.get(c)).map_or("", |s| s.trim())
    }

    fn filled(&self) -> Vec<&str> {
        self.cells.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect()
    }
}

/// One sheet as read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Table {
    /// The sheet's name.
    pub sheet: String,
    /// Rows holding something, in order.
    pub rows: Vec<TableRow>,
}

impl Table {
    /// Columns the sheet uses.
    pub fn width(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0)
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 序号.
    Number,
    /// 评查项目 (the section).
    Section,
    /// 评查内容 (the item's text).
    Content,
    /// 分值.
    Points,
    /// 扣分标准.
    Rule,
    /// 否决情形.
    Veto,
    /// 依据.
    Basis,
}

impl Field {
    /// Every field, in the table's usual order.
    pub const ALL: [Field; 7] = [
        Self::Number,
        Self::Section,
        Self::Content,
        Self::Points,
        Self::Rule,
        Self::Veto,
        Self::Basis,
    ];

    /// The column's usual heading.
    pub fn label(self) -> &'static str {
        match self {
            Self::Number => "序号",
            Self::Section => "评查项目",
            Self::Content => "评查内容",
            Self::Points => "分值",
            Self::Rule => "扣分标准",
            Self::Veto => "否决情形",
            Self::Basis => "依据",
        }
    }

    /// Whether a table must have this column.
    pub fn required(self) -> bool {
        matches!(self, Self::Content | Self::Points)
    }

    /// Headings meaning this field (after spaces and a bracketed unit are dropped).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Number => &["序号", "编号", "项目编号", "条目编号"],
            Self::Section => &[
                "评查项目",
                "项目",
                "部分",
                "类别",
                "评查类别",
                "评查环节",
                "一级指标",
                "评查事项",
                "环节",
            ],
            Self::Content => &[
                "评查内容",
                "内容",
                "评查要点",
                "评查标准",
                "二级指标",
                "具体内容",
                "评查细则",
                "评查指标",
            ],
            Self::Points => &["分值", "标准分", "分数", "满分", "标准分值", "权重"],
            Self::Rule => &[
                "扣分标准",
                "评分标准",
                "评分细则",
                "扣分办法",
                "扣分细则",
                "扣分方式",
                "评分办法",
            ],
            Self::Veto => &["否决情形", "否决项", "一票否决", "否决条件", "一票否决情形"],
            Self::Basis => &["依据", "法律依据", "评查依据", "法律法规依据", "依据条款"],
        }
    }
}

/// Which column holds which field, and the header row.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Mapping {
    /// The header row's number (rows above it are the title; below it, the content).
    pub header_row: usize,
    /// Field → 0-based column.
    pub columns: BTreeMap<Field, usize>,
}

impl Mapping {
    /// The column of a field.
    pub fn column(&self, field: Field) -> Option<usize> {
        self.columns.get(&field).copied()
    }
}

/// Excel's name of a 0-based column: A … Z, AA …
pub fn column_name(column: usize) -> String {
    let mut n = column + 1;
    let mut name = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// A heading as compared: no spaces, no bracketed unit (`分值（分）` → `分值`).
fn heading_key(text: &str) -> String {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let cut = text.find(['(', '（']).unwrap_or(text.len());
    text[..cut].to_string()
}

/// The field a heading names, if any.
fn field_of_heading(text: &str) -> Option<Field> {
    let key = heading_key(text);
    if key.is_empty() {
        return None;
    }
    Field::ALL
        .into_iter()
        .find(|f| f.aliases().contains(&key.as_str()))
        .or_else(|| {
            // Longer headings that contain a distinctive alias (`具体评查内容`, `扣分标准及说明`).
            Field::ALL.into_iter().find(|f| {
                f.aliases()
                    .iter()
                    .filter(|a| a.chars().count() >= 3)
                    .any(|a| key.contains(a))
            })
        })
}

/// How many rows from the top are searched for the header row.
const HEADER_SEARCH_ROWS: usize = 15;

/// The header row and columns, found from the headings: the first of the top rows that names
/// 评查内容 and at least one other field. `None` when no row does (the user maps by hand).
pub fn detect_mapping(table: &Table) -> Option<Mapping> {
    table.rows.iter().take(HEADER_SEARCH_ROWS).find_map(|row| {
        let mut columns = BTreeMap::new();
        for (column, text) in row.cells.iter().enumerate() {
            if let Some(field) = field_of_heading(text) {
                columns.entry(field).or_insert(column);
            }
        }
        (columns.contains_key(&Field::Content) && columns.len() >= 2).then_some(Mapping {
            header_row: row.row,
            columns,
        })
    })
}

/// The table's title: the first row above the header that holds one text only.
pub fn title_of(table: &Table, mapping: &Mapping) -> Option<String> {
    table
        .rows
        .iter()
        .take_while(|r| r.row < mapping.header_row)
        .find_map(|r| match r.filled().as_slice() {
            [one] => Some(strip_edition(one)),
            _ => None,
        })
}

/// The title without surrounding 《》 and without Pingcha's own `（第N版）` (the version is the
/// project's to count); `…评查标准（2024年版）` stays as is.
fn strip_edition(title: &str) -> String {
    let title = title.trim().trim_start_matches('《').trim_end_matches('》');
    if let Some(open) = title.rfind('（')
        && let Some(inner) = title[open..].strip_prefix("（第").and_then(|r| r.strip_suffix("版）"))
        && !inner.is_empty()
        && inner.chars().all(|c| c.is_ascii_digit())
    {
        return title[..open].to_string();
    }
    title.to_string()
}

/// Case kinds and procedures a title names (`行政处罚案卷评查标准（简易程序）`): the starting
/// values of the import dialog, which the user confirms. None named: every kind.
pub fn guess_applies(title: &str) -> AppliesTo {
    let mut kinds = Vec::new();
    let mut procedures = Vec::new();
    if title.contains("处罚") {
        kinds.push(CaseKind::Penalty);
        if title.contains("简易") {
            procedures.push(Procedure::Summary);
        } else if title.contains("普通") {
            procedures.push(Procedure::General);
        }
    }
    if title.contains("检查") {
        kinds.push(CaseKind::Inspection);
    }
    if title.contains("强制") || title.contains("查封") || title.contains("扣押") {
        kinds.push(CaseKind::Coercion);
    }
    AppliesTo { kinds, procedures }
}

/// What the user says about the checklist the table becomes.
#[derive(Debug, Clone, PartialEq)]
pub struct TableMeta {
    /// Checklist id (a new id makes a new checklist; an existing one, its next version).
    pub id: String,
    /// Name (defaults to the table's title).
    pub name: String,
    /// Where it applies.
    pub applies_to: AppliesTo,
    /// Where the table came from, for the checklist's note (`省评查标准.xlsx`).
    pub source: String,
}

/// A problem (or, among notes, an assumption) naming where in the table it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableProblem {
    /// Sheet name.
    pub sheet: String,
    /// Row number, when it is about a row.
    pub row: Option<usize>,
    /// 0-based column, when it is about a cell.
    pub column: Option<usize>,
    /// The field of that column.
    pub field: Option<Field>,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl fmt::Display for TableProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "工作表“{}”", self.sheet)?;
        if let Some(row) = self.row {
            write!(f, "第{row}行")?;
        }
        if let Some(column) = self.column {
            write!(f, "{}列", column_name(column))?;
        }
        if let Some(field) = self.field {
            write!(f, "（{}）", field.label())?;
        }
        write!(f, "：{}", self.message)
    }
}

/// How a row was read.
#[derive(Debug, Clone, PartialEq)]
pub enum RowKind {
    /// The header row.
    Header,
    /// Above the header (the title).
    Title,
    /// A heading naming a section (its name).
    Heading(String),
    /// A heading opening the 否决项.
    VetoHeading,
    /// A 否决项.
    Veto,
    /// A heading opening the 加分项.
    BonusHeading,
    /// A 加分项.
    Bonus,
    /// A scored item: its section and how deductions are counted.
    Item {
        /// Section name.
        section: String,
        /// `每处扣1分`.
        deduction: String,
    },
    /// The closing line (满分, 等次).
    Footer,
    /// A row that could not be read (see the problems).
    Invalid,
}

impl RowKind {
    /// Short Chinese description for the preview.
    pub fn describe(&self) -> String {
        match self {
            Self::Header => "表头".into(),
            Self::Title => "标题".into(),
            Self::Heading(name) => format!("部分：{name}"),
            Self::VetoHeading => "否决项标题".into(),
            Self::Veto => "否决项".into(),
            Self::BonusHeading => "加分项标题".into(),
            Self::Bonus => "加分项".into(),
            Self::Item { deduction, .. } => format!("评查项 · {deduction}"),
            Self::Footer => "满分与等次".into(),
            Self::Invalid => "无法读取".into(),
        }
    }
}

/// A table read against a mapping.
#[derive(Debug, Clone)]
pub struct TableReading {
    /// Each row's reading, in order.
    pub rows: Vec<(usize, RowKind)>,
    /// What keeps the checklist from being used (empty: it may be opened in the editor).
    pub problems: Vec<TableProblem>,
    /// Assumptions made (a missing 扣分标准 read as 扣全分, grade bands not in the table, …).
    pub notes: Vec<TableProblem>,
    /// The checklist as far as it could be read.
    pub checklist: Checklist,
}

/// How a 扣分标准 reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RuleReading {
    /// A deduction; `floor_at_zero` when the wording says (扣完为止 → true).
    Deduct {
        /// How it is counted.
        deduction: Deduction,
        /// 扣完为止 said (`Some(true)`), the opposite said (`Some(false)`), or nothing said.
        floor_at_zero: Option<bool>,
    },
    /// The row is a 否决情形.
    Veto,
}

/// Full-width digits and punctuation made plain; the ways of writing a range made `-`.
fn normalise_rule(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '～' | '〜' | '~' | '—' | '–' | '－' | '至' | '到' => '-',
            other => other,
        })
        .collect()
}

/// A number at `at`: Arabic (`0.5`, `2`) or Chinese (`一`, `两`, `十`, `半`); its value and the
/// index after it.
fn number_at(chars: &[char], at: usize) -> Option<(f64, usize)> {
    let mut end = at;
    while end < chars.len() && (chars[end].is_ascii_digit() || chars[end] == '.') {
        end += 1;
    }
    if end > at {
        let text: String = chars[at..end].iter().collect();
        return text.trim_end_matches('.').parse().ok().map(|v| (v, end));
    }
    let digit = |c: char| match c {
        '零' | '〇' => Some(0.0),
        '一' => Some(1.0),
        '二' | '两' => Some(2.0),
        '三' => Some(3.0),
        '四' => Some(4.0),
        '五' => Some(5.0),
        '六' => Some(6.0),
        '七' => Some(7.0),
        '八' => Some(8.0),
        '九' => Some(9.0),
        _ => None,
    };
    match chars.get(at) {
        Some('半') => Some((0.5, at + 1)),
        Some('十') => match chars.get(at + 1).and_then(|&c| digit(c)) {
            Some(units) => Some((10.0 + units, at + 2)),
            None => Some((10.0, at + 1)),
        },
        Some(&c) => {
            let tens = digit(c)?;
            if chars.get(at + 1) == Some(&'十') {
                match chars.get(at + 2).and_then(|&c| digit(c)) {
                    Some(units) => Some((tens * 10.0 + units, at + 3)),
                    None => Some((tens * 10.0, at + 2)),
                }
            } else {
                Some((tens, at + 1))
            }
        }
        None => None,
    }
}

/// Wordings that take the whole item's points.
const FULL_DEDUCTION: &[&str] = &[
    "扣全分",
    "不得分",
    "扣除全部分值",
    "扣除该项分值",
    "扣除本项分值",
    "扣该项全部分值",
    "扣除该项全部分值",
    "扣除本项全部分值",
    "该项为0分",
    "本项为0分",
    "扣除所有分值",
];

/// One amount found after a 扣.
struct Amount {
    min: f64,
    max: f64,
    per_occurrence: bool,
}

/// Reads a 扣分标准 against the item's points: 每处扣N分 (any 每X: 每处、每项、每份、每人、每缺一项;
/// also 缺一项、少一人、发现一处),
/// 扣N分, 扣N-M分 (also 扣N至M分, 视情况扣N～M分), 扣全分 / 不得分, 扣完为止, 否决. Several amounts
/// with different wordings become a range from the least to the most. Also the wording
/// Pingcha's own export writes (`扣全分（2分）`, `视情况扣1–5分`, `成立即否决`).
pub fn read_rule(text: &str, item_points: f64) -> Result<RuleReading, String> {
    let chars = normalise_rule(text);
    let plain: String = chars.iter().collect();
    if plain.contains("否决") {
        return Ok(RuleReading::Veto);
    }
    let floor_at_zero = if plain.contains("扣完为止") || plain.contains("扣完该项") || plain.contains("扣完本项")
    {
        Some(true)
    } else if plain.contains("超出部分") && plain.contains("计入") {
        Some(false)
    } else {
        None
    };
    let full = FULL_DEDUCTION.iter().any(|w| plain.contains(w));
    let mut amounts = Vec::new();
    // Where the current clause began (a 每 counts for the 扣 of its own clause).
    let mut clause_start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if matches!(c, '，' | ',' | '；' | ';' | '。' | '、') {
            clause_start = i + 1;
        }
        if c != '扣' {
            i += 1;
            continue;
        }
        let mut at = i + 1;
        while at < chars.len() && matches!(chars[at], '除' | '减' | '去') {
            at += 1;
        }
        let Some((first, after)) = number_at(&chars, at) else {
            i += 1;
            continue;
        };
        let (second, after) = match chars.get(after) {
            Some('-') => match number_at(&chars, after + 1) {
                Some((second, end)) => (Some(second), end),
                None => (None, after),
            },
            _ => (None, after),
        };
        if chars.get(after) != Some(&'分') {
            i += 1;
            continue;
        }
        let clause = &chars[clause_start..i];
        let per_occurrence = clause.contains(&'每')
            || clause
                .windows(2)
                .any(|w| w[0] == '一' && "项处份人次个件页".contains(w[1]));
        let (min, max) = match second {
            Some(second) => (first.min(second), first.max(second)),
            None => (first, first),
        };
        amounts.push(Amount {
            min,
            max,
            per_occurrence,
        });
        i = after + 1;
    }
    if amounts.iter().any(|a| a.min <= 0.0) {
        return Err(format!("“{text}”中的扣分应大于0"));
    }
    let deduction = if let Some(per) = amounts.iter().find(|a| a.per_occurrence) {
        Deduction::PerOccurrence { points: per.max }
    } else if !amounts.is_empty() {
        let mut min = amounts.iter().map(|a| a.min).fold(f64::INFINITY, f64::min);
        let mut max = amounts.iter().map(|a| a.max).fold(0.0, f64::max);
        if full {
            min = min.min(item_points);
            max = max.max(item_points);
        }
        if (max - min).abs() < 1e-9 {
            Deduction::Fixed { points: max }
        } else {
            Deduction::Range { min, max }
        }
    } else if full {
        Deduction::Fixed { points: item_points }
    } else {
        return Err(format!(
            "无法识别扣分方式：“{text}”（可写作“扣2分”“每处扣1分”“扣1-3分”“不得分”“扣完为止”或“否决”）"
        ));
    };
    let most = match deduction {
        Deduction::Fixed { points } | Deduction::PerOccurrence { points } => points,
        Deduction::Range { max, .. } => max,
    };
    if most > item_points + 1e-9 && !matches!(deduction, Deduction::PerOccurrence { .. }) {
        return Err(format!(
            "扣分{}超过该项分值{}",
            fmt_points(most),
            fmt_points(item_points)
        ));
    }
    Ok(RuleReading::Deduct {
        deduction,
        floor_at_zero,
    })
}

/// A 分值 cell: `2`, `2分`, `2.5`, `二`.
fn read_points(text: &str) -> Option<f64> {
    let chars = normalise_rule(text.trim_end_matches('分'));
    let (value, end) = number_at(&chars, 0)?;
    (end == chars.len() && value > 0.0).then_some(value)
}

/// Whether a 分值 cell says the row is a veto (`否决`, `一票否决`, `—` next to a 否决 rule).
fn points_say_veto(text: &str) -> bool {
    text.contains("否决")
}

/// A section name without its numbering and declared points: `一、执法主体（10分）` →
/// (`执法主体`, Some(10)); `S1 执法主体与人员（10分）` → (`执法主体与人员`, Some(10)).
pub fn section_name(text: &str) -> (String, Option<f64>) {
    let mut name = text.trim().to_string();
    let mut declared = None;
    // Trailing (N分) / （N分）.
    if let Some(open) = name.rfind(['（', '(']) {
        let inner = name[open..]
            .trim_start_matches(['（', '('])
            .trim_end_matches(['）', ')'])
            .trim();
        let inner = inner.strip_prefix("共").unwrap_or(inner);
        if inner.ends_with('分')
            && let Some(points) = read_points(inner)
        {
            declared = Some(points);
            name.truncate(open);
        }
    }
    let name = name.trim();
    // Leading numbering: 一、 / （一） / 1. / 1、 / S1 / 第一部分.
    let chars: Vec<char> = name.chars().collect();
    let mut start = 0;
    if chars.first().is_some_and(|c| *c == '（' || *c == '(') {
        if let Some(close) = chars.iter().position(|c| *c == '）' || *c == ')')
            && chars[1..close].iter().all(|c| is_numeral(*c))
            && close > 1
        {
            start = close + 1;
        }
    } else if chars.first() == Some(&'第') {
        if let Some(end) = chars.iter().position(|c| *c == '部' || *c == '项')
            && end + 1 < chars.len()
            && chars[end + 1] == '分'
        {
            start = end + 2;
        }
    } else {
        let mut end = 0;
        if chars.first().is_some_and(|c| c.is_ascii_alphabetic()) {
            end = 1;
        }
        while end < chars.len() && (is_numeral(chars[end]) || chars[end] == '.') {
            end += 1;
        }
        if end > 0 && end < chars.len() && matches!(chars[end], '、' | '.' | ' ' | '．' | '　') {
            start = end + 1;
        } else if end > 0 && end < chars.len() && chars[..end].iter().any(|c| c.is_ascii_digit()) {
            start = end;
        }
    }
    let rest: String = chars[start..].iter().collect();
    let rest = rest.trim();
    let name = if rest.is_empty() { name } else { rest };
    (name.to_string(), declared)
}

/// The id a heading starts with, `S8 定性…` → `S8` (an ASCII letter, digits, then a space).
fn section_code(text: &str) -> Option<String> {
    let (head, rest) = text.trim().split_once([' ', '　'])?;
    let mut chars = head.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && !rest.trim().is_empty() && head.len() > 1 && chars.all(|c| c.is_ascii_digit()))
        .then(|| head.to_string())
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十".contains(c)
}

/// Grade bands in a closing line: `等次：优秀 ≥90分；良好 ≥80分；合格 ≥60分；不合格 ≥0分` (also
/// `优秀90分以上`).
fn read_bands(text: &str) -> Vec<GradeBand> {
    let Some(at) = text.find("等次") else {
        return Vec::new();
    };
    let rest = text[at + "等次".len()..].trim_start_matches(['：', ':']);
    let rest = rest.split('。').next().unwrap_or(rest);
    rest.split(['；', ';', '，', ','])
        .filter_map(|part| {
            let part = part.trim();
            let chars = normalise_rule(part);
            let digit = chars.iter().position(|c| c.is_ascii_digit())?;
            let grade: String = chars[..digit]
                .iter()
                .filter(|c| !matches!(c, '≥' | '>' | '='))
                .collect();
            let (min, _) = number_at(&chars, digit)?;
            (!grade.is_empty()).then_some(GradeBand { grade, min_points: min })
        })
        .collect()
}

/// `满分100分` in a closing line.
fn read_total(text: &str) -> Option<f64> {
    let at = text.find("满分")?;
    let chars = normalise_rule(&text[at + "满分".len()..]);
    number_at(&chars, 0).map(|(v, _)| v)
}

/// The bands Pingcha's default checklists use, scaled to `total`.
fn default_bands(total: f64) -> Vec<GradeBand> {
    [("优秀", 90.0), ("良好", 80.0), ("合格", 60.0), ("不合格", 0.0)]
        .into_iter()
        .map(|(grade, min)| GradeBand {
            grade: grade.into(),
            min_points: (min * total / 100.0 * 100.0).round() / 100.0,
        })
        .collect()
}

/// A row being built into a scored item.
struct PendingItem {
    row: usize,
    number: String,
    item: Item,
}

/// A section being built: its name, the points a heading declared (and where), its items.
struct PendingSection {
    /// The id a heading wrote before the name (`S8 定性…`, as Pingcha's export writes).
    code: Option<String>,
    name: String,
    declared: Option<(f64, usize)>,
    items: Vec<PendingItem>,
}

/// Reads the table below the header row into a checklist.
#[expect(
    clippy::too_many_lines,
    reason = "reads a 评查标准 sheet row by row; the row kinds share the running state"
)]
pub fn read_table(table: &Table, mapping: &Mapping, meta: &TableMeta) -> TableReading {
    let sheet = table.sheet.clone();
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let problem = |row: Option<usize>, field: Option<Field>, message: String| TableProblem {
        sheet: sheet.clone(),
        row,
        column: field.and_then(|f| mapping.column(f)),
        field,
        message,
    };
    for field in Field::ALL.into_iter().filter(|f| f.required()) {
        if mapping.column(field).is_none() {
            problems.push(problem(None, None, format!("没有指定“{}”所在的列", field.label())));
        }
    }
    let col = |field| mapping.column(field);

    let mut rows = Vec::new();
    // (row, the table's 序号 — `None` for a 否决情形 from its own column, item).
    let mut vetoes: Vec<(usize, Option<String>, VetoItem)> = Vec::new();
    let mut bonuses: Vec<(usize, String, BonusItem)> = Vec::new();
    let mut in_bonus = false;
    let mut bonus_off = false;
    // Sections in order of first appearance: name → (declared points, declaring row, items).
    let mut sections: Vec<PendingSection> = Vec::new();
    let mut in_veto = false;
    let mut heading_section: Option<String> = None;
    let mut last_section_cell = String::new();
    let mut footer_total: Option<(f64, usize)> = None;
    let mut bands = Vec::new();
    let mapped: HashSet<usize> = mapping.columns.values().copied().collect();

    let section_index = |sections: &mut Vec<PendingSection>, name: &str| {
        sections.iter().position(|s| s.name == name).unwrap_or_else(|| {
            sections.push(PendingSection {
                code: None,
                name: name.to_string(),
                declared: None,
                items: Vec::new(),
            });
            sections.len() - 1
        })
    };

    for row in &table.rows {
        if row.row < mapping.header_row {
            rows.push((row.row, RowKind::Title));
            continue;
        }
        if row.row == mapping.header_row {
            rows.push((row.row, RowKind::Header));
            continue;
        }
        let filled = row.filled();
        if filled.is_empty() {
            continue;
        }
        let content = row.cell(col(Field::Content));
        let points_text = row.cell(col(Field::Points));
        let rule_text = row.cell(col(Field::Rule));
        let section_cell = row.cell(col(Field::Section));
        let veto_cell = row.cell(col(Field::Veto));
        let basis = row.cell(col(Field::Basis)).to_string();
        let number = row
            .cell(col(Field::Number))
            .trim_end_matches(['.', '、', '．'])
            .to_string();

        // A row holding one text only (a merged heading or the closing line).
        let distinct: HashSet<&str> = filled.iter().copied().collect();
        if distinct.len() == 1 && points_text.is_empty() && rule_text.is_empty() {
            let text = filled[0];
            // 否决项 headings may name their effect (…定为不合格等次): 满分 first, then 否决.
            let footer = text.starts_with("满分") || (!text.contains("否决") && text.contains("等次"));
            if footer {
                footer_total = read_total(text).map(|t| (t, row.row));
                bands = read_bands(text);
                rows.push((row.row, RowKind::Footer));
            } else if text.contains("否决") {
                in_veto = true;
                in_bonus = false;
                rows.push((row.row, RowKind::VetoHeading));
            } else if text.starts_with("加分") || section_name(text).0.starts_with("加分") {
                in_bonus = true;
                in_veto = false;
                bonus_off = text.contains("未启用") || text.contains("不启用");
                rows.push((row.row, RowKind::BonusHeading));
            } else {
                in_veto = false;
                in_bonus = false;
                let (name, declared) = section_name(text);
                let index = section_index(&mut sections, &name);
                if let Some(points) = declared {
                    sections[index].declared = Some((points, row.row));
                }
                sections[index].code = section_code(text);
                heading_section = Some(name.clone());
                rows.push((row.row, RowKind::Heading(name)));
            }
            continue;
        }

        // The section: the 评查项目 cell (merged cells carry down), else the last heading.
        if !section_cell.is_empty() {
            last_section_cell = section_cell.to_string();
        }
        let section_text = if col(Field::Section).is_some() && !last_section_cell.is_empty() {
            last_section_cell.clone()
        } else {
            heading_section.clone().unwrap_or_else(|| "评查项目".to_string())
        };

        // A 否决情形 in its own column is a veto item, once per wording.
        if !veto_cell.is_empty() && !vetoes.iter().any(|(_, _, v)| v.text == veto_cell) && veto_cell != "—" {
            vetoes.push((
                row.row,
                None,
                VetoItem {
                    id: String::new(),
                    text: veto_cell.to_string(),
                    basis: basis.clone(),
                    rules: Vec::new(),
                    findings: Vec::new(),
                    effect: None,
                },
            ));
        }

        if content.is_empty() {
            if veto_cell.is_empty() {
                // Something in unmapped columns only (a remark): not part of the checklist.
                let only_unmapped = row
                    .cells
                    .iter()
                    .enumerate()
                    .all(|(c, text)| text.trim().is_empty() || !mapped.contains(&c));
                if !only_unmapped {
                    problems.push(problem(Some(row.row), Some(Field::Content), "评查内容为空".into()));
                    rows.push((row.row, RowKind::Invalid));
                }
            } else {
                rows.push((row.row, RowKind::Veto));
            }
            continue;
        }

        let points = read_points(points_text);
        if in_bonus || section_text.starts_with("加分") {
            let Some(points) = points else {
                problems.push(problem(
                    Some(row.row),
                    Some(Field::Points),
                    format!("加分项“{content}”没有分值"),
                ));
                rows.push((row.row, RowKind::Invalid));
                continue;
            };
            bonuses.push((
                row.row,
                number,
                BonusItem {
                    id: String::new(),
                    text: content.to_string(),
                    points,
                    basis,
                },
            ));
            rows.push((row.row, RowKind::Bonus));
            continue;
        }
        let rule = if rule_text.is_empty() {
            None
        } else {
            Some(read_rule(rule_text, points.unwrap_or(f64::INFINITY)))
        };
        let is_veto = section_text.contains("否决")
            || points_say_veto(points_text)
            || matches!(rule, Some(Ok(RuleReading::Veto)))
            || (in_veto && points.is_none());
        if is_veto {
            vetoes.push((
                row.row,
                Some(number),
                VetoItem {
                    id: String::new(),
                    text: content.to_string(),
                    basis,
                    rules: Vec::new(),
                    findings: Vec::new(),
                    effect: None,
                },
            ));
            rows.push((row.row, RowKind::Veto));
            continue;
        }
        let Some(points) = points else {
            let message = if points_text.is_empty() {
                "分值为空".to_string()
            } else {
                format!("“{points_text}”不是分值（应为正数，如 2 或 2分）")
            };
            problems.push(problem(Some(row.row), Some(Field::Points), message));
            rows.push((row.row, RowKind::Invalid));
            continue;
        };
        let (deduction, floor) = match rule {
            None => {
                notes.push(problem(
                    Some(row.row),
                    Some(Field::Rule),
                    format!("未写扣分标准，按“扣全分（{}分）”读取", fmt_points(points)),
                ));
                (Deduction::Fixed { points }, None)
            }
            Some(Ok(RuleReading::Deduct {
                deduction,
                floor_at_zero,
            })) => (deduction, floor_at_zero),
            Some(Ok(RuleReading::Veto)) => unreachable!("veto rows were taken above"),
            Some(Err(message)) => {
                problems.push(problem(Some(row.row), Some(Field::Rule), message));
                rows.push((row.row, RowKind::Invalid));
                continue;
            }
        };
        let (name, declared) = section_name(&section_text);
        let index = section_index(&mut sections, &name);
        if let Some(points) = declared
            && sections[index].declared.is_none()
        {
            sections[index].declared = Some((points, row.row));
        }
        rows.push((
            row.row,
            RowKind::Item {
                section: name,
                deduction: deduction.describe(points),
            },
        ));
        sections[index].items.push(PendingItem {
            row: row.row,
            number,
            item: Item {
                id: String::new(),
                text: content.to_string(),
                points,
                deduction,
                floor_at_zero: floor.unwrap_or(true),
                kinds: Vec::new(),
                basis,
                rules: Vec::new(),
                findings: Vec::new(),
            },
        });
    }

    // Ids: the table's 序号 where they are unique across the checklist, otherwise generated
    // (否决项 V1…, sections S1…, items 1.1…, 加分项 B1…). A 否决情形 from its own column has
    // no 序号 and is always V-numbered.
    let mut numbers: HashMap<&str, usize> = HashMap::new();
    let numbered = vetoes
        .iter()
        .filter_map(|(_, n, _)| n.as_deref())
        .chain(sections.iter().flat_map(|s| s.items.iter().map(|p| p.number.as_str())))
        .chain(bonuses.iter().map(|(_, n, _)| n.as_str()));
    for number in numbered {
        *numbers.entry(number).or_default() += 1;
    }
    // Section ids: the headings' own (`S8`) when every section has a distinct one, else S1….
    let codes: HashSet<&str> = sections.iter().filter_map(|s| s.code.as_deref()).collect();
    let section_ids: Vec<String> = if codes.len() == sections.len() {
        sections.iter().filter_map(|s| s.code.clone()).collect()
    } else {
        (1..=sections.len()).map(|i| format!("S{i}")).collect()
    };
    let usable = |n: &str| !n.is_empty() && numbers.get(n) == Some(&1) && !section_ids.iter().any(|s| s == n);
    let own_numbers = vetoes.iter().all(|(_, n, _)| n.as_deref().is_none_or(usable))
        && sections.iter().all(|s| s.items.iter().all(|p| usable(&p.number)))
        && bonuses.iter().all(|(_, n, _)| usable(n));
    if !own_numbers && numbers.keys().any(|n| !n.is_empty()) {
        notes.push(problem(
            None,
            Some(Field::Number),
            "序号有空缺或重复，编号按顺序重新生成（否决项 V1…，评查项 1.1…，加分项 B1…）".into(),
        ));
    }
    let taken: HashSet<String> = if own_numbers {
        numbers.keys().map(|n| n.to_string()).collect()
    } else {
        HashSet::new()
    };
    let mut row_of_id: HashMap<String, usize> = HashMap::new();
    let mut next_veto = 0;
    let veto_items: Vec<VetoItem> = vetoes
        .into_iter()
        .map(|(row, number, mut veto)| {
            veto.id = match number {
                Some(number) if own_numbers => number,
                _ => loop {
                    next_veto += 1;
                    let id = format!("V{next_veto}");
                    if !taken.contains(&id) {
                        break id;
                    }
                },
            };
            row_of_id.insert(veto.id.clone(), row);
            veto
        })
        .collect();
    let bonus_items: Vec<BonusItem> = bonuses
        .into_iter()
        .enumerate()
        .map(|(i, (row, number, mut bonus))| {
            bonus.id = if own_numbers { number } else { format!("B{}", i + 1) };
            row_of_id.insert(bonus.id.clone(), row);
            bonus
        })
        .collect();
    let mut built = Vec::new();
    for (
        s,
        PendingSection {
            name, declared, items, ..
        },
    ) in sections.into_iter().enumerate()
    {
        let sum: f64 = items.iter().map(|p| p.item.points).sum();
        if items.is_empty() {
            if let Some((_, row)) = declared {
                notes.push(problem(Some(row), None, format!("部分“{name}”下没有评查项，未导入")));
            }
            continue;
        }
        if let Some((points, row)) = declared
            && (points - sum).abs() > 1e-9
        {
            problems.push(problem(
                Some(row),
                Some(Field::Section),
                format!(
                    "部分“{name}”写明{}分，其下评查项分值合计{}分",
                    fmt_points(points),
                    fmt_points(sum)
                ),
            ));
        }
        let id = section_ids[s].clone();
        let items = items
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let mut item = p.item;
                item.id = if own_numbers {
                    p.number
                } else {
                    format!("{}.{}", s + 1, i + 1)
                };
                row_of_id.insert(item.id.clone(), p.row);
                item
            })
            .collect();
        built.push(Section {
            id,
            name,
            points: sum,
            floor_at_zero: true,
            items,
        });
    }
    let total: f64 = built.iter().map(|s| s.points).sum();
    let count = veto_items.len() + bonus_items.len() + built.iter().map(|s| s.items.len()).sum::<usize>();
    if count > super::format::MAX_CHECKLIST_ITEMS {
        problems.push(problem(
            None,
            None,
            format!(
                "读出 {count} 个评查项（含否决项、加分项），超过上限 {} 个：请确认选对了工作表和列",
                super::format::MAX_CHECKLIST_ITEMS
            ),
        ));
    }
    if built.is_empty() && problems.is_empty() {
        problems.push(problem(None, None, "表头以下没有读到评查项（有分值的行）".into()));
    }
    if let Some((declared, row)) = footer_total
        && (declared - total).abs() > 1e-9
    {
        problems.push(problem(
            Some(row),
            None,
            format!(
                "写明满分{}分，评查项分值合计{}分",
                fmt_points(declared),
                fmt_points(total)
            ),
        ));
    }
    if bands.is_empty() {
        bands = default_bands(total);
        notes.push(problem(
            None,
            None,
            format!(
                "表中未写等次分数线，暂按 {}（请按本地通报口径核对）",
                bands
                    .iter()
                    .map(|b| format!("{} ≥{}分", b.grade, fmt_points(b.min_points)))
                    .collect::<Vec<_>>()
                    .join("，")
            ),
        ));
    }
    let checklist = Checklist {
        id: meta.id.trim().to_string(),
        name: meta.name.trim().to_string(),
        version: 1,
        is_default: false,
        note: format!(
            "由表格“{}”工作表“{}”导入；自动检查的关联需在编辑器中补充。",
            meta.source, table.sheet
        ),
        applies_to: meta.applies_to.clone(),
        total_points: total,
        veto_effect: VetoEffect::ZeroScore,
        not_applicable: NotApplicableMode::FullMarks,
        bonus_enabled: !bonus_items.is_empty() && !bonus_off,
        bands,
        veto_items,
        sections: built,
        bonus_items,
    };
    if problems.is_empty() {
        let mut known = Known::with_library(std::iter::empty());
        known.findings = None;
        for p in validate(&checklist, &known) {
            let row = p.item.as_deref().and_then(|id| row_of_id.get(id)).copied();
            problems.push(problem(row, None, p.message));
        }
    }
    TableReading {
        rows,
        problems,
        notes,
        checklist,
    }
}

/// An id for a checklist imported from `stem` (a file name): its ASCII letters and digits, or
/// `imported`.
pub fn id_from_name(stem: &str) -> String {
    let ascii: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let ascii = ascii.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    if ascii.chars().any(|c| c.is_ascii_alphabetic()) {
        ascii
    } else if ascii.is_empty() {
        "imported".into()
    } else {
        format!("imported-{ascii}")
    }
}

/// The kinds of a checklist as the dialog shows them (`行政处罚（普通程序）`).
pub fn describe_applies(applies: &AppliesTo) -> String {
    let kinds: Vec<&str> = applies.kinds.iter().map(|k| k.label()).collect();
    let kinds = if kinds.is_empty() { vec!["全部案件"] } else { kinds };
    let procedures: Vec<&str> = applies.procedures.iter().map(|p| p.label()).collect();
    if procedures.is_empty() {
        kinds.join("、")
    } else {
        format!("{}（{}）", kinds.join("、"), procedures.join("、"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deduct(text: &str, points: f64) -> Deduction {
        match read_rule(text, points) {
            Ok(RuleReading::Deduct { deduction, .. }) => deduction,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn wordings_of_deductions() {
        assert_eq!(deduct("每处扣1分", 4.0), Deduction::PerOccurrence { points: 1.0 });
        assert_eq!(
            deduct("缺一项扣0.5分，扣完为止", 3.0),
            Deduction::PerOccurrence { points: 0.5 }
        );
        assert_eq!(deduct("未签名的扣0.5分", 3.0), Deduction::Fixed { points: 0.5 });
        assert_eq!(
            deduct("每缺一项扣0.5分，扣完为止", 3.0),
            Deduction::PerOccurrence { points: 0.5 }
        );
        assert_eq!(deduct("每份扣两分", 6.0), Deduction::PerOccurrence { points: 2.0 });
        assert_eq!(deduct("扣2分", 2.0), Deduction::Fixed { points: 2.0 });
        assert_eq!(deduct("视情况扣1-3分", 3.0), Deduction::Range { min: 1.0, max: 3.0 });
        assert_eq!(deduct("酌情扣1～5分", 5.0), Deduction::Range { min: 1.0, max: 5.0 });
        assert_eq!(deduct("扣1至4分", 4.0), Deduction::Range { min: 1.0, max: 4.0 });
        assert_eq!(deduct("视情况扣1–5分", 5.0), Deduction::Range { min: 1.0, max: 5.0 });
        assert_eq!(deduct("不符合要求的，不得分", 2.0), Deduction::Fixed { points: 2.0 });
        assert_eq!(deduct("扣全分（2分）", 2.0), Deduction::Fixed { points: 2.0 });
        assert_eq!(deduct("扣２分", 2.0), Deduction::Fixed { points: 2.0 });
        assert_eq!(deduct("扣半分", 1.0), Deduction::Fixed { points: 0.5 });
        // Two wordings: from the least to the most.
        assert_eq!(
            deduct("内容不全的扣1分；未制作的不得分", 3.0),
            Deduction::Range { min: 1.0, max: 3.0 }
        );
        assert_eq!(read_rule("成立即否决", 0.0), Ok(RuleReading::Veto));
        assert_eq!(read_rule("一票否决", 0.0), Ok(RuleReading::Veto));
    }

    #[test]
    fn floor_is_read_when_said() {
        assert_eq!(
            read_rule("每处扣1分，扣完为止", 4.0),
            Ok(RuleReading::Deduct {
                deduction: Deduction::PerOccurrence { points: 1.0 },
                floor_at_zero: Some(true)
            })
        );
        assert!(matches!(
            read_rule("每处扣1分", 4.0),
            Ok(RuleReading::Deduct {
                floor_at_zero: None,
                ..
            })
        ));
    }

    #[test]
    fn unreadable_and_too_large_deductions_are_refused() {
        let e = read_rule("按实际情况处理", 2.0).unwrap_err();
        assert!(e.contains("无法识别扣分方式"), "{e}");
        let e = read_rule("扣3分", 2.0).unwrap_err();
        assert!(e.contains("超过该项分值"), "{e}");
        // Per occurrence may exceed the item (扣完为止 caps it).
        assert_eq!(deduct("每处扣3分", 2.0), Deduction::PerOccurrence { points: 3.0 });
    }

    #[test]
    fn section_names_lose_numbering_and_points() {
        assert_eq!(section_name("一、执法主体（10分）"), ("执法主体".into(), Some(10.0)));
        assert_eq!(section_name("（二）立案(8分)"), ("立案".into(), Some(8.0)));
        assert_eq!(
            section_name("S1 执法主体与人员（10分）"),
            ("执法主体与人员".into(), Some(10.0))
        );
        assert_eq!(section_name("3.调查取证"), ("调查取证".into(), None));
        assert_eq!(section_name("第一部分 案件办理"), ("案件办理".into(), None));
        assert_eq!(section_name("执法主体"), ("执法主体".into(), None));
        assert_eq!(section_name("三项制度（共15分）"), ("三项制度".into(), Some(15.0)));
    }

    #[test]
    fn a_table_of_more_items_than_any_standard_is_refused_naming_the_cap() {
        let n = super::super::format::MAX_CHECKLIST_ITEMS + 1;
        let mut rows = vec![TableRow {
            row: 1,
            cells: vec!["评查内容".into(), "分值".into(), "扣分标准".into()],
        }];
        rows.extend((0..n).map(|i| TableRow {
            row: i + 2,
            cells: vec![format!("第{i}项"), "1".into(), "扣1分".into()],
        }));
        let table = Table {
            sheet: "表".into(),
            rows,
        };
        let mapping = detect_mapping(&table).unwrap();
        let meta = TableMeta {
            id: "big".into(),
            name: "大表".into(),
            applies_to: AppliesTo::default(),
            source: "big.xlsx".into(),
        };
        let reading = read_table(&table, &mapping, &meta);
        assert!(
            reading.problems.iter().any(|p| p.message.contains("超过上限 2000 个")),
            "{:?}",
            reading.problems.first()
        );
        // At the cap itself, no such problem.
        let mut at_cap = table.clone();
        at_cap.rows.truncate(n);
        let reading = read_table(&at_cap, &mapping, &meta);
        assert!(!reading.problems.iter().any(|p| p.message.contains("超过上限")));
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
    }

    #[test]
    fn ids_from_file_names() {
        assert_eq!(id_from_name("辽宁省评查标准2024"), "imported-2024");
        assert_eq!(id_from_name("Province Standard v2"), "province-standard-v2");
        assert_eq!(id_from_name("评查标准"), "imported");
    }
}
