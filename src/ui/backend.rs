//! The project's backend thread: it owns the open project (the SQLite connection) and
//! answers the UI's requests; the UI only ever draws the last answers it received.

use crate::domain::AuditAction;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use crate::domain::{Checklist, LibraryEntry, Mark};
use crate::import::{IMPORT_LIMITS_KEY, ImportLimits};
use crate::jobs::checks::{CALENDAR_YEARS_KEY, ProjectRules, RULE_SETTINGS_KEY, to_cached};
use crate::jobs::review::{CaseScoring, apply_mark, case_scorings, prepare_project};
use crate::jobs::{ImportProgress, ImportReport, plan_import, run_import};
use crate::rules::{Finding, RuleSettings};
use crate::store::{
    AuditEntry, CachedFinding, CaseRow, FindingDecision, Project, ReviewKey, Reviewer, SearchHit, SearchSummary,
    StoredCase, StoredChecklist,
};

/// What the UI asks for.
#[derive(Debug, Clone)]
pub enum Request {
    /// Reload the case list.
    ListCases,
    /// Load one case with its documents.
    LoadCase(i64),
    /// Full-text search: which cases match, and in how many places.
    Search(String),
    /// The matches of a search in one case, with snippets.
    SearchInCase {
        /// The query.
        query: String,
        /// The case.
        case_id: i64,
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
    SaveOcrScope(crate::jobs::ocr::OcrScope),
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
        change: crate::jobs::facts::FactChange,
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
        key: i64,
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
        source: crate::jobs::reports::SheetSource,
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
    OpenFailed(String),
    /// Every current case.
    Cases(Arc<Vec<CaseRow>>),
    /// The reviewer's 评查状态 by case number (cases not listed are 未评).
    ReviewStates(Arc<HashMap<String, crate::domain::ReviewState>>),
    /// The automatic checks' finding counts of every current case, by case id.
    FindingCounts(Arc<HashMap<i64, FindingCount>>),
    /// One case's count changed (after a decision on one of its findings).
    FindingCountOf(i64, FindingCount),
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
        case_id: i64,
        /// Matches with snippets.
        hits: Vec<SearchHit>,
    },
    /// Import progress.
    ImportProgress(ImportProgress),
    /// An import finished.
    ImportDone(ImportReport),
    /// Something failed; the message is for the user.
    Error(String),
    /// Something worth telling the user that went well.
    Info(String),
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
    OcrScope(crate::jobs::ocr::OcrScope),
    /// The project's automatic acceptance threshold.
    AutoAccept(Option<f32>),
    /// The facts proposed for a case (its number) from its scanned pages.
    Facts(String, Box<crate::jobs::facts::CaseProposals>),
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

/// Cases checked between two looks at the request queue.
const COUNT_CHUNK: usize = 100;

/// Writes the demo's packages into `dir` unless they are there already (the registry is
/// written last, so its presence means a complete set).
fn write_demo_packages(dir: &Path, send: &impl Fn(Response)) -> Result<(), crate::sample::SampleError> {
    if dir.join(crate::sample::REGISTRY_FILE).is_file() {
        return Ok(());
    }
    send(Response::Info(format!(
        "正在生成示例案卷（{} 件虚构案卷）…",
        crate::sample::DEMO.cases
    )));
    crate::sample::write_samples(dir, crate::sample::DEMO, &mut |_, _| {}).map(|_| ())
}

/// The UI's handle on the backend thread.
pub struct Backend {
    requests: Sender<Request>,
    responses: Receiver<Response>,
    cancel_import: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Backend {
    /// Starts the backend for a project folder. With `demo_packages`, a project that has no
    /// cases yet is first filled with the demo: the sample generator writes its packages into
    /// that folder (unless a previous start left them complete) and they are imported.
    pub fn start(dir: PathBuf, demo_packages: Option<PathBuf>, wake: impl Fn() + Send + 'static) -> Self {
        let (req_tx, req_rx) = channel::<Request>();
        let (resp_tx, resp_rx) = channel::<Response>();
        let cancel = Arc::new(AtomicBool::new(false));
        let cancel_flag = Arc::clone(&cancel);
        let spawned = std::thread::Builder::new()
            .name("pingcha-project".into())
            .spawn(move || {
                let send = |r: Response| {
                    let _ = resp_tx.send(r);
                    wake();
                };
                let mut project = match Project::create_or_open(&dir) {
                    Ok(p) => p,
                    Err(e) => {
                        send(Response::OpenFailed(format!("无法打开项目 {}：{e}", dir.display())));
                        return;
                    }
                };
                let addressee = match crate::review::campaign::workspace(&project) {
                    Ok(ws) => ws.map(|w| (w.reviewer_name, w.reviewer_unit)),
                    Err(e) => {
                        send(Response::OpenFailed(format!(
                            "无法读取评查包工作区 {}：{e}",
                            dir.display()
                        )));
                        return;
                    }
                };
                send(Response::Opened {
                    name: project.name(),
                    dir: dir.clone(),
                    addressee,
                });
                if let Err(e) = prepare_project(&mut project) {
                    send(Response::Error(format!("无法准备评查标准和问题库：{e:#}")));
                }
                send_library(&project, &send);
                send_checklists(&project, &send);
                let mut rules = load_rules(&project, &send);
                send(Response::ImportLimits(Box::new(import_limits(&project))));
                send(Response::OcrScope(crate::jobs::ocr::ocr_scope(&project)));
                send(Response::AutoAccept(auto_accept_setting(&project)));
                let mut reviewer: Option<Reviewer> = None;
                if let Some(packages) = demo_packages
                    && project.case_count().unwrap_or(0) == 0
                {
                    match write_demo_packages(&packages, &send) {
                        Ok(()) => run_import_request(&mut project, vec![packages], &cancel_flag, &send),
                        Err(e) => send(Response::Error(format!(
                            "无法生成示例案卷（{}）：{e}",
                            packages.display()
                        ))),
                    }
                }
                // After every list, the automatic checks of all cases are counted in chunks,
                // between requests, so the list shows at once and the counts follow.
                // Findings are cached per case revision and rules context: reopening a project
                // counts from the cache and runs the rules only on what changed.
                let mut counting: Option<Counting> = None;
                let start_counting = |project: &Project,
                                      rules: &ProjectRules,
                                      counting: &mut Option<Counting>,
                                      reviewer: Option<&Reviewer>| {
                    let response = list(project);
                    send_review_states(project, reviewer, &send);
                    if let Response::Cases(rows) = &response {
                        let key = rules.cache_key();
                        let cached = project.cached_findings(&key).unwrap_or_else(|e| {
                            send(Response::Error(format!("无法读取自动检查缓存，将重新检查：{e}")));
                            HashMap::new()
                        });
                        *counting = Some(Counting {
                            ids: rows.iter().map(|r| r.id).collect(),
                            next: 0,
                            counts: HashMap::new(),
                            cached,
                            key,
                        });
                    }
                    send(response);
                };
                start_counting(&project, &rules, &mut counting, reviewer.as_ref());
                loop {
                    let request = if counting.is_some() {
                        match req_rx.try_recv() {
                            Ok(r) => Some(r),
                            Err(std::sync::mpsc::TryRecvError::Empty) => None,
                            Err(std::sync::mpsc::TryRecvError::Disconnected) => return,
                        }
                    } else {
                        match req_rx.recv() {
                            Ok(r) => Some(r),
                            Err(_) => return,
                        }
                    };
                    let Some(request) = request else {
                        if let Some(c) = &mut counting {
                            let end = (c.next + COUNT_CHUNK).min(c.ids.len());
                            let mut fresh = Vec::new();
                            for id in &c.ids[c.next..end] {
                                let findings = match c.cached.remove(id) {
                                    Some(f) => f,
                                    None => {
                                        let Ok(stored) = project.load_case(*id) else { continue };
                                        let f: Vec<CachedFinding> =
                                            rules.check(&stored.case).iter().map(to_cached).collect();
                                        fresh.push((*id, f.clone()));
                                        f
                                    }
                                };
                                c.counts
                                    .insert(*id, count_findings(&project, *id, &findings, reviewer.as_ref()));
                            }
                            if let Err(e) = project.cache_findings(&c.key, &fresh) {
                                send(Response::Error(format!("无法保存自动检查缓存：{e}")));
                            }
                            c.next = end;
                            if end >= c.ids.len() {
                                let counts = counting.take().map(|c| c.counts).unwrap_or_default();
                                send(Response::FindingCounts(Arc::new(counts)));
                            }
                        }
                        continue;
                    };
                    match request {
                        Request::ListCases => start_counting(&project, &rules, &mut counting, reviewer.as_ref()),
                        Request::LoadCase(id) => send(match project.load_case(id) {
                            Ok(case) => {
                                let findings = rules.check(&case.case);
                                Response::Case(Box::new(case), findings)
                            }
                            Err(e) => Response::Error(format!("无法读取案卷：{e}")),
                        }),
                        Request::Search(query) => send(match project.search_cases(&query) {
                            Ok(summary) => Response::SearchHits { query, summary },
                            Err(e) => Response::Error(format!("检索失败：{e}")),
                        }),
                        Request::SearchInCase { query, case_id } => {
                            send(match project.search_in_case(&query, case_id) {
                                Ok(hits) => Response::CaseHits { query, case_id, hits },
                                Err(e) => Response::Error(format!("检索失败：{e}")),
                            })
                        }
                        Request::Import(paths) => {
                            cancel_flag.store(false, Ordering::Relaxed);
                            run_import_request(&mut project, paths, &cancel_flag, &send);
                            // A registry may have come with the import.
                            rules = load_rules(&project, &send);
                            start_counting(&project, &rules, &mut counting, reviewer.as_ref());
                        }
                        Request::SaveRuleSettings(settings) => {
                            match project.set_setting(RULE_SETTINGS_KEY, &*settings) {
                                Ok(()) => send(Response::Info("已保存自动检查设置，正在重新检查".into())),
                                Err(e) => send(Response::Error(format!("未能保存设置：{e}"))),
                            }
                            rules = load_rules(&project, &send);
                            start_counting(&project, &rules, &mut counting, reviewer.as_ref());
                        }
                        Request::OfficialSettings => send_official(&project, &send),
                        Request::SaveOfficialSettings(settings) => {
                            match project.set_setting(crate::jobs::reports::OFFICIAL_KEY, &*settings) {
                                Ok(()) => send(Response::Info("已保存公文设置，下次生成起生效".into())),
                                Err(e) => send(Response::Error(format!("未能保存公文设置：{e}"))),
                            }
                            send_official(&project, &send);
                        }
                        Request::OcrPage { sha256, page } => match project.ocr_page(&sha256, page) {
                            Ok(stored) => send(Response::OcrPage {
                                sha256,
                                page,
                                stored: stored.map(Box::new),
                            }),
                            Err(e) => send(Response::Error(format!("识别文字无法读取：{e}"))),
                        },
                        Request::Facts(number) => match crate::jobs::facts::case_proposals(&project, &number) {
                            Ok(proposals) => send(Response::Facts(number, Box::new(proposals))),
                            Err(e) => send(Response::Error(format!("无法读出扫描件中的事实：{e}"))),
                        },
                        Request::EditFacts { number, change } => {
                            let Some(r) = reviewer.as_ref() else {
                                send(Response::Error("请先选择评查员：修改案卷事实要记入修改记录".into()));
                                continue;
                            };
                            match crate::jobs::facts::apply_change(&mut project, &number, r.id, &change) {
                                Ok(0) => send(Response::Info("事实未变".into())),
                                Ok(n) => send(Response::Info(format!(
                                    "已修改 {n} 项案卷事实，自动检查已按修改后的事实重新进行"
                                ))),
                                Err(e) => send(Response::Error(format!("未能修改案卷事实：{e}"))),
                            }
                            if let Ok(stored) = project.load_case_by_number(&number) {
                                let findings = rules.check(&stored.case);
                                let cached: Vec<CachedFinding> = findings.iter().map(to_cached).collect();
                                let count = count_findings(&project, stored.row.id, &cached, reviewer.as_ref());
                                send(Response::FindingCountOf(stored.row.id, count));
                                send(Response::Case(Box::new(stored), findings));
                            }
                            match crate::jobs::facts::case_proposals(&project, &number) {
                                Ok(proposals) => send(Response::Facts(number, Box::new(proposals))),
                                Err(e) => send(Response::Error(format!("无法读出扫描件中的事实：{e}"))),
                            }
                            send(list(&project));
                        }
                        Request::SaveAutoAccept(threshold) => {
                            match project.set_setting(crate::jobs::facts::AUTO_ACCEPT_KEY, &threshold) {
                                Ok(()) => send(Response::Info(match threshold {
                                    Some(t) => {
                                        format!("识别后自动采纳：置信度不低于 {t:.2} 且无疑问的事实（仅空白项）")
                                    }
                                    None => "识别后自动采纳：关闭".into(),
                                })),
                                Err(e) => send(Response::Error(format!("未能保存自动采纳设置：{e}"))),
                            }
                            send(Response::AutoAccept(auto_accept_setting(&project)));
                        }
                        Request::SaveOcrScope(scope) => {
                            match project.set_setting(crate::jobs::ocr::OCR_SETTING_KEY, &scope) {
                                Ok(()) => send(Response::Info(format!("导入时文字识别：{}", scope.label()))),
                                Err(e) => send(Response::Error(format!("未能保存文字识别设置：{e}"))),
                            }
                            send(Response::OcrScope(crate::jobs::ocr::ocr_scope(&project)));
                        }
                        Request::SaveImportLimits(limits) => {
                            match project.set_setting(IMPORT_LIMITS_KEY, &*limits) {
                                Ok(()) => send(Response::Info("已保存导入限制，下次导入起生效".into())),
                                Err(e) => send(Response::Error(format!("未能保存导入限制：{e}"))),
                            }
                            send(Response::ImportLimits(Box::new(import_limits(&project))));
                        }
                        Request::AddCalendarYear(path) => {
                            match crate::jobs::checks::add_calendar_year(&project, &path) {
                                Ok(year) => send(Response::Info(format!("已加入 {year} 年节假日安排"))),
                                Err(e) => send(Response::Error(format!("{e:#}"))),
                            }
                            rules = load_rules(&project, &send);
                            start_counting(&project, &rules, &mut counting, reviewer.as_ref());
                        }
                        Request::RemoveCalendarYear(year) => {
                            let mut added: std::collections::BTreeMap<String, String> =
                                project.setting(CALENDAR_YEARS_KEY).ok().flatten().unwrap_or_default();
                            added.remove(&year.to_string());
                            if let Err(e) = project.set_setting(CALENDAR_YEARS_KEY, &added) {
                                send(Response::Error(format!("未能删除：{e}")));
                            }
                            rules = load_rules(&project, &send);
                            start_counting(&project, &rules, &mut counting, reviewer.as_ref());
                        }
                        Request::SetReviewer { name, unit } => {
                            match crate::review::campaign::check_scorer(&project, &name, Some(&unit))
                                .map_err(anyhow::Error::from)
                                .and_then(|()| Ok(project.reviewer(&name, &unit)?))
                            {
                                Ok(r) => {
                                    reviewer = Some(r.clone());
                                    send(Response::Reviewer(r));
                                    // Open findings are per reviewer: count again.
                                    start_counting(&project, &rules, &mut counting, reviewer.as_ref());
                                }
                                Err(e) => send(Response::Error(format!("无法登记评查员：{e}"))),
                            }
                        }
                        Request::DecideFinding { ref key, .. } | Request::WithdrawFinding { ref key, .. } => {
                            let number = key.case_number.clone();
                            scoring_request(&mut project, reviewer.as_ref(), request, &send);
                            if let Ok(stored) = project.load_case_by_number(&number) {
                                let findings: Vec<CachedFinding> =
                                    rules.check(&stored.case).iter().map(to_cached).collect();
                                let count = count_findings(&project, stored.row.id, &findings, reviewer.as_ref());
                                send(Response::FindingCountOf(stored.row.id, count));
                            }
                        }
                        Request::Campaign(request) => {
                            if campaign_request(&mut project, reviewer.as_ref(), request, &send) {
                                start_counting(&project, &rules, &mut counting, reviewer.as_ref());
                            }
                        }
                        Request::Report(request) => report_request(&project, request, &send),
                        Request::Rectify(request) => rectify_request(&mut project, reviewer.as_ref(), request, &send),
                        Request::OpenKit { kit, workspace } => {
                            match crate::review::campaign::open_kit(&kit, &workspace) {
                                Ok(summary) => send(Response::KitOpened {
                                    workspace,
                                    summary: summary.0,
                                }),
                                Err(e) => send(Response::Error(format!("未能打开评查包：{e}"))),
                            }
                        }
                        Request::ExportReturn(path) => {
                            match crate::review::campaign::export_return(project.dir(), &path) {
                                Ok(summary) => send(Response::Info(summary.0)),
                                Err(e) => send(Response::Error(format!("未能导出回收包：{e}"))),
                            }
                        }
                        // Listed, not a catch-all: a new request must be routed somewhere.
                        other @ (Request::LoadScoring { .. }
                        | Request::Mark { .. }
                        | Request::SetReviewed { .. }
                        | Request::Audit(_)
                        | Request::AddLibraryEntry(_)
                        | Request::SaveChecklist(_)
                        | Request::ImportChecklist(_)
                        | Request::ReadChecklistTable(_)
                        | Request::ExportChecklist { .. }) => {
                            scoring_request(&mut project, reviewer.as_ref(), other, &send);
                        }
                    }
                }
            });
        match spawned {
            Err(e) => {
                let (tx, rx) = channel();
                let _ = tx.send(Response::OpenFailed(format!("无法启动后台线程：{e}")));
                Self {
                    requests: channel().0,
                    responses: rx,
                    cancel_import: cancel,
                    thread: None,
                }
            }
            Ok(thread) => Self {
                requests: req_tx,
                responses: resp_rx,
                cancel_import: cancel,
                thread: Some(thread),
            },
        }
    }

    /// Lets the backend save what was sent and stop (the window is closing): a running import
    /// stops after its current item, requests already sent are carried out. Waits at most
    /// `within`; returns whether the backend finished.
    pub fn finish(&mut self, within: std::time::Duration) -> bool {
        self.cancel_import.store(true, Ordering::Relaxed);
        // Dropping the sender ends the backend's loop once the queue is empty.
        self.requests = channel().0;
        let Some(thread) = self.thread.take() else {
            return true;
        };
        let start = std::time::Instant::now();
        while !thread.is_finished() {
            if start.elapsed() > within {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        thread.join().is_ok()
    }

    /// Sends a request; a backend that is gone is reported by the next `poll`.
    pub fn send(&self, request: Request) {
        let _ = self.requests.send(request);
    }

    /// Takes at most `budget` answers (a per-frame budget keeps frames short).
    pub fn poll(&self, budget: usize) -> Vec<Response> {
        let mut out = Vec::new();
        while out.len() < budget {
            match self.responses.try_recv() {
                Ok(r) => out.push(r),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        out
    }

    /// Asks a running import to stop after the current item.
    pub fn cancel_import(&self) {
        self.cancel_import.store(true, Ordering::Relaxed);
    }
}

/// A case's finding counts; open ones exclude those the reviewer has decided.
/// A running count of the automatic checks over the listed cases.
struct Counting {
    ids: Vec<i64>,
    next: usize,
    counts: HashMap<i64, FindingCount>,
    cached: HashMap<i64, Vec<CachedFinding>>,
    key: String,
}

/// Counts a case's findings against the reviewer's decisions.
fn count_findings(project: &Project, id: i64, findings: &[CachedFinding], reviewer: Option<&Reviewer>) -> FindingCount {
    let serious: Vec<&CachedFinding> = findings.iter().filter(|f| f.severity != "notice").collect();
    let decided: Vec<FindingDecision> = match (reviewer, serious.is_empty()) {
        (Some(r), false) => project
            .case_number(id)
            .ok()
            .flatten()
            .and_then(|number| project.finding_decisions(&number, r.id).ok())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let decided_count = serious
        .iter()
        .filter(|f| decided.iter().any(|d| d.rule == f.rule && d.message == f.message))
        .count();
    FindingCount {
        serious: serious.len() - decided_count,
        decided: decided_count,
        notices: findings.len() - serious.len(),
    }
}

/// The project's import limits (defaults where none are stored).
fn import_limits(project: &Project) -> ImportLimits {
    project.setting(IMPORT_LIMITS_KEY).ok().flatten().unwrap_or_default()
}

fn load_rules(project: &Project, send: &dyn Fn(Response)) -> ProjectRules {
    match ProjectRules::load(project) {
        Ok(rules) => {
            send(Response::RuleSettings {
                settings: Box::new(rules.settings.clone()),
                years: rules.calendar.years().map(|y| (y.year, y.source.clone())).collect(),
                added_years: rules.added_years.iter().map(|(y, _)| *y).collect(),
            });
            rules
        }
        Err(e) => {
            send(Response::Error(format!("无法读取自动检查设置，已使用默认设置：{e:#}")));
            ProjectRules::default()
        }
    }
}

fn send_library(project: &Project, send: &dyn Fn(Response)) {
    match project.library() {
        Ok(entries) => send(Response::Library(Arc::new(entries))),
        Err(e) => send(Response::Error(format!("无法读取问题库：{e}"))),
    }
}

fn send_checklists(project: &Project, send: &dyn Fn(Response)) {
    match project.checklists() {
        Ok(all) => send(Response::Checklists(Arc::new(all))),
        Err(e) => send(Response::Error(format!("无法读取评查标准：{e}"))),
    }
}

fn send_scoring(project: &Project, reviewer: Option<&Reviewer>, case_number: &str, seq: u64, send: &dyn Fn(Response)) {
    let Some(reviewer) = reviewer else { return };
    let result = project
        .load_case_by_number(case_number)
        .map_err(anyhow::Error::from)
        .and_then(|stored| case_scorings(project, &stored.case, reviewer.id))
        .and_then(|scorings| Ok((scorings, project.finding_decisions(case_number, reviewer.id)?)));
    match result {
        Ok((scorings, decisions)) => send(Response::Scoring {
            case_number: case_number.to_string(),
            scorings,
            decisions,
            seq,
        }),
        Err(e) => send(Response::Error(format!("无法读取评分：{e:#}"))),
    }
}

/// Requests about scoring, the finding library and checklists.
fn scoring_request(project: &mut Project, reviewer: Option<&Reviewer>, request: Request, send: &dyn Fn(Response)) {
    // The first mark on a checklist version freezes it: the editor must learn that.
    let touched = match &request {
        Request::Mark { key, .. }
        | Request::SetReviewed { key, .. }
        | Request::DecideFinding { key, .. }
        | Request::WithdrawFinding { key, .. } => project
            .checklist(key.checklist)
            .ok()
            .filter(|c| !c.frozen)
            .map(|c| c.key),
        _ => None,
    };
    let states_change = matches!(
        &request,
        Request::Mark { .. }
            | Request::SetReviewed { .. }
            | Request::DecideFinding { .. }
            | Request::WithdrawFinding { .. }
    );
    scoring_request_inner(project, reviewer, request, send);
    if states_change {
        send_review_states(project, reviewer, send);
    }
    if let Some(key) = touched
        && project.checklist(key).is_ok_and(|c| c.frozen)
    {
        send_checklists(project, send);
    }
}

fn scoring_request_inner(
    project: &mut Project,
    reviewer: Option<&Reviewer>,
    request: Request,
    send: &dyn Fn(Response),
) {
    match request {
        Request::LoadScoring { case_number, seq } => send_scoring(project, reviewer, &case_number, seq, send),
        Request::Mark {
            key,
            item,
            mark,
            action,
            note,
            seq,
        } => {
            if let Err(e) = apply_mark(project, &key, &item, mark, action, &note) {
                send(Response::Error(format!("评分未保存：{e:#}")));
            }
            send_scoring(project, reviewer, &key.case_number, seq, send);
        }
        Request::SetReviewed { key, done, seq } => {
            if let Err(e) = project.set_reviewed(&key, done) {
                send(Response::Error(format!("未能保存评查状态：{e}")));
            }
            send_scoring(project, reviewer, &key.case_number, seq, send);
        }
        Request::DecideFinding {
            key,
            decision,
            mark,
            seq,
        } => {
            let saved = match (&mark, &decision.item) {
                (Some(m), Some(item)) => {
                    apply_mark(project, &key, item, Some(m.clone()), AuditAction::Mark, &m.reason).map(|_| ())
                }
                _ => Ok(()),
            }
            .and_then(|()| Ok(project.decide_finding(&key, &decision)?));
            if let Err(e) = saved {
                send(Response::Error(format!("未能保存对自动检查问题的处理：{e:#}")));
            }
            send_scoring(project, reviewer, &key.case_number, seq, send);
        }
        Request::WithdrawFinding {
            key,
            decision,
            mark,
            seq,
        } => {
            let saved = match &decision.item {
                Some(item) => apply_mark(project, &key, item, mark, AuditAction::Undo, "").map(|_| ()),
                None => Ok(()),
            }
            .and_then(|()| Ok(project.withdraw_finding_decision(&key, &decision)?));
            if let Err(e) = saved {
                send(Response::Error(format!("未能撤销对自动检查问题的处理：{e:#}")));
            }
            send_scoring(project, reviewer, &key.case_number, seq, send);
        }
        Request::Audit(case_number) => match project.audit(&case_number) {
            Ok(entries) => send(Response::Audit { case_number, entries }),
            Err(e) => send(Response::Error(format!("无法读取修改记录：{e}"))),
        },
        Request::AddLibraryEntry(entry) => {
            let Some(reviewer) = reviewer else {
                send(Response::Error("请先设置评查员".into()));
                return;
            };
            match project.add_library_entry(reviewer.id, &entry) {
                Ok(saved) => {
                    send(Response::Info(format!(
                        "已存入问题库：{} {}",
                        saved.code, saved.wording
                    )));
                    send_library(project, send);
                }
                Err(e) => send(Response::Error(format!("未能存入问题库：{e}"))),
            }
        }
        Request::SaveChecklist(checklist) => {
            save_checklist(project, &checklist, send);
        }
        Request::ImportChecklist(path) => {
            let codes: Vec<String> = project
                .library()
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.code)
                .collect();
            match crate::jobs::review::read_checklist_file(&path, &codes) {
                Ok(checklist) => save_checklist(project, &checklist, send),
                Err(e) => send(Response::Error(format!("{e:#}"))),
            }
        }
        Request::ReadChecklistTable(path) => {
            match crate::jobs::review::read_checklist_tables(&path, &import_limits(project)) {
                Ok(tables) => send(Response::ChecklistTables {
                    path,
                    tables: Arc::new(tables),
                }),
                Err(e) => send(Response::Error(format!("评查标准表格未能读取：{e:#}"))),
            }
        }
        Request::ExportChecklist { key, path } => {
            let result = project.checklist(key).map_err(anyhow::Error::from).and_then(|stored| {
                let is_xlsx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
                let bytes = if is_xlsx {
                    crate::report::xlsx::checklist_xlsx(&stored.checklist)?
                } else {
                    crate::scoring::format::to_toml(&stored.checklist).into_bytes()
                };
                crate::places::write_atomically(&path, &bytes)
                    .map_err(|e| anyhow::anyhow!("{}：{}", path.display(), crate::places::io_message(&e)))
            });
            match result {
                Ok(()) => send(Response::Info(format!("已导出到 {}", path.display()))),
                Err(e) => send(Response::Error(format!("导出失败：{e:#}"))),
            }
        }
        Request::ListCases
        | Request::LoadCase(_)
        | Request::Search(_)
        | Request::SearchInCase { .. }
        | Request::Import(_)
        | Request::OcrPage { .. }
        | Request::SaveOcrScope(_)
        | Request::SaveAutoAccept(_)
        | Request::Facts(_)
        | Request::EditFacts { .. }
        | Request::SetReviewer { .. }
        | Request::SaveRuleSettings(_)
        | Request::SaveImportLimits(_)
        | Request::OfficialSettings
        | Request::SaveOfficialSettings(_)
        | Request::AddCalendarYear(_)
        | Request::RemoveCalendarYear(_)
        | Request::Campaign(_)
        | Request::Report(_)
        | Request::Rectify(_)
        | Request::ExportReturn(_)
        | Request::OpenKit { .. } => {}
    }
}

/// The project's automatic acceptance threshold (`None` when off or unreadable).
fn auto_accept_setting(project: &Project) -> Option<f32> {
    project
        .setting::<Option<f32>>(crate::jobs::facts::AUTO_ACCEPT_KEY)
        .ok()
        .flatten()
        .flatten()
}

/// The 公文 settings and the fonts of each role (font discovery reads the system's font
/// folders: here, never on the UI thread).
fn send_official(project: &Project, send: &dyn Fn(Response)) {
    match crate::jobs::reports::official_settings(project) {
        Ok(settings) => send(Response::Official {
            settings: Box::new(settings),
            fonts: crate::report::fonts::FontSet::installed()
                .choices
                .iter()
                .map(crate::report::fonts::FontChoice::describe)
                .collect(),
        }),
        Err(e) => send(Response::Error(format!("公文设置无法读取：{e:#}"))),
    }
}

/// Rectification work; every change answers with the full list again.
fn rectify_request(
    project: &mut Project,
    reviewer: Option<&Reviewer>,
    request: RectifyRequest,
    send: &dyn Fn(Response),
) {
    use crate::jobs::rectify as r;
    let write_pdf = |document: &crate::report::Document, path: &std::path::Path| {
        crate::jobs::reports::write_pdf(document, path).map(|r| r.pages)
    };
    let result: anyhow::Result<()> = (|| {
        let who = || reviewer.ok_or_else(|| anyhow::anyhow!("请先选择评查员身份（登记人）"));
        match request {
            RectifyRequest::List => {}
            RectifyRequest::Issue {
                unit,
                campaign,
                date,
                due,
                number,
                path,
            } => {
                let by = who()?;
                let issued = r::issue(
                    project,
                    &r::IssueRequest {
                        unit: &unit,
                        campaign: campaign.as_deref(),
                        date,
                        due,
                        number: Some(number),
                    },
                    by,
                )?;
                let pages = write_pdf(&issued.document, &path)?;
                send(Response::Info(format!(
                    "已印发 {}：{} 个问题登记为整改跟踪项，{} 前整改",
                    issued.number,
                    issued.problems,
                    issued.due.format("%Y-%m-%d")
                )));
                send(Response::ReportReady {
                    path,
                    pages: Some(pages),
                });
            }
            RectifyRequest::Answer {
                item,
                date,
                text,
                files,
            } => {
                let by = who()?;
                r::check_files(&files)?;
                let stored = r::store_attachments(project, &files)?;
                project.record_answer(item, date, &text, &stored, by.id, &by.name)?;
                send(Response::Info(format!("已登记整改回复（附件 {} 个）", stored.len())));
            }
            RectifyRequest::Verify {
                item,
                outcome,
                reason,
                date,
                new_due,
            } => {
                let by = who()?;
                project.record_verification(item, outcome, &reason, date, new_due, by.id, &by.name)?;
                send(Response::Info(format!(
                    "已登记核查结果：{}",
                    crate::domain::CodeEnum::label(outcome)
                )));
            }
            RectifyRequest::Summary { today, path } => {
                let document = r::summary_document(project, today)?;
                let pages = write_pdf(&document, &path)?;
                send(Response::ReportReady {
                    path,
                    pages: Some(pages),
                });
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        send(Response::Error(format!("整改跟踪：{e:#}")));
    }
    match project.rectify_items() {
        Ok(items) => send(Response::Rectify {
            items: Arc::new(items),
            today: crate::jobs::rectify::today(),
        }),
        Err(e) => send(Response::Error(format!("整改跟踪项无法读取：{e}"))),
    }
}

/// Renders a report and writes it.
fn report_request(project: &Project, request: ReportRequest, send: &dyn Fn(Response)) {
    use crate::jobs::reports as r;
    let result: anyhow::Result<(PathBuf, Option<u32>)> = (|| {
        let (path, document) = match request {
            ReportRequest::ScoreSheet {
                case,
                source,
                unmasked,
                path,
            } => (path, r::score_sheet_document(project, &case, &source, unmasked, None)?),
            ReportRequest::Notice { unit, campaign, path } => (
                path,
                r::notice_document(
                    project,
                    &unit,
                    campaign.as_deref(),
                    None,
                    crate::jobs::rectify::DEFAULT_REPLY_DAYS,
                )?,
            ),
            ReportRequest::Campaign {
                campaign,
                internal,
                number,
                path,
            } => (
                path,
                r::campaign_report_document(
                    project,
                    &campaign,
                    None,
                    crate::jobs::rectify::DEFAULT_REPLY_DAYS,
                    internal,
                    Some(number.as_str()),
                )?,
            ),
            ReportRequest::Xlsx { campaign, path } => {
                let bytes = r::export_xlsx(project, campaign.as_deref())?;
                crate::places::write_atomically(&path, &bytes)
                    .map_err(|e| anyhow::anyhow!("{}：{}", path.display(), crate::places::io_message(&e)))?;
                return Ok((path, None));
            }
        };
        let rendered = r::write_pdf(&document, &path)?;
        Ok((path, Some(rendered.pages)))
    })();
    match result {
        Ok((path, pages)) => send(Response::ReportReady { path, pages }),
        Err(e) => send(Response::Error(format!("未能生成：{e:#}"))),
    }
}

fn send_campaigns(project: &Project, send: &dyn Fn(Response)) {
    let list = project.campaigns().and_then(|all| {
        all.into_iter()
            .map(|c| {
                let reviewers = project.campaign_reviewers(c.id)?;
                Ok((c, reviewers))
            })
            .collect::<Result<Vec<_>, _>>()
    });
    match list {
        Ok(list) => send(Response::Campaign(CampaignResponse::List(list))),
        Err(e) => send(Response::Error(format!("无法读取评查活动：{e}"))),
    }
}

fn send_comparisons(project: &Project, campaign: &str, send: &dyn Fn(Response)) {
    use crate::review::campaign::{compare_all, stats_of};
    match compare_all(project, campaign) {
        Ok(cases) => {
            let stats = Some(Box::new(stats_of(&cases)));
            send(Response::Campaign(CampaignResponse::Compared {
                campaign: campaign.to_string(),
                cases,
                stats,
            }));
        }
        Err(e) => send(Response::Error(format!("无法比较评分：{e}"))),
    }
}

/// Requests of the campaign window.
/// Answers a campaign request; returns whether the project's current cases changed.
fn campaign_request(
    project: &mut Project,
    reviewer: Option<&Reviewer>,
    request: CampaignRequest,
    send: &dyn Fn(Response),
) -> bool {
    use crate::review::campaign as c;
    let mut cases_changed = false;
    let fail = |what: &str, e: &dyn std::fmt::Display| send(Response::Error(format!("{what}：{e}")));
    match request {
        CampaignRequest::List => send_campaigns(project, send),
        CampaignRequest::Progress(campaign) => {
            match project
                .campaign(&campaign)
                .and_then(|info| project.campaign_progress(info.id))
            {
                Ok((scored, drawn)) => send(Response::Campaign(CampaignResponse::Progress {
                    campaign,
                    scored,
                    drawn,
                })),
                Err(e) => fail("无法读取评查进度", &e),
            }
        }
        CampaignRequest::Create { name, year, config } => {
            match c::create_campaign(project, &name, year, *config) {
                Ok(info) => send(Response::Info(format!(
                    "已建立评查活动“{}”：抽取 {} 件案卷",
                    info.name,
                    info.cases.len()
                ))),
                Err(e) => fail("未能建立评查活动", &e),
            }
            send_campaigns(project, send);
        }
        CampaignRequest::AddReviewer {
            campaign,
            name,
            unit,
            lead,
            team,
            public_key,
        } => {
            if let Err(e) = c::add_reviewer(project, &campaign, &name, &unit, lead, &team, public_key.as_deref()) {
                fail("未能登记评查员", &e);
            }
            send_campaigns(project, send);
        }
        CampaignRequest::Assign { campaign, apply } => {
            let result = if apply {
                c::apply_assignment(project, &campaign).and_then(|_| c::preview_assignment(project, &campaign))
            } else {
                c::preview_assignment(project, &campaign)
            };
            match result {
                Ok((input, plan)) => send(Response::Campaign(CampaignResponse::Preview {
                    campaign: campaign.clone(),
                    lines: plan.explain(&input),
                    applied: apply,
                })),
                Err(e) => fail("无法分配", &e),
            }
            if apply {
                send_comparisons(project, &campaign, send);
            }
        }
        CampaignRequest::Compare(campaign) => send_comparisons(project, &campaign, send),
        CampaignRequest::Consensus {
            campaign,
            case,
            item,
            mark,
            reason,
        } => {
            let Some(r) = reviewer else {
                send(Response::Error("请先设置评查员（记录人）".into()));
                return false;
            };
            match c::record_consensus(project, &campaign, &case, &item, mark, &reason, (&r.name, &r.unit)) {
                Ok(()) => send(Response::Info(format!("已记录合议：{case} {item}"))),
                Err(e) => fail("未能记录合议", &e),
            }
            send_comparisons(project, &campaign, send);
        }
        CampaignRequest::SignOff {
            campaign,
            case,
            lock,
            reason,
        } => {
            let Some(r) = reviewer else {
                send(Response::Error("请先设置评查员（复核人）".into()));
                return false;
            };
            match c::sign_off(project, &campaign, &case, lock, (&r.name, &r.unit), &reason) {
                Ok(done) => {
                    send(Response::Info(done.summary.0));
                    cases_changed = done.released.is_some();
                    send_review_states(project, reviewer, send);
                }
                Err(e) => fail("未能保存复核", &e),
            }
            send_comparisons(project, &campaign, send);
        }
        CampaignRequest::ExportKit {
            campaign,
            reviewer: name,
            path,
        } => {
            let organiser = reviewer.map_or("组织者".to_string(), |r| r.name.clone());
            match crate::jobs::reports::issue_kit(project, &campaign, &name, &organiser, false, &path) {
                Ok(summary) => send(Response::Info(summary.0)),
                Err(e) => send(Response::Error(format!("未能生成评查包：{e:#}"))),
            }
        }
        CampaignRequest::ImportReturn(path) => {
            match c::import_return(project, &path) {
                Ok((_, summary)) => send(Response::Info(summary.0)),
                Err(e) => send(Response::Error(e.to_string())),
            }
            send_campaigns(project, send);
        }
    };
    cases_changed
}

fn save_checklist(project: &mut Project, checklist: &Checklist, send: &dyn Fn(Response)) {
    match crate::jobs::review::save_checklist(project, checklist) {
        Ok((_, version)) => {
            send(Response::Info(format!(
                "已保存评查标准“{}”第{version}版",
                checklist.name
            )));
            send_checklists(project, send);
        }
        Err(e) => send(Response::Error(format!("{e:#}"))),
    }
}

/// The reviewer's 评查状态 of every case they touched (and every signed-off case).
fn send_review_states(project: &Project, reviewer: Option<&Reviewer>, send: &dyn Fn(Response)) {
    match project.review_states(reviewer.map(|r| r.id)) {
        Ok(states) => send(Response::ReviewStates(Arc::new(states))),
        Err(e) => send(Response::Error(format!("无法读取评查状态：{e}"))),
    }
}

fn list(project: &Project) -> Response {
    match project.list_cases() {
        Ok(rows) => Response::Cases(Arc::new(rows)),
        Err(e) => Response::Error(format!("无法读取案卷列表：{e}")),
    }
}

fn run_import_request(project: &mut Project, paths: Vec<PathBuf>, cancel: &AtomicBool, send: &dyn Fn(Response)) {
    let limits = import_limits(project);
    let items = plan_import(&paths);
    let mut last_sent = std::time::Instant::now() - std::time::Duration::from_secs(1);
    let report = run_import(project, &items, &limits, cancel, &mut |p| {
        // At most ~30 progress updates a second: enough for a smooth bar.
        if last_sent.elapsed().as_millis() >= 33 || p.done == 0 {
            send(Response::ImportProgress(p.clone()));
            last_sent = std::time::Instant::now();
        }
    });
    send(Response::ImportDone(report));
}
