//! The worst case for a brief's size, shared by the memory bench (`benches/memory.rs`) and
//! the cache-weight test (`tests/cache_weight.rs`): a page of about [`PAGE_BYTES`] with a
//! [`TITLE_BYTES`] `<title>` and paragraphs of run-on sentences.

#![allow(dead_code)]

use std::fmt::Write as _;

/// Size of each page: just under the default 5 MiB body limit.
pub const PAGE_BYTES: usize = 5_000_000;
/// Bytes of the `<title>` of each page.
pub const TITLE_BYTES: usize = 2_000_000;

/// Page `n`: a title of [`TITLE_BYTES`] and run-on sentences up to [`PAGE_BYTES`], all
/// naming `n` so that no two pages are alike.
pub fn page(n: usize) -> String {
    let mut title = String::with_capacity(TITLE_BYTES);
    while title.len() < TITLE_BYTES {
        let _ = write!(title, "Council {n} approves budget plan ");
    }
    let mut body = String::with_capacity(PAGE_BYTES);
    body.push_str("<html><head><title>");
    body.push_str(&title);
    body.push_str("</title></head><body><article>");
    let mut k = 0;
    while body.len() + 200_000 < PAGE_BYTES {
        body.push_str("<p>The mayor of district ");
        let _ = write!(body, "{n}-{k}");
        let para_end = body.len() + 150_000;
        while body.len() < para_end {
            body.push_str(" said that the council and the budget committee went on talking");
        }
        body.push_str(".</p>");
        k += 1;
    }
    body.push_str("</article></body></html>");
    body
}
