//! The long job running behind the window (a report, a kit, campaign statistics), as its
//! progress events tell it: shown in the status bar with 取消 until it ends. Imports have
//! their own part of the status bar (`import_dialog`).
//!
//! Owns: which job runs and how far it is. Must not touch: the service (a cancel is an
//! intent the app carries out).

use crate::service::Job;

/// The job the service last said is running.
#[derive(Debug, Default)]
pub struct RunningJob {
    running: Option<(Job, usize, usize)>,
}

impl RunningJob {
    /// `job` was asked for: shown as waiting (no count yet) unless another job is shown.
    pub fn queued(&mut self, job: Job) {
        if self.running.is_none() {
            self.running = Some((job, 0, 0));
        }
    }

    /// `job` is at item `done` of `total`.
    pub fn apply_progress(&mut self, job: Job, done: usize, total: usize) {
        self.running = Some((job, done, total));
    }

    /// `job` ended (its result, failure or cancel came): it leaves the status bar.
    pub fn ended(&mut self, job: Job) {
        if self.running.is_some_and(|(running, _, _)| running == job) {
            self.running = None;
        }
    }

    /// The job shown and how far it is (`total` 0: not counted yet).
    pub fn running(&self) -> Option<(Job, usize, usize)> {
        self.running
    }

    /// Forgets the job (another project opened).
    pub fn clear(&mut self) {
        self.running = None;
    }

    /// The status bar's part: the job's name and progress with 取消; returns whether 取消 was
    /// clicked.
    pub fn status_ui(&self, ui: &mut egui::Ui) -> bool {
        let Some((job, done, total)) = self.running else {
            return false;
        };
        if total == 0 {
            ui.spinner();
            ui.label(format!("{}…", job.label()));
        } else {
            super::theme::progress_bar(ui, done, total, 200.0, format!("{} {done}/{total}", job.label()));
        }
        ui.button(super::commands::UiCommand::CancelJob.label())
            .on_hover_text("在处理完当前一件案卷后停止，不写出文件")
            .clicked()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_leaves_when_it_ends_and_not_when_another_does() {
        let mut running = RunningJob::default();
        running.queued(Job::Report);
        assert_eq!(running.running(), Some((Job::Report, 0, 0)));
        // A second job asked for meanwhile shows once it tells its progress.
        running.queued(Job::Statistics);
        assert_eq!(running.running(), Some((Job::Report, 0, 0)));
        running.apply_progress(Job::Report, 3, 10);
        assert_eq!(running.running(), Some((Job::Report, 3, 10)));
        running.ended(Job::Kit);
        assert_eq!(running.running(), Some((Job::Report, 3, 10)));
        running.ended(Job::Report);
        assert_eq!(running.running(), None);
    }
}
