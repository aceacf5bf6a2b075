//! Compression bombs: a small compressed body that inflates to 50 MiB must stop at the
//! body limit (counted after decompression), quickly and without holding the whole thing.

#[path = "support/http.rs"]
mod http;

use std::io::Write;
use std::time::{Duration, Instant};

use http::{serve, Reply};
use newsbrief::error::Error;
use newsbrief::fetch::{Body, FetchConfig, Fetcher};

/// What each bomb inflates to.
const BOMB_BYTES: usize = 50 * 1024 * 1024;
static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];

fn inflating_to<W: Write>(mut encoder: W, total: usize) -> W {
    let mut left = total;
    while left > 0 {
        let n = left.min(ZEROS.len());
        encoder.write_all(&ZEROS[..n]).unwrap();
        left -= n;
    }
    encoder
}

fn gzip_bomb() -> Vec<u8> {
    let enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    inflating_to(enc, BOMB_BYTES).finish().unwrap()
}

fn deflate_bomb() -> Vec<u8> {
    let enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    inflating_to(enc, BOMB_BYTES).finish().unwrap()
}

fn brotli_bomb() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let enc = brotli::CompressorWriter::new(&mut out, 64 * 1024, 1, 22);
        let mut enc = inflating_to(enc, BOMB_BYTES);
        enc.flush().unwrap();
    }
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// The process's peak resident memory in KiB (Linux), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn fetcher() -> Fetcher {
    Fetcher::new(FetchConfig {
        allow_private_hosts: true,
        ..FetchConfig::default()
    })
    .unwrap()
}

// One test so the memory peak is not shared with other tests running at the same time.
#[tokio::test]
async fn compression_bombs_stop_at_the_limit_quickly_and_in_little_memory() {
    let bombs = [
        ("gzip", gzip_bomb()),
        ("br", brotli_bomb()),
        ("deflate", deflate_bomb()),
    ];
    for (name, bomb) in &bombs {
        assert!(
            bomb.len() < 1024 * 1024,
            "{name} bomb is {} bytes",
            bomb.len()
        );
    }
    let served = bombs.clone();
    let server = serve(move |r| {
        let (name, body) = served
            .iter()
            .find(|(n, _)| r.path == format!("/{n}"))
            .unwrap();
        Reply::status(200)
            .header("Content-Type", "text/html")
            .header("Content-Encoding", name)
            .body(body.clone())
    })
    .await;
    let fetcher = fetcher();
    let before = peak_rss_kib();
    for (name, _) in &bombs {
        let started = Instant::now();
        match fetcher.fetch(&server.url(&format!("/{name}"))).await {
            Err(Error::TooLarge(limit)) => assert_eq!(limit, 5 * 1024 * 1024),
            other => panic!("{name}: expected TooLarge, got {other:?}"),
        }
        eprintln!("{name} bomb refused in {:?}", started.elapsed());
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{name} took {:?}",
            started.elapsed()
        );
    }
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        let grown_mib = (after.saturating_sub(before)) / 1024;
        eprintln!("peak memory grew by {grown_mib} MiB");
        assert!(grown_mib < 40, "peak memory grew by {grown_mib} MiB");
    }
}

#[tokio::test]
async fn compressed_pages_within_the_limit_are_decompressed() {
    let page = format!(
        "<html><body><p>{}</p></body></html>",
        "compressed news ".repeat(10_000)
    );
    let body = gzip(page.as_bytes());
    let server = serve(move |_| {
        Reply::status(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .header("Content-Encoding", "gzip")
            .body(body.clone())
    })
    .await;
    match fetcher().fetch(&server.url("/")).await.unwrap().body {
        Body::Html(html) => assert_eq!(html, page),
        Body::Text(_) => panic!("expected HTML"),
    }
}

#[tokio::test]
async fn a_corrupt_compressed_body_is_a_clean_error() {
    let server = serve(|_| {
        Reply::status(200)
            .header("Content-Type", "text/html")
            .header("Content-Encoding", "gzip")
            .body(b"\x1f\x8b\x08\x00not really gzip at all".to_vec())
    })
    .await;
    let err = fetcher().fetch(&server.url("/")).await.unwrap_err();
    assert_eq!(err.kind(), "connect", "{err}");
    assert!(err.to_string().contains("body could not be read"), "{err}");
}
