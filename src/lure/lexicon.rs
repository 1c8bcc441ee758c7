//! Lexicons: lure phrases and patterns per language, kept as data
//! (`data/lexicons/<lang>.tsv`, embedded at build time, overridable from a directory).
//!
//! Each line is `family<TAB>kind<TAB>pattern<TAB>note`, where `kind` is `phrase` (a
//! literal, matched after normalisation, at word boundaries in scripts written with
//! spaces) or `regex`. All phrases of all languages are matched in one Aho–Corasick pass,
//! and all regexes in one alternation pass, so the result never depends on a language
//! guess. This module finds matches; deciding what they mean is the families' job.

use std::path::Path;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::Regex;

use super::Family;
use crate::error::{Error, Result};
use crate::normalise::normalise_str;
use crate::tokens::is_unspaced;

include!(concat!(env!("OUT_DIR"), "/lexicons.rs"));

/// How an entry's pattern is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternKind {
    /// A literal phrase.
    Phrase,
    /// A regular expression (Rust `regex` syntax) over normalised text.
    Regex,
}

/// One lexicon line.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LexiconEntry {
    /// The family the entry is evidence for.
    pub family: Family,
    /// Language code (the lexicon file's stem).
    pub lang: String,
    /// Phrase or regex.
    pub kind: PatternKind,
    /// The pattern as written in the file.
    pub pattern: String,
    /// What the entry catches, and where the phrasing comes from.
    pub note: String,
}

/// A lexicon match in normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexiconHit {
    /// Index of the entry in [`Lexicon::entries`].
    pub entry: u32,
    /// The entry's family.
    pub family: Family,
    /// Byte offset of the match in the normalised text.
    pub start: usize,
    /// Byte offset one past the match in the normalised text.
    pub end: usize,
}

/// All lexicons, compiled for matching.
#[derive(Debug)]
pub struct Lexicon {
    entries: Vec<LexiconEntry>,
    phrases: AhoCorasick,
    /// For each Aho–Corasick pattern: (entry index, check word boundaries).
    phrase_entries: Vec<(u32, bool)>,
    /// Every regex entry, for text with non-ASCII characters.
    regexes_all: Option<RegexPass>,
    /// The regex entries that can match pure-ASCII text (most adverts are).
    regexes_ascii: Option<RegexPass>,
}

/// Regex entries matched in one pass: an alternation finds where something matches, the
/// anchored entries tell which.
#[derive(Debug)]
struct RegexPass {
    any: Regex,
    entries: Vec<(u32, Regex)>,
}

impl RegexPass {
    fn build(entries: Vec<(u32, Regex, String)>) -> Result<Option<RegexPass>> {
        if entries.is_empty() {
            return Ok(None);
        }
        let alternation: Vec<String> = entries.iter().map(|(_, _, p)| format!("(?:{p})")).collect();
        let any = regex::RegexBuilder::new(&alternation.join("|"))
            .size_limit(64 << 20)
            .dfa_size_limit(64 << 20)
            .build()
            .map_err(|err| Error::Lexicon {
                file: "(all)".into(),
                line: 0,
                reason: err.to_string(),
            })?;
        Ok(Some(RegexPass {
            any,
            entries: entries.into_iter().map(|(i, re, _)| (i, re)).collect(),
        }))
    }
}

/// Whether a regex can only match text with non-ASCII characters: it has a non-ASCII
/// literal and, escapes (`\s`, `\d`, `\p{..}`) aside, no ASCII letter or digit. A
/// heuristic: the ASCII pass skips such patterns, and the tests check that EMSCAD's
/// (all-ASCII) adverts get the same hits either way.
fn needs_non_ascii(pattern: &str) -> bool {
    let mut rest = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            // `\p{Han}`-style classes are skipped whole; other escapes are one letter.
            if matches!(chars.next(), Some('p' | 'P')) && chars.next() == Some('{') {
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                }
            }
        } else {
            rest.push(c);
        }
    }
    !pattern.is_ascii() && !rest.chars().any(|c| c.is_ascii_alphanumeric())
}

static EMBEDDED: LazyLock<Lexicon> = LazyLock::new(|| {
    // The embedded lexicons are tested at build time (`tests` below), so failure here
    // would be a packaging bug, not an input error.
    Lexicon::from_sources(
        EMBEDDED_LEXICONS
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string())),
    )
    .unwrap_or_else(|e| panic!("embedded lexicons are invalid: {e}"))
});

impl Lexicon {
    /// The lexicons built into the binary.
    pub fn embedded() -> &'static Lexicon {
        &EMBEDDED
    }

    /// The embedded lexicons, with each `<lang>.tsv` in `dir` added (or replacing the
    /// embedded file of the same name), so an NGO can add a language without recompiling.
    pub fn with_overrides(dir: &Path) -> Result<Lexicon> {
        let io = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut sources: Vec<(String, String)> = EMBEDDED_LEXICONS
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let mut found = 0;
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_none_or(|x| x != "tsv") {
                continue;
            }
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            sources.retain(|(n, _)| *n != name);
            sources.push((name, text));
            found += 1;
        }
        if found == 0 {
            return Err(Error::Lexicon {
                file: dir.display().to_string(),
                line: 0,
                reason: "no .tsv lexicon files in this directory".into(),
            });
        }
        Lexicon::from_sources(sources)
    }

    /// Builds a lexicon from (file name, contents) pairs.
    pub fn from_sources(sources: impl IntoIterator<Item = (String, String)>) -> Result<Lexicon> {
        let mut entries = Vec::new();
        for (file, text) in sources {
            let lang = file.trim_end_matches(".tsv").to_string();
            parse_file(&file, &lang, &text, &mut entries)?;
        }
        Lexicon::compile(entries)
    }

    fn compile(entries: Vec<LexiconEntry>) -> Result<Lexicon> {
        let mut patterns = Vec::new();
        let mut phrase_entries = Vec::new();
        let mut regexes_all = Vec::new();
        let mut regexes_ascii = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let bad = |reason: String| Error::Lexicon {
                file: format!("{}.tsv", e.lang),
                line: 0,
                reason,
            };
            match e.kind {
                PatternKind::Phrase => {
                    let norm = normalise_str(&e.pattern);
                    if norm.is_empty() {
                        return Err(bad(format!(
                            "phrase {:?} is empty after normalisation",
                            e.pattern
                        )));
                    }
                    phrase_entries.push((i as u32, needs_word_boundaries(&norm)));
                    patterns.push(norm);
                }
                PatternKind::Regex => {
                    let anchored = Regex::new(&format!("^(?:{})", e.pattern))
                        .map_err(|err| bad(format!("regex {:?}: {err}", e.pattern)))?;
                    if !needs_non_ascii(&e.pattern) {
                        regexes_ascii.push((i as u32, anchored.clone(), e.pattern.clone()));
                    }
                    regexes_all.push((i as u32, anchored, e.pattern.clone()));
                }
            }
        }
        // A full DFA: the lexicons are a few thousand phrases, and the overlapping search
        // runs over every field of every advert, so memory buys speed here.
        let phrases = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|err| Error::Lexicon {
                file: "(all)".into(),
                line: 0,
                reason: err.to_string(),
            })?;
        Ok(Lexicon {
            entries,
            phrases,
            phrase_entries,
            regexes_all: RegexPass::build(regexes_all)?,
            regexes_ascii: RegexPass::build(regexes_ascii)?,
        })
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[LexiconEntry] {
        &self.entries
    }

    /// The entry behind a hit.
    pub fn entry(&self, hit: &LexiconHit) -> &LexiconEntry {
        &self.entries[hit.entry as usize]
    }

    /// Language codes present, sorted.
    pub fn languages(&self) -> Vec<&str> {
        let mut langs: Vec<&str> = self.entries.iter().map(|e| e.lang.as_str()).collect();
        langs.sort_unstable();
        langs.dedup();
        langs
    }

    /// Appends every match in `text` (normalised) to `out`. Lure hits that lie inside a
    /// legitimacy hit ("no placement fee") are dropped: the negation wins.
    pub fn find(&self, text: &str, out: &mut Vec<LexiconHit>) {
        let pass = if text.is_ascii() {
            &self.regexes_ascii
        } else {
            &self.regexes_all
        };
        self.find_with(text, pass, out);
    }

    /// [`Lexicon::find`] with every regex, even on ASCII text: for checking that the
    /// ASCII shortcut loses nothing.
    #[doc(hidden)]
    pub fn find_exhaustive(&self, text: &str, out: &mut Vec<LexiconHit>) {
        self.find_with(text, &self.regexes_all, out);
    }

    fn find_with(&self, text: &str, pass: &Option<RegexPass>, out: &mut Vec<LexiconHit>) {
        let first = out.len();
        for m in self.phrases.find_overlapping_iter(text) {
            let (entry, boundaries) = self.phrase_entries[m.pattern().as_usize()];
            if boundaries && !at_word_boundaries(text, m.start(), m.end()) {
                continue;
            }
            let family = self.entries[entry as usize].family;
            out.push(LexiconHit {
                entry,
                family,
                start: m.start(),
                end: m.end(),
            });
        }
        if let Some(pass) = pass {
            for m in pass.any.find_iter(text) {
                let slice = &text[m.start()..];
                for (entry, re) in &pass.entries {
                    if let Some(found) = re.find(slice) {
                        let end = m.start() + found.end();
                        if end > m.start() && at_word_boundaries(text, m.start(), end) {
                            let family = self.entries[*entry as usize].family;
                            out.push(LexiconHit {
                                entry: *entry,
                                family,
                                start: m.start(),
                                end,
                            });
                        }
                    }
                }
            }
        }
        drop_negated(out, first);
    }
}

/// Removes, from `out[first..]`, lure hits contained in a legitimacy hit.
fn drop_negated(out: &mut Vec<LexiconHit>, first: usize) {
    let legit: Vec<(usize, usize)> = out[first..]
        .iter()
        .filter(|h| h.family == Family::Legitimacy)
        .map(|h| (h.start, h.end))
        .collect();
    if legit.is_empty() {
        return;
    }
    let mut i = first;
    while i < out.len() {
        let h = out[i];
        if h.family != Family::Legitimacy && legit.iter().any(|&(s, e)| s <= h.start && h.end <= e)
        {
            out.remove(i);
        } else {
            i += 1;
        }
    }
}

fn parse_file(file: &str, lang: &str, text: &str, entries: &mut Vec<LexiconEntry>) -> Result<()> {
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let bad = |reason: String| Error::Lexicon {
            file: file.to_string(),
            line: n + 1,
            reason,
        };
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            return Err(bad(format!(
                "expected family<TAB>kind<TAB>pattern<TAB>note, got {} column(s)",
                cols.len()
            )));
        }
        let family = Family::from_id(cols[0].trim())
            .ok_or_else(|| bad(format!("unknown family {:?}", cols[0])))?;
        let kind = match cols[1].trim() {
            "phrase" => PatternKind::Phrase,
            "regex" => PatternKind::Regex,
            other => return Err(bad(format!("kind must be phrase or regex, not {other:?}"))),
        };
        let pattern = cols[2].trim();
        if pattern.is_empty() {
            return Err(bad("empty pattern".into()));
        }
        if kind == PatternKind::Regex {
            Regex::new(pattern).map_err(|e| bad(format!("bad regex: {e}")))?;
        }
        entries.push(LexiconEntry {
            family,
            lang: lang.to_string(),
            kind,
            pattern: pattern.to_string(),
            note: cols
                .get(3)
                .map(|s| s.trim().to_string())
                .unwrap_or_default(),
        });
    }
    Ok(())
}

fn needs_word_boundaries(pattern: &str) -> bool {
    pattern.chars().next().is_some_and(|c| !is_unspaced(c))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_unspaced(c)
}

/// Whether `text[start..end]` neither starts nor ends inside a word.
fn at_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let inner_first = text[start..end].chars().next();
    let inner_last = text[start..end].chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let joins = |outer: Option<char>, inner: Option<char>| match (outer, inner) {
        (Some(o), Some(i)) => is_word_char(o) && is_word_char(i),
        _ => false,
    };
    !joins(before, inner_first) && !joins(after, inner_last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(tsv: &str) -> Lexicon {
        Lexicon::from_sources([("xx.tsv".to_string(), tsv.to_string())]).expect("valid lexicon")
    }

    #[test]
    fn embedded_lexicons_compile() {
        assert!(!Lexicon::embedded().entries().is_empty());
    }

    #[test]
    fn phrases_respect_word_boundaries() {
        let l = lex("fees\tphrase\tfee\tx\n");
        let mut hits = Vec::new();
        l.find("a fee is due", &mut hits);
        assert_eq!(hits.len(), 1);
        hits.clear();
        l.find("coffee break", &mut hits);
        assert!(hits.is_empty());
    }

    #[test]
    fn unspaced_scripts_match_inside_runs() {
        let l = lex("pay\tphrase\t高薪\tx\n");
        let mut hits = Vec::new();
        l.find("诚聘高薪客服", &mut hits);
        assert_eq!(hits.len(), 1);
        assert_eq!(&"诚聘高薪客服"[hits[0].start..hits[0].end], "高薪");
    }

    #[test]
    fn negation_in_legitimacy_wins() {
        let l = lex("fees\tphrase\tplacement fee\tx\nlegitimacy\tphrase\tno placement fee\ty\n");
        let mut hits = Vec::new();
        l.find("there is no placement fee here", &mut hits);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].family, Family::Legitimacy);
        hits.clear();
        l.find("pay the placement fee now", &mut hits);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].family, Family::Fees);
    }

    #[test]
    fn regex_entries_match_and_are_identified() {
        let l = lex(
            "documents\tregex\tsend (a )?(copy|photo) of (your )?passport\tx\nfees\tphrase\tdeposit\ty\n",
        );
        let mut hits = Vec::new();
        l.find(
            "please send a photo of your passport and a deposit",
            &mut hits,
        );
        let fams: Vec<_> = hits.iter().map(|h| h.family).collect();
        assert!(
            fams.contains(&Family::Documents) && fams.contains(&Family::Fees),
            "{fams:?}"
        );
    }

    #[test]
    fn non_ascii_only_patterns_are_recognised() {
        assert!(needs_non_ascii(r"숙식\s*제공[가-힣]*"));
        assert!(!needs_non_ascii(r"(usd|달러)\s*\d+"));
        assert!(!needs_non_ascii(r"send\s+(a\s+)?copy"));
        assert!(!needs_non_ascii(r"\d+\s*%"));
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let err =
            Lexicon::from_sources([("xx.tsv".into(), "# c\nnofamily\tphrase\tx\tn\n".into())])
                .expect_err("unknown family");
        let msg = err.to_string();
        assert!(msg.contains("xx.tsv") && msg.contains("line 2"), "{msg}");
    }
}
