//! Files and threads through Discord, on both backends: a survey's chart and export follow the
//! coordinator's command as an ephemeral multipart follow-up (never to anyone else), Discord's
//! file limits answered as Discord answers them, and a webinar's live post in an announcement
//! channel opens a public thread with its first message (a DM gets none).

use tandem::app::{Caller, Input, Invocation, Outcome, Reply};
use tandem::chat::{Attachment, ChannelRef, Chat, ChatError, Message, MessageRef, ReplyTarget};
use tandem::commands::Root;
use tandem::domain::{Identity, Platform};
use tandem::store;

use super::DiscordWorld;
use super::fake::{APP, Call};
use super::payloads::{self, AROHA, BEN, CY, GINA, Person, mentoring, text};
use crate::on_both_backends;
use crate::support::{TestDb, utc};

on_both_backends!(
    a_survey_chart_and_export_follow_up_privately,
    files_beyond_discords_limits_are_refused,
    the_live_post_opens_a_thread_in_the_channel_and_not_in_dms,
);

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const ANNOUNCEMENTS: &str = "700000000000000009";

/// Types `/ROOT TEXT` as a server member straight into the app, for setting the stage.
async fn as_person(w: &DiscordWorld, who: &Person, root: Root, typed: &str) -> Reply {
    let caller = Caller {
        platform_coordinator: who.coordinator,
        ..Caller::person(Identity::new(Platform::Discord, who.id), who.name)
    };
    w.app
        .handle(Invocation {
            caller,
            channel: None,
            input: Input::Text {
                root,
                text: typed.into(),
            },
        })
        .await
}

async fn stage(w: &DiscordWorld, lines: &[&str]) {
    for line in lines {
        let reply = as_person(w, &GINA, Root::Mentoring, line).await;
        assert_eq!(
            reply.outcome,
            Outcome::Done,
            "{line}: {}",
            reply.message.plain_text()
        );
    }
}

/// Two pairs, an end-of-program survey and three answers: enough for a chart. Returns its id.
async fn survey_with_three_answers(w: &DiscordWorld) -> String {
    let pair = |m: &Person, e: &Person| format!("pair <@{}> <@{}>", m.id, e.id);
    stage(
        w,
        &[
            "intake create Y1 tz:Europe/London",
            &pair(&AROHA, &BEN),
            &pair(&CY, &GINA),
            "survey open end-of-program",
        ],
    )
    .await;
    for (who, score) in [(&AROHA, 4), (&CY, 2), (&BEN, 5)] {
        let reply = as_person(w, who, Root::Survey, &format!("answer workbook {score}")).await;
        assert_eq!(reply.outcome, Outcome::Done, "{}", who.name);
    }
    let id = store::surveys::list(w.app.store.pool())
        .await
        .unwrap()
        .remove(0)
        .id;
    // Figures, charts and exports come once it closes.
    stage(w, &[&format!("survey close {id}")]).await;
    id
}

/// Follow-ups on interaction webhooks that carried files.
fn file_follow_ups(w: &DiscordWorld) -> Vec<Call> {
    w.fake
        .calls_to("POST", &format!("/webhooks/{APP}/"))
        .into_iter()
        .filter(|c| !c.files.is_empty())
        .collect()
}

async fn wait_for_files(w: &DiscordWorld, count: usize) -> Vec<Call> {
    for _ in 0..500 {
        let found = file_follow_ups(w);
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no follow-up with files after 5 s: {:#?}", w.fake.calls());
}

async fn a_survey_chart_and_export_follow_up_privately(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let id = survey_with_three_answers(&w).await;
    let short = &id[..8];

    let (status, answer) = w
        .post(&mentoring(
            &GINA,
            &["survey", "results"],
            vec![text("id", short)],
            &[],
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        answer["data"]["flags"], 64,
        "the figures are private: {answer}"
    );
    let sent = wait_for_files(&w, 1).await;
    let chart = &sent[0];
    assert_eq!(
        chart.body["flags"], 64,
        "ephemeral: only the coordinator sees it"
    );
    assert_eq!(
        chart.body["attachments"],
        serde_json::json!([{ "id": "0", "filename": format!("survey-{short}.png") }])
    );
    let file = &chart.files[0];
    assert_eq!(file.field, "files[0]");
    assert_eq!(file.content_type, "image/png");
    assert!(file.bytes.starts_with(PNG_SIGNATURE), "a PNG");
    let rendered = as_person(
        &w,
        &GINA,
        Root::Mentoring,
        &format!("survey results {short}"),
    )
    .await;
    assert_eq!(
        file.bytes, rendered.attachments[0].bytes,
        "the chart the app drew"
    );
    assert!(payloads::words(&chart.body).contains(short), "captioned");

    let (_, answer) = w
        .post(&mentoring(
            &GINA,
            &["survey", "export"],
            vec![text("id", short), text("format", "csv")],
            &[],
        ))
        .await;
    assert!(
        payloads::words(&answer["data"]).contains("sent to you only"),
        "{answer}"
    );
    let sent = wait_for_files(&w, 2).await;
    let export = &sent[1].files[0];
    assert_eq!(export.filename, format!("survey-{short}.csv"));
    assert_eq!(export.content_type, "text/csv");
    let expected = tandem::app::surveys::export::export(&w.app.store, &id, "csv", w.app.now())
        .await
        .unwrap();
    assert_eq!(export.bytes, expected.into_bytes());

    // Someone without the coordinator role is refused and gets no file.
    for command in ["results", "export"] {
        let asked = mentoring(&AROHA, &["survey", command], vec![text("id", short)], &[]);
        let (_, refused) = w.post(&asked).await;
        let said = payloads::words(&refused["data"]);
        assert!(said.contains("coordinator"), "{command}: {said}");
    }
    // A reply without files never schedules a follow-up with any.
    assert_eq!(file_follow_ups(&w).len(), 2);
    w.fake.assert_clean();
}

async fn files_beyond_discords_limits_are_refused(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    // Eleven files break the spec's `maxItems` on attachments: that is what is tested here.
    w.fake
        .allow("/token-limits (POST /webhooks/{webhook_id}/{webhook_token}): at /: ");
    // As if Discord had this interaction's first answer already.
    w.fake.lock().answered.insert("token-limits".into());
    let target = ReplyTarget {
        user: Identity::new(Platform::Discord, GINA.id),
        channel: None,
        token: Some("token-limits".into()),
        trigger: None,
    };
    let file = |n: usize, size: usize| Attachment {
        name: format!("f{n}.csv"),
        media_type: "text/csv",
        bytes: vec![b'a'; size],
    };
    let caption = Message::new().line("Files");
    let eleven: Vec<Attachment> = (0..11).map(|n| file(n, 10)).collect();
    let err = w
        .discord
        .send_files(&target, &caption, &eleven)
        .await
        .unwrap_err();
    assert!(err.is_permanent(), "{err}");
    assert!(err.to_string().contains("50035"), "{err}");
    let err = w
        .discord
        .send_files(&target, &caption, &[file(0, 11 * 1024 * 1024)])
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("413") && err.to_string().contains("40005"),
        "{err}"
    );
    let ten: Vec<Attachment> = (0..10).map(|n| file(n, 10)).collect();
    w.discord.send_files(&target, &caption, &ten).await.unwrap();
    assert_eq!(file_follow_ups(&w).last().unwrap().files.len(), 10);
    // Without an interaction to follow up, the files go by DM (no ephemeral flag there).
    let by_dm = ReplyTarget {
        token: None,
        ..target
    };
    w.discord
        .send_files(&by_dm, &caption, &ten[..1])
        .await
        .unwrap();
    let dm = w.fake.calls_to("POST", "/messages").pop().unwrap();
    assert_eq!(dm.files.len(), 1);
    assert!(dm.body.get("flags").is_none(), "{}", dm.body);
}

async fn the_live_post_opens_a_thread_in_the_channel_and_not_in_dms(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    stage(
        &w,
        &[
            &format!("intake create Y1 tz:Australia/Sydney channel:<#{ANNOUNCEMENTS}>"),
            &format!("pair <@{}> <@{}>", AROHA.id, BEN.id),
            "webinar add \"Finding your voice\" at:\"2026-12-09 19:00\" url:https://meet.example.org/voice",
        ],
    )
    .await;
    as_person(&w, &BEN, Root::Mentoring, "announcements dm").await;
    w.clock.set(utc(2026, 12, 9, 8, 0));
    w.app.run_due().await.unwrap();

    let posted = w
        .fake
        .calls_to("POST", &format!("/channels/{ANNOUNCEMENTS}/messages"));
    let live = posted
        .iter()
        .find(|c| !c.path.ends_with("/threads"))
        .expect("the live post");
    assert!(payloads::words(&live.body).contains("Live now"));
    let threads = w.fake.calls_to("POST", "/threads");
    assert_eq!(threads.len(), 1, "one thread, for the channel's post only");
    assert_eq!(threads[0].body["name"], "Live chat: Finding your voice");
    assert_eq!(threads[0].body["auto_archive_duration"], 1440);
    let live_id = threads[0].path.split('/').nth(4).unwrap().to_string();
    assert!(w.fake.message(&live_id).is_some(), "under the live post");
    let in_thread = w
        .fake
        .calls_to("POST", &format!("/channels/{live_id}/messages"));
    assert_eq!(in_thread.len(), 1, "the thread's first message");
    assert!(payloads::words(&in_thread[0].body).contains("Live chat for"));

    // Ben's DM has the post alone.
    let dm_posts: Vec<Call> = w
        .fake
        .calls_to("POST", "/messages")
        .into_iter()
        .filter(|c| payloads::words(&c.body).contains("Live now"))
        .collect();
    assert_eq!(dm_posts.len(), 2, "the channel's post and Ben's DM");

    // A retried thread call finds the thread the first one made (Discord's 160004).
    let at = MessageRef {
        channel: ChannelRef::new(Platform::Discord, ANNOUNCEMENTS),
        id: live_id.clone(),
    };
    let again = w
        .discord
        .start_thread(&at, "Live chat", &Message::new().line("Still here"))
        .await
        .unwrap();
    assert_eq!(again.channel.id, live_id);
    assert_eq!(
        w.fake
            .lock()
            .threads
            .iter()
            .filter(|t| t["id"] == live_id.as_str())
            .count(),
        1
    );
    // Under a message that is not there: Discord's 404, permanent.
    let gone = MessageRef {
        channel: ChannelRef::new(Platform::Discord, ANNOUNCEMENTS),
        id: "1".into(),
    };
    let err = w
        .discord
        .start_thread(&gone, "x", &Message::new().line("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, ChatError::Permanent { .. }), "{err}");
    assert!(err.to_string().contains("10008"), "{err}");

    w.app.run_due().await.unwrap();
    assert_eq!(
        w.fake.calls_to("POST", "/threads").len(),
        3,
        "nothing again from the scheduler"
    );
    w.fake.assert_clean();
}
