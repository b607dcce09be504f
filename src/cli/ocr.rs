//! `pingcha ocr-page` (one page read, as text or JSON) and `pingcha ocr` (a project's scans).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;

use crate::import::ImportLimits;
use crate::ocr::{OcrLine, PageText};

/// `pingcha ocr-page FILE [--page N] [--json]`: reads one page of a PDF or image file.
pub fn ocr_page(file: &Path, page: u32, json_out: bool) -> anyhow::Result<ExitCode> {
    let (image, pages) = crate::worker::page_image(file, page.max(1), &ImportLimits::default(), None)
        .map_err(|e| anyhow::anyhow!("{}：{e}", file.display()))?;
    let mut reader = crate::ocr::open_reader(crate::jobs::ocr::threads_for_command_line())?;
    let read = reader
        .read_page(&image, None)
        .with_context(|| format!("{} 第 {page} 页", file.display()))?;
    if json_out {
        outln!(
            "{}",
            serde_json::to_string_pretty(&page_json(&read, reader.engine(), page, pages))?
        );
    } else {
        for line in &read.lines {
            outln!(
                "{}{}",
                line.text,
                if line.is_uncertain() {
                    "  〔识别存疑〕"
                } else {
                    ""
                }
            );
        }
        errln!(
            "第 {page}/{pages} 页，{} 行；检测 {} ms，方向 {} ms，识别 {} ms（{}）",
            read.lines.len(),
            read.timings.detect_ms,
            read.timings.classify_ms,
            read.timings.recognise_ms,
            reader.engine()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn line_json(line: &OcrLine) -> serde_json::Value {
    json!({
        "text": line.text,
        "confidence": line.confidence,
        "uncertain": line.is_uncertain(),
        "box": line.quad,
    })
}

/// One page as JSON: lines with their boxes (page fractions: top-left, top-right,
/// bottom-right, bottom-left) and confidence.
fn page_json(read: &PageText, engine: &str, page: u32, pages: u32) -> serde_json::Value {
    json!({
        "page": page,
        "pages": pages,
        "width": read.width,
        "height": read.height,
        "engine": engine,
        "timings_ms": read.timings,
        "lines": read.lines.iter().map(line_json).collect::<Vec<_>>(),
    })
}
