//! A long piece of work's control: its progress told as it goes, and a cancel checked
//! between steps (a report's cases, a kit's cases, a campaign's comparisons).
//!
//! Owns: [`Control`] and [`Cancelled`]. Must not touch: anything else — it is a leaf every
//! layer that runs long work may use (the import has its own, older, progress type).

use std::sync::atomic::{AtomicBool, Ordering};

/// The user asked a running job to stop; nothing it would have written was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("已取消")]
pub struct Cancelled;

/// What a long job reports to and asks of whoever runs it.
pub struct Control<'a> {
    cancel: Option<&'a AtomicBool>,
    progress: Box<dyn FnMut(usize, usize) + 'a>,
}

impl<'a> Control<'a> {
    /// A job run from a front: `progress(done, total)` before each step, `cancel` read
    /// between steps.
    pub fn new(cancel: &'a AtomicBool, progress: impl FnMut(usize, usize) + 'a) -> Self {
        Self {
            cancel: Some(cancel),
            progress: Box::new(progress),
        }
    }

    /// A job nobody watches or cancels (the command line, benchmarks, tests).
    pub fn unattended() -> Control<'static> {
        Control {
            cancel: None,
            progress: Box::new(|_, _| {}),
        }
    }

    /// Step `done` of `total` begins: tells the progress, and stops here when cancelled.
    pub fn step(&mut self, done: usize, total: usize) -> Result<(), Cancelled> {
        if self.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Cancelled);
        }
        (self.progress)(done, total);
        Ok(())
    }
}

impl std::fmt::Debug for Control<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("cancelled", &self.cancel.map(|c| c.load(Ordering::Relaxed)))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_tells_its_progress_until_cancelled() {
        let cancel = AtomicBool::new(false);
        let mut seen = Vec::new();
        {
            let mut control = Control::new(&cancel, |done, total| seen.push((done, total)));
            assert_eq!(control.step(0, 2), Ok(()));
            assert_eq!(control.step(1, 2), Ok(()));
            cancel.store(true, Ordering::Relaxed);
            assert_eq!(control.step(2, 2), Err(Cancelled));
        }
        assert_eq!(seen, vec![(0, 2), (1, 2)]);
    }

    #[test]
    fn an_unattended_job_is_never_cancelled() {
        let mut control = Control::unattended();
        assert_eq!(control.step(5, 5), Ok(()));
    }
}
