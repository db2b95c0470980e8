//! Webinar commands: add, list, cancel, move, share a recording, and `/mentoring webinars` for
//! anyone. Each change and the jobs that carry it out (reminders, the live post, notices) are
//! written in one transaction, so a webinar never exists without its reminders or the reverse.

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use super::calendar::typed_number;
use super::{App, AppResult, Caller, Reply, UserError};
use crate::commands::WebinarDraft;
use crate::domain::calendar::{instant_in, offset_label, reminder_times};
use crate::domain::{Intake, Timestamp, new_id};
use crate::messages;
use crate::store::jobs::JobKind;
use crate::store::occasions::{self, Occasion};
use crate::store::webinars::Webinar;
use crate::store::{self, WriteTx};

/// A check-in suggests recordings of sessions held this many days before it.
const RECORDING_FRESH_DAYS: i64 = 45;

impl App {
    pub(crate) async fn command_webinar_add(
        &self,
        caller: &Caller,
        draft: WebinarDraft,
    ) -> AppResult<Reply> {
        let intake = self.webinar_intake(draft.intake.as_deref()).await?;
        let (intake_id, audience, zone) = self.webinar_audience(intake.as_ref(), draft.zone);
        let mut webinar = Webinar {
            id: new_id(),
            number: 0,
            intake_id,
            title: draft.title.trim().to_string(),
            speakers: draft.speakers,
            starts_at: self.future_instant(draft.at, zone)?,
            zone,
            join_url: draft.url,
            cancelled: false,
            recording_url: None,
            series: None,
            created_at: self.now(),
        };
        let mut tx = self.store.begin().await?;
        webinar.number = store::webinars::insert(&mut *tx, &webinar).await?;
        let reminders = self.plan_webinar(&mut tx, &webinar).await?;
        tx.commit().await?;
        let link = match self.calendar_holder(caller).await? {
            Some(holder) => Some(self.webinar_link(&webinar, &holder).await?),
            None => None,
        };
        Ok(Reply::private(messages::webinar_added(
            &webinar,
            &audience,
            reminders,
            link.as_deref(),
        )))
    }

    pub(crate) async fn command_webinar_list(&self) -> AppResult<Reply> {
        let webinars = store::webinars::list(self.store.pool()).await?;
        Ok(Reply::private(messages::webinar_list(
            &webinars,
            self.now(),
        )))
    }

    pub(crate) async fn command_webinar_cancel(&self, id: String) -> AppResult<Reply> {
        let mut webinar = self.webinar_numbered(&id).await?;
        let mut tx = self.store.begin().await?;
        store::jobs::withdraw(&mut tx, &format!("{}@", webinar.id)).await?;
        occasions::cancel(&mut *tx, Occasion::Webinar, &webinar.id).await?;
        let told = self.tell_reminded(&mut tx, &webinar).await?;
        tx.commit().await?;
        webinar.cancelled = true;
        Ok(Reply::private(messages::webinar_cancelled(&webinar, told)))
    }

    pub(crate) async fn command_webinar_move(
        &self,
        id: String,
        at: NaiveDateTime,
        zone: Option<Tz>,
    ) -> AppResult<Reply> {
        let mut webinar = self.webinar_numbered(&id).await?;
        let zone = zone.unwrap_or(webinar.zone);
        webinar.starts_at = self.future_instant(at, zone)?;
        webinar.zone = zone;
        let mut tx = self.store.begin().await?;
        // What was planned for the old time is withdrawn; the new time gets its own jobs.
        store::jobs::withdraw(&mut tx, &format!("{}@", webinar.id)).await?;
        occasions::set_start(
            &mut *tx,
            Occasion::Webinar,
            &webinar.id,
            webinar.starts_at,
            zone,
        )
        .await?;
        self.plan_webinar(&mut tx, &webinar).await?;
        let told = self.tell_reminded(&mut tx, &webinar).await?;
        tx.commit().await?;
        Ok(Reply::private(messages::webinar_moved(&webinar, told)))
    }

    pub(crate) async fn command_webinar_recording(
        &self,
        id: String,
        url: String,
    ) -> AppResult<Reply> {
        let mut webinar = self.webinar_numbered(&id).await?;
        let mut tx = self.store.begin().await?;
        store::webinars::set_recording(&mut *tx, &webinar.id, &url).await?;
        // Keyed by the instant, so a corrected link is posted again.
        self.add_webinar_job(
            &mut tx,
            &webinar,
            JobKind::WebinarRecording,
            "recording",
            self.now(),
        )
        .await?;
        tx.commit().await?;
        webinar.recording_url = Some(url);
        Ok(Reply::private(messages::recording_added(&webinar)))
    }

    pub(crate) async fn command_webinars(&self, caller: &Caller) -> AppResult<Reply> {
        let now = self.now();
        let all = store::webinars::list(self.store.pool()).await?;
        let (upcoming, past): (Vec<Webinar>, Vec<Webinar>) = all
            .into_iter()
            .filter(|w| !w.cancelled)
            .partition(|w| w.starts_at > now);
        let recorded: Vec<Webinar> = past
            .into_iter()
            .rev()
            .filter(|w| w.recording_url.is_some())
            .collect();
        let feed = match self.calendar_holder(caller).await? {
            Some(holder) => Some(self.feed_link(&holder).await?),
            None => None,
        };
        Ok(Reply::private(messages::webinars_calendar(
            &upcoming,
            &recorded,
            feed.as_deref(),
        )))
    }

    /// The intake a webinar is for: `None` for `intake:all`, else the named or newest active one.
    pub(super) async fn webinar_intake(&self, name: Option<&str>) -> AppResult<Option<Intake>> {
        if name.is_some_and(|n| n.eq_ignore_ascii_case("all")) {
            return Ok(None);
        }
        Ok(Some(self.active_intake_named(name).await?))
    }

    /// Its intake id, how replies name the audience, and the zone `at:` is read in.
    pub(super) fn webinar_audience(
        &self,
        intake: Option<&Intake>,
        zone: Option<Tz>,
    ) -> (Option<String>, String, Tz) {
        match intake {
            Some(i) => (Some(i.id.clone()), i.name.clone(), zone.unwrap_or(i.zone)),
            None => (
                None,
                "every intake".to_string(),
                zone.unwrap_or(self.settings.default_zone),
            ),
        }
    }

    /// The webinar a coordinator typed the number of (`3` or `#3`), if it is still on.
    pub(super) async fn webinar_numbered(&self, typed: &str) -> AppResult<Webinar> {
        let unknown = || UserError::UnknownWebinar(typed.to_string());
        let number = typed_number(typed).ok_or_else(unknown)?;
        let webinar = store::webinars::find_by_number(self.store.pool(), number)
            .await?
            .ok_or_else(unknown)?;
        if webinar.cancelled {
            return Err(UserError::WebinarCancelled(webinar.number).into());
        }
        Ok(webinar)
    }

    /// The instant a wall-clock time means in `zone`, refused when it is not in the future.
    pub(super) fn future_instant(&self, at: NaiveDateTime, zone: Tz) -> AppResult<Timestamp> {
        let starts = instant_in(at, zone).ok_or_else(|| UserError::NoSuchLocalTime {
            at: at.format("%Y-%m-%d %H:%M").to_string(),
            zone: zone.name().to_string(),
        })?;
        if starts <= self.now() {
            return Err(UserError::StartsInPast.into());
        }
        Ok(starts)
    }

    /// Jobs for a session at its current time: each reminder still ahead, and the live post.
    pub(super) async fn plan_webinar(&self, tx: &mut WriteTx, w: &Webinar) -> AppResult<usize> {
        let times = reminder_times(w.starts_at, &self.settings.webinar_reminders, self.now());
        for (offset, due) in &times {
            let what = format!("reminder:{}", offset_label(*offset));
            self.add_webinar_job(tx, w, JobKind::WebinarReminder, &what, *due)
                .await?;
        }
        self.add_webinar_job(tx, w, JobKind::WebinarLive, "live", w.starts_at)
            .await?;
        Ok(times.len())
    }

    /// A notice to everyone already reminded; how many places that is.
    async fn tell_reminded(&self, tx: &mut WriteTx, w: &Webinar) -> AppResult<usize> {
        let reminded = store::webinars::reminded(&mut **tx, &w.id).await?.len();
        if reminded > 0 {
            self.add_webinar_job(tx, w, JobKind::WebinarChanged, "changed", self.now())
                .await?;
        }
        Ok(reminded)
    }

    /// One job about a webinar. Reminders and the live post target "ID@START" so that a move
    /// can withdraw them by prefix and a late one can tell it is stale.
    async fn add_webinar_job(
        &self,
        tx: &mut WriteTx,
        w: &Webinar,
        kind: JobKind,
        what: &str,
        due: Timestamp,
    ) -> AppResult<()> {
        let timed = matches!(kind, JobKind::WebinarReminder | JobKind::WebinarLive);
        let (target, key) = if timed {
            let target = format!("{}@{}", w.id, w.starts_at.0);
            let key = format!("webinar:{}:{what}@{}", w.id, w.starts_at.0);
            (target, key)
        } else {
            (w.id.clone(), format!("webinar:{}:{what}@{}", w.id, due.0))
        };
        Ok(self.add_event_job(tx, kind, key, target, due).await?)
    }

    /// The recording a check-in at `at` suggests: the latest recorded session of the past weeks.
    pub(crate) async fn recording_to_suggest(
        &self,
        intake_id: &str,
        at: Timestamp,
    ) -> anyhow::Result<Option<Webinar>> {
        let since = Timestamp(at.0 - RECORDING_FRESH_DAYS * 86_400_000);
        Ok(
            store::webinars::recorded_between(self.store.pool(), Some(intake_id), since, at)
                .await?,
        )
    }
}
