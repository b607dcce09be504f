//! The case list (案卷列表): its filters, sorting and full-text search box, and the table.
//! A component: the app feeds it the service's answers (`set_*`), it draws and returns
//! [`ListIntent`]s; which rows show is the pure [`visible_rows`].
//!
//! Owns: the list's rows, filters, sort, search text and hits, finding counts and review
//! states. Must not touch: the service (it asks through intents), the case view.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use super::theme::{self, Palette};
use crate::domain::{CaseKind, CaseOrigin, CodeEnum, ReviewState};
use crate::service::protocol::FindingCount;
use crate::store::{CaseId, CaseRow, SearchSummary};

/// A column of the list, also what it sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    /// 案号 (the store's natural order).
    Number,
    /// 案件名称.
    Title,
    /// 单位.
    Unit,
    /// 类型/程序.
    Kind,
    /// 决定日期.
    Decision,
    /// 文书数.
    Documents,
    /// 导入.
    Origin,
    /// 评查状态.
    Review,
    /// 问题 (open findings, then notices).
    Findings,
}

impl SortColumn {
    /// The column's header.
    pub fn header(self) -> &'static str {
        match self {
            Self::Number => "案号",
            Self::Title => "案件名称",
            Self::Unit => "单位",
            Self::Kind => "类型/程序",
            Self::Decision => "决定日期",
            Self::Documents => "文书数",
            Self::Origin => "导入",
            Self::Review => "评查状态",
            Self::Findings => "问题",
        }
    }
}

/// The list's filters (none set: every case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// 单位.
    pub unit: Option<String>,
    /// 案件类型.
    pub kind: Option<CaseKind>,
    /// 年度 (decision, else filing year).
    pub year: Option<i32>,
    /// 导入状态.
    pub status: Option<CaseOrigin>,
    /// 评查状态.
    pub review: Option<ReviewState>,
    /// Only cases with open deductions or vetoes.
    pub only_with_findings: bool,
}

impl ListFilter {
    /// Whether any filter is set.
    pub fn is_active(&self) -> bool {
        *self != Self::default()
    }
}

/// What the list asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListIntent {
    /// Show this case.
    Select(CaseId),
    /// Ask the service which cases match (a new search text).
    Search(String),
}

/// What [`visible_rows`] reads besides the rows.
pub struct RowContext<'a> {
    /// The search's matching case ids, when a search is active.
    pub hits: Option<&'a HashSet<CaseId>>,
    /// Finding counts by case id.
    pub counts: &'a HashMap<CaseId, FindingCount>,
    /// Review states by case number (absent: 未评).
    pub states: &'a HashMap<String, ReviewState>,
    /// Units in their natural order (执法一科、二科 … 十二科).
    pub units: &'a [String],
}

/// The indexes of `cases` the list shows, in order: those every filter and the search let
/// through, sorted by `sort` (column, ascending). Pure.
pub fn visible_rows(
    cases: &[CaseRow],
    filter: &ListFilter,
    sort: (SortColumn, bool),
    cx: &RowContext<'_>,
) -> Vec<usize> {
    let state = |number: &str| cx.states.get(number).copied().unwrap_or(ReviewState::NotStarted);
    let mut visible: Vec<usize> = cases
        .iter()
        .enumerate()
        .filter(|(_, c)| filter.unit.as_ref().is_none_or(|u| &c.unit == u))
        .filter(|(_, c)| filter.kind.is_none_or(|k| c.kind == k))
        .filter(|(_, c)| filter.year.is_none_or(|y| row_year(c) == Some(y)))
        .filter(|(_, c)| filter.status.is_none_or(|o| c.origin == o))
        .filter(|(_, c)| filter.review.is_none_or(|r| state(&c.number) == r))
        .filter(|(_, c)| !filter.only_with_findings || cx.counts.get(&c.id).is_some_and(|n| n.serious > 0))
        .filter(|(_, c)| cx.hits.is_none_or(|ids| ids.contains(&c.id)))
        .map(|(i, _)| i)
        .collect();
    let (column, ascending) = sort;
    let unit_ranks: HashMap<&str, usize> = cx
        .units
        .iter()
        .enumerate()
        .map(|(rank, u)| (u.as_str(), rank))
        .collect();
    visible.sort_by(|&ia, &ib| {
        let (a, b) = (&cases[ia], &cases[ib]);
        let ord = match column {
            // The store lists cases in natural 案号 order (year, then number as a number).
            SortColumn::Number => ia.cmp(&ib),
            SortColumn::Title => a.title.cmp(&b.title),
            SortColumn::Unit => unit_ranks.get(a.unit.as_str()).cmp(&unit_ranks.get(b.unit.as_str())),
            SortColumn::Kind => (a.kind, a.procedure).cmp(&(b.kind, b.procedure)),
            SortColumn::Decision => a.decision.cmp(&b.decision),
            SortColumn::Documents => a.documents.cmp(&b.documents),
            SortColumn::Origin => a.origin.cmp(&b.origin),
            SortColumn::Review => state(&a.number).cmp(&state(&b.number)),
            SortColumn::Findings => {
                let count = |id| cx.counts.get(&id).map(|n| (n.serious, n.notices));
                count(a.id).cmp(&count(b.id))
            }
        };
        if ascending { ord } else { ord.reverse() }
    });
    visible
}

/// The year a listed case belongs to (decision, else filing).
pub fn row_year(row: &CaseRow) -> Option<i32> {
    use chrono::Datelike;
    row.decision.or(row.filed).map(|d| d.year())
}

/// The 导入 column's word for an origin: how complete the imported case is.
pub fn origin_status(origin: CaseOrigin) -> &'static str {
    match origin {
        CaseOrigin::Package => "已导入",
        CaseOrigin::Scans => "待补录",
        CaseOrigin::Ledger => "仅台账",
    }
}

fn short_kind(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Penalty => "处罚",
        CaseKind::Inspection => "检查",
        CaseKind::Coercion => "强制",
    }
}

/// The case list.
pub struct CaseList {
    cases: Arc<Vec<CaseRow>>,
    visible: Vec<usize>,
    units: Vec<String>,
    years: Vec<i32>,
    /// The filters (the app's 清除筛选 command resets them).
    pub filter: ListFilter,
    sort: (SortColumn, bool),
    search_text: String,
    search_sent: String,
    /// (query, matching case ids, places).
    search_hits: Option<(String, HashSet<CaseId>, usize)>,
    finding_counts: Arc<HashMap<CaseId, FindingCount>>,
    review_states: Arc<HashMap<String, ReviewState>>,
    columns: Vec<(&'static str, f32)>,
    page_rows: usize,
    focus_search: bool,
    scroll_to_selected: bool,
}

impl Default for CaseList {
    fn default() -> Self {
        Self {
            cases: Arc::new(Vec::new()),
            visible: Vec::new(),
            units: Vec::new(),
            years: Vec::new(),
            filter: ListFilter::default(),
            sort: (SortColumn::Number, true),
            search_text: String::new(),
            search_sent: String::new(),
            search_hits: None,
            finding_counts: Arc::new(HashMap::new()),
            review_states: Arc::new(HashMap::new()),
            columns: Vec::new(),
            page_rows: 20,
            focus_search: false,
            scroll_to_selected: false,
        }
    }
}

impl CaseList {
    /// Forgets the project's cases (another project is opening).
    pub fn clear(&mut self) {
        let filter = std::mem::take(&mut self.filter);
        *self = Self {
            filter,
            sort: self.sort,
            ..Self::default()
        };
    }

    /// The project's cases changed: the filters' choices follow, and an active search is
    /// asked again so the list and its count agree with the project.
    pub fn set_cases(&mut self, rows: Arc<Vec<CaseRow>>) -> Option<ListIntent> {
        self.cases = rows;
        let mut units: Vec<String> = self.cases.iter().map(|c| c.unit.clone()).collect();
        units.sort();
        units.dedup();
        units.sort_by_cached_key(|u| crate::domain::natural_key(u));
        self.units = units;
        let mut years: Vec<i32> = self.cases.iter().filter_map(row_year).collect();
        years.sort_unstable();
        years.dedup();
        self.years = years;
        self.refresh();
        (!self.search_sent.is_empty()).then(|| ListIntent::Search(self.search_sent.clone()))
    }

    /// The reviewer's 评查状态 by case number.
    pub fn set_review_states(&mut self, states: Arc<HashMap<String, ReviewState>>) {
        self.review_states = states;
        if self.filter.review.is_some() || self.sort.0 == SortColumn::Review {
            self.refresh();
        }
    }

    /// Every case's finding counts.
    pub fn set_finding_counts(&mut self, counts: Arc<HashMap<CaseId, FindingCount>>) {
        self.finding_counts = counts;
        self.refresh();
    }

    /// One case's finding count.
    pub fn set_finding_count(&mut self, id: CaseId, count: FindingCount) {
        Arc::make_mut(&mut self.finding_counts).insert(id, count);
        self.refresh();
    }

    /// The service's answer to a search (ignored when the text has changed since).
    pub fn set_search_hits(&mut self, query: String, summary: SearchSummary) {
        if query == self.search_sent {
            let ids: HashSet<CaseId> = summary.cases.into_iter().collect();
            self.search_hits = Some((query, ids, summary.places));
            self.refresh();
        }
    }

    /// Clears the filters and the search.
    pub fn clear_filters(&mut self) {
        self.filter = ListFilter::default();
        self.search_text.clear();
        self.search_sent.clear();
        self.search_hits = None;
        self.refresh();
    }

    /// The search box takes the keyboard next frame.
    pub fn focus_search(&mut self) {
        self.focus_search = true;
    }

    /// The selected row is scrolled into view next frame.
    pub fn scroll_to_selected(&mut self) {
        self.scroll_to_selected = true;
    }

    fn refresh(&mut self) {
        let cx = RowContext {
            hits: self.search_hits.as_ref().map(|(_, ids, _)| ids),
            counts: &self.finding_counts,
            states: &self.review_states,
            units: &self.units,
        };
        self.visible = visible_rows(&self.cases, &self.filter, self.sort, &cx);
    }

    /// Every case of the project.
    pub fn cases(&self) -> &[CaseRow] {
        &self.cases
    }

    /// The listed case numbers, in the list's order.
    pub fn visible_numbers(&self) -> Vec<String> {
        self.visible.iter().map(|&i| self.cases[i].number.clone()).collect()
    }

    /// How many cases are listed.
    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    /// The case listed at `position`.
    pub fn id_at(&self, position: usize) -> Option<CaseId> {
        self.visible.get(position).map(|&i| self.cases[i].id)
    }

    /// Where a case is listed.
    pub fn position_of(&self, id: CaseId) -> Option<usize> {
        self.visible.iter().position(|&i| self.cases[i].id == id)
    }

    /// The units the filter offers, in order.
    pub fn units(&self) -> &[String] {
        &self.units
    }

    /// How many rows a page holds (Page Down moves this far).
    pub fn page_rows(&self) -> usize {
        self.page_rows
    }

    /// The columns and their widths as last laid out.
    pub fn columns(&self) -> &[(&'static str, f32)] {
        &self.columns
    }

    /// A case's finding count, once counted.
    pub fn finding_count(&self, id: CaseId) -> Option<FindingCount> {
        self.finding_counts.get(&id).copied()
    }

    /// Whether every case's findings are counted.
    pub fn findings_counted(&self) -> bool {
        !self.cases.is_empty() && self.cases.iter().all(|c| self.finding_counts.contains_key(&c.id))
    }

    /// The reviewer's 评查状态 of a case.
    pub fn review_state(&self, number: &str) -> ReviewState {
        self.review_states
            .get(number)
            .copied()
            .unwrap_or(ReviewState::NotStarted)
    }

    /// The active search's query, when it has been answered.
    pub fn answered_query(&self) -> Option<&str> {
        self.search_hits.as_ref().map(|(q, _, _)| q.as_str())
    }

    /// What the search box shows next to it (for the top bar's width key).
    pub fn search_summary(&self) -> Option<(String, usize, usize)> {
        self.search_hits.as_ref().map(|(q, ids, n)| (q.clone(), ids.len(), *n))
    }

    /// The full-text search box, with its matches counted beside it.
    pub fn search_ui(&mut self, ui: &mut egui::Ui, width: f32) -> Option<ListIntent> {
        let search_label = ui.add(egui::Label::new("全文检索").extend());
        let search = ui
            .add(
                egui::TextEdit::singleline(&mut self.search_text)
                    .hint_text("任意字词（Ctrl+F）")
                    .desired_width(width),
            )
            .labelled_by(search_label.id);
        if self.focus_search {
            search.request_focus();
            self.focus_search = false;
        }
        let mut intent = None;
        let query = self.search_text.trim().to_string();
        if query != self.search_sent {
            self.search_sent = query.clone();
            if query.is_empty() {
                self.search_hits = None;
                self.refresh();
            } else {
                intent = Some(ListIntent::Search(query));
            }
        }
        if let Some((q, ids, n)) = &self.search_hits {
            ui.add(egui::Label::new(RichText::new(format!("“{q}”：{n} 处，{} 件", ids.len())).small()).extend());
        }
        intent
    }

    /// The filters' row, with the count listed.
    pub fn filters_ui(&mut self, ui: &mut egui::Ui) {
        let before = self.filter.clone();
        ui.horizontal_wrapped(|ui| {
            let f = &mut self.filter;
            let units = &self.units;
            combo(
                ui,
                "unit-filter",
                "按承办单位筛选",
                &mut f.unit,
                "全部单位",
                units.iter().cloned(),
                |u| {
                    if u.is_empty() {
                        "（未填写）".to_string()
                    } else {
                        u.clone()
                    }
                },
            );
            combo(
                ui,
                "kind-filter",
                "按案件类型筛选",
                &mut f.kind,
                "全部类型",
                CaseKind::ALL.iter().copied(),
                |k| k.label().to_string(),
            );
            combo(
                ui,
                "year-filter",
                "按年度筛选",
                &mut f.year,
                "全部年度",
                self.years.iter().copied(),
                |y| format!("{y}年"),
            );
            combo(
                ui,
                "status-filter",
                "按导入状态筛选",
                &mut f.status,
                "全部导入状态",
                CaseOrigin::ALL.iter().copied(),
                |o| origin_status(*o).to_string(),
            );
            combo(
                ui,
                "review-filter",
                "按评查状态筛选",
                &mut f.review,
                "全部评查状态",
                ReviewState::ALL.iter().copied(),
                |r| r.label().to_string(),
            );
            ui.checkbox(&mut f.only_with_findings, "只看有问题的")
                .on_hover_text("只列出自动检查有待处理的扣分或否决类问题的案卷");
            if f.is_active() && ui.button("清除筛选").clicked() {
                *f = ListFilter::default();
            }
            ui.label(RichText::new(format!("{} / {} 件", self.visible.len(), self.cases.len())).small());
        });
        if self.filter != before {
            self.refresh();
        }
    }

    /// The columns that fit: 案号 never cut (as wide as the longest number listed), the
    /// others as narrow as their content allows, 名称 taking what is left; a narrow list
    /// leaves out 决定日期, 文书数 and 导入 (still sortable and filterable, and shown in the
    /// case view). Returns the columns and 名称's least width.
    fn layout_columns(&self, ui: &egui::Ui) -> (Vec<(SortColumn, f32)>, f32) {
        use SortColumn as C;
        let body_font = egui::TextStyle::Body.resolve(ui.style());
        let text_width = |text: &str| {
            ui.fonts_mut(|f| {
                f.layout_no_wrap(text.to_string(), body_font.clone(), egui::Color32::WHITE)
                    .size()
                    .x
            })
        };
        // A cell's text, the selectable label's padding and the gap to the next column.
        let pad = ui.spacing().item_spacing.x + ui.spacing().button_padding.x * 2.0 + 2.0;
        // The sort arrow only on the sorted column.
        let sorted = self.sort.0;
        let header_width = |c: C| {
            let arrow = if c == sorted { " ▲" } else { "" };
            text_width(&format!("{}{arrow}", c.header())) + pad
        };
        let longest_number = self
            .visible
            .iter()
            .map(|&i| self.cases[i].number.as_str())
            .max_by_key(|n| n.chars().count())
            .unwrap_or("");
        let number_width = (text_width(longest_number) + pad).max(header_width(C::Number));
        let fixed = |c: C, sample: &str| (text_width(sample) + pad).max(header_width(c));
        let mut columns: Vec<(C, f32)> = vec![
            (C::Number, number_width),
            (C::Title, 0.0),
            (C::Unit, fixed(C::Unit, "执法一科")),
            (C::Review, fixed(C::Review, "评查中")),
            (C::Findings, fixed(C::Findings, "99")),
        ];
        // In this order as the list widens.
        let optional = [
            (C::Kind, fixed(C::Kind, "处罚/普通")),
            (C::Decision, fixed(C::Decision, "2024-12-31")),
            (C::Documents, fixed(C::Documents, "99")),
            (C::Origin, fixed(C::Origin, "待补录")),
        ];
        let title_min = text_width("某公司未按规定") + pad;
        let available = ui.available_width();
        for (column, width) in optional {
            let used: f32 = columns.iter().map(|(_, w)| w).sum::<f32>() + title_min;
            if used + width > available {
                break;
            }
            let at = columns.len() - 2;
            columns.insert(at, (column, width));
        }
        (columns, title_min)
    }

    /// The table; a click on a row (or Enter on its 案号) selects its case, a click on a
    /// header sorts by it (again: the other way).
    pub fn table_ui(&mut self, ui: &mut egui::Ui, selected: Option<CaseId>, palette: Palette) -> Vec<ListIntent> {
        use SortColumn as C;
        let (columns, title_min) = self.layout_columns(ui);
        self.columns = columns.iter().map(|&(c, w)| (c.header(), w)).collect();
        let mut clicked_sort = None;
        let mut intents = Vec::new();
        let row_height = theme::row_height(ui);
        // A page is the rows that fit below the header (Page Down / Page Up move this far).
        self.page_rows = ((ui.available_height() / row_height) as usize).saturating_sub(2).max(1);
        // One remembered set of widths per set of columns.
        let salt = columns.iter().map(|(c, _)| c.header()).collect::<Vec<_>>().join("|");
        let mut table = TableBuilder::new(ui)
            .id_salt(("case-table", salt))
            .striped(true)
            .resizable(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
        for &(column, width) in &columns {
            table = table.column(match column {
                C::Title => Column::remainder().at_least(title_min.min(80.0)).clip(true),
                C::Number => Column::initial(width).at_least(width),
                _ => Column::initial(width).at_least(width * 0.6).clip(true),
            });
        }
        let mut table = table.min_scrolled_height(0.0);
        if std::mem::take(&mut self.scroll_to_selected)
            && let Some(row) = selected.and_then(|id| self.position_of(id))
        {
            table = table.scroll_to_row(row, Some(egui::Align::Center));
        }
        let sort = self.sort;
        table
            .header(row_height, |mut header| {
                for &(column, _) in &columns {
                    header.col(|ui| {
                        let arrow = match (sort.0 == column, sort.1) {
                            (false, _) => "",
                            (true, true) => " ▲",
                            (true, false) => " ▼",
                        };
                        let text = RichText::new(format!("{}{arrow}", column.header())).strong();
                        if ui.add(egui::Button::new(text).frame(false)).clicked() {
                            clicked_sort = Some(column);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, self.visible.len(), |mut row| {
                    let case = &self.cases[self.visible[row.index()]];
                    let is_selected = Some(case.id) == selected;
                    row.set_selected(is_selected);
                    for &(column, _) in &columns {
                        row.col(|ui| {
                            if self.cell_ui(ui, column, case, is_selected, palette) {
                                intents.push(ListIntent::Select(case.id));
                            }
                        });
                    }
                    if row.response().clicked() {
                        intents.push(ListIntent::Select(case.id));
                    }
                });
            });
        if let Some(column) = clicked_sort {
            self.sort = (column, self.sort.0 != column || !self.sort.1);
            self.refresh();
        }
        intents
    }

    /// One cell; returns whether it was clicked to select the case (the 案号).
    fn cell_ui(&self, ui: &mut egui::Ui, column: SortColumn, case: &CaseRow, selected: bool, palette: Palette) -> bool {
        use SortColumn as C;
        match column {
            C::Number => return ui.selectable_label(selected, &case.number).clicked(),
            C::Title => {
                ui.add(egui::Label::new(&case.title).truncate())
                    .on_hover_text(&case.title);
            }
            C::Unit => {
                ui.add(egui::Label::new(&case.unit).truncate())
                    .on_hover_text(&case.unit);
            }
            C::Kind => {
                ui.label(match case.procedure {
                    Some(p) => format!("{}/{}", short_kind(case.kind), p.label()),
                    None => short_kind(case.kind).to_string(),
                });
            }
            C::Decision => {
                ui.label(
                    case.decision
                        .map_or_else(|| "—".into(), |d| d.format("%Y-%m-%d").to_string()),
                );
            }
            C::Documents => {
                ui.label(case.documents.to_string());
            }
            C::Origin => {
                ui.label(origin_status(case.origin));
            }
            C::Review => {
                let state = self.review_state(&case.number);
                let color = match state {
                    ReviewState::NotStarted => palette.weak_text,
                    ReviewState::InProgress => palette.deduction,
                    ReviewState::Done | ReviewState::SignedOff => palette.pass,
                };
                ui.label(RichText::new(state.label()).color(color));
            }
            C::Findings => findings_cell(ui, self.finding_counts.get(&case.id), palette),
        }
        false
    }
}

/// The 问题 cell: … while counting, the open count, or ✓.
fn findings_cell(ui: &mut egui::Ui, count: Option<&FindingCount>, palette: Palette) {
    match count {
        None => {
            ui.label(RichText::new("…").color(palette.weak_text))
                .on_hover_text("正在检查");
        }
        Some(n) if n.serious > 0 => {
            ui.label(RichText::new(n.serious.to_string()).color(palette.deduction).strong())
                .on_hover_text(format!(
                    "待处理的扣分或否决类问题 {} 项（已处理 {} 项），提示 {} 项",
                    n.serious, n.decided, n.notices
                ));
        }
        Some(n) => {
            let hover = if n.decided > 0 {
                format!("自动检查的问题已全部处理（{} 项），提示 {} 项", n.decided, n.notices)
            } else {
                format!("未发现扣分或否决类问题（提示 {} 项）", n.notices)
            };
            ui.label(RichText::new("✓").color(palette.pass)).on_hover_text(hover);
        }
    }
}

/// A filter's drop-down: "all" (`None`) and each choice.
fn combo<T: Clone + PartialEq>(
    ui: &mut egui::Ui,
    id: &str,
    hover: &str,
    value: &mut Option<T>,
    all: &str,
    choices: impl Iterator<Item = T>,
    label: impl Fn(&T) -> String,
) {
    let shown = value.as_ref().map_or_else(|| all.to_string(), &label);
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, all);
            for choice in choices {
                let text = label(&choice);
                ui.selectable_value(value, Some(choice), text);
            }
        })
        .response
        .on_hover_text(hover);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Procedure;

    fn row(id: i64, number: &str, unit: &str, year: i32, kind: CaseKind) -> CaseRow {
        CaseRow {
            id: CaseId(id),
            number: number.into(),
            revision: 1,
            kind,
            procedure: (kind == CaseKind::Penalty).then_some(Procedure::General),
            title: format!("案件{id}"),
            unit: unit.into(),
            party: String::new(),
            filed: chrono::NaiveDate::from_ymd_opt(year, 3, 1),
            decision: chrono::NaiveDate::from_ymd_opt(year, 6, 1),
            documents: id,
            origin: if id % 2 == 0 {
                CaseOrigin::Ledger
            } else {
                CaseOrigin::Package
            },
        }
    }

    fn cases() -> Vec<CaseRow> {
        vec![
            row(1, "罚〔2024〕1号", "执法二科", 2024, CaseKind::Penalty),
            row(2, "罚〔2024〕2号", "执法十科", 2024, CaseKind::Penalty),
            row(3, "查〔2025〕1号", "执法一科", 2025, CaseKind::Inspection),
            row(4, "罚〔2025〕3号", "执法二科", 2025, CaseKind::Penalty),
        ]
    }

    fn numbers(cases: &[CaseRow], rows: &[usize]) -> Vec<String> {
        rows.iter().map(|&i| cases[i].number.clone()).collect()
    }

    #[test]
    fn filters_combine_and_the_search_narrows_further() {
        let cases = cases();
        let units = vec!["执法一科".to_string(), "执法二科".into(), "执法十科".into()];
        let counts = HashMap::from([
            (
                CaseId(1),
                FindingCount {
                    serious: 2,
                    ..FindingCount::default()
                },
            ),
            (CaseId(4), FindingCount::default()),
        ]);
        let states = HashMap::from([("罚〔2025〕3号".to_string(), ReviewState::Done)]);
        let cx = RowContext {
            hits: None,
            counts: &counts,
            states: &states,
            units: &units,
        };
        let sort = (SortColumn::Number, true);
        let all = visible_rows(&cases, &ListFilter::default(), sort, &cx);
        assert_eq!(all, vec![0, 1, 2, 3]);
        let unit = ListFilter {
            unit: Some("执法二科".into()),
            ..ListFilter::default()
        };
        assert_eq!(
            numbers(&cases, &visible_rows(&cases, &unit, sort, &cx)),
            ["罚〔2024〕1号", "罚〔2025〕3号"]
        );
        let unit_year = ListFilter {
            year: Some(2025),
            ..unit.clone()
        };
        assert_eq!(
            numbers(&cases, &visible_rows(&cases, &unit_year, sort, &cx)),
            ["罚〔2025〕3号"]
        );
        let kind = ListFilter {
            kind: Some(CaseKind::Inspection),
            ..ListFilter::default()
        };
        assert_eq!(visible_rows(&cases, &kind, sort, &cx), vec![2]);
        // 只看有问题的: open deductions only (case 4 is counted with none).
        let open = ListFilter {
            only_with_findings: true,
            ..ListFilter::default()
        };
        assert_eq!(visible_rows(&cases, &open, sort, &cx), vec![0]);
        let done = ListFilter {
            review: Some(ReviewState::Done),
            ..ListFilter::default()
        };
        assert_eq!(visible_rows(&cases, &done, sort, &cx), vec![3]);
        let not_started = ListFilter {
            review: Some(ReviewState::NotStarted),
            ..ListFilter::default()
        };
        assert_eq!(visible_rows(&cases, &not_started, sort, &cx), vec![0, 1, 2]);
        let ledger = ListFilter {
            status: Some(CaseOrigin::Ledger),
            ..ListFilter::default()
        };
        assert_eq!(visible_rows(&cases, &ledger, sort, &cx), vec![1, 3]);
        let hits = HashSet::from([CaseId(1), CaseId(2)]);
        let searched = RowContext {
            hits: Some(&hits),
            ..cx
        };
        assert_eq!(visible_rows(&cases, &unit, sort, &searched), vec![0]);
        assert!(
            visible_rows(
                &cases,
                &ListFilter::default(),
                sort,
                &RowContext {
                    hits: Some(&HashSet::new()),
                    ..cx
                }
            )
            .is_empty()
        );
    }

    #[test]
    fn units_sort_in_their_natural_order_and_a_second_click_reverses() {
        let cases = cases();
        let units = vec!["执法一科".to_string(), "执法二科".into(), "执法十科".into()];
        let (counts, states) = (HashMap::new(), HashMap::new());
        let cx = RowContext {
            hits: None,
            counts: &counts,
            states: &states,
            units: &units,
        };
        let up = visible_rows(&cases, &ListFilter::default(), (SortColumn::Unit, true), &cx);
        // 一科, 二科 (in list order: stable), 十科 — not the code-point order 一, 十, 二.
        assert_eq!(up, vec![2, 0, 3, 1]);
        let down = visible_rows(&cases, &ListFilter::default(), (SortColumn::Unit, false), &cx);
        assert_eq!(down, vec![1, 0, 3, 2]);
        let docs = visible_rows(&cases, &ListFilter::default(), (SortColumn::Documents, false), &cx);
        assert_eq!(docs, vec![3, 2, 1, 0]);
    }

    #[test]
    fn a_changed_project_asks_the_active_search_again_and_keeps_the_filters() {
        let mut list = CaseList::default();
        assert_eq!(list.set_cases(Arc::new(cases())), None);
        list.filter.unit = Some("执法二科".into());
        list.search_sent = "送达".into();
        assert_eq!(
            list.set_cases(Arc::new(cases())),
            Some(ListIntent::Search("送达".into()))
        );
        list.set_search_hits(
            "旧词".into(),
            SearchSummary {
                cases: vec![CaseId(1)],
                places: 3,
            },
        );
        assert_eq!(list.answered_query(), None, "an answer to an older text is dropped");
        list.set_search_hits(
            "送达".into(),
            SearchSummary {
                cases: vec![CaseId(4)],
                places: 2,
            },
        );
        assert_eq!(list.visible_numbers(), ["罚〔2025〕3号"]);
        assert_eq!(list.units(), ["执法一科", "执法二科", "执法十科"]);
        list.clear();
        assert!(list.cases().is_empty());
        assert_eq!(
            list.filter.unit.as_deref(),
            Some("执法二科"),
            "the filters outlive a project switch"
        );
        list.clear_filters();
        assert!(!list.filter.is_active());
    }
}
