//! Bytes to text: finding a body's character encoding and decoding it without failing.
//!
//! The order follows what browsers do, so a page reads here as it reads in a browser:
//! a byte-order mark wins (browsers let it override everything), then the `charset` of the
//! Content-Type header, then (HTML only) a `<meta charset>` or `<meta http-equiv
//! content-type>` in the first [`META_PRESCAN_BYTES`] bytes, then valid UTF-8, then
//! statistical detection with chardetng. Decoding is always lossy: malformed bytes become
//! U+FFFD, never a panic or an error.
//!
//! This module does not decide whether a body is HTML or text at all; see `sniff`.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How many leading bytes are searched for a `<meta>` charset declaration.
///
/// The HTML standard scans 1024 bytes; Chromium and real pages with long `<head>`s
/// (inline styles, many `<link>`s before the meta) justify looking further.
pub const META_PRESCAN_BYTES: usize = 4096;

/// Decodes an HTML body: BOM, then the Content-Type header's charset, then `<meta>`
/// charset declarations, then UTF-8 validity, then detection. Never fails: malformed bytes
/// become U+FFFD and NUL characters are dropped.
#[must_use]
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    decode_html_from(bytes, content_type, None)
}

/// [`decode_html`] with the top-level domain the page came from, which sharpens
/// detection (a `.jp` page is likelier Shift_JIS, a `.ru` one windows-1251).
pub(crate) fn decode_html_from(
    bytes: &[u8],
    content_type: Option<&str>,
    tld: Option<&[u8]>,
) -> String {
    decode_body(bytes, content_type, tld, true)
}

/// Decodes a plain-text body: BOM, then the Content-Type header's charset, then UTF-8
/// validity, then detection. Never fails.
#[must_use]
pub fn decode_text(bytes: &[u8], content_type: Option<&str>) -> String {
    decode_text_from(bytes, content_type, None)
}

/// [`decode_text`] with the top-level domain the text came from (see [`decode_html_from`]).
pub(crate) fn decode_text_from(
    bytes: &[u8],
    content_type: Option<&str>,
    tld: Option<&[u8]>,
) -> String {
    decode_body(bytes, content_type, tld, false)
}

/// Decodes `bytes` in the first encoding found: BOM, the Content-Type header's charset, the
/// `<meta>` declarations (HTML only, `scan_meta`), then detection (UTF-8 validity first).
fn decode_body(
    bytes: &[u8],
    content_type: Option<&str>,
    tld: Option<&[u8]>,
    scan_meta: bool,
) -> String {
    let encoding = Encoding::for_bom(bytes)
        .map(|(enc, _)| enc)
        .or_else(|| content_type.and_then(header_charset))
        .or_else(|| scan_meta.then(|| meta_charset(bytes)).flatten())
        .unwrap_or_else(|| detect(bytes, tld));
    decode_with(bytes, encoding)
}

/// The top-level domain of a URL's host in the form chardetng accepts (lowercase ASCII
/// letters, digits and hyphens; punycode for IDN), or `None` (IP hosts, odd names).
pub(crate) fn tld_of(url: &url::Url) -> Option<Vec<u8>> {
    let Some(url::Host::Domain(domain)) = url.host() else {
        return None;
    };
    let label = domain.trim_end_matches('.').rsplit('.').next()?;
    let ok = !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    ok.then(|| label.as_bytes().to_vec())
}

/// Decodes with `encoding` (a BOM, if any, is removed and wins), lossily, dropping NULs
/// (they only ever come from broken pages and confuse later text handling).
fn decode_with(bytes: &[u8], encoding: &'static Encoding) -> String {
    let (text, _, _) = encoding.decode(bytes);
    if text.contains('\0') {
        text.replace('\0', "")
    } else {
        text.into_owned()
    }
}

/// The encoding named by the `charset` parameter of a Content-Type value, if known.
#[must_use]
pub fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        Encoding::for_label(value.as_bytes())
    })
}

/// The encoding declared by a `<meta>` element in the first [`META_PRESCAN_BYTES`] bytes,
/// as the HTML standard's prescan finds it (comments skipped; UTF-16 read as UTF-8 since
/// a page that is really UTF-16 would have a BOM).
#[must_use]
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(META_PRESCAN_BYTES)];
    let mut pos = 0;
    while pos < head.len() {
        let rest = &head[pos..];
        if rest.starts_with(b"<!--") {
            pos += find(&rest[4..], b"-->").map_or(head.len(), |i| i + 7);
        } else if starts_with_ignore_case(rest, b"<meta")
            && rest
                .get(5)
                .is_some_and(|&b| b.is_ascii_whitespace() || b == b'/')
        {
            let (found, consumed) = meta_element_charset(&rest[5..]);
            if let Some(enc) = found {
                return Some(browser_substitute(enc));
            }
            pos += 5 + consumed;
        } else {
            pos += 1;
        }
    }
    None
}

/// Reads the attributes of one `<meta` element (starting after `<meta`), returning the
/// encoding it declares and how many bytes it spans.
fn meta_element_charset(bytes: &[u8]) -> (Option<&'static Encoding>, usize) {
    let mut charset = None;
    let mut content = None;
    let mut is_content_type = false;
    let mut pos = 0;
    while let Some((name, value, next)) = next_attribute(bytes, pos) {
        pos = next;
        if name.eq_ignore_ascii_case(b"charset") && charset.is_none() {
            charset = Some(value);
        } else if name.eq_ignore_ascii_case(b"content") && content.is_none() {
            content = Some(value);
        } else if name.eq_ignore_ascii_case(b"http-equiv") {
            is_content_type |= value.eq_ignore_ascii_case(b"content-type");
        }
    }
    let end = bytes[pos.min(bytes.len())..]
        .iter()
        .position(|&b| b == b'>')
        .map_or(bytes.len(), |i| pos + i + 1);
    let label = charset.or_else(|| {
        is_content_type
            .then_some(content)
            .flatten()
            .and_then(charset_in_content)
    });
    (label.and_then(Encoding::for_label), end)
}

/// One attribute of a tag from `pos`: (name, value, position after it); `None` at `>`.
fn next_attribute(bytes: &[u8], mut pos: usize) -> Option<(&[u8], &[u8], usize)> {
    while pos < bytes.len() && (bytes[pos].is_ascii_whitespace() || bytes[pos] == b'/') {
        pos += 1;
    }
    if pos >= bytes.len() || bytes[pos] == b'>' {
        return None;
    }
    let name_start = pos;
    while pos < bytes.len() && !matches!(bytes[pos], b'=' | b'>' | b'/') {
        if bytes[pos].is_ascii_whitespace() {
            break;
        }
        pos += 1;
    }
    let name = &bytes[name_start..pos];
    while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
        pos += 1;
    }
    if bytes.get(pos) != Some(&b'=') {
        return Some((name, &[], pos.max(name_start + 1)));
    }
    pos += 1;
    while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
        pos += 1;
    }
    match bytes.get(pos) {
        Some(&q) if q == b'"' || q == b'\'' => {
            let start = pos + 1;
            let len = bytes[start..].iter().position(|&b| b == q)?;
            Some((name, &bytes[start..start + len], start + len + 1))
        }
        _ => {
            let start = pos;
            while pos < bytes.len() && !bytes[pos].is_ascii_whitespace() && bytes[pos] != b'>' {
                pos += 1;
            }
            Some((name, &bytes[start..pos], pos))
        }
    }
}

/// The charset in a `content="text/html; charset=..."` value.
fn charset_in_content(content: &[u8]) -> Option<&[u8]> {
    let lower = content.to_ascii_lowercase();
    let at = find(&lower, b"charset")? + "charset".len();
    let rest = content[at..].trim_ascii_start();
    let rest = rest.strip_prefix(b"=")?.trim_ascii_start();
    let value = match rest.first() {
        Some(&q) if q == b'"' || q == b'\'' => {
            let inner = &rest[1..];
            &inner[..inner.iter().position(|&b| b == q)?]
        }
        _ => {
            let end = rest
                .iter()
                .position(|&b| b == b';' || b.is_ascii_whitespace())
                .unwrap_or(rest.len());
            &rest[..end]
        }
    };
    (!value.is_empty()).then_some(value)
}

/// The HTML standard's substitutions for encodings declared in `<meta>`.
fn browser_substitute(enc: &'static Encoding) -> &'static Encoding {
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        UTF_8
    } else if enc == encoding_rs::X_USER_DEFINED {
        WINDOWS_1252
    } else {
        enc
    }
}

/// Guesses an undeclared encoding: UTF-8 if the bytes are valid UTF-8 (a character cut by
/// the size limit at the very end still counts), else chardetng's guess.
fn detect(bytes: &[u8], tld: Option<&[u8]>) -> &'static Encoding {
    match std::str::from_utf8(bytes) {
        Ok(_) => return UTF_8,
        Err(e) if e.error_len().is_none() => return UTF_8,
        Err(_) => {}
    }
    // ISO-2022-JP is denied as browsers do: its escapes can smuggle markup past filters.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(tld, chardetng::Utf8Detection::Allow)
}

fn starts_with_ignore_case(haystack: &[u8], prefix: &[u8]) -> bool {
    haystack.len() >= prefix.len() && haystack[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Lowercases a byte string for case-insensitive searches (ASCII only).
pub(crate) fn ascii_lower(bytes: &[u8]) -> Cow<'_, [u8]> {
    if bytes.iter().any(u8::is_ascii_uppercase) {
        Cow::Owned(bytes.to_ascii_lowercase())
    } else {
        Cow::Borrowed(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_is_read_with_quotes_and_case() {
        assert_eq!(
            header_charset("text/html; Charset=\"Shift_JIS\""),
            Some(encoding_rs::SHIFT_JIS)
        );
        assert_eq!(
            header_charset("text/html;charset=latin1"),
            Some(WINDOWS_1252)
        );
        assert_eq!(header_charset("text/html"), None);
        assert_eq!(header_charset("text/html; charset=bogus"), None);
    }

    #[test]
    fn meta_charset_forms() {
        assert_eq!(
            meta_charset(b"<html><head><meta charset=\"iso-8859-2\">"),
            Some(encoding_rs::ISO_8859_2)
        );
        assert_eq!(
            meta_charset(b"<META CHARSET=shift_jis>"),
            Some(encoding_rs::SHIFT_JIS)
        );
        assert_eq!(
            meta_charset(
                b"<meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>"
            ),
            Some(encoding_rs::WINDOWS_1251)
        );
        assert_eq!(
            meta_charset(
                b"<meta content=\"text/html; charset=euc-jp\" http-equiv=\"content-type\"/>"
            ),
            Some(encoding_rs::EUC_JP)
        );
        // content without http-equiv declares nothing
        assert_eq!(
            meta_charset(b"<meta name=x content=\"charset=euc-jp\">"),
            None
        );
        // commented out
        assert_eq!(meta_charset(b"<!-- <meta charset=euc-jp> --><p>"), None);
        assert_eq!(meta_charset(b"<meta charset=utf-16>"), Some(UTF_8));
        assert_eq!(meta_charset(b"<metadata charset=euc-jp>"), None);
    }

    #[test]
    fn meta_charset_beyond_prescan_is_ignored() {
        let mut page = vec![b' '; META_PRESCAN_BYTES];
        page.extend_from_slice(b"<meta charset=euc-jp>");
        assert_eq!(meta_charset(&page), None);
    }

    #[test]
    fn meta_prescan_survives_truncated_tags() {
        for input in [
            &b"<meta"[..],
            b"<meta ",
            b"<meta charset",
            b"<meta charset=\"",
            b"<meta charset='utf-8",
            b"<!--",
            b"<meta http-equiv=content-type content=\"charset=",
        ] {
            let _ = meta_charset(input);
        }
    }

    #[test]
    fn bom_wins_over_header() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("café".as_bytes());
        assert_eq!(
            decode_html(&bytes, Some("text/html; charset=iso-8859-1")),
            "café"
        );
    }

    #[test]
    fn tld_is_only_given_in_a_form_chardetng_accepts() {
        let tld = |u: &str| tld_of(&url::Url::parse(u).unwrap());
        assert_eq!(tld("http://news.example.JP./a"), Some(b"jp".to_vec()));
        assert_eq!(
            tld("http://b\u{fc}cher.xn--p1ai/"),
            Some(b"xn--p1ai".to_vec())
        );
        assert_eq!(
            tld("http://\u{4f8b}\u{3048}.\u{30c6}\u{30b9}\u{30c8}/"),
            Some(b"xn--zckzah".to_vec())
        );
        assert_eq!(tld("http://127.0.0.1/"), None);
        assert_eq!(tld("http://[::1]/"), None);
        assert_eq!(tld("http://x_y.com_/"), None);
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        let text = decode_html(
            b"<p>ok \xff\xfe\xc3 end\0</p>",
            Some("text/html; charset=utf-8"),
        );
        assert!(text.contains("ok"));
        assert!(text.contains('\u{FFFD}'));
        assert!(!text.contains('\0'));
    }
}
