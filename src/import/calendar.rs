//! Reading holiday schedules (`assets/calendars/YYYY.toml`, or files the user adds) into
//! the domain's working-day calendar, with errors that name the file, field and line.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use super::error::{FieldProblem, ImportError};
use crate::domain::{WorkingCalendar, YearSchedule, parse_iso_date};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    source: String,
    off: Vec<[String; 2]>,
    work: Vec<String>,
}

/// Parses one year's schedule. `file` names it in messages.
pub fn parse_year_schedule(file: &str, text: &str) -> Result<YearSchedule, ImportError> {
    let parsed: YearFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| {
            let before = &text[..s.start.min(text.len())];
            (
                before.matches('\n').count() + 1,
                before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
            )
        });
        ImportError::Syntax {
            file: file.to_string(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    let mut problems = Vec::new();
    let year = parsed.year;
    // The line of a date as written (the schedule's values are plain strings, so their first
    // quoted occurrence is where they are).
    let line_of = |value: &str| {
        text.find(&format!("\"{value}\""))
            .map(|at| crate::domain::line_column(text, at).0)
    };
    let date = |problems: &mut Vec<FieldProblem>, field: &str, text: &str| -> Option<NaiveDate> {
        let message = match parse_iso_date(text) {
            Some(d) if d.year() == year => return Some(d),
            Some(_) => format!("{text} 不在 {year} 年"),
            None => format!("{text} 不是有效日期"),
        };
        problems.push(FieldProblem {
            field: field.into(),
            line: line_of(text),
            message,
        });
        None
    };
    let mut off = BTreeSet::new();
    for (i, [from, to]) in parsed.off.iter().enumerate() {
        let field = format!("off[{}]", i + 1);
        if let (Some(a), Some(b)) = (date(&mut problems, &field, from), date(&mut problems, &field, to)) {
            if a > b {
                problems.push(FieldProblem {
                    field,
                    line: line_of(from),
                    message: format!("起始 {a} 晚于结束 {b}"),
                });
                continue;
            }
            off.extend(a.iter_days().take_while(|d| *d <= b));
        }
    }
    let mut work = BTreeSet::new();
    for (i, day) in parsed.work.iter().enumerate() {
        if let Some(d) = date(&mut problems, &format!("work[{}]", i + 1), day) {
            work.insert(d);
        }
    }
    for d in &work {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            problems.push(FieldProblem {
                field: "work".into(),
                line: line_of(&d.format("%Y-%m-%d").to_string()),
                message: format!("{d} 不是周末，无需列为调休上班日"),
            });
        }
        if off.contains(d) {
            problems.push(FieldProblem {
                field: "work".into(),
                line: line_of(&d.format("%Y-%m-%d").to_string()),
                message: format!("{d} 同时列在放假日期中"),
            });
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Invalid {
            file: file.to_string(),
            problems,
        });
    }
    Ok(YearSchedule {
        year: parsed.year,
        source: parsed.source,
        off,
        work,
    })
}

/// The calendar of the bundled schedules (2019 onwards).
pub fn bundled_calendar() -> Result<WorkingCalendar, ImportError> {
    let schedules = crate::assets::CALENDARS
        .iter()
        .map(|(name, text)| parse_year_schedule(name, text))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(WorkingCalendar::new(schedules))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_iso_date(s).expect("date")
    }

    fn calendar() -> WorkingCalendar {
        bundled_calendar().expect("bundled schedules parse")
    }

    #[test]
    fn every_bundled_year_from_2019_to_2026_is_there() {
        let cal = calendar();
        for year in 2019..=2026 {
            assert!(cal.has_year(year), "{year}");
        }
        assert!(!cal.has_year(2027));
    }

    #[test]
    fn the_issue_examples_hold() {
        let cal = calendar();
        // 09-29 (Sunday) and 10-12 (Saturday) were working days.
        assert_eq!(cal.add_working_days(d("2024-09-27"), 7).value, d("2024-10-12"));
        assert_eq!(cal.add_working_days(d("2024-04-30"), 7).value, d("2024-05-13"));
        assert_eq!(cal.working_days_after(d("2024-09-27"), d("2024-10-14")).value, 8);
    }

    #[test]
    fn every_make_up_working_day_of_2019_to_2026_is_a_working_day() {
        let cal = calendar();
        for schedule in cal.years() {
            assert!(!schedule.work.is_empty(), "{}", schedule.year);
            for day in &schedule.work {
                assert!(cal.is_working_day(*day).value, "{day} (调休上班)");
                assert!(matches!(day.weekday(), Weekday::Sat | Weekday::Sun));
            }
            for day in &schedule.off {
                assert!(!cal.is_working_day(*day).value, "{day} (放假)");
            }
        }
        // Spot checks against the notices.
        for (day, working) in [
            ("2019-02-02", true),
            ("2019-05-04", false),
            ("2020-02-01", false),
            ("2020-01-19", true),
            ("2021-09-18", true),
            ("2022-04-02", true),
            ("2022-10-09", true),
            ("2023-06-25", true),
            ("2023-10-06", false),
            ("2024-02-18", true),
            ("2024-02-16", false),
            ("2025-02-08", true),
            ("2025-01-28", false),
            ("2025-10-08", false),
            ("2025-10-11", true),
            ("2026-02-28", true),
            ("2026-01-04", true),
            ("2026-10-07", false),
        ] {
            assert_eq!(cal.is_working_day(d(day)).value, working, "{day}");
        }
    }

    #[test]
    fn years_without_a_schedule_count_weekends_only_and_say_so() {
        let cal = calendar();
        let next = cal.add_working_days(d("2026-12-30"), 3);
        assert_eq!(
            next.value,
            d("2027-01-04"),
            "Thu 12-31, then Mon 01-04 and Tue 01-05 would be 1..3; 01-01 is Friday"
        );
        assert_eq!(next.unscheduled_years, BTreeSet::from([2027]));
        assert!(cal.add_working_days(d("2024-01-02"), 3).unscheduled_years.is_empty());
    }

    #[test]
    fn bad_schedules_are_refused_with_the_field() {
        let err = parse_year_schedule("2030.toml", "year = 2030\nsource = \"x\"\noff = [[\"2030-02-10\", \"2030-02-01\"]]\nwork = [\"2030-02-12\", \"2031-01-01\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("off[1]: 起始 2030-02-10 晚于结束 2030-02-01"), "{err}");
        assert!(err.contains("work[2]: 2031-01-01 不在 2030 年"), "{err}");
        assert!(err.contains("2030-02-12 不是周末"), "{err}");
        let err = parse_year_schedule("bad.toml", "year = 2030\nsource = \"x\"\noff = 3\nwork = []\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("bad.toml 第3行"), "{err}");
    }
}
