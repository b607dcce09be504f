#![no_main]
//! Fuzz target `csv_ledger`: the bytes go to `pingcha::harness::run("csv_ledger", ..)`, the entry point
//! the corpus replay test (tests/fuzz_corpus.rs) also runs.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pingcha::harness::run("csv_ledger", data).expect("known target");
});
