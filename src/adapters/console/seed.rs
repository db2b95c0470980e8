//! The sample program the demo starts with: three intakes of 19, 16 and 12 pairs across
//! Australian, New Zealand and Hong Kong time zones, two coordinators and an upcoming webinar.
//! It is built through the same commands a coordinator would type, with the clock moved back to
//! when each intake began, so the history is real.

use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::{Datelike, Duration, Months, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use crate::app::checkins::action_of;
use crate::app::{App, Caller, Input, Invocation, Outcome};
use crate::clock::{Clock, ManualClock};
use crate::commands::Root;
use crate::domain::checkin::{Answer, month_of};
use crate::domain::schedule::Cron;
use crate::domain::{Identity, Participant, Platform, Timestamp, new_id};
use crate::store;
use crate::store::webinars::Webinar;

/// The two coordinators, by console name.
pub const COORDINATORS: [&str; 2] = ["gina", "mere"];

const PEOPLE: &[(&str, &str)] = &[
    ("Gina Chau", "Asia/Hong_Kong"),
    ("Mere Parata", "Pacific/Auckland"),
    ("Aroha Ngata", "Pacific/Auckland"),
    ("Ben Walsh", "Australia/Sydney"),
    ("Chloe Wong", "Asia/Hong_Kong"),
    ("Dylan Moore", "Australia/Melbourne"),
    ("Ella Kaur", "Australia/Perth"),
    ("Finn O'Brien", "Pacific/Auckland"),
    ("Grace Li", "Asia/Hong_Kong"),
    ("Hamish Reid", "Australia/Brisbane"),
    ("Isla Tane", "Pacific/Auckland"),
    ("Jack Nguyen", "Australia/Sydney"),
    ("Kiri Heke", "Pacific/Auckland"),
    ("Leo Chan", "Asia/Hong_Kong"),
    ("Mia Russo", "Australia/Adelaide"),
    ("Noah Singh", "Australia/Melbourne"),
    ("Olive Tan", "Asia/Hong_Kong"),
    ("Priya Das", "Australia/Sydney"),
    ("Quinn Harris", "Australia/Perth"),
    ("Rangi Walker", "Pacific/Auckland"),
    ("Sophie Lam", "Asia/Hong_Kong"),
    ("Tom Baker", "Australia/Brisbane"),
    ("Uma Patel", "Australia/Sydney"),
    ("Vera Ho", "Asia/Hong_Kong"),
    ("Will Tipene", "Pacific/Auckland"),
    ("Xin Zhou", "Australia/Melbourne"),
    ("Yasmin Ali", "Australia/Sydney"),
    ("Zoe Clarke", "Australia/Adelaide"),
    ("Amir Haddad", "Australia/Sydney"),
    ("Bella Fong", "Asia/Hong_Kong"),
    ("Caleb Smith", "Australia/Perth"),
    ("Daisy Ruru", "Pacific/Auckland"),
    ("Ethan Yip", "Asia/Hong_Kong"),
    ("Fiona Grant", "Australia/Melbourne"),
    ("George Poutama", "Pacific/Auckland"),
    ("Hana Sato", "Australia/Sydney"),
    ("Ivan Petrov", "Australia/Brisbane"),
    ("Jade Leung", "Asia/Hong_Kong"),
    ("Kai Mason", "Pacific/Auckland"),
    ("Lily Chen", "Australia/Sydney"),
    ("Marcus Lee", "Asia/Hong_Kong"),
    ("Nina Rossi", "Australia/Melbourne"),
    ("Oscar Hale", "Australia/Perth"),
    ("Pania Rewi", "Pacific/Auckland"),
    ("Ruby Kwan", "Asia/Hong_Kong"),
    ("Sam Taylor", "Australia/Sydney"),
    ("Tara Flynn", "Australia/Adelaide"),
    ("Vikram Rao", "Australia/Melbourne"),
    ("Wiremu Kereama", "Pacific/Auckland"),
    ("Yuki Mori", "Australia/Sydney"),
    ("Zara Khan", "Australia/Brisbane"),
    ("Alice Cheung", "Asia/Hong_Kong"),
    ("Blake Turner", "Australia/Sydney"),
    ("Cara Whaanga", "Pacific/Auckland"),
    ("Declan Ryan", "Australia/Melbourne"),
    ("Emma Lau", "Asia/Hong_Kong"),
    ("Felix Brown", "Australia/Perth"),
    ("Gemma Horomona", "Pacific/Auckland"),
    ("Henry Ip", "Asia/Hong_Kong"),
    ("Ivy Park", "Australia/Sydney"),
    ("Josh Evans", "Australia/Brisbane"),
    ("Kate Murphy", "Australia/Adelaide"),
    ("Liam Paki", "Pacific/Auckland"),
    ("Maya Sharma", "Australia/Sydney"),
    ("Nathan Kwok", "Asia/Hong_Kong"),
    ("Orla Byrne", "Australia/Melbourne"),
    ("Paul Tuhi", "Pacific/Auckland"),
    ("Rosa Diaz", "Australia/Sydney"),
    ("Sean Cho", "Asia/Hong_Kong"),
    ("Tess Morgan", "Australia/Perth"),
    ("Ulla Berg", "Australia/Melbourne"),
    ("Victor Sze", "Asia/Hong_Kong"),
    ("Wendy Hohaia", "Pacific/Auckland"),
    ("Xavier Bell", "Australia/Sydney"),
    ("Yvonne Mak", "Asia/Hong_Kong"),
    ("Zac Henare", "Pacific/Auckland"),
    ("Anna Kowalski", "Australia/Brisbane"),
    ("Brendan Yu", "Asia/Hong_Kong"),
    ("Celia Ward", "Australia/Sydney"),
    ("Dev Menon", "Australia/Melbourne"),
    ("Erin Tawhiri", "Pacific/Auckland"),
    ("Frank Lo", "Asia/Hong_Kong"),
    ("Holly Adams", "Australia/Adelaide"),
    ("Ian Ruatapu", "Pacific/Auckland"),
    ("Jasmine Ng", "Asia/Hong_Kong"),
    ("Kevin Duffy", "Australia/Perth"),
    ("Laura Pike", "Australia/Sydney"),
    ("Mason Hui", "Asia/Hong_Kong"),
    ("Nora Flett", "Australia/Melbourne"),
    ("Owen Parata", "Pacific/Auckland"),
    ("Penny Chow", "Asia/Hong_Kong"),
    ("Rhys Jones", "Australia/Sydney"),
    ("Stella Ma", "Australia/Perth"),
];

fn city_of(zone: &str) -> &'static str {
    match zone {
        "Asia/Hong_Kong" => "Hong Kong",
        "Pacific/Auckland" => "Auckland",
        "Australia/Melbourne" => "Melbourne",
        "Australia/Perth" => "Perth",
        "Australia/Brisbane" => "Brisbane",
        "Australia/Adelaide" => "Adelaide",
        _ => "Sydney",
    }
}

/// `Aroha Ngata` → `aroha`: the console name people are mentioned by.
pub fn console_name(display_name: &str) -> String {
    display_name
        .split_whitespace()
        .next()
        .unwrap_or(display_name)
        .to_lowercase()
        .replace('\'', "")
}

/// One intake of the sample: how long ago it began, how long it runs, how many pairs.
struct SampleIntake {
    zone: &'static str,
    months_ago: u32,
    months_long: u32,
    pairs: usize,
}

const INTAKES: [SampleIntake; 3] = [
    SampleIntake {
        zone: "Australia/Sydney",
        months_ago: 22,
        months_long: 11,
        pairs: 19,
    },
    SampleIntake {
        zone: "Pacific/Auckland",
        months_ago: 10,
        months_long: 11,
        pairs: 16,
    },
    SampleIntake {
        zone: "Asia/Hong_Kong",
        months_ago: 1,
        months_long: 11,
        pairs: 12,
    },
];

/// Builds the sample program on an empty database, moving `clock` back and then to `now`.
pub async fn seed(app: &App, clock: &Arc<ManualClock>, now: Timestamp) -> anyhow::Result<()> {
    if !store::intakes::list(app.store.pool()).await?.is_empty() {
        bail!("the demo database already has a program in it");
    }
    let people = register_people(app, now).await?;
    let coordinator = Caller::person(
        Identity::new(Platform::Console, COORDINATORS[0]),
        "Gina Chau",
    );
    app.bootstrap_coordinators(&COORDINATORS.map(|c| Identity::new(Platform::Console, c)))
        .await?;
    // People after the coordinators, in order; each intake takes the next pairs, and the first
    // mentees of the oldest intake come back as mentors in the next one.
    let pool: Vec<&Participant> = people.iter().skip(2).collect();
    let person = |i: usize| pool.get(i).copied().context("the sample needs more people");
    let mut next = 0;
    for (index, sample) in INTAKES.iter().enumerate() {
        let begins = month_start(now, sample.months_ago);
        live_until(app, clock, begins).await?;
        clock.set(begins);
        let zone: Tz = sample.zone.parse().expect("sample zones are valid");
        let starts = begins.date_in(zone);
        let ends = starts
            .checked_add_months(Months::new(sample.months_long))
            .context("date overflow")?;
        let name = format!("{} {}", starts.year(), starts.format("%B"));
        run(
            app,
            &coordinator,
            &format!(
                "intake create \"{name}\" tz:{} starts:{starts} ends:{ends}",
                sample.zone
            ),
        )
        .await?;
        if index == 1 {
            // Returning people: mentees of the first intake mentor in the second.
            for returning in 0..3 {
                let mentor = person(returning * 2 + 1)?;
                let mentee = person(next)?;
                next += 1;
                pair(app, clock, &coordinator, (mentor, mentee), &name).await?;
            }
        }
        let already = if index == 1 { 3 } else { 0 };
        for _ in already..sample.pairs {
            let (mentor, mentee) = (person(next)?, person(next + 1)?);
            next += 2;
            pair(app, clock, &coordinator, (mentor, mentee), &name).await?;
        }
    }
    live_until(app, clock, now).await?;
    clock.set(now);
    add_webinar(app, now).await
}

/// Lives through the program up to `until`: each check-in goes out when it falls due and the
/// pairs answer it the way real pairs do (most meet, some not yet, a few go quiet).
async fn live_until(app: &App, clock: &ManualClock, until: Timestamp) -> anyhow::Result<()> {
    let hour = Duration::hours(1).num_milliseconds();
    loop {
        let from = clock.now();
        let mut next: Option<Timestamp> = None;
        for s in store::schedules::list(app.store.pool())
            .await?
            .into_iter()
            .filter(|s| s.on)
        {
            let Ok(cron) = Cron::parse(&s.cron) else {
                continue;
            };
            if let Some(at) = cron.occurrences_after(from.max(s.cursor_at), s.zone).next() {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        }
        let Some(due) = next.filter(|at| at.0 + 2 * hour <= until.0) else {
            return Ok(());
        };
        clock.set(Timestamp(due.0 + hour));
        app.run_due().await?;
        answer_prompts(app, due).await?;
        app.run_due().await?;
    }
}

/// Each active pair's answer to the check-in of `due`, pressed by its mentee.
async fn answer_prompts(app: &App, due: Timestamp) -> anyhow::Result<()> {
    let db = app.store.pool();
    for intake in store::intakes::list(db)
        .await?
        .into_iter()
        .filter(|i| i.is_active_at(due))
    {
        let month = month_of(due, intake.zone);
        let month_number = due.date_in(intake.zone).month() as usize;
        for (i, pair) in store::pairs::list_for_intake(db, &intake.id, false)
            .await?
            .iter()
            .enumerate()
        {
            let answer = match (i % 6, (i * 7 + month_number) % 10) {
                (5, 0..=4) => Some(Answer::NotYet), // a pair that has gone quiet
                (5, _) => None,
                (_, 0..=6) => Some(Answer::Met),
                (_, 7 | 8) => Some(Answer::NotYet),
                _ => None,
            };
            let Some(answer) = answer else { continue };
            let Some(mentee) = store::participants::find(db, &pair.mentee_id).await? else {
                continue;
            };
            let Some(identity) = mentee.identity_on(Platform::Console) else {
                continue;
            };
            let press = Input::Action {
                action: action_of(answer).to_string(),
                value: format!("{}:{month}", pair.id),
                message: None,
            };
            let caller = Caller::person(identity, mentee.display_name.clone());
            app.handle(Invocation {
                caller,
                channel: None,
                input: press,
            })
            .await;
        }
    }
    Ok(())
}

async fn register_people(app: &App, now: Timestamp) -> anyhow::Result<Vec<Participant>> {
    let mut people = Vec::new();
    for (name, zone) in PEOPLE {
        let person = Participant {
            id: new_id(),
            display_name: name.to_string(),
            slack_user_id: None,
            discord_user_id: None,
            console_name: Some(console_name(name)),
            email: None,
            zone: zone.parse().ok(),
            city: Some(city_of(zone).to_string()),
            paused_since: None,
            paused_until: None,
            created_at: now,
        };
        store::participants::insert(app.store.pool(), &person).await?;
        people.push(person);
    }
    Ok(people)
}

async fn pair(
    app: &App,
    clock: &ManualClock,
    by: &Caller,
    (mentor, mentee): (&Participant, &Participant),
    intake: &str,
) -> anyhow::Result<()> {
    // A minute apart, so the pairs list in the order they were made.
    clock.advance(std::time::Duration::from_secs(60));
    let text = format!(
        "pair @{} @{} intake:\"{intake}\"",
        mentor.console_name.as_deref().unwrap_or_default(),
        mentee.console_name.as_deref().unwrap_or_default()
    );
    run(app, by, &text).await
}

async fn run(app: &App, by: &Caller, text: &str) -> anyhow::Result<()> {
    let reply = app
        .handle(Invocation {
            caller: by.clone(),
            channel: None,
            input: Input::Text {
                root: Root::Mentoring,
                text: text.into(),
            },
        })
        .await;
    if reply.outcome != Outcome::Done {
        bail!(
            "the sample program could not be built: /mentoring {text} answered: {}",
            reply.message.plain_text()
        );
    }
    Ok(())
}

/// The first instant of the month `months_ago` months before `now`, at 09:00 UTC.
fn month_start(now: Timestamp, months_ago: u32) -> Timestamp {
    let today = now.to_utc().date_naive();
    let first =
        NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first of the month exists");
    let day = first
        .checked_sub_months(Months::new(months_ago))
        .expect("within the calendar");
    Timestamp::from_utc(Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).expect("valid time")))
}

/// Next month's webinar: the first Wednesday, 19:00 in Sydney.
async fn add_webinar(app: &App, now: Timestamp) -> anyhow::Result<()> {
    let zone = chrono_tz::Australia::Sydney;
    let today = now.date_in(zone);
    let next_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
        .and_then(|d| d.checked_add_months(Months::new(1)))
        .context("date overflow")?;
    let first_wednesday = (0..7)
        .map(|i| next_month + Duration::days(i))
        .find(|d| d.weekday() == Weekday::Wed)
        .context("a week has a Wednesday")?;
    let starts = zone
        .from_local_datetime(&first_wednesday.and_hms_opt(19, 0, 0).expect("valid time"))
        .earliest()
        .context("19:00 exists")?;
    let webinar = Webinar {
        id: new_id(),
        number: 0,
        intake_id: None,
        title: "Building your professional network".into(),
        speakers: Some("Dr Sarah Whitfield (State Library) and Tom Leung (HKU Libraries)".into()),
        starts_at: Timestamp::from_utc(starts.with_timezone(&Utc)),
        zone,
        join_url: Some("https://example.org/webinars/professional-network".into()),
        cancelled: false,
        recording_url: None,
        series: None,
        created_at: now,
    };
    store::webinars::insert(app.store.pool(), &webinar).await?;
    Ok(())
}

/// What the demo's first screen shows about the program in the database.
pub async fn overview(app: &App) -> anyhow::Result<crate::messages::DemoOverview> {
    let db = app.store.pool();
    let now = app.now();
    let mut intakes = Vec::new();
    for intake in store::intakes::list(db).await? {
        let pairs = store::pairs::list_for_intake(db, &intake.id, false)
            .await?
            .len();
        intakes.push((intake.clone(), intake.state_at(now), pairs));
    }
    let mut coordinators =
        store::participants::find_many(db, &store::coordinators::list(db).await?).await?;
    coordinators.sort_by(|a, b| a.console_name.cmp(&b.console_name));
    let next_webinar = store::webinars::next_for(db, None, now).await?;
    Ok(crate::messages::DemoOverview {
        intakes,
        coordinators,
        next_webinar,
    })
}
