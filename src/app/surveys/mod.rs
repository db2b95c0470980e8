//! Surveys: coordinators open, close and remind; participants see their survey as a form and
//! answer question by question, changing answers until it closes. Who answered is never shown,
//! and in an anonymous survey never stored: a keyed token stands in for the person while the
//! survey is open, and nothing at all once it closes.

mod answering;
pub mod chart;
mod closing;
pub mod export;
mod form;
mod invite;
mod key;
mod results;

pub use closing::close_survey;
pub use results::{EarlierRun, SurveyRow};

use chrono::NaiveDate;

use super::{App, AppResult, Caller, Reply, UserError};
use crate::domain::survey::{AnswerProblem, Template, template};
use crate::domain::{Role, Timestamp, new_id, random_id};
use crate::messages::survey as words;
use crate::store::jobs::{Job, JobKind, JobStatus};
use crate::store::{self, surveys::Survey};
use key::respondent_key;

/// The stable id a survey's form comes back under: `survey:ID`.
pub const FORM_PREFIX: &str = "survey:";

/// What a person is told when a survey command can't be done.
#[derive(Debug, Clone, PartialEq)]
pub enum SurveyRefusal {
    UnknownTemplate(String),
    UnknownSurvey(String),
    /// What was typed, and the short ids it could mean.
    AmbiguousSurvey(String, Vec<String>),
    ClosesInPast(NaiveDate),
    Closed,
    AlreadyClosed,
    NoOpenSurvey,
    /// The caller is not among the people the survey asks.
    NotInAudience,
    UnknownQuestion {
        typed: String,
        known: Vec<String>,
    },
    BadAnswer {
        question: String,
        problem: AnswerProblem,
    },
    AlreadyReminded,
    /// A template file (operator only) with problems, by line.
    BadTemplate(String, Vec<template::Problem>),
    /// Fewer than MIN_GROUP people answered: nothing to show or export.
    TooFew,
    /// Figures, charts and exports wait for the survey to close.
    StillOpen {
        id: String,
        closes_at: Option<Timestamp>,
    },
}

impl From<SurveyRefusal> for super::AppError {
    fn from(refusal: SurveyRefusal) -> Self {
        UserError::Survey(refusal).into()
    }
}

/// A survey with its template read back.
pub(crate) struct OpenedSurvey {
    pub survey: Survey,
    pub template: Template,
}

/// A stored template that no longer reads can never be used again: the job that needs it fails
/// for good (see `supervision.rs`) rather than being tried forever.
pub(crate) fn template_of(survey: &Survey) -> anyhow::Result<Template> {
    template::parse(&survey.template_toml).map_err(|problems| {
        let first = problems
            .first()
            .map(|p| format!("line {}: {:?}", p.line, p.what))
            .unwrap_or_default();
        crate::app::supervision::Unworkable::error(format!(
            "the stored survey template `{}` no longer reads: {first}",
            survey.template
        ))
    })
}

/// The one survey whose id is `typed` or starts with it (at least 4 characters: the chat shows
/// 8), for every place a coordinator or the operator names a survey.
pub fn pick<'a>(all: &'a [Survey], typed: &str) -> Result<&'a Survey, SurveyRefusal> {
    let typed = typed.trim().to_lowercase();
    let found: Vec<&Survey> = all
        .iter()
        .filter(|s| s.id == typed || (typed.len() >= 4 && s.id.starts_with(&typed)))
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(SurveyRefusal::UnknownSurvey(typed)),
        many => Err(SurveyRefusal::AmbiguousSurvey(
            typed,
            many.iter().map(|s| s.id.clone()).collect(),
        )),
    }
}

impl App {
    /// A built-in template by name; the operator at the terminal (`tandem admin`) may also name
    /// a `.toml` file, which a chat user never can.
    fn template_source(&self, caller: &Caller, name: &str) -> AppResult<String> {
        if let Some(toml) = template::built_in(name) {
            return Ok(toml.to_string());
        }
        if caller.operator && name.ends_with(".toml") {
            return std::fs::read_to_string(name)
                .map_err(|_| SurveyRefusal::UnknownTemplate(name.to_string()).into());
        }
        Err(SurveyRefusal::UnknownTemplate(name.to_string()).into())
    }

    pub(crate) async fn command_survey_open(
        &self,
        caller: &Caller,
        template_name: String,
        intake: Option<String>,
        closes: Option<NaiveDate>,
        anonymous: bool,
    ) -> AppResult<Reply> {
        let toml = self.template_source(caller, &template_name)?;
        let template = template::parse(&toml)
            .map_err(|problems| SurveyRefusal::BadTemplate(template_name.clone(), problems))?;
        let intake = self.active_intake_named(intake.as_deref()).await?;
        let now = self.now();
        if let Some(day) = closes
            && day < now.date_in(intake.zone)
        {
            return Err(SurveyRefusal::ClosesInPast(day).into());
        }
        // The end of the closing day in the intake's zone.
        let closes_at = closes
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| t.and_local_timezone(intake.zone).earliest())
            .map(|t| Timestamp::from_utc(t.with_timezone(&chrono::Utc)));
        let survey = Survey {
            // Random, so the 8 characters the chat shows tell surveys apart.
            id: random_id(),
            template: template.name.clone(),
            template_toml: toml,
            intake_id: intake.id.clone(),
            anonymous,
            secret: if anonymous {
                key::new_key()
            } else {
                String::new()
            },
            open: true,
            closes_at,
            opened_at: now,
            closed_at: None,
        };
        let invited = self.audience(&survey, &template).await?.len();
        let mut tx = self.store.begin().await?;
        store::surveys::insert(&mut *tx, &survey).await?;
        self.survey_job(&mut tx, &survey, JobKind::SurveyInvitation, now)
            .await?;
        if let Some(at) = closes_at {
            self.survey_job(&mut tx, &survey, JobKind::SurveyClose, at)
                .await?;
        }
        tx.commit().await?;
        Ok(Reply::private(words::survey_opened(
            &survey, &template, &intake, invited,
        )))
    }

    async fn survey_job(
        &self,
        tx: &mut sqlx::AnyConnection,
        survey: &Survey,
        kind: JobKind,
        due_at: Timestamp,
    ) -> anyhow::Result<bool> {
        let job = Job {
            id: new_id(),
            // One invitation, one reminder and one closing per survey, ever.
            key: job_key(kind, &survey.id),
            kind,
            target: survey.id.clone(),
            schedule_id: None,
            due_at,
            created_at: self.now(),
        };
        Ok(store::jobs::insert_if_new(tx, &job, JobStatus::Pending).await?)
    }

    /// Everyone the survey asks, with their role.
    pub(crate) async fn audience(
        &self,
        survey: &Survey,
        template: &Template,
    ) -> anyhow::Result<Vec<(String, Role)>> {
        Ok(
            store::surveys::enrolled(self.store.pool(), &survey.intake_id)
                .await?
                .into_iter()
                .filter(|(_, role)| template.audience.includes(*role))
                .collect(),
        )
    }

    /// Those of the audience who have not answered anything yet.
    pub(crate) async fn not_answered(&self, survey_id: &str) -> anyhow::Result<Vec<String>> {
        let Some(opened) = self.survey_by_id(survey_id).await? else {
            return Ok(Vec::new());
        };
        let answered: Vec<String> = store::surveys::responses(self.store.pool(), survey_id)
            .await?
            .into_iter()
            .filter(|r| !r.answers.is_empty())
            .map(|r| r.respondent)
            .collect();
        let audience = self.audience(&opened.survey, &opened.template).await?;
        Ok(audience
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| !answered.contains(&respondent_key(&opened.survey, id)))
            .collect())
    }

    pub(crate) async fn survey_by_id(&self, id: &str) -> anyhow::Result<Option<OpenedSurvey>> {
        match store::surveys::find(self.store.pool(), id).await? {
            Some(survey) => Ok(Some(OpenedSurvey {
                template: template_of(&survey)?,
                survey,
            })),
            None => Ok(None),
        }
    }

    /// A survey by its id or the first characters of it, closing it first if its day has passed.
    pub(crate) async fn survey_named(&self, typed: &str) -> AppResult<OpenedSurvey> {
        let all = store::surveys::list(self.store.pool()).await?;
        let survey = pick(&all, typed)?.clone();
        let survey = self.close_if_due(survey).await?;
        Ok(OpenedSurvey {
            template: template_of(&survey)?,
            survey,
        })
    }

    pub(crate) async fn command_survey_remind(&self, id: String) -> AppResult<Reply> {
        let opened = self.survey_named(&id).await?;
        if !opened.survey.open {
            return Err(SurveyRefusal::Closed.into());
        }
        let waiting = self.not_answered(&opened.survey.id).await?.len();
        let mut tx = self.store.begin().await?;
        if !self
            .survey_job(&mut tx, &opened.survey, JobKind::SurveyReminder, self.now())
            .await?
        {
            return Err(SurveyRefusal::AlreadyReminded.into());
        }
        tx.commit().await?;
        Ok(Reply::private(words::reminder_queued(waiting)))
    }
}

/// The unique key of a survey's job of `kind`: `survey_close:ID`, say.
fn job_key(kind: JobKind, survey_id: &str) -> String {
    format!("{}:{survey_id}", kind.as_str())
}
