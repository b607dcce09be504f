//! Reading packages, ledgers and registries: every valid variant of CASE_FORMAT.md, and bad
//! input refused with a message that names its cause, without touching the project.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

mod common;

use std::path::Path;

use common::*;
use pingcha::domain::{CaseKind, CaseOrigin, DateKey};
use pingcha::service::ItemResult;
use pingcha::store::Project;

fn project(dir: &Path) -> Project {
    Project::create_or_open(&dir.join("project")).expect("project")
}

fn pkg_files() -> Vec<(&'static str, Vec<u8>)> {
    vec![(
        "docs/01-立案审批表.pdf",
        pdf_with_text("依据《中华人民共和国安全生产法》第一百零一条第（二）项，建议立案调查。"),
    )]
}

// ---------------------------------------------------------------- valid variants

#[test]
fn directory_package_imports_with_documents_and_text() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = write_package(&tmp.path().join("pkg"), &minimal_toml("测试〔2024〕1号"), &pkg_files());
    let mut p = project(tmp.path());
    let report = import(&mut p, &[pkg]);
    assert_eq!(report.imported(), 1, "{:?}", report.items);
    let stored = p.load_case_by_number("测试〔2024〕1号").unwrap();
    assert_eq!(stored.documents.len(), 1);
    assert_eq!(stored.documents[0].text_status, "text");
    assert_eq!(
        stored.case.effective_date(DateKey::Filed).unwrap().to_string(),
        "2024-03-01"
    );
    assert!(!p.search("第一百零一条", 10).unwrap().is_empty());
}

#[test]
fn zip_package_at_root_and_in_one_top_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = write_package(&tmp.path().join("pkg"), &minimal_toml("测试〔2024〕2号"), &pkg_files());
    zip_dir(&pkg, &tmp.path().join("root.zip"), None);
    let pkg3 = write_package(&tmp.path().join("pkg3"), &minimal_toml("测试〔2024〕3号"), &pkg_files());
    zip_dir(&pkg3, &tmp.path().join("nested.zip"), Some("案卷3"));
    let mut p = project(tmp.path());
    let report = import(&mut p, &[tmp.path().join("root.zip"), tmp.path().join("nested.zip")]);
    assert_eq!(report.imported(), 2, "{:?}", report.items);
    assert_eq!(
        p.load_case_by_number("测试〔2024〕3号").unwrap().documents[0].text_status,
        "text"
    );
}

#[test]
fn zip_with_gbk_member_names_without_utf8_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let toml = minimal_toml("测试〔2024〕4号").replace("docs/01-立案审批表.pdf", "文书/立案审批表.pdf");
    let pdf = pdf_with_text("立案审批表正文内容，用于检索测试。");
    let zip = tmp.path().join("gbk.zip");
    write_raw_zip(
        &zip,
        &[
            RawEntry::gbk("case.toml", toml.as_bytes()),
            RawEntry::gbk("文书/立案审批表.pdf", &pdf),
        ],
    );
    let mut p = project(tmp.path());
    let report = import(&mut p, &[zip]);
    assert_eq!(report.imported(), 1, "{:?}", report.items);
    assert_eq!(
        p.load_case_by_number("测试〔2024〕4号").unwrap().documents[0].file_path,
        "文书/立案审批表.pdf"
    );
}

#[test]
fn folder_and_zip_of_scans_without_case_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let scans = tmp.path().join("2023年某公司案扫描件");
    std::fs::create_dir_all(&scans).unwrap();
    std::fs::write(
        scans.join("05-询问笔录(张某).pdf"),
        pdf_with_text("问：你是否看清楚？答：看清楚了。"),
    )
    .unwrap();
    std::fs::write(scans.join("10-行政处罚决定书.pdf"), b"%PDF-1.4 broken scan").unwrap();
    std::fs::write(scans.join("2-立案审批表.jpg"), b"\xff\xd8\xff\xe0 fake jpeg").unwrap();
    std::fs::write(scans.join("IMG_0001.jpg"), b"\xff\xd8\xff\xe0").unwrap();
    let zipped = tmp.path().join("扫描件.zip");
    write_raw_zip(
        &zipped,
        &[
            RawEntry::gbk("扫描/03-现场检查记录.pdf", b"%PDF-1.4"),
            RawEntry::utf8("扫描/04-整改复查意见书.pdf", b"%PDF-1.4"),
        ],
    );
    let mut p = project(tmp.path());
    let report = import(&mut p, &[scans, zipped]);
    assert_eq!(report.imported(), 2, "{:?}", report.items);
    let stored = p.load_case_by_number("2023年某公司案扫描件").unwrap();
    assert_eq!(stored.case.origin, CaseOrigin::Scans);
    let types: Vec<&str> = stored.documents.iter().map(|d| d.doc_type.as_str()).collect();
    assert_eq!(
        types,
        ["立案审批表", "询问笔录", "行政处罚决定书", "未识别"],
        "natural file order, guessed types"
    );
    assert!(
        stored
            .warnings
            .iter()
            .any(|w| w.contains("IMG_0001.jpg") && w.contains("无法从文件名识别"))
    );
    let zipped_case = p.load_case_by_number("扫描件").unwrap();
    assert_eq!(zipped_case.case.kind, CaseKind::Inspection);
    assert_eq!(zipped_case.documents.len(), 2);
}

#[test]
fn ledgers_in_csv_utf8_bom_gbk_and_xlsx_with_every_date_spelling() {
    let tmp = tempfile::tempdir().unwrap();
    let header = "案号,案件名称,案件类型,程序,承办单位,当事人,当事人类型,执法人员,执法证号,立案日期,决定日期,送达日期,结案日期,处罚种类,罚款金额,处罚依据,备注\n";
    let rows = [
        "台账〔2023〕1号,甲公司案,行政处罚,普通程序,执法一科,甲公司,单位,张三、李四,21100000001、21100000002,2023-03-01,2023/4/20,2023.4.24,2023年5月20日,罚款,50000,安全生产法第一百零一条,有备注\n",
        "台账〔2023〕2号,乙公司案,行政处罚,简易程序,执法二科,王某,个人,王五,21100000003,,45000,,,警告,,,\n",
    ];
    let text = format!("{header}{}{}", rows[0], rows[1]);
    let utf8 = tmp.path().join("台账-utf8.csv");
    std::fs::write(&utf8, &text).unwrap();
    let bom = tmp.path().join("台账-bom.csv");
    std::fs::write(
        &bom,
        [b"\xef\xbb\xbf".as_slice(), text.replace("台账〔", "BOM〔").as_bytes()].concat(),
    )
    .unwrap();
    let gbk = tmp.path().join("台账-gbk.csv");
    std::fs::write(&gbk, encoding_rs::GBK.encode(&text.replace("台账〔", "GBK〔")).0).unwrap();
    let xlsx = tmp.path().join("台账.xlsx");
    {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["案号", "案件名称", "承办单位", "决定日期", "罚款金额"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "XLSX〔2024〕1号").unwrap();
        sheet.write_string(1, 1, "丙公司案").unwrap();
        sheet.write_string(1, 2, "执法三科").unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
        sheet
            .write_datetime_with_format(
                1,
                3,
                &date,
                &rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd"),
            )
            .unwrap();
        sheet.write_number(1, 4, 3000.0).unwrap();
        book.save(&xlsx).unwrap();
    }
    let mut p = project(tmp.path());
    let report = import(&mut p, &[utf8, bom, gbk, xlsx]);
    assert_eq!(report.imported(), 7, "{:?}", report.items);
    assert_eq!(report.refused(), 0);
    let first = p.load_case_by_number("台账〔2023〕1号").unwrap().case;
    assert_eq!(first.origin, CaseOrigin::Ledger);
    assert_eq!(first.officers.len(), 2);
    assert_eq!(first.officers[1].certificate, "21100000002");
    for (key, expected) in [
        (DateKey::Filed, "2023-03-01"),
        (DateKey::Decision, "2023-04-20"),
        (DateKey::DecisionServed, "2023-04-24"),
        (DateKey::Closed, "2023-05-20"),
    ] {
        assert_eq!(first.effective_date(key).unwrap().to_string(), expected);
    }
    assert_eq!(
        first.extra.get("台账：备注").map(String::as_str),
        Some("有备注"),
        "extra columns are kept as notes"
    );
    let serial = p.load_case_by_number("GBK〔2023〕2号").unwrap().case;
    assert_eq!(
        serial.effective_date(DateKey::Decision).unwrap().to_string(),
        "2023-03-15",
        "Excel serial 45000"
    );
    let x = p.load_case_by_number("XLSX〔2024〕1号").unwrap().case;
    assert_eq!(x.effective_date(DateKey::Decision).unwrap().to_string(), "2024-03-01");
    assert_eq!(x.decision.unwrap().fine_total_yuan(), 3000.0);
}

#[test]
fn ledger_row_after_a_package_keeps_the_package_and_a_package_supersedes_a_ledger_row() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = write_package(&tmp.path().join("pkg"), &minimal_toml("同号〔2024〕1号"), &pkg_files());
    let ledger = tmp.path().join("台账.csv");
    std::fs::write(
        &ledger,
        "案号,案件名称\n同号〔2024〕1号,台账里的名称\n同号〔2024〕2号,仅台账\n",
    )
    .unwrap();
    let mut p = project(tmp.path());
    import(&mut p, &[pkg]);
    let report = import(&mut p, &[ledger]);
    assert!(
        report
            .items
            .iter()
            .any(|i| matches!(&i.result, ItemResult::KeptPackage { number } if number == "同号〔2024〕1号"))
    );
    assert_eq!(
        p.load_case_by_number("同号〔2024〕1号").unwrap().case.origin,
        CaseOrigin::Package
    );
    let pkg2 = write_package(&tmp.path().join("pkg2"), &minimal_toml("同号〔2024〕2号"), &pkg_files());
    let report = import(&mut p, &[pkg2]);
    assert_eq!(report.revised(), 1);
    assert_eq!(
        p.load_case_by_number("同号〔2024〕2号").unwrap().case.origin,
        CaseOrigin::Package
    );
}

#[test]
fn officer_registry_loads_and_updates() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = tmp.path().join("名册.csv");
    std::fs::write(&reg, "姓名,执法证号,单位,执法类别,发证日期,有效期至\n张三,21100123456,执法一科,安全生产,2020/1/1,2026年12月31日\n李四,21100654321,执法二科,安全生产,2021-02-02,2027-02-01\n").unwrap();
    let mut p = project(tmp.path());
    let report = import(&mut p, std::slice::from_ref(&reg));
    assert!(matches!(report.items[0].result, ItemResult::Registry(r) if r.added == 2));
    std::fs::write(&reg, "姓名,执法证号,单位,执法类别,发证日期,有效期至\n张三,21100123456,执法一科,安全生产,2020/1/1,2028-12-31\n李四,21100654321,执法二科,安全生产,2021-02-02,2027-02-01\n").unwrap();
    let report = import(&mut p, &[reg]);
    assert!(
        matches!(report.items[0].result, ItemResult::Registry(r) if r.updated == 1 && r.unchanged == 1),
        "{:?}",
        report.items
    );
    assert_eq!(p.registry().unwrap()[0].valid_until.unwrap().to_string(), "2028-12-31");
}

#[test]
fn unknown_keys_and_types_are_warnings_not_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let toml = minimal_toml("警告〔2024〕1号")
        .replace("[party]", "priority = 3\n\n[party]")
        .replace("type = \"立案审批表\"", "type = \"自定义文书\"");
    let pkg = write_package(
        &tmp.path().join("pkg"),
        &toml,
        &[
            ("docs/01-立案审批表.pdf", b"%PDF-1.4".to_vec()),
            ("extra/未登记.pdf", b"x".to_vec()),
        ],
    );
    let mut p = project(tmp.path());
    let report = import(&mut p, &[pkg]);
    assert_eq!(report.imported(), 1);
    let warnings = report.items[0].warnings.join("\n");
    assert!(warnings.contains("未知字段 [case].priority"), "{warnings}");
    assert!(warnings.contains("“自定义文书”不在文书目录中"), "{warnings}");
    assert!(
        warnings.contains("extra/未登记.pdf：未在 case.toml 中登记"),
        "{warnings}"
    );
    let stored = p.load_case_by_number("警告〔2024〕1号").unwrap();
    assert_eq!(stored.case.extra.get("[case].priority").map(String::as_str), Some("3"));
    assert_eq!(stored.documents[0].text_status, "unreadable");
}

#[test]
fn sample_packages_all_import_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = project(tmp.path());
    let report = import(&mut p, &[samples(12).to_path_buf()]);
    assert_eq!(
        report.imported(),
        12,
        "{:?}",
        report
            .items
            .iter()
            .filter(|i| !matches!(i.result, ItemResult::Imported { .. }))
            .collect::<Vec<_>>()
    );
    assert_eq!(report.registries(), 1);
    assert!(
        report.items.iter().all(|i| i.warnings.is_empty()),
        "generated packages need no warnings"
    );
    for row in p.list_cases().unwrap() {
        let stored = p.load_case(row.id).unwrap();
        assert!(
            (5..=30).contains(&stored.documents.len()),
            "{} has {} documents",
            row.number,
            stored.documents.len()
        );
        assert!(
            stored.documents.iter().all(|d| d.text_status == "text"),
            "every generated PDF has a text layer"
        );
    }
}

// ---------------------------------------------------------------- bad input

/// Imports one bad item into a project that already holds a good case, and checks the
/// refusal names the cause and the project is unchanged.
fn refused(build: impl FnOnce(&Path) -> std::path::PathBuf) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = project(tmp.path());
    let good = write_package(&tmp.path().join("good"), &minimal_toml("好〔2024〕1号"), &pkg_files());
    assert_eq!(import(&mut p, &[good]).imported(), 1);
    let before = p.list_cases().unwrap();
    let files_before = std::fs::read_dir(p.dir().join("documents")).unwrap().count();
    let bad = build(tmp.path());
    let report = import(&mut p, &[bad]);
    let reason = refusal(&report);
    assert_eq!(p.list_cases().unwrap(), before, "a refused item changes nothing");
    assert_eq!(
        std::fs::read_dir(p.dir().join("documents")).unwrap().count(),
        files_before,
        "no stray files: {reason}"
    );
    assert!(!tmp.path().join("evil.txt").exists() && !tmp.path().parent().unwrap().join("evil.txt").exists());
    reason
}

fn bad_toml(dir: &Path, toml: String) -> std::path::PathBuf {
    write_package(&dir.join("bad"), &toml, &pkg_files())
}

#[test]
fn bad_01_toml_syntax_names_line_and_column() {
    let r = refused(|d| bad_toml(d, minimal_toml("X").replace("[case]", "[case")));
    assert!(r.contains("case.toml 第3行第") && r.contains("TOML 语法错误"), "{r}");
}

#[test]
fn bad_02_missing_required_field() {
    let r = refused(|d| bad_toml(d, minimal_toml("X").replace("agency = \"青禾市应急管理局\"\n", "")));
    assert!(r.contains("[case].agency: 缺少必填字段"), "{r}");
}

#[test]
fn bad_03_invalid_date_names_field() {
    let r = refused(|d| {
        bad_toml(
            d,
            minimal_toml("X").replace("filed = \"2024-03-01\"", "inspection = \"2024-13-45\""),
        )
    });
    assert!(r.contains("[dates].inspection: 2024-13-45 不是有效日期"), "{r}");
}

#[test]
fn bad_04_unknown_enum_lists_allowed_values() {
    let r = refused(|d| {
        bad_toml(
            d,
            minimal_toml("X").replace("procedure = \"general\"", "procedure = \"normal\""),
        )
    });
    assert!(
        r.contains("[case].procedure: “normal”不是允许的值（可选：general、summary）"),
        "{r}"
    );
}

#[test]
fn bad_05_ill_typed_field() {
    let r = refused(|d| {
        bad_toml(
            d,
            minimal_toml("X").replace("date = \"2024-03-01\"", "date = \"2024-03-01\"\npages = \"两页\""),
        )
    });
    assert!(r.contains("documents[1].pages") && r.contains("应为非负整数"), "{r}");
}

#[test]
fn bad_05b_a_first_page_of_zero_or_past_u32_is_refused_and_a_huge_range_does_not_overflow() {
    for bad in ["0", "99999999999"] {
        let r = refused(|d| {
            bad_toml(
                d,
                minimal_toml("X").replace(
                    "date = \"2024-03-01\"",
                    &format!("date = \"2024-03-01\"\nfirst_page = {bad}"),
                ),
            )
        });
        assert!(
            r.contains("documents[1].first_page") && r.contains("1 以上的页码"),
            "{bad}: {r}"
        );
    }
    // The largest page number with many pages: the range ends at the last page, no overflow.
    let tmp = tempfile::tempdir().unwrap();
    let toml = minimal_toml("大页码〔2024〕1号").replace(
        "date = \"2024-03-01\"",
        "date = \"2024-03-01\"\nfirst_page = 4294967295\npages = 4000000000",
    );
    let pkg = write_package(
        &tmp.path().join("pkg"),
        &toml,
        &[("docs/01-立案审批表.pdf", pdf_with_text("正文"))],
    );
    let mut p = pingcha::store::Project::create_or_open(&tmp.path().join("p")).unwrap();
    assert_eq!(import(&mut p, &[pkg]).imported(), 1);
    let mut stored = p.load_case_by_number("大页码〔2024〕1号").unwrap();
    stored.documents[0].first_page = Some(u32::MAX);
    stored.documents[0].pages = Some(4_000_000_000);
    assert_eq!(stored.documents[0].page_range(), Some((u32::MAX, u32::MAX)));
    let doc = &stored.case.documents[0];
    assert_eq!(pingcha::domain::case_facts::page_span(doc, 1).0, u32::MAX);
}

#[test]
fn bad_06_missing_referenced_file_is_named() {
    let r = refused(|d| write_package(&d.join("bad"), &minimal_toml("X"), &[]));
    assert!(
        r.contains("documents[1].file: 引用的文件 docs/01-立案审批表.pdf 在案卷包中不存在"),
        "{r}"
    );
}

#[test]
fn bad_07_absolute_path_refuses_package() {
    let r = refused(|d| {
        bad_toml(
            d,
            minimal_toml("X").replace("file = \"docs/01-立案审批表.pdf\"", "file = \"/etc/passwd\""),
        )
    });
    assert!(
        r.contains("/etc/passwd") && r.contains("不允许绝对路径") && r.contains("整个案卷包被拒绝"),
        "{r}"
    );
}

#[test]
fn bad_08_dot_dot_path_refuses_package() {
    let r = refused(|d| {
        bad_toml(
            d,
            minimal_toml("X").replace("file = \"docs/01-立案审批表.pdf\"", "file = \"../good/case.toml\""),
        )
    });
    assert!(r.contains("../good/case.toml") && r.contains("不允许包含 .."), "{r}");
}

#[test]
fn bad_09_zip_slip_member() {
    let r = refused(|d| {
        let zip = d.join("slip.zip");
        let toml = minimal_toml("X");
        let pdf = pdf_with_text("正文");
        write_raw_zip(
            &zip,
            &[
                RawEntry::utf8("case.toml", toml.as_bytes()),
                RawEntry::utf8("docs/01-立案审批表.pdf", &pdf),
                RawEntry::utf8("../evil.txt", b"pwned"),
            ],
        );
        zip
    });
    assert!(
        r.contains("slip.zip") && r.contains("../evil.txt") && r.contains("不允许包含 .."),
        "{r}"
    );
}

#[test]
fn bad_10_file_named_zip_that_is_not_a_zip() {
    let r = refused(|d| {
        let p = d.join("伪装.zip");
        std::fs::write(&p, "这不是压缩包").unwrap();
        p
    });
    assert!(r.contains("伪装.zip: 不是有效的 zip 文件"), "{r}");
}

#[test]
fn bad_11_zip_bomb_by_ratio_refused_before_extraction() {
    let r = refused(|d| {
        use std::io::Write;
        let p = d.join("bomb.zip");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&p).unwrap());
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("case.toml", opts).unwrap();
        zip.write_all(minimal_toml("X").as_bytes()).unwrap();
        zip.start_file("docs/01-立案审批表.pdf", opts).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
        p
    });
    assert!(
        r.contains("bomb.zip") && r.contains("疑似压缩炸弹") && r.contains("压缩比"),
        "{r}"
    );
}

#[test]
fn bad_12_forged_sizes_cannot_inflate_past_declared() {
    let r = refused(|d| {
        let p = d.join("forged.zip");
        let toml = minimal_toml("X");
        let pdf = pdf_with_text("正文");
        let mut entry = RawEntry::utf8("docs/01-立案审批表.pdf", &pdf);
        entry.declared_size = Some(10);
        write_raw_zip(&p, &[RawEntry::utf8("case.toml", toml.as_bytes()), entry]);
        p
    });
    assert!(
        r.contains("forged.zip") && r.contains("解压后的数据与文件头不符"),
        "{r}"
    );
}

#[test]
fn bad_13_unsupported_format() {
    let r = refused(|d| bad_toml(d, minimal_toml("X").replace("pingcha-case-1", "pingcha-case-9")));
    assert!(r.contains("format: 不支持的格式 \"pingcha-case-9\""), "{r}");
}

#[test]
fn bad_14_penalty_without_party() {
    let r = refused(|d| {
        bad_toml(
            d,
            minimal_toml("X").replace("[party]\nname = \"测试公司\"\nkind = \"organization\"\n", ""),
        )
    });
    assert!(r.contains("[party]: 行政处罚案件必须有当事人"), "{r}");
}

#[test]
fn bad_15_no_officers() {
    let r = refused(|d| {
        bad_toml(
            d,
            minimal_toml("X").replace("[[officers]]\nname = \"张三\"\ncertificate = \"21100123456\"\n", ""),
        )
    });
    assert!(r.contains("[[officers]]: 至少需要一名执法人员"), "{r}");
}

#[test]
fn bad_16_case_toml_not_utf8() {
    let r = refused(|d| {
        let dir = d.join("gbk-toml");
        write_package(&dir, "", &pkg_files());
        std::fs::write(dir.join("case.toml"), encoding_rs::GBK.encode(&minimal_toml("X")).0).unwrap();
        dir
    });
    assert!(r.contains("case.toml: 不是 UTF-8 编码的文本"), "{r}");
}

#[test]
fn bad_17_zip_with_two_cases() {
    let r = refused(|d| {
        let p = d.join("two.zip");
        let t = minimal_toml("X");
        write_raw_zip(
            &p,
            &[
                RawEntry::utf8("甲/case.toml", t.as_bytes()),
                RawEntry::utf8("乙/case.toml", t.as_bytes()),
            ],
        );
        p
    });
    assert!(
        r.contains("2 个顶层文件夹含 case.toml") && r.contains("甲") && r.contains("乙"),
        "{r}"
    );
}

#[test]
fn bad_18_unrecognised_sheet() {
    let r = refused(|d| {
        let p = d.join("名单.csv");
        std::fs::write(&p, "编号,名称\n1,某某\n").unwrap();
        p
    });
    assert!(r.contains("名单.csv: 无法识别的表格") && r.contains("案号"), "{r}");
}

#[test]
fn bad_19_unsupported_file_type_and_missing_path() {
    let r = refused(|d| {
        let p = d.join("说明.txt");
        std::fs::write(&p, "readme").unwrap();
        p
    });
    assert!(r.contains("说明.txt: 不是案卷包、台账或执法人员名册"), "{r}");
    let r = refused(|d| d.join("不存在的文件夹"));
    assert!(r.contains("不存在的文件夹: 路径不存在"), "{r}");
}

#[test]
fn bad_20_symlink_leaving_the_package() {
    let r = refused(|d| {
        let dir = write_package(&d.join("link"), &minimal_toml("X"), &[]);
        std::fs::write(d.join("outside.pdf"), b"%PDF-1.4 secret").unwrap();
        std::fs::create_dir_all(dir.join("docs")).unwrap();
        std::os::unix::fs::symlink(d.join("outside.pdf"), dir.join("docs/01-立案审批表.pdf")).unwrap();
        dir
    });
    assert!(r.contains("链接指向案卷包之外"), "{r}");
}

#[test]
fn bad_21_links_are_not_followed_and_a_broken_referenced_one_is_named() {
    // #19 item 6: the walker followed an unreferenced docs/share -> /usr/share and walked
    // every file there; a dangling link anywhere refused the package naming another path.
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("别处");
    std::fs::create_dir_all(&outside).unwrap();
    for i in 0..50 {
        std::fs::write(
            outside.join(format!("{i:02}-立案审批表.pdf")),
            pdf_with_text("别处的文书"),
        )
        .unwrap();
    }
    let dir = write_package(&tmp.path().join("pkg"), &minimal_toml("链接〔2024〕1号"), &pkg_files());
    std::os::unix::fs::symlink(&outside, dir.join("docs/share")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("不存在"), dir.join("docs/broken")).unwrap();
    let mut p = project(tmp.path());
    let report = import(&mut p, std::slice::from_ref(&dir));
    assert_eq!(report.imported(), 1, "{:?}", report.items);
    let warnings = report.items[0].warnings.join("\n");
    assert!(
        warnings.contains("忽略了 2 个符号链接") && warnings.contains("docs/share"),
        "{warnings}"
    );

    // A folder of scans with a link to other scans: only its own files.
    let scans = tmp.path().join("扫描件");
    std::fs::create_dir_all(&scans).unwrap();
    std::fs::write(scans.join("01-立案审批表.pdf"), pdf_with_text("立案审批表")).unwrap();
    std::os::unix::fs::symlink(&outside, scans.join("更多")).unwrap();
    let report = import(&mut p, std::slice::from_ref(&scans));
    assert_eq!(report.imported(), 1, "{:?}", report.items);
    let row = p
        .list_cases()
        .unwrap()
        .into_iter()
        .find(|r| r.title == "扫描件")
        .unwrap_or_else(|| {
            panic!(
                "{:?}",
                p.list_cases()
                    .unwrap()
                    .iter()
                    .map(|r| (&r.number, &r.title))
                    .collect::<Vec<_>>()
            )
        });
    assert_eq!(row.documents, 1, "the linked folder is not read");

    // A referenced file that is a broken link is refused, naming it.
    let r = refused(|d| {
        let dir = write_package(&d.join("断链"), &minimal_toml("断链〔2024〕1号"), &[]);
        std::fs::create_dir_all(dir.join("docs")).unwrap();
        std::os::unix::fs::symlink(d.join("没有这个文件.pdf"), dir.join("docs/01-立案审批表.pdf")).unwrap();
        dir
    });
    assert!(r.contains("docs/01-立案审批表.pdf") && r.contains("链接无效"), "{r}");
}

#[test]
fn bad_22_duplicate_zip_members_and_a_case_toml_that_is_not_a_file() {
    // #19 item 7: the last of two members of one name won silently; #19 item 12: a case.toml
    // that is a folder turned the package into scans.
    let r = refused(|d| {
        let p = d.join("重名.zip");
        let toml = minimal_toml("重名〔2024〕1号");
        let pdf = pdf_with_text("立案审批表");
        write_raw_zip(
            &p,
            &[
                RawEntry::utf8("case.toml", toml.as_bytes()),
                RawEntry::utf8("docs/01-立案审批表.pdf", &pdf),
                RawEntry::utf8("docs/01-立案审批表.pdf", b"%PDF-1.4 another"),
            ],
        );
        p
    });
    assert!(r.contains("docs/01-立案审批表.pdf") && r.contains("同名成员"), "{r}");
    let r = refused(|d| {
        let dir = d.join("目录");
        std::fs::create_dir_all(dir.join("case.toml")).unwrap();
        std::fs::write(dir.join("01-立案审批表.pdf"), pdf_with_text("立案审批表")).unwrap();
        dir
    });
    assert!(r.contains("case.toml 不是普通文件"), "{r}");
}

#[test]
fn bad_23_a_stray_byte_refuses_its_row_only_and_an_open_quote_names_its_line() {
    // #19 item 8: one 0xFF switched the whole file to GB18030 and every row was refused with
    // "needs 案号"; an unterminated quote dropped 18 of 20 rows with exit 0.
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes =
        "案号,案件名称,案件类型\n甲〔1〕号,甲案,行政处罚\n乙〔2〕号,乙案,行政处罚\n丙〔3〕号,丙案,行政处罚\n"
            .as_bytes()
            .to_vec();
    let second = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    let third = second + bytes[second..].iter().position(|b| *b == b'\n').unwrap() + 1;
    bytes.insert(third + 4, 0xff);
    let ledger = tmp.path().join("台账.csv");
    std::fs::write(&ledger, &bytes).unwrap();
    let mut p = project(tmp.path());
    let report = import(&mut p, &[ledger]);
    assert_eq!(report.imported(), 2, "{:?}", report.items);
    let r = refusal(&report);
    assert!(r.contains("第3行") && r.contains("无法识别的字节"), "{r}");

    let quoted = tmp.path().join("引号.csv");
    let mut text = String::from("案号,案件名称\n");
    for i in 1..=20 {
        if i == 3 {
            text.push_str(&format!("第{i}号,\"未闭合的名称\n"));
        } else {
            text.push_str(&format!("第{i}号,案{i}\n"));
        }
    }
    std::fs::write(&quoted, text).unwrap();
    let report = import(&mut p, &[quoted]);
    assert_eq!(report.imported(), 0);
    let r = refusal(&report);
    assert!(r.contains("第4行：引号未闭合"), "{r}");
}

#[test]
fn bad_ledger_rows_are_reported_and_the_rest_import() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("台账.csv");
    std::fs::write(
        &ledger,
        "案号,案件名称,案件类型,决定日期,罚款金额,执法人员,执法证号\n\
         好〔1〕号,甲,行政处罚,2023-01-05,100,张三,1\n\
         坏〔2〕号,乙,行政处罚,2023-02-30,100,张三,1\n\
         ,丙,行政处罚,2023-01-05,,,\n\
         坏〔4〕号,丁,行政许可,2023-01-05,,,\n\
         坏〔5〕号,戊,行政处罚,2023-01-05,若干,,\n\
         坏〔6〕号,己,行政处罚,2023-01-05,,张三、李四,1\n\
         好〔7〕号,庚,行政检查,2023.1.5,,,\n",
    )
    .unwrap();
    let mut p = project(tmp.path());
    let report = import(&mut p, &[ledger]);
    assert_eq!(report.imported(), 2);
    let r = refusal(&report);
    for expected in [
        "第3行「决定日期」：2023-02-30 不是有效日期",
        "第4行「案号」：缺少案号",
        "第5行「案件类型」：“行政许可”不是允许的值",
        "第6行「罚款金额」：“若干”不是有效金额",
        "第7行「执法人员」有 2 人而「执法证号」有 1 个",
    ] {
        assert!(r.contains(expected), "missing {expected} in {r}");
    }
}

#[test]
fn a_batch_goes_on_past_bad_items() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("batch");
    write_package(&folder.join("1-good"), &minimal_toml("批〔2024〕1号"), &pkg_files());
    write_package(
        &folder.join("2-bad"),
        &minimal_toml("批〔2024〕2号").replace("[case]", "[case"),
        &pkg_files(),
    );
    std::fs::write(folder.join("3-bad.zip"), "not a zip").unwrap();
    write_package(&folder.join("4-good"), &minimal_toml("批〔2024〕4号"), &pkg_files());
    std::fs::write(folder.join("readme.txt"), "notes").unwrap();
    let mut p = project(tmp.path());
    let report = import(&mut p, &[folder]);
    assert_eq!(report.imported(), 2);
    assert_eq!(report.refused(), 2);
    assert!(
        report
            .items
            .iter()
            .any(|i| i.path.ends_with("readme.txt") && matches!(i.result, ItemResult::Skipped(_)))
    );
    let r = refusal(&report);
    assert!(
        r.contains("2-bad: case.toml 第3行") && r.contains("3-bad.zip: 不是有效的 zip 文件"),
        "{r}"
    );
}

#[test]
fn bad_24_values_beyond_plausible_limits_are_refused_with_the_field_named() {
    // #19 item 10: a 4 MB case number was accepted and broke the XLSX export later; dates
    // 0000-01-01 / 9999-12-31 and amounts up to 1.8e308 were accepted.
    let long = "号".repeat(65);
    let r = refused(|d| {
        write_package(
            &d.join("长案号"),
            &minimal_toml(&long),
            &[("docs/01-立案审批表.pdf", pdf_with_text("立案审批表"))],
        )
    });
    assert!(r.contains("[case].number") && r.contains("超过上限 64 字"), "{r}");
    let sixty_four = "号".repeat(64);
    let tmp = tempfile::tempdir().unwrap();
    let ok = write_package(
        &tmp.path().join("64字"),
        &minimal_toml(&sixty_four),
        &[("docs/01-立案审批表.pdf", pdf_with_text("立案审批表"))],
    );
    assert_eq!(
        import(&mut project(tmp.path()), &[ok]).imported(),
        1,
        "64 characters are fine"
    );
    let r = refused(|d| {
        let toml = minimal_toml("远日〔2024〕1号").replace("filed = \"2024-03-01\"", "filed = \"9999-12-31\"");
        write_package(
            &d.join("远日"),
            &toml,
            &[("docs/01-立案审批表.pdf", pdf_with_text("立案审批表"))],
        )
    });
    assert!(
        r.contains("[dates].filed") && r.contains("不在 1949–2100 年之间"),
        "{r}"
    );
    let r = refused(|d| {
        let toml = format!(
            "{}\n[decision]\ndate = \"2024-04-01\"\npenalties = [{{ kind = \"fine\", amount = 1.8e308 }}]\n",
            minimal_toml("巨款〔2024〕1号")
        );
        write_package(
            &d.join("巨款"),
            &toml,
            &[("docs/01-立案审批表.pdf", pdf_with_text("立案审批表"))],
        )
    });
    assert!(r.contains("amount") && r.contains("超出合理范围"), "{r}");
    // The same limits in a ledger, row by row.
    let ledger = tmp.path().join("台账.csv");
    std::fs::write(
        &ledger,
        format!("案号,案件名称,决定日期\n好〔1〕号,甲,2023-01-05\n{long},乙,2023-01-05\n丙〔3〕号,丙,1900-01-05\n"),
    )
    .unwrap();
    let mut p = project(tmp.path());
    let report = import(&mut p, &[ledger]);
    assert_eq!(report.imported(), 1);
    let r = refusal(&report);
    assert!(r.contains("第3行「案号」：长度 65 字，超过上限 64 字"), "{r}");
    assert!(r.contains("第4行「决定日期」：1900-01-05 不在 1949–2100 年之间"), "{r}");
}

/// An xlsx ledger with `extra` written at a far cell, and the sheet XML patched by `patch`.
fn far_cell_xlsx(path: &Path, row: u32, col: u16, patch: impl Fn(&str) -> String) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "案号").unwrap();
    sheet.write_string(0, 1, "案件名称").unwrap();
    sheet.write_string(1, 0, "远〔2024〕1号").unwrap();
    sheet.write_string(1, 1, "甲").unwrap();
    sheet.write_string(row, col, "远处").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            data = patch(&String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut out, &data).unwrap();
    }
    out.finish().unwrap();
}

#[test]
fn bad_25_a_far_or_impossible_cell_in_an_xlsx_is_refused_without_allocating_its_area() {
    // #19 item 4: one cell at XFD1048576 made the reader ask for 512 GiB and abort; a
    // reference like ZZZZZZZ99999999999 panicked; one cell at A1048576 cost 1.7 GB.
    let tmp = tempfile::tempdir().unwrap();
    let mut p = project(tmp.path());
    let corner = tmp.path().join("角落.xlsx");
    far_cell_xlsx(&corner, 1_048_575, 16_383, str::to_string);
    let bottom = tmp.path().join("底部.xlsx");
    far_cell_xlsx(&bottom, 1_048_575, 0, str::to_string);
    let impossible = tmp.path().join("不可能.xlsx");
    far_cell_xlsx(&impossible, 5, 3, |xml| {
        xml.replace("r=\"D6\"", "r=\"ZZZZZZZ99999999999\"")
    });
    let fine = tmp.path().join("正常.xlsx");
    far_cell_xlsx(&fine, 2, 1, str::to_string);
    let report = import(&mut p, &[corner, bottom, impossible, fine]);
    assert_eq!(
        report.imported(),
        1,
        "the ordinary sheet still imports: {:?}",
        report.items
    );
    let r = refusal(&report);
    assert!(
        r.contains("角落.xlsx") && r.contains("第1048576行有内容，超过上限"),
        "{r}"
    );
    assert!(r.contains("底部.xlsx") && r.contains("第1048576行有内容"), "{r}");
    assert!(r.contains("不可能.xlsx"), "{r}");
}

#[test]
fn bad_26_a_project_another_process_writes_is_reported_once_in_chinese() {
    // #19 item 12: import waited 10 s per item (51 items: 512 s), each refused with English
    // "database is locked".
    let tmp = tempfile::tempdir().unwrap();
    let mut p = project(tmp.path());
    let holder = rusqlite::Connection::open(p.dir().join("project.sqlite")).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let packages: Vec<std::path::PathBuf> = (0..5)
        .map(|i| {
            write_package(
                &tmp.path().join(format!("包{i}")),
                &minimal_toml(&format!("锁〔2024〕{i}号")),
                &pkg_files(),
            )
        })
        .collect();
    let report = import(&mut p, &packages);
    assert_eq!(report.items.len(), 1, "one message for the batch: {:?}", report.items);
    let r = refusal(&report);
    assert!(
        r.contains("项目正被") && r.contains("写入，等待 10 秒后仍未释放") && r.contains("未导入任何文件"),
        "{r}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(
        import(&mut p, &packages).imported(),
        5,
        "once released, the batch imports"
    );
}

#[test]
fn many_documents_naming_one_file_are_read_once_and_all_keep_its_text() {
    // #19 item 5: 20 000 entries naming one PDF re-extracted it each time, and members were
    // matched by a search per document. Now lookups are by path and each file is read once;
    // every document still gets the text.
    let tmp = tempfile::tempdir().unwrap();
    let mut toml = minimal_toml("同文〔2024〕1号");
    for i in 0..300 {
        toml.push_str(&format!(
            "\n[[documents]]\ntype = \"询问笔录\"\nfile = \"docs/01-立案审批表.pdf\"\ndate = \"2024-03-{:02}\"\n",
            i % 28 + 1
        ));
    }
    let pkg = write_package(&tmp.path().join("同文"), &toml, &pkg_files());
    let mut p = project(tmp.path());
    assert_eq!(import(&mut p, &[pkg]).imported(), 1);
    let case = p.load_case_by_number("同文〔2024〕1号").unwrap();
    assert_eq!(case.documents.len(), 301);
    assert!(case.documents.iter().all(|d| d.text_status == "text"));
}

#[test]
fn a_page_of_millions_of_operators_is_skipped_not_parsed() {
    // #19 item 1: a 22 KB PDF whose stream inflates to 21 MiB of T* needed ~4 GB to parse and
    // the import died. Its operators are counted first and the page is skipped, naming the
    // cap; the cap is a project setting.
    use pingcha::import::{ImportLimits, TextLayer, extract_pdf_text};
    let hostile = next_line_operators(3_000_000);
    let bytes = pdf_with_pages(&[hostile.clone(), ordinary_page()]);
    assert!(bytes.len() < 200_000, "a small file: {}", bytes.len());
    let defaults = ImportLimits::default();
    match extract_pdf_text(&bytes, &defaults) {
        TextLayer::Text { text, pages, .. } => {
            assert_eq!(pages, 2);
            assert!(text.contains("Ordinary page"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    match extract_pdf_text(&pdf_with_pages(&[hostile]), &defaults) {
        TextLayer::Unreadable(why) => assert!(why.contains("第1页有约") && why.contains("超过上限 400000"), "{why}"),
        other => panic!("{other:?}"),
    }
    // A page of about 12 000 tokens: refused under a cap of 10 000, read under the default.
    let page = ordinary_page().repeat(1_000);
    let tight = ImportLimits {
        max_pdf_page_tokens: 10_000,
        ..ImportLimits::default()
    };
    let bytes = pdf_with_pages(&[page]);
    assert!(matches!(extract_pdf_text(&bytes, &tight), TextLayer::Unreadable(_)));
    assert!(matches!(extract_pdf_text(&bytes, &defaults), TextLayer::Text { .. }));
}

/// A named pipe nobody writes: whatever opens it for reading waits for ever.
fn fifo(dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    let status = std::process::Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(status.success());
    path
}

#[test]
fn a_reader_past_its_deadline_or_cancelled_is_stopped_and_says_so() {
    // Third-party readers run in a reader process with a deadline (project setting
    // `reader_seconds`): one that hangs is stopped, its file recorded with the reason, and the
    // caller goes on. Cancelling stops it too.
    use pingcha::import::{ImportLimits, TextLayer};
    use_reader_process();
    assert!(pingcha::worker::isolated());
    let tmp = tempfile::tempdir().unwrap();
    let limits = ImportLimits {
        reader_seconds: 1,
        ..ImportLimits::default()
    };
    let pipe = fifo(tmp.path(), "stuck.pdf");
    match pingcha::worker::pdf_text(&pipe, &limits, None) {
        TextLayer::Unreadable(why) => assert_eq!(why, "文本未能提取（用时超过 1 秒，已停止读取）"),
        other => panic!("{other:?}"),
    }
    // The stopped reader is replaced: the next file on this thread is read.
    let pdf = tmp.path().join("a.pdf");
    std::fs::write(&pdf, pdf_with_text("行政处罚决定书")).unwrap();
    assert!(matches!(
        pingcha::worker::pdf_text(&pdf, &limits, None),
        TextLayer::Text { .. }
    ));
    let sheet_pipe = fifo(tmp.path(), "台账.csv");
    let err = pingcha::worker::sheet(&sheet_pipe, &limits, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("台账.csv") && err.contains("表格未能读取（用时超过 1 秒"),
        "{err}"
    );

    let cancel = std::sync::atomic::AtomicBool::new(false);
    let patient = ImportLimits {
        reader_seconds: 600,
        ..ImportLimits::default()
    };
    std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(300));
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        match pingcha::worker::pdf_text(&pipe, &patient, Some(&cancel)) {
            TextLayer::Unreadable(why) => assert_eq!(why, "文本未能提取（已取消）"),
            other => panic!("{other:?}"),
        }
    });
}

#[test]
fn the_reader_process_answers_what_the_in_process_readers_answer() {
    // The same file, read in a reader process and here, gives the same text and the same
    // sheet; a refusal keeps its message (file and row named).
    use pingcha::import::{ImportLimits, extract_pdf_text, read_sheet};
    use_reader_process();
    let tmp = tempfile::tempdir().unwrap();
    let limits = ImportLimits::default();
    let pdf = tmp.path().join("a.pdf");
    std::fs::write(&pdf, pdf_with_text("行政处罚决定书 第一百零一条")).unwrap();
    assert_eq!(
        pingcha::worker::pdf_text(&pdf, &limits, None),
        extract_pdf_text(&std::fs::read(&pdf).unwrap(), &limits)
    );
    let csv = tmp.path().join("台账.csv");
    std::fs::write(&csv, "案号,案件名称\n青禾应急罚〔2024〕1号,某公司案\n").unwrap();
    let isolated = pingcha::worker::sheet(&csv, &limits, None).unwrap();
    let here = read_sheet(&csv, &limits).unwrap();
    assert_eq!((isolated.headers, isolated.rows), (here.headers, here.rows));
    let big = ImportLimits {
        max_sheet_rows: 0,
        ..ImportLimits::default()
    };
    let refused = pingcha::worker::sheet(&csv, &big, None).unwrap_err().to_string();
    assert_eq!(refused, read_sheet(&csv, &big).unwrap_err().to_string());
    assert!(
        refused.contains("台账.csv") && refused.contains("超过上限 0 行"),
        "{refused}"
    );
}

#[test]
fn the_row_limit_counts_data_rows_on_both_sides() {
    // The limit is on data rows: a CSV of exactly `max_sheet_rows` rows under its header is
    // read (it was refused: the header was counted), one more is refused naming the limit.
    use pingcha::import::{ImportLimits, read_sheet};
    let tmp = tempfile::tempdir().unwrap();
    let limits = ImportLimits {
        max_sheet_rows: 3,
        ..ImportLimits::default()
    };
    let csv = |rows: usize| {
        let path = tmp.path().join(format!("台账{rows}.csv"));
        let mut text = "案号,案件名称\n".to_string();
        for i in 1..=rows {
            text.push_str(&format!("青禾应急罚〔2024〕{i}号,某公司案\n"));
        }
        std::fs::write(&path, text).unwrap();
        path
    };
    assert_eq!(read_sheet(&csv(3), &limits).unwrap().rows.len(), 3);
    // Blank lines are not rows: three rows spread over blank lines are still three.
    let spaced = tmp.path().join("台账-空行.csv");
    std::fs::write(
        &spaced,
        "案号,案件名称\n\n青禾应急罚〔2024〕1号,甲\n\n\n青禾应急罚〔2024〕2号,乙\n,\n青禾应急罚〔2024〕3号,丙\n\n",
    )
    .unwrap();
    assert_eq!(read_sheet(&spaced, &limits).unwrap().rows.len(), 3);
    let refused = read_sheet(&csv(4), &limits).unwrap_err().to_string();
    assert!(refused.contains("数据超过上限 3 行（读到第5行时停止）"), "{refused}");
}

/// A PDF whose cross-reference stream declares a field 2^40 bytes wide (lopdf #532: 0.44 sized
/// a buffer from it and the allocation aborted the process).
fn wide_xref_field() -> Vec<u8> {
    let mut out = b"%PDF-1.5\n".to_vec();
    out.extend(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    out.extend(b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
    let xref = out.len();
    out.extend(b"3 0 obj\n<< /Type /XRef /Size 4 /W [1 1099511627776 1] /Root 1 0 R /Length 4 >>\nstream\n");
    out.extend(b"\x01\x00\x00\x00\nendstream\nendobj\n");
    out.extend(format!("startxref\n{xref}\n%%EOF\n").as_bytes());
    out
}

#[test]
fn a_cross_reference_field_terabytes_wide_is_refused_or_repaired_not_an_abort() {
    // Read through the reader process, so that a regression costs that process, not this
    // test binary: the answer must be lopdf's (a refusal, or the damaged cross-reference data
    // repaired), not a reader that died.
    use pingcha::import::{ImportLimits, TextLayer};
    use_reader_process();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("wide.pdf");
    std::fs::write(&path, wide_xref_field()).unwrap();
    match pingcha::worker::pdf_text(&path, &ImportLimits::default(), None) {
        TextLayer::Unreadable(why) => assert!(why.starts_with("无法解析 PDF"), "{why}"),
        TextLayer::NoText { .. } => {}
        other => panic!("{other:?}"),
    }
}
