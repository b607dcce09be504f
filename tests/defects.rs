//! Precision and recall of the automatic checks on planted defects: 500 generated cases, a
//! share of them with one defect each; every planted defect must be found, and nothing else
//! on any case (clean cases: no finding at all).
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

use std::collections::{BTreeMap, BTreeSet};

use pingcha::rules::{RULES, RuleContext, RuleSettings, check_case};
use pingcha::sample::{DefectPlanner, World, generate_case, generate_case_with};

#[test]
fn every_planted_defect_is_found_and_nothing_else() {
    let calendar = pingcha::import::bundled_calendar().unwrap();
    let settings = RuleSettings::default();
    let ctx = RuleContext {
        calendar: &calendar,
        settings: &settings,
        registry: &[],
    };
    let mut world = World::new(500);
    let mut planner = DefectPlanner::new(500, 0.6);
    let (mut clean, mut defective) = (0, 0);
    let mut missed = Vec::new();
    let mut extra = Vec::new();
    for index in 0..500 {
        let generated = generate_case_with(&mut world, index, Some(&mut planner)).unwrap();
        let found: BTreeSet<&str> = check_case(&generated.case, &ctx).iter().map(|f| f.rule).collect();
        let planted: BTreeSet<&str> = generated.defects.iter().copied().collect();
        if planted.is_empty() {
            clean += 1;
        } else {
            defective += 1;
        }
        for rule in planted.difference(&found) {
            missed.push(format!("{} {rule}", generated.case.number));
        }
        for rule in found.difference(&planted) {
            extra.push(format!("{} {rule} (planted {planted:?})", generated.case.number));
        }
    }
    assert!(missed.is_empty(), "recall below 100%: {missed:?}");
    assert!(extra.is_empty(), "precision below 100%: {extra:?}");
    assert!(clean > 150 && defective > 150, "{clean} clean, {defective} defective");
    // Every rule was planted, several times.
    let planted: &BTreeMap<&str, usize> = planner.planted();
    for rule in RULES {
        assert!(
            planted.get(rule.id).copied().unwrap_or(0) >= 2,
            "{} planted {:?} times",
            rule.id,
            planted.get(rule.id)
        );
    }
}

#[test]
fn planting_leaves_clean_cases_exactly_as_without_it() {
    let mut plain = World::new(42);
    let mut planted_world = World::new(42);
    let mut planner = DefectPlanner::new(42, 0.5);
    for index in 0..30 {
        let a = generate_case(&mut plain, index).unwrap();
        let b = generate_case_with(&mut planted_world, index, Some(&mut planner)).unwrap();
        if b.defects.is_empty() {
            assert_eq!(a.case, b.case, "case {index}");
            assert_eq!(a.files, b.files, "case {index}");
        } else {
            assert_eq!(a.case.number, b.case.number, "the numbering does not shift");
        }
    }
}
