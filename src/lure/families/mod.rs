//! One file per lure family. Most families are their lexicon entries; the files that
//! add rules (pay, contact, documents, vague employer) say why.

pub mod contact;
pub mod debt;
pub mod destination;
pub mod documents;
pub mod easy_work;
pub mod fees;
pub mod job_title;
pub mod legitimacy;
pub mod pay;
pub mod pay_with_travel;
pub mod reassurance;
pub mod relocation;
pub mod targeting;
pub mod task_scam;
pub mod urgency;
pub mod vague_employer;

/// Declares a detector whose evidence is exactly its family's lexicon hits.
macro_rules! lexicon_detector {
    ($(#[$doc:meta])* $name:ident, $family:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $crate::lure::LureDetector for $name {
            fn family(&self) -> $crate::lure::Family {
                $family
            }
        }
    };
}
pub(crate) use lexicon_detector;

/// Runs built-in regex rules over a field and reports each match as evidence.
pub(crate) fn rule_evidence(
    scan: &super::FieldScan<'_>,
    family: super::Family,
    rules: &[(&'static str, &regex::Regex)],
    out: &mut Vec<super::Evidence>,
) {
    for (rule, re) in rules {
        for m in re.find_iter(scan.norm.as_str()) {
            out.push(scan.evidence(
                family,
                m.start(),
                m.end(),
                super::EvidenceSource::Rule { rule },
            ));
        }
    }
}
