//! Task scams: paid per like, review, order or boost; "part-time helpers" recruited by message;
//! "your résumé was recommended to us". Ordinary job scams and scam-centre recruiters both use them.

use crate::lure::Family;

super::lexicon_detector!(
    /// Reports the lexicon entries of [`Family::TaskScam`].
    TaskScamDetector,
    Family::TaskScam
);
