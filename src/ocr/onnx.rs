//! The ONNX Runtime engine: the three PP-OCR networks as `ort` sessions over the runtime
//! library loaded at run time (`load-dynamic`; nothing is downloaded at build time).
//!
//! The runtime is loaded once per process; a failure to load is an error the caller shows,
//! and a later call tries again (after the user installed it).

use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::Tensor as OrtTensor;

use super::install::{self, CLASSIFIER, DETECTION, OcrInstall, RECOGNITION};
use super::pipeline::{self, Nets, Params, Tensor};
use super::raster::Gray;
use super::{OcrError, PageReader, PageText};

/// The process's one ONNX Runtime environment, made on first use.
static ENVIRONMENT: Mutex<Option<ort::environment::Environment>> = Mutex::new(None);

fn environment(install: &OcrInstall) -> Result<ort::environment::Environment, OcrError> {
    let mut slot = ENVIRONMENT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(env) = slot.as_ref() {
        return Ok(env.clone());
    }
    let runtime = install.runtime();
    let builder =
        ort::init_from(&runtime).map_err(|e| OcrError::Runtime(format!("无法加载 {}：{e}", runtime.display())))?;
    let env = builder
        .with_name("pingcha")
        .build()
        .map_err(|e| OcrError::Runtime(format!("ONNX Runtime 无法启动：{e}")))?;
    *slot = Some(env.clone());
    Ok(env)
}

/// PP-OCR through ONNX Runtime.
pub struct OnnxReader {
    det: Session,
    cls: Session,
    rec: Session,
    charset: Vec<String>,
    params: Params,
}

impl std::fmt::Debug for OnnxReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnnxReader")
            .field("characters", &self.charset.len())
            .finish()
    }
}

impl OnnxReader {
    /// Loads the runtime (once) and the three models, each run on `threads` threads.
    pub fn open(install: &OcrInstall, threads: usize) -> Result<Self, OcrError> {
        let env = environment(install)?;
        let session = |model: &install::ModelFile| -> Result<Session, OcrError> {
            let path = install.model(model);
            let fail = |e: String| OcrError::Runtime(format!("{}（{}）无法加载：{e}", model.role, path.display()));
            Session::builder(&env)
                .map_err(|e| fail(e.to_string()))?
                .with_optimization_level(GraphOptimizationLevel::Level3)
                .map_err(|e| fail(e.to_string()))?
                .with_intra_threads(threads.max(1))
                .map_err(|e| fail(e.to_string()))?
                .with_inter_threads(1)
                .map_err(|e| fail(e.to_string()))?
                .commit_from_file(&path)
                .map_err(|e| fail(e.to_string()))
        };
        let det = session(&DETECTION)?;
        let cls = session(&CLASSIFIER)?;
        let rec = session(&RECOGNITION)?;
        let charset = rec
            .metadata()
            .ok()
            .and_then(|m| m.custom("character"))
            .map(|chars| chars.lines().map(str::to_string).collect::<Vec<_>>())
            .filter(|c| !c.is_empty())
            .ok_or_else(|| OcrError::Mismatch {
                file: install.model(&RECOGNITION).display().to_string(),
                why: "模型中没有字符表（character）".into(),
            })?;
        Ok(Self {
            det,
            cls,
            rec,
            charset,
            params: Params::default(),
        })
    }
}

fn run(session: &mut Session, input: Tensor, what: &str) -> Result<Tensor, OcrError> {
    let fail = |e: String| OcrError::Runtime(format!("{what}运行失败：{e}"));
    let value = OrtTensor::from_array((input.shape.clone(), input.data)).map_err(|e| fail(e.to_string()))?;
    let outputs = session.run(ort::inputs![value]).map_err(|e| fail(e.to_string()))?;
    if outputs.len() == 0 {
        return Err(fail("没有输出".into()));
    }
    let (shape, data) = outputs[0]
        .try_extract_tensor::<f32>()
        .map_err(|e| fail(e.to_string()))?;
    let shape = shape
        .iter()
        .map(|&d| usize::try_from(d).map_err(|_| fail(format!("输出维度 {d}"))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Tensor {
        shape,
        data: data.to_vec(),
    })
}

impl Nets for OnnxReader {
    fn detect(&mut self, input: Tensor) -> Result<Tensor, OcrError> {
        run(&mut self.det, input, DETECTION.role)
    }

    fn classify(&mut self, input: Tensor) -> Result<Tensor, OcrError> {
        run(&mut self.cls, input, CLASSIFIER.role)
    }

    fn recognise(&mut self, input: Tensor) -> Result<Tensor, OcrError> {
        run(&mut self.rec, input, RECOGNITION.role)
    }

    fn charset(&self) -> &[String] {
        &self.charset
    }
}

impl PageReader for OnnxReader {
    fn engine(&self) -> &str {
        install::ENGINE
    }

    fn read_page(&mut self, page: &Gray, cancel: Option<&AtomicBool>) -> Result<PageText, OcrError> {
        let params = self.params.clone();
        pipeline::read_page(self, page, &params, cancel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_runtime_library_is_an_error_not_a_crash() {
        let installed = OcrInstall::locate().expect("the OCR engine is installed (scripts/fetch-ocr.sh)");
        let dir = tempfile::tempdir().unwrap();
        for model in [DETECTION, CLASSIFIER, RECOGNITION] {
            std::fs::copy(installed.model(&model), dir.path().join(model.name)).unwrap();
        }
        std::fs::write(dir.path().join(install::RUNTIME_FILE), b"\x7fELF not really a library").unwrap();
        let install = OcrInstall::at(dir.path()).expect("models pinned, runtime present");
        let err = OnnxReader::open(&install, 1).unwrap_err();
        assert!(
            matches!(err, OcrError::Runtime(ref m) if m.contains("无法加载")),
            "{err}"
        );
        // Nothing was kept: a later call tries again.
        assert!(ENVIRONMENT.lock().unwrap().is_none());
    }
}
