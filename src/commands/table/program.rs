//! Running the program: help, intakes, pairs, coordinators, pausing, check-in schedules and status.

use super::*;

pub(super) static SPECS: &[CommandSpec] = &[
    CommandSpec {
        root: Root::Mentoring,
        words: &["help"],
        args: &[],
        access: Access::Anyone,
        summary: "List the commands you may run.",
        picker: None,
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
            )
            .picker("The intake's name, e.g. 2027 February."),
            keyed(
                "tz",
                ArgKind::Zone,
                "ZONE",
                "IANA time zone for its schedules, e.g. Australia/Sydney.",
            )
            .picker("Its time zone, e.g. Australia/Sydney."),
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
            )
            .picker("Last day of the program."),
            keyed(
                "channel",
                ArgKind::Channel,
                "#CHANNEL",
                "Announcement channel; without one, announcements go by DM.",
            )
            .picker("Announcement channel; else DMs."),
        ],
        access: Access::Coordinator,
        summary: "Start a new intake (cohort).",
        picker: None,
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
        picker: Some("List the intakes."),
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
        picker: Some("Set an intake's channel."),
        build: |a: &mut Args| Command::IntakeChannel {
            channel: a
                .channel("channel")
                .unwrap_or_else(|| crate::commands::ChannelMention {
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
        picker: Some("Close an intake early."),
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
        picker: Some("Pair a mentor with a mentee."),
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
        picker: Some("End a person's pair."),
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
        picker: Some("List an intake's pairs."),
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
        picker: None,
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
        picker: Some("Remove a coordinator."),
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
        )
        .picker("Last day of the pause.")],
        access: Access::Anyone,
        summary: "Pause your own prompts and reminders.",
        picker: Some("Pause your prompts and reminders."),
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
        picker: None,
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
            )
            .picker("When, as cron (0 10 1-7 * MON), or off."),
            INTAKE,
            keyed(
                "tz",
                ArgKind::Zone,
                "ZONE",
                "The schedule's IANA time zone; the intake's when left out.",
            )
            .picker("Its time zone; else the intake's."),
        ],
        access: Access::Coordinator,
        summary: "Set when each pair gets the monthly check-in, or turn it off.",
        picker: Some("Set or stop the monthly check-in."),
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
        picker: Some("List schedules and next runs."),
        build: |_| Command::Schedules,
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["status"],
        args: &[INTAKE],
        access: Access::Coordinator,
        summary: "Each pair's last check-in, quiet pairs first, and prompts that failed.",
        picker: Some("Each pair's last check-in."),
        build: |a: &mut Args| Command::Status {
            intake: a.opt_text("intake"),
        },
    },
];
