//! `pingcha facts`: the facts of a case (current value, imported value, source, who changed
//! it), the values proposed from its scanned pages, and changes — typed (`--set`), accepted
//! (`--accept`, `--accept-all`, `--accept-split`) or put back (`--restore`) — recorded as
//! audited fact edits under `--reviewer`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use serde_json::json;

use crate::domain::CodeEnum;
use crate::domain::case_facts;
use crate::service::facts::{DocumentChange, FactChange};
use crate::store::StoredCase;

/// Arguments of `pingcha facts`.
#[derive(Debug, clap::Args)]
pub struct FactsArgs {
    /// 项目文件夹
    pub project: PathBuf,
    /// 案号
    #[arg(long)]
    pub case: String,
    /// 以 JSON 输出
    #[arg(long)]
    pub json: bool,
    /// 修改一项事实：路径=值，如 dates.decision=2024-04-08、party.name=某公司、documents[3].sealed=是（值为空即“未载明”）；可多次
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// 采纳从扫描件中读出的建议值（事实路径，如 decision.fine）；可多次
    #[arg(long = "accept", value_name = "PATH")]
    pub accept: Vec<String>,
    /// 采纳全部建议值
    #[arg(long)]
    pub accept_all: bool,
    /// 采纳在第 N 份文书（多页扫描件）中识别出的文书拆分
    #[arg(long, value_name = "N")]
    pub accept_split: Option<usize>,
    /// 恢复一项事实的导入原值；可多次
    #[arg(long = "restore", value_name = "PATH")]
    pub restore: Vec<String>,
    /// 修改人（评查员姓名，记入修改记录）
    #[arg(long)]
    pub reviewer: Option<String>,
    /// 修改人单位（首次使用或同名时必填）
    #[arg(long)]
    pub unit: Option<String>,
}

impl FactsArgs {
    fn changes_anything(&self) -> bool {
        !self.set.is_empty()
            || !self.accept.is_empty()
            || self.accept_all
            || self.accept_split.is_some()
            || !self.restore.is_empty()
    }
}

/// `pingcha facts`.
pub fn facts(args: &FactsArgs) -> anyhow::Result<ExitCode> {
    let mut session = crate::service::Session::open_existing(&args.project)?;
    let number = args.case.as_str();
    session.stored_case_by_number(number)?;
    if args.changes_anything() {
        let Some(name) = args.reviewer.as_deref() else {
            bail!("修改案卷事实须用 --reviewer 指明修改人（记入修改记录）");
        };
        let reviewer = session.find_reviewer(name, args.unit.as_deref(), true)?;
        let mut changes = Vec::new();
        if let Some(n) = args.accept_split {
            let proposals = session.facts(number)?;
            let Some((index, found)) = proposals.splits.iter().find(|(i, _)| i + 1 == n) else {
                bail!("第 {n} 份文书中没有识别出可拆分的文书（先运行 pingcha ocr，或该文书已拆分）");
            };
            changes.push(FactChange::Documents(DocumentChange::AcceptSplit {
                index: *index,
                found: found.clone(),
            }));
        }
        if args.accept_all || !args.accept.is_empty() {
            changes.push(FactChange::Accept((!args.accept_all).then(|| args.accept.clone())));
        }
        for item in &args.set {
            let Some((path, text)) = item.split_once('=') else {
                bail!("--set {item}：应写成 路径=值，如 dates.decision=2024-04-08");
            };
            changes.push(FactChange::Set {
                path: path.trim().to_string(),
                text: text.to_string(),
            });
        }
        changes.extend(args.restore.iter().map(|p| FactChange::Restore(p.clone())));
        let mut changed = 0;
        for change in &changes {
            changed += session.edit_facts(number, change)?;
        }
        if !args.json {
            outln!(
                "已修改 {changed} 项案卷事实（修改人 {}，{}）",
                reviewer.name,
                reviewer.unit
            );
        }
    }
    let stored = session.stored_case_by_number(number)?;
    let proposals = session.facts(number)?;
    let doc_name = |i: usize| {
        stored
            .documents
            .get(i)
            .map_or_else(|| format!("第 {} 份", i + 1), |d| format!("{}. {}", i + 1, d.doc_type))
    };
    if args.json {
        let value = json!({
            "case": number,
            "facts": facts_json(&stored),
            "proposals": proposals.facts,
            "splits": proposals.splits.iter().map(|(i, found)| json!({
                "document": i + 1,
                "found": found.iter().map(|d| json!({"type": d.doc_type, "first_page": d.first_page, "last_page": d.last_page})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "unread_documents": proposals.unread.iter().map(|i| i + 1).collect::<Vec<_>>(),
            "edits": stored.edits,
        });
        outln!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(ExitCode::SUCCESS);
    }
    for f in facts_json(&stored) {
        let value = f["value"].as_str().unwrap_or_default();
        if value.is_empty() && f["changed_by"].is_null() {
            continue;
        }
        let mut line = format!(
            "{}\t{}\t{}",
            f["path"].as_str().unwrap_or_default(),
            f["label"].as_str().unwrap_or_default(),
            value
        );
        if let Some(by) = f["changed_by"].as_str() {
            line.push_str(&format!(
                "\t〔{by} 修改，导入值：{}〕",
                f["imported"].as_str().filter(|s| !s.is_empty()).unwrap_or("未载明")
            ));
        }
        outln!("{line}");
    }
    if !proposals.facts.is_empty() {
        outln!("\n从扫描件中读出的建议值（--accept 路径 采纳）：");
    }
    for p in &proposals.facts {
        outln!(
            "{}\t{}\t{} 第 {} 页第 {} 行：{}{}",
            p.field,
            p.value,
            doc_name(p.source.document.saturating_sub(1)),
            p.source.page,
            p.source.line.map_or(0, |l| l + 1),
            p.source.text.as_deref().unwrap_or_default(),
            p.doubt.as_deref().map(|d| format!("  〔{d}〕")).unwrap_or_default()
        );
    }
    for (i, found) in &proposals.splits {
        outln!(
            "{} 中识别出 {} 份文书（--accept-split {} 采纳）：",
            doc_name(*i),
            found.len(),
            i + 1
        );
        for d in found {
            outln!("  {} 第 {}–{} 页", d.doc_type, d.first_page, d.last_page);
        }
    }
    if !proposals.unread.is_empty() {
        errln!(
            "尚未识别文字的扫描件：{}（运行 pingcha ocr 项目 --case 案号）",
            proposals
                .unread
                .iter()
                .map(|i| doc_name(*i))
                .collect::<Vec<_>>()
                .join("、")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Every fact of the case: path, label, value, the imported value, who changed it last, when,
/// how, and the page it stands on.
fn facts_json(stored: &StoredCase) -> Vec<serde_json::Value> {
    case_facts::fields(&stored.case)
        .into_iter()
        .filter(|f| f.kind != case_facts::FactKind::Documents)
        .map(|f| {
            let value = case_facts::get(&stored.case, &f.path).unwrap_or_default();
            let imported = case_facts::get(&stored.imported, &f.path).ok();
            let last = stored.edits.iter().rev().find(|e| e.path == f.path);
            json!({
                "path": f.path,
                "label": f.label,
                "value": case_facts::display(&stored.case, &f.path, &value),
                "imported": imported.map(|v| case_facts::display(&stored.imported, &f.path, &v)),
                "changed_by": last.map(|e| format!("{}（{}）", e.reviewer, e.unit)),
                "changed_at": last.map(|e| e.at.clone()),
                "origin": last.map(|e| e.origin.label()),
                "source": last.and_then(|e| e.source.clone()),
            })
        })
        .collect()
}
