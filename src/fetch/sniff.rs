//! Is this response an article? Content types and magic bytes.
//!
//! A response is taken as HTML when it says `text/html` or `application/xhtml+xml`, as
//! plain text when it says `text/plain`, and refused as [`Error::NotAnArticle`] when it
//! says anything else. Servers lie, so the first bytes are checked too: a PNG or PDF
//! labelled `text/html` is refused by its magic bytes rather than decoded into garbage.
//! Without a Content-Type the body is sniffed: HTML-looking markup is HTML, binary data
//! is refused, and other text is plain text.
//!
//! This module does not decode text; see `decode`.

use crate::error::{Error, Result};

use super::decode::ascii_lower;

/// How many leading bytes are examined when sniffing (the HTML standard's resource header
/// is 1445 bytes; 1024 is enough for every pattern used here and keeps sniffing cheap).
pub const SNIFF_BYTES: usize = 1024;

/// What a body is taken as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// HTML or XHTML.
    Html,
    /// Plain text.
    Text,
}

/// The lowercase media type of a Content-Type value, without parameters.
#[must_use]
pub(crate) fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// What the Content-Type header declares: `Ok(Some(kind))` for an article type,
/// `Ok(None)` when there is none to go by (the body must be sniffed), and
/// [`Error::NotAnArticle`] for anything else. Lets the fetcher refuse before reading.
///
/// # Errors
/// [`Error::NotAnArticle`] with the declared type.
pub(crate) fn declared_kind(content_type: Option<&str>) -> Result<Option<Kind>> {
    let Some(declared) = content_type.map(essence).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    match declared.as_str() {
        "text/html" | "application/xhtml+xml" => Ok(Some(Kind::Html)),
        "text/plain" => Ok(Some(Kind::Text)),
        _ => Err(Error::NotAnArticle(declared)),
    }
}

/// Settles what a fetched body is, from the declared kind and the body's first bytes.
///
/// # Errors
/// [`Error::NotAnArticle`] when the bytes are a known binary format (whatever the header
/// said) or, with nothing declared, look binary.
pub(crate) fn settle(declared: Option<Kind>, body: &[u8]) -> Result<Kind> {
    let head = &body[..body.len().min(SNIFF_BYTES)];
    if let Some(mime) = binary_signature(head) {
        return Err(Error::NotAnArticle(mime.to_string()));
    }
    if let Some(kind) = declared {
        return Ok(kind);
    }
    if looks_like_html(head) {
        Ok(Kind::Html)
    } else if looks_binary(head) {
        Err(Error::NotAnArticle("application/octet-stream".into()))
    } else {
        Ok(Kind::Text)
    }
}

/// Magic numbers of formats that are never articles, as (offset, bytes, media type).
const SIGNATURES: &[(usize, &[u8], &str)] = &[
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"\x00\x00\x01\x00", "image/x-icon"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\x1f\x8b\x08", "application/gzip"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm"),
    (0, b"OggS\x00", "application/ogg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"\x28\xb5\x2f\xfd", "application/zstd"),
    (0, b"\x00\x00\x01\xba", "video/mpeg"),
    (0, b"\x00asm", "application/wasm"),
    (0, b"\x7fELF", "application/x-executable"),
    (4, b"ftyp", "video/mp4"),
    (8, b"WEBP", "image/webp"),
    (8, b"WAVE", "audio/wav"),
    (8, b"AVI ", "video/x-msvideo"),
];

/// The media type of a known binary format the bytes start with.
fn binary_signature(head: &[u8]) -> Option<&'static str> {
    for &(offset, magic, mime) in SIGNATURES {
        if head.get(offset..offset + magic.len()) == Some(magic) {
            // RIFF containers (WebP, WAV, AVI) carry their type at offset 8.
            if offset == 8 && !head.starts_with(b"RIFF") {
                continue;
            }
            return Some(mime);
        }
    }
    // MP3 with an ID3v2 tag: "ID3" and a major version 2 to 4.
    if head.starts_with(b"ID3") && head.get(3).is_some_and(|v| (2..=4).contains(v)) {
        return Some("audio/mpeg");
    }
    None
}

/// Tags that, opening a document, mark it as HTML (the HTML standard's sniffing list).
const HTML_OPENINGS: &[&[u8]] = &[
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<!--",
    b"<meta",
    b"<article",
];

/// Markers that anywhere in the first bytes show an HTML document behind some preamble
/// (an XML declaration, a stray line of text before `<html>`).
const HTML_MARKERS: &[&[u8]] = &[b"<!doctype html", b"<html", b"<body", b"<head>"];

fn looks_like_html(head: &[u8]) -> bool {
    let lower = ascii_lower(head);
    let start = lower.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&lower);
    let start = start.trim_ascii_start();
    let opens = HTML_OPENINGS.iter().any(|tag| {
        start.starts_with(tag)
            && start
                .get(tag.len())
                .is_none_or(|&b| b == b'>' || b.is_ascii_whitespace() || tag == b"<!--")
    });
    opens
        || HTML_MARKERS
            .iter()
            .any(|m| lower.windows(m.len()).any(|w| w == *m))
}

/// Whether bytes hold control characters that never occur in text (the HTML standard's
/// "binary data bytes"), unless a UTF-16 BOM explains the zero bytes.
fn looks_binary(head: &[u8]) -> bool {
    if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        return false;
    }
    head.iter()
        .any(|&b| matches!(b, 0x00..=0x08 | 0x0b | 0x0e..=0x1a | 0x1c..=0x1f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types() {
        assert_eq!(
            declared_kind(Some("text/html; charset=utf-8")).unwrap(),
            Some(Kind::Html)
        );
        assert_eq!(
            declared_kind(Some("Application/XHTML+XML")).unwrap(),
            Some(Kind::Html)
        );
        assert_eq!(declared_kind(Some("text/plain")).unwrap(), Some(Kind::Text));
        assert_eq!(declared_kind(None).unwrap(), None);
        assert_eq!(declared_kind(Some("  ")).unwrap(), None);
        for t in [
            "image/png",
            "application/pdf",
            "video/mp4",
            "application/json",
        ] {
            match declared_kind(Some(t)) {
                Err(Error::NotAnArticle(m)) => assert_eq!(m, t),
                other => panic!("{t}: {other:?}"),
            }
        }
    }

    #[test]
    fn magic_bytes_beat_the_header() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        match settle(Some(Kind::Html), png) {
            Err(Error::NotAnArticle(m)) => assert_eq!(m, "image/png"),
            other => panic!("{other:?}"),
        }
        assert!(settle(Some(Kind::Html), b"%PDF-1.7").is_err());
        assert!(settle(None, b"RIFF\0\0\0\0WEBPVP8 ").is_err());
        // Text that merely starts like a signature field is fine.
        assert_eq!(
            settle(None, b"WEBP is an image format").unwrap(),
            Kind::Text
        );
    }

    #[test]
    fn sniffs_undeclared_bodies() {
        assert_eq!(
            settle(None, b"\n  <!DOCTYPE html><title>x</title>").unwrap(),
            Kind::Html
        );
        assert_eq!(settle(None, b"<p>Hello</p>").unwrap(), Kind::Html);
        assert_eq!(
            settle(None, b"<?xml version=\"1.0\"?>\n<html xmlns=\"x\">").unwrap(),
            Kind::Html
        );
        assert_eq!(settle(None, b"Just words, a < b.").unwrap(), Kind::Text);
        assert_eq!(
            settle(None, b"<ahem> not a tag opener").unwrap(),
            Kind::Text
        );
        assert!(settle(None, b"\x00\x01\x02binary").is_err());
    }
}
