//! Importing a batch: expand the user's paths into work items, then import each package in
//! its own transaction, each ledger row as a case, each registry as one update. A bad item
//! is reported (`<path>: <reason>`) and the batch goes on.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;

use sha2::{Digest, Sha256};

use crate::import::{ImportError, ImportLimits, Package, SheetKind, TextLayer, open_package};
use crate::store::{
    BlobStore, NewCase, NewDocument, Project, ProjectReader, RegistryOutcome, SaveOutcome, StoreError, StoredBlob,
};

/// One thing to import, as found by [`plan_import`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkItem {
    /// A package: a directory (with or without `case.toml`) or a `.zip`.
    Package(PathBuf),
    /// A ledger or officer registry sheet.
    Sheet(PathBuf),
    /// Something that cannot be imported, with the reason.
    Refused(PathBuf, String),
    /// A file inside a folder of packages that is not a package (reported, not an error).
    Skipped(PathBuf, String),
}

impl WorkItem {
    /// The path of the item.
    pub fn path(&self) -> &Path {
        match self {
            Self::Package(p) | Self::Sheet(p) | Self::Refused(p, _) | Self::Skipped(p, _) => p,
        }
    }
}

/// What happened to one item (a package, a ledger row, a registry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemResult {
    /// A new case.
    Imported {
        /// 案号.
        number: String,
    },
    /// Already in the project with the same content.
    Unchanged {
        /// 案号.
        number: String,
    },
    /// Stored as a new revision of an existing case number.
    Revised {
        /// 案号.
        number: String,
        /// New revision number.
        revision: i64,
    },
    /// A ledger row whose case was imported from a package: the package is kept.
    KeptPackage {
        /// 案号.
        number: String,
    },
    /// The case is locked by a campaign sign-off: the new content is kept as a revision that
    /// becomes current when the case is unlocked.
    Held {
        /// 案号.
        number: String,
        /// The held revision.
        revision: i64,
        /// The locked revision, still current.
        current: i64,
    },
    /// An officer registry was loaded.
    Registry(RegistryOutcome),
    /// Refused, with the reason.
    Refused(String),
    /// Not a package; passed over.
    Skipped(String),
}

impl ItemResult {
    /// What the user should read about this item beyond the summary line, if anything.
    pub fn note(&self) -> Option<String> {
        match self {
            ItemResult::Revised { number, revision } => Some(format!(
                "案号 {number} 已存在且内容不同，已保存为第 {revision} 版（旧版本保留）"
            )),
            ItemResult::Held {
                number,
                revision,
                current,
            } => Some(format!(
                "案号 {number} 已复核锁定：导入的新内容已保存为第 {revision} 版，待解除复核锁定后启用；\
                 评查活动仍以第 {current} 版为准"
            )),
            ItemResult::KeptPackage { number } => Some(format!("台账中的 {number} 已由案卷包导入，保留案卷包")),
            ItemResult::Registry(r) => Some(format!(
                "执法人员名册：新增 {}，更新 {}，未变化 {}",
                r.added, r.updated, r.unchanged
            )),
            ItemResult::Refused(reason) | ItemResult::Skipped(reason) => Some(reason.clone()),
            ItemResult::Imported { .. } | ItemResult::Unchanged { .. } => None,
        }
    }
}

/// The outcome for one item, with its warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemReport {
    /// The item's path as given.
    pub path: String,
    /// What happened.
    pub result: ItemResult,
    /// Warnings (unknown keys, unlisted files, guessed types).
    pub warnings: Vec<String>,
}

/// The outcome of a whole batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// One entry per package, ledger row or registry.
    pub items: Vec<ItemReport>,
    /// The user cancelled; items not reached are not listed.
    pub cancelled: bool,
}

impl ImportReport {
    fn count(&self, f: impl Fn(&ItemResult) -> bool) -> usize {
        self.items.iter().filter(|i| f(&i.result)).count()
    }
    /// New cases.
    pub fn imported(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Imported { .. }))
    }
    /// Items already present unchanged (including ledger rows kept behind a package).
    pub fn unchanged(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Unchanged { .. } | ItemResult::KeptPackage { .. }))
    }
    /// New revisions.
    pub fn revised(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Revised { .. }))
    }
    /// New revisions held until their case is unlocked.
    pub fn held(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Held { .. }))
    }
    /// Refused items.
    pub fn refused(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Refused(_)))
    }
    /// Registries loaded.
    pub fn registries(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Registry(_)))
    }
    /// `导入 3，未变化 1，新修订 0，拒绝 2`-style summary line.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "新导入 {} 件，未变化 {} 件，新修订 {} 件，拒绝 {} 项",
            self.imported(),
            self.unchanged(),
            self.revised(),
            self.refused()
        );
        if self.held() > 0 {
            s.push_str(&format!("，待解锁 {} 件", self.held()));
        }
        if self.registries() > 0 {
            s.push_str(&format!("，执法人员名册 {} 份", self.registries()));
        }
        if self.cancelled {
            s.push_str("（已取消，已导入的案卷保留）");
        }
        s
    }
}

/// Progress of a running batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProgress {
    /// Items finished.
    pub done: usize,
    /// Items in the batch.
    pub total: usize,
    /// The item being worked on.
    pub current: String,
}

fn is_sheet(path: &Path) -> bool {
    matches!(extension(path).as_str(), "xlsx" | "xls" | "xlsm" | "ods" | "csv")
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn is_hidden(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n.starts_with('.') || n == "__MACOSX" || n.eq_ignore_ascii_case("Thumbs.db")
    })
}

/// How deep folders of packages are searched.
const MAX_FOLDER_DEPTH: usize = 6;

/// Expands the user's paths: a package directory or zip is one item; a folder without
/// `case.toml` that holds folders or zips is a folder of packages (searched recursively);
/// a folder holding only files is a folder of scans; `.xlsx`/`.csv` are sheets.
pub fn plan_import(paths: &[PathBuf]) -> Vec<WorkItem> {
    let mut items = Vec::new();
    for path in paths {
        plan_path(path, 0, true, &mut items);
    }
    items
}

fn plan_path(path: &Path, depth: usize, top: bool, items: &mut Vec<WorkItem>) {
    let Ok(meta) = std::fs::metadata(path) else {
        items.push(WorkItem::Refused(path.to_path_buf(), "路径不存在或无法访问".into()));
        return;
    };
    if meta.is_file() {
        if extension(path) == "zip" {
            items.push(WorkItem::Package(path.to_path_buf()));
        } else if is_sheet(path) {
            items.push(WorkItem::Sheet(path.to_path_buf()));
        } else if top {
            items.push(WorkItem::Refused(
                path.to_path_buf(),
                "不是案卷包、台账或执法人员名册（支持文件夹、.zip、.xlsx、.csv）".into(),
            ));
        } else {
            items.push(WorkItem::Skipped(path.to_path_buf(), "不是案卷包，已跳过".into()));
        }
        return;
    }
    // Anything named case.toml makes the folder a package (one that is not a plain file is
    // then refused by the reader, not taken for a folder of packages or of scans).
    if std::fs::symlink_metadata(path.join("case.toml")).is_ok() {
        items.push(WorkItem::Package(path.to_path_buf()));
        return;
    }
    // Links inside a folder are not followed (a link may lead anywhere on the disk); one
    // given by the user at the top is.
    let mut links = Vec::new();
    let mut children: Vec<PathBuf> = match std::fs::read_dir(path) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .filter(|e| {
                let link = e.file_type().is_ok_and(|t| t.is_symlink());
                if link {
                    links.push(e.path());
                }
                !link
            })
            .map(|e| e.path())
            .filter(|p| !is_hidden(p))
            .collect(),
        Err(e) => {
            items.push(WorkItem::Refused(path.to_path_buf(), format!("无法读取文件夹（{e}）")));
            return;
        }
    };
    children.sort();
    let is_container = children
        .iter()
        .any(|c| c.is_dir() || extension(c) == "zip" || is_sheet(c));
    if !is_container {
        if children.is_empty() {
            let reason = "空文件夹".to_string();
            items.push(if top {
                WorkItem::Refused(path.to_path_buf(), reason)
            } else {
                WorkItem::Skipped(path.to_path_buf(), reason)
            });
        } else {
            items.push(WorkItem::Package(path.to_path_buf()));
        }
        return;
    }
    if depth >= MAX_FOLDER_DEPTH {
        items.push(WorkItem::Skipped(path.to_path_buf(), "文件夹层级过深，已跳过".into()));
        return;
    }
    for link in links {
        items.push(WorkItem::Skipped(link, "符号链接，未跟随，已跳过".into()));
    }
    for child in children {
        plan_path(&child, depth + 1, false, items);
    }
}

/// Packages prepared ahead of the commit point at most (bounds memory on large batches).
const PREPARE_AHEAD: usize = 32;

/// A package read, its files stored and its text extracted: ready to commit.
enum Prepared {
    /// A case to save (new, changed, or possibly unchanged after all), with the files it
    /// wrote that are not yet durable.
    Case(Box<NewCase>, Vec<PathBuf>),
    /// The same content is already the current revision.
    Unchanged { number: String, warnings: Vec<String> },
    /// Refused, with the reason.
    Refused(String),
    /// Not a package: the committing thread handles it in order.
    Inline,
}

/// Imports the items into the project. Packages are prepared (read, files stored, text
/// extracted) on worker threads; cases are committed on this thread, one transaction each,
/// in the items' order. `progress` is called before each item and at the end; `cancel` is
/// checked between items (and between ledger rows): what was committed stays.
pub fn run_import(
    project: &mut Project,
    items: &[WorkItem],
    limits: &ImportLimits,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&ImportProgress),
) -> ImportReport {
    let mut report = ImportReport::default();
    let total = items.len();
    // A project another process is writing is said once, not once per item.
    if !items.is_empty()
        && let Err(e) = project.check_writable()
    {
        report.items.push(ItemReport {
            path: project.dir().display().to_string(),
            result: ItemResult::Refused(format!("未导入任何文件：{e}")),
            warnings: Vec::new(),
        });
        return report;
    }
    let blobs = project.blobs();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
    // A worker without its own read connection cannot tell an unchanged package early: it
    // prepares the package in full, and the commit finds it unchanged.
    let readers: Vec<Option<ProjectReader>> = (0..workers)
        .map(|_| {
            project
                .reader()
                .map_err(|e| log::warn!("导入：无法打开只读连接，逐件完整准备：{e}"))
                .ok()
        })
        .collect();
    let next = AtomicUsize::new(0);
    let committed = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<(usize, Prepared)>(workers * 2);
        for reader in readers {
            let tx = tx.clone();
            let (blobs, next, committed, stop) = (&blobs, &next, &committed, &stop);
            let spawned = std::thread::Builder::new()
                .name("pingcha-import".into())
                .spawn_scoped(scope, move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= items.len() {
                            break;
                        }
                        while i >= committed.load(Ordering::Relaxed) + PREPARE_AHEAD && !stop.load(Ordering::Relaxed) {
                            std::thread::sleep(std::time::Duration::from_millis(2));
                        }
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let prepared = match &items[i] {
                            WorkItem::Package(path) => prepare_package(blobs, reader.as_ref(), path, limits, cancel),
                            _ => Prepared::Inline,
                        };
                        if tx.send((i, prepared)).is_err() {
                            break;
                        }
                    }
                });
            if spawned.is_err() {
                // No worker could start: the items are prepared below, on this thread.
                break;
            }
        }
        drop(tx);
        let mut pending: BTreeMap<usize, Prepared> = BTreeMap::new();
        let mut committer = Committer::default();
        for (i, item) in items.iter().enumerate() {
            if cancel.load(Ordering::Relaxed) {
                report.cancelled = true;
                break;
            }
            let path_text = item.path().display().to_string();
            progress(&ImportProgress {
                done: i,
                total,
                current: path_text.clone(),
            });
            let prepared = loop {
                if let Some(p) = pending.remove(&i) {
                    break p;
                }
                match rx.recv() {
                    Ok((j, p)) => {
                        pending.insert(j, p);
                    }
                    // Every worker is gone: prepare this item here.
                    Err(_) => match item {
                        WorkItem::Package(path) => break prepare_package(&blobs, None, path, limits, cancel),
                        _ => break Prepared::Inline,
                    },
                }
            };
            committer.take(project, item, prepared, path_text, limits, cancel, &mut report);
            committed.store(i + 1, Ordering::Relaxed);
        }
        committer.flush(project, &mut report);
        // Release workers that are waiting to send or to run ahead.
        stop.store(true, Ordering::Relaxed);
        drop(rx);
    });
    // The reader process this thread used for ledgers (the worker threads' end with them).
    crate::worker::release();
    progress(&ImportProgress {
        done: report.items.len().min(total),
        total,
        current: String::new(),
    });
    report
}

/// Cases committed together: their files made durable by one flush, their rows saved in one
/// transaction (each case in its own savepoint). A crash loses at most the open batch, whose
/// files are then unreferenced; the next import reuses them by hash.
const BATCH_CASES: usize = 32;
/// A batch is committed at the latest this long after its first case (so the list fills in
/// while a slow batch of large scans is read).
const BATCH_SECONDS: f64 = 2.0;

/// An item's report, in item order: ready, or waiting for its batch to commit.
enum Queued {
    Ready(ItemReport),
    InBatch { path: String, warnings: Vec<String> },
}

/// Collects prepared cases into batches and keeps the report in item order.
#[derive(Default)]
struct Committer {
    queue: Vec<Queued>,
    cases: Vec<NewCase>,
    written: Vec<PathBuf>,
    started: Option<std::time::Instant>,
}

impl Committer {
    #[expect(clippy::too_many_arguments, reason = "the commit loop's state, passed through once")]
    fn take(
        &mut self,
        project: &mut Project,
        item: &WorkItem,
        prepared: Prepared,
        path_text: String,
        limits: &ImportLimits,
        cancel: &AtomicBool,
        report: &mut ImportReport,
    ) {
        let ready = |result, warnings| {
            Queued::Ready(ItemReport {
                path: path_text.clone(),
                result,
                warnings,
            })
        };
        match (item, prepared) {
            (WorkItem::Refused(_, reason), _) => {
                self.queue.push(ready(ItemResult::Refused(reason.clone()), Vec::new()))
            }
            (WorkItem::Skipped(_, reason), _) => {
                self.queue.push(ready(ItemResult::Skipped(reason.clone()), Vec::new()))
            }
            (WorkItem::Sheet(path), _) => {
                // Ledger rows and registries commit on their own: the batch before them first.
                self.flush(project, report);
                import_sheet(project, path, limits, cancel, report);
            }
            (WorkItem::Package(_), Prepared::Refused(reason)) => {
                self.queue.push(ready(ItemResult::Refused(reason), Vec::new()))
            }
            (WorkItem::Package(_), Prepared::Unchanged { number, warnings }) => {
                self.queue.push(ready(ItemResult::Unchanged { number }, warnings))
            }
            (WorkItem::Package(_), Prepared::Case(new, written)) => {
                self.queue.push(Queued::InBatch {
                    path: path_text.clone(),
                    warnings: new.warnings.clone(),
                });
                self.cases.push(*new);
                self.written.extend(written);
                let started = *self.started.get_or_insert_with(std::time::Instant::now);
                if self.cases.len() >= BATCH_CASES || started.elapsed().as_secs_f64() >= BATCH_SECONDS {
                    self.flush(project, report);
                }
            }
            (WorkItem::Package(path), Prepared::Inline) => {
                let prepared = prepare_package(&project.blobs(), None, path, limits, cancel);
                self.take(project, item, prepared, path_text, limits, cancel, report);
            }
        }
    }

    /// Makes the batch's files durable, saves its cases, and moves the queued reports (in
    /// item order) into `report`.
    fn flush(&mut self, project: &mut Project, report: &mut ImportReport) {
        let cases = std::mem::take(&mut self.cases);
        let written = std::mem::take(&mut self.written);
        self.started = None;
        let mut outcomes: std::vec::IntoIter<Result<SaveOutcome, String>> = if cases.is_empty() {
            Vec::new().into_iter()
        } else {
            let saved = project
                .blobs()
                .sync_batch(&written)
                .and_then(|()| project.save_cases(&cases));
            match saved {
                Ok(results) => results
                    .into_iter()
                    .map(|r| r.map_err(store_err))
                    .collect::<Vec<_>>()
                    .into_iter(),
                Err(e) => {
                    let reason = store_err(e);
                    vec![Err(reason); cases.len()].into_iter()
                }
            }
        };
        let mut numbers = cases.into_iter().map(|c| c.case.number);
        for queued in self.queue.drain(..) {
            report.items.push(match queued {
                Queued::Ready(item) => item,
                Queued::InBatch { path, warnings } => {
                    let number = numbers.next().unwrap_or_default();
                    let result = match outcomes.next() {
                        Some(Ok(outcome)) => outcome_result(outcome, number),
                        Some(Err(reason)) => ItemResult::Refused(reason),
                        None => ItemResult::Refused("写入项目失败：批次结果缺失".into()),
                    };
                    ItemReport { path, result, warnings }
                }
            });
        }
    }
}

fn store_err(e: StoreError) -> String {
    format!("写入项目失败：{e}")
}

/// Reads one package, stores its files and extracts the text of its PDFs. `reader` (a
/// read-only view of the project) lets an unchanged package skip text extraction.
fn prepare_package(
    blobs: &BlobStore,
    reader: Option<&ProjectReader>,
    path: &Path,
    limits: &ImportLimits,
    cancel: &AtomicBool,
) -> Prepared {
    match try_prepare(blobs, reader, path, limits, cancel) {
        Ok(prepared) => prepared,
        Err(reason) => Prepared::Refused(reason),
    }
}

fn try_prepare(
    blobs: &BlobStore,
    reader: Option<&ProjectReader>,
    path: &Path,
    limits: &ImportLimits,
    cancel: &AtomicBool,
) -> Result<Prepared, String> {
    let mut package: Package = open_package(path, limits).map_err(|e| e.to_string())?;
    let mut files: Vec<(String, StoredBlob)> = Vec::new();
    let mut written = Vec::new();
    for member in package.members.clone() {
        let mut member_reader = package.read_member(&member.path).map_err(|e| e.to_string())?;
        let (blob, new_path) = blobs
            .store_deferred(&mut member_reader, &member.path)
            .map_err(|e| match e {
                // Errors reading the member (not writing the project) carry the member's path.
                StoreError::Io { path, source } if path == member.path => match source.kind() {
                    std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof => ImportError::ZipBomb {
                        detail: format!("{path} 解压后的数据与文件头不符（大小或校验值被篡改或已损坏）"),
                    }
                    .to_string(),
                    _ => format!("{path}: 读取失败（{source}）"),
                },
                other => store_err(other),
            })?;
        written.extend(new_path);
        files.push((member.path.clone(), blob));
    }
    let fingerprint = fingerprint(package.case_toml.as_deref(), &files);
    let number = package.case.number.clone();
    if let Some(reader) = reader
        && reader.current_fingerprint(&number).ok().flatten().as_deref() == Some(fingerprint.as_str())
    {
        return Ok(Prepared::Unchanged {
            number,
            warnings: package.warnings,
        });
    }
    let mut documents = Vec::with_capacity(package.case.documents.len());
    // Looked up by path (not searched per document), and each distinct file's text extracted
    // once: 20 000 documents naming one PDF read it once.
    let by_path: HashMap<&str, &StoredBlob> = files.iter().map(|(p, b)| (p.as_str(), b)).collect();
    let mut layers: HashMap<String, TextLayer> = HashMap::new();
    for doc in &package.case.documents {
        let blob = by_path.get(doc.file.as_str()).map(|b| (*b).clone());
        let layer = match &blob {
            Some(b) if b.extension == "pdf" => match layers.get(&b.sha256) {
                Some(layer) => layer.clone(),
                None => {
                    // In a reader process: a PDF that aborts or runs away costs this
                    // document its text, not the batch.
                    let layer = crate::worker::pdf_text(&blobs.path(&b.sha256, &b.extension), limits, Some(cancel));
                    layers.insert(b.sha256.clone(), layer.clone());
                    layer
                }
            },
            _ => TextLayer::NotPdf,
        };
        if let TextLayer::Unreadable(reason) = &layer {
            package.warnings.push(format!("{}：{reason}", doc.file));
        }
        let text = match &layer {
            TextLayer::Text { text, .. } => Some(text.clone()),
            _ => None,
        };
        documents.push(NewDocument {
            text_status: if blob.is_some() {
                layer.status_code().to_string()
            } else {
                "missing".to_string()
            },
            page_count: layer.pages(),
            bare_pages: layer.bare_pages(),
            text,
            blob,
        });
    }
    Ok(Prepared::Case(
        Box::new(NewCase {
            case: package.case,
            fingerprint,
            source_path: path.display().to_string(),
            warnings: package.warnings,
            documents,
            files,
        }),
        written,
    ))
}

fn outcome_result(outcome: SaveOutcome, number: String) -> ItemResult {
    match outcome {
        SaveOutcome::Imported { .. } => ItemResult::Imported { number },
        SaveOutcome::Unchanged { .. } => ItemResult::Unchanged { number },
        SaveOutcome::Revised { revision, .. } => ItemResult::Revised { number, revision },
        SaveOutcome::KeptPackage { .. } => ItemResult::KeptPackage { number },
        SaveOutcome::Held { revision, current, .. } => ItemResult::Held {
            number,
            revision,
            current,
        },
    }
}

/// SHA-256 over the package's `case.toml` and its files' paths and hashes.
fn fingerprint(case_toml: Option<&[u8]>, files: &[(String, StoredBlob)]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"pingcha-fingerprint-1\n");
    match case_toml {
        Some(bytes) => {
            hasher.update(b"case.toml\n");
            hasher.update(bytes);
        }
        None => hasher.update(b"scans\n"),
    }
    let mut sorted: Vec<&(String, StoredBlob)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, blob) in sorted {
        hasher.update(path.as_bytes());
        hasher.update(b"\0");
        hasher.update(blob.sha256.as_bytes());
        hasher.update(b"\n");
    }
    crate::store::hex_digest(&hasher.finalize())
}

/// Ledger rows saved per transaction.
const LEDGER_BATCH: usize = 500;

fn import_sheet(
    project: &mut Project,
    path: &Path,
    limits: &ImportLimits,
    cancel: &AtomicBool,
    report: &mut ImportReport,
) {
    let path_text = path.display().to_string();
    let file_name = path
        .file_name()
        .map_or_else(|| path_text.clone(), |n| n.to_string_lossy().into_owned());
    let refused = |reason: String| ItemReport {
        path: path_text.clone(),
        result: ItemResult::Refused(reason),
        warnings: Vec::new(),
    };
    let sheet = match crate::worker::sheet(path, limits, Some(cancel)).and_then(|s| s.kind(&file_name).map(|k| (s, k)))
    {
        Ok(v) => v,
        Err(e) => {
            report.items.push(refused(e.to_string()));
            return;
        }
    };
    match sheet {
        (sheet, SheetKind::Registry) => {
            let mut officers = Vec::new();
            for row in sheet.registry_officers() {
                match row {
                    Ok(officer) => officers.push(officer),
                    Err(e) => report.items.push(refused(e.to_string())),
                }
            }
            let result = match project.upsert_registry(&officers, &path_text) {
                Ok(outcome) => ItemResult::Registry(outcome),
                Err(e) => ItemResult::Refused(store_err(e)),
            };
            report.items.push(ItemReport {
                path: path_text.clone(),
                result,
                warnings: Vec::new(),
            });
        }
        (sheet, SheetKind::Ledger) => {
            // Rows are saved in batches, one transaction each (a savepoint per row: a row
            // that fails is refused alone); a cancel takes effect between batches.
            let mut batch: Vec<(String, NewCase)> = Vec::with_capacity(LEDGER_BATCH);
            let flush = |project: &mut Project, batch: &mut Vec<(String, NewCase)>, report: &mut ImportReport| {
                if batch.is_empty() {
                    return;
                }
                let cases: Vec<NewCase> = batch.iter().map(|(_, c)| c.clone()).collect();
                let numbers: Vec<String> = batch.drain(..).map(|(n, _)| n).collect();
                match project.save_cases(&cases) {
                    Ok(outcomes) => {
                        for (number, outcome) in numbers.into_iter().zip(outcomes) {
                            report.items.push(ItemReport {
                                path: path_text.clone(),
                                result: match outcome {
                                    Ok(outcome) => outcome_result(outcome, number),
                                    Err(e) => ItemResult::Refused(store_err(e)),
                                },
                                warnings: Vec::new(),
                            });
                        }
                    }
                    Err(e) => {
                        let reason = store_err(e);
                        for number in numbers {
                            report.items.push(refused(format!("{number}：{reason}")));
                        }
                    }
                }
            };
            for (_, row) in sheet.ledger_cases() {
                if cancel.load(Ordering::Relaxed) {
                    flush(project, &mut batch, report);
                    report.cancelled = true;
                    return;
                }
                let case = match row {
                    Ok(case) => case,
                    Err(e) => {
                        report.items.push(refused(e.to_string()));
                        continue;
                    }
                };
                let number = case.number.clone();
                let json = serde_json::to_vec(&case).unwrap_or_default();
                let fingerprint = {
                    let mut h = Sha256::new();
                    h.update(b"pingcha-ledger-row-1\n");
                    h.update(&json);
                    crate::store::hex_digest(&h.finalize())
                };
                batch.push((
                    number,
                    NewCase {
                        case,
                        fingerprint,
                        source_path: path_text.clone(),
                        warnings: Vec::new(),
                        documents: Vec::new(),
                        files: Vec::new(),
                    },
                ));
                if batch.len() >= LEDGER_BATCH {
                    flush(project, &mut batch, report);
                }
            }
            flush(project, &mut batch, report);
        }
    }
}
