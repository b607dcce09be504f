//! Enforces the layering of ARCHITECTURE.md by scanning `src/`: a module that names a crate
//! (or another module of this crate) its layer forbids fails this test.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

use std::path::{Path, PathBuf};

/// (module path prefix under src/, forbidden names). A name is a crate (`rusqlite`) or an
/// internal module (`crate::store`). Test modules (`#[cfg(test)] mod tests`) are not scanned.
const RULES: &[(&str, &[&str])] = &[
    (
        "places",
        &[
            "rusqlite",
            "egui",
            "eframe",
            "printpdf",
            "rfd",
            "crate::store",
            "crate::import",
            "crate::report",
            "crate::service",
            "crate::ui",
            "crate::cli",
            "crate::review",
        ],
    ),
    (
        "domain",
        &[
            "rusqlite",
            "egui",
            "eframe",
            "egui_extras",
            "printpdf",
            "rfd",
            "lopdf",
            "zip",
            "calamine",
            "std::fs",
            "crate::store",
            "crate::import",
            "crate::report",
            "crate::service",
            "crate::ui",
            "crate::cli",
        ],
    ),
    (
        "import",
        &[
            "rusqlite",
            "egui",
            "eframe",
            "egui_extras",
            "printpdf",
            "rfd",
            "crate::store",
            "crate::ui",
            "crate::service",
            "crate::cli",
            "crate::report",
        ],
    ),
    (
        "rules",
        &[
            "rusqlite",
            "egui",
            "eframe",
            "egui_extras",
            "printpdf",
            "rfd",
            "lopdf",
            "zip",
            "calamine",
            "std::fs",
            "crate::store",
            "crate::import",
            "crate::report",
            "crate::service",
            "crate::ui",
            "crate::cli",
            "crate::scoring",
        ],
    ),
    (
        "scoring",
        &[
            "rusqlite",
            "egui",
            "eframe",
            "egui_extras",
            "printpdf",
            "rfd",
            "lopdf",
            "zip",
            "calamine",
            "std::fs",
            "crate::store",
            "crate::import",
            "crate::report",
            "crate::service",
            "crate::ui",
            "crate::cli",
        ],
    ),
    (
        "review",
        &[
            "egui",
            "eframe",
            "egui_extras",
            "printpdf",
            "rfd",
            "crate::ui",
            "crate::cli",
            "crate::service",
            "crate::report",
        ],
    ),
    (
        "report/model.rs",
        &[
            "printpdf",
            "rusqlite",
            "egui",
            "rfd",
            "std::fs",
            "crate::store",
            "crate::ui",
        ],
    ),
    (
        "report/text.rs",
        &[
            "printpdf",
            "rusqlite",
            "egui",
            "rfd",
            "std::fs",
            "crate::store",
            "crate::ui",
        ],
    ),
    (
        "report",
        &[
            "rusqlite",
            "egui",
            "eframe",
            "egui_extras",
            "rfd",
            "crate::store",
            "crate::ui",
            "crate::service",
            "crate::cli",
        ],
    ),
    (
        "store",
        &[
            "egui",
            "eframe",
            "egui_extras",
            "printpdf",
            "rfd",
            "crate::ui",
            "crate::service",
            "crate::cli",
            "crate::report",
        ],
    ),
    (
        "sample",
        &[
            "rusqlite",
            "egui",
            "eframe",
            "printpdf",
            "rfd",
            "crate::store",
            "crate::ui",
            "crate::service",
            "crate::cli",
        ],
    ),
    (
        "service",
        &[
            "egui",
            "eframe",
            "egui_extras",
            "rfd",
            "printpdf",
            "crate::ui",
            "crate::cli",
        ],
    ),
    (
        "cli",
        &[
            "egui",
            "eframe",
            "egui_extras",
            "rfd",
            "rusqlite",
            "printpdf",
            "crate::ui",
        ],
    ),
    ("ui", &["rusqlite", "printpdf", "lopdf", "hayro"]),
    (
        "harness.rs",
        &[
            "egui",
            "eframe",
            "rusqlite",
            "printpdf",
            "rfd",
            "crate::store",
            "crate::ui",
            "crate::service",
            "crate::cli",
        ],
    ),
    (
        "worker.rs",
        &[
            "egui",
            "eframe",
            "rusqlite",
            "printpdf",
            "rfd",
            "crate::store",
            "crate::ui",
            "crate::service",
            "crate::cli",
            "crate::review",
            "crate::report",
        ],
    ),
    (
        "facts",
        &[
            "rusqlite",
            "egui",
            "eframe",
            "printpdf",
            "rfd",
            "std::fs",
            "crate::store",
            "crate::import",
            "crate::report",
            "crate::service",
            "crate::ui",
            "crate::cli",
        ],
    ),
    (
        "ocr",
        &[
            "egui",
            "eframe",
            "rusqlite",
            "printpdf",
            "rfd",
            "crate::store",
            "crate::ui",
            "crate::service",
            "crate::cli",
            "crate::review",
            "crate::report",
        ],
    ),
    (
        "progress.rs",
        &[
            "egui",
            "eframe",
            "rusqlite",
            "printpdf",
            "rfd",
            "std::fs",
            "crate::domain",
            "crate::store",
            "crate::import",
            "crate::review",
            "crate::report",
            "crate::service",
            "crate::ui",
            "crate::cli",
        ],
    ),
    (
        "preview.rs",
        &[
            "egui",
            "eframe",
            "rusqlite",
            "printpdf",
            "rfd",
            "crate::store",
            "crate::ui",
            "crate::service",
            "crate::cli",
        ],
    ),
];

/// Crates only one place may use.
const OWNERS: &[(&str, &[&str])] = &[
    ("rusqlite", &["store"]),
    ("printpdf", &["report/pdf.rs", "report/fonts.rs"]),
    ("fontdb", &["report/fonts.rs"]),
    ("rust_xlsxwriter", &["report/xlsx.rs"]),
    ("ed25519_dalek", &["review"]),
    ("egui", &["ui"]),
    ("eframe", &["ui"]),
    ("egui_extras", &["ui"]),
    ("rfd", &["ui"]),
    ("clap", &["cli", "main.rs"]),
    ("hayro", &["preview.rs"]),
    ("image", &["preview.rs", "ocr/raster.rs"]),
    ("ort", &["ocr/onnx.rs"]),
];

/// The code of a file without its test module.
fn production_code(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests").map_or(text, |i| &text[..i])
}

/// Whether `code` refers to `name` (`name::…`, `use name`, `name;`), outside comments.
fn mentions(code: &str, name: &str) -> bool {
    code.lines().map(|l| l.split("//").next().unwrap_or("")).any(|line| {
        let mut start = 0;
        while let Some(pos) = line[start..].find(name) {
            let at = start + pos;
            let before_ok = at == 0 || !line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
            let after = &line[at + name.len()..];
            // `name::` anywhere; `name;`, `name as`, `name,` and `name}` only in `use` lists
            // (elsewhere they are variables, such as `(image, count)`).
            let in_use = line.trim_start().starts_with("use ") || line.trim_start().starts_with("pub use ");
            let after_ok = after.starts_with("::")
                || (in_use
                    && (after.starts_with(';')
                        || after.starts_with(" as")
                        || after.starts_with('}')
                        || after.starts_with(',')));
            if before_ok && after_ok {
                return true;
            }
            start = at + name.len();
        }
        false
    })
}

/// Whether a file is a whole test module, declared `#[cfg(test)]\nmod name;` in its folder's
/// `mod.rs` (such as `rules/statute_tests.rs`): test code, not scanned.
fn is_test_module(file: &Path) -> bool {
    let (Some(stem), Some(dir)) = (file.file_stem(), file.parent()) else {
        return false;
    };
    let declaration = format!("#[cfg(test)]\nmod {};", stem.to_string_lossy());
    std::fs::read_to_string(dir.join("mod.rs")).is_ok_and(|m| m.contains(&declaration))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        if is_test_module(&file) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read");
        let code = production_code(&text);
        // The most specific rule for this file applies (report/model.rs before report).
        if let Some((prefix, forbidden)) = RULES
            .iter()
            .filter(|(p, _)| rel.starts_with(p))
            .max_by_key(|(p, _)| p.len())
        {
            for name in *forbidden {
                if mentions(code, name) {
                    found.push(format!("src/{rel} ({prefix}) uses {name}"));
                }
            }
        }
        for (name, owners) in OWNERS {
            if mentions(code, name) && !owners.iter().any(|o| rel.starts_with(o)) {
                found.push(format!("src/{rel} uses {name}, which only {owners:?} may use"));
            }
        }
    }
    found
}

#[test]
fn layers_hold() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(found.is_empty(), "layering violations:\n{}", found.join("\n"));
}

#[test]
fn the_scanner_catches_a_planted_violation() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path();
    std::fs::create_dir_all(src.join("domain")).unwrap();
    std::fs::write(
        src.join("domain/bad.rs"),
        "use rusqlite::Connection;\nfn f() { egui::Context::default(); }\n",
    )
    .unwrap();
    std::fs::create_dir_all(src.join("ui")).unwrap();
    std::fs::write(
        src.join("ui/ok.rs"),
        "// rusqlite:: in a comment is fine\nuse egui::Ui;\n#[cfg(test)]\nmod tests { use rusqlite::Connection; }\n",
    )
    .unwrap();
    std::fs::create_dir_all(src.join("store")).unwrap();
    std::fs::write(
        src.join("store/x.rs"),
        "use crate::ui::App;\nuse my_rusqlite_wrapper::X;\nfn f(rusqlite: u8) -> (u8, u8) { (rusqlite, 1) }\n",
    )
    .unwrap();
    let found = violations(src);
    assert!(
        found.iter().any(|v| v.contains("domain/bad.rs (domain) uses rusqlite")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|v| v.contains("domain/bad.rs (domain) uses egui")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|v| v.contains("store/x.rs (store) uses crate::ui")),
        "{found:?}"
    );
    assert!(!found.iter().any(|v| v.contains("ui/ok.rs")), "{found:?}");
    assert!(!found.iter().any(|v| v.contains("my_rusqlite")), "{found:?}");
}

/// What the window's code (`src/ui`) must never name: it draws and asks, and the service
/// threads (`service::host` running a `service::Session`) do the work. No SQL handle, no
/// session, no file writing.
const UI_NEVER: &[&str] = &[
    "Project",
    "Connection",
    "Session",
    "write_atomically",
    "fs::write",
    "File::create",
    "OpenOptions",
    "create_dir",
    "create_dir_all",
    "remove_file",
    "remove_dir_all",
    "fs::rename",
    "fs::copy",
    "write_samples",
];

/// Whole-word occurrences of `word` in `code` outside comments (`OpenProject` is not
/// `Project`).
fn names_word(code: &str, word: &str) -> bool {
    code.lines().map(|l| l.split("//").next().unwrap_or("")).any(|line| {
        line.match_indices(word).any(|(at, _)| {
            let ident = |c: char| c.is_alphanumeric() || c == '_';
            !line[..at].ends_with(ident) && !line[at + word.len()..].starts_with(ident)
        })
    })
}

fn ui_violations(ui: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(ui, &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let code = production_code(&text);
        for word in UI_NEVER {
            if names_word(code, word) {
                found.push(format!("{} names {word}", file.display()));
            }
        }
    }
    found
}

#[test]
fn the_window_draws_and_asks_and_never_writes_or_queries() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let found = ui_violations(&ui);
    assert!(
        found.is_empty(),
        "the window does work that belongs in service:\n{}",
        found.join("\n")
    );
    // The scanner sees a planted one, and not a longer name or a comment.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("bad.rs"),
        "// Project in a comment\nenum C { OpenProject }\nfn f(p: &crate::store::Project) {}\nfn g() { std::fs::write(\"x\", b\"\"); }\n",
    )
    .unwrap();
    let planted = ui_violations(tmp.path());
    assert_eq!(planted.len(), 2, "{planted:?}");
}
