//! The monthly check-in over Slack, in HTTP mode and in Socket Mode: the scheduler posts the
//! prompt as Block Kit in the pair's private channel, a member's click or `/checkin` records the
//! answer and updates that message, a stranger's click changes nothing, and "We'd like help"
//! reaches every coordinator by DM with their typed note unable to ping anyone.

use serde_json::Value;
use tandem::domain::checkin::Answer;
use tandem::store;

use super::fake::{Call, eventually};
use super::{SlackTest, buttons, json_param, text_of};
use crate::on_both_backends;
use crate::support::{TestDb, utc};

on_both_backends!(
    check_in_over_http,
    check_in_over_socket_mode,
    a_schedule_finer_than_the_pass_posts_one_prompt_a_pass,
    a_long_help_note_still_reaches_the_coordinators,
);

async fn check_in_over_http(db: TestDb) {
    check_in(&SlackTest::http(db).await).await;
}

async fn check_in_over_socket_mode(db: TestDb) {
    check_in(&SlackTest::socket_mode(db).await).await;
}

const MONTH: &str = "2026-12";

fn text_param(call: &Call) -> String {
    call.params["text"].as_str().unwrap_or_default().to_string()
}

async fn check_in(t: &SlackTest) {
    t.mentoring("UCOORD", "intake create Y1 tz:Australia/Sydney")
        .await;
    let added = t.mentoring("UCOORD", "coordinator add <@UHANA|hana>").await;
    assert_eq!(added["response_type"], "ephemeral", "{added}");
    t.mentoring("UCOORD", "pair <@UMENTOR|mia.w> <@UMENTEE|ned>")
        .await;
    let db = t.app.store.pool();
    let pair = super::first_pair(t).await;
    let channel = pair.space_id.clone().expect("the pair has its channel");
    assert!(channel.starts_with('C'), "{channel}");
    let welcomes = t.fake.calls("chat.postMessage").len();

    // First Monday of December, 10:00 in Sydney: 6 December, 23:00 UTC.
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let report = t.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 0), "{report:?}");
    let posts = t.fake.calls("chat.postMessage");
    assert_eq!(posts.len(), welcomes + 1, "one prompt");
    let prompt = posts.last().unwrap();
    assert_eq!(prompt.params["channel"], channel.as_str());
    let text = text_param(prompt);
    assert!(text.contains("December 2026 check-in"), "{text}");
    assert!(
        text.contains("<@UMENTOR>") && text.contains("<@UMENTEE>"),
        "{text}"
    );
    // Where the prompt went, as the scheduler recorded it: what chat.update needs. The buttons
    // name the prompt's delivery, which holds its month.
    let recorded = store::deliveries::prompts_for(db, &pair.id).await.unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        recorded[0].month.as_deref(),
        Some(MONTH),
        "stored with the delivery"
    );
    let value = format!("{}:{}", pair.id, recorded[0].delivery_id);
    assert_eq!(
        buttons(&json_param(prompt, "blocks")),
        [
            ("checkin.met".to_string(), value.clone()),
            ("checkin.not-yet".to_string(), value.clone()),
            ("checkin.help".to_string(), value.clone()),
        ]
    );
    let (at_channel, ts) = (
        recorded[0].channel_id.clone(),
        recorded[0].message_id.clone(),
    );
    assert_eq!(at_channel, channel);
    assert!(ts.starts_with("1700000000."), "a Slack ts: {ts}");
    let on = Some((channel.as_str(), ts.as_str()));

    // Someone outside the pair: refused privately, nothing recorded, nothing updated.
    t.click_on("UOTHER", "checkin.met", &value, "stranger", on)
        .await;
    eventually("the refusal", || !t.fake.responses("stranger").is_empty()).await;
    let refusal = &t.fake.responses("stranger")[0];
    assert_ne!(refusal["replace_original"], true, "{refusal}");
    assert_eq!(refusal["response_type"], "ephemeral", "{refusal}");
    assert!(
        text_of(refusal).contains("belongs to someone else"),
        "{refusal}"
    );
    assert!(
        store::checkins::find(db, &pair.id, MONTH)
            .await
            .unwrap()
            .is_none()
    );

    // A member's click: recorded, and the prompt now says who answered.
    t.click_on("UMENTEE", "checkin.not-yet", &value, "clicked", on)
        .await;
    eventually("the replaced prompt and the thanks", || {
        t.fake.responses("clicked").len() >= 2
    })
    .await;
    let answers = t.fake.responses("clicked");
    let replaced: Vec<&Value> = answers
        .iter()
        .filter(|r| r["replace_original"] == true)
        .collect();
    assert_eq!(replaced.len(), 1, "{answers:?}");
    let shown = text_of(replaced[0]);
    assert!(shown.contains("Answered by Ned: *Not yet*"), "{shown}");
    assert_eq!(
        buttons(&replaced[0]["blocks"]).len(),
        3,
        "still answerable: {shown}"
    );
    let thanks = answers.iter().find(|r| r["replace_original"] != true);
    assert_eq!(thanks.unwrap()["response_type"], "ephemeral");
    let row = store::checkins::find(db, &pair.id, MONTH)
        .await
        .unwrap()
        .expect("the click is recorded");
    assert_eq!(row.answer, Answer::NotYet);

    // `/checkin met` typed in the pair's channel: recorded, and the posted prompt updated.
    let typed = t
        .slash(
            "/checkin",
            "UMENTOR",
            &channel,
            "met note:\"coffee on Friday\"",
        )
        .await;
    assert_eq!(typed["response_type"], "ephemeral", "{typed}");
    assert!(text_of(&typed).contains("met in December 2026"), "{typed}");
    let row = store::checkins::find(db, &pair.id, MONTH)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.answer, Answer::Met);
    assert_eq!(row.note.as_deref(), Some("coffee on Friday"));
    let updates = t.fake.calls("chat.update");
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].params["channel"], channel.as_str());
    assert_eq!(updates[0].params["ts"], ts.as_str());
    let shown = text_param(&updates[0]);
    assert!(shown.contains("Answered by Mia: *We met*"), "{shown}");

    // "We'd like help" with a note that tries to ping: Slack sends `@channel` as `<!channel>`
    // and a typed `<!here>` escaped; neither may reach the coordinators as a ping.
    let asked = t
        .slash(
            "/checkin",
            "UMENTEE",
            &channel,
            "help note:\"<!channel> &lt;!here&gt; we can't find a time\"",
        )
        .await;
    assert!(text_of(&asked).contains("coordinators"), "{asked}");
    assert_eq!(t.fake.calls("chat.update").len(), 2);
    let before = t.fake.calls("chat.postMessage").len();
    let report = t.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.failed), (2, 0), "{report:?}");
    let dms: Vec<Call> = t.fake.calls("chat.postMessage")[before..].to_vec();
    let mut to: Vec<&str> = dms
        .iter()
        .map(|c| c.params["channel"].as_str().unwrap())
        .collect();
    to.sort();
    assert_eq!(to, ["UCOORD", "UHANA"], "a DM to every coordinator");
    for dm in &dms {
        let text = text_param(dm);
        assert!(text.contains("A pair would like help"), "{text}");
        assert!(
            text.contains("&lt;!channel&gt; &lt;!here&gt; we can't find a time"),
            "{text}"
        );
        let everything = dm.params.to_string();
        for ping in ["<!channel>", "<!here>"] {
            assert!(!everything.contains(ping), "{ping} in {everything}");
        }
    }
    assert_eq!(
        t.app.run_due().await.unwrap().sent,
        0,
        "the alert goes out once"
    );
    t.fake.assert_clean();
}

/// A `*/5 * * * * *` schedule against the scheduler's 10-second pass: two occurrences fall due in
/// each pass; one prompt is posted in the pair's channel and the other recorded as missed.
async fn a_schedule_finer_than_the_pass_posts_one_prompt_a_pass(db: TestDb) {
    let t = SlackTest::http(db).await;
    t.mentoring("UCOORD", "intake create Y1 tz:Australia/Sydney")
        .await;
    t.mentoring("UCOORD", "pair <@UMENTOR|mia.w> <@UMENTEE|ned>")
        .await;
    let said = t.mentoring("UCOORD", "checkins */5 * * * * *").await;
    assert!(text_of(&said).contains("now follow"), "{said}");
    let before = t.fake.calls("chat.postMessage").len();
    for pass in 1..=3 {
        t.clock.advance(std::time::Duration::from_secs(10));
        let report = t.app.run_due().await.unwrap();
        assert_eq!(
            (report.sent, report.missed, report.failed),
            (1, 1, 0),
            "pass {pass}: {report:?}"
        );
        let posts = t.fake.calls("chat.postMessage");
        assert_eq!(posts.len(), before + pass, "one prompt per pass");
        let text = text_param(posts.last().unwrap());
        assert!(text.contains("check-in"), "{text}");
        // Each new prompt closes the one before it, buttons and all: one stays open.
        let updates = t.fake.calls("chat.update");
        assert_eq!(updates.len(), pass - 1, "pass {pass}");
        if let Some(update) = updates.last() {
            assert!(text_param(update).contains("(closed)"), "{update:?}");
            assert!(
                !update.params["blocks"].to_string().contains("actions"),
                "{update:?}"
            );
            let channel = update.params["channel"].as_str().unwrap();
            let prompts: Vec<_> = t
                .fake
                .posts(channel)
                .into_iter()
                .filter(|p| p.text.contains("check-in"))
                .collect();
            let (newest, older) = prompts.split_last().unwrap();
            assert!(!newest.text.contains("(closed)"), "{newest:?}");
            assert!(
                older.iter().all(|p| p.text.contains("(closed)")),
                "{older:?}"
            );
        }
    }
    let said = t.mentoring("UCOORD", "status").await;
    assert!(
        text_of(&said).contains("3 scheduled check-ins were missed"),
        "{said}"
    );
    t.fake.assert_clean();
}

/// A help note longer than a Slack section holds (and full of characters escaping lengthens)
/// still reaches the coordinator, split over sections within Slack's limits, the alert sent once.
async fn a_long_help_note_still_reaches_the_coordinators(db: TestDb) {
    let t = SlackTest::http(db).await;
    t.mentoring("UCOORD", "intake create Y1 tz:Australia/Sydney")
        .await;
    t.mentoring("UCOORD", "pair <@UMENTOR|mia.w> <@UMENTEE|ned>")
        .await;
    let pair = super::first_pair(&t).await;
    let channel = pair.space_id.clone().unwrap();
    let note = "we can't & won't find a time, the <rosters> clash again. ".repeat(70);
    let asked = t
        .slash(
            "/checkin",
            "UMENTEE",
            &channel,
            &format!("help note:\"{note}\""),
        )
        .await;
    assert!(text_of(&asked).contains("coordinators"), "{asked}");
    let before = t.fake.calls("chat.postMessage").len();
    let report = t.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 0), "{report:?}");
    let alert = &t.fake.calls("chat.postMessage")[before];
    assert_eq!(alert.params["channel"], "UCOORD");
    let text = text_param(alert);
    assert!(text.contains("A pair would like help"), "{text}");
    assert!(
        text.contains("we can't &amp; won't find a time, the &lt;rosters&gt; clash again."),
        "{text:.300}"
    );
    let blocks = json_param(alert, "blocks");
    assert!(
        blocks.as_array().unwrap().len() > 1,
        "the note spans sections"
    );
    t.fake.assert_clean();
}
