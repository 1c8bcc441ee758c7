//! Upfront fees, deposits, costs deducted from pay: the seed of debt bondage and the core of ordinary job scams.

use crate::lure::Family;

super::lexicon_detector!(
    /// Reports the lexicon entries of [`Family::Fees`].
    FeesDetector,
    Family::Fees
);
