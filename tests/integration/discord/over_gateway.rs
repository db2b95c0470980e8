//! The gateway end to end: identify with no intents, interactions dispatched over the websocket
//! and answered by callback, and a dropped connection resumed.

use serde_json::json;

use super::DiscordWorld;
use super::payloads::{self, AROHA, BEN, GINA, mentoring, person, text};
use crate::on_both_backends;
use crate::support::TestDb;
use tandem::adapters::discord::gateway;

on_both_backends!(
    the_gateway_pairs_clicks_and_resumes,
    one_instance_holds_the_gateway,
);

async fn the_gateway_pairs_clicks_and_resumes(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let connection = gateway::start(w.interactions.clone()).await.unwrap();
    w.gateway.ready().await;
    assert_eq!(
        w.gateway.seen().intents,
        Some(0),
        "no intents: interactions need none"
    );

    w.gateway.interaction(mentoring(
        &GINA,
        &["intake", "create"],
        vec![text("name", "Gateway")],
        &[],
    ));
    let callbacks = w.fake.wait_for("POST", "/callback", 1).await;
    assert_eq!(callbacks[0].body["type"], 4);
    assert_eq!(callbacks[0].body["data"]["flags"], 64);

    let pair = mentoring(
        &GINA,
        &["pair"],
        vec![person("mentor", &AROHA), person("mentee", &BEN)],
        &[&AROHA, &BEN],
    );
    w.gateway.interaction(pair);
    let callbacks = w.fake.wait_for("POST", "/callback", 2).await;
    assert_eq!(
        callbacks[1].body,
        json!({ "type": 5, "data": { "flags": 64 } })
    );
    let edit = w.fake.wait_for("PATCH", "/messages/@original", 1).await;
    assert!(
        payloads::words(&edit[0].body).contains("Paired Aroha"),
        "{:?}",
        edit[0].body
    );
    assert_eq!(w.fake.pair_channels().len(), 1);

    // A dropped connection is resumed, and clicks still arrive.
    w.gateway
        .interaction(mentoring(&AROHA, &["pause"], vec![], &[]));
    let callbacks = w.fake.wait_for("POST", "/callback", 3).await;
    let resume = payloads::custom_ids(&callbacks[2].body["data"]).remove(0);
    w.gateway.drop_connection();
    w.gateway.ready().await;
    assert_eq!(w.gateway.seen().resumes, 1, "{:?}", w.gateway.seen());
    assert_eq!(w.gateway.seen().identifies, 1);
    w.gateway.interaction(payloads::click(&AROHA, &resume, "1"));
    let callbacks = w.fake.wait_for("POST", "/callback", 4).await;
    assert_eq!(callbacks[3].body["type"], 7);
    connection.stop().await;
    w.fake.assert_clean();
}

/// On PostgreSQL several instances share the work but only one holds the gateway (an advisory
/// lock): the second waits while the first holds it, keeps waiting through database errors, and
/// takes over when the first stops; a holder that loses its lock's connection stops its gateway
/// and takes its turn again. On SQLite there is one instance by design, and it connects at once.
async fn one_instance_holds_the_gateway(db: TestDb) {
    let w = DiscordWorld::new(db).await;
    let every = std::time::Duration::from_millis(50);
    let first = tokio::spawn(gateway::hold_checking_every(
        w.db.store.clone(),
        w.interactions.clone(),
        every,
    ));
    w.gateway.ready().await;
    assert_eq!(w.gateway.seen().identifies, 1);
    if w.db.store.backend() == tandem::store::Backend::Sqlite {
        first.abort();
        return;
    }
    // The second instance logs in as its own role, so the test can cut it off the database.
    let admin = w.db.store.pool();
    let role = format!(
        "tandem_standby_{}",
        tandem::domain::new_id().replace('-', "")
    );
    sql(admin, &format!("CREATE ROLE {role} LOGIN SUPERUSER")).await;
    let mut url = url::Url::parse(&w.db.url).unwrap();
    url.set_username(&role).unwrap();
    let other = tandem::store::Store::open(url.as_str()).await.unwrap();
    let second = tokio::spawn(gateway::hold_checking_every(
        other,
        w.interactions.clone(),
        every,
    ));
    // Several of the second instance's checks go by while the first holds the lock.
    tokio::time::sleep(every * 6).await;
    assert_eq!(w.gateway.seen().identifies, 1, "the second instance waits");
    assert!(!second.is_finished(), "and keeps checking");

    // The database refuses the second instance for a while: its checks fail, it goes on.
    sql(admin, &format!("ALTER ROLE {role} NOLOGIN")).await;
    sql(
        admin,
        &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"),
    )
    .await;
    tokio::time::sleep(every * 6).await;
    assert!(
        !second.is_finished(),
        "a database error costs a check, not the loop"
    );
    sql(admin, &format!("ALTER ROLE {role} LOGIN")).await;

    first.abort();
    let _ = first.await;
    until(every, || w.gateway.seen().identifies == 2).await;
    assert_eq!(w.gateway.seen().identifies, 2, "the second takes over");

    // The holder's lock connection is cut: it stops its gateway and takes the lock again, so
    // one gateway session stays open, never two.
    sql(
        admin,
        "SELECT pg_terminate_backend(pid) FROM pg_locks
         WHERE locktype = 'advisory' AND granted
           AND classid::bigint = 1952542308 AND objid::bigint = 1701668727",
    )
    .await;
    until(every, || w.gateway.seen().identifies == 3).await;
    assert_eq!(
        w.gateway.seen().identifies,
        3,
        "the gateway starts again under a new lock"
    );
    until(every, || w.gateway.seen().open == 1).await;
    assert_eq!(w.gateway.seen().open, 1, "{:?}", w.gateway.seen());
    second.abort();
    let _ = second.await;
    sql(admin, &format!("DROP ROLE IF EXISTS {role}")).await;
}

async fn sql(db: &sqlx::AnyPool, statement: &str) {
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string()))
        .execute(db)
        .await
        .unwrap_or_else(|err| panic!("{statement}: {err}"));
}

/// Waits, a check every `every` for at most 400 checks, until `done`.
async fn until(every: std::time::Duration, done: impl Fn() -> bool) {
    for _ in 0..400 {
        if done() {
            return;
        }
        tokio::time::sleep(every).await;
    }
}
