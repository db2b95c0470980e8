//! Surveys over Slack, on both backends: `/survey` opens a modal (radio buttons, checkboxes,
//! menus and text boxes, within Slack's limits) showing the answers so far; a signed
//! `view_submission` saves every answer or none; a bad value is marked on its field; a closed
//! survey and someone outside the program are told so. HTTP mode and Socket Mode.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::fake::Call;
use super::{SlackTest, text_of};
use crate::on_both_backends;
use crate::support::TestDb;
use crate::surveys::{newest_survey, stored_answers};

on_both_backends!(
    a_survey_is_answered_and_changed_in_a_modal_over_http,
    a_survey_is_answered_in_a_modal_over_socket_mode,
    bad_values_and_closed_surveys_store_nothing,
);

/// An intake with Mia mentoring Ned, and a survey open for both; returns the survey's id.
async fn program_with_survey(t: &SlackTest, template: &str) -> String {
    t.mentoring("UCOORD", "intake create Y1 tz:Europe/London")
        .await;
    t.mentoring("UCOORD", "pair <@UMENTOR|mia> <@UMENTEE|ned>")
        .await;
    let opened = t
        .mentoring("UCOORD", &format!("survey open {template}"))
        .await;
    assert!(text_of(&opened).contains("Opened"), "{opened}");
    newest_survey(&t.app).await
}

/// The modal of the `n`th views.open call (1-based), checked against Slack's limits.
fn opened_view(t: &SlackTest, n: usize) -> Value {
    let calls: Vec<Call> = t.fake.calls("views.open");
    assert_eq!(calls.len(), n, "views.open calls");
    let view = match &calls[n - 1].params["view"] {
        Value::String(text) => serde_json::from_str(text).unwrap(),
        other => other.clone(),
    };
    within_slack_limits(&view);
    view
}

/// What Slack refuses in a modal: a long title, too many blocks, long labels, option text or
/// values, more than ten radio buttons or checkboxes, duplicate block ids.
fn within_slack_limits(view: &Value) {
    assert_eq!(view["type"], "modal");
    assert!(view["title"]["text"].as_str().unwrap().chars().count() <= 24);
    assert!(view["callback_id"].as_str().unwrap().len() <= 255);
    let blocks = view["blocks"].as_array().unwrap();
    assert!(blocks.len() <= 100);
    let mut ids = Vec::new();
    for block in blocks {
        assert_eq!(block["type"], "input", "{block}");
        assert!(block["label"]["text"].as_str().unwrap().chars().count() <= 2000);
        let id = block["block_id"].as_str().unwrap();
        assert!(id.len() <= 255 && !ids.contains(&id), "{id}");
        ids.push(id);
        let element = &block["element"];
        assert_eq!(element["action_id"], "value");
        let options = element["options"].as_array().cloned().unwrap_or_default();
        if matches!(
            element["type"].as_str(),
            Some("radio_buttons" | "checkboxes")
        ) {
            assert!(options.len() <= 10, "{element}");
        }
        for option in &options {
            assert!(option["text"]["text"].as_str().unwrap().chars().count() <= 75);
            assert!(option["value"].as_str().unwrap().chars().count() <= 150);
        }
    }
}

/// The block of question `id`.
fn block<'v>(view: &'v Value, id: &str) -> &'v Value {
    view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == id)
        .unwrap_or_else(|| panic!("no block {id}"))
}

/// A submitted modal's state, as Slack sends it: per block, the element's current value.
fn state(answers: &[(&str, Value)]) -> Value {
    let values: serde_json::Map<String, Value> = answers
        .iter()
        .map(|(id, element)| (id.to_string(), json!({ "value": element })))
        .collect();
    json!({ "values": values })
}

fn typed(text: &str) -> Value {
    json!({ "type": "plain_text_input", "value": text })
}

fn radio(value: &str) -> Value {
    json!({ "type": "radio_buttons", "selected_option": {
        "text": { "type": "plain_text", "text": value }, "value": value } })
}

fn checked(values: &[&str]) -> Value {
    let options: Vec<Value> = values
        .iter()
        .map(|v| json!({ "text": { "type": "plain_text", "text": v }, "value": v }))
        .collect();
    json!({ "type": "checkboxes", "selected_options": options })
}

/// `user` presses Send on the modal `view` with `answers`: the acknowledgement's body (HTTP) or
/// its payload (Socket Mode).
async fn submit(t: &SlackTest, user: &str, view: &Value, answers: &[(&str, Value)]) -> Value {
    // Slack gives every interaction its own trigger id.
    static SUBMITTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = SUBMITTED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let mut sent = view.clone();
    sent["id"] = json!("V0SUBMIT");
    sent["state"] = state(answers);
    let payload = json!({
        "type": "view_submission", "team": { "id": "T0FAKE", "domain": "fake" },
        "user": { "id": user, "username": user.to_lowercase(), "name": user.to_lowercase(), "team_id": "T0FAKE" },
        "api_app_id": "A0FAKE", "token": "legacy", "trigger_id": format!("{n}.9.trigger"),
        "view": sent, "response_urls": [],
    });
    t.interaction(payload).await
}

async fn stored(t: &SlackTest, survey: &str) -> BTreeMap<String, String> {
    stored_answers(&t.app, survey).await
}

/// The text of the view a submission's acknowledgement updates the modal to.
fn view_words(ack: &Value) -> String {
    assert_eq!(ack["response_action"], "update", "{ack}");
    ack["view"]["blocks"].to_string()
}

async fn a_survey_is_answered_and_changed_in_a_modal_over_http(db: TestDb) {
    answered_and_changed(&SlackTest::http(db).await).await;
}

async fn a_survey_is_answered_in_a_modal_over_socket_mode(db: TestDb) {
    answered_and_changed(&SlackTest::socket_mode(db).await).await;
}

async fn answered_and_changed(t: &SlackTest) {
    let survey = program_with_survey(t, "end-of-program").await;
    let ack = t.slash("/survey", "UMENTEE", "CGENERAL", "").await;
    assert!(
        ack.is_null() || ack == json!({}),
        "the modal is the answer: {ack}"
    );
    let view = opened_view(t, 1);
    assert_eq!(view["callback_id"], format!("survey:{survey}"));
    assert_eq!(view["blocks"].as_array().unwrap().len(), 11);
    let kind = |id: &str| block(&view, id)["element"]["type"].clone();
    assert_eq!(kind("recommend-mentors"), "radio_buttons");
    assert_eq!(kind("workbook"), "radio_buttons");
    assert_eq!(kind("webinar-time-better"), "checkboxes");
    assert_eq!(kind("change"), "plain_text_input");
    assert_eq!(block(&view, "workbook")["optional"], true);
    assert_eq!(block(&view, "recommend-mentors")["optional"], false);
    let workbook = &block(&view, "workbook")["element"]["options"];
    assert_eq!(workbook[3]["text"]["text"], "4 Very useful");
    assert_eq!(workbook[3]["value"], "4");
    assert!(
        block(&view, "recommend-mentors")["element"]
            .get("initial_option")
            .is_none()
    );

    let ack = submit(
        t,
        "UMENTEE",
        &view,
        &[
            ("recommend-mentors", radio("yes")),
            ("workbook", radio("4")),
            ("webinar-time-better", checked(&["4", "1"])),
            ("change", typed("More <!channel> evening webinars")),
            (
                "wiki",
                json!({ "type": "radio_buttons", "selected_option": null }),
            ),
        ],
    )
    .await;
    let words = view_words(&ack);
    assert!(words.contains("Saved your answers"), "{words}");
    assert_eq!(ack["view"]["close"]["text"], "Close");
    assert!(
        !words.contains("<!channel>"),
        "typed text can't ping: {words}"
    );
    let answers = stored(t, &survey).await;
    assert_eq!(answers.len(), 4, "{answers:?}");
    assert_eq!(answers["recommend-mentors"], "yes");
    assert_eq!(answers["workbook"], "4");
    assert_eq!(answers["webinar-time-better"], "Weekday morning|Weekend");
    assert_eq!(answers["change"], "More <!channel> evening webinars");

    // Opened again, the modal shows every answer so far, and a change replaces the old one.
    t.slash("/survey", "UMENTEE", "CGENERAL", "").await;
    let view = opened_view(t, 2);
    let element = |id: &str| block(&view, id)["element"].clone();
    assert_eq!(
        element("recommend-mentors")["initial_option"]["value"],
        "yes"
    );
    assert_eq!(element("workbook")["initial_option"]["value"], "4");
    assert_eq!(
        element("webinar-time-better")["initial_options"],
        json!([
            { "text": { "type": "plain_text", "text": "Weekday morning" }, "value": "1" },
            { "text": { "type": "plain_text", "text": "Weekend" }, "value": "4" },
        ])
    );
    assert_eq!(
        element("change")["initial_value"],
        "More <!channel> evening webinars"
    );
    let ack = submit(t, "UMENTEE", &view, &[("workbook", radio("2"))]).await;
    view_words(&ack);
    let answers = stored(t, &survey).await;
    assert_eq!(answers["workbook"], "2");
    assert_eq!(answers.len(), 4);
    t.fake.assert_clean();
}

async fn bad_values_and_closed_surveys_store_nothing(db: TestDb) {
    let t = SlackTest::http(db).await;
    let survey = program_with_survey(&t, "mid-program").await;
    t.slash("/survey", "UMENTOR", "CGENERAL", "").await;
    let view = opened_view(&t, 1);
    // Four choices: radio buttons; the values are the choices' numbers.
    assert_eq!(
        block(&view, "meeting-often")["element"]["type"],
        "radio_buttons"
    );

    // A value no form offered, beside a good one: the field is marked, nothing is stored.
    let ack = submit(
        &t,
        "UMENTOR",
        &view,
        &[("going", radio("4")), ("meeting-often", radio("9"))],
    )
    .await;
    assert_eq!(ack["response_action"], "errors", "{ack}");
    let said = ack["errors"]["meeting-often"].as_str().unwrap();
    assert!(said.contains("Pick from: 1 Weekly"), "{said}");
    assert!(said.contains("Nothing was saved"), "{said}");
    assert_eq!(ack["errors"].as_object().unwrap().len(), 1);
    assert!(stored(&t, &survey).await.is_empty());

    // A question the survey doesn't have: refused as a whole, in the modal.
    let ack = submit(
        &t,
        "UMENTOR",
        &view,
        &[("going", radio("4")), ("colour", typed("red"))],
    )
    .await;
    assert!(view_words(&ack).contains("no question"), "{ack}");
    assert!(stored(&t, &survey).await.is_empty());

    // Someone outside the program: no modal, a private word instead.
    let ack = t.slash("/survey", "UOTHER", "CGENERAL", "").await;
    assert_eq!(ack["response_type"], "ephemeral");
    assert!(text_of(&ack).contains("no open survey for you"), "{ack}");
    assert_eq!(t.fake.calls("views.open").len(), 1);
    let ack = submit(&t, "UOTHER", &view, &[("going", radio("4"))]).await;
    assert!(view_words(&ack).contains("no open survey for you"), "{ack}");

    // Closed while the modal was open: told so, nothing stored.
    t.mentoring("UCOORD", &format!("survey close {}", &survey[..8]))
        .await;
    let ack = submit(&t, "UMENTOR", &view, &[("going", radio("4"))]).await;
    assert!(view_words(&ack).contains("That survey has closed"), "{ack}");
    assert!(stored(&t, &survey).await.is_empty());
    t.fake.assert_clean();
}
