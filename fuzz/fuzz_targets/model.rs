#![no_main]
//! The model loader on arbitrary bytes: from a file (gzip or not, as `--model` reads it)
//! and from JSON text. Anything it accepts must score an advert without panicking.
use libfuzzer_sys::fuzz_target;
use lurescan::{ad::Ad, explain::Scorer, lure::Lexicon, model::LureModel};
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let mut file = tempfile_in_tmp();
    file.as_file_mut()
        .write_all(data)
        .expect("write the temporary model file");
    let loaded = LureModel::load(file.path());
    let parsed = LureModel::from_json(&String::from_utf8_lossy(data), "fuzz-input");
    for model in [loaded, parsed].into_iter().flatten() {
        let scorer = Scorer::new(&model, Lexicon::embedded());
        let why = scorer.explain(&Ad::from_text(
            "1",
            "No experience needed, $3000/week, Telegram",
        ));
        assert!(
            (0.0..=1.0).contains(&why.probability),
            "probability {}",
            why.probability
        );
    }
});

fn tempfile_in_tmp() -> tempfile::NamedTempFile {
    tempfile::NamedTempFile::new().expect("a temporary file")
}
