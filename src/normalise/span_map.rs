//! The map from normalised bytes back to the original ranges that produced them.

/// The map from normalised bytes to the original ranges that produced them, kept as
/// pieces: most of an advert is plain ASCII copied byte for byte, where one piece stands
/// for a whole run (byte `at + d` maps to `start + d..end + d`), and the bytes of one
/// character (or of an entity, placeholder or folded whitespace) share one range. Writing
/// a per-byte map cost more than the rest of the first pass; reading it back is a binary
/// search, done only for evidence and for the few words the second pass rewrites.
#[derive(Debug, Default, Clone)]
pub(super) struct SpanMap {
    /// In normalised order, by `at`; the first starts at 0 when the map is not empty.
    pieces: Vec<Piece>,
    /// Normalised bytes mapped.
    pub(super) len: usize,
}

/// Normalised bytes `at..` (up to the next piece) and where they come from.
#[derive(Debug, Clone, Copy)]
struct Piece {
    at: usize,
    /// Original range of the byte at `at`.
    start: u32,
    end: u32,
    /// Each further byte maps one original byte further on (a copied run); otherwise
    /// every byte maps to `start..end`. Moot for a one-byte piece.
    linear: bool,
}

impl SpanMap {
    pub(super) fn clear(&mut self) {
        self.pieces.clear();
        self.len = 0;
    }

    /// Appends `n` bytes mapping to `start..end`, or, if `linear`, to `start + d..end + d`
    /// for the `d`-th byte.
    #[inline]
    pub(super) fn push(&mut self, start: u32, end: u32, n: usize, linear: bool) {
        if n == 0 {
            return;
        }
        if let Some(last) = self.pieces.last_mut() {
            let run = self.len - last.at;
            let step = run as u32;
            let single = run == 1;
            if (linear || n == 1)
                && (single || last.linear)
                && last.start.wrapping_add(step) == start
                && last.end.wrapping_add(step) == end
            {
                last.linear = true;
                self.len += n;
                return;
            }
            if (!linear || n == 1)
                && (single || !last.linear)
                && last.start == start
                && last.end == end
            {
                last.linear = false;
                self.len += n;
                return;
            }
        }
        self.pieces.push(Piece {
            at: self.len,
            start,
            end,
            linear,
        });
        self.len += n;
    }

    /// Widens the last byte's range to end at `end` at least (a folded space).
    pub(super) fn extend_last(&mut self, end: u32) {
        let Some((start, last_end)) = self.last() else {
            return;
        };
        if end <= last_end {
            return;
        }
        let at = self.len - 1;
        match self.pieces.last_mut() {
            Some(last) if last.at == at => last.end = end,
            _ => self.pieces.push(Piece {
                at,
                start,
                end,
                linear: false,
            }),
        }
    }

    /// Keeps the first `len` bytes.
    pub(super) fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        while self.pieces.last().is_some_and(|p| p.at >= len) {
            self.pieces.pop();
        }
        self.len = len;
    }

    /// The original range of byte `i`.
    pub(super) fn get(&self, i: usize) -> Option<(u32, u32)> {
        if i >= self.len {
            return None;
        }
        let k = self.pieces.partition_point(|p| p.at <= i).checked_sub(1)?;
        let p = self.pieces.get(k)?;
        Some(p.span(i))
    }

    /// The original range of the last byte.
    pub(super) fn last(&self) -> Option<(u32, u32)> {
        let i = self.len.checked_sub(1)?;
        Some(self.pieces.last()?.span(i))
    }

    /// Appends the map of bytes `from..to` of `other`.
    pub(super) fn append(&mut self, other: &SpanMap, from: usize, to: usize) {
        let to = to.min(other.len);
        if from >= to {
            return;
        }
        let first = other
            .pieces
            .partition_point(|p| p.at <= from)
            .saturating_sub(1);
        for (k, p) in other.pieces.iter().enumerate().skip(first) {
            let piece_end = other.pieces.get(k + 1).map_or(other.len, |q| q.at);
            let (a, b) = (p.at.max(from), piece_end.min(to));
            if a >= b {
                break;
            }
            let (start, end) = p.span(a);
            self.push(start, end, b - a, p.linear);
        }
    }
}

impl Piece {
    #[inline]
    fn span(&self, i: usize) -> (u32, u32) {
        if self.linear {
            let d = (i - self.at) as u32;
            (self.start + d, self.end + d)
        } else {
            (self.start, self.end)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// One operation on a span map, and the per-byte map it stands for.
    #[derive(Debug, Clone)]
    enum MapOp {
        Push(u32, u32, usize, bool),
        ExtendLast(u32),
        Truncate(usize),
        /// Appends bytes `from..to` of the map built so far.
        AppendSelf(usize, usize),
    }

    fn map_ops() -> impl Strategy<Value = Vec<MapOp>> {
        let op = prop_oneof![
            6 => (0u32..12, 0u32..4, 0usize..4, any::<bool>())
                .prop_map(|(s, w, n, l)| MapOp::Push(s, s + w, n, l)),
            1 => (0u32..16).prop_map(MapOp::ExtendLast),
            1 => (0usize..20).prop_map(MapOp::Truncate),
            1 => (0usize..20, 0usize..20).prop_map(|(a, b)| MapOp::AppendSelf(a, b)),
        ];
        prop::collection::vec(op, 0..30)
    }

    proptest! {
        /// The pieces stand for exactly the per-byte map (the old representation) that
        /// the same operations build.
        #[test]
        fn span_map_matches_per_byte_map(ops in map_ops()) {
            let mut map = SpanMap::default();
            let mut bytes: Vec<(u32, u32)> = Vec::new();
            for op in ops {
                match op {
                    MapOp::Push(start, end, n, linear) => {
                        map.push(start, end, n, linear);
                        let d = |k: usize| if linear { k as u32 } else { 0 };
                        bytes.extend((0..n).map(|k| (start + d(k), end + d(k))));
                    }
                    MapOp::ExtendLast(end) => {
                        map.extend_last(end);
                        if let Some(last) = bytes.last_mut() {
                            last.1 = last.1.max(end);
                        }
                    }
                    MapOp::Truncate(len) => {
                        map.truncate(len);
                        bytes.truncate(len);
                    }
                    MapOp::AppendSelf(from, to) => {
                        let copy = map.clone();
                        map.append(&copy, from, to);
                        let part = bytes.get(from..to.min(bytes.len())).unwrap_or(&[]).to_vec();
                        bytes.extend(part);
                    }
                }
                prop_assert_eq!(map.len, bytes.len());
                for (i, &span) in bytes.iter().enumerate() {
                    prop_assert_eq!(map.get(i), Some(span), "byte {}", i);
                }
                prop_assert_eq!(map.get(bytes.len()), None);
                prop_assert_eq!(map.last(), bytes.last().copied());
            }
        }
    }
}
