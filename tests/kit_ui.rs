//! A reviewer's side in the app: open a kit from the project dialog (a workspace with exactly
//! the assigned cases), score from the keyboard, export the signed return; the organiser
//! imports it. One test in its own process, because it points the key folder at a
//! temporary directory through the environment.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

mod common;
#[path = "common/kittest.rs"]
mod kittest;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kittest::{type_into, wait_until as wait};
use pingcha::store::Project;
use pingcha::ui::{PingchaApp, install_fonts};

fn run(keys: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pingcha"))
        .env("PINGCHA_KEY_DIR", keys)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_reviewer_opens_a_kit_scores_and_returns_it_in_the_app() {
    let tmp = tempfile::tempdir().unwrap();
    let organiser_keys = tmp.path().join("organiser-keys");
    let reviewer_keys = tmp.path().join("reviewer-keys");
    // Before any thread of this test starts: this process signs as the reviewer.
    // SAFETY: the only test in this binary, and no other thread exists yet.
    unsafe { std::env::set_var("PINGCHA_KEY_DIR", &reviewer_keys) };
    let project = tmp.path().join("organiser");
    let mut p = Project::create_or_open(&project).unwrap();
    import(&mut p, &[samples(12).to_path_buf()]);
    drop(p);
    let key = run(&reviewer_keys, &["key", "show", "李评"]).trim().to_string();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    run(
        &organiser_keys,
        &[
            "campaign",
            "create",
            &s(&project),
            "--name",
            "专项",
            "--year",
            "2024",
            "--percent",
            "100",
            "--at-least",
            "1",
        ],
    );
    run(
        &organiser_keys,
        &[
            "campaign",
            "reviewer",
            &s(&project),
            "--campaign",
            "专项",
            "--name",
            "李评",
            "--unit",
            "法规科",
            "--public-key",
            &key,
        ],
    );
    run(
        &organiser_keys,
        &["campaign", "assign", &s(&project), "--campaign", "专项", "--apply"],
    );
    let kit = tmp.path().join("李评.pchkit");
    run(
        &organiser_keys,
        &[
            "campaign",
            "kit",
            &s(&project),
            "--campaign",
            "专项",
            "--reviewer",
            "李评",
            "--out",
            &s(&kit),
        ],
    );
    let assigned = Project::open(&project).unwrap().campaign("专项").unwrap().cases.len();

    // The reviewer starts on an empty project and opens the kit from the project dialog.
    let start = tmp.path().join("空项目");
    let dir = start.clone();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_context_setup(install_fonts)
        .build_eframe(move |cc| PingchaApp::new(&cc.egui_ctx, dir, None, None));
    wait(&mut h, "the empty project", PingchaApp::is_loaded);
    // Another profile is active on this laptop: the kit still opens under its addressee.
    h.state_mut().set_reviewer("张三", "监督科");
    wait(&mut h, "the first reviewer", |a| {
        a.reviewer().is_some_and(|r| r.name == "张三")
    });
    h.get_by_label("新建/打开项目…").click();
    h.run_steps(3);
    let workspace = tmp.path().join("李评工作区");
    type_into(&mut h, "评查包", &s(&kit));
    type_into(&mut h, "工作区文件夹", &s(&workspace));
    h.get_by_label("打开评查包").click();
    wait(&mut h, "the workspace", |a| {
        a.visible_case_count() == assigned && a.is_loaded()
    });
    assert_eq!(h.state().visible_case_count(), assigned, "exactly the kit's cases");
    wait(&mut h, "the addressee as reviewer", |a| {
        a.reviewer().is_some_and(|r| r.name == "李评" && r.unit == "法规科")
    });
    h.get_by_label_contains("评查员已由“张三（监督科）”切换为“李评”");
    // Nobody else scores in the workspace: switching the profile back is refused and said.
    h.state_mut().set_reviewer("张三", "监督科");
    wait(&mut h, "the refusal", |a| {
        a.notice_log().iter().any(|n| n.contains("只能以该评查员的身份评分"))
    });
    assert_eq!(h.state().reviewer().map(|r| r.name.as_str()), Some("李评"));
    h.state_mut().set_reviewer("李评", "法规科");

    // Score the first general case from the keyboard.
    let ws = Project::open(&workspace).unwrap();
    let row = ws
        .list_cases()
        .unwrap()
        .into_iter()
        .find(|r| r.procedure == Some(pingcha::domain::Procedure::General))
        .expect("a general case");
    drop(ws);
    h.get_by_label(&row.number).click();
    wait(&mut h, "the scoring panel", |a| a.scoring().evaluation().is_some());
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    for _ in 0..100 {
        if h.state().scoring().selected_item() == Some("1.2") {
            break;
        }
        h.key_press(egui::Key::ArrowDown);
        h.run_steps(1);
    }
    h.key_press(egui::Key::Num2);
    h.run_steps(2);
    wait(&mut h, "the save", PingchaApp::scoring_settled);

    // Export the return from the project dialog; the organiser imports it.
    h.get_by_label("新建/打开项目…").click();
    h.run_steps(3);
    let ret = tmp.path().join("李评.pchret");
    type_into(&mut h, "回收包保存到", &s(&ret));
    h.get_by_label("导出回收包").click();
    for _ in 0..500 {
        h.step();
        if ret.is_file() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(ret.is_file(), "the return was written");
    let merged = run(&organiser_keys, &["campaign", "import-return", &s(&project), &s(&ret)]);
    assert!(merged.contains("已导入 李评 的回收包：1 条评分"), "{merged}");
    wait(&mut h, "the export's notice", |a| {
        a.notice_log().iter().any(|n| n.contains("李评（第1号，1 条评分）"))
    });

    // A workspace that holds marks by someone else (an older version let them in) says so
    // on export instead of leaving them out in silence.
    let mut w = Project::open(&workspace).unwrap();
    let other = w.reviewer("张三", "监督科").unwrap();
    let stored = w.load_case_by_number(&row.number).unwrap().case;
    let scoring = pingcha::service::review::case_scorings(&w, &stored, other.id)
        .unwrap()
        .remove(0);
    let mark = pingcha::domain::Mark::new("2.1", pingcha::domain::MarkValue::Count(1));
    pingcha::service::review::apply_mark(
        &mut w,
        &scoring.key,
        "2.1",
        Some(mark),
        pingcha::domain::AuditAction::Mark,
        "",
    )
    .unwrap();
    drop(w);
    let again = tmp.path().join("李评2.pchret");
    let said = run(&reviewer_keys, &["kit", "return", &s(&workspace), "--out", &s(&again)]);
    assert!(
        said.contains("注意：工作区中另有 “张三（监督科）”1 条 的评分不是评查包收件人“李评”录入的"),
        "{said}"
    );
    // …and the command line refuses such a mark in the first place.
    let out = Command::new(env!("CARGO_BIN_EXE_pingcha"))
        .env("PINGCHA_KEY_DIR", &reviewer_keys)
        .args([
            "mark",
            &s(&workspace),
            "--case",
            &row.number,
            "--reviewer",
            "张三",
            "--unit",
            "监督科",
            "--item",
            "1.2",
            "--value",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("此工作区是发给“李评（法规科）”的评查包"));
    let p = Project::open(&project).unwrap();
    let marks = p.marks_of_case(&row.number).unwrap();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].2.value, pingcha::domain::MarkValue::Count(2));
}
