//! Arbitrary chat text through link finding: never a panic, and every link found is a
//! distinct, normalised http(s) URL with a host; article links are some of them, in order.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let links = newsbrief::links::find_links(text);
    for (i, link) in links.iter().enumerate() {
        assert!(link.starts_with("http://") || link.starts_with("https://"), "{link}");
        assert!(!links[..i].contains(link), "duplicate {link}");
        assert!(!link.chars().any(char::is_whitespace), "{link:?}");
        let again = newsbrief::links::normalize_url(link).expect("a found link normalises");
        assert_eq!(again.as_str(), link, "normalisation is idempotent");
        assert!(again.fragment().is_none() && again.host_str().is_some_and(|h| !h.is_empty()));
    }
    let articles = newsbrief::links::find_article_links(text);
    let mut rest = links.iter();
    for a in &articles {
        assert!(rest.any(|l| l == a), "{a} is one of the links, in order");
    }
    let _ = newsbrief::links::normalize_url(text);
});
