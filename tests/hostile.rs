//! Hostile pages end to end: the real `newsbrief` binary against a misbehaving local server.
//!
//! Every case must end in a clear error or a sensible brief, within 30 s and 300 MiB peak
//! memory, and never in a panic. Peak memory is the child's maximum resident set size as
//! reported by `wait4`. Network: 127.0.0.1 only (with `--allow-private-hosts`).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MAX_SECONDS: u64 = 30;
const MAX_RSS_MIB: i64 = 300;

/// A tiny threaded HTTP server with one route per hostile case.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(s) = stream else { continue };
            std::thread::spawn(move || handle(s));
        }
    });
    format!("http://{addr}")
}

fn request_path(s: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") && buf.len() < 16 * 1024 {
        match s.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&buf);
    head.split_whitespace().nth(1).unwrap_or("/").to_string()
}

fn respond(s: &mut TcpStream, status: &str, ctype: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
}

fn article(paragraphs: usize) -> String {
    let mut s = String::from("<!DOCTYPE html><html lang=\"en\"><head><title>Council approves budget</title></head><body><nav><a href=\"/\">Home</a></nav><article><h1>Council approves budget</h1>");
    for i in 0..paragraphs {
        s.push_str(&format!(
            "<p>The city council approved item {i} of the budget on Tuesday, officials said in a statement. The vote was seven to two.</p>"
        ));
    }
    s.push_str("</article></body></html>");
    s
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

fn handle(mut s: TcpStream) {
    let path = request_path(&mut s);
    match path.as_str() {
        "/big64" => {
            // 64 MiB announced and streamed; the client must stop at its limit.
            let total = 64 * 1024 * 1024;
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {total}\r\nConnection: close\r\n\r\n<html><body><p>");
            let _ = s.write_all(head.as_bytes());
            let chunk = vec![b'a'; 64 * 1024];
            let mut sent = 15;
            while sent < total {
                if s.write_all(&chunk).is_err() {
                    return;
                }
                sent += chunk.len();
            }
        }
        "/big64-chunked" => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
            let chunk = vec![b'b'; 64 * 1024];
            for _ in 0..1024 {
                if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).is_err()
                    || s.write_all(&chunk).is_err()
                    || s.write_all(b"\r\n").is_err()
                {
                    return;
                }
            }
            let _ = s.write_all(b"0\r\n\r\n");
        }
        "/drip" => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n");
            for _ in 0..100 {
                if s.write_all(b"<").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        "/loop" => {
            let _ = s.write_all(b"HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
        "/png-as-html" => respond(&mut s, "200 OK", "text/html", PNG),
        "/html-as-png" => respond(&mut s, "200 OK", "image/png", article(5).as_bytes()),
        "/invalid-utf8" => {
            let mut body = article(5).into_bytes();
            let at = body.len() / 2;
            body.splice(at..at, [0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]);
            respond(&mut s, "200 OK", "text/html; charset=utf-8", &body);
        }
        "/latin1" => {
            // "café" and "naïve" in ISO-8859-1 bytes, no charset declared anywhere.
            let body = article(5).replace("budget", "caf\u{e9} na\u{ef}ve budget");
            let bytes: Vec<u8> = body.chars().map(|c| c as u32 as u8).collect();
            respond(&mut s, "200 OK", "text/html", &bytes);
        }
        "/cp1252" => {
            let body = article(5).replace("officials said", "officials said \u{2019}quoted\u{2019}");
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&body);
            respond(&mut s, "200 OK", "text/html; charset=windows-1252", &bytes);
        }
        "/empty" => respond(&mut s, "200 OK", "text/html", b""),
        "/404" => respond(&mut s, "404 Not Found", "text/html", b"<html><body><h1>Not found</h1></body></html>"),
        "/500" => respond(&mut s, "500 Internal Server Error", "text/html", b"<html><body>oops</body></html>"),
        "/line10m" => {
            let mut body = String::from("<html><body><article><p>");
            while body.len() < 10 * 1024 * 1024 {
                body.push_str("The agency said the review would take months. ");
            }
            body.push_str("</p></article></body></html>");
            respond(&mut s, "200 OK", "text/html", body.as_bytes());
        }
        "/deep" => {
            let mut body = String::from("<html><body>");
            body.push_str(&"<div>".repeat(100_000));
            body.push_str("<p>The minister denied the report on Friday, saying it was completely made up.</p>");
            body.push_str(&"</div>".repeat(100_000));
            body.push_str("</body></html>");
            respond(&mut s, "200 OK", "text/html", body.as_bytes());
        }
        "/paras" => respond(&mut s, "200 OK", "text/html", article(10_000).as_bytes()),
        "/noarticle" => respond(
            &mut s,
            "200 OK",
            "text/html",
            b"<html><body><nav><a href='/a'>Home</a> <a href='/b'>World</a></nav><footer>(c) 2024</footer></body></html>",
        ),
        _ => respond(&mut s, "200 OK", "text/html", article(8).as_bytes()),
    }
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    seconds: f64,
    max_rss_mib: i64,
}

/// Runs `newsbrief` with `args`, waiting with `wait4` to read the child's peak memory.
// The child is reaped by `wait4` below, which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run(args: &[&str]) -> Outcome {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsbrief"))
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("NEWSBRIEF_ALLOW_PRIVATE_HOSTS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it in for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, not yet reaped (we never call child.wait()).
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4 failed");
    let exit = std::process::ExitStatus::from_raw(status);
    Outcome {
        code: exit.code(),
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
        seconds: start.elapsed().as_secs_f64(),
        // ru_maxrss is in KiB on Linux.
        max_rss_mib: usage.ru_maxrss / 1024,
    }
}

fn check(case: &str, o: &Outcome) {
    eprintln!(
        "{case}: exit {:?} in {:.2} s, peak {} MiB",
        o.code, o.seconds, o.max_rss_mib
    );
    assert!(
        !o.stderr.contains("panicked"),
        "{case} panicked: {}",
        o.stderr
    );
    assert!(
        matches!(o.code, Some(0) | Some(1)),
        "{case}: exit {:?} (killed by a signal?) {}",
        o.code,
        o.stderr
    );
    assert!(
        o.seconds < MAX_SECONDS as f64,
        "{case} took {:.1} s",
        o.seconds
    );
    assert!(
        o.max_rss_mib < MAX_RSS_MIB,
        "{case} peaked at {} MiB",
        o.max_rss_mib
    );
}

fn brief(base: &str, path: &str, extra: &[&str]) -> (Outcome, Option<serde_json::Value>) {
    let url = format!("{base}{path}");
    let mut args = vec!["--allow-private-hosts"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["summarize", "-f", "json", &url]);
    let o = run(&args);
    check(path, &o);
    let v = if o.code == Some(0) {
        serde_json::from_str(&o.stdout).ok()
    } else {
        None
    };
    (o, v)
}

fn expect_error(base: &str, path: &str, extra: &[&str], words: &str) {
    let (o, _) = brief(base, path, extra);
    assert_eq!(o.code, Some(1), "{path} should fail: {}", o.stdout);
    let line = o
        .stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_default()
        .to_string();
    assert!(
        line.contains(&format!("{base}{path}")),
        "{path}: {}",
        o.stderr
    );
    assert!(line.contains(words), "{path}: expected '{words}' in {line}");
}

fn expect_brief(base: &str, path: &str, extra: &[&str]) -> serde_json::Value {
    let (o, v) = brief(base, path, extra);
    assert_eq!(o.code, Some(0), "{path}: {}", o.stderr);
    let v = v.expect("a JSON brief");
    assert!(!v["text"].as_str().unwrap_or_default().is_empty());
    v
}

#[test]
fn oversized_bodies_are_cut_at_the_limit() {
    let base = serve();
    expect_error(&base, "/big64", &[], "larger than");
    expect_error(&base, "/big64-chunked", &[], "larger than");
}

#[test]
fn slow_servers_and_redirect_loops_end_in_clear_errors() {
    let base = serve();
    expect_error(&base, "/drip", &["--timeout", "3"], "too long");
    expect_error(&base, "/loop", &[], "too many redirects");
}

#[test]
fn wrong_content_types_are_refused() {
    let base = serve();
    expect_error(&base, "/png-as-html", &[], "not an article");
    expect_error(&base, "/html-as-png", &[], "not an article");
}

#[test]
fn error_statuses_and_empty_pages() {
    let base = serve();
    expect_error(&base, "/empty", &[], "no readable");
    expect_error(&base, "/404", &[], "404");
    expect_error(&base, "/500", &[], "500");
    let (o, _) = brief(&base, "/noarticle", &[]);
    // A page of navigation only: either refused as empty or a (tiny) brief, never a crash.
    assert!(
        o.code == Some(1) || o.stdout.contains("\"text\""),
        "{}",
        o.stderr
    );
}

#[test]
fn broken_and_legacy_encodings_decode() {
    let base = serve();
    let v = expect_brief(&base, "/invalid-utf8", &[]);
    assert!(v["text"].as_str().unwrap().contains("council approved"));
    let v = expect_brief(&base, "/latin1", &[]);
    assert!(
        v["text"].as_str().unwrap().contains("café naïve"),
        "{}",
        v["text"]
    );
    let v = expect_brief(&base, "/cp1252", &[]);
    assert!(
        v["text"].as_str().unwrap().contains("’quoted’"),
        "{}",
        v["text"]
    );
}

#[test]
fn huge_deep_and_long_pages_stay_within_time_and_memory() {
    let base = serve();
    // Over the default 5 MiB limit, then accepted with a larger one.
    expect_error(&base, "/line10m", &[], "larger than");
    let v = expect_brief(&base, "/line10m", &["--max-body-bytes", "20000000"]);
    assert!(!v["summary"].as_array().unwrap().is_empty());
    let v = expect_brief(&base, "/deep", &[]);
    assert!(v["text"].as_str().unwrap().contains("completely made up"));
    let v = expect_brief(&base, "/paras", &[]);
    assert!(v["stats"]["sentences"].as_u64().unwrap() >= 10_000);
    assert!(v["summary"].as_array().unwrap().len() <= 5);
}

#[test]
fn userinfo_tricks_reach_the_real_host_and_are_refused_by_default() {
    let base = serve();
    let port = base.rsplit(':').next().unwrap();
    let url = format!("http://example.com@127.0.0.1:{port}/ok");
    let o = run(&["summarize", &url]);
    check("userinfo", &o);
    assert_eq!(o.code, Some(1));
    assert!(o.stderr.contains("127.0.0.1"), "{}", o.stderr);
    for url in [
        format!("HTTP://127.1:{port}/ok"),
        format!("http://0x7f.0.0.1:{port}/ok"),
        format!("http://localhost.:{port}/ok"),
    ] {
        let o = run(&["summarize", &url]);
        check(&url, &o);
        assert_eq!(o.code, Some(1), "{url} must be refused");
        // Refused by the address policy, or by the port policy (a name on a non-web port is
        // refused before it is resolved), or (for `localhost.` on some systems) not resolvable.
        assert!(
            o.stderr.contains("allow-private-hosts")
                || o.stderr.contains("not a web port")
                || o.stderr.contains("could not resolve"),
            "{url}: {}",
            o.stderr
        );
    }
}
