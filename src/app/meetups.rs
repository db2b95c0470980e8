//! Meetups: announced by DM to the participants in a city or region with RSVP buttons (one
//! answer per person, changeable), a reminder the day before to those going, and moves and
//! cancels handled as for webinars: what is not sent yet is withdrawn, those invited are told.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use super::calendar::{PERSON, typed_number};
use super::delivery::Sent;
use super::supervision::Unworkable;
use super::{App, AppResult, Caller, Reply, UserError};
use crate::commands::MeetupDraft;
use crate::domain::{Timestamp, new_id};
use crate::messages;
use crate::store::jobs::{Job, JobKind};
use crate::store::meetups::Meetup;
use crate::store::occasions::{self, Occasion};
use crate::store::{self, WriteTx};

/// Those going hear from us this long before.
const MEETUP_REMINDER: Duration = Duration::from_secs(86_400);
/// RSVP buttons: action ids and the answer each records.
pub const RSVP_ACTIONS: [(&str, &str); 3] = [
    ("meetup.going", "going"),
    ("meetup.maybe", "maybe"),
    ("meetup.cant", "cant"),
];

impl App {
    pub(crate) async fn command_meetup_add(&self, draft: MeetupDraft) -> AppResult<Reply> {
        let intake = self.webinar_intake(draft.intake.as_deref()).await?;
        let (intake_id, audience, zone) = self.webinar_audience(intake.as_ref(), draft.zone);
        let mut meetup = Meetup {
            id: new_id(),
            number: 0,
            intake_id,
            title: draft.title.trim().to_string(),
            city: draft.city.trim().to_string(),
            venue: draft.venue.trim().to_string(),
            starts_at: self.future_instant(draft.at, zone)?,
            zone,
            cancelled: false,
            created_at: self.now(),
        };
        let mut tx = self.store.begin().await?;
        meetup.number = store::meetups::insert(&mut *tx, &meetup).await?;
        let now = self.now();
        self.add_meetup_job(&mut tx, &meetup, JobKind::MeetupInvite, now)
            .await?;
        self.plan_meetup(&mut tx, &meetup).await?;
        tx.commit().await?;
        let locals = self.meetup_locals(&meetup, now).await?.len();
        Ok(Reply::private(messages::meetup_added(
            &meetup, &audience, locals,
        )))
    }

    pub(crate) async fn command_meetup_list(&self) -> AppResult<Reply> {
        let db = self.store.pool();
        let mut rows = Vec::new();
        for m in store::meetups::list(db).await? {
            let counts = store::meetups::counts(db, &m.id).await?;
            rows.push((m, counts));
        }
        Ok(Reply::private(messages::meetup_list(&rows)))
    }

    pub(crate) async fn command_meetup_cancel(&self, id: String) -> AppResult<Reply> {
        let mut meetup = self.meetup_numbered(&id).await?;
        let mut tx = self.store.begin().await?;
        store::jobs::withdraw(&mut tx, &format!("{}@", meetup.id)).await?;
        occasions::cancel(&mut *tx, Occasion::Meetup, &meetup.id).await?;
        let told = self.tell_invited(&mut tx, &meetup).await?;
        tx.commit().await?;
        meetup.cancelled = true;
        Ok(Reply::private(messages::meetup_changed_reply(
            &meetup, told,
        )))
    }

    pub(crate) async fn command_meetup_move(
        &self,
        id: String,
        at: NaiveDateTime,
        zone: Option<Tz>,
    ) -> AppResult<Reply> {
        let mut meetup = self.meetup_numbered(&id).await?;
        let zone = zone.unwrap_or(meetup.zone);
        meetup.starts_at = self.future_instant(at, zone)?;
        meetup.zone = zone;
        let mut tx = self.store.begin().await?;
        store::jobs::withdraw(&mut tx, &format!("{}@", meetup.id)).await?;
        occasions::set_start(
            &mut *tx,
            Occasion::Meetup,
            &meetup.id,
            meetup.starts_at,
            zone,
        )
        .await?;
        self.plan_meetup(&mut tx, &meetup).await?;
        let told = self.tell_invited(&mut tx, &meetup).await?;
        tx.commit().await?;
        Ok(Reply::private(messages::meetup_changed_reply(
            &meetup, told,
        )))
    }

    /// An RSVP button: records (or changes) the clicker's own answer, if they were invited.
    pub(crate) async fn press_rsvp(
        &self,
        caller: &Caller,
        answer: &str,
        meetup_id: &str,
    ) -> AppResult<Reply> {
        let person = self.caller_participant(caller).await?;
        let meetup = store::meetups::find(self.store.pool(), meetup_id)
            .await?
            .ok_or(UserError::UnknownAction)?;
        if meetup.cancelled {
            return Err(UserError::MeetupCancelled(meetup.number).into());
        }
        // A forwarded or forged button must not add someone who was never invited.
        if !store::meetups::was_invited(self.store.pool(), &meetup.id, &person.id).await? {
            return Err(UserError::NotInvitedToMeetup {
                number: meetup.number,
                city: meetup.city.clone(),
            }
            .into());
        }
        store::meetups::rsvp(
            self.store.pool(),
            &meetup.id,
            &person.id,
            answer,
            self.now(),
        )
        .await?;
        Ok(Reply::private(messages::rsvp_recorded(&meetup, answer)))
    }

    async fn meetup_numbered(&self, typed: &str) -> AppResult<Meetup> {
        let unknown = || UserError::UnknownMeetup(typed.to_string());
        let number = typed_number(typed).ok_or_else(unknown)?;
        let meetup = store::meetups::find_by_number(self.store.pool(), number)
            .await?
            .ok_or_else(unknown)?;
        if meetup.cancelled {
            return Err(UserError::MeetupCancelled(meetup.number).into());
        }
        Ok(meetup)
    }

    /// The day-before reminder, unless that moment has passed already.
    async fn plan_meetup(&self, tx: &mut WriteTx, m: &Meetup) -> AppResult<()> {
        let due = Timestamp(m.starts_at.0 - MEETUP_REMINDER.as_millis() as i64);
        if due > self.now() {
            self.add_meetup_job(tx, m, JobKind::MeetupReminder, due)
                .await?;
        }
        Ok(())
    }

    async fn tell_invited(&self, tx: &mut WriteTx, m: &Meetup) -> AppResult<usize> {
        let invited = store::meetups::invited(&mut **tx, &m.id).await?.len();
        if invited > 0 {
            let now = self.now();
            self.add_meetup_job(tx, m, JobKind::MeetupChanged, now)
                .await?;
        }
        Ok(invited)
    }

    async fn add_meetup_job(
        &self,
        tx: &mut WriteTx,
        m: &Meetup,
        kind: JobKind,
        due: Timestamp,
    ) -> AppResult<()> {
        let (target, key) = match kind {
            JobKind::MeetupReminder => (
                format!("{}@{}", m.id, m.starts_at.0),
                format!("meetup:{}:reminder:1d@{}", m.id, m.starts_at.0),
            ),
            JobKind::MeetupInvite => (m.id.clone(), invite_key(m)),
            _ => (m.id.clone(), format!("meetup:{}:changed@{}", m.id, due.0)),
        };
        Ok(self.add_event_job(tx, kind, key, target, due).await?)
    }

    /// Invitations go to the locals of the target intakes, reminders to those going, notices to
    /// those invited.
    pub(crate) async fn meetup_recipients(&self, job: &Job) -> anyhow::Result<Vec<String>> {
        let db = self.store.pool();
        let meetup_id = job.target.split('@').next().unwrap_or_default();
        let people = match job.kind {
            JobKind::MeetupChanged => return Ok(store::meetups::invited(db, meetup_id).await?),
            JobKind::MeetupReminder => store::meetups::going(db, meetup_id).await?,
            _ => {
                let Some(m) = store::meetups::find(db, meetup_id).await? else {
                    return Err(Unworkable::error("its meetup no longer exists"));
                };
                self.meetup_locals(&m, job.due_at).await?
            }
        };
        Ok(people.into_iter().map(|p| format!("{PERSON}{p}")).collect())
    }

    async fn meetup_locals(&self, m: &Meetup, at: Timestamp) -> anyhow::Result<Vec<String>> {
        let mut conn = self.store.pool().acquire().await?;
        Ok(locals_of(&mut conn, m, at).await?)
    }

    /// Someone who sets their city after a meetup there was announced still gets its invitation:
    /// one more recipient of the invitation job (one delivery per person and job, so never twice).
    /// Returns how many invitations this added.
    pub(super) async fn invite_latecomer(
        &self,
        tx: &mut WriteTx,
        person_id: &str,
        city: &str,
    ) -> AppResult<usize> {
        let now = self.now();
        let mut invited = 0;
        for m in store::meetups::upcoming_in(&mut **tx, city, now).await? {
            if !locals_of(tx, &m, now).await?.iter().any(|p| p == person_id) {
                continue;
            }
            let key = invite_key(&m);
            let Some(job) = store::jobs::find_by_key(&mut **tx, &key).await? else {
                continue;
            };
            let recipient = format!("{PERSON}{person_id}");
            if store::deliveries::insert_one(tx, &job.id, &recipient, now).await? {
                invited += 1;
            }
        }
        Ok(invited)
    }

    pub(crate) async fn send_meetup(&self, job: &Job, recipient: &str) -> anyhow::Result<Sent> {
        let (meetup_id, planned) = match job.target.split_once('@') {
            Some((id, start)) => (id, start.parse::<i64>().ok()),
            None => (job.target.as_str(), None),
        };
        let Some(m) = store::meetups::find(self.store.pool(), meetup_id).await? else {
            return Ok(Sent::Skipped("the meetup is gone"));
        };
        let stale =
            m.cancelled || self.now() >= m.starts_at || planned.is_some_and(|p| p != m.starts_at.0);
        let message = match job.kind {
            JobKind::MeetupChanged => messages::meetup_changed(&m),
            _ if stale => return Ok(Sent::Skipped("the meetup moved, was cancelled or began")),
            JobKind::MeetupInvite => messages::meetup_invite(&m, RSVP_ACTIONS),
            _ => messages::meetup_reminder(&m),
        };
        self.announce_to(recipient, &message).await
    }
}

fn invite_key(m: &Meetup) -> String {
    format!("meetup:{}:invite", m.id)
}

/// The participants in the meetup's city, in its intake or in every intake active `at`.
async fn locals_of(
    conn: &mut sqlx::AnyConnection,
    m: &Meetup,
    at: Timestamp,
) -> sqlx::Result<Vec<String>> {
    let intakes = store::intakes::targeted(conn, m.intake_id.as_deref(), at).await?;
    let mut locals = BTreeSet::new();
    for intake in intakes {
        locals.extend(store::meetups::locals(&mut *conn, &intake.id, &m.city).await?);
    }
    Ok(locals.into_iter().collect())
}
