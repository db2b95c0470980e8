//! Calendar files (RFC 5545) for webinars, from the `icalendar` crate: one session, or an
//! intake's subscribable feed. Served over HTTP and written by `tandem calendar export`.
//!
//! Every text in them was typed by someone (titles, speakers, intake names, links): a line break
//! in one must stay inside its property instead of starting a new one, so texts go through
//! [`text`] and links through [`link`] before the crate writes them.

use std::time::Duration;

use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

use super::App;
use crate::store;
use crate::store::webinars::Webinar;

/// Sessions have no stored end; calendars show them this long.
const WEBINAR_LENGTH: Duration = Duration::from_secs(3600);

impl App {
    /// One session and its calendar file, by its number; `None` when there is no such webinar.
    pub(super) async fn webinar_ics(
        &self,
        number: i64,
    ) -> anyhow::Result<Option<(Webinar, String)>> {
        let found = store::webinars::find_by_number(self.store.pool(), number).await?;
        Ok(found.map(|w| {
            let file = calendar_file(&w.title, std::slice::from_ref(&w));
            (w, file)
        }))
    }

    /// The feed for one intake (its sessions and those for every intake), or for the whole program
    /// when `intake` is `None`; `None` when the intake does not exist. Cancelled sessions stay in
    /// as cancelled, so subscribed calendars drop them. For `tandem calendar export`; over HTTP a
    /// key decides (`calendar_access`).
    pub async fn program_ics(&self, intake: Option<&str>) -> anyhow::Result<Option<String>> {
        self.feed_ics(intake, |_| true).await
    }

    /// [`App::program_ics`] keeping only the sessions `visible` lets through.
    pub(super) async fn feed_ics(
        &self,
        intake: Option<&str>,
        visible: impl Fn(&Webinar) -> bool,
    ) -> anyhow::Result<Option<String>> {
        let db = self.store.pool();
        let (name, intake_id) = match intake {
            Some(name) => match store::intakes::find_by_name(db, name).await? {
                Some(i) => (format!("Mentoring webinars: {}", i.name), Some(i.id)),
                None => return Ok(None),
            },
            None => ("Mentoring webinars".to_string(), None),
        };
        let webinars: Vec<Webinar> = store::webinars::list(db)
            .await?
            .into_iter()
            .filter(|w| match (&intake_id, &w.intake_id) {
                (Some(want), Some(has)) => want == has,
                _ => true,
            })
            .filter(|w| visible(w))
            .collect();
        Ok(Some(calendar_file(&name, &webinars)))
    }
}

/// A calendar called `name` holding `webinars`.
fn calendar_file(name: &str, webinars: &[Webinar]) -> String {
    let mut calendar = Calendar::new();
    // The crate escapes X- properties as text but not NAME, unless told its type.
    calendar
        .append_property(
            Property::new("NAME", text(name))
                .add_parameter("VALUE", "TEXT")
                .done(),
        )
        .append_property(Property::new("X-WR-CALNAME", text(name)));
    for w in webinars {
        calendar.push(ics_event(w));
    }
    calendar.done().to_string()
}

fn ics_event(w: &Webinar) -> Event {
    let starts = w.starts_at.to_utc();
    let ends = starts + chrono::Duration::seconds(WEBINAR_LENGTH.as_secs() as i64);
    let mut event = Event::new();
    event
        .uid(&format!("webinar-{}@tandem", w.id))
        .summary(&text(&w.title))
        .starts(starts)
        .ends(ends)
        .timestamp(w.created_at.to_utc());
    let mut about = Vec::new();
    if let Some(speakers) = &w.speakers {
        about.push(format!("With {speakers}."));
    }
    if let Some(url) = &w.join_url {
        event.url(&link(url)).location(&text(url));
        about.push(format!("Join: {url}"));
    }
    if let Some(url) = &w.recording_url {
        about.push(format!("Recording: {url}"));
    }
    if !about.is_empty() {
        event.description(&text(&about.join("\n")));
    }
    let status = if w.cancelled {
        EventStatus::Cancelled
    } else {
        EventStatus::Confirmed
    };
    event.status(status).done()
}

/// A text value whose every line break is a plain `\n`, which the crate writes escaped; a lone
/// carriage return would otherwise reach the file raw and end the line. Other control characters
/// have no place in a calendar and go.
fn text(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

/// A link for a URI property, which the crate writes as it is: control characters are
/// percent-encoded, as a URI has them.
fn link(url: &str) -> String {
    url.chars()
        .map(|c| match c {
            c if c.is_control() => format!("%{:02X}", c as u32 & 0xff),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    fn webinar(title: &str, speakers: &str, join_url: &str) -> Webinar {
        Webinar {
            id: "w1".into(),
            number: 1,
            intake_id: None,
            title: title.into(),
            speakers: Some(speakers.into()),
            starts_at: Timestamp(1_800_000_000_000),
            zone: chrono_tz::UTC,
            join_url: Some(join_url.into()),
            cancelled: false,
            recording_url: None,
            series: None,
            created_at: Timestamp(1_790_000_000_000),
        }
    }

    /// The content lines after unfolding (RFC 5545 3.1): what a calendar program reads.
    fn content_lines(file: &str) -> Vec<String> {
        file.replace("\r\n ", "")
            .split("\r\n")
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn typed_line_breaks_never_start_a_property() {
        let w = webinar(
            "Career talk\r\nATTENDEE:mailto:x@evil.example",
            "Ana\rBEGIN:VALARM",
            "https://zoom.example/j/1?pwd=x\nX-INJECTED:1",
        );
        let file = calendar_file("Mentoring webinars: 2027\r\nX-EVIL:1\rMETHOD:CANCEL", &[w]);
        let lines = content_lines(&file);
        for line in &lines {
            assert!(!line.contains(['\r', '\n']), "a raw break in {line:?}");
            for injected in ["ATTENDEE", "BEGIN:VALARM", "X-INJECTED", "X-EVIL", "METHOD"] {
                assert!(
                    !line.starts_with(injected),
                    "{injected} became a property:\n{file}"
                );
            }
        }
        assert!(
            lines.contains(
                &"NAME;VALUE=TEXT:Mentoring webinars: 2027\\nX-EVIL:1\\nMETHOD:CANCEL".to_string()
            ),
            "{file}"
        );
        assert!(
            lines.contains(
                &"X-WR-CALNAME:Mentoring webinars: 2027\\nX-EVIL:1\\nMETHOD:CANCEL".to_string()
            ),
            "{file}"
        );
        assert!(
            lines.contains(&"SUMMARY:Career talk\\nATTENDEE:mailto:x@evil.example".to_string()),
            "{file}"
        );
        assert!(
            lines.contains(&"URL:https://zoom.example/j/1?pwd=x%0AX-INJECTED:1".to_string()),
            "{file}"
        );
    }
}
