//! The service layer: everything the window and the command line can do to a project, in
//! one place. A [`Session`] (project, rules, reviewer) has a method per piece of work, with
//! typed inputs and outputs and a [`ServiceError`] naming the file, line or field; `host` runs
//! sessions on the window's threads (answers first, long jobs beside them) and speaks the
//! typed [`protocol`]. The feature modules hold the work itself: `import` (batches of
//! packages, ledgers and registries, with progress and cancel), `checks` (the rules' context),
//! `review` (checklists, marks), `reports`, `rectify`, `facts`, `ocr`.
//!
//! May use every non-UI module. Must not use `egui` or `rfd`: callers pass a progress callback
//! (the window's wakes the frame with `request_repaint`).

pub mod checks;
pub mod error;
pub mod facts;
pub mod host;
pub mod import;
pub mod ocr;
pub mod protocol;
pub mod rectify;
pub mod reports;
pub mod review;
pub mod session;

pub use import::{ImportProgress, ImportReport, ItemReport, ItemResult, WorkItem, plan_import, run_import};

pub use error::{Job, Outcome, ServiceError};
pub use session::Session;
