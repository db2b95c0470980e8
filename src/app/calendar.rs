//! Who hears about the program's calendar and how each notice goes out: to an intake's
//! announcement channel, or by DM to each participant who has no channel or asked for DMs.
//! A reminder or live post whose session moved, was cancelled or has already started is skipped,
//! never sent late.

use std::collections::BTreeSet;
use std::time::Duration;

use super::App;
use super::delivery::Sent;
use super::supervision::Unworkable;
use crate::chat::{ChannelRef, Message, MessageRef};
use crate::domain::{Intake, Platform, Timestamp, new_id};
use crate::messages;
use crate::store;
use crate::store::WriteTx;
use crate::store::jobs::{Job, JobKind, JobStatus};
use crate::store::webinars::Webinar;

/// A live post later than this after the start (downtime) is no longer "live".
const LIVE_GRACE: Duration = Duration::from_secs(30 * 60);

/// Recipient ids: an intake's channel, or one person.
const CHANNEL: &str = "intake:";
pub(super) const PERSON: &str = "person:";

impl App {
    /// Everyone a webinar job is for: the intakes' channels and the people reached by DM; for a
    /// change notice, those already reminded.
    pub(crate) async fn calendar_recipients(&self, job: &Job) -> anyhow::Result<Vec<String>> {
        let db = self.store.pool();
        let webinar_id = job.target.split('@').next().unwrap_or_default();
        if job.kind == JobKind::WebinarChanged {
            return Ok(store::webinars::reminded(db, webinar_id).await?);
        }
        let Some(webinar) = store::webinars::find(db, webinar_id).await? else {
            return Err(Unworkable::error("its webinar no longer exists"));
        };
        let mut conn = db.acquire().await?;
        let intakes =
            store::intakes::targeted(&mut conn, webinar.intake_id.as_deref(), job.due_at).await?;
        drop(conn);
        let mut out = BTreeSet::new();
        for intake in intakes {
            let has_channel = intake.announcement_channel.is_some();
            if has_channel {
                out.insert(format!("{CHANNEL}{}", intake.id));
            }
            for (person, dm_only) in store::webinars::audience(db, &intake.id).await? {
                if dm_only || !has_channel {
                    out.insert(format!("{PERSON}{person}"));
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    /// Sends one webinar notice to one recipient, re-reading the session so nothing stale goes out.
    pub(crate) async fn send_calendar(&self, job: &Job, recipient: &str) -> anyhow::Result<Sent> {
        let (webinar_id, planned_start) = match job.target.split_once('@') {
            Some((id, start)) => (id, start.parse::<i64>().ok()),
            None => (job.target.as_str(), None),
        };
        let Some(w) = store::webinars::find(self.store.pool(), webinar_id).await? else {
            return Ok(Sent::Skipped("the webinar is gone"));
        };
        let now = self.now();
        let message = match job.kind {
            JobKind::WebinarReminder | JobKind::WebinarLive
                if w.cancelled || planned_start != Some(w.starts_at.0) =>
            {
                return Ok(Sent::Skipped("the webinar moved or was cancelled"));
            }
            JobKind::WebinarReminder if now >= w.starts_at => {
                return Ok(Sent::Skipped("the webinar has already started"));
            }
            JobKind::WebinarReminder => {
                let offset = Duration::from_millis((w.starts_at.0 - job.due_at.0).max(0) as u64);
                // A person's DM carries their own link; a channel's readers each have theirs.
                let link = match recipient.strip_prefix(PERSON) {
                    Some(person) => Some(self.webinar_link(&w, person).await?),
                    None => None,
                };
                messages::webinar_reminder(&w, offset, link.as_deref())
            }
            JobKind::WebinarLive if now.0 - w.starts_at.0 > LIVE_GRACE.as_millis() as i64 => {
                return Ok(Sent::Skipped("too late to say the webinar is live"));
            }
            JobKind::WebinarLive => messages::webinar_live(&w, recipient.starts_with(CHANNEL)),
            JobKind::WebinarRecording => messages::webinar_recording(&w),
            JobKind::WebinarChanged => messages::webinar_changed(&w),
            _ => return Ok(Sent::Skipped("not a webinar job")),
        };
        let sent = self.announce_to(recipient, &message).await?;
        if let (JobKind::WebinarLive, Sent::Posted(post)) = (job.kind, &sent)
            && recipient.starts_with(CHANNEL)
        {
            self.open_live_chat(&w, post).await;
        }
        Ok(sent)
    }

    /// Opens the live chat's thread under a live post in a channel. The thread belongs to the
    /// post: once the post is out, the delivery counts as sent whatever happens here, so a failed
    /// thread is logged and never makes the post go out again. (A crash between the two repeats
    /// the post, and its thread, like any message in flight.)
    async fn open_live_chat(&self, w: &Webinar, post: &MessageRef) {
        let opened = match self.chats.on(post.channel.platform) {
            Ok(chat) => {
                chat.start_thread(
                    post,
                    &messages::webinar_thread_name(w),
                    &messages::webinar_thread_opening(w),
                )
                .await
            }
            Err(err) => Err(err),
        };
        if let Err(err) = opened {
            tracing::warn!(
                error = %err,
                webinar = %w.id,
                "the live post went out but its chat thread could not be opened"
            );
        }
    }

    /// Posts in an intake's announcement channel, or DMs a person on a platform we reach.
    pub(super) async fn announce_to(
        &self,
        recipient: &str,
        message: &Message,
    ) -> anyhow::Result<Sent> {
        let db = self.store.pool();
        if let Some(intake_id) = recipient.strip_prefix(CHANNEL) {
            let Some(intake) = store::intakes::find(db, intake_id).await? else {
                return Ok(Sent::Skipped("the intake is gone"));
            };
            let Some(channel) = intake.announcement_channel.clone() else {
                return Ok(Sent::Skipped("the intake has no announcement channel"));
            };
            let platform = self.intake_platform(&intake).await?;
            let at = ChannelRef::new(platform, channel);
            return Ok(Sent::Posted(
                self.chats.on(platform)?.post(&at, message).await?,
            ));
        }
        let person_id = recipient.strip_prefix(PERSON).unwrap_or(recipient);
        let Some(person) = store::participants::find(db, person_id).await? else {
            return Ok(Sent::Skipped("the person is gone"));
        };
        if person.is_paused_at(self.now()) {
            return Ok(Sent::Skipped("paused"));
        }
        let reachable = Platform::ALL
            .into_iter()
            .find_map(|p| person.identity_on(p).filter(|_| self.chats.on(p).is_ok()));
        let Some(identity) = reachable else {
            return Ok(Sent::Skipped("on no connected platform"));
        };
        Ok(Sent::Posted(
            self.chats
                .on(identity.platform)?
                .dm(&identity, message)
                .await?,
        ))
    }

    /// The platform an intake's channel lives on: where its pairs talk, else the first connected.
    async fn intake_platform(&self, intake: &Intake) -> anyhow::Result<Platform> {
        let pairs = store::pairs::list_for_intake(self.store.pool(), &intake.id, false).await?;
        let connected: Vec<Platform> = self.chats.platforms().collect();
        Ok(pairs
            .iter()
            .map(|p| p.platform)
            .find(|p| connected.contains(p))
            .or_else(|| connected.first().copied())
            .unwrap_or(Platform::Console))
    }
}

/// The number people type for a webinar or meetup: `3` or `#3`.
pub(super) fn typed_number(typed: &str) -> Option<i64> {
    typed.trim().trim_start_matches('#').parse().ok()
}

impl App {
    /// Stores one job about a webinar or meetup unless one with its key exists: the key makes a
    /// repeated command (or a retry) plan nothing twice.
    pub(super) async fn add_event_job(
        &self,
        tx: &mut WriteTx,
        kind: JobKind,
        key: String,
        target: String,
        due: Timestamp,
    ) -> sqlx::Result<()> {
        let job = Job {
            id: new_id(),
            key,
            kind,
            target,
            schedule_id: None,
            due_at: due,
            created_at: self.now(),
        };
        store::jobs::insert_if_new(&mut **tx, &job, JobStatus::Pending).await?;
        Ok(())
    }
}
