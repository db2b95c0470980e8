//! Answering a survey: the caller's open survey, shown as a form or question by question, and
//! one answer at a time from the keyboard, each checked before anything is stored.

use super::{FORM_PREFIX, OpenedSurvey, SurveyRefusal, respondent_key, template_of};
use crate::app::{App, AppResult, Caller, Reply};
use std::collections::BTreeMap;

use crate::chat::{Form, FormChoice, FormField};
use crate::domain::Role;
use crate::domain::survey::{PICK_SEPARATOR, Question, QuestionKind, Template, template};
use crate::messages::survey as words;
use crate::store::{self, surveys::Survey};

impl App {
    /// The caller's open survey (the newest one that asks them), and their role in its intake.
    pub(super) async fn my_survey(
        &self,
        caller: &Caller,
    ) -> AppResult<(OpenedSurvey, String, Role)> {
        let person = self
            .participant(&caller.identity)
            .await?
            .ok_or(SurveyRefusal::NoOpenSurvey)?;
        let mut any_open = false;
        for survey in store::surveys::list(self.store.pool())
            .await?
            .into_iter()
            .rev()
        {
            let survey = self.close_if_due(survey).await?;
            if !survey.open {
                continue;
            }
            any_open = true;
            let template = template_of(&survey)?;
            let audience = self.audience(&survey, &template).await?;
            if let Some((_, role)) = audience.iter().find(|(id, _)| *id == person.id) {
                return Ok((OpenedSurvey { survey, template }, person.id, *role));
            }
        }
        Err(if any_open {
            SurveyRefusal::NotInAudience
        } else {
            SurveyRefusal::NoOpenSurvey
        }
        .into())
    }

    /// `/survey`: the questions as a form, with the caller's answers so far.
    pub(crate) async fn command_survey_form(&self, caller: &Caller) -> AppResult<Reply> {
        let (opened, person, _) = self.my_survey(caller).await?;
        let key = respondent_key(&opened.survey, &person);
        let mine = self.answers_of(&opened.survey.id, &key).await?;
        Ok(form_reply(
            words::survey_form_intro(&opened.template, &mine),
            &opened,
            &mine,
        ))
    }

    pub(super) async fn answers_of(
        &self,
        survey_id: &str,
        key: &str,
    ) -> anyhow::Result<BTreeMap<String, String>> {
        Ok(store::surveys::responses(self.store.pool(), survey_id)
            .await?
            .into_iter()
            .find(|r| r.respondent == key)
            .map(|r| r.answers)
            .unwrap_or_default())
    }

    /// `/survey answer QUESTION VALUE`: checks everything first, then stores in one transaction.
    pub(crate) async fn command_survey_answer(
        &self,
        caller: &Caller,
        question: String,
        value: String,
    ) -> AppResult<Reply> {
        let (opened, person, role) = self.my_survey(caller).await?;
        let typed = question.trim().to_lowercase();
        let questions = &opened.template.questions;
        let q = questions
            .iter()
            .find(|q| q.id == typed)
            .or_else(|| {
                // The number shown in the form works too.
                typed
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| questions.get(i))
            })
            .ok_or_else(|| SurveyRefusal::UnknownQuestion {
                typed: question.clone(),
                known: questions.iter().map(|q| q.id.clone()).collect(),
            })?;
        let answer = q
            .check(&value)
            .map_err(|problem| SurveyRefusal::BadAnswer {
                question: q.id.clone(),
                problem,
            })?;
        let key = respondent_key(&opened.survey, &person);
        let mut tx = self.store.begin().await?;
        let response = store::surveys::response_id(&mut *tx, &opened.survey.id, &key, role).await?;
        store::surveys::set_answer(&mut *tx, &response, &q.id, &answer).await?;
        tx.commit().await?;
        let mine = self.answers_of(&opened.survey.id, &key).await?;
        Ok(Reply::private(words::answer_recorded(
            &opened.template,
            q,
            &answer,
            &mine,
        )))
    }
}

/// A reply that carries the survey's form with the caller's answers so far.
pub(super) fn form_reply(
    message: crate::chat::Message,
    opened: &OpenedSurvey,
    mine: &BTreeMap<String, String>,
) -> Reply {
    let mut reply = Reply::private(message);
    reply.form = Some(survey_form(&opened.survey, &opened.template, mine));
    reply
}

/// The survey as a platform-neutral form: one field per question, choices where there are some,
/// and the person's stored answers as the fields' current values.
pub fn survey_form(survey: &Survey, template: &Template, mine: &BTreeMap<String, String>) -> Form {
    Form {
        id: format!("{FORM_PREFIX}{}", survey.id),
        title: template.title.clone(),
        fields: template
            .questions
            .iter()
            .map(|q| form_field(q, mine.get(&q.id).map(String::as_str)))
            .collect(),
    }
}

/// Choices come back as their number (`2`; `yes`/`no` for yes-no), which [`Question::check`]
/// reads without ambiguity and which fits every platform's limit on option values.
fn form_field(q: &Question, stored: Option<&str>) -> FormField {
    let numbered = |labels: Vec<String>| -> Vec<FormChoice> {
        labels
            .into_iter()
            .enumerate()
            .map(|(i, label)| FormChoice {
                value: (i + 1).to_string(),
                label,
            })
            .collect()
    };
    let (choices, multiple) = match &q.kind {
        QuestionKind::YesNo => (
            ["yes", "no"]
                .map(|v| FormChoice {
                    value: v.into(),
                    label: v.into(),
                })
                .to_vec(),
            false,
        ),
        QuestionKind::Scale { labels } => (
            numbered(
                labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| format!("{} {l}", i + 1))
                    .collect(),
            ),
            false,
        ),
        QuestionKind::Single { choices } => (numbered(choices.clone()), false),
        QuestionKind::Multiple { choices } => (numbered(choices.clone()), true),
        QuestionKind::Text => (Vec::new(), false),
    };
    FormField {
        id: q.id.clone(),
        label: q.text.clone(),
        required: q.required,
        current: stored.map(|a| current_values(q, a)).unwrap_or_default(),
        max_chars: matches!(q.kind, QuestionKind::Text).then_some(template::MAX_TEXT),
        choices,
        multiple,
    }
}

/// A stored answer as the form's values: a choice's words become its number.
fn current_values(q: &Question, stored: &str) -> Vec<String> {
    let number = |choices: &[String], pick: &str| {
        choices
            .iter()
            .position(|c| c == pick)
            .map(|i| (i + 1).to_string())
    };
    match &q.kind {
        QuestionKind::Single { choices } => number(choices, stored).into_iter().collect(),
        QuestionKind::Multiple { choices } => stored
            .split(PICK_SEPARATOR)
            .filter_map(|p| number(choices, p))
            .collect(),
        _ => vec![stored.to_string()],
    }
}
