//! The project store: migrations and version refusal, idempotent re-import, revisions, and
//! full-text search for long and short phrases.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

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
    assert!(p.search_cases("重大危险源").unwrap().cases.is_empty());
    assert_eq!(p.search_cases("动火作业").unwrap().cases.len(), 1);
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

/// A copy of the saved version-1 project (made by the release before scoring existed).
fn v1_project(tmp: &std::path::Path) -> std::path::PathBuf {
    let dir = tmp.join("v1");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project-v1/project.sqlite"),
        dir.join("project.sqlite"),
    )
    .unwrap();
    dir
}

const V1_CASE: &str = "青禾应急罚〔2023〕1号";

#[test]
fn a_version_1_project_migrates_and_keeps_its_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = v1_project(tmp.path());
    assert_eq!(rusqlite_version(&dir), 1, "the fixture is a version-1 project");
    let mut p = Project::open(&dir).unwrap();
    let rows = p.list_cases().unwrap();
    assert_eq!(rows.len(), 1);
    let stored = p.load_case_by_number(V1_CASE).unwrap();
    assert_eq!(stored.documents.len(), 28);
    assert_eq!(rows[0].documents, 28, "the stored count is filled in by migration 5");
    assert!(
        !p.search("重大", 10).unwrap().is_empty(),
        "the full-text index survives"
    );
    // Migration 6 tied every index row to its case: the list's search finds it too.
    assert_eq!(p.search_cases("重大").unwrap().cases, [rows[0].id]);
    assert!(!p.search_in_case("重大", rows[0].id).unwrap().is_empty());
    assert_eq!(p.registry().unwrap().len(), 26);
    // The scoring tables work on the migrated project.
    pingcha::service::review::prepare_project(&mut p).unwrap();
    assert_eq!(p.checklists().unwrap().len(), 5);
    assert!(p.library().unwrap().len() >= 40);
    drop(p);
    assert_eq!(rusqlite_version(&dir), SCHEMA_VERSION);
    // Opening again is a no-op; seeding twice adds nothing.
    let mut p = Project::open(&dir).unwrap();
    pingcha::service::review::prepare_project(&mut p).unwrap();
    assert_eq!(p.checklists().unwrap().len(), 5);
}

fn scored_project(tmp: &std::path::Path) -> (Project, pingcha::service::review::CaseScoring, pingcha::store::Reviewer) {
    let mut p = Project::open(&v1_project(tmp)).unwrap();
    pingcha::service::review::prepare_project(&mut p).unwrap();
    let reviewer = p.reviewer("李四", "法规科").unwrap();
    let case = p.load_case_by_number(V1_CASE).unwrap().case;
    let scorings = pingcha::service::review::case_scorings(&p, &case, reviewer.id).unwrap();
    let names: Vec<&str> = scorings.iter().map(|s| s.checklist.checklist.id.as_str()).collect();
    assert_eq!(
        names,
        ["yjcf-general", "sxzd"],
        "kind-specific first, then the general one"
    );
    let general = scorings.into_iter().next().unwrap();
    (p, general, reviewer)
}

#[test]
fn marks_are_saved_with_an_audit_row_and_freeze_their_checklist_version() {
    use pingcha::domain::{Mark, MarkValue};
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, general, _) = scored_project(tmp.path());
    assert!(!general.checklist.frozen);
    let mut mark = Mark::new("1.2", MarkValue::Count(2));
    mark.reason = "询问笔录仅一名执法人员签名".into();
    let e = pingcha::service::review::apply_mark(
        &mut p,
        &general.key,
        "1.2",
        Some(mark.clone()),
        pingcha::domain::AuditAction::Mark,
        &mark.reason,
    )
    .unwrap();
    assert_eq!(e.total, 98.0);
    assert_eq!(p.marks(&general.key).unwrap(), vec![mark.clone()]);
    let frozen = p.checklist(general.checklist.key).unwrap();
    assert!(frozen.frozen, "a scored version is frozen");

    // Editing a frozen checklist makes version 2; the score keeps version 1.
    let mut edited = frozen.checklist.clone();
    edited.bands[0].min_points = 95.0;
    let (key2, version2) = p.save_checklist(&edited, pingcha::scoring::format::to_toml).unwrap();
    assert_eq!(version2, 2);
    assert_ne!(key2, general.key.checklist);
    let v1 = p.checklist(general.key.checklist).unwrap();
    assert_eq!(v1.checklist.bands[0].min_points, 90.0, "version 1 unchanged");
    // Saving version 2 again (not yet used) replaces it in place.
    edited.bands[0].min_points = 92.0;
    assert_eq!(
        p.save_checklist(&edited, pingcha::scoring::format::to_toml).unwrap(),
        (key2, 2)
    );
    let case = p.load_case_by_number(V1_CASE).unwrap().case;
    let reviewer = p.reviewer("李四", "法规科").unwrap();
    let again = pingcha::service::review::case_scorings(&p, &case, reviewer.id).unwrap();
    assert_eq!(
        again[0].checklist.key, general.key.checklist,
        "the reviewer stays on the version used"
    );
    let newcomer = p.reviewer("王五", "执法支队").unwrap();
    let fresh = pingcha::service::review::case_scorings(&p, &case, newcomer.id).unwrap();
    assert_eq!(
        fresh[0].checklist.checklist.version, 2,
        "a new review starts on the newest version"
    );

    // Clearing, then the audit trail: every change, old → new.
    pingcha::service::review::apply_mark(
        &mut p,
        &again[0].key,
        "1.2",
        None,
        pingcha::domain::AuditAction::Undo,
        "",
    )
    .unwrap();
    p.set_reviewed(&general.key, true).unwrap();
    let log = p.audit(V1_CASE).unwrap();
    let actions: Vec<&str> = log.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["mark", "undo", "reviewed"]);
    assert_eq!(log[0].new.as_ref(), Some(&mark));
    assert_eq!(log[1].old.as_ref(), Some(&mark));
    assert_eq!(log[1].new, None);
    assert_eq!((log[0].reviewer.as_str(), log[0].unit.as_str()), ("李四", "法规科"));
    assert!(log[0].checklist.as_deref().unwrap().contains("第1版"));
    assert_eq!(p.reviewed_cases(reviewer.id).unwrap().len(), 1);
}

#[test]
fn the_audit_log_refuses_updates_and_deletes() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, general, _) = scored_project(tmp.path());
    let mark = pingcha::domain::Mark::new("V11", pingcha::domain::MarkValue::VetoHit);
    pingcha::service::review::apply_mark(
        &mut p,
        &general.key,
        "V11",
        Some(mark),
        pingcha::domain::AuditAction::Mark,
        "",
    )
    .unwrap();
    let dir = p.dir().to_path_buf();
    drop(p);
    let conn = rusqlite::Connection::open(dir.join("project.sqlite")).unwrap();
    let update = conn.execute("UPDATE audit_log SET note = 'changed'", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM audit_log", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    let count: i64 = conn
        .query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn a_mark_that_does_not_fit_is_refused_before_anything_is_written() {
    use pingcha::domain::{Mark, MarkValue};
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, general, _) = scored_project(tmp.path());
    let wrong = Mark::new("1.2", MarkValue::VetoHit);
    assert!(
        pingcha::service::review::apply_mark(
            &mut p,
            &general.key,
            "1.2",
            Some(wrong),
            pingcha::domain::AuditAction::Mark,
            ""
        )
        .is_err()
    );
    assert!(p.marks(&general.key).unwrap().is_empty());
    assert!(p.audit(V1_CASE).unwrap().is_empty());
    assert!(!p.checklist(general.key.checklist).unwrap().frozen);
}

#[test]
fn reviewers_extend_the_finding_library() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, _, reviewer) = scored_project(tmp.path());
    let entry = pingcha::domain::LibraryEntry {
        code: String::new(),
        category: "评查员补充".into(),
        wording: "检查记录未附现场照片".into(),
        basis: String::new(),
        advice: "现场检查时拍照并附卷".into(),
    };
    let first = p.add_library_entry(reviewer.id, &entry).unwrap();
    let second = p.add_library_entry(reviewer.id, &entry).unwrap();
    assert_eq!((first.code.as_str(), second.code.as_str()), ("R-001", "R-002"));
    assert!(
        p.library()
            .unwrap()
            .iter()
            .any(|e| e.code == "R-001" && e.wording == entry.wording)
    );
}

fn bare_case(number: &str, documents: Vec<pingcha::store::NewDocument>) -> pingcha::store::NewCase {
    use pingcha::domain::{Case, CaseKind, CaseOrigin, Document};
    let mut case = Case::new(number, CaseKind::Inspection, CaseOrigin::Package);
    case.documents = documents
        .iter()
        .map(|_| Document {
            doc_type: "现场检查记录".into(),
            file: "docs/a.pdf".into(),
            ..Document::default()
        })
        .collect();
    pingcha::store::NewCase {
        case,
        fingerprint: format!("fp-{number}"),
        source_path: "test".into(),
        warnings: Vec::new(),
        documents,
        files: Vec::new(),
    }
}

#[test]
fn a_batch_saves_its_cases_in_one_transaction_and_a_bad_case_fails_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create_or_open(&tmp.path().join("p")).unwrap();
    // The middle case names a stored file the batch does not carry: the foreign key refuses it.
    let dangling = pingcha::store::NewDocument {
        blob: Some(pingcha::store::StoredBlob {
            sha256: "0".repeat(64),
            size_bytes: 1,
            extension: "pdf".into(),
        }),
        text_status: "text".into(),
        text: Some("文字".into()),
        page_count: Some(1),
        bare_pages: Vec::new(),
    };
    let batch = vec![
        bare_case("批〔1〕号", Vec::new()),
        bare_case("批〔2〕号", vec![dangling]),
        bare_case("批〔3〕号", Vec::new()),
    ];
    let outcomes = p.save_cases(&batch).unwrap();
    assert!(outcomes[0].is_ok() && outcomes[2].is_ok(), "{outcomes:?}");
    assert!(outcomes[1].is_err(), "{outcomes:?}");
    let numbers: Vec<String> = p.list_cases().unwrap().into_iter().map(|r| r.number).collect();
    assert_eq!(numbers, ["批〔1〕号", "批〔3〕号"], "the bad case left nothing behind");
    assert!(p.search("文字", 10).unwrap().is_empty(), "nor index rows");
    // The same batch again: the saved ones are unchanged, nothing is duplicated.
    let again = p.save_cases(&batch).unwrap();
    assert!(matches!(again[0], Ok(pingcha::store::SaveOutcome::Unchanged { .. })));
    assert_eq!(p.case_count().unwrap(), 2);
}

#[test]
fn leftovers_of_a_killed_import_are_removed_on_open_and_short_files_are_rewritten() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let p = Project::create_or_open(&dir).unwrap();
    let docs = dir.join("documents");
    // A process id that cannot be running (above the kernel's pid_max), and our own.
    let dead = docs.join(".incoming-4194999-7");
    let ours = docs.join(format!(".incoming-{}-7", std::process::id()));
    std::fs::write(&dead, b"partial").unwrap();
    std::fs::write(&ours, b"in progress").unwrap();
    let blobs = p.blobs();
    drop(p);
    let p = Project::open(&dir).unwrap();
    assert!(!dead.exists(), "a dead process's temporary file is removed");
    assert!(ours.exists(), "a live process's is left alone");
    // A stored file left short by a crash before its batch was flushed is written again.
    let (blob, written) = blobs.store_deferred(&mut &b"%PDF-1.4 content"[..], "a.pdf").unwrap();
    assert!(written.is_some());
    let path = p.blob_path(&blob.sha256, &blob.extension);
    std::fs::write(&path, b"").unwrap();
    let (_, again) = blobs.store_deferred(&mut &b"%PDF-1.4 content"[..], "a.pdf").unwrap();
    assert_eq!(again.as_deref(), Some(path.as_path()));
    assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.4 content");
    let (_, reused) = blobs.store_deferred(&mut &b"%PDF-1.4 content"[..], "a.pdf").unwrap();
    assert!(reused.is_none(), "a whole stored file is reused by hash");
    blobs.sync_batch(&[path]).unwrap();
}

#[test]
fn findings_are_cached_per_case_revision_and_rules_context() {
    use pingcha::service::checks::{ProjectRules, RULE_SETTINGS_KEY, to_cached};
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create_or_open(&tmp.path().join("p")).unwrap();
    import(&mut p, &[samples(3).to_path_buf()]);
    let rules = ProjectRules::load(&p).unwrap();
    let key = rules.cache_key();
    let rows = p.list_cases().unwrap();
    let entries: Vec<_> = rows
        .iter()
        .map(|r| {
            let case = p.load_case(r.id).unwrap().case;
            (r.id, rules.check(&case).iter().map(to_cached).collect::<Vec<_>>())
        })
        .collect();
    p.cache_findings(&key, &entries).unwrap();
    let cached = p.cached_findings(&key).unwrap();
    assert_eq!(cached.len(), rows.len());
    for (id, findings) in &entries {
        assert_eq!(&cached[id], findings);
    }
    // Another settings version is another context: nothing cached for it.
    let mut settings = rules.settings.clone();
    settings.payment_calendar_days = 10;
    p.set_setting(RULE_SETTINGS_KEY, &settings).unwrap();
    let changed = ProjectRules::load(&p).unwrap().cache_key();
    assert_ne!(changed, key);
    assert!(p.cached_findings(&changed).unwrap().is_empty());
    // Writing under the new context replaces the row of that case.
    p.cache_findings(&changed, &entries[..1]).unwrap();
    assert_eq!(p.cached_findings(&key).unwrap().len(), rows.len() - 1);
}

#[test]
fn the_lists_search_counts_every_match_and_a_case_shows_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create_or_open(&tmp.path().join("p")).unwrap();
    import(&mut p, &[samples(3).to_path_buf()]);
    for query in ["第一百零一条", "安全生产法", "罚款", "喆", "安全 生产"] {
        let all = p.search(query, usize::MAX).unwrap();
        let summary = p.search_cases(query).unwrap();
        let cases: std::collections::BTreeSet<pingcha::store::CaseId> = all.iter().map(|h| h.case_id).collect();
        assert_eq!(
            summary.cases.iter().copied().collect::<std::collections::BTreeSet<_>>(),
            cases,
            "{query}"
        );
        assert_eq!(summary.places, all.len(), "{query}");
        // Each case's own matches: the same rows and snippets, in document order.
        for &case in &cases {
            let own: Vec<_> = all.iter().filter(|h| h.case_id == case).cloned().collect();
            assert_eq!(p.search_in_case(query, case).unwrap(), own, "{query} in {case}");
        }
    }
    // A limit cuts the hits, never the list's count of matching cases.
    let common = p.search_cases("安全生产法").unwrap();
    assert!(common.cases.len() >= 2, "{common:?}");
    assert_eq!(p.search("安全生产法", 1).unwrap().len(), 1);
    // Terms that never occur together, and query syntax, match nothing.
    assert!(p.search_cases("\"OR\" AND NEAR(").unwrap().cases.is_empty());
    assert!(p.search_cases("50%_").unwrap().cases.is_empty());
    assert!(p.search_cases("   ").unwrap().cases.is_empty());
}

#[test]
fn a_changed_package_for_a_locked_case_waits_until_the_case_is_unlocked() {
    let tmp = tempfile::tempdir().unwrap();
    let number = "锁定〔2024〕3号";
    let pkg = write_package(
        &tmp.path().join("pkg"),
        &minimal_toml(number),
        &[(
            "docs/01-立案审批表.pdf",
            pdf_with_text("第一版内容：重大危险源未定期检测。"),
        )],
    );
    let mut p = Project::create_or_open(&tmp.path().join("p")).unwrap();
    assert_eq!(import(&mut p, std::slice::from_ref(&pkg)).imported(), 1);
    let campaign = p
        .create_campaign(
            "uid-1",
            "2024年度评查",
            2024,
            &serde_json::json!({}),
            &[number.to_string()],
        )
        .unwrap();
    let lead = p.reviewer("赵组长", "法规科").unwrap();
    assert_eq!(
        p.set_signoff(campaign, lead.id, number, true, "赵组长", "").unwrap(),
        None
    );

    // A changed package while locked: kept, said, and not current.
    std::fs::write(
        pkg.join("docs/01-立案审批表.pdf"),
        pdf_with_text("第二版内容：动火作业未安排专人管理。"),
    )
    .unwrap();
    let held = import(&mut p, std::slice::from_ref(&pkg));
    assert_eq!((held.held(), held.revised()), (1, 0), "{:?}", held.items);
    let note = held.items[0].result.note().unwrap();
    assert!(
        note.contains("已复核锁定")
            && note.contains("第 2 版，待解除复核锁定后启用")
            && note.contains("仍以第 1 版为准"),
        "{note}"
    );
    assert!(held.summary().contains("待解锁 1 件"), "{}", held.summary());
    let rows = p.list_cases().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].revision, 1,
        "the locked revision stays the one the campaign reports"
    );
    assert_eq!(p.load_case_by_number(number).unwrap().row.revision, 1);
    assert!(
        p.search_cases("动火作业").unwrap().cases.is_empty(),
        "a held revision is not searched"
    );
    assert_eq!(p.search_cases("重大危险源").unwrap().cases.len(), 1);
    // The same package again: the same held revision, no third one.
    let again = import(&mut p, std::slice::from_ref(&pkg));
    assert_eq!(again.held(), 1);
    assert_eq!(p.revisions(number).unwrap().len(), 2);

    // Unlocking makes it current.
    assert_eq!(
        p.set_signoff(campaign, lead.id, number, false, "赵组长", "案卷补正后重新评查")
            .unwrap(),
        Some(2)
    );
    assert_eq!(p.load_case_by_number(number).unwrap().row.revision, 2);
    assert_eq!(p.list_cases().unwrap().len(), 1);
    assert_eq!(p.search_cases("动火作业").unwrap().cases.len(), 1);
    assert!(p.search_cases("重大危险源").unwrap().cases.is_empty());
    assert!(p.search("重大危险源", 10).unwrap().is_empty());
    // Unlocked, a further change is an ordinary revision.
    std::fs::write(pkg.join("docs/01-立案审批表.pdf"), pdf_with_text("第三版内容。")).unwrap();
    assert_eq!(import(&mut p, std::slice::from_ref(&pkg)).revised(), 1);
}

/// A reviewer's change to a fact: the case loads with it (and the imported original beside
/// it), the list and the search follow it, the cached findings are dropped, a newer import of
/// the package keeps it, and a locked case refuses it.
#[test]
fn edited_facts_apply_over_every_revision_and_a_locked_case_refuses_them() {
    use pingcha::domain::case_facts::FactOrigin;
    use pingcha::store::{FactEditOutcome, NewFactEdit};
    let tmp = tempfile::tempdir().unwrap();
    let number = "改事实〔2024〕1号";
    let pkg = write_package(
        &tmp.path().join("pkg"),
        &minimal_toml(number),
        &[("docs/01-立案审批表.pdf", pdf_with_text("第一版"))],
    );
    let mut p = Project::create_or_open(&tmp.path().join("p")).unwrap();
    assert_eq!(import(&mut p, std::slice::from_ref(&pkg)).imported(), 1);
    let id = p.load_case_by_number(number).unwrap().row.id;
    p.cache_findings("ctx", &[(id, Vec::new())]).unwrap();
    let editor = p.reviewer("张敏", "法规科").unwrap();
    let edit = |path: &str, value: serde_json::Value| NewFactEdit {
        path: path.into(),
        value,
        origin: FactOrigin::Typed,
        source: None,
    };
    let outcomes = p
        .edit_facts(
            number,
            editor.id,
            &[
                edit("party.name", serde_json::json!("青禾市改正化工有限公司")),
                edit("dates.decision", serde_json::json!("2024-04-08")),
                edit("party.name", serde_json::json!("青禾市改正化工有限公司")),
            ],
        )
        .unwrap();
    assert!(matches!(
        outcomes[..],
        [
            FactEditOutcome::Recorded { .. },
            FactEditOutcome::Recorded { .. },
            FactEditOutcome::Unchanged
        ]
    ));
    let stored = p.load_case_by_number(number).unwrap();
    assert_eq!(stored.case.party_name(), "青禾市改正化工有限公司");
    assert_eq!(stored.imported.party_name(), "测试公司");
    assert_eq!(stored.edits.len(), 2);
    let row = &p.list_cases().unwrap()[0];
    assert_eq!(
        (row.party.as_str(), row.decision.map(|d| d.to_string())),
        ("青禾市改正化工有限公司", Some("2024-04-08".into()))
    );
    assert_eq!(
        p.search_cases("改正化工").unwrap().cases.len(),
        1,
        "the search knows the edited party"
    );
    assert!(p.cached_findings("ctx").unwrap().is_empty(), "the checks run again");
    assert_eq!(
        p.current_cases().unwrap()[number].party_name(),
        "青禾市改正化工有限公司"
    );

    // A bad change refuses the whole batch.
    let err = p
        .edit_facts(
            number,
            editor.id,
            &[
                edit("party.address", serde_json::json!("某地")),
                edit("dates.bogus", serde_json::json!("2024-01-01")),
            ],
        )
        .unwrap_err();
    assert!(err.to_string().contains("dates.bogus"), "{err}");
    assert_eq!(p.fact_edits(number).unwrap().len(), 2);

    // A newer package: a new revision, the reviewer's changes still apply.
    std::fs::write(pkg.join("docs/01-立案审批表.pdf"), pdf_with_text("第二版")).unwrap();
    assert_eq!(import(&mut p, std::slice::from_ref(&pkg)).revised(), 1);
    let stored = p.load_case_by_number(number).unwrap();
    assert_eq!(stored.row.revision, 2);
    assert_eq!(stored.case.party_name(), "青禾市改正化工有限公司");
    assert_eq!(p.list_cases().unwrap()[0].party, "青禾市改正化工有限公司");

    // Locked by a sign-off: refused, nothing recorded.
    let campaign = p
        .create_campaign(
            "uid-f",
            "2024年度评查",
            2024,
            &serde_json::json!({}),
            &[number.to_string()],
        )
        .unwrap();
    p.set_signoff(campaign, editor.id, number, true, "张敏", "").unwrap();
    let err = p
        .edit_facts(number, editor.id, &[edit("party.address", serde_json::json!("某地"))])
        .unwrap_err();
    assert!(err.to_string().contains("已复核锁定"), "{err}");
    assert_eq!(p.fact_edits(number).unwrap().len(), 2);
}

/// A project setting accepts sure values read from scans (no doubt, confidence at or above the
/// setting) into facts the case leaves blank, under "自动采纳"; a doubtful or less sure value,
/// and a fact a person already stated, are left for a person. Without the setting nothing is
/// accepted.
#[test]
fn sure_values_from_scans_fill_blank_facts_only_under_the_projects_setting() {
    use pingcha::domain::CodeEnum;
    use pingcha::ocr::{Gray, OcrLine, PageText, Timings};
    let tmp = tempfile::tempdir().unwrap();
    let scans = tmp.path().join("扫描决定");
    std::fs::create_dir_all(&scans).unwrap();
    std::fs::write(
        scans.join("01-行政处罚决定书.jpg"),
        Gray::white(200, 280).to_jpeg(80).unwrap(),
    )
    .unwrap();
    let mut p = Project::create_or_open(&tmp.path().join("p")).unwrap();
    assert_eq!(import(&mut p, &[scans]).imported(), 1);
    let number = p.list_cases().unwrap()[0].number.clone();
    let (sha, _) = p.load_case_by_number(&number).unwrap().documents[0]
        .file
        .clone()
        .unwrap();
    let line = |text: &str, confidence: f32| OcrLine {
        text: text.into(),
        confidence,
        quad: [[0.1, 0.1], [0.9, 0.1], [0.9, 0.12], [0.1, 0.12]],
    };
    let read = PageText {
        width: 200,
        height: 280,
        lines: vec![
            line("行政处罚决定书", 0.99),
            line("当事人：青禾市自动化工有限公司", 0.98),
            line("统一社会信用代码：91350100M000100Y48", 0.99),
            line("决定给予罚款人民币贰万元整（¥20000）的行政处罚。", 0.97),
            line("2024年6月20日", 0.90),
        ],
        timings: Timings::default(),
    };
    p.save_ocr_page(&sha, 1, "test", &read).unwrap();
    let editor = p.reviewer("张敏", "法规科").unwrap();
    pingcha::service::facts::set_facts(
        &mut p,
        &number,
        editor.id,
        &[("party.name".into(), "人工录入的当事人".into())],
        None,
    )
    .unwrap();

    assert_eq!(
        pingcha::service::facts::auto_accept(&mut p, &number).unwrap(),
        0,
        "no setting: nothing"
    );
    p.set_setting(pingcha::service::facts::AUTO_ACCEPT_KEY, &Some(0.95f32))
        .unwrap();
    assert_eq!(pingcha::service::facts::auto_accept(&mut p, &number).unwrap(), 1);
    let stored = p.load_case_by_number(&number).unwrap();
    let case = &stored.case;
    assert_eq!(
        case.decision.as_ref().unwrap().fine_total_yuan(),
        20000.0,
        "0.97 ≥ 0.95: filled"
    );
    assert_eq!(case.party_name(), "人工录入的当事人", "a stated value is not replaced");
    assert_eq!(case.documents[0].date, None, "0.90 < 0.95: left for a person");
    assert!(
        case.party.as_ref().unwrap().id_number.is_none(),
        "a failed check digit is a doubt: left for a person"
    );
    let last = stored.edits.last().unwrap();
    assert_eq!((last.reviewer.as_str(), last.origin.code()), ("自动采纳", "automatic"));
    // Off again: nothing more.
    p.set_setting(pingcha::service::facts::AUTO_ACCEPT_KEY, &None::<f32>)
        .unwrap();
    assert_eq!(pingcha::service::facts::auto_accept(&mut p, &number).unwrap(), 0);
}
