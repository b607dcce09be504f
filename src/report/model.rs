//! The document tree: what a document says, with no knowledge of pages or fonts.

/// A document to render.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// Title stored in the PDF's metadata.
    pub title: String,
    /// Small grey line at the top of every page (e.g. "虚构示例，非真实案件").
    pub running_header: Option<String>,
    /// The content, in order.
    pub blocks: Vec<Block>,
}

/// One block of content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The issuing body above a title, centred (e.g. 青禾市应急管理局).
    Issuer(String),
    /// The document title, large, bold, centred.
    Title(String),
    /// A centred line under the title (文号).
    Centered(String),
    /// A section heading, bold.
    Heading(String),
    /// A body paragraph with a two-character first-line indent.
    Paragraph(String),
    /// A body line without indent.
    Line(String),
    /// Label–value rows (e.g. 当事人：…), values wrapping under themselves.
    KeyValues(Vec<(String, String)>),
    /// A ruled table.
    Table(Table),
    /// Right-aligned closing lines (issuer, date, seal note).
    Signature(Vec<String>),
    /// A chart drawn as vector shapes.
    Chart(Chart),
    /// Vertical space in millimetres.
    Space(f32),
    /// Start a new page.
    PageBreak,
    /// From here on, pages are landscape (`true`) or portrait (a new page unless the current
    /// one is empty) — for wide tables.
    Landscape(bool),
}

/// A ruled table: a header row repeated on every page, and rows that wrap.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Header cells.
    pub headers: Vec<String>,
    /// Body rows.
    pub rows: Vec<Vec<String>>,
}

/// How a chart draws its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// One horizontal bar per row, labelled on the left, value on the right.
    Bars,
    /// Vertical bars side by side (a distribution), labels under them.
    Histogram,
}

/// A bar chart or histogram.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Caption above the chart.
    pub caption: String,
    /// Bars or histogram.
    pub kind: ChartKind,
    /// (label, value, value as printed).
    pub rows: Vec<(String, f64, String)>,
    /// The value a full-length bar stands for.
    pub max: f64,
}

impl Document {
    /// A new document with the given metadata title.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            ..Self::default()
        }
    }

    /// Appends a block.
    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    /// All text of the document in reading order (for tests and search previews).
    pub fn plain_text(&self) -> String {
        let mut out = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Issuer(t)
                | Block::Title(t)
                | Block::Centered(t)
                | Block::Heading(t)
                | Block::Paragraph(t)
                | Block::Line(t) => out.push(t.clone()),
                Block::KeyValues(kv) => out.extend(kv.iter().map(|(k, v)| format!("{k}：{v}"))),
                Block::Table(t) => {
                    out.push(t.headers.join(" "));
                    out.extend(t.rows.iter().map(|r| r.join(" ")));
                }
                Block::Signature(lines) => out.extend(lines.iter().cloned()),
                Block::Chart(c) => {
                    out.push(c.caption.clone());
                    out.extend(c.rows.iter().map(|(l, _, v)| format!("{l} {v}")));
                }
                Block::Space(_) | Block::PageBreak | Block::Landscape(_) => {}
            }
        }
        out.join("\n")
    }
}
