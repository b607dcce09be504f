//! Fictional names, companies, addresses and identity numbers for sample cases, and the
//! small deterministic random generator that picks them.

/// SplitMix64: tiny, fast, and the same sequence for the same seed on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo + 1) as u64;
        lo + (self.next_u64() % span) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.range(0, items.len() as i64 - 1) as usize;
        &items[i]
    }

    /// A child generator, so adding draws in one place does not shift another's.
    pub fn fork(&mut self, salt: u64) -> Rng {
        Rng::new(self.next_u64() ^ salt.wrapping_mul(0xA24B_AED4_963E_E407))
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭",
    "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任",
    "姜", "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦",
    "欧阳", "司马",
];

/// Given names, including characters outside GB2312 that real registries contain.
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞",
    "平", "刚", "建华", "志强", "海燕", "晓东", "雪梅", "春雷", "国庆", "红梅", "立新", "宏伟", "文博", "子涵", "浩然",
    "思远", "雨桐", "嘉怡", "喆", "堃", "旻", "珺", "玥", "彧", "赟", "镕", "燊", "垚", "俊杰", "晨曦", "佳琪", "欣怡",
    "振宇", "德明", "玉兰", "凤英", "建军", "永刚", "丽华", "志远", "书瑶",
];

/// A full personal name.
pub fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

const FIRM_WORDS: &[&str] = &[
    "瑞丰", "恒泰", "鑫达", "宏远", "华信", "金石", "永盛", "安泰", "众诚", "北辰", "天润", "德隆", "新源", "鼎盛",
    "联创", "兴业", "盛坤", "嘉禾", "润通", "正元", "锦程", "泰和",
];

/// Business names by industry (危险化学品 | 非煤矿山 | 工贸 | 烟花爆竹 | 其他).
pub fn business_suffixes(industry: &str) -> &'static [&'static str] {
    match industry {
        "危险化学品" => &[
            "化工有限公司",
            "石化有限公司",
            "化学品经营有限公司",
            "精细化工有限公司",
            "加油站有限公司",
        ],
        "非煤矿山" => &["矿业有限公司", "石料有限公司", "建材矿业有限公司"],
        "工贸" => &[
            "机械制造有限公司",
            "金属制品有限公司",
            "食品有限公司",
            "纺织有限公司",
            "木业有限公司",
            "铸造有限公司",
        ],
        "烟花爆竹" => &["烟花爆竹批发有限公司", "烟花爆竹经营有限公司"],
        _ => &["餐饮管理有限公司", "酒店管理有限公司", "物流有限公司", "商贸有限公司"],
    }
}

/// A company name in the fictional city.
pub fn company(rng: &mut Rng, city: &str, industry: &str) -> String {
    format!(
        "{city}{}{}",
        rng.pick(FIRM_WORDS),
        rng.pick(business_suffixes(industry))
    )
}

const ROADS: &[&str] = &[
    "工业大道",
    "滨河路",
    "兴业街",
    "经济开发区纬三路",
    "建设路",
    "矿山路",
    "化工园区经二路",
    "青禾大街",
    "团结路",
    "南环路",
    "北岭路",
    "解放路",
];

/// A street address.
pub fn address(rng: &mut Rng, city: &str, district: &str) -> String {
    format!("{city}{district}{}{}号", rng.pick(ROADS), rng.range(1, 388))
}

/// A syntactically valid 统一社会信用代码 (18 characters with its check character).
pub fn credit_code(rng: &mut Rng, region: &str) -> String {
    use crate::domain::identity::{CREDIT_CODE_ALPHABET, credit_code_check};
    let mut body = String::from("91");
    body.push_str(region);
    while body.len() < 17 {
        body.push(CREDIT_CODE_ALPHABET[rng.range(0, 30) as usize] as char);
    }
    let check = credit_code_check(&body).unwrap_or('0');
    body.push(check);
    body
}

/// A syntactically valid 18-digit 身份证号 (ISO 7064 MOD 11-2 check digit).
pub fn id_card(rng: &mut Rng, region: &str) -> String {
    let body = format!(
        "{region}{:04}{:02}{:02}{:03}",
        rng.range(1960, 2000),
        rng.range(1, 12),
        rng.range(1, 28),
        rng.range(1, 999)
    );
    let check = crate::domain::identity::id_number_check(&body).unwrap_or('0');
    format!("{body}{check}")
}

/// Chinese numerals for amounts in words (壹万伍仟元整), as 决定书 write them.
pub fn amount_in_words(yuan: u64) -> String {
    const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
    const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
    if yuan == 0 {
        return "零元整".into();
    }
    let mut out = String::new();
    let groups = [
        (yuan / 100_000_000, "亿"),
        (yuan / 10_000 % 10_000, "万"),
        (yuan % 10_000, ""),
    ];
    let mut pending_zero = false;
    let mut started = false;
    for (group, unit) in groups {
        if group == 0 {
            if started {
                pending_zero = true;
            }
            continue;
        }
        let digits = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
        for (i, d) in digits.iter().enumerate() {
            if *d == 0 {
                if started {
                    pending_zero = true;
                }
                continue;
            }
            if pending_zero {
                out.push('零');
                pending_zero = false;
            }
            out.push_str(DIGITS[*d as usize]);
            out.push_str(UNITS[3 - i]);
            started = true;
        }
        out.push_str(unit);
    }
    out.push_str("元整");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_for_a_seed() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn identity_numbers_have_valid_check_characters() {
        let mut rng = Rng::new(1);
        let id = id_card(&mut rng, "211002");
        assert_eq!(id.len(), 18);
        // 11010519491231002X is the textbook example of the checksum.
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = "11010519491231002"
            .bytes()
            .zip(weights)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        assert_eq!(b"10X98765432"[(sum % 11) as usize], b'X');
        assert_eq!(credit_code(&mut rng, "211000").len(), 18);
    }

    #[test]
    fn amounts_in_words() {
        assert_eq!(amount_in_words(50_000), "伍万元整");
        assert_eq!(amount_in_words(15_000), "壹万伍仟元整");
        assert_eq!(amount_in_words(3_000), "叁仟元整");
        assert_eq!(amount_in_words(100_500), "壹拾万零伍佰元整");
        assert_eq!(amount_in_words(200), "贰佰元整");
    }
}
