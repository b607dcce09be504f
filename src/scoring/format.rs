//! The checklist file format (`docs/checklist-format.md`): TOML in, a validated
//! [`Checklist`] out, or every problem with its line and item id. Also writes a checklist
//! back to TOML (editor export) in the same layout.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::domain::{
    AppliesTo, BonusItem, CaseKind, Checklist, CodeEnum, Deduction, GradeBand, Item, NotApplicableMode, Procedure,
    Section, VetoEffect, VetoItem, fmt_points, line_column,
};

/// One problem in a checklist.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// The item, section or band it concerns (`3.2`, `S3`, `bands[2]`), if any.
    pub item: Option<String>,
    /// The field (`points`, `deduct_max`).
    pub field: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "第{line}行 ")?;
        }
        if let Some(item) = &self.item {
            write!(f, "[{item}] ")?;
        }
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A checklist file that cannot be used: every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistError {
    /// The file (as given).
    pub file: String,
    /// Problems, in file order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ChecklistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {p}", self.file)?;
        }
        Ok(())
    }
}

impl std::error::Error for ChecklistError {}

/// What validation checks ids against.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Rule ids (`rules::RULES`).
    pub rules: HashSet<String>,
    /// Finding library codes; `None` skips the check.
    pub findings: Option<HashSet<String>>,
}

impl Known {
    /// Every rule of `rules::RULES` and the given library codes.
    pub fn with_library<'a>(codes: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            rules: crate::rules::RULES.iter().map(|r| r.id.to_string()).collect(),
            findings: Some(codes.into_iter().map(str::to_string).collect()),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    checklist: RawHeader,
    #[serde(default)]
    bands: Vec<RawBand>,
    #[serde(default)]
    veto: Vec<RawVeto>,
    #[serde(default)]
    sections: Vec<RawSection>,
    #[serde(default)]
    bonus: Vec<RawBonus>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: Spanned<String>,
    name: Spanned<String>,
    version: Spanned<i64>,
    #[serde(default)]
    default: bool,
    #[serde(default)]
    note: String,
    #[serde(default)]
    kinds: Vec<Spanned<String>>,
    #[serde(default)]
    procedures: Vec<Spanned<String>>,
    total: Spanned<f64>,
    veto_effect: Spanned<String>,
    not_applicable: Spanned<String>,
    #[serde(default)]
    bonus_enabled: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    grade: Spanned<String>,
    min: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVeto {
    id: Spanned<String>,
    text: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    findings: Vec<Spanned<String>>,
    effect: Option<Spanned<String>>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    name: String,
    points: Spanned<f64>,
    #[serde(default = "yes")]
    floor_at_zero: bool,
    #[serde(default)]
    items: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    text: String,
    points: Spanned<f64>,
    deduct: Spanned<String>,
    deduct_points: Option<Spanned<f64>>,
    deduct_min: Option<Spanned<f64>>,
    deduct_max: Option<Spanned<f64>>,
    #[serde(default = "yes")]
    floor_at_zero: bool,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    findings: Vec<Spanned<String>>,
    #[serde(default)]
    kinds: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBonus {
    id: Spanned<String>,
    text: String,
    points: Spanned<f64>,
    #[serde(default)]
    basis: String,
}

/// Lines of the things validation names, so its problems can carry a line.
#[derive(Default)]
struct Lines {
    by_key: BTreeMap<(String, String), usize>,
    /// Byte offsets where each line of the text starts, built on first use: a line is a
    /// binary search (a checklist of 100 000 items no longer counts lines 100 000 times).
    starts: Vec<usize>,
}

impl Lines {
    fn put(&mut self, text: &str, item: &str, field: &str, span: Range<usize>) {
        if self.starts.is_empty() {
            self.starts = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
        }
        let line = self.starts.partition_point(|&start| start <= span.start);
        self.by_key.entry((item.to_string(), field.to_string())).or_insert(line);
    }

    fn find(&self, item: &str, field: &str) -> Option<usize> {
        self.by_key
            .get(&(item.to_string(), field.to_string()))
            .or_else(|| self.by_key.get(&(item.to_string(), "id".to_string())))
            .copied()
    }
}

/// Most items (veto, scored and bonus together) a checklist may have.
pub const MAX_CHECKLIST_ITEMS: usize = 2_000;

/// Reads and validates a checklist. `file` names it in messages.
#[expect(clippy::too_many_lines, reason = "reads the checklist file's tables in file order")]
pub fn parse_checklist(file: &str, text: &str, known: &Known) -> Result<Checklist, ChecklistError> {
    let fail = |problems: Vec<Problem>| ChecklistError {
        file: file.to_string(),
        problems,
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_column(text, s.start).0);
        fail(vec![Problem {
            line,
            item: None,
            field: "TOML".into(),
            message: e.message().trim().to_string(),
        }])
    })?;
    // A published 评查标准 has tens of items; a bound keeps a hostile file from costing minutes.
    let items = raw.veto.len() + raw.bonus.len() + raw.sections.iter().map(|s| s.items.len()).sum::<usize>();
    if items > MAX_CHECKLIST_ITEMS {
        return Err(fail(vec![Problem {
            line: None,
            item: None,
            field: "items".into(),
            message: format!("共 {items} 个评查项（含否决项、加分项），超过上限 {MAX_CHECKLIST_ITEMS} 个"),
        }]));
    }
    let mut problems = Vec::new();
    let mut lines = Lines::default();
    let problem_at = |span: Range<usize>, item: Option<&str>, field: &str, message: String| Problem {
        line: Some(line_column(text, span.start).0),
        item: item.map(str::to_string),
        field: field.to_string(),
        message,
    };

    let header = &raw.checklist;
    let kinds = parse_codes::<CaseKind>(&header.kinds, "checklist.kinds", "案件类型", text, &mut problems);
    let procedures = parse_codes::<Procedure>(&header.procedures, "checklist.procedures", "程序", text, &mut problems);
    let veto_effect = |value: &Spanned<String>, item: Option<&str>, field: &str, problems: &mut Vec<Problem>| {
        let found = VetoEffect::ALL.into_iter().find(|e| e.code() == value.get_ref().trim());
        if found.is_none() {
            problems.push(Problem {
                line: Some(line_column(text, value.span().start).0),
                item: item.map(str::to_string),
                field: field.to_string(),
                message: format!(
                    "未知的否决效果“{}”，可用：zero_score（记0分）、fail_keep_score（定为不合格、保留得分）、not_excellent（不能评为优秀）",
                    value.get_ref()
                ),
            });
        }
        found
    };
    let effect = veto_effect(&header.veto_effect, None, "checklist.veto_effect", &mut problems);
    let not_applicable = match header.not_applicable.get_ref().trim() {
        "full_marks" => Some(NotApplicableMode::FullMarks),
        "rescale" => Some(NotApplicableMode::Rescale),
        other => {
            problems.push(problem_at(
                header.not_applicable.span(),
                None,
                "checklist.not_applicable",
                format!("未知的不涉及处理方式“{other}”，可用：full_marks（按满分计）、rescale（不计分并折算）"),
            ));
            None
        }
    };
    let version = *header.version.get_ref();
    if version < 1 || version > i64::from(u32::MAX) {
        problems.push(problem_at(
            header.version.span(),
            None,
            "checklist.version",
            "版本号应为正整数".into(),
        ));
    }
    lines.put(text, "", "total", header.total.span());
    lines.put(text, "", "id", header.id.span());
    lines.put(text, "", "name", header.name.span());

    let bands = raw
        .bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let key = band_key(i);
            lines.put(text, &key, "min", b.min.span());
            lines.put(text, &key, "grade", b.grade.span());
            GradeBand {
                grade: b.grade.get_ref().trim().to_string(),
                min_points: *b.min.get_ref(),
            }
        })
        .collect();
    let mut veto_items = Vec::new();
    for v in &raw.veto {
        let id = v.id.get_ref().trim().to_string();
        lines.put(text, &id, "id", v.id.span());
        let rules = spanned_list(text, &id, "rules", &v.rules, &mut lines);
        let findings = spanned_list(text, &id, "findings", &v.findings, &mut lines);
        let effect = v
            .effect
            .as_ref()
            .and_then(|e| veto_effect(e, Some(&id), "effect", &mut problems));
        veto_items.push(VetoItem {
            id,
            text: v.text.trim().to_string(),
            basis: v.basis.trim().to_string(),
            rules,
            findings,
            effect,
        });
    }
    let mut sections = Vec::new();
    for s in &raw.sections {
        let section_id = s.id.get_ref().trim().to_string();
        lines.put(text, &section_id, "id", s.id.span());
        lines.put(text, &section_id, "points", s.points.span());
        let mut items = Vec::new();
        for item in &s.items {
            let id = item.id.get_ref().trim().to_string();
            lines.put(text, &id, "id", item.id.span());
            lines.put(text, &id, "points", item.points.span());
            let points = *item.points.get_ref();
            let mut amount = |value: &Option<Spanned<f64>>, field: &str, default: Option<f64>| match value {
                Some(v) => {
                    lines.put(text, &id, field, v.span());
                    Some(*v.get_ref())
                }
                None => default,
            };
            let deduction = match item.deduct.get_ref().trim() {
                "fixed" => Some(Deduction::Fixed {
                    points: amount(&item.deduct_points, "deduct_points", Some(points)).unwrap_or(points),
                }),
                "per_occurrence" => match amount(&item.deduct_points, "deduct_points", None) {
                    Some(p) => Some(Deduction::PerOccurrence { points: p }),
                    None => {
                        problems.push(problem_at(
                            item.deduct.span(),
                            Some(&id),
                            "deduct_points",
                            "每处扣分（per_occurrence）须写明 deduct_points（每处扣几分）".into(),
                        ));
                        None
                    }
                },
                "range" => match (
                    amount(&item.deduct_min, "deduct_min", None),
                    amount(&item.deduct_max, "deduct_max", None),
                ) {
                    (Some(min), Some(max)) => Some(Deduction::Range { min, max }),
                    _ => {
                        problems.push(problem_at(
                            item.deduct.span(),
                            Some(&id),
                            "deduct_min/deduct_max",
                            "视情况扣分（range）须写明 deduct_min 和 deduct_max".into(),
                        ));
                        None
                    }
                },
                other => {
                    problems.push(problem_at(
                        item.deduct.span(),
                        Some(&id),
                        "deduct",
                        format!("未知的扣分方式“{other}”，可用：fixed（扣定额/扣全分）、per_occurrence（每处扣分）、range（视情况扣分）"),
                    ));
                    None
                }
            };
            let rules = spanned_list(text, &id, "rules", &item.rules, &mut lines);
            let findings = spanned_list(text, &id, "findings", &item.findings, &mut lines);
            let item_kinds = parse_codes::<CaseKind>(&item.kinds, "kinds", "案件类型", text, &mut problems);
            items.push(Item {
                kinds: item_kinds,
                id,
                text: item.text.trim().to_string(),
                points,
                deduction: deduction.unwrap_or(Deduction::Fixed { points }),
                floor_at_zero: item.floor_at_zero,
                basis: item.basis.trim().to_string(),
                rules,
                findings,
            });
        }
        sections.push(Section {
            id: section_id,
            name: s.name.trim().to_string(),
            points: *s.points.get_ref(),
            floor_at_zero: s.floor_at_zero,
            items,
        });
    }
    let bonus_items = raw
        .bonus
        .iter()
        .map(|b| {
            let id = b.id.get_ref().trim().to_string();
            lines.put(text, &id, "id", b.id.span());
            lines.put(text, &id, "points", b.points.span());
            BonusItem {
                id,
                text: b.text.trim().to_string(),
                points: *b.points.get_ref(),
                basis: b.basis.trim().to_string(),
            }
        })
        .collect();
    let checklist = Checklist {
        id: header.id.get_ref().trim().to_string(),
        name: header.name.get_ref().trim().to_string(),
        version: u32::try_from(version).unwrap_or(1),
        is_default: header.default,
        note: header.note.trim().to_string(),
        applies_to: AppliesTo { kinds, procedures },
        total_points: *header.total.get_ref(),
        veto_effect: effect.unwrap_or(VetoEffect::ZeroScore),
        not_applicable: not_applicable.unwrap_or(NotApplicableMode::FullMarks),
        bonus_enabled: header.bonus_enabled,
        bands,
        veto_items,
        sections,
        bonus_items,
    };
    for mut p in validate(&checklist, known) {
        p.line = lines.find(p.item.as_deref().unwrap_or(""), &p.field);
        problems.push(p);
    }
    if problems.is_empty() {
        Ok(checklist)
    } else {
        problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        Err(fail(problems))
    }
}

/// Parses codes of a code enum (`penalty`, `general`); each unknown one is a problem on its line.
fn parse_codes<T: CodeEnum>(
    values: &[Spanned<String>],
    field: &str,
    what: &str,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    let mut parsed = Vec::new();
    for value in values {
        match T::parse(value.get_ref()) {
            Some(code) => parsed.push(code),
            None => problems.push(Problem {
                line: Some(line_column(text, value.span().start).0),
                item: None,
                field: field.to_string(),
                message: format!("未知的{what}“{}”，可用：{}", value.get_ref(), T::allowed()),
            }),
        }
    }
    parsed
}

fn band_key(index: usize) -> String {
    format!("bands[{}]", index + 1)
}

fn spanned_list(text: &str, id: &str, field: &str, values: &[Spanned<String>], lines: &mut Lines) -> Vec<String> {
    values
        .iter()
        .map(|v| {
            let value = v.get_ref().trim().to_string();
            lines.put(text, id, &format!("{field}:{value}"), v.span());
            value
        })
        .collect()
}

/// Checks a checklist's consistency. Problems name the item (or section, or `bands[N]`)
/// and field; lines are added by the parser where it knows them.
#[expect(
    clippy::too_many_lines,
    reason = "one check per validation rule, in the order docs/checklist-format.md lists them"
)]
pub fn validate(checklist: &Checklist, known: &Known) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut add = |item: Option<&str>, field: &str, message: String| {
        problems.push(Problem {
            line: None,
            item: item.map(str::to_string),
            field: field.to_string(),
            message,
        });
    };
    if checklist.id.is_empty() {
        add(None, "id", "评查标准编号不能为空".into());
    }
    if checklist.name.is_empty() {
        add(None, "name", "评查标准名称不能为空".into());
    }
    if !positive(checklist.total_points) {
        add(None, "total", "满分应为正数".into());
    }

    // Ids are unique across veto items, sections, items and bonus items.
    let mut seen: HashSet<&str> = HashSet::new();
    let ids = checklist
        .veto_items
        .iter()
        .map(|v| v.id.as_str())
        .chain(
            checklist
                .sections
                .iter()
                .flat_map(|s| std::iter::once(s.id.as_str()).chain(s.items.iter().map(|i| i.id.as_str()))),
        )
        .chain(checklist.bonus_items.iter().map(|b| b.id.as_str()));
    for id in ids {
        if id.is_empty() {
            add(None, "id", "编号不能为空".into());
        } else if !seen.insert(id) {
            add(Some(id), "id", format!("编号“{id}”重复"));
        }
    }

    // Bands: at least one, strictly descending, the last at 0.
    if checklist.bands.is_empty() {
        add(None, "bands", "至少需要一个等次（[[bands]]）".into());
    }
    for (i, band) in checklist.bands.iter().enumerate() {
        let key = band_key(i);
        if band.grade.is_empty() {
            add(Some(&key), "grade", "等次名称不能为空".into());
        }
        if band.min_points < 0.0 || band.min_points > checklist.total_points {
            add(
                Some(&key),
                "min",
                format!(
                    "等次“{}”的最低分{}超出0–{}分",
                    band.grade,
                    fmt_points(band.min_points),
                    fmt_points(checklist.total_points)
                ),
            );
        }
        if let Some(previous) = i.checked_sub(1).and_then(|p| checklist.bands.get(p))
            && band.min_points >= previous.min_points
        {
            add(
                Some(&key),
                "min",
                format!(
                    "等次顺序错误：“{}”（{}分）应低于上一等次“{}”（{}分），等次须从高到低排列",
                    band.grade,
                    fmt_points(band.min_points),
                    previous.grade,
                    fmt_points(previous.min_points)
                ),
            );
        }
    }
    if let Some(last) = checklist.bands.last()
        && last.min_points != 0.0
    {
        add(
            Some(&band_key(checklist.bands.len() - 1)),
            "min",
            format!(
                "最低等次“{}”的最低分应为0，否则低于{}分的案卷没有等次",
                last.grade,
                fmt_points(last.min_points)
            ),
        );
    }

    // Budgets.
    let sections_sum: f64 = checklist.sections.iter().map(|s| s.points).sum();
    if !checklist.sections.is_empty() && (sections_sum - checklist.total_points).abs() > 1e-6 {
        add(
            None,
            "total",
            format!(
                "各部分分值合计{}分，与满分{}分不符",
                fmt_points(sections_sum),
                fmt_points(checklist.total_points)
            ),
        );
    }
    for section in &checklist.sections {
        let items_sum: f64 = section.items.iter().map(|i| i.points).sum();
        if (items_sum - section.points).abs() > 1e-6 {
            add(
                Some(&section.id),
                "points",
                format!(
                    "“{}”各项分值合计{}分，与本部分分值{}分不符",
                    section.name,
                    fmt_points(items_sum),
                    fmt_points(section.points)
                ),
            );
        }
        for item in &section.items {
            let id = Some(item.id.as_str());
            if item.text.is_empty() {
                add(id, "text", "评查内容不能为空".into());
            }
            if !positive(item.points) {
                add(id, "points", "分值应为正数".into());
                continue;
            }
            let too_big = |amount: f64| amount > item.points + 1e-9;
            match item.deduction {
                Deduction::Fixed { points } => {
                    if !positive(points) {
                        add(id, "deduct_points", "扣分应为正数".into());
                    } else if too_big(points) {
                        add(
                            id,
                            "deduct_points",
                            format!("扣{}分大于本项分值{}分", fmt_points(points), fmt_points(item.points)),
                        );
                    }
                }
                Deduction::PerOccurrence { points } => {
                    if !positive(points) {
                        add(id, "deduct_points", "每处扣分应为正数".into());
                    } else if too_big(points) {
                        add(
                            id,
                            "deduct_points",
                            format!(
                                "每处扣{}分大于本项分值{}分",
                                fmt_points(points),
                                fmt_points(item.points)
                            ),
                        );
                    }
                }
                Deduction::Range { min, max } => {
                    if !positive(min) {
                        add(id, "deduct_min", "最少扣分应为正数".into());
                    }
                    if min > max {
                        add(
                            id,
                            "deduct_min",
                            format!("最少扣分{}大于最多扣分{}", fmt_points(min), fmt_points(max)),
                        );
                    }
                    if too_big(max) {
                        add(
                            id,
                            "deduct_max",
                            format!("最多扣{}分大于本项分值{}分", fmt_points(max), fmt_points(item.points)),
                        );
                    }
                }
            }
            check_links(item.id.as_str(), &item.rules, &item.findings, known, &mut add);
        }
    }
    for veto in &checklist.veto_items {
        if veto.text.is_empty() {
            add(Some(&veto.id), "text", "否决项内容不能为空".into());
        }
        check_links(veto.id.as_str(), &veto.rules, &veto.findings, known, &mut add);
    }
    for bonus in &checklist.bonus_items {
        if !positive(bonus.points) {
            add(Some(&bonus.id), "points", "加分应为正数".into());
        }
    }
    problems
}

fn check_links(
    id: &str,
    rules: &[String],
    findings: &[String],
    known: &Known,
    add: &mut impl FnMut(Option<&str>, &str, String),
) {
    for rule in rules {
        if !known.rules.contains(rule) {
            add(
                Some(id),
                &format!("rules:{rule}"),
                format!("未知的自动检查规则“{rule}”"),
            );
        }
    }
    if let Some(codes) = &known.findings {
        for code in findings {
            if !codes.contains(code) {
                add(
                    Some(id),
                    &format!("findings:{code}"),
                    format!("问题库中没有编号“{code}”"),
                );
            }
        }
    }
}

/// Writes a checklist as TOML in the documented layout (what the editor exports).
pub fn to_toml(checklist: &Checklist) -> String {
    let mut out = String::new();
    let q = |s: &str| toml_string(s);
    let list = |values: &[String]| format!("[{}]", values.iter().map(|v| q(v)).collect::<Vec<_>>().join(", "));
    let n = fmt_points;
    out.push_str("[checklist]\n");
    out.push_str(&format!("id = {}\n", q(&checklist.id)));
    out.push_str(&format!("name = {}\n", q(&checklist.name)));
    out.push_str(&format!("version = {}\n", checklist.version));
    if checklist.is_default {
        out.push_str("default = true\n");
    }
    if !checklist.note.is_empty() {
        out.push_str(&format!("note = {}\n", q(&checklist.note)));
    }
    let kinds: Vec<String> = checklist
        .applies_to
        .kinds
        .iter()
        .map(|k| k.code().to_string())
        .collect();
    let procedures: Vec<String> = checklist
        .applies_to
        .procedures
        .iter()
        .map(|p| p.code().to_string())
        .collect();
    out.push_str(&format!("kinds = {}\n", list(&kinds)));
    out.push_str(&format!("procedures = {}\n", list(&procedures)));
    out.push_str(&format!("total = {}\n", n(checklist.total_points)));
    out.push_str(&format!("veto_effect = {}\n", q(checklist.veto_effect.code())));
    out.push_str(&format!("not_applicable = {}\n", q(checklist.not_applicable.code())));
    out.push_str(&format!("bonus_enabled = {}\n", checklist.bonus_enabled));
    for band in &checklist.bands {
        out.push_str(&format!(
            "\n[[bands]]\ngrade = {}\nmin = {}\n",
            q(&band.grade),
            n(band.min_points)
        ));
    }
    for veto in &checklist.veto_items {
        out.push_str(&format!("\n[[veto]]\nid = {}\ntext = {}\n", q(&veto.id), q(&veto.text)));
        if !veto.basis.is_empty() {
            out.push_str(&format!("basis = {}\n", q(&veto.basis)));
        }
        if !veto.rules.is_empty() {
            out.push_str(&format!("rules = {}\n", list(&veto.rules)));
        }
        if !veto.findings.is_empty() {
            out.push_str(&format!("findings = {}\n", list(&veto.findings)));
        }
        if let Some(effect) = veto.effect {
            out.push_str(&format!("effect = {}\n", q(effect.code())));
        }
    }
    for section in &checklist.sections {
        out.push_str(&format!(
            "\n[[sections]]\nid = {}\nname = {}\npoints = {}\n",
            q(&section.id),
            q(&section.name),
            n(section.points)
        ));
        if !section.floor_at_zero {
            out.push_str("floor_at_zero = false\n");
        }
        for item in &section.items {
            out.push_str(&format!(
                "\n[[sections.items]]\nid = {}\ntext = {}\npoints = {}\n",
                q(&item.id),
                q(&item.text),
                n(item.points)
            ));
            match item.deduction {
                Deduction::Fixed { points } if (points - item.points).abs() < 1e-9 => {
                    out.push_str("deduct = \"fixed\"\n");
                }
                Deduction::Fixed { points } => {
                    out.push_str(&format!("deduct = \"fixed\"\ndeduct_points = {}\n", n(points)));
                }
                Deduction::PerOccurrence { points } => {
                    out.push_str(&format!("deduct = \"per_occurrence\"\ndeduct_points = {}\n", n(points)));
                }
                Deduction::Range { min, max } => {
                    out.push_str(&format!(
                        "deduct = \"range\"\ndeduct_min = {}\ndeduct_max = {}\n",
                        n(min),
                        n(max)
                    ));
                }
            }
            if !item.floor_at_zero {
                out.push_str("floor_at_zero = false\n");
            }
            if !item.basis.is_empty() {
                out.push_str(&format!("basis = {}\n", q(&item.basis)));
            }
            if !item.rules.is_empty() {
                out.push_str(&format!("rules = {}\n", list(&item.rules)));
            }
            if !item.findings.is_empty() {
                out.push_str(&format!("findings = {}\n", list(&item.findings)));
            }
            if !item.kinds.is_empty() {
                let kinds: Vec<String> = item.kinds.iter().map(|k| k.code().to_string()).collect();
                out.push_str(&format!("kinds = {}\n", list(&kinds)));
            }
        }
    }
    for bonus in &checklist.bonus_items {
        out.push_str(&format!(
            "\n[[bonus]]\nid = {}\ntext = {}\npoints = {}\n",
            q(&bonus.id),
            q(&bonus.text),
            n(bonus.points)
        ));
        if !bonus.basis.is_empty() {
            out.push_str(&format!("basis = {}\n", q(&bonus.basis)));
        }
    }
    out
}

/// A TOML basic string.
fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A finite number above zero (NaN is not).
fn positive(value: f64) -> bool {
    value.is_finite() && value > 0.0
}
