//! Helpers shared by the benchmarks: reading the benchmark pages and summarising timings.

// Each benchmark uses only part of this module.
#![allow(dead_code)]

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The gzip-compressed dev pages under `dir/extraction/html`, in file-name order; pages
/// that cannot be read are skipped.
pub fn read_pages(dir: &Path) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir.join("extraction/html"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| {
            let f = std::fs::File::open(p).ok()?;
            let mut s = String::new();
            flate2::read::GzDecoder::new(f)
                .read_to_string(&mut s)
                .ok()?;
            Some(s)
        })
        .collect()
}

/// The `text` field of every record of a JSON Lines file (for example the dev articles
/// `summarization/cnndm_val1000_dev.jsonl`); empty when the file cannot be read.
pub fn read_texts(path: &Path) -> Vec<String> {
    read_records(path)
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

/// The `title` (when present) and `text` of every record of a JSON Lines file.
pub fn read_records(path: &Path) -> Vec<(Option<String>, String)> {
    let Ok(f) = std::fs::File::open(path) else {
        return Vec::new();
    };
    std::io::BufReader::new(f)
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| {
            let v = serde_json::from_str::<serde_json::Value>(&l).ok()?;
            let text = v.get("text")?.as_str()?.to_string();
            let title = v.get("title").and_then(|t| t.as_str()).map(str::to_string);
            Some((title, text))
        })
        .collect()
}

/// Median, 90th percentile and throughput (items a second) of sorted timings; zeros when
/// there are none.
pub fn summary(sorted: &[Duration]) -> (Duration, Duration, f64) {
    if sorted.is_empty() {
        return (Duration::ZERO, Duration::ZERO, 0.0);
    }
    let total: Duration = sorted.iter().sum();
    (
        sorted[sorted.len() / 2],
        sorted[(sorted.len() * 9 / 10).min(sorted.len() - 1)],
        sorted.len() as f64 / total.as_secs_f64(),
    )
}

/// A `/proc/PID/status` value in KiB (`VmRSS`, `VmHWM`; `Threads` as a count).
pub fn proc_status(pid: u32, key: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with(key) && l[key.len()..].starts_with(':'))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// KiB as MiB with one decimal, or `n/a`.
pub fn mib(kib: Option<u64>) -> String {
    kib.map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

/// The benches' async runtime: two worker threads, as the bot gets on the 2-core bench
/// machine.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// `newsbrief bot` from `bin` against the fake Discord at `proxy` with `token`, in `dir`
/// (a SQLite file there), private hosts allowed (the pages are on 127.0.0.1), the per-person
/// and per-server shares off, errors only in the log on stderr, stdout dropped. The caller
/// adds its own settings and spawns it.
pub fn bot_command(bin: &str, token: &str, proxy: &str, dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(bin);
    cmd.arg("bot")
        .current_dir(dir)
        .env_clear()
        .env("DISCORD_TOKEN", token)
        .env("DISCORD_PROXY_URL", proxy)
        .env(
            "NEWSBRIEF_DATABASE_URL",
            format!("sqlite://{}", dir.join("bench.db").display()),
        )
        .env("NEWSBRIEF_ALLOW_PRIVATE_HOSTS", "true")
        // The benches send many links from one person or server; no share limit may skip
        // one (older builds ignore these).
        .env("NEWSBRIEF_USER_BURST", "0")
        .env("NEWSBRIEF_SERVER_BURST", "0")
        // Errors only: serenity warns about the fake not echoing the close frame at shutdown.
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit());
    cmd
}
