//! Reviewer kits and score returns, the files that travel between the organiser and the
//! reviewers (I/O): a kit issued to a reviewer and opened as a workspace, a return exported
//! from it and imported back (signatures verified, marks mapped to the campaign's checklists).
//!
//! Owns: the kit and return file formats. Must not touch: the draw, comparison, statistics.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ReviewError;
use super::campaign::{assigned_cases, checklist_for, config_of};
use super::kit::{Verified, key_pair, read_signed, write_signed};
use crate::domain::{Case, Checklist, LibraryEntry, Mark, mask_id};
use crate::progress::Control;
use crate::scoring::evaluate;
use crate::store::{
    AuditEntry, ChecklistKey, NewCase, NewDocument, Project, ReturnMark, ReturnOutcome, ReviewKey, ReviewerId,
};

const KIT_FORMAT: &str = "pingcha-kit-1";
const RETURN_FORMAT: &str = "pingcha-return-1";
/// Project setting marking a reviewer workspace opened from a kit.
pub const WORKSPACE_KEY: &str = "workspace";

#[derive(Serialize, Deserialize)]
struct KitHeader {
    format: String,
    campaign_uid: String,
    campaign: String,
    year: i32,
    reviewer_name: String,
    reviewer_unit: String,
    reviewer_public_key: String,
    masked: bool,
    cases: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct KitCase {
    case: Case,
    checklist: String,
    documents: Vec<KitDocument>,
}

#[derive(Serialize, Deserialize)]
struct KitDocument {
    file_path: String,
    member: Option<String>,
    pages: Option<u32>,
    /// The OCR text of the file's scanned pages, as the organiser's project read them (the
    /// reviewer's laptop need not read them again, nor have the engine).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    ocr: Vec<KitOcrPage>,
}

/// One page's OCR reading in a kit.
#[derive(Serialize, Deserialize)]
struct KitOcrPage {
    page: u32,
    engine: String,
    width: u32,
    height: u32,
    lines: Vec<crate::ocr::OcrLine>,
}

/// What an export or import did, for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary(pub String);

/// A kit as issued: what its cover sheet (评查包交接单) prints.
#[derive(Debug, Clone)]
pub struct IssuedKit {
    /// What happened, in Chinese.
    pub summary: Summary,
    /// Campaign name.
    pub campaign: String,
    /// Reviewer.
    pub reviewer: String,
    /// Reviewer's unit.
    pub unit: String,
    /// Case numbers in the kit.
    pub cases: Vec<String>,
    /// SHA-256 of the kit file, hex.
    pub sha256: String,
    /// The organiser's key fingerprint.
    pub fingerprint: String,
    /// Whether personal data were masked.
    pub masked: bool,
}

/// Exports the kit of one reviewer: only their cases (personal data masked unless
/// `unmasked`), the campaign's checklist versions, the finding library and rule settings;
/// signed with the organiser's key (`organiser` names it).
pub fn export_kit(
    project: &mut Project,
    campaign: &str,
    reviewer: &str,
    organiser: &str,
    unmasked: bool,
    out: &Path,
    control: &mut Control<'_>,
) -> Result<IssuedKit, ReviewError> {
    let info = project.campaign(campaign)?;
    let config = config_of(&info);
    let member = project
        .campaign_reviewers(info.id)?
        .into_iter()
        .find(|r| r.name == reviewer)
        .ok_or_else(|| ReviewError::Refused(format!("“{reviewer}”不是评查活动“{campaign}”的评查员")))?;
    let Some(public_key) = member.public_key.clone() else {
        return Err(ReviewError::Refused(format!(
            "尚未登记“{reviewer}”的公钥：请评查员在本机运行 pingcha key show {reviewer}，把公钥交给组织者登记"
        )));
    };
    let cases = assigned_cases(project, info.id, member.reviewer_id)?;
    if cases.is_empty() {
        return Err(ReviewError::Refused(format!("还没有给“{reviewer}”分配案卷")));
    }
    let mut members: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let checklists = project.checklists()?;
    let mut used_checklists = BTreeSet::new();
    for (i, number) in cases.iter().enumerate() {
        control.step(i, cases.len())?;
        let stored = project.load_case_by_number(number)?;
        let mut case = stored.case.clone();
        if !unmasked && let Some(party) = case.party.as_mut() {
            party.id_number = party.id_number.as_deref().map(mask_id);
        }
        let key = checklist_for(&config, &case)
            .ok_or_else(|| ReviewError::Refused(format!("案卷 {number} 的类型没有指定评查标准")))?;
        if !checklists.iter().any(|c| c.key == key) {
            return Err(ReviewError::Refused(format!("评查标准 {key} 不存在")));
        }
        used_checklists.insert(key);
        let mut documents = Vec::new();
        for doc in &stored.documents {
            let member_name = match &doc.file {
                Some((sha, ext)) => {
                    let name = format!("documents/{sha}.{ext}");
                    if !members.contains_key(&name) {
                        let path = project.blob_path(sha, ext);
                        let bytes = std::fs::read(&path).map_err(|source| ReviewError::Io {
                            path: path.display().to_string(),
                            source,
                        })?;
                        members.insert(name.clone(), bytes);
                    }
                    Some(name)
                }
                None => None,
            };
            let ocr = match &doc.file {
                Some((sha, _)) => project
                    .ocr_pages(sha)?
                    .into_iter()
                    .map(|p| KitOcrPage {
                        page: p.page,
                        engine: p.engine,
                        width: p.width,
                        height: p.height,
                        lines: p.lines,
                    })
                    .collect(),
                None => Vec::new(),
            };
            documents.push(KitDocument {
                file_path: doc.file_path.clone(),
                member: member_name,
                pages: doc.pages,
                ocr,
            });
        }
        let kit_case = KitCase {
            case,
            checklist: format!("checklists/{key}.toml"),
            documents,
        };
        members.insert(format!("cases/{i:04}.json"), json(&kit_case)?);
    }
    for key in used_checklists {
        if let Some(c) = checklists.iter().find(|c| c.key == key) {
            members.insert(format!("checklists/{key}.toml"), c.source_toml.clone().into_bytes());
            members.insert(format!("checklists/{key}.json"), json(&c.checklist)?);
        }
    }
    members.insert("library.json".into(), json(&project.library()?)?);
    let settings: Option<serde_json::Value> = project.setting("rule_settings")?;
    members.insert("rule_settings.json".into(), json(&settings)?);
    let header = KitHeader {
        format: KIT_FORMAT.into(),
        campaign_uid: info.uid.clone(),
        campaign: info.name.clone(),
        year: info.year,
        reviewer_name: member.name.clone(),
        reviewer_unit: member.unit.clone(),
        reviewer_public_key: public_key,
        masked: !unmasked,
        cases: cases.clone(),
    };
    members.insert("kit.json".into(), json(&header)?);
    let key = key_pair(organiser)?;
    let bytes = write_signed(KIT_FORMAT, &members, &key)?;
    write_file(out, &bytes)?;
    // The organiser accepts returns only for kits it issued.
    let sha = super::kit::sha256_hex(&bytes);
    project.record_issued_kit(info.id, member.reviewer_id, &sha)?;
    let fingerprint = super::kit::fingerprint(&key.public_hex());
    Ok(IssuedKit {
        summary: Summary(format!(
            "已为 {reviewer} 生成评查包 {}：{} 件案卷，{:.1} MB{}。组织者密钥指纹 {}：请评查员打开评查包时核对",
            out.display(),
            cases.len(),
            bytes.len() as f64 / 1_048_576.0,
            if unmasked {
                "（未遮蔽个人信息）"
            } else {
                "（身份证号已遮蔽）"
            },
            fingerprint
        )),
        campaign: info.name.clone(),
        reviewer: member.name.clone(),
        unit: member.unit.clone(),
        cases,
        sha256: sha,
        fingerprint,
        masked: !unmasked,
    })
}

/// JSON for a kit member, with a Chinese error.
fn json<T: Serialize>(value: &T) -> Result<Vec<u8>, ReviewError> {
    serde_json::to_vec_pretty(value).map_err(|e| ReviewError::Refused(format!("无法写入：{e}")))
}

fn parse<T: serde::de::DeserializeOwned>(verified: &mut Verified, name: &str) -> Result<T, ReviewError> {
    if !verified.contains(name) {
        return Err(ReviewError::Refused(format!("缺少 {name}")));
    }
    let bytes = verified.read(name)?;
    serde_json::from_slice(&bytes).map_err(|e| ReviewError::Refused(format!("{name} 无法读取：{e}")))
}

/// What a reviewer workspace records about its kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// Campaign uid.
    pub campaign_uid: String,
    /// Campaign name.
    pub campaign: String,
    /// The reviewer the kit was issued to.
    pub reviewer_name: String,
    /// Their unit.
    pub reviewer_unit: String,
    /// Their public key as the organiser recorded it.
    pub reviewer_public_key: String,
    /// The organiser's public key (the kit's signer).
    pub organiser_key: String,
    /// Cases of the kit.
    pub cases: Vec<String>,
    /// SHA-256 of the kit file: every return names it, and the organiser accepts only
    /// returns built on a kit it issued.
    #[serde(default)]
    pub kit_sha256: String,
    /// The last return exported from this workspace (returns are numbered: an older one
    /// cannot replace a newer one).
    #[serde(default)]
    pub returns_exported: u64,
}

/// The kit a project was opened from, when it is a reviewer workspace.
pub fn workspace(project: &Project) -> Result<Option<Workspace>, ReviewError> {
    Ok(project.setting(WORKSPACE_KEY)?)
}

/// Refuses a scorer other than the kit's addressee in a reviewer workspace: marks by anyone
/// else could never be returned (a return carries the addressee's marks only).
/// Without a unit, the name alone is compared.
pub fn check_scorer(project: &Project, name: &str, unit: Option<&str>) -> Result<(), ReviewError> {
    match workspace(project)? {
        Some(ws) if ws.reviewer_name != name.trim() || unit.is_some_and(|u| ws.reviewer_unit != u.trim()) => {
            let current = match unit {
                Some(unit) => format!("{}（{}）", name.trim(), unit.trim()),
                None => name.trim().to_string(),
            };
            Err(ReviewError::Refused(format!(
                "此工作区是发给“{}（{}）”的评查包，只能以该评查员的身份评分（当前为“{current}”）；\
                 请在“评查员”中选择{}",
                ws.reviewer_name, ws.reviewer_unit, ws.reviewer_name
            )))
        }
        _ => Ok(()),
    }
}

/// Limit on what a kit or return may decompress to.
const MAX_KIT_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// Opens a kit as a new reviewer workspace (a project folder holding exactly the kit's cases,
/// checklists, library and settings).
pub fn open_kit(kit: &Path, workspace: &Path) -> Result<Summary, ReviewError> {
    let mut verified = read_signed(kit, KIT_FORMAT, "评查包", MAX_KIT_BYTES)?;
    let header: KitHeader = parse(&mut verified, "kit.json")?;
    if workspace.join(crate::store::DB_FILE).exists() {
        return Err(ReviewError::Refused(format!(
            "{} 已是一个评查项目；请为评查包选择一个新文件夹",
            workspace.display()
        )));
    }
    let mut project = Project::create_or_open(workspace)?;
    project.set_setting(
        WORKSPACE_KEY,
        &Workspace {
            campaign_uid: header.campaign_uid.clone(),
            campaign: header.campaign.clone(),
            reviewer_name: header.reviewer_name.clone(),
            reviewer_unit: header.reviewer_unit.clone(),
            reviewer_public_key: header.reviewer_public_key.clone(),
            organiser_key: verified.signer.clone(),
            cases: header.cases.clone(),
            kit_sha256: verified.sha256.clone(),
            returns_exported: 0,
        },
    )?;
    let library: Vec<LibraryEntry> = parse(&mut verified, "library.json")?;
    project.seed_library(&library)?;
    if let Some(settings) = parse::<Option<serde_json::Value>>(&mut verified, "rule_settings.json")? {
        project.set_setting("rule_settings", &settings)?;
    }
    let names = verified.names();
    for name in &names {
        if let Some(stem) = name.strip_prefix("checklists/").and_then(|n| n.strip_suffix(".json")) {
            let checklist: Checklist = parse(&mut verified, name)?;
            let toml_name = format!("checklists/{stem}.toml");
            let toml = if verified.contains(&toml_name) {
                String::from_utf8_lossy(&verified.read(&toml_name)?).into_owned()
            } else {
                String::new()
            };
            project.seed_checklist(&checklist, &toml)?;
        }
    }
    let blobs = project.blobs();
    let mut count = 0;
    for name in &names {
        if !(name.starts_with("cases/") && name.ends_with(".json")) {
            continue;
        }
        let kit_case: KitCase = parse(&mut verified, name)?;
        let mut documents = Vec::new();
        let mut files = Vec::new();
        for doc in &kit_case.documents {
            let new = match &doc.member {
                Some(member) => {
                    // Streamed from the kit into the project's files, its hash checked on the way.
                    let blob = blobs.store(&mut verified.reader(member)?, &doc.file_path)?;
                    let limits = crate::import::ImportLimits {
                        max_pdf_text_bytes: 256 * 1024 * 1024,
                        ..crate::import::ImportLimits::default()
                    };
                    let layer = crate::worker::pdf_text(&blobs.path(&blob.sha256, &blob.extension), &limits, None);
                    files.push((doc.file_path.clone(), blob.clone()));
                    NewDocument {
                        blob: Some(blob),
                        text_status: layer.status_code().to_string(),
                        text: match &layer {
                            crate::import::TextLayer::Text { text, .. } => Some(text.clone()),
                            _ => None,
                        },
                        page_count: layer.pages().or(doc.pages),
                        bare_pages: layer.bare_pages(),
                    }
                }
                None => NewDocument {
                    blob: None,
                    text_status: "missing".into(),
                    text: None,
                    page_count: doc.pages,
                    bare_pages: Vec::new(),
                },
            };
            documents.push(new);
        }
        blobs.sync_dir()?;
        let stored_files: Vec<Option<String>> = documents
            .iter()
            .map(|d| d.blob.as_ref().map(|b| b.sha256.clone()))
            .collect();
        project.save_case(&NewCase {
            case: kit_case.case.clone(),
            fingerprint: format!("kit:{}:{}", header.campaign_uid, kit_case.case.number),
            source_path: kit.display().to_string(),
            warnings: Vec::new(),
            documents,
            files,
        })?;
        // The OCR text the organiser's project read, stored and indexed for these documents.
        for (doc, sha256) in kit_case.documents.iter().zip(&stored_files) {
            let Some(sha256) = sha256 else { continue };
            for page in &doc.ocr {
                let read = crate::ocr::PageText {
                    width: page.width,
                    height: page.height,
                    lines: page.lines.clone(),
                    timings: crate::ocr::Timings::default(),
                };
                project.save_ocr_page(sha256, page.page, &page.engine, &read)?;
            }
        }
        count += 1;
    }
    project.reviewer(&header.reviewer_name, &header.reviewer_unit)?;
    Ok(Summary(format!(
        "已打开评查活动“{}”给 {} 的评查包：{count} 件案卷，工作区 {}。签发者密钥指纹 {}：请与组织者核对，不一致时不要评分",
        header.campaign,
        header.reviewer_name,
        workspace.display(),
        super::kit::fingerprint(&verified.signer)
    )))
}

#[derive(Serialize, Deserialize)]
struct ReturnFile {
    format: String,
    campaign_uid: String,
    campaign: String,
    reviewer_name: String,
    reviewer_unit: String,
    /// SHA-256 of the kit the workspace was opened from.
    #[serde(default)]
    kit_sha256: String,
    /// The workspace's count of returns exported, this one included (1, 2, …).
    #[serde(default)]
    sequence: u64,
    marks: Vec<ReturnedMark>,
    reviewed: Vec<ReturnedReview>,
    audit: Vec<AuditEntry>,
    /// The reviewer's changes to the facts of the cases (older returns have none).
    #[serde(default)]
    facts: Vec<ReturnedFact>,
}

/// A change the reviewer made to a fact of a case, carried in the return.
#[derive(Serialize, Deserialize)]
struct ReturnedFact {
    case: String,
    path: String,
    value: serde_json::Value,
    at: String,
    #[serde(default)]
    source: Option<crate::domain::case_facts::FactSource>,
}

#[derive(Serialize, Deserialize)]
struct ReturnedMark {
    case: String,
    checklist_id: String,
    checklist_version: u32,
    mark: Mark,
}

#[derive(Serialize, Deserialize)]
struct ReturnedReview {
    case: String,
    checklist_id: String,
    checklist_version: u32,
    at: String,
}

/// Exports a workspace's scores as a return signed with the reviewer's key.
pub fn export_return(workspace: &Path, out: &Path) -> Result<Summary, ReviewError> {
    let project = Project::open(workspace)?;
    let ws: Workspace = self::workspace(&project)?
        .ok_or_else(|| ReviewError::Refused(format!("{} 不是从评查包打开的工作区", workspace.display())))?;
    let key = super::kit::existing_key_pair(&ws.reviewer_name)?.ok_or_else(|| {
        ReviewError::Refused(format!(
            "本机没有“{}”的密钥，回收包无法签名；请在登记公钥的电脑上导出",
            ws.reviewer_name
        ))
    })?;
    if key.public_hex() != ws.reviewer_public_key {
        return Err(ReviewError::Refused(format!(
            "本机“{}”的密钥与评查包登记的公钥不一致，回收包无法签名；请在登记公钥的电脑上导出",
            ws.reviewer_name
        )));
    }
    let reviewer = project.reviewer(&ws.reviewer_name, &ws.reviewer_unit)?;
    let checklists = project.checklists()?;
    let mut marks = Vec::new();
    let mut reviewed = Vec::new();
    let mut audit = Vec::new();
    for number in &ws.cases {
        for (key_id, at) in project.reviews_of(number, reviewer.id)? {
            let Some(c) = checklists.iter().find(|c| c.key == key_id) else {
                continue;
            };
            let review_key = ReviewKey {
                case_number: number.clone(),
                reviewer_id: reviewer.id,
                checklist: key_id,
            };
            for mark in project.marks(&review_key)? {
                marks.push(ReturnedMark {
                    case: number.clone(),
                    checklist_id: c.checklist.id.clone(),
                    checklist_version: c.checklist.version,
                    mark,
                });
            }
            if let Some(at) = at {
                reviewed.push(ReturnedReview {
                    case: number.clone(),
                    checklist_id: c.checklist.id.clone(),
                    checklist_version: c.checklist.version,
                    at,
                });
            }
        }
        audit.extend(project.audit(number)?);
    }
    // The reviewer's changes to the facts, in the order made (others' are counted below).
    let mut facts = Vec::new();
    let mut other_facts = 0usize;
    for number in &ws.cases {
        for edit in project.fact_edits(number)? {
            if edit.reviewer != ws.reviewer_name || edit.unit != ws.reviewer_unit {
                other_facts += 1;
                continue;
            }
            facts.push(ReturnedFact {
                case: number.clone(),
                path: edit.path,
                value: edit.value,
                at: edit.at,
                source: edit.source,
            });
        }
    }
    // Marks someone else entered in this workspace cannot go into the addressee's return:
    // counted and said, never dropped in silence.
    let mut others: BTreeMap<ReviewerId, usize> = BTreeMap::new();
    for number in &ws.cases {
        for (by, _, _) in project.marks_of_case(number)? {
            if by != reviewer.id {
                *others.entry(by).or_default() += 1;
            }
        }
    }
    let others: Vec<String> = project
        .reviewers()?
        .into_iter()
        .filter_map(|r| others.get(&r.id).map(|n| format!("“{}（{}）”{n} 条", r.name, r.unit)))
        .collect();
    let sequence = ws.returns_exported + 1;
    let file = ReturnFile {
        format: RETURN_FORMAT.into(),
        campaign_uid: ws.campaign_uid.clone(),
        campaign: ws.campaign.clone(),
        reviewer_name: ws.reviewer_name.clone(),
        reviewer_unit: ws.reviewer_unit.clone(),
        kit_sha256: ws.kit_sha256.clone(),
        sequence,
        marks,
        reviewed,
        audit,
        facts,
    };
    let count = file.marks.len();
    let fact_count = file.facts.len();
    let mut members = BTreeMap::new();
    members.insert("return.json".to_string(), json(&file)?);
    let bytes = write_signed(RETURN_FORMAT, &members, &key)?;
    write_file(out, &bytes)?;
    // The number is kept once the file is written: the next return is newer.
    project.set_setting(
        WORKSPACE_KEY,
        &Workspace {
            returns_exported: sequence,
            ..ws.clone()
        },
    )?;
    let mut summary = format!(
        "已导出回收包 {}：{}（第{sequence}号，{count} 条评分{}）",
        out.display(),
        ws.reviewer_name,
        if fact_count > 0 {
            format!("，{fact_count} 处案卷事实修改")
        } else {
            String::new()
        }
    );
    if other_facts > 0 {
        summary.push_str(&format!(
            "。注意：工作区中另有 {other_facts} 处案卷事实修改不是“{}”所作，未放入回收包",
            ws.reviewer_name
        ));
    }
    if !others.is_empty() {
        summary.push_str(&format!(
            "。注意：工作区中另有 {} 的评分不是评查包收件人“{}”录入的，未放入回收包；\
             如需计入，请以“{}”的身份重新评分",
            others.join("、"),
            ws.reviewer_name,
            ws.reviewer_name
        ));
    }
    Ok(Summary(summary))
}

/// Imports a return into the organiser's project: verifies the signature against the key
/// recorded for that reviewer, the campaign, and that every mark is on an assigned case and
/// fits its checklist; then replaces the reviewer's marks (a later return supersedes an
/// earlier one; the same file twice changes nothing).
pub fn import_return(project: &mut Project, path: &Path) -> Result<(ReturnOutcome, Summary), ReviewError> {
    let mut verified = read_signed(path, RETURN_FORMAT, "回收包", MAX_KIT_BYTES)?;
    let file = path.display().to_string();
    let refuse = |why: String| ReviewError::Refused(format!("{file}: {why}，已拒绝，项目未作改动"));
    let ret: ReturnFile = parse(&mut verified, "return.json").map_err(|e| refuse(e.to_string()))?;
    let info = project
        .campaigns()?
        .into_iter()
        .find(|c| c.uid == ret.campaign_uid)
        .ok_or_else(|| refuse(format!("回收包属于评查活动“{}”，不是本项目的评查活动", ret.campaign)))?;
    let config = config_of(&info);
    let member = project
        .campaign_reviewers(info.id)?
        .into_iter()
        .find(|r| r.name == ret.reviewer_name && r.unit == ret.reviewer_unit)
        .ok_or_else(|| refuse(format!("“{}”不是评查活动“{}”的评查员", ret.reviewer_name, info.name)))?;
    if member.public_key.as_deref() != Some(verified.signer.as_str()) {
        return Err(refuse(format!("签名人不是登记的“{}”（公钥不符）", ret.reviewer_name)));
    }
    // Built on a kit this project issued to this reviewer (not on an edited, re-signed one).
    if !project.issued_kit(info.id, member.reviewer_id, &ret.kit_sha256)? {
        return Err(refuse(format!(
            "回收包所依据的评查包不是本项目签发给“{}”的（评查包 SHA-256 {}）",
            ret.reviewer_name,
            if ret.kit_sha256.is_empty() {
                "未注明"
            } else {
                ret.kit_sha256.get(..16).unwrap_or(&ret.kit_sha256)
            }
        )));
    }
    let assigned: BTreeSet<String> = assigned_cases(project, info.id, member.reviewer_id)?
        .into_iter()
        .collect();
    let checklists = project.checklists()?;
    let key_of = |id: &str, version: u32| {
        checklists
            .iter()
            .find(|c| c.checklist.id == id && c.checklist.version == version)
    };
    let mut marks = Vec::new();
    let mut per_review: BTreeMap<(String, ChecklistKey), Vec<Mark>> = BTreeMap::new();
    // The checklist each case must use, looked up once per case (not once per mark).
    let mut expected: BTreeMap<String, Option<ChecklistKey>> = BTreeMap::new();
    for m in &ret.marks {
        if !assigned.contains(&m.case) {
            return Err(refuse(format!("案卷 {} 未分配给 {}", m.case, ret.reviewer_name)));
        }
        let c = key_of(&m.checklist_id, m.checklist_version).ok_or_else(|| {
            refuse(format!(
                "评查标准 {} 第{}版不在本项目中",
                m.checklist_id, m.checklist_version
            ))
        })?;
        let wanted = match expected.get(&m.case) {
            Some(k) => *k,
            None => {
                let k = checklist_for(&config, &project.load_case_by_number(&m.case)?.case);
                expected.insert(m.case.clone(), k);
                k
            }
        };
        if wanted != Some(c.key) {
            return Err(refuse(format!(
                "案卷 {} 按本次活动应使用另一评查标准，而非 {} 第{}版",
                m.case, m.checklist_id, m.checklist_version
            )));
        }
        per_review
            .entry((m.case.clone(), c.key))
            .or_default()
            .push(m.mark.clone());
        marks.push(ReturnMark {
            case_number: m.case.clone(),
            checklist: c.key,
            mark: m.mark.clone(),
        });
    }
    for ((case, key), set) in &per_review {
        let c = checklists.iter().find(|c| c.key == *key).expect("resolved above");
        evaluate(&c.checklist, set).map_err(|e| refuse(format!("案卷 {case} 的评分无效：{e}")))?;
    }
    let mut reviewed = Vec::new();
    for r in &ret.reviewed {
        if let Some(c) = key_of(&r.checklist_id, r.checklist_version)
            && assigned.contains(&r.case)
        {
            reviewed.push((r.case.clone(), c.key, r.at.clone()));
        }
    }
    // The reviewer's fact changes: on assigned cases, each fitting the case as it will stand
    // (checked before anything is saved).
    let mut fact_edits: BTreeMap<String, Vec<crate::store::NewFactEdit>> = BTreeMap::new();
    for f in &ret.facts {
        if !assigned.contains(&f.case) {
            return Err(refuse(format!("案卷 {} 未分配给 {}", f.case, ret.reviewer_name)));
        }
        fact_edits
            .entry(f.case.clone())
            .or_default()
            .push(crate::store::NewFactEdit {
                path: f.path.clone(),
                value: f.value.clone(),
                origin: crate::domain::case_facts::FactOrigin::Returned,
                source: f.source.clone(),
            });
    }
    for (case, edits) in &fact_edits {
        let mut probe = project.load_case_by_number(case)?.case;
        for e in edits {
            crate::domain::case_facts::apply(&mut probe, &e.path, &e.value)
                .map_err(|why| refuse(format!("案卷 {case} 的事实修改无效：{why}")))?;
        }
    }
    let note = format!(
        "第{}号回收包 {}（{} 条评分，{} 处案卷事实修改，评查员修改记录 {} 条）",
        ret.sequence,
        file,
        marks.len(),
        ret.facts.len(),
        ret.audit.len()
    );
    let outcome = project
        .import_return(
            info.id,
            member.reviewer_id,
            &verified.sha256,
            ret.sequence,
            &marks,
            &reviewed,
            &note,
        )
        .map_err(|e| match e {
            crate::store::StoreError::Refused(why) => refuse(why),
            other => other.into(),
        })?;
    if outcome != ReturnOutcome::Unchanged {
        // Recorded under the reviewer who made them (the same values again record nothing).
        for (case, edits) in &fact_edits {
            project.edit_facts(case, member.reviewer_id, edits)?;
        }
    }
    let text = match outcome {
        ReturnOutcome::Unchanged => format!("{file}: 该回收包已导入过，项目未作改动"),
        ReturnOutcome::Imported => format!("已导入 {} 的回收包：{} 条评分", ret.reviewer_name, marks.len()),
        ReturnOutcome::Superseded => format!(
            "已导入 {} 的新回收包（第{}号）：{} 条评分，取代此前导入的回收包（已记入修改记录）",
            ret.reviewer_name,
            ret.sequence,
            marks.len()
        ),
    };
    Ok((outcome, Summary(text)))
}

/// Writes an output file whole or not at all: a temporary file in the same folder, flushed,
/// then renamed over the target (a full disk or a kill leaves the old file or none, never a
/// truncated one).
pub fn write_file(out: &Path, bytes: &[u8]) -> Result<(), ReviewError> {
    crate::places::write_atomically(out, bytes).map_err(|source| ReviewError::Io {
        path: out.display().to_string(),
        source,
    })
}
