//! Documents Pingcha writes: `model` is a pure document tree (headings, paragraphs,
//! key–value blocks, tables, signature blocks); `pdf` lays it out on A4 pages with Chinese
//! line breaking and writes it with printpdf; `xlsx` writes spreadsheets (checklists).
//!
//! May use `domain`. Must not use `rusqlite`, `egui` or `rfd`; only `report::pdf` uses
//! `printpdf`.

pub mod documents;
pub mod fonts;
pub mod model;
pub mod pdf;
pub mod text;
pub mod xlsx;

pub use model::{Block, Chart, ChartKind, Document, Table};
pub use pdf::{PdfError, RenderedPdf, render_pdf, render_pdf_with};
