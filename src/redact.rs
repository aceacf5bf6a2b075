//! Secrets kept out of logs, errors and `Debug` output.
//!
//! Database URLs are redacted by hand rather than through a URL parser: a password holding
//! `#`, `/`, `?` or `@` makes the URL unparsable (or parse into the wrong parts), and that is
//! exactly when a parser-based redaction would give the URL back untouched. A pasted link is
//! logged without its user info, query string or fragment (they may carry tokens).

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// The user-info part of `url` (between `scheme://` and the last `@` of the URL), if any,
/// as a byte range of `url`.
fn userinfo_range(url: &str) -> Option<std::ops::Range<usize>> {
    let start = url.find("://")? + 3;
    let end = url[start..].rfind('@')? + start;
    Some(start..end)
}

/// The byte range of the query string of `url` (after the first `?` that follows the user
/// info), without the fragment.
fn query_range(url: &str) -> Option<std::ops::Range<usize>> {
    let from = userinfo_range(url).map_or(0, |r| r.end);
    let q = url[from..].find('?')? + from + 1;
    let end = url[q..].find('#').map_or(url.len(), |i| q + i);
    Some(q..end)
}

/// Whether a query parameter name names a secret (`password`, `sslpassword`, `pass`...).
fn is_secret_key(key: &str) -> bool {
    let k = percent_decode(key).to_ascii_lowercase();
    k.contains("pass") || k.contains("secret") || k.contains("token")
}

/// `s` with `%XX` escapes decoded (invalid escapes kept as written; invalid UTF-8 replaced).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                // Two hex digits make one byte.
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every secret `url` holds, as written and decoded: the password of its user info and the
/// values of query parameters such as `password=`. Empty strings are left out.
#[must_use]
pub fn url_secrets(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = userinfo_range(url) {
        if let Some((_, pw)) = url[r].split_once(':') {
            out.push(pw.to_string());
            out.push(percent_decode(pw));
        }
    }
    if let Some(r) = query_range(url) {
        for pair in url[r].split('&') {
            if let Some((k, v)) = pair.split_once('=') {
                if is_secret_key(k) {
                    out.push(v.to_string());
                    out.push(percent_decode(v));
                    out.push(percent_decode(&v.replace('+', " ")));
                }
            }
        }
    }
    out.retain(|s| !s.is_empty());
    // Longest first, so a secret that contains another is replaced whole.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

/// `url` with its password (user info) and secret query values replaced by
/// [`REDACTED`], whether or not the URL parses.
#[must_use]
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    // The query first: its range lies after the user info, so replacing it keeps the user
    // info's range valid.
    if let Some(r) = query_range(url) {
        let query: Vec<String> = url[r.clone()]
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if is_secret_key(k) => format!("{k}={REDACTED}"),
                _ => pair.to_string(),
            })
            .collect();
        out.replace_range(r, &query.join("&"));
    }
    if let Some(r) = userinfo_range(url) {
        if let Some(colon) = url[r.clone()].find(':') {
            out.replace_range(r.start + colon + 1..r.end, REDACTED);
        }
    }
    out
}

/// `text` (an error message, say) with every secret of `url` replaced by [`REDACTED`]:
/// drivers quote the URL, or parts of it, in their errors.
#[must_use]
pub fn redact_text(text: &str, url: &str) -> String {
    let mut out = text.to_string();
    for secret in url_secrets(url) {
        out = out.replace(&secret, REDACTED);
    }
    out
}

/// A pasted link as it may be logged at `info` and above: scheme, host, port and path only.
/// The user info, query string and fragment are dropped (they may carry tokens or session
/// ids); text that is not a URL is reduced to its first 64 characters up to any `?` or `#`.
#[must_use]
pub fn link_for_log(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            let had_query = u.query().is_some_and(|q| !q.is_empty()) || u.fragment().is_some();
            u.set_query(None);
            u.set_fragment(None);
            let mut s = u.to_string();
            if had_query {
                s.push_str("?…");
            }
            s
        }
        Err(_) => {
            let head = url.split(['?', '#', '@']).next().unwrap_or("");
            head.chars().take(64).collect()
        }
    }
}

/// `text` (an error message about `url`) with the query string and fragment of `url` cut
/// out wherever they appear, for logs at `info` and above.
#[must_use]
pub fn scrub_link(text: &str, url: &str) -> String {
    let mut out = text.to_string();
    // With their `?` and `#`, so that only the link's own tail matches.
    let frag = url.find('#');
    if let Some(q) = url.find('?').filter(|q| frag.is_none_or(|f| *q < f)) {
        out = out.replace(&url[q..], "?…");
        let end = frag.unwrap_or(url.len());
        if end > q + 1 {
            out = out.replace(&url[q..end], "?…");
        }
    }
    if let Some(f) = frag {
        if f + 1 < url.len() {
            out = out.replace(&url[f..], "#…");
        }
    }
    if let Some(r) = userinfo_range(url) {
        let info = &url[r];
        if !info.is_empty() {
            out = out.replace(info, "…");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_with_url_delimiters_are_redacted() {
        for (url, secret) in [
            ("postgres://bot:s3cr3t-pw@127.0.0.1:1/db", "s3cr3t-pw"),
            ("postgres://bot:pa#ss-word@db.example:5432/nb", "pa#ss-word"),
            ("postgres://bot:pa/ss-word@db.example/nb", "pa/ss-word"),
            ("postgres://bot:pa?ss-word@db.example/nb", "pa?ss-word"),
            ("postgres://bot:p@ss-word@db.example/nb", "p@ss-word"),
            ("postgres://bot:pa%23ss-word@db.example/nb", "pa%23ss-word"),
            (
                "postgres://bot@db.example/nb?password=hunter2-pw",
                "hunter2-pw",
            ),
            (
                "postgres://db.example/nb?sslmode=disable&PassWord=hunter2-pw&x=1",
                "hunter2-pw",
            ),
        ] {
            let shown = redact_url(url);
            assert!(!shown.contains(secret), "{url} -> {shown}");
            assert!(
                shown.contains("db.example") || shown.contains("127.0.0.1"),
                "{shown}"
            );
            let err = format!("error with {url} and the password {secret} alone");
            let text = redact_text(&err, url);
            assert!(!text.contains(secret), "{text}");
        }
        // Decoded forms too: drivers may quote the decoded password.
        let url = "postgres://bot:pa%23ss-word@db.example/nb";
        assert!(!redact_text("bad password pa#ss-word", url).contains("pa#ss-word"));
        // Nothing to redact: unchanged.
        assert_eq!(
            redact_url("postgres://bot@db.example/nb?sslmode=require"),
            "postgres://bot@db.example/nb?sslmode=require"
        );
        assert_eq!(redact_url("sqlite://newsbrief.db"), "sqlite://newsbrief.db");
    }

    #[test]
    fn links_are_logged_without_query_fragment_or_user_info() {
        assert_eq!(
            link_for_log("https://user:pw@news.example/a/b?token=abc123#frag"),
            "https://news.example/a/b?…"
        );
        assert_eq!(
            link_for_log("https://news.example/a"),
            "https://news.example/a"
        );
        assert!(!link_for_log("not a url?token=abc123").contains("abc123"));
        let url = "https://news.example/a?token=abc123#x";
        assert_eq!(
            scrub_link(&format!("not a valid URL (bad: {url})"), url),
            "not a valid URL (bad: https://news.example/a?…)"
        );
    }

    #[test]
    fn percent_decoding_never_panics_on_short_escapes() {
        for s in ["%", "%4", "%zz", "a%41", "%E2%82", "%%41"] {
            let _ = percent_decode(s);
        }
        assert_eq!(percent_decode("a%41b"), "aAb");
    }
}
