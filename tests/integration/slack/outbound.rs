//! The outbound side against the fake: 429 with Retry-After honoured, `ok: false` errors sorted,
//! profiles read, start-up refused with a clear reason.

use std::time::Duration;

use tandem::adapters::slack::{ACK_BUDGET, Slack};
use tandem::chat::{Attachment, ChannelRef, Chat, ChatError, Message, ReplyTarget};
use tandem::domain::{Identity, Platform};

use super::fake::{ALL_SCOPES, FakeSlack, Fault, dm_of};
use super::settings;

async fn connected() -> (FakeSlack, Slack) {
    let fake = FakeSlack::start().await;
    let slack = Slack::connect(settings(&fake, false, ACK_BUDGET))
        .await
        .unwrap();
    (fake, slack)
}

#[tokio::test]
async fn rate_limits_are_waited_out_and_errors_sorted() {
    let (fake, slack) = connected().await;
    let chat = slack.chat();
    let dm = ChannelRef::new(Platform::Slack, "UMENTOR");
    let hello = Message::new().line("Hello");

    fake.inject(
        "chat.postMessage",
        Fault::RateLimited {
            retry_after_secs: 1,
        },
    );
    chat.post(&dm, &hello).await.expect("posted after waiting");
    let calls = fake.calls("chat.postMessage");
    assert_eq!(calls.len(), 2);
    assert!(
        calls[1].at - calls[0].at >= Duration::from_secs(1),
        "Retry-After honoured"
    );

    fake.inject("chat.postMessage", Fault::Error("channel_not_found"));
    let err = chat.post(&dm, &hello).await.unwrap_err();
    assert_eq!(
        err,
        ChatError::permanent("chat.postMessage: channel_not_found")
    );
    assert_eq!(
        fake.calls("chat.postMessage").len(),
        3,
        "a permanent error is not retried"
    );

    for _ in 0..3 {
        fake.inject("chat.update", Fault::Error("internal_error"));
    }
    let at = tandem::chat::MessageRef {
        channel: dm.clone(),
        id: "1.2".into(),
    };
    let err = chat.update(&at, &hello).await.unwrap_err();
    assert!(!err.is_permanent(), "{err}");
    assert_eq!(
        fake.calls("chat.update").len(),
        3,
        "retried, then handed back"
    );
    fake.assert_clean();
}

#[tokio::test]
async fn file_upload_errors_are_sorted_and_nothing_half_shared() {
    let (fake, slack) = connected().await;
    let chat = slack.chat();
    let to = |user: &str| ReplyTarget {
        user: Identity::new(Platform::Slack, user),
        channel: None,
        token: None,
        trigger: None,
    };
    let caption = Message::new().line("Your file");
    let file = [Attachment {
        name: "survey-1.csv".into(),
        media_type: "text/csv",
        bytes: b"role,workbook\nmentor,4\n".to_vec(),
    }];
    let err = chat
        .send_files(&to("UNOBODY"), &caption, &file)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ChatError::permanent("conversations.open: user_not_found")
    );
    assert!(fake.calls("files.getUploadURLExternal").is_empty());

    fake.inject("files.getUploadURLExternal", Fault::Error("invalid_auth"));
    let err = chat
        .send_files(&to("UCOORD"), &caption, &file)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ChatError::permanent("files.getUploadURLExternal: invalid_auth")
    );

    // A rate limit on completing is waited out; the file is shared once, whole.
    fake.inject(
        "files.completeUploadExternal",
        Fault::RateLimited {
            retry_after_secs: 1,
        },
    );
    chat.send_files(&to("UCOORD"), &caption, &file)
        .await
        .unwrap();
    let shared = fake.shared_files();
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0].bytes.as_deref(), Some(&file[0].bytes[..]));
    assert_eq!(
        shared[0].shared_in.as_deref(),
        Some(dm_of("UCOORD").as_str())
    );
    assert_eq!(fake.calls("files.completeUploadExternal").len(), 2);
    fake.assert_clean();
}

#[tokio::test]
async fn profiles_come_from_users_info() {
    let (_fake, slack) = connected().await;
    let profile = slack
        .chat()
        .profile(&Identity::new(Platform::Slack, "UMENTOR"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(profile.display_name, "Mia");
    assert_eq!(profile.zone, Some(chrono_tz::Asia::Hong_Kong));
    assert_eq!(profile.email.as_deref(), Some("mia@example.org"));
}

#[tokio::test]
async fn start_up_names_a_wrong_token_or_a_missing_scope() {
    let fake = FakeSlack::start().await;
    let mut wrong = settings(&fake, false, ACK_BUDGET);
    wrong.bot_token = "xoxb-wrong".into();
    let err = Slack::connect(wrong).await.err().unwrap().to_string();
    assert!(
        err.contains("SLACK_BOT_TOKEN") && err.contains("invalid_auth"),
        "{err}"
    );
    assert!(!err.contains("xoxb-wrong"), "no token in errors: {err}");

    fake.world.lock().unwrap().scopes = ALL_SCOPES.replace(",groups:write", "");
    let err = Slack::connect(settings(&fake, false, ACK_BUDGET))
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("groups:write") && err.contains("reinstall"),
        "{err}"
    );

    fake.world.lock().unwrap().scopes = ALL_SCOPES.into();
    let slack = Slack::connect(settings(&fake, true, ACK_BUDGET))
        .await
        .unwrap();
    let app = crate::support::TestApp::new(crate::support::TestDb::sqlite().await)
        .await
        .app;
    let err = slack
        .start_socket_mode(app)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("SLACK_APP_TOKEN"), "{err}");
}

/// The fake holds every call to Slack's published spec, and a test names what it expects to
/// break: here, a method the fake does not serve and a parameter Slack does not declare.
#[tokio::test]
async fn the_fake_holds_calls_to_slacks_spec() {
    let fake = FakeSlack::start().await;
    let call = |method: &'static str, body: serde_json::Value| {
        let url = format!("{}/{method}", fake.api_url());
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(super::fake::BOT_TOKEN)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    fake.allow("unexpected call: the fake does not serve chat.delete");
    fake.allow("chat.postMessage: parameter `colour` is not in the spec");
    fake.allow("conversations.create: parameter `is_private` should be boolean");
    let deleted = call("chat.delete", serde_json::json!({ "channel": "C00000001" })).await;
    assert_eq!(deleted["ok"], false);
    let posted = call(
        "chat.postMessage",
        serde_json::json!({ "channel": "U0MENTOR", "text": "hi", "colour": "blue" }),
    )
    .await;
    assert_eq!(posted["ok"], false, "an unknown member: {posted}");
    call(
        "conversations.create",
        serde_json::json!({ "name": "x", "is_private": "maybe" }),
    )
    .await;
    let unknown = call("no.suchMethod", serde_json::json!({})).await;
    assert_eq!(unknown["ok"], false);
    let problems = fake.world.lock().unwrap().violations.clone();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("no.suchMethod is in neither Slack's Web API spec")),
        "{problems:#?}"
    );
    fake.allow("no.suchMethod");
}

/// `TANDEM_PLATFORM_TIMEOUT_SECS`: a call Slack does not answer gives up after the set time,
/// as an outcome unknown (the post may have been made), not after the default 15 seconds.
#[tokio::test]
async fn a_call_gives_up_after_the_set_timeout() {
    let fake = FakeSlack::start().await;
    let mut quick = settings(&fake, false, ACK_BUDGET);
    quick.call_timeout = Duration::from_millis(200);
    let slack = Slack::connect(quick).await.unwrap();
    fake.hold("chat.postMessage");
    let started = std::time::Instant::now();
    let err = slack
        .chat()
        .post(
            &ChannelRef::new(Platform::Slack, "UMENTOR"),
            &Message::new().line("Hello"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ChatError::transient("chat.postMessage: timed out", None),
        "an outcome unknown"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "gave up after {:?}",
        started.elapsed()
    );
    fake.release("chat.postMessage");
}
