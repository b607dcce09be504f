//! The wording of each sample 文书: title, 文号, parties, officers with certificate
//! numbers, cited articles, dates and a few paragraphs of plausible content, consistent with
//! the case it belongs to. All names are fictional.

use chrono::NaiveDate;

use super::names::amount_in_words;
use super::world::{VIOLATIONS, Violation};
use crate::domain::{Decision, Party, PartyKind};
use crate::report::{Block, Table};

impl Default for Violation {
    fn default() -> Self {
        VIOLATIONS[0]
    }
}

/// One document to write.
#[derive(Debug, Clone, Default)]
pub struct DocSpec {
    /// 文书类型.
    pub doc_type: String,
    /// 文书日期.
    pub date: NaiveDate,
    /// 文号.
    pub number: Option<String>,
    /// Certificates of the officers who signed.
    pub officers: Option<Vec<String>>,
    /// Party signed.
    pub party_signed: Option<bool>,
    /// Sealed.
    pub sealed: Option<bool>,
    /// For 送达回执: the served document type.
    pub serves: Option<String>,
    /// 备注.
    pub note: Option<String>,
    /// Who approved (延长办案期限审批表).
    pub approval: Option<crate::domain::ApprovalLevel>,
    /// The person a 笔录 is about.
    pub subject: Option<String>,
}

impl DocSpec {
    /// Signed by the two officers whose certificates are given.
    pub fn by(mut self, certificates: &[String]) -> Self {
        self.officers = Some(certificates.to_vec());
        self
    }
    /// With a 文号.
    pub fn numbered(mut self, number: String) -> Self {
        self.number = Some(number);
        self
    }
    /// Sealed by the agency.
    pub fn sealed(mut self) -> Self {
        self.sealed = Some(true);
        self
    }
    /// Signed by the party.
    pub fn signed(mut self) -> Self {
        self.party_signed = Some(true);
        self
    }
    /// A 送达回执 for a document of this type.
    pub fn serving(mut self, doc_type: &str) -> Self {
        self.serves = Some(doc_type.to_string());
        self
    }
    /// With a 备注.
    pub fn noted(mut self, note: &str) -> Self {
        self.note = Some(note.to_string());
        self
    }
    /// Approved at this level (延长办案期限审批表).
    pub fn approved_by(mut self, level: crate::domain::ApprovalLevel) -> Self {
        self.approval = Some(level);
        self
    }
    /// About a person (the 被询问人 of a 笔录).
    pub fn about(mut self, person: String) -> Self {
        self.subject = Some(person);
        self
    }
}

/// What the documents of one case share.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    pub agency: String,
    pub city: String,
    pub unit: String,
    pub number: String,
    pub title: String,
    pub party: Party,
    pub officers: Vec<(String, String)>,
    pub violation: Violation,
    pub place: String,
    pub inspection: NaiveDate,
    pub fine: Option<u64>,
    pub dates: Vec<(&'static str, NaiveDate)>,
    pub rectification_due: Option<NaiveDate>,
    pub rechecked: Option<NaiveDate>,
    pub hearing: Option<NaiveDate>,
    pub hearing_offered: bool,
    pub reviewer: String,
    pub attendees: Vec<String>,
    pub decision_date: Option<NaiveDate>,
    pub paid: Option<NaiveDate>,
    pub discretion: String,
    pub found_hazard: bool,
    pub seized_until: Option<NaiveDate>,
    pub decision: Option<Decision>,
}

fn cn(date: NaiveDate) -> String {
    date.format("%Y年%-m月%-d日").to_string()
}

impl Ctx {
    fn finding(&self) -> String {
        self.violation.finding.replace("{place}", &self.place)
    }

    fn officer_line(&self) -> String {
        self.officers
            .iter()
            .map(|(n, c)| format!("{n}（执法证号：{c}）"))
            .collect::<Vec<_>>()
            .join("、")
    }

    fn party_kv(&self) -> Vec<(String, String)> {
        let p = &self.party;
        let mut rows = vec![("当事人".to_string(), p.name.clone())];
        match p.kind {
            Some(PartyKind::Individual) => {
                rows.push(("身份证号".into(), p.id_number.clone().unwrap_or_default()));
            }
            _ => {
                rows.push(("统一社会信用代码".into(), p.id_number.clone().unwrap_or_default()));
                rows.push(("法定代表人".into(), p.representative.clone().unwrap_or_default()));
            }
        }
        rows.push(("地址".into(), p.address.clone().unwrap_or_default()));
        rows
    }

    fn penalty_text(&self) -> String {
        let mut parts = Vec::new();
        match self.fine {
            Some(f) => parts.push(format!("罚款人民币{}（¥{f}）", amount_in_words(f))),
            None => parts.push("警告".to_string()),
        }
        if self.decision.as_ref().is_some_and(|d| {
            d.penalties
                .iter()
                .any(|p| p.kind == crate::domain::PenaltyKind::Suspension)
        }) {
            parts.push("责令停产停业整顿".into());
        }
        parts.join("，并")
    }

    /// 简要案情 for `case.toml`.
    pub fn summary(&self) -> String {
        format!(
            "{}，执法人员在现场检查中发现{}。（虚构示例）",
            cn(self.inspection),
            self.finding()
        )
    }

    fn signature(&self, date: NaiveDate) -> Block {
        Block::Signature(vec![format!("{}（印章）", self.agency), cn(date)])
    }

    fn signers(&self) -> Block {
        Block::Line(format!(
            "执法人员签名：{}    当事人签名：{}",
            self.officers
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            self.party
                .representative
                .clone()
                .unwrap_or_else(|| self.party.name.clone())
        ))
    }
}

/// The blocks of one document.
#[expect(clippy::too_many_lines, reason = "one arm per 文书 type of the fictional cases")]
pub fn content(spec: &DocSpec, ctx: &Ctx) -> Vec<Block> {
    let v = &ctx.violation;
    let mut blocks = vec![Block::Issuer(ctx.agency.clone()), Block::Title(spec.doc_type.clone())];
    if let Some(number) = &spec.number {
        blocks.push(Block::Centered(number.clone()));
    }
    let date = spec.date;
    let body: Vec<Block> = match spec.doc_type.as_str() {
        "案卷封面" => vec![
            Block::Space(20.0),
            Block::KeyValues(vec![
                ("案件名称".into(), ctx.title.clone()),
                ("案号".into(), ctx.number.clone()),
                ("当事人".into(), ctx.party.name.clone()),
                ("处理结果".into(), match &ctx.decision {
                    Some(_) => format!("{}；已发现的隐患和问题整改完毕", ctx.penalty_text()),
                    None => "已发现的隐患和问题整改完毕".into(),
                }),
                ("承办单位".into(), ctx.unit.clone()),
                ("承办人".into(), ctx.officers.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>().join("、")),
                ("立卷日期".into(), cn(date)),
                ("保存期限".into(), "永久".into()),
            ]),
        ],
        "卷内目录" => vec![
            Block::Line(format!("案号：{}", ctx.number)),
            Block::Paragraph("本卷文书按立案、调查取证、审查、告知、决定、送达执行、结案的顺序排列，卷内文书页码见案卷封底备考表。".into()),
        ],
        "案件来源登记表" => vec![
            Block::KeyValues(vec![
                ("案件来源".into(), "举报投诉".into()),
                ("登记时间".into(), cn(date)),
                ("被反映单位".into(), ctx.party.name.clone()),
            ]),
            Block::Paragraph(format!("群众来电反映{}{}存在安全隐患。经初步核实，反映情况基本属实，建议立案调查。", ctx.party.name, ctx.place)),
            Block::Line(format!("登记人：{}", ctx.officer_line())),
        ],
        "立案审批表" => {
            let mut kv = vec![("案件名称".into(), ctx.title.clone()), ("案由".into(), format!("涉嫌{}", v.cause))];
            kv.extend(ctx.party_kv());
            kv.push(("案件来源".into(), "现场检查".into()));
            kv.push(("承办人".into(), ctx.officer_line()));
            vec![
                Block::KeyValues(kv),
                Block::Heading("简要案情".into()),
                Block::Paragraph(format!("{}，我局执法人员对{}进行现场检查，发现{}。该行为涉嫌违反{}的规定。", cn(ctx.inspection), ctx.party.name, ctx.finding(), v.violated)),
                Block::Heading("承办机构意见".into()),
                Block::Paragraph(format!("依据《中华人民共和国行政处罚法》第五十四条的规定，建议立案调查。承办单位：{}。", ctx.unit)),
                Block::Heading("负责人审批意见".into()),
                Block::Paragraph(format!("同意立案。审批日期：{}。", cn(date))),
            ]
        }
        "现场检查记录" => vec![
            Block::KeyValues(vec![
                ("被检查单位".into(), ctx.party.name.clone()),
                ("地址".into(), ctx.party.address.clone().unwrap_or_default()),
                ("主要负责人".into(), ctx.party.representative.clone().unwrap_or_else(|| ctx.party.name.clone())),
                ("检查场所".into(), ctx.place.clone()),
                ("检查时间".into(), format!("{} 9时30分至11时10分", cn(date))),
                ("检查人员".into(), ctx.officer_line()),
            ]),
            Block::Paragraph(format!("我们是{}的执法人员，已向被检查单位出示执法证件，告知其依法配合检查的义务及申请回避的权利。", ctx.agency)),
            Block::Heading("检查情况".into()),
            Block::Paragraph(if ctx.found_hazard || ctx.decision.is_some() {
                format!("经现场检查，发现：{}。上述情况涉嫌违反{}的规定。", ctx.finding(), v.violated)
            } else {
                format!("经现场检查，{}安全生产管理制度健全，{}未发现明显事故隐患。", ctx.party.name, ctx.place)
            }),
            Block::Heading("处理情况".into()),
            Block::Paragraph("对检查中发现的问题，执法人员已当场告知被检查单位，并将依法作出处理。".into()),
            ctx.signers(),
        ],
        "现场检查方案" => vec![
            Block::KeyValues(vec![
                ("检查对象".into(), ctx.party.name.clone()),
                ("检查时间".into(), format!("{}前后", cn(ctx.inspection))),
                ("检查人员".into(), ctx.officer_line()),
            ]),
            Block::Paragraph(format!("依据年度监督检查计划，对{}开展安全生产监督检查，重点检查安全生产责任制落实、隐患排查治理、{}等情况。", ctx.party.name, ctx.place)),
            Block::Paragraph("检查组应不少于两名执法人员，出示执法证件，全程开展音像记录，发现事故隐患依法责令整改。".into()),
        ],
        "现场处理措施决定书" => vec![
            Block::Line(format!("{}：", ctx.party.name)),
            Block::Paragraph(format!("经查，你单位{}。依据《中华人民共和国安全生产法》第六十五条第一款第（三）项的规定，现作出如下现场处理决定：责令{}立即停止使用，排除隐患后方可恢复。", ctx.finding(), ctx.place)),
            Block::Paragraph(format!("如不服本决定，可以依法在六十日内向{}人民政府申请行政复议，或者在六个月内依法向人民法院提起行政诉讼，但本决定不停止执行。", ctx.city)),
            ctx.signature(date),
        ],
        "责令限期整改指令书" => {
            let due = ctx.rectification_due.unwrap_or(date);
            vec![
                Block::Line(format!("{}：", ctx.party.name)),
                Block::Paragraph(format!("经查，你单位存在下列问题：{}。", ctx.finding())),
                Block::Paragraph(format!("依据《中华人民共和国安全生产法》第六十五条第一款第（三）项的规定，责令你单位于{}前整改完毕，达到有关法律法规规章和国家标准或者行业标准的要求：{}。", cn(due), v.rectify)),
                Block::Paragraph("整改期间，你单位应当采取措施，确保安全。逾期未整改的，依法予以处理。".into()),
                Block::Paragraph(format!("如果不服本指令，可以依法在六十日内向{}人民政府申请行政复议，或者在六个月内依法向人民法院提起行政诉讼，但本指令不停止执行。", ctx.city)),
                ctx.signature(date),
            ]
        }
        "整改复查意见书" => vec![
            Block::Line(format!("{}：", ctx.party.name)),
            Block::Paragraph(format!("我局于{}责令你单位限期整改的事项，经{}复查，整改情况如下：{}，已按要求整改完毕。", cn(ctx.inspection), cn(date), v.rectify)),
            Block::Paragraph("复查意见：整改合格。".into()),
            Block::Line(format!("复查人员：{}", ctx.officer_line())),
            ctx.signature(date),
        ],
        "询问通知书" => vec![
            Block::Line(format!("{}：", ctx.party.name)),
            Block::Paragraph(format!("为调查了解{}一案的有关情况，依据《中华人民共和国安全生产法》第六十五条的规定，请你（单位）法定代表人或委托代理人于{}到{}{}接受询问调查，并携带营业执照副本、身份证明等材料。", ctx.title, cn(date), ctx.agency, ctx.unit)),
            ctx.signature(date),
        ],
        "询问笔录" => {
            let who = spec.subject.clone().unwrap_or_default();
            let (o1, o2) = (ctx.officers.first().cloned().unwrap_or_default(), ctx.officers.get(1).cloned().unwrap_or_default());
            vec![
                Block::KeyValues(vec![
                    ("询问时间".into(), format!("{} 14时00分至15时20分", cn(date))),
                    ("询问地点".into(), format!("{}{}办公室", ctx.agency, ctx.unit)),
                    ("被询问人".into(), who.clone()),
                    ("询问人".into(), format!("{}（{}）", o1.0, o1.1)),
                    ("记录人".into(), format!("{}（{}）", o2.0, o2.1)),
                ]),
                Block::Line(format!("问：我们是{}的执法人员{}、{}，这是我们的执法证件，请你过目。你是否看清楚？", ctx.agency, o1.0, o2.0)),
                Block::Line("答：看清楚了。".into()),
                Block::Line("问：你有申请执法人员回避的权利，是否申请回避？".into()),
                Block::Line("答：不申请。".into()),
                Block::Line("问：你应当如实回答询问，不得隐瞒、拒绝，明白吗？".into()),
                Block::Line("答：明白。".into()),
                Block::Line(format!("问：请介绍{}的基本情况。", ctx.party.name)),
                Block::Line(format!("答：我们单位位于{}，我是负责安全生产工作的人员。", ctx.party.address.clone().unwrap_or_default())),
                Block::Line(format!("问：{}执法人员检查时发现的问题，你是否清楚？", cn(ctx.inspection))),
                Block::Line(format!("答：清楚，{}，这个情况属实。", ctx.finding())),
                Block::Line("问：你还有什么补充？".into()),
                Block::Line("答：没有了，我们会尽快整改。".into()),
                Block::Line("以上笔录我看过，与我说的相符。".into()),
                Block::Line(format!("被询问人签名：{who}    询问人签名：{}    记录人签名：{}", o1.0, o2.0)),
            ]
        }
        "勘验笔录" => vec![
            Block::KeyValues(vec![
                ("勘验时间".into(), format!("{} 10时00分至10时40分", cn(date))),
                ("勘验场所".into(), format!("{}{}", ctx.party.name, ctx.place)),
                ("勘验人".into(), ctx.officer_line()),
            ]),
            Block::Paragraph(format!("勘验情况：{}。现场拍摄照片6张，已附卷。", ctx.finding())),
            ctx.signers(),
        ],
        "证据材料" => {
            let mut blocks = vec![
                Block::Paragraph(format!("1. {}营业执照复印件一份（经核对与原件无异，加盖当事人印章）；", ctx.party.name)),
                Block::Paragraph(format!("2. 现场照片6张，拍摄于{}，反映{}现状；", cn(ctx.inspection), ctx.place)),
                Block::Paragraph("3. 当事人安全生产管理制度及台账复印件若干页。".into()),
                Block::Heading("现场照片及说明".into()),
            ];
            // A photo log as a real file carries: it runs over several pages (so paging in
            // the viewer has something to turn).
            let views = ["全景", "东侧", "西侧", "南侧", "北侧", "近景"];
            for n in 1..=36 {
                blocks.push(Block::Line(format!(
                    "照片{n}：{}{}{}，拍摄人{}，拍摄时间{}。",
                    ctx.party.name,
                    ctx.place,
                    views[(n - 1) % views.len()],
                    ctx.officers.first().map(|o| o.0.clone()).unwrap_or_default(),
                    cn(ctx.inspection)
                )));
            }
            blocks
        }
        "当事人身份证明" => {
            let mut rows = ctx.party_kv();
            rows.push(("证明材料".into(), if ctx.party.kind == Some(PartyKind::Individual) { "居民身份证复印件".into() } else { "营业执照副本复印件、法定代表人身份证明".into() }));
            vec![Block::KeyValues(rows), Block::Paragraph("以上复印件经核对与原件无异。".into())]
        }
        "授权委托书" => vec![
            Block::Paragraph(format!("委托人{}（法定代表人{}）现委托本单位员工办理{}一案的相关事宜，委托权限为一般代理。", ctx.party.name, ctx.party.representative.clone().unwrap_or_default(), ctx.title)),
            Block::Signature(vec![format!("委托人：{}（盖章）", ctx.party.name), cn(date)]),
        ],
        "案件调查报告" => vec![
            Block::KeyValues(ctx.party_kv()),
            Block::Heading("一、案件来源及调查经过".into()),
            Block::Paragraph(format!("{}，执法人员在现场检查中发现当事人涉嫌{}，经批准立案调查。执法人员制作了现场检查记录、询问笔录，收集了相关证据材料。", cn(ctx.inspection), v.cause)),
            Block::Heading("二、违法事实及证据".into()),
            Block::Paragraph(format!("经查明：{}。以上事实有现场检查记录、询问笔录、现场照片、营业执照复印件等证据为证。", ctx.finding())),
            Block::Heading("三、定性及依据".into()),
            Block::Paragraph(format!("当事人的行为违反了{}的规定，依据{}，应予处罚。", v.violated, v.basis)),
            Block::Heading("四、处理建议".into()),
            Block::Paragraph(format!("当事人积极配合调查，裁量情节为“{}”。依据《青禾市应急管理局行政处罚自由裁量基准》（虚构），建议给予{}的行政处罚。", ctx.discretion, ctx.penalty_text())),
            Block::Line(format!("承办人：{}", ctx.officer_line())),
        ],
        "重大执法决定法制审核意见书" => vec![
            Block::KeyValues(vec![
                ("审核事项".into(), ctx.title.clone()),
                ("送审单位".into(), ctx.unit.clone()),
                ("审核人".into(), format!("{}（法规科）", ctx.reviewer)),
            ]),
            Block::Paragraph("依据《中华人民共和国行政处罚法》第五十八条的规定，对本案执法主体、执法人员资格、案件事实、证据、适用法律、程序及裁量基准适用情况进行了审核。".into()),
            Block::Paragraph(format!("审核意见：执法主体合法，事实清楚，证据确凿，适用{}正确，程序合法，拟处罚幅度适当。同意。", v.basis)),
            Block::Signature(vec![format!("审核人：{}", ctx.reviewer), cn(date)]),
        ],
        "集体讨论记录" => vec![
            Block::KeyValues(vec![
                ("时间".into(), format!("{} 9时00分", cn(date))),
                ("地点".into(), format!("{}三楼会议室", ctx.agency)),
                ("主持人".into(), ctx.attendees.first().cloned().unwrap_or_default()),
                ("出席人员".into(), ctx.attendees.join("、")),
                ("汇报人".into(), ctx.officers.first().map(|o| o.0.clone()).unwrap_or_default()),
            ]),
            Block::Paragraph(format!("承办人汇报了{}的调查情况、法制审核意见和处理建议。", ctx.title)),
            Block::Paragraph(format!("讨论意见：与会人员一致认为，本案事实清楚，证据确凿，程序合法，依据《中华人民共和国行政处罚法》第五十七条的规定，同意给予当事人{}的行政处罚。", ctx.penalty_text())),
            Block::Line(format!("出席人员签名：{}", ctx.attendees.join("、"))),
        ],
        "案件处理呈批表" => vec![
            Block::KeyValues(vec![("案件名称".into(), ctx.title.clone()), ("拟处理意见".into(), ctx.penalty_text())]),
            Block::Paragraph(format!("承办人意见：建议依据{}作出行政处罚决定。", v.basis)),
            Block::Paragraph(format!("负责人审批意见：同意。{}", cn(date))),
        ],
        "行政处罚告知书" => vec![
            Block::Line(format!("{}：", ctx.party.name)),
            Block::Paragraph(format!("经查，你（单位）{}。以上事实有现场检查记录、询问笔录等证据为证。你（单位）的行为违反了{}的规定。", ctx.finding(), v.violated)),
            Block::Paragraph(format!("依据{}的规定，我局拟对你（单位）作出{}的行政处罚。", v.basis, ctx.penalty_text())),
            Block::Paragraph(if ctx.hearing_offered {
                "依据《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十三条、第六十四条的规定，你（单位）有权进行陈述和申辩，并有权要求听证。要求听证的，应当在收到本告知书之日起五个工作日内提出；逾期视为放弃上述权利。".to_string()
            } else {
                "依据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）有权进行陈述和申辩。请在收到本告知书之日起三个工作日内提出；逾期视为放弃上述权利。".to_string()
            }),
            Block::Line(format!("联系人：{}    联系电话：0419-0000000（虚构）", ctx.officers.first().map(|o| o.0.clone()).unwrap_or_default())),
            ctx.signature(date),
        ],
        "送达回执" => {
            let served = spec.serves.clone().unwrap_or_default();
            let number = match served.as_str() {
                "行政处罚决定书" => ctx.number.clone(),
                _ => String::new(),
            };
            vec![Block::Table(Table {
                headers: vec!["送达文书名称及文号".into(), "受送达人".into(), "送达地点".into(), "送达方式".into(), "送达时间".into()],
                rows: vec![vec![
                    format!("{served}{number}"),
                    ctx.party.name.clone(),
                    ctx.party.address.clone().unwrap_or_default(),
                    "直接送达".into(),
                    format!("{} 10时", cn(date)),
                ]],
            }), Block::Line(format!("受送达人签名：{}    送达人：{}", ctx.party.representative.clone().unwrap_or_else(|| ctx.party.name.clone()), ctx.officers.iter().map(|o| o.0.as_str()).collect::<Vec<_>>().join("、")))]
        }
        "陈述申辩笔录" => vec![
            Block::KeyValues(vec![("时间".into(), cn(date)), ("陈述申辩人".into(), ctx.party.representative.clone().unwrap_or_else(|| ctx.party.name.clone()))]),
            Block::Paragraph("陈述申辩意见：对违法事实没有异议，已经积极整改，请求从轻处罚。".into()),
            ctx.signers(),
        ],
        "复核意见" => vec![Block::Paragraph("经复核，当事人提出的陈述申辩意见已在裁量中予以考虑，维持原拟处罚意见。".into()), Block::Signature(vec![ctx.unit.clone(), cn(date)])],
        "听证申请书" => vec![
            Block::Line(format!("{}：", ctx.agency)),
            Block::Paragraph(format!("本单位于收到行政处罚告知书后，依据《中华人民共和国行政处罚法》第六十三条的规定，对{}一案拟作出的处罚申请听证。", ctx.title)),
            Block::Signature(vec![format!("申请人：{}", ctx.party.name), cn(date)]),
        ],
        "听证会通知书" => vec![
            Block::Line(format!("{}：", ctx.party.name)),
            Block::Paragraph(format!("根据你（单位）的申请，我局定于{}上午9时在{}听证室举行听证会，请准时参加。依据《中华人民共和国行政处罚法》第六十四条的规定，你（单位）可以委托一至二人代理，并可以申请主持人回避。", cn(ctx.hearing.unwrap_or(date)), ctx.agency)),
            ctx.signature(date),
        ],
        "听证笔录" => vec![
            Block::KeyValues(vec![("听证时间".into(), cn(date)), ("听证地点".into(), format!("{}听证室", ctx.agency)), ("案件调查人员".into(), ctx.officer_line())]),
            Block::Paragraph("调查人员提出当事人违法的事实、证据和行政处罚建议；当事人进行申辩和质证；双方作最后陈述。".into()),
            Block::Paragraph("当事人最后陈述：请求考虑整改情况从轻处罚。".into()),
            Block::Line("以上笔录经当事人核对无误。".into()),
        ],
        "听证会报告书" => vec![Block::Paragraph(format!("本案于{}举行听证。听证主持人认为，案件事实清楚，证据确凿，建议维持拟作出的处罚。", cn(ctx.hearing.unwrap_or(date))))],
        "行政处罚决定书" => {
            let mut b = vec![Block::KeyValues(ctx.party_kv())];
            b.push(Block::Paragraph(format!("经查，你（单位）{}。", ctx.finding())));
            b.push(Block::Paragraph("以上事实有现场检查记录、询问笔录、现场照片等证据为证。".into()));
            b.push(Block::Paragraph(format!("你（单位）的上述行为违反了{}的规定。", v.violated)));
            b.push(Block::Paragraph(format!("依据{}的规定，考虑到你（单位）积极配合调查并已整改，裁量情节为“{}”，决定给予{}的行政处罚。", v.basis, ctx.discretion, ctx.penalty_text())));
            if ctx.fine.is_some() {
                b.push(Block::Paragraph("罚款限于收到本决定书之日起十五日内缴至指定银行（非税收入缴款账户，虚构）。依据《中华人民共和国行政处罚法》第七十二条第一款第（一）项的规定，到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。".into()));
            }
            b.push(Block::Paragraph(format!("如果不服本处罚决定，可以依法在六十日内向{}人民政府申请行政复议，或者在六个月内依法向人民法院提起行政诉讼，但本决定不停止执行，法律另有规定的除外。", ctx.city)));
            b.push(ctx.signature(date));
            b
        }
        "罚款缴纳凭证" => vec![Block::KeyValues(vec![
            ("缴款人".into(), ctx.party.name.clone()),
            ("缴款金额".into(), ctx.fine.map(|f| format!("{f}元（{}）", amount_in_words(f))).unwrap_or_default()),
            ("缴款日期".into(), cn(date)),
            ("执收单位".into(), ctx.agency.clone()),
            ("决定书文号".into(), ctx.number.clone()),
        ])],
        "处罚信息公示记录" => vec![
            Block::Paragraph(format!("依据《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》（国办发〔2018〕118号），本案行政处罚信息已于{}在{}门户网站“行政执法公示”栏目公示。", cn(date), ctx.agency)),
            Block::KeyValues(vec![("决定书文号".into(), ctx.number.clone()), ("当事人".into(), ctx.party.name.clone()), ("处罚内容".into(), ctx.penalty_text())]),
        ],
        "音像记录登记表" => vec![Block::Table(Table {
            headers: vec!["序号".into(), "执法环节".into(), "记录时间".into(), "记录人".into(), "存储位置".into()],
            rows: vec![vec!["1".into(), if ctx.seized_until.is_some() { "查封扣押".into() } else { "现场检查".into() }, cn(date), ctx.officers.first().map(|o| o.0.clone()).unwrap_or_default(), "执法记录仪数据管理系统".into()]],
        })],
        "查封扣押决定书" => vec![
            Block::Line(format!("{}：", ctx.party.name)),
            Block::Paragraph(format!("经查，你（单位）{}的有关设施、设备、器材不符合保障安全生产的国家标准或者行业标准。依据《中华人民共和国安全生产法》第六十五条第一款第（四）项和《中华人民共和国行政强制法》第二十四条、第二十五条的规定，决定对上述设施、设备、器材予以查封，期限为三十日（自{}起至{}止）。", ctx.place, cn(date), cn(ctx.seized_until.unwrap_or(date)))),
            Block::Paragraph(format!("如不服本决定，可以依法在六十日内向{}人民政府申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。", ctx.city)),
            ctx.signature(date),
        ],
        "查封扣押清单" => vec![Block::Table(Table {
            headers: vec!["序号".into(), "名称".into(), "规格".into(), "数量".into(), "存放地点".into()],
            rows: vec![
                vec!["1".into(), "涉案设备".into(), "详见照片".into(), "1台".into(), ctx.place.clone()],
                vec!["2".into(), "相关物品".into(), "—".into(), "若干".into(), ctx.place.clone()],
            ],
        }), ctx.signers()],
        "现场笔录" => vec![
            Block::KeyValues(vec![
                ("地点".into(), ctx.place.clone()),
                ("当事人".into(), ctx.party.name.clone()),
            ]),
            Block::Paragraph(format!("执法人员经本局负责人批准，出示执法证件，通知当事人到场，当场告知采取查封措施的理由、依据以及当事人依法享有的陈述、申辩权利和救济途径，听取了当事人的陈述和申辩。现场对{}不符合国家标准或者行业标准的设施、设备、器材实施查封，并制作查封扣押清单。", ctx.place)),
            ctx.signers(),
        ],
        "解除查封扣押决定书" => vec![
            Block::Line(format!("{}：", ctx.party.name)),
            Block::Paragraph(format!("本局于{}对你（单位）{}的有关设施、设备、器材实施查封。经查，你（单位）已更换、改造相关设施设备并经检测合格，查封的必要性已经消失。依据《中华人民共和国行政强制法》第二十七条、第二十八条第一款第（二）项的规定，决定自{}起解除查封。", cn(ctx.inspection), ctx.place, cn(date))),
            ctx.signature(date),
        ],
        "延长办案期限审批表" => vec![
            Block::KeyValues(vec![
                ("案件名称".into(), ctx.title.clone()),
                ("延长理由".into(), "案情复杂，需进一步调查取证".into()),
            ]),
            Block::Paragraph(format!("承办人意见：建议延长办案期限。负责人审批意见：同意延长。{}", cn(date))),
        ],
        "检测鉴定报告" => vec![Block::Paragraph(format!("受{}委托，对查封的设备进行检测。检测结论：不符合国家标准或者行业标准的要求。（虚构检测机构出具）", ctx.agency))],
        "结案审批表" => vec![
            Block::KeyValues(vec![
                ("案件名称".into(), ctx.title.clone()),
                ("处理结果".into(), if ctx.decision.is_some() { ctx.penalty_text() } else { "依法解除查封扣押，隐患已消除".into() }),
                ("执行情况".into(), match ctx.paid { Some(p) => format!("当事人已于{}缴纳罚款", cn(p)), None => "已执行完毕".into() }),
            ]),
            Block::Paragraph(format!("承办人意见：本案已执行完毕，建议结案。负责人审批意见：同意结案。{}", cn(date))),
        ],
        "备考表" => vec![Block::Paragraph(format!("本卷情况说明：卷内文书齐全，页码连续。立卷人：{}；检查人：{}；立卷日期：{}。", ctx.officers.first().map(|o| o.0.clone()).unwrap_or_default(), ctx.officers.get(1).map(|o| o.0.clone()).unwrap_or_default(), cn(date)))],
        other => vec![Block::Paragraph(format!("{other}（{}）。", ctx.title))],
    };
    blocks.extend(body);
    blocks
}
