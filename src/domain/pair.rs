//! A pair: one mentor and one mentee in one intake, living on one platform, with a private space.

use super::participant::Platform;
use super::time::Timestamp;

/// What a participant is in one intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Mentor,
    Mentee,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Mentor => "mentor",
            Role::Mentee => "mentee",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "mentor" => Some(Role::Mentor),
            "mentee" => Some(Role::Mentee),
            _ => None,
        }
    }
}

/// Ended is stored; paused is derived (both members have paused their prompts), so it can never
/// disagree with the members' own pauses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairStatus {
    Active,
    Paused,
    Ended,
}

impl PairStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PairStatus::Active => "active",
            PairStatus::Paused => "paused",
            PairStatus::Ended => "ended",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub id: String,
    pub intake_id: String,
    pub mentor_id: String,
    pub mentee_id: String,
    pub platform: Platform,
    /// The pair's private channel (or thread) on its platform, once it exists.
    pub space_id: Option<String>,
    pub created_at: Timestamp,
    pub ended_at: Option<Timestamp>,
}

impl Pair {
    pub fn status(&self, mentor_paused: bool, mentee_paused: bool) -> PairStatus {
        if self.ended_at.is_some() {
            PairStatus::Ended
        } else if mentor_paused && mentee_paused {
            PairStatus::Paused
        } else {
            PairStatus::Active
        }
    }

    pub fn member_ids(&self) -> [&str; 2] {
        [&self.mentor_id, &self.mentee_id]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_ended_then_paused_then_active() {
        let mut pair = Pair {
            id: "p".into(),
            intake_id: "i".into(),
            mentor_id: "a".into(),
            mentee_id: "b".into(),
            platform: Platform::Console,
            space_id: None,
            created_at: Timestamp(0),
            ended_at: None,
        };
        assert_eq!(pair.status(true, false), PairStatus::Active);
        assert_eq!(pair.status(true, true), PairStatus::Paused);
        pair.ended_at = Some(Timestamp(1));
        assert_eq!(pair.status(false, false), PairStatus::Ended);
    }

    #[test]
    fn roles_round_trip() {
        for role in [Role::Mentor, Role::Mentee] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }
}
