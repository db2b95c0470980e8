//! The command table and parser: every shape of good and bad input, without a database.

use tandem::commands::{
    ChannelMention, Command, Mention, ParseError, Parsed, RawArgs, RawValue, Root, bind,
    parse::spec_for, parse_text,
};
use tandem::domain::Platform;
use tandem::messages;

fn parse(text: &str) -> Result<Command, ParseError> {
    parse_text(Root::Mentoring, Platform::Slack, text).map(|p: Parsed| p.command)
}

fn slack(id: &str) -> Mention {
    Mention::Id {
        platform: Platform::Slack,
        id: id.into(),
        label: None,
    }
}

#[test]
fn slack_text_becomes_typed_commands() {
    assert_eq!(parse("").unwrap(), Command::Help);
    assert_eq!(parse("help").unwrap(), Command::Help);
    assert_eq!(
        parse(r#"intake create "2027 February" tz:Australia/Sydney starts:2027-02-01 ends:2027-12-10 channel:<#C01|announcements>"#).unwrap(),
        Command::IntakeCreate {
            name: "2027 February".into(),
            zone: Some(chrono_tz::Australia::Sydney),
            starts: chrono::NaiveDate::from_ymd_opt(2027, 2, 1),
            ends: chrono::NaiveDate::from_ymd_opt(2027, 12, 10),
            channel: Some(ChannelMention { id: "C01".into(), label: Some("announcements".into()) }),
        }
    );
    assert_eq!(
        parse(r#"pair <@U111|aroha> <@U222> intake:"2027 February""#).unwrap(),
        Command::Pair {
            mentor: Mention::Id {
                platform: Platform::Slack,
                id: "U111".into(),
                label: Some("aroha".into())
            },
            mentee: slack("U222"),
            intake: Some("2027 February".into()),
        }
    );
    // Options may come first, words are case-insensitive, phones type curly quotes.
    assert_eq!(
        parse("PAIRS intake:“2027 February”").unwrap(),
        Command::Pairs {
            intake: Some("2027 February".into())
        }
    );
    assert_eq!(
        parse("unpair @slack:U9").unwrap(),
        Command::Unpair {
            user: slack("U9"),
            intake: None
        }
    );
    assert_eq!(
        parse("pause until:2027-03-01").unwrap(),
        Command::Pause {
            until: chrono::NaiveDate::from_ymd_opt(2027, 3, 1)
        }
    );
}

#[test]
fn terminal_names_and_channels() {
    let parsed = parse_text(Root::Mentoring, Platform::Console, "pair @aroha @ben.w")
        .unwrap()
        .command;
    assert_eq!(
        parsed,
        Command::Pair {
            mentor: Mention::Name("aroha".into()),
            mentee: Mention::Name("ben.w".into()),
            intake: None
        }
    );
    let parsed = parse_text(
        Root::Mentoring,
        Platform::Console,
        "intake channel #announcements",
    )
    .unwrap()
    .command;
    assert_eq!(
        parsed,
        Command::IntakeChannel {
            channel: ChannelMention {
                id: "announcements".into(),
                label: Some("announcements".into())
            },
            intake: None
        }
    );
}

#[test]
fn discord_options_bind_through_the_same_table() {
    let spec = spec_for(Root::Mentoring, &["pair"]).unwrap();
    let raw = RawArgs(vec![
        (
            "mentor".into(),
            RawValue::User(Mention::Id {
                platform: Platform::Discord,
                id: "80351110224678912".into(),
                label: None,
            }),
        ),
        (
            "mentee".into(),
            RawValue::User(Mention::Id {
                platform: Platform::Discord,
                id: "80351110224678913".into(),
                label: None,
            }),
        ),
        ("intake".into(), RawValue::Text("2027 February".into())),
    ]);
    let parsed = bind(spec, Platform::Discord, raw).unwrap();
    assert!(
        matches!(parsed.command, Command::Pair { intake: Some(ref i), .. } if i == "2027 February")
    );

    let spec = spec_for(Root::Mentoring, &["intake", "create"]).unwrap();
    let raw = RawArgs(vec![
        ("name".into(), RawValue::Text("X".into())),
        ("tz".into(), RawValue::Text("Mars/Base".into())),
    ]);
    assert!(matches!(
        bind(spec, Platform::Discord, raw),
        Err(ParseError::BadZone { .. })
    ));
}

#[test]
fn bad_input_is_named_precisely() {
    use ParseError::*;
    type Expect = fn(&ParseError) -> bool;
    let cases: &[(&str, Expect)] = &[
        ("intake create \"2027 February", |e| {
            matches!(e, UnclosedQuote { .. })
        }),
        ("teleport", |e| matches!(e, UnknownCommand { .. })),
        (
            "intake",
            |e| matches!(e, IncompleteCommand { choices, .. } if choices.contains(&"create")),
        ),
        ("intake frobnicate", |e| {
            matches!(e, IncompleteCommand { .. })
        }),
        (
            "pair <@U1>",
            |e| matches!(e, MissingArgument { arg, .. } if arg.name == "mentee"),
        ),
        ("pair <@U1> <@U2> <@U3>", |e| {
            matches!(e, UnexpectedArgument { .. })
        }),
        (
            "pair <@U1> <@U2> intke:2027",
            |e| matches!(e, UnknownOption { key, .. } if key == "intke"),
        ),
        ("pair <@U1> <@U2> intake:a intake:b", |e| {
            matches!(e, RepeatedOption { key: "intake", .. })
        }),
        ("pair aroha <@U2>", |e| matches!(e, NotAPerson { .. })),
        ("pair <@> <@U2>", |e| matches!(e, NotAPerson { .. })),
        ("pair @ <@U2>", |e| matches!(e, NotAPerson { .. })),
        ("intake create X starts:01/02/2027", |e| {
            matches!(e, BadDate { .. })
        }),
        ("intake create X ends:2027-02-30", |e| {
            matches!(e, BadDate { .. })
        }),
        ("intake create X tz:Sydney", |e| matches!(e, BadZone { .. })),
        ("intake create X channel:announcements", |e| {
            matches!(e, NotAChannel { .. })
        }),
        ("intake create \"\"", |e| matches!(e, EmptyValue { .. })),
        ("intake create", |e| matches!(e, MissingArgument { .. })),
        // A word of several-byte characters where a day of the week goes: refused, no panic.
        ("checkins 0 10 * * aaé", |e| matches!(e, BadCron { .. })),
        ("checkins 0 10 * * ÉÉÉÉ", |e| {
            matches!(e, BadCron { .. })
        }),
    ];
    for (text, expected) in cases {
        let err = parse(text).expect_err(text);
        assert!(expected(&err), "{text}: got {err:?}");
        // Every error ends by pointing at help.
        let words = messages::parse_error(&err).plain_text();
        assert!(
            words.ends_with("Type `/mentoring help` to see every command you can use."),
            "{text}: {words}"
        );
    }
}

#[test]
fn urls_and_times_are_values_not_options() {
    // `https:` is not an option key, so a URL can be a positional value.
    let parsed = parse_text(
        Root::Mentoring,
        Platform::Console,
        "intake create https://example.org",
    );
    assert!(
        matches!(parsed.unwrap().command, Command::IntakeCreate { ref name, .. } if name == "https://example.org")
    );
}

#[test]
fn errors_say_what_to_type_instead() {
    let err = parse("pair <@U1>").unwrap_err();
    insta::assert_snapshot!(messages::parse_error(&err).plain_text(), @r"
    This command needs @MENTEE (The mentee).
    Type it like this: `/mentoring pair @MENTOR @MENTEE [intake:NAME]`
    Type `/mentoring help` to see every command you can use.
    ");
    let err = parse("intake create X tz:Sydney").unwrap_err();
    insta::assert_snapshot!(messages::parse_error(&err).plain_text(), @r#"
    "Sydney" isn't a time zone I know. Use an IANA name such as `Australia/Sydney`, `Pacific/Auckland` or `Asia/Hong_Kong`.
    Type it like this: `/mentoring intake create NAME [tz:ZONE] [starts:YYYY-MM-DD] [ends:YYYY-MM-DD] [channel:#CHANNEL]`
    Type `/mentoring help` to see every command you can use.
    "#);
}

#[test]
fn webinar_times_and_links_are_checked_by_the_parser() {
    let parsed = parse(r#"webinar add "Finding your voice" at:"2027-02-03 19:00" tz:Australia/Sydney url:<https://meet.example.org/v?x=1> intake:all"#).unwrap();
    let Command::WebinarAdd(draft) = parsed else {
        panic!("{parsed:?}")
    };
    assert_eq!(draft.title, "Finding your voice");
    assert_eq!(draft.at.to_string(), "2027-02-03 19:00:00");
    assert_eq!(draft.url.as_deref(), Some("https://meet.example.org/v?x=1"));
    assert_eq!(draft.intake.as_deref(), Some("all"));
    assert!(matches!(
        parse("webinar add X at:tomorrow"),
        Err(ParseError::BadLocalTime { .. })
    ));
    assert!(matches!(
        parse(r#"webinar add X at:"2027-02-03 19:00" url:ftp://example.org"#),
        Err(ParseError::BadLink { .. })
    ));
    assert!(matches!(
        parse("webinar add X"),
        Err(ParseError::MissingArgument { .. })
    ));
    assert_eq!(
        parse("webinar recording 3 <https://video.example.org/3|video>").unwrap(),
        Command::WebinarRecording {
            id: "3".into(),
            url: "https://video.example.org/3".into()
        }
    );
}

#[test]
fn calendar_commands_keep_the_issue_syntax() {
    let webinars = parse_text(Root::Webinars, Platform::Slack, "")
        .unwrap()
        .command;
    assert_eq!(webinars, Command::Webinars);
    let resources = parse_text(Root::Resources, Platform::Discord, "")
        .unwrap()
        .command;
    assert_eq!(resources, Command::Resources);
    let meetup =
        parse(r#"meetup "Mentoring Day" city:Sydney at:"2027-01-17 17:30" venue:"State Library""#)
            .unwrap();
    assert!(
        matches!(meetup, Command::MeetupAdd(ref d) if d.title == "Mentoring Day" && d.city == "Sydney")
    );
    assert_eq!(parse("meetup list").unwrap(), Command::MeetupList);
}
