//! `/metrics` lists every Tandem series from the first scrape: counters at 0, the build, and how
//! long ago the scheduler last completed a pass. Every series the code counts is declared and
//! documented.

use std::time::Duration;

use tandem::adapters::http::metrics::{BUILD_INFO, SCHEDULER_AGE, series_names};

use crate::support::{TestApp, TestDb};

/// The sample lines of one series (`name 0`, `name{…} 0`), without its `# TYPE`/`# HELP` lines.
fn samples<'a>(body: &'a str, name: &str) -> Vec<&'a str> {
    body.lines()
        .filter(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('{'))
        })
        .collect()
}

#[tokio::test]
async fn a_fresh_app_lists_every_series_on_the_first_scrape() {
    let t = TestApp::new(TestDb::sqlite().await).await;
    let (status, body) = t.get("/metrics").await;
    assert_eq!(status, 200);
    for name in series_names() {
        assert!(
            !samples(&body, name).is_empty(),
            "{name} missing from:\n{body}"
        );
        assert!(
            body.contains(&format!("# TYPE {name} ")),
            "{name} has no TYPE line"
        );
    }
    assert!(
        samples(&body, "tandem_invocations_total")
            .iter()
            .any(|l| l.starts_with("tandem_invocations_total{outcome=\"failed\"} ")),
        "each known label value has its own series"
    );
    let build = samples(&body, BUILD_INFO);
    assert_eq!(
        build,
        [format!(
            "{BUILD_INFO}{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        )
        .as_str()]
    );
}

#[tokio::test]
async fn the_scheduler_age_counts_from_the_last_completed_pass() {
    let t = TestApp::new(TestDb::sqlite().await).await;
    t.app.scheduler_pulse.started(t.app.now());
    t.clock.advance(Duration::from_secs(25));
    let (_, body) = t.get("/metrics").await;
    assert_eq!(
        samples(&body, SCHEDULER_AGE),
        [format!("{SCHEDULER_AGE} 25").as_str()]
    );
    assert!(t.app.scheduler_pass(1).await.is_some());
    t.clock.advance(Duration::from_secs(7));
    let (_, body) = t.get("/metrics").await;
    assert_eq!(
        samples(&body, SCHEDULER_AGE),
        [format!("{SCHEDULER_AGE} 7").as_str()]
    );
}

/// Every `counter!("tandem_…")` in the source is declared (so it starts at 0) and documented.
#[test]
fn every_counted_series_is_declared_and_documented() {
    let counted =
        regex::Regex::new(r#"(?:counter|gauge|histogram)!\(\s*"(tandem_[a-z_]+)""#).unwrap();
    let operations = std::fs::read_to_string("docs/operations.md").unwrap();
    let declared = series_names();
    let mut found = 0;
    for file in rust_files(std::path::Path::new("src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for name in counted.captures_iter(&text).map(|c| c[1].to_string()) {
            found += 1;
            assert!(
                declared.contains(&name.as_str()),
                "{name} ({}) is not declared",
                file.display()
            );
        }
    }
    assert!(found >= 8, "the pattern finds the counters");
    for name in declared {
        assert!(
            operations.contains(&format!("`{name}")),
            "{name} is not in docs/operations.md"
        );
    }
}

fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}
