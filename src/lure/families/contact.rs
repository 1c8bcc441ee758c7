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
        if memchr::memchr(b'/', bytes).is_some() {
            super::rule_evidence(scan, Family::Contact, &[("app link", &APP_LINK)], out);
        }
        let at = memchr::memchr(b'@', bytes).is_some();
        if at
            || memchr::memchr2(b':', b'+', bytes).is_some()
            || memchr::memmem::find(bytes, "：".as_bytes()).is_some()
        {
            super::rule_evidence(scan, Family::Contact, &[("app handle", &APP_HANDLE)], out);
        }
        if at {
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
        // A sentence's full stop is not part of the handle.
        let m = APP_HANDLE
            .find("message telegram @hr_linda_kh.")
            .expect("handle");
        assert_eq!(m.as_str(), "telegram @hr_linda_kh");
    }
}
