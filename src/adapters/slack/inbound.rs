//! What Slack sends, decoded into an [`Invocation`] and answered within Slack's three seconds,
//! the same way for HTTP and Socket Mode: the app gets a short budget; a reply ready in time goes
//! back in the acknowledgement, a later one through `response_url` (ARCHITECTURE decision 8).

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use crate::adapters::json;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures_util::FutureExt;

use serde::Deserialize;
use serde_json::{Value, json};

use super::chat::SlackChat;
use super::decode;
use super::render;
use crate::app::{App, Reply, Visibility};
use crate::chat::{ChannelRef, Chat, Message, MessageRef, ReplyTarget};
use crate::domain::Platform;
use crate::messages;
use crate::store;

/// How long the app may take before the acknowledgement goes out without its answer.
pub const ACK_BUDGET: Duration = Duration::from_secs(2);

/// The body of an acknowledgement: nothing, or a message Slack shows at once.
#[derive(Debug, Clone, PartialEq)]
pub enum Ack {
    Empty,
    Json(Value),
}

/// A slash command, as form fields (HTTP) or the `payload` of a Socket Mode envelope.
#[derive(Debug, Clone, Deserialize)]
pub struct SlashCommand {
    pub command: String,
    #[serde(default)]
    pub text: String,
    pub user_id: String,
    #[serde(default)]
    pub user_name: String,
    pub channel_id: Option<String>,
    pub response_url: Option<String>,
    pub trigger_id: Option<String>,
}

#[derive(Clone)]
pub struct Inbound {
    app: App,
    chat: SlackChat,
    budget: Duration,
}

fn respond_body(message: &Message, visibility: Visibility) -> Value {
    let response_type = match visibility {
        Visibility::Private => "ephemeral",
        Visibility::Channel => "in_channel",
    };
    json!({
        "response_type": response_type,
        "text": render::fallback(message),
        "blocks": render::blocks(message),
    })
}

impl Inbound {
    pub fn new(app: App, chat: SlackChat, budget: Duration) -> Self {
        Inbound { app, chat, budget }
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    /// Runs `work` in its own task and waits for it within the budget; past that it keeps going
    /// and `None` says the acknowledgement cannot wait for it.
    async fn within_budget<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> Option<T> {
        let mut task = tokio::spawn(work);
        match tokio::time::timeout(self.budget, &mut task).await {
            Ok(Ok(done)) => Some(done),
            Ok(Err(err)) => {
                tracing::error!(error = %err, "a Slack request's work panicked");
                None
            }
            Err(_) => None,
        }
    }

    pub async fn command(&self, command: SlashCommand) -> Ack {
        let Some((invocation, target)) = decode::command(&command) else {
            tracing::warn!(command = %command.command, "a slash command Tandem does not register");
            return Ack::Empty;
        };
        let app = self.app.clone();
        // Run here, not in a task of its own: most commands answer well within the budget, and
        // a spawned task costs a thread wake-up per request. Only a late one moves to a task.
        let mut work =
            Box::pin(AssertUnwindSafe(async move { app.handle(invocation).await }).catch_unwind());
        match tokio::time::timeout(self.budget, &mut work).await {
            Ok(Ok(reply)) => self.answer_now(reply, &target).await,
            Ok(Err(_)) => {
                tracing::error!("a slash command panicked");
                Ack::Json(respond_body(
                    &messages::internal_error(),
                    Visibility::Private,
                ))
            }
            Err(_) => {
                let me = self.clone();
                tokio::spawn(async move {
                    if let Ok(reply) = work.await {
                        me.deliver(reply, &target, None).await;
                    }
                });
                Ack::Json(respond_body(
                    &messages::slack::working_on_it(),
                    Visibility::Private,
                ))
            }
        }
    }

    /// A reply ready within the budget rides on the acknowledgement; a form opens as a modal,
    /// and its words are only sent when it could not open (they say how to answer by typing);
    /// files follow in the person's DM once the acknowledgement is on its way.
    async fn answer_now(&self, reply: Reply, target: &ReplyTarget) -> Ack {
        if !reply.attachments.is_empty() {
            let (me, reply, target) = (self.clone(), reply.clone(), target.clone());
            tokio::spawn(async move { me.send_files(&reply, &target).await });
        }
        if let Some(form) = &reply.form {
            match self.chat.open_form(target, form).await {
                Ok(()) => return Ack::Empty,
                Err(err) => tracing::warn!(error = %err, "could not open a form"),
            }
        }
        Ack::Json(respond_body(&reply.message, reply.visibility))
    }

    /// Sends a reply after the acknowledgement: a replacement for the clicked message, a form, a
    /// message in the channel, or a private answer.
    async fn deliver(&self, reply: Reply, target: &ReplyTarget, clicked: Option<MessageRef>) {
        let result = async {
            if let Some(form) = &reply.form {
                match self.chat.open_form(target, form).await {
                    Ok(()) => return Ok(()),
                    Err(err) => tracing::warn!(error = %err, "could not open a form"),
                }
            }
            if let Some(replacement) = &reply.replaces {
                match (&target.token, &clicked) {
                    (Some(url), _) => self.chat.respond(url, replacement, true).await?,
                    (None, Some(at)) => self.chat.update(at, replacement).await?,
                    (None, None) => {}
                }
                if reply.message == *replacement || reply.message.lines.is_empty() {
                    return Ok(());
                }
            }
            match (reply.visibility, &target.channel) {
                (Visibility::Channel, Some(channel)) => {
                    self.chat.post(channel, &reply.message).await.map(|_| ())
                }
                _ => self.chat.reply_private(target, &reply.message).await,
            }
        }
        .await;
        match result {
            Ok(()) => self.send_files(&reply, target).await,
            Err(err) => {
                tracing::warn!(error = %err, user = %target.user, "could not deliver a Slack reply")
            }
        }
    }

    /// `block_actions` become button presses; `view_submission` saves a form's answers.
    pub async fn interaction(&self, payload: Value) -> Ack {
        match json::at(&payload, "/type").as_str() {
            Some("block_actions") => {
                let me = self.clone();
                self.within_budget(async move { me.press(payload).await })
                    .await;
                Ack::Empty
            }
            Some("view_submission") => self.view_submission(payload).await,
            other => {
                tracing::debug!(kind = ?other, "ignored a Slack interaction");
                Ack::Empty
            }
        }
    }

    /// A submitted modal, answered in the acknowledgement: the modal shows what was saved, or the
    /// refusal next to the field it is about, or (survey closed, not theirs) says so instead.
    async fn view_submission(&self, payload: Value) -> Ack {
        let Some((invocation, title)) = decode::submission(&payload) else {
            return Ack::Empty;
        };
        let identity = invocation.caller.identity.clone();
        let app = self.app.clone();
        let mut task = tokio::spawn(async move { app.handle(invocation).await });
        let reply = match tokio::time::timeout(self.budget, &mut task).await {
            Ok(Ok(reply)) => reply,
            Ok(Err(err)) => {
                tracing::error!(error = %err, "a form submission panicked");
                Reply::private(messages::internal_error())
            }
            Err(_) => {
                // The modal closes now; the outcome follows by DM.
                let me = self.clone();
                tokio::spawn(async move {
                    if let Ok(reply) = task.await {
                        // Only the words: the form itself is not opened again.
                        let reply = Reply {
                            form: None,
                            ..reply
                        };
                        let target = ReplyTarget {
                            user: identity,
                            channel: None,
                            token: None,
                            trigger: None,
                        };
                        me.deliver(reply, &target, None).await;
                    }
                });
                return Ack::Empty;
            }
        };
        if let Some(field) = &reply.invalid_field {
            let said = reply.message.plain_text();
            return Ack::Json(json!({ "response_action": "errors", "errors": { field: said } }));
        }
        Ack::Json(json!({
            "response_action": "update",
            "view": render::outcome_view(&title, &reply.message),
        }))
    }

    async fn press(&self, payload: Value) {
        let Some(presses) = decode::presses(&payload) else {
            return;
        };
        for invocation in presses.invocations {
            let reply = self.app.handle(invocation).await;
            self.deliver(reply, &presses.target, presses.clicked.clone())
                .await;
        }
    }

    /// The Events API: the URL check, and each `event_id` processed once across instances.
    pub async fn event(&self, body: Value) -> Ack {
        match json::at(&body, "/type").as_str() {
            Some("url_verification") => {
                Ack::Json(json!({ "challenge": json::at(&body, "/challenge") }))
            }
            Some("event_callback") => {
                let Some(id) = json::at(&body, "/event_id").as_str() else {
                    return Ack::Empty;
                };
                let key = format!("event:{id}");
                let first = store::inbound::first_time(
                    self.app.store.pool(),
                    Platform::Slack,
                    &key,
                    self.app.now(),
                )
                .await;
                match first {
                    Ok(true) => {
                        let me = self.clone();
                        self.within_budget(
                            async move { me.on_event(json::at(&body, "/event")).await },
                        )
                        .await;
                    }
                    Ok(false) => tracing::debug!(event_id = id, "a retried event, skipped"),
                    Err(err) => tracing::error!(error = %err, "could not record an event"),
                }
                Ack::Empty
            }
            _ => Ack::Empty,
        }
    }

    async fn on_event(&self, event: &Value) {
        match json::at(event, "/type").as_str() {
            Some("app_mention") => {
                let Some(channel) = json::at(event, "/channel")
                    .as_str()
                    .filter(|id| !id.is_empty())
                    .map(|id| ChannelRef::new(Platform::Slack, id))
                else {
                    return;
                };
                if let Err(err) = self
                    .chat
                    .post(&channel, &messages::slack::mention_hint())
                    .await
                {
                    tracing::warn!(error = %err, "could not answer a mention");
                }
            }
            Some(kind @ ("tokens_revoked" | "app_uninstalled")) => {
                tracing::error!(event = kind, "Slack says the app lost access: reinstall it");
            }
            other => tracing::debug!(kind = ?other, "ignored a Slack event"),
        }
    }

    /// A reply's files (a survey's chart or export) go only to the person who asked; if they
    /// can't, that person is told rather than left waiting.
    async fn send_files(&self, reply: &Reply, target: &ReplyTarget) {
        if reply.attachments.is_empty() {
            return;
        }
        let caption = messages::files_caption(&reply.attachments);
        let Err(err) = self
            .chat
            .send_files(target, &caption, &reply.attachments)
            .await
        else {
            return;
        };
        tracing::warn!(error = %err, user = %target.user, "could not send a reply's files");
        if let Err(err) = self
            .chat
            .reply_private(target, &messages::files_not_sent())
            .await
        {
            tracing::warn!(error = %err, "could not say the files were not sent");
        }
    }
}
