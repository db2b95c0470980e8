//! Leaving a pair channel: people unpaired or forgotten are taken out of it with
//! `conversations.kick`.

use super::{SlackTest, first_pair, text_of};
use crate::on_both_backends;
use crate::support::TestDb;

on_both_backends!(unpaired_and_forgotten_people_leave_the_channel);

const PAIR: &str = "pair <@UMENTOR|mia> <@UMENTEE|ned>";

async fn unpaired_and_forgotten_people_leave_the_channel(db: TestDb) {
    let t = SlackTest::http(db).await;
    t.mentoring("UCOORD", "intake create Y1 tz:UTC").await;
    t.mentoring("UCOORD", PAIR).await;
    assert_eq!(
        t.fake.channels()["mentoring-mia-ned"],
        ["UMENTOR", "UMENTEE", "UCOORD"]
    );
    let said = t.mentoring("UCOORD", "unpair <@UMENTEE|ned>").await;
    assert!(text_of(&said).contains("Ended the pair"), "{said}");
    assert_eq!(
        t.fake.channels()["mentoring-mia-ned"],
        ["UCOORD"],
        "both members leave; the goodbye stays for the record"
    );
    assert_eq!(t.fake.calls("conversations.kick").len(), 2);

    // Paired again (a new channel), then the mentor is forgotten: the pair ends and both leave.
    t.mentoring("UCOORD", PAIR).await;
    let pair = first_active(&t).await;
    let channel = t
        .fake
        .channels()
        .into_iter()
        .find(|(name, _)| name != "mentoring-mia-ned")
        .expect("a second channel");
    assert_eq!(channel.1, ["UMENTOR", "UMENTEE", "UCOORD"]);
    t.click("UCOORD", "forget.confirm", &pair.mentor_id, "forget")
        .await;
    assert_eq!(t.fake.channels()[&channel.0], ["UCOORD"]);
    // The first channel was left already: nothing more to take them out of there.
    assert_eq!(t.fake.calls("conversations.kick").len(), 5);
    t.fake.assert_clean();
}

async fn first_active(t: &SlackTest) -> tandem::domain::Pair {
    let pair = first_pair(t).await;
    assert!(pair.ended_at.is_none());
    pair
}

on_both_backends!(a_coordinator_removed_leaves_the_channels);

async fn a_coordinator_removed_leaves_the_channels(db: TestDb) {
    let t = SlackTest::http(db).await;
    t.mentoring("UCOORD", "coordinator add <@UOTHER|olly>")
        .await;
    t.mentoring("UCOORD", "intake create Y1 tz:UTC").await;
    t.mentoring("UCOORD", PAIR).await;
    assert_eq!(
        t.fake.channels()["mentoring-mia-ned"],
        ["UMENTOR", "UMENTEE", "UCOORD", "UOTHER"]
    );
    let said = t
        .mentoring("UCOORD", "coordinator remove <@UOTHER|olly>")
        .await;
    assert!(
        text_of(&said).contains("Olly is no longer a coordinator: they left 1 pair space"),
        "{said}"
    );
    assert_eq!(
        t.fake.channels()["mentoring-mia-ned"],
        ["UMENTOR", "UMENTEE", "UCOORD"]
    );
    let kicks = t.fake.calls("conversations.kick");
    assert_eq!(kicks.len(), 1);
    assert_eq!(kicks[0].params["user"], "UOTHER");
    t.fake.assert_clean();
}

on_both_backends!(a_forgotten_coordinator_leaves_the_channels);

async fn a_forgotten_coordinator_leaves_the_channels(db: TestDb) {
    let t = SlackTest::http(db).await;
    t.mentoring("UCOORD", "coordinator add <@UOTHER|olly>")
        .await;
    t.mentoring("UCOORD", "intake create Y1 tz:UTC").await;
    t.mentoring("UCOORD", PAIR).await;
    let olly = t
        .app
        .participant(&tandem::domain::Identity::new(
            tandem::domain::Platform::Slack,
            "UOTHER",
        ))
        .await
        .unwrap()
        .unwrap();
    t.click("UCOORD", "forget.confirm", &olly.id, "forget")
        .await;
    assert_eq!(
        t.fake.channels()["mentoring-mia-ned"],
        ["UMENTOR", "UMENTEE", "UCOORD"]
    );
    t.fake.assert_clean();
}
