//! The scoring engine and the checklist format: every deduction mode, caps, veto effects,
//! N/A modes, bands; precise validation errors; the bundled defaults; property tests.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // test code: a failed unwrap is a failed test; a scenario reads top to bottom

use pingcha::domain::{Checklist, Mark, MarkValue, NotApplicableMode, VetoEffect};
use pingcha::scoring::format::{Known, parse_checklist, to_toml, validate};
use pingcha::scoring::{ScoringError, bundled_checklists, bundled_library, evaluate};

/// A small checklist exercising every mode. Lines matter for the error tests below.
const SMALL: &str = r#"[checklist]
id = "t"
name = "测试标准"
version = 1
kinds = ["penalty"]
total = 20
veto_effect = "zero_score"
not_applicable = "full_marks"
bonus_enabled = true

[[bands]]
grade = "优秀"
min = 18

[[bands]]
grade = "合格"
min = 12

[[bands]]
grade = "不合格"
min = 0

[[veto]]
id = "V1"
text = "主体不合法"

[[veto]]
id = "V2"
text = "基本要素问题"
effect = "not_excellent"

[[sections]]
id = "S1"
name = "甲"
points = 10

[[sections.items]]
id = "1.1"
text = "定额"
points = 4
deduct = "fixed"

[[sections.items]]
id = "1.2"
text = "每处"
points = 3
deduct = "per_occurrence"
deduct_points = 1

[[sections.items]]
id = "1.3"
text = "视情况"
points = 3
deduct = "range"
deduct_min = 1
deduct_max = 3

[[sections]]
id = "S2"
name = "乙"
points = 10
floor_at_zero = false

[[sections.items]]
id = "2.1"
text = "不封顶的每处扣分"
points = 5
deduct = "per_occurrence"
deduct_points = 2
floor_at_zero = false

[[sections.items]]
id = "2.2"
text = "部分扣分"
points = 5
deduct = "fixed"
deduct_points = 2
rules = ["service_deadline"]

[[bonus]]
id = "B1"
text = "优秀做法"
points = 2
"#;

fn known() -> Known {
    Known::with_library(Vec::<&str>::new())
}

fn small() -> Checklist {
    parse_checklist("small.toml", SMALL, &known()).expect("valid")
}

fn mark(item: &str, value: MarkValue) -> Mark {
    Mark::new(item, value)
}

#[test]
fn no_marks_is_full_marks_and_top_grade() {
    let e = evaluate(&small(), &[]).expect("scores");
    assert_eq!(e.total, 20.0);
    assert_eq!(e.grade, "优秀");
    assert!(
        e.explanation.iter().any(|l| l.contains("总分20分")),
        "{:?}",
        e.explanation
    );
}

#[test]
fn fixed_deduction_takes_the_set_amount_once() {
    let c = small();
    let e = evaluate(&c, &[mark("1.1", MarkValue::Deduct(1.0))]).expect("scores");
    assert_eq!(
        e.item("1.1").expect("item").deducted,
        4.0,
        "扣全分 whatever amount is typed"
    );
    let e = evaluate(&c, &[mark("2.2", MarkValue::Count(3))]).expect("scores");
    assert_eq!(
        e.item("2.2").expect("item").deducted,
        2.0,
        "a set amount, not per occurrence"
    );
    assert_eq!(e.total, 18.0);
}

#[test]
fn per_occurrence_multiplies_and_stops_at_the_item() {
    let c = small();
    let e = evaluate(&c, &[mark("1.2", MarkValue::Count(2))]).expect("scores");
    assert_eq!(e.item("1.2").expect("item").score, 1.0);
    let e = evaluate(&c, &[mark("1.2", MarkValue::Count(5))]).expect("scores");
    let item = e.item("1.2").expect("item");
    assert_eq!((item.deducted, item.score, item.carried), (3.0, 0.0, 0.0));
    assert!(item.explanation.contains("扣完为止"), "{}", item.explanation);
}

#[test]
fn range_is_clamped_to_its_bounds() {
    let c = small();
    let at = |points| {
        evaluate(&c, &[mark("1.3", MarkValue::Deduct(points))])
            .expect("scores")
            .item("1.3")
            .expect("item")
            .deducted
    };
    assert_eq!(at(0.5), 1.0, "below the range: the minimum");
    assert_eq!(at(2.0), 2.0);
    assert_eq!(at(9.0), 3.0, "above the range: the maximum");
    assert_eq!(at(0.0), 0.0, "zero means no deduction");
}

#[test]
fn item_without_floor_carries_into_section_and_section_without_floor_into_total() {
    let c = small();
    // 2.1: 4 occurrences × 2 = 8 of 5 points: 3 carried to S2. S2 has 10 - 8 = 2 left.
    let e = evaluate(&c, &[mark("2.1", MarkValue::Count(4))]).expect("scores");
    let item = e.item("2.1").expect("item");
    assert_eq!((item.deducted, item.carried, item.score), (5.0, 3.0, 0.0));
    assert_eq!(e.sections[1].score, 2.0);
    // 7 occurrences = 14 of 5: 9 carried; S2 = 10 - 5 - 9 - 2 (2.2) = -6 → 0, 6 off the total.
    let e = evaluate(
        &c,
        &[mark("2.1", MarkValue::Count(7)), mark("2.2", MarkValue::Count(1))],
    )
    .expect("scores");
    assert_eq!(e.sections[1].score, 0.0);
    assert_eq!(e.sections[1].carried, 6.0);
    assert_eq!(e.total, 4.0, "S1 10 - 6 carried");
    assert!(
        e.sections[1].explanation.contains("从总分中扣除"),
        "{}",
        e.sections[1].explanation
    );
}

#[test]
fn section_with_floor_stops_at_zero() {
    let mut c = small();
    c.sections[1].floor_at_zero = true;
    let e = evaluate(
        &c,
        &[mark("2.1", MarkValue::Count(9)), mark("2.2", MarkValue::Count(1))],
    )
    .expect("scores");
    assert_eq!((e.sections[1].score, e.sections[1].carried), (0.0, 0.0));
    assert_eq!(e.total, 10.0);
}

#[test]
fn veto_effects() {
    let mut c = small();
    let marks = [mark("V1", MarkValue::VetoHit), mark("1.2", MarkValue::Count(1))];
    let e = evaluate(&c, &marks).expect("scores");
    assert_eq!((e.total, e.grade.as_str(), e.score_before_veto), (0.0, "不合格", 19.0));
    c.veto_effect = VetoEffect::FailKeepScore;
    let e = evaluate(&c, &marks).expect("scores");
    assert_eq!((e.total, e.grade.as_str()), (19.0, "不合格"));
    c.veto_effect = VetoEffect::NotExcellent;
    let e = evaluate(&c, &marks).expect("scores");
    assert_eq!(
        (e.total, e.grade.as_str()),
        (19.0, "合格"),
        "not the top band: the next one"
    );
    // A veto item's own effect; the strongest of several wins.
    let c = small();
    let e = evaluate(&c, &[mark("V2", MarkValue::VetoHit)]).expect("scores");
    assert_eq!((e.total, e.grade.as_str()), (20.0, "合格"));
    let e = evaluate(&c, &[mark("V2", MarkValue::VetoHit), mark("V1", MarkValue::VetoHit)]).expect("scores");
    assert_eq!((e.total, e.grade.as_str()), (0.0, "不合格"));
    assert_eq!(e.veto_hits, vec!["V1".to_string(), "V2".to_string()]);
    // A veto item marked 不涉及 is no hit.
    let e = evaluate(&c, &[mark("V1", MarkValue::NotApplicable)]).expect("scores");
    assert_eq!(e.veto_effect, None);
}

#[test]
fn not_applicable_full_marks_or_rescaled() {
    let mut c = small();
    let marks = [mark("1.1", MarkValue::NotApplicable), mark("1.2", MarkValue::Count(3))];
    let e = evaluate(&c, &marks).expect("scores");
    assert_eq!(e.total, 17.0, "N/A counts as full marks");
    c.not_applicable = NotApplicableMode::Rescale;
    let e = evaluate(&c, &marks).expect("scores");
    // 16 points remain, 13 scored: 13 × 20 / 16 = 16.25.
    assert_eq!(e.total, 16.25);
    assert_eq!(e.sections[0].max_points, 6.0);
    assert!(e.explanation.iter().any(|l| l.contains("折算")), "{:?}", e.explanation);
}

#[test]
fn bands_pick_the_highest_reached() {
    let c = small();
    let total = |marks: &[Mark]| evaluate(&c, marks).expect("scores");
    assert_eq!(
        total(&[mark("2.2", MarkValue::Count(1))]).grade,
        "优秀",
        "18 is 优秀 (≥)"
    );
    let e = total(&[mark("1.3", MarkValue::Deduct(3.0))]);
    assert_eq!((e.total, e.grade.as_str()), (17.0, "合格"));
    let e = total(&[mark("1.1", MarkValue::Count(1)), mark("2.1", MarkValue::Count(3))]);
    assert_eq!((e.total, e.grade.as_str()), (10.0, "不合格"));
}

#[test]
fn bonus_counts_only_when_enabled_and_never_beyond_the_total() {
    let mut c = small();
    let marks = [mark("1.2", MarkValue::Count(1)), mark("B1", MarkValue::Award(5.0))];
    let e = evaluate(&c, &marks).expect("scores");
    assert_eq!(
        (e.bonus, e.total),
        (2.0, 20.0),
        "bonus capped at its points, total at 20"
    );
    c.bonus_enabled = false;
    assert_eq!(evaluate(&c, &marks).expect("scores").total, 19.0);
}

#[test]
fn marks_that_do_not_fit_are_refused() {
    let c = small();
    assert_eq!(
        evaluate(&c, &[mark("9.9", MarkValue::Count(1))]),
        Err(ScoringError::UnknownItem("9.9".into()))
    );
    assert!(matches!(
        evaluate(&c, &[mark("1.1", MarkValue::VetoHit)]),
        Err(ScoringError::WrongKind { .. })
    ));
    assert!(matches!(
        evaluate(
            &c,
            &[mark("1.1", MarkValue::Count(1)), mark("1.1", MarkValue::Count(2))]
        ),
        Err(ScoringError::DuplicateItem(_))
    ));
    assert!(matches!(
        evaluate(&c, &[mark("1.3", MarkValue::Deduct(-1.0))]),
        Err(ScoringError::BadAmount(_))
    ));
}

/// Replaces `from` (which must occur once) in the small checklist and returns the errors.
fn errors_after(from: &str, to: &str) -> Vec<String> {
    assert_eq!(SMALL.matches(from).count(), 1, "{from}");
    let text = SMALL.replace(from, to);
    match parse_checklist("bad.toml", &text, &known()) {
        Ok(_) => Vec::new(),
        Err(e) => e.to_string().lines().map(str::to_string).collect(),
    }
}

#[test]
fn validation_names_file_line_and_item() {
    let line_of = |needle: &str| SMALL.lines().position(|l| l.contains(needle)).expect("line") + 1;
    // Duplicate id.
    let e = errors_after("id = \"1.3\"", "id = \"1.2\"");
    assert!(
        e.iter()
            .any(|m| m.starts_with("bad.toml: 第") && m.contains("[1.2]") && m.contains("重复")),
        "{e:?}"
    );
    // Points not adding up: named on the section's points line.
    let e = errors_after("text = \"视情况\"\npoints = 3", "text = \"视情况\"\npoints = 2");
    let section_line = SMALL.lines().position(|l| l == "id = \"S1\"").expect("S1") + 3;
    assert!(
        e.iter()
            .any(|m| m.contains(&format!("第{section_line}行 [S1] points")) && m.contains("合计9分")),
        "{e:?}"
    );
    // Bands out of order.
    let e = errors_after("min = 12", "min = 19");
    assert!(
        e.iter()
            .any(|m| m.contains(&format!("第{}行 [bands[2]] min", line_of("min = 12"))) && m.contains("从高到低")),
        "{e:?}"
    );
    // Unknown rule id, on its own line.
    let e = errors_after("rules = [\"service_deadline\"]", "rules = [\"service_late\"]");
    assert!(
        e.iter().any(
            |m| m.contains(&format!("第{}行 [2.2]", line_of("rules = [\"service_deadline\"]")))
                && m.contains("service_late")
        ),
        "{e:?}"
    );
    // A deduction larger than the item.
    let e = errors_after("deduct_max = 3", "deduct_max = 4");
    assert!(
        e.iter().any(
            |m| m.contains(&format!("第{}行 [1.3] deduct_max", line_of("deduct_max = 3")))
                && m.contains("大于本项分值")
        ),
        "{e:?}"
    );
    let e = errors_after("deduct_points = 2\nfloor", "deduct_points = 6\nfloor");
    assert!(
        e.iter()
            .any(|m| m.contains("[2.1]") && m.contains("每处扣6分大于本项分值5分")),
        "{e:?}"
    );
    // Unknown field and bad mode come from the reader, with their line.
    let e = errors_after("points = 5\ndeduct = \"fixed\"", "points = 5\ndeduct = \"flat\"");
    assert!(
        e.iter().any(|m| m.contains("[2.2] deduct") && m.contains("flat")),
        "{e:?}"
    );
    let e = errors_after("bonus_enabled = true", "bonus_enabled = true\ncolour = 1");
    assert!(e.iter().any(|m| m.contains("第10行") && m.contains("colour")), "{e:?}");
    // Unknown finding code when a library is given.
    let known = Known::with_library(["ZT-01"]);
    let text = SMALL.replace("rules = [\"service_deadline\"]", "findings = [\"ZT-99\"]");
    let err = parse_checklist("f.toml", &text, &known).expect_err("unknown code");
    assert!(err.to_string().contains("问题库中没有编号“ZT-99”"), "{err}");
    // An unknown case kind, on its line.
    let e = errors_after("kinds = [\"penalty\"]", "kinds = [\"penalty\", \"bogus\"]");
    assert!(
        e.iter()
            .any(|m| m.contains("第5行 checklist.kinds") && m.contains("未知的案件类型“bogus”")),
        "{e:?}"
    );
    // The lowest band must start at 0.
    let e = errors_after("grade = \"不合格\"\nmin = 0", "grade = \"不合格\"\nmin = 5");
    assert!(e.iter().any(|m| m.contains("最低分应为0")), "{e:?}");
}

#[test]
fn all_defaults_validate_and_round_trip() {
    let library = bundled_library().expect("library");
    assert!(library.len() >= 40, "{}", library.len());
    let defaults = bundled_checklists().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(defaults.len(), 5);
    let known = Known::with_library(library.iter().map(|e| e.code.as_str()));
    for c in &defaults {
        assert!(c.is_default);
        assert_eq!(c.total_points, 100.0, "{}", c.id);
        assert!(validate(c, &known).is_empty(), "{}", c.id);
        // Every scored item has a legal basis or a library entry; every veto item a basis.
        for v in &c.veto_items {
            assert!(!v.basis.is_empty(), "{} {}", c.id, v.id);
        }
        let again = parse_checklist("again.toml", &to_toml(c), &known).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&again, c, "{} survives export and import", c.id);
    }
    let names: Vec<&str> = defaults.iter().map(|c| c.name.as_str()).collect();
    assert!(names.contains(&"应急管理行政处罚案卷评查标准（普通程序）"), "{names:?}");
    assert!(names.contains(&"三项制度专项评查"), "{names:?}");
    // Both N/A modes and all three veto effects occur among the defaults.
    assert!(defaults.iter().any(|c| c.not_applicable == NotApplicableMode::Rescale));
    for effect in VetoEffect::ALL {
        assert!(defaults.iter().any(|c| c.veto_effect == effect), "{effect:?}");
    }
}

/// SplitMix64: reproducible randomness for the property tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Random marks on random items of `c`: deductions, counts, N/A, veto hits, awards.
fn random_marks(c: &Checklist, rng: &mut Rng) -> Vec<Mark> {
    let mut marks = Vec::new();
    for v in &c.veto_items {
        if rng.below(12) == 0 {
            marks.push(mark(&v.id, MarkValue::VetoHit));
        }
    }
    for s in &c.sections {
        for i in &s.items {
            let value = match rng.below(6) {
                0 => MarkValue::Deduct(rng.below(80) as f64 / 4.0),
                1 => MarkValue::Count(rng.below(9) as u32),
                2 => MarkValue::NotApplicable,
                _ => continue,
            };
            marks.push(mark(&i.id, value));
        }
    }
    for b in &c.bonus_items {
        if rng.below(3) == 0 {
            marks.push(mark(&b.id, MarkValue::Award(rng.below(20) as f64 / 4.0)));
        }
    }
    marks
}

fn variants() -> Vec<Checklist> {
    let mut all = bundled_checklists().expect("defaults");
    let base = small();
    for effect in VetoEffect::ALL {
        for mode in [NotApplicableMode::FullMarks, NotApplicableMode::Rescale] {
            for floors in [true, false] {
                let mut c = base.clone();
                c.veto_effect = effect;
                c.not_applicable = mode;
                for s in &mut c.sections {
                    s.floor_at_zero = floors;
                    for i in &mut s.items {
                        i.floor_at_zero = floors;
                    }
                }
                all.push(c);
            }
        }
    }
    all
}

#[test]
fn property_scores_stay_within_their_budgets() {
    let mut rng = Rng(0x5eed);
    for c in variants() {
        for _ in 0..300 {
            let marks = random_marks(&c, &mut rng);
            let e = evaluate(&c, &marks).expect("scores");
            assert!(e.total >= 0.0 && e.total <= c.total_points, "{} {}", c.id, e.total);
            for s in &e.sections {
                assert!(
                    s.score >= 0.0 && s.score <= s.max_points + 1e-9,
                    "{} {}",
                    c.id,
                    s.section
                );
                for i in &s.items {
                    assert!(i.score >= 0.0 && i.score <= i.max_points + 1e-9, "{} {}", c.id, i.item);
                    assert!(i.deducted >= 0.0 && i.carried >= 0.0);
                }
            }
        }
    }
}

#[test]
fn property_veto_always_has_its_effect() {
    let mut rng = Rng(7);
    for c in variants() {
        let Some(first) = c.veto_items.first() else { continue };
        for _ in 0..200 {
            let mut marks: Vec<Mark> = random_marks(&c, &mut rng)
                .into_iter()
                .filter(|m| m.item != first.id)
                .collect();
            marks.push(mark(&first.id, MarkValue::VetoHit));
            let e = evaluate(&c, &marks).expect("scores");
            let effect = e.veto_effect.expect("a hit has an effect");
            match effect {
                VetoEffect::ZeroScore => assert_eq!((e.total, e.grade.as_str()), (0.0, c.lowest_grade())),
                VetoEffect::FailKeepScore => {
                    assert_eq!(e.grade, c.lowest_grade());
                    assert_eq!(e.total, e.score_before_veto);
                }
                VetoEffect::NotExcellent => assert_ne!(e.grade, c.bands[0].grade),
            }
        }
    }
}

#[test]
fn property_rescaling_keeps_the_maximum_at_the_total() {
    let mut rng = Rng(99);
    for mut c in variants() {
        c.not_applicable = NotApplicableMode::Rescale;
        for _ in 0..200 {
            // Only N/A marks: whatever is removed, a clean case scores the full total.
            let marks: Vec<Mark> = c
                .sections
                .iter()
                .flat_map(|s| &s.items)
                .filter(|_| rng.below(3) == 0)
                .map(|i| mark(&i.id, MarkValue::NotApplicable))
                .collect();
            let e = evaluate(&c, &marks).expect("scores");
            assert!((e.total - c.total_points).abs() < 1e-6, "{} {}", c.id, e.total);
        }
    }
}

#[test]
fn property_order_of_marks_does_not_matter() {
    let mut rng = Rng(2024);
    for c in variants() {
        for _ in 0..100 {
            let marks = random_marks(&c, &mut rng);
            let expected = evaluate(&c, &marks).expect("scores");
            let mut shuffled = marks.clone();
            for i in (1..shuffled.len()).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                shuffled.swap(i, j);
            }
            assert_eq!(evaluate(&c, &shuffled).expect("scores"), expected, "{}", c.id);
        }
    }
}

#[test]
fn the_documented_example_validates() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/checklist-format.md")).unwrap();
    let start = doc.find("```toml\n").expect("example") + "```toml\n".len();
    let end = start + doc[start..].find("```").expect("end of example");
    let library = bundled_library().unwrap();
    let known = Known::with_library(library.iter().map(|e| e.code.as_str()));
    let c = parse_checklist("docs/checklist-format.md", &doc[start..end], &known).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.total_points, c.sections.len(), c.veto_items.len()), (20.0, 2, 2));
}

#[test]
fn a_checklist_exports_to_a_printable_xlsx() {
    use calamine::{Reader, Xlsx};
    let c = bundled_checklists().unwrap().remove(0);
    let bytes = pingcha::report::xlsx::checklist_xlsx(&c).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("评查标准").unwrap();
    let cells: Vec<String> = range.cells().map(|(_, _, v)| v.to_string()).collect();
    assert!(cells.iter().any(|v| v.contains(&c.name)), "title");
    for item in c.sections.iter().flat_map(|s| &s.items) {
        assert!(cells.iter().any(|v| v == &item.text), "{}", item.id);
    }
    assert!(cells.iter().any(|v| v.contains("否决项")));
    assert!(cells.iter().any(|v| v == "每处扣1分"));
}

#[test]
fn a_checklist_with_more_items_than_any_standard_is_refused_naming_the_cap() {
    // #19 item 5: a checklist with 100 000 veto entries took 227 s to validate.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/checklists/01-penalty-general.toml"
    ))
    .unwrap();
    let at = text.find("[[veto]]").unwrap();
    let known = pingcha::scoring::format::Known::with_library(Vec::<&str>::new());
    let with = |n: usize| {
        let extra: String = (0..n)
            .map(|i| format!("\n[[veto]]\nid = \"X{i}\"\ntext = \"否决{i}\"\n"))
            .collect();
        format!("{}{extra}{}", &text[..at], &text[at..])
    };
    let err = pingcha::scoring::format::parse_checklist("big.toml", &with(2_000), &known).unwrap_err();
    assert!(err.to_string().contains("超过上限 2000 个"), "{err}");
    // Within the cap the checklist reads (its own problems, if any, are about content).
    let ok = pingcha::scoring::format::parse_checklist("fits.toml", &with(1_000), &Default::default());
    assert!(ok.is_ok() || !ok.unwrap_err().to_string().contains("超过上限"));
}

/// A bundled checklist by id.
fn default_checklist(id: &str) -> Checklist {
    bundled_checklists()
        .unwrap()
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id}"))
}

/// The item whose basis cites `article` (exactly, as the law names it).
fn citing<'a>(c: &'a Checklist, article: &str) -> &'a pingcha::domain::Item {
    c.sections
        .iter()
        .flat_map(|s| &s.items)
        .find(|i| i.basis.contains(article))
        .unwrap_or_else(|| panic!("{}: no item cites {article}", c.id))
}

#[test]
fn the_general_procedure_weighs_substance_at_30_to_40_points() {
    // #17 §3: 定性、法律适用、裁量与处理 carry 30–40 of 100 points, each item on the article
    // that requires it.
    let c = default_checklist("yjcf-general");
    let substance = c
        .sections
        .iter()
        .find(|s| s.name.contains("实体"))
        .expect("a substance section");
    assert!(
        (30.0..=40.0).contains(&substance.points),
        "substance {} of {}",
        substance.points,
        c.total_points
    );
    for article in [
        "行政处罚法第四十条",                   // 查明事实、定性
        "行政处罚法第五十九条第一款第（三）项", // 种类和依据：援引到条款项
        "行政处罚法第三十四条",                 // 裁量基准
        "行政处罚法第四十五条第二款",           // 不因陈述申辩加重
        "安全生产法第九十四条",                 // 处罚到人
        "行政处罚法第二十八条第一款",           // 责令改正一并作出
        "行政处罚法第五十九条第一款第（五）项", // 复议诉讼途径和期限
    ] {
        assert!(
            substance.items.iter().any(|i| i.basis.contains(article)),
            "{article} is substance"
        );
    }
    // Procedure around the decision, outside the substance section.
    for article in [
        "行政处罚法第六十一条第二款",
        "行政强制法第五十三条",
        "行政处罚法第五十七条第二款",
    ] {
        let item = citing(&c, article);
        assert!(!substance.items.iter().any(|i| i.id == item.id), "{article}");
    }
    assert!(
        c.sections
            .iter()
            .flat_map(|s| &s.items)
            .any(|i| i.text.contains("结案"))
    );
    // 第四十二条 (two officers, qualified): V2 takes both automatic checks; 第四十四条 告知
    // and 第六十三条 听证 vetoes take theirs.
    let veto = |id: &str| c.veto_items.iter().find(|v| v.id == id).unwrap();
    assert!(veto("V2").rules.contains(&"two_officers".to_string()));
    assert!(veto("V2").rules.contains(&"certificate_valid".to_string()));
    assert_eq!(veto("V8").rules, ["notice_before_decision"]);
    assert_eq!(veto("V9").rules, ["hearing_right_notice"]);
}

#[test]
fn in_the_summary_procedure_an_unsealed_decision_is_a_deduction_not_a_veto() {
    // 行政处罚法第五十二条第二款: the 当场处罚决定书 is signed or sealed by the officers; no veto
    // asks for the agency's seal. 第四十二条 (two officers) and 第七十一条 (当场收缴 within two
    // days) are items.
    let c = default_checklist("yjcf-summary");
    assert!(
        !c.veto_items
            .iter()
            .any(|v| v.text.contains("印章") || v.rules.contains(&"decision_sealed".to_string())),
        "{:?}",
        c.veto_items
    );
    let signed = citing(&c, "行政处罚法第五十二条第二款");
    assert!(
        c.sections
            .iter()
            .flat_map(|s| &s.items)
            .any(|i| i.text.contains("签名或者盖章"))
    );
    assert!(signed.points > 0.0);
    assert!(
        c.sections
            .iter()
            .flat_map(|s| &s.items)
            .any(|i| i.basis.contains("行政处罚法第四十二条")
                && i.rules == ["two_officers"]
                && i.text.contains("两人"))
    );
    assert!(citing(&c, "行政处罚法第七十一条").text.contains("二日内"));
    // The other side: the general procedure keeps the seal veto of 第五十九条第二款.
    let general = default_checklist("yjcf-general");
    assert!(
        general
            .veto_items
            .iter()
            .any(|v| v.rules.contains(&"decision_sealed".to_string()) && v.basis.contains("第五十九条"))
    );
}

#[test]
fn inspection_and_seizure_checklists_stand_on_their_own_statutes() {
    // 行政检查 rests on 安全生产法 (第六十二条第二款 计划, 第六十五条 职权, 第六十七条 证件,
    // 第六十八条 记录), never on 行政处罚法.
    let c = default_checklist("yjjc-inspection");
    for item in c.sections.iter().flat_map(|s| &s.items) {
        assert!(!item.basis.contains("行政处罚法"), "{}: {}", item.id, item.basis);
    }
    for v in &c.veto_items {
        assert!(!v.basis.contains("行政处罚法"), "{}: {}", v.id, v.basis);
    }
    citing(&c, "安全生产法第六十二条第二款");
    citing(&c, "安全生产法第六十七条第二款");
    assert!(citing(&c, "安全生产法第六十五条第一款第（三）项").text.contains("恢复"));
    assert!(
        citing(&c, "安全生产法第六十五条第一款第（二）项")
            .text
            .contains("不以责令改正代替处罚")
    );
    assert!(
        c.sections
            .iter()
            .flat_map(|s| &s.items)
            .any(|i| i.text.contains("延长整改期限"))
    );
    assert!(
        c.sections
            .iter()
            .flat_map(|s| &s.items)
            .any(|i| i.text.contains("公示"))
    );

    // 查封扣押: the object within 安全生产法第六十五条第一款第（四）项, 行政强制法第二十五条第三款
    // (testing period told in writing), 第二十六条 (保管), 第十八条第（九）项 (witness).
    let c = default_checklist("yjqz-coercion");
    assert!(
        c.veto_items
            .iter()
            .any(|v| v.basis.contains("安全生产法第六十五条第一款第（四）项"))
    );
    citing(&c, "行政强制法第二十五条第三款");
    citing(&c, "行政强制法第二十六条");
    assert!(citing(&c, "行政强制法第十八条第（九）项").text.contains("见证人"));
    assert_eq!(citing(&c, "行政强制法第二十五条").rules, ["seizure_term"]);
}

#[test]
fn no_fact_is_deducted_twice_within_a_checklist() {
    // One automatic check suggests a deduction on one scored item of a checklist; 三项制度's
    // 公示 of a 处罚决定 (行政处罚法第四十八条) concerns penalties only.
    for c in bundled_checklists().unwrap() {
        let mut seen: std::collections::BTreeMap<&str, &str> = Default::default();
        for item in c.sections.iter().flat_map(|s| &s.items) {
            for rule in &item.rules {
                if let Some(first) = seen.insert(rule, &item.id) {
                    panic!("{}: rule {rule} on {first} and {}", c.id, item.id);
                }
            }
        }
    }
    let c = default_checklist("sxzd");
    let publication = citing(&c, "行政处罚法第四十八条");
    assert_eq!(publication.kinds, [pingcha::domain::CaseKind::Penalty]);
    assert!(publication.concerns(pingcha::domain::CaseKind::Penalty));
    assert!(!publication.concerns(pingcha::domain::CaseKind::Inspection));
    // The other items concern every kind.
    assert!(
        c.sections
            .iter()
            .flat_map(|s| &s.items)
            .filter(|i| i.id != publication.id)
            .all(|i| i.kinds.is_empty())
    );
}
