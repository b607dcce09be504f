//! The fictional agency (青禾市应急管理局) and how one case of it is planned: kind, unit,
//! industry, violation, party, officers, a consistent chain of dates, and its documents.
//!
//! Dates are chosen so that a clean case keeps every statutory limit even on the
//! working-day calendar: a gap of N calendar days never holds more than N working days, so
//! every short limit is met in calendar days with room to spare.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::SampleError;
use super::documents::{Ctx, DocSpec, content};
use super::names::{self, Rng};
use crate::domain::{
    Case, CaseKind, CaseOrigin, CollectiveDiscussion, DateKey, Decision, Document, LegalReview, Officer, Party,
    PartyKind, Penalty, PenaltyKind, Procedure, Recording, ReviewOpinion,
};
use crate::report::{Document as ReportDocument, render_pdf};

/// A violation pattern: facts, the article breached and the article that punishes it.
#[derive(Debug, Clone, Copy)]
pub struct Violation {
    /// Industries where it occurs.
    pub industries: &'static [&'static str],
    /// 案由 (short).
    pub cause: &'static str,
    /// What the inspectors found, `{place}` filled in.
    pub finding: &'static str,
    /// 违反的条款.
    pub violated: &'static str,
    /// 处罚依据.
    pub basis: &'static str,
    /// Statutory maximum fine for a first violation, yuan.
    pub max_fine_yuan: u64,
    /// Where it is found.
    pub places: &'static [&'static str],
    /// What must be put right.
    pub rectify: &'static str,
}

/// 安全生产法 (2021) violations common in a city 应急管理局's files.
pub const VIOLATIONS: &[Violation] = &[
    Violation {
        industries: &["危险化学品"],
        cause: "未按规定对重大危险源进行定期检测、评估",
        finding: "该单位{place}构成三级重大危险源，但未按规定进行定期检测、评估，最近一次检测报告已于上一年度到期",
        violated: "《中华人民共和国安全生产法》第四十条第一款",
        basis: "《中华人民共和国安全生产法》第一百零一条第（二）项",
        max_fine_yuan: 100_000,
        places: &["罐区", "甲类仓库", "液氨储罐区"],
        rectify: "委托具备资质的机构对重大危险源进行检测、评估，并建立重大危险源档案",
    },
    Violation {
        industries: &["危险化学品", "工贸"],
        cause: "进行动火作业未安排专门人员进行现场安全管理",
        finding: "该单位在{place}进行动火作业，未办理动火作业审批手续，现场未安排专门人员进行安全管理",
        violated: "《中华人民共和国安全生产法》第四十三条",
        basis: "《中华人民共和国安全生产法》第一百零一条第（三）项",
        max_fine_yuan: 100_000,
        places: &["检修车间", "管廊", "原料库房"],
        rectify: "立即停止违规动火作业，完善危险作业审批制度，作业时安排专人现场管理",
    },
    Violation {
        industries: &["危险化学品", "工贸", "非煤矿山", "烟花爆竹", "其他"],
        cause: "未建立事故隐患排查治理制度",
        finding: "该单位未建立生产安全事故隐患排查治理制度，无法提供隐患排查治理记录，{place}存在的隐患未登记",
        violated: "《中华人民共和国安全生产法》第四十一条第二款",
        basis: "《中华人民共和国安全生产法》第一百零一条第（五）项",
        max_fine_yuan: 100_000,
        places: &["生产车间", "作业现场", "仓储区"],
        rectify: "建立健全事故隐患排查治理制度，如实记录隐患排查治理情况并向从业人员通报",
    },
    Violation {
        industries: &["工贸", "危险化学品", "其他"],
        cause: "未按照规定对从业人员进行安全生产教育和培训",
        finding: "该单位{place}新入职从业人员3名，未经安全生产教育和培训即上岗作业，无培训记录",
        violated: "《中华人民共和国安全生产法》第二十八条第一款",
        basis: "《中华人民共和国安全生产法》第九十七条第（三）项",
        max_fine_yuan: 100_000,
        places: &["冲压车间", "包装车间", "装卸作业区"],
        rectify: "对全体从业人员开展安全生产教育和培训，考核合格后方可上岗，并如实记录培训情况",
    },
    Violation {
        industries: &["工贸", "非煤矿山", "危险化学品"],
        cause: "特种作业人员未按照规定经专门的安全作业培训并取得相应资格上岗作业",
        finding: "该单位{place}电焊作业人员1名未取得特种作业操作证，现场从事焊接作业",
        violated: "《中华人民共和国安全生产法》第三十条第一款",
        basis: "《中华人民共和国安全生产法》第九十七条第（七）项",
        max_fine_yuan: 100_000,
        places: &["焊接车间", "维修班组", "机修车间"],
        rectify: "立即停止无证人员从事特种作业，组织其参加专门培训并取得相应资格",
    },
    Violation {
        industries: &["工贸", "危险化学品", "非煤矿山", "烟花爆竹", "其他"],
        cause: "未按照规定制定生产安全事故应急救援预案或者未定期组织演练",
        finding: "该单位未按规定制定生产安全事故应急救援预案，{place}未组织过应急演练",
        violated: "《中华人民共和国安全生产法》第八十一条",
        basis: "《中华人民共和国安全生产法》第九十七条第（六）项",
        max_fine_yuan: 100_000,
        places: &["厂区", "作业现场"],
        rectify: "编制生产安全事故应急救援预案并按规定备案，定期组织演练",
    },
    Violation {
        industries: &["工贸", "危险化学品", "非煤矿山"],
        cause: "未对安全设备进行经常性维护、保养和定期检测",
        finding: "该单位{place}可燃气体检测报警仪未进行定期检测，部分探头故障未及时维修",
        violated: "《中华人民共和国安全生产法》第三十六条第二款",
        basis: "《中华人民共和国安全生产法》第九十九条第（三）项",
        max_fine_yuan: 50_000,
        places: &["配气间", "涂装车间", "泵房"],
        rectify: "对安全设备进行维护、保养并委托检测，建立安全设备维护检测台账",
    },
    Violation {
        industries: &["工贸", "危险化学品", "非煤矿山", "烟花爆竹"],
        cause: "未在有较大危险因素的生产经营场所设置明显的安全警示标志",
        finding: "该单位{place}存在较大危险因素，未设置明显的安全警示标志",
        violated: "《中华人民共和国安全生产法》第三十五条",
        basis: "《中华人民共和国安全生产法》第九十九条第（一）项",
        max_fine_yuan: 50_000,
        places: &["有限空间入口", "高处作业平台", "危险品库房"],
        rectify: "在有较大危险因素的场所和设施、设备上设置明显的安全警示标志",
    },
    Violation {
        industries: &["工贸", "非煤矿山"],
        cause: "未为从业人员提供符合国家标准或者行业标准的劳动防护用品",
        finding: "该单位{place}从业人员作业时未配备防尘口罩等劳动防护用品",
        violated: "《中华人民共和国安全生产法》第四十五条",
        basis: "《中华人民共和国安全生产法》第九十九条第（五）项",
        max_fine_yuan: 50_000,
        places: &["打磨车间", "破碎车间", "筛分作业区"],
        rectify: "为从业人员配备符合国家标准的劳动防护用品，并监督教育其正确佩戴使用",
    },
    Violation {
        industries: &["其他"],
        cause: "餐饮场所使用燃气未安装可燃气体报警装置",
        finding: "该单位{place}使用瓶装液化石油气，未安装可燃气体报警装置",
        violated: "《中华人民共和国安全生产法》第三十六条第四款",
        basis: "《中华人民共和国安全生产法》第九十九条第（八）项",
        max_fine_yuan: 50_000,
        places: &["后厨操作间", "燃气瓶组间"],
        rectify: "安装可燃气体报警装置并保障其正常使用",
    },
    Violation {
        industries: &["非煤矿山"],
        cause: "使用应当淘汰的危及生产安全的工艺、设备",
        finding: "该单位{place}仍在使用国家明令淘汰的危及生产安全的设备",
        violated: "《中华人民共和国安全生产法》第三十八条第三款",
        basis: "《中华人民共和国安全生产法》第九十九条第（七）项",
        max_fine_yuan: 50_000,
        places: &["采场", "提升系统"],
        rectify: "停止使用并更换淘汰设备",
    },
    Violation {
        industries: &["烟花爆竹", "危险化学品"],
        cause: "储存危险物品未建立专门安全管理制度、未采取可靠的安全措施",
        finding: "该单位{place}超量储存烟花爆竹产品，未建立专门的安全管理制度，未采取可靠的安全措施",
        violated: "《中华人民共和国安全生产法》第三十九条第二款",
        basis: "《中华人民共和国安全生产法》第一百零一条第（一）项",
        max_fine_yuan: 100_000,
        places: &["成品仓库", "零售点储存间"],
        rectify: "清理超量储存的危险物品，建立专门安全管理制度，落实可靠的安全措施",
    },
    Violation {
        industries: &["工贸", "危险化学品", "非煤矿山", "烟花爆竹", "其他"],
        cause: "未采取措施消除事故隐患",
        finding: "我局于前次检查中责令该单位限期消除{place}存在的事故隐患，复查时该隐患仍未消除",
        violated: "《中华人民共和国安全生产法》第四十一条第二款",
        basis: "《中华人民共和国安全生产法》第一百零二条",
        max_fine_yuan: 50_000,
        places: &["配电室", "除尘系统", "厂房安全出口"],
        rectify: "立即采取措施消除事故隐患",
    },
];

struct Unit {
    name: &'static str,
    industries: &'static [&'static str],
    districts: &'static [&'static str],
    officers: Vec<Officer>,
    issued: Vec<NaiveDate>,
}

/// The fictional agency and its running document counters.
pub struct World {
    rng: Rng,
    /// 市.
    pub city: &'static str,
    /// 执法主体.
    pub agency: String,
    /// Prefix of 文号 (`青禾应急`).
    pub code: &'static str,
    units: Vec<Unit>,
    counters: BTreeMap<(i32, &'static str), u32>,
    leaders: Vec<String>,
    legal_staff: Vec<(String, bool)>,
    calendar: crate::domain::WorkingCalendar,
}

/// A generated case: the case as `case.toml` states it and its files.
pub struct GeneratedCase {
    /// The case (documents carry their page counts).
    pub case: Case,
    /// (package-relative path, bytes) of every document.
    pub files: Vec<(String, Vec<u8>)>,
    /// Rule ids of the defects planted in it (empty for a clean case).
    pub defects: Vec<&'static str>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

fn add(date: NaiveDate, days: i64) -> NaiveDate {
    date + Duration::days(days)
}

/// Moves a date off Saturday and Sunday (inspections and approvals happen on weekdays).
fn weekday(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        Weekday::Sat => add(date, 2),
        Weekday::Sun => add(date, 1),
        _ => date,
    }
}

impl World {
    /// The agency for a seed: five units, their officers, leaders and legal staff.
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let plan: [(&'static str, &'static [&'static str], &'static [&'static str]); 5] = [
            ("执法一科", &["危险化学品", "烟花爆竹"], &["东城区", "西岭区"]),
            ("执法二科", &["工贸", "其他"], &["东城区", "南湖区"]),
            ("执法三科", &["非煤矿山"], &["北川县", "青禾县"]),
            (
                "执法支队一大队",
                &["工贸", "危险化学品", "其他"],
                &["西岭区", "南湖区", "青禾县"],
            ),
            ("执法支队二大队", &["烟花爆竹", "工贸", "其他"], &["北川县", "东城区"]),
        ];
        let mut used = std::collections::BTreeSet::new();
        let mut unique_person = |rng: &mut Rng| loop {
            let name = names::person(rng);
            if used.insert(name.clone()) {
                return name;
            }
        };
        let units = plan
            .iter()
            .enumerate()
            .map(|(u, (name, industries, districts))| {
                let count = rng.range(4, 6) as usize;
                let mut officers = Vec::new();
                let mut issued = Vec::new();
                for _ in 0..count {
                    officers.push(Officer {
                        name: unique_person(&mut rng),
                        certificate: format!("2110{u}{:06}", rng.range(100_000, 999_999)),
                        certificate_valid_until: Some(d(rng.range(2027, 2030) as i32, 12, 31)),
                    });
                    issued.push(d(
                        rng.range(2018, 2022) as i32,
                        rng.range(1, 12) as u32,
                        rng.range(1, 28) as u32,
                    ));
                }
                Unit {
                    name,
                    industries,
                    districts,
                    officers,
                    issued,
                }
            })
            .collect();
        let leaders = (0..4).map(|_| unique_person(&mut rng)).collect();
        let legal_staff = (0..3).map(|i| (unique_person(&mut rng), i != 2)).collect();
        Self {
            rng,
            city: "青禾市",
            agency: "青禾市应急管理局".into(),
            code: "青禾应急",
            units,
            counters: BTreeMap::new(),
            leaders,
            legal_staff,
            // Clean cases keep every working-day limit (行政处罚法第八十五条) even across holidays.
            calendar: crate::import::bundled_calendar().unwrap_or_default(),
        }
    }

    /// The next 文号 of a kind in a year: `青禾应急罚〔2024〕15号`.
    fn number(&mut self, year: i32, kind: &'static str) -> String {
        let n = self.counters.entry((year, kind)).or_insert(0);
        *n += 1;
        format!("{}{kind}〔{year}〕{n}号", self.code)
    }

    /// The officer registry (执法人员名册) as CSV.
    pub fn registry_csv(&self) -> String {
        let mut out = String::from("姓名,执法证号,单位,执法类别,发证日期,有效期至\n");
        for unit in &self.units {
            for (officer, issued) in unit.officers.iter().zip(&unit.issued) {
                let valid = officer
                    .certificate_valid_until
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                out.push_str(&format!(
                    "{},{},{}{},安全生产监督管理,{},{}\n",
                    officer.name,
                    officer.certificate,
                    self.agency,
                    unit.name,
                    issued.format("%Y-%m-%d"),
                    valid
                ));
            }
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Plan {
    General,
    Summary,
    Inspection,
    Coercion,
}

/// Collects a case's documents, renders their PDFs and records page counts.
struct Binder {
    specs: Vec<DocSpec>,
}

impl Binder {
    fn add(&mut self, spec: DocSpec) {
        self.specs.push(spec);
    }
}

fn spec(doc_type: &str, date: NaiveDate) -> DocSpec {
    DocSpec {
        doc_type: doc_type.to_string(),
        date,
        ..DocSpec::default()
    }
}

/// Plans and renders case number `index` of the world (a clean case).
pub fn generate_case(world: &mut World, index: usize) -> Result<GeneratedCase, SampleError> {
    generate_case_with(world, index, None)
}

/// Plans case number `index`, lets `planner` plant a defect in it, and renders it.
#[expect(
    clippy::too_many_lines,
    reason = "builds one fictional case step by step in procedural order"
)]
pub fn generate_case_with(
    world: &mut World,
    index: usize,
    planner: Option<&mut super::defects::DefectPlanner>,
) -> Result<GeneratedCase, SampleError> {
    let mut rng = world.rng.fork(index as u64);
    let roll = rng.range(0, 99);
    let plan = match roll {
        0..=44 => Plan::General,
        45..=59 => Plan::Summary,
        60..=87 => Plan::Inspection,
        _ => Plan::Coercion,
    };
    let unit_index = rng.range(0, world.units.len() as i64 - 1) as usize;
    let (unit_name, industry, district) = {
        let unit = &world.units[unit_index];
        (unit.name, *rng.pick(unit.industries), *rng.pick(unit.districts))
    };
    let candidates: Vec<&Violation> = VIOLATIONS.iter().filter(|v| v.industries.contains(&industry)).collect();
    let violation = **rng.pick(&candidates);
    let place = *rng.pick(violation.places);
    let year = *rng.pick(&[2023, 2024, 2024, 2025, 2025, 2026]);
    let last_month = if year == 2026 { 9 } else { 11 };
    let inspection = weekday(d(year, rng.range(1, last_month) as u32, rng.range(1, 28) as u32));

    // The party: mostly companies; individuals for small shops and summary cases.
    let individual = plan == Plan::Summary && rng.chance(0.5) || industry == "烟花爆竹" && rng.chance(0.3);
    let representative = names::person(&mut rng);
    let party = if individual {
        Party {
            name: representative.clone(),
            kind: Some(PartyKind::Individual),
            id_number: Some(names::id_card(&mut rng, "211002")),
            representative: None,
            address: Some(names::address(&mut rng, world.city, district)),
        }
    } else {
        Party {
            name: names::company(&mut rng, world.city, industry),
            kind: Some(PartyKind::Organization),
            id_number: Some(names::credit_code(&mut rng, "211000")),
            representative: Some(representative.clone()),
            address: Some(names::address(&mut rng, world.city, district)),
        }
    };

    // Two or three officers of the unit handle the case; documents carry two of them.
    let officers: Vec<Officer> = {
        let pool = &world.units[unit_index].officers;
        let first = rng.range(0, pool.len() as i64 - 1) as usize;
        let count = if rng.chance(0.3) { 3 } else { 2 };
        (0..count).map(|k| pool[(first + k) % pool.len()].clone()).collect()
    };
    let pair: Vec<String> = officers.iter().take(2).map(|o| o.certificate.clone()).collect();

    let kind = match plan {
        Plan::General | Plan::Summary => CaseKind::Penalty,
        Plan::Inspection => CaseKind::Inspection,
        Plan::Coercion => CaseKind::Coercion,
    };
    let number = match plan {
        Plan::General => world.number(year, "罚"),
        Plan::Summary => world.number(year, "简罚"),
        Plan::Inspection => world.number(year, "检"),
        Plan::Coercion => world.number(year, "强"),
    };
    let mut case = Case::new(number.clone(), kind, CaseOrigin::Package);
    case.procedure = match plan {
        Plan::General => Some(Procedure::General),
        Plan::Summary => Some(Procedure::Summary),
        _ => None,
    };
    case.agency = world.agency.clone();
    case.unit = unit_name.to_string();
    case.district = Some(district.to_string());
    case.industry = Some(industry.to_string());
    case.source = Some(
        rng.pick(&["现场检查", "现场检查", "现场检查", "举报投诉", "上级交办"])
            .to_string(),
    );
    case.harm = Some(false);
    case.officers = officers.clone();
    case.party = Some(party.clone());

    let mut binder = Binder { specs: Vec::new() };
    let mut ctx = Ctx {
        agency: world.agency.clone(),
        city: world.city.to_string(),
        unit: unit_name.to_string(),
        number: number.clone(),
        party: party.clone(),
        officers: officers
            .iter()
            .take(2)
            .map(|o| (o.name.clone(), o.certificate.clone()))
            .collect(),
        violation,
        place: place.to_string(),
        inspection,
        ..Ctx::default()
    };

    match plan {
        Plan::General => plan_general(world, &mut rng, &mut case, &mut ctx, &mut binder, &pair, year),
        Plan::Summary => plan_summary(&mut rng, &mut case, &mut ctx, &mut binder, &pair),
        Plan::Inspection => plan_inspection(world, &mut rng, &mut case, &mut ctx, &mut binder, &pair, year),
        Plan::Coercion => plan_coercion(world, &mut rng, &mut case, &mut ctx, &mut binder, &pair, year),
    }
    let planted = planner.and_then(|p| {
        let shape = super::defects::Shape {
            general: plan == Plan::General,
            summary: plan == Plan::Summary && ctx.fine.is_some(),
            coercion: plan == Plan::Coercion,
            major: case.decision.as_ref().and_then(|d| d.major) == Some(true),
            hearing: binder.specs.iter().any(|s| s.doc_type == "听证笔录"),
            waived: case.decision.as_ref().and_then(|d| d.hearing_waived) == Some(true),
            hearing_scope: case.decision.as_ref().is_some_and(|d| {
                let individual = case.party.as_ref().and_then(|p| p.kind) == Some(PartyKind::Individual);
                let large = if individual { 20_000.0 } else { 50_000.0 };
                d.fine_total_yuan() >= large || d.penalties.iter().any(|p| p.kind == PenaltyKind::Suspension)
            }),
        };
        p.choose(&super::defects::eligible(&shape))
    });
    if let Some(rule) = planted {
        super::defects::plant(rule, &mut case, &mut binder.specs, &world.calendar);
        if rule == "summary_procedure_limits" {
            ctx.fine = case.decision.as_ref().map(|d| d.fine_total_yuan() as u64);
        }
    }
    case.summary = Some(ctx.summary());
    ctx.title = case.title.clone();
    ctx.decision = case.decision.clone();

    // Render every document, numbering files in archive order.
    let mut files = Vec::new();
    for (i, spec) in binder.specs.iter().enumerate() {
        let subject = spec.subject.as_deref().map(|s| format!("（{s}）")).unwrap_or_default();
        let file = format!("docs/{:02}-{}{subject}.pdf", i + 1, spec.doc_type);
        let mut report = ReportDocument::new(format!("{} {}", spec.doc_type, number));
        report.running_header = Some(super::RUNNING_HEADER.into());
        report.blocks = content(spec, &ctx);
        let rendered = render_pdf(&report)?;
        case.documents.push(Document {
            doc_type: spec.doc_type.clone(),
            file: file.clone(),
            date: Some(spec.date),
            number: spec.number.clone(),
            pages: Some(rendered.pages),
            officers: spec.officers.clone(),
            party_signed: spec.party_signed,
            sealed: spec.sealed,
            serves: spec.serves.clone(),
            note: spec.note.clone(),
            approval: spec.approval,
            first_page: None,
        });
        files.push((file, rendered.bytes));
    }
    // Some dates are stated in [dates], the rest left to the documents (both paths occur).
    for key in [
        DateKey::Filed,
        DateKey::Decision,
        DateKey::DecisionServed,
        DateKey::Closed,
        DateKey::Inspection,
    ] {
        if rng.chance(0.6)
            && let Some(date) = case.document_date(key)
        {
            case.dates.insert(key, date);
        }
    }
    if let Some(rule) = planted {
        super::defects::plant_after(rule, &mut case);
    }
    Ok(GeneratedCase {
        case,
        files,
        defects: planted.into_iter().collect(),
    })
}

fn fine_for(rng: &mut Rng, violation: &Violation) -> u64 {
    // Fines are whole thousands, mostly in the lower half of the range (裁量基准).
    let max_thousands = (violation.max_fine_yuan / 1000) as i64;
    (rng.range(max_thousands / 10, max_thousands * 6 / 10).max(1) as u64) * 1000
}

#[allow(clippy::too_many_arguments)]
#[expect(
    clippy::too_many_lines,
    reason = "the 普通程序 steps in procedural order (立案 … 结案)"
)]
fn plan_general(
    world: &mut World,
    rng: &mut Rng,
    case: &mut Case,
    ctx: &mut Ctx,
    binder: &mut Binder,
    pair: &[String],
    year: i32,
) {
    let v = ctx.violation;
    let fine = fine_for(rng, &v);
    let discretion = if fine > v.max_fine_yuan / 2 {
        "一般"
    } else {
        *rng.pick(&["从轻", "一般", "一般"])
    };
    let suspension = fine >= 50_000 && rng.chance(0.15);
    let hearing_offered = fine >= 20_000 || suspension;
    let hearing = hearing_offered && rng.chance(0.3);
    // A decision after a hearing needs 法制审核 (行政处罚法第五十八条第一款第（二）项).
    let major = fine >= 50_000 || suspension || hearing;
    let waived = !hearing && rng.chance(0.25);
    case.title = format!("{}{}案", ctx.party.name, v.cause);
    ctx.fine = Some(fine);

    let inspection = ctx.inspection;
    let violation_date = add(inspection, -rng.range(0, 10));
    case.dates.insert(DateKey::Violation, violation_date);
    let filed = weekday(add(inspection, rng.range(1, 3)));
    let rectification_due = add(inspection, rng.range(10, 20));
    let rechecked = add(rectification_due, rng.range(1, 6));
    case.dates.insert(DateKey::RectificationDue, rectification_due);
    let inquiry = weekday(add(filed, rng.range(1, 3)));
    let investigation_ended = weekday(add(inquiry, rng.range(5, 15)));
    let notice = weekday(add(investigation_ended, rng.range(1, 3)));
    let notice_served = add(notice, rng.range(0, 2));
    let mut last = notice_served;
    let (mut hearing_date, mut hearing_request, mut hearing_notice_served) = (None, None, None);
    if hearing {
        let requested = add(notice_served, rng.range(1, 3));
        let hearing_notice = weekday(add(requested, rng.range(1, 3)));
        let served = add(hearing_notice, rng.range(0, 1));
        let held = weekday(add(served, 21));
        hearing_request = Some(requested);
        hearing_notice_served = Some((hearing_notice, served));
        hearing_date = Some(held);
        last = held;
    }
    let legal_review = weekday(add(last, rng.range(1, 3)));
    let discussion = weekday(add(legal_review, rng.range(1, 2)));
    // The 陈述申辩 / 听证 window (5 working days) must have passed: the 6th working day at the
    // earliest, and never sooner than two weeks.
    let earliest_decision = add(notice_served, 14).max(world.calendar.add_working_days(notice_served, 6).value);
    let decision = weekday(
        (if major {
            add(discussion, rng.range(1, 2))
        } else {
            add(last, rng.range(2, 4))
        })
        .max(earliest_decision),
    );
    // Past the 规章's 30-day 办案期限 the file carries the 负责人's approval to extend, given
    // within the first 30 days (原安监总局令第15号; figures unconfirmed, the settings' defaults).
    let term = world.calendar.period_end(filed, crate::domain::Period::days(30), true);
    let extension = (decision > term.last_day).then(|| weekday(add(filed, 20)).min(term.last_day));
    let decision_served = add(decision, rng.range(0, 3));
    let published = add(decision, rng.range(1, 5));
    let paid = add(decision_served, rng.range(3, 12));
    let closed = weekday(add(paid, rng.range(3, 10)));
    case.dates.insert(DateKey::Archived, add(closed, rng.range(5, 20)));
    ctx.dates = vec![
        ("立案", filed),
        ("调查终结", investigation_ended),
        ("告知", notice),
        ("决定", decision),
        ("送达", decision_served),
    ];

    let mut penalties = vec![Penalty {
        kind: PenaltyKind::Fine,
        amount_yuan: Some(fine as f64),
    }];
    if suspension {
        penalties.push(Penalty {
            kind: PenaltyKind::Suspension,
            amount_yuan: None,
        });
    }
    case.decision = Some(Decision {
        penalties,
        legal_basis: vec![v.basis.to_string()],
        violated: vec![v.violated.to_string()],
        discretion: Some(discretion.to_string()),
        served_on_spot: Some(false),
        hearing_offered: Some(hearing_offered),
        hearing_waived: Some(waived),
        major: Some(major),
        collective_discussion_required: Some(major),
    });
    ctx.hearing_offered = hearing_offered;
    ctx.discretion = discretion.to_string();

    binder.add(spec("案卷封面", closed));
    binder.add(spec("卷内目录", closed));
    if case.source.as_deref() != Some("现场检查") {
        binder.add(spec("案件来源登记表", add(filed, -1).max(inspection)).by(pair));
    }
    binder.add(spec("立案审批表", filed).by(pair).numbered(world.number(year, "立")));
    binder.add(
        spec("现场检查记录", inspection)
            .by(pair)
            .numbered(world.number(year, "检记"))
            .signed(),
    );
    binder.add(
        spec("责令限期整改指令书", inspection)
            .by(pair)
            .numbered(world.number(year, "责改"))
            .sealed()
            .signed(),
    );
    ctx.rectification_due = Some(rectification_due);
    // Every 责令限期整改 is followed by its 复查 (rectification_recheck).
    binder.add(
        spec("整改复查意见书", rechecked)
            .by(pair)
            .numbered(world.number(year, "复查"))
            .signed(),
    );
    ctx.rechecked = Some(rechecked);
    binder.add(
        spec("询问通知书", inquiry)
            .by(pair)
            .numbered(world.number(year, "询通"))
            .sealed(),
    );
    let interviewees = rng.range(1, 2);
    for k in 0..interviewees {
        let who = if k == 0 {
            case.party
                .as_ref()
                .and_then(|p| p.representative.clone())
                .unwrap_or_else(|| ctx.party.name.clone())
        } else {
            names::person(rng)
        };
        binder.add(spec("询问笔录", add(inquiry, k)).by(pair).signed().about(who));
    }
    if rng.chance(0.4) {
        binder.add(spec("勘验笔录", inspection).by(pair).signed());
    }
    binder.add(spec("证据材料", inspection));
    binder.add(spec("当事人身份证明", inquiry));
    if ctx.party.kind != Some(PartyKind::Individual) && rng.chance(0.5) {
        binder.add(spec("授权委托书", inquiry));
    }
    if let Some(approved) = extension {
        binder.add(
            spec("延长办案期限审批表", approved)
                .by(pair)
                .approved_by(crate::domain::ApprovalLevel::Head),
        );
    }
    binder.add(spec("案件调查报告", investigation_ended));
    binder.add(
        spec("行政处罚告知书", notice)
            .numbered(world.number(year, "告"))
            .sealed(),
    );
    binder.add(spec("送达回执", notice_served).signed().serving("行政处罚告知书"));
    if !waived && !hearing && rng.chance(0.4) {
        binder.add(spec("陈述申辩笔录", add(notice_served, 1)).by(pair).signed());
        binder.add(spec("复核意见", add(notice_served, 2)));
    }
    if let (Some(requested), Some((hearing_notice, served)), Some(held)) =
        (hearing_request, hearing_notice_served, hearing_date)
    {
        binder.add(spec("听证申请书", requested).signed());
        binder.add(
            spec("听证会通知书", hearing_notice)
                .numbered(world.number(year, "听通"))
                .sealed(),
        );
        binder.add(spec("送达回执", served).signed().serving("听证会通知书"));
        binder.add(spec("听证笔录", held).signed());
        binder.add(spec("听证会报告书", add(held, 1)));
        ctx.hearing = Some(held);
    }
    if major {
        let (reviewer, qualified) = world.legal_staff[rng.range(0, 1) as usize].clone();
        case.legal_review = Some(LegalReview {
            reviewer: Some(reviewer.clone()),
            qualified: Some(qualified),
            opinion: Some(ReviewOpinion::Agree),
        });
        ctx.reviewer = reviewer;
        binder.add(spec("重大执法决定法制审核意见书", legal_review));
        let attendees: Vec<String> = world.leaders.clone();
        case.collective_discussion = Some(CollectiveDiscussion {
            chair: Some(attendees[0].clone()),
            attendees: attendees.clone(),
        });
        ctx.attendees = attendees;
        binder.add(spec("集体讨论记录", discussion));
    }
    binder.add(spec("案件处理呈批表", add(decision, -1).max(discussion.min(decision))));
    binder.add(spec("行政处罚决定书", decision).numbered(case.number.clone()).sealed());
    binder.add(spec("送达回执", decision_served).signed().serving("行政处罚决定书"));
    binder.add(spec("罚款缴纳凭证", paid));
    binder.add(spec("处罚信息公示记录", published));
    if rng.chance(0.7) {
        binder.add(spec("音像记录登记表", inspection));
        case.recordings.push(Recording {
            stage: "现场检查".into(),
            date: Some(inspection),
            file: None,
            duration_seconds: Some(rng.range(600, 3600) as u64),
        });
    }
    binder.add(spec("结案审批表", closed));
    binder.add(spec("备考表", closed));
    ctx.decision_date = Some(decision);
    ctx.paid = Some(paid);
}

fn plan_summary(rng: &mut Rng, case: &mut Case, ctx: &mut Ctx, binder: &mut Binder, pair: &[String]) {
    let individual = ctx.party.kind == Some(PartyKind::Individual);
    // 行政处罚法第五十一条: 当场处罚 up to 200 yuan (individuals) / 3,000 yuan (organisations).
    let warning_only = rng.chance(0.2);
    let fine = if warning_only {
        0
    } else if individual {
        50 * rng.range(1, 4) as u64
    } else {
        500 * rng.range(1, 6) as u64
    };
    let v = ctx.violation;
    case.title = format!("{}{}案（简易程序）", ctx.party.name, v.cause);
    let decision = ctx.inspection;
    let paid = add(decision, rng.range(0, 10));
    let published = add(decision, rng.range(1, 5));
    case.dates.insert(DateKey::Violation, decision);
    let penalty = if warning_only {
        Penalty {
            kind: PenaltyKind::Warning,
            amount_yuan: None,
        }
    } else {
        Penalty {
            kind: PenaltyKind::Fine,
            amount_yuan: Some(fine as f64),
        }
    };
    case.decision = Some(Decision {
        penalties: vec![penalty],
        legal_basis: vec![v.basis.to_string(), "《中华人民共和国行政处罚法》第五十一条".into()],
        violated: vec![v.violated.to_string()],
        discretion: Some("从轻".into()),
        served_on_spot: Some(true),
        hearing_offered: Some(false),
        hearing_waived: None,
        major: Some(false),
        collective_discussion_required: Some(false),
    });
    ctx.fine = (!warning_only).then_some(fine);
    ctx.decision_date = Some(decision);
    ctx.discretion = "从轻".into();
    binder.add(spec("案卷封面", add(published, 3)));
    binder.add(spec("卷内目录", add(published, 3)));
    binder.add(spec("现场检查记录", decision).by(pair).signed());
    binder.add(spec("当事人身份证明", decision));
    binder.add(
        spec("行政处罚决定书", decision)
            .by(pair)
            .numbered(case.number.clone())
            .sealed()
            .signed()
            .noted("当场交付当事人签收"),
    );
    if !warning_only {
        binder.add(spec("罚款缴纳凭证", paid));
        ctx.paid = Some(paid);
    }
    binder.add(spec("处罚信息公示记录", published));
}

#[allow(clippy::too_many_arguments)]
fn plan_inspection(
    world: &mut World,
    rng: &mut Rng,
    case: &mut Case,
    ctx: &mut Ctx,
    binder: &mut Binder,
    pair: &[String],
    year: i32,
) {
    let v = ctx.violation;
    case.title = format!("对{}的安全生产监督检查", ctx.party.name);
    let inspection = ctx.inspection;
    let plan_date = weekday(add(inspection, -rng.range(3, 10)));
    binder.add(spec("案卷封面", add(inspection, 40)));
    binder.add(spec("卷内目录", add(inspection, 40)));
    binder.add(spec("现场检查方案", plan_date));
    binder.add(
        spec("现场检查记录", inspection)
            .by(pair)
            .numbered(world.number(year, "检记"))
            .signed(),
    );
    let found = rng.chance(0.8);
    ctx.found_hazard = found;
    if found {
        if rng.chance(0.2) {
            binder.add(
                spec("现场处理措施决定书", inspection)
                    .by(pair)
                    .numbered(world.number(year, "现决"))
                    .sealed()
                    .signed(),
            );
        }
        let due = add(inspection, rng.range(7, 30));
        let rechecked = add(due, rng.range(1, 8));
        case.dates.insert(DateKey::RectificationDue, due);
        ctx.rectification_due = Some(due);
        ctx.rechecked = Some(rechecked);
        binder.add(
            spec("责令限期整改指令书", inspection)
                .by(pair)
                .numbered(world.number(year, "责改"))
                .sealed()
                .signed(),
        );
        binder.add(
            spec("整改复查意见书", rechecked)
                .by(pair)
                .numbered(world.number(year, "复查"))
                .signed(),
        );
    }
    if rng.chance(0.6) {
        binder.add(spec("音像记录登记表", inspection));
        case.recordings.push(Recording {
            stage: "现场检查".into(),
            date: Some(inspection),
            file: None,
            duration_seconds: Some(rng.range(600, 2400) as u64),
        });
    }
    binder.add(spec("备考表", add(inspection, 40)));
    let _ = v;
}

#[allow(clippy::too_many_arguments)]
fn plan_coercion(
    world: &mut World,
    rng: &mut Rng,
    case: &mut Case,
    ctx: &mut Ctx,
    binder: &mut Binder,
    pair: &[String],
    year: i32,
) {
    let v = ctx.violation;
    case.title = format!("对{}{}涉案物品查封扣押案", ctx.party.name, ctx.place);
    let inspection = ctx.inspection;
    let seized = inspection;
    let served = seized;
    // 行政强制法第二十五条: 30 days; released well within them, after the equipment is replaced.
    let term = world.calendar.period_end(seized, crate::domain::Period::days(30), true);
    let released = weekday(add(seized, rng.range(10, 24))).min(term.last_day);
    let closed = weekday(add(released, rng.range(1, 4)));
    ctx.rectification_due = Some(released);
    binder.add(spec("案卷封面", add(closed, 3)));
    binder.add(spec("卷内目录", add(closed, 3)));
    binder.add(
        spec("现场检查记录", inspection)
            .by(pair)
            .numbered(world.number(year, "检记"))
            .signed(),
    );
    binder.add(spec("现场笔录", seized).by(pair).signed());
    binder.add(
        spec("查封扣押决定书", seized)
            .by(pair)
            .numbered(world.number(year, "查扣"))
            .sealed()
            .signed(),
    );
    binder.add(spec("查封扣押清单", seized).by(pair).signed());
    binder.add(spec("送达回执", served).signed().serving("查封扣押决定书"));
    if rng.chance(0.5) {
        binder.add(spec("检测鉴定报告", add(seized, rng.range(3, 8)).min(released)));
    }
    binder.add(
        spec("解除查封扣押决定书", released)
            .numbered(world.number(year, "解封"))
            .sealed(),
    );
    binder.add(spec("送达回执", released).signed().serving("解除查封扣押决定书"));
    binder.add(spec("音像记录登记表", seized));
    case.recordings.push(Recording {
        stage: "查封扣押".into(),
        date: Some(seized),
        file: None,
        duration_seconds: Some(rng.range(900, 3600) as u64),
    });
    binder.add(spec("结案审批表", closed));
    binder.add(spec("备考表", add(closed, 3)));
    ctx.seized_until = Some(term.nominal);
    let _ = v;
}
