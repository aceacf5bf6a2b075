//! List markers: reading one (`1.`, `b)`, `(iv)`) and finding the item after it.
//!
//! [`parse_marker`] reads a numbered, lettered or Roman list marker and its punctuation;
//! [`find_next_item`] looks ahead for the next label in the same style (`2.` after `1.`),
//! which is how the scan tells a list from a number or an initial. It knows nothing of
//! sentences.

use super::MAX_LIST_ITEM_BYTES;

/// A list marker at the start of a sentence (`1.`, `2.)`, `a)`, `(iv)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Marker {
    label: Label,
    style: MarkerStyle,
}

/// The label of a list marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Number(u32),
    Letter(u8),
    Roman,
}

/// How a list marker is punctuated; items of one list share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MarkerStyle {
    /// `1.`
    Dot,
    /// `1.)`
    DotParen,
    /// `1)`
    Paren,
    /// `(1)`
    Enclosed,
}

/// Parses a list marker at `p`: `1.`, `12.)`, `3)`, `a.`, `b)`, `(iv)`, `(A)`, followed by
/// whitespace or the end. Returns its end and the marker.
pub(super) fn parse_marker(b: &[u8], p: usize) -> Option<(usize, Marker)> {
    let mut q = p;
    let enclosed = b.get(q) == Some(&b'(');
    if enclosed {
        q += 1;
    }
    let label_start = q;
    while q < b.len() && b[q].is_ascii_digit() && q - label_start < 4 {
        q += 1;
    }
    let label = if q > label_start {
        if q - label_start > 3 {
            return None;
        }
        let mut v = 0u32;
        for &d in &b[label_start..q] {
            v = v * 10 + u32::from(d - b'0');
        }
        Label::Number(v)
    } else {
        while q < b.len() && b[q].is_ascii_alphabetic() && q - label_start < 5 {
            q += 1;
        }
        match q - label_start {
            0 => return None,
            1 => Label::Letter(b[label_start]),
            2..=4 if b[label_start..q].iter().all(|c| b"ivxIVX".contains(c)) => Label::Roman,
            _ => return None,
        }
    };
    let style = if enclosed {
        if b.get(q) != Some(&b')') {
            return None;
        }
        q += 1;
        MarkerStyle::Enclosed
    } else {
        match b.get(q) {
            Some(b'.') if b.get(q + 1) == Some(&b')') => {
                q += 2;
                MarkerStyle::DotParen
            }
            Some(b'.') => {
                q += 1;
                MarkerStyle::Dot
            }
            Some(b')') => {
                q += 1;
                MarkerStyle::Paren
            }
            _ => return None,
        }
    };
    if q < b.len() && !b[q].is_ascii_whitespace() {
        return None;
    }
    Some((q, Marker { label, style }))
}

/// Finds where the item after `marker` begins (`2.` after `1.`, `b)` after `a)`), preceded by
/// whitespace, within [`MAX_LIST_ITEM_BYTES`] after `from`.
pub(super) fn find_next_item(b: &[u8], from: usize, marker: Marker) -> Option<usize> {
    let mut label = [0u8; 4];
    let label_len = match marker.label {
        Label::Number(v) => {
            let s = v + 1;
            let mut digits = [0u8; 4];
            let mut k = 0;
            let mut x = s;
            loop {
                digits[k] = b'0' + u8::try_from(x % 10).unwrap_or(0);
                k += 1;
                x /= 10;
                if x == 0 || k == digits.len() {
                    break;
                }
            }
            for (dst, src) in label.iter_mut().zip(digits[..k].iter().rev()) {
                *dst = *src;
            }
            k
        }
        Label::Letter(c) if c != b'z' && c != b'Z' => {
            label[0] = c + 1;
            1
        }
        _ => return None,
    };
    let label = &label[..label_len];
    let limit = (from + MAX_LIST_ITEM_BYTES).min(b.len());
    let mut q = from + 1;
    while q < limit {
        if b[q - 1].is_ascii_whitespace() {
            let start = q;
            let mut r = q;
            if marker.style == MarkerStyle::Enclosed {
                if b.get(r) != Some(&b'(') {
                    q += 1;
                    continue;
                }
                r += 1;
            }
            if b.get(r) == label.first() && b.get(r..r + label.len()) == Some(label) {
                if let Some((_, found)) = parse_marker(b, start) {
                    if found.style == marker.style {
                        return Some(start);
                    }
                }
            }
        }
        q += 1;
    }
    None
}
