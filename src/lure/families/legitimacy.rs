//! Legitimacy signals (qualifications, licensed agency, contract before travel, "no placement fee"): a counterweight, so genuine overseas adverts are not flagged.

use crate::lure::Family;

super::lexicon_detector!(
    /// Reports the lexicon entries of [`Family::Legitimacy`].
    LegitimacyDetector,
    Family::Legitimacy
);
