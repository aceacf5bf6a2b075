//! Mentions: every name-shaped run of the text, cleaned into the names it mentions.
//!
//! For reading the document once, sentence by sentence ([`lines`]), learning what the whole
//! text says about its words ([`doc_context`]: which it writes in lower case, which it
//! capitalises mid-sentence), and turning each run that `names` finds into mentions:
//! split at "and" ([`split_and`]), titles stripped ([`strip_title`]), generic words,
//! adjectives and demonyms dropped, countries and places told apart, each mention marked
//! as lead, subject, next to a role verb or a location ([`collect_mentions`]). Not for
//! deciding which mentions are one actor (see `aliases`) or how actors rank (see `rank`).

use std::borrow::Cow;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::names::WordClass;
use super::names::{self, chains, skip_dateline, tokenize, Tok};
use super::rules::ActorRules;
use crate::brief::ActorKind;
use crate::text::Document;

/// Content sentences that make up the lead.
pub const LEAD_SENTENCES: usize = 2;
/// Most words a name may have; longer runs are headline-case phrases, not names.
pub const MAX_NAME_WORDS: usize = 7;
/// Sentences with fewer words than this are bylines, captions or subheads.
pub const MIN_CONTENT_WORDS: usize = 5;

/// Titles that also end names ([`RULE_TITLES`]): last after name words, they are a surname
/// ("Stephen King") or the end of an organisation's name ("Amnesty International"), not a
/// role.
///
/// [`RULE_TITLES`]: super::RULE_TITLES
pub const NAME_FINAL_TITLES: &[&str] = &["king", "international"];

/// A name found in one run, before it becomes a [`Mention`].
#[derive(Debug, Clone)]
struct NameHit {
    words: Vec<String>,
    country: Option<String>,
    kind: Option<ActorKind>,
    /// Index of its first word in the sentence.
    start: usize,
    /// One of `words` is an organisation word ([`ActorRules::is_org_word`]).
    org: bool,
}

/// One mention of a candidate actor.
#[derive(Debug, Clone)]
pub(super) struct Mention {
    /// Name words as written (title and leading function words removed).
    pub(super) words: Vec<String>,
    /// The country this names or acts for ("French authorities" -> France).
    pub(super) country: Option<String>,
    /// Kind known from the mention itself (a title before it makes a person).
    pub(super) kind: Option<ActorKind>,
    /// Part of the sentence's opening noun phrase: its subject.
    pub(super) subject: bool,
    /// Position in the document, for ties.
    pub(super) order: usize,
    pub(super) lead: bool,
    pub(super) role: bool,
    pub(super) locative: bool,
}

/// What the whole text says about its words, in lower case (borrowed from its tokens).
struct DocContext<'a> {
    /// Words the text writes in lower case somewhere (so not names on their own).
    lower_words: HashSet<&'a str>,
    /// Words the text capitalises somewhere other than a sentence start.
    mid_caps: HashSet<&'a str>,
    /// Capitalised words of a sentence-case headline (a headline-case one says nothing).
    title_caps: HashSet<&'a str>,
    /// Words that open two or more sentences (the headline counts): a common word that
    /// does so would show up in lower case too, so these are names ("Arsenal are ...").
    repeated_initials: HashSet<&'a str>,
}

/// One sentence of the document, read once and shared by [`doc_context`] and
/// [`collect_mentions`].
struct Line<'a> {
    /// The sentence as written.
    text: &'a str,
    /// The sentence with its ASCII letters lower-cased (same bytes otherwise).
    ascii_lower: Option<&'a str>,
    /// Its words, dateline included; empty when neither pass reads them.
    toks: Vec<Tok<'a>>,
    /// The first line, repeating the headline ([`RULE_HEADLINE`]).
    ///
    /// [`RULE_HEADLINE`]: super::RULE_HEADLINE
    headline: bool,
    /// Enough words and some lower case: not a byline, caption or subhead.
    content: bool,
    /// A wire credit ("— Reuters", "(AP)"): names the source outlet.
    credit: bool,
    /// Byte offset where the sentence proper starts, past a dateline ([`skip_dateline`]).
    from: usize,
}

/// Classifies every sentence of `doc` and tokenizes, once, those that are read.
/// `ascii_lower` is the document text with its ASCII letters lower-cased.
fn lines<'a>(doc: &'a Document, ascii_lower: &'a str, title: &str) -> Vec<Line<'a>> {
    (0..doc.sentences.len())
        .map(|i| {
            let text = doc.sentence(i);
            let lower = ascii_lower.get(doc.sentences[i].range.clone());
            let headline = i == 0 && same_words(title, text);
            let content = is_content(text);
            let credit = text.starts_with(['—', '–', '-', '(']) && !content;
            let read = credit || (content && !headline);
            Line {
                from: if read { skip_dateline(text) } else { 0 },
                text,
                ascii_lower: lower,
                toks: if read {
                    tokenize(text, lower)
                } else {
                    Vec::new()
                },
                headline,
                content,
                credit,
            }
        })
        .collect()
}

fn doc_context<'a>(lines: &'a [Line<'_>], title_toks: &'a [Tok<'_>]) -> DocContext<'a> {
    // Sized for every word up front, so the sets never grow while filling.
    let words: usize = lines.iter().map(|l| l.toks.len()).sum();
    let mut lower_words = HashSet::with_capacity(words);
    let mut mid_caps = HashSet::with_capacity(words);
    let mut initials: HashMap<&str, u32> = HashMap::new();
    if let Some(first) = title_toks.first().filter(|t| t.is_cap()) {
        *initials.entry(first.lower()).or_default() += 1;
    }
    for line in lines {
        if line.credit {
            // A wire credit ("— Reuters") holds nothing but a name.
            mid_caps.extend(line.toks.iter().filter(|t| t.is_cap()).map(Tok::lower));
            continue;
        }
        if line.headline || !line.content {
            continue; // headline case and bylines say nothing about names
        }
        // Words of a dateline say nothing; the first word after it opens the sentence.
        let skip = if line.from == 0 {
            0
        } else {
            let start = line.text.as_ptr() as usize + line.from;
            line.toks
                .iter()
                .position(|t| t.text.as_ptr() as usize >= start)
                .unwrap_or(line.toks.len())
        };
        for (j, t) in line.toks.iter().enumerate().skip(skip) {
            let j = j - skip;
            if t.is_cap() {
                if j > 0 {
                    mid_caps.insert(t.lower());
                } else {
                    *initials.entry(t.lower()).or_default() += 1;
                }
            } else {
                lower_words.insert(t.lower());
            }
        }
    }
    // A headline in sentence case capitalises names only; in headline case, every word.
    let capitalised = title_toks.iter().skip(1).filter(|t| t.is_cap()).count();
    let sentence_case = capitalised * 2 < title_toks.len().saturating_sub(1);
    let title_caps = if sentence_case {
        title_toks
            .iter()
            .skip(1)
            .filter(|t| t.is_cap())
            .map(Tok::lower)
            .collect()
    } else {
        HashSet::new()
    };
    DocContext {
        lower_words,
        mid_caps,
        title_caps,
        repeated_initials: initials
            .into_iter()
            .filter(|(_, n)| *n >= 2)
            .map(|(w, _)| w)
            .collect(),
    }
}

/// Enough words and some lower case: not a byline, caption or subhead.
fn is_content(s: &str) -> bool {
    crate::text::tokens::words(s)
        .nth(MIN_CONTENT_WORDS - 1)
        .is_some()
        && s.split_whitespace()
            .any(|w| w.chars().next().is_some_and(char::is_lowercase))
}

fn same_words(a: &str, b: &str) -> bool {
    // Lower-cased word by word, up to the first difference.
    let norm = |s| crate::text::tokens::words(s).map(names::lowercase);
    norm(a).eq(norm(b))
}

/// [`RULE_AND_SPLITS`]: splits a run at "and" unless it ends in an organisation word.
///
/// [`RULE_AND_SPLITS`]: super::RULE_AND_SPLITS
fn split_and<'a, 't>(run: &'a [Tok<'t>], rules: &ActorRules) -> Vec<&'a [Tok<'t>]> {
    let ends_org = run.last().is_some_and(|t| rules.is_org(t));
    let no_title = !run.iter().any(|t| rules.is_title(t));
    // "China Telecom and China Mobile": the part before "and" is a whole name already.
    let first_whole = run.iter().position(|t| t.text == "and").is_some_and(|i| {
        let before = &run[..i];
        let named = before
            .iter()
            .filter(|t| !rules.is(t, WordClass::STOP))
            .count();
        named >= 2 && before.last().is_some_and(|t| rules.is_org(t))
    });
    if ends_org && no_title && !first_whole {
        return vec![run];
    }
    // RULE_WHOLE_AGENCY: "Ministry of Trade, Industry and Energy" (a comma list inside the
    // name) and "Centers for Disease Control and Prevention" (an organisation word, a
    // particle, and one word after "and") are one name.
    let comma_list = run.iter().skip(1).any(|t| t.comma);
    let org_particle =
        run.len() > 2 && rules.is_org(&run[0]) && matches!(run[1].lower(), "of" | "for" | "on");
    let one_after_and = run.len() >= 2
        && run[run.len() - 2].text == "and"
        && !rules.is(
            &run[run.len() - 1],
            WordClass::COUNTRY
                .with(WordClass::PLACE)
                .with(WordClass::DEMONYM),
        )
        && !run[run.len() - 1].is_all_caps()
        && run.iter().filter(|t| t.text == "and").count() == 1;
    if no_title && (comma_list || (org_particle && one_after_and)) {
        return vec![run];
    }
    run.split(|t| t.text == "and")
        .filter(|p| !p.is_empty())
        .collect()
}

/// [`RULE_TITLES`]: the person after the last title, or the portfolio after "Title of".
///
/// [`RULE_TITLES`]: super::RULE_TITLES
fn strip_title<'a, 't>(part: &'a [Tok<'t>], rules: &ActorRules) -> Option<(&'a [Tok<'t>], bool)> {
    let Some(t) = part.iter().rposition(|x| rules.is_title(x)) else {
        return Some((part, false));
    };
    let rest = &part[t + 1..];
    if rest.is_empty() {
        // "Department of Justice": "Justice" is no title here; "the Minister" is a role.
        // "Stephen King", "Amnesty International": a title that also ends names, after
        // name words ("Saudi King" and "Prime Minister" stay roles).
        let name_final = t > 0
            && NAME_FINAL_TITLES.contains(&part[t].lower())
            && part[..t].iter().all(|x| {
                x.is_cap()
                    && !rules.is(
                        x,
                        WordClass::TITLE
                            .with(WordClass::DEMONYM)
                            .with(WordClass::COUNTRY)
                            .with(WordClass::GENERIC)
                            .with(WordClass::AFFILIATION),
                    )
            });
        return (name_final || part.iter().any(|x| rules.is_org(x))).then_some((part, false));
    }
    if rest.iter().any(|x| rules.is_org(x)) && rest[0].text != "of" {
        return Some((part, false)); // "Justice Department", "President Hotel Group"
    }
    if rest[0].text != "of" {
        // "Madison Police Chief Mike Koval": the organisation before the title is his.
        let n = rest.len();
        return Some((&rest[n.saturating_sub(3)..], true));
    }
    if part[..t].iter().any(|x| rules.is_org(x)) {
        return Some((part, false)); // "Bank Director of Operations": not a portfolio
    }

    let mut portfolio = &rest[1..];
    if portfolio.first().is_some_and(|x| x.text == "the") {
        portfolio = &portfolio[1..];
    }
    let words: Vec<&str> = portfolio.iter().map(|x| x.text).collect();
    let is_body =
        rules.country_of(&words).is_some() || portfolio.last().is_some_and(|x| rules.is_org(x));
    if is_body || portfolio.len() < 3 {
        // "Prime Minister of the United Kingdom": the country; "Minister of Health": a role.
        return is_body.then_some((portfolio, false));
    }
    // "Minister of Petroleum Resources Development Arjuna Ranatunga": the name ends the run.
    let n = portfolio.len();
    let take = if n >= 3 && portfolio[n - 2].text.chars().count() <= 2 {
        3
    } else {
        2
    };
    Some((&portfolio[n - take..], true))
}

impl ActorRules {
    /// Turns one name run into mentions (none, one, or several after splitting).
    fn mentions_of<'r>(
        &'r self,
        toks: &[Tok<'_>],
        run: std::ops::Range<usize>,
        ctx: &DocContext<'_>,
        role: bool,
    ) -> Vec<NameHit> {
        let next_tok = toks.get(run.end).filter(|t| !t.brk);
        let next = next_tok.map(Tok::lower);
        let next_is = |bits: WordClass| next_tok.is_some_and(|t| self.is(t, bits));
        let run_end = run.end;
        let run_start = run.start;
        let mut out = Vec::new();
        let base = run.start;
        let mut parts = Vec::new();
        for part in split_and(&toks[run], self) {
            // "Microsoft Corporation MSFT": a trailing ticker is a name of its own.
            match part.split_last() {
                Some((last, head))
                    if !head.is_empty()
                        && last.is_all_caps()
                        && !is_roman_numeral(last.text)
                        && !head.iter().any(Tok::is_all_caps)
                        && head.last().is_some_and(Tok::is_cap)
                        && head.iter().any(|t| !self.is(t, WordClass::STOP)) =>
                {
                    parts.push(head); // the ticker itself is no actor
                    let _ = last;
                }
                _ => parts.push(part),
            }
        }
        for part in parts {
            // Offset of this part within the sentence, for the subject test.
            let offset = part
                .first()
                .and_then(|f| toks.iter().position(|t| std::ptr::eq(t, f)))
                .unwrap_or(base);
            // RULE_SENTENCE_INITIAL and RULE_GENERIC on leading words.
            let mut p = part;
            let mut skip = 0;
            while let Some(first) = p.first() {
                let l = first.lower();
                let initial = offset == 0; // the run opens the sentence
                                           // A lone word right before "officials", "prosecutors" names who acts.
                let acts = p.len() == 1 && next_is(WordClass::GOVERNMENT_NOUN);
                let class = self.class(first);
                let known = class.has(
                    WordClass::TITLE
                        .with(WordClass::DEMONYM)
                        .with(WordClass::COUNTRY),
                ) || acts;
                // Only a lone word at the sentence start is suspect: in a longer run the
                // capital belongs to the name ("Ministry of Health", "Western Digital").
                let lone_initial = initial && p.len() == 1;
                // ... unless the text writes the word in lower case and never capitalises
                // it inside a sentence ("Getting Acme to pay").
                let lower_initial = initial
                    && p.len() > 1
                    && skip == 0
                    && ctx.lower_words.contains(l)
                    && !ctx.mid_caps.contains(l)
                    && !ctx.title_caps.contains(l);
                let common = class.has(
                    WordClass::STOP
                        .with(WordClass::LEADING)
                        .with(WordClass::ADJECTIVE),
                ) || lower_initial
                    || (lone_initial
                        && (ctx.lower_words.contains(l)
                            || (!ctx.mid_caps.contains(l)
                                && !ctx.title_caps.contains(l)
                                && !ctx.repeated_initials.contains(l)
                                && !first.is_all_caps())));
                if common && !known {
                    p = &p[1..];
                    skip += 1;
                } else {
                    break;
                }
            }
            // "Shares of Acme", "Fans of Chelsea": a generic noun and "of" before a name.
            if p.len() > 2
                && p[1].text == "of"
                && self.is(&p[0], WordClass::GENERIC)
                && !self.is_org(&p[0])
                && !self.is_title(&p[0])
            {
                p = &p[2..];
                skip += 2;
            }
            // "Nineteen-year-old Tom Reed", "San Francisco-based Acme": what comes up to an
            // adjective describes the name after it.
            if let Some(a) = p[..p.len().saturating_sub(1)]
                .iter()
                .rposition(|t| self.is(t, WordClass::ADJECTIVE))
            {
                p = &p[a + 1..];
                skip += a + 1;
            }
            // "Republican Phil Bryant", "American Ted Ligety": an affiliation or demonym
            // before a person's two- or three-word name describes the person.
            let describes =
                |t: &Tok<'_>| self.is(t, WordClass::DEMONYM.with(WordClass::AFFILIATION));
            if (3..=4).contains(&p.len())
                && describes(&p[0])
                && !p.iter().any(|t| self.is_org(t) || self.is_title(t))
                && !p[1..].iter().any(|t| {
                    t.is_all_caps()
                        || self.is(
                            t,
                            WordClass::DEMONYM
                                .with(WordClass::COUNTRY)
                                .with(WordClass::PLACE)
                                .with(WordClass::PARTICLE)
                                .with(WordClass::GENERIC),
                        )
                })
            {
                p = &p[1..];
                skip += 1;
            }
            if p.is_empty() || p.len() > MAX_NAME_WORDS {
                continue;
            }
            // A demonym before a title ("Ukrainian President X") describes the person.
            let Some((name, titled)) = strip_title(p, self) else {
                continue;
            };
            let single = name.len() == 1;
            let first_class = name.first().map_or(WordClass::default(), |t| self.class(t));
            // The name in lower case, for the lists with multi-word entries. One word is
            // answered by its class; a longer name is in none of them unless its first word
            // starts a multi-word entry.
            let joined: Option<String> =
                (!single && first_class.has(WordClass::MULTI_FIRST)).then(|| {
                    let mut l = String::new();
                    for (i, t) in name.iter().enumerate() {
                        if i > 0 {
                            l.push(' ');
                        }
                        l.push_str(t.lower());
                    }
                    l
                });
            let listed = |bit: WordClass, set: &HashSet<String>| {
                if single {
                    first_class.has(bit)
                } else {
                    joined.as_deref().is_some_and(|l| set.contains(l))
                }
            };
            let entry = |bit: WordClass, map: &'r HashMap<String, String>| {
                if single {
                    first_class
                        .has(bit)
                        .then(|| map.get(name[0].lower()))
                        .flatten()
                } else {
                    joined.as_deref().and_then(|l| map.get(l))
                }
            };
            // RULE_GENERIC: generic words, and names made only of organisation words
            // ("Company", "N.V.") or ending in an adjective suffix ("San Francisco-based").
            let adjective = name.last().is_some_and(|t| {
                let l = t.lower();
                let class = self.class(t);
                class.has(WordClass::ADJECTIVE)
                    || (!single && class.has(WordClass::DEMONYM))
                    || (l.contains('-') && self.demonyms.contains_key(&l.replace('-', " ")))
            }) || name
                .iter()
                .any(|t| t.text.chars().any(|c| c.is_ascii_digit()));
            // "Ugandans", "Americans": people of a country, not an actor.
            let people = single
                && name[0]
                    .lower()
                    .strip_suffix('s')
                    .is_some_and(|x| self.demonyms.contains_key(x));
            let object = name
                .last()
                .is_some_and(|t| self.is(t, WordClass::NON_ACTOR_HEAD));
            if listed(WordClass::GENERIC, &self.generic)
                || adjective
                || object
                || people
                || (single && self.is_org(&name[0]))
                || name.iter().all(|t| self.is(t, WordClass::STOP))
            {
                continue;
            }
            let acting = next_is(WordClass::GOVERNMENT_NOUN);
            let has_org_word = name.iter().any(|t| self.is_org(t));
            // Whether the name with the next word added holds an organisation word.
            let org_with_next = has_org_word || next_is(WordClass::ORG);
            // A comma list inside the name keeps its commas ("Ministry of Trade, Industry").
            let mut owned: Vec<String> = name
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if name.get(i + 1).is_some_and(|n| n.comma) {
                        format!("{},", t.text)
                    } else {
                        t.text.to_string()
                    }
                })
                .collect();
            // RULE_DEMONYM_ACTS
            if let Some(country) = entry(WordClass::DEMONYM, &self.demonyms) {
                if acting && !titled {
                    owned.push(next.unwrap_or_default().to_string());
                    out.push(NameHit {
                        words: owned,
                        country: Some(country.clone()),
                        kind: Some(ActorKind::Organization),
                        start: offset + skip,
                        org: org_with_next,
                    });
                }
                continue;
            }
            let descriptor = next_is(WordClass::NON_ACTOR_NOUN)
                || (name.last().is_some_and(|t| t.possessive)
                    && toks.get(run_end).is_some_and(Tok::is_cap));
            // RULE_LOCATIVE: a city or region is the setting unless it acts ("Paris
            // prosecutors", "Beijing said").
            if listed(WordClass::PLACE, &self.places) && !acting && !role {
                continue;
            }
            if let Some(country) = entry(WordClass::COUNTRY, &self.countries) {
                if descriptor {
                    continue; // "U.S. dollars", "South Africa's MTN": describes, does not act
                }
                let (kind, org) = if acting {
                    owned.push(next.unwrap_or_default().to_string());
                    (ActorKind::Organization, org_with_next)
                } else {
                    (ActorKind::Place, has_org_word)
                };
                out.push(NameHit {
                    words: owned,
                    country: Some(country.clone()),
                    kind: Some(kind),
                    start: offset + skip,
                    org,
                });
                continue;
            }
            // "striker Pablo Ruiz", "spokesman Majed Al-Ansari": a role noun before a name.
            let after_role_noun = run_start.checked_sub(1).is_some_and(|i| {
                !toks[run_start].brk
                    && !toks[i].is_cap()
                    && self.is(&toks[i], WordClass::TITLE_EXACT)
            });
            let person = titled || (after_role_noun && !has_org_word);
            let mut kind = person.then_some(ActorKind::Person);
            let mut org = has_org_word;
            if acting && !titled && !has_org_word {
                // "The Trump administration", "Paris prosecutors": the body that acts.
                owned.push(next.unwrap_or_default().to_string());
                kind = Some(ActorKind::Organization);
                org = org_with_next;
            }
            out.push(NameHit {
                words: owned,
                country: None,
                kind,
                start: offset + skip,
                org,
            });
        }
        out
    }

    /// Whether a role verb follows the run or a role preceder comes before it.
    fn has_role(&self, toks: &[Tok<'_>], run: &std::ops::Range<usize>) -> bool {
        let after = toks[run.end..]
            .iter()
            .find(|t| !self.is(t, WordClass::ROLE_SKIP));
        let before = toks[..run.start]
            .iter()
            .rev()
            .find(|t| !matches!(t.lower(), "the" | "a" | "an"));
        after.is_some_and(|t| self.is(t, WordClass::ROLE_VERB))
            || before.is_some_and(|t| self.is(t, WordClass::ROLE_PRECEDER))
    }
}

/// Collects every mention in the text, skipping the headline line and non-content lines,
/// and the words of the outlet credited at the story's opening ([`RULE_PUBLISHER`]), if any.
///
/// [`RULE_PUBLISHER`]: super::RULE_PUBLISHER
pub(super) fn collect_mentions(
    doc: &Document,
    rules: &ActorRules,
) -> (Vec<Mention>, Option<Vec<String>>) {
    let title = doc.title.as_deref().unwrap_or("");
    // Lower-cased once here, so that most words' lower-case forms are slices of it.
    let ascii_lower = doc.text.to_ascii_lowercase();
    let lines = lines(doc, &ascii_lower, title);
    let title_lower = title.to_ascii_lowercase();
    let title_toks = tokenize(title, Some(&title_lower));
    let ctx = doc_context(&lines, &title_toks);
    let mut out = Vec::new();
    let mut rank = 0;
    let mut order = 0;
    let mut publisher = None;
    for line in &lines {
        if line.headline || (!line.content && !line.credit) {
            continue; // RULE_HEADLINE; bylines, captions
        }
        let lead = rank < LEAD_SENTENCES;
        if rank == 0 {
            publisher = names::opening_credit(line.text)
                .map(|(_, credit)| credit.split_whitespace().map(str::to_string).collect());
        }
        rank += 1;
        let from = line.from;
        // Most sentences have no dateline; the others are read again without it.
        let toks: Cow<[Tok<'_>]> = if from == 0 {
            Cow::Borrowed(&line.toks)
        } else {
            let lower = line.ascii_lower.and_then(|l| l.get(from..));
            Cow::Owned(tokenize(&line.text[from..], lower))
        };
        let org_link = |before: &Tok<'_>, after: &Tok<'_>| {
            rules.is_org(before) && after.is_cap() && !rules.is(after, WordClass::GENERIC)
        };
        for run in chains(&toks, |t| rules.is(t, WordClass::PARTICLE), org_link) {
            let role = rules.has_role(&toks, &run);
            let after_place_noun = toks
                .get(run.end)
                .is_some_and(|t| !t.brk && rules.is(t, WordClass::PLACE_NOUN));
            // "in Berlin", "in the United States": the word before, articles skipped.
            let before = toks[..run.start]
                .iter()
                .rev()
                .find(|t| !matches!(t.lower(), "the" | "a" | "an"));
            let locative = after_place_noun
                || (!toks[run.start].brk
                    && before.is_some_and(|t| rules.is(t, WordClass::LOCATIVE)));
            for hit in rules.mentions_of(&toks, run.clone(), &ctx, role) {
                order += 1;
                let names_body = hit.org;
                // A subject: only names and list words come before it.
                let subject = toks[..hit.start.min(toks.len())]
                    .iter()
                    .all(|t| t.is_cap() || rules.is(t, WordClass::SUBJECT_LIST));
                out.push(Mention {
                    words: hit.words,
                    country: hit.country,
                    kind: hit.kind,
                    subject,
                    order,
                    lead,
                    role,
                    // "at the University of Hawaii" names a body, not a place.
                    locative: locative && !names_body,
                });
            }
        }
    }
    (out, publisher)
}

/// "II", "III", "IV": part of a name ("King Charles III"), not a ticker.
fn is_roman_numeral(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}
