//! `lurescan serve`: the HTTP API driven as a client would, against the real binary on a
//! free port. The adverts here are written for these tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::util::{lurescan, repo, run_ok};

/// A lure written for these tests (numbers and names invented).
const LURE: &str = "Hiring chat support agents for Bavet, Cambodia. Pay 2,800 USD monthly, \
ticket and visa covered by the company. No skills needed. Message our recruiter on \
Telegram @jobdesk_kh7 with a photo of your passport. Only 5 places, leave this week!";

/// A genuine advert written for these tests.
const GENUINE: &str = "Northfield Library seeks a part-time archivist in Dundee. You will \
catalogue donated collections and help visitors with research requests. A degree in \
information science is preferred. Salary £24,300 pro rata; apply with a CV by 30 March.";

/// A running `lurescan serve`, killed when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:<port>`.
    pub addr: String,
}

impl Server {
    /// Starts the server on a free port with `db` and extra flags, and waits until it
    /// prints its address.
    pub fn start(db: &Path, extra: &[&str]) -> Server {
        let bin = assert_cmd::cargo::cargo_bin("lurescan");
        let mut child = Command::new(bin)
            .args(["serve", "--addr", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(extra)
            .env_remove("LURESCAN_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("reads");
        let addr = line
            .trim()
            .strip_prefix("lurescan serve: listening on http://")
            .and_then(|s| s.strip_suffix('/'))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Server { child, addr }
    }

    /// Sends one request and reads the whole answer.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Answer {
        request(&self.addr, method, path, headers, body)
    }

    /// Kills the server outright (SIGKILL), as a crash or `kill -9` would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }
}

/// A minimal HTTP/1.1 client (one request per connection; chunked answers decoded), so
/// the tests can also send what a real client would not.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut s = TcpStream::connect(addr).expect("connects");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).expect("writes");
    // The server may answer (413) before reading all of a big body: a write error then
    // is not the test's failure.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    parse_answer(&raw)
}

fn parse_answer(raw: &[u8]) -> Answer {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&raw[..eol]).expect("size").trim(), 16)
                .expect("chunk size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[eol + 2..eol + 2 + size]);
        raw = &raw[eol + 2 + size + 2..];
    }
}

/// A fresh database path in a temporary directory (kept alive by the returned guard).
pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("reviews.sqlite");
    (dir, db)
}

fn json_body(v: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("JSON")
}

const JSON: (&str, &str) = ("Content-Type", "application/json");

#[test]
fn check_answers_exactly_what_check_json_prints() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db, &[]);
    for text in [
        LURE,
        GENUINE,
        "Trabajo en Camboya: 2.900 USD al mes, vuelo gratis. Envía tu pasaporte por WhatsApp.",
    ] {
        let cli = run_ok(lurescan().args(["check", "--json", text]));
        let answer = server.request(
            "POST",
            "/api/check",
            &[JSON],
            &json_body(&serde_json::json!({ "text": text })),
        );
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(String::from_utf8_lossy(&cli), answer.text(), "for {text:?}");
    }
    // The advert's fields, as a JSONL record: spans are per field.
    let answer = server.request(
        "POST",
        "/api/check",
        &[JSON],
        &json_body(&serde_json::json!({ "job_id": "ad-9", "title": "Chat support (Bavet)", "description": LURE })),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let v = answer.json();
    assert_eq!(v["id"], "ad-9");
    assert_eq!(v["verdict"], "lure");
    let quoted = v["lures"]
        .as_array()
        .expect("lures")
        .iter()
        .find(|l| l["field"] == "description" && l["start"].is_u64())
        .expect("evidence in the description");
    let (start, end) = (
        quoted["start"].as_u64().unwrap_or(0) as usize,
        quoted["end"].as_u64().unwrap_or(0) as usize,
    );
    assert_eq!(&LURE[start..end], quoted["text"].as_str().expect("quote"));
    let health = server.request("GET", "/api/health", &[], b"");
    assert_eq!(health.json()["status"], "ok");
}

#[test]
fn bad_requests_get_a_reason_and_the_server_keeps_going() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db, &["--max-body-bytes", "2000"]);
    let cases: [(&[u8], u16, &str); 6] = [
        (b"{\"text\": ", 400, "invalid JSON"),
        (b"[1, 2]", 400, "must be a JSON object"),
        (b"{\"text\": \"   \"}", 400, "no text"),
        (b"{\"text\": \"a\", \"text\": \"b\"}", 400, "appears twice"),
        (b"\xff\xfe not UTF-8", 400, "invalid JSON"),
        (&[b'x'; 5000], 413, "2000-byte limit"),
    ];
    for (body, status, reason) in cases {
        let answer = server.request("POST", "/api/check", &[JSON], body);
        assert_eq!(answer.status, status, "{}", answer.text());
        let err = answer.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(err.contains(reason), "{err:?} should contain {reason:?}");
    }
    // A header line the server cannot parse, a bad CSV upload, an unknown route.
    let mut s = TcpStream::connect(&server.addr).expect("connects");
    let _ = s.write_all(b"NONSENSE\r\n\r\n");
    let _ = s.read_to_end(&mut Vec::new());
    let answer = server.request("POST", "/api/score?format=csv", &[], b"id,colour\n1,blue\n");
    assert_eq!(answer.status, 400);
    assert!(
        answer.json()["error"]
            .as_str()
            .unwrap_or_default()
            .contains("text"),
        "{}",
        answer.text()
    );
    assert_eq!(server.request("GET", "/api/nothing", &[], b"").status, 404);
    assert_eq!(
        server
            .request("POST", "/api/score?format=xml", &[], b"a")
            .status,
        400
    );
    // Still answering, with the security headers.
    let health = server.request("GET", "/api/health", &[], b"");
    assert_eq!(health.status, 200);
    let csp = health.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
}

#[test]
fn uploads_over_the_limit_are_413() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db, &["--max-upload-bytes", "10000"]);
    let mut big = String::from("id,text\n");
    while big.len() < 20_000 {
        big.push_str("7,Warehouse packing job in Leicester with day shifts\n");
    }
    let answer = server.request("POST", "/api/score", &[], big.as_bytes());
    assert_eq!(answer.status, 413);
    assert!(
        answer.json()["error"]
            .as_str()
            .unwrap_or_default()
            .contains("10000-byte limit")
    );
    assert_eq!(server.request("GET", "/api/health", &[], b"").status, 200);
}

#[test]
fn a_token_is_needed_on_every_api_call_when_set() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db, &["--token", "written-for-tests-81f2"]);
    let body = json_body(&serde_json::json!({ "text": LURE }));
    for headers in [
        vec![JSON],
        vec![JSON, ("Authorization", "Bearer written-for-tests-81f3")],
        vec![JSON, ("Authorization", "written-for-tests-81f2")],
    ] {
        for (method, path) in [
            ("POST", "/api/check"),
            ("GET", "/api/health"),
            ("GET", "/api/reviews"),
            ("GET", "/api/reviews/export.csv"),
            ("POST", "/api/score"),
        ] {
            let answer = server.request(method, path, &headers, &body);
            assert_eq!(answer.status, 401, "{method} {path} with {headers:?}");
        }
    }
    let ok = server.request(
        "POST",
        "/api/check",
        &[JSON, ("Authorization", "Bearer written-for-tests-81f2")],
        &body,
    );
    assert_eq!(ok.status, 200);
    // The page itself holds no data: it loads without the token and asks for it.
    assert_eq!(server.request("GET", "/", &[], b"").status, 200);
}

#[test]
fn without_a_token_only_local_addresses_are_served() {
    let out = lurescan()
        .args(["serve", "--addr", "0.0.0.0:0"])
        .env_remove("LURESCAN_TOKEN")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--token"));
    // A page on another domain pointed at 127.0.0.1 (DNS rebinding) is refused.
    let (_dir, db) = temp_db();
    let server = Server::start(&db, &[]);
    let mut s = TcpStream::connect(&server.addr).expect("connects");
    s.write_all(
        b"GET /api/reviews HTTP/1.1\r\nHost: attacker.example:8080\r\nConnection: close\r\n\r\n",
    )
    .expect("writes");
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert_eq!(parse_answer(&raw).status, 403);
}

#[test]
fn concurrent_checks_all_succeed_with_the_same_answer() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db, &["--max-concurrent", "2"]);
    let body = json_body(&serde_json::json!({ "text": LURE }));
    let expected = server.request("POST", "/api/check", &[JSON], &body).text();
    let answers: Vec<Answer> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..64)
            .map(|_| s.spawn(|| server.request("POST", "/api/check", &[JSON], &body)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for a in answers {
        assert_eq!(a.status, 200);
        assert_eq!(a.text(), expected);
    }
}

#[test]
fn score_streams_lines_in_input_order_with_rejections_as_score_reports_them() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db, &[]);
    // 3,000 records (several chunks), every 500th broken.
    let mut feed = String::new();
    for i in 1..=3000 {
        if i % 500 == 0 {
            feed.push_str("{\"id\": \"broken\n");
        } else if i % 2 == 0 {
            feed.push_str(&serde_json::json!({ "id": format!("a{i}"), "text": LURE }).to_string());
            feed.push('\n');
        } else {
            feed.push_str(&serde_json::json!({ "id": format!("a{i}"), "text": format!("{GENUINE} Ref {i}.") }).to_string());
            feed.push('\n');
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("feed.jsonl");
    std::fs::write(&path, &feed).expect("writes");
    let errors = dir.path().join("errors.csv");
    let cli = lurescan()
        .args(["score", "--output-format", "jsonl", "-q", "--errors"])
        .arg(&errors)
        .arg(&path)
        .output()
        .expect("runs");
    let cli_lines: Vec<String> = String::from_utf8_lossy(&cli.stdout)
        .lines()
        .map(String::from)
        .collect();
    let answer = server.request(
        "POST",
        "/api/score",
        &[("Content-Type", "application/x-ndjson")],
        feed.as_bytes(),
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/x-ndjson"));
    let text = answer.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3001, "a line per record and the summary");
    let scored: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.starts_with("{\"rejected\"") && !l.starts_with("{\"summary\""))
        .collect();
    assert_eq!(
        scored, cli_lines,
        "scored lines are score's, in the same order"
    );
    let rejected: Vec<serde_json::Value> = lines
        .iter()
        .filter(|l| l.starts_with("{\"rejected\""))
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON")["rejected"].clone())
        .collect();
    let cli_errors = crate::util::csv_rows(&std::fs::read(&errors).expect("errors file"));
    assert_eq!(rejected.len(), 6);
    assert_eq!(cli_errors.len(), 7, "header and six rejections");
    for (r, row) in rejected.iter().zip(&cli_errors[1..]) {
        assert_eq!(r["record"].to_string(), row[0]);
        assert_eq!(r["line"].to_string(), row[1]);
        assert_eq!(r["reason"].as_str(), Some(row[3].as_str()));
    }
    // Every line is in input order: record numbers rise by one.
    let ids: Vec<String> = lines[..3000]
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON");
            v["id"]
                .as_str()
                .map(String::from)
                .unwrap_or_else(|| format!("r{}", v["rejected"]["record"]))
        })
        .collect();
    let expected: Vec<String> = (1..=3000)
        .map(|i| {
            if i % 500 == 0 {
                format!("r{i}")
            } else {
                format!("a{i}")
            }
        })
        .collect();
    assert_eq!(ids, expected);
    let summary: serde_json::Value = serde_json::from_str(lines[3000]).expect("JSON");
    assert_eq!(
        summary["summary"],
        serde_json::json!({ "read": 3000, "scored": 2994, "rejected": 6 })
    );
}

#[test]
fn score_reads_csv_uploads_and_can_return_evidence_and_fields() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db, &[]);
    let csv = std::fs::read(repo("data/sample_adverts.csv")).expect("sample");
    let cli = run_ok(
        lurescan()
            .args(["score", "--output-format", "jsonl", "-q"])
            .arg(repo("data/sample_adverts.csv")),
    );
    let answer = server.request("POST", "/api/score", &[("Content-Type", "text/csv")], &csv);
    assert_eq!(answer.status, 200);
    let text = answer.text();
    let body_lines: Vec<&str> = text.lines().collect();
    let cli_text = String::from_utf8_lossy(&cli).into_owned();
    let cli_lines: Vec<&str> = cli_text.lines().collect();
    assert_eq!(&body_lines[..body_lines.len() - 1], &cli_lines[..]);
    // With evidence and fields, each span quotes its own field.
    let answer = server.request("POST", "/api/score?explain=true&fields=true", &[], &csv);
    let mut spans = 0;
    for line in answer
        .text()
        .lines()
        .filter(|l| !l.starts_with("{\"summary\""))
    {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        for e in v["evidence"].as_array().expect("evidence") {
            if let (Some(field), Some(start), Some(end)) =
                (e["field"].as_str(), e["start"].as_u64(), e["end"].as_u64())
            {
                let text = v[field].as_str().expect("the field is returned");
                assert_eq!(
                    &text[start as usize..end as usize],
                    e["text"].as_str().expect("quote")
                );
                spans += 1;
            }
        }
    }
    assert!(spans > 0);
}

fn review(
    server: &Server,
    advert: serde_json::Value,
    label: &str,
    note: &str,
) -> serde_json::Value {
    let answer = server.request(
        "POST",
        "/api/reviews",
        &[JSON],
        &json_body(&serde_json::json!({ "advert": advert, "label": label, "note": note })),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    answer.json()
}

#[test]
fn reviews_survive_a_killed_server_and_export_as_training_csv() {
    let (dir, db) = temp_db();
    let server = Server::start(&db, &[]);
    let first = review(
        &server,
        serde_json::json!({ "text": LURE }),
        "lure",
        "passport by Telegram, Bavet",
    );
    assert_eq!(first["label"], "lure");
    assert_eq!(first["verdict"], "lure");
    assert!(
        first["explanation"]["lures"]
            .as_array()
            .is_some_and(|l| !l.is_empty())
    );
    review(
        &server,
        serde_json::json!({ "job_id": "lib-3", "title": "Archivist", "description": GENUINE }),
        "genuine",
        "",
    );
    review(
        &server,
        serde_json::json!({ "text": "Part-time tutor wanted, paid weekly, details by phone." }),
        "unsure",
        "too short to say, \"quoted\", note",
    );
    // A form from another site cannot send JSON without asking first: refused.
    let form = server.request(
        "POST",
        "/api/reviews",
        &[("Content-Type", "text/plain")],
        b"{}",
    );
    assert_eq!(form.status, 415);
    let bad = server.request(
        "POST",
        "/api/reviews",
        &[JSON],
        br#"{"advert": {"text": "x"}, "label": "maybe"}"#,
    );
    assert_eq!(bad.status, 400);
    server.kill();

    let server = Server::start(&db, &[]);
    let listed = server.request("GET", "/api/reviews", &[], b"").json();
    assert_eq!(listed.as_array().map(Vec::len), Some(3));
    let export = server.request("GET", "/api/reviews/export.csv", &[], b"");
    assert_eq!(export.status, 200);
    assert_eq!(export.header("x-lurescan-unsure"), Some("1"));
    let rows = crate::util::csv_rows(&export.body);
    assert_eq!(rows.len(), 3, "header, the lure and the genuine advert");
    let col = |name: &str| rows[0].iter().position(|c| c == name).expect(name);
    assert_eq!(rows[1][col("description")], LURE);
    assert_eq!(rows[1][col("fraudulent")], "1");
    assert_eq!(rows[1][col("note")], "passport by Telegram, Bavet");
    assert_eq!(rows[2][col("title")], "Archivist");
    assert_eq!(rows[2][col("fraudulent")], "0");
    assert_eq!(rows[2][col("advert_id")], "lib-3");
    drop(server);

    // The command writes the same file, and `eval` (train's reader) reads it as it is.
    let out = dir.path().join("labels.csv");
    run_ok(
        lurescan()
            .args(["export-labels", "--db"])
            .arg(&db)
            .arg("-o")
            .arg(&out),
    );
    assert_eq!(std::fs::read(&out).expect("labels"), export.body);
    let eval = run_ok(lurescan().args(["eval", "--json"]).arg(&out));
    assert!(
        String::from_utf8_lossy(&eval).contains("\"n\""),
        "{}",
        String::from_utf8_lossy(&eval)
    );
    let missing = lurescan()
        .args(["export-labels", "--db"])
        .arg(dir.path().join("nope.sqlite"))
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn a_request_waiting_too_long_for_a_scoring_slot_gets_408() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db, &["--max-concurrent", "1", "--timeout", "1"]);
    // An upload that stops half-way holds the only scoring slot.
    let mut stalled = TcpStream::connect(&server.addr).expect("connects");
    let head = format!(
        "POST /api/score HTTP/1.1\r\nHost: {}\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\nid,text\n1,Forklift driver in Hull\n",
        server.addr
    );
    stalled.write_all(head.as_bytes()).expect("writes");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let started = std::time::Instant::now();
    let answer = server.request(
        "POST",
        "/api/check",
        &[JSON],
        &json_body(&serde_json::json!({ "text": GENUINE })),
    );
    assert_eq!(answer.status, 408, "{}", answer.text());
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // The slot comes back when the upload goes away.
    drop(stalled);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let answer = server.request(
            "POST",
            "/api/check",
            &[JSON],
            &json_body(&serde_json::json!({ "text": GENUINE })),
        );
        if answer.status == 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the slot never came back"
        );
    }
}

/// A client that opens a connection and never finishes its request head is cut off after
/// `--timeout` (the connection closes); other clients are served meanwhile.
#[test]
fn a_request_head_never_finished_is_cut_off_after_the_timeout() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db, &["--timeout", "1"]);
    let mut slow = TcpStream::connect(&server.addr).expect("connects");
    slow.write_all(format!("GET /api/health HTTP/1.1\r\nHost: {}\r\n", server.addr).as_bytes())
        .expect("writes");
    assert_eq!(server.request("GET", "/api/health", &[], b"").status, 200);
    slow.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("read timeout");
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    // Closed (end of file, or reset), not still waiting when the read gives up.
    match slow.read_to_end(&mut rest) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("the connection was still open after 10 s: {e}"),
    }
    assert!(
        rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&rest)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
