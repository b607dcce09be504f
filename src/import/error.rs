//! Import errors: every message is Chinese and names the file, the field and the line.

use std::fmt;

/// One problem with one field of `case.toml` (or one cell of a sheet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field, written as in the file: `[dates].inspection`, `documents[3].file`.
    pub field: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "第{line}行 {}: {}", self.field, self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

/// Why a package, ledger or registry could not be read. The batch reporter prefixes the
/// item's path (`<path>: <reason>`), so messages name the file *inside* the item.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The item could not be read from disk.
    #[error("{file}: 无法读取（{source}）")]
    Io {
        /// The file.
        file: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The path does not exist.
    #[error("路径不存在")]
    NotFound,
    /// `case.toml` is not valid TOML.
    #[error("{file} 第{line}行第{column}列：TOML 语法错误：{message}")]
    Syntax {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (characters).
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// `case.toml` is not UTF-8.
    #[error("{file}: 不是 UTF-8 编码的文本")]
    NotUtf8 {
        /// The file.
        file: String,
    },
    /// Fields are missing, ill-typed or out of range.
    #[error("{file}: {}", join(.problems))]
    Invalid {
        /// The file.
        file: String,
        /// Every problem found.
        problems: Vec<FieldProblem>,
    },
    /// A path in the package leaves it, or is absolute.
    #[error("{file}: 路径“{path}”不安全（{why}），整个案卷包被拒绝")]
    UnsafePath {
        /// Where the path was found (`case.toml` field or the zip).
        file: String,
        /// The offending path.
        path: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// A file named `.zip` that is not a zip archive.
    #[error("不是有效的 zip 文件（{reason}）")]
    NotZip {
        /// The zip reader's reason.
        reason: String,
    },
    /// A zip whose declared sizes are absurd.
    #[error("疑似压缩炸弹或被篡改的压缩包，已拒绝（{detail}）；项目未作改动")]
    ZipBomb {
        /// Which limit was exceeded.
        detail: String,
    },
    /// A zip with more than one top-level folder holding `case.toml`, or other layout errors.
    #[error("{0}")]
    Layout(String),
    /// A refusal made by the reader process (`crate::worker`), relayed as it worded it (the
    /// file and the row already named).
    #[error("{0}")]
    Relayed(String),
    /// A spreadsheet that is neither a ledger nor a registry.
    #[error("{file}: {message}")]
    Sheet {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

impl ImportError {
    /// The file, line and field this error names, where it names them (the first problem of
    /// an invalid file).
    pub fn location(&self) -> (Option<&str>, Option<usize>, Option<String>) {
        match self {
            ImportError::Io { file, .. }
            | ImportError::NotUtf8 { file }
            | ImportError::UnsafePath { file, .. }
            | ImportError::Sheet { file, .. } => (Some(file), None, None),
            ImportError::Syntax { file, line, .. } => (Some(file), Some(*line), None),
            ImportError::Invalid { file, problems } => {
                let first = problems.first();
                (Some(file), first.and_then(|p| p.line), first.map(|p| p.field.clone()))
            }
            ImportError::NotFound
            | ImportError::NotZip { .. }
            | ImportError::ZipBomb { .. }
            | ImportError::Layout(_)
            | ImportError::Relayed(_) => (None, None, None),
        }
    }
}

fn join(problems: &[FieldProblem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("；")
}
