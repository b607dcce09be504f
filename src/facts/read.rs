//! Readers for the facts a line of a 文书 states: 案号 (文号), dates in figures and in Chinese
//! numerals, amounts in figures and in words (大写), 统一社会信用代码 and 身份证号 (check
//! characters verified), officers with their 执法证号, cited legal bases, and whether a 告知书
//! offers a hearing. Each finding keeps where in the line it was (character offsets), so a
//! caller can point at the words on the page.
//!
//! Pure text work; knows nothing of pages or OCR.

use chrono::NaiveDate;

use crate::domain::identity::{is_valid_credit_code, is_valid_id_number};

/// Something read in a line, with the characters it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<T> {
    /// The value.
    pub value: T,
    /// Start, in characters of the line.
    pub start: usize,
    /// End (exclusive), in characters.
    pub end: usize,
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Words that come before a 文号 in a sentence (依据青禾应急罚〔2024〕1号…).
const LEAD_WORDS: &[&str] = &["依据", "根据", "按照", "关于", "文号", "案号", "编号", "经"];

const OPEN: &[char] = &['〔', '[', '(', '（', '［', '【'];
const CLOSE: &[char] = &['〕', ']', ')', '）', '］', '】'];

/// 文号 such as 辽阳应急罚〔2024〕12号, written with 〔〕, [], (), （）, ［］ or 【】 (OCR reads
/// the hexagonal brackets as any of them, and sometimes drops the opening one), returned in
/// the official form with 〔〕.
pub fn case_numbers(line: &str) -> Vec<Found<String>> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 4;
    while i < chars.len() {
        // 〔YYYY〕N号, found from its closing bracket.
        let year = &chars[i - 4..i];
        if !CLOSE.contains(&chars[i]) || !year.iter().all(char::is_ascii_digit) {
            i += 1;
            continue;
        }
        let open = if i >= 5 && OPEN.contains(&chars[i - 5]) {
            i - 5
        } else {
            i - 4
        };
        let serial = chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let hao = i + 1 + serial;
        // The agency's abbreviation and the kind: the Chinese characters just before.
        let prefix_len = chars[..open].iter().rev().take_while(|c| is_cjk(**c)).take(12).count();
        if serial == 0 || chars.get(hao) != Some(&'号') || prefix_len < 2 {
            i += 1;
            continue;
        }
        let mut start = open - prefix_len;
        // Words a sentence puts before a 文号 are not part of it.
        while let Some(word) = LEAD_WORDS.iter().find(|w| {
            let w: Vec<char> = w.chars().collect();
            chars[start..open].starts_with(&w) && open - start - w.len() >= 2
        }) {
            start += word.chars().count();
        }
        out.push(Found {
            value: format!(
                "{}〔{}〕{}号",
                chars[start..open].iter().collect::<String>(),
                year.iter().collect::<String>(),
                chars[i + 1..hao].iter().collect::<String>()
            ),
            start,
            end: hao + 1,
        });
        i = hao + 1;
    }
    out
}

const CN_DIGITS: &[(char, u32)] = &[
    ('〇', 0),
    ('零', 0),
    ('○', 0),
    ('O', 0),
    ('一', 1),
    ('二', 2),
    ('三', 3),
    ('四', 4),
    ('五', 5),
    ('六', 6),
    ('七', 7),
    ('八', 8),
    ('九', 9),
];

fn cn_digit(c: char) -> Option<u32> {
    CN_DIGITS.iter().find(|(d, _)| *d == c).map(|(_, v)| *v)
}

/// A number 1–31 in Chinese numerals at the start of `chars` (一, 十, 十二, 二十, 二十九,
/// 三十一): its value and length.
fn cn_small(chars: &[char]) -> Option<(u32, usize)> {
    let first = *chars.first()?;
    if first == '十' {
        return match chars.get(1).and_then(|c| cn_digit(*c)).filter(|v| *v > 0) {
            Some(units) => Some((10 + units, 2)),
            None => Some((10, 1)),
        };
    }
    let tens = cn_digit(first).filter(|v| *v > 0)?;
    if chars.get(1) != Some(&'十') {
        return Some((tens, 1));
    }
    match chars.get(2).and_then(|c| cn_digit(*c)).filter(|v| *v > 0) {
        Some(units) => Some((tens * 10 + units, 3)),
        None => Some((tens * 10, 2)),
    }
}

/// Dates written 2024年4月8日 (spaces allowed between the parts) or 二〇二四年四月八日; only real
/// calendar dates.
pub fn dates(line: &str) -> Vec<Found<NaiveDate>> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match date_at(&chars, i) {
            Some((date, end)) => {
                out.push(Found {
                    value: date,
                    start: i,
                    end,
                });
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

fn date_at(chars: &[char], start: usize) -> Option<(NaiveDate, usize)> {
    let skip_spaces = |mut at: usize| {
        while chars.get(at).is_some_and(|c| *c == ' ') {
            at += 1;
        }
        at
    };
    // Year: four figures or four Chinese digits, not inside a longer number.
    if start > 0 && (chars[start - 1].is_ascii_digit() || cn_digit(chars[start - 1]).is_some()) {
        return None;
    }
    let figures = chars.get(start..start + 4)?;
    let (year, chinese) = if figures.iter().all(char::is_ascii_digit) {
        (figures.iter().collect::<String>().parse::<i32>().ok()?, false)
    } else {
        let digits: Option<Vec<u32>> = figures.iter().map(|c| cn_digit(*c)).collect();
        let digits = digits?;
        (digits.iter().fold(0, |acc, d| acc * 10 + *d as i32), true)
    };
    let mut at = skip_spaces(start + 4);
    if chars.get(at) != Some(&'年') {
        return None;
    }
    at = skip_spaces(at + 1);
    let number = |at: usize| -> Option<(u32, usize)> {
        let rest = chars.get(at..)?;
        if chinese {
            return cn_small(rest);
        }
        let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=2).contains(&n) {
            return None;
        }
        Some((rest[..n].iter().collect::<String>().parse().ok()?, n))
    };
    let (month, len) = number(at)?;
    at = skip_spaces(at + len);
    if chars.get(at) != Some(&'月') {
        return None;
    }
    at = skip_spaces(at + 1);
    let (day, len) = number(at)?;
    at = skip_spaces(at + len);
    if chars.get(at) != Some(&'日') {
        return None;
    }
    Some((NaiveDate::from_ymd_opt(year, month, day)?, at + 1))
}

const WORD_DIGITS: &[(char, u64)] = &[
    ('零', 0),
    ('壹', 1),
    ('贰', 2),
    ('叁', 3),
    ('肆', 4),
    ('伍', 5),
    ('陆', 6),
    ('柒', 7),
    ('捌', 8),
    ('玖', 9),
];

/// An amount in words (大写) such as 贰仟伍佰元整, 壹万零伍佰元整, 叁万元整, in yuan; `None` for
/// anything else (角 and 分 are not part of a fine).
pub fn amount_in_words(text: &str) -> Option<u64> {
    let body = text.strip_suffix('整').unwrap_or(text);
    let body = body.strip_suffix('元').or_else(|| body.strip_suffix('圆'))?;
    if body.is_empty() {
        return None;
    }
    let (mut total, mut section, mut digit) = (0u64, 0u64, None::<u64>);
    for c in body.chars() {
        if let Some((_, d)) = WORD_DIGITS.iter().find(|(w, _)| *w == c) {
            if digit.is_some() && *d != 0 {
                return None; // two digits without a unit between them
            }
            digit = (*d != 0).then_some(*d);
            continue;
        }
        let unit = match c {
            '拾' => 10,
            '佰' => 100,
            '仟' => 1000,
            '万' => {
                section += digit.take().unwrap_or(0);
                total = (total + section) * 10_000;
                section = 0;
                continue;
            }
            '亿' => {
                section += digit.take().unwrap_or(0);
                total = (total + section) * 100_000_000;
                section = 0;
                continue;
            }
            _ => return None,
        };
        // 拾 alone means 壹拾.
        section += digit.take().unwrap_or(u64::from(unit == 10 && section == 0)) * unit;
    }
    Some(total + section + digit.unwrap_or(0))
}

/// Amounts in a line: in words (…元整) and in figures (¥2500, ￥2,500.00, 2500元), each in
/// yuan, with whether it was in words.
pub fn amounts(line: &str) -> Vec<Found<(u64, bool)>> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let words: &[char] = &[
        '零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖', '拾', '佰', '仟', '万', '亿', '元', '圆', '整',
    ];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if words.contains(&c) && !matches!(c, '元' | '圆' | '整') {
            let end = i + chars[i..].iter().take_while(|c| words.contains(c)).count();
            let text: String = chars[i..end].iter().collect();
            if let Some(value) = amount_in_words(&text) {
                out.push(Found {
                    value: (value, true),
                    start: i,
                    end,
                });
            }
            i = end;
            continue;
        }
        let yen = matches!(c, '¥' | '￥');
        if yen || (c.is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit() && chars[i - 1] != '.')) {
            let from = if yen { i + 1 } else { i };
            let mut end = from;
            while end < chars.len() && (chars[end].is_ascii_digit() || chars[end] == ',') {
                end += 1;
            }
            let integer: String = chars[from..end].iter().filter(|c| c.is_ascii_digit()).collect();
            let mut stop = end;
            if chars.get(stop) == Some(&'.') && chars.get(stop + 1).is_some_and(char::is_ascii_digit) {
                stop += 1 + chars[stop + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            }
            let unit = chars.get(stop) == Some(&'元');
            if !integer.is_empty()
                && (yen || unit)
                && let Ok(value) = integer.parse::<u64>()
            {
                out.push(Found {
                    value: (value, false),
                    start: i,
                    end: stop + usize::from(unit),
                });
            }
            i = stop.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// An identity number of a party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyId {
    /// 统一社会信用代码 with a right check character.
    CreditCode(String),
    /// 身份证号 with a right check character and birth date.
    IdNumber(String),
    /// 18 characters in the place of one, whose check fails (a misread, or a wrong number).
    Unchecked(String),
}

/// 18-character identity numbers in a line, checked.
pub fn party_ids(line: &str) -> Vec<Found<PartyId>> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let end = i + chars[i..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        if end - i == 18 {
            let text: String = chars[i..end].iter().collect::<String>().to_ascii_uppercase();
            let value = if is_valid_credit_code(&text) {
                PartyId::CreditCode(text)
            } else if is_valid_id_number(&text) {
                PartyId::IdNumber(text)
            } else {
                PartyId::Unchecked(text)
            };
            out.push(Found { value, start: i, end });
        }
        i = end;
    }
    out
}

/// Officers named with their certificate: 张三（执法证号：21010020230001）, or in a form row
/// of officers (询问人、记录人、执法人员、检查人员) 张三（21010020230001） — the name (2–4
/// Chinese characters before the bracket) and the number.
pub fn officers(line: &str) -> Vec<Found<(String, String)>> {
    let mut out = labelled_officers(line);
    if out.is_empty()
        && ["询问人", "记录人", "执法人员", "检查人员", "承办人"]
            .iter()
            .any(|l| line.contains(l))
    {
        out = bracketed_officers(line);
    }
    out
}

/// 张三（21010020230001）: a name and a number of at least eight characters in brackets.
fn bracketed_officers(line: &str) -> Vec<Found<(String, String)>> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        if !matches!(c, '（' | '(') {
            continue;
        }
        let number = chars[i + 1..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        let close = i + 1 + number;
        let name = chars[..i].iter().rev().take_while(|c| is_cjk(**c)).count();
        if number >= 8 && chars.get(close).is_some_and(|c| matches!(c, '）' | ')')) && (2..=4).contains(&name) {
            out.push(Found {
                value: (
                    chars[i - name..i].iter().collect(),
                    chars[i + 1..close].iter().collect(),
                ),
                start: i - name,
                end: close + 1,
            });
        }
    }
    out
}

fn labelled_officers(line: &str) -> Vec<Found<(String, String)>> {
    let chars: Vec<char> = line.chars().collect();
    let text: String = chars.iter().collect();
    let mut out = Vec::new();
    let mut search_from = 0;
    while let Some(rel) = text[search_from..].find("执法证号") {
        let byte = search_from + rel;
        let at = text[..byte].chars().count();
        search_from = byte + "执法证号".len();
        // 张三（执法证号：… or 张三，执法证号…
        let mut name_end = at;
        while name_end > 0 && matches!(chars[name_end - 1], '（' | '(' | '，' | ',' | ' ') {
            name_end -= 1;
        }
        let name_len = chars[..name_end].iter().rev().take_while(|c| is_cjk(**c)).count();
        let mut k = at + 4;
        while k < chars.len() && matches!(chars[k], '：' | ':' | ' ') {
            k += 1;
        }
        let number_len = chars[k..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        if (2..=4).contains(&name_len) && number_len >= 6 {
            out.push(Found {
                value: (
                    chars[name_end - name_len..name_end].iter().collect(),
                    chars[k..k + number_len].iter().collect(),
                ),
                start: name_end - name_len,
                end: k + number_len,
            });
        }
    }
    out
}

/// Legal bases cited: 《中华人民共和国安全生产法》第一百零一条第（五）项, as written.
pub fn legal_bases(line: &str) -> Vec<Found<String>> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '《' {
            i += 1;
            continue;
        }
        let Some(close) = chars[i..].iter().position(|c| *c == '》').map(|p| i + p) else {
            break;
        };
        // 第…条, then optional 第…款, 第（…）项.
        let mut end = close + 1;
        let mut parts = 0;
        loop {
            if chars.get(end) != Some(&'第') {
                break;
            }
            let rest = &chars[end + 1..];
            let unit_at = rest.iter().position(|c| matches!(c, '条' | '款' | '项'));
            match unit_at {
                Some(n)
                    if n > 0
                        && n <= 8
                        && rest[..n].iter().all(|c| {
                            cn_digit(*c).is_some()
                                || matches!(c, '十' | '百' | '（' | '）' | '(' | ')')
                                || c.is_ascii_digit()
                        }) =>
                {
                    end += 1 + n + 1;
                    parts += 1;
                }
                _ => break,
            }
        }
        if parts > 0 {
            out.push(Found {
                value: chars[i..end].iter().collect(),
                start: i,
                end,
            });
        }
        i = end.max(close + 1);
    }
    out
}

/// Whether a 行政处罚告知书's text tells the party of the right to a hearing
/// (行政处罚法第六十三条、第六十四条): `Some(true)` when it does ("要求听证", "申请听证"),
/// `Some(false)` when it says there is none ("不适用听证"), `None` when it does not say.
pub fn hearing_offered(text: &str) -> Option<bool> {
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if ["不适用听证", "无权要求听证", "不享有听证"]
        .iter()
        .any(|p| flat.contains(p))
    {
        return Some(false);
    }
    if ["要求听证", "申请听证", "听证的权利", "有权进行听证"]
        .iter()
        .any(|p| flat.contains(p))
    {
        return Some(true);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn case_numbers_in_every_bracket_come_back_official() {
        for line in [
            "辽阳应急罚〔2024〕12号",
            "文号：辽阳应急罚[2024]12号",
            "辽阳应急罚(2024)12号决定",
            "辽阳应急罚（2024）12号",
            "辽阳应急罚〔2024)12号",
        ] {
            let found = case_numbers(line);
            assert_eq!(found.len(), 1, "{line}");
            assert_eq!(found[0].value, "辽阳应急罚〔2024〕12号", "{line}");
        }
        // The opening bracket dropped by OCR: still the number.
        assert_eq!(case_numbers("青禾应急告2023]1号")[0].value, "青禾应急告〔2023〕1号");
        // Not a 文号: a year without a serial, a three-digit year, no agency before it.
        assert!(case_numbers("（2024）年度").is_empty());
        assert!(case_numbers("辽阳应急罚〔202〕12号").is_empty());
        assert!(case_numbers("〔2024〕12号").is_empty());
        let found = case_numbers("依据青禾应急告〔2023〕1号告知");
        assert_eq!((found[0].start, found[0].end), (2, 15));
    }

    #[test]
    fn dates_in_figures_and_in_chinese_numerals() {
        let found = dates("签收日期：2024年4月8日，复查于2024 年 12 月 31 日");
        assert_eq!(
            found.iter().map(|f| f.value).collect::<Vec<_>>(),
            vec![d(2024, 4, 8), d(2024, 12, 31)]
        );
        assert_eq!(dates("二〇二四年四月八日")[0].value, d(2024, 4, 8));
        assert_eq!(dates("二〇二四年十二月三十一日")[0].value, d(2024, 12, 31));
        assert_eq!(dates("二〇二四年十月十日")[0].value, d(2024, 10, 10));
        assert_eq!(dates("二〇二四年二月二十九日")[0].value, d(2024, 2, 29));
        // Not real dates: 2023 has no 29 February; a 13th month.
        assert!(dates("2023年2月29日").is_empty());
        assert!(dates("2024年13月1日").is_empty());
        assert!(dates("二〇二三年二月二十九日").is_empty());
        // A longer number is not a year.
        assert!(dates("12024年1月1日").is_empty());
    }

    #[test]
    fn amounts_in_words_as_decisions_write_them() {
        assert_eq!(amount_in_words("贰仟伍佰元整"), Some(2500));
        assert_eq!(amount_in_words("伍万肆仟元整"), Some(54_000));
        assert_eq!(amount_in_words("壹万零伍佰元整"), Some(10_500));
        assert_eq!(amount_in_words("叁万元整"), Some(30_000));
        assert_eq!(amount_in_words("拾万元整"), Some(100_000));
        assert_eq!(amount_in_words("壹佰万元整"), Some(1_000_000));
        assert_eq!(amount_in_words("壹拾贰万叁仟元"), Some(123_000));
        assert_eq!(amount_in_words("贰贰元整"), None);
        assert_eq!(amount_in_words("贰仟伍佰"), None);
    }

    #[test]
    fn amounts_in_figures_and_words_in_one_line() {
        let found = amounts("决定给予罚款人民币贰仟伍佰元整（¥2500）的行政处罚，另缴1,000.00元");
        let values: Vec<(u64, bool)> = found.iter().map(|f| f.value).collect();
        assert_eq!(values, vec![(2500, true), (2500, false), (1000, false)]);
        // A figure without ¥ or 元 is not an amount (a 文号 serial, a phone number).
        assert!(amounts("第12号 0419-0000000").is_empty());
    }

    #[test]
    fn party_ids_are_checked() {
        let found = party_ids("统一社会信用代码：91350100M000100Y43");
        assert_eq!(found[0].value, PartyId::CreditCode("91350100M000100Y43".into()));
        let found = party_ids("身份证号：11010519491231002X");
        assert_eq!(found[0].value, PartyId::IdNumber("11010519491231002X".into()));
        // One character misread: the check fails and says so.
        let found = party_ids("统一社会信用代码：91350100M000100Y48");
        assert_eq!(found[0].value, PartyId::Unchecked("91350100M000100Y48".into()));
        assert!(party_ids("电话 0419000000").is_empty());
    }

    #[test]
    fn officers_with_certificates() {
        let found = officers("执法人员：陈超（执法证号：21010020230001）、程立新（执法证号：21010020230002）");
        let values: Vec<(String, String)> = found.into_iter().map(|f| f.value).collect();
        assert_eq!(
            values,
            vec![
                ("陈超".to_string(), "21010020230001".to_string()),
                ("程立新".to_string(), "21010020230002".to_string())
            ]
        );
        assert!(officers("执法证号：").is_empty());
        // A form row of officers: the number in brackets.
        let found = officers("询问人：陈超（21010020230001）");
        assert_eq!(found[0].value, ("陈超".to_string(), "21010020230001".to_string()));
        // A name with a phone number in brackets elsewhere is not an officer.
        assert!(officers("联系人：白佳琪（04190000000）").is_empty());
    }

    #[test]
    fn legal_bases_with_article_paragraph_and_item() {
        let found = legal_bases(
            "依据《中华人民共和国安全生产法》第一百零一条第（五）项的规定，违反了《中华人民共和国安全生产法》第四十一条第二款",
        );
        let values: Vec<String> = found.into_iter().map(|f| f.value).collect();
        assert_eq!(
            values,
            vec![
                "《中华人民共和国安全生产法》第一百零一条第（五）项",
                "《中华人民共和国安全生产法》第四十一条第二款"
            ]
        );
        assert!(legal_bases("《询问笔录》").is_empty());
    }

    #[test]
    fn a_notice_offers_a_hearing_or_says_it_does_not() {
        // 行政处罚法第六十三条: the party may ask for a hearing; 第六十四条: within five working days.
        assert_eq!(
            hearing_offered("你（单位）有权进行陈述和申辩，并有权要求听证。要求听证的，应当在…"),
            Some(true)
        );
        assert_eq!(hearing_offered("本案不适用听证程序"), Some(false));
        assert_eq!(hearing_offered("你（单位）有权进行陈述和申辩。"), None);
    }
}
