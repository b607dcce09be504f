//! Gathering a project's data into the report documents (score sheets, rectification
//! notices, the campaign report) and the XLSX export, shared by the CLI and the app.
//! Dates printed come from the data (the latest change recorded) or the caller, never
//! from the clock, so the same project gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use chrono::Datelike;

use crate::domain::{Checklist, CodeEnum, Mark, MarkValue, fmt_points};
use crate::progress::Control;
use crate::report::documents::{
    CampaignReport, NoticeCase, NoticeFinding, ReportCase, ScoreSheet, Templates, campaign_report, item_label,
    rectification_notice, score_sheet,
};
use crate::report::xlsx::{Cell, Sheet, workbook};
use crate::report::{Document, RenderedPdf, render_pdf};
use crate::review::campaign::{CampaignData, CaseComparison, compare_case, stats_of, summary_stats_of};
use crate::scoring::evaluate;
use crate::service::checks::ProjectRules;
use crate::store::{ChecklistKey, Project, ReviewerId};

/// Whose marks a score sheet prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetSource {
    /// A reviewer's own marks (name; unit when names repeat).
    Reviewer(String, Option<String>),
    /// The consensus of a campaign (falls back to the blank form when unsettled).
    Consensus(String),
    /// The blank form with the automatic checks' suggestions.
    Blank,
}

/// The reviewing agency's name: the project setting `agency`, else the cases' 执法主体.
pub(crate) fn agency(project: &Project) -> Result<String> {
    if let Some(a) = project.setting::<String>("agency")? {
        return Ok(a);
    }
    Ok(match project.list_cases()?.first() {
        Some(r) => project.load_case(r.id)?.case.agency,
        None => "评查组".to_string(),
    })
}

/// The wording templates: the project's, else the bundled ones.
pub(crate) fn templates(project: &Project) -> Result<Templates> {
    if let Some(text) = project.setting::<String>("report_templates")? {
        return toml::from_str(&text).context("项目设置 report_templates 无法读取");
    }
    Templates::bundled().map_err(anyhow::Error::msg)
}

/// Project setting: the 公文 settings (numbering, 依据文件, contact, 抄送, 印发).
pub const OFFICIAL_KEY: &str = "official_documents";

/// The project's 公文 settings (defaults where none are saved).
pub fn official_settings(project: &Project) -> Result<crate::report::documents::OfficialSettings> {
    Ok(project.setting(OFFICIAL_KEY)?.unwrap_or_default())
}

/// The first and last day changes were recorded for these cases (`2024年11月28日至12月1日`).
fn review_period(project: &Project, cases: &[String]) -> Result<Option<String>> {
    let (mut first, mut last) = (String::new(), String::new());
    for c in cases {
        for entry in project.audit(c)? {
            let day = entry.at.get(..10).unwrap_or(&entry.at).to_string();
            if first.is_empty() || day < first {
                first = day.clone();
            }
            if day > last {
                last = day;
            }
        }
    }
    if first.is_empty() {
        return Ok(None);
    }
    let (a, b) = (chinese_date(&first), chinese_date(&last));
    Ok(Some(if a == b {
        a
    } else if first.get(..4) == last.get(..4) {
        // 2024年11月28日至12月1日: the year once.
        format!("{a}至{}", b.split_once('年').map_or(b.as_str(), |(_, rest)| rest))
    } else {
        format!("{a}至{b}")
    }))
}

/// `2026-11-29 10:00:00` → `2026年11月29日`.
pub(crate) fn chinese_date(at: &str) -> String {
    let parts: Vec<&str> = at.get(..10).unwrap_or(at).split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{y}年{}月{}日", m.trim_start_matches('0'), d.trim_start_matches('0')),
        _ => at.to_string(),
    }
}

/// The latest change recorded for these cases, as a Chinese date.
fn data_date(project: &Project, cases: &[String]) -> Result<String> {
    let mut latest = String::new();
    for c in cases {
        for entry in project.audit(c)? {
            if entry.at > latest {
                latest = entry.at;
            }
        }
    }
    Ok(if latest.is_empty() {
        "　　年　　月　　日".into()
    } else {
        chinese_date(&latest)
    })
}

/// What a score sheet is made of: checklist, marks (none: blank), signers, lead, 合议 note.
type SheetParts = (
    Checklist,
    Option<Vec<Mark>>,
    Vec<String>,
    Option<String>,
    Option<String>,
);

/// The document of a case's score sheet.
pub fn score_sheet_document(
    project: &Project,
    case_number: &str,
    source: &SheetSource,
    unmasked: bool,
    date: Option<&str>,
) -> Result<Document> {
    let stored = project.load_case_by_number(case_number)?;
    let case = &stored.case;
    let rules = ProjectRules::load(project)?;
    let findings = rules.check(case);
    let agency = agency(project)?;
    // The checklist: the reviewer's, the campaign's, or the newest that applies.
    let (checklist, marks, reviewers, lead, note): SheetParts = match source {
        SheetSource::Reviewer(name, unit) => {
            let reviewer = project
                .reviewers()?
                .into_iter()
                .find(|r| &r.name == name && unit.as_ref().is_none_or(|u| &r.unit == u))
                .with_context(|| format!("项目中没有评查员“{name}”"))?;
            let scorings = crate::service::review::case_scorings(project, case, reviewer.id)?;
            let first = scorings
                .into_iter()
                .next()
                .with_context(|| format!("没有适用于 {case_number} 的评查标准"))?;
            (
                first.checklist.checklist,
                Some(first.marks),
                vec![reviewer.name],
                None,
                None,
            )
        }
        SheetSource::Consensus(campaign) => {
            let info = project.campaign(campaign)?;
            let cmp = compare_case(project, campaign, case_number)?;
            let checklist = project.checklist(cmp.checklist)?.checklist;
            let members = project.campaign_reviewers(info.id)?;
            let lead = members
                .iter()
                .find(|m| m.role == crate::domain::ReviewerRole::Lead)
                .map(|m| m.name.clone());
            let consensus = project.consensus(info.id, case_number)?;
            let note = (!consensus.is_empty()).then(|| {
                consensus
                    .iter()
                    .map(|c| {
                        format!(
                            "{}：{}（{}）",
                            item_label(&checklist, &c.item),
                            c.mark.as_ref().map_or("不扣分".into(), |m| m.value.describe()),
                            c.reason
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("；")
            });
            (checklist, cmp.final_marks, cmp.reviewers, lead, note)
        }
        SheetSource::Blank => {
            let all = project.checklists()?;
            let newest = all
                .iter()
                .filter(|c| c.checklist.applies(case.kind, case.procedure) && !c.checklist.applies_to.kinds.is_empty())
                .max_by_key(|c| c.checklist.version)
                .with_context(|| format!("没有适用于 {case_number} 的评查标准"))?;
            (newest.checklist.clone(), None, Vec::new(), None, None)
        }
    };
    let evaluation = match &marks {
        Some(m) => Some(evaluate(&checklist, m)?),
        None => None,
    };
    let suggestions: Vec<(String, String, String)> = findings
        .iter()
        .filter(|f| f.severity != crate::rules::Severity::Notice)
        .flat_map(|f| {
            checklist
                .item_ids()
                .into_iter()
                .filter(|id| {
                    checklist
                        .item(id)
                        .is_some_and(|t| t.rules().iter().any(|r| r == f.rule))
                })
                .take(1)
                .map(|id| (id.to_string(), f.rule.to_string(), f.message.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let date = match date {
        Some(d) => chinese_date(d),
        None => data_date(project, &[case_number.to_string()])?,
    };
    Ok(score_sheet(&ScoreSheet {
        agency: &agency,
        case,
        checklist: &checklist,
        marks: marks.as_deref(),
        evaluation: evaluation.as_ref(),
        reviewers,
        lead,
        date,
        consensus_note: note,
        suggestions,
        unmasked,
    }))
}

/// The marks that stand for a case in notices and the report: the settled consensus, else
/// the deductions every reviewer made (a single reviewer's marks as they are) — with the
/// sentence that says which, printed on the notice.
fn agreed_marks(
    project: &Project,
    campaign: Option<(&CampaignData, &CaseComparison)>,
    case_number: &str,
    names: &BTreeMap<ReviewerId, String>,
) -> Result<Option<(ChecklistKey, Vec<Mark>, String)>> {
    let all: &[(ReviewerId, ChecklistKey, Mark)];
    let key: ChecklistKey;
    let reviewers: BTreeSet<ReviewerId>;
    let owned;
    if let Some((data, cmp)) = campaign {
        if let Some(marks) = &cmp.final_marks {
            return Ok(Some((
                cmp.checklist,
                marks.clone(),
                "评分依据：评查组合议结果".to_string(),
            )));
        }
        all = data.marks_of(case_number);
        key = cmp.checklist;
        reviewers = data
            .assigned(case_number)
            .iter()
            .copied()
            .filter(|r| all.iter().any(|(x, k, _)| x == r && *k == key))
            .collect();
    } else {
        owned = project.marks_of_case(case_number)?;
        all = &owned;
        let Some(first) = all.first().map(|(_, k, _)| *k) else {
            return Ok(None);
        };
        key = first;
        reviewers = all.iter().filter(|(_, k, _)| *k == key).map(|(r, _, _)| *r).collect();
    }
    let Some(marks) = intersect(all, key, &reviewers) else {
        return Ok(None);
    };
    let name = |id: &ReviewerId| names.get(id).cloned().unwrap_or_else(|| format!("评查员{id}"));
    let basis = match reviewers.len() {
        1 => format!("评分依据：评查员{}的评分", name(reviewers.first().expect("one"))),
        n => format!(
            "评分依据：尚未合议，列出 {n} 名评查员（{}）均认定的问题，分值按{}的评分",
            reviewers.iter().map(name).collect::<Vec<_>>().join("、"),
            name(reviewers.first().expect("several"))
        ),
    };
    Ok(Some((key, marks, basis)))
}

/// The marks every reviewer made (the first reviewer's values).
fn intersect(
    all: &[(ReviewerId, ChecklistKey, Mark)],
    key: ChecklistKey,
    reviewers: &BTreeSet<ReviewerId>,
) -> Option<Vec<Mark>> {
    let first = *reviewers.iter().next()?;
    let marks: Vec<Mark> = all
        .iter()
        .filter(|(r, k, m)| {
            *r == first
                && *k == key
                && reviewers.iter().all(|other| {
                    all.iter()
                        .any(|(o, k2, m2)| o == other && *k2 == key && m2.item == m.item)
                })
        })
        .map(|(_, _, m)| m.clone())
        .collect();
    Some(marks)
}

/// Problems of a case's agreed marks: (item, wording, basis, advice).
fn problems_of(checklist: &Checklist, marks: &[Mark], library: &[crate::domain::LibraryEntry]) -> Vec<NoticeFinding> {
    let evaluation = crate::scoring::score_only(checklist, marks).ok();
    let mut out = Vec::new();
    for id in checklist.item_ids() {
        let Some(mark) = marks.iter().find(|m| m.item == id) else {
            continue;
        };
        let points = evaluation
            .as_ref()
            .and_then(|e| e.item(id))
            .map_or(0.0, |s| s.deducted + s.carried);
        let what = match mark.value {
            MarkValue::VetoHit => "否决".to_string(),
            MarkValue::NotApplicable | MarkValue::Award(_) => continue,
            _ if points > 0.0 => format!("扣{}分", fmt_points(points)),
            _ => continue,
        };
        let Some(target) = checklist.item(id) else { continue };
        let entry = target
            .findings()
            .iter()
            .find_map(|code| library.iter().find(|e| &e.code == code));
        let wording = if mark.reason.is_empty() {
            entry.map_or_else(|| target.text().to_string(), |e| e.wording.clone())
        } else {
            mark.reason.clone()
        };
        let advice = library
            .iter()
            .find(|e| e.wording == mark.reason)
            .or(entry)
            .map_or_else(|| format!("对照“{}”整改", target.text()), |e| e.advice.clone());
        out.push(NoticeFinding {
            id: id.to_string(),
            item: format!("{id} {}（{what}）", target.text()),
            wording,
            basis: target.basis().to_string(),
            advice,
        });
    }
    out
}

/// The cases of a unit on its rectification notice, with their problems: its cases in the
/// campaign (or, without one, every scored case of the unit).
pub fn notice_cases(
    project: &Project,
    unit: &str,
    campaign: Option<&str>,
    control: &mut Control<'_>,
) -> Result<Vec<NoticeCase>> {
    let data = campaign.map(|c| CampaignData::load(project, c)).transpose()?;
    let numbers: Vec<String> = match &data {
        Some(d) => d.info.cases.clone(),
        None => project.list_cases()?.into_iter().map(|r| r.number).collect(),
    };
    let library = project.library()?;
    let checklists: BTreeMap<ChecklistKey, Checklist> = project
        .checklists()?
        .into_iter()
        .map(|c| (c.key, c.checklist))
        .collect();
    let names: BTreeMap<ReviewerId, String> = project.reviewers()?.into_iter().map(|r| (r.id, r.name)).collect();
    let mut cases = Vec::new();
    for (i, number) in numbers.iter().enumerate() {
        control.step(i, numbers.len())?;
        let stored = project.load_case_by_number(number)?;
        if stored.case.unit != unit {
            continue;
        }
        let cmp = data.as_ref().map(|d| d.compare(number, &stored.case)).transpose()?;
        let Some((key, marks, basis)) = agreed_marks(project, data.as_ref().zip(cmp.as_ref()), number, &names)? else {
            continue;
        };
        let Some(checklist) = checklists.get(&key) else {
            bail!("评查标准 {key} 不存在");
        };
        let e = crate::scoring::score_only(checklist, &marks)?;
        cases.push(NoticeCase {
            number: number.clone(),
            title: crate::report::documents::mask_case_text(&stored.case, &stored.case.title, false),
            result: format!("{}分，{}", fmt_points(e.total), e.grade),
            basis,
            findings: problems_of(checklist, &marks, &library),
        });
    }
    if cases.is_empty() {
        bail!(
            "{unit} 没有已评分的案卷{}",
            campaign.map(|c| format!("（评查活动“{c}”）")).unwrap_or_default()
        );
    }
    Ok(cases)
}

/// The rectification notice of a unit (a draft: not recorded for tracking; see
/// `service::rectify::issue`).
pub fn notice_document(
    project: &Project,
    unit: &str,
    campaign: Option<&str>,
    date: Option<&str>,
    reply_days: i64,
    control: &mut Control<'_>,
) -> Result<Document> {
    let cases = notice_cases(project, unit, campaign, control)?;
    let numbers: Vec<String> = cases.iter().map(|c| c.number.clone()).collect();
    let (day, date_text, deadline) = dates(project, &numbers, date, reply_days)?;
    let official = official_settings(project)?;
    // A draft: the 文号's running number is left blank (issuing it numbers it).
    let year = day.map_or_else(|| chrono::Local::now().year(), |d| d.year());
    let number = crate::report::documents::OfficialSettings::number(&official.notice_number, year, None);
    Ok(rectification_notice(&crate::report::documents::Notice {
        agency: &agency(project)?,
        campaign: campaign.unwrap_or("案卷评查"),
        unit,
        number: &number,
        date: &date_text,
        deadline: &deadline,
        cases: &cases,
        templates: &templates(project)?,
        official: &official,
    }))
}

/// The day a document is dated (given, else the last change recorded for its cases), as
/// printed, and the reply deadline (`reply_days` calendar days later).
pub(crate) fn dates(
    project: &Project,
    cases: &[String],
    date: Option<&str>,
    reply_days: i64,
) -> Result<(Option<chrono::NaiveDate>, String, String)> {
    let iso = match date {
        Some(d) => Some(d.to_string()),
        None => {
            let mut latest = String::new();
            for c in cases {
                for entry in project.audit(c)? {
                    if entry.at > latest {
                        latest = entry.at;
                    }
                }
            }
            (!latest.is_empty()).then(|| latest[..10.min(latest.len())].to_string())
        }
    };
    let day = iso.as_deref().and_then(crate::domain::parse_iso_date);
    Ok(match day {
        Some(d) => (
            Some(d),
            chinese_date(&d.format("%Y-%m-%d").to_string()),
            chinese_date(&(d + chrono::Duration::days(reply_days)).format("%Y-%m-%d").to_string()),
        ),
        None => (None, "　　年　　月　　日".into(), "规定期限".into()),
    })
}

/// The campaign report (the 通报 sent to the units); `internal` adds the reviewers' agreement
/// statistics as an internal annex, for the organiser's copy only.
pub fn campaign_report_document(
    project: &Project,
    campaign: &str,
    date: Option<&str>,
    reply_days: i64,
    internal: bool,
    number: Option<&str>,
    control: &mut Control<'_>,
) -> Result<Document> {
    // Everything the comparisons read is loaded once: the report is linear in the campaign.
    let data = CampaignData::load(project, campaign)?;
    let library = project.library()?;
    let info = &data.info;
    let config = &data.config;
    let rules = ProjectRules::load(project)?;
    let members = &data.members;
    let mut cases = Vec::new();
    let mut comparisons = Vec::with_capacity(info.cases.len());
    let mut drawn_units = BTreeSet::new();
    let mut grades: Vec<String> = Vec::new();
    let mut problem_counts: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut three: Vec<Vec<(crate::rules::ThreeSystem, bool)>> = Vec::new();
    // (unit, printed item) of every problem, to find those an earlier notice named.
    let mut found: Vec<(String, String)> = Vec::new();
    let mut current = project.current_cases()?;
    for (i, number) in info.cases.iter().enumerate() {
        control.step(i, info.cases.len())?;
        let case = current
            .remove(number)
            .with_context(|| format!("案卷 {number} 不在项目中"))?;
        let stored = Loaded { case };
        drawn_units.insert(stored.case.unit.clone());
        let cmp = data.compare(number, &stored.case)?;
        let checklist = data.checklist(cmp.checklist)?;
        if grades.is_empty() {
            grades = checklist.bands.iter().map(|b| b.grade.clone()).collect();
        }
        let findings = rules.check(&stored.case);
        three.push(crate::rules::three_systems(&stored.case, &findings, &rules.settings));
        if cmp.reviewers.is_empty() {
            comparisons.push(cmp);
            continue;
        }
        if let Some((key, marks, _)) = agreed_marks(project, Some((&data, &cmp)), number, &BTreeMap::new())? {
            let checklist = data.checklist(key)?;
            // 主要问题 as the problems found: the agreed reasons (the library's wording, or the
            // item's text, where a reviewer gave none), counted by case.
            for f in problems_of(checklist, &marks, &library) {
                let wording = f.wording.trim().trim_end_matches(['。', '；', ';']).to_string();
                let entry = problem_counts.entry(wording).or_insert((0, number.clone()));
                entry.0 += 1;
                found.push((stored.case.unit.clone(), f.item));
            }
        }
        cases.push(ReportCase {
            number: number.clone(),
            unit: stored.case.unit.clone(),
            kind: match stored.case.procedure {
                Some(p) => format!("{}（{}）", stored.case.kind.label(), p.label()),
                None => stored.case.kind.label().to_string(),
            },
            score: cmp.final_total,
            grade: cmp.final_grade.clone(),
            source: cmp.final_source.clone(),
            reviewers: cmp.reviewers.join("、"),
        });
        comparisons.push(cmp);
    }
    let earlier: Vec<_> = project
        .rectify_items()?
        .into_iter()
        .filter(|i| i.campaign.as_deref() != Some(info.name.as_str()))
        .collect();
    let repeats: Vec<(String, String, Vec<String>)> = crate::domain::rectification::repeated(&earlier, &found)
        .into_iter()
        .map(|(unit, item, notices)| (unit, item, notices.into_iter().map(str::to_string).collect()))
        .collect();
    let mut problems: Vec<(String, usize, String)> = problem_counts.into_iter().map(|(w, (k, e))| (w, k, e)).collect();
    problems.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    problems.truncate(15);
    let stats = summary_stats_of(&comparisons);
    let show = |v: Option<f64>| {
        v.map_or_else(
            || crate::review::agreement::TOO_LITTLE_DATA.to_string(),
            |v| format!("{v:.3}"),
        )
    };
    let mut agreement = vec![
        ("总分一致率".to_string(), show(stats.totals.percent_agreement)),
        (
            "Krippendorff α（等距）".to_string(),
            show(stats.totals.krippendorff_alpha_interval),
        ),
        ("ICC(2,1)".to_string(), show(stats.totals.icc2_1)),
    ];
    for d in &stats.deviations {
        agreement.push((
            format!("{} 与最终得分偏差", d.reviewer),
            format!(
                "平均 {:+.2} 分，平均绝对 {:.2} 分（{} 件）",
                d.mean_signed, d.mean_absolute, d.cases
            ),
        ));
    }
    let numbers: Vec<String> = cases.iter().map(|c| c.number.clone()).collect();
    let (day, date_text, deadline) = dates(project, &numbers, date, reply_days)?;
    let templates = templates(project)?;
    let agency = agency(project)?;
    let official = official_settings(project)?;
    let number = match number {
        Some(n) if !n.trim().is_empty() => n.trim().to_string(),
        _ => crate::report::documents::OfficialSettings::number(
            &official.report_number,
            day.map_or(info.year, |d| d.year()),
            None,
        ),
    };
    let period = review_period(project, &numbers)?;
    Ok(campaign_report(&CampaignReport {
        agency: &agency,
        name: &info.name,
        year: info.year,
        drawn_cases: info.cases.len(),
        drawn_units: drawn_units.len(),
        date: &date_text,
        deadline: &deadline,
        reviewers: members.len(),
        per_case: config.per_case,
        grades,
        cases,
        three_systems: three_system_rows(&three),
        internal,
        problems,
        repeats,
        agreement: if stats.totals.percent_agreement.is_some() {
            agreement
        } else {
            Vec::new()
        },
        templates: &templates,
        number: &number,
        period,
        official: &official,
    }))
}

/// A case read in bulk (data only), named like a stored case so the code reads the same.
struct Loaded {
    case: crate::domain::Case,
}

/// Renders a document.
pub fn render(document: &Document) -> Result<RenderedPdf> {
    Ok(render_pdf(document)?)
}

/// Renders a document and writes it to `path` (atomically: an old file stays whole until the
/// new one is complete); the error names the file. Returns the rendered PDF.
pub fn write_pdf(document: &Document, path: &std::path::Path) -> Result<RenderedPdf> {
    let rendered = render(document)?;
    write_output(path, &rendered.bytes)?;
    Ok(rendered)
}

/// Writes an output file (report, export, checklist) whole or not at all; the error names
/// the file and says what the system said, in Chinese.
pub fn write_output(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    crate::places::write_atomically(path, bytes)
        .map_err(|e| anyhow::anyhow!("{}：{}", path.display(), crate::places::io_message(&e)))
}

/// Cases, marks, findings and statistics as sheets.
#[expect(clippy::too_many_lines, reason = "one block per exported sheet, in workbook order")]
pub fn export_xlsx(project: &Project, campaign: Option<&str>, control: &mut Control<'_>) -> Result<Vec<u8>> {
    let rules = ProjectRules::load(project)?;
    let reviewers: BTreeMap<ReviewerId, String> = project
        .reviewers()?
        .into_iter()
        .map(|r| (r.id, format!("{}（{}）", r.name, r.unit)))
        .collect();
    let checklists: BTreeMap<ChecklistKey, Checklist> = project
        .checklists()?
        .into_iter()
        .map(|c| (c.key, c.checklist))
        .collect();
    let mut case_rows = Vec::new();
    let mut mark_rows = Vec::new();
    let mut finding_rows = Vec::new();
    // A campaign's data and every mark are loaded once: the export is linear in the project.
    let data = campaign.map(|c| CampaignData::load(project, c)).transpose()?;
    let numbers: Vec<String> = match &data {
        Some(d) => d.info.cases.clone(),
        None => project.list_cases()?.into_iter().map(|r| r.number).collect(),
    };
    let all_marks = project.all_marks()?;
    let mut comparisons = Vec::new();
    for (i, number) in numbers.iter().enumerate() {
        control.step(i, numbers.len())?;
        let stored = project.load_case_by_number(number)?;
        let case = &stored.case;
        let (score, grade, source) = match &data {
            Some(d) => {
                let cmp = d.compare(number, case)?;
                let row = (
                    Cell::Number(cmp.final_total),
                    cmp.final_grade.clone(),
                    cmp.final_source.clone(),
                );
                comparisons.push(cmp);
                row
            }
            None => (Cell::Text(String::new()), String::new(), String::new()),
        };
        case_rows.push(vec![
            Cell::Text(number.clone()),
            Cell::Text(case.title.clone()),
            Cell::Text(case.unit.clone()),
            Cell::Text(case.kind_label()),
            score,
            Cell::Text(grade),
            Cell::Text(source),
        ]);
        let marks = all_marks.get(number).map_or(&[][..], Vec::as_slice);
        // One evaluation per review (reviewer and checklist), not per mark.
        let mut evaluations: BTreeMap<(ReviewerId, ChecklistKey), Option<crate::scoring::Evaluation>> = BTreeMap::new();
        for (reviewer, key, _) in marks {
            evaluations.entry((*reviewer, *key)).or_insert_with(|| {
                let set: Vec<Mark> = marks
                    .iter()
                    .filter(|(r, k, _)| r == reviewer && k == key)
                    .map(|(_, _, m)| m.clone())
                    .collect();
                checklists
                    .get(key)
                    .and_then(|c| crate::scoring::score_only(c, &set).ok())
            });
        }
        for (reviewer, key, mark) in marks {
            let (reviewer, key) = (*reviewer, *key);
            let checklist = checklists.get(&key);
            let evaluation = evaluations.get(&(reviewer, key)).and_then(Option::as_ref);
            let deducted = evaluation
                .as_ref()
                .and_then(|e| e.item(&mark.item))
                .map_or(0.0, |s| s.deducted + s.carried);
            mark_rows.push(vec![
                Cell::Text(number.clone()),
                Cell::Text(reviewers.get(&reviewer).cloned().unwrap_or_default()),
                Cell::Text(
                    checklist
                        .map(|c| format!("{} 第{}版", c.name, c.version))
                        .unwrap_or_default(),
                ),
                Cell::Text(
                    checklist
                        .map(|c| item_label(c, &mark.item))
                        .unwrap_or(mark.item.clone()),
                ),
                Cell::Text(mark.value.describe()),
                Cell::Number(deducted),
                Cell::Text(mark.reason.clone()),
                Cell::Text(
                    mark.from_rule
                        .as_deref()
                        .map(|r| crate::rules::rule_name(r).to_string())
                        .unwrap_or_default(),
                ),
                Cell::Text(
                    mark.anchor
                        .as_ref()
                        .map(|a| format!("{} 第{}页", a.doc_type, a.page))
                        .unwrap_or_default(),
                ),
            ]);
        }
        for f in rules.check(case) {
            finding_rows.push(vec![
                Cell::Text(number.clone()),
                Cell::Text(crate::rules::rule_name(f.rule).to_string()),
                Cell::Text(f.severity.label().to_string()),
                Cell::Text(f.basis.clone()),
                Cell::Text(f.message.clone()),
            ]);
        }
    }
    let mut sheets = vec![
        Sheet {
            name: "案卷".into(),
            headers: ["案号", "案件名称", "承办单位", "类型", "最终得分", "等次", "计分方式"]
                .map(String::from)
                .to_vec(),
            rows: case_rows,
        },
        Sheet {
            name: "评分".into(),
            headers: [
                "案号",
                "评查员",
                "评查标准",
                "评查项",
                "评分",
                "扣分",
                "理由",
                "来自规则",
                "证据",
            ]
            .map(String::from)
            .to_vec(),
            rows: mark_rows,
        },
        Sheet {
            name: "自动检查".into(),
            headers: ["案号", "规则", "类别", "依据", "问题"].map(String::from).to_vec(),
            rows: finding_rows,
        },
    ];
    if data.is_some() {
        let stats = stats_of(&comparisons);
        let num = |v: Option<f64>| v.map_or(Cell::Text("—".into()), Cell::Number);
        let mut rows = vec![vec![
            Cell::Text("总分".into()),
            num(stats.totals.percent_agreement),
            num(stats.totals.krippendorff_alpha_interval),
            num(stats.totals.krippendorff_alpha_nominal),
            num(stats.totals.icc2_1),
            num(stats.totals.gwet_ac1),
        ]];
        for (item, a) in &stats.items {
            rows.push(vec![
                Cell::Text(item.clone()),
                num(a.percent_agreement),
                num(a.krippendorff_alpha_interval),
                num(a.krippendorff_alpha_nominal),
                num(a.icc2_1),
                num(a.gwet_ac1),
            ]);
        }
        sheets.push(Sheet {
            name: "一致性".into(),
            headers: ["对象", "一致率", "α等距", "α名义", "ICC(2,1)", "AC1"]
                .map(String::from)
                .to_vec(),
            rows,
        });
    }
    // Rectification tracked (整改跟踪), the campaign's own notices or all of them.
    let today = super::rectify::today();
    let tracked: Vec<_> = project
        .rectify_items()?
        .into_iter()
        .filter(|i| campaign.is_none_or(|c| i.campaign.as_deref() == Some(c)))
        .collect();
    if !tracked.is_empty() {
        sheets.push(Sheet {
            name: "整改跟踪".into(),
            headers: [
                "通知文号",
                "承办单位",
                "案号",
                "评查项",
                "问题",
                "通知日期",
                "整改期限",
                "回复日期",
                "核查",
                "状态",
                &format!("截至{today}"),
            ]
            .map(String::from)
            .to_vec(),
            rows: super::rectify::rows_for_export(&tracked, today)
                .into_iter()
                .map(|r| r.into_iter().map(Cell::Text).collect())
                .collect(),
        });
    }
    Ok(workbook(&sheets)?)
}

/// The report's 三项制度 table from each case's systems: (row, cases meeting it, cases it
/// concerns), every one of the three in its order — one no case concerns too (shown "—").
fn three_system_rows(per_case: &[Vec<(crate::rules::ThreeSystem, bool)>]) -> Vec<(String, usize, usize)> {
    crate::rules::ThreeSystem::ALL
        .iter()
        .map(|system| {
            let rows = per_case.iter().flatten().filter(|(s, _)| s == system);
            let met = rows.clone().filter(|(_, met)| *met).count();
            (system.label().to_string(), met, rows.count())
        })
        .collect()
}

/// The cover sheet's path for a kit: beside it, `<kit name>-交接单.pdf`.
pub fn kit_cover_path(kit: &std::path::Path) -> std::path::PathBuf {
    let stem = kit
        .file_stem()
        .map_or_else(|| "评查包".into(), |s| s.to_string_lossy().into_owned());
    kit.with_file_name(format!("{stem}-交接单.pdf"))
}

/// Issues a reviewer's kit (`review::campaign::export_kit`) and writes its cover sheet, the
/// 评查包交接单, beside it: the organiser's key fingerprint and the kit's SHA-256, printed and
/// handed over with the kit so the reviewer compares them on paper. The app and the command
/// line both issue kits through this.
pub fn issue_kit(
    project: &mut Project,
    campaign: &str,
    reviewer: &str,
    organiser: &str,
    unmasked: bool,
    out: &std::path::Path,
    control: &mut Control<'_>,
) -> Result<crate::review::campaign::Summary> {
    let issued = crate::review::campaign::export_kit(project, campaign, reviewer, organiser, unmasked, out, control)?;
    let agency = agency(project)?;
    let file = out
        .file_name()
        .map_or_else(|| out.display().to_string(), |n| n.to_string_lossy().into_owned());
    let date = chinese_date(&chrono::Local::now().format("%Y-%m-%d").to_string());
    let document = crate::report::documents::kit_cover(&crate::report::documents::KitCover {
        agency: &agency,
        campaign: &issued.campaign,
        reviewer: &issued.reviewer,
        unit: &issued.unit,
        file: &file,
        sha256: &issued.sha256,
        fingerprint: &issued.fingerprint,
        masked: issued.masked,
        cases: &issued.cases,
        date: &date,
    });
    let cover = kit_cover_path(out);
    let pdf = render(&document)?;
    crate::places::write_atomically(&cover, &pdf.bytes)
        .with_context(|| format!("评查包已生成，但交接单 {} 未能写出", cover.display()))?;
    Ok(crate::review::campaign::Summary(format!(
        "{}。交接单 {}：打印后随评查包交给评查员",
        issued.summary.0,
        cover.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::three_system_rows;
    use crate::rules::ThreeSystem::*;

    #[test]
    fn every_one_of_the_three_systems_has_its_row() {
        // A campaign with no major decision still shows the 法制审核 row (it was left out).
        let rows = three_system_rows(&[vec![(Publication, true)], vec![(Publication, false), (Recording, true)]]);
        let counts: Vec<(usize, usize)> = rows.iter().map(|(_, met, of)| (*met, *of)).collect();
        assert_eq!(counts, [(1, 2), (1, 1), (0, 0)]);
        assert_eq!(rows[2].0, "重大执法决定法制审核");
        assert_eq!(three_system_rows(&[]).len(), 3);
    }
}
