//! Urgency, limited places, no interview: pressure that stops the applicant checking.

use crate::lure::Family;

super::lexicon_detector!(
    /// Reports the lexicon entries of [`Family::Urgency`].
    UrgencyDetector,
    Family::Urgency
);
