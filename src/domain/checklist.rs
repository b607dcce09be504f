//! Checklists (评查标准) and a reviewer's marks on one: plain data. How a checklist is read
//! from TOML and checked lives in `scoring::format`; how marks become scores lives in
//! `scoring`.

use serde::{Deserialize, Serialize};

use super::{CaseKind, CodeEnum, Procedure};

/// What a veto item (否决项) does to a case when it is hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VetoEffect {
    /// 评查总分即为零分: the score becomes 0 and the grade the lowest band.
    ZeroScore,
    /// 即为不合格卷: the grade is the lowest band, the score is kept.
    FailKeepScore,
    /// 不能评为优秀: the grade can be anything but the top band.
    NotExcellent,
}

impl VetoEffect {
    /// Every effect, in the order shown to users.
    pub const ALL: [VetoEffect; 3] = [Self::ZeroScore, Self::FailKeepScore, Self::NotExcellent];

    /// The TOML code.
    pub fn code(self) -> &'static str {
        match self {
            Self::ZeroScore => "zero_score",
            Self::FailKeepScore => "fail_keep_score",
            Self::NotExcellent => "not_excellent",
        }
    }

    /// Chinese description.
    pub fn label(self) -> &'static str {
        match self {
            Self::ZeroScore => "总分记为0分，等次为最低等次",
            Self::FailKeepScore => "等次为最低等次，保留得分",
            Self::NotExcellent => "不能评为最高等次",
        }
    }
}

/// What 不涉及 (not applicable) does to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotApplicableMode {
    /// The item counts as full marks.
    FullMarks,
    /// The item is removed and the total rescaled to the checklist's total.
    Rescale,
}

impl NotApplicableMode {
    /// The TOML code.
    pub fn code(self) -> &'static str {
        match self {
            Self::FullMarks => "full_marks",
            Self::Rescale => "rescale",
        }
    }

    /// Chinese description.
    pub fn label(self) -> &'static str {
        match self {
            Self::FullMarks => "不涉及的项目按满分计",
            Self::Rescale => "不涉及的项目不计分，总分按比例折算",
        }
    }
}

/// How an item's deduction is counted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Deduction {
    /// A set amount once (扣全分 when it equals the item's points).
    Fixed {
        /// Points deducted.
        points: f64,
    },
    /// 每处扣 X 分: the reviewer gives a count.
    PerOccurrence {
        /// Points per occurrence.
        points: f64,
    },
    /// 视情况扣 min–max 分: the reviewer chooses within the range.
    Range {
        /// Smallest deduction.
        min: f64,
        /// Largest deduction.
        max: f64,
    },
}

impl Deduction {
    /// The code written in TOML.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Fixed { .. } => "fixed",
            Self::PerOccurrence { .. } => "per_occurrence",
            Self::Range { .. } => "range",
        }
    }

    /// `扣2分`, `每处扣1分`, `视情况扣1–5分`.
    pub fn describe(&self, item_points: f64) -> String {
        match *self {
            Self::Fixed { points } if (points - item_points).abs() < 1e-9 => {
                format!("扣全分（{}分）", fmt_points(points))
            }
            Self::Fixed { points } => format!("扣{}分", fmt_points(points)),
            Self::PerOccurrence { points } => format!("每处扣{}分", fmt_points(points)),
            Self::Range { min, max } => format!("视情况扣{}–{}分", fmt_points(min), fmt_points(max)),
        }
    }
}

/// A grade band: cases scoring at least `min_points` get `grade` (unless a veto says otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeBand {
    /// 优秀 / 良好 / 合格 / 不合格 …
    pub grade: String,
    /// Lowest score of the band.
    pub min_points: f64,
}

/// Which cases a checklist is for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliesTo {
    /// Case kinds; empty means every kind.
    pub kinds: Vec<CaseKind>,
    /// Procedures (penalty cases); empty means any.
    pub procedures: Vec<Procedure>,
}

/// A veto item (否决项 / 基础标准).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VetoItem {
    /// Stable id within the checklist (`V1`).
    pub id: String,
    /// What is checked (`执法人员少于2人或无执法证`).
    pub text: String,
    /// Legal basis.
    pub basis: String,
    /// Auto-check rule ids that can suggest a hit.
    pub rules: Vec<String>,
    /// Finding library codes with the standard wording and advice.
    pub findings: Vec<String>,
    /// An effect other than the checklist's.
    pub effect: Option<VetoEffect>,
}

/// A scored item (评查项).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Stable id within the checklist (`3.2`).
    pub id: String,
    /// What is checked.
    pub text: String,
    /// Points of the item.
    pub points: f64,
    /// How deductions are counted.
    pub deduction: Deduction,
    /// 扣完为止，不计负分 at item level: deductions stop at the item's points. When false, the
    /// excess is carried to the section.
    pub floor_at_zero: bool,
    /// Legal basis.
    pub basis: String,
    /// Auto-check rule ids that can suggest a deduction.
    pub rules: Vec<String>,
    /// Finding library codes with the standard wording and advice.
    pub findings: Vec<String>,
    /// The case kinds the item concerns (empty: every kind the checklist applies to). An item
    /// of a general checklist that concerns penalties only (公示 of a 处罚决定) is not
    /// deducted on an inspection case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<CaseKind>,
}

impl Item {
    /// Whether the item concerns a case of `kind`.
    pub fn concerns(&self, kind: CaseKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
}

/// A section with its point budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Stable id (`S3`).
    pub id: String,
    /// Name (`调查取证`).
    pub name: String,
    /// Budget; equals the sum of its items' points.
    pub points: f64,
    /// 扣完为止 at section level: the section never goes below 0. When false, deductions
    /// beyond the budget come off the total.
    pub floor_at_zero: bool,
    /// Items in order.
    pub items: Vec<Item>,
}

/// An optional bonus item (加分项).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BonusItem {
    /// Stable id.
    pub id: String,
    /// What earns it.
    pub text: String,
    /// Most points it can add.
    pub points: f64,
    /// Basis or source.
    pub basis: String,
}

/// A checklist version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checklist {
    /// Stable id (`yjcf-general`), the same across versions.
    pub id: String,
    /// Title.
    pub name: String,
    /// Version number, 1 and up.
    pub version: u32,
    /// A default shipped with Pingcha, to be replaced by the official provincial table.
    pub is_default: bool,
    /// Free notes (source, approval).
    pub note: String,
    /// Which cases it is for.
    pub applies_to: AppliesTo,
    /// Full marks.
    pub total_points: f64,
    /// What a veto hit does.
    pub veto_effect: VetoEffect,
    /// What 不涉及 does.
    pub not_applicable: NotApplicableMode,
    /// Whether bonus items count.
    pub bonus_enabled: bool,
    /// Grade bands, highest first; the last one is the lowest grade.
    pub bands: Vec<GradeBand>,
    /// Veto items.
    pub veto_items: Vec<VetoItem>,
    /// Sections in order.
    pub sections: Vec<Section>,
    /// Bonus items.
    pub bonus_items: Vec<BonusItem>,
}

/// Where one mark's target sits in a checklist.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ItemRef<'a> {
    /// A veto item.
    Veto(&'a VetoItem),
    /// A scored item and its section.
    Scored(&'a Section, &'a Item),
    /// A bonus item.
    Bonus(&'a BonusItem),
}

impl ItemRef<'_> {
    /// The item's text.
    pub fn text(&self) -> &str {
        match self {
            Self::Veto(v) => &v.text,
            Self::Scored(_, i) => &i.text,
            Self::Bonus(b) => &b.text,
        }
    }

    /// Rule ids linked to the item.
    pub fn rules(&self) -> &[String] {
        match self {
            Self::Veto(v) => &v.rules,
            Self::Scored(_, i) => &i.rules,
            Self::Bonus(_) => &[],
        }
    }

    /// Finding library codes linked to the item.
    pub fn findings(&self) -> &[String] {
        match self {
            Self::Veto(v) => &v.findings,
            Self::Scored(_, i) => &i.findings,
            Self::Bonus(_) => &[],
        }
    }

    /// Legal basis.
    pub fn basis(&self) -> &str {
        match self {
            Self::Veto(v) => &v.basis,
            Self::Scored(_, i) => &i.basis,
            Self::Bonus(b) => &b.basis,
        }
    }
}

impl Checklist {
    /// Whether the checklist is meant for a case of this kind and procedure.
    pub fn applies(&self, kind: CaseKind, procedure: Option<Procedure>) -> bool {
        let kind_ok = self.applies_to.kinds.is_empty() || self.applies_to.kinds.contains(&kind);
        let procedure_ok =
            self.applies_to.procedures.is_empty() || procedure.is_none_or(|p| self.applies_to.procedures.contains(&p));
        kind_ok && procedure_ok
    }

    /// Finds any item (veto, scored or bonus) by id.
    pub fn item(&self, id: &str) -> Option<ItemRef<'_>> {
        if let Some(v) = self.veto_items.iter().find(|v| v.id == id) {
            return Some(ItemRef::Veto(v));
        }
        for section in &self.sections {
            if let Some(item) = section.items.iter().find(|i| i.id == id) {
                return Some(ItemRef::Scored(section, item));
            }
        }
        self.bonus_items.iter().find(|b| b.id == id).map(ItemRef::Bonus)
    }

    /// Every item id in display order: veto items, scored items section by section, bonus.
    pub fn item_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.veto_items.iter().map(|v| v.id.as_str()).collect();
        for section in &self.sections {
            ids.extend(section.items.iter().map(|i| i.id.as_str()));
        }
        if self.bonus_enabled {
            ids.extend(self.bonus_items.iter().map(|b| b.id.as_str()));
        }
        ids
    }

    /// The grade of the lowest band (不合格), used by veto effects.
    pub fn lowest_grade(&self) -> &str {
        self.bands.last().map_or("不合格", |b| b.grade.as_str())
    }
}

/// What a reviewer recorded on one item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum MarkValue {
    /// Points deducted (fixed and range items; an explicit amount on a per-occurrence item).
    Deduct(f64),
    /// Number of occurrences (per-occurrence items; on other items any count above 0 is a hit).
    Count(u32),
    /// 不涉及.
    NotApplicable,
    /// A veto item is hit.
    VetoHit,
    /// Points awarded on a bonus item.
    Award(f64),
}

impl MarkValue {
    /// Short Chinese description (`扣2分`, `3处`, `不涉及`).
    pub fn describe(&self) -> String {
        match *self {
            Self::Deduct(p) => format!("扣{}分", fmt_points(p)),
            Self::Count(n) => format!("{n}处"),
            Self::NotApplicable => "不涉及".into(),
            Self::VetoHit => "否决".into(),
            Self::Award(p) => format!("加{}分", fmt_points(p)),
        }
    }
}

/// A place in the case file that supports a mark (卷内页码).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// The document's file path inside the package (stable across revisions).
    pub file: String,
    /// The document's type, for display.
    pub doc_type: String,
    /// 1-based page within the document.
    pub page: u32,
}

super::case::code_enum! {
    /// Where a reviewer stands with a case (the list's 评查状态 column and filter), in the
    /// order of the work.
    ReviewState {
        /// No mark yet.
        NotStarted => "not_started", "未评";
        /// Marks, but not every checklist marked 完成评查.
        InProgress => "in_progress", "评查中";
        /// Every checklist the reviewer scored is marked 完成评查.
        Done => "done", "已完成";
        /// Locked by a campaign sign-off (复核锁定).
        SignedOff => "signed_off", "已复核";
    }
}

super::case::code_enum! {
    /// A reviewer's part in a campaign (stored in `campaign_reviewers.role`).
    ReviewerRole {
        /// 组长: leads the team, records consensus.
        Lead => "lead", "组长";
        /// 评查员.
        Reviewer => "reviewer", "评查员";
    }
}

/// One reviewer's mark on one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    /// Item id in the checklist version.
    pub item: String,
    /// What was recorded.
    pub value: MarkValue,
    /// The reason (wording of the problem).
    pub reason: String,
    /// The rule whose finding was accepted into this mark (`来自规则 X`).
    pub from_rule: Option<String>,
    /// Where in the file.
    pub anchor: Option<Anchor>,
}

impl Mark {
    /// A mark with no reason, rule or anchor.
    pub fn new(item: impl Into<String>, value: MarkValue) -> Self {
        Self {
            item: item.into(),
            value,
            reason: String::new(),
            from_rule: None,
            anchor: None,
        }
    }

    /// What changed from `old` to `new`, as the 修改记录 says it: the value when it changed
    /// (`扣2分 → 扣5分`), else the evidence page or the reason — never `扣5分 → 扣5分`.
    pub fn change_text(old: Option<&Mark>, new: Option<&Mark>) -> String {
        let value = |m: Option<&Mark>| m.map_or_else(|| "无".to_string(), |m| m.value.describe());
        let anchor = |m: Option<&Mark>| {
            m.and_then(|m| m.anchor.as_ref())
                .map(|a| format!("{} 第{}页", a.doc_type, a.page))
        };
        let (Some(o), Some(n)) = (old, new) else {
            return format!("{} → {}", value(old), value(new));
        };
        if o.value != n.value {
            return format!("{} → {}", value(old), value(new));
        }
        let mut parts = Vec::new();
        if o.anchor != n.anchor {
            parts.push(match (anchor(old), anchor(new)) {
                (_, Some(to)) => format!("证据标注为 {to}"),
                (Some(from), None) => format!("取消证据标注（原为 {from}）"),
                (None, None) => String::new(),
            });
        }
        if o.reason != n.reason {
            parts.push(if n.reason.is_empty() {
                "删除理由".to_string()
            } else {
                format!("理由改为“{}”", n.reason)
            });
        }
        if parts.is_empty() {
            parts.push("未变".to_string());
        }
        format!("{}：{}", value(new), parts.join("；"))
    }
}

/// One entry of the finding library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryEntry {
    /// Stable code (`ZT-01`); reviewer entries get `R-…`.
    pub code: String,
    /// Group (`主体/人员`, `立案`, `三项制度`).
    pub category: String,
    /// The standard wording of the problem.
    pub wording: String,
    /// Legal basis.
    #[serde(default)]
    pub basis: String,
    /// Rectification advice (整改建议).
    #[serde(default)]
    pub advice: String,
}

/// Points for display: `2`, `0.5`, `1.25`.
pub fn fmt_points(points: f64) -> String {
    let rounded = (points * 100.0).round() / 100.0;
    // No "-0".
    let rounded = if rounded == 0.0 { 0.0 } else { rounded };
    let text = format!("{rounded:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

super::case::code_enum! {
    /// What an audit row records (修改记录): the code stored in the project and the Chinese the
    /// history window shows, in one place.
    AuditAction {
        /// A mark set or changed.
        Mark => "mark", "评分";
        /// An evidence page anchored to a mark.
        Anchor => "anchor", "标注证据";
        /// A change taken back.
        Undo => "undo", "撤销";
        /// A change made again.
        Redo => "redo", "重做";
        /// The review marked done.
        Reviewed => "reviewed", "完成评查";
        /// A done review opened again.
        Reopened => "reopened", "重新打开";
        /// An automatic check's finding taken as a mark.
        FindingAccepted => "finding_accepted", "采纳自动检查";
        /// An automatic check's finding declined, with the reason.
        FindingRejected => "finding_rejected", "不采纳自动检查";
        /// A decision on a finding withdrawn.
        FindingWithdrawn => "finding_withdrawn", "撤销对自动检查的处理";
        /// A consensus mark (合议).
        Consensus => "consensus", "合议";
        /// A reviewer's signed return imported.
        ReturnImported => "return_imported", "回收评分包";
        /// A return imported again, its marks replacing those of the earlier one.
        ReturnSuperseded => "return_superseded", "回收评分包（替换此前回收的评分）";
        /// A case locked after review (复核).
        SignedOff => "signed_off", "复核锁定";
        /// A lock lifted, with the reason.
        Unlocked => "unlocked", "解除锁定";
        /// A problem put on an issued 整改通知书.
        RectificationIssued => "rectification_issued", "印发整改通知";
        /// A unit's answer to a problem.
        RectificationAnswer => "rectification_answer", "登记整改回复";
        /// The organiser's verification of a problem.
        RectificationVerified => "rectification_verified", "核查整改";
        /// A fact of the case changed (typed, accepted from a scanned page, or returned).
        FactEdited => "fact_edited", "修改案卷事实";
    }
}

/// The Chinese of a stored audit code; a code this version does not know is shown as it is.
pub fn audit_label(code: &str) -> String {
    AuditAction::parse(code).map_or_else(|| code.to_string(), |a| a.label().to_string())
}

#[cfg(test)]
mod audit_tests {
    use super::*;

    #[test]
    fn every_audit_action_has_its_own_code_and_a_chinese_label() {
        let mut codes = std::collections::HashSet::new();
        for action in AuditAction::ALL {
            assert!(codes.insert(action.code()), "{} twice", action.code());
            assert!(
                !action.label().is_empty() && !action.label().chars().any(|c| c.is_ascii_alphabetic()),
                "{:?}: {}",
                action,
                action.label()
            );
            assert_eq!(AuditAction::parse(action.code()), Some(*action));
            assert_eq!(audit_label(action.code()), action.label());
        }
        assert_eq!(audit_label("from_a_newer_version"), "from_a_newer_version");
    }
}
