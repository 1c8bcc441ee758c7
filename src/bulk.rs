//! Bulk scoring: a feed of records in, one outcome per record out, in input order.
//!
//! A reader thread parses records into chunks and hands them over a bounded channel;
//! each chunk is scored across all cores with rayon and emitted in order while the next
//! one is scored. At most a few chunks are in memory at once, so memory stays flat
//! however long the feed. Scored chunks go back to the reader, which fills their records
//! again ([`RecordSource::recycle`]): a long feed is read without allocating per record,
//! and the workers never free what the reader allocated (costly across threads). Every
//! record read becomes exactly one [`Outcome`]: scored or rejected, never dropped.

use std::cell::RefCell;
use std::sync::mpsc;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::explain::{Scored, Scorer};
use crate::features::{AdFeatures, ExtractBuffers};
use crate::input::{InputRecord, Item, RecordSource, Rejection};

/// Records per chunk: big enough to keep both cores busy, small enough to stay flat.
pub const DEFAULT_CHUNK: usize = 1024;
/// Chunks waiting between two stages (parsed but not yet scored, or scored but not yet
/// written).
const CHUNKS_IN_FLIGHT: usize = 2;

/// Options for [`score_stream`].
#[derive(Debug, Clone, Copy)]
pub struct BulkOptions {
    /// Records per chunk; defaults to [`DEFAULT_CHUNK`].
    pub chunk: usize,
    /// Keep quoted evidence per record.
    pub explain: bool,
    /// Stop at the first rejected record.
    pub strict: bool,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            chunk: DEFAULT_CHUNK,
            explain: false,
            strict: false,
        }
    }
}

/// A scored record.
#[derive(Debug, Clone)]
pub struct ScoredRecord {
    /// 1-based record number.
    pub record: u64,
    /// 1-based line where it starts.
    pub line: u64,
    /// The record's id.
    pub id: String,
    /// Pass-through column values.
    pub kept: Vec<String>,
    /// The score.
    pub scored: Scored,
}

impl ScoredRecord {
    /// The record as one line of `score --output-format jsonl` (and of `POST /api/score`):
    /// id, probability (4 decimals), verdict, lure families, language, the evidence when
    /// `explain`, then the `keep` columns' values. One builder, so the two never differ.
    pub fn to_json(&self, keep: &[String], explain: bool) -> serde_json::Value {
        let s = &self.scored;
        let mut obj = serde_json::Map::new();
        obj.insert("id".into(), self.id.clone().into());
        obj.insert(
            "probability".into(),
            ((s.probability * 1e4).round() / 1e4).into(),
        );
        obj.insert("verdict".into(), s.verdict.as_str().into());
        obj.insert(
            "lures".into(),
            s.families
                .iter()
                .map(|f| serde_json::Value::from(f.id()))
                .collect(),
        );
        obj.insert(
            "lang".into(),
            s.lang.map_or(serde_json::Value::Null, Into::into),
        );
        if explain {
            obj.insert(
                "evidence".into(),
                serde_json::to_value(&s.lures).unwrap_or_default(),
            );
        }
        for (k, v) in keep.iter().zip(&self.kept) {
            obj.insert(k.clone(), v.clone().into());
        }
        serde_json::Value::Object(obj)
    }
}

/// What became of one input record.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// It was scored.
    Scored(ScoredRecord),
    /// It was rejected, with the reason.
    Rejected(Rejection),
}

/// Counts for the end-of-run line: `read == scored + rejected` always.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Records read.
    pub read: u64,
    /// Records scored.
    pub scored: u64,
    /// Records rejected.
    pub rejected: u64,
}

/// Scores a stream of records, calling `sink` once per record in input order and
/// counting into `tally` (which stays right even when the run stops early). Stops early,
/// returning the error, when the sink fails, on a fatal input error, or with `strict` at
/// the first rejection (after passing it to the sink).
///
/// Three stages run at once: a reader thread parses chunks of records, a scoring thread
/// hands each chunk to rayon's workers, and the calling thread passes the scored chunk
/// before to `sink`. So the cores never wait for the output to be written, and at most
/// [`CHUNKS_IN_FLIGHT`] chunks wait between two stages.
pub fn score_stream<I>(
    records: I,
    scorer: &Scorer<'_>,
    opts: BulkOptions,
    tally: &mut Tally,
    sink: impl FnMut(Outcome) -> Result<()>,
) -> Result<()>
where
    I: Iterator<Item = Result<Item>> + Send,
{
    score_source(NoRecycling(records), scorer, opts, tally, sink)
}

/// Any stream of items, as a source that drops what it is handed back.
struct NoRecycling<I>(I);

impl<I: Iterator<Item = Result<Item>>> Iterator for NoRecycling<I> {
    type Item = Result<Item>;
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

impl<I: Iterator<Item = Result<Item>>> RecordSource for NoRecycling<I> {}

/// As [`score_stream`], handing each scored record back to `records` to be filled again.
pub fn score_source<S>(
    records: S,
    scorer: &Scorer<'_>,
    opts: BulkOptions,
    tally: &mut Tally,
    mut sink: impl FnMut(Outcome) -> Result<()>,
) -> Result<()>
where
    S: RecordSource + Send,
{
    let explain = opts.explain;
    map_source(
        records,
        opts,
        tally,
        |rec| with_buffers(|buf, feats| score_record(scorer, rec, buf, feats, explain)),
        |item| {
            sink(match item {
                Ok(rec) => Outcome::Scored(rec),
                Err(r) => Outcome::Rejected(r),
            })
        },
    )
}

/// The pipeline under [`score_source`], for any per-record work: runs `work` on every
/// record across rayon's workers (it may take the record's id and kept values, as
/// scoring does; the rest goes back to `records` to be filled again), and calls `sink`
/// with each result or rejection in input order, counting into `tally` as
/// [`score_stream`] does (`opts.explain` is the caller's business here). Other commands
/// (campaigns) reuse it so that every feed is read, parallelised and accounted for in
/// one way.
pub fn map_source<S, T, W>(
    records: S,
    opts: BulkOptions,
    tally: &mut Tally,
    work: W,
    mut sink: impl FnMut(std::result::Result<T, Rejection>) -> Result<()>,
) -> Result<()>
where
    S: RecordSource + Send,
    T: Send,
    W: Fn(&mut InputRecord) -> T + Sync,
{
    let chunk = opts.chunk.max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let (parsed_tx, parsed_rx) = mpsc::sync_channel::<Result<Vec<Item>>>(CHUNKS_IN_FLIGHT);
        let (done_tx, done_rx) =
            mpsc::sync_channel::<Result<Vec<std::result::Result<T, Rejection>>>>(CHUNKS_IN_FLIGHT);
        // Unbounded, but it holds only chunks that were in flight.
        let (spent_tx, spent_rx) = mpsc::channel::<Vec<Item>>();
        scope.spawn(move || read_chunks(records, chunk, &parsed_tx, &spent_rx));
        scope.spawn(move || {
            for batch in parsed_rx {
                let done = batch.map(|mut batch| {
                    let results = map_chunk(work, &mut batch);
                    let _ = spent_tx.send(batch); // the reader may be done
                    results
                });
                if done_tx.send(done).is_err() {
                    return; // the sink stopped
                }
            }
        });
        // Returning early drops `done_rx`, which stops the working thread, which drops
        // `parsed_rx`, which stops the reader.
        for results in done_rx {
            // A signal stops the run between chunks, as a fatal error would.
            crate::interrupt::check()?;
            for result in results? {
                tally.read += 1;
                let rejected = match &result {
                    Ok(_) => {
                        tally.scored += 1;
                        None
                    }
                    Err(r) => {
                        tally.rejected += 1;
                        Some(r.clone())
                    }
                };
                sink(result)?;
                if let (true, Some(r)) = (opts.strict, rejected) {
                    return Err(Error::Record {
                        record: r.record,
                        line: r.line,
                        id: r.id,
                        reason: r.reason,
                    });
                }
            }
        }
        Ok(())
    })
}

/// The reader stage: sends the records in chunks of `chunk`, then a fatal error if one
/// ends the input (after the records before it). Each new chunk reuses a spent one, its
/// records handed back to `records`.
fn read_chunks<S>(
    mut records: S,
    chunk: usize,
    tx: &mpsc::SyncSender<Result<Vec<Item>>>,
    spent: &mpsc::Receiver<Vec<Item>>,
) where
    S: RecordSource,
{
    let mut batch = Vec::with_capacity(chunk);
    while let Some(item) = records.next() {
        match item {
            Ok(it) => {
                batch.push(it);
                if batch.len() == chunk {
                    let next = reuse_spent(&mut records, spent, chunk);
                    if tx.send(Ok(std::mem::replace(&mut batch, next))).is_err() {
                        return; // the consumer stopped
                    }
                }
            }
            Err(e) => {
                if !batch.is_empty() {
                    let _ = tx.send(Ok(std::mem::take(&mut batch)));
                }
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(Ok(batch));
    }
}

/// An empty chunk: a spent one when there is one, after handing back the records of
/// every spent chunk waiting.
fn reuse_spent<S: RecordSource>(
    records: &mut S,
    spent: &mpsc::Receiver<Vec<Item>>,
    chunk: usize,
) -> Vec<Item> {
    let mut empty = None;
    while let Ok(mut old) = spent.try_recv() {
        for rec in old.drain(..).flatten() {
            records.recycle(rec);
        }
        empty.get_or_insert(old);
    }
    empty.unwrap_or_else(|| Vec::with_capacity(chunk))
}

thread_local! {
    /// Each worker thread's buffers, kept from chunk to chunk: besides grown allocations
    /// they hold the lexicon's lazy regex caches, which are costly to build again.
    static BUFFERS: RefCell<(ExtractBuffers, AdFeatures)> = RefCell::default();
}

/// Runs `f` with this worker thread's scoring buffers (see [`BUFFERS`]).
fn with_buffers<T>(f: impl FnOnce(&mut ExtractBuffers, &mut AdFeatures) -> T) -> T {
    BUFFERS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut bufs) => {
            let (buf, feats) = &mut *bufs;
            f(buf, feats)
        }
        // Only if the work ever re-entered this thread's loop (it does not).
        Err(_) => f(&mut ExtractBuffers::default(), &mut AdFeatures::default()),
    })
}

/// Scores `ad` with the calling thread's reusable buffers (the bulk hot path), then
/// hands `then` the score and the buffers, which still hold the advert's normalised
/// fields ([`ExtractBuffers::normalised_fields`]) and, with `keep_token_hashes`, each
/// field's token hashes ([`ExtractBuffers::token_hashes`]): work beside the score
/// (campaign sketches) reads them instead of normalising and tokenising the advert again.
pub fn score_then<T>(
    scorer: &Scorer<'_>,
    ad: &crate::ad::Ad,
    explain: bool,
    keep_token_hashes: bool,
    then: impl FnOnce(Scored, &ExtractBuffers) -> T,
) -> T {
    with_buffers(|buf, feats| {
        buf.keep_token_hashes(keep_token_hashes);
        let scored = scorer.score_with(ad, buf, feats, explain);
        let out = then(scored, buf);
        // The thread's buffers serve plain scoring next, which needs no token hashes.
        buf.keep_token_hashes(false);
        out
    })
}

/// Runs `work` on one chunk across rayon's workers, keeping input order. The records
/// stay in `batch` to be reused.
fn map_chunk<T: Send>(
    work: &(impl Fn(&mut InputRecord) -> T + Sync),
    batch: &mut [Item],
) -> Vec<std::result::Result<T, Rejection>> {
    batch
        .par_iter_mut()
        .map(|item| match item {
            Ok(rec) => Ok(work(rec)),
            Err(rejection) => Err(rejection.clone()),
        })
        .collect()
}

fn score_record(
    scorer: &Scorer<'_>,
    rec: &mut InputRecord,
    buf: &mut ExtractBuffers,
    feats: &mut AdFeatures,
    explain: bool,
) -> ScoredRecord {
    let scored = scorer.score_with(&rec.ad, buf, feats, explain);
    ScoredRecord {
        record: rec.record,
        line: rec.line,
        id: std::mem::take(&mut rec.ad.id),
        kept: std::mem::take(&mut rec.kept),
        scored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ad::Ad;
    use crate::lure::Lexicon;
    use crate::model::LureModel;

    /// `n` records; every seventh is a rejection, and a fatal error follows record
    /// `fatal_after` when given.
    fn feed(n: u64, fatal_after: Option<u64>) -> impl Iterator<Item = Result<Item>> + Send {
        (1..=n).flat_map(move |i| {
            let item = if i % 7 == 0 {
                Err(Rejection {
                    record: i,
                    line: i + 1,
                    id: Some(format!("r{i}")),
                    reason: "broken".into(),
                })
            } else {
                Ok(InputRecord {
                    record: i,
                    line: i + 1,
                    ad: Ad::from_text(format!("r{i}"), format!("Data entry job number {i}")),
                    label: None,
                    kept: Vec::new(),
                })
            };
            let fatal = (fatal_after == Some(i)).then(|| {
                Err(Error::Io {
                    path: "feed".into(),
                    source: std::io::Error::other("disk gone"),
                })
            });
            std::iter::once(Ok(item)).chain(fatal)
        })
    }

    fn record_of(o: &Outcome) -> u64 {
        match o {
            Outcome::Scored(s) => s.record,
            Outcome::Rejected(r) => r.record,
        }
    }

    fn run(
        items: impl Iterator<Item = Result<Item>> + Send,
        opts: BulkOptions,
        fail_at: Option<u64>,
    ) -> (Result<()>, Tally, Vec<u64>) {
        let model = LureModel::embedded().expect("embedded model");
        let scorer = Scorer::new(&model, Lexicon::embedded());
        let mut tally = Tally::default();
        let mut seen = Vec::new();
        let result = score_stream(items, &scorer, opts, &mut tally, |o| {
            seen.push(record_of(&o));
            if fail_at == Some(record_of(&o)) {
                return Err(Error::Io {
                    path: "<output>".into(),
                    source: std::io::Error::other("pipe closed"),
                });
            }
            Ok(())
        });
        (result, tally, seen)
    }

    const SMALL_CHUNKS: BulkOptions = BulkOptions {
        chunk: 5,
        explain: false,
        strict: false,
    };

    #[test]
    fn every_record_comes_out_once_in_order() {
        let (result, tally, seen) = run(feed(203, None), SMALL_CHUNKS, None);
        assert!(result.is_ok());
        assert_eq!(seen, (1..=203).collect::<Vec<_>>());
        assert_eq!(
            (tally.read, tally.scored, tally.rejected),
            (203, 203 - 29, 29)
        );
    }

    /// A source that counts the records handed back to it.
    struct Counting<I> {
        items: I,
        recycled: usize,
    }

    impl<I: Iterator<Item = Result<Item>>> Iterator for Counting<I> {
        type Item = Result<Item>;
        fn next(&mut self) -> Option<Self::Item> {
            self.items.next()
        }
    }

    impl<I: Iterator<Item = Result<Item>>> RecordSource for Counting<I> {
        fn recycle(&mut self, _spent: InputRecord) {
            self.recycled += 1;
        }
    }

    #[test]
    fn scored_records_go_back_to_the_source() {
        let model = LureModel::embedded().expect("embedded model");
        let scorer = Scorer::new(&model, Lexicon::embedded());
        let mut source = Counting {
            items: feed(203, None),
            recycled: 0,
        };
        let mut tally = Tally::default();
        let mut seen = Vec::new();
        let result = score_source(&mut source, &scorer, SMALL_CHUNKS, &mut tally, |o| {
            if let Outcome::Scored(s) = &o {
                assert_eq!(s.id, format!("r{}", s.record), "ids move to the outcome");
            }
            seen.push(record_of(&o));
            Ok(())
        });
        assert!(result.is_ok());
        assert_eq!(seen, (1..=203).collect::<Vec<_>>());
        assert!(source.recycled > 0, "spent chunks come back");
        assert!(source.recycled <= 203 - 29, "rejections are not records");
    }

    #[test]
    fn a_failing_sink_stops_the_run_without_waiting_for_the_feed() {
        // Far more records than the stages hold: the reader and scorer must stop too.
        let (result, tally, seen) = run(feed(100_000, None), SMALL_CHUNKS, Some(12));
        assert!(matches!(result, Err(Error::Io { .. })));
        assert_eq!(seen, (1..=12).collect::<Vec<_>>());
        assert_eq!(tally.read, 12);
    }

    #[test]
    fn a_fatal_input_error_comes_after_the_records_before_it() {
        let (result, tally, seen) = run(feed(40, Some(23)), SMALL_CHUNKS, None);
        assert!(matches!(result, Err(Error::Io { .. })));
        assert_eq!(seen, (1..=23).collect::<Vec<_>>());
        assert_eq!(tally.read, tally.scored + tally.rejected);
    }

    #[test]
    fn strict_stops_at_the_first_rejection() {
        let opts = BulkOptions {
            strict: true,
            ..SMALL_CHUNKS
        };
        let (result, tally, seen) = run(feed(50, None), opts, None);
        assert!(matches!(result, Err(Error::Record { record: 7, .. })));
        assert_eq!(seen, (1..=7).collect::<Vec<_>>());
        assert_eq!((tally.read, tally.scored, tally.rejected), (7, 6, 1));
    }
}
