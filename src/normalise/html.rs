//! Markup in the original: HTML tags and comments, entities, and EMSCAD placeholders.

/// Longest HTML tag recognised: a stray `<` in prose must not swallow a page of text.
const MAX_TAG: usize = 2048;

/// The HTML tag, comment or declaration starting at `bytes[i]` (a `<`), if one does:
/// the index one past it, and whether it renders as a space. Comments and inline
/// formatting tags render as nothing, so "Tele<b>gram</b>" or "Tele<!---->gram" read
/// "Telegram" as on screen; every other tag (`<br>`, `<p>`, `</li>`, …) is a space.
pub(super) fn tag_end(bytes: &[u8], i: usize, comment_ends: &mut bool) -> Option<(usize, bool)> {
    let rest = bytes.get(i + 1..)?;
    let (body, spaced) = match *rest.first()? {
        b'!' if rest.starts_with(b"!--") => {
            if !*comment_ends {
                return None;
            }
            let from = i + 4;
            let tail = bytes.get(from..)?;
            return match tail.windows(3).position(|w| w == b"-->") {
                Some(p) => Some((from + p + 3, false)),
                None => {
                    *comment_ends = false;
                    None
                }
            };
        }
        // <!DOCTYPE …>, <![CDATA[ …
        b'!' if rest
            .get(1)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'[') =>
        {
            (i + 2, true)
        }
        b'?' => (i + 2, true),
        b'/' => tag_name(bytes, i + 2)?,
        b if b.is_ascii_alphabetic() => tag_name(bytes, i + 1)?,
        _ => return None,
    };
    let limit = bytes.len().min(i + MAX_TAG);
    for (k, &b) in bytes.get(body..limit)?.iter().enumerate() {
        match b {
            b'>' => return Some((body + k + 1, spaced)),
            b'<' => return None,
            _ => {}
        }
    }
    None
}

/// Inline formatting tags: they render as nothing, not as a break.
const INLINE_TAGS: [&[u8]; 29] = [
    b"a", b"abbr", b"b", b"bdi", b"bdo", b"big", b"cite", b"code", b"del", b"dfn", b"em", b"font",
    b"i", b"ins", b"kbd", b"mark", b"q", b"s", b"samp", b"small", b"span", b"strike", b"strong",
    b"sub", b"sup", b"tt", b"u", b"var", b"wbr",
];

/// The tag name starting at `p`: the index of what follows it, if that can continue a
/// tag (space, `>`, `/>`), and whether the tag renders as a space (not an inline one).
/// Names may hold `:` (Word's `<o:p>`), so `<https://…>` and `<name@mail.com>` are told
/// apart by what follows the name.
fn tag_name(bytes: &[u8], p: usize) -> Option<(usize, bool)> {
    if !bytes.get(p)?.is_ascii_alphabetic() {
        return None;
    }
    let mut q = p + 1;
    while bytes
        .get(q)
        .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'-' | b'_' | b'.'))
    {
        q += 1;
    }
    match *bytes.get(q)? {
        b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {}
        b'/' if bytes.get(q + 1) == Some(&b'>') => {}
        _ => return None,
    }
    let name = bytes.get(p..q)?;
    let inline = INLINE_TAGS.iter().any(|t| name.eq_ignore_ascii_case(t));
    Some((q, !inline))
}

/// The character and end index of the HTML entity starting at `bytes[i]` (a `&`).
pub(super) fn entity(bytes: &[u8], i: usize) -> Option<(char, usize)> {
    let rest = bytes.get(i + 1..)?;
    if rest.first() == Some(&b'#') {
        let hex = matches!(rest.get(1), Some(b'x' | b'X'));
        let (radix, from, max) = if hex { (16, 2, 6) } else { (10, 1, 7) };
        let digits = rest
            .get(from..)?
            .iter()
            .take_while(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 || digits > max || rest.get(from + digits) != Some(&b';') {
            return None;
        }
        let mut v: u32 = 0;
        for &b in rest.get(from..from + digits)? {
            v = v * radix + char::from(b).to_digit(radix)?;
        }
        return Some((numeric_char(v)?, i + 1 + from + digits + 1));
    }
    let len = rest
        .iter()
        .take(12)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = rest.get(..len)?;
    if rest.get(len) == Some(&b';') {
        return named_entity(name).map(|c| (c, i + 1 + len + 1));
    }
    // HTML still accepts these few without the semicolon, and scraped adverts use them.
    let legacy = matches!(name, b"amp" | b"lt" | b"gt" | b"quot" | b"nbsp");
    if legacy && rest.get(len) != Some(&b'=') {
        return named_entity(name).map(|c| (c, i + 1 + len));
    }
    None
}

/// A numeric character reference's character: 128–159 are read as Windows-1252, as
/// browsers do (`&#146;` is a right quote); NUL, surrogates and out-of-range are refused.
fn numeric_char(v: u32) -> Option<char> {
    const CP1252: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match v {
        0 => None,
        0x80..=0x9F => CP1252.get((v - 0x80) as usize).copied(),
        _ => char::from_u32(v),
    }
}

fn named_entity(name: &[u8]) -> Option<char> {
    Some(match name {
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"quot" => '"',
        b"apos" => '\'',
        b"nbsp" => '\u{a0}',
        b"ensp" => '\u{2002}',
        b"emsp" => '\u{2003}',
        b"thinsp" => '\u{2009}',
        b"zwnj" => '\u{200c}',
        b"zwj" => '\u{200d}',
        b"lrm" => '\u{200e}',
        b"rlm" => '\u{200f}',
        b"shy" => '\u{ad}',
        b"copy" => '©',
        b"reg" => '®',
        b"trade" => '™',
        b"hellip" => '…',
        b"mdash" => '—',
        b"ndash" => '–',
        b"minus" => '−',
        b"lsquo" => '‘',
        b"rsquo" => '’',
        b"sbquo" => '‚',
        b"ldquo" => '“',
        b"rdquo" => '”',
        b"bdquo" => '„',
        b"laquo" => '«',
        b"raquo" => '»',
        b"lsaquo" => '‹',
        b"rsaquo" => '›',
        b"bull" => '•',
        b"middot" => '·',
        b"deg" => '°',
        b"plusmn" => '±',
        b"times" => '×',
        b"divide" => '÷',
        b"micro" => 'µ',
        b"para" => '¶',
        b"sect" => '§',
        b"cent" => '¢',
        b"pound" => '£',
        b"yen" => '¥',
        b"euro" => '€',
        b"curren" => '¤',
        b"iexcl" => '¡',
        b"iquest" => '¿',
        b"frac12" => '½',
        b"frac14" => '¼',
        b"frac34" => '¾',
        b"sup1" => '¹',
        b"sup2" => '²',
        b"sup3" => '³',
        b"ordf" => 'ª',
        b"ordm" => 'º',
        b"not" => '¬',
        b"macr" => '¯',
        b"acute" => '´',
        b"cedil" => '¸',
        b"uml" => '¨',
        b"brvbar" => '¦',
        b"dagger" => '†',
        b"Dagger" => '‡',
        b"permil" => '‰',
        b"prime" => '′',
        b"Prime" => '″',
        b"larr" => '←',
        b"rarr" => '→',
        b"uarr" => '↑',
        b"darr" => '↓',
        b"harr" => '↔',
        b"rArr" => '⇒',
        b"le" => '≤',
        b"ge" => '≥',
        b"ne" => '≠',
        b"asymp" => '≈',
        b"infin" => '∞',
        b"hearts" => '♥',
        b"fnof" => 'ƒ',
        b"circ" => 'ˆ',
        b"tilde" => '˜',
        b"AElig" => 'Æ',
        b"aelig" => 'æ',
        b"Aacute" => 'Á',
        b"aacute" => 'á',
        b"Acirc" => 'Â',
        b"acirc" => 'â',
        b"Agrave" => 'À',
        b"agrave" => 'à',
        b"Aring" => 'Å',
        b"aring" => 'å',
        b"Atilde" => 'Ã',
        b"atilde" => 'ã',
        b"Auml" => 'Ä',
        b"auml" => 'ä',
        b"Ccedil" => 'Ç',
        b"ccedil" => 'ç',
        b"Eacute" => 'É',
        b"eacute" => 'é',
        b"Ecirc" => 'Ê',
        b"ecirc" => 'ê',
        b"Egrave" => 'È',
        b"egrave" => 'è',
        b"Euml" => 'Ë',
        b"euml" => 'ë',
        b"Iacute" => 'Í',
        b"iacute" => 'í',
        b"Icirc" => 'Î',
        b"icirc" => 'î',
        b"Igrave" => 'Ì',
        b"igrave" => 'ì',
        b"Iuml" => 'Ï',
        b"iuml" => 'ï',
        b"Ntilde" => 'Ñ',
        b"ntilde" => 'ñ',
        b"Oacute" => 'Ó',
        b"oacute" => 'ó',
        b"Ocirc" => 'Ô',
        b"ocirc" => 'ô',
        b"Ograve" => 'Ò',
        b"ograve" => 'ò',
        b"Oslash" => 'Ø',
        b"oslash" => 'ø',
        b"Otilde" => 'Õ',
        b"otilde" => 'õ',
        b"Ouml" => 'Ö',
        b"ouml" => 'ö',
        b"OElig" => 'Œ',
        b"oelig" => 'œ',
        b"Scaron" => 'Š',
        b"scaron" => 'š',
        b"szlig" => 'ß',
        b"Uacute" => 'Ú',
        b"uacute" => 'ú',
        b"Ucirc" => 'Û',
        b"ucirc" => 'û',
        b"Ugrave" => 'Ù',
        b"ugrave" => 'ù',
        b"Uuml" => 'Ü',
        b"uuml" => 'ü',
        b"Yacute" => 'Ý',
        b"yacute" => 'ý',
        b"Yuml" => 'Ÿ',
        b"yuml" => 'ÿ',
        b"ETH" => 'Ð',
        b"eth" => 'ð',
        b"THORN" => 'Þ',
        b"thorn" => 'þ',
        _ => return None,
    })
}

/// The normalised form and end index of the EMSCAD placeholder starting at `bytes[i]`
/// (a `#`), such as `#URL_0b3e…#`.
pub(super) fn placeholder(bytes: &[u8], i: usize) -> Option<(&'static str, usize)> {
    const KINDS: [(&[u8], &str); 3] = [
        (b"URL_", "#url#"),
        (b"EMAIL_", "#email#"),
        (b"PHONE_", "#phone#"),
    ];
    let rest = bytes.get(i + 1..)?;
    for (prefix, name) in KINDS {
        let Some(head) = rest.get(..prefix.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(prefix) {
            continue;
        }
        let from = prefix.len();
        let hex = rest
            .get(from..)?
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        if hex > 0 && rest.get(from + hex) == Some(&b'#') {
            return Some((name, i + 1 + from + hex + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::normalise::tests::{norm, quote};

    #[test]
    fn html_tags_become_spaces() {
        assert_eq!(
            norm("Apply<br>now<p class=\"x\">Salary</p><li>A</li>"),
            "apply now salary a"
        );
        assert_eq!(norm("<br/>x<br />y</li >z"), "x y z");
        assert_eq!(norm("a <!-- hidden --> b<hr>c"), "a b c");
        // Comments and inline tags render as nothing: no space inside a word.
        assert_eq!(
            norm("Tele<!-- x -->gram <B>Tele</B>gram <span class=\"x\">now</span>!"),
            "telegram telegram now!"
        );
        assert_eq!(quote("Write on Tele<b>gram</b>", "telegram"), "Tele<b>gram");
        assert_eq!(norm("<o:p>word</o:p>"), "word");
        assert_eq!(quote("Apply<br>NOW", "now"), "NOW");
    }

    #[test]
    fn lone_angle_brackets_and_ampersands_stay() {
        assert_eq!(norm("salary <5000 & more"), "salary <5000 & more");
        assert_eq!(
            norm("mail <hr@example.com> now"),
            "mail <hr@example.com> now"
        );
        assert_eq!(norm("see <https://t.me/x> now"), "see <https://t.me/x> now");
        assert_eq!(norm("AT&T R&D a<b"), "at&t r&d a<b");
        assert_eq!(norm("<!-- never closed"), "<!-- never closed");
    }

    #[test]
    fn entities_decoded_once() {
        assert_eq!(
            norm("Tom &amp; Jerry&#39;s &quot;job&quot;"),
            "tom & jerry's \"job\""
        );
        assert_eq!(norm("&lt;b&gt;bold&lt;/b&gt;"), "<b>bold</b>");
        assert_eq!(norm("caf&eacute; &#233; &#xE9; &#XE9;"), "café é é é");
        assert_eq!(norm("a&nbsp;b&nbsp c"), "a b c");
        assert_eq!(norm("it&#146;s"), "it’s");
        assert_eq!(
            norm("&amp;lt; &bogus; &#0; &#xD800;"),
            "&lt; &bogus; &#0; &#xd800;"
        );
        assert_eq!(quote("&lt;b&gt;", "<b>"), "&lt;b&gt;");
        assert_eq!(quote("x &lt;b&gt; y", "b"), "b");
        assert_eq!(quote("caf&eacute;", "é"), "&eacute;");
    }

    #[test]
    fn placeholders() {
        let url = "#URL_0b3e6b3e8f5f4f1e4d5b9a0c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1#";
        let original = format!("Visit {url} or mail#EMAIL_ab12#, call #PHONE_ff#.");
        assert_eq!(
            norm(&original),
            "visit #url# or mail #email# , call #phone# ."
        );
        assert_eq!(quote(&original, "#url#"), url);
        assert_eq!(quote(&original, "#email#"), "#EMAIL_ab12#");
        assert_eq!(
            norm("#URL_# #URL_xyz# #hashtag"),
            "#url_# #url_xyz# #hashtag"
        );
    }
}
