//! OCR of a project's scans, as a long job: which pages to read ([`plan_ocr`]), then reading
//! them one by one ([`run_ocr`]) — each page rendered in a reader process, read by the
//! installed engine, and stored at once, so a job that is cancelled or interrupted resumes
//! where it stopped (pages already stored are not read again). A page that cannot be read is
//! reported and the job goes on.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use crate::import::{IMPORT_LIMITS_KEY, ImportLimits};
use crate::ocr::{OcrError, PageReader};
use crate::store::{Project, StoreError};

/// The project setting: which pages are read when cases are imported.
pub const OCR_SETTING_KEY: &str = "ocr_on_import";

/// Which pages of a project's files are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OcrScope {
    /// None on import (OCR only on request).
    Off,
    /// Pages without a text layer: scanned PDFs and images (the default).
    #[default]
    MissingText,
    /// Every page, text layer or not.
    AllPages,
}

impl OcrScope {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Off => "导入时不识别",
            Self::MissingText => "识别没有文字层的页面",
            Self::AllPages => "识别全部页面",
        }
    }

    /// Every scope, for a picker.
    pub const ALL: [Self; 3] = [Self::Off, Self::MissingText, Self::AllPages];
}

/// The project's setting (default: pages without a text layer; a setting that cannot be
/// read gives the default and a line in the log).
pub fn ocr_scope(project: &Project) -> OcrScope {
    match project.setting(OCR_SETTING_KEY) {
        Ok(scope) => scope.unwrap_or_default(),
        Err(e) => {
            log::warn!("文字识别设置无法读取，使用默认值：{e}");
            OcrScope::default()
        }
    }
}

/// One file to read, and which of its pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrDocument {
    /// 案号 of the case holding it.
    pub case_number: String,
    /// 文书类型.
    pub doc_type: String,
    /// Path inside the package (for messages).
    pub file_path: String,
    /// Stored file.
    pub sha256: String,
    /// Its extension.
    pub extension: String,
    /// Pages in the file, when known from import (an image has one).
    pub pages: Option<u32>,
    /// Pages already read (skipped).
    pub done: Vec<u32>,
    /// Only these pages (the scanned pages of a PDF with a text layer); `None`: every page.
    pub only_pages: Option<Vec<u32>>,
}

/// What to read: the current cases' (or one case's) files that need it. A file shared by
/// several documents is read once.
pub fn plan_ocr(project: &Project, case: Option<&str>, scope: OcrScope) -> Result<Vec<OcrDocument>, StoreError> {
    let rows = project.list_cases()?;
    let mut seen = std::collections::HashSet::new();
    let mut plan = Vec::new();
    for row in rows.iter().filter(|r| case.is_none_or(|c| c == r.number)) {
        let stored = project.load_case(row.id)?;
        for doc in &stored.documents {
            let Some((sha256, extension)) = &doc.file else { continue };
            let ext = extension.to_ascii_lowercase();
            // The scanned pages of a PDF whose other pages have text.
            let mixed = ext == "pdf" && doc.text_status == "text" && !doc.bare_pages.is_empty();
            let wanted = match ext.as_str() {
                "png" | "jpg" | "jpeg" => true,
                "pdf" => match scope {
                    OcrScope::AllPages => doc.text_status != "unreadable",
                    OcrScope::MissingText | OcrScope::Off => doc.text_status == "no_text" || mixed,
                },
                _ => false,
            };
            let only_pages = (mixed && scope != OcrScope::AllPages).then(|| doc.bare_pages.clone());
            if !wanted || !seen.insert(sha256.clone()) {
                continue;
            }
            let pages = if ext == "pdf" { doc.pages } else { Some(1) };
            let done = project.ocr_status(sha256)?.pages_read;
            let all_done = match &only_pages {
                Some(only) => only.iter().all(|p| done.contains(p)),
                None => pages.is_some_and(|n| (1..=n).all(|p| done.contains(&p))),
            };
            if all_done {
                continue;
            }
            plan.push(OcrDocument {
                case_number: row.number.clone(),
                doc_type: doc.doc_type.clone(),
                file_path: doc.file_path.clone(),
                sha256: sha256.clone(),
                extension: extension.clone(),
                pages,
                done,
                only_pages,
            });
        }
    }
    Ok(plan)
}

impl OcrDocument {
    /// Pages still to read, as far as known (a PDF's count is learnt from its first page).
    pub fn pages_to_read(&self) -> usize {
        match &self.only_pages {
            Some(only) => only.iter().filter(|p| !self.done.contains(p)).count(),
            None => {
                let pages = self.pages.unwrap_or(1) as usize;
                pages - self.done.len().min(pages)
            }
        }
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OcrProgress {
    /// Pages handled (read, or failed).
    pub pages_done: usize,
    /// Pages to handle, as far as known (a PDF's count is learnt when its first page renders).
    pub pages_total: usize,
    /// The document being read: 案号 and 文书类型.
    pub current: String,
}

/// A page that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrFailure {
    /// 案号.
    pub case_number: String,
    /// Path inside the package.
    pub file_path: String,
    /// Page, 1-based.
    pub page: u32,
    /// Why, in Chinese.
    pub reason: String,
}

impl std::fmt::Display for OcrFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} 第 {} 页：{}",
            self.case_number, self.file_path, self.page, self.reason
        )
    }
}

/// How a job ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OcrReport {
    /// Pages read and stored.
    pub pages_read: usize,
    /// Lines read, of which uncertain.
    pub lines: usize,
    /// Lines below [`crate::ocr::LOW_CONFIDENCE`].
    pub uncertain_lines: usize,
    /// Pages that could not be read.
    pub failures: Vec<OcrFailure>,
    /// Stopped on request (what was read is kept; a new job resumes).
    pub cancelled: bool,
    /// Seconds per stage, summed: detection, classification, recognition.
    pub seconds: [f64; 3],
    /// Facts filled from the pages under the project's automatic acceptance setting.
    pub facts_accepted: usize,
}

impl OcrReport {
    /// One line for a notification or the command line.
    pub fn summary(&self) -> String {
        let mut s = format!("文字识别：已识别 {} 页，{} 行", self.pages_read, self.lines);
        if self.uncertain_lines > 0 {
            s.push_str(&format!("（{} 行识别存疑）", self.uncertain_lines));
        }
        if !self.failures.is_empty() {
            s.push_str(&format!("；{} 页未能识别", self.failures.len()));
        }
        if self.facts_accepted > 0 {
            s.push_str(&format!("；按项目设置自动采纳 {} 项案卷事实", self.facts_accepted));
        }
        if self.cancelled {
            s.push_str("；已取消，再次运行将从中断处继续");
        }
        s
    }
}

/// Reads every planned page not read yet, storing each as it is read. Stops early on cancel
/// (keeping what was stored); a page that fails is reported and the job goes on. `Err` only
/// when the project itself cannot be written.
pub fn run_ocr(
    project: &mut Project,
    plan: &[OcrDocument],
    reader: &mut dyn PageReader,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&OcrProgress),
) -> Result<OcrReport, StoreError> {
    let limits: ImportLimits = match project.setting(IMPORT_LIMITS_KEY) {
        Ok(limits) => limits.unwrap_or_default(),
        Err(e) => {
            log::warn!("导入限制无法读取，文字识别使用默认限制：{e}");
            ImportLimits::default()
        }
    };
    let blobs = project.blobs();
    let mut report = OcrReport::default();
    let mut state = OcrProgress {
        pages_total: plan.iter().map(OcrDocument::pages_to_read).sum(),
        ..OcrProgress::default()
    };
    for doc in plan {
        let path = blobs.path(&doc.sha256, &doc.extension);
        state.current = format!("{} {}", doc.case_number, doc.doc_type);
        let mut pages = doc.pages;
        let mut page = 1;
        while pages.is_none_or(|n| page <= n) {
            if cancel.load(Ordering::Relaxed) {
                report.cancelled = true;
                return Ok(report);
            }
            if doc.done.contains(&page) || doc.only_pages.as_ref().is_some_and(|only| !only.contains(&page)) {
                page += 1;
                continue;
            }
            progress(&state);
            let fail = |reason: String| OcrFailure {
                case_number: doc.case_number.clone(),
                file_path: doc.file_path.clone(),
                page,
                reason,
            };
            match crate::worker::page_image(&path, page, &limits, Some(cancel)) {
                Ok((image, count)) => {
                    if pages.is_none() {
                        // Learnt from the file: the total grows by the pages after the first.
                        state.pages_total += count.saturating_sub(1) as usize;
                        pages = Some(count);
                    }
                    match reader.read_page(&image, Some(cancel)) {
                        Ok(read) => {
                            project.save_ocr_page(&doc.sha256, page, reader.engine(), &read)?;
                            report.pages_read += 1;
                            report.lines += read.lines.len();
                            report.uncertain_lines += read.lines.iter().filter(|l| l.is_uncertain()).count();
                            report.seconds[0] += read.timings.detect_ms as f64 / 1000.0;
                            report.seconds[1] += read.timings.classify_ms as f64 / 1000.0;
                            report.seconds[2] += read.timings.recognise_ms as f64 / 1000.0;
                        }
                        Err(OcrError::Cancelled) => {
                            report.cancelled = true;
                            return Ok(report);
                        }
                        Err(e) => report.failures.push(fail(e.to_string())),
                    }
                }
                Err(_) if cancel.load(Ordering::Relaxed) => {
                    report.cancelled = true;
                    return Ok(report);
                }
                Err(reason) => {
                    report.failures.push(fail(reason));
                    if pages.is_none() {
                        // Not even the first page renders: the rest will not either.
                        pages = Some(page);
                    }
                }
            }
            state.pages_done += 1;
            page += 1;
        }
    }
    progress(&state);
    // Sure values fill blank facts when the project says so (a locked case is left alone).
    let mut cases: Vec<&str> = plan.iter().map(|d| d.case_number.as_str()).collect();
    cases.dedup();
    for number in cases {
        match crate::service::facts::auto_accept(project, number) {
            Ok(n) => report.facts_accepted += n,
            Err(StoreError::Refused(_) | StoreError::NoSuchCase(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

/// Threads per network run for the command line: every core (nothing else is drawing).
pub fn threads_for_command_line() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Threads per network run inside the app: one core is left to the window, so a long OCR
/// job never stops it from drawing.
pub fn threads_for_app() -> usize {
    threads_for_command_line().saturating_sub(1).max(1)
}

/// Where a background job stands, shared with the thread running it.
#[derive(Debug, Clone, Default)]
pub struct OcrJobState {
    /// Pages done and to do.
    pub progress: OcrProgress,
    /// Set once, when the job ends: its report, or why it could not run (in Chinese).
    pub finished: Option<Result<OcrReport, String>>,
}

/// An OCR job on its own thread with its own connection to the project, so marking,
/// browsing and search (the project thread) never wait for it; the engine runs on
/// [`threads_for_app`] threads.
pub struct OcrJob {
    cancel: std::sync::Arc<AtomicBool>,
    state: std::sync::Arc<std::sync::Mutex<OcrJobState>>,
    /// The case it reads, `None` for the whole project.
    pub case: Option<String>,
}

impl OcrJob {
    /// Starts reading the project at `dir` (`case`, or every case) by `scope`; `wake` is
    /// called after each page and at the end.
    pub fn start(
        dir: std::path::PathBuf,
        case: Option<String>,
        scope: OcrScope,
        wake: impl Fn() + Send + 'static,
    ) -> Result<Self, String> {
        let cancel = std::sync::Arc::new(AtomicBool::new(false));
        let state = std::sync::Arc::new(std::sync::Mutex::new(OcrJobState::default()));
        let (job_cancel, job_state, job_case) = (cancel.clone(), state.clone(), case.clone());
        std::thread::Builder::new()
            .name("pingcha-ocr".into())
            .spawn(move || {
                let result = run_job(&dir, job_case.as_deref(), scope, &job_cancel, &job_state, &wake);
                if let Ok(mut state) = job_state.lock() {
                    state.finished = Some(result);
                }
                wake();
            })
            .map_err(|e| format!("无法启动文字识别：{e}"))?;
        Ok(Self { cancel, state, case })
    }

    /// A copy of where it stands.
    pub fn state(&self) -> OcrJobState {
        self.state.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Asks it to stop after the current stage (what was read is kept).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

fn run_job(
    dir: &std::path::Path,
    case: Option<&str>,
    scope: OcrScope,
    cancel: &AtomicBool,
    state: &std::sync::Mutex<OcrJobState>,
    wake: &dyn Fn(),
) -> Result<OcrReport, String> {
    let mut project = Project::open(dir).map_err(|e| format!("无法打开项目：{e}"))?;
    let plan = plan_ocr(&project, case, scope).map_err(|e| format!("无法列出要识别的页面：{e}"))?;
    if plan.is_empty() {
        return Ok(OcrReport::default());
    }
    let mut reader = crate::ocr::open_reader(threads_for_app()).map_err(|e| e.to_string())?;
    run_ocr(&mut project, &plan, reader.as_mut(), cancel, &mut |p| {
        if let Ok(mut s) = state.lock() {
            s.progress = p.clone();
        }
        wake();
    })
    .map_err(|e| format!("识别结果无法保存：{e}"))
}
