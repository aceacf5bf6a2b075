//! Persistent bot settings (per channel, per server, and each person's own choices), through
//! sqlx: in a SQLite file by default, or in PostgreSQL when `NEWSBRIEF_DATABASE_URL` starts
//! with `postgres://` (several processes of one bot then see one setting at once).
//!
//! The back end is chosen once, at [`Store::open`], and hidden behind [`Store`]: each query
//! has its SQLite and its PostgreSQL form side by side. The schema migrations exist for both
//! back ends, version by version ([`MIGRATIONS`]: `migrations/*.sql` for SQLite,
//! `migrations/postgres/*.sql` for PostgreSQL), compiled in; a test keeps the two in step
//! (same tables, same columns). A SQLite database is created when missing and runs in WAL
//! mode with `synchronous=NORMAL`, so a crash or `kill -9` never leaves a half-written
//! setting behind. Only settings live here: briefs are cached ([`crate::cache`]), never stored.
//!
//! The database going away mid-run (PostgreSQL restarted, the network to it cut) never
//! silences the bot: a read that cannot reach the database answers the last value this
//! process read or wrote for that channel, server or person (the default for one never
//! read), the outage is logged once, the database is left alone for [`RETRY_AFTER`]
//! between attempts (so replies do not wait on it), and its return is logged once. Errors
//! that are not about reaching the database (a damaged file, a broken schema) are still
//! errors.
//!
//! One file of about 1,000 lines on purpose: every query's SQLite and PostgreSQL forms sit
//! side by side, which is what keeps the two back ends in step when one is changed.

use std::borrow::Cow;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

/// How long a writer waits for another connection's lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections in the pool: settings are tiny and rarely written, a few readers suffice.
pub const MAX_CONNECTIONS: u32 = 4;

/// Longest wait for a PostgreSQL connection (at start, and for each query's connection).
pub const PG_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for one settings read before the last known value is used instead (a reply
/// must not wait on a database that does not answer).
pub const READ_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the database is left alone after it could not be reached: reads meanwhile
/// answer the last known values at once.
pub const RETRY_AFTER: Duration = Duration::from_secs(2);
/// Channels and people whose last setting is remembered for an outage (each a few bytes).
pub const REMEMBERED_ENTRIES: u64 = 200_000;
/// Bytes of server settings remembered for an outage (a server's settings are at most a few
/// KiB: two lists of 50 domains).
pub const REMEMBERED_SERVER_BYTES: u64 = 16 * 1024 * 1024;

/// One schema migration, in both back ends' SQL.
#[derive(Debug, Clone, Copy)]
pub struct SchemaMigration {
    /// Version (applied in order, recorded in `_sqlx_migrations`).
    pub version: i64,
    /// What it does.
    pub description: &'static str,
    /// The SQLite form (`migrations/NNNN_*.sql`; never edited once released: SQLite
    /// databases in use hold its checksum).
    pub sqlite: &'static str,
    /// The PostgreSQL form (`migrations/postgres/NNNN_*.sql`).
    pub postgres: &'static str,
}

/// The schema migrations, compiled in so an installed binary needs no `migrations/` folder.
/// A new migration adds one entry with both forms.
pub const MIGRATIONS: &[SchemaMigration] = &[
    SchemaMigration {
        version: 1,
        description: "channel settings",
        sqlite: include_str!("../migrations/0001_channel_settings.sql"),
        postgres: include_str!("../migrations/postgres/0001_channel_settings.sql"),
    },
    SchemaMigration {
        version: 2,
        description: "server settings",
        sqlite: include_str!("../migrations/0002_server_settings.sql"),
        postgres: include_str!("../migrations/postgres/0002_server_settings.sql"),
    },
];

/// Errors of the settings store. Each names the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is malformed.
    #[error("NEWSBRIEF_DATABASE_URL `{url}` is not a valid database URL ({reason}); expected sqlite://path/to/file.db or postgres://user:password@host:port/database")]
    BadUrl {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The database could not be opened or migrated (missing folder, corrupt file, ...).
    #[error("cannot open the settings database {url}: {reason} ({hint})")]
    Open {
        /// The URL.
        url: String,
        /// Why, as the database driver says it.
        reason: String,
        /// What to do, found by looking at the file the URL names.
        hint: String,
    },
    /// A query failed.
    #[error("settings database {url}: {reason}")]
    Query {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
}

/// The file a `sqlite:` URL names (`None` for in-memory databases).
fn database_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

/// What to do about a database that cannot be opened, from what is actually at its path:
/// a missing folder, a folder in place of the file, a file that is not a database, or a
/// permission problem each get their own advice (never a hint at the wrong cause).
fn open_hint(url: &str, reason: &str) -> String {
    let Some(path) = database_path(url) else {
        return "check NEWSBRIEF_DATABASE_URL".into();
    };
    let shown = path.display();
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| std::path::Path::new("."));
    let lower = reason.to_ascii_lowercase();
    if !parent.is_dir() {
        format!(
            "the folder {} does not exist: create it, or set NEWSBRIEF_DATABASE_URL to a file in an existing folder",
            parent.display()
        )
    } else if path.is_dir() {
        format!("{shown} is a folder, not a file: set NEWSBRIEF_DATABASE_URL to a file path such as sqlite://{shown}/newsbrief.db")
    } else if lower.contains("not a database")
        || lower.contains("malformed")
        || lower.contains("corrupt")
    {
        format!("{shown} is not a SQLite database or is corrupt: move it away and the bot will create a new one")
    } else if lower.contains("readonly")
        || lower.contains("read-only")
        || lower.contains("permission")
        || lower.contains("unable to open")
    {
        format!(
            "check that the bot may read and write {shown} and its folder {}",
            parent.display()
        )
    } else {
        format!("check the file {shown} and NEWSBRIEF_DATABASE_URL")
    }
}

/// Which form of [`MIGRATIONS`] to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug)]
struct EmbeddedMigrations(Backend);

impl MigrationSource<'static> for EmbeddedMigrations {
    fn resolve(
        self,
    ) -> futures_core_compat::BoxFuture<'static, Result<Vec<Migration>, sqlx::error::BoxDynError>>
    {
        let backend = self.0;
        Box::pin(async move {
            Ok(MIGRATIONS
                .iter()
                .map(|m| {
                    let sql = match backend {
                        Backend::Sqlite => m.sqlite,
                        Backend::Postgres => m.postgres,
                    };
                    Migration::new(
                        m.version,
                        Cow::Borrowed(m.description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// Names the boxed future type sqlx's `MigrationSource` returns without a direct dependency.
mod futures_core_compat {
    /// A boxed, sendable future.
    pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
}

/// The pool of the back end in use.
#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The settings store. Cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    /// The URL as shown in errors (any password replaced).
    url: String,
    /// The secrets of the URL, replaced in every error message.
    secrets: Arc<[String]>,
    /// Last known values, for reads while the database cannot be reached.
    last: Arc<LastKnown>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("url", &self.url)
            .field("postgres", &self.is_postgres())
            .finish_non_exhaustive()
    }
}

/// The settings read or written last, and whether the database is reachable now.
struct LastKnown {
    channels: moka::future::Cache<u64, Option<bool>>,
    servers: moka::future::Cache<u64, Option<String>>,
    dms: moka::future::Cache<u64, bool>,
    /// No attempt before this instant (after a failure to reach the database).
    retry_at: std::sync::Mutex<Option<Instant>>,
    /// Whether the database is known to be unreachable (the outage is logged once, and its
    /// end once).
    down: AtomicBool,
    /// Whether a background check of the database is running.
    probing: AtomicBool,
}

impl LastKnown {
    fn new() -> Self {
        Self {
            channels: moka::future::Cache::new(REMEMBERED_ENTRIES),
            servers: moka::future::Cache::builder()
                .max_capacity(REMEMBERED_SERVER_BYTES)
                .weigher(|_: &u64, v: &Option<String>| {
                    u32::try_from(64 + v.as_ref().map_or(0, String::len)).unwrap_or(u32::MAX)
                })
                .build(),
            dms: moka::future::Cache::new(REMEMBERED_ENTRIES),
            retry_at: std::sync::Mutex::new(None),
            down: AtomicBool::new(false),
            probing: AtomicBool::new(false),
        }
    }

    /// Whether the database failed less than [`RETRY_AFTER`] ago (and is left alone).
    fn resting(&self) -> bool {
        self.retry_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some_and(|at| Instant::now() < at)
    }

    fn failed(&self, url: &str, why: &str) {
        *self
            .retry_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(Instant::now() + RETRY_AFTER);
        if !self.down.swap(true, Ordering::SeqCst) {
            tracing::warn!(
                "the settings database {url} cannot be reached ({why}); replies go on with the last settings read (defaults where none were read) until it is back"
            );
        }
    }

    fn succeeded(&self, url: &str) {
        if self.down.swap(false, Ordering::SeqCst) {
            *self
                .retry_at
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
            tracing::info!("the settings database {url} is back: settings are read from it again");
        }
    }
}

/// Whether `e` means the database could not be reached (down, restarting, the network cut,
/// the server shutting down), as opposed to a query failing on a reachable database.
fn is_unreachable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        // SQLSTATE classes 08 (connection exception), 57 (operator intervention: shutdown,
        // restart) and 53 (insufficient resources: too many connections).
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57") || c.starts_with("53")),
        _ => false,
    }
}

/// Whether `url` names a PostgreSQL database.
#[must_use]
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// `url` with its password (if any) replaced, for errors, logs and `Debug` output: also a
/// password holding `#`, `/`, `?` or `@`, and one given as `?password=` (see
/// [`crate::redact::redact_url`]).
pub use crate::redact::redact_url;

impl Store {
    /// Opens and migrates the database at `url`: `sqlite://path/to/file.db` (created if
    /// missing) or `postgres://user:password@host:port/database` (which must exist).
    ///
    /// # Errors
    /// [`StoreError::BadUrl`] or [`StoreError::Open`] naming the database (never its password).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        if is_postgres_url(url) {
            return Self::open_postgres(url).await;
        }
        if !url.starts_with("sqlite:") {
            return Err(StoreError::BadUrl {
                url: redact_url(url),
                reason: "only sqlite: and postgres: URLs are supported".into(),
            });
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::BadUrl {
                url: redact_url(url),
                reason: redact_text(&e.to_string(), url),
            })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT);
        let open_err = |e: &dyn std::fmt::Display| {
            let reason = e.to_string();
            StoreError::Open {
                url: url.to_string(),
                hint: open_hint(url, &reason),
                reason,
            }
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(|e| open_err(&e))?;
        let migrator = Migrator::new(EmbeddedMigrations(Backend::Sqlite))
            .await
            .map_err(|e| open_err(&e))?;
        migrator.run(&pool).await.map_err(|e| open_err(&e))?;
        Ok(Self {
            pool: Pool::Sqlite(pool),
            url: url.to_string(),
            secrets: Arc::from(crate::redact::url_secrets(url)),
            last: Arc::new(LastKnown::new()),
        })
    }

    async fn open_postgres(url: &str) -> Result<Self, StoreError> {
        let shown = redact_url(url);
        let options = PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl {
            url: shown.clone(),
            reason: redact_text(&e.to_string(), url),
        })?;
        let open_err = |e: &dyn std::fmt::Display| {
            StoreError::Open {
            url: shown.clone(),
            reason: redact_text(&e.to_string(), url),
            hint: "check that PostgreSQL runs, that the database exists and that the user may create tables in it".into(),
        }
        };
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(PG_CONNECT_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| open_err(&e))?;
        // Several processes may start at once: sqlx's migrator takes an advisory lock.
        let migrator = Migrator::new(EmbeddedMigrations(Backend::Postgres))
            .await
            .map_err(|e| open_err(&e))?;
        migrator.run(&pool).await.map_err(|e| open_err(&e))?;
        Ok(Self {
            pool: Pool::Postgres(pool),
            url: shown,
            secrets: Arc::from(crate::redact::url_secrets(url)),
            last: Arc::new(LastKnown::new()),
        })
    }

    /// Whether this store is PostgreSQL (shared by a fleet) rather than a SQLite file.
    #[must_use]
    pub fn is_postgres(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// Whether the database answers a trivial query now (for health checks).
    pub async fn ping(&self) -> bool {
        let answered = match &self.pool {
            Pool::Sqlite(p) => sqlx::query("SELECT 1").execute(p).await.is_ok(),
            Pool::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.is_ok(),
        };
        answered
    }

    /// The tables and their columns (name, nullable) as the database reports them, sorted:
    /// what the schema-in-step test compares between the back ends.
    ///
    /// # Errors
    /// When the catalogue cannot be read.
    pub async fn schema(&self) -> Result<Vec<(String, String, bool)>, StoreError> {
        let mut out: Vec<(String, String, bool)> = match &self.pool {
            Pool::Sqlite(p) => sqlx::query(
                "SELECT m.name, c.name, c.\"notnull\" FROM sqlite_master m, pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx_%'",
            )
            .fetch_all(p)
            .await
            .map_err(|e| self.query_err(&e))?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get::<i64, _>(2) == 0))
            .collect(),
            Pool::Postgres(p) => sqlx::query(
                "SELECT table_name::text, column_name::text, is_nullable = 'YES' FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx\\_%'",
            )
            .fetch_all(p)
            .await
            .map_err(|e| self.query_err(&e))?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect(),
        };
        out.sort();
        Ok(out)
    }

    fn query_err(&self, e: &sqlx::Error) -> StoreError {
        let mut reason = e.to_string();
        for secret in self.secrets.iter() {
            reason = reason.replace(secret.as_str(), crate::redact::REDACTED);
        }
        StoreError::Query {
            url: self.url.clone(),
            reason,
        }
    }

    /// Runs a settings read with the outage fallback: the value read (and remembered in
    /// `last`), or, when the database cannot be reached (or is being left alone after
    /// failing), the value remembered for `id`, else `default`.
    async fn read<T, F>(
        &self,
        last: &moka::future::Cache<u64, T>,
        id: u64,
        default: T,
        query: F,
    ) -> Result<T, StoreError>
    where
        T: Clone + Send + Sync + 'static,
        F: std::future::Future<Output = Result<T, sqlx::Error>>,
    {
        if self.last.down.load(Ordering::SeqCst) {
            // No reply waits on a database known to be down: the last known value now, and a
            // probe in the background tells when it is back.
            self.probe();
            return Ok(last.get(&id).await.unwrap_or(default));
        }
        let why = match tokio::time::timeout(READ_TIMEOUT, query).await {
            Ok(Ok(v)) => {
                self.last.succeeded(&self.url);
                last.insert(id, v.clone()).await;
                return Ok(v);
            }
            Ok(Err(e)) if is_unreachable(&e) => self.query_err(&e).to_string(),
            Ok(Err(e)) => return Err(self.query_err(&e)),
            Err(_) => format!("no answer within {READ_TIMEOUT:?}"),
        };
        self.last.failed(&self.url, &why);
        Ok(last.get(&id).await.unwrap_or(default))
    }

    /// Checks in the background whether the database is back (one check at a time, at most
    /// once every [`RETRY_AFTER`]).
    fn probe(&self) {
        if self.last.resting() || self.last.probing.swap(true, Ordering::SeqCst) {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            let back = tokio::time::timeout(READ_TIMEOUT, this.ping())
                .await
                .unwrap_or(false);
            if back {
                this.last.succeeded(&this.url);
            } else {
                this.last.failed(&this.url, "still unreachable");
            }
            this.last.probing.store(false, Ordering::SeqCst);
        });
    }

    /// Whether auto-briefs are on in `channel` (on unless turned off).
    ///
    /// # Errors
    /// When the query fails on a reachable database (see the module's outage rules).
    pub async fn autosummary(&self, channel: u64) -> Result<bool, StoreError> {
        Ok(self.channel_autosummary(channel).await?.unwrap_or(true))
    }

    /// Turns auto-briefs on or off in `channel`.
    ///
    /// # Errors
    /// When the write fails.
    pub async fn set_autosummary(
        &self,
        channel: u64,
        guild: Option<u64>,
        on: bool,
    ) -> Result<(), StoreError> {
        let channel_id = channel;
        let (channel, guild) = (snowflake_to_db(channel), guild.map(snowflake_to_db));
        match &self.pool {
            Pool::Sqlite(p) => sqlx::query(
                "INSERT INTO channel_settings (channel_id, guild_id, autosummary) VALUES (?, ?, ?)
                 ON CONFLICT(channel_id) DO UPDATE SET autosummary = excluded.autosummary,
                 guild_id = excluded.guild_id,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            )
            .bind(channel)
            .bind(guild)
            .bind(i64::from(on))
            .execute(p)
            .await
            .map(drop),
            Pool::Postgres(p) => sqlx::query(
                "INSERT INTO channel_settings (channel_id, guild_id, autosummary) VALUES ($1, $2, $3)
                 ON CONFLICT (channel_id) DO UPDATE SET autosummary = excluded.autosummary,
                 guild_id = excluded.guild_id, updated_at = now()",
            )
            .bind(channel)
            .bind(guild)
            .bind(on)
            .execute(p)
            .await
            .map(drop),
        }
        .map_err(|e| self.query_err(&e))?;
        self.last.channels.insert(channel_id, Some(on)).await;
        Ok(())
    }

    /// Closes the pool, checkpointing the WAL of a SQLite file into the file first (the
    /// driver closes connections on its worker threads, so the checkpoint the last close
    /// makes may not have finished when `close` returns).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => {
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(p)
                    .await
                {
                    tracing::warn!(error = %e, "could not checkpoint the settings database");
                }
                p.close().await;
            }
            Pool::Postgres(p) => p.close().await,
        }
    }
}

// ---- server settings (/settings) and personal choices --------------------------------------

impl Store {
    /// The channel's own auto-brief setting, `None` when it has none (it then inherits: a
    /// thread from its parent channel).
    ///
    /// # Errors
    /// When the query fails.
    pub async fn channel_autosummary(&self, channel: u64) -> Result<Option<bool>, StoreError> {
        let id = snowflake_to_db(channel);
        let query = async {
            match &self.pool {
                Pool::Sqlite(p) => {
                    sqlx::query("SELECT autosummary FROM channel_settings WHERE channel_id = ?")
                        .bind(id)
                        .fetch_optional(p)
                        .await
                        .map(|row| row.map(|r| r.get::<i64, _>(0) != 0))
                }
                Pool::Postgres(p) => {
                    sqlx::query("SELECT autosummary FROM channel_settings WHERE channel_id = $1")
                        .bind(id)
                        .fetch_optional(p)
                        .await
                        .map(|row| row.map(|r| r.get::<bool, _>(0)))
                }
            }
        };
        self.read(&self.last.channels, channel, None, query).await
    }

    /// The server's settings as stored (a JSON object), `None` when never set.
    ///
    /// # Errors
    /// When the query fails.
    pub async fn server_settings(&self, guild: u64) -> Result<Option<String>, StoreError> {
        let id = snowflake_to_db(guild);
        let query = async {
            match &self.pool {
                Pool::Sqlite(p) => {
                    sqlx::query("SELECT settings FROM server_settings WHERE guild_id = ?")
                        .bind(id)
                        .fetch_optional(p)
                        .await
                        .map(|row| row.map(|r| r.get::<String, _>(0)))
                }
                Pool::Postgres(p) => {
                    sqlx::query("SELECT settings FROM server_settings WHERE guild_id = $1")
                        .bind(id)
                        .fetch_optional(p)
                        .await
                        .map(|row| row.map(|r| r.get::<String, _>(0)))
                }
            }
        };
        self.read(&self.last.servers, guild, None, query).await
    }

    /// Stores the server's settings (a JSON object), replacing the old ones.
    ///
    /// # Errors
    /// When the write fails.
    pub async fn set_server_settings(&self, guild: u64, settings: &str) -> Result<(), StoreError> {
        let id = snowflake_to_db(guild);
        match &self.pool {
            Pool::Sqlite(p) => sqlx::query(
                "INSERT INTO server_settings (guild_id, settings) VALUES (?, ?)
                 ON CONFLICT(guild_id) DO UPDATE SET settings = excluded.settings,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            )
            .bind(id)
            .bind(settings)
            .execute(p)
            .await
            .map(drop),
            Pool::Postgres(p) => sqlx::query(
                "INSERT INTO server_settings (guild_id, settings) VALUES ($1, $2)
                 ON CONFLICT (guild_id) DO UPDATE SET settings = excluded.settings,
                 updated_at = now()",
            )
            .bind(id)
            .bind(settings)
            .execute(p)
            .await
            .map(drop),
        }
        .map_err(|e| self.query_err(&e))?;
        self.last
            .servers
            .insert(guild, Some(settings.to_string()))
            .await;
        Ok(())
    }

    /// Whether the person asked for auto-briefs in direct messages (off unless asked).
    ///
    /// # Errors
    /// When the query fails.
    pub async fn dm_autosummary(&self, user: u64) -> Result<bool, StoreError> {
        let id = snowflake_to_db(user);
        let query = async {
            match &self.pool {
                Pool::Sqlite(p) => {
                    sqlx::query("SELECT dm_autosummary FROM user_settings WHERE user_id = ?")
                        .bind(id)
                        .fetch_optional(p)
                        .await
                        .map(|row| row.is_some_and(|r| r.get::<i64, _>(0) != 0))
                }
                Pool::Postgres(p) => {
                    sqlx::query("SELECT dm_autosummary FROM user_settings WHERE user_id = $1")
                        .bind(id)
                        .fetch_optional(p)
                        .await
                        .map(|row| row.is_some_and(|r| r.get::<bool, _>(0)))
                }
            }
        };
        self.read(&self.last.dms, user, false, query).await
    }

    /// Turns auto-briefs in the person's direct messages on or off.
    ///
    /// # Errors
    /// When the write fails.
    pub async fn set_dm_autosummary(&self, user: u64, on: bool) -> Result<(), StoreError> {
        let id = snowflake_to_db(user);
        match &self.pool {
            Pool::Sqlite(p) => sqlx::query(
                "INSERT INTO user_settings (user_id, dm_autosummary) VALUES (?, ?)
                 ON CONFLICT(user_id) DO UPDATE SET dm_autosummary = excluded.dm_autosummary,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            )
            .bind(id)
            .bind(i64::from(on))
            .execute(p)
            .await
            .map(drop),
            Pool::Postgres(p) => sqlx::query(
                "INSERT INTO user_settings (user_id, dm_autosummary) VALUES ($1, $2)
                 ON CONFLICT (user_id) DO UPDATE SET dm_autosummary = excluded.dm_autosummary,
                 updated_at = now()",
            )
            .bind(id)
            .bind(on)
            .execute(p)
            .await
            .map(drop),
        }
        .map_err(|e| self.query_err(&e))?;
        self.last.dms.insert(user, on).await;
        Ok(())
    }
}

/// `text` with the secrets of `url` replaced: driver errors may quote the URL.
fn redact_text(text: &str, url: &str) -> String {
    crate::redact::redact_text(text, url)
}

/// Discord snowflakes are u64; SQLite and PostgreSQL integers are i64. The cast keeps every
/// bit, so the
/// round trip is exact.
#[allow(clippy::cast_possible_wrap)]
fn snowflake_to_db(id: u64) -> i64 {
    id as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn settings_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let store = Store::open(&url).await.unwrap();
        assert!(store.autosummary(u64::MAX).await.unwrap());
        store
            .set_autosummary(u64::MAX, Some(7), false)
            .await
            .unwrap();
        store.close().await;
        let store = Store::open(&url).await.unwrap();
        assert!(!store.autosummary(u64::MAX).await.unwrap());
        assert!(store.autosummary(1).await.unwrap());
    }

    #[tokio::test]
    async fn server_settings_and_dm_choices_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let store = Store::open(&url).await.unwrap();
        assert_eq!(store.server_settings(u64::MAX).await.unwrap(), None);
        assert_eq!(store.channel_autosummary(5).await.unwrap(), None);
        assert!(!store.dm_autosummary(9).await.unwrap(), "off unless asked");
        store
            .set_server_settings(u64::MAX, r#"{"mode":"off"}"#)
            .await
            .unwrap();
        store.set_dm_autosummary(9, true).await.unwrap();
        store.set_autosummary(5, Some(1), false).await.unwrap();
        store.close().await;
        let store = Store::open(&url).await.unwrap();
        assert_eq!(
            store.server_settings(u64::MAX).await.unwrap().as_deref(),
            Some(r#"{"mode":"off"}"#)
        );
        assert!(store.dm_autosummary(9).await.unwrap());
        assert_eq!(store.channel_autosummary(5).await.unwrap(), Some(false));
    }

    #[tokio::test]
    async fn runs_in_wal_mode_and_creates_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let store = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        assert!(path.exists());
        let Pool::Sqlite(pool) = &store.pool else {
            panic!("a sqlite: URL opens SQLite");
        };
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[tokio::test]
    async fn corrupt_file_names_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.db");
        std::fs::write(&path, vec![0x42u8; 8192]).unwrap();
        let url = format!("sqlite://{}", path.display());
        let err = Store::open(&url).await.unwrap_err().to_string();
        assert!(err.contains("bad.db"), "{err}");
    }

    #[tokio::test]
    async fn each_open_failure_names_its_own_cause() {
        let dir = tempfile::tempdir().unwrap();
        let open = |path: std::path::PathBuf| async move {
            Store::open(&format!("sqlite://{}", path.display()))
                .await
                .unwrap_err()
                .to_string()
        };
        let missing = open(dir.path().join("no-such-folder").join("s.db")).await;
        assert!(
            missing.contains("no-such-folder") && missing.contains("does not exist"),
            "{missing}"
        );
        assert!(
            !missing.contains("corrupt") && !missing.contains("move it away"),
            "{missing}"
        );

        let folder = dir.path().join("a-folder");
        std::fs::create_dir(&folder).unwrap();
        let folder = open(folder).await;
        assert!(folder.contains("is a folder"), "{folder}");
        assert!(!folder.contains("corrupt"), "{folder}");

        let bad = dir.path().join("bad.db");
        std::fs::write(&bad, b"not a database at all ".repeat(400)).unwrap();
        let corrupt = open(bad).await;
        assert!(corrupt.contains("move it away"), "{corrupt}");

        let other = Store::open("mysql://user:hunter2@db.example/newsbrief")
            .await
            .unwrap_err()
            .to_string();
        assert!(
            other.contains("NEWSBRIEF_DATABASE_URL")
                && other.contains("sqlite://")
                && other.contains("postgres://"),
            "{other}"
        );
        assert!(!other.contains("hunter2"), "{other}");
    }

    /// `CREATE TABLE` names and their column names, in order, from a migration's SQL.
    fn declared_columns(sql: &str) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        let lower = sql.to_ascii_lowercase();
        let mut rest = lower.as_str();
        while let Some(at) = rest.find("create table") {
            rest = &rest[at + "create table".len()..];
            let head = rest.split('(').next().unwrap_or("");
            let name = head.split_whitespace().last().unwrap_or("").to_string();
            let body_start = rest.find('(').map_or(rest.len(), |i| i + 1);
            let mut depth = 1;
            let mut end = body_start;
            for (i, ch) in rest[body_start..].char_indices() {
                match ch {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = body_start + i;
                    break;
                }
            }
            let mut columns = Vec::new();
            let mut depth = 0;
            let mut item = String::new();
            for ch in rest[body_start..end].chars().chain(std::iter::once(',')) {
                match ch {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    ',' if depth == 0 => {
                        let first = item
                            .lines()
                            .map(|l| l.split("--").next().unwrap_or(""))
                            .collect::<Vec<_>>()
                            .join(" ");
                        if let Some(word) = first.split_whitespace().next() {
                            if !["primary", "unique", "foreign", "constraint", "check"]
                                .contains(&word)
                            {
                                columns.push(word.to_string());
                            }
                        }
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(ch);
            }
            out.push((name, columns));
            rest = &rest[end..];
        }
        out
    }

    #[test]
    fn both_back_ends_declare_the_same_tables_and_columns() {
        for m in MIGRATIONS {
            let sqlite = declared_columns(m.sqlite);
            let postgres = declared_columns(m.postgres);
            assert!(
                !sqlite.is_empty(),
                "migration {} declares nothing",
                m.version
            );
            assert_eq!(
                sqlite, postgres,
                "migration {} differs between the back ends",
                m.version
            );
        }
        let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
        assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    }

    #[test]
    fn passwords_never_reach_errors() {
        let url = "postgres://bot:s3cr3t-pw@127.0.0.1:1/db";
        assert!(!redact_url(url).contains("s3cr3t-pw"));
        assert!(redact_url(url).contains("127.0.0.1:1"));
        assert_eq!(
            redact_text("failed for postgres://bot:s3cr3t-pw@x", url),
            "failed for postgres://bot:<redacted>@x"
        );
    }

    #[tokio::test]
    async fn passwords_with_url_delimiters_never_reach_errors_or_debug() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        for (url, secret) in [
            (
                format!("postgres://bot:pw#x-9Secret@127.0.0.1:{port}/nb"),
                "pw#x-9Secret",
            ),
            (
                format!("postgres://bot:pw/x-9Secret@127.0.0.1:{port}/nb"),
                "pw/x-9Secret",
            ),
            (
                format!("postgres://bot:pw?x-9Secret@127.0.0.1:{port}/nb"),
                "pw?x-9Secret",
            ),
            (
                format!("postgres://bot@127.0.0.1:{port}/nb?password=x-9Secret"),
                "x-9Secret",
            ),
        ] {
            let err = Store::open(&url).await.unwrap_err();
            for shown in [err.to_string(), format!("{err:?}"), redact_url(&url)] {
                assert!(!shown.contains(secret), "{url}: {shown}");
                assert!(!shown.contains("x-9Secret"), "{url}: {shown}");
            }
            let config = crate::bot::BotConfig {
                database_url: url.clone(),
                ..crate::bot::BotConfig::new("t")
            };
            assert!(!format!("{config:?}").contains("x-9Secret"), "{url}");
        }
    }

    #[tokio::test]
    async fn an_unreachable_postgres_fails_with_the_url_but_not_the_password() {
        // A closed port on loopback: refused at once.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let url = format!("postgres://bot:s3cr3t-pw@127.0.0.1:{port}/newsbrief");
        let err = Store::open(&url).await.unwrap_err().to_string();
        assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
        assert!(!err.contains("s3cr3t-pw"), "{err}");
    }
}
