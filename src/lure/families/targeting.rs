//! Targeting cues: narrow age or gender bands, looks, debt relief, salary advances. Weak alone; it amplifies other lures.

use crate::lure::Family;

super::lexicon_detector!(
    /// Reports the lexicon entries of [`Family::Targeting`].
    TargetingDetector,
    Family::Targeting
);
