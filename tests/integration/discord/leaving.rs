//! Leaving a pair space on Discord: people unpaired or forgotten lose their own permission on
//! the channel, or their place in the private thread.

use tandem::chat::{ChannelRef, Chat, Member, SpaceRequest};
use tandem::domain::{Identity, Platform};

use super::fake::FakeDiscord;
use super::payloads::{self, AROHA, BEN, GINA, click, mentoring, person};
use super::{DiscordWorld, settings};
use crate::on_both_backends;
use crate::support::TestDb;

on_both_backends!(unpaired_and_forgotten_people_leave_the_channel);

/// The user ids with their own overwrite on the pair channel `id`.
pub fn named_in(fake: &FakeDiscord, id: &str) -> Vec<String> {
    let w = fake.lock();
    let channel = w
        .channels
        .iter()
        .find(|c| c["id"] == id)
        .expect("the channel");
    channel["permission_overwrites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["type"] == 1 && o["id"] != super::fake::BOT.to_string().as_str())
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect()
}

async fn unpaired_and_forgotten_people_leave_the_channel(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    w.intake_with_pair(vec![]).await;
    let first = w.fake.pair_channels()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(named_in(&w.fake, &first), [AROHA.id, BEN.id, GINA.id]);

    let unpair = mentoring(&GINA, &["unpair"], vec![person("user", &BEN)], &[&BEN]);
    let (_, answer) = w.post(&unpair).await;
    assert_eq!(answer["type"], 5, "{answer}");
    let edits = w.fake.wait_for("PATCH", "/messages/@original", 2).await;
    assert!(payloads::words(&edits[1].body).contains("Ended the pair"));
    assert_eq!(named_in(&w.fake, &first), [GINA.id], "both members leave");

    // Paired again (a new channel), then Aroha is forgotten: the pair ends and both leave.
    w.pair_aroha_with_ben(3).await;
    let second: String = w
        .fake
        .pair_channels()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .find(|id| *id != first)
        .expect("a second channel")
        .to_string();
    assert_eq!(named_in(&w.fake, &second), [AROHA.id, BEN.id, GINA.id]);
    let aroha = w
        .app
        .participant(&Identity::new(Platform::Discord, AROHA.id))
        .await
        .unwrap()
        .unwrap();
    let (status, _) = w
        .post(&click(
            &GINA,
            &format!("forget.confirm|{}", aroha.id),
            "900",
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(named_in(&w.fake, &second), [GINA.id]);
    w.fake.assert_clean();
}

#[tokio::test]
async fn leaving_a_thread_takes_the_person_out_of_it() {
    let fake = FakeDiscord::start().await;
    let mut s = settings(&fake);
    s.threads_after = 0;
    let discord = tandem::adapters::discord::Discord::connect(s)
        .await
        .unwrap();
    let member = |p: &payloads::Person| Member {
        identity: Identity::new(Platform::Discord, p.id),
        display_name: p.name.into(),
    };
    let made = discord
        .ensure_private_space(&SpaceRequest {
            pair_id: "pair-one".into(),
            intake_name: "Y1".into(),
            mentor: member(&AROHA),
            mentee: member(&BEN),
            coordinators: vec![Identity::new(Platform::Discord, GINA.id)],
        })
        .await
        .unwrap();
    assert!(!made.role_reads, "a private thread is not opened by a role");
    let thread: &ChannelRef = &made.channel;
    let members = |f: &FakeDiscord| f.lock().thread_members[&thread.id].clone();
    assert_eq!(members(&fake), [AROHA.id, BEN.id, GINA.id]);
    let aroha = Identity::new(Platform::Discord, AROHA.id);
    assert!(discord.remove_from_space(thread, &aroha).await.unwrap());
    assert!(!discord.remove_from_space(thread, &aroha).await.unwrap());
    assert_eq!(members(&fake), [BEN.id, GINA.id]);
    let gone = ChannelRef::new(Platform::Discord, "799999999999999999");
    assert!(!discord.remove_from_space(&gone, &aroha).await.unwrap());
    fake.assert_clean();
}
