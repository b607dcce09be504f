//! The editable facts (要素) of a case: every field of the case model the automatic checks read,
//! named by a path (`party.name`, `dates.decision`, `documents[3].date`, `decision.fine`), with
//! its Chinese label, how its value is typed, and how a change is applied to a case.
//!
//! A change is a path and a JSON value (`null` clears an optional fact). Changes are applied in
//! order on top of the case as imported; the imported case itself is never altered, so the
//! original stays visible beside the edited value.
//!
//! Owns: the path grammar, parsing typed text into values and back, applying a change.
//! Pure: must not use `rusqlite`, `egui` or files.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::case::{
    ApprovalLevel, Case, CaseKind, CodeEnum, CollectiveDiscussion, DateKey, Decision, Document, LegalReview, Officer,
    Party, PartyKind, Penalty, PenaltyKind, Procedure, ReviewOpinion,
};

super::case::code_enum! {
    /// How a change to a fact came about.
    FactOrigin {
        /// Typed by the reviewer.
        Typed => "typed", "手工录入";
        /// A value read from a scanned page, accepted by the reviewer.
        Proposal => "proposal", "采纳识别结果";
        /// Accepted automatically: read with a confidence above the project's setting.
        Automatic => "automatic", "自动采纳（高置信度）";
        /// Brought back in a reviewer's return (评分包).
        Returned => "returned", "评分包回收";
        /// Put back to the value the case was imported with.
        Restored => "restored", "恢复导入值";
        /// The value tied to a page of the case file.
        Anchored => "anchored", "标注出处";
    }
}

/// Where a fact's value stands in the case file: the page (and line) it was read from, or
/// the page a reviewer anchored a typed value to.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FactSource {
    /// The document's position in the case, 1-based (as in `documents[N]`).
    pub document: usize,
    /// Page of the document's file, 1-based.
    pub page: u32,
    /// The line of the page (reading order, 0-based), when read by OCR.
    #[serde(default)]
    pub line: Option<usize>,
    /// The line as read, when read by OCR.
    #[serde(default)]
    pub text: Option<String>,
    /// The line's OCR confidence.
    #[serde(default)]
    pub confidence: Option<f32>,
    /// The line's box on the page (fractions), when read by OCR.
    #[serde(default, rename = "box")]
    pub quad: Option<[[f32; 2]; 4]>,
}

/// How a fact's value is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactKind {
    /// Text that must not be empty (案件名称, 当事人名称, 文书类型).
    Text,
    /// Text or nothing.
    OptionalText,
    /// A date (`2024-04-08`, `2024年4月8日`, `2024.4.8`).
    Date,
    /// 是 / 否 / 不详 (empty).
    Flag,
    /// Yuan (`30000`, `30,000元`).
    Amount,
    /// One of a closed set of codes (label or code accepted).
    Choice(Choices),
    /// Several entries separated by `；` or new lines.
    List,
    /// Officers: `张三 21020019001；李四 21020019002`.
    Officers,
    /// 执法证号 separated by `；` (empty: not known).
    Certificates,
    /// The documents themselves (split, merge, retype, reorder): edited in the 卷内目录 view.
    Documents,
}

/// An editable fact of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactField {
    /// Its path (`dates.decision`).
    pub path: String,
    /// Its label (`决定日期`).
    pub label: String,
    /// How its value is typed.
    pub kind: FactKind,
}

/// Why a change cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactError {
    /// The path names no fact.
    #[error("没有这一项案卷事实：{0}（例如 dates.decision、party.name、documents[2].date）")]
    UnknownPath(String),
    /// `documents[N]` past the end.
    #[error("{path}：案卷只有 {count} 份文书")]
    NoSuchDocument {
        /// The path.
        path: String,
        /// Documents in the case.
        count: usize,
    },
    /// The text is not a value of the fact's kind.
    #[error("{label}（{path}）：{problem}")]
    BadValue {
        /// The path.
        path: String,
        /// The fact's label.
        label: String,
        /// What is wrong, in Chinese.
        problem: String,
    },
}

/// The closed sets a fact can be chosen from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choices {
    /// 案件类型.
    CaseKind,
    /// 程序.
    Procedure,
    /// 当事人类型.
    PartyKind,
    /// 法制审核意见.
    Opinion,
    /// 批准层级.
    Approval,
}

fn pairs<T: CodeEnum>() -> Vec<(&'static str, &'static str)> {
    T::ALL.iter().map(|v| (v.code(), v.label())).collect()
}

impl Choices {
    /// (code, label) of every option, in display order.
    pub fn options(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Self::CaseKind => pairs::<CaseKind>(),
            Self::Procedure => pairs::<Procedure>(),
            Self::PartyKind => pairs::<PartyKind>(),
            Self::Opinion => pairs::<ReviewOpinion>(),
            Self::Approval => pairs::<ApprovalLevel>(),
        }
    }

    /// The JSON the case model stores for a code.
    fn json(self, code: &str) -> Option<Value> {
        match self {
            Self::CaseKind => serde_json::to_value(CaseKind::parse(code)?),
            Self::Procedure => serde_json::to_value(Procedure::parse(code)?),
            Self::PartyKind => serde_json::to_value(PartyKind::parse(code)?),
            Self::Opinion => serde_json::to_value(ReviewOpinion::parse(code)?),
            Self::Approval => serde_json::to_value(ApprovalLevel::parse(code)?),
        }
        .ok()
    }

    /// The code of a stored JSON value.
    fn code(self, value: &Value) -> Option<&'static str> {
        let v = value.clone();
        Some(match self {
            Self::CaseKind => serde_json::from_value::<CaseKind>(v).ok()?.code(),
            Self::Procedure => serde_json::from_value::<Procedure>(v).ok()?.code(),
            Self::PartyKind => serde_json::from_value::<PartyKind>(v).ok()?.code(),
            Self::Opinion => serde_json::from_value::<ReviewOpinion>(v).ok()?.code(),
            Self::Approval => serde_json::from_value::<ApprovalLevel>(v).ok()?.code(),
        })
    }
}

/// The fact kind and label of a path pattern (`documents[]` for any document).
fn describe(pattern: &str) -> Option<(FactKind, String)> {
    use FactKind::*;
    let (kind, label): (FactKind, &str) = match pattern {
        "title" => (Text, "案件名称"),
        "kind" => (Choice(Choices::CaseKind), "案件类型"),
        "procedure" => (Choice(Choices::Procedure), "程序"),
        "agency" => (Text, "执法主体"),
        "unit" => (Text, "承办单位"),
        "district" => (OptionalText, "县（市、区）"),
        "industry" => (OptionalText, "行业"),
        "source" => (OptionalText, "案件来源"),
        "summary" => (OptionalText, "简要案情"),
        "harm" => (Flag, "涉及生命健康安全且有危害后果"),
        "party.name" => (Text, "当事人名称"),
        "party.kind" => (Choice(Choices::PartyKind), "当事人类型"),
        "party.id_number" => (OptionalText, "统一社会信用代码/身份证号"),
        "party.representative" => (OptionalText, "法定代表人/负责人"),
        "party.address" => (OptionalText, "当事人地址"),
        "officers" => (Officers, "执法人员"),
        "decision.fine" => (Amount, "罚款金额（元）"),
        "decision.legal_basis" => (List, "处罚依据"),
        "decision.violated" => (List, "违反的条款"),
        "decision.discretion" => (OptionalText, "裁量"),
        "decision.served_on_spot" => (Flag, "当场交付决定书"),
        "decision.hearing_offered" => (Flag, "告知听证权利"),
        "decision.hearing_waived" => (Flag, "书面放弃听证/陈述申辩"),
        "decision.major" => (Flag, "属重大执法决定"),
        "decision.collective_discussion_required" => (Flag, "须集体讨论"),
        "legal_review.reviewer" => (OptionalText, "法制审核人"),
        "legal_review.qualified" => (Flag, "审核人具有法律职业资格"),
        "legal_review.opinion" => (Choice(Choices::Opinion), "法制审核意见"),
        "collective_discussion.chair" => (OptionalText, "集体讨论主持人"),
        "collective_discussion.attendees" => (List, "集体讨论出席人员"),
        "documents" => (Documents, "卷内文书"),
        "documents[].doc_type" => (Text, "文书类型"),
        "documents[].date" => (Date, "文书日期"),
        "documents[].number" => (OptionalText, "文号"),
        "documents[].officers" => (Certificates, "签名执法人员证号"),
        "documents[].party_signed" => (Flag, "当事人签名"),
        "documents[].sealed" => (Flag, "加盖印章"),
        "documents[].serves" => (OptionalText, "所送达文书"),
        "documents[].approval" => (Choice(Choices::Approval), "批准层级"),
        "documents[].note" => (OptionalText, "备注"),
        p => {
            let key = DateKey::parse(p.strip_prefix("dates.")?)?;
            return Some((Date, format!("{}日期", key.label())));
        }
    };
    Some((kind, label.to_string()))
}

/// A parsed path: the pattern (`documents[]` for any document) and the document index (0-based).
fn split_path(path: &str) -> Result<(String, Option<usize>), FactError> {
    let unknown = || FactError::UnknownPath(path.to_string());
    let path = path.trim();
    if let Some(rest) = path.strip_prefix("documents[") {
        let (n, field) = rest.split_once(']').ok_or_else(unknown)?;
        let n: usize = n.trim().parse().map_err(|_| unknown())?;
        if n == 0 {
            return Err(unknown());
        }
        let field = field.strip_prefix('.').ok_or_else(unknown)?;
        return Ok((format!("documents[].{field}"), Some(n - 1)));
    }
    Ok((path.to_string(), None))
}

/// The label of a path without a case at hand (`第 3 份文书日期`), `None` for no fact.
pub fn path_label(path: &str) -> Option<String> {
    let (pattern, index) = split_path(path).ok()?;
    let (_, label) = describe(&pattern)?;
    Some(match index {
        Some(i) => format!("第 {} 份{label}", i + 1),
        None => label,
    })
}

/// The field a path names, checked against the case (documents must exist).
pub fn field(case: &Case, path: &str) -> Result<FactField, FactError> {
    let (pattern, index) = split_path(path)?;
    let (kind, label) = describe(&pattern).ok_or_else(|| FactError::UnknownPath(path.to_string()))?;
    if let Some(i) = index {
        if i >= case.documents.len() {
            return Err(FactError::NoSuchDocument {
                path: path.to_string(),
                count: case.documents.len(),
            });
        }
        let doc = &case.documents[i];
        return Ok(FactField {
            path: path.trim().to_string(),
            label: format!("第 {} 份（{}）{label}", i + 1, doc.doc_type),
            kind,
        });
    }
    Ok(FactField {
        path: pattern,
        label,
        kind,
    })
}

/// The facts of the case itself (案件信息), in form order.
pub const CASE_FIELDS: &[&str] = &[
    "title",
    "kind",
    "procedure",
    "agency",
    "unit",
    "district",
    "industry",
    "source",
    "summary",
    "harm",
];

/// Every editable fact of a case, in the order of the editor form: case, party, officers,
/// dates, decision, legal review, collective discussion, then each document.
pub fn fields(case: &Case) -> Vec<FactField> {
    let mut paths: Vec<String> = CASE_FIELDS.iter().map(|s| s.to_string()).collect();
    paths.extend(
        [
            "party.name",
            "party.kind",
            "party.id_number",
            "party.representative",
            "party.address",
            "officers",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    paths.extend(DateKey::ALL.iter().map(|k| format!("dates.{}", k.code())));
    paths.extend(
        [
            "decision.fine",
            "decision.legal_basis",
            "decision.violated",
            "decision.discretion",
            "decision.served_on_spot",
            "decision.hearing_offered",
            "decision.hearing_waived",
            "decision.major",
            "decision.collective_discussion_required",
            "legal_review.reviewer",
            "legal_review.qualified",
            "legal_review.opinion",
            "collective_discussion.chair",
            "collective_discussion.attendees",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    for n in 1..=case.documents.len() {
        for f in [
            "doc_type",
            "date",
            "number",
            "officers",
            "party_signed",
            "sealed",
            "serves",
            "approval",
            "note",
        ] {
            paths.push(format!("documents[{n}].{f}"));
        }
    }
    paths.iter().filter_map(|p| field(case, p).ok()).collect()
}

/// The JSON of a whole case (the value tree changes are applied to).
fn tree(case: &Case) -> Value {
    serde_json::to_value(case).unwrap_or(Value::Null)
}

/// The current value of a fact (`null` when the case does not state it).
pub fn get(case: &Case, path: &str) -> Result<Value, FactError> {
    let field = field(case, path)?;
    if field.path == "decision.fine" {
        let fines: Vec<f64> = case
            .decision
            .iter()
            .flat_map(|d| &d.penalties)
            .filter(|p| p.kind == PenaltyKind::Fine)
            .filter_map(|p| p.amount_yuan)
            .collect();
        return Ok(if fines.is_empty() {
            Value::Null
        } else {
            serde_json::json!(fines.iter().sum::<f64>())
        });
    }
    let root = tree(case);
    let (pattern, index) = split_path(path)?;
    let mut node = &root;
    for segment in pattern.split('.') {
        node = match segment {
            "documents[]" => &node["documents"][index.unwrap_or(0)],
            _ if node.is_null() => return Ok(Value::Null),
            s => &node[s],
        };
    }
    Ok(node.clone())
}

/// An empty object of the part a path goes through, when the case has none yet.
fn empty_part(segment: &str) -> Value {
    let value = match segment {
        "party" => serde_json::to_value(Party::default()),
        "decision" => serde_json::to_value(Decision::default()),
        "legal_review" => serde_json::to_value(LegalReview::default()),
        "collective_discussion" => serde_json::to_value(CollectiveDiscussion::default()),
        _ => Ok(Value::Object(serde_json::Map::new())),
    };
    value.unwrap_or(Value::Null)
}

/// Sets a fact to `value` (as [`parse`] gives it; `null` clears an optional fact).
pub fn apply(case: &mut Case, path: &str, value: &Value) -> Result<(), FactError> {
    let field = field(case, path)?;
    let bad = |problem: String| FactError::BadValue {
        path: field.path.clone(),
        label: field.label.clone(),
        problem,
    };
    if field.path == "decision.fine" {
        let decision = case.decision.get_or_insert_with(Decision::default);
        let first = decision.penalties.iter().position(|p| p.kind == PenaltyKind::Fine);
        match (value.as_f64(), first) {
            (None, _) if value.is_null() => decision.penalties.retain(|p| p.kind != PenaltyKind::Fine),
            (None, _) => return Err(bad("不是金额".into())),
            (Some(amount), Some(i)) => {
                decision.penalties[i].amount_yuan = Some(amount);
                let mut seen = 0;
                decision.penalties.retain(|p| {
                    let fine = p.kind == PenaltyKind::Fine;
                    seen += usize::from(fine);
                    !fine || seen == 1
                });
            }
            (Some(amount), None) => decision.penalties.push(Penalty {
                kind: PenaltyKind::Fine,
                amount_yuan: Some(amount),
            }),
        }
        return Ok(());
    }
    let mut value = value.clone();
    if field.path == "officers" {
        // Keep what the package said about a certificate's validity.
        if let Value::Array(items) = &mut value {
            for item in items.iter_mut() {
                let cert = item["certificate"].as_str().unwrap_or_default().to_string();
                if let Some(known) = case.officers.iter().find(|o| o.certificate == cert)
                    && item["certificate_valid_until"].is_null()
                {
                    item["certificate_valid_until"] =
                        serde_json::to_value(known.certificate_valid_until).unwrap_or_default();
                }
            }
        }
    }
    let (pattern, index) = split_path(path)?;
    let mut root = tree(case);
    let segments: Vec<&str> = pattern.split('.').collect();
    let mut node = &mut root;
    for (k, segment) in segments.iter().enumerate() {
        let last = k + 1 == segments.len();
        if *segment == "documents[]" {
            node = &mut node["documents"][index.unwrap_or(0)];
            continue;
        }
        if segments[0] == "dates" && last {
            let map = node.as_object_mut().ok_or_else(|| bad("日期表损坏".into()))?;
            if value.is_null() {
                map.remove(*segment);
            } else {
                map.insert(segment.to_string(), value.clone());
            }
            break;
        }
        if last {
            node[*segment] = match (&value, field.kind) {
                // A list the case model always has is emptied, not removed.
                (Value::Null, FactKind::List) => Value::Array(Vec::new()),
                _ => value.clone(),
            };
            break;
        }
        if node[*segment].is_null() {
            if value.is_null() {
                // Clearing a fact of a part the case does not have: nothing to do.
                return Ok(());
            }
            node[*segment] = empty_part(segment);
        }
        node = &mut node[*segment];
    }
    *case = serde_json::from_value(root).map_err(|e| bad(format!("值的类型不对（{e}）")))?;
    Ok(())
}

/// Reads a date as people write it: `2024-04-08`, `2024年4月8日`, `2024.4.8`, `2024/4/8`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let numbers: Vec<u32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect::<Option<Vec<_>>>()?;
    let rest: String = text.chars().filter(|c| !c.is_ascii_digit()).collect();
    let separators_ok = rest
        .chars()
        .all(|c| matches!(c, '-' | '.' | '/' | '年' | '月' | '日' | ' '));
    match numbers[..] {
        [y, m, d] if separators_ok && (1900..=2200).contains(&y) => NaiveDate::from_ymd_opt(y as i32, m, d),
        _ => None,
    }
}

fn list_items(text: &str) -> Vec<String> {
    text.split(['；', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Parses what a person typed for a fact into its value. Empty text clears an optional fact.
pub fn parse(case: &Case, path: &str, text: &str) -> Result<Value, FactError> {
    let field = field(case, path)?;
    let bad = |problem: &str| FactError::BadValue {
        path: field.path.clone(),
        label: field.label.clone(),
        problem: problem.to_string(),
    };
    let text = text.trim();
    let empty = text.is_empty();
    Ok(match field.kind {
        FactKind::Text if empty => return Err(bad("不能为空")),
        FactKind::Text => Value::String(text.to_string()),
        _ if empty => Value::Null,
        FactKind::OptionalText => Value::String(text.to_string()),
        FactKind::Date => {
            let date =
                parse_date(text).ok_or_else(|| bad(&format!("“{text}”不是日期（如 2024-04-08 或 2024年4月8日）")))?;
            Value::String(date.format("%Y-%m-%d").to_string())
        }
        FactKind::Flag => match text {
            "是" | "有" | "已" | "true" | "1" => Value::Bool(true),
            "否" | "无" | "未" | "false" | "0" => Value::Bool(false),
            _ => return Err(bad(&format!("“{text}”应为 是 或 否（不详请留空）"))),
        },
        FactKind::Amount => {
            let cleaned: String = text
                .trim_end_matches('元')
                .chars()
                .filter(|c| !matches!(c, ',' | '，' | ' '))
                .collect();
            let amount: f64 = cleaned
                .parse()
                .ok()
                .filter(|a: &f64| a.is_finite() && *a >= 0.0)
                .ok_or_else(|| bad(&format!("“{text}”不是金额（元）")))?;
            serde_json::json!(amount)
        }
        FactKind::Choice(set) => {
            let options = set.options();
            let (code, _) = options
                .iter()
                .find(|(code, label)| *code == text || *label == text)
                .ok_or_else(|| {
                    let allowed: Vec<&str> = options.iter().map(|(_, l)| *l).collect();
                    bad(&format!("“{text}”应为 {}", allowed.join("、")))
                })?;
            set.json(code).ok_or_else(|| bad("无法保存"))?
        }
        FactKind::List => Value::Array(list_items(text).into_iter().map(Value::String).collect()),
        FactKind::Certificates => Value::Array(list_items(text).into_iter().map(Value::String).collect()),
        FactKind::Officers => {
            let mut officers = Vec::new();
            for item in list_items(text) {
                let cleaned = item.replace(['（', '(', '）', ')', '：', ':', '，', ','], " ");
                let mut words = cleaned.split_whitespace();
                let (Some(name), Some(certificate), None) = (words.next(), words.next(), words.next()) else {
                    return Err(bad(&format!("“{item}”应写成 姓名 执法证号（多人用；分开）")));
                };
                officers.push(Officer {
                    name: name.to_string(),
                    certificate: certificate.to_string(),
                    certificate_valid_until: None,
                });
            }
            serde_json::to_value(officers).map_err(|_| bad("无法保存"))?
        }
        FactKind::Documents => return Err(bad("文书的拆分、合并、类型和顺序在卷内目录中修改")),
    })
}

/// A value as a person reads and types it (the inverse of [`parse`]); empty when not stated.
pub fn display(case: &Case, path: &str, value: &Value) -> String {
    let Ok(field) = field(case, path) else {
        return value.to_string();
    };
    match (&field.kind, value) {
        (_, Value::Null) => String::new(),
        (FactKind::Flag, Value::Bool(b)) => if *b { "是" } else { "否" }.into(),
        (FactKind::Amount, Value::Number(n)) => {
            let v = n.as_f64().unwrap_or_default();
            if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v}")
            }
        }
        (FactKind::Choice(set), v) => {
            let code = set.code(v);
            set.options()
                .iter()
                .find(|(c, _)| Some(*c) == code)
                .map_or_else(|| v.to_string(), |(_, label)| label.to_string())
        }
        (FactKind::List | FactKind::Certificates, Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join("；"),
        (FactKind::Officers, Value::Array(items)) => items
            .iter()
            .map(|o| {
                format!(
                    "{} {}",
                    o["name"].as_str().unwrap_or_default(),
                    o["certificate"].as_str().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("；"),
        (FactKind::Documents, Value::Array(items)) => format!("{} 份文书", items.len()),
        (_, Value::String(s)) => s.clone(),
        (_, v) => v.to_string(),
    }
}

/// The value of the `documents` fact for a list of documents.
pub fn documents_value(documents: &[Document]) -> Value {
    serde_json::to_value(documents).unwrap_or(Value::Null)
}

/// The pages of `file` a document covers (1-based, inclusive); `file_pages` is the file's page
/// count, for a document that covers the whole file.
pub fn page_span(doc: &Document, file_pages: u32) -> (u32, u32) {
    match doc.first_page {
        Some(first) => (first, first.saturating_add(doc.pages.unwrap_or(1).max(1) - 1)),
        None => (1, file_pages.max(1)),
    }
}

/// Why the documents cannot be rearranged so.
fn refuse(problem: &str) -> FactError {
    FactError::BadValue {
        path: "documents".into(),
        label: "卷内文书".into(),
        problem: problem.to_string(),
    }
}

/// Document `index` (0-based) split before page `at` of its file: the pages from `at` on become
/// a new document of type `new_type` right after it. `file_pages` is the file's page count.
pub fn split_document(
    documents: &[Document],
    index: usize,
    at: u32,
    new_type: &str,
    file_pages: u32,
) -> Result<Vec<Document>, FactError> {
    let doc = documents.get(index).ok_or_else(|| refuse("没有这份文书"))?;
    let (first, last) = page_span(doc, file_pages);
    if at <= first || at > last {
        return Err(refuse(&format!("只能在第 {}–{} 页之间拆分", first + 1, last)));
    }
    let mut head = doc.clone();
    head.first_page = Some(first);
    head.pages = Some(at - first);
    let tail = Document {
        doc_type: new_type.to_string(),
        file: doc.file.clone(),
        first_page: Some(at),
        pages: Some(last - at + 1),
        ..Document::default()
    };
    let mut out = documents.to_vec();
    out[index] = head;
    out.insert(index + 1, tail);
    Ok(out)
}

/// Document `index` (0-based) and the one after it made one (the first keeps its type and
/// facts): they must be consecutive pages of the same file. `file_pages` is the file's page
/// count.
pub fn merge_documents(documents: &[Document], index: usize, file_pages: u32) -> Result<Vec<Document>, FactError> {
    let (Some(a), Some(b)) = (documents.get(index), documents.get(index + 1)) else {
        return Err(refuse("没有下一份文书可以合并"));
    };
    if a.file != b.file || a.first_page.is_none() || b.first_page.is_none() {
        return Err(refuse("只能合并同一扫描文件中前后相接的文书"));
    }
    let (a_first, a_last) = page_span(a, file_pages);
    let (b_first, b_last) = page_span(b, file_pages);
    if b_first != a_last + 1 {
        return Err(refuse("只能合并同一扫描文件中前后相接的文书"));
    }
    let mut merged = a.clone();
    merged.first_page = Some(a_first);
    merged.pages = Some(b_last - a_first + 1);
    let mut out = documents.to_vec();
    out[index] = merged;
    out.remove(index + 1);
    Ok(out)
}

/// Document `from` (0-based) moved to position `to`.
pub fn move_document(documents: &[Document], from: usize, to: usize) -> Result<Vec<Document>, FactError> {
    if from >= documents.len() || to >= documents.len() {
        return Err(refuse("没有这份文书"));
    }
    let mut out = documents.to_vec();
    let doc = out.remove(from);
    out.insert(to, doc);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseOrigin, parse_iso_date};

    fn case() -> Case {
        let mut case = Case::new("测试〔2024〕1号", CaseKind::Penalty, CaseOrigin::Scans);
        case.documents.push(Document {
            doc_type: "行政处罚决定书".into(),
            file: "scan.pdf".into(),
            ..Document::default()
        });
        case.officers.push(Officer {
            name: "张敏".into(),
            certificate: "21010019001".into(),
            certificate_valid_until: parse_iso_date("2027-01-01"),
        });
        case
    }

    fn set(case: &mut Case, path: &str, text: &str) -> Result<(), FactError> {
        let value = parse(case, path, text)?;
        apply(case, path, &value)
    }

    #[test]
    fn every_field_of_the_form_reads_and_takes_a_value_back() {
        let mut case = case();
        for field in fields(&case) {
            let value = get(&case, &field.path).unwrap();
            let text = display(&case, &field.path, &value);
            if field.kind == FactKind::Documents || (field.kind == FactKind::Text && text.is_empty()) {
                continue;
            }
            let parsed = parse(&case, &field.path, &text).unwrap();
            apply(&mut case, &field.path, &parsed).unwrap_or_else(|e| panic!("{}: {e}", field.path));
            assert_eq!(get(&case, &field.path).unwrap(), value, "{}", field.path);
        }
        assert!(fields(&case).iter().any(|f| f.path == "documents[1].sealed"));
    }

    #[test]
    fn dates_parties_and_documents_are_set_by_path() {
        let mut case = case();
        set(&mut case, "dates.decision", "2024年4月8日").unwrap();
        assert_eq!(case.dates[&DateKey::Decision], parse_iso_date("2024-04-08").unwrap());
        set(&mut case, "dates.decision", "").unwrap();
        assert!(!case.dates.contains_key(&DateKey::Decision));
        // A party appears when its first fact is typed.
        set(&mut case, "party.kind", "单位").unwrap();
        assert_eq!(case.party.as_ref().unwrap().kind, Some(PartyKind::Organization));
        set(&mut case, "party.name", "辽阳某化工有限公司").unwrap();
        assert_eq!(case.party_name(), "辽阳某化工有限公司");
        set(&mut case, "documents[1].date", "2024.4.8").unwrap();
        assert_eq!(case.documents[0].date, parse_iso_date("2024-04-08"));
        set(&mut case, "documents[1].sealed", "是").unwrap();
        assert_eq!(case.documents[0].sealed, Some(true));
        set(&mut case, "documents[1].officers", "21010019001；21010019002").unwrap();
        assert_eq!(case.documents[0].officers.as_ref().unwrap().len(), 2);
        set(&mut case, "legal_review.opinion", "同意").unwrap();
        assert_eq!(case.legal_review.unwrap().opinion, Some(ReviewOpinion::Agree));
    }

    #[test]
    fn the_fine_is_one_penalty_among_others() {
        let mut case = case();
        set(&mut case, "decision.fine", "30,000元").unwrap();
        assert_eq!(case.decision.as_ref().unwrap().fine_total_yuan(), 30000.0);
        case.decision.as_mut().unwrap().penalties.push(Penalty {
            kind: PenaltyKind::Warning,
            amount_yuan: None,
        });
        set(&mut case, "decision.fine", "20000").unwrap();
        let decision = case.decision.as_ref().unwrap();
        assert_eq!(decision.penalties.len(), 2);
        assert_eq!(decision.fine_total_yuan(), 20000.0);
        set(&mut case, "decision.fine", "").unwrap();
        assert_eq!(case.decision.as_ref().unwrap().penalties.len(), 1);
    }

    #[test]
    fn officers_keep_what_was_known_of_their_certificates() {
        let mut case = case();
        set(&mut case, "officers", "张敏（21010019001）；李强 21010019002").unwrap();
        assert_eq!(case.officers.len(), 2);
        assert_eq!(case.officers[0].certificate_valid_until, parse_iso_date("2027-01-01"));
        assert_eq!(case.officers[1].name, "李强");
        assert_eq!(
            display(&case, "officers", &get(&case, "officers").unwrap()),
            "张敏 21010019001；李强 21010019002"
        );
    }

    #[test]
    fn wrong_paths_and_values_are_named() {
        let mut case = case();
        assert_eq!(
            set(&mut case, "dates.nonsense", "2024-01-01"),
            Err(FactError::UnknownPath("dates.nonsense".into()))
        );
        let err = set(&mut case, "documents[2].date", "2024-01-01").unwrap_err();
        assert!(err.to_string().contains("只有 1 份"), "{err}");
        assert!(matches!(
            set(&mut case, "documents[0].date", "2024-01-01"),
            Err(FactError::UnknownPath(_))
        ));
        let err = set(&mut case, "dates.filed", "2024-02-30").unwrap_err();
        assert!(err.to_string().contains("立案日期"), "{err}");
        let err = set(&mut case, "harm", "也许").unwrap_err();
        assert!(err.to_string().contains("是 或 否"), "{err}");
        assert!(set(&mut case, "party.name", " ").is_err());
        assert!(set(&mut case, "decision.fine", "-5").is_err());
        assert!(set(&mut case, "officers", "张敏").is_err());
        assert!(
            set(&mut case, "kind", "罚款")
                .unwrap_err()
                .to_string()
                .contains("行政处罚")
        );
        // Nothing of the above changed the case.
        assert_eq!(case, self::case());
    }

    #[test]
    fn documents_of_one_scan_are_split_merged_and_moved() {
        let scan = Document {
            doc_type: "未识别".into(),
            file: "case.pdf".into(),
            ..Document::default()
        };
        let docs = vec![scan];
        assert!(
            split_document(&docs, 0, 1, "询问笔录", 10).is_err(),
            "nothing before page 1"
        );
        assert!(split_document(&docs, 0, 11, "询问笔录", 10).is_err(), "past the end");
        let two = split_document(&docs, 0, 4, "询问笔录", 10).unwrap();
        assert_eq!((two[0].first_page, two[0].pages), (Some(1), Some(3)));
        assert_eq!(
            (two[1].first_page, two[1].pages, two[1].doc_type.as_str()),
            (Some(4), Some(7), "询问笔录")
        );
        let three = split_document(&two, 1, 10, "送达回执", 10).unwrap();
        assert_eq!(page_span(&three[2], 10), (10, 10));
        assert_eq!(page_span(&three[1], 10), (4, 9));
        // Not consecutive once moved: merging refuses.
        let moved = move_document(&three, 2, 0).unwrap();
        assert_eq!(moved[0].doc_type, "送达回执");
        assert!(merge_documents(&moved, 0, 10).is_err());
        let merged = merge_documents(&three, 1, 10).unwrap();
        assert_eq!(merged.len(), 2);
        assert_eq!(page_span(&merged[1], 10), (4, 10));
        assert_eq!(merged[1].doc_type, "询问笔录");
        assert!(merge_documents(&merged, 1, 10).is_err(), "no next document");
        assert!(move_document(&merged, 0, 5).is_err());
    }

    #[test]
    fn dates_are_read_in_the_forms_people_write() {
        let d = parse_iso_date("2024-04-08");
        for text in ["2024-04-08", "2024年4月8日", "2024.4.8", "2024/04/08"] {
            assert_eq!(parse_date(text), d, "{text}");
        }
        for text in ["2024-4", "24-4-8", "2024年4月8日上午", "2024-02-30"] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }
}
