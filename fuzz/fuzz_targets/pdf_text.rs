#![no_main]
//! Fuzz target `pdf_text`: the bytes go to `pingcha::harness::run("pdf_text", ..)`, the entry point
//! the corpus replay test (tests/fuzz_corpus.rs) also runs.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pingcha::harness::run("pdf_text", data).expect("known target");
});
