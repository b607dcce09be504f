//! The settings window (自动检查设置): the rules' parameters (statutory defaults; local or
//! unconfirmed ones marked), the departmental regimes by date (原安监总局令第15号 /
//! 应急管理部令第18号), the holiday schedules (bundled years and years the project added), and
//! the import limits (导入限制, saved on their own: they apply from the next import). Saving the
//! rules sends the whole settings to the backend, which stores them and checks every case again.

use egui::RichText;

use super::path_field::{PathField, Pick};
use super::theme;
use crate::import::ImportLimits;
use crate::rules::{DepartmentalRegime, ParameterSource, RuleSettings};
use crate::service::protocol::Request;

/// Window state.
#[derive(Default)]
pub struct SettingsWindow {
    /// Whether the window is shown.
    pub open: bool,
    draft: Option<RuleSettings>,
    stored: Option<RuleSettings>,
    years: Vec<(i32, String)>,
    added: Vec<i32>,
    stages_text: String,
    from_texts: Vec<String>,
    add_path: PathField,
    limits_draft: Option<ImportLimits>,
    limits_stored: Option<ImportLimits>,
}

impl SettingsWindow {
    /// New settings from the backend (after open or a save).
    pub fn set_data(&mut self, settings: RuleSettings, years: Vec<(i32, String)>, added: Vec<i32>) {
        self.stages_text = settings.recording_required_stages.join("、");
        self.from_texts = settings
            .regimes
            .iter()
            .map(|r| r.from.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default())
            .collect();
        self.draft = Some(settings.clone());
        self.stored = Some(settings);
        self.years = years;
        self.added = added;
    }

    /// The project's import limits from the backend (after open or a save).
    pub fn set_limits(&mut self, limits: ImportLimits) {
        self.limits_draft = Some(limits.clone());
        self.limits_stored = Some(limits);
    }

    /// Draws the window; returns requests for the service.
    pub fn ui(&mut self, ctx: &egui::Context) -> Vec<Request> {
        let mut requests = Vec::new();
        if !self.open {
            return requests;
        }
        self.add_path.poll(); // a picked-nothing message shows under the field
        let palette = theme::palette(ctx.global_style().visuals.dark_mode);
        let mut open = true;
        egui::Window::new("自动检查设置")
            .open(&mut open)
            .default_size([900.0, 640.0])
            .show(ctx, |ui| {
                let Some(draft) = self.draft.as_mut() else {
                    ui.label("正在读取…");
                    return;
                };
                let mut problems = Vec::new();
                egui::ScrollArea::vertical()
                    .max_height(ui.available_height() - 48.0)
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        ui.label(RichText::new("期限与限额").strong());
                        ui.label(
                            RichText::new("法定数值为默认值。“来源”一栏标明每个数值出自法律、部门规章、规范性文件还是本地设置；标注“未核实”的数值请按本地规定核对后修改。依据未核实数值或本地设置的问题至多作扣分提示。")
                                .small()
                                .color(palette.weak_text),
                        );
                        let sources = draft.sources();
                        let src = |key: &str| sources.iter().find(|s| s.key == key).cloned();
                        egui::Grid::new("rule-params").num_columns(3).striped(true).show(ui, |ui| {
                            for h in ["参数", "数值", "来源"] {
                                ui.label(RichText::new(h).small().strong());
                            }
                            ui.end_row();
                            number(ui, "决定书送达期限（工作日，行政处罚法第六十一条）", &mut draft.service_working_days, src("service_working_days"));
                            number(ui, "罚款缴纳期限（日，第六十七条）", &mut draft.payment_calendar_days, src("payment_calendar_days"));
                            number(ui, "处罚信息公示期限（工作日，国办发〔2018〕118号，可按地方规定）", &mut draft.publication_penalty_working_days, src("publication_penalty_working_days"));
                            number(ui, "追责时效（年，第三十六条）", &mut draft.limitation_years, src("limitation_years"));
                            number(ui, "涉及生命健康安全且有危害后果的追责时效（年）", &mut draft.limitation_harm_years, src("limitation_harm_years"));
                            number(ui, "听证申请期（工作日，第六十四条）", &mut draft.hearing_request_working_days, src("hearing_request_working_days"));
                            number(ui, "听证通知至少提前（工作日，第六十四条）", &mut draft.hearing_notice_working_days, src("hearing_notice_working_days"));
                            amount(ui, "简易程序罚款限额：个人（元，第五十一条）", &mut draft.summary_limit_individual_yuan, src("summary_limit_individual_yuan"));
                            amount(ui, "简易程序罚款限额：单位（元）", &mut draft.summary_limit_organization_yuan, src("summary_limit_organization_yuan"));
                            flag(ui, "简易程序限额含本数", &mut draft.summary_limit_inclusive, src("summary_limit_inclusive"));
                            amount(ui, "2021年7月15日前简易程序限额：个人（元）", &mut draft.summary_limits_before_2021_yuan.0, src("summary_limits_before_2021_yuan"));
                            amount(ui, "2021年7月15日前简易程序限额：单位（元）", &mut draft.summary_limits_before_2021_yuan.1, src("summary_limits_before_2021_yuan"));
                            flag(ui, "规章的陈述申辩期按工作日计（从有利于当事人的理解）", &mut draft.statement_window_in_working_days, None);
                            flag(ui, "办案期限等机关期限遇法定休假日顺延", &mut draft.roll_forward_agency_terms, src("roll_forward_agency_terms"));
                            number(ui, "查封扣押期限（日，行政强制法第二十五条）", &mut draft.seizure_term_days, src("seizure_term_days"));
                            number(ui, "查封扣押可延长（日）", &mut draft.seizure_extension_days, src("seizure_extension_days"));
                            let label = ui.label("须有音像记录的环节（以“、”分隔）");
                            ui.add({
                                let width = theme::fitted_width(ui, &self.stages_text, "", 220.0);
                                egui::TextEdit::singleline(&mut self.stages_text).desired_width(width)
                            })
                                .labelled_by(label.id);
                            source_label(ui, src("recording_required_stages"));
                            ui.end_row();
                        });
                        ui.add_space(theme::SPACE);
                        ui.label(RichText::new("听证范围的较大数额（行政处罚法第六十三条，以上含本数）").strong());
                        egui::Grid::new("hearing-figures").num_columns(3).striped(true).show(ui, |ui| {
                            amount(ui, "个人（元）", &mut draft.hearing_fine_individual_yuan, src("hearing_fine"));
                            amount(ui, "单位（元）", &mut draft.hearing_fine_organization_yuan, src("hearing_fine"));
                            flag(ui, "已按本省规定录入并核实", &mut draft.hearing_fine_confirmed, None);
                        });
                        ui.add_space(theme::SPACE);
                        ui.label(RichText::new("本地重大执法决定法制审核目录（国办发〔2018〕118号）").strong());
                        egui::Grid::new("major-catalog").num_columns(3).striped(true).show(ui, |ui| {
                            flag(ui, "已配置本地目录", &mut draft.major_catalog_configured, src("major_catalog"));
                            amount(ui, "罚款达到：个人（元）", &mut draft.major_fine_individual_yuan, None);
                            amount(ui, "罚款达到：单位（元）", &mut draft.major_fine_organization_yuan, None);
                            flag(ui, "责令停产停业、吊销许可证件、责令关闭列入目录", &mut draft.major_heavy_penalties, None);
                        });
                        ui.add_space(theme::SPACE);
                        ui.label(RichText::new("负责人集体讨论范围（行政处罚法第五十七条第二款）").strong());
                        egui::Grid::new("collective-scope").num_columns(3).striped(true).show(ui, |ui| {
                            flag(ui, "已配置集体讨论范围", &mut draft.collective_scope_configured, src("collective_scope"));
                            amount(ui, "罚款达到：个人（元）", &mut draft.collective_fine_individual_yuan, None);
                            amount(ui, "罚款达到：单位（元）", &mut draft.collective_fine_organization_yuan, None);
                            flag(ui, "责令停产停业、吊销许可证件、责令关闭须集体讨论", &mut draft.collective_heavy_penalties, None);
                        });
                        ui.add_space(theme::SPACE);
                        regimes_section(ui, draft, &mut self.from_texts, palette, &mut problems);
                        ui.add_space(theme::SPACE);
                        calendar_section(ui, &self.years, &self.added, &mut self.add_path, palette, &mut requests);
                        if let Some(limits) = self.limits_draft.as_mut() {
                            ui.add_space(12.0);
                            if let Some(request) = limits_section(ui, limits, self.limits_stored.as_ref()) {
                                requests.push(request);
                            }
                        }
                    });
                draft.recording_required_stages = self
                    .stages_text
                    .split(['、', ',', '，'])
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                ui.separator();
                ui.horizontal(|ui| {
                    for p in &problems {
                        ui.label(RichText::new(p).color(palette.veto));
                    }
                    let changed = self.stored.as_ref() != Some(&*draft);
                    if ui
                        .add_enabled(changed && problems.is_empty(), egui::Button::new("保存并重新检查"))
                        .clicked()
                    {
                        requests.push(Request::SaveRuleSettings(Box::new(draft.clone())));
                    }
                    if ui.button("恢复默认值").clicked() {
                        *draft = RuleSettings::default();
                        self.stages_text = draft.recording_required_stages.join("、");
                        self.from_texts = draft
                            .regimes
                            .iter()
                            .map(|r| r.from.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default())
                            .collect();
                    }
                });
            });
        if !open {
            self.open = false;
        }
        requests
    }
}

/// The calendar years with a holiday schedule (built in or added by the project), and a
/// file to add one.
fn calendar_section(
    ui: &mut egui::Ui,
    years: &[(i32, String)],
    added: &[i32],
    add_path: &mut PathField,
    palette: theme::Palette,
    requests: &mut Vec<Request>,
) {
    ui.label(RichText::new("节假日安排（行政处罚法第八十五条：工作日不含法定节假日）").strong());
    let mut drop_year = None;
    for (year, source) in years {
        ui.horizontal(|ui| {
            let added = added.contains(year);
            ui.label(format!("{year} 年"));
            ui.label(RichText::new(source).small().color(palette.weak_text));
            ui.label(RichText::new(if added { "项目添加" } else { "内置" }).small());
            if added && ui.small_button("删除").clicked() {
                drop_year = Some(*year);
            }
        });
    }
    if let Some(year) = drop_year {
        requests.push(Request::RemoveCalendarYear(year));
    }
    ui.label(
        RichText::new("没有安排的年份按周末计算，相关问题会注明。新的年度安排发布后，按 assets/calendars/ 中文件的格式写成 .toml 加入：")
            .small()
            .color(palette.weak_text),
    );
    add_path.ui(ui, "安排文件", "YYYY.toml", &[("选择…", Pick::Checklist)]);
    if ui
        .add_enabled(add_path.path().is_some(), egui::Button::new("加入该年度安排"))
        .clicked()
        && let Some(path) = add_path.path()
    {
        requests.push(Request::AddCalendarYear(path));
    }
}

/// The departmental regimes by date (one column set per 规章), each 施行日期 checked.
fn regimes_section(
    ui: &mut egui::Ui,
    draft: &mut RuleSettings,
    from_texts: &mut Vec<String>,
    palette: theme::Palette,
    problems: &mut Vec<String>,
) {
    ui.label(RichText::new("部门规章（按案件日期选用）").strong());
    ui.label(
        RichText::new("立案日期（复查按整改期限、陈述申辩按告知送达日期）落在哪一版施行期内，就按哪一版计算。未核实的版本在问题说明中注明。")
            .small()
            .color(palette.weak_text),
    );
    let mut remove = None;
    egui::ScrollArea::horizontal().id_salt("regimes-scroll").show(ui, |ui| {
        egui::Grid::new("regimes").num_columns(13).striped(true).show(ui, |ui| {
            for h in [
                "名称",
                "施行日期",
                "条文已核实",
                "补办立案（日）",
                "陈述申辩（工作日）",
                "整改复查（日）",
                "复查期限已核实",
                "办案期限（日）",
                "负责人批准（日）",
                "上一级批准（日）",
                "办案期限已核实",
                "“以下”含本数",
                "",
            ] {
                ui.label(RichText::new(h).small().strong());
            }
            ui.end_row();
            from_texts.resize(draft.regimes.len(), String::new());
            for (i, regime) in draft.regimes.iter_mut().enumerate() {
                // Sized to their content: a grid in a horizontal scroll area would
                // otherwise squeeze them to a few characters.
                let row_height = ui.spacing().interact_size.y;
                let width = theme::fitted_width(ui, &regime.name, "", 120.0);
                ui.add_sized([width, row_height], egui::TextEdit::singleline(&mut regime.name));
                let text = &mut from_texts[i];
                let width = theme::fitted_width(ui, text, "2000-01-01", 60.0);
                ui.add_sized([width, row_height], egui::TextEdit::singleline(text).hint_text("最早"));
                let trimmed = text.trim();
                if trimmed.is_empty() {
                    regime.from = None;
                } else {
                    match crate::domain::parse_iso_date(trimmed) {
                        Some(d) => regime.from = Some(d),
                        None => problems.push(format!(
                            "“{}”的施行日期“{trimmed}”不是有效日期（YYYY-MM-DD）",
                            regime.name
                        )),
                    }
                }
                ui.checkbox(&mut regime.confirmed, "");
                ui.add(egui::DragValue::new(&mut regime.filing_grace_days).range(0..=365));
                ui.add(egui::DragValue::new(&mut regime.statement_working_days).range(0..=60));
                ui.add(egui::DragValue::new(&mut regime.recheck_days).range(0..=365));
                ui.checkbox(&mut regime.recheck_confirmed, "");
                ui.add(egui::DragValue::new(&mut regime.decision_term_calendar_days).range(1..=3650));
                ui.add(egui::DragValue::new(&mut regime.decision_term_head_days).range(1..=3650));
                ui.add(egui::DragValue::new(&mut regime.decision_term_higher_days).range(1..=3650));
                ui.checkbox(&mut regime.decision_term_confirmed, "");
                ui.checkbox(&mut regime.below_inclusive, "");
                if ui.small_button("删除").clicked() {
                    remove = Some(i);
                }
                ui.end_row();
            }
        });
    });
    if let Some(i) = remove {
        draft.regimes.remove(i);
        from_texts.remove(i);
    }
    if ui.small_button("添加一版").clicked() {
        draft.regimes.push(DepartmentalRegime {
            name: "新规章".into(),
            confirmed: false,
            ..DepartmentalRegime::default()
        });
        from_texts.push(String::new());
    }
    if draft.regimes.is_empty() {
        problems.push("至少需要一版部门规章的参数".into());
    }
}

/// The third column: `法律 · 行政处罚法第六十七条`, `未核实` in the veto colour.
fn source_label(ui: &mut egui::Ui, source: Option<ParameterSource>) {
    let Some(source) = source else {
        ui.label("");
        return;
    };
    let palette = theme::palette(ui.visuals().dark_mode);
    ui.horizontal(|ui| {
        ui.label(RichText::new(source.level.label()).small().strong());
        ui.label(RichText::new(&source.citation).small().color(palette.weak_text));
        if !source.confirmed {
            ui.label(RichText::new("未核实").small().color(palette.veto));
        }
    });
}

fn number(ui: &mut egui::Ui, label: &str, value: &mut u32, source: Option<ParameterSource>) {
    let l = ui.label(label);
    ui.add(egui::DragValue::new(value).range(0..=3650)).labelled_by(l.id);
    source_label(ui, source);
    ui.end_row();
}

fn amount(ui: &mut egui::Ui, label: &str, value: &mut f64, source: Option<ParameterSource>) {
    let l = ui.label(label);
    ui.add(egui::DragValue::new(value).range(0.0..=100_000_000.0).speed(100.0))
        .labelled_by(l.id);
    source_label(ui, source);
    ui.end_row();
}

fn flag(ui: &mut egui::Ui, label: &str, value: &mut bool, source: Option<ParameterSource>) {
    let l = ui.label(label);
    ui.checkbox(value, "").labelled_by(l.id);
    source_label(ui, source);
    ui.end_row();
}

/// 导入限制: the caps that keep a damaged or hostile file from taking an import down, with
/// their own save button (they apply from the next import; nothing is checked again).
fn limits_section(ui: &mut egui::Ui, limits: &mut ImportLimits, stored: Option<&ImportLimits>) -> Option<Request> {
    let palette = theme::palette(ui.visuals().dark_mode);
    ui.label(RichText::new("导入限制").strong());
    ui.label(
        RichText::new("防止损坏或恶意的文件拖垮导入：超过限制的文件被拒绝或记为“文本未能提取”，其余文件照常导入。一般无需修改；电脑内存较小时可调低读取进程内存上限。")
            .small()
            .color(palette.weak_text),
    );
    egui::Grid::new("import-limits")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            mib(
                ui,
                "压缩包解压后总大小上限（MB）",
                &mut limits.max_zip_uncompressed_bytes,
            );
            count(ui, "压缩包压缩比上限（倍）", &mut limits.max_zip_ratio, 1_000_000);
            count(ui, "压缩包文件数上限", &mut limits.max_zip_entries, 10_000_000);
            let mut case_toml = limits.max_case_toml_bytes >> 10;
            if count(ui, "case.toml 大小上限（KB）", &mut case_toml, 1 << 20) {
                limits.max_case_toml_bytes = case_toml << 10;
            }
            let mut pdf_bytes = limits.max_pdf_text_bytes as u64;
            if mib(ui, "每份 PDF 解压内容上限（MB）", &mut pdf_bytes) {
                limits.max_pdf_text_bytes = usize::try_from(pdf_bytes).unwrap_or(usize::MAX);
            }
            count(ui, "PDF 每页操作数上限", &mut limits.max_pdf_page_tokens, 1_000_000_000);
            count(
                ui,
                "PDF 每份操作数上限",
                &mut limits.max_pdf_document_tokens,
                1_000_000_000,
            );
            count(ui, "表格行数上限", &mut limits.max_sheet_rows, 1_048_576);
            count(ui, "表格列数上限", &mut limits.max_sheet_columns, 16_384);
            count(ui, "表格单元格数上限", &mut limits.max_sheet_cells, 1_000_000_000);
            count(ui, "读取进程内存上限（MB）", &mut limits.reader_memory_mib, 1 << 20);
            count(ui, "读取单个文件时限（秒）", &mut limits.reader_seconds, 86_400);
        });
    let mut request = None;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(stored != Some(&*limits), egui::Button::new("保存导入限制"))
            .clicked()
        {
            request = Some(Request::SaveImportLimits(Box::new(limits.clone())));
        }
        if ui.button("导入限制恢复默认值").clicked() {
            *limits = ImportLimits::default();
        }
    });
    request
}

/// A whole-number limit (at least 1); whether it changed.
fn count<T: egui::emath::Numeric>(ui: &mut egui::Ui, label: &str, value: &mut T, max: u64) -> bool {
    let l = ui.label(label);
    let changed = ui
        .add(egui::DragValue::new(value).range(1..=max))
        .labelled_by(l.id)
        .changed();
    ui.end_row();
    changed
}

/// A size in bytes, edited in MB; whether it changed.
fn mib(ui: &mut egui::Ui, label: &str, bytes: &mut u64) -> bool {
    let mut mb = *bytes >> 20;
    let changed = count(ui, label, &mut mb, 1 << 30);
    if changed {
        *bytes = mb << 20;
    }
    changed
}
