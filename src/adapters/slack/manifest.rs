//! `tandem slack manifest`: the Slack app manifest (YAML) with exactly the scopes, commands,
//! events, interactivity and Socket Mode settings the bot uses. The scope list is also what the
//! start-up check demands of the token, so the two cannot drift apart.

use crate::commands::Root;

/// Bot scopes, each for a reason:
/// `commands` (the slash commands), `chat:write` (post, update, ephemeral, thread replies, and
/// DMs: a message posted to a member id lands in the app's Messages tab), `files:write` (survey
/// charts and exports, uploaded into the coordinator's DM), `im:write` (`conversations.open`: a
/// file is shared into a DM's channel id, never a member id),
/// `groups:write` (create private pair channels, invite, set their purpose),
/// `groups:read` (find a pair's channel again), `users:read` and `users:read.email` (names, time
/// zones and emails of newcomers), `app_mentions:read` (answer an @mention with help).
pub const BOT_SCOPES: &[&str] = &[
    "app_mentions:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:read",
    "groups:write",
    "im:write",
    "users:read",
    "users:read.email",
];

/// Events the bot subscribes to.
pub const BOT_EVENTS: &[&str] = &["app_mention"];

fn description(root: Root) -> (&'static str, &'static str) {
    match root {
        Root::Mentoring => (
            "Run the mentoring program: intakes, pairs, pauses",
            "help | pair @mentor @mentee | pause | resume",
        ),
        Root::Checkin => (
            "Answer this month's check-in",
            "met | not-yet | help [note:TEXT]",
        ),
        Root::Survey => ("Answer or manage program surveys", "answer QUESTION VALUE"),
        Root::Webinars => ("Upcoming webinars and past recordings", ""),
        Root::Resources => ("The program's resources", ""),
    }
}

/// The manifest for Socket Mode (`base_url` None: no public URL) or HTTP mode at `base_url`.
pub fn manifest(base_url: Option<&str>) -> String {
    let base = base_url.map(|u| u.trim_end_matches('/'));
    let url = |path: &str| base.map(|b| format!("{b}{path}"));
    let mut y = String::from(
        "display_information:\n  name: Tandem\n  description: A mentoring program in your workspace, with pairs, check-ins, webinars, meetups and surveys.\n  background_color: \"#2c3e50\"\nfeatures:\n  app_home:\n    home_tab_enabled: false\n    messages_tab_enabled: true\n    messages_tab_read_only_enabled: true\n  bot_user:\n    display_name: Tandem\n    always_online: true\n  slash_commands:\n",
    );
    for root in Root::ALL {
        let (what, hint) = description(root);
        y.push_str(&format!("    - command: /{}\n", root.name()));
        if let Some(u) = url("/slack/commands") {
            y.push_str(&format!("      url: {u}\n"));
        }
        y.push_str(&format!(
            "      description: \"{what}\"\n      usage_hint: \"{hint}\"\n      should_escape: true\n"
        ));
    }
    y.push_str("oauth_config:\n  scopes:\n    bot:\n");
    for scope in BOT_SCOPES {
        y.push_str(&format!("      - {scope}\n"));
    }
    y.push_str("settings:\n  event_subscriptions:\n");
    if let Some(u) = url("/slack/events") {
        y.push_str(&format!("    request_url: {u}\n"));
    }
    y.push_str("    bot_events:\n");
    for event in BOT_EVENTS {
        y.push_str(&format!("      - {event}\n"));
    }
    y.push_str("  interactivity:\n    is_enabled: true\n");
    if let Some(u) = url("/slack/interactions") {
        y.push_str(&format!("    request_url: {u}\n"));
    }
    y.push_str(&format!(
        "  org_deploy_enabled: false\n  socket_mode_enabled: {}\n  token_rotation_enabled: false\n",
        base.is_none()
    ));
    y
}
