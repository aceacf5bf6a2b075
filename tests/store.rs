//! The settings store under crashes: a writer killed with SIGKILL in the middle of its
//! writes, then reopened; and the bot binary facing a corrupt or unreachable database.
//!
//! The writer is this test binary itself, re-run as a child process on the ignored test
//! [`child_writer`] (the parent passes `--ignored --exact`), so no extra binary is needed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use newsbrief::store::Store;

/// Channels the writer cycles through: every write flips its channel's setting, so a lost
/// or torn write shows up as a wrong value.
const CHANNELS: u64 = 40;
/// Base of the channel ids (large, to exercise the full 64-bit snowflake round trip).
const CHANNEL_BASE: u64 = u64::MAX - 1000;
/// Environment variable that turns [`child_writer`] into a writer: the database URL.
const DB_VAR: &str = "NEWSBRIEF_TEST_WRITER_DB";
/// Environment variable with the first step number of this writer.
const FROM_VAR: &str = "NEWSBRIEF_TEST_WRITER_FROM";
/// Kill-and-reopen rounds per test run.
const ROUNDS: u64 = 3;
/// Committed writes the parent waits for before it kills the writer.
const WRITES_BEFORE_KILL: u64 = 150;

/// The channel written at `step`.
fn channel_of(step: u64) -> u64 {
    CHANNEL_BASE + step % CHANNELS
}

/// The value written at `step`: it flips on every visit of the channel.
fn value_of(step: u64) -> bool {
    (step / CHANNELS) % 2 == 0
}

/// The writer (runs only as a child of [`kill_9_mid_write_keeps_every_committed_setting`]):
/// writes step after step forever, printing each step number once its write is committed.
#[tokio::test]
#[ignore = "child process of kill_9_mid_write_keeps_every_committed_setting"]
async fn child_writer() {
    use std::io::Write;
    let url = std::env::var(DB_VAR).expect("the database URL");
    let from: u64 = std::env::var(FROM_VAR)
        .expect("the first step")
        .parse()
        .unwrap();
    let store = Store::open(&url).await.unwrap();
    let mut out = std::io::stdout().lock();
    for step in from.. {
        store
            .set_autosummary(channel_of(step), Some(step), value_of(step))
            .await
            .unwrap();
        writeln!(out, "committed {step}").unwrap();
        out.flush().unwrap();
    }
}

/// Spawns the writer from `from`, waits until it has committed `count` writes, kills it
/// with SIGKILL and returns the last step it reported as committed.
fn write_then_kill(url: &str, from: u64, count: u64) -> u64 {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(DB_VAR, url)
        .env(FROM_VAR, from.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut last = None;
    let started = Instant::now();
    while last.is_none_or(|l| l < from + count) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the writer is too slow (last step {last:?})"
        );
        let Some(Ok(line)) = lines.next() else {
            let _ = child.kill();
            panic!("the writer stopped early (last step {last:?})");
        };
        if let Some(n) = line.strip_prefix("committed ") {
            last = Some(n.trim().parse().unwrap());
        }
    }
    // Child::kill sends SIGKILL on Unix: no destructor, no checkpoint, no flush runs.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the writer was killed, not finished");
    // Lines already in the pipe were committed before the kill too.
    for line in lines.map_while(Result::ok) {
        if let Some(n) = line
            .strip_prefix("committed ")
            .and_then(|n| n.trim().parse().ok())
        {
            last = Some(n);
        }
    }
    last.unwrap()
}

#[tokio::test]
async fn kill_9_mid_write_keeps_every_committed_setting() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.db");
    let url = format!("sqlite://{}", path.display());
    let mut next = 0;
    for round in 0..ROUNDS {
        let last = write_then_kill(&url, next, WRITES_BEFORE_KILL);
        assert!(last >= next + WRITES_BEFORE_KILL);
        // The killed writer leaves its write-ahead log behind; opening recovers it.
        let store = Store::open(&url).await.unwrap_or_else(|e| {
            panic!("round {round}: the database does not open after kill -9: {e}")
        });
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(check, "ok", "round {round}");
        // Every reported write is there. The one step after `last` may have been committed
        // without being reported before the kill; nothing later can have been.
        let maybe = last + 1;
        for c in 0..CHANNELS {
            let channel = CHANNEL_BASE + c;
            let reported = (0..=last)
                .rev()
                .find(|s| channel_of(*s) == channel)
                .unwrap();
            let stored: i64 =
                sqlx::query_scalar("SELECT guild_id FROM channel_settings WHERE channel_id = ?")
                    .bind(channel as i64)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            let stored = stored as u64;
            let on = store.autosummary(channel).await.unwrap();
            if stored == maybe && channel_of(maybe) == channel {
                assert_eq!(on, value_of(maybe), "round {round}, channel {c}");
            } else {
                assert_eq!(
                    stored, reported,
                    "round {round}, channel {c}: a committed write is lost"
                );
                assert_eq!(on, value_of(reported), "round {round}, channel {c}");
            }
        }
        pool.close().await;
        store.close().await;
        next = last + 2;
    }
}

#[tokio::test]
async fn a_missing_database_file_is_created_with_default_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    assert!(!path.exists());
    let store = Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert!(path.exists());
    assert!(
        store.autosummary(7).await.unwrap(),
        "auto-briefs default on"
    );
    store.set_autosummary(7, None, false).await.unwrap();
    assert!(!store.autosummary(7).await.unwrap());
    store.close().await;
}

#[tokio::test]
async fn a_database_with_damaged_pages_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.db");
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url).await.unwrap();
    for c in 0..200 {
        store.set_autosummary(c, Some(c), c % 2 == 0).await.unwrap();
    }
    store.close().await;
    // A valid header, but every page after the first overwritten with junk.
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 4096, "the database has more than one page");
    for b in &mut bytes[4096..] {
        *b = 0xA5;
    }
    std::fs::write(&path, bytes).unwrap();
    match Store::open(&url).await {
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.contains("damaged.db"), "{msg}");
        }
        Ok(store) => {
            // If opening got through, reading the damaged table must fail naming the file.
            let mut failures = Vec::new();
            for c in 0..200 {
                if let Err(e) = store.autosummary(c).await {
                    failures.push(e.to_string());
                }
            }
            assert!(!failures.is_empty(), "damaged pages went unnoticed");
            assert!(
                failures.iter().all(|m| m.contains("damaged.db")),
                "{failures:?}"
            );
        }
    }
}

/// Runs `newsbrief bot` with the database at `db_url` and returns its exit code and stderr.
/// It fails on the database before it ever contacts Discord (the proxy URL goes nowhere).
fn bot_with_database(dir: &std::path::Path, db_url: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_newsbrief"))
        .arg("bot")
        .current_dir(dir)
        .env_clear()
        .env("DISCORD_TOKEN", "MTAxNDU.store-test.NotARealSecretAtAll")
        .env("DISCORD_PROXY_URL", "http://127.0.0.1:9")
        .env("NEWSBRIEF_DATABASE_URL", db_url)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_bot_names_a_corrupt_database_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrupt.db");
    std::fs::write(
        &path,
        b"this is not a database, just some text ".repeat(200),
    )
    .unwrap();
    let (code, stderr) = bot_with_database(dir.path(), &format!("sqlite://{}", path.display()));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("corrupt.db"), "{stderr}");
    assert!(stderr.contains("move it away"), "says what to do: {stderr}");
    assert!(!stderr.contains("NotARealSecretAtAll"), "{stderr}");
}

#[test]
fn the_bot_names_a_database_in_a_missing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-folder").join("s.db");
    let (code, stderr) = bot_with_database(dir.path(), &format!("sqlite://{}", path.display()));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("no-such-folder"), "{stderr}");
}
