//! The `case.toml` reader. It walks the parsed TOML with its spans so that every problem
//! names its field and line, collects *all* problems of a file (not just the first), keeps
//! unknown keys as warnings, and refuses unsafe paths outright.

use std::ops::Range;

use chrono::NaiveDate;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{FieldProblem, ImportError};
use super::safe_relative_path;
use crate::domain::{
    Case, CaseKind, CaseOrigin, CodeEnum, CollectiveDiscussion, DateKey, Decision, Document, LegalReview, Officer,
    Party, PartyKind, Penalty, PenaltyKind, Procedure, Recording, ReviewOpinion, line_column, parse_iso_date, stage_of,
};

/// The only format this version reads.
pub const FORMAT_V1: &str = "pingcha-case-1";

type Value<'i> = Spanned<DeValue<'i>>;

/// Parses `case.toml` text. `file` names it in messages (e.g. `case.toml`).
///
/// Returns the case and the warnings (unknown keys, unknown document types), or an error
/// listing every problem found.
pub fn parse_case_toml(file: &str, text: &str) -> Result<(Case, Vec<String>), ImportError> {
    let root = DeTable::parse(text).map_err(|err| {
        let (line, column) = err.span().map_or((1, 1), |span| line_column(text, span.start));
        ImportError::Syntax {
            file: file.to_string(),
            line,
            column,
            message: err.message().trim().to_string(),
        }
    })?;
    let line_starts = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut reader = Reader {
        text,
        line_starts,
        unknown: 0,
        file,
        problems: Vec::new(),
        warnings: Vec::new(),
        unsafe_path: None,
    };
    let case = reader.read_root(root.get_ref());
    if reader.unknown > MAX_UNKNOWN_LISTED {
        reader.warnings.push(format!(
            "{} 另有 {} 个未知字段，已保留（只列出前 {MAX_UNKNOWN_LISTED} 个）",
            file,
            reader.unknown - MAX_UNKNOWN_LISTED
        ));
    }
    if let Some((path, why)) = reader.unsafe_path {
        return Err(ImportError::UnsafePath {
            file: file.to_string(),
            path,
            why,
        });
    }
    match case {
        Some(case) if reader.problems.is_empty() => Ok((case, reader.warnings)),
        _ => Err(ImportError::Invalid {
            file: file.to_string(),
            problems: reader.problems,
        }),
    }
}

/// Most entries of one table array (`[[documents]]`, `[[officers]]`, …) in a `case.toml`.
pub const MAX_TABLE_ARRAY: usize = 5_000;

/// Unknown keys listed one by one in the warnings; the rest are counted.
const MAX_UNKNOWN_LISTED: usize = 20;

fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "字符串",
        DeValue::Integer(_) => "整数",
        DeValue::Float(_) => "小数",
        DeValue::Boolean(_) => "布尔值",
        DeValue::Datetime(_) => "日期时间",
        DeValue::Array(_) => "数组",
        DeValue::Table(_) => "表",
    }
}

fn lookup<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a Value<'i>> {
    table.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}

struct Reader<'t> {
    text: &'t str,
    /// Byte offsets where each line starts (a line number is a binary search, so many
    /// fields cost linear time, not quadratic).
    line_starts: Vec<usize>,
    /// Unknown keys seen (only the first few are listed one by one).
    unknown: usize,
    file: &'t str,
    problems: Vec<FieldProblem>,
    warnings: Vec<String>,
    unsafe_path: Option<(String, &'static str)>,
}

/// A table being read, with the name used for its fields in messages.
struct Scope<'a, 'i> {
    name: String,
    table: &'a DeTable<'i>,
    span: Range<usize>,
}

impl<'a, 'i> Scope<'a, 'i> {
    fn field(&self, key: &str) -> String {
        if self.name.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.name)
        }
    }
}

impl<'t> Reader<'t> {
    fn line(&self, span: &Range<usize>) -> usize {
        self.line_starts.partition_point(|&start| start <= span.start)
    }

    fn problem(&mut self, field: String, span: Option<&Range<usize>>, message: impl Into<String>) {
        let line = span.map(|s| self.line(s));
        self.problems.push(FieldProblem {
            field,
            line,
            message: message.into(),
        });
    }

    /// Warns about keys the format does not know and keeps them in `extra`.
    fn unknown_keys(&mut self, scope: &Scope<'_, '_>, known: &[&str], extra: &mut Vec<(String, String)>) {
        for (key, value) in scope.table.iter() {
            let key = key.get_ref();
            if !known.contains(&key.as_ref()) {
                let field = scope.field(key);
                self.unknown += 1;
                if self.unknown <= MAX_UNKNOWN_LISTED {
                    let line = self.line(&value.span());
                    self.warnings
                        .push(format!("{} 第{line}行：未知字段 {field}，已保留", self.file));
                }
                let raw = self.text.get(value.span()).unwrap_or("").to_string();
                extra.push((field, raw));
            }
        }
    }

    fn required_table<'a, 'i>(&mut self, parent: &Scope<'a, 'i>, key: &str) -> Option<Scope<'a, 'i>> {
        match lookup(parent.table, key) {
            None => {
                self.problem(format!("[{key}]"), None, "缺少必填的表");
                None
            }
            Some(_) => self.optional_table(parent, key),
        }
    }

    fn optional_table<'a, 'i>(&mut self, parent: &Scope<'a, 'i>, key: &str) -> Option<Scope<'a, 'i>> {
        let value = lookup(parent.table, key)?;
        match value.get_ref() {
            DeValue::Table(table) => Some(Scope {
                name: format!("[{key}]"),
                table,
                span: value.span(),
            }),
            other => {
                let msg = format!("应为表，实为{}", type_name(other));
                self.problem(format!("[{key}]"), Some(&value.span()), msg);
                None
            }
        }
    }

    /// An array of tables (`[[documents]]`); items are named `documents[1]`, 1-based.
    fn table_array<'a, 'i>(&mut self, parent: &Scope<'a, 'i>, key: &str) -> Vec<Scope<'a, 'i>> {
        let Some(value) = lookup(parent.table, key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            let msg = format!("应为表数组 [[{key}]]，实为{}", type_name(value.get_ref()));
            self.problem(key.to_string(), Some(&value.span()), msg);
            return Vec::new();
        };
        // A case file has tens of documents; a bound keeps a hostile one from costing minutes.
        if items.len() > MAX_TABLE_ARRAY {
            let msg = format!("共 {} 项，超过上限 {MAX_TABLE_ARRAY} 项", items.len());
            self.problem(format!("[[{key}]]"), Some(&value.span()), msg);
            return Vec::new();
        }
        let mut scopes = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let name = format!("{key}[{}]", i + 1);
            match item.get_ref() {
                DeValue::Table(table) => scopes.push(Scope {
                    name,
                    table,
                    span: item.span(),
                }),
                other => {
                    let msg = format!("应为表，实为{}", type_name(other));
                    self.problem(name, Some(&item.span()), msg);
                }
            }
        }
        scopes
    }

    fn opt_str(&mut self, scope: &Scope<'_, '_>, key: &str) -> Option<String> {
        let value = lookup(scope.table, key)?;
        match value.get_ref() {
            DeValue::String(s) => {
                let s = s.trim();
                let field = scope.field(key);
                let identifier = key == "number";
                if let Some(why) =
                    crate::domain::limits::text_problem(s, crate::domain::limits::max_chars(&field), identifier)
                {
                    self.problem(field, Some(&value.span()), why);
                    return None;
                }
                (!s.is_empty()).then(|| s.to_string())
            }
            other => {
                let msg = format!("应为字符串，实为{}", type_name(other));
                self.problem(scope.field(key), Some(&value.span()), msg);
                None
            }
        }
    }

    fn req_str(&mut self, scope: &Scope<'_, '_>, key: &str) -> Option<String> {
        let present = lookup(scope.table, key).map(|v| v.span());
        let before = self.problems.len();
        let value = self.opt_str(scope, key);
        if value.is_none() && self.problems.len() == before {
            match present {
                Some(span) => self.problem(scope.field(key), Some(&span), "必填字段不能为空"),
                None => {
                    let span = scope.span.clone();
                    self.problem(scope.field(key), Some(&span), "缺少必填字段")
                }
            }
        }
        value
    }

    fn opt_bool(&mut self, scope: &Scope<'_, '_>, key: &str) -> Option<bool> {
        let value = lookup(scope.table, key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                let msg = format!("应为 true 或 false，实为{}", type_name(other));
                self.problem(scope.field(key), Some(&value.span()), msg);
                None
            }
        }
    }

    fn opt_date(&mut self, scope: &Scope<'_, '_>, key: &str) -> Option<NaiveDate> {
        let value = lookup(scope.table, key)?;
        let text = match value.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Datetime(dt) => {
                if dt.time.is_some() || dt.offset.is_some() {
                    let msg = format!("{dt} 应为日期（YYYY-MM-DD），不应含时间");
                    self.problem(scope.field(key), Some(&value.span()), msg);
                    return None;
                }
                dt.to_string()
            }
            other => {
                let msg = format!("应为日期（YYYY-MM-DD），实为{}", type_name(other));
                self.problem(scope.field(key), Some(&value.span()), msg);
                return None;
            }
        };
        let parsed = parse_iso_date(&text);
        match parsed {
            None => {
                let msg = format!("{text} 不是有效日期（应为 YYYY-MM-DD）");
                self.problem(scope.field(key), Some(&value.span()), msg);
                None
            }
            Some(date) => match crate::domain::limits::date_problem(date) {
                Some(why) => {
                    self.problem(scope.field(key), Some(&value.span()), why);
                    None
                }
                None => Some(date),
            },
        }
    }

    fn opt_number(&mut self, scope: &Scope<'_, '_>, key: &str) -> Option<f64> {
        let value = lookup(scope.table, key)?;
        let number = match value.get_ref() {
            DeValue::Integer(i) => i.as_str().replace('_', "").parse::<f64>().ok(),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            DeValue::String(s) => {
                let msg = format!("“{s}”应为数字（不加引号）");
                self.problem(scope.field(key), Some(&value.span()), msg);
                return None;
            }
            other => {
                let msg = format!("应为数字，实为{}", type_name(other));
                self.problem(scope.field(key), Some(&value.span()), msg);
                return None;
            }
        };
        match number {
            Some(n) if n.is_infinite() && n > 0.0 => {
                let raw = self.text.get(value.span()).unwrap_or("").to_string();
                self.problem(
                    scope.field(key),
                    Some(&value.span()),
                    format!("{raw} 超出合理范围（不超过1万亿）"),
                );
                None
            }
            Some(n) if n.is_finite() && n >= 0.0 => match crate::domain::limits::amount_problem(n) {
                Some(why) => {
                    self.problem(scope.field(key), Some(&value.span()), why);
                    None
                }
                None => Some(n),
            },
            _ => {
                let raw = self.text.get(value.span()).unwrap_or("").to_string();
                self.problem(scope.field(key), Some(&value.span()), format!("{raw} 应为非负数"));
                None
            }
        }
    }

    /// `first_page`: a page number, 1 or more (a scan has no page 0).
    fn first_page(&mut self, scope: &Scope<'_, '_>) -> Option<u32> {
        let page = self.opt_count(scope, "first_page")?;
        match u32::try_from(page) {
            Ok(p) if p >= 1 => Some(p),
            _ => {
                let span = lookup(scope.table, "first_page").map(|v| v.span());
                self.problem(
                    scope.field("first_page"),
                    span.as_ref(),
                    format!("{page} 应为 1 以上的页码"),
                );
                None
            }
        }
    }

    fn opt_count(&mut self, scope: &Scope<'_, '_>, key: &str) -> Option<u64> {
        let value = lookup(scope.table, key)?;
        let parsed = match value.get_ref() {
            DeValue::Integer(i) => i.as_str().replace('_', "").parse::<u64>().ok(),
            _ => None,
        };
        if parsed.is_none() {
            let raw = self.text.get(value.span()).unwrap_or("").to_string();
            self.problem(scope.field(key), Some(&value.span()), format!("{raw} 应为非负整数"));
        }
        parsed
    }

    fn str_list(&mut self, scope: &Scope<'_, '_>, key: &str) -> Option<Vec<String>> {
        let value = lookup(scope.table, key)?;
        let DeValue::Array(items) = value.get_ref() else {
            let msg = format!("应为字符串数组，实为{}", type_name(value.get_ref()));
            self.problem(scope.field(key), Some(&value.span()), msg);
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::String(s) => out.push(s.trim().to_string()),
                other => {
                    let msg = format!("第{}项应为字符串，实为{}", i + 1, type_name(other));
                    self.problem(scope.field(key), Some(&item.span()), msg);
                }
            }
        }
        Some(out)
    }

    fn opt_enum<E: CodeEnum>(&mut self, scope: &Scope<'_, '_>, key: &str) -> Option<E> {
        let value = lookup(scope.table, key)?;
        let DeValue::String(text) = value.get_ref() else {
            let msg = format!(
                "应为字符串（可选：{}），实为{}",
                E::allowed(),
                type_name(value.get_ref())
            );
            self.problem(scope.field(key), Some(&value.span()), msg);
            return None;
        };
        let parsed = E::parse(text);
        if parsed.is_none() {
            let msg = format!("“{text}”不是允许的值（可选：{}）", E::allowed());
            self.problem(scope.field(key), Some(&value.span()), msg);
        }
        parsed
    }

    fn req_enum<E: CodeEnum>(&mut self, scope: &Scope<'_, '_>, key: &str) -> Option<E> {
        if lookup(scope.table, key).is_none() {
            let span = scope.span.clone();
            let msg = format!("缺少必填字段（可选：{}）", E::allowed());
            self.problem(scope.field(key), Some(&span), msg);
            return None;
        }
        self.opt_enum(scope, key)
    }

    /// A package-relative path; an unsafe one refuses the whole package.
    fn path(&mut self, scope: &Scope<'_, '_>, key: &str, required: bool) -> Option<String> {
        let raw = if required {
            self.req_str(scope, key)
        } else {
            self.opt_str(scope, key)
        }?;
        match safe_relative_path(&raw) {
            Ok(path) => Some(path),
            Err(why) => {
                if self.unsafe_path.is_none() {
                    self.unsafe_path = Some((raw, why));
                }
                None
            }
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "reads case.toml's tables in file order; each block is one table"
    )]
    fn read_root(&mut self, root: &DeTable<'_>) -> Option<Case> {
        let root = Scope {
            name: String::new(),
            table: root,
            span: 0..0,
        };
        let mut extra = Vec::new();
        self.unknown_keys(
            &root,
            &[
                "format",
                "case",
                "party",
                "officers",
                "dates",
                "decision",
                "legal_review",
                "collective_discussion",
                "documents",
                "recordings",
            ],
            &mut extra,
        );
        match lookup(root.table, "format") {
            None => self.problem(
                "format".into(),
                Some(&(0..0)),
                format!("缺少必填字段（应为 \"{FORMAT_V1}\"）"),
            ),
            Some(value) => match value.get_ref() {
                DeValue::String(s) if s.as_ref() == FORMAT_V1 => {}
                other => {
                    let shown = self.text.get(value.span()).unwrap_or("").to_string();
                    let _ = other;
                    let msg = format!("不支持的格式 {shown}（本程序读取 \"{FORMAT_V1}\"）");
                    self.problem("format".into(), Some(&value.span()), msg);
                }
            },
        }

        let case_scope = self.required_table(&root, "case");
        let mut case = Case::new(String::new(), CaseKind::Penalty, CaseOrigin::Package);
        let mut kind_known = false;
        if let Some(scope) = &case_scope {
            self.unknown_keys(
                scope,
                &[
                    "number",
                    "kind",
                    "procedure",
                    "title",
                    "agency",
                    "unit",
                    "district",
                    "industry",
                    "source",
                    "summary",
                    "harm",
                ],
                &mut extra,
            );
            case.number = self.req_str(scope, "number").unwrap_or_default();
            if let Some(kind) = self.req_enum::<CaseKind>(scope, "kind") {
                case.kind = kind;
                kind_known = true;
            }
            case.procedure = self.opt_enum::<Procedure>(scope, "procedure");
            case.title = self.req_str(scope, "title").unwrap_or_default();
            case.agency = self.req_str(scope, "agency").unwrap_or_default();
            case.unit = self.req_str(scope, "unit").unwrap_or_default();
            case.district = self.opt_str(scope, "district");
            case.industry = self.opt_str(scope, "industry");
            case.source = self.opt_str(scope, "source");
            case.summary = self.opt_str(scope, "summary");
            case.harm = self.opt_bool(scope, "harm");
            if kind_known && case.kind != CaseKind::Penalty && case.procedure.is_some() {
                let line = lookup(scope.table, "procedure").map(|v| self.line(&v.span()));
                self.warnings.push(format!(
                    "{} 第{}行：[case].procedure 只适用于行政处罚案件，已忽略",
                    self.file,
                    line.unwrap_or(0)
                ));
                case.procedure = None;
            }
        }

        match self.optional_table(&root, "party") {
            Some(scope) => {
                self.unknown_keys(
                    &scope,
                    &["name", "kind", "id_number", "representative", "address"],
                    &mut extra,
                );
                case.party = Some(Party {
                    name: self.req_str(&scope, "name").unwrap_or_default(),
                    kind: self.opt_enum::<PartyKind>(&scope, "kind"),
                    id_number: self.opt_str(&scope, "id_number"),
                    representative: self.opt_str(&scope, "representative"),
                    address: self.opt_str(&scope, "address"),
                });
            }
            None => {
                if kind_known
                    && matches!(case.kind, CaseKind::Penalty | CaseKind::Coercion)
                    && lookup(root.table, "party").is_none()
                {
                    self.problem("[party]".into(), None, format!("{}案件必须有当事人", case.kind.label()));
                }
            }
        }

        let officer_scopes = self.table_array(&root, "officers");
        if officer_scopes.is_empty() && lookup(root.table, "officers").is_none() {
            self.problem("[[officers]]".into(), None, "至少需要一名执法人员");
        }
        for scope in &officer_scopes {
            self.unknown_keys(scope, &["name", "certificate", "certificate_valid_until"], &mut extra);
            case.officers.push(Officer {
                name: self.req_str(scope, "name").unwrap_or_default(),
                certificate: self.req_str(scope, "certificate").unwrap_or_default(),
                certificate_valid_until: self.opt_date(scope, "certificate_valid_until"),
            });
        }

        if let Some(scope) = self.optional_table(&root, "dates") {
            let known: Vec<&str> = DateKey::ALL.iter().map(|k| k.code()).collect();
            self.unknown_keys(&scope, &known, &mut extra);
            for key in DateKey::ALL {
                if let Some(date) = self.opt_date(&scope, key.code()) {
                    case.dates.insert(*key, date);
                }
            }
        }

        if let Some(scope) = self.optional_table(&root, "decision") {
            case.decision = Some(self.read_decision(&scope, &mut extra));
        }

        if let Some(scope) = self.optional_table(&root, "legal_review") {
            self.unknown_keys(&scope, &["reviewer", "qualified", "opinion"], &mut extra);
            case.legal_review = Some(LegalReview {
                reviewer: self.opt_str(&scope, "reviewer"),
                qualified: self.opt_bool(&scope, "qualified"),
                opinion: self.opt_enum::<ReviewOpinion>(&scope, "opinion"),
            });
        }

        if let Some(scope) = self.optional_table(&root, "collective_discussion") {
            self.unknown_keys(&scope, &["chair", "attendees"], &mut extra);
            case.collective_discussion = Some(CollectiveDiscussion {
                chair: self.opt_str(&scope, "chair"),
                attendees: self.str_list(&scope, "attendees").unwrap_or_default(),
            });
        }

        for scope in self.table_array(&root, "documents") {
            let document = self.read_document(&scope, &mut extra);
            case.documents.push(document);
        }

        for scope in self.table_array(&root, "recordings") {
            self.unknown_keys(&scope, &["stage", "date", "file", "duration_seconds"], &mut extra);
            case.recordings.push(Recording {
                stage: self.req_str(&scope, "stage").unwrap_or_default(),
                date: self.opt_date(&scope, "date"),
                file: self.path(&scope, "file", false),
                duration_seconds: self.opt_count(&scope, "duration_seconds"),
            });
        }

        case.extra = extra.into_iter().collect();
        Some(case)
    }

    fn read_decision(&mut self, scope: &Scope<'_, '_>, extra: &mut Vec<(String, String)>) -> Decision {
        self.unknown_keys(
            scope,
            &[
                "penalties",
                "legal_basis",
                "violated",
                "discretion",
                "served_on_spot",
                "hearing_offered",
                "hearing_waived",
                "major",
                "collective_discussion_required",
            ],
            extra,
        );
        let mut decision = Decision::default();
        if let Some(value) = lookup(scope.table, "penalties") {
            match value.get_ref() {
                DeValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let name = format!("[decision].penalties[{}]", i + 1);
                        let DeValue::Table(table) = item.get_ref() else {
                            let msg = format!(
                                "应为 {{ kind = \"fine\", amount = 50000 }} 形式的表，实为{}",
                                type_name(item.get_ref())
                            );
                            self.problem(name, Some(&item.span()), msg);
                            continue;
                        };
                        let item_scope = Scope {
                            name,
                            table,
                            span: item.span(),
                        };
                        self.unknown_keys(&item_scope, &["kind", "amount"], extra);
                        let kind = self.req_enum::<PenaltyKind>(&item_scope, "kind");
                        let amount = self.opt_number(&item_scope, "amount");
                        if let Some(kind) = kind {
                            decision.penalties.push(Penalty {
                                kind,
                                amount_yuan: amount,
                            });
                        }
                    }
                }
                other => {
                    let msg = format!("应为数组，实为{}", type_name(other));
                    self.problem(scope.field("penalties"), Some(&value.span()), msg);
                }
            }
        }
        decision.legal_basis = self.str_list(scope, "legal_basis").unwrap_or_default();
        decision.violated = self.str_list(scope, "violated").unwrap_or_default();
        decision.discretion = self.opt_str(scope, "discretion");
        if let Some(d) = &decision.discretion {
            const ALLOWED: [&str; 5] = ["不予处罚", "减轻", "从轻", "一般", "从重"];
            if !ALLOWED.contains(&d.as_str()) {
                let span = lookup(scope.table, "discretion").map(|v| v.span());
                let msg = format!("“{d}”不是允许的值（可选：{}）", ALLOWED.join("、"));
                self.problem(scope.field("discretion"), span.as_ref(), msg);
            }
        }
        decision.served_on_spot = self.opt_bool(scope, "served_on_spot");
        decision.hearing_offered = self.opt_bool(scope, "hearing_offered");
        decision.hearing_waived = self.opt_bool(scope, "hearing_waived");
        decision.major = self.opt_bool(scope, "major");
        decision.collective_discussion_required = self.opt_bool(scope, "collective_discussion_required");
        decision
    }

    fn read_document(&mut self, scope: &Scope<'_, '_>, extra: &mut Vec<(String, String)>) -> Document {
        self.unknown_keys(
            scope,
            &[
                "type",
                "file",
                "date",
                "number",
                "pages",
                "officers",
                "party_signed",
                "sealed",
                "serves",
                "note",
                "approval",
                "first_page",
            ],
            extra,
        );
        let doc_type = self.req_str(scope, "type").unwrap_or_default();
        if !doc_type.is_empty() && stage_of(&doc_type).is_none() {
            let line = lookup(scope.table, "type").map_or(0, |v| self.line(&v.span()));
            self.warnings.push(format!(
                "{} 第{line}行：{}.type “{doc_type}”不在文书目录中，已按原名保留",
                self.file, scope.name
            ));
        }
        let pages = self
            .opt_count(scope, "pages")
            .map(|p| u32::try_from(p).unwrap_or(u32::MAX));
        Document {
            doc_type,
            file: self.path(scope, "file", true).unwrap_or_default(),
            date: self.opt_date(scope, "date"),
            number: self.opt_str(scope, "number"),
            pages,
            officers: self.str_list(scope, "officers"),
            party_signed: self.opt_bool(scope, "party_signed"),
            sealed: self.opt_bool(scope, "sealed"),
            serves: self.opt_str(scope, "serves"),
            note: self.opt_str(scope, "note"),
            approval: self.opt_enum(scope, "approval"),
            first_page: self.first_page(scope),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
format = "pingcha-case-1"
[case]
number = "青禾应急罚〔2024〕1号"
kind = "penalty"
procedure = "general"
title = "某公司案"
agency = "青禾市应急管理局"
unit = "执法一科"
[party]
name = "某公司"
[[officers]]
name = "张三"
certificate = "21100123456"
"#;

    fn problems(text: &str) -> String {
        match parse_case_toml("case.toml", text) {
            Err(err) => err.to_string(),
            Ok(_) => panic!("expected an error"),
        }
    }

    #[test]
    fn reads_a_minimal_case() {
        let (case, warnings) = parse_case_toml("case.toml", MINIMAL).expect("valid");
        assert_eq!(case.number, "青禾应急罚〔2024〕1号");
        assert_eq!(case.procedure, Some(Procedure::General));
        assert_eq!(case.officers.len(), 1);
        assert!(warnings.is_empty());
    }

    #[test]
    fn invalid_date_names_field_and_line() {
        let text = format!("{MINIMAL}[dates]\ninspection = \"2024-13-45\"\n");
        let msg = problems(&text);
        assert!(msg.contains("[dates].inspection: 2024-13-45 不是有效日期"), "{msg}");
        assert!(msg.contains("第16行"), "{msg}");
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let msg = problems("format = \"pingcha-case-1\"\n[case\nnumber = 1\n");
        assert!(msg.starts_with("case.toml 第2行第"), "{msg}");
        assert!(msg.contains("TOML 语法错误"), "{msg}");
    }

    #[test]
    fn unknown_keys_are_kept_as_warnings() {
        let text = MINIMAL.replace("[party]", "color = \"red\"\n[party]");
        let (case, warnings) = parse_case_toml("case.toml", &text).expect("valid");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("未知字段 [case].color"), "{warnings:?}");
        assert_eq!(case.extra.get("[case].color").map(String::as_str), Some("\"red\""));
    }

    #[test]
    fn a_table_array_beyond_its_cap_is_refused_naming_it() {
        let docs: String = (0..=MAX_TABLE_ARRAY)
            .map(|i| format!("\n[[documents]]\ntype = \"询问笔录\"\nfile = \"docs/{i}.pdf\"\n"))
            .collect();
        let err = parse_case_toml("case.toml", &format!("{MINIMAL}{docs}"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("[[documents]]") && err.contains("超过上限 5000 项"),
            "{err}"
        );
        let fine: String = (1..MAX_TABLE_ARRAY)
            .map(|i| format!("\n[[documents]]\ntype = \"询问笔录\"\nfile = \"docs/{i}.pdf\"\n"))
            .collect();
        assert!(parse_case_toml("case.toml", &format!("{MINIMAL}{fine}")).is_ok());
    }

    #[test]
    fn many_unknown_keys_are_kept_counted_and_located_by_index() {
        // #19 item 5: 100 000 unknown keys took 70 s (each warning counted lines from the
        // start); now lines come from an index and only the first 20 are listed.
        let keys: String = (0..5_000).map(|i| format!("k{i} = {i}\n")).collect();
        let text = MINIMAL.replace("[party]", &format!("{keys}[party]"));
        let (case, warnings) = parse_case_toml("case.toml", &text).expect("valid");
        assert_eq!(case.extra.len(), 5_000, "every key kept");
        assert_eq!(warnings.len(), MAX_UNKNOWN_LISTED + 1, "{:?}", &warnings[..3]);
        assert!(warnings.last().unwrap().contains("另有 4980 个未知字段"));
        // The line of the first unknown key is right.
        let first_line = text.lines().position(|l| l.starts_with("k0 =")).unwrap() + 1;
        assert!(
            warnings[0].contains(&format!("第{first_line}行：未知字段 [case].k0")),
            "{}",
            warnings[0]
        );
    }

    #[test]
    fn all_problems_are_reported() {
        let text = MINIMAL
            .replace("kind = \"penalty\"", "kind = \"penalti\"")
            .replace("title = \"某公司案\"\n", "");
        let msg = problems(&text);
        assert!(
            msg.contains("“penalti”不是允许的值（可选：penalty、inspection、coercion）"),
            "{msg}"
        );
        assert!(msg.contains("[case].title: 缺少必填字段"), "{msg}");
    }
}
