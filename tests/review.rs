//! Property tests of the assignment: never a reviewer of the case's own unit, exclusions
//! honoured, pins kept, every coverable case fully staffed, workloads as balanced as the
//! constraints allow (checked against brute force on small instances), deterministic.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

use std::collections::BTreeSet;

use pingcha::review::assign::{AssignInput, CaseSlot, ReviewerSlot, assign};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_input(rng: &mut Rng, max_cases: usize, max_reviewers: usize) -> AssignInput {
    let units: Vec<String> = (0..2 + rng.below(4)).map(|u| format!("单位{u}")).collect();
    let cases: Vec<CaseSlot> = (0..rng.below(max_cases + 1))
        .map(|i| CaseSlot {
            number: format!("案{i:02}"),
            unit: units[rng.below(units.len())].clone(),
        })
        .collect();
    let reviewers: Vec<ReviewerSlot> = (0..1 + rng.below(max_reviewers))
        .map(|i| ReviewerSlot {
            name: format!("评{i:02}"),
            // Some reviewers come from a unit with no cases (法规科).
            unit: if rng.below(4) == 0 {
                "法规科".into()
            } else {
                units[rng.below(units.len())].clone()
            },
        })
        .collect();
    let mut exclusions = BTreeSet::new();
    let mut pins = BTreeSet::new();
    for c in &cases {
        for r in &reviewers {
            match rng.below(12) {
                0 => {
                    exclusions.insert((c.number.clone(), r.name.clone()));
                }
                1 if r.unit != c.unit => {
                    pins.insert((c.number.clone(), r.name.clone()));
                }
                _ => {}
            }
        }
    }
    pins.retain(|p| !exclusions.contains(p));
    AssignInput {
        cases,
        reviewers,
        per_case: 1 + rng.below(3),
        exclusions,
        pins,
        seed: rng.next(),
    }
}

fn eligible(input: &AssignInput, c: &CaseSlot, r: &ReviewerSlot) -> bool {
    r.unit != c.unit && !input.exclusions.contains(&(c.number.clone(), r.name.clone()))
}

#[test]
fn constraints_hold_on_random_campaigns() {
    let mut rng = Rng(0x00A5_516E);
    for _ in 0..400 {
        let input = random_input(&mut rng, 40, 10);
        let plan = assign(&input);
        assert_eq!(assign(&input), plan, "deterministic");
        for c in &input.cases {
            let got = &plan.by_case[&c.number];
            let unique: BTreeSet<&String> = got.iter().collect();
            assert_eq!(unique.len(), got.len(), "no reviewer twice on a case");
            for name in got {
                let r = input.reviewers.iter().find(|r| &r.name == name).unwrap();
                assert_ne!(r.unit, c.unit, "own unit on {}", c.number);
                assert!(
                    !input.exclusions.contains(&(c.number.clone(), name.clone())),
                    "excluded"
                );
            }
            let pinned: Vec<&String> = input
                .pins
                .iter()
                .filter(|(case, _)| case == &c.number)
                .map(|(_, r)| r)
                .collect();
            if pinned.len() <= input.per_case {
                for p in pinned {
                    assert!(got.contains(p), "pin {p} on {}", c.number);
                }
            }
            let possible = input.reviewers.iter().filter(|r| eligible(&input, c, r)).count();
            if possible >= input.per_case {
                assert_eq!(got.len(), input.per_case, "{} is coverable", c.number);
            } else {
                assert_eq!(got.len(), possible);
                assert!(
                    plan.uncovered
                        .iter()
                        .any(|u| u.case == c.number && !u.reason.is_empty())
                );
            }
        }
        let total: usize = plan.workloads.values().sum();
        let assigned: usize = plan.by_case.values().map(Vec::len).sum();
        assert_eq!(total, assigned);
    }
}

#[test]
fn unconstrained_workloads_differ_by_at_most_one() {
    // Reviewers from a unit with no cases and no exclusions: balance is always possible.
    let mut rng = Rng(77);
    for _ in 0..200 {
        let mut input = random_input(&mut rng, 50, 9);
        for r in &mut input.reviewers {
            r.unit = "法规科".into();
        }
        input.exclusions.clear();
        input.pins.clear();
        input.per_case = input.per_case.min(input.reviewers.len());
        let plan = assign(&input);
        let loads: Vec<usize> = plan.workloads.values().copied().collect();
        assert!(
            loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1,
            "{loads:?}"
        );
    }
}

/// The smallest max − min over every assignment that gives each case min(k, eligible)
/// reviewers and keeps the pins.
fn best_spread(input: &AssignInput) -> usize {
    let r = input.reviewers.len();
    let choices: Vec<Vec<Vec<usize>>> = input
        .cases
        .iter()
        .map(|c| {
            let ok: Vec<usize> = (0..r).filter(|&i| eligible(input, c, &input.reviewers[i])).collect();
            let need = input.per_case.min(ok.len());
            let pins: Vec<usize> = ok
                .iter()
                .copied()
                .filter(|&i| {
                    input
                        .pins
                        .contains(&(c.number.clone(), input.reviewers[i].name.clone()))
                })
                .collect();
            let mut subsets = Vec::new();
            for mask in 0u32..(1 << ok.len()) {
                if mask.count_ones() as usize == need {
                    let set: Vec<usize> = (0..ok.len()).filter(|b| mask & (1 << b) != 0).map(|b| ok[b]).collect();
                    if pins.iter().all(|p| set.contains(p)) {
                        subsets.push(set);
                    }
                }
            }
            subsets
        })
        .collect();
    let mut best = usize::MAX;
    let mut loads = vec![0usize; r];
    fn walk(i: usize, choices: &[Vec<Vec<usize>>], loads: &mut Vec<usize>, best: &mut usize) {
        if i == choices.len() {
            let spread = loads.iter().max().unwrap_or(&0) - loads.iter().min().unwrap_or(&0);
            *best = (*best).min(spread);
            return;
        }
        for set in &choices[i] {
            for &x in set {
                loads[x] += 1;
            }
            walk(i + 1, choices, loads, best);
            for &x in set {
                loads[x] -= 1;
            }
        }
    }
    walk(0, &choices, &mut loads, &mut best);
    best
}

#[test]
fn workloads_are_as_balanced_as_brute_force_allows() {
    let mut rng = Rng(4242);
    let mut checked = 0;
    for _ in 0..300 {
        let mut input = random_input(&mut rng, 6, 5);
        input.per_case = input.per_case.min(2);
        // Keep pins within what brute force enumerates (at most k per case).
        let mut per_case = std::collections::BTreeMap::<String, usize>::new();
        input.pins.retain(|(c, _)| {
            let n = per_case.entry(c.clone()).or_default();
            *n += 1;
            *n <= input.per_case
        });
        let plan = assign(&input);
        let loads: Vec<usize> = plan.workloads.values().copied().collect();
        let spread = loads.iter().max().unwrap() - loads.iter().min().unwrap();
        let best = best_spread(&input);
        assert!(
            spread <= best.max(1) || spread == best,
            "spread {spread}, best possible {best}: {input:?}"
        );
        checked += 1;
    }
    assert_eq!(checked, 300);
}
