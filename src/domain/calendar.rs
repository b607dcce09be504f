//! The working-day calendar: 行政处罚法第八十五条 counts the "二日、三日、五日、七日" limits in
//! working days, excluding statutory holidays, and China moves weekends around (调休). A day
//! is a working day when it is a weekday not in a holiday period, or a weekend day the
//! schedule makes a working day. Years without a schedule are counted with weekends only,
//! and every answer says which years those were.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// One year's official arrangement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSchedule {
    /// The year.
    pub year: i32,
    /// The notice it comes from (国办发明电〔…〕).
    pub source: String,
    /// Days off in holiday periods (weekends inside them included).
    pub off: BTreeSet<NaiveDate>,
    /// Weekend days that are working days (调休上班).
    pub work: BTreeSet<NaiveDate>,
}

/// A date found by counting working days, with the years counted without a schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted<T> {
    /// The answer.
    pub value: T,
    /// Years the count passed through that have no schedule (weekends only).
    pub unscheduled_years: BTreeSet<i32>,
}

/// Working days by the official schedules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    years: BTreeMap<i32, YearSchedule>,
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

impl WorkingCalendar {
    /// A calendar of the given schedules (a later schedule for a year replaces an earlier one).
    pub fn new(schedules: impl IntoIterator<Item = YearSchedule>) -> Self {
        Self {
            years: schedules.into_iter().map(|s| (s.year, s)).collect(),
        }
    }

    /// The years with a schedule.
    pub fn years(&self) -> impl Iterator<Item = &YearSchedule> {
        self.years.values()
    }

    /// Whether `year` has a schedule.
    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Counted<bool> {
        let mut unscheduled_years = BTreeSet::new();
        let value = match self.years.get(&date.year()) {
            Some(s) => s.work.contains(&date) || (!is_weekend(date) && !s.off.contains(&date)),
            None => {
                unscheduled_years.insert(date.year());
                !is_weekend(date)
            }
        };
        Counted {
            value,
            unscheduled_years,
        }
    }

    /// The `n`-th working day after `start` (`start` itself not counted). For `n == 0`,
    /// `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Counted<NaiveDate> {
        let mut date = start;
        let mut left = n;
        let mut unscheduled_years = BTreeSet::new();
        while left > 0 {
            date += Duration::days(1);
            let day = self.is_working_day(date);
            unscheduled_years.extend(day.unscheduled_years);
            if day.value {
                left -= 1;
            }
        }
        Counted {
            value: date,
            unscheduled_years,
        }
    }

    /// How many working days lie after `start` up to and including `end` — the ordinal of
    /// `end` counted from `start` ("送达为第8个工作日"). Zero when `end <= start`.
    pub fn working_days_after(&self, start: NaiveDate, end: NaiveDate) -> Counted<u32> {
        let mut count = 0;
        let mut unscheduled_years = BTreeSet::new();
        let mut date = start;
        while date < end {
            date += Duration::days(1);
            let day = self.is_working_day(date);
            unscheduled_years.extend(day.unscheduled_years);
            if day.value {
                count += 1;
            }
        }
        Counted {
            value: count,
            unscheduled_years,
        }
    }
}
