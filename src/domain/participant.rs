//! A participant: one person, known by one identity per platform, who may be a mentor in one intake
//! and a mentee in another.

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::time::Timestamp;

/// Where a person talks to Tandem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    Slack,
    Discord,
    /// The terminal chat behind `tandem demo`.
    Console,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Slack, Platform::Discord, Platform::Console];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Slack => "slack",
            Platform::Discord => "discord",
            Platform::Console => "console",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Platform::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// A person's account on one platform: a Slack user id, a Discord user id or a console name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identity {
    pub platform: Platform,
    pub user_id: String,
}

impl Identity {
    pub fn new(platform: Platform, user_id: impl Into<String>) -> Self {
        Identity {
            platform,
            user_id: user_id.into(),
        }
    }
}

impl Identity {
    /// An account as the operator writes it: `slack:U012AB`, `discord:80351110224678912` or
    /// `console:aroha` (`TANDEM_COORDINATORS`, roster files).
    pub fn parse_account(text: &str) -> Result<Identity, String> {
        let (platform, id) = text.trim().split_once(':').ok_or_else(|| {
            format!("\"{text}\" should look like slack:U012AB or discord:80351110224678912")
        })?;
        let platform = Platform::parse(&platform.to_lowercase()).ok_or_else(|| {
            format!("\"{platform}\" is not a platform: use slack, discord or console")
        })?;
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            return Err(format!("\"{id}\" is not a user id"));
        }
        Ok(Identity::new(platform, id))
    }
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.platform.as_str(), self.user_id)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub id: String,
    pub display_name: String,
    pub slack_user_id: Option<String>,
    pub discord_user_id: Option<String>,
    pub console_name: Option<String>,
    pub email: Option<String>,
    pub zone: Option<Tz>,
    pub city: Option<String>,
    /// Set while the person has paused their prompts.
    pub paused_since: Option<Timestamp>,
    /// The last day of a pause with an end date, in the person's zone (or UTC).
    pub paused_until: Option<NaiveDate>,
    pub created_at: Timestamp,
}

impl Participant {
    /// A newcomer known by `display_name` and their account on `platform`, nothing else yet.
    pub fn new(platform: Platform, user_id: &str, display_name: &str, now: Timestamp) -> Self {
        let mut p = Participant {
            id: super::new_id(),
            display_name: display_name.to_string(),
            slack_user_id: None,
            discord_user_id: None,
            console_name: None,
            email: None,
            zone: None,
            city: None,
            paused_since: None,
            paused_until: None,
            created_at: now,
        };
        let slot = match platform {
            Platform::Slack => &mut p.slack_user_id,
            Platform::Discord => &mut p.discord_user_id,
            Platform::Console => &mut p.console_name,
        };
        *slot = Some(user_id.to_string());
        p
    }

    /// The person's account on `platform`, if they have one there.
    pub fn identity_on(&self, platform: Platform) -> Option<Identity> {
        let id = match platform {
            Platform::Slack => self.slack_user_id.as_ref(),
            Platform::Discord => self.discord_user_id.as_ref(),
            Platform::Console => self.console_name.as_ref(),
        }?;
        Some(Identity::new(platform, id.clone()))
    }

    /// Paused now: a pause was started and its last day (if any) has not yet passed.
    pub fn is_paused_at(&self, now: Timestamp) -> bool {
        if self.paused_since.is_none() {
            return false;
        }
        match self.paused_until {
            Some(last_day) => now.date_in(self.zone.unwrap_or(chrono_tz::UTC)) <= last_day,
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn person() -> Participant {
        Participant {
            id: "p".into(),
            display_name: "Aroha".into(),
            slack_user_id: Some("U1".into()),
            discord_user_id: None,
            console_name: Some("aroha".into()),
            email: None,
            zone: Some(chrono_tz::Pacific::Auckland),
            city: Some("Wellington".into()),
            paused_since: None,
            paused_until: None,
            created_at: Timestamp(0),
        }
    }

    #[test]
    fn identities_are_per_platform() {
        let p = person();
        assert_eq!(
            p.identity_on(Platform::Slack),
            Some(Identity::new(Platform::Slack, "U1"))
        );
        assert_eq!(p.identity_on(Platform::Discord), None);
    }

    #[test]
    fn a_pause_lasts_through_its_last_day_in_the_persons_zone() {
        let mut p = person();
        let now = |d, h| Timestamp::from_utc(Utc.with_ymd_and_hms(2027, 3, d, h, 0, 0).unwrap());
        assert!(!p.is_paused_at(now(1, 0)));
        p.paused_since = Some(now(1, 0));
        assert!(p.is_paused_at(now(20, 0)));
        p.paused_until = NaiveDate::from_ymd_opt(2027, 3, 10);
        // 10 March 09:00 UTC is 10 March 22:00 in Auckland: still paused; an hour later than
        // 11:00 UTC it is 11 March there.
        assert!(p.is_paused_at(now(10, 9)));
        assert!(!p.is_paused_at(now(10, 12)));
    }

    #[test]
    fn platform_names_round_trip() {
        for p in Platform::ALL {
            assert_eq!(Platform::parse(p.as_str()), Some(p));
        }
    }
}
