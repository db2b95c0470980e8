//! Messages about running the program: help, intakes, pairs, coordinators, pauses.

use chrono::NaiveDate;

use crate::app::intakes::IntakeSummary;
use crate::app::pairing::PairRow;
use crate::app::pausing::RESUME_ACTION;
use crate::chat::{Button, ButtonStyle, ChannelRef, Member, Message, Text};
use crate::commands::CommandSpec;
use crate::domain::{Intake, Participant, Timestamp};

pub fn help(specs: &[&CommandSpec], coordinator: bool, readers: &Readers) -> Message {
    let mut message =
        Message::new().line("*Tandem* runs your mentoring program. Commands you can use:");
    for spec in specs {
        message = message.line(format!("`{}`: {}", spec.usage(), spec.summary));
    }
    if !coordinator {
        message = message.line("Coordinators have more commands for intakes, pairs and schedules.");
    }
    message = message
        .line("Values with spaces go in quotes: `intake:\"2027 February\"`. Without `intake:`, the newest active intake is meant.")
        .line(who_reads("A pair's private space is read by the pair", readers));
    if readers.role.is_some() {
        // The role opens channels only; the welcome in each space says exactly who reads it.
        message = message.line(
            "A pair space made as a private thread (once the server nears its channel limit) is read only by the people added to it, not by everyone with the role.",
        );
    }
    message
}

fn dates(intake: &Intake) -> String {
    match (intake.starts_on, intake.ends_on) {
        (Some(s), Some(e)) => format!("{s} to {e}"),
        (Some(s), None) => format!("from {s}"),
        (None, Some(e)) => format!("until {e}"),
        (None, None) => "no dates set".to_string(),
    }
}

pub fn intake_created(intake: &Intake) -> Message {
    let mut message = Message::new()
        .line(Text::new().plain("Created the intake *").user(intake.name.clone()).plain(
            "*. It is now the default wherever `intake:` is left out; pair people with `/mentoring pair @MENTOR @MENTEE`.",
        ))
        .field("Time zone", intake.zone.name())
        .field("Dates", dates(intake));
    message = match &intake.announcement_channel {
        Some(channel) => message.field("Announcements", Text::new().channel(channel.clone())),
        None => message.field(
            "Announcements",
            "by direct message (set a channel with `/mentoring intake channel #CHANNEL`)",
        ),
    };
    message
}

pub fn intake_list(intakes: &[IntakeSummary]) -> Message {
    if intakes.is_empty() {
        return Message::new().line(
            "There are no intakes yet. Start one with `/mentoring intake create NAME tz:ZONE`.",
        );
    }
    let mut message = Message::new().line(format!(
        "{}, newest first:",
        super::count(intakes.len(), "intake", "intakes")
    ));
    for s in intakes {
        message = message.line(Text::new().plain("• *").user(s.intake.name.clone()).plain(
            format!(
                "*: {}, {}, {}, {}",
                s.state.as_str(),
                super::count(s.pairs, "pair", "pairs"),
                s.intake.zone.name(),
                dates(&s.intake)
            ),
        ));
    }
    message
}

pub fn intake_channel_set(intake: &Intake, channel: &str) -> Message {
    Message::new().line(
        Text::new()
            .plain("Announcements for *")
            .user(intake.name.clone())
            .plain("* will go to ")
            .channel(channel)
            .plain(". Make sure Tandem is in that channel."),
    )
}

pub fn intake_closed(intake: &Intake) -> Message {
    Message::new().line(
        Text::new()
            .plain("Closed the intake *")
            .user(intake.name.clone())
            .plain("*. Its pairs and history are kept; it takes no new pairs."),
    )
}

pub fn paired(
    intake: &Intake,
    mentor: &Participant,
    mentee: &Participant,
    space: Option<&ChannelRef>,
    trouble: Option<String>,
) -> Message {
    let message = Message::new().line(
        Text::new()
            .plain("Paired ")
            .user(mentor.display_name.clone())
            .plain(" (mentor) with ")
            .user(mentee.display_name.clone())
            .plain(" (mentee) in *")
            .user(intake.name.clone())
            .plain("*."),
    );
    match (space, trouble) {
        (Some(space), _) => message.line(Text::new().plain("Their private channel: ").channel(space.id.clone())),
        (None, Some(reason)) => message.line(format!(
            "Their private channel couldn't be made yet ({reason}). The pair is saved and Tandem will try again."
        )),
        (None, None) => message,
    }
}

pub fn unpaired(intake: &Intake, mentor: &Participant, mentee: &Participant) -> Message {
    Message::new().line(
        Text::new()
            .plain("Ended the pair of ")
            .user(mentor.display_name.clone())
            .plain(" and ")
            .user(mentee.display_name.clone())
            .plain(" in *")
            .user(intake.name.clone())
            .plain("*. Their history is kept, and both can be paired again."),
    )
}

/// Posted in a pair's space when the pair ends.
pub fn pair_ended(intake: &Intake) -> Message {
    Message::new().line(
        Text::new()
            .plain("A coordinator has ended this pairing in *")
            .user(intake.name.clone())
            .plain("*. Thank you both for the time you gave each other. Tandem will post nothing more here."),
    )
}

pub fn pair_list(intake: &Intake, rows: &[PairRow], now: Timestamp) -> Message {
    if rows.is_empty() {
        return Message::new().line(
            Text::new().plain("*").user(intake.name.clone()).plain(
                "* has no active pairs yet. Add one with `/mentoring pair @MENTOR @MENTEE`.",
            ),
        );
    }
    let mut message = Message::new().line(
        Text::new()
            .plain(format!(
                "{} in *",
                super::count(rows.len(), "active pair", "active pairs")
            ))
            .user(intake.name.clone())
            .plain("*:"),
    );
    for row in rows {
        let status = row
            .pair
            .status(row.mentor.is_paused_at(now), row.mentee.is_paused_at(now));
        message = message.line(
            Text::new()
                .plain("• ")
                .user(row.mentor.display_name.clone())
                .plain(" → ")
                .user(row.mentee.display_name.clone())
                .plain(format!(
                    " ({}, {}, since {})",
                    status.as_str(),
                    row.pair.platform.as_str(),
                    row.pair.created_at.date_in(intake.zone)
                )),
        );
    }
    message
}

/// The first message in a pair's private space.
/// Who reads a pair's space besides the pair: the coordinators added by name, and the platform's
/// coordinator role where it opens the space to all its holders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Readers {
    pub names: Vec<String>,
    pub role: Option<String>,
}

/// "…the two of you and the coordinators Ana and Ben, and anyone with the @Coordinators role."
fn who_reads(start: &str, readers: &Readers) -> Text {
    let mut text = Text::new().plain(start);
    if readers.names.is_empty() && readers.role.is_none() {
        return text.plain(" and no one else, not even the coordinators.");
    }
    text = text.plain(" and ");
    if !readers.names.is_empty() {
        text = text.plain("the program's coordinators ");
        for (i, name) in readers.names.iter().enumerate() {
            if i > 0 {
                let last = i + 1 == readers.names.len();
                text = text.plain(if last { " and " } else { ", " });
            }
            text = text.user(name.clone());
        }
    }
    if let Some(role) = &readers.role {
        if !readers.names.is_empty() {
            text = text.plain(", and ");
        }
        text = text
            .plain("everyone with the ")
            .plain(role.clone())
            .plain(" role");
    }
    text.plain(".")
}

pub fn welcome(intake: &Intake, mentor: &Member, mentee: &Member, readers: &Readers) -> Message {
    Message::new()
        .line(
            Text::new()
                .plain("Welcome, ")
                .mention(mentor.identity.clone())
                .plain(" and ")
                .mention(mentee.identity.clone())
                .plain("! This is your private space for the *")
                .user(intake.name.clone())
                .plain("* mentoring program."),
        )
        .line("Use it to plan your meetings and share notes. Each month Tandem will ask here whether you've met, so coordinators know how you're going.")
        .line("Need a break? `/mentoring pause` pauses your prompts, and `/mentoring resume` brings them back.")
        .line(who_reads("Who can read this space: the two of you", readers))
}

pub fn coordinator_added(person: &Participant) -> Message {
    Message::new().line(
        Text::new()
            .user(person.display_name.clone())
            .plain(" is now a program coordinator."),
    )
}

pub fn coordinator_removed(person: &Participant, spaces_left: usize) -> Message {
    let spaces = match spaces_left {
        1 => "1 pair space".to_string(),
        n => format!("{n} pair spaces"),
    };
    Message::new().line(Text::new().user(person.display_name.clone()).plain(format!(
        " is no longer a coordinator: they left {spaces} and will get no more help alerts."
    )))
}

pub fn paused(person: &Participant, until: Option<NaiveDate>) -> Message {
    let line = match until {
        Some(day) => format!(
            "Your prompts and reminders are paused until the end of {day}. They'll start again by themselves."
        ),
        None => "Your prompts and reminders are paused until you resume them.".to_string(),
    };
    Message::new().line(line).button(
        Button::new("Resume now", RESUME_ACTION, person.id.clone()).styled(ButtonStyle::Primary),
    )
}

pub fn resumed() -> Message {
    Message::new().line("Welcome back! Your prompts and reminders are on again.")
}

/// A person's profile: shown on its own, or after a change (`changed`).
pub fn profile(person: &Participant, own: bool, changed: bool) -> Message {
    let mut heading = Text::new();
    if changed {
        heading = heading.plain("Saved. ");
    }
    heading = if own {
        heading.plain("Your profile:")
    } else {
        heading
            .user(person.display_name.clone())
            .plain("'s profile:")
    };
    let city = match &person.city {
        Some(city) => Text::new()
            .user(city.clone())
            .plain(": meetups announced there invite you"),
        None => Text::new().plain("not set: meetups announced for a city won't reach you"),
    };
    let zone = match person.zone {
        Some(zone) => Text::new().user(zone.name()),
        None => Text::new().plain("not set"),
    };
    let hint = if own {
        "Change them with `/mentoring profile city:CITY tz:ZONE`, e.g. `city:Auckland tz:Pacific/Auckland`."
    } else {
        "Change them with `/mentoring profile user:@PERSON city:CITY tz:ZONE`."
    };
    Message::new()
        .line(heading)
        .line(Text::new().plain("• City: ").append(city))
        .line(Text::new().plain("• Time zone: ").append(zone))
        .line(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(readers: &Readers) -> String {
        Message::new()
            .line(who_reads("Read by the two of you", readers))
            .plain_text()
    }

    #[test]
    fn readers_are_named_and_the_role_shown() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect();
        insta::assert_snapshot!(said(&Readers::default()), @"Read by the two of you and no one else, not even the coordinators.");
        insta::assert_snapshot!(said(&Readers { names: names(&["Ana", "Bo", "Cy"]), role: None }), @"Read by the two of you and the program's coordinators Ana, Bo and Cy.");
        insta::assert_snapshot!(said(&Readers { names: vec![], role: Some("<@&9>".into()) }), @"Read by the two of you and everyone with the <@&9> role.");
    }
}
