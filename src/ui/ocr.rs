//! The OCR component: the project's 导入时文字识别 setting, the background job (started for
//! a case, for the project, or after an import), its progress and cancel in the status bar,
//! and what it reports when it ends. The job runs on its own thread (`service::ocr::OcrJob`), so
//! marking, browsing and search go on while it reads.

use std::path::PathBuf;

use egui::RichText;

use crate::service::ocr::{OcrJob, OcrScope};

/// What the component asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum OcrIntent {
    /// Save the project's setting.
    SaveScope(OcrScope),
    /// Save the project's automatic acceptance of sure values (`None`: off).
    SaveAutoAccept(Option<f32>),
    /// A message for the notifications: (is an error, text).
    Notify(bool, String),
    /// Pages were stored: the viewer asks for the shown page's reading again.
    PagesStored,
}

/// The OCR setting and job of the open project.
#[derive(Default)]
pub struct OcrPanel {
    scope: OcrScope,
    /// The project's automatic acceptance threshold (`None`: every value needs a person).
    auto_accept: Option<f32>,
    job: Option<OcrJob>,
    /// Pages done at the last look (to notice new pages stored).
    seen_done: usize,
    /// The facts proposed for the case on screen (its number), once the project answered.
    facts: Option<(String, crate::service::facts::CaseProposals)>,
    /// The case whose facts were asked for.
    facts_asked: Option<String>,
}

impl OcrPanel {
    /// The project's setting, from the project thread.
    pub fn set_auto_accept(&mut self, threshold: Option<f32>) {
        self.auto_accept = threshold;
    }

    /// The project's setting, as the project answered.
    pub fn set_scope(&mut self, scope: OcrScope) {
        self.scope = scope;
    }

    /// Whether a job is reading.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// Starts reading `case` (or the whole project) in the project at `dir`: pages without a
    /// text layer, or every page with `all_pages`. A job already running is left to finish.
    pub fn start(
        &mut self,
        dir: PathBuf,
        case: Option<String>,
        all_pages: bool,
        ctx: &egui::Context,
    ) -> Option<OcrIntent> {
        if self.job.is_some() {
            return Some(OcrIntent::Notify(false, "文字识别正在进行，完成后再试".into()));
        }
        let scope = if all_pages {
            OcrScope::AllPages
        } else {
            OcrScope::MissingText
        };
        let wake = ctx.clone();
        match OcrJob::start(dir, case, scope, move || wake.request_repaint()) {
            Ok(job) => {
                self.job = Some(job);
                self.seen_done = 0;
                None
            }
            Err(e) => Some(OcrIntent::Notify(true, e)),
        }
    }

    /// After an import: reads what the project's setting asks for (nothing when it is off).
    pub fn after_import(&mut self, dir: PathBuf, ctx: &egui::Context) -> Option<OcrIntent> {
        match self.scope {
            OcrScope::Off => None,
            scope => self.start(dir, None, scope == OcrScope::AllPages, ctx),
        }
    }

    /// Stops the job (a closed project).
    pub fn stop(&mut self) {
        if let Some(job) = self.job.take() {
            job.cancel();
        }
    }

    /// The case whose facts to ask the project for, once per case (and again after new pages).
    pub fn wanted_facts(&mut self, number: Option<&str>) -> Option<String> {
        let number = number?;
        let have = self.facts.as_ref().is_some_and(|(n, _)| n == number);
        if have || self.facts_asked.as_deref() == Some(number) {
            return None;
        }
        self.facts_asked = Some(number.to_string());
        Some(number.to_string())
    }

    /// The project's answer.
    pub fn set_facts(&mut self, number: String, proposals: crate::service::facts::CaseProposals) {
        if self.facts_asked.as_deref() == Some(number.as_str()) {
            self.facts_asked = None;
        }
        self.facts = Some((number, proposals));
    }

    /// How many of the case's scanned documents are not read yet, once the project said.
    pub fn unread(&self, number: &str) -> Option<usize> {
        self.facts
            .as_ref()
            .filter(|(n, _)| n == number)
            .map(|(_, p)| p.unread.len())
    }

    /// Forgets the facts (pages were stored): asked again.
    pub fn forget_facts(&mut self) {
        self.facts = None;
        self.facts_asked = None;
    }

    /// The facts proposed for case `number`, once the project answered.
    pub fn proposals(&self, number: &str) -> Option<&crate::service::facts::CaseProposals> {
        self.facts.as_ref().filter(|(n, _)| n == number).map(|(_, p)| p)
    }

    /// Looks at the job: new pages, and its end.
    pub fn poll(&mut self) -> Vec<OcrIntent> {
        let Some(job) = &self.job else { return Vec::new() };
        let state = job.state();
        let mut intents = Vec::new();
        if state.progress.pages_done != self.seen_done {
            self.seen_done = state.progress.pages_done;
            intents.push(OcrIntent::PagesStored);
        }
        if let Some(finished) = state.finished {
            self.job = None;
            match finished {
                Ok(report) if report.pages_read == 0 && report.failures.is_empty() && !report.cancelled => {}
                Ok(report) => {
                    for failure in &report.failures {
                        intents.push(OcrIntent::Notify(true, failure.to_string()));
                    }
                    intents.push(OcrIntent::Notify(false, report.summary()));
                }
                Err(e) => intents.push(OcrIntent::Notify(true, e)),
            }
            intents.push(OcrIntent::PagesStored);
        }
        intents
    }

    /// Progress and 取消 in the status bar (nothing when idle).
    pub fn status_ui(&mut self, ui: &mut egui::Ui) {
        let Some(job) = &self.job else { return };
        let p = job.state().progress;
        super::theme::progress_bar(
            ui,
            p.pages_done,
            p.pages_total,
            200.0,
            format!("文字识别 {}/{} 页", p.pages_done, p.pages_total),
        );
        ui.label(RichText::new(&p.current).small());
        if ui
            .button("取消识别")
            .on_hover_text("已识别的页面保留；再次识别时从中断处继续")
            .clicked()
        {
            job.cancel();
        }
        ui.separator();
    }

    /// The setting in the import window.
    pub fn scope_ui(&mut self, ui: &mut egui::Ui) -> Option<OcrIntent> {
        let mut chosen = self.scope;
        let label = ui.label("导入时文字识别");
        egui::ComboBox::from_id_salt("ocr-scope")
            .selected_text(chosen.label())
            .show_ui(ui, |ui| {
                for scope in OcrScope::ALL {
                    ui.selectable_value(&mut chosen, scope, scope.label());
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("扫描件（没有文字层的 PDF 和图片）导入后在后台识别文字，识别后可全文检索");
        if chosen != self.scope {
            self.scope = chosen;
            return Some(OcrIntent::SaveScope(chosen));
        }
        None
    }

    /// The automatic acceptance setting in the import window.
    pub fn auto_accept_ui(&mut self, ui: &mut egui::Ui) -> Option<OcrIntent> {
        let mut on = self.auto_accept.is_some();
        let mut threshold = self.auto_accept.unwrap_or(crate::service::facts::AUTO_ACCEPT_SUGGESTED);
        ui.checkbox(&mut on, "识别后自动采纳有把握的事实")
            .on_hover_text("无疑问且置信度不低于所设值的识别结果，自动填入案卷未载明的事实（不改已有的值），修改记录记在“自动采纳”名下；关闭时一律由评查人员采纳");
        if on {
            ui.label("置信度不低于");
            ui.add(
                egui::DragValue::new(&mut threshold)
                    .range(crate::service::facts::AUTO_ACCEPT_RANGE)
                    .speed(0.005)
                    .fixed_decimals(2),
            );
        }
        let chosen = on.then_some(threshold);
        if chosen != self.auto_accept {
            self.auto_accept = chosen;
            return Some(OcrIntent::SaveAutoAccept(chosen));
        }
        None
    }
}
