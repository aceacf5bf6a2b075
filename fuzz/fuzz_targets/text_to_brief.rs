//! Arbitrary text through the pure analysis passes: never a panic, summary and evidence
//! verbatim slices of the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, u8)| {
    let (title, text, n) = input;
    let engine = engine();
    let opts = newsbrief::BriefOptions { sentences: Some(usize::from(n % 8) + 1) };
    if let Ok(b) = engine.brief_text(text, Some(title), None, &opts) {
        for s in &b.summary {
            assert!(b.text.contains(s.as_str()));
        }
        for s in &b.status {
            assert!(b.text.contains(s.evidence.as_str()));
        }
    }
});

fn engine() -> &'static newsbrief::Engine {
    static E: std::sync::OnceLock<newsbrief::Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| newsbrief::Engine::new(&newsbrief::Settings::default()).expect("engine"))
}
