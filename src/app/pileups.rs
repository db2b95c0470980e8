//! Pile-ups: when several jobs of one series are due at once (downtime, or a schedule finer than
//! the scheduler's pass), only the newest goes out and the rest are recorded as missed. A series
//! is a check-in schedule's occurrences for one intake, or one session's reminders; a reminder
//! for a session that has started is missed too. Pure rules, no I/O.

use std::collections::HashMap;

use crate::domain::Timestamp;
use crate::store::jobs::{Job, JobKind};

/// The series a job belongs to (kind and target), if its kind forms one. Other jobs (alerts,
/// invitations, notices, announcements) each stand alone.
pub fn series_of(job: &Job) -> Option<(JobKind, &str)> {
    match job.kind {
        JobKind::Checkin | JobKind::WebinarReminder | JobKind::MeetupReminder => {
            Some((job.kind, job.target.as_str()))
        }
        _ => None,
    }
}

/// When the session a reminder is about starts, read from its target (`ID@STARTS_MILLIS`).
fn session_start(job: &Job) -> Option<Timestamp> {
    match job.kind {
        JobKind::WebinarReminder | JobKind::MeetupReminder => job
            .target
            .rsplit_once('@')
            .and_then(|(_, millis)| millis.parse().ok())
            .map(Timestamp),
        _ => None,
    }
}

/// Splits due jobs into those to fan out and those missed: of each series only the newest goes,
/// and never a reminder once its session has started. Keeps the given order.
pub fn sort_out(due: Vec<Job>, now: Timestamp) -> (Vec<Job>, Vec<Job>) {
    let mut newest: HashMap<(JobKind, String), (Timestamp, String)> = HashMap::new();
    for job in &due {
        if let Some((kind, target)) = series_of(job) {
            let entry = newest
                .entry((kind, target.to_string()))
                .or_insert((job.due_at, job.id.clone()));
            if (job.due_at, &job.id) > (entry.0, &entry.1) {
                *entry = (job.due_at, job.id.clone());
            }
        }
    }
    due.into_iter().partition(|job| {
        let started = session_start(job).is_some_and(|start| now >= start);
        let newest_of_series = series_of(job)
            .and_then(|(kind, target)| newest.get(&(kind, target.to_string())))
            .is_none_or(|(_, id)| *id == job.id);
        newest_of_series && !started
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: &str, kind: JobKind, target: &str, due: i64) -> Job {
        Job {
            id: id.to_string(),
            key: id.to_string(),
            kind,
            target: target.to_string(),
            schedule_id: None,
            due_at: Timestamp(due),
            created_at: Timestamp(0),
        }
    }

    fn ids(jobs: &[Job]) -> Vec<&str> {
        jobs.iter().map(|j| j.id.as_str()).collect()
    }

    #[test]
    fn only_the_newest_of_a_series_goes() {
        let due = vec![
            job("a", JobKind::Checkin, "intake1", 10),
            job("b", JobKind::Checkin, "intake2", 10),
            job("c", JobKind::Checkin, "intake1", 15),
            job("d", JobKind::HelpAlert, "pair|2026-12", 15),
            job("e", JobKind::HelpAlert, "pair|2026-12", 16),
        ];
        let (go, missed) = sort_out(due, Timestamp(20));
        assert_eq!(ids(&go), ["b", "c", "d", "e"], "alerts are no series");
        assert_eq!(ids(&missed), ["a"]);
    }

    #[test]
    fn reminders_go_once_and_never_after_the_start() {
        let due = vec![
            job("week", JobKind::WebinarReminder, "w1@1000", 100),
            job("day", JobKind::WebinarReminder, "w1@1000", 900),
            job("live", JobKind::WebinarLive, "w1@1000", 1000),
            job("meetup", JobKind::MeetupReminder, "m1@500", 400),
        ];
        let (go, missed) = sort_out(due.clone(), Timestamp(950));
        assert_eq!(ids(&go), ["day", "live"]);
        assert_eq!(ids(&missed), ["week", "meetup"], "the meetup has started");
        let (go, missed) = sort_out(due, Timestamp(1000));
        assert_eq!(ids(&go), ["live"]);
        assert_eq!(ids(&missed), ["week", "day", "meetup"]);
    }
}
