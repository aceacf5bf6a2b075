//! Arbitrary bytes as an HTML page: decoding plus extraction plus the whole brief must
//! never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = newsbrief::fetch::decode_html(data, None);
    let engine = engine();
    let _ = engine.brief_html(&html, Some("https://example.com/a"), &newsbrief::BriefOptions::default());
});

fn engine() -> &'static newsbrief::Engine {
    static E: std::sync::OnceLock<newsbrief::Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| newsbrief::Engine::new(&newsbrief::Settings::default()).expect("engine"))
}
