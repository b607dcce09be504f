#![no_main]
//! Fuzz target `checklist_toml`: the bytes go to `pingcha::harness::run("checklist_toml", ..)`, the entry point
//! the corpus replay test (tests/fuzz_corpus.rs) also runs.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pingcha::harness::run("checklist_toml", data).expect("known target");
});
