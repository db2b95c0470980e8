//! Messages about coordinators' announcements and the program's resources.

use crate::chat::{Message, Text};

/// The coordinator's own words, escaped like anything a person typed.
pub fn announcement(a: &crate::store::announcements::Announcement) -> Message {
    Message::new().line(Text::new().plain("*Announcement*: ").user(a.body.clone()))
}

pub fn announcement_planned(
    a: &crate::store::announcements::Announcement,
    audience: &str,
    zone: chrono_tz::Tz,
    later: bool,
) -> Message {
    let when = if later {
        Text::new()
            .plain("It goes out ")
            .time(a.due_at, zone)
            .plain(".")
    } else {
        Text::new().plain("It goes out now.")
    };
    Message::new().line(
        Text::new()
            .plain(format!("Announcement to {} of ", a.audience))
            .user(audience.to_string())
            .plain(". ")
            .append(when),
    )
}

fn resource_line(r: &crate::store::resources::Resource) -> Text {
    let line = Text::new()
        .plain("• *")
        .user(r.name.clone())
        .plain("*: ")
        .user(r.url.clone());
    match &r.description {
        Some(d) => line.plain(" (").user(d.clone()).plain(")"),
        None => line,
    }
}

pub fn resource_added(r: &crate::store::resources::Resource) -> Message {
    Message::new()
        .line("Saved the resource; `/mentoring resources` lists it, new pairs' welcomes link it, and check-ins suggest it in turn.")
        .line(resource_line(r))
}

pub fn resource_removed(name: &str) -> Message {
    Message::new().line(
        Text::new()
            .plain("Removed the resource ")
            .user(format!("\"{name}\""))
            .plain("."),
    )
}

pub fn resource_list(resources: &[crate::store::resources::Resource]) -> Message {
    if resources.is_empty() {
        return Message::new().line("There are no program resources yet. Coordinators add them with `/mentoring resource add NAME URL`.");
    }
    let mut message = Message::new().line("*Program resources*:");
    for r in resources {
        message = message.line(resource_line(r));
    }
    message
}

/// Added to each pair's welcome when there are resources.
pub fn welcome_resources(resources: &[crate::store::resources::Resource]) -> Text {
    let names: Vec<String> = resources.iter().map(|r| r.name.clone()).collect();
    Text::new()
        .plain("Program resources to get you started: ")
        .user(names.join(", "))
        .plain(". `/mentoring resources` has the links.")
}

/// A line of the check-in prompt: this month's resource.
pub(crate) fn resource_suggestion(r: &crate::store::resources::Resource) -> Text {
    Text::new()
        .plain("This month's resource: *")
        .user(r.name.clone())
        .plain("*, ")
        .user(r.url.clone())
}

pub fn announcements_by(dm: bool) -> Message {
    Message::new().line(if dm {
        "From now on you get webinar reminders and announcements by direct message."
    } else {
        "From now on you get webinar reminders and announcements in your intake's channel (by direct message when it has none)."
    })
}
