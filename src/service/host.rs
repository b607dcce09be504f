//! The service threads behind the window: a front sends [`Request`]s and draws the
//! [`Response`]s it receives; it never waits.
//!
//! Two threads, each with its own [`Session`] (its own SQLite connection; WAL lets one read
//! while the other writes):
//! - the **project** thread answers what a user waits for — the case list, a case, a search,
//!   marks, settings — and, between requests, counts the automatic checks of every case in
//!   chunks;
//! - the **jobs** thread runs long work — imports, reports, kits and returns, campaign
//!   statistics — so a mark is saved and a search answered while an import runs. Imports,
//!   reports over many cases, kits and statistics tell their progress
//!   ([`Response::ImportProgress`], [`Response::JobProgress`]) and stop at the next case when
//!   [`Backend::cancel_job`] is called. When a job changes the project's cases, the project thread is told and
//!   lists and counts again.
//!
//! Owns: routing requests to the thread that runs them, and turning each [`Session`] result
//! into events. Must not touch: `egui`, `rfd`, SQL (all through [`Session`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use crate::progress::Control;
use crate::service::error::{Job, ServiceError};
use crate::service::protocol::{CampaignRequest, CampaignResponse, RectifyRequest, ReportRequest, Request, Response};
use crate::service::session::{ReportKind, ReportOptions, Session, Written};
use crate::store::{CachedFinding, CaseId, Reviewer};

/// Cases checked between two looks at the request queue.
const COUNT_CHUNK: usize = 100;

/// What the project thread receives.
enum ToProject {
    Request(Box<Request>),
    /// A job changed the project's cases (an import, a return): list and count again, with
    /// the rules read again (a registry may have come with an import).
    CasesChanged,
    Stop,
}

/// What the jobs thread receives.
enum ToJobs {
    Request(Box<Request>),
    /// The reviewer chosen on the project thread.
    Reviewer(Reviewer),
    /// Fill an empty project with the demo, its packages written into this folder.
    Demo(PathBuf),
    Stop,
}

/// A front's handle on the service threads.
pub struct Backend {
    project: Sender<ToProject>,
    jobs: Sender<ToJobs>,
    responses: Receiver<Response>,
    flags: Arc<JobFlags>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The running job's cancel, and whether the service is closing (then every job the jobs
/// thread starts is cancelled too).
#[derive(Default)]
struct JobFlags {
    cancel: AtomicBool,
    closing: AtomicBool,
}

impl Request {
    /// The job a request is, when it is long work (run on the jobs thread).
    pub fn long_job(&self) -> Option<Job> {
        let job = match self {
            Request::Import(_) => Job::Import,
            Request::Report(_) => Job::Report,
            Request::Rectify(RectifyRequest::Issue { .. } | RectifyRequest::Summary { .. }) => Job::Report,
            Request::Campaign(CampaignRequest::Compare(_)) => Job::Statistics,
            Request::Campaign(CampaignRequest::ExportKit { .. }) | Request::OpenKit { .. } => Job::Kit,
            Request::Campaign(CampaignRequest::ImportReturn(_)) | Request::ExportReturn(_) => Job::Return,
            _ => return None,
        };
        Some(job)
    }
}

impl Backend {
    /// Starts the service threads for a project folder. With `demo_packages`, a project that
    /// has no cases yet is first filled with the demo: the sample generator writes its
    /// packages into that folder (unless a previous start left them complete) and they are
    /// imported on the jobs thread.
    pub fn start(dir: PathBuf, demo_packages: Option<PathBuf>, wake: impl Fn() + Send + Sync + 'static) -> Self {
        let (project_tx, project_rx) = channel::<ToProject>();
        let (jobs_tx, jobs_rx) = channel::<ToJobs>();
        let (resp_tx, resp_rx) = channel::<Response>();
        let flags = Arc::new(JobFlags::default());
        let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(wake);
        let send: Sender2 = Sender2 { tx: resp_tx, wake };
        let threads = ThreadStart {
            dir,
            demo_packages,
            flags: Arc::clone(&flags),
            project_tx: project_tx.clone(),
            jobs_tx: jobs_tx.clone(),
        };
        let failed = send.clone();
        let spawned = std::thread::Builder::new()
            .name("pingcha-project".into())
            .spawn(move || project_thread(threads, project_rx, jobs_rx, &send));
        let thread = match spawned {
            Ok(t) => Some(t),
            Err(e) => {
                failed.send(Response::OpenFailed(ServiceError::new("无法启动后台线程", e)));
                None
            }
        };
        Self {
            project: project_tx,
            jobs: jobs_tx,
            responses: resp_rx,
            flags,
            thread,
        }
    }

    /// Lets the threads save what was sent and stop (the window is closing): a running long
    /// job stops after its current item, short requests already sent are carried out. Waits at
    /// most `within`; returns whether they finished.
    pub fn finish(&mut self, within: std::time::Duration) -> bool {
        self.flags.closing.store(true, Ordering::Relaxed);
        self.flags.cancel.store(true, Ordering::Relaxed);
        // Queued requests come before the stop: they are carried out.
        self.project.send(ToProject::Stop).ok(); // a stopped thread needs nothing more
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

    /// Sends a request to the thread that runs it. A service that is gone has already said so
    /// (`OpenFailed`), so a request it cannot take is dropped.
    pub fn send(&self, request: Request) {
        if let Some(job) = request.long_job() {
            log::info!("任务排队：{}", job.label());
            if self.jobs.send(ToJobs::Request(Box::new(request))).is_err() {
                log::error!("任务线程已结束，请求未能送达");
            }
        } else if self.project.send(ToProject::Request(Box::new(request))).is_err() {
            log::error!("项目线程已结束，请求未能送达");
        }
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

    /// Asks the running long job (an import, a report, a kit, statistics) to stop after its
    /// current item; it writes nothing more and answers `Failed` with a cancelled error (an
    /// import answers `ImportDone` with what it took). Jobs queued after it still run.
    pub fn cancel_job(&self) {
        log::info!("用户取消当前任务");
        self.flags.cancel.store(true, Ordering::Relaxed);
    }
}

/// The answer channel with the front's wake-up.
#[derive(Clone)]
struct Sender2 {
    tx: Sender<Response>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl Sender2 {
    fn send(&self, response: Response) {
        if let Response::Failed { job, error } = &response {
            log::warn!("{}失败：{}", job.label(), error.message);
        }
        // A front that is gone no longer reads: nothing to tell.
        if self.tx.send(response).is_ok() {
            (self.wake)();
        }
    }

    fn failed(&self, job: Job, error: ServiceError) {
        self.send(Response::Failed { job, error });
    }

    fn done(&self, job: Job, outcome: impl Into<String>) {
        self.send(Response::Done {
            job,
            outcome: outcome.into(),
        });
    }

    /// A written file: the PDF writer's warnings first (a notification naming the file),
    /// then the file.
    fn written(&self, written: Written) {
        if !written.warnings.is_empty() {
            self.done(
                Job::Report,
                format!(
                    "{} 已生成，排版时有 {} 条提示：{}",
                    written.path.display(),
                    written.warnings.len(),
                    written.warnings.join("；")
                ),
            );
        }
        self.send(Response::ReportReady {
            path: written.path,
            pages: written.pages,
        });
    }

    /// Sends the value, or the failure.
    fn result<T>(&self, job: Job, result: Result<T, ServiceError>, ok: impl FnOnce(T) -> Response) {
        match result {
            Ok(v) => self.send(ok(v)),
            Err(e) => self.failed(job, e),
        }
    }
}

struct ThreadStart {
    dir: PathBuf,
    demo_packages: Option<PathBuf>,
    flags: Arc<JobFlags>,
    project_tx: Sender<ToProject>,
    jobs_tx: Sender<ToJobs>,
}

/// A running count of the automatic checks over the listed cases.
struct Counting {
    ids: Vec<CaseId>,
    next: usize,
    counts: HashMap<CaseId, crate::service::protocol::FindingCount>,
    cached: HashMap<CaseId, Vec<CachedFinding>>,
}

fn project_thread(start: ThreadStart, requests: Receiver<ToProject>, jobs_rx: Receiver<ToJobs>, send: &Sender2) {
    let mut session = match Session::open(&start.dir) {
        Ok(s) => s,
        Err(e) => {
            send.send(Response::OpenFailed(e));
            return;
        }
    };
    let opened = match session.opened() {
        Ok(o) => o,
        Err(e) => {
            send.send(Response::OpenFailed(e));
            return;
        }
    };
    log::info!("打开项目 {}", opened.dir.display());
    send.send(Response::Opened {
        name: opened.name,
        dir: opened.dir,
        addressee: opened.addressee,
    });
    if let Err(e) = session.prepare() {
        send.failed(Job::Prepare, e);
    }
    // The jobs thread opens its own connection once the project exists and is migrated.
    let jobs_thread = {
        let dir = start.dir.clone();
        let flags = Arc::clone(&start.flags);
        let to_project = start.project_tx.clone();
        let send = send.clone();
        std::thread::Builder::new()
            .name("pingcha-jobs".into())
            .spawn(move || jobs_thread(&dir, jobs_rx, &flags, &to_project, &send))
    };
    let jobs_thread = match jobs_thread {
        Ok(t) => Some(t),
        Err(e) => {
            send.failed(Job::Import, ServiceError::new("无法启动后台任务线程", e));
            None
        }
    };
    send_library(&session, send);
    send_checklists(&session, send);
    load_rules(&mut session, send);
    send.send(Response::ImportLimits(Box::new(session.import_limits())));
    send.send(Response::OcrScope(session.ocr_scope()));
    send_auto_accept(&session, send);
    if let Some(packages) = start.demo_packages
        && session.project().case_count().unwrap_or(0) == 0
    {
        start.jobs_tx.send(ToJobs::Demo(packages)).ok(); // a stopped thread needs nothing more
    }
    let mut counting: Option<Counting> = None;
    start_counting(&session, &mut counting, send);
    loop {
        let message = if counting.is_some() {
            match requests.try_recv() {
                Ok(m) => Some(m),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => break,
            }
        } else {
            match requests.recv() {
                Ok(m) => Some(m),
                Err(_) => break,
            }
        };
        match message {
            None => count_chunk(&mut session, &mut counting, send),
            Some(ToProject::Stop) => break,
            Some(ToProject::CasesChanged) => {
                load_rules(&mut session, send);
                start_counting(&session, &mut counting, send);
            }
            Some(ToProject::Request(request)) => {
                let recount = project_request(&mut session, *request, &start.jobs_tx, send);
                if recount {
                    start_counting(&session, &mut counting, send);
                }
            }
        }
    }
    start.jobs_tx.send(ToJobs::Stop).ok(); // a stopped thread needs nothing more
    if let Some(t) = jobs_thread
        && t.join().is_err()
    {
        log::error!("后台任务线程异常结束");
    }
    log::info!("关闭项目 {}", start.dir.display());
}

/// After every list, the automatic checks of all cases are counted in chunks, between
/// requests, so the list shows at once and the counts follow. Findings are cached per case
/// revision and rules context: reopening a project counts from the cache and runs the rules
/// only on what changed.
fn start_counting(session: &Session, counting: &mut Option<Counting>, send: &Sender2) {
    send_review_states(session, send);
    match session.list_cases() {
        Ok(rows) => {
            let cached = session.cached_findings().unwrap_or_else(|e| {
                send.failed(Job::Cases, e);
                HashMap::new()
            });
            *counting = Some(Counting {
                ids: rows.iter().map(|r| r.id).collect(),
                next: 0,
                counts: HashMap::new(),
                cached,
            });
            send.send(Response::Cases(Arc::new(rows)));
        }
        Err(e) => send.failed(Job::Cases, e),
    }
}

fn count_chunk(session: &mut Session, counting: &mut Option<Counting>, send: &Sender2) {
    let Some(c) = counting else { return };
    let end = (c.next + COUNT_CHUNK).min(c.ids.len());
    let (counts, problems) = session.count_findings(&c.ids[c.next..end], &mut c.cached);
    for problem in problems {
        send.failed(Job::Cases, problem);
    }
    c.counts.extend(counts);
    c.next = end;
    if end >= c.ids.len() {
        let counts = counting.take().map(|c| c.counts).unwrap_or_default();
        send.send(Response::FindingCounts(Arc::new(counts)));
    }
}

fn load_rules(session: &mut Session, send: &Sender2) {
    if let Err(e) = session.load_rules() {
        send.failed(Job::Settings, e);
    }
    let view = session.rules_view();
    send.send(Response::RuleSettings {
        settings: Box::new(view.settings),
        years: view.years,
        added_years: view.added_years,
    });
}

fn send_library(session: &Session, send: &Sender2) {
    send.result(Job::Library, session.library(), |l| Response::Library(Arc::new(l)));
}

fn send_checklists(session: &Session, send: &Sender2) {
    send.result(Job::Checklist, session.checklists(), |c| {
        Response::Checklists(Arc::new(c))
    });
}

fn send_auto_accept(session: &Session, send: &Sender2) {
    send.result(Job::Settings, session.auto_accept(), Response::AutoAccept);
}

fn send_review_states(session: &Session, send: &Sender2) {
    send.result(Job::Scoring, session.review_states(), |s| {
        Response::ReviewStates(Arc::new(s))
    });
}

fn send_list(session: &Session, send: &Sender2) {
    send.result(Job::Cases, session.list_cases(), |rows| Response::Cases(Arc::new(rows)));
}

fn send_case(session: &Session, number: &str, send: &Sender2) {
    match session.load_case_by_number(number) {
        Ok((stored, findings)) => {
            // Counted from this reading, not a second one.
            let cached: Vec<CachedFinding> = findings.iter().map(crate::service::checks::to_cached).collect();
            match session.finding_count(stored.row.id, &cached) {
                Ok(count) => send.send(Response::FindingCountOf(stored.row.id, count)),
                Err(e) => send.failed(Job::Cases, e),
            }
            send.send(Response::Case(Box::new(stored), findings));
        }
        Err(e) => send.failed(Job::Cases, e),
    }
}

/// A case opened: read once, then its facts from the scans, the case with its findings and
/// the reviewer's scoring are sent from that one reading — facts first, so the window never
/// asks for them again, scoring last, so it finds its case.
fn open_case(session: &Session, id: CaseId, seq: u64, send: &Sender2) {
    let (case, findings) = match session.load_case(id) {
        Ok(loaded) => loaded,
        Err(e) => return send.failed(Job::Cases, e),
    };
    let number = case.row.number.clone();
    send.result(Job::Facts, session.facts_of(&case), |p| {
        Response::Facts(number.clone(), Box::new(p))
    });
    let scoring = session.scoring_of(&case.case);
    send.send(Response::Case(Box::new(case), findings));
    match scoring {
        Ok(Some(s)) => send.send(Response::Scoring {
            case_number: number,
            scorings: s.scorings,
            decisions: s.decisions,
            seq,
        }),
        Ok(None) => {}
        Err(e) => send.failed(Job::Scoring, e),
    }
}

fn send_scoring(session: &Session, case_number: &str, seq: u64, send: &Sender2) {
    match session.scoring(case_number) {
        Ok(Some(s)) => send.send(Response::Scoring {
            case_number: case_number.to_string(),
            scorings: s.scorings,
            decisions: s.decisions,
            seq,
        }),
        Ok(None) => {}
        Err(e) => send.failed(Job::Scoring, e),
    }
}

fn send_official(session: &Session, send: &Sender2) {
    send.result(Job::Settings, session.official_fonts(), |(settings, fonts)| {
        Response::Official {
            settings: Box::new(settings),
            fonts,
        }
    });
}

fn send_rectify(session: &Session, send: &Sender2) {
    send.result(Job::Rectify, session.rectify_items(), |items| Response::Rectify {
        items: Arc::new(items),
        today: crate::service::rectify::today(),
    });
}

fn send_campaigns(session: &Session, send: &Sender2) {
    send.result(Job::Campaign, session.campaigns(), |list| {
        Response::Campaign(CampaignResponse::List(list))
    });
}

/// A long job's control: progress sent at most ~30 times a second (and at its start), the
/// jobs thread's cancel read between items.
fn control<'a>(job: Job, cancel: &'a AtomicBool, send: &'a Sender2) -> Control<'a> {
    let mut last: Option<std::time::Instant> = None;
    Control::new(cancel, move |done, total| {
        if last.is_none_or(|t| t.elapsed().as_millis() >= 33) {
            send.send(Response::JobProgress { job, done, total });
            last = Some(std::time::Instant::now());
        }
    })
}

fn send_comparisons(session: &Session, campaign: &str, control: &mut Control<'_>, send: &Sender2) {
    send.result(Job::Statistics, session.compare(campaign, control), |(cases, stats)| {
        Response::Campaign(CampaignResponse::Compared {
            campaign: campaign.to_string(),
            cases,
            stats: Some(Box::new(stats)),
        })
    });
}

/// Answers a request on the project thread; returns whether the list and counts must be
/// made again.
fn project_request(session: &mut Session, request: Request, jobs: &Sender<ToJobs>, send: &Sender2) -> bool {
    match request {
        Request::ListCases => return true,
        Request::LoadCase { id, seq } => open_case(session, id, seq, send),
        Request::Search(query) => {
            let result = session.search(&query);
            send.result(Job::Cases, result, |summary| Response::SearchHits { query, summary });
        }
        Request::SearchInCase { query, case_id } => {
            let result = session.search_in_case(&query, case_id);
            send.result(Job::Cases, result, |hits| Response::CaseHits { query, case_id, hits });
        }
        Request::OcrPage { sha256, page } => {
            let result = session.ocr_page(&sha256, page);
            send.result(Job::OcrText, result, |stored| Response::OcrPage {
                sha256,
                page,
                stored: stored.map(Box::new),
            });
        }
        Request::Facts(number) => {
            let result = session.facts(&number);
            send.result(Job::Facts, result, |p| Response::Facts(number, Box::new(p)));
        }
        Request::EditFacts { number, change } => {
            match session.edit_facts(&number, &change) {
                Ok(0) => send.done(Job::Facts, "事实未变"),
                Ok(n) => send.done(
                    Job::Facts,
                    format!("已修改 {n} 项案卷事实，自动检查已按修改后的事实重新进行"),
                ),
                Err(e) => send.failed(Job::Facts, e),
            }
            send_case(session, &number, send);
            let result = session.facts(&number);
            send.result(Job::Facts, result, |p| Response::Facts(number, Box::new(p)));
            send_list(session, send);
        }
        Request::SetReviewer { name, unit } => match session.set_reviewer(&name, &unit) {
            Ok(r) => {
                jobs.send(ToJobs::Reviewer(r.clone())).ok(); // a stopped thread needs nothing more
                send.send(Response::Reviewer(r));
                // Open findings are per reviewer: count again.
                return true;
            }
            Err(e) => send.failed(Job::Reviewer, e),
        },
        Request::Campaign(request) => return campaign_request(session, request, jobs, send),
        Request::Rectify(request) => rectify_request(session, request, send),
        other => return settings_request(session, other, send),
    }
    false
}

/// Settings, scoring and checklists; returns whether the list and counts must be made again.
fn settings_request(session: &mut Session, request: Request, send: &Sender2) -> bool {
    match request {
        Request::SaveRuleSettings(settings) => {
            match session.save_rule_settings(&settings) {
                Ok(_) => send.done(Job::Settings, "已保存自动检查设置，正在重新检查"),
                Err(e) => send.failed(Job::Settings, e),
            }
            load_rules(session, send);
            return true;
        }
        Request::OfficialSettings => send_official(session, send),
        Request::SaveOfficialSettings(settings) => {
            match session.save_official(&settings) {
                Ok(()) => send.done(Job::Settings, "已保存公文设置，下次生成起生效"),
                Err(e) => send.failed(Job::Settings, e),
            }
            send_official(session, send);
        }
        Request::SaveAutoAccept(threshold) => {
            match session.save_auto_accept(threshold) {
                Ok(()) => send.done(
                    Job::Settings,
                    match threshold {
                        Some(t) => format!("识别后自动采纳：置信度不低于 {t:.2} 且无疑问的事实（仅空白项）"),
                        None => "识别后自动采纳：关闭".into(),
                    },
                ),
                Err(e) => send.failed(Job::Settings, e),
            }
            send_auto_accept(session, send);
        }
        Request::SaveOcrScope(scope) => {
            match session.save_ocr_scope(scope) {
                Ok(()) => send.done(Job::Settings, format!("导入时文字识别：{}", scope.label())),
                Err(e) => send.failed(Job::Settings, e),
            }
            send.send(Response::OcrScope(session.ocr_scope()));
        }
        Request::SaveImportLimits(limits) => {
            match session.save_import_limits(&limits) {
                Ok(()) => send.done(Job::Settings, "已保存导入限制，下次导入起生效"),
                Err(e) => send.failed(Job::Settings, e),
            }
            send.send(Response::ImportLimits(Box::new(session.import_limits())));
        }
        Request::AddCalendarYear(path) => {
            match session.add_calendar_year(&path) {
                Ok(year) => send.done(Job::Settings, format!("已加入 {year} 年节假日安排")),
                Err(e) => send.failed(Job::Settings, e),
            }
            load_rules(session, send);
            return true;
        }
        Request::RemoveCalendarYear(year) => {
            if let Err(e) = session.remove_calendar_year(year) {
                send.failed(Job::Settings, e);
            }
            load_rules(session, send);
            return true;
        }
        other => scoring_request(session, other, send),
    }
    false
}

/// Marks, findings, the library and checklists.
fn scoring_request(session: &mut Session, request: Request, send: &Sender2) {
    // The first mark on a checklist version freezes it: the editor must learn that.
    let (touched, case) = match &request {
        Request::Mark { key, .. }
        | Request::SetReviewed { key, .. }
        | Request::DecideFinding { key, .. }
        | Request::WithdrawFinding { key, .. } => (session.unfrozen(key), Some(key.case_number.clone())),
        _ => (None, None),
    };
    let decided = matches!(
        &request,
        Request::DecideFinding { .. } | Request::WithdrawFinding { .. }
    );
    match request {
        Request::LoadScoring { case_number, seq } => send_scoring(session, &case_number, seq, send),
        Request::Mark {
            key,
            item,
            mark,
            action,
            note,
            seq,
        } => {
            if let Err(e) = session.mark(&key, &item, mark, action, &note) {
                send.failed(Job::Scoring, e);
            }
            send_scoring(session, &key.case_number, seq, send);
        }
        Request::SetReviewed { key, done, seq } => {
            if let Err(e) = session.set_reviewed(&key, done) {
                send.failed(Job::Scoring, e);
            }
            send_scoring(session, &key.case_number, seq, send);
        }
        Request::DecideFinding {
            key,
            decision,
            mark,
            seq,
        } => {
            if let Err(e) = session.decide_finding(&key, &decision, mark) {
                send.failed(Job::Scoring, e);
            }
            send_scoring(session, &key.case_number, seq, send);
        }
        Request::WithdrawFinding {
            key,
            decision,
            mark,
            seq,
        } => {
            if let Err(e) = session.withdraw_finding(&key, &decision, mark) {
                send.failed(Job::Scoring, e);
            }
            send_scoring(session, &key.case_number, seq, send);
        }
        Request::Audit(case_number) => {
            let result = session.audit(&case_number);
            send.result(Job::History, result, |entries| Response::Audit { case_number, entries });
        }
        Request::AddLibraryEntry(entry) => match session.add_library_entry(&entry) {
            Ok(saved) => {
                send.done(Job::Library, format!("已存入问题库：{} {}", saved.code, saved.wording));
                send_library(session, send);
            }
            Err(e) => send.failed(Job::Library, e),
        },
        Request::SaveChecklist(checklist) => match session.save_checklist(&checklist) {
            Ok(version) => {
                send.done(
                    Job::Checklist,
                    format!("已保存评查标准“{}”第{version}版", checklist.name),
                );
                send_checklists(session, send);
            }
            Err(e) => send.failed(Job::Checklist, e),
        },
        Request::ImportChecklist(path) => match session.import_checklist(&path) {
            Ok((checklist, version)) => {
                send.done(
                    Job::Checklist,
                    format!("已保存评查标准“{}”第{version}版", checklist.name),
                );
                send_checklists(session, send);
            }
            Err(e) => send.failed(Job::Checklist, e),
        },
        Request::ReadChecklistTable(path) => {
            let result = session.read_checklist_tables(&path);
            send.result(Job::Checklist, result, |tables| Response::ChecklistTables {
                path,
                tables: Arc::new(tables),
            });
        }
        Request::ExportChecklist { key, path } => match session.export_checklist(key, &path) {
            Ok(()) => send.done(Job::Checklist, format!("已导出到 {}", path.display())),
            Err(e) => send.failed(Job::Checklist, e),
        },
        // Routed before this function (listed, not a catch-all: a new request must be routed).
        Request::ListCases
        | Request::LoadCase { .. }
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
        | Request::OpenKit { .. } => {
            log::error!("请求未送到其处理线程");
        }
    }
    if let Some(number) = case {
        send_review_states(session, send);
        if decided {
            match session.finding_count_of(&number) {
                Ok((id, count)) => send.send(Response::FindingCountOf(id, count)),
                Err(e) => send.failed(Job::Scoring, e),
            }
        }
    }
    if let Some(key) = touched
        && session.is_frozen(key)
    {
        send_checklists(session, send);
    }
}

/// Rectification changes (the PDFs are written on the jobs thread); every change answers
/// with the full list again.
fn rectify_request(session: &mut Session, request: RectifyRequest, send: &Sender2) {
    match request {
        RectifyRequest::List => {}
        RectifyRequest::Answer {
            item,
            date,
            text,
            files,
        } => match session.record_answer(item, date, &text, &files) {
            Ok(n) => send.done(Job::Rectify, format!("已登记整改回复（附件 {n} 个）")),
            Err(e) => send.failed(Job::Rectify, e),
        },
        RectifyRequest::Verify {
            item,
            outcome,
            reason,
            date,
            new_due,
        } => match session.record_verification(item, outcome, &reason, date, new_due) {
            Ok(told) => send.done(Job::Rectify, told),
            Err(e) => send.failed(Job::Rectify, e),
        },
        RectifyRequest::Issue { .. } | RectifyRequest::Summary { .. } => {
            log::error!("整改文书请求未送到任务线程");
        }
    }
    send_rectify(session, send);
}

/// Campaign work on the project thread; returns whether the project's current cases changed.
fn campaign_request(session: &mut Session, request: CampaignRequest, jobs: &Sender<ToJobs>, send: &Sender2) -> bool {
    // Comparing a whole campaign is long work: after a change it is asked of the jobs thread.
    let compare = |campaign: String| {
        let request = Request::Campaign(CampaignRequest::Compare(campaign));
        jobs.send(ToJobs::Request(Box::new(request))).ok(); // a stopped thread needs nothing more
    };
    let mut cases_changed = false;
    match request {
        CampaignRequest::List => send_campaigns(session, send),
        CampaignRequest::Progress(campaign) => {
            let result = session.campaign_progress(&campaign);
            send.result(Job::Campaign, result, |(scored, drawn)| {
                Response::Campaign(CampaignResponse::Progress {
                    campaign,
                    scored,
                    drawn,
                })
            });
        }
        CampaignRequest::Create { name, year, config } => {
            match session.create_campaign(&name, year, *config) {
                Ok((told, _)) => send.done(Job::Campaign, told),
                Err(e) => send.failed(Job::Campaign, e),
            }
            send_campaigns(session, send);
        }
        CampaignRequest::AddReviewer {
            campaign,
            name,
            unit,
            lead,
            team,
            public_key,
        } => {
            if let Err(e) = session.add_campaign_reviewer(&campaign, &name, &unit, lead, &team, public_key.as_deref()) {
                send.failed(Job::Campaign, e);
            }
            send_campaigns(session, send);
        }
        CampaignRequest::Assign { campaign, apply } => {
            let result = session.assignment(&campaign, apply);
            let name = campaign.clone();
            send.result(Job::Campaign, result, |lines| {
                Response::Campaign(CampaignResponse::Preview {
                    campaign: name,
                    lines,
                    applied: apply,
                })
            });
            if apply {
                compare(campaign);
            }
        }
        CampaignRequest::Consensus {
            campaign,
            case,
            item,
            mark,
            reason,
        } => {
            match session.record_consensus(&campaign, &case, &item, mark, &reason) {
                Ok(told) => send.done(Job::Campaign, told),
                Err(e) => send.failed(Job::Campaign, e),
            }
            compare(campaign);
        }
        CampaignRequest::SignOff {
            campaign,
            case,
            lock,
            reason,
        } => {
            match session.sign_off(&campaign, &case, lock, &reason) {
                Ok((told, released)) => {
                    send.done(Job::Campaign, told);
                    cases_changed = released;
                    send_review_states(session, send);
                }
                Err(e) => send.failed(Job::Campaign, e),
            }
            compare(campaign);
        }
        CampaignRequest::Compare(_) | CampaignRequest::ExportKit { .. } | CampaignRequest::ImportReturn(_) => {
            log::error!("评查活动任务未送到任务线程");
        }
    }
    cases_changed
}

fn jobs_thread(
    dir: &Path,
    requests: Receiver<ToJobs>,
    flags: &JobFlags,
    to_project: &Sender<ToProject>,
    send: &Sender2,
) {
    let cancel = &flags.cancel;
    // A cancel is for the job running when it was asked: each job starts uncancelled, unless
    // the service is closing.
    let start_job = || {
        if !flags.closing.load(Ordering::Relaxed) {
            cancel.store(false, Ordering::Relaxed);
        }
    };
    let mut session = match Session::open(dir) {
        Ok(s) => s,
        Err(e) => {
            send.failed(Job::Import, e);
            return;
        }
    };
    while let Ok(message) = requests.recv() {
        match message {
            ToJobs::Stop => break,
            ToJobs::Reviewer(r) => session.use_reviewer(r),
            ToJobs::Demo(packages) => {
                log::info!("生成示例案卷 {}", packages.display());
                start_job();
                match write_demo_packages(&packages, send) {
                    Ok(()) => {
                        run_import_job(&mut session, vec![packages], cancel, send);
                        to_project.send(ToProject::CasesChanged).ok(); // a stopped thread needs nothing more
                    }
                    Err(e) => send.failed(
                        Job::Demo,
                        ServiceError::new(&format!("无法生成示例案卷（{}）", packages.display()), e),
                    ),
                }
            }
            ToJobs::Request(request) => {
                let job = request.long_job();
                start_job();
                let started = std::time::Instant::now();
                if job_request(&mut session, *request, cancel, send) {
                    to_project.send(ToProject::CasesChanged).ok(); // a stopped thread needs nothing more
                }
                if let Some(job) = job {
                    log::info!("任务完成：{}（{} 毫秒）", job.label(), started.elapsed().as_millis());
                }
            }
        }
    }
}

/// Runs a long job; returns whether the project's cases changed.
fn job_request(session: &mut Session, request: Request, cancel: &AtomicBool, send: &Sender2) -> bool {
    match request {
        Request::Import(paths) => {
            run_import_job(session, paths, cancel, send);
            return true;
        }
        Request::Report(request) => {
            let (kind, path) = report_kind(request);
            match session.write_report(
                &kind,
                &ReportOptions::default(),
                &path,
                &mut control(Job::Report, cancel, send),
            ) {
                Ok(written) => send.written(written),
                Err(e) => send.failed(Job::Report, e),
            }
        }
        Request::Rectify(RectifyRequest::Issue {
            unit,
            campaign,
            date,
            due,
            number,
            path,
        }) => {
            let request = crate::service::rectify::IssueRequest {
                unit: &unit,
                campaign: campaign.as_deref(),
                date,
                due,
                number: Some(number),
            };
            match session.issue_notice(&request, &path) {
                Ok((told, written)) => {
                    send.done(Job::Rectify, told);
                    send.written(written);
                }
                Err(e) => send.failed(Job::Report, e),
            }
            send_rectify(session, send);
        }
        Request::Rectify(RectifyRequest::Summary { today, path }) => {
            match session.rectify_summary(today, &path) {
                Ok(written) => send.written(written),
                Err(e) => send.failed(Job::Report, e),
            }
            send_rectify(session, send);
        }
        Request::Campaign(CampaignRequest::Compare(campaign)) => {
            send_comparisons(session, &campaign, &mut control(Job::Statistics, cancel, send), send);
        }
        Request::Campaign(CampaignRequest::ExportKit {
            campaign,
            reviewer,
            path,
        }) => match session.issue_kit(
            &campaign,
            &reviewer,
            &path,
            &crate::service::session::KitOptions::default(),
            &mut control(Job::Kit, cancel, send),
        ) {
            Ok(told) => send.done(Job::Kit, told),
            Err(e) => send.failed(Job::Kit, e),
        },
        Request::Campaign(CampaignRequest::ImportReturn(path)) => {
            match session.import_return(&path) {
                Ok(told) => send.done(Job::Return, told),
                Err(e) => send.failed(Job::Return, e),
            }
            send_campaigns(session, send);
            return true;
        }
        Request::ExportReturn(path) => match session.export_return(&path) {
            Ok(told) => send.done(Job::Return, told),
            Err(e) => send.failed(Job::Return, e),
        },
        Request::OpenKit { kit, workspace } => match crate::service::session::open_kit(&kit, &workspace) {
            Ok(summary) => send.send(Response::KitOpened { workspace, summary }),
            Err(e) => send.failed(Job::Kit, e),
        },
        _ => log::error!("短请求被送到任务线程"),
    }
    false
}

fn report_kind(request: ReportRequest) -> (ReportKind, PathBuf) {
    match request {
        ReportRequest::ScoreSheet {
            case,
            source,
            unmasked,
            path,
        } => (ReportKind::ScoreSheet { case, source, unmasked }, path),
        ReportRequest::Notice { unit, campaign, path } => (ReportKind::Notice { unit, campaign }, path),
        ReportRequest::Campaign {
            campaign,
            internal,
            number,
            path,
        } => (
            ReportKind::Campaign {
                campaign,
                internal,
                number,
            },
            path,
        ),
        ReportRequest::Xlsx { campaign, path } => (ReportKind::Xlsx { campaign }, path),
    }
}

/// Writes the demo's packages into `dir` unless they are there already (the registry is
/// written last, so its presence means a complete set).
fn write_demo_packages(dir: &Path, send: &Sender2) -> Result<(), crate::sample::SampleError> {
    if dir.join(crate::sample::REGISTRY_FILE).is_file() {
        return Ok(());
    }
    send.done(
        Job::Demo,
        format!("正在生成示例案卷（{} 件虚构案卷）…", crate::sample::DEMO.cases),
    );
    crate::sample::write_samples(dir, crate::sample::DEMO, &mut |_, _| {}).map(|_| ())
}

fn run_import_job(session: &mut Session, paths: Vec<PathBuf>, cancel: &AtomicBool, send: &Sender2) {
    log::info!("导入 {} 个路径", paths.len());
    let mut last_sent = std::time::Instant::now() - std::time::Duration::from_secs(1);
    let report = session.import(&paths, cancel, &mut |p| {
        // At most ~30 progress updates a second: enough for a smooth bar.
        if last_sent.elapsed().as_millis() >= 33 || p.done == 0 {
            send.send(Response::ImportProgress(p.clone()));
            last_sent = std::time::Instant::now();
        }
    });
    log::info!("导入完成：{}", report.summary());
    send.send(Response::ImportDone(report));
}
