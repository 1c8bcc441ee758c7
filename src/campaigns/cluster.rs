//! Joining adverts into campaigns: union-find over the pairs that LSH banding proposes
//! and the signatures confirm, and over adverts that share a contact identifier.
//!
//! Banding: each band's keys are sorted with their adverts, and each run of equal keys
//! (a bucket) is checked against a few representatives, not pair by pair: a bucket of
//! `n` copies of one advert costs `n` comparisons, not `n²/2`. A member that matches no
//! representative becomes one (up to [`MAX_REPRESENTATIVES`]), so a bucket that happens
//! to hold two templates still joins each one's copies. Pairs already joined by earlier
//! bands are skipped without comparing.
//!
//! What it does not do: it does not split a campaign that a chain of links joined (A
//! like B, B like C, so A with C): campaigns are the connected components, as a shared
//! phone number joins everyone who used it.

use rayon::prelude::*;

use super::minhash::{Signature, band_key, similarity};

/// Representatives per LSH bucket: members are compared with at most this many.
pub const MAX_REPRESENTATIVES: usize = 8;

/// Union-find with path halving and union by size.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// The root of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Joins the sets of `a` and `b`; returns whether they were apart.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
        true
    }

    /// Every element's root, for read-only use across threads.
    pub fn roots(&mut self) -> Vec<u32> {
        (0..self.parent.len() as u32)
            .map(|x| self.find(x))
            .collect()
    }
}

/// Links adverts whose signatures agree on a band and whose estimated similarity is at
/// least `threshold`. `signatures[i]` is advert `i`'s, or `None` (an advert with no
/// text to sketch is linked by contacts only). `links[i]` counts the links each advert
/// took part in (for choosing a campaign's representative).
pub fn link_templates(
    signatures: &[Option<Signature>],
    bands: usize,
    rows: usize,
    threshold: f64,
    uf: &mut UnionFind,
    links: &mut [u32],
) {
    let n = signatures.len();
    let threads = rayon::current_num_threads().max(1);
    let band_ids: Vec<usize> = (0..bands).collect();
    // Bands a few at a time (one per thread): each needs its sorted keys (16 bytes an
    // advert), so all at once would hold them all.
    for group in band_ids.chunks(threads) {
        let roots = uf.roots();
        let pairs: Vec<Vec<(u32, u32)>> = group
            .par_iter()
            .map(|&band| band_pairs(signatures, band, rows, threshold, &roots))
            .collect();
        for (a, b) in pairs.into_iter().flatten() {
            if uf.union(a, b) {
                links[a as usize] += 1;
                links[b as usize] += 1;
            }
        }
    }
    debug_assert_eq!(links.len(), n);
}

/// One band's confirmed pairs (not already joined in `roots`).
fn band_pairs(
    signatures: &[Option<Signature>],
    band: usize,
    rows: usize,
    threshold: f64,
    roots: &[u32],
) -> Vec<(u32, u32)> {
    let mut keys: Vec<(u64, u32)> = signatures
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.as_ref().map(|s| (band_key(s, band, rows), i as u32)))
        .collect();
    keys.sort_unstable();
    let mut pairs = Vec::new();
    let mut reps: Vec<u32> = Vec::with_capacity(MAX_REPRESENTATIVES);
    for bucket in keys.chunk_by(|a, b| a.0 == b.0) {
        if bucket.len() < 2 {
            continue;
        }
        reps.clear();
        for &(_, i) in bucket {
            let Some(si) = &signatures[i as usize] else {
                continue;
            };
            let mut matched = false;
            for &r in &reps {
                if roots[r as usize] == roots[i as usize] {
                    matched = true;
                    continue;
                }
                if let Some(sr) = &signatures[r as usize]
                    && similarity(si, sr) >= threshold
                {
                    pairs.push((r, i));
                    matched = true;
                }
            }
            if !matched && reps.len() < MAX_REPRESENTATIVES {
                reps.push(i);
            }
        }
    }
    pairs
}

/// Links adverts that share a contact key. `contacts` holds `(key hash, advert)` pairs
/// (any order, repeats allowed); a key used by more than `max_adverts` adverts is a hub
/// (a switchboard, a board's address) and links nothing. Returns the hub keys.
pub fn link_contacts(
    contacts: &mut [(u64, u32)],
    max_adverts: usize,
    uf: &mut UnionFind,
    links: &mut [u32],
) -> Vec<u64> {
    contacts.par_sort_unstable();
    let mut hubs = Vec::new();
    for run in contacts.chunk_by(|a, b| a.0 == b.0) {
        // Pairs are sorted, so an advert's repeats of a key are adjacent.
        let adverts = run.chunk_by(|a, b| a.1 == b.1).count();
        if adverts < 2 {
            continue;
        }
        if adverts > max_adverts {
            hubs.push(run[0].0);
            continue;
        }
        let first = run[0].1;
        for &(_, i) in &run[1..] {
            if uf.union(first, i) {
                links[first as usize] += 1;
                links[i as usize] += 1;
            }
        }
    }
    hubs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaigns::minhash::{SIGNATURE_LEN, Sketcher};

    #[test]
    fn union_find_joins_transitively() {
        let mut uf = UnionFind::new(5);
        assert!(uf.union(0, 1));
        assert!(uf.union(3, 1));
        assert!(!uf.union(0, 3));
        assert_eq!(uf.find(3), uf.find(0));
        assert_ne!(uf.find(2), uf.find(0));
    }

    #[test]
    fn near_copies_join_and_others_stay_apart() {
        let mut sk = Sketcher::new(3, 5);
        // Written for the test.
        let base: Vec<String> = (0..80).map(|i| format!("word{i}")).collect();
        let mut texts = Vec::new();
        for copy in 0..5 {
            let mut w = base.clone();
            w[copy * 7] = format!("changed{copy}");
            texts.push(w.join(" "));
        }
        for other in 0..5 {
            texts.push(
                (0..80)
                    .map(|i| format!("other{other}x{i}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        let sigs: Vec<Option<Signature>> =
            texts.iter().map(|t| sk.signature([t.as_str()])).collect();
        let mut uf = UnionFind::new(sigs.len());
        let mut links = vec![0; sigs.len()];
        link_templates(&sigs, SIGNATURE_LEN / 4, 4, 0.5, &mut uf, &mut links);
        for i in 1..5 {
            assert_eq!(uf.find(i), uf.find(0));
        }
        for i in 5..10 {
            assert_eq!(uf.find(i), i, "unrelated advert {i} joined");
        }
    }

    #[test]
    fn hub_contacts_link_nothing() {
        let mut uf = UnionFind::new(6);
        let mut links = vec![0; 6];
        let mut pairs = vec![(7, 0), (7, 1), (7, 1), (9, 2), (9, 3), (9, 4), (9, 5)];
        let hubs = link_contacts(&mut pairs, 3, &mut uf, &mut links);
        assert_eq!(hubs, vec![9]);
        assert_eq!(uf.find(1), uf.find(0));
        assert_ne!(uf.find(2), uf.find(3));
    }
}
