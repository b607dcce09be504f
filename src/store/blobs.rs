//! Document files, stored once each under `documents/` and named by their SHA-256.
//!
//! [`BlobStore`] only needs the folder, so import workers can store files in parallel while
//! one thread writes the database.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{DOCUMENTS_DIR, Project, StoreError};

/// A file stored in the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Lower-case extension without the dot (`pdf`), kept so the system viewer can open it.
    pub extension: String,
}

/// Hex-encodes a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A safe extension for stored files: lower-case ASCII alphanumerics, at most 8 characters.
pub(crate) fn clean_extension(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.len() <= 8 && ext.chars().all(|c| c.is_ascii_alphanumeric()) => {
            ext.to_ascii_lowercase()
        }
        _ => "bin".to_string(),
    }
}

/// The `documents/` folder of a project; cheap to clone and safe to use from many threads.
#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

impl BlobStore {
    /// Where a stored file lives.
    pub fn path(&self, sha256: &str, extension: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.{extension}"))
    }

    /// Streams `reader` into the store: hashes while copying to a temporary file, then either
    /// drops it (that content is already stored) or flushes it to disk and renames it to its
    /// content name. Errors reading `reader` carry `original_name` as their path; errors
    /// writing carry the project file's path.
    pub fn store(&self, reader: &mut dyn Read, original_name: &str) -> Result<StoredBlob, StoreError> {
        self.store_tracked(reader, original_name).map(|(blob, _)| blob)
    }

    /// Like [`BlobStore::store`], also saying whether the content was new to the store (then
    /// the caller should [`BlobStore::sync_dir`] before the database refers to it).
    pub fn store_tracked(&self, reader: &mut dyn Read, original_name: &str) -> Result<(StoredBlob, bool), StoreError> {
        let extension = clean_extension(original_name);
        let tmp_path = self
            .dir
            .join(format!(".incoming-{}-{}", std::process::id(), unique_suffix()));
        let result = copy_hashing(reader, &tmp_path, original_name);
        let (sha256, size_bytes, file) = match result {
            Ok(v) => v,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp_path);
                return Err(e);
            }
        };
        let final_path = self.path(&sha256, &extension);
        let is_new = !final_path.exists();
        if !is_new {
            drop(file);
            let _ = std::fs::remove_file(&tmp_path);
        } else {
            // The data reaches the disk before the database can refer to it.
            let synced = file.sync_all();
            drop(file);
            if let Err(source) = synced.and_then(|()| std::fs::rename(&tmp_path, &final_path)) {
                let _ = std::fs::remove_file(&tmp_path);
                return Err(StoreError::Io {
                    path: final_path.display().to_string(),
                    source,
                });
            }
        }
        Ok((
            StoredBlob {
                sha256,
                size_bytes,
                extension,
            },
            is_new,
        ))
    }

    /// Stores a file without flushing it: the caller makes a whole batch durable at once with
    /// [`BlobStore::sync_batch`] before the database refers to any of it. Returns the blob and,
    /// when the content was new, the path written. A stored file whose size does not match
    /// (left short by a crash before its batch was flushed) is written again.
    pub fn store_deferred(
        &self,
        reader: &mut dyn Read,
        original_name: &str,
    ) -> Result<(StoredBlob, Option<PathBuf>), StoreError> {
        let extension = clean_extension(original_name);
        let tmp_path = self
            .dir
            .join(format!(".incoming-{}-{}", std::process::id(), unique_suffix()));
        let (sha256, size_bytes, file) = match copy_hashing(reader, &tmp_path, original_name) {
            Ok(v) => v,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp_path);
                return Err(e);
            }
        };
        drop(file);
        let final_path = self.path(&sha256, &extension);
        let stored_size = std::fs::metadata(&final_path).map(|m| m.len()).ok();
        let written = if stored_size == Some(size_bytes) {
            let _ = std::fs::remove_file(&tmp_path);
            None
        } else {
            if let Err(source) = std::fs::rename(&tmp_path, &final_path) {
                let _ = std::fs::remove_file(&tmp_path);
                return Err(StoreError::Io {
                    path: final_path.display().to_string(),
                    source,
                });
            }
            Some(final_path)
        };
        Ok((
            StoredBlob {
                sha256,
                size_bytes,
                extension,
            },
            written,
        ))
    }

    /// Makes the files of a batch durable, with their names: on Linux one `syncfs` of the
    /// documents' file system; elsewhere each file, then the folder.
    pub fn sync_batch(&self, written: &[PathBuf]) -> Result<(), StoreError> {
        if written.is_empty() {
            return Ok(());
        }
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let dir = File::open(&self.dir).map_err(|source| StoreError::Io {
                path: self.dir.display().to_string(),
                source,
            })?;
            // SAFETY: `dir` is an open descriptor for the duration of the call.
            let rc = unsafe { libc::syncfs(dir.as_raw_fd()) };
            if rc != 0 {
                return Err(StoreError::Io {
                    path: self.dir.display().to_string(),
                    source: std::io::Error::last_os_error(),
                });
            }
            Ok(())
        }
        #[cfg(not(target_os = "linux"))]
        {
            for path in written {
                File::open(path)
                    .and_then(|f| f.sync_all())
                    .map_err(|source| StoreError::Io {
                        path: path.display().to_string(),
                        source,
                    })?;
            }
            self.sync_dir()
        }
    }

    /// Removes `.incoming-*` files left by an import whose process is gone (killed or
    /// crashed); files of a live process are left alone. Returns how many were removed.
    pub fn remove_leftovers(&self) -> usize {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut removed = 0;
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(".incoming-") else {
                continue;
            };
            let pid: Option<u32> = rest.split('-').next().and_then(|p| p.parse().ok());
            if pid.is_some_and(process_alive) {
                continue;
            }
            if std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    /// Flushes the folder itself, so renames done by [`BlobStore::store`] survive a power cut.
    pub fn sync_dir(&self) -> Result<(), StoreError> {
        #[cfg(unix)]
        {
            File::open(&self.dir)
                .and_then(|d| d.sync_all())
                .map_err(|source| StoreError::Io {
                    path: self.dir.display().to_string(),
                    source,
                })?;
        }
        Ok(())
    }
}

fn copy_hashing(
    reader: &mut dyn Read,
    tmp_path: &Path,
    original_name: &str,
) -> Result<(String, u64, File), StoreError> {
    let write_err = |source| StoreError::Io {
        path: tmp_path.display().to_string(),
        source,
    };
    let file = File::create(tmp_path).map_err(write_err)?;
    let mut out = BufWriter::with_capacity(1 << 16, file);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size: u64 = 0;
    loop {
        let n = reader.read(&mut buf).map_err(|source| StoreError::Io {
            path: original_name.to_string(),
            source,
        })?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(write_err)?;
        size += n as u64;
    }
    let file = out.into_inner().map_err(|e| write_err(e.into_error()))?;
    Ok((hex(&hasher.finalize()), size, file))
}

impl Project {
    /// The project's file store.
    pub fn blobs(&self) -> BlobStore {
        BlobStore {
            dir: self.dir.join(DOCUMENTS_DIR),
        }
    }

    /// Where a stored file lives.
    pub fn blob_path(&self, sha256: &str, extension: &str) -> PathBuf {
        self.blobs().path(sha256, extension)
    }

    /// Stores one file (see [`BlobStore::store`]).
    pub fn store_blob(&self, reader: &mut dyn Read, original_name: &str) -> Result<StoredBlob, StoreError> {
        self.blobs().store(reader, original_name)
    }
}

/// Whether a process id is running (Linux: `/proc`; elsewhere assumed running unless it is
/// this process's own id from an earlier run, which cannot be told apart: kept).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        Path::new("/proc").join(pid.to_string()).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

fn unique_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    COUNTER.fetch_add(1, Ordering::Relaxed)
}
