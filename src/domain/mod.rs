//! Plain domain types: case, document, officer, party, dates and the 文书 vocabulary.
//!
//! Pure data and pure functions only. Must not depend on I/O, `rusqlite`, `egui`,
//! `printpdf` or `rfd`; every other module may depend on this one.

pub mod calendar;
pub mod case;
pub mod case_facts;
pub mod checklist;
pub mod identity;
pub mod natural;
pub mod rectification;
pub mod vocabulary;

pub use calendar::{Counted, Period, PeriodEnd, PeriodUnit, WorkingCalendar, YearSchedule};
pub use case::*;
pub use checklist::*;
pub mod limits;
pub use natural::{NaturalKey, natural_key};
pub use vocabulary::{DOCUMENT_TYPES, DocumentStage, archive_rank as archive_rank_of, guess_document_type, stage_of};

/// The 1-based line and column (in characters) of a byte offset in `text`, for messages
/// about TOML files.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
