//! The store on both backends: uniqueness, the one-active-pair guard, foreign keys, history.

use sqlx::Row;
use tandem::domain::{Intake, IntakeStatus, Pair, Participant, Platform, Role, Timestamp, new_id};
use tandem::store::{self, Backend};

use crate::on_both_backends;
use crate::support::{TestDb, test_now};

fn intake(name: &str) -> Intake {
    Intake {
        id: new_id(),
        name: name.into(),
        zone: chrono_tz::Australia::Sydney,
        starts_on: chrono::NaiveDate::from_ymd_opt(2027, 2, 1),
        ends_on: chrono::NaiveDate::from_ymd_opt(2027, 12, 10),
        status: IntakeStatus::Active,
        announcement_channel: Some("C0ANNOUNCE".into()),
        created_at: test_now(),
    }
}

fn person(name: &str, slack: Option<&str>) -> Participant {
    Participant {
        id: new_id(),
        display_name: name.into(),
        slack_user_id: slack.map(String::from),
        discord_user_id: None,
        console_name: None,
        email: Some(format!("{name}@example.org")),
        zone: Some(chrono_tz::Asia::Hong_Kong),
        city: Some("Hong Kong".into()),
        paused_since: None,
        paused_until: None,
        created_at: test_now(),
    }
}

fn pair(intake: &Intake, mentor: &Participant, mentee: &Participant) -> Pair {
    Pair {
        id: new_id(),
        intake_id: intake.id.clone(),
        mentor_id: mentor.id.clone(),
        mentee_id: mentee.id.clone(),
        platform: Platform::Slack,
        space_id: None,
        created_at: test_now(),
        ended_at: None,
    }
}

on_both_backends!(
    intakes_round_trip_and_names_are_unique_ignoring_case,
    identities_are_unique_per_platform,
    one_active_pair_per_person_per_intake,
    foreign_keys_are_enforced,
    history_shows_every_role,
    instants_keep_their_milliseconds,
);

async fn intakes_round_trip_and_names_are_unique_ignoring_case(db: TestDb) {
    let pool = db.store.pool();
    let feb = intake("2027 February");
    store::intakes::insert(pool, &feb).await.unwrap();
    assert_eq!(
        store::intakes::find_by_name(pool, "2027 FEBRUARY")
            .await
            .unwrap(),
        Some(feb.clone())
    );
    let err = store::intakes::insert(pool, &intake("2027 february"))
        .await
        .unwrap_err();
    assert!(store::is_unique_violation(&err), "{err}");
    assert_eq!(store::intakes::list(pool).await.unwrap(), vec![feb]);
}

async fn identities_are_unique_per_platform(db: TestDb) {
    let pool = db.store.pool();
    let ana = person("Ana", Some("U1"));
    store::participants::insert(pool, &ana).await.unwrap();
    let err = store::participants::insert(pool, &person("Other Ana", Some("U1")))
        .await
        .unwrap_err();
    assert!(store::is_unique_violation(&err));
    // Many people without a Slack account are fine (NULLs never clash).
    store::participants::insert(pool, &person("Bo", None))
        .await
        .unwrap();
    store::participants::insert(pool, &person("Cy", None))
        .await
        .unwrap();
    let found =
        store::participants::find_by_identity(pool, &ana.identity_on(Platform::Slack).unwrap())
            .await
            .unwrap();
    assert_eq!(found, Some(ana));
}

async fn one_active_pair_per_person_per_intake(db: TestDb) {
    let pool = db.store.pool();
    let feb = intake("2027 February");
    store::intakes::insert(pool, &feb).await.unwrap();
    let [a, b, c] = [
        person("A", Some("UA")),
        person("B", Some("UB")),
        person("C", Some("UC")),
    ];
    for p in [&a, &b, &c] {
        store::participants::insert(pool, p).await.unwrap();
    }
    let first = pair(&feb, &a, &b);
    store::pairs::insert(pool, &first).await.unwrap();
    assert!(
        store::participants::enrol(pool, &feb.id, &a.id, Role::Mentor, &first.id, test_now())
            .await
            .unwrap()
    );
    assert!(
        store::participants::enrol(pool, &feb.id, &b.id, Role::Mentee, &first.id, test_now())
            .await
            .unwrap()
    );

    // B cannot join a second pair, in either role, while the first is active.
    let second = pair(&feb, &c, &b);
    assert!(store::is_unique_violation(
        &store::pairs::insert(pool, &second).await.unwrap_err()
    ));
    assert!(
        !store::participants::enrol(pool, &feb.id, &b.id, Role::Mentor, "other", test_now())
            .await
            .unwrap()
    );

    // Once the pair ends, B is free again.
    assert!(
        store::pairs::end(pool, &first.id, test_now())
            .await
            .unwrap()
    );
    assert!(
        !store::pairs::end(pool, &first.id, test_now())
            .await
            .unwrap(),
        "ending twice is a no-op"
    );
    store::participants::release(pool, &feb.id, &first.id)
        .await
        .unwrap();
    store::pairs::insert(pool, &second).await.unwrap();
    assert!(
        store::participants::enrol(pool, &feb.id, &b.id, Role::Mentee, &second.id, test_now())
            .await
            .unwrap()
    );
    let active = store::pairs::list_for_intake(pool, &feb.id, false)
        .await
        .unwrap();
    assert_eq!(
        active.iter().map(|p| &p.id).collect::<Vec<_>>(),
        vec![&second.id]
    );
    assert_eq!(
        store::pairs::list_for_intake(pool, &feb.id, true)
            .await
            .unwrap()
            .len(),
        2,
        "history is kept"
    );
}

async fn foreign_keys_are_enforced(db: TestDb) {
    let pool = db.store.pool();
    let ghost = intake("nowhere");
    let (a, b) = (person("A", Some("UA")), person("B", Some("UB")));
    store::participants::insert(pool, &a).await.unwrap();
    store::participants::insert(pool, &b).await.unwrap();
    assert!(
        store::pairs::insert(pool, &pair(&ghost, &a, &b))
            .await
            .is_err(),
        "a pair needs a real intake"
    );
    if db.store.backend() == Backend::Sqlite {
        let mode: String = sqlx::query("PRAGMA journal_mode")
            .fetch_one(pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(mode, "wal");
    }
}

async fn history_shows_every_role(db: TestDb) {
    let pool = db.store.pool();
    let (y1, y2) = (intake("2026 February"), intake("2027 February"));
    store::intakes::insert(pool, &y1).await.unwrap();
    store::intakes::insert(pool, &y2).await.unwrap();
    let ana = person("Ana", Some("U1"));
    store::participants::insert(pool, &ana).await.unwrap();
    store::participants::enrol(pool, &y1.id, &ana.id, Role::Mentee, "p1", Timestamp(1_000))
        .await
        .unwrap();
    store::participants::enrol(pool, &y2.id, &ana.id, Role::Mentor, "p2", Timestamp(2_000))
        .await
        .unwrap();
    let history = store::participants::history(pool, &ana.id).await.unwrap();
    let roles: Vec<_> = history
        .iter()
        .map(|e| (e.intake_name.as_str(), e.role))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("2026 February", Role::Mentee),
            ("2027 February", Role::Mentor)
        ]
    );
}

async fn instants_keep_their_milliseconds(db: TestDb) {
    let pool = db.store.pool();
    let mut feb = intake("2027 February");
    feb.created_at = Timestamp(4_102_444_800_123); // 2100-01-01 00:00:00.123 UTC
    store::intakes::insert(pool, &feb).await.unwrap();
    let back = store::intakes::find(pool, &feb.id).await.unwrap().unwrap();
    assert_eq!(back.created_at, feb.created_at);
}

on_both_backends!(inbound_deliveries_are_seen_once);

async fn inbound_deliveries_are_seen_once(db: TestDb) {
    let pool = db.store.pool();
    let t = Timestamp(1_000);
    assert!(
        store::inbound::first_time(pool, Platform::Slack, "Ev01", t)
            .await
            .unwrap()
    );
    assert!(
        !store::inbound::first_time(pool, Platform::Slack, "Ev01", t)
            .await
            .unwrap()
    );
    assert!(
        store::inbound::first_time(pool, Platform::Discord, "Ev01", t)
            .await
            .unwrap(),
        "per platform"
    );
    assert_eq!(
        store::inbound::prune(pool, Timestamp(2_000)).await.unwrap(),
        2
    );
    assert!(
        store::inbound::first_time(pool, Platform::Slack, "Ev01", t)
            .await
            .unwrap()
    );
}
