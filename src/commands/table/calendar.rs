//! The program's calendar: webinars, meetups, announcements and resources.

use super::*;

pub(super) static SPECS: &[CommandSpec] = &[
    CommandSpec {
        root: Root::Mentoring,
        words: &["webinar", "add"],
        args: &[
            positional(
                "title",
                ArgKind::Text,
                "TITLE",
                "The session's title, quoted.",
            )
            .picker("The session's title."),
            AT,
            WEBINAR_TZ,
            keyed(
                "url",
                ArgKind::Link,
                "JOIN_URL",
                "Where people join: an https:// link.",
            )
            .picker("The link to join."),
            keyed(
                "speakers",
                ArgKind::Text,
                "\"…\"",
                "Who is speaking, quoted.",
            )
            .picker("Who is speaking."),
            INTAKE_OR_ALL,
        ],
        access: Access::Coordinator,
        summary: "Add a webinar; participants get reminders before it and a post when it starts.",
        picker: Some("Add a webinar, with reminders."),
        build: |a: &mut Args| {
            Command::WebinarAdd(crate::commands::WebinarDraft {
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
            )
            .picker("The series' title."),
            ArgSpec {
                required: true,
                ..keyed(
                    "cron",
                    ArgKind::Cron,
                    "\"CRON\"",
                    "When sessions start: \"0 19 1-7 * WED\" is the first Wednesday at 19:00.",
                )
                .picker("When, as cron: 0 19 1-7 * WED.")
            },
            WEBINAR_TZ,
            keyed(
                "url",
                ArgKind::Link,
                "JOIN_URL",
                "Where people join: an https:// link.",
            )
            .picker("The link to join."),
            INTAKE_OR_ALL,
        ],
        access: Access::Coordinator,
        summary: "Add a monthly webinar series: a numbered session for each of the coming months.",
        picker: Some("Add a monthly webinar series."),
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
            )
            .picker("This session's topic."),
            keyed(
                "speakers",
                ArgKind::Text,
                "\"…\"",
                "Who is speaking, quoted.",
            )
            .picker("Who is speaking."),
        ],
        access: Access::Coordinator,
        summary: "Give one session of a series its topic and speakers.",
        picker: Some("Set a session's topic and speakers."),
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
        picker: Some("List webinars and their numbers."),
        build: |_| Command::WebinarList,
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["webinar", "cancel"],
        args: &[WEBINAR_ID],
        access: Access::Coordinator,
        summary: "Cancel a webinar: reminders not yet sent are withdrawn, those reminded are told.",
        picker: Some("Cancel a webinar."),
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
            )
            .picker("Time zone; else the webinar's."),
        ],
        access: Access::Coordinator,
        summary: "Move a webinar: reminders follow it, and those already reminded are told.",
        picker: Some("Move a webinar to a new time."),
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
            )
            .picker("The recording's link."),
        ],
        access: Access::Coordinator,
        summary: "Share a webinar's recording with everyone who was invited.",
        picker: Some("Share a webinar's recording."),
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
        picker: Some("Upcoming webinars and recordings."),
        build: |_| Command::Webinars,
    },
    CommandSpec {
        root: Root::Webinars,
        words: &[],
        args: &[],
        access: Access::Anyone,
        summary: "Upcoming webinars in your time, and recordings of past ones.",
        picker: Some("Upcoming webinars and recordings."),
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
            )
            .picker("The meetup's title."),
            ArgSpec {
                required: true,
                ..keyed(
                    "city",
                    ArgKind::Text,
                    "CITY",
                    "The city or region: participants there are invited.",
                )
                .picker("City or region to invite.")
            },
            AT,
            ArgSpec {
                required: true,
                ..keyed("venue", ArgKind::Text, "\"…\"", "Where exactly, quoted.")
                    .picker("Where exactly.")
            },
            WEBINAR_TZ,
            INTAKE_OR_ALL,
        ],
        access: Access::Coordinator,
        summary: "Announce a meetup to participants in a city, with RSVP buttons.",
        picker: Some("Announce a meetup in a city."),
        build: |a: &mut Args| {
            Command::MeetupAdd(crate::commands::MeetupDraft {
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
        picker: Some("List meetups and their RSVPs."),
        build: |_| Command::MeetupList,
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["meetup", "cancel"],
        args: &[MEETUP_ID],
        access: Access::Coordinator,
        summary: "Cancel a meetup and tell those invited.",
        picker: Some("Cancel a meetup."),
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
            )
            .picker("Time zone; else the meetup's."),
        ],
        access: Access::Coordinator,
        summary: "Move a meetup: its reminder follows, and those invited are told.",
        picker: Some("Move a meetup to a new time."),
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
            )
            .picker("What to announce."),
            INTAKE_OR_ALL,
            keyed(
                "to",
                ArgKind::Choice(&["mentors", "mentees", "everyone"]),
                "mentors|mentees|everyone",
                "Who it is for; everyone when left out.",
            )
            .picker("Who it is for; else everyone."),
            keyed(
                "at",
                ArgKind::LocalTime,
                "\"YYYY-MM-DD HH:MM\"",
                "When to send it, in the intake's zone; now when left out.",
            )
            .picker("When to send it; else now."),
        ],
        access: Access::Coordinator,
        summary: "Announce something to an intake, now or at a set time.",
        picker: Some("Announce something, now or later."),
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
            )
            .picker("The resource's name."),
            positional("url", ArgKind::Link, "URL", "Its https:// link."),
            ArgSpec {
                required: false,
                ..positional(
                    "description",
                    ArgKind::Text,
                    "\"DESCRIPTION\"",
                    "A line about it, quoted.",
                )
                .picker("A line about it.")
            },
        ],
        access: Access::Coordinator,
        summary: "Add a program resource (or change the link of one with that name).",
        picker: Some("Add a resource, or change its link."),
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
        picker: None,
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
        picker: Some("The program's resources."),
        build: |_| Command::Resources,
    },
    CommandSpec {
        root: Root::Resources,
        words: &[],
        args: &[],
        access: Access::Anyone,
        summary: "The program's resources: workbook, guidelines, templates and more.",
        picker: Some("The program's resources."),
        build: |_| Command::Resources,
    },
];
