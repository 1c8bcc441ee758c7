//! Relocation abroad with flights, visa, room and board covered: where debt bondage often begins (ILO).

use crate::lure::Family;

super::lexicon_detector!(
    /// Reports the lexicon entries of [`Family::Relocation`].
    RelocationDetector,
    Family::Relocation
);

#[cfg(test)]
mod tests {
    use crate::lure::{Family, Lexicon};
    use crate::normalise::normalise_str;

    fn relocation_hits(text: &str) -> usize {
        let mut hits = Vec::new();
        Lexicon::embedded().find(&normalise_str(text), &mut hits);
        hits.iter()
            .filter(|h| h.family == Family::Relocation)
            .count()
    }

    /// Reworded English offers (written for the project) are read, not only the listed
    /// phrases; a room alone, routine in genuine live-in jobs, needs a payer named.
    #[test]
    fn english_costs_covered_in_other_words() {
        for lure in [
            "Free accommodation and meals. Visa and air ticket provided by the company.",
            "free housing and food, company covers visa and flight",
            "Free food and dormitory. We pay your flight.",
            "Monthly salary USD 3,000. Flight ticket and visa covered.",
            "accommodation provided, ticket paid by company",
            "we take care of your travel",
        ] {
            assert!(relocation_hits(lure) > 0, "{lure}");
        }
        for genuine in [
            "Live-in position, accommodation provided.",
            "Free parking and free coffee for all staff.",
            "We pay a competitive salary and cover health insurance.",
        ] {
            assert_eq!(relocation_hits(genuine), 0, "{genuine}");
        }
    }
}
