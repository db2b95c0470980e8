//! Start-up against the fake: a wrong token, a server the bot is not in and missing permissions
//! each stop start-up with a message that says which; commands are registered from the table only
//! when they changed.

use tandem::adapters::discord::{Discord, commands};

use super::fake::{FakeDiscord, TOKEN};
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
