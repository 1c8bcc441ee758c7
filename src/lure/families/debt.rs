//! Debt targeting: wage advances, "pay off your loans", bad credit or debts welcome. Debt is
//! how recruiters find people who cannot walk away (ILO: abuse of vulnerability).

use crate::lure::Family;

super::lexicon_detector!(
    /// Reports the lexicon entries of [`Family::Debt`].
    DebtDetector,
    Family::Debt
);
