//! Review campaigns (评查活动): drawing cases, assigning reviewers across units (交叉评查),
//! offline reviewer kits and score returns (signed), differences and consensus (合议),
//! sign-off (复核), and how far reviewers agree.
//!
//! By concern: `assign` (draw and assignment algorithms, pure) and `campaign` (settings,
//! draw and assignment over a project); `kit` (signed files) and `exchange` (kits and returns,
//! I/O); `consensus` (comparison, consensus, sign-off); `statistics` and `agreement` (pure).
//!
//! May use `domain`, `scoring`, `import` and `store`. Must not use `egui`.

pub mod agreement;
pub mod assign;
pub mod campaign;
pub mod consensus;
pub mod exchange;
pub mod kit;
pub mod statistics;

/// Why a campaign operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The project store failed or refused.
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A refusal with its reason, in Chinese.
    #[error("{0}")]
    Refused(String),
    /// The user cancelled the job; nothing was written.
    #[error(transparent)]
    Cancelled(#[from] crate::progress::Cancelled),
}
