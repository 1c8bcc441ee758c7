//! The scoring table: a model's text terms by bucket, laid out for the scoring hot path
//! (one lookup per advert term, ~650 per EMSCAD advert, against ~87,000 model terms).
//! It only stores and finds; what the values mean is [`super::TextSpace`]'s business.

/// Bucket → (idf, weight) of a model's text terms: what scoring reads, in one probe.
///
/// Open addressing with linear probing, each slot holding the bucket and both values,
/// so a probe reads one cache line (a std `HashMap` reads its control bytes, then the
/// entry in another line). The table (~1.5 MB for the default model) does not stay in
/// the L2 cache, so a probe waits on L3; an advert's terms are all known before the
/// first probe, so [`ScoringTable::prefetch`] fetches the slots a few terms ahead and
/// the waits overlap.
#[derive(Debug, Clone)]
pub struct ScoringTable {
    /// A power of two of slots, at most two thirds full.
    slots: Vec<Slot>,
    /// `32 - log2(slots.len())`: the hash's top bits pick the home slot.
    shift: u32,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    bucket: u32,
    idf: f32,
    weight: f32,
}

/// The bucket of an empty slot. Hashed buckets lie below 2^`HASH_BITS`; a model file
/// giving this one has it left out (a lookup stops at an empty slot before comparing).
const EMPTY: u32 = u32::MAX;

const EMPTY_SLOT: Slot = Slot {
    bucket: EMPTY,
    idf: 0.0,
    weight: 0.0,
};

impl Default for ScoringTable {
    fn default() -> Self {
        ScoringTable::new(std::iter::empty())
    }
}

impl ScoringTable {
    /// A table of `(bucket, idf, weight)`; a bucket given twice keeps its last values,
    /// and [`EMPTY`] (not a hashed bucket) is left out.
    pub fn new(terms: impl IntoIterator<Item = (u32, f32, f32)>) -> Self {
        let terms: Vec<(u32, f32, f32)> = terms.into_iter().collect();
        // At least 1.5 slots per term: short probe runs, and never full.
        let bits = (terms.len() * 3 / 2)
            .next_power_of_two()
            .max(2)
            .trailing_zeros();
        let mut table = ScoringTable {
            slots: vec![EMPTY_SLOT; 1 << bits],
            shift: 32 - bits,
        };
        let mask = table.slots.len() - 1;
        for (bucket, idf, weight) in terms {
            if bucket == EMPTY {
                continue;
            }
            let mut i = table.home(bucket);
            while table.slots[i].bucket != EMPTY && table.slots[i].bucket != bucket {
                i = (i + 1) & mask;
            }
            table.slots[i] = Slot {
                bucket,
                idf,
                weight,
            };
        }
        table
    }

    /// The home slot of a bucket (Fibonacci hashing: buckets are hashes already, the
    /// multiply only guards against a model whose buckets share their top bits).
    #[inline]
    fn home(&self, bucket: u32) -> usize {
        (bucket.wrapping_mul(0x9E37_79B9) >> self.shift) as usize
    }

    /// The idf and weight of a bucket, if the model has it.
    #[inline]
    pub fn get(&self, bucket: u32) -> Option<(f32, f32)> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(bucket);
        loop {
            let s = self.slots.get(i)?;
            if s.bucket == EMPTY {
                return None;
            }
            if s.bucket == bucket {
                return Some((s.idf, s.weight));
            }
            i = (i + 1) & mask;
        }
    }

    /// Starts fetching `bucket`'s home slot into the cache, for a [`ScoringTable::get`]
    /// a few terms later.
    #[inline]
    pub fn prefetch(&self, bucket: u32) {
        let i = self.home(bucket);
        #[cfg(target_arch = "x86_64")]
        if let Some(slot) = self.slots.get(i) {
            // SAFETY: a prefetch is only a hint: it never faults, and the pointer is to
            // a live slot anyway.
            unsafe {
                use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
                _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(slot).cast());
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = i;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// The table finds what a HashMap finds, last value winning, for buckets in and out.
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
            let terms: Vec<(u32, f32, f32)> = (0..n)
                .map(|i| (next() % 20_000, i as f32, -(i as f32)))
                .collect();
            let table = ScoringTable::new(terms.iter().copied());
            let map: HashMap<u32, (f32, f32)> =
                terms.iter().map(|&(b, i, w)| (b, (i, w))).collect();
            for b in (0..20_000).chain([EMPTY, EMPTY - 1]) {
                table.prefetch(b);
                assert_eq!(table.get(b), map.get(&b).copied(), "n {n} bucket {b}");
            }
        }
    }
}
