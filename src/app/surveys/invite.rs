//! The survey's invitation and its one reminder, sent by DM through the durable scheduler: who
//! gets them is fixed when the job fans out, and checked again just before each send.

use super::App;
use crate::app::delivery::Sent;
use crate::app::supervision::Unworkable;
use crate::domain::Platform;
use crate::messages::survey as words;
use crate::store::{self, jobs::Job, jobs::JobKind};

impl App {
    /// Invitations go to the whole audience; the reminder only to those who have not answered.
    pub(crate) async fn survey_recipients(&self, job: &Job) -> anyhow::Result<Vec<String>> {
        let Some(opened) = self.survey_by_id(&job.target).await? else {
            return Err(Unworkable::error("its survey no longer exists"));
        };
        if !opened.survey.open {
            return Ok(Vec::new());
        }
        Ok(match job.kind {
            JobKind::SurveyReminder => self.not_answered(&opened.survey.id).await?,
            _ => self
                .audience(&opened.survey, &opened.template)
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
        })
    }

    pub(crate) async fn send_survey_dm(&self, job: &Job, person_id: &str) -> anyhow::Result<Sent> {
        let db = self.store.pool();
        let Some(opened) = self.survey_by_id(&job.target).await? else {
            return Ok(Sent::Skipped("the survey is gone"));
        };
        if !opened.survey.open || opened.survey.closes_at.is_some_and(|at| at <= self.now()) {
            return Ok(Sent::Skipped("the survey has closed"));
        }
        let reminder = job.kind == JobKind::SurveyReminder;
        if reminder
            && !self
                .not_answered(&opened.survey.id)
                .await?
                .iter()
                .any(|id| id == person_id)
        {
            return Ok(Sent::Skipped("they have answered since"));
        }
        let Some(person) = store::participants::find(db, person_id).await? else {
            return Ok(Sent::Skipped("the participant is gone"));
        };
        let Some(identity) = Platform::ALL
            .into_iter()
            .find_map(|p| person.identity_on(p).filter(|_| self.chats.on(p).is_ok()))
        else {
            return Ok(Sent::Skipped("the participant is on no connected platform"));
        };
        let zone = store::intakes::find(db, &opened.survey.intake_id)
            .await?
            .map(|i| i.zone)
            .unwrap_or(chrono_tz::UTC);
        let closes = opened.survey.closes_at.map(|at| (at, zone));
        let message = words::survey_invitation(&opened.template, closes, reminder);
        Ok(Sent::Posted(
            self.chats
                .on(identity.platform)?
                .dm(&identity, &message)
                .await?,
        ))
    }
}
