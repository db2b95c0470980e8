//! What a person reads when something they typed can't be done: what is wrong, what to type
//! instead, and how to get help. Always sent privately.

use super::help_hint;
use crate::app::UserError;
use crate::chat::{Message, Text};
use crate::commands::{ArgKind, ParseError};
use crate::domain::intake::{IntakeRuleBroken, MAX_NAME_LEN};

pub fn internal_error() -> Message {
    Message::new()
        .line("Sorry, something went wrong on our side and nothing was changed.")
        .line("Please try again in a minute; if it keeps happening, tell your program coordinator.")
}

pub fn user_error(err: &UserError) -> Message {
    let body: Text = match err {
        UserError::Parse(parse) => return parse_error(parse),
        UserError::Survey(refusal) => return super::survey::refusal(refusal),
        UserError::NotCoordinator => {
            "Only program coordinators can do that. If you think you should be one, ask a coordinator to run `/mentoring coordinator add @you`.".into()
        }
        UserError::NotAParticipant => {
            "You're not in a mentoring pair yet, so there's nothing of yours to change. A coordinator adds people with `/mentoring pair`.".into()
        }
        UserError::UnknownIntake(name) => Text::new()
            .plain("There's no intake called ")
            .user(format!("\"{name}\""))
            .plain(". `/mentoring intake list` shows the intakes there are."),
        UserError::NoActiveIntake => {
            "There's no active intake yet. Create one with `/mentoring intake create NAME tz:ZONE`, or name one with `intake:NAME`.".into()
        }
        UserError::IntakeClosed(name) => Text::new()
            .plain("The intake ")
            .user(format!("\"{name}\""))
            .plain(" has closed, so it can't take new pairs. Name an active one with `intake:NAME`."),
        UserError::IntakeNameTaken(name) => Text::new()
            .plain("There's already an intake called ")
            .user(format!("\"{name}\""))
            .plain(". Pick another name, for example with the month or city in it."),
        UserError::IntakeRule(rule) => intake_rule(rule),
        UserError::SelfPairing => "Someone can't be their own mentor: name two different people, `/mentoring pair @MENTOR @MENTEE`.".into(),
        UserError::AlreadyPaired { person, intake } => Text::new()
            .user(person.clone())
            .plain(" is already in an active pair in ")
            .user(intake.clone())
            .plain(". End that pair first with `/mentoring unpair @")
            .user(person.clone())
            .plain("`, or choose another intake with `intake:NAME`."),
        UserError::NotPaired { person, intake } => Text::new()
            .user(person.clone())
            .plain(" isn't in an active pair in ")
            .user(intake.clone())
            .plain(". `/mentoring pairs` lists the pairs there are."),
        UserError::UnknownPerson(name) => Text::new()
            .plain("Nobody called ")
            .user(format!("@{name}"))
            .plain(" is in the program yet. Name a new person by their account: `@slack:U012AB3CD` or `@discord:80351110224678912`."),
        UserError::AmbiguousName { name, people } => ambiguous_name(name, people),
        UserError::NoSharedPlatform { mentor, mentee } => Text::new()
            .user(mentor.clone())
            .plain(" and ")
            .user(mentee.clone())
            .plain(" aren't on the same platform, and a pair needs one place to talk. Pair people who are both on Slack or both on Discord."),
        UserError::AlreadyCoordinator(name) => Text::new().user(name.clone()).plain(" is already a coordinator."),
        UserError::NotACoordinator(name) => Text::new()
            .user(name.clone())
            .plain(" isn't a coordinator, so there's nothing to remove."),
        UserError::LastCoordinator => {
            "That's the last coordinator: add someone else with `/mentoring coordinator add @USER` first, so the program is never left without one.".into()
        }
        UserError::PauseEndsInPast(day) => Text::new()
            .plain(format!("{day} has already passed. Give the last day of your pause as a date from today on: `/mentoring pause until:YYYY-MM-DD`.")),
        UserError::NotPaused => "You're not paused, so there's nothing to resume. `/mentoring pause` pauses your prompts.".into(),
        UserError::NotYours => "That button belongs to someone else, so nothing was changed.".into(),
        UserError::UnknownAction => "That button is from an older version of Tandem and no longer works. Use the matching command instead.".into(),
        UserError::NotInAPair => "You're not in an active mentoring pair, so there's no check-in to answer. If that's wrong, ask a coordinator.".into(),
        UserError::PairEnded => "That pairing has ended, so its check-in is closed.".into(),
        UserError::UnknownWebinar(typed) => Text::new()
            .plain("There's no webinar number ")
            .user(format!("\"{typed}\""))
            .plain(". `/mentoring webinar list` shows each one's number."),
        UserError::StartsInPast => "That time has already passed. Give a start time in the future, as `at:\"YYYY-MM-DD HH:MM\"`.".into(),
        UserError::NoSuchLocalTime { at, zone } => Text::new()
            .plain(format!("{at} doesn't happen in {zone}: the clocks skip it that night. Pick a time an hour later.")),
        UserError::UnknownMeetup(typed) => Text::new()
            .plain("There's no meetup number ")
            .user(format!("\"{typed}\""))
            .plain(". `/mentoring meetup list` shows each one's number."),
        UserError::MeetupCancelled(number) => format!("Meetup {number} was cancelled, so that can't be changed any more.").into(),
        UserError::NotInvitedToMeetup { number, city } => Text::new()
            .plain(format!(
                "Only the people invited to meetup {number} can answer it, so nothing was recorded. If you live in "
            ))
            .user(city.clone())
            .plain(", set your city with `/mentoring profile city:CITY` and your own invitation will come."),
        UserError::UnknownResource(name) => Text::new()
            .plain("There's no resource called ")
            .user(format!("\"{name}\""))
            .plain(". `/mentoring resources` lists them."),
        UserError::ForgetOthers => "You can ask Tandem to forget yourself (`/mentoring forget @you`); forgetting someone else is for coordinators. Ask one of them.".into(),
        UserError::CityTooLong(max) => format!("That city is too long: keep it to {max} characters, e.g. `/mentoring profile city:Wellington`.").into(),
        UserError::WebinarCancelled(number) => format!("Webinar {number} was cancelled, so it can't be changed. Add a new one with `/mentoring webinar add`.").into(),
    };
    Message::new().line(body).line(help_hint())
}

fn intake_rule(rule: &IntakeRuleBroken) -> Text {
    match rule {
        IntakeRuleBroken::EmptyName => "An intake needs a name: `/mentoring intake create \"2027 February\"`.".into(),
        IntakeRuleBroken::NameTooLong => {
            format!("That name is too long: keep it to {MAX_NAME_LEN} characters, like `\"2027 February\"`.").into()
        }
        IntakeRuleBroken::EndsBeforeStart { starts, ends } => {
            format!("The end date {ends} is before the start date {starts}. Swap them round or fix the typo.").into()
        }
        IntakeRuleBroken::EndsInPast { ends } => {
            format!("The end date {ends} has already passed. An intake's `ends:` date must be today or later.").into()
        }
    }
}

/// What was wrong with the command's shape, with the usage line to copy.
pub fn parse_error(err: &ParseError) -> Message {
    let (problem, usage): (Text, Option<String>) = match err {
        ParseError::UnclosedQuote { .. } => ("A quote is never closed: put a `\"` at the end of the quoted words.".into(), None),
        ParseError::UnknownCommand { root, typed } => (
            Text::new().plain(format!("`/{} ", root.name())).user(typed.clone()).plain("` isn't a command I know."),
            None,
        ),
        ParseError::IncompleteCommand { root, words, choices } => (
            format!(
                "`/{} {}` needs one more word: {}.",
                root.name(),
                words.join(" "),
                choices.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
            )
            .into(),
            None,
        ),
        ParseError::MissingArgument { spec, arg } => {
            (format!("This command needs {} ({}).", arg.placeholder, arg.help.trim_end_matches('.')).into(), Some(spec.usage()))
        }
        ParseError::UnexpectedArgument { spec, typed } => (
            Text::new().plain("I didn't expect ").user(format!("\"{typed}\"")).plain(" there. If it's a name with spaces, put it in quotes."),
            Some(spec.usage()),
        ),
        ParseError::UnknownOption { spec, key } => {
            let known: Vec<String> = spec.args.iter().filter(|a| a.place == crate::commands::Place::Keyed).map(|a| format!("`{}:`", a.name)).collect();
            let known = if known.is_empty() { "no options".to_string() } else { known.join(", ") };
            (Text::new().plain("This command has no option ").user(format!("{key}:")).plain(format!("; it takes {known}. A value with a colon in it goes in quotes.")), Some(spec.usage()))
        }
        ParseError::RepeatedOption { spec, key } => (format!("`{key}:` is given twice; give it once.").into(), Some(spec.usage())),
        ParseError::NotAPerson { spec, arg, typed } => (
            Text::new().user(format!("\"{typed}\"")).plain(format!(" isn't a person. Mention them for {}, like `@name`.", arg.placeholder)),
            Some(spec.usage()),
        ),
        ParseError::NotAChannel { spec, typed, .. } => (
            Text::new().user(format!("\"{typed}\"")).plain(" isn't a channel. Mention it, like `#announcements`."),
            Some(spec.usage()),
        ),
        ParseError::BadDate { spec, arg, typed } => (
            Text::new().user(format!("\"{typed}\"")).plain(format!(" isn't a date I can read for `{}:`. Write it as YYYY-MM-DD, like 2027-02-01.", arg.name)),
            Some(spec.usage()),
        ),
        ParseError::BadZone { spec, typed, .. } => (
            Text::new().user(format!("\"{typed}\"")).plain(" isn't a time zone I know. Use an IANA name such as `Australia/Sydney`, `Pacific/Auckland` or `Asia/Hong_Kong`."),
            Some(spec.usage()),
        ),
        ParseError::BadCron { spec, typed, reason } => (
            Text::new().user(format!("\"{typed}\"")).plain(format!(" isn't a schedule I can use: {reason}. For example `0 10 1-7 * MON` is the first Monday of each month at 10:00.")),
            Some(spec.usage()),
        ),
        ParseError::NotAChoice { spec, arg, typed } => (
            Text::new().user(format!("\"{typed}\"")).plain(format!(" isn't one of the choices: use {}.", arg.placeholder.replace('|', ", "))),
            Some(spec.usage()),
        ),
        ParseError::BadLocalTime { spec, arg, typed } => (
            Text::new().user(format!("\"{typed}\"")).plain(format!(" isn't a date and time I can read for `{}:`. Write it as \"YYYY-MM-DD HH:MM\", like `{}:\"2027-02-03 19:00\"`.", arg.name, arg.name)),
            Some(spec.usage()),
        ),
        ParseError::BadLink { spec, arg, typed } => (
            Text::new().user(format!("\"{typed}\"")).plain(format!(" isn't a web link I can use for `{}`. Give the whole address, starting with https://.", arg.name)),
            Some(spec.usage()),
        ),
        ParseError::EmptyValue { spec, arg } => (
            format!("`{}` is empty. {}", arg.name, if arg.kind == ArgKind::Text { "Put the words in quotes." } else { "Give a value after the colon." }).into(),
            Some(spec.usage()),
        ),
    };
    let mut message = Message::new().line(problem);
    if let Some(usage) = usage {
        message = message.line(format!("Type it like this: `{usage}`"));
    }
    message.line(help_hint())
}

/// Each namesake with the accounts that name them without doubt.
fn ambiguous_name(name: &str, people: &[(String, Vec<String>)]) -> Text {
    let mut text = Text::new()
        .plain("More than one person is called ")
        .user(format!("@{name}"))
        .plain(", so nothing was changed:");
    for (display_name, accounts) in people {
        text = text.plain(" ").user(display_name.clone()).plain(" (");
        for (i, account) in accounts.iter().enumerate() {
            let gap = if i == 0 { "" } else { ", " };
            text = text
                .plain(format!("{gap}`"))
                .user(account.clone())
                .plain("`");
        }
        text = text.plain(");");
    }
    let example = people
        .iter()
        .find_map(|(_, accounts)| accounts.first().cloned())
        .unwrap_or_else(|| "@slack:U012AB3CD".to_string());
    text.plain(" name the one you mean by their account instead, e.g. `")
        .user(example)
        .plain("`.")
}
