//! A campaign's agreement statistics from its comparisons (pure): agreement on totals and per
//! item, each reviewer's deviation from the final scores.
//!
//! Owns: `CampaignStats`. Must not touch: the project, files.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::agreement::{Agreement, Rating, agreement};
use super::consensus::CaseComparison;
use crate::domain::{MarkValue, fmt_points};

/// A reviewer's deviation from the final scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deviation {
    /// Reviewer.
    pub reviewer: String,
    /// Cases compared.
    pub cases: usize,
    /// Mean of (reviewer total − final): negative means strict.
    pub mean_signed: f64,
    /// Mean of |reviewer total − final|.
    pub mean_absolute: f64,
}

/// A campaign's agreement statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignStats {
    /// On case totals.
    pub totals: Agreement,
    /// On each item's decision (deducted or not), items with at least two decisions.
    pub items: Vec<(String, Agreement)>,
    /// Each reviewer's deviation from the final scores.
    pub deviations: Vec<Deviation>,
    /// Per reviewer: agreement on the item decisions of the cases they shared with others.
    pub reviewers: Vec<(String, Agreement)>,
}

/// The agreement statistics of a campaign's comparisons (pure).
pub fn stats_of(comparisons: &[CaseComparison]) -> CampaignStats {
    stats_with(comparisons, true)
}

/// The totals' agreement and each reviewer's deviation only (what the campaign report
/// prints), without the per-item and per-reviewer agreement tables.
pub fn summary_stats_of(comparisons: &[CaseComparison]) -> CampaignStats {
    stats_with(comparisons, false)
}

fn stats_with(comparisons: &[CaseComparison], full: bool) -> CampaignStats {
    let mut total_ratings = Vec::new();
    let mut item_ratings: BTreeMap<String, Vec<Rating>> = BTreeMap::new();
    let mut deviations: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for cmp in comparisons {
        let case = &cmp.case;
        if cmp.totals.is_empty() {
            continue;
        }
        for (r, total) in cmp.reviewers.iter().zip(&cmp.totals) {
            total_ratings.push(Rating {
                unit: case.clone(),
                rater: r.clone(),
                value: *total,
            });
            deviations.entry(r.clone()).or_default().push(total - cmp.final_total);
        }
        for item in cmp.items.iter().filter(|_| full) {
            for (r, d) in cmp.reviewers.iter().zip(&item.deducted) {
                let hit =
                    item.marks[cmp.reviewers.iter().position(|x| x == r).unwrap_or(0)] == Some(MarkValue::VetoHit);
                item_ratings.entry(item.item.clone()).or_default().push(Rating {
                    unit: case.clone(),
                    rater: r.clone(),
                    value: if *d > 0.0 || hit { 1.0 } else { 0.0 },
                });
            }
        }
    }
    // Per reviewer: every (case, item) they rated, with the co-reviewers' ratings of it.
    let mut by_unit: BTreeMap<String, Vec<Rating>> = BTreeMap::new();
    for (item, ratings) in &item_ratings {
        for r in ratings {
            by_unit.entry(format!("{}#{item}", r.unit)).or_default().push(Rating {
                unit: format!("{}#{item}", r.unit),
                ..r.clone()
            });
        }
    }
    let names: BTreeSet<String> = by_unit.values().flatten().map(|r| r.rater.clone()).collect();
    let reviewer_stats: Vec<(String, Agreement)> = names
        .into_iter()
        .map(|name| {
            let mine: Vec<Rating> = by_unit
                .values()
                .filter(|rs| rs.iter().any(|r| r.rater == name))
                .flatten()
                .cloned()
                .collect();
            (name, agreement(&mine))
        })
        .collect();
    let mut items: Vec<(String, Agreement)> = item_ratings.into_iter().map(|(id, r)| (id, agreement(&r))).collect();
    items.sort_by(|a, b| {
        a.1.percent_agreement
            .unwrap_or(1.0)
            .total_cmp(&b.1.percent_agreement.unwrap_or(1.0))
            .then(a.0.cmp(&b.0))
    });
    CampaignStats {
        totals: agreement(&total_ratings),
        items,
        reviewers: reviewer_stats,
        deviations: deviations
            .into_iter()
            .map(|(reviewer, d)| Deviation {
                reviewer,
                cases: d.len(),
                mean_signed: d.iter().sum::<f64>() / d.len() as f64,
                mean_absolute: d.iter().map(|x| x.abs()).sum::<f64>() / d.len() as f64,
            })
            .collect(),
    }
}

/// `扣2分` style description of a comparison cell.
pub fn describe(value: Option<MarkValue>, deducted: f64) -> String {
    match value {
        None => "—".into(),
        Some(MarkValue::VetoHit) => "否决".into(),
        Some(MarkValue::NotApplicable) => "不涉及".into(),
        Some(_) => format!("扣{}分", fmt_points(deducted)),
    }
}
