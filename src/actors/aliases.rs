//! Candidates: the mentions that name one actor, merged, and how each is shown.
//!
//! For grouping mentions by a comparison key ([`key_of`]: lower case, no dots, "Justice
//! Department" read as "department of justice", legal-form suffixes dropped), then merging
//! aliases into the one candidate they stand for ([`merge_aliases`]: acronyms, surnames,
//! short later mentions), and for a candidate's display name and kind ([`actor_of`]). Not
//! for finding mentions (see `mentions`) or ranking and filtering candidates (see `rank`).

use foldhash::{HashMap, HashMapExt};

use super::mentions::Mention;
use super::rules::ActorRules;
use crate::brief::{Actor, ActorKind};

/// Legal-form suffixes that do not tell companies apart ("Acme Inc" is "Acme"); compared
/// lower-case, without dots.
pub const CORPORATE_SUFFIXES: &[&str] = &[
    "inc",
    "corp",
    "corporation",
    "co",
    "ltd",
    "llc",
    "plc",
    "limited",
    "incorporated",
    "ag",
    "nv",
    "gmbh",
];

/// A candidate actor: its mentions merged.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    /// Surface forms and how often each was used.
    pub(super) forms: Vec<(String, u32)>,
    /// The fullest name words seen.
    pub(super) words: Vec<String>,
    pub(super) country: Option<String>,
    pub(super) person: bool,
    pub(super) mentions: u32,
    pub(super) first: usize,
    pub(super) lead: bool,
    pub(super) subject: u32,
    pub(super) role: u32,
    pub(super) title: bool,
    /// Every mention so far is a location ("in Mubende").
    pub(super) locative: bool,
}

fn join(words: &[String]) -> String {
    words.join(" ")
}

/// A comparison key: lower case, no dots, "the" dropped, "Justice Department" reordered to
/// "department of justice".
pub(super) fn key_of(words: &[String], rules: &ActorRules) -> String {
    let mut key = key_with_suffix(words, rules);
    // RULE_ALIASES: "Acme Inc", "Acme Corp." and "Acme" are one company.
    while let Some((head, last)) = key.rsplit_once(' ') {
        if !CORPORATE_SUFFIXES.contains(&last) && last != "&" {
            break;
        }
        key.truncate(head.len());
    }
    key
}

/// [`key_of`] before corporate suffixes are dropped.
fn key_with_suffix(words: &[String], rules: &ActorRules) -> String {
    // The words joined, lower-cased and without dots. Words hold no spaces, so lower-casing
    // each one is lower-casing them joined.
    let mut text = String::with_capacity(words.iter().map(|w| w.len() + 1).sum());
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        if w.is_ascii() {
            text.extend(
                w.chars()
                    .filter(|c| *c != '.')
                    .map(|c| c.to_ascii_lowercase()),
            );
        } else {
            text.extend(w.to_lowercase().chars().filter(|c| *c != '.'));
        }
    }
    let mut w = text.split(' ').filter(|x| !x.is_empty());
    let mut first = w.next();
    if first == Some("the") {
        first = w.next();
    }
    let Some(first) = first else {
        return String::new();
    };
    let (second, third) = (w.next(), w.next());
    if let (Some(second), None) = (second, third) {
        if rules.reorderable_heads.contains(second) {
            return format!("{second} of {first}");
        }
    }
    // Most keys are the text as it is: no leading "the", no empty words.
    if std::ptr::eq(first.as_ptr(), text.as_ptr()) && !text.ends_with(' ') && !text.contains("  ") {
        return text;
    }
    let mut key = String::with_capacity(text.len());
    key.push_str(first);
    for x in second.into_iter().chain(third).chain(w) {
        key.push(' ');
        key.push_str(x);
    }
    key
}

/// Whether `acronym` (two bytes or more) is the initials of the name `key`, with or without
/// function words ("doj", "dj" for "department of justice"), compared as they are read.
fn is_initials_of(acronym: &str, key: &str) -> bool {
    let firsts = |skip: fn(&str) -> bool| {
        key.split(' ')
            .filter(move |w| !w.is_empty() && !skip(w))
            .filter_map(|w| w.chars().next())
    };
    acronym.len() >= 2
        && (firsts(|w| matches!(w, "of" | "the" | "and" | "for" | "&")).eq(acronym.chars())
            || firsts(|w| w == "the").eq(acronym.chars()))
}

fn add_form(forms: &mut Vec<(String, u32)>, form: String, n: u32) {
    if let Some(f) = forms.iter_mut().find(|f| f.0 == form) {
        f.1 += n;
    } else {
        forms.push((form, n));
    }
}

/// Whether `s` is `words` joined by single spaces (without joining them).
fn is_joined(mut s: &str, words: &[String]) -> bool {
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            let Some(rest) = s.strip_prefix(' ') else {
                return false;
            };
            s = rest;
        }
        let Some(rest) = s.strip_prefix(w.as_str()) else {
            return false;
        };
        s = rest;
    }
    s.is_empty()
}

/// Groups mentions by key (countries by country).
pub(super) fn group(mentions: Vec<Mention>, rules: &ActorRules) -> Vec<Candidate> {
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Candidate> = Vec::new();
    for m in mentions {
        let key = match &m.country {
            Some(c) => format!("country:{c}"),
            None => key_of(&m.words, rules),
        };
        if key.is_empty() {
            continue;
        }
        let idx = *by_key.entry(key).or_insert_with(|| {
            out.push(Candidate {
                forms: Vec::new(),
                // Set from the mention's words below.
                words: Vec::new(),
                country: m.country.clone(),
                person: false,
                mentions: 0,
                first: m.order,
                lead: false,
                subject: 0,
                role: 0,
                title: false,
                locative: true,
            });
            out.len() - 1
        });
        let c = &mut out[idx];
        if let Some(f) = c.forms.iter_mut().find(|f| is_joined(&f.0, &m.words)) {
            f.1 += 1;
        } else {
            c.forms.push((join(&m.words), 1));
        }
        if m.words.len() > c.words.len() {
            c.words = m.words;
        }
        c.person |= m.kind == Some(ActorKind::Person);
        c.mentions += 1;
        c.lead |= m.lead;
        c.subject += u32::from(m.subject);
        c.role += u32::from(m.role);
        c.locative &= m.locative;
    }
    out
}

fn absorb(into: &mut Candidate, from: Candidate) {
    for (f, n) in from.forms {
        add_form(&mut into.forms, f, n);
    }
    if from.words.len() > into.words.len() {
        into.words = from.words;
    }
    into.person |= from.person;
    into.locative &= from.locative;
    into.mentions += from.mentions;
    into.first = into.first.min(from.first);
    into.lead |= from.lead;
    into.subject += from.subject;
    into.role += from.role;
}

/// [`RULE_ALIASES`]: merges acronyms into expansions and short mentions into the one longer
/// name they are the start or end of.
///
/// [`RULE_ALIASES`]: super::RULE_ALIASES
pub(super) fn merge_aliases(mut cands: Vec<Candidate>, rules: &ActorRules) -> Vec<Candidate> {
    // Each candidate's key_of(words), kept in step with `cands`.
    let mut keys: Vec<String> = cands.iter().map(|c| key_of(&c.words, rules)).collect();
    let mut i = 0;
    while i < cands.len() {
        let target = alias_target(&cands, &keys, i, rules);
        if let Some(t) = target {
            let from = cands.remove(i);
            let from_key = keys.remove(i);
            let t = if t > i { t - 1 } else { t };
            if from.words.len() > cands[t].words.len() {
                keys[t] = from_key; // absorb takes the longer words
            }
            let surname =
                from.words.len() == 1 && cands[t].words.last().is_some_and(|l| l == &from.words[0]);
            absorb(&mut cands[t], from);
            cands[t].person |= surname
                && cands[t].words.len() > 1
                && !cands[t].words.iter().any(|w| rules.is_org_word(w));
            // Stay at `i`: the next candidate moved into this slot.
        } else {
            i += 1;
        }
    }
    cands
}

/// The one candidate that candidate `i` is an alias of, if exactly one; `keys[j]` is the
/// [`key_of`] of `cands[j]`.
fn alias_target(
    cands: &[Candidate],
    keys: &[String],
    i: usize,
    rules: &ActorRules,
) -> Option<usize> {
    let c = &cands[i];
    if c.country.is_some() {
        return None;
    }
    let key = keys[i].as_str();
    let acronym = c.words.len() == 1
        && c.words[0]
            .chars()
            .filter(|x| x.is_alphabetic())
            .all(char::is_uppercase);
    let cwords: Vec<&str> = key.split(' ').collect();
    let n = cwords.len();
    let mut dwords: Vec<&str> = Vec::new();
    let mut found = None;
    for (j, d) in cands.iter().enumerate() {
        if j == i || d.country.is_some() || d.words.len() <= c.words.len() && !acronym {
            continue;
        }
        let dkey = keys[j].as_str();
        let is_acronym = acronym && d.words.len() >= 2 && {
            // "FDA" = "U.S. Food and Drug Administration": a leading country may be left out.
            let unqualified = dkey
                .split_once(' ')
                .filter(|(first, _)| rules.countries.contains_key(*first))
                .map(|(_, rest)| rest);
            std::iter::once(dkey)
                .chain(unqualified)
                .any(|k| is_initials_of(key, k))
        };
        dwords.clear();
        dwords.extend(dkey.split(' ').map(|w| {
            w.strip_prefix("al-")
                .or_else(|| w.strip_prefix("el-"))
                .unwrap_or(w)
        }));
        let partial = dwords.len() > n
            && (dwords[..n] == cwords[..] || dwords[dwords.len() - n..] == cwords[..])
            && !rules.generic.contains(key);
        if is_acronym || partial {
            if found.is_some() {
                return None; // more than one: ambiguous
            }
            found = Some(j);
        }
    }
    found
}

/// The display name: for a country the form used most, otherwise the fullest form.
fn display_name(c: &Candidate, rules: &ActorRules) -> String {
    if c.country.is_some() {
        // The government named after the country ("U.S. government") when the text uses
        // it at least as often as the plain name; else the plain name used most ("Russia");
        // a demonym form ("French authorities") only when the text has nothing else.
        let words_of = |f: &str| f.split(' ').map(str::to_string).collect::<Vec<_>>();
        let is_plain = |f: &str| {
            let w = words_of(f);
            let w: Vec<&str> = w.iter().map(String::as_str).collect();
            rules.country_of(&w).is_some()
        };
        let is_named_gov = |f: &str| {
            let w = words_of(f);
            let w: Vec<&str> = w.iter().map(String::as_str).collect();
            w.len() > 1 && rules.country_of(&w[..w.len() - 1]).is_some()
        };
        let pick = |keep: &dyn Fn(&str) -> bool| {
            let pool: Vec<&(String, u32)> = c.forms.iter().filter(|(f, _)| keep(f)).collect();
            let total: u32 = pool.iter().map(|f| f.1).sum();
            let best = pool
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.len().cmp(&a.0.len())))
                .map(|f| f.0.clone());
            (total, best)
        };
        let (named_n, named) = pick(&is_named_gov);
        let (plain_n, plain) = pick(&is_plain);
        let (_, any) = pick(&|_| true);
        let choice = if named_n > 0 && named_n >= plain_n {
            named
        } else {
            plain.or(any)
        };
        if let Some(f) = choice {
            return f;
        }
    }
    // "Sanofi-Aventis officials" is shown as "Sanofi-Aventis" when that form is used too.
    let n = c.words.len();
    if n > 1
        && rules
            .government_nouns
            .contains(&c.words[n - 1].to_lowercase())
    {
        let short = join(&c.words[..n - 1]);
        if c.forms.iter().any(|(f, _)| *f == short) {
            return short;
        }
    }
    join(&c.words)
}

fn kind_of(c: &Candidate, name: &str, rules: &ActorRules) -> ActorKind {
    let words: Vec<&str> = name.split(' ').collect();
    if c.country.is_some() {
        // A country that acts through its government ("U.S. officials") is an organisation.
        let acts = c.forms.iter().any(|(f, _)| {
            let w: Vec<&str> = f.split(' ').collect();
            rules.country_of(&w).is_none()
        });
        return if acts {
            ActorKind::Organization
        } else {
            ActorKind::Place
        };
    }
    if words.iter().any(|w| rules.is_org_word(w))
        || words.iter().all(|w| {
            w.chars()
                .filter(|x| x.is_alphabetic())
                .all(char::is_uppercase)
        })
    {
        return ActorKind::Organization;
    }
    if c.person {
        return ActorKind::Person;
    }
    if words.len() == 1 {
        ActorKind::Organization
    } else {
        ActorKind::Other
    }
}

pub(super) fn actor_of(c: &Candidate, rules: &ActorRules) -> Actor {
    let name = display_name(c, rules);
    Actor {
        kind: kind_of(c, &name, rules),
        name,
        mentions: c.mentions + u32::from(c.title),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_lower_case_drop_dots_and_the_and_reorder() {
        let r = ActorRules::builtin();
        let key = |w: &[&str]| key_of(&w.iter().map(|x| (*x).to_string()).collect::<Vec<_>>(), &r);
        assert_eq!(
            key(&["The", "Justice", "Department"]),
            "department of justice"
        );
        assert_eq!(key(&["U.S.", "Food", "and", "Drug"]), "us food and drug");
        assert_eq!(key(&["Société", "Générale"]), "société générale");
        assert_eq!(key(&["The", "..", "Acme"]), "acme");
        assert_eq!(key(&["The"]), "");
        assert!(is_joined("U.S. Navy", &["U.S.".into(), "Navy".into()]));
        assert!(!is_joined("U.S. Navy", &["U.S.".into()]));
    }

    #[test]
    fn acronym_initials() {
        assert!(is_initials_of("doj", "department of justice"));
        assert!(is_initials_of("dj", "department of justice"));
        assert!(is_initials_of("sec", "securities and exchange commission"));
        assert!(!is_initials_of("d", "department"));
        assert!(!is_initials_of("do", "department of justice"));
    }
}
