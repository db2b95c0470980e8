//! Forgetting a pair member renames their pair's private channel and its purpose on Slack, once.

use tandem::domain::{Identity, Platform};

use super::SlackTest;
use crate::forgetting::{confirm_forget, id_of};
use crate::on_both_backends;
use crate::support::TestDb;

on_both_backends!(slack_pair_channels_lose_a_forgotten_name);

async fn slack_pair_channels_lose_a_forgotten_name(db: TestDb) {
    let t = SlackTest::http(db).await;
    t.mentoring("UCOORD", "intake create Y1 tz:Australia/Sydney")
        .await;
    t.mentoring("UCOORD", "pair <@UMENTOR|mia> <@UMENTEE|ned>")
        .await;
    let pair = super::first_pair(&t).await;
    let channel = pair.space_id.clone().expect("the pair's channel");
    let named = |c: &str| {
        t.fake.calls("conversations.setPurpose").iter().any(|call| {
            call.params["channel"] == c && call.params["purpose"].as_str().unwrap().contains("Mia")
        })
    };
    assert!(named(&channel), "the purpose names Mia at first");
    // Another pair's channel already has the neutral name: the rename takes a suffix.
    t.fake
        .add_channel("CTAKEN", "mentoring-former-participant-ned");

    let mia = id_of(&t.app, Identity::new(Platform::Slack, "UMENTOR")).await;
    confirm_forget(&t.app, Identity::new(Platform::Slack, "UCOORD"), &mia).await;
    let report = t.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 0), "{report:?}");

    let renames = t.fake.calls("conversations.rename");
    let last = renames.last().unwrap();
    assert_eq!(last.params["channel"], channel.as_str());
    assert_eq!(last.params["name"], "mentoring-former-participant-ned-2");
    let purposes = t.fake.calls("conversations.setPurpose");
    let purpose = purposes.last().unwrap().params["purpose"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !purpose.contains("Mia") && purpose.contains("Former participant"),
        "{purpose}"
    );
    assert!(
        purpose.contains(&format!("[tandem:{}]", pair.id)),
        "still found again"
    );
    assert!(
        t.app.run_due().await.unwrap() == Default::default(),
        "renamed once"
    );
    t.fake.assert_clean();
}
