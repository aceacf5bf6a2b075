//! End-to-end tests of the `newsbrief` binary: the CLI contract (commands, formats, JSON
//! form, batch records, exit codes). Network only on 127.0.0.1.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_newsbrief"));
    // Keep the tests independent of a developer's .env and environment.
    c.env_remove("NEWSBRIEF_ALLOW_PRIVATE_HOSTS")
        .env_remove("NEWSBRIEF_ALLOWED_PORTS")
        .env_remove("DISCORD_TOKEN")
        .env("RUST_LOG", "warn")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run newsbrief")
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn newsbrief");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn example_html() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/example-article.html")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const TITLE: &str = "U.S. probing China Telecom, China Mobile over internet and cloud risks, Reuters reports citing sources";

#[test]
fn summarize_html_page_as_text() {
    let o = run(&["summarize", example_html().to_str().unwrap()]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with(TITLE), "{out}");
    assert!(out.contains("• "), "bullets expected: {out}");
    assert!(out.contains("words →"), "{out}");
    // Boilerplate from the page must not leak into the brief.
    assert!(!out.contains("Share on Facebook"));
    assert!(!out.contains("Sign up for our newsletter"));
}

#[test]
fn summarize_json_has_every_contract_field() {
    let o = run(&[
        "summarize",
        "--format",
        "json",
        example_html().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    for key in [
        "url",
        "title",
        "site",
        "byline",
        "published",
        "language",
        "text",
        "summary",
        "actors",
        "status",
        "stats",
    ] {
        assert!(v.get(key).is_some(), "missing field {key}");
    }
    for key in ["words", "sentences", "summary_words", "reading_minutes"] {
        assert!(v["stats"].get(key).is_some(), "missing stats.{key}");
    }
    assert_eq!(v["title"], TITLE);
    assert_eq!(v["site"], "The Daily Wire Desk");
    assert_eq!(v["language"], "en");
    let text = v["text"].as_str().unwrap();
    let summary = v["summary"].as_array().unwrap();
    assert_eq!(summary.len(), 3);
    // Verbatim and in article order.
    let mut pos = 0;
    for s in summary {
        let s = s.as_str().unwrap();
        let at = text[pos..]
            .find(s)
            .unwrap_or_else(|| panic!("not verbatim / out of order: {s}"));
        pos += at + s.len();
    }
    // Paragraphs are separated by exactly one blank line.
    assert!(text.contains("\n\n") && !text.contains("\n\n\n"));
}

#[test]
fn summarize_sentences_flag_sets_length() {
    let o = run(&[
        "summarize",
        "-f",
        "json",
        "--sentences",
        "2",
        example_html().to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["summary"].as_array().unwrap().len(), 2);
}

#[test]
fn summarize_markdown_escapes_and_links() {
    let o = run(&[
        "summarize",
        "-f",
        "markdown",
        example_html().to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.starts_with("## "), "{out}");
    assert!(out.contains("\n- "), "{out}");
}

#[test]
fn summarize_plain_text_file_and_stdin() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/example-article.txt");
    let o = run(&["summarize", "-f", "json", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["text"].as_str().unwrap().contains("China Telecom"));
    assert!(!v["summary"].as_array().unwrap().is_empty());

    let o = run_stdin(&["summarize", "-f", "json", "-"], "Alpha Corp said on Monday it would buy Beta Inc. The deal is worth $2 billion.\n\nShares rose.");
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["stats"]["words"], 18);
}

#[test]
fn several_inputs_one_json_line_each_and_failures_reported() {
    let html = example_html();
    let o = run(&[
        "summarize",
        "-f",
        "json",
        html.to_str().unwrap(),
        "no/such/file.html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "a failed input exits 1");
    let lines: Vec<&str> = std::str::from_utf8(&o.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 2);
    for l in lines {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["title"], TITLE);
    }
    assert!(
        stderr(&o).contains("error: no/such/file.html: could not read"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["summarize"]).status.code(), Some(2));
    assert_eq!(
        run(&["summarize", "--format", "yaml", "x"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["summarize", "--sentences", "0", "x"]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn unsupported_scheme_is_a_clear_error() {
    let o = run(&["summarize", "ftp://example.com/article"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("error: ftp://example.com/article: unsupported URL scheme"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn empty_text_is_an_error_not_a_crash() {
    let o = run_stdin(&["summarize", "-"], "   \n\n  ");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error: -:"), "{}", stderr(&o));
}

/// Serves `body` as text/html for every request, on a loopback port; returns the base URL.
fn serve_once_per_request(body: &'static str, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(body.as_bytes());
        }
    });
    format!("http://{addr}/news/story")
}

const PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><title>Harbor Bridge Reopens | City Times</title></head><body><nav><a href=\"/\">Home</a> <a href=\"/city\">City</a></nav><article><h1>Harbor Bridge Reopens</h1><p>The Harbor Bridge reopened to traffic on Tuesday after eight months of repairs, the city transport department said in a statement.</p><p>Officials said the work cost $41 million, about $3 million less than planned, and finished two weeks early.</p><p>Commuters had faced detours of up to 40 minutes while the bridge was closed, according to the department.</p><p>The mayor thanked crews who worked through the winter to replace the deck and the steel cables.</p></article><footer>Copyright City Times</footer></body></html>";

#[test]
fn url_on_loopback_is_refused_by_default_and_fetched_when_allowed() {
    let url = serve_once_per_request(PAGE, 2);
    let start = std::time::Instant::now();
    let o = run(&["summarize", &url]);
    assert_eq!(o.status.code(), Some(1));
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    let err = stderr(&o);
    assert!(err.contains(&format!("error: {url}:")), "{err}");
    assert!(
        err.contains("allow-private-hosts"),
        "the message says how to allow it: {err}"
    );

    let o = run(&["--allow-private-hosts", "summarize", "-f", "json", &url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["title"], "Harbor Bridge Reopens");
    assert_eq!(v["url"], url.as_str());
    assert!(v["text"].as_str().unwrap().contains("$41 million"));
}

#[test]
fn batch_one_output_line_per_input_line_in_order() {
    let page = std::fs::read_to_string(example_html()).unwrap();
    let mut input = String::new();
    input.push_str(
        &serde_json::json!({"id": 1, "url": "https://example.com/a", "html": page}).to_string(),
    );
    input.push('\n');
    input.push_str(&serde_json::json!({"id": "two", "text": "Acme said it will close the plant. Workers were told on Friday.", "title": "Acme closes plant", "sentences": 1}).to_string());
    input.push('\n');
    input.push_str("{not json\n");
    input.push('\n');
    input.push_str(&serde_json::json!({"id": 5}).to_string());
    input.push('\n');
    input.push_str(&serde_json::json!({"id": 6, "text": ""}).to_string());
    input.push('\n');
    input.push_str(&serde_json::json!({"id": 7, "url": "http://127.0.0.1:9/x"}).to_string());
    input.push('\n');
    input.push_str(&serde_json::json!({"id": 8, "text": "x", "bogus": 1}).to_string());
    input.push('\n');
    let o = run_stdin(&["batch"], &input);
    assert_eq!(
        o.status.code(),
        Some(1),
        "some records failed: {}",
        stderr(&o)
    );
    let out: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 8);
    assert_eq!(out[0]["id"], 1);
    assert_eq!(out[0]["url"], "https://example.com/a");
    assert_eq!(out[0]["title"], TITLE);
    assert_eq!(out[1]["id"], "two");
    assert_eq!(out[1]["title"], "Acme closes plant");
    assert_eq!(out[1]["summary"].as_array().unwrap().len(), 1);
    assert_eq!(out[2]["error"]["kind"], "bad_input");
    assert_eq!(out[2]["id"], Value::Null);
    assert_eq!(out[3]["error"]["kind"], "bad_input");
    assert_eq!(out[4]["id"], 5);
    assert_eq!(out[4]["error"]["kind"], "bad_input");
    assert_eq!(out[5]["error"]["kind"], "empty_page");
    assert_eq!(out[6]["id"], 7);
    assert_eq!(out[6]["error"]["kind"], "blocked_address");
    assert_eq!(out[7]["id"], 8);
    assert_eq!(out[7]["error"]["kind"], "bad_input");
    for v in &out {
        if let Some(e) = v.get("error") {
            assert!(!e["message"].as_str().unwrap().is_empty());
        }
    }
}

#[test]
fn batch_keeps_order_over_many_chunks_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let output = dir.path().join("out.jsonl");
    let mut s = String::new();
    for i in 0..600 {
        s.push_str(&serde_json::json!({"id": i, "text": format!("Item {i} was reported on Monday. It had {i} parts.")}).to_string());
        s.push('\n');
    }
    std::fs::write(&input, s).unwrap();
    let o = run(&[
        "batch",
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = std::fs::read_to_string(&output).unwrap();
    let ids: Vec<i64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, (0..600).collect::<Vec<_>>());
}

#[test]
fn batch_missing_input_file_is_an_error() {
    let o = run(&["batch", "--input", "no/such/input.jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no/such/input.jsonl"));
}

#[test]
fn sentences_command_splits_verbatim() {
    let o = run_stdin(
        &["sentences"],
        "{\"id\":\"a\",\"text\":\"First one here. Second one there.\"}\nnot json\n",
    );
    assert_eq!(o.status.code(), Some(1));
    let out: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0]["id"], "a");
    assert_eq!(
        out[0]["sentences"],
        serde_json::json!(["First one here.", "Second one there."])
    );
    assert_eq!(out[1]["error"]["kind"], "bad_input");
}

#[test]
fn bot_without_token_names_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let o = bin().arg("bot").current_dir(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("DISCORD_TOKEN"), "{}", stderr(&o));
}

#[test]
fn prompts_dir_overrides_rules_and_a_broken_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // A folder without rule files keeps the built-in ones.
    let o = run(&[
        "--prompts-dir",
        dir.path().to_str().unwrap(),
        "summarize",
        "-f",
        "json",
        example_html().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(!v["status"].as_array().unwrap().is_empty());

    std::fs::write(dir.path().join("status.toml"), "this is = = not toml").unwrap();
    let o = run(&[
        "--prompts-dir",
        dir.path().to_str().unwrap(),
        "summarize",
        example_html().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("status"), "{}", stderr(&o));
}

#[test]
fn example_story_brief_has_its_statuses_and_actors() {
    let o = run(&["summarize", "-f", "json", example_html().to_str().unwrap()]);
    assert!(o.status.success());
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let labels: Vec<&str> = v["status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["early-stage", "denied", "unconfirmed"]);
    let text = v["text"].as_str().unwrap();
    for s in v["status"].as_array().unwrap() {
        assert!(text.contains(s["evidence"].as_str().unwrap()));
    }
    let names: Vec<String> = v["actors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_lowercase())
        .collect();
    for want in [
        "china telecom",
        "china mobile",
        "reuters",
        "department of justice",
        "department of homeland security",
    ] {
        assert!(
            names.iter().any(|n| n == want),
            "missing actor {want}: {names:?}"
        );
    }
    assert!(
        names
            .iter()
            .any(|n| n.contains("u.s.") || n.contains("united states")),
        "{names:?}"
    );
}

#[test]
fn json_output_obeys_the_same_caps_as_the_bot() {
    let title = "Headline word ".repeat(80_000);
    let run_on = "and the council went on talking about it ".repeat(20_000);
    let page = format!(
        "<!DOCTYPE html><html><head><title>{title}</title></head><body><article>\
         <p>The mayor said on Monday that the council approved the plan for the city.</p>\
         <p>The plan {run_on}.</p></article></body></html>"
    );
    let out = run_stdin(&["summarize", "--format", "json", "-"], &page);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let t = v["title"].as_str().unwrap();
    assert!(
        t.chars().count() <= 400,
        "title of {} chars",
        t.chars().count()
    );
    assert!(t.ends_with('…'), "{t:.80}");
    for s in v["summary"].as_array().unwrap() {
        assert!(s.as_str().unwrap().chars().count() <= 2000);
    }
    let record = serde_json::json!({"id": 1, "html": page}).to_string();
    let out = run_stdin(&["batch"], &format!("{record}\n"));
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert!(v["title"].as_str().unwrap().chars().count() <= 400);
}
