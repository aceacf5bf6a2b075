//! Link finding and normalisation on chat-like text.

use newsbrief::links::{find_article_links, find_links, normalize_url};
use proptest::prelude::*;

#[test]
fn finds_links_in_chat_markup_and_dedupes() {
    let text = "see https://News.Example.com/story?utm_source=tw&id=7#comments, \
                also <https://news.example.com/story?id=7&fbclid=XYZ> and \
                ||https://other.example.org/a/b|| and **https://third.example.net/x** \
                and [masked](https://masked.example.com/m) (https://paren.example.com/p)";
    assert_eq!(
        find_links(text),
        vec![
            "https://news.example.com/story?id=7",
            "https://other.example.org/a/b",
            "https://third.example.net/x",
            "https://masked.example.com/m",
            "https://paren.example.com/p",
        ]
    );
}

#[test]
fn skips_media_and_discord_links() {
    let text = "https://tenor.com/view/x https://media.giphy.com/a.gif https://www.youtube.com/watch?v=1 \
                https://youtu.be/abc https://i.imgur.com/x https://cdn.discordapp.com/attachments/1/2/x.txt \
                https://discord.com/channels/1/2/3 https://example.com/photo.JPG https://example.com/report.pdf \
                https://example.com/clip.mp4 https://example.com/news/2024/story.html";
    assert_eq!(
        find_article_links(text),
        vec!["https://example.com/news/2024/story.html"]
    );
}

#[test]
fn ignores_non_web_schemes_and_plain_text() {
    assert!(find_links("no links, just example dot com and ftp://x.example/file").is_empty());
    assert!(find_links("mailto:someone@example.com").is_empty());
}

#[test]
fn normalisation_keeps_meaningful_query_and_path_case() {
    let u = normalize_url("http://EXAMPLE.com:80/Path/To?b=2&a=1&utm_campaign=z&mc_cid=q").unwrap();
    assert_eq!(u.as_str(), "http://example.com/Path/To?b=2&a=1");
}

proptest! {
    #[test]
    fn never_panics_and_output_is_normalised(s in "\\PC{0,300}") {
        for link in find_links(&s) {
            let again = normalize_url(&link).unwrap();
            prop_assert_eq!(again.as_str(), link.as_str(), "normalisation is idempotent");
            prop_assert!(link.starts_with("http://") || link.starts_with("https://"));
            prop_assert!(!link.contains('#'));
            prop_assert!(!link.to_ascii_lowercase().contains("utm_"));
        }
    }
}
