//! Document files, stored once each under `documents/` and named by their SHA-256.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;

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

impl Project {
    /// Where a stored file lives.
    pub fn blob_path(&self, sha256: &str, extension: &str) -> PathBuf {
        self.dir.join(DOCUMENTS_DIR).join(format!("{sha256}.{extension}"))
    }

    /// Streams `reader` into the project: hashes while copying to a temporary file, then
    /// renames it to its content name (or drops it when that file is already there). The
    /// database row for the file is written with the case, in the case's transaction.
    pub fn store_blob(&self, reader: &mut dyn Read, original_name: &str) -> Result<StoredBlob, StoreError> {
        let extension = clean_extension(original_name);
        let dir = self.dir.join(DOCUMENTS_DIR);
        let io_err = |path: &PathBuf| {
            let path = path.display().to_string();
            move |source| StoreError::Io {
                path: path.clone(),
                source,
            }
        };
        let tmp_path = dir.join(format!(".incoming-{}-{}", std::process::id(), unique_suffix()));
        let result = (|| {
            let file = File::create(&tmp_path).map_err(io_err(&tmp_path))?;
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
                out.write_all(&buf[..n]).map_err(io_err(&tmp_path))?;
                size += n as u64;
            }
            let file = out.into_inner().map_err(|e| StoreError::Io {
                path: tmp_path.display().to_string(),
                source: e.into_error(),
            })?;
            file.sync_all().map_err(io_err(&tmp_path))?;
            Ok::<_, StoreError>((hex(&hasher.finalize()), size))
        })();
        let (sha256, size_bytes) = match result {
            Ok(v) => v,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp_path);
                return Err(e);
            }
        };
        let final_path = self.blob_path(&sha256, &extension);
        if final_path.exists() {
            let _ = std::fs::remove_file(&tmp_path);
        } else {
            std::fs::rename(&tmp_path, &final_path).map_err(io_err(&final_path))?;
        }
        Ok(StoredBlob {
            sha256,
            size_bytes,
            extension,
        })
    }
}

fn unique_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    COUNTER.fetch_add(1, Ordering::Relaxed)
}
