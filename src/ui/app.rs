//! The main window: top bar (project, import, search), case list with filters on the left,
//! the selected case in the centre, status and import progress at the bottom.

use std::path::PathBuf;
use std::sync::Arc;

use egui::{Key, KeyboardShortcut, Modifiers, RichText};
use egui_extras::{Column, TableBuilder};

use super::campaigns::CampaignWindow;
use super::case_list::{CaseList, ListIntent};
use super::editor::ChecklistEditor;
use super::path_field::{PathField, Pick};
use super::reports::ReportsWindow;
use super::scoring::{Action, ScoringPanel};
use super::settings::SettingsWindow;
use super::theme;
use super::viewer::{OpenDocument, Viewer, kind_for};
use crate::domain::{Anchor, LibraryEntry};
use crate::domain::{CodeEnum, DateKey};
use crate::service::host::Backend;
use crate::service::protocol::{Request, Response};
use crate::service::{ImportProgress, ImportReport, ItemResult};
use crate::store::{AuditEntry, Reviewer, StoredCase, StoredChecklist};

/// eframe storage key of the last opened project.
pub const LAST_PROJECT_KEY: &str = "last_project";
const PREFS_KEY: &str = "preferences";
const RECENT_KEY: &str = "recent_projects";
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
const PROFILES_KEY: &str = "reviewer_profiles";

/// A reviewer identity kept on this machine (several for shared laptops).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Profiles {
    list: Vec<Profile>,
    active: Option<usize>,
}

/// Every user action, with its label and shortcut in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiCommand {
    /// Open the import dialog.
    Import,
    /// Focus the search box.
    FocusSearch,
    /// Select the next case.
    NextCase,
    /// Select the previous case.
    PreviousCase,
    /// Switch light/dark.
    ToggleTheme,
    /// Stop a running import.
    CancelImport,
    /// Previous page of the open document.
    PageUp,
    /// Next page of the open document.
    PageDown,
    /// Move the list selection a page down.
    ListPageDown,
    /// Move the list selection a page up.
    ListPageUp,
    /// Select the first case of the list.
    ListFirst,
    /// Select the last case of the list.
    ListLast,
    /// Close the document viewer.
    CloseDocument,
    /// Open or create another project.
    OpenProject,
    /// Show the command palette.
    CommandPalette,
    /// Clear the list filters and the search.
    ClearFilters,
    /// Choose or add the reviewer identity.
    ChooseReviewer,
    /// Open the checklist editor.
    EditChecklists,
    /// Move the keyboard to the scoring panel.
    FocusScoring,
    /// Hide or show the case list (more room for the document and the checklist).
    ToggleList,
    /// Open the settings of the automatic checks.
    Settings,
    /// Open the review campaigns.
    Campaigns,
    /// Open the reports window.
    Reports,
    /// Open rectification tracking.
    Rectify,
    /// Scoring: mark the review done, or reopen it.
    ToggleReviewed,
    /// Scoring: undo the last change of this case.
    Undo,
    /// Scoring: redo.
    Redo,
    /// Scoring: the selected item does not apply (again: it does).
    NotApplicable,
    /// Scoring: the selected veto item is hit (again: not hit).
    Veto,
    /// Scoring: write or pick the selected item's reason.
    EditReason,
    /// Scoring: accept the selected item's first open suggestion.
    AcceptSuggestion,
    /// Scoring: reject it (with a reason).
    RejectSuggestion,
    /// Scoring: the next checklist that applies.
    NextChecklist,
}

/// Where a command's key works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Anywhere in the main window.
    Window,
    /// The case list has the keyboard.
    List,
    /// A document is open in the viewer.
    Viewer,
    /// The scoring panel has the keyboard (its keys are read by the panel).
    Scoring,
}

impl UiCommand {
    /// Commands offered in the command palette.
    pub const PALETTE: &'static [UiCommand] = &[
        UiCommand::Import,
        UiCommand::OpenProject,
        UiCommand::FocusSearch,
        UiCommand::ClearFilters,
        UiCommand::NextCase,
        UiCommand::PreviousCase,
        UiCommand::ListPageDown,
        UiCommand::ListPageUp,
        UiCommand::ListFirst,
        UiCommand::ListLast,
        UiCommand::PageDown,
        UiCommand::PageUp,
        UiCommand::CloseDocument,
        UiCommand::ToggleTheme,
        UiCommand::CancelImport,
        UiCommand::FocusScoring,
        UiCommand::ChooseReviewer,
        UiCommand::EditChecklists,
        UiCommand::ToggleList,
        UiCommand::Settings,
        UiCommand::Campaigns,
        UiCommand::Reports,
        UiCommand::Rectify,
        UiCommand::ToggleReviewed,
        UiCommand::Undo,
        UiCommand::Redo,
        UiCommand::NotApplicable,
        UiCommand::Veto,
        UiCommand::EditReason,
        UiCommand::AcceptSuggestion,
        UiCommand::RejectSuggestion,
        UiCommand::NextChecklist,
    ];

    /// The scoring panel's commands, in the order its keys are read (redo before undo:
    /// Ctrl+Shift+Z would also match Ctrl+Z).
    pub const SCORING: &'static [UiCommand] = &[
        UiCommand::ToggleReviewed,
        UiCommand::Redo,
        UiCommand::Undo,
        UiCommand::NextChecklist,
        UiCommand::EditReason,
        UiCommand::NotApplicable,
        UiCommand::Veto,
        UiCommand::AcceptSuggestion,
        UiCommand::RejectSuggestion,
    ];

    /// Where the command's key works.
    pub fn scope(self) -> Scope {
        match self {
            Self::NextCase
            | Self::PreviousCase
            | Self::ListPageDown
            | Self::ListPageUp
            | Self::ListFirst
            | Self::ListLast
            | Self::FocusScoring => Scope::List,
            Self::PageUp | Self::PageDown | Self::CloseDocument => Scope::Viewer,
            Self::ToggleReviewed
            | Self::Undo
            | Self::Redo
            | Self::NotApplicable
            | Self::Veto
            | Self::EditReason
            | Self::AcceptSuggestion
            | Self::RejectSuggestion
            | Self::NextChecklist => Scope::Scoring,
            Self::Import
            | Self::FocusSearch
            | Self::ToggleTheme
            | Self::CancelImport
            | Self::OpenProject
            | Self::CommandPalette
            | Self::ClearFilters
            | Self::ChooseReviewer
            | Self::EditChecklists
            | Self::ToggleList
            | Self::Settings
            | Self::Campaigns
            | Self::Reports
            | Self::Rectify => Scope::Window,
        }
    }
}

impl UiCommand {
    /// Label for menus and buttons.
    pub fn label(self) -> &'static str {
        match self {
            Self::Import => "导入…",
            Self::FocusSearch => "检索",
            Self::NextCase => "下一件",
            Self::PreviousCase => "上一件",
            Self::ToggleTheme => "切换深色/浅色",
            Self::CancelImport => "取消导入",
            Self::PageUp => "上一页",
            Self::PageDown => "下一页",
            Self::ListPageDown => "案卷列表下翻一页",
            Self::ListPageUp => "案卷列表上翻一页",
            Self::ListFirst => "案卷列表第一件",
            Self::ListLast => "案卷列表最后一件",
            Self::CloseDocument => "返回卷宗",
            Self::OpenProject => "新建/打开项目…",
            Self::CommandPalette => "命令面板…",
            Self::ClearFilters => "清除筛选和检索",
            Self::ChooseReviewer => "评查员…",
            Self::EditChecklists => "评查标准…",
            Self::FocusScoring => "开始评分",
            Self::ToggleList => "收起/展开案卷列表",
            Self::Settings => "设置…",
            Self::Campaigns => "评查活动…",
            Self::Reports => "报告…",
            Self::Rectify => "整改跟踪…",
            Self::ToggleReviewed => "完成/重新打开评查",
            Self::Undo => "撤销评分",
            Self::Redo => "重做评分",
            Self::NotApplicable => "本项不涉及",
            Self::Veto => "否决项命中",
            Self::EditReason => "填写评查理由",
            Self::AcceptSuggestion => "采纳自动检查建议",
            Self::RejectSuggestion => "不采纳自动检查建议",
            Self::NextChecklist => "下一份评查标准",
        }
    }

    /// Keyboard shortcut.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        match self {
            Self::Import => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::I)),
            Self::FocusSearch => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::F)),
            Self::NextCase => Some(KeyboardShortcut::new(Modifiers::NONE, Key::J)),
            Self::PreviousCase => Some(KeyboardShortcut::new(Modifiers::NONE, Key::K)),
            Self::PageUp => Some(KeyboardShortcut::new(Modifiers::NONE, Key::PageUp)),
            Self::PageDown | Self::ListPageDown => Some(KeyboardShortcut::new(Modifiers::NONE, Key::PageDown)),
            Self::ListPageUp => Some(KeyboardShortcut::new(Modifiers::NONE, Key::PageUp)),
            Self::ListFirst => Some(KeyboardShortcut::new(Modifiers::NONE, Key::Home)),
            Self::ListLast => Some(KeyboardShortcut::new(Modifiers::NONE, Key::End)),
            Self::CloseDocument => Some(KeyboardShortcut::new(Modifiers::NONE, Key::Escape)),
            Self::OpenProject => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::O)),
            Self::CommandPalette => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::K)),
            Self::FocusScoring => Some(KeyboardShortcut::new(Modifiers::NONE, Key::Enter)),
            Self::ToggleList => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::L)),
            Self::ToggleReviewed => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter)),
            Self::Undo => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::Z)),
            Self::Redo => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::Y)),
            Self::NotApplicable => Some(KeyboardShortcut::new(Modifiers::NONE, Key::N)),
            Self::Veto => Some(KeyboardShortcut::new(Modifiers::NONE, Key::V)),
            Self::EditReason => Some(KeyboardShortcut::new(Modifiers::NONE, Key::Enter)),
            Self::AcceptSuggestion => Some(KeyboardShortcut::new(Modifiers::NONE, Key::A)),
            Self::RejectSuggestion => Some(KeyboardShortcut::new(Modifiers::NONE, Key::R)),
            Self::NextChecklist => Some(KeyboardShortcut::new(Modifiers::NONE, Key::Tab)),
            Self::ToggleTheme
            | Self::CancelImport
            | Self::ClearFilters
            | Self::ChooseReviewer
            | Self::EditChecklists
            | Self::Settings
            | Self::Campaigns
            | Self::Reports
            | Self::Rectify => None,
        }
    }

    /// `导入… (Ctrl+I)` for tooltips.
    pub fn hint(self, ctx: &egui::Context) -> String {
        match self.shortcut() {
            Some(s) => format!("{}（{}）", self.label(), ctx.format_shortcut(&s)),
            None => self.label().to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Info,
    Error,
}

/// One notification: shown in the corner for a while (errors until dismissed) and kept in
/// the 消息记录 for the session.
struct Notice {
    text: String,
    level: Level,
    /// `ctx` time it appeared.
    shown_at: f64,
    /// Wall-clock time, for the 消息记录.
    at: String,
    /// Still in the corner.
    on_screen: bool,
}

/// Notifications kept in the 消息记录.
const NOTICE_LOG: usize = 200;
/// Notifications in the corner at once.
const NOTICES_SHOWN: usize = 5;

/// How long a success stays in the corner: time to read it (about eight characters a
/// second, at least 12 s), longer while the pointer rests on it.
fn reading_time(text: &str) -> f64 {
    (text.chars().count() as f64 / 8.0).clamp(12.0, 40.0)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Preferences {
    dark: bool,
    font_scale: f32,
}

/// The application state.
pub struct PingchaApp {
    /// The case list (filters, sort, search, counts).
    list: CaseList,
    backend: Backend,
    project_name: String,
    project_dir: Option<PathBuf>,
    /// The active search's matches in the open case: (query, case id, hits); asked for when
    /// a case is shown while a search is active.
    case_hits: Option<(String, i64, Vec<crate::store::SearchHit>)>,
    case_hits_sent: Option<(String, i64)>,
    findings: Vec<crate::rules::Finding>,
    selected: Option<i64>,
    case: Option<Box<StoredCase>>,
    import_progress: Option<ImportProgress>,
    import_open: bool,
    import_path: PathField,
    last_report: Option<ImportReport>,
    notices: Vec<Notice>,
    notices_hovered: bool,
    /// Width the top bar needs on one line (measured the frame before).
    top_bar_needed: f32,
    /// Widths of the case list, the scoring panel and the viewer as last drawn.
    panel_widths: (f32, f32, f32),
    /// The window's width the frame before (panels follow a change in proportion).
    window_width: f32,
    top_bar_key: String,
    notice_log_open: bool,
    dark: bool,
    font_scale: f32,
    viewer: Viewer,
    project_dialog_open: bool,
    project_path: PathField,
    /// A project being opened: the current one stays until it answers.
    pending_project: Option<(PathBuf, Backend)>,
    /// A folder without a project, waiting for the user's yes (with the question).
    confirm_create: Option<(PathBuf, String)>,
    recent: Vec<PathBuf>,
    palette_open: bool,
    palette_query: String,
    wake: egui::Context,
    scoring: ScoringPanel,
    scoring_seq: u64,
    scoring_answered: u64,
    reviewer: Option<Reviewer>,
    profiles: Profiles,
    profile_window_open: bool,
    profile_draft: Profile,
    library: Arc<Vec<LibraryEntry>>,
    checklists: Arc<Vec<StoredChecklist>>,
    history: Option<(String, Vec<AuditEntry>)>,
    history_open: bool,
    open_doc: Option<usize>,
    /// The case-facts editor of the case view.
    facts_editor: super::facts::FactsEditor,
    editor: ChecklistEditor,
    list_hidden: bool,
    settings: SettingsWindow,
    campaigns: CampaignWindow,
    reports: ReportsWindow,
    rectify: super::rectify::RectifyWindow,
    ocr: super::ocr::OcrPanel,
    campaign_names: Vec<String>,
    kit_path: PathField,
    kit_workspace: PathField,
    kit_busy: bool,
    return_path: PathField,
}

impl PingchaApp {
    /// Opens `project_dir` (created if missing); with `demo_packages`, an empty project is first filled with the demo.
    pub fn new(
        ctx: &egui::Context,
        project_dir: PathBuf,
        demo_packages: Option<PathBuf>,
        storage: Option<&dyn eframe::Storage>,
    ) -> Self {
        let prefs: Preferences = storage
            .and_then(|s| eframe::get_value(s, PREFS_KEY))
            .unwrap_or(Preferences {
                dark: false,
                font_scale: 1.0,
            });
        let prefs = Preferences {
            font_scale: theme::scale_of(theme::font_size(prefs.font_scale)),
            ..prefs
        };
        theme::apply(ctx, prefs.dark, prefs.font_scale);
        let wake_ctx = ctx.clone();
        let backend = Backend::start(project_dir, demo_packages, move || wake_ctx.request_repaint());
        let wake_ctx = ctx.clone();
        let viewer = Viewer::new(move || wake_ctx.request_repaint());
        let profiles: Profiles = storage
            .and_then(|s| eframe::get_value(s, PROFILES_KEY))
            .unwrap_or_default();
        // The active profile is sent once the project is open (`Response::Opened`): a
        // reviewer workspace decides who may score in it.
        let active = profiles.active.and_then(|i| profiles.list.get(i)).cloned();
        Self {
            list: CaseList::default(),
            backend,
            project_name: "正在打开…".into(),
            project_dir: None,
            case_hits: None,
            case_hits_sent: None,
            findings: Vec::new(),
            selected: None,
            case: None,
            import_progress: None,
            import_open: false,
            import_path: PathField::default(),
            last_report: None,
            notices: Vec::new(),
            notices_hovered: false,
            top_bar_needed: 0.0,
            panel_widths: (0.0, 0.0, 0.0),
            window_width: 0.0,
            top_bar_key: String::new(),
            notice_log_open: false,
            dark: prefs.dark,
            font_scale: prefs.font_scale,
            viewer,
            project_dialog_open: false,
            project_path: PathField::default(),
            pending_project: None,
            confirm_create: None,
            recent: storage
                .and_then(|s| eframe::get_value(s, RECENT_KEY))
                .unwrap_or_default(),
            palette_open: false,
            palette_query: String::new(),
            wake: ctx.clone(),
            scoring: ScoringPanel::default(),
            scoring_seq: 0,
            scoring_answered: 0,
            reviewer: None,
            profile_window_open: active.is_none(),
            profiles,
            profile_draft: Profile {
                name: String::new(),
                unit: String::new(),
            },
            library: Arc::new(Vec::new()),
            checklists: Arc::new(Vec::new()),
            history: None,
            history_open: false,
            open_doc: None,
            facts_editor: super::facts::FactsEditor::default(),
            editor: ChecklistEditor::default(),
            list_hidden: false,
            settings: SettingsWindow::default(),
            campaigns: CampaignWindow::default(),
            reports: ReportsWindow::default(),
            rectify: super::rectify::RectifyWindow::default(),
            ocr: super::ocr::OcrPanel::default(),
            campaign_names: Vec::new(),
            kit_path: PathField::default(),
            kit_workspace: PathField::default(),
            kit_busy: false,
            return_path: PathField::default(),
        }
    }

    /// Uses this reviewer identity (added to the machine's profiles if new).
    pub fn set_reviewer(&mut self, name: &str, unit: &str) {
        let profile = Profile {
            name: name.trim().to_string(),
            unit: unit.trim().to_string(),
        };
        let index = match self.profiles.list.iter().position(|p| *p == profile) {
            Some(i) => i,
            None => {
                self.profiles.list.push(profile.clone());
                self.profiles.list.len() - 1
            }
        };
        self.profiles.active = Some(index);
        self.profile_window_open = false;
        self.backend.send(Request::SetReviewer {
            name: profile.name,
            unit: profile.unit,
        });
    }

    /// The reviewer the project has confirmed.
    pub fn reviewer(&self) -> Option<&Reviewer> {
        self.reviewer.as_ref()
    }

    /// The scoring panel (for tests and the viewer's anchor button).
    pub fn scoring(&self) -> &ScoringPanel {
        &self.scoring
    }

    /// The selected case, once loaded.
    pub fn current_case(&self) -> Option<&StoredCase> {
        self.case.as_deref()
    }

    /// Values read from the selected case's scans still to be checked in the facts editor.
    pub fn facts_pending(&self) -> usize {
        self.facts_editor.pending()
    }

    /// The automatic checks' findings of the selected case.
    pub fn case_findings(&self) -> &[crate::rules::Finding] {
        &self.findings
    }

    /// The document open in the viewer (its position in the case), if any.
    pub fn open_document_index(&self) -> Option<usize> {
        self.viewer.is_open().then_some(self.open_doc).flatten()
    }

    /// The campaign window's comparisons (for tests).
    pub fn campaign_comparisons(&self) -> &[crate::review::campaign::CaseComparison] {
        self.campaigns.comparisons()
    }

    /// The audit log shown in the history window.
    pub fn history(&self) -> Option<&[AuditEntry]> {
        self.history.as_ref().map(|(_, e)| e.as_slice())
    }

    /// Whether the backend has answered every scoring change sent so far.
    pub fn scoring_settled(&self) -> bool {
        self.scoring_seq == self.scoring_answered && !self.scoring.has_unsettled_entry()
    }

    /// The listed case numbers, in the list's order.
    pub fn visible_numbers(&self) -> Vec<String> {
        self.list.visible_numbers()
    }

    /// The units the list's filter offers, in order.
    pub fn units(&self) -> &[String] {
        self.list.units()
    }

    /// Where the open document's page is scrolled to, when the viewer shows one.
    pub fn viewer_scroll(&self) -> Option<egui::Vec2> {
        self.viewer.is_open().then(|| self.viewer.scroll_offset())
    }

    /// The open document's page and page count, when the viewer shows one.
    pub fn viewer_position(&self) -> Option<(usize, Option<usize>)> {
        self.viewer.is_open().then(|| self.viewer.position())
    }

    /// Tracked rectification problems past their due date, as last read.
    pub fn rectify_overdue(&self) -> usize {
        self.rectify.overdue_count()
    }

    /// Recognised lines of the page in the viewer that hold the search terms (highlighted).
    pub fn highlighted_ocr_lines(&self) -> usize {
        self.viewer.highlighted_lines()
    }

    /// Whether an OCR job is reading.
    pub fn ocr_running(&self) -> bool {
        self.ocr.running()
    }

    /// Starts reading every scanned page of the project not read yet (识别项目全部扫描件).
    pub fn read_all_scans(&mut self) {
        let ctx = self.wake.clone();
        if let Some(dir) = self.project_dir.clone()
            && let Some(intent) = self.ocr.start(dir, None, false, &ctx)
        {
            self.apply_ocr(&ctx, intent);
        }
    }

    /// Number of cases shown in the list after filters and search.
    pub fn visible_case_count(&self) -> usize {
        self.list.visible_len()
    }

    /// Where the selected case sits in the list as shown (after filters and sorting).
    pub fn selected_position(&self) -> Option<usize> {
        self.selected.and_then(|id| self.list.position_of(id))
    }

    /// How many rows a page of the case list holds (Page Down moves this far).
    pub fn list_page_rows(&self) -> usize {
        self.list.page_rows()
    }

    /// Whether the automatic checks have been counted for every listed case.
    pub fn findings_counted(&self) -> bool {
        self.list.findings_counted()
    }

    /// Open (undecided) deductions and vetoes of the automatic checks for a case, once counted.
    pub fn open_findings(&self, case_id: i64) -> Option<usize> {
        self.list.finding_count(case_id).map(|n| n.serious)
    }

    /// Whether an import is running.
    pub fn is_importing(&self) -> bool {
        self.import_progress.is_some()
    }

    /// Whether the project has answered with its first case list.
    pub fn is_loaded(&self) -> bool {
        self.project_dir.is_some()
    }

    /// Starts importing `paths` (what the import dialog does, without the dialog).
    pub fn start_import(&mut self, paths: Vec<PathBuf>) {
        self.import_progress = Some(ImportProgress {
            done: 0,
            total: 0,
            current: String::new(),
        });
        self.backend.send(Request::Import(paths));
    }

    fn notify(&mut self, ctx: &egui::Context, level: Level, text: impl Into<String>) {
        let shown_at = ctx.input(|i| i.time);
        self.notices.push(Notice {
            text: text.into(),
            level,
            shown_at,
            at: chrono::Local::now().format("%H:%M:%S").to_string(),
            on_screen: true,
        });
        if self.notices.len() > NOTICE_LOG {
            self.notices.remove(0);
        }
    }

    /// The project being opened answers: on success it replaces the current one (whose
    /// answers are then dropped), on failure the current one stays open.
    fn poll_pending_project(&mut self, ctx: &egui::Context) -> Vec<Response> {
        let Some((_, pending)) = &self.pending_project else {
            return Vec::new();
        };
        let Some(first) = pending.poll(1).pop() else {
            return Vec::new();
        };
        let (dir, backend) = self.pending_project.take().expect("pending");
        match first {
            Response::OpenFailed(error) => {
                let msg = error.message;
                let current = if self.project_dir.is_some() {
                    format!("；仍在项目“{}”", self.project_name)
                } else {
                    String::new()
                };
                self.notify(ctx, Level::Error, format!("{msg}{current}"));
                Vec::new()
            }
            first => {
                self.backend = backend;
                self.close_project_view();
                self.project_dir = Some(dir);
                vec![first]
            }
        }
    }

    fn on_opened(&mut self, ctx: &egui::Context, name: String, dir: PathBuf, addressee: Option<(String, String)>) {
        self.project_name = name;
        self.recent.retain(|d| *d != dir);
        self.recent.insert(0, dir.clone());
        self.recent.truncate(RECENT_PROJECTS);
        self.project_dir = Some(dir);
        let active = self.profiles.active.and_then(|i| self.profiles.list.get(i)).cloned();
        match (addressee, active) {
            // A kit is scored by its addressee: their profile is chosen (added if
            // new), so the marks are theirs and go into their return.
            (Some((name, unit)), active) if active.as_ref().is_none_or(|p| p.name != name || p.unit != unit) => {
                if let Some(p) = active {
                    self.notify(
                        ctx,
                        Level::Info,
                        format!(
                            "此工作区是发给“{name}（{unit}）”的评查包：评查员已由“{}（{}）”切换为“{name}”",
                            p.name, p.unit
                        ),
                    );
                }
                self.set_reviewer(&name, &unit);
            }
            (_, Some(p)) => self.backend.send(Request::SetReviewer {
                name: p.name,
                unit: p.unit,
            }),
            (_, None) => {}
        }
        // The status bar names overdue rectification from the start.
        self.backend
            .send(Request::Rectify(crate::service::protocol::RectifyRequest::List));
    }

    fn on_report_ready(&mut self, ctx: &egui::Context, path: PathBuf, pages: Option<u32>) {
        self.reports.busy = false;
        match pages {
            Some(pages) => {
                self.notify(ctx, Level::Info, format!("已生成 {}（{pages} 页）", path.display()));
                let title = path
                    .file_name()
                    .map_or_else(|| "报告".to_string(), |n| n.to_string_lossy().into_owned());
                self.viewer.open(
                    OpenDocument {
                        title,
                        sha256: format!("report:{}:{pages}", path.display()),
                        path,
                        kind: kind_for("pdf"),
                    },
                    1,
                );
                self.open_doc = None;
            }
            None => self.notify(ctx, Level::Info, format!("已导出 {}", path.display())),
        }
    }

    fn on_import_done(&mut self, ctx: &egui::Context, report: ImportReport) {
        self.import_progress = None;
        for item in &report.items {
            match &item.result {
                ItemResult::Refused(reason) => {
                    self.notify(ctx, Level::Error, format!("{}: {reason}", item.path));
                }
                held @ ItemResult::Held { .. } => {
                    if let Some(note) = held.note() {
                        self.notify(ctx, Level::Info, note);
                    }
                }
                _ => {}
            }
        }
        self.notify(ctx, Level::Info, format!("导入完成：{}", report.summary()));
        if report.imported() + report.revised() > 0
            && let Some(dir) = self.project_dir.clone()
            && let Some(intent) = self.ocr.after_import(dir, ctx)
        {
            self.apply_ocr(ctx, intent);
        }
        self.last_report = Some(report);
    }

    fn apply_responses(&mut self, ctx: &egui::Context) {
        let mut responses = self.poll_pending_project(ctx);
        responses.extend(self.backend.poll(64));
        for response in responses {
            match response {
                Response::Opened { name, dir, addressee } => self.on_opened(ctx, name, dir, addressee),
                Response::OpenFailed(error) => {
                    self.project_name = "未打开项目".into();
                    self.notify(ctx, Level::Error, error.message);
                }
                Response::Cases(rows) => {
                    if let Some(intent) = self.list.set_cases(rows) {
                        self.apply_list_intent(intent);
                    }
                }
                Response::ReviewStates(states) => self.list.set_review_states(states),
                Response::FindingCounts(counts) => self.list.set_finding_counts(counts),
                Response::FindingCountOf(id, count) => self.list.set_finding_count(id, count),
                Response::Case(case, findings) => {
                    if Some(case.row.id) == self.selected {
                        self.backend.send(Request::LoadScoring {
                            case_number: case.row.number.clone(),
                            seq: self.scoring_seq,
                        });
                        self.case = Some(case);
                        self.findings = findings;
                    }
                }
                Response::Scoring {
                    case_number,
                    scorings,
                    decisions,
                    seq,
                } => {
                    self.scoring_answered = self.scoring_answered.max(seq);
                    // Older answers would undo newer local changes still on their way.
                    let current = self.case.as_ref().is_some_and(|c| c.row.number == case_number);
                    // A typed number waiting for its next digit is newer than any answer.
                    if current && seq == self.scoring_seq && !self.scoring.has_unsettled_entry() {
                        self.scoring.set_data(case_number, scorings, decisions);
                    }
                }
                Response::Reviewer(r) => {
                    self.reviewer = Some(r);
                    if let Some(case) = &self.case {
                        self.backend.send(Request::LoadScoring {
                            case_number: case.row.number.clone(),
                            seq: self.scoring_seq,
                        });
                    }
                }
                Response::Audit { case_number, entries } => {
                    self.history = Some((case_number, entries));
                }
                Response::Library(entries) => self.library = entries,
                Response::ChecklistTables { path, tables } => self.editor.show_tables(path, tables),
                Response::Rectify { items, today } => self.rectify.set_items(items, today),
                Response::Official { settings, fonts } => self.reports.set_official(*settings, fonts),
                Response::Checklists(all) => {
                    self.editor.set_checklists(Arc::clone(&all));
                    self.checklists = all;
                    if let Some(case) = &self.case {
                        self.backend.send(Request::LoadScoring {
                            case_number: case.row.number.clone(),
                            seq: self.scoring_seq,
                        });
                    }
                }
                Response::Done { outcome, .. } => self.notify(ctx, Level::Info, outcome),
                Response::Campaign(answer) => {
                    if let crate::service::protocol::CampaignResponse::List(list) = &answer {
                        self.campaign_names = list.iter().map(|(c, _)| c.name.clone()).collect();
                    }
                    if let crate::service::protocol::CampaignResponse::Progress {
                        campaign,
                        scored,
                        drawn,
                    } = &answer
                    {
                        self.reports.set_progress(campaign, *scored, *drawn);
                    }
                    self.campaigns.apply(answer);
                }
                Response::KitOpened { workspace, summary } => {
                    self.kit_busy = false;
                    self.notify(ctx, Level::Info, summary);
                    self.project_dialog_open = false;
                    self.switch_project(workspace);
                }
                Response::ReportReady { path, pages } => self.on_report_ready(ctx, path, pages),
                Response::RuleSettings {
                    settings,
                    years,
                    added_years,
                } => {
                    self.settings.set_data(*settings, years, added_years);
                    // The selected case's findings follow the new settings.
                    if let Some(id) = self.selected {
                        self.backend.send(Request::LoadCase(id));
                    }
                }
                Response::ImportLimits(limits) => self.settings.set_limits(*limits),
                Response::OcrScope(scope) => self.ocr.set_scope(scope),
                Response::AutoAccept(threshold) => self.ocr.set_auto_accept(threshold),
                Response::Facts(number, proposals) => self.ocr.set_facts(number, *proposals),
                Response::OcrPage { sha256, page, stored } => self.viewer.set_ocr(sha256, page, stored.map(|s| *s)),
                Response::SearchHits { query, summary } => self.list.set_search_hits(query, summary),
                Response::CaseHits { query, case_id, hits } => {
                    if self.case_hits_sent.as_ref() == Some(&(query.clone(), case_id)) {
                        self.case_hits = Some((query, case_id, hits));
                    }
                }
                Response::ImportProgress(p) => self.import_progress = Some(p),
                Response::ImportDone(report) => self.on_import_done(ctx, report),
                Response::Failed { job, error } => {
                    // Only the work that failed leaves its busy state.
                    match job {
                        crate::service::Job::Report => self.reports.busy = false,
                        crate::service::Job::Kit | crate::service::Job::Return => self.kit_busy = false,
                        _ => {}
                    }
                    self.notify(ctx, Level::Error, error.message);
                }
            }
        }
    }

    /// The reviewer's 评查状态 of a case.
    pub fn review_state(&self, number: &str) -> crate::domain::ReviewState {
        self.list.review_state(number)
    }

    /// Sets the 字号 (one of [`theme::FONT_SIZES`]) as the top bar's menu does.
    pub fn set_font_size(&mut self, ctx: &egui::Context, size: u32) {
        self.font_scale = theme::scale_of(size);
        theme::apply(ctx, self.dark, self.font_scale);
    }

    /// Widths of the case list, the scoring panel and the viewer area as last drawn.
    pub fn panel_widths(&self) -> (f32, f32, f32) {
        self.panel_widths
    }

    /// The case list's columns as last drawn: header and width.
    pub fn list_columns(&self) -> &[(&'static str, f32)] {
        self.list.columns()
    }

    fn select(&mut self, id: i64) {
        if self.selected != Some(id) {
            self.selected = Some(id);
            self.case = None;
            self.viewer.close();
            let held = self.scoring.take_held();
            self.run_scoring_actions(held);
            self.scoring.clear();
            self.history = None;
            self.backend.send(Request::LoadCase(id));
        }
    }

    /// Sends the scoring panel's actions to the backend.
    fn run_scoring_actions(&mut self, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Save {
                    key,
                    item,
                    mark,
                    action,
                } => {
                    self.scoring_seq += 1;
                    let note = match (action, &mark) {
                        (crate::domain::AuditAction::Anchor, Some(m)) => m
                            .anchor
                            .as_ref()
                            .map(|a| format!("证据：{} 第{}页", a.doc_type, a.page))
                            .unwrap_or_default(),
                        (_, m) => m.as_ref().map(|m| m.reason.clone()).unwrap_or_default(),
                    };
                    self.backend.send(Request::Mark {
                        key,
                        item,
                        mark,
                        action,
                        note,
                        seq: self.scoring_seq,
                    });
                }
                Action::SetReviewed { key, done } => {
                    self.scoring_seq += 1;
                    self.backend.send(Request::SetReviewed {
                        key,
                        done,
                        seq: self.scoring_seq,
                    });
                }
                Action::Decide { key, decision, mark } => {
                    self.scoring_seq += 1;
                    self.backend.send(Request::DecideFinding {
                        key,
                        decision,
                        mark,
                        seq: self.scoring_seq,
                    });
                }
                Action::Withdraw { key, decision, mark } => {
                    self.scoring_seq += 1;
                    self.backend.send(Request::WithdrawFinding {
                        key,
                        decision,
                        mark,
                        seq: self.scoring_seq,
                    });
                }
                Action::AddToLibrary(entry) => self.backend.send(Request::AddLibraryEntry(entry)),
                Action::OpenAnchor(anchor) => self.open_anchor(&anchor),
                Action::ShowHistory => {
                    if let Some(case) = &self.case {
                        self.history_open = true;
                        self.backend.send(Request::Audit(case.row.number.clone()));
                    }
                }
                Action::ChooseReviewer => self.profile_window_open = true,
            }
        }
    }

    /// Opens the document and page an evidence anchor points at.
    fn open_anchor(&mut self, anchor: &Anchor) {
        let index = self
            .case
            .as_ref()
            .and_then(|c| c.documents.iter().position(|d| d.file_path == anchor.file));
        match index {
            Some(i) => {
                self.open_document_at(i, anchor.page as usize);
            }
            None => self.notify(
                &self.wake.clone(),
                Level::Error,
                format!("标注的文书“{}”不在当前版本的案卷中", anchor.file),
            ),
        }
    }

    /// Anchors the selected item's mark to the page shown in the viewer.
    fn anchor_here(&mut self) {
        let (Some(index), Some(case)) = (self.open_document_index(), &self.case) else {
            return;
        };
        let Some(doc) = case.documents.get(index) else { return };
        let anchor = Anchor {
            file: doc.file_path.clone(),
            doc_type: doc.doc_type.clone(),
            page: u32::try_from(self.viewer.position().0).unwrap_or(1),
        };
        let action = self.scoring.anchor_selected(anchor);
        match action {
            Some(a) => self.run_scoring_actions(vec![a]),
            None => self.notify(
                &self.wake.clone(),
                Level::Error,
                "请先在评分栏中对评查项扣分，再标注页码",
            ),
        }
    }

    fn run_command(&mut self, ctx: &egui::Context, command: UiCommand) {
        match command {
            UiCommand::Import => self.import_open = true,
            UiCommand::FocusSearch => self.list.focus_search(),
            UiCommand::NextCase
            | UiCommand::PreviousCase
            | UiCommand::ListPageDown
            | UiCommand::ListPageUp
            | UiCommand::ListFirst
            | UiCommand::ListLast => {
                let page = self.list.page_rows().max(1) as i64;
                let delta = match command {
                    UiCommand::NextCase => 1,
                    UiCommand::PreviousCase => -1,
                    UiCommand::ListPageDown => page,
                    UiCommand::ListPageUp => -page,
                    UiCommand::ListFirst => i64::MIN / 2,
                    _ => i64::MAX / 2,
                };
                let position = self.selected_position();
                if let Some(next) = move_in_list(position, self.list.visible_len(), delta)
                    && let Some(id) = self.list.id_at(next)
                {
                    self.select(id);
                    self.list.scroll_to_selected();
                }
            }
            UiCommand::ToggleTheme => {
                self.dark = !self.dark;
                theme::apply(ctx, self.dark, self.font_scale);
            }
            UiCommand::CancelImport => self.backend.cancel_import(),
            UiCommand::PageUp => self.viewer.turn(-1),
            UiCommand::PageDown => self.viewer.turn(1),
            UiCommand::CloseDocument => self.viewer.close(),
            UiCommand::OpenProject => self.project_dialog_open = true,
            UiCommand::CommandPalette => {
                self.palette_open = !self.palette_open;
                self.palette_query.clear();
            }
            UiCommand::ChooseReviewer => self.profile_window_open = true,
            UiCommand::EditChecklists => self.editor.open = true,
            UiCommand::FocusScoring => self.scoring.focused = true,
            UiCommand::ToggleList => self.list_hidden = !self.list_hidden,
            UiCommand::Settings => self.settings.open = true,
            UiCommand::Campaigns => self.campaigns.open = true,
            UiCommand::Rectify => {
                self.rectify.open = true;
                self.backend
                    .send(Request::Rectify(crate::service::protocol::RectifyRequest::List));
                self.backend
                    .send(Request::Campaign(crate::service::protocol::CampaignRequest::List));
            }
            UiCommand::Reports => {
                self.reports.open = true;
                self.backend
                    .send(Request::Campaign(crate::service::protocol::CampaignRequest::List));
            }
            UiCommand::ClearFilters => self.list.clear_filters(),
            UiCommand::ToggleReviewed
            | UiCommand::Undo
            | UiCommand::Redo
            | UiCommand::NotApplicable
            | UiCommand::Veto
            | UiCommand::EditReason
            | UiCommand::AcceptSuggestion
            | UiCommand::RejectSuggestion
            | UiCommand::NextChecklist => {
                // From the palette: the panel takes the keyboard and does it.
                self.scoring.focused = true;
                let findings = self.findings.clone();
                let actions = self.scoring.run(command, &findings);
                self.run_scoring_actions(actions);
            }
        }
    }

    fn keyboard(&mut self, ctx: &egui::Context) -> Vec<UiCommand> {
        let typing = ctx.egui_wants_keyboard_input() || self.scoring.is_typing();
        let mut commands = Vec::new();
        // Esc leaves the scoring panel (a document open in the viewer closes first).
        if self.scoring.focused
            && !typing
            && !self.viewer.is_open()
            && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape))
        {
            self.scoring.focused = false;
        }
        // While a document is open, plain keys page through it instead of moving between cases.
        let keyed: &[UiCommand] = if self.viewer.is_open() {
            &[
                UiCommand::Import,
                UiCommand::OpenProject,
                UiCommand::CommandPalette,
                UiCommand::FocusSearch,
                UiCommand::ToggleList,
                UiCommand::PageUp,
                UiCommand::PageDown,
                UiCommand::CloseDocument,
            ]
        } else if self.scoring.focused {
            &[
                UiCommand::Import,
                UiCommand::OpenProject,
                UiCommand::CommandPalette,
                UiCommand::FocusSearch,
                UiCommand::ToggleList,
                UiCommand::NextCase,
                UiCommand::PreviousCase,
                UiCommand::ListPageDown,
                UiCommand::ListPageUp,
                UiCommand::ListFirst,
                UiCommand::ListLast,
            ]
        } else {
            &[
                UiCommand::Import,
                UiCommand::OpenProject,
                UiCommand::CommandPalette,
                UiCommand::FocusSearch,
                UiCommand::ToggleList,
                UiCommand::NextCase,
                UiCommand::PreviousCase,
                UiCommand::ListPageDown,
                UiCommand::ListPageUp,
                UiCommand::ListFirst,
                UiCommand::ListLast,
                UiCommand::FocusScoring,
            ]
        };
        for &command in keyed {
            let Some(shortcut) = command.shortcut() else {
                continue;
            };
            let plain = shortcut.modifiers.is_none();
            if plain && typing {
                continue;
            }
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                commands.push(command);
            }
        }
        if !typing && !self.viewer.is_open() && !self.scoring.focused {
            if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::ArrowDown)) {
                commands.push(UiCommand::NextCase);
            }
            if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::ArrowUp)) {
                commands.push(UiCommand::PreviousCase);
            }
        }
        commands
    }

    /// The top bar: on one line with the view controls at the right when the window is wide
    /// enough for everything (measured the frame before), else wrapped onto a second line —
    /// never drawn over itself, at any width and 字号.
    fn top_bar(&mut self, ui: &mut egui::Ui, commands: &mut Vec<UiCommand>) {
        // What the one-line width depends on: when it changes, the bar is measured again.
        let key = format!(
            "{}|{}|{}|{}|{:?}",
            self.font_scale,
            self.project_name,
            self.dark,
            self.list_hidden,
            self.list.search_summary()
        );
        if key != self.top_bar_key {
            self.top_bar_key = key;
            self.top_bar_needed = 0.0;
        }
        let gap = ui.spacing().item_spacing.x;
        if ui.available_width() >= self.top_bar_needed {
            let (a, b, c) = ui
                .horizontal(|ui| {
                    let a = ui
                        .horizontal(|ui| self.top_bar_commands(ui, commands))
                        .response
                        .rect
                        .width();
                    let b = ui.horizontal(|ui| self.top_bar_search(ui)).response.rect.width();
                    let c = ui
                        .with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            self.top_bar_view(ui, commands);
                            ui.min_rect().width()
                        })
                        .inner;
                    (a, b, c)
                })
                .inner;
            self.top_bar_needed = a + b + c + 4.0 * gap;
            if ui.available_width() < self.top_bar_needed {
                // Too narrow for one line: lay the bar out again, wrapped, before it is shown.
                ui.ctx().request_discard("top bar layout");
            }
        } else {
            // Each control wraps on its own: nothing is drawn over another.
            ui.horizontal_wrapped(|ui| {
                self.top_bar_commands(ui, commands);
                self.top_bar_search(ui);
                self.top_bar_view(ui, commands);
            });
        }
    }

    fn top_bar_commands(&mut self, ui: &mut egui::Ui, commands: &mut Vec<UiCommand>) {
        ui.add(egui::Label::new(RichText::new("评查").heading()).extend());
        ui.add(egui::Label::new(RichText::new(&self.project_name).strong()).truncate())
            .on_hover_text(
                self.project_dir
                    .as_ref()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default(),
            );
        ui.separator();
        let import = ui.add_enabled(!self.is_importing(), egui::Button::new(UiCommand::Import.label()));
        if import.on_hover_text(UiCommand::Import.hint(ui.ctx())).clicked() {
            commands.push(UiCommand::Import);
        }
        if ui
            .button(UiCommand::OpenProject.label())
            .on_hover_text(UiCommand::OpenProject.hint(ui.ctx()))
            .clicked()
        {
            commands.push(UiCommand::OpenProject);
        }
        if ui.button(UiCommand::Campaigns.label()).clicked() {
            commands.push(UiCommand::Campaigns);
        }
        if ui.button(UiCommand::Reports.label()).clicked() {
            commands.push(UiCommand::Reports);
        }
        if ui.button(UiCommand::EditChecklists.label()).clicked() {
            commands.push(UiCommand::EditChecklists);
        }
        if ui
            .button(UiCommand::Settings.label())
            .on_hover_text("自动检查的期限、限额、部门规章和节假日安排")
            .clicked()
        {
            commands.push(UiCommand::Settings);
        }
        let list_label = if self.list_hidden {
            "展开列表"
        } else {
            "收起列表"
        };
        if ui
            .button(list_label)
            .on_hover_text(UiCommand::ToggleList.hint(ui.ctx()))
            .clicked()
        {
            commands.push(UiCommand::ToggleList);
        }
    }

    fn top_bar_search(&mut self, ui: &mut egui::Ui) {
        ui.separator();
        if let Some(intent) = self.list.search_ui(ui, 220.0 * self.font_scale) {
            self.apply_list_intent(intent);
        }
    }

    /// Carries out what the case list asked for.
    fn apply_list_intent(&mut self, intent: ListIntent) {
        match intent {
            ListIntent::Select(id) => {
                self.scoring.focused = false;
                self.select(id);
            }
            ListIntent::Search(query) => {
                // The open case's places are asked again for the new text.
                self.case_hits_sent = None;
                self.backend.send(Request::Search(query));
            }
        }
    }

    /// 字号, theme and the command palette (drawn right to left when on one line).
    fn top_bar_view(&mut self, ui: &mut egui::Ui, commands: &mut Vec<UiCommand>) {
        if ui
            .button("命令面板")
            .on_hover_text(UiCommand::CommandPalette.hint(ui.ctx()))
            .clicked()
        {
            commands.push(UiCommand::CommandPalette);
        }
        let label = if self.dark { "浅色" } else { "深色" };
        if ui.button(label).on_hover_text(UiCommand::ToggleTheme.label()).clicked() {
            commands.push(UiCommand::ToggleTheme);
        }
        let current = theme::font_size(self.font_scale);
        let mut chosen = current;
        let combo = egui::ComboBox::from_id_salt("font-size")
            .selected_text(format!("字号 {current}"))
            .show_ui(ui, |ui| {
                for size in theme::FONT_SIZES {
                    ui.selectable_value(&mut chosen, size, format!("{size} 磅"));
                }
            });
        combo.response.on_hover_text("字号");
        if chosen != current {
            self.font_scale = theme::scale_of(chosen);
            theme::apply(ui.ctx(), self.dark, self.font_scale);
        }
    }

    fn case_view(&mut self, ui: &mut egui::Ui) {
        // The active search's places in this case are asked for once per (query, case).
        if let (Some(query), Some(stored)) = (self.list.answered_query(), &self.case) {
            let wanted = (query.to_string(), stored.row.id);
            if self.case_hits_sent.as_ref() != Some(&wanted) {
                self.backend.send(Request::SearchInCase {
                    query: wanted.0.clone(),
                    case_id: wanted.1,
                });
                self.case_hits_sent = Some(wanted);
            }
        }
        let Some(stored) = &self.case else {
            ui.centered_and_justified(|ui| {
                ui.label(if self.selected.is_some() {
                    "正在读取案卷…"
                } else {
                    "在左侧选择一件案卷（↑/↓ 或 J/K 逐件浏览）"
                });
            });
            return;
        };
        let palette = theme::palette(self.dark);
        let mut opened = None;
        let mut opened_hit: Option<(usize, usize, String)> = None;
        let mut fact_changes = Vec::new();
        let mut read_scans = false;
        let scans = stored.documents.iter().filter(|d| d.is_scan()).count();
        let ocr_running = self.ocr.running();
        let unread = self.ocr.unread(&stored.row.number);
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            // Keep content clear of the scroll bar.
            ui.set_max_width(ui.available_width() - theme::SPACE * 1.5);
            case_header(ui, stored, palette);
            ui.add_space(theme::SPACE);
            findings_list(ui, &self.findings, palette);
            if let Some(query) = self.list.answered_query()
                && let Some((_, _, hits)) = self
                    .case_hits
                    .as_ref()
                    .filter(|(q, id, hits)| q == query && *id == stored.row.id && !hits.is_empty())
            {
                ui.add_space(theme::SPACE);
                ui.label(RichText::new(format!("“{query}”在本案出现 {} 处", hits.len())).strong());
                for hit in hits {
                    ui.horizontal_top(|ui| {
                        match hit
                            .document_id
                            // A file split into documents: the one holding the page.
                            .and_then(|id| {
                                stored
                                    .documents
                                    .iter()
                                    .position(|d| d.id == id && hit.page.is_none_or(|p| d.holds_page(p)))
                            }) {
                            Some(i) => {
                                let place = match hit.page {
                                    Some(page) => format!("{}. {} 第 {page} 页", i + 1, stored.documents[i].doc_type),
                                    None => format!("{}. {}", i + 1, stored.documents[i].doc_type),
                                };
                                let link = ui.link(place);
                                let link = if hit.page.is_some() {
                                    link.on_hover_text("在扫描件识别出的文字中找到；打开该页并标出所在行")
                                } else {
                                    link
                                };
                                if link.clicked() {
                                    opened_hit = Some((i, hit.page.unwrap_or(1) as usize, query.to_string()));
                                }
                            }
                            None => {
                                ui.label(RichText::new("案件信息").color(palette.weak_text));
                            }
                        }
                        ui.add(egui::Label::new(&hit.snippet).wrap());
                    });
                }
            }
            ui.add_space(theme::SPACE);
            let proposals = self.ocr.proposals(&stored.row.number);
            let anchor = self
                .viewer
                .is_open()
                .then_some(self.open_doc)
                .flatten()
                .map(|i| (i, u32::try_from(self.viewer.position().0).unwrap_or(1)));
            for intent in self.facts_editor.ui(ui, stored, proposals, anchor, self.dark) {
                match intent {
                    super::facts::FactsIntent::Open { document, page, line } => {
                        opened_hit = Some((document, page, line));
                    }
                    super::facts::FactsIntent::Change(change) => fact_changes.push(change),
                }
            }
            ui.add_space(theme::SPACE);
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("卷内目录（{} 份）", stored.documents.len())).strong());
                if scans > 0 && unread == Some(0) {
                    ui.label(RichText::new(format!("扫描件 {scans} 份，均已识别文字")).color(palette.weak_text));
                } else if scans > 0 {
                    ui.label(RichText::new(format!("扫描件 {scans} 份")).color(palette.weak_text));
                    if ui
                        .add_enabled(!ocr_running, egui::Button::new("识别扫描件文字").small())
                        .on_hover_text("离线识别本案扫描件中尚未识别的页面（后台进行，识别后可全文检索）")
                        .clicked()
                    {
                        read_scans = true;
                    }
                }
            });
            if let Some(i) = documents_table(ui, stored, palette) {
                opened = Some(i);
            }
        });
        if let Some(i) = opened {
            self.open_document(i);
        }
        if let Some((i, page, query)) = opened_hit {
            self.open_document_at(i, page);
            self.viewer
                .set_highlight(query.split_whitespace().map(str::to_string).collect());
        }
        if read_scans {
            let ctx = ui.ctx().clone();
            self.read_case_scans(&ctx);
        }
        if let Some(number) = self.case.as_ref().map(|c| c.row.number.clone()) {
            for change in fact_changes {
                if let crate::service::facts::FactChange::Set { path, .. } = &change {
                    self.facts_editor.settle(path);
                }
                self.backend.send(Request::EditFacts {
                    number: number.clone(),
                    change,
                });
            }
        }
    }

    /// Carries out what the OCR component asks.
    fn apply_ocr(&mut self, ctx: &egui::Context, intent: super::ocr::OcrIntent) {
        use super::ocr::OcrIntent;
        match intent {
            OcrIntent::SaveScope(scope) => self.backend.send(Request::SaveOcrScope(scope)),
            OcrIntent::SaveAutoAccept(threshold) => self.backend.send(Request::SaveAutoAccept(threshold)),
            OcrIntent::Notify(error, text) => {
                self.notify(ctx, if error { Level::Error } else { Level::Info }, text);
            }
            OcrIntent::PagesStored => {
                self.viewer.forget_ocr();
                self.ocr.forget_facts();
                // Search results may have grown.
                self.case_hits_sent = None;
            }
        }
    }

    /// The OCR job, the viewer's questions for page readings and its request to read.
    fn ocr_frame(&mut self, ctx: &egui::Context) {
        for intent in self.ocr.poll() {
            self.apply_ocr(ctx, intent);
        }
        if let Some((sha256, page)) = self.viewer.wanted_ocr() {
            self.backend.send(Request::OcrPage { sha256, page });
        }
        let shown = self.case.as_ref().map(|c| c.row.number.clone());
        if let Some(number) = self.ocr.wanted_facts(shown.as_deref()) {
            self.backend.send(Request::Facts(number));
        }
        if self.viewer.take_run_ocr() {
            self.read_case_scans(ctx);
        }
    }

    /// Starts reading the selected case's scans.
    fn read_case_scans(&mut self, ctx: &egui::Context) {
        let (Some(dir), Some(case)) = (self.project_dir.clone(), self.case.as_ref()) else {
            return;
        };
        let number = case.row.number.clone();
        if let Some(intent) = self.ocr.start(dir, Some(number), false, ctx) {
            self.apply_ocr(ctx, intent);
        }
    }

    /// Opens document `index` of the selected case in the viewer.
    fn open_document(&mut self, index: usize) {
        let first = self
            .case
            .as_ref()
            .and_then(|c| c.documents.get(index))
            .and_then(|d| d.first_page)
            .unwrap_or(1);
        self.open_document_at(index, first as usize);
    }

    /// Opens document `index` of the selected case at `page`.
    fn open_document_at(&mut self, index: usize, page: usize) {
        let (Some(stored), Some(dir)) = (&self.case, &self.project_dir) else {
            return;
        };
        let Some(doc) = stored.documents.get(index) else { return };
        let Some((sha256, extension)) = doc.file.clone() else {
            return;
        };
        let path = dir
            .join(crate::store::DOCUMENTS_DIR)
            .join(format!("{sha256}.{extension}"));
        let title = format!("{}. {}", index + 1, doc.doc_type);
        self.viewer.open(
            OpenDocument {
                title,
                sha256,
                path,
                kind: kind_for(&extension),
            },
            page,
        );
        self.open_doc = Some(index);
    }

    fn import_window(&mut self, ctx: &egui::Context) {
        if let Some(message) = self.import_path.poll() {
            self.notify(ctx, Level::Info, message);
        }
        let mut open = self.import_open;
        let mut start = None;
        let mut ocr_intent = None;
        let mut read_all = false;
        egui::Window::new("导入案卷").open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
            ui.label("可导入：案卷包文件夹或 .zip、装有多个案卷包的文件夹、扫描件文件夹、案件台账（.xlsx/.csv）、执法人员名册。");
            self.import_path.ui(ui, "导入路径", "文件夹、.zip 或表格", &[("选择文件夹…", Pick::Folder), ("选择文件…", Pick::File)]);
            ui.horizontal(|ui| {
                if let Some(intent) = self.ocr.scope_ui(ui) {
                    ocr_intent = Some(intent);
                }
                if ui
                    .add_enabled(!self.ocr.running(), egui::Button::new("识别项目全部扫描件"))
                    .on_hover_text("在后台识别项目中所有尚未识别的扫描页面")
                    .clicked()
                {
                    read_all = true;
                }
            });
            ui.horizontal(|ui| {
                if let Some(intent) = self.ocr.auto_accept_ui(ui) {
                    ocr_intent = Some(intent);
                }
            });
            let path = self.import_path.path();
            if ui.add_enabled(path.is_some() && !self.is_importing(), egui::Button::new("开始导入")).clicked() {
                start = path;
            }
        });
        self.import_open = open;
        if let Some(intent) = ocr_intent {
            self.apply_ocr(ctx, intent);
        }
        if read_all {
            self.read_all_scans();
        }
        if let Some(path) = start {
            self.import_open = false;
            self.start_import(vec![path]);
        }
    }

    /// Opens another project folder (created if missing): a new backend, a fresh view.
    pub fn switch_project(&mut self, dir: PathBuf) {
        let held = self.scoring.take_held();
        self.run_scoring_actions(held);
        let wake = self.wake.clone();
        self.pending_project = Some((dir.clone(), Backend::start(dir, None, move || wake.request_repaint())));
    }

    /// Whether a project is being opened (the current one stays until it answers).
    pub fn is_opening_project(&self) -> bool {
        self.pending_project.is_some()
    }

    /// Closes the app's projects: a typed number still waiting is saved, and the backend
    /// carries out what it was sent before it stops (at most ten seconds).
    pub fn close(&mut self) {
        let held = self.scoring.take_held();
        self.run_scoring_actions(held);
        if !self.backend.finish(std::time::Duration::from_secs(10)) {
            crate::places::log("关闭时后台仍在运行（超过 10 秒），未等待其结束");
        }
        if let Some((_, mut pending)) = self.pending_project.take() {
            pending.finish(std::time::Duration::from_secs(2));
        }
    }

    /// The open project's folder.
    pub fn project_dir(&self) -> Option<&std::path::Path> {
        self.project_dir.as_deref()
    }

    /// The projects opened lately, newest first.
    pub fn recent_projects(&self) -> &[PathBuf] {
        &self.recent
    }

    /// Forgets the closed project's list, case, search and scoring.
    fn close_project_view(&mut self) {
        // The new project learns who is scoring once it is open (`Response::Opened`).
        self.reviewer = None;
        self.scoring.clear();
        self.project_name = "正在打开…".into();
        self.project_dir = None;
        self.list.clear();
        self.selected = None;
        self.case = None;
        self.viewer.close();
        self.case_hits = None;
        self.case_hits_sent = None;
        self.import_progress = None;
        self.ocr.stop();
        self.last_report = None;
        self.findings.clear();
    }

    /// Opens a folder chosen in the project dialog: a project opens, a folder without one
    /// asks first, a file or an unreadable path is refused (the current project stays).
    fn open_chosen(&mut self, ctx: &egui::Context, dir: PathBuf) {
        match check_project_dir(&dir) {
            OpenCheck::Open => {
                self.project_dialog_open = false;
                self.switch_project(dir);
            }
            OpenCheck::AskCreate(question) => self.confirm_create = Some((dir, question)),
            OpenCheck::Refuse(why) => self.notify(ctx, Level::Error, why),
        }
    }

    fn confirm_create_window(&mut self, ctx: &egui::Context) {
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
                self.project_dialog_open = false;
                self.switch_project(dir);
            }
            Some(false) => self.confirm_create = None,
            None => {}
        }
    }

    fn project_window(&mut self, ctx: &egui::Context) {
        if let Some(message) = self.project_path.poll() {
            self.notify(ctx, Level::Info, message);
        }
        for field in [&mut self.kit_path, &mut self.kit_workspace, &mut self.return_path] {
            field.poll(); // a picked-nothing message shows under the field
        }
        let mut open = self.project_dialog_open;
        let mut chosen = None;
        let mut open_kit = None;
        let mut export_return = None;
        egui::Window::new("新建或打开项目").open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
            ui.label("评查项目是一个文件夹（内含 project.sqlite 和 documents/）。填写已有项目的文件夹打开它；填写新文件夹时会先询问是否新建。");
            self.project_path.ui(ui, "项目文件夹", "路径", &[("选择文件夹…", Pick::Folder)]);
            let path = self.project_path.path();
            if ui.add_enabled(path.is_some(), egui::Button::new("打开项目")).clicked() {
                chosen = path;
            }
            if let Some((dir, _)) = &self.pending_project {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("正在打开 {}…", dir.display()));
                });
            }
            let others: Vec<&PathBuf> = self.recent.iter().filter(|d| Some(*d) != self.project_dir.as_ref()).collect();
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
                .add_enabled(self.return_path.path().is_some() && self.project_dir.is_some(), egui::Button::new("导出回收包"))
                .on_hover_text("把当前工作区的评分签名导出，交回组织者")
                .clicked()
            {
                export_return = self.return_path.path();
            }
        });
        self.project_dialog_open = open;
        if let Some(dir) = chosen {
            self.open_chosen(ctx, dir);
        }
        self.confirm_create_window(ctx);
        if let Some((kit, workspace)) = open_kit {
            // Checking the signatures and copying the documents run on the backend.
            self.kit_busy = true;
            self.backend.send(Request::OpenKit { kit, workspace });
        }
        if let Some(path) = export_return {
            self.backend.send(Request::ExportReturn(path));
        }
    }

    fn profile_window(&mut self, ctx: &egui::Context) {
        if !self.profile_window_open {
            return;
        }
        let mut open = true;
        let mut chosen: Option<Profile> = None;
        egui::Window::new("评查员")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label("每条评分都记在评查员名下。同一台电脑可保存多名评查员，轮流使用。");
                if !self.profiles.list.is_empty() {
                    ui.label(RichText::new("已保存的评查员").strong());
                    for (i, p) in self.profiles.list.iter().enumerate() {
                        let active = self.profiles.active == Some(i);
                        if ui
                            .selectable_label(active, format!("{}（{}）", p.name, p.unit))
                            .clicked()
                        {
                            chosen = Some(p.clone());
                        }
                    }
                    ui.separator();
                }
                egui::Grid::new("profile-grid").num_columns(2).show(ui, |ui| {
                    let label = ui.label("姓名");
                    ui.add(egui::TextEdit::singleline(&mut self.profile_draft.name).desired_width(220.0))
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label("单位");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.profile_draft.unit)
                            .hint_text("如：市应急管理局法规科")
                            .desired_width(220.0),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                });
                let ready = !self.profile_draft.name.trim().is_empty() && !self.profile_draft.unit.trim().is_empty();
                if ui.add_enabled(ready, egui::Button::new("使用此评查员")).clicked() {
                    chosen = Some(self.profile_draft.clone());
                }
            });
        if let Some(p) = chosen {
            self.set_reviewer(&p.name, &p.unit);
            self.profile_draft = Profile {
                name: String::new(),
                unit: String::new(),
            };
        } else if !open {
            self.profile_window_open = false;
        }
    }

    fn history_window(&mut self, ctx: &egui::Context) {
        if !self.history_open {
            return;
        }
        let mut open = true;
        let palette = theme::palette(self.dark);
        egui::Window::new("修改记录")
            .open(&mut open)
            .default_size([640.0, 420.0])
            .show(ctx, |ui| {
                let Some((number, entries)) = &self.history else {
                    ui.label("正在读取…");
                    return;
                };
                ui.label(RichText::new(format!("{number}：共 {} 条（只增不改）", entries.len())).strong());
                egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                    for e in entries.iter().rev() {
                        let what = crate::domain::audit_label(&e.action);
                        let mut line = format!("{}  {}（{}）  {what}", e.at, e.reviewer, e.unit);
                        // A change of a case fact names the fact in its note; other rows name
                        // the checklist item.
                        let fact = e.action == crate::domain::AuditAction::FactEdited.code();
                        if let Some(item) = e.item.as_ref().filter(|_| !fact) {
                            line.push_str(&format!("  评查项 {item}"));
                        }
                        if e.old.is_some() || e.new.is_some() {
                            line.push_str(&format!(
                                "：{}",
                                crate::domain::Mark::change_text(e.old.as_ref(), e.new.as_ref())
                            ));
                        }
                        ui.label(line);
                        if !e.note.is_empty() {
                            ui.add(
                                egui::Label::new(
                                    RichText::new(readable_note(&e.note)).small().color(palette.weak_text),
                                )
                                .wrap(),
                            );
                        }
                    }
                });
            });
        if !open {
            self.history_open = false;
        }
    }

    fn palette(&mut self, ctx: &egui::Context, commands: &mut Vec<UiCommand>) {
        if !self.palette_open {
            return;
        }
        let mut close = false;
        egui::Window::new("命令面板")
            .collapsible(false)
            .resizable(false)
            .title_bar(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
            .show(ctx, |ui| {
                ui.set_width(420.0);
                // Enter runs the first match; taken before the input so it does not lose focus.
                let enter = ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter));
                let input = ui
                    .horizontal(|ui| {
                        let label = ui.label("命令");
                        ui.add(
                            egui::TextEdit::singleline(&mut self.palette_query)
                                .hint_text("输入命令名称…")
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label.id)
                    })
                    .inner;
                input.request_focus();
                // Filter after the input has taken this frame's typing.
                let query = self.palette_query.trim().to_lowercase();
                let matching: Vec<UiCommand> = UiCommand::PALETTE
                    .iter()
                    .copied()
                    .filter(|c| query.is_empty() || c.label().to_lowercase().contains(&query))
                    .collect();
                if enter {
                    if let Some(first) = matching.first() {
                        commands.push(*first);
                    }
                    close = true;
                }
                ui.separator();
                // The list scrolls within the window, so the palette never runs off the
                // screen; a solid bar takes its own column and the keys stay clear of it.
                let max_height = (ctx.content_rect().height() - 160.0).max(120.0);
                ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
                egui::ScrollArea::vertical().max_height(max_height).show(ui, |ui| {
                    for command in &matching {
                        let shortcut = command
                            .shortcut()
                            .map(|s| ui.ctx().format_shortcut(&s))
                            .unwrap_or_default();
                        ui.horizontal(|ui| {
                            if ui.selectable_label(false, command.label()).clicked() {
                                commands.push(*command);
                                close = true;
                            }
                            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                                ui.label(RichText::new(shortcut).small());
                            });
                        });
                    }
                });
                if matching.is_empty() {
                    ui.label("没有匹配的命令");
                }
            });
        if close || ctx.input(|i| i.key_pressed(Key::Escape)) {
            self.palette_open = false;
        }
    }

    fn status_bar(&mut self, ui: &mut egui::Ui, commands: &mut Vec<UiCommand>) {
        ui.horizontal(|ui| {
            self.ocr.status_ui(ui);
            if let Some(p) = &self.import_progress {
                theme::progress_bar(ui, p.done, p.total, 240.0, format!("导入 {}/{}", p.done, p.total));
                ui.label(RichText::new(short_path(&p.current)).small());
                if ui.button(UiCommand::CancelImport.label()).clicked() {
                    commands.push(UiCommand::CancelImport);
                }
            } else if let Some(report) = &self.last_report {
                ui.label(RichText::new(format!("上次导入：{}", report.summary())).small());
            } else {
                ui.label(RichText::new(format!("共 {} 件案卷", self.list.cases().len())).small());
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let errors = self.notices.iter().filter(|n| n.level == Level::Error).count();
                let label = if errors > 0 {
                    format!("消息记录（{} 条，错误 {errors}）", self.notices.len())
                } else {
                    format!("消息记录（{} 条）", self.notices.len())
                };
                if ui.small_button(label).clicked() {
                    self.notice_log_open = true;
                }
                let overdue = self.rectify.overdue_count();
                let label = if overdue > 0 {
                    RichText::new(format!("整改跟踪（逾期 {overdue} 项）")).color(theme::palette(self.dark).veto)
                } else {
                    RichText::new("整改跟踪")
                };
                if ui
                    .small_button(label)
                    .on_hover_text("整改通知印发后的问题，跟踪到销号")
                    .clicked()
                {
                    commands.push(UiCommand::Rectify);
                }
            });
        });
    }

    /// Every notification of this session, oldest first (the 消息记录).
    pub fn notice_log(&self) -> Vec<String> {
        self.notices.iter().map(|n| n.text.clone()).collect()
    }

    /// The notifications in the corner now, oldest first.
    pub fn notices_on_screen(&self) -> Vec<String> {
        self.notices
            .iter()
            .filter(|n| n.on_screen)
            .map(|n| n.text.clone())
            .collect()
    }

    fn notices_ui(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        if !self.notices_hovered {
            for n in &mut self.notices {
                if n.level == Level::Info && now - n.shown_at > reading_time(&n.text) {
                    n.on_screen = false;
                }
            }
        }
        let shown: Vec<usize> = (0..self.notices.len()).filter(|&i| self.notices[i].on_screen).collect();
        if shown.is_empty() {
            self.notices_hovered = false;
            return;
        }
        let palette = theme::palette(self.dark);
        let mut dismiss = None;
        let mut open_log = false;
        // In order of time, the newest at the bottom, next to the corner: a new success is
        // never below an old error.
        let hidden = shown.len().saturating_sub(NOTICES_SHOWN);
        let response = egui::Area::new(egui::Id::unique("notices"))
            .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -40.0])
            .show(ctx, |ui| {
                ui.set_max_width(460.0);
                if hidden > 0 && ui.link(format!("另有 {hidden} 条较早的消息（消息记录）")).clicked() {
                    open_log = true;
                }
                for &i in &shown[hidden..] {
                    let notice = &self.notices[i];
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.horizontal(|ui| {
                            let color = if notice.level == Level::Error {
                                palette.veto
                            } else {
                                palette.pass
                            };
                            ui.label(RichText::new(&notice.at).small().weak());
                            ui.label(RichText::new(&notice.text).color(color));
                            if ui.small_button("×").on_hover_text("关闭此消息").clicked() {
                                dismiss = Some(i);
                            }
                        });
                    });
                }
            })
            .response;
        self.notices_hovered = response.contains_pointer();
        if let Some(i) = dismiss {
            self.notices[i].on_screen = false;
        }
        if open_log {
            self.notice_log_open = true;
        }
        ctx.request_repaint_after(std::time::Duration::from_secs(1));
    }

    fn notice_log_window(&mut self, ctx: &egui::Context) {
        if !self.notice_log_open {
            return;
        }
        let mut open = true;
        let palette = theme::palette(self.dark);
        egui::Window::new("消息记录")
            .open(&mut open)
            .default_size([640.0, 360.0])
            .show(ctx, |ui| {
                if self.notices.is_empty() {
                    ui.label("本次运行还没有消息。");
                    return;
                }
                egui::ScrollArea::vertical().stick_to_bottom(true).show(ui, |ui| {
                    egui::Grid::new("notice-log")
                        .num_columns(3)
                        .striped(true)
                        .show(ui, |ui| {
                            for n in &self.notices {
                                ui.label(RichText::new(&n.at).small());
                                let (kind, color) = match n.level {
                                    Level::Error => ("错误", palette.veto),
                                    Level::Info => ("完成", palette.pass),
                                };
                                ui.label(RichText::new(kind).color(color));
                                ui.add(egui::Label::new(&n.text).wrap());
                                ui.end_row();
                            }
                        });
                });
            });
        self.notice_log_open = open;
    }

    /// Draws one frame into the root `ui`.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.apply_responses(&ctx);
        self.ocr_frame(&ctx);
        let mut commands = self.keyboard(&ctx);
        egui::Panel::top("top-bar").show(ui, |ui| {
            ui.add_space(4.0);
            self.top_bar(ui, &mut commands);
            ui.add_space(2.0);
        });
        egui::Panel::bottom("status-bar").show(ui, |ui| self.status_bar(ui, &mut commands));
        let width = ui.available_width();
        let list_width = (width * 0.38).max(420.0);
        let scoring_width = (width * 0.27).clamp(330.0, 560.0);
        // Keys for the scoring panel are read before the panels draw, so the total shown
        // this frame already includes them.
        let findings = self.findings.clone();
        let actions = self.scoring.keyboard(&ctx, &findings);
        self.run_scoring_actions(actions);
        // Each panel keeps the width the user gives it, within limits that leave the viewer
        // at least VIEWER_MIN: content never widens a panel (it wraps or is cut instead).
        const VIEWER_MIN: f32 = 360.0;
        let list_min = if self.list_hidden { 0.0 } else { 360.0 };
        // A window made wider or narrower takes its panels along, in proportion (the widths
        // the user gave them are kept as shares of the window).
        let scale =
            (self.window_width > 0.0 && (width - self.window_width).abs() > 1.0).then(|| width / self.window_width);
        self.window_width = width;
        if !self.list_hidden {
            let scoring_now = self.panel_widths.1.max(300.0);
            let max = (width - scoring_now * scale.unwrap_or(1.0) - VIEWER_MIN).max(360.0);
            let mut panel = egui::Panel::left("case-list")
                .resizable(true)
                .default_size(list_width)
                .min_size(360.0)
                .max_size(max);
            if let Some(scale) = scale
                && self.panel_widths.0 > 0.0
            {
                panel = panel.exact_size((self.panel_widths.0 * scale).clamp(360.0, max));
            }
            let response = panel
                .show(ui, |ui| {
                    self.list.filters_ui(ui);
                    ui.separator();
                    let palette = theme::palette(self.dark);
                    for intent in self.list.table_ui(ui, self.selected, palette) {
                        self.apply_list_intent(intent);
                    }
                })
                .response;
            self.panel_widths.0 = response.rect.width();
        } else {
            self.panel_widths.0 = 0.0;
        }
        let palette = theme::palette(self.dark);
        let reviewer = self.reviewer.as_ref().map(|r| format!("{}（{}）", r.name, r.unit));
        let library = Arc::clone(&self.library);
        let scoring_max = (width - list_min - VIEWER_MIN).clamp(300.0, 900.0);
        let mut scoring_panel = egui::Panel::right("scoring")
            .resizable(true)
            .default_size(scoring_width)
            .min_size(300.0)
            .max_size(scoring_max);
        if let Some(scale) = scale
            && self.panel_widths.1 > 0.0
        {
            scoring_panel = scoring_panel.exact_size((self.panel_widths.1 * scale).clamp(300.0, scoring_max));
        }
        let scoring = scoring_panel.show(ui, |ui| {
            if self.scoring.focused {
                ui.painter().rect_stroke(
                    ui.max_rect().shrink(1.0),
                    2.0,
                    egui::Stroke::new(1.5, palette.accent.gamma_multiply(0.6)),
                    egui::StrokeKind::Inside,
                );
            }
            self.scoring.ui(ui, palette, reviewer.as_deref(), &findings, &library)
        });
        self.panel_widths.1 = scoring.response.rect.width();
        self.run_scoring_actions(scoring.inner);
        self.panel_widths.2 = ui.available_width();
        egui::CentralPanel::default_margins().show(ui, |ui| {
            if self.viewer.is_open() {
                let can_anchor = self.scoring.selected_mark().is_some();
                let selected = self.scoring.selected_item().map(str::to_string);
                let mut anchor = false;
                ui.horizontal(|ui| {
                    let hint = match (&selected, can_anchor) {
                        (Some(item), true) => format!("把当前页标注为评查项 {item} 的证据"),
                        _ => "先在评分栏中选中并扣分的评查项，再标注".to_string(),
                    };
                    anchor = ui
                        .add_enabled(can_anchor, egui::Button::new("在此页标注"))
                        .on_hover_text(&hint)
                        .on_disabled_hover_text(&hint)
                        .clicked();
                    if let Some(item) = &selected {
                        ui.label(RichText::new(format!("评查项 {item}")).small().color(palette.weak_text));
                    }
                });
                if anchor {
                    self.anchor_here();
                }
                if self.viewer.ui(ui) {
                    self.viewer.close();
                }
            } else {
                self.case_view(ui);
            }
        });
        self.import_window(&ctx);
        self.project_window(&ctx);
        self.profile_window(&ctx);
        self.history_window(&ctx);
        let editor_requests = self.editor.ui(&ctx);
        for request in editor_requests {
            self.backend.send(request);
        }
        for request in self.settings.ui(&ctx) {
            self.backend.send(request);
        }
        let (requests, error) = self.rectify.ui(&ctx, self.list.units(), &self.campaign_names);
        for request in requests {
            self.backend.send(request);
        }
        if let Some(message) = error {
            self.notify(&ctx, Level::Error, message);
        }
        let case_number = self.case.as_ref().map(|c| c.row.number.clone());
        let reviewer = self.reviewer.as_ref().map(|r| (r.name.clone(), r.unit.clone()));
        let units = self.list.units().to_vec();
        let campaign_names = self.campaign_names.clone();
        for request in self.reports.ui(
            &ctx,
            case_number.as_deref(),
            reviewer.as_ref().map(|(n, u)| (n.as_str(), u.as_str())),
            &units,
            &campaign_names,
        ) {
            self.backend.send(request);
        }
        let checklists = Arc::clone(&self.checklists);
        let viewer = self.reviewer.as_ref().map(|r| r.name.clone());
        let units = self.list.units().to_vec();
        for request in self.campaigns.ui(&ctx, &checklists, viewer.as_deref(), &units) {
            self.backend.send(request);
        }
        self.palette(&ctx, &mut commands);
        self.notices_ui(&ctx);
        self.notice_log_window(&ctx);
        for command in commands {
            self.run_command(&ctx, command);
        }
    }
}

impl eframe::App for PingchaApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.close();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Some(dir) = &self.project_dir {
            eframe::set_value(storage, LAST_PROJECT_KEY, dir);
        }
        eframe::set_value(storage, PROFILES_KEY, &self.profiles);
        eframe::set_value(storage, RECENT_KEY, &self.recent);
        eframe::set_value(
            storage,
            PREFS_KEY,
            &Preferences {
                dark: self.dark,
                font_scale: self.font_scale,
            },
        );
    }
}

fn short_path(path: &str) -> String {
    let chars: Vec<char> = path.chars().collect();
    if chars.len() <= 60 {
        path.to_string()
    } else {
        format!("…{}", chars[chars.len() - 58..].iter().collect::<String>())
    }
}

/// An audit note as a person reads it: a decision on a finding is stored as
/// `规则 <id>：…`; the rule is shown by its Chinese name.
fn readable_note(note: &str) -> String {
    match note.strip_prefix("规则 ").and_then(|rest| rest.split_once('：')) {
        Some((id, rest)) => format!("自动检查“{}”：{rest}", crate::rules::rule_name(id)),
        None => note.to_string(),
    }
}

/// The list position after moving `delta` rows from `position` (none selected: from the top),
/// clamped to the list; `None` for an empty list.
pub fn move_in_list(position: Option<usize>, len: usize, delta: i64) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let last = (len - 1) as i64;
    let from = match position {
        Some(p) => p as i64,
        // Nothing selected: the first step lands on the first row, a page on the page's end.
        None if delta > 0 => -1,
        None => 0,
    };
    Some(from.saturating_add(delta).clamp(0, last) as usize)
}

/// The case's title, number, parties, officers, decision, key dates and import notes.
fn case_header(ui: &mut egui::Ui, stored: &StoredCase, palette: theme::Palette) {
    let case = &stored.case;
    ui.add(egui::Label::new(RichText::new(&case.title).heading().strong()).wrap());
    ui.add(
        egui::Label::new(
            RichText::new(format!("{}  ·  {}  ·  {}", case.number, case.kind_label(), case.unit))
                .color(palette.weak_text),
        )
        .wrap(),
    );
    if stored.row.revision > 1 {
        ui.label(RichText::new(format!("第 {} 版（旧版本已保留）", stored.row.revision)).color(palette.deduction));
    }
    ui.add_space(theme::SPACE);
    let mut fields: Vec<(&str, String)> = vec![("执法主体", case.agency.clone())];
    if let Some(p) = &case.party {
        fields.push(("当事人", p.name.clone()));
        if let Some(r) = &p.representative {
            fields.push(("法定代表人", r.clone()));
        }
    }
    fields.push((
        "执法人员",
        case.officers
            .iter()
            .map(|o| format!("{}（{}）", o.name, o.certificate))
            .collect::<Vec<_>>()
            .join("、"),
    ));
    if let Some(d) = &case.decision {
        if !d.legal_basis.is_empty() {
            fields.push(("处罚依据", d.legal_basis.join("；")));
        }
        let penalties: Vec<String> = d
            .penalties
            .iter()
            .map(|p| match p.amount_yuan {
                Some(a) => format!("{} {a:.0} 元", p.kind.label()),
                None => p.kind.label().to_string(),
            })
            .collect();
        fields.push(("处罚", penalties.join("，")));
    }
    for (key, value) in fields {
        ui.horizontal_top(|ui| {
            ui.add_sized(
                [72.0, 18.0],
                egui::Label::new(RichText::new(key).color(palette.weak_text)),
            );
            ui.add(egui::Label::new(value).wrap());
        });
    }
    ui.add_space(theme::SPACE);
    ui.label(RichText::new("关键日期").strong());
    ui.horizontal_wrapped(|ui| {
        let mut dates: Vec<_> = DateKey::ALL
            .iter()
            .filter_map(|k| case.effective_date(*k).map(|d| (*k, d)))
            .collect();
        dates.sort_by_key(|(_, d)| *d);
        for (i, (key, date)) in dates.iter().enumerate() {
            // Each date stays whole: it moves to the next line rather than breaking.
            let arrow = if i + 1 < dates.len() { " →" } else { "" };
            ui.add(egui::Label::new(format!("{} {}{arrow}", key.label(), date.format("%Y-%m-%d"))).extend());
        }
    });
    if !stored.warnings.is_empty() {
        ui.add_space(theme::SPACE);
        egui::CollapsingHeader::new(format!("导入提示（{}）", stored.warnings.len())).show(ui, |ui| {
            for w in &stored.warnings {
                ui.add(egui::Label::new(RichText::new(w).color(palette.deduction)).wrap());
            }
        });
    }
}

/// The 卷内目录 as a table (序号, 文书, 日期, 页码; 文号 and 文字层 when wide enough);
/// returns the document whose link was clicked.
fn documents_table(ui: &mut egui::Ui, stored: &StoredCase, palette: theme::Palette) -> Option<usize> {
    let case = &stored.case;
    let mut open_document = None;
    let mut page = 1u32;
    let row_height = theme::row_height(ui);
    // 序号, 文书, 日期 and 页码 always; 文号 and 文字层 when the view is wide enough —
    // nothing cut at the right edge.
    let w = |text: &str| theme::fitted_width(ui, text, "", 0.0);
    let fixed = [("序号", w("99")), ("日期", w("2024-12-31")), ("页码", w("999–999"))];
    let optional = [("文字层", w("无文字层")), ("文号", w("青禾应急罚〔2024〕10号"))];
    let mut shown = vec!["序号", "文书", "日期", "页码"];
    let mut used: f32 = fixed.iter().map(|(_, x)| x).sum::<f32>() + w("询问笔录（一）");
    for (name, width) in optional {
        if used + width <= ui.available_width() {
            used += width;
            shown.insert(if name == "文号" { 3 } else { shown.len() }, name);
        }
    }
    let width_of = |name: &str| fixed.iter().chain(&optional).find(|(n, _)| *n == name).map(|(_, x)| *x);
    let mut table = TableBuilder::new(ui)
        .id_salt(("toc", shown.len()))
        .striped(true)
        .vscroll(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    for name in &shown {
        table = table.column(match (*name, width_of(name)) {
            ("文书", _) => Column::remainder().at_least(60.0).clip(true),
            ("文号", Some(x)) => Column::initial(x).at_least(60.0).clip(true),
            (_, Some(x)) => Column::exact(x),
            (_, None) => Column::auto(),
        });
    }
    table
        .header(row_height, |mut header| {
            for h in &shown {
                header.col(|ui| {
                    ui.label(RichText::new(*h).strong());
                });
            }
        })
        .body(|mut body| {
            for (i, doc) in stored.documents.iter().enumerate() {
                let meta = case.documents.get(i);
                let pages = doc.pages.unwrap_or(1).max(1);
                let range = if pages == 1 {
                    format!("{page}")
                } else {
                    format!("{page}–{}", page + pages - 1)
                };
                page += pages;
                body.row(row_height - 4.0, |mut row| {
                    for name in &shown {
                        row.col(|ui| match *name {
                            "序号" => {
                                ui.label((i + 1).to_string());
                            }
                            "文书" => {
                                let label = ui.link(&doc.doc_type).on_hover_text(format!("查看 {}", doc.file_path));
                                if label.clicked() {
                                    open_document = Some(i);
                                }
                            }
                            "日期" => {
                                ui.label(
                                    meta.and_then(|m| m.date)
                                        .map(|d| d.format("%Y-%m-%d").to_string())
                                        .unwrap_or_default(),
                                );
                            }
                            "文号" => {
                                let number = meta.and_then(|m| m.number.clone()).unwrap_or_default();
                                ui.add(egui::Label::new(&number).truncate()).on_hover_text(&number);
                            }
                            "页码" => {
                                ui.label(&range);
                            }
                            _ => {
                                let (text, color) = match doc.text_status.as_str() {
                                    "text" => ("有", palette.pass),
                                    "no_text" => ("无文字层", palette.deduction),
                                    "unreadable" => ("无法读取", palette.veto),
                                    "missing" => ("缺文件", palette.veto),
                                    _ => ("—", palette.weak_text),
                                };
                                ui.label(RichText::new(text).color(color));
                            }
                        });
                    }
                });
            }
        });
    open_document
}

/// The automatic checks' findings of the case, each with its severity and basis.
fn findings_list(ui: &mut egui::Ui, findings: &[crate::rules::Finding], palette: theme::Palette) {
    let serious = findings
        .iter()
        .filter(|f| f.severity != crate::rules::Severity::Notice)
        .count();
    ui.label(
        RichText::new(if findings.is_empty() {
            "自动检查：未发现问题".to_string()
        } else {
            format!("自动检查：{} 项（扣分或否决 {serious} 项）", findings.len())
        })
        .strong(),
    );
    for finding in findings {
        let color = match finding.severity {
            crate::rules::Severity::Veto => palette.veto,
            crate::rules::Severity::Deduction => palette.deduction,
            crate::rules::Severity::Notice => palette.weak_text,
        };
        ui.horizontal_top(|ui| {
            ui.label(RichText::new(finding.severity.label()).color(color).strong());
            ui.add(egui::Label::new(format!("{}（{}）", finding.message, finding.basis)).wrap());
        });
    }
}

#[cfg(test)]
mod list_tests {
    use super::move_in_list;

    #[test]
    fn page_moves_clamp_to_the_list() {
        assert_eq!(move_in_list(None, 0, 1), None);
        assert_eq!(
            move_in_list(None, 100, 1),
            Some(0),
            "J with nothing selected: the first"
        );
        assert_eq!(move_in_list(None, 100, 20), Some(19));
        assert_eq!(move_in_list(Some(10), 100, 20), Some(30));
        assert_eq!(move_in_list(Some(90), 100, 20), Some(99));
        assert_eq!(move_in_list(Some(10), 100, -20), Some(0));
        assert_eq!(move_in_list(Some(50), 100, i64::MIN / 2), Some(0));
        assert_eq!(move_in_list(Some(50), 100, i64::MAX / 2), Some(99));
    }
}

#[cfg(test)]
mod command_tests {
    use super::{Scope, UiCommand};

    #[test]
    fn the_palette_offers_the_scoring_keys_and_no_two_keys_of_one_scope_collide() {
        for command in UiCommand::SCORING {
            assert_eq!(command.scope(), Scope::Scoring, "{command:?}");
            assert!(command.shortcut().is_some(), "{command:?} has no key");
            assert!(
                UiCommand::PALETTE.contains(command),
                "{command:?} is not in the palette"
            );
        }
        let all: Vec<UiCommand> = UiCommand::PALETTE
            .iter()
            .copied()
            .chain([UiCommand::CommandPalette])
            .collect();
        for (i, a) in all.iter().enumerate() {
            assert!(!a.label().is_empty());
            for b in &all[i + 1..] {
                let overlap = a.scope() == b.scope() || a.scope() == Scope::Window || b.scope() == Scope::Window;
                // PageDown/PageUp page the viewer or the list: different scopes, one key.
                if overlap && a.shortcut().is_some() && a.shortcut() == b.shortcut() {
                    panic!("{a:?} and {b:?} share a key in one scope");
                }
            }
        }
    }
}
