//! A path typed or picked: a labelled text field with buttons that open the system's file
//! dialog on a background thread (rfd blocks its thread). When the dialog returns nothing —
//! on Linux, when neither a desktop portal nor zenity is installed — the field stays and
//! the user is told to type the path.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

/// What a dialog button picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// A folder.
    Folder,
    /// A package or table file.
    File,
    /// A checklist file (`.toml`) or a 评查标准 table.
    Checklist,
    /// Where to save a file.
    Save,
}

/// A text field for a path, with file-dialog buttons.
#[derive(Default)]
pub struct PathField {
    /// The path as typed or picked.
    pub text: String,
    dialog: Option<Receiver<Option<PathBuf>>>,
    /// Why the last dialog gave no path, shown under the field until the next pick.
    problem: Option<&'static str>,
}

impl PathField {
    /// Applies a finished dialog. When it picked nothing, the field shows why under itself
    /// (and the message is returned, for a caller that also notifies).
    pub fn poll(&mut self) -> Option<&'static str> {
        let result = self.dialog.as_ref()?.try_recv().ok()?;
        self.dialog = None;
        self.problem = match result {
            Some(path) => {
                self.text = path.display().to_string();
                None
            }
            None => Some("未选择路径。若系统对话框没有出现（缺少桌面门户或 zenity），请直接在输入框中填写路径。"),
        };
        self.problem
    }

    /// Draws the label, the field (accessible by `label`) and one button per pick.
    pub fn ui(&mut self, ui: &mut egui::Ui, label: &str, hint: &str, picks: &[(&str, Pick)]) {
        ui.horizontal(|ui| {
            let label = ui.label(label);
            ui.add(
                egui::TextEdit::singleline(&mut self.text)
                    .hint_text(hint)
                    .desired_width(340.0),
            )
            .labelled_by(label.id);
            for (caption, pick) in picks {
                if ui
                    .add_enabled(self.dialog.is_none(), egui::Button::new(*caption))
                    .clicked()
                {
                    self.dialog = Some(spawn_dialog(*pick));
                    self.problem = None;
                }
            }
        });
        if let Some(problem) = self.problem {
            ui.add(egui::Label::new(egui::RichText::new(problem).small().color(ui.visuals().warn_fg_color)).wrap());
        }
    }

    /// The trimmed path, if any.
    pub fn path(&self) -> Option<PathBuf> {
        let text = self.text.trim();
        (!text.is_empty()).then(|| PathBuf::from(text))
    }
}

/// Runs a file dialog on its own thread.
fn spawn_dialog(pick: Pick) -> Receiver<Option<PathBuf>> {
    let (tx, rx) = channel();
    let sender = tx.clone();
    let spawned = std::thread::Builder::new().name("file-dialog".into()).spawn(move || {
        let dialog = rfd::FileDialog::new().set_title("选择路径");
        let picked = match pick {
            Pick::Folder => dialog.pick_folder(),
            Pick::File => dialog
                .add_filter("案卷包或表格", &["zip", "xlsx", "xls", "csv"])
                .pick_file(),
            Pick::Checklist => dialog
                .add_filter("评查标准", &["toml", "xlsx", "xls", "ods"])
                .pick_file(),
            Pick::Save => dialog
                .add_filter("评查标准 TOML", &["toml"])
                .add_filter("Excel 表格", &["xlsx"])
                .save_file(),
        };
        // The field was dropped (its window closed) before the dialog returned: nobody waits.
        sender.send(picked).ok();
    });
    if let Err(e) = spawned {
        crate::places::log(&format!("无法打开文件对话框：{e}"));
        // Reported to the user as a pick of nothing (type the path).
        tx.send(None).ok();
    }
    rx
}
