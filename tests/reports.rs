//! The documents: model snapshots (plain text), PDFs read back (fonts embedded and subset,
//! Chinese text extractable, page counts, table headers repeated after a page break,
//! byte-identical output), personal data masked, and a golden PDF.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

use pingcha::domain::{Anchor, Case, CaseKind, CaseOrigin, Mark, MarkValue, Party, PartyKind, Procedure};
use pingcha::report::documents::{
    CampaignReport, Notice, NoticeCase, NoticeFinding, OfficialSettings, ReportCase, ScoreSheet, Templates,
    campaign_report, rectification_notice, score_sheet,
};
use pingcha::report::fonts::FontSet;
use pingcha::report::{Document, render_pdf_with};
use pingcha::scoring::{bundled_checklists, evaluate};

fn case() -> Case {
    let mut c = Case::new("青禾应急罚〔2024〕9号", CaseKind::Penalty, CaseOrigin::Package);
    c.procedure = Some(Procedure::General);
    c.title = "王小明未按规定储存烟花爆竹案".into();
    c.unit = "执法一科".into();
    c.agency = "青禾市应急管理局".into();
    c.party = Some(Party {
        name: "王小明".into(),
        kind: Some(PartyKind::Individual),
        id_number: Some("211002199001011234".into()),
        representative: None,
        address: None,
    });
    c
}

fn marks() -> Vec<Mark> {
    let mut a = Mark::new("1.2", MarkValue::Count(2));
    a.reason = "询问笔录仅一名执法人员签名".into();
    a.anchor = Some(Anchor {
        file: "docs/09-询问笔录.pdf".into(),
        doc_type: "询问笔录".into(),
        page: 2,
    });
    let mut b = Mark::new("5.1", MarkValue::Deduct(2.0));
    b.from_rule = Some("service_deadline".into());
    b.reason = "决定 2024-09-27，送达 2024-10-14，为第8个工作日，超过7个工作日".into();
    vec![a, b]
}

fn sheet(blank: bool, unmasked: bool) -> Document {
    let checklist = bundled_checklists().unwrap().remove(0);
    let marks = marks();
    let evaluation = evaluate(&checklist, &marks).unwrap();
    score_sheet(&ScoreSheet {
        agency: "青禾市应急管理局",
        case: &case(),
        checklist: &checklist,
        marks: (!blank).then_some(marks.as_slice()),
        evaluation: (!blank).then_some(&evaluation),
        reviewers: if blank {
            vec![]
        } else {
            vec!["李评".into(), "王评".into()]
        },
        lead: Some("赵组长".into()),
        date: "2024年12月1日".into(),
        consensus_note: None,
        suggestions: vec![(
            "5.1".into(),
            "service_deadline".into(),
            "为第8个工作日，超过7个工作日".into(),
        )],
        unmasked,
    })
}

#[test]
fn the_score_sheet_says_what_was_deducted_where_and_masks_the_party() {
    let text = sheet(false, false).plain_text();
    for expected in [
        "行政执法案卷评查表",
        "案号：青禾应急罚〔2024〕9号",
        "当事人：王某（身份证号 211002********1234）",
        "询问笔录仅一名执法人员签名；见《询问笔录》第2页",
        "来自自动检查“决定书送达期限”",
        "总分：96 / 100",
        "等次：优秀",
        "评查人（签名）：＿＿＿＿＿＿（李评）",
        "组长（签名）：＿＿＿＿＿＿（赵组长）",
    ] {
        assert!(text.contains(expected), "missing {expected}:\n{text}");
    }
    assert!(
        !text.contains("王小明") && !text.contains("199001011234"),
        "personal data masked"
    );
    let unmasked = sheet(false, true).plain_text();
    assert!(unmasked.contains("王小明（身份证号 211002199001011234）"));
}

#[test]
fn the_blank_form_lists_the_automatic_checks_as_suggestions() {
    let text = sheet(true, false).plain_text();
    assert!(text.contains("行政执法案卷评查表（空白）"));
    assert!(
        text.contains("建议（决定书送达期限）：为第8个工作日，超过7个工作日"),
        "{text}"
    );
    // #13 item 13: no rule id (English) on the printed form.
    assert!(!text.contains("service_deadline"), "{text}");
    assert!(text.contains("由评查人核实后决定是否扣分"));
    assert!(!text.contains("总分：96"));
}

fn notice() -> Document {
    let templates = Templates::bundled().unwrap();
    let official = OfficialSettings {
        contact: "张敏".into(),
        phone: "0419-1234567".into(),
        copy_to: vec!["青禾市司法局".into()],
        printed_by: "青禾市应急管理局办公室".into(),
        ..OfficialSettings::default()
    };
    rectification_notice(&Notice {
        agency: "青禾市应急管理局",
        campaign: "2024年度交叉评查",
        unit: "执法一科",
        number: "评查整改〔2024〕1号",
        date: "2024年12月1日",
        deadline: "2024年12月31日",
        cases: &[NoticeCase {
            number: "青禾应急罚〔2024〕9号".into(),
            title: "某公司未按规定储存烟花爆竹案".into(),
            result: "95分，优秀".into(),
            basis: "评分依据：评查组合议结果".into(),
            findings: vec![NoticeFinding {
                id: "5.1".into(),
                item: "5.1 行政处罚决定书按期送达（扣5分）".into(),
                wording: "行政处罚决定书未在七日内送达".into(),
                basis: "行政处罚法第六十一条".into(),
                advice: "决定书在宣告后当场交付；当事人不在场的，七日内送达".into(),
            }],
        }],
        templates: &templates,
        official: &official,
    })
}

#[test]
fn the_notice_matches_its_snapshot() {
    let text = notice().plain_text();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/notice.txt");
    if std::env::var_os("PINGCHA_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, format!("{text}\n")).unwrap();
    }
    let snapshot = std::fs::read_to_string(&path).expect("snapshot (PINGCHA_UPDATE_GOLDEN=1 writes it)");
    assert_eq!(
        text.trim(),
        snapshot.trim(),
        "update the snapshot (PINGCHA_UPDATE_GOLDEN=1) when the notice changes on purpose"
    );
}

fn report(cases: usize) -> Document {
    report_drawn(cases, cases)
}

/// A campaign report of `cases` scored cases out of `drawn`.
fn report_drawn(cases: usize, drawn: usize) -> Document {
    report_for(cases, drawn, false)
}

/// The report of `cases` scored of `drawn`, with the internal annex or without.
fn report_for(cases: usize, drawn: usize, internal: bool) -> Document {
    let templates = Templates::bundled().unwrap();
    let units = ["执法一科", "执法二科", "执法三科", "执法支队一大队", "执法支队二大队"];
    let grades = ["优秀", "良好", "合格", "不合格"];
    let list: Vec<ReportCase> = (0..cases)
        .map(|i| {
            let score = 55.0 + (i * 37 % 46) as f64;
            ReportCase {
                number: format!("青禾应急罚〔2024〕{}号", i + 1),
                unit: units[i % units.len()].into(),
                kind: "行政处罚（普通程序）".into(),
                score,
                grade: grades[if score >= 90.0 {
                    0
                } else if score >= 80.0 {
                    1
                } else if score >= 60.0 {
                    2
                } else {
                    3
                }]
                .into(),
                source: if i % 3 == 0 {
                    "合议".into()
                } else {
                    "2 名评查员的平均分".into()
                },
                reviewers: "李评、王评".into(),
            }
        })
        .collect();
    campaign_report(&CampaignReport {
        agency: "青禾市应急管理局",
        name: "2024年度交叉评查",
        year: 2024,
        date: "2024年12月1日",
        deadline: "2024年12月31日",
        reviewers: 6,
        drawn_cases: drawn,
        drawn_units: units.len(),
        per_case: 2,
        grades: grades.iter().map(|g| g.to_string()).collect(),
        cases: list,
        three_systems: vec![
            ("行政执法公示（按期公示）".into(), 40, 50),
            ("重大执法决定法制审核".into(), 9, 10),
        ],
        repeats: Vec::new(),
        problems: vec![(
            "1.2 调查、检查文书由两名以上执法人员签名".into(),
            12,
            "青禾应急罚〔2024〕3号".into(),
        )],
        agreement: vec![("总分一致率".into(), "0.812".into())],
        internal,
        templates: &templates,
        number: "评查通报〔2024〕3号",
        period: Some("2024年11月28日至12月1日".into()),
        official: &Default::default(),
    })
}

#[test]
fn a_report_issued_with_unscored_cases_says_so_on_its_first_page() {
    // #13 item 19: 1 of 10 scored, and the report read as if the campaign were complete.
    let doc = report_drawn(1, 10);
    let rendered = render_pdf_with(&doc, FontSet::bundled()).unwrap();
    let pdf = lopdf::Document::load_mem(&rendered.bytes).unwrap();
    let first: String = pdf
        .extract_text(&[1])
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(first.contains("已评1件") && first.contains("尚有9件未评"), "{first}");
    assert!(
        !report(40).plain_text().contains("未评"),
        "a complete campaign has no such note"
    );
}

#[test]
fn the_campaign_report_has_every_section() {
    let text = report(40).plain_text();
    for heading in [
        "一、基本情况",
        "二、评查结果",
        "三、三项制度落实情况",
        "四、好的做法",
        "五、存在的主要问题",
        "六、整改要求和建议",
        "附件1：案卷评查得分表",
    ] {
        assert!(text.contains(heading), "{heading}");
    }
    // #17: the reviewers' agreement is not in the 通报 sent to the units; the organiser's copy
    // carries it as an internal annex.
    assert!(!text.contains("一致性") && !text.contains("0.812"), "{text}");
    let internal = report_for(40, 40, true).plain_text();
    assert!(
        internal.contains("附件2：评查员一致性统计（内部附件，不随通报印发）")
            && internal.contains("总分一致率：0.812"),
        "{internal}"
    );
    assert!(text.contains("共抽取5个单位的行政执法案卷40件"), "{text}");
    assert!(text.contains("行政执法公示（按期公示） 40 50 80.0%"), "{text}");
}

fn pdf_text(bytes: &[u8]) -> String {
    match pingcha::import::extract_pdf_text(
        bytes,
        &pingcha::import::ImportLimits {
            max_pdf_text_bytes: 1 << 28,
            ..Default::default()
        },
    ) {
        pingcha::import::TextLayer::Text { text, .. } => text,
        other => panic!("no text layer: {other:?}"),
    }
}

#[test]
fn pdfs_embed_subset_fonts_keep_text_and_repeat_table_headers() {
    let doc = report(120);
    let rendered = render_pdf_with(&doc, FontSet::bundled()).unwrap();
    assert!(rendered.pages >= 5, "{} pages", rendered.pages);
    let pdf = lopdf::Document::load_mem(&rendered.bytes).unwrap();
    assert_eq!(pdf.get_pages().len() as u32, rendered.pages);
    // Fonts: embedded (a font file stream) and subset (tagged name).
    let mut names = Vec::new();
    let mut embedded = 0;
    for (_, object) in pdf.objects.iter() {
        if let Ok(dict) = object.as_dict() {
            if let Ok(name) = dict.get(b"BaseFont").and_then(|n| n.as_name()) {
                names.push(String::from_utf8_lossy(name).into_owned());
            }
            if dict.has(b"FontFile3") || dict.has(b"FontFile2") {
                embedded += 1;
            }
        }
    }
    // A 公文: 仿宋 body and 小标宋 title, here the bundled fallbacks (no system fonts asked).
    assert!(names.iter().any(|n| n.starts_with("PCHSRF+")), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("PCHSRB+")), "{names:?}");
    assert!(embedded >= 2, "body and title faces embedded");
    assert!(
        rendered.bytes.len() < 400_000,
        "subset, not the whole face: {} bytes",
        rendered.bytes.len()
    );
    // Text extractable; the appendix table's header on every page it spans.
    let text = pdf_text(&rendered.bytes);
    assert!(text.contains("关于2024年度交叉评查情况的通报"));
    assert!(text.contains("青禾应急罚〔2024〕120号"));
    let header_repeats = text.matches("计分方式").count();
    assert!(
        header_repeats >= 3,
        "the appendix header repeats on each page: {header_repeats}"
    );
    // The wide appendix table is on landscape pages; the report itself on portrait A4.
    let pages = pdf.get_pages();
    let media = |id: lopdf::ObjectId| -> (f32, f32) {
        let page = pdf.get_dictionary(id).unwrap();
        let b = page.get(b"MediaBox").unwrap().as_array().unwrap();
        let n = |o: &lopdf::Object| o.as_float().or_else(|_| o.as_i64().map(|v| v as f32)).unwrap();
        (n(&b[2]), n(&b[3]))
    };
    let first = media(*pages.values().next().unwrap());
    let last = media(*pages.values().last().unwrap());
    assert!(first.0 < first.1, "portrait first page {first:?}");
    assert!(last.0 > last.1, "landscape appendix {last:?}");
    // Deterministic.
    assert_eq!(
        render_pdf_with(&doc, FontSet::bundled()).unwrap().bytes,
        rendered.bytes,
        "byte-identical twice"
    );
}

#[test]
fn the_notice_pdf_matches_its_golden_file() {
    let bytes = render_pdf_with(&notice(), FontSet::bundled()).unwrap().bytes;
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/notice.pdf");
    if std::env::var_os("PINGCHA_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &bytes).unwrap();
    }
    let expected = std::fs::read(&golden).expect("golden file (PINGCHA_UPDATE_GOLDEN=1 writes it)");
    assert!(
        bytes == expected,
        "the notice PDF changed; rerun with PINGCHA_UPDATE_GOLDEN=1 if that is intended"
    );
}

#[test]
fn a_report_title_says_ping_cha_once() {
    // #17: no "评查…评查" doubled in titles.
    use pingcha::report::documents::report_title;
    assert_eq!(report_title("2024年度评查"), "2024年度评查报告");
    assert_eq!(report_title("2024年度行政执法案卷评查"), "2024年度行政执法案卷评查报告");
    assert_eq!(report_title("2024年度专项"), "2024年度专项评查报告");
}

/// Text sections of a page: (font size, x, y, fill colour) per shown string, from the content
/// stream.
fn text_runs(pdf: &lopdf::Document, page: u32) -> Vec<(f32, f32, f32, Vec<f32>, String)> {
    use lopdf::content::Content;
    let pages = pdf.get_pages();
    let id = pages[&page];
    let content = Content::decode(&pdf.get_page_content(id)).unwrap();
    let mut out = Vec::new();
    let (mut size, mut x, mut y, mut fill) = (0.0, 0.0, 0.0, vec![0.0, 0.0, 0.0]);
    let num = |o: &lopdf::Object| o.as_float().unwrap_or(0.0);
    for op in &content.operations {
        match op.operator.as_str() {
            "Tf" => size = num(&op.operands[1]),
            "Td" => {
                x = num(&op.operands[0]);
                y = num(&op.operands[1]);
            }
            "Tm" => {
                x = num(&op.operands[4]);
                y = num(&op.operands[5]);
            }
            "rg" => fill = op.operands.iter().map(num).collect(),
            "Tj" | "TJ" => out.push((size, x, y, fill.clone(), String::new())),
            _ => {}
        }
    }
    out
}

#[test]
fn the_notice_follows_the_gb_t_9704_layout() {
    // GB/T 9704-2012 §5.2.1: 版心 156 × 225 mm, 天头 37 mm, 订口 28 mm; §7: 发文机关标志 red,
    // 标题 二号 (22 pt), 正文 三号 (16 pt), page numbers 四号 (14 pt) at the outer edge.
    let bytes = render_pdf_with(&notice(), FontSet::bundled()).unwrap().bytes;
    let pdf = lopdf::Document::load_mem(&bytes).unwrap();
    let mm = 72.0 / 25.4;
    let left = 28.0 * mm;
    let right = 595.28 - 26.0 * mm;
    let first = text_runs(&pdf, 1);
    assert!(!first.is_empty());
    let red: Vec<_> = first
        .iter()
        .filter(|r| r.3.len() == 3 && r.3[0] > 0.8 && r.3[1] < 0.1)
        .collect();
    assert_eq!(red.len(), 1, "the 发文机关标志 alone is red: {first:?}");
    // Its top 35 mm under the type area's top (37 mm): baseline ≈ 72 mm + ascent from the top.
    let mark_top_from_page_top = 841.89 - red[0].2 - red[0].0 * 0.88;
    assert!(
        (mark_top_from_page_top - 72.0 * mm).abs() < 12.0,
        "标志 at {:.1} mm",
        mark_top_from_page_top / mm
    );
    let sizes: std::collections::BTreeSet<i32> = first.iter().map(|r| r.0.round() as i32).collect();
    assert!(
        sizes.contains(&22) && sizes.contains(&16),
        "title 二号 and body 三号: {sizes:?}"
    );
    // Body text starts at the 订口 and stays inside the type area.
    let body: Vec<_> = first.iter().filter(|r| (r.0 - 16.0).abs() < 0.01).collect();
    let min_x = body.iter().map(|r| r.1).fold(f32::MAX, f32::min);
    assert!((min_x - left).abs() < 0.5, "left edge {min_x} vs {left}");
    assert!(body.iter().all(|r| r.1 < right), "inside the type area");
    // Page numbers (四号, 14 pt): odd pages at the right, even pages at the left.
    let number_x = |page: u32| {
        text_runs(&pdf, page)
            .into_iter()
            .filter(|r| (r.0 - 14.0).abs() < 0.01)
            .map(|r| r.1)
            .next_back()
            .unwrap()
    };
    assert!(number_x(1) > 595.28 / 2.0, "odd page number at the right");
    if pdf.get_pages().len() > 1 {
        assert!(number_x(2) < 595.28 / 2.0, "even page number at the left");
    }
}
