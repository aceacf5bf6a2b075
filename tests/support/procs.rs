//! The real `newsbrief bot` binary as a child process (logs captured while it runs); the
//! page servers it briefs from are in `pages.rs`.

#![allow(dead_code)]

use std::io::BufRead;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The token every fleet test uses (the fake accepts it).
pub const TOKEN: &str = "MTAxNDU.fake-fleet-token.Sup3rS3cretFleet_xyz";
/// Bounded waits of these helpers.
pub const WAIT: Duration = Duration::from_secs(30);

/// A bot process. Killed (SIGKILL) when dropped if still running.
pub struct BotProc {
    child: Child,
    logs: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
    /// The process's name in failure messages.
    pub name: String,
}

impl BotProc {
    /// Starts `newsbrief bot` against the fake at `proxy` with `env` on top of the test
    /// defaults (token, proxy, private hosts allowed, no cooldown, `RUST_LOG=info`), in `dir`.
    pub fn spawn(name: &str, proxy: &str, dir: &std::path::Path, env: &[(&str, String)]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_newsbrief"));
        cmd.arg("bot")
            .current_dir(dir)
            .env_clear()
            .env("DISCORD_TOKEN", TOKEN)
            .env("DISCORD_PROXY_URL", proxy)
            .env(
                "NEWSBRIEF_DATABASE_URL",
                format!("sqlite://{}", dir.join(format!("{name}.db")).display()),
            )
            .env("NEWSBRIEF_ALLOW_PRIVATE_HOSTS", "true")
            .env("NEWSBRIEF_COMMAND_COOLDOWN_SECS", "0")
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn newsbrief bot");
        let stderr = child.stderr.take().expect("piped stderr");
        let logs = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&logs);
        let reader = std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        Self {
            child,
            logs,
            reader: Some(reader),
            name: name.to_string(),
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything logged so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// The last 40 lines logged, for failure messages.
    pub fn tail(&self) -> String {
        let logs = self.logs();
        let lines: Vec<&str> = logs.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Waits until a log line contains `needle` and returns that line.
    pub async fn wait_log(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(line) = self.logs().lines().find(|l| l.contains(needle)) {
                return line.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "{}: no log line with {needle:?} within {WAIT:?}; last lines:\n{}",
                self.name,
                self.tail()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends `signal` to the process.
    pub fn signal(&self, signal: i32) {
        let pid = i32::try_from(self.child.id()).expect("a pid fits i32");
        // SAFETY: kill(2) on our own child's pid has no memory effects.
        let rc = unsafe { libc::kill(pid, signal) };
        assert_eq!(rc, 0, "kill({pid}, {signal}) failed");
    }

    /// Waits (bounded) for the process to end and returns its status; kills it if it will not.
    pub async fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the bot") {
                if let Some(r) = self.reader.take() {
                    let _ = r.join();
                }
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "{} did not exit within {WAIT:?}; last lines:\n{}",
                    self.name,
                    self.tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGTERM, then the exit status.
    pub async fn terminate(&mut self) -> ExitStatus {
        self.signal(libc::SIGTERM);
        self.wait_exit().await
    }

    /// SIGKILL (no shutdown of any kind), then waits for the process to be gone.
    pub async fn kill9(&mut self) {
        self.signal(libc::SIGKILL);
        self.wait_exit().await;
    }
}

impl Drop for BotProc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs the binary with `env` (plus a token and the fake's URL when given) to its end and
/// returns (exit code, stderr).
pub fn run_to_end(proxy: Option<&str>, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_newsbrief"));
    cmd.arg("bot")
        .current_dir(dir.path())
        .env_clear()
        .env("DISCORD_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .env(
            "NEWSBRIEF_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("b.db").display()),
        )
        .stdin(Stdio::null());
    if let Some(p) = proxy {
        cmd.env("DISCORD_PROXY_URL", p);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run newsbrief bot");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
