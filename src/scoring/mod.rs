//! Scoring (评分): a pure function from a checklist version and one reviewer's marks to item,
//! section and total scores, the veto outcome, the grade, and a plain-language explanation
//! of every number. Also reads and validates checklist files (`format`).
//!
//! Pure: uses `domain` (and `rules` for the list of rule ids). Must not do I/O or use
//! `rusqlite`, `egui` or `printpdf`.

pub mod format;
mod library;
pub mod table;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::{Checklist, Deduction, ItemRef, Mark, MarkValue, NotApplicableMode, VetoEffect, fmt_points};
pub use library::{LibraryEntry, parse_library};

/// Differences below this are rounding noise.
const EPSILON: f64 = 1e-9;

/// Why a set of marks cannot be scored against a checklist.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoringError {
    /// A mark for an item the checklist does not have.
    #[error("评查项 {0} 不在该评查标准中")]
    UnknownItem(String),
    /// Two marks for the same item.
    #[error("评查项 {0} 有两条记录")]
    DuplicateItem(String),
    /// A mark that does not fit its item (a veto hit on a scored item, a count on a veto item).
    #[error("评查项 {item} 不能记为“{value}”")]
    WrongKind {
        /// The item.
        item: String,
        /// The mark, described.
        value: String,
    },
    /// A negative or non-finite amount.
    #[error("评查项 {0} 的分值无效")]
    BadAmount(String),
}

/// One scored item's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemScore {
    /// Item id.
    pub item: String,
    /// Points the item is worth in this evaluation (0 when removed as 不涉及 under rescaling).
    pub max_points: f64,
    /// Points actually deducted from the item (never more than `max_points`).
    pub deducted: f64,
    /// Deduction beyond the item's points, carried to the section (item without 扣完为止).
    pub carried: f64,
    /// The item's score, between 0 and `max_points`.
    pub score: f64,
    /// Marked 不涉及.
    pub not_applicable: bool,
    /// How the number came about.
    pub explanation: String,
}

/// One section's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionScore {
    /// Section id.
    pub section: String,
    /// Section name.
    pub name: String,
    /// Budget in this evaluation (reduced by items removed as 不涉及 under rescaling).
    pub max_points: f64,
    /// Score, between 0 and `max_points`.
    pub score: f64,
    /// Deduction beyond the budget, carried to the total (section without 扣完为止).
    pub carried: f64,
    /// Item outcomes.
    pub items: Vec<ItemScore>,
    /// How the number came about.
    pub explanation: String,
}

/// The full outcome for one reviewer's marks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Sections in checklist order.
    pub sections: Vec<SectionScore>,
    /// Veto items hit.
    pub veto_hits: Vec<String>,
    /// The strongest effect among the hits.
    pub veto_effect: Option<VetoEffect>,
    /// Bonus points counted.
    pub bonus: f64,
    /// Score before any veto.
    pub score_before_veto: f64,
    /// Final score, between 0 and the checklist's total.
    pub total: f64,
    /// The checklist's total.
    pub max_total: f64,
    /// Grade after bands and veto.
    pub grade: String,
    /// Items marked (any value), for progress.
    pub marked_items: usize,
    /// Plain-language account of the total and grade, one line each step.
    pub explanation: Vec<String>,
}

impl Evaluation {
    /// The outcome of one item.
    pub fn item(&self, id: &str) -> Option<&ItemScore> {
        self.sections.iter().flat_map(|s| &s.items).find(|i| i.item == id)
    }
}

/// Scores `marks` against `checklist`. The marks are a set: at most one per item, and the
/// result does not depend on their order.
pub fn evaluate(checklist: &Checklist, marks: &[Mark]) -> Result<Evaluation, ScoringError> {
    evaluate_inner(checklist, marks, true)
}

/// The same numbers as [`evaluate`] without the per-item and per-section explanations (their
/// strings are empty): for comparisons, statistics and reports over many cases, where the
/// wording is not shown and formatting it would dominate the work.
pub fn score_only(checklist: &Checklist, marks: &[Mark]) -> Result<Evaluation, ScoringError> {
    evaluate_inner(checklist, marks, false)
}

#[expect(
    clippy::too_many_lines,
    reason = "the scoring formula in the order docs/scoring.md explains it; split, the explanation would lose its single thread"
)]
fn evaluate_inner(checklist: &Checklist, marks: &[Mark], explain: bool) -> Result<Evaluation, ScoringError> {
    let mut by_item: BTreeMap<&str, MarkValue> = BTreeMap::new();
    for mark in marks {
        let Some(target) = checklist.item(&mark.item) else {
            return Err(ScoringError::UnknownItem(mark.item.clone()));
        };
        check_fits(&mark.item, target, mark.value)?;
        if by_item.insert(mark.item.as_str(), mark.value).is_some() {
            return Err(ScoringError::DuplicateItem(mark.item.clone()));
        }
    }
    let mut explanation = Vec::new();

    // Items and sections.
    let mut sections = Vec::new();
    for section in &checklist.sections {
        let mut items = Vec::new();
        for item in &section.items {
            let value = by_item.get(item.id.as_str()).copied();
            let not_applicable = value == Some(MarkValue::NotApplicable);
            let removed = not_applicable && checklist.not_applicable == NotApplicableMode::Rescale;
            let max_points = if removed { 0.0 } else { item.points };
            let asked = match value {
                None | Some(MarkValue::NotApplicable | MarkValue::VetoHit | MarkValue::Award(_)) => 0.0,
                Some(MarkValue::Deduct(points)) => match item.deduction {
                    Deduction::Fixed { points: fixed } if points > EPSILON => fixed,
                    Deduction::Fixed { .. } => 0.0,
                    Deduction::PerOccurrence { .. } => points,
                    Deduction::Range { min, max } if points > EPSILON => points.clamp(min, max),
                    Deduction::Range { .. } => 0.0,
                },
                Some(MarkValue::Count(n)) => match item.deduction {
                    Deduction::Fixed { points } if n > 0 => points,
                    Deduction::Fixed { .. } => 0.0,
                    Deduction::PerOccurrence { points } => points * f64::from(n),
                    Deduction::Range { min, max } if n > 0 => f64::from(n).clamp(min, max),
                    Deduction::Range { .. } => 0.0,
                },
            };
            let deducted = asked.min(max_points);
            let carried = if item.floor_at_zero { 0.0 } else { asked - deducted };
            let score = max_points - deducted;
            let mut why = String::new();
            if explain {
                why = format!("{} {}（{}分）：", item.id, item.text, fmt_points(item.points));
                match value {
                    None => why.push_str("未扣分"),
                    Some(MarkValue::NotApplicable) if removed => why.push_str("不涉及，不计入总分"),
                    Some(MarkValue::NotApplicable) => why.push_str("不涉及，按满分计"),
                    Some(v) => {
                        why.push_str(&match (v, item.deduction) {
                            (MarkValue::Count(n), Deduction::PerOccurrence { points }) => {
                                format!("每处扣{}分 × {n}处 = 扣{}分", fmt_points(points), fmt_points(asked))
                            }
                            (MarkValue::Deduct(asked_points), Deduction::Range { min, max })
                                if (asked_points - asked).abs() > EPSILON =>
                            {
                                format!(
                                    "拟扣{}分，按{}–{}分的幅度计扣{}分",
                                    fmt_points(asked_points),
                                    fmt_points(min),
                                    fmt_points(max),
                                    fmt_points(asked)
                                )
                            }
                            _ => format!("{}，扣{}分", item.deduction.describe(item.points), fmt_points(asked)),
                        });
                        if asked > max_points + EPSILON {
                            if item.floor_at_zero {
                                why.push_str(&format!("，超过本项分值，扣完为止，实扣{}分", fmt_points(deducted)));
                            } else {
                                why.push_str(&format!("，超出本项的{}分计入本部分", fmt_points(carried)));
                            }
                        }
                    }
                }
                why.push_str(&format!("；得{}分", fmt_points(score)));
            }
            items.push(ItemScore {
                item: item.id.clone(),
                max_points,
                deducted,
                carried,
                score,
                not_applicable,
                explanation: why,
            });
        }
        let max_points: f64 = items.iter().map(|i| i.max_points).sum();
        let taken: f64 = items.iter().map(|i| i.deducted + i.carried).sum();
        let (score, carried) = if taken > max_points {
            if section.floor_at_zero {
                (0.0, 0.0)
            } else {
                (0.0, taken - max_points)
            }
        } else {
            (max_points - taken, 0.0)
        };
        let mut why = String::new();
        if explain {
            why = format!(
                "{}（{}分）：扣{}分，得{}分",
                section.name,
                fmt_points(max_points),
                fmt_points(taken),
                fmt_points(score)
            );
            if taken > max_points + EPSILON {
                if section.floor_at_zero {
                    why.push_str("（扣完为止，不计负分）");
                } else {
                    why.push_str(&format!("（超出的{}分从总分中扣除）", fmt_points(carried)));
                }
            }
        }
        sections.push(SectionScore {
            section: section.id.clone(),
            name: section.name.clone(),
            max_points,
            score,
            carried,
            items,
            explanation: why,
        });
    }

    let raw: f64 = sections.iter().map(|s| s.score).sum::<f64>() - sections.iter().map(|s| s.carried).sum::<f64>();
    let raw_max: f64 = sections.iter().map(|s| s.max_points).sum();
    let mut score = raw.max(0.0);
    explanation.push(format!(
        "各部分得分合计{}分（满分{}分）",
        fmt_points(score),
        fmt_points(raw_max)
    ));
    if checklist.not_applicable == NotApplicableMode::Rescale && (raw_max - checklist.total_points).abs() > EPSILON {
        score = if raw_max > EPSILON {
            score * checklist.total_points / raw_max
        } else {
            checklist.total_points
        };
        explanation.push(format!(
            "有不涉及的项目，按{}÷{}折算为{}分",
            fmt_points(checklist.total_points),
            fmt_points(raw_max),
            fmt_points(score)
        ));
    }

    // Bonus.
    let mut bonus = 0.0;
    if checklist.bonus_enabled {
        for item in &checklist.bonus_items {
            if let Some(MarkValue::Award(points)) = by_item.get(item.id.as_str()) {
                let counted = points.min(item.points);
                bonus += counted;
                explanation.push(format!("加分项 {} {}：加{}分", item.id, item.text, fmt_points(counted)));
            }
        }
        if bonus > 0.0 {
            let before = score;
            score = (score + bonus).min(checklist.total_points);
            if score < before + bonus - EPSILON {
                explanation.push(format!("加分后不超过满分{}分", fmt_points(checklist.total_points)));
            }
        }
    }
    let score = round2(score.clamp(0.0, checklist.total_points));
    let score_before_veto = score;

    // Veto.
    let veto_hits: Vec<String> = checklist
        .veto_items
        .iter()
        .filter(|v| by_item.get(v.id.as_str()) == Some(&MarkValue::VetoHit))
        .map(|v| v.id.clone())
        .collect();
    let veto_effect = checklist
        .veto_items
        .iter()
        .filter(|v| veto_hits.contains(&v.id))
        .map(|v| v.effect.unwrap_or(checklist.veto_effect))
        .max_by_key(|e| severity(*e));
    let band_grade = |points: f64| -> (usize, &str) {
        checklist
            .bands
            .iter()
            .enumerate()
            .find(|(_, b)| points + EPSILON >= b.min_points)
            .map_or(
                (checklist.bands.len().saturating_sub(1), checklist.lowest_grade()),
                |(i, b)| (i, b.grade.as_str()),
            )
    };
    let (band, by_points) = band_grade(score);
    let (total, grade) = match veto_effect {
        None => {
            explanation.push(format!("总分{}分，等次“{by_points}”", fmt_points(score)));
            (score, by_points.to_string())
        }
        Some(effect) => {
            let names: Vec<String> = veto_hits
                .iter()
                .filter_map(|id| checklist.item(id).map(|i| format!("{id} {}", i.text())))
                .collect();
            explanation.push(format!("否决项：{}", names.join("；")));
            match effect {
                VetoEffect::ZeroScore => {
                    explanation.push(format!(
                        "存在否决项，总分记为0分（否决前{}分），等次“{}”",
                        fmt_points(score),
                        checklist.lowest_grade()
                    ));
                    (0.0, checklist.lowest_grade().to_string())
                }
                VetoEffect::FailKeepScore => {
                    explanation.push(format!(
                        "存在否决项，保留得分{}分，等次定为“{}”",
                        fmt_points(score),
                        checklist.lowest_grade()
                    ));
                    (score, checklist.lowest_grade().to_string())
                }
                VetoEffect::NotExcellent => {
                    let grade = if band == 0 && checklist.bands.len() > 1 {
                        let next = checklist.bands[1].grade.clone();
                        explanation.push(format!(
                            "总分{}分可评“{by_points}”，但存在否决项不能评为“{by_points}”，等次定为“{next}”",
                            fmt_points(score)
                        ));
                        next
                    } else {
                        explanation.push(format!(
                            "总分{}分，等次“{by_points}”（否决项：不能评为最高等次）",
                            fmt_points(score)
                        ));
                        by_points.to_string()
                    };
                    (score, grade)
                }
            }
        }
    };
    Ok(Evaluation {
        sections,
        veto_hits,
        veto_effect,
        bonus,
        score_before_veto,
        total,
        max_total: checklist.total_points,
        grade,
        marked_items: by_item.len(),
        explanation,
    })
}

/// Which effect wins when several veto items with different effects are hit.
fn severity(effect: VetoEffect) -> u8 {
    match effect {
        VetoEffect::NotExcellent => 0,
        VetoEffect::FailKeepScore => 1,
        VetoEffect::ZeroScore => 2,
    }
}

fn round2(points: f64) -> f64 {
    (points * 100.0).round() / 100.0
}

fn check_fits(id: &str, target: ItemRef<'_>, value: MarkValue) -> Result<(), ScoringError> {
    let amount_ok = match value {
        MarkValue::Deduct(p) | MarkValue::Award(p) => p.is_finite() && p >= 0.0,
        _ => true,
    };
    if !amount_ok {
        return Err(ScoringError::BadAmount(id.to_string()));
    }
    let fits = match target {
        ItemRef::Veto(_) => matches!(value, MarkValue::VetoHit | MarkValue::NotApplicable),
        ItemRef::Scored(..) => matches!(
            value,
            MarkValue::Deduct(_) | MarkValue::Count(_) | MarkValue::NotApplicable
        ),
        ItemRef::Bonus(_) => matches!(value, MarkValue::Award(_)),
    };
    if fits {
        Ok(())
    } else {
        Err(ScoringError::WrongKind {
            item: id.to_string(),
            value: value.describe(),
        })
    }
}

/// The bundled finding library seed.
pub fn bundled_library() -> Result<Vec<LibraryEntry>, format::ChecklistError> {
    let (file, text) = crate::assets::FINDING_LIBRARY;
    parse_library(file, text)
}

/// The bundled default checklists, validated against the rules and the bundled library.
pub fn bundled_checklists() -> Result<Vec<Checklist>, format::ChecklistError> {
    let library = bundled_library()?;
    let known = format::Known::with_library(library.iter().map(|e| e.code.as_str()));
    crate::assets::CHECKLISTS
        .iter()
        .map(|(file, text)| format::parse_checklist(file, text, &known))
        .collect()
}

/// The most a typed number may ask of an item, where there is such a limit: a range
/// item's largest deduction, a fixed item's points, a bonus item's points, and for a
/// per-occurrence item [`crate::domain::limits::MAX_COUNT`] occurrences (what exceeds the
/// item's points is handled by the engine: 扣完为止).
pub fn typed_limit(target: ItemRef<'_>) -> Option<f64> {
    match target {
        ItemRef::Veto(_) => None,
        ItemRef::Scored(_, item) => match item.deduction {
            Deduction::Range { max, .. } => Some(max),
            Deduction::Fixed { .. } => Some(item.points),
            // No item has that many occurrences: a typing slip, not a count.
            Deduction::PerOccurrence { .. } => Some(crate::domain::limits::MAX_COUNT as f64),
        },
        ItemRef::Bonus(bonus) => Some(bonus.points),
    }
}

/// A typed number checked against its item: above the item's limit it is refused with
/// the message the reviewer reads, never clamped behind their back.
pub fn typed_value(target: ItemRef<'_>, number: f64) -> Result<Option<MarkValue>, String> {
    if let Some(limit) = typed_limit(target)
        && number > limit + EPSILON
    {
        let (id, what) = match target {
            ItemRef::Scored(_, item) => (item.id.as_str(), item.deduction.describe(item.points)),
            ItemRef::Bonus(bonus) => (bonus.id.as_str(), format!("最多加{}分", fmt_points(bonus.points))),
            ItemRef::Veto(v) => (v.id.as_str(), String::new()),
        };
        return Err(format!(
            "评查项 {id}：{what}，输入的 {} 超出，未保存",
            fmt_points(number)
        ));
    }
    Ok(quick_value(target, number))
}

/// The mark a typed number makes on an item, as the keyboard and `pingcha mark` read it: on a
/// per-occurrence item the number of occurrences, on fixed and range items the points
/// deducted (0 clears), on a bonus item the points awarded, on a veto item any number above 0
/// is a hit.
pub fn quick_value(target: ItemRef<'_>, number: f64) -> Option<MarkValue> {
    if !number.is_finite() || number < 0.0 {
        return None;
    }
    if number == 0.0 {
        return None;
    }
    Some(match target {
        ItemRef::Veto(_) => MarkValue::VetoHit,
        ItemRef::Scored(_, item) => match item.deduction {
            // Counts are whole numbers; 2.5 occurrences make no sense.
            Deduction::PerOccurrence { .. } if number.fract() == 0.0 && number <= f64::from(u32::MAX) => {
                MarkValue::Count(number as u32)
            }
            _ => MarkValue::Deduct(number),
        },
        ItemRef::Bonus(_) => MarkValue::Award(number),
    })
}
