//! [`SlackChat`]: the Chat port over Slack's Web API. Every call goes through [`Outbound`], so
//! pacing and error sorting live in one place; this file only maps the port onto Slack methods.

use std::collections::HashMap;

use async_trait::async_trait;
use slack_morphism::prelude::*;

use super::outbound::{Outbound, outcome_unknown};
use super::{render, spaces};
use crate::chat::{
    Attachment, ChannelRef, Chat, ChatError, Form, Message, MessageRef, Profile, ReplyTarget,
    Space, SpaceNames, SpaceRequest,
};
use crate::domain::{Identity, Platform};

/// What goes to a `response_url`: slack-morphism's webhook request has no `response_type`.
#[derive(serde::Serialize)]
struct ResponseUrlBody {
    #[serde(flatten)]
    content: SlackMessageContent,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_type: Option<&'static str>,
    replace_original: bool,
}

/// A call to a URL Slack handed out (a `response_url`, an upload URL): the URL itself is the
/// credential, so no token goes with it and it is never logged.
fn by_url(span: &tracing::Span) -> SlackClientApiCallContext<'_> {
    SlackClientApiCallContext {
        rate_control_params: None,
        token: None,
        tracing_span: span,
        is_sensitive_url: true,
    }
}

/// The metadata event that marks each of Tandem's posts with its key (a scheduled delivery's id,
/// else a fresh one), so a post whose answer was lost can be found again.
const POST_EVENT: &str = "tandem_post";
/// How far back a lost post is looked for: the channel's latest messages.
const RECENT_MESSAGES: u16 = 100;
/// Tries at one post when each lost answer is looked up first.
const POST_TRIES: u32 = 3;

#[derive(Clone)]
pub struct SlackChat {
    out: Outbound,
    /// Look a post whose answer was lost up before posting again (`TANDEM_SLACK_VERIFY_POSTS`).
    verify_posts: bool,
}

impl SlackChat {
    pub fn new(out: Outbound, verify_posts: bool) -> Self {
        SlackChat { out, verify_posts }
    }

    /// Whether a lost post is looked up before it is made again.
    pub fn verifies_posts(&self) -> bool {
        self.verify_posts
    }

    /// Answers through a command's or click's `response_url`: a private message, or the clicked
    /// message replaced (the only way to change an ephemeral message). A private answer says
    /// `response_type: ephemeral` outright: a click on a message in a pair's channel must not
    /// answer one person in front of everyone.
    pub async fn respond(
        &self,
        response_url: &str,
        message: &Message,
        replace_original: bool,
    ) -> Result<(), ChatError> {
        let url = response_url
            .parse()
            .map_err(|_| ChatError::permanent("response_url: not a URL"))?;
        let url = SlackResponseUrl::new(url);
        let body = ResponseUrlBody {
            content: render::content(message),
            response_type: (!replace_original).then_some("ephemeral"),
            replace_original,
        };
        let (out, url, body) = (&self.out, &url, &body);
        out.call("response_url", None, || async move {
            let span = tracing::debug_span!("slack response_url");
            out.client()
                .http_api
                .connector
                .http_post_uri::<_, SlackApiPostWebhookMessageResponse>(
                    url.value().clone(),
                    body,
                    by_url(&span),
                )
                .await
        })
        .await?;
        Ok(())
    }

    /// Posts in a channel (or a user's DM, by user id); with `thread_ts`, as a reply in the
    /// thread under that message. Never blindly twice: the post carries its key as metadata, and
    /// with verification on, a post whose earlier try may have gone through (a lost answer now,
    /// or an earlier attempt at the same delivery) is looked up before it is made again. Replies
    /// in a thread cannot be looked up that way and are not retried in place.
    async fn post_to(
        &self,
        channel: &str,
        message: &Message,
        thread_ts: Option<&str>,
    ) -> Result<MessageRef, ChatError> {
        let key = crate::chat::delivery_key().unwrap_or_else(crate::domain::new_id);
        let mut content = render::content(message);
        content.metadata = Some(SlackMessageMetadata {
            event_type: POST_EVENT.to_string(),
            event_payload: Some(HashMap::from([("key".to_string(), key.clone())])),
        });
        let req = SlackApiChatPostMessageRequest::new(channel.into(), content)
            .opt_thread_ts(thread_ts.map(|ts| ts.to_string().into()));
        let verifiable = self.verify_posts && thread_ts.is_none();
        if crate::chat::delivery_attempt().is_some_and(|attempt| attempt > 1) {
            if !verifiable {
                // The documented window: an earlier attempt may have posted unseen.
                metrics::counter!("tandem_slack_unverified_resends_total").increment(1);
            } else {
                match self.find_post(channel, &key).await {
                    Ok(Some(found)) => return Ok(found),
                    Ok(None) => {}
                    // Not knowing is no reason to risk a second post: the delivery comes back
                    // later and looks again. Only a lookup that can never work posts blindly.
                    Err(err) if !err.is_permanent() => return Err(err),
                    Err(err) => {
                        tracing::warn!(error = %err, "could not look for an earlier post; posting");
                        metrics::counter!("tandem_slack_unverified_resends_total").increment(1);
                    }
                }
            }
        }
        let (out, req) = (&self.out, &req);
        let mut tries = 0;
        loop {
            tries += 1;
            let err = match out
                .call("chat.postMessage", Some(channel), || async move {
                    out.session().chat_post_message(req).await
                })
                .await
            {
                Ok(posted) => {
                    return Ok(MessageRef {
                        channel: ChannelRef::new(Platform::Slack, posted.channel.to_string()),
                        id: posted.ts.to_string(),
                    });
                }
                Err(err) => err,
            };
            if !(verifiable && outcome_unknown(&err) && tries < POST_TRIES) {
                return Err(err);
            }
            // Slack may have posted it: only if it is not there can a new try not make two.
            match self.find_post(channel, &key).await {
                Ok(Some(found)) => return Ok(found),
                Ok(None) => tracing::debug!("a post whose answer was lost is not there; again"),
                Err(_) => return Err(err),
            }
        }
    }

    /// Tandem's post marked `key` among the latest messages of `channel` (a user id: the bot's
    /// DM with them), if Slack made it.
    async fn find_post(&self, channel: &str, key: &str) -> Result<Option<MessageRef>, ChatError> {
        let channel = if channel.starts_with('U') || channel.starts_with('W') {
            self.dm_channel(channel).await?
        } else {
            channel.to_string()
        };
        let req = SlackApiConversationsHistoryRequest::new()
            .with_channel(channel.clone().into())
            .with_limit(RECENT_MESSAGES)
            .with_include_all_metadata(true);
        let (out, req) = (&self.out, &req);
        let history = out
            .call("conversations.history", None, || async move {
                out.session().conversations_history(req).await
            })
            .await?;
        let marked = |m: &&SlackHistoryMessage| {
            m.content.metadata.as_ref().is_some_and(|meta| {
                meta.event_type == POST_EVENT
                    && meta
                        .event_payload
                        .as_ref()
                        .and_then(|p| p.get("key"))
                        .is_some_and(|k| k == key)
            })
        };
        Ok(history.messages.iter().find(marked).map(|m| MessageRef {
            channel: ChannelRef::new(Platform::Slack, channel.clone()),
            id: m.origin.ts.to_string(),
        }))
    }

    /// The bot's DM channel with `user`: files are shared into a channel id, never a user id.
    async fn dm_channel(&self, user: &str) -> Result<String, ChatError> {
        let req = SlackApiConversationsOpenRequest::new().with_users(vec![user.into()]);
        let (out, req) = (&self.out, &req);
        let opened = out
            .call("conversations.open", None, || async move {
                out.session().conversations_open(req).await
            })
            .await?;
        Ok(opened.channel.id.to_string())
    }

    /// One file up through Slack's external upload (files.upload is retired): a URL for it,
    /// then its bytes to that URL. The URL is a credential for the upload and needs no token.
    async fn upload(&self, file: &Attachment) -> Result<SlackApiFilesComplete, ChatError> {
        let req =
            SlackApiFilesGetUploadUrlExternalRequest::new(file.name.clone(), file.bytes.len());
        let (out, req) = (&self.out, &req);
        let slot = out
            .call("files.getUploadURLExternal", None, || async move {
                out.session().get_upload_url_external(req).await
            })
            .await?;
        let url = slot.upload_url.value();
        out.call("files.upload_url", None, || async move {
            let span = tracing::debug_span!("slack file upload");
            out.client()
                .http_api
                .connector
                .http_post_uri_binary::<SlackApiFilesUploadViaUrlResponse>(
                    url.clone(),
                    file.media_type.to_string(),
                    &file.bytes,
                    by_url(&span),
                )
                .await
        })
        .await?;
        Ok(SlackApiFilesComplete::new(slot.file_id).with_title(file.name.clone()))
    }
}

#[async_trait]
impl Chat for SlackChat {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    async fn ensure_private_space(&self, request: &SpaceRequest) -> Result<Space, ChatError> {
        spaces::ensure(&self.out, request)
            .await
            .map(Space::named_only)
    }

    async fn rename_space(&self, space: &ChannelRef, names: &SpaceNames) -> Result<(), ChatError> {
        super::rename::rename(&self.out, space, names).await
    }

    async fn remove_from_space(
        &self,
        space: &ChannelRef,
        user: &Identity,
    ) -> Result<bool, ChatError> {
        spaces::remove(&self.out, &space.id, &user.user_id).await
    }

    async fn post(&self, channel: &ChannelRef, message: &Message) -> Result<MessageRef, ChatError> {
        self.post_to(&channel.id, message, None).await
    }

    async fn update(&self, at: &MessageRef, message: &Message) -> Result<(), ChatError> {
        let req = SlackApiChatUpdateRequest::new(
            at.channel.id.clone().into(),
            render::content(message),
            at.id.clone().into(),
        );
        let (out, req) = (&self.out, &req);
        out.call("chat.update", Some(&at.channel.id), || async move {
            out.session().chat_update(req).await
        })
        .await?;
        Ok(())
    }

    /// Posting to a user id lands in the bot's DM with them (the app's Messages tab).
    async fn dm(&self, user: &Identity, message: &Message) -> Result<MessageRef, ChatError> {
        self.post_to(&user.user_id, message, None).await
    }

    async fn reply_private(
        &self,
        target: &ReplyTarget,
        message: &Message,
    ) -> Result<(), ChatError> {
        if let Some(url) = &target.token {
            return self.respond(url, message, false).await;
        }
        let Some(channel) = &target.channel else {
            self.dm(&target.user, message).await?;
            return Ok(());
        };
        let req = SlackApiChatPostEphemeralRequest::new(
            channel.id.clone().into(),
            target.user.user_id.clone().into(),
            render::content(message),
        );
        let (out, req) = (&self.out, &req);
        out.call("chat.postEphemeral", Some(&channel.id), || async move {
            out.session().chat_post_ephemeral(req).await
        })
        .await?;
        Ok(())
    }

    /// Shared in the person's DM with the bot, where only they see it; the caption is the
    /// share's `initial_comment`.
    async fn send_files(
        &self,
        target: &ReplyTarget,
        caption: &Message,
        files: &[Attachment],
    ) -> Result<(), ChatError> {
        let channel = self.dm_channel(&target.user.user_id).await?;
        let mut uploaded = Vec::with_capacity(files.len());
        for file in files {
            uploaded.push(self.upload(file).await?);
        }
        let req = SlackApiFilesCompleteUploadExternalRequest::new(uploaded)
            .with_channel_id(channel.clone().into())
            .with_initial_comment(render::fallback(caption));
        let (out, req) = (&self.out, &req);
        out.call(
            "files.completeUploadExternal",
            Some(&channel),
            || async move { out.session().files_complete_upload_external(req).await },
        )
        .await?;
        Ok(())
    }

    /// A Slack thread is the replies to a message: the first one names the post's `ts`.
    async fn start_thread(
        &self,
        under: &MessageRef,
        _name: &str,
        first: &Message,
    ) -> Result<MessageRef, ChatError> {
        self.post_to(&under.channel.id, first, Some(&under.id))
            .await
    }

    async fn open_form(&self, target: &ReplyTarget, form: &Form) -> Result<(), ChatError> {
        let trigger = target
            .trigger
            .clone()
            .ok_or_else(|| ChatError::permanent("views.open: no trigger_id"))?;
        let req = SlackApiViewsOpenRequest::new(trigger.into(), render::modal(form));
        let (out, req) = (&self.out, &req);
        out.call("views.open", None, || async move {
            out.session().views_open(req).await
        })
        .await?;
        Ok(())
    }

    async fn profile(&self, user: &Identity) -> Result<Option<Profile>, ChatError> {
        if user.platform != Platform::Slack {
            return Ok(None);
        }
        let req = SlackApiUsersInfoRequest::new(user.user_id.clone().into());
        let (out, req) = (&self.out, &req);
        let info = out
            .call("users.info", None, || async move {
                out.session().users_info(req).await
            })
            .await?;
        let found = info.user;
        let profile = found.profile.as_ref();
        let non_empty = |s: Option<&String>| s.filter(|s| !s.trim().is_empty()).cloned();
        let display_name = non_empty(profile.and_then(|p| p.display_name.as_ref()))
            .or_else(|| non_empty(profile.and_then(|p| p.real_name.as_ref())))
            .or_else(|| non_empty(found.real_name.as_ref()))
            .or_else(|| non_empty(found.name.as_ref()))
            .unwrap_or_default();
        Ok(Some(Profile {
            display_name,
            zone: found
                .tz
                .as_deref()
                .and_then(crate::domain::time::parse_zone),
            email: profile.and_then(|p| p.email.as_ref()).map(|e| e.0.clone()),
        }))
    }
}
