//! Where Pingcha keeps its per-user files, by each platform's rules (the `directories` crate):
//!
//! | what | Linux (XDG) | Windows |
//! |---|---|---|
//! | window settings, recent projects | `~/.config/pingcha/` | `%APPDATA%\pingcha\config\` |
//! | signing keys (owner-only) | `~/.local/share/pingcha/keys/` | `%APPDATA%\pingcha\data\keys\` |
//! | the demo project and its packages | `~/.local/share/pingcha/示例项目/`, `…/示例案卷/` | `%APPDATA%\pingcha\data\…` |
//! | log | `~/.local/state/pingcha/pingcha.log` | `%LOCALAPPDATA%\pingcha\data\logs\pingcha.log` |
//!
//! `PINGCHA_HOME` moves all of them under one folder (portable use, tests); `PINGCHA_KEY_DIR`
//! moves only the keys. Nothing here falls back to the temp folder: without a home folder
//! the caller gets an error that says what to set.

use std::path::{Path, PathBuf};

/// What could not be placed.
#[derive(Debug, thiserror::Error)]
pub enum PlacesError {
    #[error(
        "找不到当前用户的主目录（HOME 未设置），无法确定{what}的位置；请设置环境变量 PINGCHA_HOME 指向一个仅本人可访问的文件夹"
    )]
    NoHome { what: &'static str },
    #[error("PINGCHA_HOME 应为绝对路径，收到 {0}")]
    RelativeHome(String),
    #[error("{path}：{source}")]
    Io { path: String, source: std::io::Error },
    #[error(
        "密钥文件夹 {path} 其他用户也能访问（权限 {mode:o}），私钥不能放在这里；请改为仅本人可访问（chmod 700）或设置 PINGCHA_KEY_DIR"
    )]
    NotPrivate { path: String, mode: u32 },
}

/// The folders of one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    /// Settings the window remembers (eframe's storage file).
    pub config: PathBuf,
    /// Keys, the demo project and its packages.
    pub data: PathBuf,
    /// The log file's folder.
    pub logs: PathBuf,
}

impl Places {
    /// The current user's folders: `PINGCHA_HOME` if set, else the platform's.
    pub fn of_user() -> Result<Self, PlacesError> {
        Self::from_env(std::env::var_os("PINGCHA_HOME").map(PathBuf::from), || {
            directories::ProjectDirs::from("", "", "pingcha").map(|dirs| Places {
                config: dirs.config_dir().to_path_buf(),
                data: dirs.data_dir().to_path_buf(),
                logs: dirs
                    .state_dir()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dirs.data_local_dir().join("logs")),
            })
        })
    }

    fn from_env(home: Option<PathBuf>, platform: impl FnOnce() -> Option<Places>) -> Result<Self, PlacesError> {
        match home {
            Some(root) if root.is_absolute() => Ok(Places {
                config: root.join("config"),
                data: root.join("data"),
                logs: root.join("logs"),
            }),
            Some(root) => Err(PlacesError::RelativeHome(root.display().to_string())),
            None => platform().ok_or(PlacesError::NoHome { what: "用户数据" }),
        }
    }

    /// The signing keys' default folder (`review::kit::key_dir` lets `PINGCHA_KEY_DIR`
    /// override it).
    pub fn key_dir(&self) -> PathBuf {
        self.data.join("keys")
    }

    /// The demo project, created on first start.
    pub fn demo_project(&self) -> PathBuf {
        self.data.join("示例项目")
    }

    /// The generated sample packages the demo project is imported from.
    pub fn demo_packages(&self) -> PathBuf {
        self.data.join("示例案卷")
    }

    /// The log file.
    pub fn log_file(&self) -> PathBuf {
        self.logs.join("pingcha.log")
    }
}

/// Creates `dir` (and its parents) readable by its owner only, or checks that an existing
/// one is: a private key must never land in a folder others can list or read.
pub fn private_dir(dir: &Path) -> Result<(), PlacesError> {
    let io = |source| PlacesError::Io {
        path: dir.display().to_string(),
        source,
    };
    if !dir.is_dir() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).map_err(io)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir).map_err(io)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(PlacesError::NotPrivate {
                path: dir.display().to_string(),
                mode,
            });
        }
    }
    Ok(())
}

/// Appends one line to the log (best effort: a log that cannot be written must not stop
/// the program). Each line starts with the local time.
pub fn log(line: &str) {
    let Ok(places) = Places::of_user() else { return };
    if std::fs::create_dir_all(&places.logs).is_err() {
        return;
    }
    let stamp = chrono::Local::now().format("%Y-%m-%d %H:%M:%S");
    let text = format!("{stamp} {}\n", line.replace('\n', "\n    "));
    use std::io::Write;
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(places.log_file())
    {
        // The log itself failing has nowhere left to be told.
        let _ = file.write_all(text.as_bytes());
    }
}

/// Sends the `log` records of this program (the service threads, imports, jobs; `info` and
/// above, or the level `PINGCHA_LOG` names: `debug`, `warn`…) to the log file, so a user's
/// problem can be diagnosed from it. Records of other crates are left out. Idempotent.
pub fn init_logging() {
    static LOGGER: FileLogger = FileLogger;
    let level = std::env::var("PINGCHA_LOG")
        .ok()
        .and_then(|l| l.parse::<log::LevelFilter>().ok())
        .unwrap_or(log::LevelFilter::Info);
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level);
    }
}

/// The `log` front of [`log`]: one line per record, its level and thread named.
struct FileLogger;

impl log::Log for FileLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target().starts_with("pingcha") && metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            let thread = std::thread::current().name().unwrap_or("?").to_string();
            log(&format!("[{} {thread}] {}", record.level(), record.args()));
        }
    }

    fn flush(&self) {}
}

/// Writes panics to the log as well as to standard error, so a crash on a user's machine
/// leaves a trace they can send.
pub fn log_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current().name().unwrap_or("?").to_string();
        log(&format!("程序错误（线程 {thread}）：{info}"));
        previous(info);
    }));
}

/// Writes a file whole or not at all: a temporary file beside it, flushed to disk, renamed
/// over the target, the folder flushed. A failure removes the temporary file.
pub fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, target)?;
        // The rename is done; syncing the folder makes it durable where the platform can.
        if let Ok(d) = std::fs::File::open(&dir)
            && let Err(e) = d.sync_all()
        {
            log::debug!("文件夹 {} 未能同步：{e}", dir.display());
        }
        Ok(())
    })();
    if result.is_err() {
        // The write failed and says so; the half-written temp file goes if it can.
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// An operating-system error in Chinese (the system's own words after it, for support).
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "不存在",
        K::PermissionDenied => "没有访问权限",
        K::AlreadyExists => "已存在",
        K::NotADirectory => "路径中有一项不是文件夹",
        K::IsADirectory => "是文件夹，不是文件",
        K::ReadOnlyFilesystem => "所在磁盘只读",
        K::StorageFull => "磁盘已满",
        K::InvalidFilename => "文件名无效",
        _ => "无法访问",
    };
    format!("{what}（{e}）")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_is_written_whole_or_not_at_all() {
        // #19 item 11: outputs were left truncated on a full disk.
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("报告.pdf");
        std::fs::write(&target, b"old report").unwrap();
        write_atomically(&target, b"new report").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new report");
        // A write that cannot finish (here: the target is a folder) leaves what was there and
        // no partial file beside it.
        let folder = dir.path().join("一个文件夹");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("keep"), b"x").unwrap();
        assert!(write_atomically(&folder, b"data").is_err());
        assert!(folder.join("keep").is_file());
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".partial")), "{names:?}");
    }

    #[test]
    fn a_set_home_puts_everything_under_it() {
        let places = Places::from_env(Some(PathBuf::from("/srv/pingcha")), || None).unwrap();
        assert_eq!(places.config, PathBuf::from("/srv/pingcha/config"));
        assert_eq!(places.data, PathBuf::from("/srv/pingcha/data"));
        assert_eq!(places.demo_project(), PathBuf::from("/srv/pingcha/data/示例项目"));
        assert_eq!(places.log_file(), PathBuf::from("/srv/pingcha/logs/pingcha.log"));
    }

    #[test]
    fn no_home_is_an_error_not_the_temp_folder() {
        let err = Places::from_env(None, || None).unwrap_err();
        assert!(err.to_string().contains("PINGCHA_HOME"), "{err}");
        // A relative PINGCHA_HOME is refused, naming it (it would move with the working folder).
        let err = Places::from_env(Some(PathBuf::from("rel")), || None).unwrap_err();
        assert!(
            err.to_string().contains("绝对路径") && err.to_string().contains("rel"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn key_folders_are_owner_only_and_open_ones_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let fresh = tmp.path().join("a/b/keys");
        private_dir(&fresh).unwrap();
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        let open = tmp.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        let err = private_dir(&open).unwrap_err();
        assert!(err.to_string().contains("755"), "{err}");
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o700)).unwrap();
        private_dir(&open).unwrap();
    }
}
