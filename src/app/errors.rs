//! The two kinds of failure a handler has: a [`UserError`], which the person can fix and is told
//! about in a sentence, and everything else, which is logged with its cause chain and shown as a
//! short apology (STYLE: user errors vs internal errors).

use chrono::NaiveDate;

use crate::commands::ParseError;
use crate::domain::intake::IntakeRuleBroken;

#[derive(Debug, Clone, PartialEq)]
pub enum UserError {
    Parse(ParseError),
    NotCoordinator,
    /// The caller is not registered, so there is nothing of theirs to act on.
    NotAParticipant,
    UnknownIntake(String),
    NoActiveIntake,
    IntakeClosed(String),
    IntakeNameTaken(String),
    IntakeRule(IntakeRuleBroken),
    SelfPairing,
    AlreadyPaired {
        person: String,
        intake: String,
    },
    NotPaired {
        person: String,
        intake: String,
    },
    /// `@name` matches nobody, in a place where we cannot register a new person by name.
    UnknownPerson(String),
    /// A bare `@name` that names several people: each with their accounts, to name one instead.
    AmbiguousName {
        name: String,
        people: Vec<(String, Vec<String>)>,
    },
    /// The two people have no platform in common, so their pair has nowhere to live.
    NoSharedPlatform {
        mentor: String,
        mentee: String,
    },
    AlreadyCoordinator(String),
    NotACoordinator(String),
    LastCoordinator,
    PauseEndsInPast(NaiveDate),
    NotPaused,
    /// A button or form value that does not belong to the person who clicked it.
    NotYours,
    UnknownAction,
    /// `/checkin` from someone with no active pair.
    NotInAPair,
    /// A button on the prompt of a pair that has since ended.
    PairEnded,
    Survey(super::surveys::SurveyRefusal),
    /// No webinar has this number.
    UnknownWebinar(String),
    /// A session can't start before now.
    StartsInPast,
    /// The wall-clock time does not exist in the zone (the clocks skip it).
    NoSuchLocalTime {
        at: String,
        zone: String,
    },
    /// The webinar was cancelled, so it can't be moved or given a recording.
    WebinarCancelled(i64),
    UnknownMeetup(String),
    MeetupCancelled(i64),
    /// An RSVP from someone the meetup's invitation never went to.
    NotInvitedToMeetup {
        number: i64,
        city: String,
    },
    UnknownResource(String),
    /// `forget` of someone else by someone who is not a coordinator.
    ForgetOthers,
    /// `profile city:` longer than this many characters.
    CityTooLong(usize),
}

impl UserError {
    /// The form field the error is about, when it is about one answer.
    pub fn field(&self) -> Option<&str> {
        match self {
            UserError::Survey(super::surveys::SurveyRefusal::BadAnswer { question, .. }) => {
                Some(question)
            }
            _ => None,
        }
    }
}

impl From<ParseError> for UserError {
    fn from(err: ParseError) -> Self {
        UserError::Parse(err)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0:?}")]
    User(UserError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<UserError> for AppError {
    fn from(err: UserError) -> Self {
        AppError::User(err)
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::Internal(err.into())
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl From<ParseError> for AppError {
    fn from(err: ParseError) -> Self {
        AppError::User(UserError::Parse(err))
    }
}
