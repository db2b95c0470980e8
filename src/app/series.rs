//! Monthly webinar series: `webinar series` makes a numbered session for each of the coming
//! months from a cron expression (DST-safe, via the domain's `Cron`), and `webinar topic` fills
//! one in. Each session is then an ordinary webinar: reminders, moves and cancels work the same.

use chrono_tz::Tz;

use super::{App, AppResult, Reply};
use crate::domain::new_id;
use crate::domain::schedule::Cron;
use crate::messages;
use crate::store;
use crate::store::webinars::Webinar;

/// Sessions made at once: a program year. More can be added with another `webinar series`.
const SERIES_SESSIONS: usize = 12;
/// Sessions further ahead than this are left for later.
const SERIES_HORIZON_DAYS: i64 = 366;

impl App {
    pub(crate) async fn command_webinar_series(
        &self,
        title: String,
        cron: String,
        zone: Option<Tz>,
        url: Option<String>,
        intake: Option<String>,
    ) -> AppResult<Reply> {
        let intake = self.webinar_intake(intake.as_deref()).await?;
        let (intake_id, audience, zone) = self.webinar_audience(intake.as_ref(), zone);
        // The parser already checked the expression; a failure here is ours.
        let cron = Cron::parse(&cron).map_err(|e| anyhow::anyhow!("checked cron: {e}"))?;
        let now = self.now();
        let horizon = now.0 + SERIES_HORIZON_DAYS * 86_400_000;
        let last_day = intake.as_ref().and_then(|i| i.ends_on);
        let title = title.trim().to_string();
        let mut sessions = Vec::new();
        let mut tx = self.store.begin().await?;
        for starts_at in cron
            .occurrences_after(now, zone)
            .take_while(|t| t.0 <= horizon && last_day.is_none_or(|d| t.date_in(zone) <= d))
            .take(SERIES_SESSIONS)
        {
            let mut session = Webinar {
                id: new_id(),
                number: 0,
                intake_id: intake_id.clone(),
                title: title.clone(),
                speakers: None,
                starts_at,
                zone,
                join_url: url.clone(),
                cancelled: false,
                recording_url: None,
                series: Some(title.clone()),
                created_at: now,
            };
            session.number = store::webinars::insert(&mut *tx, &session).await?;
            self.plan_webinar(&mut tx, &session).await?;
            sessions.push(session);
        }
        tx.commit().await?;
        Ok(Reply::private(messages::webinar_series_added(
            &title, &audience, &sessions,
        )))
    }

    pub(crate) async fn command_webinar_topic(
        &self,
        id: String,
        topic: String,
        speakers: Option<String>,
    ) -> AppResult<Reply> {
        let mut webinar = self.webinar_numbered(&id).await?;
        let base = webinar.series.clone().unwrap_or(webinar.title.clone());
        webinar.title = format!("{base}: {}", topic.trim());
        store::webinars::set_topic(
            self.store.pool(),
            &webinar.id,
            &webinar.title,
            speakers.as_deref(),
        )
        .await?;
        if speakers.is_some() {
            webinar.speakers = speakers;
        }
        Ok(Reply::private(messages::webinar_topic_set(&webinar)))
    }
}
