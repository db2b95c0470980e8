//! Leaving a pair space on Discord: people unpaired or forgotten lose their own permission on
//! the channel, or their place in the private thread.

use serde_json::json;
use tandem::adapters::discord::gateway;
use tandem::chat::{ChannelRef, Chat, Member, SpaceRequest};
use tandem::domain::{Identity, Platform};

use super::fake::{FakeDiscord, GUILD};
use super::payloads::{self, AROHA, BEN, CY, GINA, click, mentoring, person};
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

on_both_backends!(coordinators_who_step_down_leave_the_channels);

/// Cy coordinates by name, Gina by role: each leaves the pair channel when that ends.
async fn coordinators_who_step_down_leave_the_channels(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let add = |p: &payloads::Person| {
        mentoring(
            &GINA,
            &["coordinator", "add"],
            vec![person("user", p)],
            &[p],
        )
    };
    w.post(&add(&CY)).await;
    // Ben coordinates too, so Cy is not the last one; his own pair's channel stays his.
    w.post(&add(&BEN)).await;
    w.intake_with_pair(vec![]).await;
    let channel = w.fake.pair_channels()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        named_in(&w.fake, &channel),
        [AROHA.id, BEN.id, CY.id, GINA.id]
    );

    let remove = mentoring(
        &GINA,
        &["coordinator", "remove"],
        vec![person("user", &CY)],
        &[&CY],
    );
    let (_, answer) = w.post(&remove).await;
    let said = payloads::words(&answer["data"]);
    assert!(
        said.contains("Cy is no longer a coordinator: they left 1 pair space and will get no more help alerts."),
        "{said}"
    );
    assert_eq!(named_in(&w.fake, &channel), [AROHA.id, BEN.id, GINA.id]);

    // Gina's role is taken away; without member updates the sweep notices.
    let gina = w
        .app
        .participant(&Identity::new(Platform::Discord, GINA.id))
        .await
        .unwrap()
        .unwrap();
    assert!(alerted(&w).await.contains(&gina.id));
    let asked = || {
        w.fake
            .calls_to("GET", &format!("/members/{}", GINA.id))
            .len()
    };
    let before = asked();
    assert_eq!(
        w.app.sweep_role_holders().await.unwrap(),
        0,
        "she still holds it"
    );
    w.fake.lock().member_roles.insert(GINA.id.into(), vec![]);
    assert_eq!(w.app.sweep_role_holders().await.unwrap(), 1);
    assert_eq!(named_in(&w.fake, &channel), [AROHA.id, BEN.id]);
    assert!(!alerted(&w).await.contains(&gina.id), "no more help alerts");
    assert_eq!(
        w.app.sweep_role_holders().await.unwrap(),
        0,
        "no longer recorded"
    );
    assert_eq!(
        asked(),
        before + 2,
        "one look at her per sweep while recorded"
    );
    w.fake.assert_clean();
}

async fn alerted(w: &DiscordWorld) -> Vec<String> {
    tandem::store::coordinators::alerted(w.app.store.pool())
        .await
        .unwrap()
}

on_both_backends!(a_member_update_without_the_role_is_acted_on_at_once);

/// With the Server Members intent, GUILD_MEMBER_UPDATE says the role is gone: no sweep needed.
async fn a_member_update_without_the_role_is_acted_on_at_once(db: TestDb) {
    let w = DiscordWorld::with_settings(db, |s| s.members_intent = true).await;
    let _connection = gateway::start(w.interactions.clone()).await.unwrap();
    w.gateway.ready().await;
    assert_eq!(w.gateway.seen().intents, Some(1 << 1), "GUILD_MEMBERS only");
    w.intake_with_pair(vec![]).await;
    let channel = w.fake.pair_channels()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(named_in(&w.fake, &channel), [AROHA.id, BEN.id, GINA.id]);
    w.gateway.event(
        "GUILD_MEMBER_UPDATE",
        json!({ "guild_id": GUILD.to_string(), "roles": [], "user": payloads::user(&GINA),
            "nick": null, "avatar": null, "joined_at": "2026-01-01T00:00:00+00:00",
            "premium_since": null, "pending": false, "flags": 0 }),
    );
    w.fake
        .wait_for("DELETE", &format!("/permissions/{}", GINA.id), 1)
        .await;
    assert_eq!(named_in(&w.fake, &channel), [AROHA.id, BEN.id]);
    assert!(alerted(&w).await.is_empty(), "no more help alerts");
    w.fake.assert_clean();
}
