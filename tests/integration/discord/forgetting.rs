//! Forgetting a pair member renames their pair's channel on Discord.

use tandem::domain::{Identity, Platform};

use super::DiscordWorld;
use super::payloads::AROHA;
use crate::forgetting::{confirm_forget, id_of};
use crate::on_both_backends;
use crate::support::TestDb;

on_both_backends!(discord_pair_channels_lose_a_forgotten_name);

async fn discord_pair_channels_lose_a_forgotten_name(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    w.intake_with_pair(vec![]).await;
    let channel = w.fake.pair_channels()[0].clone();
    assert_eq!(channel["name"], "mentoring-aroha-ben");

    let aroha = id_of(&w.app, Identity::new(Platform::Discord, AROHA.id)).await;
    confirm_forget(&w.app, Identity::new(Platform::Discord, AROHA.id), &aroha).await;
    let report = w.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 0), "{report:?}");

    let id = channel["id"].as_str().unwrap();
    let patched = w.fake.calls_to("PATCH", &format!("/channels/{id}"));
    assert_eq!(patched.len(), 1);
    assert_eq!(patched[0].body["name"], "mentoring-former-participant-ben");
    let now = w.fake.pair_channels()[0].clone();
    assert_eq!(now["name"], "mentoring-former-participant-ben");
    assert!(!now["topic"].as_str().unwrap().contains("Aroha"));
}
