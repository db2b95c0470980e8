//! An intake: one cohort of the program, with its own zone, dates and announcement channel.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

use super::time::Timestamp;

/// The longest intake name we accept; long enough for "2027 February (Hong Kong)".
pub const MAX_NAME_LEN: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntakeStatus {
    Active,
    Closed,
}

impl IntakeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IntakeStatus::Active => "active",
            IntakeStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(IntakeStatus::Active),
            "closed" => Some(IntakeStatus::Closed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    pub id: String,
    pub name: String,
    pub zone: Tz,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub status: IntakeStatus,
    /// Where announcements go, as the platform's channel id; `None` means each participant by DM.
    pub announcement_channel: Option<String>,
    pub created_at: Timestamp,
}

/// Where an intake is in its life: derived from its stored status and its end date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntakeState {
    Active,
    /// Its last day has passed.
    Ended,
    /// A coordinator closed it.
    Closed,
}

impl IntakeState {
    pub fn as_str(self) -> &'static str {
        match self {
            IntakeState::Active => "active",
            IntakeState::Ended => "ended",
            IntakeState::Closed => "closed",
        }
    }
}

impl Intake {
    /// Active from creation until a coordinator closes it or its end date has passed in its zone.
    pub fn state_at(&self, now: Timestamp) -> IntakeState {
        if self.status == IntakeStatus::Closed {
            return IntakeState::Closed;
        }
        match self.ends_on {
            Some(end) if now.date_in(self.zone) > end => IntakeState::Ended,
            _ => IntakeState::Active,
        }
    }

    pub fn is_active_at(&self, now: Timestamp) -> bool {
        self.state_at(now) == IntakeState::Active
    }

    /// The first instant of its first day (`starts:`) in its zone: no check-in comes before it.
    /// A midnight that does not exist that day (a DST change at 00:00) is the first hour after.
    pub fn starts_at(&self) -> Option<Timestamp> {
        let midnight = self.starts_on?.and_hms_opt(0, 0, 0)?;
        [midnight, midnight + chrono::Duration::hours(1)]
            .into_iter()
            .find_map(|local| self.zone.from_local_datetime(&local).earliest())
            .map(|at| Timestamp(at.timestamp_millis()))
    }

    /// Where to look for check-ins after `after`: there, or just before the start if that is
    /// later (so an occurrence at the very first instant still counts).
    pub fn checkins_after(&self, after: Timestamp) -> Timestamp {
        self.starts_at()
            .map_or(after, |start| Timestamp(after.0.max(start.0 - 1)))
    }
}

/// What can be wrong with a new intake's name or dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeRuleBroken {
    EmptyName,
    NameTooLong,
    EndsBeforeStart {
        starts: NaiveDate,
        ends: NaiveDate,
    },
    /// Its last day is already behind us in its zone: it would be over before it began.
    EndsInPast {
        ends: NaiveDate,
    },
}

/// Checks a new intake's name and dates before anything is stored.
pub fn check_new_intake(
    name: &str,
    starts: Option<NaiveDate>,
    ends: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), IntakeRuleBroken> {
    if name.trim().is_empty() {
        return Err(IntakeRuleBroken::EmptyName);
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(IntakeRuleBroken::NameTooLong);
    }
    if let (Some(starts), Some(ends)) = (starts, ends)
        && ends < starts
    {
        return Err(IntakeRuleBroken::EndsBeforeStart { starts, ends });
    }
    if let Some(ends) = ends.filter(|e| *e < today) {
        return Err(IntakeRuleBroken::EndsInPast { ends });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn intake(ends_on: Option<NaiveDate>) -> Intake {
        Intake {
            id: "i".into(),
            name: "2027 February".into(),
            zone: chrono_tz::Pacific::Auckland,
            starts_on: None,
            ends_on,
            status: IntakeStatus::Active,
            announcement_channel: None,
            created_at: Timestamp(0),
        }
    }

    #[test]
    fn an_intake_ends_at_the_end_of_its_last_day_in_its_own_zone() {
        let intake = intake(NaiveDate::from_ymd_opt(2027, 12, 31));
        // 31 Dec 2027 10:00 UTC is already 1 Jan 2028 in Auckland.
        let after = Timestamp::from_utc(Utc.with_ymd_and_hms(2027, 12, 31, 12, 0, 0).unwrap());
        let before = Timestamp::from_utc(Utc.with_ymd_and_hms(2027, 12, 30, 12, 0, 0).unwrap());
        assert!(intake.is_active_at(before));
        assert!(!intake.is_active_at(after));
    }

    #[test]
    fn a_closed_intake_is_not_active() {
        let mut intake = intake(None);
        intake.status = IntakeStatus::Closed;
        assert!(!intake.is_active_at(Timestamp(0)));
    }

    #[test]
    fn dates_must_be_in_order() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let starts = NaiveDate::from_ymd_opt(2027, 2, 1);
        let ends = NaiveDate::from_ymd_opt(2027, 1, 1);
        assert!(matches!(
            check_new_intake("x", starts, ends, today),
            Err(IntakeRuleBroken::EndsBeforeStart { .. })
        ));
        assert_eq!(
            check_new_intake("  ", None, None, today),
            Err(IntakeRuleBroken::EmptyName)
        );
        assert_eq!(
            check_new_intake(&"x".repeat(81), None, None, today),
            Err(IntakeRuleBroken::NameTooLong)
        );
        assert_eq!(
            check_new_intake("2027 February", starts, starts, today),
            Ok(())
        );
        assert_eq!(
            check_new_intake("2025", None, NaiveDate::from_ymd_opt(2025, 12, 31), today),
            Err(IntakeRuleBroken::EndsInPast {
                ends: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()
            })
        );
    }
}
