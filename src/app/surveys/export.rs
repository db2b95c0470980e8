//! A survey's answers as CSV or JSON, for coordinators and the CLI: one row per response, with
//! the respondent's role and never who they are. Rows are sorted by their answers, so their order
//! says nothing about when or by whom they were given.

use anyhow::Context;
use serde::Serialize;

use super::{App, AppResult, Reply, SurveyRefusal, template_of};
use crate::chat::Attachment;
use crate::domain::survey::{MIN_GROUP, Template};
use crate::messages::survey as words;
use crate::store::{self, Store};

#[derive(Debug, Serialize, PartialEq)]
pub struct Export {
    pub survey: String,
    pub template: String,
    pub intake: String,
    pub anonymous: bool,
    pub questions: Vec<String>,
    pub responses: Vec<ExportRow>,
}

#[derive(Debug, Serialize, PartialEq, PartialOrd, Eq, Ord)]
pub struct ExportRow {
    pub role: String,
    /// One entry per question, in the template's order; `None` where it was left unanswered.
    pub answers: Vec<Option<String>>,
}

/// The rows of a survey; `None` when it has fewer than [`MIN_GROUP`] respondents.
pub async fn rows(store: &Store, survey_id: &str) -> anyhow::Result<Option<(Export, Template)>> {
    let db = store.pool();
    let survey = store::surveys::find(db, survey_id)
        .await?
        .with_context(|| format!("there is no survey {survey_id}"))?;
    let template = template_of(&survey)?;
    let intake = store::intakes::find(db, &survey.intake_id)
        .await?
        .map(|i| i.name)
        .unwrap_or_default();
    let mut responses: Vec<ExportRow> = store::surveys::responses(db, &survey.id)
        .await?
        .into_iter()
        .filter(|r| !r.answers.is_empty())
        .map(|r| ExportRow {
            role: r.role.as_str().to_string(),
            answers: template
                .questions
                .iter()
                .map(|q| r.answers.get(&q.id).cloned())
                .collect(),
        })
        .collect();
    if responses.len() < MIN_GROUP {
        return Ok(None);
    }
    responses.sort();
    let export = Export {
        survey: survey.id,
        template: survey.template,
        intake,
        anonymous: survey.anonymous,
        questions: template.questions.iter().map(|q| q.id.clone()).collect(),
        responses,
    };
    Ok(Some((export, template)))
}

pub fn to_csv(export: &Export) -> anyhow::Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["role".to_string()];
    header.extend(export.questions.iter().cloned());
    out.write_record(&header)?;
    for row in &export.responses {
        let mut record = vec![row.role.clone()];
        record.extend(row.answers.iter().map(|a| a.clone().unwrap_or_default()));
        out.write_record(&record)?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

pub fn to_json(export: &Export) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(export)? + "\n")
}

/// The CLI's `tandem export survey ID`.
pub async fn export(store: &Store, survey_id: &str, format: &str) -> anyhow::Result<String> {
    let (export, _) = rows(store, survey_id).await?.with_context(|| {
        format!("survey {survey_id} has fewer than {MIN_GROUP} responses, so nothing is exported")
    })?;
    match format {
        "json" => to_json(&export),
        _ => to_csv(&export),
    }
}

impl App {
    pub(crate) async fn command_survey_export(
        &self,
        id: String,
        format: String,
    ) -> AppResult<Reply> {
        let opened = self.survey_named(&id).await?;
        let Some((export, _)) = rows(&self.store, &opened.survey.id).await? else {
            return Err(SurveyRefusal::TooFew.into());
        };
        let (text, media_type) = match format.as_str() {
            "json" => (to_json(&export)?, "application/json"),
            _ => (to_csv(&export)?, "text/csv"),
        };
        let name = words::export_file_name(&opened.survey, &format);
        let mut reply = Reply::private(words::survey_export(&opened.survey, &format, &name));
        reply.attachments.push(Attachment {
            name,
            media_type,
            bytes: text.into_bytes(),
        });
        Ok(reply)
    }
}
