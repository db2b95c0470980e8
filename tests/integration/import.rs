//! `tandem import`: a roster is checked whole against the pairing rules, written all at once or
//! not at all, and safe to import again; and the real binary reading the example roster.

use std::process::Command;

use tandem::app::UserError;
use tandem::app::roster::{RosterPlan, RosterProblem, RowProblem};
use tandem::domain::roster::ProblemKind;
use tandem::domain::{Identity, Participant, Platform};
use tandem::messages::roster as words;
use tandem::store;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};

on_both_backends!(
    a_good_roster_makes_the_pairs_and_places,
    a_roster_with_bad_lines_names_each_and_writes_nothing,
    importing_the_same_roster_again_changes_nothing,
    a_pairing_made_meanwhile_rolls_the_whole_import_back,
);

const HEADER: &str = "intake,mentor,mentee,mentor_name,mentee_name,mentor_city,mentee_city,mentor_tz,mentee_tz,mentor_email,mentee_email\n";

async fn check(t: &TestApp, roster: &str) -> Result<RosterPlan, Vec<RosterProblem>> {
    t.app.check_roster(roster.as_bytes(), None).await.unwrap()
}

async fn person(t: &TestApp, platform: Platform, id: &str) -> Option<Participant> {
    store::participants::find_by_identity(t.db.store.pool(), &Identity::new(platform, id))
        .await
        .unwrap()
}

/// The active pairs of the intake called `name`.
async fn pairs_in(t: &TestApp, name: &str) -> Vec<tandem::domain::Pair> {
    let db = t.db.store.pool();
    let intake = store::intakes::find_by_name(db, name)
        .await
        .unwrap()
        .unwrap();
    store::pairs::list_for_intake(db, &intake.id, false)
        .await
        .unwrap()
}

async fn a_good_roster_makes_the_pairs_and_places(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator(r#"intake create "2027 February" tz:Australia/Sydney"#)
        .await;
    t.coordinator(r#"intake create "2027 Auckland" tz:Pacific/Auckland"#)
        .await;
    let roster = format!(
        "{HEADER}2027 February,slack:U04MERE01,slack:U05BEN02,Mere Tamihana,Ben Ho,Auckland,Sydney,Pacific/Auckland,Australia/Sydney,mere@example.org,\n\
         ,console:aroha,console:cy,,,Hong Kong,,,Asia/Hong_Kong,,\n"
    );
    let plan = check(&t, &roster).await.expect("a good roster");
    assert_eq!(plan.newcomers(), 4);
    assert_eq!(plan.places.len(), 4);
    t.app.write_roster(&plan).await.unwrap();

    let summary = words::roster_summary(&plan, false, 0);
    assert!(
        summary.contains("2027 February: 1 pair added, 0 already there.")
            && summary.contains("2027 Auckland: 1 pair added, 0 already there.")
            && summary.contains("4 people new to Tandem were registered.")
            && summary.contains("opens each new pair's channel"),
        "{summary}"
    );
    let mere = person(&t, Platform::Slack, "U04MERE01").await.unwrap();
    assert_eq!(mere.display_name, "Mere Tamihana");
    assert_eq!(mere.email.as_deref(), Some("mere@example.org"));
    assert_eq!(mere.city.as_deref(), Some("Auckland"));
    assert_eq!(mere.zone, Some(chrono_tz::Pacific::Auckland));
    let ben = person(&t, Platform::Slack, "U05BEN02").await.unwrap();
    assert_eq!(
        (ben.city.as_deref(), ben.zone, ben.email),
        (Some("Sydney"), Some(chrono_tz::Australia::Sydney), None)
    );
    let cy = person(&t, Platform::Console, "cy").await.unwrap();
    assert_eq!((cy.city, cy.zone), (None, Some(chrono_tz::Asia::Hong_Kong)));

    // Slack people pair on Slack; the row without an intake went to the newest active one.
    let february = pairs_in(&t, "2027 February").await;
    assert_eq!(february.len(), 1);
    assert_eq!(february[0].platform, Platform::Slack);
    assert_eq!(february[0].mentor_id, mere.id);
    let auckland = pairs_in(&t, "2027 Auckland").await;
    assert_eq!(auckland.len(), 1);
    assert_eq!(auckland[0].platform, Platform::Console);

    // No space yet: the running bot makes them, for the platforms it is connected to (here the
    // terminal only; the Slack pair waits for Slack).
    assert!(february[0].space_id.is_none() && auckland[0].space_id.is_none());
    assert_eq!(t.app.open_missing_spaces().await.unwrap(), 1);
    assert!(pairs_in(&t, "2027 Auckland").await[0].space_id.is_some());
}

async fn a_roster_with_bad_lines_names_each_and_writes_nothing(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator(r#"intake create "2027 February""#).await;
    t.coordinator("intake create Closed").await;
    t.coordinator("intake close Closed").await;
    t.coordinator(r#"pair @slack:U1 @slack:U2 intake:"2027 February""#)
        .await;
    let roster = "intake,mentor,mentee,mentee_tz\n\
                  2027 February,slack:U04A,slack:U05B,\n\
                  2027 February,slack:U1,slack:U09,\n\
                  Closed,slack:U06,slack:U07,\n\
                  2027 February,slack:U08,slack:U08,\n\
                  2027 February,slack:U04A,slack:U10,\n\
                  2027 February,slack:U11,discord:12,\n\
                  2027 February,slack:U13,slack:U14,Mars/Base\n\
                  2027 February,slack:U15\n\
                  2027 February,slack:U16,slack:U17,\n\
                  2027 February,Nobody Here,slack:U18,\n";
    let problems = check(&t, roster).await.expect_err("bad lines");
    let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 6, 7, 8, 9, 11]);
    let what: Vec<&RowProblem> = problems.iter().map(|p| &p.what).collect();
    assert!(matches!(
        what[0],
        RowProblem::Rule(UserError::AlreadyPaired { .. })
    ));
    assert!(matches!(
        what[1],
        RowProblem::Rule(UserError::IntakeClosed(_))
    ));
    assert!(matches!(what[2], RowProblem::Rule(UserError::SelfPairing)));
    assert!(matches!(what[3], RowProblem::PairedEarlier { line: 2, .. }));
    assert!(matches!(
        what[4],
        RowProblem::Rule(UserError::NoSharedPlatform { .. })
    ));
    assert!(matches!(
        what[5],
        RowProblem::Shape(ProblemKind::BadZone { .. })
    ));
    assert!(matches!(
        what[6],
        RowProblem::Shape(ProblemKind::CellCount {
            found: 2,
            expected: 4
        })
    ));
    assert!(
        matches!(what[7], RowProblem::Rule(UserError::UnknownPerson(name)) if name == "Nobody Here")
    );
    assert_eq!(
        words::roster_problem("roster.csv", &problems[3]),
        "roster.csv:6: U04A is already paired in 2027 February on line 2; a person has one active pair per intake"
    );
    assert_eq!(
        words::roster_rejected("roster.csv", problems.len()),
        "roster.csv: 8 problems; nothing was imported. Fix the file and run the import again."
    );
    // Only the pair made in chat; nobody from the roster was registered.
    assert_eq!(pairs_in(&t, "2027 February").await.len(), 1);
    assert!(person(&t, Platform::Slack, "U04A").await.is_none());
    assert!(person(&t, Platform::Slack, "U16").await.is_none());

    // A header that names an unknown column stops the file before any row.
    let problems = check(&t, "Mentor,Mentee,Buddy\nslack:U1,slack:U2,x\n")
        .await
        .expect_err("unknown column");
    assert_eq!(
        problems.iter().map(|p| &p.what).collect::<Vec<_>>(),
        vec![&RowProblem::Shape(ProblemKind::UnknownColumn(
            "Buddy".into()
        ))]
    );
}

async fn importing_the_same_roster_again_changes_nothing(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator(r#"intake create "2027 February""#).await;
    let roster = format!(
        "{HEADER}2027 February,slack:U04A,slack:U05B,Anika Shah,Chloe Wong,Sydney,Hong Kong,,,,\n\
         2027 February,console:aroha,console:cy,,,,,,,,\n"
    );
    let first = check(&t, &roster).await.unwrap();
    t.app.write_roster(&first).await.unwrap();

    // Again, naming Anika as people usually do: by her name, not her account.
    let roster = roster.replace("slack:U04A,", "Anika Shah,");
    let again = check(&t, &roster).await.expect("the same roster again");
    assert!(again.rows.iter().all(|r| !r.is_new()), "{:?}", again.rows);
    assert_eq!((again.newcomers(), again.places.len()), (0, 0));
    t.app.write_roster(&again).await.unwrap();
    let summary = words::roster_summary(&again, false, 0);
    assert!(
        summary.contains("2027 February: 0 pairs added, 2 already there.")
            && !summary.contains("channel"),
        "{summary}"
    );
    assert_eq!(pairs_in(&t, "2027 February").await.len(), 2);

    // The roster grows by a row: only that pair is new.
    let grown = format!("{roster}2027 February,console:ben,Console:di,,,,,,,,\n");
    let plan = check(&t, &grown).await.unwrap();
    assert_eq!(
        words::roster_row("r.csv", &plan.rows[0]),
        "r.csv:2: Anika Shah and Chloe Wong are already paired in 2027 February"
    );
    assert_eq!(
        words::roster_row("r.csv", &plan.rows[2]),
        "r.csv:4: would pair ben (mentor) with di (mentee) in 2027 February, on console"
    );
    t.app.write_roster(&plan).await.unwrap();
    assert_eq!(pairs_in(&t, "2027 February").await.len(), 3);
}

async fn a_pairing_made_meanwhile_rolls_the_whole_import_back(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator(r#"intake create "2027 February""#).await;
    t.coordinator("pair @ana @bo").await;
    t.coordinator("unpair @bo").await;
    let roster = "mentor,mentee\nconsole:aroha,console:cy\nana,Bo\n";
    let plan = check(&t, roster).await.unwrap();
    // Between the check and the write, a coordinator pairs Bo in chat.
    t.coordinator("pair @eli @bo").await;
    assert!(t.app.write_roster(&plan).await.is_err());
    assert!(person(&t, Platform::Console, "aroha").await.is_none());
    assert_eq!(pairs_in(&t, "2027 February").await.len(), 1);
}

fn tandem() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
}

/// Runs the binary; (succeeded, stdout, stderr).
fn run(args: &[&str]) -> (bool, String, String) {
    let out = tandem().args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_binary_imports_the_example_roster() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/tandem.db", dir.path().display());
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/roster-example.csv");
    for name in ["2026 August", "2027 February"] {
        let (ok, _, err) = run(&["admin", "--database", &database, "intake", "create", name]);
        assert!(ok, "{err}");
    }
    let import = |extra: &[&str]| {
        let mut args = vec!["import", "--database", &database, "--intake", "2026 August"];
        args.extend_from_slice(extra);
        run(&args)
    };

    // Succeeds and says each of `said`.
    let succeeds = |extra: &[&str], said: &[&str]| {
        let (ok, out, err) = import(extra);
        assert!(ok, "{err}");
        for words in said {
            assert!(out.contains(words), "{words:?} not in:\n{out}");
        }
    };
    succeeds(
        &[example, "--dry-run"],
        &[
            "roster-example.csv:2: would pair Mere Tamihana (mentor) with Ben Ho (mentee) in 2027 February, on slack",
            "would pair Sarah Kelly (mentor) with Jun Park (mentee) in 2026 August, on discord",
            "Dry run: nothing was changed.",
        ],
    );
    succeeds(
        &[example],
        &[
            "2027 February: 4 pairs added, 0 already there.",
            "2026 August: 1 pair added, 0 already there.",
            "10 people new to Tandem were registered.",
            "made by the running bot (`tandem run`)",
        ],
    );
    succeeds(
        &[example],
        &["2027 February: 0 pairs added, 4 already there."],
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "mentor,mentee,mentor_tz\nconsole:aroha,@console:aroha,\nconsole:ben,console:cy,Mars/Base\n",
    )
    .unwrap();
    let (ok, out, err) = import(&[bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        out.contains("bad.csv:2: the mentor and the mentee are the same person")
            && out.contains("bad.csv:3: mentor_tz: \"Mars/Base\" isn't an IANA time zone"),
        "{out}"
    );
    assert!(err.contains("2 problems; nothing was imported"), "{err}");
}
