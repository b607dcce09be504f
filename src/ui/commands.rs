//! The command table and the command palette: every user action with its label, its key
//! and the scope where the key works, in one place — menus, buttons, the palette and the
//! keyboard (the scoring panel's keys included) all read it.
//!
//! Owns: command labels, keys and scopes; the palette's query. Must not touch: the
//! service (commands are carried out by `app.rs`).

use egui::{Key, KeyboardShortcut, Modifiers, RichText};

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
    /// Stop the running report, kit or statistics.
    CancelJob,
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
        UiCommand::CancelJob,
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
            | Self::CancelJob
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
            Self::CancelJob => "取消任务",
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
            | Self::CancelJob
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

/// Where the keyboard is, which decides the keys the window reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFocus {
    /// The case list (nothing else has it).
    List,
    /// The scoring panel: it reads its own keys (`UiCommand::SCORING`).
    Scoring,
    /// A document is open in the viewer.
    Viewer,
}

impl UiCommand {
    /// The commands whose keys the window reads with the keyboard at `focus`, from the
    /// table's scopes: the window's everywhere; the viewer's while a document is open, the
    /// list's otherwise (开始评分 only while the list has the keyboard). Keys with a modifier
    /// come first, so Ctrl+K is never read as K.
    pub fn keyed(focus: KeyFocus) -> Vec<UiCommand> {
        let mut keyed: Vec<UiCommand> = Self::PALETTE
            .iter()
            .copied()
            .chain([Self::CommandPalette])
            .filter(|c| c.shortcut().is_some())
            .filter(|c| match (c.scope(), focus) {
                (Scope::Window, _) | (Scope::Viewer, KeyFocus::Viewer) | (Scope::List, KeyFocus::List) => true,
                (Scope::List, KeyFocus::Scoring) => *c != Self::FocusScoring,
                _ => false,
            })
            .collect();
        keyed.sort_by_key(|c| c.shortcut().is_some_and(|s| s.modifiers.is_none()));
        keyed
    }
}

/// The command palette (Ctrl+K): a filtered list of every command.
#[derive(Default)]
pub struct CommandPalette {
    open: bool,
    query: String,
}

impl CommandPalette {
    /// Shows the palette, or hides it, with an empty query.
    pub fn toggle(&mut self) {
        self.open = !self.open;
        self.query.clear();
    }

    /// Draws the palette when open; returns the command chosen (Enter runs the first match).
    pub fn ui(&mut self, ctx: &egui::Context) -> Vec<UiCommand> {
        let mut commands = Vec::new();
        if !self.open {
            return commands;
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
                            egui::TextEdit::singleline(&mut self.query)
                                .hint_text("输入命令名称…")
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label.id)
                    })
                    .inner;
                input.request_focus();
                // Filter after the input has taken this frame's typing.
                let query = self.query.trim().to_lowercase();
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
            self.open = false;
        }
        commands
    }
}

#[cfg(test)]
mod command_tests {
    use super::{KeyFocus, Scope, UiCommand};

    #[test]
    fn the_keys_read_follow_where_the_keyboard_is() {
        let list = UiCommand::keyed(KeyFocus::List);
        let scoring = UiCommand::keyed(KeyFocus::Scoring);
        let viewer = UiCommand::keyed(KeyFocus::Viewer);
        for keyed in [&list, &scoring, &viewer] {
            for c in [UiCommand::Import, UiCommand::CommandPalette, UiCommand::FocusSearch] {
                assert!(keyed.contains(&c), "{c:?} works everywhere");
            }
            assert!(
                !keyed.iter().any(|c| c.scope() == Scope::Scoring),
                "the panel reads its own keys"
            );
            let first_plain = keyed
                .iter()
                .position(|c| c.shortcut().is_some_and(|s| s.modifiers.is_none()));
            let last_modified = keyed
                .iter()
                .rposition(|c| c.shortcut().is_some_and(|s| !s.modifiers.is_none()));
            assert!(last_modified < first_plain, "Ctrl+K before K: {keyed:?}");
        }
        assert!(list.contains(&UiCommand::FocusScoring) && list.contains(&UiCommand::NextCase));
        assert!(!scoring.contains(&UiCommand::FocusScoring) && scoring.contains(&UiCommand::NextCase));
        assert!(viewer.contains(&UiCommand::PageDown) && !viewer.contains(&UiCommand::NextCase));
        assert!(!list.contains(&UiCommand::PageDown) && list.contains(&UiCommand::ListPageDown));
    }

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
