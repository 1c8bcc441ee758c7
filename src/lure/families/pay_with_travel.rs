//! High pay offered together with relocation or a hot-spot destination: the offer at the
//! heart of scam-centre recruitment (IOM: "very high salary for a specific job" plus "the
//! opportunity to travel and to facilitate the migratory process"). Each part alone is
//! common in genuine adverts; together they are the lure, so the combination carries a
//! prior of its own. "Travel" means a hot-spot destination or a package of at least two
//! relocation items (flight and visa, ticket and housing): board and lodging alone is
//! what genuine domestic factories offer, and easy work with housing is not enough either.

use crate::ad::Ad;
use crate::lure::{Evidence, EvidenceSource, Family, LureDetector};

/// Detector for [`Family::PayWithTravel`]. Runs after the pay detector has dropped pay
/// claims that do not count.
#[derive(Debug, Clone, Copy, Default)]
pub struct PayWithTravelDetector;

impl LureDetector for PayWithTravelDetector {
    fn family(&self) -> Family {
        Family::PayWithTravel
    }

    fn detect_field(&self, _scan: &crate::lure::FieldScan<'_>, _out: &mut Vec<Evidence>) {}

    fn finish(&self, _ad: &Ad, evidence: &mut Vec<Evidence>) {
        let has = |f: Family| evidence.iter().any(|e| e.family == f);
        let relocation_items = evidence
            .iter()
            .filter(|e| e.family == Family::Relocation)
            .count();
        let travel = relocation_items >= 2 || has(Family::Destination);
        if has(Family::Pay) && travel {
            evidence.push(Evidence::whole_advert(
                Family::PayWithTravel,
                EvidenceSource::Rule {
                    rule: "pay with travel",
                },
                Some("high pay offered together with travel or a hot-spot destination".into()),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(family: Family) -> Evidence {
        Evidence::whole_advert(family, EvidenceSource::Rule { rule: "t" }, None)
    }

    #[test]
    fn needs_pay_and_travel() {
        let ad = Ad::from_text("1", "x");
        for (input, expected) in [
            (
                vec![
                    ev(Family::Pay),
                    ev(Family::Relocation),
                    ev(Family::Relocation),
                ],
                true,
            ),
            (vec![ev(Family::Pay), ev(Family::Relocation)], false),
            (vec![ev(Family::Pay), ev(Family::Destination)], true),
            (vec![ev(Family::EasyWork), ev(Family::Relocation)], false),
            (vec![ev(Family::Pay)], false),
        ] {
            let mut e = input;
            PayWithTravelDetector.finish(&ad, &mut e);
            assert_eq!(
                e.iter().any(|x| x.family == Family::PayWithTravel),
                expected
            );
        }
    }
}
