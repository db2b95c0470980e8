//! `tandem doctor` against the fake platforms: a healthy deployment passes every check; each
//! broken part gets a line saying what to fix, and the exit status says whether anything does.

use std::process::Command;

use clap::Parser;
use secrecy::SecretString;
use serde_json::json;
use tandem::cli::{Cli, CliCommand};
use tandem::config::RunConfig;

use crate::discord::fake::{FakeDiscord, GUILD, TOKEN};
use crate::slack::SECRET;
use crate::slack::fake::{ALL_SCOPES, BOT_TOKEN, FakeSlack};
use crate::support::TestDb;

/// `tandem doctor`'s settings on `db`, with both platforms on their fakes.
fn config(db: &TestDb, slack: &FakeSlack, discord: &FakeDiscord) -> RunConfig {
    let cli = Cli::try_parse_from(["tandem", "doctor", "--database", &db.url]).unwrap();
    let CliCommand::Doctor(config) = cli.command else {
        panic!("not doctor");
    };
    let mut config = *config;
    config.slack.bot_token = Some(SecretString::from(BOT_TOKEN));
    config.slack.signing_secret = Some(SecretString::from(SECRET));
    config.slack.slack_api_url = slack.api_url();
    config.discord.discord_bot_token = Some(SecretString::from(TOKEN));
    config.discord.discord_guild_id = Some(GUILD);
    config.discord.discord_api_url = Some(discord.base.clone());
    config.discord.discord_gateway = true;
    config.program.public_url = Some("https://tandem.example.org".into());
    config
}

async fn run(config: &RunConfig) -> (bool, String) {
    let mut out = Vec::new();
    let passed = tandem::doctor::doctor(config, &mut out).await.unwrap();
    (passed, String::from_utf8(out).unwrap())
}

/// An intake announcing in `channel`.
async fn announcing_in(db: &TestDb, name: &str, channel: &str) {
    let intake = tandem::domain::Intake {
        id: tandem::domain::new_id(),
        name: name.into(),
        zone: chrono_tz::UTC,
        starts_on: None,
        ends_on: None,
        status: tandem::domain::IntakeStatus::Active,
        announcement_channel: Some(channel.into()),
        created_at: crate::support::test_now(),
    };
    tandem::store::intakes::insert(db.store.pool(), &intake)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_healthy_deployment_passes_every_check() {
    let db = TestDb::sqlite().await;
    let (slack, discord) = (FakeSlack::start().await, FakeDiscord::start().await);
    let channel = crate::discord::objects::guild_channel(
        "700000000000000001",
        0,
        &json!({ "name": "announcements", "type": 0 }),
    );
    discord.lock().channels.push(channel);
    announcing_in(&db, "Discord intake", "700000000000000001").await;
    slack.add_channel("CANNOUNCE", "announcements");
    announcing_in(&db, "Slack intake", "CANNOUNCE").await;
    let (passed, said) = run(&config(&db, &slack, &discord)).await;
    assert!(passed, "{said}");
    for line in [
        "ok   database: ",
        "opens and is migrated",
        "ok   slack: token works (bot UTANDEM), HTTP mode",
        "ok   discord: token works",
        "ok   discord: commands arrive over the gateway",
        "ok   public url: links point at https://tandem.example.org",
        "ok   announcements of Discord intake: the bot sees channel 700000000000000001",
        // Slack says who is in a public channel only with channels:read: said, not failed.
        "note announcements of Slack intake: channel CANNOUNCE is public",
    ] {
        assert!(said.contains(line), "{line:?} in:\n{said}");
    }
    assert!(!said.contains("FIX"), "{said}");
    slack.assert_clean();
    discord.assert_clean();
}

#[tokio::test]
async fn each_broken_part_says_what_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    // A database nobody migrated yet.
    let url = format!("sqlite://{}/new.db", dir.path().display());
    let store = tandem::store::Store::connect(&url).await.unwrap();
    let db = TestDb::sqlite().await;
    let (slack, discord) = (FakeSlack::start().await, FakeDiscord::start().await);
    slack.world.lock().unwrap().scopes = ALL_SCOPES.replace(",groups:write", "");
    discord.lock().bot_in_guild = false;
    slack.add_private_channel_without_the_bot("GHIDDEN", "hidden");
    announcing_in(&db, "Hidden", "GHIDDEN").await;
    announcing_in(&db, "Gone", "700000000000000099").await;
    let mut config = config(&db, &slack, &discord);
    config.program.public_url = Some("http://127.0.0.1:8080".into());
    config.discord.discord_gateway = false;
    config.discord.discord_public_key = None;
    let (passed, said) = run(&config).await;
    assert!(!passed, "{said}");
    for line in [
        "FIX  slack: the Slack bot token lacks the scope(s) groups:write",
        "FIX  discord: the bot is not in the server",
        "FIX  discord: DISCORD_GATEWAY is off and DISCORD_PUBLIC_KEY unset",
        "FIX  public url: TANDEM_PUBLIC_URL=http://127.0.0.1:8080 is a loopback address",
        "FIX  announcements of Hidden: channel GHIDDEN: no such channel, or the bot cannot see it",
        "FIX  announcements of Gone: channel 700000000000000099: no such channel",
    ] {
        assert!(said.contains(line), "{line:?} in:\n{said}");
    }
    // Unmigrated, and no platform at all.
    let cli = Cli::try_parse_from(["tandem", "doctor", "--database", &url]).unwrap();
    let CliCommand::Doctor(bare) = cli.command else {
        panic!("not doctor");
    };
    let (passed, said) = run(&bare).await;
    assert!(!passed);
    assert!(
        said.contains("migration(s) are not applied: run `tandem migrate`"),
        "{said}"
    );
    assert!(
        said.contains("FIX  platforms: neither SLACK_BOT_TOKEN nor DISCORD_BOT_TOKEN"),
        "{said}"
    );
    store.close().await;
}

/// The exit status is the verdict: 0 only when nothing needs fixing.
#[test]
fn the_exit_status_says_whether_anything_needs_fixing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/doctor.db", dir.path().display());
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
    for secret in ["SLACK_BOT_TOKEN", "DISCORD_BOT_TOKEN", "TANDEM_PUBLIC_URL"] {
        command.env_remove(secret);
    }
    let out = command
        .args(["doctor", "--database", &url])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FIX  platforms:"), "{stdout}");
}
