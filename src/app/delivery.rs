//! Sending claimed deliveries and recording how each went. What a batch of one job shares (the
//! intake, its pairs and people, the month's webinar) is loaded once. Each outcome is recorded in
//! its own small transaction right after the send, so a crash can repeat at most the message in
//! flight. Transient platform errors come back later with exponential backoff (never sooner than
//! the platform asked); permanent ones are recorded for coordinators and not tried again.

use std::collections::HashMap;
use std::time::Duration;

use super::App;
use super::pileups;
use super::scheduler::RunReport;
use super::supervision::{guarded, is_permanent};
use crate::chat::{ChannelRef, ChatError, MessageRef};
use crate::domain::checkin::month_of;
use crate::domain::schedule::backoff;
use crate::domain::{Intake, Pair, Participant, Platform, Timestamp};
use crate::messages;
use crate::store;
use crate::store::checkins::Checkin;
use crate::store::deliveries::{Delivery, Settled};
use crate::store::jobs::{Job, JobKind};
use crate::store::webinars::Webinar;

/// How long a batch sends before it gives back what it has not tried and claims again. A batch
/// slowed by a platform's pacing would otherwise hold up a delivery sent back after a lost answer
/// until the whole batch is through, and on Discord a resend minutes later falls outside the nonce
/// window (the chaos run saw one 210 s late). The next claim takes those tried before first.
const BATCH_TURN: Duration = Duration::from_secs(20);

/// Failed attempts before a transient failure counts as permanent. Claims cut short by a crash
/// are not counted: a delivery an instance was holding when it was killed has not failed.
const MAX_FAILURES: i64 = 8;

/// What sending came to, before it is recorded.
pub(crate) enum Sent {
    Posted(MessageRef),
    Skipped(&'static str),
}

/// A job as its deliveries in one batch see it.
enum JobContext {
    Ready(Job, Option<Box<CheckinBatch>>),
    /// None of its deliveries goes, for this reason (the job is gone, or superseded).
    Skip(&'static str),
    /// Its context could not be read: each of its deliveries is recorded with this error.
    Broken(ChatError),
}

/// Everything the check-ins of one job share, read once per batch.
struct CheckinBatch {
    intake: Intake,
    month: String,
    pairs: HashMap<String, Pair>,
    people: HashMap<String, Participant>,
    webinar: Option<Webinar>,
    recording: Option<Webinar>,
    resource: Option<crate::store::resources::Resource>,
    answers: HashMap<String, Checkin>,
}

impl App {
    /// Sends a batch of claimed deliveries, one job's context at a time. What goes wrong with
    /// one job (its context cannot be read, a send panics) is recorded on its deliveries and
    /// the batch goes on.
    pub(crate) async fn deliver_batch(&self, claimed: Vec<Delivery>) -> anyhow::Result<RunReport> {
        let mut report = RunReport::default();
        let mut jobs: HashMap<String, JobContext> = HashMap::new();
        let claimed_at = self.now();
        for (i, delivery) in claimed.iter().enumerate() {
            // Well inside the lease: what this batch has not sent by then goes back, so no other
            // worker takes over a delivery this one is about to send.
            if i > 0 && self.now().0 - claimed_at.0 > BATCH_TURN.as_millis() as i64 {
                self.give_back(&claimed[i..]).await?;
                break;
            }
            if !jobs.contains_key(&delivery.job_id) {
                let context = self.job_context(&delivery.job_id, &claimed).await;
                jobs.insert(delivery.job_id.clone(), context);
            }
            let result = match jobs.get(&delivery.job_id) {
                Some(JobContext::Ready(job, batch)) => {
                    let send = guarded(self.send(job, batch.as_deref(), delivery));
                    crate::chat::sending_delivery(
                        delivery.id.clone(),
                        u32::try_from(delivery.attempts).unwrap_or(u32::MAX),
                        send,
                    )
                    .await
                    .map_err(as_chat_error)
                }
                Some(JobContext::Skip(why)) => Ok(Sent::Skipped(why)),
                Some(JobContext::Broken(err)) => Err(err.clone()),
                None => Ok(Sent::Skipped("its job is gone")),
            };
            let kind = match jobs.get(&delivery.job_id) {
                Some(JobContext::Ready(job, _)) => Some(job.kind),
                _ => None,
            };
            report.add(self.record(delivery, result, kind).await?);
        }
        Ok(report)
    }

    /// What a job's deliveries in this batch need, or why they cannot go.
    async fn job_context(&self, job_id: &str, claimed: &[Delivery]) -> JobContext {
        let loaded = async {
            let Some(job) = store::jobs::find(self.store.pool(), job_id).await? else {
                return Ok(JobContext::Skip("its job is gone"));
            };
            if pileups::series_of(&job).is_some()
                && store::jobs::superseded(self.store.pool(), &job, self.now()).await?
            {
                return Ok(JobContext::Skip("superseded by a newer one"));
            }
            let batch = self.checkin_batch(&job, claimed).await?;
            Ok(JobContext::Ready(job, batch.map(Box::new)))
        };
        match guarded(loaded).await {
            Ok(context) => context,
            Err(err) => {
                tracing::warn!(job = %job_id, error = ?err, "could not read what a job's deliveries need");
                JobContext::Broken(as_chat_error(err))
            }
        }
    }

    /// Ends this worker's leases on `rest`, not tried, so the next claim can put first what
    /// must not wait (deliveries tried before).
    async fn give_back(&self, rest: &[Delivery]) -> anyhow::Result<()> {
        let ids: Vec<&str> = rest.iter().map(|d| d.id.as_str()).collect();
        let mut db = self.store.writer().await?;
        store::deliveries::give_back(&mut *db, &ids, &self.settings.worker).await?;
        Ok(())
    }

    /// Loads what a check-in job's deliveries in this batch need; `None` for other kinds.
    async fn checkin_batch(
        &self,
        job: &Job,
        claimed: &[Delivery],
    ) -> anyhow::Result<Option<CheckinBatch>> {
        if job.kind != JobKind::Checkin {
            return Ok(None);
        }
        let db = self.store.pool();
        let Some(intake) = store::intakes::find(db, &job.target).await? else {
            return Ok(None);
        };
        let month = month_of(job.due_at, intake.zone);
        let ids: Vec<String> = claimed
            .iter()
            .filter(|d| d.job_id == job.id)
            .map(|d| d.recipient.clone())
            .collect();
        let pairs = store::pairs::find_many(db, &ids).await?;
        let members: Vec<String> = pairs
            .iter()
            .flat_map(|p| [p.mentor_id.clone(), p.mentee_id.clone()])
            .collect();
        let people = store::participants::find_many(db, &members).await?;
        let webinar = store::webinars::next_for(db, Some(&intake.id), job.due_at)
            .await?
            .filter(|w| month_of(w.starts_at, intake.zone) == month);
        let recording = self.recording_to_suggest(&intake.id, job.due_at).await?;
        let resource = self.resource_of_month(&month).await?;
        let answers = store::checkins::for_pairs(db, &ids, &month).await?;
        Ok(Some(CheckinBatch {
            intake,
            month,
            pairs: pairs.into_iter().map(|p| (p.id.clone(), p)).collect(),
            people: people.into_iter().map(|p| (p.id.clone(), p)).collect(),
            webinar,
            recording,
            resource,
            answers: answers
                .into_iter()
                .map(|c| (c.pair_id.clone(), c))
                .collect(),
        }))
    }

    async fn send(
        &self,
        job: &Job,
        batch: Option<&CheckinBatch>,
        delivery: &Delivery,
    ) -> anyhow::Result<Sent> {
        match (job.kind, batch) {
            (JobKind::Checkin, Some(batch)) => self.send_checkin(job, batch, delivery).await,
            (JobKind::Checkin, None) => Ok(Sent::Skipped("the intake is gone")),
            (JobKind::HelpAlert, _) => self.send_help_alert(job, &delivery.recipient).await,
            (JobKind::SurveyInvitation | JobKind::SurveyReminder, _) => {
                self.send_survey_dm(job, &delivery.recipient).await
            }
            (
                JobKind::WebinarReminder
                | JobKind::WebinarLive
                | JobKind::WebinarRecording
                | JobKind::WebinarChanged,
                _,
            ) => self.send_calendar(job, &delivery.recipient).await,
            (JobKind::MeetupInvite | JobKind::MeetupReminder | JobKind::MeetupChanged, _) => {
                self.send_meetup(job, &delivery.recipient).await
            }
            (JobKind::Announcement, _) => self.send_announcement(job, &delivery.recipient).await,
            (JobKind::SurveyClose, _) => Ok(Sent::Skipped("a survey's closing sends nothing")),
            (JobKind::CalendarLinks, _) => self.send_calendar_links(&delivery.recipient).await,
            (JobKind::SpaceRename, _) => self.rename_space(&delivery.recipient).await,
        }
    }

    /// Posts the month's check-in in the pair's space, unless the pair ended or both paused.
    async fn send_checkin(
        &self,
        job: &Job,
        batch: &CheckinBatch,
        delivery: &Delivery,
    ) -> anyhow::Result<Sent> {
        let pair_id = delivery.recipient.as_str();
        let Some(pair) = batch.pairs.get(pair_id) else {
            return Ok(Sent::Skipped("the pair is gone"));
        };
        if pair.ended_at.is_some() {
            return Ok(Sent::Skipped("the pair has ended"));
        }
        let (Some(mentor), Some(mentee)) = (
            batch.people.get(&pair.mentor_id),
            batch.people.get(&pair.mentee_id),
        ) else {
            return Ok(Sent::Skipped("a member is gone"));
        };
        let now = self.now();
        if mentor.is_paused_at(now) && mentee.is_paused_at(now) {
            return Ok(Sent::Skipped("both members are paused"));
        }
        let space = match &pair.space_id {
            Some(id) => ChannelRef::new(pair.platform, id.clone()),
            None => self.open_space(pair).await?,
        };
        let answered = batch.answers.get(pair_id).map(|c| {
            let who = if c.answered_by == mentor.id {
                mentor
            } else {
                mentee
            };
            (who.display_name.clone(), c.answer, c.answered_at)
        });
        let prompt = messages::checkin_prompt(
            &batch.intake,
            pair,
            (mentor, mentee),
            &batch.month,
            (
                batch.webinar.as_ref(),
                batch.recording.as_ref(),
                batch.resource.as_ref(),
            ),
            answered,
            &delivery.id,
        );
        let posted = self.chats.on(pair.platform)?.post(&space, &prompt).await?;
        self.close_earlier_prompt(pair, &batch.intake, job.due_at)
            .await;
        Ok(Sent::Posted(posted))
    }

    /// Tells one coordinator, by DM on their platform, that a pair asked for help.
    async fn send_help_alert(&self, job: &Job, coordinator_id: &str) -> anyhow::Result<Sent> {
        let db = self.store.pool();
        let (pair_id, month) = job.target.split_once('|').unwrap_or((&job.target, ""));
        let (Some(pair), Some(coordinator)) = (
            store::pairs::find(db, pair_id).await?,
            store::participants::find(db, coordinator_id).await?,
        ) else {
            return Ok(Sent::Skipped("the pair or the coordinator is gone"));
        };
        // Queued while they coordinated, sent after they stepped down: not theirs to read now.
        let still = store::coordinators::contains(db, coordinator_id).await?
            || store::coordinators::holds_role(db, coordinator_id).await?;
        if !still {
            return Ok(Sent::Skipped("no longer a coordinator"));
        }
        let reachable = [pair.platform]
            .into_iter()
            .chain(Platform::ALL)
            .find_map(|p| {
                coordinator
                    .identity_on(p)
                    .filter(|_| self.chats.on(p).is_ok())
            });
        let Some(identity) = reachable else {
            return Ok(Sent::Skipped("the coordinator is on no connected platform"));
        };
        let alert = self.help_alert(&pair, month).await?;
        Ok(Sent::Posted(
            self.chats
                .on(identity.platform)?
                .dm(&identity, &alert)
                .await?,
        ))
    }

    /// Records the outcome, with the platform's message id when it was sent.
    async fn record(
        &self,
        delivery: &Delivery,
        result: Result<Sent, ChatError>,
        kind: Option<JobKind>,
    ) -> anyhow::Result<RunReport> {
        let mut report = RunReport::default();
        let now = self.now();
        let reason = result
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default();
        let outcome = match &result {
            Ok(Sent::Posted(at)) => {
                report.sent = 1;
                Settled::Sent {
                    channel_id: &at.channel.id,
                    message_id: &at.id,
                    at: now,
                }
            }
            Ok(Sent::Skipped(why)) => {
                report.skipped = 1;
                Settled::Skipped { reason: why }
            }
            Err(ChatError::Transient { retry_after, .. })
                if delivery.failures + 1 < MAX_FAILURES =>
            {
                report.retried = 1;
                let wait = backoff((delivery.failures + 1) as u32, *retry_after);
                Settled::Retry {
                    not_before: Timestamp(now.0 + wait.as_millis() as i64),
                    error: &reason,
                }
            }
            Err(_) => {
                report.failed = 1;
                tracing::warn!(delivery = %delivery.id, error = %reason, "a delivery failed for good");
                Settled::Failed { error: &reason }
            }
        };
        // Whether a survey reminder went out or was skipped says whether that person had answered
        // by then, so once it is settled either way its row goes.
        let outcome = match outcome {
            Settled::Sent { .. } | Settled::Skipped { .. }
                if kind == Some(JobKind::SurveyReminder) =>
            {
                Settled::Forgotten
            }
            other => other,
        };
        // One statement: where a prompt went is read back from here when an answer updates it.
        let mut db = self.store.writer().await?;
        if !store::deliveries::settle(&mut *db, &delivery.id, &self.settings.worker, outcome)
            .await?
        {
            tracing::warn!(delivery = %delivery.id, "lost the lease before recording a delivery");
        }
        drop(db);
        let outcome = if report.sent == 1 {
            "sent"
        } else if report.failed == 1 {
            "failed"
        } else {
            "other"
        };
        metrics::counter!("tandem_deliveries_total", "outcome" => outcome).increment(1);
        Ok(report)
    }
}

/// A platform error keeps its kind; anything else that will recur (a stored template that no
/// longer reads, a panic) fails for good, and the rest (the database, say) is worth another try.
fn as_chat_error(err: anyhow::Error) -> ChatError {
    let permanent = is_permanent(&err);
    match err.downcast::<ChatError>() {
        Ok(chat) => chat,
        Err(other) if permanent => ChatError::permanent(format!("{other:#}")),
        Err(other) => ChatError::transient(format!("internal: {other:#}"), None),
    }
}

/// The space a message was posted in, for updates.
pub(crate) fn message_ref(platform: Platform, channel: &str, id: &str) -> MessageRef {
    MessageRef {
        channel: ChannelRef::new(platform, channel),
        id: id.to_string(),
    }
}
