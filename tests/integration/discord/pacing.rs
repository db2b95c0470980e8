//! The outbound layer against injected faults: route and global 429s waited out, server errors
//! retried only where a repeat is harmless (with the same nonce), refusals not retried, and pair
//! spaces that grow past a category and past the server's channel limit.

use std::time::Duration;

use serde_json::json;
use tandem::adapters::discord::Discord;
use tandem::chat::{ChannelRef, Chat, ChatError, Member, Message, SpaceRequest};
use tandem::domain::{Identity, Platform};

use super::fake::{FakeDiscord, Fault, GUILD};
use super::settings;

async fn connected() -> (FakeDiscord, Discord) {
    let fake = FakeDiscord::start().await;
    let discord = Discord::connect(settings(&fake)).await.unwrap();
    (fake, discord)
}

fn hello() -> Message {
    Message::new().line("Hello")
}

#[tokio::test]
async fn rate_limits_are_waited_out() {
    let (fake, discord) = connected().await;
    let channel = ChannelRef::new(Platform::Discord, "123");
    fake.inject("/channels/123/messages", Fault::RouteLimited(0.2));
    discord.post(&channel, &hello()).await.unwrap();
    let calls = fake.calls_to("POST", "/channels/123/messages");
    assert_eq!(calls.len(), 2);
    assert!(calls[1].at - calls[0].at >= Duration::from_millis(200));

    fake.inject("/channels/123/messages", Fault::GlobalLimited(0.2));
    discord.post(&channel, &hello()).await.unwrap();
    let calls = fake.calls_to("POST", "/channels/123/messages");
    assert_eq!(calls.len(), 4);
    assert!(calls[3].at - calls[2].at >= Duration::from_millis(200));
    fake.assert_clean();
}

#[tokio::test]
async fn retries_reuse_the_nonce_and_refusals_are_final() {
    let (fake, discord) = connected().await;
    let channel = ChannelRef::new(Platform::Discord, "123");
    fake.inject("/channels/123/messages", Fault::Status(502));
    discord.post(&channel, &hello()).await.unwrap();
    let calls = fake.calls_to("POST", "/channels/123/messages");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].body["nonce"], calls[1].body["nonce"]);
    assert!(calls[0].body["nonce"].as_str().unwrap().len() <= 25);

    fake.inject("/channels/123/messages", Fault::Status(403));
    let err = discord.post(&channel, &hello()).await.unwrap_err();
    assert!(matches!(err, ChatError::Permanent { .. }), "{err:?}");
    assert_eq!(
        fake.calls_to("POST", "/channels/123/messages").len(),
        3,
        "a 403 is not retried"
    );
}

fn request(pair: &str, a: &str, b: &str) -> SpaceRequest {
    let member = |id: &str| Member {
        identity: Identity::new(Platform::Discord, id),
        display_name: format!("p{id}"),
    };
    SpaceRequest {
        pair_id: pair.into(),
        intake_name: "Y1".into(),
        mentor: member(a),
        mentee: member(b),
        coordinators: vec![],
    }
}

#[tokio::test]
async fn a_full_category_gets_a_sibling_and_a_full_server_gets_threads() {
    let fake = FakeDiscord::start().await;
    {
        let mut w = fake.lock();
        w.channels.push(json!({ "id": "1", "type": 4, "guild_id": GUILD.to_string(), "name": "Mentoring pairs", "position": 0, "flags": 0, "permission_overwrites": [] }));
        for i in 0..50 {
            w.channels.push(json!({ "id": (10 + i).to_string(), "type": 0, "guild_id": GUILD.to_string(), "name": format!("c{i}"), "parent_id": "1", "position": i + 1, "flags": 0, "permission_overwrites": [] }));
        }
    }
    let mut s = settings(&fake);
    s.threads_after = 53;
    let discord = Discord::connect(s).await.unwrap();
    let space = discord
        .ensure_private_space(&request("pair-one", "201", "202"))
        .await
        .unwrap();
    let channels = fake.lock().channels.clone();
    let category = channels
        .iter()
        .find(|c| c["name"] == "Mentoring pairs 2")
        .expect("a second category");
    let made = channels
        .iter()
        .find(|c| c["id"] == space.channel.id.as_str())
        .unwrap();
    assert_eq!(made["parent_id"], category["id"]);
    // 53 channels now: the next pair gets a private thread, added to it with its members.
    let space = discord
        .ensure_private_space(&request("pair-two", "203", "204"))
        .await
        .unwrap();
    let threads = fake.lock().threads.clone();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0]["id"], space.channel.id.as_str());
    assert_eq!(fake.calls_to("PUT", "/thread-members/").len(), 2);
    let thread_post = fake.calls_to("POST", "/threads");
    assert_eq!(thread_post[0].body["type"], 12);
    // Asked again, the thread is found rather than made twice.
    let again = discord
        .ensure_private_space(&request("pair-two", "203", "204"))
        .await
        .unwrap();
    assert_eq!(again, space);
    assert_eq!(fake.lock().threads.len(), 1);
    fake.assert_clean();
}
