//! The desktop app (eframe/egui): case list, case view, import with progress. The only
//! module that uses `egui`, `eframe` and `rfd`.
//!
//! Owns: drawing and input. Must not touch: SQL, `Session`, file writing (`tests/layers.rs`
//! refuses them here): every such request goes to the service threads
//! (`service::host::Backend`), whose answers are applied at the start of a frame.

mod app;
mod campaigns;
mod case_list;
mod case_view;
mod commands;
mod editor;
mod facts;
mod history;
mod import_dialog;
mod jobs;
mod notices;
mod ocr;
mod path_field;
mod profile;
mod project_dialog;
mod rectify;
mod reports;
pub mod scoring;
mod settings;
mod table_import;
pub mod theme;
mod viewer;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

pub use crate::service::host::Backend;
pub use crate::service::protocol::{FindingCount, Request, Response};
pub use app::PingchaApp;

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

/// The window icon (the same drawing as the .deb's icons).
const ICON_PNG: &[u8] = include_bytes!("../../assets/icons/pingcha-256.png");

/// Exit code when there is no graphical display to open the window on.
pub const EXIT_NO_DISPLAY: u8 = 3;
/// Exit code when the display offers no usable OpenGL 2.0 (also after the software retry).
pub const EXIT_NO_OPENGL: u8 = 4;

/// Set on the retry with Mesa's software renderer, so it is tried once.
const SOFTWARE_RETRY_ENV: &str = "PINGCHA_SOFTWARE_GL";

/// Why the window could not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowFailure {
    /// No X11 or Wayland display to connect to (a remote shell, a service).
    NoDisplay,
    /// A display, but no OpenGL 2.0 context (a VM or 云桌面 without 3D, a missing driver).
    NoOpenGl,
    /// Anything else.
    Other,
}

impl WindowFailure {
    /// Sorts eframe's error.
    pub fn of(err: &eframe::Error) -> Self {
        match err {
            eframe::Error::WinitEventLoop(_) => WindowFailure::NoDisplay,
            eframe::Error::Glutin(_) | eframe::Error::NoGlutinConfigs(..) | eframe::Error::OpenGL(_) => {
                WindowFailure::NoOpenGl
            }
            _ => WindowFailure::Other,
        }
    }

    /// What the user reads: what is missing and how to go on, in Chinese.
    pub fn message(self, detail: &str) -> String {
        match self {
            WindowFailure::NoDisplay => format!(
                "无法打开评查窗口：没有可用的图形显示（未设置 DISPLAY 或 WAYLAND_DISPLAY）。\n\
                 请在图形桌面中启动评查；在远程终端中可以使用命令行（pingcha --help）。\n（详情：{detail}）"
            ),
            WindowFailure::NoOpenGl => format!(
                "无法打开评查窗口：这台电脑的显卡驱动没有提供 OpenGL 2.0 以上（已尝试软件渲染）。\n\
                 处理办法：\n\
                 1. 安装 Mesa 图形库：sudo apt install libgl1-mesa-dri libegl-mesa0 libglx-mesa0；\n\
                 2. 在虚拟机或云桌面中，请管理员开启 3D 加速（或显卡直通）；\n\
                 3. 仍无法打开时，可先使用命令行完成导入、检查和报告（pingcha --help）。\n（详情：{detail}）"
            ),
            WindowFailure::Other => format!("无法打开评查窗口：{detail}"),
        }
    }

    /// The process's exit code for this failure.
    pub fn exit_code(self) -> u8 {
        match self {
            WindowFailure::NoDisplay => EXIT_NO_DISPLAY,
            WindowFailure::NoOpenGl => EXIT_NO_OPENGL,
            WindowFailure::Other => 1,
        }
    }
}

/// Opens the window. With no project: the last one used, else the demo project (generated
/// by the sample generator on first start, in the user's data folder).
pub fn run(project: Option<PathBuf>) -> ExitCode {
    crate::places::log_panics();
    crate::places::init_logging();
    crate::store::holders::describe_process("评查窗口");
    let places = match crate::places::Places::of_user() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let icon = eframe::icon_data::from_png_bytes(ICON_PNG)
        .inspect_err(|e| log::warn!("程序图标无法读取：{e}"))
        .ok();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("评查 Pingcha")
        .with_app_id(APP_ID)
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([960.0, 600.0]);
    if let Some(icon) = icon {
        viewport = viewport.with_icon(std::sync::Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        persistence_path: Some(places.config.join("app.ron")),
        ..eframe::NativeOptions::default()
    };
    let demo_project = places.demo_project();
    let demo_packages = places.demo_packages();
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
                    None => (demo_project, true),
                },
            };
            let demo = seed_demo.then_some(demo_packages);
            Ok(Box::new(PingchaApp::new(&cc.egui_ctx, dir, demo, cc.storage)))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let failure = WindowFailure::of(&err);
            let detail = err.to_string();
            crate::places::log(&format!("无法打开窗口（{failure:?}）：{detail}"));
            if failure == WindowFailure::NoOpenGl
                && std::env::var_os(SOFTWARE_RETRY_ENV).is_none()
                && let Some(code) = retry_with_software_rendering()
            {
                return code;
            }
            // The full text is in the log; the message keeps its start.
            let short: String = detail.chars().take(160).collect();
            let short = if short.len() < detail.len() {
                format!("{short}…")
            } else {
                short
            };
            eprintln!("{}\n日志：{}", failure.message(&short), places.log_file().display());
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Starts this program again with Mesa's software renderer (llvmpipe), which gives OpenGL
/// on machines whose driver or VM has none; the child's exit code is ours. `None` when the
/// retry could not even start. A window cannot be retried in-process: the event loop is
/// created once per process.
fn retry_with_software_rendering() -> Option<ExitCode> {
    eprintln!("显卡 OpenGL 不可用，正在改用软件渲染重试…");
    let exe = std::env::current_exe().ok()?;
    let status = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(SOFTWARE_RETRY_ENV, "1")
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .status()
        .ok()?;
    crate::places::log(&format!("软件渲染重试结束：{status}"));
    Some(match status.code() {
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::from(1),
    })
}
