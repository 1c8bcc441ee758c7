//! The review page in a real headless Chromium, used as a reviewer would: paste a lure,
//! see its evidence highlighted, record a decision, find it in the export. Chromium is
//! driven over its DevTools pipe (`--remote-debugging-pipe`: JSON messages ending in a
//! NUL byte on fds 3 and 4), so no browser-driver crate is needed.
//!
//! Skipped (with a message) when no `chromium` is installed, unless
//! `LURESCAN_REQUIRE_BROWSER` is set, as `.ci/run` does: then a missing browser fails.
//! With `LURESCAN_SCREENSHOT=<file.png>` the page is saved there after the decision.

use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::serve::{Server, temp_db};
use crate::util::{lurescan, run_ok};

/// A lure written for this test, in Vietnamese: its diacritics make UTF-8 byte offsets
/// and JavaScript's UTF-16 offsets differ, so a page that mixed them up would mark the
/// wrong letters.
const LURE_VI: &str = "Tuyển nhân viên chăm sóc khách hàng tại Campuchia, lương 2.500 USD/tháng, \
bao vé máy bay và visa. Không cần kinh nghiệm. Gửi ảnh hộ chiếu qua Telegram @tuyendung_x9 ngay hôm nay!";

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .filter_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|p| p.is_file())
            })
        })
        .next();
    if found.is_none() {
        if std::env::var_os("LURESCAN_REQUIRE_BROWSER").is_some() {
            panic!("no chromium on PATH and LURESCAN_REQUIRE_BROWSER is set");
        }
        eprintln!("skipped: no chromium on PATH (set LURESCAN_REQUIRE_BROWSER=1 to fail instead)");
    }
    found
}

/// A headless Chromium and one page in it, over the DevTools pipe.
struct Browser {
    child: Child,
    to: std::io::PipeWriter,
    from: BufReader<std::io::PipeReader>,
    next_id: u64,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch(bin: &PathBuf) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        // fd 3: commands to Chromium; fd 4: its answers.
        let (cmd_read, cmd_write) = std::io::pipe().expect("pipe");
        let (resp_read, resp_write) = std::io::pipe().expect("pipe");
        let (r3, w4) = (cmd_read.as_raw_fd(), resp_write.as_raw_fd());
        let mut command = Command::new(bin);
        command
            .args([
                "--headless=new",
                "--no-sandbox", // CI runs as root, where the sandbox cannot start
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--remote-debugging-pipe",
                "--window-size=1000,1250",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: only async-signal-safe calls (fcntl, dup2) between fork and exec. Both
        // ends are first copied above fd 10, as either may already be fd 3 or 4; dup2's
        // copies do not close on exec, the originals do.
        unsafe {
            command.pre_exec(move || {
                let high_r = libc::fcntl(r3, libc::F_DUPFD, 10);
                let high_w = libc::fcntl(w4, libc::F_DUPFD, 10);
                if high_r < 0
                    || high_w < 0
                    || libc::dup2(high_r, 3) < 0
                    || libc::dup2(high_w, 4) < 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                libc::close(high_r);
                libc::close(high_w);
                Ok(())
            });
        }
        let child = command.spawn().expect("chromium starts");
        drop((cmd_read, resp_write));
        let mut b = Browser {
            child,
            to: cmd_write,
            from: BufReader::new(resp_read),
            next_id: 0,
            session: String::new(),
            _profile: profile,
        };
        let target = b.call(None, "Target.createTarget", json!({ "url": "about:blank" }));
        let target_id = target["targetId"].as_str().expect("target id").to_string();
        let attached = b.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        );
        b.session = attached["sessionId"].as_str().expect("session").to_string();
        b
    }

    /// A browser showing the review page of `server` (with no decisions yet), its script
    /// run and its first API call answered.
    fn open_page(bin: &PathBuf, server: &Server) -> Browser {
        let mut browser = Browser::launch(bin);
        browser.page("Page.enable", json!({}));
        browser.page(
            "Page.navigate",
            json!({ "url": format!("http://{}/", server.addr) }),
        );
        browser.wait_for("document.readyState === 'complete'");
        browser.wait_for("document.getElementById('reviews-status').textContent === '0 decisions'");
        browser
    }

    /// Sends a command and waits for its answer (events in between are skipped).
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).expect("JSON");
        bytes.push(0);
        self.to.write_all(&bytes).expect("writes to chromium");
        loop {
            let mut buf = Vec::new();
            let n = self
                .from
                .read_until(0, &mut buf)
                .expect("reads from chromium");
            assert!(n > 0, "chromium closed its pipe");
            buf.pop();
            let v: Value = serde_json::from_slice(&buf).expect("CDP JSON");
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "{method}: {}", v["error"]);
                return v["result"].clone();
            }
        }
    }

    fn page(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.call(Some(&session), method, params)
    }

    /// Evaluates `js` in the page (awaiting a promise) and returns its value.
    fn eval(&mut self, js: &str) -> Value {
        let r = self.page(
            "Runtime.evaluate",
            json!({ "expression": js, "awaitPromise": true, "returnByValue": true }),
        );
        assert!(
            r.get("exceptionDetails").is_none(),
            "{js}: {}",
            r["exceptionDetails"]
        );
        r["result"]["value"].clone()
    }

    /// Waits until `js` is true, or fails after 20 s saying what it waited for.
    fn wait_for(&mut self, js: &str) {
        let start = Instant::now();
        while self.eval(js) != json!(true) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {js}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Clicks an element as a person would (a mouse press and release at its middle).
    fn click(&mut self, selector: &str) {
        let js = format!(
            "(() => {{ const r = document.querySelector({}).getBoundingClientRect(); \
             return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
            json!(selector)
        );
        self.eval(&format!(
            "document.querySelector({}).scrollIntoView()",
            json!(selector)
        ));
        let xy = self.eval(&js);
        for kind in ["mousePressed", "mouseReleased"] {
            self.page(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": xy[0], "y": xy[1], "button": "left", "clickCount": 1 }),
            );
        }
    }

    /// Types `text` into the element as a paste would put it there.
    fn paste(&mut self, selector: &str, text: &str) {
        self.eval(&format!(
            "document.querySelector({}).focus()",
            json!(selector)
        ));
        self.page("Input.insertText", json!({ "text": text }));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_reviewer_pastes_a_lure_sees_its_evidence_and_the_decision_reaches_the_export() {
    let Some(bin) = chromium() else { return };
    let (_dir, db) = temp_db();
    let server = Server::start(&db, &[]);
    let mut browser = Browser::open_page(&bin, &server);

    browser.paste("#advert", LURE_VI);
    browser.click("#check");
    browser.wait_for("document.querySelectorAll('#highlighted mark').length > 0");

    // What the page marked is exactly what the API quotes, letter for letter.
    let marked =
        browser.eval("[...document.querySelectorAll('#highlighted mark')].map(m => m.textContent)");
    let api = run_ok(lurescan().args(["check", "--json", LURE_VI]));
    let why: Value = serde_json::from_slice(&api).expect("JSON");
    let mut quotes: Vec<String> = why["lures"]
        .as_array()
        .expect("lures")
        .iter()
        .filter_map(|l| l["text"].as_str().map(String::from))
        .collect();
    quotes.dedup();
    let marked: Vec<String> = marked
        .as_array()
        .expect("marks")
        .iter()
        .map(|m| m.as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(marked, quotes, "highlights are the evidence spans");
    assert!(marked.iter().any(|m| m == "Gửi ảnh hộ chiếu"));
    // The whole text is shown as written, around the marks.
    assert_eq!(
        browser.eval("document.getElementById('highlighted').textContent"),
        json!(LURE_VI)
    );
    assert_eq!(
        browser.eval("document.getElementById('verdict').textContent"),
        json!("lure")
    );
    let families = browser.eval("document.querySelectorAll('#families tbody tr').length");
    assert_eq!(
        families.as_u64(),
        why["families"].as_array().map(|f| f.len() as u64)
    );

    browser.paste("#note", "hộ chiếu qua Telegram — written-test note");
    browser.click("button.label[data-label='lure']");
    browser.wait_for(
        "document.getElementById('decide-status').textContent.startsWith('recorded as lure')",
    );
    browser.wait_for("document.getElementById('reviews-status').textContent === '1 decisions'");
    if let Some(path) = std::env::var_os("LURESCAN_SCREENSHOT") {
        let shot = browser.page("Page.captureScreenshot", json!({ "format": "png" }));
        let png = base64_decode(shot["data"].as_str().expect("png data"));
        std::fs::write(path, png).expect("writes the screenshot");
    }

    // The page's own download route, then the command, hold the decision.
    let csv = browser.eval("fetch('/api/reviews/export.csv').then(r => r.text())");
    let rows = crate::util::csv_rows(csv.as_str().expect("CSV").as_bytes());
    assert_eq!(rows.len(), 2, "{rows:?}");
    let col = |name: &str| rows[0].iter().position(|c| c == name).expect(name);
    assert_eq!(rows[1][col("description")], LURE_VI);
    assert_eq!(rows[1][col("fraudulent")], "1");
    assert_eq!(
        rows[1][col("note")],
        "hộ chiếu qua Telegram — written-test note"
    );
    let exported = run_ok(lurescan().args(["export-labels", "--db"]).arg(&db));
    assert_eq!(
        String::from_utf8_lossy(&exported),
        csv.as_str().unwrap_or_default()
    );
}

/// Standard base64 (the screenshot's encoding), without a crate for one call.
fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &c)| {
            acc | (u32::from(val(c)) << (18 - 6 * i))
        });
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn a_reviewer_uploads_a_feed_sorts_filters_and_opens_a_row() {
    let Some(bin) = chromium() else { return };
    let (_dir, db) = temp_db();
    let server = Server::start(&db, &[]);
    let feed = crate::util::repo("data/sample_adverts.csv");
    let cli = run_ok(
        lurescan()
            .args(["score", "-q", "--output-format", "jsonl"])
            .arg(&feed),
    );
    let scored: Vec<Value> = String::from_utf8_lossy(&cli)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let mut browser = Browser::open_page(&bin, &server);

    let root = browser.page("DOM.getDocument", json!({}))["root"]["nodeId"].clone();
    let input = browser.page(
        "DOM.querySelector",
        json!({ "nodeId": root, "selector": "#file" }),
    );
    browser.page(
        "DOM.setFileInputFiles",
        json!({ "nodeId": input["nodeId"], "files": [feed.display().to_string()] }),
    );
    let done = format!(
        "document.getElementById('upload-status').textContent === 'read {n}, scored {n}, rejected 0'",
        n = scored.len()
    );
    browser.wait_for(&done);
    let rows = "document.querySelectorAll('#results tbody tr').length";
    assert_eq!(browser.eval(rows), json!(scored.len()));

    // Sorted by probability (highest first), as `score` ranks them.
    browser.click("th[data-key='probability']");
    let ids = browser.eval(
        "[...document.querySelectorAll('#results tbody tr')].map(r => r.cells[1].textContent)",
    );
    let mut ranked = scored.clone();
    ranked.sort_by(|a, b| {
        b["probability"]
            .as_f64()
            .partial_cmp(&a["probability"].as_f64())
            .expect("numbers")
    });
    let ranked_ids: Vec<Value> = ranked.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, json!(ranked_ids));

    // Filtered to lures.
    browser.eval("const s = document.getElementById('f-verdict'); s.value = 'lure'; s.dispatchEvent(new Event('input'))");
    let lures = scored.iter().filter(|r| r["verdict"] == "lure").count();
    assert!(lures > 0);
    assert_eq!(browser.eval(rows), json!(lures));

    // Opening the top row shows the same score as the table, with its highlights.
    browser.click("#results tbody tr");
    browser.wait_for("document.querySelectorAll('#highlighted mark').length > 0");
    let top = &ranked[0];
    assert_eq!(
        browser.eval("document.getElementById('verdict').textContent"),
        top["verdict"]
    );
    let shown = browser.eval("document.getElementById('probability').textContent");
    assert_eq!(
        shown,
        json!(format!(
            "{:.3}",
            top["probability"].as_f64().unwrap_or_default()
        ))
    );
}
