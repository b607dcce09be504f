//! Optical character recognition of scanned pages, offline: PP-OCR (text detection,
//! direction classification, recognition) run through ONNX Runtime, which is loaded at run
//! time from the files `scripts/fetch-ocr.sh` installs.
//!
//! One small interface for callers — [`PageReader`]: a page image in, lines with their boxes,
//! text and confidence out — so that another engine can be added without touching them.
//! [`open_reader`] gives the installed engine or says, in Chinese, what is missing and the
//! command that installs it; nothing here panics on a missing or damaged file.
//!
//! Owns: page images ([`raster`]), box geometry, the PP-OCR pre- and post-processing
//! ([`pipeline`]), the ONNX Runtime engine ([`onnx`]) and where its files are ([`install`]).
//! Must not use `rusqlite`, `egui`, `printpdf`, or the layers above (`store`, `service`, `cli`,
//! `ui`): storing and scheduling OCR is `service::ocr`'s work.

pub mod geometry;
pub mod install;
pub mod onnx;
pub mod pipeline;
pub mod raster;

use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

pub use install::OcrInstall;
pub use raster::Gray;

/// Lines read with less confidence than this are shown as uncertain wherever their text is
/// shown (the recogniser's mean character probability).
pub const LOW_CONFIDENCE: f32 = 0.85;

/// Resolution pages are rendered at for OCR (dots per inch): the scanners' usual 200 dpi.
pub const OCR_DPI: f32 = 200.0;

/// One line of text found on a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcrLine {
    /// What was read.
    pub text: String,
    /// Mean character probability, 0–1.
    pub confidence: f32,
    /// Corners (top-left, top-right, bottom-right, bottom-left) as fractions of the page's
    /// width and height, so the box fits the page at any zoom.
    pub quad: [[f32; 2]; 4],
}

impl OcrLine {
    /// Read with less than [`LOW_CONFIDENCE`].
    pub fn is_uncertain(&self) -> bool {
        self.confidence < LOW_CONFIDENCE
    }

    /// The axis-aligned bounds `[x0, y0, x1, y1]` (page fractions).
    pub fn bounds(&self) -> [f32; 4] {
        let xs = self.quad.map(|p| p[0]);
        let ys = self.quad.map(|p| p[1]);
        [
            xs.iter().copied().fold(f32::MAX, f32::min),
            ys.iter().copied().fold(f32::MAX, f32::min),
            xs.iter().copied().fold(f32::MIN, f32::max),
            ys.iter().copied().fold(f32::MIN, f32::max),
        ]
    }
}

/// The text of lines, one per line.
pub fn lines_text(lines: &[OcrLine]) -> String {
    lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// Milliseconds spent in each stage of one page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    /// Text detection, with its pre- and post-processing.
    pub detect_ms: u64,
    /// Direction classification.
    pub classify_ms: u64,
    /// Recognition.
    pub recognise_ms: u64,
}

/// What was read on one page, lines in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageText {
    /// The image's width in pixels.
    pub width: u32,
    /// The image's height in pixels.
    pub height: u32,
    /// Lines, top to bottom, left to right.
    pub lines: Vec<OcrLine>,
    /// Time per stage.
    pub timings: Timings,
}

impl PageText {
    /// A page with nothing on it.
    pub fn empty(width: u32, height: u32) -> Self {
        Self {
            width,
            height,
            lines: Vec::new(),
            timings: Timings::default(),
        }
    }

    /// The page's text, one line per line.
    pub fn text(&self) -> String {
        lines_text(&self.lines)
    }

    /// Mean confidence over the lines (1 for an empty page: nothing was doubtful).
    pub fn confidence(&self) -> f32 {
        if self.lines.is_empty() {
            1.0
        } else {
            self.lines.iter().map(|l| l.confidence).sum::<f32>() / self.lines.len() as f32
        }
    }
}

/// Why OCR could not run or did not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcrError {
    /// The runtime or a model file is not installed.
    #[error("文字识别（OCR）不可用：缺少{what}（{path}）。安装方法：在程序目录运行 scripts/fetch-ocr.sh")]
    Missing {
        /// What is missing, in Chinese.
        what: String,
        /// Where it was looked for.
        path: String,
    },
    /// A file is there but is not what this program was tested with.
    #[error("文字识别（OCR）不可用：{file} 与本程序配套的版本不符（{why}）。请重新运行 scripts/fetch-ocr.sh")]
    Mismatch {
        /// The file.
        file: String,
        /// How it differs.
        why: String,
    },
    /// ONNX Runtime refused to load or to run.
    #[error("文字识别（OCR）出错：{0}")]
    Runtime(String),
    /// The page image could not be read.
    #[error("页面图像无法读取：{0}")]
    BadImage(String),
    /// Stopped on request.
    #[error("已取消")]
    Cancelled,
}

/// An OCR engine: one page image in, its lines out.
pub trait PageReader: Send {
    /// Engine and model version, stored with every page read (e.g.
    /// `PP-OCRv4 ch (det/cls/rec) · ONNX Runtime 1.31.1`).
    fn engine(&self) -> &str;
    /// Reads one page. `cancel` is looked at between stages.
    fn read_page(&mut self, page: &Gray, cancel: Option<&AtomicBool>) -> Result<PageText, OcrError>;
}

/// The installed engine with `threads` threads per network run, or why there is none.
pub fn open_reader(threads: usize) -> Result<Box<dyn PageReader>, OcrError> {
    let install = OcrInstall::locate()?;
    Ok(Box::new(onnx::OnnxReader::open(&install, threads)?))
}
