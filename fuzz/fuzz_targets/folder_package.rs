#![no_main]
//! Fuzz target `folder_package`: the bytes describe a package folder (files, folders, links;
//! see `pingcha::harness`), which `pingcha::harness::run("folder_package", ..)` builds and
//! reads the way an import reads a folder.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pingcha::harness::run("folder_package", data).expect("known target");
});
