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

/// A new identifier that says nothing about when it was made: 16 bytes from the operating
/// system's CSPRNG as 32 hex characters. For rows whose order must not be recoverable (anonymous
/// survey responses) and for ids whose first characters must differ (surveys' short ids).
pub fn random_id() -> String {
    hex(&random_bytes::<16>())
}

/// `N` bytes from the operating system's CSPRNG (`getrandom`).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // Without the OS's randomness nothing here can be made safely; no fallback on purpose.
    getrandom::fill(&mut bytes).expect("the operating system's random number generator failed");
    bytes
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
