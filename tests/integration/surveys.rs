//! Surveys end to end through the console, on both backends: opening and inviting by DM,
//! answering and changing answers, refusals that store nothing, the one reminder, figures that
//! hide small groups, exports that match the stored answers, and anonymous storage.

use std::collections::BTreeMap;

use sqlx::Row;
use tandem::app::{Caller, Input, Invocation, Outcome};
use tandem::commands::{Command, Root, parse_text};
use tandem::domain::Identity;
use tandem::domain::Platform;
use tandem::store;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};

on_both_backends!(
    participants_are_invited_answer_and_change_answers,
    bad_answers_are_refused_and_nothing_is_stored,
    the_one_reminder_goes_only_to_those_who_have_not_answered,
    results_hide_small_groups_and_compare_intakes,
    an_export_reproduces_the_stored_answers,
    an_anonymous_survey_stores_no_participant_id,
    a_submitted_form_stores_all_answers_or_none,
    the_console_asks_question_by_question_and_writes_the_chart,
    an_operator_template_asks_only_its_audience,
    answers_stop_when_the_closing_day_has_passed,
);

/// An intake `name` with `pairs` pairs (`{p}m0`→`{p}e0`, …).
pub async fn intake(t: &TestApp, name: &str, prefix: &str, pairs: usize) {
    t.coordinator(&format!("intake create {name} tz:Europe/London"))
        .await;
    for i in 0..pairs {
        let reply = t
            .mentoring(
                "gina",
                &format!("pair @{prefix}m{i} @{prefix}e{i} intake:{name}"),
            )
            .await;
        assert_eq!(
            reply.outcome,
            Outcome::Done,
            "{}",
            reply.message.plain_text()
        );
    }
}

/// Opens a survey and returns its id (the one survey that was not there before: surveys opened
/// at the same instant have no order, since their ids are random).
pub async fn open(t: &TestApp, text: &str) -> String {
    let before = survey_ids(&t.app).await;
    let reply = t.mentoring("gina", text).await;
    assert_eq!(
        reply.outcome,
        Outcome::Done,
        "{}",
        reply.message.plain_text()
    );
    let mut new = survey_ids(&t.app).await;
    new.retain(|id| !before.contains(id));
    assert_eq!(new.len(), 1, "one new survey");
    new.remove(0)
}

async fn survey_ids(app: &tandem::app::App) -> Vec<String> {
    store::surveys::list(app.store.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect()
}

/// The id of the survey opened last.
pub async fn newest_survey(app: &tandem::app::App) -> String {
    store::surveys::list(app.store.pool())
        .await
        .unwrap()
        .last()
        .expect("a survey")
        .id
        .clone()
}

/// Every stored answer to a survey, by question (one respondent's, in the tests that use it).
pub async fn stored_answers(app: &tandem::app::App, survey: &str) -> BTreeMap<String, String> {
    store::surveys::responses(app.store.pool(), survey)
        .await
        .unwrap()
        .into_iter()
        .flat_map(|r| r.answers)
        .collect()
}

/// `/survey answer TEXT` typed by `who`, which must be accepted.
pub async fn answer(t: &TestApp, who: &str, text: &str) -> String {
    let reply = t
        .type_as(who, Root::Survey, &format!("answer {text}"))
        .await;
    assert_eq!(
        reply.outcome,
        Outcome::Done,
        "{who}: {}",
        reply.message.plain_text()
    );
    reply.message.plain_text()
}

async fn answer_count(t: &TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM survey_answers")
        .fetch_one(t.app.store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

#[test]
fn survey_commands_parse_with_their_exact_syntax() {
    let parsed = parse_text(
        Root::Mentoring,
        Platform::Console,
        "survey open end-of-program intake:\"2027 Feb\" closes:2026-12-20 anonymous",
    )
    .unwrap();
    assert!(matches!(
        parsed.command,
        Command::SurveyOpen { ref template, anonymous: true, ref intake, closes: Some(_) }
            if template == "end-of-program" && intake.as_deref() == Some("2027 Feb")
    ));
    let parsed = parse_text(
        Root::Mentoring,
        Platform::Console,
        "survey open mid-program",
    )
    .unwrap();
    assert!(matches!(
        parsed.command,
        Command::SurveyOpen {
            anonymous: false,
            ..
        }
    ));
    let parsed = parse_text(
        Root::Mentoring,
        Platform::Console,
        "survey export abcd json",
    )
    .unwrap();
    assert_eq!(
        parsed.command,
        Command::SurveyExport {
            id: "abcd".into(),
            format: "json".into()
        }
    );
    assert!(parse_text(Root::Mentoring, Platform::Console, "survey export abcd pdf").is_err());
    assert!(parse_text(Root::Mentoring, Platform::Console, "survey open x secret").is_err());
    let parsed = parse_text(
        Root::Survey,
        Platform::Console,
        "answer change More evening webinars",
    )
    .unwrap();
    assert_eq!(
        parsed.command,
        Command::SurveyAnswer {
            question: "change".into(),
            value: "More evening webinars".into()
        }
    );
    assert_eq!(
        parse_text(Root::Survey, Platform::Console, "")
            .unwrap()
            .command,
        Command::SurveyForm
    );
}

async fn participants_are_invited_answer_and_change_answers(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 2).await;
    open(&t, "survey open mid-program closes:2026-12-20").await;
    t.app.run_due().await.unwrap();
    let invitation = t.console.history("DM to m0");
    assert_eq!(invitation.len(), 1);
    assert!(
        invitation[0].1.plain_text().contains("Type `/survey`"),
        "{}",
        invitation[0].1.plain_text()
    );
    assert_eq!(t.console.history("DM to e1").len(), 1);

    let form = t.type_as("m0", Root::Survey, "").await;
    let fields = &form.form.as_ref().expect("a form").fields;
    assert_eq!(fields.len(), 3);
    assert_eq!(fields[0].choices[3].label, "4 Well");
    assert_eq!(fields[0].choices[3].value, "4");
    assert!(
        form.message
            .plain_text()
            .contains("Next: How is your mentoring going?")
    );

    let said = answer(&t, "m0", "going 4").await;
    assert!(
        said.contains("Saved your answer to `going`: 4 (Well)"),
        "{said}"
    );
    assert!(said.contains("Next: How often do you meet?"), "{said}");
    answer(&t, "m0", "2 monthly").await;
    // Changed until the survey closes: the same response, the new answer.
    answer(&t, "m0", "going 5").await;
    let said = answer(&t, "m0", "help More evening webinars, please").await;
    assert!(said.contains("You've answered every question"), "{said}");
    let review = t.type_as("m0", Root::Survey, "").await.message.plain_text();
    assert!(review.contains("your answer: 5 (Very well)"), "{review}");
    assert!(
        review.contains("your answer: More evening webinars, please"),
        "{review}"
    );
    assert_eq!(answer_count(&t).await, 3);
}

async fn bad_answers_are_refused_and_nothing_is_stored(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 1).await;
    intake(&t, "Y2", "b", 1).await;
    let none = t.type_as("m0", Root::Survey, "answer going 3").await;
    assert_eq!(none.outcome, Outcome::Refused);
    assert!(
        none.message.plain_text().contains("no open survey"),
        "{}",
        none.message.plain_text()
    );
    let id = open(&t, "survey open end-of-program intake:Y1").await;
    for (who, text, says) in [
        ("m0", "answer colour blue", "has no question \"colour\""),
        (
            "m0",
            "answer workbook 6",
            "number from 1 to 5. Nothing was saved.",
        ),
        (
            "m0",
            "answer recommend-mentors perhaps",
            "Answer yes or no.",
        ),
        (
            "m0",
            "answer webinar-time-better 1,7",
            "Pick from: 1 Weekday morning",
        ),
        ("bm0", "answer workbook 3", "isn't for you"),
        ("stranger", "answer workbook 3", "no open survey"),
    ] {
        let reply = t.type_as(who, Root::Survey, text).await;
        assert_eq!(reply.outcome, Outcome::Refused, "{text}");
        let said = reply.message.plain_text();
        assert!(said.contains(says), "{text}: {said}");
    }
    assert_eq!(answer_count(&t).await, 0);
    let said = t.coordinator(&format!("survey close {}", &id[..6])).await;
    assert!(said.contains("is closed"), "{said}");
    let closed = t.type_as("m0", Root::Survey, "answer workbook 3").await;
    assert_eq!(closed.outcome, Outcome::Refused);
    assert_eq!(answer_count(&t).await, 0);
    let not_boss = t.mentoring("m0", &format!("survey results {id}")).await;
    assert_eq!(not_boss.outcome, Outcome::Refused);
    let past = t
        .mentoring("gina", "survey open mid-program closes:2026-11-01")
        .await;
    assert!(past.message.plain_text().contains("has already passed"));
    let unknown = t.mentoring("gina", "survey open exit-interview").await;
    assert!(
        unknown
            .message
            .plain_text()
            .contains("end-of-program, mid-program")
    );
}

async fn the_one_reminder_goes_only_to_those_who_have_not_answered(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 2).await;
    let id = open(&t, "survey open mid-program").await;
    t.app.run_due().await.unwrap();
    answer(&t, "m0", "going 3").await;
    answer(&t, "e1", "going 4").await;
    let said = t.coordinator(&format!("survey remind {id}")).await;
    assert!(
        said.contains("to the 2 people who haven't answered"),
        "{said}"
    );
    t.app.run_due().await.unwrap();
    for (who, dms) in [("m0", 1), ("e1", 1), ("e0", 2), ("m1", 2)] {
        assert_eq!(
            t.console.history(&format!("DM to {who}")).len(),
            dms,
            "{who}"
        );
    }
    assert!(
        t.console.history("DM to e0")[1]
            .1
            .plain_text()
            .contains("gentle reminder")
    );
    let again = t.mentoring("gina", &format!("survey remind {id}")).await;
    assert_eq!(again.outcome, Outcome::Refused);
    assert!(again.message.plain_text().contains("already gone out"));
}

async fn respond_to_end_of_program(t: &TestApp, people: &[(&str, &str, &str, &str)]) {
    for (who, mentors, workbook, change) in people {
        answer(t, who, &format!("recommend-mentors {mentors}")).await;
        answer(t, who, &format!("workbook {workbook}")).await;
        answer(t, who, &format!("change {change}")).await;
    }
}

async fn results_hide_small_groups_and_compare_intakes(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "a", 3).await;
    let first = open(&t, "survey open end-of-program intake:Y1").await;
    respond_to_end_of_program(
        &t,
        &[
            ("am0", "yes", "2", "More socials"),
            ("am1", "no", "3", "Longer"),
            ("ae0", "yes", "4", "Nothing"),
        ],
    )
    .await;
    t.coordinator(&format!("survey close {first}")).await;
    t.clock.advance(std::time::Duration::from_secs(86_400));
    intake(&t, "Y2", "b", 3).await;
    let second = open(&t, "survey open end-of-program intake:Y2").await;
    let early = t.coordinator(&format!("survey results {second}")).await;
    assert!(early.contains("come when the survey closes"), "{early}");
    respond_to_end_of_program(
        &t,
        &[
            ("bm0", "yes", "5", "Nothing at all"),
            ("bm1", "yes", "4", "Meet more often"),
            ("bm2", "yes", "4", "Earlier webinars"),
            ("be0", "no", "3", "More structure"),
        ],
    )
    .await;
    t.coordinator(&format!("survey close {second}")).await;
    let results = t
        .coordinator(&format!("survey results {second}"))
        .await
        .replace(&second[..8], "SURVEYID");
    insta::assert_snapshot!("survey_results", results);
    let list = t.coordinator("survey results").await;
    assert!(
        list.contains("end-of-program for Y1 (closed): 3 of 6 answered"),
        "{list}"
    );
}

async fn an_export_reproduces_the_stored_answers(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 3).await;
    let id = open(&t, "survey open end-of-program").await;
    respond_to_end_of_program(
        &t,
        &[
            ("m0", "yes", "2", "Quotes \"and\", commas"),
            ("m1", "no", "5", "Nothing"),
            ("m2", "no", "1", "Less"),
            ("e0", "yes", "4", "Ünïcode ✓"),
            ("e1", "yes", "3", "More"),
            ("e2", "yes", "3", "Same"),
        ],
    )
    .await;
    // Only mentors answer this one: the mentees' group is empty, not small, so roles show.
    for who in ["m0", "m1", "m2"] {
        answer(&t, who, "webinar-time-better 4, 1").await;
    }
    t.coordinator(&format!("survey close {id}")).await;
    let now = t.app.now();
    let csv_text = tandem::app::surveys::export::export(&t.app.store, &id, "csv", now)
        .await
        .unwrap();
    let json_text = tandem::app::surveys::export::export(&t.app.store, &id, "json", now)
        .await
        .unwrap();
    // Read both back and compare with the rows in the database, answer by answer, for the
    // questions at least 3 people answered (the others are left out).
    let exported = [
        "recommend-mentors",
        "workbook",
        "webinar-time-better",
        "change",
    ];
    let mut stored: Vec<Vec<String>> = store::surveys::responses(t.app.store.pool(), &id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            let mut row = vec![r.role.as_str().to_string()];
            let template = tandem::domain::survey::template::parse(
                tandem::domain::survey::template::built_in("end-of-program").unwrap(),
            )
            .unwrap();
            row.extend(
                template
                    .questions
                    .iter()
                    .filter(|q| exported.contains(&q.id.as_str()))
                    .map(|q| r.answers.get(&q.id).cloned().unwrap_or_default()),
            );
            row
        })
        .collect();
    stored.sort();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut from_csv: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    from_csv.sort();
    assert_eq!(from_csv, stored);
    assert!(csv_text.contains("Weekday morning|Weekend"), "{csv_text}");
    let json: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    let mut from_json: Vec<Vec<String>> = json["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut row = vec![r["role"].as_str().unwrap().to_string()];
            row.extend(
                r["answers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap_or_default().to_string()),
            );
            row
        })
        .collect();
    from_json.sort();
    assert_eq!(from_json, stored);
    // In chat the export is a file for the coordinator alone, the same bytes as the CLI's.
    let chat = t
        .mentoring("gina", &format!("survey export {id} json"))
        .await;
    let said = chat.message.plain_text();
    assert!(
        said.contains(&format!("survey-{}.json", &id[..8])),
        "{said}"
    );
    assert_eq!(chat.attachments.len(), 1);
    assert_eq!(chat.attachments[0].media_type, "application/json");
    assert_eq!(chat.attachments[0].bytes, json_text.as_bytes());
    let csv_file = t.mentoring("gina", &format!("survey export {id}")).await;
    assert_eq!(
        csv_file.attachments[0].name,
        format!("survey-{}.csv", &id[..8])
    );
    assert_eq!(csv_file.attachments[0].bytes, csv_text.as_bytes());
}

async fn an_anonymous_survey_stores_no_participant_id(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 2).await;
    let id = open(&t, "survey open end-of-program anonymous").await;
    respond_to_end_of_program(
        &t,
        &[
            ("m0", "yes", "2", "a"),
            ("m1", "no", "5", "b"),
            ("e0", "yes", "4", "c"),
        ],
    )
    .await;
    // Answering again changes the one response: the keyed hash recognises the person.
    answer(&t, "m0", "workbook 3").await;
    let db = t.app.store.pool();
    let ids: Vec<String> = sqlx::query("SELECT id FROM participants")
        .fetch_all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get(0).unwrap())
        .collect();
    let mut cells = Vec::new();
    for (table, columns) in [
        ("survey_responses", "id, survey_id, respondent, role"),
        ("survey_answers", "response_id, question, answer"),
    ] {
        for row in sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {columns} FROM {table}"
        )))
        .fetch_all(db)
        .await
        .unwrap()
        {
            for i in 0..row.len() {
                cells.push(row.try_get::<String, _>(i).unwrap());
            }
        }
    }
    assert_eq!(
        sqlx::query("SELECT COUNT(*) FROM survey_responses")
            .fetch_one(db)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap(),
        3
    );
    for id in &ids {
        assert!(
            !cells.iter().any(|c| c.contains(id.as_str())),
            "participant {id} is in the survey tables"
        );
    }
    t.coordinator(&format!("survey close {id}")).await;
    let survey = store::surveys::find(db, &id).await.unwrap().unwrap();
    assert_eq!(survey.secret, "", "the secret is forgotten on closing");
}

async fn submit(t: &TestApp, who: &str, form_id: &str, answers: &[(&str, &[&str])]) -> Outcome {
    let input = Input::FormSubmitted {
        form_id: form_id.to_string(),
        answers: answers
            .iter()
            .map(|(q, v)| (q.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect(),
    };
    let caller = Caller::person(Identity::new(Platform::Console, who), who);
    let reply = t
        .app
        .handle(Invocation {
            caller,
            channel: None,
            input,
        })
        .await;
    reply.outcome
}

async fn a_submitted_form_stores_all_answers_or_none(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 1).await;
    let id = open(&t, "survey open end-of-program").await;
    let form = t.type_as("m0", Root::Survey, "").await.form.unwrap();
    assert_eq!(form.id, format!("survey:{id}"));
    let bad: &[(&str, &[&str])] = &[("workbook", &["4 Very useful"]), ("wiki", &["9"])];
    assert_eq!(submit(&t, "m0", &form.id, bad).await, Outcome::Refused);
    assert_eq!(answer_count(&t).await, 0);
    let good: &[(&str, &[&str])] = &[
        ("workbook", &["4 Very useful"]),
        ("recommend-mentors", &["yes"]),
        ("webinar-time-better", &["Weekend", "Weekday morning"]),
        ("change", &[""]),
    ];
    assert_eq!(submit(&t, "m0", &form.id, good).await, Outcome::Done);
    assert_eq!(answer_count(&t).await, 3);
    let stored = store::surveys::responses(t.app.store.pool(), &id)
        .await
        .unwrap();
    assert_eq!(
        stored[0].answers["webinar-time-better"],
        "Weekday morning|Weekend"
    );
    assert_eq!(
        submit(&t, "m0", "survey:someone-elses", good).await,
        Outcome::Refused
    );
}

async fn the_console_asks_question_by_question_and_writes_the_chart(db: TestDb) {
    use tandem::adapters::console::session::{Session, Step};
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 2).await;
    let id = open(&t, "survey open end-of-program").await;
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::new(t.app.clone(), t.console.clone(), t.clock.clone(), "gina")
        .with_files_dir(dir.path());
    let mut out = String::new();
    for line in [
        "as m0",
        "/survey",
        "/survey answer 1 yes",
        "/survey answer workbook 4",
        "as m1",
        "/survey answer workbook 2",
        "as e0",
        "/survey answer workbook Essential",
        "as gina",
        &format!("/mentoring survey close {}", &id[..8]),
        &format!("/mentoring survey results {}", &id[..8]),
    ] {
        match session.run_line(line).await {
            Step::Continue(said) => out.push_str(&said),
            Step::Quit => panic!("quit"),
        }
    }
    assert!(
        out.contains("(answer each question with the matching command)"),
        "{out}"
    );
    assert!(
        out.contains("Next: Would you recommend the scheme to potential mentees?"),
        "{out}"
    );
    assert!(out.contains("mean 3.7 of 5 from 3 answers"), "{out}");
    assert!(out.contains("Written to"), "{out}");
    let png = std::fs::read(dir.path().join(format!("survey-{}.png", &id[..8]))).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG file");
}

async fn as_operator(t: &TestApp, text: &str) -> tandem::app::Reply {
    let caller = Caller {
        operator: true,
        ..Caller::person(Identity::new(Platform::Console, "operator"), "operator")
    };
    t.app
        .handle(Invocation {
            caller,
            channel: None,
            input: Input::Text {
                root: Root::Mentoring,
                text: text.to_string(),
            },
        })
        .await
}

async fn an_operator_template_asks_only_its_audience(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 2).await;
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "name = \"x\"\ntitle = \"T\"\naudience = \"alumni\"\n").unwrap();
    let reply = as_operator(&t, &format!("survey open {}", bad.display())).await;
    assert_eq!(reply.outcome, Outcome::Refused);
    let said = reply.message.plain_text();
    assert!(
        said.contains("bad.toml:3: \"alumni\" isn't an audience"),
        "{said}"
    );
    assert!(
        said.contains("bad.toml:1: a survey needs at least one [[questions]] entry"),
        "{said}"
    );
    // Chat users can't name files on the server.
    let chat = t
        .mentoring("gina", &format!("survey open {}", bad.display()))
        .await;
    assert!(
        chat.message
            .plain_text()
            .contains("There's no survey template called")
    );

    let good = dir.path().join("mentees.toml");
    std::fs::write(
        &good,
        "name = \"mentee-check\"\ntitle = \"Mentee check\"\naudience = \"mentees\"\n\n[[questions]]\nid = \"ok\"\nkind = \"yes-no\"\ntext = \"All good?\"\n",
    )
    .unwrap();
    let reply = as_operator(&t, &format!("survey open {}", good.display())).await;
    assert_eq!(
        reply.outcome,
        Outcome::Done,
        "{}",
        reply.message.plain_text()
    );
    assert!(
        reply
            .message
            .plain_text()
            .contains("2 people will get an invitation")
    );
    t.app.run_due().await.unwrap();
    assert_eq!(t.console.history("DM to e0").len(), 1);
    assert_eq!(t.console.history("DM to m0").len(), 0);
    answer(&t, "e0", "ok yes").await;
    let mentor = t.type_as("m0", Root::Survey, "answer ok yes").await;
    assert_eq!(mentor.outcome, Outcome::Refused);
    assert!(mentor.message.plain_text().contains("isn't for you"));
    assert_eq!(answer_count(&t).await, 1);
}

async fn answers_stop_when_the_closing_day_has_passed(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 1).await;
    let id = open(&t, "survey open mid-program closes:2026-11-30").await;
    answer(&t, "m0", "going 4").await;
    // 30 November ends at midnight in London; 1 December is too late.
    t.clock.set(crate::support::utc(2026, 12, 1, 0, 1));
    let late = t.type_as("m0", Root::Survey, "answer going 2").await;
    assert_eq!(late.outcome, Outcome::Refused);
    let stored = store::surveys::responses(t.app.store.pool(), &id)
        .await
        .unwrap();
    assert_eq!(stored[0].answers["going"], "4");
    assert!(
        !store::surveys::find(t.app.store.pool(), &id)
            .await
            .unwrap()
            .unwrap()
            .open
    );
}
