//! What `tandem admin retention` prints: what went (or, with `--dry-run`, would go).

use super::count;
use crate::app::retention::Retention;
use crate::chat::{Message, Text};

pub fn retention_report(report: &Retention, dry_run: bool) -> Message {
    let verb = if dry_run { "Would delete" } else { "Deleted" };
    if report.intakes.is_empty() {
        return Message::new().line(format!(
            "Nothing is older than the retention period ({}).",
            count(report.months as usize, "month", "months")
        ));
    }
    let mut message = Message::new().line(format!(
        "{verb}, from intakes that ended more than {} ago:",
        count(report.months as usize, "month", "months")
    ));
    for expired in &report.intakes {
        message = message.line(Text::new().plain("• ").user(expired.intake.clone()).plain(
            format!(
                " (ended {}): {}, {} of {} (their figures are kept)",
                expired.ended.to_utc().format("%Y-%m-%d"),
                count(expired.notes as usize, "check-in note", "check-in notes"),
                count(expired.answers as usize, "survey answer", "survey answers"),
                count(expired.surveys, "survey", "surveys"),
            ),
        ));
    }
    message
}
