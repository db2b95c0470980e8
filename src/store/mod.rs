//! Storage: one sqlx `Any` pool over SQLite (the embedded default) or PostgreSQL, with one schema and
//! one set of runtime-checked queries (ARCHITECTURE decision 4). One file per table; no business rules.

pub mod announcements;
pub mod audit;
pub mod calendar_keys;
pub mod checkins;
pub mod coordinators;
pub mod deliveries;
pub mod inbound;
pub mod intakes;
pub mod jobs;
pub mod meetups;
pub mod occasions;
pub mod pairs;
pub mod participants;
pub mod privacy;
pub mod resources;
pub mod schedules;
pub mod surveys;
pub mod webinars;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::future::BoxFuture;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};

/// The migrations both databases share, embedded in the binary and applied at start.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");
/// Migrations one database needs in its own SQL (a SQLite `WITHOUT ROWID` rebuild, say), each
/// with a twin of the same version for the other, applied in version order with the shared ones.
static SQLITE_ONLY: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_ONLY: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Every migration `backend` applies, in version order.
pub fn migrator(backend: Backend) -> sqlx::migrate::Migrator {
    let own = match backend {
        Backend::Sqlite => &SQLITE_ONLY,
        Backend::Postgres => &POSTGRES_ONLY,
    };
    sqlx::migrate::Migrator::with_migrations(MIGRATOR.iter().chain(own.iter()).cloned().collect())
}

/// Every migration file shipped, for either backend: what the checksum test records.
pub fn all_migrations() -> impl Iterator<Item = &'static sqlx::migrate::Migration> {
    MIGRATOR
        .iter()
        .chain(SQLITE_ONLY.iter())
        .chain(POSTGRES_ONLY.iter())
}

/// Which database sits behind the pool, for the few statements that must differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite's writers take turns here.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// On SQLite, a connection kept out of the pool for [`Store::quickly`].
    kept: Arc<tokio::sync::Mutex<Option<PoolConnection<Any>>>>,
}

/// A write transaction (holding SQLite's writer turn until it ends).
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }
}

/// A pooled connection holding SQLite's writer turn.
pub struct WriteConn {
    conn: sqlx::pool::PoolConnection<Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteConn {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.conn
    }
}

impl std::ops::DerefMut for WriteConn {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.conn
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Store {
    /// Opens `url` (`sqlite://relative.db`, `sqlite:///absolute.db` or `postgres://…`), creating a
    /// missing SQLite file and its folder, and applies the migrations.
    pub async fn open(url: &str) -> anyhow::Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens `url` without migrating (for `tandem migrate` and the migrations test).
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .with_context(|| format!("the database address is not valid ({})", redact(&url)))?;
        let max = match backend {
            // SQLite has one writer at a time; a few connections let reads go on beside it,
            // and one is kept out of the pool for `Store::quickly`.
            Backend::Sqlite => 5,
            Backend::Postgres => 10,
        };
        let pool = AnyPoolOptions::new()
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // With WAL, NORMAL still never corrupts the file; only a power cut can
                        // lose the last commits (docs/operations.md), and it spares an fsync per
                        // commit.
                        sqlx::Executor::execute(&mut *conn, "PRAGMA synchronous = NORMAL").await?;
                        // Deleted and overwritten content (a closed survey's key and answer
                        // tokens) is zeroed in the file instead of lingering in free space.
                        sqlx::Executor::execute(&mut *conn, "PRAGMA secure_delete = ON").await?;
                    }
                    Ok(())
                })
            })
            .max_connections(max)
            // A SQLite connection is a file handle in this process and cannot go stale; pinging
            // it on every acquire cost a round trip to its worker thread per query. A network
            // connection to PostgreSQL can, so it is still checked.
            .test_before_acquire(backend == Backend::Postgres)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .with_context(|| format!("could not open the database {}", redact(&url)))?;
        if backend == Backend::Sqlite {
            // WAL lets readers work beside the writer; the mode is stored in the file itself.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        Ok(Store {
            pool,
            backend,
            writer: Arc::new(tokio::sync::Mutex::new(())),
            kept: Arc::new(tokio::sync::Mutex::new(None)),
        })
    }

    /// Versions of the shipped migrations not yet applied to this database (all of them on a
    /// new one), for `tandem doctor`.
    pub async fn pending_migrations(&self) -> anyhow::Result<Vec<i64>> {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(&self.pool)
                .await
                .unwrap_or_default();
        Ok(migrator(self.backend)
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| m.version)
            .filter(|v| !applied.contains(v))
            .collect())
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        migrator(self.backend)
            .run(&self.pool)
            .await
            .context("could not apply the database migrations")
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a write transaction. SQLite has one writer at a time: writers queue here, in the
    /// process, and then take the lock at once (`BEGIN IMMEDIATE`), instead of sleeping in
    /// SQLite's busy handler or failing when a read turns into a write.
    pub async fn begin(&self) -> sqlx::Result<WriteTx> {
        let (turn, tx) = match self.backend {
            Backend::Sqlite => {
                let turn = self.writer.clone().lock_owned().await;
                (Some(turn), self.pool.begin_with("BEGIN IMMEDIATE").await?)
            }
            Backend::Postgres => (None, self.pool.begin().await?),
        };
        Ok(WriteTx { tx, _turn: turn })
    }

    /// A connection for one write statement (atomic on its own, so no transaction round trips),
    /// taking SQLite's writer turn like [`Store::begin`]. For the scheduler's hot path.
    pub async fn writer(&self) -> sqlx::Result<WriteConn> {
        let turn = match self.backend {
            Backend::Sqlite => Some(self.writer.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        Ok(WriteConn {
            conn: self.pool.acquire().await?,
            _turn: turn,
        })
    }

    /// Runs one short statement (or a few) for a path that answers people while they wait: the
    /// acknowledgement of a command. On SQLite it runs on a connection kept out of the pool, one
    /// request at a time: sqlx returns each pooled connection with a round trip to its SQLite
    /// worker thread (a ping) and a task of its own, which cost more than the statement itself
    /// (docs/performance.md). On an error the kept connection is closed and the next call takes
    /// a fresh one. On PostgreSQL it takes a connection from the pool as usual.
    pub async fn quickly<T>(
        &self,
        work: impl for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, sqlx::Result<T>>,
    ) -> sqlx::Result<T> {
        match self.backend {
            Backend::Postgres => {
                let mut conn = self.pool.acquire().await?;
                work(&mut conn).await
            }
            Backend::Sqlite => {
                let mut kept = self.kept.lock().await;
                let conn = match kept.take() {
                    Some(conn) => kept.insert(conn),
                    None => kept.insert(self.pool.acquire().await?),
                };
                let result = work(conn).await;
                if result.is_err()
                    && let Some(mut conn) = kept.take()
                {
                    conn.close_on_drop();
                }
                result
            }
        }
    }

    pub async fn close(&self) {
        // A kept connection goes back first: closing the pool waits for every connection.
        self.kept.lock().await.take();
        self.pool.close().await;
    }
}

fn backend_of(url: &str) -> anyhow::Result<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        bail!(
            "TANDEM_DATABASE_URL must start with sqlite:// or postgres:// (got {})",
            redact(url)
        )
    }
}

/// Makes sure a SQLite file can be created: its folder exists and the URL asks for create mode.
fn prepare_sqlite_url(url: &str) -> anyhow::Result<String> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Ok(url.to_string());
    }
    if let Some(folder) = Path::new(path)
        .parent()
        .filter(|f| !f.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("could not create the folder {}", folder.display()))?;
    }
    Ok(if query.contains("mode=") {
        url.to_string()
    } else if query.is_empty() {
        format!("sqlite://{path}?mode=rwc")
    } else {
        format!("sqlite://{path}?{query}&mode=rwc")
    })
}

/// A database address fit for messages: the password (if any) replaced, whether it sits in the
/// user part (`user:pw@host`) or in the query (`?password=pw`, `&sslpassword=pw`).
pub fn redact(url: &str) -> String {
    let (address, query) = match url.split_once('?') {
        Some((address, query)) => (address, Some(query)),
        None => (url, None),
    };
    let mut out = redact_user_part(address);
    if let Some(query) = query {
        out.push('?');
        out.push_str(&redact_query(query));
    }
    out
}

/// True when `url` carries a password anywhere: such an address should not be a flag.
pub fn has_password(url: &str) -> bool {
    redact(url) != url
}

fn redact_user_part(address: &str) -> String {
    let Some((scheme, rest)) = address.split_once("://") else {
        return address.to_string();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return address.to_string();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => address.to_string(),
    }
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.to_ascii_lowercase().ends_with("password") => {
                format!("{key}=***")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `$first, $first+1, …` for `count` values: the placeholders of an `IN (…)` list.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// True when `err` is a unique-constraint violation: the database telling us a rule was already
/// taken by someone else (a name in use, a person already paired).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode() {
        assert_eq!(
            prepare_sqlite_url("sqlite://tandem.db").unwrap(),
            "sqlite://tandem.db?mode=rwc"
        );
        assert_eq!(
            prepare_sqlite_url("sqlite://x.db?mode=ro").unwrap(),
            "sqlite://x.db?mode=ro"
        );
        assert_eq!(
            prepare_sqlite_url("sqlite::memory:").unwrap(),
            "sqlite::memory:"
        );
    }

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://tandem:s3cret@db:5432/t"),
            "postgres://tandem:***@db:5432/t"
        );
        assert_eq!(redact("sqlite://tandem.db"), "sqlite://tandem.db");
        assert_eq!(
            redact("postgres://db:5432/t?user=tandem&password=s3cret&sslmode=require"),
            "postgres://db:5432/t?user=tandem&password=***&sslmode=require"
        );
        assert_eq!(
            redact("postgres://u:p@db/t?sslpassword=k3y"),
            "postgres://u:***@db/t?sslpassword=***"
        );
        assert_eq!(redact("postgres://tandem@db/t"), "postgres://tandem@db/t");
        assert!(has_password("postgres://db/t?PASSWORD=x"));
        assert!(!has_password("postgres://tandem@db/t?sslmode=require"));
    }

    #[test]
    fn unknown_schemes_are_refused() {
        assert!(backend_of("mysql://x").is_err());
        assert_eq!(backend_of("postgresql://x").unwrap(), Backend::Postgres);
    }
}
