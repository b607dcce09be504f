#![no_main]
//! Fuzz target `zip_package`: the bytes go to `pingcha::harness::run("zip_package", ..)`, the entry point
//! the corpus replay test (tests/fuzz_corpus.rs) also runs.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pingcha::harness::run("zip_package", data).expect("known target");
});
