//! The one declarative command table (ARCHITECTURE decision 1) and what it drives: the text parser
//! for Slack and the console, argument binding for Discord's typed options, `help` and
//! `docs/commands.md`. Handlers only ever see a typed [`Command`].

pub mod args;
pub mod docs;
pub mod parse;
#[cfg(test)]
pub(crate) mod samples;
pub mod table;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use crate::domain::Platform;
use crate::domain::checkin::Answer;
pub use parse::{ParseError, Parsed, RawArgs, RawValue, bind, parse_text};
pub use table::table;

/// The slash commands Tandem registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Root {
    Mentoring,
    Checkin,
    Survey,
    /// `/webinars`: the calendar for anyone.
    Webinars,
    /// `/resources`: the program's resources for anyone.
    Resources,
}

impl Root {
    pub const ALL: [Root; 5] = [
        Root::Mentoring,
        Root::Checkin,
        Root::Survey,
        Root::Webinars,
        Root::Resources,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Root::Mentoring => "mentoring",
            Root::Checkin => "checkin",
            Root::Survey => "survey",
            Root::Webinars => "webinars",
            Root::Resources => "resources",
        }
    }

    pub fn parse(text: &str) -> Option<Root> {
        let text = text.trim_start_matches('/');
        Root::ALL.into_iter().find(|r| r.name() == text)
    }
}

/// Who may run a command; coordinator commands are re-checked by the app on every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Anyone,
    Coordinator,
}

/// What an argument holds. People are USER options on Discord; everything else is a string that
/// Tandem validates itself, the same way on every platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    Text,
    User,
    Date,
    Zone,
    Channel,
    /// A cron expression (or `off`); positional, it takes every word up to the options, so
    /// `/mentoring checkins 0 10 1-7 * MON` needs no quotes.
    Cron,
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
    /// Free words; positional, it takes every word up to the options like [`ArgKind::Cron`], so
    /// `/survey answer change More evening webinars` needs no quotes.
    Words,
    /// A wall-clock time, `YYYY-MM-DD HH:MM`, read in the command's zone by the handler.
    LocalTime,
    /// An http(s) link.
    Link,
}

/// Positional (`/mentoring pair @a @b`) or keyed (`intake:"2027 February"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Positional,
    Keyed,
}

#[derive(Debug, PartialEq)]
pub struct ArgSpec {
    /// The option name on Discord and the key in `key:value`; positional names per ARCHITECTURE.
    pub name: &'static str,
    pub kind: ArgKind,
    pub place: Place,
    pub required: bool,
    /// How the value is written in usage lines: `@MENTOR`, `NAME`, `YYYY-MM-DD`.
    pub placeholder: &'static str,
    pub help: &'static str,
    /// What Discord's command picker shows instead of `help`, where `help` is too long for
    /// Discord's 4000 characters a command (docs/architecture.md, "Room for commands").
    pub picker: Option<&'static str>,
}

impl ArgSpec {
    /// This argument with `text` as its description on Discord.
    pub const fn picker(self, text: &'static str) -> ArgSpec {
        ArgSpec {
            picker: Some(text),
            ..self
        }
    }
}

pub struct CommandSpec {
    pub root: Root,
    /// The words before the arguments: `["intake", "create"]`, `["pair"]`. On Discord the first of
    /// two words is the subcommand group.
    pub words: &'static [&'static str],
    pub args: &'static [ArgSpec],
    pub access: Access,
    pub summary: &'static str,
    /// What Discord's command picker shows instead of `summary`, where `summary` is too long for
    /// Discord's 4000 characters a command (docs/architecture.md, "Room for commands").
    pub picker: Option<&'static str>,
    /// Builds the typed command from arguments already checked against `args`.
    pub build: fn(&mut args::Args) -> Command,
}

impl std::fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.usage())
    }
}

/// A spec is one entry of the static table: the same entry is the same command.
impl PartialEq for CommandSpec {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl CommandSpec {
    /// `/mentoring pair @MENTOR @MENTEE [intake:NAME]`
    pub fn usage(&self) -> String {
        let mut out = format!("/{}", self.root.name());
        for word in self.words {
            out.push(' ');
            out.push_str(word);
        }
        for arg in self.args {
            let shown = match arg.place {
                Place::Positional => arg.placeholder.to_string(),
                Place::Keyed => format!("{}:{}", arg.name, arg.placeholder),
            };
            out.push(' ');
            if arg.required {
                out.push_str(&shown);
            } else {
                out.push_str(&format!("[{shown}]"));
            }
        }
        out
    }

    pub fn arg(&self, name: &str) -> Option<&'static ArgSpec> {
        self.args.iter().find(|a| a.name == name)
    }
}

/// A person named in a command: a platform mention (`<@U123>`, a Discord USER option,
/// `@slack:U123`) or a name (`@aroha` in the terminal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mention {
    Id {
        platform: Platform,
        id: String,
        label: Option<String>,
    },
    Name(String),
}

/// A channel named in a command: `<#C123|general>` on Slack and Discord, `#general` in the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelMention {
    pub id: String,
    pub label: Option<String>,
}

/// A parsed command with typed arguments: what handlers receive.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Help,
    IntakeCreate {
        name: String,
        zone: Option<Tz>,
        starts: Option<NaiveDate>,
        ends: Option<NaiveDate>,
        channel: Option<ChannelMention>,
    },
    IntakeList,
    IntakeChannel {
        channel: ChannelMention,
        intake: Option<String>,
    },
    IntakeClose {
        name: String,
    },
    Pair {
        mentor: Mention,
        mentee: Mention,
        intake: Option<String>,
    },
    Unpair {
        user: Mention,
        intake: Option<String>,
    },
    Pairs {
        intake: Option<String>,
    },
    CoordinatorAdd {
        user: Mention,
    },
    CoordinatorRemove {
        user: Mention,
    },
    Pause {
        until: Option<NaiveDate>,
    },
    Resume,
    /// `cron` is `None` for `checkins off`.
    Checkins {
        cron: Option<String>,
        intake: Option<String>,
        zone: Option<Tz>,
    },
    Schedules,
    Status {
        intake: Option<String>,
    },
    Checkin {
        answer: Answer,
        note: Option<String>,
    },
    SurveyOpen {
        template: String,
        intake: Option<String>,
        closes: Option<NaiveDate>,
        anonymous: bool,
    },
    SurveyClose {
        id: String,
    },
    SurveyRemind {
        id: String,
    },
    SurveyResults {
        id: Option<String>,
    },
    /// `format` is `csv` or `json`.
    SurveyExport {
        id: String,
        format: String,
    },
    /// `/survey`: the caller's open survey as a form.
    SurveyForm,
    SurveyAnswer {
        question: String,
        value: String,
    },
    WebinarAdd(WebinarDraft),
    /// `cron` is already checked; sessions are made for the months ahead.
    WebinarSeries {
        title: String,
        cron: String,
        zone: Option<Tz>,
        url: Option<String>,
        intake: Option<String>,
    },
    WebinarTopic {
        id: String,
        topic: String,
        speakers: Option<String>,
    },
    WebinarList,
    WebinarCancel {
        id: String,
    },
    WebinarMove {
        id: String,
        at: NaiveDateTime,
        zone: Option<Tz>,
    },
    WebinarRecording {
        id: String,
        url: String,
    },
    /// `/mentoring webinars`: the calendar as anyone sees it.
    Webinars,
    MeetupAdd(MeetupDraft),
    MeetupList,
    ResourceAdd {
        name: String,
        url: String,
        description: Option<String>,
    },
    ResourceRemove {
        name: String,
    },
    Resources,
    /// How the caller gets announcements: `dm` always, or `channel` (the intake's, when it has one).
    AnnouncementsBy {
        dm: bool,
    },
    Announce {
        text: String,
        intake: Option<String>,
        /// everyone, mentors or mentees
        to: String,
        at: Option<NaiveDateTime>,
    },
    MeetupCancel {
        id: String,
    },
    MeetupMove {
        id: String,
        at: NaiveDateTime,
        zone: Option<Tz>,
    },
    /// `/mentoring mydata`: what Tandem stores about the caller.
    MyData,
    /// `/mentoring audit`: the newest entries of the audit log (coordinators).
    Audit,
    /// `/mentoring forget @USER`: asks to confirm erasing a person (oneself, or anyone for
    /// coordinators).
    Forget {
        user: Mention,
    },
    /// `/mentoring profile`: shows, or changes, a person's city (for meetups) and zone; someone
    /// else's only for coordinators.
    Profile {
        user: Option<Mention>,
        city: Option<String>,
        zone: Option<Tz>,
    },
}

/// A meetup as `meetup TITLE …` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetupDraft {
    pub title: String,
    pub city: String,
    pub at: NaiveDateTime,
    pub venue: String,
    pub zone: Option<Tz>,
    pub intake: Option<String>,
}

/// A webinar as `webinar add` describes it, before the app checks it against the clock.
#[derive(Debug, Clone, PartialEq)]
pub struct WebinarDraft {
    pub title: String,
    pub at: NaiveDateTime,
    pub zone: Option<Tz>,
    pub url: Option<String>,
    pub speakers: Option<String>,
    /// An intake's name, `all`, or the newest active intake when left out.
    pub intake: Option<String>,
}
