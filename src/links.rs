//! URL discovery in free text (chat messages) and URL normalisation.
//!
//! [`find_article_links`] turns a chat message into the list of distinct http(s) links worth
//! briefing, in the order they appear: tracking parameters dropped, scheme and host
//! lowercased, fragments removed, duplicates merged, and links that cannot be articles
//! (image, video and gif hosts, Discord's own links, media and document files) skipped.
//! The normalised form is also the key of the brief cache.
//!
//! This module is for *finding and naming* links; it does not decide whether an address may
//! be fetched (that is the fetcher's address policy) and never touches the network.

use url::Url;

/// Query parameters that only track the click and never change the page, so two links that
/// differ only in them are the same article. Matched case-insensitively and exactly.
pub const TRACKING_PARAMS: &[&str] = &[
    "fbclid",      // Facebook
    "gclid",       // Google Ads
    "gclsrc",      // Google Ads
    "dclid",       // Google Display
    "gbraid",      // Google Ads (iOS)
    "wbraid",      // Google Ads (web to app)
    "msclkid",     // Microsoft Ads
    "mc_cid",      // Mailchimp campaign
    "mc_eid",      // Mailchimp recipient
    "igshid",      // Instagram share
    "igsh",        // Instagram share (newer)
    "yclid",       // Yandex
    "twclid",      // Twitter/X ads
    "ttclid",      // TikTok ads
    "li_fat_id",   // LinkedIn
    "_ga",         // Google Analytics cross-domain
    "_gl",         // Google Analytics linker
    "_hsenc",      // HubSpot
    "_hsmi",       // HubSpot
    "mkt_tok",     // Marketo
    "oly_anon_id", // Omeda
    "oly_enc_id",  // Omeda
    "vero_id",     // Vero
    "ref_src",     // Twitter/X embeds
    "ref_url",     // Twitter/X embeds
    "ncid",        // news aggregators (Yahoo, CNN) campaign id
    "ocid",        // Microsoft News campaign id
    "cmpid",       // generic campaign id used by many publishers
    "spm",         // Alibaba tracking
    "s_cid",       // Adobe campaign id
];

/// Query parameter prefixes that only track the click (`utm_source`, `utm_medium`, ...).
pub const TRACKING_PARAM_PREFIXES: &[&str] = &["utm_", "pk_", "mtm_", "hsa_"];

/// Hosts (and their subdomains) that serve images, video, gifs or chat, never articles:
/// briefing them would only produce noise, so their links are skipped quietly.
pub const NON_ARTICLE_HOSTS: &[&str] = &[
    "tenor.com",
    "giphy.com",
    "gfycat.com",
    "imgur.com",
    "youtube.com",
    "youtu.be",
    "youtube-nocookie.com",
    "vimeo.com",
    "twitch.tv",
    "streamable.com",
    "tiktok.com",
    "discord.com",
    "discord.gg",
    "discord.media",
    "discordapp.com",
    "discordapp.net",
    "open.spotify.com",
];

/// File extensions of media, archives and documents: links ending in these are files, not
/// web pages, so they are skipped without a fetch.
pub const NON_ARTICLE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "bmp", "ico", "tif", "tiff", "heic", "mp4",
    "m4v", "webm", "mov", "mkv", "avi", "wmv", "flv", "mp3", "m4a", "wav", "ogg", "oga", "opus",
    "flac", "aac", "pdf", "zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "tar", "exe", "msi", "dmg",
    "apk", "iso", "bin", "csv", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
];

/// Characters that chat markup wraps around links (spoilers `||`, bold `**`, quotes) and
/// that are never the last character of a real article link.
const TRAILING_MARKUP: &[char] = &['|', '*', '_', '~', '`', '"', '\'', '>', '<'];

/// Finds every distinct http(s) link in `text`, normalised, in order of appearance.
///
/// Non-article links are kept; use [`find_article_links`] to drop them.
#[must_use]
pub fn find_links(text: &str) -> Vec<String> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for link in finder.links(text) {
        let raw = link.as_str().trim_end_matches(TRAILING_MARKUP);
        if let Some(url) = normalize_url(raw) {
            let s = url.to_string();
            if seen.insert(s.clone()) {
                out.push(s);
            }
        }
    }
    out
}

/// Finds the distinct links in `text` that may be articles, normalised, in order.
#[must_use]
pub fn find_article_links(text: &str) -> Vec<String> {
    find_links(text)
        .into_iter()
        .filter(|s| Url::parse(s).is_ok_and(|u| is_article_candidate(&u)))
        .collect()
}

/// Normalises one http(s) URL: lowercase scheme and host (the URL parser does this), no
/// trailing dots on the host, no fragment, no tracking parameters, no default port, and no
/// `user:password@` part (a pasted secret must not be fetched, cached, logged or shown).
/// Returns `None` for anything that is not an absolute http(s) URL with a host.
#[must_use]
pub fn normalize_url(raw: &str) -> Option<Url> {
    let mut url = Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_string();
    // Every trailing dot goes (one pass, so normalising twice changes nothing); a host made
    // of dots alone names nothing.
    let trimmed = host.trim_end_matches('.');
    if trimmed.is_empty() {
        return None;
    }
    if trimmed.len() != host.len() && url.set_host(Some(trimmed)).is_err() {
        return None;
    }
    // Both setters only fail for URLs that cannot carry credentials, which then have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !is_tracking_param(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Some(url)
}

/// Whether a query parameter name only tracks the click.
#[must_use]
pub fn is_tracking_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TRACKING_PARAMS.contains(&lower.as_str())
        || TRACKING_PARAM_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// Whether `url` may be an article: not on a media or chat host, not a media or document file.
#[must_use]
pub fn is_article_candidate(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let on_media_host = NON_ARTICLE_HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")));
    if on_media_host {
        return false;
    }
    let last_segment = url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or("");
    match last_segment.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            !NON_ARTICLE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_tracking_and_fragment_and_lowercases_host() {
        let u =
            normalize_url("HTTPS://News.Example.COM./a/B?utm_source=x&id=3&fbclid=y#top").unwrap();
        assert_eq!(u.as_str(), "https://news.example.com/a/B?id=3");
    }

    #[test]
    fn empty_query_after_cleaning_is_removed() {
        let u = normalize_url("http://example.com/x?utm_medium=a&gclid=b").unwrap();
        assert_eq!(u.as_str(), "http://example.com/x");
    }

    #[test]
    fn trailing_dots_all_go_at_once() {
        let u = normalize_url("http://Example.com../x").unwrap();
        assert_eq!(u.as_str(), "http://example.com/x");
        // Found by the link-finding property: `_..` lost one dot per pass.
        let once = normalize_url("HTTPS://_..").unwrap();
        assert_eq!(normalize_url(once.as_str()).unwrap(), once);
        assert!(normalize_url("http://../").is_none());
    }

    #[test]
    fn credentials_are_dropped_so_they_are_never_cached_logged_or_shown() {
        let u = normalize_url("https://alice:s3cret@News.example.com/a?id=1").unwrap();
        assert_eq!(u.as_str(), "https://news.example.com/a?id=1");
        let found = find_article_links("read http://bob:hunter2@example.org/story now");
        assert_eq!(found, vec!["http://example.org/story".to_string()]);
        let u = normalize_url("http://token@example.com/").unwrap();
        assert_eq!(u.as_str(), "http://example.com/");
    }

    #[test]
    fn rejects_other_schemes() {
        assert!(normalize_url("ftp://example.com/x").is_none());
        assert!(normalize_url("javascript:alert(1)").is_none());
    }
}
