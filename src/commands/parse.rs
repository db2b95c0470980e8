//! From what a person typed to a typed [`Command`]: split the text into words and `key:value`
//! options, find the command in the table, then bind and check every argument. Discord's typed
//! options skip the first step and go straight to [`bind`]. Errors are a typed enum; the words a
//! person reads live in `messages`.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use super::args::{Args, Misread, Value};
use super::{ArgKind, ArgSpec, ChannelMention, Command, CommandSpec, Mention, Place, Root, table};
use crate::domain::Platform;
use crate::domain::time::{parse_date, parse_zone};

/// What can be wrong with a command, with what is needed to say how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    UnclosedQuote {
        root: Root,
    },
    UnknownCommand {
        root: Root,
        typed: String,
    },
    /// `intake` on its own: it needs one of `choices`.
    IncompleteCommand {
        root: Root,
        words: Vec<&'static str>,
        choices: Vec<&'static str>,
    },
    MissingArgument {
        spec: &'static CommandSpec,
        arg: &'static ArgSpec,
    },
    UnexpectedArgument {
        spec: &'static CommandSpec,
        typed: String,
    },
    UnknownOption {
        spec: &'static CommandSpec,
        key: String,
    },
    RepeatedOption {
        spec: &'static CommandSpec,
        key: &'static str,
    },
    NotAPerson {
        spec: &'static CommandSpec,
        arg: &'static ArgSpec,
        typed: String,
    },
    NotAChannel {
        spec: &'static CommandSpec,
        arg: &'static ArgSpec,
        typed: String,
    },
    BadDate {
        spec: &'static CommandSpec,
        arg: &'static ArgSpec,
        typed: String,
    },
    BadZone {
        spec: &'static CommandSpec,
        arg: &'static ArgSpec,
        typed: String,
    },
    BadCron {
        spec: &'static CommandSpec,
        typed: String,
        reason: String,
    },
    NotAChoice {
        spec: &'static CommandSpec,
        arg: &'static ArgSpec,
        typed: String,
    },
    BadLocalTime {
        spec: &'static CommandSpec,
        arg: &'static ArgSpec,
        typed: String,
    },
    BadLink {
        spec: &'static CommandSpec,
        arg: &'static ArgSpec,
        typed: String,
    },
    EmptyValue {
        spec: &'static CommandSpec,
        arg: &'static ArgSpec,
    },
}

/// A command found in the table, with its typed arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub spec: &'static CommandSpec,
    pub command: Command,
}

/// An argument before it is checked: text, or a person the platform already resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Text(String),
    User(Mention),
}

/// Arguments by name, as a platform handed them over.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawArgs(pub Vec<(String, RawValue)>);

/// One word of the command text; quoted words never count as options or command words.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    text: String,
    quoted: bool,
    /// `key` of `key:value` when written unquoted as a word followed by a colon.
    key: Option<String>,
}

/// Parses the text after `/ROOT` (`pair <@U1> <@U2> intake:"2027 February"`) as typed on `platform`.
/// Empty text means help.
pub fn parse_text(root: Root, platform: Platform, text: &str) -> Result<Parsed, ParseError> {
    let (spec, raw) = text_args(root, platform, text)?;
    bind(spec, platform, raw)
}

/// The command the text names and its arguments by name, not yet checked: what Discord's typed
/// options give straight away.
pub(crate) fn text_args(
    root: Root,
    platform: Platform,
    text: &str,
) -> Result<(&'static CommandSpec, RawArgs), ParseError> {
    let tokens = tokenize(text).ok_or(ParseError::UnclosedQuote { root })?;
    if tokens.is_empty() && root == Root::Mentoring {
        let help = Token {
            text: "help".into(),
            quoted: false,
            key: None,
        };
        return token_args(root, platform, &[help]);
    }
    token_args(root, platform, &tokens)
}

fn token_args(
    root: Root,
    platform: Platform,
    tokens: &[Token],
) -> Result<(&'static CommandSpec, RawArgs), ParseError> {
    let (spec, used) = find_spec(root, tokens)?;
    let mut raw = RawArgs::default();
    let mut positional = spec.args.iter().filter(|a| a.place == Place::Positional);
    let mut greedy: Option<usize> = None;
    for token in tokens.get(used..).unwrap_or_default() {
        if let (Some(at), None) = (greedy, &token.key)
            && let Some((_, RawValue::Text(words))) = raw.0.get_mut(at)
        {
            words.push(' ');
            words.push_str(&token.text);
            continue;
        }
        if let Some(key) = &token.key {
            let arg = spec
                .args
                .iter()
                .find(|a| a.name == key && a.place == Place::Keyed)
                .ok_or_else(|| ParseError::UnknownOption {
                    spec,
                    key: key.clone(),
                })?;
            raw.0
                .push((arg.name.to_string(), RawValue::Text(token.text.clone())));
            continue;
        }
        let arg = positional
            .next()
            .ok_or_else(|| ParseError::UnexpectedArgument {
                spec,
                typed: token.text.clone(),
            })?;
        let value = match arg.kind {
            ArgKind::User => {
                RawValue::User(parse_mention(platform, &token.text).ok_or_else(|| {
                    ParseError::NotAPerson {
                        spec,
                        arg,
                        typed: token.text.clone(),
                    }
                })?)
            }
            _ => RawValue::Text(token.text.clone()),
        };
        if matches!(arg.kind, ArgKind::Cron | ArgKind::Words) {
            greedy = Some(raw.0.len());
        }
        raw.0.push((arg.name.to_string(), value));
    }
    Ok((spec, raw))
}

/// Checks named arguments against the spec and builds the command: missing, repeated and
/// malformed values are refused here, before any handler runs.
pub fn bind(
    spec: &'static CommandSpec,
    platform: Platform,
    raw: RawArgs,
) -> Result<Parsed, ParseError> {
    let (parsed, misreads) = bind_noting_misreads(spec, platform, raw)?;
    // A builder that misreads its arguments is a mistake in the table, not in what was typed:
    // the tests fail on it (`commands::samples`); a release build logs it and goes on.
    if !misreads.is_empty() {
        tracing::error!(command = %spec.usage(), ?misreads, "a command's build misread its arguments");
    }
    debug_assert!(misreads.is_empty(), "{}: {misreads:?}", spec.usage());
    Ok(parsed)
}

/// [`bind`], returning what the command's build read that the command does not declare (or
/// declares as another kind), and what it left unread.
pub(crate) fn bind_noting_misreads(
    spec: &'static CommandSpec,
    platform: Platform,
    raw: RawArgs,
) -> Result<(Parsed, Vec<Misread>), ParseError> {
    let mut args = Args::new(spec);
    for (name, value) in raw.0 {
        let arg = spec.arg(&name).ok_or_else(|| ParseError::UnknownOption {
            spec,
            key: name.clone(),
        })?;
        if args.has(arg.name) {
            return Err(ParseError::RepeatedOption {
                spec,
                key: arg.name,
            });
        }
        args.insert(arg, check_value(spec, arg, platform, value)?);
    }
    if let Some(arg) = spec.args.iter().find(|a| a.required && !args.has(a.name)) {
        return Err(ParseError::MissingArgument { spec, arg });
    }
    let command = (spec.build)(&mut args);
    Ok((Parsed { spec, command }, args.finish()))
}

fn check_value(
    spec: &'static CommandSpec,
    arg: &'static ArgSpec,
    platform: Platform,
    value: RawValue,
) -> Result<Value, ParseError> {
    let text = match value {
        RawValue::User(mention) if arg.kind == ArgKind::User => return Ok(Value::User(mention)),
        RawValue::User(Mention::Id { id, .. }) => id,
        RawValue::User(Mention::Name(name)) => name,
        RawValue::Text(text) => text.trim().to_string(),
    };
    if text.is_empty() {
        return Err(ParseError::EmptyValue { spec, arg });
    }
    Ok(match arg.kind {
        ArgKind::Text | ArgKind::Words => Value::Text(text),
        ArgKind::User => Value::User(parse_mention(platform, &text).ok_or(
            ParseError::NotAPerson {
                spec,
                arg,
                typed: text,
            },
        )?),
        ArgKind::Date => Value::Date(parse_date(&text).ok_or(ParseError::BadDate {
            spec,
            arg,
            typed: text,
        })?),
        ArgKind::Zone => Value::Zone(parse_zone(&text).ok_or(ParseError::BadZone {
            spec,
            arg,
            typed: text,
        })?),
        ArgKind::Channel => {
            Value::Channel(parse_channel(&text).ok_or(ParseError::NotAChannel {
                spec,
                arg,
                typed: text,
            })?)
        }
        ArgKind::Cron if text.eq_ignore_ascii_case("off") => Value::Text("off".into()),
        ArgKind::Cron => match crate::domain::schedule::Cron::parse(&text) {
            Ok(cron) => Value::Text(cron.as_str().to_string()),
            Err(err) => {
                return Err(ParseError::BadCron {
                    spec,
                    typed: text,
                    reason: err.to_string(),
                });
            }
        },
        ArgKind::Choice(choices) => {
            let lower = text.to_lowercase();
            if !choices.contains(&lower.as_str()) {
                return Err(ParseError::NotAChoice {
                    spec,
                    arg,
                    typed: text,
                });
            }
            Value::Text(lower)
        }
        ArgKind::LocalTime => Value::LocalTime(crate::domain::calendar::parse_local(&text).ok_or(
            ParseError::BadLocalTime {
                spec,
                arg,
                typed: text,
            },
        )?),
        ArgKind::Link if crate::domain::calendar::is_link(unwrap_link(&text)) => {
            Value::Text(unwrap_link(&text).to_string())
        }
        ArgKind::Link => {
            return Err(ParseError::BadLink {
                spec,
                arg,
                typed: text,
            });
        }
    })
}

/// Slack sends a typed link as `<https://…>` or `<https://…|label>`; the link is the part inside.
fn unwrap_link(text: &str) -> &str {
    match text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        Some(inner) => inner.split('|').next().unwrap_or(inner),
        None => text,
    }
}

/// Finds the longest run of leading words that names a command under `root`.
fn find_spec(root: Root, tokens: &[Token]) -> Result<(&'static CommandSpec, usize), ParseError> {
    let words: Vec<String> = tokens
        .iter()
        .take_while(|t| !t.quoted && t.key.is_none())
        .map(|t| t.text.to_lowercase())
        .collect();
    let candidates: Vec<&'static CommandSpec> = table().filter(|s| s.root == root).collect();
    let best = candidates
        .iter()
        .filter(|s| s.words.len() <= words.len() && s.words.iter().zip(&words).all(|(a, b)| a == b))
        .max_by_key(|s| s.words.len());
    if let Some(spec) = best {
        return Ok((spec, spec.words.len()));
    }
    // A root without words (`/checkin met`) takes every token as an argument.
    if let Some(spec) = candidates.iter().find(|s| s.words.is_empty()) {
        return Ok((spec, 0));
    }
    let first = words.first().cloned().unwrap_or_default();
    let choices: Vec<&'static str> = candidates
        .iter()
        .filter(|s| s.words.first() == Some(&first.as_str()))
        .filter_map(|s| s.words.get(1).copied())
        .collect();
    if !choices.is_empty() {
        let group = candidates
            .iter()
            .find(|s| s.words.first() == Some(&first.as_str()))
            .and_then(|s| s.words.first().copied());
        return Err(ParseError::IncompleteCommand {
            root,
            words: group.into_iter().collect(),
            choices,
        });
    }
    let typed = tokens
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Err(ParseError::UnknownCommand { root, typed })
}

/// Splits on spaces; double quotes (straight or curly, as phones type them) group words.
fn tokenize(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Some(tokens);
        }
        let mut text = String::new();
        let mut quoted = false;
        let mut key = None;
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            if is_quote(c) {
                quoted = true;
                loop {
                    match chars.next() {
                        Some(q) if is_quote(q) => break,
                        Some(q) => text.push(q),
                        None => return None,
                    }
                }
            } else if c == ':'
                && key.is_none()
                && !quoted
                && is_key(&text)
                && chars.peek().is_none_or(|n| *n != '/')
            {
                key = Some(text.to_lowercase());
                text.clear();
            } else {
                text.push(c);
            }
        }
        // A quoted value after a key (`intake:"2027 February"`) is still an option.
        let quoted = quoted && key.is_none();
        tokens.push(Token { text, quoted, key });
    }
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„')
}

fn is_key(word: &str) -> bool {
    !word.is_empty() && word.len() <= 20 && word.chars().all(|c| c.is_ascii_alphabetic())
}

/// `<@U123>`, `<@U123|name>`, `<@!123>` (the platform's own mention syntax), `@slack:U123` or
/// `@discord:123` (any platform, for the terminal), and `@name` (a terminal name).
pub fn parse_mention(platform: Platform, text: &str) -> Option<Mention> {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix("<@").and_then(|t| t.strip_suffix('>')) {
        let inner = inner.trim_start_matches('!');
        let (id, label) = match inner.split_once('|') {
            Some((id, label)) => (id, Some(label.to_string())),
            None => (inner, None),
        };
        let valid = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric());
        return valid.then(|| Mention::Id {
            platform,
            id: id.to_string(),
            label,
        });
    }
    let name = text.strip_prefix('@')?;
    if let Some((platform_name, id)) = name.split_once(':') {
        let platform = Platform::parse(&platform_name.to_lowercase())?;
        let valid = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-');
        return valid.then(|| Mention::Id {
            platform,
            id: id.to_string(),
            label: None,
        });
    }
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    valid.then(|| Mention::Name(name.to_string()))
}

/// `<#C123|general>` or `<#C123>` (Slack, Discord) and `#general` (the terminal).
pub fn parse_channel(text: &str) -> Option<ChannelMention> {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix("<#").and_then(|t| t.strip_suffix('>')) {
        let (id, label) = match inner.split_once('|') {
            Some((id, label)) => (id, Some(label.to_string()).filter(|l| !l.is_empty())),
            None => (inner, None),
        };
        let valid = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric());
        return valid.then(|| ChannelMention {
            id: id.to_string(),
            label,
        });
    }
    let name = text.strip_prefix('#')?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'));
    valid.then(|| ChannelMention {
        id: name.to_string(),
        label: Some(name.to_string()),
    })
}

/// The spec of a command by its words, as Discord names it (`intake`, `create`).
pub fn spec_for(root: Root, words: &[&str]) -> Option<&'static CommandSpec> {
    table().find(|s| s.root == root && s.words == words)
}
