//! The catalogue of lure families: stable ids (used in lexicons, model files and
//! output), names for people, and the expert prior each family carries.

use serde::{Deserialize, Serialize};

/// A family of lure (or, for [`Family::Legitimacy`], counter-lure) evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Pay out of proportion to the work asked for.
    Pay,
    /// No experience, easy work, "only need a phone".
    EasyWork,
    /// Relocation abroad with flights, visa, room and board covered.
    Relocation,
    /// Scam-centre hot spots and irregular routes (tourist visa, border crossings).
    Destination,
    /// Passport or ID handling: handing it over, copies before any contract.
    Documents,
    /// Contact only off-platform: messaging apps, free-mail addresses.
    Contact,
    /// Upfront fees, deposits, costs deducted from pay.
    Fees,
    /// Urgency, limited places, no interview.
    Urgency,
    /// Employer kept vague: no name, profile or logo.
    VagueEmployer,
    /// Targeting cues: narrow age or gender bands, debt relief, salary advances.
    Targeting,
    /// Quiet reassurance: "not a scam", "safe country", "we take care of everything", and
    /// its strongest form, denying what the compounds are known for (confinement,
    /// beatings, passport seizure).
    Reassurance,
    /// Task scams: paid per like, review, order or "boost", "part-time helpers" recruited
    /// by message, "your résumé was recommended to us".
    TaskScam,
    /// Debt targeting: wage advances, "pay off your loans", bad credit welcome.
    Debt,
    /// Job titles the compounds use (typing, chat, online sales); counts only with other lures.
    JobTitle,
    /// High pay offered together with travel or a hot-spot destination: the scam-centre
    /// offer itself (IOM: "very high salary" plus "facilitate the migratory process").
    PayWithTravel,
    /// Legitimacy signals (qualifications, licensed agency, contract before travel): a counterweight.
    Legitimacy,
}

impl Family {
    /// Every family, in catalogue order (the order of model columns).
    pub const ALL: [Family; 16] = [
        Family::Pay,
        Family::EasyWork,
        Family::Relocation,
        Family::Destination,
        Family::Documents,
        Family::Contact,
        Family::Fees,
        Family::Urgency,
        Family::VagueEmployer,
        Family::Targeting,
        Family::Reassurance,
        Family::TaskScam,
        Family::Debt,
        Family::JobTitle,
        Family::PayWithTravel,
        Family::Legitimacy,
    ];

    /// The stable id used in lexicons, model files and output (`easy_work`, ...).
    pub fn id(self) -> &'static str {
        match self {
            Family::Pay => "pay",
            Family::EasyWork => "easy_work",
            Family::Relocation => "relocation",
            Family::Destination => "destination",
            Family::Documents => "documents",
            Family::Contact => "contact",
            Family::Fees => "fees",
            Family::Urgency => "urgency",
            Family::VagueEmployer => "vague_employer",
            Family::Targeting => "targeting",
            Family::Reassurance => "reassurance",
            Family::TaskScam => "task_scam",
            Family::Debt => "debt",
            Family::JobTitle => "job_title",
            Family::PayWithTravel => "pay_with_travel",
            Family::Legitimacy => "legitimacy",
        }
    }

    /// Parses a stable id.
    pub fn from_id(id: &str) -> Option<Family> {
        Family::ALL.iter().copied().find(|f| f.id() == id)
    }

    /// Position of the family in [`Family::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// A short description for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Family::Pay => "pay out of proportion to the work",
            Family::EasyWork => "no experience / easy work",
            Family::Relocation => "relocation with costs covered",
            Family::Destination => "scam-centre destination or irregular route",
            Family::Documents => "passport or ID handed over",
            Family::Contact => "contact only off-platform",
            Family::Fees => "upfront fees or deductions",
            Family::Urgency => "urgency / no interview",
            Family::VagueEmployer => "employer kept vague",
            Family::Targeting => "targeting cues",
            Family::Reassurance => "reassurance that it is safe",
            Family::TaskScam => "task scam: paid per click, like, review or order",
            Family::Debt => "debt targeting: loans, advances, bad credit",
            Family::JobTitle => "compound-style job title",
            Family::PayWithTravel => "high pay together with travel or a hot spot",
            Family::Legitimacy => "legitimacy signal (counts against)",
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
