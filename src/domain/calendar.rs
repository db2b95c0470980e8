//! Rules of the program's calendar: reading a local date-time in a zone, checking a link, and the
//! webinar reminder offsets. No I/O.

use std::time::Duration;

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::Timestamp;

/// Reminders before a webinar when nothing else is configured: a week, a day and an hour.
pub const DEFAULT_REMINDERS: [Duration; 3] = [
    Duration::from_secs(7 * 86_400),
    Duration::from_secs(86_400),
    Duration::from_secs(3_600),
];

/// Parses `YYYY-MM-DD HH:MM` (a `T` between them is fine too), the one date-time form commands take.
pub fn parse_local(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim().replacen('T', " ", 1);
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M").ok()
}

/// The instant a wall-clock time means in `zone`. A time the clocks skip (spring forward) has
/// none; a time that happens twice (fall back) means the first.
pub fn instant_in(local: NaiveDateTime, zone: Tz) -> Option<Timestamp> {
    zone.from_local_datetime(&local)
        .earliest()
        .map(|at| Timestamp(at.timestamp_millis()))
}

/// An http(s) link with a host and nothing a chat could mistake for markup.
pub fn is_link(text: &str) -> bool {
    if text
        .chars()
        .any(|c| c.is_whitespace() || "<>|\"`".contains(c))
    {
        return false;
    }
    url::Url::parse(text)
        .map(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        })
        .unwrap_or(false)
}

/// How an offset reads in a job key and to people: `7d`, `1d`, `1h`, `30m`.
pub fn offset_label(offset: Duration) -> String {
    let secs = offset.as_secs();
    if secs.is_multiple_of(86_400) {
        format!("{}d", secs / 86_400)
    } else if secs.is_multiple_of(3_600) {
        format!("{}h", secs / 3_600)
    } else {
        format!("{}m", secs / 60)
    }
}

/// The instants reminders for a session starting at `starts` are due, skipping those already past.
pub fn reminder_times(
    starts: Timestamp,
    offsets: &[Duration],
    now: Timestamp,
) -> Vec<(Duration, Timestamp)> {
    offsets
        .iter()
        .map(|o| (*o, Timestamp(starts.0 - o.as_millis() as i64)))
        .filter(|(_, at)| *at > now)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_strict_and_dst_aware() {
        let sydney: Tz = "Australia/Sydney".parse().unwrap();
        assert!(parse_local("2027-02-01 18:00").is_some());
        assert!(parse_local("2027-02-01T18:00").is_some());
        assert!(parse_local("2027-02-01").is_none());
        assert!(parse_local("2027-02-31 18:00").is_none());
        assert!(parse_local("tomorrow 6pm").is_none());
        // 2026-10-04 02:30 does not exist in Sydney; 2027-04-04 02:30 happens twice.
        assert!(instant_in(parse_local("2026-10-04 02:30").unwrap(), sydney).is_none());
        let twice = instant_in(parse_local("2027-04-04 02:30").unwrap(), sydney).unwrap();
        assert_eq!(twice.to_utc().to_rfc3339(), "2027-04-03T15:30:00+00:00");
    }

    #[test]
    fn links_must_be_web_addresses() {
        assert!(is_link("https://meet.example.org/abc?x=1"));
        assert!(is_link("http://example.org"));
        assert!(!is_link("meet.example.org"));
        assert!(!is_link("javascript:alert(1)"));
        assert!(!is_link("https://exa mple.org"));
        assert!(!is_link("https://example.org/<!channel>"));
    }

    #[test]
    fn reminders_in_the_past_are_left_out() {
        let starts = Timestamp(30 * 86_400_000);
        let now = Timestamp(starts.0 - 2 * 86_400_000);
        let due = reminder_times(starts, &DEFAULT_REMINDERS, now);
        let labels: Vec<String> = due.iter().map(|(o, _)| offset_label(*o)).collect();
        assert_eq!(labels, ["1d", "1h"]);
        assert_eq!(offset_label(Duration::from_secs(1800)), "30m");
    }
}
