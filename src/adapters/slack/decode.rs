//! What Slack sends, read into the app's terms before anything acts on it: slash commands (form
//! fields, or a Socket Mode payload), button presses and modal submissions. Pure: any bytes give
//! a decoded request or `None`, never a panic (the fuzz targets in `fuzz/` hold it to that).

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use crate::adapters::json;
use serde::Deserialize;
use serde_json::Value;

use super::inbound::SlashCommand;
use super::render;
use crate::app::{Caller, Input, Invocation};
use crate::chat::{ChannelRef, MessageRef, ReplyTarget};
use crate::commands::Root;
use crate::domain::{Identity, Platform};

/// Where a body came from: one of the HTTP routes, or a Socket Mode frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Commands,
    Interactions,
    Events,
    SocketMode,
}

/// A request body, decoded.
#[derive(Debug, Clone)]
pub enum Request {
    Command(SlashCommand),
    /// A `block_actions` or `view_submission` payload.
    Interaction(Value),
    /// An Events API body (`url_verification`, `event_callback`).
    Event(Value),
}

#[derive(Deserialize)]
struct InteractionForm {
    payload: String,
}

/// Decodes a body as `route` delivers it; `None` when it does not read.
pub fn request(route: Route, body: &[u8]) -> Option<Request> {
    match route {
        Route::Commands => serde_urlencoded::from_bytes(body)
            .ok()
            .map(Request::Command),
        Route::Interactions => serde_urlencoded::from_bytes::<InteractionForm>(body)
            .ok()
            .and_then(|form| serde_json::from_str(&form.payload).ok())
            .map(Request::Interaction),
        Route::Events => serde_json::from_slice(body).ok().map(Request::Event),
        Route::SocketMode => {
            let envelope: Value = serde_json::from_slice(body).ok()?;
            socket_payload(
                json::at(&envelope, "/type").as_str(),
                json::at(&envelope, "/payload").clone(),
            )
        }
    }
}

/// A Socket Mode envelope's payload, by the envelope's type.
pub fn socket_payload(kind: Option<&str>, payload: Value) -> Option<Request> {
    match kind {
        Some("slash_commands") => serde_json::from_value(payload).ok().map(Request::Command),
        Some("interactive") => Some(Request::Interaction(payload)),
        Some("events_api") => Some(Request::Event(payload)),
        _ => None,
    }
}

fn slack_channel(id: Option<&str>) -> Option<ChannelRef> {
    id.filter(|id| !id.is_empty())
        .map(|id| ChannelRef::new(Platform::Slack, id))
}

/// A slash command as an invocation and where its answer goes; `None` for a command Tandem does
/// not register.
pub fn command(command: &SlashCommand) -> Option<(Invocation, ReplyTarget)> {
    let root = Root::parse(&command.command)?;
    let identity = Identity::new(Platform::Slack, command.user_id.clone());
    let channel = slack_channel(command.channel_id.as_deref());
    let invocation = Invocation {
        caller: Caller::person(identity.clone(), command.user_name.clone()),
        channel: channel.clone(),
        input: Input::Text {
            root,
            // Slack escapes what people type; mentions arrive as `<@U…|name>` and stay.
            text: render::unescape(&command.text),
        },
    };
    let target = ReplyTarget {
        user: identity,
        channel,
        token: command.response_url.clone(),
        trigger: command.trigger_id.clone(),
    };
    Some((invocation, target))
}

/// The buttons pressed in one `block_actions` payload.
#[derive(Debug, Clone)]
pub struct Presses {
    pub invocations: Vec<Invocation>,
    pub target: ReplyTarget,
    /// The message the buttons sit on, when Slack says.
    pub clicked: Option<MessageRef>,
}

/// A `block_actions` payload as one invocation per action; `None` without a user.
pub fn presses(payload: &Value) -> Option<Presses> {
    let user = json::at(payload, "/user/id").as_str()?;
    let identity = Identity::new(Platform::Slack, user);
    let name = json::at(payload, "/user/name").as_str().unwrap_or(user);
    let channel_id = json::at(payload, "/container/channel_id")
        .as_str()
        .or(json::at(payload, "/channel/id").as_str());
    let channel = slack_channel(channel_id);
    let clicked = match (
        &channel,
        json::at(payload, "/container/message_ts").as_str(),
    ) {
        (Some(channel), Some(ts)) => Some(MessageRef {
            channel: channel.clone(),
            id: ts.to_string(),
        }),
        _ => None,
    };
    let target = ReplyTarget {
        user: identity.clone(),
        channel: channel.clone(),
        token: json::at(payload, "/response_url")
            .as_str()
            .map(str::to_string),
        trigger: json::at(payload, "/trigger_id")
            .as_str()
            .map(str::to_string),
    };
    let invocations = json::at(payload, "/actions")
        .as_array()
        .into_iter()
        .flatten()
        .map(|action| Invocation {
            caller: Caller::person(identity.clone(), name),
            channel: channel.clone(),
            input: Input::Action {
                action: json::at(action, "/action_id")
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                value: json::at(action, "/value")
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                message: clicked.clone(),
            },
        })
        .collect();
    Some(Presses {
        invocations,
        target,
        clicked,
    })
}

/// A `view_submission` payload as the invocation saving the form, and the modal's title.
pub fn submission(payload: &Value) -> Option<(Invocation, String)> {
    let user = json::at(payload, "/user/id").as_str()?;
    let identity = Identity::new(Platform::Slack, user);
    let view = &json::at(payload, "/view");
    let title = json::at(view, "/title/text")
        .as_str()
        .filter(|t| !t.is_empty())
        .unwrap_or("Tandem")
        .to_string();
    let invocation = Invocation {
        caller: Caller::person(
            identity,
            json::at(payload, "/user/name").as_str().unwrap_or(user),
        ),
        channel: None,
        input: Input::FormSubmitted {
            form_id: json::at(view, "/callback_id")
                .as_str()
                .unwrap_or_default()
                .to_string(),
            answers: render::form_answers(view),
        },
    };
    Some((invocation, title))
}

/// Every invocation a body would become, as the routes and Socket Mode read it: one entry point
/// for the fuzz targets and the corpus test.
pub fn invocations(route: Route, body: &[u8]) -> Vec<Invocation> {
    match request(route, body) {
        Some(Request::Command(c)) => command(&c).map(|(i, _)| i).into_iter().collect(),
        Some(Request::Interaction(payload)) => match json::at(&payload, "/type").as_str() {
            Some("block_actions") => presses(&payload).map(|p| p.invocations).unwrap_or_default(),
            Some("view_submission") => submission(&payload).map(|(i, _)| i).into_iter().collect(),
            _ => Vec::new(),
        },
        Some(Request::Event(_)) | None => Vec::new(),
    }
}
