#![no_main]
//! Normaliser, lexicon scan, pay judgement and scorer on arbitrary text: the whole path of
//! one advert. Checks that the normaliser's span map stays inside the original on char
//! boundaries and that every quoted piece of evidence is a slice of the advert as written.
use libfuzzer_sys::fuzz_target;
use lurescan::{
    ad::Ad, explain::Scorer, lure::Lexicon, model::LureModel, normalise::NormalisedText,
};
use std::sync::OnceLock;

fn model() -> &'static LureModel {
    static MODEL: OnceLock<LureModel> = OnceLock::new();
    MODEL.get_or_init(|| LureModel::embedded().expect("the embedded model loads"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    let mut norm = NormalisedText::new();
    norm.normalise(&text);
    let n = norm.as_str();
    let bounds: Vec<usize> = (0..=n.len()).filter(|&i| n.is_char_boundary(i)).collect();
    for w in bounds
        .windows(2)
        .step_by(7)
        .chain(std::iter::once(&[0, n.len()][..]))
    {
        let (s, e) = norm.original_span(w[0], w[1]);
        assert!(
            s <= e && e <= text.len(),
            "span {s}..{e} outside 0..{}",
            text.len()
        );
        assert!(
            text.is_char_boundary(s) && text.is_char_boundary(e),
            "span off a char boundary"
        );
    }

    let scorer = Scorer::new(model(), Lexicon::embedded());
    let ad = Ad::from_text("fuzz", text.as_ref());
    let why = scorer.explain(&ad);
    assert!(
        (0.0..=1.0).contains(&why.probability),
        "probability {}",
        why.probability
    );
    for lure in &why.lures {
        if let (Some(s), Some(e), Some(quote)) = (lure.start, lure.end, &lure.text) {
            assert_eq!(
                text.get(s..e),
                Some(quote.as_str()),
                "a quote that is not the original"
            );
        }
    }
});
