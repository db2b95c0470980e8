//! Configuration in one struct: every setting an environment variable and a `--flag`, secrets only
//! from the environment (STYLE 8).

pub mod api_base;

use std::net::SocketAddr;
use std::time::Duration;

use chrono_tz::Tz;
use secrecy::SecretString;

use crate::app::Settings;
use crate::domain::Identity;
use crate::domain::time::parse_zone;

/// Where the database is; shared by every subcommand that opens it.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// `sqlite://PATH` (created if missing) or `postgres://…`.
    #[arg(
        long = "database",
        env = "TANDEM_DATABASE_URL",
        default_value = "sqlite://tandem.db"
    )]
    pub database_url: String,
}

impl DatabaseArgs {
    /// A warning when the address came from `--database` with a password in it: flags show in
    /// process lists, the environment does not.
    pub fn password_warning(&self) -> Option<String> {
        let from_env =
            std::env::var("TANDEM_DATABASE_URL").ok().as_deref() == Some(&self.database_url);
        (!from_env)
            .then(|| {
                password_in_flag_warning(&self.database_url, "set TANDEM_DATABASE_URL instead")
            })
            .flatten()
    }
}

/// The warning for a database address given as a flag, when it holds a password; `instead` says
/// where the password belongs.
pub fn password_in_flag_warning(url: &str, instead: &str) -> Option<String> {
    crate::store::has_password(url).then(|| {
        format!(
            "the --database address {} holds a password, which other users of this machine can \
             see in the process list: {instead}",
            crate::store::redact(url)
        )
    })
}

/// Settings for `tandem run`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunConfig {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// HTTP address for /healthz, /metrics and the platforms' webhooks.
    #[arg(long, env = "TANDEM_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Seconds a client has to send its request headers, and between pieces of a body, before
    /// its connection is dropped.
    #[arg(long, env = "TANDEM_HTTP_READ_TIMEOUT_SECS", default_value_t = 30)]
    pub http_read_timeout_secs: u64,

    /// HTTP connections open at once; further clients wait until one closes.
    #[arg(long, env = "TANDEM_HTTP_MAX_CONNECTIONS", default_value_t = 1024)]
    pub http_max_connections: usize,

    /// Bootstrap coordinators, e.g. `slack:U012AB,discord:80351110224678912`.
    #[arg(long, env = "TANDEM_COORDINATORS", value_parser = parse_coordinators, default_value = "")]
    pub coordinators: Coordinators,

    #[command(flatten)]
    pub program: ProgramArgs,

    /// This instance's name on the deliveries it is sending, unique among the instances that
    /// share a database; the host name when unset. A restart under the same name takes back at
    /// once what the instance was sending when it stopped.
    #[arg(long, env = "TANDEM_INSTANCE_ID", value_parser = parse_instance_id)]
    pub instance_id: Option<String>,

    /// How long one Slack or Discord API call may take before it counts as timed out (and, for
    /// a post, as an outcome unknown).
    #[arg(long, env = "TANDEM_PLATFORM_TIMEOUT_SECS", default_value_t = 15,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub platform_timeout_secs: u64,

    #[command(flatten)]
    pub discord: DiscordArgs,

    #[command(flatten)]
    pub slack: SlackArgs,

    /// Allow plain http:// API base URLs to public hosts (tokens then travel unencrypted).
    #[arg(long, env = "TANDEM_ALLOW_HTTP_API", value_parser = parse_on_off, default_value = "off", num_args = 0..=1, default_missing_value = "on")]
    pub allow_http_api: bool,
}

impl RunConfig {
    /// Checks the Slack and Discord API bases (`config::api_base`); the warnings are for the log.
    pub fn api_base_warnings(&self) -> anyhow::Result<Vec<String>> {
        let mut bases = vec![("SLACK_API_URL", self.slack.slack_api_url.as_str())];
        if let Some(url) = self
            .discord
            .discord_api_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            bases.push(("DISCORD_API_URL", url));
        }
        let mut warnings = Vec::new();
        for (setting, base) in bases {
            warnings.extend(api_base::check(setting, base, self.allow_http_api)?);
        }
        Ok(warnings)
    }
}

impl RunConfig {
    /// What the HTTP listener holds clients to.
    pub fn listener_limits(&self) -> crate::adapters::http::serve::ListenerLimits {
        crate::adapters::http::serve::ListenerLimits {
            read_timeout: Duration::from_secs(self.http_read_timeout_secs.max(1)),
            max_connections: self.http_max_connections.max(1),
            ..Default::default()
        }
    }
}

/// How the program runs, for `tandem run` and for the subcommands that change it (`tandem admin`
/// adds intakes and webinars the same way the bot does).
#[derive(Debug, Clone, clap::Args)]
pub struct ProgramArgs {
    /// Default IANA time zone for new intakes.
    #[arg(long, env = "TANDEM_TIMEZONE", value_parser = parse_timezone, default_value = "UTC")]
    pub timezone: Tz,

    /// A check-in missed during downtime is still sent when at most this many hours late.
    #[arg(long, env = "TANDEM_CHECKIN_GRACE_HOURS", default_value_t = 72)]
    pub checkin_grace_hours: u64,

    /// The address people reach this instance's HTTP routes at, for "Add to calendar" links;
    /// `http://TANDEM_LISTEN` when unset.
    #[arg(long, env = "TANDEM_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Hours before a webinar that reminders go out, e.g. `168,24,1`.
    #[arg(long, env = "TANDEM_WEBINAR_REMINDER_HOURS", value_delimiter = ',', default_values_t = [168u64, 24, 1])]
    pub webinar_reminder_hours: Vec<u64>,

    /// Months after an intake ends that its check-in notes, help notes and survey answers are
    /// kept; then the scheduler deletes them, keeping only figures.
    #[arg(long, env = "TANDEM_RETENTION_MONTHS", default_value_t = crate::app::DEFAULT_RETENTION_MONTHS)]
    pub retention_months: u32,
}

impl ProgramArgs {
    /// The app's settings; links point at `listen` unless `TANDEM_PUBLIC_URL` says otherwise.
    pub fn settings(&self, listen: Option<SocketAddr>) -> Settings {
        let defaults = Settings::default();
        Settings {
            default_zone: self.timezone,
            checkin_grace: Duration::from_secs(self.checkin_grace_hours * 3600),
            public_url: match (&self.public_url, listen) {
                (Some(url), _) => url.clone(),
                (None, Some(listen)) => format!("http://{listen}"),
                (None, None) => defaults.public_url.clone(),
            },
            webinar_reminders: self
                .webinar_reminder_hours
                .iter()
                .map(|h| Duration::from_secs(h * 3600))
                .collect(),
            retention_months: self.retention_months,
            ..defaults
        }
    }
}

/// Discord settings (docs/discord.md). The bot token is a secret: read from the environment only.
#[derive(Debug, Clone, clap::Args)]
pub struct DiscordArgs {
    /// DISCORD_BOT_TOKEN (environment only) enables Discord.
    #[arg(skip = secret_from_env("DISCORD_BOT_TOKEN"))]
    pub discord_bot_token: Option<secrecy::SecretString>,

    /// The server where commands are registered and pair spaces made.
    #[arg(long, env = "DISCORD_GUILD_ID")]
    pub discord_guild_id: Option<u64>,

    /// Enables POST /discord/interactions (HTTP interactions), verified with this key.
    #[arg(long, env = "DISCORD_PUBLIC_KEY")]
    pub discord_public_key: Option<String>,

    /// The application id; read from Discord at start when unset.
    #[arg(long, env = "DISCORD_APPLICATION_ID")]
    pub discord_application_id: Option<u64>,

    /// `on` or `off`: hold a gateway connection.
    #[arg(long, env = "DISCORD_GATEWAY", value_parser = parse_on_off, default_value = "on")]
    pub discord_gateway: bool,

    /// Members with this role are coordinators and see every pair channel.
    #[arg(long, env = "DISCORD_COORDINATOR_ROLE_ID")]
    pub discord_coordinator_role_id: Option<u64>,

    /// `on` or `off`: ask the gateway for member updates (the privileged Server Members intent,
    /// which must be switched on in the Developer Portal first), so a coordinator losing the role
    /// is noticed at once rather than by the 5-minute check.
    #[arg(long, env = "DISCORD_MEMBERS_INTENT", value_parser = parse_on_off, default_value = "off")]
    pub discord_members_intent: bool,

    /// REST base (a fake, or a shared rate-limit proxy); Tandem then paces requests itself.
    #[arg(long, env = "DISCORD_API_URL")]
    pub discord_api_url: Option<String>,

    /// Server channel count from which pair spaces become private threads (Discord allows 500).
    #[arg(long, env = "DISCORD_THREADS_AFTER", default_value_t = 450)]
    pub discord_threads_after: usize,
}

/// A secret from the environment, never from a flag (flags show up in process lists).
pub fn secret_from_env(name: &str) -> Option<secrecy::SecretString> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| secrecy::SecretString::from(v.trim().to_string()))
}

pub fn parse_on_off(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Ok(true),
        "off" | "false" | "0" | "no" => Ok(false),
        _ => Err(format!("\"{text}\" should be on or off")),
    }
}

/// Slack settings. Tokens and the signing secret are read from the environment only, never from
/// flags (which would show in `ps`), and are kept as secrets so they never reach a log line.
#[derive(Debug, Clone, clap::Args)]
pub struct SlackArgs {
    /// `xoxb-…` (environment only): switches Slack on.
    #[arg(skip = secret_from_env("SLACK_BOT_TOKEN"))]
    pub bot_token: Option<SecretString>,
    /// `xapp-…` (environment only): Socket Mode instead of HTTP.
    #[arg(skip = secret_from_env("SLACK_APP_TOKEN"))]
    pub app_token: Option<SecretString>,
    /// Verifies `/slack/*` requests in HTTP mode (environment only).
    #[arg(skip = secret_from_env("SLACK_SIGNING_SECRET"))]
    pub signing_secret: Option<SecretString>,
    /// Slack Web API base (a fake, or a proxy); plain http:// works too.
    #[arg(long, env = "SLACK_API_URL", default_value = "https://slack.com/api")]
    pub slack_api_url: String,
    /// `on`: a post whose answer was lost is looked up in the channel's recent messages before it
    /// is sent again (needs the history scopes; docs/slack.md).
    #[arg(long, env = "TANDEM_SLACK_VERIFY_POSTS", value_parser = parse_switch, default_value = "off", action = clap::ArgAction::Set)]
    pub slack_verify_posts: bool,
}

/// `on` or `off` (also `true`/`false`, `1`/`0`, `yes`/`no`).
pub fn parse_switch(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Ok(true),
        "off" | "false" | "0" | "no" | "" => Ok(false),
        _ => Err(format!("\"{text}\" is neither on nor off")),
    }
}

/// The bootstrap coordinators' accounts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coordinators(pub Vec<Identity>);

pub fn parse_coordinators(text: &str) -> Result<Coordinators, String> {
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        out.push(Identity::parse_account(item)?);
    }
    Ok(Coordinators(out))
}

pub fn parse_timezone(text: &str) -> Result<Tz, String> {
    parse_zone(text)
        .ok_or_else(|| format!("\"{text}\" is not an IANA time zone such as Australia/Sydney"))
}

/// An instance id: letters, digits, `.`, `-` and `_`, at most 100 characters.
fn parse_instance_id(value: &str) -> Result<String, String> {
    let ok = !value.is_empty()
        && value.len() <= 100
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(value.to_string())
    } else {
        Err("use 1 to 100 letters, digits, '.', '-' or '_', e.g. tandem-1".to_string())
    }
}

impl RunConfig {
    /// `TANDEM_PLATFORM_TIMEOUT_SECS` as a duration.
    pub fn platform_timeout(&self) -> Duration {
        Duration::from_secs(self.platform_timeout_secs)
    }

    /// This instance's identity: `TANDEM_INSTANCE_ID`, else the host name, else a random one
    /// (then a restart cannot take its deliveries back at once; they wait out their lease).
    pub fn instance(&self) -> String {
        if let Some(id) = &self.instance_id {
            return id.clone();
        }
        match whoami::hostname() {
            Ok(host) if parse_instance_id(&host).is_ok() => host,
            _ => {
                tracing::warn!(
                    "no usable host name: set TANDEM_INSTANCE_ID so a restart takes its deliveries back at once"
                );
                format!("worker-{}", crate::domain::new_id())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Platform;

    #[test]
    fn instance_ids_are_plain_names() {
        assert_eq!(parse_instance_id("tandem-1").unwrap(), "tandem-1");
        assert_eq!(parse_instance_id("pod_7.eu").unwrap(), "pod_7.eu");
        for bad in ["", "two words", "a/b", "é", &"x".repeat(101)] {
            assert!(parse_instance_id(bad).is_err(), "{bad:?}");
        }
        #[derive(clap::Parser)]
        struct Run {
            #[command(flatten)]
            config: RunConfig,
        }
        let run = <Run as clap::Parser>::try_parse_from(["run", "--instance-id", "box-2"]).unwrap();
        assert_eq!(run.config.instance(), "box-2");
        assert!(<Run as clap::Parser>::try_parse_from(["run", "--instance-id", "a b"]).is_err());
        assert_eq!(run.config.platform_timeout(), Duration::from_secs(15));
        let quick =
            <Run as clap::Parser>::try_parse_from(["run", "--platform-timeout-secs", "2"]).unwrap();
        assert_eq!(quick.config.platform_timeout(), Duration::from_secs(2));
        for bad in ["0", "301", "soon"] {
            let args = ["run", "--platform-timeout-secs", bad];
            assert!(
                <Run as clap::Parser>::try_parse_from(args).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn coordinators_are_platform_and_id() {
        let parsed = parse_coordinators("slack:U012AB, discord:80351110224678912").unwrap();
        assert_eq!(
            parsed.0,
            vec![
                Identity::new(Platform::Slack, "U012AB"),
                Identity::new(Platform::Discord, "80351110224678912")
            ]
        );
        assert_eq!(parse_coordinators("").unwrap().0, vec![]);
        assert!(parse_coordinators("U012AB").is_err());
        assert!(parse_coordinators("teams:U1").is_err());
    }

    #[test]
    fn a_password_in_a_flag_is_warned_about_without_showing_it() {
        let warning = password_in_flag_warning(
            "postgres://tandem:s3cret@db/t",
            "set TANDEM_DATABASE_URL instead",
        )
        .unwrap();
        assert!(warning.contains("TANDEM_DATABASE_URL"), "{warning}");
        assert!(!warning.contains("s3cret"), "{warning}");
        assert!(password_in_flag_warning("postgres://db/t?password=s3cret", "x").is_some());
        assert!(password_in_flag_warning("postgres://tandem@db/t", "x").is_none());
        assert!(password_in_flag_warning("sqlite://tandem.db", "x").is_none());
    }

    #[test]
    fn zones_must_be_iana() {
        assert!(parse_timezone("Asia/Hong_Kong").is_ok());
        assert!(parse_timezone("HKT").is_err());
    }
}
