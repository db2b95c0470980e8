//! What coordinators get out of a survey: nothing but the response count while it is open, one
//! small-group rule for figures, charts, CSV and JSON once it closes, CSV that a spreadsheet
//! cannot run, and `tandem export survey` taking the short id the chat shows.

use tandem::app::Outcome;
use tandem::app::surveys::export;
use tandem::domain::Timestamp;
use tandem::store;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};
use crate::surveys::{answer, intake, open};

on_both_backends!(
    an_open_survey_shows_only_its_response_count,
    exports_leave_out_groups_under_three,
    csv_cells_a_spreadsheet_would_run_are_neutralised,
    the_cli_export_takes_the_short_id_from_the_chat,
);

/// Three pairs, an end-of-program survey, and two answers each from three mentors and one
/// mentee. Returns the survey's id.
async fn three_mentors_and_a_mentee(t: &TestApp) -> String {
    intake(t, "Y1", "", 3).await;
    let id = open(t, "survey open end-of-program").await;
    for (who, workbook) in [("m0", 2), ("m1", 5), ("m2", 4), ("e0", 3)] {
        answer(t, who, &format!("workbook {workbook}")).await;
        answer(t, who, "recommend-mentors yes").await;
    }
    id
}

async fn an_open_survey_shows_only_its_response_count(db: TestDb) {
    let t = TestApp::new(db).await;
    let id = three_mentors_and_a_mentee(&t).await;
    let before = t.mentoring("gina", &format!("survey results {id}")).await;
    answer(&t, "e1", "workbook 1").await;
    answer(&t, "e1", "recommend-mentors no").await;
    let after = t.mentoring("gina", &format!("survey results {id}")).await;
    let (before, after) = (before.message.plain_text(), after.message.plain_text());
    // Two views around one person's answers differ in the count alone.
    let differing: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        differing,
        vec![("Responses: 4 of 6 (67%)", "Responses: 5 of 6 (83%)")],
        "{before}\n---\n{after}"
    );
    assert_eq!(before.lines().count(), after.lines().count());
    assert!(after.contains("come when the survey closes"), "{after}");
    for figure in ["mean", "yes (", "workbook"] {
        assert!(!after.contains(figure), "{figure}: {after}");
    }
    let chart = t.mentoring("gina", &format!("survey results {id}")).await;
    assert!(chart.attachments.is_empty(), "no chart while open");
    let refused = t
        .mentoring("gina", &format!("survey export {id} csv"))
        .await;
    assert_eq!(refused.outcome, Outcome::Refused);
    assert!(refused.attachments.is_empty());
    assert!(
        refused.message.plain_text().contains("still open"),
        "{}",
        refused.message.plain_text()
    );
    // Closing (early) brings the figures, the chart and the export.
    t.coordinator(&format!("survey close {id}")).await;
    let closed = t.mentoring("gina", &format!("survey results {id}")).await;
    assert!(
        closed
            .message
            .plain_text()
            .contains("mean 3.0 of 5 from 5 answers"),
        "{}",
        closed.message.plain_text()
    );
    assert_eq!(closed.attachments.len(), 1);
    let export = t
        .mentoring("gina", &format!("survey export {id} csv"))
        .await;
    assert_eq!(export.outcome, Outcome::Done);
}

async fn exports_leave_out_groups_under_three(db: TestDb) {
    let t = TestApp::new(db).await;
    let id = three_mentors_and_a_mentee(&t).await;
    // One question only the mentee answers.
    answer(&t, "e0", "change Only the mentee wrote this").await;
    t.coordinator(&format!("survey close {id}")).await;
    let now = t.app.now();
    let csv_text = export::export(&t.app.store, &id, "csv", now).await.unwrap();
    let mut lines = csv_text.lines();
    assert_eq!(
        lines.next(),
        Some("recommend-mentors,workbook"),
        "no role, and only questions 3 or more answered: {csv_text}"
    );
    assert_eq!(lines.count(), 4);
    assert!(!csv_text.contains("mentee,"), "{csv_text}");
    assert!(!csv_text.contains("Only the mentee"), "{csv_text}");
    let json: serde_json::Value = serde_json::from_str(
        &export::export(&t.app.store, &id, "json", now)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(json["by_role"], false);
    assert!(
        json["withheld_questions"]
            .as_array()
            .unwrap()
            .contains(&"change".into())
    );
    for row in json["responses"].as_array().unwrap() {
        assert!(row.get("role").is_none(), "{row}");
        assert_eq!(row["answers"].as_array().unwrap().len(), 2);
    }
    // The figures follow the same rule: no split by role.
    let results = t.coordinator(&format!("survey results {id}")).await;
    assert!(results.contains("by role: not shown"), "{results}");
    assert!(results.contains("`change`"), "{results}");
    assert!(!results.contains("Only the mentee"), "{results}");

    // With three of each, rows carry their role.
    intake(&t, "Y2", "b", 3).await;
    let second = open(&t, "survey open end-of-program intake:Y2").await;
    for who in ["bm0", "bm1", "bm2", "be0", "be1", "be2"] {
        answer(&t, who, "workbook 4").await;
    }
    t.coordinator(&format!("survey close {second}")).await;
    let csv_text = export::export(&t.app.store, &second, "csv", t.app.now())
        .await
        .unwrap();
    assert!(csv_text.starts_with("role,workbook\n"), "{csv_text}");
    assert_eq!(csv_text.matches("mentee,4").count(), 3, "{csv_text}");
}

async fn csv_cells_a_spreadsheet_would_run_are_neutralised(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 2).await;
    let id = open(&t, "survey open end-of-program").await;
    let risky = [
        ("m0", "=HYPERLINK(http://evil.example)"),
        ("m1", "+cmd|' /C calc'!A0"),
        ("e0", "@SUM(1+1)"),
        ("e1", "-2+3"),
    ];
    for (who, text) in risky {
        answer(&t, who, &format!("change {text}")).await;
    }
    t.coordinator(&format!("survey close {id}")).await;
    let now = t.app.now();
    let csv_text = export::export(&t.app.store, &id, "csv", now).await.unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let cells: Vec<String> = reader
        .records()
        .map(|r| r.unwrap().iter().next_back().unwrap().to_string())
        .collect();
    for (_, text) in risky {
        assert!(cells.contains(&format!("'{text}")), "{text}: {cells:?}");
    }
    // JSON is not run by spreadsheets: it keeps the answers as given.
    let json = export::export(&t.app.store, &id, "json", now)
        .await
        .unwrap();
    assert!(json.contains("\"@SUM(1+1)\""), "{json}");
}

async fn the_cli_export_takes_the_short_id_from_the_chat(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 2).await;
    let id = open(&t, "survey open end-of-program closes:2026-12-01").await;
    for (who, n) in [("m0", 1), ("m1", 2), ("e0", 3)] {
        answer(&t, who, &format!("workbook {n}")).await;
    }
    let now = t.app.now();
    let short = &id[..8];
    let open_err = export::export(&t.app.store, short, "csv", now)
        .await
        .unwrap_err()
        .to_string();
    assert!(open_err.contains("still open"), "{open_err}");
    assert!(open_err.contains("tandem admin survey close"), "{open_err}");
    // Past its closing time the CLI closes it first, as the scheduler would have.
    let later = crate::support::utc(2026, 12, 3, 0, 0);
    let csv_text = export::export(&t.app.store, short, "csv", later)
        .await
        .unwrap();
    assert!(csv_text.starts_with("workbook\n"), "{csv_text}");
    let unknown = export::export(&t.app.store, "ffff0000", "csv", later)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        unknown.contains("There's no survey \"ffff0000\""),
        "{unknown}"
    );
    assert!(unknown.contains("tandem admin survey results"), "{unknown}");
    // Two surveys whose ids share a start.
    let mut twin = store::surveys::find(t.app.store.pool(), &id)
        .await
        .unwrap()
        .unwrap();
    for suffix in ["1", "2"] {
        twin.id = format!("abcd{}{suffix}", "0".repeat(27));
        twin.opened_at = Timestamp(now.0 + 1);
        store::surveys::insert(t.app.store.pool(), &twin)
            .await
            .unwrap();
    }
    let ambiguous = export::export(&t.app.store, "abcd", "csv", later)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        ambiguous.contains("More than one survey starts with \"abcd\""),
        "{ambiguous}"
    );
    assert!(
        ambiguous.contains(&format!("`abcd{}1`", "0".repeat(27))),
        "{ambiguous}"
    );
}
