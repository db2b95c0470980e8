//! One demo session: read a line, act as the current person, print what landed. The same loop
//! serves the interactive terminal, `--script FILE` and piped standard input, and tests drive it
//! line by line.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use super::{ConsoleChat, render};
use crate::app::scheduler::RunReport;
use crate::app::{App, Caller, Input, Invocation, Visibility};
use crate::chat::message::format_local;
use crate::chat::{ChannelRef, MessageRef};
use crate::clock::ManualClock;
use crate::commands::Root;
use crate::domain::{Identity, Platform};
use crate::store;

pub struct Session {
    app: App,
    console: ConsoleChat,
    clock: Arc<ManualClock>,
    /// The console name of the person we are acting as.
    acting: String,
    /// Where files that come with replies (survey charts) are written.
    files_dir: std::path::PathBuf,
}

/// What the loop should do after a line.
#[derive(Debug, PartialEq)]
pub enum Step {
    Continue(String),
    Quit,
}

impl Session {
    pub fn new(
        app: App,
        console: ConsoleChat,
        clock: Arc<ManualClock>,
        acting: impl Into<String>,
    ) -> Self {
        Session {
            app,
            console,
            clock,
            acting: acting.into(),
            files_dir: std::path::PathBuf::from("."),
        }
    }

    /// Writes reply files (survey charts) into `dir` instead of the current folder.
    pub fn with_files_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.files_dir = dir.into();
        self
    }

    pub fn prompt(&self) -> String {
        format!("{}> ", self.acting)
    }

    pub async fn run_line(&mut self, line: &str) -> Step {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Step::Continue(String::new());
        }
        let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        let out = match word {
            ":quit" | ":exit" | "quit" | "exit" => return Step::Quit,
            ":help" => demo_help(),
            "as" | ":as" => self.switch(rest).await,
            "press" | ":press" => self.press(rest).await,
            ":channels" => self.list_channels(),
            ":now" => self.now().await,
            ":advance" => self.advance(rest).await,
            ":show" => self.show(rest),
            _ if word.starts_with('/') => match Root::parse(word) {
                Some(root) => self.command(root, rest).await,
                None => format!("  There's no {word} command. Try /mentoring help.\n"),
            },
            _ => format!(
                "  I didn't understand \"{line}\". Commands start with a slash (/mentoring help); :help lists the demo's own.\n"
            ),
        };
        // Places and names in the session's own lines come from participants too.
        Step::Continue(super::safe::terminal_safe(&out))
    }

    async fn caller(&self) -> Caller {
        let identity = Identity::new(Platform::Console, self.acting.clone());
        let name = match self.app.participant(&identity).await {
            Ok(Some(p)) => p.display_name,
            _ => self.acting.clone(),
        };
        Caller::person(identity, name)
    }

    async fn command(&mut self, root: Root, text: &str) -> String {
        let invocation = Invocation {
            caller: self.caller().await,
            channel: None,
            input: Input::Text {
                root,
                text: text.to_string(),
            },
        };
        self.answer(invocation, None).await
    }

    async fn press(&mut self, which: &str) -> String {
        let Some((number, button)) = which
            .split_once('.')
            .and_then(|(m, b)| Some((m.parse::<u64>().ok()?, b.parse::<usize>().ok()?)))
        else {
            return "  Press a button by its number, like: press 12.1\n".to_string();
        };
        let Some((place, message)) = self.console.message(number) else {
            return format!("  There's no message {number}.\n");
        };
        let Some(button) = button.checked_sub(1).and_then(|i| message.buttons.get(i)) else {
            return format!("  Message {number} has no button {which}.\n");
        };
        let channel = place
            .strip_prefix('#')
            .map(|c| ChannelRef::new(Platform::Console, c));
        let at = MessageRef {
            channel: channel
                .clone()
                .unwrap_or_else(|| ChannelRef::new(Platform::Console, place)),
            id: number.to_string(),
        };
        let invocation = Invocation {
            caller: self.caller().await,
            channel,
            input: Input::Action {
                action: button.action.clone(),
                value: button.value.clone(),
                message: Some(at.clone()),
            },
        };
        self.answer(invocation, Some(at)).await
    }

    async fn now(&self) -> String {
        format!(
            "  It is {}.\n",
            format_local(self.app.now(), self.zone().await.unwrap_or(chrono_tz::UTC))
        )
    }

    /// Moves the demo's clock forward and runs whatever became due, a day at a time so each
    /// day's work happens in its turn.
    async fn advance(&mut self, by: &str) -> String {
        let Some(total) = parse_duration(by) else {
            return "  Say how far to move time, like :advance 30d (units m, h, d).\n".to_string();
        };
        let day = Duration::from_secs(86_400);
        let mut left = total;
        let mut report = RunReport::default();
        while !left.is_zero() {
            let step = left.min(day);
            self.clock.advance(step);
            left -= step;
            match self.app.run_due().await {
                Ok(r) => report.add(r),
                Err(err) => return format!("  The scheduler failed: {err:#}\n"),
            }
        }
        let mut out = self.print_landed().await;
        let _ = writeln!(
            out,
            "  Moved time forward by {by}: {} sent, {} skipped, {} missed. {}",
            report.sent,
            report.skipped,
            report.missed,
            self.now().await.trim()
        );
        out
    }

    async fn zone(&self) -> Option<chrono_tz::Tz> {
        store::participants::find_by_identity(
            self.app.store.pool(),
            &Identity::new(Platform::Console, self.acting.clone()),
        )
        .await
        .ok()
        .flatten()
        .and_then(|p| p.zone)
    }

    /// Runs the invocation and prints the reply and everything that landed meanwhile.
    async fn answer(&mut self, invocation: Invocation, clicked: Option<MessageRef>) -> String {
        let channel = invocation.channel.clone();
        let reply = self.app.handle(invocation).await;
        if let (Some(replacement), Some(at)) = (&reply.replaces, &clicked) {
            use crate::chat::Chat;
            let _ = self.console.update(at, replacement).await;
        }
        match (reply.visibility, channel) {
            (Visibility::Channel, Some(channel)) => {
                use crate::chat::Chat;
                let _ = self.console.post(&channel, &reply.message).await;
            }
            // A reply that only repeats the replaced message is shown once, as the update.
            _ if reply.replaces.as_ref() == Some(&reply.message) && clicked.is_some() => {}
            _ => {
                self.console.keep_reply(&self.acting, &reply.message);
            }
        }
        if let Some(form) = &reply.form {
            self.console
                .keep_reply(&self.acting, &super::form_as_message(form));
        }
        for file in &reply.attachments {
            let path = self.files_dir.join(&file.name);
            let written = std::fs::write(&path, &file.bytes).map_err(|e| e.to_string());
            let note = crate::messages::survey::file_written(&path.display().to_string(), written);
            self.console.keep_reply(&self.acting, &note);
        }
        // The demo is its own worker: whatever the command made due (a help alert) goes now.
        if let Err(err) = self.app.run_due().await {
            tracing::warn!(error = ?err, "the demo's scheduler run failed");
        }
        self.print_landed().await
    }

    /// Prints what landed since last time, in the acting person's zone.
    pub async fn print_landed(&self) -> String {
        let zone = self.zone().await;
        let mut out = String::new();
        for landed in self.console.take_landed() {
            let verb = if landed.updates { " (updated)" } else { "" };
            let _ = writeln!(out, "── {} · message {}{verb}", landed.place, landed.number);
            let _ = writeln!(out, "{}", render(&landed.message, landed.number, zone));
        }
        out
    }

    async fn switch(&mut self, name: &str) -> String {
        let name = name.trim_start_matches('@').to_lowercase();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return "  Say who to act as, by their console name: as aroha\n".to_string();
        }
        self.acting = name;
        let caller = self.caller().await;
        let role = match self.app.is_coordinator(&caller).await {
            Ok(true) => "a coordinator",
            _ => "a participant",
        };
        let known = self
            .app
            .participant(&caller.identity)
            .await
            .ok()
            .flatten()
            .is_some();
        let who = if known {
            format!("{} ({role})", caller.display_name)
        } else {
            format!("{} (not in the program yet)", caller.display_name)
        };
        format!("  You are now {who}.\n")
    }

    fn list_channels(&self) -> String {
        let mut out = String::new();
        for (name, members) in self.console.channels() {
            let _ = writeln!(out, "  #{name}: {}", members.join(", "));
        }
        if out.is_empty() {
            out.push_str("  No channels yet.\n");
        }
        out
    }

    fn show(&self, place: &str) -> String {
        let place = if place.starts_with('#') {
            place.to_string()
        } else {
            format!("#{place}")
        };
        let mut out = String::new();
        for (number, message) in self.console.history(&place) {
            let _ = writeln!(
                out,
                "── {place} · message {number}\n{}",
                render(&message, number, None)
            );
        }
        if out.is_empty() {
            out = format!("  Nothing in {place} yet.\n");
        }
        out
    }
}

/// `30d`, `12h`, `45m`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().checked_sub(1)?);
    let n: u64 = number.parse().ok()?;
    let seconds = match unit {
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    Some(Duration::from_secs(n.checked_mul(seconds)?))
}

fn demo_help() -> String {
    "  Demo commands:\n\
     \x20   /mentoring …        any Tandem command, as the person you are acting as\n\
     \x20   as NAME             act as someone else (their console name, e.g. as aroha)\n\
     \x20   press N.M           press button M of message N\n\
     \x20   :advance 30d        move time forward (m, h, d) and run whatever falls due\n\
     \x20   :now                the demo's current time\n\
     \x20   :channels           list the channels and who is in them\n\
     \x20   :show #CHANNEL      show what was posted in a channel\n\
     \x20   :quit               leave the demo\n"
        .to_string()
}
