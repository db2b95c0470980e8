//! Renaming a pair's space when a member is forgotten: `PATCH /channels/{id}` with a name made
//! from the names that stay, and for a channel its topic again (a thread has none; its name keeps
//! the pair id's tail, which finds it again).

use reqwest::Method;
use serde_json::{Value, json};

use super::outbound::{Call, Rest, RestError};
use super::spaces::{channel_name, thread_name};
use crate::chat::{Member, SpaceNames, SpaceRequest};
use crate::domain::{Identity, Platform};
use crate::messages::discord as words;

/// Discord's channel types for threads (announcement, public, private).
const THREAD_TYPES: [u64; 3] = [10, 11, 12];

pub async fn rename(rest: &Rest, space_id: &str, names: &SpaceNames) -> Result<(), RestError> {
    let path = format!("/channels/{space_id}");
    let channel: Value = rest.call(Call::get(path.clone())).await?;
    let thread = channel["type"]
        .as_u64()
        .is_some_and(|t| THREAD_TYPES.contains(&t));
    let request = naming_request(names);
    let body = if thread {
        json!({ "name": thread_name(&request) })
    } else {
        json!({ "name": channel_name(&request), "topic": words::space_topic(&names.pair_id) })
    };
    let _: Value = rest
        .call(Call::send(Method::PATCH, path, &body).repeatable())
        .await?;
    Ok(())
}

/// The names a space is called by, in the shape its naming reads (no accounts: only names count).
fn naming_request(names: &SpaceNames) -> SpaceRequest {
    let member = |name: &str| Member {
        identity: Identity::new(Platform::Discord, ""),
        display_name: name.to_string(),
    };
    SpaceRequest {
        pair_id: names.pair_id.clone(),
        intake_name: names.intake_name.clone(),
        mentor: member(&names.mentor),
        mentee: member(&names.mentee),
        coordinators: Vec::new(),
    }
}
