//! Automatic checks (自动检查规则): each rule has a stable id, a Chinese name, its legal basis
//! and parameters, and returns findings that show their arithmetic and cite the article.
//! Rules decide only on facts the case states; a fact the package leaves out (no `sealed`,
//! no `officers` on a document) is unknown and yields a notice at most, never a deduction.
//!
//! Pure: uses `domain` only. Must not do I/O or use `rusqlite`, `egui` or `printpdf`.

mod deadlines;
mod documents;
mod file;
mod procedure;
mod settings;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::{Case, RegisteredOfficer, WorkingCalendar};
pub use settings::{DepartmentalRegime, ParameterSource, RuleSettings, default_regimes};

/// How much a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Makes the case 不合格 in most standards.
    Veto,
    /// Suggests a deduction.
    Deduction,
    /// Something to look at; not a violation by itself (often: a fact the file does not state).
    Notice,
}

impl Severity {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Veto => "否决",
            Self::Deduction => "扣分",
            Self::Notice => "提示",
        }
    }
}

/// The level of the instrument a figure or a rule comes from (法律 / 行政法规 / 部门规章 /
/// 规范性文件 / 本地设置). Every finding's basis names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceLevel {
    /// 法律 (行政处罚法, 安全生产法, 行政强制法, 民法典).
    Law,
    /// 行政法规 (…条例).
    AdministrativeRegulation,
    /// 部门规章 (原安监总局令第15号, 应急管理部令第18号).
    DepartmentalRule,
    /// 规范性文件 (国办发〔2018〕118号, 安监总政法〔2016〕72号).
    NormativeDocument,
    /// 本地设置 (the project's own figures: a local 目录, a province's amount).
    Local,
}

impl SourceLevel {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Law => "法律",
            Self::AdministrativeRegulation => "行政法规",
            Self::DepartmentalRule => "部门规章",
            Self::NormativeDocument => "规范性文件",
            Self::Local => "本地设置",
        }
    }

    /// The level of a citation, from the name of the instrument it cites.
    pub fn of_citation(citation: &str) -> Self {
        let c = citation.trim().trim_start_matches('《');
        const LAWS: [&str; 6] = [
            "行政处罚法",
            "安全生产法",
            "行政强制法",
            "民法典",
            "民事诉讼法",
            "中华人民共和国",
        ];
        if c.starts_with("本地") || c.starts_with("项目设置") {
            Self::Local
        } else if LAWS.iter().any(|law| c.starts_with(law)) {
            Self::Law
        } else if c.contains("条例") {
            Self::AdministrativeRegulation
        } else if c.contains("令第") || c.contains("处罚办法") {
            Self::DepartmentalRule
        } else {
            Self::NormativeDocument
        }
    }
}

/// What a finding's figure rests on besides settled law.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Reliance {
    /// Statutory text or a confirmed figure.
    #[default]
    Settled,
    /// A figure not yet checked against its official text (named).
    Unconfirmed(String),
    /// A figure the project set itself (named).
    Local(String),
}

/// One problem found by a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's id (`service_deadline`).
    pub rule: &'static str,
    /// Weight.
    pub severity: Severity,
    /// Legal basis, as cited, each citation with its source level
    /// (`行政处罚法第六十一条、第八十五条（法律）`).
    pub basis: String,
    /// What is wrong, with the computation.
    pub message: String,
    /// Positions (0-based) of the documents involved.
    pub documents: Vec<usize>,
    /// What the finding's figure rests on (decides the severity cap; not exported).
    #[serde(skip)]
    pub reliance: Reliance,
}

impl Finding {
    /// A finding; the rule that returns it fills in its id and, unless set with
    /// [`Finding::with_basis`], its legal basis (see [`Rule::run`]).
    pub fn new(severity: Severity, message: String, documents: Vec<usize>) -> Self {
        Self {
            rule: "",
            severity,
            basis: String::new(),
            message,
            documents,
            reliance: Reliance::Settled,
        }
    }

    /// A basis other than the rule's own (e.g. the older regime's for an older case).
    pub fn with_basis(mut self, basis: &str) -> Self {
        self.basis = basis.to_string();
        self
    }

    /// The finding rests on a figure not yet confirmed (`15号令办案期限30日`).
    pub fn unconfirmed(mut self, figure: impl Into<String>) -> Self {
        self.reliance = Reliance::Unconfirmed(figure.into());
        self
    }

    /// The finding rests on a figure the project set (`本地重大执法决定目录`).
    pub fn local(mut self, figure: impl Into<String>) -> Self {
        self.reliance = Reliance::Local(figure.into());
        self
    }

    /// Rests on `figure` when `confirmed` is false; settled otherwise.
    pub fn unconfirmed_unless(self, confirmed: bool, figure: impl Into<String>) -> Self {
        if confirmed { self } else { self.unconfirmed(figure) }
    }
}

/// The basis with each citation's source level: `行政处罚法第五十四条（法律）；原安监总局令
/// 第15号第二十三条（部门规章，未核实）`. An unconfirmed figure marks the departmental
/// citations (or is added itself); a local figure is added as 本地设置.
pub fn format_basis(raw: &str, reliance: &Reliance) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut marked = false;
    for cite in raw.split('；').map(str::trim).filter(|c| !c.is_empty()) {
        let level = SourceLevel::of_citation(cite);
        if matches!(reliance, Reliance::Unconfirmed(_)) && level == SourceLevel::DepartmentalRule {
            marked = true;
            parts.push(format!("{cite}（{}，数值未核实）", level.label()));
        } else {
            parts.push(format!("{cite}（{}）", level.label()));
        }
    }
    match reliance {
        Reliance::Unconfirmed(figure) if !marked => {
            parts.push(format!(
                "{figure}（{}，未核实）",
                SourceLevel::of_citation(figure).label()
            ));
        }
        Reliance::Local(figure) => parts.push(format!("{figure}（本地设置）")),
        _ => {}
    }
    parts.join("；")
}

/// What the rules need besides the case.
pub struct RuleContext<'a> {
    /// Working days (行政处罚法第八十五条).
    pub calendar: &'a WorkingCalendar,
    /// Parameters (statutory defaults; local or unconfirmed ones marked in `RuleSettings`).
    pub settings: &'a RuleSettings,
    /// The officer registry (执法人员名册), possibly empty.
    pub registry: &'a [RegisteredOfficer],
}

/// A rule: id, name, basis, check.
pub struct Rule {
    /// Stable id.
    pub id: &'static str,
    /// Chinese name.
    pub name: &'static str,
    /// The articles it encodes.
    pub basis: &'static str,
    /// The check.
    pub check: fn(&Case, &RuleContext<'_>) -> Vec<Finding>,
}

impl Rule {
    /// Runs the check and labels its findings with this rule's id and basis.
    ///
    /// A finding that rests on an unconfirmed or local figure is at most a deduction, and
    /// its message says what it rests on: only the statute itself makes a 否决.
    pub fn run(&self, case: &Case, ctx: &RuleContext<'_>) -> Vec<Finding> {
        (self.check)(case, ctx)
            .into_iter()
            .map(|mut finding| {
                finding.rule = self.id;
                let raw = if finding.basis.is_empty() {
                    self.basis
                } else {
                    finding.basis.as_str()
                };
                finding.basis = format_basis(raw, &finding.reliance);
                match &finding.reliance {
                    Reliance::Settled => {}
                    Reliance::Unconfirmed(figure) => {
                        finding
                            .message
                            .push_str(&format!("（所依{figure}尚未核实，可在设置中修改；至多作扣分提示）"));
                    }
                    Reliance::Local(figure) => {
                        finding
                            .message
                            .push_str(&format!("（依本地设置：{figure}；至多作扣分提示）"));
                    }
                }
                if finding.reliance != Reliance::Settled && finding.severity == Severity::Veto {
                    finding.severity = Severity::Deduction;
                }
                finding
            })
            .collect()
    }
}

/// The Chinese name of a rule, for everything a person reads (the id is for files and
/// code); an id no rule has any more is shown as it is.
pub fn rule_name(id: &str) -> &str {
    RULES.iter().find(|r| r.id == id).map_or(id, |r| r.name)
}

/// Every rule implemented so far, in a stable order.
pub const RULES: &[Rule] = &[
    deadlines::DECISION_DEADLINE,
    deadlines::SERVICE_DEADLINE,
    deadlines::PAYMENT_DEADLINE,
    deadlines::PUBLICATION_DEADLINE,
    deadlines::LIMITATION,
    procedure::FILING_TIMELY,
    procedure::NOTICE_BEFORE_DECISION,
    procedure::HEARING_RIGHT_NOTICE,
    procedure::HEARING_PROCEDURE,
    procedure::LEGAL_REVIEW_REQUIRED,
    procedure::LEGAL_REVIEW_ORDER,
    procedure::COLLECTIVE_DISCUSSION,
    deadlines::SUMMARY_PROCEDURE_LIMITS,
    documents::TWO_OFFICERS,
    documents::CERTIFICATE_VALID,
    documents::DECISION_SEALED,
    documents::DOCUMENT_SEALED,
    documents::PARTY_SIGNATURE,
    file::REQUIRED_DOCUMENTS,
    file::RECTIFICATION_RECHECK,
    file::SEIZURE_TERM,
    file::RECORDING_PRESENT,
    file::DATE_CONSISTENCY,
];

/// One of the 三项制度, as the campaign report counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ThreeSystem {
    /// 行政执法公示: penalty decisions published in time (国办发〔2018〕118号).
    Publication,
    /// 执法全过程记录: every stage that must be recorded has its recording.
    Recording,
    /// 重大执法决定法制审核 (行政处罚法第五十八条).
    LegalReview,
}

impl ThreeSystem {
    /// The three, in their usual order.
    pub const ALL: [Self; 3] = [Self::Publication, Self::Recording, Self::LegalReview];

    /// The row's label in the report.
    pub fn label(self) -> &'static str {
        match self {
            Self::Publication => "行政执法公示（按期公示）",
            Self::Recording => "执法全过程记录（规定环节音像记录）",
            Self::LegalReview => "重大执法决定法制审核",
        }
    }
}

/// Which of the 三项制度 concern a case, and whether the case meets each, from the case and its
/// findings (`check_case`). A system concerns the case when its occasion arose: a penalty
/// decision was made (公示), a stage the settings require to be recorded happened (全过程记录),
/// the decision is one 行政处罚法第五十八条 names (法制审核). A case without the record that
/// shows compliance does not meet it: no 公示 record is not 按期公示.
pub fn three_systems(case: &Case, findings: &[Finding], settings: &RuleSettings) -> Vec<(ThreeSystem, bool)> {
    let has = |rule: &str| {
        findings
            .iter()
            .any(|f| f.rule == rule && f.severity != Severity::Notice)
    };
    let mut rows = Vec::new();
    if case.kind == crate::domain::CaseKind::Penalty && case.decision.is_some() {
        let published = case.effective_date(crate::domain::DateKey::Published).is_some();
        rows.push((ThreeSystem::Publication, published && !has("publication_deadline")));
    }
    if !file::recorded_stages_due(case, &settings.recording_required_stages).is_empty() {
        rows.push((ThreeSystem::Recording, !has("recording_present")));
    }
    // 行政处罚法第五十八条: the 目录 flag, a hearing held (第一款第（二）项), or a finding.
    let major = case.decision.as_ref().and_then(|d| d.major) == Some(true)
        || case.effective_date(crate::domain::DateKey::Hearing).is_some()
        || has("legal_review_required");
    if major {
        rows.push((
            ThreeSystem::LegalReview,
            !has("legal_review_required") && !has("legal_review_order"),
        ));
    }
    rows
}

/// Runs every rule on a case.
pub fn check_case(case: &Case, ctx: &RuleContext<'_>) -> Vec<Finding> {
    RULES.iter().flat_map(|rule| rule.run(case, ctx)).collect()
}

/// The documents of the given types, with their positions in the file.
fn of_types<'a>(case: &'a Case, types: &'a [&str]) -> impl Iterator<Item = (usize, &'a crate::domain::Document)> + 'a {
    case.documents
        .iter()
        .enumerate()
        .filter(move |(_, d)| types.contains(&d.doc_type.as_str()))
}

/// Positions of the documents of the given types.
fn positions(case: &Case, types: &[&str]) -> Vec<usize> {
    of_types(case, types).map(|(i, _)| i).collect()
}

/// ISO date for messages.
fn ymd(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// `（2027 年无节假日安排数据，按周末计算）` when a count passed through such years.
fn unscheduled_note(years: &std::collections::BTreeSet<i32>) -> String {
    if years.is_empty() {
        String::new()
    } else {
        let list = years.iter().map(ToString::to_string).collect::<Vec<_>>().join("、");
        format!("（{list} 年无节假日安排数据，按周末计算）")
    }
}

/// The date the 2021 revision of 行政处罚法 took effect (its article 86).
pub fn law_2021_in_force() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 7, 15).expect("valid date")
}

#[cfg(test)]
mod statute_tests;

#[cfg(test)]
mod name_tests {
    #[test]
    fn every_rule_has_a_chinese_name_and_unknown_ids_pass_through() {
        for rule in super::RULES {
            assert!(!super::rule_name(rule.id).is_ascii(), "{} has no Chinese name", rule.id);
        }
        assert_eq!(super::rule_name("two_officers"), "执法人员不少于两人");
        assert_eq!(super::rule_name("retired_rule"), "retired_rule");
    }
}
