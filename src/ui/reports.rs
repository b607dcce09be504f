//! The reports window (报告): choose the document and its scope, render it on the backend,
//! preview the pages in the app's viewer, and keep the file where the user chose.

use egui::RichText;

use super::path_field::{PathField, Pick};
use super::theme;
use crate::report::documents::OfficialSettings;
use crate::service::protocol::{CampaignRequest, ReportRequest, Request};
use crate::service::reports::SheetSource;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Kind {
    #[default]
    ScoreSheet,
    Notice,
    Campaign,
    Xlsx,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Self::ScoreSheet => "案卷评查表（当前案卷）",
            Self::Notice => "问题清单与整改通知书（单位）",
            Self::Campaign => "评查报告（评查活动）",
            Self::Xlsx => "数据导出（Excel）",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Source {
    #[default]
    Mine,
    Consensus,
    Blank,
}

/// Window state.
#[derive(Default)]
pub struct ReportsWindow {
    /// Whether the window is shown.
    pub open: bool,
    kind: Kind,
    source: Source,
    unit: String,
    campaign: String,
    unmasked: bool,
    path: PathField,
    /// A render is on its way.
    pub busy: bool,
    /// The chosen campaign's scoring progress: (campaign, scored, drawn), and whether the
    /// progress was asked for that campaign.
    progress: Option<(String, usize, usize)>,
    progress_asked: String,
    /// The user chose to issue the campaign report with cases unscored.
    issue_anyway: bool,
    /// The campaign report with its internal annex (agreement statistics; not for the units).
    internal: bool,
    /// The 通报's 发文字号 (empty: the pattern, number blank).
    number: String,
    /// The 公文 settings as stored and as edited, and the fonts of each role.
    official: Option<(OfficialSettings, OfficialSettings)>,
    copy_to_text: String,
    fonts: Vec<String>,
    official_asked: bool,
}

impl ReportsWindow {
    /// The backend's answer to a progress question.
    pub fn set_progress(&mut self, campaign: &str, scored: usize, drawn: usize) {
        self.progress = Some((campaign.to_string(), scored, drawn));
    }

    /// The 公文 settings and fonts from the backend.
    pub fn set_official(&mut self, settings: OfficialSettings, fonts: Vec<String>) {
        self.copy_to_text = settings.copy_to.join("、");
        self.official = Some((settings.clone(), settings));
        self.fonts = fonts;
    }

    /// The campaign report's form: campaign, internal annex, 发文字号, and before it is
    /// issued how many drawn cases are scored. Returns whether it can be generated.
    fn campaign_form(
        &mut self,
        ui: &mut egui::Ui,
        campaigns: &[String],
        palette: theme::Palette,
        requests: &mut Vec<Request>,
    ) -> bool {
        campaign_combo(ui, &mut self.campaign, false, campaigns);
        ui.checkbox(&mut self.internal, "附评查员一致性统计（内部附件，不随通报印发）");
        ui.horizontal(|ui| {
            let l = ui.label("发文字号");
            ui.add(
                egui::TextEdit::singleline(&mut self.number)
                    .hint_text("留空：按文号格式，序号待填")
                    .desired_width(220.0),
            )
            .labelled_by(l.id);
        });
        // Before it is issued: how many drawn cases are scored.
        if !self.campaign.is_empty() && self.progress_asked != self.campaign {
            self.progress_asked = self.campaign.clone();
            self.progress = None;
            self.issue_anyway = false;
            requests.push(Request::Campaign(CampaignRequest::Progress(self.campaign.clone())));
        }
        match &self.progress {
            Some((c, scored, drawn)) if *c == self.campaign => {
                if scored < drawn {
                    ui.label(
                        RichText::new(format!(
                            "已评 {scored}/{drawn} 件：尚有 {} 件未评。现在印发，通报将在首页注明，统计只含已评案卷。",
                            drawn - scored
                        ))
                        .color(palette.deduction),
                    );
                    ui.checkbox(&mut self.issue_anyway, "仍然生成");
                    self.issue_anyway
                } else {
                    ui.label(RichText::new(format!("已评 {scored}/{drawn} 件")).color(palette.pass));
                    true
                }
            }
            // Nothing to read before a campaign is chosen.
            _ if self.campaign.is_empty() => false,
            _ => {
                ui.label(RichText::new("正在读取评查进度…").small());
                false
            }
        }
    }

    /// Draws the window. `case`: the selected case number; `reviewer`: the current reviewer.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        case: Option<&str>,
        reviewer: Option<(&str, &str)>,
        units: &[String],
        campaigns: &[String],
    ) -> Vec<Request> {
        let mut requests = Vec::new();
        if !self.open {
            return requests;
        }
        self.path.poll(); // a picked-nothing message shows under the field
        let mut open = true;
        let palette = theme::palette(ctx.global_style().visuals.dark_mode);
        egui::Window::new("报告")
            .open(&mut open)
            .default_width(560.0)
            .show(ctx, |ui| {
                egui::ComboBox::from_id_salt("report-kind")
                    .selected_text(self.kind.label())
                    .width(280.0)
                    .show_ui(ui, |ui| {
                        for k in [Kind::ScoreSheet, Kind::Notice, Kind::Campaign, Kind::Xlsx] {
                            ui.selectable_value(&mut self.kind, k, k.label());
                        }
                    })
                    .response
                    .on_hover_text("报告种类");
                let ready = match self.kind {
                    Kind::ScoreSheet => {
                        ui.label(format!("案卷：{}", case.unwrap_or("（请先在列表中选择案卷）")));
                        ui.horizontal(|ui| {
                            ui.radio_value(&mut self.source, Source::Mine, "我的评分");
                            ui.radio_value(&mut self.source, Source::Consensus, "合议结果");
                            ui.radio_value(&mut self.source, Source::Blank, "空白表（附自动检查建议）");
                        });
                        if self.source == Source::Consensus {
                            campaign_combo(ui, &mut self.campaign, false, campaigns);
                        }
                        case.is_some()
                            && (self.source != Source::Consensus || !self.campaign.is_empty())
                            && (self.source != Source::Mine || reviewer.is_some())
                    }
                    Kind::Notice => {
                        egui::ComboBox::from_id_salt("report-unit")
                            .selected_text(if self.unit.is_empty() {
                                "选择单位"
                            } else {
                                self.unit.as_str()
                            })
                            .show_ui(ui, |ui| {
                                for u in units {
                                    ui.selectable_value(&mut self.unit, u.clone(), u);
                                }
                            });
                        campaign_combo(ui, &mut self.campaign, true, campaigns);
                        !self.unit.is_empty()
                    }
                    Kind::Campaign => self.campaign_form(ui, campaigns, palette, &mut requests),
                    Kind::Xlsx => {
                        campaign_combo(ui, &mut self.campaign, true, campaigns);
                        true
                    }
                };
                let hint = if self.kind == Kind::Xlsx { "….xlsx" } else { "….pdf" };
                self.path.ui(ui, "保存到", hint, &[("选择…", Pick::Save)]);
                ui.horizontal(|ui| {
                    let go = ui.add_enabled(
                        ready && self.path.path().is_some() && !self.busy,
                        egui::Button::new("生成"),
                    );
                    if self.busy {
                        ui.spinner();
                        ui.label(RichText::new("正在生成…").small());
                    }
                    if go.clicked()
                        && let Some(path) = self.path.path()
                    {
                        let campaign = (!self.campaign.is_empty()).then(|| self.campaign.clone());
                        let request = match self.kind {
                            Kind::ScoreSheet => ReportRequest::ScoreSheet {
                                case: case.unwrap_or_default().to_string(),
                                source: match self.source {
                                    Source::Mine => SheetSource::Reviewer(
                                        reviewer.map(|r| r.0.to_string()).unwrap_or_default(),
                                        reviewer.map(|r| r.1.to_string()),
                                    ),
                                    Source::Consensus => SheetSource::Consensus(self.campaign.clone()),
                                    Source::Blank => SheetSource::Blank,
                                },
                                unmasked: self.unmasked,
                                path,
                            },
                            Kind::Notice => ReportRequest::Notice {
                                unit: self.unit.clone(),
                                campaign,
                                path,
                            },
                            Kind::Campaign => ReportRequest::Campaign {
                                campaign: self.campaign.clone(),
                                internal: self.internal,
                                number: self.number.trim().to_string(),
                                path,
                            },
                            Kind::Xlsx => ReportRequest::Xlsx { campaign, path },
                        };
                        self.busy = true;
                        requests.push(Request::Report(request));
                    }
                });
                ui.label(
                    RichText::new(
                        "PDF 生成后在主窗口中预览；个人信息默认遮蔽（姓名显示为“王某”，身份证号隐去中间8位）。",
                    )
                    .small(),
                );
                ui.separator();
                let header = egui::CollapsingHeader::new("公文设置与字体（通报、整改通知书）").show(ui, |ui| {
                    if let Some(r) = self.official_section(ui) {
                        requests.push(r);
                    }
                });
                if header.fully_open() && !self.official_asked {
                    self.official_asked = true;
                    requests.push(Request::OfficialSettings);
                }
            });
        if !open {
            self.open = false;
        }
        requests
    }
}

impl ReportsWindow {
    /// 发文字号 patterns, 依据文件, contact, 抄送 and 印发 (saved on their own), and the font of
    /// each 公文 role (installed, or the bundled fallback).
    fn official_section(&mut self, ui: &mut egui::Ui) -> Option<Request> {
        let palette = theme::palette(ui.visuals().dark_mode);
        let Some((stored, draft)) = self.official.as_mut() else {
            ui.label(RichText::new("正在读取…").small());
            return None;
        };
        let mut request = None;
        egui::Grid::new("official-settings").num_columns(2).show(ui, |ui| {
            for (label, value, hint) in [
                ("通报文号格式", &mut draft.report_number, "{year} 年份，{n} 序号"),
                ("整改通知文号格式", &mut draft.notice_number, "{year} 年份，{n} 序号"),
                ("依据文件", &mut draft.basis, "《……评查工作方案》"),
                ("联系人", &mut draft.contact, ""),
                ("联系电话", &mut draft.phone, ""),
                ("印发机关", &mut draft.printed_by, "留空：本机关"),
            ] {
                let l = ui.label(label);
                ui.add(egui::TextEdit::singleline(value).hint_text(hint).desired_width(300.0))
                    .labelled_by(l.id);
                ui.end_row();
            }
            let l = ui.label("抄送机关");
            ui.add(
                egui::TextEdit::singleline(&mut self.copy_to_text)
                    .hint_text("多个用顿号分隔")
                    .desired_width(300.0),
            )
            .labelled_by(l.id);
            ui.end_row();
        });
        draft.copy_to = self
            .copy_to_text
            .split(['、', ',', '，'])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let patterns_ok = draft.report_number.contains("{n}") && draft.notice_number.contains("{n}");
        if !patterns_ok {
            ui.label(RichText::new("文号格式须含 {n}（序号），如 评查通报〔{year}〕{n}号").color(palette.veto));
        }
        if ui
            .add_enabled(stored != draft && patterns_ok, egui::Button::new("保存公文设置"))
            .clicked()
        {
            request = Some(Request::SaveOfficialSettings(Box::new(draft.clone())));
            *stored = draft.clone();
        }
        ui.label(
            RichText::new("各部分所用字体（GB/T 9704：标题小标宋、正文仿宋、一级标题黑体、二级标题楷体）").strong(),
        );
        for line in &self.fonts {
            let color = if line.contains("内置替代字体") {
                palette.deduction
            } else {
                palette.pass
            };
            ui.label(RichText::new(line).small().color(color));
        }
        if self.fonts.iter().any(|l| l.contains("内置替代字体")) {
            ui.label(
                RichText::new("未找到的字体以内置开源字体替代；安装方正小标宋简体、仿宋_GB2312、楷体_GB2312、黑体后重新打开程序即用系统字体。")
                    .small()
                    .color(palette.weak_text),
            );
        }
        request
    }
}

/// The campaign drop-down (with "不限评查活动" when `optional`).
fn campaign_combo(ui: &mut egui::Ui, value: &mut String, optional: bool, campaigns: &[String]) {
    egui::ComboBox::from_id_salt("report-campaign")
        .selected_text(if value.is_empty() {
            if optional {
                "不限评查活动"
            } else {
                "选择评查活动"
            }
        } else {
            value.as_str()
        })
        .show_ui(ui, |ui| {
            if optional {
                ui.selectable_value(value, String::new(), "不限评查活动");
            }
            for c in campaigns {
                ui.selectable_value(value, c.clone(), c);
            }
        })
        .response
        .on_hover_text("评查活动");
}
