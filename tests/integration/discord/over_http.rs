//! HTTP interactions end to end, on both backends: signatures, pairing and its private channel,
//! authorization, buttons, deduplication and mention safety.

use serde_json::{Value, json};
use sqlx::Row;
use tandem::chat::{Chat, Member, SpaceRequest};
use tandem::domain::{Identity, Platform};

use super::fake::{BOT, COORDINATOR_ROLE, GUILD};
use super::payloads::{self, AROHA, BEN, CY, GINA, mentoring, person, text};
use super::{DiscordWorld, sign};
use crate::on_both_backends;
use crate::support::TestDb;

on_both_backends!(
    signatures_and_stale_timestamps_are_refused,
    pairing_makes_exactly_one_private_channel,
    only_coordinators_pair,
    the_resume_button_is_recorded_and_updates_the_message,
    repeated_interactions_are_handled_once,
    typed_text_never_pings,
    a_follow_up_ahead_of_the_first_answer_is_tried_again,
);

async fn count(w: &DiscordWorld, table: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(w.db.store.pool())
        .await
        .unwrap()
        .get(0)
}

async fn intake(w: &DiscordWorld, name: &str) {
    let (status, answer) = w
        .post(&mentoring(
            &GINA,
            &["intake", "create"],
            vec![text("name", name)],
            &[],
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(answer["type"], 4, "{answer}");
    assert!(
        payloads::words(&answer["data"]).contains("Created the intake"),
        "{answer}"
    );
}

/// Pairs over HTTP: a deferred answer, then the edit with the result.
async fn pair(
    w: &DiscordWorld,
    who: &payloads::Person,
    mentor: &payloads::Person,
    mentee: &payloads::Person,
) -> String {
    let before = w.fake.calls_to("PATCH", "/messages/@original").len();
    let command = mentoring(
        who,
        &["pair"],
        vec![person("mentor", mentor), person("mentee", mentee)],
        &[mentor, mentee],
    );
    let (status, answer) = w.post(&command).await;
    assert_eq!(status, 200);
    assert_eq!(
        answer,
        json!({ "type": 5, "data": { "flags": 64 } }),
        "pairing is deferred, privately"
    );
    let edits = w
        .fake
        .wait_for("PATCH", "/messages/@original", before + 1)
        .await;
    payloads::words(&edits[before].body)
}

async fn signatures_and_stale_timestamps_are_refused(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let body = mentoring(
        &GINA,
        &["intake", "create"],
        vec![text("name", "Sneaky")],
        &[],
    )
    .to_string();
    let now = w.app.now().unix_seconds();
    let good_ts = now.to_string();
    let tampered = body.replace("Sneaky", "Sneakier");
    let stale_ts = (now - 6 * 60).to_string();
    let cases = [
        (tampered.as_str(), good_ts.clone(), sign(&good_ts, &body)),
        (body.as_str(), stale_ts.clone(), sign(&stale_ts, &body)),
        (body.as_str(), good_ts.clone(), "00".repeat(64)),
        (body.as_str(), good_ts.clone(), "not hex".into()),
    ];
    for (body, ts, signature) in cases {
        let (status, _) = w.post_raw(body, &ts, &signature).await;
        assert_eq!(status, 401);
    }
    assert_eq!(count(&w, "intakes").await, 0);
    assert_eq!(count(&w, "inbound_seen").await, 0);
    let after_connect = w.fake.calls().iter().filter(|c| c.method != "GET").count();
    assert_eq!(after_connect, 0, "a refused request reaches nothing");
    let body = body.to_string();
    // A genuine request captured and replayed later falls outside the window.
    let (status, _) = w.post_raw(&body, &good_ts, &sign(&good_ts, &body)).await;
    assert_eq!(status, 200);
    w.clock.advance(std::time::Duration::from_secs(6 * 60));
    let (status, _) = w.post_raw(&body, &good_ts, &sign(&good_ts, &body)).await;
    assert_eq!(status, 401);
    assert_eq!(count(&w, "intakes").await, 1);
    // PING is answered with PONG once the signature holds.
    let (status, answer) = w.post(&payloads::ping()).await;
    assert_eq!((status, answer), (200, json!({ "type": 1 })));
}

async fn pairing_makes_exactly_one_private_channel(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    intake(&w, "2027 February").await;
    let said = pair(&w, &GINA, &AROHA, &BEN).await;
    assert!(
        said.contains("Paired Aroha (mentor) with Ben (mentee)"),
        "{said}"
    );
    let channels = w.fake.pair_channels();
    assert_eq!(channels.len(), 1, "{channels:#?}");
    let channel = &channels[0];
    assert_eq!(channel["name"], "mentoring-aroha-ben");
    let categories: Vec<Value> = w
        .fake
        .lock()
        .channels
        .iter()
        .filter(|c| c["type"] == 4)
        .cloned()
        .collect();
    assert_eq!(categories.len(), 1);
    assert_eq!(categories[0]["name"], "Mentoring pairs");
    assert_eq!(channel["parent_id"], categories[0]["id"]);
    let overwrites: Vec<(String, u8, u64, u64)> = channel["permission_overwrites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let bits = |k: &str| o[k].as_str().unwrap().parse::<u64>().unwrap();
            (
                o["id"].as_str().unwrap().to_string(),
                o["type"].as_u64().unwrap() as u8,
                bits("allow"),
                bits("deny"),
            )
        })
        .collect();
    let member = (1 << 10) | (1 << 11) | (1 << 16);
    assert!(
        overwrites.contains(&(GUILD.to_string(), 0, 0, 1 << 10)),
        "@everyone can't see: {overwrites:?}"
    );
    assert!(overwrites.contains(&(AROHA.id.to_string(), 1, member, 0)));
    assert!(overwrites.contains(&(BEN.id.to_string(), 1, member, 0)));
    assert!(overwrites.contains(&(COORDINATOR_ROLE.to_string(), 0, member, 0)));
    // Gina coordinates by role; seen with it, she is added by name too, so losing the role
    // can take her out again.
    assert!(overwrites.contains(&(GINA.id.to_string(), 1, member, 0)));
    assert!(
        overwrites
            .iter()
            .any(|o| o.0 == BOT.to_string() && o.2 & member == member)
    );
    // The welcome pings exactly the pair.
    let channel_id = channel["id"].as_str().unwrap();
    let welcome = w
        .fake
        .calls_to("POST", &format!("/channels/{channel_id}/messages"));
    assert_eq!(welcome.len(), 1);
    assert_eq!(
        welcome[0].body["allowed_mentions"],
        json!({ "parse": [], "users": [AROHA.id, BEN.id] })
    );
    assert_eq!(welcome[0].body["enforce_nonce"], true);
    let said = payloads::words(&welcome[0].body);
    assert!(
        said.contains(&format!(
            "Who can read this space: the two of you and the program's coordinators Gina, and everyone with the <@&{COORDINATOR_ROLE}> role."
        )),
        "{said}"
    );
    // Again: refused, and still one channel; the sweeper and the adapter find the same space.
    let said = pair(&w, &GINA, &AROHA, &BEN).await;
    assert!(said.contains("already in an active pair"), "{said}");
    assert_eq!(w.app.open_missing_spaces().await.unwrap(), 0);
    let pair_id: String = sqlx::query("SELECT id FROM pairs")
        .fetch_one(w.db.store.pool())
        .await
        .unwrap()
        .get(0);
    let again = w
        .discord
        .ensure_private_space(&SpaceRequest {
            pair_id,
            intake_name: "2027 February".into(),
            mentor: Member {
                identity: Identity::new(Platform::Discord, AROHA.id),
                display_name: "Aroha".into(),
            },
            mentee: Member {
                identity: Identity::new(Platform::Discord, BEN.id),
                display_name: "Ben".into(),
            },
            coordinators: vec![],
        })
        .await
        .unwrap();
    assert_eq!(again.channel.id, channel_id);
    assert_eq!(w.fake.pair_channels().len(), 1);
    w.fake.assert_clean();
}

async fn only_coordinators_pair(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    intake(&w, "Y1").await;
    let said = pair(&w, &CY, &AROHA, &BEN).await;
    assert!(
        said.starts_with("\nOnly program coordinators can do that"),
        "{said}"
    );
    assert_eq!(count(&w, "pairs").await, 0);
    assert!(w.fake.pair_channels().is_empty());
    // The role is what makes a coordinator: Cy without it can't create intakes either.
    let (_, answer) = w
        .post(&mentoring(
            &CY,
            &["intake", "create"],
            vec![text("name", "Y2")],
            &[],
        ))
        .await;
    assert_eq!(answer["data"]["flags"], 64);
    assert_eq!(count(&w, "intakes").await, 1);
    w.fake.assert_clean();
}

async fn the_resume_button_is_recorded_and_updates_the_message(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    intake(&w, "Y1").await;
    pair(&w, &GINA, &AROHA, &BEN).await;
    let (_, answer) = w.post(&mentoring(&AROHA, &["pause"], vec![], &[])).await;
    assert_eq!(answer["type"], 4);
    assert_eq!(answer["data"]["flags"], 64, "pausing is private");
    let ids = payloads::custom_ids(&answer["data"]);
    assert_eq!(ids.len(), 1);
    assert!(ids[0].starts_with("pause.resume|"), "{ids:?}");
    let paused = "SELECT COUNT(*) FROM participants WHERE paused_since IS NOT NULL";
    let paused_count = |w: &DiscordWorld| {
        let pool = w.db.store.pool().clone();
        async move {
            sqlx::query(paused)
                .fetch_one(&pool)
                .await
                .unwrap()
                .get::<i64, _>(0)
        }
    };
    assert_eq!(paused_count(&w).await, 1);
    // Someone else's click changes nothing.
    let (_, answer) = w.post(&payloads::click(&BEN, &ids[0], "1")).await;
    assert_eq!(answer["type"], 4);
    assert!(
        payloads::words(&answer["data"]).contains("belongs to someone else"),
        "{answer}"
    );
    assert_eq!(paused_count(&w).await, 1);
    let (_, answer) = w.post(&payloads::click(&AROHA, &ids[0], "1")).await;
    assert_eq!(
        answer["type"], 7,
        "the clicked message is updated: {answer}"
    );
    assert!(payloads::words(&answer["data"]).contains("Welcome back!"));
    assert!(payloads::custom_ids(&answer["data"]).is_empty());
    assert_eq!(paused_count(&w).await, 0);
    w.fake.assert_clean();
}

async fn repeated_interactions_are_handled_once(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let create = mentoring(
        &GINA,
        &["intake", "create"],
        vec![text("name", "Once")],
        &[],
    );
    let (_, first) = w.post(&create).await;
    let (_, second) = w.post(&create).await;
    assert!(payloads::words(&first["data"]).contains("Created the intake"));
    assert!(
        payloads::words(&second["data"]).contains("already handled"),
        "{second}"
    );
    assert_eq!(count(&w, "intakes").await, 1);
}

async fn typed_text_never_pings(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let nasty = "@everyone <@&900> <@100000000000000004> @here";
    let (_, answer) = w
        .post(&mentoring(
            &GINA,
            &["intake", "create"],
            vec![text("name", nasty)],
            &[],
        ))
        .await;
    let data = &answer["data"];
    assert_eq!(
        data["allowed_mentions"],
        json!({ "parse": [], "users": [] })
    );
    let shown = payloads::words(data);
    assert!(
        !shown.contains("@everyone")
            && !shown.contains("<@&900>")
            && !shown.contains("<@100000000000000004>"),
        "{shown}"
    );
    pair(&w, &GINA, &AROHA, &BEN).await;
    // The welcome names the intake: still only the pair may be pinged.
    let welcome = w
        .fake
        .calls_to("POST", "/messages")
        .into_iter()
        .find(|c| c.path.starts_with("/channels/"))
        .unwrap();
    assert_eq!(
        welcome.body["allowed_mentions"]["users"],
        json!([AROHA.id, BEN.id])
    );
    assert!(!payloads::words(&welcome.body).contains("@everyone"));
    w.fake.assert_clean();
}

/// Over HTTP, the follow-up of a deferred answer can reach Discord before the answer itself has:
/// Discord refuses it (Unknown Webhook), and the adapter tries again instead of losing it.
async fn a_follow_up_ahead_of_the_first_answer_is_tried_again(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    intake(&w, "Y1").await;
    let command = mentoring(
        &GINA,
        &["pair"],
        vec![person("mentor", &AROHA), person("mentee", &BEN)],
        &[&AROHA, &BEN],
    );
    let body = command.to_string();
    let ts = w.app.now().unix_seconds().to_string();
    let (status, answer) = w.post_unmarked(&body, &ts, &sign(&ts, &body)).await;
    assert_eq!((status, answer["type"].clone()), (200, json!(5)));
    for _ in 0..500 {
        if w.fake.too_early() > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    assert!(w.fake.too_early() > 0, "the edit raced the answer");
    let token = command["token"].as_str().unwrap().to_string();
    w.fake.lock().answered.insert(token);
    let edits = w.fake.wait_for("PATCH", "/messages/@original", 1).await;
    assert!(
        payloads::words(&edits[0].body).contains("Paired"),
        "{}",
        edits[0].body
    );
}
