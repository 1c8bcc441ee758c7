//! Near-duplicate sketches: an advert's shingles, a MinHash signature of them, and the
//! LSH bands that bucket signatures so that only likely pairs are ever compared.
//!
//! Shingles are runs of consecutive tokens of the normalised text ([`crate::tokens`]):
//! `word_shingle` words in space-delimited scripts, and in scripts written without
//! spaces (Thai, Lao, Khmer, Myanmar, Chinese, Japanese), whose tokens are character
//! bigrams, runs of `char_shingle` characters. Tokens are hashed as the n-gram features
//! hash them ([`crate::features::token_shingle_hash`]), so a campaign run reuses the
//! scorer's hashes instead of tokenising each advert twice: numbers by their shape
//! (`2,500` and `3,000` are the same word), so a changed price does not make a template
//! look new; the same for EMSCAD's placeholders, which are tokens already.
//!
//! The signature is one-permutation MinHash (Li, Owen and Zhang 2012) with optimal
//! densification (Shrivastava 2017): one hash per shingle, split into `K` bins by its
//! high bits, the minimum of each bin kept, and empty bins filled from a bin chosen by a
//! fixed probe sequence. That costs O(shingles + K) per advert instead of the O(shingles
//! × K) of K separate hash functions, and the fraction of equal bins still estimates the
//! Jaccard similarity of the two shingle sets without bias. Each bin keeps 16 bits of its
//! minimum: two different minima agree by chance once in 65,536, which is noise against
//! a threshold of 0.5, and it halves the memory of a million signatures.
//!
//! What it does not do: no stemming, translation or synonym matching (a template
//! translated into another language is another template), and the estimate is an
//! estimate (standard error about `sqrt(J(1-J)/K)`, 0.044 at J = 0.5 with 128 bins).

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use crate::features::{TokenHash, token_shingle_hash};
use crate::tokens::{TokenKind, Tokens};

/// Bins in a signature.
pub const SIGNATURE_LEN: usize = 128;

/// One advert's signature: 16 bits of each bin's minimum.
pub type Signature = [u16; SIGNATURE_LEN];

/// Mixes a window of token hashes into one shingle hash.
#[inline]
fn mix(acc: u64, h: u64) -> u64 {
    (acc.rotate_left(27) ^ h).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Builds signatures, reusing its buffers.
#[derive(Debug, Clone)]
pub struct Sketcher {
    word_shingle: usize,
    char_shingle: usize,
    bins: [u32; SIGNATURE_LEN],
    filled: [bool; SIGNATURE_LEN],
    /// One text's token hashes, for [`Sketcher::signature`].
    tokens: Vec<TokenHash>,
}

impl Sketcher {
    /// A sketcher with shingles of `word_shingle` words and `char_shingle` characters
    /// (each at least 1; a character shingle of `n` is `n - 1` overlapping bigrams).
    pub fn new(word_shingle: usize, char_shingle: usize) -> Self {
        Sketcher {
            word_shingle: word_shingle.max(1),
            char_shingle: char_shingle.max(2),
            bins: [u32::MAX; SIGNATURE_LEN],
            filled: [false; SIGNATURE_LEN],
            tokens: Vec::new(),
        }
    }

    /// Whether this sketcher shingles as [`Sketcher::new`] with these lengths would.
    pub fn shingles_as(&self, word_shingle: usize, char_shingle: usize) -> bool {
        self.word_shingle == word_shingle.max(1) && self.char_shingle == char_shingle.max(2)
    }

    /// The signature of the given normalised texts (an advert's fields, each shingled
    /// on its own), or `None` when they hold no token at all.
    pub fn signature<'t>(&mut self, texts: impl IntoIterator<Item = &'t str>) -> Option<Signature> {
        self.clear();
        let mut tokens = std::mem::take(&mut self.tokens);
        let mut any = false;
        for text in texts {
            tokens.clear();
            tokens.extend(Tokens::new(text).map(|t| {
                (
                    token_shingle_hash(t.text, t.kind),
                    t.kind == TokenKind::Bigram,
                )
            }));
            any |= self.add_tokens(&tokens);
        }
        self.tokens = tokens;
        any.then(|| self.finish())
    }

    /// [`Sketcher::signature`] from the token hashes the feature extractor kept for each
    /// field ([`crate::features::ExtractBuffers::token_hashes`]): the same signature,
    /// without tokenising and hashing the text a second time.
    pub fn signature_of_tokens<'t>(
        &mut self,
        fields: impl IntoIterator<Item = &'t [TokenHash]>,
    ) -> Option<Signature> {
        self.clear();
        let mut any = false;
        for tokens in fields {
            any |= self.add_tokens(tokens);
        }
        any.then(|| self.finish())
    }

    fn clear(&mut self) {
        self.bins = [u32::MAX; SIGNATURE_LEN];
        self.filled = [false; SIGNATURE_LEN];
    }

    /// Adds one text's shingles; returns whether it had any token. A switch between
    /// spaced and unspaced script starts a new run (the two shingle lengths do not mix);
    /// a run shorter than one shingle still counts as one.
    fn add_tokens(&mut self, tokens: &[TokenHash]) -> bool {
        for run in tokens.chunk_by(|a, b| a.1 == b.1) {
            let len = if run[0].1 {
                self.char_shingle - 1
            } else {
                self.word_shingle
            };
            if run.len() < len {
                self.add_shingle(window_hash(run));
            } else {
                for window in run.windows(len) {
                    self.add_shingle(window_hash(window));
                }
            }
        }
        !tokens.is_empty()
    }

    #[inline]
    fn add_shingle(&mut self, h: u64) {
        let bin = (((h >> 32) * SIGNATURE_LEN as u64) >> 32) as usize;
        let value = h as u32;
        if let (Some(b), Some(f)) = (self.bins.get_mut(bin), self.filled.get_mut(bin)) {
            *b = (*b).min(value);
            *f = true;
        }
    }

    /// Densifies empty bins and keeps 16 bits per bin.
    fn finish(&self) -> Signature {
        let mut sig = [0u16; SIGNATURE_LEN];
        for (i, out) in sig.iter_mut().enumerate() {
            let value = if self.filled[i] {
                self.bins[i]
            } else {
                // Optimal densification: probe bins by a sequence fixed per bin (the
                // same for every advert) until a filled one; at least one is filled.
                let mut attempt = 1u64;
                loop {
                    let probe = xxh3_64_with_seed(&(i as u64).to_le_bytes(), attempt);
                    let j = (((probe >> 32) * SIGNATURE_LEN as u64) >> 32) as usize;
                    if self.filled[j] {
                        break self.bins[j];
                    }
                    attempt += 1;
                    if attempt > 4096 {
                        // Unreachable with a filled bin (a probe hits each bin with
                        // probability 1/K); kept so no input can loop forever.
                        break 0;
                    }
                }
            };
            *out = (value >> 16) as u16;
        }
        sig
    }
}

/// A window of tokens' shingle hash.
#[inline]
fn window_hash(window: &[TokenHash]) -> u64 {
    let h = window.iter().fold(0u64, |acc, &(t, _)| mix(acc, t));
    // Final avalanche: the bin comes from the high bits, the value from the low.
    xxh3_64(&h.to_le_bytes())
}

/// The estimated Jaccard similarity of two signatures: the share of equal bins.
#[inline]
pub fn similarity(a: &Signature, b: &Signature) -> f64 {
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f64 / SIGNATURE_LEN as f64
}

/// Band `band`'s key: its `rows` bins packed (16 bits each, at most 4 to a key), mixed
/// with the band number.
#[inline]
pub fn band_key(sig: &Signature, band: usize, rows: usize) -> u64 {
    let start = band * rows;
    let mut key = band as u64;
    for &v in sig.iter().skip(start).take(rows) {
        key = key.rotate_left(16) ^ u64::from(v);
    }
    if rows > 4 {
        // More than 64 bits of bins: hash them instead of packing.
        let mut bytes = [0u8; 2 * SIGNATURE_LEN];
        for (k, &v) in sig.iter().skip(start).take(rows).enumerate() {
            bytes[2 * k..2 * k + 2].copy_from_slice(&v.to_le_bytes());
        }
        key = xxh3_64_with_seed(&bytes[..2 * rows], band as u64);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::normalise_str;

    fn sig(text: &str) -> Signature {
        let norm = normalise_str(text);
        Sketcher::new(3, 5)
            .signature([norm.as_str()])
            .expect("has tokens")
    }

    /// Exact Jaccard of word 3-shingles, to check the estimate against.
    fn exact(a: &str, b: &str) -> f64 {
        use std::collections::HashSet;
        let sh = |t: &str| -> HashSet<String> {
            let w: Vec<&str> = t.split_whitespace().collect();
            w.windows(3).map(|x| x.join(" ")).collect()
        };
        let (x, y) = (sh(a), sh(b));
        x.intersection(&y).count() as f64 / x.union(&y).count() as f64
    }

    #[test]
    fn identical_texts_match_and_different_ones_do_not() {
        let a = "we are hiring customer service staff for our office in the city centre with good pay and training";
        assert_eq!(similarity(&sig(a), &sig(a)), 1.0);
        let b = "senior accountant needed to prepare monthly reports reconcile ledgers and support the audit team";
        assert!(similarity(&sig(a), &sig(b)) < 0.1);
    }

    #[test]
    fn the_estimate_follows_the_exact_jaccard() {
        // Texts written for the test: 60 words, then edits.
        let words: Vec<String> = (0..60).map(|i| format!("w{i}x")).collect();
        let a = words.join(" ");
        for changed in [3, 6, 12] {
            let mut w = words.clone();
            for k in 0..changed {
                w[k * 60 / changed] = format!("edit{k}");
            }
            let b = w.join(" ");
            let (est, ex) = (similarity(&sig(&a), &sig(&b)), exact(&a, &b));
            assert!((est - ex).abs() < 0.2, "changed {changed}: {est} vs {ex}");
        }
    }

    #[test]
    fn prices_do_not_change_the_signature() {
        let a = sig("salary 2,500 usd per month free visa and ticket");
        let b = sig("salary 3,100 usd per month free visa and ticket");
        assert_eq!(similarity(&a, &b), 1.0);
    }

    #[test]
    fn unspaced_scripts_shingle_by_characters() {
        // Thai, written for the test: one word changed near the end.
        let a = sig("รับสมัครพนักงานบริการลูกค้าทำงานที่กัมพูชาเงินเดือนสูงมีที่พักฟรี");
        let b = sig("รับสมัครพนักงานบริการลูกค้าทำงานที่กัมพูชาเงินเดือนดีมีที่พักฟรี");
        let c = sig("บริษัทประกันภัยเปิดรับสมัครนักบัญชีประจำสำนักงานใหญ่กรุงเทพ");
        assert!(similarity(&a, &b) > 0.5, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) < 0.2, "{}", similarity(&a, &c));
    }

    #[test]
    fn the_scorers_token_hashes_give_the_texts_signature() {
        use crate::ad::Ad;
        use crate::features::{AdFeatures, ExtractBuffers, Extractor};
        use crate::lure::Lexicon;
        // Written for the test: spaced and unspaced scripts, a number, two fields.
        let ad = Ad::from_text(
            "1",
            "Hiring now: 30 staff, salary 2,500 USD รับสมัครพนักงานบริการลูกค้า 高薪招聘 ok",
        );
        let mut buffers = ExtractBuffers::default();
        buffers.keep_token_hashes(true);
        let mut feats = AdFeatures::default();
        Extractor::new(Lexicon::embedded()).extract_into(&ad, &mut buffers, &mut feats);
        let fields = ad.fields().count();
        let texts: Vec<&str> = buffers
            .normalised_fields(fields)
            .iter()
            .map(|n| n.as_str())
            .collect();
        let mut sketcher = Sketcher::new(3, 5);
        let from_text = sketcher
            .signature(texts.iter().copied())
            .expect("has tokens");
        let from_tokens = sketcher
            .signature_of_tokens(buffers.token_hashes())
            .expect("has tokens");
        assert_eq!(buffers.token_hashes().count(), fields);
        assert_eq!(from_text, from_tokens);
        buffers.keep_token_hashes(false);
        assert_eq!(buffers.token_hashes().count(), 0);
    }

    #[test]
    fn no_tokens_no_signature() {
        assert!(Sketcher::new(3, 5).signature(["", " - "]).is_none());
        assert!(Sketcher::new(3, 5).signature(["one"]).is_some());
    }

    #[test]
    fn band_keys_differ_by_band() {
        let s = sig("one two three four five six");
        assert_ne!(band_key(&s, 0, 4), band_key(&s, 1, 4));
        assert_eq!(band_key(&s, 3, 4), band_key(&s.clone(), 3, 4));
    }
}
