//! Starting the window where it cannot open: a clear Chinese message, a distinct exit code,
//! a line in the user's log, and nothing written to the temp folder.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

use std::process::Command;

#[test]
fn no_display_says_so_in_chinese_and_exits_with_its_code() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pingcha"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .env("PINGCHA_HOME", home.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(i32::from(pingcha::ui::EXIT_NO_DISPLAY)),
        "{stderr}"
    );
    assert!(stderr.contains("没有可用的图形显示"), "{stderr}");
    assert!(stderr.contains("pingcha --help"), "{stderr}");
    let log = std::fs::read_to_string(home.path().join("logs/pingcha.log")).unwrap();
    assert!(log.contains("无法打开窗口（NoDisplay）"), "{log}");
    // The demo is made only once a window is up: nothing was generated.
    assert!(!home.path().join("data/示例项目").exists());
}

#[test]
fn each_failure_has_its_own_code_and_a_way_forward() {
    use pingcha::ui::WindowFailure;
    let gl = WindowFailure::NoOpenGl.message("x");
    assert!(
        gl.contains("OpenGL 2.0") && gl.contains("Mesa") && gl.contains("3D"),
        "{gl}"
    );
    let codes = [
        WindowFailure::NoDisplay.exit_code(),
        WindowFailure::NoOpenGl.exit_code(),
        WindowFailure::Other.exit_code(),
    ];
    assert_eq!(codes, [3, 4, 1]);
}
