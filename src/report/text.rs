//! Chinese line breaking (pure): splits text into unbreakable units and fills lines by a
//! width function, following the common 禁则: no closing punctuation at a line start, no
//! opening punctuation at a line end, Latin words and numbers kept whole.

/// Characters that must not start a line.
const NO_LINE_START: &str = "。，、；：？！）》」』】〕〗〉”’…—·．，％%,.;:?!)]}";
/// Characters that must not end a line.
const NO_LINE_END: &str = "（《「『【〔〖〈“‘([{";

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '%' | '@' | '+' | '#' | '&' | '\'')
}

/// Splits text into units: a run of Latin letters and digits is one unit, every other
/// character (CJK, punctuation, space) is a unit of its own.
pub fn units(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphanumeric() || (start.is_some() && is_word_char(c)) {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start.take() {
            out.push(&text[s..i]);
        }
        out.push(&text[i..i + c.len_utf8()]);
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

fn first_char(unit: &str) -> char {
    unit.chars().next().unwrap_or(' ')
}

/// Breaks `text` into lines no wider than `max_width` (measured by `width`), honouring
/// explicit newlines. A unit wider than a whole line is split by characters as a last resort.
pub fn wrap(text: &str, max_width: f32, first_line_indent: f32, width: &dyn Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for (p, paragraph) in text.split('\n').enumerate() {
        let indent = if p == 0 { first_line_indent } else { 0.0 };
        wrap_paragraph(paragraph, max_width, indent, width, &mut lines);
    }
    lines
}

fn wrap_paragraph(text: &str, max_width: f32, indent: f32, width: &dyn Fn(&str) -> f32, lines: &mut Vec<String>) {
    let mut current: Vec<&str> = Vec::new();
    let mut current_width = indent;
    let mut limit_indent = indent;
    let all = units(text);
    let mut i = 0;
    while i < all.len() {
        let unit = all[i];
        let w = width(unit);
        let fits = current_width + w <= max_width + 0.01;
        if fits || current.is_empty() && w <= max_width - limit_indent {
            current.push(unit);
            current_width += w;
            i += 1;
            continue;
        }
        if current.is_empty() {
            // A single unit wider than the line: split it by characters.
            let mut buf = String::new();
            let mut bw = limit_indent;
            for c in unit.chars() {
                let cw = width(c.encode_utf8(&mut [0; 4]));
                if bw + cw > max_width && !buf.is_empty() {
                    lines.push(std::mem::take(&mut buf));
                    bw = 0.0;
                }
                buf.push(c);
                bw += cw;
            }
            current.push(unit);
            // Keep the remainder as the current line.
            current.clear();
            current_width = bw;
            limit_indent = 0.0;
            if !buf.is_empty() {
                lines.push(buf);
                current_width = 0.0;
            }
            i += 1;
            continue;
        }
        // Closing punctuation hangs at the end of the line rather than starting the next.
        if NO_LINE_START.contains(first_char(unit)) && unit.chars().count() == 1 {
            current.push(unit);
            i += 1;
            // A run of closing marks (」。) hangs together.
            while i < all.len() && NO_LINE_START.contains(first_char(all[i])) && all[i].chars().count() == 1 {
                current.push(all[i]);
                i += 1;
            }
        } else if current.len() > 1 && NO_LINE_END.contains(first_char(current[current.len() - 1])) {
            // An opening mark never ends a line: carry it to the next one.
            let carried = current.pop().unwrap_or_default();
            lines.push(trim_end(&current));
            current = vec![carried];
            current_width = width(carried);
            limit_indent = 0.0;
            continue;
        }
        lines.push(trim_end(&current));
        current.clear();
        current_width = 0.0;
        limit_indent = 0.0;
        // Spaces do not start a line.
        while i < all.len() && all[i] == " " {
            i += 1;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(trim_end(&current));
    }
}

fn trim_end(units: &[&str]) -> String {
    units.concat().trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> f32 {
        s.chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum()
    }

    #[test]
    fn latin_words_and_numbers_stay_whole() {
        assert_eq!(
            units("罚款50000元，ABC-1"),
            vec!["罚", "款", "50000", "元", "，", "ABC-1"]
        );
        let lines = wrap("一二三四五 2023-03-01", 7.0, 0.0, &w);
        assert_eq!(lines, vec!["一二三四五", "2023-03-01"]);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        let lines = wrap("一二三四五。六七", 5.0, 0.0, &w);
        assert_eq!(lines, vec!["一二三四五。", "六七"]);
        for line in wrap("甲乙丙丁戊，己庚辛壬癸。子丑寅卯辰、巳午未申酉；", 5.0, 0.0, &w) {
            assert!(!NO_LINE_START.contains(first_char(&line)), "{line}");
        }
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        let lines = wrap("一二三四《五六》", 5.0, 0.0, &w);
        assert_eq!(lines, vec!["一二三四", "《五六》"]);
    }

    #[test]
    fn indent_and_newlines() {
        let lines = wrap("一二三四五六\n七", 4.0, 2.0, &w);
        assert_eq!(lines, vec!["一二", "三四五六", "七"]);
    }
}
