//! Third-party readers in a separate process. Text extraction (lopdf) and spreadsheet reading
//! (calamine) parse files that come from outside; an allocation failure aborts a process and no
//! panic guard can catch it. So the app and the command line hand each such file to a reader
//! process — the same `pingcha` binary, started as `pingcha reader …` — that runs with an
//! address-space limit (Linux) and a deadline. Whatever that process does, the caller gets an
//! answer: the text, or "文本未能提取（原因）", and the batch goes on. A reader process serves
//! many files (one per request line), so isolation costs a process start per thread, not per
//! file; one that failed is replaced by a fresh one for the next file.
//!
//! The limits are the project's `import_limits` (`reader_memory_mib`, `reader_seconds`), the
//! in-process caps (operators per page, cells per sheet) apply inside the reader too.
//!
//! Where no `pingcha` binary is at hand (a test binary, a library user) the same readers run in
//! this process, with the in-process caps only.
//!
//! Pages are rendered for OCR here too (`page_image`: hayro for PDFs, `image` for scans).
//!
//! May use `import`, `domain`, `preview` and `ocr::raster`, `std::process` and `libc`. Must not use `rusqlite`, `egui`,
//! `printpdf`, `rfd`, or the layers above (`store`, `service`, `review`, `cli`, `ui`).

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::import::{
    ImportError, ImportLimits, NamedSheet, Sheet, TextLayer, extract_pdf_text, read_sheet, read_workbook,
};
use crate::ocr::Gray;
use crate::preview::PdfDocument;

/// The hidden subcommand a reader process is started with (`pingcha reader --limits JSON`).
pub const SUBCOMMAND: &str = "reader";

/// What a reader process is asked to do with one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReaderJob {
    /// A PDF's text layer → [`TextLayer`].
    PdfText,
    /// A ledger or registry → [`Sheet`].
    Sheet,
    /// Every sheet of a workbook (a 评查标准 table) → [`NamedSheet`]s.
    Workbook,
    /// One page of a PDF (rendered at [`crate::ocr::OCR_DPI`]) or an image file, as a grey
    /// PNG written to the request's `out` → [`PageShape`].
    PageImage,
}

/// What a page-image reader answers beside the PNG it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageShape {
    /// Pages in the file (1 for an image).
    pub pages: u32,
    /// The image's width in pixels.
    pub width: u32,
    /// The image's height in pixels.
    pub height: u32,
}

/// What a sheet or workbook reader answers: what it read, or why it refused.
#[derive(Debug, Serialize, Deserialize)]
enum Reply<T> {
    Read(T),
    Refused(String),
}

impl<T> Reply<T> {
    fn of(result: Result<T, ImportError>) -> Self {
        match result {
            Ok(value) => Self::Read(value),
            Err(e) => Self::Refused(e.to_string()),
        }
    }
}

static PROGRAM: OnceLock<PathBuf> = OnceLock::new();

/// Names the `pingcha` binary to start as reader process. The binary itself needs no call (it
/// is found as the running executable); test binaries name the one cargo built.
pub fn use_program(path: impl Into<PathBuf>) {
    let _ = PROGRAM.set(path.into());
}

/// The reader program: the one named by [`use_program`], else `PINGCHA_READER`, else this
/// executable when it is `pingcha`.
fn program() -> Option<PathBuf> {
    if let Some(path) = PROGRAM.get() {
        return Some(path.clone());
    }
    if let Some(path) = std::env::var_os("PINGCHA_READER") {
        return Some(path.into());
    }
    let exe = std::env::current_exe().ok()?;
    (exe.file_stem()? == env!("CARGO_PKG_NAME")).then_some(exe)
}

/// Whether files are read in a separate process (false: in this one, in-process caps only).
pub fn isolated() -> bool {
    program().is_some()
}

/// The text layer of the PDF at `path`, read in a reader process. Never fails: a file that
/// cannot be read is [`TextLayer::Unreadable`] with the reason ("文本未能提取（…）").
pub fn pdf_text(path: &Path, limits: &ImportLimits, cancel: Option<&AtomicBool>) -> TextLayer {
    match run(ReaderJob::PdfText, path, limits, cancel) {
        Ran::Answer(bytes) => serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| TextLayer::Unreadable(format!("文本未能提取（读取进程的答复无法解析：{e}）"))),
        Ran::NoProgram => pdf_text_here(path, limits),
        Ran::Failed(why) => TextLayer::Unreadable(format!("文本未能提取（{why}）")),
    }
}

/// The text layer of the PDF at `path`, read in this process (the reader's side, and the
/// fallback where there is no reader program).
fn pdf_text_here(path: &Path, limits: &ImportLimits) -> TextLayer {
    match std::fs::read(path) {
        Ok(bytes) => extract_pdf_text(&bytes, limits),
        Err(e) => TextLayer::Unreadable(format!("文本未能提取（无法读取文件：{e}）")),
    }
}

/// The ledger or registry at `path`, read in a reader process.
pub fn sheet(path: &Path, limits: &ImportLimits, cancel: Option<&AtomicBool>) -> Result<Sheet, ImportError> {
    read_relayed(ReaderJob::Sheet, path, limits, cancel, read_sheet)
}

/// Every sheet of the workbook at `path` (a 评查标准 table), read in a reader process.
pub fn workbook(
    path: &Path,
    limits: &ImportLimits,
    cancel: Option<&AtomicBool>,
) -> Result<Vec<NamedSheet>, ImportError> {
    read_relayed(ReaderJob::Workbook, path, limits, cancel, read_workbook)
}

/// A table read in a reader process (`here` where there is no reader program); the reader's
/// refusal is relayed, a reader that did not answer is a table not read.
fn read_relayed<T: serde::de::DeserializeOwned>(
    job: ReaderJob,
    path: &Path,
    limits: &ImportLimits,
    cancel: Option<&AtomicBool>,
    here: fn(&Path, &ImportLimits) -> Result<T, ImportError>,
) -> Result<T, ImportError> {
    let file = path.display().to_string();
    match run(job, path, limits, cancel) {
        Ran::Answer(bytes) => match serde_json::from_slice(&bytes) {
            Ok(Reply::Read(value)) => Ok(value),
            Ok(Reply::Refused(message)) => Err(ImportError::Relayed(message)),
            Err(e) => Err(ImportError::Sheet {
                file,
                message: format!("表格未能读取（读取进程的答复无法解析：{e}）"),
            }),
        },
        Ran::NoProgram => here(path, limits),
        Ran::Failed(why) => Err(ImportError::Sheet {
            file,
            message: format!("表格未能读取（{why}）"),
        }),
    }
}

/// How a request to a reader process ended.
enum Ran {
    /// It answered (one line of JSON).
    Answer(Vec<u8>),
    /// There is no reader program: read in this process.
    NoProgram,
    /// It did not answer; why, in Chinese.
    Failed(String),
}

/// How often a waiting caller looks at cancel.
const POLL: Duration = Duration::from_millis(20);
/// Most of a reader's standard error kept for the reason of a failure.
const STDERR_KEPT: usize = 16 * 1024;
/// Files one reader process serves before a fresh one takes over (whatever a reader's
/// allocator kept from earlier files does not add up).
const FILES_PER_PROCESS: usize = 500;

/// One running reader process: requests go to its standard input, one JSON line each; its
/// answers come back as lines through a thread that reads its standard output.
struct Reader {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<Vec<u8>>,
    stderr_tail: Arc<Mutex<Vec<u8>>>,
    stderr_thread: Option<std::thread::JoinHandle<()>>,
    /// The limits it was started with (a process's memory limit is set once).
    limits: String,
    served: usize,
}

impl Reader {
    fn start(program: &Path, limits: &str) -> Option<Self> {
        let mut child = Command::new(program)
            .arg(SUBCOMMAND)
            .arg("--limits")
            .arg(limits)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .ok()?;
        let stdin = child.stdin.take()?;
        let stdout = child.stdout.take()?;
        let stderr = child.stderr.take()?;
        let (tx, answers) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("pingcha-reader-out".into())
            .spawn(move || {
                let mut lines = BufReader::new(stdout);
                loop {
                    let mut line = Vec::new();
                    match lines.read_until(b'\n', &mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {
                            if tx.send(line).is_err() {
                                break;
                            }
                        }
                    }
                }
            })
            .ok()?;
        let stderr_tail = Arc::new(Mutex::new(Vec::new()));
        let tail = Arc::clone(&stderr_tail);
        let stderr_thread = std::thread::Builder::new()
            .name("pingcha-reader-err".into())
            .spawn(move || {
                let mut stderr = stderr;
                let mut chunk = [0u8; 4096];
                while let Ok(n) = stderr.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    let mut kept = tail.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    kept.extend_from_slice(&chunk[..n]);
                    let excess = kept.len().saturating_sub(STDERR_KEPT);
                    kept.drain(..excess);
                }
            })
            .ok();
        Some(Self {
            child,
            stdin,
            answers,
            stderr_tail,
            stderr_thread,
            limits: limits.to_string(),
            served: 0,
        })
    }

    /// Sends one request and waits for its answer, the deadline or cancel. `Err` when the
    /// process is gone or was stopped (it must not be used again).
    fn ask(&mut self, request: &[u8], seconds: u64, cancel: Option<&AtomicBool>) -> Result<Vec<u8>, Gone> {
        if self.stdin.write_all(request).and_then(|()| self.stdin.flush()).is_err() {
            return Err(Gone::Died);
        }
        self.served += 1;
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Err(Gone::Deadline);
            }
            match self.answers.recv_timeout(POLL.min(deadline - now)) {
                Ok(answer) => return Ok(answer),
                Err(RecvTimeoutError::Disconnected) => return Err(Gone::Died),
                Err(RecvTimeoutError::Timeout) => {
                    if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                        return Err(Gone::Cancelled);
                    }
                }
            }
        }
    }

    /// Stops the process and says why it ended.
    fn end(mut self, why: Gone, limits: &ImportLimits) -> String {
        let seconds = limits.reader_seconds.max(1);
        match why {
            Gone::Deadline => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                format!("用时超过 {seconds} 秒，已停止读取")
            }
            Gone::Cancelled => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                "已取消".to_string()
            }
            Gone::Died => {
                let status = self.child.wait().ok();
                // What the process wrote last (the allocator's message) is read to its end.
                if let Some(thread) = self.stderr_thread.take() {
                    let _ = thread.join();
                }
                let tail = self.stderr_tail.lock().map(|t| t.clone()).unwrap_or_default();
                failure_reason(status, &String::from_utf8_lossy(&tail), limits)
            }
        }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        // An idle reader ends when its standard input closes; `wait` would block on a busy
        // one, which `ask` never leaves behind, so it is stopped first to be sure.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Why a reader process is not usable any more.
#[derive(Debug, Clone, Copy)]
enum Gone {
    Died,
    Deadline,
    Cancelled,
}

thread_local! {
    /// Each thread that reads files has its own reader process (import reads on several).
    static READER: RefCell<Option<Reader>> = const { RefCell::new(None) };
}

/// Ends this thread's reader process, if it has one (a long-lived thread, such as the app's
/// backend, after an import: an idle reader is not kept for the next one).
pub fn release() {
    READER.with(|cell| cell.borrow_mut().take());
}

/// Page `page` (1-based) of the PDF or image at `path` as a grey image at OCR resolution,
/// with the file's page count; rendered in a reader process (a PDF that aborts or runs away
/// costs this page, not the caller). The error is in Chinese.
pub fn page_image(
    path: &Path,
    page: u32,
    limits: &ImportLimits,
    cancel: Option<&AtomicBool>,
) -> Result<(Gray, u32), String> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let out = std::env::temp_dir().join(format!(
        "pingcha-page-{}-{}.png",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let request = Request {
        job: ReaderJob::PageImage,
        path: path.to_path_buf(),
        page,
        out: Some(out.clone()),
    };
    let result = match run_request(request, limits, cancel) {
        Ran::Answer(bytes) => match serde_json::from_slice::<Reply<PageShape>>(&bytes) {
            Ok(Reply::Read(shape)) => std::fs::read(&out)
                .map_err(|e| format!("页面图像未能读回：{e}"))
                .and_then(|png| Gray::decode(&png))
                .map(|image| (image, shape.pages)),
            Ok(Reply::Refused(message)) => Err(message),
            Err(e) => Err(format!("页面未能渲染（读取进程的答复无法解析：{e}）")),
        },
        Ran::NoProgram => page_image_here(path, page),
        Ran::Failed(why) => Err(format!("页面未能渲染（{why}）")),
    };
    // The reader may have written it before failing; never left behind.
    let _ = std::fs::remove_file(&out);
    result
}

/// The page-image reader's side (and the fallback where there is no reader program).
fn page_image_here(path: &Path, page: u32) -> Result<(Gray, u32), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("无法读取文件：{e}"))?;
    let is_pdf = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if is_pdf {
        let pdf = PdfDocument::open(bytes).map_err(|e| e.to_string())?;
        let pages = u32::try_from(pdf.page_count()).unwrap_or(u32::MAX);
        let rgba = pdf
            .render_page(page as usize, crate::ocr::OCR_DPI / 72.0)
            .map_err(|e| e.to_string())?;
        Ok((Gray::from_rgba(rgba.width, rgba.height, &rgba.pixels), pages))
    } else if page <= 1 {
        Gray::decode(&bytes)
            .map(|image| (image, 1))
            .map_err(|e| format!("无法解码图片（{e}）"))
    } else {
        Err(format!("没有第 {page} 页（共 1 页）"))
    }
}

fn write_png(image: &(Gray, u32), out: &Path) -> Result<(), String> {
    let png = image.0.to_png()?;
    std::fs::write(out, png).map_err(|e| format!("页面图像无法写出：{e}"))
}

/// A request to a reader process.
#[derive(Debug, Serialize, Deserialize)]
struct Request {
    job: ReaderJob,
    path: PathBuf,
    /// The page of a page-image request (1-based).
    #[serde(default)]
    page: u32,
    /// Where a page-image request writes its PNG.
    #[serde(default)]
    out: Option<PathBuf>,
}

fn run(job: ReaderJob, path: &Path, limits: &ImportLimits, cancel: Option<&AtomicBool>) -> Ran {
    run_request(
        Request {
            job,
            path: path.to_path_buf(),
            page: 0,
            out: None,
        },
        limits,
        cancel,
    )
}

fn run_request(request: Request, limits: &ImportLimits, cancel: Option<&AtomicBool>) -> Ran {
    let Some(program) = program() else {
        return Ran::NoProgram;
    };
    let limits_json = serde_json::to_string(limits).unwrap_or_default();
    let mut request = serde_json::to_vec(&request).unwrap_or_default();
    request.push(b'\n');
    READER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot
            .as_ref()
            .is_some_and(|r| r.limits != limits_json || r.served >= FILES_PER_PROCESS)
        {
            *slot = None;
        }
        if slot.is_none() {
            match Reader::start(&program, &limits_json) {
                Some(reader) => *slot = Some(reader),
                // The binary went away (an upgrade under a running app): read here rather
                // than not at all.
                None => return Ran::NoProgram,
            }
        }
        let Some(reader) = slot.as_mut() else {
            return Ran::NoProgram;
        };
        match reader.ask(&request, limits.reader_seconds.max(1), cancel) {
            Ok(answer) => Ran::Answer(answer),
            Err(gone) => match slot.take() {
                Some(reader) => Ran::Failed(reader.end(gone, limits)),
                None => Ran::Failed("读取进程状态未知".into()),
            },
        }
    })
}

/// Why a reader process ended without answering, in Chinese.
fn failure_reason(status: Option<ExitStatus>, stderr: &str, limits: &ImportLimits) -> String {
    if stderr.contains("memory allocation of") || stderr.contains("capacity overflow") {
        return format!("所需内存超过上限 {} MiB", limits.reader_memory_mib.max(MIN_MEMORY_MIB));
    }
    let Some(status) = status else {
        return "读取进程状态未知".to_string();
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return match signal {
                libc::SIGXCPU => format!("用时超过 {} 秒，已停止读取", limits.reader_seconds.max(1)),
                libc::SIGSEGV | libc::SIGBUS => "读取器崩溃（内存访问错误）".to_string(),
                libc::SIGABRT => "读取器异常中止".to_string(),
                other => format!("读取进程被信号 {other} 终止"),
            };
        }
    }
    let detail = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    match status.code() {
        Some(code) if detail.is_empty() => format!("读取进程异常退出（退出码 {code}）"),
        Some(code) => format!("读取进程异常退出（退出码 {code}：{detail}）"),
        None => "读取进程异常退出".to_string(),
    }
}

/// The reader process's side (`pingcha reader --limits JSON`): limits itself, then answers
/// requests from standard input, one JSON line each, with one JSON line each, until its input
/// closes. Exit code 0 when it ended that way.
pub fn serve(limits_json: &str) -> std::process::ExitCode {
    let limits: ImportLimits = match serde_json::from_str(limits_json) {
        Ok(limits) => limits,
        Err(e) => {
            eprintln!("读取限制无法解析：{e}");
            return std::process::ExitCode::from(2);
        }
    };
    limit_self(&limits);
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let request: Request = match serde_json::from_str(&line) {
            Ok(request) => request,
            Err(e) => {
                eprintln!("请求无法解析：{e}");
                return std::process::ExitCode::from(2);
            }
        };
        let answer = match request.job {
            ReaderJob::PdfText => serde_json::to_vec(&pdf_text_here(&request.path, &limits)),
            ReaderJob::Sheet => serde_json::to_vec(&Reply::of(read_sheet(&request.path, &limits))),
            ReaderJob::Workbook => serde_json::to_vec(&Reply::of(read_workbook(&request.path, &limits))),
            ReaderJob::PageImage => serde_json::to_vec(&match page_image_here(&request.path, request.page) {
                Ok(image) => match request.out.as_deref().map(|out| write_png(&image, out)) {
                    Some(Ok(())) => Reply::Read(PageShape {
                        pages: image.1,
                        width: image.0.width,
                        height: image.0.height,
                    }),
                    Some(Err(e)) => Reply::Refused(e),
                    None => Reply::Refused("请求中没有输出文件".into()),
                },
                Err(e) => Reply::Refused(e),
            }),
        };
        let written = answer.map_err(std::io::Error::other).and_then(|mut bytes| {
            bytes.push(b'\n');
            stdout.write_all(&bytes)?;
            stdout.flush()
        });
        if let Err(e) = written {
            eprintln!("答复无法写出：{e}");
            return std::process::ExitCode::from(1);
        }
    }
    std::process::ExitCode::SUCCESS
}

/// The least address space a reader gets, whatever the setting says: the process itself (its
/// mapped binary, stacks, decompressor windows) needs about 100 MiB before it reads anything.
const MIN_MEMORY_MIB: u64 = 256;

/// Address space, CPU seconds and no core files. The CPU limit is a second guard next to the
/// caller's deadline, should the caller be gone; it counts the process's whole life, so it is
/// the deadline for one file times the files a process serves.
#[cfg(unix)]
fn limit_self(limits: &ImportLimits) {
    let set = |resource, value: u64| {
        let value = libc::rlim_t::try_from(value).unwrap_or(libc::RLIM_INFINITY);
        let limit = libc::rlimit {
            rlim_cur: value,
            rlim_max: value,
        };
        // SAFETY: setrlimit reads the struct it is given and changes only this process.
        unsafe { libc::setrlimit(resource, &limit) };
    };
    set(
        libc::RLIMIT_AS,
        limits.reader_memory_mib.max(MIN_MEMORY_MIB).saturating_mul(1 << 20),
    );
    set(
        libc::RLIMIT_CPU,
        limits.reader_seconds.max(1).saturating_mul(FILES_PER_PROCESS as u64),
    );
    set(libc::RLIMIT_CORE, 0);
}

#[cfg(not(unix))]
fn limit_self(_limits: &ImportLimits) {}
