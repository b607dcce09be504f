//! Check characters of the identity numbers a case names: the 统一社会信用代码 (GB 32100-2015,
//! 18 characters, the last a check character over the first 17 in base 31) and the 公民身份号码
//! (GB 11643-1999, 18 characters, ISO 7064 MOD 11-2). Pure.

/// The 31 characters of a 统一社会信用代码 (no I, O, Z, S, V).
pub const CREDIT_CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_CODE_WEIGHTS: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8] = b"10X98765432";

/// The check character of a 统一社会信用代码's first 17 characters; `None` when one of them is
/// not in the alphabet or there are not 17.
pub fn credit_code_check(body: &str) -> Option<char> {
    if body.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (b, w) in body.bytes().zip(CREDIT_CODE_WEIGHTS) {
        sum += CREDIT_CODE_ALPHABET.iter().position(|&a| a == b)? * w;
    }
    Some(CREDIT_CODE_ALPHABET[(31 - sum % 31) % 31] as char)
}

/// Whether an 18-character 统一社会信用代码 is well formed and its check character right.
pub fn is_valid_credit_code(code: &str) -> bool {
    code.len() == 18 && code.is_ascii() && credit_code_check(&code[..17]) == code[17..].chars().next()
}

/// The check character of a 身份证号's first 17 digits; `None` unless there are 17 digits.
pub fn id_number_check(body: &str) -> Option<char> {
    if body.len() != 17 || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = body.bytes().zip(ID_WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(ID_CHECK[(sum % 11) as usize] as char)
}

/// Whether an 18-character 身份证号 is well formed (a real date of birth) and its check
/// character right (`x` read as `X`).
pub fn is_valid_id_number(id: &str) -> bool {
    if id.len() != 18 || !id.is_ascii() {
        return false;
    }
    let birth = chrono::NaiveDate::parse_from_str(&id[6..14], "%Y%m%d").is_ok();
    birth && id_number_check(&id[..17]) == id[17..].chars().next().map(|c| c.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_textbook_id_number_checks_and_a_changed_digit_does_not() {
        // GB 11643-1999's example.
        assert!(is_valid_id_number("11010519491231002X"));
        assert!(is_valid_id_number("11010519491231002x"));
        assert!(!is_valid_id_number("11010519491231003X"));
        // A check digit right for an impossible birth date (13th month) is still refused.
        let body = "11010519491331002";
        let id = format!("{body}{}", id_number_check(body).unwrap());
        assert!(!is_valid_id_number(&id));
        assert!(!is_valid_id_number("1101051949123100"));
    }

    #[test]
    fn credit_codes_check_in_base_31() {
        // A published code (国家市场监督管理总局's example form): 91350100M000100Y43.
        assert!(is_valid_credit_code("91350100M000100Y43"));
        assert!(!is_valid_credit_code("91350100M000100Y44"));
        // Letters outside the alphabet (I, O, S, V, Z) cannot occur.
        assert_eq!(credit_code_check("91350100M000100YI"), None);
        assert!(!is_valid_credit_code("91350100M000100Y4"));
    }
}
