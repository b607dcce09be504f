//! Page images of case documents for the in-app viewer: PDF pages rasterised with `hayro`
//! (fonts a PDF names but does not embed — 宋体, 仿宋, 黑体, 楷体 and the like — are drawn with
//! the bundled CJK font), and scans in PNG or JPEG decoded with `image`.
//!
//! Pure CPU work on bytes handed in; the UI runs it on a background thread. Must not use
//! `egui`, `rusqlite` or `printpdf`.

use std::sync::Arc;

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_interpret::font::{FallbackFontQuery, FontQuery};
use hayro::hayro_syntax::Pdf;
use hayro::{PixmapSettings, RenderCache, RenderSettings};

/// Why a page could not be shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreviewError {
    /// Not a PDF the renderer can read (damaged, encrypted).
    #[error("无法打开 PDF（{0}）")]
    BadPdf(String),
    /// A page number past the end.
    #[error("没有第 {page} 页（共 {count} 页）")]
    NoSuchPage {
        /// Requested page, 1-based.
        page: usize,
        /// Pages in the document.
        count: usize,
    },
    /// An image that cannot be decoded.
    #[error("无法解码图片（{0}）")]
    BadImage(String),
    /// A page too large to rasterise at this zoom.
    #[error("页面过大，请缩小后查看")]
    TooLarge,
}

/// An RGBA image (8 bits per channel, not premultiplied; opaque for rendered pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbaImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes.
    pub pixels: Vec<u8>,
}

/// What the viewer can do with a file, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviewKind {
    /// Rendered page by page.
    Pdf,
    /// Shown as one image.
    Image,
    /// Opened in the system's viewer.
    External,
}

/// The preview kind of a stored file's extension.
pub fn preview_kind(extension: &str) -> PreviewKind {
    match extension.to_ascii_lowercase().as_str() {
        "pdf" => PreviewKind::Pdf,
        "png" | "jpg" | "jpeg" => PreviewKind::Image,
        _ => PreviewKind::External,
    }
}

/// Font names (PostScript or family, any case) that mean a Chinese face.
const CJK_FONT_HINTS: &[&str] = &[
    "simsun",
    "nsimsun",
    "song",
    "宋",
    "fangsong",
    "fang",
    "仿宋",
    "simhei",
    "hei",
    "黑",
    "kaiti",
    "kai",
    "楷",
    "yahei",
    "雅黑",
    "stxihei",
    "stsong",
    "stkaiti",
    "stfangsong",
    "fzxiaobiaosong",
    "小标宋",
    "dengxian",
    "等线",
    "noto sans cjk",
    "source han",
    "思源",
];

fn is_cjk_font(query: &FallbackFontQuery) -> bool {
    if query.character_collection.is_some() {
        return true;
    }
    [&query.post_script_name, &query.font_name, &query.font_family]
        .into_iter()
        .flatten()
        .any(|name| {
            let lower = name.to_lowercase();
            CJK_FONT_HINTS.iter().any(|hint| lower.contains(hint))
        })
}

/// Interpreter settings: the standard 14 fonts from hayro's own substitutes, Chinese
/// fonts that are named but not embedded from the bundled Noto Sans CJK SC.
fn settings() -> InterpreterSettings {
    let mut settings = InterpreterSettings::default();
    let standard = settings.font_resolver.clone();
    let cjk: hayro::hayro_interpret::font::FontData = Arc::new(crate::assets::FONT_REGULAR);
    settings.font_resolver = Arc::new(move |query| match query {
        FontQuery::Fallback(fallback) if is_cjk_font(fallback) => Some((cjk.clone(), 0)),
        other => standard(other),
    });
    settings
}

/// A parsed PDF, kept between page renders of the same document.
pub struct PdfDocument {
    pdf: Pdf,
}

impl PdfDocument {
    /// Parses a PDF.
    pub fn open(bytes: Vec<u8>) -> Result<Self, PreviewError> {
        let pdf = Pdf::new(bytes).map_err(|e| PreviewError::BadPdf(format!("{e:?}")))?;
        Ok(Self { pdf })
    }

    /// Number of pages.
    pub fn page_count(&self) -> usize {
        self.pdf.pages().len()
    }

    /// Renders page `page` (1-based) at `scale` pixels per PDF point, on white.
    pub fn render_page(&self, page: usize, scale: f32) -> Result<RgbaImage, PreviewError> {
        let pages = self.pdf.pages();
        let count = pages.len();
        let p = page
            .checked_sub(1)
            .and_then(|i| pages.get(i))
            .ok_or(PreviewError::NoSuchPage { page, count })?;
        let (w, h) = p.render_dimensions();
        if w * scale > 8000.0 || h * scale > 8000.0 {
            return Err(PreviewError::TooLarge);
        }
        let cache = RenderCache::new();
        let pixmap = hayro::render(
            p,
            &cache,
            &settings(),
            &RenderSettings::default(),
            &PixmapSettings {
                x_scale: scale,
                y_scale: scale,
                // Paper: pages are white whatever the app's theme.
                bg_color: hayro::vello_cpu::color::palette::css::WHITE,
            },
        );
        let (width, height) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
        // Rendered on an opaque white background, so premultiplied equals straight alpha.
        let pixels = pixmap.data_as_u8_slice().to_vec();
        Ok(RgbaImage { width, height, pixels })
    }
}

/// Decodes a PNG or JPEG scan.
pub fn decode_image(bytes: &[u8]) -> Result<RgbaImage, PreviewError> {
    let image = image::load_from_memory(bytes).map_err(|e| PreviewError::BadImage(e.to_string()))?;
    let rgba = image.to_rgba8();
    let (width, height) = (rgba.width(), rgba.height());
    let mut pixels = rgba.into_raw();
    // A scan with transparency is shown on paper (white), whatever the app's theme.
    for p in pixels.chunks_exact_mut(4).filter(|p| p[3] < 255) {
        let alpha = u32::from(p[3]);
        for c in &mut p[..3] {
            *c = u8::try_from((u32::from(*c) * alpha + 255 * (255 - alpha)) / 255).unwrap_or(255);
        }
        p[3] = 255;
    }
    Ok(RgbaImage { width, height, pixels })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Share of pixels that are clearly not white.
    fn ink(img: &RgbaImage) -> f64 {
        let dark = img
            .pixels
            .chunks(4)
            .filter(|p| p[0] < 128 && p[1] < 128 && p[2] < 128)
            .count();
        dark as f64 / (img.width * img.height) as f64
    }

    /// A one-page PDF whose text uses a font it only names (宋体, not embedded), the way
    /// many government PDFs are written. Offsets in the xref table are computed.
    fn pdf_naming_simsun(text_utf16_hex: &str) -> Vec<u8> {
        let content = format!("BT /F1 48 Tf 40 120 Td <{text_utf16_hex}> Tj ET");
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>".to_string(),
            "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>".to_string(),
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>".to_string(),
            format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
            "<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>".to_string(),
        ];
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    #[test]
    fn renders_pages_written_by_the_report_module() {
        use crate::report::{Block, Document, render_pdf};
        let mut doc = Document::new("预览");
        doc.push(Block::Title("行政处罚决定书".into()))
            .push(Block::Paragraph("依据第一百零一条".repeat(40)));
        let pdf = PdfDocument::open(render_pdf(&doc).unwrap().bytes).unwrap();
        assert_eq!(pdf.page_count(), 1);
        let page = pdf.render_page(1, 1.0).unwrap();
        assert_eq!((page.width, page.height), (595, 841), "A4 at 72 dpi");
        assert!(ink(&page) > 0.005, "text is drawn: {}", ink(&page));
        // Pages are paper whatever the theme: an opaque white page, never see-through
        // (#13 item 8: in the dark theme a transparent page showed dark text on near-black).
        assert_eq!(&page.pixels[..4], &[255, 255, 255, 255], "the margin is opaque white");
        assert!(page.pixels.chunks(4).all(|p| p[3] == 255), "every pixel is opaque");
        assert_eq!(
            pdf.render_page(2, 1.0),
            Err(PreviewError::NoSuchPage { page: 2, count: 1 })
        );
    }

    #[test]
    fn non_embedded_song_typeface_is_drawn_with_the_bundled_font() {
        // 中文 in UCS-2: 4E2D 6587.
        let pdf = PdfDocument::open(pdf_naming_simsun("4E2D6587")).unwrap();
        let page = pdf.render_page(1, 1.0).unwrap();
        assert!(ink(&page) > 0.01, "substituted glyphs are drawn: {}", ink(&page));
    }

    #[test]
    fn images_and_bad_input() {
        let mut png = Vec::new();
        image::RgbaImage::from_pixel(3, 2, image::Rgba([10, 20, 30, 255]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let img = decode_image(&png).unwrap();
        assert_eq!(
            (img.width, img.height, &img.pixels[..4]),
            (3, 2, &[10, 20, 30, 255][..])
        );
        // A transparent scan is composited on white paper: clear → white, half → halfway.
        let mut png = Vec::new();
        let mut see_through = image::RgbaImage::from_pixel(2, 1, image::Rgba([0, 0, 0, 0]));
        see_through.put_pixel(1, 0, image::Rgba([0, 0, 0, 128]));
        see_through
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let img = decode_image(&png).unwrap();
        assert_eq!(img.pixels, [255, 255, 255, 255, 127, 127, 127, 255]);
        assert!(matches!(decode_image(b"nope"), Err(PreviewError::BadImage(_))));
        assert!(
            PdfDocument::open(b"%PDF-1.4 garbage".to_vec()).is_err()
                || PdfDocument::open(b"%PDF-1.4 garbage".to_vec()).unwrap().page_count() == 0
        );
        assert_eq!(preview_kind("PDF"), PreviewKind::Pdf);
        assert_eq!(preview_kind("jpg"), PreviewKind::Image);
        assert_eq!(preview_kind("mp4"), PreviewKind::External);
    }
}
