//! Keeping the scheduler going: one bad job, one panicking send or one failed pass never stops
//! the rest. Errors are sorted into those worth another try and those that will recur (the job
//! is marked failed), panics are caught where they happen, and [`SchedulerPulse`] remembers when
//! a pass last completed so `/healthz` can say when the scheduler has stalled.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use futures_util::FutureExt;

use crate::chat::ChatError;
use crate::domain::Timestamp;

/// How often `tandem run` starts a scheduler pass: well inside a minute, the finest cron step.
pub const PASS_EVERY: Duration = Duration::from_secs(10);

/// Passes that may go by without one completing before the scheduler counts as stalled.
pub const STALLED_AFTER_PASSES: u32 = 3;

/// Something a job needs can never be used again (a stored template that no longer reads, a
/// target that is gone): trying again will not help, so the job or delivery fails for good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unworkable(pub String);

impl Unworkable {
    pub fn error(reason: impl Into<String>) -> anyhow::Error {
        Unworkable(reason.into()).into()
    }
}

/// Whether an error will recur however often the work is tried: our own [`Unworkable`], a
/// platform's permanent refusal, a stored row that cannot be read. Anything else (the database
/// unreachable, a timeout) is worth another try.
pub fn is_permanent(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.is::<Unworkable>()
            || cause
                .downcast_ref::<ChatError>()
                .is_some_and(ChatError::is_permanent)
            || cause.downcast_ref::<sqlx::Error>().is_some_and(|e| {
                matches!(
                    e,
                    sqlx::Error::Decode(_)
                        | sqlx::Error::ColumnDecode { .. }
                        | sqlx::Error::ColumnNotFound(_)
                        | sqlx::Error::TypeNotFound { .. }
                )
            })
    })
}

/// Runs `work`, turning a panic inside it into an [`Unworkable`] error naming the panic.
pub async fn guarded<T>(work: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    match AssertUnwindSafe(work).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => Err(Unworkable::error(format!(
            "internal error (panic: {})",
            panic_message(&*panic)
        ))),
    }
}

/// The text a panic was raised with, when it has one.
pub fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}

/// When the scheduler loop started and when a pass last completed, as UTC milliseconds (0:
/// never). Shared by the loop, `/healthz` and whatever reports it as a metric.
#[derive(Debug, Default)]
pub struct SchedulerPulse {
    started_at: AtomicI64,
    last_completed_at: AtomicI64,
}

impl SchedulerPulse {
    /// The loop has started: from now on `/healthz` expects passes to complete.
    pub fn started(&self, at: Timestamp) {
        self.started_at.store(at.0, Ordering::SeqCst);
    }

    pub fn completed(&self, at: Timestamp) {
        self.last_completed_at.fetch_max(at.0, Ordering::SeqCst);
    }

    /// When the last pass completed, if one has.
    pub fn last_completed(&self) -> Option<Timestamp> {
        Some(self.last_completed_at.load(Ordering::SeqCst))
            .filter(|at| *at != 0)
            .map(Timestamp)
    }

    /// How long the scheduler has gone without completing a pass at `now`: since the last one,
    /// or since the loop started when none has. `None` when no loop runs in this process.
    pub fn quiet_for(&self, now: Timestamp) -> Option<Duration> {
        let started = self.started_at.load(Ordering::SeqCst);
        if started == 0 {
            return None;
        }
        let since = self
            .last_completed()
            .map_or(started, |at| at.0.max(started));
        Some(Duration::from_millis(
            now.0.saturating_sub(since).max(0) as u64
        ))
    }

    /// Why the scheduler counts as stalled at `now`: no pass has completed for
    /// [`STALLED_AFTER_PASSES`] intervals since the loop started. `None` when it is healthy, or
    /// when no loop runs in this process (the demo, `tandem admin`).
    pub fn stalled(&self, now: Timestamp) -> Option<String> {
        let quiet = self.quiet_for(now)?.as_millis() as i64;
        let limit = (PASS_EVERY * STALLED_AFTER_PASSES).as_millis() as i64;
        (quiet > limit).then(|| match self.last_completed() {
            Some(_) => format!(
                "scheduler stalled: no pass completed for {} s",
                quiet / 1000
            ),
            None => format!(
                "scheduler stalled: no pass completed since start {} s ago",
                quiet / 1000
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stalled_after_three_intervals_without_a_completed_pass() {
        let pulse = SchedulerPulse::default();
        assert_eq!(
            pulse.stalled(Timestamp(1_000_000)),
            None,
            "no loop, no opinion"
        );
        pulse.started(Timestamp(1_000_000));
        assert_eq!(pulse.stalled(Timestamp(1_030_000)), None);
        assert!(pulse.stalled(Timestamp(1_030_001)).is_some());
        pulse.completed(Timestamp(1_025_000));
        assert_eq!(pulse.stalled(Timestamp(1_050_000)), None);
        let said = pulse.stalled(Timestamp(1_060_000)).unwrap();
        assert_eq!(said, "scheduler stalled: no pass completed for 35 s");
    }

    #[tokio::test]
    async fn a_panic_becomes_a_permanent_error() {
        async fn boom() -> anyhow::Result<()> {
            panic!("boom")
        }
        let err = guarded(boom()).await.unwrap_err();
        assert!(is_permanent(&err));
        assert_eq!(err.to_string(), "internal error (panic: boom)");
        let transient = anyhow::Error::from(sqlx::Error::PoolTimedOut);
        assert!(!is_permanent(&transient));
        assert!(is_permanent(
            &ChatError::permanent("channel_not_found").into()
        ));
    }
}
