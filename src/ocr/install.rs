//! Where the OCR engine's files are, and whether they are the ones this program was tested
//! with. `scripts/fetch-ocr.sh` fetches them from PyPI (the `onnxruntime` and
//! `rapidocr-onnxruntime` wheels), checks the wheels' SHA-256 and unpacks them into one folder:
//!
//! 1. `PINGCHA_OCR_DIR`, when set (and then only there);
//! 2. `ocr/` next to the executable (a portable copy, an installed package);
//! 3. `ocr/` in the user's data folder (`~/.local/share/pingcha/ocr`, or under
//!    `PINGCHA_HOME`) — where the script puts it by default.
//!
//! The models are checked against SHA-256 sums pinned here: the pre- and post-processing of
//! `pipeline` are tested with exactly these models, so another version is a deliberate change
//! (new sums, the accuracy test re-run), never a silent swap.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::OcrError;

/// The ONNX Runtime release the engine is tested with.
pub const RUNTIME_VERSION: &str = "1.31.1";

/// The runtime library's file name on this platform.
pub const RUNTIME_FILE: &str = if cfg!(windows) {
    "onnxruntime.dll"
} else if cfg!(target_os = "macos") {
    "libonnxruntime.1.31.1.dylib"
} else {
    "libonnxruntime.so.1.31.1"
};

/// A pinned model file.
#[derive(Debug, Clone, Copy)]
pub struct ModelFile {
    /// File name in the OCR folder.
    pub name: &'static str,
    /// What it does, in Chinese (for messages).
    pub role: &'static str,
    /// SHA-256 of the file as shipped in `rapidocr-onnxruntime` 1.4.4.
    pub sha256: &'static str,
}

/// Text detection (PP-OCRv4, Chinese).
pub const DETECTION: ModelFile = ModelFile {
    name: "ch_PP-OCRv4_det_infer.onnx",
    role: "文字检测模型",
    sha256: "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9",
};
/// Direction classification (PP-OCR mobile v2.0).
pub const CLASSIFIER: ModelFile = ModelFile {
    name: "ch_ppocr_mobile_v2.0_cls_infer.onnx",
    role: "方向分类模型",
    sha256: "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
};
/// Text recognition (PP-OCRv4, Chinese; its characters in the model's `character` metadata).
pub const RECOGNITION: ModelFile = ModelFile {
    name: "ch_PP-OCRv4_rec_infer.onnx",
    role: "文字识别模型",
    sha256: "48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b",
};

/// The engine's name and versions, stored with every page read.
pub const ENGINE: &str = "PP-OCRv4 ch det/rec + mobile v2.0 cls · ONNX Runtime 1.31.1";

/// The folder holding the engine's files, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrInstall {
    /// The folder.
    pub dir: PathBuf,
}

impl OcrInstall {
    /// The folders looked in, in order (see the module header).
    pub fn candidates() -> Vec<PathBuf> {
        if let Some(dir) = std::env::var_os("PINGCHA_OCR_DIR").filter(|d| !d.is_empty()) {
            return vec![PathBuf::from(dir)];
        }
        let mut dirs = Vec::new();
        if let Some(exe_dir) = std::env::current_exe()
            .ok()
            .and_then(|e| e.parent().map(Path::to_path_buf))
        {
            dirs.push(exe_dir.join("ocr"));
        }
        if let Ok(places) = crate::places::Places::of_user() {
            dirs.push(places.data.join("ocr"));
        }
        dirs
    }

    /// The first candidate folder that holds the runtime, checked; or what is missing where
    /// it would be installed by default.
    pub fn locate() -> Result<Self, OcrError> {
        let candidates = Self::candidates();
        let found = candidates.iter().find(|d| d.join(RUNTIME_FILE).is_file());
        match found {
            Some(dir) => Self::at(dir),
            None => Err(OcrError::Missing {
                what: format!("ONNX Runtime {RUNTIME_VERSION}"),
                path: candidates
                    .last()
                    .map(|d| d.join(RUNTIME_FILE).display().to_string())
                    .unwrap_or_else(|| RUNTIME_FILE.to_string()),
            }),
        }
    }

    /// The install in `dir`: the runtime present, the three models present and pinned.
    pub fn at(dir: &Path) -> Result<Self, OcrError> {
        let runtime = dir.join(RUNTIME_FILE);
        if !runtime.is_file() {
            return Err(OcrError::Missing {
                what: format!("ONNX Runtime {RUNTIME_VERSION}"),
                path: runtime.display().to_string(),
            });
        }
        for model in [DETECTION, CLASSIFIER, RECOGNITION] {
            check_model(dir, &model)?;
        }
        Ok(Self { dir: dir.to_path_buf() })
    }

    /// The runtime library.
    pub fn runtime(&self) -> PathBuf {
        self.dir.join(RUNTIME_FILE)
    }

    /// A model file.
    pub fn model(&self, model: &ModelFile) -> PathBuf {
        self.dir.join(model.name)
    }
}

/// Present and with the pinned SHA-256 (hashed once per file and size per process).
fn check_model(dir: &Path, model: &ModelFile) -> Result<(), OcrError> {
    use std::collections::HashSet;
    use std::sync::Mutex;
    static CHECKED: Mutex<Option<HashSet<(PathBuf, u64)>>> = Mutex::new(None);

    let path = dir.join(model.name);
    let size = match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() => meta.len(),
        _ => {
            return Err(OcrError::Missing {
                what: model.role.to_string(),
                path: path.display().to_string(),
            });
        }
    };
    let key = (path.clone(), size);
    if CHECKED
        .lock()
        .map(|c| c.as_ref().is_some_and(|c| c.contains(&key)))
        .unwrap_or(false)
    {
        return Ok(());
    }
    let digest = sha256_of(&path).map_err(|e| OcrError::Missing {
        what: model.role.to_string(),
        path: format!("{}：{e}", path.display()),
    })?;
    if digest != model.sha256 {
        return Err(OcrError::Mismatch {
            file: path.display().to_string(),
            why: format!("SHA-256 为 {}…，应为 {}…", &digest[..12], &model.sha256[..12]),
        });
    }
    if let Ok(mut checked) = CHECKED.lock() {
        checked.get_or_insert_with(HashSet::new).insert(key);
    }
    Ok(())
}

fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_folder_names_the_runtime_and_the_install_command() {
        let dir = tempfile::tempdir().unwrap();
        let err = OcrInstall::at(dir.path()).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("ONNX Runtime 1.31.1"), "{message}");
        assert!(message.contains("scripts/fetch-ocr.sh"), "{message}");
        assert!(message.contains(RUNTIME_FILE), "{message}");
    }

    #[test]
    fn a_wrong_model_file_is_refused_by_its_sum() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(RUNTIME_FILE), b"not a library").unwrap();
        let err = OcrInstall::at(dir.path()).unwrap_err();
        assert!(
            matches!(err, OcrError::Missing { ref what, .. } if what == "文字检测模型"),
            "{err}"
        );
        for model in [DETECTION, CLASSIFIER, RECOGNITION] {
            std::fs::write(dir.path().join(model.name), b"a different model").unwrap();
        }
        let err = OcrInstall::at(dir.path()).unwrap_err();
        assert!(matches!(err, OcrError::Mismatch { .. }), "{err}");
        assert!(err.to_string().contains("SHA-256"), "{err}");
    }
}
