//! Adapters: the edges where platforms meet the app. They verify, decode, acknowledge and render;
//! they hold no business rules.

pub mod console;
pub mod discord;
pub mod http;
pub mod json;
pub mod slack;

/// How long one platform API call may take by default (`TANDEM_PLATFORM_TIMEOUT_SECS`).
pub const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);
