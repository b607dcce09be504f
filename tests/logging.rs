//! Background work is logged to the data folder's log (#12): a user's problem can be
//! diagnosed from the file. Its own test binary: the logger is process-wide.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

use std::time::{Duration, Instant};

use pingcha::service::host::Backend;
use pingcha::service::protocol::{Request, Response};

#[test]
fn opening_importing_and_failures_reach_the_log_file() {
    let home = tempfile::tempdir().unwrap();
    // SAFETY: set before any thread of this test binary reads the environment.
    unsafe { std::env::set_var("PINGCHA_HOME", home.path()) };
    pingcha::places::init_logging();
    let project = home.path().join("项目");
    let missing = home.path().join("没有这个文件夹");
    let mut backend = Backend::start(project.clone(), None, || {});
    backend.send(Request::Import(vec![missing.clone()]));
    // A report into a folder that does not exist fails.
    backend.send(Request::Report(pingcha::service::protocol::ReportRequest::Xlsx {
        campaign: None,
        path: home.path().join("无此目录").join("导出.xlsx"),
    }));
    let start = Instant::now();
    let mut failed = false;
    let mut imported = false;
    while !(failed && imported) {
        for r in backend.poll(64) {
            failed |= matches!(r, Response::Failed { .. });
            imported |= matches!(r, Response::ImportDone(_));
        }
        assert!(start.elapsed() < Duration::from_secs(120), "no answers");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(backend.finish(Duration::from_secs(30)));
    let places = pingcha::places::Places::of_user().unwrap();
    let log = std::fs::read_to_string(places.log_file()).unwrap();
    for expected in [
        format!("打开项目 {}", project.display()),
        "任务排队：导入".to_string(),
        "导入完成：".to_string(),
        "生成文书失败：".to_string(),
        "导出.xlsx".to_string(),
        format!("关闭项目 {}", project.display()),
    ] {
        assert!(log.contains(&expected), "the log lacks “{expected}”:\n{log}");
    }
    // Each line names its level and thread.
    assert!(log.lines().any(|l| l.contains("[INFO pingcha-jobs]")), "{log}");
    assert!(log.lines().any(|l| l.contains("[WARN pingcha-jobs]")), "{log}");
}
