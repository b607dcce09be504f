//! The documents review teams hand over, as document trees (pure): the score sheet of a case
//! (案卷评查表, also as a blank form with the automatic checks' suggestions), the rectification
//! notice to a unit (整改通知书 with its finding list), and the campaign report (评查报告).
//! Personal data is masked unless the caller asks otherwise.

use serde::Deserialize;

use super::model::{Block, Chart, ChartKind, Document, Table};
use crate::domain::{Case, Checklist, ItemRef, Mark, MarkValue, PartyKind, fmt_points};
use crate::scoring::Evaluation;

pub use crate::domain::mask_id;

/// An individual's name → 王某 (organisations unchanged).
pub fn mask_name(name: &str) -> String {
    name.chars().next().map_or_else(String::new, |c| format!("{c}某"))
}

/// Any text about a case (its title) with an individual party's name masked, unless `unmasked`.
pub fn mask_case_text(case: &Case, text: &str, unmasked: bool) -> String {
    match &case.party {
        Some(p) if p.kind == Some(PartyKind::Individual) && !unmasked && !p.name.is_empty() => {
            text.replace(&p.name, &mask_name(&p.name))
        }
        _ => text.to_string(),
    }
}

/// The party as printed: masked for individuals unless `unmasked`.
fn party_line(case: &Case, unmasked: bool) -> String {
    let Some(p) = &case.party else { return String::new() };
    let individual = p.kind == Some(PartyKind::Individual);
    let name = if individual && !unmasked {
        mask_name(&p.name)
    } else {
        p.name.clone()
    };
    match (&p.id_number, individual) {
        (Some(id), true) => format!("{name}（身份证号 {}）", if unmasked { id.clone() } else { mask_id(id) }),
        (Some(id), false) => format!("{name}（{id}）"),
        (None, _) => name,
    }
}

/// What a score sheet shows.
pub struct ScoreSheet<'a> {
    /// The reviewing agency (评查机关).
    pub agency: &'a str,
    /// The case.
    pub case: &'a Case,
    /// Checklist version.
    pub checklist: &'a Checklist,
    /// The marks (a reviewer's, or the consensus); `None` prints the blank form.
    pub marks: Option<&'a [Mark]>,
    /// Their evaluation.
    pub evaluation: Option<&'a Evaluation>,
    /// Reviewers who sign.
    pub reviewers: Vec<String>,
    /// Team lead who signs.
    pub lead: Option<String>,
    /// Date printed (from the data, never the clock).
    pub date: String,
    /// 合议 note (which items were agreed and why).
    pub consensus_note: Option<String>,
    /// Automatic checks' findings as (item id, rule, message): suggested deductions.
    pub suggestions: Vec<(String, String, String)>,
    /// Print personal data in full.
    pub unmasked: bool,
}

/// The 案卷评查表.
#[expect(clippy::too_many_lines, reason = "the score sheet's blocks in printed order")]
pub fn score_sheet(s: &ScoreSheet<'_>) -> Document {
    let c = s.checklist;
    let blank = s.marks.is_none();
    let mut doc = Document::new(format!("案卷评查表 {}", s.case.number));
    doc.push(Block::Issuer(s.agency.to_string()))
        .push(Block::Title(if blank {
            "行政执法案卷评查表（空白）".into()
        } else {
            "行政执法案卷评查表".into()
        }))
        .push(Block::KeyValues(vec![
            ("案号".into(), s.case.number.clone()),
            ("案件名称".into(), mask_case_text(s.case, &s.case.title, s.unmasked)),
            ("承办单位".into(), s.case.unit.clone()),
            ("当事人".into(), party_line(s.case, s.unmasked)),
            ("评查标准".into(), format!("{}（第{}版）", c.name, c.version)),
            (
                "评查人".into(),
                if s.reviewers.is_empty() {
                    "　".into()
                } else {
                    s.reviewers.join("、")
                },
            ),
            ("评查日期".into(), s.date.clone()),
        ]));
    let mark_of = |id: &str| s.marks.and_then(|m| m.iter().find(|m| m.item == id));
    let reason_of = |id: &str| -> String {
        let mut parts = Vec::new();
        if let Some(m) = mark_of(id) {
            if !m.reason.is_empty() {
                parts.push(m.reason.clone());
            }
            if let Some(a) = &m.anchor {
                parts.push(format!("见《{}》第{}页", a.doc_type, a.page));
            }
            if let Some(rule) = &m.from_rule {
                parts.push(format!("来自自动检查“{}”", crate::rules::rule_name(rule)));
            }
        }
        for (item, rule, message) in &s.suggestions {
            if item == id && blank {
                parts.push(format!("建议（{}）：{message}", crate::rules::rule_name(rule)));
            }
        }
        parts.join("；")
    };
    if !c.veto_items.is_empty() {
        doc.push(Block::Heading(format!("一、否决项（{}）", c.veto_effect.label())));
        doc.push(Block::Table(Table {
            headers: vec!["编号".into(), "否决情形".into(), "结论".into(), "问题及页码".into()],
            rows: c
                .veto_items
                .iter()
                .map(|v| {
                    let outcome = match mark_of(&v.id).map(|m| m.value) {
                        Some(MarkValue::VetoHit) => "否决",
                        Some(MarkValue::NotApplicable) => "不涉及",
                        _ if blank => "",
                        _ => "无",
                    };
                    vec![v.id.clone(), v.text.clone(), outcome.into(), reason_of(&v.id)]
                })
                .collect(),
        }));
    }
    for (i, section) in c.sections.iter().enumerate() {
        let score = s
            .evaluation
            .and_then(|e| e.sections.iter().find(|x| x.section == section.id));
        doc.push(Block::Heading(format!(
            "{}、{}（{}分）{}",
            chinese_number(i + 2),
            section.name,
            fmt_points(section.points),
            score
                .map(|x| format!("　得分 {}", fmt_points(x.score)))
                .unwrap_or_default()
        )));
        doc.push(Block::Table(Table {
            headers: vec![
                "编号".into(),
                "评查内容".into(),
                "分值".into(),
                "扣分".into(),
                "得分".into(),
                "问题及页码".into(),
            ],
            rows: section
                .items
                .iter()
                .map(|item| {
                    let scored = s.evaluation.and_then(|e| e.item(&item.id));
                    let (deducted, got) = match (scored, mark_of(&item.id).map(|m| m.value)) {
                        (_, Some(MarkValue::NotApplicable)) => ("不涉及".to_string(), String::new()),
                        (Some(x), _) => (
                            if x.deducted + x.carried > 0.0 {
                                fmt_points(x.deducted + x.carried)
                            } else {
                                String::new()
                            },
                            fmt_points(x.score),
                        ),
                        (None, _) => (String::new(), String::new()),
                    };
                    vec![
                        item.id.clone(),
                        format!("{}（{}）", item.text, item.deduction.describe(item.points)),
                        fmt_points(item.points),
                        deducted,
                        got,
                        reason_of(&item.id),
                    ]
                })
                .collect(),
        }));
    }
    if c.bonus_enabled && !c.bonus_items.is_empty() {
        doc.push(Block::Heading("加分项".into()));
        doc.push(Block::Table(Table {
            headers: vec!["编号".into(), "内容".into(), "最多加分".into(), "加分".into()],
            rows: c
                .bonus_items
                .iter()
                .map(|b| {
                    let got = match mark_of(&b.id).map(|m| m.value) {
                        Some(MarkValue::Award(p)) => fmt_points(p.min(b.points)),
                        _ => String::new(),
                    };
                    vec![b.id.clone(), b.text.clone(), fmt_points(b.points), got]
                })
                .collect(),
        }));
    }
    match s.evaluation.filter(|_| !blank) {
        Some(e) => {
            doc.push(Block::KeyValues(vec![
                (
                    "总分".into(),
                    format!("{} / {}", fmt_points(e.total), fmt_points(c.total_points)),
                ),
                ("等次".into(), e.grade.clone()),
            ]));
            for line in &e.explanation {
                doc.push(Block::Line(line.clone()));
            }
        }
        None => {
            let bands: Vec<String> = c
                .bands
                .iter()
                .map(|b| format!("{} ≥{}分", b.grade, fmt_points(b.min_points)))
                .collect();
            doc.push(Block::KeyValues(vec![
                ("总分".into(), format!("　　　　 / {}", fmt_points(c.total_points))),
                ("等次".into(), format!("　　　　（{}）", bands.join("，"))),
            ]));
            if !s.suggestions.is_empty() {
                doc.push(Block::Line(format!(
                    "“问题及页码”栏中的“建议”来自自动检查，共 {} 条，由评查人核实后决定是否扣分。",
                    s.suggestions.len()
                )));
            }
        }
    }
    if let Some(note) = &s.consensus_note {
        doc.push(Block::Heading("合议意见".into()))
            .push(Block::Paragraph(note.clone()));
    }
    let mut signature: Vec<String> = if s.reviewers.is_empty() {
        vec!["评查人（签名）：＿＿＿＿＿＿　＿＿＿＿＿＿".into()]
    } else {
        s.reviewers
            .iter()
            .map(|r| format!("评查人（签名）：＿＿＿＿＿＿（{r}）"))
            .collect()
    };
    signature.push(format!(
        "组长（签名）：＿＿＿＿＿＿{}",
        s.lead.as_ref().map(|l| format!("（{l}）")).unwrap_or_default()
    ));
    signature.push(s.date.clone());
    doc.push(Block::Signature(signature));
    doc
}

fn chinese_number(n: usize) -> &'static str {
    [
        "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五",
    ]
    .get(n)
    .copied()
    .unwrap_or("十")
}

/// One problem on the finding list of a notice.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeFinding {
    /// The checklist item's id.
    pub id: String,
    /// The checklist item as printed: id, text and the deduction.
    pub item: String,
    /// What is wrong.
    pub wording: String,
    /// Legal basis.
    pub basis: String,
    /// Rectification advice.
    pub advice: String,
}

/// A case on a notice.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeCase {
    /// 案号.
    pub number: String,
    /// 案件名称.
    pub title: String,
    /// Final score and grade, printed.
    pub result: String,
    /// Whose scoring the result and problems come from (合议, a reviewer, …), printed.
    pub basis: String,
    /// Problems.
    pub findings: Vec<NoticeFinding>,
}

/// Editable wording of reports (`assets/report-templates.toml`, or the project's copy).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Templates {
    /// 一、基本情况.
    pub basic: String,
    /// 二、评查结果 (lead-in).
    pub results: String,
    /// 三、三项制度 (lead-in).
    pub three_systems: String,
    /// 四、主要问题 (lead-in).
    pub problems: String,
    /// 五、整改要求和建议.
    pub requirements: String,
    /// The body of a rectification notice.
    pub notice: String,
}

impl Templates {
    /// The bundled wording.
    pub fn bundled() -> Result<Self, String> {
        toml::from_str(crate::assets::REPORT_TEMPLATES).map_err(|e| format!("assets/report-templates.toml: {e}"))
    }
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (key, value) in values {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

/// What a project says about its 公文 (the 通报 and the 整改通知书): numbering, the document
/// the campaign rests on, the contact for questions, 抄送 and 印发. Local practice [I]:
/// every field is the project's to set; empty fields leave their line blank or out.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
#[serde(default)]
pub struct OfficialSettings {
    /// 发文字号 of the 通报: `{year}` and `{n}` filled in (an unnumbered draft leaves `{n}`
    /// blank for the office to fill).
    pub report_number: String,
    /// 发文字号 of a 整改通知书, numbered per year as notices are issued.
    pub notice_number: String,
    /// 依据文件 named in the 通报 (`《××市应急管理局2024年度行政执法案卷评查工作方案》`).
    pub basis: String,
    /// 联系人 on the 整改通知书.
    pub contact: String,
    /// 联系电话.
    pub phone: String,
    /// 抄送机关 (版记).
    pub copy_to: Vec<String>,
    /// 印发机关 (版记); empty: the agency itself.
    pub printed_by: String,
}

impl Default for OfficialSettings {
    fn default() -> Self {
        Self {
            report_number: "评查通报〔{year}〕{n}号".into(),
            notice_number: "评查整改〔{year}〕{n}号".into(),
            basis: String::new(),
            contact: String::new(),
            phone: String::new(),
            copy_to: Vec::new(),
            printed_by: String::new(),
        }
    }
}

impl OfficialSettings {
    /// A 文号 from a pattern: `n` None leaves the number blank (a draft).
    pub fn number(pattern: &str, year: i32, n: Option<usize>) -> String {
        pattern
            .replace("{year}", &year.to_string())
            .replace("{n}", &n.map_or_else(|| "　".to_string(), |n| n.to_string()))
    }

    /// The settings as (key, label, value) for listing.
    pub fn entries(&self) -> Vec<(&'static str, &'static str, String)> {
        vec![
            ("report_number", "通报文号格式", self.report_number.clone()),
            ("notice_number", "整改通知文号格式", self.notice_number.clone()),
            ("basis", "依据文件", self.basis.clone()),
            ("contact", "联系人", self.contact.clone()),
            ("phone", "联系电话", self.phone.clone()),
            ("copy_to", "抄送机关", self.copy_to.join("、")),
            ("printed_by", "印发机关", self.printed_by.clone()),
        ]
    }

    /// Sets one field by its key (`copy_to` takes names separated by 、 or commas).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let value = value.trim().to_string();
        match key {
            "report_number" | "notice_number" if !value.contains("{n}") => {
                return Err(format!(
                    "{key}：文号格式须含 {{n}}（序号），如 评查通报〔{{year}}〕{{n}}号"
                ));
            }
            "report_number" => self.report_number = value,
            "notice_number" => self.notice_number = value,
            "basis" => self.basis = value,
            "contact" => self.contact = value,
            "phone" => self.phone = value,
            "printed_by" => self.printed_by = value,
            "copy_to" => {
                self.copy_to = value
                    .split(['、', ',', '，'])
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
            }
            other => {
                let keys: Vec<&str> = self.entries().iter().map(|(k, _, _)| *k).collect();
                return Err(format!("没有“{other}”这一项（可用：{}）", keys.join("、")));
            }
        }
        Ok(())
    }

    /// The 印发机关: the setting, else the agency.
    pub fn printer(&self, agency: &str) -> String {
        if self.printed_by.trim().is_empty() {
            agency.to_string()
        } else {
            self.printed_by.trim().to_string()
        }
    }
}

/// The subject of a campaign in titles, 评查 said once: `2024年度交叉评查` stays,
/// `2024年度专项` → `2024年度专项案卷评查`.
fn campaign_subject(campaign: &str) -> String {
    let name = campaign.trim();
    if name.contains("评查") {
        name.to_string()
    } else {
        format!("{name}案卷评查")
    }
}

/// What a 整改通知书 says.
pub struct Notice<'a> {
    /// The issuing agency.
    pub agency: &'a str,
    /// The campaign (or `案卷评查`).
    pub campaign: &'a str,
    /// The unit it goes to (主送机关).
    pub unit: &'a str,
    /// Its 文号 (a draft: the pattern with the number blank).
    pub number: &'a str,
    /// 成文日期 (`2024年12月1日`).
    pub date: &'a str,
    /// 整改期限.
    pub deadline: &'a str,
    /// The unit's cases with their problems.
    pub cases: &'a [NoticeCase],
    /// Wording.
    pub templates: &'a Templates,
    /// Contact, 抄送, 印发.
    pub official: &'a OfficialSettings,
}

/// The 整改通知书 as a 公文 (GB/T 9704-2012): 发文机关标志 and 文号, the title naming the
/// agency, the unit as 主送机关, then per case each problem with the item, the deduction, the
/// agreed reason, the basis and the advice; the 整改期限 and the contact; 署名, 成文日期, 版记.
pub fn rectification_notice(n: &Notice<'_>) -> Document {
    let mut doc = Document::new(format!("整改通知书 {}", n.unit));
    doc.official = true;
    doc.push(Block::OfficialHead {
        issuer: n.agency.to_string(),
        number: n.number.to_string(),
    })
    .push(Block::Title(format!(
        "{}关于{}发现问题整改的通知",
        n.agency,
        campaign_subject(n.campaign)
    )))
    .push(Block::Addressee(format!("{}：", n.unit)))
    .push(Block::Paragraph(fill(
        &n.templates.notice,
        &[
            ("agency", n.agency.to_string()),
            ("name", n.campaign.to_string()),
            ("cases", n.cases.len().to_string()),
            ("deadline", n.deadline.to_string()),
        ],
    )));
    let mut count = 0;
    for (i, c) in n.cases.iter().enumerate() {
        doc.push(Block::Heading(format!(
            "{}. {}　{}（{}）",
            i + 1,
            c.number,
            c.title,
            c.result
        )));
        if !c.basis.is_empty() {
            doc.push(Block::Line(c.basis.clone()));
        }
        if c.findings.is_empty() {
            doc.push(Block::Line("未发现需整改的问题。".into()));
            continue;
        }
        count += c.findings.len();
        doc.push(Block::Table(Table {
            headers: vec![
                "序号".into(),
                "评查项（扣分）".into(),
                "问题".into(),
                "依据".into(),
                "整改建议".into(),
            ],
            rows: c
                .findings
                .iter()
                .enumerate()
                .map(|(k, f)| {
                    vec![
                        (k + 1).to_string(),
                        f.item.clone(),
                        f.wording.clone(),
                        f.basis.clone(),
                        f.advice.clone(),
                    ]
                })
                .collect(),
        }));
    }
    doc.push(Block::Paragraph(format!(
        "以上共 {} 件案卷、{count} 个问题，请于{}前整改完毕，并将整改情况（逐项说明整改措施，附相关材料）书面报送{}。",
        n.cases.len(),
        n.deadline,
        n.agency
    )));
    let blank = "＿＿＿＿＿＿";
    let or_blank = |s: &str| {
        if s.trim().is_empty() {
            blank.to_string()
        } else {
            s.trim().to_string()
        }
    };
    doc.push(Block::Paragraph(format!(
        "联系人：{}　　联系电话：{}",
        or_blank(&n.official.contact),
        or_blank(&n.official.phone)
    )))
    .push(Block::Signature(vec![n.agency.to_string(), n.date.to_string()]))
    .push(Block::Colophon {
        copy_to: n.official.copy_to.clone(),
        printed_by: n.official.printer(n.agency),
        printed_on: n.date.to_string(),
    });
    doc
}

/// What the 评查包交接单 (a kit's cover sheet) says.
pub struct KitCover<'a> {
    /// The organiser's agency.
    pub agency: &'a str,
    /// Campaign name.
    pub campaign: &'a str,
    /// Reviewer and unit.
    pub reviewer: &'a str,
    /// Reviewer's unit.
    pub unit: &'a str,
    /// The kit's file name.
    pub file: &'a str,
    /// SHA-256 of the kit file, hex.
    pub sha256: &'a str,
    /// The organiser's key fingerprint (`3F2A-91C0-77D4-0B1E`).
    pub fingerprint: &'a str,
    /// Whether personal data were masked.
    pub masked: bool,
    /// Case numbers in the kit.
    pub cases: &'a [String],
    /// Issue date.
    pub date: &'a str,
}

/// The 评查包交接单: printed with the kit and handed over with it, so that the reviewer can
/// compare, on paper, the signer's key fingerprint the app shows when the kit is opened.
pub fn kit_cover(c: &KitCover<'_>) -> Document {
    let mut doc = Document::new(format!("评查包交接单 {}", c.reviewer));
    // The hash in groups of eight, four groups a line: read aloud or compared by eye.
    let groups: Vec<&str> = (0..c.sha256.len())
        .step_by(8)
        .filter_map(|i| c.sha256.get(i..(i + 8).min(c.sha256.len())))
        .collect();
    let hash = groups
        .chunks(4)
        .map(|line| line.join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    doc.push(Block::Issuer(c.agency.to_string()))
        .push(Block::Title("评查包交接单".into()))
        .push(Block::KeyValues(vec![
            ("评查活动".into(), c.campaign.to_string()),
            ("评查员".into(), format!("{}（{}）", c.reviewer, c.unit)),
            ("评查包文件".into(), c.file.to_string()),
            ("案卷数".into(), format!("{} 件", c.cases.len())),
            (
                "个人信息".into(),
                if c.masked { "身份证号已遮蔽" } else { "未遮蔽" }.to_string(),
            ),
            ("签发日期".into(), c.date.to_string()),
        ]))
        .push(Block::Heading("核对".into()))
        .push(Block::KeyValues(vec![
            ("组织者密钥指纹".into(), c.fingerprint.to_string()),
            ("评查包校验值（SHA-256）".into(), hash),
        ]))
        .push(Block::Paragraph(
            "评查员在本机打开评查包时，程序会显示签发者密钥指纹，应与上列组织者密钥指纹一致；不一致的，不要评分，立即告知组织者。回收包会注明所依据评查包的校验值，组织者只接收依据本单所列评查包作出的回收包。".into(),
        ))
        // The handover is signed on the first page, whatever the length of the case list.
        .push(Block::Space(8.0))
        .push(Block::Signature(vec![
            "交付人（组织者）：__________　日期：__________".into(),
            "接收人（评查员）：__________　日期：__________".into(),
        ]))
        .push(Block::Heading("案卷清单".into()))
        .push(Block::Table(Table {
            headers: vec!["序号".into(), "案号".into()],
            rows: c
                .cases
                .iter()
                .enumerate()
                .map(|(i, n)| vec![(i + 1).to_string(), n.clone()])
                .collect(),
        }));
    doc
}

/// A case's line in the campaign report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportCase {
    /// 案号.
    pub number: String,
    /// Unit.
    pub unit: String,
    /// Kind, printed.
    pub kind: String,
    /// Final score.
    pub score: f64,
    /// Grade.
    pub grade: String,
    /// How the score was decided (合议 / 平均分).
    pub source: String,
    /// Reviewers.
    pub reviewers: String,
}

/// What the campaign report is built from.
pub struct CampaignReport<'a> {
    /// Reviewing agency.
    pub agency: &'a str,
    /// Campaign name.
    pub name: &'a str,
    /// Year.
    pub year: i32,
    /// Report date (from the data).
    pub date: &'a str,
    /// Reply deadline for rectification.
    pub deadline: &'a str,
    /// Reviewers.
    pub reviewers: usize,
    /// Cases drawn for the campaign (scored or not).
    pub drawn_cases: usize,
    /// Units those cases come from.
    pub drawn_units: usize,
    /// Reviewers per case.
    pub per_case: usize,
    /// Grades from best to worst (for ordering).
    pub grades: Vec<String>,
    /// Scored cases.
    pub cases: Vec<ReportCase>,
    /// 三项制度: (what, cases meeting it, cases concerned).
    pub three_systems: Vec<(String, usize, usize)>,
    /// Most frequent problems: (wording, cases, example case).
    pub problems: Vec<(String, usize, String)>,
    /// Problems an earlier 整改通知 already named for the same unit: (unit, item, notices).
    pub repeats: Vec<(String, String, Vec<String>)>,
    /// Reviewer agreement lines (statistic, value).
    pub agreement: Vec<(String, String)>,
    /// Whether the internal annex (the reviewers' agreement statistics) is added: the 通报
    /// sent to the units goes without it.
    pub internal: bool,
    /// Wording.
    pub templates: &'a Templates,
    /// 发文字号.
    pub number: &'a str,
    /// The period the cases were reviewed in (`2024年11月28日至12月1日`), if known.
    pub period: Option<String>,
    /// 依据文件, 抄送, 印发.
    pub official: &'a OfficialSettings,
}

/// The report's title from the campaign's name, without saying 评查 twice:
/// `2024年度案卷评查` → `2024年度案卷评查报告`, `2024年度专项` → `2024年度专项评查报告`.
pub fn report_title(campaign: &str) -> String {
    let name = campaign.trim();
    if name.ends_with("评查") {
        format!("{name}报告")
    } else {
        format!("{name}评查报告")
    }
}

/// The 评查报告 of a campaign.
#[expect(clippy::too_many_lines, reason = "the campaign report's chapters in printed order")]
pub fn campaign_report(r: &CampaignReport<'_>) -> Document {
    let mut doc = Document::new(report_title(r.name));
    let n = r.cases.len();
    // 主送机关: the units whose cases were scored.
    let average = if n == 0 {
        0.0
    } else {
        r.cases.iter().map(|c| c.score).sum::<f64>() / n as f64
    };
    let count_grade = |g: &str| r.cases.iter().filter(|c| c.grade == g).count();
    let mut units: Vec<String> = r.cases.iter().map(|c| c.unit.clone()).collect();
    units.sort();
    units.dedup();
    let values = [
        ("agency", r.agency.to_string()),
        ("name", r.name.to_string()),
        ("year", r.year.to_string()),
        ("cases", r.drawn_cases.to_string()),
        ("scored", n.to_string()),
        ("units", r.drawn_units.to_string()),
        ("reviewers", r.reviewers.to_string()),
        ("per_case", r.per_case.to_string()),
        ("excellent", r.grades.first().map_or(0, |g| count_grade(g)).to_string()),
        ("failed", r.grades.last().map_or(0, |g| count_grade(g)).to_string()),
        ("average", format!("{average:.1}")),
        ("date", r.date.to_string()),
        ("deadline", r.deadline.to_string()),
    ];
    doc.official = true;
    doc.push(Block::OfficialHead {
        issuer: r.agency.to_string(),
        number: r.number.to_string(),
    })
    .push(Block::Title(format!(
        "{}关于{}情况的通报",
        r.agency,
        campaign_subject(r.name)
    )))
    .push(Block::Addressee(format!("{}：", units.join("、"))));
    // Issued before every drawn case was scored: said on the first page, under the title.
    if n < r.drawn_cases {
        doc.push(Block::Paragraph(format!(
            "注：本通报印发时，抽取的{}件案卷中已评{n}件，尚有{}件未评；以下统计只含已评案卷。",
            r.drawn_cases,
            r.drawn_cases - n
        )));
    }
    doc.push(Block::Heading("一、基本情况".into()))
        .push(Block::Paragraph(fill(&r.templates.basic, &values)));
    let mut grounds = Vec::new();
    if !r.official.basis.trim().is_empty() {
        grounds.push(format!("本次评查依据{}组织实施", r.official.basis.trim()));
    }
    if let Some(period) = &r.period {
        grounds.push(format!("评查工作于{period}进行"));
    }
    if !grounds.is_empty() {
        doc.push(Block::Paragraph(format!("{}。", grounds.join("，"))));
    }
    doc.push(Block::Heading("二、评查结果".into()))
        .push(Block::Paragraph(fill(&r.templates.results, &values)));
    let grade_rows: Vec<(String, f64, String)> = r
        .grades
        .iter()
        .map(|g| {
            let k = count_grade(g);
            let pct = if n == 0 { 0.0 } else { k as f64 * 100.0 / n as f64 };
            (g.clone(), k as f64, format!("{k} 件（{pct:.1}%）"))
        })
        .collect();
    doc.push(Block::Chart(Chart {
        caption: "（一）等次分布".into(),
        kind: ChartKind::Bars,
        max: n.max(1) as f64,
        rows: grade_rows,
    }));
    let bins = [
        (0.0, 60.0, "<60"),
        (60.0, 70.0, "60–69"),
        (70.0, 80.0, "70–79"),
        (80.0, 90.0, "80–89"),
        (90.0, 100.01, "90–100"),
    ];
    let hist: Vec<(String, f64, String)> = bins
        .iter()
        .map(|(lo, hi, label)| {
            let k = r.cases.iter().filter(|c| c.score >= *lo && c.score < *hi).count();
            (label.to_string(), k as f64, format!("{k}"))
        })
        .collect();
    let hist_max = hist.iter().map(|h| h.1).fold(1.0, f64::max);
    doc.push(Block::Chart(Chart {
        caption: "（二）得分分布（件）".into(),
        kind: ChartKind::Histogram,
        max: hist_max,
        rows: hist,
    }));
    // Units ranked by average score.
    let mut by_unit: Vec<(String, usize, f64, usize, usize)> = units
        .iter()
        .map(|u| {
            let mine: Vec<&ReportCase> = r.cases.iter().filter(|c| &c.unit == u).collect();
            let avg = mine.iter().map(|c| c.score).sum::<f64>() / mine.len().max(1) as f64;
            let top = r
                .grades
                .first()
                .map_or(0, |g| mine.iter().filter(|c| &c.grade == g).count());
            let bottom = r
                .grades
                .last()
                .map_or(0, |g| mine.iter().filter(|c| &c.grade == g).count());
            (u.clone(), mine.len(), avg, top, bottom)
        })
        .collect();
    by_unit.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    doc.push(Block::Heading("（三）各单位得分排名".into()));
    doc.push(Block::Table(Table {
        headers: vec![
            "排名".into(),
            "单位".into(),
            "件数".into(),
            "平均分".into(),
            r.grades.first().cloned().unwrap_or_default(),
            r.grades.last().cloned().unwrap_or_default(),
        ],
        rows: by_unit
            .iter()
            .enumerate()
            .map(|(i, (u, k, avg, top, bottom))| {
                vec![
                    (i + 1).to_string(),
                    u.clone(),
                    k.to_string(),
                    format!("{avg:.1}"),
                    top.to_string(),
                    bottom.to_string(),
                ]
            })
            .collect(),
    }));
    doc.push(Block::Chart(Chart {
        caption: "（四）各单位平均分".into(),
        kind: ChartKind::Bars,
        max: 100.0,
        rows: by_unit
            .iter()
            .map(|(u, _, avg, _, _)| (u.clone(), *avg, format!("{avg:.1}")))
            .collect(),
    }));
    doc.push(Block::Heading("三、三项制度落实情况".into()))
        .push(Block::Paragraph(fill(&r.templates.three_systems, &values)))
        .push(Block::Table(Table {
            headers: vec!["项目".into(), "符合".into(), "涉及".into(), "落实率".into()],
            rows: r
                .three_systems
                .iter()
                .map(|(what, ok, total)| {
                    let rate = if *total == 0 {
                        "—".to_string()
                    } else {
                        format!("{:.1}%", *ok as f64 * 100.0 / *total as f64)
                    };
                    vec![what.clone(), ok.to_string(), total.to_string(), rate]
                })
                .collect(),
        }));
    // 好的做法: the cases that reached the top grade, named, for the units to learn from.
    let top = r.grades.first().cloned().unwrap_or_default();
    let mut best: Vec<&ReportCase> = r.cases.iter().filter(|c| c.grade == top).collect();
    best.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.number.cmp(&b.number)));
    doc.push(Block::Heading("四、好的做法".into()));
    if best.is_empty() {
        doc.push(Block::Paragraph(format!("本次评查没有评为{top}的案卷。")));
    } else {
        doc.push(Block::Paragraph(format!(
            "本次评查中，以下{}件案卷评为{top}，事实认定、法律适用和程序文书较为规范，可供各单位办案时参照：",
            best.len()
        )))
        .push(Block::Table(Table {
            headers: vec!["序号".into(), "案号".into(), "承办单位".into(), "得分".into()],
            rows: best
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    vec![
                        (i + 1).to_string(),
                        c.number.clone(),
                        c.unit.clone(),
                        fmt_points(c.score),
                    ]
                })
                .collect(),
        }));
    }
    doc.push(Block::Heading("五、存在的主要问题".into()))
        .push(Block::Paragraph(fill(&r.templates.problems, &values)));
    if r.problems.is_empty() {
        doc.push(Block::Line("本次评查未发现扣分问题。".into()));
    } else {
        doc.push(Block::Table(Table {
            headers: vec!["序号".into(), "问题".into(), "件数".into(), "示例案卷".into()],
            rows: r
                .problems
                .iter()
                .enumerate()
                .map(|(i, (w, k, e))| vec![(i + 1).to_string(), w.clone(), k.to_string(), e.clone()])
                .collect(),
        }));
    }
    if !r.repeats.is_empty() {
        doc.push(Block::Paragraph(format!(
            "以下 {} 个问题在以往整改通知中已向同一单位指出，本次评查再次出现，请相关单位重点整改：",
            r.repeats.len()
        )))
        .push(Block::Table(Table {
            headers: vec!["序号".into(), "承办单位".into(), "问题".into(), "以往整改通知".into()],
            rows: r
                .repeats
                .iter()
                .enumerate()
                .map(|(i, (unit, item, notices))| {
                    vec![(i + 1).to_string(), unit.clone(), item.clone(), notices.join("、")]
                })
                .collect(),
        }));
    }
    let mut attachments = vec!["案卷评查得分表".to_string()];
    if r.internal {
        attachments.push("评查员一致性统计（内部附件，不随通报印发）".to_string());
    }
    doc.push(Block::Heading("六、整改要求和建议".into()))
        .push(Block::Paragraph(fill(&r.templates.requirements, &values)))
        .push(Block::Attachments(attachments))
        .push(Block::Signature(vec![r.agency.to_string(), r.date.to_string()]))
        .push(Block::Colophon {
            copy_to: r.official.copy_to.clone(),
            printed_by: r.official.printer(r.agency),
            printed_on: r.date.to_string(),
        })
        // The appendix table is wide: landscape pages.
        .push(Block::Landscape(true))
        .push(Block::Heading("附件1：案卷评查得分表".into()))
        .push(Block::Table(Table {
            headers: vec![
                "序号".into(),
                "案号".into(),
                "承办单位".into(),
                "类型".into(),
                "得分".into(),
                "等次".into(),
                "计分方式".into(),
                "评查人".into(),
            ],
            rows: r
                .cases
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    vec![
                        (i + 1).to_string(),
                        c.number.clone(),
                        c.unit.clone(),
                        c.kind.clone(),
                        fmt_points(c.score),
                        c.grade.clone(),
                        c.source.clone(),
                        c.reviewers.clone(),
                    ]
                })
                .collect(),
        }));
    // The reviewers' agreement is the organiser's business, not the units': an internal
    // annex, only when asked for.
    if r.internal {
        doc.push(Block::Heading(
            "附件2：评查员一致性统计（内部附件，不随通报印发）".into(),
        ));
        if r.agreement.is_empty() {
            doc.push(Block::Line("评分不足，无法统计。".into()));
        } else {
            doc.push(Block::KeyValues(r.agreement.clone()));
        }
    }
    doc
}

/// An item's text for lists (`1.2 调查、检查文书…`).
pub fn item_label(checklist: &Checklist, id: &str) -> String {
    checklist
        .item(id)
        .map_or_else(|| id.to_string(), |t: ItemRef<'_>| format!("{id} {}", t.text()))
}
