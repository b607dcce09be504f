//! OCR accuracy on scanned pages of known text (`sample::scans`): documents of the kinds a
//! reviewer reads most, rendered at 200 dpi and degraded with a fixed seed (tilt ±1°, blur,
//! noise, grey paper, JPEG quality 55). The engine and its pre/post-processing are measured as
//! a pair. These tests need the engine installed (`scripts/fetch-ocr.sh`): without it they
//! fail, they do not skip.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

mod common;
#[path = "common/kittest.rs"]
mod kittest;

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pingcha::ocr::{self, Gray, PageReader};
use pingcha::sample::scans::{Degradation, KINDS, ScanPage, scan_corpus};
use pingcha::ui::{PingchaApp, install_fonts};

/// Pages measured (an equal share of each kind).
const PAGES: usize = 16;
const SEED: u64 = 2024;

/// The app's kittests here step frames against wall-clock waits: they run with no engine
/// test beside them in this binary (each engine run takes every core), the engine tests
/// side by side among themselves.
static ENGINE: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// For a test that runs the engine: shared.
fn engine_shared() -> std::sync::RwLockReadGuard<'static, ()> {
    ENGINE.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// For a kittest of the app: alone.
fn engine_alone() -> std::sync::RwLockWriteGuard<'static, ()> {
    ENGINE.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn reader() -> Box<dyn PageReader> {
    match ocr::open_reader(2) {
        Ok(reader) => reader,
        Err(e) => panic!("the OCR engine must be installed for these tests (run scripts/fetch-ocr.sh): {e}"),
    }
}

/// Width variants folded (full-width ASCII and ￥ to their plain forms, as NFKC does) and
/// whitespace dropped: a page's characters as a reader compares them.
fn normalised(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '￥' => '¥',
            other => other,
        })
        .collect()
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            current[j + 1] = (previous[j] + usize::from(ca != cb))
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Whether a key fact was read exactly. A 案号's brackets are written 〔〕, [] or () in
/// practice and mean the same number, so any of them counts; every other character must
/// match.
fn fact_read(fact: &str, read: &[char]) -> bool {
    let bracket = |c: char| match c {
        '〔' | '[' | '(' | '［' | '【' => '[',
        '〕' | ']' | ')' | '］' | '】' => ']',
        other => other,
    };
    let fact: Vec<char> = normalised(fact).into_iter().map(bracket).collect();
    let read: Vec<char> = read.iter().copied().map(bracket).collect();
    read.windows(fact.len()).any(|w| w == fact.as_slice())
}

struct Measured {
    page: ScanPage,
    distance: usize,
    truth_chars: usize,
    missed: Vec<String>,
    /// Facts of the case model the page states, and those proposed from it with the right
    /// value: (expected, right, wrong ones without a doubt).
    facts: (usize, usize, Vec<String>),
}

/// The facts a page of the corpus must give (document date, 文号, the decision's fine), checked
/// against the proposals made from what the engine read.
fn check_facts(page: &ScanPage, read: &ocr::PageText) -> (usize, usize, Vec<String>) {
    use pingcha::facts::{ReadDocument, ReadPage, propose};
    let proposals = propose(&[ReadDocument {
        doc_type: page.doc_type.clone(),
        pages: vec![ReadPage {
            page: 1,
            lines: read.lines.clone(),
        }],
    }]);
    let mut expected = Vec::new();
    if let Some(date) = page.date {
        expected.push(("documents[1].date", date.to_string()));
    }
    if let Some(number) = &page.doc_number {
        expected.push(("documents[1].number", number.clone()));
    }
    if page.doc_type == "行政处罚决定书"
        && let Some(fine) = page.fine
    {
        expected.push(("decision.fine", fine.to_string()));
    }
    let mut right = 0;
    let mut silent_wrong = Vec::new();
    for (field, value) in &expected {
        match proposals.iter().find(|p| p.field == *field) {
            Some(p) if p.value == *value => right += 1,
            Some(p) if p.doubt.is_some() => {}
            Some(p) => silent_wrong.push(format!("{field}: {} ≠ {value}", p.value)),
            None => {}
        }
    }
    (expected.len(), right, silent_wrong)
}

fn measure(pages: Vec<ScanPage>) -> Vec<Measured> {
    let mut reader = reader();
    pages
        .into_iter()
        .map(|page| {
            let image = Gray::decode(&page.jpeg).expect("corpus page decodes");
            let read = reader.read_page(&image, None).expect("page is read");
            let got = normalised(&read.text());
            let truth = normalised(&page.truth);
            let missed = page.facts.iter().filter(|f| !fact_read(f, &got)).cloned().collect();
            let facts = check_facts(&page, &read);
            Measured {
                facts,
                distance: edit_distance(&truth, &got),
                truth_chars: truth.len(),
                missed,
                page,
            }
        })
        .collect()
}

#[test]
fn scanned_pages_are_read_with_98_percent_character_accuracy_and_exact_key_facts() {
    let _engine = engine_shared();
    let pages = scan_corpus(PAGES, SEED, &Degradation::default()).expect("corpus");
    assert_eq!(pages.len(), PAGES);
    for kind in KINDS {
        assert!(pages.iter().any(|p| p.doc_type == *kind), "the corpus has a {kind}");
    }
    assert!(
        pages.iter().all(|p| !p.facts.is_empty()),
        "every page carries a key fact"
    );
    let measured = measure(pages);
    let errors: usize = measured.iter().map(|m| m.distance).sum();
    let chars: usize = measured.iter().map(|m| m.truth_chars).sum();
    let accuracy = 1.0 - errors as f64 / chars as f64;
    let exact = measured.iter().filter(|m| m.missed.is_empty()).count();
    let report: Vec<String> = measured
        .iter()
        .map(|m| {
            format!(
                "{} {} tilt {:+.2}°: {} errors / {} chars, facts missed {:?}",
                m.page.case, m.page.doc_type, m.page.tilt, m.distance, m.truth_chars, m.missed
            )
        })
        .collect();
    eprintln!(
        "{}\ncharacter accuracy {:.2} %, key facts exact on {exact}/{} pages",
        report.join("\n"),
        accuracy * 100.0,
        measured.len()
    );
    // Facts of the case model proposed from the pages (issue #16 §2): ≥ 95 % right, and a
    // wrong one is never proposed without a doubt.
    let expected: usize = measured.iter().map(|m| m.facts.0).sum();
    let right: usize = measured.iter().map(|m| m.facts.1).sum();
    let silent: Vec<&String> = measured.iter().flat_map(|m| &m.facts.2).collect();
    eprintln!("facts proposed right: {right}/{expected}; wrong without doubt: {silent:?}");
    assert!(expected >= PAGES, "every page states a fact of the model");
    assert!(right * 100 >= expected * 95, "facts right {right}/{expected} (< 95 %)");
    assert!(silent.is_empty(), "wrong facts proposed without a doubt: {silent:?}");
    assert!(
        accuracy >= 0.98,
        "character accuracy {:.2} % < 98 %\n{}",
        accuracy * 100.0,
        report.join("\n")
    );
    assert!(
        exact * 100 >= measured.len() * 95,
        "key facts exact on {exact}/{} pages (< 95 %)\n{}",
        measured.len(),
        report.join("\n")
    );
}

#[test]
fn a_blank_page_has_no_lines_and_a_turned_page_is_still_read() {
    let _engine = engine_shared();
    let mut reader = reader();
    let blank = reader.read_page(&Gray::white(1654, 2339), None).expect("blank page");
    assert!(blank.lines.is_empty(), "{:?}", blank.lines);
    // A page fed upside down: the direction classifier turns each line back.
    let pages = scan_corpus(1, SEED, &Degradation::default()).expect("corpus");
    let image = Gray::decode(&pages[0].jpeg).unwrap().rotated_180();
    let read = reader.read_page(&image, None).expect("page is read");
    let truth = normalised(&pages[0].truth);
    let got = normalised(&read.text());
    // Each line turned back and the page read from its real top.
    let accuracy = 1.0 - edit_distance(&truth, &got) as f64 / truth.len() as f64;
    assert!(
        accuracy >= 0.95,
        "upside-down page read at {:.1} %: {}",
        accuracy * 100.0,
        got.iter().collect::<String>()
    );
}

/// A scanned 行政处罚决定书 and a 送达回执 of the corpus.
fn decision_and_receipt() -> [ScanPage; 2] {
    let corpus = scan_corpus(8, SEED, &Degradation::default()).expect("corpus");
    let of = |kind: &str| {
        corpus
            .iter()
            .find(|p| p.doc_type == kind)
            .expect("kind in corpus")
            .clone()
    };
    [of("行政处罚决定书"), of("送达回执")]
}

/// The installed engine's folder, handed to the command line (whose data folder is a fresh
/// one per test).
fn ocr_dir() -> std::path::PathBuf {
    match ocr::OcrInstall::locate() {
        Ok(install) => install.dir,
        Err(e) => panic!("the OCR engine must be installed for these tests (run scripts/fetch-ocr.sh): {e}"),
    }
}

fn pingcha(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pingcha"))
        .args(args)
        .env("PINGCHA_HOME", home)
        .env("PINGCHA_OCR_DIR", ocr_dir())
        .output()
        .expect("pingcha runs")
}

#[test]
fn a_folder_of_scanned_pages_is_read_on_import_and_found_by_a_phrase_on_its_page() {
    let _engine = engine_shared();
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let scans = tmp.path().join("扫描案卷");
    std::fs::create_dir_all(&scans).unwrap();
    let pages = decision_and_receipt();
    std::fs::write(scans.join("01-行政处罚决定书.jpg"), &pages[0].jpeg).unwrap();
    let png = Gray::decode(&pages[1].jpeg).unwrap().to_png().unwrap();
    std::fs::write(scans.join("02-送达回执.png"), png).unwrap();
    let project = tmp.path().join("项目");
    let p = project.to_str().unwrap();

    let out = pingcha(&home, &["import", p, scans.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("文字识别：已识别 2 页"), "{text}");

    // A phrase of the first page (one the engine read; accuracy is measured above) is found on
    // that page of that document.
    let store = pingcha::store::Project::open(&project).unwrap();
    let case = store.list_cases().unwrap().remove(0);
    let stored = store.load_case(case.id).unwrap();
    let (sha, _) = stored.documents[0].file.clone().unwrap();
    let page = store.ocr_page(&sha, 1).unwrap().expect("page 1 stored");
    assert!(page.engine.contains("PP-OCRv4"), "{}", page.engine);
    let line = page
        .lines
        .iter()
        .skip(3)
        .find(|l| l.text.chars().count() >= 12 && !l.is_uncertain())
        .expect("a long line read with confidence");
    let phrase: String = line.text.chars().skip(2).take(8).collect();
    assert!(pages[0].truth.contains(&phrase), "{phrase} is on the page");
    let out = pingcha(&home, &["search", p, &phrase, "--json"]);
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let hit = &hits.as_array().expect("hits")[0];
    assert_eq!(hit["page"], 1, "{hits}");
    assert_eq!(hit["document"], "行政处罚决定书", "{hits}");
    assert!(
        hit["snippet"].as_str().unwrap().contains(&format!("【{phrase}】")),
        "{hits}"
    );
    // The line boxes are on the page (fractions of its size), and the matched line among them.
    assert!(
        page.lines
            .iter()
            .all(|l| l.quad.iter().flatten().all(|v| (0.0..=1.0).contains(v)))
    );
    drop(store);

    // Facts proposed from the pages, each with its source (issue #16 §2; proposals only).
    let out = pingcha(&home, &["facts", p, "--case", "扫描案卷", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let facts: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let fact = |field: &str| {
        facts["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == field)
            .cloned()
            .unwrap_or_else(|| panic!("{field} proposed: {facts}"))
    };
    assert_eq!(
        fact("documents[1].number")["value"],
        pages[0].doc_number.clone().unwrap().as_str()
    );
    assert_eq!(
        fact("decision.fine")["value"],
        pages[0].fine.unwrap().to_string().as_str()
    );
    let date = fact("documents[1].date");
    assert_eq!(date["value"], pages[0].date.unwrap().to_string().as_str());
    assert_eq!(
        (date["source"]["document"].as_u64(), date["source"]["page"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(date["source"]["text"].as_str().unwrap().contains('日'), "{date}");
    assert_eq!(date["source"]["box"].as_array().unwrap().len(), 4);

    // Nothing is read twice: a second run finds nothing to do.
    let out = pingcha(&home, &["ocr", p]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("没有需要识别的页面"));
    // One page as JSON: lines with boxes and confidence.
    let out = pingcha(
        &home,
        &["ocr-page", scans.join("02-送达回执.png").to_str().unwrap(), "--json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let lines = json["lines"].as_array().expect("lines");
    assert!(
        lines.iter().any(|l| l["text"].as_str().unwrap().contains("送达回执")),
        "{json}"
    );
    assert!(
        lines
            .iter()
            .all(|l| l["box"].as_array().unwrap().len() == 4 && l["confidence"].as_f64().unwrap() > 0.5)
    );
}

#[test]
fn without_the_engine_import_still_works_and_ocr_says_what_to_install() {
    let tmp = tempfile::tempdir().unwrap();
    let scans = tmp.path().join("扫描案卷");
    std::fs::create_dir_all(&scans).unwrap();
    std::fs::write(
        scans.join("01-行政处罚决定书.png"),
        Gray::white(200, 300).to_png().unwrap(),
    )
    .unwrap();
    let project = tmp.path().join("项目");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pingcha"))
            .args(args)
            .env("PINGCHA_HOME", tmp.path().join("home"))
            .env("PINGCHA_OCR_DIR", tmp.path().join("没有安装"))
            .output()
            .unwrap()
    };
    let out = run(&["import", project.to_str().unwrap(), scans.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("scripts/fetch-ocr.sh") && err.contains("导入已完成"),
        "{err}"
    );
    let out = run(&["ocr", project.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ONNX Runtime 1.31.1") && err.contains("scripts/fetch-ocr.sh"),
        "{err}"
    );
}

/// Steps the app until `done` holds, for up to `seconds` (OCR in a debug build takes seconds
/// a page).
fn wait_long(h: &mut Harness<'static, PingchaApp>, what: &str, seconds: u64, done: impl Fn(&PingchaApp) -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        h.step();
        if done(h.state()) {
            h.run_steps(3);
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

/// Steps the app until a node labelled `label` (or containing it, with `contains`) is
/// there, for up to ten seconds.
fn wait_for_label(h: &mut Harness<'static, PingchaApp>, label: &str, contains: bool) {
    for _ in 0..1000 {
        h.step();
        let found = if contains {
            h.query_by_label_contains(label).is_some()
        } else {
            h.query_by_label(label).is_some()
        };
        if found {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting for “{label}”");
}

/// A project holding one case: a folder of two scanned pages (决定书, 送达回执), not read yet.
fn scanned_project(root: &std::path::Path) -> (std::path::PathBuf, Vec<ScanPage>) {
    let pages = decision_and_receipt().to_vec();
    let scans = root.join("扫描案卷");
    std::fs::create_dir_all(&scans).unwrap();
    for (i, page) in pages.iter().enumerate() {
        std::fs::write(scans.join(format!("{:02}-{}.jpg", i + 1, page.doc_type)), &page.jpeg).unwrap();
    }
    let dir = root.join("project");
    let mut project = pingcha::store::Project::create_or_open(&dir).unwrap();
    common::import(&mut project, &[scans]);
    (dir, pages)
}

#[test]
fn the_app_reads_a_case_in_the_background_and_a_search_hit_opens_the_page_with_its_line_marked() {
    let _alone = engine_alone();
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _) = scanned_project(tmp.path());
    let project_dir = dir.clone();
    let mut h = app_with_one_case(dir);
    // 案号 and 案件名称 are both the folder's name.
    h.query_all_by_label("扫描案卷").next().expect("the case row").click();
    wait_for_label(&mut h, "识别扫描件文字", false);
    h.get_by_label("扫描件 2 份");
    h.get_by_label("识别扫描件文字").click();
    h.run_steps(2);
    assert!(h.state().ocr_running(), "the job started: {:?}", h.state().notice_log());
    // While it reads, a search is answered: the job has its own thread and connection.
    kittest::type_into(&mut h, "全文检索", "行政处罚决定书");
    wait_for_label(&mut h, "“行政处罚决定书”：", true);
    assert!(h.state().ocr_running(), "the search was answered before the job ended");
    wait_long(&mut h, "the job to end", 300, |a| !a.ocr_running());
    assert!(
        h.state()
            .notice_log()
            .iter()
            .any(|n| n.contains("文字识别：已识别 2 页")),
        "{:?}",
        h.state().notice_log()
    );

    // The case view offers the facts read from the scans, for checking against the pages, and
    // says every scan is read (no button to read them again).
    wait_for_label(&mut h, "案卷事实（待核对的识别结果", true);
    wait_for_label(&mut h, "扫描件 2 份，均已识别文字", false);
    assert!(h.query_by_label("识别扫描件文字").is_none());

    // A phrase read on the 决定书's page: the hit names the page, and opens it marked.
    let store = pingcha::store::Project::open(&project_dir).unwrap();
    let hits = store.search("行政处罚决定书", 10).unwrap();
    let hit = hits
        .iter()
        .find(|h| h.page == Some(1) && h.document_type.as_deref() == Some("行政处罚决定书"));
    assert!(hit.is_some(), "{hits:?}");
    drop(store);
    // The case's matches are asked again once pages are stored: the hit on the page appears.
    let link = "1. 行政处罚决定书 第 1 页";
    wait_for_label(&mut h, link, false);
    h.get_by_label(link).click();
    wait_long(&mut h, "the page with its matched line highlighted", 60, |a| {
        a.highlighted_ocr_lines() > 0
    });
    assert!(
        h.query_all_by_label_contains("识别 ").count() >= 1,
        "the toolbar counts the lines read"
    );
    h.get_by_label("复制本页文字");

    // #16: the values read are accepted from the keyboard — 逐项核对 puts the cursor in the
    // first field with a value read from the pages; Enter accepts it and moves on to the next,
    // until none is left.
    // The viewer closed (Esc), the case view shows the form again.
    h.key_press(egui::Key::Escape);
    wait_for_label(&mut h, "逐项核对", false);
    let pending = h.state().facts_pending();
    assert!(pending >= 4, "fine, basis, dates, 文号: {pending}");
    h.get_by_label("逐项核对").click_accesskit();
    h.run_steps(3);
    // The count can still grow while the last page's facts arrive (the proposals are asked
    // again when the job's pages are stored): Enter until none is left, each accepting one.
    for _ in 0..pending + 20 {
        let before = h.state().current_case().map_or(0, |c| c.edits.len());
        h.key_press(egui::Key::Enter);
        wait_long(&mut h, "the acceptance", 20, |a| {
            a.current_case().is_some_and(|c| c.edits.len() > before)
        });
        if h.state().facts_pending() == 0 {
            break;
        }
    }
    assert_eq!(h.state().facts_pending(), 0, "{:?}", h.state().notice_log());
    let store = pingcha::store::Project::open(&project_dir).unwrap();
    let stored = store.load_case_by_number("扫描案卷").unwrap();
    assert!(stored.edits.iter().all(|e| e.reviewer == "张敏"
        && e.origin == pingcha::domain::case_facts::FactOrigin::Proposal
        && e.source.is_some()));
    let decision = stored.case.decision.as_ref().expect("the decision's facts");
    assert!(decision.fine_total_yuan() > 0.0 && !decision.legal_basis.is_empty());
    assert!(!stored.case.party_name().is_empty());
    assert!(
        stored.case.documents.iter().all(|d| d.date.is_some()),
        "every document dated"
    );
}

#[test]
fn stored_pages_are_searchable_through_revisions_and_an_uncertain_match_says_so() {
    let _engine = engine_shared();
    let tmp = tempfile::tempdir().unwrap();
    let scans = tmp.path().join("扫描案卷");
    std::fs::create_dir_all(&scans).unwrap();
    std::fs::write(scans.join("01-送达回执.png"), Gray::white(300, 400).to_png().unwrap()).unwrap();
    let dir = tmp.path().join("project");
    let mut project = pingcha::store::Project::create_or_open(&dir).unwrap();
    common::import(&mut project, std::slice::from_ref(&scans));
    let case = project.list_cases().unwrap().remove(0);
    let stored = project.load_case(case.id).unwrap();
    let (sha, _) = stored.documents[0].file.clone().unwrap();
    let line = |text: &str, confidence: f32, y: f32| ocr::OcrLine {
        text: text.into(),
        confidence,
        quad: [[0.1, y], [0.8, y], [0.8, y + 0.03], [0.1, y + 0.03]],
    };
    let read = ocr::PageText {
        width: 300,
        height: 400,
        lines: vec![
            line("受送达人签名：孙文博", 0.97, 0.2),
            line("送达地点：北岭路99号", 0.62, 0.3),
        ],
        timings: ocr::Timings::default(),
    };
    project.save_ocr_page(&sha, 1, "test", &read).unwrap();
    let hits = project.search_in_case("孙文博", case.id).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].page, Some(1));
    assert!(!hits[0].snippet.starts_with("〔识别存疑〕"), "{}", hits[0].snippet);
    let hits = project.search_in_case("北岭路", case.id).unwrap();
    assert!(
        hits[0].snippet.starts_with("〔识别存疑〕"),
        "a match in an uncertain line says so: {}",
        hits[0].snippet
    );
    // Reading the page again replaces its rows (no duplicates).
    project.save_ocr_page(&sha, 1, "test", &read).unwrap();
    assert_eq!(project.search("孙文博", 10).unwrap().len(), 1);

    // A new revision of the case (another file added) keeps the page's text searchable.
    std::fs::write(scans.join("02-询问笔录.png"), Gray::white(200, 300).to_png().unwrap()).unwrap();
    common::import(&mut project, &[scans]);
    let revised = project.list_cases().unwrap().remove(0);
    assert_eq!(revised.revision, 2);
    let hits = project.search("孙文博", 10).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!((hits[0].case_id, hits[0].page), (revised.id, Some(1)));
    let status = project.ocr_status(&sha).unwrap();
    assert_eq!(status.pages_read, vec![1]);
    // The new file is still to be read; the old one is not read again.
    let plan = pingcha::service::ocr::plan_ocr(&project, None, pingcha::service::ocr::OcrScope::MissingText).unwrap();
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].file_path, "02-询问笔录.png");
}

#[test]
fn a_cancelled_job_keeps_what_it_read_and_the_next_one_resumes() {
    let _engine = engine_shared();
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _) = scanned_project(tmp.path());
    let mut project = pingcha::store::Project::open(&dir).unwrap();
    let scope = pingcha::service::ocr::OcrScope::MissingText;
    let plan = pingcha::service::ocr::plan_ocr(&project, None, scope).unwrap();
    assert_eq!(plan.len(), 2);
    let mut reader = reader();
    let cancel = std::sync::atomic::AtomicBool::new(false);
    // Cancelled once the first page is stored (the callback runs before each page).
    let report = pingcha::service::ocr::run_ocr(&mut project, &plan, reader.as_mut(), &cancel, &mut |p| {
        if p.pages_done == 1 {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    })
    .unwrap();
    assert!(report.cancelled);
    assert_eq!(report.pages_read, 1);
    assert!(report.summary().contains("已取消"), "{}", report.summary());
    let rest = pingcha::service::ocr::plan_ocr(&project, None, scope).unwrap();
    assert_eq!(rest.len(), 1, "only the page not read is left");
    assert_eq!(rest[0].file_path, plan[1].file_path);
    cancel.store(false, std::sync::atomic::Ordering::Relaxed);
    let report = pingcha::service::ocr::run_ocr(&mut project, &rest, reader.as_mut(), &cancel, &mut |_| {}).unwrap();
    assert_eq!((report.pages_read, report.cancelled), (1, false));
    assert!(
        pingcha::service::ocr::plan_ocr(&project, None, scope)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn documents_are_found_in_whole_scanned_cases_with_and_without_a_contents_page() {
    let _engine = engine_shared();
    use pingcha::facts::split::split_pages;
    use pingcha::sample::scans::scanned_case;
    let mut reader = reader();
    let (mut right, mut total) = (0, 0);
    let mut report = Vec::new();
    for (index, contents) in [(0, true), (3, false)] {
        let case = scanned_case(SEED, index, contents, &Degradation::default()).expect("scanned case");
        let lines: Vec<Vec<String>> = case
            .pages
            .iter()
            .map(|jpeg| {
                let image = Gray::decode(jpeg).expect("page decodes");
                let read = reader.read_page(&image, None).expect("page is read");
                read.lines.into_iter().map(|l| l.text).collect()
            })
            .collect();
        let found = split_pages(&lines);
        for (doc_type, first, last) in &case.documents {
            total += 1;
            if found
                .iter()
                .any(|d| d.doc_type == *doc_type && d.first_page == *first && d.last_page == *last)
            {
                right += 1;
            } else {
                report.push(format!(
                    "{} ({contents}): {doc_type} {first}–{last} not found",
                    case.number
                ));
            }
        }
        report.push(format!(
            "{}: {} pages, found {:?}",
            case.number,
            case.pages.len(),
            found
                .iter()
                .map(|d| (d.doc_type.as_str(), d.first_page, d.last_page))
                .collect::<Vec<_>>()
        ));
    }
    eprintln!("{}\ndocuments found {right}/{total}", report.join("\n"));
    assert!(
        right * 100 >= total * 95,
        "documents found {right}/{total} (< 95 %)\n{}",
        report.join("\n")
    );
}

#[test]
fn only_the_scanned_pages_of_a_pdf_with_a_text_layer_are_read() {
    let _engine = engine_shared();
    let tmp = tempfile::tempdir().unwrap();
    let scans = tmp.path().join("混合案卷");
    std::fs::create_dir_all(&scans).unwrap();
    // Page 1 typed (a text layer), page 2 a scan (no text of its own), page 3 typed.
    let text = b"BT /F1 12 Tf 72 700 Td (Decision of the Qinghe emergency bureau, page with text) Tj ET".to_vec();
    let pdf = common::pdf_with_pages(&[text.clone(), Vec::new(), text]);
    std::fs::write(scans.join("01-行政处罚决定书.pdf"), pdf).unwrap();
    let dir = tmp.path().join("project");
    let mut project = pingcha::store::Project::create_or_open(&dir).unwrap();
    common::import(&mut project, std::slice::from_ref(&scans));
    let case = project.list_cases().unwrap().remove(0);
    let stored = project.load_case(case.id).unwrap();
    assert_eq!(stored.documents[0].text_status, "text");
    assert_eq!(stored.documents[0].bare_pages, vec![2]);
    assert!(stored.documents[0].is_scan());
    let scope = pingcha::service::ocr::OcrScope::MissingText;
    let plan = pingcha::service::ocr::plan_ocr(&project, None, scope).unwrap();
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].only_pages, Some(vec![2]));
    assert_eq!(plan[0].pages_to_read(), 1);
    let mut reader = reader();
    let report = pingcha::service::ocr::run_ocr(
        &mut project,
        &plan,
        reader.as_mut(),
        &std::sync::atomic::AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.pages_read, 1, "{report:?}");
    let (sha, _) = stored.documents[0].file.clone().unwrap();
    assert_eq!(project.ocr_status(&sha).unwrap().pages_read, vec![2]);
    assert!(
        pingcha::service::ocr::plan_ocr(&project, None, scope)
            .unwrap()
            .is_empty()
    );
    // Every page on request (pages 1 and 3 are left).
    let all = pingcha::service::ocr::plan_ocr(&project, None, pingcha::service::ocr::OcrScope::AllPages).unwrap();
    assert_eq!((all[0].only_pages.clone(), all[0].pages_to_read()), (None, 2));
}

/// The app on a project of one case, its list loaded and 张敏 (法规科) the reviewer.
fn app_with_one_case(dir: std::path::PathBuf) -> Harness<'static, PingchaApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_context_setup(install_fonts)
        .build_eframe(move |cc| PingchaApp::new(&cc.egui_ctx, dir, None, None));
    kittest::wait_until(&mut h, "the case list", |a| a.visible_case_count() == 1);
    h.state_mut().set_reviewer("张敏", "法规科");
    wait_long(&mut h, "the reviewer", 30, |a| a.reviewer().is_some());
    h
}

/// Opens the app on a project holding one scanned case, read: accepts the documents found in
/// the scan (按识别结果拆分), then every value read from the pages from the keyboard (逐项核对,
/// Enter after Enter). Returns how many values were accepted.
fn accept_the_scan_in_the_app(project: &std::path::Path) -> usize {
    let mut h = app_with_one_case(project.to_path_buf());
    let key = h.state().visible_numbers()[0].clone();
    h.query_all_by_label(&key).next().expect("the case row").click();
    wait_for_label(&mut h, "按识别结果拆分", false);
    h.get_by_label("按识别结果拆分").click_accesskit();
    wait_long(&mut h, "the documents found", 30, |a| {
        a.current_case().is_some_and(|c| c.case.documents.len() > 1)
    });
    wait_long(&mut h, "the values read from each document", 30, |a| {
        a.facts_pending() > 0
    });
    wait_for_label(&mut h, "逐项核对", false);
    h.get_by_label("逐项核对").click_accesskit();
    h.run_steps(3);
    let edits = |a: &PingchaApp| a.current_case().map_or(0, |c| c.edits.len());
    let mut accepted = 0;
    while h.state().facts_pending() > 0 {
        let before = edits(h.state());
        h.key_press(egui::Key::Enter);
        wait_long(&mut h, "Enter to accept a value", 20, |a| edits(a) > before);
        accepted += 1;
        assert!(accepted < 500, "{:?}", h.state().notice_log());
    }
    accepted
}

/// #16 done-when: a folder holding one scanned case (the case's documents rendered, degraded
/// and stacked as one scanned PDF, a 卷内目录 first) is imported and read; the documents found
/// in it and the facts read from its pages are accepted in the app from the keyboard; what the pages cannot say (who
/// signed, seals, the agency, …) is typed by hand from the case file, never a value the scans
/// proposed; the automatic checks then give the same findings as the same case imported from
/// its `case.toml`. Several cases, including ones with planted defects.
#[test]
fn a_scanned_case_with_accepted_facts_gives_the_findings_of_its_case_toml() {
    let _alone = engine_alone();
    use pingcha::domain::case_facts::{self, FactOrigin};
    use pingcha::domain::{CodeEnum, DateKey};
    use pingcha::sample::scans::{scan_package, scan_pdf};
    use pingcha::service::checks::ProjectRules;
    use pingcha::service::facts::case_proposals;
    use pingcha::store::{NewFactEdit, Project};

    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let samples = tmp.path().join("samples");
    pingcha::sample::write_samples(
        &samples,
        pingcha::sample::SampleOptions {
            cases: 24,
            seed: 11,
            defect_rate: 0.5,
        },
        &mut |_, _| {},
    )
    .unwrap();
    let planted: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_slice(&std::fs::read(samples.join("defects.json")).unwrap()).unwrap();
    // Penalty cases of the general procedure (the fullest files): two with a planted defect
    // the scans can show (dates), one clean.
    let toml_project = tmp.path().join("案卷包项目");
    let mut by_toml = Project::create_or_open(&toml_project).unwrap();
    common::import(&mut by_toml, std::slice::from_ref(&samples));
    let rules_of = |p: &Project| ProjectRules::load(p).unwrap();
    let mut chosen: Vec<(String, Vec<String>)> = Vec::new();
    for row in by_toml.list_cases().unwrap() {
        if row.procedure != Some(pingcha::domain::Procedure::General) {
            continue;
        }
        let defects = planted.get(&row.number).cloned().unwrap_or_default();
        let want_defect = chosen.iter().filter(|(_, d)| !d.is_empty()).count() < 2;
        let want_clean = !chosen.iter().any(|(_, d)| d.is_empty());
        if (defects.is_empty() && want_clean) || (!defects.is_empty() && want_defect) {
            chosen.push((row.number.clone(), defects));
        }
        if chosen.len() == 3 {
            break;
        }
    }
    assert_eq!(chosen.len(), 3, "{chosen:?}");

    let mut report = Vec::new();
    for (number, defects) in &chosen {
        let expected = by_toml.load_case_by_number(number).unwrap().case;
        let expected_findings: Vec<(String, String)> = rules_of(&by_toml)
            .check(&expected)
            .iter()
            .map(|f| (f.rule.to_string(), f.message.clone()))
            .collect();
        let package = samples.join(pingcha::sample::file_safe(number));
        let scan = scan_package(&package, true, &Degradation::default(), 7).expect("scanned");
        let folder = tmp.path().join("扫描件").join(pingcha::sample::file_safe(number));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("案卷扫描.pdf"), scan_pdf(&scan.pages).unwrap()).unwrap();
        let project = tmp.path().join(format!("扫描项目{}", report.len()));
        let p = project.to_str().unwrap();
        // The agency's officer registry (validity of 执法证) goes in too, as with the packages.
        let registry = samples.join("执法人员名册.csv");
        let out = pingcha(
            &home,
            &["import", p, folder.to_str().unwrap(), registry.to_str().unwrap()],
        );
        let said = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
        assert!(said.contains(&format!("已识别 {} 页", scan.pages.len())), "{said}");

        // In the app, from the keyboard: the documents found, accepted; then 逐项核对 and Enter
        // through every value read from the pages.
        let accepted = accept_the_scan_in_the_app(&project);
        let mut store = Project::open(&project).unwrap();
        let key = store.list_cases().unwrap()[0].number.clone();
        let editor = store.reviewer("张敏", "法规科").unwrap();
        let split = store.load_case_by_number(&key).unwrap().case;
        let types = |c: &pingcha::domain::Case| c.documents.iter().map(|d| d.doc_type.clone()).collect::<Vec<_>>();
        assert_eq!(types(&split), types(&expected), "{number}: documents found");
        let proposed: std::collections::BTreeSet<String> = case_proposals(&store, &key)
            .unwrap()
            .facts
            .iter()
            .map(|p| p.field.clone())
            .collect();
        let read = store.load_case_by_number(&key).unwrap().case;
        let mut wrong = Vec::new();
        // Officers as the pages name them: name and 执法证号 (validity is the registry's).
        let named = |v: serde_json::Value| match v {
            serde_json::Value::Array(items) if items.iter().all(|o| o.get("certificate").is_some()) => {
                serde_json::json!(
                    items
                        .iter()
                        .map(|o| (o["name"].clone(), o["certificate"].clone()))
                        .collect::<Vec<_>>()
                )
            }
            other => other,
        };
        for path in &proposed {
            let got = named(case_facts::get(&read, path).unwrap());
            let want = named(case_facts::get(&expected, path).unwrap());
            if got != want && !(path.ends_with(".number") && want.is_null()) {
                wrong.push(format!("{path}: read {got}, case file {want}"));
            }
        }
        // What the pages do not say, typed from the case file; never a proposed fact.
        let mut typed = Vec::new();
        for field in case_facts::fields(&expected) {
            if proposed.contains(&field.path) || field.kind == case_facts::FactKind::Documents {
                continue;
            }
            let differs = match field.path.strip_prefix("dates.").and_then(DateKey::parse) {
                Some(key) => read.effective_date(key) != expected.effective_date(key),
                None => {
                    case_facts::get(&read, &field.path).unwrap() != case_facts::get(&expected, &field.path).unwrap()
                }
            };
            if differs {
                typed.push(NewFactEdit {
                    path: field.path.clone(),
                    value: case_facts::get(&expected, &field.path).unwrap(),
                    origin: FactOrigin::Typed,
                    source: None,
                });
            }
        }
        store.edit_facts(&key, editor.id, &typed).unwrap();
        let checked = store.load_case_by_number(&key).unwrap().case;
        let findings: Vec<(String, String)> = rules_of(&store)
            .check(&checked)
            .iter()
            .map(|f| (f.rule.to_string(), f.message.clone()))
            .collect();
        report.push(format!(
            "{number} (planted {defects:?}): {} pages, {} documents, {accepted} facts accepted from the scan, {} typed; findings {:?}; wrong reads {wrong:?}",
            scan.pages.len(),
            split.documents.len(),
            typed.len(),
            findings.iter().map(|f| f.0.as_str()).collect::<Vec<_>>()
        ));
        assert!(wrong.is_empty(), "{}", report.join("\n"));
        assert_eq!(findings, expected_findings, "{}", report.join("\n"));
        for d in defects {
            assert!(
                findings.iter().any(|f| f.0 == *d),
                "{number}: planted {d} found\n{}",
                report.join("\n")
            );
        }
    }
    eprintln!("{}", report.join("\n"));
}
