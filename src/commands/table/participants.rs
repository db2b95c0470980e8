//! What participants set for themselves and answer: how announcements reach them, their profile,
//! their data (see it, or have it forgotten), the check-in.

use super::*;

pub(super) static SPECS: &[CommandSpec] = &[
    CommandSpec {
        root: Root::Mentoring,
        words: &["announcements"],
        args: &[positional(
            "how",
            ArgKind::Choice(&["dm", "channel"]),
            "dm|channel",
            "dm: always by direct message; channel: in your intake's channel when it has one.",
        )
        .picker("DM, or your intake's channel.")],
        access: Access::Anyone,
        summary: "Choose how you get webinar reminders and announcements.",
        picker: Some("How announcements reach you."),
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
            )
            .picker("Your city or region, or none."),
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
            )
            .picker("Whose profile (coordinators only)."),
        ],
        access: Access::Anyone,
        summary: "Show or change your city (for meetup invitations) and time zone.",
        picker: Some("Your city and time zone."),
        build: |a: &mut Args| Command::Profile {
            user: a.opt_user("user"),
            city: a.opt_text("city"),
            zone: a.zone("tz"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["mydata"],
        args: &[],
        access: Access::Anyone,
        summary: "Everything Tandem stores about you, with a file of it all.",
        picker: Some("What Tandem stores about you."),
        build: |_| Command::MyData,
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["forget"],
        args: &[positional(
            "user",
            ArgKind::User,
            "@USER",
            "Whom to forget: yourself, or (coordinators) anyone.",
        )
        .picker("Whom to forget.")],
        access: Access::Anyone,
        summary: "Erase a person's data from Tandem, after a confirmation.",
        picker: Some("Erase a person's data."),
        build: |a: &mut Args| Command::Forget {
            user: a.user("user"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["audit"],
        args: &[],
        access: Access::Coordinator,
        summary: "Who exported surveys, opened results, changed coordinators or had someone forgotten, and when.",
        picker: Some("Who did what with people's data."),
        build: |_| Command::Audit,
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
        picker: None,
        build: |a: &mut Args| Command::Checkin {
            answer: Answer::parse(&a.text("answer")).unwrap_or(Answer::NotYet),
            note: a.opt_text("note"),
        },
    },
];
