//! Contact only off-platform: messaging-app handles and links (Telegram, WhatsApp,
//! WeChat, Line, Zalo, Signal, Viber, KakaoTalk) and free-mail addresses, plus the
//! lexicons' "DM me" phrasing. Keeping the talk off the job board is how recruiters
//! avoid scrutiny. Handles are found by rule since they are language-independent.

use std::sync::LazyLock;

use regex::Regex;

use crate::lure::{Evidence, Family, FieldScan, LureDetector};

static APP_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(t\.me|telegram\.me|wa\.me|chat\.whatsapp\.com|line\.me|zalo\.me|u\.wechat\.com|signal\.me)/[\w+@./-]+")
        .expect("static regex")
});
static APP_HANDLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(telegram|tele|tg|whatsapp|whats app|wa|wechat|weixin|微信|line id|line|zalo|signal|viber|kakaotalk|kakao|skype)\s*(id|number|no\.?|handle|account)?\s*[:：=]\s*@?[\w.+-]{2,}\w|\b(telegram|tele|tg|whatsapp|wechat|line|zalo|signal|viber|kakao)\s+@[\w.]{2,}\w|(whatsapp|telegram|zalo|viber|line|wechat)\D{0,12}\+\s?\d[\d -]{7,}\d",
    )
    .expect("static regex")
});
static FREE_MAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[\w.+-]+@(gmail|googlemail|yahoo|ymail|hotmail|outlook|live|aol|icloud|proton|protonmail|qq|163|126|sina|yandex|mail)\.(com|co\.\w\w|net|me|cn|ru)\b")
        .expect("static regex")
});

/// A literal that every app name of [`APP_HANDLE`] starts with.
static APP_NAME_STARTS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    // Searched for in a few dozen bytes at a time: a DFA, no prefilter.
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .prefilter(false)
        .build([
            "tele", "tg", "whats", "wa", "wechat", "weixin", "微信", "line", "zalo", "signal",
            "viber", "kakao", "skype",
        ])
        .expect("static literals")
});

/// Whether [`APP_HANDLE`] may match `text`: each of its matches is an app name followed,
/// within a few words, by a separator (`:`, `：`, `=`, `@` or `+`), so some separator
/// must have an app name shortly before it. EMSCAD fields are full of colons
/// ("Requirements:"), but app names next to them are rare.
fn app_handle_possible(text: &str) -> bool {
    let text_bytes = text.as_bytes();
    let separators = memchr::memchr3_iter(b':', b'@', b'+', text_bytes)
        // '=' and the lead byte of '：' (U+FF1A).
        .chain(memchr::memchr2_iter(b'=', 0xEF, text_bytes));
    name_shortly_before(text, separators, &APP_NAME_STARTS)
}

/// Whether one of `names` (an automaton like [`APP_NAME_STARTS`]: a DFA without a
/// prefilter, as it searches a few dozen bytes at a time) occurs shortly before one of
/// the `separators` (byte offsets into `text`), where an app handle's name stands before
/// its separator. Also the guard of `campaigns::contacts`' app handles.
pub(crate) fn name_shortly_before(
    text: &str,
    mut separators: impl Iterator<Item = usize>,
    names: &aho_corasick::AhoCorasick,
) -> bool {
    // Back from `at` (rounded down to a character) over white space, as `\s` means it.
    let back_over_space = |mut at: usize| {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        while let Some(c) = text[..at].chars().next_back().filter(|c| c.is_whitespace()) {
            at -= c.len_utf8();
        }
        at
    };
    let text_bytes = text.as_bytes();
    separators.any(|at| {
        // The furthest back a match with its separator here can start: a name of up to
        // 9 bytes, white space, a word of up to 7 bytes ("account") and white space
        // before the separator; or up to 12 characters (48 bytes) and a name of up to 8
        // before a '+'.
        let words = back_over_space(back_over_space(at).saturating_sub(7)).saturating_sub(9);
        let from = words.min(at.saturating_sub(56));
        names.is_match(&text_bytes[from..at])
    })
}

/// Whether [`APP_LINK`] may match `text`: each of its matches is a domain ending in
/// ".me" or ".com" right before a '/'.
fn app_link_possible(text: &[u8]) -> bool {
    memchr::memchr_iter(b'/', text).any(|at| {
        let before = &text[..at];
        before.ends_with(b".me") || before.ends_with(b".com")
    })
}

/// Detector for [`Family::Contact`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ContactDetector;

impl LureDetector for ContactDetector {
    fn family(&self) -> Family {
        Family::Contact
    }

    fn detect_field(&self, scan: &FieldScan<'_>, out: &mut Vec<Evidence>) {
        scan.lexicon_evidence(Family::Contact, out);
        let text = scan.norm.as_str();
        // Cheap guards keep the regexes off the hot path of ordinary adverts (memchr's
        // searches are vectorised; these run over every field).
        let bytes = text.as_bytes();
        if app_link_possible(bytes) {
            super::rule_evidence(scan, Family::Contact, &[("app link", &APP_LINK)], out);
        }
        if app_handle_possible(text) {
            super::rule_evidence(scan, Family::Contact, &[("app handle", &APP_HANDLE)], out);
        }
        if memchr::memchr(b'@', bytes).is_some() {
            super::rule_evidence(scan, Family::Contact, &[("free mail", &FREE_MAIL)], out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_links_and_free_mail() {
        assert!(APP_LINK.is_match("join t.me/easyjobs_kh now"));
        assert!(APP_HANDLE.is_match("telegram: @hr_linda88"));
        assert!(APP_HANDLE.is_match("whatsapp +855 12 345 678"));
        assert!(APP_HANDLE.is_match("wechat id: abc_123"));
        assert!(FREE_MAIL.is_match("cv to jobs.hr2024@gmail.com"));
        assert!(!FREE_MAIL.is_match("cv to hr@acme-corp.com"));
        assert!(!APP_HANDLE.is_match("we use line managers"));
        assert!(app_handle_possible("wechat id: abc_123"));
        // '=' alone is a separator too (an older, coarser guard skipped such fields).
        assert!(app_handle_possible("line id = hr_kh88"));
        assert!(APP_HANDLE.is_match("line id = hr_kh88"));
        assert!(!app_handle_possible(
            "requirements: team managers and staff"
        ));
        assert!(app_link_possible(b"join t.me/easyjobs_kh now"));
        assert!(!app_link_possible(b"and/or"));
        // A sentence's full stop is not part of the handle.
        let m = APP_HANDLE
            .find("message telegram @hr_linda_kh.")
            .expect("handle");
        assert_eq!(m.as_str(), "telegram @hr_linda_kh");
    }

    use proptest::prelude::*;

    proptest! {
        /// The guards say "no" only where the rules find nothing.
        #[test]
        fn guards_pass_every_match(parts in prop::collection::vec(prop::sample::select(vec![
            "telegram", "tele", "tg", "whatsapp", "whats app", "wa", "wechat", "weixin", "微信",
            "line id", "line", "zalo", "signal", "viber", "kakaotalk", "kakao", "skype",
            " ", "  ", "\u{a0}", "\u{3000}", "\t", ":", "：", "=", "@", "+", "+855 12 345 678",
            "id", "number", "no.", "handle", "account", "hr_linda", "abc", "x", "é", "文字",
            "9", "12", "-", ".", "/", "t.me", "wa.me", "u.wechat.com", ".me", ".com",
        ]), 0..16)) {
            let text = parts.concat();
            if APP_HANDLE.is_match(&text) {
                prop_assert!(app_handle_possible(&text), "{}", text);
            }
            if APP_LINK.is_match(&text) {
                prop_assert!(app_link_possible(text.as_bytes()), "{}", text);
            }
        }
    }
}
