//! Notifications: the messages in the corner (successes fade, errors stay until dismissed),
//! the session's 消息记录, and the long job running (`jobs`).
//!
//! Owns: the notices of this run. Must not touch: the service.

use egui::RichText;

use super::theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A success or a piece of news (leaves the corner after a while).
    Info,
    /// Something failed (stays until dismissed).
    Error,
}

/// One notification: shown in the corner for a while (errors until dismissed) and kept in
/// the 消息记录 for the session.
struct Notice {
    text: String,
    level: Level,
    /// `ctx` time it appeared.
    shown_at: f64,
    /// Wall-clock time, for the 消息记录.
    at: String,
    /// Still in the corner.
    on_screen: bool,
}

/// Notifications kept in the 消息记录.
const NOTICE_LOG: usize = 200;
/// Notifications in the corner at once.
const NOTICES_SHOWN: usize = 5;

/// How long a success stays in the corner: time to read it (about eight characters a
/// second, at least 12 s), longer while the pointer rests on it.
fn reading_time(text: &str) -> f64 {
    (text.chars().count() as f64 / 8.0).clamp(12.0, 40.0)
}

/// The notices of this run, and the long job running now.
#[derive(Default)]
pub struct Notifications {
    list: Vec<Notice>,
    hovered: bool,
    log_open: bool,
    /// The report, kit or statistics running behind the window.
    pub running: super::jobs::RunningJob,
}

impl Notifications {
    /// Adds a notice (the oldest of a full 消息记录 goes).
    pub fn push(&mut self, ctx: &egui::Context, level: Level, text: impl Into<String>) {
        let shown_at = ctx.input(|i| i.time);
        self.list.push(Notice {
            text: text.into(),
            level,
            shown_at,
            at: chrono::Local::now().format("%H:%M:%S").to_string(),
            on_screen: true,
        });
        if self.list.len() > NOTICE_LOG {
            self.list.remove(0);
        }
    }

    /// Opens the 消息记录.
    pub fn open_log(&mut self) {
        self.log_open = true;
    }

    /// The status bar's button text: how many notices, how many errors.
    pub fn summary(&self) -> String {
        let errors = self.list.iter().filter(|n| n.level == Level::Error).count();
        if errors > 0 {
            format!("消息记录（{} 条，错误 {errors}）", self.list.len())
        } else {
            format!("消息记录（{} 条）", self.list.len())
        }
    }

    /// Every notification of this session, oldest first (the 消息记录).
    pub fn log(&self) -> Vec<String> {
        self.list.iter().map(|n| n.text.clone()).collect()
    }

    /// The notifications in the corner now, oldest first.
    pub fn on_screen(&self) -> Vec<String> {
        self.list
            .iter()
            .filter(|n| n.on_screen)
            .map(|n| n.text.clone())
            .collect()
    }

    /// The notifications in the bottom-right corner, newest at the bottom.
    pub fn ui(&mut self, ctx: &egui::Context, dark: bool) {
        let now = ctx.input(|i| i.time);
        if !self.hovered {
            for n in &mut self.list {
                if n.level == Level::Info && now - n.shown_at > reading_time(&n.text) {
                    n.on_screen = false;
                }
            }
        }
        let shown: Vec<usize> = (0..self.list.len()).filter(|&i| self.list[i].on_screen).collect();
        if shown.is_empty() {
            self.hovered = false;
            return;
        }
        let palette = theme::palette(dark);
        let mut dismiss = None;
        let mut open_log = false;
        // In order of time, the newest at the bottom, next to the corner: a new success is
        // never below an old error.
        let hidden = shown.len().saturating_sub(NOTICES_SHOWN);
        let response = egui::Area::new(egui::Id::unique("notices"))
            .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -40.0])
            .show(ctx, |ui| {
                ui.set_max_width(460.0);
                if hidden > 0 && ui.link(format!("另有 {hidden} 条较早的消息（消息记录）")).clicked() {
                    open_log = true;
                }
                for &i in &shown[hidden..] {
                    let notice = &self.list[i];
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.horizontal(|ui| {
                            let color = if notice.level == Level::Error {
                                palette.veto
                            } else {
                                palette.pass
                            };
                            ui.label(RichText::new(&notice.at).small().weak());
                            ui.label(RichText::new(&notice.text).color(color));
                            if ui.small_button("×").on_hover_text("关闭此消息").clicked() {
                                dismiss = Some(i);
                            }
                        });
                    });
                }
            })
            .response;
        self.hovered = response.contains_pointer();
        if let Some(i) = dismiss {
            self.list[i].on_screen = false;
        }
        if open_log {
            self.log_open = true;
        }
        ctx.request_repaint_after(std::time::Duration::from_secs(1));
    }

    /// The 消息记录 window: every notification of the session.
    pub fn log_window(&mut self, ctx: &egui::Context, dark: bool) {
        if !self.log_open {
            return;
        }
        let mut open = true;
        let palette = theme::palette(dark);
        egui::Window::new("消息记录")
            .open(&mut open)
            .default_size([640.0, 360.0])
            .show(ctx, |ui| {
                if self.list.is_empty() {
                    ui.label("本次运行还没有消息。");
                    return;
                }
                egui::ScrollArea::vertical().stick_to_bottom(true).show(ui, |ui| {
                    egui::Grid::new("notice-log")
                        .num_columns(3)
                        .striped(true)
                        .show(ui, |ui| {
                            for n in &self.list {
                                ui.label(RichText::new(&n.at).small());
                                let (kind, color) = match n.level {
                                    Level::Error => ("错误", palette.veto),
                                    Level::Info => ("完成", palette.pass),
                                };
                                ui.label(RichText::new(kind).color(color));
                                ui.add(egui::Label::new(&n.text).wrap());
                                ui.end_row();
                            }
                        });
                });
            });
        self.log_open = open;
    }
}

#[cfg(test)]
mod tests {
    use super::reading_time;

    #[test]
    fn a_long_message_stays_longer_within_limits() {
        assert_eq!(reading_time("导入完成"), 12.0, "short: the minimum");
        let long = "很".repeat(400);
        assert_eq!(reading_time(&long), 40.0, "long: the maximum");
        let mid = "字".repeat(160);
        assert_eq!(reading_time(&mid), 20.0);
    }
}
