//! Rectification tracked to closure (整改跟踪与销号), shared by the app and the command line:
//! issuing a unit's 整改通知书 records each of its problems for tracking (with a 文号 and a
//! due date), answers and verifications are recorded with their files, and the 整改情况汇总表
//! is built as a document for a given day.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};

use super::reports::{agency, chinese_date, notice_cases, templates};
use crate::domain::CodeEnum;
use crate::domain::rectification::{Attachment, RectifyItem, Status, UnitSummary, summarise};
use crate::report::Document;
use crate::report::documents::rectification_notice;
use crate::report::model::{Block, Table};
use crate::store::{NewNotice, NewProblem, Project, Reviewer};

/// Days a unit has to rectify, unless a due date is given ([I]: campaigns set their own).
pub const DEFAULT_REPLY_DAYS: i64 = 30;

/// The day an action is recorded on when none is given.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Reads `YYYY-MM-DD`, naming the option in the error.
pub fn parse_day(text: &str, what: &str) -> Result<NaiveDate> {
    crate::domain::parse_iso_date(text).with_context(|| format!("{what}“{text}”不是日期（应写作 2024-05-06）"))
}

/// The next 文号 for a notice dated `on`: the project's pattern (公文 settings) with the year
/// and the count of the year's notices plus one.
pub fn next_notice_number(project: &Project, on: NaiveDate) -> Result<String> {
    let official = super::reports::official_settings(project)?;
    let n = project
        .issued_notices()?
        .iter()
        .filter(|n| n.issued_on.year() == on.year())
        .count()
        + 1;
    Ok(crate::report::documents::OfficialSettings::number(
        &official.notice_number,
        on.year(),
        Some(n),
    ))
}

/// What issuing a notice needs.
#[derive(Debug, Clone)]
pub struct IssueRequest<'a> {
    /// The unit.
    pub unit: &'a str,
    /// The campaign.
    pub campaign: Option<&'a str>,
    /// The notice's date (default: today).
    pub date: Option<NaiveDate>,
    /// The due date (default: the date plus [`DEFAULT_REPLY_DAYS`]).
    pub due: Option<NaiveDate>,
    /// The 文号 (default: [`next_notice_number`]).
    pub number: Option<String>,
}

/// A notice issued: its document and the record.
pub struct Issued {
    /// The notice to print.
    pub document: Document,
    /// Its 文号.
    pub number: String,
    /// Problems now tracked.
    pub problems: usize,
    /// The due date.
    pub due: NaiveDate,
}

/// Issues a unit's 整改通知书: the same content as the draft, with its 文号 and due date, and
/// every problem recorded for tracking (audited on its case). A unit's notice for a campaign
/// is issued once.
pub fn issue(project: &mut Project, request: &IssueRequest<'_>, by: &Reviewer) -> Result<Issued> {
    // A unit's notice is short work: it runs to the end.
    let cases = notice_cases(
        project,
        request.unit,
        request.campaign,
        &mut crate::progress::Control::unattended(),
    )?;
    let date = request.date.unwrap_or_else(today);
    let due = request.due.unwrap_or(date + chrono::Duration::days(DEFAULT_REPLY_DAYS));
    let number = match &request.number {
        Some(n) if !n.trim().is_empty() => n.trim().to_string(),
        _ => next_notice_number(project, date)?,
    };
    let problems: Vec<NewProblem> = cases
        .iter()
        .flat_map(|c| {
            c.findings.iter().map(|f| NewProblem {
                case_number: c.number.clone(),
                item_id: f.id.clone(),
                item: f.item.clone(),
                problem: f.wording.clone(),
                basis: f.basis.clone(),
                advice: f.advice.clone(),
            })
        })
        .collect();
    let count = problems.len();
    project.issue_notice(
        &NewNotice {
            number: number.clone(),
            unit: request.unit.to_string(),
            campaign: request.campaign.map(str::to_string),
            issued_on: date,
            due_on: due,
            problems,
        },
        by.id,
        &by.name,
    )?;
    let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let official = super::reports::official_settings(project)?;
    let document = rectification_notice(&crate::report::documents::Notice {
        agency: &agency(project)?,
        campaign: request.campaign.unwrap_or("案卷评查"),
        unit: request.unit,
        number: &number,
        date: &chinese_date(&iso(date)),
        deadline: &chinese_date(&iso(due)),
        cases: &cases,
        templates: &templates(project)?,
        official: &official,
    });
    Ok(Issued {
        document,
        number,
        problems: count,
        due,
    })
}

/// Stores files sent with an answer in the project (by content) and describes them.
pub fn store_attachments(project: &Project, files: &[std::path::PathBuf]) -> Result<Vec<Attachment>> {
    files
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| path.display().to_string());
            let mut file = std::fs::File::open(path)
                .map_err(|e| anyhow::anyhow!("{}：{}", path.display(), crate::places::io_message(&e)))?;
            let stored = project
                .store_blob(&mut file as &mut dyn Read, &name)
                .with_context(|| format!("{}：无法存入项目", path.display()))?;
            Ok(Attachment {
                name,
                sha256: stored.sha256,
                extension: stored.extension,
                size_bytes: stored.size_bytes,
            })
        })
        .collect()
}

/// Where an attachment is kept in the project (to open it).
pub fn attachment_path(project: &Project, file: &Attachment) -> std::path::PathBuf {
    project.blob_path(&file.sha256, &file.extension)
}

/// The 整改情况汇总表 on `today`: per unit (problems, closed, partial, open, overdue, closed
/// share), then every overdue problem.
pub fn summary_document(project: &Project, today: NaiveDate) -> Result<Document> {
    let items = project.rectify_items()?;
    if items.is_empty() {
        bail!("尚未登记任何整改通知，没有可汇总的整改情况");
    }
    let (units, total) = summarise(&items, today);
    let mut doc = Document::new("整改情况汇总表");
    let iso = today.format("%Y-%m-%d").to_string();
    doc.push(Block::Issuer(agency(project)?))
        .push(Block::Title("行政执法案卷评查问题整改情况汇总表".into()))
        .push(Block::Centered(format!("截至{}", chinese_date(&iso))))
        .push(Block::Table(Table {
            headers: UnitSummary::HEADERS.map(String::from).to_vec(),
            rows: units
                .iter()
                .chain(std::iter::once(&total))
                .map(|s| s.cells().to_vec())
                .collect(),
        }));
    let overdue: Vec<&RectifyItem> = items.iter().filter(|i| i.overdue(today)).collect();
    doc.push(Block::Heading(format!("逾期未整改问题（{} 个）", overdue.len())));
    if overdue.is_empty() {
        doc.push(Block::Line("无。".into()));
    } else {
        doc.push(Block::Table(Table {
            headers: ["承办单位", "案号", "问题", "整改期限", "状态", "逾期天数"]
                .map(String::from)
                .to_vec(),
            rows: overdue
                .iter()
                .map(|i| {
                    vec![
                        i.unit.clone(),
                        i.case_number.clone(),
                        i.problem.clone(),
                        chinese_date(&i.due().format("%Y-%m-%d").to_string()),
                        i.status().label().to_string(),
                        (today - i.due()).num_days().to_string(),
                    ]
                })
                .collect(),
        }));
    }
    Ok(doc)
}

/// The tracked problems as spreadsheet rows (for the XLSX export), on `today`.
pub fn rows_for_export(items: &[RectifyItem], today: NaiveDate) -> Vec<Vec<String>> {
    items
        .iter()
        .map(|i| {
            let last_answer = i.answers.last();
            let last_check = i.verifications.last();
            vec![
                i.notice_number.clone(),
                i.unit.clone(),
                i.case_number.clone(),
                i.item.clone(),
                i.problem.clone(),
                i.issued_on.format("%Y-%m-%d").to_string(),
                i.due().format("%Y-%m-%d").to_string(),
                last_answer
                    .map(|a| a.date.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                last_check
                    .map(|v| format!("{} {}", v.date.format("%Y-%m-%d"), v.outcome.label()))
                    .unwrap_or_default(),
                i.status().label().to_string(),
                if i.overdue(today) { "逾期" } else { "" }.to_string(),
            ]
        })
        .collect()
}

/// The status names accepted by `--status`.
pub fn status_of(text: &str) -> Result<Status> {
    Status::parse(text).with_context(|| format!("“{text}”不是整改状态（可用：{}）", Status::allowed()))
}

/// Whether `path` exists, for messages before storing.
pub fn check_files(files: &[std::path::PathBuf]) -> Result<()> {
    for f in files {
        if !Path::new(f).is_file() {
            bail!("{}：不是文件或不存在", f.display());
        }
    }
    Ok(())
}
