//! [`SlackChat`]: the Chat port over Slack's Web API. Every call goes through [`Outbound`], so
//! pacing and error sorting live in one place; this file only maps the port onto Slack methods.

use async_trait::async_trait;
use slack_morphism::prelude::*;

use super::outbound::Outbound;
use super::{render, spaces};
use crate::chat::{
    ChannelRef, Chat, ChatError, Form, Message, MessageRef, Profile, ReplyTarget, SpaceRequest,
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

#[derive(Clone)]
pub struct SlackChat {
    out: Outbound,
}

impl SlackChat {
    pub fn new(out: Outbound) -> Self {
        SlackChat { out }
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
            let context = SlackClientApiCallContext {
                rate_control_params: None,
                token: None,
                tracing_span: &span,
                // The URL itself is a credential for the reply: never logged.
                is_sensitive_url: true,
            };
            out.client()
                .http_api
                .connector
                .http_post_uri::<_, SlackApiPostWebhookMessageResponse>(
                    url.value().clone(),
                    body,
                    context,
                )
                .await
        })
        .await?;
        Ok(())
    }

    async fn post_to(&self, channel: &str, message: &Message) -> Result<MessageRef, ChatError> {
        let req = SlackApiChatPostMessageRequest::new(channel.into(), render::content(message));
        let (out, req) = (&self.out, &req);
        let posted = out
            .call("chat.postMessage", Some(channel), || async move {
                out.session().chat_post_message(req).await
            })
            .await?;
        Ok(MessageRef {
            channel: ChannelRef::new(Platform::Slack, posted.channel.to_string()),
            id: posted.ts.to_string(),
        })
    }
}

#[async_trait]
impl Chat for SlackChat {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    async fn ensure_private_space(&self, request: &SpaceRequest) -> Result<ChannelRef, ChatError> {
        spaces::ensure(&self.out, request).await
    }

    async fn post(&self, channel: &ChannelRef, message: &Message) -> Result<MessageRef, ChatError> {
        self.post_to(&channel.id, message).await
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
        self.post_to(&user.user_id, message).await
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
