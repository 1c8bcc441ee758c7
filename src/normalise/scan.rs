//! Block scans: where plain ASCII ends, found many bytes at a time, for both passes.

use super::rewrite::{NOT_WORD, REWRITE_CLASS};

/// Printable ASCII that the first pass copies as it is (lowercased): everything but
/// controls, space (folded) and the starts of tags, entities and placeholders.
pub(super) const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x21;
    while b < 0x7f {
        t[b] = !matches!(b as u8, b'<' | b'&' | b'#');
        b += 1;
    }
    t
};

// Block scans. Both passes spend most of their time finding where plain ASCII ends. They
// classify a block of bytes at a time into flags with one comparison expression per byte
// (which the compiler turns into SIMD compares, with no `unsafe` and no target features),
// then look for the first flag a word at a time.

/// Bytes classified per step of the block scans.
const BLOCK: usize = 32;

/// The `N` bytes from `bytes[from - 1]` on, or, where they do not all exist, the same
/// window padded with `pad` (before the text's start and past its end).
#[inline]
fn window<'a, const N: usize>(
    bytes: &'a [u8],
    from: usize,
    pad: u8,
    copy: &'a mut [u8; N],
) -> &'a [u8; N] {
    let whole = from
        .checked_sub(1)
        .and_then(|p| bytes.get(p..p + N))
        .and_then(|w| <&[u8; N]>::try_from(w).ok());
    if let Some(w) = whole {
        return w;
    }
    copy.fill(pad);
    copy[0] = from
        .checked_sub(1)
        .and_then(|p| bytes.get(p))
        .copied()
        .unwrap_or(pad);
    for (d, &s) in copy
        .iter_mut()
        .skip(1)
        .zip(bytes.get(from..).unwrap_or(&[]))
    {
        *d = s;
    }
    copy
}

/// The index of the first non-zero flag.
#[inline]
fn first_flag(flags: &[u8; BLOCK]) -> Option<usize> {
    let mut at = 0;
    for chunk in flags.chunks_exact(8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        if word != 0 {
            return Some(at + (word.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    None
}

/// Whether a byte (after `prev`) ends a run of plain ASCII: not [`PLAIN`] and not a
/// single space.
#[inline(always)]
fn ends_plain_run(prev: u8, b: u8) -> bool {
    // Controls, DEL and non-ASCII: outside 0x20..0x7f (in one comparison).
    (b.wrapping_sub(0x20) >= 0x5f)
        | (b == b'<')
        | (b == b'&')
        | (b == b'#')
        | ((b == b' ') & (prev == b' '))
}

/// The end of the run of plain ASCII starting at `bytes[i]` (a [`PLAIN`] byte): the first
/// byte after it that is neither plain nor a single space (a space after a non-space).
pub(super) fn plain_run_end(bytes: &[u8], i: usize) -> usize {
    let n = bytes.len();
    let mut k = i + 1;
    let mut copy = [0; BLOCK + 1];
    while k < n {
        // Past the end is a control byte, which ends the run.
        let w = window(bytes, k, 0, &mut copy);
        let mut flags = [0u8; BLOCK];
        for (j, flag) in flags.iter_mut().enumerate() {
            *flag = u8::from(ends_plain_run(w[j], w[j + 1]));
        }
        if let Some(d) = first_flag(&flags) {
            return (k + d).min(n);
        }
        k += BLOCK;
    }
    n
}

/// [`plain_run_end`] one byte at a time (the specification it is tested against).
#[cfg(test)]
fn plain_run_end_bytewise(bytes: &[u8], i: usize) -> usize {
    let mut k = i + 1;
    while let Some(&b) = bytes.get(k) {
        if ends_plain_run(bytes[k - 1], b) {
            break;
        }
        k += 1;
    }
    k
}

#[inline(always)]
fn is_ascii_letter(b: u8) -> bool {
    (b | 0x20).wrapping_sub(b'a') < 26
}

/// Whether the second pass must look at the word holding byte `b` (between `prev` and
/// `next`): a non-ASCII byte, a digit or `@$!` next to a letter, or a letter alone.
#[inline(always)]
fn needs_rewrite_look(prev: u8, b: u8, next: u8) -> bool {
    let around = is_ascii_letter(prev) | is_ascii_letter(next);
    let symbol = (b.wrapping_sub(b'0') < 10) | (b == b'@') | (b == b'$') | (b == b'!');
    (b >= 0x80) | (symbol & around) | (is_ascii_letter(b) & !around)
}

/// Where the second pass, between words at byte `i` of the first pass output, has work
/// next: the start of the first word that holds a non-ASCII byte, a digit or `@$!` next
/// to a letter, or is one letter long (else `bytes.len()`). Every word before it is
/// ASCII only and either letters only and longer than one, or has no letter: the pass
/// leaves those as they are.
pub(super) fn next_rewrite_candidate(bytes: &[u8], i: usize) -> usize {
    let n = bytes.len();
    let mut k = i;
    let mut copy = [0; BLOCK + 2];
    let hit = loop {
        if k >= n {
            break n;
        }
        // Past the end is a space (and before the text's start; before `i`, see below).
        let w = window(bytes, k, b' ', &mut copy);
        let mut flags = [0u8; BLOCK];
        for (j, flag) in flags.iter_mut().enumerate() {
            *flag = u8::from(needs_rewrite_look(w[j], w[j + 1], w[j + 2]));
        }
        if k == i {
            // The pass starts a word at `i`, whatever precedes it.
            flags[0] = u8::from(needs_rewrite_look(b' ', w[1], w[2]));
        }
        if let Some(d) = first_flag(&flags) {
            break (k + d).min(n);
        }
        k += BLOCK;
    };
    // Bytes `i..hit` are ASCII: the word holding `hit` starts after the last non-word byte.
    let mut start = hit;
    while start > i
        && bytes
            .get(start - 1)
            .is_some_and(|&b| REWRITE_CLASS[b as usize] != NOT_WORD)
    {
        start -= 1;
    }
    start
}

/// [`next_rewrite_candidate`] one byte at a time (the specification it is tested against).
#[cfg(test)]
fn next_rewrite_candidate_bytewise(bytes: &[u8], i: usize) -> usize {
    let mut k = i;
    while let Some(&b) = bytes.get(k) {
        let prev = if k > i { bytes[k - 1] } else { b' ' };
        let next = bytes.get(k + 1).copied().unwrap_or(b' ');
        if needs_rewrite_look(prev, b, next) {
            break;
        }
        k += 1;
    }
    let mut start = k;
    while start > i && REWRITE_CLASS[bytes[start - 1] as usize] != NOT_WORD {
        start -= 1;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Bytes for the block scans: what they tell apart, around block boundaries.
    fn scan_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            4 => prop::sample::select(b"aZq ".to_vec()),
            1 => prop::sample::select(b"09@$!<&#.-\x00\x1f\x7f\x80\xc2\xa0\xff".to_vec()),
            1 => any::<u8>(),
        ];
        prop::collection::vec(byte, 0..100)
    }

    /// Both block scans agree with their bytewise specifications from every start.
    fn check_block_scans(bytes: &[u8]) -> Result<(), TestCaseError> {
        for i in 0..=bytes.len() {
            prop_assert_eq!(
                next_rewrite_candidate(bytes, i),
                next_rewrite_candidate_bytewise(bytes, i),
                "candidate from {}",
                i
            );
            if bytes.get(i).is_some_and(|&b| PLAIN[b as usize]) {
                prop_assert_eq!(
                    plain_run_end(bytes, i),
                    plain_run_end_bytewise(bytes, i),
                    "run from {}",
                    i
                );
            }
        }
        Ok(())
    }

    /// A block that runs past the end of the text still sees the byte before it: a
    /// digit after a letter there is found (it was missed), a letter inside a word is
    /// not taken for a one-letter word (proptest found this one).
    #[test]
    fn block_scans_see_the_byte_before_the_last_block() {
        let digit_after_letter = [b"a".repeat(32), b"5 tail".to_vec()].concat();
        assert_eq!(next_rewrite_candidate(&digit_after_letter, 0), 0);
        let found = [
            &[48, 32, 97, 97, 97, 97, 97, 65, 97, 97, 97, 0][..],
            &[97; 21],
            &[32],
        ]
        .concat();
        for bytes in [digit_after_letter, found] {
            check_block_scans(&bytes).expect("block scans agree");
        }
    }

    proptest! {
        #[test]
        fn block_scans_agree_with_bytewise(bytes in scan_bytes()) {
            check_block_scans(&bytes)?;
        }
    }
}
