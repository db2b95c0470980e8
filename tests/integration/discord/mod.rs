//! Discord end to end against a fake Discord (REST + gateway) on 127.0.0.1: HTTP interactions,
//! the gateway, outbound pacing and start-up checks.

pub mod fake;
pub mod gateway;
pub mod objects;
pub mod payloads;
mod spec;

mod calendar_flows;
mod checkins;
mod connecting;
mod files;
mod forgetting;
mod leaving;
mod over_gateway;
mod over_http;
mod pacing;
mod surveys;

use std::sync::Arc;

use ed25519_dalek::{Signer, SigningKey};
use serde_json::Value;
use tandem::adapters::discord::interactions::Interactions;
use tandem::adapters::discord::{Discord, DiscordSettings, endpoint};
use tandem::app::{App, Settings};
use tandem::chat::Chats;
use tandem::clock::ManualClock;

use crate::support::{TestDb, test_now};
use fake::{COORDINATOR_ROLE, FakeDiscord, GUILD, TOKEN};
use gateway::FakeGateway;

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The application's key pair: a fixed seed, so runs are repeatable.
pub fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

pub fn settings(fake: &FakeDiscord) -> DiscordSettings {
    DiscordSettings {
        token: TOKEN.to_string().into(),
        guild_id: GUILD,
        public_key: Some(hex(signing_key().verifying_key().as_bytes())),
        application_id: None,
        gateway: true,
        coordinator_role: Some(COORDINATOR_ROLE),
        api_url: Some(fake.base.clone()),
        threads_after: 450,
        members_intent: false,
        call_timeout: tandem::adapters::CALL_TIMEOUT,
    }
}

/// The app wired to Discord only, on a fake Discord, with the HTTP endpoint served.
pub struct DiscordWorld {
    pub fake: FakeDiscord,
    pub gateway: FakeGateway,
    pub discord: Discord,
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub interactions: Arc<Interactions>,
    pub endpoint: String,
    pub http: reqwest::Client,
    pub db: TestDb,
}

impl DiscordWorld {
    pub async fn new(db: TestDb) -> DiscordWorld {
        Self::with_settings(db, |_| {}).await
    }

    /// A world whose Discord settings `tweak` changes first.
    pub async fn with_settings(
        db: TestDb,
        tweak: impl FnOnce(&mut DiscordSettings),
    ) -> DiscordWorld {
        let fake = FakeDiscord::start().await;
        let gateway = FakeGateway::start().await;
        fake.lock().gateway_url = gateway.url.clone();
        let mut settings = settings(&fake);
        tweak(&mut settings);
        let key = settings.public_key.clone().unwrap();
        let discord = Discord::connect(settings)
            .await
            .expect("connect to the fake");
        let clock = Arc::new(ManualClock::new(test_now()));
        let app = App::new(
            db.store.clone(),
            clock.clone(),
            Chats::new().with(Arc::new(discord.clone())),
            Settings::default(),
        );
        let interactions = Interactions::new(discord.clone(), app.clone());
        let router = endpoint::routes(interactions.clone(), &key).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!(
            "http://{}/discord/interactions",
            listener.local_addr().unwrap()
        );
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        DiscordWorld {
            fake,
            gateway,
            discord,
            app,
            clock,
            interactions,
            endpoint,
            http: reqwest::Client::new(),
            db,
        }
    }

    /// Gina creates intake Y1 with `options` (besides its name) and pairs Aroha (mentor) with
    /// Ben, waiting for the deferred answer that follows the pair's new channel.
    pub async fn intake_with_pair(&self, options: Vec<Value>) {
        use payloads::{GINA, mentoring, text};
        let mut options = options;
        options.insert(0, text("name", "Y1"));
        let (_, made) = self
            .post(&mentoring(&GINA, &["intake", "create"], options, &[]))
            .await;
        assert!(
            payloads::words(&made["data"]).contains("Created the intake"),
            "{made}"
        );
        self.pair_aroha_with_ben(1).await;
    }

    /// Gina pairs Aroha (mentor) with Ben and waits for the deferred answer, the `answers`-th
    /// edit of an original answer so far.
    pub async fn pair_aroha_with_ben(&self, answers: usize) {
        use payloads::{AROHA, BEN, GINA, mentoring, person};
        let (_, paired) = self
            .post(&mentoring(
                &GINA,
                &["pair"],
                vec![person("mentor", &AROHA), person("mentee", &BEN)],
                &[&AROHA, &BEN],
            ))
            .await;
        assert_eq!(paired["type"], 5, "{paired}");
        self.fake
            .wait_for("PATCH", "/messages/@original", answers)
            .await;
    }

    /// Posts an interaction signed now, as Discord would.
    pub async fn post(&self, interaction: &Value) -> (u16, Value) {
        let body = interaction.to_string();
        let timestamp = self.app.now().unix_seconds().to_string();
        let signature = sign(&timestamp, &body);
        self.post_raw(&body, &timestamp, &signature).await
    }

    /// Posts an interaction as Discord would; once its answer is read, Discord knows the
    /// interaction was answered and accepts follow-ups on its token.
    pub async fn post_raw(&self, body: &str, timestamp: &str, signature: &str) -> (u16, Value) {
        let (status, answer) = self.post_unmarked(body, timestamp, signature).await;
        if let Some(token) = serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|i| i["token"].as_str().map(String::from))
        {
            self.fake.lock().answered.insert(token);
        }
        (status, answer)
    }

    /// Posts an interaction whose answer Discord has not received yet, as far as the fake knows.
    pub async fn post_unmarked(
        &self,
        body: &str,
        timestamp: &str,
        signature: &str,
    ) -> (u16, Value) {
        let response = self
            .http
            .post(&self.endpoint)
            .header("content-type", "application/json")
            .header("x-signature-ed25519", signature)
            .header("x-signature-timestamp", timestamp)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let answer = serde_json::from_str(&text).unwrap_or(Value::String(text));
        // The answer is the interaction's callback, as far as Discord is concerned: the same spec
        // holds for it as for a callback sent over REST.
        if status == 200 {
            let problems = spec::check_interaction_answer(&answer);
            self.fake.lock().problems.extend(
                problems
                    .into_iter()
                    .map(|p| format!("Tandem's HTTP answer to an interaction: {p}")),
            );
        }
        (status, answer)
    }
}

pub fn sign(timestamp: &str, body: &str) -> String {
    let message = format!("{timestamp}{body}");
    hex(&signing_key().sign(message.as_bytes()).to_bytes())
}
