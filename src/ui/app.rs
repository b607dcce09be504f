//! The main window: the persisted state, the router of the project's answers and of the
//! components' intents, and the layout — top bar (project, import, search), case list on
//! the left, scoring panel on the right, the case view in the centre, status at the bottom.
//!
//! Owns: which project is open and the layout. Each part of the window is a component with
//! its own state and a `ui` that returns what it wants done (`case_list`, `case_view`,
//! `scoring`, `import_dialog`, `project_dialog`, `profile`, `history`, `commands`,
//! `notices`, and the feature windows). Must not touch: SQL, files, `Session` — requests go
//! to the service threads through `Backend`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::{Key, Modifiers, RichText};

use super::campaigns::CampaignWindow;
use super::case_list::{CaseList, ListIntent};
use super::case_view::{CaseIntent, CaseView, CaseViewInput};
use super::commands::UiCommand;
use super::commands::{CommandPalette, KeyFocus};
use super::editor::ChecklistEditor;
use super::history::HistoryWindow;
use super::import_dialog::{ImportDialog, ImportIntent};
use super::notices::{Level, Notifications};
use super::ocr::{OcrIntent, OcrPanel};
use super::profile::{PROFILES_KEY, ProfileWindow, Profiles};
use super::project_dialog::{ProjectDialog, ProjectIntent, RECENT_KEY};
use super::rectify::RectifyWindow;
use super::reports::ReportsWindow;
use super::scoring::{Action, Routed, ScoringPanel, WindowAction};
use super::settings::SettingsWindow;
use super::theme;
use crate::domain::Anchor;
use crate::service::host::Backend;
use crate::service::protocol::{CampaignRequest, CampaignResponse, RectifyRequest, Request, Response};
use crate::service::{ImportReport, ItemResult, Job};
use crate::store::{AuditEntry, CaseId, Reviewer, StoredCase, StoredChecklist};

/// eframe storage key of the last opened project.
pub const LAST_PROJECT_KEY: &str = "last_project";
const PREFS_KEY: &str = "preferences";

#[derive(serde::Serialize, serde::Deserialize)]
struct Preferences {
    dark: bool,
    font_scale: f32,
}

/// The project the window shows, and one being opened in its place.
struct OpenProject {
    backend: Backend,
    /// A project being opened: the current one stays until it answers.
    pending: Option<(PathBuf, Backend)>,
    name: String,
    /// Set once the project has answered.
    dir: Option<PathBuf>,
    /// Repaints the window when a service thread answers.
    wake: egui::Context,
}

impl OpenProject {
    fn start(&self, dir: PathBuf, demo: Option<PathBuf>) -> Backend {
        let wake = self.wake.clone();
        Backend::start(dir, demo, move || wake.request_repaint())
    }

    fn send(&self, request: Request) {
        self.backend.send(request);
    }
}

/// The dialogs and small windows of the main window.
struct Dialogs {
    import: ImportDialog,
    project: ProjectDialog,
    profiles: ProfileWindow,
    history: HistoryWindow,
    palette: CommandPalette,
}

/// The feature windows (checklists, settings, campaigns, reports, rectification) and what
/// they share.
#[derive(Default)]
struct Windows {
    editor: ChecklistEditor,
    settings: SettingsWindow,
    campaigns: CampaignWindow,
    reports: ReportsWindow,
    rectify: RectifyWindow,
    /// The project's campaigns, by name (the reports and rectification windows offer them).
    campaign_names: Vec<String>,
    checklists: Arc<Vec<StoredChecklist>>,
}

/// Theme, 字号 and the panels' widths.
struct Layout {
    dark: bool,
    font_scale: f32,
    list_hidden: bool,
    /// Width the top bar needs on one line (measured the frame before), and what it was
    /// measured for.
    top_bar_needed: f32,
    top_bar_key: String,
    /// Widths of the case list, the scoring panel and the viewer as last drawn.
    panel_widths: (f32, f32, f32),
    /// The window's width the frame before (panels follow a change in proportion).
    window_width: f32,
}

/// The application state.
pub struct PingchaApp {
    project: OpenProject,
    /// The case list (filters, sort, search, counts).
    list: CaseList,
    /// The selected case in the centre (and the document viewer).
    case: CaseView,
    scoring: ScoringPanel,
    ocr: OcrPanel,
    dialogs: Dialogs,
    windows: Windows,
    notices: Notifications,
    layout: Layout,
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
        let font_scale = theme::scale_of(theme::font_size(prefs.font_scale));
        theme::apply(ctx, prefs.dark, font_scale);
        let wake = ctx.clone();
        let backend = Backend::start(project_dir, demo_packages, move || wake.request_repaint());
        let wake = ctx.clone();
        // The active profile is sent once the project is open (`Response::Opened`): a
        // reviewer workspace decides who may score in it.
        let profiles: Profiles = storage
            .and_then(|s| eframe::get_value(s, PROFILES_KEY))
            .unwrap_or_default();
        let recent = storage
            .and_then(|s| eframe::get_value(s, RECENT_KEY))
            .unwrap_or_default();
        Self {
            project: OpenProject {
                backend,
                pending: None,
                name: "正在打开…".into(),
                dir: None,
                wake: ctx.clone(),
            },
            list: CaseList::default(),
            case: CaseView::new(move || wake.request_repaint()),
            scoring: ScoringPanel::default(),
            ocr: OcrPanel::default(),
            dialogs: Dialogs {
                import: ImportDialog::default(),
                project: ProjectDialog::new(recent),
                profiles: ProfileWindow::new(profiles),
                history: HistoryWindow::default(),
                palette: CommandPalette::default(),
            },
            windows: Windows::default(),
            notices: Notifications::default(),
            layout: Layout {
                dark: prefs.dark,
                font_scale,
                list_hidden: false,
                top_bar_needed: 0.0,
                top_bar_key: String::new(),
                panel_widths: (0.0, 0.0, 0.0),
                window_width: 0.0,
            },
        }
    }

    /// Uses this reviewer identity (added to the machine's profiles if new).
    pub fn set_reviewer(&mut self, name: &str, unit: &str) {
        let profile = self.dialogs.profiles.choose(name, unit);
        self.project.send(Request::SetReviewer {
            name: profile.name,
            unit: profile.unit,
        });
    }

    /// The reviewer the project has confirmed.
    pub fn reviewer(&self) -> Option<&Reviewer> {
        self.dialogs.profiles.confirmed()
    }

    /// The scoring panel (for tests and the viewer's anchor button).
    pub fn scoring(&self) -> &ScoringPanel {
        &self.scoring
    }

    /// The selected case, once loaded.
    pub fn current_case(&self) -> Option<&StoredCase> {
        self.case.case()
    }

    /// Values read from the selected case's scans still to be checked in the facts editor.
    pub fn facts_pending(&self) -> usize {
        self.case.facts_pending()
    }

    /// The automatic checks' findings of the selected case.
    pub fn case_findings(&self) -> &[crate::rules::Finding] {
        self.case.findings()
    }

    /// The document open in the viewer (its position in the case), if any.
    pub fn open_document_index(&self) -> Option<usize> {
        self.case.open_document_index()
    }

    /// The campaign window's comparisons (for tests).
    pub fn campaign_comparisons(&self) -> &[crate::review::campaign::CaseComparison] {
        self.windows.campaigns.comparisons()
    }

    /// The audit log shown in the history window.
    pub fn history(&self) -> Option<&[AuditEntry]> {
        self.dialogs.history.entries()
    }

    /// Whether the project has answered every scoring change sent so far.
    pub fn scoring_settled(&self) -> bool {
        self.scoring.settled()
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
        let viewer = self.case.viewer();
        viewer.is_open().then(|| viewer.scroll_offset())
    }

    /// The open document's page and page count, when the viewer shows one.
    pub fn viewer_position(&self) -> Option<(usize, Option<usize>)> {
        let viewer = self.case.viewer();
        viewer.is_open().then(|| viewer.position())
    }

    /// Tracked rectification problems past their due date, as last read.
    pub fn rectify_overdue(&self) -> usize {
        self.windows.rectify.overdue_count()
    }

    /// Recognised lines of the page in the viewer that hold the search terms (highlighted).
    pub fn highlighted_ocr_lines(&self) -> usize {
        self.case.viewer().highlighted_lines()
    }

    /// Whether an OCR job is reading.
    pub fn ocr_running(&self) -> bool {
        self.ocr.running()
    }

    /// Starts reading every scanned page of the project not read yet (识别项目全部扫描件).
    pub fn read_all_scans(&mut self) {
        let ctx = self.project.wake.clone();
        if let Some(dir) = self.project.dir.clone()
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
        self.case.selected().and_then(|id| self.list.position_of(id))
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
    pub fn open_findings(&self, case_id: CaseId) -> Option<usize> {
        self.list.finding_count(case_id).map(|n| n.serious)
    }

    /// The long job shown in the status bar: job, items done, items in all (0: not counted).
    pub fn running_job(&self) -> Option<(crate::service::Job, usize, usize)> {
        self.notices.running.running()
    }

    /// Whether an import is running.
    pub fn is_importing(&self) -> bool {
        self.dialogs.import.running()
    }

    /// Whether the project has answered with its first case list.
    pub fn is_loaded(&self) -> bool {
        self.project.dir.is_some()
    }

    /// Starts importing `paths` (what the import dialog does, without the dialog).
    pub fn start_import(&mut self, paths: Vec<PathBuf>) {
        self.dialogs.import.started();
        self.project.send(Request::Import(paths));
    }

    /// The reviewer's 评查状态 of a case.
    pub fn review_state(&self, number: &str) -> crate::domain::ReviewState {
        self.list.review_state(number)
    }

    /// Sets the 字号 (one of [`theme::FONT_SIZES`]) as the top bar's menu does.
    pub fn set_font_size(&mut self, ctx: &egui::Context, size: u32) {
        self.layout.font_scale = theme::scale_of(size);
        theme::apply(ctx, self.layout.dark, self.layout.font_scale);
    }

    /// Widths of the case list, the scoring panel and the viewer area as last drawn.
    pub fn panel_widths(&self) -> (f32, f32, f32) {
        self.layout.panel_widths
    }

    /// The case list's columns as last drawn: header and width.
    pub fn list_columns(&self) -> &[(&'static str, f32)] {
        self.list.columns()
    }

    /// Every notification of this session, oldest first (the 消息记录).
    pub fn notice_log(&self) -> Vec<String> {
        self.notices.log()
    }

    /// The notifications in the corner now, oldest first.
    pub fn notices_on_screen(&self) -> Vec<String> {
        self.notices.on_screen()
    }

    /// Opens another project folder (created if missing): a new backend, a fresh view.
    pub fn switch_project(&mut self, dir: PathBuf) {
        let held = self.scoring.take_held();
        self.run_scoring_actions(held);
        let backend = self.project.start(dir.clone(), None);
        self.project.pending = Some((dir, backend));
    }

    /// Whether a project is being opened (the current one stays until it answers).
    pub fn is_opening_project(&self) -> bool {
        self.project.pending.is_some()
    }

    /// Closes the app's projects: a typed number still waiting is saved, and the backend
    /// carries out what it was sent before it stops (at most ten seconds).
    pub fn close(&mut self) {
        let held = self.scoring.take_held();
        self.run_scoring_actions(held);
        if !self.project.backend.finish(std::time::Duration::from_secs(10)) {
            crate::places::log("关闭时后台仍在运行（超过 10 秒），未等待其结束");
        }
        if let Some((_, mut pending)) = self.project.pending.take() {
            pending.finish(std::time::Duration::from_secs(2));
        }
    }

    /// The open project's folder.
    pub fn project_dir(&self) -> Option<&Path> {
        self.project.dir.as_deref()
    }

    /// The projects opened lately, newest first.
    pub fn recent_projects(&self) -> &[PathBuf] {
        self.dialogs.project.recent()
    }

    fn notify(&mut self, level: Level, text: impl Into<String>) {
        self.notices.push(&self.project.wake, level, text);
    }

    /// The project being opened answers: on success it replaces the current one (whose
    /// answers are then dropped), on failure the current one stays open.
    fn poll_pending_project(&mut self) -> Vec<Response> {
        let Some((_, pending)) = &self.project.pending else {
            return Vec::new();
        };
        let Some(first) = pending.poll(1).pop() else {
            return Vec::new();
        };
        let Some((dir, backend)) = self.project.pending.take() else {
            return Vec::new();
        };
        match first {
            Response::OpenFailed(error) => {
                let current = if self.project.dir.is_some() {
                    format!("；仍在项目“{}”", self.project.name)
                } else {
                    String::new()
                };
                self.notify(Level::Error, format!("{}{current}", error.message));
                Vec::new()
            }
            first => {
                self.project.backend = backend;
                self.close_project_view();
                self.project.dir = Some(dir);
                vec![first]
            }
        }
    }

    /// Forgets the closed project's list, case, search and scoring.
    fn close_project_view(&mut self) {
        // The new project learns who is scoring once it is open (`Response::Opened`).
        self.dialogs.profiles.apply(None);
        self.scoring.clear();
        self.project.name = "正在打开…".into();
        self.project.dir = None;
        self.list.clear();
        self.case.clear();
        self.dialogs.import.clear();
        self.dialogs.history.clear();
        self.notices.running.clear();
        self.ocr.stop();
    }

    fn on_opened(&mut self, name: String, dir: PathBuf, addressee: Option<(String, String)>) {
        self.project.name = name;
        self.dialogs.project.remember(&dir);
        self.case.set_project_dir(dir.clone());
        self.project.dir = Some(dir);
        let active = self.dialogs.profiles.active();
        match (addressee, active) {
            // A kit is scored by its addressee: their profile is chosen (added if
            // new), so the marks are theirs and go into their return.
            (Some((name, unit)), active) if active.as_ref().is_none_or(|p| p.name != name || p.unit != unit) => {
                if let Some(p) = active {
                    self.notify(
                        Level::Info,
                        format!(
                            "此工作区是发给“{name}（{unit}）”的评查包：评查员已由“{}（{}）”切换为“{name}”",
                            p.name, p.unit
                        ),
                    );
                }
                self.set_reviewer(&name, &unit);
            }
            (_, Some(p)) => self.project.send(Request::SetReviewer {
                name: p.name,
                unit: p.unit,
            }),
            (_, None) => {}
        }
        // The status bar names overdue rectification from the start.
        self.project.send(Request::Rectify(RectifyRequest::List));
    }

    fn on_report_ready(&mut self, path: PathBuf, pages: Option<u32>) {
        self.windows.reports.busy = false;
        match pages {
            Some(pages) => {
                self.notify(Level::Info, format!("已生成 {}（{pages} 页）", path.display()));
                self.case.show_report(path, pages);
            }
            None => self.notify(Level::Info, format!("已导出 {}", path.display())),
        }
    }

    fn on_import_done(&mut self, report: ImportReport) {
        for item in &report.items {
            match &item.result {
                ItemResult::Refused(reason) => {
                    self.notify(Level::Error, format!("{}: {reason}", item.path));
                }
                held @ ItemResult::Held { .. } => {
                    if let Some(note) = held.note() {
                        self.notify(Level::Info, note);
                    }
                }
                _ => {}
            }
        }
        self.notify(Level::Info, format!("导入完成：{}", report.summary()));
        let ctx = self.project.wake.clone();
        if report.imported() + report.revised() > 0
            && let Some(dir) = self.project.dir.clone()
            && let Some(intent) = self.ocr.after_import(dir, &ctx)
        {
            self.apply_ocr(&ctx, intent);
        }
        self.dialogs.import.finished(report);
    }

    /// Asks for the shown case's scoring again (the reviewer or the checklists changed).
    fn reload_scoring(&mut self) {
        if let Some(number) = self.case.number() {
            self.project.send(self.scoring.load_request(number));
        }
    }

    /// The answers of the project's threads, routed to the components.
    fn apply_responses(&mut self) {
        let mut responses = self.poll_pending_project();
        responses.extend(self.project.backend.poll(64));
        for response in responses {
            self.apply_response(response);
        }
    }

    fn apply_response(&mut self, response: Response) {
        // A job's result, failure or cancel ends its progress in the status bar.
        match &response {
            Response::Done { job, .. } | Response::Failed { job, .. } => self.notices.running.ended(*job),
            Response::ReportReady { .. } => self.notices.running.ended(Job::Report),
            Response::KitOpened { .. } => self.notices.running.ended(Job::Kit),
            Response::Campaign(CampaignResponse::Compared { .. }) => self.notices.running.ended(Job::Statistics),
            _ => {}
        }
        match response {
            Response::Opened { name, dir, addressee } => self.on_opened(name, dir, addressee),
            Response::OpenFailed(error) => {
                self.project.name = "未打开项目".into();
                self.notify(Level::Error, error.message);
            }
            Response::Cases(rows) => {
                if let Some(intent) = self.list.set_cases(rows) {
                    self.apply_list_intent(intent);
                }
            }
            Response::ReviewStates(states) => self.list.set_review_states(states),
            Response::FindingCounts(counts) => self.list.set_finding_counts(counts),
            Response::FindingCountOf(id, count) => self.list.set_finding_count(id, count),
            // Its scoring follows in the same batch (`Request::LoadCase` asks for both).
            Response::Case(case, findings) => self.case.apply_case(case, findings),
            Response::Scoring {
                case_number,
                scorings,
                decisions,
                seq,
            } => {
                let current = self.case.case().is_some_and(|c| c.row.number == case_number);
                self.scoring
                    .apply_answer(case_number, scorings, decisions, seq, current);
            }
            Response::Reviewer(r) => {
                self.dialogs.profiles.apply(Some(r));
                self.reload_scoring();
            }
            Response::Audit { case_number, entries } => self.dialogs.history.apply(case_number, entries),
            Response::Library(entries) => self.scoring.set_library(entries),
            Response::Checklists(all) => {
                self.windows.editor.set_checklists(Arc::clone(&all));
                self.windows.checklists = all;
                self.reload_scoring();
            }
            Response::Done { outcome, .. } => self.notify(Level::Info, outcome),
            Response::Failed { job, error } => {
                // Only the work that failed leaves its busy state.
                match job {
                    Job::Report => self.windows.reports.busy = false,
                    Job::Kit | Job::Return => self.dialogs.project.kit_done(),
                    _ => {}
                }
                // A cancel the user asked for is news, not an error.
                if error.cancelled {
                    self.notify(Level::Info, format!("已取消：{}（未写出文件）", job.label()));
                } else {
                    self.notify(Level::Error, error.message);
                }
            }
            Response::KitOpened { workspace, summary } => {
                self.dialogs.project.kit_done();
                self.notify(Level::Info, summary);
                self.dialogs.project.close();
                self.switch_project(workspace);
            }
            Response::ReportReady { path, pages } => self.on_report_ready(path, pages),
            Response::SearchHits { query, summary } => self.list.set_search_hits(query, summary),
            Response::CaseHits { query, case_id, hits } => self.case.apply_hits(query, case_id, hits),
            Response::ImportProgress(p) => self.dialogs.import.apply_progress(p),
            Response::JobProgress { job, done, total } => self.notices.running.apply_progress(job, done, total),
            Response::ImportDone(report) => self.on_import_done(report),
            other => self.apply_window_response(other),
        }
    }

    /// The answers for the feature windows and the OCR component.
    fn apply_window_response(&mut self, response: Response) {
        match response {
            Response::ChecklistTables { path, tables } => self.windows.editor.show_tables(path, tables),
            Response::Rectify { items, today } => self.windows.rectify.set_items(items, today),
            Response::Official { settings, fonts } => self.windows.reports.set_official(*settings, fonts),
            Response::Campaign(answer) => {
                if let CampaignResponse::List(list) = &answer {
                    self.windows.campaign_names = list.iter().map(|(c, _)| c.name.clone()).collect();
                }
                if let CampaignResponse::Progress {
                    campaign,
                    scored,
                    drawn,
                } = &answer
                {
                    self.windows.reports.set_progress(campaign, *scored, *drawn);
                }
                self.windows.campaigns.apply(answer);
            }
            Response::RuleSettings {
                settings,
                years,
                added_years,
            } => {
                self.windows.settings.set_data(*settings, years, added_years);
                // The selected case's findings follow the new settings.
                if let Some(id) = self.case.selected() {
                    self.project.send(Request::LoadCase {
                        id,
                        seq: self.scoring.seq(),
                    });
                }
            }
            Response::ImportLimits(limits) => self.windows.settings.set_limits(*limits),
            Response::OcrScope(scope) => self.ocr.set_scope(scope),
            Response::AutoAccept(threshold) => self.ocr.set_auto_accept(threshold),
            Response::Facts(number, proposals) => self.ocr.set_facts(number, *proposals),
            Response::OcrPage { sha256, page, stored } => {
                self.case.viewer_mut().set_ocr(sha256, page, stored.map(|s| *s));
            }
            other => crate::places::log(&format!("未处理的应答：{other:?}")),
        }
    }

    fn select(&mut self, id: CaseId) {
        if self.case.select(id) {
            let held = self.scoring.take_held();
            self.run_scoring_actions(held);
            self.scoring.clear();
            self.dialogs.history.clear();
            self.project.send(Request::LoadCase {
                id,
                seq: self.scoring.seq(),
            });
        }
    }

    /// Sends the scoring panel's actions to the project; does the window's part itself.
    fn run_scoring_actions(&mut self, actions: Vec<Action>) {
        for action in actions {
            match self.scoring.route(action) {
                Routed::Service(request) => self.project.send(*request),
                Routed::Window(WindowAction::OpenAnchor(anchor)) => self.open_anchor(&anchor),
                Routed::Window(WindowAction::ShowHistory) => {
                    if let Some(number) = self.case.number() {
                        self.dialogs.history.show_reading();
                        self.project.send(Request::Audit(number));
                    }
                }
                Routed::Window(WindowAction::ChooseReviewer) => self.dialogs.profiles.show(),
            }
        }
    }

    /// Opens the document and page an evidence anchor points at.
    fn open_anchor(&mut self, anchor: &Anchor) {
        if !self.case.open_anchor(anchor) {
            self.notify(Level::Error, format!("标注的文书“{}”不在当前版本的案卷中", anchor.file));
        }
    }

    /// Anchors the selected item's mark to the page shown in the viewer.
    fn anchor_here(&mut self, anchor: Anchor) {
        match self.scoring.anchor_selected(anchor) {
            Some(a) => self.run_scoring_actions(vec![a]),
            None => self.notify(Level::Error, "请先在评分栏中对评查项扣分，再标注页码"),
        }
    }

    /// Carries out what the case view asked for.
    fn apply_case_intent(&mut self, ctx: &egui::Context, intent: CaseIntent) {
        match intent {
            CaseIntent::SearchInCase { query, case_id } => {
                self.project.send(Request::SearchInCase { query, case_id });
            }
            CaseIntent::ReadScans => self.read_case_scans(ctx),
            CaseIntent::EditFacts { number, change } => self.project.send(Request::EditFacts { number, change }),
            CaseIntent::AnchorHere(anchor) => self.anchor_here(anchor),
        }
    }

    /// Carries out what the import dialog asked for.
    fn apply_import_intent(&mut self, ctx: &egui::Context, intent: ImportIntent) {
        match intent {
            ImportIntent::Start(path) => self.start_import(vec![path]),
            ImportIntent::Cancel => self.project.backend.cancel_job(),
            ImportIntent::Ocr(intent) => self.apply_ocr(ctx, intent),
            ImportIntent::ReadAllScans => self.read_all_scans(),
            ImportIntent::Notice(message) => self.notify(Level::Info, message),
        }
    }

    /// Carries out what the project dialog asked for.
    fn apply_project_intent(&mut self, intent: ProjectIntent) {
        match intent {
            ProjectIntent::Open(dir) => self.switch_project(dir),
            ProjectIntent::Refused(why) => self.notify(Level::Error, why),
            ProjectIntent::Notice(message) => self.notify(Level::Info, message),
            // Checking the signatures and copying the documents run on the jobs thread.
            ProjectIntent::OpenKit { kit, workspace } => self.project.send(Request::OpenKit { kit, workspace }),
            ProjectIntent::ExportReturn(path) => self.project.send(Request::ExportReturn(path)),
        }
    }

    /// Carries out what the OCR component asks.
    fn apply_ocr(&mut self, _ctx: &egui::Context, intent: OcrIntent) {
        match intent {
            OcrIntent::SaveScope(scope) => self.project.send(Request::SaveOcrScope(scope)),
            OcrIntent::SaveAutoAccept(threshold) => self.project.send(Request::SaveAutoAccept(threshold)),
            OcrIntent::Notify(error, text) => {
                self.notify(if error { Level::Error } else { Level::Info }, text);
            }
            OcrIntent::PagesStored => {
                self.case.viewer_mut().forget_ocr();
                self.ocr.forget_facts();
                // Search results may have grown.
                self.case.forget_hits();
            }
        }
    }

    /// The OCR job, the viewer's questions for page readings and its request to read.
    fn ocr_frame(&mut self, ctx: &egui::Context) {
        for intent in self.ocr.poll() {
            self.apply_ocr(ctx, intent);
        }
        if let Some((sha256, page)) = self.case.viewer_mut().wanted_ocr() {
            self.project.send(Request::OcrPage { sha256, page });
        }
        let shown = self.case.number();
        if let Some(number) = self.ocr.wanted_facts(shown.as_deref()) {
            self.project.send(Request::Facts(number));
        }
        if self.case.viewer_mut().take_run_ocr() {
            self.read_case_scans(ctx);
        }
    }

    /// Starts reading the selected case's scans.
    fn read_case_scans(&mut self, ctx: &egui::Context) {
        let (Some(dir), Some(number)) = (self.project.dir.clone(), self.case.number()) else {
            return;
        };
        if let Some(intent) = self.ocr.start(dir, Some(number), false, ctx) {
            self.apply_ocr(ctx, intent);
        }
    }

    fn run_command(&mut self, ctx: &egui::Context, command: UiCommand) {
        match command {
            UiCommand::Import => self.dialogs.import.show(),
            UiCommand::FocusSearch => self.list.focus_search(),
            UiCommand::NextCase
            | UiCommand::PreviousCase
            | UiCommand::ListPageDown
            | UiCommand::ListPageUp
            | UiCommand::ListFirst
            | UiCommand::ListLast => self.move_selection(command),
            UiCommand::ToggleTheme => {
                self.layout.dark = !self.layout.dark;
                theme::apply(ctx, self.layout.dark, self.layout.font_scale);
            }
            UiCommand::CancelImport | UiCommand::CancelJob => self.project.backend.cancel_job(),
            UiCommand::PageUp => self.case.viewer_mut().turn(-1),
            UiCommand::PageDown => self.case.viewer_mut().turn(1),
            UiCommand::CloseDocument => self.case.viewer_mut().close(),
            UiCommand::OpenProject => self.dialogs.project.show(),
            UiCommand::CommandPalette => self.dialogs.palette.toggle(),
            UiCommand::ChooseReviewer => self.dialogs.profiles.show(),
            UiCommand::EditChecklists => self.windows.editor.open = true,
            UiCommand::FocusScoring => self.scoring.focused = true,
            UiCommand::ToggleList => self.layout.list_hidden = !self.layout.list_hidden,
            UiCommand::Settings => self.windows.settings.open = true,
            UiCommand::Campaigns => self.windows.campaigns.open = true,
            UiCommand::Rectify => {
                self.windows.rectify.open = true;
                self.project.send(Request::Rectify(RectifyRequest::List));
                self.project.send(Request::Campaign(CampaignRequest::List));
            }
            UiCommand::Reports => {
                self.windows.reports.open = true;
                self.project.send(Request::Campaign(CampaignRequest::List));
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
                let findings = self.case.findings().to_vec();
                let actions = self.scoring.run(command, &findings);
                self.run_scoring_actions(actions);
            }
        }
    }

    /// J/K, Page Up/Down, Home/End on the case list.
    fn move_selection(&mut self, command: UiCommand) {
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

    fn keyboard(&mut self, ctx: &egui::Context) -> Vec<UiCommand> {
        let typing = ctx.egui_wants_keyboard_input() || self.scoring.is_typing();
        let mut commands = Vec::new();
        // Esc leaves the scoring panel (a document open in the viewer closes first).
        if self.scoring.focused
            && !typing
            && !self.case.viewer().is_open()
            && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape))
        {
            self.scoring.focused = false;
        }
        // While a document is open, plain keys page through it instead of moving between cases.
        let focus = if self.case.viewer().is_open() {
            KeyFocus::Viewer
        } else if self.scoring.focused {
            KeyFocus::Scoring
        } else {
            KeyFocus::List
        };
        for command in UiCommand::keyed(focus) {
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
        if !typing && !self.case.viewer().is_open() && !self.scoring.focused {
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
            self.layout.font_scale,
            self.project.name,
            self.layout.dark,
            self.layout.list_hidden,
            self.list.search_summary()
        );
        if key != self.layout.top_bar_key {
            self.layout.top_bar_key = key;
            self.layout.top_bar_needed = 0.0;
        }
        let gap = ui.spacing().item_spacing.x;
        if ui.available_width() >= self.layout.top_bar_needed {
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
            self.layout.top_bar_needed = a + b + c + 4.0 * gap;
            if ui.available_width() < self.layout.top_bar_needed {
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
        ui.add(egui::Label::new(RichText::new(&self.project.name).strong()).truncate())
            .on_hover_text(
                self.project
                    .dir
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
        let list_label = if self.layout.list_hidden {
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
        if let Some(intent) = self.list.search_ui(ui, 220.0 * self.layout.font_scale) {
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
                self.case.forget_hits();
                self.project.send(Request::Search(query));
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
        let label = if self.layout.dark { "浅色" } else { "深色" };
        if ui.button(label).on_hover_text(UiCommand::ToggleTheme.label()).clicked() {
            commands.push(UiCommand::ToggleTheme);
        }
        let current = theme::font_size(self.layout.font_scale);
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
            self.layout.font_scale = theme::scale_of(chosen);
            theme::apply(ui.ctx(), self.layout.dark, self.layout.font_scale);
        }
    }
    fn status_bar(&mut self, ui: &mut egui::Ui, commands: &mut Vec<UiCommand>) {
        ui.horizontal(|ui| {
            self.ocr.status_ui(ui);
            if let Some(ImportIntent::Cancel) = self.dialogs.import.status_ui(ui, self.list.cases().len()) {
                commands.push(UiCommand::CancelImport);
            }
            if self.notices.running.status_ui(ui) {
                commands.push(UiCommand::CancelJob);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.small_button(self.notices.summary()).clicked() {
                    self.notices.open_log();
                }
                let overdue = self.windows.rectify.overdue_count();
                let label = if overdue > 0 {
                    RichText::new(format!("整改跟踪（逾期 {overdue} 项）")).color(theme::palette(self.layout.dark).veto)
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

    /// The case list on the left, resizable; its width follows the window in proportion.
    fn list_panel(&mut self, ui: &mut egui::Ui, width: f32, scale: Option<f32>) {
        if self.layout.list_hidden {
            self.layout.panel_widths.0 = 0.0;
            return;
        }
        let scoring_now = self.layout.panel_widths.1.max(300.0);
        let max = (width - scoring_now * scale.unwrap_or(1.0) - VIEWER_MIN).max(360.0);
        let mut panel = egui::Panel::left("case-list")
            .resizable(true)
            .default_size((width * 0.38).max(420.0))
            .min_size(360.0)
            .max_size(max);
        if let Some(scale) = scale
            && self.layout.panel_widths.0 > 0.0
        {
            panel = panel.exact_size((self.layout.panel_widths.0 * scale).clamp(360.0, max));
        }
        let palette = theme::palette(self.layout.dark);
        let selected = self.case.selected();
        let mut intents = Vec::new();
        let response = panel
            .show(ui, |ui| {
                self.list.filters_ui(ui);
                ui.separator();
                intents = self.list.table_ui(ui, selected, palette);
            })
            .response;
        self.layout.panel_widths.0 = response.rect.width();
        for intent in intents {
            self.apply_list_intent(intent);
        }
    }

    /// The scoring panel on the right, resizable.
    fn scoring_panel(&mut self, ui: &mut egui::Ui, width: f32, scale: Option<f32>) {
        let list_min = if self.layout.list_hidden { 0.0 } else { 360.0 };
        let palette = theme::palette(self.layout.dark);
        let reviewer = self.reviewer().map(|r| format!("{}（{}）", r.name, r.unit));
        let library = self.scoring.library();
        let findings = self.case.findings().to_vec();
        let scoring_max = (width - list_min - VIEWER_MIN).clamp(300.0, 900.0);
        let mut panel = egui::Panel::right("scoring")
            .resizable(true)
            .default_size((width * 0.27).clamp(330.0, 560.0))
            .min_size(300.0)
            .max_size(scoring_max);
        if let Some(scale) = scale
            && self.layout.panel_widths.1 > 0.0
        {
            panel = panel.exact_size((self.layout.panel_widths.1 * scale).clamp(300.0, scoring_max));
        }
        let scoring = panel.show(ui, |ui| {
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
        self.layout.panel_widths.1 = scoring.response.rect.width();
        self.run_scoring_actions(scoring.inner);
    }

    /// The case view (or the document viewer) in the centre.
    fn centre(&mut self, ui: &mut egui::Ui) {
        self.layout.panel_widths.2 = ui.available_width();
        let ctx = ui.ctx().clone();
        let intents = egui::CentralPanel::default_margins()
            .show(ui, |ui| {
                let input = CaseViewInput {
                    query: self.list.answered_query(),
                    ocr: &self.ocr,
                    dark: self.layout.dark,
                    scoring_item: self
                        .scoring
                        .selected_item()
                        .map(|item| (item, self.scoring.selected_mark().is_some())),
                };
                self.case.ui(ui, &input)
            })
            .inner;
        for intent in intents {
            self.apply_case_intent(&ctx, intent);
        }
    }

    /// The dialogs and the feature windows (each draws itself only while open).
    fn windows(&mut self, ctx: &egui::Context, commands: &mut Vec<UiCommand>) {
        for intent in self.dialogs.import.ui(ctx, &mut self.ocr) {
            self.apply_import_intent(ctx, intent);
        }
        let opening = self.project.pending.as_ref().map(|(dir, _)| dir.clone());
        let current = self.project.dir.clone();
        for intent in self.dialogs.project.ui(ctx, current.as_deref(), opening.as_deref()) {
            self.apply_project_intent(intent);
        }
        if let Some(profile) = self.dialogs.profiles.ui(ctx) {
            self.set_reviewer(&profile.name, &profile.unit);
        }
        self.dialogs.history.ui(ctx, self.layout.dark);
        let mut requests = self.windows.editor.ui(ctx);
        requests.extend(self.windows.settings.ui(ctx));
        let (rectify, error) = self
            .windows
            .rectify
            .ui(ctx, self.list.units(), &self.windows.campaign_names);
        requests.extend(rectify);
        if let Some(message) = error {
            self.notify(Level::Error, message);
        }
        let case_number = self.case.number();
        let reviewer = self.reviewer().map(|r| (r.name.clone(), r.unit.clone()));
        requests.extend(self.windows.reports.ui(
            ctx,
            case_number.as_deref(),
            reviewer.as_ref().map(|(n, u)| (n.as_str(), u.as_str())),
            self.list.units(),
            &self.windows.campaign_names,
        ));
        let viewer = reviewer.map(|(name, _)| name);
        requests.extend(
            self.windows
                .campaigns
                .ui(ctx, &self.windows.checklists, viewer.as_deref(), self.list.units()),
        );
        for request in requests {
            // Long work shows in the status bar from the moment it is asked for.
            if let Some(job) = request.long_job() {
                self.notices.running.queued(job);
            }
            self.project.send(request);
        }
        commands.extend(self.dialogs.palette.ui(ctx));
    }

    /// Draws one frame into the root `ui`.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.apply_responses();
        self.ocr_frame(&ctx);
        let mut commands = self.keyboard(&ctx);
        egui::Panel::top("top-bar").show(ui, |ui| {
            ui.add_space(4.0);
            self.top_bar(ui, &mut commands);
            ui.add_space(2.0);
        });
        egui::Panel::bottom("status-bar").show(ui, |ui| self.status_bar(ui, &mut commands));
        // Keys for the scoring panel are read before the panels draw, so the total shown
        // this frame already includes them.
        let findings = self.case.findings().to_vec();
        let actions = self.scoring.keyboard(&ctx, &findings);
        self.run_scoring_actions(actions);
        // Each panel keeps the width the user gives it, within limits that leave the viewer
        // at least VIEWER_MIN: content never widens a panel (it wraps or is cut instead). A
        // window made wider or narrower takes its panels along, in proportion (the widths
        // the user gave them are kept as shares of the window).
        let width = ui.available_width();
        let scale = (self.layout.window_width > 0.0 && (width - self.layout.window_width).abs() > 1.0)
            .then(|| width / self.layout.window_width);
        self.layout.window_width = width;
        self.list_panel(ui, width, scale);
        self.scoring_panel(ui, width, scale);
        self.centre(ui);
        self.windows(&ctx, &mut commands);
        self.notices.ui(&ctx, self.layout.dark);
        self.notices.log_window(&ctx, self.layout.dark);
        for command in commands {
            self.run_command(&ctx, command);
        }
    }
}

/// The narrowest the document viewer gets between the two panels.
const VIEWER_MIN: f32 = 360.0;

impl eframe::App for PingchaApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.close();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Some(dir) = &self.project.dir {
            eframe::set_value(storage, LAST_PROJECT_KEY, dir);
        }
        eframe::set_value(storage, PROFILES_KEY, self.dialogs.profiles.saved());
        eframe::set_value(storage, RECENT_KEY, &self.dialogs.project.recent());
        eframe::set_value(
            storage,
            PREFS_KEY,
            &Preferences {
                dark: self.layout.dark,
                font_scale: self.layout.font_scale,
            },
        );
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
