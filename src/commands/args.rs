//! Checked arguments as a command's `build` reads them, by name. A read of a name the command
//! does not declare, or with a reader for another kind, still returns nothing as it always did,
//! and is noted as a [`Misread`] so that a misspelt name in the table fails a test instead of
//! quietly becoming `""`, a nameless mention or a 1970 date.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use super::{ArgKind, ArgSpec, ChannelMention, CommandSpec, Mention};

/// A checked value, as `bind` makes it from what was typed.
#[derive(Debug)]
pub(super) enum Value {
    Text(String),
    User(Mention),
    Date(NaiveDate),
    Zone(Tz),
    Channel(ChannelMention),
    LocalTime(NaiveDateTime),
}

/// Which reader a builder used; every [`ArgKind`] is checked into the value exactly one of
/// them returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Text,
    User,
    Date,
    Zone,
    Channel,
    LocalTime,
}

impl Reader {
    /// The reader for an argument of `kind`.
    pub fn of(kind: ArgKind) -> Reader {
        match kind {
            ArgKind::Text | ArgKind::Words | ArgKind::Cron | ArgKind::Choice(_) | ArgKind::Link => {
                Reader::Text
            }
            ArgKind::User => Reader::User,
            ArgKind::Date => Reader::Date,
            ArgKind::Zone => Reader::Zone,
            ArgKind::Channel => Reader::Channel,
            ArgKind::LocalTime => Reader::LocalTime,
        }
    }
}

/// A builder and its command's declared arguments disagreeing.
#[derive(Debug, Clone, PartialEq)]
pub enum Misread {
    /// The builder read a name the command does not declare.
    Undeclared { name: String },
    /// The builder read a declared argument with the reader of another kind.
    WrongReader {
        name: &'static str,
        kind: ArgKind,
        reader: Reader,
    },
    /// An argument was given, and the builder never read it.
    Unread { name: &'static str },
}

/// Checked arguments, read by each command's `build`.
#[derive(Debug)]
pub struct Args {
    spec: &'static CommandSpec,
    values: HashMap<&'static str, Value>,
    misreads: Vec<Misread>,
}

impl Args {
    pub(super) fn new(spec: &'static CommandSpec) -> Args {
        Args {
            spec,
            values: HashMap::new(),
            misreads: Vec::new(),
        }
    }

    pub(super) fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    pub(super) fn insert(&mut self, arg: &'static ArgSpec, value: Value) {
        self.values.insert(arg.name, value);
    }

    /// What the build misread, with every given argument it left unread.
    pub(super) fn finish(self) -> Vec<Misread> {
        let mut misreads = self.misreads;
        let mut unread: Vec<&'static str> = self.values.into_keys().collect();
        unread.sort_unstable();
        misreads.extend(unread.into_iter().map(|name| Misread::Unread { name }));
        misreads
    }

    fn take(&mut self, name: &str, reader: Reader) -> Option<Value> {
        match self.spec.arg(name) {
            None => self.misreads.push(Misread::Undeclared {
                name: name.to_string(),
            }),
            Some(arg) if Reader::of(arg.kind) != reader => {
                self.misreads.push(Misread::WrongReader {
                    name: arg.name,
                    kind: arg.kind,
                    reader,
                })
            }
            Some(_) => {}
        }
        self.values.remove(name)
    }

    pub fn opt_text(&mut self, name: &str) -> Option<String> {
        match self.take(name, Reader::Text) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }

    pub fn text(&mut self, name: &str) -> String {
        self.opt_text(name).unwrap_or_default()
    }

    pub fn user(&mut self, name: &str) -> Mention {
        self.opt_user(name)
            .unwrap_or_else(|| Mention::Name(String::new()))
    }

    pub fn opt_user(&mut self, name: &str) -> Option<Mention> {
        match self.take(name, Reader::User) {
            Some(Value::User(m)) => Some(m),
            _ => None,
        }
    }

    pub fn date(&mut self, name: &str) -> Option<NaiveDate> {
        match self.take(name, Reader::Date) {
            Some(Value::Date(d)) => Some(d),
            _ => None,
        }
    }

    pub fn zone(&mut self, name: &str) -> Option<Tz> {
        match self.take(name, Reader::Zone) {
            Some(Value::Zone(z)) => Some(z),
            _ => None,
        }
    }

    pub fn local_time(&mut self, name: &str) -> Option<NaiveDateTime> {
        match self.take(name, Reader::LocalTime) {
            Some(Value::LocalTime(t)) => Some(t),
            _ => None,
        }
    }

    pub fn channel(&mut self, name: &str) -> Option<ChannelMention> {
        match self.take(name, Reader::Channel) {
            Some(Value::Channel(c)) => Some(c),
            _ => None,
        }
    }
}
