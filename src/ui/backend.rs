//! The project's backend thread: it owns the open project (the SQLite connection) and
//! answers the UI's requests; the UI only ever draws the last answers it received.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use crate::import::ImportLimits;
use crate::jobs::{ImportProgress, ImportReport, plan_import, run_import};
use crate::rules::{Finding, RuleContext, RuleSettings, Severity, check_case};
use crate::store::{CaseRow, Project, SearchHit, StoredCase};

/// What the UI asks for.
#[derive(Debug, Clone)]
pub enum Request {
    /// Reload the case list.
    ListCases,
    /// Load one case with its documents.
    LoadCase(i64),
    /// Full-text search.
    Search(String),
    /// Import paths (packages, folders, ledgers, registries).
    Import(Vec<PathBuf>),
}

/// What the backend answers.
#[derive(Debug, Clone)]
pub enum Response {
    /// The project is open.
    Opened {
        /// Display name.
        name: String,
        /// Folder.
        dir: PathBuf,
    },
    /// The project could not be opened.
    OpenFailed(String),
    /// Every current case.
    Cases(Arc<Vec<CaseRow>>),
    /// The automatic checks' finding counts of every current case, by case id.
    FindingCounts(Arc<HashMap<i64, FindingCount>>),
    /// One case, with the automatic checks' findings.
    Case(Box<StoredCase>, Vec<Finding>),
    /// Search results for a query.
    SearchHits {
        /// The query answered.
        query: String,
        /// Matches.
        hits: Vec<SearchHit>,
    },
    /// Import progress.
    ImportProgress(ImportProgress),
    /// An import finished.
    ImportDone(ImportReport),
    /// Something failed; the message is for the user.
    Error(String),
}

/// How many findings the automatic checks report for a case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FindingCount {
    /// Deductions and vetoes.
    pub serious: usize,
    /// Notices.
    pub notices: usize,
}

/// Cases checked between two looks at the request queue.
const COUNT_CHUNK: usize = 100;

/// The UI's handle on the backend thread.
pub struct Backend {
    requests: Sender<Request>,
    responses: Receiver<Response>,
    cancel_import: Arc<AtomicBool>,
}

impl Backend {
    /// Starts the backend for a project folder. With `seed_from`, a project that has no
    /// cases yet is first filled by importing that folder (the demo project).
    pub fn start(dir: PathBuf, seed_from: Option<PathBuf>, wake: impl Fn() + Send + 'static) -> Self {
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
                send(Response::Opened {
                    name: project.name(),
                    dir: dir.clone(),
                });
                if let Some(seed) = seed_from
                    && project.case_count().unwrap_or(0) == 0
                    && seed.is_dir()
                {
                    run_import_request(&mut project, vec![seed], &cancel_flag, &send);
                }
                // After every list, the automatic checks of all cases are counted in chunks,
                // between requests, so the list shows at once and the counts follow.
                let mut counting: Option<(Vec<i64>, usize, HashMap<i64, FindingCount>)> = None;
                let start_counting = |project: &Project, counting: &mut Option<_>| {
                    let response = list(project);
                    if let Response::Cases(rows) = &response {
                        *counting = Some((rows.iter().map(|r| r.id).collect(), 0, HashMap::new()));
                    }
                    send(response);
                };
                start_counting(&project, &mut counting);
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
                        if let Some((ids, next, counts)) = &mut counting {
                            let end = (*next + COUNT_CHUNK).min(ids.len());
                            for id in &ids[*next..end] {
                                if let Ok(stored) = project.load_case(*id) {
                                    let findings = check(&project, &stored.case);
                                    let serious = findings.iter().filter(|f| f.severity != Severity::Notice).count();
                                    counts.insert(
                                        *id,
                                        FindingCount {
                                            serious,
                                            notices: findings.len() - serious,
                                        },
                                    );
                                }
                            }
                            *next = end;
                            if end >= ids.len() {
                                let (_, _, counts) = counting.take().unwrap_or_default();
                                send(Response::FindingCounts(Arc::new(counts)));
                            }
                        }
                        continue;
                    };
                    match request {
                        Request::ListCases => start_counting(&project, &mut counting),
                        Request::LoadCase(id) => send(match project.load_case(id) {
                            Ok(case) => {
                                let findings = check(&project, &case.case);
                                Response::Case(Box::new(case), findings)
                            }
                            Err(e) => Response::Error(format!("无法读取案卷：{e}")),
                        }),
                        Request::Search(query) => send(match project.search(&query, 5000) {
                            Ok(hits) => Response::SearchHits { query, hits },
                            Err(e) => Response::Error(format!("检索失败：{e}")),
                        }),
                        Request::Import(paths) => {
                            cancel_flag.store(false, Ordering::Relaxed);
                            run_import_request(&mut project, paths, &cancel_flag, &send);
                            start_counting(&project, &mut counting);
                        }
                    }
                }
            });
        if let Err(e) = spawned {
            let (tx, rx) = channel();
            let _ = tx.send(Response::OpenFailed(format!("无法启动后台线程：{e}")));
            return Self {
                requests: channel().0,
                responses: rx,
                cancel_import: cancel,
            };
        }
        Self {
            requests: req_tx,
            responses: resp_rx,
            cancel_import: cancel,
        }
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

/// The automatic checks of a case with the project's settings and officer registry.
fn check(project: &Project, case: &crate::domain::Case) -> Vec<Finding> {
    static CALENDAR: std::sync::OnceLock<crate::domain::WorkingCalendar> = std::sync::OnceLock::new();
    let calendar = CALENDAR.get_or_init(|| crate::import::bundled_calendar().unwrap_or_default());
    let settings: RuleSettings = project.setting("rule_settings").ok().flatten().unwrap_or_default();
    let registry = project.registry().unwrap_or_default();
    check_case(
        case,
        &RuleContext {
            calendar,
            settings: &settings,
            registry: &registry,
        },
    )
}

fn list(project: &Project) -> Response {
    match project.list_cases() {
        Ok(rows) => Response::Cases(Arc::new(rows)),
        Err(e) => Response::Error(format!("无法读取案卷列表：{e}")),
    }
}

fn run_import_request(project: &mut Project, paths: Vec<PathBuf>, cancel: &AtomicBool, send: &dyn Fn(Response)) {
    let limits: ImportLimits = project.setting("import_limits").ok().flatten().unwrap_or_default();
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
