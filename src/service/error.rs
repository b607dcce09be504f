//! What a service call reports when it fails, and which job it was.
//!
//! Owns: [`ServiceError`] (the Chinese message a user reads, with the file, line and field it
//! names when the cause knows them) and [`Job`] (every kind of work a front can ask for, with
//! its Chinese name). Must not touch: SQL, files, `egui`.

use std::fmt;
use std::path::PathBuf;

/// A failure as a front shows it: the whole Chinese message, and what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The message for the user (context, then the cause).
    pub message: String,
    /// The file it concerns, where known.
    pub file: Option<PathBuf>,
    /// The 1-based line in that file, where known.
    pub line: Option<usize>,
    /// The field (`[dates].decision`, `points`), where known.
    pub field: Option<String>,
    /// The user cancelled the job ([`crate::progress::Cancelled`]): nothing went wrong, and
    /// nothing was written.
    pub cancelled: bool,
}

impl ServiceError {
    /// `context：cause`, with the file, line and field taken from the cause when it is an
    /// import or checklist error. An empty context gives the cause alone.
    pub fn new<E: Into<anyhow::Error>>(context: &str, cause: E) -> Self {
        let cause: anyhow::Error = cause.into();
        let message = if context.is_empty() {
            format!("{cause:#}")
        } else {
            format!("{context}：{cause:#}")
        };
        let mut error = Self::plain(message);
        for link in cause.chain() {
            // A review error forwards a cancel transparently: it is not a link of its own.
            if link.downcast_ref::<crate::progress::Cancelled>().is_some()
                || matches!(
                    link.downcast_ref::<crate::review::ReviewError>(),
                    Some(crate::review::ReviewError::Cancelled(_))
                )
            {
                error.cancelled = true;
                break;
            }
            if let Some(c) = link.downcast_ref::<crate::scoring::format::ChecklistError>() {
                error.file = Some(PathBuf::from(&c.file));
                if let Some(p) = c.problems.first() {
                    error.line = p.line;
                    error.field = Some(p.field.clone());
                }
                break;
            }
            if let Some(i) = link.downcast_ref::<crate::import::ImportError>() {
                let (file, line, field) = i.location();
                error.file = file.map(PathBuf::from);
                error.line = line;
                error.field = field;
                break;
            }
        }
        error
    }

    /// A message with nothing else to name.
    pub fn plain(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            file: None,
            line: None,
            field: None,
            cancelled: false,
        }
    }

    /// The same error naming `field` (an item id, an option).
    #[must_use]
    pub fn at_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// The same error naming `file`.
    #[must_use]
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ServiceError {}

/// A service call's result.
pub type Outcome<T> = Result<T, ServiceError>;

/// The kinds of work a front asks for; `Done` and `Failed` events name one, so a front routes
/// an answer by its kind, never by its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    /// Opening the project.
    Open,
    /// Seeding the default checklists and library.
    Prepare,
    /// The case list, a case, a search.
    Cases,
    /// OCR text of a page.
    OcrText,
    /// Facts read from scans, and changes to a case's facts.
    Facts,
    /// Project settings (rules, calendar, limits, OCR, 公文).
    Settings,
    /// Choosing the reviewer.
    Reviewer,
    /// Marks, review state, decisions on findings.
    Scoring,
    /// The 修改记录.
    History,
    /// The finding library.
    Library,
    /// Checklists: save, import, read a table, export.
    Checklist,
    /// A report or export file.
    Report,
    /// Rectification tracking.
    Rectify,
    /// Campaign work: create, reviewers, assignment, consensus, sign-off.
    Campaign,
    /// Comparing a campaign's cases and its statistics.
    Statistics,
    /// A reviewer's kit (issued, or opened as a workspace).
    Kit,
    /// A score return (exported or imported).
    Return,
    /// An import of packages, ledgers or registries.
    Import,
    /// The demo cases.
    Demo,
}

impl Job {
    /// The job's Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Job::Open => "打开项目",
            Job::Prepare => "准备评查标准",
            Job::Cases => "案卷",
            Job::OcrText => "识别文字",
            Job::Facts => "案卷事实",
            Job::Settings => "设置",
            Job::Reviewer => "评查员",
            Job::Scoring => "评分",
            Job::History => "修改记录",
            Job::Library => "问题库",
            Job::Checklist => "评查标准",
            Job::Report => "生成文书",
            Job::Rectify => "整改跟踪",
            Job::Campaign => "评查活动",
            Job::Statistics => "评分比较",
            Job::Kit => "评查包",
            Job::Return => "回收包",
            Job::Import => "导入",
            Job::Demo => "示例案卷",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_error_names_its_file_first_problem_line_and_field() {
        use crate::import::{FieldProblem, ImportError};
        let invalid = ImportError::Invalid {
            file: "案卷/case.toml".into(),
            problems: vec![
                FieldProblem {
                    field: "[dates].decision".into(),
                    line: Some(12),
                    message: "日期无效".into(),
                },
                FieldProblem {
                    field: "documents[2].file".into(),
                    line: Some(30),
                    message: "文件不存在".into(),
                },
            ],
        };
        let error = ServiceError::new("无法导入", invalid);
        assert!(
            error.message.starts_with("无法导入：案卷/case.toml"),
            "{}",
            error.message
        );
        assert_eq!(error.file, Some(PathBuf::from("案卷/case.toml")));
        assert_eq!(
            (error.line, error.field.as_deref()),
            (Some(12), Some("[dates].decision"))
        );
        let syntax = ImportError::Syntax {
            file: "case.toml".into(),
            line: 3,
            column: 7,
            message: "expected `=`".into(),
        };
        let error = ServiceError::new("", syntax);
        assert_eq!(
            (error.file, error.line, error.field),
            (Some(PathBuf::from("case.toml")), Some(3), None)
        );
        // Wrapped in context, still found.
        let wrapped = anyhow::Error::new(ImportError::NotUtf8 { file: "x.toml".into() }).context("读取时");
        assert_eq!(ServiceError::new("导入", wrapped).file, Some(PathBuf::from("x.toml")));
        assert_eq!(ServiceError::new("导入", ImportError::NotFound).file, None);
    }

    #[test]
    fn a_plain_cause_names_nothing_and_keeps_its_context() {
        let error = ServiceError::new("无法读取案卷", anyhow::anyhow!("没有这件案卷"));
        assert_eq!(error.message, "无法读取案卷：没有这件案卷");
        assert_eq!((error.file, error.line, error.field), (None, None, None));
        assert_eq!(ServiceError::new("", anyhow::anyhow!("x")).message, "x");
    }
}
