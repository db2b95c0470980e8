//! Check-ins: setting an intake's schedule, the prompt each pair gets, answers by button or by
//! `/checkin`, help alerts to coordinators, and the coordinators' status view.

use chrono_tz::Tz;

use super::delivery::message_ref;
use super::{App, AppResult, Caller, Reply, UserError};
use crate::chat::{ChannelRef, Message};
use crate::domain::checkin::{Answer, month_of, quiet_months};
use crate::domain::schedule::{Cron, DEFAULT_CHECKIN_CRON, ScheduleKind};
use crate::domain::{Intake, Pair, Participant, Timestamp, new_id};
use crate::messages;
use crate::store::deliveries::Prompt;
use crate::store::jobs::{Job, JobKind, JobStatus};
use crate::store::schedules::Schedule;
use crate::store::{self, checkins::Checkin};

/// The stable ids of the check-in buttons, by answer.
pub fn action_of(answer: Answer) -> &'static str {
    match answer {
        Answer::Met => "checkin.met",
        Answer::NotYet => "checkin.not-yet",
        Answer::Help => "checkin.help",
    }
}

pub fn answer_of_action(action: &str) -> Option<Answer> {
    Answer::ALL.into_iter().find(|a| action_of(*a) == action)
}

/// `/mentoring status` lists at most this many failed jobs, newest first.
const FAILED_JOBS_SHOWN: i64 = 10;

/// One line of `/mentoring status`.
#[derive(Debug, Clone)]
pub struct PairStatusRow {
    pub mentor: Participant,
    pub mentee: Participant,
    pub last: Option<Checkin>,
    pub quiet_months: i32,
}

impl App {
    /// A new intake's default: the first Monday of each month at 10:00 in its zone.
    pub(crate) fn default_checkins(&self, intake: &Intake) -> Schedule {
        self.checkin_schedule(intake, DEFAULT_CHECKIN_CRON, intake.zone)
    }

    /// An intake's check-in schedule, starting now: nothing before this moment is sent.
    fn checkin_schedule(&self, intake: &Intake, cron: &str, zone: Tz) -> Schedule {
        Schedule {
            id: new_id(),
            kind: ScheduleKind::Checkin,
            target: intake.id.clone(),
            cron: cron.to_string(),
            zone,
            on: true,
            cursor_at: self.now(),
            created_at: self.now(),
        }
    }

    pub(crate) async fn command_checkins(
        &self,
        cron: Option<String>,
        intake: Option<String>,
        zone: Option<Tz>,
    ) -> AppResult<Reply> {
        let intake = self.active_intake_named(intake.as_deref()).await?;
        let Some(cron) = cron else {
            store::schedules::switch_off(self.store.pool(), ScheduleKind::Checkin, &intake.id)
                .await?;
            return Ok(Reply::private(messages::checkins_off(&intake)));
        };
        let zone = zone.unwrap_or(intake.zone);
        let parsed =
            Cron::parse(&cron).map_err(|e| anyhow::anyhow!("checked by the parser: {e}"))?;
        store::schedules::set(
            self.store.pool(),
            &self.checkin_schedule(&intake, &cron, zone),
        )
        .await?;
        let after = intake.checkins_after(self.now());
        let next: Vec<Timestamp> = parsed.occurrences_after(after, zone).take(3).collect();
        Ok(Reply::private(messages::checkins_set(
            &intake, &cron, zone, &next,
        )))
    }

    pub(crate) async fn command_schedules(&self) -> AppResult<Reply> {
        Ok(Reply::private(messages::schedule_list(
            &self.schedules().await?,
        )))
    }

    /// Every schedule with its intake's name and next run (none before the intake starts).
    pub async fn schedules(&self) -> anyhow::Result<Vec<(String, Schedule, Option<Timestamp>)>> {
        let db = self.store.pool();
        let mut rows = Vec::new();
        for schedule in store::schedules::list(db).await? {
            let intake = store::intakes::find(db, &schedule.target).await?;
            let after = intake
                .as_ref()
                .map_or(self.now(), |i| i.checkins_after(self.now()));
            let next = Cron::parse(&schedule.cron)
                .ok()
                .and_then(|c| c.occurrences_after(after, schedule.zone).next());
            rows.push((intake.map(|i| i.name).unwrap_or_default(), schedule, next));
        }
        Ok(rows)
    }

    /// The next `count` occurrences across every schedule that is on, soonest first.
    pub async fn upcoming(
        &self,
        count: usize,
    ) -> anyhow::Result<Vec<(Timestamp, String, Schedule)>> {
        let mut all = Vec::new();
        for (intake, schedule, next) in self.schedules().await?.into_iter().filter(|(_, s, _)| s.on)
        {
            let (Ok(cron), Some(next)) = (Cron::parse(&schedule.cron), next) else {
                continue;
            };
            for at in cron
                .occurrences_after(Timestamp(next.0 - 1), schedule.zone)
                .take(count)
            {
                all.push((at, intake.clone(), schedule.clone()));
            }
        }
        all.sort_by_key(|(at, intake, _)| (*at, intake.clone()));
        all.truncate(count);
        Ok(all)
    }

    pub(crate) async fn command_status(&self, intake: Option<String>) -> AppResult<Reply> {
        let intake = self.intake_named(intake.as_deref()).await?;
        let db = self.store.pool();
        let this_month = month_of(self.now(), intake.zone);
        let checkins = store::checkins::for_intake(db, &intake.id).await?;
        let mut rows = Vec::new();
        for row in self.pair_rows(&intake).await? {
            let mine: Vec<&Checkin> = checkins
                .iter()
                .filter(|c| c.pair_id == row.pair.id)
                .collect();
            let last_met = mine
                .iter()
                .rev()
                .find(|c| c.answer == Answer::Met)
                .map(|c| c.month.as_str());
            let paired = month_of(row.pair.created_at, intake.zone);
            rows.push(PairStatusRow {
                quiet_months: quiet_months(last_met, &paired, &this_month),
                last: mine.last().map(|c| (*c).clone()),
                mentor: row.mentor,
                mentee: row.mentee,
            });
        }
        rows.sort_by_key(|r| -r.quiet_months);
        let pairs = store::pairs::list_for_intake(db, &intake.id, true).await?;
        let mut failed = Vec::new();
        for f in store::deliveries::failures(db, JobKind::Checkin.as_str(), &intake.id).await? {
            let label = match pairs.iter().find(|p| p.id == f.recipient) {
                Some(p) => self.pair_label(p).await?,
                None => f.recipient.clone(),
            };
            failed.push((label, f.due_at, f.error));
        }
        let missed = store::jobs::missed_count(db, JobKind::Checkin, &intake.id).await?;
        let failed_jobs = store::jobs::failed_for(db, &intake.id, FAILED_JOBS_SHOWN).await?;
        Ok(Reply::private(messages::status(
            &intake,
            &rows,
            &failed,
            &failed_jobs,
            missed,
            &self.settings.switched_off,
        )))
    }

    async fn pair_label(&self, pair: &Pair) -> anyhow::Result<String> {
        let people = store::participants::find_many(
            self.store.pool(),
            &[pair.mentor_id.clone(), pair.mentee_id.clone()],
        )
        .await?;
        let name = |id: &str| {
            people
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.display_name.clone())
                .unwrap_or_default()
        };
        Ok(format!(
            "{} & {}",
            name(&pair.mentor_id),
            name(&pair.mentee_id)
        ))
    }

    /// The prompt for one pair and month, showing the answer so far and the month's webinar
    /// if it is still to come at `at`.
    /// The prompt for `month` as it reads at `at`; its buttons name the prompt's delivery.
    pub(crate) async fn checkin_prompt(
        &self,
        pair: &Pair,
        month: &str,
        at: Timestamp,
        prompt_id: &str,
    ) -> anyhow::Result<Message> {
        let db = self.store.pool();
        let intake = self.intake_of(pair).await?;
        let mentor = store::participants::find(db, &pair.mentor_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("mentor gone"))?;
        let mentee = store::participants::find(db, &pair.mentee_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("mentee gone"))?;
        let webinar = store::webinars::next_for(db, Some(&intake.id), at)
            .await?
            .filter(|w| month_of(w.starts_at, intake.zone) == month);
        let recording = self.recording_to_suggest(&intake.id, at).await?;
        let resource = self.resource_of_month(month).await?;
        let answered = match store::checkins::find(db, &pair.id, month).await? {
            Some(Checkin {
                answer,
                answered_by,
                answered_at,
                ..
            }) => {
                let who = if answered_by == mentor.id {
                    &mentor
                } else {
                    &mentee
                };
                Some((who.display_name.clone(), answer, answered_at))
            }
            _ => None,
        };
        Ok(messages::checkin_prompt(
            &intake,
            pair,
            (&mentor, &mentee),
            month,
            (webinar.as_ref(), recording.as_ref(), resource.as_ref()),
            answered,
            prompt_id,
        ))
    }

    pub(crate) async fn help_alert(&self, pair: &Pair, month: &str) -> anyhow::Result<Message> {
        let db = self.store.pool();
        let intake = store::intakes::find(db, &pair.intake_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("intake gone"))?;
        let label = self.pair_label(pair).await?;
        let checkin = store::checkins::find(db, &pair.id, month).await?;
        let note = checkin.and_then(|c| c.note);
        Ok(messages::help_alert(
            &intake,
            &label,
            month,
            pair.space_id.as_deref(),
            note.as_deref(),
        ))
    }

    /// `/checkin met|not-yet|help`: answers for the caller's pair (the one whose space this is,
    /// else the one in the newest active intake).
    pub(crate) async fn command_checkin(
        &self,
        caller: &Caller,
        channel: Option<&ChannelRef>,
        answer: Answer,
        note: Option<String>,
    ) -> AppResult<Reply> {
        let person = self
            .participant(&caller.identity)
            .await?
            .ok_or(UserError::NotInAPair)?;
        let pair = self
            .pair_of(&person, channel)
            .await?
            .ok_or(UserError::NotInAPair)?;
        let intake = self.intake_of(&pair).await?;
        let month = month_of(self.now(), intake.zone);
        self.record_answer(&pair, &month, answer, note.as_deref(), &person)
            .await?;
        self.refresh_prompt(&pair, &month).await;
        Ok(Reply::private(messages::checkin_recorded(answer, &month)))
    }

    /// A check-in button: only a member of that pair may answer, and only for the month of the
    /// prompt the button is on (stored with its delivery), whatever else the value names.
    pub(crate) async fn press_checkin(
        &self,
        caller: &Caller,
        answer: Answer,
        value: &str,
    ) -> AppResult<Reply> {
        let (pair_id, prompt_id) = value.split_once(':').ok_or(UserError::UnknownAction)?;
        let person = self
            .participant(&caller.identity)
            .await?
            .ok_or(UserError::NotYours)?;
        let pair = store::pairs::find(self.store.pool(), pair_id)
            .await?
            .ok_or(UserError::UnknownAction)?;
        if !pair.member_ids().contains(&person.id.as_str()) {
            return Err(UserError::NotYours.into());
        }
        let intake = self.intake_of(&pair).await?;
        let prompt = self
            .pressed_prompt(&pair, prompt_id)
            .await?
            .ok_or(UserError::UnknownAction)?;
        let month = prompt_month(&prompt, &intake);
        if pair.ended_at.is_some() {
            return Err(UserError::PairEnded.into());
        }
        self.record_answer(&pair, &month, answer, None, &person)
            .await?;
        let mut reply = Reply::private(messages::checkin_recorded(answer, &month));
        reply.replaces = Some(
            self.checkin_prompt(&pair, &month, self.now(), &prompt.delivery_id)
                .await?,
        );
        Ok(reply)
    }

    /// The prompt a button belongs to: its value names the prompt's delivery. Buttons posted
    /// before prompts were named carry a month instead; those answer only the pair's newest
    /// prompt, and only when it is of that month.
    async fn pressed_prompt(&self, pair: &Pair, named: &str) -> anyhow::Result<Option<Prompt>> {
        let db = self.store.pool();
        if crate::domain::checkin::first_day(named).is_none() {
            return Ok(store::deliveries::prompt(db, &pair.id, named).await?);
        }
        let intake = self.intake_of(pair).await?;
        let newest = store::deliveries::prompts_for(db, &pair.id)
            .await?
            .into_iter()
            .next();
        Ok(newest.filter(|p| prompt_month(p, &intake) == named))
    }

    /// The month a check-in job's prompts ask about; `None` for other jobs.
    pub(crate) async fn prompt_month_of(&self, job: &Job) -> anyhow::Result<Option<String>> {
        if job.kind != JobKind::Checkin {
            return Ok(None);
        }
        let intake = store::intakes::find(self.store.pool(), &job.target).await?;
        Ok(intake.map(|i| month_of(job.due_at, i.zone)))
    }

    async fn record_answer(
        &self,
        pair: &Pair,
        month: &str,
        answer: Answer,
        note: Option<&str>,
        by: &Participant,
    ) -> anyhow::Result<()> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let checkin = Checkin {
            pair_id: pair.id.clone(),
            month: month.to_string(),
            answer,
            note: note.map(String::from),
            answered_by: by.id.clone(),
            answered_at: now,
        };
        store::checkins::answer(&mut *tx, &checkin).await?;
        if answer == Answer::Help {
            // A durable job, so the alert survives a crash and goes out once per pair and month.
            let job = Job {
                id: new_id(),
                key: format!("help:{}:{month}", pair.id),
                kind: JobKind::HelpAlert,
                target: format!("{}|{month}", pair.id),
                schedule_id: None,
                due_at: now,
                created_at: now,
            };
            store::jobs::insert_if_new(&mut *tx, &job, JobStatus::Pending).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Updates the month's posted prompt after a typed answer; a failure only costs the update.
    async fn refresh_prompt(&self, pair: &Pair, month: &str) {
        let Ok(intake) = self.intake_of(pair).await else {
            return;
        };
        let Ok(prompts) = store::deliveries::prompts_for(self.store.pool(), &pair.id).await else {
            return;
        };
        let Some(prompt) = prompts
            .into_iter()
            .find(|p| prompt_month(p, &intake) == month)
        else {
            return;
        };
        let at = message_ref(pair.platform, &prompt.channel_id, &prompt.message_id);
        let rebuilt = self
            .checkin_prompt(pair, month, self.now(), &prompt.delivery_id)
            .await;
        let updated = match rebuilt {
            Ok(prompt) => prompt,
            Err(err) => return tracing::warn!(error = ?err, "could not rebuild a check-in prompt"),
        };
        if let Ok(chat) = self.chats.on(pair.platform)
            && let Err(err) = chat.update(&at, &updated).await
        {
            tracing::warn!(error = %err, pair = %pair.id, "could not update the check-in prompt");
        }
    }

    /// Closes the pair's previous prompt once a newer one is posted, unless it was answered (then
    /// it shows the answer): a pair never holds two open prompts. Each post closes the one before
    /// it, so older ones were closed in their turn. A failure only costs the edit.
    pub(crate) async fn close_earlier_prompt(
        &self,
        pair: &Pair,
        intake: &Intake,
        newer: Timestamp,
    ) {
        let db = self.store.pool();
        let earlier = match store::deliveries::prompts_for(db, &pair.id).await {
            Ok(prompts) => prompts.into_iter().find(|p| p.due_at < newer),
            Err(err) => return tracing::warn!(error = %err, "could not read a pair's prompts"),
        };
        let Some(prompt) = earlier else {
            return;
        };
        let (channel, message) = (&prompt.channel_id, &prompt.message_id);
        if channel.is_empty() || message.is_empty() {
            return;
        }
        let month = prompt_month(&prompt, intake);
        match store::checkins::find(db, &pair.id, &month).await {
            Ok(None) => {}
            Ok(Some(_)) => return,
            Err(err) => return tracing::warn!(error = %err, "could not read a pair's check-in"),
        }
        let at = message_ref(pair.platform, channel, message);
        if let Ok(chat) = self.chats.on(pair.platform)
            && let Err(err) = chat.update(&at, &messages::checkin_closed(&month)).await
        {
            tracing::warn!(error = %err, pair = %pair.id, "could not close an earlier check-in prompt");
        }
    }

    async fn intake_of(&self, pair: &Pair) -> anyhow::Result<Intake> {
        store::intakes::find(self.store.pool(), &pair.intake_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("intake gone"))
    }

    /// The person's active pair: the one whose space `channel` is, else the newest intake's.
    async fn pair_of(
        &self,
        person: &Participant,
        channel: Option<&ChannelRef>,
    ) -> anyhow::Result<Option<Pair>> {
        let db = self.store.pool();
        let mut mine = Vec::new();
        let now = self.now();
        for intake in store::intakes::list(db)
            .await?
            .into_iter()
            .filter(|i| i.is_active_at(now))
        {
            if let Some(pair) = store::pairs::active_for(db, &intake.id, &person.id).await? {
                mine.push(pair);
            }
        }
        if let Some(channel) = channel
            && let Some(pair) = mine
                .iter()
                .find(|p| p.space_id.as_deref() == Some(channel.id.as_str()))
        {
            return Ok(Some(pair.clone()));
        }
        Ok(mine.into_iter().next())
    }
}

/// The month a prompt asks about: stored with its delivery, or (for prompts fanned out before
/// that) its job's due time in the intake's zone.
fn prompt_month(prompt: &Prompt, intake: &Intake) -> String {
    prompt
        .month
        .clone()
        .unwrap_or_else(|| month_of(prompt.due_at, intake.zone))
}
