//! Drawing cases and assigning reviewers (分配): each case gets `per_case` reviewers, never one
//! from the case's own unit (交叉评查), never one excluded for it (回避), always the ones pinned
//! to it; workloads are balanced (max − min ≤ 1 whenever the constraints allow); the result
//! is deterministic for a seed and explains itself, including the cases that cannot be covered.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

/// A case to assign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSlot {
    /// 案号.
    pub number: String,
    /// 承办单位.
    pub unit: String,
}

/// A reviewer of the campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewerSlot {
    /// Name (unique within the campaign).
    pub name: String,
    /// Unit.
    pub unit: String,
}

/// What to assign.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignInput {
    /// Cases.
    pub cases: Vec<CaseSlot>,
    /// Reviewers.
    pub reviewers: Vec<ReviewerSlot>,
    /// Reviewers per case (default 2).
    pub per_case: usize,
    /// (case, reviewer) pairs that must not be assigned (回避).
    pub exclusions: BTreeSet<(String, String)>,
    /// (case, reviewer) pairs that must be assigned.
    pub pins: BTreeSet<(String, String)>,
    /// Seed for tie-breaking.
    pub seed: u64,
}

/// A case that could not get all its reviewers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Uncovered {
    /// 案号.
    pub case: String,
    /// Reviewers it got.
    pub assigned: usize,
    /// Why, in Chinese.
    pub reason: String,
}

/// The result, before it is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignmentPlan {
    /// Case → its reviewers (names, sorted).
    pub by_case: BTreeMap<String, Vec<String>>,
    /// Reviewer → number of cases.
    pub workloads: BTreeMap<String, usize>,
    /// Cases short of reviewers.
    pub uncovered: Vec<Uncovered>,
    /// Pins and exclusions that could not be honoured, and other remarks.
    pub notes: Vec<String>,
}

impl AssignmentPlan {
    /// The preview: who got what and why.
    pub fn explain(&self, input: &AssignInput) -> Vec<String> {
        let unit_of: BTreeMap<&str, &str> = input
            .reviewers
            .iter()
            .map(|r| (r.name.as_str(), r.unit.as_str()))
            .collect();
        let mut lines = Vec::new();
        let (min, max) = (
            self.workloads.values().min().copied().unwrap_or(0),
            self.workloads.values().max().copied().unwrap_or(0),
        );
        lines.push(format!(
            "{} 件案卷，{} 名评查员，每件 {} 人；每人 {}–{} 件{}",
            input.cases.len(),
            input.reviewers.len(),
            input.per_case,
            min,
            max,
            if self.uncovered.is_empty() {
                String::new()
            } else {
                format!("；{} 件未能配齐", self.uncovered.len())
            }
        ));
        for case in &input.cases {
            let names = self.by_case.get(&case.number).cloned().unwrap_or_default();
            let who: Vec<String> = names
                .iter()
                .map(|n| {
                    let pinned = input.pins.contains(&(case.number.clone(), n.clone()));
                    format!(
                        "{n}（{}）{}",
                        unit_of.get(n.as_str()).copied().unwrap_or(""),
                        if pinned { "［指定］" } else { "" }
                    )
                })
                .collect();
            lines.push(format!("{}（{}）→ {}", case.number, case.unit, who.join("、")));
        }
        for u in &self.uncovered {
            lines.push(format!("未配齐：{}，已配 {} 人：{}", u.case, u.assigned, u.reason));
        }
        lines.extend(self.notes.iter().cloned());
        for (name, load) in &self.workloads {
            lines.push(format!("{name}：{load} 件"));
        }
        lines
    }
}

fn mix(seed: u64, text: &str) -> u64 {
    // FNV-1a over the text, then SplitMix64 with the seed: a stable tie-breaker.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut z = h ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Assigns reviewers to cases.
pub fn assign(input: &AssignInput) -> AssignmentPlan {
    let k = input.per_case.max(1);
    let reviewers = &input.reviewers;
    let r_count = reviewers.len();
    let mut notes = Vec::new();
    let eligible = |case: &CaseSlot, r: &ReviewerSlot| {
        r.unit != case.unit && !input.exclusions.contains(&(case.number.clone(), r.name.clone()))
    };
    let mut loads = vec![0usize; r_count];
    // assigned[c] = reviewer indices; pinned[c] = those that may not move.
    let mut assigned: Vec<Vec<usize>> = vec![Vec::new(); input.cases.len()];
    let mut pinned: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); input.cases.len()];
    for (case_number, name) in &input.pins {
        let Some(c) = input.cases.iter().position(|c| &c.number == case_number) else {
            notes.push(format!(
                "指定 {name} 评查 {case_number}：该案卷不在本次评查范围，已忽略"
            ));
            continue;
        };
        let Some(r) = reviewers.iter().position(|r| &r.name == name) else {
            notes.push(format!("指定 {name} 评查 {case_number}：没有这名评查员，已忽略"));
            continue;
        };
        let case = &input.cases[c];
        if reviewers[r].unit == case.unit {
            notes.push(format!(
                "指定 {name} 评查 {case_number}：{name} 与案卷同属{}，须回避，已忽略",
                case.unit
            ));
            continue;
        }
        if input.exclusions.contains(&(case_number.clone(), name.clone())) {
            notes.push(format!("指定 {name} 评查 {case_number}：该评查员已列为回避，已忽略"));
            continue;
        }
        if assigned[c].len() >= k {
            notes.push(format!("指定 {name} 评查 {case_number}：该案卷已指定 {k} 人，已忽略"));
            continue;
        }
        assigned[c].push(r);
        pinned[c].insert(r);
        loads[r] += 1;
    }
    // Most constrained cases first; ties by the seed.
    let mut order: Vec<usize> = (0..input.cases.len()).collect();
    order.sort_by_key(|&c| {
        let case = &input.cases[c];
        (
            reviewers.iter().filter(|r| eligible(case, r)).count(),
            mix(input.seed, &case.number),
        )
    });
    let mut uncovered = Vec::new();
    for &c in &order {
        let case = &input.cases[c];
        while assigned[c].len() < k {
            let pick = (0..r_count)
                .filter(|&r| eligible(case, &reviewers[r]) && !assigned[c].contains(&r))
                .min_by_key(|&r| {
                    (
                        loads[r],
                        mix(input.seed, &format!("{}|{}", case.number, reviewers[r].name)),
                    )
                });
            match pick {
                Some(r) => {
                    assigned[c].push(r);
                    loads[r] += 1;
                }
                None => break,
            }
        }
        if assigned[c].len() < k {
            let own = reviewers.iter().filter(|r| r.unit == case.unit).count();
            let excluded = reviewers
                .iter()
                .filter(|r| r.unit != case.unit && input.exclusions.contains(&(case.number.clone(), r.name.clone())))
                .count();
            uncovered.push(Uncovered {
                case: case.number.clone(),
                assigned: assigned[c].len(),
                reason: format!(
                    "需要 {k} 名评查员，{} 名中本单位（{}）{own} 名、回避 {excluded} 名，可评查的只有 {} 名",
                    r_count,
                    case.unit,
                    assigned[c].len()
                ),
            });
        }
    }
    balance(input, &eligible, &mut assigned, &pinned, &mut loads);
    let by_case = input
        .cases
        .iter()
        .zip(&assigned)
        .map(|(case, rs)| {
            let mut names: Vec<String> = rs.iter().map(|&r| reviewers[r].name.clone()).collect();
            names.sort();
            (case.number.clone(), names)
        })
        .collect();
    let workloads = reviewers
        .iter()
        .zip(&loads)
        .map(|(r, l)| (r.name.clone(), *l))
        .collect();
    uncovered.sort_by(|a, b| a.case.cmp(&b.case));
    AssignmentPlan {
        by_case,
        workloads,
        uncovered,
        notes,
    }
}

/// Moves cases along chains (a → r1 → … → b: each hands one case to the next) from a
/// reviewer with more cases to one with at least two fewer, until no such chain exists. Each
/// move lowers the sum of squared loads, so this ends; with no chain left the loads are as
/// balanced as the constraints allow.
fn balance(
    input: &AssignInput,
    eligible: &dyn Fn(&CaseSlot, &ReviewerSlot) -> bool,
    assigned: &mut [Vec<usize>],
    pinned: &[BTreeSet<usize>],
    loads: &mut [usize],
) {
    let reviewers = &input.reviewers;
    let r_count = reviewers.len();
    loop {
        let mut by_load: Vec<usize> = (0..r_count).collect();
        by_load.sort_by_key(|&r| std::cmp::Reverse(loads[r]));
        let mut moved = false;
        'sources: for &source in &by_load {
            // BFS over reviewers; an edge r → s carries a case of r (not pinned to r) that s may
            // take (eligible, not already on it).
            let mut previous: Vec<Option<(usize, usize)>> = vec![None; r_count];
            let mut seen = vec![false; r_count];
            seen[source] = true;
            let mut queue = VecDeque::from([source]);
            while let Some(r) = queue.pop_front() {
                for (c, case) in input.cases.iter().enumerate() {
                    if !assigned[c].contains(&r) || pinned[c].contains(&r) {
                        continue;
                    }
                    for s in 0..r_count {
                        if seen[s] || assigned[c].contains(&s) || !eligible(case, &reviewers[s]) {
                            continue;
                        }
                        seen[s] = true;
                        previous[s] = Some((r, c));
                        if loads[s] + 2 <= loads[source] {
                            // Apply the chain backwards from s.
                            let mut at = s;
                            while let Some((from, case_index)) = previous[at] {
                                let slot = assigned[case_index]
                                    .iter()
                                    .position(|&x| x == from)
                                    .expect("the chain's case holds its giver");
                                assigned[case_index][slot] = at;
                                at = from;
                            }
                            loads[source] -= 1;
                            loads[s] += 1;
                            moved = true;
                            break 'sources;
                        }
                        queue.push_back(s);
                    }
                }
            }
        }
        if !moved {
            return;
        }
    }
}

/// A seeded random draw: from each unit, `percent` of its cases (rounded up), at least
/// `at_least`, at most all. Returns the case numbers drawn, sorted.
pub fn draw(cases: &[CaseSlot], percent: f64, at_least: usize, seed: u64) -> Vec<String> {
    let mut by_unit: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in cases {
        by_unit.entry(&c.unit).or_default().push(&c.number);
    }
    let mut drawn = Vec::new();
    for (unit, mut numbers) in by_unit {
        numbers.sort_by_key(|n| mix(seed, &format!("{unit}|{n}")));
        let want = ((numbers.len() as f64 * percent / 100.0).ceil() as usize)
            .max(at_least)
            .min(numbers.len());
        drawn.extend(numbers.into_iter().take(want).map(str::to_string));
    }
    drawn.sort();
    drawn
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(n: &str, unit: &str) -> CaseSlot {
        CaseSlot {
            number: n.into(),
            unit: unit.into(),
        }
    }

    fn reviewer(n: &str, unit: &str) -> ReviewerSlot {
        ReviewerSlot {
            name: n.into(),
            unit: unit.into(),
        }
    }

    #[test]
    fn a_small_campaign_explained() {
        let input = AssignInput {
            cases: vec![
                case("罚1", "一科"),
                case("罚2", "一科"),
                case("罚3", "二科"),
                case("罚4", "三科"),
            ],
            reviewers: vec![
                reviewer("甲", "一科"),
                reviewer("乙", "二科"),
                reviewer("丙", "三科"),
                reviewer("丁", "法规科"),
            ],
            per_case: 2,
            exclusions: [("罚3".to_string(), "丁".to_string())].into(),
            pins: [("罚1".to_string(), "甲".to_string())].into(),
            seed: 1,
        };
        let plan = assign(&input);
        assert!(
            !plan.by_case["罚1"].contains(&"甲".to_string()),
            "own unit never, even pinned"
        );
        assert!(plan.notes.iter().any(|n| n.contains("须回避")), "{:?}", plan.notes);
        assert_eq!(plan.by_case["罚3"], ["丙", "甲"], "丁 excluded, 乙 own unit");
        let loads: Vec<usize> = plan.workloads.values().copied().collect();
        assert!(
            loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1,
            "{loads:?}"
        );
        let text = plan.explain(&input).join("\n");
        assert!(text.contains("罚3（二科）→ 丙（三科）、甲（一科）"), "{text}");
        assert_eq!(assign(&input), plan, "deterministic for a seed");
    }

    #[test]
    fn an_uncoverable_case_says_why() {
        let input = AssignInput {
            cases: vec![case("罚1", "一科")],
            reviewers: vec![reviewer("甲", "一科"), reviewer("乙", "二科")],
            per_case: 2,
            ..AssignInput::default()
        };
        let plan = assign(&input);
        assert_eq!(plan.by_case["罚1"], ["乙"]);
        assert_eq!(plan.uncovered.len(), 1);
        assert!(
            plan.uncovered[0].reason.contains("本单位（一科）1 名"),
            "{}",
            plan.uncovered[0].reason
        );
    }

    #[test]
    fn the_draw_takes_a_share_of_each_unit() {
        let cases: Vec<CaseSlot> = (0..40)
            .map(|i| case(&format!("c{i:02}"), if i < 30 { "一科" } else { "二科" }))
            .collect();
        let drawn = draw(&cases, 10.0, 3, 9);
        let first = drawn.iter().filter(|n| n.as_str() < "c30").count();
        assert_eq!(
            (first, drawn.len() - first),
            (3, 3),
            "10% of 30 = 3; 10% of 10 → at least 3"
        );
        assert_eq!(draw(&cases, 10.0, 3, 9), drawn);
        assert_ne!(draw(&cases, 10.0, 3, 10), drawn, "another seed, another draw");
    }
}
