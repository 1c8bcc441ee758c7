//! Numbers: digits of the scripts adverts use, thousands and decimal separators.

use super::text::is_latin_word_char;

/// The value of a decimal digit in the scripts adverts use.
pub(super) fn digit_value(c: char) -> Option<u32> {
    let base = match c {
        '0'..='9' => '0',
        '\u{0660}'..='\u{0669}' => '\u{0660}', // Arabic-Indic
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}', // Extended Arabic-Indic
        '\u{0966}'..='\u{096F}' => '\u{0966}', // Devanagari
        '\u{09E6}'..='\u{09EF}' => '\u{09E6}', // Bengali
        '\u{0E50}'..='\u{0E59}' => '\u{0E50}', // Thai
        '\u{0ED0}'..='\u{0ED9}' => '\u{0ED0}', // Lao
        '\u{1040}'..='\u{1049}' => '\u{1040}', // Myanmar
        '\u{17E0}'..='\u{17E9}' => '\u{17E0}', // Khmer
        _ => return None,
    };
    Some(c as u32 - base as u32)
}

/// Reads a digit run at `i`: (end, value, number of digits, first digit).
fn read_digits(text: &str, i: usize) -> (usize, f64, usize, u32) {
    let (mut end, mut value, mut n, mut first) = (i, 0.0, 0, 0);
    for c in text[i..].chars() {
        let Some(d) = digit_value(c) else { break };
        if n == 0 {
            first = d;
        }
        value = value * 10.0 + f64::from(d);
        n += 1;
        end += c.len_utf8();
    }
    (end, value, n, first)
}

/// Where the numeric token at `i` ends (digits and separators between digits), so a
/// rejected number (a phone number, "covid19") is skipped whole.
pub(super) fn numeric_token_end(text: &str, i: usize) -> usize {
    let mut end = read_digits(text, i).0;
    while let Some(sep @ (',' | '.')) = text[end..].chars().next() {
        let (e, _, n, _) = read_digits(text, end + sep.len_utf8());
        if n == 0 {
            break;
        }
        end = e;
    }
    end
}

/// Parses the number at `i`: "2,500", "2.500" and "2 500" (a separator before exactly
/// three digits groups thousands), "1.5", "2,5" (decimals), "7,5000" (a misplaced
/// thousands comma, as printed in a research source). Returns (end, value).
pub(super) fn scan_number(text: &str, i: usize) -> Option<(usize, f64)> {
    let (mut end, mut value, first_len, first) = read_digits(text, i);
    // "0912 345 678" and "007" are phone numbers and codes, not amounts.
    if first_len == 0 || first_len > 15 || (first == 0 && first_len > 1) {
        return None;
    }
    let mut group: Option<char> = None;
    let mut digits = first_len;
    while let Some(sep @ (',' | '.' | ' ')) = text[end..].chars().next() {
        let (g_end, g_value, g_len, _) = read_digits(text, end + 1);
        if g_len == 0 {
            break;
        }
        if g_len == 3 && group.map_or(first_len <= 3, |g| g == sep) {
            value = value * 1e3 + g_value;
            digits += 3;
            group = Some(sep);
            end = g_end;
            continue;
        }
        if sep == ',' && g_len >= 4 && group.is_none() && first_len <= 3 && g_len <= 6 {
            value = value * 10f64.powi(g_len as i32) + g_value;
            end = g_end;
            break;
        }
        let decimal = sep != ' ' && group != Some(sep) && (sep == '.' || g_len <= 2);
        if decimal {
            // Whole digits over a power of ten, so "12.21" is 12.21 and not 12.2099….
            let (mut frac, mut scale) = (0.0, 1.0);
            for c in text[end + 1..g_end].chars().take(6) {
                frac = frac * 10.0 + f64::from(digit_value(c).unwrap_or(0));
                scale *= 10.0;
            }
            value += frac / scale;
            end = g_end;
        }
        break;
    }
    (digits <= 15).then_some((end, value))
}

/// Whether digits at `start` may begin an amount without a currency mark before them:
/// not glued to a word ("covid19"), a phone prefix ("+84") or another number ("9:30").
pub(super) fn free_before(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    let Some(p) = before.next() else { return true };
    if is_latin_word_char(p) || matches!(p, '+' | '#' | '@' | '_' | '&') {
        return false;
    }
    !(matches!(p, '.' | ',' | ':' | '/') && before.next().and_then(digit_value).is_some())
}
