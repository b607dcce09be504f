//! The service threads behind the window (`service::host`): long work runs beside the
//! answers a user waits for, and every failure arrives typed, naming its job and its file.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;
use pingcha::domain::{AuditAction, Mark, MarkValue};
use pingcha::progress::Control;
use pingcha::service::host::Backend;
use pingcha::service::protocol::{Request, Response};
use pingcha::service::{Job, Session};
use pingcha::store::Project;

/// Waits for the first answer `pick` accepts, keeping every answer seen (in order).
fn wait_for<T>(backend: &Backend, seen: &mut Vec<Response>, what: &str, pick: impl Fn(&Response) -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        // One at a time: answers after the one picked stay in the channel for the next wait.
        for r in backend.poll(1) {
            let hit = pick(&r);
            seen.push(r);
            if let Some(v) = hit {
                return v;
            }
        }
        assert!(start.elapsed() < Duration::from_secs(600), "no answer: {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// `count` generated packages (another seed than the shared samples).
fn packages(root: &Path, count: usize) -> PathBuf {
    let dir = root.join("incoming");
    pingcha::sample::write_samples(
        &dir,
        pingcha::sample::SampleOptions {
            cases: count,
            seed: 4242,
            defect_rate: 0.0,
        },
        &mut |_, _| {},
    )
    .unwrap();
    dir
}

#[test]
fn a_mark_is_saved_and_a_search_answered_while_a_long_import_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let incoming = packages(tmp.path(), 200);
    let dir = tmp.path().join("project");
    {
        let mut p = Project::create_or_open(&dir).unwrap();
        import(&mut p, &[samples(4).to_path_buf()]);
    }
    let rows = Project::open(&dir).unwrap().list_cases().unwrap();
    let case = rows[0].number.clone();

    let backend = Backend::start(dir.clone(), None, || {});
    let mut seen = Vec::new();
    wait_for(&backend, &mut seen, "the case list", |r| {
        matches!(r, Response::Cases(c) if !c.is_empty()).then_some(())
    });
    backend.send(Request::SetReviewer {
        name: "张敏".into(),
        unit: "法规科".into(),
    });
    wait_for(&backend, &mut seen, "the reviewer", |r| {
        matches!(r, Response::Reviewer(_)).then_some(())
    });
    backend.send(Request::LoadScoring {
        case_number: case.clone(),
        seq: 1,
    });
    let (key, item) = wait_for(&backend, &mut seen, "the scoring", |r| match r {
        Response::Scoring { scorings, seq: 1, .. } => {
            let s = &scorings[0];
            Some((s.key.clone(), s.checklist.checklist.sections[0].items[0].id.clone()))
        }
        _ => None,
    });

    seen.clear();
    backend.send(Request::Import(vec![incoming]));
    wait_for(&backend, &mut seen, "the import to start", |r| {
        matches!(r, Response::ImportProgress(p) if p.total > 0).then_some(())
    });
    let asked = Instant::now();
    backend.send(Request::Mark {
        key: key.clone(),
        item: item.clone(),
        mark: Some(Mark::new(item.clone(), MarkValue::Deduct(1.0))),
        action: AuditAction::Mark,
        note: String::new(),
        seq: 2,
    });
    backend.send(Request::Search("行政处罚".into()));
    wait_for(&backend, &mut seen, "the import to end", |r| {
        matches!(r, Response::ImportDone(_)).then_some(())
    });
    let import_took = asked.elapsed();

    let position = |f: &dyn Fn(&Response) -> bool| seen.iter().position(f);
    let done = position(&|r| matches!(r, Response::ImportDone(_))).unwrap();
    let marked = position(&|r| matches!(r, Response::Scoring { seq: 2, .. })).expect("the mark's answer");
    let searched = position(&|r| matches!(r, Response::SearchHits { .. })).expect("the search's answer");
    let progress_after = seen[marked.max(searched)..done]
        .iter()
        .filter(|r| matches!(r, Response::ImportProgress(_)))
        .count();
    assert!(
        marked < done && searched < done,
        "answered only after the import ({import_took:?})"
    );
    assert!(
        progress_after > 0,
        "the import was still running when both were answered"
    );
    let Response::ImportDone(report) = &seen[done] else {
        unreachable!()
    };
    // The shared samples' numbers recur in this set: those come as revisions.
    assert_eq!(report.imported() + report.revised(), 200, "{}", report.summary());
    let new_cases = report.imported();
    assert!(
        !seen.iter().any(|r| matches!(r, Response::Failed { .. })),
        "{:?}",
        seen.iter().find(|r| matches!(r, Response::Failed { .. }))
    );

    // The mark is in the project, and the import is whole.
    let mut backend = backend;
    assert!(backend.finish(Duration::from_secs(30)));
    let mut session = Session::open(&dir).unwrap();
    session.set_reviewer("张敏", "法规科").unwrap();
    let scoring = session.scoring(&case).unwrap().unwrap();
    let marks = &scoring.scorings[0].marks;
    assert!(
        marks
            .iter()
            .any(|m| m.item == item && m.value == MarkValue::Deduct(1.0)),
        "{marks:?}"
    );
    assert_eq!(session.list_cases().unwrap().len(), rows.len() + new_cases);
}

#[test]
fn a_failure_names_its_job_and_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project");
    let backend = Backend::start(dir, None, || {});
    let mut seen = Vec::new();
    wait_for(&backend, &mut seen, "the empty list", |r| {
        matches!(r, Response::Cases(_)).then_some(())
    });
    // The bundled checklist with its first item worth negative points (line 124).
    let bundled = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/checklists/01-penalty-general.toml"
    ))
    .unwrap();
    let mut lines: Vec<String> = bundled.lines().map(str::to_string).collect();
    assert_eq!(lines[123], "points = 2");
    lines[123] = "points = -2".into();
    let file = tmp.path().join("坏标准.toml");
    std::fs::write(&file, lines.join("\n")).unwrap();
    backend.send(Request::ImportChecklist(file.clone()));
    let (job, error) = wait_for(&backend, &mut seen, "the refusal", |r| match r {
        Response::Failed { job, error } => Some((*job, error.clone())),
        _ => None,
    });
    assert_eq!(job, Job::Checklist);
    assert!(error.message.starts_with("未能导入评查标准："), "{}", error.message);
    assert!(error.message.contains("坏标准.toml"), "{}", error.message);
    assert_eq!(error.file.as_deref(), Some(file.as_path()));
    // The first problem named is the section's sum (line 119), then the item (line 124).
    assert_eq!(error.line, Some(119), "{error:?}");
    assert!(error.message.contains("第124行 [1.1] points"), "{}", error.message);
    assert!(error.field.is_some(), "{error:?}");

    // A report that cannot be written is the report job's failure, not a silent one.
    backend.send(Request::Report(pingcha::service::protocol::ReportRequest::Xlsx {
        campaign: None,
        path: tmp.path().join("没有的文件夹").join("导出.xlsx"),
    }));
    let (job, error) = wait_for(&backend, &mut seen, "the report's failure", |r| match r {
        Response::Failed { job, error } => Some((*job, error.clone())),
        _ => None,
    });
    assert_eq!(job, Job::Report);
    assert!(error.message.contains("导出.xlsx"), "{}", error.message);
}

/// A control that cancels itself when step `at` begins, keeping every step it was told.
fn cancelling_at<'a>(
    cancel: &'a std::sync::atomic::AtomicBool,
    at: usize,
    steps: &'a std::cell::RefCell<Vec<(usize, usize)>>,
) -> Control<'a> {
    Control::new(cancel, move |done, total| {
        steps.borrow_mut().push((done, total));
        if done + 1 == at {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    })
}

#[test]
fn long_reports_kits_and_statistics_tell_their_progress_and_write_nothing_when_cancelled() {
    use pingcha::review::campaign::CampaignConfig;
    use pingcha::service::session::{KitOptions, ReportKind, ReportOptions};
    use std::sync::atomic::AtomicBool;

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project");
    {
        let mut p = Project::create_or_open(&dir).unwrap();
        import(&mut p, &[packages(tmp.path(), 30)]);
    }
    let mut session = Session::open(&dir).unwrap();
    session.prepare().unwrap();
    let config = CampaignConfig {
        draw_percent: 100.0,
        draw_at_least: 1,
        ..CampaignConfig::default()
    };
    let (_, info) = session.create_campaign("年度评查", 2024, config).unwrap();
    let drawn = info.cases.len();
    assert!(drawn >= 5, "{drawn}");
    // A reviewer's public key as `pingcha key show` gives it, in a key folder of this test.
    let keys = tmp.path().join("keys");
    let shown = std::process::Command::new(env!("CARGO_BIN_EXE_pingcha"))
        .env("PINGCHA_KEY_DIR", &keys)
        .args(["key", "show", "李评"])
        .output()
        .unwrap();
    let key = String::from_utf8(shown.stdout).unwrap().trim().to_string();
    for (name, unit) in [("李评", "法规科"), ("王评", "监督科")] {
        let public_key = (name == "李评").then_some(key.as_str());
        session
            .add_campaign_reviewer("年度评查", name, unit, false, "", public_key)
            .unwrap();
    }
    session.assignment("年度评查", true).unwrap();

    // The campaign report: told case by case, stopped at the third, nothing written.
    let cancel = AtomicBool::new(false);
    let steps = std::cell::RefCell::new(Vec::new());
    let report = tmp.path().join("评查报告.pdf");
    let kind = ReportKind::Campaign {
        campaign: "年度评查".into(),
        internal: false,
        number: "评查〔2024〕1号".into(),
    };
    let error = session
        .write_report(
            &kind,
            &ReportOptions::default(),
            &report,
            &mut cancelling_at(&cancel, 3, &steps),
        )
        .unwrap_err();
    assert!(error.cancelled, "{error:?}");
    assert!(error.message.contains("已取消"), "{}", error.message);
    assert_eq!(*steps.borrow(), vec![(0, drawn), (1, drawn), (2, drawn)]);
    assert!(!report.exists(), "a cancelled report writes no file");
    // Not cancelled, the same report is written, told for every case.
    let cancel = AtomicBool::new(false);
    let steps = std::cell::RefCell::new(Vec::new());
    session
        .write_report(
            &kind,
            &ReportOptions::default(),
            &report,
            &mut cancelling_at(&cancel, 0, &steps),
        )
        .unwrap();
    assert!(report.is_file());
    assert_eq!(steps.borrow().len(), drawn);
    assert_eq!(steps.borrow().last(), Some(&(drawn - 1, drawn)));

    // The XLSX export over every case of the project.
    let cancel = AtomicBool::new(false);
    let steps = std::cell::RefCell::new(Vec::new());
    let xlsx = tmp.path().join("导出.xlsx");
    let error = session
        .write_report(
            &ReportKind::Xlsx { campaign: None },
            &ReportOptions::default(),
            &xlsx,
            &mut cancelling_at(&cancel, 2, &steps),
        )
        .unwrap_err();
    assert!(error.cancelled, "{error:?}");
    assert!(!xlsx.exists());

    // The statistics: cancelled at the second comparison, then whole.
    let cancel = AtomicBool::new(false);
    let steps = std::cell::RefCell::new(Vec::new());
    let error = session
        .compare("年度评查", &mut cancelling_at(&cancel, 2, &steps))
        .unwrap_err();
    assert!(error.cancelled, "{error:?}");
    assert_eq!(error.message, "无法比较评分：已取消", "said once");
    assert_eq!(steps.borrow().len(), 2);
    let (cases, _) = session.compare("年度评查", &mut Control::unattended()).unwrap();
    assert_eq!(cases.len(), drawn);

    // A kit: cancelled at its second case, neither the kit nor its cover sheet is written
    // (the organiser's key is not even needed).
    let cancel = AtomicBool::new(false);
    let steps = std::cell::RefCell::new(Vec::new());
    let kit = tmp.path().join("李评.pchkit");
    let error = session
        .issue_kit(
            "年度评查",
            "李评",
            &kit,
            &KitOptions::default(),
            &mut cancelling_at(&cancel, 2, &steps),
        )
        .unwrap_err();
    assert!(error.cancelled, "{error:?}");
    assert_eq!(steps.borrow().len(), 2);
    assert!(!kit.exists());
    assert!(!pingcha::service::reports::kit_cover_path(&kit).exists());

    // A failure that is not a cancel says so.
    let error = session.compare("没有的活动", &mut Control::unattended()).unwrap_err();
    assert!(!error.cancelled, "{error:?}");
}

#[test]
fn a_cancel_stops_the_running_job_and_the_job_queued_after_it_still_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let incoming = packages(tmp.path(), 200);
    let dir = tmp.path().join("project");
    {
        let mut p = Project::create_or_open(&dir).unwrap();
        import(&mut p, &[samples(4).to_path_buf()]);
    }
    let backend = Backend::start(dir, None, || {});
    let mut seen = Vec::new();
    wait_for(&backend, &mut seen, "the case list", |r| {
        matches!(r, Response::Cases(c) if !c.is_empty()).then_some(())
    });
    backend.send(Request::Import(vec![incoming]));
    let xlsx = tmp.path().join("导出.xlsx");
    backend.send(Request::Report(pingcha::service::protocol::ReportRequest::Xlsx {
        campaign: None,
        path: xlsx.clone(),
    }));
    wait_for(&backend, &mut seen, "the import to start", |r| {
        matches!(r, Response::ImportProgress(p) if p.total > 0).then_some(())
    });
    backend.cancel_job();
    let report = wait_for(&backend, &mut seen, "the import to end", |r| match r {
        Response::ImportDone(report) => Some(report.clone()),
        _ => None,
    });
    assert!(report.cancelled, "{}", report.summary());
    assert!(report.imported() + report.revised() < 200, "{}", report.summary());
    // The export queued behind it starts uncancelled: told from its first case, written.
    seen.clear();
    let path = wait_for(&backend, &mut seen, "the export", |r| match r {
        Response::ReportReady { path, .. } => Some(path.clone()),
        Response::Failed { error, .. } => panic!("{error:?}"),
        _ => None,
    });
    assert_eq!(path, xlsx);
    assert!(xlsx.is_file());
    assert!(
        seen.iter().any(|r| matches!(
            r,
            Response::JobProgress {
                job: Job::Report,
                done: 0,
                ..
            }
        )),
        "{seen:?}"
    );
}
