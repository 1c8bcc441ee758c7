//! No experience needed, easy or light work, "only need a phone", paid tasks.

use crate::lure::Family;

super::lexicon_detector!(
    /// Reports the lexicon entries of [`Family::EasyWork`].
    EasyWorkDetector,
    Family::EasyWork
);
