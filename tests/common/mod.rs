//! Helpers shared by the integration tests: fixture packages written on the fly, a raw zip
//! writer (for GBK names, hostile paths and forged sizes that no well-behaved zip library
//! will produce), and a generated sample set shared within one test binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pingcha::sample::{SampleOptions, write_samples};

/// A generated set of `count` sample packages, made once per test binary.
pub fn samples(count: usize) -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, usize)> = OnceLock::new();
    let (dir, made) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        write_samples(
            dir.path(),
            SampleOptions {
                cases: count,
                seed: 7,
                defect_rate: 0.0,
            },
            &mut |_, _| {},
        )
        .expect("samples");
        (dir, count)
    });
    assert_eq!(*made, count, "one sample size per test binary");
    dir.path()
}

/// A minimal valid `case.toml` for a penalty case with one document.
pub fn minimal_toml(number: &str) -> String {
    format!(
        r#"format = "pingcha-case-1"

[case]
number = "{number}"
kind = "penalty"
procedure = "general"
title = "测试公司未按规定开展安全培训案"
agency = "青禾市应急管理局"
unit = "执法一科"

[party]
name = "测试公司"
kind = "organization"

[[officers]]
name = "张三"
certificate = "21100123456"

[dates]
filed = "2024-03-01"

[[documents]]
type = "立案审批表"
file = "docs/01-立案审批表.pdf"
date = "2024-03-01"
"#
    )
}

/// A package whose decision was served on the 8th working day (2024-09-27 → 2024-10-14,
/// across the National Day holiday): a `service_deadline` finding (and, being minimal, it
/// lacks most required documents).
pub fn late_service_package(dir: &Path, number: &str) -> PathBuf {
    let toml = minimal_toml(number).replace("date = \"2024-03-01\"", "date = \"2024-09-02\"").replace(
        "[dates]\nfiled = \"2024-03-01\"",
        "[dates]\nfiled = \"2024-09-02\"\ndecision = \"2024-09-27\"\ndecision_served = \"2024-10-14\"\npublished = \"2024-09-30\"",
    );
    write_package(dir, &toml, &[("docs/01-立案审批表.pdf", pdf_with_text("正文"))])
}

/// A small real PDF with the given text (through the crate's own PDF writer).
pub fn pdf_with_text(text: &str) -> Vec<u8> {
    use pingcha::report::{Block, Document, render_pdf};
    let mut doc = Document::new("测试");
    doc.push(Block::Title("立案审批表".into()))
        .push(Block::Paragraph(text.into()));
    render_pdf(&doc).expect("render").bytes
}

/// A PDF whose pages carry these raw content streams (Helvetica text, Flate-compressed): for
/// hostile pages (millions of operators in a few kilobytes) no PDF writer would produce.
pub fn pdf_with_pages(contents: &[Vec<u8>]) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    for content in contents {
        let mut stream = Stream::new(dictionary! {}, content.clone());
        stream.compress().unwrap();
        let content_id = doc.add_object(stream);
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "Resources" => resources, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        kids.push(Object::Reference(page));
    }
    let count = i64::try_from(kids.len()).unwrap();
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// A page content of `count` `T*` operators: a few kilobytes compressed, about 570 bytes
/// per operator once parsed (#19 item 1: 21 MiB of them needed ~4 GB).
pub fn next_line_operators(count: usize) -> Vec<u8> {
    let mut content = b"BT /F1 12 Tf ".to_vec();
    content.extend(b"T* ".repeat(count));
    content.extend(b"ET");
    content
}

/// A page of ordinary text.
pub fn ordinary_page() -> Vec<u8> {
    b"BT /F1 12 Tf 72 720 Td (Ordinary page with enough text) Tj ET".to_vec()
}

/// Writes a directory package: `case.toml` plus files.
pub fn write_package(dir: &Path, toml: &str, files: &[(&str, Vec<u8>)]) -> PathBuf {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join("case.toml"), toml).expect("write toml");
    for (path, bytes) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write file");
    }
    dir.to_path_buf()
}

/// One member of a raw zip.
pub struct RawEntry<'a> {
    /// Name bytes exactly as stored (UTF-8, GBK, or hostile).
    pub name: Vec<u8>,
    /// Content (stored, uncompressed).
    pub data: &'a [u8],
    /// Set the UTF-8 flag (bit 11).
    pub utf8_flag: bool,
    /// Uncompressed size to declare instead of the real one (forged headers).
    pub declared_size: Option<u32>,
}

impl<'a> RawEntry<'a> {
    /// A UTF-8 named entry with the flag set.
    pub fn utf8(name: &str, data: &'a [u8]) -> Self {
        Self {
            name: name.as_bytes().to_vec(),
            data,
            utf8_flag: true,
            declared_size: None,
        }
    }
    /// A GBK named entry without the UTF-8 flag (as old Windows tools write).
    pub fn gbk(name: &str, data: &'a [u8]) -> Self {
        let (bytes, _, _) = encoding_rs::GBK.encode(name);
        Self {
            name: bytes.into_owned(),
            data,
            utf8_flag: false,
            declared_size: None,
        }
    }
}

/// Writes a zip with stored (uncompressed) members, byte by byte.
pub fn write_raw_zip(path: &Path, entries: &[RawEntry<'_>]) {
    fn u16le(v: &mut Vec<u8>, x: u16) {
        v.extend_from_slice(&x.to_le_bytes());
    }
    fn u32le(v: &mut Vec<u8>, x: u32) {
        v.extend_from_slice(&x.to_le_bytes());
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let crc = crc32fast::hash(e.data);
        let flags: u16 = if e.utf8_flag { 1 << 11 } else { 0 };
        let size = e.data.len() as u32;
        let declared = e.declared_size.unwrap_or(size);
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, flags);
        u16le(&mut out, 0);
        u16le(&mut out, 0);
        u16le(&mut out, 0x21);
        u32le(&mut out, crc);
        u32le(&mut out, size);
        u32le(&mut out, declared);
        u16le(&mut out, e.name.len() as u16);
        u16le(&mut out, 0);
        out.extend_from_slice(&e.name);
        out.extend_from_slice(e.data);
        u32le(&mut central, 0x0201_4b50);
        u16le(&mut central, 20);
        u16le(&mut central, 20);
        u16le(&mut central, flags);
        u16le(&mut central, 0);
        u16le(&mut central, 0);
        u16le(&mut central, 0x21);
        u32le(&mut central, crc);
        u32le(&mut central, size);
        u32le(&mut central, declared);
        u16le(&mut central, e.name.len() as u16);
        u16le(&mut central, 0);
        u16le(&mut central, 0);
        u16le(&mut central, 0);
        u16le(&mut central, 0);
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(&e.name);
    }
    let cd_offset = out.len() as u32;
    let cd_size = central.len() as u32;
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, entries.len() as u16);
    u16le(&mut out, entries.len() as u16);
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0);
    std::fs::write(path, out).expect("write zip");
}

/// Zips a directory package with the zip crate (deflate), optionally under a top folder.
pub fn zip_dir(src: &Path, zip_path: &Path, top: Option<&str>) {
    use std::io::Write;
    let file = std::fs::File::create(zip_path).expect("create zip");
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .expect("read dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(src)
                .expect("prefix")
                .to_string_lossy()
                .replace('\\', "/");
            let name = match top {
                Some(t) => format!("{t}/{rel}"),
                None => rel,
            };
            zip.start_file(name, options).expect("start file");
            zip.write_all(&std::fs::read(&path).expect("read")).expect("write");
        }
    }
    zip.finish().expect("finish zip");
}

/// PDF text and spreadsheets are read in reader processes of the `pingcha` binary cargo built,
/// as in the app (a test binary is not `pingcha`, so it is named here).
pub fn use_reader_process() {
    pingcha::worker::use_program(env!("CARGO_BIN_EXE_pingcha"));
}

/// Runs the import pipeline on paths and returns the report.
pub fn import(project: &mut pingcha::store::Project, paths: &[PathBuf]) -> pingcha::service::ImportReport {
    use_reader_process();
    let items = pingcha::service::plan_import(paths);
    pingcha::service::run_import(
        project,
        &items,
        &pingcha::import::ImportLimits::default(),
        &std::sync::atomic::AtomicBool::new(false),
        &mut |_| {},
    )
}

/// The reason a single-item report refused, or a panic naming what happened instead.
pub fn refusal(report: &pingcha::service::ImportReport) -> String {
    let refused: Vec<String> = report
        .items
        .iter()
        .filter_map(|i| match &i.result {
            pingcha::service::ItemResult::Refused(r) => Some(format!("{}: {r}", i.path)),
            _ => None,
        })
        .collect();
    assert!(!refused.is_empty(), "expected a refusal, got {:?}", report.items);
    refused.join("\n")
}

/// A row of a 评查标准 table as provinces publish it: 序号 | 评查项目 | 评查内容 | 分值 |
/// 扣分标准 | 否决情形 | 依据 (empty strings for empty cells). A row of one text is written
/// merged across the table, as headings are.
pub type TableRowSpec<'a> = &'a [&'a str];

/// Writes a 评查标准 table in the common layout: a merged title row, the header row, then
/// `rows` (a one-cell row is merged across, as headings and closing lines are; the 评查项目
/// cell is written only on the first row of its group, as merged cells read).
#[allow(dead_code)]
pub fn write_standard_table(path: &Path, sheet_name: &str, title: &str, rows: &[TableRowSpec<'_>]) {
    use rust_xlsxwriter::{Format, Workbook};
    let headers = [
        "序号",
        "评查项目",
        "评查内容",
        "分值（分）",
        "扣分标准",
        "否决情形",
        "依据",
    ];
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).unwrap();
    let plain = Format::new();
    sheet.merge_range(0, 0, 0, 6, title, &plain).unwrap();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let mut group_start: Option<(u32, String)> = None;
    for (i, cells) in rows.iter().enumerate() {
        let r = 2 + i as u32;
        if cells.len() == 1 {
            sheet.merge_range(r, 0, r, 6, cells[0], &plain).unwrap();
            continue;
        }
        for (c, text) in cells.iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            if c == 3
                && let Ok(n) = text.parse::<f64>()
            {
                sheet.write_number(r, c as u16, n).unwrap();
                continue;
            }
            if c == 1 {
                // The 评查项目 of a group is one merged cell: written once.
                if group_start.as_ref().is_some_and(|(_, g)| g == text) {
                    continue;
                }
                group_start = Some((r, text.to_string()));
            }
            sheet.write_string(r, c as u16, *text).unwrap();
        }
    }
    workbook.save(path).unwrap();
}

/// A provincial-style 普通程序 table (after DOMAIN.md §3.4 Table C and §3.5 Table D): a 基础标准
/// heading with 一票否决 rows, 评查项目 as merged cells with the section's points in them, a
/// 否决情形 column, the wordings 缺一项扣0.5分、扣完为止、不得分、每处扣3分、视情况扣1～4分.
#[allow(dead_code)]
pub const PROVINCE_ROWS: &[&[&str]] = &[
    &["一、基础标准（一票否决）"],
    &[
        "1",
        "",
        "执法主体不合法或超越职权",
        "",
        "一票否决",
        "",
        "行政处罚法第十七条",
    ],
    &["2", "", "处罚对象错误", "", "一票否决", "", "行政处罚法第四十条"],
    &["二、一般标准"],
    &[
        "3",
        "立案（5分）",
        "案由书写规范：当事人+具体违法行为+案",
        "1",
        "不符合格式的扣1分",
        "",
        "",
    ],
    &[
        "4",
        "立案（5分）",
        "当事人基本情况清楚",
        "1",
        "缺一项扣0.5分，扣完为止",
        "",
        "",
    ],
    &[
        "5",
        "立案（5分）",
        "简要案情清楚，注明可能违反的法律条款",
        "2",
        "视情况扣0.5～2分",
        "",
        "行政处罚法第五十四条",
    ],
    &[
        "6",
        "立案（5分）",
        "有明确的立案时间",
        "1",
        "无立案时间的不得分",
        "",
        "",
    ],
    &[
        "7",
        "调查取证（6分）",
        "询问笔录由两名执法人员签名并注明执法证号",
        "2",
        "每处扣1分",
        "执法人员少于两人",
        "行政处罚法第四十二条",
    ],
    &[
        "8",
        "调查取证（6分）",
        "询问笔录逐页签名，涂改处捺指印",
        "4",
        "视情况扣1～4分",
        "",
        "行政处罚法第五十五条",
    ],
    &[
        "9",
        "决定（9分）",
        "行政处罚决定书载明当事人、违法事实、依据、履行方式和救济途径",
        "6",
        "内容不完整或错误的，每处扣3分，扣完为止",
        "",
        "行政处罚法第五十九条",
    ],
    &[
        "10",
        "决定（9分）",
        "决定书依法送达，送达回执齐全",
        "3",
        "回执不全的每处扣1分",
        "",
        "行政处罚法第六十一条",
    ],
    &["满分20分。等次：优秀 ≥18分；合格 ≥12分；不合格 ≥0分。"],
];

/// The text layer of a PDF the program wrote.
#[allow(dead_code)]
pub fn pdf_text_of(path: &Path) -> String {
    match pingcha::import::extract_pdf_text(
        &std::fs::read(path).unwrap(),
        &pingcha::import::ImportLimits {
            max_pdf_text_bytes: 1 << 28,
            ..Default::default()
        },
    ) {
        pingcha::import::TextLayer::Text { text, .. } => text,
        other => panic!("{}: {other:?}", path.display()),
    }
}
