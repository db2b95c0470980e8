//! No log line ties a person to a survey write: every event during an answer, sqlx's statement
//! logs included (its slow-statement warnings come from the same place, in the same spans), is
//! captured with its spans and searched for the person.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

use sqlx::Row;
use tandem::app::Outcome;
use tandem::commands::Root;
use tracing::Instrument;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};
use crate::surveys::{intake, open};

on_both_backends!(answering_a_survey_logs_nobody);

/// Formatted events, while some test captures.
static CAPTURED: Mutex<Vec<u8>> = Mutex::new(Vec::new());
/// How many tests are capturing now.
static CAPTURING: AtomicUsize = AtomicUsize::new(0);

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURED.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One process-wide subscriber (sqlx's SQLite worker threads log too), recording every event at
/// every level with its span context, only while a test captures.
fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let layer = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(|| Capture)
            // Asked at every event, not once per call site, since capturing comes and goes.
            .with_filter(tracing_subscriber::filter::dynamic_filter_fn(|_, _| {
                CAPTURING.load(Ordering::SeqCst) > 0
            }));
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
    });
}

/// The captured lines from inside spans marked `probe`.
fn lines_of(probe: &str) -> Vec<String> {
    String::from_utf8_lossy(&CAPTURED.lock().unwrap())
        .lines()
        .filter(|l| l.contains(probe))
        .map(String::from)
        .collect()
}

async fn answering_a_survey_logs_nobody(db: TestDb) {
    install();
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "logx", 1).await;
    open(&t, "survey open mid-program anonymous").await;
    let person: String = sqlx::query("SELECT id FROM participants WHERE console_name = 'logxm0'")
        .fetch_one(t.app.store.pool())
        .await
        .unwrap()
        .get(0);
    let probe = format!("probe-{}", &tandem::domain::random_id()[..12]);
    CAPTURING.fetch_add(1, Ordering::SeqCst);
    let span = tracing::info_span!("test", probe = %probe);
    let said = async {
        let ok = t.type_as("logxm0", Root::Survey, "answer going 4").await;
        assert_eq!(ok.outcome, Outcome::Done);
        t.type_as("logxm0", Root::Survey, "").await;
        // A write that fails is logged with its error, and still names nobody.
        sqlx::query("DROP TABLE survey_answers")
            .execute(t.app.store.pool())
            .await
            .unwrap();
        t.type_as("logxm0", Root::Survey, "answer going 5").await
    }
    .instrument(span)
    .await;
    CAPTURING.fetch_sub(1, Ordering::SeqCst);
    assert_eq!(said.outcome, Outcome::Failed);
    let lines = lines_of(&probe);
    assert!(
        lines.iter().any(|l| l.contains("survey_answers")),
        "sqlx's statements are captured: {lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("command failed")),
        "the failure is captured: {lines:#?}"
    );
    for line in &lines {
        for who in ["logxm0", person.as_str()] {
            assert!(!line.contains(who), "a log line names {who}: {line}");
        }
    }
}
