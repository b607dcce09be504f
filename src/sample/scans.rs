//! Scanned pages with known text, for measuring OCR: the sample generator's documents of the
//! kinds a reviewer reads most (行政处罚决定书, 行政处罚告知书, 询问笔录, 送达回执), rendered at
//! 200 dpi from their PDFs and degraded the way a scanner and a copier degrade paper — with a
//! fixed seed, so every run measures the same pages.
//!
//! The truth of a page is the text its PDF was written with (its text layer); the key facts
//! are the 案号, every date and the fine amount found in that text.

use super::names::Rng;
use super::world::{World, generate_case_with};
use crate::import::{ImportLimits, TextLayer, extract_pdf_text};
use crate::ocr::Gray;
use crate::preview::PdfDocument;

/// The document kinds of the corpus.
pub const KINDS: &[&str] = &["行政处罚决定书", "行政处罚告知书", "询问笔录", "送达回执"];

/// How a page is degraded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Degradation {
    /// Largest tilt either way, in degrees.
    pub max_tilt_degrees: f32,
    /// Gaussian blur radius (standard deviation in pixels).
    pub blur_sigma: f32,
    /// Standard deviation of the pixel noise (grey levels).
    pub noise_sigma: f32,
    /// Darkest and lightest paper (grey level of a blank page).
    pub paper: (u8, u8),
    /// JPEG quality the scan is saved with.
    pub jpeg_quality: u8,
}

impl Default for Degradation {
    /// The corpus of the OCR issue: ±1°, a slight blur, noise, grey paper, JPEG quality 55.
    fn default() -> Self {
        Self {
            max_tilt_degrees: 1.0,
            blur_sigma: 0.8,
            noise_sigma: 8.0,
            paper: (215, 245),
            jpeg_quality: 55,
        }
    }
}

/// One scanned page and what is on it.
#[derive(Debug, Clone)]
pub struct ScanPage {
    /// The case's 案号.
    pub case: String,
    /// 文书类型.
    pub doc_type: String,
    /// The text the page was written with.
    pub truth: String,
    /// 案号, dates and fine amount as they appear in `truth`.
    pub facts: Vec<String>,
    /// The page as a scanner saved it (JPEG bytes).
    pub jpeg: Vec<u8>,
    /// The document's date and 文号 in the case model (what the facts read from the page
    /// must give).
    pub date: Option<chrono::NaiveDate>,
    /// The document's 文号.
    pub doc_number: Option<String>,
    /// The fine of the case's decision, in yuan.
    pub fine: Option<u64>,
    /// The tilt applied, degrees.
    pub tilt: f32,
}

/// `count` pages from the sample cases of `seed`, one-page documents of [`KINDS`] in turn
/// (so every kind is represented), degraded by `how`.
pub fn scan_corpus(count: usize, seed: u64, how: &Degradation) -> Result<Vec<ScanPage>, String> {
    let mut world = World::new(seed);
    let mut rng = Rng::new(seed ^ 0x5ca9_5ca9);
    let mut pages = Vec::new();
    let mut per_kind = vec![0usize; KINDS.len()];
    let wanted_per_kind = count.div_ceil(KINDS.len());
    for index in 0..count * 20 {
        if pages.len() == count {
            break;
        }
        let generated = generate_case_with(&mut world, index, None).map_err(|e| e.to_string())?;
        for (path, bytes) in &generated.files {
            // `05-行政处罚决定书.pdf`, `08-询问笔录（冯德明）.pdf`.
            let name = path.rsplit('/').next().unwrap_or(path);
            let Some(kind) = KINDS.iter().position(|k| {
                name.ends_with(".pdf") && name.split_once('-').is_some_and(|(_, rest)| rest.starts_with(k))
            }) else {
                continue;
            };
            if per_kind[kind] >= wanted_per_kind || pages.len() == count {
                continue;
            }
            let TextLayer::Text { text, pages: 1, .. } = extract_pdf_text(bytes, &ImportLimits::default()) else {
                continue;
            };
            let text = in_reading_order(&text);
            let pdf = PdfDocument::open(bytes.clone()).map_err(|e| e.to_string())?;
            let rgba = pdf
                .render_page(1, crate::ocr::OCR_DPI / 72.0)
                .map_err(|e| e.to_string())?;
            let clean = Gray::from_rgba(rgba.width, rgba.height, &rgba.pixels);
            let (scanned, tilt) = degrade(&clean, how, &mut rng);
            per_kind[kind] += 1;
            let model = generated
                .case
                .documents
                .iter()
                .find(|d| path.ends_with(&d.file) || d.file.ends_with(name));
            let fine = generated
                .case
                .decision
                .as_ref()
                .and_then(|d| d.penalties.iter().find_map(|p| p.amount_yuan))
                .map(|yuan| yuan.round() as u64);
            pages.push(ScanPage {
                date: model.and_then(|d| d.date),
                doc_number: model.and_then(|d| d.number.clone()),
                fine,
                case: generated.case.number.clone(),
                doc_type: KINDS[kind].to_string(),
                facts: key_facts(&text, &generated.case.number),
                truth: text,
                jpeg: scanned.to_jpeg(how.jpeg_quality)?,
                tilt,
            });
        }
    }
    Ok(pages)
}

/// The page's text in the order a reader reads it: the running header, which the PDF writes
/// last, is at the top of the page.
fn in_reading_order(text: &str) -> String {
    match text.trim_end().strip_suffix(super::RUNNING_HEADER) {
        Some(body) => format!("{}\n{}", super::RUNNING_HEADER, body.trim_end()),
        None => text.to_string(),
    }
}

/// The 案号 (when on the page), every date written 2024年4月8日, and the fine amount (the
/// figure after ¥ and the amount in words ending 元整).
pub fn key_facts(truth: &str, number: &str) -> Vec<String> {
    let flat: String = truth.chars().filter(|c| !c.is_whitespace()).collect();
    let mut facts = Vec::new();
    let number_flat: String = number.chars().filter(|c| !c.is_whitespace()).collect();
    if flat.contains(&number_flat) {
        facts.push(number_flat);
    }
    // Located with the facts readers (their values are tested against the statutes'
    // formats in `facts::read`); here only the written forms are kept, in page order.
    let chars: Vec<char> = flat.chars().collect();
    let written = |start: usize, end: usize| chars[start..end].iter().collect::<String>();
    let mut found: Vec<(usize, String)> = crate::facts::read::dates(&flat)
        .into_iter()
        .map(|d| (d.start, written(d.start, d.end)))
        .collect();
    for amount in crate::facts::read::amounts(&flat) {
        let text = written(amount.start, amount.end);
        match amount.value {
            (_, true) if text.ends_with("元整") => found.push((amount.start, text)),
            (yuan, false) if text.starts_with(['¥', '￥']) => found.push((amount.start, format!("¥{yuan}"))),
            _ => {}
        }
    }
    found.sort_by_key(|(start, _)| *start);
    facts.extend(found.into_iter().map(|(_, text)| text));
    facts
}

/// A clean page as scanned: tilted, on grey paper, blurred, with noise. Returns the tilt.
pub fn degrade(clean: &Gray, how: &Degradation, rng: &mut Rng) -> (Gray, f32) {
    let unit = |rng: &mut Rng| (rng.next_u64() >> 11) as f32 / (1u64 << 53) as f32;
    let tilt = (unit(rng) * 2.0 - 1.0) * how.max_tilt_degrees;
    let paper = f32::from(how.paper.0) + unit(rng) * f32::from(how.paper.1 - how.paper.0);
    let (sin, cos) = tilt.to_radians().sin_cos();
    let (w, h) = (clean.width as f32, clean.height as f32);
    let (cx, cy) = (w / 2.0, h / 2.0);
    let mut pixels = Vec::with_capacity(clean.pixels.len());
    for y in 0..clean.height {
        for x in 0..clean.width {
            // Where this scanner pixel was on the paper (rotation about the centre).
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            let sx = cos * dx + sin * dy + cx;
            let sy = -sin * dx + cos * dy + cy;
            let ink = if sx < 0.0 || sy < 0.0 || sx >= w || sy >= h {
                255.0
            } else {
                clean.sample(sx, sy)
            };
            // Ink stays dark, white becomes the paper's grey.
            pixels.push(ink / 255.0 * paper);
        }
    }
    let blurred = gaussian_blur(&pixels, clean.width as usize, clean.height as usize, how.blur_sigma);
    let mut out = Vec::with_capacity(blurred.len());
    let mut spare: Option<f32> = None;
    for v in blurred {
        let n = match spare.take() {
            Some(n) => n,
            None => {
                // Box–Muller: two normal deviates per two uniforms.
                let u1 = unit(rng).max(1e-7);
                let u2 = unit(rng);
                let r = (-2.0 * u1.ln()).sqrt();
                let (s, c) = (std::f32::consts::TAU * u2).sin_cos();
                spare = Some(r * s);
                r * c
            }
        };
        out.push((v + n * how.noise_sigma).round().clamp(0.0, 255.0) as u8);
    }
    (
        Gray {
            width: clean.width,
            height: clean.height,
            pixels: out,
        },
        tilt,
    )
}

/// Separable Gaussian blur (kernel to 3σ, border repeated).
fn gaussian_blur(pixels: &[f32], width: usize, height: usize, sigma: f32) -> Vec<f32> {
    if sigma <= 0.0 {
        return pixels.to_vec();
    }
    let radius = (sigma * 3.0).ceil() as isize;
    let mut kernel: Vec<f32> = (-radius..=radius)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f32 = kernel.iter().sum();
    kernel.iter_mut().for_each(|k| *k /= sum);
    let pass = |src: &[f32], horizontal: bool| {
        let mut dst = vec![0.0f32; src.len()];
        for y in 0..height {
            for x in 0..width {
                let mut acc = 0.0;
                for (k, weight) in kernel.iter().enumerate() {
                    let offset = k as isize - radius;
                    let (sx, sy) = if horizontal {
                        ((x as isize + offset).clamp(0, width as isize - 1) as usize, y)
                    } else {
                        (x, (y as isize + offset).clamp(0, height as isize - 1) as usize)
                    };
                    acc += src[sy * width + sx] * weight;
                }
                dst[y * width + x] = acc;
            }
        }
        dst
    };
    pass(&pass(pixels, true), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_facts_are_the_number_dates_and_amounts() {
        let truth = "青禾应急罚〔2024〕12号\n决定给予罚款人民币贰仟伍佰元整（¥2500）的行政处罚。\n2024年6月20日 于 2024年 1月 2日";
        assert_eq!(
            key_facts(truth, "青禾应急罚〔2024〕12号"),
            vec![
                "青禾应急罚〔2024〕12号",
                "贰仟伍佰元整",
                "¥2500",
                "2024年6月20日",
                "2024年1月2日"
            ]
        );
        assert!(key_facts("二〇二四年", "X").is_empty());
    }

    #[test]
    fn degrading_is_repeatable_and_keeps_the_size() {
        let clean = Gray {
            width: 40,
            height: 30,
            pixels: (0..1200).map(|i| if i % 7 == 0 { 0 } else { 255 }).collect(),
        };
        let how = Degradation::default();
        let (a, tilt_a) = degrade(&clean, &how, &mut Rng::new(7));
        let (b, tilt_b) = degrade(&clean, &how, &mut Rng::new(7));
        assert_eq!((a.width, a.height), (40, 30));
        assert_eq!(a, b);
        assert_eq!(tilt_a, tilt_b);
        assert!(tilt_a.abs() <= 1.0);
        // The paper is grey: a blank area is darker than white.
        let blank = degrade(&Gray::white(40, 30), &how, &mut Rng::new(3)).0;
        let mean = blank.pixels.iter().map(|&p| f64::from(p)).sum::<f64>() / 1200.0;
        assert!((200.0..250.0).contains(&mean), "{mean}");
    }
}

/// A whole case scanned in archive order, as one stack of pages.
#[derive(Debug, Clone)]
pub struct ScannedCase {
    /// 案号.
    pub number: String,
    /// The pages as a scanner saved them (JPEG), in order.
    pub pages: Vec<Vec<u8>>,
    /// The documents and their pages: (文书类型, first page, last page), 1-based.
    pub documents: Vec<(String, usize, usize)>,
}

/// Case `index` of the sample cases of `seed`, every page of every document rendered and
/// degraded by `how`. With `contents`, the file's first document is a 卷内目录 listing every
/// document with its pages (as archives number them); without, there is none and the documents
/// are found by their titles.
pub fn scanned_case(seed: u64, index: usize, contents: bool, how: &Degradation) -> Result<ScannedCase, String> {
    let mut world = World::new(seed);
    let generated = (0..=index)
        .map(|i| generate_case_with(&mut world, i, None))
        .last()
        .ok_or("没有案卷")?
        .map_err(|e| e.to_string())?;
    scan_documents(&generated.case, &generated.files, contents, how, seed ^ index as u64)
}

/// The sample package in `dir` (its `case.toml` and PDFs, as `pingcha sample` writes them)
/// scanned as [`scanned_case`] scans a generated case.
pub fn scan_package(
    dir: &std::path::Path,
    contents: bool,
    how: &Degradation,
    seed: u64,
) -> Result<ScannedCase, String> {
    let toml_path = dir.join("case.toml");
    let text = std::fs::read_to_string(&toml_path).map_err(|e| format!("{}: {e}", toml_path.display()))?;
    let (case, _) =
        crate::import::parse_case_toml(&toml_path.display().to_string(), &text).map_err(|e| e.to_string())?;
    let files = case
        .documents
        .iter()
        .map(|d| {
            let path = dir.join(&d.file);
            std::fs::read(&path)
                .map(|bytes| (d.file.clone(), bytes))
                .map_err(|e| format!("{}: {e}", path.display()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    scan_documents(&case, &files, contents, how, seed)
}

/// The documents of `case` (files follow `case.documents`) rendered, degraded and stacked in
/// archive order; with `contents`, a 卷内目录 listing their pages first.
fn scan_documents(
    case: &crate::domain::Case,
    files: &[(String, Vec<u8>)],
    contents: bool,
    how: &Degradation,
    seed: u64,
) -> Result<ScannedCase, String> {
    let mut rng = Rng::new(seed ^ 0x5ca9);
    // The documents to scan: the sample's own (its 卷内目录 lists no pages) without their 卷内目录.
    let mut docs: Vec<(String, Vec<Gray>)> = Vec::new();
    // Where the case keeps its 卷内目录 (after the 案卷封面, as archives bind it).
    let mut contents_at = 0;
    for (doc, (_, bytes)) in case.documents.iter().zip(files) {
        if doc.doc_type == "卷内目录" {
            contents_at = docs.len();
            continue;
        }
        let pdf = PdfDocument::open(bytes.clone()).map_err(|e| e.to_string())?;
        let mut pages = Vec::new();
        for page in 1..=pdf.page_count() {
            let rgba = pdf
                .render_page(page, crate::ocr::OCR_DPI / 72.0)
                .map_err(|e| e.to_string())?;
            pages.push(Gray::from_rgba(rgba.width, rgba.height, &rgba.pixels));
        }
        docs.push((doc.doc_type.clone(), pages));
    }
    if contents {
        // Pages numbered in binding order, the 卷内目录 (one page) in its place.
        let mut order: Vec<(String, usize)> = docs.iter().map(|(t, p)| (t.clone(), p.len())).collect();
        order.insert(contents_at, ("卷内目录".to_string(), 1));
        let mut rows = Vec::new();
        let mut next = 1;
        for (i, (doc_type, count)) in order.iter().enumerate() {
            let last = next + count - 1;
            let range = if last == next {
                next.to_string()
            } else {
                format!("{next}-{last}")
            };
            rows.push(vec![(i + 1).to_string(), doc_type.clone(), range]);
            next = last + 1;
        }
        let mut report = crate::report::Document::new(format!("卷内目录 {}", case.number));
        report.blocks = vec![
            crate::report::Block::Issuer(case.agency.clone()),
            crate::report::Block::Title("卷内目录".into()),
            crate::report::Block::Centered(case.number.clone()),
            crate::report::Block::Table(crate::report::Table {
                headers: vec!["序号".into(), "文书名称".into(), "页码".into()],
                rows,
            }),
        ];
        let rendered = crate::report::render_pdf(&report).map_err(|e| e.to_string())?;
        let pdf = PdfDocument::open(rendered.bytes).map_err(|e| e.to_string())?;
        if pdf.page_count() != 1 {
            return Err(format!("{} 的卷内目录超过一页", case.number));
        }
        let rgba = pdf
            .render_page(1, crate::ocr::OCR_DPI / 72.0)
            .map_err(|e| e.to_string())?;
        docs.insert(
            contents_at,
            (
                "卷内目录".into(),
                vec![Gray::from_rgba(rgba.width, rgba.height, &rgba.pixels)],
            ),
        );
    }
    let mut pages = Vec::new();
    let mut documents = Vec::new();
    for (doc_type, images) in docs {
        let first = pages.len() + 1;
        for image in &images {
            let (scanned, _) = degrade(image, how, &mut rng);
            pages.push(scanned.to_jpeg(how.jpeg_quality)?);
        }
        documents.push((doc_type, first, pages.len()));
    }
    Ok(ScannedCase {
        number: case.number.clone(),
        pages,
        documents,
    })
}

/// The pages of a scan as one PDF, the way a scanner saves a stack of paper: a grey JPEG
/// image filling each page (A4 width), no text layer.
pub fn scan_pdf(pages: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    // 1: catalog, 2: pages; then per page: page, content, image.
    let count = pages.len();
    let kids: Vec<String> = (0..count).map(|i| format!("{} 0 R", 3 + i * 3)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {count} >>", kids.join(" ")).into_bytes());
    for (i, jpeg) in pages.iter().enumerate() {
        let image = Gray::decode(jpeg)?;
        // 595 pt wide (A4); the height keeps the scan's proportions.
        let width = 595.0f64;
        let height = (width * f64::from(image.height) / f64::from(image.width)).round();
        let page_id = 3 + i * 3;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Contents {} 0 R \
                 /Resources << /XObject << /Im0 {} 0 R >> >> >>",
                page_id + 1,
                page_id + 2
            )
            .into_bytes(),
        );
        let content = format!("q {width} 0 0 {height} 0 0 cm /Im0 Do Q");
        objects.push(format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes());
        let mut image_object = format!(
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            image.width,
            image.height,
            jpeg.len()
        )
        .into_bytes();
        image_object.extend_from_slice(jpeg);
        image_object.extend_from_slice(b"\nendstream");
        objects.push(image_object);
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    Ok(out)
}
