//! Persistent bot settings (per channel, per server, and each person's own choices), in
//! SQLite through sqlx.
//!
//! The database is created when missing and migrated at open (the migrations in
//! `migrations/` are compiled in); it runs in WAL mode with `synchronous=NORMAL`, so a crash
//! or `kill -9` never leaves a half-written setting behind. Only settings live here: briefs
//! are cached in memory ([`crate::cache`]) and never stored.

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

/// How long a writer waits for another connection's lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections in the pool: settings are tiny and rarely written, a few readers suffice.
pub const MAX_CONNECTIONS: u32 = 4;

/// The schema migrations, compiled in so an installed binary needs no `migrations/` folder.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "channel settings",
        include_str!("../migrations/0001_channel_settings.sql"),
    ),
    (
        2,
        "server settings",
        include_str!("../migrations/0002_server_settings.sql"),
    ),
];

/// Errors of the settings store. Each names the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is malformed.
    #[error("NEWSBRIEF_DATABASE_URL `{url}` is not a valid SQLite URL ({reason}); expected sqlite://path/to/file.db")]
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

#[derive(Debug)]
struct EmbeddedMigrations;

impl MigrationSource<'static> for EmbeddedMigrations {
    fn resolve(
        self,
    ) -> futures_core_compat::BoxFuture<'static, Result<Vec<Migration>, sqlx::error::BoxDynError>>
    {
        Box::pin(async {
            Ok(MIGRATIONS
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
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

/// The settings store.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    url: String,
}

impl Store {
    /// Opens (creating if missing) and migrates the database at `url`
    /// (`sqlite://path/to/file.db`).
    ///
    /// # Errors
    /// [`StoreError::BadUrl`] or [`StoreError::Open`] naming the database.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        if !url.starts_with("sqlite:") {
            return Err(StoreError::BadUrl {
                url: url.to_string(),
                reason: "only sqlite: URLs are supported".into(),
            });
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::BadUrl {
                url: url.to_string(),
                reason: e.to_string(),
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
        let migrator = Migrator::new(EmbeddedMigrations)
            .await
            .map_err(|e| open_err(&e))?;
        migrator.run(&pool).await.map_err(|e| open_err(&e))?;
        Ok(Self {
            pool,
            url: url.to_string(),
        })
    }

    fn query_err(&self, e: &sqlx::Error) -> StoreError {
        StoreError::Query {
            url: self.url.clone(),
            reason: e.to_string(),
        }
    }

    /// Whether auto-briefs are on in `channel` (on unless turned off).
    ///
    /// # Errors
    /// When the query fails.
    pub async fn autosummary(&self, channel: u64) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT autosummary FROM channel_settings WHERE channel_id = ?")
            .bind(snowflake_to_db(channel))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.query_err(&e))?;
        Ok(row.is_none_or(|r| r.get::<i64, _>(0) != 0))
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
        sqlx::query(
            "INSERT INTO channel_settings (channel_id, guild_id, autosummary) VALUES (?, ?, ?)
             ON CONFLICT(channel_id) DO UPDATE SET autosummary = excluded.autosummary,
             guild_id = excluded.guild_id,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        )
        .bind(snowflake_to_db(channel))
        .bind(guild.map(snowflake_to_db))
        .bind(i64::from(on))
        .execute(&self.pool)
        .await
        .map_err(|e| self.query_err(&e))?;
        Ok(())
    }

    /// Closes the pool, checkpointing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
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
        let row = sqlx::query("SELECT autosummary FROM channel_settings WHERE channel_id = ?")
            .bind(snowflake_to_db(channel))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.query_err(&e))?;
        Ok(row.map(|r| r.get::<i64, _>(0) != 0))
    }

    /// The server's settings as stored (a JSON object), `None` when never set.
    ///
    /// # Errors
    /// When the query fails.
    pub async fn server_settings(&self, guild: u64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT settings FROM server_settings WHERE guild_id = ?")
            .bind(snowflake_to_db(guild))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.query_err(&e))?;
        Ok(row.map(|r| r.get::<String, _>(0)))
    }

    /// Stores the server's settings (a JSON object), replacing the old ones.
    ///
    /// # Errors
    /// When the write fails.
    pub async fn set_server_settings(&self, guild: u64, settings: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO server_settings (guild_id, settings) VALUES (?, ?)
             ON CONFLICT(guild_id) DO UPDATE SET settings = excluded.settings,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        )
        .bind(snowflake_to_db(guild))
        .bind(settings)
        .execute(&self.pool)
        .await
        .map_err(|e| self.query_err(&e))?;
        Ok(())
    }

    /// Whether the person asked for auto-briefs in direct messages (off unless asked).
    ///
    /// # Errors
    /// When the query fails.
    pub async fn dm_autosummary(&self, user: u64) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT dm_autosummary FROM user_settings WHERE user_id = ?")
            .bind(snowflake_to_db(user))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.query_err(&e))?;
        Ok(row.is_some_and(|r| r.get::<i64, _>(0) != 0))
    }

    /// Turns auto-briefs in the person's direct messages on or off.
    ///
    /// # Errors
    /// When the write fails.
    pub async fn set_dm_autosummary(&self, user: u64, on: bool) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO user_settings (user_id, dm_autosummary) VALUES (?, ?)
             ON CONFLICT(user_id) DO UPDATE SET dm_autosummary = excluded.dm_autosummary,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        )
        .bind(snowflake_to_db(user))
        .bind(i64::from(on))
        .execute(&self.pool)
        .await
        .map_err(|e| self.query_err(&e))?;
        Ok(())
    }
}

/// Discord snowflakes are u64; SQLite integers are i64. The cast keeps every bit, so the
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
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&store.pool)
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

        let other = Store::open("postgres://db.example/newsbrief")
            .await
            .unwrap_err()
            .to_string();
        assert!(
            other.contains("NEWSBRIEF_DATABASE_URL") && other.contains("sqlite://"),
            "{other}"
        );
    }
}
