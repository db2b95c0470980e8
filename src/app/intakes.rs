//! Intake commands: create, list, set the announcement channel, close; and finding "the intake"
//! a command means (named, or the newest active one).

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::{App, AppResult, Reply, UserError};
use crate::commands::ChannelMention;
use crate::domain::intake::check_new_intake;
use crate::domain::{Intake, IntakeState, IntakeStatus, new_id};
use crate::messages;
use crate::store;

/// One line of `intake list`.
#[derive(Debug, Clone)]
pub struct IntakeSummary {
    pub intake: Intake,
    pub state: IntakeState,
    pub pairs: usize,
}

impl App {
    /// The intake a command names, or the newest active one when it names none.
    pub(crate) async fn intake_named(&self, name: Option<&str>) -> AppResult<Intake> {
        let db = self.store.pool();
        match name {
            Some(name) => store::intakes::find_by_name(db, name)
                .await?
                .ok_or_else(|| UserError::UnknownIntake(name.to_string()).into()),
            None => {
                let now = self.now();
                store::intakes::list(db)
                    .await?
                    .into_iter()
                    .find(|i| i.is_active_at(now))
                    .ok_or_else(|| UserError::NoActiveIntake.into())
            }
        }
    }

    /// Like [`App::intake_named`], but refuses an intake that has closed or ended.
    pub(crate) async fn active_intake_named(&self, name: Option<&str>) -> AppResult<Intake> {
        let intake = self.intake_named(name).await?;
        if !intake.is_active_at(self.now()) {
            return Err(UserError::IntakeClosed(intake.name).into());
        }
        Ok(intake)
    }

    pub(crate) async fn command_intake_create(
        &self,
        name: String,
        zone: Option<Tz>,
        starts: Option<NaiveDate>,
        ends: Option<NaiveDate>,
        channel: Option<ChannelMention>,
    ) -> AppResult<Reply> {
        let name = name.trim().to_string();
        let zone = zone.unwrap_or(self.settings.default_zone);
        let today = self.now().date_in(zone);
        check_new_intake(&name, starts, ends, today).map_err(UserError::IntakeRule)?;
        let intake = Intake {
            id: new_id(),
            name,
            zone,
            starts_on: starts,
            ends_on: ends,
            status: IntakeStatus::Active,
            announcement_channel: channel.map(|c| c.id),
            created_at: self.now(),
        };
        let mut tx = self.store.begin().await?;
        match store::intakes::insert(&mut *tx, &intake).await {
            Err(err) if store::is_unique_violation(&err) => {
                return Err(UserError::IntakeNameTaken(intake.name).into());
            }
            other => other?,
        }
        store::schedules::set(&mut *tx, &self.default_checkins(&intake)).await?;
        tx.commit().await?;
        Ok(Reply::private(messages::intake_created(&intake)))
    }

    pub(crate) async fn command_intake_list(&self) -> AppResult<Reply> {
        let db = self.store.pool();
        let now = self.now();
        let mut summaries = Vec::new();
        for intake in store::intakes::list(db).await? {
            let pairs = store::pairs::list_for_intake(db, &intake.id, false)
                .await?
                .len();
            summaries.push(IntakeSummary {
                state: intake.state_at(now),
                intake,
                pairs,
            });
        }
        Ok(Reply::private(messages::intake_list(&summaries)))
    }

    pub(crate) async fn command_intake_channel(
        &self,
        channel: ChannelMention,
        intake: Option<String>,
    ) -> AppResult<Reply> {
        let intake = self.intake_named(intake.as_deref()).await?;
        store::intakes::set_announcement_channel(self.store.pool(), &intake.id, Some(&channel.id))
            .await?;
        Ok(Reply::private(messages::intake_channel_set(
            &intake,
            &channel.id,
        )))
    }

    pub(crate) async fn command_intake_close(&self, name: String) -> AppResult<Reply> {
        let intake = self.intake_named(Some(&name)).await?;
        if intake.status == IntakeStatus::Closed {
            return Err(UserError::IntakeClosed(intake.name).into());
        }
        store::intakes::set_status(self.store.pool(), &intake.id, IntakeStatus::Closed).await?;
        Ok(Reply::private(messages::intake_closed(&intake)))
    }
}
