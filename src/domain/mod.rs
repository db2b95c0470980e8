//! The mentoring world as plain types and rules: intakes, participants, pairs.
//! No I/O here and no platform crates: everything in this module can be unit-tested in isolation.

pub mod calendar;
pub mod checkin;
pub mod intake;
pub mod pair;
pub mod participant;
pub mod roster;
pub mod schedule;
pub mod survey;
pub mod time;

pub use intake::{Intake, IntakeState, IntakeStatus};
pub use pair::{Pair, PairStatus, Role};
pub use participant::{Identity, Participant, Platform};
pub use time::Timestamp;

/// A new, time-ordered identifier for a row we create (ARCHITECTURE decision 4: ids come from the
/// application so one schema serves SQLite and PostgreSQL).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}
