//! Job titles the compounds use (online customer service, typing, chat, online sales). Common in genuine adverts too, so the feature stage counts this family only together with other lures.

use crate::lure::Family;

super::lexicon_detector!(
    /// Reports the lexicon entries of [`Family::JobTitle`].
    JobTitleDetector,
    Family::JobTitle
);
