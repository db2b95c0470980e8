//! Retention (`TANDEM_RETENTION_MONTHS`): once an intake ended longer ago than that, its check-in
//! notes (help notes among them) and its closed surveys' answers are deleted; a survey's figures
//! are stored first, so its results still show. Each scheduler pass runs it, and `tandem admin
//! retention [--dry-run]` runs it (or shows what it would delete) at once. Idempotent: what is
//! gone is not counted again. It never deletes the check-in answers themselves, pairs or people.

use chrono::Months;

use super::App;
use super::surveys::OpenedSurvey;
use crate::domain::{Intake, IntakeState, Timestamp};
use crate::store;

/// What retention deleted (or, in a dry run, would delete), by intake.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Retention {
    pub months: u32,
    pub intakes: Vec<Expired>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    pub intake: String,
    pub ended: Timestamp,
    pub notes: i64,
    pub surveys: usize,
    pub answers: i64,
}

impl App {
    /// Deletes what is past the retention period; with `dry_run`, only counts it.
    pub async fn apply_retention(&self, dry_run: bool) -> anyhow::Result<Retention> {
        let months = self.settings.retention_months;
        let mut report = Retention {
            months,
            intakes: Vec::new(),
        };
        let Some(cutoff) = self.now().to_utc().checked_sub_months(Months::new(months)) else {
            return Ok(report);
        };
        let cutoff = Timestamp::from_utc(cutoff);
        for intake in store::intakes::list(self.store.pool()).await? {
            let Some(ended) = self.ended_at(&intake).await? else {
                continue;
            };
            if ended >= cutoff {
                continue;
            }
            // One intake that cannot be done (a stored template that no longer reads) holds up
            // no other; it is tried again next pass.
            match self.expire(&intake, ended, dry_run).await {
                Ok(expired) if expired.notes > 0 || expired.answers > 0 => {
                    report.intakes.push(expired)
                }
                Ok(_) => {}
                Err(err) if dry_run => return Err(err),
                Err(err) => {
                    tracing::warn!(intake = %intake.id, error = ?err, "retention could not finish an intake")
                }
            }
        }
        if !dry_run && !report.intakes.is_empty() {
            tracing::info!(
                intakes = report.intakes.len(),
                "retention deleted old notes and answers"
            );
        }
        Ok(report)
    }

    /// When an intake ended: the end of its last day, or, closed by a coordinator, the last thing
    /// that happened in it if that came sooner. `None` while it runs.
    async fn ended_at(&self, intake: &Intake) -> anyhow::Result<Option<Timestamp>> {
        let last_day = intake
            .ends_on
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|midnight| midnight.and_local_timezone(intake.zone).earliest())
            .map(|t| Timestamp::from_utc(t.to_utc()));
        Ok(match intake.state_at(self.now()) {
            IntakeState::Active => None,
            IntakeState::Ended => last_day,
            IntakeState::Closed => {
                let last = store::intakes::last_activity(self.store.pool(), &intake.id).await?;
                Some(last_day.map_or(last, |day| day.min(last)))
            }
        })
    }

    /// One intake's notes and closed surveys' answers; each survey's figures kept first, in the
    /// same transaction as its answers go.
    async fn expire(
        &self,
        intake: &Intake,
        ended: Timestamp,
        dry_run: bool,
    ) -> anyhow::Result<Expired> {
        let db = self.store.pool();
        let mut expired = Expired {
            intake: intake.name.clone(),
            ended,
            notes: store::checkins::notes_in_intake(db, &intake.id).await?,
            surveys: 0,
            answers: 0,
        };
        let surveys = store::surveys::list(db).await?;
        for survey in surveys
            .into_iter()
            .filter(|s| s.intake_id == intake.id && !s.open)
        {
            let answers = store::surveys::answer_count(db, &survey.id).await?;
            if answers == 0 {
                continue;
            }
            expired.surveys += 1;
            expired.answers += answers;
            if dry_run {
                continue;
            }
            let opened = OpenedSurvey {
                template: super::surveys::template_of(&survey)?,
                survey,
            };
            let figures = serde_json::to_string(&self.survey_summary(&opened).await?)?;
            let mut tx = self.store.begin().await?;
            store::surveys::set_figures(&mut *tx, &opened.survey.id, &figures).await?;
            store::surveys::delete_answers(&mut tx, &opened.survey.id).await?;
            tx.commit().await?;
        }
        if !dry_run && expired.notes > 0 {
            store::checkins::clear_notes_in_intake(db, &intake.id).await?;
        }
        Ok(expired)
    }
}
