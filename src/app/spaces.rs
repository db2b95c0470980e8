//! Pair spaces: each active pair gets one private channel on its platform, made through the Chat
//! port, recorded on the pair, and welcomed. Pairs left without one (a platform error, a crash)
//! are picked up again by [`App::open_missing_spaces`], so the work is resumable.

use anyhow::{Context, anyhow};

use super::App;
use crate::chat::{ChannelRef, ChatError, Member, SpaceRequest};
use crate::domain::{Intake, Pair};
use crate::messages;
use crate::store;

impl App {
    /// Makes (or finds again) the pair's private space and welcomes the pair the first time.
    pub async fn open_space(&self, pair: &Pair) -> anyhow::Result<ChannelRef> {
        if let Some(id) = &pair.space_id {
            return Ok(ChannelRef::new(pair.platform, id.clone()));
        }
        let db = self.store.pool();
        let intake = store::intakes::find(db, &pair.intake_id)
            .await?
            .context("the pair's intake is gone")?;
        let mentor = self.member(pair, &pair.mentor_id).await?;
        let mentee = self.member(pair, &pair.mentee_id).await?;
        let mut coordinators = Vec::new();
        for p in store::participants::find_many(db, &store::coordinators::list(db).await?).await? {
            coordinators.extend(p.identity_on(pair.platform));
        }
        let request = SpaceRequest {
            pair_id: pair.id.clone(),
            intake_name: intake.name.clone(),
            mentor: mentor.clone(),
            mentee: mentee.clone(),
            coordinators,
        };
        let chat = self.chats.on(pair.platform)?;
        let space = chat.ensure_private_space(&request).await?;
        store::pairs::set_space(db, &pair.id, &space.id).await?;
        // The space is recorded before the welcome: a crash in between costs a welcome, never a
        // second channel.
        let mut welcome = messages::welcome(&intake, &mentor, &mentee);
        let resources = store::resources::list(db).await?;
        if !resources.is_empty() {
            welcome = welcome.line(messages::welcome_resources(&resources));
        }
        if let Err(err) = chat.post(&space, &welcome).await {
            tracing::warn!(error = %err, pair = %pair.id, "could not post the welcome");
        }
        Ok(space)
    }

    async fn member(&self, pair: &Pair, participant_id: &str) -> anyhow::Result<Member> {
        let person = store::participants::find(self.store.pool(), participant_id)
            .await?
            .context("a pair member is gone")?;
        let identity = person
            .identity_on(pair.platform)
            .ok_or_else(|| anyhow!("{} has no account on {}", person.id, pair.platform.as_str()))?;
        Ok(Member {
            identity,
            display_name: person.display_name,
        })
    }

    /// Opens the spaces still missing; returns how many were made. Permanent failures are logged
    /// and left for a coordinator; transient ones are tried again on the next sweep.
    pub async fn open_missing_spaces(&self) -> anyhow::Result<usize> {
        let mut made = 0;
        let pairs = store::pairs::without_space(self.store.pool()).await?;
        // A pair on a platform this instance is not connected to waits for one that is.
        for pair in pairs
            .into_iter()
            .filter(|p| self.chats.on(p.platform).is_ok())
        {
            match self.open_space(&pair).await {
                Ok(_) => made += 1,
                Err(err) => {
                    tracing::warn!(error = %err, pair = %pair.id, "pair space still missing")
                }
            }
        }
        Ok(made)
    }

    /// Tells a pair in its space that it has ended; a failure only costs the notice.
    pub(crate) async fn say_goodbye(&self, pair: &Pair, intake: &Intake) {
        let Some(space) = &pair.space_id else { return };
        let sent = match self.chats.on(pair.platform) {
            Ok(chat) => {
                chat.post(
                    &ChannelRef::new(pair.platform, space.clone()),
                    &messages::pair_ended(intake),
                )
                .await
            }
            Err(err) => Err(err),
        };
        if let Err(err) = sent {
            tracing::warn!(error = %err, pair = %pair.id, "could not post the goodbye");
        }
    }
}

impl From<ChatError> for super::AppError {
    fn from(err: ChatError) -> Self {
        super::AppError::Internal(err.into())
    }
}
