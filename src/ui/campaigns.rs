//! The campaign window (评查活动): create a campaign with a draw, register reviewers, preview
//! and save the assignment, issue kits and take returns, compare reviewers side by side,
//! record consensus (合议) and sign off (复核), and see how far reviewers agree.
//! Everything runs on the backend; this window draws its last answers.

use std::collections::HashMap;

use egui::{Color32, RichText};

use super::path_field::{PathField, Pick};
use super::theme::{self, Palette};
use crate::domain::{Mark, MarkValue, fmt_points};
use crate::review::campaign::{CampaignConfig, CampaignStats, CaseComparison, describe};
use crate::service::protocol::{CampaignRequest, CampaignResponse, Request};
use crate::store::{CampaignInfo, CampaignReviewer, StoredChecklist};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Tab {
    #[default]
    Team,
    Cases,
    Agreement,
}

/// How often the open window asks for the campaigns again.
const LIST_REFRESH_SECONDS: f64 = 3.0;

/// The campaign window's state.
pub struct CampaignWindow {
    /// Whether the window is shown.
    pub open: bool,
    list: Vec<(CampaignInfo, Vec<CampaignReviewer>)>,
    selected: Option<String>,
    tab: Tab,
    new_name: String,
    new_year: i32,
    new_percent: f64,
    new_at_least: usize,
    new_per_case: usize,
    reviewer_name: String,
    reviewer_unit: String,
    reviewer_lead: bool,
    reviewer_team: String,
    reviewer_key: String,
    preview: Option<(String, Vec<String>, bool)>,
    cases: Vec<CaseComparison>,
    stats: Option<Box<CampaignStats>>,
    case_index: Option<usize>,
    /// Per disputed item: the agreed value, the problem for the notice, the 合议说明.
    consensus_inputs: HashMap<String, (String, String, String)>,
    unlock_reason: String,
    kit_reviewer: String,
    kit_path: PathField,
    return_path: PathField,
    requested_list: bool,
    /// When the list was last asked for (ctx time): it is asked again every few seconds while
    /// the window is open, so reviewers registered from the command line show up.
    listed_at: f64,
    /// The project's units (the reviewer's 单位 is picked from them).
    units: Vec<String>,
}

impl Default for CampaignWindow {
    fn default() -> Self {
        Self {
            open: false,
            list: Vec::new(),
            selected: None,
            tab: Tab::Team,
            new_name: String::new(),
            new_year: 2024,
            new_percent: 10.0,
            new_at_least: 3,
            new_per_case: 2,
            reviewer_name: String::new(),
            reviewer_unit: String::new(),
            reviewer_lead: false,
            reviewer_team: String::new(),
            reviewer_key: String::new(),
            preview: None,
            cases: Vec::new(),
            stats: None,
            case_index: None,
            consensus_inputs: HashMap::new(),
            unlock_reason: String::new(),
            kit_reviewer: String::new(),
            kit_path: PathField::default(),
            return_path: PathField::default(),
            requested_list: false,
            listed_at: 0.0,
            units: Vec::new(),
        }
    }
}

impl CampaignWindow {
    /// Applies a backend answer.
    pub fn apply(&mut self, response: CampaignResponse) {
        match response {
            CampaignResponse::List(list) => {
                if self.selected.is_none() {
                    self.selected = list.first().map(|(c, _)| c.name.clone());
                }
                self.list = list;
            }
            // For the reports window.
            CampaignResponse::Progress { .. } => {}
            CampaignResponse::Preview {
                campaign,
                lines,
                applied,
            } => self.preview = Some((campaign, lines, applied)),
            CampaignResponse::Compared { campaign, cases, stats } => {
                if self.selected.as_deref() == Some(campaign.as_str()) {
                    self.cases = cases;
                    self.stats = stats;
                    if self.case_index.is_none() {
                        self.case_index = self.cases.iter().position(|c| c.flagged);
                    }
                }
            }
        }
    }

    /// The cases compared for the selected campaign (for tests).
    pub fn comparisons(&self) -> &[CaseComparison] {
        &self.cases
    }

    /// Draws the window; returns requests for the backend.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        checklists: &[StoredChecklist],
        viewer: Option<&str>,
        units: &[String],
    ) -> Vec<Request> {
        let mut requests = Vec::new();
        if !self.open {
            self.requested_list = false;
            return requests;
        }
        if self.units != units {
            self.units = units.to_vec();
        }
        let now = ctx.input(|i| i.time);
        if self.requested_list && now - self.listed_at >= LIST_REFRESH_SECONDS {
            // Changes made elsewhere (the command line, another window) appear by themselves.
            self.listed_at = now;
            requests.push(Request::Campaign(CampaignRequest::List));
        }
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(LIST_REFRESH_SECONDS));
        if !self.requested_list {
            self.requested_list = true;
            self.listed_at = now;
            requests.push(Request::Campaign(CampaignRequest::List));
            if let Some(name) = &self.selected {
                requests.push(Request::Campaign(CampaignRequest::Compare(name.clone())));
            }
        }
        self.kit_path.poll(); // a picked-nothing message shows under the field
        self.return_path.poll(); // a picked-nothing message shows under the field
        let palette = theme::palette(ctx.global_style().visuals.dark_mode);
        let mut open = true;
        egui::Window::new("评查活动")
            .open(&mut open)
            .default_size([1120.0, 640.0])
            .show(ctx, |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(230.0);
                        self.campaign_list(ui, &mut requests);
                    });
                    ui.separator();
                    ui.vertical(|ui| {
                        let Some(name) = self.selected.clone() else {
                            ui.label("新建一个评查活动，或在左侧选择一个。");
                            return;
                        };
                        ui.horizontal(|ui| {
                            ui.label(RichText::new(&name).heading());
                            for (tab, label) in [
                                (Tab::Team, "评查员与分配"),
                                (Tab::Cases, "分歧与合议"),
                                (Tab::Agreement, "一致性"),
                            ] {
                                if ui.selectable_label(self.tab == tab, label).clicked() {
                                    self.tab = tab;
                                    if tab != Tab::Team {
                                        requests.push(Request::Campaign(CampaignRequest::Compare(name.clone())));
                                    }
                                }
                            }
                        });
                        ui.separator();
                        // Blind review: a plain reviewer of this campaign does not see the others'
                        // marks; the team lead or the organiser runs the 合议.
                        let blind = viewer.is_some_and(|v| {
                            self.list.iter().find(|(c, _)| c.name == name).is_some_and(|(_, rs)| {
                                rs.iter()
                                    .any(|r| r.name == v && r.role == crate::domain::ReviewerRole::Reviewer)
                            })
                        });
                        match self.tab {
                            Tab::Team => self.team(ui, &name, palette, &mut requests),
                            Tab::Cases | Tab::Agreement if blind => {
                                ui.label("背对背评查：评查员看不到其他评查员的评分。分歧与合议由组长或组织者处理。");
                            }
                            Tab::Cases => self.cases_tab(ui, &name, palette, checklists, &mut requests),
                            Tab::Agreement => self.agreement(ui, palette),
                        }
                    });
                });
            });
        if !open {
            self.open = false;
        }
        requests
    }

    fn campaign_list(&mut self, ui: &mut egui::Ui, requests: &mut Vec<Request>) {
        ui.label(RichText::new("评查活动").strong());
        let mut pick = None;
        for (c, reviewers) in &self.list {
            let label = format!("{}（{}年，{}件，{}人）", c.name, c.year, c.cases.len(), reviewers.len());
            if ui
                .selectable_label(self.selected.as_deref() == Some(c.name.as_str()), label)
                .clicked()
            {
                pick = Some(c.name.clone());
            }
        }
        if let Some(name) = pick {
            self.cases.clear();
            self.stats = None;
            self.case_index = None;
            self.preview = None;
            requests.push(Request::Campaign(CampaignRequest::Compare(name.clone())));
            self.selected = Some(name);
        }
        ui.separator();
        ui.label(RichText::new("新建评查活动").strong());
        egui::Grid::new("new-campaign").num_columns(2).show(ui, |ui| {
            let l = ui.label("名称");
            ui.add({
                let width = theme::fitted_width(ui, &self.new_name, "", 130.0);
                egui::TextEdit::singleline(&mut self.new_name).desired_width(width)
            })
            .labelled_by(l.id);
            ui.end_row();
            let l = ui.label("年度");
            ui.add(egui::DragValue::new(&mut self.new_year).range(2000..=2100))
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label("各单位抽取%");
            ui.add(egui::DragValue::new(&mut self.new_percent).range(1.0..=100.0))
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label("每单位至少");
            ui.add(egui::DragValue::new(&mut self.new_at_least).range(0..=1000))
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label("每件评查员");
            ui.add(egui::DragValue::new(&mut self.new_per_case).range(1..=5))
                .labelled_by(l.id);
            ui.end_row();
        });
        let name = self.new_name.trim().to_string();
        if ui
            .add_enabled(!name.is_empty(), egui::Button::new("抽取案卷并建立"))
            .clicked()
        {
            requests.push(Request::Campaign(CampaignRequest::Create {
                name: name.clone(),
                year: self.new_year,
                config: Box::new(CampaignConfig {
                    per_case: self.new_per_case,
                    draw_percent: self.new_percent,
                    draw_at_least: self.new_at_least,
                    ..CampaignConfig::default()
                }),
            }));
            self.selected = Some(name);
            self.new_name.clear();
        }
    }

    /// The form that adds a reviewer to campaign `name` (姓名, 单位, 组长, 评查组, 公钥).
    fn reviewer_form(&mut self, ui: &mut egui::Ui, name: &str, requests: &mut Vec<Request>) {
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("姓名");
            ui.add({
                let width = theme::fitted_width(ui, &self.reviewer_name, "", 80.0);
                egui::TextEdit::singleline(&mut self.reviewer_name).desired_width(width)
            })
            .labelled_by(l.id);
            let l = ui.label("单位");
            ui.add({
                let width = theme::fitted_width(ui, &self.reviewer_unit, "", 110.0);
                egui::TextEdit::singleline(&mut self.reviewer_unit).desired_width(width)
            })
            .labelled_by(l.id);
            // Reviewers of a cross review come from the units reviewed: picked from the
            // project's units (another, e.g. 法规科, is typed).
            egui::ComboBox::from_id_salt("reviewer-unit")
                .selected_text("选择单位")
                .show_ui(ui, |ui| {
                    for unit in self.units.iter().filter(|u| !u.is_empty()) {
                        if ui.selectable_label(self.reviewer_unit == *unit, unit).clicked() {
                            self.reviewer_unit = unit.clone();
                        }
                    }
                })
                .response
                .on_hover_text("从本项目的单位中选择");
            ui.checkbox(&mut self.reviewer_lead, "组长");
            let l = ui.label("评查组");
            ui.add({
                let width = theme::fitted_width(ui, &self.reviewer_team, "", 60.0);
                egui::TextEdit::singleline(&mut self.reviewer_team).desired_width(width)
            })
            .labelled_by(l.id);
            let l = ui.label("公钥");
            ui.add(
                egui::TextEdit::singleline(&mut self.reviewer_key)
                    .hint_text("pingcha key show 姓名")
                    .desired_width(180.0),
            )
            .labelled_by(l.id);
            let ready = !self.reviewer_name.trim().is_empty() && !self.reviewer_unit.trim().is_empty();
            if ui.add_enabled(ready, egui::Button::new("登记评查员")).clicked() {
                let key = self.reviewer_key.trim().to_string();
                requests.push(Request::Campaign(CampaignRequest::AddReviewer {
                    campaign: name.to_string(),
                    name: self.reviewer_name.trim().to_string(),
                    unit: self.reviewer_unit.trim().to_string(),
                    lead: self.reviewer_lead,
                    team: self.reviewer_team.trim().to_string(),
                    public_key: (!key.is_empty()).then_some(key),
                }));
                self.reviewer_name.clear();
                self.reviewer_unit.clear();
                self.reviewer_key.clear();
            }
        });
    }

    fn team(&mut self, ui: &mut egui::Ui, name: &str, palette: Palette, requests: &mut Vec<Request>) {
        let reviewers: Vec<CampaignReviewer> = self
            .list
            .iter()
            .find(|(c, _)| c.name == name)
            .map(|(_, r)| r.clone())
            .unwrap_or_default();
        ui.label(RichText::new(format!("评查员（{}）", reviewers.len())).strong());
        for r in &reviewers {
            ui.label(format!(
                "{}（{}）{}{} · {}",
                r.name,
                r.unit,
                if r.role == crate::domain::ReviewerRole::Lead {
                    " 组长"
                } else {
                    ""
                },
                if r.team.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", r.team)
                },
                if r.public_key.is_some() {
                    "已登记公钥"
                } else {
                    "未登记公钥"
                }
            ));
        }
        self.reviewer_form(ui, name, requests);
        ui.separator();
        ui.horizontal(|ui| {
            if ui.button("预览分配").clicked() {
                requests.push(Request::Campaign(CampaignRequest::Assign {
                    campaign: name.to_string(),
                    apply: false,
                }));
            }
            let previewed = self.preview.as_ref().is_some_and(|(c, _, _)| c == name);
            if ui.add_enabled(previewed, egui::Button::new("保存分配")).clicked() {
                requests.push(Request::Campaign(CampaignRequest::Assign {
                    campaign: name.to_string(),
                    apply: true,
                }));
            }
        });
        if let Some((campaign, lines, applied)) = &self.preview
            && campaign == name
        {
            ui.label(
                RichText::new(if *applied {
                    "已保存的分配"
                } else {
                    "分配预览（尚未保存）"
                })
                .color(if *applied { palette.pass } else { palette.deduction }),
            );
            egui::ScrollArea::vertical()
                .id_salt("assign-preview")
                .max_height(220.0)
                .show(ui, |ui| {
                    for line in lines {
                        let color = if line.starts_with("未配齐") || line.starts_with("指定") {
                            palette.veto
                        } else {
                            ui.visuals().text_color()
                        };
                        ui.add(egui::Label::new(RichText::new(line).color(color)).wrap());
                    }
                });
        }
        ui.separator();
        ui.label(RichText::new("评查包与回收包").strong());
        ui.horizontal(|ui| {
            egui::ComboBox::from_id_salt("kit-reviewer")
                .selected_text(if self.kit_reviewer.is_empty() {
                    "选择评查员"
                } else {
                    self.kit_reviewer.as_str()
                })
                .show_ui(ui, |ui| {
                    for r in &reviewers {
                        ui.selectable_value(&mut self.kit_reviewer, r.name.clone(), &r.name);
                    }
                });
        });
        self.kit_path
            .ui(ui, "评查包保存到", "….pchkit", &[("选择…", Pick::Save)]);
        if ui
            .add_enabled(
                !self.kit_reviewer.is_empty() && self.kit_path.path().is_some(),
                egui::Button::new("生成评查包"),
            )
            .clicked()
            && let Some(path) = self.kit_path.path()
        {
            requests.push(Request::Campaign(CampaignRequest::ExportKit {
                campaign: name.to_string(),
                reviewer: self.kit_reviewer.clone(),
                path,
            }));
        }
        self.return_path.ui(ui, "回收包", "….pchret", &[("选择…", Pick::File)]);
        if ui
            .add_enabled(self.return_path.path().is_some(), egui::Button::new("导入回收包"))
            .clicked()
            && let Some(path) = self.return_path.path()
        {
            requests.push(Request::Campaign(CampaignRequest::ImportReturn(path)));
            requests.push(Request::Campaign(CampaignRequest::Compare(name.to_string())));
        }
    }

    fn cases_tab(
        &mut self,
        ui: &mut egui::Ui,
        name: &str,
        palette: Palette,
        checklists: &[StoredChecklist],
        requests: &mut Vec<Request>,
    ) {
        if self.cases.is_empty() {
            ui.label("还没有案卷或尚未读取。");
            return;
        }
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(210.0);
                egui::ScrollArea::vertical().id_salt("campaign-cases").show(ui, |ui| {
                    for (i, c) in self.cases.iter().enumerate() {
                        let status = if c.locked {
                            ("已复核", palette.pass)
                        } else if c.totals.is_empty() {
                            ("未评", palette.weak_text)
                        } else if c.flagged && c.final_source != "合议" {
                            ("需合议", palette.veto)
                        } else {
                            ("一致", palette.pass)
                        };
                        ui.horizontal(|ui| {
                            if ui.selectable_label(self.case_index == Some(i), &c.case).clicked() {
                                self.case_index = Some(i);
                                self.consensus_inputs.clear();
                            }
                            ui.label(RichText::new(status.0).small().color(status.1));
                        });
                    }
                });
            });
            ui.separator();
            ui.vertical(|ui| {
                let Some(c) = self.case_index.and_then(|i| self.cases.get(i)).cloned() else {
                    ui.label("选择一件案卷，并列查看评查员的评分。");
                    return;
                };
                self.comparison(ui, name, &c, palette, checklists, requests);
            });
        });
    }

    fn comparison(
        &mut self,
        ui: &mut egui::Ui,
        name: &str,
        c: &CaseComparison,
        palette: Palette,
        checklists: &[StoredChecklist],
        requests: &mut Vec<Request>,
    ) {
        ui.label(RichText::new(format!("{} · {}", c.case, c.checklist_name)).strong());
        let totals: Vec<String> = c
            .reviewers
            .iter()
            .zip(c.totals.iter().zip(&c.grades))
            .map(|(r, (t, g))| format!("{r} {} {g}", fmt_points(*t)))
            .collect();
        ui.label(format!(
            "各评查员：{}；相差 {} 分",
            totals.join("，"),
            fmt_points(c.total_difference)
        ));
        ui.label(
            RichText::new(format!(
                "最终 {} {}（{}）",
                fmt_points(c.final_total),
                c.final_grade,
                c.final_source
            ))
            .strong()
            .color(if c.final_source == "合议" {
                palette.pass
            } else {
                palette.deduction
            }),
        );
        if c.veto_disagreement {
            ui.label(RichText::new("否决项意见不一致").color(palette.veto));
        }
        egui::Grid::new(("compare", &c.case))
            .striped(true)
            .num_columns(c.reviewers.len() + 3)
            .show(ui, |ui| {
                ui.label(RichText::new("评查项").strong());
                ui.label(RichText::new("内容").strong());
                for r in &c.reviewers {
                    ui.label(RichText::new(r).strong());
                }
                ui.label(RichText::new("合议").strong());
                ui.end_row();
                for item in &c.items {
                    let color = if item.disputed {
                        palette.veto
                    } else {
                        ui.visuals().text_color()
                    };
                    ui.label(RichText::new(&item.item).color(color));
                    ui.add_sized([200.0, 18.0], egui::Label::new(&item.text).truncate())
                        .on_hover_text(&item.text);
                    for (m, d) in item.marks.iter().zip(&item.deducted) {
                        ui.label(RichText::new(describe(*m, *d)).color(color));
                    }
                    ui.label(match &item.consensus {
                        Some(cm) => format!(
                            "{}（{}）",
                            cm.mark.as_ref().map_or("不扣分".to_string(), |m| m.value.describe()),
                            cm.reason
                        ),
                        None => String::new(),
                    });
                    ui.end_row();
                }
            });
        if c.locked {
            ui.label(RichText::new("已复核锁定。").color(palette.pass));
            ui.horizontal(|ui| {
                let l = ui.label("解除理由");
                ui.add(egui::TextEdit::singleline(&mut self.unlock_reason).desired_width(200.0))
                    .labelled_by(l.id);
                if ui
                    .add_enabled(!self.unlock_reason.trim().is_empty(), egui::Button::new("解除锁定"))
                    .clicked()
                {
                    requests.push(Request::Campaign(CampaignRequest::SignOff {
                        campaign: name.to_string(),
                        case: c.case.clone(),
                        lock: false,
                        reason: self.unlock_reason.trim().to_string(),
                    }));
                    self.unlock_reason.clear();
                }
            });
            return;
        }
        let checklist = checklists.iter().find(|s| s.key == c.checklist).map(|s| &s.checklist);
        for item in c.items.iter().filter(|i| i.disputed) {
            let (value, finding, note) = self.consensus_inputs.entry(item.item.clone()).or_default();
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("合议 {}", item.item)).strong());
                labelled_field(
                    ui,
                    &format!("结论 {}", item.item),
                    value,
                    "扣分/处数/否决/不扣分",
                    90.0,
                    None,
                );
                labelled_field(
                    ui,
                    &format!("问题 {}", item.item),
                    finding,
                    "印入整改通知书；留空则用评查员写的问题",
                    240.0,
                    Some("整改通知书“问题”栏印这里的表述。留空时采用评查员对该项所写的问题，再无则用问题库的表述。"),
                );
                labelled_field(
                    ui,
                    &format!("合议说明 {}", item.item),
                    note,
                    "如：采纳某某意见（仅内部记录）",
                    200.0,
                    Some("合议的理由，记入评查表的合议意见和修改记录，不印入整改通知书。"),
                );
                let parsed = checklist.and_then(|cl| parse_consensus(cl, &item.item, value, finding));
                if ui
                    .add_enabled(
                        parsed.is_some() && !note.trim().is_empty(),
                        egui::Button::new(format!("记录合议 {}", item.item)),
                    )
                    .clicked()
                    && let Some(mark) = parsed
                {
                    requests.push(Request::Campaign(CampaignRequest::Consensus {
                        campaign: name.to_string(),
                        case: c.case.clone(),
                        item: item.item.clone(),
                        mark,
                        reason: note.trim().to_string(),
                    }));
                }
            });
        }
        if ui
            .button("复核锁定")
            .on_hover_text("锁定后评分和合议不能再改")
            .clicked()
        {
            requests.push(Request::Campaign(CampaignRequest::SignOff {
                campaign: name.to_string(),
                case: c.case.clone(),
                lock: true,
                reason: String::new(),
            }));
        }
    }

    fn agreement(&self, ui: &mut egui::Ui, palette: Palette) {
        let Some(stats) = &self.stats else {
            ui.label("尚无评分，无法统计。");
            return;
        };
        let show = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.3}"));
        let t = &stats.totals;
        if t.krippendorff_alpha_interval.is_none() && t.icc2_1.is_none() {
            // No figure from one pair of scores: a 0.000 (or 0 %) there reads as total
            // disagreement.
            ui.label(RichText::new(crate::review::agreement::TOO_LITTLE_DATA).color(palette.weak_text));
            return;
        } else {
            ui.label(RichText::new("总分").strong());
            ui.label(format!(
                "一致率 {} · Krippendorff α 等距 {} · ICC(1,1) {} · ICC(2,1) {} · ICC(3,1) {}",
                show(t.percent_agreement),
                show(t.krippendorff_alpha_interval),
                show(t.icc1_1),
                show(t.icc2_1),
                show(t.icc3_1)
            ));
        }
        ui.add_space(theme::SPACE);
        ui.label(RichText::new("分歧最多的评查项（一致率，越低越可能需要改写表述）").strong());
        let items: Vec<(String, f64)> = stats
            .items
            .iter()
            .take(10)
            .map(|(id, a)| (id.clone(), a.percent_agreement.unwrap_or(1.0)))
            .collect();
        bars(ui, &items, 1.0, palette.deduction, false);
        ui.add_space(theme::SPACE);
        ui.label(RichText::new("各评查员与同案其他评查员的一致率（评查项是否扣分）").strong());
        let per_reviewer: Vec<(String, f64)> = stats
            .reviewers
            .iter()
            .map(|(name, a)| (name.clone(), a.percent_agreement.unwrap_or(1.0)))
            .collect();
        bars(ui, &per_reviewer, 1.0, palette.pass, false);
        ui.add_space(theme::SPACE);
        ui.label(RichText::new("评查员与最终得分的平均偏差（左偏严，右偏宽）").strong());
        let devs: Vec<(String, f64)> = stats
            .deviations
            .iter()
            .map(|d| (d.reviewer.clone(), d.mean_signed))
            .collect();
        let scale = devs.iter().map(|(_, v)| v.abs()).fold(1.0, f64::max);
        bars(ui, &devs, scale, palette.accent, true);
    }
}

/// Horizontal bars drawn as vector shapes: `centered` puts zero in the middle (signed values).
fn bars(ui: &mut egui::Ui, rows: &[(String, f64)], scale: f64, color: Color32, centered: bool) {
    for (label, value) in rows {
        ui.horizontal(|ui| {
            ui.add_sized([90.0, 16.0], egui::Label::new(RichText::new(label).small()).truncate());
            let width = 260.0;
            let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 14.0), egui::Sense::hover());
            let painter = ui.painter();
            painter.rect_filled(rect, 2.0, ui.visuals().faint_bg_color);
            let fraction = (value / scale).clamp(-1.0, 1.0) as f32;
            let bar = if centered {
                let mid = rect.center().x;
                let end = mid + fraction * width / 2.0;
                egui::Rect::from_x_y_ranges(mid.min(end)..=mid.max(end), rect.y_range())
            } else {
                egui::Rect::from_min_size(rect.min, egui::vec2(fraction.max(0.0) * width, rect.height()))
            };
            painter.rect_filled(bar, 2.0, color);
            ui.label(
                RichText::new(if centered {
                    format!("{value:+.2}")
                } else {
                    format!("{:.0}%", value * 100.0)
                })
                .small(),
            );
        });
    }
}

/// A consensus value typed in the window: a number as the keyboard reads it, `否决`/`veto`,
/// `不涉及`/`na`, `不扣分`/`none` (agreed no deduction → `Some(None)`).
fn parse_consensus(
    checklist: &crate::domain::Checklist,
    item: &str,
    value: &str,
    finding: &str,
) -> Option<Option<Mark>> {
    let target = checklist.item(item)?;
    let value = value.trim();
    let mark = |v: MarkValue| {
        Some(Some(Mark {
            item: item.to_string(),
            value: v,
            reason: finding.trim().to_string(),
            from_rule: None,
            anchor: None,
        }))
    };
    match value {
        "" => None,
        "不扣分" | "none" | "0" => Some(None),
        "否决" | "veto" => mark(MarkValue::VetoHit),
        "不涉及" | "na" => mark(MarkValue::NotApplicable),
        _ => {
            let number: f64 = value.parse().ok()?;
            crate::scoring::quick_value(target, number).and_then(mark)
        }
    }
}

/// A one-line field after its label (the label names it for assistive tech and tests).
fn labelled_field(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str, width: f32, hover: Option<&str>) {
    let l = ui.label(label);
    let response = ui
        .add(egui::TextEdit::singleline(text).hint_text(hint).desired_width(width))
        .labelled_by(l.id);
    if let Some(hover) = hover {
        response.on_hover_text(hover);
    }
}
