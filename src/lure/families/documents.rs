//! Passport or ID handling: sending copies, handing documents over, the employer keeping
//! them (ILO: retention of identity documents). The bare word is not evidence: in EMSCAD
//! "passport" leans genuine ("UK passport holders only"). Besides the lexicons, two
//! English rules catch a handling verb near the document in either order.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use regex::Regex;

use crate::lure::{Evidence, Family, FieldScan, LureDetector};

static HAND_OVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(send|submit|hand over|handover|surrender|deposit|upload|email|forward|whatsapp|give us|leave)\b[^.;\n]{0,40}?\b(passports?|id cards?|national id|identity cards?)\b",
    )
    .expect("static regex")
});
static KEPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(passports?|id cards?)\b[^.;\n]{0,30}?\b(will be (kept|held|retained|collected|kept safe)|are (kept|held|retained|collected)|kept by|held by|in (our|the company's) custody|for safekeeping)\b",
    )
    .expect("static regex")
});

/// One of these is in every match of the rules. Looked for over every field, so with
/// the crate's vectorised searcher where the CPU has one: its full automaton, which
/// `AhoCorasick::new` builds, made whole runs ~20% slower (100k feed, alternating).
const GUARD_WORDS: [&str; 4] = ["passport", "id card", "identity card", "national id"];

/// The guard's searcher: vectorised, or the automaton on CPUs without SSSE3/AVX2/NEON.
enum Guard {
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

impl Guard {
    fn new() -> Self {
        match aho_corasick::packed::Searcher::new(GUARD_WORDS) {
            Some(packed) => Guard::Packed(packed),
            None => Guard::Automaton(AhoCorasick::new(GUARD_WORDS).expect("static patterns")),
        }
    }

    fn is_in(&self, text: &[u8]) -> bool {
        match self {
            Guard::Packed(p) => p.find(text).is_some(),
            Guard::Automaton(a) => a.is_match(text),
        }
    }
}

static GUARD: LazyLock<Guard> = LazyLock::new(Guard::new);

/// Detector for [`Family::Documents`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DocumentsDetector;

impl LureDetector for DocumentsDetector {
    fn family(&self) -> Family {
        Family::Documents
    }

    fn detect_field(&self, scan: &FieldScan<'_>, out: &mut Vec<Evidence>) {
        scan.lexicon_evidence(Family::Documents, out);
        // Cheap guard: both rules need one of these words.
        let text = scan.norm.as_str().as_bytes();
        if GUARD.is_in(text) {
            super::rule_evidence(
                scan,
                Family::Documents,
                &[("hand-over", &HAND_OVER), ("kept", &KEPT)],
                out,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_guard_searchers_find_the_words() {
        let automaton = Guard::Automaton(AhoCorasick::new(GUARD_WORDS).expect("patterns"));
        for (text, found) in [
            ("send your passport copy", true),
            ("bring your national id card", true),
            ("a valid identity card", true),
            ("no documents needed", false),
        ] {
            assert_eq!(GUARD.is_in(text.as_bytes()), found, "{text}");
            assert_eq!(automaton.is_in(text.as_bytes()), found, "{text}");
        }
    }

    #[test]
    fn handling_matches_but_nationality_requirement_does_not() {
        assert!(
            HAND_OVER.is_match("please send a scanned copy of your passport before the interview")
        );
        assert!(KEPT.is_match("your passport will be kept by the company"));
        assert!(!HAND_OVER.is_match("uk passport holders only"));
        assert!(!KEPT.is_match("canada/us passport holders only"));
    }
}
