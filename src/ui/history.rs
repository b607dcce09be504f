//! The 修改记录 window: a case's audit log, newest first, every action in Chinese
//! (`AuditAction::label`).
//!
//! Owns: the log shown and whether the window is open. Must not touch: the service (the
//! log is asked for by `app.rs` and handed in with `apply`).

use egui::RichText;

use super::theme;
use crate::domain::CodeEnum;
use crate::store::AuditEntry;

/// The 修改记录 window of the selected case.
#[derive(Default)]
pub struct HistoryWindow {
    /// The case number and its log, once read.
    entries: Option<(String, Vec<AuditEntry>)>,
    open: bool,
}

impl HistoryWindow {
    /// Opens the window for a case whose log has been asked for.
    pub fn show_reading(&mut self) {
        self.open = true;
        self.entries = None;
    }

    /// The log read for a case.
    pub fn apply(&mut self, case_number: String, entries: Vec<AuditEntry>) {
        self.entries = Some((case_number, entries));
    }

    /// Forgets the log (another case was selected).
    pub fn clear(&mut self) {
        self.entries = None;
    }

    /// The log shown.
    pub fn entries(&self) -> Option<&[AuditEntry]> {
        self.entries.as_ref().map(|(_, e)| e.as_slice())
    }

    /// Draws the window while open.
    pub fn ui(&mut self, ctx: &egui::Context, dark: bool) {
        if !self.open {
            return;
        }
        let mut open = true;
        let palette = theme::palette(dark);
        egui::Window::new("修改记录")
            .open(&mut open)
            .default_size([640.0, 420.0])
            .show(ctx, |ui| {
                let Some((number, entries)) = &self.entries else {
                    ui.label("正在读取…");
                    return;
                };
                ui.label(RichText::new(format!("{number}：共 {} 条（只增不改）", entries.len())).strong());
                egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                    for e in entries.iter().rev() {
                        ui.label(entry_line(e));
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
            self.open = false;
        }
    }
}

/// One row of the log as a person reads it: when, who, what, which item, the change.
fn entry_line(e: &AuditEntry) -> String {
    let what = crate::domain::audit_label(&e.action);
    let mut line = format!("{}  {}（{}）  {what}", e.at, e.reviewer, e.unit);
    // A change of a case fact names the fact in its note; other rows name the checklist item.
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
    line
}

/// An audit note as a person reads it: a decision on a finding is stored as
/// `规则 <id>：…`; the rule is shown by its Chinese name.
fn readable_note(note: &str) -> String {
    match note.strip_prefix("规则 ").and_then(|rest| rest.split_once('：')) {
        Some((id, rest)) => format!("自动检查“{}”：{rest}", crate::rules::rule_name(id)),
        None => note.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{entry_line, readable_note};
    use crate::domain::{AuditAction, CodeEnum};
    use crate::store::AuditEntry;

    #[test]
    fn every_action_reads_in_chinese_and_a_fact_edit_names_no_item() {
        for action in AuditAction::ALL {
            let entry = AuditEntry {
                id: 1,
                at: "2026-12-03 09:00".into(),
                reviewer: "张敏".into(),
                unit: "法规科".into(),
                checklist: None,
                item: Some("2.1".into()),
                action: action.code().into(),
                old: None,
                new: None,
                note: String::new(),
            };
            let line = entry_line(&entry);
            assert!(
                line.ends_with(action.label()) || line.contains(&format!("{}  ", action.label())),
                "{line}"
            );
            assert!(!line.contains(action.code()), "{action:?}: {line}");
            assert_eq!(
                line.contains("评查项 2.1"),
                *action != AuditAction::FactEdited,
                "{line}"
            );
        }
    }

    #[test]
    fn a_decision_note_names_the_rule_in_chinese() {
        assert_eq!(readable_note("由评查员补充"), "由评查员补充");
        let note = readable_note("规则 limitation：不采纳");
        assert!(note.starts_with("自动检查“") && note.ends_with("”：不采纳"), "{note}");
        assert!(!note.contains("limitation"), "{note}");
    }
}
