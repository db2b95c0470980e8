//! The program's calendar over Slack, end to end with the injected clock: a coordinator adds a
//! webinar with `/mentoring`, its reminders and live post reach the intake's announcement channel
//! in Slack's own date syntax, `/webinars` shows it; a meetup's invitation reaches the locals by
//! DM with RSVP buttons, a click records the answer, and the list counts it.

use serde_json::Value;

use super::fake::{Call, dm_of, eventually};
use super::{SlackTest, buttons, json_param, text_of};
use crate::on_both_backends;
use crate::support::{TestDb, utc};

on_both_backends!(webinar_reminders_reach_the_channel, meetup_rsvp_by_button);

fn text_param(call: &Call) -> String {
    call.params["text"].as_str().unwrap_or_default().to_string()
}

fn blocks(call: &Call) -> Value {
    json_param(call, "blocks")
}

/// Posts in one channel (not in its threads), oldest first.
fn posts_in(t: &SlackTest, channel: &str) -> Vec<Call> {
    t.fake
        .calls("chat.postMessage")
        .into_iter()
        .filter(|c| c.params["channel"] == channel && c.params.get("thread_ts").is_none())
        .collect()
}

async fn program(t: &SlackTest) {
    t.fake.add_channel("CANNOUNCE", "mentoring-announcements");
    let made = t
        .mentoring(
            "UCOORD",
            "intake create Y1 tz:Australia/Sydney channel:<#CANNOUNCE|mentoring-announcements>",
        )
        .await;
    assert!(text_of(&made).contains("Y1"), "{made}");
    t.mentoring("UCOORD", "pair <@UMENTOR|mia> <@UMENTEE|ned>")
        .await;
}

async fn webinar_reminders_reach_the_channel(db: TestDb) {
    let t = SlackTest::http(db).await;
    program(&t).await;
    // Thu 10 Dec 2026, 19:00 in Sydney is 08:00 UTC.
    let added = t
        .mentoring(
            "UCOORD",
            "webinar add \"Finding your voice\" at:\"2026-12-10 19:00\" url:https://meet.example.org/voice speakers:\"Dr Lee\"",
        )
        .await;
    assert_eq!(added["response_type"], "ephemeral", "{added}");
    assert!(text_of(&added).contains("Added webinar 1"), "{added}");
    // A participant can't add one, and a past time is refused; neither changes anything.
    let refused = t
        .mentoring("UMENTEE", "webinar add Mine at:\"2026-12-11 19:00\"")
        .await;
    assert!(text_of(&refused).contains("coordinator"), "{refused}");
    let past = t
        .mentoring("UCOORD", "webinar add Old at:\"2026-11-01 19:00\"")
        .await;
    assert_eq!(past["response_type"], "ephemeral");
    let listed = t.mentoring("UMENTEE", "webinars").await;
    let listed = text_of(&listed);
    assert!(
        listed.contains("Finding your voice") && !listed.contains("Old"),
        "{listed}"
    );

    // The 7-day, 1-day and 1-hour reminders and the live post, each once, in the channel.
    let expected = [
        (utc(2026, 12, 3, 8, 0), "in 7 days"),
        (utc(2026, 12, 9, 8, 0), "tomorrow"),
        (utc(2026, 12, 10, 7, 0), "in 1 hour"),
    ];
    for (n, (at, _)) in expected.iter().enumerate() {
        t.clock.set(*at);
        t.app.run_due().await.unwrap();
        t.app.run_due().await.unwrap();
        assert_eq!(posts_in(&t, "CANNOUNCE").len(), n + 1, "reminder {n} once");
    }
    let reminders = posts_in(&t, "CANNOUNCE");
    for call in &reminders {
        let text = text_param(call);
        assert!(text.contains("Finding your voice"), "{text}");
        // Slack shows each reader the time in their own zone.
        assert!(
            text.contains("<!date^1796889600^"),
            "Slack date syntax: {text}"
        );
        let blocks = blocks(call).to_string();
        assert!(
            blocks.contains("https://meet.example.org/voice"),
            "{blocks}"
        );
        // A channel has many readers: no one's personal calendar key goes there.
        let shown = blocks;
        assert!(
            !shown.contains("/calendar/") && shown.contains("/webinars"),
            "each reader's own link: {shown}"
        );
    }
    t.clock.set(utc(2026, 12, 10, 8, 0));
    t.app.run_due().await.unwrap();
    let live = posts_in(&t, "CANNOUNCE");
    assert_eq!(live.len(), 4);
    let threaded: Vec<Call> = t
        .fake
        .calls("chat.postMessage")
        .into_iter()
        .filter(|c| c.params.get("thread_ts").is_some())
        .collect();
    assert_eq!(threaded.len(), 1, "the live chat opens under the live post");
    assert_eq!(threaded[0].params["channel"], "CANNOUNCE");
    assert!(
        text_param(live.last().unwrap())
            .to_lowercase()
            .contains("live"),
        "{:?}",
        live.last()
    );
    // Nobody got a DM: the intake has a channel and nobody asked for DMs.
    let dms = t
        .fake
        .calls("chat.postMessage")
        .into_iter()
        .filter(|c| {
            c.params["channel"]
                .as_str()
                .is_some_and(|id| id.starts_with('U'))
        })
        .count();
    assert_eq!(dms, 0);
    t.fake.assert_clean();
}

async fn meetup_rsvp_by_button(db: TestDb) {
    let t = SlackTest::http(db).await;
    program(&t).await;
    let mine = t.mentoring("UMENTOR", "profile city:Sydney").await;
    assert!(text_of(&mine).contains("Sydney"), "{mine}");
    t.mentoring("UCOORD", "profile user:<@UMENTEE|ned> city:Wellington")
        .await;
    let added = t
        .mentoring(
            "UCOORD",
            "meetup \"International Mentoring Day\" city:sydney at:\"2027-01-17 17:30\" venue:\"State Library\"",
        )
        .await;
    assert!(text_of(&added).contains("1 participant in"), "{added}");
    t.app.run_due().await.unwrap();
    let invites: Vec<Call> = t
        .fake
        .calls("chat.postMessage")
        .into_iter()
        .filter(|c| text_param(c).contains("International Mentoring Day"))
        .collect();
    assert_eq!(invites.len(), 1, "only the Sydney local");
    assert_eq!(invites[0].params["channel"], "UMENTOR");
    let buttons = buttons(&blocks(&invites[0]));
    let labels: Vec<&str> = buttons.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(labels, ["meetup.going", "meetup.maybe", "meetup.cant"]);
    let (going, value) = &buttons[0];
    t.click_on(
        "UMENTOR",
        going,
        value,
        "rsvp",
        Some((dm_of("UMENTOR").as_str(), "1700000000.000009")),
    )
    .await;
    eventually("the RSVP answer", || !t.fake.responses("rsvp").is_empty()).await;
    let answer = &t.fake.responses("rsvp")[0];
    assert!(text_of(answer).contains("You're going"), "{answer}");
    let list = text_of(&t.mentoring("UCOORD", "meetup list").await);
    assert!(list.contains("1 going, 0 maybe, 0 can't go"), "{list}");
    t.fake.assert_clean();
}
