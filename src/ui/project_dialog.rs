//! The 新建或打开项目 dialog: a project folder typed or picked (asked before one is
//! created), the recent projects, and a reviewer's kit (评查包) and return (回收包).
//!
//! Owns: the dialog's fields and the recent list (persisted by `app.rs`). Must not touch:
//! the service (what the user chose goes back as a `ProjectIntent`).

use std::path::{Path, PathBuf};

use egui::RichText;

use super::path_field::{PathField, Pick};

/// eframe storage key of the recent projects.
pub const RECENT_KEY: &str = "recent_projects";
/// Projects remembered in the 最近的项目 list.
const RECENT_PROJECTS: usize = 10;

/// What opening a folder typed or picked in the project dialog needs first.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OpenCheck {
    /// A project: open it.
    Open,
    /// No project there yet: ask before creating one (the question).
    AskCreate(String),
    /// Not a folder a project can live in (the reason, in Chinese).
    Refuse(String),
}

fn check_project_dir(dir: &std::path::Path) -> OpenCheck {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {
            if dir.join(crate::store::DB_FILE).is_file() {
                OpenCheck::Open
            } else {
                OpenCheck::AskCreate(format!(
                    "文件夹 {} 还不是评查项目，是否在此新建评查项目？",
                    dir.display()
                ))
            }
        }
        Ok(_) => OpenCheck::Refuse(format!(
            "{} 是一个文件，不是项目文件夹；请填写评查项目所在的文件夹",
            dir.display()
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            OpenCheck::AskCreate(format!("文件夹 {} 不存在，是否新建评查项目？", dir.display()))
        }
        Err(e) => OpenCheck::Refuse(format!("无法读取 {}：{}", dir.display(), crate::places::io_message(&e))),
    }
}

/// What the dialog asks `app.rs` to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectIntent {
    /// Open (or create, once confirmed) the project in this folder.
    Open(PathBuf),
    /// The folder cannot hold a project (the reason).
    Refused(String),
    /// A message about a picked path (shown under its field, and as a notice).
    Notice(String),
    /// Open a kit into a new workspace.
    OpenKit {
        /// The `.pchkit`.
        kit: PathBuf,
        /// The workspace folder.
        workspace: PathBuf,
    },
    /// Export this workspace's return.
    ExportReturn(PathBuf),
}

/// The project dialog.
#[derive(Default)]
pub struct ProjectDialog {
    open: bool,
    path: PathField,
    /// A folder without a project, waiting for the user's yes (with the question).
    confirm_create: Option<(PathBuf, String)>,
    recent: Vec<PathBuf>,
    kit_path: PathField,
    kit_workspace: PathField,
    kit_busy: bool,
    return_path: PathField,
}

impl ProjectDialog {
    /// The dialog with the recent projects remembered on this machine.
    pub fn new(recent: Vec<PathBuf>) -> Self {
        Self {
            recent,
            ..Self::default()
        }
    }

    /// Shows the dialog.
    pub fn show(&mut self) {
        self.open = true;
    }

    /// Closes the dialog (a kit opened into its workspace).
    pub fn close(&mut self) {
        self.open = false;
    }

    /// The kit job ended (opened or failed): the form is usable again.
    pub fn kit_done(&mut self) {
        self.kit_busy = false;
    }

    /// A project opened: first in the recent list.
    pub fn remember(&mut self, dir: &Path) {
        self.recent.retain(|d| d != dir);
        self.recent.insert(0, dir.to_path_buf());
        self.recent.truncate(RECENT_PROJECTS);
    }

    /// The projects opened lately, newest first.
    pub fn recent(&self) -> &[PathBuf] {
        &self.recent
    }

    /// Opens a folder chosen in the project dialog: a project opens, a folder without one
    /// asks first, a file or an unreadable path is refused (the current project stays).
    fn open_chosen(&mut self, dir: PathBuf, intents: &mut Vec<ProjectIntent>) {
        match check_project_dir(&dir) {
            OpenCheck::Open => {
                self.open = false;
                intents.push(ProjectIntent::Open(dir));
            }
            OpenCheck::AskCreate(question) => self.confirm_create = Some((dir, question)),
            OpenCheck::Refuse(why) => intents.push(ProjectIntent::Refused(why)),
        }
    }

    fn confirm_create_window(&mut self, ctx: &egui::Context, intents: &mut Vec<ProjectIntent>) {
        let Some((dir, question)) = self.confirm_create.clone() else {
            return;
        };
        let mut answer = None;
        egui::Window::new("新建评查项目")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(&question);
                ui.label(RichText::new("新建后，该文件夹内会建立 project.sqlite 和 documents/。").small());
                ui.horizontal(|ui| {
                    if ui.button("新建项目").clicked() {
                        answer = Some(true);
                    }
                    if ui.button("取消").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                        answer = Some(false);
                    }
                });
            });
        match answer {
            Some(true) => {
                self.confirm_create = None;
                self.open = false;
                intents.push(ProjectIntent::Open(dir));
            }
            Some(false) => self.confirm_create = None,
            None => {}
        }
    }

    /// Draws the dialog while open (and the question before creating a project);
    /// `current` is the open project, `opening` one being opened.
    pub fn ui(&mut self, ctx: &egui::Context, current: Option<&Path>, opening: Option<&Path>) -> Vec<ProjectIntent> {
        let mut intents = Vec::new();
        if let Some(message) = self.path.poll() {
            intents.push(ProjectIntent::Notice(message.to_string()));
        }
        for field in [&mut self.kit_path, &mut self.kit_workspace, &mut self.return_path] {
            field.poll(); // a picked-nothing message shows under the field
        }
        let mut open = self.open;
        let mut chosen = None;
        let mut open_kit = None;
        let mut export_return = None;
        egui::Window::new("新建或打开项目").open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
            ui.label("评查项目是一个文件夹（内含 project.sqlite 和 documents/）。填写已有项目的文件夹打开它；填写新文件夹时会先询问是否新建。");
            self.path.ui(ui, "项目文件夹", "路径", &[("选择文件夹…", Pick::Folder)]);
            let path = self.path.path();
            if ui.add_enabled(path.is_some(), egui::Button::new("打开项目")).clicked() {
                chosen = path;
            }
            if let Some(dir) = opening {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("正在打开 {}…", dir.display()));
                });
            }
            let others: Vec<&PathBuf> = self.recent.iter().filter(|d| Some(d.as_path()) != current).collect();
            if !others.is_empty() {
                ui.separator();
                ui.label(RichText::new("最近的项目").strong());
                for dir in others {
                    let name = dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned());
                    let exists = dir.join(crate::store::DB_FILE).is_file();
                    let link = ui.add_enabled(exists, egui::Link::new(name)).on_hover_text(dir.display().to_string());
                    if !exists {
                        link.on_disabled_hover_text(format!("{}（已不存在）", dir.display()));
                    } else if link.clicked() {
                        chosen = Some(dir.clone());
                    }
                }
            }
            ui.separator();
            ui.label(RichText::new("评查包（评查员使用）").strong());
            ui.label("打开组织者发来的评查包，建立只含分配给你的案卷的工作区；评完后导出回收包交回。");
            self.kit_path.ui(ui, "评查包", "….pchkit", &[("选择文件…", Pick::File)]);
            self.kit_workspace.ui(ui, "工作区文件夹", "新文件夹", &[("选择文件夹…", Pick::Folder)]);
            let ready = self.kit_path.path().is_some() && self.kit_workspace.path().is_some() && !self.kit_busy;
            if ui.add_enabled(ready, egui::Button::new("打开评查包")).clicked() {
                open_kit = self.kit_path.path().zip(self.kit_workspace.path());
            }
            if self.kit_busy {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("正在校验签名并建立工作区…");
                });
            }
            self.return_path.ui(ui, "回收包保存到", "….pchret", &[("选择…", Pick::Save)]);
            if ui
                .add_enabled(self.return_path.path().is_some() && current.is_some(), egui::Button::new("导出回收包"))
                .on_hover_text("把当前工作区的评分签名导出，交回组织者")
                .clicked()
            {
                export_return = self.return_path.path();
            }
        });
        self.open = open;
        if let Some(dir) = chosen {
            self.open_chosen(dir, &mut intents);
        }
        self.confirm_create_window(ctx, &mut intents);
        if let Some((kit, workspace)) = open_kit {
            // Checking the signatures and copying the documents run on the jobs thread.
            self.kit_busy = true;
            intents.push(ProjectIntent::OpenKit { kit, workspace });
        }
        if let Some(path) = export_return {
            intents.push(ProjectIntent::ExportReturn(path));
        }
        intents
    }
}
