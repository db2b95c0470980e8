//! Schedules: a cron expression in an IANA zone, and the instants it fires at. Coordinators write
//! crontab(5) syntax (5 fields, or 6 with seconds first); we translate day-of-week numbers to the
//! cron crate's own numbering and settle daylight-saving edge cases here, once:
//! a local time that does not exist that day moves to the next valid time (a monthly check-in
//! must never vanish), and a local time that happens twice fires once.

// A parser of what coordinators type: nothing here may panic on any input.
#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use super::time::Timestamp;

/// The default check-in schedule of a new intake: the first Monday of the month at 10:00.
pub const DEFAULT_CHECKIN_CRON: &str = "0 10 1-7 * MON";

/// What a schedule sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScheduleKind {
    /// The monthly check-in prompt in every pair's space; its target is an intake.
    Checkin,
}

impl ScheduleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleKind::Checkin => "checkin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "checkin" => Some(ScheduleKind::Checkin),
            _ => None,
        }
    }
}

/// A parsed cron expression, as typed and as the cron crate reads it.
#[derive(Debug, Clone)]
pub struct Cron {
    typed: String,
    schedule: cron::Schedule,
}

/// Why a cron expression was refused, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CronError {
    #[error(
        "it has {0} fields; write 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)"
    )]
    FieldCount(usize),
    #[error(
        "the day of the week \"{0}\" isn't one I know: use 0-7 (0 and 7 are Sunday) or MON, TUE …"
    )]
    DayOfWeek(String),
    #[error("{0}")]
    Invalid(String),
    #[error("it never fires")]
    Never,
}

const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl Cron {
    pub fn parse(typed: &str) -> Result<Cron, CronError> {
        let typed = typed.split_whitespace().collect::<Vec<_>>().join(" ");
        let fields: Vec<&str> = typed.split(' ').collect();
        let mut six: Vec<String> = match fields.len() {
            5 => std::iter::once("0")
                .chain(fields.iter().copied())
                .map(String::from)
                .collect(),
            6 => fields.iter().map(|f| f.to_string()).collect(),
            n => return Err(CronError::FieldCount(n)),
        };
        if let Some(day_of_week) = six.last_mut() {
            *day_of_week = day_of_week_field(day_of_week)?;
        }
        let schedule = cron::Schedule::from_str(&six.join(" "))
            .map_err(|e| CronError::Invalid(e.to_string()))?;
        let cron = Cron { typed, schedule };
        // A check the coordinator would want: `0 0 31 2 *` parses but never comes.
        if cron.schedule.upcoming(Utc).next().is_none() {
            return Err(CronError::Never);
        }
        Ok(cron)
    }

    pub fn as_str(&self) -> &str {
        &self.typed
    }

    /// The instants after `after` at which the schedule fires in `zone`, in order, each once.
    pub fn occurrences_after(
        &self,
        after: Timestamp,
        zone: Tz,
    ) -> impl Iterator<Item = Timestamp> + '_ {
        // Walk the wall clock (local times as if they were UTC), then place each on the zone's
        // timeline. Starting three hours early covers a start inside a repeated hour
        // (the longest DST shift is an hour; the margin is cheap).
        let local_start = after.to_utc().with_timezone(&zone).naive_local() - Duration::hours(3);
        let mut last = after;
        self.schedule
            .after(&Utc.from_utc_datetime(&local_start))
            .map(move |wall| place_local(wall.naive_utc(), zone))
            .filter(move |at| {
                let new = *at > last;
                if new {
                    last = *at;
                }
                new
            })
    }
}

impl std::fmt::Display for Cron {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.typed)
    }
}

/// A wall-clock time in `zone` as an instant: the earlier of a repeated time, and the first valid
/// minute after a skipped one.
fn place_local(wall: NaiveDateTime, zone: Tz) -> Timestamp {
    for minutes in 0..=24 * 60 {
        let candidate = wall + Duration::minutes(minutes);
        let candidate = if minutes == 0 {
            candidate
        } else {
            candidate.with_second(0).unwrap_or(candidate)
        };
        if let Some(at) = zone.from_local_datetime(&candidate).earliest() {
            return Timestamp::from_utc(at.with_timezone(&Utc));
        }
    }
    Timestamp::from_utc(DateTime::<Utc>::from_naive_utc_and_offset(wall, Utc))
}

/// Rewrites a crontab(5) day-of-week field (0-7, 0 and 7 Sunday, names, ranges, steps) as the
/// list of day names the cron crate reads unambiguously.
fn day_of_week_field(field: &str) -> Result<String, CronError> {
    if field == "*" || field == "?" {
        return Ok(field.to_string());
    }
    let mut days = [false; 7];
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<usize>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| CronError::DayOfWeek(item.into()))?,
            ),
            None => (item, 1),
        };
        let (start, end) = match range {
            "*" => (0, 6),
            _ => match range.split_once('-') {
                Some((a, b)) => (day_number(a)?, day_number(b)?),
                None => {
                    let d = day_number(range)?;
                    (d, if step > 1 { 6 } else { d })
                }
            },
        };
        if end < start {
            return Err(CronError::DayOfWeek(item.into()));
        }
        for d in (start..=end).step_by(step) {
            if let Some(day) = days.get_mut(d % 7) {
                *day = true;
            }
        }
    }
    Ok(DAY_NAMES
        .iter()
        .zip(days)
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(","))
}

fn day_number(text: &str) -> Result<usize, CronError> {
    if let Ok(n) = text.parse::<usize>() {
        return if n <= 7 {
            Ok(n)
        } else {
            Err(CronError::DayOfWeek(text.into()))
        };
    }
    // Compared whole, never sliced: a typed word may hold characters of any width ("aaé").
    let upper = text.to_uppercase();
    DAY_NAMES
        .iter()
        .position(|d| upper == *d)
        .or_else(|| FULL_DAY_NAMES.iter().position(|d| upper == *d))
        .ok_or_else(|| CronError::DayOfWeek(text.into()))
}

/// Day names written out, in the order of [`DAY_NAMES`].
const FULL_DAY_NAMES: [&str; 7] = [
    "SUNDAY",
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
];

/// Waiting time before retry number `attempt` (1-based): exponential from 30 s, capped at an
/// hour, never shorter than what the platform asked for.
pub fn backoff(attempt: u32, platform_asks: Option<std::time::Duration>) -> std::time::Duration {
    let exponential = std::time::Duration::from_secs(
        30u64.saturating_mul(1u64 << attempt.saturating_sub(1).min(7)),
    );
    let ours = exponential.min(std::time::Duration::from_secs(3600));
    platform_asks.map_or(ours, |asked| ours.max(asked))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Timestamp {
        Timestamp::from_utc(Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap())
    }

    fn next(cron: &str, after: Timestamp, zone: Tz, n: usize) -> Vec<String> {
        Cron::parse(cron)
            .unwrap()
            .occurrences_after(after, zone)
            .take(n)
            .map(|t| {
                t.to_utc()
                    .with_timezone(&zone)
                    .format("%Y-%m-%d %H:%M %Z")
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn first_monday_of_the_month() {
        let got = next(
            DEFAULT_CHECKIN_CRON,
            at(2026, 11, 28, 0, 0),
            chrono_tz::Australia::Sydney,
            3,
        );
        assert_eq!(
            got,
            [
                "2026-12-07 10:00 AEDT",
                "2027-01-04 10:00 AEDT",
                "2027-02-01 10:00 AEDT"
            ]
        );
    }

    #[test]
    fn day_of_week_numbers_follow_crontab() {
        assert_eq!(day_of_week_field("0").unwrap(), "SUN");
        assert_eq!(day_of_week_field("7").unwrap(), "SUN");
        assert_eq!(day_of_week_field("1-5").unwrap(), "MON,TUE,WED,THU,FRI");
        assert_eq!(day_of_week_field("5-7").unwrap(), "SUN,FRI,SAT");
        assert_eq!(day_of_week_field("MON,wed").unwrap(), "MON,WED");
        assert_eq!(day_of_week_field("*/2").unwrap(), "SUN,TUE,THU,SAT");
        assert_eq!(day_of_week_field("Monday").unwrap(), "MON");
        assert!(day_of_week_field("8").is_err());
        assert!(day_of_week_field("FUNDAY").is_err());
        assert!(
            day_of_week_field("aaé").is_err(),
            "no panic on a multi-byte word"
        );
        assert!(Cron::parse("0 10 * * aaé").is_err());
        // Sunday as 0 and as 7 mean the same.
        let zone = chrono_tz::UTC;
        assert_eq!(
            next("0 9 * * 0", at(2026, 11, 28, 0, 0), zone, 1),
            next("0 9 * * 7", at(2026, 11, 28, 0, 0), zone, 1)
        );
        assert_eq!(
            next("0 9 * * 0", at(2026, 11, 28, 0, 0), zone, 1),
            ["2026-11-29 09:00 UTC"]
        );
    }

    #[test]
    fn six_fields_have_seconds_first() {
        let got = next("30 0 10 * * MON", at(2026, 11, 28, 0, 0), chrono_tz::UTC, 1);
        assert_eq!(got, ["2026-11-30 10:00 UTC"]);
        assert_eq!(
            Cron::parse("0 10 * *").unwrap_err(),
            CronError::FieldCount(4)
        );
        assert!(matches!(
            Cron::parse("0 25 * * *"),
            Err(CronError::Invalid(_))
        ));
        assert_eq!(Cron::parse("0 0 31 2 *").unwrap_err(), CronError::Never);
    }

    #[test]
    fn a_skipped_local_time_moves_to_the_next_valid_one() {
        // Sydney springs forward on Sun 4 Oct 2026 at 02:00 → 03:00; Auckland on Sun 27 Sep 2026;
        // New York on Sun 14 Mar 2027.
        let got = next(
            "30 2 * * SUN",
            at(2026, 9, 30, 0, 0),
            chrono_tz::Australia::Sydney,
            2,
        );
        assert_eq!(got, ["2026-10-04 03:00 AEDT", "2026-10-11 02:30 AEDT"]);
        let got = next(
            "30 2 * * SUN",
            at(2026, 9, 20, 0, 0),
            chrono_tz::Pacific::Auckland,
            2,
        );
        assert_eq!(got, ["2026-09-27 03:00 NZDT", "2026-10-04 02:30 NZDT"]);
        let got = next(
            "30 2 14 3 *",
            at(2027, 3, 1, 0, 0),
            chrono_tz::America::New_York,
            1,
        );
        assert_eq!(got, ["2027-03-14 03:00 EDT"]);
    }

    #[test]
    fn a_repeated_local_time_fires_once() {
        // Sydney falls back on Sun 5 Apr 2026 at 03:00 → 02:00; New York on Sun 1 Nov 2026.
        let got = next(
            "30 2 * * *",
            at(2026, 4, 3, 0, 0),
            chrono_tz::Australia::Sydney,
            3,
        );
        assert_eq!(
            got,
            [
                "2026-04-04 02:30 AEDT",
                "2026-04-05 02:30 AEDT",
                "2026-04-06 02:30 AEST"
            ]
        );
        let got = next(
            "30 1 * * *",
            at(2026, 10, 31, 12, 0),
            chrono_tz::America::New_York,
            2,
        );
        assert_eq!(got, ["2026-11-01 01:30 EDT", "2026-11-02 01:30 EST"]);
        // Every half hour through the repeated hour: each wall time once.
        let zone = chrono_tz::America::New_York;
        let start = Timestamp::from_utc(
            zone.with_ymd_and_hms(2026, 11, 1, 0, 45, 0)
                .unwrap()
                .with_timezone(&Utc),
        );
        let got = next("0,30 * * * *", start, zone, 4);
        assert_eq!(
            got,
            [
                "2026-11-01 01:00 EDT",
                "2026-11-01 01:30 EDT",
                "2026-11-01 02:00 EST",
                "2026-11-01 02:30 EST"
            ]
        );
    }

    #[test]
    fn backoff_grows_and_respects_the_platform() {
        use std::time::Duration as D;
        assert_eq!(backoff(1, None), D::from_secs(30));
        assert_eq!(backoff(2, None), D::from_secs(60));
        assert_eq!(backoff(20, None), D::from_secs(3600));
        assert_eq!(backoff(1, Some(D::from_secs(120))), D::from_secs(120));
    }
}
