#![no_main]
//! Fuzz target `xlsx_ledger`: the bytes go to `pingcha::harness::run("xlsx_ledger", ..)`, the entry point
//! the corpus replay test (tests/fuzz_corpus.rs) also runs.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pingcha::harness::run("xlsx_ledger", data).expect("known target");
});
