//! The typed protocol between a front (the window's thread) and the service threads:
//! requests nested by feature, and the events that answer them — data (`Cases`, `Scoring`, …),
//! `Done { job, outcome }` and `Failed { job, error }` with a [`ServiceError`] that carries the
//! Chinese message and the file, line or field it names.
//!
//! Owns: the message types only. Must not touch: SQL, files, `egui`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::domain::{AuditAction, Checklist, LibraryEntry, Mark};
use crate::import::ImportLimits;
use crate::rules::{Finding, RuleSettings};
use crate::service::review::CaseScoring;
use crate::service::{ImportProgress, ImportReport};
use crate::store::{
    AuditEntry, CaseId, CaseRow, ChecklistKey, FindingDecision, ReviewKey, Reviewer, SearchHit, SearchSummary,
    StoredCase, StoredChecklist,
};

pub use super::error::{Job, ServiceError};

/// What the UI asks for.
#[derive(Debug, Clone)]
pub enum Request {
    /// Reload the case list.
    ListCases,
    /// Load one case with its documents.
    LoadCase {
        /// The case.
        id: CaseId,
        /// The scoring panel's sequence number (its scoring comes with the case).
        seq: u64,
    },
    /// Full-text search: which cases match, and in how many places.
    Search(String),
    /// The matches of a search in one case, with snippets.
    SearchInCase {
        /// The query.
        query: String,
        /// The case.
        case_id: CaseId,
    },
    /// Import paths (packages, folders, ledgers, registries).
    Import(Vec<PathBuf>),
    /// The stored OCR reading of one page of a file.
    OcrPage {
        /// The file.
        sha256: String,
        /// Page, 1-based.
        page: u32,
    },
    /// Which pages are read on import.
    SaveOcrScope(crate::service::ocr::OcrScope),
    /// The project's automatic acceptance of sure values read from scans (`None`: off).
    SaveAutoAccept(Option<f32>),
    /// The facts proposed from a case's scanned pages.
    Facts(String),
    /// Record a change to the facts of a case (by the current reviewer), then answer with the
    /// case, its findings and its proposals again.
    EditFacts {
        /// 案号.
        number: String,
        /// The change.
        change: crate::service::facts::FactChange,
    },
    /// Who is scoring (created in the project if new).
    SetReviewer {
        /// Name.
        name: String,
        /// Unit.
        unit: String,
    },
    /// The current reviewer's scoring of a case. `seq` is echoed in the answer.
    LoadScoring {
        /// 案号.
        case_number: String,
        /// The UI's count of scoring changes sent so far.
        seq: u64,
    },
    /// Set or clear one mark (saved with its audit row), then answer with the case's scoring.
    Mark {
        /// Which review.
        key: ReviewKey,
        /// Item id.
        item: String,
        /// The new mark, `None` to clear.
        mark: Option<Mark>,
        /// Mark, anchor, undo or redo.
        action: AuditAction,
        /// Note for the audit log.
        note: String,
        /// Echoed in the answer.
        seq: u64,
    },
    /// Mark a review done or reopen it.
    SetReviewed {
        /// Which review.
        key: ReviewKey,
        /// Done?
        done: bool,
        /// Echoed in the answer.
        seq: u64,
    },
    /// Accept or reject a finding of the automatic checks (an accepted one comes with its mark).
    DecideFinding {
        /// Which review.
        key: ReviewKey,
        /// The decision.
        decision: FindingDecision,
        /// For an acceptance: the mark it makes.
        mark: Option<Mark>,
        /// Echoed in the answer.
        seq: u64,
    },
    /// Withdraw an acceptance (undo): the finding is undecided again, the item's mark put
    /// back to `mark`.
    WithdrawFinding {
        /// Which review.
        key: ReviewKey,
        /// The acceptance withdrawn.
        decision: FindingDecision,
        /// The item's mark before the acceptance.
        mark: Option<Mark>,
        /// Echoed in the answer.
        seq: u64,
    },
    /// The audit log of a case.
    Audit(String),
    /// Add a wording to the finding library.
    AddLibraryEntry(LibraryEntry),
    /// Save an edited checklist (a new version when the stored one is frozen).
    SaveChecklist(Box<Checklist>),
    /// Read a checklist file and save it.
    ImportChecklist(PathBuf),
    /// Read a 评查标准 table (Excel) for the mapping window.
    ReadChecklistTable(PathBuf),
    /// Campaign work (评查活动).
    Campaign(CampaignRequest),
    /// Render a report to a file.
    Report(ReportRequest),
    /// Rectification tracking (整改跟踪).
    Rectify(RectifyRequest),
    /// Export this workspace's scores as a signed return.
    ExportReturn(PathBuf),
    /// Open a reviewer kit as a new workspace (the app then switches to it).
    OpenKit {
        /// The kit file.
        kit: PathBuf,
        /// The new workspace folder.
        workspace: PathBuf,
    },
    /// Save the rule parameters (then every case is checked again).
    SaveRuleSettings(Box<RuleSettings>),
    /// Save the import limits (used by the next import).
    SaveImportLimits(Box<ImportLimits>),
    /// The 公文 settings and the fonts each role uses.
    OfficialSettings,
    /// Save the 公文 settings.
    SaveOfficialSettings(Box<crate::report::documents::OfficialSettings>),
    /// Add a year's holiday schedule from a file.
    AddCalendarYear(PathBuf),
    /// Remove a year the project added.
    RemoveCalendarYear(i32),
    /// Write a checklist version to a `.toml` or `.xlsx` file.
    ExportChecklist {
        /// Version key.
        key: ChecklistKey,
        /// Target file; the extension picks the format.
        path: PathBuf,
    },
}

/// Requests of the rectification window.
#[derive(Debug, Clone)]
pub enum RectifyRequest {
    /// Every tracked problem.
    List,
    /// Issue a unit's notice: write the PDF and track its problems.
    Issue {
        /// Unit.
        unit: String,
        /// Campaign.
        campaign: Option<String>,
        /// Notice date.
        date: Option<chrono::NaiveDate>,
        /// Due date.
        due: Option<chrono::NaiveDate>,
        /// 文号 (empty: numbered by the project's pattern).
        number: String,
        /// The PDF.
        path: PathBuf,
    },
    /// A unit's written answer.
    Answer {
        /// Problem.
        item: i64,
        /// Date.
        date: chrono::NaiveDate,
        /// Text.
        text: String,
        /// Files to store with it.
        files: Vec<PathBuf>,
    },
    /// The organiser's verification.
    Verify {
        /// Problem.
        item: i64,
        /// Outcome.
        outcome: crate::domain::rectification::Outcome,
        /// Reason.
        reason: String,
        /// Date.
        date: chrono::NaiveDate,
        /// New due date.
        new_due: Option<chrono::NaiveDate>,
    },
    /// The 整改情况汇总表 as a PDF.
    Summary {
        /// As of.
        today: chrono::NaiveDate,
        /// The PDF.
        path: PathBuf,
    },
}

/// Requests of the campaign window.
#[derive(Debug, Clone)]
pub enum CampaignRequest {
    /// Every campaign.
    List,
    /// How many drawn cases are scored (asked before the campaign report is issued).
    Progress(String),
    /// Create a campaign with a draw.
    Create {
        /// Name.
        name: String,
        /// Year.
        year: i32,
        /// Settings (draw, reviewers per case, threshold, seed).
        config: Box<crate::review::campaign::CampaignConfig>,
    },
    /// Add a reviewer.
    AddReviewer {
        /// Campaign.
        campaign: String,
        /// Name.
        name: String,
        /// Unit.
        unit: String,
        /// 组长?
        lead: bool,
        /// 评查组.
        team: String,
        /// Public key, hex.
        public_key: Option<String>,
    },
    /// Preview (and with `apply`, store) the assignment.
    Assign {
        /// Campaign.
        campaign: String,
        /// Store it.
        apply: bool,
    },
    /// Compare every case of a campaign.
    Compare(String),
    /// Record a consensus mark, then compare again.
    Consensus {
        /// Campaign.
        campaign: String,
        /// 案号.
        case: String,
        /// Item.
        item: String,
        /// Agreed mark (`None`: no deduction).
        mark: Option<Mark>,
        /// Why.
        reason: String,
    },
    /// Sign a case off or unlock it.
    SignOff {
        /// Campaign.
        campaign: String,
        /// 案号.
        case: String,
        /// Lock?
        lock: bool,
        /// Reason (unlock).
        reason: String,
    },
    /// Export a reviewer's kit.
    ExportKit {
        /// Campaign.
        campaign: String,
        /// Reviewer.
        reviewer: String,
        /// Target file.
        path: PathBuf,
    },
    /// Import a return.
    ImportReturn(PathBuf),
}

/// A document to render.
#[derive(Debug, Clone)]
pub enum ReportRequest {
    /// A case's score sheet.
    ScoreSheet {
        /// 案号.
        case: String,
        /// Whose marks.
        source: crate::service::reports::SheetSource,
        /// Print personal data in full.
        unmasked: bool,
        /// Where.
        path: PathBuf,
    },
    /// A unit's rectification notice.
    Notice {
        /// Unit.
        unit: String,
        /// Campaign, if any.
        campaign: Option<String>,
        /// Where.
        path: PathBuf,
    },
    /// A campaign's report.
    Campaign {
        /// Campaign.
        campaign: String,
        /// With the internal annex (the reviewers' agreement statistics).
        internal: bool,
        /// 发文字号 (empty: the project's pattern, the number left blank).
        number: String,
        /// Where.
        path: PathBuf,
    },
    /// The XLSX data export.
    Xlsx {
        /// Campaign, if any.
        campaign: Option<String>,
        /// Where.
        path: PathBuf,
    },
}

/// What the campaign window is told.
#[derive(Debug, Clone)]
pub enum CampaignResponse {
    /// Every campaign with its reviewers.
    List(Vec<(crate::store::CampaignInfo, Vec<crate::store::CampaignReviewer>)>),
    /// A campaign's drawn cases scored so far.
    Progress {
        /// Campaign.
        campaign: String,
        /// Scored by an assigned reviewer.
        scored: usize,
        /// Drawn.
        drawn: usize,
    },
    /// An assignment preview (or the stored one).
    Preview {
        /// Campaign.
        campaign: String,
        /// The explanation, line by line.
        lines: Vec<String>,
        /// Whether it was stored.
        applied: bool,
    },
    /// Every case compared, with the statistics.
    Compared {
        /// Campaign.
        campaign: String,
        /// Cases.
        cases: Vec<crate::review::campaign::CaseComparison>,
        /// Agreement.
        stats: Option<Box<crate::review::campaign::CampaignStats>>,
    },
}

/// What the backend answers.
#[derive(Debug, Clone)]
pub enum Response {
    /// The 公文 settings, and per role the font used (described).
    Official {
        /// Settings.
        settings: Box<crate::report::documents::OfficialSettings>,
        /// `正文（仿宋）：仿宋_GB2312（系统字体 …）`, one per role.
        fonts: Vec<String>,
    },
    /// The tracked problems (after any rectification change), and the day they were read on.
    Rectify {
        /// Every problem.
        items: Arc<Vec<crate::domain::rectification::RectifyItem>>,
        /// Today.
        today: chrono::NaiveDate,
    },
    /// A 评查标准 table was read (every sheet), for the mapping window.
    ChecklistTables {
        /// The file.
        path: PathBuf,
        /// Its sheets.
        tables: Arc<Vec<crate::scoring::table::Table>>,
    },
    /// The project is open.
    Opened {
        /// Display name.
        name: String,
        /// Folder.
        dir: PathBuf,
        /// For a reviewer workspace, the kit's addressee (name, unit): the only one who may
        /// score in it.
        addressee: Option<(String, String)>,
    },
    /// The project could not be opened.
    OpenFailed(ServiceError),
    /// Every current case.
    Cases(Arc<Vec<CaseRow>>),
    /// The reviewer's 评查状态 by case number (cases not listed are 未评).
    ReviewStates(Arc<HashMap<String, crate::domain::ReviewState>>),
    /// The automatic checks' finding counts of every current case, by case id.
    FindingCounts(Arc<HashMap<CaseId, FindingCount>>),
    /// One case's count changed (after a decision on one of its findings).
    FindingCountOf(CaseId, FindingCount),
    /// One case, with the automatic checks' findings.
    Case(Box<StoredCase>, Vec<Finding>),
    /// Which cases match a query.
    SearchHits {
        /// The query answered.
        query: String,
        /// The matching cases and the number of places.
        summary: SearchSummary,
    },
    /// The matches of a query in one case.
    CaseHits {
        /// The query answered.
        query: String,
        /// The case.
        case_id: CaseId,
        /// Matches with snippets.
        hits: Vec<SearchHit>,
    },
    /// Import progress.
    ImportProgress(ImportProgress),
    /// An import finished.
    ImportDone(ImportReport),
    /// A long job other than an import is at item `done` of `total` (a report's cases, a
    /// kit's cases, a campaign's comparisons); it ends with `Done`, `Failed` or its result.
    JobProgress {
        /// The job.
        job: Job,
        /// Items finished.
        done: usize,
        /// Items in all.
        total: usize,
    },
    /// A piece of work failed; the error is for the user.
    Failed {
        /// What was being done.
        job: Job,
        /// Why it failed, and what it names.
        error: ServiceError,
    },
    /// A piece of work went well; the outcome is for the user.
    Done {
        /// What was done.
        job: Job,
        /// What came of it, in Chinese.
        outcome: String,
    },
    /// The reviewer as stored in the project.
    Reviewer(Reviewer),
    /// A case's scoring for the current reviewer.
    Scoring {
        /// 案号.
        case_number: String,
        /// The checklists that apply, with marks and evaluations.
        scorings: Vec<CaseScoring>,
        /// Decisions on the automatic checks' findings.
        decisions: Vec<FindingDecision>,
        /// The request's `seq`.
        seq: u64,
    },
    /// A case's audit log.
    Audit {
        /// 案号.
        case_number: String,
        /// Oldest first.
        entries: Vec<AuditEntry>,
    },
    /// The finding library.
    Library(Arc<Vec<LibraryEntry>>),
    /// Every checklist version in the project.
    Checklists(Arc<Vec<StoredChecklist>>),
    /// Campaign answers.
    Campaign(CampaignResponse),
    /// A kit was opened as a workspace.
    KitOpened {
        /// The workspace folder.
        workspace: PathBuf,
        /// What was opened, for the user.
        summary: String,
    },
    /// A report was written.
    ReportReady {
        /// The file.
        path: PathBuf,
        /// Pages (PDF) or `None` (XLSX).
        pages: Option<u32>,
    },
    /// The rule parameters and the calendar's years (after open or a change).
    RuleSettings {
        /// Parameters.
        settings: Box<RuleSettings>,
        /// Every year with a schedule, with its source.
        years: Vec<(i32, String)>,
        /// The years the project added (removable).
        added_years: Vec<i32>,
    },
    /// The project's import limits (after open or a change).
    ImportLimits(Box<ImportLimits>),
    /// The OCR reading of one page (`None`: not read yet).
    OcrPage {
        /// The file.
        sha256: String,
        /// Page, 1-based.
        page: u32,
        /// What was read.
        stored: Option<Box<crate::store::StoredOcrPage>>,
    },
    /// Which pages are read on import (after open or a change).
    OcrScope(crate::service::ocr::OcrScope),
    /// The project's automatic acceptance threshold.
    AutoAccept(Option<f32>),
    /// The facts proposed for a case (its number) from its scanned pages.
    Facts(String, Box<crate::service::facts::CaseProposals>),
}

/// How many findings the automatic checks report for a case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FindingCount {
    /// Deductions and vetoes the current reviewer has not yet accepted or rejected.
    pub serious: usize,
    /// Deductions and vetoes already decided by the current reviewer.
    pub decided: usize,
    /// Notices.
    pub notices: usize,
}
