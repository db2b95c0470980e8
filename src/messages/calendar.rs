//! Messages about the program's calendar: webinars, their reminders, live posts and recordings.

use std::time::Duration;

use crate::chat::{Message, Text};
use crate::domain::Timestamp;
use crate::domain::calendar::offset_label;
use crate::store::webinars::Webinar;

/// `*Title*` with the speakers, as every webinar message names it.
fn title(w: &Webinar) -> Text {
    let text = Text::new().plain("*").user(w.title.clone()).plain("*");
    match &w.speakers {
        Some(speakers) => text.plain(" with ").user(speakers.clone()),
        None => text,
    }
}

/// "in 7 days", "in 1 hour": how far ahead a reminder is.
fn ahead(offset: Duration) -> String {
    let label = offset_label(offset);
    let (n, unit) = label.split_at(label.len() - 1);
    let unit = match (unit, n) {
        ("d", "1") => "day",
        ("d", _) => "days",
        ("h", "1") => "hour",
        ("h", _) => "hours",
        (_, "1") => "minute",
        _ => "minutes",
    };
    format!("in {n} {unit}")
}

/// `calendar_url` is the reader's own keyed link; a channel has many readers, so it gets none and
/// says where each person finds theirs.
fn join_and_calendar(mut message: Message, w: &Webinar, calendar_url: Option<&str>) -> Message {
    if let Some(url) = &w.join_url {
        message = message.field("Join", Text::new().user(url.clone()));
    }
    let calendar = match calendar_url {
        Some(url) => url.to_string(),
        None => "type `/webinars` for your own calendar link".to_string(),
    };
    message.field("Add to calendar", Text::new().plain(calendar))
}

pub fn webinar_added(
    w: &Webinar,
    audience: &str,
    reminders: usize,
    calendar_url: Option<&str>,
) -> Message {
    let message = Message::new()
        .line(
            Text::new()
                .plain(format!("Added webinar {}: ", w.number))
                .append(title(w))
                .plain(", ")
                .time(w.starts_at, w.zone)
                .plain("."),
        )
        .field("For", Text::new().user(audience.to_string()))
        .field(
            "Reminders",
            format!("{reminders} before it, and a post when it starts"),
        );
    join_and_calendar(message, w, calendar_url)
}

pub fn webinar_series_added(series: &str, audience: &str, sessions: &[Webinar]) -> Message {
    let Some(first) = sessions.first() else {
        return Message::new().line(
            "That schedule has no sessions in the coming year (or before the intake ends), so nothing was added.",
        );
    };
    let last = sessions.last().unwrap_or(first);
    Message::new()
        .line(
            Text::new()
                .plain(format!("Added {} sessions of *", sessions.len()))
                .user(series.to_string())
                .plain(format!(
                    "*, numbers {} to {}, from ",
                    first.number, last.number
                ))
                .time(first.starts_at, first.zone)
                .plain(" to ")
                .time(last.starts_at, last.zone)
                .plain(". Give each its topic with `/mentoring webinar topic ID \"TOPIC\"`."),
        )
        .field("For", Text::new().user(audience.to_string()))
}

pub fn webinar_topic_set(w: &Webinar) -> Message {
    Message::new().line(
        Text::new()
            .plain(format!("Webinar {} is now ", w.number))
            .append(title(w))
            .plain(", ")
            .time(w.starts_at, w.zone)
            .plain(". Reminders use the new title."),
    )
}

pub fn webinar_list(webinars: &[Webinar], now: Timestamp) -> Message {
    if webinars.is_empty() {
        return Message::new()
            .line("There are no webinars yet. Add one with `/mentoring webinar add TITLE at:\"YYYY-MM-DD HH:MM\"`.");
    }
    let mut message = Message::new().line(format!("{} webinars:", webinars.len()));
    for w in webinars {
        let state = if w.cancelled {
            "cancelled".to_string()
        } else if w.starts_at <= now {
            match &w.recording_url {
                Some(_) => "past, recording shared".to_string(),
                None => "past, no recording yet".to_string(),
            }
        } else {
            "upcoming".to_string()
        };
        message = message.line(
            Text::new()
                .plain(format!("• *{}*: ", w.number))
                .append(title(w))
                .plain(", ")
                .time(w.starts_at, w.zone)
                .plain(format!(" ({state})")),
        );
    }
    message
}

pub fn webinar_cancelled(w: &Webinar, told: usize) -> Message {
    Message::new().line(
        Text::new()
            .plain(format!("Cancelled webinar {}: ", w.number))
            .append(title(w))
            .plain(format!(
                ". Reminders not yet sent are withdrawn; {told} already reminded will be told."
            )),
    )
}

pub fn webinar_moved(w: &Webinar, told: usize) -> Message {
    Message::new().line(
        Text::new()
            .plain(format!("Moved webinar {} to ", w.number))
            .time(w.starts_at, w.zone)
            .plain(format!(
                ". Its reminders follow it; {told} already reminded will be told."
            )),
    )
}

pub fn recording_added(w: &Webinar) -> Message {
    Message::new().line(
        Text::new()
            .plain(format!("Saved the recording of webinar {}; everyone invited gets a post with the link, and the next check-in suggests it.", w.number)),
    )
}

/// A reminder `offset` before the start, to a channel or one person.
pub fn webinar_reminder(w: &Webinar, offset: Duration, calendar_url: Option<&str>) -> Message {
    let message = Message::new().line(
        Text::new()
            .plain(format!("*Webinar {}*: ", ahead(offset)))
            .append(title(w))
            .plain(", ")
            .time(w.starts_at, w.zone)
            .plain("."),
    );
    join_and_calendar(message, w, calendar_url)
}

/// At the start: the post people gather under for the live chat.
/// The post at the start time. In a channel (`chat_thread`) a thread for the live chat opens
/// under it; a DM has no thread, so it only points to the session.
pub fn webinar_live(w: &Webinar, chat_thread: bool) -> Message {
    let invite = if chat_thread {
        ". Say hello and ask your questions in the live chat thread under this message."
    } else {
        ". Join from the link below."
    };
    let mut message =
        Message::new().line(Text::new().plain("*Live now*: ").append(title(w)).plain(
            if w.join_url.is_some() || chat_thread {
                invite
            } else {
                "."
            },
        ));
    if let Some(url) = &w.join_url {
        message = message.field("Join", Text::new().user(url.clone()));
    }
    message
}

/// The name of a live post's chat thread (Discord shows it; the adapter trims it to fit).
pub fn webinar_thread_name(w: &Webinar) -> String {
    format!("Live chat: {}", w.title)
}

/// The first message in the live chat thread.
pub fn webinar_thread_opening(w: &Webinar) -> Message {
    Message::new().line(Text::new().plain("Live chat for ").append(title(w)).plain(
        ": say hello, share what stands out and ask your questions here while the session runs.",
    ))
}

pub fn webinar_recording(w: &Webinar) -> Message {
    let url = w.recording_url.clone().unwrap_or_default();
    Message::new()
        .line(
            Text::new()
                .plain("The recording of ")
                .append(title(w))
                .plain(" is ready: watch it when it suits you, and talk it over with your pair."),
        )
        .field("Recording", Text::new().user(url))
}

/// To those already reminded: the session moved, or will not happen.
pub fn webinar_changed(w: &Webinar) -> Message {
    let line = if w.cancelled {
        Text::new()
            .plain("*Cancelled*: ")
            .append(title(w))
            .plain(" will not take place. Sorry for the change of plans.")
    } else {
        Text::new()
            .plain("*New time*: ")
            .append(title(w))
            .plain(" now starts ")
            .time(w.starts_at, w.zone)
            .plain(". Please update your calendar.")
    };
    Message::new().line(line)
}

/// `/mentoring webinars`: what is coming up and what can be watched again.
/// `/webinars`; `feed` is the reader's own calendar feed, when they are in the program.
pub fn webinars_calendar(
    upcoming: &[Webinar],
    recorded: &[Webinar],
    feed: Option<&str>,
) -> Message {
    let mut message = Message::new();
    if upcoming.is_empty() {
        message = message.line("No webinars are planned yet.");
    } else {
        message = message.line("*Upcoming webinars*, in your time:");
        for w in upcoming {
            let mut line = Text::new()
                .plain("• ")
                .append(title(w))
                .plain(", ")
                .time(w.starts_at, w.zone);
            if let Some(url) = &w.join_url {
                line = line.plain(": ").user(url.clone());
            }
            message = message.line(line);
        }
    }
    if !recorded.is_empty() {
        message = message.line("*Recordings* of past webinars:");
        for w in recorded {
            message = message.line(
                Text::new()
                    .plain("• ")
                    .append(title(w))
                    .plain(": ")
                    .user(w.recording_url.clone().unwrap_or_default()),
            );
        }
    }
    if let Some(feed) = feed {
        message = message.field(
            "Your calendar (keep this link to yourself)",
            Text::new().plain(feed.to_string()),
        );
    }
    message
}

/// Once, when calendar links began to need a key: the reader's own link.
pub fn calendar_links_renewed(feed: &str) -> Message {
    Message::new()
        .line(
            "Webinar calendar links now carry a personal key, so the links you were sent before \
             no longer work.",
        )
        .field(
            "Your calendar (subscribe to it; keep it to yourself)",
            Text::new().plain(feed.to_string()),
        )
}

/// A line of the check-in prompt: last session's recording as a conversation starter.
pub(crate) fn recording_suggestion(w: &Webinar) -> Text {
    Text::new()
        .plain("Missed last month's webinar, ")
        .append(title(w))
        .plain("? The recording is a good conversation starter: ")
        .user(w.recording_url.clone().unwrap_or_default())
}
