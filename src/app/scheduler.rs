//! The durable scheduler (ARCHITECTURE decision 3): schedules → jobs → deliveries. Each step is
//! idempotent on its unique keys, so any number of instances may run it at once and a crash
//! anywhere only means the next run picks up where this one stopped. Each stage goes on past
//! whatever one job met (`supervision.rs`). Tests and the demo call [`App::run_due`] with a
//! manual clock; `tandem run` calls [`App::scheduler_pass`] on a timer.

use std::future::Future;
use std::time::Duration;

use anyhow::Context;

use super::App;
use super::pileups;
use super::supervision::{Unworkable, guarded, is_permanent, panic_message};
use crate::domain::Timestamp;
use crate::store;
use crate::store::jobs::{Job, JobKind, JobStatus};

/// How long a worker holds a claimed delivery before another may take it over.
pub const LEASE: Duration = Duration::from_secs(5 * 60);
/// Deliveries a worker claims at once.
const CLAIM_BATCH: i64 = 50;

/// What one run did, for logs, metrics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    pub jobs: usize,
    pub missed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Jobs marked failed for good this run (they can never be carried out).
    pub failed_jobs: usize,
    /// Schedules or jobs left for the next run after an error worth another try.
    pub errors: usize,
}

impl RunReport {
    pub fn add(&mut self, other: RunReport) {
        self.jobs += other.jobs;
        self.missed += other.missed;
        self.sent += other.sent;
        self.retried += other.retried;
        self.failed += other.failed;
        self.skipped += other.skipped;
        self.failed_jobs += other.failed_jobs;
        self.errors += other.errors;
    }
}

impl App {
    /// Everything due now: new occurrences become jobs, jobs get their recipients, and `workers`
    /// workers send until nothing due is left. A stage that cannot run at all (the database is
    /// unreachable) does not stop the next; its error is returned once all have had their turn.
    pub async fn run_due_with(&self, workers: usize) -> anyhow::Result<RunReport> {
        let mut report = RunReport::default();
        let mut failure = None;
        let mut stage = |result: anyhow::Result<RunReport>| match result {
            Ok(done) => report.add(done),
            Err(err) => {
                failure.get_or_insert(err);
            }
        };
        stage(self.materialise().await);
        // Notes and answers past the retention period go; idempotent, so every pass may run it.
        stage(
            self.apply_retention(false)
                .await
                .map(|_| RunReport::default()),
        );
        stage(self.fan_out().await);
        let runs = (0..workers.max(1)).map(|worker| self.drain(worker));
        for worker in futures_util::future::join_all(runs).await {
            stage(worker);
        }
        match failure {
            Some(err) => Err(err),
            None => Ok(report),
        }
    }

    pub async fn run_due(&self) -> anyhow::Result<RunReport> {
        self.run_due_with(1).await
    }

    /// Called as an instance starts, before its first pass: its own leases from before a
    /// restart end, so what it was sending when it stopped goes again at once. Only safe while
    /// this instance sends nothing, hence at start; other instances' leases are left alone.
    pub async fn take_back_own_deliveries(&self) -> anyhow::Result<u64> {
        let mut db = self.store.writer().await?;
        Ok(store::deliveries::take_back(&mut db, &self.settings.worker).await?)
    }

    /// One pass of `tandem run`'s loop, supervised: see [`App::supervise`].
    pub async fn scheduler_pass(&self, workers: usize) -> Option<RunReport> {
        let app = self.clone();
        self.supervise(async move { app.run_due_with(workers).await })
            .await
    }

    /// Runs a scheduler pass in its own task. A panic or an error is logged and counted and
    /// never ends the loop; a completed pass is recorded in [`App::scheduler_pulse`].
    pub async fn supervise(
        &self,
        pass: impl Future<Output = anyhow::Result<RunReport>> + Send + 'static,
    ) -> Option<RunReport> {
        let (outcome, report) = match tokio::spawn(pass).await {
            Ok(Ok(report)) => {
                self.scheduler_pulse.completed(self.now());
                if report != RunReport::default() {
                    tracing::info!(?report, "scheduler pass");
                }
                ("completed", Some(report))
            }
            Ok(Err(err)) => {
                tracing::warn!(error = ?err, "a scheduler pass failed; the next one starts shortly");
                ("failed", None)
            }
            Err(join) => {
                let why = match join.try_into_panic() {
                    Ok(panic) => panic_message(&*panic),
                    Err(_) => "cancelled".to_string(),
                };
                tracing::error!(panic = %why, "a scheduler pass panicked; the next one starts shortly");
                ("panicked", None)
            }
        };
        metrics::counter!("tandem_scheduler_passes_total", "outcome" => outcome).increment(1);
        report
    }

    /// Lists each due job's recipients as deliveries, in one transaction per job. Of a series
    /// due at once only the newest goes (`pileups.rs`); a job that can never be carried out is
    /// marked failed and the others go on.
    async fn fan_out(&self) -> anyhow::Result<RunReport> {
        let now = self.now();
        let db = self.store.pool();
        let mut report = RunReport::default();
        let (due, unreadable) = store::jobs::pending(db, now).await?;
        for job in unreadable {
            // Perhaps a newer version's kind: left pending for an instance that knows it.
            tracing::warn!(job = %job.id, reason = %job.reason, "a due job this version cannot read");
        }
        let (go, missed) = pileups::sort_out(due, now);
        for job in missed {
            if store::jobs::set_status_from(db, &job.id, JobStatus::Pending, JobStatus::Missed)
                .await?
            {
                report.missed += 1;
            }
        }
        for job in go {
            match guarded(self.fan_out_job(&job, now)).await {
                Ok(()) => {}
                Err(err) if is_permanent(&err) => {
                    self.job_failed(&job, &format!("{err:#}")).await?;
                    report.failed_jobs += 1;
                }
                Err(err) => {
                    tracing::warn!(job = %job.id, error = ?err, "could not list a job's recipients; trying again next pass");
                    report.errors += 1;
                }
            }
        }
        Ok(report)
    }

    /// One job's recipients, written with its status. A newer job of a series also supersedes
    /// what its older ones still hold for the same recipients.
    async fn fan_out_job(&self, job: &Job, now: Timestamp) -> anyhow::Result<()> {
        let recipients = self.recipients(job).await?;
        let mut tx = self.store.begin().await?;
        store::deliveries::insert_many(&mut tx, &job.id, &recipients, job.due_at).await?;
        if let Some(month) = self.prompt_month_of(job).await? {
            store::deliveries::set_month(&mut *tx, &job.id, &month).await?;
        }
        if pileups::series_of(job).is_some() {
            store::deliveries::supersede(&mut tx, job, now).await?;
        }
        store::jobs::set_status(&mut *tx, &job.id, JobStatus::Fanned).await?;
        tx.commit()
            .await
            .context("could not record a job's recipients")?;
        Ok(())
    }

    async fn job_failed(&self, job: &Job, reason: &str) -> anyhow::Result<()> {
        tracing::warn!(job = %job.id, kind = job.kind.as_str(), reason, "a job failed for good");
        store::jobs::fail(self.store.pool(), &job.id, reason).await?;
        metrics::counter!("tandem_scheduler_jobs_failed_total", "kind" => job.kind.as_str())
            .increment(1);
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
                Some(_) => Vec::new(),
                None => return Err(Unworkable::error("its intake no longer exists")),
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
            JobKind::CalendarLinks => self.calendar_links_recipients().await?,
            JobKind::SpaceRename => store::pairs::with_space_of(db, &job.target)
                .await?
                .into_iter()
                .map(|p| p.id)
                .collect(),
        })
    }

    /// One worker: claim, send, record, until nothing is due.
    async fn drain(&self, worker: usize) -> anyhow::Result<RunReport> {
        let mut report = RunReport::default();
        loop {
            let now = self.now();
            // Each worker's claim ends its lease a millisecond apart from the others' (they start
            // together): a lease's end names its batch when a restart takes it back.
            let lease_until = Timestamp(now.0 + LEASE.as_millis() as i64 + worker as i64);
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
