//! The review project on disk: a folder with `project.sqlite` and `documents/` (every imported
//! file once, named by its SHA-256). The only module that uses `rusqlite`.
//!
//! May use `domain`. Must not use `egui`, `printpdf` or `rfd`.

mod blobs;
mod campaigns;
mod cases;
mod facts;
pub mod holders;
mod ids;
mod migrations;
mod ocr;
mod rectification;
mod scores;
mod search;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub(crate) use blobs::hex as hex_digest;
pub use blobs::{BlobStore, StoredBlob};
pub use campaigns::{CampaignInfo, CampaignReviewer, ConsensusMark, MarksByCase, ReturnMark, ReturnOutcome, SignOff};
pub use cases::{
    CachedFinding, CaseRow, NewCase, NewDocument, RegistryOutcome, SaveOutcome, StoredCase, StoredDocument,
};
pub use facts::{FactEdit, FactEditOutcome, NewFactEdit, apply_edits};
pub use ids::{CaseId, ChecklistKey, ReviewerId};
pub use migrations::SCHEMA_VERSION;
pub use ocr::{OcrStatus, StoredOcrPage};
pub use rectification::{IssuedNotice, NewNotice, NewProblem};
pub use scores::{AuditEntry, FindingDecision, ReviewKey, Reviewer, StoredChecklist};
pub use search::{SearchHit, SearchSummary};

/// The database file inside a project folder.
pub const DB_FILE: &str = "project.sqlite";
/// The folder of document files inside a project folder.
pub const DOCUMENTS_DIR: &str = "documents";

/// Errors of the project store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("{}", sql_message(.0))]
    Sql(#[from] rusqlite::Error),
    /// A file of the project could not be read or written.
    #[error("{path}: {}", crate::places::io_message(.source))]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The folder is not a project.
    #[error("{0} 不是评查项目（缺少 project.sqlite）")]
    NotAProject(String),
    /// The project was made by a newer Pingcha.
    #[error(
        "该项目由更新版本的评查程序创建（数据版本 {found}，本程序支持到 {supported}），为避免损坏已拒绝打开，请升级程序"
    )]
    TooNew {
        /// The project's schema version.
        found: i64,
        /// The newest this program knows.
        supported: i64,
    },
    /// Stored data could not be decoded.
    #[error("项目数据损坏：{0}")]
    Corrupt(String),
    /// A case that does not exist.
    #[error("找不到案卷 {0}")]
    NoSuchCase(String),
    /// A change to a case whose review is signed off.
    #[error("案卷 {0} 已复核锁定，不能再修改评分（如需修改，请先说明理由解除锁定）")]
    Locked(String),
    /// Something the campaign does not allow.
    #[error("{0}")]
    Refused(String),
    /// Another process holds the project's write lock past the busy wait; what it is.
    #[error("项目正被{0}写入，等待 10 秒后仍未释放；请关闭它后重试")]
    Busy(String),
}

/// SQLite's failure as a sentence (its own words after it, for support).
fn sql_message(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    let what = match e.sqlite_error_code() {
        Some(C::DatabaseBusy | C::DatabaseLocked) => {
            "项目正被另一个程序（另一个评查窗口或命令）写入，等待 10 秒后仍未释放；请关闭它后重试"
        }
        Some(C::DiskFull) => "磁盘已满，未能保存",
        Some(C::ReadOnly) => "项目文件只读，不能保存",
        Some(C::CannotOpen) => "无法打开项目数据库文件",
        Some(C::NotADatabase) => "project.sqlite 不是评查项目数据库（文件损坏或不是本程序的文件）",
        Some(C::DatabaseCorrupt) => "项目数据库已损坏",
        Some(C::OutOfMemory) => "内存不足",
        _ => "数据库错误",
    };
    format!("{what}（{e}）")
}

/// An open review project.
pub struct Project {
    dir: PathBuf,
    conn: Connection,
    /// This process's note in `.pingcha-holders/` (removed when the project is closed).
    _holder: holders::Holder,
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Project").field("dir", &self.dir).finish()
    }
}

/// A read-only connection to a project, usable from another thread.
pub struct ProjectReader {
    conn: Connection,
}

impl ProjectReader {
    /// The fingerprint of the current revision of a case number, if any.
    pub fn current_fingerprint(&self, number: &str) -> Result<Option<String>, StoreError> {
        cases::current_fingerprint(&self.conn, number)
    }
}

impl Project {
    /// Waits (at most the busy timeout) until the project can be written; a project another
    /// process holds is reported once, before a batch, instead of once per item.
    pub fn check_writable(&mut self) -> Result<(), StoreError> {
        match self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        {
            Ok(tx) => {
                tx.rollback()?;
                Ok(())
            }
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) =>
            {
                let others = holders::others(&self.dir);
                Err(StoreError::Busy(if others.is_empty() {
                    "另一个评查窗口或命令（未能确定是哪一个）".to_string()
                } else {
                    others.join("、")
                }))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Opens the project in `dir`, creating the folder and an empty project if missing.
    pub fn create_or_open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir.join(DOCUMENTS_DIR)).map_err(|source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        Self::open_db(dir)
    }

    /// Opens an existing project; refuses a folder without `project.sqlite`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        if !dir.join(DB_FILE).is_file() {
            return Err(StoreError::NotAProject(dir.display().to_string()));
        }
        std::fs::create_dir_all(dir.join(DOCUMENTS_DIR)).map_err(|source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        Self::open_db(dir)
    }

    fn open_db(dir: &Path) -> Result<Self, StoreError> {
        let mut conn = Connection::open(dir.join(DB_FILE))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        migrations::migrate(&mut conn)?;
        // WAL after the version check, so a too-new project is not touched at all.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let project = Self {
            dir: dir.to_path_buf(),
            conn,
            _holder: holders::Holder::register(dir),
        };
        // Temporary files of an import that was killed: never referenced, safe to remove.
        project.blobs().remove_leftovers();
        Ok(project)
    }

    /// A read-only view of the project on its own connection, for worker threads.
    pub fn reader(&self) -> Result<ProjectReader, StoreError> {
        let conn = Connection::open_with_flags(
            self.dir.join(DB_FILE),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(ProjectReader { conn })
    }

    /// The project folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The project's display name (its folder name).
    pub fn name(&self) -> String {
        self.dir
            .file_name()
            .map_or_else(|| self.dir.display().to_string(), |n| n.to_string_lossy().into_owned())
    }

    /// Reads a project setting stored as JSON; `None` when unset.
    pub fn setting<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT value FROM settings WHERE key = :key")?;
        let mut rows = stmt.query(rusqlite::named_params! {":key": key})?;
        match rows.next()? {
            None => Ok(None),
            Some(row) => {
                let text: String = row.get("value")?;
                serde_json::from_str(&text)
                    .map(Some)
                    .map_err(|e| StoreError::Corrupt(format!("设置 {key}: {e}")))
            }
        }
    }

    /// Writes a project setting as JSON.
    pub fn set_setting<T: serde::Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let text = serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn
            .prepare_cached(
                "INSERT INTO settings (key, value) VALUES (:key, :value)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )?
            .execute(rusqlite::named_params! {":key": key, ":value": text})?;
        Ok(())
    }
}
