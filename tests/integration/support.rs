//! The test harness: a fresh database per test on either backend, and a `TestApp` that drives the
//! real app through the console platform with a manual clock.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use tandem::adapters::console::ConsoleChat;
use tandem::app::{App, Caller, Input, Invocation, Reply, Settings};
use tandem::chat::{Chat, Chats};
use tandem::clock::ManualClock;
use tandem::commands::Root;
use tandem::domain::{Identity, Platform, Timestamp};
use tandem::store::Store;

/// A fresh, migrated database; the temp folder lives as long as the value.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A database some test prepared itself (migrated part-way, say); whoever made it keeps its
    /// folder alive.
    pub fn from_store(store: Store, url: String) -> TestDb {
        TestDb {
            store,
            url,
            _dir: None,
        }
    }

    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/tandem.db", dir.path().display());
        let store = Store::open(&url).await.expect("open sqlite");
        TestDb {
            store,
            url,
            _dir: Some(dir),
        }
    }

    /// A fresh schema in the PostgreSQL database named by `TANDEM_TEST_POSTGRES_URL`. Without the
    /// variable the test is skipped, except under CI, where a missing database fails the run.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(base) = std::env::var("TANDEM_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but TANDEM_TEST_POSTGRES_URL is not: the PostgreSQL tests must run in CI"
            );
            return None;
        };
        let schema = format!("t_{}", tandem::domain::new_id());
        let admin = Store::connect(&base)
            .await
            .expect("PostgreSQL at TANDEM_TEST_POSTGRES_URL is unreachable");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(admin.pool())
            .await
            .expect("create schema");
        admin.close().await;
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options[search_path]={schema}");
        let store = Store::open(&url).await.expect("open postgres schema");
        Some(TestDb {
            store,
            url,
            _dir: None,
        })
    }
}

/// Runs an async test body on SQLite and on PostgreSQL:
/// `on_both_backends!(name)` for `async fn name(db: TestDb)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        $(
            mod $test {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$test($crate::support::TestDb::sqlite().await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(db) = $crate::support::TestDb::postgres().await {
                        super::$test(db).await;
                    }
                }
            }
        )+
    };
}

/// 28 November 2026, 09:00 UTC: the tests' "now".
pub fn test_now() -> Timestamp {
    Timestamp::from_utc(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap())
}

/// The app on a test database, the console as its platform, time under the test's control.
pub struct TestApp {
    pub app: App,
    pub console: ConsoleChat,
    pub clock: Arc<ManualClock>,
    pub db: TestDb,
}

impl TestApp {
    pub async fn new(db: TestDb) -> TestApp {
        Self::with_chat(db, None).await
    }

    /// With another Chat standing in for the console platform (a failing one, say).
    pub async fn with_chat(db: TestDb, chat: Option<Arc<dyn Chat>>) -> TestApp {
        let console = ConsoleChat::new();
        let clock = Arc::new(ManualClock::new(test_now()));
        let chat = chat.unwrap_or_else(|| Arc::new(console.clone()));
        let app = App::new(
            db.store.clone(),
            clock.clone(),
            Chats::new().with(chat),
            Settings::default(),
        );
        let boss = Identity::new(Platform::Console, "gina");
        app.bootstrap_coordinators(&[boss])
            .await
            .expect("bootstrap");
        TestApp {
            app,
            console,
            clock,
            db,
        }
    }

    /// Types `/mentoring TEXT` as the console user `who`.
    pub async fn mentoring(&self, who: &str, text: &str) -> Reply {
        self.type_as(who, Root::Mentoring, text).await
    }

    pub async fn type_as(&self, who: &str, root: Root, text: &str) -> Reply {
        let caller = Caller::person(Identity::new(Platform::Console, who), who);
        self.app
            .handle(Invocation {
                caller,
                channel: None,
                input: Input::Text {
                    root,
                    text: text.to_string(),
                },
            })
            .await
    }

    /// The console user `who` presses `button`.
    pub async fn press(&self, who: &str, button: &tandem::chat::Button) -> Reply {
        self.app
            .handle(Invocation {
                caller: Caller::person(Identity::new(Platform::Console, who), who),
                channel: None,
                input: Input::Action {
                    action: button.action.clone(),
                    value: button.value.clone(),
                    message: None,
                },
            })
            .await
    }

    /// GETs a path from the HTTP router: status and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        use tower::ServiceExt;
        let router = tandem::adapters::http::router(self.app.clone(), metrics_handle());
        let request = axum::http::Request::get(path)
            .body(axum::body::Body::empty())
            .unwrap();
        let response = router.oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    /// The plain text of `/mentoring TEXT` typed by the coordinator.
    pub async fn coordinator(&self, text: &str) -> String {
        self.mentoring("gina", text).await.message.plain_text()
    }
}

/// The test binary's metrics recorder, installed once as `tandem run` installs its own: every
/// test's counts land in it.
pub fn metrics_handle() -> metrics_exporter_prometheus::PrometheusHandle {
    static HANDLE: std::sync::OnceLock<metrics_exporter_prometheus::PrometheusHandle> =
        std::sync::OnceLock::new();
    HANDLE
        .get_or_init(|| {
            metrics_exporter_prometheus::PrometheusBuilder::new()
                .install_recorder()
                .expect("install the metrics recorder")
        })
        .clone()
}

/// A console platform whose posts can fail on cue or hang (a stopped instance), for the
/// scheduler's failure tests.
pub struct FlakyChat {
    pub console: tandem::adapters::console::ConsoleChat,
    /// Errors the next posts return, in order.
    pub failures: std::sync::Mutex<std::collections::VecDeque<tandem::chat::ChatError>>,
    /// Errors the next DMs return, in order.
    pub dm_failures: std::sync::Mutex<std::collections::VecDeque<tandem::chat::ChatError>>,
    /// After this many successful posts, every post waits forever.
    pub hang_after: std::sync::Mutex<Option<usize>>,
    pub posted: std::sync::atomic::AtomicUsize,
    /// The channel of every post begun, in order: failed and hanging ones too.
    pub attempted: std::sync::Mutex<Vec<String>>,
    /// Set once a post has started waiting forever.
    pub hanging: std::sync::atomic::AtomicBool,
    /// While set, making a pair space fails as a platform outage would (HTTP 503).
    pub spaces_down: std::sync::atomic::AtomicBool,
    /// Each post moves this clock on by this much: a platform that keeps us waiting.
    pub slow_posts: std::sync::Mutex<Option<(Arc<ManualClock>, std::time::Duration)>>,
    /// Another instance that runs its scheduler while each post waits.
    pub meanwhile: std::sync::Mutex<Option<App>>,
    /// While set, opening a thread fails as a platform outage would (HTTP 503).
    pub threads_down: std::sync::atomic::AtomicBool,
    /// When set, the next post panics (a bug in an adapter) instead of answering.
    pub panic_next: std::sync::atomic::AtomicBool,
}

impl FlakyChat {
    pub fn new() -> Arc<FlakyChat> {
        Arc::new(FlakyChat {
            console: ConsoleChat::new(),
            failures: Default::default(),
            dm_failures: Default::default(),
            hang_after: Default::default(),
            posted: Default::default(),
            attempted: Default::default(),
            hanging: Default::default(),
            spaces_down: Default::default(),
            slow_posts: Default::default(),
            meanwhile: Default::default(),
            threads_down: Default::default(),
            panic_next: Default::default(),
        })
    }

    pub fn fail_next(&self, err: tandem::chat::ChatError) {
        self.failures.lock().unwrap().push_back(err);
    }

    pub fn fail_next_dm(&self, err: tandem::chat::ChatError) {
        self.dm_failures.lock().unwrap().push_back(err);
    }
}

#[async_trait::async_trait]
impl Chat for FlakyChat {
    fn platform(&self) -> Platform {
        Platform::Console
    }
    async fn ensure_private_space(
        &self,
        request: &tandem::chat::SpaceRequest,
    ) -> Result<tandem::chat::Space, tandem::chat::ChatError> {
        if self.spaces_down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(tandem::chat::ChatError::transient("HTTP 503", None));
        }
        self.console.ensure_private_space(request).await
    }
    async fn remove_from_space(
        &self,
        space: &tandem::chat::ChannelRef,
        user: &Identity,
    ) -> Result<bool, tandem::chat::ChatError> {
        self.console.remove_from_space(space, user).await
    }
    async fn post(
        &self,
        channel: &tandem::chat::ChannelRef,
        message: &tandem::chat::Message,
    ) -> Result<tandem::chat::MessageRef, tandem::chat::ChatError> {
        self.attempted.lock().unwrap().push(channel.id.clone());
        if let Some(err) = self.failures.lock().unwrap().pop_front() {
            return Err(err);
        }
        if self
            .panic_next
            .swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            panic!("a bug while posting");
        }
        let limit = *self.hang_after.lock().unwrap();
        if limit.is_some_and(|n| self.posted.load(std::sync::atomic::Ordering::SeqCst) >= n) {
            self.hanging
                .store(true, std::sync::atomic::Ordering::SeqCst);
            std::future::pending::<()>().await;
        }
        if let Some((clock, by)) = &*self.slow_posts.lock().unwrap() {
            clock.advance(*by);
        }
        let rival = self.meanwhile.lock().unwrap().clone();
        if let Some(rival) = rival {
            rival.run_due().await.expect("the other instance runs");
        }
        self.posted
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.console.post(channel, message).await
    }
    async fn update(
        &self,
        at: &tandem::chat::MessageRef,
        message: &tandem::chat::Message,
    ) -> Result<(), tandem::chat::ChatError> {
        self.console.update(at, message).await
    }
    async fn dm(
        &self,
        user: &Identity,
        message: &tandem::chat::Message,
    ) -> Result<tandem::chat::MessageRef, tandem::chat::ChatError> {
        if let Some(err) = self.dm_failures.lock().unwrap().pop_front() {
            return Err(err);
        }
        self.console.dm(user, message).await
    }
    async fn reply_private(
        &self,
        target: &tandem::chat::ReplyTarget,
        message: &tandem::chat::Message,
    ) -> Result<(), tandem::chat::ChatError> {
        self.console.reply_private(target, message).await
    }
    async fn send_files(
        &self,
        target: &tandem::chat::ReplyTarget,
        caption: &tandem::chat::Message,
        files: &[tandem::chat::Attachment],
    ) -> Result<(), tandem::chat::ChatError> {
        self.console.send_files(target, caption, files).await
    }
    async fn start_thread(
        &self,
        under: &tandem::chat::MessageRef,
        name: &str,
        first: &tandem::chat::Message,
    ) -> Result<tandem::chat::MessageRef, tandem::chat::ChatError> {
        if self.threads_down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(tandem::chat::ChatError::transient("HTTP 503", None));
        }
        self.console.start_thread(under, name, first).await
    }
    async fn open_form(
        &self,
        target: &tandem::chat::ReplyTarget,
        form: &tandem::chat::Form,
    ) -> Result<(), tandem::chat::ChatError> {
        self.console.open_form(target, form).await
    }
}

/// A UTC instant, for tests that travel in time.
pub fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> Timestamp {
    Timestamp::from_utc(Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap())
}
