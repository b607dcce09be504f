//! Lays a [`Document`] out on A4 pages and writes it with printpdf — the only user of
//! printpdf. Text is measured with the fonts' advances and broken by [`super::text::wrap`];
//! each line is set in runs, one per font (a character a face's font lacks is set in the sans
//! fallback, see [`super::fonts`]); fonts are embedded as subsets with ToUnicode maps, so text
//! stays extractable. Plain documents use the bundled sans and a plain type area; a 公文
//! ([`Document::official`]) follows GB/T 9704-2012: 天头 37 mm, 订口 28 mm, a 156 × 225 mm
//! type area of 22 lines of 三号 仿宋, the 发文机关标志 in red over a red rule, 小标宋 title,
//! 黑体/楷体 headings, 版记 and "— 1 —" page numbers at the outer edge. Output is
//! deterministic for a set of fonts: the same document gives the same bytes (fixed font ids,
//! no clock).

use std::collections::{BTreeMap, BTreeSet};

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Polygon, PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};

use super::fonts::{Face, FontSet};
use super::model::{Block, Chart, ChartKind, Document, Table};
use super::text::{units, wrap};

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A font could not be read or parsed (a broken build or a damaged system font).
    #[error("字体无法加载：{0}")]
    Font(String),
}

/// Points per millimetre.
const MM: f32 = 2.834_646;

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;

/// Geometry and type sizes of a page style, in points.
#[derive(Clone, Copy)]
struct Style {
    top: f32,
    bottom: f32,
    left: f32,
    right: f32,
    body: f32,
    title: f32,
    issuer: f32,
    heading: f32,
    table: f32,
    small: f32,
    /// Line pitch as a multiple of the body size.
    leading: f32,
    official: bool,
}

/// Plain documents: the bundled sans, a comfortable type area.
const PLAIN: Style = Style {
    top: 72.0,
    bottom: 68.0,
    left: 76.0,
    right: 70.0,
    body: 12.0,
    title: 20.0,
    issuer: 15.0,
    heading: 13.0,
    table: 10.5,
    small: 9.0,
    leading: 1.7,
    official: false,
};

/// GB/T 9704-2012 §5.2: 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm; 三号 (16 pt) body, 22 lines
/// a page (225 mm / 22 = 28.97 pt a line); 二号 (22 pt) title; tables in 小四 (12 pt).
const OFFICIAL: Style = Style {
    top: 37.0 * MM,
    bottom: 35.0 * MM,
    left: 28.0 * MM,
    right: 26.0 * MM,
    body: 16.0,
    title: 22.0,
    issuer: 36.0,
    heading: 16.0,
    table: 12.0,
    small: 9.0,
    leading: 225.0 * MM / 22.0 / 16.0,
    official: true,
};

const CELL_PAD: f32 = 4.0;
const RULE: f32 = 0.6;

/// Colours text and rules are drawn in.
#[derive(Clone, Copy, PartialEq)]
enum Ink {
    Black,
    Grey,
    /// The 发文机关标志 and the separator under it (GB/T 9704: 红色).
    Red,
}

impl Ink {
    fn color(self) -> Color {
        match self {
            Self::Black => Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)),
            Self::Grey => Color::Rgb(Rgb::new(0.45, 0.45, 0.45, None)),
            Self::Red => Color::Rgb(Rgb::new(0.88, 0.0, 0.0, None)),
        }
    }
}

/// A positioned item on a page; y is measured from the top edge.
enum Item {
    /// A run of text in one font.
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        font: usize,
        ink: Ink,
        text: String,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        ink: Ink,
    },
    /// A filled rectangle (chart bars), top-left corner and size, in a grey level 0–1.
    Rect { x: f32, y: f32, w: f32, h: f32, level: f32 },
}

struct Layout<'f> {
    set: &'f FontSet,
    style: Style,
    pages: Vec<Vec<Item>>,
    /// Orientation of each page (true: landscape), parallel to `pages`.
    landscape: Vec<bool>,
    /// Orientation of the next page.
    next_landscape: bool,
    y: f32,
    /// Per character and face: advance in ems and the font entry that sets it.
    advance_cache: BTreeMap<(char, Face), (f32, usize)>,
    /// The first font that failed to load (its characters went to the fallback).
    error: Option<PdfError>,
}

impl<'f> Layout<'f> {
    fn new(set: &'f FontSet, style: Style) -> Self {
        Layout {
            set,
            style,
            pages: Vec::new(),
            landscape: Vec::new(),
            next_landscape: false,
            y: style.top,
            advance_cache: BTreeMap::new(),
            error: None,
        }
    }

    fn is_landscape(&self) -> bool {
        self.landscape.last().copied().unwrap_or(self.next_landscape)
    }

    /// Margins of the current page: a landscape page (a wide appendix table) keeps the plain
    /// margins in every style.
    fn margins(&self) -> (f32, f32, f32, f32) {
        let s = if self.is_landscape() { PLAIN } else { self.style };
        (s.top, s.right, s.bottom, s.left)
    }

    fn left(&self) -> f32 {
        self.margins().3
    }

    fn top(&self) -> f32 {
        self.margins().0
    }

    fn content_width(&self) -> f32 {
        let (_, right, _, left) = self.margins();
        page_size(self.is_landscape()).0 - left - right
    }

    fn bottom(&self) -> f32 {
        page_size(self.is_landscape()).1 - self.margins().2
    }

    /// The body face and the bold face of the style.
    fn body_face(&self) -> Face {
        if self.style.official { Face::Body } else { Face::Sans }
    }

    fn bold_face(&self) -> Face {
        if self.style.official { Face::Hei } else { Face::SansBold }
    }

    fn line_height(&self, size: f32) -> f32 {
        size * self.style.leading
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.landscape.push(self.next_landscape);
        self.y = self.top();
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
            self.y = self.top();
        } else {
            self.new_page();
        }
    }

    /// Advance (in ems) of `c` in `face`, and the font entry that sets it: the face's font
    /// when it has the glyph, else its fallback.
    fn char_info(&mut self, c: char, face: Face) -> (f32, usize) {
        if let Some(info) = self.advance_cache.get(&(c, face)) {
            return *info;
        }
        let (primary, fallback) = self.set.entry_of(face);
        let mut info = None;
        for entry in [primary, fallback] {
            match self.set.font(entry) {
                Ok(font) => {
                    if let Some(g) = font.lookup_glyph_index(u32::from(c)) {
                        let upm = f32::from(font.font_metrics.units_per_em.max(1));
                        info = Some((f32::from(font.get_horizontal_advance(g)) / upm, entry));
                        break;
                    }
                }
                Err(e) => {
                    self.error.get_or_insert(e);
                }
            }
        }
        // No font has it: keep the fallback's .notdef at a plausible width.
        let info = info.unwrap_or((if c.is_ascii() { 0.5 } else { 1.0 }, fallback));
        self.advance_cache.insert((c, face), info);
        info
    }

    /// Width of `text` at `size`, in points.
    fn width(&mut self, text: &str, size: f32, face: Face) -> f32 {
        text.chars().map(|c| self.char_info(c, face).0 * size).sum()
    }

    fn measure_fn(&mut self, size: f32, face: Face) -> impl Fn(&str) -> f32 + use<> {
        // The wrapper needs a pure measure: snapshot the cache after warming it in `wrap_text`.
        let cache: BTreeMap<char, f32> = self
            .advance_cache
            .iter()
            .filter(|((_, f), _)| *f == face)
            .map(|((c, _), (em, _))| (*c, *em))
            .collect();
        move |s: &str| s.chars().map(|c| cache.get(&c).copied().unwrap_or(1.0) * size).sum()
    }

    fn wrap_text(&mut self, text: &str, size: f32, face: Face, max_width: f32, indent: f32) -> Vec<String> {
        for c in text.chars() {
            self.char_info(c, face);
        }
        let measure = self.measure_fn(size, face);
        wrap(text, max_width, indent, &measure)
    }

    fn ensure_room(&mut self, height: f32) {
        if self.pages.is_empty() || self.y + height > self.bottom() {
            self.new_page();
        }
    }

    /// One line of text at `x`, vertically centred in a line box at `top`, in runs by font.
    fn push_text(&mut self, x: f32, top: f32, line_height: f32, size: f32, face: Face, text: String) {
        self.push_ink(x, top, line_height, size, face, Ink::Black, text);
    }

    #[allow(clippy::too_many_arguments)]
    fn push_ink(&mut self, x: f32, top: f32, line_height: f32, size: f32, face: Face, ink: Ink, text: String) {
        // Centre the em box in the line box; CJK fonts' ascender is about 0.88 em.
        let baseline = top + (line_height - size) / 2.0 + size * 0.88;
        self.push_runs(x, baseline, size, face, ink, &text);
    }

    fn push_runs(&mut self, x: f32, baseline: f32, size: f32, face: Face, ink: Ink, text: &str) {
        let mut runs: Vec<(usize, f32, String)> = Vec::new();
        let mut cursor = x;
        for c in text.chars() {
            let (em, entry) = self.char_info(c, face);
            match runs.last_mut() {
                Some((font, _, run)) if *font == entry => run.push(c),
                _ => runs.push((entry, cursor, c.to_string())),
            }
            cursor += em * size;
        }
        if let Some(page) = self.pages.last_mut() {
            for (font, x, text) in runs {
                page.push(Item::Text {
                    x,
                    baseline,
                    size,
                    font,
                    ink,
                    text,
                });
            }
        }
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.rule_with(x1, y1, x2, y2, RULE, Ink::Black);
    }

    #[allow(clippy::too_many_arguments)]
    fn rule_with(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, ink: Ink) {
        if let Some(page) = self.pages.last_mut() {
            page.push(Item::Rule {
                x1,
                y1,
                x2,
                y2,
                width,
                ink,
            });
        }
    }

    /// Lines of text flowing across pages, aligned left, centred or right.
    fn flow(&mut self, text: &str, size: f32, face: Face, indent_chars: f32, align: Align) {
        self.flow_ink(text, size, face, indent_chars, align, Ink::Black);
    }

    fn flow_ink(&mut self, text: &str, size: f32, face: Face, indent_chars: f32, align: Align, ink: Ink) {
        let line_height = self.line_height(size);
        let width = self.content_width();
        let indent = indent_chars * size;
        let lines = self.wrap_text(text, size, face, width, indent);
        for (i, line) in lines.into_iter().enumerate() {
            self.ensure_room(line_height);
            let w = self.width(&line, size, face);
            let left = self.left();
            let x = match align {
                Align::Left => left + if i == 0 { indent } else { 0.0 },
                Align::Center => left + (width - w).max(0.0) / 2.0,
                Align::Right => left + (width - w - 2.0 * size).max(0.0),
            };
            let top = self.y;
            self.push_ink(x, top, line_height, size, face, ink, line);
            self.y += line_height;
        }
    }

    fn key_values(&mut self, rows: &[(String, String)]) {
        let size = self.style.body;
        let line_height = self.line_height(size);
        let (body, bold) = (self.body_face(), self.bold_face());
        let label_width = rows
            .iter()
            .map(|(k, _)| format!("{k}："))
            .map(|k| self.width(&k, size, bold))
            .fold(0.0_f32, f32::max)
            .min(self.content_width() * 0.35);
        let value_width = self.content_width() - label_width;
        for (key, value) in rows {
            let label_lines = self.wrap_text(&format!("{key}："), size, bold, label_width, 0.0);
            let value_lines = self.wrap_text(value, size, body, value_width, 0.0);
            let n = label_lines.len().max(value_lines.len());
            for i in 0..n {
                self.ensure_room(line_height);
                let top = self.y;
                let left = self.left();
                if let Some(l) = label_lines.get(i) {
                    self.push_text(left, top, line_height, size, bold, l.clone());
                }
                if let Some(v) = value_lines.get(i) {
                    self.push_text(left + label_width, top, line_height, size, body, v.clone());
                }
                self.y += line_height;
            }
        }
    }

    fn column_widths(&mut self, table: &Table) -> Vec<f32> {
        let size = self.style.table;
        let body = self.body_face();
        let n = table
            .headers
            .len()
            .max(table.rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let pad = 2.0 * CELL_PAD;
        let mut natural = vec![pad + size * 2.0; n];
        let mut minimum = vec![pad + size * 2.0; n];
        let all_rows = std::iter::once(&table.headers)
            .chain(&table.rows)
            .cloned()
            .collect::<Vec<_>>();
        for row in &all_rows {
            for (i, cell) in row.iter().enumerate().take(n) {
                let w = self.width(cell, size, body) + pad;
                natural[i] = natural[i].max(w.min(self.content_width()));
                let longest_unit = units(cell)
                    .into_iter()
                    .map(|u| self.width(u, size, body))
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

    fn table_row(&mut self, cells: &[String], widths: &[f32], face: Face) -> (Vec<Vec<String>>, f32) {
        let size = self.style.table;
        let line_height = size * 1.45;
        let mut wrapped = Vec::new();
        for (i, w) in widths.iter().enumerate() {
            let text = cells.get(i).map_or("", String::as_str);
            wrapped.push(self.wrap_text(text, size, face, w - 2.0 * CELL_PAD, 0.0));
        }
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (wrapped, lines as f32 * line_height + 2.0 * CELL_PAD)
    }

    fn draw_row(&mut self, wrapped: Vec<Vec<String>>, widths: &[f32], height: f32, face: Face) {
        let size = self.style.table;
        let line_height = size * 1.45;
        let top = self.y;
        let left = self.left();
        let mut x = left;
        let right = left + widths.iter().sum::<f32>();
        self.rule(left, top, right, top);
        self.rule(left, top + height, right, top + height);
        self.rule(left, top, left, top + height);
        for (cell, w) in wrapped.into_iter().zip(widths) {
            for (i, line) in cell.into_iter().enumerate() {
                let line_top = top + CELL_PAD + i as f32 * line_height;
                self.push_text(x + CELL_PAD, line_top, line_height, size, face, line);
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
        let (body, bold) = (self.body_face(), self.bold_face());
        let left = self.left();
        let row_h = self.style.table * 1.9;
        let max = if chart.max > 0.0 { chart.max } else { 1.0 };
        let height = match chart.kind {
            ChartKind::Bars => self.style.heading * self.style.leading + chart.rows.len() as f32 * row_h,
            ChartKind::Histogram => self.style.heading * self.style.leading + 130.0,
        };
        self.ensure_room(height.min(self.bottom() - self.top()));
        let caption_face = if self.style.official {
            match heading_level(&chart.caption) {
                1 => Face::Hei,
                2 => Face::Kai,
                _ => Face::Body,
            }
        } else {
            bold
        };
        let indent = if self.style.official { 2.0 } else { 0.0 };
        self.flow(&chart.caption, self.style.body, caption_face, indent, Align::Left);
        let width = self.content_width();
        match chart.kind {
            ChartKind::Bars => {
                let label_w = chart
                    .rows
                    .iter()
                    .map(|(l, _, _)| self.width(l, self.style.table, body))
                    .fold(0.0_f32, f32::max)
                    .min(width * 0.35)
                    + CELL_PAD;
                let value_w = chart
                    .rows
                    .iter()
                    .map(|(_, _, v)| self.width(v, self.style.table, body))
                    .fold(0.0_f32, f32::max)
                    + CELL_PAD;
                let bar_w = (width - label_w - value_w - CELL_PAD).max(40.0);
                for (label, value, shown) in &chart.rows {
                    self.ensure_room(row_h);
                    let top = self.y;
                    let label = self.wrap_text(label, self.style.table, body, label_w - CELL_PAD, 0.0);
                    if let Some(first) = label.into_iter().next() {
                        self.push_text(left, top, row_h, self.style.table, body, first);
                    }
                    let fraction = (value / max).clamp(0.0, 1.0) as f32;
                    self.rect(left + label_w, top + row_h * 0.2, bar_w, row_h * 0.6, 0.92);
                    self.rect(left + label_w, top + row_h * 0.2, bar_w * fraction, row_h * 0.6, 0.35);
                    self.push_text(
                        left + label_w + bar_w + CELL_PAD,
                        top,
                        row_h,
                        self.style.table,
                        body,
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
                self.rule(left, base, left + width, base);
                for (i, (label, value, shown)) in chart.rows.iter().enumerate() {
                    let fraction = (value / max).clamp(0.0, 1.0) as f32;
                    let h = plot_h * 0.9 * fraction;
                    let x = left + slot * i as f32;
                    self.rect(x + slot * 0.15, base - h, slot * 0.7, h, 0.35);
                    let vw = self.width(shown, self.style.small, body);
                    self.push_text(
                        x + (slot - vw) / 2.0,
                        base - h - self.style.small * 1.6,
                        self.style.small * 1.4,
                        self.style.small,
                        body,
                        shown.clone(),
                    );
                    let lw = self.width(label, self.style.small, body);
                    self.push_text(
                        x + (slot - lw).max(0.0) / 2.0,
                        base + 2.0,
                        self.style.small * 1.4,
                        self.style.small,
                        body,
                        label.clone(),
                    );
                }
                self.y = base + self.style.small * 2.0;
            }
        }
        self.y += self.style.body * 0.6;
    }

    fn table(&mut self, table: &Table) {
        let (body, bold) = (self.body_face(), self.bold_face());
        let widths = self.column_widths(table);
        let (header_cells, header_height) = self.table_row(&table.headers, &widths, bold);
        self.ensure_room(header_height * 2.0);
        self.draw_row(header_cells.clone(), &widths, header_height, bold);
        for row in &table.rows {
            let (cells, height) = self.table_row(row, &widths, body);
            if self.y + height > self.bottom() {
                // The row moves to the next page, under a repeated header.
                self.new_page();
                self.draw_row(header_cells.clone(), &widths, header_height, bold);
            }
            self.draw_row(cells, &widths, height, body);
        }
        self.y += self.style.body * 0.6;
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
    /// What printpdf warned about while writing (errors and warnings, page named), for the
    /// user to see; empty for a clean document.
    pub warnings: Vec<String>,
}

/// Renders a document to PDF with this machine's fonts (a 公文 takes the installed
/// 小标宋/仿宋/楷体/黑体 where there are any; a plain document is the same everywhere).
pub fn render_pdf(document: &Document) -> Result<RenderedPdf, PdfError> {
    // A plain document uses the bundled sans only: no need to look for system fonts.
    let set = if document.official {
        FontSet::installed()
    } else {
        FontSet::bundled()
    };
    render_pdf_with(document, set)
}

/// The heading level of a 公文 heading by its numbering: `一、` 1 (黑体), `（一）` 2 (楷体),
/// anything else 3 (仿宋).
fn heading_level(text: &str) -> u8 {
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if numeral(c) => {
            let rest: String = chars.take_while(|c| numeral(*c) || *c == '、').collect();
            if rest.ends_with('、') { 1 } else { 3 }
        }
        Some('（' | '(') => {
            let inner: String = chars.take_while(|c| numeral(*c)).collect();
            if inner.is_empty() { 3 } else { 2 }
        }
        _ => 3,
    }
}

/// Renders a document with the given fonts.
pub fn render_pdf_with(document: &Document, set: &FontSet) -> Result<RenderedPdf, PdfError> {
    let style = if document.official { OFFICIAL } else { PLAIN };
    let mut layout = Layout::new(set, style);
    layout.new_page();
    for block in &document.blocks {
        layout.block(block);
    }
    let total = layout.pages.len();
    let mut pages_items = std::mem::take(&mut layout.pages);
    let orientations = std::mem::take(&mut layout.landscape);
    for (i, items) in pages_items.iter_mut().enumerate() {
        let landscape = orientations.get(i).copied().unwrap_or(false);
        layout.pages.push(std::mem::take(items));
        layout.landscape.push(landscape);
        layout.page_furniture(i, total, document.running_header.as_deref());
        *items = layout.pages.pop().unwrap_or_default();
        layout.landscape.pop();
    }
    if let Some(e) = layout.error {
        return Err(e);
    }
    let pages = u32::try_from(pages_items.len()).unwrap_or(u32::MAX);
    let (bytes, warnings) = write_pdf(document, set, pages_items, &orientations)?;
    Ok(RenderedPdf { bytes, pages, warnings })
}

impl Layout<'_> {
    fn block(&mut self, block: &Block) {
        let s = self.style;
        let (body, bold) = (self.body_face(), self.bold_face());
        let title_face = if s.official { Face::Title } else { Face::SansBold };
        match block {
            Block::Issuer(t) if s.official => self.flow(t, s.title, Face::Title, 0.0, Align::Center),
            Block::Issuer(t) => self.flow(t, s.issuer, bold, 0.0, Align::Center),
            Block::Title(t) if s.official => {
                self.balanced_title(t, s.title, title_face);
                self.y += self.line_height(s.body);
            }
            Block::Title(t) => {
                self.y += 4.0;
                self.flow(t, s.title, title_face, 0.0, Align::Center);
                self.y += 4.0;
            }
            Block::Centered(t) => self.flow(t, s.body, body, 0.0, Align::Center),
            Block::Heading(t) if s.official => {
                let face = match heading_level(t) {
                    1 => Face::Hei,
                    2 => Face::Kai,
                    _ => Face::Body,
                };
                self.ensure_room(3.0 * self.line_height(s.body));
                self.flow(t, s.body, face, 2.0, Align::Left);
            }
            Block::Heading(t) => {
                // Keep a heading with at least two lines of what follows.
                self.ensure_room(s.heading * s.leading + 2.0 * s.body * s.leading);
                self.y += 4.0;
                self.flow(t, s.heading, bold, 0.0, Align::Left);
            }
            Block::Paragraph(t) => self.flow(t, s.body, body, 2.0, Align::Left),
            Block::Line(t) => self.flow(t, s.body, body, 0.0, Align::Left),
            Block::KeyValues(rows) => self.key_values(rows),
            Block::Table(table) => self.table(table),
            Block::Signature(lines) if s.official => self.official_signature(lines),
            Block::Signature(lines) => {
                self.ensure_room(lines.len() as f32 * s.body * s.leading + s.body);
                self.y += s.body;
                for line in lines {
                    self.flow(line, s.body, body, 0.0, Align::Right);
                }
            }
            Block::Chart(chart) => self.chart(chart),
            Block::Landscape(on) => self.orient(*on),
            Block::Space(mm) => self.y += mm * MM,
            Block::PageBreak => self.new_page(),
            Block::OfficialHead { issuer, number } => self.official_head(issuer, number),
            Block::Addressee(t) => self.flow(t, s.body, body, 0.0, Align::Left),
            Block::Attachments(names) => self.attachments(names),
            Block::Colophon {
                copy_to,
                printed_by,
                printed_on,
            } => self.colophon(copy_to, printed_by, printed_on),
        }
    }

    /// A 公文 title over as many lines as it needs, the lines of about equal length (GB/T
    /// 9704 §7.3.1: 排列对称, 长短适宜) — not a full line and one character.
    fn balanced_title(&mut self, text: &str, size: f32, face: Face) {
        let full = self.content_width();
        let lines = self.wrap_text(text, size, face, full, 0.0);
        // Two lines broken where the words allow (before 关于, before the subject's last
        // phrase), the most even of those that fit; else as even as the width allows.
        let phrase_break = (lines.len() == 2)
            .then(|| {
                ["关于", "发现问题", "情况的", "的通知", "的通报"]
                    .iter()
                    .filter_map(|p| text.find(p))
                    .filter(|&at| at > 0)
                    .filter_map(|at| {
                        let (a, b) = text.split_at(at);
                        let (wa, wb) = (self.width(a, size, face), self.width(b, size, face));
                        (wa <= full && wb <= full).then(|| ((wa - wb).abs(), vec![a.to_string(), b.to_string()]))
                    })
                    .min_by(|x, y| x.0.total_cmp(&y.0))
                    .map(|(_, lines)| lines)
            })
            .flatten();
        let lines = if let Some(lines) = phrase_break {
            lines
        } else if lines.len() > 1 {
            let n = lines.len();
            let total = self.width(text, size, face);
            let mut width = (total / n as f32).min(full);
            loop {
                let tried = self.wrap_text(text, size, face, width, 0.0);
                if tried.len() <= n || width >= full {
                    break tried;
                }
                width = (width + size).min(full);
            }
        } else {
            lines
        };
        let line_height = size * 1.5;
        for line in lines {
            self.ensure_room(line_height);
            let w = self.width(&line, size, face);
            let x = self.left() + (full - w).max(0.0) / 2.0;
            let top = self.y;
            self.push_text(x, top, line_height, size, face, line);
            self.y += line_height;
        }
    }

    /// 发文机关标志 (red 小标宋, its top 35 mm below the type area's), 发文字号 two lines under
    /// it, a red rule 4 mm under that, and two empty lines before the title (GB/T 9704 §7.2).
    fn official_head(&mut self, issuer: &str, number: &str) {
        let s = self.style;
        let width = self.content_width();
        self.ensure_room(35.0 * MM + 5.0 * self.line_height(s.body));
        self.y = self.top() + 35.0 * MM;
        let chars = issuer.chars().count().max(1) as f32;
        let size = s.issuer.min(width * 0.9 / chars);
        let w = self.width(issuer, size, Face::Title);
        let left = self.left();
        let top = self.y;
        self.push_ink(
            left + (width - w).max(0.0) / 2.0,
            top,
            size * 1.2,
            size,
            Face::Title,
            Ink::Red,
            issuer.to_string(),
        );
        self.y += size * 1.2 + 2.0 * self.line_height(s.body);
        if !number.is_empty() {
            self.flow(number, s.body, Face::Body, 0.0, Align::Center);
        }
        self.y += 4.0 * MM;
        let y = self.y;
        self.rule_with(left, y, left + width, y, 1.5, Ink::Red);
        self.y += 2.0 * self.line_height(s.body);
    }

    /// 发文机关署名 centred over the 成文日期, which stands four characters from the right
    /// edge, one empty line under the text (GB/T 9704 §7.3.5).
    fn official_signature(&mut self, lines: &[String]) {
        let s = self.style;
        let line = self.line_height(s.body);
        self.ensure_room((lines.len() + 1) as f32 * line);
        self.y += line;
        let Some((date, names)) = lines.split_last() else {
            return;
        };
        let left = self.left();
        let right_edge = left + self.content_width() - 4.0 * s.body;
        let date_w = self.width(date, s.body, Face::Body);
        let centre = right_edge - date_w / 2.0;
        for name in names {
            let w = self.width(name, s.body, Face::Body);
            let top = self.y;
            self.push_text(
                (centre - w / 2.0).max(left),
                top,
                line,
                s.body,
                Face::Body,
                name.clone(),
            );
            self.y += line;
        }
        let top = self.y;
        self.push_text(right_edge - date_w, top, line, s.body, Face::Body, date.clone());
        self.y += line;
    }

    /// 附件说明: one empty line under the text, two characters in, `附件：1. …`, further
    /// names aligned under the first.
    fn attachments(&mut self, names: &[String]) {
        if names.is_empty() {
            return;
        }
        let s = self.style;
        let face = self.body_face();
        let line = self.line_height(s.body);
        self.y += line;
        let left = self.left() + 2.0 * s.body;
        let label = "附件：";
        let label_w = self.width(label, s.body, face);
        for (i, name) in names.iter().enumerate() {
            let text = if names.len() == 1 {
                name.clone()
            } else {
                format!("{}. {name}", i + 1)
            };
            let avail = self.content_width() - 2.0 * s.body - label_w;
            let wrapped = self.wrap_text(&text, s.body, face, avail, 0.0);
            for (k, part) in wrapped.into_iter().enumerate() {
                self.ensure_room(line);
                let top = self.y;
                if i == 0 && k == 0 {
                    self.push_text(left, top, line, s.body, face, label.to_string());
                }
                self.push_text(left + label_w, top, line, s.body, face, part);
                self.y += line;
            }
        }
    }

    /// 版记 at the foot of the page: a thick rule, 抄送 (one character in on both sides), a thin
    /// rule, 印发机关 and 印发日期 ("印发"), a thick rule; 四号仿宋 (GB/T 9704 §7.4).
    fn colophon(&mut self, copy_to: &[String], printed_by: &str, printed_on: &str) {
        let size = 14.0;
        let line = size * 2.0;
        let rows = if copy_to.is_empty() { 1.0 } else { 2.0 };
        let height = rows * line + 2.0;
        self.ensure_room(height + self.line_height(self.style.body));
        let left = self.left();
        let width = self.content_width();
        let face = self.body_face();
        let mut y = self.bottom() - height;
        self.rule_with(left, y, left + width, y, 0.35 * MM, Ink::Black);
        if !copy_to.is_empty() {
            let text = format!("抄送：{}。", copy_to.join("，"));
            self.push_text(left + size, y, line, size, face, text);
            y += line;
            self.rule_with(left, y, left + width, y, 0.25 * MM, Ink::Black);
        }
        self.push_text(left + size, y, line, size, face, printed_by.to_string());
        let date = format!("{printed_on}印发");
        let w = self.width(&date, size, face);
        self.push_text(left + width - size - w, y, line, size, face, date);
        y += line;
        self.rule_with(left, y, left + width, y, 0.35 * MM, Ink::Black);
        self.y = y;
    }

    /// Page numbers and the running header of page `index` (0-based) of `total`.
    fn page_furniture(&mut self, index: usize, total: usize, header: Option<&str>) {
        let landscape = self.is_landscape();
        let (page_w, page_h) = page_size(landscape);
        let s = if landscape { PLAIN } else { self.style };
        if self.style.official {
            // "— 1 —" in 四号宋体, 7 mm under the type area; odd pages right, even pages left,
            // one character from the edge of the type area.
            let size = 14.0;
            let text = format!("— {} —", index + 1);
            let w = self.width(&text, size, Face::Song);
            let x = if index.is_multiple_of(2) {
                page_w - s.right - size - w
            } else {
                s.left + size
            };
            let baseline = page_h - s.bottom + 7.0 * MM + size * 0.88;
            self.push_runs(x, baseline, size, Face::Song, Ink::Black, &text);
        } else {
            let footer = format!("第 {} 页 共 {} 页", index + 1, total);
            let w = self.width(&footer, s.small, Face::Sans);
            self.push_runs(
                (page_w - w) / 2.0,
                page_h - s.bottom / 2.0,
                s.small,
                Face::Sans,
                Ink::Black,
                &footer,
            );
        }
        if let Some(header) = header {
            let w = self.width(header, s.small, Face::Sans);
            let baseline = if self.style.official {
                s.top / 2.0
            } else {
                PLAIN.top / 2.0
            };
            self.push_runs((page_w - w) / 2.0, baseline, s.small, Face::Sans, Ink::Grey, header);
        }
    }
}

fn write_pdf(
    document: &Document,
    set: &FontSet,
    pages: Vec<Vec<Item>>,
    landscape: &[bool],
) -> Result<(Vec<u8>, Vec<String>), PdfError> {
    let mut doc = PdfDocument::new(&document.title);
    doc.metadata.info.creator = "Pingcha 评查".into();
    doc.metadata.info.producer = "Pingcha 评查".into();
    // Fixed ids, not printpdf's process-wide counter: the same document gives the same bytes.
    // The two sans faces are always there (a plain document's bytes do not change); the others
    // only when used.
    let used: BTreeSet<usize> = [0, 1]
        .into_iter()
        .chain(pages.iter().flatten().filter_map(|item| match item {
            Item::Text { font, .. } => Some(*font),
            _ => None,
        }))
        .collect();
    let mut ids = vec![None; set.len()];
    for entry in used {
        let id = FontId(set.id(entry).to_string());
        doc.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::PdfFont::new(set.font(entry)?.clone()));
        ids[entry] = Some(id);
    }
    let black = Ink::Black.color();
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
            let mut outline = (RULE, Ink::Black);
            for item in items {
                match item {
                    Item::Text {
                        x,
                        baseline,
                        size,
                        font,
                        ink,
                        text,
                    } => {
                        let Some(id) = ids.get(font).cloned().flatten() else {
                            continue;
                        };
                        ops.push(Op::StartTextSection);
                        ops.push(Op::SetFillColor { col: ink.color() });
                        ops.push(Op::SetFont {
                            font: PdfFontHandle::External(id),
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
                    Item::Rule {
                        x1,
                        y1,
                        x2,
                        y2,
                        width,
                        ink,
                    } => {
                        if outline != (width, ink) {
                            ops.push(Op::SetOutlineColor { col: ink.color() });
                            ops.push(Op::SetOutlineThickness { pt: Pt(width) });
                            outline = (width, ink);
                        }
                        ops.push(Op::DrawLine {
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
                        });
                    }
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
    let warnings = warnings
        .into_iter()
        .filter(|w| w.severity != printpdf::PdfParseErrorSeverity::Info)
        .map(|w| format!("第{}页：{}", w.page + 1, w.msg))
        .collect();
    Ok((bytes, warnings))
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
