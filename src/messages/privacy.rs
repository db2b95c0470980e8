//! What `/mentoring mydata` and `/mentoring forget` say.

use crate::chat::{Button, ButtonStyle, Message, Text};
use crate::domain::{Participant, Timestamp};
use crate::store::privacy::Held;

fn or_none(value: Option<&str>) -> Text {
    match value {
        Some(v) => Text::new().user(v.to_string()),
        None => Text::new().plain("none"),
    }
}

pub fn my_data(p: &Participant, held: &Held) -> Message {
    let zone = p.zone.unwrap_or(chrono_tz::UTC);
    let accounts: Vec<String> = [
        p.slack_user_id.as_ref().map(|id| format!("Slack {id}")),
        p.discord_user_id.as_ref().map(|id| format!("Discord {id}")),
        p.console_name.as_ref().map(|id| format!("terminal {id}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut m = Message::new()
        .line("What Tandem stores about you (only you see this):")
        .line(Text::new().plain("• Name: ").user(p.display_name.clone()))
        .line(Text::new().plain("• Accounts: ").user(accounts.join(", ")))
        .line(
            Text::new()
                .plain("• Email: ")
                .append(or_none(p.email.as_deref())),
        )
        .line(
            Text::new()
                .plain("• Time zone: ")
                .append(or_none(p.zone.map(|z| z.name()))),
        )
        .line(
            Text::new()
                .plain("• City: ")
                .append(or_none(p.city.as_deref())),
        );
    if p.paused_since.is_some() {
        m = m.line("• Prompts and reminders: paused");
    }
    for e in &held.enrolments {
        m = m.line(
            Text::new()
                .plain("• Intake ")
                .user(e.intake.clone())
                .plain(format!(", as {}", e.role)),
        );
    }
    for pair in &held.pairs {
        let mut line = Text::new()
            .plain("• Pair in ")
            .user(pair.intake.clone())
            .plain(": ")
            .user(pair.mentor.clone())
            .plain(" (mentor) with ")
            .user(pair.mentee.clone())
            .plain(" (mentee), since ")
            .time(Timestamp(pair.since), zone);
        if let Some(ended) = pair.ended {
            line = line.plain(", ended ").time(Timestamp(ended), zone);
        }
        m = m.line(line);
    }
    let notes = held.checkins.iter().filter(|c| c.note.is_some()).count();
    m = m.line(format!(
        "• Check-in answers you gave: {} ({notes} with a note)",
        held.checkins.len()
    ));
    for r in &held.rsvps {
        m = m.line(
            Text::new()
                .plain("• Meetup ")
                .user(r.meetup.clone())
                .plain(format!(": {}", r.answer)),
        );
    }
    m = m.line(format!(
        "• Answers to named surveys: {}. Answers to anonymous surveys can't be linked to you.",
        held.survey_answers.len()
    ));
    if held.coordinator {
        m = m.line("• You are a coordinator.");
    }
    m.line("The attached file holds all of it. `/mentoring forget @you` erases it.")
}

pub fn forget_confirm(p: &Participant, own: bool, action: &str) -> Message {
    let whose = if own {
        Text::new().plain("your")
    } else {
        Text::new().user(p.display_name.clone()).plain("'s")
    };
    Message::new()
        .line(
            Text::new()
                .plain("This erases ")
                .append(whose)
                .plain(" data from Tandem: name, accounts, email, city and zone, the notes written with check-ins, meetup RSVPs, answers to named surveys, and any coordinator role. Active pairs end (their channels stay; archive them if you like). Check-in answers and anonymous survey figures stay, unattributed."),
        )
        .line("This can't be undone.")
        .button(
            Button::new(
                format!("Forget {}", if own { "me" } else { "them" }),
                action,
                p.id.clone(),
            )
            .styled(ButtonStyle::Danger),
        )
}

pub fn forgotten(name: &str, own: bool) -> Message {
    if own {
        return Message::new().line("Done: Tandem has forgotten you. Thank you for taking part.");
    }
    Message::new().line(
        Text::new()
            .plain("Done: Tandem has forgotten ")
            .user(name.to_string())
            .plain("."),
    )
}

pub fn already_forgotten() -> Message {
    Message::new().line("That person has already been forgotten: there is nothing left to erase.")
}
