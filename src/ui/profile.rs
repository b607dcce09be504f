//! The 评查员 window: the reviewer identities kept on this machine (several for a shared
//! laptop), the active one, and the confirmed reviewer of the open project.
//!
//! Owns: the machine's profiles (persisted by `app.rs`). Must not touch: the service (the
//! chosen profile goes to the project as `Request::SetReviewer`, sent by `app.rs`).

use egui::RichText;

use crate::store::Reviewer;

/// eframe storage key of the profiles.
pub const PROFILES_KEY: &str = "reviewer_profiles";

/// A reviewer identity kept on this machine (several for shared laptops).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
}

/// The saved profiles and the active one (what eframe stores).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Profiles {
    list: Vec<Profile>,
    active: Option<usize>,
}

/// The 评查员 window and who is scoring.
pub struct ProfileWindow {
    saved: Profiles,
    open: bool,
    draft: Profile,
    /// The reviewer the open project has confirmed.
    confirmed: Option<Reviewer>,
}

impl ProfileWindow {
    /// The window over saved profiles; it opens by itself when none is active.
    pub fn new(saved: Profiles) -> Self {
        let open = saved.active.is_none();
        Self {
            saved,
            open,
            draft: Profile::default(),
            confirmed: None,
        }
    }

    /// What eframe stores.
    pub fn saved(&self) -> &Profiles {
        &self.saved
    }

    /// The active profile, if any.
    pub fn active(&self) -> Option<Profile> {
        self.saved.active.and_then(|i| self.saved.list.get(i)).cloned()
    }

    /// Makes a profile the active one (added if new) and closes the window.
    pub fn choose(&mut self, name: &str, unit: &str) -> Profile {
        let profile = Profile {
            name: name.trim().to_string(),
            unit: unit.trim().to_string(),
        };
        let index = match self.saved.list.iter().position(|p| *p == profile) {
            Some(i) => i,
            None => {
                self.saved.list.push(profile.clone());
                self.saved.list.len() - 1
            }
        };
        self.saved.active = Some(index);
        self.open = false;
        profile
    }

    /// Opens the window.
    pub fn show(&mut self) {
        self.open = true;
    }

    /// The project confirmed the reviewer (or, with `None`, a project closed).
    pub fn apply(&mut self, reviewer: Option<Reviewer>) {
        self.confirmed = reviewer;
    }

    /// The reviewer the project has confirmed.
    pub fn confirmed(&self) -> Option<&Reviewer> {
        self.confirmed.as_ref()
    }

    /// Draws the window while open; returns the profile chosen (added if new, made active).
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<Profile> {
        if !self.open {
            return None;
        }
        let mut open = true;
        let mut chosen: Option<Profile> = None;
        egui::Window::new("评查员")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label("每条评分都记在评查员名下。同一台电脑可保存多名评查员，轮流使用。");
                if !self.saved.list.is_empty() {
                    ui.label(RichText::new("已保存的评查员").strong());
                    for (i, p) in self.saved.list.iter().enumerate() {
                        let active = self.saved.active == Some(i);
                        if ui
                            .selectable_label(active, format!("{}（{}）", p.name, p.unit))
                            .clicked()
                        {
                            chosen = Some(p.clone());
                        }
                    }
                    ui.separator();
                }
                egui::Grid::new("profile-grid").num_columns(2).show(ui, |ui| {
                    let label = ui.label("姓名");
                    ui.add(egui::TextEdit::singleline(&mut self.draft.name).desired_width(220.0))
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label("单位");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.draft.unit)
                            .hint_text("如：市应急管理局法规科")
                            .desired_width(220.0),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                });
                let ready = !self.draft.name.trim().is_empty() && !self.draft.unit.trim().is_empty();
                if ui.add_enabled(ready, egui::Button::new("使用此评查员")).clicked() {
                    chosen = Some(self.draft.clone());
                }
            });
        if let Some(p) = chosen {
            self.draft = Profile::default();
            return Some(self.choose(&p.name, &p.unit));
        }
        if !open {
            self.open = false;
        }
        None
    }
}
