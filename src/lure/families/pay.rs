//! Pay out of proportion to the work: lexicon phrases ("high salary", "高薪") plus pay
//! claims parsed from the text and judged against the origin market's entry-level wage.
//!
//! A claim counts when it is at least [`STRONG_MULTIPLE`] times the benchmark, or at
//! least [`WEAK_MULTIPLE`] times when the advert also asks for no skills (easy work or a
//! compound-style job title): pay is judged against the work asked for. The benchmarks
//! are mostly minimum wages, and genuine factory pay is often twice them, so the
//! multiples start at 3×; sourced lures sit at 2–17× (research §3.2), the low end of
//! which is left to the lexicons' "high pay" phrasings.

use crate::ad::Ad;
use crate::lure::{Evidence, EvidenceSource, Family, FieldScan, LureDetector};

/// A pay multiple that is a lure whatever the work.
pub const STRONG_MULTIPLE: f64 = 6.0;
/// A pay multiple that is a lure when the advert asks for no skills.
pub const WEAK_MULTIPLE: f64 = 3.0;

/// Detector for [`Family::Pay`].
#[derive(Debug, Clone, Copy, Default)]
pub struct PayDetector;

impl LureDetector for PayDetector {
    fn family(&self) -> Family {
        Family::Pay
    }

    fn detect_field(&self, scan: &FieldScan<'_>, out: &mut Vec<Evidence>) {
        scan.lexicon_evidence(Family::Pay, out);
        for j in scan.pay.iter().filter(|j| j.multiple >= WEAK_MULTIPLE) {
            let source = EvidenceSource::Pay {
                monthly_usd: j.monthly_usd,
                multiple: j.multiple,
            };
            let mut ev = scan.evidence(Family::Pay, j.claim.start, j.claim.end, source);
            ev.detail = Some(j.describe(scan.original.get(ev.start..ev.end).unwrap_or("")));
            out.push(ev);
        }
    }

    fn finish(&self, _ad: &Ad, evidence: &mut Vec<Evidence>) {
        let low_skill = evidence
            .iter()
            .any(|e| matches!(e.family, Family::EasyWork | Family::JobTitle));
        if !low_skill {
            evidence.retain(|e| match e.source {
                EvidenceSource::Pay { multiple, .. } => multiple >= STRONG_MULTIPLE,
                _ => true,
            });
        }
    }
}
