//! The scoring table: a model's text terms by bucket, laid out for the scoring hot path
//! (one lookup per advert term, ~650 per EMSCAD advert, against ~87,000 model terms).
//! It only stores and finds; what the values mean is [`super::TextSpace`]'s business.

use std::collections::HashMap;

use crate::features::HASH_BITS;

/// Bucket → (idf, weight) of a model's text terms: what scoring reads, in one probe.
///
/// Open addressing over cache lines: a bucket's home is one 64-byte line of eight slots,
/// compared at once, and only a full line sends a lookup on to the next. A slot is 8
/// bytes: the bucket's 24 bits with an 8-bit index into a table of the model's idf
/// values (the default model has 324 distinct ones; the 254 commonest cover all but 69
/// of its ~87,000 terms, and the rest are looked up aside), and the weight. The default
/// model's table is then 1 MiB, against ~1.6 MiB for a std `HashMap`, which also reads
/// its control bytes and its entry from two lines. It still does not stay in the L2
/// cache, so a probe waits on L3; an advert's terms are all known before the first
/// probe, so [`ScoringTable::prefetch`] fetches the lines a few terms ahead and the
/// waits overlap.
#[derive(Debug, Clone)]
pub struct ScoringTable {
    /// A power of two of lines, at most two thirds full.
    lines: Vec<Line>,
    /// `32 - log2(lines.len())`: the hash's top bits pick the home line.
    shift: u32,
    /// The commonest idf values, by a slot's index (0 past them: a fixed size needs no
    /// bounds check).
    idf: Box<[f32; 256]>,
    /// The idf of buckets whose slot has [`RARE_IDF`].
    rare: HashMap<u32, f32>,
}

/// One cache line of slots: keys (bucket | idf index << 24) and weights, filled from
/// the front.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Line {
    keys: [u32; SLOTS],
    weights: [f32; SLOTS],
}

/// Slots per line (one byte each in [`ScoringTable::get`]'s hit mask, a `u64`).
const SLOTS: usize = 8;

/// The bucket bits of a key (hashed buckets lie below 2^`HASH_BITS` = 2^24).
const BUCKET_MASK: u32 = (1 << HASH_BITS) - 1;

/// The key of an empty slot: its idf index (255) is never a term's.
const EMPTY: u32 = u32::MAX;

/// The idf index of a term whose idf is not among the commonest: found in `rare`.
const RARE_IDF: u32 = 254;

const EMPTY_LINE: Line = Line {
    keys: [EMPTY; SLOTS],
    weights: [0.0; SLOTS],
};

impl Default for ScoringTable {
    fn default() -> Self {
        ScoringTable::new(std::iter::empty())
    }
}

impl ScoringTable {
    /// A table of `(bucket, idf, weight)`; a bucket given twice keeps its last values.
    /// Buckets outside the hash space are left out (no advert has them).
    pub fn new(terms: impl IntoIterator<Item = (u32, f32, f32)>) -> Self {
        let terms: Vec<(u32, f32, f32)> = terms
            .into_iter()
            .filter(|&(b, _, _)| b <= BUCKET_MASK)
            .collect();
        // The commonest idf values get an index (ties by value, so builds agree). Sorted
        // and counted rather than hashed: this runs at every start.
        let mut bits: Vec<u32> = terms.iter().map(|t| t.1.to_bits()).collect();
        bits.sort_unstable();
        let mut common: Vec<(usize, u32)> = bits
            .chunk_by(|a, b| a == b)
            .map(|run| (run.len(), run[0]))
            .collect();
        common.sort_unstable_by_key(|&(n, bits)| (std::cmp::Reverse(n), bits));
        common.truncate(RARE_IDF as usize);
        // By value, for a binary search per term.
        let mut index: Vec<(u32, u32)> =
            common.iter().zip(0..).map(|(&(_, b), i)| (b, i)).collect();
        index.sort_unstable();
        // At least 1.5 slots per term: few full lines, and never a full table.
        let lines = (terms.len() * 3 / 2)
            .div_ceil(SLOTS)
            .next_power_of_two()
            .max(2);
        let mut table = ScoringTable {
            lines: vec![EMPTY_LINE; lines],
            shift: 32 - lines.trailing_zeros(),
            idf: Box::new([0.0; 256]),
            rare: HashMap::new(),
        };
        for (slot, &(_, bits)) in table.idf.iter_mut().zip(&common) {
            *slot = f32::from_bits(bits);
        }
        for (bucket, idf, weight) in terms {
            let i = match index.binary_search_by_key(&idf.to_bits(), |e| e.0) {
                Ok(at) => index[at].1,
                Err(_) => {
                    table.rare.insert(bucket, idf);
                    RARE_IDF
                }
            };
            let key = bucket | i << HASH_BITS;
            let mut l = table.home(bucket);
            'place: loop {
                let line = &mut table.lines[l];
                for j in 0..SLOTS {
                    if line.keys[j] == EMPTY || line.keys[j] & BUCKET_MASK == bucket {
                        line.keys[j] = key;
                        line.weights[j] = weight;
                        break 'place;
                    }
                }
                l = (l + 1) & (lines - 1);
            }
        }
        table
    }

    /// The home line of a bucket (Fibonacci hashing: buckets are hashes already, the
    /// multiply only guards against a model whose buckets share their top bits).
    #[inline]
    fn home(&self, bucket: u32) -> usize {
        (bucket.wrapping_mul(0x9E37_79B9) >> self.shift) as usize
    }

    /// The idf and weight of a bucket, if the model has it.
    #[inline(always)]
    pub fn get(&self, bucket: u32) -> Option<(f32, f32)> {
        let mut l = self.home(bucket);
        loop {
            let line = self.lines.get(l)?;
            // All eight compared without a branch, one byte each (the compiler makes it
            // SIMD compares and a pack).
            let hits = u64::from_le_bytes(std::array::from_fn(|j| {
                u8::from(line.keys[j] & BUCKET_MASK == bucket)
            }));
            if hits != 0 {
                let j = (hits.trailing_zeros() / 8) as usize % SLOTS;
                let key = line.keys[j];
                let i = key >> HASH_BITS;
                if i >= RARE_IDF {
                    // The first hit: an empty slot only for bucket 2^24 - 1, and only
                    // where no slot before it in the line held it, i.e. it is absent.
                    if key == EMPTY {
                        return None;
                    }
                    return Some((self.rare_idf(bucket)?, line.weights[j]));
                }
                return Some((self.idf[i as usize], line.weights[j]));
            }
            if line.keys[SLOTS - 1] == EMPTY {
                return None;
            }
            l = (l + 1) & (self.lines.len() - 1);
        }
    }

    /// The idf of a bucket whose slot has [`RARE_IDF`] (out of line: 69 of the default
    /// model's terms).
    #[cold]
    #[inline(never)]
    fn rare_idf(&self, bucket: u32) -> Option<f32> {
        self.rare.get(&bucket).copied()
    }

    /// Starts fetching `bucket`'s home line into the cache, for a [`ScoringTable::get`]
    /// a few terms later.
    #[inline]
    pub fn prefetch(&self, bucket: u32) {
        let l = self.home(bucket);
        #[cfg(target_arch = "x86_64")]
        if let Some(line) = self.lines.get(l) {
            // SAFETY: a prefetch is only a hint: it never faults, and the pointer is to
            // a live line anyway.
            unsafe {
                use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
                _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(line).cast());
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = l;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the table should give: a map, last value winning, without buckets outside
    /// the hash space.
    fn reference(terms: &[(u32, f32, f32)]) -> HashMap<u32, (f32, f32)> {
        terms
            .iter()
            .filter(|t| t.0 <= BUCKET_MASK)
            .map(|&(b, idf, w)| (b, (idf, w)))
            .collect()
    }

    fn assert_agrees(terms: &[(u32, f32, f32)], probes: impl Iterator<Item = u32>) {
        let table = ScoringTable::new(terms.iter().copied());
        let map = reference(terms);
        for b in probes {
            table.prefetch(b);
            assert_eq!(table.get(b), map.get(&b).copied(), "bucket {b}");
        }
    }

    /// Full lines, overflow into the next line, more idf values than indices, repeated
    /// buckets, the highest bucket (whose bits an empty slot shares) and buckets outside
    /// the hash space.
    #[test]
    fn agrees_with_a_hashmap() {
        let mut x = 12345u32;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for n in [0, 1, 2, 3, 100, 5000] {
            let mut terms: Vec<(u32, f32, f32)> = (0..n)
                .map(|i| (next() % 20_000, (i % 300) as f32, -(i as f32)))
                .collect();
            let probes = (0..20_000).chain([BUCKET_MASK, BUCKET_MASK + 1, EMPTY]);
            assert_agrees(&terms, probes.clone());
            terms.extend([(BUCKET_MASK, 0.5, 1.5), (BUCKET_MASK + 1, 2.0, 3.0)]);
            assert_agrees(&terms, probes);
        }
    }

    proptest! {
        /// Any terms: the table agrees with a map on them and on other buckets.
        #[test]
        fn agrees_on_any_terms(
            terms in prop::collection::vec(
                (
                    prop_oneof![0u32..64, BUCKET_MASK - 64..=BUCKET_MASK + 2, any::<u32>()],
                    prop_oneof![Just(1.0f32), 0.0f32..10.0],
                    any::<f32>().prop_filter("comparable", |w| !w.is_nan()),
                ),
                0..600,
            ),
            others in prop::collection::vec(any::<u32>(), 0..50),
        ) {
            let probes: Vec<u32> = terms.iter().map(|t| t.0).chain(others).collect();
            assert_agrees(&terms, probes.into_iter());
        }
    }
}
