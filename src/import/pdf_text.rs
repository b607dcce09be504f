//! Text layers of PDF documents, for the full-text index. Scans without a text layer are
//! reported as such ("无文字层"); a broken PDF never stops an import.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::{Deserialize, Serialize};

use super::ImportLimits;

/// What was found in a document's text layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextLayer {
    /// Extracted text (whitespace normalised), with the page count.
    Text {
        /// The text of all pages.
        text: String,
        /// Number of pages.
        pages: u32,
        /// Pages with (almost) no text of their own: scanned pages in a PDF that otherwise has
        /// a text layer, for OCR. 1-based.
        #[serde(default)]
        bare_pages: Vec<u32>,
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

    /// Pages without text of their own in a PDF that has a text layer.
    pub fn bare_pages(&self) -> Vec<u32> {
        match self {
            Self::Text { bare_pages, .. } => bare_pages.clone(),
            _ => Vec::new(),
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

/// Extracts the text layer of a file's bytes, within `limits`: the stream data decompressed
/// (a PDF can be a decompression bomb too) and the operators parsed per page and per
/// document. In-process limits; `crate::worker` also runs this in a separate process with a
/// memory limit and a deadline.
pub fn extract_pdf_text(bytes: &[u8], limits: &ImportLimits) -> TextLayer {
    let max_decompressed = limits.max_pdf_text_bytes;
    let max_page_tokens = limits.max_pdf_page_tokens;
    if !bytes.starts_with(b"%PDF")
        && !bytes
            .get(..1024)
            .is_some_and(|head| head.windows(4).any(|w| w == b"%PDF"))
    {
        return TextLayer::NotPdf;
    }
    // lopdf is defensive, but a panic on hostile input must not take an import down.
    let result = catch_unwind(AssertUnwindSafe(|| {
        // Object and cross-reference streams are decoded while loading: bounded the same way.
        let options = lopdf::LoadOptions {
            max_decompressed_size: Some(max_decompressed),
            ..lopdf::LoadOptions::default()
        };
        let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| format!("无法解析 PDF：{e}"))?;
        if doc.is_encrypted() {
            return Err("PDF 已加密，无法读取文字".to_string());
        }
        let page_ids = doc.get_pages();
        let page_count = u32::try_from(page_ids.len()).unwrap_or(u32::MAX);
        let mut text = String::new();
        let mut budget = Budget {
            bytes: max_decompressed.saturating_mul(4),
            tokens: limits.max_pdf_document_tokens,
        };
        let mut seen_contents = std::collections::HashSet::new();
        let mut skipped: Vec<String> = Vec::new();
        let mut bare_pages = Vec::new();
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
            if tokens > max_page_tokens {
                skipped.push(format!("第{number}页有约 {tokens} 个操作，超过上限 {max_page_tokens}"));
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
            let before = text.len();
            for chunk in doc
                .extract_text_chunks_with_limit(&[number], max_decompressed)
                .into_iter()
                .flatten()
            {
                text.push_str(&chunk);
                text.push('\n');
            }
            if text[before..].chars().filter(|c| !c.is_whitespace()).count() < MIN_TEXT_CHARS {
                bare_pages.push(number);
            }
        }
        if !skipped.is_empty() && text.trim().is_empty() {
            return Err(format!("文本未能提取（{}）", skipped.join("；")));
        }
        Ok((normalise(&text), page_count, bare_pages))
    }));
    match result {
        Ok(Ok((text, pages, bare_pages))) => {
            if text.chars().filter(|c| !c.is_whitespace()).count() >= MIN_TEXT_CHARS {
                TextLayer::Text {
                    text,
                    pages,
                    bare_pages,
                }
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

    fn limits(max_decompressed: usize) -> ImportLimits {
        ImportLimits {
            max_pdf_text_bytes: max_decompressed,
            ..ImportLimits::default()
        }
    }

    #[test]
    fn non_pdf_and_garbage() {
        assert_eq!(
            extract_pdf_text(b"\xff\xd8\xff\xe0 jpeg", &limits(1 << 20)),
            TextLayer::NotPdf
        );
        assert!(matches!(
            extract_pdf_text(b"%PDF-1.7\n garbage", &limits(1 << 20)),
            TextLayer::Unreadable(_)
        ));
    }

    #[test]
    fn normalise_joins_cjk_runs() {
        assert_eq!(normalise("行政  处罚\n\n决定书 ABC  def"), "行政处罚决定书 ABC def");
        assert_eq!(normalise("第一百\n零一条 （单位）"), "第一百零一条（单位）");
    }
}
