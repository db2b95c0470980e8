//! `/mentoring announce`: a coordinator's message to an intake (or all), to everyone or to one
//! role, now or at a set time. It is a job like any other, so a scheduled one survives restarts
//! and goes out once. Announcements reach everyone through the intake's channel; one for mentors
//! or mentees only goes by DM, since a channel post would reach both.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;

use super::calendar::PERSON;
use super::delivery::Sent;
use super::{App, AppResult, Caller, Reply};
use crate::domain::new_id;
use crate::messages;
use crate::store;
use crate::store::announcements::Announcement;
use crate::store::jobs::{Job, JobKind, JobStatus};

impl App {
    pub(crate) async fn command_announce(
        &self,
        text: String,
        intake: Option<String>,
        to: String,
        at: Option<NaiveDateTime>,
    ) -> AppResult<Reply> {
        let intake = self.webinar_intake(intake.as_deref()).await?;
        let (intake_id, audience, zone) = self.webinar_audience(intake.as_ref(), None);
        let now = self.now();
        let due_at = match at {
            Some(at) => self.future_instant(at, zone)?,
            None => now,
        };
        let announcement = Announcement {
            id: new_id(),
            intake_id,
            body: text.trim().to_string(),
            audience: to,
            due_at,
            created_at: now,
        };
        let job = Job {
            id: new_id(),
            key: format!("announce:{}", announcement.id),
            kind: JobKind::Announcement,
            target: announcement.id.clone(),
            schedule_id: None,
            due_at,
            created_at: now,
        };
        let mut tx = self.store.begin().await?;
        store::announcements::insert(&mut *tx, &announcement).await?;
        store::jobs::insert_if_new(&mut *tx, &job, JobStatus::Pending).await?;
        tx.commit().await?;
        Ok(Reply::private(messages::announcement_planned(
            &announcement,
            &audience,
            zone,
            at.is_some(),
        )))
    }

    /// A participant's own choice between their intake's channel and DMs.
    pub(crate) async fn command_announcements_by(
        &self,
        caller: &Caller,
        dm: bool,
    ) -> AppResult<Reply> {
        let person = self.caller_participant(caller).await?;
        store::announcements::set_preference(self.store.pool(), &person.id, dm).await?;
        Ok(Reply::private(messages::announcements_by(dm)))
    }

    pub(crate) async fn announcement_recipients(&self, job: &Job) -> anyhow::Result<Vec<String>> {
        let db = self.store.pool();
        let Some(a) = store::announcements::find(db, &job.target).await? else {
            return Err(super::supervision::Unworkable::error(
                "its announcement no longer exists",
            ));
        };
        let mut conn = db.acquire().await?;
        let intakes =
            store::intakes::targeted(&mut conn, a.intake_id.as_deref(), job.due_at).await?;
        drop(conn);
        let role = match a.audience.as_str() {
            "mentors" => Some("mentor"),
            "mentees" => Some("mentee"),
            _ => None,
        };
        let mut out = BTreeSet::new();
        for intake in intakes {
            let channel = role.is_none() && intake.announcement_channel.is_some();
            if channel {
                out.insert(format!("intake:{}", intake.id));
            }
            for (person, dm_only) in store::announcements::members(db, &intake.id, role).await? {
                if dm_only || !channel {
                    out.insert(format!("{PERSON}{person}"));
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    pub(crate) async fn send_announcement(
        &self,
        job: &Job,
        recipient: &str,
    ) -> anyhow::Result<Sent> {
        let Some(a) = store::announcements::find(self.store.pool(), &job.target).await? else {
            return Ok(Sent::Skipped("the announcement is gone"));
        };
        self.announce_to(recipient, &messages::announcement(&a))
            .await
    }
}
