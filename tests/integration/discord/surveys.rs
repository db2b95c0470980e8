//! Surveys over Discord's HTTP interactions, on both backends: `/survey` answers with an
//! ephemeral first step of select menus; Next and Back reach every question within Discord's
//! limits (five rows, five inputs per modal), a pick is saved at once and the step updated in
//! place, typed answers go through a prefilled modal, and a bad value, a stranger or a closed
//! survey get a private refusal with nothing stored. Every answer is checked against the spec.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::payloads::{self, AROHA, BEN, CY, GINA, Person, command, mentoring, person, text};
use super::{DiscordWorld, spec};
use crate::on_both_backends;
use crate::support::TestDb;
use crate::surveys::{newest_survey, stored_answers};

on_both_backends!(
    a_survey_is_answered_step_by_step,
    refused_answers_store_nothing_and_say_why,
);

/// An intake with Aroha mentoring Ben and a survey open for both; returns the survey's id.
async fn program_with_survey(w: &DiscordWorld, template: &str) -> String {
    let intake = mentoring(&GINA, &["intake", "create"], vec![text("name", "Y1")], &[]);
    w.post(&intake).await;
    let pair = mentoring(
        &GINA,
        &["pair"],
        vec![person("mentor", &AROHA), person("mentee", &BEN)],
        &[&AROHA, &BEN],
    );
    w.post(&pair).await;
    w.fake.wait_for("PATCH", "/messages/@original", 1).await;
    let open = mentoring(
        &GINA,
        &["survey", "open"],
        vec![text("template", template)],
        &[],
    );
    let (_, answer) = w.post(&open).await;
    assert!(
        payloads::words(&answer["data"]).contains("Opened"),
        "{answer}"
    );
    newest_survey(&w.app).await
}

/// Posts an interaction and checks the answer against Discord's spec and its limits: at most
/// five action rows of at most five components, and at most five inputs in a modal.
async fn answer(w: &DiscordWorld, interaction: &Value) -> Value {
    let (status, answer) = w.post(interaction).await;
    assert_eq!(status, 200, "{answer}");
    let problems = spec::check_interaction_answer(&answer);
    assert!(problems.is_empty(), "{problems:#?}\n{answer}");
    let rows = answer["data"]["components"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(rows.len() <= 5, "{} rows", rows.len());
    for row in &rows {
        assert_eq!(row["type"], 1);
        let items = row["components"].as_array().unwrap();
        assert!(!items.is_empty() && items.len() <= 5);
        if items.iter().any(|c| c["type"] == 3) {
            assert_eq!(items.len(), 1, "a select fills its row");
        }
    }
    answer
}

/// `/survey` typed by `who`.
fn slash_survey(who: &Person) -> Value {
    command(who, "survey", &["open"], vec![], &[])
}

/// Every component of a message body, by custom id.
fn components(data: &Value) -> BTreeMap<String, Value> {
    data["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .map(|c| (c["custom_id"].as_str().unwrap().to_string(), c))
        .collect()
}

/// The custom id of the component whose id starts with `prefix` (and, for a select, names
/// `field`).
fn find(data: &Value, prefix: &str, field: &str) -> String {
    components(data)
        .into_keys()
        .find(|id| id.starts_with(prefix) && id.contains(field))
        .unwrap_or_else(|| panic!("no {prefix} {field} in {data}"))
}

/// The button labelled `label`.
fn button(data: &Value, label: &str) -> Option<String> {
    components(data)
        .into_iter()
        .find(|(_, c)| c["type"] == 2 && c["label"] == label)
        .map(|(id, _)| id)
}

/// A pick in a select menu on the step message.
fn pick(who: &Person, custom_id: &str, values: &[&str]) -> Value {
    let mut i = payloads::click(who, custom_id, "800000000000000001");
    i["data"] = json!({ "custom_id": custom_id, "component_type": 3, "values": values });
    i
}

/// A modal sent back with `inputs` (custom id → typed text).
fn modal_submit(who: &Person, custom_id: &str, inputs: &[(&str, &str)]) -> Value {
    let mut i = payloads::click(who, "unused", "800000000000000001");
    i["type"] = json!(5);
    let rows: Vec<Value> = inputs
        .iter()
        .map(|(id, value)| {
            json!({ "type": 1, "components": [{ "type": 4, "custom_id": id, "value": value }] })
        })
        .collect();
    i["data"] = json!({ "custom_id": custom_id, "components": rows });
    i
}

async fn stored(w: &DiscordWorld, survey: &str) -> BTreeMap<String, String> {
    stored_answers(&w.app, survey).await
}

/// The select of `field` in a step: which options are shown as picked.
fn defaults(data: &Value, field: &str) -> Vec<String> {
    let id = find(data, "form.pick|", &format!("|{field}|"));
    components(data)[&id]["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["default"] == true)
        .map(|o| o["value"].as_str().unwrap().to_string())
        .collect()
}

async fn a_survey_is_answered_step_by_step(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let survey = program_with_survey(&w, "end-of-program").await;

    let first = answer(&w, &slash_survey(&BEN)).await;
    assert_eq!(first["type"], 4);
    assert_eq!(first["data"]["flags"], 64, "only Ben sees his form");
    let step = first["data"].clone();
    assert!(payloads::words(&step).contains("step 1 of 4"), "{step}");
    assert_eq!(step["components"].as_array().unwrap().len(), 5);
    assert!(button(&step, "Back").is_none());
    let select = &components(&step)[&find(&step, "form.pick|", "|recommend-mentors|")];
    assert_eq!(select["max_values"], 1);
    assert_eq!(select["options"].as_array().unwrap().len(), 2);

    // Next reaches every question, each once; Back goes back.
    let mut seen = BTreeSet::new();
    let mut step = step;
    let mut steps = 1;
    loop {
        for id in components(&step).into_keys() {
            if let Some(rest) = id.strip_prefix("form.pick|") {
                seen.insert(rest.split('|').nth(1).unwrap().to_string());
            }
        }
        if let Some(write) = button(&step, "Write answers") {
            let modal = answer(&w, &payloads::click(&BEN, &write, "1")).await;
            assert_eq!(modal["type"], 9, "{modal}");
            let inputs = components(&modal["data"]);
            assert!(inputs.len() <= 5);
            seen.extend(inputs.into_keys());
        }
        let Some(next) = button(&step, "Next") else {
            break;
        };
        let moved = answer(&w, &payloads::click(&BEN, &next, "1")).await;
        assert_eq!(moved["type"], 7, "updated in place: {moved}");
        step = moved["data"].clone();
        steps += 1;
    }
    assert_eq!(steps, 4);
    assert_eq!(seen.len(), 11, "{seen:?}");
    assert!(button(&step, "Done").is_some());
    let back = button(&step, "Back").unwrap();
    let third = answer(&w, &payloads::click(&BEN, &back, "1")).await["data"].clone();
    assert!(payloads::words(&third).contains("step 3 of 4"));

    // A pick is saved at once and the step shows it.
    let id = find(&third, "form.pick|", "|webinar-time-better|");
    assert_eq!(components(&third)[&id]["max_values"], 4, "several picks");
    let picked = answer(&w, &pick(&BEN, &id, &["4", "1"])).await;
    assert_eq!(picked["type"], 7, "{picked}");
    assert_eq!(defaults(&picked["data"], "webinar-time-better"), ["1", "4"]);
    assert!(payloads::words(&picked["data"]).contains("Weekday morning, Weekend"));
    let id = find(&third, "form.pick|", "|met-others|");
    answer(&w, &pick(&BEN, &id, &["no"])).await;
    let answers = stored(&w, &survey).await;
    assert_eq!(answers["webinar-time-better"], "Weekday morning|Weekend");
    assert_eq!(answers["met-others"], "no");

    // Typed answers: the modal, sent back, updates the step; opened again it is prefilled.
    let last = answer(
        &w,
        &payloads::click(&BEN, &find(&third, "form.step|3|", ""), "1"),
    )
    .await;
    let write = button(&last["data"], "Write answers").unwrap();
    let modal = answer(&w, &payloads::click(&BEN, &write, "1")).await;
    let save = modal["data"]["custom_id"].as_str().unwrap().to_string();
    assert!(components(&modal["data"])["change"].get("value").is_none());
    let saved = answer(
        &w,
        &modal_submit(&BEN, &save, &[("change", "More <@&900> evening webinars")]),
    )
    .await;
    assert_eq!(saved["type"], 7, "{saved}");
    let words = payloads::words(&saved["data"]);
    assert!(
        words.contains("evening webinars") && !words.contains("<@&900>"),
        "{words}"
    );
    assert_eq!(saved["data"]["allowed_mentions"]["parse"], json!([]));
    assert_eq!(
        stored(&w, &survey).await["change"],
        "More <@&900> evening webinars"
    );
    let again = answer(&w, &payloads::click(&BEN, &write, "1")).await;
    assert_eq!(
        components(&again["data"])["change"]["value"],
        "More <@&900> evening webinars"
    );

    // `/survey` again shows the answers so far; Done ends with the review.
    let reopened = answer(&w, &slash_survey(&BEN)).await["data"].clone();
    assert!(defaults(&reopened, "recommend-mentors").is_empty());
    let id = find(&reopened, "form.pick|", "|recommend-mentors|");
    let picked = answer(&w, &pick(&BEN, &id, &["yes"])).await;
    assert_eq!(defaults(&picked["data"], "recommend-mentors"), ["yes"]);
    let done = button(&saved["data"], "Done").unwrap();
    let review = answer(&w, &payloads::click(&BEN, &done, "1")).await;
    assert_eq!(review["type"], 7);
    assert!(components(&review["data"]).is_empty());
    assert!(
        payloads::words(&review["data"]).contains("your answer: yes"),
        "{review}"
    );
    assert_eq!(stored(&w, &survey).await.len(), 4);
    w.fake.assert_clean();
}

async fn refused_answers_store_nothing_and_say_why(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let survey = program_with_survey(&w, "mid-program").await;
    let step = answer(&w, &slash_survey(&AROHA)).await["data"].clone();
    let going = find(&step, "form.pick|", "|going|");

    // A value no menu offered: a private refusal, the step left as it was.
    let refused = answer(&w, &pick(&AROHA, &going, &["9"])).await;
    assert_eq!(refused["type"], 4);
    assert_eq!(refused["data"]["flags"], 64);
    let said = payloads::words(&refused["data"]);
    assert!(said.contains("Nothing was saved"), "{said}");
    assert!(stored(&w, &survey).await.is_empty());

    // A forged question id, or a step past the end, changes nothing either.
    let forged = going.replace("|going|", "|colour|");
    let refused = answer(&w, &pick(&AROHA, &forged, &["1"])).await;
    assert!(payloads::words(&refused["data"]).contains("no question"));
    let past = answer(
        &w,
        &payloads::click(&AROHA, &format!("form.step|99|survey:{survey}"), "1"),
    )
    .await;
    assert!(
        payloads::words(&past["data"]).contains("step 2 of 2"),
        "{past}"
    );
    assert!(stored(&w, &survey).await.is_empty());

    // Someone outside the program: no form for them, and Aroha's menu is not theirs to use.
    let outsider = answer(&w, &slash_survey(&CY)).await;
    assert_eq!(outsider["data"]["flags"], 64);
    assert!(payloads::words(&outsider["data"]).contains("no open survey for you"));
    assert!(payloads::custom_ids(&outsider["data"]).is_empty());
    let refused = answer(&w, &pick(&CY, &going, &["4"])).await;
    assert_eq!(refused["type"], 4);
    assert!(stored(&w, &survey).await.is_empty());

    // Closed while the step was open: told so, nothing stored, the step not moved.
    let close = mentoring(
        &GINA,
        &["survey", "close"],
        vec![text("id", &survey[..8])],
        &[],
    );
    w.post(&close).await;
    let refused = answer(&w, &pick(&AROHA, &going, &["4"])).await;
    assert_eq!(refused["type"], 4);
    assert!(payloads::words(&refused["data"]).contains("That survey has closed"));
    let next = button(&step, "Next").unwrap();
    let refused = answer(&w, &payloads::click(&AROHA, &next, "1")).await;
    assert_eq!(refused["type"], 4);
    assert!(stored(&w, &survey).await.is_empty());
    w.fake.assert_clean();
}
