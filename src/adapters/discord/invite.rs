//! `tandem discord invite-url`: the OAuth2 link a server admin opens to add the bot, with exactly
//! the scopes and permissions Tandem uses.

use super::spaces::{
    ATTACH_FILES, CREATE_PRIVATE_THREADS, CREATE_PUBLIC_THREADS, EMBED_LINKS, MANAGE_CHANNELS,
    MANAGE_ROLES, READ_MESSAGE_HISTORY, SEND_MESSAGES, SEND_MESSAGES_IN_THREADS, VIEW_CHANNEL,
};

/// Scopes: the bot user, and slash commands in the server.
pub const SCOPES: &[&str] = &["bot", "applications.commands"];

/// Manage Channels and Manage Roles make pair channels and their permission overwrites; the rest
/// lets the bot read and post in them and in private threads, open a webinar's live chat thread
/// under its live post (Create Public Threads), and attach survey charts and exports (Attach
/// Files).
pub const PERMISSIONS: u64 = MANAGE_CHANNELS
    | MANAGE_ROLES
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | SEND_MESSAGES_IN_THREADS;

pub fn invite_url(application_id: u64) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={application_id}&scope={}&permissions={PERMISSIONS}",
        SCOPES.join("%20")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_names_exactly_what_we_use() {
        assert_eq!(
            invite_url(42),
            "https://discord.com/oauth2/authorize?client_id=42&scope=bot%20applications.commands&permissions=378225675280"
        );
    }
}
