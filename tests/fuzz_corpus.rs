//! Replays every stored fuzz input — the seed corpora in `fuzz/corpus/<target>/` and every
//! input that ever failed, kept in `fuzz/regressions/<target>/` — through Pingcha's own entry
//! points (`pingcha::harness`), on stable, as part of `cargo test`. A panic on any of them
//! fails this test; the fuzz targets in `fuzz/fuzz_targets/` run the same entry points.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

use std::path::Path;

#[test]
fn every_stored_fuzz_input_is_read_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for target in pingcha::harness::TARGETS {
        let mut seeds = 0;
        for kind in ["corpus", "regressions"] {
            let dir = root.join(kind).join(target);
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
            files.sort();
            for file in files {
                let data = std::fs::read(&file).unwrap();
                let outcome = std::panic::catch_unwind(|| pingcha::harness::run(target, &data));
                match outcome {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => panic!("{target}: {e}"),
                    Err(_) => panic!("{target}: {} made Pingcha panic", file.display()),
                }
                if kind == "corpus" {
                    seeds += 1;
                }
                replayed += 1;
            }
        }
        assert!(seeds > 0, "fuzz/corpus/{target}/ has no seed");
    }
    // Every corpus folder names a target the harness knows.
    for entry in std::fs::read_dir(root.join("corpus")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            pingcha::harness::TARGETS.contains(&name.as_str()),
            "fuzz/corpus/{name}: no such target"
        );
    }
    assert!(replayed >= 15, "{replayed}");
    assert!(pingcha::harness::run("no_such_target", b"").is_err());
}
