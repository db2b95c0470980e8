//! Calendar files (RFC 5545) for webinars, from the `icalendar` crate: one session, or an
//! intake's subscribable feed. Served over HTTP and written by `tandem calendar export`.

use std::time::Duration;

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use super::App;
use crate::store;
use crate::store::webinars::Webinar;

/// Sessions have no stored end; calendars show them this long.
const WEBINAR_LENGTH: Duration = Duration::from_secs(3600);

impl App {
    /// One session's calendar file, by its number; `None` when there is no such webinar.
    pub async fn webinar_ics(&self, number: i64) -> anyhow::Result<Option<String>> {
        let found = store::webinars::find_by_number(self.store.pool(), number).await?;
        Ok(found.map(|w| {
            let mut calendar = Calendar::new();
            calendar.name(&w.title).push(self.ics_event(&w));
            calendar.done().to_string()
        }))
    }

    /// The feed for one intake (its sessions and those for every intake), or for the whole program
    /// when `intake` is `None`; `None` when the intake does not exist. Cancelled sessions stay in
    /// as cancelled, so subscribed calendars drop them.
    pub async fn program_ics(&self, intake: Option<&str>) -> anyhow::Result<Option<String>> {
        let db = self.store.pool();
        let (name, intake_id) = match intake {
            Some(name) => match store::intakes::find_by_name(db, name).await? {
                Some(i) => (format!("Mentoring webinars: {}", i.name), Some(i.id)),
                None => return Ok(None),
            },
            None => ("Mentoring webinars".to_string(), None),
        };
        let mut calendar = Calendar::new();
        calendar.name(&name);
        for w in store::webinars::list(db).await? {
            let wanted = match (&intake_id, &w.intake_id) {
                (Some(want), Some(has)) => want == has,
                _ => true,
            };
            if wanted {
                calendar.push(self.ics_event(&w));
            }
        }
        Ok(Some(calendar.done().to_string()))
    }

    fn ics_event(&self, w: &Webinar) -> Event {
        let starts = w.starts_at.to_utc();
        let ends = starts + chrono::Duration::seconds(WEBINAR_LENGTH.as_secs() as i64);
        let mut event = Event::new();
        event
            .uid(&format!("webinar-{}@tandem", w.id))
            .summary(&w.title)
            .starts(starts)
            .ends(ends)
            .timestamp(w.created_at.to_utc());
        let mut about = Vec::new();
        if let Some(speakers) = &w.speakers {
            about.push(format!("With {speakers}."));
        }
        if let Some(url) = &w.join_url {
            event.url(url).location(url);
            about.push(format!("Join: {url}"));
        }
        if let Some(url) = &w.recording_url {
            about.push(format!("Recording: {url}"));
        }
        if !about.is_empty() {
            event.description(&about.join("\n"));
        }
        let status = if w.cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        };
        event.status(status).done()
    }
}
