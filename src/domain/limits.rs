//! Plausibility limits on values read from outside: a value beyond them is refused where it
//! is read, with the field named, instead of breaking something later (an export, a
//! deadline, a sum). Dates: 中华人民共和国 administrative records; amounts: far above any
//! fine (行政处罚法 sets none that large), well inside exact arithmetic.

use chrono::NaiveDate;

/// Longest 案号 (a 文号 is rarely over 30 characters).
pub const MAX_CASE_NUMBER_CHARS: usize = 64;
/// Longest 案件名称.
pub const MAX_TITLE_CHARS: usize = 500;
/// Longest other text field (names, addresses, notes, file paths).
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Largest amount in 元 (1万亿元).
pub const MAX_AMOUNT: f64 = 1e12;
/// Largest count of occurrences on a checklist item.
pub const MAX_COUNT: u64 = 999;
/// Earliest and latest plausible dates.
pub const DATE_RANGE: (i32, i32) = (1949, 2100);

/// What is wrong with a text value of at most `max` characters (control characters are not
/// allowed in an identifier such as the 案号).
pub fn text_problem(value: &str, max: usize, identifier: bool) -> Option<String> {
    let chars = value.chars().count();
    if chars > max {
        return Some(format!("长度 {chars} 字，超过上限 {max} 字"));
    }
    if identifier && value.chars().any(char::is_control) {
        return Some("含有控制字符".into());
    }
    None
}

/// What is wrong with a date (outside 1949–2100).
pub fn date_problem(date: NaiveDate) -> Option<String> {
    use chrono::Datelike;
    let (from, to) = DATE_RANGE;
    (!(from..=to).contains(&date.year())).then(|| format!("{date} 不在 {from}–{to} 年之间"))
}

/// What is wrong with an amount in 元.
pub fn amount_problem(amount: f64) -> Option<String> {
    if !amount.is_finite() || amount < 0.0 {
        return Some(format!("{amount} 不是有效金额"));
    }
    (amount > MAX_AMOUNT).then(|| format!("{amount} 超出合理范围（不超过1万亿元）"))
}

/// The limit on a text field by its name in `case.toml` or a ledger.
pub fn max_chars(field: &str) -> usize {
    match field.rsplit('.').next().unwrap_or(field) {
        "number" | "案号" => MAX_CASE_NUMBER_CHARS,
        "title" | "案件名称" => MAX_TITLE_CHARS,
        _ => MAX_TEXT_CHARS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_on_both_sides() {
        assert!(text_problem(&"号".repeat(64), MAX_CASE_NUMBER_CHARS, true).is_none());
        assert!(text_problem(&"号".repeat(65), MAX_CASE_NUMBER_CHARS, true).is_some());
        assert!(text_problem("青禾\u{1b}[2J", 64, true).is_some());
        assert!(text_problem("第一行\n第二行", 64, false).is_none());
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert!(date_problem(d(1949, 1, 1)).is_none() && date_problem(d(2100, 12, 31)).is_none());
        assert!(date_problem(d(1948, 12, 31)).is_some() && date_problem(d(2101, 1, 1)).is_some());
        assert!(amount_problem(1e12).is_none() && amount_problem(0.0).is_none());
        assert!(amount_problem(1.000_000_1e12).is_some() && amount_problem(f64::INFINITY).is_some());
        assert_eq!(max_chars("case.number"), 64);
        assert_eq!(max_chars("case.title"), 500);
    }
}
