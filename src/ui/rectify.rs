//! The 整改跟踪 window: issue a unit's notice for tracking, the tracked problems with their
//! status (overdue in red), one problem's history, and the forms that record the unit's
//! answer and the organiser's verification; the 整改情况汇总表 as a PDF. Everything is done
//! by the backend (`service::rectify`); this draws and collects input.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use egui::RichText;
use egui_extras::{Column, TableBuilder};

use super::path_field::{PathField, Pick};
use super::theme;
use crate::domain::CodeEnum;
use crate::domain::rectification::{Outcome, RectifyItem, Status, UnitSummary, summarise};
use crate::service::protocol::{RectifyRequest, Request};

/// The window's state.
#[derive(Default)]
pub struct RectifyWindow {
    /// Whether it is shown.
    pub open: bool,
    /// A request is running.
    pub busy: bool,
    items: Arc<Vec<RectifyItem>>,
    today: Option<NaiveDate>,
    unit_filter: Option<String>,
    status_filter: Option<Status>,
    overdue_only: bool,
    selected: Option<i64>,
    /// Per problem, whether the verification form is shown (else the answer form).
    verifying: std::collections::HashMap<i64, bool>,
    issue: IssueForm,
    answer: AnswerForm,
    verify: VerifyForm,
    summary_path: PathField,
}

#[derive(Default)]
struct IssueForm {
    unit: String,
    campaign: Option<String>,
    date: String,
    due: String,
    number: String,
    path: PathField,
}

#[derive(Default)]
struct AnswerForm {
    date: String,
    text: String,
    file: PathField,
    files: Vec<PathBuf>,
}

struct VerifyForm {
    outcome: Outcome,
    reason: String,
    date: String,
    new_due: String,
}

impl Default for VerifyForm {
    fn default() -> Self {
        Self {
            outcome: Outcome::Done,
            reason: String::new(),
            date: String::new(),
            new_due: String::new(),
        }
    }
}

/// `2024-05-06`, or `None` for an empty field; an error names the field.
fn day(text: &str, what: &str) -> Result<Option<NaiveDate>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    crate::domain::parse_iso_date(text)
        .map(Some)
        .ok_or_else(|| format!("{what}“{text}”不是日期（应写作 2024-05-06）"))
}

impl RectifyWindow {
    /// New data from the backend.
    pub fn set_items(&mut self, items: Arc<Vec<RectifyItem>>, today: NaiveDate) {
        self.items = items;
        self.today = Some(today);
        self.busy = false;
    }

    /// Problems past their due date on the day last read (for the status bar).
    pub fn overdue_count(&self) -> usize {
        self.today
            .map_or(0, |t| self.items.iter().filter(|i| i.overdue(t)).count())
    }

    /// Draws the window; returns backend requests, or an error message for the user.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        units: &[String],
        campaigns: &[String],
    ) -> (Vec<Request>, Option<String>) {
        let mut requests = Vec::new();
        let mut error = None;
        if !self.open {
            return (requests, error);
        }
        for field in [&mut self.issue.path, &mut self.answer.file, &mut self.summary_path] {
            if let Some(message) = field.poll() {
                error = Some(message.to_string());
            }
        }
        let palette = theme::palette(ctx.global_style().visuals.dark_mode);
        let mut open = true;
        let screen = ctx.content_rect();
        egui::Window::new("整改跟踪")
            .open(&mut open)
            .default_size([1100.0, 640.0])
            .max_height((screen.height() - 90.0).max(300.0))
            .show(ctx, |ui| {
                egui::CollapsingHeader::new("印发整改通知并跟踪")
                    .default_open(self.items.is_empty())
                    .show(ui, |ui| {
                        if let Some(r) = self.issue_form(ui, units, campaigns, &mut error) {
                            requests.push(r);
                        }
                    });
                ui.separator();
                self.unit_summary(ui, palette);
                self.filters(ui);
                ui.separator();
                let rows = self.visible_rows();
                // The list and the details share what the window has left above the 汇总表 row.
                let body_height = (ui.available_height() - 48.0).max(140.0);
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width((ui.available_width() * 0.55).max(420.0));
                        self.table(ui, &rows, palette, body_height);
                    });
                    ui.separator();
                    ui.vertical(|ui| {
                        if let Some(r) = self.details(ui, palette, &mut error, body_height) {
                            requests.push(r);
                        }
                    });
                });
                ui.separator();
                ui.horizontal(|ui| {
                    self.summary_path
                        .ui(ui, "汇总表 PDF", "整改情况汇总表.pdf", &[("选择…", Pick::Save)]);
                    let ready = self.summary_path.path().is_some() && !self.busy && !self.items.is_empty();
                    if ui.add_enabled(ready, egui::Button::new("生成汇总表")).clicked()
                        && let (Some(path), Some(today)) = (self.summary_path.path(), self.today)
                    {
                        requests.push(Request::Rectify(RectifyRequest::Summary { today, path }));
                    }
                });
            });
        if !open {
            self.open = false;
        }
        if !requests.is_empty() {
            self.busy = true;
        }
        (requests, error)
    }

    fn issue_form(
        &mut self,
        ui: &mut egui::Ui,
        units: &[String],
        campaigns: &[String],
        error: &mut Option<String>,
    ) -> Option<Request> {
        let f = &mut self.issue;
        ui.horizontal_wrapped(|ui| {
            let unit_label = ui.label("承办单位");
            egui::ComboBox::from_id_salt("rectify-unit")
                .selected_text(if f.unit.is_empty() {
                    "（选择）"
                } else {
                    f.unit.as_str()
                })
                .show_ui(ui, |ui| {
                    for u in units.iter().filter(|u| !u.is_empty()) {
                        ui.selectable_value(&mut f.unit, u.clone(), u);
                    }
                })
                .response
                .labelled_by(unit_label.id);
            let campaign_label = ui.label("评查活动");
            egui::ComboBox::from_id_salt("rectify-campaign")
                .selected_text(f.campaign.as_deref().unwrap_or("（不限，全部已评分案卷）"))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut f.campaign, None, "（不限，全部已评分案卷）");
                    for c in campaigns {
                        ui.selectable_value(&mut f.campaign, Some(c.clone()), c);
                    }
                })
                .response
                .labelled_by(campaign_label.id);
        });
        ui.horizontal_wrapped(|ui| {
            for (label, text, hint) in [
                ("通知日期", &mut f.date, "今天"),
                ("整改期限", &mut f.due, "通知日期后30日"),
                ("文号", &mut f.number, "按项目文号格式编号"),
            ] {
                let l = ui.label(label);
                ui.add(egui::TextEdit::singleline(text).hint_text(hint).desired_width(130.0))
                    .labelled_by(l.id);
            }
        });
        f.path.ui(ui, "保存到", "整改通知书.pdf", &[("选择…", Pick::Save)]);
        let ready = !f.unit.is_empty() && f.path.path().is_some() && !self.busy;
        let clicked = ui
            .add_enabled(ready, egui::Button::new("印发并登记跟踪"))
            .on_hover_text("生成整改通知书，并把其中每个问题登记为整改跟踪项；同一单位在同一评查活动中只印发一次")
            .clicked();
        if !clicked {
            return None;
        }
        let dates = day(&f.date, "通知日期").and_then(|d| day(&f.due, "整改期限").map(|due| (d, due)));
        match (dates, f.path.path()) {
            (Ok((date, due)), Some(path)) => Some(Request::Rectify(RectifyRequest::Issue {
                unit: f.unit.clone(),
                campaign: f.campaign.clone(),
                date,
                due,
                number: f.number.trim().to_string(),
                path: with_pdf_extension(path),
            })),
            (Err(e), _) => {
                *error = Some(e);
                None
            }
            (_, None) => None,
        }
    }

    fn filters(&mut self, ui: &mut egui::Ui) {
        let mut units: Vec<&str> = self.items.iter().map(|i| i.unit.as_str()).collect();
        units.sort_unstable();
        units.dedup();
        let units: Vec<String> = units.into_iter().map(str::to_string).collect();
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_id_salt("rectify-unit-filter")
                .selected_text(self.unit_filter.as_deref().unwrap_or("全部单位"))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.unit_filter, None, "全部单位");
                    for u in &units {
                        ui.selectable_value(&mut self.unit_filter, Some(u.clone()), u);
                    }
                });
            egui::ComboBox::from_id_salt("rectify-status-filter")
                .selected_text(self.status_filter.map_or("全部状态", |s| s.label()))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.status_filter, None, "全部状态");
                    for s in Status::ALL {
                        ui.selectable_value(&mut self.status_filter, Some(*s), s.label());
                    }
                });
            ui.checkbox(&mut self.overdue_only, "只看逾期");
            if let Some(today) = self.today {
                let (_, total) = summarise(&self.items, today);
                ui.label(format!(
                    "截至 {today}：共 {} 个问题，已销号 {}，部分整改 {}，未完成 {}，逾期 {}",
                    total.problems, total.closed, total.partial, total.open, total.overdue
                ));
            }
        });
    }

    /// 整改情况汇总表 in the window: per unit, problems, closed, partial, open, overdue.
    fn unit_summary(&self, ui: &mut egui::Ui, palette: theme::Palette) {
        let Some(today) = self.today else { return };
        if self.items.is_empty() {
            return;
        }
        let (units, total) = summarise(&self.items, today);
        egui::CollapsingHeader::new("整改情况汇总（按单位）")
            .default_open(false)
            .show(ui, |ui| {
                egui::Grid::new("rectify-summary").striped(true).show(ui, |ui| {
                    for title in UnitSummary::HEADERS {
                        ui.strong(title);
                    }
                    ui.end_row();
                    for s in units.iter().chain(std::iter::once(&total)) {
                        for (column, cell) in s.cells().into_iter().enumerate() {
                            // 其中逾期, in red when there are any.
                            let text = RichText::new(cell);
                            ui.label(if column == 5 && s.overdue > 0 {
                                text.color(palette.veto)
                            } else {
                                text
                            });
                        }
                        ui.end_row();
                    }
                });
            });
    }

    /// The problems the filters leave, in their stored order.
    fn visible_rows(&self) -> Vec<usize> {
        let today = self.today;
        self.items
            .iter()
            .enumerate()
            .filter(|(_, i)| self.unit_filter.as_deref().is_none_or(|u| i.unit == u))
            .filter(|(_, i)| self.status_filter.is_none_or(|s| i.status() == s))
            .filter(|(_, i)| !self.overdue_only || today.is_some_and(|t| i.overdue(t)))
            .map(|(n, _)| n)
            .collect()
    }

    fn table(&mut self, ui: &mut egui::Ui, rows: &[usize], palette: theme::Palette, height: f32) {
        if self.items.is_empty() {
            ui.label("尚未登记整改通知。在上方选择承办单位，印发整改通知书后，其中的问题在此跟踪到销号。");
            return;
        }
        let items = Arc::clone(&self.items);
        let today = self.today;
        TableBuilder::new(ui)
            .id_salt("rectify-table")
            .striped(true)
            .sense(egui::Sense::click())
            .max_scroll_height(height - 24.0)
            .column(Column::auto().at_most(130.0).clip(true))
            .column(Column::auto().at_least(150.0).clip(true))
            .column(Column::remainder().at_least(120.0).clip(true))
            .column(Column::auto().at_least(80.0))
            .column(Column::auto().at_least(130.0))
            .header(20.0, |mut h| {
                for title in ["单位", "案号", "问题", "期限", "状态"] {
                    h.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, rows.len(), |mut row| {
                    let item = &items[rows[row.index()]];
                    let overdue = today.is_some_and(|t| item.overdue(t));
                    row.set_selected(self.selected == Some(item.id));
                    row.col(|ui| {
                        ui.label(&item.unit);
                    });
                    row.col(|ui| {
                        ui.label(&item.case_number);
                    });
                    row.col(|ui| {
                        ui.label(&item.problem).on_hover_text(&item.item);
                    });
                    row.col(|ui| {
                        let text = RichText::new(item.due().to_string());
                        ui.label(if overdue { text.color(palette.veto) } else { text });
                    });
                    row.col(|ui| {
                        let label = if overdue {
                            RichText::new(format!("{}（逾期）", item.status().label())).color(palette.veto)
                        } else if item.status() == Status::Closed {
                            RichText::new(item.status().label()).color(palette.pass)
                        } else {
                            RichText::new(item.status().label())
                        };
                        if ui.selectable_label(self.selected == Some(item.id), label).clicked() {
                            self.selected = Some(item.id);
                        }
                    });
                    if row.response().clicked() {
                        self.selected = Some(item.id);
                    }
                });
            });
    }

    fn details(
        &mut self,
        ui: &mut egui::Ui,
        palette: theme::Palette,
        error: &mut Option<String>,
        height: f32,
    ) -> Option<Request> {
        let Some(item) = self
            .selected
            .and_then(|id| self.items.iter().find(|i| i.id == id))
            .cloned()
        else {
            ui.label("在左侧选择一个问题，登记单位的整改回复或核查结果。");
            return None;
        };
        egui::ScrollArea::vertical()
            .id_salt("rectify-details")
            .max_height(height)
            .show(ui, |ui| {
                ui.label(RichText::new(format!("{} · {}", item.notice_number, item.case_number)).strong());
                ui.label(format!("评查项：{}", item.item));
                ui.label(format!("问题：{}", item.problem));
                if !item.advice.is_empty() {
                    ui.label(RichText::new(format!("整改建议：{}", item.advice)).small());
                }
                ui.label(format!("整改期限：{}　状态：{}", item.due(), item.status().label()));
                for a in &item.answers {
                    let files: Vec<&str> = a.files.iter().map(|f| f.name.as_str()).collect();
                    ui.label(
                        RichText::new(format!(
                            "{} 单位回复：{}{}（{} 登记）",
                            a.date,
                            a.text,
                            if files.is_empty() {
                                String::new()
                            } else {
                                format!("；附件：{}", files.join("、"))
                            },
                            a.recorded_by
                        ))
                        .small(),
                    );
                }
                for v in &item.verifications {
                    ui.label(
                        RichText::new(format!(
                            "{} 核查：{}。{}{}（{}）",
                            v.date,
                            v.outcome.label(),
                            v.reason,
                            v.new_due.map(|d| format!("；限 {d} 前完成")).unwrap_or_default(),
                            v.recorded_by
                        ))
                        .small()
                        .color(if v.outcome == Outcome::Done {
                            palette.pass
                        } else {
                            palette.weak_text
                        }),
                    );
                }
                if item.status() == Status::Closed {
                    ui.label(RichText::new("已整改销号，不再登记。").color(palette.pass));
                    return None;
                }
                ui.separator();
                // One form at a time: the answer until there is one, then the verification.
                let verifying = self
                    .verifying
                    .get(&item.id)
                    .copied()
                    .unwrap_or(!item.answers.is_empty());
                let mut choice = verifying;
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut choice, false, RichText::new("单位整改回复").strong());
                    ui.selectable_value(&mut choice, true, RichText::new("整改核查").strong());
                });
                if choice != verifying {
                    self.verifying.insert(item.id, choice);
                }
                if choice {
                    self.verify_form(ui, item.id, error)
                } else {
                    self.answer_form(ui, item.id, error)
                }
            })
            .inner
    }

    fn answer_form(&mut self, ui: &mut egui::Ui, item: i64, error: &mut Option<String>) -> Option<Request> {
        let f = &mut self.answer;
        ui.horizontal(|ui| {
            let l = ui.label("回复日期");
            ui.add(
                egui::TextEdit::singleline(&mut f.date)
                    .hint_text("2024-06-01")
                    .desired_width(110.0),
            )
            .labelled_by(l.id);
        });
        let l = ui.label("回复内容");
        ui.add(
            egui::TextEdit::multiline(&mut f.text)
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
        f.file.ui(ui, "附件", "整改报告、照片等", &[("选择…", Pick::File)]);
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(f.file.path().is_some(), egui::Button::new("添加附件"))
                .clicked()
                && let Some(path) = f.file.path()
            {
                f.files.push(path);
                f.file.text.clear();
            }
            let mut remove = None;
            for (i, file) in f.files.iter().enumerate() {
                let name = file
                    .file_name()
                    .map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
                if ui.small_button(format!("{name} ✕")).on_hover_text("移除").clicked() {
                    remove = Some(i);
                }
            }
            if let Some(i) = remove {
                f.files.remove(i);
            }
        });
        let ready = !f.date.trim().is_empty() && (!f.text.trim().is_empty() || !f.files.is_empty()) && !self.busy;
        if !ui.add_enabled(ready, egui::Button::new("登记回复")).clicked() {
            return None;
        }
        match day(&f.date, "回复日期") {
            Ok(Some(date)) => {
                let request = Request::Rectify(RectifyRequest::Answer {
                    item,
                    date,
                    text: f.text.trim().to_string(),
                    files: std::mem::take(&mut f.files),
                });
                f.text.clear();
                Some(request)
            }
            Ok(None) => None,
            Err(e) => {
                *error = Some(e);
                None
            }
        }
    }

    fn verify_form(&mut self, ui: &mut egui::Ui, item: i64, error: &mut Option<String>) -> Option<Request> {
        let f = &mut self.verify;
        ui.horizontal(|ui| {
            for o in Outcome::ALL {
                ui.radio_value(&mut f.outcome, *o, o.label());
            }
        });
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("核查日期");
            ui.add(
                egui::TextEdit::singleline(&mut f.date)
                    .hint_text("2024-06-28")
                    .desired_width(110.0),
            )
            .labelled_by(l.id);
            if f.outcome != Outcome::Done {
                let l = ui.label("新的整改期限");
                ui.add(
                    egui::TextEdit::singleline(&mut f.new_due)
                        .hint_text("可不填")
                        .desired_width(110.0),
                )
                .labelled_by(l.id);
            }
        });
        let l = ui.label("核查理由");
        ui.add(
            egui::TextEdit::multiline(&mut f.reason)
                .hint_text("核查了什么、看到什么")
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
        let ready = !f.date.trim().is_empty() && !f.reason.trim().is_empty() && !self.busy;
        if !ui.add_enabled(ready, egui::Button::new("登记核查结果")).clicked() {
            return None;
        }
        let dates = day(&f.date, "核查日期").and_then(|d| day(&f.new_due, "新的整改期限").map(|n| (d, n)));
        match dates {
            Ok((Some(date), new_due)) => {
                let request = Request::Rectify(RectifyRequest::Verify {
                    item,
                    outcome: f.outcome,
                    reason: f.reason.trim().to_string(),
                    date,
                    new_due: if f.outcome == Outcome::Done { None } else { new_due },
                });
                f.reason.clear();
                f.new_due.clear();
                Some(request)
            }
            Ok((None, _)) => None,
            Err(e) => {
                *error = Some(e);
                None
            }
        }
    }
}

fn with_pdf_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_none() {
        path.with_extension("pdf")
    } else {
        path
    }
}
