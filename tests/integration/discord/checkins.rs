//! The monthly check-in on Discord end to end, on both backends: the commands as registered, the
//! prompt the scheduler posts in a pair's channel, answers by button (HTTP and gateway) and by
//! `/checkin`, the posted prompt updated in place, and help alerts DM'd without pinging anyone.

use serde_json::{Value, json};
use sqlx::Row;
use tandem::adapters::discord::gateway;
use tandem::domain::checkin::Answer;
use tandem::store;

use super::DiscordWorld;
use super::payloads::{self, AROHA, BEN, CY, GINA, command, mentoring, person, text};
use crate::on_both_backends;
use crate::support::{TestDb, utc};

on_both_backends!(
    the_check_in_commands_are_registered_once,
    a_check_in_lands_with_buttons_and_a_click_is_recorded,
    a_typed_answer_updates_the_prompt_and_help_reaches_coordinators,
    role_holders_hear_of_help_until_they_lose_the_role,
    a_prompt_whose_answer_was_lost_is_not_posted_twice,
    a_schedule_finer_than_the_pass_posts_one_prompt_a_pass,
    a_long_help_note_still_reaches_the_coordinators,
);

const MONTH: &str = "2026-12";

/// The interaction as if sent from `channel` (a pair's channel rather than the default one).
fn from_channel(mut interaction: Value, channel: &str) -> Value {
    interaction["channel_id"] = json!(channel);
    if interaction.get("message").is_some() {
        interaction["message"]["channel_id"] = json!(channel);
    }
    interaction
}

fn checkin(who: &payloads::Person, answer: &str, note: Option<&str>) -> Value {
    let mut options = vec![text("answer", answer)];
    if let Some(note) = note {
        options.push(text("note", note));
    }
    command(who, "checkin", &[], options, &[])
}

/// An intake in London (its default schedule: first Monday, 10:00), Aroha paired with Ben, and
/// December's check-in run by the scheduler. Returns the pair id, its channel and the prompt's id.
async fn prompted(w: &DiscordWorld) -> (String, String, String) {
    w.intake_with_pair(vec![text("tz", "Europe/London")]).await;
    let channel = w.fake.pair_channels()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let pair_id: String = sqlx::query("SELECT id FROM pairs")
        .fetch_one(w.db.store.pool())
        .await
        .unwrap()
        .get(0);

    // Nothing before the first Monday; then exactly one prompt.
    w.clock.set(utc(2026, 12, 7, 9, 55));
    assert_eq!(w.app.run_due().await.unwrap().sent, 0);
    w.clock.set(utc(2026, 12, 7, 10, 1));
    let report = w.app.run_due().await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(w.app.run_due().await.unwrap().sent, 0, "never twice");

    let posts = w
        .fake
        .calls_to("POST", &format!("/channels/{channel}/messages"));
    assert_eq!(posts.len(), 2, "the welcome, then the prompt");
    let prompt = &posts[1].body;
    assert!(
        payloads::words(prompt).contains("December 2026 check-in"),
        "{prompt}"
    );
    assert!(!prompt["embeds"].as_array().unwrap().is_empty());
    // The buttons name the prompt's delivery, which holds its month.
    let recorded = store::deliveries::prompts_for(w.app.store.pool(), &pair_id)
        .await
        .unwrap();
    assert_eq!(recorded[0].month.as_deref(), Some(MONTH));
    let value = format!("{pair_id}:{}", recorded[0].delivery_id);
    assert_eq!(
        payloads::custom_ids(prompt),
        vec![
            format!("checkin.met|{value}"),
            format!("checkin.not-yet|{value}"),
            format!("checkin.help|{value}"),
        ]
    );
    assert_eq!(
        prompt["allowed_mentions"],
        json!({ "parse": [], "users": [AROHA.id, BEN.id] })
    );
    assert!(
        prompt["nonce"]
            .as_str()
            .is_some_and(|n| (1..=25).contains(&n.len()))
    );
    assert_eq!(prompt["enforce_nonce"], true);
    let message_id = {
        let world = w.fake.lock();
        let (id, _) = world
            .messages
            .iter()
            .find(|(_, m)| m["nonce"] == prompt["nonce"])
            .expect("the prompt is stored");
        id.clone()
    };
    // Where the prompt went is what the app will edit later.
    let recorded: (String, String) = sqlx::query(
        "SELECT channel_id, message_id FROM deliveries WHERE message_id IS NOT NULL AND recipient = $1",
    )
    .bind(&pair_id)
    .fetch_one(w.db.store.pool())
    .await
    .map(|r| (r.get(0), r.get(1)))
    .unwrap();
    assert_eq!(recorded, (channel.clone(), message_id.clone()));
    (pair_id, channel, message_id)
}

async fn answer(w: &DiscordWorld, pair_id: &str) -> Option<store::checkins::Checkin> {
    store::checkins::find(w.db.store.pool(), pair_id, MONTH)
        .await
        .unwrap()
}

async fn the_check_in_commands_are_registered_once(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    assert!(w.discord.register_commands().await.unwrap(), "first time");
    assert!(
        !w.discord.register_commands().await.unwrap(),
        "unchanged: skipped"
    );
    let puts = w.fake.calls_to("PUT", "/commands");
    assert_eq!(puts.len(), 1);
    let body = puts[0].body.as_array().unwrap();
    let registered = body.iter().find(|c| c["name"] == "checkin").unwrap();
    assert!(
        registered.get("default_member_permissions").is_none(),
        "anyone may answer"
    );
    assert_eq!(
        registered["options"],
        json!([
            {
                "type": 3, "name": "answer", "required": true,
                "description": "Whether you met this month, or would like help.",
                "choices": [
                    { "name": "met", "value": "met" },
                    { "name": "not-yet", "value": "not-yet" },
                    { "name": "help", "value": "help" },
                ],
            },
            {
                "type": 3, "name": "note", "required": false,
                "description": "Anything to add, for your coordinators.",
            },
        ])
    );
    let root = body.iter().find(|c| c["name"] == "mentoring").unwrap();
    let sub = |name: &str| {
        root["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone()
    };
    let shape = |o: &Value| -> Vec<(String, u64, bool)> {
        o["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["name"].as_str().unwrap().to_string(),
                    o["type"].as_u64().unwrap(),
                    o["required"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let checkins = sub("checkins");
    assert_eq!(checkins["type"], 1);
    assert_eq!(
        shape(&checkins),
        vec![
            ("cron".into(), 3, true),
            ("intake".into(), 3, false),
            ("tz".into(), 3, false)
        ]
    );
    assert_eq!(shape(&sub("schedules")), vec![]);
    assert_eq!(shape(&sub("status")), vec![("intake".into(), 3, false)]);
    // A cron on Discord is one string option, checked by us like a typed one.
    let (_, answer) = w
        .post(&mentoring(
            &GINA,
            &["intake", "create"],
            vec![text("name", "Y1"), text("tz", "Europe/London")],
            &[],
        ))
        .await;
    assert_eq!(answer["type"], 4);
    let (_, answer) = w
        .post(&mentoring(
            &GINA,
            &["checkins"],
            vec![text("cron", "0 9 * * 1")],
            &[],
        ))
        .await;
    let said = payloads::words(&answer["data"]);
    assert!(said.contains("now follow `0 9 * * 1`"), "{said}");
    let (_, answer) = w
        .post(&mentoring(
            &GINA,
            &["checkins"],
            vec![text("cron", "0 25 * * *")],
            &[],
        ))
        .await;
    let said = payloads::words(&answer["data"]);
    assert!(said.contains("isn't a schedule I can use"), "{said}");
    let (_, answer) = w.post(&mentoring(&GINA, &["schedules"], vec![], &[])).await;
    assert!(payloads::words(&answer["data"]).contains("`0 9 * * 1`"));
    let (_, answer) = w
        .post(&mentoring(
            &GINA,
            &["status"],
            vec![text("intake", "Y1")],
            &[],
        ))
        .await;
    assert_eq!(answer["type"], 4, "{answer}");
    assert_eq!(answer["data"]["flags"], 64);
    // A choice Discord would never send is still refused by our own check.
    let (_, answer) = w.post(&checkin(&AROHA, "maybe", None)).await;
    assert_eq!(answer["data"]["flags"], 64);
    assert_eq!(
        w.fake.calls_to("PUT", "/commands").len(),
        1,
        "nothing registered again"
    );
    w.fake.assert_clean();
}

async fn a_check_in_lands_with_buttons_and_a_click_is_recorded(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let (pair_id, channel, message_id) = prompted(&w).await;
    let met = format!("checkin.met|{pair_id}:{MONTH}");
    let not_yet = format!("checkin.not-yet|{pair_id}:{MONTH}");

    // Someone outside the pair: refused privately, nothing recorded, nothing edited.
    let (_, refused) = w
        .post(&from_channel(
            payloads::click(&CY, &met, &message_id),
            &channel,
        ))
        .await;
    assert_eq!(refused["type"], 4, "{refused}");
    assert_eq!(refused["data"]["flags"], 64);
    assert!(
        payloads::words(&refused["data"]).contains("belongs to someone else"),
        "{refused}"
    );
    assert!(answer(&w, &pair_id).await.is_none());

    // A member over HTTP: recorded, and the clicked message updated in place.
    let (_, updated) = w
        .post(&from_channel(
            payloads::click(&AROHA, &met, &message_id),
            &channel,
        ))
        .await;
    assert_eq!(updated["type"], 7, "{updated}");
    let shown = payloads::words(&updated["data"]);
    assert!(shown.contains("Answered by Aroha: **We met**"), "{shown}");
    assert_eq!(payloads::custom_ids(&updated["data"]).len(), 3);
    let recorded = answer(&w, &pair_id).await.expect("recorded");
    assert_eq!(recorded.answer, Answer::Met);

    // The other member over the gateway changes the answer.
    let connection = gateway::start(w.interactions.clone()).await.unwrap();
    w.gateway.ready().await;
    w.gateway.interaction(from_channel(
        payloads::click(&BEN, &not_yet, &message_id),
        &channel,
    ));
    let callbacks = w.fake.wait_for("POST", "/callback", 1).await;
    assert_eq!(callbacks[0].body["type"], 7, "{:?}", callbacks[0].body);
    let shown = payloads::words(&callbacks[0].body["data"]);
    assert!(shown.contains("Answered by Ben: **Not yet**"), "{shown}");
    assert_eq!(answer(&w, &pair_id).await.unwrap().answer, Answer::NotYet);
    // And a non-member over the gateway: refused, unchanged.
    w.gateway.interaction(from_channel(
        payloads::click(&CY, &met, &message_id),
        &channel,
    ));
    let callbacks = w.fake.wait_for("POST", "/callback", 2).await;
    assert_eq!(callbacks[1].body["type"], 4);
    assert_eq!(callbacks[1].body["data"]["flags"], 64);
    assert_eq!(answer(&w, &pair_id).await.unwrap().answer, Answer::NotYet);
    connection.stop().await;
    w.fake.assert_clean();
}

async fn a_typed_answer_updates_the_prompt_and_help_reaches_coordinators(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let (pair_id, channel, message_id) = prompted(&w).await;
    let edit_path = format!("/channels/{channel}/messages/{message_id}");

    // `/checkin met note:…` in the pair's channel: recorded, and the posted prompt edited.
    let (_, said) = w
        .post(&from_channel(
            checkin(&AROHA, "met", Some("Coffee on Tuesday")),
            &channel,
        ))
        .await;
    assert_eq!(said["type"], 4, "{said}");
    assert_eq!(said["data"]["flags"], 64);
    assert!(
        payloads::words(&said["data"]).contains("Recorded that you met in December 2026"),
        "{said}"
    );
    let recorded = answer(&w, &pair_id).await.unwrap();
    assert_eq!(recorded.answer, Answer::Met);
    assert_eq!(recorded.note.as_deref(), Some("Coffee on Tuesday"));
    let edits = w.fake.calls_to("PATCH", &edit_path);
    assert_eq!(edits.len(), 1);
    assert_eq!(
        edits[0].body["allowed_mentions"],
        json!({ "parse": [], "users": [AROHA.id, BEN.id] })
    );
    let now = w.fake.message(&message_id).unwrap();
    assert!(
        payloads::words(&now).contains("Answered by Aroha: **We met**"),
        "{now}"
    );
    assert_eq!(payloads::custom_ids(&now).len(), 3, "still answerable");

    // Two coordinators; then Ben asks for help with a note that tries to ping everyone.
    for who in [&GINA, &CY] {
        let (_, answer) = w
            .post(&mentoring(
                &GINA,
                &["coordinator", "add"],
                vec![person("user", who)],
                &[who],
            ))
            .await;
        assert_eq!(answer["type"], 4, "{answer}");
    }
    let nasty = "@everyone <@&900> @here <@100000000000000001> we're stuck";
    let (_, said) = w
        .post(&from_channel(checkin(&BEN, "help", Some(nasty)), &channel))
        .await;
    assert!(
        payloads::words(&said["data"]).contains("Your coordinators have been told"),
        "{said}"
    );
    assert_eq!(answer(&w, &pair_id).await.unwrap().answer, Answer::Help);
    assert_eq!(w.fake.calls_to("PATCH", &edit_path).len(), 2);
    assert!(w.fake.calls_to("POST", "/users/@me/channels").is_empty());

    let report = w.app.run_due().await.unwrap();
    assert_eq!(report.sent, 2, "{report:?}");
    let opened = w.fake.calls_to("POST", "/users/@me/channels");
    let mut recipients: Vec<&str> = opened
        .iter()
        .map(|c| c.body["recipient_id"].as_str().unwrap())
        .collect();
    recipients.sort();
    assert_eq!(recipients, vec![GINA.id, CY.id]);
    let alerts: Vec<Value> = w
        .fake
        .calls()
        .into_iter()
        .filter(|c| {
            c.method == "POST"
                && c.path.starts_with("/channels/")
                && c.path.ends_with("/messages")
                && !c.path.contains(&channel)
        })
        .map(|c| c.body)
        .collect();
    assert_eq!(alerts.len(), 2);
    for alert in &alerts {
        assert_eq!(
            alert["allowed_mentions"],
            json!({ "parse": [], "users": [] })
        );
        assert_eq!(alert["content"], "");
        assert_eq!(alert["enforce_nonce"], true);
        let shown = payloads::words(alert);
        assert!(shown.contains("A pair would like help"), "{shown}");
        assert!(shown.contains("stuck"), "{shown}");
        for ping in ["@everyone", "@here", "<@&900>", "<@100000000000000001>"] {
            assert!(!shown.contains(ping), "{ping} in {shown}");
        }
    }
    assert_eq!(w.app.run_due().await.unwrap().sent, 0, "alerted once");
    w.fake.assert_clean();
}

/// Gina coordinates only through the coordinator role (never `coordinator add`): having used
/// Tandem, she hears when a pair asks for help; seen without the role, she no longer would.
async fn role_holders_hear_of_help_until_they_lose_the_role(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let (_, channel, _) = prompted(&w).await;
    let db = w.db.store.pool();
    assert!(store::coordinators::list(db).await.unwrap().is_empty());
    let (_, said) = w
        .post(&from_channel(checkin(&BEN, "help", None), &channel))
        .await;
    assert!(
        payloads::words(&said["data"]).contains("Your coordinators have been told"),
        "{said}"
    );
    assert_eq!(w.app.run_due().await.unwrap().sent, 1);
    let opened = w.fake.calls_to("POST", "/users/@me/channels");
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].body["recipient_id"], GINA.id);

    let demoted = payloads::Person {
        coordinator: false,
        ..GINA
    };
    let (_, answer) = w.post(&mentoring(&demoted, &["help"], vec![], &[])).await;
    assert_eq!(answer["type"], 4, "{answer}");
    // Help says who reads a pair space, and that the role does not open a private thread.
    let help = payloads::words(&answer["data"]);
    assert!(help.contains("everyone with the"), "{help}");
    assert!(help.contains("made as a private thread"), "{help}");
    assert!(store::coordinators::alerted(db).await.unwrap().is_empty());
    assert!(
        !super::leaving::named_in(&w.fake, &channel).contains(&GINA.id.to_string()),
        "seen without the role, she leaves the pair channel"
    );
    let (_, refused) = w.post(&mentoring(&demoted, &["pairs"], vec![], &[])).await;
    assert!(
        payloads::words(&refused["data"]).contains("coordinator"),
        "no role, no coordinator commands: {refused}"
    );
}

/// Discord creates the prompt but every answer to our request is lost (a proxy's 502): the
/// delivery fails for now and is tried again later. The retry carries the same nonce, so Discord
/// hands back the message it already has instead of posting a second prompt.
async fn a_prompt_whose_answer_was_lost_is_not_posted_twice(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    w.intake_with_pair(vec![text("tz", "Europe/London")]).await;
    let channel = w.fake.pair_channels()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let prompts = || {
        w.fake
            .lock()
            .messages
            .values()
            .filter(|m| m["channel_id"] == channel.as_str())
            .filter(|m| payloads::words(m).contains("December 2026 check-in"))
            .count()
    };
    for _ in 0..4 {
        w.fake.inject(
            &format!("/channels/{channel}/messages"),
            super::fake::Fault::LostAnswer(502),
        );
    }
    w.clock.set(utc(2026, 12, 7, 10, 1));
    let report = w.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.retried), (0, 1), "{report:?}");
    assert_eq!(prompts(), 1, "Discord has it, though we could not tell");
    w.clock.set(utc(2026, 12, 7, 10, 2));
    let report = w.app.run_due().await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(prompts(), 1, "the retry found the prompt already posted");
}

/// A `*/5 * * * * *` schedule against the scheduler's 10-second pass: two occurrences fall due in
/// each pass; one prompt is posted in the pair's channel and the other recorded as missed.
async fn a_schedule_finer_than_the_pass_posts_one_prompt_a_pass(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    w.intake_with_pair(vec![text("tz", "Europe/London")]).await;
    let channel = w.fake.pair_channels()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, answer) = w
        .post(&mentoring(
            &GINA,
            &["checkins"],
            vec![text("cron", "*/5 * * * * *")],
            &[],
        ))
        .await;
    let said = payloads::words(&answer["data"]);
    assert!(said.contains("now follow `*/5 * * * * *`"), "{said}");
    let path = format!("/channels/{channel}/messages");
    let before = w.fake.calls_to("POST", &path).len();
    for pass in 1..=3 {
        w.clock.advance(std::time::Duration::from_secs(10));
        let report = w.app.run_due().await.unwrap();
        assert_eq!(
            (report.sent, report.missed, report.failed),
            (1, 1, 0),
            "pass {pass}: {report:?}"
        );
        assert_eq!(
            w.fake.calls_to("POST", &path).len(),
            before + pass,
            "one prompt per pass"
        );
        // Each new prompt closes the one before it, buttons and all: one stays open.
        let updates = w.fake.calls_to("PATCH", &format!("{path}/"));
        assert_eq!(updates.len(), pass - 1, "pass {pass}");
        if let Some(update) = updates.last() {
            assert_eq!(update.body["components"], json!([]), "{:?}", update.body);
            let words = update.body["embeds"][0]["description"].to_string();
            assert!(words.contains("(closed)"), "{words}");
            let id = update.path.rsplit('/').next().unwrap();
            let stored = w.fake.message(id).unwrap();
            assert_eq!(stored["components"], json!([]), "{stored}");
        }
        // Every earlier prompt was closed, each once.
        let mut closed: Vec<String> = updates.iter().map(|c| c.path.clone()).collect();
        closed.sort();
        closed.dedup();
        assert_eq!(closed.len(), pass - 1, "{closed:?}");
    }
    let (_, answer) = w.post(&mentoring(&GINA, &["status"], vec![], &[])).await;
    let said = payloads::words(&answer["data"]);
    assert!(said.contains("3 scheduled check-ins were missed"), "{said}");
}

/// A help note as long as a Discord option holds (6000 characters) still reaches the coordinator
/// within Discord's embed limits, shortened with a note saying so, the alert sent once.
async fn a_long_help_note_still_reaches_the_coordinators(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let (pair_id, channel, _) = prompted(&w).await;
    let note = "We can't find a time *at all*; <rosters> clash. ".repeat(122);
    let note: String = note.chars().take(6000).collect();
    let (_, said) = w
        .post(&from_channel(checkin(&BEN, "help", Some(&note)), &channel))
        .await;
    assert!(
        payloads::words(&said["data"]).contains("Your coordinators have been told"),
        "{said}"
    );
    let stored = answer(&w, &pair_id).await.unwrap().note.unwrap_or_default();
    assert!(
        stored == note.trim(),
        "the whole note is kept ({} characters)",
        stored.len()
    );
    let report = w.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 0), "{report:?}");
    let alert = w
        .fake
        .calls()
        .into_iter()
        .rev()
        .find(|c| c.method == "POST" && c.path.ends_with("/messages") && !c.path.contains(&channel))
        .expect("the alert");
    let shown = payloads::words(&alert.body);
    assert!(shown.contains("A pair would like help"), "{shown:.200}");
    assert!(shown.contains("shortened"), "{shown:.200}");
    w.fake.assert_clean();
}
