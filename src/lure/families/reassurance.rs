//! Quiet reassurance: "not a scam", "safe country", "you can go home any time", "we take care of everything".

use crate::lure::Family;

super::lexicon_detector!(
    /// Reports the lexicon entries of [`Family::Reassurance`].
    ReassuranceDetector,
    Family::Reassurance
);
