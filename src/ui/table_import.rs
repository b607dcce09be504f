//! The window that turns a province's 评查标准 table (Excel) into a checklist draft: the sheet,
//! the header row and which column holds what (detected, changeable), the checklist's id,
//! name and scope, a preview of how every row reads, and the problems naming row and column.
//! The draft then opens in the checklist editor for review; nothing is saved here.

use std::path::PathBuf;
use std::sync::Arc;

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use super::theme;
use crate::domain::{AppliesTo, CaseKind, Checklist, CodeEnum, Procedure, fmt_points};
use crate::scoring::table::{
    Field, Mapping, RowKind, Table, TableMeta, TableReading, column_name, detect_mapping, guess_applies, id_from_name,
    read_table, title_of,
};

/// Most rows the preview lists.
const PREVIEW_ROWS: usize = 400;

/// The dialog's state.
#[derive(Default)]
pub struct TableImport {
    /// Whether the window is shown.
    pub open: bool,
    path: PathBuf,
    tables: Arc<Vec<Table>>,
    sheet: usize,
    mapping: Mapping,
    id: String,
    name: String,
    applies: AppliesTo,
    reading: Option<TableReading>,
}

impl TableImport {
    /// A workbook was read: pick the first sheet whose header is recognised and fill in the
    /// defaults from the title and file name.
    pub fn show(&mut self, path: PathBuf, tables: Arc<Vec<Table>>) {
        let sheet = tables.iter().position(|t| detect_mapping(t).is_some()).unwrap_or(0);
        self.path = path;
        self.tables = tables;
        self.id = id_from_name(&self.stem());
        self.open = true;
        self.select_sheet(sheet);
    }

    fn stem(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default()
    }

    fn select_sheet(&mut self, sheet: usize) {
        self.sheet = sheet;
        let Some(table) = self.tables.get(sheet) else { return };
        self.mapping = detect_mapping(table).unwrap_or_default();
        let title = title_of(table, &self.mapping).unwrap_or_else(|| self.stem());
        self.applies = guess_applies(&title);
        self.name = title;
        self.reread();
    }

    fn reread(&mut self) {
        let Some(table) = self.tables.get(self.sheet) else {
            self.reading = None;
            return;
        };
        let meta = TableMeta {
            id: self.id.clone(),
            name: self.name.clone(),
            applies_to: self.applies.clone(),
            source: self
                .path
                .file_name()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default(),
        };
        self.reading = (self.mapping.header_row > 0).then(|| read_table(table, &self.mapping, &meta));
    }

    /// Draws the window; returns the checklist draft when the user opens it in the editor.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<Checklist> {
        if !self.open {
            return None;
        }
        let palette = theme::palette(ctx.global_style().visuals.dark_mode);
        let mut open = true;
        let mut accepted = None;
        let mut changed = false;
        let screen = ctx.content_rect();
        egui::Window::new("导入评查标准表格")
            .open(&mut open)
            .default_size([1040.0, 640.0])
            .default_pos(screen.min + egui::vec2(20.0, 50.0))
            .max_height((screen.height() - 90.0).max(300.0))
            .max_width((screen.width() - 40.0).max(400.0))
            .show(ctx, |ui| {
                ui.label(format!("文件：{}", self.path.display()));
                changed |= self.source_controls(ui);
                changed |= self.meta_controls(ui);
                ui.separator();
                self.summary(ui, palette);
                ui.horizontal(|ui| {
                    let ready = self.reading.as_ref().is_some_and(|r| r.problems.is_empty());
                    if ui
                        .add_enabled(ready, egui::Button::new("在编辑器中打开"))
                        .on_hover_text("在评查标准编辑器中核对、补充自动检查关联，再保存为新版本")
                        .clicked()
                    {
                        accepted = self.reading.as_ref().map(|r| r.checklist.clone());
                    }
                    if ui.button("取消").clicked() {
                        self.open = false;
                    }
                });
                ui.separator();
                self.preview(ui, palette);
            });
        if changed {
            self.reread();
        }
        if !open || accepted.is_some() {
            self.open = false;
        }
        accepted
    }

    /// Sheet, header row and the column of each field.
    fn source_controls(&mut self, ui: &mut egui::Ui) -> bool {
        let mut changed = false;
        let width = self.tables.get(self.sheet).map_or(0, Table::width);
        ui.horizontal(|ui| {
            ui.label("工作表");
            let current = self.tables.get(self.sheet).map_or("", |t| t.sheet.as_str()).to_string();
            let mut pick = None;
            egui::ComboBox::from_id_salt("table-sheet")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for (i, t) in self.tables.iter().enumerate() {
                        if ui.selectable_label(i == self.sheet, &t.sheet).clicked() {
                            pick = Some(i);
                        }
                    }
                });
            if let Some(i) = pick {
                self.select_sheet(i);
                changed = true;
            }
            ui.label("表头在第");
            changed |= ui
                .add(egui::DragValue::new(&mut self.mapping.header_row).range(0..=100_000))
                .changed();
            ui.label("行");
        });
        let headers: Vec<String> = self
            .tables
            .get(self.sheet)
            .and_then(|t| t.rows.iter().find(|r| r.row == self.mapping.header_row))
            .map(|r| r.cells.clone())
            .unwrap_or_default();
        ui.horizontal_wrapped(|ui| {
            for field in Field::ALL {
                let name = |column: Option<usize>| match column {
                    None => "—（无）".to_string(),
                    Some(c) => match headers.get(c).filter(|h| !h.is_empty()) {
                        Some(h) => format!("{} {h}", column_name(c)),
                        None => column_name(c),
                    },
                };
                let current = self.mapping.column(field);
                let label = if field.required() {
                    format!("{}*", field.label())
                } else {
                    field.label().to_string()
                };
                let label = ui.label(label);
                let mut pick: Option<Option<usize>> = None;
                egui::ComboBox::from_id_salt(("table-column", field))
                    .selected_text(name(current))
                    .width(110.0)
                    .show_ui(ui, |ui| {
                        if ui.selectable_label(current.is_none(), name(None)).clicked() {
                            pick = Some(None);
                        }
                        for c in 0..width.max(headers.len()) {
                            if ui.selectable_label(current == Some(c), name(Some(c))).clicked() {
                                pick = Some(Some(c));
                            }
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if let Some(pick) = pick {
                    match pick {
                        Some(c) => self.mapping.columns.insert(field, c),
                        None => self.mapping.columns.remove(&field),
                    };
                    changed = true;
                }
            }
        });
        changed
    }

    /// Id, name and scope of the checklist.
    fn meta_controls(&mut self, ui: &mut egui::Ui) -> bool {
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("编号");
            changed |= ui
                .add(egui::TextEdit::singleline(&mut self.id).desired_width(160.0))
                .labelled_by(label.id)
                .on_hover_text("与项目中已有评查标准编号相同时，保存为它的新版本")
                .changed();
            let label = ui.label("名称");
            changed |= ui
                .add(egui::TextEdit::singleline(&mut self.name).desired_width(360.0))
                .labelled_by(label.id)
                .changed();
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("适用于（不选为全部）");
            for kind in CaseKind::ALL {
                let mut on = self.applies.kinds.contains(kind);
                if ui.checkbox(&mut on, kind.label()).changed() {
                    toggle(&mut self.applies.kinds, *kind, on);
                    changed = true;
                }
            }
            ui.separator();
            ui.label("程序（不选为全部）");
            for procedure in Procedure::ALL {
                let mut on = self.applies.procedures.contains(procedure);
                if ui.checkbox(&mut on, procedure.label()).changed() {
                    toggle(&mut self.applies.procedures, *procedure, on);
                    changed = true;
                }
            }
        });
        changed
    }

    /// Counts, problems and notes.
    fn summary(&self, ui: &mut egui::Ui, palette: theme::Palette) {
        let Some(reading) = &self.reading else {
            ui.label(
                RichText::new("没有识别出表头：请填写表头所在行，并为“评查内容”“分值”选择列。").color(palette.veto),
            );
            return;
        };
        let c = &reading.checklist;
        let items: usize = c.sections.iter().map(|s| s.items.len()).sum();
        ui.label(format!(
            "读出：否决项 {} 项，{} 个部分，评查项 {} 项，满分 {} 分",
            c.veto_items.len(),
            c.sections.len(),
            items,
            fmt_points(c.total_points)
        ));
        if reading.problems.is_empty() {
            ui.label(RichText::new("校验通过，可在编辑器中打开").color(palette.pass));
        } else {
            ui.label(
                RichText::new(format!("{} 处问题，修正表格或列对应后才能打开", reading.problems.len()))
                    .color(palette.veto),
            );
        }
        egui::ScrollArea::vertical()
            .id_salt("table-problems")
            .max_height(110.0)
            .show(ui, |ui| {
                for p in &reading.problems {
                    ui.label(RichText::new(p.to_string()).small().color(palette.veto));
                }
                for n in &reading.notes {
                    ui.label(RichText::new(format!("提示：{n}")).small().weak());
                }
            });
    }

    /// How each row reads, with the mapped cells.
    fn preview(&self, ui: &mut egui::Ui, palette: theme::Palette) {
        let (Some(table), Some(reading)) = (self.tables.get(self.sheet), &self.reading) else {
            return;
        };
        let fields: Vec<(Field, usize)> = Field::ALL
            .into_iter()
            .filter_map(|f| self.mapping.column(f).map(|c| (f, c)))
            .collect();
        let bad: std::collections::HashSet<usize> = reading.problems.iter().filter_map(|p| p.row).collect();
        let rows: Vec<(usize, &RowKind)> = reading.rows.iter().map(|(r, k)| (*r, k)).take(PREVIEW_ROWS).collect();
        // To the screen's bottom edge at most, however tall the sheet.
        let bottom = ui.ctx().content_rect().bottom() - 40.0;
        let height = (bottom - ui.cursor().top()).min(ui.available_height()).max(120.0);
        let mut builder = TableBuilder::new(ui)
            .id_salt("table-preview")
            .striped(true)
            .auto_shrink([false, false])
            .max_scroll_height(height)
            .column(Column::exact(40.0))
            .column(Column::exact(150.0));
        for (field, _) in &fields {
            builder = builder.column(match field {
                Field::Content | Field::Rule | Field::Veto | Field::Basis => {
                    Column::remainder().at_least(80.0).clip(true)
                }
                _ => Column::auto().at_most(120.0).clip(true),
            });
        }
        builder
            .header(20.0, |mut header| {
                header.col(|ui| {
                    ui.strong("行");
                });
                header.col(|ui| {
                    ui.strong("读作");
                });
                for (field, column) in &fields {
                    header.col(|ui| {
                        ui.strong(format!("{} {}", column_name(*column), field.label()));
                    });
                }
            })
            .body(|body| {
                body.rows(20.0, rows.len(), |mut row| {
                    let (number, kind) = rows[row.index()];
                    let cells = table.rows.iter().find(|r| r.row == number);
                    row.col(|ui| {
                        ui.label(number.to_string());
                    });
                    row.col(|ui| {
                        let text = RichText::new(kind.describe());
                        ui.label(if bad.contains(&number) || *kind == RowKind::Invalid {
                            text.color(palette.veto)
                        } else {
                            text
                        });
                    });
                    for (_, column) in &fields {
                        row.col(|ui| {
                            let text = cells.and_then(|r| r.cells.get(*column)).map_or("", |s| s.as_str());
                            ui.label(text).on_hover_text(text);
                        });
                    }
                });
            });
    }
}

/// Adds or removes `value`, keeping the list in the codes' order.
fn toggle<T: Ord>(list: &mut Vec<T>, value: T, on: bool) {
    if on && !list.contains(&value) {
        list.push(value);
        list.sort();
    } else if !on {
        list.retain(|v| *v != value);
    }
}
