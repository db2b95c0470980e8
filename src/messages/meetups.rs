//! Messages about meetups: the invitation with RSVP buttons, counts, reminders and changes.

use crate::chat::{Button, ButtonStyle, Message, Text};
use crate::store::meetups::{Counts, Meetup};

fn what_where(m: &Meetup) -> Text {
    Text::new()
        .plain("*")
        .user(m.title.clone())
        .plain("* at ")
        .user(m.venue.clone())
        .plain(", ")
        .user(m.city.clone())
        .plain(", ")
        .time(m.starts_at, m.zone)
}

pub fn meetup_added(m: &Meetup, audience: &str, locals: usize) -> Message {
    let invited = match locals {
        0 => Text::new()
            .plain(". Nobody has set ")
            .user(m.city.clone())
            .plain(" as their city yet, so no one is invited for now. Participants set theirs with `/mentoring profile city:CITY` (coordinators: `/mentoring profile user:@PERSON city:CITY`); ask them, then `/mentoring meetup cancel` and announce it again."),
        n => Text::new()
            .plain(format!(". {n} participant{} in ", if n == 1 { "" } else { "s" }))
            .user(m.city.clone())
            .plain(" get an invitation with RSVP buttons; those going are reminded the day before."),
    };
    Message::new()
        .line(
            Text::new()
                .plain(format!("Added meetup {}: ", m.number))
                .append(what_where(m))
                .append(invited),
        )
        .field("For", Text::new().user(audience.to_string()))
}

pub fn meetup_list(rows: &[(Meetup, Counts)]) -> Message {
    if rows.is_empty() {
        return Message::new().line("There are no meetups yet. Announce one with `/mentoring meetup TITLE city:CITY at:\"YYYY-MM-DD HH:MM\" venue:\"…\"`.");
    }
    let mut message = Message::new().line(format!("{} meetups:", rows.len()));
    for (m, c) in rows {
        let state = if m.cancelled {
            " (cancelled)".to_string()
        } else {
            format!(
                ": {} going, {} maybe, {} can't go",
                c.going, c.maybe, c.cant
            )
        };
        message = message.line(
            Text::new()
                .plain(format!("• *{}*: ", m.number))
                .append(what_where(m))
                .plain(state),
        );
    }
    message
}

pub fn meetup_changed_reply(m: &Meetup, told: usize) -> Message {
    let text = if m.cancelled {
        Text::new().plain(format!("Cancelled meetup {}", m.number))
    } else {
        Text::new()
            .plain(format!("Moved meetup {} to ", m.number))
            .time(m.starts_at, m.zone)
    };
    Message::new().line(text.plain(format!("; {told} invited will be told.")))
}

/// The invitation, with one button per answer; the value is the meetup, re-checked on click.
pub fn meetup_invite(m: &Meetup, actions: [(&str, &str); 3]) -> Message {
    let mut message = Message::new().line(
        Text::new()
            .plain("You're invited to a mentoring meetup near you: ")
            .append(what_where(m))
            .plain(". Will you come? You can change your answer any time."),
    );
    for (action, answer) in actions {
        let (label, style) = match answer {
            "going" => ("Going", ButtonStyle::Primary),
            "maybe" => ("Maybe", ButtonStyle::Default),
            _ => ("Can't go", ButtonStyle::Default),
        };
        message = message.button(Button::new(label, action, m.id.clone()).styled(style));
    }
    message
}

pub fn rsvp_recorded(m: &Meetup, answer: &str) -> Message {
    let words = match answer {
        "going" => "You're going to ",
        "maybe" => "You might come to ",
        _ => "You can't make it to ",
    };
    Message::new().line(
        Text::new()
            .plain(words)
            .append(what_where(m))
            .plain(". Press another button to change your answer."),
    )
}

pub fn meetup_reminder(m: &Meetup) -> Message {
    Message::new().line(
        Text::new()
            .plain("*Tomorrow*: ")
            .append(what_where(m))
            .plain(". See you there!"),
    )
}

pub fn meetup_changed(m: &Meetup) -> Message {
    let text = if m.cancelled {
        Text::new()
            .plain("*Cancelled*: ")
            .append(what_where(m))
            .plain(" will not take place.")
    } else {
        Text::new()
            .plain("*New time*: ")
            .append(what_where(m))
            .plain(". Your answer still stands.")
    };
    Message::new().line(text)
}

/// After someone sets their city: the upcoming meetups there that now invite them.
pub fn invited_late(meetups: usize, own: bool) -> Text {
    let who = if own { "You're" } else { "They're" };
    match meetups {
        1 => Text::new().plain(format!(
            "{who} now invited to an upcoming meetup there: the invitation is on its way."
        )),
        n => Text::new().plain(format!(
            "{who} invited to {n} more upcoming meetups there: the invitations are on their way."
        )),
    }
}
