//! Text layers of PDF documents, for the full-text index. Scans without a text layer are
//! reported as such ("无文字层"); a broken PDF never stops an import.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// What was found in a document's text layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextLayer {
    /// Extracted text (whitespace normalised), with the page count.
    Text {
        /// The text of all pages.
        text: String,
        /// Number of pages.
        pages: u32,
    },
    /// A PDF with no text on its pages (a scan): 无文字层.
    NoText {
        /// Number of pages.
        pages: u32,
    },
    /// Not a PDF (an image, audio, video): nothing to extract.
    NotPdf,
    /// A PDF that could not be read (damaged, encrypted); the reason in Chinese.
    Unreadable(String),
}

impl TextLayer {
    /// The code stored with a document: `text`, `no_text`, `not_pdf`, `unreadable`.
    pub fn status_code(&self) -> &'static str {
        match self {
            Self::Text { .. } => "text",
            Self::NoText { .. } => "no_text",
            Self::NotPdf => "not_pdf",
            Self::Unreadable(_) => "unreadable",
        }
    }

    /// Page count, when known.
    pub fn pages(&self) -> Option<u32> {
        match self {
            Self::Text { pages, .. } | Self::NoText { pages } => Some(*pages),
            _ => None,
        }
    }
}

/// The fewest non-space characters for a page set to count as having a text layer (scanner
/// software sometimes stamps a page number or a few OCR crumbs on image-only pages).
const MIN_TEXT_CHARS: usize = 8;

/// Most content-stream tokens (operators and operands) read on one page: a dense page of
/// text has some ten thousand; parsing a token costs about a hundred bytes.
const MAX_PAGE_TOKENS: usize = 400_000;
/// Most tokens read from one document.
const MAX_DOCUMENT_TOKENS: usize = 4_000_000;

/// What a document may still cost.
struct Budget {
    bytes: usize,
    tokens: usize,
}

/// Whitespace-separated tokens in a content stream (a cheap upper bound of what parsing it
/// would allocate; string contents count as tokens too, which only errs on the safe side).
fn count_tokens(content: &[u8]) -> usize {
    let mut count = 0;
    let mut in_token = false;
    for &b in content {
        let space = matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | 0);
        if !space && !in_token {
            count += 1;
        }
        in_token = !space;
    }
    count
}

/// Extracts the text layer of a file's bytes. `max_decompressed` bounds the stream data
/// decompressed while doing so (a PDF can be a decompression bomb too).
pub fn extract_pdf_text(bytes: &[u8], max_decompressed: usize) -> TextLayer {
    if !bytes.starts_with(b"%PDF")
        && !bytes
            .get(..1024)
            .is_some_and(|head| head.windows(4).any(|w| w == b"%PDF"))
    {
        return TextLayer::NotPdf;
    }
    // lopdf is defensive, but a panic on hostile input must not take an import down.
    let result = catch_unwind(AssertUnwindSafe(|| {
        let doc = lopdf::Document::load_mem(bytes).map_err(|e| format!("无法解析 PDF：{e}"))?;
        if doc.is_encrypted() {
            return Err("PDF 已加密，无法读取文字".to_string());
        }
        let page_ids = doc.get_pages();
        let page_count = u32::try_from(page_ids.len()).unwrap_or(u32::MAX);
        let mut text = String::new();
        let mut budget = Budget {
            bytes: max_decompressed.saturating_mul(4),
            tokens: MAX_DOCUMENT_TOKENS,
        };
        let mut seen_contents = std::collections::HashSet::new();
        let mut skipped: Vec<String> = Vec::new();
        for (&number, &page_id) in &page_ids {
            // Pages that share one content stream are read once (the text is the same).
            if !seen_contents.insert(doc.get_page_contents(page_id)) {
                continue;
            }
            // The page's content is decoded (bounded) and its operators counted before it is
            // parsed: a small file can hold millions of operators, and parsing them all
            // needs gigabytes that no panic guard can give back.
            let content = match doc.get_page_content_with_limit(page_id, max_decompressed.min(budget.bytes)) {
                Ok(content) => content,
                Err(_) => {
                    skipped.push(format!(
                        "第{number}页内容超过 {} MB",
                        max_decompressed.min(budget.bytes) >> 20
                    ));
                    break;
                }
            };
            let tokens = count_tokens(&content);
            if tokens > MAX_PAGE_TOKENS {
                skipped.push(format!("第{number}页有约 {tokens} 个操作，超过上限 {MAX_PAGE_TOKENS}"));
                continue;
            }
            if tokens > budget.tokens || content.len() > budget.bytes {
                skipped.push(format!("文档内容超过上限，第{number}页起未提取"));
                break;
            }
            budget.tokens -= tokens;
            budget.bytes -= content.len();
            drop(content);
            // A page whose font cannot be decoded contributes nothing; the rest still count.
            for chunk in doc
                .extract_text_chunks_with_limit(&[number], max_decompressed)
                .into_iter()
                .flatten()
            {
                text.push_str(&chunk);
                text.push('\n');
            }
        }
        if !skipped.is_empty() && text.trim().is_empty() {
            return Err(format!("文本未能提取（{}）", skipped.join("；")));
        }
        Ok((normalise(&text), page_count))
    }));
    match result {
        Ok(Ok((text, pages))) => {
            if text.chars().filter(|c| !c.is_whitespace()).count() >= MIN_TEXT_CHARS {
                TextLayer::Text { text, pages }
            } else {
                TextLayer::NoText { pages }
            }
        }
        Ok(Err(reason)) => TextLayer::Unreadable(reason),
        Err(_) => TextLayer::Unreadable("PDF 结构损坏，无法读取文字".to_string()),
    }
}

/// Collapses whitespace (line breaks included) to single spaces, and drops it entirely
/// between two CJK characters: a PDF breaks Chinese lines anywhere, and a phrase broken
/// across two lines must still be found.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            let prev_cjk = out.chars().last().is_some_and(is_cjk);
            if !(prev_cjk && is_cjk(c)) {
                out.push(' ');
            }
        }
        pending_space = false;
        out.push(c);
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_pdf_and_garbage() {
        assert_eq!(extract_pdf_text(b"\xff\xd8\xff\xe0 jpeg", 1 << 20), TextLayer::NotPdf);
        assert!(matches!(
            extract_pdf_text(b"%PDF-1.7\n garbage", 1 << 20),
            TextLayer::Unreadable(_)
        ));
    }

    /// A PDF whose pages carry these content streams (Helvetica text, Flate-compressed).
    fn pdf_with_pages(contents: &[Vec<u8>]) -> Vec<u8> {
        use lopdf::{Document, Object, Stream, dictionary};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
        let mut kids = Vec::new();
        for content in contents {
            let mut stream = Stream::new(dictionary! {}, content.clone());
            stream.compress().unwrap();
            let content_id = doc.add_object(stream);
            let page = doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
                "Resources" => resources, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            });
            kids.push(Object::Reference(page));
        }
        let count = i64::try_from(kids.len()).unwrap();
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn a_page_of_millions_of_operators_is_skipped_not_parsed() {
        // #19 item 1: a 22 KB PDF whose stream inflates to 21 MiB of T* needed ~4 GB to parse
        // and the import died. Now its operators are counted first and the page is skipped.
        let mut hostile = b"BT /F1 12 Tf ".to_vec();
        hostile.extend(b"T* ".repeat(3_000_000));
        hostile.extend(b"ET");
        let normal = b"BT /F1 12 Tf 72 720 Td (Ordinary page with enough text) Tj ET".to_vec();
        let bytes = pdf_with_pages(&[hostile.clone(), normal]);
        assert!(bytes.len() < 200_000, "a small file: {}", bytes.len());
        match extract_pdf_text(&bytes, 64 << 20) {
            TextLayer::Text { text, pages } => {
                assert_eq!(pages, 2);
                assert!(text.contains("Ordinary page"), "{text}");
            }
            other => panic!("{other:?}"),
        }
        match extract_pdf_text(&pdf_with_pages(&[hostile]), 64 << 20) {
            TextLayer::Unreadable(why) => assert!(why.contains("第1页有约") && why.contains("超过上限"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn normalise_joins_cjk_runs() {
        assert_eq!(normalise("行政  处罚\n\n决定书 ABC  def"), "行政处罚决定书 ABC def");
        assert_eq!(normalise("第一百\n零一条 （单位）"), "第一百零一条（单位）");
    }
}
