//! Realistic, fictional sample cases: a city 应急管理局's year of penalty (普通/简易),
//! inspection and coercion cases across several units and industries, each written as a
//! case package (`case.toml` plus one real PDF per 文书, consistent with it).
//!
//! Deterministic for a seed. Uses `domain` and `report` (PDFs go through `report::pdf`);
//! writes files only under the output folder it is given. Must not use `rusqlite` or `egui`.

pub mod defects;
mod documents;
mod names;
pub mod scans;
mod toml_out;
mod world;

use std::path::Path;

pub use defects::DefectPlanner;
pub use names::Rng;
pub use world::{GeneratedCase, World, generate_case, generate_case_with};

/// What `pingcha sample` should make.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleOptions {
    /// Number of cases.
    pub cases: usize,
    /// Random seed: the same seed gives the same cases, byte for byte.
    pub seed: u64,
    /// Share of cases that get one planted defect (0 for clean samples).
    pub defect_rate: f64,
}

/// The demo project's packages: `pingcha sample DIR` with its defaults (30 cases, seed 2024,
/// one in five with a planted defect so the automatic checks, 问题, A and R can be tried),
/// the same cases as the repository's `assets/samples`. The app writes them on first start,
/// so a binary copied anywhere opens a demo with cases.
pub const DEMO: SampleOptions = SampleOptions {
    cases: 30,
    seed: 2024,
    defect_rate: 0.2,
};

/// The small grey line at the top of every sample document's pages.
pub const RUNNING_HEADER: &str = "虚构示例（Pingcha 生成的测试数据，非真实案件）";

/// The officer registry written beside the packages (last, after every case).
pub const REGISTRY_FILE: &str = "执法人员名册.csv";

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SampleSummary {
    /// Packages written.
    pub cases: usize,
    /// Documents (PDF files) written.
    pub documents: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Cases with a planted defect.
    pub defective: usize,
}

/// Errors writing samples.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// A file could not be written.
    #[error("{path}: 无法写入（{source}）")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A PDF could not be rendered.
    #[error("{0}")]
    Pdf(#[from] crate::report::PdfError),
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), SampleError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| SampleError::Io {
            path: parent.display().to_string(),
            source,
        })?;
    }
    std::fs::write(path, bytes).map_err(|source| SampleError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Writes `options.cases` packages into `out_dir` (one folder per case, named by its number
/// made file-safe) plus `执法人员名册.csv`, the officer registry of the fictional agency.
/// `progress` is called after each case with (done, total).
pub fn write_samples(
    out_dir: &Path,
    options: SampleOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SampleSummary, SampleError> {
    let mut world = World::new(options.seed);
    let mut summary = SampleSummary::default();
    let mut planner = (options.defect_rate > 0.0).then(|| DefectPlanner::new(options.seed, options.defect_rate));
    let mut defects: std::collections::BTreeMap<String, Vec<&'static str>> = std::collections::BTreeMap::new();
    for index in 0..options.cases {
        let generated = generate_case_with(&mut world, index, planner.as_mut())?;
        if planner.is_some() {
            if !generated.defects.is_empty() {
                summary.defective += 1;
            }
            defects.insert(generated.case.number.clone(), generated.defects.clone());
        }
        let dir = out_dir.join(file_safe(&generated.case.number));
        let toml = toml_out::case_toml(&generated.case);
        write_file(&dir.join("case.toml"), toml.as_bytes())?;
        summary.bytes += toml.len() as u64;
        for (path, bytes) in &generated.files {
            write_file(&dir.join(path), bytes)?;
            summary.bytes += bytes.len() as u64;
            summary.documents += 1;
        }
        summary.cases += 1;
        progress(index + 1, options.cases);
    }
    let registry = world.registry_csv();
    write_file(&out_dir.join(REGISTRY_FILE), registry.as_bytes())?;
    summary.bytes += registry.len() as u64;
    if planner.is_some() {
        // Case number → rule ids planted (an empty list: a clean case).
        let json = serde_json::to_string_pretty(&defects).unwrap_or_else(|_| "{}".into());
        write_file(&out_dir.join("defects.json"), json.as_bytes())?;
    }
    Ok(summary)
}

/// A case number as a folder name: `青禾应急罚〔2024〕15号` → `青禾应急罚2024-15号`.
pub fn file_safe(number: &str) -> String {
    number
        .replace(['〔', '['], "")
        .replace(['〕', ']'], "-")
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect()
}
