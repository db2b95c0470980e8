//! The program's calendar on Discord, end to end with the injected clock: webinar commands as
//! Discord sends them, reminders and the live post in the intake's announcement channel with
//! Discord's `<t:…>` times, `/webinars` for anyone; a meetup (registered as `meetup add`) invites
//! the locals by DM with RSVP buttons, and a click records the answer.

use serde_json::Value;

use super::DiscordWorld;
use super::fake::Call;
use super::payloads::{self, AROHA, BEN, GINA, command, mentoring, person, text};
use crate::on_both_backends;
use crate::support::{TestDb, utc};

on_both_backends!(webinar_reminders_reach_the_channel, meetup_rsvp_by_button);

const ANNOUNCE: &str = "700000000000000009";

fn said(answer: &Value) -> String {
    payloads::words(&answer["data"])
}

async fn program(w: &DiscordWorld) {
    w.intake_with_pair(vec![
        text("tz", "Australia/Sydney"),
        text("channel", &format!("<#{ANNOUNCE}>")),
    ])
    .await;
}

/// Posts in the announcement channel (not threads opened under them).
fn announcements(w: &DiscordWorld) -> Vec<Call> {
    w.fake
        .calls_to("POST", &format!("/channels/{ANNOUNCE}/messages"))
        .into_iter()
        .filter(|c| c.path.ends_with("/messages"))
        .collect()
}

async fn webinar_reminders_reach_the_channel(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    program(&w).await;
    let (_, added) = w
        .post(&mentoring(
            &GINA,
            &["webinar", "add"],
            vec![
                text("title", "Finding your voice"),
                text("at", "2026-12-10 19:00"),
                text("url", "https://meet.example.org/voice"),
                text("speakers", "Dr Lee"),
            ],
            &[],
        ))
        .await;
    assert_eq!(added["data"]["flags"], 64, "private: {added}");
    assert!(said(&added).contains("Added webinar 1"), "{added}");
    // A participant can't add one; a bad link is refused; neither changes anything.
    let (_, refused) = w
        .post(&mentoring(
            &BEN,
            &["webinar", "add"],
            vec![text("title", "Mine"), text("at", "2026-12-11 19:00")],
            &[],
        ))
        .await;
    assert!(said(&refused).contains("coordinator"), "{refused}");
    let (_, bad) = w
        .post(&mentoring(
            &GINA,
            &["webinar", "add"],
            vec![
                text("title", "Broken"),
                text("at", "2026-12-11 19:00"),
                text("url", "meet dot example"),
            ],
            &[],
        ))
        .await;
    assert_eq!(bad["data"]["flags"], 64, "{bad}");
    let (_, listed) = w.post(&command(&BEN, "webinars", &[], vec![], &[])).await;
    let listed = said(&listed);
    assert!(
        listed.contains("Finding your voice") && !listed.contains("Broken"),
        "{listed}"
    );

    // 7 days, 1 day, 1 hour before (19:00 Sydney is 08:00 UTC), each once, then the live post.
    for (n, at) in [
        utc(2026, 12, 3, 8, 0),
        utc(2026, 12, 9, 8, 0),
        utc(2026, 12, 10, 7, 0),
        utc(2026, 12, 10, 8, 0),
    ]
    .into_iter()
    .enumerate()
    {
        w.clock.set(at);
        w.app.run_due().await.unwrap();
        w.app.run_due().await.unwrap();
        assert_eq!(announcements(&w).len(), n + 1, "post {n} once");
    }
    let posts = announcements(&w);
    for post in &posts[..3] {
        let words = payloads::words(&post.body);
        assert!(words.contains("Finding your voice"), "{words}");
        assert!(
            words.contains("<t:1796889600:F>"),
            "Discord's own time: {words}"
        );
        // A channel has many readers: no one's personal calendar key goes there.
        let shown = post.body.to_string();
        assert!(
            !shown.contains("/calendar/") && shown.contains("/webinars"),
            "each reader's own link: {shown}"
        );
        assert_eq!(
            post.body["allowed_mentions"]["parse"],
            serde_json::json!([])
        );
    }
    assert!(
        payloads::words(&posts[3].body)
            .to_lowercase()
            .contains("live"),
        "{}",
        posts[3].body
    );
    let threads: Vec<Call> = w
        .fake
        .calls_to("POST", "/threads")
        .into_iter()
        .filter(|c| c.path.contains(&format!("/channels/{ANNOUNCE}/messages/")))
        .collect();
    assert_eq!(threads.len(), 1, "the live chat opens under the live post");
    assert!(
        w.fake.calls_to("POST", "/users/@me/channels").is_empty(),
        "the intake has a channel: no DMs"
    );
    w.fake.assert_clean();
}

async fn meetup_rsvp_by_button(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    program(&w).await;
    let (_, mine) = w
        .post(&mentoring(
            &AROHA,
            &["profile"],
            vec![text("city", "Sydney")],
            &[],
        ))
        .await;
    assert!(said(&mine).contains("Sydney"), "{mine}");
    let (_, theirs) = w
        .post(&mentoring(
            &GINA,
            &["profile"],
            vec![person("user", &BEN), text("city", "Wellington")],
            &[&BEN],
        ))
        .await;
    assert!(said(&theirs).contains("Wellington"), "{theirs}");
    let (_, added) = w
        .post(&mentoring(
            &GINA,
            &["meetup", "add"],
            vec![
                text("title", "International Mentoring Day"),
                text("city", "sydney"),
                text("at", "2027-01-17 17:30"),
                text("venue", "State Library"),
            ],
            &[],
        ))
        .await;
    assert!(said(&added).contains("1 participant in"), "{added}");
    w.app.run_due().await.unwrap();
    let dms = w.fake.calls_to("POST", "/users/@me/channels");
    assert_eq!(dms.len(), 1, "only the Sydney local");
    assert_eq!(dms[0].body["recipient_id"], AROHA.id);
    let invite = w
        .fake
        .calls()
        .into_iter()
        .rfind(|c| {
            c.method == "POST" && payloads::words(&c.body).contains("International Mentoring Day")
        })
        .expect("the invitation");
    let ids = payloads::custom_ids(&invite.body);
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids[0].starts_with("meetup.going|"), "{ids:?}");
    let (_, answer) = w
        .post(&payloads::click(&AROHA, &ids[0], "800000000000000999"))
        .await;
    assert!(said(&answer).contains("You're going"), "{answer}");
    assert_eq!(answer["data"]["flags"], 64, "{answer}");
    let (_, list) = w
        .post(&mentoring(&GINA, &["meetup", "list"], vec![], &[]))
        .await;
    assert!(
        said(&list).contains("1 going, 0 maybe, 0 can't go"),
        "{list}"
    );
    w.fake.assert_clean();
}
