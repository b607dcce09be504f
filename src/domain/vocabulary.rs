//! The 文书 vocabulary of CASE_FORMAT.md §3: every document type with its stage, in the
//! usual archive order, and a guesser that maps a scan's file name to a type.

use serde::{Deserialize, Serialize};

/// The stage a document belongs to; it decides where the document sits in the 卷内目录.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DocumentStage {
    /// 卷首
    Cover,
    /// 立案
    Filing,
    /// 检查
    Inspection,
    /// 调查取证
    Investigation,
    /// 审查
    Examination,
    /// 告知
    Notice,
    /// 决定
    Decision,
    /// 送达执行
    ServiceAndEnforcement,
    /// 公示与记录
    PublicationAndRecording,
    /// 结案
    Closing,
}

impl DocumentStage {
    /// The stage's Chinese name as printed in the 卷内目录.
    pub fn label(self) -> &'static str {
        match self {
            Self::Cover => "卷首",
            Self::Filing => "立案",
            Self::Inspection => "检查",
            Self::Investigation => "调查取证",
            Self::Examination => "审查",
            Self::Notice => "告知",
            Self::Decision => "决定",
            Self::ServiceAndEnforcement => "送达执行",
            Self::PublicationAndRecording => "公示与记录",
            Self::Closing => "结案",
        }
    }
}

/// Every known document type with its stage, in archive order (CASE_FORMAT.md §3).
pub const DOCUMENT_TYPES: &[(&str, DocumentStage)] = {
    use DocumentStage::*;
    &[
        ("案卷封面", Cover),
        ("卷内目录", Cover),
        ("案件来源登记表", Filing),
        ("立案审批表", Filing),
        ("现场检查方案", Inspection),
        ("现场检查记录", Inspection),
        ("现场处理措施决定书", Inspection),
        ("责令限期整改指令书", Inspection),
        ("延期整改申请及批复", Inspection),
        ("整改复查意见书", Inspection),
        ("询问通知书", Investigation),
        ("询问笔录", Investigation),
        ("勘验笔录", Investigation),
        ("现场笔录", Investigation),
        ("抽样取证凭证", Investigation),
        ("先行登记保存证据审批表", Investigation),
        ("先行登记保存证据通知书", Investigation),
        ("先行登记保存证据处理决定书", Investigation),
        ("查封扣押决定书", Investigation),
        ("查封扣押清单", Investigation),
        ("延长查封扣押期限决定书", Investigation),
        ("解除查封扣押决定书", Investigation),
        ("查封扣押处理决定书", Investigation),
        ("鉴定委托书", Investigation),
        ("检测鉴定报告", Investigation),
        ("证据材料", Investigation),
        ("当事人身份证明", Investigation),
        ("授权委托书", Investigation),
        ("延长办案期限审批表", Investigation),
        ("案件调查报告", Examination),
        ("重大执法决定法制审核意见书", Examination),
        ("集体讨论记录", Examination),
        ("案件处理呈批表", Examination),
        ("行政处罚告知书", Notice),
        ("陈述申辩笔录", Notice),
        ("复核意见", Notice),
        ("听证告知书", Notice),
        ("听证申请书", Notice),
        ("撤回听证申请书", Notice),
        ("听证会通知书", Notice),
        ("听证笔录", Notice),
        ("听证会报告书", Notice),
        ("行政处罚决定书", Decision),
        ("不予行政处罚决定书", Decision),
        ("送达地址确认书", ServiceAndEnforcement),
        ("送达回执", ServiceAndEnforcement),
        ("罚款缴纳凭证", ServiceAndEnforcement),
        ("延期分期缴纳罚款批准书", ServiceAndEnforcement),
        ("催告书", ServiceAndEnforcement),
        ("加处罚款决定书", ServiceAndEnforcement),
        ("强制执行申请书", ServiceAndEnforcement),
        ("移送书", ServiceAndEnforcement),
        ("处罚信息公示记录", PublicationAndRecording),
        ("音像记录登记表", PublicationAndRecording),
        ("结案审批表", Closing),
        ("备考表", Closing),
    ]
};

/// The stage of a known document type, `None` for a name outside the vocabulary.
pub fn stage_of(document_type: &str) -> Option<DocumentStage> {
    DOCUMENT_TYPES
        .iter()
        .find(|(name, _)| *name == document_type)
        .map(|(_, stage)| *stage)
}

/// Position of a type in archive order (unknown types sort last).
pub fn archive_rank(document_type: &str) -> usize {
    DOCUMENT_TYPES
        .iter()
        .position(|(name, _)| *name == document_type)
        .unwrap_or(DOCUMENT_TYPES.len())
}

/// Common alternative names found on scans, mapped to the vocabulary.
const ALIASES: &[(&str, &str)] = &[
    ("处罚决定书", "行政处罚决定书"),
    ("处罚告知书", "行政处罚告知书"),
    ("告知书", "行政处罚告知书"),
    ("决定书", "行政处罚决定书"),
    ("检查记录", "现场检查记录"),
    ("整改指令书", "责令限期整改指令书"),
    ("责令改正指令书", "责令限期整改指令书"),
    ("复查意见书", "整改复查意见书"),
    ("调查终结报告", "案件调查报告"),
    ("调查报告", "案件调查报告"),
    ("法制审核意见", "重大执法决定法制审核意见书"),
    ("法制审核", "重大执法决定法制审核意见书"),
    ("集体讨论", "集体讨论记录"),
    ("呈批表", "案件处理呈批表"),
    ("回执", "送达回执"),
    ("缴款书", "罚款缴纳凭证"),
    ("罚款收据", "罚款缴纳凭证"),
    ("公示截图", "处罚信息公示记录"),
    ("公示记录", "处罚信息公示记录"),
    ("封面", "案卷封面"),
    ("目录", "卷内目录"),
    ("身份证明", "当事人身份证明"),
    ("营业执照", "证据材料"),
    ("音像资料", "音像记录登记表"),
];

/// The vocabulary name a title written as an alias means (处罚决定书 → 行政处罚决定书): the
/// whole title must be the alias.
pub fn canonical_document_type(title: &str) -> Option<&'static str> {
    ALIASES.iter().find(|(alias, _)| *alias == title).map(|(_, name)| *name)
}

/// Guesses a document type from a scan's file name, e.g. `05-询问笔录(张某).pdf` → 询问笔录.
///
/// The longest vocabulary name contained in the file stem wins (so 不予行政处罚决定书 is not
/// read as 行政处罚决定书); then the aliases are tried. `None` when nothing matches.
pub fn guess_document_type(file_name: &str) -> Option<&'static str> {
    let stem = file_name.rsplit('/').next().unwrap_or(file_name);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    DOCUMENT_TYPES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| stem.contains(name))
        .max_by_key(|name| name.chars().count())
        .or_else(|| {
            ALIASES
                .iter()
                .filter(|(alias, _)| stem.contains(alias))
                .max_by_key(|(alias, _)| alias.chars().count())
                .map(|(_, name)| *name)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_types_from_scan_names() {
        assert_eq!(guess_document_type("05-询问笔录(张某).pdf"), Some("询问笔录"));
        assert_eq!(
            guess_document_type("scans/12 不予行政处罚决定书.pdf"),
            Some("不予行政处罚决定书")
        );
        assert_eq!(guess_document_type("3_处罚决定书.jpg"), Some("行政处罚决定书"));
        assert_eq!(guess_document_type("IMG_0001.jpg"), None);
    }

    #[test]
    fn every_type_has_a_stage_and_rank() {
        for (i, (name, stage)) in DOCUMENT_TYPES.iter().enumerate() {
            assert_eq!(stage_of(name), Some(*stage));
            assert_eq!(archive_rank(name), i);
        }
        assert_eq!(stage_of("未知文书"), None);
    }
}
