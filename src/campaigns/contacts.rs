//! Contact identifiers in an advert: phone numbers, messaging handles and links
//! (Telegram, WhatsApp, LINE, WeChat, Zalo, KakaoTalk, Viber, Signal), e-mail addresses
//! and web domains, each normalised so that the same contact written two ways is one key.
//!
//! It reads the normalised text ([`crate::normalise`]), which has already folded
//! fullwidth forms (`０９１` → `091`), case, zero-width characters, look-alike letters and
//! spaced-out words. Here, on top of that: digits of other scripts (Thai, Lao, Khmer,
//! Myanmar, Arabic-Indic, Devanagari), digits spaced or grouped with `-`, `.`, `(`, `)`,
//! e-mail addresses spelled out (`hr [at] acme [dot] com`, `hr at acme dot com`, Thai
//! `แอท`/`ดอท`, Vietnamese `a còng`/`chấm`), and handles after an app's name in several
//! scripts (`Telegram: @x`, `微信号：x`, `ไลน์ไอดี x`, `카톡 아이디 x`).
//!
//! What it does not do: it does not check that a number is in service or a domain
//! exists, does not read numbers written as words ("zero nine one"), and does not
//! extract a bare name after an app in English without a marker (`Telegram hr_linda`
//! reads as prose; `Telegram: hr_linda` and `Telegram @hr_linda` are handles).
//!
//! Phone numbers: a hand-written normaliser, not the `phonenumber` crate. That crate
//! validates against libphonenumber's metadata (a large build-time database and a regex
//! per number format), which is more than linking needs and costly per candidate on a
//! million-advert feed; linking needs one canonical key per number. The key is the
//! national significant number (the digits after the country code or the trunk `0`), so
//! `+855 12 345 678`, `855-12-345-678` and `012 345 678` are one contact even when the
//! advert's country is unknown; the display is E.164 (`+85512345678`) whenever the
//! country code is written or the advert's country is known. Two different countries'
//! numbers with the same 8-to-12-digit national number would be joined: rare enough in
//! one feed to accept.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use memchr::memmem;
use regex::Regex;

use crate::lure::families::contact::name_shortly_before;
use crate::normalise::NormalisedText;

/// What kind of identifier a contact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContactKind {
    /// A phone number (also WhatsApp, Viber, Signal, Zalo numbers).
    Phone,
    /// A Telegram username or link.
    Telegram,
    /// A WhatsApp group invite.
    WhatsAppGroup,
    /// A LINE id or link.
    Line,
    /// A WeChat id.
    WeChat,
    /// A Zalo id or group link.
    Zalo,
    /// A KakaoTalk id or open-chat link.
    Kakao,
    /// A Viber group or community link.
    Viber,
    /// A Signal group link.
    Signal,
    /// An `@handle` with no app named.
    Handle,
    /// An e-mail address.
    Email,
    /// A web domain (registrable part: `jobs.acme.com.kh` → `acme.com.kh`).
    Domain,
}

impl ContactKind {
    /// The kind's name as shown in output (`phone`, `telegram`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ContactKind::Phone => "phone",
            ContactKind::Telegram => "telegram",
            ContactKind::WhatsAppGroup => "whatsapp-group",
            ContactKind::Line => "line",
            ContactKind::WeChat => "wechat",
            ContactKind::Zalo => "zalo",
            ContactKind::Kakao => "kakao",
            ContactKind::Viber => "viber",
            ContactKind::Signal => "signal",
            ContactKind::Handle => "handle",
            ContactKind::Email => "email",
            ContactKind::Domain => "domain",
        }
    }
}

/// One contact identifier found in an advert.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Contact {
    /// Its kind.
    pub kind: ContactKind,
    /// What adverts are linked by: the same key is the same contact. Phones key on the
    /// national significant number, handles on the handle whatever the app (a recruiter
    /// uses one name on several apps), the rest on the normalised value.
    pub key: String,
    /// How it is shown: `phone:+85512345678`, `telegram:@hr_linda`, `email:a@b.com`.
    pub display: String,
}

impl Contact {
    fn new(kind: ContactKind, key: String, value: &str) -> Self {
        Contact {
            kind,
            key,
            display: format!("{}:{value}", kind.name()),
        }
    }

    fn handle(kind: ContactKind, handle: &str) -> Self {
        Contact::new(kind, format!("@{handle}"), &format!("@{handle}"))
    }
}

/// One country's telephone numbering, as far as linking needs it.
struct Numbering {
    /// ISO 3166-1 alpha-2 code.
    iso: &'static str,
    /// Country calling code.
    cc: &'static str,
    /// Lengths of a national significant number (without the trunk `0`).
    nsn: (usize, usize),
}

/// The countries whose numbers matter most here (scam-centre countries, the countries
/// their recruits come from, and neighbours); a number with another country code is
/// kept whole.
const NUMBERING: &[Numbering] = &[
    Numbering {
        iso: "KH",
        cc: "855",
        nsn: (8, 9),
    },
    Numbering {
        iso: "MM",
        cc: "95",
        nsn: (7, 10),
    },
    Numbering {
        iso: "LA",
        cc: "856",
        nsn: (8, 10),
    },
    Numbering {
        iso: "TH",
        cc: "66",
        nsn: (8, 9),
    },
    Numbering {
        iso: "VN",
        cc: "84",
        nsn: (9, 10),
    },
    Numbering {
        iso: "PH",
        cc: "63",
        nsn: (9, 10),
    },
    Numbering {
        iso: "ID",
        cc: "62",
        nsn: (8, 12),
    },
    Numbering {
        iso: "MY",
        cc: "60",
        nsn: (8, 10),
    },
    Numbering {
        iso: "SG",
        cc: "65",
        nsn: (8, 8),
    },
    Numbering {
        iso: "CN",
        cc: "86",
        nsn: (10, 11),
    },
    Numbering {
        iso: "HK",
        cc: "852",
        nsn: (8, 8),
    },
    Numbering {
        iso: "MO",
        cc: "853",
        nsn: (8, 8),
    },
    Numbering {
        iso: "TW",
        cc: "886",
        nsn: (8, 9),
    },
    Numbering {
        iso: "KR",
        cc: "82",
        nsn: (8, 10),
    },
    Numbering {
        iso: "JP",
        cc: "81",
        nsn: (9, 10),
    },
    Numbering {
        iso: "TL",
        cc: "670",
        nsn: (7, 8),
    },
    Numbering {
        iso: "BN",
        cc: "673",
        nsn: (7, 7),
    },
    Numbering {
        iso: "IN",
        cc: "91",
        nsn: (10, 10),
    },
    Numbering {
        iso: "BD",
        cc: "880",
        nsn: (10, 10),
    },
    Numbering {
        iso: "LK",
        cc: "94",
        nsn: (9, 9),
    },
    Numbering {
        iso: "NP",
        cc: "977",
        nsn: (8, 10),
    },
    Numbering {
        iso: "PK",
        cc: "92",
        nsn: (9, 10),
    },
    Numbering {
        iso: "KE",
        cc: "254",
        nsn: (9, 9),
    },
    Numbering {
        iso: "NG",
        cc: "234",
        nsn: (8, 10),
    },
    Numbering {
        iso: "UG",
        cc: "256",
        nsn: (9, 9),
    },
    Numbering {
        iso: "TZ",
        cc: "255",
        nsn: (9, 9),
    },
    Numbering {
        iso: "GH",
        cc: "233",
        nsn: (9, 9),
    },
    Numbering {
        iso: "ET",
        cc: "251",
        nsn: (9, 9),
    },
    Numbering {
        iso: "AE",
        cc: "971",
        nsn: (8, 9),
    },
    Numbering {
        iso: "TR",
        cc: "90",
        nsn: (10, 10),
    },
    Numbering {
        iso: "RU",
        cc: "7",
        nsn: (10, 10),
    },
    Numbering {
        iso: "GB",
        cc: "44",
        nsn: (9, 10),
    },
    Numbering {
        iso: "AU",
        cc: "61",
        nsn: (9, 9),
    },
    Numbering {
        iso: "US",
        cc: "1",
        nsn: (10, 10),
    },
    Numbering {
        iso: "CA",
        cc: "1",
        nsn: (10, 10),
    },
];

fn numbering_by_iso(iso: &str) -> Option<&'static Numbering> {
    NUMBERING.iter().find(|n| n.iso.eq_ignore_ascii_case(iso))
}

/// The numbering whose country code starts `digits` (longest code first).
fn numbering_by_prefix(digits: &str) -> Option<&'static Numbering> {
    (1..=3)
        .rev()
        .filter_map(|len| digits.get(..len))
        .find_map(|cc| NUMBERING.iter().find(|n| n.cc == cc))
}

/// Country names and main cities in the location field, to ISO codes: the advert's
/// country decides how a national number (`012 345 678`) is written in E.164. Lowercase,
/// as the location is compared normalised.
const PLACES: &[(&str, &str)] = &[
    ("cambodia", "KH"),
    ("phnom penh", "KH"),
    ("sihanoukville", "KH"),
    ("siem reap", "KH"),
    ("campuchia", "KH"),
    ("កម្ពុជា", "KH"),
    ("ភ្នំពេញ", "KH"),
    ("myanmar", "MM"),
    ("yangon", "MM"),
    ("mandalay", "MM"),
    ("မြန်မာ", "MM"),
    ("laos", "LA"),
    ("vientiane", "LA"),
    ("ລາວ", "LA"),
    ("thailand", "TH"),
    ("bangkok", "TH"),
    ("chiang mai", "TH"),
    ("ประเทศไทย", "TH"),
    ("กรุงเทพ", "TH"),
    ("ไทย", "TH"),
    ("vietnam", "VN"),
    ("viet nam", "VN"),
    ("việt nam", "VN"),
    ("hà nội", "VN"),
    ("ha noi", "VN"),
    ("hanoi", "VN"),
    ("hồ chí minh", "VN"),
    ("ho chi minh", "VN"),
    ("đà nẵng", "VN"),
    ("da nang", "VN"),
    ("philippines", "PH"),
    ("manila", "PH"),
    ("makati", "PH"),
    ("cebu", "PH"),
    ("taguig", "PH"),
    ("quezon", "PH"),
    ("pasig", "PH"),
    ("indonesia", "ID"),
    ("jakarta", "ID"),
    ("surabaya", "ID"),
    ("bandung", "ID"),
    ("malaysia", "MY"),
    ("kuala lumpur", "MY"),
    ("penang", "MY"),
    ("singapore", "SG"),
    ("china", "CN"),
    ("中国", "CN"),
    ("hong kong", "HK"),
    ("香港", "HK"),
    ("korea", "KR"),
    ("seoul", "KR"),
    ("한국", "KR"),
    ("japan", "JP"),
    ("tokyo", "JP"),
    ("日本", "JP"),
    ("kenya", "KE"),
    ("nairobi", "KE"),
    ("nigeria", "NG"),
    ("lagos", "NG"),
];

/// The advert's country as an ISO code, from a country value (a code or a name) or its
/// location: EMSCAD's `US, NY, New York` starts with the code; other boards write a city
/// or a country's name. `None` when neither says.
pub fn country_of(country: Option<&str>, location: Option<&str>) -> Option<&'static str> {
    let by_value = |v: &str| {
        let v = v.trim();
        let head = v.split([',', ' ']).next().unwrap_or_default();
        if head.len() == 2
            && let Some(n) = numbering_by_iso(head)
        {
            return Some(n.iso);
        }
        let lower = v.to_lowercase();
        PLACES
            .iter()
            .find(|(name, _)| lower.contains(name))
            .map(|(_, iso)| *iso)
    };
    country
        .and_then(by_value)
        .or_else(|| location.and_then(by_value))
}

/// Decimal digit value of `c` in any of the scripts adverts here use (ASCII and
/// fullwidth, Thai, Lao, Khmer, Myanmar, Arabic-Indic, Devanagari, Bengali).
fn digit_value(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c as u8 - b'0');
    }
    const ZEROS: [u32; 10] = [
        0xFF10, 0x0E50, 0x0ED0, 0x17E0, 0x1040, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x1090,
    ];
    let cp = c as u32;
    ZEROS
        .iter()
        .find(|&&z| (z..z + 10).contains(&cp))
        .map(|&z| (cp - z) as u8)
}

/// A run of digits and separators that may be a phone number, as read.
struct PhoneCandidate {
    digits: String,
    /// Written with `+` or `00` before it.
    international: bool,
    /// A `.` separated its groups (prices in Vietnamese and Indonesian are written so).
    dotted: bool,
}

/// The character at byte `i` of `text` and its length (`i` on a char boundary).
#[inline]
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    text.get(i..)?.chars().next().map(|c| (c, c.len_utf8()))
}

/// How many bytes at the start of `bytes` are plain ASCII that cannot start a phone
/// number (not a digit, not `+`): eight bytes at a time in a `u64` (most of an advert
/// is such bytes, and this scan runs on every field).
#[inline]
fn plain_run_len(bytes: &[u8]) -> usize {
    use crate::tokens::{bytes_in_range, splat};
    const TOP: u64 = splat(0x80);
    // Top bit of each byte set where the byte is >= 0x80, a digit or `+`.
    let stops = |x: u64| {
        let t = x & !TOP;
        (x | bytes_in_range(t, b'0', b'9') | bytes_in_range(t, b'+', b'+')) & TOP
    };
    let mut i = 0;
    while let Some(word) = bytes.get(i..i + 8) {
        let x = <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes);
        let hit = stops(x);
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + bytes[i..]
        .iter()
        .position(|&x| x >= 0x80 || x.is_ascii_digit() || x == b'+')
        .unwrap_or(bytes.len() - i)
}

/// Reads phone candidates out of `text`: runs of digits (any script) joined by single
/// separators (space, `-`, `.`, `(`, `)`, or runs of them up to three long), not glued to
/// a letter on either side. Plain ASCII that is not a digit or `+` (most of an advert)
/// is skipped a byte at a time without decoding.
fn phone_candidates(text: &str, mut emit: impl FnMut(PhoneCandidate)) {
    let bytes = text.as_bytes();
    let is_digit_at = |j: usize| char_at(text, j).is_some_and(|(d, _)| digit_value(d).is_some());
    let mut i = 0;
    let mut prev = ' ';
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 && !b.is_ascii_digit() && b != b'+' {
            // Skip the whole run of such bytes at once; `prev` is its last.
            i += plain_run_len(&bytes[i..]);
            prev = char::from(bytes[i - 1]);
            continue;
        }
        let Some((c, clen)) = char_at(text, i) else {
            break;
        };
        let plus = c == '+' && is_digit_at(i + 1);
        let starts = plus || digit_value(c).is_some();
        let glued = prev.is_alphanumeric() || matches!(prev, '_' | '/' | '@' | '#');
        if !starts || glued {
            prev = c;
            i += clen;
            continue;
        }
        let mut digits = String::new();
        let mut dotted = false;
        let mut j = if plus { i + 1 } else { i };
        let mut last_digit_end = j;
        loop {
            // Digits.
            while let Some((d, dlen)) = char_at(text, j) {
                match digit_value(d) {
                    Some(v) => {
                        digits.push(char::from(b'0' + v));
                        j += dlen;
                        last_digit_end = j;
                    }
                    None => break,
                }
            }
            // Separators, then more digits or the end.
            let (mut seps, mut dashes) = (0, 0);
            while let Some(&s) = bytes.get(j) {
                match s {
                    b' ' | b'(' | b')' => {}
                    b'-' | b'.' => {
                        dashes += 1;
                        dotted |= s == b'.';
                    }
                    _ => break,
                }
                j += 1;
                seps += 1;
            }
            if seps == 0 || seps > 3 || dashes > 1 || !is_digit_at(j) || digits.len() > 15 {
                break;
            }
        }
        let glued_after = char_at(text, last_digit_end)
            .is_some_and(|(c, _)| c.is_alphanumeric() || c == '_' || c == '@');
        if !glued_after && (8..=15).contains(&digits.len()) {
            emit(PhoneCandidate {
                digits,
                international: plus,
                dotted,
            });
        }
        // Go on after the run (the character before the next position is a digit).
        prev = '0';
        i = last_digit_end.max(i + clen);
    }
}

/// Normalises a phone candidate: `(key, display)` or `None` when it does not read as a
/// number (a price, a date, a reference). `country` is the advert's, when known;
/// `international` says the context makes it international without a `+` (`wa.me/…`).
fn phone_number(
    cand: &PhoneCandidate,
    country: Option<&str>,
    international: bool,
) -> Option<(String, String)> {
    let d = cand.digits.as_str();
    let intl = |digits: &str| -> Option<(String, String)> {
        match numbering_by_prefix(digits) {
            Some(n) => {
                let rest = &digits[n.cc.len()..];
                // `+855 (0)12 …`: a trunk 0 written after the code is dropped.
                let nsn = rest.strip_prefix('0').unwrap_or(rest);
                (6..=12)
                    .contains(&nsn.len())
                    .then(|| (nsn.to_string(), format!("+{}{nsn}", n.cc)))
            }
            None => (digits.len() >= 8).then(|| (digits.to_string(), format!("+{digits}"))),
        }
    };
    if cand.international || international {
        return intl(d);
    }
    if let Some(rest) = d.strip_prefix("00") {
        return intl(rest);
    }
    let home = country.and_then(numbering_by_iso);
    if let Some(nsn) = d.strip_prefix('0') {
        // A national number with its trunk 0: 9 to 12 digits in all (shorter runs
        // starting with 0 are dates and times: 01.02.2024, 08.00-17.00).
        if !(9..=12).contains(&d.len()) {
            return None;
        }
        let display = match home {
            Some(n) => format!("+{}{nsn}", n.cc),
            None => d.to_string(),
        };
        return Some((nsn.to_string(), display));
    }
    if cand.dotted {
        return None; // 13.000.000.000: a price, not a number
    }
    // A country code written without `+` (855 12 345 678): only when the rest has the
    // length of that country's numbers and no trunk 0.
    if let Some(n) = numbering_by_prefix(d)
        && d.len() >= 10
    {
        let nsn = &d[n.cc.len()..];
        if !nsn.starts_with('0') && (n.nsn.0..=n.nsn.1).contains(&nsn.len()) && n.cc != "1" {
            return Some((nsn.to_string(), format!("+{}{nsn}", n.cc)));
        }
    }
    // Numbers written without a trunk prefix at home: Chinese mobiles (1[3-9] and nine
    // more digits), and 8-digit numbers in Singapore, Hong Kong and Macau.
    let china = matches!(home.map(|n| n.iso), None | Some("CN"));
    let b = d.as_bytes();
    if china && d.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        return Some((d.to_string(), format!("+86{d}")));
    }
    if let Some(n) = home
        && d.len() == n.nsn.1
        && n.nsn.0 == n.nsn.1
        && matches!(n.iso, "SG" | "HK" | "MO")
    {
        return Some((d.to_string(), format!("+{}{d}", n.cc)));
    }
    None
}

/// Domains that host everyone: an address or a link there says nothing about who
/// posted the advert, so they never link adverts (a full e-mail address at them still
/// does). Webmail, social networks and messaging apps (their handles are read
/// separately), link shorteners and form hosts, job boards and applicant-tracking
/// systems (a board's own domain is on every advert it lists), and big companies'
/// sites that adverts cite. A feed-specific hub is caught by the share limit in
/// [`super::CampaignParams::max_contact_share`].
const COMMON_HOSTS: &[&str] = &[
    // webmail
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "ymail.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "gmx.net",
    "zoho.com",
    "mail.com",
    "mail.ru",
    "yandex.ru",
    "yandex.com",
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "sohu.com",
    "naver.com",
    "daum.net",
    "hanmail.net",
    "yahoo.co.jp",
    "yahoo.co.th",
    "yahoo.com.vn",
    "yahoo.co.id",
    "hotmail.co.th",
    "rocketmail.com",
    // social networks, messaging, video
    "facebook.com",
    "fb.com",
    "fb.me",
    "m.me",
    "messenger.com",
    "instagram.com",
    "twitter.com",
    "x.com",
    "tiktok.com",
    "youtube.com",
    "youtu.be",
    "linkedin.com",
    "lnkd.in",
    "telegram.org",
    "telegram.me",
    "t.me",
    "whatsapp.com",
    "wa.me",
    "line.me",
    "lin.ee",
    "zalo.me",
    "viber.com",
    "wechat.com",
    "weixin.qq.com",
    "kakao.com",
    "signal.me",
    "signal.org",
    "discord.com",
    "discord.gg",
    "reddit.com",
    "pinterest.com",
    "weibo.com",
    "threads.net",
    // shorteners, forms, documents, link pages
    "bit.ly",
    "tinyurl.com",
    "goo.gl",
    "forms.gle",
    "google.com",
    "linktr.ee",
    "cutt.ly",
    "rb.gy",
    "shorturl.at",
    "ow.ly",
    "is.gd",
    "typeform.com",
    "jotform.com",
    "surveymonkey.com",
    "dropbox.com",
    "wordpress.com",
    "blogspot.com",
    "wix.com",
    "canva.com",
    "notion.site",
    // job boards and applicant tracking
    "jobstreet.com",
    "jobstreet.co.id",
    "jobstreet.com.my",
    "jobstreet.com.ph",
    "jobstreet.com.sg",
    "jobstreet.vn",
    "jobsdb.com",
    "indeed.com",
    "glassdoor.com",
    "kalibrr.com",
    "camhr.com",
    "bongthom.com",
    "jobthai.com",
    "topcv.vn",
    "vietnamworks.com",
    "itviec.com",
    "hiredly.com",
    "maukerja.my",
    "glints.com",
    "foundit.in",
    "foundit.sg",
    "monster.com",
    "careerbuilder.com",
    "workable.com",
    "greenhouse.io",
    "lever.co",
    "smartrecruiters.com",
    "recruitee.com",
    "bamboohr.com",
    "myworkdayjobs.com",
    "taleo.net",
    "icims.com",
    "jobvite.com",
    "breezy.hr",
    "ziprecruiter.com",
    "seek.com.au",
    "jobkorea.co.kr",
    "51job.com",
    "zhaopin.com",
    "careerjet.com",
    "jora.com",
    "upwork.com",
    "fiverr.com",
    "freelancer.com",
    // large sites that adverts cite (products, platforms, standards)
    "apple.com",
    "microsoft.com",
    "amazon.com",
    "wikipedia.org",
    "github.com",
    "w3.org",
    "php.net",
    "asp.net",
    "ado.net",
    "vb.net",
    "socket.io",
    "node.js",
];

/// Top-level domains read as a domain after a bare name (`acme.com`). Those that are
/// also common words or file names (`.it`, `.in`, `.is`, `.me`, `.to`, `.js`, `.net`
/// after `asp`) need `www.` or `http` before them.
const BARE_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "asia", "xyz", "top", "online", "site", "vip", "club",
    "shop", "store", "work", "jobs", "agency", "group", "company", "kh", "vn", "th", "la", "mm",
    "ph", "sg", "cn", "hk", "tw", "kr", "jp", "ke", "ng", "uk", "cc",
];

/// Second-level labels under a country code (`acme.com.kh`), kept with the name.
const SECOND_LEVEL: &[&str] = &[
    "com", "co", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "in", "biz", "info",
];

/// The registrable part of a host name: the last two labels, or three under a
/// country-code second level (`jobs.acme.com.kh` → `acme.com.kh`). `None` for a
/// common host or something that is not a host name.
fn registrable_domain(host: &str) -> Option<String> {
    let host = host.trim_matches(|c: char| c == '.' || c == '-');
    let host = host.strip_prefix("www.").unwrap_or(host);
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    let n = labels.len();
    let tld = labels[n - 1];
    if tld.len() < 2 || !tld.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let take = if n >= 3 && tld.len() == 2 && SECOND_LEVEL.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    let domain = labels[n - take.min(n)..].join(".");
    (!COMMON_HOSTS.contains(&domain.as_str())).then_some(domain)
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:https?://|www\.)([a-z0-9-]+(?:\.[a-z0-9-]+)+)").expect("valid URL pattern")
});

/// A host name's characters, to quote a bare host from the original.
static BARE_HOST_BODY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[a-z0-9][a-z0-9.-]*").expect("valid host pattern"));

/// Bare host names (`acme.com`, `jobs.acme.com.kh`) in `text`, as byte ranges: a run of
/// `[a-z0-9.-]` holding a dot, not glued to `@`, `/`, `_` or another word character, whose
/// last label is one of [`BARE_TLDS`]. Found from the dots (memchr), not by a regex
/// tried at every position: most adverts have dots and few domains.
fn bare_hosts(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let host_byte = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-';
    let mut found = Vec::new();
    let mut after = 0;
    for dot in memchr::memchr_iter(b'.', bytes) {
        if dot < after {
            continue; // inside a run already read
        }
        let mut start = dot;
        while start > 0 && host_byte(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = dot;
        while end < bytes.len() && host_byte(bytes[end]) {
            end += 1;
        }
        after = end;
        let before = start.checked_sub(1).map(|p| bytes[p]);
        let next = bytes.get(end).copied();
        // Glued to an address, a path, or a word in another script: not a bare host.
        if before.is_some_and(|b| matches!(b, b'@' | b'/' | b'_' | b'\\') || b >= 0x80)
            || next.is_some_and(|b| b == b'_' || b == b'@' || b >= 0x80)
        {
            continue;
        }
        let run = text[start..end].trim_matches(['.', '-']);
        let run_start = start + text[start..end].find(run).unwrap_or(0);
        let Some((_, tld)) = run.rsplit_once('.') else {
            continue;
        };
        if BARE_TLDS.contains(&tld)
            && run
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            found.push((run_start, run_start + run.len()));
        }
    }
    found
}

/// Whether a text may hold an e-mail address, plain or spelled out: the address pattern
/// has no literal to start from, so it runs only on texts that pass this. A mark (`@` in
/// any form, `(at)`, `[at]`, `{at}`, `<at>`, `(a)`, `[a]`, `(dot)`) is enough; an `at`
/// spelled as a word (` at `, `แอท`, `a còng`, `艾特`) needs a dot spelled as a word
/// too (` dot `, `[dot]`, `ดอท`, `จุด`, `chấm`, `点`). Checked with memchr scans and
/// prebuilt finders, rarest first: this runs on every field of every advert.
fn may_hold_email(text: &str) -> bool {
    let bytes = text.as_bytes();
    let ascii = text.is_ascii();
    if memchr::memchr(b'@', bytes).is_some() || (!ascii && FULLWIDTH_AT.find(bytes).is_some()) {
        return true;
    }
    let mut bracketed_dot = false;
    for i in memchr::memchr3_iter(b'(', b'[', b'{', bytes) {
        let rest = &bytes[i..];
        const MARKS: [&[u8]; 6] = [b"(at)", b"[at]", b"{at}", b"(a)", b"[a]", b"(dot)"];
        if MARKS.iter().any(|m| rest.starts_with(m)) {
            return true;
        }
        bracketed_dot |= rest.starts_with(b"[dot]");
    }
    if memchr::memchr_iter(b'<', bytes).any(|i| bytes[i..].starts_with(b"<at>")) {
        return true;
    }
    let found =
        |finders: &[memmem::Finder<'static>]| finders.iter().any(|f| f.find(bytes).is_some());
    let dot_word = bracketed_dot
        || SPELLED_WORDS.dot_ascii.find(bytes).is_some()
        || (!ascii && found(&SPELLED_WORDS.dot_other));
    dot_word
        && (SPELLED_WORDS.at_ascii.find(bytes).is_some()
            || (!ascii && found(&SPELLED_WORDS.at_other)))
}

/// Prebuilt finders of the spelled-out `at` and dot words of [`may_hold_email`].
struct SpelledWords {
    at_ascii: memmem::Finder<'static>,
    at_other: [memmem::Finder<'static>; 3],
    dot_ascii: memmem::Finder<'static>,
    dot_other: [memmem::Finder<'static>; 4],
}

static SPELLED_WORDS: LazyLock<SpelledWords> = LazyLock::new(|| SpelledWords {
    at_ascii: memmem::Finder::new(" at "),
    at_other: ["แอท", "a còng", "艾特"].map(memmem::Finder::new),
    dot_ascii: memmem::Finder::new(" dot "),
    dot_other: ["ดอท", "จุด", "chấm", "点"].map(memmem::Finder::new),
});

/// Substring finders built once: `memmem::find` builds its searcher on every call, which
/// cost as much as the search on the short fields these checks run on.
static FULLWIDTH_AT: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("＠"));
static SMALL_AT: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("﹫"));
static LINK_MARKS: LazyLock<[memmem::Finder<'static>; 4]> =
    LazyLock::new(|| [".me/", ".com/", "lin.ee/", ".group/"].map(memmem::Finder::new));

/// Whether `text` has an `@` in any of its forms (ASCII, fullwidth, small): three
/// memchr scans, where `str::contains([..])` decodes every character.
#[inline]
fn has_at_sign(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr(b'@', bytes).is_some()
        || FULLWIDTH_AT.find(bytes).is_some()
        || SMALL_AT.find(bytes).is_some()
}

/// Whether `text` may hold a messaging link ([`APP_LINK`]): a `/` and one of the hosts'
/// endings.
#[inline]
fn may_hold_app_link(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr(b'/', bytes).is_some() && LINK_MARKS.iter().any(|f| f.find(bytes).is_some())
}

/// E-mail addresses, written plainly or spelled out. The `at` spelled as a word needs
/// the dot spelled too (`hr at acme dot com`): "apply at acme.com" is prose.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    let at_mark = r"\s*(?:@|＠|\(at\)|\[at\]|\{at\}|<at>|\(a\)|\[a\])\s*";
    let at_word = r"\s+(?:at|แอท|a còng|acong|艾特)\s+";
    let dot_mark = r"(?:\.|\s*(?:\(dot\)|\[dot\]|\{dot\}|<dot>|\(\.\)|\[\.\])\s*)";
    let dot_word = r"(?:\s+(?:dot|ดอท|จุด|chấm|cham|点)\s+|\s*(?:\(dot\)|\[dot\]|\{dot\})\s*)";
    let local = r"([a-z0-9][a-z0-9._%+-]*)";
    let label = r"[a-z0-9][a-z0-9-]*";
    Regex::new(&format!(
        r"{local}(?:{at_mark}((?:{label}{dot_mark})+{label})|{at_word}((?:{label}{dot_word})+{label}))"
    ))
    .expect("valid e-mail pattern")
});

/// A dot spelled out or bracketed inside an e-mail's domain.
static SPELLED_DOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*(?:\(dot\)|\[dot\]|\{dot\}|<dot>|\(\.\)|\[\.\])\s*|\s+(?:dot|ดอท|จุด|chấm|cham|点)\s+|\.")
        .expect("valid dot pattern")
});

/// Links that name a messaging account or group.
static APP_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:https?://)?(?:www\.)?
        (?:
            (?:t|telegram)\.me/(?:joinchat/|\+|s/)?(?P<tg>[a-z0-9_+-]{4,64})
          | wa\.me/\+?(?P<wa>[0-9]{8,15})
          | (?:api\.)?whatsapp\.com/send/?\?phone=\+?(?P<wa2>[0-9]{8,15})
          | chat\.whatsapp\.com/(?:invite/)?(?P<wag>[a-z0-9]{10,40})
          | line\.me/(?:ti/p/|r/ti/p/)?(?:%40|@|~)?(?P<line>[a-z0-9._-]{3,40})
          | lin\.ee/(?P<linee>[a-z0-9]{4,20})
          | zalo\.me/g/(?P<zalog>[a-z0-9]{4,40})
          | zalo\.me/(?P<zalo>[0-9]{8,15})
          | open\.kakao\.com/o/(?P<kakao>[a-z0-9]{4,20})
          | invite\.viber\.com/\?g2?=(?P<viber>[a-z0-9_-]{4,80})
          | signal\.me/\#p/\+?(?P<signal>[0-9]{8,15})
          | signal\.group/\#(?P<signalg>[a-z0-9_-]{8,200})
        )",
    )
    .expect("valid app link pattern")
});

/// The messaging apps' names in Latin letters, as [`APP_HANDLE`]'s alternatives (regex
/// syntax: `\s*` where a space may or may not be written). Longer names first.
const LATIN_APP_NAMES: &[&str] = &[
    "telegram",
    "telegarm",
    "tele",
    "tg",
    "whatsapp",
    "whats app",
    "wa",
    r"line\s*id",
    r"id\s*line",
    "line@",
    "wechat",
    "we chat",
    "weixin",
    "vx",
    "zalo",
    r"kakao\s*talk",
    "kakaotalk",
    "kakao",
    "viber",
    "signal",
    "skype",
];

/// The apps' names in other scripts (literal), which may run into the handle.
const OTHER_SCRIPT_APP_NAMES: &[&str] = &[
    "电报",
    "電報",
    "纸飞机",
    "紙飛機",
    "飞机",
    "微信号",
    "微信",
    "微訊",
    "加微",
    "ไลน์ไอดี",
    "ไอดีไลน์",
    "ไลน์",
    "เทเลแกรม",
    "카카오톡",
    "카톡",
    "카카오",
    "텔레그램",
    "라인",
];

/// An app's name (in several scripts), optional label words, then a handle after an
/// explicit marker (`:`, `=`, `@`): `Telegram: @hr_linda`, `LINE ID: abc123`,
/// `Telegram/WhatsApp @hr`. Names in scripts without spaces may run into the handle
/// (`微信号abc123`, `ไลน์ไอดีabc`).
static APP_HANDLE: LazyLock<Regex> = LazyLock::new(|| {
    // A Latin app's name starts a word ("wa" in "want", "tg" and "line" inside longer
    // words matched thousands of times per feed only to be rejected as unmarked); the
    // ASCII word boundary keeps the search in the fast automaton, and a name glued to
    // text in another script ("联系tg") still starts a word.
    let app = format!(
        r"(?-u:\b)(?:{})|{}",
        LATIN_APP_NAMES.join("|"),
        OTHER_SCRIPT_APP_NAMES.join("|")
    );
    let label = r"(?:\s*(?:id|username|user\s*name|account|acc|号|號|账号|帳號|ไอดี|아이디|:|：))*";
    Regex::new(&format!(
        r"(?P<app>{app})(?:\s*[/&,|]\s*(?:{app}))*{label}\s*(?P<mark>[:：=@]|)\s*@?(?P<handle>[a-z0-9][a-z0-9._-]{{2,31}})"
    ))
    .expect("valid app handle pattern")
});

/// [`OTHER_SCRIPT_APP_NAMES`] as one automaton: a field naming such an app is searched
/// whole, as those names need no marker.
static OTHER_SCRIPT_APPS: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(OTHER_SCRIPT_APP_NAMES).expect("static app names"));

/// A literal inside each of [`LATIN_APP_NAMES`] (checked by a test), for the guard: a
/// DFA without a prefilter, as it searches a few dozen bytes at a time.
static LATIN_APP_LITERALS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .prefilter(false)
        .build([
            "tele", "tg", "whats", "wa", "line", "wechat", "we chat", "weixin", "vx", "zalo",
            "kakao", "viber", "signal", "skype",
        ])
        .expect("static literals")
});

/// "id", a label that marks a Latin app's handle as `:` does (`line id abc123`).
static ID_LABEL: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("id"));

/// Whether [`APP_HANDLE`] may give a contact in `text` (normalised). A Latin app's
/// handle is kept only after a marker (`:`, `：`, `=`, `@` or the label "id") with the
/// app's name shortly before it, which EMSCAD's fields, full of colons, rarely have: the
/// same guard as the contact family's (`name_shortly_before`). Searching every field
/// found each "wa", "tg" and "line" in English prose, about a tenth of `campaigns`' work.
fn app_handle_possible(text: &str) -> bool {
    if !text.is_ascii() && OTHER_SCRIPT_APPS.is_match(text) {
        return true;
    }
    let bytes = text.as_bytes();
    let markers = memchr::memchr3_iter(b':', b'=', b'@', bytes)
        // The lead byte of '：' (U+FF1A), and every "id".
        .chain(memchr::memchr_iter(0xEF, bytes))
        .chain(ID_LABEL.find_iter(bytes).map(|at| at + 2));
    name_shortly_before(text, markers, &LATIN_APP_LITERALS)
}

/// Whether an [`APP_HANDLE`] match names a contact by its marker: a Latin app's needs a
/// `:`, `：`, `=`, `@` or the label "id" before the handle; one in a script without
/// spaces may run into it.
fn has_marker(text: &str, c: &regex::Captures<'_>) -> bool {
    let (Some(app), Some(mark), Some(h)) = (c.name("app"), c.name("mark"), c.name("handle")) else {
        return false;
    };
    let between = &text[app.end()..h.start()];
    !mark.as_str().is_empty()
        || between.contains([':', '：', '=', '@'])
        || between.contains("id")
        || !app.as_str().is_ascii()
}

/// A handle's characters, to quote a bare handle from the original.
static BARE_HANDLE_BODY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[a-z][a-z0-9_.]*").expect("valid handle body pattern"));

/// `@handle` with no app named before it (not an e-mail address: nothing word-like
/// just before the `@`).
static BARE_HANDLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"@([a-z][a-z0-9_.]{3,31})").expect("valid handle pattern"));

fn app_kind(app: &str) -> ContactKind {
    let a = app.trim();
    if a.starts_with("tele") || a.starts_with("tg") || a.contains("telegarm") {
        return ContactKind::Telegram;
    }
    match a {
        "电报" | "電報" | "纸飞机" | "紙飛機" | "飞机" | "เทเลแกรม" | "텔레그램" => {
            ContactKind::Telegram
        }
        "wechat" | "we chat" | "weixin" | "vx" | "微信号" | "微信" | "微訊" | "加微" => {
            ContactKind::WeChat
        }
        "zalo" => ContactKind::Zalo,
        "viber" => ContactKind::Viber,
        "signal" => ContactKind::Signal,
        "카카오톡" | "카톡" | "카카오" => ContactKind::Kakao,
        _ if a.starts_with("kakao") => ContactKind::Kakao,
        _ if a.starts_with("whats") || a == "wa" => ContactKind::Phone,
        "skype" => ContactKind::Handle,
        _ => ContactKind::Line,
    }
}

/// Words that follow an app's name and a colon without being a handle.
const NOT_HANDLES: &[&str] = &[
    "group",
    "channel",
    "account",
    "number",
    "official",
    "admin",
    "contact",
    "only",
    "please",
    "available",
    "inbox",
    "message",
    "chat",
    "call",
    "the",
    "our",
    "and",
    "for",
    "via",
    "app",
    "apps",
    "id",
];

/// Characters dropped by [`light_fold`]: zero-width spaces and joiners, word joiner,
/// byte-order mark, soft hyphen, bidirectional marks.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' | '\u{ad}' | '\u{202a}'..='\u{202e}')
}

/// NFKC, lowercase, invisible characters dropped: the part of normalisation that
/// contacts need, for a field holding `@`. The full normaliser reads `team@fast-job.com`
/// as leetspeak (`@` for `a`) when the domain has a hyphen, which would lose the address.
fn light_fold(original: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    original
        .nfkc()
        .flat_map(char::to_lowercase)
        .filter(|&c| !invisible(c))
        .collect()
}

/// Adds the contact identifiers of one field to `out` (unsorted, may repeat), given as
/// written and as normalised. `country` is the advert's ISO code, when known (for
/// national phone numbers).
pub fn extract(
    original: &str,
    norm: &NormalisedText,
    country: Option<&str>,
    out: &mut Vec<Contact>,
) {
    let text = norm.as_str();
    let normalised = text;
    // A handle or host found in the normalised text, quoted from the original (folded
    // lightly): the normaliser reads digits inside a word as leetspeak (`hr0x0` →
    // `hroxo`), which must not change what the campaign shows. When the original span
    // is not the same length of plain characters (spaced letters, look-alikes), the
    // normalised form stands.
    let as_written = |m: &regex::Match<'_>, found: &str| -> String {
        let (os, oe) = norm.original_span(m.start(), m.start() + found.len());
        match original.get(os..oe).map(light_fold) {
            Some(f)
                if f.len() == found.len()
                    && f.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._-+~".contains(&b)) =>
            {
                f
            }
            _ => found.to_string(),
        }
    };
    // E-mail addresses are read from the lightly folded original when the field has an
    // `@` (see [`light_fold`]); everything else from the normalised text, which has
    // also undone spaced-out and look-alike letters (`T e l e g r a m`).
    let folded;
    let email_text: &str = if has_at_sign(original) {
        folded = light_fold(original);
        &folded
    } else {
        normalised
    };
    // Links first: their digits are international numbers without a `+`.
    let mut linked_numbers: Vec<String> = Vec::new();
    if may_hold_app_link(text) {
        for c in APP_LINK.captures_iter(text) {
            let get = |name: &str| c.name(name).map(|m| m.as_str());
            if let Some(m) = c.name("tg") {
                let h = as_written(&m, m.as_str().trim_end_matches(['.', '-']));
                out.push(Contact::handle(ContactKind::Telegram, &h));
            } else if let Some(n) = get("wa").or(get("wa2")).or(get("zalo")).or(get("signal")) {
                // A Zalo link may carry the national form (zalo.me/0912…).
                let cand = PhoneCandidate {
                    digits: n.to_string(),
                    international: !n.starts_with('0'),
                    dotted: false,
                };
                if let Some((key, display)) = phone_number(&cand, country, false) {
                    out.push(Contact::new(ContactKind::Phone, key, &display));
                }
                linked_numbers.push(n.to_string());
            } else if let Some(g) = get("wag") {
                out.push(Contact::new(
                    ContactKind::WhatsAppGroup,
                    format!("wag:{g}"),
                    g,
                ));
            } else if let Some(m) = c.name("line").or(c.name("linee")) {
                let h = as_written(&m, m.as_str().trim_end_matches(['.', '-']));
                out.push(Contact::handle(ContactKind::Line, &h));
            } else if let Some(g) = get("zalog") {
                out.push(Contact::new(ContactKind::Zalo, format!("zalog:{g}"), g));
            } else if let Some(g) = get("kakao") {
                out.push(Contact::new(
                    ContactKind::Kakao,
                    format!("kakao-open:{g}"),
                    g,
                ));
            } else if let Some(g) = get("viber") {
                out.push(Contact::new(ContactKind::Viber, format!("viber:{g}"), g));
            } else if let Some(g) = get("signalg") {
                out.push(Contact::new(ContactKind::Signal, format!("signal:{g}"), g));
            }
        }
    }
    phone_candidates(text, |cand| {
        if linked_numbers.contains(&cand.digits) {
            return;
        }
        if let Some((key, display)) = phone_number(&cand, country, false) {
            out.push(Contact::new(ContactKind::Phone, key, &display));
        }
    });
    // E-mail addresses, and their domains unless a common host.
    let mut email_spans: Vec<(usize, usize)> = Vec::new();
    let mut email_hosts: Vec<String> = Vec::new();
    for c in may_hold_email(email_text)
        .then(|| EMAIL.captures_iter(email_text))
        .into_iter()
        .flatten()
    {
        let (Some(local), Some(whole)) = (c.get(1), c.get(0)) else {
            continue;
        };
        let Some(domain_raw) = c.get(2).or(c.get(3)) else {
            continue;
        };
        // Spelled-out dots become dots.
        let host: String = SPELLED_DOT
            .replace_all(domain_raw.as_str(), ".")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        {
            continue;
        }
        let tld_ok = host
            .rsplit('.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_lowercase()));
        if !tld_ok || !host.contains('.') {
            continue;
        }
        let local = local.as_str().trim_end_matches(['.', '-']);
        let address = format!("{local}@{host}");
        out.push(Contact::new(ContactKind::Email, address.clone(), &address));
        if let Some(d) = registrable_domain(&host) {
            out.push(Contact::new(ContactKind::Domain, d.clone(), &d));
        }
        if std::ptr::eq(email_text, text) {
            email_spans.push((whole.start(), whole.end()));
        }
        email_hosts.push(host);
    }
    let in_email = |at: usize| email_spans.iter().any(|&(s, e)| (s..e).contains(&at));
    // The normalised text may hold an address whose `@` became `a` (see [`light_fold`]):
    // `hr.teamafast-job.com` is not a domain of its own.
    let mangled = |d: &str| {
        email_hosts
            .iter()
            .any(|h| d != h && d.ends_with(h.as_str()))
    };
    // Web domains: after `http(s)://` or `www.`, or a bare name with a safe TLD.
    if text.contains('.') {
        for c in URL.captures_iter(text) {
            if let Some(h) = c.get(1)
                && !in_email(h.start())
                && let Some(d) = registrable_domain(h.as_str())
            {
                out.push(Contact::new(ContactKind::Domain, d.clone(), &d));
            }
        }
        for (start, end) in bare_hosts(text) {
            let host = &text[start..end];
            if !in_email(start)
                && !mangled(host)
                && let Some(m) = BARE_HOST_BODY
                    .find_at(text, start)
                    .filter(|m| m.start() == start)
                && let Some(d) = registrable_domain(&as_written(&m, host))
            {
                out.push(Contact::new(ContactKind::Domain, d.clone(), &d));
            }
        }
    }
    // Handles after an app's name, then `@handle` alone.
    let mut handle_spans: Vec<usize> = Vec::new();
    for found in app_handle_possible(text)
        .then(|| APP_HANDLE.find_iter(text))
        .into_iter()
        .flatten()
    {
        // Most matches are an English word holding an app's name ("want", "online")
        // followed by more letters, with no marker: rejected below as unmarked. Reject
        // them before the costlier capture search (an all-ASCII match is an ASCII app's,
        // and without `:`, `=`, `@` or `id` in the whole match it has no marker).
        let span = found.as_str();
        if span.is_ascii() && !span.contains([':', '=', '@']) && !span.contains("id") {
            continue;
        }
        // The same match, with its groups: a search from its start finds it again.
        let Some(c) = APP_HANDLE.captures_at(text, found.start()) else {
            continue;
        };
        let (Some(app), Some(h)) = (c.name("app"), c.name("handle")) else {
            continue;
        };
        let app_text = app.as_str();
        let marked = has_marker(text, &c);
        let handle = h.as_str().trim_end_matches(['.', '-', '_']);
        if !marked || NOT_HANDLES.contains(&handle) || handle.len() < 3 || in_email(h.start()) {
            continue;
        }
        // Digits only: a number, which the phone reader has (or rejects).
        if handle
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        {
            continue;
        }
        let kind = app_kind(app_text);
        let kind = if kind == ContactKind::Phone {
            ContactKind::Handle
        } else {
            kind
        };
        out.push(Contact::handle(kind, &as_written(&h, handle)));
        handle_spans.push(h.start());
    }
    if text.contains('@') {
        for m in BARE_HANDLE.find_iter(text) {
            let at = m.start();
            let prev = text[..at].chars().next_back();
            let word_before = prev
                .is_some_and(|p| p.is_alphanumeric() || matches!(p, '.' | '_' | '-' | '%' | '+'));
            if word_before || in_email(at) || handle_spans.contains(&(at + 1)) {
                continue;
            }
            let handle = m.as_str()[1..].trim_end_matches(['.', '_']);
            // `@acme.com` after a space is a spelled-out address's tail, not a handle.
            if handle.contains('.') && registrable_domain(handle).is_some() {
                continue;
            }
            if handle.len() >= 4 {
                // Quote from the original (see `as_written`), from just after the `@`.
                let shown = BARE_HANDLE_BODY
                    .find_at(text, at + 1)
                    .filter(|x| x.start() == at + 1)
                    .map_or_else(|| handle.to_string(), |x| as_written(&x, handle));
                out.push(Contact::handle(ContactKind::Handle, &shown));
            }
        }
    }
}

/// The contact identifiers of an advert's fields, each given as written and as
/// normalised; sorted by key, without repeats (the first display of a key is kept).
pub fn extract_all<'t>(
    fields: impl IntoIterator<Item = (&'t str, &'t NormalisedText)>,
    country: Option<&str>,
) -> Vec<Contact> {
    let mut out = Vec::new();
    for (original, normalised) in fields {
        extract(original, normalised, country, &mut out);
    }
    out.sort_by(|a, b| a.key.cmp(&b.key).then(a.kind.cmp(&b.kind)));
    out.dedup_by(|a, b| a.key == b.key);
    out
}

#[cfg(test)]
mod tests {
    //! Every advert text here was written for these tests (not quoted from real adverts);
    //! the numbers, handles and addresses are made up.
    use super::*;

    fn norm(raw: &str) -> NormalisedText {
        let mut n = NormalisedText::new();
        n.normalise(raw);
        n
    }

    fn contacts(raw: &str, country: Option<&str>) -> Vec<String> {
        let n = norm(raw);
        let mut got: Vec<String> = extract_all([(raw, &n)], country)
            .into_iter()
            .map(|c| c.display)
            .collect();
        got.sort();
        got
    }

    fn keys(raw: &str, country: Option<&str>) -> Vec<String> {
        let n = norm(raw);
        extract_all([(raw, &n)], country)
            .into_iter()
            .map(|c| c.key)
            .collect()
    }

    #[test]
    fn app_handle_guard_passes_marked_handles_and_skips_prose() {
        // Colons with no app name shortly before them: skipped whole, though the prose
        // further on holds "wa", "line" and "signal".
        assert!(!app_handle_possible(
            "requirements: a team player, good with excel. salary: negotiable. \
             we want someone who was online before every deadline; a clear signal."
        ));
        for (text, handle) in [
            ("apply now. telegram: @hr_linda_77 thanks", "hr_linda_77"),
            ("contact telegram/whatsapp @jobdesk_kh", "jobdesk_kh"),
            ("add line id: abc123 for details", "abc123"),
            ("telegram id hr_team9", "hr_team9"),
            ("wechat=hrwang88", "hrwang88"),
            ("微信号：hrwang88", "hrwang88"),
        ] {
            assert!(app_handle_possible(norm(text).as_str()), "{text}");
            assert!(
                contacts(text, None).iter().any(|c| c.contains(handle)),
                "{text}: {:?}",
                contacts(text, None)
            );
        }
        // Every Latin name holds one of the guard's literals.
        for name in LATIN_APP_NAMES {
            for written in [name.replace(r"\s*", " "), name.replace(r"\s*", "")] {
                assert!(LATIN_APP_LITERALS.is_match(&written), "{written}");
            }
        }
    }

    use proptest::prelude::*;

    proptest! {
        /// The guard says "no" only where no match of the pattern has a marker.
        #[test]
        fn app_handle_guard_passes_every_marked_match(parts in prop::collection::vec(
            prop::sample::select(vec![
                "telegram", "telegarm", "tele", "tg", "whatsapp", "whats app", "wa", "line id",
                "id line", "idline", "line@", "line", "wechat", "we chat", "weixin", "vx", "zalo",
                "kakao talk", "kakao", "viber", "signal", "skype", "微信号", "ไลน์", "카톡",
                " ", "  ", "\t", "\n", "/", ",", "&", "|", ":", "：", "=", "@", "id",
                "username", "user name", "account", "acc", "号", "아이디", "hr_linda", "abc",
                "x", "é", "文字", "9", "12", "-", ".",
            ]),
            0..16,
        )) {
            let text = parts.concat();
            if !app_handle_possible(&text) {
                for c in APP_HANDLE.captures_iter(&text) {
                    prop_assert!(!has_marker(&text, &c), "{}", text);
                }
            }
        }
    }

    #[test]
    fn plain_run_len_agrees_with_a_byte_scan() {
        let slow = |b: &[u8]| {
            b.iter()
                .position(|&x| x >= 0x80 || x.is_ascii_digit() || x == b'+')
                .unwrap_or(b.len())
        };
        // Every byte value at every offset of a 20-byte run of plain letters.
        for stop in 0..=255u8 {
            for at in 0..20 {
                let mut bytes = [b'x'; 20];
                bytes[at] = stop;
                for start in 0..20 {
                    assert_eq!(plain_run_len(&bytes[start..]), slow(&bytes[start..]));
                }
            }
        }
        assert_eq!(plain_run_len(b""), 0);
        assert_eq!(plain_run_len("call now: +855 ១២".as_bytes()), 10);
    }

    #[test]
    fn phones_in_international_and_national_forms_share_a_key() {
        let forms = [
            ("Call +855 12 345 678 now", None),
            ("Call 855-12-345-678 now", None),
            ("Call 012 345 678 now", Some("KH")),
            ("Call 012.345.678 now", None),
            ("Call +855 (0)12 345 678", None),
            ("Call 00855 12345678", None),
            ("Tel: ０１２ ３４５ ６７８", Some("KH")), // fullwidth
            ("WhatsApp: 0 1 2 3 4 5 6 7 8", Some("KH")), // spaced digits
            ("https://wa.me/85512345678", None),
        ];
        for (text, country) in forms {
            assert_eq!(keys(text, country), vec!["12345678"], "{text}");
        }
        assert_eq!(
            contacts("Call 012 345 678", Some("KH")),
            vec!["phone:+85512345678"]
        );
        assert_eq!(contacts("Call 012 345 678", None), vec!["phone:012345678"]);
    }

    #[test]
    fn phones_in_other_scripts_digits() {
        // Thai, Khmer, Myanmar and Lao digits, written for the test.
        assert_eq!(
            contacts("โทร ๐๘๑-๒๓๔-๕๖๗๘ ด่วน", Some("TH")),
            vec!["phone:+66812345678"]
        );
        assert_eq!(
            contacts("ទូរស័ព្ទ ០១២ ៣៤៥ ៦៧៨", Some("KH")),
            vec!["phone:+85512345678"]
        );
        assert_eq!(
            contacts("ဖုန်း ၀၉ ၄၅၆ ၇၈၉ ၀၁၂", Some("MM")),
            vec!["phone:+959456789012"]
        );
        assert_eq!(
            contacts("ໂທ ໐໒໐ ໕໕໕ ໑໒໓໔", Some("LA")),
            vec!["phone:+856205551234"]
        );
    }

    #[test]
    fn phones_of_several_countries() {
        assert_eq!(
            contacts("Liên hệ 0912 345 678", Some("VN")),
            vec!["phone:+84912345678"]
        );
        assert_eq!(
            contacts("Hubungi 0812-3456-7890", Some("ID")),
            vec!["phone:+6281234567890"]
        );
        assert_eq!(
            contacts("Text 0917 123 4567", Some("PH")),
            vec!["phone:+639171234567"]
        );
        assert_eq!(
            contacts("联系 138 1234 5678", None),
            vec!["phone:+8613812345678"]
        );
        assert_eq!(
            contacts("연락 010-1234-5678", Some("KR")),
            vec!["phone:+821012345678"]
        );
        assert_eq!(
            contacts("Call 0712 345678", Some("KE")),
            vec!["phone:+254712345678"]
        );
        assert_eq!(
            contacts("Call +234 803 123 4567", None),
            vec!["phone:+2348031234567"]
        );
        assert_eq!(
            contacts("WhatsApp 9123 4567", Some("SG")),
            vec!["phone:+6591234567"]
        );
    }

    #[test]
    fn prices_dates_and_times_are_not_phones() {
        for text in [
            "Lương 15.000.000 VND/tháng",
            "Gaji Rp 13.000.000.000 setahun",
            "Start 01.02.2024, hours 08.00 - 17.00",
            "Salary 25,000,000 per year",
            "Job ref 2024-123456",
            "Code abc123456789",
        ] {
            assert_eq!(contacts(text, Some("VN")), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn telegram_handles_and_links() {
        let want = vec!["telegram:@hr_linda_kh"];
        assert_eq!(contacts("Contact Telegram @hr_linda_kh today", None), want);
        assert_eq!(contacts("Telegram: hr_linda_kh", None), want);
        assert_eq!(contacts("TELEGRAM ID: @HR_Linda_KH", None), want);
        assert_eq!(contacts("apply https://t.me/hr_linda_kh", None), want);
        assert_eq!(contacts("T e l e g r a m: @hr_linda_kh", None), want);
        assert_eq!(contacts("加电报：hr_linda_kh", None), want);
        assert_eq!(contacts("ติดต่อ เทเลแกรม @hr_linda_kh", None), want);
        // A handle is one contact whatever the app named before it.
        assert_eq!(
            keys("Telegram @hr_linda_kh", None),
            keys("@hr_linda_kh", None)
        );
        // Digits inside a handle are shown as written, not read as leetspeak.
        assert_eq!(
            contacts("Telegram: @hr0x0recruit", None),
            vec!["telegram:@hr0x0recruit"]
        );
        assert_eq!(
            contacts("Contact @hr0x0recruit", None),
            vec!["handle:@hr0x0recruit"]
        );
        assert_eq!(contacts("see g0job1.com", None), vec!["domain:g0job1.com"]);
        // Prose after the app name is not a handle.
        assert!(contacts("Join our Telegram channel for news", None).is_empty());
    }

    #[test]
    fn whatsapp_line_wechat_zalo_kakao_viber_signal() {
        assert_eq!(
            contacts("https://chat.whatsapp.com/AbCdEf123456", None),
            vec!["whatsapp-group:abcdef123456"]
        );
        assert_eq!(
            contacts("api.whatsapp.com/send?phone=66812345678", None),
            vec!["phone:+66812345678"]
        );
        assert_eq!(contacts("LINE ID: jobth88", None), vec!["line:@jobth88"]);
        assert_eq!(contacts("แอดไลน์ ไอดี: jobth88", None), vec!["line:@jobth88"]);
        assert_eq!(
            contacts("https://line.me/ti/p/~jobth88", None),
            vec!["line:@jobth88"]
        );
        assert_eq!(
            contacts("微信号：abc_job2024", None),
            vec!["wechat:@abc_job2024"]
        );
        assert_eq!(
            contacts("加VX: abc_job2024 详聊", None),
            vec!["wechat:@abc_job2024"]
        );
        assert_eq!(
            contacts("WeChat ID: abc_job2024", None),
            vec!["wechat:@abc_job2024"]
        );
        assert_eq!(
            contacts("Zalo: 0912.345.678", Some("VN")),
            vec!["phone:+84912345678"]
        );
        assert_eq!(
            contacts("zalo.me/0912345678", Some("VN")),
            vec!["phone:+84912345678"]
        );
        assert_eq!(contacts("zalo.me/g/qwerty12", None), vec!["zalo:qwerty12"]);
        assert_eq!(
            contacts("카톡 아이디: jobkr77", None),
            vec!["kakao:@jobkr77"]
        );
        assert_eq!(
            contacts("open.kakao.com/o/sAbC123", None),
            vec!["kakao:sabc123"]
        );
        assert_eq!(
            contacts("Viber +63 917 123 4567", None),
            vec!["phone:+639171234567"]
        );
        assert_eq!(
            contacts("signal.me/#p/+85512345678", None),
            vec!["phone:+85512345678"]
        );
    }

    #[test]
    fn emails_plain_and_spelled_out() {
        let want = vec!["domain:fastjob-asia.com", "email:hr.team@fastjob-asia.com"];
        assert_eq!(contacts("Send CV to HR.Team@FastJob-Asia.com.", None), want);
        assert_eq!(contacts("hr.team [at] fastjob-asia [dot] com", None), want);
        assert_eq!(contacts("hr.team(at)fastjob-asia(dot)com", None), want);
        assert_eq!(contacts("hr.team at fastjob-asia dot com", None), want);
        assert_eq!(contacts("hr.team＠fastjob-asia．com", None), want); // fullwidth
        assert_eq!(contacts("hr.team แอท fastjob-asia ดอท com", None), want);
        assert_eq!(contacts("hr.team a còng fastjob-asia chấm com", None), want);
        // A free-mail address links by the address, never by the domain.
        assert_eq!(
            contacts("mail linda.kh88@gmail.com", None),
            vec!["email:linda.kh88@gmail.com"]
        );
        // "at" in prose is not an address.
        assert!(contacts("Work at home, apply at our office", None).is_empty());
    }

    #[test]
    fn web_domains_not_common_hosts() {
        assert_eq!(
            contacts("Apply: https://jobs.fastjob-asia.com.kh/apply?id=3", None),
            vec!["domain:fastjob-asia.com.kh"]
        );
        assert_eq!(
            contacts("visit www.fastjob-asia.net", None),
            vec!["domain:fastjob-asia.net"]
        );
        assert_eq!(
            contacts("see fastjob-asia.com for more", None),
            vec!["domain:fastjob-asia.com"]
        );
        for text in [
            "Apply on https://www.jobstreet.com.my/job/123",
            "Follow us on facebook.com/fastjob",
            "Skills: ASP.NET, Node.js, Vue.js",
            "Experience in sales.It is a plus",
            "Shortlink bit.ly/abc",
        ] {
            assert!(
                contacts(text, None).is_empty(),
                "{text}: {:?}",
                contacts(text, None)
            );
        }
    }

    #[test]
    fn country_from_value_or_location() {
        assert_eq!(country_of(None, Some("US, NY, New York")), Some("US"));
        assert_eq!(country_of(None, Some("Phnom Penh")), Some("KH"));
        assert_eq!(country_of(Some("Thailand"), Some("Phnom Penh")), Some("TH"));
        assert_eq!(country_of(None, Some("Hồ Chí Minh")), Some("VN"));
        assert_eq!(country_of(None, Some("Remote")), None);
    }
}
