//! Forget means forgotten: after `/mentoring forget`, what was sent to the person keeps no DM
//! channel, they are enrolled nowhere (so a later survey does not count them as invited), and
//! each pair space that showed their name on Slack or Discord is renamed to a neutral one (in
//! `slack/forgetting.rs` and `discord/forgetting.rs`).

use sqlx::Row;
use tandem::app::{Caller, Input, Invocation, Outcome};
use tandem::domain::{Identity, Platform};
use tandem::store;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};
use crate::surveys::{intake, open};

on_both_backends!(a_forgotten_person_keeps_no_dm_channel_and_is_invited_to_nothing,);

/// `who` on `platform` presses the confirmation of forgetting participant `id`.
pub async fn confirm_forget(app: &tandem::app::App, who: Identity, id: &str) {
    let reply = app
        .handle(Invocation {
            caller: Caller::person(who.clone(), &who.user_id),
            channel: None,
            input: Input::Action {
                action: "forget.confirm".to_string(),
                value: id.to_string(),
                message: None,
            },
        })
        .await;
    assert_eq!(
        reply.outcome,
        Outcome::Done,
        "{}",
        reply.message.plain_text()
    );
}

pub async fn id_of(app: &tandem::app::App, who: Identity) -> String {
    store::participants::find_by_identity(app.store.pool(), &who)
        .await
        .unwrap()
        .expect("registered")
        .id
}

async fn count(t: &TestApp, sql: &str, id: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .bind(id)
        .fetch_one(t.app.store.pool())
        .await
        .unwrap()
        .get(0)
}

async fn a_forgotten_person_keeps_no_dm_channel_and_is_invited_to_nothing(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 2).await;
    open(&t, "survey open mid-program closes:2026-12-20").await;
    t.app.run_due().await.unwrap();
    let m0 = id_of(&t.app, Identity::new(Platform::Console, "m0")).await;
    let dm_channels =
        "SELECT COUNT(*) FROM deliveries WHERE recipient = $1 AND channel_id IS NOT NULL";
    assert_eq!(count(&t, dm_channels, &m0).await, 1, "the invitation's DM");

    confirm_forget(&t.app, Identity::new(Platform::Console, "gina"), &m0).await;
    assert_eq!(count(&t, dm_channels, &m0).await, 0);
    let enrolled = "SELECT COUNT(*) FROM enrolments WHERE participant_id = $1";
    assert_eq!(count(&t, enrolled, &m0).await, 0);

    // A later survey: three invited (e0, m1, e1), three invitations.
    let later = open(&t, "survey open end-of-program intake:Y1").await;
    t.app.run_due().await.unwrap();
    let listed = t.coordinator("survey results").await;
    assert!(listed.contains("0 of 3 answered"), "{listed}");
    let invited = "SELECT COUNT(*) FROM deliveries d JOIN jobs j ON j.id = d.job_id
                   WHERE j.target = $1 AND j.kind = 'survey_invitation'";
    assert_eq!(count(&t, invited, &later).await, 3);
}
