//! Start-up against the fake: a wrong token, a server the bot is not in and missing permissions
//! each stop start-up with a message that says which; commands are registered from the table only
//! when they changed, and fit Discord's 4000 characters a command, which the fake holds them to.

use serde_json::{Value, json};
use tandem::adapters::discord::{Discord, commands};

use super::fake::{APP, FakeDiscord, GUILD, TOKEN};
use super::settings;

#[tokio::test]
async fn start_up_says_what_is_wrong() {
    let fake = FakeDiscord::start().await;
    let mut wrong = settings(&fake);
    wrong.token = format!("{TOKEN}-old").into();
    let err = Discord::connect(wrong).await.err().unwrap().to_string();
    assert!(
        err.contains("DISCORD_BOT_TOKEN") && !err.contains(TOKEN),
        "{err}"
    );

    fake.lock().bot_in_guild = false;
    let err = Discord::connect(settings(&fake))
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("not in the server"), "{err}");

    fake.lock().bot_in_guild = true;
    fake.lock().bot_permissions = 1 << 4;
    let err = Discord::connect(settings(&fake))
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("lacks Manage Roles"), "{err}");

    fake.lock().bot_permissions = 1 << 3;
    Discord::connect(settings(&fake))
        .await
        .expect("an administrator has everything");
}

/// The fake refuses a registration with a command over 4000 characters, as Discord does, so this
/// registration being accepted means Tandem's commands fit.
#[tokio::test]
async fn commands_are_registered_from_the_table_only_when_changed() {
    let fake = FakeDiscord::start().await;
    let discord = Discord::connect(settings(&fake)).await.unwrap();
    assert!(discord.register_commands().await.unwrap());
    let puts = fake.calls_to("PUT", "/commands");
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].body, serde_json::Value::Array(commands::desired()));
    // A restart with the same table: one GET, no write.
    assert!(!discord.register_commands().await.unwrap());
    assert_eq!(fake.calls_to("PUT", "/commands").len(), 1);
    assert_eq!(fake.calls_to("GET", "/commands").len(), 2);
    // The application id came from Discord, as DISCORD_APPLICATION_ID was unset.
    assert_eq!(fake.calls_to("GET", "/oauth2/applications/@me").len(), 1);
    fake.assert_clean();
}

/// A command within every limit of its own fields but over 4000 characters in all: Discord
/// refuses the whole bulk overwrite, naming that command by its index, and keeps what it had.
#[tokio::test]
async fn the_fake_refuses_a_command_over_discords_4000_characters() {
    let fake = FakeDiscord::start().await;
    fake.allow("over Discord's 4000");
    // 25 options of 3 + 100 + 50 + 50 characters, and the command's own 9 + 100: 5184.
    let options: Vec<Value> = (0..25)
        .map(|n| {
            json!({ "type": 3, "name": format!("o{n:02}"), "description": "d".repeat(100),
                "choices": [{ "name": "c".repeat(50), "value": "v".repeat(50) }] })
        })
        .collect();
    let oversized = json!({ "name": "oversized", "type": 1, "description": "d".repeat(100),
        "options": options });
    let put = |commands: Vec<Value>| {
        reqwest::Client::new()
            .put(format!(
                "{}/api/v10/applications/{APP}/guilds/{GUILD}/commands",
                fake.base
            ))
            .header("authorization", format!("Bot {TOKEN}"))
            .json(&commands)
            .send()
    };
    let mut commands = commands::desired();
    let index = commands.len();
    commands.push(oversized);
    let refused = put(commands).await.unwrap();
    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["code"], 50035);
    assert_eq!(body["message"], "Invalid Form Body");
    let errors = body["errors"].as_object().unwrap();
    assert_eq!(errors.keys().collect::<Vec<_>>(), [&index.to_string()]);
    assert_eq!(
        errors[&index.to_string()]["_errors"][0]["code"],
        "APPLICATION_COMMAND_TOO_LARGE"
    );
    assert!(fake.lock().commands.is_empty(), "nothing was stored");
    assert!(
        fake.lock()
            .problems
            .iter()
            .any(|p| p.contains("/oversized of 5184 characters")),
        "{:?}",
        fake.lock().problems
    );
    // Tandem's own commands alone are accepted.
    let accepted = put(commands::desired()).await.unwrap();
    assert_eq!(accepted.status(), 200);
    assert_eq!(fake.lock().commands.len(), commands::desired().len());
    fake.assert_clean();
}
