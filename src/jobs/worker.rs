//! A named background worker with a bounded channel of updates and a cancel flag.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::thread::JoinHandle;

/// A running job that sends updates of type `U` and finishes with a result of type `R`.
pub struct Job<U, R> {
    updates: Receiver<U>,
    handle: Option<JoinHandle<R>>,
    cancel: Arc<AtomicBool>,
}

impl<U: Send + 'static, R: Send + 'static> Job<U, R> {
    /// Starts `work` on a named thread. `work` gets a sender for updates (bounded: a slow
    /// receiver slows the worker rather than growing memory) and the cancel flag; `wake` is
    /// called after every update and at the end (the UI passes `request_repaint`).
    pub fn spawn(
        name: &str,
        capacity: usize,
        wake: impl Fn() + Send + Sync + 'static,
        work: impl FnOnce(&dyn Fn(U), &AtomicBool) -> R + Send + 'static,
    ) -> std::io::Result<Self> {
        let (tx, rx): (SyncSender<U>, Receiver<U>) = sync_channel(capacity.max(1));
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let wake = Arc::new(wake);
        let handle = std::thread::Builder::new().name(name.to_string()).spawn(move || {
            let send = |u: U| {
                // The receiver may be gone (window closed): the work just goes on quietly.
                let _ = tx.send(u);
                wake();
            };
            let result = work(&send, &flag);
            wake();
            result
        })?;
        Ok(Self {
            updates: rx,
            handle: Some(handle),
            cancel,
        })
    }

    /// Takes the updates that have arrived, at most `budget` of them (a per-frame budget).
    pub fn drain(&self, budget: usize) -> Vec<U> {
        let mut out = Vec::new();
        while out.len() < budget {
            match self.updates.try_recv() {
                Ok(u) => out.push(u),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        out
    }

    /// Asks the job to stop at its next check.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether the worker has finished.
    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// The result, once finished; `None` while running or if the worker panicked.
    pub fn take_result(&mut self) -> Option<R> {
        if !self.is_finished() {
            return None;
        }
        self.handle.take().and_then(|h| h.join().ok())
    }
}
