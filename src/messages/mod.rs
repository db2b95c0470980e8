//! Every sentence Tandem says, in one place (ARCHITECTURE decision 2), as functions returning a
//! platform-neutral [`Message`]. Snapshot tests pin them. Names and anything else a person typed
//! go in as user text, so adapters escape them.

mod audit;
mod calendar;
mod checkin;
mod demo;
pub mod discord;
mod errors;
mod files;
mod meetups;
mod privacy;
mod program;
mod resources;
mod retention;
pub mod roster;
pub mod slack;
pub mod survey;
mod survey_results;

pub use audit::*;
pub use calendar::*;
pub use checkin::*;
pub use demo::{DemoOverview, demo_banner};
pub use errors::{internal_error, parse_error, user_error};
pub use files::*;
pub use meetups::*;
pub use privacy::*;
pub use program::*;
pub use resources::*;
pub use retention::*;

use crate::chat::Text;

/// `1 pair`, `3 pairs`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The closing line of every error: where to look next.
pub(crate) fn help_hint() -> Text {
    Text::new().plain("Type `/mentoring help` to see every command you can use.")
}

/// Where a message longer than its platform shows at once was cut (as mrkdwn/markdown).
pub fn shortened() -> &'static str {
    "_… shortened: the rest did not fit in one message._"
}
