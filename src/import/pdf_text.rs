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
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        let page_count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
        let mut text = String::new();
        // A page whose font cannot be decoded contributes nothing; the rest still count.
        for chunk in doc
            .extract_text_chunks_with_limit(&pages, max_decompressed)
            .into_iter()
            .flatten()
        {
            text.push_str(&chunk);
            text.push('\n');
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

    #[test]
    fn normalise_joins_cjk_runs() {
        assert_eq!(normalise("行政  处罚\n\n决定书 ABC  def"), "行政处罚决定书 ABC def");
        assert_eq!(normalise("第一百\n零一条 （单位）"), "第一百零一条（单位）");
    }
}
