//! The audit log on both backends: exports, opened results, coordinator changes and forgetting
//! are recorded with who and when; `/mentoring audit` shows them to coordinators only; the log
//! never holds an answer.

use std::time::Duration;

use sqlx::Row;
use tandem::app::Outcome;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};
use crate::surveys::{answer, intake, open};

on_both_backends!(sensitive_acts_are_recorded_and_shown_to_coordinators);

async fn sensitive_acts_are_recorded_and_shown_to_coordinators(db: TestDb) {
    let t = TestApp::new(db).await;
    let empty = t.coordinator("audit").await;
    assert!(empty.contains("The audit log is empty"), "{empty}");

    intake(&t, "Y1", "", 3).await;
    let survey = open(&t, "survey open end-of-program intake:Y1").await;
    for who in ["m0", "m1", "e0"] {
        answer(&t, who, "change \"A secret wish\"").await;
    }
    t.coordinator(&format!("survey close {survey}")).await;
    let minute = |t: &TestApp| t.clock.advance(Duration::from_secs(60));
    minute(&t);
    t.coordinator(&format!("survey results {survey}")).await;
    minute(&t);
    let export = t
        .mentoring("gina", &format!("survey export {survey} json"))
        .await;
    assert_eq!(export.outcome, Outcome::Done);
    minute(&t);
    t.coordinator("coordinator add @hana").await;
    minute(&t);
    t.mentoring("hana", "coordinator remove @gina").await;
    minute(&t);
    t.mentoring("hana", "coordinator add @gina").await;
    minute(&t);
    let asked = t.mentoring("gina", "forget @e1").await;
    let done = t
        .press("gina", asked.message.buttons.first().expect("a button"))
        .await;
    assert_eq!(done.outcome, Outcome::Done);

    // Only coordinators read it.
    let refused = t.mentoring("m0", "audit").await;
    assert_eq!(refused.outcome, Outcome::Refused);

    let log = t.mentoring("hana", "audit").await;
    assert_eq!(log.outcome, Outcome::Done);
    let lines: Vec<String> = log
        .message
        .plain_text()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect();
    let short = &survey[..8];
    let expected = [
        "2026-11-28 09:06 gina had Tandem forget Former participant",
        "2026-11-28 09:05 hana made gina a coordinator",
        "2026-11-28 09:04 hana removed gina as a coordinator",
        "2026-11-28 09:03 gina made hana a coordinator",
        &format!("2026-11-28 09:02 gina exported survey `{short}` as json"),
        &format!("2026-11-28 09:01 gina opened the results of survey `{short}`"),
    ];
    assert_eq!(lines.len(), expected.len(), "{lines:?}");
    for (line, want) in lines.iter().zip(expected) {
        assert!(line.ends_with(want), "{line} / {want}");
    }

    // Who, what and when only: no answer is ever in it.
    let rows = sqlx::query("SELECT actor, action, subject, COALESCE(detail, '') FROM audit_log")
        .fetch_all(t.app.store.pool())
        .await
        .unwrap();
    for row in rows {
        for i in 0..4 {
            let value: String = row.get(i);
            assert!(!value.contains("secret wish"), "{value}");
        }
    }
}
