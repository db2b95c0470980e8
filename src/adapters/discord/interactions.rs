//! Interactions, however they arrive (gateway or HTTP): deduplicated by id across instances,
//! decoded into an [`Invocation`], and answered within Discord's 3 seconds (ARCHITECTURE
//! decision 8). A reply ready in time is the answer itself; slow work gets a deferred answer and
//! an edit or follow-up when it is done.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use crate::adapters::json;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use serenity::model::application::{
    ActionRowComponent, CommandData, CommandDataOption, CommandDataOptionValue,
    ComponentInteractionDataKind, Interaction,
};
use serenity::model::guild::Member;
use serenity::model::user::User;
use tokio::sync::oneshot;

use super::form::{self, FormAction, FormAnswer};
use super::outbound::Call;
use super::{Discord, EPHEMERAL, display_name, render};
use crate::app::{App, Caller, Input, Invocation, Reply, Visibility};
use crate::chat::{Attachment, ChannelRef, MessageRef};
use crate::commands::{self, Command, Mention, ParseError, RawArgs, RawValue, Root};
use crate::domain::{Identity, Platform};
use crate::messages;
use crate::store;

/// How long we wait for the app before deferring: well inside Discord's 3 seconds, leaving
/// room for the answer's own trip.
pub const ACK_DEADLINE: Duration = Duration::from_millis(1500);

/// Interaction response types (Discord's numbering).
const CHANNEL_MESSAGE: u64 = 4;
const DEFERRED_CHANNEL_MESSAGE: u64 = 5;
const DEFERRED_UPDATE_MESSAGE: u64 = 6;
const UPDATE_MESSAGE: u64 = 7;
const MODAL: u64 = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Command,
    Component,
    Modal,
}

/// The first answer to an interaction. Call [`Ack::sent`] once Discord has it: late edits and
/// follow-ups wait for that, since Discord refuses them before the first answer.
pub struct Ack {
    pub body: Value,
    /// Already handled (here or by another instance): over the gateway, send nothing.
    pub duplicate: bool,
    sent: Option<oneshot::Sender<()>>,
}

impl Ack {
    fn now(body: Value) -> Ack {
        Ack {
            body,
            duplicate: false,
            sent: None,
        }
    }

    pub fn sent(mut self) {
        if let Some(tx) = self.sent.take() {
            let _ = tx.send(());
        }
    }
}

/// Turns interactions into invocations; shared by the gateway and the HTTP endpoint.
pub struct Interactions {
    pub(crate) discord: Discord,
    pub(crate) app: App,
    pub(crate) ack_deadline: Duration,
}

struct Decoded {
    kind: Kind,
    invocation: Invocation,
    token: String,
    /// Known to touch the platform (making a channel): defer at once.
    slow: bool,
    /// A step of a form: what the app's reply turns into.
    form: Option<FormAction>,
}

impl Interactions {
    pub fn new(discord: Discord, app: App) -> Arc<Interactions> {
        Arc::new(Interactions {
            discord,
            app,
            ack_deadline: ACK_DEADLINE,
        })
    }

    pub fn with_ack_deadline(
        discord: Discord,
        app: App,
        ack_deadline: Duration,
    ) -> Arc<Interactions> {
        Arc::new(Interactions {
            discord,
            app,
            ack_deadline,
        })
    }

    /// Decides the first answer and leaves the rest (the app's slow work, follow-ups) running.
    pub async fn respond(&self, interaction: Interaction) -> Ack {
        let Some(id) = interaction_id(&interaction) else {
            return Ack::now(json!({ "type": 1 }));
        };
        match store::inbound::first_time(
            self.app.store.pool(),
            Platform::Discord,
            &id,
            self.app.now(),
        )
        .await
        {
            Ok(true) => {}
            Ok(false) => {
                return Ack {
                    body: private_answer(&messages::discord::already_handled()),
                    duplicate: true,
                    sent: None,
                };
            }
            // Better a rare double than a dropped click: go on.
            Err(err) => tracing::warn!(error = %err, "could not record a Discord interaction id"),
        }
        let role = self.discord.settings().coordinator_role;
        let Some(decoded) = decode(interaction, role) else {
            return Ack::now(json!({ "type": 1 }));
        };
        let app = self.app.clone();
        let invocation = decoded.invocation.clone();
        let mut work = tokio::spawn(async move { app.handle(invocation).await });
        if !decoded.slow
            && let Ok(done) = tokio::time::timeout(self.ack_deadline, &mut work).await
        {
            let reply = done.unwrap_or_else(|_| Reply::private(messages::internal_error()));
            return self.answer_now(&decoded, reply);
        }
        // A form's step (even one saved from its modal) is the message to update later.
        let deferred = match (decoded.kind, &decoded.form) {
            (Kind::Component, _) | (Kind::Modal, Some(_)) => {
                json!({ "type": DEFERRED_UPDATE_MESSAGE })
            }
            _ => json!({ "type": DEFERRED_CHANNEL_MESSAGE, "data": { "flags": EPHEMERAL } }),
        };
        let (tx, rx) = oneshot::channel();
        let discord = self.discord.clone();
        tokio::spawn(async move {
            let reply = work
                .await
                .unwrap_or_else(|_| Reply::private(messages::internal_error()));
            if rx.await.is_ok() {
                follow_up(&discord, &decoded, reply).await;
            }
        });
        Ack {
            body: deferred,
            duplicate: false,
            sent: Some(tx),
        }
    }

    /// The first answer, right away. A private note beside an updated message, and a reply's
    /// files, follow once Discord has that answer.
    fn answer_now(&self, decoded: &Decoded, reply: Reply) -> Ack {
        if let Some(action) = &decoded.form {
            return Ack::now(match action.answer(reply.form.as_ref(), &reply.message) {
                FormAnswer::Update(data) => json!({ "type": UPDATE_MESSAGE, "data": data }),
                FormAnswer::Modal(data) => json!({ "type": MODAL, "data": data }),
                FormAnswer::Private(message) => private_answer(&message),
            });
        }
        // A form opens as its first step, in a message only the caller sees.
        if let Some(form) = reply
            .form
            .as_ref()
            .filter(|_| decoded.kind == Kind::Command)
        {
            let data = ephemeral(form::step_body(form, 0));
            return Ack::now(json!({ "type": CHANNEL_MESSAGE, "data": data }));
        }
        let (body, note) = match &reply.replaces {
            Some(replaced) if decoded.kind == Kind::Component => (
                json!({ "type": UPDATE_MESSAGE, "data": render::message_body(replaced) }),
                // The clicked message changes, and the clicker may also get a private note.
                (*replaced != reply.message).then(|| reply.message.clone()),
            ),
            _ if reply.visibility == Visibility::Private => (private_answer(&reply.message), None),
            _ => {
                let data = render::message_body(&reply.message);
                (json!({ "type": CHANNEL_MESSAGE, "data": data }), None)
            }
        };
        if note.is_none() && reply.attachments.is_empty() {
            return Ack::now(body);
        }
        let (tx, rx) = oneshot::channel();
        let (discord, token) = (self.discord.clone(), decoded.token.clone());
        let files = reply.attachments;
        tokio::spawn(async move {
            if rx.await.is_ok() {
                if let Some(note) = note {
                    private_follow_up(&discord, &token, &note).await;
                }
                send_files(&discord, &token, &files).await;
            }
        });
        Ack {
            body,
            duplicate: false,
            sent: Some(tx),
        }
    }
}

/// An interaction in the app's terms; `None` for kinds Tandem does not handle. `role` is the
/// coordinator role (DISCORD_COORDINATOR_ROLE_ID).
fn decode(interaction: Interaction, role: Option<u64>) -> Option<Decoded> {
    match interaction {
        Interaction::Command(c) => {
            let input = command_input(&c.data);
            let slow = matches!(
                &input,
                Input::Parsed(Ok(p)) if matches!(p.command, Command::Pair { .. } | Command::Unpair { .. })
            );
            Some(Decoded {
                kind: Kind::Command,
                invocation: Invocation {
                    caller: caller(c.member.as_deref(), &c.user, role),
                    channel: Some(ChannelRef::new(Platform::Discord, c.channel_id.to_string())),
                    input,
                },
                token: c.token,
                slow,
                form: None,
            })
        }
        Interaction::Component(c) => {
            let form = FormAction::parse(&c.data.custom_id);
            let channel = ChannelRef::new(Platform::Discord, c.channel_id.to_string());
            let message = MessageRef {
                channel: channel.clone(),
                id: c.message.id.to_string(),
            };
            let input = match (&form, &c.data.kind) {
                (Some(action), ComponentInteractionDataKind::StringSelect { values }) => {
                    action.input(vec![(String::new(), values.clone())])
                }
                (Some(action), _) => action.input(Vec::new()),
                (None, _) => {
                    let (action, value) = render::parse_custom_id(&c.data.custom_id);
                    Input::Action {
                        action,
                        value,
                        message: Some(message),
                    }
                }
            };
            Some(Decoded {
                kind: Kind::Component,
                invocation: Invocation {
                    caller: caller(c.member.as_ref(), &c.user, role),
                    channel: Some(channel),
                    input,
                },
                token: c.token,
                slow: false,
                form,
            })
        }
        Interaction::Modal(m) => {
            // Only a form's steps open modals; anything else is not ours to read.
            let action = FormAction::parse(&m.data.custom_id)?;
            let answers = m
                .data
                .components
                .iter()
                .flat_map(|row| row.components.iter())
                .filter_map(|c| match c {
                    ActionRowComponent::InputText(t) => Some((
                        t.custom_id.clone(),
                        vec![t.value.clone().unwrap_or_default()],
                    )),
                    _ => None,
                })
                .collect();
            Some(Decoded {
                kind: Kind::Modal,
                invocation: Invocation {
                    caller: caller(m.member.as_ref(), &m.user, role),
                    channel: Some(ChannelRef::new(Platform::Discord, m.channel_id.to_string())),
                    input: action.input(answers),
                },
                token: m.token,
                slow: false,
                form: Some(action),
            })
        }
        _ => None,
    }
}

/// Who clicked or typed. Discord vouches for the member's roles, so the coordinator role
/// makes a coordinator; the app still checks every command.
fn caller(member: Option<&Member>, user: &User, role: Option<u64>) -> Caller {
    let name = member.map(display_name).unwrap_or_else(|| {
        user.global_name
            .clone()
            .unwrap_or_else(|| user.name.clone())
    });
    let platform_coordinator = match (role, member) {
        (Some(role), Some(member)) => member.roles.iter().any(|r| r.get() == role),
        _ => false,
    };
    Caller {
        platform_coordinator,
        ..Caller::person(Identity::new(Platform::Discord, user.id.to_string()), name)
    }
}

/// Reads a raw interaction body as the HTTP endpoint does and decodes it into the invocation it
/// asks for: one entry point for the fuzz targets and the corpus test. `None` when the body does
/// not read or asks for nothing (PING, an unknown kind).
pub fn invocation(body: &[u8], coordinator_role: Option<u64>) -> Option<Invocation> {
    let interaction: Interaction = serde_json::from_slice(body).ok()?;
    decode(interaction, coordinator_role).map(|d| d.invocation)
}

fn interaction_id(interaction: &Interaction) -> Option<String> {
    match interaction {
        Interaction::Command(c) => Some(c.id.to_string()),
        Interaction::Component(c) => Some(c.id.to_string()),
        Interaction::Modal(m) => Some(m.id.to_string()),
        _ => None,
    }
}

/// Subcommand group and subcommand become the command's words; the options its arguments.
fn command_input(data: &CommandData) -> Input {
    Input::Parsed(
        command_args(data).and_then(|(spec, raw)| commands::bind(spec, Platform::Discord, raw)),
    )
}

/// The command an interaction names and its options by name, not yet checked.
pub(super) fn command_args(
    data: &CommandData,
) -> Result<(&'static commands::CommandSpec, RawArgs), ParseError> {
    let Some(root) = Root::parse(&data.name) else {
        return Err(ParseError::UnknownCommand {
            root: Root::Mentoring,
            typed: data.name.clone(),
        });
    };
    let mut words: Vec<&str> = Vec::new();
    let mut options: &[CommandDataOption] = &data.options;
    while let [only] = options {
        match &only.value {
            CommandDataOptionValue::SubCommandGroup(inner)
            | CommandDataOptionValue::SubCommand(inner) => {
                words.push(&only.name);
                options = inner;
            }
            _ => break,
        }
    }
    let bare = words == [super::commands::BARE_SUBCOMMAND];
    let group_self =
        words.len() == 2 && words.get(1) == Some(&super::commands::GROUP_SELF_SUBCOMMAND);
    let spec = commands::parse::spec_for(root, &words)
        .or_else(|| bare.then(|| commands::parse::spec_for(root, &[])).flatten())
        .or_else(|| {
            group_self
                .then(|| commands::parse::spec_for(root, words.get(..1).unwrap_or_default()))
                .flatten()
        });
    let Some(spec) = spec else {
        return Err(ParseError::UnknownCommand {
            root,
            typed: words.join(" "),
        });
    };
    let raw = options
        .iter()
        .map(|o| {
            let value = match &o.value {
                CommandDataOptionValue::User(id) => RawValue::User(Mention::Id {
                    platform: Platform::Discord,
                    id: id.to_string(),
                    label: user_label(data, *id),
                }),
                CommandDataOptionValue::String(s) => RawValue::Text(s.clone()),
                CommandDataOptionValue::Integer(n) => RawValue::Text(n.to_string()),
                CommandDataOptionValue::Number(n) => RawValue::Text(n.to_string()),
                CommandDataOptionValue::Boolean(b) => RawValue::Text(b.to_string()),
                CommandDataOptionValue::Channel(id) => RawValue::Text(format!("<#{id}>")),
                other => RawValue::Text(format!("{other:?}")),
            };
            (o.name.clone(), value)
        })
        .collect();
    Ok((spec, RawArgs(raw)))
}

/// The name Discord resolved for a USER option: nickname, display name, username.
fn user_label(data: &CommandData, id: serenity::model::id::UserId) -> Option<String> {
    let nick = data.resolved.members.get(&id).and_then(|m| m.nick.clone());
    let user = data.resolved.users.get(&id);
    nick.or_else(|| user.and_then(|u| u.global_name.clone()))
        .or_else(|| user.map(|u| u.name.clone()))
}

/// The late answer after a deferral: the original answer edited (or, for a click, the message
/// clicked on), plus a private note where the reply says more.
async fn follow_up(discord: &Discord, decoded: &Decoded, reply: Reply) {
    let token = decoded.token.as_str();
    let (edit, note) = match (decoded.kind, &reply.replaces, &decoded.form, &reply.form) {
        (_, _, Some(action), form) => match action.answer(form.as_ref(), &reply.message) {
            FormAnswer::Update(body) => (Some(body), None),
            // A modal can only be the first answer.
            FormAnswer::Modal(_) => (None, Some(messages::discord::form_too_slow())),
            FormAnswer::Private(message) => (None, Some(message)),
        },
        (Kind::Command, _, None, Some(form)) => (Some(form::step_body(form, 0)), None),
        (Kind::Component, Some(replaced), ..) => (
            Some(render::message_body(replaced)),
            (*replaced != reply.message).then(|| reply.message.clone()),
        ),
        (Kind::Component, None, ..) => (None, Some(reply.message.clone())),
        _ => (Some(render::message_body(&reply.message)), None),
    };
    if let Some(body) = edit {
        let original = format!("{}/messages/@original", discord.webhook_path(token));
        if let Err(err) = discord
            .rest()
            .call::<Value>(Call::send(Method::PATCH, &original, &body).repeatable())
            .await
        {
            tracing::warn!(error = %err, "could not send a deferred Discord answer");
        }
    }
    if let Some(message) = note {
        private_follow_up(discord, token, &message).await;
    }
    send_files(discord, token, &reply.attachments).await;
}

/// A message body only the caller sees.
fn ephemeral(mut body: Value) -> Value {
    json::set(&mut body, "flags", json!(EPHEMERAL));
    body
}

/// A new message only the caller sees, as the first answer.
fn private_answer(message: &crate::chat::Message) -> Value {
    let data = ephemeral(render::message_body(message));
    json!({ "type": CHANNEL_MESSAGE, "data": data })
}

async fn private_follow_up(discord: &Discord, token: &str, message: &crate::chat::Message) {
    if let Err(err) = discord.follow_up_privately(token, message, &[]).await {
        tracing::warn!(error = %err, "could not send a private Discord follow-up");
    }
}

/// A reply's files (a survey's chart or export), in an ephemeral follow-up only the person who
/// asked sees; if they can't go, that person is told rather than left waiting.
async fn send_files(discord: &Discord, token: &str, files: &[Attachment]) {
    if files.is_empty() {
        return;
    }
    let caption = messages::files_caption(files);
    if let Err(err) = discord.follow_up_privately(token, &caption, files).await {
        tracing::warn!(error = %err, "could not send a reply's files on Discord");
        private_follow_up(discord, token, &messages::files_not_sent()).await;
    }
}
