#![no_main]
//! Fuzz target `signed_file`: the bytes go to `pingcha::harness::run("signed_file", ..)`, the entry point
//! the corpus replay test (tests/fuzz_corpus.rs) also runs.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pingcha::harness::run("signed_file", data).expect("known target");
});
