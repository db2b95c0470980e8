//! `/mentoring help`: the commands this caller may run, straight from the command table.

use super::{App, AppResult, Caller, Reply};
use crate::commands::{Access, table};
use crate::messages;

impl App {
    pub(crate) async fn command_help(&self, caller: &Caller) -> AppResult<Reply> {
        let platform = caller.identity.platform;
        // One query for both what the caller may run and who reads pair spaces: help is the
        // command people try first, and each database round trip costs more than the rest.
        let coordinators = self.coordinators_on(platform).await?;
        let coordinator = caller.operator
            || caller.platform_coordinator
            || coordinators
                .iter()
                .any(|c| c.listed && c.identity == caller.identity);
        let specs: Vec<_> = table()
            .filter(|s| coordinator || s.access == Access::Anyone)
            .collect();
        let readers = messages::Readers {
            names: coordinators.into_iter().map(|c| c.name).collect(),
            role: self
                .chats
                .on(platform)
                .ok()
                .and_then(|c| c.coordinator_role()),
        };
        Ok(Reply::private(messages::help(
            &specs,
            coordinator,
            &readers,
        )))
    }
}
