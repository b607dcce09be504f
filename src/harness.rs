//! Pingcha's own entry points for hostile bytes, one per kind of input that comes from
//! outside. The fuzz targets (`fuzz/`, run with cargo-fuzz) call them, and the corpus replay
//! test (`tests/fuzz_corpus.rs`) runs every stored input — the seeds and every input that
//! ever failed — through them on stable with `cargo test`. Each reads the bytes the way the
//! app reads such a file; it may accept or refuse them, never panic or run away.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The input kinds, as named in `fuzz/corpus/<name>/` and `fuzz/fuzz_targets/<name>.rs`.
pub const TARGETS: &[&str] = &[
    "case_toml",
    "zip_package",
    "csv_ledger",
    "xlsx_ledger",
    "checklist_toml",
    "pdf_text",
    "signed_file",
    "folder_package",
];

/// Feeds `data` to the entry point of `target`. `Err` only for an unknown target name: what
/// the entry point makes of the data (a case, a refusal) is its business.
pub fn run(target: &str, data: &[u8]) -> Result<(), String> {
    match target {
        "case_toml" => {
            let text = String::from_utf8_lossy(data);
            let _ = crate::import::parse_case_toml("case.toml", &text);
        }
        "zip_package" => with_file("package.zip", data, read_package),
        "csv_ledger" => with_file("台账.csv", data, read_ledger),
        "xlsx_ledger" => with_file("台账.xlsx", data, read_ledger),
        "checklist_toml" => {
            let text = String::from_utf8_lossy(data);
            let known = crate::scoring::format::Known::with_library(["ZT-01", "LA-02"]);
            if let Ok(checklist) = crate::scoring::format::parse_checklist("checklist.toml", &text, &known) {
                let _ = crate::scoring::format::validate(&checklist, &known);
                let _ = crate::scoring::evaluate(&checklist, &[]);
            }
        }
        "pdf_text" => {
            let _ = crate::import::extract_pdf_text(data, &crate::import::ImportLimits::default());
        }
        "signed_file" => with_file("signed.pchkit", data, |path| {
            for (format, what) in [("pingcha-kit-1", "评查包"), ("pingcha-return-1", "回收包")] {
                if let Ok(mut verified) = crate::review::kit::read_signed(path, format, what, 1 << 30) {
                    for name in verified.names() {
                        let _ = verified.read(&name);
                    }
                }
            }
        }),
        "folder_package" => with_dir(data, read_package),
        other => return Err(format!("unknown target {other}")),
    }
    Ok(())
}

/// Opens a package (zip or folder) and reads every member in full, bounded as the import
/// reads it.
fn read_package(path: &Path) {
    let limits = crate::import::ImportLimits::default();
    if let Ok(mut package) = crate::import::open_package(path, &limits) {
        let members: Vec<String> = package.members.iter().map(|m| m.path.clone()).collect();
        for member in members {
            if let Ok(mut reader) = package.read_member(&member) {
                let mut sink = Vec::new();
                let _ = reader.by_ref().take(64 << 20).read_to_end(&mut sink);
            }
        }
    }
}

fn read_ledger(path: &Path) {
    if let Ok(sheet) = crate::import::read_sheet(path, &crate::import::ImportLimits::default()) {
        let _ = sheet.ledger_cases();
        let _ = sheet.registry_officers();
    }
}

/// Builds a package folder from `data` and runs `f` on it: each line `F path<TAB>content`
/// writes a file, `D path` makes a folder, `L path<TAB>target` makes a symbolic link (Unix),
/// paths relative to the package (a path that leaves it is skipped: the harness builds the
/// package, the walker is what is tested). The folder is removed after.
fn with_dir(data: &[u8], f: impl FnOnce(&Path)) {
    let text = String::from_utf8_lossy(data);
    with_temp_dir(|dir| {
        let root = dir.join("package");
        if std::fs::create_dir_all(&root).is_err() {
            return;
        }
        for line in text.lines().take(200) {
            let (Some(kind), Some(rest)) = (line.get(..2), line.get(2..)) else {
                continue;
            };
            let (path, content) = rest.split_once('\t').unwrap_or((rest, ""));
            let relative = Path::new(path);
            if path.is_empty()
                || relative.is_absolute()
                || relative
                    .components()
                    .any(|c| !matches!(c, std::path::Component::Normal(_)))
            {
                continue;
            }
            let target = root.join(relative);
            if let Some(parent) = target.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            match kind {
                "F " => {
                    let _ = std::fs::write(&target, content.replace("\\n", "\n"));
                }
                "D " => {
                    let _ = std::fs::create_dir_all(&target);
                }
                #[cfg(unix)]
                "L " => {
                    let _ = std::os::unix::fs::symlink(content, &target);
                }
                _ => {}
            }
        }
        f(&root);
    });
}

/// Writes `data` to a fresh file named `name` in a private temporary folder and runs `f` on it.
fn with_file(name: &str, data: &[u8], f: impl FnOnce(&Path)) {
    with_temp_dir(|dir| {
        let path = dir.join(name);
        if std::fs::write(&path, data).is_ok() {
            f(&path);
        }
    });
}

/// Runs `f` in a fresh private temporary folder, removed after.
fn with_temp_dir(f: impl FnOnce(&Path)) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "pingcha-harness-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    if std::fs::create_dir_all(&dir).is_ok() {
        f(&dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
