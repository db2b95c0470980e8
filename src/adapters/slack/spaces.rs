//! A pair's private channel: `conversations.create` (private, `mentoring-<mentor>-<mentee>`, a
//! suffix when the name is taken), a purpose line carrying a marker with the pair id so the channel
//! is found again instead of made twice, then `conversations.invite` of the pair and coordinators;
//! `conversations.kick` takes someone out again.

use std::collections::BTreeSet;

use slack_morphism::prelude::*;

use super::outbound::{Outbound, code};
use crate::chat::{ChannelRef, ChatError, SpaceRequest};
use crate::domain::Platform;
use crate::messages;

/// Slack channel names are at most 80 characters.
const NAME_MAX: usize = 80;
/// `mentoring-` + two names + `-NN` stays inside the limit.
const PART_MAX: usize = 30;
/// Names tried before giving up: `name`, `name-2`, … `name-20`.
const SUFFIXES: usize = 20;
/// Pages of conversations.list read while looking for an existing channel.
const LIST_PAGES: usize = 50;

/// Lowercase letters, digits and single hyphens, as Slack allows in channel names.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(PART_MAX).collect();
    out.trim_end_matches('-').to_string()
}

/// `mentoring-alice-bob`, or `mentoring-alice-bob-3` for the third try.
pub fn channel_name(mentor: &str, mentee: &str, user_ids: (&str, &str), attempt: usize) -> String {
    let part = |name: &str, id: &str| {
        let s = slug(name);
        if s.is_empty() { id.to_lowercase() } else { s }
    };
    let mut name = format!(
        "mentoring-{}-{}",
        part(mentor, user_ids.0),
        part(mentee, user_ids.1)
    );
    if attempt > 1 {
        name = format!("{name}-{attempt}");
    }
    name.chars().take(NAME_MAX).collect()
}

pub(super) fn marker(pair_id: &str) -> String {
    format!("[tandem:{pair_id}]")
}

pub async fn ensure(out: &Outbound, request: &SpaceRequest) -> Result<ChannelRef, ChatError> {
    let marker = marker(&request.pair_id);
    let channel = match create(out, request, &marker).await? {
        Some(id) => id,
        None => find(out, &marker)
            .await?
            .ok_or_else(|| ChatError::permanent("conversations.create: every name is taken"))?,
    };
    invite(out, &channel, request).await?;
    Ok(ChannelRef::new(Platform::Slack, channel))
}

/// Creates the channel under the first free name; `None` when the pair's own channel already
/// holds one of the names (found by its marker).
async fn create(
    out: &Outbound,
    request: &SpaceRequest,
    marker: &str,
) -> Result<Option<String>, ChatError> {
    let ids = (
        request.mentor.identity.user_id.as_str(),
        request.mentee.identity.user_id.as_str(),
    );
    let mut looked = false;
    for attempt in 1..=SUFFIXES {
        let name = channel_name(
            &request.mentor.display_name,
            &request.mentee.display_name,
            ids,
            attempt,
        );
        let req = SlackApiConversationsCreateRequest::new(name).with_is_private(true);
        let req = &req;
        let made = out
            .call("conversations.create", None, || async move {
                out.session().conversations_create(req).await
            })
            .await;
        match made {
            Ok(made) => {
                let id = made.channel.id.to_string();
                set_purpose(out, &id, request, marker).await;
                return Ok(Some(id));
            }
            Err(err) if code(&err) == Some("name_taken") => {
                // A crash after an earlier create leaves our own channel under the name.
                if !looked {
                    looked = true;
                    if let Some(id) = find(out, marker).await? {
                        return Ok(Some(id));
                    }
                }
            }
            Err(err) => return Err(err),
        }
    }
    Ok(None)
}

/// A purpose failure only costs the marker; the channel is still the pair's.
async fn set_purpose(out: &Outbound, channel: &str, request: &SpaceRequest, marker: &str) {
    let purpose = messages::slack::space_purpose(
        &request.mentor.display_name,
        &request.mentee.display_name,
        &request.intake_name,
        marker,
    );
    let req = SlackApiConversationsSetPurposeRequest::new(channel.into(), purpose);
    let req = &req;
    let set = out
        .call("conversations.setPurpose", None, || async move {
            out.session().conversations_set_purpose(req).await
        })
        .await;
    if let Err(err) = set {
        tracing::warn!(error = %err, channel, "could not set a pair channel's purpose");
    }
}

/// The unarchived private channel whose purpose carries `marker`.
async fn find(out: &Outbound, marker: &str) -> Result<Option<String>, ChatError> {
    let mut cursor: Option<SlackCursorId> = None;
    for _ in 0..LIST_PAGES {
        let mut req = SlackApiConversationsListRequest::new()
            .with_types(vec![SlackConversationType::Private])
            .with_exclude_archived(true)
            .with_limit(200);
        req.cursor = cursor.clone();
        let req = &req;
        let page = out
            .call("conversations.list", None, || async move {
                out.session().conversations_list(req).await
            })
            .await?;
        let found = page
            .channels
            .iter()
            .find(|c| c.purpose.as_ref().is_some_and(|p| p.value.contains(marker)));
        if let Some(channel) = found {
            return Ok(Some(channel.id.to_string()));
        }
        cursor = page.response_metadata.and_then(|m| m.next_cursor);
        if cursor.is_none() {
            break;
        }
    }
    Ok(None)
}

/// Both members must be invited; coordinators are a courtesy whose failure is only logged.
async fn invite(out: &Outbound, channel: &str, request: &SpaceRequest) -> Result<(), ChatError> {
    let pair: Vec<String> = [&request.mentor, &request.mentee]
        .iter()
        .map(|m| m.identity.user_id.clone())
        .collect();
    invite_users(out, channel, &pair).await?;
    let coordinators: BTreeSet<String> = request
        .coordinators
        .iter()
        .filter(|c| c.platform == Platform::Slack && !pair.contains(&c.user_id))
        .map(|c| c.user_id.clone())
        .collect();
    if !coordinators.is_empty() {
        let users: Vec<String> = coordinators.into_iter().collect();
        if let Err(err) = invite_users(out, channel, &users).await {
            tracing::warn!(error = %err, channel, "could not invite the coordinators");
        }
    }
    Ok(())
}

async fn invite_users(out: &Outbound, channel: &str, users: &[String]) -> Result<(), ChatError> {
    let req = SlackApiConversationsInviteRequest::new(
        channel.into(),
        users.iter().map(|u| SlackUserId::new(u.clone())).collect(),
    );
    let req = &req;
    let invited = out
        .call("conversations.invite", None, || async move {
            out.session().conversations_invite(req).await
        })
        .await;
    match invited {
        Ok(_) => Ok(()),
        Err(err) if code(&err) == Some("already_in_channel") => Ok(()),
        Err(err) => Err(err),
    }
}

/// Takes someone out of a pair channel; `false` when they were not in it (or it is gone).
pub async fn remove(out: &Outbound, channel: &str, user: &str) -> Result<bool, ChatError> {
    let req = SlackApiConversationsKickRequest::new(channel.into(), user.into());
    let req = &req;
    let kicked = out
        .call("conversations.kick", None, || async move {
            out.session().conversations_kick(req).await
        })
        .await;
    match kicked {
        Ok(_) => Ok(true),
        Err(err)
            if matches!(
                code(&err),
                Some("not_in_channel" | "channel_not_found" | "user_not_found")
            ) =>
        {
            Ok(false)
        }
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercase_short_and_suffixed() {
        assert_eq!(
            channel_name("Aroha Ngata", "Ben", ("U1", "U2"), 1),
            "mentoring-aroha-ngata-ben"
        );
        assert_eq!(
            channel_name("Zoë!", "李", ("U1", "U2"), 2),
            "mentoring-zo-u2-2"
        );
        let long = "x".repeat(200);
        let name = channel_name(&long, &long, ("U1", "U2"), 20);
        assert!(name.len() <= NAME_MAX, "{name}");
        assert!(name.ends_with("-20"), "{name}");
    }
}
