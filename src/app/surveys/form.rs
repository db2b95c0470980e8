//! A survey form sent back or asked for again. The form id names the survey and is re-checked
//! against the caller; every answer is checked before any is stored, so a form with one bad value
//! stores nothing.

use super::answering::form_reply;
use super::{App, FORM_PREFIX, OpenedSurvey, SurveyRefusal, respondent_key};
use crate::app::{AppResult, Caller, Reply, UserError};
use crate::domain::Role;
use crate::messages::survey as words;
use crate::store;

impl App {
    /// The survey a form id names, if it is still the caller's open one.
    async fn survey_of_form(
        &self,
        caller: &Caller,
        form_id: &str,
    ) -> AppResult<(OpenedSurvey, String, Role)> {
        let survey_id = form_id
            .strip_prefix(FORM_PREFIX)
            .ok_or(UserError::UnknownAction)?;
        if let Some(named) = store::surveys::find(self.store.pool(), survey_id).await?
            && !self.close_if_due(named).await?.open
        {
            return Err(SurveyRefusal::Closed.into());
        }
        let (opened, person, role) = self.my_survey(caller).await?;
        if opened.survey.id != survey_id {
            // An older form, or someone else's: the survey it names is not the caller's open one.
            return Err(SurveyRefusal::Closed.into());
        }
        Ok((opened, person, role))
    }

    /// The form again with the caller's answers so far (a platform paging through it).
    pub(crate) async fn request_form(&self, caller: &Caller, form_id: &str) -> AppResult<Reply> {
        let (opened, person, _) = self.survey_of_form(caller, form_id).await?;
        let mine = self
            .answers_of(&opened.survey.id, &respondent_key(&opened.survey, &person))
            .await?;
        Ok(form_reply(
            words::survey_form_intro(&opened.template, &mine),
            &opened,
            &mine,
        ))
    }

    /// The one entry point for submitted forms; only survey forms exist so far. The reply
    /// carries the form as it now stands, for platforms that show it again.
    pub(crate) async fn submit_form(
        &self,
        caller: &Caller,
        form_id: &str,
        answers: &[(String, Vec<String>)],
    ) -> AppResult<Reply> {
        let (opened, person, role) = self.survey_of_form(caller, form_id).await?;
        let questions = &opened.template.questions;
        let mut checked = Vec::new();
        for (field, values) in answers {
            let values: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
            if values.is_empty() {
                continue; // Left blank: an optional question, or one answered before.
            }
            let q = questions.iter().find(|q| &q.id == field).ok_or_else(|| {
                SurveyRefusal::UnknownQuestion {
                    typed: field.clone(),
                    known: questions.iter().map(|q| q.id.clone()).collect(),
                }
            })?;
            // Several picks are checked as one typed list, so they are stored in the template's
            // order like a keyboard answer (choices therefore must not contain commas).
            let typed: Vec<&str> = values.iter().map(|v| v.as_str()).collect();
            let answer = q
                .check(&typed.join(","))
                .map_err(|problem| SurveyRefusal::BadAnswer {
                    question: q.id.clone(),
                    problem,
                })?;
            checked.push((q.id.clone(), answer));
        }
        let key = respondent_key(&opened.survey, &person);
        let mut tx = self.store.begin().await?;
        let response = store::surveys::response_id(&mut *tx, &opened.survey.id, &key, role).await?;
        for (question, answer) in &checked {
            store::surveys::set_answer(&mut *tx, &response, question, answer).await?;
        }
        tx.commit().await?;
        let mine = self.answers_of(&opened.survey.id, &key).await?;
        Ok(form_reply(
            words::form_saved(&opened.template, &mine),
            &opened,
            &mine,
        ))
    }
}
