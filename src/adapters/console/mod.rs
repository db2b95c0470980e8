//! The console platform behind `tandem demo`: a terminal chat where every channel, DM and private
//! reply is kept in memory and printed as it lands. Implements the Chat port like Slack and
//! Discord do, so the demo runs the same app code a workspace does.

mod render;
pub mod safe;
pub mod seed;
pub mod session;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use crate::chat::{
    Attachment, ChannelRef, Chat, ChatError, Form, Message, MessageRef, ReplyTarget, Space,
    SpaceRequest, Text,
};
use crate::domain::{Identity, Platform};
pub use render::render;

/// Something that landed somewhere in the console world, waiting to be printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Landed {
    /// `#mentoring-aroha-ben`, `DM to aroha`, `only aroha sees this`,
    /// `#announcements › thread under message 12`.
    pub place: String,
    pub number: u64,
    pub message: Message,
    /// Set when this replaces an earlier message (an update).
    pub updates: bool,
}

#[derive(Debug, Default)]
struct World {
    next_number: u64,
    /// Channel name → its members' console names.
    channels: BTreeMap<String, Vec<String>>,
    /// Pair id → the channel made for it, so asking twice never makes a second one.
    spaces: BTreeMap<String, String>,
    /// Every message by number, for buttons and updates.
    messages: BTreeMap<u64, (String, Message)>,
    pending: Vec<Landed>,
}

/// The console's Chat port. Cheap to clone; all clones share one world.
#[derive(Debug, Clone, Default)]
pub struct ConsoleChat {
    world: Arc<Mutex<World>>,
}

impl ConsoleChat {
    pub fn new() -> Self {
        ConsoleChat::default()
    }

    fn land(&self, place: String, message: &Message) -> u64 {
        let mut world = self.world.lock().expect("console world poisoned");
        world.next_number += 1;
        let number = world.next_number;
        world
            .messages
            .insert(number, (place.clone(), message.clone()));
        world.pending.push(Landed {
            place,
            number,
            message: message.clone(),
            updates: false,
        });
        number
    }

    /// Keeps a private reply so its buttons can be pressed; returns its number.
    pub fn keep_reply(&self, to: &str, message: &Message) -> u64 {
        self.land(format!("only {to} sees this"), message)
    }

    /// What landed since the last call.
    pub fn take_landed(&self) -> Vec<Landed> {
        std::mem::take(&mut self.world.lock().expect("console world poisoned").pending)
    }

    /// A message by its number, with where it is.
    pub fn message(&self, number: u64) -> Option<(String, Message)> {
        self.world
            .lock()
            .expect("console world poisoned")
            .messages
            .get(&number)
            .cloned()
    }

    /// Channel names with their members.
    pub fn channels(&self) -> Vec<(String, Vec<String>)> {
        let world = self.world.lock().expect("console world poisoned");
        world
            .channels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Messages that landed in one place, oldest first.
    pub fn history(&self, place: &str) -> Vec<(u64, Message)> {
        let world = self.world.lock().expect("console world poisoned");
        world
            .messages
            .iter()
            .filter(|(_, (p, _))| p == place)
            .map(|(n, (_, m))| (*n, m.clone()))
            .collect()
    }
}

/// Where the replies to message `number` in `#channel` land.
pub fn thread_place(channel: &str, number: &str) -> String {
    format!("#{channel} › thread under message {number}")
}

/// `mentoring-aroha-ben`: lowercase letters, digits and dashes.
pub fn space_name(mentor: &str, mentee: &str) -> String {
    let slug = |s: &str| {
        s.to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    };
    format!("mentoring-{}-{}", slug(mentor), slug(mentee))
}

/// A form in the terminal: its questions, numbered, with their choices and the answers so far.
pub fn form_as_message(form: &Form) -> Message {
    let mut message = Message::new().line(format!(
        "{} (answer each question with the matching command)",
        form.title
    ));
    for (i, field) in form.fields.iter().enumerate() {
        let choices = if field.choices.is_empty() {
            String::new()
        } else {
            let labels: Vec<&str> = field.choices.iter().map(|c| c.label.as_str()).collect();
            format!(" [{}]", labels.join(" / "))
        };
        let mut line = Text::new().plain(format!("{}. {}{}", i + 1, field.label, choices));
        let picked: Vec<&str> = field.picked().map(|c| c.label.as_str()).collect();
        let current = match (field.choices.is_empty(), field.current.first()) {
            (true, Some(text)) => Some(text.clone()),
            (false, Some(_)) => Some(picked.join(", ")),
            (_, None) => None,
        };
        if let Some(current) = current {
            line = line.plain(" (now: ").user(current).plain(")");
        }
        message = message.line(line);
    }
    message
}

#[async_trait]
impl Chat for ConsoleChat {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    async fn ensure_private_space(&self, request: &SpaceRequest) -> Result<Space, ChatError> {
        let mut world = self.world.lock().expect("console world poisoned");
        if let Some(name) = world.spaces.get(&request.pair_id) {
            return Ok(Space::named_only(ChannelRef::new(
                Platform::Console,
                name.clone(),
            )));
        }
        let base = space_name(
            &request.mentor.identity.user_id,
            &request.mentee.identity.user_id,
        );
        let mut name = base.clone();
        let mut n = 1;
        while world.channels.contains_key(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        let mut members = vec![
            request.mentor.identity.user_id.clone(),
            request.mentee.identity.user_id.clone(),
        ];
        members.extend(request.coordinators.iter().map(|c| c.user_id.clone()));
        world.channels.insert(name.clone(), members);
        world.spaces.insert(request.pair_id.clone(), name.clone());
        Ok(Space::named_only(ChannelRef::new(Platform::Console, name)))
    }

    async fn remove_from_space(
        &self,
        space: &ChannelRef,
        user: &Identity,
    ) -> Result<bool, ChatError> {
        let mut world = self.world.lock().expect("console world poisoned");
        let Some(members) = world.channels.get_mut(&space.id) else {
            return Ok(false);
        };
        let before = members.len();
        members.retain(|m| *m != user.user_id);
        Ok(members.len() < before)
    }

    async fn post(&self, channel: &ChannelRef, message: &Message) -> Result<MessageRef, ChatError> {
        let number = self.land(format!("#{}", channel.id), message);
        Ok(MessageRef {
            channel: channel.clone(),
            id: number.to_string(),
        })
    }

    async fn update(&self, at: &MessageRef, message: &Message) -> Result<(), ChatError> {
        let number: u64 = at
            .id
            .parse()
            .map_err(|_| ChatError::permanent("no such message"))?;
        let mut world = self.world.lock().expect("console world poisoned");
        let place = match world.messages.get_mut(&number) {
            Some((place, old)) => {
                *old = message.clone();
                place.clone()
            }
            None => return Err(ChatError::permanent("no such message")),
        };
        world.pending.push(Landed {
            place,
            number,
            message: message.clone(),
            updates: true,
        });
        Ok(())
    }

    async fn dm(&self, user: &Identity, message: &Message) -> Result<MessageRef, ChatError> {
        let number = self.land(format!("DM to {}", user.user_id), message);
        Ok(MessageRef {
            channel: ChannelRef::new(Platform::Console, format!("dm-{}", user.user_id)),
            id: number.to_string(),
        })
    }

    async fn reply_private(
        &self,
        target: &ReplyTarget,
        message: &Message,
    ) -> Result<(), ChatError> {
        self.keep_reply(&target.user.user_id, message);
        Ok(())
    }

    /// The terminal has nowhere to attach a file: the caption lands with each file's name and
    /// size (the demo session writes the files themselves to its folder).
    async fn send_files(
        &self,
        target: &ReplyTarget,
        caption: &Message,
        files: &[Attachment],
    ) -> Result<(), ChatError> {
        let mut message = caption.clone();
        for file in files {
            message = message.line(format!("[file {} · {} bytes]", file.name, file.bytes.len()));
        }
        self.keep_reply(&target.user.user_id, &message);
        Ok(())
    }

    async fn start_thread(
        &self,
        under: &MessageRef,
        _name: &str,
        first: &Message,
    ) -> Result<MessageRef, ChatError> {
        let known = under.id.parse::<u64>().ok().is_some_and(|n| {
            let world = self.world.lock().expect("console world poisoned");
            world
                .messages
                .get(&n)
                .is_some_and(|(place, _)| *place == format!("#{}", under.channel.id))
        });
        if !known {
            return Err(ChatError::permanent("no such message in that channel"));
        }
        let place = thread_place(&under.channel.id, &under.id);
        let number = self.land(place.clone(), first);
        Ok(MessageRef {
            channel: ChannelRef::new(Platform::Console, place),
            id: number.to_string(),
        })
    }

    async fn open_form(&self, target: &ReplyTarget, form: &Form) -> Result<(), ChatError> {
        self.keep_reply(&target.user.user_id, &form_as_message(form));
        Ok(())
    }
}
