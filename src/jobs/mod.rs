//! Long work, run off the UI thread: importing batches of packages, ledgers and registries,
//! with progress reports and cancellation; scoring a case (`review`), shared by UI and CLI. (The UI runs these on its project backend thread.)
//!
//! May use every non-UI module. Must not use `egui` or `rfd`: callers pass a progress callback
//! (the UI's wakes the frame with `request_repaint`).

pub mod checks;
pub mod facts;
pub mod import;
pub mod ocr;
pub mod rectify;
pub mod reports;
pub mod review;

pub use import::{ImportProgress, ImportReport, ItemReport, ItemResult, WorkItem, plan_import, run_import};
