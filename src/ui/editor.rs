//! The checklist editor (评查标准): every checklist version in the project; the newest of one
//! checklist editable in tables with inline validation; saving makes a new version when the
//! stored one is already used by a score (frozen); TOML import and export, XLSX export for
//! printing; a province's Excel table through the table window (`table_import`). Files are
//! read and written by the backend, never on the UI thread.

use std::path::PathBuf;
use std::sync::Arc;

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use super::path_field::{PathField, Pick};
use super::table_import::TableImport;
use super::theme;
use crate::domain::{Checklist, Deduction, Item, NotApplicableMode, Section, VetoEffect, VetoItem};
use crate::scoring::format::{Known, Problem, validate};
use crate::service::protocol::Request;
use crate::store::StoredChecklist;

/// Editor state.
#[derive(Default)]
pub struct ChecklistEditor {
    /// Whether the window is shown.
    pub open: bool,
    checklists: Arc<Vec<StoredChecklist>>,
    /// The checklist id being edited, and its working copy.
    draft: Option<(String, Checklist)>,
    dirty: bool,
    import_path: PathField,
    export_path: PathField,
    table: TableImport,
}

impl ChecklistEditor {
    /// New data from the project (after open or a save).
    pub fn set_checklists(&mut self, all: Arc<Vec<StoredChecklist>>) {
        self.checklists = all;
        // After a save the draft is replaced by what was stored.
        if !self.dirty
            && let Some((id, _)) = &self.draft
        {
            let id = id.clone();
            self.load(&id);
        }
    }

    /// A 评查标准 table was read: show the mapping window.
    pub fn show_tables(&mut self, path: PathBuf, tables: Arc<Vec<crate::scoring::table::Table>>) {
        self.table.show(path, tables);
    }

    /// Opens a checklist not saved yet (read from a table) for review; saving stores it.
    pub fn open_draft(&mut self, checklist: Checklist) {
        self.draft = Some((checklist.id.clone(), checklist));
        self.dirty = true;
        self.open = true;
    }

    fn newest(&self, id: &str) -> Option<&StoredChecklist> {
        self.checklists
            .iter()
            .filter(|c| c.checklist.id == id)
            .max_by_key(|c| c.checklist.version)
    }

    fn load(&mut self, id: &str) {
        if let Some(stored) = self.newest(id) {
            self.draft = Some((id.to_string(), stored.checklist.clone()));
            self.dirty = false;
        }
    }

    /// Draws the window; returns requests for the backend.
    pub fn ui(&mut self, ctx: &egui::Context) -> Vec<Request> {
        let mut requests = Vec::new();
        if let Some(draft) = self.table.ui(ctx) {
            self.open_draft(draft);
        }
        if !self.open {
            return requests;
        }
        self.import_path.poll(); // a picked-nothing message shows under the field
        self.export_path.poll(); // a picked-nothing message shows under the field
        let mut open = true;
        let palette = theme::palette(ctx.global_style().visuals.dark_mode);
        egui::Window::new("评查标准")
            .open(&mut open)
            .default_size([980.0, 620.0])
            .show(ctx, |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(220.0);
                        ui.label(RichText::new("项目中的评查标准").strong());
                        let mut ids: Vec<&str> = self.checklists.iter().map(|c| c.checklist.id.as_str()).collect();
                        ids.dedup();
                        let mut pick = None;
                        for id in ids {
                            let Some(newest) = self.newest(id) else { continue };
                            let versions = self.checklists.iter().filter(|c| c.checklist.id == id).count();
                            let active = self.draft.as_ref().is_some_and(|(d, _)| d == id);
                            let label = format!(
                                "{} · 第{}版{}{}",
                                newest.checklist.name,
                                newest.checklist.version,
                                if versions > 1 {
                                    format!("（共{versions}版）")
                                } else {
                                    String::new()
                                },
                                if newest.frozen { " · 已用于评分" } else { "" }
                            );
                            if ui.selectable_label(active, label).clicked() {
                                pick = Some(id.to_string());
                            }
                        }
                        if let Some(id) = pick {
                            self.load(&id);
                        }
                        ui.separator();
                        self.import_path.ui(
                            ui,
                            "导入",
                            "评查标准 .toml 或 Excel 表格",
                            &[("选择…", Pick::Checklist)],
                        );
                        if ui
                            .add_enabled(self.import_path.path().is_some(), egui::Button::new("导入评查标准"))
                            .on_hover_text(".toml 直接保存；Excel 表格先核对列对应和预览，再在编辑器中打开")
                            .clicked()
                            && let Some(path) = self.import_path.path()
                        {
                            let is_table = path.extension().is_some_and(|e| {
                                ["xlsx", "xlsm", "xls", "ods"].iter().any(|t| e.eq_ignore_ascii_case(t))
                            });
                            requests.push(if is_table {
                                Request::ReadChecklistTable(path)
                            } else {
                                Request::ImportChecklist(path)
                            });
                        }
                    });
                    ui.separator();
                    ui.vertical(|ui| {
                        let Some((_, draft)) = &mut self.draft else {
                            ui.label("在左侧选择一个评查标准进行查看或修改。");
                            return;
                        };
                        let stored = self
                            .checklists
                            .iter()
                            .filter(|c| c.checklist.id == draft.id)
                            .max_by_key(|c| c.checklist.version);
                        let frozen = stored.is_some_and(|c| c.frozen);
                        let library: Vec<String> = Vec::new();
                        let mut known = Known::with_library(library.iter().map(String::as_str));
                        known.findings = None;
                        let problems = validate(draft, &known);
                        let changed = edit_checklist(ui, draft, &problems, palette);
                        self.dirty |= changed;
                        ui.separator();
                        ui.horizontal_wrapped(|ui| {
                            if problems.is_empty() {
                                ui.label(RichText::new("校验通过").color(palette.pass));
                            } else {
                                ui.label(
                                    RichText::new(format!("{} 处问题，修正后才能保存", problems.len()))
                                        .color(palette.veto),
                                );
                            }
                            let save_label = if frozen { "另存为新版本" } else { "保存" };
                            let save = ui
                                .add_enabled(self.dirty && problems.is_empty(), egui::Button::new(save_label))
                                .on_hover_text(if frozen {
                                    "当前版本已用于评分，不能修改；保存为新版本，已有评分仍按原版本计算"
                                } else {
                                    "保存修改"
                                });
                            if save.clicked() {
                                requests.push(Request::SaveChecklist(Box::new(draft.clone())));
                                self.dirty = false;
                            }
                            if ui.add_enabled(self.dirty, egui::Button::new("放弃修改")).clicked() {
                                self.dirty = false;
                                if let Some(stored) = stored {
                                    *draft = stored.checklist.clone();
                                }
                            }
                        });
                        for p in problems.iter().take(6) {
                            ui.label(RichText::new(p.to_string()).small().color(palette.veto));
                        }
                        ui.separator();
                        self.export_path
                            .ui(ui, "导出到", "文件名以 .toml 或 .xlsx 结尾", &[("选择…", Pick::Save)]);
                        let export = self.export_path.path();
                        if ui
                            .add_enabled(
                                export.is_some() && stored.is_some(),
                                egui::Button::new("导出已保存的版本"),
                            )
                            .on_hover_text(".toml 可在其他电脑导入；.xlsx 用于打印纸质评查表")
                            .clicked()
                            && let (Some(path), Some(stored)) = (export, stored)
                        {
                            requests.push(Request::ExportChecklist {
                                key: stored.key,
                                path: with_default_extension(path),
                            });
                        }
                    });
                });
            });
        if !open {
            self.open = false;
        }
        requests
    }
}

fn with_default_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_none() {
        path.with_extension("toml")
    } else {
        path
    }
}

/// Problems of one item, for its row.
fn problems_of<'a>(problems: &'a [Problem], id: &str) -> Vec<&'a Problem> {
    problems.iter().filter(|p| p.item.as_deref() == Some(id)).collect()
}

/// The veto items (否决项): id, text, basis and linked findings; add and remove. Returns
/// whether anything changed.
fn veto_section(ui: &mut egui::Ui, c: &mut Checklist) -> bool {
    let mut changed = false;
    ui.label(RichText::new(format!("否决项（{}）", c.veto_items.len())).strong());
    let mut remove_veto = None;
    for (i, v) in c.veto_items.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            changed |= ui
                .add({
                    let width = theme::fitted_width(ui, &v.id, "", 40.0);
                    egui::TextEdit::singleline(&mut v.id).desired_width(width)
                })
                .changed();
            changed |= ui
                .add({
                    let width = theme::fitted_width(ui, &v.text, "", 360.0);
                    egui::TextEdit::singleline(&mut v.text).desired_width(width)
                })
                .changed();
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut v.basis)
                        .hint_text("依据")
                        .desired_width(200.0),
                )
                .changed();
            if ui.small_button("删除").clicked() {
                remove_veto = Some(i);
            }
        });
    }
    if let Some(i) = remove_veto {
        c.veto_items.remove(i);
        changed = true;
    }
    if ui.small_button("添加否决项").clicked() {
        c.veto_items.push(VetoItem {
            id: format!("V{}", c.veto_items.len() + 1),
            text: String::new(),
            basis: String::new(),
            rules: Vec::new(),
            findings: Vec::new(),
            effect: None,
        });
        changed = true;
    }
    changed
}

/// Header, bands, veto items and sections as editable tables. Returns whether anything changed.
fn edit_checklist(ui: &mut egui::Ui, c: &mut Checklist, problems: &[Problem], palette: theme::Palette) -> bool {
    let mut changed = false;
    egui::ScrollArea::vertical()
        .id_salt("checklist-editor")
        .max_height(ui.available_height() - 120.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            egui::Grid::new("checklist-header").num_columns(4).show(ui, |ui| {
                let label = ui.label("名称");
                changed |= ui
                    .add({
                        let width = theme::fitted_width(ui, &c.name, "", 320.0);
                        egui::TextEdit::singleline(&mut c.name).desired_width(width)
                    })
                    .labelled_by(label.id)
                    .changed();
                let label = ui.label("满分");
                changed |= ui
                    .add(egui::DragValue::new(&mut c.total_points).range(1.0..=1000.0))
                    .labelled_by(label.id)
                    .changed();
                ui.end_row();
                ui.label("否决项效果");
                egui::ComboBox::from_id_salt("veto-effect")
                    .selected_text(c.veto_effect.label())
                    .show_ui(ui, |ui| {
                        for effect in VetoEffect::ALL {
                            changed |= ui
                                .selectable_value(&mut c.veto_effect, effect, effect.label())
                                .changed();
                        }
                    });
                ui.label("不涉及");
                egui::ComboBox::from_id_salt("na-mode")
                    .selected_text(c.not_applicable.label())
                    .show_ui(ui, |ui| {
                        for mode in [NotApplicableMode::FullMarks, NotApplicableMode::Rescale] {
                            changed |= ui.selectable_value(&mut c.not_applicable, mode, mode.label()).changed();
                        }
                    });
                ui.end_row();
                ui.label("加分项");
                changed |= ui.checkbox(&mut c.bonus_enabled, "启用").changed();
                ui.end_row();
            });
            ui.label(RichText::new("等次（从高到低）").strong());
            ui.horizontal_wrapped(|ui| {
                for (i, band) in c.bands.iter_mut().enumerate() {
                    let bad = !problems_of(problems, &format!("bands[{}]", i + 1)).is_empty();
                    changed |= ui
                        .add({
                            let width = theme::fitted_width(ui, &band.grade, "", 56.0);
                            egui::TextEdit::singleline(&mut band.grade).desired_width(width)
                        })
                        .changed();
                    let drag = ui.add(
                        egui::DragValue::new(&mut band.min_points)
                            .range(0.0..=1000.0)
                            .prefix("≥"),
                    );
                    if bad {
                        ui.label(RichText::new("！").color(palette.veto));
                    }
                    changed |= drag.changed();
                }
            });
            changed |= veto_section(ui, c);
            let mut remove_section = None;
            for (si, section) in c.sections.iter_mut().enumerate() {
                ui.add_space(theme::SPACE);
                ui.horizontal(|ui| {
                    changed |= ui
                        .add({
                            let width = theme::fitted_width(ui, &section.id, "", 40.0);
                            egui::TextEdit::singleline(&mut section.id).desired_width(width)
                        })
                        .changed();
                    changed |= ui
                        .add({
                            let width = theme::fitted_width(ui, &section.name, "", 200.0);
                            egui::TextEdit::singleline(&mut section.name).desired_width(width)
                        })
                        .changed();
                    changed |= ui
                        .add(
                            egui::DragValue::new(&mut section.points)
                                .range(0.0..=1000.0)
                                .suffix(" 分"),
                        )
                        .changed();
                    changed |= ui.checkbox(&mut section.floor_at_zero, "扣完为止").changed();
                    for p in problems_of(problems, &section.id) {
                        ui.label(RichText::new(&p.message).small().color(palette.veto));
                    }
                    if section.items.is_empty() && ui.small_button("删除此部分").clicked() {
                        remove_section = Some(si);
                    }
                });
                changed |= items_table(ui, si, section, problems, palette);
            }
            if let Some(i) = remove_section {
                c.sections.remove(i);
                changed = true;
            }
            if ui.button("添加部分").clicked() {
                c.sections.push(Section {
                    id: format!("S{}", c.sections.len() + 1),
                    name: "新部分".into(),
                    points: 0.0,
                    floor_at_zero: true,
                    items: Vec::new(),
                });
                changed = true;
            }
        });
    changed
}

fn items_table(
    ui: &mut egui::Ui,
    index: usize,
    section: &mut Section,
    problems: &[Problem],
    palette: theme::Palette,
) -> bool {
    let mut changed = false;
    let mut remove = None;
    let row_height = theme::row_height(ui);
    TableBuilder::new(ui)
        .id_salt(("items", index))
        .striped(true)
        .vscroll(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(44.0))
        .column(Column::remainder().at_least(200.0).clip(true))
        .column(Column::exact(56.0))
        .column(Column::exact(96.0))
        .column(Column::exact(110.0))
        .column(Column::exact(160.0))
        .column(Column::exact(40.0))
        .header(row_height, |mut header| {
            for h in ["编号", "评查内容", "分值", "扣分方式", "扣分", "依据", ""] {
                header.col(|ui| {
                    ui.label(RichText::new(h).strong());
                });
            }
        })
        .body(|mut body| {
            for (i, item) in section.items.iter_mut().enumerate() {
                let bad = problems_of(problems, &item.id);
                body.row(row_height, |mut row| {
                    row.col(|ui| {
                        let edit = ui.add({
                            let width = theme::fitted_width(ui, &item.id, "", 40.0);
                            egui::TextEdit::singleline(&mut item.id).desired_width(width)
                        });
                        changed |= edit.changed();
                    });
                    row.col(|ui| {
                        changed |= ui
                            .add(egui::TextEdit::singleline(&mut item.text).desired_width(f32::INFINITY))
                            .changed();
                        if !bad.is_empty() {
                            let text = bad.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("；");
                            ui.label(RichText::new("！").color(palette.veto)).on_hover_text(text);
                        }
                    });
                    row.col(|ui| {
                        changed |= ui
                            .add(egui::DragValue::new(&mut item.points).range(0.0..=1000.0).speed(0.5))
                            .changed();
                    });
                    row.col(|ui| {
                        let mut mode = item.deduction.code();
                        egui::ComboBox::from_id_salt(("mode", index, i))
                            .width(88.0)
                            .selected_text(mode_label(mode))
                            .show_ui(ui, |ui| {
                                for m in ["fixed", "per_occurrence", "range"] {
                                    ui.selectable_value(&mut mode, m, mode_label(m));
                                }
                            });
                        if mode != item.deduction.code() {
                            item.deduction = match mode {
                                "per_occurrence" => Deduction::PerOccurrence {
                                    points: 1.0_f64.min(item.points),
                                },
                                "range" => Deduction::Range {
                                    min: 1.0_f64.min(item.points),
                                    max: item.points,
                                },
                                _ => Deduction::Fixed { points: item.points },
                            };
                            changed = true;
                        }
                    });
                    row.col(|ui| {
                        changed |= deduction_fields(ui, item);
                    });
                    row.col(|ui| {
                        changed |= ui
                            .add(egui::TextEdit::singleline(&mut item.basis).desired_width(f32::INFINITY))
                            .changed();
                    });
                    row.col(|ui| {
                        if ui.small_button("删除").on_hover_text("删除此项").clicked() {
                            remove = Some(i);
                        }
                    });
                });
            }
        });
    if let Some(i) = remove {
        section.items.remove(i);
        changed = true;
    }
    if ui.small_button("添加评查项").clicked() {
        section.items.push(Item {
            id: format!("{}.{}", section.id.trim_start_matches('S'), section.items.len() + 1),
            text: String::new(),
            points: 1.0,
            deduction: Deduction::Fixed { points: 1.0 },
            floor_at_zero: true,
            kinds: Vec::new(),
            basis: String::new(),
            rules: Vec::new(),
            findings: Vec::new(),
        });
        changed = true;
    }
    changed
}

fn deduction_fields(ui: &mut egui::Ui, item: &mut Item) -> bool {
    match &mut item.deduction {
        Deduction::Fixed { points } | Deduction::PerOccurrence { points } => ui
            .add(egui::DragValue::new(points).range(0.0..=1000.0).speed(0.5))
            .changed(),
        Deduction::Range { min, max } => {
            let a = ui
                .add(egui::DragValue::new(min).range(0.0..=1000.0).speed(0.5))
                .changed();
            ui.label("–");
            let b = ui
                .add(egui::DragValue::new(max).range(0.0..=1000.0).speed(0.5))
                .changed();
            a || b
        }
    }
}

fn mode_label(code: &str) -> &'static str {
    match code {
        "per_occurrence" => "每处扣分",
        "range" => "视情况扣分",
        _ => "扣定额",
    }
}
