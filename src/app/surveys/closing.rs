//! Closing a survey: at its closing time by the scheduler's `survey_close` job, or early by a
//! coordinator. Closing erases the key of an anonymous survey and replaces its answer tokens in
//! the same transaction, so from then on nothing stored can link an answer to a person.

use super::{App, AppResult, Reply, SurveyRefusal, job_key};
use crate::domain::Timestamp;
use crate::messages::survey as words;
use crate::store::jobs::JobKind;
use crate::store::{self, Backend, Store, surveys::Survey};

/// Closes the survey `id` for good; false when it was closed already. Also used by
/// `tandem export` for a survey whose closing time has passed while no scheduler ran.
pub async fn close_survey(store: &Store, id: &str, now: Timestamp) -> anyhow::Result<bool> {
    let mut tx = store.begin().await?;
    let closed = store::surveys::close(&mut *tx, id, now).await?;
    if closed {
        let anonymous = store::surveys::find(&mut *tx, id)
            .await?
            .is_some_and(|s| s.anonymous);
        if anonymous {
            store::surveys::forget_respondents(&mut tx, id).await?;
        }
        // A closing job still waiting for a later closing time runs now instead (and finds the
        // survey closed): nothing of the survey stays scheduled in the future.
        store::jobs::bring_forward(&mut *tx, &job_key(JobKind::SurveyClose, id), now).await?;
    }
    tx.commit().await?;
    if closed && store.backend() == Backend::Sqlite {
        // Old pages holding the key stay in the write-ahead log until a checkpoint; this one
        // copies them into the file (where `secure_delete` zeroed what was deleted) and empties
        // the log.
        let mut db = store.writer().await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *db)
            .await?;
    }
    Ok(closed)
}

impl App {
    /// The `survey_close` job's work: the survey closes at its time whoever is around.
    pub(crate) async fn close_survey(&self, id: &str) -> anyhow::Result<bool> {
        close_survey(&self.store, id, self.now()).await
    }

    /// The survey as it stands, closed first if its closing time has passed and the scheduler
    /// has not run since.
    pub(super) async fn close_if_due(&self, survey: Survey) -> anyhow::Result<Survey> {
        let now = self.now();
        if survey.open && survey.closes_at.is_some_and(|at| at <= now) {
            self.close_survey(&survey.id).await?;
            return Ok(store::surveys::find(self.store.pool(), &survey.id)
                .await?
                .unwrap_or(survey));
        }
        Ok(survey)
    }

    pub(crate) async fn command_survey_close(&self, id: String) -> AppResult<Reply> {
        let opened = self.survey_named(&id).await?;
        if !self.close_survey(&opened.survey.id).await? {
            return Err(SurveyRefusal::AlreadyClosed.into());
        }
        Ok(Reply::private(words::survey_closed(&opened.survey)))
    }
}
