//! A small, dependency-free parser for the publication dates pages carry.
//!
//! For: turning the date strings of `<meta>`, JSON-LD and `<time datetime>` (ISO 8601,
//! RFC 2822, and the common English forms "March 27, 2024" / "27 Mar 2024") into RFC 3339
//! text. Not for: time zones by name beyond UTC/GMT and the US zones, relative dates
//! ("2 hours ago"), or non-English month names.
//!
//! Output forms, by what the input holds:
//! - a date, time and offset: `2024-03-27T09:30:00Z` / `2024-03-27T09:30:00+02:00`;
//! - a date and time without offset: `2024-03-27T09:30:00` (local time, offset unknown);
//! - a date only: `2024-03-27` (RFC 3339 `full-date`).

use std::sync::LazyLock;

use regex::Regex;

/// Years outside this range are taken as parse errors, not dates of news articles.
const YEAR_RANGE: std::ops::RangeInclusive<u32> = 1900..=2200;

/// ISO 8601 / RFC 3339 and the space-separated SQL form; `/` or `-` between date parts.
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)^
        (\d{4})[-/](\d{1,2})[-/](\d{1,2})
        (?: [T\s]+ (\d{1,2}):(\d{2}) (?::(\d{2}) (?:[.,]\d+)? )? )?
        \s* (Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?
        $",
    )
    .expect("static regex") // infallible: a constant pattern checked by the tests
});

/// The compact ISO form `20240327` / `20240327T093000Z`.
static ISO_BASIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z)?)?$").expect("static regex")
});

/// RFC 2822: `Wed, 27 Mar 2024 09:30:00 +0000` (weekday optional, zone by offset or name).
static RFC2822: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)^
        (?:[a-z]{3,9},?\s+)?
        (\d{1,2})\s+([a-z]{3,9})\.?\s+(\d{4})
        \s+(\d{1,2}):(\d{2})(?::(\d{2}))?
        \s*([+-]\d{4}|UT|UTC|GMT|Z|[ECMP][SD]T)
        $",
    )
    .expect("static regex")
});

/// "March 27, 2024", "Mar. 27 2024", "Tuesday, March 27th, 2024 ...": month first.
static MONTH_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
        .expect("static regex")
});

/// "27 March 2024", "27th Mar. 2024": day first.
static DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\.?,?\s+(\d{4})\b")
        .expect("static regex")
});

/// Parses a date string into RFC 3339 text (see the module doc for the forms).
/// Returns `None` when the text holds no date this parser knows.
#[must_use]
pub fn parse_date(raw: &str) -> Option<String> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 80 {
        return None;
    }
    parse_iso(s)
        .or_else(|| parse_iso_basic(s))
        .or_else(|| parse_rfc2822(s))
        .or_else(|| parse_human(s))
}

fn num(caps: &regex::Captures<'_>, i: usize) -> Option<u32> {
    caps.get(i)?.as_str().parse().ok()
}

fn parse_iso(s: &str) -> Option<String> {
    let c = ISO.captures(s)?;
    let date = Ymd::new(num(&c, 1)?, num(&c, 2)?, num(&c, 3)?)?;
    let Some(hour) = num(&c, 4) else {
        return Some(date.to_string());
    };
    let time = Hms::new(hour, num(&c, 5)?, num(&c, 6).unwrap_or(0))?;
    let offset = match c.get(7) {
        Some(z) => Some(parse_offset(z.as_str())?),
        None => None,
    };
    Some(format_datetime(date, time, offset))
}

fn parse_iso_basic(s: &str) -> Option<String> {
    let c = ISO_BASIC.captures(s)?;
    let date = Ymd::new(num(&c, 1)?, num(&c, 2)?, num(&c, 3)?)?;
    let Some(hour) = num(&c, 4) else {
        return Some(date.to_string());
    };
    let time = Hms::new(hour, num(&c, 5)?, num(&c, 6).unwrap_or(0))?;
    let offset = c.get(7).map(|_| 0);
    Some(format_datetime(date, time, offset))
}

fn parse_rfc2822(s: &str) -> Option<String> {
    let c = RFC2822.captures(s)?;
    let month = month_number(c.get(2)?.as_str())?;
    let date = Ymd::new(num(&c, 3)?, month, num(&c, 1)?)?;
    let time = Hms::new(num(&c, 4)?, num(&c, 5)?, num(&c, 6).unwrap_or(0))?;
    let offset = parse_offset(c.get(7)?.as_str())?;
    Some(format_datetime(date, time, Some(offset)))
}

fn parse_human(s: &str) -> Option<String> {
    let month_first = MONTH_FIRST.captures_iter(s).find_map(|c| {
        let month = month_number(c.get(1)?.as_str())?;
        Ymd::new(num(&c, 3)?, month, num(&c, 2)?)
    });
    let date = month_first.or_else(|| {
        DAY_FIRST.captures_iter(s).find_map(|c| {
            let month = month_number(c.get(2)?.as_str())?;
            Ymd::new(num(&c, 3)?, month, num(&c, 1)?)
        })
    })?;
    Some(date.to_string())
}

/// Offset in minutes east of UTC.
fn parse_offset(z: &str) -> Option<i32> {
    let upper = z.trim().to_ascii_uppercase();
    let named = match upper.as_str() {
        "Z" | "UT" | "UTC" | "GMT" => Some(0),
        "EDT" => Some(-4 * 60),
        "EST" | "CDT" => Some(-5 * 60),
        "CST" | "MDT" => Some(-6 * 60),
        "MST" | "PDT" => Some(-7 * 60),
        "PST" => Some(-8 * 60),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    let (sign, digits) = match upper.as_bytes().first()? {
        b'+' => (1, &upper[1..]),
        b'-' => (-1, &upper[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 60 + m))
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    let i = MONTHS.iter().position(|m| *m == prefix)?;
    // The name must be the abbreviation or a prefix of the full name ("Sept" is common).
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    FULL[i].starts_with(lower.as_str()).then_some(i as u32 + 1)
}

#[derive(Clone, Copy)]
struct Ymd(u32, u32, u32);

impl Ymd {
    fn new(y: u32, m: u32, d: u32) -> Option<Self> {
        if !YEAR_RANGE.contains(&y) || !(1..=12).contains(&m) || d == 0 {
            return None;
        }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (d <= days).then_some(Self(y, m, d))
    }
}

impl std::fmt::Display for Ymd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0, self.1, self.2)
    }
}

#[derive(Clone, Copy)]
struct Hms(u32, u32, u32);

impl Hms {
    fn new(h: u32, m: u32, s: u32) -> Option<Self> {
        // 60 admits a leap second.
        (h < 24 && m < 60 && s <= 60).then_some(Self(h, m, s))
    }
}

fn format_datetime(date: Ymd, time: Hms, offset: Option<i32>) -> String {
    let base = format!("{date}T{:02}:{:02}:{:02}", time.0, time.1, time.2);
    match offset {
        None => base,
        Some(0) => format!("{base}Z"),
        Some(o) => {
            let sign = if o < 0 { '-' } else { '+' };
            let o = o.unsigned_abs();
            format!("{base}{sign}{:02}:{:02}", o / 60, o % 60)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_date;

    #[test]
    fn iso_forms() {
        assert_eq!(
            parse_date("2024-03-27T09:30:00Z").as_deref(),
            Some("2024-03-27T09:30:00Z")
        );
        assert_eq!(
            parse_date("2024-03-27T09:30:00.123+0200").as_deref(),
            Some("2024-03-27T09:30:00+02:00")
        );
        assert_eq!(
            parse_date("2019-11-20 01:33:00 -05:00").as_deref(),
            Some("2019-11-20T01:33:00-05:00")
        );
        assert_eq!(
            parse_date("2019-11-20T01:33").as_deref(),
            Some("2019-11-20T01:33:00")
        );
        assert_eq!(parse_date("2019/11/20").as_deref(), Some("2019-11-20"));
        assert_eq!(parse_date("20191120").as_deref(), Some("2019-11-20"));
        assert_eq!(parse_date(" 2024-02-29 ").as_deref(), Some("2024-02-29"));
    }

    #[test]
    fn rfc2822_and_human_forms() {
        assert_eq!(
            parse_date("Wed, 27 Mar 2024 09:30:00 +0000").as_deref(),
            Some("2024-03-27T09:30:00Z")
        );
        assert_eq!(
            parse_date("Tue, 19 Nov 2019 10:48:00 EST").as_deref(),
            Some("2019-11-19T10:48:00-05:00")
        );
        assert_eq!(parse_date("March 27, 2024").as_deref(), Some("2024-03-27"));
        assert_eq!(
            parse_date("Nov. 20, 2019, 9:28 AM UTC").as_deref(),
            Some("2019-11-20")
        );
        assert_eq!(parse_date("27th March 2024").as_deref(), Some("2024-03-27"));
        assert_eq!(
            parse_date("Published 4:00 am CST, Wednesday, November 20, 2019").as_deref(),
            Some("2019-11-20")
        );
        assert_eq!(parse_date("Sept 3, 2019").as_deref(), Some("2019-09-03"));
    }

    #[test]
    fn rejects_non_dates_and_impossible_dates() {
        for bad in [
            "",
            "yesterday",
            "2023-02-29",
            "2024-13-01",
            "2024-04-31",
            "0001-01-01",
            "2024-03-27T25:00:00Z",
            "Marchy 27, 2024",
            "12345",
            "日本語",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
