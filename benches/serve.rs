//! `cargo bench --bench serve`: the HTTP API's figures for docs/performance.md.
//!
//! Starts the server in-process on a free loopback port (the library's router, the
//! embedded model, a throw-away reviews database) and measures:
//! 1. `POST /api/check` on a 2 KB advert, one request at a time: the median, 90th
//!    percentile and worst latency over 1,000 requests (target: median ≤ 5 ms);
//! 2. 500 requests sent at once, each on its own connection: how many failed (target:
//!    none) and how long they all took.
//!
//! The advert is written for this bench. A 100k-feed upload is measured with curl
//! against `lurescan serve` (see docs/performance.md), as a user would send it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use lurescan::explain::Scorer;
use lurescan::lure::Lexicon;
use lurescan::model::LureModel;
use lurescan::serve::reviews::Reviews;
use lurescan::serve::{AppState, ServeConfig};

/// A 2 KB advert (written for this bench): a lure's phrases inside ordinary job text.
fn advert_2kb() -> String {
    let mut text = String::from(
        "Customer support representatives wanted for an international e-commerce team. \
         Salary 2,600 USD per month plus bonus, free flight ticket and visa arranged by the \
         company, accommodation near the office in Sihanoukville. No experience needed, \
         basic typing is enough. Contact our HR on Telegram @hr_bench_01 and send a copy of \
         your passport to book your seat. ",
    );
    let filler = "You will answer customer questions by chat, keep simple records of each \
                  case, and work with a friendly team on rotating shifts with weekly training. ";
    while text.len() < 2048 {
        text.push_str(filler);
    }
    text.truncate(2048);
    while !text.is_char_boundary(text.len()) {
        text.pop();
    }
    text
}

fn post(addr: &str, path: &str, body: &[u8]) -> std::io::Result<(u16, usize)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let status = std::str::from_utf8(&raw[..raw.len().min(12)])
        .ok()
        .and_then(|l| l.get(9..12))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, raw.len()))
}

fn main() {
    // `cargo bench` passes `--bench`; this bench has no options.
    let model: &'static LureModel = Box::leak(Box::new(
        LureModel::embedded().expect("the embedded model loads"),
    ));
    let scorer = Scorer::new(model, Lexicon::embedded()).with_language(true);
    let dir = tempfile::tempdir().expect("temp dir");
    let reviews = Reviews::open(&dir.path().join("bench.sqlite")).expect("database");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("binds");
    let bound = listener.local_addr().expect("address");
    let state = AppState::new(scorer, reviews, ServeConfig::new(), bound);
    runtime.spawn(lurescan::serve::run(listener, state));
    let addr = bound.to_string();

    let body = serde_json::to_vec(&serde_json::json!({ "text": advert_2kb() })).expect("JSON");
    for _ in 0..50 {
        post(&addr, "/api/check", &body).expect("warm-up request");
    }
    let mut times = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let t = Instant::now();
        let (status, _) = post(&addr, "/api/check", &body).expect("request");
        times.push(t.elapsed());
        assert_eq!(status, 200);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "POST /api/check, 2 KB advert ({} bytes of JSON), 1,000 sequential requests: \
         median {:.2} ms, p90 {:.2} ms, max {:.2} ms",
        body.len(),
        ms(times[500]),
        ms(times[900]),
        ms(times[999])
    );

    let t = Instant::now();
    let results: Vec<std::io::Result<(u16, usize)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..500)
            .map(|_| s.spawn(|| post(&addr, "/api/check", &body)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("panicked")))
            })
            .collect()
    });
    let wall = t.elapsed();
    let ok = results
        .iter()
        .filter(|r| matches!(r, Ok((200, n)) if *n > 0))
        .count();
    println!(
        "500 concurrent POST /api/check: {ok} answered 200, {} failed, all done in {:.0} ms",
        500 - ok,
        ms(wall)
    );
    if ok != 500 {
        std::process::exit(1);
    }
}
