//! Extraction on realistic fixture pages: furniture gone, paragraphs kept, metadata right;
//! and no panic on hostile input.

use newsbrief::extract::{detect_language, extract, Article};
use newsbrief::Error;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/pages/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn extract_fixture(name: &str, url: &str) -> Article {
    extract(&fixture(name), Some(url)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn paragraphs(text: &str) -> Vec<&str> {
    text.split("\n\n").collect()
}

/// The main-text format contract: paragraphs separated by exactly one blank line, no
/// leading, trailing or doubled whitespace anywhere.
fn assert_clean_format(text: &str) {
    assert!(!text.is_empty());
    assert_eq!(text.trim(), text, "text is trimmed");
    assert!(!text.contains("\n\n\n"), "no double blank lines");
    for line in text.lines() {
        assert_eq!(line.trim(), line, "line {line:?} has stray whitespace");
    }
    for para in paragraphs(text) {
        assert!(!para.is_empty(), "empty paragraph");
        assert!(!para.contains("  "), "double space in {para:?}");
    }
}

fn assert_absent(text: &str, furniture: &[&str]) {
    for f in furniture {
        assert!(!text.contains(f), "furniture {f:?} left in text:\n{text}");
    }
}

/// Every paragraph of the story text, in order, as whole paragraphs of the output.
fn assert_paragraphs_in_order(text: &str, expected: &[&str]) {
    let got = paragraphs(text);
    let mut from = 0;
    for want in expected {
        let at = got[from..]
            .iter()
            .position(|p| p == want)
            .unwrap_or_else(|| panic!("paragraph {want:?} missing or out of order in:\n{text}"));
        from += at + 1;
    }
}

/// The story of `examples/example-article.txt`, copied here: tests never read shared data.
const TELECOM_PARAGRAPHS: [&str; 7] = [
    "The United States government is reportedly investigating China Telecom and China Mobile over potential risks to internet and cloud security, according to a recent report by Reuters. The probe is centered on concerns that these Chinese state-owned telecommunications companies may be using their infrastructure to spy on American communications or steal sensitive data.",
    "The investigation comes at a time of heightened tensions between the U.S. and China over trade, technology, and national security issues. The Trump administration has taken a hardline stance against Chinese companies like Huawei, which it accuses of being a national security threat due to its close ties to the Chinese government.",
    "China Telecom and China Mobile are among the largest telecommunications companies in the world, with vast networks that span across the globe. This has raised concerns that they could potentially use their infrastructure to intercept or manipulate internet traffic, giving the Chinese government access to sensitive information or the ability to disrupt communications.",
    "The U.S. government has not publicly disclosed the details of the probe, but sources familiar with the matter told Reuters that the investigation is still in its early stages. The Department of Justice, the Department of Homeland Security, and other federal agencies are reportedly involved in the probe.",
    "Both China Telecom and China Mobile have denied any wrongdoing and have stated that they operate in accordance with international standards for cybersecurity. However, the U.S. government remains concerned about the potential risks posed by Chinese telecommunications companies, especially in light of recent high-profile cyberattacks and data breaches.",
    "The investigation into China Telecom and China Mobile is just the latest in a series of actions taken by the U.S. government to address cybersecurity threats from foreign entities. In recent years, the U.S. has imposed sanctions on Chinese companies, banned certain Chinese apps, and taken other measures to protect its networks and data from foreign interference.",
    "As the investigation into China Telecom and China Mobile continues, it is likely to further strain relations between the U.S. and China. The outcome of the probe could have significant implications for the global telecommunications industry and the future of internet and cloud security. For now, both companies will have to navigate the challenges of operating in an increasingly hostile geopolitical environment while also maintaining the trust of their customers and partners.",
];

#[test]
fn example_story_page_gives_exactly_the_story() {
    let a = extract_fixture(
        "daily-wire-telecom.html",
        "https://dailywire.example/world/china-telecom-probe",
    );
    assert_clean_format(&a.text);
    // Nothing but the seven story paragraphs survives the menus, share bar, caption, ad,
    // newsletter box, "Read more" link, tags, author bio, related list and comments.
    assert_eq!(paragraphs(&a.text), TELECOM_PARAGRAPHS);
    assert_eq!(
        a.title.as_deref(),
        Some("U.S. probing China Telecom, China Mobile over internet and cloud risks, Reuters reports citing sources")
    );
    assert_eq!(a.site.as_deref(), Some("The Daily Wire Desk"));
    assert_eq!(a.byline.as_deref(), Some("Staff Writer"));
    assert_eq!(a.published.as_deref(), Some("2024-03-27T09:30:00Z"));
    assert_eq!(a.language.as_deref(), Some("en"));
}

#[test]
fn blog_with_json_ld_graph_keeps_headings_lists_and_quotes() {
    let a = extract_fixture(
        "garden-blog-graph.html",
        "https://allotment.example/winter-compost/",
    );
    assert_clean_format(&a.text);
    assert_paragraphs_in_order(
        &a.text,
        &[
            "Most gardeners let the compost heap sleep through the winter, but a heap built well in November can keep working until the first frosts of spring. The trick is to give the microbes enough food, air and insulation to stay busy when the air temperature drops.",
            "Choose a sheltered spot",
            "Balance greens and browns",
            "Greens: vegetable peelings, coffee grounds, fresh grass clippings.",
            "Never: cooked food, meat, dairy or diseased plants.",
            "“A compost heap is a slow fire. Feed it, cover it and leave it alone.”",
            "Cover it up",
            "An old carpet or a sheet of thick plastic over the top keeps the rain out and the warmth in. Turn the heap once in December and again in February, and by April the bottom third should be dark, crumbly and ready for the beds.",
        ],
    );
    assert_absent(
        &a.text,
        &[
            "affiliate",
            "Sharing is caring",
            "Pinterest",
            "Photo: Margaret",
            "Buy a compost thermometer",
            "leaf mould",
            "Tagged",
            "Never miss a post",
            "Previous: Planting garlic",
            "Leave a Reply",
            "Great tips",
            "Recent Posts",
            "powered by WordPress",
            "Posted on",
        ],
    );
    assert_eq!(
        a.title.as_deref(),
        Some("How to Start a Winter Compost Heap")
    );
    assert_eq!(a.site.as_deref(), Some("The Allotment Diaries"));
    // The author comes through an `@id` reference, its entity decoded.
    assert_eq!(a.byline.as_deref(), Some("Margaret O\u{2019}Neill"));
    assert_eq!(a.published.as_deref(), Some("2023-11-05T08:15:00Z"));
    assert_eq!(a.language.as_deref(), Some("en"));
}

#[test]
fn german_page_without_lang_attribute_is_detected_and_cleaned() {
    let a = extract_fixture(
        "kurier-stadtrat-de.html",
        "https://kurier.example/lokales/haushalt",
    );
    assert_clean_format(&a.text);
    assert_eq!(paragraphs(&a.text).len(), 4);
    assert!(a.text.starts_with("Der Stadtrat hat am Dienstagabend"));
    assert!(a.text.ends_with("in den Sommerferien beginnen."));
    assert_absent(
        &a.text,
        &[
            "Von Anna Schmidt",
            "Teilen",
            "Foto: dpa",
            "Anzeige",
            "Mehr zum Thema",
            "Eltern fordern",
            "Kommentare",
            "Meistgelesen",
            "Impressum",
            "Lokales",
        ],
    );
    assert_eq!(
        a.title.as_deref(),
        Some("Stadtrat beschließt Haushalt mit Rekordinvestitionen in Schulen")
    );
    assert_eq!(a.site.as_deref(), Some("Rheinland Kurier"));
    assert_eq!(a.byline.as_deref(), Some("Anna Schmidt"));
    assert_eq!(a.published.as_deref(), Some("2024-03-12T14:05:00+01:00"));
    assert_eq!(a.language.as_deref(), Some("de"), "detected from the text");
}

#[test]
fn script_rendered_page_falls_back_to_json_ld_article_body() {
    let a = extract_fixture(
        "ledger-app-shell.html",
        "https://ledger.example/transport/night-ferry",
    );
    assert_clean_format(&a.text);
    let paras = paragraphs(&a.text);
    assert_eq!(paras.len(), 3, "{paras:?}");
    assert!(paras[0].starts_with("The harbour authority on Tuesday approved"));
    assert!(paras[2].ends_with("whether the service becomes permanent."));
    assert_absent(&a.text, &["enable JavaScript", "Loading"]);
    assert_eq!(
        a.title.as_deref(),
        Some("Harbour authority approves night ferry trial")
    );
    assert_eq!(a.site.as_deref(), Some("Bay Ledger"));
    assert_eq!(a.byline.as_deref(), Some("Lena Ortiz, Sam Whitaker"));
    assert_eq!(a.published.as_deref(), Some("2022-06-01T08:00:00+02:00"));
    assert_eq!(a.language.as_deref(), Some("en"), "from lang=\"EN-us\"");
}

#[test]
fn old_style_page_with_br_paragraphs_and_no_metadata() {
    // No URL: the site name can only come from the title's tail.
    let a = extract(&fixture("parish-notes-plain.html"), None).expect("extracts");
    assert_clean_format(&a.text);
    let paras = paragraphs(&a.text);
    assert_eq!(paras.len(), 3, "{paras:?}");
    assert!(paras[0].starts_with("The bell tower of St Mary's has reopened"));
    assert!(paras[2].starts_with("Bell ringing practice resumes"));
    assert_absent(
        &a.text,
        &["Back to news", "Events", "written by volunteers"],
    );
    assert_eq!(
        a.title.as_deref(),
        Some("Bell tower repairs finish ahead of schedule")
    );
    assert_eq!(a.site.as_deref(), Some("Parish Notes"));
    assert_eq!(a.byline, None);
    assert_eq!(a.published.as_deref(), Some("2021-09-14"));
    assert_eq!(a.language.as_deref(), Some("en"), "detected from the text");
}

#[test]
fn site_name_falls_back_to_the_host() {
    let html = "<html><head><title>Storm</title></head><body><article><p>A storm closed the coast road on Monday night and the council said it would stay shut until the sea wall had been checked by engineers. Residents were told to use the inland route.</p></article></body></html>";
    let a = extract(html, Some("https://www.coastnews.example/storm")).expect("extracts");
    assert_eq!(a.site.as_deref(), Some("coastnews.example"));
    assert_eq!(a.title.as_deref(), Some("Storm"));
}

#[test]
fn empty_and_blank_documents_are_empty_pages() {
    for html in [
        "",
        "   \n\t ",
        "<html></html>",
        "<html><body>   </body></html>",
    ] {
        assert!(
            matches!(extract(html, None), Err(Error::EmptyPage)),
            "{html:?}"
        );
    }
    // Only scripts and styles: nothing readable.
    let html =
        "<html><head><style>p{}</style></head><body><script>var a = 'text';</script></body></html>";
    assert!(matches!(extract(html, None), Err(Error::EmptyPage)));
}

#[test]
fn garbage_input_never_panics() {
    let binary: String = (0u8..=255).map(char::from).cycle().take(20_000).collect();
    let inputs = [
        binary,
        "<<<<>>>><<//>>".repeat(1000),
        "<html><body><p>unclosed <b>bold <i>italic".to_string(),
        "<div class=\"".to_string() + &"x".repeat(100_000),
        "\u{0}\u{1}\u{2} plain words with no markup at all".to_string(),
        "<script type=\"application/ld+json\">{\"@type\": [[[[[[</script><p>x</p>".to_string(),
        "<html><head><title> | | - </title></head><body><h1>|</h1></body></html>".to_string(),
    ];
    for html in &inputs {
        match extract(html, Some("not a url")) {
            Ok(a) => assert!(!a.text.is_empty()),
            Err(e) => assert!(matches!(e, Error::EmptyPage), "{e}"),
        }
    }
}

#[test]
fn very_deep_nesting_returns_text_quickly_on_a_small_stack() {
    let depth = 100_000;
    let html = format!(
        "<html><body>{}<p>Deep inside the page there is still a sentence worth reading.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let unclosed = format!("<html><body>{}the end", "<div><span>".repeat(depth / 2));
    // A 256 KiB stack proves the passes are iterative, not recursive.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || (extract(&html, None), extract(&unclosed, None)))
        .expect("spawns");
    let (closed, unclosed) = handle.join().expect("no panic or stack overflow");
    assert_eq!(
        closed.expect("text").text,
        "Deep inside the page there is still a sentence worth reading."
    );
    assert_eq!(unclosed.expect("text").text, "the end");
}

#[test]
fn language_detection_needs_enough_text() {
    assert_eq!(
        detect_language("The council approved the budget on Tuesday after a long debate about schools and roads.").as_deref(),
        Some("en")
    );
    assert_eq!(
        detect_language("Le conseil municipal a approuvé le budget mardi soir, après un long débat sur les écoles et les routes de la ville. Les travaux commenceront pendant les vacances d'été, selon le maire.").as_deref(),
        Some("fr")
    );
    assert_eq!(detect_language(""), None);
    assert_eq!(detect_language("12345 !!!"), None);
}

#[test]
fn detected_language_overrides_a_wrong_template_lang() {
    let html = r#"<html lang="en"><head><title>Haushalt beschlossen</title></head><body><article>
        <p>Der Stadtrat hat am Dienstagabend nach mehr als fünf Stunden Debatte den Haushalt für das kommende Jahr beschlossen. Mit 31 zu 14 Stimmen setzte sich die Koalition gegen die Opposition durch.</p>
        <p>Im Mittelpunkt stehen Investitionen in die Schulen der Stadt. Rund 48 Millionen Euro sollen in den kommenden zwei Jahren in Sanierungen, neue Klassenräume und die Digitalisierung fließen.</p>
        <p>Die Bezirksregierung muss den Haushalt noch genehmigen. Eine Entscheidung wird im Mai erwartet, die ersten Bauarbeiten könnten in den Sommerferien beginnen.</p>
        </article></body></html>"#;
    let a = extract(html, None).expect("extracts");
    assert_eq!(a.language.as_deref(), Some("de"));
    // A short text keeps the declared language.
    let short =
        r#"<html lang="en"><body><p>Der Stadtrat hat den Haushalt beschlossen.</p></body></html>"#;
    assert_eq!(
        extract(short, None).expect("extracts").language.as_deref(),
        Some("en")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Random tag soup: extraction returns text or `EmptyPage`, and the text keeps the
    /// format contract.
    #[test]
    fn tag_soup_never_panics(parts in proptest::collection::vec(
        proptest::sample::select(vec![
            "<div>", "</div>", "<p>", "</p>", "<a href=x>", "</a>", "<br>", "<h2>", "</h2>",
            "<script>", "</script>", "<nav>", "<aside class=share>", "<li>", "<ul>", "</ul>",
            "<pre>", "</pre>", "<!--", "-->", "<title>", "</title>", "<meta property=og:title content=T>",
            "word ", "Ünïcödé ", "日本語 ", "  \n ", "&amp;", "By Jane Doe", "Advertisement",
            "<time datetime=2024-02-30>", "<html lang=xx-YY>", "<", ">", "\"", "'",
        ]),
        0..200,
    )) {
        let html: String = parts.concat();
        match extract(&html, Some("https://example.com/a")) {
            Ok(a) => {
                proptest::prop_assert!(!a.text.is_empty());
                proptest::prop_assert!(!a.text.contains("\n\n\n"));
                proptest::prop_assert_eq!(a.text.trim(), a.text.as_str());
            }
            Err(e) => proptest::prop_assert!(matches!(e, Error::EmptyPage), "{}", e),
        }
    }
}

// ---- Wider-web error kinds (issue 21): one small page each, written for the test. ----

/// A plain page around `body`, titled `title`.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{body}</body></html>"
    )
}

/// Story paragraphs long enough for the scorer to take them as prose.
const PARISH_STORY: [&str; 4] = [
    "The village hall committee met on Thursday evening to agree the plan for the new roof, which has leaked over the stage since the storms of last winter and closed the hall for most of the spring.",
    "Builders from the next town gave the lowest price, and the work will start in the first week of June, when the hall is least used, the chairwoman told the meeting of about forty residents.",
    "The parish council will pay half of the cost from its reserves, and the rest will come from the summer fair, a grant from the county and a collection taken at the harvest supper.",
    "The committee also agreed to repaint the kitchen and to replace the old heaters, which residents said were loud and costly, once the roof is finished and the scaffolding comes down.",
];

#[test]
fn teasers_of_other_stories_and_the_legal_footer_are_dropped() {
    let mut body =
        String::from("<div id=\"main\"><div id=\"story\"><h1>Village hall roof to be fixed</h1>");
    for p in PARISH_STORY {
        body.push_str(&format!("<p>{p}</p>"));
    }
    body.push_str("<ul>");
    for (h, t) in [
        (
            "Library opening hours to change",
            "The library will open later on Mondays from next month, the council said.",
        ),
        (
            "School fete raises record sum",
            "Parents and pupils raised more than two thousand pounds at the summer fete.",
        ),
        (
            "Bus route to be restored",
            "The number 12 bus will run through the village again after a campaign by residents.",
        ),
    ] {
        body.push_str(&format!(
            "<li><h3>{h}</h3><p>{t} <a href=\"/news/{}\">Read more...</a></p></li>",
            h.len()
        ));
    }
    body.push_str(
        "</ul><p>The Parish Pump is the newsletter of the parish council. The Parish Pump name and logo are registered trademarks of the council. Copyright 2024, all rights reserved.</p></div></div>",
    );
    let a = extract(&page("Village hall roof to be fixed", &body), None).expect("extracts");
    assert_clean_format(&a.text);
    assert_eq!(paragraphs(&a.text), PARISH_STORY, "{}", a.text);
}

#[test]
fn link_text_inside_a_paragraph_is_kept_whatever_the_link_points_to() {
    // Words inside `javascript:`, `mailto:`, `#` and target-less links are part of the
    // sentence: none may go, and no paragraph may go for being "link text".
    let paras = [
        "I am a <a href=\"javascript:void(0)\" onclick=\"gloss(1)\">rather elderly</a> man. The nature of my avocations for the last thirty years has brought me into more than ordinary contact with what would seem an interesting and somewhat singular set of men.",
        "Of all the law-copyists I ever saw or heard of, <a href=\"javascript:show('b')\" class=\"popup-note\">Bartleby</a> was the strangest. While of other law-copyists I might write the complete life, of him nothing of that sort can be done.",
        "<a href=\"mailto:editor@example.org\">Write to the editor</a> about <a href=\"#note-3\">the notes</a> and <a name=\"scrivener\">the scrivener</a> and <a href=\"javascript:;\">his employer</a>",
        "Ere introducing the scrivener, as he first appeared to me, it is fit I make some mention of myself, my employees, my business, my chambers, and general surroundings.",
    ];
    let mut body = String::from("<div class=\"story\"><h1>Bartleby</h1>");
    for p in paras {
        body.push_str(&format!("<p>{p}</p>"));
    }
    body.push_str("</div>");
    let a = extract(&page("Bartleby", &body), None).expect("extracts");
    assert_clean_format(&a.text);
    for want in [
        "I am a rather elderly man. The nature",
        "heard of, Bartleby was the strangest.",
        "Write to the editor about the notes and the scrivener and his employer",
    ] {
        assert!(a.text.contains(want), "{want:?} missing in:\n{}", a.text);
    }
}

#[test]
fn caption_standfirst_and_a_closing_learn_more_line_stay_with_the_story() {
    let body = format!(
        "<div id=\"page\"><div class=\"story-body\"><h1>Oaks return to the common</h1>\
         <p class=\"standfirst\">Three hundred young trees are planted where the old wood burned.</p>\
         <figure><img src=\"/oaks.jpg\" alt=\"\"><figcaption>Volunteers planting oaks on the common in March.</figcaption></figure>\
         <p>{}</p><p>{}</p>\
         <p><a href=\"/grants/trees\">Learn more about the tree grant scheme</a></p>\
         <h2>What happens next</h2><p>{}</p><p>{}</p></div>\
         <div class=\"more\"><h3>Elsewhere</h3><ul>\
         <li><a href=\"/a\">Library opening hours to change</a></li>\
         <li><a href=\"/b\">School fete raises record sum</a></li>\
         <li><a href=\"/c\">Bus route to be restored</a></li></ul></div></div>",
        PARISH_STORY[0], PARISH_STORY[1], PARISH_STORY[2], PARISH_STORY[3]
    );
    let a = extract(&page("Oaks return to the common", &body), None).expect("extracts");
    assert_clean_format(&a.text);
    assert_paragraphs_in_order(
        &a.text,
        &[
            "Three hundred young trees are planted where the old wood burned.",
            "Volunteers planting oaks on the common in March.",
            PARISH_STORY[0],
            PARISH_STORY[1],
            "Learn more about the tree grant scheme",
            "What happens next",
            PARISH_STORY[2],
            PARISH_STORY[3],
        ],
    );
    // The list of other headlines after the story stays out.
    assert_absent(&a.text, &["Library opening", "School fete", "Bus route"]);
}

/// A teaser story for a section front: a heading and a paragraph of `words` words.
fn teaser(i: usize, words: usize) -> String {
    let text: Vec<String> = (0..words)
        .map(|w| format!("word{}", (w * 7 + i) % 50))
        .collect();
    format!(
        "<article class=\"card\"><h2><a href=\"/story/{i}\">Story number {i} of the day</a></h2><p>{}.</p></article>",
        text.join(" ")
    )
}

#[test]
fn a_section_front_is_not_an_article_but_an_article_with_related_teasers_is() {
    // Five stories of similar weight, nothing stands out: not an article.
    let front: String = (0..5).map(|i| teaser(i, 40 + i * 3)).collect();
    match extract(&page("News", &front), None) {
        Err(e @ Error::SectionFront) => assert_eq!(e.kind(), "not_an_article"),
        other => panic!("a section front gave {other:?}"),
    }
    // One story with related-story teasers under it: the story.
    let mut body = String::from("<article class=\"main\"><h1>Village hall roof to be fixed</h1>");
    for p in PARISH_STORY {
        body.push_str(&format!("<p>{p}</p>"));
    }
    body.push_str("</article><section class=\"more\">");
    for i in 0..4 {
        body.push_str(&teaser(i, 20));
    }
    body.push_str("</section>");
    let a = extract(&page("Village hall roof to be fixed", &body), None).expect("an article");
    assert_paragraphs_in_order(&a.text, &PARISH_STORY);
}

#[test]
fn a_long_trademark_footer_and_trailing_headline_lists_are_dropped() {
    let mut body =
        String::from("<div id=\"wrap\"><div id=\"content\"><h1>Village hall roof to be fixed</h1>");
    for p in PARISH_STORY {
        body.push_str(&format!("<p>{p}</p>"));
    }
    for (h, items) in [
        (
            "Most Viewed Stories",
            [
                "Library opening hours to change",
                "School fete raises record sum",
            ],
        ),
        (
            "Latest News",
            ["Bus route to be restored", "Pond cleared by volunteers"],
        ),
    ] {
        body.push_str(&format!("<h3>{h}</h3>"));
        for it in items {
            body.push_str(&format!("<div><a href=\"/n/{}\">{it}</a></div>", it.len()));
        }
    }
    body.push_str(
        "<p>The Parish Pump is the official newsletter of the parish council. The Parish Pump, the pump logo, Village Voice, Hall Notes and Harvest Supper name and logo are registered trademarks of the council, and Fete Day, Roof Fund and Green Common are trademarks of the council. All logos and marks depicted herein are the property of the council and may not be reproduced without prior written consent. © Parish Council 2024. All Rights Reserved. The Pump word mark is a registered trademark of Pump Makers Ltd.</p></div></div>",
    );
    let a = extract(&page("Village hall roof to be fixed", &body), None).expect("extracts");
    assert_clean_format(&a.text);
    assert_eq!(paragraphs(&a.text), PARISH_STORY, "{}", a.text);
}
