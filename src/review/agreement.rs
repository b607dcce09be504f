//! How far reviewers agree: percent agreement, Krippendorff's α (nominal, ordinal,
//! interval; any number of raters, missing values allowed), ICC(1,1), ICC(2,1) and ICC(3,1)
//! (Shrout & Fleiss; complete data only), and Gwet's AC1.
//!
//! Pure functions over "reliability data": units (a case, or a case's item) each rated by
//! some raters. A statistic the data cannot support is `None` (for example ICC with a missing
//! rating, or α when no unit has two ratings).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// One rating: unit, rater, value.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    /// The rated unit (`青禾应急罚〔2024〕1号` or `…#3.2`).
    pub unit: String,
    /// The rater.
    pub rater: String,
    /// The value (points, or 0/1 for yes/no decisions).
    pub value: f64,
}

/// Every statistic, as `pingcha agreement --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// Share of agreeing pairs among all pairs of ratings of the same unit.
    pub percent_agreement: Option<f64>,
    /// Krippendorff's α, nominal metric.
    pub krippendorff_alpha_nominal: Option<f64>,
    /// Krippendorff's α, interval metric.
    pub krippendorff_alpha_interval: Option<f64>,
    /// Krippendorff's α, ordinal metric.
    pub krippendorff_alpha_ordinal: Option<f64>,
    /// ICC(1,1): one-way random, single rater.
    pub icc1_1: Option<f64>,
    /// ICC(2,1): two-way random, absolute agreement, single rater.
    pub icc2_1: Option<f64>,
    /// ICC(3,1): two-way mixed, consistency, single rater.
    pub icc3_1: Option<f64>,
    /// Gwet's AC1 (values as categories).
    pub gwet_ac1: Option<f64>,
}

/// Values grouped by unit (in unit order), each unit's values in rater order.
fn by_unit(ratings: &[Rating]) -> BTreeMap<&str, Vec<f64>> {
    let mut units: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    for r in ratings {
        units.entry(&r.unit).or_default().insert(&r.rater, r.value);
    }
    units
        .into_iter()
        .map(|(u, raters)| (u, raters.into_values().collect()))
        .collect()
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// The fewest units (cases) rated by two raters or more for a reliability coefficient (α,
/// ICC, AC1): with one, α is 0 by construction whatever the ratings (observed and expected
/// disagreement coincide), which reads as "no agreement" when it means "no data".
pub const MIN_PAIRABLE_UNITS: usize = 2;

/// What a person reads where a coefficient cannot be computed.
pub const TOO_LITTLE_DATA: &str = "数据不足（至少需要 2 件、2 名评查员）";

fn pairable_units(ratings: &[Rating]) -> usize {
    by_unit(ratings).values().filter(|v| v.len() >= 2).count()
}

/// Every statistic of a set of ratings.
pub fn agreement(ratings: &[Rating]) -> Agreement {
    let icc = icc(ratings);
    Agreement {
        percent_agreement: percent_agreement(ratings),
        krippendorff_alpha_nominal: krippendorff_alpha(ratings, Metric::Nominal),
        krippendorff_alpha_interval: krippendorff_alpha(ratings, Metric::Interval),
        krippendorff_alpha_ordinal: krippendorff_alpha(ratings, Metric::Ordinal),
        icc1_1: icc.as_ref().map(|i| i.icc1_1),
        icc2_1: icc.as_ref().map(|i| i.icc2_1),
        icc3_1: icc.as_ref().map(|i| i.icc3_1),
        gwet_ac1: gwet_ac1(ratings),
    }
}

/// Agreeing pairs / all pairs, over units with at least two ratings.
pub fn percent_agreement(ratings: &[Rating]) -> Option<f64> {
    let (mut agree, mut pairs) = (0usize, 0usize);
    for values in by_unit(ratings).values() {
        for i in 0..values.len() {
            for j in i + 1..values.len() {
                pairs += 1;
                if same(values[i], values[j]) {
                    agree += 1;
                }
            }
        }
    }
    (pairs > 0).then(|| agree as f64 / pairs as f64)
}

/// The difference function of Krippendorff's α.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Any difference counts the same.
    Nominal,
    /// Ranks: the difference grows with how many values lie between.
    Ordinal,
    /// Squared numeric difference.
    Interval,
}

/// Krippendorff's α through the coincidence matrix (Krippendorff 2011, "Computing
/// Krippendorff's Alpha-Reliability"). Units with fewer than two ratings are not pairable
/// and drop out.
pub fn krippendorff_alpha(ratings: &[Rating], metric: Metric) -> Option<f64> {
    if pairable_units(ratings) < MIN_PAIRABLE_UNITS {
        return None;
    }
    let units = by_unit(ratings);
    // Distinct values, sorted; values are compared through their index.
    let mut values: Vec<f64> = units.values().flatten().copied().collect();
    values.sort_by(f64::total_cmp);
    values.dedup_by(|a, b| same(*a, *b));
    let index = |v: f64| values.iter().position(|x| same(*x, v)).unwrap_or(0);
    let size = values.len();
    let mut coincidence = vec![vec![0.0_f64; size]; size];
    for unit in units.values().filter(|v| v.len() >= 2) {
        let m = unit.len() as f64;
        for (i, a) in unit.iter().enumerate() {
            for (j, b) in unit.iter().enumerate() {
                if i != j {
                    coincidence[index(*a)][index(*b)] += 1.0 / (m - 1.0);
                }
            }
        }
    }
    let marginals: Vec<f64> = coincidence.iter().map(|row| row.iter().sum()).collect();
    let n: f64 = marginals.iter().sum();
    if n < 2.0 {
        return None;
    }
    let delta = |c: usize, k: usize| -> f64 {
        match metric {
            Metric::Nominal => {
                if c == k {
                    0.0
                } else {
                    1.0
                }
            }
            Metric::Interval => (values[c] - values[k]).powi(2),
            Metric::Ordinal => {
                let (lo, hi) = if c <= k { (c, k) } else { (k, c) };
                let between: f64 = marginals[lo..=hi].iter().sum();
                (between - (marginals[c] + marginals[k]) / 2.0).powi(2)
            }
        }
    };
    let (mut observed, mut expected) = (0.0, 0.0);
    for c in 0..size {
        for k in 0..size {
            let d = delta(c, k);
            observed += coincidence[c][k] * d;
            expected += marginals[c] * marginals[k] * d;
        }
    }
    let observed = observed / n;
    let expected = expected / (n * (n - 1.0));
    if expected <= 0.0 {
        // Every value the same: perfect agreement, but α is undefined (0/0).
        return None;
    }
    Some(1.0 - observed / expected)
}

/// The three single-rater ICCs of Shrout & Fleiss (1979).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Icc {
    /// ICC(1,1).
    pub icc1_1: f64,
    /// ICC(2,1).
    pub icc2_1: f64,
    /// ICC(3,1).
    pub icc3_1: f64,
}

/// ICCs from a complete units × raters table (every rater rated every unit); `None` when a
/// rating is missing or there are fewer than two units or raters.
pub fn icc(ratings: &[Rating]) -> Option<Icc> {
    let raters: BTreeSet<&str> = ratings.iter().map(|r| r.rater.as_str()).collect();
    let mut table: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    for r in ratings {
        table.entry(&r.unit).or_default().insert(&r.rater, r.value);
    }
    let n = table.len();
    let k = raters.len();
    if n < 2 || k < 2 || table.values().any(|row| row.len() != k) {
        return None;
    }
    let rows: Vec<Vec<f64>> = table.values().map(|row| row.values().copied().collect()).collect();
    let (nf, kf) = (n as f64, k as f64);
    let grand = rows.iter().flatten().sum::<f64>() / (nf * kf);
    let row_means: Vec<f64> = rows.iter().map(|r| r.iter().sum::<f64>() / kf).collect();
    let col_means: Vec<f64> = (0..k).map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / nf).collect();
    let ss_total: f64 = rows.iter().flatten().map(|x| (x - grand).powi(2)).sum();
    let ss_rows: f64 = row_means.iter().map(|m| kf * (m - grand).powi(2)).sum();
    let ss_cols: f64 = col_means.iter().map(|m| nf * (m - grand).powi(2)).sum();
    let ss_within = ss_total - ss_rows;
    let ss_error = ss_total - ss_rows - ss_cols;
    let bms = ss_rows / (nf - 1.0);
    let wms = ss_within / (nf * (kf - 1.0));
    let jms = ss_cols / (kf - 1.0);
    let ems = ss_error / ((nf - 1.0) * (kf - 1.0));
    let ratio = |num: f64, den: f64| if den.abs() < 1e-12 { f64::NAN } else { num / den };
    let result = Icc {
        icc1_1: ratio(bms - wms, bms + (kf - 1.0) * wms),
        icc2_1: ratio(bms - ems, bms + (kf - 1.0) * ems + kf * (jms - ems) / nf),
        icc3_1: ratio(bms - ems, bms + (kf - 1.0) * ems),
    };
    (result.icc1_1.is_finite() && result.icc2_1.is_finite() && result.icc3_1.is_finite()).then_some(result)
}

/// Gwet's AC1 for several raters and missing ratings (Gwet 2008), the values taken as
/// categories. Stays meaningful when nearly every rating is the same category, where κ-type
/// statistics collapse.
pub fn gwet_ac1(ratings: &[Rating]) -> Option<f64> {
    if pairable_units(ratings) < MIN_PAIRABLE_UNITS {
        return None;
    }
    let units = by_unit(ratings);
    let mut categories: Vec<f64> = units.values().flatten().copied().collect();
    categories.sort_by(f64::total_cmp);
    categories.dedup_by(|a, b| same(*a, *b));
    let q = categories.len();
    let count = |unit: &[f64], c: f64| unit.iter().filter(|v| same(**v, c)).count() as f64;
    let pairable: Vec<&Vec<f64>> = units.values().filter(|u| u.len() >= 2).collect();
    if pairable.is_empty() {
        return None;
    }
    let pa = pairable
        .iter()
        .map(|u| {
            let r = u.len() as f64;
            categories
                .iter()
                .map(|c| {
                    let rc = count(u, *c);
                    rc * (rc - 1.0)
                })
                .sum::<f64>()
                / (r * (r - 1.0))
        })
        .sum::<f64>()
        / pairable.len() as f64;
    if q < 2 {
        // One category only: complete agreement.
        return Some(1.0);
    }
    let rated: Vec<&Vec<f64>> = units.values().filter(|u| !u.is_empty()).collect();
    let pe = categories
        .iter()
        .map(|c| {
            let pi = rated.iter().map(|u| count(u, *c) / u.len() as f64).sum::<f64>() / rated.len() as f64;
            pi * (1.0 - pi)
        })
        .sum::<f64>()
        / (q as f64 - 1.0);
    if (1.0 - pe).abs() < 1e-12 {
        return None;
    }
    Some((pa - pe) / (1.0 - pe))
}

/// Reads `unit,rater,value` CSV (a header line first; missing ratings simply absent).
pub fn parse_ratings_csv(file: &str, text: &str) -> Result<Vec<Rating>, String> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(format!("{file}: 文件为空，应以表头 unit,rater,value 开始"));
    };
    let header: Vec<String> = header
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|h| h.trim().to_lowercase())
        .collect();
    if header != ["unit", "rater", "value"] {
        return Err(format!(
            "{file}: 第1行表头应为 unit,rater,value，实际为 {}",
            header.join(",")
        ));
    }
    let mut ratings = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, line) in lines {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let row = i + 1;
        if fields.len() != 3 {
            return Err(format!(
                "{file}: 第{row}行应有 3 列（unit,rater,value），实际 {} 列",
                fields.len()
            ));
        }
        let value: f64 = fields[2]
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("{file}: 第{row}行 value“{}”不是数字", fields[2]))?;
        if !seen.insert((fields[0].to_string(), fields[1].to_string())) {
            return Err(format!(
                "{file}: 第{row}行 评查对象 {} 已有评查员 {} 的评分",
                fields[0], fields[1]
            ));
        }
        ratings.push(Rating {
            unit: fields[0].to_string(),
            rater: fields[1].to_string(),
            value,
        });
    }
    Ok(ratings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(unit: &str, rater: &str, value: f64) -> Rating {
        Rating {
            unit: unit.into(),
            rater: rater.into(),
            value,
        }
    }

    #[test]
    fn one_case_is_too_little_data_not_zero_agreement() {
        // #13 item 18: one case scored 92 and 85 gave α = 0.000.
        let one = [rating("1号", "李", 92.0), rating("1号", "王", 85.0)];
        let a = agreement(&one);
        assert_eq!(a.krippendorff_alpha_interval, None);
        assert_eq!(a.krippendorff_alpha_nominal, None);
        assert_eq!(a.gwet_ac1, None);
        assert_eq!(a.icc2_1, None);
        assert_eq!(
            a.percent_agreement,
            Some(0.0),
            "the plain share stays: it describes, it does not estimate"
        );
        // Two cases: the coefficients exist.
        let two = [
            rating("1号", "李", 92.0),
            rating("1号", "王", 85.0),
            rating("2号", "李", 70.0),
            rating("2号", "王", 74.0),
        ];
        let a = agreement(&two);
        assert!(a.krippendorff_alpha_interval.is_some() && a.icc2_1.is_some());
    }

    fn table(rows: &[(&str, &[Option<f64>])]) -> Vec<Rating> {
        let mut out = Vec::new();
        for (rater, values) in rows {
            for (u, v) in values.iter().enumerate() {
                if let Some(value) = v {
                    out.push(Rating {
                        unit: format!("u{u:02}"),
                        rater: rater.to_string(),
                        value: *value,
                    });
                }
            }
        }
        out
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example with
    /// four observers, twelve units and missing values.
    fn krippendorff_example() -> Vec<Rating> {
        let n = None;
        let s = |v: f64| Some(v);
        table(&[
            (
                "A",
                &[s(1.), s(2.), s(3.), s(3.), s(2.), s(1.), s(4.), s(1.), s(2.), n, n, n],
            ),
            (
                "B",
                &[
                    s(1.),
                    s(2.),
                    s(3.),
                    s(3.),
                    s(2.),
                    s(2.),
                    s(4.),
                    s(1.),
                    s(2.),
                    s(5.),
                    n,
                    s(3.),
                ],
            ),
            (
                "C",
                &[
                    n,
                    s(3.),
                    s(3.),
                    s(3.),
                    s(2.),
                    s(3.),
                    s(4.),
                    s(2.),
                    s(2.),
                    s(5.),
                    s(1.),
                    n,
                ],
            ),
            (
                "D",
                &[
                    s(1.),
                    s(2.),
                    s(3.),
                    s(3.),
                    s(2.),
                    s(4.),
                    s(4.),
                    s(1.),
                    s(2.),
                    s(5.),
                    s(1.),
                    n,
                ],
            ),
        ])
    }

    fn round3(x: Option<f64>) -> Option<f64> {
        x.map(|v| (v * 1000.0).round() / 1000.0)
    }

    #[test]
    fn krippendorffs_own_example() {
        let data = krippendorff_example();
        assert_eq!(round3(krippendorff_alpha(&data, Metric::Nominal)), Some(0.743));
        assert_eq!(round3(krippendorff_alpha(&data, Metric::Interval)), Some(0.849));
        assert_eq!(round3(krippendorff_alpha(&data, Metric::Ordinal)), Some(0.815));
        assert_eq!(icc(&data), None, "missing ratings: no ICC");
    }

    #[test]
    fn shrout_and_fleiss_example() {
        // Shrout & Fleiss (1979), Table 2: six targets, four judges.
        let rows = [
            [9., 2., 5., 8.],
            [6., 1., 3., 2.],
            [8., 4., 6., 8.],
            [7., 1., 2., 6.],
            [10., 5., 6., 9.],
            [6., 2., 4., 7.],
        ];
        let mut data = Vec::new();
        for (u, row) in rows.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                data.push(Rating {
                    unit: format!("t{u}"),
                    rater: format!("j{j}"),
                    value: *v,
                });
            }
        }
        let i = icc(&data).expect("complete data");
        assert_eq!((i.icc1_1 * 100.0).round() / 100.0, 0.17);
        assert_eq!((i.icc2_1 * 100.0).round() / 100.0, 0.29);
        assert_eq!((i.icc3_1 * 100.0).round() / 100.0, 0.71);
    }

    #[test]
    fn gwet_ac1_and_percent_agreement_by_hand() {
        // Two raters, four units: (1,1) (1,1) (1,0) (0,0).
        let data = table(&[
            ("A", &[Some(1.), Some(1.), Some(1.), Some(0.)]),
            ("B", &[Some(1.), Some(1.), Some(0.), Some(0.)]),
        ]);
        assert_eq!(percent_agreement(&data), Some(0.75));
        // pa = 0.75; π1 = 0.625, π0 = 0.375; pe = 2·0.625·0.375 = 0.46875.
        let expected = (0.75 - 0.46875) / (1.0 - 0.46875);
        assert!((gwet_ac1(&data).unwrap() - expected).abs() < 1e-12);
        // Nearly everything passes: κ-like α collapses, AC1 does not.
        let mostly = table(&[
            (
                "A",
                &[Some(0.); 20].iter().copied().chain([Some(1.)]).collect::<Vec<_>>(),
            ),
            (
                "B",
                &[Some(0.); 20].iter().copied().chain([Some(0.)]).collect::<Vec<_>>(),
            ),
        ]);
        let alpha = krippendorff_alpha(&mostly, Metric::Nominal).unwrap();
        let ac1 = gwet_ac1(&mostly).unwrap();
        assert!(alpha < 0.05 && ac1 > 0.9, "α {alpha}, AC1 {ac1}");
    }

    #[test]
    fn degenerate_data_give_none() {
        assert_eq!(agreement(&[]).percent_agreement, None);
        let one = table(&[("A", &[Some(3.), Some(4.)])]);
        assert_eq!(
            krippendorff_alpha(&one, Metric::Nominal),
            None,
            "no unit has two ratings"
        );
        let same = table(&[("A", &[Some(3.), Some(3.)]), ("B", &[Some(3.), Some(3.)])]);
        assert_eq!(krippendorff_alpha(&same, Metric::Interval), None, "no variation: 0/0");
        assert_eq!(percent_agreement(&same), Some(1.0));
    }

    #[test]
    fn the_csv_names_its_bad_line() {
        let ok = parse_ratings_csv("r.csv", "unit,rater,value\nc1,甲,3\nc1,乙,4\n").unwrap();
        assert_eq!(ok.len(), 2);
        let e = parse_ratings_csv("r.csv", "unit,rater,value\nc1,甲,三\n").unwrap_err();
        assert_eq!(e, "r.csv: 第2行 value“三”不是数字");
        let e = parse_ratings_csv("r.csv", "case,rater,value\n").unwrap_err();
        assert!(e.contains("第1行表头"), "{e}");
        let e = parse_ratings_csv("r.csv", "unit,rater,value\nc1,甲,3\nc1,甲,4\n").unwrap_err();
        assert!(e.contains("第3行"), "{e}");
    }
}
