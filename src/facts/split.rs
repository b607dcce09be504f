//! Documents found in a scanned case: a page that starts with a 文书 title of the vocabulary
//! (or one of its aliases) opens a new document; a 卷内目录 page, when there is one, gives the
//! page ranges and wins. The result is a proposal for the reviewer, never applied silently.
//!
//! Pure: works on the recognised lines of each page, top to bottom.

use crate::domain::vocabulary::{DOCUMENT_TYPES, canonical_document_type};

/// A document proposed from the pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDocument {
    /// 文书类型 (a vocabulary name), or `未识别文书` for pages before the first title.
    pub doc_type: String,
    /// First page, 1-based.
    pub first_page: usize,
    /// Last page, 1-based, inclusive.
    pub last_page: usize,
}

/// The type pages carry before any title is recognised.
pub const UNKNOWN: &str = "未识别文书";

/// How many lines from the top of a page a title is looked for in (the running header, the
/// agency's name and a 文号 may come first).
const TITLE_LINES: usize = 6;

fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The 文书 type a line names when the line is a title: the whole line is the type's name or
/// an alias (a few characters of noise allowed), the longest name winning.
pub fn title_of(line: &str) -> Option<&'static str> {
    let line = flat(line);
    let n = line.chars().count();
    if n < 2 {
        return None;
    }
    let name = DOCUMENT_TYPES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| line.contains(name) && n <= name.chars().count() + 2)
        .max_by_key(|name| name.chars().count());
    name.or_else(|| canonical_document_type(&line))
}

/// Splits pages (each its recognised lines, top to bottom) into documents.
pub fn split_pages(pages: &[Vec<String>]) -> Vec<FoundDocument> {
    if let Some(contents) = pages.iter().position(|lines| is_contents_page(lines))
        && let Some(found) = from_contents(&pages[contents], pages.len())
    {
        return found;
    }
    let mut found: Vec<FoundDocument> = Vec::new();
    for (i, lines) in pages.iter().enumerate() {
        let page = i + 1;
        let title = lines.iter().take(TITLE_LINES).find_map(|l| title_of(l));
        match (title, found.last_mut()) {
            (Some(doc_type), _) => found.push(FoundDocument {
                doc_type: doc_type.to_string(),
                first_page: page,
                last_page: page,
            }),
            (None, Some(last)) => last.last_page = page,
            (None, None) => found.push(FoundDocument {
                doc_type: UNKNOWN.to_string(),
                first_page: page,
                last_page: page,
            }),
        }
    }
    found
}

fn is_contents_page(lines: &[String]) -> bool {
    lines.iter().take(TITLE_LINES).any(|l| flat(l).contains("卷内目录"))
}

/// A page number or range as a 卷内目录 writes it: `3`, `3-4`, `3—4`, `3～4`, `3至4`.
fn page_range(token: &str) -> Option<(usize, usize)> {
    let t = flat(token);
    let parts: Vec<&str> = t.split(['-', '—', '–', '～', '~', '至']).collect();
    let numbers: Option<Vec<usize>> = parts.iter().map(|p| p.parse().ok()).collect();
    match numbers?.as_slice() {
        [a] if *a > 0 => Some((*a, *a)),
        [a, b] if *a > 0 && a <= b => Some((*a, *b)),
        _ => None,
    }
}

/// The documents a 卷内目录 lists with their pages (the number of a row is a bare figure
/// before the name; the page range follows the name). `None` when it lists fewer than two,
/// or a range falls outside the scan.
fn from_contents(lines: &[String], pages: usize) -> Option<Vec<FoundDocument>> {
    let mut found: Vec<FoundDocument> = Vec::new();
    let mut pending: Option<&'static str> = None;
    // The rows start after the column headings (序号 文书名称 页码), or after the page's title.
    let start = lines
        .iter()
        .take(TITLE_LINES + 4)
        .position(|l| flat(l).ends_with("页码") || flat(l).ends_with("页号"))
        .or_else(|| lines.iter().position(|l| flat(l) == "卷内目录"))
        .map_or(0, |i| i + 1);
    for line in &lines[start..] {
        let text = flat(line);
        if let Some(doc_type) = crate::domain::vocabulary::guess_document_type(&text) {
            pending = Some(doc_type);
            // The range may share the line with the name (a row read as one line).
            if let Some((a, b)) = text
                .rsplit(|c: char| !(c.is_ascii_digit() || "-—–～~至".contains(c)))
                .next()
                .and_then(page_range)
                && text.chars().count() > 2
            {
                found.push(FoundDocument {
                    doc_type: doc_type.to_string(),
                    first_page: a,
                    last_page: b,
                });
                pending = None;
            }
            continue;
        }
        if let (Some(doc_type), Some((a, b))) = (pending, page_range(&text)) {
            found.push(FoundDocument {
                doc_type: doc_type.to_string(),
                first_page: a,
                last_page: b,
            });
            pending = None;
        }
    }
    found.dedup();
    if found.len() < 2 {
        return None;
    }
    repair_ranges(&mut found);
    // The rows must tile the scan: each starts where the one before ended, within the pages.
    let tiles = found.windows(2).all(|w| w[1].first_page == w[0].last_page + 1)
        && found.first().is_some_and(|d| d.first_page == 1)
        && found.last().is_some_and(|d| d.last_page <= pages);
    tiles.then_some(found)
}

/// Mends a page range misread in a 卷内目录 (a 6 read as 9): the rows are listed in binding
/// order, so a row starts right after the one before; one whose figures break that takes
/// the pages up to where the next row starts.
fn repair_ranges(found: &mut [FoundDocument]) {
    let mut expected = 1;
    for i in 0..found.len() {
        let (first, last) = (found[i].first_page, found[i].last_page);
        if first != expected {
            let next_first = found.get(i + 1).map(|n| n.first_page).filter(|n| *n > expected);
            let length = last.saturating_sub(first);
            found[i].first_page = expected;
            found[i].last_page = match next_first {
                Some(n) => n - 1,
                None => expected + length,
            };
        }
        expected = found[i].last_page + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(found: &[FoundDocument]) -> Vec<(&str, usize, usize)> {
        found
            .iter()
            .map(|d| (d.doc_type.as_str(), d.first_page, d.last_page))
            .collect()
    }

    fn page(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn titles_open_documents_and_untitled_pages_continue_them() {
        let pages = vec![
            page(&["虚构示例", "青禾市应急管理局", "立案审批表", "案件名称：…"]),
            page(&["青禾市应急管理局", "询问笔录", "询问时间：…"]),
            page(&["答：没有了。", "被询问人签名：…"]),
            page(&["青禾市应急管理局", "行政处罚决定书", "青禾应急罚〔2024〕12号"]),
            page(&["送达回执", "送达文书名称及文号"]),
        ];
        let found = split_pages(&pages);
        let summary = ranges(&found);
        assert_eq!(
            summary,
            vec![
                ("立案审批表", 1, 1),
                ("询问笔录", 2, 3),
                ("行政处罚决定书", 4, 4),
                ("送达回执", 5, 5)
            ]
        );
    }

    #[test]
    fn a_title_is_a_whole_line_not_a_mention() {
        assert_eq!(title_of("行政处罚决定书"), Some("行政处罚决定书"));
        assert_eq!(title_of("不予行政处罚决定书"), Some("不予行政处罚决定书"));
        assert_eq!(title_of(" 行政处罚告知书 "), Some("行政处罚告知书"));
        // A sentence that mentions a 文书 is not its title.
        assert_eq!(title_of("罚款限于收到本决定书之日起十五日内缴至指定银行"), None);
        assert_eq!(title_of("以上事实有现场检查记录、询问笔录等证据为证"), None);
    }

    #[test]
    fn pages_before_the_first_title_are_kept_as_unknown() {
        let pages = vec![page(&["（无法辨认）"]), page(&["询问笔录"])];
        let found = split_pages(&pages);
        assert_eq!(found[0].doc_type, UNKNOWN);
        assert_eq!((found[1].first_page, found[1].last_page), (2, 2));
    }

    #[test]
    fn a_misread_page_number_in_the_contents_is_mended_by_its_neighbours() {
        let lines = page(&[
            "卷内目录",
            "序号",
            "文书名称",
            "页码",
            "1",
            "案卷封面",
            "1",
            "2",
            "卷内目录",
            "2",
            "3",
            "现场检查记录",
            "3",
            // Row 4's page read as 9 (it is 4), then the rows go on.
            "4",
            "责令限期整改指令书",
            "9",
            "5",
            "询问笔录",
            "5-6",
            "6",
            "行政处罚决定书",
            "7",
        ]);
        let found = from_contents(&lines, 7).unwrap();
        assert_eq!(
            ranges(&found),
            vec![
                ("案卷封面", 1, 1),
                ("卷内目录", 2, 2),
                ("现场检查记录", 3, 3),
                ("责令限期整改指令书", 4, 4),
                ("询问笔录", 5, 6),
                ("行政处罚决定书", 7, 7)
            ]
        );
        // Ranges that cannot tile the scan are not trusted: the titles decide.
        let bad = page(&["卷内目录", "1", "立案审批表", "1", "2", "询问笔录", "2-9"]);
        assert_eq!(from_contents(&bad, 4), None);
    }

    #[test]
    fn a_contents_page_gives_the_ranges_and_wins() {
        let pages = vec![
            page(&[
                "卷内目录",
                "序号",
                "文书名称",
                "页码",
                "1",
                "卷内目录",
                "1",
                "2",
                "立案审批表",
                "2",
                "3",
                "询问笔录",
                "3-4",
                "4",
                "行政处罚决定书",
                "5",
            ]),
            page(&["立案审批表"]),
            // A page whose title is misread: the contents still say where the 笔录 begins.
            page(&["询间笔录"]),
            page(&["答：没有了。"]),
            page(&["行政处罚决定书"]),
        ];
        let found = split_pages(&pages);
        let summary = ranges(&found);
        assert_eq!(
            summary,
            vec![
                ("卷内目录", 1, 1),
                ("立案审批表", 2, 2),
                ("询问笔录", 3, 4),
                ("行政处罚决定书", 5, 5)
            ]
        );
        // Ranges past the scan's end: the contents belong to another volume; titles decide.
        let mut short = pages.clone();
        short.truncate(3);
        let found = split_pages(&short);
        assert!(found.iter().all(|d| d.last_page <= 3), "{found:?}");
    }
}
