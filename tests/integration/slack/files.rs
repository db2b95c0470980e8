//! Files and threads through Slack, on both backends: a survey's chart and export reach the
//! coordinator who asked, alone, in their DM with the bot (Slack's external upload flow); anyone
//! else gets no file; a failed upload is owned up to; and a webinar's live post in an announcement
//! channel gets its live chat thread, a DM none.

use tandem::app::{Caller, Input, Invocation, Reply};
use tandem::commands::Root;
use tandem::domain::{Identity, Platform};
use tandem::store;

use super::fake::{Fault, dm_of, eventually};
use super::{SlackTest, text_of};
use crate::on_both_backends;
use crate::support::{TestDb, utc};

on_both_backends!(
    a_survey_chart_and_export_reach_the_coordinator_alone,
    the_same_over_socket_mode,
    a_failed_upload_is_owned_up_to_privately,
    the_live_post_opens_a_thread_in_the_channel_and_not_in_dms,
);

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Types `/ROOT TEXT` as a Slack user straight into the app, for setting the stage.
async fn as_user(t: &SlackTest, user: &str, root: Root, text: &str) -> Reply {
    t.app
        .handle(Invocation {
            caller: Caller::person(Identity::new(Platform::Slack, user), user.to_lowercase()),
            channel: None,
            input: Input::Text {
                root,
                text: text.into(),
            },
        })
        .await
}

/// Two pairs, an end-of-program survey and three answers: enough for a chart. Returns its id.
async fn survey_with_three_answers(t: &SlackTest) -> String {
    for text in [
        "intake create Y1 tz:Europe/London",
        "pair <@UMENTOR|mia> <@UMENTEE|ned>",
        "pair <@UOTHER|olly> <@UHANA|hana>",
        "survey open end-of-program",
    ] {
        let reply = as_user(t, "UCOORD", Root::Mentoring, text).await;
        assert_eq!(
            reply.outcome,
            tandem::app::Outcome::Done,
            "{text}: {}",
            reply.message.plain_text()
        );
    }
    for (who, score) in [("UMENTOR", 4), ("UOTHER", 2), ("UMENTEE", 5)] {
        let reply = as_user(t, who, Root::Survey, &format!("answer workbook {score}")).await;
        assert_eq!(reply.outcome, tandem::app::Outcome::Done, "{who}");
    }
    let id = store::surveys::list(t.app.store.pool())
        .await
        .unwrap()
        .remove(0)
        .id;
    // Figures, charts and exports come once it closes.
    let close = as_user(t, "UCOORD", Root::Mentoring, &format!("survey close {id}")).await;
    assert_eq!(close.outcome, tandem::app::Outcome::Done);
    id
}

async fn a_survey_chart_and_export_reach_the_coordinator_alone(db: TestDb) {
    chart_and_export(&SlackTest::http(db).await).await;
}

async fn the_same_over_socket_mode(db: TestDb) {
    chart_and_export(&SlackTest::socket_mode(db).await).await;
}

async fn chart_and_export(t: &SlackTest) {
    let id = survey_with_three_answers(t).await;
    let short = &id[..8];

    let answer = t
        .mentoring("UCOORD", &format!("survey results {short}"))
        .await;
    eventually("the chart", || t.fake.shared_files().len() == 1).await;
    let said = match text_of(&answer) {
        // Past the budget, the figures follow on the response URL instead.
        text if text.contains("Working on it") => String::new(),
        text => text,
    };
    assert!(said.is_empty() || said.contains("workbook"), "{said}");
    let chart = t.fake.shared_files().remove(0);
    assert_eq!(chart.filename, format!("survey-{short}.png"));
    assert_eq!(
        chart.shared_in.as_deref(),
        Some(dm_of("UCOORD").as_str()),
        "the coordinator's DM"
    );
    assert_eq!(chart.content_type.as_deref(), Some("image/png"));
    let bytes = chart.bytes.clone().unwrap();
    assert!(bytes.starts_with(PNG_SIGNATURE), "a PNG");
    let rendered = as_user(
        t,
        "UCOORD",
        Root::Mentoring,
        &format!("survey results {short}"),
    )
    .await;
    assert_eq!(
        bytes, rendered.attachments[0].bytes,
        "the chart the app drew"
    );
    assert!(
        chart.initial_comment.unwrap().contains(&chart.filename),
        "captioned"
    );
    let opened = t.fake.calls("conversations.open");
    assert_eq!(opened.len(), 1);
    assert!(opened[0].params["users"].to_string().contains("UCOORD"));
    let asked = t.fake.calls("files.getUploadURLExternal");
    assert_eq!(asked[0].params["length"], bytes.len().to_string());

    // An export is a file too, with exactly the CLI's bytes.
    t.mentoring("UCOORD", &format!("survey export {short} json"))
        .await;
    eventually("the export", || t.fake.shared_files().len() == 2).await;
    let export = t.fake.shared_files().remove(1);
    assert_eq!(export.filename, format!("survey-{short}.json"));
    assert_eq!(export.shared_in.as_deref(), Some(dm_of("UCOORD").as_str()));
    let expected = tandem::app::surveys::export::export(&t.app.store, &id, "json", t.app.now())
        .await
        .unwrap();
    assert_eq!(export.bytes.unwrap(), expected.into_bytes());

    // Anyone else is refused, and no file is even asked for.
    let uploads = t.fake.calls("files.getUploadURLExternal").len();
    let refused = t
        .mentoring("UOTHER", &format!("survey results {short}"))
        .await;
    assert!(text_of(&refused).contains("coordinator"), "{refused}");
    let refused = t
        .mentoring("UOTHER", &format!("survey export {short} csv"))
        .await;
    assert!(text_of(&refused).contains("coordinator"), "{refused}");
    assert_eq!(t.fake.calls("files.getUploadURLExternal").len(), uploads);
    assert_eq!(t.fake.shared_files().len(), 2);
    t.fake.assert_clean();
}

async fn a_failed_upload_is_owned_up_to_privately(db: TestDb) {
    let t = SlackTest::http(db).await;
    let id = survey_with_three_answers(&t).await;
    // A workspace that installed the app before it asked for files:write.
    t.fake
        .inject("files.getUploadURLExternal", Fault::Error("missing_scope"));
    t.slash(
        "/mentoring",
        "UCOORD",
        "CGENERAL",
        &format!("survey export {} csv", &id[..8]),
    )
    .await;
    eventually("the apology", || {
        t.fake
            .world
            .lock()
            .unwrap()
            .responses
            .iter()
            .any(|(_, body)| text_of(body).contains("couldn't send you the file"))
    })
    .await;
    assert!(t.fake.shared_files().is_empty());
    assert!(t.fake.calls("files.completeUploadExternal").is_empty());
    let apology = t
        .fake
        .world
        .lock()
        .unwrap()
        .responses
        .iter()
        .find(|(_, body)| text_of(body).contains("couldn't send you the file"))
        .cloned()
        .unwrap();
    assert_eq!(apology.1["response_type"], "ephemeral");
}

async fn the_live_post_opens_a_thread_in_the_channel_and_not_in_dms(db: TestDb) {
    let t = SlackTest::http(db).await;
    t.fake.add_channel("CANNOUNCE", "announcements");
    for text in [
        "intake create Y1 tz:Australia/Sydney channel:<#CANNOUNCE|announcements>",
        "pair <@UMENTOR|mia> <@UMENTEE|ned>",
        "webinar add \"Finding your voice\" at:\"2026-12-09 19:00\" url:https://meet.example.org/voice",
    ] {
        let reply = as_user(&t, "UCOORD", Root::Mentoring, text).await;
        assert_eq!(reply.outcome, tandem::app::Outcome::Done, "{text}");
    }
    // Ned prefers DMs: his live post comes alone.
    as_user(&t, "UMENTEE", Root::Mentoring, "announcements dm").await;
    t.clock.set(utc(2026, 12, 9, 8, 0));
    t.app.run_due().await.unwrap();

    let posts = t.fake.posts("CANNOUNCE");
    assert_eq!(posts.len(), 2, "{posts:#?}");
    let (live, chat) = (&posts[0], &posts[1]);
    assert!(live.text.contains("Live now"), "{}", live.text);
    assert!(live.thread_ts.is_none());
    assert_eq!(
        chat.thread_ts.as_deref(),
        Some(live.ts.as_str()),
        "under the post"
    );
    assert!(chat.text.contains("Live chat for"), "{}", chat.text);
    let dm = t.fake.posts(&dm_of("UMENTEE"));
    assert_eq!(dm.len(), 1, "{dm:#?}");
    assert!(dm[0].text.contains("Live now") && dm[0].thread_ts.is_none());
    assert!(!dm[0].text.contains("thread"), "{}", dm[0].text);

    // Nothing goes twice on the next run.
    t.app.run_due().await.unwrap();
    assert_eq!(t.fake.posts("CANNOUNCE").len(), 2);
    t.fake.assert_clean();
}
