//! The case view in the centre: the case's header, the automatic checks' findings, where
//! the active search is found, the case-facts editor and the 卷内目录 — or, once a document
//! is opened, the document viewer with 在此页标注.
//!
//! Owns: the selected case as loaded, its findings and search places, the viewer and the
//! facts editor. Must not touch: the service (what needs the project goes back as a
//! `CaseIntent`; answers come in through `apply_*`).

use std::path::PathBuf;

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use super::facts::{FactsEditor, FactsIntent};
use super::ocr::OcrPanel;
use super::theme;
use super::viewer::{OpenDocument, Viewer, kind_for};
use crate::domain::{Anchor, CodeEnum, DateKey};
use crate::rules::Finding;
use crate::service::facts::FactChange;
use crate::store::{CaseId, SearchHit, StoredCase};

/// What the case view asks `app.rs` to do.
pub enum CaseIntent {
    /// Find the active search's places in this case.
    SearchInCase {
        /// The search text.
        query: String,
        /// The case.
        case_id: CaseId,
    },
    /// Read the case's scans (OCR).
    ReadScans,
    /// A case fact was set or cleared in the facts editor.
    EditFacts {
        /// The case number.
        number: String,
        /// The change.
        change: FactChange,
    },
    /// Anchor the selected scoring item's mark to this page.
    AnchorHere(Anchor),
}

/// What the case view reads from its neighbours each frame.
pub struct CaseViewInput<'a> {
    /// The search text the list has answered, if any.
    pub query: Option<&'a str>,
    /// The OCR component (running, pages unread, values proposed).
    pub ocr: &'a OcrPanel,
    /// Dark theme.
    pub dark: bool,
    /// The scoring item selected, and whether it has a mark an anchor can go on.
    pub scoring_item: Option<(&'a str, bool)>,
}

/// The case view.
pub struct CaseView {
    /// The case selected in the list (loading until `case` arrives).
    selected: Option<CaseId>,
    case: Option<Box<StoredCase>>,
    findings: Vec<Finding>,
    /// The active search's places in this case: (query, case id, hits).
    hits: Option<(String, CaseId, Vec<SearchHit>)>,
    hits_sent: Option<(String, CaseId)>,
    /// The document of the case open in the viewer.
    open_doc: Option<usize>,
    facts: FactsEditor,
    viewer: Viewer,
    /// The open project's folder (documents are read from its `documents/`).
    project_dir: Option<PathBuf>,
}

impl CaseView {
    /// An empty view; `wake` repaints when the viewer has rendered a page.
    pub fn new(wake: impl Fn() + Send + 'static) -> Self {
        Self {
            selected: None,
            case: None,
            findings: Vec::new(),
            hits: None,
            hits_sent: None,
            open_doc: None,
            facts: FactsEditor::default(),
            viewer: Viewer::new(wake),
            project_dir: None,
        }
    }

    /// The open project's folder, where documents are read from.
    pub fn set_project_dir(&mut self, dir: PathBuf) {
        self.project_dir = Some(dir);
    }

    /// Forgets the case, its search places and the folder (the project closed).
    pub fn clear(&mut self) {
        self.project_dir = None;
        self.selected = None;
        self.case = None;
        self.findings.clear();
        self.viewer.close();
        self.hits = None;
        self.hits_sent = None;
    }

    /// Selects a case (it loads when `apply_case` brings it); `false` when it already was.
    pub fn select(&mut self, id: CaseId) -> bool {
        if self.selected == Some(id) {
            return false;
        }
        self.selected = Some(id);
        self.case = None;
        self.viewer.close();
        true
    }

    /// The case selected in the list.
    pub fn selected(&self) -> Option<CaseId> {
        self.selected
    }

    /// A loaded case with its findings (dropped when another is selected now).
    pub fn apply_case(&mut self, case: Box<StoredCase>, findings: Vec<Finding>) {
        if Some(case.row.id) == self.selected {
            self.case = Some(case);
            self.findings = findings;
        }
    }

    /// The active search's places in a case, if they are what was asked last.
    pub fn apply_hits(&mut self, query: String, case_id: CaseId, hits: Vec<SearchHit>) {
        if self.hits_sent.as_ref() == Some(&(query.clone(), case_id)) {
            self.hits = Some((query, case_id, hits));
        }
    }

    /// The search changed (or pages were read): the places are asked again.
    pub fn forget_hits(&mut self) {
        self.hits_sent = None;
    }

    /// The selected case, once loaded.
    pub fn case(&self) -> Option<&StoredCase> {
        self.case.as_deref()
    }

    /// The selected case's number, once loaded.
    pub fn number(&self) -> Option<String> {
        self.case.as_ref().map(|c| c.row.number.clone())
    }

    /// The automatic checks' findings of the selected case.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Values read from the case's scans still to be checked in the facts editor.
    pub fn facts_pending(&self) -> usize {
        self.facts.pending()
    }

    /// The viewer.
    pub fn viewer(&self) -> &Viewer {
        &self.viewer
    }

    /// The viewer, to turn pages, close, set readings.
    pub fn viewer_mut(&mut self) -> &mut Viewer {
        &mut self.viewer
    }

    /// The document open in the viewer (its position in the case), if any.
    pub fn open_document_index(&self) -> Option<usize> {
        self.viewer.is_open().then_some(self.open_doc).flatten()
    }

    /// Opens a finished report in the viewer.
    pub fn show_report(&mut self, path: PathBuf, pages: u32) {
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

    /// The document of the case an evidence anchor points at, opened at its page; `false`
    /// when the anchored file is not in this version of the case.
    pub fn open_anchor(&mut self, anchor: &Anchor) -> bool {
        let index = self
            .case
            .as_ref()
            .and_then(|c| c.documents.iter().position(|d| d.file_path == anchor.file));
        match index {
            Some(i) => {
                self.open_document_at(i, anchor.page as usize);
                true
            }
            None => false,
        }
    }

    /// The page in the viewer as an evidence anchor.
    fn anchor_here(&self) -> Option<Anchor> {
        let (Some(index), Some(case)) = (self.open_document_index(), &self.case) else {
            return None;
        };
        let doc = case.documents.get(index)?;
        Some(Anchor {
            file: doc.file_path.clone(),
            doc_type: doc.doc_type.clone(),
            page: u32::try_from(self.viewer.position().0).unwrap_or(1),
        })
    }

    /// Draws the view into the central panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, input: &CaseViewInput<'_>) -> Vec<CaseIntent> {
        let mut intents = Vec::new();
        if self.viewer.is_open() {
            self.viewer_ui(ui, input, &mut intents);
        } else {
            self.case_ui(ui, input, &mut intents);
        }
        intents
    }

    /// The open document, with 在此页标注 above it.
    fn viewer_ui(&mut self, ui: &mut egui::Ui, input: &CaseViewInput<'_>, intents: &mut Vec<CaseIntent>) {
        let palette = theme::palette(input.dark);
        let selected = input.scoring_item.map(|(item, _)| item);
        let can_anchor = input.scoring_item.is_some_and(|(_, marked)| marked);
        let mut anchor = false;
        ui.horizontal(|ui| {
            let hint = match (selected, can_anchor) {
                (Some(item), true) => format!("把当前页标注为评查项 {item} 的证据"),
                _ => "先在评分栏中选中并扣分的评查项，再标注".to_string(),
            };
            anchor = ui
                .add_enabled(can_anchor, egui::Button::new("在此页标注"))
                .on_hover_text(&hint)
                .on_disabled_hover_text(&hint)
                .clicked();
            if let Some(item) = selected {
                ui.label(RichText::new(format!("评查项 {item}")).small().color(palette.weak_text));
            }
        });
        if anchor && let Some(anchor) = self.anchor_here() {
            intents.push(CaseIntent::AnchorHere(anchor));
        }
        if self.viewer.ui(ui) {
            self.viewer.close();
        }
    }

    /// The case: header, findings, the search's places, facts, 卷内目录.
    fn case_ui(&mut self, ui: &mut egui::Ui, input: &CaseViewInput<'_>, intents: &mut Vec<CaseIntent>) {
        // The active search's places in this case are asked for once per (query, case).
        if let (Some(query), Some(stored)) = (input.query, &self.case) {
            let wanted = (query.to_string(), stored.row.id);
            if self.hits_sent.as_ref() != Some(&wanted) {
                intents.push(CaseIntent::SearchInCase {
                    query: wanted.0.clone(),
                    case_id: wanted.1,
                });
                self.hits_sent = Some(wanted);
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
        let palette = theme::palette(input.dark);
        let mut opened = None;
        let mut opened_hit: Option<(usize, usize, String)> = None;
        let mut fact_changes = Vec::new();
        let mut read_scans = false;
        let scans = stored.documents.iter().filter(|d| d.is_scan()).count();
        let ocr_running = input.ocr.running();
        let unread = input.ocr.unread(&stored.row.number);
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            // Keep content clear of the scroll bar.
            ui.set_max_width(ui.available_width() - theme::SPACE * 1.5);
            case_header(ui, stored, palette);
            ui.add_space(theme::SPACE);
            findings_list(ui, &self.findings, palette);
            if let Some(query) = input.query
                && let Some(hit) = Self::hits_ui(ui, query, self.hits.as_ref(), stored, palette)
            {
                opened_hit = Some(hit);
            }
            ui.add_space(theme::SPACE);
            let proposals = input.ocr.proposals(&stored.row.number);
            let anchor = self
                .viewer
                .is_open()
                .then_some(self.open_doc)
                .flatten()
                .map(|i| (i, u32::try_from(self.viewer.position().0).unwrap_or(1)));
            for intent in self.facts.ui(ui, stored, proposals, anchor, input.dark) {
                match intent {
                    FactsIntent::Open { document, page, line } => {
                        opened_hit = Some((document, page, line));
                    }
                    FactsIntent::Change(change) => fact_changes.push(change),
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
            intents.push(CaseIntent::ReadScans);
        }
        if let Some(number) = self.case.as_ref().map(|c| c.row.number.clone()) {
            for change in fact_changes {
                if let FactChange::Set { path, .. } = &change {
                    self.facts.settle(path);
                }
                intents.push(CaseIntent::EditFacts {
                    number: number.clone(),
                    change,
                });
            }
        }
    }

    /// Where the active search's text is in this case (links open the page); returns the
    /// place clicked: document, page and the query to highlight.
    fn hits_ui(
        ui: &mut egui::Ui,
        query: &str,
        hits: Option<&(String, CaseId, Vec<SearchHit>)>,
        stored: &StoredCase,
        palette: theme::Palette,
    ) -> Option<(usize, usize, String)> {
        let (_, _, hits) = hits.filter(|(q, id, hits)| q == query && *id == stored.row.id && !hits.is_empty())?;
        let mut opened = None;
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
                            opened = Some((i, hit.page.unwrap_or(1) as usize, query.to_string()));
                        }
                    }
                    None => {
                        ui.label(RichText::new("案件信息").color(palette.weak_text));
                    }
                }
                ui.add(egui::Label::new(&hit.snippet).wrap());
            });
        }
        opened
    }

    /// Opens document `index` of the selected case in the viewer.
    pub fn open_document(&mut self, index: usize) {
        let first = self
            .case
            .as_ref()
            .and_then(|c| c.documents.get(index))
            .and_then(|d| d.first_page)
            .unwrap_or(1);
        self.open_document_at(index, first as usize);
    }

    /// Opens document `index` of the selected case at `page`.
    pub fn open_document_at(&mut self, index: usize, page: usize) {
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
