//! Grouped, stratified K-fold splits. EMSCAD repeats templates dozens of times (one
//! recruiter's "English Teacher Abroad" advert ~59 times), so adverts with the same
//! normalised title and opening of the description form one group, and a group never
//! straddles two folds. A column can group adverts further ([`group_ids_by`]): adverts of
//! one company profile then stay on one side too, which measures how the model does on
//! employers it has not seen.

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::ad::{Ad, TextField};
use crate::error::{Error, Result};
use crate::normalise::normalise_str;

/// Characters of the description that define a template.
const TEMPLATE_PREFIX_CHARS: usize = 200;

/// The group key of an advert: normalised title + opening of the description (or of the
/// free text).
pub fn group_key(ad: &Ad) -> String {
    let title = normalise_str(ad.field(TextField::Title).unwrap_or(""));
    let body = ad
        .field(TextField::Description)
        .or_else(|| ad.field(TextField::Text))
        .unwrap_or("");
    let body: String = normalise_str(body)
        .chars()
        .take(TEMPLATE_PREFIX_CHARS)
        .collect();
    format!("{title}\u{1}{body}")
}

/// Group ids (0..) per advert; equal keys get equal ids.
pub fn group_ids(ads: &[Ad]) -> Vec<usize> {
    let mut ids: HashMap<String, usize> = HashMap::new();
    ads.iter()
        .map(|ad| {
            let n = ids.len();
            *ids.entry(group_key(ad)).or_insert(n)
        })
        .collect()
}

/// Group ids (0..) per advert when adverts sharing a value of a column also group
/// together (`values`, one per advert, e.g. the company profile). Values are compared
/// normalised (case, HTML, spacing, as the text is). Groups join transitively: two
/// adverts are in one group when a chain of shared values or near-identical adverts links
/// them, so neither a company's adverts nor copies of one template straddle folds. An
/// empty value joins no one: such an advert groups with its near-identical adverts only.
pub fn group_ids_by(ads: &[Ad], values: &[&str]) -> Result<Vec<usize>> {
    if values.len() != ads.len() {
        return Err(Error::TrainingData(
            "group values and adverts differ in length".into(),
        ));
    }
    let templates = group_ids(ads);
    let mut parent: Vec<usize> = (0..ads.len()).collect();
    // Each advert joins the first advert seen with its template, then with its value.
    let mut first_of_template: HashMap<usize, usize> = HashMap::new();
    let mut first_of_value: HashMap<String, usize> = HashMap::new();
    for (i, (&t, v)) in templates.iter().zip(values).enumerate() {
        let first = *first_of_template.entry(t).or_insert(i);
        union(&mut parent, first, i);
        let v = normalise_str(v);
        let v = v.trim();
        if !v.is_empty() {
            let first = *first_of_value.entry(v.to_string()).or_insert(i);
            union(&mut parent, first, i);
        }
    }
    let mut ids: HashMap<usize, usize> = HashMap::new();
    Ok((0..ads.len())
        .map(|i| {
            let root = find(&mut parent, i);
            let n = ids.len();
            *ids.entry(root).or_insert(n)
        })
        .collect())
}

/// Union-find root, halving the path on the way.
fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The smaller index stays the root: ids then follow first appearance.
        parent[ra.max(rb)] = ra.min(rb);
    }
}

/// Assigns each row a fold in `0..k`, keeping groups whole and each fold's class balance
/// close to the whole's. Deterministic for a given seed.
pub fn grouped_stratified_folds(
    groups: &[usize],
    labels: &[bool],
    k: usize,
    seed: u64,
) -> Result<Vec<usize>> {
    if k < 2 {
        return Err(Error::InvalidParameter {
            name: "cv",
            reason: format!("need at least 2 folds, got {k}"),
        });
    }
    if groups.len() != labels.len() {
        return Err(Error::TrainingData(
            "groups and labels differ in length".into(),
        ));
    }
    let n_groups = groups.iter().max().map_or(0, |m| m + 1);
    let mut counts = vec![(0usize, 0usize); n_groups];
    for (&g, &y) in groups.iter().zip(labels) {
        if y {
            counts[g].0 += 1;
        } else {
            counts[g].1 += 1;
        }
    }
    let present = counts.iter().filter(|c| c.0 + c.1 > 0).count();
    if present < k {
        return Err(Error::TrainingData(format!(
            "{present} groups of adverts cannot fill {k} folds"
        )));
    }
    let (pos, neg) = counts.iter().fold((0, 0), |a, c| (a.0 + c.0, a.1 + c.1));
    // Largest groups first (they are hardest to place); ties in a seeded random order.
    let mut order: Vec<usize> = (0..n_groups)
        .filter(|&g| counts[g].0 + counts[g].1 > 0)
        .collect();
    order.sort_by_key(|&g| {
        (
            std::cmp::Reverse(counts[g].0 + counts[g].1),
            xxh3_64_with_seed(&g.to_le_bytes(), seed),
        )
    });
    let target_pos = (pos as f64 / k as f64).max(1.0);
    let target_neg = (neg as f64 / k as f64).max(1.0);
    let mut fold_counts = vec![(0usize, 0usize); k];
    let mut fold_of_group = vec![0usize; n_groups];
    for g in order {
        let (gp, gn) = counts[g];
        let best = (0..k)
            .min_by(|&a, &b| {
                let load = |f: usize| {
                    let (p, n) = fold_counts[f];
                    ((p + gp) as f64 / target_pos).max((n + gn) as f64 / target_neg)
                        + (p + n) as f64 * 1e-9
                };
                load(a).total_cmp(&load(b))
            })
            .unwrap_or(0);
        fold_counts[best].0 += gp;
        fold_counts[best].1 += gn;
        fold_of_group[g] = best;
    }
    Ok(groups.iter().map(|&g| fold_of_group[g]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_never_straddle_folds_and_classes_spread() {
        // 60 rows: group g = i / 3, label true for a third of groups.
        let groups: Vec<usize> = (0..60).map(|i| i / 3).collect();
        let labels: Vec<bool> = groups.iter().map(|g| g % 3 == 0).collect();
        let folds = grouped_stratified_folds(&groups, &labels, 5, 7).expect("valid");
        for g in 0..20 {
            let fs: Vec<usize> = (0..60)
                .filter(|&i| groups[i] == g)
                .map(|i| folds[i])
                .collect();
            assert!(
                fs.windows(2).all(|w| w[0] == w[1]),
                "group {g} split: {fs:?}"
            );
        }
        for f in 0..5 {
            let pos = (0..60).filter(|&i| folds[i] == f && labels[i]).count();
            assert!(pos >= 3, "fold {f} has {pos} positives");
        }
    }

    #[test]
    fn same_title_and_description_group_together() {
        let mut a = Ad::with_id("1");
        a.set_field(TextField::Title, "English Teacher Abroad");
        a.set_field(TextField::Description, "Teach English in Asia.");
        let mut b = a.clone();
        b.id = "2".into();
        b.set_field(TextField::Title, "ENGLISH  teacher abroad");
        let c = Ad::from_text("3", "something else");
        assert_eq!(group_ids(&[a, b, c]), vec![0, 0, 1]);
    }

    #[test]
    fn a_column_joins_groups_transitively_and_empty_values_join_no_one() {
        let ad = |id: &str, title: &str, company: &str| {
            let mut a = Ad::with_id(id);
            a.set_field(TextField::Title, title);
            a.set_field(TextField::Description, "Some description.");
            a.set_field(TextField::CompanyProfile, company);
            a
        };
        let ads = [
            ad("1", "Teacher", "Acme <b>Schools</b>"),
            ad("2", "Nurse", "acme schools"),
            ad("3", "Nurse", ""),
            ad("4", "Driver", ""),
            ad("5", "Cook", ""),
            ad("6", "Cook", "Other Ltd"),
        ];
        let values: Vec<&str> = ads
            .iter()
            .map(|a| a.field(TextField::CompanyProfile).unwrap_or(""))
            .collect();
        // 1 and 2 share a company (after normalising), 3 copies 2's template; 4 stands
        // alone (no company); 5 copies 6's template.
        assert_eq!(
            group_ids_by(&ads, &values).expect("same length"),
            vec![0, 0, 0, 1, 2, 2]
        );
        assert!(group_ids_by(&ads, &values[..2]).is_err());
    }

    #[test]
    fn too_few_groups_is_an_error() {
        assert!(grouped_stratified_folds(&[0, 0, 1], &[true, false, true], 3, 1).is_err());
    }
}
