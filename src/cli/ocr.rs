//! `pingcha ocr-page` (one page read, as text or JSON) and `pingcha ocr` (a project's scans).

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::Context;
use serde_json::json;

use crate::import::ImportLimits;
use crate::ocr::{OcrLine, PageText};
use crate::service::ocr::{OcrReport, OcrScope, plan_ocr, run_ocr};

/// `pingcha ocr-page FILE [--page N] [--json]`: reads one page of a PDF or image file.
pub fn ocr_page(file: &Path, page: u32, json_out: bool) -> anyhow::Result<ExitCode> {
    let (image, pages) = crate::worker::page_image(file, page.max(1), &ImportLimits::default(), None)
        .map_err(|e| anyhow::anyhow!("{}：{e}", file.display()))?;
    let mut reader = crate::ocr::open_reader(crate::service::ocr::threads_for_command_line())?;
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

/// `pingcha ocr PROJECT [--case NUMBER] [--all-pages]`: reads the project's scanned pages not
/// read yet (pages without a text layer, or every page), progress on stderr. Exit code 1 when
/// a page could not be read or the engine is not installed.
pub fn ocr_project(project_dir: &Path, case: Option<&str>, all_pages: bool) -> anyhow::Result<ExitCode> {
    let mut project = super::open_project(project_dir)?;
    if let Some(number) = case {
        project
            .load_case_by_number(number)
            .with_context(|| format!("项目中没有案卷 {number}"))?;
    }
    let scope = if all_pages {
        OcrScope::AllPages
    } else {
        OcrScope::MissingText
    };
    let report = read_planned(&mut project, case, scope)?;
    Ok(if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// After `pingcha import`: the project's `ocr_on_import` scope. Without the engine, says so
/// and how to install it; the import itself stands.
pub fn after_import(project: &mut crate::store::Project) -> anyhow::Result<()> {
    let scope = crate::service::ocr::ocr_scope(project);
    if scope == OcrScope::Off {
        return Ok(());
    }
    if plan_ocr(project, None, scope)?.is_empty() {
        return Ok(());
    }
    if let Err(e) = crate::ocr::OcrInstall::locate() {
        errln!("{e}（导入已完成；安装后运行 pingcha ocr 项目 即可识别）");
        return Ok(());
    }
    read_planned(project, None, scope).map(|_| ())
}

fn read_planned(project: &mut crate::store::Project, case: Option<&str>, scope: OcrScope) -> anyhow::Result<OcrReport> {
    let plan = plan_ocr(project, case, scope)?;
    if plan.is_empty() {
        outln!("没有需要识别的页面（扫描件均已识别，或均有文字层）");
        return Ok(OcrReport::default());
    }
    let mut reader = crate::ocr::open_reader(crate::service::ocr::threads_for_command_line())?;
    let cancel = AtomicBool::new(false);
    let interactive = std::io::stderr().is_terminal();
    let report = run_ocr(project, &plan, reader.as_mut(), &cancel, &mut |p| {
        if interactive {
            eprint!(
                "\r\x1b[K识别中 {}/{} 页 {}…",
                p.pages_done + 1,
                p.pages_total,
                p.current
            );
            let _ = std::io::stderr().flush();
        } else if !p.current.is_empty() && p.pages_done < p.pages_total {
            eprintln!("识别中 {}/{} 页 {}", p.pages_done + 1, p.pages_total, p.current);
        }
    })?;
    if interactive {
        eprint!("\r\x1b[K");
    }
    for failure in &report.failures {
        errln!("{failure}");
    }
    outln!("{}", report.summary());
    Ok(report)
}

/// `pingcha ocr PROJECT --on-import SCOPE`: which pages imports read.
pub fn set_scope(project_dir: &Path, scope: OcrScope) -> anyhow::Result<()> {
    let session = crate::service::session::Session::open(project_dir)?;
    session.save_ocr_scope(scope)?;
    outln!("导入时文字识别：{}", scope.label());
    Ok(())
}

/// `pingcha ocr PROJECT --accept-above CONF|off`: the project's automatic acceptance of sure
/// values read from scans (blank facts only), or none.
pub fn set_auto_accept(project_dir: &Path, value: &str) -> anyhow::Result<()> {
    let session = crate::service::session::Session::open(project_dir)?;
    let range = crate::service::facts::AUTO_ACCEPT_RANGE;
    let threshold = match value.trim() {
        "off" | "关闭" => None,
        v => Some(v.parse::<f32>().ok().filter(|t| range.contains(t)).ok_or_else(|| {
            anyhow::anyhow!(
                "--accept-above {v}：应为 {} 到 {} 之间的置信度（如 {}），或 off",
                range.start(),
                range.end(),
                crate::service::facts::AUTO_ACCEPT_SUGGESTED
            )
        })?),
    };
    session.save_auto_accept(threshold)?;
    match threshold {
        Some(t) => {
            outln!("识别后自动采纳：置信度不低于 {t} 且无疑问的事实，仅填写案卷未载明的项（记在“自动采纳”名下）")
        }
        None => outln!("识别后自动采纳：关闭（识别结果均须人工采纳）"),
    }
    Ok(())
}
