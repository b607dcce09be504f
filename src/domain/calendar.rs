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

/// The unit of a period (期间).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodUnit {
    /// Calendar days (日).
    Days,
    /// Working days (工作日: 行政处罚法第八十五条, 行政强制法第六十九条).
    WorkingDays,
    /// Months (月).
    Months,
    /// Years (年).
    Years,
}

impl PeriodUnit {
    /// `日` / `个工作日` / `个月` / `年`, for messages ("15日", "7个工作日").
    pub fn suffix(self) -> &'static str {
        match self {
            Self::Days => "日",
            Self::WorkingDays => "个工作日",
            Self::Months => "个月",
            Self::Years => "年",
        }
    }
}

/// A period: so many days, working days, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// How many units.
    pub length: u32,
    /// Of what.
    pub unit: PeriodUnit,
}

impl Period {
    /// `n` calendar days.
    pub fn days(n: u32) -> Self {
        Self {
            length: n,
            unit: PeriodUnit::Days,
        }
    }
    /// `n` working days.
    pub fn working_days(n: u32) -> Self {
        Self {
            length: n,
            unit: PeriodUnit::WorkingDays,
        }
    }
    /// `n` months.
    pub fn months(n: u32) -> Self {
        Self {
            length: n,
            unit: PeriodUnit::Months,
        }
    }
    /// `n` years.
    pub fn years(n: u32) -> Self {
        Self {
            length: n,
            unit: PeriodUnit::Years,
        }
    }
}

/// The last day of a period, with the arithmetic that found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodEnd {
    /// The day the period runs from (not counted).
    pub start: NaiveDate,
    /// The period.
    pub period: Period,
    /// The last day by plain counting, before any roll-forward.
    pub nominal: NaiveDate,
    /// The last day of the period (after the roll-forward, if any).
    pub last_day: NaiveDate,
    /// Years the count passed through that have no schedule (weekends only).
    pub unscheduled_years: BTreeSet<i32>,
}

impl PeriodEnd {
    /// Whether the end was moved past a 法定休假日.
    pub fn rolled(&self) -> bool {
        self.last_day != self.nominal
    }

    /// How the last day was found: `第15日 2025-10-01 为法定休假日，顺延至 2025-10-09`, or
    /// `第15日为 2025-10-01` when nothing was rolled.
    pub fn explain(&self) -> String {
        let ordinal = match self.period.unit {
            PeriodUnit::Days => format!("第{}日", self.period.length),
            PeriodUnit::WorkingDays => format!("第{}个工作日", self.period.length),
            PeriodUnit::Months => format!("{}个月届满日", self.period.length),
            PeriodUnit::Years => format!("{}年届满日", self.period.length),
        };
        if self.rolled() {
            format!(
                "{ordinal} {} 为法定休假日，顺延至 {}",
                self.nominal.format("%Y-%m-%d"),
                self.last_day.format("%Y-%m-%d")
            )
        } else {
            format!("{ordinal}为 {}", self.last_day.format("%Y-%m-%d"))
        }
    }

    /// Whether `date` falls after the period (the act came late).
    pub fn is_late(&self, date: NaiveDate) -> bool {
        date > self.last_day
    }

    /// Calendar days `date` lies past the last day (0 when in time).
    pub fn days_late(&self, date: NaiveDate) -> i64 {
        (date - self.last_day).num_days().max(0)
    }
}

/// `date` plus `months` months; the last day of the month when the month is shorter
/// (民法典第二百零二条: 没有对应日的，月末日为期间的最后一日).
fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    let total = date.year() * 12 + date.month0() as i32 + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12) as u32);
    let mut day = date.day();
    loop {
        if let Some(d) = NaiveDate::from_ymd_opt(year, month0 + 1, day) {
            return d;
        }
        if day <= 28 {
            return date;
        }
        day -= 1;
    }
}

impl WorkingCalendar {
    /// Whether `date` is a 法定休假日: a weekend day that is not a make-up working day, or a
    /// day off in a holiday period.
    pub fn is_rest_day(&self, date: NaiveDate) -> Counted<bool> {
        let working = self.is_working_day(date);
        Counted {
            value: !working.value,
            unscheduled_years: working.unscheduled_years,
        }
    }

    /// The last day of `period` counted from `start` — the one function every rule uses.
    ///
    /// The start day is not counted (民法典第二百零一条). Working-day periods skip rest days
    /// (行政处罚法第八十五条; 行政强制法第六十九条). For periods in days, months or years, a
    /// last day that is a 法定休假日 moves to the first working day after it (民法典第二百零三条)
    /// when `roll_forward` is set.
    pub fn period_end(&self, start: NaiveDate, period: Period, roll_forward: bool) -> PeriodEnd {
        let mut unscheduled_years = BTreeSet::new();
        let nominal = match period.unit {
            PeriodUnit::WorkingDays => {
                let counted = self.add_working_days(start, period.length);
                unscheduled_years.extend(counted.unscheduled_years);
                counted.value
            }
            PeriodUnit::Days => start + Duration::days(i64::from(period.length)),
            PeriodUnit::Months => add_months(start, period.length),
            PeriodUnit::Years => add_months(start, period.length.saturating_mul(12)),
        };
        let mut last_day = nominal;
        if roll_forward && period.unit != PeriodUnit::WorkingDays {
            loop {
                let rest = self.is_rest_day(last_day);
                unscheduled_years.extend(rest.unscheduled_years);
                if !rest.value {
                    break;
                }
                last_day += Duration::days(1);
            }
        }
        PeriodEnd {
            start,
            period,
            nominal,
            last_day,
            unscheduled_years,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::domain::parse_iso_date(s).expect("date")
    }

    fn calendar() -> WorkingCalendar {
        crate::import::bundled_calendar().expect("bundled calendar")
    }

    #[test]
    fn fifteen_days_ending_on_the_national_day_roll_to_the_first_working_day_after_the_holiday() {
        // 民法典第二百零一条、第二百零三条: served 2025-09-16, the 15th day is 2025-10-01 (国庆),
        // the holiday runs to 10-08, so the period ends on 2025-10-09.
        let end = calendar().period_end(d("2025-09-16"), Period::days(15), true);
        assert_eq!(end.nominal, d("2025-10-01"));
        assert_eq!(end.last_day, d("2025-10-09"));
        assert_eq!(end.explain(), "第15日 2025-10-01 为法定休假日，顺延至 2025-10-09");
        assert!(!end.is_late(d("2025-10-09")), "the rolled last day is in time");
        assert!(end.is_late(d("2025-10-10")));
        assert_eq!(end.days_late(d("2025-10-10")), 1);
        // Without roll-forward (a setting for agency-side terms) the plain 15th day stands.
        let plain = calendar().period_end(d("2025-09-16"), Period::days(15), false);
        assert_eq!(plain.last_day, d("2025-10-01"));
    }

    #[test]
    fn a_last_day_on_a_weekend_rolls_but_a_make_up_saturday_does_not() {
        let cal = calendar();
        // 2025-10-11 is a Saturday made a working day (调休): no roll.
        let end = cal.period_end(d("2025-10-01"), Period::days(10), true);
        assert_eq!((end.nominal, end.last_day), (d("2025-10-11"), d("2025-10-11")));
        // 2025-10-18 is an ordinary Saturday: rolls to Monday 10-20.
        let end = cal.period_end(d("2025-10-08"), Period::days(10), true);
        assert_eq!((end.nominal, end.last_day), (d("2025-10-18"), d("2025-10-20")));
        // A Friday: no roll (the day before the weekend).
        let end = cal.period_end(d("2025-10-07"), Period::days(10), true);
        assert_eq!(end.last_day, d("2025-10-17"));
        assert!(!end.rolled());
    }

    #[test]
    fn working_day_periods_are_not_rolled_and_skip_holidays() {
        // 行政处罚法第八十五条: 2024-04-30 + 5 working days (05-01..05 off, 05-11 a make-up
        // Saturday) = 05-10.
        let end = calendar().period_end(d("2024-04-30"), Period::working_days(5), true);
        assert_eq!(end.last_day, d("2024-05-10"));
        assert!(!end.rolled());
        assert_eq!(end.explain(), "第5个工作日为 2024-05-10");
    }

    #[test]
    fn months_and_years_end_on_the_corresponding_day_or_the_month_end() {
        let cal = WorkingCalendar::default();
        // 民法典第二百零二条: no 31 June, so the month's last day.
        assert_eq!(
            cal.period_end(d("2024-05-31"), Period::months(1), false).last_day,
            d("2024-06-30")
        );
        assert_eq!(
            cal.period_end(d("2024-02-29"), Period::years(2), false).last_day,
            d("2026-02-28")
        );
        assert_eq!(
            cal.period_end(d("2022-03-01"), Period::years(2), false).last_day,
            d("2024-03-01")
        );
        assert_eq!(
            cal.period_end(d("2024-11-30"), Period::months(3), false).last_day,
            d("2025-02-28")
        );
    }
}
