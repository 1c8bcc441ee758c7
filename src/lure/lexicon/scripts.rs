//! Script groups: the UTF-8 lead-byte groups a text or pattern holds, choosing its pass.

/// Every script group: a pass for it holds every entry.
pub(super) const ALL_SCRIPTS: u8 = u8::MAX;

/// The script group of a UTF-8 lead byte, as a bit: 2-byte sequences (Latin, Greek,
/// Cyrillic, …), U+0800–0FFF (Indic, Thai, Lao), U+1000–1FFF (Myanmar, Khmer, Hangul jamo,
/// Vietnamese letters), U+2000–2FFF (punctuation), U+3000–3FFF (kana), U+4000–9FFF
/// (Han), U+A000–DFFF (Hangul), and the rest. ASCII bytes have no group (0).
pub(super) fn lead_group(b: u8) -> u8 {
    match b {
        0xC0..=0xDF => 1,
        0xE0 => 1 << 1,
        0xE1 => 1 << 2,
        0xE2 => 1 << 3,
        0xE3 => 1 << 4,
        0xE4..=0xE9 => 1 << 5,
        0xEA..=0xED => 1 << 6,
        0xEE..=0xFF => 1 << 7,
        _ => 0,
    }
}

/// The script groups present in `text`.
pub(super) fn script_groups(text: &str) -> u8 {
    // Most fields are ASCII, which the standard library checks fastest.
    if text.is_ascii() {
        return 0;
    }
    let mut groups = 0;
    // Eight bytes at a time: most of most texts is ASCII, passed over a word at once.
    let mut chunks = text.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        if word & 0x8080_8080_8080_8080 != 0 {
            groups |= chunk.iter().fold(0, |g, &b| g | lead_group(b));
        }
    }
    // Lead bytes of 2- to 4-byte characters; ASCII and continuation bytes have no group.
    chunks
        .remainder()
        .iter()
        .fold(groups, |g, &b| g | lead_group(b))
}

pub(super) fn char_group(c: char) -> u8 {
    let mut buf = [0u8; 4];
    lead_group(c.encode_utf8(&mut buf).as_bytes()[0])
}
