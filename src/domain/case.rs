//! A case (案卷) and its parts, as the case package format (`pingcha-case-1`) describes them.
//!
//! Facts a package does not state stay `None`: "unknown" is not "false" (a missing
//! `sealed` is not an unsealed document).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A closed set of codes with Chinese labels, as used by the package format's enum fields.
pub trait CodeEnum: Sized + Copy + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// The code written in `case.toml` and JSON (`penalty`).
    fn code(self) -> &'static str;
    /// The Chinese label shown to users (`行政处罚`).
    fn label(self) -> &'static str;
    /// Parses a code (or, leniently, its Chinese label).
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.code() == text || v.label() == text)
    }
    /// The allowed codes, for error messages: `penalty、inspection、coercion`.
    fn allowed() -> String {
        Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join("、")
    }
}

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl CodeEnum for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn code(self) -> &'static str { match self { $(Self::$variant => $code,)+ } }
            fn label(self) -> &'static str { match self { $(Self::$variant => $label,)+ } }
        }
    };
}
pub(crate) use code_enum;

code_enum! {
    /// 案件类型.
    CaseKind {
        /// 行政处罚
        Penalty => "penalty", "行政处罚";
        /// 行政检查
        Inspection => "inspection", "行政检查";
        /// 行政强制
        Coercion => "coercion", "行政强制";
    }
}

code_enum! {
    /// 程序 of a penalty case.
    Procedure {
        /// 普通程序
        General => "general", "普通程序";
        /// 简易程序
        Summary => "summary", "简易程序";
    }
}

code_enum! {
    /// 当事人类型.
    PartyKind {
        /// 单位
        Organization => "organization", "单位";
        /// 个人
        Individual => "individual", "个人";
    }
}

code_enum! {
    /// 处罚种类.
    PenaltyKind {
        /// 警告
        Warning => "warning", "警告";
        /// 罚款
        Fine => "fine", "罚款";
        /// 没收违法所得/非法财物
        Confiscation => "confiscation", "没收违法所得、非法财物";
        /// 责令停产停业
        Suspension => "suspension", "责令停产停业";
        /// 暂扣/吊销许可证件
        Revocation => "revocation", "暂扣或者吊销许可证件";
        /// 责令关闭
        Closure => "closure", "责令关闭";
        /// 限制从业
        Restriction => "restriction", "限制从业";
        /// 其他
        Other => "other", "其他";
    }
}

code_enum! {
    /// 法制审核意见.
    ReviewOpinion {
        /// 同意
        Agree => "同意", "同意";
        /// 不同意
        Disagree => "不同意", "不同意";
        /// 修改后再报
        Resubmit => "修改后再报", "修改后再报";
    }
}

code_enum! {
    /// Who approved an extension (延长办案期限审批表): the agency's 负责人 or the authority above.
    ApprovalLevel {
        /// 行政机关负责人批准
        Head => "head", "负责人";
        /// 上一级行政机关批准
        Higher => "higher", "上一级";
    }
}

code_enum! {
    /// Where a case came from.
    CaseOrigin {
        /// A package with `case.toml`.
        Package => "package", "案卷包";
        /// A folder of scans without `case.toml` (metadata to be completed).
        Scans => "scans", "扫描件（待补录）";
        /// A row of a case ledger (no documents).
        Ledger => "ledger", "台账";
    }
}

code_enum! {
    /// The key dates of a case (`[dates]` in `case.toml`).
    DateKey {
        /// 违法行为发生或终了之日
        Violation => "violation", "违法行为";
        /// 现场检查
        Inspection => "inspection", "现场检查";
        /// 立案
        Filed => "filed", "立案";
        /// 调查终结
        InvestigationEnded => "investigation_ended", "调查终结";
        /// 法制审核
        LegalReview => "legal_review", "法制审核";
        /// 集体讨论
        CollectiveDiscussion => "collective_discussion", "集体讨论";
        /// 告知书送达
        NoticeServed => "notice_served", "告知";
        /// 听证申请
        HearingRequested => "hearing_requested", "听证申请";
        /// 听证会通知书送达
        HearingNoticeServed => "hearing_notice_served", "听证通知送达";
        /// 听证举行
        Hearing => "hearing", "听证";
        /// 处罚决定
        Decision => "decision", "决定";
        /// 决定书送达
        DecisionServed => "decision_served", "决定送达";
        /// 处罚信息公示
        Published => "published", "公示";
        /// 罚款缴纳
        Paid => "paid", "缴款";
        /// 整改期限
        RectificationDue => "rectification_due", "整改期限";
        /// 整改复查
        Rechecked => "rechecked", "整改复查";
        /// 结案
        Closed => "closed", "结案";
        /// 归档
        Archived => "archived", "归档";
    }
}

/// Where a `[dates]` key is taken from when the key itself is absent (CASE_FORMAT.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// The first document of this type.
    Document(&'static str),
    /// The 送达回执 that serves this type; without one, optionally the document itself.
    Receipt {
        /// The type of the document whose service the receipt records.
        serves: &'static str,
        /// Whether the served document's own date stands in when there is no receipt.
        fall_back_to_document: bool,
    },
    /// No document counterpart.
    None,
}

impl DateKey {
    /// The document a missing date is taken from.
    pub fn source(self) -> DateSource {
        use DateSource::{Document, Receipt};
        match self {
            Self::Inspection => Document("现场检查记录"),
            Self::Filed => Document("立案审批表"),
            Self::InvestigationEnded => Document("案件调查报告"),
            Self::LegalReview => Document("重大执法决定法制审核意见书"),
            Self::CollectiveDiscussion => Document("集体讨论记录"),
            Self::NoticeServed => Receipt {
                serves: "行政处罚告知书",
                fall_back_to_document: true,
            },
            Self::HearingRequested => Document("听证申请书"),
            Self::HearingNoticeServed => Receipt {
                serves: "听证会通知书",
                fall_back_to_document: true,
            },
            Self::Hearing => Document("听证笔录"),
            Self::Decision => Document("行政处罚决定书"),
            Self::DecisionServed => Receipt {
                serves: "行政处罚决定书",
                fall_back_to_document: false,
            },
            Self::Published => Document("处罚信息公示记录"),
            Self::Paid => Document("罚款缴纳凭证"),
            Self::Rechecked => Document("整改复查意见书"),
            Self::Closed => Document("结案审批表"),
            Self::Violation | Self::RectificationDue | Self::Archived => DateSource::None,
        }
    }
}

/// 当事人.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Party {
    /// 名称 or 姓名.
    pub name: String,
    /// 单位 or 个人 (unknown when absent).
    pub kind: Option<PartyKind>,
    /// 统一社会信用代码 or 身份证号 — personal data, masked in exports.
    pub id_number: Option<String>,
    /// 法定代表人 / 主要负责人.
    pub representative: Option<String>,
    /// 地址.
    pub address: Option<String>,
}

/// An officer (执法人员) who handled the case.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Officer {
    /// 姓名.
    pub name: String,
    /// 执法证号.
    pub certificate: String,
    /// 执法证有效期至.
    pub certificate_valid_until: Option<NaiveDate>,
}

/// One penalty of a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Penalty {
    /// 处罚种类.
    pub kind: PenaltyKind,
    /// Amount in yuan (fines, confiscations).
    pub amount_yuan: Option<f64>,
}

/// The outcome of a penalty case (`[decision]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Decision {
    /// 处罚.
    pub penalties: Vec<Penalty>,
    /// 处罚依据 as cited.
    pub legal_basis: Vec<String>,
    /// 违反的条款.
    pub violated: Vec<String>,
    /// 裁量: 不予处罚 | 减轻 | 从轻 | 一般 | 从重.
    pub discretion: Option<String>,
    /// 当场宣告交付.
    pub served_on_spot: Option<bool>,
    /// 告知书 told the party of the right to a hearing.
    pub hearing_offered: Option<bool>,
    /// The party waived hearing / 陈述申辩 in writing.
    pub hearing_waived: Option<bool>,
    /// In the agency's 重大执法决定法制审核目录.
    pub major: Option<bool>,
    /// 情节复杂或者重大违法 (行政处罚法第五十七条).
    pub collective_discussion_required: Option<bool>,
}

impl Decision {
    /// Total of the fines, in yuan.
    pub fn fine_total_yuan(&self) -> f64 {
        self.penalties
            .iter()
            .filter(|p| p.kind == PenaltyKind::Fine)
            .filter_map(|p| p.amount_yuan)
            .sum()
    }
}

/// 法制审核 (`[legal_review]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LegalReview {
    /// 审核人.
    pub reviewer: Option<String>,
    /// Holds 法律职业资格.
    pub qualified: Option<bool>,
    /// 审核意见.
    pub opinion: Option<ReviewOpinion>,
}

/// 集体讨论 (`[collective_discussion]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CollectiveDiscussion {
    /// 主持人.
    pub chair: Option<String>,
    /// 出席人员.
    pub attendees: Vec<String>,
}

/// A document (文书) of the case file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Document {
    /// Type name from the vocabulary (unknown names are kept).
    pub doc_type: String,
    /// Relative path inside the package (`/` separators).
    pub file: String,
    /// 文书日期.
    pub date: Option<NaiveDate>,
    /// 文号.
    pub number: Option<String>,
    /// Page count in the bound file (of this document, when `first_page` is set).
    pub pages: Option<u32>,
    /// The page of `file` the document starts on, when several documents share one scanned
    /// file (found in the scan and accepted by a reviewer); `None`: the whole file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_page: Option<u32>,
    /// 执法证号 of the officers who signed; `None` when the package does not say.
    pub officers: Option<Vec<String>>,
    /// 当事人 signed (or refusal noted); `None` when unknown.
    pub party_signed: Option<bool>,
    /// 加盖执法机关印章; `None` when unknown.
    pub sealed: Option<bool>,
    /// 送达回执 only: the type of the document whose service it records.
    pub serves: Option<String>,
    /// 备注.
    pub note: Option<String>,
    /// Approvals (延长办案期限审批表): who approved; `None` when the document does not say.
    #[serde(default)]
    pub approval: Option<ApprovalLevel>,
}

/// An audio-visual record (音像记录, 全过程记录).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Recording {
    /// 现场检查 | 调查取证 | 查封扣押 | 听证 | 送达 | 整改复查 | 其他.
    pub stage: String,
    /// Date recorded.
    pub date: Option<NaiveDate>,
    /// Relative path inside the package, when the medium is in it.
    pub file: Option<String>,
    /// Length in seconds.
    pub duration_seconds: Option<u64>,
}

/// A case file (案卷) as read from a package, a folder of scans or a ledger row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// 案号 / 决定书文号; unique within a project.
    pub number: String,
    /// 案件类型.
    pub kind: CaseKind,
    /// 程序 (penalty cases).
    pub procedure: Option<Procedure>,
    /// 案件名称.
    pub title: String,
    /// 执法主体.
    pub agency: String,
    /// 承办单位.
    pub unit: String,
    /// 县(市、区).
    pub district: Option<String>,
    /// 行业.
    pub industry: Option<String>,
    /// 案件来源.
    pub source: Option<String>,
    /// 简要案情.
    pub summary: Option<String>,
    /// 涉及公民生命健康安全且有危害后果 (行政处罚法第三十六条).
    pub harm: Option<bool>,
    /// 当事人.
    pub party: Option<Party>,
    /// 承办人 / 执法人员.
    pub officers: Vec<Officer>,
    /// Key dates as stated in `[dates]`.
    pub dates: BTreeMap<DateKey, NaiveDate>,
    /// 处罚决定.
    pub decision: Option<Decision>,
    /// 法制审核.
    pub legal_review: Option<LegalReview>,
    /// 集体讨论.
    pub collective_discussion: Option<CollectiveDiscussion>,
    /// 卷内文件 in archive order.
    pub documents: Vec<Document>,
    /// 音像记录.
    pub recordings: Vec<Recording>,
    /// Fields the format does not know (kept, shown as warnings) and ledger extra columns.
    pub extra: BTreeMap<String, String>,
    /// Where the case came from.
    pub origin: CaseOrigin,
}

impl Case {
    /// An empty case of the given number and kind, to be filled in.
    pub fn new(number: impl Into<String>, kind: CaseKind, origin: CaseOrigin) -> Self {
        Self {
            number: number.into(),
            kind,
            procedure: None,
            title: String::new(),
            agency: String::new(),
            unit: String::new(),
            district: None,
            industry: None,
            source: None,
            summary: None,
            harm: None,
            party: None,
            officers: Vec::new(),
            dates: BTreeMap::new(),
            decision: None,
            legal_review: None,
            collective_discussion: None,
            documents: Vec::new(),
            recordings: Vec::new(),
            extra: BTreeMap::new(),
            origin,
        }
    }

    /// The date of a key: as stated in `[dates]`, else from its document (CASE_FORMAT.md §2).
    pub fn effective_date(&self, key: DateKey) -> Option<NaiveDate> {
        self.dates.get(&key).copied().or_else(|| self.document_date(key))
    }

    /// The date the documents give for a key, ignoring `[dates]`.
    pub fn document_date(&self, key: DateKey) -> Option<NaiveDate> {
        match key.source() {
            DateSource::Document(doc_type) => self
                .documents
                .iter()
                .find(|d| d.doc_type == doc_type)
                .and_then(|d| d.date),
            DateSource::Receipt {
                serves,
                fall_back_to_document,
            } => self
                .documents
                .iter()
                .find(|d| d.doc_type == "送达回执" && d.serves.as_deref() == Some(serves))
                .and_then(|d| d.date)
                .or_else(|| {
                    fall_back_to_document
                        .then(|| self.documents.iter().find(|d| d.doc_type == serves))
                        .flatten()
                        .and_then(|d| d.date)
                }),
            DateSource::None => None,
        }
    }

    /// The party's name, or an empty string.
    pub fn party_name(&self) -> &str {
        self.party.as_ref().map_or("", |p| p.name.as_str())
    }

    /// `行政处罚/普通程序`-style label of kind and procedure.
    pub fn kind_label(&self) -> String {
        match self.procedure {
            Some(p) => format!("{}/{}", self.kind.label(), p.label()),
            None => self.kind.label().to_string(),
        }
    }
}

/// An entry of the officer registry (执法人员名册, CASE_FORMAT.md §5).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RegisteredOfficer {
    /// 姓名.
    pub name: String,
    /// 执法证号.
    pub certificate: String,
    /// 单位.
    pub unit: Option<String>,
    /// 执法类别.
    pub category: Option<String>,
    /// 发证日期.
    pub issued: Option<NaiveDate>,
    /// 有效期至.
    pub valid_until: Option<NaiveDate>,
}

/// Parses `YYYY-MM-DD` strictly (the package format's only date spelling).
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// 身份证号 → `211002********1234` (an 18-character id; other ids, such as a 统一社会信用代码,
/// are public and left alone). Exports and kits mask personal data with it.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() == 18 && chars.iter().take(17).all(char::is_ascii_digit) {
        format!(
            "{}********{}",
            chars[..6].iter().collect::<String>(),
            chars[14..].iter().collect::<String>()
        )
    } else {
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        parse_iso_date(s).expect("test date")
    }

    #[test]
    fn codes_parse_by_code_and_label() {
        assert_eq!(CaseKind::parse("penalty"), Some(CaseKind::Penalty));
        assert_eq!(CaseKind::parse("行政检查"), Some(CaseKind::Inspection));
        assert_eq!(CaseKind::parse("x"), None);
        assert_eq!(CaseKind::allowed(), "penalty、inspection、coercion");
    }

    #[test]
    fn strict_iso_dates() {
        assert_eq!(parse_iso_date("2023-03-01"), Some(date("2023-03-01")));
        assert_eq!(parse_iso_date("2024-13-45"), None);
        assert_eq!(parse_iso_date("2023-3-1"), None);
    }

    #[test]
    fn effective_dates_come_from_documents_when_absent() {
        let mut case = Case::new("X", CaseKind::Penalty, CaseOrigin::Package);
        case.documents.push(Document {
            doc_type: "立案审批表".into(),
            date: Some(date("2023-03-01")),
            ..Document::default()
        });
        case.documents.push(Document {
            doc_type: "行政处罚告知书".into(),
            date: Some(date("2023-03-20")),
            ..Document::default()
        });
        case.documents.push(Document {
            doc_type: "送达回执".into(),
            serves: Some("行政处罚决定书".into()),
            date: Some(date("2023-04-24")),
            ..Document::default()
        });
        assert_eq!(case.effective_date(DateKey::Filed), Some(date("2023-03-01")));
        // No receipt for the notice: the notice's own date stands in.
        assert_eq!(case.effective_date(DateKey::NoticeServed), Some(date("2023-03-20")));
        assert_eq!(case.effective_date(DateKey::DecisionServed), Some(date("2023-04-24")));
        case.dates.insert(DateKey::Filed, date("2023-03-02"));
        assert_eq!(case.effective_date(DateKey::Filed), Some(date("2023-03-02")));
        assert_eq!(case.document_date(DateKey::Filed), Some(date("2023-03-01")));
        assert_eq!(case.effective_date(DateKey::Violation), None);
    }
}
