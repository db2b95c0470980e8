//! The table itself: every command, declared once.

use super::parse::Args;
use super::{Access, ArgKind, ArgSpec, Command, CommandSpec, Place, Root};
use crate::domain::checkin::Answer;

const fn positional(
    name: &'static str,
    kind: ArgKind,
    placeholder: &'static str,
    help: &'static str,
) -> ArgSpec {
    ArgSpec {
        name,
        kind,
        place: Place::Positional,
        required: true,
        placeholder,
        help,
    }
}

const fn keyed(
    name: &'static str,
    kind: ArgKind,
    placeholder: &'static str,
    help: &'static str,
) -> ArgSpec {
    ArgSpec {
        name,
        kind,
        place: Place::Keyed,
        required: false,
        placeholder,
        help,
    }
}

const INTAKE: ArgSpec = keyed(
    "intake",
    ArgKind::Text,
    "NAME",
    "The intake; the newest active one when left out.",
);

/// An optional positional argument (`[anonymous]`, `[csv|json]`).
const fn optional(
    name: &'static str,
    kind: ArgKind,
    placeholder: &'static str,
    help: &'static str,
) -> ArgSpec {
    ArgSpec {
        required: false,
        ..positional(name, kind, placeholder, help)
    }
}

const SURVEY_ID: ArgSpec = positional(
    "id",
    ArgKind::Text,
    "ID",
    "The survey's id (its first characters will do).",
);

const INTAKE_OR_ALL: ArgSpec = keyed(
    "intake",
    ArgKind::Text,
    "NAME|all",
    "The intake it is for, or all; the newest active one when left out.",
);

const AT: ArgSpec = ArgSpec {
    name: "at",
    kind: ArgKind::LocalTime,
    place: Place::Keyed,
    required: true,
    placeholder: "\"YYYY-MM-DD HH:MM\"",
    help: "When it starts, in the zone given by tz: (else the intake's).",
};

const WEBINAR_TZ: ArgSpec = keyed(
    "tz",
    ArgKind::Zone,
    "ZONE",
    "The zone of at:, e.g. Australia/Sydney; the intake's when left out.",
);

const WEBINAR_ID: ArgSpec = positional(
    "id",
    ArgKind::Text,
    "ID",
    "The webinar's number, as `webinar list` shows it.",
);

const MEETUP_ID: ArgSpec = positional(
    "id",
    ArgKind::Text,
    "ID",
    "The meetup's number, as `meetup list` shows it.",
);

pub static TABLE: &[CommandSpec] = &[
    CommandSpec {
        root: Root::Mentoring,
        words: &["help"],
        args: &[],
        access: Access::Anyone,
        summary: "List the commands you may run.",
        build: |_| Command::Help,
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["intake", "create"],
        args: &[
            positional(
                "name",
                ArgKind::Text,
                "NAME",
                "The intake's name, quoted if it has spaces: \"2027 February\".",
            ),
            keyed(
                "tz",
                ArgKind::Zone,
                "ZONE",
                "IANA time zone for its schedules, e.g. Australia/Sydney.",
            ),
            keyed(
                "starts",
                ArgKind::Date,
                "YYYY-MM-DD",
                "First day of the program.",
            ),
            keyed(
                "ends",
                ArgKind::Date,
                "YYYY-MM-DD",
                "Last day of the program; the intake closes after it.",
            ),
            keyed(
                "channel",
                ArgKind::Channel,
                "#CHANNEL",
                "Announcement channel; without one, announcements go by DM.",
            ),
        ],
        access: Access::Coordinator,
        summary: "Start a new intake (cohort).",
        build: |a: &mut Args| Command::IntakeCreate {
            name: a.text("name"),
            zone: a.zone("tz"),
            starts: a.date("starts"),
            ends: a.date("ends"),
            channel: a.channel("channel"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["intake", "list"],
        args: &[],
        access: Access::Coordinator,
        summary: "List intakes with their zones, dates and pair counts.",
        build: |_| Command::IntakeList,
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["intake", "channel"],
        args: &[
            positional(
                "channel",
                ArgKind::Channel,
                "#CHANNEL",
                "The announcement channel.",
            ),
            INTAKE,
        ],
        access: Access::Coordinator,
        summary: "Set where an intake's announcements go.",
        build: |a: &mut Args| Command::IntakeChannel {
            channel: a
                .channel("channel")
                .unwrap_or_else(|| super::ChannelMention {
                    id: String::new(),
                    label: None,
                }),
            intake: a.opt_text("intake"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["intake", "close"],
        args: &[positional(
            "name",
            ArgKind::Text,
            "NAME",
            "The intake to close.",
        )],
        access: Access::Coordinator,
        summary: "Close an intake before its end date (its history stays).",
        build: |a: &mut Args| Command::IntakeClose {
            name: a.text("name"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["pair"],
        args: &[
            positional("mentor", ArgKind::User, "@MENTOR", "The mentor."),
            positional("mentee", ArgKind::User, "@MENTEE", "The mentee."),
            INTAKE,
        ],
        access: Access::Coordinator,
        summary: "Pair a mentor with a mentee and open their private space.",
        build: |a: &mut Args| Command::Pair {
            mentor: a.user("mentor"),
            mentee: a.user("mentee"),
            intake: a.opt_text("intake"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["unpair"],
        args: &[
            positional("user", ArgKind::User, "@USER", "Either member of the pair."),
            INTAKE,
        ],
        access: Access::Coordinator,
        summary: "End a person's pair (its history is kept).",
        build: |a: &mut Args| Command::Unpair {
            user: a.user("user"),
            intake: a.opt_text("intake"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["pairs"],
        args: &[INTAKE],
        access: Access::Coordinator,
        summary: "List an intake's pairs and their status.",
        build: |a: &mut Args| Command::Pairs {
            intake: a.opt_text("intake"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["coordinator", "add"],
        args: &[positional(
            "user",
            ArgKind::User,
            "@USER",
            "The new coordinator.",
        )],
        access: Access::Coordinator,
        summary: "Make someone a coordinator.",
        build: |a: &mut Args| Command::CoordinatorAdd {
            user: a.user("user"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["coordinator", "remove"],
        args: &[positional(
            "user",
            ArgKind::User,
            "@USER",
            "The coordinator to remove.",
        )],
        access: Access::Coordinator,
        summary: "Stop someone being a coordinator.",
        build: |a: &mut Args| Command::CoordinatorRemove {
            user: a.user("user"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["pause"],
        args: &[keyed(
            "until",
            ArgKind::Date,
            "YYYY-MM-DD",
            "Last day of the pause; open-ended when left out.",
        )],
        access: Access::Anyone,
        summary: "Pause your own prompts and reminders.",
        build: |a: &mut Args| Command::Pause {
            until: a.date("until"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["resume"],
        args: &[],
        access: Access::Anyone,
        summary: "Resume your prompts and reminders.",
        build: |_| Command::Resume,
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["checkins"],
        args: &[
            positional(
                "cron",
                ArgKind::Cron,
                "CRON|off",
                "When to post check-ins, as cron: 0 10 1-7 * MON is the first Monday at 10:00.",
            ),
            INTAKE,
            keyed(
                "tz",
                ArgKind::Zone,
                "ZONE",
                "The schedule's IANA time zone; the intake's when left out.",
            ),
        ],
        access: Access::Coordinator,
        summary: "Set when each pair gets the monthly check-in, or turn it off.",
        build: |a: &mut Args| {
            let cron = a.text("cron");
            Command::Checkins {
                cron: (cron != "off").then_some(cron),
                intake: a.opt_text("intake"),
                zone: a.zone("tz"),
            }
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["schedules"],
        args: &[],
        access: Access::Coordinator,
        summary: "List every schedule with its next run.",
        build: |_| Command::Schedules,
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["status"],
        args: &[INTAKE],
        access: Access::Coordinator,
        summary: "Each pair's last check-in, quiet pairs first, and prompts that failed.",
        build: |a: &mut Args| Command::Status {
            intake: a.opt_text("intake"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["webinar", "add"],
        args: &[
            positional(
                "title",
                ArgKind::Text,
                "TITLE",
                "The session's title, quoted.",
            ),
            AT,
            WEBINAR_TZ,
            keyed(
                "url",
                ArgKind::Link,
                "JOIN_URL",
                "Where people join: an https:// link.",
            ),
            keyed(
                "speakers",
                ArgKind::Text,
                "\"…\"",
                "Who is speaking, quoted.",
            ),
            INTAKE_OR_ALL,
        ],
        access: Access::Coordinator,
        summary: "Add a webinar; participants get reminders before it and a post when it starts.",
        build: |a: &mut Args| {
            Command::WebinarAdd(super::WebinarDraft {
                title: a.text("title"),
                at: a.local_time("at").unwrap_or_default(),
                zone: a.zone("tz"),
                url: a.opt_text("url"),
                speakers: a.opt_text("speakers"),
                intake: a.opt_text("intake"),
            })
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["webinar", "series"],
        args: &[
            positional(
                "title",
                ArgKind::Text,
                "TITLE",
                "The series' title, quoted.",
            ),
            ArgSpec {
                required: true,
                ..keyed(
                    "cron",
                    ArgKind::Cron,
                    "\"CRON\"",
                    "When sessions start: \"0 19 1-7 * WED\" is the first Wednesday at 19:00.",
                )
            },
            WEBINAR_TZ,
            keyed(
                "url",
                ArgKind::Link,
                "JOIN_URL",
                "Where people join: an https:// link.",
            ),
            INTAKE_OR_ALL,
        ],
        access: Access::Coordinator,
        summary: "Add a monthly webinar series: a numbered session for each of the coming months.",
        build: |a: &mut Args| Command::WebinarSeries {
            title: a.text("title"),
            cron: a.text("cron"),
            zone: a.zone("tz"),
            url: a.opt_text("url"),
            intake: a.opt_text("intake"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["webinar", "topic"],
        args: &[
            WEBINAR_ID,
            positional(
                "topic",
                ArgKind::Text,
                "\"TOPIC\"",
                "This session's topic, quoted.",
            ),
            keyed(
                "speakers",
                ArgKind::Text,
                "\"…\"",
                "Who is speaking, quoted.",
            ),
        ],
        access: Access::Coordinator,
        summary: "Give one session of a series its topic and speakers.",
        build: |a: &mut Args| Command::WebinarTopic {
            id: a.text("id"),
            topic: a.text("topic"),
            speakers: a.opt_text("speakers"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["webinar", "list"],
        args: &[],
        access: Access::Coordinator,
        summary: "List webinars with their numbers, times and recordings.",
        build: |_| Command::WebinarList,
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["webinar", "cancel"],
        args: &[WEBINAR_ID],
        access: Access::Coordinator,
        summary: "Cancel a webinar: reminders not yet sent are withdrawn, those reminded are told.",
        build: |a: &mut Args| Command::WebinarCancel { id: a.text("id") },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["webinar", "move"],
        args: &[
            WEBINAR_ID,
            ArgSpec {
                required: true,
                ..AT
            },
            keyed(
                "tz",
                ArgKind::Zone,
                "ZONE",
                "The zone of the new time; the webinar's own when left out.",
            ),
        ],
        access: Access::Coordinator,
        summary: "Move a webinar: reminders follow it, and those already reminded are told.",
        build: |a: &mut Args| Command::WebinarMove {
            id: a.text("id"),
            at: a.local_time("at").unwrap_or_default(),
            zone: a.zone("tz"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["webinar", "recording"],
        args: &[
            WEBINAR_ID,
            positional(
                "url",
                ArgKind::Link,
                "URL",
                "The recording's https:// link.",
            ),
        ],
        access: Access::Coordinator,
        summary: "Share a webinar's recording with everyone who was invited.",
        build: |a: &mut Args| Command::WebinarRecording {
            id: a.text("id"),
            url: a.text("url"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["webinars"],
        args: &[],
        access: Access::Anyone,
        summary: "Upcoming webinars in your time, and recordings of past ones.",
        build: |_| Command::Webinars,
    },
    CommandSpec {
        root: Root::Webinars,
        words: &[],
        args: &[],
        access: Access::Anyone,
        summary: "Upcoming webinars in your time, and recordings of past ones.",
        build: |_| Command::Webinars,
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["meetup"],
        args: &[
            positional(
                "title",
                ArgKind::Text,
                "TITLE",
                "The meetup's title, quoted.",
            ),
            ArgSpec {
                required: true,
                ..keyed(
                    "city",
                    ArgKind::Text,
                    "CITY",
                    "The city or region: participants there are invited.",
                )
            },
            AT,
            ArgSpec {
                required: true,
                ..keyed("venue", ArgKind::Text, "\"…\"", "Where exactly, quoted.")
            },
            WEBINAR_TZ,
            INTAKE_OR_ALL,
        ],
        access: Access::Coordinator,
        summary: "Announce a meetup to participants in a city, with RSVP buttons.",
        build: |a: &mut Args| {
            Command::MeetupAdd(super::MeetupDraft {
                title: a.text("title"),
                city: a.text("city"),
                at: a.local_time("at").unwrap_or_default(),
                venue: a.text("venue"),
                zone: a.zone("tz"),
                intake: a.opt_text("intake"),
            })
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["meetup", "list"],
        args: &[],
        access: Access::Coordinator,
        summary: "List meetups with their RSVP counts.",
        build: |_| Command::MeetupList,
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["meetup", "cancel"],
        args: &[MEETUP_ID],
        access: Access::Coordinator,
        summary: "Cancel a meetup and tell those invited.",
        build: |a: &mut Args| Command::MeetupCancel { id: a.text("id") },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["meetup", "move"],
        args: &[
            MEETUP_ID,
            ArgSpec {
                required: true,
                ..AT
            },
            keyed(
                "tz",
                ArgKind::Zone,
                "ZONE",
                "The zone of the new time; the meetup's own when left out.",
            ),
        ],
        access: Access::Coordinator,
        summary: "Move a meetup: its reminder follows, and those invited are told.",
        build: |a: &mut Args| Command::MeetupMove {
            id: a.text("id"),
            at: a.local_time("at").unwrap_or_default(),
            zone: a.zone("tz"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["announce"],
        args: &[
            positional(
                "text",
                ArgKind::Text,
                "\"TEXT\"",
                "What to announce, quoted.",
            ),
            INTAKE_OR_ALL,
            keyed(
                "to",
                ArgKind::Choice(&["mentors", "mentees", "everyone"]),
                "mentors|mentees|everyone",
                "Who it is for; everyone when left out.",
            ),
            keyed(
                "at",
                ArgKind::LocalTime,
                "\"YYYY-MM-DD HH:MM\"",
                "When to send it, in the intake's zone; now when left out.",
            ),
        ],
        access: Access::Coordinator,
        summary: "Announce something to an intake, now or at a set time.",
        build: |a: &mut Args| Command::Announce {
            text: a.text("text"),
            intake: a.opt_text("intake"),
            to: a.opt_text("to").unwrap_or_else(|| "everyone".into()),
            at: a.local_time("at"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["resource", "add"],
        args: &[
            positional(
                "name",
                ArgKind::Text,
                "NAME",
                "The resource's name, quoted if it has spaces.",
            ),
            positional("url", ArgKind::Link, "URL", "Its https:// link."),
            ArgSpec {
                required: false,
                ..positional(
                    "description",
                    ArgKind::Text,
                    "\"DESCRIPTION\"",
                    "A line about it, quoted.",
                )
            },
        ],
        access: Access::Coordinator,
        summary: "Add a program resource (or change the link of one with that name).",
        build: |a: &mut Args| Command::ResourceAdd {
            name: a.text("name"),
            url: a.text("url"),
            description: a.opt_text("description"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["resource", "remove"],
        args: &[positional(
            "name",
            ArgKind::Text,
            "NAME",
            "The resource to remove.",
        )],
        access: Access::Coordinator,
        summary: "Remove a program resource.",
        build: |a: &mut Args| Command::ResourceRemove {
            name: a.text("name"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["resources"],
        args: &[],
        access: Access::Anyone,
        summary: "The program's resources: workbook, guidelines, templates and more.",
        build: |_| Command::Resources,
    },
    CommandSpec {
        root: Root::Resources,
        words: &[],
        args: &[],
        access: Access::Anyone,
        summary: "The program's resources: workbook, guidelines, templates and more.",
        build: |_| Command::Resources,
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["announcements"],
        args: &[positional(
            "how",
            ArgKind::Choice(&["dm", "channel"]),
            "dm|channel",
            "dm: always by direct message; channel: in your intake's channel when it has one.",
        )],
        access: Access::Anyone,
        summary: "Choose how you get webinar reminders and announcements.",
        build: |a: &mut Args| Command::AnnouncementsBy {
            dm: a.text("how") == "dm",
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["profile"],
        args: &[
            keyed(
                "city",
                ArgKind::Text,
                "CITY",
                "Your city or region: meetups there invite you. `none` clears it.",
            ),
            keyed(
                "tz",
                ArgKind::Zone,
                "ZONE",
                "Your time zone, e.g. Pacific/Auckland.",
            ),
            keyed(
                "user",
                ArgKind::User,
                "@PERSON",
                "Coordinators only: whose profile to show or change.",
            ),
        ],
        access: Access::Anyone,
        summary: "Show or change your city (for meetup invitations) and time zone.",
        build: |a: &mut Args| Command::Profile {
            user: a.opt_user("user"),
            city: a.opt_text("city"),
            zone: a.zone("tz"),
        },
    },
    CommandSpec {
        root: Root::Checkin,
        words: &[],
        args: &[
            positional(
                "answer",
                ArgKind::Choice(&["met", "not-yet", "help"]),
                "met|not-yet|help",
                "Whether you met this month, or would like help.",
            ),
            keyed(
                "note",
                ArgKind::Text,
                "TEXT",
                "Anything to add, for your coordinators.",
            ),
        ],
        access: Access::Anyone,
        summary: "Answer this month's check-in for your pair.",
        build: |a: &mut Args| Command::Checkin {
            answer: Answer::parse(&a.text("answer")).unwrap_or(Answer::NotYet),
            note: a.opt_text("note"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["survey", "open"],
        args: &[
            positional(
                "template",
                ArgKind::Text,
                "TEMPLATE",
                "A survey template: end-of-program or mid-program.",
            ),
            INTAKE,
            keyed(
                "closes",
                ArgKind::Date,
                "YYYY-MM-DD",
                "Last day to answer; open until closed when left out.",
            ),
            optional(
                "anonymous",
                ArgKind::Choice(&["anonymous"]),
                "anonymous",
                "Store no participant id with the answers.",
            ),
        ],
        access: Access::Coordinator,
        summary: "Open a survey for an intake and invite its participants by DM.",
        build: |a: &mut Args| Command::SurveyOpen {
            template: a.text("template"),
            anonymous: a.opt_text("anonymous").is_some(),
            intake: a.opt_text("intake"),
            closes: a.date("closes"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["survey", "close"],
        args: &[SURVEY_ID],
        access: Access::Coordinator,
        summary: "Close a survey: no more answers.",
        build: |a: &mut Args| Command::SurveyClose { id: a.text("id") },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["survey", "remind"],
        args: &[SURVEY_ID],
        access: Access::Coordinator,
        summary: "Send the one reminder to those who have not answered yet.",
        build: |a: &mut Args| Command::SurveyRemind { id: a.text("id") },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["survey", "results"],
        args: &[optional(
            "id",
            ArgKind::Text,
            "ID",
            "The survey; every survey is listed when left out.",
        )],
        access: Access::Coordinator,
        summary: "A survey's figures, or the list of surveys.",
        build: |a: &mut Args| Command::SurveyResults {
            id: a.opt_text("id"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["survey", "export"],
        args: &[
            SURVEY_ID,
            optional(
                "format",
                ArgKind::Choice(&["csv", "json"]),
                "csv|json",
                "The file format; csv when left out.",
            ),
        ],
        access: Access::Coordinator,
        summary: "A survey's answers as a CSV or JSON file, never with who gave them.",
        build: |a: &mut Args| Command::SurveyExport {
            id: a.text("id"),
            format: a.opt_text("format").unwrap_or_else(|| "csv".into()),
        },
    },
    CommandSpec {
        root: Root::Survey,
        words: &[],
        args: &[],
        access: Access::Anyone,
        summary: "Open your survey: see its questions and your answers so far.",
        build: |_| Command::SurveyForm,
    },
    CommandSpec {
        root: Root::Survey,
        words: &["answer"],
        args: &[
            positional(
                "question",
                ArgKind::Text,
                "QUESTION",
                "The question's id, as /survey shows it.",
            ),
            positional(
                "value",
                ArgKind::Words,
                "VALUE",
                "Your answer: yes/no, 1-5, a choice (by number or words) or text.",
            ),
        ],
        access: Access::Anyone,
        summary: "Answer (or change your answer to) one question of your survey.",
        build: |a: &mut Args| Command::SurveyAnswer {
            question: a.text("question"),
            value: a.text("value"),
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_command_is_declared_once() {
        let mut seen = HashSet::new();
        for spec in TABLE {
            assert!(
                seen.insert((spec.root, spec.words)),
                "{} declared twice",
                spec.usage()
            );
        }
    }

    #[test]
    fn arguments_fit_discord() {
        // Discord: at most 2 words (group + subcommand), lowercase option names, required first,
        // descriptions of 1-100 characters.
        for spec in TABLE {
            assert!(spec.words.len() <= 2, "{}", spec.usage());
            let mut optional_seen = false;
            let mut names = HashSet::new();
            for arg in spec.args {
                assert!(
                    names.insert(arg.name),
                    "{}: {} twice",
                    spec.usage(),
                    arg.name
                );
                assert!(
                    arg.name.chars().all(|c| c.is_ascii_lowercase()),
                    "{}",
                    arg.name
                );
                assert!(
                    !(arg.required && optional_seen),
                    "{}: required after optional",
                    spec.usage()
                );
                optional_seen |= !arg.required;
                assert!(
                    (1..=100).contains(&arg.help.len()),
                    "{}: {}",
                    spec.usage(),
                    arg.name
                );
            }
            assert!((1..=100).contains(&spec.summary.len()), "{}", spec.usage());
        }
    }
}
