//! The demo end to end: the sample program, a scripted session, and the real binary reading a
//! script and piped standard input.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::Arc;

use tandem::adapters::console::session::{Session, Step};
use tandem::adapters::console::{ConsoleChat, seed};
use tandem::app::{App, Settings};
use tandem::chat::Chats;
use tandem::clock::ManualClock;
use tandem::store;

use crate::on_both_backends;
use crate::support::{TestDb, test_now};

on_both_backends!(
    the_sample_program_looks_alive,
    a_scripted_session_runs_end_to_end
);

async fn demo_app(db: &TestDb) -> (App, ConsoleChat, Arc<ManualClock>) {
    let console = ConsoleChat::new();
    let clock = Arc::new(ManualClock::new(test_now()));
    let app = App::new(
        db.store.clone(),
        clock.clone(),
        Chats::new().with(Arc::new(console.clone())),
        Settings::default(),
    );
    seed::seed(&app, &clock, test_now()).await.expect("seed");
    console.take_landed();
    (app, console, clock)
}

async fn the_sample_program_looks_alive(db: TestDb) {
    let (app, console, _) = demo_app(&db).await;
    let pool = db.store.pool();
    let intakes = store::intakes::list(pool).await.unwrap();
    let mut sizes = Vec::new();
    let mut zones = Vec::new();
    for intake in &intakes {
        sizes.push(
            store::pairs::list_for_intake(pool, &intake.id, false)
                .await
                .unwrap()
                .len(),
        );
        zones.push(intake.zone.name());
    }
    assert_eq!(sizes, vec![12, 16, 19], "newest first");
    assert_eq!(
        zones,
        vec!["Asia/Hong_Kong", "Pacific/Auckland", "Australia/Sydney"]
    );
    assert_eq!(store::coordinators::list(pool).await.unwrap().len(), 2);
    assert!(
        store::webinars::next_for(pool, None, app.now())
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(console.channels().len(), 47, "one private space per pair");
    let banner =
        tandem::messages::demo_banner(&seed::overview(&app).await.unwrap(), true, "sqlite://x");
    assert!(
        banner.contains("Next webinar: \"Building your professional network\""),
        "{banner}"
    );
}

async fn a_scripted_session_runs_end_to_end(db: TestDb) {
    let (app, console, clock) = demo_app(&db).await;
    let mut session = Session::new(app, console, clock, "gina");
    let mut transcript = String::new();
    for line in [
        "# a comment is skipped",
        "/mentoring intake list",
        "/mentoring status",
        "/mentoring pair @zed @yan",
        "as aroha",
        "/mentoring pair @aroha @zed",
        "/mentoring pause until:2026-12-24",
        "press LAST.1",
        "press LAST.7",
        "as gina",
        "/mentoring unpair @zed",
        "/mentoring intake",
        ":now",
        ":advance 10d",
        "as rhys",
        "press LAST.1",
        "/checkin help note:\"<!here> can we talk?\"",
        "as gina",
        "/mentoring status",
        "hello?",
    ] {
        // `LAST` is the newest message so far, so the script needn't know message numbers.
        let line = line.replace("LAST", &last_message(&transcript).to_string());
        let line = line.as_str();
        transcript.push_str(&format!("{}{line}\n", session.prompt()));
        match session.run_line(line).await {
            Step::Continue(out) => transcript.push_str(&out),
            Step::Quit => unreachable!(),
        }
    }
    assert_eq!(session.run_line(":quit").await, Step::Quit);
    insta::assert_snapshot!("demo_session", transcript);
}

/// The highest message number printed in `transcript`.
fn last_message(transcript: &str) -> u64 {
    transcript
        .lines()
        .filter_map(|l| l.split(" · message ").nth(1))
        .filter_map(|n| n.split_whitespace().next()?.parse().ok())
        .max()
        .unwrap_or(0)
}

fn tandem() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
}

#[test]
fn the_binary_runs_a_script_and_piped_input() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/demo/tandem-demo.db", dir.path().display());
    let script = dir.path().join("script.txt");
    std::fs::write(
        &script,
        "# list the pairs\n/mentoring pairs\nas aroha\n/mentoring pause\n",
    )
    .unwrap();
    let out = tandem()
        .args(["demo", "--database", &database, "--script"])
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Tandem demo: a mentoring program in your terminal."),
        "{stdout}"
    );
    assert!(stdout.contains("gina> /mentoring pairs\n"), "{stdout}");
    assert!(stdout.contains("12 active pairs in "), "{stdout}");
    assert!(stdout.contains("aroha> /mentoring pause\n"), "{stdout}");
    assert!(stdout.contains("paused until you resume them"), "{stdout}");

    // Again, from a pipe, on the same database: the program is kept.
    let mut child = tandem()
        .args(["demo", "--database", &database])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"as aroha\n/mentoring resume\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("Continuing the program in"), "{stdout}");
    assert!(stdout.contains("Welcome back!"), "{stdout}");
}

#[test]
fn admin_runs_commands_against_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/tandem.db", dir.path().display());
    let run = |words: &[&str]| {
        tandem()
            .arg("admin")
            .args(words)
            .env("TANDEM_DATABASE_URL", &database)
            .output()
            .unwrap()
    };
    let admin = |words: &[&str]| {
        let out = run(words);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let said = admin(&["intake", "create", "2027 February", "tz:Australia/Sydney"]);
    assert!(said.contains("Created the intake 2027 February"), "{said}");
    let said = admin(&["pair", "@slack:U1", "@slack:U2"]);
    assert!(
        said.contains("Paired U1 (mentor) with U2 (mentee) in 2027 February"),
        "{said}"
    );
    let refused = run(&["pair", "@nobody", "@slack:U3"]);
    assert!(
        !refused.status.success(),
        "a refused command fails the shell command"
    );
    let said = String::from_utf8(refused.stdout).unwrap();
    assert!(
        said.contains("Nobody called @nobody is in the program yet"),
        "{said}"
    );
    let said = admin(&["pairs"]);
    assert!(said.contains("U1 → U2 (active, slack"), "{said}");

    // The bot's settings apply here too: the default zone, the reminder hours, the public URL.
    let out = tandem()
        .args(["admin", "intake", "create", "Wellington 2027"])
        .env("TANDEM_DATABASE_URL", &database)
        .env("TANDEM_TIMEZONE", "Pacific/Auckland")
        .output()
        .unwrap();
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(said.contains("Pacific/Auckland"), "TANDEM_TIMEZONE: {said}");
    let out = tandem()
        .args([
            "admin",
            "webinar",
            "add",
            "Mentoring well",
            "at:2030-03-04 19:00",
        ])
        .args(["intake:Wellington 2027"])
        .env("TANDEM_DATABASE_URL", &database)
        .env("TANDEM_WEBINAR_REMINDER_HOURS", "48")
        .env("TANDEM_PUBLIC_URL", "https://tandem.example.org")
        .output()
        .unwrap();
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        said.contains("https://tandem.example.org/calendar/webinars/1.ics"),
        "TANDEM_PUBLIC_URL: {said}"
    );
    assert!(
        said.contains("Reminders: 1 before it"),
        "TANDEM_WEBINAR_REMINDER_HOURS: {said}"
    );
}
