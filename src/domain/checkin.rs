//! The monthly check-in: a pair says whether they met this month. Months are calendar months in
//! the intake's zone, written `YYYY-MM`.

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

use super::time::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    Met,
    NotYet,
    Help,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Met, Answer::NotYet, Answer::Help];

    /// As typed after `/checkin` and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Met => "met",
            Answer::NotYet => "not-yet",
            Answer::Help => "help",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Answer::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// `2026-12`: the month an instant falls in, in `zone`.
pub fn month_of(at: Timestamp, zone: Tz) -> String {
    let date = at.date_in(zone);
    format!("{:04}-{:02}", date.year(), date.month())
}

/// The first day of a `YYYY-MM` month.
pub fn first_day(month: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()
}

/// Whole calendar months from `from` to `to` (`2026-10` to `2026-12` is 2).
pub fn months_between(from: &str, to: &str) -> i32 {
    match (first_day(from), first_day(to)) {
        (Some(a), Some(b)) => (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32,
        _ => 0,
    }
}

/// How long a pair has gone without meeting: months since the last month they said they met,
/// or since the month they were paired.
pub fn quiet_months(last_met: Option<&str>, paired_month: &str, this_month: &str) -> i32 {
    months_between(last_met.unwrap_or(paired_month), this_month).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn months_are_local() {
        let new_year_in_auckland =
            Timestamp::from_utc(Utc.with_ymd_and_hms(2026, 12, 31, 12, 0, 0).unwrap());
        assert_eq!(
            month_of(new_year_in_auckland, chrono_tz::Pacific::Auckland),
            "2027-01"
        );
        assert_eq!(month_of(new_year_in_auckland, chrono_tz::UTC), "2026-12");
    }

    #[test]
    fn quiet_is_counted_in_months() {
        assert_eq!(months_between("2026-10", "2027-01"), 3);
        assert_eq!(quiet_months(Some("2026-11"), "2026-02", "2026-12"), 1);
        assert_eq!(quiet_months(None, "2026-10", "2026-12"), 2);
        assert_eq!(quiet_months(Some("2027-01"), "2026-10", "2026-12"), 0);
    }

    #[test]
    fn answers_round_trip() {
        for a in Answer::ALL {
            assert_eq!(Answer::parse(a.as_str()), Some(a));
        }
    }
}
