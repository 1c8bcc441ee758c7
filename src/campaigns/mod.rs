//! Campaigns: adverts linked by the recruiter behind them. Scam recruiters repost one
//! advert many times with a few words, a price or a handle changed, and several
//! "different" recruiters share one phone number or Telegram account; investigators
//! work at the level of those campaigns. Two adverts are in one campaign when
//!
//! - their texts are near-duplicates: the MinHash estimate of the Jaccard similarity of
//!   their shingles ([`minhash`]) is at least [`CampaignParams::threshold`], found through
//!   LSH banding so the cost grows linearly with the feed; or
//! - they share a contact identifier ([`contacts`]): a phone number (E.164), a
//!   messaging handle or link, an e-mail address, a web domain that is not a common host;
//!
//! and transitively ([`cluster`]): a campaign is a connected component of those links.
//!
//! Every advert is also scored with the given [`Scorer`], so that a campaign reports the
//! lure families seen in it and its mean and highest probability.
//!
//! # Example
//!
//! ```
//! use lurescan::ad::Ad;
//! use lurescan::campaigns::{CampaignBuilder, CampaignParams};
//! use lurescan::explain::Scorer;
//! use lurescan::lure::Lexicon;
//! use lurescan::model::LureModel;
//!
//! let model = LureModel::embedded().expect("the default model loads");
//! let scorer = Scorer::new(&model, Lexicon::embedded());
//! let mut campaigns = CampaignBuilder::new(CampaignParams::default()).expect("valid");
//! let ads = [
//!     Ad::from_text("a", "Typing job in Bavet, $1,500 a month, free visa. Telegram @fastjob_hr"),
//!     Ad::from_text("b", "Office clerk wanted in Phnom Penh. Call 012 345 678 for details."),
//!     Ad::from_text("c", "Easy work, high salary abroad. Contact t.me/fastjob_hr"),
//! ];
//! for ad in &ads {
//!     campaigns.add(campaigns.sketch(&scorer, ad, None, None));
//! }
//! let found = campaigns.finish();
//! assert_eq!(found.campaigns.len(), 1);
//! let ids: Vec<&str> = found.campaigns[0].members.iter().map(|m| m.id.as_str()).collect();
//! assert_eq!(ids, ["a", "c"]);
//! assert_eq!(found.campaigns[0].contacts[0].0, "telegram:@fastjob_hr");
//! ```

pub mod cluster;
pub mod contacts;
pub mod minhash;

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64;

use crate::ad::{Ad, TextField};
use crate::bulk::{BulkOptions, Tally, map_source, score_then};
use crate::error::{Error, Result};
use crate::explain::{FamilySet, Scorer};
use crate::input::{InputRecord, RecordSource, Rejection};
use crate::lure::Family;

pub use contacts::{Contact, ContactKind, country_of};
pub use minhash::{SIGNATURE_LEN, Signature, Sketcher};

/// Settings for finding campaigns. Build with [`CampaignParams::default`] and change
/// fields; [`CampaignBuilder::new`] checks them.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignParams {
    /// Estimated Jaccard similarity of two adverts' shingles at or above which they are
    /// one template. Defaults to 0.5.
    pub threshold: f64,
    /// Words per shingle in space-delimited scripts. Defaults to 3.
    pub word_shingle: usize,
    /// Characters per shingle in scripts written without spaces. Defaults to 5.
    pub char_shingle: usize,
    /// LSH bands (each of `128 / bands` bins; must divide 128). Defaults to 32 (4 bins a
    /// band): a pair at similarity 0.5 becomes a candidate with probability 0.87, at
    /// 0.6 0.99, at 0.2 0.05.
    pub bands: usize,
    /// Link near-duplicate texts. Defaults to true.
    pub link_templates: bool,
    /// Link adverts sharing a contact identifier. Defaults to true.
    pub link_contacts: bool,
    /// A contact used by more than this share of the feed's adverts (and more than
    /// [`CampaignParams::hub_floor`] adverts) is a hub (a board's switchboard, a
    /// franchise's address) and links nothing. Defaults to 0.01.
    pub max_contact_share: f64,
    /// A contact used by at most this many adverts always links them, however small the
    /// feed. Defaults to 50.
    pub hub_floor: usize,
}

impl Default for CampaignParams {
    fn default() -> Self {
        CampaignParams {
            threshold: 0.5,
            word_shingle: 3,
            char_shingle: 5,
            bands: 32,
            link_templates: true,
            link_contacts: true,
            max_contact_share: 0.01,
            hub_floor: 50,
        }
    }
}

impl CampaignParams {
    fn validate(&self) -> Result<()> {
        let bad =
            |name: &'static str, reason: String| Err(Error::InvalidParameter { name, reason });
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return bad("threshold", format!("{} is not in (0, 1]", self.threshold));
        }
        if self.bands == 0 || !SIGNATURE_LEN.is_multiple_of(self.bands) {
            return bad(
                "bands",
                format!("{} does not divide {SIGNATURE_LEN}", self.bands),
            );
        }
        if self.word_shingle == 0 || self.word_shingle > 8 {
            return bad(
                "word-shingle",
                format!("{} is not in 1..=8", self.word_shingle),
            );
        }
        if self.char_shingle < 2 || self.char_shingle > 12 {
            return bad(
                "char-shingle",
                format!("{} is not in 2..=12", self.char_shingle),
            );
        }
        if !(0.0..=1.0).contains(&self.max_contact_share) {
            return bad(
                "max-contact-share",
                format!("{} is not in [0, 1]", self.max_contact_share),
            );
        }
        Ok(())
    }
}

/// What campaign finding keeps of one advert: its score, and the sketch that links it.
#[derive(Debug, Clone)]
pub struct SketchedAdvert {
    /// 1-based record number in its input (0 when added directly).
    pub record: u64,
    /// The advert's id.
    pub id: String,
    /// Its probability of being a lure.
    pub probability: f64,
    /// Lure families with evidence in it.
    pub families: FamilySet,
    /// Its date as given in the feed (compared as text: ISO 8601 sorts right).
    pub date: Option<String>,
    /// The start of its title (or text), to show a campaign's representative.
    pub snippet: String,
    /// Its MinHash signature (`None`: no text to sketch).
    pub signature: Option<Signature>,
    /// Its contact identifiers, sorted by key, without repeats.
    pub contacts: Vec<Contact>,
}

/// Which kept columns (positions in [`crate::input::FieldMapping::keep_cols`]) hold an
/// advert's country and date, when the feed has them.
#[derive(Debug, Clone, Copy, Default)]
pub struct SourceColumns {
    /// Position of the country column (an ISO code or a name).
    pub country: Option<usize>,
    /// Position of the date column.
    pub date: Option<usize>,
}

/// An advert in a campaign.
#[derive(Debug, Clone)]
pub struct Member {
    /// 1-based record number in its input.
    pub record: u64,
    /// The advert's id.
    pub id: String,
    /// Its probability of being a lure.
    pub probability: f64,
    /// Lure families with evidence in it.
    pub families: FamilySet,
    /// Its date as given, when the feed has one.
    pub date: Option<String>,
}

/// A campaign: two or more linked adverts.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// 1-based number: campaigns are numbered by size, largest first, then by their
    /// first advert's place in the feed.
    pub number: usize,
    /// Its adverts, in feed order.
    pub members: Vec<Member>,
    /// Its contact identifiers (displayed form) with the number of its adverts that
    /// carry each, most used first. Hubs are left out.
    pub contacts: Vec<(String, usize)>,
    /// Lure families seen in any of its adverts, in catalogue order.
    pub families: Vec<Family>,
    /// Mean probability of its adverts.
    pub mean_probability: f64,
    /// Highest probability of its adverts.
    pub max_probability: f64,
    /// Earliest and latest date of its adverts (as text), when the feed has dates.
    pub first_date: Option<String>,
    /// See `first_date`.
    pub last_date: Option<String>,
    /// Index in `members` of a representative advert: the one with the most links.
    pub representative: usize,
    /// The representative's snippet (start of its title or text).
    pub representative_snippet: String,
}

/// The campaigns of a feed.
#[derive(Debug, Clone, Default)]
pub struct Campaigns {
    /// Campaigns of two or more adverts, numbered from 1.
    pub campaigns: Vec<Campaign>,
    /// Adverts sketched (scored records).
    pub adverts: usize,
    /// Contacts that linked nothing because too many adverts carry them.
    pub hubs: Vec<String>,
}

/// Collects sketched adverts, then joins them into campaigns ([`CampaignBuilder::finish`]).
/// Memory: about 400 bytes an advert (the 256-byte signature, the id, score and
/// contacts), so a million adverts take under 1 GB.
#[derive(Debug)]
pub struct CampaignBuilder {
    params: CampaignParams,
    adverts: Vec<Kept>,
    signatures: Vec<Option<Signature>>,
    /// (contact key hash, advert) for every contact of every advert.
    contact_pairs: Vec<(u64, u32)>,
    /// Displayed form per contact key hash (the first seen).
    contact_names: HashMap<u64, Box<str>>,
}

/// What the builder keeps of an advert besides its signature and contacts.
#[derive(Debug)]
struct Kept {
    record: u64,
    id: Box<str>,
    probability: f32,
    families: FamilySet,
    date: Option<Box<str>>,
    snippet: Box<str>,
}

/// Characters of a title kept to show a campaign's representative.
const SNIPPET_CHARS: usize = 80;

impl CampaignBuilder {
    /// An empty builder; fails on invalid parameters.
    pub fn new(params: CampaignParams) -> Result<Self> {
        params.validate()?;
        Ok(CampaignBuilder {
            params,
            adverts: Vec::new(),
            signatures: Vec::new(),
            contact_pairs: Vec::new(),
            contact_names: HashMap::new(),
        })
    }

    /// The parameters in use.
    pub fn params(&self) -> &CampaignParams {
        &self.params
    }

    /// Adverts added so far.
    pub fn len(&self) -> usize {
        self.adverts.len()
    }

    /// Whether no advert was added.
    pub fn is_empty(&self) -> bool {
        self.adverts.is_empty()
    }

    /// Scores and sketches one advert (the per-advert work, safe to run on many threads
    /// at once). `country` is an ISO code or a country's name, when the feed has one
    /// (else the location field is read); `date` is kept as given.
    pub fn sketch(
        &self,
        scorer: &Scorer<'_>,
        ad: &Ad,
        country: Option<&str>,
        date: Option<&str>,
    ) -> SketchedAdvert {
        sketch_advert(&self.params, scorer, ad, country, date)
    }

    /// Adds a sketched advert.
    pub fn add(&mut self, advert: SketchedAdvert) {
        let index = self.adverts.len() as u32;
        for c in &advert.contacts {
            let hash = xxh3_64(c.key.as_bytes());
            self.contact_pairs.push((hash, index));
            self.contact_names
                .entry(hash)
                .or_insert_with(|| c.display.clone().into_boxed_str());
        }
        self.signatures.push(advert.signature);
        self.adverts.push(Kept {
            record: advert.record,
            id: advert.id.into_boxed_str(),
            probability: advert.probability as f32,
            families: advert.families,
            date: advert
                .date
                .filter(|d| !d.trim().is_empty())
                .map(String::into_boxed_str),
            snippet: advert.snippet.into_boxed_str(),
        });
    }

    /// Reads a whole feed: scores and sketches every record across the cores (in chunks,
    /// as bulk scoring does), adds each in input order, and hands each rejected record to
    /// `rejected`; counts into `tally` (`read == scored + rejected`). `columns` says which
    /// of the records' kept values are the country and the date. Stops at the first
    /// error (a fatal input error, or one returned by `rejected`; with `opts.strict`, at
    /// the first rejection, after handing it over).
    pub fn add_source<S: RecordSource + Send>(
        &mut self,
        records: S,
        scorer: &Scorer<'_>,
        columns: SourceColumns,
        opts: BulkOptions,
        tally: &mut Tally,
        mut rejected: impl FnMut(&Rejection) -> Result<()>,
    ) -> Result<()> {
        let params = self.params.clone();
        let work = |rec: &mut InputRecord| {
            let value = |i: Option<usize>| i.and_then(|i| rec.kept.get(i)).map(String::as_str);
            let mut s = sketch_advert(
                &params,
                scorer,
                &rec.ad,
                value(columns.country).filter(|v| !v.trim().is_empty()),
                value(columns.date),
            );
            s.record = rec.record;
            s
        };
        map_source(records, opts, tally, work, |item| match item {
            Ok(advert) => {
                self.add(advert);
                Ok(())
            }
            Err(r) => rejected(&r),
        })
    }

    /// Joins the adverts into campaigns.
    pub fn finish(self) -> Campaigns {
        let CampaignBuilder {
            params,
            adverts,
            signatures,
            mut contact_pairs,
            contact_names,
        } = self;
        let n = adverts.len();
        let mut uf = cluster::UnionFind::new(n);
        let mut links = vec![0u32; n];
        if params.link_templates {
            let rows = SIGNATURE_LEN / params.bands;
            cluster::link_templates(
                &signatures,
                params.bands,
                rows,
                params.threshold,
                &mut uf,
                &mut links,
            );
        }
        drop(signatures);
        let max_adverts = params
            .hub_floor
            .max((params.max_contact_share * n as f64).ceil() as usize);
        let hub_hashes = if params.link_contacts {
            cluster::link_contacts(&mut contact_pairs, max_adverts, &mut uf, &mut links)
        } else {
            contact_pairs.sort_unstable();
            Vec::new()
        };
        let roots = uf.roots();
        // Campaign per root of two or more adverts.
        let mut size = vec![0u32; n];
        for &r in &roots {
            size[r as usize] += 1;
        }
        let mut slot_of_root: HashMap<u32, usize> = HashMap::new();
        let mut groups: Vec<Vec<u32>> = Vec::new();
        for (i, &r) in roots.iter().enumerate() {
            if size[r as usize] < 2 {
                continue;
            }
            let slot = *slot_of_root.entry(r).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[slot].push(i as u32);
        }
        // Contacts per campaign, hubs left out.
        let mut contacts: Vec<HashMap<u64, usize>> = vec![HashMap::new(); groups.len()];
        for run in contact_pairs.chunk_by(|a, b| a == b) {
            let (hash, i) = run[0];
            if let Some(&slot) = slot_of_root.get(&roots[i as usize])
                && !hub_hashes.contains(&hash)
            {
                *contacts[slot].entry(hash).or_default() += 1;
            }
        }
        let mut campaigns: Vec<Numbered> = groups
            .into_iter()
            .zip(contacts)
            .map(|(members, counts)| {
                let mut shown: Vec<(String, usize)> = counts
                    .into_iter()
                    .filter_map(|(h, c)| contact_names.get(&h).map(|name| (name.to_string(), c)))
                    .collect();
                shown.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                campaign(&adverts, &members, &links, shown)
            })
            .collect();
        campaigns.sort_by(|a, b| {
            b.campaign
                .members
                .len()
                .cmp(&a.campaign.members.len())
                .then_with(|| a.first_index.cmp(&b.first_index))
        });
        let campaigns = campaigns
            .into_iter()
            .enumerate()
            .map(|(k, mut c)| {
                c.campaign.number = k + 1;
                c.campaign
            })
            .collect();
        let mut hubs: Vec<String> = hub_hashes
            .iter()
            .filter_map(|h| contact_names.get(h).map(|s| s.to_string()))
            .collect();
        hubs.sort();
        Campaigns {
            campaigns,
            adverts: n,
            hubs,
        }
    }
}

/// A campaign being numbered: its first advert's index orders ties.
struct Numbered {
    campaign: Campaign,
    first_index: u32,
}

fn campaign(
    adverts: &[Kept],
    members: &[u32],
    links: &[u32],
    contacts: Vec<(String, usize)>,
) -> Numbered {
    let mut families = [false; Family::ALL.len()];
    let (mut sum, mut max) = (0.0f64, 0.0f64);
    let (mut first_date, mut last_date): (Option<&str>, Option<&str>) = (None, None);
    let mut representative = 0;
    for (k, &i) in members.iter().enumerate() {
        let a = &adverts[i as usize];
        for f in a.families.iter() {
            families[f.index()] = true;
        }
        let p = f64::from(a.probability);
        sum += p;
        max = max.max(p);
        if let Some(d) = a.date.as_deref() {
            first_date = Some(first_date.map_or(d, |f| f.min(d)));
            last_date = Some(last_date.map_or(d, |l| l.max(d)));
        }
        if links[i as usize] > links[members[representative] as usize] {
            representative = k;
        }
    }
    let rep = &adverts[members[representative] as usize];
    Numbered {
        first_index: members[0],
        campaign: Campaign {
            number: 0,
            members: members
                .iter()
                .map(|&i| {
                    let a = &adverts[i as usize];
                    Member {
                        record: a.record,
                        id: a.id.to_string(),
                        probability: f64::from(a.probability),
                        families: a.families,
                        date: a.date.as_deref().map(str::to_string),
                    }
                })
                .collect(),
            contacts,
            families: Family::ALL
                .into_iter()
                .filter(|f| families[f.index()])
                .collect(),
            mean_probability: sum / members.len() as f64,
            max_probability: max,
            first_date: first_date.map(str::to_string),
            last_date: last_date.map(str::to_string),
            representative,
            representative_snippet: rep.snippet.to_string(),
        },
    }
}

/// Scores and sketches one advert (see [`CampaignBuilder::sketch`]).
fn sketch_advert(
    params: &CampaignParams,
    scorer: &Scorer<'_>,
    ad: &Ad,
    country: Option<&str>,
    date: Option<&str>,
) -> SketchedAdvert {
    let country = country_of(country, ad.field(TextField::Location));
    let fields = ad.fields().count();
    score_then(
        scorer,
        ad,
        false,
        params.link_templates,
        |scored, buffers| {
            let norms = buffers.normalised_fields(fields);
            let signature = if params.link_templates {
                with_sketcher(params, |sketcher| {
                    sketcher.signature_of_tokens(buffers.token_hashes())
                })
            } else {
                None
            };
            let originals = ad.fields().map(|(_, t)| t);
            let contacts = contacts::extract_all(originals.zip(norms), country);
            let snippet_source = ad
                .field(TextField::Title)
                .or_else(|| ad.fields().next().map(|(_, t)| t))
                .unwrap_or_default();
            SketchedAdvert {
                record: 0,
                id: ad.id.clone(),
                probability: scored.probability,
                families: scored.families,
                date: date.map(str::to_string),
                snippet: snippet(snippet_source),
                signature,
                contacts,
            }
        },
    )
}

thread_local! {
    /// Each worker thread's sketcher, kept from advert to advert (its buffers).
    static SKETCHER: std::cell::RefCell<Option<Sketcher>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with this thread's sketcher for `params`' shingle lengths.
fn with_sketcher<T>(params: &CampaignParams, f: impl FnOnce(&mut Sketcher) -> T) -> T {
    let (w, c) = (params.word_shingle, params.char_shingle);
    SKETCHER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => {
            if !slot.as_ref().is_some_and(|s| s.shingles_as(w, c)) {
                *slot = Some(Sketcher::new(w, c));
            }
            f(slot.get_or_insert_with(|| Sketcher::new(w, c)))
        }
        Err(_) => f(&mut Sketcher::new(w, c)),
    })
}

/// The first [`SNIPPET_CHARS`] characters of a text, its whitespace folded.
fn snippet(text: &str) -> String {
    let mut out = String::new();
    for (k, word) in text.split_whitespace().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() >= SNIPPET_CHARS {
            let cut: String = out.chars().take(SNIPPET_CHARS).collect();
            return cut + "…";
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lure::Lexicon;
    use crate::model::LureModel;

    /// Adverts written for the test.
    #[test]
    fn templates_and_contacts_make_campaigns() {
        let model = LureModel::embedded().expect("model");
        let scorer = Scorer::new(&model, Lexicon::embedded());
        let mut b = CampaignBuilder::new(CampaignParams::default()).expect("valid");
        let template = "We are hiring customer service staff to work in our office in Sihanoukville. \
            Salary 1,500 USD per month with free accommodation, food and a flight ticket. \
            No experience needed, only basic typing and English. Training is provided for every new staff member.";
        let ads = [
            Ad::from_text("t1", format!("{template} Contact 012 345 678")),
            Ad::from_text(
                "t2",
                template
                    .replace("1,500", "1,800")
                    .replace("basic", "simple"),
            ),
            Ad::from_text(
                "x1",
                "Accountant for a trading company in Hanoi, five years of experience, CPA preferred.",
            ),
            Ad::from_text("p1", "Driver wanted. Call +855 12 345 678."),
            Ad::from_text(
                "x2",
                "Nurse in a private hospital, day shifts, registered licence required.",
            ),
        ];
        for (k, ad) in ads.iter().enumerate() {
            let mut s = b.sketch(&scorer, ad, None, Some(&format!("2025-01-0{}", 5 - k)));
            s.record = k as u64 + 1;
            b.add(s);
        }
        let found = b.finish();
        assert_eq!(found.campaigns.len(), 1);
        let c = &found.campaigns[0];
        let ids: Vec<&str> = c.members.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["t1", "t2", "p1"]);
        assert_eq!(c.contacts, vec![("phone:012345678".to_string(), 2)]);
        assert!(c.families.contains(&Family::Relocation));
        assert!(c.max_probability >= c.mean_probability);
        assert_eq!(c.first_date.as_deref(), Some("2025-01-02"));
        assert_eq!(c.last_date.as_deref(), Some("2025-01-05"));
        assert_eq!(c.members[c.representative].id, "t1", "t1 has two links");
    }

    #[test]
    fn invalid_parameters_are_refused() {
        for p in [
            CampaignParams {
                threshold: 0.0,
                ..Default::default()
            },
            CampaignParams {
                bands: 7,
                ..Default::default()
            },
            CampaignParams {
                max_contact_share: 2.0,
                ..Default::default()
            },
        ] {
            assert!(matches!(
                CampaignBuilder::new(p),
                Err(Error::InvalidParameter { .. })
            ));
        }
    }

    #[test]
    fn snippets_are_cut_on_characters() {
        assert_eq!(snippet("  a \n b "), "a b");
        let long = "ทดสอบ ".repeat(40);
        assert_eq!(snippet(&long).chars().count(), SNIPPET_CHARS + 1);
    }
}
