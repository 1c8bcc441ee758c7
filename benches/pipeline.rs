//! Throughput of each stage and of the whole bulk pipeline, over a fixed corpus: the
//! shared EMSCAD split (`../shared/data/emscad/train.csv`), or the project's sample
//! adverts repeated when that file is absent. `cargo bench` reports adverts/s and
//! bytes/s of advert text per stage.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use lurescan::ad::Ad;
use lurescan::bulk::{BulkOptions, Tally, score_stream};
use lurescan::explain::Scorer;
use lurescan::features::{AdFeatures, ExtractBuffers, Extractor};
use lurescan::input::{FieldMapping, Records};
use lurescan::lure::{self, Lexicon, ScanBuffers};
use lurescan::model::LureModel;
use lurescan::normalise::NormalisedText;

fn corpus_path() -> &'static Path {
    let shared = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/emscad/train.csv"
    ));
    if shared.exists() {
        shared
    } else {
        eprintln!("bench corpus: ../shared is absent, using data/sample_adverts.csv");
        Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/sample_adverts.csv"
        ))
    }
}

fn corpus() -> Vec<Ad> {
    let records = Records::open(corpus_path(), None, FieldMapping::new()).expect("corpus opens");
    let ads: Vec<Ad> = records
        .filter_map(|r| r.ok().and_then(Result::ok))
        .map(|r| r.ad)
        .collect();
    // At least ~1000 adverts so per-iteration overheads do not dominate.
    let copies = 1000usize.div_ceil(ads.len().max(1));
    ads.iter()
        .cycle()
        .take(ads.len() * copies)
        .cloned()
        .collect()
}

fn stages(c: &mut Criterion) {
    let ads = corpus();
    let bytes: u64 = ads.iter().map(|a| a.text_len() as u64).sum();
    let model = LureModel::embedded().expect("model");
    let lexicon = Lexicon::embedded();
    let extractor = Extractor::new(lexicon);
    // The model stage reads what scoring hands it: the terms the model's bucket filter
    // passes (training's unfiltered terms would time probes for terms scoring never
    // looks up).
    let scoring_extractor = Extractor::new(lexicon).with_filter(model.bucket_filter());
    let features: Vec<AdFeatures> = ads.iter().map(|a| scoring_extractor.extract(a)).collect();

    for (unit, throughput) in [
        ("adverts", Throughput::Elements(ads.len() as u64)),
        ("bytes", Throughput::Bytes(bytes)),
    ] {
        let mut g = c.benchmark_group(format!("stage_{unit}"));
        g.sample_size(10)
            .measurement_time(std::time::Duration::from_secs(3))
            .throughput(throughput);
        g.bench_function("normalise", |b| {
            let mut norm = NormalisedText::new();
            b.iter(|| {
                for ad in &ads {
                    for (_, text) in ad.fields() {
                        norm.normalise(black_box(text));
                    }
                }
            })
        });
        g.bench_function("lure_scan", |b| {
            let (mut buf, mut ev) = (ScanBuffers::default(), Vec::new());
            b.iter(|| {
                for ad in &ads {
                    black_box(lure::scan(ad, lexicon, &mut buf, &mut ev, false));
                }
            })
        });
        g.bench_function("features", |b| {
            let (mut buf, mut f) = (ExtractBuffers::default(), AdFeatures::default());
            b.iter(|| {
                for ad in &ads {
                    extractor.extract_into(ad, &mut buf, &mut f);
                    black_box(&f);
                }
            })
        });
        g.bench_function("model_score", |b| {
            b.iter(|| {
                features
                    .iter()
                    .map(|f| model.probability(black_box(f)))
                    .sum::<f64>()
            })
        });
        g.bench_function("end_to_end_bulk", |b| {
            let scorer = Scorer::new(&model, lexicon);
            b.iter(|| {
                let mut tally = Tally::default();
                let items = ads.iter().enumerate().map(|(i, ad)| {
                    Ok(Ok(lurescan::input::InputRecord {
                        record: i as u64 + 1,
                        line: i as u64 + 2,
                        ad: ad.clone(),
                        label: None,
                        kept: Vec::new(),
                    }))
                });
                score_stream(items, &scorer, BulkOptions::default(), &mut tally, |o| {
                    black_box(o);
                    Ok(())
                })
                .expect("scores");
                tally
            })
        });
        g.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
