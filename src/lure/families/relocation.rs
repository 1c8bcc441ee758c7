//! Relocation abroad with flights, visa, room and board covered: where debt bondage often begins (ILO).

use crate::lure::Family;

super::lexicon_detector!(
    /// Reports the lexicon entries of [`Family::Relocation`].
    RelocationDetector,
    Family::Relocation
);
