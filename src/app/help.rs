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
        Ok(Reply::private(messages::help(&specs, coordinator)))
    }
}
