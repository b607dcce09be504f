//! The scoring panel (评分): the checklists that apply to the selected case, each item with its
//! points, the reviewer's deduction and reason, the automatic checks' suggestions, evidence
//! anchors, the live total and grade. Keyboard-first: ↑/↓ between items, digits set a
//! deduction, `N` not applicable, `V` veto, `Enter` edits the reason, `A`/`R` accept or
//! reject a suggestion, `Ctrl+Z`/`Ctrl+Y` undo and redo, `Ctrl+Enter` marks the case reviewed.
//!
//! The panel changes its own copy at once (the total follows the key press) and returns
//! [`Action`]s; the app sends them to the backend, which saves each before answering.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use egui::{Key, Modifiers, RichText};

use super::commands::UiCommand;
use super::theme::{self, Palette};
use crate::domain::AuditAction;
use crate::domain::{Anchor, Checklist, Deduction, ItemRef, LibraryEntry, Mark, MarkValue, fmt_points};
use crate::rules::{Finding, Severity};
use crate::scoring::{Evaluation, evaluate, typed_value};
use crate::service::protocol::Request;
use crate::service::review::{self, CaseScoring};
use crate::store::{FindingDecision, ReviewKey};

/// What the panel asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Save (or clear) a mark.
    Save {
        /// Which review.
        key: ReviewKey,
        /// Item id.
        item: String,
        /// New mark.
        mark: Option<Mark>,
        /// Mark, anchor, undo or redo.
        action: AuditAction,
    },
    /// Mark the review done or reopen it.
    SetReviewed {
        /// Which review.
        key: ReviewKey,
        /// Done?
        done: bool,
    },
    /// Accept or reject a finding.
    Decide {
        /// Which review.
        key: ReviewKey,
        /// The decision.
        decision: FindingDecision,
        /// The mark an acceptance makes.
        mark: Option<Mark>,
    },
    /// Withdraw an acceptance (undo of `A`): the finding is undecided again and the mark
    /// goes back to what it was.
    Withdraw {
        /// Which review.
        key: ReviewKey,
        /// The acceptance withdrawn.
        decision: FindingDecision,
        /// The item's mark before the acceptance.
        mark: Option<Mark>,
    },
    /// Save a new wording to the finding library.
    AddToLibrary(LibraryEntry),
    /// Open a document at a page.
    OpenAnchor(Anchor),
    /// Show the case's change history.
    ShowHistory,
    /// Choose or change the reviewer.
    ChooseReviewer,
}

/// Where an action of the panel goes.
#[derive(Debug)]
pub enum Routed {
    /// To the project thread.
    Service(Box<Request>),
    /// The window does it.
    Window(WindowAction),
}

/// What the window does for the panel.
#[derive(Debug)]
pub enum WindowAction {
    /// Open a document at a page.
    OpenAnchor(Anchor),
    /// Show the case's change history.
    ShowHistory,
    /// Choose or change the reviewer.
    ChooseReviewer,
}

/// One change, for undo and redo.
#[derive(Debug, Clone)]
struct Change {
    key: ReviewKey,
    item: String,
    before: Option<Mark>,
    after: Option<Mark>,
    /// The acceptance of a finding this change made: undo withdraws it, redo makes it again.
    accepted: Option<FindingDecision>,
}

/// State of the scoring panel.
#[derive(Default)]
pub struct ScoringPanel {
    case_number: Option<String>,
    scorings: Vec<CaseScoring>,
    decisions: Vec<FindingDecision>,
    tab: usize,
    selected: Option<String>,
    /// Keys go to the panel (after a click in it or `Enter` on the case list).
    pub focused: bool,
    editing_reason: bool,
    reason_draft: String,
    rejecting: Option<(String, String)>,
    reject_draft: String,
    /// Give the reason or rejection field the keyboard on the next frame (once).
    focus_editor: bool,
    /// The finding-library entry ↓/↑ highlight under the reason field, and the text it was
    /// highlighted for (typing more filters again and clears it).
    library_highlight: Option<(usize, String)>,
    digits: String,
    last_digit: (f64, String),
    /// A typed number that a next digit could still extend (1 → 15 on an item up to 20):
    /// saved once the entry settles (a second without a digit, or any other input), so
    /// the 修改记录 holds the number meant, not its first digit. With its deadline.
    held: Option<(f64, Action)>,
    /// Why the last typed number was refused (shown under the total until the next key).
    refused: Option<String>,
    collapsed: HashSet<(String, String)>,
    scroll_to_selected: bool,
    undo: HashMap<String, Vec<Change>>,
    redo: HashMap<String, Vec<Change>>,
    /// Scoring changes sent to the project, and the newest it has answered: an answer older
    /// than the last change would undo changes still on their way.
    seq: u64,
    answered: u64,
    /// The finding library (the wordings offered under the reason field).
    library: Arc<Vec<LibraryEntry>>,
}

/// Which key closed a one-line reason field this frame.
enum FieldKey {
    Enter,
    Escape,
    None,
}

/// A labelled one-line reason field (the label names it for screen readers and tests); takes
/// the keyboard when `focus`; reports Enter (commit) and Esc (leave).
fn reason_field(ui: &mut egui::Ui, label: &str, hint: &str, draft: &mut String, focus: bool) -> FieldKey {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        let enter = ui.input(|i| i.key_pressed(Key::Enter));
        let edit = ui
            .add(
                egui::TextEdit::singleline(draft)
                    .hint_text(hint)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        if focus {
            edit.request_focus();
        }
        if enter && (edit.lost_focus() || edit.has_focus()) {
            FieldKey::Enter
        } else if ui.input(|i| i.key_pressed(Key::Escape)) {
            FieldKey::Escape
        } else {
            FieldKey::None
        }
    })
    .inner
}

/// Items the keyboard moves through, in display order, skipping collapsed sections.
fn navigable(scoring: &CaseScoring, collapsed: &HashSet<(String, String)>) -> Vec<String> {
    let c = &scoring.checklist.checklist;
    let mut ids: Vec<String> = Vec::new();
    if !collapsed.contains(&(c.id.clone(), VETO_GROUP.to_string())) {
        ids.extend(c.veto_items.iter().map(|v| v.id.clone()));
    }
    for s in &c.sections {
        if !collapsed.contains(&(c.id.clone(), s.id.clone())) {
            ids.extend(s.items.iter().map(|i| i.id.clone()));
        }
    }
    if c.bonus_enabled && !collapsed.contains(&(c.id.clone(), BONUS_GROUP.to_string())) {
        ids.extend(c.bonus_items.iter().map(|b| b.id.clone()));
    }
    ids
}

const VETO_GROUP: &str = "__veto";
/// Width of the value column at the right of an item row.
const VALUE_WIDTH: f32 = 52.0;
const BONUS_GROUP: &str = "__bonus";

impl ScoringPanel {
    /// The case the panel shows.
    pub fn case_number(&self) -> Option<&str> {
        self.case_number.as_deref()
    }

    /// Replaces the panel's data with the backend's (after a load or a save).
    pub fn set_data(&mut self, case_number: String, scorings: Vec<CaseScoring>, decisions: Vec<FindingDecision>) {
        let same_case = self.case_number.as_deref() == Some(case_number.as_str());
        if !same_case {
            self.tab = 0;
            self.selected = None;
            self.editing_reason = false;
            self.rejecting = None;
        }
        self.case_number = Some(case_number);
        self.scorings = scorings;
        self.decisions = decisions;
        self.tab = self.tab.min(self.scorings.len().saturating_sub(1));
        if self.selected.is_none() {
            self.selected = self
                .current()
                .and_then(|s| navigable(s, &self.collapsed).first().cloned());
        }
    }

    /// Forgets the case (another case is being loaded).
    pub fn clear(&mut self) {
        self.case_number = None;
        self.scorings.clear();
        self.decisions.clear();
        self.selected = None;
        self.editing_reason = false;
        self.rejecting = None;
    }

    fn current(&self) -> Option<&CaseScoring> {
        self.scorings.get(self.tab)
    }

    /// The evaluation of the checklist shown.
    pub fn evaluation(&self) -> Option<&Evaluation> {
        self.current().map(|s| &s.evaluation)
    }

    /// The selected item's id.
    pub fn selected_item(&self) -> Option<&str> {
        self.selected.as_deref()
    }

    /// The selected item's mark, if any.
    pub fn selected_mark(&self) -> Option<&Mark> {
        let scoring = self.current()?;
        let id = self.selected.as_deref()?;
        scoring.marks.iter().find(|m| m.item == id)
    }

    /// Whether the reason editor has the keyboard.
    pub fn is_typing(&self) -> bool {
        self.editing_reason || self.rejecting.is_some()
    }

    /// Sets a mark locally (the total follows at once) and returns the save action, recording
    /// the change for undo unless it is an undo or redo itself.
    fn change(&mut self, item: &str, mark: Option<Mark>, action: AuditAction) -> Option<Action> {
        let scoring = self.scorings.get_mut(self.tab)?;
        let before = scoring.marks.iter().find(|m| m.item == item).cloned();
        if before == mark {
            return None;
        }
        let mut marks: Vec<Mark> = scoring.marks.iter().filter(|m| m.item != item).cloned().collect();
        marks.extend(mark.clone());
        let evaluation = evaluate(&scoring.checklist.checklist, &marks).ok()?;
        scoring.marks = marks;
        scoring.evaluation = evaluation;
        let key = scoring.key.clone();
        if matches!(action, AuditAction::Mark | AuditAction::Anchor) {
            let case = key.case_number.clone();
            self.undo.entry(case.clone()).or_default().push(Change {
                key: key.clone(),
                item: item.to_string(),
                before,
                after: mark.clone(),
                accepted: None,
            });
            self.redo.remove(&case);
        }
        Some(Action::Save {
            key,
            item: item.to_string(),
            mark,
            action,
        })
    }

    /// Completes the current checklist's review, or reopens it. A deduction without a reason
    /// is asked for first: the item is selected, its reason field opened, and the panel says
    /// why — a score sheet must say what each deduction is for.
    fn toggle_reviewed(&mut self) -> Option<Action> {
        let s = self.current()?;
        let (key, done) = (s.key.clone(), s.reviewed_at.is_none());
        if done && let Some(item) = review::first_unreasoned(&s.marks).map(|m| m.item.clone()) {
            self.refused = Some(format!("评查项 {item} 扣了分但没有写理由：请先填写理由，再完成评查"));
            self.selected = Some(item);
            self.scroll_to_selected = true;
            self.reason_draft.clear();
            self.editing_reason = true;
            self.focus_editor = true;
            return None;
        }
        self.refused = None;
        Some(Action::SetReviewed { key, done })
    }

    /// Sets the selected item's value, keeping its reason, rule and anchor.
    fn set_value(&mut self, value: Option<MarkValue>) -> Option<Action> {
        let item = self.selected.clone()?;
        let old = self.selected_mark().cloned();
        let mark = value.map(|value| Mark {
            item: item.clone(),
            value,
            reason: old.as_ref().map(|m| m.reason.clone()).unwrap_or_default(),
            from_rule: old.as_ref().and_then(|m| m.from_rule.clone()),
            anchor: old.as_ref().and_then(|m| m.anchor.clone()),
        });
        self.change(&item, mark, AuditAction::Mark)
    }

    /// Sets the selected item's reason (a mark without a value gets the item's default
    /// deduction: a reason alone is a finding).
    fn set_reason(&mut self, reason: String) -> Option<Action> {
        let item = self.selected.clone()?;
        let scoring = self.current()?;
        let target = scoring.checklist.checklist.item(&item)?;
        let mut mark = match self.selected_mark().cloned() {
            Some(m) => m,
            None => Mark::new(item.clone(), review::default_value(target)),
        };
        mark.reason = reason;
        self.change(&item, Some(mark), AuditAction::Mark)
    }

    /// Anchors the selected item's mark to a page. Returns `None` when there is no mark.
    pub fn anchor_selected(&mut self, anchor: Anchor) -> Option<Action> {
        let mut mark = self.selected_mark()?.clone();
        mark.anchor = Some(anchor);
        let item = mark.item.clone();
        self.change(&item, Some(mark), AuditAction::Anchor)
    }

    fn undo_redo(&mut self, redo: bool) -> Option<Action> {
        let case = self.case_number.clone()?;
        let (from, to) = if redo {
            (&mut self.redo, &mut self.undo)
        } else {
            (&mut self.undo, &mut self.redo)
        };
        let change = from.get_mut(&case)?.pop()?;
        to.entry(case).or_default().push(change.clone());
        // Undo applies to the checklist the change was made on.
        let tab = self.scorings.iter().position(|s| s.key == change.key)?;
        self.tab = tab;
        self.selected = Some(change.item.clone());
        self.scroll_to_selected = true;
        if let Some(decision) = change.accepted.clone() {
            // An acceptance: the mark and the decision go back (or forward) together.
            let mark = if redo { change.after } else { change.before };
            // The mark travels with the decision below: its own action is not sent.
            let _ = self.change(
                &change.item,
                mark.clone(),
                if redo { AuditAction::Redo } else { AuditAction::Undo },
            );
            self.decisions
                .retain(|d| !(d.rule == decision.rule && d.message == decision.message));
            return Some(if redo {
                self.decisions.push(decision.clone());
                Action::Decide {
                    key: change.key,
                    decision,
                    mark,
                }
            } else {
                Action::Withdraw {
                    key: change.key,
                    decision,
                    mark,
                }
            });
        }
        let mark = if redo { change.after } else { change.before };
        self.change(
            &change.item,
            mark,
            if redo { AuditAction::Redo } else { AuditAction::Undo },
        )
    }

    /// Whether there is something to undo / redo on this case.
    pub fn can_undo(&self, redo: bool) -> bool {
        let stack = if redo { &self.redo } else { &self.undo };
        self.case_number
            .as_ref()
            .and_then(|c| stack.get(c))
            .is_some_and(|s| !s.is_empty())
    }

    fn move_selection(&mut self, delta: i64) {
        let Some(scoring) = self.current() else { return };
        let ids = navigable(scoring, &self.collapsed);
        if ids.is_empty() {
            return;
        }
        let at = self.selected.as_ref().and_then(|s| ids.iter().position(|i| i == s));
        let next = match at {
            None => 0,
            Some(i) => (i as i64 + delta).clamp(0, ids.len() as i64 - 1) as usize,
        };
        self.selected = Some(ids[next].clone());
        self.scroll_to_selected = true;
        self.digits.clear();
    }

    /// The sequence number of the newest change sent (a case loaded now comes with scoring
    /// as of it).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The request that loads a case's scoring (answered with `Response::Scoring`).
    pub fn load_request(&self, case_number: String) -> Request {
        Request::LoadScoring {
            case_number,
            seq: self.seq,
        }
    }

    /// The project answered with a case's scoring (`current`: the case shown). Older
    /// answers would undo newer local changes still on their way, and a typed number
    /// waiting for its next digit is newer than any answer: both are left alone.
    pub fn apply_answer(
        &mut self,
        case_number: String,
        scorings: Vec<CaseScoring>,
        decisions: Vec<FindingDecision>,
        seq: u64,
        current: bool,
    ) {
        self.answered = self.answered.max(seq);
        if current && seq == self.seq && !self.has_unsettled_entry() {
            self.set_data(case_number, scorings, decisions);
        }
    }

    /// Whether the project has answered every scoring change sent so far.
    pub fn settled(&self) -> bool {
        self.seq == self.answered && !self.has_unsettled_entry()
    }

    /// The finding library changed.
    pub fn set_library(&mut self, library: Arc<Vec<LibraryEntry>>) {
        self.library = library;
    }

    /// The finding library.
    pub fn library(&self) -> Arc<Vec<LibraryEntry>> {
        Arc::clone(&self.library)
    }

    /// Where an action goes: the request that saves it (counted, so older answers are
    /// recognised), or what the window does itself.
    pub fn route(&mut self, action: Action) -> Routed {
        let request = match action {
            Action::Save {
                key,
                item,
                mark,
                action,
            } => {
                self.seq += 1;
                let note = match (action, &mark) {
                    (AuditAction::Anchor, Some(m)) => m
                        .anchor
                        .as_ref()
                        .map(|a| format!("证据：{} 第{}页", a.doc_type, a.page))
                        .unwrap_or_default(),
                    (_, m) => m.as_ref().map(|m| m.reason.clone()).unwrap_or_default(),
                };
                Request::Mark {
                    key,
                    item,
                    mark,
                    action,
                    note,
                    seq: self.seq,
                }
            }
            Action::SetReviewed { key, done } => {
                self.seq += 1;
                Request::SetReviewed {
                    key,
                    done,
                    seq: self.seq,
                }
            }
            Action::Decide { key, decision, mark } => {
                self.seq += 1;
                Request::DecideFinding {
                    key,
                    decision,
                    mark,
                    seq: self.seq,
                }
            }
            Action::Withdraw { key, decision, mark } => {
                self.seq += 1;
                Request::WithdrawFinding {
                    key,
                    decision,
                    mark,
                    seq: self.seq,
                }
            }
            Action::AddToLibrary(entry) => Request::AddLibraryEntry(entry),
            Action::OpenAnchor(anchor) => return Routed::Window(WindowAction::OpenAnchor(anchor)),
            Action::ShowHistory => return Routed::Window(WindowAction::ShowHistory),
            Action::ChooseReviewer => return Routed::Window(WindowAction::ChooseReviewer),
        };
        Routed::Service(Box::new(request))
    }

    /// Whether a typed number is waiting for a possible next digit before it is saved.
    pub fn has_unsettled_entry(&self) -> bool {
        self.held.is_some()
    }

    /// The typed number still waiting, to be saved now (another case or project is opened).
    pub fn take_held(&mut self) -> Vec<Action> {
        self.digits.clear();
        self.held.take().map(|(_, a)| a).into_iter().collect()
    }

    /// Saves a waiting number once its second has passed or anything but a digit happens.
    fn settle_entry(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let Some((deadline, _)) = &self.held else {
            return;
        };
        let now = ctx.input(|i| i.time);
        let other_input = ctx.input(|i| {
            i.events.iter().any(|e| match e {
                egui::Event::Key { key, pressed: true, .. } => digit_of(*key).is_none(),
                egui::Event::PointerButton { pressed: true, .. } => true,
                _ => false,
            })
        });
        if now >= *deadline || other_input {
            actions.extend(self.take_held());
        } else {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(deadline - now));
        }
    }

    /// The keyboard, when the panel is focused. Returns actions for the app.
    pub fn keyboard(&mut self, ctx: &egui::Context, findings: &[Finding]) -> Vec<Action> {
        let mut actions = Vec::new();
        self.settle_entry(ctx, &mut actions);
        if !self.focused || self.current().is_none() {
            return actions;
        }
        if self.is_typing() {
            return actions;
        }
        if ctx.egui_wants_keyboard_input() {
            return actions;
        }
        let pressed = |key: Key, modifiers: Modifiers| ctx.input_mut(|i| i.consume_key(modifiers, key));
        // Ctrl+Shift+Z is redo too.
        if pressed(Key::Z, Modifiers::COMMAND | Modifiers::SHIFT) {
            actions.extend(self.run(UiCommand::Redo, findings));
            return actions;
        }
        if pressed(Key::ArrowDown, Modifiers::NONE) {
            self.move_selection(1);
        }
        if pressed(Key::ArrowUp, Modifiers::NONE) {
            self.move_selection(-1);
        }
        // The panel's keys come from the one command table (the palette lists them too).
        for &command in UiCommand::SCORING {
            let Some(shortcut) = command.shortcut() else { continue };
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                actions.extend(self.run(command, findings));
                if matches!(
                    command,
                    UiCommand::ToggleReviewed | UiCommand::Undo | UiCommand::Redo | UiCommand::EditReason
                ) {
                    return actions;
                }
            }
        }
        let now = ctx.input(|i| i.time);
        let typed: Vec<char> = ctx.input_mut(|i| {
            let mut typed = Vec::new();
            for key in DIGIT_KEYS {
                if i.consume_key(Modifiers::NONE, key) {
                    typed.extend(digit_of(key));
                }
            }
            typed
        });
        for digit in typed {
            self.type_digit(digit, now, &mut actions);
        }
        actions
    }

    /// Runs one of the panel's commands (from its keys or the command palette) on the
    /// selected item.
    pub fn run(&mut self, command: UiCommand, findings: &[Finding]) -> Vec<Action> {
        let mut actions = Vec::new();
        if self.current().is_none() {
            return actions;
        }
        match command {
            UiCommand::ToggleReviewed => actions.extend(self.toggle_reviewed()),
            UiCommand::Undo => actions.extend(self.undo_redo(false)),
            UiCommand::Redo => actions.extend(self.undo_redo(true)),
            UiCommand::NextChecklist if !self.scorings.is_empty() => {
                self.tab = (self.tab + 1) % self.scorings.len();
                self.selected = self
                    .current()
                    .and_then(|s| navigable(s, &self.collapsed).first().cloned());
            }
            UiCommand::EditReason => {
                self.reason_draft = self.selected_mark().map(|m| m.reason.clone()).unwrap_or_default();
                self.editing_reason = true;
                self.focus_editor = true;
            }
            UiCommand::NotApplicable => {
                let na = self.selected_mark().map(|m| m.value) == Some(MarkValue::NotApplicable);
                actions.extend(self.set_value((!na).then_some(MarkValue::NotApplicable)));
            }
            UiCommand::Veto => {
                let is_veto = self
                    .current()
                    .zip(self.selected.as_deref())
                    .and_then(|(s, id)| s.checklist.checklist.item(id))
                    .is_some_and(|t| matches!(t, ItemRef::Veto(_)));
                if is_veto {
                    let hit = self.selected_mark().map(|m| m.value) == Some(MarkValue::VetoHit);
                    actions.extend(self.set_value((!hit).then_some(MarkValue::VetoHit)));
                }
            }
            UiCommand::AcceptSuggestion => {
                if let Some(finding) = self.open_suggestions(findings).first().cloned() {
                    actions.extend(self.accept(&finding));
                }
            }
            UiCommand::RejectSuggestion => {
                if let Some(finding) = self.open_suggestions(findings).first() {
                    self.rejecting = Some((finding.rule.to_string(), finding.message.clone()));
                    self.reject_draft.clear();
                    self.focus_editor = true;
                }
            }
            // Not the panel's: the app runs them.
            _ => {}
        }
        actions
    }

    /// One typed digit on the selected item. Digits typed within a second build one number
    /// (1, 5 → 15); a number above the item's limit is refused and said (1, 5 on an item up
    /// to 5 keeps 扣1分). A number a further digit could still extend waits (see `held`), so
    /// only the number meant is saved and logged.
    fn type_digit(&mut self, digit: char, now: f64, actions: &mut Vec<Action>) {
        let item = self.selected.clone().unwrap_or_default();
        let Some(target) = self
            .current()
            .zip(self.selected.as_deref())
            .and_then(|(s, id)| s.checklist.checklist.item(id))
        else {
            return;
        };
        let continues = now - self.last_digit.0 <= 1.0 && self.last_digit.1 == item && !self.digits.is_empty();
        let extended = format!("{}{digit}", if continues { self.digits.as_str() } else { "" });
        let number = |text: &str| text.parse::<f64>().unwrap_or(0.0);
        let (text, value) = match typed_value(target, number(&extended)) {
            Ok(value) => (extended, value),
            // Above the item's limit: refused and said, the mark left as it was; the next
            // digit starts a new number.
            Err(why) => {
                self.refused = Some(why);
                self.digits.clear();
                return;
            }
        };
        let extends_entry = text.len() > 1;
        let extendable = typed_value(target, number(&text) * 10.0).is_ok() && number(&text) > 0.0;
        self.refused = None;
        self.digits = text;
        self.last_digit = (now, item.clone());
        let held = self.held.take();
        let Some(action) = self.set_value(value) else {
            // The same value again: nothing to save beyond what waits.
            self.held = held;
            return;
        };
        if extends_entry {
            // One entry, one undo step: 1 then 15 undoes to what was there before the 1.
            self.merge_last_undo();
        } else if let Some((_, earlier)) = held {
            actions.push(earlier);
        }
        if extendable {
            self.held = Some((now + 1.0, action));
        } else {
            actions.push(action);
        }
    }

    /// Joins the last two undo steps of the case (an entry typed in two digits).
    fn merge_last_undo(&mut self) {
        let Some(stack) = self.case_number.as_ref().and_then(|c| self.undo.get_mut(c)) else {
            return;
        };
        if stack.len() >= 2 {
            let last = stack.pop().expect("two");
            let first = stack.last_mut().expect("one");
            if first.key == last.key && first.item == last.item && first.accepted.is_none() {
                first.after = last.after;
            } else {
                stack.push(last);
            }
        }
    }

    /// Findings of the automatic checks that the selected item links and that are not decided.
    fn open_suggestions(&self, findings: &[Finding]) -> Vec<Finding> {
        let (Some(scoring), Some(id)) = (self.current(), self.selected.as_deref()) else {
            return Vec::new();
        };
        let Some(target) = scoring.checklist.checklist.item(id) else {
            return Vec::new();
        };
        suggestions_for(target, findings)
            .into_iter()
            .filter(|f| !self.is_decided(f))
            .cloned()
            .collect()
    }

    fn is_decided(&self, finding: &Finding) -> bool {
        self.decisions.iter().any(|d| review::decides(d, finding))
    }

    /// Accepts a finding into a mark on the selected item (`来自规则 X`).
    fn accept(&mut self, finding: &Finding) -> Option<Action> {
        let item = self.selected.clone()?;
        let scoring = self.current()?;
        let target = scoring.checklist.checklist.item(&item)?;
        let key = scoring.key.clone();
        let (mark, decision) = review::acceptance(finding, &item, target, self.selected_mark());
        // Update locally through `change` (undo covers the mark), then send the decision
        // with the mark: the backend saves both.
        self.change(&item, Some(mark.clone()), AuditAction::Mark)?;
        self.decisions.push(decision.clone());
        if let Some(last) = self.undo.get_mut(&key.case_number).and_then(|stack| stack.last_mut()) {
            last.accepted = Some(decision.clone());
        }
        Some(Action::Decide {
            key,
            decision,
            mark: Some(mark),
        })
    }

    fn reject(&mut self, rule: String, message: String, reason: String) -> Option<Action> {
        let key = self.current()?.key.clone();
        let decision = FindingDecision {
            rule,
            message,
            accepted: false,
            reason,
            item: self.selected.clone(),
        };
        self.decisions.push(decision.clone());
        Some(Action::Decide {
            key,
            decision,
            mark: None,
        })
    }

    /// Draws the panel; returns what the user asked for.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        palette: Palette,
        reviewer: Option<&str>,
        findings: &[Finding],
        library: &[LibraryEntry],
    ) -> Vec<Action> {
        let mut actions = Vec::new();
        let response = ui.interact(ui.max_rect(), ui.scope_id().with("scoring-focus"), egui::Sense::click());
        if response.clicked() {
            self.focused = true;
        }
        self.reviewer_line(ui, reviewer, &mut actions);
        if let Some(why) = self.nothing_to_score(reviewer.is_some()) {
            ui.label(RichText::new(why).color(palette.weak_text));
            return actions;
        }
        self.checklist_tabs(ui);
        let Some(scoring) = self.scorings.get(self.tab).cloned() else {
            return actions;
        };
        self.summary(ui, palette, &scoring, &mut actions);
        ui.separator();
        let mut inputs = Vec::new();
        egui::ScrollArea::vertical()
            .id_salt(("scoring", &scoring.checklist.checklist.id))
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.set_max_width(ui.available_width() - theme::SPACE);
                let view = ItemView {
                    palette,
                    findings,
                    library,
                    marks: scoring.marks.iter().map(|m| (m.item.as_str(), m)).collect(),
                    evaluation: &scoring.evaluation,
                };
                for group in groups(&scoring.checklist.checklist, &scoring.evaluation) {
                    self.group_ui(ui, &view, &group, &mut inputs);
                }
                ui.add_space(theme::SPACE);
                for line in &scoring.evaluation.explanation {
                    ui.add(egui::Label::new(RichText::new(line).small().color(palette.weak_text)).wrap());
                }
            });
        for input in inputs {
            actions.extend(self.take_input(&scoring.checklist.checklist.id, input));
        }
        actions
    }

    /// The reviewer's name (a link to switch) and the history button.
    fn reviewer_line(&self, ui: &mut egui::Ui, reviewer: Option<&str>, actions: &mut Vec<Action>) {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("评分").heading());
            let choose = match reviewer {
                Some(name) => ui.link(name).on_hover_text("切换评查员").clicked(),
                None => ui.button("设置评查员…").clicked(),
            };
            if choose {
                actions.push(Action::ChooseReviewer);
            }
            if self.case_number.is_some() && ui.button("修改记录").clicked() {
                actions.push(Action::ShowHistory);
            }
        });
    }

    /// Why there is nothing to score yet, if so.
    fn nothing_to_score(&self, has_reviewer: bool) -> Option<&'static str> {
        if !has_reviewer {
            Some("评分前请先设置评查员（姓名和单位）。每条评分记录都记在评查员名下。")
        } else if self.case_number.is_none() {
            Some("在左侧选择一件案卷后在此评分。")
        } else if self.scorings.is_empty() {
            Some("没有适用于此案卷的评查标准。")
        } else {
            None
        }
    }

    /// One tab per checklist when several apply.
    fn checklist_tabs(&mut self, ui: &mut egui::Ui) {
        if self.scorings.len() < 2 {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            for (i, s) in self.scorings.iter().enumerate() {
                let label = format!(
                    "{}（{}分）",
                    short_name(&s.checklist.checklist.name),
                    fmt_points(s.evaluation.total)
                );
                if ui.selectable_label(self.tab == i, label).clicked() {
                    self.tab = i;
                    self.selected = navigable(s, &self.collapsed).first().cloned();
                    self.focused = true;
                }
            }
        });
    }

    /// Total and grade, the checklist, the review state, undo/redo and the keys.
    fn summary(&mut self, ui: &mut egui::Ui, palette: Palette, scoring: &CaseScoring, actions: &mut Vec<Action>) {
        let checklist = &scoring.checklist.checklist;
        let evaluation = &scoring.evaluation;
        let grade_color = if evaluation.veto_effect.is_some() || evaluation.grade == checklist.lowest_grade() {
            palette.veto
        } else if evaluation.total < checklist.total_points {
            palette.deduction
        } else {
            palette.pass
        };
        ui.horizontal_wrapped(|ui| {
            let total = format!(
                "{} / {}",
                fmt_points(evaluation.total),
                fmt_points(checklist.total_points)
            );
            ui.label(RichText::new(total).size(24.0).strong().color(grade_color));
            ui.label(RichText::new(&evaluation.grade).size(20.0).strong().color(grade_color));
            if evaluation.veto_effect.is_some() {
                ui.label(RichText::new(format!("否决 {} 项", evaluation.veto_hits.len())).color(palette.veto));
            }
        });
        if let Some(why) = &self.refused {
            ui.add(egui::Label::new(RichText::new(why).color(palette.veto)).wrap());
        }
        ui.horizontal_wrapped(|ui| {
            let name = format!(
                "{} 第{}版 · 已评 {} 项",
                checklist.name, checklist.version, evaluation.marked_items
            );
            ui.label(RichText::new(name).small().color(palette.weak_text));
            if checklist.is_default {
                ui.label(RichText::new("内置默认标准").small().color(palette.deduction))
                    .on_hover_text("这是内置的示例标准，请在“评查标准”中导入本省正式印发的评查标准");
            }
        });
        if let Some(at) = &scoring.reviewed_at {
            ui.add(egui::Label::new(RichText::new(format!("已完成评查（{at}）")).color(palette.pass)).wrap());
        }
        ui.horizontal_wrapped(|ui| {
            let label = match &scoring.reviewed_at {
                Some(_) => "重新打开评查（Ctrl+Enter）",
                None => "完成评查（Ctrl+Enter）",
            };
            if ui.button(label).clicked() {
                actions.extend(self.toggle_reviewed());
            }
            for (redo, text, key) in [(false, "撤销", "Ctrl+Z"), (true, "重做", "Ctrl+Y")] {
                if ui
                    .add_enabled(self.can_undo(redo), egui::Button::new(text))
                    .on_hover_text(key)
                    .clicked()
                {
                    actions.extend(self.undo_redo(redo));
                }
            }
        });
        let hint = if self.focused {
            "↑/↓ 选择 · 数字 扣分 · N 不涉及 · V 否决 · Enter 理由 · A/R 采纳/不采纳建议 · Esc 返回列表"
        } else {
            "点击此处或在案卷列表按 Enter 开始用键盘评分"
        };
        ui.add(egui::Label::new(RichText::new(hint).small().color(palette.weak_text)).wrap());
    }

    /// A group's header (click folds it) and, unfolded, its items.
    fn group_ui(&mut self, ui: &mut egui::Ui, view: &ItemView<'_>, group: &Group<'_>, inputs: &mut Vec<PanelInput>) {
        let collapsed = self
            .collapsed
            .contains(&(group.checklist.to_string(), group.id.clone()));
        let arrow = if collapsed { "▶" } else { "▼" };
        let header = ui
            .add(egui::Button::new(RichText::new(format!("{arrow} {}", group.title)).strong()).frame(false))
            .on_hover_text(group.explanation.clone().unwrap_or_default());
        if header.clicked() {
            inputs.push(PanelInput::ToggleGroup(group.id.clone()));
        }
        if collapsed {
            return;
        }
        for &target in &group.items {
            let selected = self.selected.as_deref() == Some(item_id(target));
            let frame = egui::Frame::new()
                .inner_margin(egui::Margin::symmetric(6, 4))
                .corner_radius(4.0)
                .fill(if selected {
                    view.palette.accent.gamma_multiply(0.15)
                } else {
                    egui::Color32::TRANSPARENT
                })
                .stroke(if selected {
                    egui::Stroke::new(1.0, view.palette.accent)
                } else {
                    egui::Stroke::NONE
                });
            let inner = frame.show(ui, |ui| {
                ui.set_width(ui.available_width());
                self.item_ui(ui, view, target, selected, inputs);
            });
            if selected && self.scroll_to_selected {
                inner.response.scroll_to_me(Some(egui::Align::Center));
                self.scroll_to_selected = false;
            }
        }
    }

    /// One item: id, text and value; its mark's reason, rule and evidence; the checks'
    /// suggestions; and, selected, the controls and the open editors.
    fn item_ui(
        &mut self,
        ui: &mut egui::Ui,
        view: &ItemView<'_>,
        target: ItemRef<'_>,
        selected: bool,
        inputs: &mut Vec<PanelInput>,
    ) {
        let id = item_id(target);
        let mark = view.marks.get(id).copied();
        ui.horizontal_top(|ui| {
            let (value_text, color) = value_display(target, mark, view.evaluation.item(id), view.palette);
            // The id is a button: clicking it (or the row) selects the item, and screen
            // readers and tests find the item by its id.
            let id_button =
                egui::Button::selectable(selected, RichText::new(id).strong()).min_size(egui::vec2(34.0, 0.0));
            if ui.add(id_button).clicked() {
                inputs.push(PanelInput::ClickItem(id.to_string()));
            }
            let text_width = (ui.available_width() - VALUE_WIDTH - theme::SPACE).max(80.0);
            ui.allocate_ui(egui::vec2(text_width, 0.0), |ui| {
                ui.set_width(text_width);
                let text = egui::Label::new(format!("{}{}", target.text(), points_suffix(target)))
                    .selectable(false)
                    .sense(egui::Sense::click())
                    .wrap();
                if ui.add(text).clicked() {
                    inputs.push(PanelInput::ClickItem(id.to_string()));
                }
            });
            ui.add_sized(
                [VALUE_WIDTH, 18.0],
                egui::Label::new(RichText::new(value_text).strong().color(color)),
            );
        });
        if let Some(m) = mark {
            mark_details(ui, m, inputs);
        }
        self.suggestions_ui(ui, view, target, selected, inputs);
        if selected {
            // The same changes as the keys, for the mouse.
            ui.horizontal_wrapped(|ui| {
                if let Some(value) = value_controls(ui, target, mark.map(|m| m.value)) {
                    inputs.push(PanelInput::SetValue(value));
                }
                if ui.small_button("理由…").on_hover_text("Enter").clicked() {
                    inputs.push(PanelInput::OpenReason);
                }
            });
            self.reject_editor(ui, inputs);
            if self.editing_reason {
                self.reason_editor(ui, target, view.library, inputs);
            }
        }
    }

    /// The automatic checks' suggestions on an item, with their decisions.
    fn suggestions_ui(
        &self,
        ui: &mut egui::Ui,
        view: &ItemView<'_>,
        target: ItemRef<'_>,
        selected: bool,
        inputs: &mut Vec<PanelInput>,
    ) {
        for finding in suggestions_for(target, view.findings) {
            let decision = self
                .decisions
                .iter()
                .find(|d| d.rule == finding.rule && d.message == finding.message);
            let color = match (decision, finding.severity) {
                (Some(_), _) => view.palette.weak_text,
                (None, Severity::Veto) => view.palette.veto,
                (None, _) => view.palette.deduction,
            };
            let status = match decision {
                Some(d) if d.accepted => " · 已采纳".to_string(),
                Some(d) => format!(" · 未采纳：{}", d.reason),
                None => String::new(),
            };
            let text = format!(
                "建议（{}）：{}{status}",
                crate::rules::rule_name(finding.rule),
                finding.message
            );
            ui.add(egui::Label::new(RichText::new(text).small().color(color)).wrap());
            if decision.is_none() && selected {
                ui.horizontal(|ui| {
                    if ui.small_button("采纳（A）").clicked() {
                        inputs.push(PanelInput::Accept(finding.clone()));
                    }
                    if ui.small_button("不采纳（R）").clicked() {
                        inputs.push(PanelInput::Reject(finding.clone()));
                    }
                });
            }
        }
    }

    /// The reason for not accepting a suggestion, while one is being rejected.
    fn reject_editor(&mut self, ui: &mut egui::Ui, inputs: &mut Vec<PanelInput>) {
        let Some((rule, message)) = self.rejecting.clone() else {
            return;
        };
        let focus = std::mem::take(&mut self.focus_editor);
        match reason_field(
            ui,
            "不采纳理由",
            "例如：卷内另有送达回执",
            &mut self.reject_draft,
            focus,
        ) {
            FieldKey::Enter => {
                let reason = self.reject_draft.trim().to_string();
                inputs.push(PanelInput::FinishReject(rule, message, reason));
            }
            // Esc leaves the rejection undecided, as it does the reason.
            FieldKey::Escape => inputs.push(PanelInput::CancelReject),
            FieldKey::None => {}
        }
    }

    /// The reason field with the finding library's matching wordings (↓/↑ and Enter pick one).
    fn reason_editor(
        &mut self,
        ui: &mut egui::Ui,
        target: ItemRef<'_>,
        library: &[LibraryEntry],
        inputs: &mut Vec<PanelInput>,
    ) {
        let focus = std::mem::take(&mut self.focus_editor);
        // ↓/↑ move through the library entries below; taken before the field sees them.
        let (down, up) = ui.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::ArrowDown),
                i.consume_key(Modifiers::NONE, Key::ArrowUp),
            )
        });
        let key = reason_field(
            ui,
            "评查理由",
            "输入理由，可从问题库选择（↓↑ 选择，Enter 采用）",
            &mut self.reason_draft,
            focus,
        );
        let query = self.reason_draft.trim().to_string();
        let matches = library_matches(library, &query, target.findings());
        let mut highlight = self
            .library_highlight
            .take()
            .filter(|(_, q)| *q == query)
            .map(|(i, _)| i);
        if !matches.is_empty() {
            let last = matches.len() - 1;
            if down {
                highlight = Some(highlight.map_or(0, |i| (i + 1).min(last)));
            }
            if up {
                highlight = highlight.and_then(|i| i.checked_sub(1));
            }
        }
        let highlight = highlight.filter(|i| *i < matches.len());
        self.library_highlight = highlight.map(|i| (i, query.clone()));
        match key {
            // Enter takes the highlighted entry, else the typed text.
            FieldKey::Enter => inputs.push(match highlight {
                Some(i) => PanelInput::PickReason(matches[i].wording.clone()),
                None => PanelInput::CommitReason,
            }),
            FieldKey::Escape => inputs.push(PanelInput::CancelReason),
            FieldKey::None => {}
        }
        for (i, entry) in matches.into_iter().enumerate() {
            let text = format!("{} {}", entry.code, entry.wording);
            let hover = format!("依据：{}\n整改建议：{}", entry.basis, entry.advice);
            let chosen = highlight == Some(i);
            let row = ui
                .selectable_label(chosen, RichText::new(text).small())
                .on_hover_text(hover);
            if chosen && (down || up) {
                row.scroll_to_me(None);
            }
            if row.clicked() {
                inputs.push(PanelInput::PickReason(entry.wording.clone()));
            }
        }
        let known = library.iter().any(|e| e.wording == query);
        if !query.is_empty() && !known && ui.small_button("存入问题库").clicked() {
            inputs.push(PanelInput::SaveToLibrary);
        }
    }

    /// Carries out one thing the user did in the panel.
    fn take_input(&mut self, checklist: &str, input: PanelInput) -> Vec<Action> {
        let mut actions = Vec::new();
        match input {
            PanelInput::ToggleGroup(group) => {
                let key = (checklist.to_string(), group);
                if !self.collapsed.remove(&key) {
                    self.collapsed.insert(key);
                }
                self.focused = true;
            }
            PanelInput::ClickItem(id) => {
                if self.selected.as_deref() != Some(id.as_str()) {
                    self.editing_reason = false;
                    self.rejecting = None;
                }
                self.selected = Some(id);
                self.focused = true;
            }
            PanelInput::OpenAnchor(anchor) => actions.push(Action::OpenAnchor(anchor)),
            PanelInput::SetValue(value) => {
                self.focused = true;
                actions.extend(self.set_value(value));
            }
            PanelInput::OpenReason => {
                if !self.editing_reason {
                    self.reason_draft = self.selected_mark().map(|m| m.reason.clone()).unwrap_or_default();
                    self.editing_reason = true;
                    self.focus_editor = true;
                }
            }
            PanelInput::Accept(finding) => actions.extend(self.accept(&finding)),
            PanelInput::Reject(finding) => {
                self.rejecting = Some((finding.rule.to_string(), finding.message.clone()));
                self.reject_draft.clear();
                self.focus_editor = true;
            }
            PanelInput::FinishReject(rule, message, reason) => {
                self.rejecting = None;
                actions.extend(self.reject(rule, message, reason));
            }
            PanelInput::CancelReject => {
                self.rejecting = None;
                self.reject_draft.clear();
            }
            PanelInput::SaveToLibrary => actions.push(Action::AddToLibrary(LibraryEntry {
                code: String::new(),
                category: "评查员补充".into(),
                wording: self.reason_draft.trim().to_string(),
                basis: String::new(),
                advice: String::new(),
            })),
            PanelInput::PickReason(reason) => {
                self.reason_draft = reason;
                self.library_highlight = None;
                actions.extend(self.commit_reason());
            }
            PanelInput::CommitReason => actions.extend(self.commit_reason()),
            PanelInput::CancelReason => self.editing_reason = false,
        }
        actions
    }

    fn commit_reason(&mut self) -> Option<Action> {
        self.editing_reason = false;
        let reason = self.reason_draft.trim().to_string();
        self.set_reason(reason)
    }
}

/// What the user did in the panel this frame, carried out after it is drawn.
enum PanelInput {
    ClickItem(String),
    ToggleGroup(String),
    OpenAnchor(Anchor),
    SetValue(Option<MarkValue>),
    OpenReason,
    PickReason(String),
    CommitReason,
    CancelReason,
    SaveToLibrary,
    Accept(Finding),
    Reject(Finding),
    FinishReject(String, String, String),
    CancelReject,
}

/// What every item of a frame is drawn from.
struct ItemView<'a> {
    palette: Palette,
    findings: &'a [Finding],
    library: &'a [LibraryEntry],
    marks: HashMap<&'a str, &'a Mark>,
    evaluation: &'a Evaluation,
}

/// A foldable group of the panel: the veto items, a section, or the bonus items.
struct Group<'a> {
    checklist: &'a str,
    id: String,
    title: String,
    items: Vec<ItemRef<'a>>,
    explanation: Option<String>,
}

/// The panel's groups in order, with their titles (pure).
fn groups<'a>(checklist: &'a Checklist, evaluation: &Evaluation) -> Vec<Group<'a>> {
    let mut groups = Vec::new();
    if !checklist.veto_items.is_empty() {
        let hits = evaluation.veto_hits.len();
        let state = if hits > 0 {
            format!("命中 {hits} 项")
        } else {
            "未命中".into()
        };
        groups.push(Group {
            checklist: &checklist.id,
            id: VETO_GROUP.into(),
            title: format!("否决项（{state}）"),
            items: checklist.veto_items.iter().map(ItemRef::Veto).collect(),
            explanation: None,
        });
    }
    for (section, score) in checklist.sections.iter().zip(&evaluation.sections) {
        groups.push(Group {
            checklist: &checklist.id,
            id: section.id.clone(),
            title: format!(
                "{} {}　{} / {}",
                section.id,
                section.name,
                fmt_points(score.score),
                fmt_points(score.max_points)
            ),
            items: section.items.iter().map(|i| ItemRef::Scored(section, i)).collect(),
            explanation: Some(score.explanation.clone()),
        });
    }
    if checklist.bonus_enabled && !checklist.bonus_items.is_empty() {
        groups.push(Group {
            checklist: &checklist.id,
            id: BONUS_GROUP.into(),
            title: format!("加分项（{}分）", fmt_points(evaluation.bonus)),
            items: checklist.bonus_items.iter().map(ItemRef::Bonus).collect(),
            explanation: None,
        });
    }
    groups
}

/// A mark's reason, the rule it came from, and a link to its evidence.
fn mark_details(ui: &mut egui::Ui, m: &Mark, inputs: &mut Vec<PanelInput>) {
    let mut details = Vec::new();
    if !m.reason.is_empty() {
        details.push(format!("理由：{}", m.reason));
    }
    if let Some(rule) = &m.from_rule {
        details.push(format!("来自自动检查“{}”", crate::rules::rule_name(rule)));
    }
    if !details.is_empty() {
        ui.add(egui::Label::new(RichText::new(details.join(" · ")).small()).wrap());
    }
    if let Some(anchor) = &m.anchor {
        let link = ui.link(RichText::new(format!("证据：{} 第{}页", anchor.doc_type, anchor.page)).small());
        if link.on_hover_text("打开此页").clicked() {
            inputs.push(PanelInput::OpenAnchor(anchor.clone()));
        }
    }
}

/// The library entries offered for a reason: the item's linked ones while nothing is typed,
/// else those whose wording, code or category holds the text; at most eight.
fn library_matches<'a>(library: &'a [LibraryEntry], query: &str, linked: &[String]) -> Vec<&'a LibraryEntry> {
    library
        .iter()
        .filter(|e| {
            if query.is_empty() {
                linked.contains(&e.code)
            } else {
                e.wording.contains(query) || e.code.contains(query) || e.category.contains(query)
            }
        })
        .take(8)
        .collect()
}

/// Buttons and a number field that change the selected item's value; returns the change.
fn value_controls(ui: &mut egui::Ui, target: ItemRef<'_>, current: Option<MarkValue>) -> Option<Option<MarkValue>> {
    let mut change = None;
    match target {
        ItemRef::Veto(_) => {
            let hit = current == Some(MarkValue::VetoHit);
            if ui.selectable_label(hit, "否决").on_hover_text("V").clicked() {
                change = Some((!hit).then_some(MarkValue::VetoHit));
            }
        }
        ItemRef::Scored(_, item) => match item.deduction {
            Deduction::PerOccurrence { .. } => {
                let mut count = match current {
                    Some(MarkValue::Count(n)) => n,
                    _ => 0,
                };
                let label = ui.label("处数");
                if ui
                    .add(egui::DragValue::new(&mut count).range(0..=99))
                    .labelled_by(label.id)
                    .changed()
                {
                    change = Some((count > 0).then_some(MarkValue::Count(count)));
                }
            }
            Deduction::Fixed { points } => {
                let hit = matches!(current, Some(MarkValue::Deduct(p)) if p > 0.0)
                    || matches!(current, Some(MarkValue::Count(n)) if n > 0);
                if ui
                    .selectable_label(hit, format!("扣{}分", fmt_points(points)))
                    .clicked()
                {
                    change = Some((!hit).then_some(MarkValue::Deduct(points)));
                }
            }
            Deduction::Range { min, max } => {
                let mut points = match current {
                    Some(MarkValue::Deduct(p)) => p,
                    Some(MarkValue::Count(n)) => f64::from(n),
                    _ => 0.0,
                };
                let label = ui.label("扣分");
                if ui
                    .add(egui::DragValue::new(&mut points).range(0.0..=max).speed(0.5))
                    .labelled_by(label.id)
                    .on_hover_text(format!("{}–{}分", fmt_points(min), fmt_points(max)))
                    .changed()
                {
                    change = Some((points > 0.0).then_some(MarkValue::Deduct(points)));
                }
            }
        },
        ItemRef::Bonus(b) => {
            let mut points = match current {
                Some(MarkValue::Award(p)) => p,
                _ => 0.0,
            };
            let label = ui.label("加分");
            if ui
                .add(egui::DragValue::new(&mut points).range(0.0..=b.points).speed(0.5))
                .labelled_by(label.id)
                .changed()
            {
                change = Some((points > 0.0).then_some(MarkValue::Award(points)));
            }
        }
    }
    if !matches!(target, ItemRef::Bonus(_)) {
        let na = current == Some(MarkValue::NotApplicable);
        if ui.selectable_label(na, "不涉及").on_hover_text("N").clicked() {
            change = Some((!na).then_some(MarkValue::NotApplicable));
        }
    }
    if current.is_some() && ui.small_button("清除").on_hover_text("0").clicked() {
        change = Some(None);
    }
    change
}

/// The findings a checklist item links through its rule ids (deductions and vetoes only).
fn suggestions_for<'a>(target: ItemRef<'_>, findings: &'a [Finding]) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.severity != Severity::Notice && target.rules().iter().any(|r| r == f.rule))
        .collect()
}

fn item_id<'a>(target: ItemRef<'a>) -> &'a str {
    match target {
        ItemRef::Veto(v) => &v.id,
        ItemRef::Scored(_, i) => &i.id,
        ItemRef::Bonus(b) => &b.id,
    }
}

fn points_suffix(target: ItemRef<'_>) -> String {
    match target {
        ItemRef::Veto(_) => String::new(),
        ItemRef::Scored(_, i) if !i.kinds.is_empty() => {
            let kinds: Vec<&str> = i.kinds.iter().map(|k| crate::domain::CodeEnum::label(*k)).collect();
            format!(
                "（{}分，{}；仅适用于{}案件）",
                fmt_points(i.points),
                i.deduction.describe(i.points),
                kinds.join("、")
            )
        }
        ItemRef::Scored(_, i) => format!("（{}分，{}）", fmt_points(i.points), i.deduction.describe(i.points)),
        ItemRef::Bonus(b) => format!("（最多加{}分）", fmt_points(b.points)),
    }
}

/// The right-hand value of an item row and its colour.
fn value_display(
    target: ItemRef<'_>,
    mark: Option<&Mark>,
    score: Option<&crate::scoring::ItemScore>,
    palette: Palette,
) -> (String, egui::Color32) {
    match (target, mark.map(|m| m.value)) {
        (_, Some(MarkValue::NotApplicable)) => ("不涉及".into(), palette.weak_text),
        (ItemRef::Veto(_), Some(MarkValue::VetoHit)) => ("否决".into(), palette.veto),
        (ItemRef::Veto(_), _) => ("—".into(), palette.weak_text),
        (ItemRef::Bonus(_), Some(MarkValue::Award(p))) => (format!("+{}", fmt_points(p)), palette.pass),
        (ItemRef::Bonus(_), _) => ("—".into(), palette.weak_text),
        (ItemRef::Scored(..), _) => match score {
            Some(s) if s.deducted + s.carried > 0.0 => {
                (format!("−{}", fmt_points(s.deducted + s.carried)), palette.deduction)
            }
            Some(s) => (fmt_points(s.score), palette.pass),
            None => ("—".into(), palette.weak_text),
        },
    }
}

/// `应急管理行政处罚案卷评查标准（普通程序）` → `普通程序`-ish short tab names.
fn short_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= 10 {
        name.to_string()
    } else {
        format!("{}…", chars[..9].iter().collect::<String>())
    }
}

/// The digit keys of the scoring panel.
const DIGIT_KEYS: [Key; 10] = [
    Key::Num0,
    Key::Num1,
    Key::Num2,
    Key::Num3,
    Key::Num4,
    Key::Num5,
    Key::Num6,
    Key::Num7,
    Key::Num8,
    Key::Num9,
];

fn digit_of(key: Key) -> Option<char> {
    DIGIT_KEYS
        .iter()
        .position(|k| *k == key)
        .and_then(|i| char::from_digit(i as u32, 10))
}
