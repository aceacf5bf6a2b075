//! Settings: one struct built from the environment (and `.env`) plus command-line flags.
//!
//! Every knob is documented in `.env.example`.

use crate::fetch::FetchConfig;

/// Default settings database.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://newsbrief.db";

/// Everything the engine and the bot can be configured with.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Fetch limits and address policy.
    pub fetch: FetchConfig,
    /// A folder whose `status.toml` / `actors.toml` (or `prompts/status.toml`, ...) replace the
    /// built-in cue lists, so wording can be tuned without a rebuild (`NEWSBRIEF_PROMPTS_DIR`).
    pub prompts_dir: Option<std::path::PathBuf>,
}

/// Reads the editable rules file `name` from `dir/prompts/name` or `dir/name`, whichever
/// exists first; `None` when neither does (the caller then keeps its built-in rules).
///
/// # Errors
/// [`crate::Error::Io`] when the file exists but cannot be read.
pub(crate) fn read_rules_file(dir: &std::path::Path, name: &str) -> crate::Result<Option<String>> {
    for path in [dir.join("prompts").join(name), dir.join(name)] {
        if path.is_file() {
            return std::fs::read_to_string(&path)
                .map(Some)
                .map_err(|e| crate::Error::Io {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                });
        }
    }
    Ok(None)
}

// ---- strict values for every knob --------------------------------------------------------------

/// Longest duration any setting accepts, in seconds (30 days): far above any sensible timeout,
/// TTL or refill time, low enough that no deadline computed from it can overflow.
pub const MAX_DURATION_SECS: f64 = 2_592_000.0;

/// What a duration setting expects, for error messages.
pub const DURATION_EXPECTED: &str = "a number of seconds from 0 to 2592000 (30 days)";

/// What a boolean setting expects, for error messages.
pub const BOOL_EXPECTED: &str = "true or false (also 1/0, yes/no, on/off)";

/// Reads a boolean setting: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`, in any case and
/// with surrounding spaces; anything else (`flase`, `disabled`, an empty value) is `None`, so
/// a typo is refused instead of silently taken for one or the other.
#[must_use]
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A boolean value parser for clap (flags that also read an environment variable).
///
/// # Errors
/// A message naming the accepted words when `value` is none of them.
pub fn bool_value(value: &str) -> Result<bool, String> {
    parse_bool(value).ok_or_else(|| format!("`{value}` is not a boolean: use {BOOL_EXPECTED}"))
}

/// A duration of `secs` seconds when it is finite and within 0 to [`MAX_DURATION_SECS`]
/// (`1e30`, `inf`, `NaN` or a negative number give `None`, never a panic).
#[must_use]
pub fn duration_from_secs(secs: f64) -> Option<std::time::Duration> {
    (secs.is_finite() && (0.0..=MAX_DURATION_SECS).contains(&secs))
        .then(|| std::time::Duration::try_from_secs_f64(secs).ok())
        .flatten()
}

/// Reads a duration setting given in seconds (`0.5`, `20`), trimmed; see
/// [`duration_from_secs`].
#[must_use]
pub fn parse_secs(value: &str) -> Option<std::time::Duration> {
    duration_from_secs(value.trim().parse::<f64>().ok()?)
}

/// Whether `host` is a loopback host: `localhost`, 127.0.0.0/8 or `::1`.
#[must_use]
pub fn is_loopback_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.');
            d.eq_ignore_ascii_case("localhost")
        }
        url::Host::Ipv4(a) => a.is_loopback(),
        url::Host::Ipv6(a) => a.is_loopback(),
    }
}

/// Checks the gateway URL a REST proxy hands out: `wss://` anywhere, plain `ws://` only on
/// loopback, since the bot token crosses that connection in its IDENTIFY.
///
/// # Errors
/// A message (with the URL's scheme and host, never a password) when the URL is refused.
pub fn check_gateway_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|_| {
        format!(
            "the gateway URL from the proxy (`{}`) is not a URL",
            crate::redact::link_for_log(url)
        )
    })?;
    let loopback = parsed.host().is_some_and(|h| is_loopback_host(&h));
    match parsed.scheme() {
        "wss" if parsed.host().is_some() => Ok(()),
        "ws" if loopback => Ok(()),
        scheme => Err(format!(
            "the gateway URL from the proxy ({scheme}://{}) must be wss:// (plain ws:// would carry the bot token in clear; it is allowed only on loopback)",
            parsed.host_str().unwrap_or("")
        )),
    }
}

// ---- .env ------------------------------------------------------------------------------------

/// Loads `.env` (from the current folder or the nearest parent holding one) into the
/// environment, without overriding variables already set. A missing file is normal (`None`);
/// otherwise the return value is a warning to log. A line that does not parse is reported by
/// its line number only (it may hold a token or password); it and the lines after it are not
/// loaded.
#[must_use]
pub fn load_dotenv() -> Option<String> {
    match dotenvy::dotenv() {
        Ok(_) => None,
        Err(e) if e.not_found() => None,
        Err(e) => Some(describe_dotenv_error(&e, find_dotenv().as_deref())),
    }
}

/// The `.env` file `dotenvy` reads: the first one in the current folder or its parents.
fn find_dotenv() -> Option<std::path::PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|d| d.join(".env"))
        .find(|p| p.is_file())
}

/// The warning for a `.env` that could not be loaded: the file and line number, never the
/// line itself.
#[must_use]
pub fn describe_dotenv_error(e: &dotenvy::Error, path: Option<&std::path::Path>) -> String {
    let shown = path.map_or_else(|| ".env".to_string(), |p| p.display().to_string());
    match e {
        dotenvy::Error::LineParse(line, _) => {
            let first = line.lines().next().unwrap_or("").trim_end();
            let number = path
                .and_then(|p| std::fs::read_to_string(p).ok())
                .and_then(|text| {
                    text.lines()
                        .position(|l| !first.is_empty() && l.contains(first))
                        .map(|i| i + 1)
                });
            match number {
                Some(n) => format!(
                    "{shown}: line {n} cannot be parsed (not shown: it may hold a secret); it and the lines after it are ignored"
                ),
                None => format!(
                    "{shown}: a line cannot be parsed (not shown: it may hold a secret); it and the lines after it are ignored"
                ),
            }
        }
        dotenvy::Error::Io(io) => format!("{shown} cannot be read ({}); it is ignored", io.kind()),
        _ => format!("{shown} cannot be loaded; it is ignored"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn booleans_are_strict() {
        for t in ["true", "TRUE", " True ", "1", "yes", "On", "on\n"] {
            assert_eq!(parse_bool(t), Some(true), "{t:?}");
        }
        for f in ["false", "False", "false ", "0", "no", "OFF"] {
            assert_eq!(parse_bool(f), Some(false), "{f:?}");
        }
        for bad in [
            "flase", "disabled", "enabled", "", " ", "2", "y", "n", "tru", "nope",
        ] {
            assert_eq!(parse_bool(bad), None, "{bad:?}");
            assert!(bool_value(bad).unwrap_err().contains("true or false"));
        }
    }

    #[test]
    fn durations_are_bounded_and_never_panic() {
        assert_eq!(parse_secs("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(parse_secs(" 20 "), Some(Duration::from_secs(20)));
        assert_eq!(parse_secs("0"), Some(Duration::ZERO));
        assert_eq!(parse_secs("2592000"), Some(Duration::from_secs(2_592_000)));
        for bad in [
            "1e30", "2592001", "-1", "inf", "NaN", "-0.5", "", "soon", "1e309",
        ] {
            assert_eq!(parse_secs(bad), None, "{bad:?}");
        }
        assert_eq!(duration_from_secs(f64::MAX), None);
    }

    #[test]
    fn the_gateway_is_wss_except_on_loopback() {
        for ok in [
            "wss://gateway.discord.gg",
            "wss://gateway.example:8443/?v=10",
            "ws://127.0.0.1:3000/gateway",
            "ws://127.9.9.9:3000",
            "ws://localhost:3000",
            "ws://[::1]:3000",
        ] {
            assert!(check_gateway_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "ws://gateway.example",
            "ws://10.0.0.5:3000",
            "ws://0.0.0.0:3000",
            "ws://[::ffff:10.0.0.1]:3000",
            "http://127.0.0.1:3000",
            "https://gateway.example",
            "not a url",
        ] {
            assert!(check_gateway_url(bad).is_err(), "{bad}");
        }
        let err = check_gateway_url("ws://user:hunter2@gw.example").unwrap_err();
        assert!(!err.contains("hunter2") && err.contains("wss://"), "{err}");
    }

    #[test]
    fn a_bad_env_line_is_reported_by_number_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(
            &path,
            "# settings\nNEWSBRIEF_CACHE_TTL_SECS=60\nDISCORD_TOKEN=\"abc.s3cret-token-value\n",
        )
        .unwrap();
        let e = dotenvy::from_path_iter(&path)
            .unwrap()
            .find_map(Result::err)
            .expect("the third line does not parse");
        let msg = describe_dotenv_error(&e, Some(&path));
        assert!(msg.contains("line 3"), "{msg}");
        assert!(!msg.contains("s3cret"), "{msg}");
        assert!(!e.to_string().is_empty());
    }
}
