//! The `newsbrief` command: summarize, batch, sentences and bot, over the library's engine.

use std::io::{BufRead, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use newsbrief::fetch::{self, FetchConfig};
use newsbrief::render::{self, Format};
use newsbrief::{Brief, BriefOptions, Engine, Error, Settings};
use serde::Serialize;
use serde_json::Value;

// The global allocator (docs/speed.md, "Memory under hostile pages"): jemalloc by default (it gives
// freed page buffers back, where glibc's malloc kept them: peak 210 against 300 MiB over 400
// hostile pages, at the same speed); `--features mimalloc` picks mimalloc instead, and
// `--no-default-features` the system's malloc. Both crates are the allocators' own well-kept
// bindings; no unsafe code here.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
#[cfg(all(feature = "jemalloc", not(feature = "mimalloc")))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Turns news links into briefs: key sentences, key actors and the status of the story's
/// main claim. Runs from the command line (no token needed) or as a Discord bot.
#[derive(Parser, Debug)]
#[command(name = "newsbrief", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug)]
struct GlobalArgs {
    /// Let fetches reach loopback, private and link-local addresses (self-hosted sources, tests).
    /// (The variable takes true/false, 1/0, yes/no or on/off; anything else is refused.)
    #[arg(long, global = true, env = "NEWSBRIEF_ALLOW_PRIVATE_HOSTS", value_parser = newsbrief::config::bool_value)]
    allow_private_hosts: bool,
    /// Folder with status.toml / actors.toml (and the bot's bot.toml) overriding the built-in wording and cue lists.
    #[arg(long, global = true, env = "NEWSBRIEF_PROMPTS_DIR", value_name = "DIR")]
    prompts_dir: Option<std::path::PathBuf>,
    /// Seconds allowed to connect to a host.
    #[arg(long, global = true, env = "NEWSBRIEF_CONNECT_TIMEOUT", value_name = "SECS", default_value_t = fetch::DEFAULT_CONNECT_TIMEOUT.as_secs_f64())]
    connect_timeout: f64,
    /// Seconds allowed for a whole request, body included.
    #[arg(long, global = true, env = "NEWSBRIEF_TIMEOUT", value_name = "SECS", default_value_t = fetch::DEFAULT_REQUEST_TIMEOUT.as_secs_f64())]
    timeout: f64,
    /// Seconds allowed from sending each request (every redirect hop's) to its answer's headers.
    #[arg(long, global = true, env = "NEWSBRIEF_FIRST_BYTE_TIMEOUT", value_name = "SECS", default_value_t = fetch::DEFAULT_FIRST_BYTE_TIMEOUT.as_secs_f64())]
    first_byte_timeout: f64,
    /// Redirects followed at most.
    #[arg(long, global = true, env = "NEWSBRIEF_MAX_REDIRECTS", value_name = "N", default_value_t = fetch::DEFAULT_MAX_REDIRECTS)]
    max_redirects: usize,
    /// Largest page body accepted, in bytes, counted after decompression.
    #[arg(long, global = true, env = "NEWSBRIEF_MAX_BODY_BYTES", value_name = "BYTES", default_value_t = fetch::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: u64,
    /// Ports that may be fetched, comma-separated, or `any` (--allow-private-hosts lifts this too).
    #[arg(long, global = true, env = "NEWSBRIEF_ALLOWED_PORTS", value_name = "PORTS", default_value = "80,443", value_parser = parse_ports)]
    allowed_ports: PortList,
}

/// A list of allowed ports; empty means any.
#[derive(Debug, Clone)]
struct PortList(Vec<u16>);

/// Parses `80,443` (or `any`) for `--allowed-ports`.
fn parse_ports(s: &str) -> Result<PortList, String> {
    if s.trim().eq_ignore_ascii_case("any") {
        return Ok(PortList(Vec::new()));
    }
    s.split(',')
        .map(|p| match p.trim().parse::<u16>() {
            Ok(port) if port > 0 => Ok(port),
            _ => Err(format!(
                "`{}` is not a port: give ports from 1 to 65535 separated by commas (e.g. 80,443), or `any`",
                p.trim()
            )),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(PortList)
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Brief one or more articles: URLs, .html/.htm files, text files, or `-` for stdin.
    Summarize(SummarizeArgs),
    /// JSON Lines in, JSON Lines out: one brief (or error record) per input line, in order.
    Batch(IoArgs),
    /// JSON Lines `{"id","text"}` in, `{"id","sentences":[...]}` out: the sentence splitter alone.
    Sentences(IoArgs),
    /// Run the Discord bot (needs DISCORD_TOKEN).
    Bot,
}

#[derive(Args, Debug)]
struct SummarizeArgs {
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// Sentences in the summary (default: 3 for short articles, up to 5 for long ones).
    #[arg(long, short = 'n', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=50))]
    sentences: Option<u16>,
    /// http(s) URL, path to an .html/.htm page, path to a plain-text file, or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,
}

#[derive(Args, Debug)]
struct IoArgs {
    /// Input JSON Lines file, or `-` for stdin.
    #[arg(long, short, default_value = "-")]
    input: String,
    /// Output JSON Lines file, or `-` for stdout.
    #[arg(long, short, default_value = "-")]
    output: String,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum FormatArg {
    Text,
    Markdown,
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Json => Format::Json,
        }
    }
}

fn main() -> ExitCode {
    // A missing .env is normal; a broken one is worth a warning once logging is up (with the
    // line number only: the line may hold a secret).
    let dotenv = newsbrief::config::load_dotenv();
    init_logging();
    if let Some(warning) = dotenv {
        tracing::warn!("{warning}");
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn settings(g: &GlobalArgs) -> anyhow::Result<Settings> {
    let secs = |name: &str, v: f64| -> anyhow::Result<Duration> {
        newsbrief::config::duration_from_secs(v)
            .filter(|d| !d.is_zero())
            .with_context(|| {
                format!(
                    "--{name} must be a positive number of seconds, at most {} (30 days); got {v}",
                    newsbrief::config::MAX_DURATION_SECS
                )
            })
    };
    Ok(Settings {
        fetch: FetchConfig {
            allow_private_hosts: g.allow_private_hosts,
            connect_timeout: secs("connect-timeout", g.connect_timeout)?,
            request_timeout: secs("timeout", g.timeout)?,
            first_byte_timeout: secs("first-byte-timeout", g.first_byte_timeout)?,
            max_redirects: g.max_redirects,
            max_body_bytes: g.max_body_bytes,
            allowed_ports: g.allowed_ports.0.clone(),
        },
        prompts_dir: g.prompts_dir.clone(),
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = match settings(&cli.global) {
        Ok(s) => s,
        // A setting out of range is a usage error (exit 2), like a bad flag.
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(ExitCode::from(2));
        }
    };
    match cli.command {
        Command::Summarize(args) => summarize(&settings, &args),
        Command::Batch(io) => batch(&settings, &io),
        Command::Sentences(io) => sentences(&io),
        Command::Bot => bot(&settings),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Briefs one INPUT of `summarize`.
async fn brief_input(engine: &Engine, input: &str, opts: &BriefOptions) -> Result<Brief, Error> {
    if input == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| Error::Io {
            path: "stdin".into(),
            reason: e.to_string(),
        })?;
        return if looks_like_html(&text) {
            engine.brief_html(&text, None, opts)
        } else {
            engine.brief_text(&text, None, None, opts)
        };
    }
    if let Some((scheme, _)) = input.split_once("://") {
        if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
            return engine.brief_url(input, opts).await;
        }
        if !Path::new(input).exists()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            return Err(Error::UnsupportedScheme(scheme.to_ascii_lowercase()));
        }
    }
    let path = Path::new(input);
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: input.into(),
        reason: e.to_string(),
    })?;
    let is_html = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    if is_html {
        let html = newsbrief::fetch::decode_html(&bytes, None);
        engine.brief_html(&html, None, opts)
    } else {
        let text = newsbrief::fetch::decode_text(&bytes, None);
        engine.brief_text(&text, None, None, opts)
    }
}

fn looks_like_html(s: &str) -> bool {
    let head = s
        .trim_start()
        .get(..s.trim_start().len().min(512))
        .unwrap_or("")
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<body")
}

fn summarize(settings: &Settings, args: &SummarizeArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::new(settings)?;
    let opts = BriefOptions {
        sentences: args.sentences.map(usize::from),
    };
    let format = Format::from(args.format);
    let rt = runtime()?;
    let mut failed = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let many = args.inputs.len() > 1;
    for (i, input) in args.inputs.iter().enumerate() {
        match rt.block_on(brief_input(&engine, input, &opts)) {
            Ok(brief) => {
                let rendered = match format {
                    Format::Json if many => serde_json::to_string(&brief)?,
                    f => render::render(&brief, f),
                };
                if i > 0 && !matches!(format, Format::Json) {
                    writeln!(out)?;
                }
                writeln!(out, "{}", rendered.trim_end())?;
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {input}: {e}");
            }
        }
    }
    out.flush()?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

// ---- batch -------------------------------------------------------------------------------

/// One batch input record.
#[derive(serde::Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Record {
    #[serde(default)]
    id: Value,
    url: Option<String>,
    html: Option<String>,
    text: Option<String>,
    title: Option<String>,
    sentences: Option<u32>,
}

#[derive(Serialize)]
struct OkRecord<'a> {
    id: &'a Value,
    #[serde(flatten)]
    brief: &'a Brief,
}

#[derive(Serialize)]
struct ErrRecord<'a> {
    id: &'a Value,
    error: ErrBody,
}

#[derive(Serialize)]
struct ErrBody {
    kind: String,
    message: String,
}

/// Lines handled together: enough to keep every core busy, small enough to keep memory flat.
const BATCH_CHUNK_LINES: usize = 256;
/// Fetches in flight at once in batch mode.
const BATCH_FETCH_CONCURRENCY: usize = 16;

fn open_input(path: &str) -> anyhow::Result<Box<dyn BufRead>> {
    Ok(if path == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(path).with_context(|| format!("cannot open input {path}"))?,
        ))
    })
}

fn open_output(path: &str) -> anyhow::Result<Box<dyn Write>> {
    Ok(if path == "-" {
        Box::new(BufWriter::new(std::io::stdout()))
    } else {
        Box::new(BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot create output {path}"))?,
        ))
    })
}

/// Reads the next chunk of lines; a line that is not valid UTF-8 is kept as an error.
fn read_chunk(input: &mut dyn BufRead, max: usize) -> anyhow::Result<Vec<Result<String, String>>> {
    let mut lines = Vec::with_capacity(max);
    let mut buf = Vec::new();
    while lines.len() < max {
        buf.clear();
        if input.read_until(b'\n', &mut buf).context("reading input")? == 0 {
            break;
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        lines.push(
            String::from_utf8(std::mem::take(&mut buf))
                .map_err(|_| "the line is not valid UTF-8".to_string()),
        );
    }
    Ok(lines)
}

enum Job {
    Done(Value, Result<Brief, Error>),
    Local(Value, Record),
    Fetch(Value, String, Option<usize>),
}

fn parse_line(line: Result<String, String>) -> Job {
    let line = match line {
        Ok(l) => l,
        Err(msg) => return Job::Done(Value::Null, Err(Error::BadInput(msg))),
    };
    if line.trim().is_empty() {
        return Job::Done(
            Value::Null,
            Err(Error::BadInput("empty line: expected a JSON object".into())),
        );
    }
    let rec: Record = match serde_json::from_str(&line) {
        Ok(r) => r,
        Err(e) => {
            // Keep the id when the line is JSON but the record is not well formed.
            let id = serde_json::from_str::<Value>(&line)
                .ok()
                .and_then(|v| v.get("id").cloned())
                .unwrap_or(Value::Null);
            return Job::Done(id, Err(Error::BadInput(format!("malformed record: {e}"))));
        }
    };
    let id = rec.id.clone();
    if rec.html.is_some() || rec.text.is_some() {
        return Job::Local(id, rec);
    }
    match rec.url {
        Some(url) => Job::Fetch(id, url, rec.sentences.map(|n| n as usize)),
        None => Job::Done(
            id,
            Err(Error::BadInput(
                "the record has none of `url`, `html` or `text`".into(),
            )),
        ),
    }
}

fn brief_local(engine: &Engine, rec: &Record) -> Result<Brief, Error> {
    let opts = BriefOptions {
        sentences: rec.sentences.map(|n| n as usize),
    };
    if let Some(n) = rec.sentences {
        if n == 0 {
            return Err(Error::BadInput("`sentences` must be at least 1".into()));
        }
    }
    let mut brief = if let Some(html) = &rec.html {
        engine.brief_html(html, rec.url.as_deref(), &opts)?
    } else {
        let text = rec.text.as_deref().unwrap_or_default();
        engine.brief_text(text, rec.title.as_deref(), rec.url.as_deref(), &opts)?
    };
    if let Some(t) = rec.title.as_ref().filter(|t| !t.trim().is_empty()) {
        brief.title = Some(t.clone());
    }
    Ok(brief)
}

fn write_record(
    out: &mut dyn Write,
    id: &Value,
    result: &Result<Brief, Error>,
) -> anyhow::Result<bool> {
    match result {
        Ok(brief) => {
            serde_json::to_writer(&mut *out, &OkRecord { id, brief })?;
            writeln!(out)?;
            Ok(true)
        }
        Err(e) => {
            let body = ErrBody {
                kind: e.kind().to_string(),
                message: e.to_string(),
            };
            serde_json::to_writer(&mut *out, &ErrRecord { id, error: body })?;
            writeln!(out)?;
            Ok(false)
        }
    }
}

/// Reads `io`'s JSON Lines input in chunks of [`BATCH_CHUNK_LINES`] lines, hands each chunk
/// and the output to `work` (which writes one record per line and returns how many failed),
/// flushes the output, and returns the failures of all chunks. Memory stays flat on inputs
/// of any length.
fn each_chunk(
    io: &IoArgs,
    mut work: impl FnMut(Vec<Result<String, String>>, &mut dyn Write) -> anyhow::Result<usize>,
) -> anyhow::Result<usize> {
    let mut input = open_input(&io.input)?;
    let mut out = open_output(&io.output)?;
    let mut failed = 0;
    loop {
        let lines = read_chunk(&mut *input, BATCH_CHUNK_LINES)?;
        if lines.is_empty() {
            break;
        }
        failed += work(lines, &mut *out)?;
    }
    out.flush()?;
    Ok(failed)
}

fn batch(settings: &Settings, io: &IoArgs) -> anyhow::Result<ExitCode> {
    use rayon::prelude::*;
    let engine = Engine::new(settings)?;
    let rt = runtime()?;
    let failed = each_chunk(io, |lines, out| {
        let jobs: Vec<Job> = lines.into_par_iter().map(parse_line).collect();
        // CPU work on every core with rayon; fetches concurrently on the async runtime.
        let fetched = rt.block_on(fetch_all(&engine, &jobs));
        let mut fetched = fetched.into_iter();
        // `None` marks a fetched record: its result comes from `fetched`, in the same order.
        let results: Vec<(Value, Option<Result<Brief, Error>>)> = jobs
            .into_par_iter()
            .map(|job| match job {
                Job::Done(id, r) => (id, Some(r)),
                Job::Local(id, rec) => {
                    let r = brief_local(&engine, &rec);
                    (id, Some(r))
                }
                Job::Fetch(id, _, _) => (id, None),
            })
            .collect();
        let mut failed = 0;
        for (id, result) in results {
            let result = result
                .or_else(|| fetched.next())
                .unwrap_or_else(|| Err(Error::BadInput("internal: missing fetch result".into())));
            if !write_record(out, &id, &result)? {
                failed += 1;
            }
        }
        Ok(failed)
    })?;
    if failed > 0 {
        eprintln!("{failed} record(s) failed; see their error records");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Fetches and briefs every `Fetch` job of a chunk, at most [`BATCH_FETCH_CONCURRENCY`] at
/// once; results come back in job order.
async fn fetch_all(engine: &Engine, jobs: &[Job]) -> Vec<Result<Brief, Error>> {
    let sem = std::sync::Arc::new(tokio::sync::Semaphore::new(BATCH_FETCH_CONCURRENCY));
    let mut handles = Vec::new();
    for job in jobs {
        if let Job::Fetch(_, url, n) = job {
            let engine = engine.clone();
            let url = url.clone();
            let sem = sem.clone();
            let opts = BriefOptions { sentences: *n };
            handles.push(tokio::spawn(async move {
                let _permit = sem.acquire_owned().await;
                if opts.sentences == Some(0) {
                    return Err(Error::BadInput("`sentences` must be at least 1".into()));
                }
                engine.brief_url(&url, &opts).await
            }));
        }
    }
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(
            h.await
                .unwrap_or_else(|e| Err(Error::BadInput(format!("internal error: {e}")))),
        );
    }
    out
}

// ---- sentences ---------------------------------------------------------------------------

fn sentences(io: &IoArgs) -> anyhow::Result<ExitCode> {
    #[derive(serde::Deserialize)]
    struct In {
        #[serde(default)]
        id: Value,
        text: String,
    }
    #[derive(Serialize)]
    struct Out<'a> {
        id: &'a Value,
        sentences: Vec<&'a str>,
    }
    let failed = each_chunk(io, |lines, mut out| {
        let mut failed = 0;
        for line in lines {
            let parsed = line.map_err(Error::BadInput).and_then(|l| {
                serde_json::from_str::<In>(&l)
                    .map_err(|e| Error::BadInput(format!("malformed record: {e}")))
            });
            match parsed {
                Ok(rec) => {
                    let sents = newsbrief::text::split_sentences(&rec.text)
                        .into_iter()
                        .map(|r| &rec.text[r])
                        .collect();
                    serde_json::to_writer(
                        &mut out,
                        &Out {
                            id: &rec.id,
                            sentences: sents,
                        },
                    )?;
                    writeln!(out)?;
                }
                Err(e) => {
                    failed += 1;
                    write_record(out, &Value::Null, &Err(e))?;
                }
            }
        }
        Ok(failed)
    })?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

// ---- bot ---------------------------------------------------------------------------------

fn bot(settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut config = newsbrief::bot::BotConfig::from_env()?;
    // `--prompts-dir` is the same folder for the engine's cue lists and the bot's wording.
    if config.prompts_dir.is_none() {
        config.prompts_dir.clone_from(&settings.prompts_dir);
    }
    let rt = runtime()?;
    let result = rt.block_on(newsbrief::bot::run(settings, config));
    // A fetch or analysis still running after the grace period must not hold the exit.
    rt.shutdown_timeout(Duration::from_secs(2));
    result?;
    Ok(ExitCode::SUCCESS)
}
