//! Materialising: each schedule's occurrences up to now become jobs. Of the occurrences due at
//! once only the newest is sent; the others (downtime, a schedule finer than the pass) and any
//! older than the grace period are recorded as missed. Only the instance that moves a schedule's
//! cursor writes its jobs, in the same transaction, so two instances never both send one.

use super::App;
use super::scheduler::RunReport;
use super::supervision::{Unworkable, guarded, is_permanent};
use crate::domain::schedule::{Cron, ScheduleKind};
use crate::domain::{Timestamp, new_id};
use crate::store::jobs::{Job, JobKind, JobStatus};
use crate::store::{self, schedules::Schedule};

/// At most this many occurrences of one schedule are caught up in one pass; when more are due,
/// all of these are missed (a newer one is due) and the next pass goes on from the last.
const CATCH_UP_LIMIT: usize = 1000;

impl App {
    /// Turns every schedule's occurrences up to now into jobs. One schedule that cannot be read
    /// is switched off and recorded as a failed job; it holds up no other.
    pub(super) async fn materialise(&self) -> anyhow::Result<RunReport> {
        let now = self.now();
        let mut report = RunReport::default();
        for schedule in store::schedules::list(self.store.pool()).await? {
            if !schedule.on {
                continue;
            }
            match guarded(self.materialise_schedule(&schedule, now)).await {
                Ok(done) => report.add(done),
                Err(err) if is_permanent(&err) => {
                    self.schedule_failed(&schedule, &format!("{err:#}"), now)
                        .await?;
                    report.failed_jobs += 1;
                }
                Err(err) => {
                    tracing::warn!(schedule = %schedule.id, error = ?err, "could not materialise a schedule; trying again next pass");
                    report.errors += 1;
                }
            }
        }
        Ok(report)
    }

    async fn materialise_schedule(
        &self,
        schedule: &Schedule,
        now: Timestamp,
    ) -> anyhow::Result<RunReport> {
        let db = self.store.pool();
        let intake = store::intakes::find(db, &schedule.target).await?;
        let Some(intake) = intake.filter(|i| i.is_active_at(now)) else {
            // A gone, ended or closed intake gets nothing more; its schedule stops for good.
            store::schedules::switch_off(db, schedule.kind, &schedule.target).await?;
            return Ok(RunReport::default());
        };
        let cron = Cron::parse(&schedule.cron).map_err(|e| {
            Unworkable::error(format!(
                "the stored schedule `{}` no longer reads: {e}",
                schedule.cron
            ))
        })?;
        // Nothing before the program starts: earlier occurrences are passed over, not missed.
        let from = intake.checkins_after(schedule.cursor_at);
        let mut due: Vec<Timestamp> = cron
            .occurrences_after(from, schedule.zone)
            .take_while(|t| *t <= now)
            .take(CATCH_UP_LIMIT + 1)
            .collect();
        let caught_up = due.len() <= CATCH_UP_LIMIT;
        due.truncate(CATCH_UP_LIMIT);
        let Some(&latest) = due.last() else {
            return Ok(RunReport::default());
        };
        let grace = self.settings.checkin_grace.as_millis() as i64;
        let send_latest = caught_up && now.0 - latest.0 <= grace;
        let mut tx = self.store.begin().await?;
        if !store::schedules::advance(&mut *tx, &schedule.id, schedule.cursor_at, latest).await? {
            // Another instance took these occurrences first and decided what to send.
            return Ok(RunReport::default());
        }
        let mut report = RunReport::default();
        for &at in &due {
            let send = send_latest && at == latest;
            let status = if send {
                JobStatus::Pending
            } else {
                JobStatus::Missed
            };
            if store::jobs::insert_if_new(&mut *tx, &self.occurrence(schedule, at), status).await? {
                report.jobs += 1;
                report.missed += usize::from(!send);
            }
        }
        tx.commit().await?;
        if report.missed > 0 {
            tracing::warn!(
                schedule = %schedule.id,
                missed = report.missed,
                "occurrences recorded as missed: past the grace period, or a newer one was due with them"
            );
        }
        Ok(report)
    }

    /// The job for one occurrence, keyed by schedule and instant.
    fn occurrence(&self, schedule: &Schedule, at: Timestamp) -> Job {
        let kind = match schedule.kind {
            ScheduleKind::Checkin => JobKind::Checkin,
        };
        Job {
            id: new_id(),
            key: format!("{}@{}", schedule.id, at.0),
            kind,
            target: schedule.target.clone(),
            schedule_id: Some(schedule.id.clone()),
            due_at: at,
            created_at: self.now(),
        }
    }

    /// A schedule that can never run again is switched off, and recorded as a failed job so
    /// coordinators see why in `/mentoring status`.
    async fn schedule_failed(
        &self,
        schedule: &Schedule,
        reason: &str,
        now: Timestamp,
    ) -> anyhow::Result<()> {
        tracing::warn!(schedule = %schedule.id, reason, "a schedule failed for good and is switched off");
        let mut job = self.occurrence(schedule, now);
        job.key = format!("{}:failed@{}", schedule.id, schedule.cursor_at.0);
        let mut tx = self.store.begin().await?;
        store::schedules::switch_off(&mut *tx, schedule.kind, &schedule.target).await?;
        if store::jobs::insert_if_new(&mut *tx, &job, JobStatus::Failed).await? {
            store::jobs::fail(&mut *tx, &job.id, reason).await?;
            metrics::counter!("tandem_scheduler_jobs_failed_total", "kind" => job.kind.as_str())
                .increment(1);
        }
        tx.commit().await?;
        Ok(())
    }
}
