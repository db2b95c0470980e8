//! `/mentoring help`: the commands this caller may run, straight from the command table.

use super::{App, AppResult, Caller, Reply};
use crate::commands::{Access, table};
use crate::messages;

impl App {
    pub(crate) async fn command_help(&self, caller: &Caller) -> AppResult<Reply> {
        let coordinator = self.is_coordinator(caller).await?;
        let specs: Vec<_> = table()
            .filter(|s| coordinator || s.access == Access::Anyone)
            .collect();
        let platform = caller.identity.platform;
        let readers = messages::Readers {
            names: self
                .space_coordinators(platform)
                .await?
                .into_iter()
                .map(|(_, n)| n)
                .collect(),
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
