//! The case-facts editor (案卷事实) of the case view: every fact of the case model in a form,
//! grouped as the case file reads — case, party, officers, dates, decision, legal review and
//! collective discussion, each document — for scans and imported packages alike.
//!
//! Beside a field: the value read from a scanned page (its source opens the page with the line
//! marked), the imported value when it was changed (with 恢复导入值), and who changed it. Keys:
//! Enter in a field with a proposal accepts it and moves to the next proposal; typing replaces
//! it (Enter or leaving the field records the typed value). Documents are split, merged,
//! retyped and reordered here; a split found in a scan is accepted in one click.
//!
//! Owns: drawing the form and turning input into [`FactsIntent`]s. Must not touch the store:
//! changes go to the app as intents.

use std::collections::{BTreeMap, HashMap};

use egui::RichText;

use crate::domain::case_facts::{self, FactField, FactKind, FactOrigin, FactSource};
use crate::domain::{Case, CaseOrigin};
use crate::facts::Proposal;
use crate::service::facts::{CaseProposals, DocumentChange, FactChange, proposal_edits};
use crate::store::{FactEdit, StoredCase};

/// What the editor asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum FactsIntent {
    /// Record a change for the case on screen.
    Change(FactChange),
    /// Open document `document` (0-based) at file page `page`, marking the line `line`.
    Open {
        /// The document.
        document: usize,
        /// Page of its file.
        page: usize,
        /// The line's text, marked on the page.
        line: String,
    },
}

/// The proposal for one field, ready to show.
struct Offer<'a> {
    /// The value as a person reads it.
    text: String,
    /// Where it was read (the first proposal of the field).
    source: &'a FactSource,
    /// Why it needs a careful look.
    doubt: Option<String>,
    /// The case already has this value.
    agrees: bool,
}

/// The form's sections: title and the path prefixes they hold.
const SECTIONS: &[(&str, &[&str])] = &[
    ("案件信息", case_facts::CASE_FIELDS),
    ("当事人", &["party."]),
    ("执法人员", &["officers"]),
    ("关键日期", &["dates."]),
    ("处罚决定", &["decision."]),
    ("法制审核与集体讨论", &["legal_review.", "collective_discussion."]),
];

/// The value to check after `path`: the next one waiting, else the first still waiting before
/// it; none when `path` is the only one (or not waiting).
fn next_pending(pending: &[&str], path: &str) -> Option<String> {
    let i = pending.iter().position(|p| *p == path)?;
    pending[i + 1..]
        .iter()
        .chain(&pending[..i])
        .next()
        .map(|p| p.to_string())
}

fn in_section(path: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| {
        if p.ends_with('.') {
            path.starts_with(p)
        } else {
            path == *p
        }
    })
}

/// The editor's state: what is being typed, where the keyboard goes next.
#[derive(Default)]
pub struct FactsEditor {
    /// The case the drafts belong to.
    case: String,
    /// Text typed and not yet recorded, by fact path.
    drafts: HashMap<String, String>,
    /// The field to put the keyboard in on the next frame.
    focus: Option<String>,
    /// Per document: the page typed for a split and the new part's type.
    split: HashMap<usize, (String, String)>,
    /// The groups with values to check were opened once the proposals came (later the
    /// reviewer opens and closes them).
    unfolded: bool,
    /// Values read from the scans still to be checked, as last drawn.
    pending: usize,
}

impl FactsEditor {
    /// Values read from the scans not yet accepted or replaced, as last drawn.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Forgets what was typed for a fact (it was recorded or refused and is shown anew).
    pub fn settle(&mut self, path: &str) {
        self.drafts.remove(path);
    }

    /// The form for `stored`, with `proposals` when the project answered; `anchor` is the
    /// document (0-based) and page the viewer shows, to tie a typed fact to.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        stored: &StoredCase,
        proposals: Option<&CaseProposals>,
        anchor: Option<(usize, u32)>,
        dark: bool,
    ) -> Vec<FactsIntent> {
        if self.case != stored.row.number {
            *self = Self {
                case: stored.row.number.clone(),
                ..Self::default()
            };
        }
        let palette = super::theme::palette(dark);
        let case = &stored.case;
        let fields = case_facts::fields(case);
        let offers = offers(case, proposals);
        let pending: Vec<&str> = fields
            .iter()
            .filter(|f| offers.get(&f.path).is_some_and(|o| !o.agrees))
            .map(|f| f.path.as_str())
            .collect();
        self.pending = pending.len();
        // Facts changed since import (each counted once, however often it changed).
        let changed = stored
            .edits
            .iter()
            .map(|e| e.path.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let mut intents = Vec::new();
        let mut title = "案卷事实".to_string();
        let mut notes = Vec::new();
        if changed > 0 {
            notes.push(format!("已修改 {changed} 项"));
        }
        if !pending.is_empty() {
            notes.push(format!("待核对的识别结果 {} 项", pending.len()));
        }
        if !notes.is_empty() {
            title.push_str(&format!("（{}）", notes.join("，")));
        }
        let open_by_default = stored.row.origin == CaseOrigin::Scans || !pending.is_empty();
        // When the proposals arrive, the groups holding them open once.
        let unfold = proposals.is_some() && !self.unfolded && !pending.is_empty();
        if unfold {
            self.unfolded = true;
        }
        let focus_here = self.focus.is_some() || unfold;
        egui::CollapsingHeader::new(RichText::new(title).strong())
            .id_salt(("case-facts", &stored.row.number))
            .default_open(open_by_default)
            .open(focus_here.then_some(true))
            .show(ui, |ui| {
                ui.label(
                    RichText::new(
                        "自动检查依据这里的事实。修改记入修改记录，导入原值保留；识别结果须核对后采纳：在该栏按回车采纳，直接输入则以输入为准。",
                    )
                    .color(palette.weak_text),
                );
                let acceptable: Vec<String> = pending
                    .iter()
                    .filter(|p| offers.get(**p).is_some_and(|o| o.doubt.is_none()))
                    .map(|p| p.to_string())
                    .collect();
                ui.horizontal_wrapped(|ui| {
                    if !pending.is_empty()
                        && ui
                            .button("逐项核对")
                            .on_hover_text("光标移到第一项识别结果：回车采纳并转到下一项，直接输入则以输入为准")
                            .clicked()
                    {
                        self.focus = pending.first().map(|p| p.to_string());
                    }
                    if !acceptable.is_empty()
                        && ui
                            .button(format!("采纳无疑问的识别结果（{} 项）", acceptable.len()))
                            .on_hover_text("存疑的结果（置信度低、校验不符、大小写金额不一致）须逐项核对")
                            .clicked()
                    {
                        intents.push(FactsIntent::Change(FactChange::Accept(Some(acceptable))));
                    }
                });
                if let Some(props) = proposals {
                    self.splits_ui(ui, stored, props, &mut intents);
                }
                for (name, prefixes) in SECTIONS {
                    let section: Vec<&FactField> = fields.iter().filter(|f| in_section(&f.path, prefixes)).collect();
                    let waiting = section.iter().filter(|f| pending.contains(&f.path.as_str())).count();
                    let has_focus =
                        self.focus.as_deref().is_some_and(|p| in_section(p, prefixes)) || (unfold && waiting > 0);
                    let heading = if waiting > 0 {
                        format!("{name}（待核对 {waiting}）")
                    } else {
                        name.to_string()
                    };
                    egui::CollapsingHeader::new(heading)
                        .id_salt(("facts-section", *name, &stored.row.number))
                        .default_open(waiting > 0)
                        .open(has_focus.then_some(true))
                        .show(ui, |ui| {
                            self.grid(ui, stored, &section, &offers, &pending, anchor, &mut intents, name);
                        });
                }
                self.documents_ui(ui, stored, &fields, &offers, &pending, anchor, unfold, &mut intents);
            });
        intents
    }

    /// A found split of a multi-page scan, accepted in one click.
    fn splits_ui(
        &mut self,
        ui: &mut egui::Ui,
        stored: &StoredCase,
        proposals: &CaseProposals,
        intents: &mut Vec<FactsIntent>,
    ) {
        for (index, found) in &proposals.splits {
            let Some(doc) = stored.documents.get(*index) else {
                continue;
            };
            ui.group(|ui| {
                ui.label(
                    RichText::new(format!(
                        "在 {}. {}（{} 页）中识别出 {} 份文书",
                        index + 1,
                        doc.doc_type,
                        doc.pages.unwrap_or(0),
                        found.len()
                    ))
                    .strong(),
                );
                ui.horizontal_wrapped(|ui| {
                    for f in found {
                        let pages = if f.first_page == f.last_page {
                            format!("第 {} 页", f.first_page)
                        } else {
                            format!("第 {}–{} 页", f.first_page, f.last_page)
                        };
                        ui.add(egui::Label::new(format!("{} {pages}；", f.doc_type)).extend());
                    }
                });
                if ui
                    .button("按识别结果拆分")
                    .on_hover_text("拆分后可在下方“卷内文书”中合并、再拆分、改类型或调整顺序")
                    .clicked()
                {
                    intents.push(FactsIntent::Change(FactChange::Documents(
                        DocumentChange::AcceptSplit {
                            index: *index,
                            found: found.clone(),
                        },
                    )));
                }
            });
        }
    }

    /// The rows of a group of fields.
    #[allow(clippy::too_many_arguments)]
    fn grid(
        &mut self,
        ui: &mut egui::Ui,
        stored: &StoredCase,
        fields: &[&FactField],
        offers: &BTreeMap<String, Offer<'_>>,
        pending: &[&str],
        anchor: Option<(usize, u32)>,
        intents: &mut Vec<FactsIntent>,
        salt: &str,
    ) {
        egui::Grid::new(("facts-grid", salt, &stored.row.number))
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for field in fields {
                    self.row(ui, stored, field, offers.get(&field.path), pending, anchor, intents);
                    ui.end_row();
                }
            });
    }

    /// One fact: label, value, and what is known about it.
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        ui: &mut egui::Ui,
        stored: &StoredCase,
        field: &FactField,
        offer: Option<&Offer<'_>>,
        pending: &[&str],
        anchor: Option<(usize, u32)>,
        intents: &mut Vec<FactsIntent>,
    ) {
        let palette = super::theme::palette(ui.visuals().dark_mode);
        let case = &stored.case;
        let path = field.path.as_str();
        let value = case_facts::get(case, path).unwrap_or_default();
        let shown = case_facts::display(case, path, &value);
        let imported = case_facts::get(&stored.imported, path)
            .ok()
            .map(|v| case_facts::display(&stored.imported, path, &v));
        let last = stored.edits.iter().rev().find(|e| e.path == path);
        // A document's field without the document's name (its group says it).
        let short = match field.path.starts_with("documents[") {
            true => field
                .label
                .split_once('）')
                .map_or(field.label.as_str(), |(_, rest)| rest),
            false => field.label.as_str(),
        }
        .to_string();
        let mut label = ui.label(&short);
        if let Some(edit) = last {
            label = label.on_hover_text(edit_note(edit));
        }
        let label_id = label.id;
        ui.vertical(|ui| {
            let draft = self.drafts.entry(path.to_string()).or_insert_with(|| shown.clone());
            let edit = egui::TextEdit::singleline(draft)
                .id_salt(("fact", &stored.row.number, path))
                .hint_text(hint(field.kind))
                .desired_width(ui.available_width().min(420.0));
            let response = ui.add(edit).labelled_by(label_id);
            if self.focus.as_deref() == Some(path) {
                response.request_focus();
                self.focus = None;
            }
            if response.lost_focus() {
                let typed = self.drafts.get(path).cloned().unwrap_or_default();
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                if typed.trim() != shown.trim() {
                    intents.push(FactsIntent::Change(FactChange::Set {
                        path: path.to_string(),
                        text: typed,
                    }));
                } else if enter && offer.is_some_and(|o| !o.agrees) {
                    intents.push(FactsIntent::Change(FactChange::Accept(Some(vec![path.to_string()]))));
                }
                if enter {
                    // On to the next value read from the scans; past the last, back to one
                    // still waiting above (the list can grow while it is worked through).
                    self.focus = next_pending(pending, path);
                }
            }
            if !response.has_focus() && !response.lost_focus() {
                // Not being typed in: follows the recorded value.
                if let Some(d) = self.drafts.get_mut(path) {
                    *d = shown.clone();
                }
            }
            if let Some(offer) = offer {
                ui.horizontal_wrapped(|ui| {
                    let color = if offer.doubt.is_some() {
                        palette.deduction
                    } else {
                        palette.accent
                    };
                    let mark = if offer.agrees {
                        "✓ 与识别一致"
                    } else {
                        "识别："
                    };
                    ui.label(RichText::new(mark).color(palette.weak_text));
                    if !offer.agrees {
                        let value = ui.add(egui::Label::new(RichText::new(&offer.text).color(color)).wrap());
                        if let Some(doubt) = &offer.doubt {
                            value.on_hover_text(doubt);
                        }
                    }
                    let place = format!(
                        "出处 {}. {} 第 {} 页",
                        offer.source.document,
                        stored
                            .documents
                            .get(offer.source.document.saturating_sub(1))
                            .map_or("?", |d| d.doc_type.as_str()),
                        offer.source.page
                    );
                    let text = offer.source.text.clone().unwrap_or_default();
                    if ui.link(place).on_hover_text(&text).clicked() {
                        intents.push(FactsIntent::Open {
                            document: offer.source.document.saturating_sub(1),
                            page: offer.source.page as usize,
                            line: text,
                        });
                    }
                    if !offer.agrees
                        && ui
                            .small_button("采纳")
                            .on_hover_text("以识别结果为准（也可在该栏按回车）")
                            .clicked()
                    {
                        intents.push(FactsIntent::Change(FactChange::Accept(Some(vec![path.to_string()]))));
                    }
                });
            }
            let differs = imported.as_deref().is_some_and(|i| i != shown);
            if differs || last.is_some_and(|e| e.source.is_some()) {
                ui.horizontal_wrapped(|ui| {
                    if let Some(imported) = imported.as_deref().filter(|_| differs) {
                        let text = if imported.is_empty() { "未载明" } else { imported };
                        ui.label(RichText::new(format!("导入值：{text}")).color(palette.weak_text));
                        if ui.small_button("恢复导入值").clicked() {
                            intents.push(FactsIntent::Change(FactChange::Restore(path.to_string())));
                        }
                    }
                    if let Some(source) = last.and_then(|e| e.source.as_ref()) {
                        let place = format!("出处：第 {} 份第 {} 页", source.document, source.page);
                        if ui.link(place).clicked() {
                            intents.push(FactsIntent::Open {
                                document: source.document.saturating_sub(1),
                                page: source.page as usize,
                                line: source.text.clone().unwrap_or_default(),
                            });
                        }
                    }
                });
            }
            if let Some((document, page)) = anchor
                && !shown.is_empty()
                && last.is_some_and(|e| e.origin == FactOrigin::Typed && e.source.is_none())
                && ui
                    .small_button(format!("标注出处：第 {} 份第 {page} 页", document + 1))
                    .on_hover_text("把这项手工录入的事实锚定到查看器中打开的这一页")
                    .clicked()
            {
                intents.push(FactsIntent::Change(FactChange::Anchor {
                    path: path.to_string(),
                    document: document + 1,
                    page,
                }));
            }
        });
    }

    /// The documents: one group each, with split, merge and move, and their facts.
    #[allow(clippy::too_many_arguments)]
    fn documents_ui(
        &mut self,
        ui: &mut egui::Ui,
        stored: &StoredCase,
        fields: &[FactField],
        offers: &BTreeMap<String, Offer<'_>>,
        pending: &[&str],
        anchor: Option<(usize, u32)>,
        unfold: bool,
        intents: &mut Vec<FactsIntent>,
    ) {
        let count = stored.case.documents.len();
        ui.label(RichText::new(format!("卷内文书（{count} 份）")).strong());
        for (i, doc) in stored.case.documents.iter().enumerate() {
            let prefix = format!("documents[{}].", i + 1);
            let own: Vec<&FactField> = fields.iter().filter(|f| f.path.starts_with(&prefix)).collect();
            let waiting = own.iter().filter(|f| pending.contains(&f.path.as_str())).count();
            let pages = stored.documents.get(i).and_then(|d| d.page_range());
            let mut heading = format!("{}. {}", i + 1, doc.doc_type);
            if let Some((a, b)) = pages {
                heading.push_str(&if a == b {
                    format!("（第 {a} 页）")
                } else {
                    format!("（第 {a}–{b} 页）")
                });
            }
            if waiting > 0 {
                heading.push_str(&format!("（待核对 {waiting}）"));
            }
            let has_focus = self.focus.as_deref().is_some_and(|p| p.starts_with(&prefix)) || (unfold && waiting > 0);
            egui::CollapsingHeader::new(heading)
                .id_salt(("facts-doc", i, &stored.row.number))
                .default_open(waiting > 0)
                .open(has_focus.then_some(true))
                .show(ui, |ui| {
                    ui.horizontal_wrapped(|ui| {
                        if ui.add_enabled(i > 0, egui::Button::new("上移").small()).clicked() {
                            intents.push(FactsIntent::Change(FactChange::Documents(DocumentChange::Move {
                                from: i,
                                to: i - 1,
                            })));
                        }
                        if ui
                            .add_enabled(i + 1 < count, egui::Button::new("下移").small())
                            .clicked()
                        {
                            intents.push(FactsIntent::Change(FactChange::Documents(DocumentChange::Move {
                                from: i,
                                to: i + 1,
                            })));
                        }
                        let mergeable =
                            i + 1 < count && stored.case.documents[i + 1].file == doc.file && doc.first_page.is_some();
                        if ui
                            .add_enabled(mergeable, egui::Button::new("与下一份合并").small())
                            .on_disabled_hover_text("只能合并同一扫描文件中前后相接的文书")
                            .clicked()
                        {
                            intents.push(FactsIntent::Change(FactChange::Documents(DocumentChange::Merge {
                                index: i,
                            })));
                        }
                        let (at, kind) = self.split.entry(i).or_default();
                        ui.label("从第");
                        ui.add(egui::TextEdit::singleline(at).desired_width(32.0).hint_text("页"));
                        ui.label("页起拆出");
                        ui.add(
                            egui::TextEdit::singleline(kind)
                                .desired_width(110.0)
                                .hint_text("文书类型"),
                        );
                        let page: Option<u32> = at.trim().parse().ok();
                        if ui
                            .add_enabled(
                                page.is_some() && !kind.trim().is_empty(),
                                egui::Button::new("拆分").small(),
                            )
                            .clicked()
                            && let Some(at) = page
                        {
                            intents.push(FactsIntent::Change(FactChange::Documents(DocumentChange::Split {
                                index: i,
                                at,
                                doc_type: kind.trim().to_string(),
                            })));
                            self.split.remove(&i);
                        }
                    });
                    self.grid(ui, stored, &own, offers, pending, anchor, intents, &prefix);
                });
        }
    }
}

/// The hint of an empty field: how its value is written.
fn hint(kind: FactKind) -> String {
    match kind {
        FactKind::Text | FactKind::OptionalText => String::new(),
        FactKind::Date => "年-月-日，如 2024-04-08".into(),
        FactKind::Flag => "是 / 否（不详留空）".into(),
        FactKind::Amount => "元".into(),
        FactKind::Choice(set) => set.options().iter().map(|(_, l)| *l).collect::<Vec<_>>().join(" / "),
        FactKind::List | FactKind::Certificates => "多项用；分开".into(),
        FactKind::Officers => "姓名 执法证号；姓名 执法证号".into(),
        FactKind::Documents => String::new(),
    }
}

/// Who changed a fact, when and how.
fn edit_note(edit: &FactEdit) -> String {
    format!(
        "{}（{}）{} {}",
        edit.reviewer,
        edit.unit,
        edit.at,
        crate::domain::CodeEnum::label(edit.origin)
    )
}

/// The proposals of each fact, as one value per fact (lists combined).
fn offers<'a>(case: &Case, proposals: Option<&'a CaseProposals>) -> BTreeMap<String, Offer<'a>> {
    let mut out = BTreeMap::new();
    let Some(proposals) = proposals else { return out };
    let mut by_field: BTreeMap<&str, Vec<&Proposal>> = BTreeMap::new();
    for p in &proposals.facts {
        by_field.entry(p.field.as_str()).or_default().push(p);
    }
    for (field, list) in by_field {
        let Ok(edits) = proposal_edits(case, &list, FactOrigin::Proposal) else {
            continue;
        };
        let Some(edit) = edits.first() else { continue };
        let current = case_facts::get(case, field).unwrap_or_default();
        out.insert(
            field.to_string(),
            Offer {
                text: case_facts::display(case, field, &edit.value),
                source: &list[0].source,
                doubt: list.iter().find_map(|p| p.doubt.clone()),
                agrees: current == edit.value
                    || case_facts::display(case, field, &current) == case_facts::display(case, field, &edit.value),
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::next_pending;

    #[test]
    fn enter_moves_on_and_past_the_last_back_to_one_still_waiting() {
        let pending = ["party.name", "decision.fine", "dates.decision"];
        assert_eq!(next_pending(&pending, "party.name").as_deref(), Some("decision.fine"));
        assert_eq!(
            next_pending(&pending, "dates.decision").as_deref(),
            Some("party.name"),
            "past the last: the first still waiting"
        );
        assert_eq!(next_pending(&["party.name"], "party.name"), None, "the only one: done");
        assert_eq!(next_pending(&pending, "case.title"), None, "not waiting");
    }
}
