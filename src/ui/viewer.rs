//! The document viewer: PDF pages rendered in the app (on a background thread, cached
//! with a bounded number of textures, the next page rendered ahead), scans shown as images,
//! other files handed to the system's viewer.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

use egui::{ColorImage, RichText, TextureHandle, TextureOptions};

use super::theme;
use crate::preview::{PdfDocument, PreviewKind, RgbaImage, decode_image, preview_kind};

/// Most page textures kept (each A4 page at 1.5× is about 2.3 MB of GPU memory).
const TEXTURE_BUDGET: usize = 24;
/// Zoom limits, in multiples of 72 dpi.
const ZOOM_RANGE: (f32, f32) = (0.4, 4.0);

/// One page at one scale.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PageKey {
    sha256: String,
    page: usize,
    scale_centi: u32,
}

struct Request {
    key: PageKey,
    path: PathBuf,
    kind: PreviewKind,
}

struct Rendered {
    key: PageKey,
    result: Result<(RgbaImage, usize), String>,
}

/// The document being viewed.
#[derive(Debug, Clone)]
pub struct OpenDocument {
    /// Title shown in the toolbar (序号 and 文书类型).
    pub title: String,
    /// Content hash (names the stored file).
    pub sha256: String,
    /// Where the stored file is.
    pub path: PathBuf,
    /// How it is shown.
    pub kind: PreviewKind,
}

/// Viewer state and its render thread.
pub struct Viewer {
    requests: Sender<Request>,
    results: Receiver<Rendered>,
    open: Option<OpenDocument>,
    page: usize,
    page_count: Option<usize>,
    page_width_pt: Option<f32>,
    zoom: f32,
    fit_width: bool,
    textures: VecDeque<(PageKey, TextureHandle)>,
    pending: Vec<PageKey>,
    error: Option<String>,
    /// Set when another document or page is shown: the next frame starts at its top left.
    scroll_reset: bool,
    /// The page's scroll position in the last frame.
    scroll_offset: egui::Vec2,
    /// The OCR reading of the page shown: (file, page, what was read — `None`: not read).
    ocr: Option<(String, usize, Option<crate::store::StoredOcrPage>)>,
    /// The reading asked of the project for (file, page), not yet answered.
    ocr_asked: Option<(String, usize)>,
    /// Draw the recognised lines' boxes over the page.
    show_ocr: bool,
    /// Search terms whose lines are highlighted.
    highlight: Vec<String>,
    /// The user asked to read this case's scans.
    run_ocr_asked: bool,
}

/// Whether a recognised line holds one of the search terms (case and spaces ignored).
pub fn line_matches(text: &str, terms: &[String]) -> bool {
    let flat: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    terms.iter().any(|t| {
        let term: String = t
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        !term.is_empty() && flat.contains(&term)
    })
}

impl Viewer {
    /// Starts the render thread; `wake` repaints the UI when a page is ready.
    pub fn new(wake: impl Fn() + Send + 'static) -> Self {
        let (req_tx, req_rx) = channel::<Request>();
        let (res_tx, res_rx) = channel::<Rendered>();
        let spawned = std::thread::Builder::new()
            .name("pingcha-viewer".into())
            .spawn(move || {
                let mut cached: Option<(String, PdfDocument)> = None;
                while let Ok(first) = req_rx.recv() {
                    // Newest requests first: a user paging quickly does not wait for stale pages.
                    let mut batch = vec![first];
                    while let Ok(more) = req_rx.try_recv() {
                        batch.push(more);
                    }
                    for request in batch.into_iter().rev().take(4) {
                        let result = render(&request, &mut cached);
                        if res_tx
                            .send(Rendered {
                                key: request.key,
                                result,
                            })
                            .is_err()
                        {
                            return;
                        }
                        wake();
                    }
                }
            });
        Self {
            requests: req_tx,
            results: res_rx,
            open: None,
            page: 1,
            scroll_reset: false,
            scroll_offset: egui::Vec2::ZERO,
            page_count: None,
            page_width_pt: None,
            zoom: 1.0,
            fit_width: true,
            textures: VecDeque::new(),
            pending: Vec::new(),
            error: spawned.err().map(|e| format!("无法启动文书预览：{e}")),
            ocr: None,
            ocr_asked: None,
            show_ocr: false,
            highlight: Vec::new(),
            run_ocr_asked: false,
        }
    }

    /// The page whose OCR reading should be asked of the project, once per page shown.
    pub fn wanted_ocr(&mut self) -> Option<(String, u32)> {
        let doc = self.open.as_ref()?;
        if doc.kind == PreviewKind::External || doc.sha256.starts_with("report:") {
            return None;
        }
        let shown = (doc.sha256.clone(), self.page);
        let loaded = self
            .ocr
            .as_ref()
            .is_some_and(|(s, p, _)| (s, *p) == (&shown.0, shown.1));
        if loaded || self.ocr_asked.as_ref() == Some(&shown) {
            return None;
        }
        self.ocr_asked = Some(shown.clone());
        Some((shown.0, u32::try_from(shown.1).unwrap_or(u32::MAX)))
    }

    /// The project's answer for one page.
    pub fn set_ocr(&mut self, sha256: String, page: u32, stored: Option<crate::store::StoredOcrPage>) {
        let page = page as usize;
        if self.ocr_asked.as_ref() == Some(&(sha256.clone(), page)) {
            self.ocr_asked = None;
        }
        self.ocr = Some((sha256, page, stored));
    }

    /// Forgets the page's reading (an OCR job stored more): asked again next frame.
    pub fn forget_ocr(&mut self) {
        self.ocr = None;
        self.ocr_asked = None;
    }

    /// Search terms to highlight on recognised pages (empty: none).
    pub fn set_highlight(&mut self, terms: Vec<String>) {
        self.highlight = terms;
    }

    /// How many recognised lines of the shown page hold a highlighted search term.
    pub fn highlighted_lines(&self) -> usize {
        match self.shown_ocr() {
            Some(Some(page)) if !self.highlight.is_empty() => page
                .lines
                .iter()
                .filter(|l| line_matches(&l.text, &self.highlight))
                .count(),
            _ => 0,
        }
    }

    /// Whether the user asked, from the viewer, to read this case's scans (once).
    pub fn take_run_ocr(&mut self) -> bool {
        std::mem::take(&mut self.run_ocr_asked)
    }

    /// The reading of the page shown, when loaded.
    fn shown_ocr(&self) -> Option<&Option<crate::store::StoredOcrPage>> {
        let doc = self.open.as_ref()?;
        self.ocr
            .as_ref()
            .filter(|(s, p, _)| *s == doc.sha256 && *p == self.page)
            .map(|(_, _, stored)| stored)
    }

    /// The OCR part of the toolbar: box toggle, copy, counts — or that the page is not read.
    fn ocr_toolbar(&mut self, ui: &mut egui::Ui, palette: &theme::Palette) {
        let Some(stored) = self.shown_ocr().cloned() else {
            return;
        };
        ui.separator();
        match stored {
            Some(page) => {
                ui.checkbox(&mut self.show_ocr, "识别文字框")
                    .on_hover_text("在页面上标出识别出的每行文字；橙色为识别存疑的行");
                if ui.button("复制本页文字").clicked() {
                    ui.ctx().copy_text(page.text());
                }
                let uncertain = page.lines.iter().filter(|l| l.is_uncertain()).count();
                let mut label = RichText::new(if uncertain > 0 {
                    format!("识别 {} 行，{uncertain} 行存疑", page.lines.len())
                } else {
                    format!("识别 {} 行", page.lines.len())
                });
                if uncertain > 0 {
                    label = label.color(palette.deduction);
                }
                ui.label(label)
                    .on_hover_text(format!("{}，{}", page.engine, page.read_at));
            }
            None => {
                ui.label(RichText::new("本页尚未识别文字").color(palette.weak_text));
                if ui.button("识别本案扫描件").clicked() {
                    self.run_ocr_asked = true;
                }
            }
        }
    }

    /// Boxes of the recognised lines over the page image at `rect`: search matches filled,
    /// and with the toggle every line outlined (uncertain ones in the warning colour), its text
    /// on hover.
    fn ocr_overlay(&self, ui: &egui::Ui, rect: egui::Rect, palette: &theme::Palette) {
        let Some(Some(page)) = self.shown_ocr() else { return };
        let painter = ui.painter_at(rect);
        for (i, line) in page.lines.iter().enumerate() {
            let [x0, y0, x1, y1] = line.bounds();
            let r = egui::Rect::from_min_max(
                rect.min + egui::vec2(x0 * rect.width(), y0 * rect.height()),
                rect.min + egui::vec2(x1 * rect.width(), y1 * rect.height()),
            );
            if !self.highlight.is_empty() && line_matches(&line.text, &self.highlight) {
                painter.rect_filled(r, 2.0, egui::Color32::from_rgba_unmultiplied(255, 210, 0, 90));
                painter.rect_stroke(
                    r,
                    2.0,
                    egui::Stroke::new(1.5, palette.deduction),
                    egui::StrokeKind::Outside,
                );
            }
            if self.show_ocr {
                let color = if line.is_uncertain() {
                    palette.deduction
                } else {
                    palette.accent
                };
                painter.rect_stroke(r, 1.0, egui::Stroke::new(1.0, color), egui::StrokeKind::Outside);
                let hover = if line.is_uncertain() {
                    format!("{}\n（识别存疑，置信度 {:.2}）", line.text, line.confidence)
                } else {
                    line.text.clone()
                };
                ui.interact(r, ui.scope_id().with(("ocr-line", i)), egui::Sense::hover())
                    .on_hover_text(hover);
            }
        }
    }

    /// Opens a document at page 1 (or `page`).
    pub fn open(&mut self, document: OpenDocument, page: usize) {
        let same = self.open.as_ref().is_some_and(|d| d.sha256 == document.sha256);
        if !same {
            self.page_count = None;
            self.page_width_pt = None;
        }
        self.highlight.clear();
        // Opened (again, or at another page): shown from the top of the page.
        self.scroll_reset = true;
        self.page = page.max(1);
        self.error = None;
        self.open = Some(document);
    }

    /// Where the page is scrolled to (as of the last frame).
    pub fn scroll_offset(&self) -> egui::Vec2 {
        self.scroll_offset
    }

    /// Closes the viewer (back to the case overview).
    pub fn close(&mut self) {
        self.open = None;
    }

    /// Whether a document is open.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// The open document's current page and page count.
    pub fn position(&self) -> (usize, Option<usize>) {
        (self.page, self.page_count)
    }

    /// Moves by `delta` pages, within the document.
    pub fn turn(&mut self, delta: i64) {
        let last = self.page_count.unwrap_or(usize::MAX) as i64;
        let page = (self.page as i64 + delta).clamp(1, last.max(1)) as usize;
        if page != self.page {
            self.scroll_reset = true;
        }
        self.page = page;
        self.error = None;
    }

    fn scale(&self, ctx: &egui::Context, available_width: f32) -> f32 {
        let zoom = if self.fit_width {
            // Fit the page's width (A4 until the first page tells the real width).
            (available_width - theme::SPACE * 2.0) / self.page_width_pt.unwrap_or(595.0)
        } else {
            self.zoom
        };
        zoom.clamp(ZOOM_RANGE.0, ZOOM_RANGE.1) * ctx.pixels_per_point()
    }

    fn key(&self, page: usize, scale: f32) -> Option<PageKey> {
        let doc = self.open.as_ref()?;
        // Images are decoded once, whatever the zoom.
        let scale_centi = if doc.kind == PreviewKind::Image {
            100
        } else {
            (scale * 20.0).round() as u32 * 5
        };
        Some(PageKey {
            sha256: doc.sha256.clone(),
            page,
            scale_centi,
        })
    }

    fn request(&mut self, key: PageKey) {
        let Some(doc) = &self.open else { return };
        if self.pending.contains(&key) || self.textures.iter().any(|(k, _)| *k == key) {
            return;
        }
        self.pending.push(key.clone());
        if self
            .requests
            .send(Request {
                key,
                path: doc.path.clone(),
                kind: doc.kind,
            })
            .is_err()
        {
            crate::places::log("文书预览线程已结束，页面无法显示");
        }
    }

    fn receive(&mut self, ctx: &egui::Context) {
        let current = self.page;
        while let Ok(rendered) = self.results.try_recv() {
            self.pending.retain(|k| *k != rendered.key);
            match rendered.result {
                Ok((image, count)) => {
                    if self.open.as_ref().is_some_and(|d| d.sha256 == rendered.key.sha256) {
                        self.page_count = Some(count);
                        let scale = rendered.key.scale_centi as f32 / 100.0;
                        if self.open.as_ref().is_some_and(|d| d.kind == PreviewKind::Pdf) {
                            self.page_width_pt = Some(image.width as f32 / scale);
                        }
                    }
                    let name = format!(
                        "page-{}-{}-{}",
                        rendered.key.sha256, rendered.key.page, rendered.key.scale_centi
                    );
                    let color = ColorImage::from_rgba_unmultiplied(
                        [image.width as usize, image.height as usize],
                        &image.pixels,
                    );
                    let texture = ctx.load_texture(name, color, TextureOptions::LINEAR);
                    self.textures.push_back((rendered.key, texture));
                    while self.textures.len() > TEXTURE_BUDGET {
                        self.textures.pop_front();
                    }
                }
                // A page rendered ahead that does not exist is no news; only the page
                // the user looks at reports its error.
                Err(message) if rendered.key.page == current => self.error = Some(message),
                Err(_) => {}
            }
        }
    }

    /// Draws the toolbar and the current page. Returns true when the user asked to go back.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> bool {
        let ctx = ui.ctx().clone();
        self.receive(&ctx);
        let Some(doc) = self.open.clone() else { return true };
        let mut back = false;
        let palette = theme::palette(ui.visuals().dark_mode);
        ui.horizontal_wrapped(|ui| {
            back = ui.button("← 返回卷宗").on_hover_text("返回卷宗（Esc）").clicked();
            ui.label(RichText::new(&doc.title).strong());
            ui.separator();
            if doc.kind == PreviewKind::Pdf {
                if ui
                    .add_enabled(self.page > 1, egui::Button::new("上一页"))
                    .on_hover_text("上一页（PgUp）")
                    .clicked()
                {
                    self.turn(-1);
                }
                let count = self.page_count.map_or_else(|| "…".to_string(), |c| c.to_string());
                ui.label(format!("第 {} / {} 页", self.page, count));
                let more = self.page_count.is_none_or(|c| self.page < c);
                if ui
                    .add_enabled(more, egui::Button::new("下一页"))
                    .on_hover_text("下一页（PgDn）")
                    .clicked()
                {
                    self.turn(1);
                }
                ui.separator();
            }
            if doc.kind != PreviewKind::External {
                if ui.button("－").on_hover_text("缩小").clicked() {
                    self.zoom = (self.current_zoom(ui) / 1.25).max(ZOOM_RANGE.0);
                    self.fit_width = false;
                }
                ui.label(format!("{:.0}%", self.current_zoom(ui) * 100.0));
                if ui.button("＋").on_hover_text("放大").clicked() {
                    self.zoom = (self.current_zoom(ui) * 1.25).min(ZOOM_RANGE.1);
                    self.fit_width = false;
                }
                if ui.add_enabled(!self.fit_width, egui::Button::new("适合宽度")).clicked() {
                    self.fit_width = true;
                }
            }
            if ui.button("用系统程序打开").clicked()
                && let Err(e) = open_externally(&doc.path)
            {
                self.error = Some(e);
            }
            self.ocr_toolbar(ui, &palette);
        });
        ui.separator();
        if let Some(error) = &self.error {
            ui.label(RichText::new(error).color(palette.veto));
        }
        if doc.kind == PreviewKind::External {
            ui.centered_and_justified(|ui| ui.label("此类文件无法在程序内预览，请用系统程序打开。"));
            return back;
        }
        let scale = self.scale(&ctx, ui.available_width());
        let Some(key) = self.key(self.page, scale) else {
            return back;
        };
        self.request(key.clone());
        // Render ahead: the next page, so paging on feels instant.
        if doc.kind == PreviewKind::Pdf
            && self.page_count.is_some_and(|c| self.page < c)
            && let Some(next) = self.key(self.page + 1, scale)
        {
            self.request(next);
        }
        let texture = self
            .textures
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, t)| t.clone())
            .or_else(|| {
                // While the new scale renders, show the same page at any scale already made.
                self.textures
                    .iter()
                    .rev()
                    .find(|(k, _)| k.sha256 == key.sha256 && k.page == key.page)
                    .map(|(_, t)| t.clone())
            });
        let mut area = egui::ScrollArea::both().auto_shrink([false, false]);
        // A new document or page starts at its top, not where the last one was left.
        if std::mem::take(&mut self.scroll_reset) {
            area = area.scroll_offset(egui::Vec2::ZERO);
        }
        let output = area.show(ui, |ui| match texture {
            Some(texture) => {
                let size = texture.size_vec2() / ctx.pixels_per_point();
                let display = if doc.kind == PreviewKind::Image {
                    let fit = (ui.available_width() - theme::SPACE) / size.x.max(1.0);
                    let factor = if self.fit_width { fit } else { self.zoom };
                    size * factor
                } else {
                    size * (scale / (key.scale_centi as f32 / 100.0))
                };
                let shown = ui.add(egui::Image::new((texture.id(), display)));
                self.ocr_overlay(ui, shown.rect, &palette);
            }
            None => {
                ui.add_space(theme::SPACE * 4.0);
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("正在渲染页面…");
                });
            }
        });
        self.scroll_offset = output.state.clamped_offset();
        back
    }

    fn current_zoom(&self, ui: &egui::Ui) -> f32 {
        if self.fit_width {
            self.scale(ui.ctx(), ui.available_width()) / ui.ctx().pixels_per_point()
        } else {
            self.zoom
        }
    }
}

/// Renders one request on the viewer thread; keeps the last parsed PDF.
fn render(request: &Request, cached: &mut Option<(String, PdfDocument)>) -> Result<(RgbaImage, usize), String> {
    match request.kind {
        PreviewKind::Pdf => {
            if cached.as_ref().is_none_or(|(sha, _)| *sha != request.key.sha256) {
                let bytes = std::fs::read(&request.path).map_err(|e| format!("无法读取文件：{e}"))?;
                *cached = Some((
                    request.key.sha256.clone(),
                    PdfDocument::open(bytes).map_err(|e| e.to_string())?,
                ));
            }
            let (_, pdf) = cached.as_ref().ok_or("PDF 未打开")?;
            let scale = request.key.scale_centi as f32 / 100.0;
            let image = pdf.render_page(request.key.page, scale).map_err(|e| e.to_string())?;
            Ok((image, pdf.page_count()))
        }
        PreviewKind::Image => {
            let bytes = std::fs::read(&request.path).map_err(|e| format!("无法读取文件：{e}"))?;
            decode_image(&bytes).map(|image| (image, 1)).map_err(|e| e.to_string())
        }
        PreviewKind::External => Err("此类文件无法在程序内预览".into()),
    }
}

/// Hands a file to the desktop's default application.
fn open_externally(path: &std::path::Path) -> Result<(), String> {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(program)
        .arg(path)
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("无法用系统程序打开（{program}：{e}）"))
}

/// The preview kind of a stored file.
pub fn kind_for(extension: &str) -> PreviewKind {
    preview_kind(extension)
}
