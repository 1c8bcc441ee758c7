//! Scam-centre hot spots (Myawaddy, KK Park, Sihanoukville, ...) and irregular routes (tourist visa, third-country transit). Country names alone are not in the lexicons: a job in Cambodia is no lure by itself.

use crate::lure::Family;

super::lexicon_detector!(
    /// Reports the lexicon entries of [`Family::Destination`].
    DestinationDetector,
    Family::Destination
);
