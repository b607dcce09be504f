fn main() {
    let out = std::path::Path::new("/tmp/dbg");
    let _ = std::fs::remove_dir_all(out);
    pingcha::sample::write_samples(
        &out.join("samples"),
        pingcha::sample::SampleOptions {
            cases: 24,
            seed: 11,
            defect_rate: 0.5,
        },
        &mut |_, _| {},
    )
    .unwrap();
    let number = std::env::args().nth(1).unwrap();
    let pkg = out.join("samples").join(pingcha::sample::file_safe(&number));
    let scan = pingcha::sample::scans::scan_package(&pkg, true, &Default::default(), 7).unwrap();
    let folder = out.join("scans").join(pingcha::sample::file_safe(&number));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("案卷扫描.pdf"),
        pingcha::sample::scans::scan_pdf(&scan.pages).unwrap(),
    )
    .unwrap();
    for d in &scan.documents {
        println!("{d:?}");
    }
    std::fs::write(out.join("page1.jpg"), &scan.pages[1]).unwrap();
}
