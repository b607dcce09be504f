//! The desktop app driven through egui_kittest, by labels, as a user would: it opens a
//! project and lists its cases, shows a case's documents, narrows the list by a filter and
//! by full-text search, imports with progress, and names a bad package in a notification.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pingcha::store::Project;
use pingcha::ui::{PingchaApp, install_fonts};

fn app(dir: PathBuf) -> Harness<'static, PingchaApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_context_setup(install_fonts)
        .build_eframe(move |cc| PingchaApp::new(&cc.egui_ctx, dir, None, None))
}

fn wait_until(h: &mut Harness<'static, PingchaApp>, what: &str, done: impl Fn(&PingchaApp) -> bool) {
    for _ in 0..1000 {
        h.step();
        if done(h.state()) {
            h.run_steps(3);
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting for {what}");
}

/// Clicks a case in the list and waits for its 卷内目录; returns that heading.
fn open_case(h: &mut Harness<'static, PingchaApp>, row: &pingcha::store::CaseRow) -> String {
    h.get_by_label(&row.number).click();
    let heading = format!("卷内目录（{} 份）", row.documents);
    for _ in 0..300 {
        h.step();
        if h.query_by_label(&heading).is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    heading
}

/// A project holding the shared sample cases.
fn sample_project(root: &Path) -> (PathBuf, Vec<pingcha::store::CaseRow>) {
    let dir = root.join("project");
    let mut p = Project::create_or_open(&dir).unwrap();
    import(&mut p, &[samples(8).to_path_buf()]);
    let rows = p.list_cases().unwrap();
    (dir, rows)
}

#[test]
fn starts_on_a_project_and_lists_its_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, rows) = sample_project(tmp.path());
    let mut h = app(dir);
    wait_until(&mut h, "the case list", |a| a.visible_case_count() == rows.len());
    for row in &rows {
        h.get_by_label(&row.number);
    }
    h.get_by_label(&format!("{0} / {0} 件", rows.len()));
}

#[test]
fn clicking_a_case_shows_its_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, rows) = sample_project(tmp.path());
    let target = rows.iter().max_by_key(|r| r.documents).unwrap().clone();
    let mut h = app(dir);
    wait_until(&mut h, "the case list", |a| a.visible_case_count() == rows.len());
    let heading = open_case(&mut h, &target);
    h.get_by_label(&heading);
    assert!(
        h.query_all_by_label(&target.title).count() >= 2,
        "the title heads the case view"
    );
    assert!(h.query_all_by_label("送达回执").count() + h.query_all_by_label("现场检查记录").count() > 0);
}

#[test]
fn a_filter_and_a_search_narrow_the_list() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, rows) = sample_project(tmp.path());
    let inspections = rows
        .iter()
        .filter(|r| r.kind == pingcha::domain::CaseKind::Inspection)
        .count();
    let mut h = app(dir.clone());
    wait_until(&mut h, "the case list", |a| a.visible_case_count() == rows.len());

    h.get_by_label("按案件类型筛选").click();
    h.run_steps(2);
    h.get_by_label("行政检查").click();
    h.run_steps(2);
    assert_eq!(h.state().visible_case_count(), inspections);
    h.get_by_label(&format!("{inspections} / {} 件", rows.len()));
    h.get_by_label("清除筛选").click();
    h.run_steps(2);
    assert_eq!(h.state().visible_case_count(), rows.len());

    let expected: std::collections::BTreeSet<i64> = Project::open(&dir)
        .unwrap()
        .search("第一百零一条", 10_000)
        .unwrap()
        .iter()
        .map(|h| h.case_id)
        .collect();
    assert!(!expected.is_empty() && expected.len() < rows.len());
    let search = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "全文检索");
    search.click();
    search.type_text("第一百零一条");
    wait_until(&mut h, "search results", |a| a.visible_case_count() == expected.len());
    h.get_by_label_contains("“第一百零一条”：");
    // A matching case shows where the phrase was found, with the snippet.
    let first = rows.iter().find(|r| expected.contains(&r.id)).unwrap();
    open_case(&mut h, first);
    h.get_by_label_contains("“第一百零一条”在本案出现");
    assert!(h.query_all_by_label_contains("【第一百零一条】").count() >= 1);
}

#[test]
fn an_import_shows_progress_then_the_new_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = app(tmp.path().join("empty"));
    wait_until(&mut h, "an empty project", |a| a.is_loaded());
    assert_eq!(h.state().visible_case_count(), 0);
    h.state_mut().start_import(vec![samples(8).to_path_buf()]);
    h.step();
    assert!(h.state().is_importing());
    h.get_by_label("取消导入");
    h.get_by_label_contains("导入 ");
    wait_until(&mut h, "the import", |a| {
        !a.is_importing() && a.visible_case_count() == 8
    });
    h.get_by_label_contains("导入完成：新导入 8 件");
}

#[test]
fn a_bad_package_produces_a_notification_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("损坏的案卷.zip");
    std::fs::write(&bad, "not a zip").unwrap();
    let mut h = app(tmp.path().join("p"));
    wait_until(&mut h, "the project", |a| a.is_loaded());
    h.state_mut().start_import(vec![bad]);
    wait_until(&mut h, "the import", |a| !a.is_importing());
    h.get_by_label_contains("损坏的案卷.zip: 不是有效的 zip 文件");
    assert!(h.query_all_by_label_contains("拒绝 1 项").count() >= 1);
}

#[test]
fn the_import_dialog_accepts_a_typed_path() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = app(tmp.path().join("p"));
    wait_until(&mut h, "the project", |a| a.is_loaded());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    h.run_steps(2);
    let field = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "导入路径");
    field.click();
    field.type_text(samples(8).to_str().unwrap());
    h.run_steps(2);
    h.get_by_label("开始导入").click();
    wait_until(&mut h, "the import", |a| {
        !a.is_importing() && a.visible_case_count() == 8
    });
}

#[test]
fn a_document_opens_in_the_viewer_and_pages_turn() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, rows) = sample_project(tmp.path());
    // The case and document with the most pages.
    let p = Project::open(&dir).unwrap();
    let (row, index, pages) = rows
        .iter()
        .flat_map(|r| {
            let stored = p.load_case(r.id).unwrap();
            stored
                .documents
                .iter()
                .enumerate()
                .map(|(i, d)| (r.clone(), i, d.pages.unwrap_or(1) as usize))
                .collect::<Vec<_>>()
        })
        .max_by_key(|(_, _, pages)| *pages)
        .unwrap();
    drop(p);
    let mut h = app(dir);
    wait_until(&mut h, "the case list", |a| a.visible_case_count() == rows.len());
    let heading = open_case(&mut h, &row);
    let links: Vec<_> = h.query_all_by_role(egui::accesskit::Role::Link).collect();
    assert!(links.len() > index, "every document is a link");
    // The link may be scrolled out of view: activate it through AccessKit, as a screen reader would.
    links[index].click_accesskit();
    wait_until(&mut h, "the first page", |a| {
        a.viewer_position().is_some_and(|(_, count)| count.is_some())
    });
    assert_eq!(h.state().viewer_position(), Some((1, Some(pages))));
    h.get_by_label(&format!("第 1 / {pages} 页"));
    h.key_press(egui::Key::PageDown);
    h.run_steps(2);
    assert_eq!(
        h.state().viewer_position().unwrap().0,
        pages.min(2),
        "PgDn turns the page (clamped at the end)"
    );
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert_eq!(h.state().viewer_position(), None, "Esc goes back to the case");
    h.get_by_label(&heading);
}

#[test]
fn the_command_palette_runs_a_command_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = app(tmp.path().join("p"));
    wait_until(&mut h, "the project", |a| a.is_loaded());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run_steps(4);
    let input = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "命令");
    input.type_text("导入");
    h.run_steps(1);
    assert_eq!(
        h.query_all_by_label("导入…").count(),
        2,
        "the top bar button and the palette's match"
    );
    assert!(
        h.query_by_label("清除筛选和检索").is_none(),
        "commands that do not match are filtered out"
    );
    h.key_press(egui::Key::Enter);
    h.run_steps(5);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "导入路径");
}

#[test]
fn another_project_can_be_opened_by_path() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, rows) = sample_project(tmp.path());
    let mut h = app(tmp.path().join("空项目"));
    wait_until(&mut h, "the empty project", |a| a.is_loaded());
    assert_eq!(h.state().visible_case_count(), 0);
    h.get_by_label("新建/打开项目…").click();
    h.run_steps(4);
    let field = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "项目文件夹");
    field.click();
    field.type_text(dir.to_str().unwrap());
    h.run_steps(1);
    h.get_by_label("打开项目").click();
    wait_until(&mut h, "the other project", |a| {
        a.is_loaded() && a.visible_case_count() == rows.len()
    });
    h.get_by_label("project");
}

#[test]
fn chinese_typed_through_an_input_method_reaches_the_search() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, rows) = sample_project(tmp.path());
    let mut h = app(dir);
    wait_until(&mut h, "the case list", |a| a.visible_case_count() == rows.len());
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "全文检索")
        .click();
    h.run_steps(1);
    // What an IME sends: a preedit string, then the committed characters.
    h.event(egui::Event::Ime(egui::ImeEvent::Preedit {
        text: "fakuan".into(),
        active_range_chars: None,
    }));
    h.run_steps(1);
    h.event(egui::Event::Ime(egui::ImeEvent::Commit("罚款".into())));
    wait_until(&mut h, "search results", |a| {
        a.visible_case_count() < rows.len() && a.visible_case_count() > 0
    });
    h.get_by_label_contains("“罚款”：");
}

#[test]
fn a_case_shows_the_automatic_checks_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = late_service_package(&tmp.path().join("late"), "迟送〔2024〕9号");
    let dir = tmp.path().join("p");
    let mut p = Project::create_or_open(&dir).unwrap();
    import(&mut p, &[pkg]);
    let row = p.list_cases().unwrap().remove(0);
    drop(p);
    import(&mut Project::open(&dir).unwrap(), &[samples(8).to_path_buf()]);
    let mut h = app(dir);
    wait_until(&mut h, "the checks of every case", |a| {
        a.visible_case_count() == 9 && a.findings_counted()
    });
    // Only the planted case has a deduction: the list's filter narrows to it.
    h.get_by_label("只看有问题的").click();
    h.run_steps(2);
    assert_eq!(h.state().visible_case_count(), 1);
    h.get_by_label(&row.number);
    open_case(&mut h, &row);
    h.get_by_label_contains("自动检查：");
    h.get_by_label_contains(
        "决定 2024-09-27，送达 2024-10-14，为第8个工作日，超过7个工作日（行政处罚法第六十一条、第八十五条）",
    );
}

#[test]
fn the_status_filter_shows_cases_still_to_be_completed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let scans = tmp.path().join("某公司案扫描件");
    std::fs::create_dir_all(&scans).unwrap();
    std::fs::write(scans.join("01-立案审批表.pdf"), pdf_with_text("立案审批表")).unwrap();
    import(
        &mut Project::create_or_open(&dir).unwrap(),
        &[samples(8).to_path_buf(), scans],
    );
    let mut h = app(dir);
    wait_until(&mut h, "the case list", |a| a.visible_case_count() == 9);
    h.get_by_label("按状态筛选").click();
    h.run_steps(2);
    // The popup's entry, not the 状态 cell of the scans case in the list.
    {
        use egui_kittest::kittest::NodeT;
        let entry = h
            .query_all_by_label("待补录")
            .find(|n| n.accesskit_node().role() != egui::accesskit::Role::Label)
            .expect("the filter entry");
        entry.click();
    }
    h.run_steps(2);
    assert_eq!(h.state().visible_case_count(), 1);
    assert!(
        h.query_all_by_label("某公司案扫描件").count() >= 1,
        "number and title are the folder name"
    );
}
