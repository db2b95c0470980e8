//! Every `/metrics` series Tandem has, declared once so the first scrape lists them all: counters
//! start at 0 for each label value known in advance, plus the build and the scheduler's pulse.
//! It names the series; the code that counts them stays where the counting happens.

use crate::app::App;
use crate::store::jobs::KINDS;

/// A counter and the label values it starts with at 0.
struct Counter {
    name: &'static str,
    help: &'static str,
    /// `(label, values)` pairs; every combination starts at 0.
    labels: &'static [(&'static str, Values)],
}

/// The values a label starts with.
enum Values {
    Fixed(&'static [&'static str]),
    /// Every `JobKind`.
    JobKinds,
}

impl Values {
    fn list(&self) -> Vec<&'static str> {
        match self {
            Values::Fixed(values) => values.to_vec(),
            Values::JobKinds => KINDS.iter().map(|k| k.as_str()).collect(),
        }
    }
}

const COUNTERS: &[Counter] = &[
    Counter {
        name: "tandem_invocations_total",
        help: "Commands and button presses handled, by outcome.",
        labels: &[("outcome", Values::Fixed(&["done", "refused", "failed"]))],
    },
    Counter {
        name: "tandem_deliveries_total",
        help: "Scheduled sends settled by this process, by outcome.",
        labels: &[("outcome", Values::Fixed(&["sent", "failed", "other"]))],
    },
    Counter {
        name: "tandem_scheduler_jobs_failed_total",
        help: "Jobs this process marked failed for good, by kind.",
        labels: &[("kind", Values::JobKinds)],
    },
    Counter {
        name: "tandem_scheduler_passes_total",
        help: "Scheduler passes, by outcome.",
        labels: &[(
            "outcome",
            Values::Fixed(&["completed", "failed", "panicked"]),
        )],
    },
    Counter {
        name: "tandem_slack_calls_total",
        help: "Slack Web API calls, by method and result.",
        labels: &[
            ("method", Values::Fixed(&["chat.postMessage"])),
            ("result", Values::Fixed(&["ok", "transient", "permanent"])),
        ],
    },
    Counter {
        name: "tandem_slack_unverified_resends_total",
        help: "Slack posts sent again without looking for the earlier attempt first.",
        labels: &[],
    },
    Counter {
        name: "tandem_slack_refused_total",
        help: "Slack HTTP requests refused (bad or stale signature).",
        labels: &[],
    },
    Counter {
        name: "tandem_slack_reconnects_total",
        help: "Socket Mode connections ended.",
        labels: &[],
    },
    Counter {
        name: "tandem_discord_rejected_total",
        help: "Discord HTTP interactions refused (bad or stale signature).",
        labels: &[],
    },
];

pub const BUILD_INFO: &str = "tandem_build_info";
pub const SCHEDULER_AGE: &str = "tandem_scheduler_last_pass_age_seconds";

/// The names of every series, for tests and the docs check.
pub fn series_names() -> Vec<&'static str> {
    let mut names: Vec<_> = COUNTERS.iter().map(|c| c.name).collect();
    names.extend([BUILD_INFO, SCHEDULER_AGE]);
    names
}

/// Describes every series and creates each counter at 0 in the installed recorder. Adding 0
/// leaves a count already there untouched, so calling it again is harmless.
pub fn register() {
    for counter in COUNTERS {
        metrics::describe_counter!(counter.name, counter.help);
        let labels: Vec<_> = counter
            .labels
            .iter()
            .map(|(label, values)| (*label, values.list()))
            .collect();
        for set in combinations(&labels) {
            metrics::counter!(counter.name, set).increment(0);
        }
    }
    metrics::describe_gauge!(
        BUILD_INFO,
        "The running build: 1, labelled with its version."
    );
    metrics::gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    metrics::describe_gauge!(
        SCHEDULER_AGE,
        "Seconds since the scheduler last completed a pass (since start when none has)."
    );
    metrics::gauge!(SCHEDULER_AGE).increment(0.0);
}

/// Brings the gauges read at scrape time up to date.
pub fn observe(app: &App) {
    if let Some(quiet) = app.scheduler_pulse.quiet_for(app.now()) {
        metrics::gauge!(SCHEDULER_AGE).set(quiet.as_secs_f64());
    }
}

/// Every combination of one value per label.
fn combinations(labels: &[(&'static str, Vec<&'static str>)]) -> Vec<Vec<metrics::Label>> {
    labels
        .iter()
        .fold(vec![Vec::new()], |sets, (label, values)| {
            sets.iter()
                .flat_map(|set| {
                    values.iter().map(move |value| {
                        let mut next = set.clone();
                        next.push(metrics::Label::new(*label, *value));
                        next
                    })
                })
                .collect()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_combination_of_label_values() {
        let sets = combinations(&[("a", vec!["1", "2"]), ("b", vec!["x", "y", "z"])]);
        assert_eq!(sets.len(), 6);
        assert!(
            combinations(&[]).len() == 1,
            "a counter without labels is one series"
        );
    }
}
