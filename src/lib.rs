//! Pingcha (评查): offline review of administrative enforcement case files.
//!
//! Layers, from pure to imperative (see ARCHITECTURE.md; `tests/layers.rs` enforces them):
//! `domain` → `import`, `report` → `store` → `service` → `cli`, `ui`.

pub mod assets;
pub mod cli;
pub mod domain;
pub mod facts;
pub mod harness;
pub mod import;
pub mod ocr;
pub mod places;
pub mod preview;
pub mod progress;
pub mod report;
pub mod review;
pub mod rules;
pub mod sample;
pub mod scoring;
pub mod service;
pub mod store;
#[cfg(feature = "app")]
pub mod ui;
pub mod worker;
