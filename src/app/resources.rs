//! Program resources: coordinators add and remove links; anyone lists them; each pair's welcome
//! links them and each month's check-in suggests one, in turn.

use super::{App, AppResult, Reply, UserError};
use crate::domain::new_id;
use crate::messages;
use crate::store;
use crate::store::resources::Resource;

impl App {
    pub(crate) async fn command_resource_add(
        &self,
        name: String,
        url: String,
        description: Option<String>,
    ) -> AppResult<Reply> {
        let resource = Resource {
            id: new_id(),
            name: name.trim().to_string(),
            url,
            description,
            created_at: self.now(),
        };
        store::resources::upsert(self.store.pool(), &resource).await?;
        Ok(Reply::private(messages::resource_added(&resource)))
    }

    pub(crate) async fn command_resource_remove(&self, name: String) -> AppResult<Reply> {
        if !store::resources::remove(self.store.pool(), &name).await? {
            return Err(UserError::UnknownResource(name).into());
        }
        Ok(Reply::private(messages::resource_removed(&name)))
    }

    pub(crate) async fn command_resources(&self) -> AppResult<Reply> {
        let resources = store::resources::list(self.store.pool()).await?;
        Ok(Reply::private(messages::resource_list(&resources)))
    }

    /// The resource a check-in for `month` ('YYYY-MM') suggests: each month the next one.
    pub(crate) async fn resource_of_month(&self, month: &str) -> anyhow::Result<Option<Resource>> {
        let resources = store::resources::list(self.store.pool()).await?;
        if resources.is_empty() {
            return Ok(None);
        }
        let (year, m) = month.split_once('-').unwrap_or(("0", "0"));
        let index = year.parse::<usize>().unwrap_or(0) * 12 + m.parse::<usize>().unwrap_or(0);
        let turn = index % resources.len();
        Ok(resources.into_iter().nth(turn))
    }
}
