//! Pairing: pair, unpair, and the list of an intake's pairs. The rules (nobody pairs with
//! themselves, one active pair per person per intake, one platform per pair) are checked before
//! anything is written, and the writes happen in one transaction.

use super::people::Named;
use super::{App, AppResult, Caller, Reply, UserError};
use crate::commands::Mention;
use crate::domain::{Intake, Pair, Participant, Platform, Role, new_id};
use crate::messages;
use crate::store::{self, WriteTx};

/// One line of `/mentoring pairs`.
#[derive(Debug, Clone)]
pub struct PairRow {
    pub pair: Pair,
    pub mentor: Participant,
    pub mentee: Participant,
}

impl App {
    pub(crate) async fn command_pair(
        &self,
        caller: &Caller,
        mentor: Mention,
        mentee: Mention,
        intake: Option<String>,
    ) -> AppResult<Reply> {
        let intake = self.active_intake_named(intake.as_deref()).await?;
        let mentor = self.resolve(caller, &mentor).await?;
        let mentee = self.resolve(caller, &mentee).await?;
        let pair = self.new_pair(&intake, &mentor, &mentee, caller.identity.platform)?;
        let mut tx = self.store.begin().await?;
        self.record_pair(&mut tx, &intake, &pair, &mentor, &mentee)
            .await?;
        tx.commit().await?;
        let opened = self.open_space(&pair).await;
        let space = opened.as_ref().ok().cloned();
        let trouble = opened.err().map(|e| e.to_string());
        Ok(Reply::private(messages::paired(
            &intake,
            mentor.person(),
            mentee.person(),
            space.as_ref(),
            trouble,
        )))
    }

    /// The pair `/mentoring pair` would make, once the rules that need no write are met: nobody
    /// pairs with themselves, and both members share a platform (`preferred` when they can).
    pub(crate) fn new_pair(
        &self,
        intake: &Intake,
        mentor: &Named,
        mentee: &Named,
        preferred: Platform,
    ) -> AppResult<Pair> {
        if mentor.person().id == mentee.person().id {
            return Err(UserError::SelfPairing.into());
        }
        let platform = shared_platform(preferred, mentor.person(), mentee.person())?;
        Ok(Pair {
            id: new_id(),
            intake_id: intake.id.clone(),
            mentor_id: mentor.person().id.clone(),
            mentee_id: mentee.person().id.clone(),
            platform,
            space_id: None,
            created_at: self.now(),
            ended_at: None,
        })
    }

    /// Registers newcomers, stores the pair and enrols both members inside the caller's
    /// transaction; on an error the caller drops it and nothing is changed.
    pub(crate) async fn record_pair(
        &self,
        tx: &mut WriteTx,
        intake: &Intake,
        pair: &Pair,
        mentor: &Named,
        mentee: &Named,
    ) -> AppResult<()> {
        let already = |who: &Named| UserError::AlreadyPaired {
            person: who.person().display_name.clone(),
            intake: intake.name.clone(),
        };
        mentor.register(tx).await?;
        mentee.register(tx).await?;
        if let Err(err) = store::pairs::insert(&mut **tx, pair).await {
            if store::is_unique_violation(&err) {
                let who = self.already_paired_one(intake, &[mentor, mentee]).await;
                return Err(already(who.unwrap_or(mentor)).into());
            }
            return Err(err.into());
        }
        for (who, role) in [(mentor, Role::Mentor), (mentee, Role::Mentee)] {
            let enrolled = store::participants::enrol(
                &mut **tx,
                &intake.id,
                &who.person().id,
                role,
                &pair.id,
                pair.created_at,
            )
            .await?;
            if !enrolled {
                return Err(already(who).into());
            }
        }
        Ok(())
    }

    /// Which of the people is already in an active pair, for the error message.
    async fn already_paired_one<'a>(
        &self,
        intake: &Intake,
        people: &[&'a Named],
    ) -> Option<&'a Named> {
        for who in people {
            let found =
                store::pairs::active_for(self.store.pool(), &intake.id, &who.person().id).await;
            if matches!(found, Ok(Some(_))) {
                return Some(who);
            }
        }
        None
    }

    pub(crate) async fn command_unpair(
        &self,
        caller: &Caller,
        user: Mention,
        intake: Option<String>,
    ) -> AppResult<Reply> {
        let intake = self.intake_named(intake.as_deref()).await?;
        let person = match self.resolve(caller, &user).await? {
            Named::Known(p) => p,
            Named::New(p) => p,
        };
        let not_paired = || UserError::NotPaired {
            person: person.display_name.clone(),
            intake: intake.name.clone(),
        };
        let db = self.store.pool();
        let pair = store::pairs::active_for(db, &intake.id, &person.id)
            .await?
            .ok_or_else(not_paired)?;
        let mut tx = self.store.begin().await?;
        if !store::pairs::end(&mut *tx, &pair.id, self.now()).await? {
            return Err(not_paired().into());
        }
        store::participants::release(&mut *tx, &intake.id, &pair.id).await?;
        // Their calendar links stop working; the next link sent makes new keys.
        store::calendar_keys::revoke(&mut *tx, &[&pair.mentor_id, &pair.mentee_id]).await?;
        tx.commit().await?;
        let members =
            store::participants::find_many(db, &[pair.mentor_id.clone(), pair.mentee_id.clone()])
                .await?;
        let (mentor, mentee) = split_members(&pair, members)?;
        self.say_goodbye(&pair, &intake).await;
        // The goodbye first, so it is there to read; then neither of them reads the space again.
        self.remove_from_space(&pair, &[&mentor, &mentee]).await;
        Ok(Reply::private(messages::unpaired(
            &intake, &mentor, &mentee,
        )))
    }

    pub(crate) async fn command_pairs(&self, intake: Option<String>) -> AppResult<Reply> {
        let intake = self.intake_named(intake.as_deref()).await?;
        let rows = self.pair_rows(&intake).await?;
        Ok(Reply::private(messages::pair_list(
            &intake,
            &rows,
            self.now(),
        )))
    }

    /// The intake's active pairs with both members, in the order they were made.
    pub async fn pair_rows(&self, intake: &Intake) -> AppResult<Vec<PairRow>> {
        let db = self.store.pool();
        let pairs = store::pairs::list_for_intake(db, &intake.id, false).await?;
        let ids: Vec<String> = pairs
            .iter()
            .flat_map(|p| [p.mentor_id.clone(), p.mentee_id.clone()])
            .collect();
        let people = store::participants::find_many(db, &ids).await?;
        pairs
            .into_iter()
            .map(|pair| {
                let (mentor, mentee) = split_members(&pair, people.clone())?;
                Ok(PairRow {
                    pair,
                    mentor,
                    mentee,
                })
            })
            .collect()
    }
}

fn split_members(pair: &Pair, people: Vec<Participant>) -> AppResult<(Participant, Participant)> {
    let find = |id: &str| people.iter().find(|p| p.id == id).cloned();
    match (find(&pair.mentor_id), find(&pair.mentee_id)) {
        (Some(mentor), Some(mentee)) => Ok((mentor, mentee)),
        _ => {
            Err(anyhow::anyhow!("pair {} has a member who is not in participants", pair.id).into())
        }
    }
}

/// The platform a new pair lives on: the caller's when both members are there, otherwise the
/// first both have an account on.
fn shared_platform(
    preferred: Platform,
    mentor: &Participant,
    mentee: &Participant,
) -> AppResult<Platform> {
    let both = |p: Platform| mentor.identity_on(p).is_some() && mentee.identity_on(p).is_some();
    if both(preferred) {
        return Ok(preferred);
    }
    Platform::ALL.into_iter().find(|p| both(*p)).ok_or_else(|| {
        UserError::NoSharedPlatform {
            mentor: mentor.display_name.clone(),
            mentee: mentee.display_name.clone(),
        }
        .into()
    })
}
