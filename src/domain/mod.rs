//! Plain domain types: case, document, officer, party, dates and the 文书 vocabulary.
//!
//! Pure data and pure functions only. Must not depend on I/O, `rusqlite`, `egui`,
//! `printpdf` or `rfd`; every other module may depend on this one.

pub mod calendar;
pub mod case;
pub mod vocabulary;

pub use calendar::{Counted, WorkingCalendar, YearSchedule};
pub use case::*;
pub use vocabulary::{DOCUMENT_TYPES, DocumentStage, archive_rank as archive_rank_of, guess_document_type, stage_of};
