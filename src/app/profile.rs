//! `/mentoring profile`: the city meetups are announced by, and the zone times fall back to.
//! People keep their own; coordinators can set anyone's (most people never type a command).

use chrono_tz::Tz;

use super::people::Named;
use super::{App, AppResult, Caller, Reply, UserError};
use crate::commands::Mention;
use crate::domain::Participant;
use crate::messages;
use crate::store::{self, WriteTx};

/// `city:none` clears the city.
const CLEAR: &str = "none";
/// Longer than any real city or region; keeps invitations and lists readable.
const CITY_MAX_CHARS: usize = 80;

impl App {
    pub(crate) async fn command_profile(
        &self,
        caller: &Caller,
        user: Option<Mention>,
        city: Option<String>,
        zone: Option<Tz>,
    ) -> AppResult<Reply> {
        let (mut person, own) = match user {
            None => (self.caller_participant(caller).await?, true),
            Some(mention) => {
                if !self.is_coordinator(caller).await? {
                    return Err(UserError::NotCoordinator.into());
                }
                match self.resolve(caller, &mention).await? {
                    Named::Known(p) => {
                        let own = self.participant(&caller.identity).await?.map(|me| me.id)
                            == Some(p.id.clone());
                        (p, own)
                    }
                    Named::New(p) => return Err(UserError::UnknownPerson(p.display_name).into()),
                }
            }
        };
        if city.is_none() && zone.is_none() {
            return Ok(Reply::private(messages::profile(&person, own, false)));
        }
        if let Some(typed) = city {
            person.city = typed_city(&typed)?;
        }
        if zone.is_some() {
            person.zone = zone;
        }
        let mut tx = self.store.begin().await?;
        let invited = self.store_place(&mut tx, &person).await?;
        tx.commit().await?;
        let mut reply = messages::profile(&person, own, true);
        if invited > 0 {
            reply = reply.line(messages::invited_late(invited, own));
        }
        Ok(Reply::private(reply))
    }
}

/// A typed city, trimmed; `none` clears it.
pub(crate) fn typed_city(typed: &str) -> Result<Option<String>, UserError> {
    let typed = typed.trim();
    if typed.chars().count() > CITY_MAX_CHARS {
        return Err(UserError::CityTooLong(CITY_MAX_CHARS));
    }
    Ok((!typed.eq_ignore_ascii_case(CLEAR)).then(|| typed.to_string()))
}

impl App {
    /// Stores the person's city and zone; a meetup already announced in their city still
    /// invites them. Returns how many invitations that added.
    pub(crate) async fn store_place(
        &self,
        tx: &mut WriteTx,
        person: &Participant,
    ) -> AppResult<usize> {
        store::participants::set_place(&mut **tx, &person.id, person.city.as_deref(), person.zone)
            .await?;
        match &person.city {
            Some(city) => self.invite_latecomer(tx, &person.id, city).await,
            None => Ok(0),
        }
    }
}
