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
/// lock): the second waits while the first holds it and takes over when it stops. On SQLite
/// there is one instance by design, and it connects at once.
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
    let other = tandem::store::Store::open(&w.db.url).await.unwrap();
    let second = tokio::spawn(gateway::hold_checking_every(
        other,
        w.interactions.clone(),
        every,
    ));
    // Several of the second instance's checks go by while the first holds the lock.
    tokio::time::sleep(every * 6).await;
    assert_eq!(w.gateway.seen().identifies, 1, "the second instance waits");
    assert!(!second.is_finished(), "and keeps checking");
    first.abort();
    let _ = first.await;
    for _ in 0..400 {
        if w.gateway.seen().identifies == 2 {
            break;
        }
        tokio::time::sleep(every).await;
    }
    assert_eq!(w.gateway.seen().identifies, 2, "the second takes over");
    second.abort();
}
