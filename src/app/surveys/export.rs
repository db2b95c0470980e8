//! A survey's answers as CSV or JSON, for coordinators and the CLI: one row per response, never
//! who gave it, and only once the survey has closed. The same rule as the figures decides what
//! appears ([`Disclosure`]): questions fewer than 3 people answered are left out, and so is the
//! role when mentors or mentees gave fewer than 3 answers to a question. Rows are sorted by their
//! answers, so their order says nothing about when or by whom they were given.

use anyhow::Context;
use serde::Serialize;

use super::{App, AppResult, Caller, Reply, SurveyRefusal, pick, template_of};
use crate::app::{AppError, UserError};
use crate::chat::Attachment;
use crate::domain::Timestamp;
use crate::domain::survey::results::{Disclosure, Response};
use crate::messages::survey as words;
use crate::store::audit::{AuditAction, AuditEntry};
use crate::store::{self, Store, surveys::Survey};

#[derive(Debug, Serialize, PartialEq)]
pub struct Export {
    pub survey: String,
    pub template: String,
    pub intake: String,
    pub anonymous: bool,
    /// The questions exported, in the template's order.
    pub questions: Vec<String>,
    /// Questions left out because fewer than 3 people answered them.
    pub withheld_questions: Vec<String>,
    /// Whether rows carry their role.
    pub by_role: bool,
    pub responses: Vec<ExportRow>,
}

#[derive(Debug, Serialize, PartialEq, PartialOrd, Eq, Ord)]
pub struct ExportRow {
    /// `mentor` or `mentee`, when roles are shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// One entry per exported question; `None` where it was left unanswered.
    pub answers: Vec<Option<String>>,
}

/// The export of a closed survey; refused while it is open or when nothing may be shown.
pub async fn rows(store: &Store, survey: &Survey) -> AppResult<Export> {
    if survey.open {
        return Err(SurveyRefusal::StillOpen {
            id: survey.id.clone(),
            closes_at: survey.closes_at,
        }
        .into());
    }
    let db = store.pool();
    let template = template_of(survey)?;
    let intake = store::intakes::find(db, &survey.intake_id)
        .await?
        .map(|i| i.name)
        .unwrap_or_default();
    let responses: Vec<Response> = store::surveys::responses(db, &survey.id)
        .await?
        .into_iter()
        .map(|r| Response {
            role: r.role,
            answers: r.answers,
        })
        .collect();
    let shown = Disclosure::of(&template, &responses);
    let (questions, withheld): (Vec<_>, Vec<_>) = template
        .questions
        .iter()
        .map(|q| q.id.clone())
        .partition(|id| shown.shows(id));
    let mut rows: Vec<ExportRow> = responses
        .into_iter()
        .map(|r| ExportRow {
            role: shown.by_role.then(|| r.role.as_str().to_string()),
            answers: questions
                .iter()
                .map(|q| r.answers.get(q).cloned())
                .collect(),
        })
        .filter(|row| row.answers.iter().any(Option::is_some))
        .collect();
    if questions.is_empty() {
        return Err(SurveyRefusal::TooFew.into());
    }
    rows.sort();
    Ok(Export {
        survey: survey.id.clone(),
        template: survey.template.clone(),
        intake,
        anonymous: survey.anonymous,
        questions,
        withheld_questions: withheld,
        by_role: shown.by_role,
        responses: rows,
    })
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first)
/// gets a leading apostrophe, which spreadsheets show as text. Every CSV Tandem writes goes
/// through this.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

pub fn to_csv(export: &Export) -> anyhow::Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = Vec::new();
    if export.by_role {
        header.push("role");
    }
    header.extend(export.questions.iter().map(String::as_str));
    out.write_record(header.iter().map(|c| spreadsheet_safe(c).into_owned()))?;
    for row in &export.responses {
        let cells = row
            .role
            .iter()
            .map(String::as_str)
            .chain(row.answers.iter().map(|a| a.as_deref().unwrap_or_default()));
        out.write_record(cells.map(|c| spreadsheet_safe(c).into_owned()))?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

pub fn to_json(export: &Export) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(export)? + "\n")
}

/// The CLI's `tandem export survey ID`: `ID` is the survey's id or its start, as the chat shows
/// it. A survey whose closing time has passed while no scheduler ran is closed first.
pub async fn export(
    store: &Store,
    typed: &str,
    format: &str,
    now: Timestamp,
) -> anyhow::Result<String> {
    let all = store::surveys::list(store.pool()).await?;
    let mut survey = pick(&all, typed)
        .map_err(|refusal| anyhow::anyhow!(words::export_refusal(&refusal)))?
        .clone();
    if survey.open && survey.closes_at.is_some_and(|at| at <= now) {
        super::close_survey(store, &survey.id, now).await?;
        survey = store::surveys::find(store.pool(), &survey.id)
            .await?
            .context("the survey disappeared while closing")?;
    }
    let export = match rows(store, &survey).await {
        Ok(export) => export,
        Err(AppError::User(UserError::Survey(refusal))) => {
            anyhow::bail!(words::export_refusal(&refusal))
        }
        Err(AppError::User(other)) => anyhow::bail!("{other:?}"),
        Err(AppError::Internal(err)) => return Err(err),
    };
    let entry = AuditEntry {
        at: now,
        actor: crate::app::audit::OPERATOR.to_string(),
        action: AuditAction::SurveyExport,
        subject: survey.id.clone(),
        detail: Some(format.to_string()),
    };
    store::audit::record(store.pool(), &entry).await?;
    match format {
        "json" => to_json(&export),
        _ => to_csv(&export),
    }
}

impl App {
    pub(crate) async fn command_survey_export(
        &self,
        caller: &Caller,
        id: String,
        format: String,
    ) -> AppResult<Reply> {
        let opened = self.survey_named(&id).await?;
        let export = rows(&self.store, &opened.survey).await?;
        let db = self.store.pool();
        let action = AuditAction::SurveyExport;
        self.audit(db, caller, action, &opened.survey.id, Some(&format))
            .await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_not() {
        for risky in [
            "=HYPERLINK(\"x\")",
            "+cmd|calc",
            "-2+3",
            "@SUM(1+1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(spreadsheet_safe(risky), format!("'{risky}"));
        }
        for plain in ["More socials", "4", "Weekday morning|Weekend", "", "a=b"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }
}
