//! The project store: migrations and version refusal, idempotent re-import, revisions, and
//! full-text search for long and short phrases.

mod common;

use common::*;
use pingcha::store::{Project, SCHEMA_VERSION, StoreError};

#[test]
fn a_new_project_is_a_folder_with_database_and_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("新项目");
    let p = Project::create_or_open(&dir).unwrap();
    assert!(dir.join("project.sqlite").is_file());
    assert!(dir.join("documents").is_dir());
    assert_eq!(p.name(), "新项目");
    drop(p);
    let conn = rusqlite_version(&dir);
    assert_eq!(conn, SCHEMA_VERSION);
}

fn rusqlite_version(dir: &std::path::Path) -> i64 {
    // Read the header bytes directly: user_version is a big-endian u32 at offset 60.
    let bytes = std::fs::read(dir.join("project.sqlite")).unwrap();
    i64::from(u32::from_be_bytes([bytes[60], bytes[61], bytes[62], bytes[63]]))
}

#[test]
fn opening_a_missing_project_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let err = Project::open(&tmp.path().join("nothing")).unwrap_err();
    assert!(matches!(err, StoreError::NotAProject(_)));
    assert!(err.to_string().contains("不是评查项目"));
}

#[test]
fn a_project_from_a_newer_version_is_refused_and_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    drop(Project::create_or_open(&dir).unwrap());
    // Simulate a newer program: bump user_version in the header (offset 60).
    let db = dir.join("project.sqlite");
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[60..64].copy_from_slice(&((SCHEMA_VERSION + 5) as u32).to_be_bytes());
    std::fs::write(&db, &bytes).unwrap();
    let err = Project::open(&dir).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
    assert!(err.to_string().contains("更新版本"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "the file is not modified");
}

#[test]
fn reimport_is_a_no_op_and_a_changed_package_becomes_a_revision() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = write_package(
        &tmp.path().join("pkg"),
        &minimal_toml("修订〔2024〕1号"),
        &[(
            "docs/01-立案审批表.pdf",
            pdf_with_text("第一版内容：重大危险源未定期检测。"),
        )],
    );
    let mut p = Project::create_or_open(&tmp.path().join("p")).unwrap();
    assert_eq!(import(&mut p, std::slice::from_ref(&pkg)).imported(), 1);
    let db = p.dir().join("project.sqlite");
    let docs_before: Vec<_> = std::fs::read_dir(p.dir().join("documents"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let cases_before = p.list_cases().unwrap();
    let again = import(&mut p, std::slice::from_ref(&pkg));
    assert_eq!((again.imported(), again.unchanged(), again.revised()), (0, 1, 0));
    assert_eq!(p.list_cases().unwrap(), cases_before);
    let docs_after: Vec<_> = std::fs::read_dir(p.dir().join("documents"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(docs_before, docs_after, "no new files");
    assert!(db.is_file());

    // Change one document: same case number, new revision, old one kept.
    std::fs::write(
        pkg.join("docs/01-立案审批表.pdf"),
        pdf_with_text("第二版内容：动火作业未安排专人管理。"),
    )
    .unwrap();
    let changed = import(&mut p, std::slice::from_ref(&pkg));
    assert_eq!(changed.revised(), 1, "{:?}", changed.items);
    let revisions = p.revisions("修订〔2024〕1号").unwrap();
    assert_eq!(revisions.iter().map(|r| r.revision).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(p.list_cases().unwrap().len(), 1, "only the current revision is listed");
    assert!(
        p.search("动火作业", 10)
            .unwrap()
            .iter()
            .any(|h| h.number == "修订〔2024〕1号")
    );
    assert!(
        p.search("重大危险源", 10).unwrap().is_empty(),
        "old revisions are not searched"
    );
    // The old revision's file is still in the project.
    let old = p.load_case(revisions[1].id).unwrap();
    let (sha, ext) = old.documents[0].file.clone().unwrap();
    assert!(p.blob_path(&sha, &ext).is_file());
}

#[test]
fn identical_files_are_stored_once() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = pdf_with_text("相同的文书内容");
    let a = write_package(
        &tmp.path().join("a"),
        &minimal_toml("同文〔1〕号"),
        &[("docs/01-立案审批表.pdf", pdf.clone())],
    );
    let b = write_package(
        &tmp.path().join("b"),
        &minimal_toml("同文〔2〕号"),
        &[("docs/01-立案审批表.pdf", pdf)],
    );
    let mut p = Project::create_or_open(&tmp.path().join("p")).unwrap();
    assert_eq!(import(&mut p, &[a, b]).imported(), 2);
    let files: Vec<_> = std::fs::read_dir(p.dir().join("documents")).unwrap().collect();
    assert_eq!(files.len(), 1);
}

#[test]
fn search_finds_long_and_short_phrases_across_documents_and_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create_or_open(&tmp.path().join("p")).unwrap();
    let long_text =
        "依据《中华人民共和国安全生产法》第一百零一条第（二）项的规定，责令限期改正，并处罚款人民币伍万元整。"
            .repeat(3);
    let pkg = write_package(
        &tmp.path().join("a"),
        &minimal_toml("检索〔2024〕1号"),
        &[("docs/01-立案审批表.pdf", pdf_with_text(&long_text))],
    );
    let other = write_package(
        &tmp.path().join("b"),
        &minimal_toml("检索〔2024〕2号").replace("测试公司", "欧阳喆商贸公司"),
        &[("docs/01-立案审批表.pdf", pdf_with_text("未设置安全警示标志。"))],
    );
    import(&mut p, &[pkg, other]);
    let hits = p.search("第一百零一条", 10).unwrap();
    assert!(
        hits.iter()
            .any(|h| h.number == "检索〔2024〕1号" && h.document_type.as_deref() == Some("立案审批表"))
    );
    assert!(hits[0].snippet.contains("【第一百零一条】"), "{:?}", hits[0]);
    // The paragraph wraps over several PDF lines: phrases that straddle a line still match.
    assert!(!p.search("责令限期改正，并处罚款人民币伍万元整", 10).unwrap().is_empty());
    // Two characters: below the trigram length, found through the LIKE fallback.
    let short = p.search("罚款", 10).unwrap();
    assert!(short.iter().any(|h| h.number == "检索〔2024〕1号"), "{short:?}");
    assert!(short.iter().all(|h| h.number != "检索〔2024〕2号"));
    // One character (a surname) and a rare character in a party name (metadata).
    assert!(
        p.search("喆", 10)
            .unwrap()
            .iter()
            .any(|h| h.number == "检索〔2024〕2号" && h.document_type.is_none())
    );
    // Several terms must all occur.
    assert_eq!(
        p.search("警示标志 欧阳喆", 10).unwrap().len(),
        0,
        "the terms are in different rows"
    );
    assert!(!p.search("安全警示 标志", 10).unwrap().is_empty());
    // Query syntax characters are plain text, never FTS5 syntax.
    assert!(p.search("\"OR\" AND NEAR(", 10).unwrap().is_empty());
    assert!(p.search("50%_", 10).unwrap().is_empty());
}
