//! Issue 15, item 8: hooks that exist only for tests (making a brief panic on purpose) are
//! compiled only with the `test-hooks` cargo feature, which a release build never has, and no
//! public setting (command-line flag, environment variable) reaches them.
//!
//! The integration tests are themselves built *with* the feature (the self dev-dependency), so
//! the binary and library seen here have the hooks compiled in: a flag or variable wired to a
//! hook shows up here even if it is gated by the feature. What a test build cannot see (the
//! hook surviving in a build without the feature) is checked on the manifest and the source.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use newsbrief::bot::BotConfig;

/// The name of the feature that holds the hooks.
const FEATURE: &str = "test-hooks";

/// The hooks known today (fields of `CacheConfig`). The source test also finds any other
/// field gated by the feature, so a new hook is covered without editing this list.
const KNOWN_HOOKS: &[&str] = &[
    "panic_on_url_containing",
    "panic_in_fetch_on_url_containing",
];

fn manifest() -> toml::Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    std::fs::read_to_string(&path)
        .expect("Cargo.toml")
        .parse()
        .expect("Cargo.toml parses")
}

/// The strings of a manifest array (none if `value` is missing or not an array).
fn strings(value: Option<&toml::Value>) -> Vec<&str> {
    value
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .collect()
}

/// The feature names a feature list entry switches on in this package (`"x"`, and
/// `"newsbrief/x"` / `"newsbrief?/x"` for the package itself); `dep:` entries and other
/// packages' features are none of ours.
fn own_feature(entry: &str) -> Option<&str> {
    match entry.split_once('/') {
        None if !entry.starts_with("dep:") => Some(entry),
        Some((pkg, feature)) if pkg.trim_end_matches('?') == "newsbrief" => Some(feature),
        _ => None,
    }
}

/// The features switched on by `start`, through the `[features]` table.
fn closure(features: &toml::Table, start: &[&str]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = start.iter().map(ToString::to_string).collect();
    while let Some(f) = todo.pop() {
        if !seen.insert(f.clone()) {
            continue;
        }
        for entry in strings(features.get(&f)) {
            if let Some(next) = own_feature(entry) {
                todo.push(next.to_string());
            }
        }
    }
    seen
}

/// Every dependency table of the manifest that a non-test build uses, by its name.
fn build_dependency_tables(m: &toml::Table) -> Vec<(String, &toml::Table)> {
    let mut tables = Vec::new();
    for key in ["dependencies", "build-dependencies"] {
        if let Some(t) = m.get(key).and_then(toml::Value::as_table) {
            tables.push((key.to_string(), t));
        }
    }
    for (target, spec) in m
        .get("target")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flatten()
    {
        for key in ["dependencies", "build-dependencies"] {
            if let Some(t) = spec.get(key).and_then(toml::Value::as_table) {
                tables.push((format!("target.{target}.{key}"), t));
            }
        }
    }
    tables
}

#[test]
fn a_release_build_never_has_the_test_hooks_feature() {
    let m = manifest();
    let features = m
        .get("features")
        .and_then(toml::Value::as_table)
        .expect("[features]");
    assert!(
        features.contains_key(FEATURE),
        "the hooks' feature `{FEATURE}` is declared"
    );

    // Not on by default, directly or through another feature.
    let default = strings(features.get("default"));
    let on = closure(features, &default);
    assert!(
        !on.contains(FEATURE),
        "default features {default:?} switch on `{FEATURE}`"
    );
    // No other feature pulls it in (`--features train` is a real build too).
    for name in features.keys().filter(|k| *k != FEATURE) {
        assert!(
            !closure(features, &[name]).contains(FEATURE),
            "feature `{name}` switches on `{FEATURE}`"
        );
    }

    // The package never depends on itself outside the dev-dependencies (that is how a feature
    // of its own would reach every build).
    for (table, deps) in build_dependency_tables(&m) {
        assert!(
            !deps.contains_key("newsbrief"),
            "[{table}] has the package itself: only [dev-dependencies] may switch on `{FEATURE}`"
        );
    }

    // No binary, example or bench that a release build makes needs it.
    for kind in ["bin", "example", "bench"] {
        for target in m
            .get(kind)
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
        {
            let required = strings(target.get("required-features"));
            assert!(
                !closure(features, &required).contains(FEATURE),
                "[[{kind}]] {:?} requires `{FEATURE}`",
                target.get("name")
            );
        }
    }

    // And the tests do get the hooks (else the crash tests of tests/bot.rs test nothing).
    let dev = m
        .get("dev-dependencies")
        .and_then(|d| d.get("newsbrief"))
        .and_then(|d| d.get("features"))
        .and_then(toml::Value::as_array)
        .expect("the self dev-dependency with features");
    assert!(dev.iter().any(|f| f.as_str() == Some(FEATURE)));
}

/// The help of the command and of each subcommand, lower-cased.
fn all_help() -> BTreeMap<String, String> {
    let bin = env!("CARGO_BIN_EXE_newsbrief");
    let mut out = BTreeMap::new();
    let top = help(bin, &[]);
    // The subcommands, as the help lists them (so a new one is covered too).
    let subcommands: Vec<String> = top
        .split("commands:")
        .nth(1)
        .expect("a Commands section")
        .split("options:")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| *w != "help")
        .map(ToString::to_string)
        .collect();
    assert!(
        subcommands.iter().any(|s| s == "bot") && subcommands.iter().any(|s| s == "summarize"),
        "subcommands found: {subcommands:?}"
    );
    out.insert("newsbrief --help".to_string(), top);
    for sub in subcommands {
        let text = help(bin, &[&sub]);
        out.insert(format!("newsbrief {sub} --help"), text);
    }
    out
}

fn help(bin: &str, args: &[&str]) -> String {
    let output = Command::new(bin)
        .args(args)
        .arg("--help")
        .env_clear()
        .output()
        .expect("run newsbrief --help");
    assert!(output.status.success(), "{args:?} --help fails");
    String::from_utf8(output.stdout).unwrap().to_lowercase()
}

#[test]
fn no_flag_or_variable_in_the_help_names_a_hook() {
    // This binary is built with the hooks, so a flag gated by the feature shows here too.
    let words: Vec<String> = KNOWN_HOOKS
        .iter()
        .flat_map(|h| [h.to_string(), h.replace('_', "-")])
        .chain(["panic", "hook", "crash"].map(String::from))
        .collect();
    for (what, text) in all_help() {
        for w in &words {
            assert!(
                !text.contains(w.as_str()),
                "`{what}` mentions `{w}`:\n{text}"
            );
        }
    }
}

/// A marker that no real setting takes as valid except free text.
const MARKER: &str = "/crash-here";

fn hooks_set(c: &BotConfig) -> Vec<&'static str> {
    let mut set = Vec::new();
    if c.cache.panic_on_url_containing.is_some() {
        set.push("panic_on_url_containing");
    }
    if c.cache.panic_in_fetch_on_url_containing.is_some() {
        set.push("panic_in_fetch_on_url_containing");
    }
    set
}

#[test]
fn no_environment_variable_reaches_a_hook() {
    // Every variable the bot reads, found by asking it (also those it reads only when another
    // one is set: repeated until no new name comes up), each set alone to free text.
    let token = "MTAxNDU.hooks-test.NotARealSecretAtAll";
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut tried: BTreeSet<String> = BTreeSet::new();
    let mut todo = vec![None::<String>];
    while let Some(set) = todo.pop() {
        let asked = std::cell::RefCell::new(Vec::<String>::new());
        let result = BotConfig::from_lookup(|name| {
            asked.borrow_mut().push(name.to_string());
            match name {
                "DISCORD_TOKEN" => Some(token.to_string()),
                n if Some(n) == set.as_deref() => Some(MARKER.to_string()),
                _ => None,
            }
        });
        if let Ok(c) = &result {
            assert!(
                hooks_set(c).is_empty(),
                "{set:?}={MARKER} sets the test hooks {:?}",
                hooks_set(c)
            );
        }
        for n in asked.into_inner() {
            if n != "DISCORD_TOKEN" && tried.insert(n.clone()) {
                todo.push(Some(n.clone()));
            }
            names.insert(n);
        }
    }
    assert!(
        names.len() > 20 && names.contains("NEWSBRIEF_CACHE_BYTES"),
        "the bot's variables were found: {names:?}"
    );
    for n in &names {
        let upper = n.to_uppercase();
        assert!(
            !["PANIC", "HOOK", "CRASH"].iter().any(|w| upper.contains(w)),
            "the bot reads `{n}`"
        );
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether `line` is an attribute or a doc comment (part of the item below it).
fn is_attribute(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("#[") || t.starts_with("///") || t.starts_with("//!")
}

fn gates(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("#[cfg(") && t.contains(&format!("feature = \"{FEATURE}\""))
}

/// The field names in `src` declared right under a `test-hooks` gate.
fn gated_fields(lines: &[&str]) -> Vec<String> {
    let field = regex::Regex::new(r"^\s*pub\s+([a-z_][a-z0-9_]*)\s*:").unwrap();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(c) = field.captures(line) {
            if lines[..i]
                .iter()
                .rev()
                .take_while(|l| is_attribute(l))
                .any(|l| gates(l))
            {
                found.push(c[1].to_string());
            }
        }
    }
    found
}

#[test]
fn every_use_of_a_hook_in_the_source_is_gated_by_the_feature() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|p| {
            let t = std::fs::read_to_string(&p).unwrap();
            (p, t)
        })
        .collect();

    let mut hooks: BTreeSet<String> = KNOWN_HOOKS.iter().map(ToString::to_string).collect();
    for (_, text) in &texts {
        hooks.extend(gated_fields(&text.lines().collect::<Vec<_>>()));
    }

    let mut declared = BTreeSet::new();
    let mut ungated = Vec::new();
    for hook in &hooks {
        // Code that names the field: a declaration or initialiser (`name:`) or an access
        // (`.name`); comments and messages that merely mention it do not count.
        let code = regex::Regex::new(&format!(r"(\.{hook}\b|\b{hook}\s*:)")).unwrap();
        for (path, text) in &texts {
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let before_comment = line.split("//").next().unwrap();
                if !code.is_match(before_comment) {
                    continue;
                }
                if regex::Regex::new(&format!(r"^\s*pub\s+{hook}\s*:"))
                    .unwrap()
                    .is_match(line)
                {
                    declared.insert(hook.clone());
                }
                let gated = lines[..i]
                    .iter()
                    .rev()
                    .take_while(|l| is_attribute(l))
                    .any(|l| gates(l));
                if !gated {
                    ungated.push(format!(
                        "{}:{}: {}",
                        path.strip_prefix(&src).unwrap().display(),
                        i + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        ungated.is_empty(),
        "test hooks used without `#[cfg(any(test, feature = \"{FEATURE}\"))]` right above \
         (they would be in the release build):\n{}",
        ungated.join("\n")
    );
    // The known hooks still exist under these names (a rename must update this test).
    for hook in KNOWN_HOOKS {
        assert!(
            declared.contains(*hook),
            "hook `{hook}` is not declared in src/"
        );
    }
}
