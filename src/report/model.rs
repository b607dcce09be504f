//! The document tree: what a document says, with no knowledge of pages or fonts.

/// A document to render.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// Title stored in the PDF's metadata.
    pub title: String,
    /// Small grey line at the top of every page (e.g. "虚构示例，非真实案件").
    pub running_header: Option<String>,
    /// Set as a 公文 (GB/T 9704-2012): its type area, 仿宋 三号 body, 小标宋 title, headings in
    /// 黑体 (一、) and 楷体 (（一）), page numbers "— 1 —" at the outer edge. Otherwise a plain
    /// document in the bundled sans.
    pub official: bool,
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
    /// The head of a 公文: 发文机关标志 (red), 发文字号 and the red separator line.
    OfficialHead {
        /// 发文机关标志 (the issuing body's name, with 文件 when used).
        issuer: String,
        /// 发文字号 (`辽阳应急〔2024〕3号`).
        number: String,
    },
    /// 主送机关, flush left, ending in a full-width colon.
    Addressee(String),
    /// 附件说明: the names of the attachments, numbered.
    Attachments(Vec<String>),
    /// 版记 at the foot of the last page: 抄送 and 印发机关、印发日期, between rules.
    Colophon {
        /// 抄送机关 (none: no 抄送 line).
        copy_to: Vec<String>,
        /// 印发机关.
        printed_by: String,
        /// 印发日期 (`2024年12月1日`).
        printed_on: String,
    },
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
                Block::OfficialHead { issuer, number } => {
                    out.push(issuer.clone());
                    out.push(number.clone());
                }
                Block::Addressee(t) => out.push(t.clone()),
                Block::Attachments(names) => out.extend(names.iter().cloned()),
                Block::Colophon {
                    copy_to,
                    printed_by,
                    printed_on,
                } => {
                    if !copy_to.is_empty() {
                        out.push(format!("抄送：{}。", copy_to.join("，")));
                    }
                    out.push(format!("{printed_by} {printed_on}印发"));
                }
                Block::Space(_) | Block::PageBreak | Block::Landscape(_) => {}
            }
        }
        out.join("\n")
    }
}
