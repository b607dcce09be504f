//! Who has a project open: each process that opens a project leaves a small note in the
//! project's `.pingcha-holders/` folder (what it is, its process id, host, user, since when)
//! and removes it when it closes the project. When a write finds the project busy, the notes
//! of the other live processes on this machine say what holds it — "评查窗口（进程 4321，
//! 10:02 起）" — instead of an anonymous "another program". Notes of processes that are gone
//! (killed, or from another machine the folder was copied from) are ignored, and removed when
//! they are from this machine.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The folder of notes inside a project.
pub const HOLDERS_DIR: &str = ".pingcha-holders";

static WHAT: OnceLock<String> = OnceLock::new();

/// Says what this process is, for the notes it leaves (`评查窗口`, `命令 pingcha import`).
/// Set once, before a project is opened; unset, a process is `评查程序`.
pub fn describe_process(what: impl Into<String>) {
    let _ = WHAT.set(what.into());
}

#[derive(Debug, Serialize, Deserialize)]
struct Note {
    what: String,
    pid: u32,
    host: String,
    user: String,
    since: String,
}

fn host() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_default()
}

fn user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default()
}

/// Whether a process of this machine is alive.
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// This process's note in a project; removed when dropped.
#[derive(Debug)]
pub struct Holder {
    path: Option<PathBuf>,
}

impl Holder {
    /// Leaves this process's note in the project at `dir` (best effort: a project on
    /// read-only media simply has none).
    pub fn register(dir: &Path) -> Self {
        let folder = dir.join(HOLDERS_DIR);
        let pid = std::process::id();
        let host = host();
        let note = Note {
            what: WHAT.get().cloned().unwrap_or_else(|| "评查程序".into()),
            pid,
            host: host.clone(),
            user: user(),
            since: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
        };
        let path = folder.join(format!("{}-{pid}.json", file_safe(&host)));
        let written = std::fs::create_dir_all(&folder)
            .and_then(|()| std::fs::write(&path, serde_json::to_vec(&note).unwrap_or_default()));
        Self {
            path: written.is_ok().then_some(path),
        }
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn file_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' })
        .collect()
}

/// The other live processes of this machine that have the project at `dir` open, as Chinese
/// phrases (`评查窗口（进程 4321，张敏，2026-12-02 10:02 起）`); notes of this machine's
/// processes that are gone are removed on the way.
pub fn others(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join(HOLDERS_DIR)) else {
        return Vec::new();
    };
    let here = host();
    let me = std::process::id();
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(note) = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Note>(&bytes).ok())
        else {
            continue;
        };
        if note.host != here || note.pid == me {
            continue;
        }
        if !alive(note.pid) {
            let _ = std::fs::remove_file(&path);
            continue;
        }
        let user = if note.user.is_empty() {
            String::new()
        } else {
            format!("，用户 {}", note.user)
        };
        found.push(format!("{}（进程 {}{user}，{} 起）", note.what, note.pid, note.since));
    }
    found.sort();
    found
}
