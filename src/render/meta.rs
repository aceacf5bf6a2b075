//! A brief's metadata cleaned for the card: [`unix_time`] reads a publication date (shown
//! as a Discord timestamp), and [`clean_meta`] gives a site name that is never a section of
//! the site ("U.S.", "World": the host is shown instead) and a byline without its "By " lead
//! and without repeating the site.
//!
//! Not for laying out the card's metadata line (see [`super::embed`]). The byline clean-up's
//! work grows with the byline's length; the tests count it.

use minijinja::context;

use super::escape::{escape_discord, one_line, shorten};
use super::prompts::Prompts;
use crate::brief::Brief;

/// Days from 1970-01-01 to the civil date `y-m-d` (proleptic Gregorian; Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The Unix time of a publication date in the forms the engine gives (`published` is RFC
/// 3339 where the page's date parses): `YYYY-MM-DD` alone, or with `THH:MM[:SS[.f]]` and an
/// optional `Z` / `±HH:MM` offset. A date without a time is taken at noon UTC, so that it
/// shows as the same day in nearly every time zone. `None` for anything else.
#[must_use]
pub fn unix_time(published: &str) -> Option<i64> {
    let s = published.trim();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1900..=2200).contains(&y) {
        return None;
    }
    let days = days_from_civil(i64::from(y), m, d);
    if b.len() == 10 {
        return Some(days * 86_400 + 12 * 3600);
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (hh, mm) = (num(11..13)?, num(14..16)?);
    let mut i = 16;
    let mut ss = 0;
    if b.get(i) == Some(&b':') {
        ss = num(17..19)?;
        i = 19;
        if b.get(i) == Some(&b'.') {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let offset = match s.get(i..)? {
        "" | "Z" | "z" => 0,
        rest if rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':' =>
        {
            let oh = i64::from(num(i + 1..i + 3)?);
            let om = i64::from(num(i + 4..i + 6)?);
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (oh * 3600 + om * 60)
        }
        _ => return None,
    };
    Some(days * 86_400 + i64::from(hh) * 3600 + i64::from(mm) * 60 + i64::from(ss) - offset)
}

/// Formats a publication time for a Discord message: a Discord timestamp (`<t:UNIX:D>`, shown
/// in each reader's own locale and time zone) when the date parses, else the text as given,
/// escaped and short.
pub(super) fn format_date(published: &str, prompts: &Prompts) -> String {
    match unix_time(published) {
        Some(unix) => prompts.render("embed.date", context! { unix => unix }),
        None => shorten(&escape_discord(published), 40, "…"),
    }
}

// ---- site and byline ---------------------------------------------------------------------

/// Names that are sections of a news site, never the site itself (a page's `og:site_name` or
/// first breadcrumb is sometimes the section: "U.S.", "World").
const SECTION_NAMES: &[&str] = &[
    "us",
    "uk",
    "world",
    "news",
    "latestnews",
    "breakingnews",
    "topnews",
    "business",
    "politics",
    "technology",
    "tech",
    "science",
    "health",
    "sport",
    "sports",
    "opinion",
    "markets",
    "economy",
    "finance",
    "money",
    "entertainment",
    "culture",
    "arts",
    "lifestyle",
    "style",
    "travel",
    "europe",
    "asia",
    "africa",
    "americas",
    "middleeast",
    "australia",
    "home",
    "latest",
    "local",
    "national",
    "international",
    "environment",
    "climate",
    "education",
    "media",
    "investigations",
    "analysis",
    "video",
    "live",
    "weather",
];

/// Lower-case letters and digits only: "U.S." and "us" compare equal, "BBC News" and
/// "bbcnews" too.
fn squash(s: &str) -> String {
    #[cfg(test)]
    work::add(s.len());
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The host of a web URL without a leading `www.`.
fn host_name(url: Option<&str>) -> Option<String> {
    let u = url::Url::parse(url?).ok()?;
    let host = u.host_str()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

/// Whether a site name is really a section of the site: a known section word, or the same
/// as one of the article URL's path segments ("/us/..." and "U.S.").
fn is_section(site: &str, url: Option<&str>) -> bool {
    let s = squash(site);
    if s.is_empty() {
        return true;
    }
    if SECTION_NAMES.contains(&s.as_str()) {
        return true;
    }
    url.and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| {
            u.path_segments()
                .map(|segs| segs.take(3).any(|seg| squash(seg) == s))
        })
        .unwrap_or(false)
}

/// The site name and byline to show, cleaned: one line each, a section name is never taken
/// for the site (the URL's host is shown instead), a "By " lead is dropped, and a byline
/// that only repeats the site (or ends with ", Site") loses that part. Empty parts are
/// `None`.
#[must_use]
pub fn clean_meta(brief: &Brief) -> (Option<String>, Option<String>) {
    let url = brief.url.as_deref();
    let host = host_name(url);
    let site = brief
        .site
        .as_deref()
        .map(one_line)
        .filter(|s| !s.is_empty() && !is_section(s, url))
        .or_else(|| host.clone());
    let site_key = site.as_deref().map(squash).unwrap_or_default();
    let host_key = host.as_deref().map(squash).unwrap_or_default();
    let byline = brief.byline.as_deref().map(one_line).and_then(|b| {
        let b = b.trim();
        let b = b
            .strip_prefix("By ")
            .or_else(|| b.strip_prefix("by "))
            .unwrap_or(b);
        // Split on the usual joiners, drop parts naming the site, drop repeats: each part is
        // squashed once and looked up in a set, so the work grows with the byline's length
        // (comparing every part with every other stalled a worker for seconds on a 100 KB
        // byline).
        let mut kept: Vec<&str> = Vec::new();
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for part in b.split([',', '|', '·']).map(str::trim) {
            let k = squash(part);
            if k.is_empty() || k == site_key || k == host_key || !seen.insert(k) {
                continue;
            }
            kept.push(part);
        }
        let out = kept.join(", ");
        (!out.is_empty()).then_some(out)
    });
    (site, byline)
}

/// A count of the bytes [`squash`] reads on this thread, with a budget: the metadata
/// clean-up's work is counted, not timed (a budget blown stops the test at once, so a
/// quadratic loop fails in milliseconds instead of running for minutes).
#[cfg(test)]
mod work {
    use std::cell::Cell;

    thread_local! {
        static USED: Cell<usize> = const { Cell::new(0) };
        static BUDGET: Cell<usize> = const { Cell::new(usize::MAX) };
    }

    pub(super) fn add(bytes: usize) {
        let used = USED.with(|u| {
            u.set(u.get().saturating_add(bytes));
            u.get()
        });
        let budget = BUDGET.with(Cell::get);
        assert!(
            used <= budget,
            "the metadata clean-up read {used} bytes, over its budget of {budget}"
        );
    }

    /// Runs `f` with a budget of `budget` bytes read; returns what it read.
    pub(super) fn measure<T>(budget: usize, f: impl FnOnce() -> T) -> (T, usize) {
        USED.with(|u| u.set(0));
        BUDGET.with(|b| b.set(budget));
        let out = f();
        BUDGET.with(|b| b.set(usize::MAX));
        (out, USED.with(Cell::get))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::embed::{brief_card, CardStyle, MESSAGE_EMBEDS_TOTAL_MAX};
    use crate::render::fixtures::example_brief;

    #[test]
    fn metadata_is_cleaned() {
        let mut b = example_brief();
        // A section taken for the site, and the site repeated as the author.
        b.site = Some("U.S.".into());
        b.byline = Some("BBC News".into());
        b.url = Some("https://www.bbc.com/news/world-us-canada-1".into());
        let (site, byline) = clean_meta(&b);
        assert_eq!(site.as_deref(), Some("bbc.com"));
        assert_eq!(byline.as_deref(), Some("BBC News"));
        b.site = Some("BBC News".into());
        let (site, byline) = clean_meta(&b);
        assert_eq!(site.as_deref(), Some("BBC News"));
        assert_eq!(byline, None, "the site is not repeated as the author");
        b.byline = Some("By Jane Doe | BBC News | Jane Doe".into());
        assert_eq!(clean_meta(&b).1.as_deref(), Some("Jane Doe"));
        b.site = Some("World".into());
        b.url = None;
        assert_eq!(clean_meta(&b).0, None, "a section is never the site");
        // A site equal to a segment of the article's path is that section.
        b.site = Some("Technology".into());
        b.url = Some("https://news.example.org/technology/ai-rules".into());
        assert_eq!(clean_meta(&b).0.as_deref(), Some("news.example.org"));
    }

    #[test]
    fn a_100_kb_byline_is_cleaned_in_linear_work() {
        let mut b = example_brief();
        b.site = Some("BBC News".into());
        // 100 KB of distinct short names: the worst case for comparing every part with
        // every other (some 16,000 parts).
        let names: Vec<String> = (0..16_000).map(|i| format!("N{i:05}")).collect();
        let byline = names.join(", ");
        assert!(byline.len() >= 100_000, "{}", byline.len());
        b.byline = Some(byline.clone());
        // A few passes over the byline are allowed; comparing parts pairwise reads some
        // 16,000² / 2 parts, hundreds of megabytes.
        let budget = 8 * byline.len();
        let ((_, cleaned), used) = work::measure(budget, || clean_meta(&b));
        let cleaned = cleaned.unwrap();
        assert!(cleaned.starts_with("N00000, N00001"), "{}", &cleaned[..40]);
        assert!(used <= budget, "{used}");
        // Repeats and the site are still dropped.
        b.byline = Some(format!("{byline}, BBC News, N00000, n00001"));
        let ((_, again), _) = work::measure(budget * 2, || clean_meta(&b));
        assert_eq!(again.unwrap(), cleaned);
        let card = brief_card(&b, &Prompts::builtin(), CardStyle::Full);
        assert!(card.total_len() <= MESSAGE_EMBEDS_TOTAL_MAX);
    }

    #[test]
    fn dates_become_discord_timestamps() {
        let p = Prompts::builtin();
        assert_eq!(format_date("2024-03-27T09:30:00Z", &p), "<t:1711531800:D>");
        assert_eq!(
            format_date("2024-03-27T11:30:00+02:00", &p),
            "<t:1711531800:D>"
        );
        assert_eq!(
            format_date("2024-03-27T09:30:00.123Z", &p),
            "<t:1711531800:D>"
        );
        assert_eq!(format_date("2024-03-27", &p), "<t:1711540800:D>");
        assert_eq!(unix_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_time("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(format_date("yesterday", &p), "yesterday");
        assert_eq!(format_date("2024-13-01", &p), "2024-13-01");
        for bad in [
            "",
            "2024-03-2",
            "2024-03-27T9",
            "2024-03-27T09:30:00+0200x",
            "２０２４-03-27",
        ] {
            assert_eq!(unix_time(bad), None, "{bad}");
        }
    }
}
