//! Who may read which calendar. Feeds and "Add to calendar" links carry their reader's own key
//! (`?key=`): join links often hold passcodes, so nothing is served without a key, and a key
//! reaches only what its holder is invited to (coordinators and the operator: everything).
//! Keys are revoked when their person is unpaired or forgotten.

use super::delivery::Sent;
use super::{App, AppResult, Caller};
use crate::domain::{hex, random_bytes};
use crate::messages;
use crate::store;
use crate::store::calendar_keys::{self, OPERATOR};
use crate::store::webinars::Webinar;

/// What a key holder may see.
enum Reach {
    Everything,
    /// Sessions of these intakes, and those for every intake.
    Intakes(Vec<String>),
}

impl Reach {
    fn sees(&self, w: &Webinar) -> bool {
        match (self, &w.intake_id) {
            (Reach::Everything, _) | (Reach::Intakes(_), None) => true,
            (Reach::Intakes(mine), Some(intake)) => mine.contains(intake),
        }
    }

    fn sees_intake(&self, intake: &str) -> bool {
        match self {
            Reach::Everything => true,
            Reach::Intakes(mine) => mine.iter().any(|i| i == intake),
        }
    }
}

impl App {
    /// Whose key a caller's links carry: the operator's, or their participant id.
    pub(crate) async fn calendar_holder(&self, caller: &Caller) -> AppResult<Option<String>> {
        if caller.operator {
            return Ok(Some(OPERATOR.to_string()));
        }
        Ok(self.participant(&caller.identity).await?.map(|p| p.id))
    }

    /// The holder's key, made now when they have none (or theirs was revoked).
    async fn calendar_key(&self, holder: &str) -> anyhow::Result<String> {
        let fresh = hex(&random_bytes::<24>());
        Ok(calendar_keys::key_for(self.store.pool(), holder, &fresh, self.now()).await?)
    }

    fn calendar_base(&self) -> String {
        format!(
            "{}/calendar",
            self.settings.public_url.trim_end_matches('/')
        )
    }

    /// The "Add to calendar" link for one session, for `holder` to use.
    pub(crate) async fn webinar_link(&self, w: &Webinar, holder: &str) -> anyhow::Result<String> {
        let key = self.calendar_key(holder).await?;
        Ok(format!(
            "{}/webinars/{}.ics?key={key}",
            self.calendar_base(),
            w.number
        ))
    }

    /// `holder`'s feed to subscribe to: every session they are invited to.
    pub(crate) async fn feed_link(&self, holder: &str) -> anyhow::Result<String> {
        let key = self.calendar_key(holder).await?;
        Ok(format!("{}/all.ics?key={key}", self.calendar_base()))
    }

    /// What `key` lets its holder see; `None` for a missing, unknown or revoked key.
    async fn reach(&self, key: Option<&str>) -> anyhow::Result<Option<Reach>> {
        let db = self.store.pool();
        let Some(key) = key.filter(|k| !k.is_empty()) else {
            return Ok(None);
        };
        let Some(holder) = calendar_keys::holder_of(db, key).await? else {
            return Ok(None);
        };
        if holder == OPERATOR || calendar_keys::coordinates(db, &holder).await? {
            return Ok(Some(Reach::Everything));
        }
        Ok(Some(Reach::Intakes(
            calendar_keys::intakes_of(db, &holder).await?,
        )))
    }

    /// `GET /calendar/webinars/N.ics?key=K`: `None` (a 404) unless the key's holder is invited.
    pub async fn webinar_ics_with_key(
        &self,
        number: i64,
        key: Option<&str>,
    ) -> anyhow::Result<Option<String>> {
        let Some(reach) = self.reach(key).await? else {
            return Ok(None);
        };
        Ok(self
            .webinar_ics(number)
            .await?
            .filter(|(w, _)| reach.sees(w))
            .map(|(_, file)| file))
    }

    /// `GET /calendar/INTAKE.ics?key=K` (`all.ics`: every session the holder is invited to):
    /// `None` (a 404) for a bad key or an intake that is not the holder's.
    pub async fn feed_ics_with_key(
        &self,
        intake: Option<&str>,
        key: Option<&str>,
    ) -> anyhow::Result<Option<String>> {
        let Some(reach) = self.reach(key).await? else {
            return Ok(None);
        };
        if let Some(name) = intake {
            match store::intakes::find_by_name(self.store.pool(), name).await? {
                Some(i) if reach.sees_intake(&i.id) => {}
                _ => return Ok(None),
            }
        }
        self.feed_ics(intake, |w| reach.sees(w)).await
    }

    /// The one-off notice after keys came in: everyone a keyless link reached gets theirs by DM.
    pub(crate) async fn calendar_links_recipients(&self) -> anyhow::Result<Vec<String>> {
        Ok(calendar_keys::linked_before(self.store.pool())
            .await?
            .into_iter()
            .map(|id| format!("{}{id}", super::calendar::PERSON))
            .collect())
    }

    pub(crate) async fn send_calendar_links(&self, recipient: &str) -> anyhow::Result<Sent> {
        let Some(person) = recipient.strip_prefix(super::calendar::PERSON) else {
            return Ok(Sent::Skipped("not a person"));
        };
        if store::participants::find(self.store.pool(), person)
            .await?
            .is_none()
        {
            return Ok(Sent::Skipped("the person is gone"));
        }
        let link = self.feed_link(person).await?;
        self.announce_to(recipient, &messages::calendar_links_renewed(&link))
            .await
    }
}
