//! The desktop app (eframe/egui): case list, case view, import with progress. The only
//! module that uses `egui`, `eframe` and `rfd`.
//!
//! Must not run SQL or read files on the UI thread: every such request goes to the
//! project's backend thread (`backend`), whose answers are applied at the start of a frame.

mod app;
mod backend;
mod campaigns;
mod editor;
mod path_field;
mod reports;
pub mod scoring;
mod settings;
pub mod theme;
mod viewer;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

pub use app::PingchaApp;
pub use backend::{Backend, FindingCount, Request, Response};

/// The app id used for eframe's storage folder.
pub const APP_ID: &str = "pingcha";

/// Installs the bundled CJK font (regular as the proportional and monospace face, bold as
/// the `bold` family). Without it Chinese renders as boxes.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "noto-cjk".into(),
        Arc::new(egui::FontData::from_static(crate::assets::FONT_REGULAR)),
    );
    fonts.font_data.insert(
        "noto-cjk-bold".into(),
        Arc::new(egui::FontData::from_static(crate::assets::FONT_BOLD)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.entry(family).or_default().insert(0, "noto-cjk".into());
    }
    fonts.families.insert(
        egui::FontFamily::Name(theme::BOLD_FAMILY.into()),
        vec!["noto-cjk-bold".into(), "noto-cjk".into()],
    );
    ctx.set_fonts(fonts);
}

/// The bundled sample cases (`assets/samples`), used for the demo project.
pub fn bundled_samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("samples")
}

/// Where the demo project lives when no project is given.
pub fn demo_project_dir() -> PathBuf {
    eframe::storage_dir(APP_ID)
        .unwrap_or_else(std::env::temp_dir)
        .join("示例项目")
}

/// Opens the window. With no project: the last one used, else the demo project (created
/// from the bundled samples on first start).
pub fn run(project: Option<PathBuf>) -> ExitCode {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("评查 Pingcha")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([960.0, 600.0]),
        renderer: eframe::Renderer::Glow,
        ..eframe::NativeOptions::default()
    };
    let result = eframe::run_native(
        "评查 Pingcha",
        options,
        Box::new(move |cc| {
            install_fonts(&cc.egui_ctx);
            let remembered: Option<PathBuf> = cc.storage.and_then(|s| eframe::get_value(s, app::LAST_PROJECT_KEY));
            let (dir, seed_demo) = match project {
                Some(p) => (p, false),
                None => match remembered.filter(|p| p.join(crate::store::DB_FILE).is_file()) {
                    Some(p) => (p, false),
                    None => (demo_project_dir(), true),
                },
            };
            let demo = seed_demo.then(bundled_samples_dir);
            Ok(Box::new(PingchaApp::new(&cc.egui_ctx, dir, demo, cc.storage)))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("无法打开窗口：{err}");
            ExitCode::from(1)
        }
    }
}
