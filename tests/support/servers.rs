//! Real PostgreSQL and Redis servers for the fleet tests, started on 127.0.0.1 with
//! throw-away data folders and free ports, and stopped when dropped.
//!
//! The binaries come from Debian's `postgresql` and `redis-server` packages (`.ci/run`
//! installs them): Redis from PATH, PostgreSQL from PATH or Debian's versioned folder
//! `/usr/lib/postgresql/*/bin`. Without them the tests fail, saying what to install: they
//! are never skipped. PostgreSQL refuses to run as root, so as root the server runs as the
//! `postgres` user (which Debian's package creates) with a data folder that user owns.

#![allow(dead_code)]

#[path = "child.rs"]
mod child;

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use child::{reap, signal};
use std::time::{Duration, Instant};

/// Longest wait for a server to accept connections.
const START_WAIT: Duration = Duration::from_secs(60);

/// A port free on 127.0.0.1 now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// The first folder of PATH holding every one of `names`.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .find(|dir| names.iter().all(|n| dir.join(n).is_file()))
}

/// The folder with `initdb` and `postgres`: PATH first, then Debian's newest versioned folder.
fn postgres_bin() -> PathBuf {
    if let Some(dir) = on_path(&["initdb", "postgres"]) {
        return dir;
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("postgres").is_file()).then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
        panic!(
            "PostgreSQL is not installed: no initdb/postgres on PATH or in /usr/lib/postgresql/*/bin. \
             Install Debian's `postgresql` package (apt-get install postgresql; .ci/run does this)"
        )
    })
}

/// The user and group ids to run PostgreSQL as: the `postgres` user when we are root
/// (PostgreSQL refuses root), nobody else otherwise.
fn postgres_ids() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no side effects.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let name = std::ffi::CString::new("postgres").unwrap();
    // SAFETY: getpwnam returns a pointer into static storage or null; read at once.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    assert!(
        !pw.is_null(),
        "running as root, and there is no `postgres` user to run PostgreSQL as (Debian's postgresql package creates it)"
    );
    // SAFETY: non-null, as checked.
    let (uid, gid) = unsafe { ((*pw).pw_uid, (*pw).pw_gid) };
    Some((uid, gid))
}

fn as_user(cmd: &mut Command, ids: Option<(u32, u32)>) {
    if let Some((uid, gid)) = ids {
        cmd.uid(uid).gid(gid);
    }
}

/// A PostgreSQL server that can be stopped and started again on the same port and data.
pub struct Postgres {
    child: Option<Child>,
    _dir: tempfile::TempDir,
    bin: PathBuf,
    ids: Option<(u32, u32)>,
    port: u16,
    /// `postgres://newsbrief@127.0.0.1:PORT/postgres`.
    pub url: String,
}

impl Postgres {
    /// Initialises a fresh cluster and starts it; returns once it accepts queries.
    pub async fn start() -> Self {
        let bin = postgres_bin();
        let ids = postgres_ids();
        let dir = tempfile::tempdir().expect("a temp folder");
        if let Some((uid, gid)) = ids {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
                .expect("give the data folder to the postgres user");
        }
        let data = dir.path().join("data");
        let mut initdb = Command::new(bin.join("initdb"));
        initdb
            .args(["-D"])
            .arg(&data)
            .args(["-U", "newsbrief", "--auth=trust", "--no-sync", "-E", "UTF8"])
            .args(["--locale=C", "--no-instructions"])
            .current_dir(dir.path())
            .env("LC_ALL", "C")
            .stdin(Stdio::null());
        as_user(&mut initdb, ids);
        let out = initdb.output().expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let log = dir.path().join("postgres.log");
        std::fs::File::create(&log).expect("log file");
        if let Some((uid, gid)) = ids {
            std::os::unix::fs::chown(&log, Some(uid), Some(gid))
                .expect("give the log to the postgres user");
        }
        let mut server = Self {
            child: None,
            _dir: dir,
            bin,
            ids,
            port,
            url: format!("postgres://newsbrief@127.0.0.1:{port}/postgres"),
        };
        server.restart().await;
        server
    }

    /// Starts the server (again, after [`Postgres::stop`]) on the same port and data.
    pub async fn restart(&mut self) {
        let log = std::fs::OpenOptions::new()
            .append(true)
            .open(self._dir.path().join("postgres.log"))
            .expect("log file");
        let mut cmd = Command::new(self.bin.join("postgres"));
        cmd.arg("-D")
            .arg(self._dir.path().join("data"))
            .args(["-p", &self.port.to_string(), "-k"])
            .arg(self._dir.path())
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
            .args(["-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
            .current_dir(self._dir.path())
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        as_user(&mut cmd, self.ids);
        self.child = Some(cmd.spawn().expect("start postgres"));
        self.wait_ready().await;
    }

    /// Stops the server at once (immediate shutdown: every connection is cut, as when the
    /// database host goes away) and waits for it to be gone.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGQUIT: immediate shutdown (the data is thrown away anyway).
            signal(&child, libc::SIGQUIT);
            reap(&mut child, Duration::from_secs(10));
        }
    }

    async fn wait_ready(&self) {
        use sqlx::Connection;
        let deadline = Instant::now() + START_WAIT;
        loop {
            match sqlx::PgConnection::connect(&self.url).await {
                Ok(c) => {
                    let _ = c.close().await;
                    return;
                }
                Err(e) => {
                    let log = std::fs::read_to_string(self._dir.path().join("postgres.log"))
                        .unwrap_or_default();
                    assert!(
                        Instant::now() < deadline,
                        "PostgreSQL did not accept connections within {START_WAIT:?}: {e}\n{log}"
                    );
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The data folder's parent (logs live there).
    pub fn dir(&self) -> &Path {
        self._dir.path()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A Redis server that can be stopped and started again on the same port.
pub struct Redis {
    child: Option<Child>,
    dir: tempfile::TempDir,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// `redis://127.0.0.1:PORT`.
    pub url: String,
}

impl Redis {
    /// Starts a server with no persistence on a free port; returns once it answers PING.
    pub async fn start() -> Self {
        let port = free_port();
        let mut r = Self {
            child: None,
            dir: tempfile::tempdir().expect("a temp folder"),
            port,
            url: format!("redis://127.0.0.1:{port}"),
        };
        r.restart().await;
        r
    }

    /// Starts the server again (same port) after [`Redis::stop`].
    pub async fn restart(&mut self) {
        let bin = on_path(&["redis-server"]).unwrap_or_else(|| {
            panic!(
                "Redis is not installed: no redis-server on PATH. Install Debian's `redis-server` \
                 package (apt-get install redis-server; .ci/run does this)"
            )
        });
        let child = Command::new(bin.join("redis-server"))
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            // DEBUG SLEEP makes a slow Redis for the tests (Redis 7 refuses it by default).
            .args(["--enable-debug-command", "yes"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        self.child = Some(child);
        let client = redis::Client::open(self.url.as_str()).expect("a valid URL");
        let deadline = Instant::now() + START_WAIT;
        loop {
            if let Ok(mut c) = client.get_multiplexed_async_connection().await {
                let pong: redis::RedisResult<String> = redis::cmd("PING").query_async(&mut c).await;
                if pong.is_ok() {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "redis-server did not answer within {START_WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the server (SIGKILL: as abrupt as a crash) and waits for it to be gone.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// The keys stored now matching `pattern`.
    pub async fn keys(&self, pattern: &str) -> Vec<String> {
        let client = redis::Client::open(self.url.as_str()).expect("a valid URL");
        let mut c = client
            .get_multiplexed_async_connection()
            .await
            .expect("connect to redis");
        redis::cmd("KEYS")
            .arg(pattern)
            .query_async(&mut c)
            .await
            .expect("KEYS")
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}
