//! A working session on one open project: the project (its SQLite connection), the rules'
//! context and the reviewer at work. The window's service threads and the command line call
//! the same methods, so nothing one front can do is missing from the other and no default
//! lives in only one of them.
//!
//! Owns: the order of the steps of each piece of work (what is saved, what is read back, what
//! is checked again) and the Chinese context of every failure ([`ServiceError`]). Must not
//! touch: `egui`, `rfd`, threads (the fronts decide where a call runs).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::domain::{AuditAction, Checklist, CodeEnum, LibraryEntry, Mark};
use crate::import::{IMPORT_LIMITS_KEY, ImportLimits};
use crate::progress::Control;
use crate::rules::{Finding, RuleSettings};
use crate::service::checks::{CALENDAR_YEARS_KEY, ProjectRules, RULE_SETTINGS_KEY, to_cached};
use crate::service::error::{Outcome, ServiceError};
use crate::service::protocol::FindingCount;
use crate::service::review::CaseScoring;
use crate::store::{
    AuditEntry, CachedFinding, CaseId, CaseRow, ChecklistKey, FindingDecision, Project, ReviewKey, Reviewer, SearchHit,
    SearchSummary, StoredCase, StoredChecklist,
};

/// A project open for work, with its rules and reviewer.
pub struct Session {
    project: Project,
    rules: ProjectRules,
    reviewer: Option<Reviewer>,
}

/// What was opened.
#[derive(Debug, Clone)]
pub struct Opened {
    /// Display name.
    pub name: String,
    /// Folder.
    pub dir: PathBuf,
    /// For a reviewer workspace, the kit's addressee (name, unit): the only one who may score
    /// in it.
    pub addressee: Option<(String, String)>,
}

/// The rules' parameters and the calendar as the settings window shows them.
#[derive(Debug, Clone)]
pub struct RulesView {
    /// Parameters.
    pub settings: RuleSettings,
    /// Every year with a schedule, with its source.
    pub years: Vec<(i32, String)>,
    /// The years the project added (removable).
    pub added_years: Vec<i32>,
}

/// A rendered report or export: the file and its pages (`None` for XLSX).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file.
    pub path: PathBuf,
    /// Pages of a PDF.
    pub pages: Option<u32>,
    /// Bytes written.
    pub bytes: usize,
    /// What the PDF writer warned about (page named); empty for a clean document.
    pub warnings: Vec<String>,
}

/// How a report is dated and what deadline it sets; the defaults are the same for the window
/// and the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// 落款日期 `YYYY-MM-DD` (`None`: the latest date in the data).
    pub date: Option<String>,
    /// 整改期限 in days (notice and campaign report).
    pub reply_days: i64,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            date: None,
            reply_days: crate::service::rectify::DEFAULT_REPLY_DAYS,
        }
    }
}

/// What the 评分 of a case holds for the reviewer.
#[derive(Debug, Clone)]
pub struct Scoring {
    /// The checklists that apply, with marks and evaluations.
    pub scorings: Vec<CaseScoring>,
    /// Decisions on the automatic checks' findings.
    pub decisions: Vec<FindingDecision>,
}

/// A report to write.
#[derive(Debug, Clone)]
pub enum ReportKind {
    /// A case's score sheet.
    ScoreSheet {
        /// 案号.
        case: String,
        /// Whose marks.
        source: crate::service::reports::SheetSource,
        /// Print personal data in full.
        unmasked: bool,
    },
    /// A unit's rectification notice.
    Notice {
        /// Unit.
        unit: String,
        /// Campaign, if any.
        campaign: Option<String>,
    },
    /// A campaign's report.
    Campaign {
        /// Campaign.
        campaign: String,
        /// With the internal annex.
        internal: bool,
        /// 发文字号 (empty: the project's pattern).
        number: String,
    },
    /// The XLSX data export.
    Xlsx {
        /// Campaign, if any.
        campaign: Option<String>,
    },
}

impl Session {
    /// Opens (or creates) the project in `dir`; the rules are the defaults until
    /// [`Session::load_rules`].
    pub fn open(dir: &Path) -> Outcome<Self> {
        let project = Project::create_or_open(dir)
            .map_err(|e| ServiceError::new(&format!("无法打开项目 {}", dir.display()), e))?;
        Ok(Self::with_project(project))
    }

    /// A session on a project that must exist already (the command line's campaign and kit
    /// commands: a mistyped folder is refused, not created).
    pub fn open_existing(dir: &Path) -> Outcome<Self> {
        let project =
            Project::open(dir).map_err(|e| ServiceError::new(&format!("无法打开项目 {}", dir.display()), e))?;
        Ok(Self::with_project(project))
    }

    /// A session on a project already open.
    pub fn with_project(project: Project) -> Self {
        Self {
            project,
            rules: ProjectRules::default(),
            reviewer: None,
        }
    }

    /// The project.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The project, for work not yet moved into a method here.
    pub fn project_mut(&mut self) -> &mut Project {
        &mut self.project
    }

    /// The rules' context as last loaded.
    pub fn rules(&self) -> &ProjectRules {
        &self.rules
    }

    /// The reviewer at work, if chosen.
    pub fn reviewer(&self) -> Option<&Reviewer> {
        self.reviewer.as_ref()
    }

    /// What was opened: the name, the folder, and for a reviewer workspace its addressee.
    pub fn opened(&self) -> Outcome<Opened> {
        let addressee = crate::review::campaign::workspace(&self.project)
            .map_err(|e| ServiceError::new(&format!("无法读取评查包工作区 {}", self.project.dir().display()), e))?
            .map(|w| (w.reviewer_name, w.reviewer_unit));
        Ok(Opened {
            name: self.project.name(),
            dir: self.project.dir().to_path_buf(),
            addressee,
        })
    }

    /// Seeds the default checklists and finding library (once per project).
    pub fn prepare(&mut self) -> Outcome<()> {
        crate::service::review::prepare_project(&mut self.project)
            .map_err(|e| ServiceError::new("无法准备评查标准和问题库", e))
    }

    /// Reads the rules' context again (settings, calendar, registry). When it cannot be read,
    /// the defaults are used and the error says so.
    pub fn load_rules(&mut self) -> Outcome<RulesView> {
        match ProjectRules::load(&self.project) {
            Ok(rules) => {
                self.rules = rules;
                Ok(self.rules_view())
            }
            Err(e) => {
                self.rules = ProjectRules::default();
                Err(ServiceError::new("无法读取自动检查设置，已使用默认设置", e))
            }
        }
    }

    /// The rules' parameters and calendar years.
    pub fn rules_view(&self) -> RulesView {
        RulesView {
            settings: self.rules.settings.clone(),
            years: self
                .rules
                .calendar
                .years()
                .map(|y| (y.year, y.source.clone()))
                .collect(),
            added_years: self.rules.added_years.iter().map(|(y, _)| *y).collect(),
        }
    }

    /// Chooses the reviewer (added to the project if new). In a reviewer workspace only the
    /// kit's addressee may score.
    pub fn set_reviewer(&mut self, name: &str, unit: &str) -> Outcome<Reviewer> {
        let err = |e: anyhow::Error| ServiceError::new("无法登记评查员", e);
        crate::review::campaign::check_scorer(&self.project, name, Some(unit)).map_err(|e| err(e.into()))?;
        let reviewer = self.project.reviewer(name, unit).map_err(|e| err(e.into()))?;
        self.reviewer = Some(reviewer.clone());
        Ok(reviewer)
    }

    /// Chooses a reviewer already in the project by name (and unit); with `create`, a name
    /// and unit not seen yet is added. The command line's `--reviewer`/`--unit`.
    /// In a reviewer workspace only the kit's addressee is added (as [`Self::set_reviewer`]).
    pub fn find_reviewer(&mut self, name: &str, unit: Option<&str>, create: bool) -> Outcome<Reviewer> {
        if create {
            crate::review::campaign::check_scorer(&self.project, name, unit).map_err(|e| ServiceError::new("", e))?;
        }
        let reviewer = crate::service::review::find_reviewer(&self.project, name, unit, create)
            .map_err(|e| ServiceError::new("", e))?;
        self.reviewer = Some(reviewer.clone());
        Ok(reviewer)
    }

    /// Takes the reviewer another session on the same project chose (the window's threads
    /// share one reviewer).
    pub fn use_reviewer(&mut self, reviewer: Reviewer) {
        self.reviewer = Some(reviewer);
    }

    fn require_reviewer(&self, why: &str) -> Outcome<&Reviewer> {
        self.reviewer.as_ref().ok_or_else(|| ServiceError::plain(why))
    }

    // ---- cases ----

    /// Every current case.
    pub fn list_cases(&self) -> Outcome<Vec<CaseRow>> {
        self.project
            .list_cases()
            .map_err(|e| ServiceError::new("无法读取案卷列表", e))
    }

    /// Imports packages, folders of packages, ledgers and registries (`service::import`)
    /// under the project's import limits: `progress` before each item, `cancel` read between
    /// items. Both fronts import through this.
    pub fn import(
        &mut self,
        paths: &[PathBuf],
        cancel: &std::sync::atomic::AtomicBool,
        progress: &mut dyn FnMut(&crate::service::ImportProgress),
    ) -> crate::service::ImportReport {
        let limits = self.import_limits();
        let items = crate::service::plan_import(paths);
        crate::service::run_import(&mut self.project, &items, &limits, cancel, progress)
    }

    /// One case as stored, without running the checks (listings).
    pub fn stored_case(&self, id: CaseId) -> Outcome<StoredCase> {
        self.project
            .load_case(id)
            .map_err(|e| ServiceError::new("无法读取案卷", e))
    }

    /// One case by 案号 as stored, without running the checks.
    pub fn stored_case_by_number(&self, number: &str) -> Outcome<StoredCase> {
        self.project
            .load_case_by_number(number)
            .map_err(|e| ServiceError::new(&format!("项目中没有案卷 {number}"), e))
    }

    /// Every place a query matches, case by case, at most `limit` (the command line's
    /// `pingcha search`).
    pub fn search_places(&self, query: &str, limit: usize) -> Outcome<Vec<SearchHit>> {
        self.project
            .search(query, limit)
            .map_err(|e| ServiceError::new("检索失败", e))
    }

    /// One case with the automatic checks' findings.
    pub fn load_case(&self, id: CaseId) -> Outcome<(StoredCase, Vec<Finding>)> {
        let case = self
            .project
            .load_case(id)
            .map_err(|e| ServiceError::new("无法读取案卷", e))?;
        let findings = self.rules.check(&case.case);
        Ok((case, findings))
    }

    /// One case by 案号, with its findings.
    pub fn load_case_by_number(&self, number: &str) -> Outcome<(StoredCase, Vec<Finding>)> {
        let case = self
            .project
            .load_case_by_number(number)
            .map_err(|e| ServiceError::new("无法读取案卷", e))?;
        let findings = self.rules.check(&case.case);
        Ok((case, findings))
    }

    /// Which cases match a query.
    pub fn search(&self, query: &str) -> Outcome<SearchSummary> {
        self.project
            .search_cases(query)
            .map_err(|e| ServiceError::new("检索失败", e))
    }

    /// The matches of a query in one case, with snippets.
    pub fn search_in_case(&self, query: &str, case_id: CaseId) -> Outcome<Vec<SearchHit>> {
        self.project
            .search_in_case(query, case_id)
            .map_err(|e| ServiceError::new("检索失败", e))
    }

    /// The reviewer's 评查状态 of every case they touched (and every signed-off case).
    pub fn review_states(&self) -> Outcome<HashMap<String, crate::domain::ReviewState>> {
        self.project
            .review_states(self.reviewer.as_ref().map(|r| r.id))
            .map_err(|e| ServiceError::new("无法读取评查状态", e))
    }

    /// The cached findings of every case checked under the current rules.
    pub fn cached_findings(&self) -> Outcome<HashMap<CaseId, Vec<CachedFinding>>> {
        self.project
            .cached_findings(&self.rules.cache_key())
            .map_err(|e| ServiceError::new("无法读取自动检查缓存，将重新检查", e))
    }

    /// Runs the checks on the cases not in `cached` among `ids`, stores what they found, and
    /// counts every case's findings against the reviewer's decisions. A case that cannot be
    /// read is left out of the counts and reported.
    pub fn count_findings(
        &mut self,
        ids: &[CaseId],
        cached: &mut HashMap<CaseId, Vec<CachedFinding>>,
    ) -> (HashMap<CaseId, FindingCount>, Vec<ServiceError>) {
        let mut counts = HashMap::new();
        let mut fresh = Vec::new();
        let mut problems = Vec::new();
        for &id in ids {
            let findings = match cached.remove(&id) {
                Some(f) => f,
                None => match self.project.load_case(id) {
                    Ok(stored) => {
                        let f: Vec<CachedFinding> = self.rules.check(&stored.case).iter().map(to_cached).collect();
                        fresh.push((id, f.clone()));
                        f
                    }
                    Err(e) => {
                        problems.push(ServiceError::new("无法检查案卷", e));
                        continue;
                    }
                },
            };
            match self.finding_count(id, &findings) {
                Ok(count) => {
                    counts.insert(id, count);
                }
                Err(e) => problems.push(e),
            }
        }
        if let Err(e) = self.project.cache_findings(&self.rules.cache_key(), &fresh) {
            problems.push(ServiceError::new("无法保存自动检查缓存", e));
        }
        (counts, problems)
    }

    /// A case's findings counted against the reviewer's decisions.
    pub fn finding_count(&self, id: CaseId, findings: &[CachedFinding]) -> Outcome<FindingCount> {
        let serious: Vec<&CachedFinding> = findings.iter().filter(|f| f.severity != "notice").collect();
        let err = |e: crate::store::StoreError| ServiceError::new("无法读取对自动检查问题的处理", e);
        let decided: Vec<FindingDecision> = match (&self.reviewer, serious.is_empty()) {
            (Some(r), false) => match self.project.case_number(id).map_err(err)? {
                Some(number) => self.project.finding_decisions(&number, r.id).map_err(err)?,
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        let decided_count = serious
            .iter()
            .filter(|f| decided.iter().any(|d| d.rule == f.rule && d.message == f.message))
            .count();
        Ok(FindingCount {
            serious: serious.len() - decided_count,
            decided: decided_count,
            notices: findings.len() - serious.len(),
        })
    }

    /// A case's count after a change to it (a decision, an edited fact).
    pub fn finding_count_of(&self, number: &str) -> Outcome<(CaseId, FindingCount)> {
        let (stored, findings) = self.load_case_by_number(number)?;
        let cached: Vec<CachedFinding> = findings.iter().map(to_cached).collect();
        Ok((stored.row.id, self.finding_count(stored.row.id, &cached)?))
    }

    // ---- OCR and facts ----

    /// The stored OCR reading of a page of a file.
    pub fn ocr_page(&self, sha256: &str, page: u32) -> Outcome<Option<crate::store::StoredOcrPage>> {
        self.project
            .ocr_page(sha256, page)
            .map_err(|e| ServiceError::new("识别文字无法读取", e))
    }

    /// The facts proposed for a case from its scanned pages.
    pub fn facts(&self, number: &str) -> Outcome<crate::service::facts::CaseProposals> {
        crate::service::facts::case_proposals(&self.project, number)
            .map_err(|e| ServiceError::new("无法读出扫描件中的事实", e))
    }

    /// The facts read from the scans of a case already loaded.
    pub fn facts_of(&self, stored: &StoredCase) -> Outcome<crate::service::facts::CaseProposals> {
        crate::service::facts::proposals_of(&self.project, stored)
            .map_err(|e| ServiceError::new("无法读出扫描件中的事实", e))
    }

    /// Records a change to the facts of a case under the reviewer; returns how many facts
    /// changed.
    pub fn edit_facts(&mut self, number: &str, change: &crate::service::facts::FactChange) -> Outcome<usize> {
        let reviewer = self.require_reviewer("请先选择评查员：修改案卷事实要记入修改记录")?.id;
        crate::service::facts::apply_change(&mut self.project, number, reviewer, change)
            .map_err(|e| ServiceError::new("未能修改案卷事实", e))
    }

    // ---- settings ----

    fn save_setting<T: serde::Serialize>(&self, key: &str, value: &T, what: &str) -> Outcome<()> {
        self.project
            .set_setting(key, value)
            .map_err(|e| ServiceError::new(&format!("未能保存{what}"), e))
    }

    /// Saves the rule parameters and reloads the rules.
    pub fn save_rule_settings(&mut self, settings: &RuleSettings) -> Outcome<RulesView> {
        self.save_setting(RULE_SETTINGS_KEY, settings, "自动检查设置")?;
        self.load_rules()
    }

    /// The project's import limits (defaults where none are stored; where they cannot be
    /// read, the defaults and a line in the log).
    pub fn import_limits(&self) -> ImportLimits {
        match self.project.setting(IMPORT_LIMITS_KEY) {
            Ok(limits) => limits.unwrap_or_default(),
            Err(e) => {
                log::warn!("导入限制无法读取，使用默认值：{e}");
                ImportLimits::default()
            }
        }
    }

    /// Saves the import limits.
    pub fn save_import_limits(&self, limits: &ImportLimits) -> Outcome<()> {
        self.save_setting(IMPORT_LIMITS_KEY, limits, "导入限制")
    }

    /// Which pages are read on import.
    pub fn ocr_scope(&self) -> crate::service::ocr::OcrScope {
        crate::service::ocr::ocr_scope(&self.project)
    }

    /// Saves which pages are read on import.
    pub fn save_ocr_scope(&self, scope: crate::service::ocr::OcrScope) -> Outcome<()> {
        self.save_setting(crate::service::ocr::OCR_SETTING_KEY, &scope, "文字识别设置")
    }

    /// The automatic acceptance threshold of facts read from scans (`None`: off).
    pub fn auto_accept(&self) -> Outcome<Option<f32>> {
        self.project
            .setting::<Option<f32>>(crate::service::facts::AUTO_ACCEPT_KEY)
            .map(Option::flatten)
            .map_err(|e| ServiceError::new("自动采纳设置无法读取", e))
    }

    /// Saves the automatic acceptance threshold.
    pub fn save_auto_accept(&self, threshold: Option<f32>) -> Outcome<()> {
        let range = crate::service::facts::AUTO_ACCEPT_RANGE;
        if let Some(t) = threshold.filter(|t| !range.contains(t)) {
            return Err(ServiceError::plain(format!(
                "自动采纳的置信度 {t} 不在 {} 到 {} 之间",
                range.start(),
                range.end()
            ))
            .at_field("facts_auto_accept"));
        }
        self.save_setting(crate::service::facts::AUTO_ACCEPT_KEY, &threshold, "自动采纳设置")
    }

    /// The 公文 settings.
    pub fn official(&self) -> Outcome<crate::report::documents::OfficialSettings> {
        crate::service::reports::official_settings(&self.project).map_err(|e| ServiceError::new("公文设置无法读取", e))
    }

    /// Saves the 公文 settings.
    pub fn save_official(&self, settings: &crate::report::documents::OfficialSettings) -> Outcome<()> {
        self.save_setting(crate::service::reports::OFFICIAL_KEY, settings, "公文设置")
    }

    /// Adds a year's holiday schedule from a file; returns the year. The rules are reloaded.
    pub fn add_calendar_year(&mut self, file: &Path) -> Outcome<i32> {
        let year = crate::service::checks::add_calendar_year(&self.project, file)
            .map_err(|e| ServiceError::new("未能加入节假日安排", e).in_file(file))?;
        self.load_rules()?;
        Ok(year)
    }

    /// Removes a year the project added. The rules are reloaded.
    pub fn remove_calendar_year(&mut self, year: i32) -> Outcome<()> {
        let mut added: BTreeMap<String, String> = self
            .project
            .setting(CALENDAR_YEARS_KEY)
            .map_err(|e| ServiceError::new("节假日安排无法读取", e))?
            .unwrap_or_default();
        added.remove(&year.to_string());
        self.save_setting(CALENDAR_YEARS_KEY, &added, "节假日安排")?;
        self.load_rules()?;
        Ok(())
    }

    // ---- scoring ----

    /// The reviewer's scoring of a case (nothing without a reviewer).
    pub fn scoring(&self, case_number: &str) -> Outcome<Option<Scoring>> {
        if self.reviewer.is_none() {
            return Ok(None);
        }
        let stored = self
            .project
            .load_case_by_number(case_number)
            .map_err(|e| ServiceError::new("无法读取评分", e))?;
        self.scoring_of(&stored.case)
    }

    /// The reviewer's scoring of a case already loaded (nothing without a reviewer).
    pub fn scoring_of(&self, case: &crate::domain::Case) -> Outcome<Option<Scoring>> {
        let Some(reviewer) = &self.reviewer else {
            return Ok(None);
        };
        let err = |e: anyhow::Error| ServiceError::new("无法读取评分", e);
        let scorings = crate::service::review::case_scorings(&self.project, case, reviewer.id).map_err(err)?;
        let decisions = self
            .project
            .finding_decisions(&case.number, reviewer.id)
            .map_err(|e| err(e.into()))?;
        Ok(Some(Scoring { scorings, decisions }))
    }

    /// Whether the checklist version of a review is still unfrozen (the first mark freezes it).
    pub fn unfrozen(&self, key: &ReviewKey) -> Option<ChecklistKey> {
        match self.project.checklist(key.checklist) {
            Ok(c) => (!c.frozen).then_some(c.key),
            Err(e) => {
                log::warn!("评查标准（版本 {}）无法读取：{e}", key.checklist);
                None
            }
        }
    }

    /// Whether a checklist version is frozen now.
    pub fn is_frozen(&self, key: ChecklistKey) -> bool {
        self.project.checklist(key).is_ok_and(|c| c.frozen)
    }

    /// Sets or clears one mark, with its audit row; returns the review's evaluation with it.
    pub fn mark(
        &mut self,
        key: &ReviewKey,
        item: &str,
        mark: Option<Mark>,
        action: AuditAction,
        note: &str,
    ) -> Outcome<crate::scoring::Evaluation> {
        crate::service::review::apply_mark(&mut self.project, key, item, mark, action, note)
            .map_err(|e| ServiceError::new("评分未保存", e))
    }

    /// The reviewer's scorings of a case, only the checklist named when one is (the command
    /// line's `--checklist`); refused, naming what applies, when none is left.
    pub fn scorings(&self, case_number: &str, checklist: Option<&str>) -> Outcome<Vec<CaseScoring>> {
        let scoring = self
            .scoring(case_number)?
            .ok_or_else(|| ServiceError::plain("请先设置评查员"))?;
        let ids: Vec<String> = scoring
            .scorings
            .iter()
            .map(|s| s.checklist.checklist.id.clone())
            .collect();
        let chosen: Vec<CaseScoring> = scoring
            .scorings
            .into_iter()
            .filter(|s| checklist.is_none_or(|id| s.checklist.checklist.id == id))
            .collect();
        match (chosen.is_empty(), checklist) {
            (false, _) => Ok(chosen),
            (true, Some(id)) => Err(ServiceError::plain(format!(
                "评查标准 {id} 不适用于案卷 {case_number}（适用：{}）",
                ids.join("、")
            ))
            .at_field("checklist")),
            (true, None) => Err(ServiceError::plain(format!("没有适用于案卷 {case_number} 的评查标准"))),
        }
    }

    /// Marks a review done or reopens it. A review with a deduction and no reason is not
    /// complete: refused, naming the item.
    pub fn set_reviewed(&mut self, key: &ReviewKey, done: bool) -> Outcome<()> {
        if done {
            let marks = self
                .project
                .marks(key)
                .map_err(|e| ServiceError::new("无法读取评分", e))?;
            if let Some(m) = crate::service::review::first_unreasoned(&marks) {
                return Err(ServiceError::plain(format!(
                    "评查项 {} 扣了分但没有写理由：请先填写理由，再完成评查",
                    m.item
                ))
                .at_field(&m.item));
            }
        }
        self.project
            .set_reviewed(key, done)
            .map_err(|e| ServiceError::new("未能保存评查状态", e))
    }

    /// The reviewer's scoring of one checklist of a case: the one named, else the only one
    /// that applies (several apply: the checklist must be named).
    pub fn case_scoring(&self, case_number: &str, checklist: Option<&str>) -> Outcome<CaseScoring> {
        let mut chosen = self.scorings(case_number, checklist)?;
        if chosen.len() == 1 {
            return Ok(chosen.remove(0));
        }
        let ids: Vec<String> = chosen.iter().map(|s| s.checklist.checklist.id.clone()).collect();
        Err(ServiceError::plain(format!(
            "案卷 {case_number} 适用多份评查标准（{}），请指定其中一份",
            ids.join("、")
        ))
        .at_field("checklist"))
    }

    /// Accepts finding `finding` of the case's automatic checks into a mark on `item` (the
    /// same mark the scoring panel makes); returns the mark.
    pub fn accept_finding(
        &mut self,
        case_number: &str,
        checklist: Option<&str>,
        finding: &Finding,
        item: &str,
    ) -> Outcome<Mark> {
        let scoring = self.case_scoring(case_number, checklist)?;
        let target = scoring.checklist.checklist.item(item).ok_or_else(|| {
            ServiceError::plain(format!(
                "评查标准 {} 中没有评查项 {item}",
                scoring.checklist.checklist.id
            ))
            .at_field("item")
        })?;
        let old = scoring.marks.iter().find(|m| m.item == item);
        let (mark, decision) = crate::service::review::acceptance(finding, item, target, old);
        self.decide_finding(&scoring.key, &decision, Some(mark.clone()))?;
        Ok(mark)
    }

    /// Rejects (不采纳) a finding of the case's automatic checks, with a reason.
    pub fn reject_finding(
        &mut self,
        case_number: &str,
        checklist: Option<&str>,
        finding: &Finding,
        reason: &str,
    ) -> Outcome<()> {
        if reason.trim().is_empty() {
            return Err(ServiceError::plain("不采纳自动检查的问题须写明理由").at_field("reason"));
        }
        let scoring = self.case_scoring(case_number, checklist)?;
        let decision = crate::service::review::rejection(finding, reason, None);
        self.decide_finding(&scoring.key, &decision, None)
    }

    /// Accepts or rejects a finding of the automatic checks (an acceptance with its mark).
    pub fn decide_finding(&mut self, key: &ReviewKey, decision: &FindingDecision, mark: Option<Mark>) -> Outcome<()> {
        let err = |e: anyhow::Error| ServiceError::new("未能保存对自动检查问题的处理", e);
        if let (Some(m), Some(item)) = (mark, &decision.item) {
            let reason = m.reason.clone();
            crate::service::review::apply_mark(&mut self.project, key, item, Some(m), AuditAction::Mark, &reason)
                .map_err(err)?;
        }
        self.project.decide_finding(key, decision).map_err(|e| err(e.into()))
    }

    /// Withdraws an acceptance: the finding is undecided again, the item's mark put back.
    pub fn withdraw_finding(&mut self, key: &ReviewKey, decision: &FindingDecision, mark: Option<Mark>) -> Outcome<()> {
        let err = |e: anyhow::Error| ServiceError::new("未能撤销对自动检查问题的处理", e);
        if let Some(item) = &decision.item {
            crate::service::review::apply_mark(&mut self.project, key, item, mark, AuditAction::Undo, "")
                .map_err(err)?;
        }
        self.project
            .withdraw_finding_decision(key, decision)
            .map_err(|e| err(e.into()))
    }

    /// A case's 修改记录, oldest first.
    pub fn audit(&self, case_number: &str) -> Outcome<Vec<AuditEntry>> {
        self.project
            .audit(case_number)
            .map_err(|e| ServiceError::new("无法读取修改记录", e))
    }

    /// The finding library.
    pub fn library(&self) -> Outcome<Vec<LibraryEntry>> {
        self.project
            .library()
            .map_err(|e| ServiceError::new("无法读取问题库", e))
    }

    /// Adds a wording to the finding library under the reviewer.
    pub fn add_library_entry(&mut self, entry: &LibraryEntry) -> Outcome<LibraryEntry> {
        let reviewer = self.require_reviewer("请先设置评查员")?.id;
        self.project
            .add_library_entry(reviewer, entry)
            .map_err(|e| ServiceError::new("未能存入问题库", e))
    }

    // ---- checklists ----

    /// Every checklist version.
    pub fn checklists(&self) -> Outcome<Vec<StoredChecklist>> {
        self.project
            .checklists()
            .map_err(|e| ServiceError::new("无法读取评查标准", e))
    }

    /// One checklist version.
    pub fn checklist(&self, key: crate::store::ChecklistKey) -> Outcome<Checklist> {
        self.project
            .checklist(key)
            .map(|c| c.checklist)
            .map_err(|e| ServiceError::new("无法读取评查标准", e))
    }

    /// Saves a checklist (a new version when the stored one is frozen); returns its version.
    pub fn save_checklist(&mut self, checklist: &Checklist) -> Outcome<u32> {
        crate::service::review::save_checklist(&mut self.project, checklist)
            .map(|(_, version)| version)
            .map_err(|e| ServiceError::new("", e))
    }

    /// Reads a checklist file (TOML) and saves it; returns the checklist and its version.
    pub fn import_checklist(&mut self, path: &Path) -> Outcome<(Checklist, u32)> {
        let codes: Vec<String> = self.library()?.into_iter().map(|e| e.code).collect();
        let checklist = crate::service::review::read_checklist_file(path, &codes)
            .map_err(|e| ServiceError::new("未能导入评查标准", e))?;
        let version = self.save_checklist(&checklist)?;
        Ok((checklist, version))
    }

    /// Reads every sheet of a 评查标准 workbook (in the reader process).
    pub fn read_checklist_tables(&self, path: &Path) -> Outcome<Vec<crate::scoring::table::Table>> {
        crate::service::review::read_checklist_tables(path, &self.import_limits())
            .map_err(|e| ServiceError::new("评查标准表格未能读取", e).in_file(path))
    }

    /// Writes a checklist version to a `.toml` or `.xlsx` file (the extension decides).
    pub fn export_checklist(&self, key: ChecklistKey, path: &Path) -> Outcome<()> {
        let err = |e: anyhow::Error| ServiceError::new("导出失败", e);
        let stored = self.project.checklist(key).map_err(|e| err(e.into()))?;
        let is_xlsx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        let bytes = if is_xlsx {
            crate::report::xlsx::checklist_xlsx(&stored.checklist).map_err(|e| err(e.into()))?
        } else {
            crate::scoring::format::to_toml(&stored.checklist).into_bytes()
        };
        crate::service::reports::write_output(path, &bytes).map_err(err)
    }

    // ---- reports ----

    /// Renders a report and writes it to `path`.
    /// Long reports (a notice, the campaign report, the XLSX export) tell `control` their
    /// progress case by case and stop when it is cancelled, before anything is written.
    pub fn write_report(
        &self,
        kind: &ReportKind,
        options: &ReportOptions,
        path: &Path,
        control: &mut Control<'_>,
    ) -> Outcome<Written> {
        use crate::service::reports as r;
        let err = |e: anyhow::Error| ServiceError::new("未能生成", e);
        let (date, days) = (options.date.as_deref(), options.reply_days);
        let document = match kind {
            ReportKind::ScoreSheet { case, source, unmasked } => {
                r::score_sheet_document(&self.project, case, source, *unmasked, date)
            }
            ReportKind::Notice { unit, campaign } => {
                r::notice_document(&self.project, unit, campaign.as_deref(), date, days, control)
            }
            ReportKind::Campaign {
                campaign,
                internal,
                number,
            } => r::campaign_report_document(
                &self.project,
                campaign,
                date,
                days,
                *internal,
                Some(number.as_str()),
                control,
            ),
            ReportKind::Xlsx { campaign } => {
                let bytes = r::export_xlsx(&self.project, campaign.as_deref(), control).map_err(err)?;
                crate::service::reports::write_output(path, &bytes).map_err(err)?;
                return Ok(Written {
                    path: path.to_path_buf(),
                    pages: None,
                    bytes: bytes.len(),
                    warnings: Vec::new(),
                });
            }
        }
        .map_err(err)?;
        let rendered = r::write_pdf(&document, path).map_err(err)?;
        Ok(Written {
            path: path.to_path_buf(),
            pages: Some(rendered.pages),
            bytes: rendered.bytes.len(),
            warnings: rendered.warnings,
        })
    }

    /// The campaign that drew a case (the first, when several did).
    pub fn campaign_of(&self, case: &str) -> Outcome<String> {
        self.project
            .campaigns()
            .map_err(|e| ServiceError::new("无法读取评查活动", e))?
            .into_iter()
            .find(|c| c.cases.iter().any(|n| n == case))
            .map(|c| c.name)
            .ok_or_else(|| ServiceError::plain(format!("案卷 {case} 不在任何评查活动中")))
    }

    /// The project's first campaign.
    pub fn first_campaign(&self) -> Outcome<String> {
        self.project
            .campaigns()
            .map_err(|e| ServiceError::new("无法读取评查活动", e))?
            .into_iter()
            .next()
            .map(|c| c.name)
            .ok_or_else(|| ServiceError::plain("项目中还没有评查活动"))
    }

    /// The 公文 settings with the font each role uses, described (font discovery reads the
    /// system's font folders).
    pub fn official_fonts(&self) -> Outcome<(crate::report::documents::OfficialSettings, Vec<String>)> {
        let settings = self.official()?;
        let fonts = crate::report::fonts::FontSet::installed()
            .choices
            .iter()
            .map(crate::report::fonts::FontChoice::describe)
            .collect();
        Ok((settings, fonts))
    }

    // ---- rectification ----

    /// Every tracked problem.
    pub fn rectify_items(&self) -> Outcome<Vec<crate::domain::rectification::RectifyItem>> {
        self.project
            .rectify_items()
            .map_err(|e| ServiceError::new("整改跟踪项无法读取", e))
    }

    /// Issues a unit's notice: tracks its problems and writes the PDF. Returns what to tell
    /// the user and the file.
    pub fn issue_notice(
        &mut self,
        request: &crate::service::rectify::IssueRequest<'_>,
        path: &Path,
    ) -> Outcome<(String, Written)> {
        let err = |e: anyhow::Error| ServiceError::new("整改跟踪", e);
        let by = self.require_reviewer("整改跟踪：请先选择评查员身份（登记人）")?.clone();
        let issued = crate::service::rectify::issue(&mut self.project, request, &by).map_err(err)?;
        let rendered = crate::service::reports::write_pdf(&issued.document, path).map_err(err)?;
        let outcome = format!(
            "已印发 {}（{}）：{} 个问题登记为整改跟踪项，{} 前整改",
            issued.number,
            request.unit,
            issued.problems,
            issued.due.format("%Y-%m-%d")
        );
        Ok((
            outcome,
            Written {
                path: path.to_path_buf(),
                pages: Some(rendered.pages),
                bytes: rendered.bytes.len(),
                warnings: rendered.warnings,
            },
        ))
    }

    /// Records a unit's written answer with its files; returns how many files were stored.
    pub fn record_answer(
        &mut self,
        item: i64,
        date: chrono::NaiveDate,
        text: &str,
        files: &[PathBuf],
    ) -> Outcome<usize> {
        let err = |e: anyhow::Error| ServiceError::new("整改跟踪", e);
        let by = self.require_reviewer("整改跟踪：请先选择评查员身份（登记人）")?.clone();
        crate::service::rectify::check_files(files).map_err(err)?;
        let stored = crate::service::rectify::store_attachments(&self.project, files).map_err(err)?;
        self.project
            .record_answer(item, date, text, &stored, by.id, &by.name)
            .map_err(|e| err(e.into()))?;
        Ok(stored.len())
    }

    /// Records the organiser's verification of a problem.
    pub fn record_verification(
        &mut self,
        item: i64,
        outcome: crate::domain::rectification::Outcome,
        reason: &str,
        date: chrono::NaiveDate,
        new_due: Option<chrono::NaiveDate>,
    ) -> Outcome<String> {
        let by = self.require_reviewer("整改跟踪：请先选择评查员身份（登记人）")?.clone();
        self.project
            .record_verification(item, outcome, reason, date, new_due, by.id, &by.name)
            .map_err(|e| ServiceError::new("整改跟踪", e))?;
        let closed = if outcome == crate::domain::rectification::Outcome::Done {
            "（销号）"
        } else {
            ""
        };
        Ok(format!("已登记问题 {item} 的核查结果：{}{closed}", outcome.label()))
    }

    /// Writes the 整改情况汇总表.
    pub fn rectify_summary(&self, today: chrono::NaiveDate, path: &Path) -> Outcome<Written> {
        let err = |e: anyhow::Error| ServiceError::new("整改跟踪", e);
        let document = crate::service::rectify::summary_document(&self.project, today).map_err(err)?;
        let rendered = crate::service::reports::write_pdf(&document, path).map_err(err)?;
        Ok(Written {
            path: path.to_path_buf(),
            pages: Some(rendered.pages),
            bytes: rendered.bytes.len(),
            warnings: rendered.warnings,
        })
    }

    // ---- campaigns ----

    /// Every campaign with its reviewers.
    pub fn campaigns(&self) -> Outcome<Vec<(crate::store::CampaignInfo, Vec<crate::store::CampaignReviewer>)>> {
        self.project
            .campaigns()
            .and_then(|all| {
                all.into_iter()
                    .map(|c| {
                        let reviewers = self.project.campaign_reviewers(c.id)?;
                        Ok((c, reviewers))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| ServiceError::new("无法读取评查活动", e))
    }

    /// A campaign's drawn cases scored so far: (scored, drawn).
    pub fn campaign_progress(&self, campaign: &str) -> Outcome<(usize, usize)> {
        self.project
            .campaign(campaign)
            .and_then(|info| self.project.campaign_progress(info.id))
            .map_err(|e| ServiceError::new("无法读取评查进度", e))
    }

    /// Creates a campaign with its draw (the default checklists seeded first); returns what
    /// to tell the user and the campaign with its drawn cases.
    pub fn create_campaign(
        &mut self,
        name: &str,
        year: i32,
        config: crate::review::campaign::CampaignConfig,
    ) -> Outcome<(String, crate::store::CampaignInfo)> {
        self.prepare()?;
        let info = crate::review::campaign::create_campaign(&mut self.project, name, year, config)
            .map_err(|e| ServiceError::new("未能建立评查活动", e))?;
        let told = format!("已建立评查活动“{}”：抽取 {} 件案卷", info.name, info.cases.len());
        Ok((told, info))
    }

    /// Adds 回避 (case = reviewer pairs never assigned) and 指定 (pairs always assigned) to a
    /// campaign's assignment rules.
    pub fn constrain_assignment(
        &mut self,
        campaign: &str,
        exclude: Vec<(String, String)>,
        pin: Vec<(String, String)>,
    ) -> Outcome<()> {
        crate::review::campaign::update_config(&mut self.project, campaign, |c| {
            c.exclusions.extend(exclude);
            c.pins.extend(pin);
        })
        .map_err(|e| ServiceError::new("未能保存回避和指定", e))
    }

    /// Adds a reviewer to a campaign.
    #[allow(clippy::too_many_arguments)]
    pub fn add_campaign_reviewer(
        &mut self,
        campaign: &str,
        name: &str,
        unit: &str,
        lead: bool,
        team: &str,
        public_key: Option<&str>,
    ) -> Outcome<()> {
        crate::review::campaign::add_reviewer(&mut self.project, campaign, name, unit, lead, team, public_key)
            .map(|_| ())
            .map_err(|e| ServiceError::new("未能登记评查员", e))
    }

    /// The assignment explained line by line; with `apply` it is stored first.
    pub fn assignment(&mut self, campaign: &str, apply: bool) -> Outcome<Vec<String>> {
        use crate::review::campaign as c;
        let err = |e: crate::review::ReviewError| ServiceError::new("无法分配", e);
        if apply {
            c::apply_assignment(&mut self.project, campaign).map_err(err)?;
        }
        let (input, plan) = c::preview_assignment(&self.project, campaign).map_err(err)?;
        Ok(plan.explain(&input))
    }

    /// Every case of a campaign compared, with the statistics.
    pub fn compare(
        &self,
        campaign: &str,
        control: &mut Control<'_>,
    ) -> Outcome<(
        Vec<crate::review::campaign::CaseComparison>,
        crate::review::campaign::CampaignStats,
    )> {
        let cases = crate::review::campaign::compare_all(&self.project, campaign, control)
            .map_err(|e| ServiceError::new("无法比较评分", e))?;
        let stats = crate::review::campaign::stats_of(&cases);
        Ok((cases, stats))
    }

    /// One case of a campaign compared.
    pub fn compare_case(&self, campaign: &str, case: &str) -> Outcome<crate::review::campaign::CaseComparison> {
        crate::review::campaign::compare_case(&self.project, campaign, case)
            .map_err(|e| ServiceError::new("无法比较评分", e))
    }

    /// Records a consensus mark under the reviewer (记录人).
    pub fn record_consensus(
        &mut self,
        campaign: &str,
        case: &str,
        item: &str,
        mark: Option<Mark>,
        reason: &str,
    ) -> Outcome<String> {
        let r = self.require_reviewer("请先设置评查员（记录人）")?.clone();
        crate::review::campaign::record_consensus(
            &mut self.project,
            campaign,
            case,
            item,
            mark,
            reason,
            (&r.name, &r.unit),
        )
        .map_err(|e| ServiceError::new("未能记录合议", e))?;
        Ok(format!("已记录合议：{case} {item}"))
    }

    /// Signs a case off or unlocks it under the reviewer (复核人); returns what to tell the
    /// user and whether the project's current cases changed (a held revision released).
    pub fn sign_off(&mut self, campaign: &str, case: &str, lock: bool, reason: &str) -> Outcome<(String, bool)> {
        let r = self.require_reviewer("请先设置评查员（复核人）")?.clone();
        let done =
            crate::review::campaign::sign_off(&mut self.project, campaign, case, lock, (&r.name, &r.unit), reason)
                .map_err(|e| ServiceError::new("未能保存复核", e))?;
        Ok((done.summary.0, done.released.is_some()))
    }

    /// Issues a reviewer's kit (with its cover sheet), signed with the organiser's key: the
    /// one named in `options`, else the reviewer at work, else
    /// [`crate::review::kit::DEFAULT_ORGANISER`].
    pub fn issue_kit(
        &mut self,
        campaign: &str,
        reviewer: &str,
        path: &Path,
        options: &KitOptions,
        control: &mut Control<'_>,
    ) -> Outcome<String> {
        let organiser = match (&options.organiser, &self.reviewer) {
            (Some(name), _) => name.clone(),
            (None, Some(r)) => r.name.clone(),
            (None, None) => crate::review::kit::DEFAULT_ORGANISER.to_string(),
        };
        let unmasked = options.unmasked;
        crate::service::reports::issue_kit(
            &mut self.project,
            campaign,
            reviewer,
            &organiser,
            unmasked,
            path,
            control,
        )
        .map(|s| s.0)
        .map_err(|e| ServiceError::new("未能生成评查包", e))
    }

    /// Imports a score return.
    pub fn import_return(&mut self, path: &Path) -> Outcome<String> {
        crate::review::campaign::import_return(&mut self.project, path)
            .map(|(_, summary)| summary.0)
            .map_err(|e| ServiceError::new("", e).in_file(path))
    }

    /// Exports this workspace's scores as a signed return.
    pub fn export_return(&self, path: &Path) -> Outcome<String> {
        crate::review::campaign::export_return(self.project.dir(), path)
            .map(|s| s.0)
            .map_err(|e| ServiceError::new("未能导出回收包", e))
    }
}

/// How a kit is issued.
#[derive(Debug, Clone, Default)]
pub struct KitOptions {
    /// Whose key signs it (default: the reviewer at work).
    pub organiser: Option<String>,
    /// 身份证号 left unmasked (masked by default).
    pub unmasked: bool,
}

/// Opens a reviewer kit as a new workspace folder; needs no open project.
pub fn open_kit(kit: &Path, workspace: &Path) -> Outcome<String> {
    crate::review::campaign::open_kit(kit, workspace)
        .map(|s| s.0)
        .map_err(|e| ServiceError::new("未能打开评查包", e).in_file(kit))
}
