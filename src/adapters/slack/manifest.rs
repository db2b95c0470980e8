//! `tandem slack manifest`: the Slack app manifest (YAML) with exactly the scopes, commands,
//! events, interactivity and Socket Mode settings the bot uses. The scope list is also what the
//! start-up check demands of the token, so the two cannot drift apart. The manifest is built as
//! data and serialised, never pasted together as text, and a test validates both variants against
//! Slack's published manifest schema (specs/slack/manifest-schema).

use serde::Serialize;

use crate::commands::Root;

/// Bot scopes, each for a reason:
/// `commands` (the slash commands), `chat:write` (post, update, ephemeral, thread replies, and
/// DMs: a message posted to a member id lands in the app's Messages tab), `files:write` (survey
/// charts and exports, uploaded into the coordinator's DM), `im:write` (`conversations.open`: a
/// file is shared into a DM's channel id, never a member id),
/// `groups:write` (create private pair channels, invite, set their purpose, rename them, take
/// people out),
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

/// Read scopes asked for only with `TANDEM_SLACK_VERIFY_POSTS=on`, so that a post whose answer
/// was lost can be looked up before it is sent again. They let the token read every message of the
/// public channels the bot is in (`channels:history`), of the private channels it is in, the pair
/// channels among them (`groups:history`), and of its own direct messages (`im:history`).
pub const VERIFY_SCOPES: &[&str] = &["channels:history", "groups:history", "im:history"];

/// The bot scopes the app needs, with the read scopes when posts are verified.
pub fn bot_scopes(verify_posts: bool) -> Vec<&'static str> {
    let mut scopes = BOT_SCOPES.to_vec();
    if verify_posts {
        scopes.extend_from_slice(VERIFY_SCOPES);
        scopes.sort_unstable();
    }
    scopes
}

/// Events the bot subscribes to.
pub const BOT_EVENTS: &[&str] = &["app_mention"];

/// What a root command is for, and its usage hint; `None` for a command that takes no words
/// (Slack refuses an empty hint).
fn description(root: Root) -> (&'static str, Option<&'static str>) {
    match root {
        Root::Mentoring => (
            "Run the mentoring program: intakes, pairs, pauses",
            Some("help | pair @mentor @mentee | pause | resume"),
        ),
        Root::Checkin => (
            "Answer this month's check-in",
            Some("met | not-yet | help [note:TEXT]"),
        ),
        Root::Survey => (
            "Answer or manage program surveys",
            Some("answer QUESTION VALUE"),
        ),
        Root::Webinars => ("Upcoming webinars and past recordings", None),
        Root::Resources => ("The program's resources", None),
    }
}

/// The parts of Slack's app manifest (schema v1) that Tandem fills in, in Slack's field names.
#[derive(Debug, Serialize)]
pub struct Manifest {
    display_information: DisplayInformation,
    features: Features,
    oauth_config: OauthConfig,
    settings: Settings,
}

#[derive(Debug, Serialize)]
struct DisplayInformation {
    name: &'static str,
    description: &'static str,
    background_color: &'static str,
}

#[derive(Debug, Serialize)]
struct Features {
    app_home: AppHome,
    bot_user: BotUser,
    slash_commands: Vec<SlashCommand>,
}

#[derive(Debug, Serialize)]
struct AppHome {
    home_tab_enabled: bool,
    messages_tab_enabled: bool,
    messages_tab_read_only_enabled: bool,
}

#[derive(Debug, Serialize)]
struct BotUser {
    display_name: &'static str,
    always_online: bool,
}

#[derive(Debug, Serialize)]
struct SlashCommand {
    command: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    description: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage_hint: Option<&'static str>,
    should_escape: bool,
}

#[derive(Debug, Serialize)]
struct OauthConfig {
    scopes: Scopes,
}

#[derive(Debug, Serialize)]
struct Scopes {
    bot: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
struct Settings {
    event_subscriptions: EventSubscriptions,
    interactivity: Interactivity,
    org_deploy_enabled: bool,
    socket_mode_enabled: bool,
    token_rotation_enabled: bool,
}

#[derive(Debug, Serialize)]
struct EventSubscriptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    request_url: Option<String>,
    bot_events: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
struct Interactivity {
    is_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_url: Option<String>,
}

/// Why a base URL cannot go into a manifest.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "`{0}` is not a web address Slack can send requests to: give the public base URL with its scheme, e.g. --url https://tandem.example.org"
)]
pub struct NotAWebAddress(String);

impl Manifest {
    /// The manifest for Socket Mode (`base_url` None: no public URL) or HTTP mode at `base_url`.
    pub fn new(base_url: Option<&str>, verify_posts: bool) -> Result<Manifest, NotAWebAddress> {
        let base = match base_url {
            None => None,
            Some(url) => Some(web_base(url)?),
        };
        let url = |path: &str| base.as_ref().map(|b| format!("{b}{path}"));
        let slash_commands = Root::ALL
            .into_iter()
            .map(|root| {
                let (description, usage_hint) = description(root);
                SlashCommand {
                    command: format!("/{}", root.name()),
                    url: url("/slack/commands"),
                    description,
                    usage_hint,
                    should_escape: true,
                }
            })
            .collect();
        Ok(Manifest {
            display_information: DisplayInformation {
                name: "Tandem",
                description: "A mentoring program in your workspace, with pairs, check-ins, webinars, meetups and surveys.",
                background_color: "#2c3e50",
            },
            features: Features {
                app_home: AppHome {
                    home_tab_enabled: false,
                    messages_tab_enabled: true,
                    messages_tab_read_only_enabled: true,
                },
                bot_user: BotUser {
                    display_name: "Tandem",
                    always_online: true,
                },
                slash_commands,
            },
            oauth_config: OauthConfig {
                scopes: Scopes {
                    bot: bot_scopes(verify_posts),
                },
            },
            settings: Settings {
                event_subscriptions: EventSubscriptions {
                    request_url: url("/slack/events"),
                    bot_events: BOT_EVENTS.to_vec(),
                },
                interactivity: Interactivity {
                    is_enabled: true,
                    request_url: url("/slack/interactions"),
                },
                org_deploy_enabled: false,
                socket_mode_enabled: base.is_none(),
                token_rotation_enabled: false,
            },
        })
    }

    /// The manifest as YAML, ready to paste into "Create an app → From a manifest".
    pub fn to_yaml(&self) -> anyhow::Result<String> {
        // One line per value: easier to read and to compare than folded block scalars.
        let options = serde_saphyr::ser_options! { prefer_block_scalars: false };
        Ok(serde_saphyr::to_string_with_options(self, options)?)
    }
}

/// `https://host[:port][/prefix]` without a trailing slash, or why not.
fn web_base(url: &str) -> Result<String, NotAWebAddress> {
    let refuse = || NotAWebAddress(url.to_string());
    let parsed = url::Url::parse(url).map_err(|_| refuse())?;
    let web = matches!(parsed.scheme(), "https" | "http") && parsed.host_str().is_some();
    if !web || parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(refuse());
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// The manifest as YAML, for Socket Mode (`None`) or HTTP mode at `base_url`.
pub fn manifest(base_url: Option<&str>) -> anyhow::Result<String> {
    manifest_with(base_url, false)
}

/// [`manifest`], with the read scopes `TANDEM_SLACK_VERIFY_POSTS=on` needs when `verify_posts`.
pub fn manifest_with(base_url: Option<&str>, verify_posts: bool) -> anyhow::Result<String> {
    Manifest::new(base_url, verify_posts)?.to_yaml()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_url_needs_a_web_scheme_and_host() {
        assert!(manifest(Some("tandem.example.org")).is_err());
        assert!(manifest(Some("ftp://tandem.example.org")).is_err());
        assert!(manifest(Some("https://tandem.example.org/?x=1")).is_err());
        let yaml = manifest(Some("https://tandem.example.org/bot/")).unwrap();
        assert!(yaml.contains("https://tandem.example.org/bot/slack/commands"));
    }
}
