//! Helpers for the egui_kittest tests: wait for the app's backend, type into a labelled field.
//! Included by the UI test binaries only (`#[path]`), so the others need not build kittest code.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pingcha::ui::PingchaApp;

/// Steps the app until `done` holds (the backend answers between frames), then a few more.
pub fn wait_until(h: &mut Harness<'static, PingchaApp>, what: &str, done: impl Fn(&PingchaApp) -> bool) {
    for _ in 0..2000 {
        h.step();
        if done(h.state()) {
            h.run_steps(3);
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting for {what}");
}

/// Steps until a label containing `text` is drawn (the window fills in when the service
/// answers, which on a busy machine takes more than a few frames).
#[allow(dead_code, reason = "not every UI test binary waits for a label")]
pub fn wait_for_label(h: &mut Harness<'static, PingchaApp>, text: &str) {
    for _ in 0..2000 {
        h.step();
        if h.query_by_label_contains(text).is_some() {
            h.run_steps(2);
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting for “{text}”");
}

/// Focuses a labelled text field and types into it.
pub fn type_into(h: &mut Harness<'static, PingchaApp>, label: &str, text: &str) {
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, label).click();
    h.run_steps(1);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, label)
        .type_text(text);
    h.run_steps(1);
}
