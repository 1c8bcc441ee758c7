//! Employer kept vague: the lexicons' "company name disclosed later" phrasing, and the
//! metadata pattern that is EMSCAD's strongest signal (no company profile and no logo:
//! 68.8% of fraud vs 14.4% of genuine adverts lack a profile). The metadata rule only
//! fires when the input says so; a pasted free text has no metadata to judge.

use crate::ad::{Ad, TextField};
use crate::lure::{Evidence, EvidenceSource, Family, LureDetector};

/// Detector for [`Family::VagueEmployer`].
#[derive(Debug, Clone, Copy, Default)]
pub struct VagueEmployerDetector;

impl LureDetector for VagueEmployerDetector {
    fn family(&self) -> Family {
        Family::VagueEmployer
    }

    fn finish(&self, ad: &Ad, evidence: &mut Vec<Evidence>) {
        let no_profile = ad.lacks_field(TextField::CompanyProfile);
        if no_profile && ad.meta.has_company_logo == Some(false) {
            evidence.push(Evidence::whole_advert(
                Family::VagueEmployer,
                EvidenceSource::Metadata {
                    facts: "no company profile and no company logo",
                },
                Some("no company profile and no company logo".into()),
            ));
        }
    }
}
