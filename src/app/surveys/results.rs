//! What coordinators read: the list of surveys, and one survey's figures beside earlier intakes
//! that ran the same template. Built only from anonymous figures (`domain::survey::results`).
//! While a survey is open only its response count and rate are shown: figures that moved as each
//! person answered would show, by comparing two views, what that person said.

use super::{App, AppResult, Caller, OpenedSurvey, Reply, template_of};
use crate::chat::Attachment;
use crate::domain::survey::results::{Response, Summary, summarise};
use crate::messages::survey as words;
use crate::store;
use crate::store::audit::AuditAction;

/// One line of the survey list.
#[derive(Debug, Clone)]
pub struct SurveyRow {
    pub survey: store::surveys::Survey,
    pub intake: String,
    pub invited: usize,
    pub responded: usize,
}

/// An earlier run of the same template, for comparison.
#[derive(Debug, Clone)]
pub struct EarlierRun {
    pub intake: String,
    pub summary: Summary,
}

impl App {
    pub(crate) async fn survey_summary(&self, opened: &OpenedSurvey) -> anyhow::Result<Summary> {
        // Past the retention period only the figures are left.
        if let Some(kept) = store::surveys::figures(self.store.pool(), &opened.survey.id).await? {
            return Ok(serde_json::from_str(&kept)?);
        }
        let invited = self.audience(&opened.survey, &opened.template).await?.len();
        let responses: Vec<Response> =
            store::surveys::responses(self.store.pool(), &opened.survey.id)
                .await?
                .into_iter()
                .map(|r| Response {
                    role: r.role,
                    answers: r.answers,
                })
                .collect();
        Ok(summarise(&opened.template, invited, &responses))
    }

    async fn intake_name(&self, id: &str) -> anyhow::Result<String> {
        Ok(store::intakes::find(self.store.pool(), id)
            .await?
            .map(|i| i.name)
            .unwrap_or_default())
    }

    pub(crate) async fn command_survey_results(
        &self,
        caller: &Caller,
        id: Option<String>,
    ) -> AppResult<Reply> {
        let Some(id) = id else {
            let mut rows = Vec::new();
            for survey in store::surveys::list(self.store.pool()).await? {
                let opened = OpenedSurvey {
                    template: template_of(&survey)?,
                    survey,
                };
                let summary = self.survey_summary(&opened).await?;
                rows.push(SurveyRow {
                    intake: self.intake_name(&opened.survey.intake_id).await?,
                    survey: opened.survey,
                    invited: summary.invited,
                    responded: summary.responded,
                });
            }
            return Ok(Reply::private(words::survey_list(&rows)));
        };
        let opened = self.survey_named(&id).await?;
        let summary = self.survey_summary(&opened).await?;
        self.audit(
            self.store.pool(),
            caller,
            AuditAction::SurveyResults,
            &opened.survey.id,
            None,
        )
        .await?;
        let intake = self.intake_name(&opened.survey.intake_id).await?;
        if opened.survey.open {
            return Ok(Reply::private(words::survey_results_while_open(
                &opened.survey,
                &opened.template,
                &intake,
                &summary,
            )));
        }
        let mut earlier = Vec::new();
        for other in store::surveys::list(self.store.pool()).await? {
            if other.open
                || other.template != opened.survey.template
                || other.intake_id == opened.survey.intake_id
                || other.opened_at > opened.survey.opened_at
            {
                continue;
            }
            let other = OpenedSurvey {
                template: template_of(&other)?,
                survey: other,
            };
            earlier.push(EarlierRun {
                intake: self.intake_name(&other.survey.intake_id).await?,
                summary: self.survey_summary(&other).await?,
            });
        }
        let mut reply = Reply::private(words::survey_results(
            &opened.survey,
            &opened.template,
            &intake,
            &summary,
            &earlier,
        ));
        if summary.responded >= crate::domain::survey::MIN_GROUP
            && let Some(png) = super::chart::results_chart(&opened.template.title, &summary)?
        {
            reply.attachments.push(Attachment {
                name: format!("survey-{}.png", &opened.survey.id[..8]),
                media_type: "image/png",
                bytes: png,
            });
        }
        Ok(reply)
    }
}
