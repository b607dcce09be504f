//! The 导入案卷 dialog and the import's progress in the status bar.
//!
//! Owns: the dialog's path, the running import's progress and the last import's report.
//! Must not touch: the service (starting, cancelling and OCR go back as `ImportIntent`s).

use std::path::PathBuf;

use egui::RichText;

use super::ocr::{OcrIntent, OcrPanel};
use super::path_field::{PathField, Pick};
use crate::service::{ImportProgress, ImportReport};

/// What the dialog asks `app.rs` to do.
pub enum ImportIntent {
    /// Import this path.
    Start(PathBuf),
    /// Stop the running import.
    Cancel,
    /// An OCR setting changed in the dialog.
    Ocr(OcrIntent),
    /// Read every scanned page of the project not read yet.
    ReadAllScans,
    /// A message about the picked path.
    Notice(String),
}

/// The import dialog and the import's state.
#[derive(Default)]
pub struct ImportDialog {
    open: bool,
    path: PathField,
    progress: Option<ImportProgress>,
    last_report: Option<ImportReport>,
}

impl ImportDialog {
    /// Shows the dialog.
    pub fn show(&mut self) {
        self.open = true;
    }

    /// Whether an import is running.
    pub fn running(&self) -> bool {
        self.progress.is_some()
    }

    /// An import was sent: progress shows from now on.
    pub fn started(&mut self) {
        self.progress = Some(ImportProgress {
            done: 0,
            total: 0,
            current: String::new(),
        });
    }

    /// The import moved on.
    pub fn apply_progress(&mut self, progress: ImportProgress) {
        self.progress = Some(progress);
    }

    /// The import ended with this report.
    pub fn finished(&mut self, report: ImportReport) {
        self.progress = None;
        self.last_report = Some(report);
    }

    /// Forgets the import state (another project opened).
    pub fn clear(&mut self) {
        self.progress = None;
        self.last_report = None;
    }

    /// The status bar's part: the running import's progress with 取消导入, or the last
    /// import's summary, or the case count.
    pub fn status_ui(&self, ui: &mut egui::Ui, cases: usize) -> Option<ImportIntent> {
        let mut intent = None;
        if let Some(p) = &self.progress {
            super::theme::progress_bar(ui, p.done, p.total, 240.0, format!("导入 {}/{}", p.done, p.total));
            ui.label(RichText::new(short_path(&p.current)).small());
            if ui.button(super::commands::UiCommand::CancelImport.label()).clicked() {
                intent = Some(ImportIntent::Cancel);
            }
        } else if let Some(report) = &self.last_report {
            ui.label(RichText::new(format!("上次导入：{}", report.summary())).small());
        } else {
            ui.label(RichText::new(format!("共 {cases} 件案卷")).small());
        }
        intent
    }

    /// Draws the dialog while open; the OCR settings shown in it belong to `ocr`.
    pub fn ui(&mut self, ctx: &egui::Context, ocr: &mut OcrPanel) -> Vec<ImportIntent> {
        let mut intents = Vec::new();
        if let Some(message) = self.path.poll() {
            intents.push(ImportIntent::Notice(message.to_string()));
        }
        let mut open = self.open;
        let mut start = None;
        let mut ocr_intent = None;
        let mut read_all = false;
        egui::Window::new("导入案卷").open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
            ui.label("可导入：案卷包文件夹或 .zip、装有多个案卷包的文件夹、扫描件文件夹、案件台账（.xlsx/.csv）、执法人员名册。");
            self.path.ui(ui, "导入路径", "文件夹、.zip 或表格", &[("选择文件夹…", Pick::Folder), ("选择文件…", Pick::File)]);
            ui.horizontal(|ui| {
                if let Some(intent) = ocr.scope_ui(ui) {
                    ocr_intent = Some(intent);
                }
                if ui
                    .add_enabled(!ocr.running(), egui::Button::new("识别项目全部扫描件"))
                    .on_hover_text("在后台识别项目中所有尚未识别的扫描页面")
                    .clicked()
                {
                    read_all = true;
                }
            });
            ui.horizontal(|ui| {
                if let Some(intent) = ocr.auto_accept_ui(ui) {
                    ocr_intent = Some(intent);
                }
            });
            let path = self.path.path();
            if ui.add_enabled(path.is_some() && !self.running(), egui::Button::new("开始导入")).clicked() {
                start = path;
            }
        });
        self.open = open;
        if let Some(intent) = ocr_intent {
            intents.push(ImportIntent::Ocr(intent));
        }
        if read_all {
            intents.push(ImportIntent::ReadAllScans);
        }
        if let Some(path) = start {
            self.open = false;
            intents.push(ImportIntent::Start(path));
        }
        intents
    }
}

/// A long path cut at the front to its last 58 characters.
fn short_path(path: &str) -> String {
    let chars: Vec<char> = path.chars().collect();
    if chars.len() <= 60 {
        path.to_string()
    } else {
        format!("…{}", chars[chars.len() - 58..].iter().collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::short_path;

    #[test]
    fn a_long_path_keeps_its_end() {
        assert_eq!(short_path("/a/b.zip"), "/a/b.zip");
        let long = format!("/{}/案卷.zip", "目".repeat(80));
        let short = short_path(&long);
        assert_eq!(short.chars().count(), 59);
        assert!(short.starts_with('…') && short.ends_with("案卷.zip"));
    }
}
