//! Lays a [`Document`] out on A4 pages and writes it with printpdf — the only user of
//! printpdf. Text is measured with the bundled font's advances and broken by
//! [`super::text::wrap`]; each line is one positioned text section; fonts are embedded as
//! subsets with ToUnicode maps, so text stays extractable. Output is deterministic: the same
//! document gives the same bytes (fixed font ids, no clock).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Polygon, PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};

use super::model::{Block, Chart, ChartKind, Document, Table};
use super::text::{units, wrap};

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The bundled font could not be parsed (a broken build).
    #[error("内置字体无法加载：{0}")]
    Font(String),
}

/// Page geometry and type sizes, in points (1 mm = 2.835 pt).
mod style {
    pub const PAGE_W: f32 = 595.28;
    pub const PAGE_H: f32 = 841.89;
    pub const MARGIN_TOP: f32 = 72.0;
    pub const MARGIN_BOTTOM: f32 = 68.0;
    pub const MARGIN_LEFT: f32 = 76.0;
    pub const MARGIN_RIGHT: f32 = 70.0;
    pub const BODY: f32 = 12.0;
    pub const TITLE: f32 = 20.0;
    pub const ISSUER: f32 = 15.0;
    pub const HEADING: f32 = 13.0;
    pub const TABLE: f32 = 10.5;
    pub const SMALL: f32 = 9.0;
    pub const LEADING: f32 = 1.7;
    pub const CELL_PAD: f32 = 4.0;
    pub const RULE: f32 = 0.6;
}
use style::*;

struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

fn fonts() -> Result<&'static Fonts, PdfError> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let parse = |bytes: &[u8], name: &str| {
                ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or_else(|| format!("{name} 解析失败"))
            };
            Ok(Fonts {
                regular: parse(crate::assets::FONT_REGULAR, "NotoSansCJKsc-Regular")?,
                bold: parse(crate::assets::FONT_BOLD, "NotoSansCJKsc-Bold")?,
            })
        })
        .as_ref()
        .map_err(|e| PdfError::Font(e.clone()))
}

#[derive(Clone, Copy, PartialEq)]
enum Weight {
    Regular,
    Bold,
}

/// A positioned item on a page; y is measured from the top edge.
enum Item {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        weight: Weight,
        grey: bool,
        text: String,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
    /// A filled rectangle (chart bars), top-left corner and size, in a grey level 0–1.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        level: f32,
    },
}

struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Item>>,
    /// Orientation of each page (true: landscape), parallel to `pages`.
    landscape: Vec<bool>,
    /// Orientation of the next page.
    next_landscape: bool,
    y: f32,
    advance_cache: BTreeMap<(char, bool), f32>,
}

impl<'f> Layout<'f> {
    fn is_landscape(&self) -> bool {
        self.landscape.last().copied().unwrap_or(self.next_landscape)
    }

    fn content_width(&self) -> f32 {
        page_size(self.is_landscape()).0 - MARGIN_LEFT - MARGIN_RIGHT
    }

    fn bottom(&self) -> f32 {
        page_size(self.is_landscape()).1 - MARGIN_BOTTOM
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.landscape.push(self.next_landscape);
        self.y = MARGIN_TOP;
    }

    /// Switches orientation: a new page unless the current one is still empty.
    fn orient(&mut self, landscape: bool) {
        self.next_landscape = landscape;
        if self.is_landscape() == landscape {
            return;
        }
        if self.pages.last().is_some_and(Vec::is_empty) {
            if let Some(last) = self.landscape.last_mut() {
                *last = landscape;
            }
        } else {
            self.new_page();
        }
    }

    /// Width of `text` at `size`, in points.
    fn width(&mut self, text: &str, size: f32, weight: Weight) -> f32 {
        let bold = weight == Weight::Bold;
        let mut total = 0.0;
        for c in text.chars() {
            let per_em = match self.advance_cache.get(&(c, bold)) {
                Some(w) => *w,
                None => {
                    let font = if bold { &self.fonts.bold } else { &self.fonts.regular };
                    let upm = f32::from(font.font_metrics.units_per_em.max(1));
                    let w = font
                        .lookup_glyph_index(u32::from(c))
                        .map_or(if c.is_ascii() { 0.5 } else { 1.0 }, |g| {
                            f32::from(font.get_horizontal_advance(g)) / upm
                        });
                    self.advance_cache.insert((c, bold), w);
                    w
                }
            };
            total += per_em * size;
        }
        total
    }

    fn measure_fn(&mut self, size: f32, weight: Weight) -> impl Fn(&str) -> f32 + use<> {
        // Precompute advances for the text about to be wrapped is not possible without the
        // text; instead snapshot the cache after warming it in `wrap_text`.
        let cache = self.advance_cache.clone();
        let bold = weight == Weight::Bold;
        move |s: &str| {
            s.chars()
                .map(|c| cache.get(&(c, bold)).copied().unwrap_or(1.0) * size)
                .sum()
        }
    }

    fn wrap_text(&mut self, text: &str, size: f32, weight: Weight, max_width: f32, indent: f32) -> Vec<String> {
        // Warm the advance cache for every character, then wrap with a pure measure.
        for unit in units(text) {
            self.width(unit, size, weight);
        }
        let measure = self.measure_fn(size, weight);
        wrap(text, max_width, indent, &measure)
    }

    fn ensure_room(&mut self, height: f32) {
        if self.pages.is_empty() || self.y + height > self.bottom() {
            self.new_page();
        }
    }

    fn push_text(&mut self, x: f32, top: f32, line_height: f32, size: f32, weight: Weight, text: String) {
        // Centre the em box in the line box; Noto CJK's ascender is 0.88 em.
        let baseline = top + (line_height - size) / 2.0 + size * 0.88;
        if let Some(page) = self.pages.last_mut() {
            page.push(Item::Text {
                x,
                baseline,
                size,
                weight,
                grey: false,
                text,
            });
        }
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        if let Some(page) = self.pages.last_mut() {
            page.push(Item::Rule { x1, y1, x2, y2 });
        }
    }

    /// Lines of text flowing across pages, aligned left, centred or right.
    fn flow(&mut self, text: &str, size: f32, weight: Weight, indent_chars: f32, align: Align) {
        let line_height = size * LEADING;
        let width = self.content_width();
        let indent = indent_chars * size;
        let lines = self.wrap_text(text, size, weight, width, indent);
        for (i, line) in lines.into_iter().enumerate() {
            self.ensure_room(line_height);
            let w = self.width(&line, size, weight);
            let x = match align {
                Align::Left => MARGIN_LEFT + if i == 0 { indent } else { 0.0 },
                Align::Center => MARGIN_LEFT + (width - w).max(0.0) / 2.0,
                Align::Right => MARGIN_LEFT + (width - w - 2.0 * size).max(0.0),
            };
            let top = self.y;
            self.push_text(x, top, line_height, size, weight, line);
            self.y += line_height;
        }
    }

    fn key_values(&mut self, rows: &[(String, String)]) {
        let size = BODY;
        let line_height = size * LEADING;
        let label_width = rows
            .iter()
            .map(|(k, _)| format!("{k}："))
            .map(|k| self.width(&k, size, Weight::Bold))
            .fold(0.0_f32, f32::max)
            .min(self.content_width() * 0.35);
        let value_width = self.content_width() - label_width;
        for (key, value) in rows {
            let label_lines = self.wrap_text(&format!("{key}："), size, Weight::Bold, label_width, 0.0);
            let value_lines = self.wrap_text(value, size, Weight::Regular, value_width, 0.0);
            let n = label_lines.len().max(value_lines.len());
            for i in 0..n {
                self.ensure_room(line_height);
                let top = self.y;
                if let Some(l) = label_lines.get(i) {
                    self.push_text(MARGIN_LEFT, top, line_height, size, Weight::Bold, l.clone());
                }
                if let Some(v) = value_lines.get(i) {
                    self.push_text(
                        MARGIN_LEFT + label_width,
                        top,
                        line_height,
                        size,
                        Weight::Regular,
                        v.clone(),
                    );
                }
                self.y += line_height;
            }
        }
    }

    fn column_widths(&mut self, table: &Table) -> Vec<f32> {
        let n = table
            .headers
            .len()
            .max(table.rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let pad = 2.0 * CELL_PAD;
        let mut natural = vec![pad + TABLE * 2.0; n];
        let mut minimum = vec![pad + TABLE * 2.0; n];
        let all_rows = std::iter::once(&table.headers)
            .chain(&table.rows)
            .cloned()
            .collect::<Vec<_>>();
        for row in &all_rows {
            for (i, cell) in row.iter().enumerate().take(n) {
                let w = self.width(cell, TABLE, Weight::Regular) + pad;
                natural[i] = natural[i].max(w.min(self.content_width()));
                let longest_unit = units(cell)
                    .into_iter()
                    .map(|u| self.width(u, TABLE, Weight::Regular))
                    .fold(0.0, f32::max);
                minimum[i] = minimum[i].max((longest_unit + pad).min(self.content_width() / n as f32));
            }
        }
        let avail = self.content_width();
        let total_natural: f32 = natural.iter().sum();
        if total_natural <= avail {
            let extra = (avail - total_natural) / n as f32;
            return natural.iter().map(|w| w + extra).collect();
        }
        let total_min: f32 = minimum.iter().sum();
        if total_min >= avail {
            return minimum.iter().map(|w| w * avail / total_min).collect();
        }
        let flex: f32 = natural.iter().zip(&minimum).map(|(n, m)| n - m).sum();
        natural
            .iter()
            .zip(&minimum)
            .map(|(n, m)| m + (n - m) * (avail - total_min) / flex.max(0.001))
            .collect()
    }

    fn table_row(&mut self, cells: &[String], widths: &[f32], weight: Weight) -> (Vec<Vec<String>>, f32) {
        let line_height = TABLE * 1.45;
        let mut wrapped = Vec::new();
        for (i, w) in widths.iter().enumerate() {
            let text = cells.get(i).map_or("", String::as_str);
            wrapped.push(self.wrap_text(text, TABLE, weight, w - 2.0 * CELL_PAD, 0.0));
        }
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (wrapped, lines as f32 * line_height + 2.0 * CELL_PAD)
    }

    fn draw_row(&mut self, wrapped: Vec<Vec<String>>, widths: &[f32], height: f32, weight: Weight) {
        let line_height = TABLE * 1.45;
        let top = self.y;
        let mut x = MARGIN_LEFT;
        let right = MARGIN_LEFT + widths.iter().sum::<f32>();
        self.rule(MARGIN_LEFT, top, right, top);
        self.rule(MARGIN_LEFT, top + height, right, top + height);
        self.rule(MARGIN_LEFT, top, MARGIN_LEFT, top + height);
        for (cell, w) in wrapped.into_iter().zip(widths) {
            for (i, line) in cell.into_iter().enumerate() {
                let line_top = top + CELL_PAD + i as f32 * line_height;
                self.push_text(x + CELL_PAD, line_top, line_height, TABLE, weight, line);
            }
            x += w;
            self.rule(x, top, x, top + height);
        }
        self.y += height;
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, level: f32) {
        if let Some(page) = self.pages.last_mut() {
            page.push(Item::Rect { x, y, w, h, level });
        }
    }

    /// A chart: a caption, then bars (label | bar | value) or a histogram (columns with
    /// labels under them). Kept on one page.
    fn chart(&mut self, chart: &Chart) {
        let row_h = TABLE * 1.9;
        let max = if chart.max > 0.0 { chart.max } else { 1.0 };
        let height = match chart.kind {
            ChartKind::Bars => HEADING * LEADING + chart.rows.len() as f32 * row_h,
            ChartKind::Histogram => HEADING * LEADING + 130.0,
        };
        self.ensure_room(height.min(self.bottom() - MARGIN_TOP));
        self.flow(&chart.caption, BODY, Weight::Bold, 0.0, Align::Left);
        let width = self.content_width();
        match chart.kind {
            ChartKind::Bars => {
                let label_w = chart
                    .rows
                    .iter()
                    .map(|(l, _, _)| self.width(l, TABLE, Weight::Regular))
                    .fold(0.0_f32, f32::max)
                    .min(width * 0.35)
                    + CELL_PAD;
                let value_w = chart
                    .rows
                    .iter()
                    .map(|(_, _, v)| self.width(v, TABLE, Weight::Regular))
                    .fold(0.0_f32, f32::max)
                    + CELL_PAD;
                let bar_w = (width - label_w - value_w - CELL_PAD).max(40.0);
                for (label, value, shown) in &chart.rows {
                    self.ensure_room(row_h);
                    let top = self.y;
                    let label = self.wrap_text(label, TABLE, Weight::Regular, label_w - CELL_PAD, 0.0);
                    if let Some(first) = label.into_iter().next() {
                        self.push_text(MARGIN_LEFT, top, row_h, TABLE, Weight::Regular, first);
                    }
                    let fraction = (value / max).clamp(0.0, 1.0) as f32;
                    self.rect(MARGIN_LEFT + label_w, top + row_h * 0.2, bar_w, row_h * 0.6, 0.92);
                    self.rect(
                        MARGIN_LEFT + label_w,
                        top + row_h * 0.2,
                        bar_w * fraction,
                        row_h * 0.6,
                        0.35,
                    );
                    self.push_text(
                        MARGIN_LEFT + label_w + bar_w + CELL_PAD,
                        top,
                        row_h,
                        TABLE,
                        Weight::Regular,
                        shown.clone(),
                    );
                    self.y += row_h;
                }
            }
            ChartKind::Histogram => {
                let plot_h = 100.0;
                let top = self.y;
                let n = chart.rows.len().max(1) as f32;
                let slot = width / n;
                let base = top + plot_h;
                self.rule(MARGIN_LEFT, base, MARGIN_LEFT + width, base);
                for (i, (label, value, shown)) in chart.rows.iter().enumerate() {
                    let fraction = (value / max).clamp(0.0, 1.0) as f32;
                    let h = plot_h * 0.9 * fraction;
                    let x = MARGIN_LEFT + slot * i as f32;
                    self.rect(x + slot * 0.15, base - h, slot * 0.7, h, 0.35);
                    let vw = self.width(shown, SMALL, Weight::Regular);
                    self.push_text(
                        x + (slot - vw) / 2.0,
                        base - h - SMALL * 1.6,
                        SMALL * 1.4,
                        SMALL,
                        Weight::Regular,
                        shown.clone(),
                    );
                    let lw = self.width(label, SMALL, Weight::Regular);
                    self.push_text(
                        x + (slot - lw).max(0.0) / 2.0,
                        base + 2.0,
                        SMALL * 1.4,
                        SMALL,
                        Weight::Regular,
                        label.clone(),
                    );
                }
                self.y = base + SMALL * 2.0;
            }
        }
        self.y += BODY * 0.6;
    }

    fn table(&mut self, table: &Table) {
        let widths = self.column_widths(table);
        let (header_cells, header_height) = self.table_row(&table.headers, &widths, Weight::Bold);
        self.ensure_room(header_height * 2.0);
        self.draw_row(header_cells.clone(), &widths, header_height, Weight::Bold);
        for row in &table.rows {
            let (cells, height) = self.table_row(row, &widths, Weight::Regular);
            if self.y + height > self.bottom() {
                // The row moves to the next page, under a repeated header.
                self.new_page();
                self.draw_row(header_cells.clone(), &widths, header_height, Weight::Bold);
            }
            self.draw_row(cells, &widths, height, Weight::Regular);
        }
        self.y += BODY * 0.6;
    }
}

/// Width and height of an A4 page in points.
fn page_size(landscape: bool) -> (f32, f32) {
    if landscape { (PAGE_H, PAGE_W) } else { (PAGE_W, PAGE_H) }
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Center,
    Right,
}

/// A rendered PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedPdf {
    /// The file.
    pub bytes: Vec<u8>,
    /// Number of pages.
    pub pages: u32,
}

/// Renders a document to PDF.
pub fn render_pdf(document: &Document) -> Result<RenderedPdf, PdfError> {
    let fonts = fonts()?;
    let mut layout = Layout {
        fonts,
        pages: Vec::new(),
        landscape: Vec::new(),
        next_landscape: false,
        y: MARGIN_TOP,
        advance_cache: BTreeMap::new(),
    };
    layout.new_page();
    for block in &document.blocks {
        match block {
            Block::Issuer(t) => layout.flow(t, ISSUER, Weight::Bold, 0.0, Align::Center),
            Block::Title(t) => {
                layout.y += 4.0;
                layout.flow(t, TITLE, Weight::Bold, 0.0, Align::Center);
                layout.y += 4.0;
            }
            Block::Centered(t) => layout.flow(t, BODY, Weight::Regular, 0.0, Align::Center),
            Block::Heading(t) => {
                // Keep a heading with at least two lines of what follows.
                layout.ensure_room(HEADING * LEADING + 2.0 * BODY * LEADING);
                layout.y += 4.0;
                layout.flow(t, HEADING, Weight::Bold, 0.0, Align::Left);
            }
            Block::Paragraph(t) => layout.flow(t, BODY, Weight::Regular, 2.0, Align::Left),
            Block::Line(t) => layout.flow(t, BODY, Weight::Regular, 0.0, Align::Left),
            Block::KeyValues(rows) => layout.key_values(rows),
            Block::Table(table) => layout.table(table),
            Block::Signature(lines) => {
                layout.ensure_room(lines.len() as f32 * BODY * LEADING + BODY);
                layout.y += BODY;
                for line in lines {
                    layout.flow(line, BODY, Weight::Regular, 0.0, Align::Right);
                }
            }
            Block::Chart(chart) => layout.chart(chart),
            Block::Landscape(on) => layout.orient(*on),
            Block::Space(mm) => layout.y += mm * 2.834_646,
            Block::PageBreak => layout.new_page(),
        }
    }
    let total = layout.pages.len();
    let mut pages_items = std::mem::take(&mut layout.pages);
    let orientations = std::mem::take(&mut layout.landscape);
    for (i, items) in pages_items.iter_mut().enumerate() {
        let (page_w, page_h) = page_size(orientations.get(i).copied().unwrap_or(false));
        let footer = format!("第 {} 页 共 {} 页", i + 1, total);
        let w = layout.width(&footer, SMALL, Weight::Regular);
        items.push(Item::Text {
            x: (page_w - w) / 2.0,
            baseline: page_h - MARGIN_BOTTOM / 2.0,
            size: SMALL,
            weight: Weight::Regular,
            grey: false,
            text: footer,
        });
        if let Some(header) = &document.running_header {
            let w = layout.width(header, SMALL, Weight::Regular);
            items.push(Item::Text {
                x: (page_w - w) / 2.0,
                baseline: MARGIN_TOP / 2.0,
                size: SMALL,
                weight: Weight::Regular,
                grey: true,
                text: header.clone(),
            });
        }
    }
    let pages = u32::try_from(pages_items.len()).unwrap_or(u32::MAX);
    Ok(RenderedPdf {
        bytes: write_pdf(document, fonts, pages_items, &orientations),
        pages,
    })
}

fn write_pdf(document: &Document, fonts: &Fonts, pages: Vec<Vec<Item>>, landscape: &[bool]) -> Vec<u8> {
    let mut doc = PdfDocument::new(&document.title);
    doc.metadata.info.creator = "Pingcha 评查".into();
    doc.metadata.info.producer = "Pingcha 评查".into();
    // Fixed ids, not printpdf's process-wide counter: the same document gives the same bytes.
    // Six capital letters, because the id doubles as the subset tag (`PCHREG+NotoSans…`).
    let regular = FontId("PCHREG".into());
    let bold = FontId("PCHBLD".into());
    doc.resources
        .fonts
        .map
        .insert(regular.clone(), printpdf::PdfFont::new(fonts.regular.clone()));
    doc.resources
        .fonts
        .map
        .insert(bold.clone(), printpdf::PdfFont::new(fonts.bold.clone()));
    let black = Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None));
    let grey = Color::Rgb(Rgb::new(0.45, 0.45, 0.45, None));
    let pdf_pages = pages
        .into_iter()
        .enumerate()
        .map(|(index, items)| {
            let is_landscape = landscape.get(index).copied().unwrap_or(false);
            let page_h = page_size(is_landscape).1;
            let mut ops = vec![
                Op::SetOutlineColor { col: black.clone() },
                Op::SetOutlineThickness { pt: Pt(RULE) },
            ];
            for item in items {
                match item {
                    Item::Text {
                        x,
                        baseline,
                        size,
                        weight,
                        grey: is_grey,
                        text,
                    } => {
                        let font = if weight == Weight::Bold {
                            bold.clone()
                        } else {
                            regular.clone()
                        };
                        ops.push(Op::StartTextSection);
                        ops.push(Op::SetFillColor {
                            col: if is_grey { grey.clone() } else { black.clone() },
                        });
                        ops.push(Op::SetFont {
                            font: PdfFontHandle::External(font),
                            size: Pt(size),
                        });
                        ops.push(Op::SetTextCursor {
                            pos: Point {
                                x: Pt(x),
                                y: Pt(page_h - baseline),
                            },
                        });
                        ops.push(Op::ShowText {
                            items: vec![TextItem::Text(text)],
                        });
                        ops.push(Op::EndTextSection);
                    }
                    Item::Rect { x, y, w, h, level } => {
                        let corner = |px: f32, py: f32| LinePoint {
                            p: Point {
                                x: Pt(px),
                                y: Pt(page_h - py),
                            },
                            bezier: false,
                        };
                        ops.push(Op::SetFillColor {
                            col: Color::Rgb(Rgb::new(level, level, level, None)),
                        });
                        ops.push(Op::DrawPolygon {
                            polygon: Polygon {
                                rings: vec![PolygonRing {
                                    points: vec![
                                        corner(x, y),
                                        corner(x + w, y),
                                        corner(x + w, y + h),
                                        corner(x, y + h),
                                    ],
                                }],
                                mode: PaintMode::Fill,
                                winding_order: WindingOrder::NonZero,
                            },
                        });
                    }
                    Item::Rule { x1, y1, x2, y2 } => ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![
                                LinePoint {
                                    p: Point {
                                        x: Pt(x1),
                                        y: Pt(page_h - y1),
                                    },
                                    bezier: false,
                                },
                                LinePoint {
                                    p: Point {
                                        x: Pt(x2),
                                        y: Pt(page_h - y2),
                                    },
                                    bezier: false,
                                },
                            ],
                            is_closed: false,
                        },
                    }),
                }
            }
            if is_landscape {
                PdfPage::new(Mm(297.0), Mm(210.0), ops)
            } else {
                PdfPage::new(Mm(210.0), Mm(297.0), ops)
            }
        })
        .collect();
    let options = PdfSaveOptions {
        subset_fonts: true,
        optimize: true,
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    let mut bytes = doc.with_pages(pdf_pages).save(&options, &mut warnings);
    stabilise_trailer_id(&mut bytes);
    bytes
}

/// printpdf fills the trailer's `/ID` with two strings from a process-wide counter, so the
/// same document written twice differs. Overwrite them, in place and at the same length (no
/// offsets move), with characters derived from a hash of the rest of the file.
fn stabilise_trailer_id(bytes: &mut [u8]) {
    use sha2::{Digest, Sha256};
    let marker = b"/ID[(";
    let Some(start) = bytes.windows(marker.len()).rposition(|w| w == marker) else {
        return;
    };
    let first = start + marker.len();
    let Some(first_len) = bytes[first..].iter().position(|&b| b == b')') else {
        return;
    };
    let second = first + first_len + 2; // skip ")("
    let Some(second_len) = bytes
        .get(second..)
        .and_then(|rest| rest.iter().position(|&b| b == b')'))
    else {
        return;
    };
    let mut hasher = Sha256::new();
    hasher.update(&bytes[..start]);
    let digest = hasher.finalize();
    let positions = (first..first + first_len).chain(second..second + second_len);
    for (i, pos) in positions.enumerate() {
        // Same alphabet printpdf uses ('A'..='J'), so the string stays a valid literal.
        bytes[pos] = b'A' + digest[i % digest.len()].wrapping_add(i as u8) % 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        let mut doc = Document::new("测试文书");
        doc.running_header = Some("虚构示例，非真实案件".into());
        doc.push(Block::Issuer("青禾市应急管理局".into()))
            .push(Block::Title("行政处罚决定书".into()))
            .push(Block::Centered("青禾应急罚〔2024〕15号".into()))
            .push(Block::KeyValues(vec![("当事人".into(), "青禾某化工有限公司（虚构）".into())]))
            .push(Block::Paragraph("依据《中华人民共和国安全生产法》第一百零一条第（一）项的规定，决定给予罚款人民币伍万元整（¥50000）的行政处罚。".repeat(3)))
            .push(Block::Table(Table {
                headers: vec!["序号".into(), "文书".into(), "日期".into()],
                rows: (1..=60).map(|i| vec![i.to_string(), "询问笔录（张喆、李堃）".into(), "2024-03-01".into()]).collect(),
            }))
            .push(Block::Signature(vec!["青禾市应急管理局".into(), "2024年4月20日".into()]));
        doc
    }

    #[test]
    fn renders_extractable_deterministic_pages() {
        let doc = sample();
        let rendered = render_pdf(&doc).expect("render");
        let bytes = rendered.bytes;
        if let Ok(dir) = std::env::var("PINGCHA_TEST_OUT") {
            std::fs::write(format!("{dir}/report-sample.pdf"), &bytes).expect("write sample");
        }
        assert_eq!(render_pdf(&doc).expect("render").bytes, bytes, "same input, same bytes");
        let parsed = lopdf::Document::load_mem(&bytes).expect("valid pdf");
        let pages: Vec<u32> = parsed.get_pages().keys().copied().collect();
        assert!(pages.len() >= 2, "the long table spills onto a second page");
        assert_eq!(pages.len() as u32, rendered.pages);
        let text = parsed.extract_text(&pages).expect("text");
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(compact.contains("行政处罚决定书"), "{compact}");
        assert!(compact.contains("第一百零一条"), "{compact}");
        assert!(compact.contains("张喆、李堃"), "rare name characters are embedded");
        assert!(compact.contains(&format!("第1页共{}页", pages.len())), "{compact}");
        assert!(bytes.len() < 400_000, "fonts are subset: {} bytes", bytes.len());
    }
}
