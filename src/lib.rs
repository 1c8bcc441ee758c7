//! # lurescan
//!
//! Reads job advertisements and says how likely each one is a scam-recruitment lure,
//! and why. An advert flows one way through these stages, one module each:
//!
//! ```text
//! input ──► normalise ──► tokens ──► lure (evidence) ─┐
//!                               └──► features ─────────┴► model ──► explain (score + why)
//! ```
//!
//! - [`input`] streams records from CSV or JSONL (gzip too), rejecting bad ones by name.
//! - [`normalise`] folds Unicode, HTML, placeholders and obfuscation, keeping a map back
//!   to the original bytes; [`tokens`] splits words and unspaced scripts.
//! - [`lure`] finds evidence per lure family (lexicons in many languages, pay realism,
//!   rules), each with a span into the advert as written.
//! - [`features`] hashes n-grams and collects family and metadata values; [`model`]
//!   scores them (expert priors plus a linfa-trained logistic fit, calibrated, shifted to
//!   a stated prevalence) and trains new models with grouped cross-validation.
//! - [`explain`] puts it together for one advert; [`bulk`] for millions, in parallel.
//! - [`output`] writes result files so that no run destroys data (atomic, no overlaps);
//!   [`interrupt`] keeps it so when a run is stopped by SIGINT or SIGTERM.
//! - [`serve`] puts `check` and `score` behind HTTP with a review page, and keeps
//!   reviewers' decisions (SQLite) as training data.
//! - [`campaigns`] links adverts into campaigns by shared contacts and near-duplicate
//!   text (MinHash with LSH banding).
//!
//! # Example
//!
//! ```
//! use lurescan::{ad::Ad, explain::Scorer, lure::Lexicon, model::LureModel};
//!
//! let model = LureModel::embedded().expect("the default model loads");
//! let scorer = Scorer::new(&model, Lexicon::embedded());
//! let ad = Ad::from_text("1", "Customer service in Sihanoukville, $2,500/month, free flight and visa. \
//!     No experience needed. Send a copy of your passport to our Telegram @hr_fastjob.");
//! let why = scorer.explain(&ad);
//! assert_eq!(why.verdict.as_str(), "lure");
//! assert!(why.lures.iter().any(|l| l.family.id() == "documents"));
//! ```

// Links OpenBLAS for ndarray (and so linfa's gradient) with the opt-in `blas` feature.
#[cfg(feature = "blas")]
extern crate blas_src;

pub mod ad;
pub mod bulk;
pub mod campaigns;
pub mod error;
pub mod explain;
pub mod features;
pub mod input;
pub mod interrupt;
pub mod lang;
pub mod lure;
pub mod metrics;
pub mod model;
pub mod normalise;
pub mod output;
pub mod plots;
pub mod realeval;
pub mod serve;
pub mod tokens;

pub use error::{Error, Result};
