//! The order people expect for case numbers and unit names: numbers compared as numbers
//! (`〔2024〕2号` before `〔2024〕10号`, years first because they come first), Chinese
//! numerals too (执法一科、二科、三科 … 十二科), and the bracket variants of a 文号
//! (〔〕, [], （）, ()) taken as one.

use std::cmp::Ordering;

/// One run of a name: text, or a number (Arabic or Chinese numerals).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Number(u64),
    Text(String),
}

/// A sort key; compare keys instead of the strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaturalKey {
    parts: Vec<Part>,
    /// The original, to keep the order total (and stable between variants).
    original: String,
}

impl Ord for NaturalKey {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.parts.iter().zip(&other.parts) {
            let order = match (a, b) {
                (Part::Number(x), Part::Number(y)) => x.cmp(y),
                (Part::Text(x), Part::Text(y)) => x.cmp(y),
                // A number sorts before text at the same place (第2号 before 第二批 … is moot).
                (Part::Number(_), Part::Text(_)) => Ordering::Less,
                (Part::Text(_), Part::Number(_)) => Ordering::Greater,
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        self.parts
            .len()
            .cmp(&other.parts.len())
            .then_with(|| self.original.cmp(&other.original))
    }
}

impl PartialOrd for NaturalKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn chinese_digit(c: char) -> Option<u64> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_chinese_numeral(c: char) -> bool {
    chinese_digit(c).is_some() || matches!(c, '十' | '百' | '千')
}

/// The value of a run of Chinese numerals: 十二 → 12, 二十 → 20, 一百零五 → 105, and digit
/// by digit when written so (二〇二四 → 2024).
fn chinese_value(run: &str) -> u64 {
    if !run.contains(['十', '百', '千']) {
        return run
            .chars()
            .filter_map(chinese_digit)
            .fold(0u64, |acc, d| acc.saturating_mul(10).saturating_add(d));
    }
    let (mut total, mut digit) = (0u64, None::<u64>);
    for c in run.chars() {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                digit = chinese_digit(c);
                continue;
            }
        };
        total = total.saturating_add(digit.unwrap_or(1).saturating_mul(unit));
        digit = None;
    }
    total.saturating_add(digit.unwrap_or(0))
}

/// The sort key of a case number or unit name.
pub fn natural_key(text: &str) -> NaturalKey {
    let normalised: String = text
        .chars()
        .map(|c| match c {
            '[' | '［' | '(' | '（' => '〔',
            ']' | '］' | ')' | '）' => '〕',
            other => other,
        })
        .collect();
    let mut parts = Vec::new();
    let mut chars = normalised.chars().peekable();
    let mut text_run = String::new();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() || is_chinese_numeral(c) {
            if !text_run.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut text_run)));
            }
            let arabic = c.is_ascii_digit();
            let mut run = String::new();
            while let Some(&d) = chars.peek() {
                if (arabic && d.is_ascii_digit()) || (!arabic && is_chinese_numeral(d)) {
                    run.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            let value = if arabic {
                run.parse().unwrap_or(u64::MAX)
            } else {
                chinese_value(&run)
            };
            parts.push(Part::Number(value));
        } else {
            text_run.push(c);
            chars.next();
        }
    }
    if !text_run.is_empty() {
        parts.push(Part::Text(text_run));
    }
    NaturalKey {
        parts,
        original: text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut names: Vec<&str>) -> Vec<&str> {
        names.sort_by_key(|n| natural_key(n));
        names
    }

    #[test]
    fn case_numbers_sort_by_year_then_number() {
        assert_eq!(
            sorted(vec![
                "青禾应急罚〔2024〕10号",
                "青禾应急罚〔2024〕2号",
                "青禾应急罚〔2023〕15号",
                "青禾应急罚〔2024〕1号",
            ]),
            [
                "青禾应急罚〔2023〕15号",
                "青禾应急罚〔2024〕1号",
                "青禾应急罚〔2024〕2号",
                "青禾应急罚〔2024〕10号",
            ]
        );
        // Bracket variants of one 文号 sort together.
        assert_eq!(
            sorted(vec![
                "辽阳应急罚[2024]12号",
                "辽阳应急罚〔2024〕3号",
                "辽阳应急罚（2024）7号"
            ]),
            ["辽阳应急罚〔2024〕3号", "辽阳应急罚（2024）7号", "辽阳应急罚[2024]12号"]
        );
    }

    #[test]
    fn units_sort_by_their_chinese_numerals() {
        assert_eq!(
            sorted(vec![
                "执法三科",
                "执法十二科",
                "执法二科",
                "执法一科",
                "执法十科",
                "法规科"
            ]),
            ["执法一科", "执法二科", "执法三科", "执法十科", "执法十二科", "法规科"]
        );
        assert_eq!(chinese_value("二十"), 20);
        assert_eq!(chinese_value("一百零五"), 105);
        assert_eq!(chinese_value("二〇二四"), 2024);
        assert_eq!(chinese_value("十"), 10);
    }
}
