//! Stage 4: features. Turns an advert into what the model reads: hashed word n-gram
//! counts, one value per lure family, and metadata values. Training and scoring both go
//! through [`Extractor::extract`]; there is one feature extractor, not two.
//!
//! Hashing uses xxh3 with a fixed seed ([`HASH_SEED`]) into 2^[`HASH_BITS`] buckets, so
//! model files stay valid across builds and platforms. Which buckets matter, and their
//! idf, is the model's business (`model::TextSpace`).

use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::ad::{Ad, AdMetadata, MetaColumn, TextField};
use crate::lure::{self, Evidence, EvidenceSource, Family, Lexicon, ScanBuffers};
use crate::tokens::{TokenKind, Tokens};

/// Bits of the feature-hash space.
pub const HASH_BITS: u32 = 24;
/// Seed of the feature hash ("lurescan" in ASCII). Changing it invalidates model files.
pub const HASH_SEED: u64 = 0x6c75_7265_7363_616e;

/// Names of the metadata features, in column order.
pub const META_NAMES: [&str; 14] = [
    "structured_fields",
    "no_company_logo",
    "no_company_profile",
    "telecommuting",
    "has_questions",
    "salary_range_given",
    "no_employment_type",
    "no_required_experience",
    "no_required_education",
    "no_industry",
    "no_function",
    "no_requirements",
    "no_benefits",
    "log_words",
];
/// Number of metadata features.
pub const META_LEN: usize = META_NAMES.len();

/// Families that only count when the advert also shows one of [`CORE_LURES`]: their
/// wording is common in genuine adverts.
pub const COMBINATION_ONLY: [Family; 1] = [Family::JobTitle];
/// The lures that let a combination-only family count.
pub const CORE_LURES: [Family; 8] = [
    Family::Pay,
    Family::TaskScam,
    Family::Debt,
    Family::EasyWork,
    Family::Relocation,
    Family::Destination,
    Family::Fees,
    Family::Documents,
];

/// Everything the model reads about one advert, plus the evidence behind it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AdFeatures {
    /// Language guess (ISO 639-1).
    pub lang: Option<&'static str>,
    /// Lure evidence, in field and text order.
    pub evidence: Vec<Evidence>,
    /// Hashed n-gram buckets with their counts, sorted by bucket (only those a
    /// [`BucketFilter`] keeps, when the extractor has one).
    pub terms: Vec<(u32, f32)>,
    /// One value per family (1 when it counts), in [`Family::ALL`] order.
    pub families: [f32; Family::ALL.len()],
    /// Metadata values, in [`META_NAMES`] order.
    pub meta: [f32; META_LEN],
}

/// Reusable buffers for [`Extractor::extract`].
#[derive(Default)]
pub struct ExtractBuffers {
    scan: ScanBuffers,
    terms: TermBuffers,
}

/// One token as the n-gram features hash it ([`token_shingle_hash`]), and whether it is
/// a character bigram of a script written without spaces.
pub type TokenHash = (u64, bool);

impl ExtractBuffers {
    /// Keeps (or stops keeping) each field's token hashes while extracting, for work
    /// beside the score that shingles the same tokens ([`ExtractBuffers::token_hashes`]):
    /// campaigns' MinHash reads them instead of tokenising and hashing the text again.
    pub fn keep_token_hashes(&mut self, keep: bool) {
        self.terms.keep_tokens = keep;
        if !keep {
            self.terms.tokens.clear();
            self.terms.field_ends.clear();
        }
    }

    /// The token hashes of each field of the advert last extracted, in [`Ad::fields`]
    /// order, when [`ExtractBuffers::keep_token_hashes`] is on (else nothing).
    pub fn token_hashes(&self) -> impl Iterator<Item = &[TokenHash]> + '_ {
        let t = &self.terms;
        let starts = std::iter::once(0).chain(t.field_ends.iter().copied());
        starts
            .zip(t.field_ends.iter().copied())
            .map(move |(a, b)| t.tokens.get(a..b).unwrap_or_default())
    }

    /// The normalised text of each field of the advert last extracted, in
    /// [`Ad::fields`] order (`fields` is how many it has: the buffers keep spare slots
    /// from longer adverts). For work beside the score that reads the same text.
    pub fn normalised_fields(&self, fields: usize) -> &[crate::normalise::NormalisedText] {
        let norms = &self.scan.norms;
        &norms[..fields.min(norms.len())]
    }
}

/// Scratch for [`text_terms`].
#[derive(Default)]
struct TermBuffers {
    buckets: Vec<u32>,
    /// Scratch for sorting `buckets`.
    sorted: Vec<u32>,
    /// Whether to keep `tokens` (see [`ExtractBuffers::keep_token_hashes`]).
    keep_tokens: bool,
    /// Every field's token hashes, one after another.
    tokens: Vec<TokenHash>,
    /// Where each field's tokens end in `tokens`.
    field_ends: Vec<usize>,
}

/// Extracts [`AdFeatures`] with a given lexicon.
#[derive(Debug, Clone, Copy)]
pub struct Extractor<'l> {
    lexicon: &'l Lexicon,
    want_lang: bool,
    filter: Option<&'l BucketFilter>,
}

/// The buckets a model weighs, as a prefilter: one bit per bucket's low
/// [`FILTER_BITS`] bits (256 KiB). It may also pass other buckets (those sharing low
/// bits: 4% of the rest for the default model's ~87,000 terms), never drops one of its
/// own; the model's own lookup leaves the extras out, so scores are exact. Each n-gram
/// it drops saves a sort slot and, above all, a model lookup that waits on memory: with
/// 17 bits (16 KiB, in the L1 cache) it passed about half of the other buckets, and
/// `text_part` took 12% of a one-thread run instead of 9%; 20 bits to 21 saved ~5% more
/// of the n-gram stage. On EMSCAD-like feeds most n-grams are model terms anyway (a
/// helper counted 758 of 942 per advert), so an exact index was tried and cost more
/// than it saved.
#[derive(Debug, Clone, Default)]
pub struct BucketFilter {
    bits: Vec<u64>,
}

/// Bits of a bucket the [`BucketFilter`] looks at.
pub const FILTER_BITS: u32 = 21;

impl BucketFilter {
    /// A filter passing every one of `buckets`.
    pub fn new(buckets: impl IntoIterator<Item = u32>) -> Self {
        let mut bits = vec![0u64; (1usize << FILTER_BITS) / 64];
        for b in buckets {
            let b = b as usize & ((1 << FILTER_BITS) - 1);
            bits[b / 64] |= 1 << (b % 64);
        }
        BucketFilter { bits }
    }

    /// Whether `bucket` may be one of the filter's buckets (always true for them).
    #[inline]
    pub fn passes(&self, bucket: u32) -> bool {
        let b = bucket as usize & ((1 << FILTER_BITS) - 1);
        self.bits
            .get(b / 64)
            .is_some_and(|w| w >> (b % 64) & 1 == 1)
    }
}

impl<'l> Extractor<'l> {
    /// An extractor over `lexicon`.
    pub fn new(lexicon: &'l Lexicon) -> Self {
        Extractor {
            lexicon,
            want_lang: false,
            filter: None,
        }
    }

    /// Keeps only the text terms `filter` passes (a model's terms, for scoring: terms
    /// outside it have no weight, so the score is the same). Training needs every term.
    pub fn with_filter(mut self, filter: &'l BucketFilter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Whether every advert gets a language guess (for output that shows it). Without
    /// it, only adverts whose pay needs an origin market get one: the guess is the
    /// costliest step of the scan.
    pub fn with_language(mut self, want_lang: bool) -> Self {
        self.want_lang = want_lang;
        self
    }

    /// The lexicon in use.
    pub fn lexicon(&self) -> &'l Lexicon {
        self.lexicon
    }

    /// Extracts the features of one advert, reusing `buf` and `out`'s allocations.
    pub fn extract_into(&self, ad: &Ad, buf: &mut ExtractBuffers, out: &mut AdFeatures) {
        out.lang = lure::scan(
            ad,
            self.lexicon,
            &mut buf.scan,
            &mut out.evidence,
            self.want_lang,
        );
        let words = text_terms(
            ad,
            &buf.scan.norms,
            self.filter,
            &mut buf.terms,
            &mut out.terms,
        );
        out.families = family_values(&out.evidence);
        out.meta = meta_values(ad, words);
    }

    /// Extracts the features of one advert.
    pub fn extract(&self, ad: &Ad) -> AdFeatures {
        let mut out = AdFeatures::default();
        self.extract_into(ad, &mut ExtractBuffers::default(), &mut out);
        out
    }
}

/// The advert's n-gram buckets that `filter` passes, with their counts, sorted by bucket
/// (`norms` are its normalised fields, in [`Ad::fields`] order); returns its length in
/// words.
#[inline(always)]
fn text_terms(
    ad: &Ad,
    norms: &[crate::normalise::NormalisedText],
    filter: Option<&BucketFilter>,
    buf: &mut TermBuffers,
    terms: &mut Vec<(u32, f32)>,
) -> f32 {
    buf.buckets.clear();
    buf.tokens.clear();
    buf.field_ends.clear();
    let buckets = &mut buf.buckets;
    // Pushed, then cut again if the filter drops it: no branch on the filter, which
    // drops about one n-gram in six, unpredictably.
    let mut keep = |b: u32| {
        let kept = buckets.len() + usize::from(filter.is_none_or(|f| f.passes(b)));
        buckets.push(b);
        buckets.truncate(kept);
    };
    let mut words = 0.0f32;
    for ((field, _), norm) in ad.fields().zip(norms) {
        // Two calls rather than one with the test inside `on_token`: a branch per token
        // cost `score` 0.4% (callgrind, 2k feed), and only campaigns keep the hashes.
        if buf.keep_tokens {
            let tokens = &mut buf.tokens;
            words += walk_terms_with(
                norm.as_str(),
                field,
                |b, _| keep(b),
                |h, kind| {
                    tokens.push((h, kind == TokenKind::Bigram));
                },
            );
            buf.field_ends.push(buf.tokens.len());
        } else {
            words += walk_terms(norm.as_str(), field, |b, _| keep(b));
        }
    }
    hash_categories(ad, keep);
    sort_buckets(&mut buf.buckets, &mut buf.sorted);
    count_runs(&buf.buckets, terms);
    words
}

/// Sorts hashed buckets (all below 2^[`HASH_BITS`]) in three counting passes of a byte
/// each, the three histograms taken in one read: linear, where a comparison sort was a
/// tenth of the time of a bulk run, and with histograms small enough (3 KiB) that
/// clearing and summing them costs little beside an advert's ~900 buckets: two passes
/// of 12 bits, clearing and summing 16 KiB histograms twice, took 6.6 µs per EMSCAD
/// advert with the counting after, three passes of 8 bits 5.2 µs. Falls back to a
/// comparison sort for short lists or any value out of range.
fn sort_buckets(buckets: &mut Vec<u32>, scratch: &mut Vec<u32>) {
    const DIGIT: u32 = 8;
    const PASSES: usize = HASH_BITS.div_ceil(DIGIT) as usize;
    const MASK: u32 = (1 << DIGIT) - 1;
    if buckets.len() < 64 {
        buckets.sort_unstable();
        return;
    }
    let mut starts = [[0u32; 1 << DIGIT]; PASSES];
    let mut all = 0;
    for &b in buckets.iter() {
        all |= b;
        for (pass, s) in starts.iter_mut().enumerate() {
            s[((b >> (DIGIT * pass as u32)) & MASK) as usize] += 1;
        }
    }
    if all >> HASH_BITS != 0 {
        buckets.sort_unstable();
        return;
    }
    scratch.clear();
    scratch.resize(buckets.len(), 0);
    for (pass, s) in starts.iter_mut().enumerate() {
        let shift = DIGIT * pass as u32;
        let mut sum = 0;
        for start in s.iter_mut() {
            let n = *start;
            *start = sum;
            sum += n;
        }
        for &b in buckets.iter() {
            let d = ((b >> shift) & MASK) as usize;
            if let Some(slot) = scratch.get_mut(s[d] as usize) {
                *slot = b;
            }
            s[d] += 1;
        }
        std::mem::swap(buckets, scratch);
    }
}

/// Sorted buckets → (bucket, count) per run, without a branch on whether a bucket
/// repeats the one before (about one in five does, unpredictably): each bucket lands in
/// the current run's slot or the next, and the slots are cut to the runs used.
fn count_runs(sorted: &[u32], terms: &mut Vec<(u32, f32)>) {
    terms.clear();
    terms.resize(sorted.len(), (0, 0.0));
    // The run index, one before the first (wrapping) until the first bucket opens it.
    let mut run = usize::MAX;
    let mut prev = sorted.first().map_or(0, |&b| !b);
    for &b in sorted {
        run = run.wrapping_add(usize::from(b != prev));
        prev = b;
        if let Some(t) = terms.get_mut(run) {
            t.0 = b;
            t.1 += 1.0;
        }
    }
    terms.truncate(run.wrapping_add(1));
}

/// The family values implied by a set of evidence: 0 for an absent family, else its
/// strongest evidence's strength relative to the family's prior (1 for evidence that
/// carries the prior; 2 for a lexicon entry twice as strong), so the model's family
/// weight times the value is that evidence's log-odds. A family counts once, at its
/// strongest piece: a post that repeats "high salary" five times has said it once.
/// Metadata evidence (no profile, no logo) is shown to people but not counted here: the
/// metadata features carry it, and counting it twice would over-weigh it.
pub fn family_values(evidence: &[Evidence]) -> [f32; Family::ALL.len()] {
    let priors = crate::model::priors::embedded_weights();
    let mut values = [0.0f32; Family::ALL.len()];
    for e in evidence
        .iter()
        .filter(|e| !matches!(e.source, EvidenceSource::Metadata { .. }))
    {
        let i = e.family.index();
        let relative = match e.strength {
            // A zero prior has nothing to scale: such a family counts as present only.
            Some(s) if priors[i] != 0.0 => (s / priors[i]).max(0.0),
            _ => 1.0,
        };
        values[i] = values[i].max(relative);
    }
    let core = CORE_LURES.iter().any(|f| values[f.index()] > 0.0);
    if !core {
        for f in COMBINATION_ONLY {
            values[f.index()] = 0.0;
        }
    }
    values
}

fn meta_values(ad: &Ad, words: f32) -> [f32; META_LEN] {
    let structured = ad.has_structured_fields();
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    let missing_field = |f: TextField| flag(ad.lacks_field(f));
    let missing_meta = |c: MetaColumn, v: &Option<String>| flag(ad.lacks_meta(c, v.as_deref()));
    let m = &ad.meta;
    [
        flag(structured),
        flag(m.has_company_logo == Some(false)),
        missing_field(TextField::CompanyProfile),
        flag(m.telecommuting == Some(true)),
        flag(m.has_questions == Some(true)),
        flag(structured && ad.field(TextField::SalaryRange).is_some()),
        missing_meta(MetaColumn::EmploymentType, &m.employment_type),
        missing_meta(MetaColumn::RequiredExperience, &m.required_experience),
        missing_meta(MetaColumn::RequiredEducation, &m.required_education),
        missing_meta(MetaColumn::Industry, &m.industry),
        missing_meta(MetaColumn::Function, &m.function),
        missing_field(TextField::Requirements),
        missing_field(TextField::Benefits),
        ((1.0 + words).ln() / 6.0),
    ]
}

/// Hashes EMSCAD's categorical metadata ("industry=oil & energy") as terms, so the
/// model can learn from categories as from words.
fn hash_categories(ad: &Ad, mut emit: impl FnMut(u32)) {
    let mut lower = [0u8; 64];
    for ((_, value_of), key) in CATEGORIES.iter().zip(CATEGORY_KEY_HASHES.iter()) {
        if let Some(v) = value_of(&ad.meta) {
            emit(bucket(
                key ^ category_value_hash(v, &mut lower),
                NS_CATEGORY,
            ));
        }
    }
}

/// The categorical metadata hashed as terms: the key's name and its value.
type Category = (&'static str, fn(&AdMetadata) -> &Option<String>);
const CATEGORIES: [Category; 6] = [
    ("employment_type", |m| &m.employment_type),
    ("required_experience", |m| &m.required_experience),
    ("required_education", |m| &m.required_education),
    ("industry", |m| &m.industry),
    ("function", |m| &m.function),
    ("department", |m| &m.department),
];

/// The [`CATEGORIES`]' key hashes, computed once.
static CATEGORY_KEY_HASHES: std::sync::LazyLock<[u64; 6]> =
    std::sync::LazyLock::new(|| CATEGORIES.map(|(key, _)| token_hash(key)));

/// The hash of a category value, trimmed and lowercased: short ASCII values (nearly all)
/// are lowercased in `lower` rather than in a new string per advert.
fn category_value_hash(value: &str, lower: &mut [u8; 64]) -> u64 {
    let v = value.trim();
    match lower.get_mut(..v.len()) {
        Some(buf) if v.is_ascii() => {
            buf.copy_from_slice(v.as_bytes());
            buf.make_ascii_lowercase();
            xxh3_64_with_seed(buf, HASH_SEED)
        }
        _ => token_hash(&v.to_lowercase()),
    }
}

/// Namespace of categorical metadata terms.
const NS_CATEGORY: u64 = 4;
const NS_BODY: u64 = 0;
const NS_TITLE: u64 = 2;
/// Namespace of word trigrams (every field).
const NS_TRIGRAM: u64 = 5;

fn token_hash(token: &str) -> u64 {
    xxh3_64_with_seed(token.as_bytes(), HASH_SEED)
}

/// A token's hash as the n-gram features take it: its text, a number by its shape (so
/// "$2,500" and "$3,100" hash alike). Shingles for near-duplicate detection use it too.
pub fn token_shingle_hash(text: &str, kind: TokenKind) -> u64 {
    let mut scratch = [0u8; 8];
    token_hash(token_key(text, kind, &mut scratch))
}

/// The text a token is hashed as: numbers by shape, so "$2,500" and "$3,100" meet.
fn token_key<'a>(text: &'a str, kind: TokenKind, scratch: &'a mut [u8; 8]) -> &'a str {
    if kind != TokenKind::Number {
        return text;
    }
    let digits = text.bytes().filter(u8::is_ascii_digit).count().min(7);
    scratch[0] = b'#';
    scratch[1] = b'0' + digits as u8;
    std::str::from_utf8(&scratch[..2]).unwrap_or("#")
}

fn bigram(a: u64, b: u64) -> u64 {
    a.rotate_left(23) ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn bucket(h: u64, ns: u64) -> u32 {
    let mixed = (h ^ ns.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)).wrapping_mul(0x1656_67B1_9E37_79F9);
    (mixed >> (64 - HASH_BITS)) as u32
}

/// Calls `emit(bucket, n-gram)` for each word unigram, bigram and trigram of a field (and
/// the title's unigrams and bigrams again in their own namespace), the n-gram given as
/// its slice of `text`; returns the field's length in words (bigrams of unspaced scripts
/// converted, see [`WordCount`]). Hashing and explanations both walk n-grams through
/// here, so their buckets agree.
pub fn walk_terms<'t>(text: &'t str, field: TextField, emit: impl FnMut(u32, &'t str)) -> f32 {
    walk_terms_with(text, field, emit, |_, _| {})
}

/// [`walk_terms`], also calling `on_token(hash, kind)` for each token.
#[inline(always)]
fn walk_terms_with<'t>(
    text: &'t str,
    field: TextField,
    mut emit: impl FnMut(u32, &'t str),
    mut on_token: impl FnMut(u64, TokenKind),
) -> f32 {
    let title = field == TextField::Title;
    // The two previous tokens: hash and start in `text`.
    let mut prev: Option<(u64, usize)> = None;
    let mut prev2: Option<(u64, usize)> = None;
    let mut n = WordCount::default();
    let mut scratch = [0u8; 8];
    for tok in Tokens::new(text) {
        let h = token_hash(token_key(tok.text, tok.kind, &mut scratch));
        on_token(h, tok.kind);
        let gram = |start: usize| text.get(start..tok.end).unwrap_or(tok.text);
        emit(bucket(h, NS_BODY), tok.text);
        if let Some((p, start)) = prev {
            let b2 = bigram(p, h);
            emit(bucket(b2, NS_BODY + 1), gram(start));
            if title {
                emit(bucket(b2, NS_TITLE + 1), gram(start));
            }
            if let Some((pp, start2)) = prev2 {
                emit(bucket(bigram(bigram(pp, p), h), NS_TRIGRAM), gram(start2));
            }
        }
        if title {
            emit(bucket(h, NS_TITLE), tok.text);
        }
        prev2 = prev;
        prev = Some((h, tok.start));
        n.add(&tok);
    }
    n.words()
}

/// Characters per word in scripts written without spaces, whose tokens are character
/// bigrams (one per character, nearly): a Chinese word averages under two characters,
/// Japanese about two, and a Thai, Lao, Khmer or Burmese word (vowel signs counted) four
/// or more. Counting bigrams as words made those adverts two to four times "longer" than
/// the same advert in English, and length weighs towards genuine.
const CHARS_PER_WORD_HAN_KANA: f32 = 2.0;
const CHARS_PER_WORD_SOUTHEAST_ASIAN: f32 = 4.0;

/// A field's length in words, bigram tokens converted at the rates above.
#[derive(Default)]
struct WordCount {
    spaced: u32,
    han_kana: u32,
    southeast_asian: u32,
}

impl WordCount {
    fn add(&mut self, tok: &crate::tokens::Token<'_>) {
        if tok.kind != TokenKind::Bigram {
            self.spaced += 1;
        } else if tok.text.chars().next().is_some_and(|c| c >= '\u{3000}') {
            self.han_kana += 1;
        } else {
            self.southeast_asian += 1;
        }
    }

    fn words(&self) -> f32 {
        self.spaced as f32
            + self.han_kana as f32 / CHARS_PER_WORD_HAN_KANA
            + self.southeast_asian as f32 / CHARS_PER_WORD_SOUTHEAST_ASIAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_advert_same_features() {
        let ex = Extractor::new(Lexicon::embedded());
        let ad = Ad::from_text(
            "1",
            "Data entry clerk. Work from home, no experience needed. $500 a week.",
        );
        let a = ex.extract(&ad);
        let b = ex.extract(&ad);
        assert_eq!(a.terms, b.terms);
        assert!(a.terms.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(a.meta[0], 0.0, "free text is not structured");
    }

    #[test]
    fn filtered_terms_score_the_same() {
        let model = crate::model::LureModel::embedded().expect("embedded model");
        let lex = Lexicon::embedded();
        let all = Extractor::new(lex);
        let filtered = Extractor::new(lex).with_filter(model.bucket_filter());
        for text in [
            "Customer service staff wanted in Sihanoukville. Salary $2,500/month, free flights \
             and visa, send your passport copy on Telegram @hr_kh.",
            "We are looking for a senior accountant to join our finance team in Leeds.",
        ] {
            let ad = Ad::from_text("t", text);
            let (a, b) = (all.extract(&ad), filtered.extract(&ad));
            assert!(b.terms.len() < a.terms.len());
            assert!(b.terms.iter().all(|t| a.terms.contains(t)));
            assert_eq!(model.raw_logit(&a), model.raw_logit(&b));
            assert_eq!((a.meta, a.families), (b.meta, b.families));
        }
    }

    #[test]
    fn bucket_filter_passes_its_buckets_and_few_others() {
        let mine: Vec<u32> = (0..4000u64)
            .map(|i| bucket(i.wrapping_mul(0x9E37_79B9_7F4A_7C15), NS_BODY))
            .collect();
        let f = BucketFilter::new(mine.iter().copied());
        assert!(mine.iter().all(|&b| f.passes(b)));
        let others = (0..100_000u64)
            .map(|i| bucket(i.wrapping_mul(0xC2B2_AE3D_27D4_EB4F) ^ 7, NS_BODY + 1))
            .filter(|b| !mine.contains(b));
        let (n, passed) = others.fold((0, 0), |(n, p), b| (n + 1, p + usize::from(f.passes(b))));
        assert!(passed * 100 < n * 5, "{passed} of {n} other buckets passed");
        assert!(!BucketFilter::default().passes(0));
    }

    /// A text's length in words, as the `log_words` feature counts it.
    fn word_count(text: &str) -> f32 {
        walk_terms(text, TextField::Text, |_, _| {})
    }

    #[test]
    fn words_are_counted_alike_across_scripts() {
        assert_eq!(word_count("we need chat agents now"), 5.0);
        // Eight Han characters: seven bigrams, about four words.
        let zh = word_count("高薪招聘客服人员");
        assert!((3.0..=4.0).contains(&zh), "{zh}");
        // Twelve Thai characters: about three words.
        let th = word_count("งานง่ายได้เงินดี");
        assert!((2.0..=4.0).contains(&th), "{th}");
    }

    #[test]
    fn bucket_sort_sorts() {
        let mut scratch = Vec::new();
        for n in [0usize, 3, 255, 256, 1000, 5000] {
            let mut v: Vec<u32> = (0..n as u64)
                .map(|i| bucket(i.wrapping_mul(0x9E37_79B9_7F4A_7C15), NS_BODY))
                .chain((0..n as u32 / 7).map(|i| i * 3))
                .collect();
            let mut expected = v.clone();
            expected.sort_unstable();
            sort_buckets(&mut v, &mut scratch);
            assert_eq!(v, expected);
        }
        // A value outside the hash space falls back to a comparison sort.
        let mut v: Vec<u32> = (0..300u32)
            .rev()
            .chain([u32::MAX, 1 << HASH_BITS])
            .collect();
        let mut expected = v.clone();
        expected.sort_unstable();
        sort_buckets(&mut v, &mut scratch);
        assert_eq!(v, expected);
    }

    #[test]
    fn runs_are_counted() {
        let mut terms = vec![(9, 9.0)];
        count_runs(&[], &mut terms);
        assert!(terms.is_empty());
        count_runs(&[u32::MAX], &mut terms);
        assert_eq!(terms, [(u32::MAX, 1.0)]);
        count_runs(&[0, 0, 3, 5, 5, 5, 7, u32::MAX, u32::MAX], &mut terms);
        assert_eq!(
            terms,
            [(0, 2.0), (3, 1.0), (5, 3.0), (7, 1.0), (u32::MAX, 2.0)]
        );
    }

    #[test]
    fn category_values_hash_as_their_trimmed_lowercase() {
        let mut lower = [0u8; 64];
        for v in [
            "Full-time",
            "  Oil & Energy ",
            "",
            "Ünïcode Ärea",
            "İstanbul",
            &"X".repeat(64),
            &"Long ".repeat(20),
        ] {
            let expected = xxh3_64_with_seed(v.trim().to_lowercase().as_bytes(), HASH_SEED);
            assert_eq!(category_value_hash(v, &mut lower), expected, "{v:?}");
        }
    }

    #[test]
    fn job_title_counts_only_with_core_lures() {
        use crate::lure::{Evidence, EvidenceSource};
        let ev = |family| Evidence::whole_advert(family, EvidenceSource::Rule { rule: "t" }, None);
        let alone = family_values(&[ev(Family::JobTitle)]);
        assert_eq!(alone[Family::JobTitle.index()], 0.0);
        let with = family_values(&[ev(Family::JobTitle), ev(Family::Relocation)]);
        assert_eq!(with[Family::JobTitle.index()], 1.0);
    }
}
