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
pub use settings::{DepartmentalRegime, RuleSettings, default_regimes};

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

/// One problem found by a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's id (`service_deadline`).
    pub rule: &'static str,
    /// Weight.
    pub severity: Severity,
    /// Legal basis, as cited (`行政处罚法第六十一条、第八十五条`).
    pub basis: String,
    /// What is wrong, with the computation.
    pub message: String,
    /// Positions (0-based) of the documents involved.
    pub documents: Vec<usize>,
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
        }
    }

    /// A basis other than the rule's own (e.g. the older regime's for an older case).
    pub fn with_basis(mut self, basis: &str) -> Self {
        self.basis = basis.to_string();
        self
    }
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
    pub fn run(&self, case: &Case, ctx: &RuleContext<'_>) -> Vec<Finding> {
        (self.check)(case, ctx)
            .into_iter()
            .map(|mut finding| {
                finding.rule = self.id;
                if finding.basis.is_empty() {
                    finding.basis = self.basis.to_string();
                }
                finding
            })
            .collect()
    }
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
    procedure::HEARING_PROCEDURE,
    procedure::LEGAL_REVIEW_REQUIRED,
    procedure::LEGAL_REVIEW_ORDER,
    procedure::COLLECTIVE_DISCUSSION,
    deadlines::SUMMARY_PROCEDURE_LIMITS,
    documents::TWO_OFFICERS,
    documents::CERTIFICATE_VALID,
    documents::DECISION_SEALED,
    documents::PARTY_SIGNATURE,
    file::REQUIRED_DOCUMENTS,
    file::RECTIFICATION_RECHECK,
    file::RECORDING_PRESENT,
    file::DATE_CONSISTENCY,
];

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
