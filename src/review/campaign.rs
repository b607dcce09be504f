//! Campaign operations over a project: create with a seeded draw, assign, export kits, open a
//! kit as a reviewer workspace, export and import returns, compare reviewers, record
//! consensus, sign off, and the agreement statistics of a campaign.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ReviewError;
use super::agreement::{Agreement, Rating, agreement};
use super::assign::{AssignInput, AssignmentPlan, CaseSlot, ReviewerSlot, assign, draw};
use super::kit::{Verified, key_pair, read_signed, write_signed};
use crate::domain::{Case, Checklist, CodeEnum, LibraryEntry, Mark, MarkValue, fmt_points};
use crate::scoring::{Evaluation, evaluate, score_only};
use crate::store::{
    AuditEntry, CampaignInfo, ConsensusMark, NewCase, NewDocument, Project, ReturnMark, ReturnOutcome, ReviewKey,
};

const KIT_FORMAT: &str = "pingcha-kit-1";
const RETURN_FORMAT: &str = "pingcha-return-1";
/// Project setting marking a reviewer workspace opened from a kit.
pub const WORKSPACE_KEY: &str = "workspace";

/// How a case's final score is decided when no consensus settles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FinalRule {
    /// The mean of the reviewers' totals.
    #[default]
    Mean,
    /// The lowest of the reviewers' totals.
    Lowest,
}

/// A campaign's settings (stored as JSON with the campaign).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CampaignConfig {
    /// Reviewers per case.
    pub per_case: usize,
    /// A total difference at or above this is flagged.
    pub threshold_points: f64,
    /// Final score without consensus.
    pub final_rule: FinalRule,
    /// Seed of the draw and the assignment.
    pub seed: u64,
    /// Draw: percent of each unit's cases.
    pub draw_percent: f64,
    /// Draw: at least this many per unit.
    pub draw_at_least: usize,
    /// Only these case kinds (codes: `penalty`, `inspection`, `coercion`); empty: all.
    pub kinds: Vec<String>,
    /// Only these units; empty: all.
    pub units: Vec<String>,
    /// The checklist version per case kind (kind code → checklist key).
    pub checklists: BTreeMap<String, i64>,
    /// (case, reviewer name) pairs that must not be assigned.
    pub exclusions: BTreeSet<(String, String)>,
    /// (case, reviewer name) pairs that must be assigned.
    pub pins: BTreeSet<(String, String)>,
}

impl Default for CampaignConfig {
    fn default() -> Self {
        Self {
            per_case: 2,
            threshold_points: 5.0,
            final_rule: FinalRule::Mean,
            seed: 1,
            draw_percent: 10.0,
            draw_at_least: 3,
            kinds: Vec::new(),
            units: Vec::new(),
            checklists: BTreeMap::new(),
            exclusions: BTreeSet::new(),
            pins: BTreeSet::new(),
        }
    }
}

fn config_of(info: &CampaignInfo) -> CampaignConfig {
    serde_json::from_value(info.config.clone()).unwrap_or_default()
}

fn to_value(config: &CampaignConfig) -> serde_json::Value {
    serde_json::to_value(config).unwrap_or(serde_json::Value::Null)
}

/// The year a case belongs to (decision, else filing, else any date it has).
pub(crate) fn case_year(case: &Case) -> Option<i32> {
    use chrono::Datelike;
    case.effective_date(crate::domain::DateKey::Decision)
        .or_else(|| case.effective_date(crate::domain::DateKey::Filed))
        .or_else(|| case.dates.values().next().copied())
        .or_else(|| case.documents.iter().find_map(|d| d.date))
        .map(|d| d.year())
}

/// Creates a campaign: the project's cases of `year`, drawn per unit by the config, and for
/// each case kind the newest checklist that applies to it.
pub fn create_campaign(
    project: &mut Project,
    name: &str,
    year: i32,
    config: CampaignConfig,
) -> Result<CampaignInfo, ReviewError> {
    let mut slots = Vec::new();
    let mut kinds = BTreeSet::new();
    for row in project.list_cases()? {
        let stored = project.load_case(row.id)?;
        let kind_ok = config.kinds.is_empty() || config.kinds.iter().any(|k| k == stored.case.kind.code());
        let unit_ok = config.units.is_empty() || config.units.contains(&stored.case.unit);
        if case_year(&stored.case) == Some(year) && kind_ok && unit_ok {
            kinds.insert((stored.case.kind, stored.case.procedure));
            slots.push(CaseSlot {
                number: stored.case.number.clone(),
                unit: stored.case.unit.clone(),
            });
        }
    }
    if slots.is_empty() {
        return Err(ReviewError::Refused(format!("项目中没有符合条件的 {year} 年案卷")));
    }
    let drawn = draw(&slots, config.draw_percent, config.draw_at_least, config.seed);
    let mut config = config;
    let all = project.checklists()?;
    for (kind, procedure) in kinds {
        let code = kind_code(kind, procedure);
        let newest = all
            .iter()
            .filter(|c| c.checklist.applies(kind, procedure) && !c.checklist.applies_to.kinds.is_empty())
            .max_by_key(|c| (c.checklist.id.clone(), c.checklist.version));
        if let Some(c) = newest {
            config.checklists.entry(code).or_insert(c.key);
        }
    }
    let mut uid_bytes = [0u8; 16];
    getrandom::fill(&mut uid_bytes).map_err(|e| ReviewError::Refused(format!("无法生成编号：{e}")))?;
    let uid: String = uid_bytes.iter().map(|b| format!("{b:02x}")).collect();
    project.create_campaign(&uid, name, year, &to_value(&config), &drawn)?;
    Ok(project.campaign(name)?)
}

/// `penalty/general`, `inspection`: the key of the campaign's checklist per kind.
pub(crate) fn kind_code(kind: crate::domain::CaseKind, procedure: Option<crate::domain::Procedure>) -> String {
    match procedure {
        Some(p) => format!("{}/{}", kind.code(), p.code()),
        None => kind.code().to_string(),
    }
}

/// The campaign checklist key of a case.
fn checklist_for(config: &CampaignConfig, case: &Case) -> Option<i64> {
    config.checklists.get(&kind_code(case.kind, case.procedure)).copied()
}

/// Adds a reviewer to a campaign (created in the project if new).
pub fn add_reviewer(
    project: &mut Project,
    campaign: &str,
    name: &str,
    unit: &str,
    lead: bool,
    team: &str,
    public_key: Option<&str>,
) -> Result<(), ReviewError> {
    if let Some(key) = public_key {
        super::kit::parse_public_key(key)?;
    }
    let info = project.campaign(campaign)?;
    let reviewer = project.reviewer(name, unit)?;
    project.set_campaign_reviewer(
        info.id,
        reviewer.id,
        if lead { "lead" } else { "reviewer" },
        team,
        public_key,
    )?;
    Ok(())
}

/// The assignment the campaign's settings give, before it is applied.
pub fn preview_assignment(project: &Project, campaign: &str) -> Result<(AssignInput, AssignmentPlan), ReviewError> {
    let info = project.campaign(campaign)?;
    let config = config_of(&info);
    let reviewers = project.campaign_reviewers(info.id)?;
    if reviewers.is_empty() {
        return Err(ReviewError::Refused(format!("评查活动“{campaign}”还没有评查员")));
    }
    let mut cases = Vec::new();
    for number in &info.cases {
        let stored = project.load_case_by_number(number)?;
        cases.push(CaseSlot {
            number: number.clone(),
            unit: stored.case.unit.clone(),
        });
    }
    let input = AssignInput {
        cases,
        reviewers: reviewers
            .iter()
            .map(|r| ReviewerSlot {
                name: r.name.clone(),
                unit: r.unit.clone(),
            })
            .collect(),
        per_case: config.per_case,
        exclusions: config.exclusions.clone(),
        pins: config.pins.clone(),
        seed: config.seed,
    };
    let plan = assign(&input);
    Ok((input, plan))
}

/// Stores the previewed assignment.
pub fn apply_assignment(project: &mut Project, campaign: &str) -> Result<AssignmentPlan, ReviewError> {
    let (_, plan) = preview_assignment(project, campaign)?;
    let info = project.campaign(campaign)?;
    let ids: BTreeMap<String, i64> = project
        .campaign_reviewers(info.id)?
        .into_iter()
        .map(|r| (r.name, r.reviewer_id))
        .collect();
    let pairs: Vec<(String, i64)> = plan
        .by_case
        .iter()
        .flat_map(|(case, names)| names.iter().filter_map(|n| ids.get(n).map(|id| (case.clone(), *id))))
        .collect();
    project.set_assignments(info.id, &pairs)?;
    Ok(plan)
}

/// Updates a campaign's exclusions, pins, reviewers per case or threshold.
pub fn update_config(
    project: &mut Project,
    campaign: &str,
    change: impl FnOnce(&mut CampaignConfig),
) -> Result<(), ReviewError> {
    let info = project.campaign(campaign)?;
    let mut config = config_of(&info);
    change(&mut config);
    project.set_campaign_config(info.id, &to_value(&config))?;
    Ok(())
}

use crate::domain::mask_id;

/// The cases of a campaign assigned to a reviewer.
fn assigned_cases(project: &Project, campaign: i64, reviewer_id: i64) -> Result<Vec<String>, ReviewError> {
    Ok(project
        .assignments(campaign)?
        .into_iter()
        .filter(|(_, r)| *r == reviewer_id)
        .map(|(c, _)| c)
        .collect())
}

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
    let mut others: BTreeMap<i64, usize> = BTreeMap::new();
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
    let mut per_review: BTreeMap<(String, i64), Vec<Mark>> = BTreeMap::new();
    // The checklist each case must use, looked up once per case (not once per mark).
    let mut expected: BTreeMap<String, Option<i64>> = BTreeMap::new();
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

/// One item compared across reviewers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemComparison {
    /// Item id.
    pub item: String,
    /// Item text.
    pub text: String,
    /// Each reviewer's mark (in reviewer order).
    pub marks: Vec<Option<MarkValue>>,
    /// Each reviewer's deduction on the item (0 for veto items).
    pub deducted: Vec<f64>,
    /// Reviewers disagree.
    pub disputed: bool,
    /// The agreed mark, when recorded.
    pub consensus: Option<ConsensusMark>,
}

/// A case compared across its reviewers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseComparison {
    /// 案号.
    pub case: String,
    /// Checklist version key.
    pub checklist: i64,
    /// Checklist name and version.
    pub checklist_name: String,
    /// Names of the reviewers who scored the case.
    pub reviewers: Vec<String>,
    /// Assigned reviewers who have not scored it yet.
    pub pending: Vec<String>,
    /// Each reviewer's total.
    pub totals: Vec<f64>,
    /// Each reviewer's grade.
    pub grades: Vec<String>,
    /// Items (every item any reviewer marked, or that has a consensus).
    pub items: Vec<ItemComparison>,
    /// A veto item some reviewers hit and others did not.
    pub veto_disagreement: bool,
    /// Largest minus smallest total.
    pub total_difference: f64,
    /// Needs a consensus (veto disagreement, a disputed item, or totals apart by the threshold).
    pub flagged: bool,
    /// Final total and grade.
    pub final_total: f64,
    /// Final grade.
    pub final_grade: String,
    /// How the final score was decided.
    pub final_source: String,
    /// Signed off?
    pub locked: bool,
    /// The marks behind the final score when a consensus settled it.
    pub final_marks: Option<Vec<Mark>>,
}

/// Compares the reviewers of a case in a campaign. For many cases, load a
/// [`CampaignData`] once and call [`CampaignData::compare`] on each.
pub fn compare_case(project: &Project, campaign: &str, case_number: &str) -> Result<CaseComparison, ReviewError> {
    let data = CampaignData::load(project, campaign)?;
    let stored = project.load_case_by_number(case_number)?;
    data.compare(case_number, &stored.case)
}

/// Everything a campaign's comparison and statistics read, loaded in a handful of queries:
/// the campaign, its reviewers, assignments, checklists, marks, reviews, consensus and
/// sign-offs. Comparing every case from it is linear in the campaign's size.
pub struct CampaignData {
    /// The campaign.
    pub info: CampaignInfo,
    /// Its settings.
    pub config: CampaignConfig,
    /// Its reviewers.
    pub members: Vec<crate::store::CampaignReviewer>,
    assigned: BTreeMap<String, Vec<i64>>,
    checklists: BTreeMap<i64, Checklist>,
    marks: BTreeMap<String, Vec<(i64, i64, Mark)>>,
    reviews: BTreeMap<String, BTreeSet<(i64, i64)>>,
    consensus: BTreeMap<String, Vec<ConsensusMark>>,
    signoffs: BTreeMap<String, crate::store::SignOff>,
}

impl CampaignData {
    /// Loads a campaign's data.
    pub fn load(project: &Project, campaign: &str) -> Result<Self, ReviewError> {
        let info = project.campaign(campaign)?;
        let config = config_of(&info);
        let members = project.campaign_reviewers(info.id)?;
        let mut assigned: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for (case, reviewer) in project.assignments(info.id)? {
            assigned.entry(case).or_default().push(reviewer);
        }
        let checklists = project
            .checklists()?
            .into_iter()
            .map(|c| (c.key, c.checklist))
            .collect();
        let cases: BTreeSet<&String> = info.cases.iter().collect();
        let marks = project
            .all_marks()?
            .into_iter()
            .filter(|(case, _)| cases.contains(case))
            .collect();
        let mut reviews: BTreeMap<String, BTreeSet<(i64, i64)>> = BTreeMap::new();
        for (case, reviewer, checklist) in project.all_reviews()? {
            reviews.entry(case).or_default().insert((reviewer, checklist));
        }
        let consensus = project.campaign_consensus(info.id)?;
        let signoffs = project.campaign_signoffs(info.id)?;
        Ok(Self {
            info,
            config,
            members,
            assigned,
            checklists,
            marks,
            reviews,
            consensus,
            signoffs,
        })
    }

    /// A checklist version by key.
    pub fn checklist(&self, key: i64) -> Result<&Checklist, ReviewError> {
        self.checklists
            .get(&key)
            .ok_or_else(|| ReviewError::Refused(format!("评查标准 {key} 不存在")))
    }

    /// The reviewers assigned to a case.
    pub fn assigned(&self, case_number: &str) -> &[i64] {
        self.assigned.get(case_number).map_or(&[], Vec::as_slice)
    }

    /// Every reviewer's marks on a case (reviewer id, checklist key, mark).
    pub fn marks_of(&self, case_number: &str) -> &[(i64, i64, Mark)] {
        self.marks.get(case_number).map_or(&[], Vec::as_slice)
    }

    /// A case's consensus marks.
    pub fn consensus_of(&self, case_number: &str) -> &[ConsensusMark] {
        self.consensus.get(case_number).map_or(&[], Vec::as_slice)
    }

    /// Compares the reviewers of one case (`case` is its current revision).
    pub fn compare(&self, case_number: &str, case: &Case) -> Result<CaseComparison, ReviewError> {
        let config = &self.config;
        let key = checklist_for(config, case)
            .ok_or_else(|| ReviewError::Refused(format!("案卷 {case_number} 的类型没有指定评查标准")))?;
        let checklist = self.checklist(key)?;
        let members = &self.members;
        let assigned = self.assigned(case_number);
        let all_marks = self.marks_of(case_number);
        let mut reviewers = Vec::new();
        let mut pending = Vec::new();
        let mut mark_sets: Vec<Vec<Mark>> = Vec::new();
        for id in assigned {
            let name = members
                .iter()
                .find(|m| m.reviewer_id == *id)
                .map_or_else(|| id.to_string(), |m| m.name.clone());
            // A reviewer who has not scored this case yet is not a "100": they are pending.
            if !self.reviews.get(case_number).is_some_and(|r| r.contains(&(*id, key))) {
                pending.push(name);
                continue;
            }
            reviewers.push(name);
            mark_sets.push(
                all_marks
                    .iter()
                    .filter(|(r, k, _)| r == id && *k == key)
                    .map(|(_, _, m)| m.clone())
                    .collect(),
            );
        }
        let evaluations: Vec<Evaluation> = mark_sets
            .iter()
            .map(|m| score_only(checklist, m))
            .collect::<Result<_, _>>()
            .map_err(|e| ReviewError::Refused(format!("案卷 {case_number} 的评分无效：{e}")))?;
        let consensus = self.consensus_of(case_number);
        let mut item_ids: BTreeSet<String> = mark_sets.iter().flatten().map(|m| m.item.clone()).collect();
        item_ids.extend(consensus.iter().map(|c| c.item.clone()));
        let order = checklist.item_ids();
        let mut ids: Vec<String> = item_ids.into_iter().collect();
        ids.sort_by_key(|id| order.iter().position(|o| o == id).unwrap_or(usize::MAX));
        let mut items = Vec::new();
        let mut veto_disagreement = false;
        for id in ids {
            let marks: Vec<Option<MarkValue>> = mark_sets
                .iter()
                .map(|set| set.iter().find(|m| m.item == id).map(|m| m.value))
                .collect();
            let deducted: Vec<f64> = evaluations
                .iter()
                .map(|e| e.item(&id).map_or(0.0, |s| s.deducted + s.carried))
                .collect();
            let is_veto = checklist.veto_items.iter().any(|v| v.id == id);
            let disputed = if is_veto {
                let hits: BTreeSet<bool> = marks.iter().map(|m| *m == Some(MarkValue::VetoHit)).collect();
                let d = hits.len() > 1;
                veto_disagreement |= d;
                d
            } else {
                deducted.windows(2).any(|w| (w[0] - w[1]).abs() > 1e-9)
                    || marks
                        .windows(2)
                        .any(|w| (w[0] == Some(MarkValue::NotApplicable)) != (w[1] == Some(MarkValue::NotApplicable)))
            };
            items.push(ItemComparison {
                text: checklist.item(&id).map(|t| t.text().to_string()).unwrap_or_default(),
                item: id.clone(),
                marks,
                deducted,
                disputed: disputed && mark_sets.len() > 1,
                consensus: consensus.iter().find(|c| c.item == id).cloned(),
            });
        }
        let totals: Vec<f64> = evaluations.iter().map(|e| e.total).collect();
        let grades: Vec<String> = evaluations.iter().map(|e| e.grade.clone()).collect();
        let total_difference = match (
            totals.iter().copied().reduce(f64::max),
            totals.iter().copied().reduce(f64::min),
        ) {
            (Some(a), Some(b)) => a - b,
            _ => 0.0,
        };
        let flagged =
            veto_disagreement || items.iter().any(|i| i.disputed) || total_difference >= config.threshold_points;
        // Final: settled when every disputed item has a consensus (or there is a consensus and
        // nothing is disputed); then the agreed marks, else the rule.
        let settled = !consensus.is_empty() && items.iter().filter(|i| i.disputed).all(|i| i.consensus.is_some());
        let mut final_marks = None;
        let (final_total, final_grade, final_source) = if settled {
            let mut merged: BTreeMap<String, Mark> = BTreeMap::new();
            // Undisputed items: the reviewers agree, so the first reviewer's marks stand for all.
            if let Some(set) = mark_sets.first() {
                for m in set {
                    merged.insert(m.item.clone(), m.clone());
                }
            }
            for c in consensus {
                match &c.mark {
                    Some(m) => {
                        merged.insert(c.item.clone(), m.clone());
                    }
                    None => {
                        merged.remove(&c.item);
                    }
                }
            }
            let marks: Vec<Mark> = merged.into_values().collect();
            let e = score_only(checklist, &marks).map_err(|e| ReviewError::Refused(format!("合议评分无效：{e}")))?;
            final_marks = Some(marks);
            (e.total, e.grade, "合议".to_string())
        } else if totals.is_empty() {
            (0.0, String::new(), "尚无评分".to_string())
        } else {
            let total = match config.final_rule {
                FinalRule::Mean => totals.iter().sum::<f64>() / totals.len() as f64,
                FinalRule::Lowest => totals.iter().copied().fold(f64::INFINITY, f64::min),
            };
            let total = (total * 100.0).round() / 100.0;
            // The grade of the mean: the band of the mean, or the lowest when any veto was hit
            // by every reviewer.
            let all_veto = evaluations.iter().all(|e| e.veto_effect.is_some());
            let grade = if all_veto {
                checklist.lowest_grade().to_string()
            } else {
                checklist
                    .bands
                    .iter()
                    .find(|b| total + 1e-9 >= b.min_points)
                    .map_or_else(|| checklist.lowest_grade().to_string(), |b| b.grade.clone())
            };
            let source = match config.final_rule {
                FinalRule::Mean => format!("{} 名评查员的平均分", totals.len()),
                FinalRule::Lowest => "评查员中的最低分".to_string(),
            };
            (total, grade, source)
        };
        Ok(CaseComparison {
            case: case_number.to_string(),
            checklist: key,
            checklist_name: format!("{}（第{}版）", checklist.name, checklist.version),
            reviewers,
            pending,
            totals,
            grades,
            items,
            veto_disagreement,
            total_difference,
            flagged,
            final_total,
            final_grade,
            final_source,
            locked: self.signoffs.get(case_number).is_some_and(|s| s.locked),
            final_marks,
        })
    }
}

/// The problem an agreed deduction prints on the 整改通知书 when the consensus names none:
/// what a reviewer wrote for that item (one who gave the agreed value first), else the
/// finding library's wording for the item. Never the consensus note, which may name a
/// reviewer of a back-to-back review.
fn agreed_finding(
    project: &Project,
    case_number: &str,
    key: i64,
    checklist: &Checklist,
    agreed: &Mark,
) -> Result<String, ReviewError> {
    let marks: Vec<Mark> = project
        .marks_of_case(case_number)?
        .into_iter()
        .filter(|(_, k, m)| *k == key && m.item == agreed.item && !m.reason.trim().is_empty())
        .map(|(_, _, m)| m)
        .collect();
    if let Some(m) = marks.iter().find(|m| m.value == agreed.value).or(marks.first()) {
        return Ok(m.reason.trim().to_string());
    }
    let library = project.library()?;
    Ok(checklist
        .item(&agreed.item)
        .and_then(|target| {
            target
                .findings()
                .iter()
                .find_map(|code| library.iter().find(|e| &e.code == code))
        })
        .map(|e| e.wording.clone())
        .unwrap_or_default())
}

/// Records an agreed mark (`None`: agreed no deduction) on a case's item. `reason` is the
/// 合议说明 (kept for the record and the score sheet); the mark's own reason is the problem
/// printed on the notice (filled by [`agreed_finding`] when empty).
pub fn record_consensus(
    project: &mut Project,
    campaign: &str,
    case_number: &str,
    item: &str,
    mark: Option<Mark>,
    reason: &str,
    by: (&str, &str),
) -> Result<(), ReviewError> {
    if reason.trim().is_empty() {
        return Err(ReviewError::Refused("合议结论须写明理由".into()));
    }
    let info = project.campaign(campaign)?;
    let config = config_of(&info);
    let stored = project.load_case_by_number(case_number)?;
    let key = checklist_for(&config, &stored.case)
        .ok_or_else(|| ReviewError::Refused(format!("案卷 {case_number} 的类型没有指定评查标准")))?;
    let checklist = project.checklist(key)?.checklist;
    if checklist.item(item).is_none() {
        return Err(ReviewError::Refused(format!(
            "评查项 {item} 不在 {} 中",
            checklist.name
        )));
    }
    let mut mark = mark;
    if let Some(m) = &mut mark {
        evaluate(&checklist, std::slice::from_ref(m)).map_err(|e| ReviewError::Refused(e.to_string()))?;
        if m.reason.trim().is_empty() {
            m.reason = agreed_finding(project, case_number, key, &checklist, m)?;
        }
    }
    let recorder = project.reviewer(by.0, by.1)?;
    project.set_consensus(
        info.id,
        recorder.id,
        &ConsensusMark {
            case_number: case_number.to_string(),
            checklist: key,
            item: item.to_string(),
            mark,
            reason: reason.trim().to_string(),
            recorded_by: by.0.to_string(),
            recorded_at: String::new(),
        },
    )?;
    Ok(())
}

/// What a sign-off did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOff {
    /// What to tell the user.
    pub summary: Summary,
    /// A revision imported while the case was locked became current.
    pub released: Option<i64>,
}

/// Signs a case off (locks it), or unlocks it with a reason. An unlock makes a revision
/// imported during the lock current (and says so).
pub fn sign_off(
    project: &mut Project,
    campaign: &str,
    case_number: &str,
    lock: bool,
    by: (&str, &str),
    reason: &str,
) -> Result<SignedOff, ReviewError> {
    let info = project.campaign(campaign)?;
    let recorder = project.reviewer(by.0, by.1)?;
    let released = project.set_signoff(info.id, recorder.id, case_number, lock, by.0, reason)?;
    let mut summary = format!(
        "{case_number}：{}",
        if lock {
            "已复核锁定"
        } else {
            "已解除复核锁定"
        }
    );
    if let Some(revision) = released {
        summary.push_str(&format!("；锁定期间导入的第{revision}版已成为当前版本"));
    }
    Ok(SignedOff {
        summary: Summary(summary),
        released,
    })
}

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

/// Agreement on totals, per item, and each reviewer's deviation.
pub fn campaign_stats(project: &Project, campaign: &str) -> Result<CampaignStats, ReviewError> {
    Ok(stats_of(&compare_all(project, campaign)?))
}

/// Compares every case of a campaign, loading the campaign's data once (linear time).
pub fn compare_all(project: &Project, campaign: &str) -> Result<Vec<CaseComparison>, ReviewError> {
    let data = CampaignData::load(project, campaign)?;
    let mut current = project.current_cases()?;
    let mut comparisons = Vec::with_capacity(data.info.cases.len());
    for number in &data.info.cases {
        let case = current
            .remove(number)
            .ok_or_else(|| ReviewError::Refused(format!("案卷 {number} 不在项目中")))?;
        comparisons.push(data.compare(number, &case)?);
    }
    Ok(comparisons)
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

/// Writes an output file whole or not at all: a temporary file in the same folder, flushed,
/// then renamed over the target (a full disk or a kill leaves the old file or none, never a
/// truncated one).
pub fn write_file(out: &Path, bytes: &[u8]) -> Result<(), ReviewError> {
    crate::places::write_atomically(out, bytes).map_err(|source| ReviewError::Io {
        path: out.display().to_string(),
        source,
    })
}
