//! Instants, dates and zones as the program sees them: instants in UTC milliseconds, calendar dates
//! in an intake's IANA zone. Parsing here is strict so a typo never becomes a wrong date.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// An instant, stored as milliseconds since the Unix epoch in UTC (the one representation both
/// storage backends share).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_utc(at: DateTime<Utc>) -> Self {
        Timestamp(at.timestamp_millis())
    }

    pub fn to_utc(self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.0)
            .single()
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// Seconds since the epoch, as the platforms' local-time syntax wants them.
    pub fn unix_seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// The calendar date of this instant in `zone`.
    pub fn date_in(self, zone: Tz) -> NaiveDate {
        self.to_utc().with_timezone(&zone).date_naive()
    }
}

/// Parses `YYYY-MM-DD`, the one date form commands accept.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Parses an IANA zone name such as `Australia/Sydney`, forgiving letter case.
pub fn parse_zone(text: &str) -> Option<Tz> {
    let text = text.trim();
    text.parse::<Tz>()
        .ok()
        .or_else(|| Tz::from_str_insensitive(text).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("2027-02-01"),
            NaiveDate::from_ymd_opt(2027, 2, 1)
        );
        assert_eq!(parse_date("2027-2-1"), None);
        assert_eq!(parse_date("2027-02-30"), None);
        assert_eq!(parse_date("01/02/2027"), None);
    }

    #[test]
    fn zones_are_iana_names() {
        assert_eq!(
            parse_zone("Australia/Sydney"),
            Some(chrono_tz::Australia::Sydney)
        );
        assert_eq!(
            parse_zone("pacific/auckland"),
            Some(chrono_tz::Pacific::Auckland)
        );
        assert_eq!(parse_zone("Sydney"), None);
        assert_eq!(parse_zone("AEST"), None);
    }

    #[test]
    fn dates_follow_the_zone() {
        // 2027-01-31 20:00 UTC is already 1 February in Sydney.
        let at = Timestamp::from_utc(Utc.with_ymd_and_hms(2027, 1, 31, 20, 0, 0).unwrap());
        assert_eq!(
            at.date_in(chrono_tz::Australia::Sydney),
            NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()
        );
        assert_eq!(
            at.date_in(chrono_tz::UTC),
            NaiveDate::from_ymd_opt(2027, 1, 31).unwrap()
        );
    }
}
