//! The durable scheduler (ARCHITECTURE decision 3): schedules → jobs → deliveries. Each step is
//! idempotent on its unique keys, so any number of instances may run it at once and a crash
//! anywhere only means the next run picks up where this one stopped. Tests and the demo call
//! [`App::run_due`] with a manual clock; `tandem run` calls it on a timer.

use std::time::Duration;

use anyhow::Context;

use super::App;
use crate::domain::schedule::{Cron, ScheduleKind};
use crate::domain::{Timestamp, new_id};
use crate::store::jobs::{Job, JobKind, JobStatus};
use crate::store::{self, schedules::Schedule};

/// How long a worker holds a claimed delivery before another may take it over.
pub const LEASE: Duration = Duration::from_secs(5 * 60);
/// Deliveries a worker claims at once.
const CLAIM_BATCH: i64 = 50;
/// At most this many occurrences of one schedule are caught up in one run (a year of monthly
/// check-ins many times over); the rest follow on the next run.
const CATCH_UP_LIMIT: usize = 1000;

/// What one run did, for logs, metrics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    pub jobs: usize,
    pub missed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl RunReport {
    pub fn add(&mut self, other: RunReport) {
        self.jobs += other.jobs;
        self.missed += other.missed;
        self.sent += other.sent;
        self.retried += other.retried;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

impl App {
    /// Everything due now: new occurrences become jobs, jobs get their recipients, and `workers`
    /// workers send until nothing due is left.
    pub async fn run_due_with(&self, workers: usize) -> anyhow::Result<RunReport> {
        let mut report = self.materialise().await?;
        self.fan_out().await?;
        let runs = (0..workers.max(1)).map(|_| self.drain());
        for worker in futures_util::future::join_all(runs).await {
            report.add(worker?);
        }
        Ok(report)
    }

    pub async fn run_due(&self) -> anyhow::Result<RunReport> {
        self.run_due_with(1).await
    }

    /// Turns every schedule's occurrences up to now into jobs. Check-ins missed by more than the
    /// grace period (downtime) are recorded as missed instead of sent late.
    async fn materialise(&self) -> anyhow::Result<RunReport> {
        let now = self.now();
        let mut report = RunReport::default();
        for schedule in store::schedules::list(self.store.pool()).await? {
            if !schedule.on {
                continue;
            }
            if !self.target_running(&schedule).await? {
                // An ended or closed intake gets nothing more; its schedule stops for good.
                store::schedules::switch_off(self.store.pool(), schedule.kind, &schedule.target)
                    .await?;
                continue;
            }
            let cron = match Cron::parse(&schedule.cron) {
                Ok(cron) => cron,
                Err(err) => {
                    tracing::warn!(schedule = %schedule.id, error = %err, "a stored schedule no longer parses");
                    continue;
                }
            };
            let mut last = None;
            for at in cron
                .occurrences_after(schedule.cursor_at, schedule.zone)
                .take_while(|t| *t <= now)
                .take(CATCH_UP_LIMIT)
            {
                let missed = now.0 - at.0 > self.settings.checkin_grace.as_millis() as i64;
                if self.add_occurrence(&schedule, at, missed).await? {
                    report.jobs += 1;
                    report.missed += missed as usize;
                }
                last = Some(at);
            }
            if let Some(last) = last {
                store::schedules::advance(
                    self.store.pool(),
                    &schedule.id,
                    schedule.cursor_at,
                    last,
                )
                .await?;
            }
        }
        Ok(report)
    }

    async fn target_running(&self, schedule: &Schedule) -> anyhow::Result<bool> {
        Ok(match schedule.kind {
            ScheduleKind::Checkin => store::intakes::find(self.store.pool(), &schedule.target)
                .await?
                .is_some_and(|intake| intake.is_active_at(self.now())),
        })
    }

    async fn add_occurrence(
        &self,
        schedule: &Schedule,
        at: Timestamp,
        missed: bool,
    ) -> anyhow::Result<bool> {
        let kind = match schedule.kind {
            ScheduleKind::Checkin => JobKind::Checkin,
        };
        let job = Job {
            id: new_id(),
            key: format!("{}@{}", schedule.id, at.0),
            kind,
            target: schedule.target.clone(),
            schedule_id: Some(schedule.id.clone()),
            due_at: at,
            created_at: self.now(),
        };
        let status = if missed {
            JobStatus::Missed
        } else {
            JobStatus::Pending
        };
        if missed {
            tracing::warn!(schedule = %schedule.id, due = at.0, "an occurrence was missed during downtime");
        }
        Ok(store::jobs::insert_if_new(self.store.pool(), &job, status).await?)
    }

    /// Lists each due job's recipients as deliveries, in one transaction per job.
    async fn fan_out(&self) -> anyhow::Result<()> {
        let now = self.now();
        for job in store::jobs::pending(self.store.pool(), now).await? {
            let recipients = self.recipients(&job).await?;
            let mut tx = self.store.begin().await?;
            store::deliveries::insert_many(&mut tx, &job.id, &recipients, job.due_at).await?;
            store::jobs::set_status(&mut *tx, &job.id, JobStatus::Fanned).await?;
            tx.commit()
                .await
                .context("could not record a job's recipients")?;
        }
        Ok(())
    }

    /// Who a job goes to: every active pair of an intake whose intake is still running, or every
    /// coordinator for an alert. Pauses are checked again at sending time.
    async fn recipients(&self, job: &Job) -> anyhow::Result<Vec<String>> {
        let db = self.store.pool();
        Ok(match job.kind {
            JobKind::Checkin => match store::intakes::find(db, &job.target).await? {
                Some(intake) if intake.is_active_at(job.due_at) => {
                    store::pairs::list_for_intake(db, &intake.id, false)
                        .await?
                        .into_iter()
                        .map(|p| p.id)
                        .collect()
                }
                _ => Vec::new(),
            },
            JobKind::HelpAlert => store::coordinators::alerted(db).await?,
            JobKind::SurveyInvitation | JobKind::SurveyReminder => {
                self.survey_recipients(job).await?
            }
            // Nobody to tell: the job's work is closing the survey, done as it fans out.
            JobKind::SurveyClose => {
                self.close_survey(&job.target).await?;
                Vec::new()
            }
            JobKind::WebinarReminder
            | JobKind::WebinarLive
            | JobKind::WebinarRecording
            | JobKind::WebinarChanged => self.calendar_recipients(job).await?,
            JobKind::MeetupInvite | JobKind::MeetupReminder | JobKind::MeetupChanged => {
                self.meetup_recipients(job).await?
            }
            JobKind::Announcement => self.announcement_recipients(job).await?,
        })
    }

    /// One worker: claim, send, record, until nothing is due.
    async fn drain(&self) -> anyhow::Result<RunReport> {
        let mut report = RunReport::default();
        loop {
            let now = self.now();
            let lease_until = Timestamp(now.0 + LEASE.as_millis() as i64);
            // A write like any other: on SQLite it takes its turn instead of meeting a busy lock.
            let mut db = self.store.writer().await?;
            let claimed = store::deliveries::claim(
                &mut *db,
                self.store.backend(),
                &self.settings.worker,
                now,
                lease_until,
                CLAIM_BATCH,
            )
            .await?;
            drop(db);
            if claimed.is_empty() {
                return Ok(report);
            }
            report.add(self.deliver_batch(claimed).await?);
        }
    }
}
