//! Renaming a pair's private channel when a member is forgotten: `conversations.rename` to a name
//! made from the names that stay (a suffix when it is taken), and a purpose line saying the same,
//! still carrying the marker that finds the channel again.

use slack_morphism::prelude::*;

use super::outbound::{Outbound, code};
use super::spaces::{channel_name, marker};
use crate::chat::{ChannelRef, ChatError, SpaceNames};
use crate::messages;

/// Names tried before giving up: `name`, `name-2`, … `name-20`.
const SUFFIXES: usize = 20;

pub async fn rename(
    out: &Outbound,
    space: &ChannelRef,
    names: &SpaceNames,
) -> Result<(), ChatError> {
    let channel = space.id.as_str();
    // The names stand in for account ids only when they have no letters Slack allows.
    let fallback = ("mentor", "mentee");
    let mut renamed = false;
    for attempt in 1..=SUFFIXES {
        let name = channel_name(&names.mentor, &names.mentee, fallback, attempt);
        let req = SlackApiConversationsRenameRequest::new(channel.into(), name);
        let req = &req;
        let done = out
            .call("conversations.rename", Some(channel), || async move {
                out.session().conversations_rename(req).await
            })
            .await;
        match done {
            Ok(_) => {
                renamed = true;
                break;
            }
            Err(err) if code(&err) == Some("name_taken") => continue,
            Err(err) => return Err(err),
        }
    }
    if !renamed {
        return Err(ChatError::permanent(
            "conversations.rename: every name is taken",
        ));
    }
    let purpose = messages::slack::space_purpose(
        &names.mentor,
        &names.mentee,
        &names.intake_name,
        &marker(&names.pair_id),
    );
    let req = SlackApiConversationsSetPurposeRequest::new(channel.into(), purpose);
    let req = &req;
    out.call("conversations.setPurpose", Some(channel), || async move {
        out.session().conversations_set_purpose(req).await
    })
    .await?;
    Ok(())
}
