//! `pingcha checklist …`, `pingcha score` and `pingcha mark`: checklists and scores from the
//! terminal.

use super::term;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use serde_json::json;

use crate::domain::{ItemRef, Mark, MarkValue, fmt_points};
use crate::scoring::quick_value;
use crate::service::Session;
use crate::service::review::{CaseScoring, read_checklist_file};

/// Checklist commands.
#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// 校验评查标准文件（TOML），列出每个问题的行号和评查项编号
    Validate {
        /// 评查标准文件
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// 显示评查标准的完整结构
    Show {
        /// 评查标准文件
        file: PathBuf,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 列出项目中的评查标准及其版本
    List {
        /// 项目文件夹
        project: PathBuf,
    },
    /// 从 Excel 评查标准表（序号/评查项目/评查内容/分值/扣分标准/否决情形/依据）生成评查标准
    Import(TableImport),

    /// 把评查标准文件（TOML）导出为 Excel 表格（可再导入的表格式，另有扣分、得分栏供纸面评查）
    Export {
        /// 评查标准文件
        file: PathBuf,
        /// 写出的表格
        #[arg(long)]
        xlsx: PathBuf,
    },
}

/// The options of `checklist import`.
#[derive(Debug, clap::Args)]
pub struct TableImport {
    /// 表格文件（.xlsx、.xls、.ods）
    table: PathBuf,
    /// 写出的评查标准文件（.toml）
    #[arg(long)]
    out: Option<PathBuf>,
    /// 同时保存到项目（已有同编号的评查标准时成为新版本）
    #[arg(long)]
    project: Option<PathBuf>,
    /// 工作表名称（默认：第一个能识别表头的工作表）
    #[arg(long)]
    sheet: Option<String>,
    /// 评查标准编号（默认由文件名生成）
    #[arg(long)]
    id: Option<String>,
    /// 名称（默认取表格标题）
    #[arg(long)]
    name: Option<String>,
    /// 适用案件类型 penalty、inspection、coercion 或 all（可多次；默认由标题推断）
    #[arg(long = "kind")]
    kinds: Vec<String>,
    /// 适用程序 general、summary（可多次）
    #[arg(long = "procedure")]
    procedures: Vec<String>,
    /// 指定某一列，如 --column 评查内容=C（可多次；其余按表头识别）
    #[arg(long = "column")]
    columns: Vec<String>,
    /// 表头所在行号（默认自动识别）
    #[arg(long)]
    header_row: Option<usize>,
}

/// `pingcha checklist …`.
pub fn checklist(what: ChecklistCommand) -> Result<ExitCode> {
    let mut out = term::escaped(std::io::stdout().lock());
    match what {
        ChecklistCommand::Validate { files } => {
            let mut failed = false;
            for file in &files {
                match read_checklist_file(file, &[]) {
                    Ok(c) => {
                        let items: usize = c.sections.iter().map(|s| s.items.len()).sum();
                        writeln!(
                            out,
                            "{}: 通过（{} 第{}版，否决项 {} 项，评查项 {} 项，满分 {} 分）",
                            file.display(),
                            c.name,
                            c.version,
                            c.veto_items.len(),
                            items,
                            fmt_points(c.total_points)
                        )?;
                    }
                    Err(e) => {
                        failed = true;
                        errln!("{e:#}");
                    }
                }
            }
            Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        ChecklistCommand::Show { file, json } => {
            let c = read_checklist_file(&file, &[])?;
            if json {
                serde_json::to_writer_pretty(&mut out, &c)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{}（{}，第{}版）满分{}分",
                    c.name,
                    c.id,
                    c.version,
                    fmt_points(c.total_points)
                )?;
                writeln!(out, "否决项：{}", c.veto_effect.label())?;
                for v in &c.veto_items {
                    writeln!(out, "  {} {}  [{}]", v.id, v.text, v.basis)?;
                }
                for s in &c.sections {
                    writeln!(out, "{} {}（{}分）", s.id, s.name, fmt_points(s.points))?;
                    for i in &s.items {
                        writeln!(
                            out,
                            "  {} {}（{}分，{}）",
                            i.id,
                            i.text,
                            fmt_points(i.points),
                            i.deduction.describe(i.points)
                        )?;
                    }
                }
                let bands: Vec<String> = c
                    .bands
                    .iter()
                    .map(|b| format!("{} ≥{}", b.grade, fmt_points(b.min_points)))
                    .collect();
                writeln!(out, "等次：{}", bands.join("，"))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ChecklistCommand::Import(options) => import_table(&options),
        ChecklistCommand::Export { file, xlsx } => {
            let c = read_checklist_file(&file, &[])?;
            let bytes = crate::report::xlsx::checklist_xlsx(&c).context("表格无法生成")?;
            crate::service::reports::write_output(&xlsx, &bytes)?;
            writeln!(out, "已导出到 {}", xlsx.display())?;
            Ok(ExitCode::SUCCESS)
        }
        ChecklistCommand::List { project } => {
            for c in open_session(&project)?.checklists()? {
                writeln!(
                    out,
                    "{}\t第{}版\t{}\t{}",
                    c.checklist.id,
                    c.checklist.version,
                    c.checklist.name,
                    if c.frozen {
                        "已有评分，已锁定"
                    } else {
                        "可修改"
                    }
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `pingcha checklist import`: a table into a checklist file and/or a project. Problems are
/// listed (sheet, row, column) and nothing is written; assumptions are listed as notes.
fn import_table(o: &TableImport) -> Result<ExitCode> {
    use crate::domain::{AppliesTo, CaseKind, CodeEnum, Procedure};
    use crate::scoring::table::{Field, TableMeta, guess_applies, id_from_name, read_table, title_of};
    use crate::service::review::{pick_checklist_sheet, read_checklist_tables};
    if o.out.is_none() && o.project.is_none() {
        bail!("请用 --out 指定写出的文件，或用 --project 保存到项目");
    }
    let mut out = term::escaped(std::io::stdout().lock());
    // Nothing is written to the project before the table is read whole.
    let mut session = o.project.as_deref().map(Session::open_existing).transpose()?;
    let limits = session
        .as_ref()
        .map_or_else(crate::import::ImportLimits::default, Session::import_limits);
    let tables = read_checklist_tables(&o.table, &limits)?;
    let (table, detected) = pick_checklist_sheet(&tables, o.sheet.as_deref())?;
    let mut mapping = detected.unwrap_or_default();
    if let Some(row) = o.header_row {
        mapping.header_row = row;
    }
    for spec in &o.columns {
        let (field, column) = spec
            .split_once('=')
            .with_context(|| format!("--column {spec}：应写作 评查内容=C"))?;
        let field = Field::ALL
            .into_iter()
            .find(|f| f.label() == field.trim())
            .with_context(|| {
                let labels: Vec<&str> = Field::ALL.iter().map(|f| f.label()).collect();
                format!("--column {spec}：没有“{field}”这一列（可用：{}）", labels.join("、"))
            })?;
        let column =
            column_index(column.trim()).with_context(|| format!("--column {spec}：“{column}”不是列名（A、B、…）"))?;
        mapping.columns.insert(field, column);
    }
    if mapping.header_row == 0 {
        bail!(
            "{}：工作表“{}”中没有识别出表头（应有“评查内容”“分值”等列名）；请用 --header-row 和 --column 指定",
            o.table.display(),
            table.sheet
        );
    }
    let stem = o
        .table
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let title = title_of(table, &mapping).unwrap_or_else(|| stem.clone());
    let mut applies = guess_applies(&title);
    if !o.kinds.is_empty() {
        applies = AppliesTo {
            kinds: o
                .kinds
                .iter()
                .filter(|k| k.as_str() != "all")
                .map(|k| CaseKind::parse(k).with_context(|| format!("--kind {k}：应为 {} 或 all", CaseKind::allowed())))
                .collect::<Result<_>>()?,
            procedures: Vec::new(),
        };
    }
    if !o.procedures.is_empty() {
        applies.procedures = o
            .procedures
            .iter()
            .map(|p| Procedure::parse(p).with_context(|| format!("--procedure {p}：应为 {}", Procedure::allowed())))
            .collect::<Result<_>>()?;
    }
    let meta = TableMeta {
        id: o.id.clone().unwrap_or_else(|| id_from_name(&stem)),
        name: o.name.clone().unwrap_or(title),
        applies_to: applies,
        source: o
            .table
            .file_name()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default(),
    };
    let reading = read_table(table, &mapping, &meta);
    for note in &reading.notes {
        errln!("{}：提示：{note}", o.table.display());
    }
    if !reading.problems.is_empty() {
        for problem in &reading.problems {
            errln!("{}：{problem}", o.table.display());
        }
        errln!("共 {} 处问题，未生成评查标准", reading.problems.len());
        return Ok(ExitCode::from(1));
    }
    let c = &reading.checklist;
    if let Some(path) = &o.out {
        crate::service::reports::write_output(path, crate::scoring::format::to_toml(c).as_bytes())?;
    }
    let items: usize = c.sections.iter().map(|s| s.items.len()).sum();
    writeln!(
        out,
        "{}（编号 {}，{}）：否决项 {} 项，{} 个部分，评查项 {} 项，满分 {} 分",
        c.name,
        c.id,
        crate::scoring::table::describe_applies(&c.applies_to),
        c.veto_items.len(),
        c.sections.len(),
        items,
        fmt_points(c.total_points)
    )?;
    if let Some(path) = &o.out {
        writeln!(out, "已写出 {}", path.display())?;
    }
    if let Some(session) = &mut session {
        session.prepare()?;
        let version = session.save_checklist(c)?;
        writeln!(out, "已保存到项目：第{version}版")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `C` → 2, `AA` → 26.
fn column_index(name: &str) -> Option<usize> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphabetic()) || name.len() > 3 {
        return None;
    }
    Some(
        name.chars().fold(0usize, |n, c| {
            n * 26 + (c.to_ascii_uppercase() as usize - 'A' as usize + 1)
        }) - 1,
    )
}

/// A session on a project that exists, its default checklists seeded (as the window does
/// on open).
fn open_session(dir: &Path) -> Result<Session> {
    let mut session = Session::open_existing(dir)?;
    session.prepare()?;
    Ok(session)
}

/// `pingcha score`.
pub fn score(
    project_dir: &Path,
    case: &str,
    reviewer: &str,
    unit: Option<&str>,
    checklist: Option<&str>,
    as_json: bool,
) -> Result<()> {
    let mut session = open_session(project_dir)?;
    let reviewer = session.find_reviewer(reviewer, unit, false)?;
    let scorings = session.scorings(case, checklist)?;
    let mut out = term::escaped(std::io::stdout().lock());
    if as_json {
        let list: Vec<_> = scorings.iter().map(score_json).collect();
        let value = json!({
            "case": case,
            "reviewer": reviewer.name,
            "unit": reviewer.unit,
            "checklists": list,
        });
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
        return Ok(());
    }
    for s in &scorings {
        let c = &s.checklist.checklist;
        let e = &s.evaluation;
        writeln!(
            out,
            "{}（第{}版）— {} {}",
            c.name, c.version, reviewer.name, reviewer.unit
        )?;
        for section in &e.sections {
            writeln!(out, "  {}", section.explanation)?;
            for item in section
                .items
                .iter()
                .filter(|i| i.deducted > 0.0 || i.carried > 0.0 || i.not_applicable)
            {
                let reason = s
                    .marks
                    .iter()
                    .find(|m| m.item == item.item)
                    .map(|m| m.reason.as_str())
                    .filter(|r| !r.is_empty())
                    .map(|r| format!("（{r}）"))
                    .unwrap_or_default();
                writeln!(out, "    {}{reason}", item.explanation)?;
            }
        }
        for line in &e.explanation {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

fn score_json(s: &CaseScoring) -> serde_json::Value {
    let c = &s.checklist.checklist;
    let e = &s.evaluation;
    let sections: Vec<_> = e
        .sections
        .iter()
        .map(|section| {
            let items: Vec<_> = section
                .items
                .iter()
                .map(|item| {
                    let mark = s.marks.iter().find(|m| m.item == item.item);
                    let text = c.item(&item.item).map(|r| r.text().to_string()).unwrap_or_default();
                    json!({
                        "item": item.item,
                        "text": text,
                        "max_points": item.max_points,
                        "deducted": item.deducted,
                        "carried": item.carried,
                        "score": item.score,
                        "not_applicable": item.not_applicable,
                        "mark": mark.map(|m| &m.value),
                        "reason": mark.map(|m| m.reason.as_str()),
                        "from_rule": mark.and_then(|m| m.from_rule.as_deref()),
                        "anchor": mark.and_then(|m| m.anchor.as_ref()),
                        "explanation": item.explanation,
                    })
                })
                .collect();
            json!({
                "section": section.section,
                "name": section.name,
                "max_points": section.max_points,
                "score": section.score,
                "carried": section.carried,
                "explanation": section.explanation,
                "items": items,
            })
        })
        .collect();
    let veto: Vec<_> = e
        .veto_hits
        .iter()
        .map(|id| {
            let mark = s.marks.iter().find(|m| &m.item == id);
            json!({
                "item": id,
                "text": c.item(id).map(|r| r.text().to_string()),
                "reason": mark.map(|m| m.reason.as_str()),
            })
        })
        .collect();
    json!({
        "checklist": c.id,
        "name": c.name,
        "version": c.version,
        "total": e.total,
        "max_total": e.max_total,
        "score_before_veto": e.score_before_veto,
        "bonus": e.bonus,
        "grade": e.grade,
        "veto_hits": veto,
        "veto_effect": e.veto_effect.map(|v| v.code()),
        "reviewed_at": s.reviewed_at,
        "sections": sections,
        "explanation": e.explanation,
    })
}

/// Parses a value as `pingcha mark` takes it: a number (read as the item's keyboard does),
/// `na`/`不涉及`, `veto`/`否决`, `clear`/`清除`, `dN` (deduct N points), `xN` (N occurrences),
/// `+N` (award N).
pub(super) fn parse_value(target: ItemRef<'_>, text: &str) -> Result<Option<MarkValue>> {
    let text = text.trim();
    let number = |s: &str| -> Result<f64> {
        s.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .with_context(|| format!("“{text}”不是有效的分值"))
    };
    Ok(match text {
        "na" | "不涉及" => Some(MarkValue::NotApplicable),
        "veto" | "否决" => Some(MarkValue::VetoHit),
        "clear" | "清除" => None,
        _ if text.starts_with('d') => Some(MarkValue::Deduct(number(&text[1..])?)),
        _ if text.starts_with('x') => {
            let n = number(&text[1..])?;
            if n.fract() != 0.0 {
                bail!("“{text}”：处数应为整数");
            }
            if n > crate::domain::limits::MAX_COUNT as f64 {
                bail!("“{text}”：处数过大（不超过 {}）", crate::domain::limits::MAX_COUNT);
            }
            Some(MarkValue::Count(n as u32))
        }
        _ if text.starts_with('+') => Some(MarkValue::Award(number(&text[1..])?)),
        _ => quick_value(target, number(text)?),
    })
}

/// Applies one mark, printing `已保存 ITEM：…` once it is on disk.
fn mark_one(
    session: &mut Session,
    scorings: &mut [CaseScoring],
    item: &str,
    value: &str,
    reason: &str,
    out: &mut impl Write,
) -> Result<()> {
    let holders: Vec<String> = scorings
        .iter()
        .filter(|s| s.checklist.checklist.item(item).is_some())
        .map(|s| s.checklist.checklist.id.clone())
        .collect();
    if holders.len() > 1 {
        bail!(
            "评查项 {item} 在多个评查标准中（{}），请用 --checklist 指明",
            holders.join("、")
        );
    }
    let Some(scoring) = scorings.iter_mut().find(|s| s.checklist.checklist.item(item).is_some()) else {
        bail!("评查项 {item} 不在适用的评查标准中");
    };
    let target = scoring.checklist.checklist.item(item).expect("found above");
    let value = parse_value(target, value)?;
    let old = scoring.marks.iter().find(|m| m.item == item).cloned();
    let mark = value.map(|value| Mark {
        item: item.to_string(),
        value,
        // No --reason keeps the reason already given.
        reason: if reason.is_empty() {
            old.as_ref().map(|m| m.reason.clone()).unwrap_or_default()
        } else {
            reason.to_string()
        },
        from_rule: old.as_ref().and_then(|m| m.from_rule.clone()),
        anchor: old.as_ref().and_then(|m| m.anchor.clone()),
    });
    let evaluation = session.mark(
        &scoring.key,
        item,
        mark.clone(),
        crate::domain::AuditAction::Mark,
        reason,
    )?;
    scoring.marks.retain(|m| m.item != item);
    scoring.marks.extend(mark.clone());
    scoring.evaluation = evaluation;
    writeln!(
        out,
        "已保存 {item}：{}；{} 总分 {}，等次 {}",
        mark.map_or_else(|| "已清除".to_string(), |m| m.value.describe()),
        scoring.checklist.checklist.name,
        fmt_points(scoring.evaluation.total),
        scoring.evaluation.grade
    )?;
    out.flush()?;
    Ok(())
}

/// Arguments of `pingcha mark`.
#[derive(Debug, clap::Args)]
pub struct MarkArgs {
    /// Which case, as whom, on which checklist.
    #[command(flatten)]
    pub target: super::review::ReviewTarget,
    /// 评查项编号
    #[arg(long, required_unless_present = "stdin")]
    pub item: Option<String>,
    /// 分值：数字（按评查项的扣分方式理解）、dN 扣N分、xN N处、na 不涉及、veto 否决、+N 加分、clear 清除
    #[arg(long, required_unless_present = "stdin")]
    pub value: Option<String>,
    /// 扣分理由
    #[arg(long, default_value = "")]
    pub reason: String,
    /// 从标准输入逐行读取“评查项 分值 [理由]”，每行保存后输出一行确认
    #[arg(long)]
    pub stdin: bool,
}

/// `pingcha mark`.
pub fn mark(args: &MarkArgs) -> Result<ExitCode> {
    let t = &args.target;
    let mut session = open_session(&t.project)?;
    session.find_reviewer(&t.reviewer, t.unit.as_deref(), true)?;
    let mut scorings = session.scorings(&t.case, t.checklist.as_deref())?;
    let mut out = term::escaped(std::io::stdout().lock());
    if !args.stdin {
        let (Some(item), Some(value)) = (&args.item, &args.value) else {
            bail!("需要 --item 和 --value，或 --stdin");
        };
        mark_one(&mut session, &mut scorings, item, value, &args.reason, &mut out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut failed = false;
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.context("无法读取标准输入")?;
        let mut parts = line.split_whitespace();
        let (Some(item), Some(value)) = (parts.next(), parts.next()) else {
            if !line.trim().is_empty() {
                errln!("第{}行：应为“评查项 分值 [理由]”", n + 1);
                failed = true;
            }
            continue;
        };
        let reason = parts.collect::<Vec<_>>().join(" ");
        if let Err(e) = mark_one(&mut session, &mut scorings, item, value, &reason, &mut out) {
            errln!("第{}行：{e:#}", n + 1);
            failed = true;
        }
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
