//! `lurescan campaigns`: planted campaigns found in a feed built from real adverts, and
//! the command's contract (columns, formats, every record accounted for).
//!
//! The feed is built at test time from the shared real adverts (never copied into the
//! repository): 50 of them are templates, each reposted 4 to 20 times with seeded random
//! edits (words changed and dropped, sentences reordered, prices changed, contact
//! handles swapped for others of the same campaign, in several written forms), among
//! about 10,000 unrelated adverts. The handles, numbers and addresses are made up here.
//!
//! The unrelated adverts: the shared data holds 3,342 real adverts, not 10,000, and some
//! of them are themselves near-copies (EMSCAD repeats templates) or share a company's
//! address, which are real links the command should find, not errors. So the real
//! adverts are first cleaned of near-copies by the test's own measure (exact Jaccard of
//! word 3-shingles ≥ 0.3, greedy) and of adverts sharing a contact (a contact-only run of
//! the command: contact links are tested on their own in the library's unit tests), and
//! the rest of the 10,000 are composites: sentences from five different real adverts
//! (sentences with an address, a link or a long number left out, so composites share no
//! contact). Any link among the unrelated adverts then counts against precision.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use crate::util::{csv_rows, lurescan, shared_emscad, shared_real_dev};

/// A small seeded generator (splitmix64): the feed is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// A real advert: id, title, body.
#[derive(Clone)]
struct Advert {
    id: String,
    title: String,
    body: String,
}

/// Reads title and body fields from a shared CSV.
fn read_adverts(path: &Path) -> Vec<Advert> {
    let mut r = csv::Reader::from_path(path).expect("shared CSV opens");
    let headers = r.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let body_cols: Vec<usize> = ["company_profile", "description", "requirements", "benefits"]
        .iter()
        .filter_map(|c| col(c))
        .collect();
    let (id_col, title_col) = (col("job_id").expect("job_id"), col("title").expect("title"));
    r.records()
        .map(|rec| {
            let rec = rec.expect("shared CSV row");
            let body: Vec<&str> = body_cols
                .iter()
                .filter_map(|&c| rec.get(c))
                .filter(|t| !t.trim().is_empty())
                .collect();
            Advert {
                id: rec.get(id_col).unwrap_or_default().to_string(),
                title: rec.get(title_col).unwrap_or_default().to_string(),
                body: body.join("\n"),
            }
        })
        .filter(|a| !a.body.trim().is_empty())
        .collect()
}

/// Lowercase words of letters and digits (the test's own tokens, not the library's).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn shingles(a: &Advert) -> HashSet<u64> {
    use std::hash::{Hash, Hasher};
    let w = words(&format!("{} {}", a.title, a.body));
    w.windows(3.min(w.len()).max(1))
        .map(|x| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            x.hash(&mut h);
            h.finish()
        })
        .collect()
}

/// Drops adverts with an exact word-3-shingle Jaccard of 0.3 or more to one kept before
/// (an inverted index counts shared shingles, so this is not quadratic in practice).
fn without_near_copies(ads: Vec<Advert>) -> Vec<Advert> {
    let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut kept: Vec<(Advert, usize)> = Vec::new();
    for a in ads {
        let sh = shingles(&a);
        if sh.is_empty() {
            continue;
        }
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for s in &sh {
            for &k in index.get(s).into_iter().flatten() {
                *shared.entry(k).or_default() += 1;
            }
        }
        let near = shared.iter().any(|(&k, &n)| {
            let union = kept[k].1 + sh.len() - n;
            n as f64 / union as f64 >= 0.3
        });
        if near {
            continue;
        }
        let k = kept.len();
        for s in &sh {
            index.entry(*s).or_default().push(k);
        }
        kept.push((a, sh.len()));
    }
    kept.into_iter().map(|(a, _)| a).collect()
}

/// Sentences of a text (split after `.`, `!`, `?`, `。` and at line ends).
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        cur.push(c);
        if matches!(c, '.' | '!' | '?' | '。' | '\n') {
            if !cur.trim().is_empty() {
                out.push(cur.trim().to_string());
            }
            cur.clear();
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// Whether a sentence may carry a contact (left out of composites): an address, a link,
/// a messaging app's name, or seven digits in any script (Khmer digits included).
fn has_contact(s: &str) -> bool {
    let lower = s.to_lowercase();
    [
        "@",
        "http",
        "www",
        ".com",
        "telegram",
        "whatsapp",
        "line",
        "zalo",
        "wechat",
        "viber",
        "signal",
        "kakao",
        "微信",
        "ไลน์",
    ]
    .iter()
    .any(|m| lower.contains(m))
        || s.chars().filter(|c| c.is_numeric()).count() >= 7
}

/// A made-up contact handle of campaign `c`, number `k`, in one of several written forms.
fn handle(c: usize, k: usize, rng: &mut Rng) -> String {
    let name = format!("hr{c}x{k}recruit");
    let digits = format!("{:08}", 10_000_000 + c * 1000 + k * 7);
    match k % 4 {
        0 => match rng.below(3) {
            0 => format!("Telegram: @{name}"),
            1 => format!("Contact us t.me/{name}"),
            _ => format!("TG @{name}"),
        },
        1 => {
            let (a, b, d) = (&digits[..2], &digits[2..5], &digits[5..]);
            match rng.below(4) {
                0 => format!("Call/WhatsApp +855 {a} {b} {d}"),
                1 => format!("Tel: 0{a} {b} {d}"),
                2 => format!("WhatsApp wa.me/855{digits}"),
                _ => format!("Phone 0{a}-{b}-{d}"),
            }
        }
        2 => match rng.below(2) {
            0 => format!("Email {name}@jobmail{c}.com"),
            _ => format!("Email {name} [at] jobmail{c} [dot] com"),
        },
        _ => format!("LINE ID: {name}"),
    }
}

/// One repost of a template: words changed and dropped, sentences moved, numbers
/// changed, and a contact of the campaign (or none).
fn repost(t: &Advert, c: usize, handles: usize, vocab: &[String], rng: &mut Rng) -> String {
    let mut sents = sentences(&t.body);
    // Sentences reordered: a few moved.
    for _ in 0..rng.below(3) {
        if sents.len() > 2 {
            let from = rng.below(sents.len());
            let s = sents.remove(from);
            let to = rng.below(sents.len() + 1);
            sents.insert(to, s);
        }
    }
    // Per repost, 1-5% of words changed and 1-5% dropped.
    let change = 0.01 + 0.04 * (rng.below(101) as f64 / 100.0);
    let drop = 0.01 + 0.04 * (rng.below(101) as f64 / 100.0);
    let mut out = Vec::new();
    for s in sents {
        let mut ws: Vec<String> = Vec::new();
        for w in s.split(' ') {
            if rng.chance(drop) {
                continue;
            }
            if w.chars().any(|ch| ch.is_ascii_digit()) && rng.chance(0.7) {
                // Prices and numbers changed.
                ws.push(
                    w.chars()
                        .map(|ch| {
                            if ch.is_ascii_digit() {
                                char::from(b'0' + rng.below(10) as u8)
                            } else {
                                ch
                            }
                        })
                        .collect(),
                );
            } else if rng.chance(change) {
                ws.push(vocab[rng.below(vocab.len())].clone());
            } else {
                ws.push(w.to_string());
            }
        }
        out.push(ws.join(" "));
    }
    if rng.chance(0.75) {
        out.push(handle(c, rng.below(handles), rng));
    }
    out.join(" ")
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Pairwise precision and recall of `found` (advert → campaign) against `truth`
/// (advert → planted campaign), over every advert of the feed.
fn pairwise(
    found: &HashMap<String, String>,
    truth: &HashMap<String, usize>,
) -> (f64, f64, usize, usize) {
    let pairs = |n: usize| n * n.saturating_sub(1) / 2;
    let mut by_found: HashMap<&str, usize> = HashMap::new();
    let mut both: HashMap<(&str, usize), usize> = HashMap::new();
    for (id, c) in found {
        *by_found.entry(c).or_default() += 1;
        if let Some(&t) = truth.get(id) {
            *both.entry((c, t)).or_default() += 1;
        }
    }
    let mut by_truth: HashMap<usize, usize> = HashMap::new();
    for &t in truth.values() {
        *by_truth.entry(t).or_default() += 1;
    }
    let tp: usize = both.values().map(|&n| pairs(n)).sum();
    let predicted: usize = by_found.values().map(|&n| pairs(n)).sum();
    let actual: usize = by_truth.values().map(|&n| pairs(n)).sum();
    (
        tp as f64 / predicted.max(1) as f64,
        tp as f64 / actual.max(1) as f64,
        predicted,
        actual,
    )
}

/// Runs `campaigns` on a feed file; returns advert → campaign, and stderr.
fn run_campaigns(feed: &Path, extra: &[&str]) -> (HashMap<String, String>, String) {
    let out = lurescan()
        .arg("campaigns")
        .arg(feed)
        .args(extra)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    let rows = csv_rows(&out.stdout);
    assert_eq!(
        rows[0],
        [
            "campaign",
            "id",
            "size",
            "contacts",
            "families",
            "mean_probability",
            "max_probability"
        ]
    );
    let found = rows[1..]
        .iter()
        .map(|r| (r[1].clone(), r[0].clone()))
        .collect();
    (found, stderr)
}

fn write_feed(path: &Path, rows: &[(String, String, String)]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("feed file"));
    writeln!(f, "id,title,text").expect("write");
    for (id, title, text) in rows {
        writeln!(
            f,
            "{},{},{}",
            csv_field(id),
            csv_field(title),
            csv_field(text)
        )
        .expect("write");
    }
}

#[test]
fn planted_campaigns_are_found_among_ten_thousand_real_adverts() {
    let (Some(emscad), Some(real)) = (shared_emscad(), shared_real_dev()) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rng = Rng(20_260_116);
    let mut all = read_adverts(&real.join("genuine_sea_dev/ads.csv"));
    all.extend(read_adverts(&emscad));
    let total_real = all.len();
    let mut pool = without_near_copies(all.clone());
    // Adverts the command links by a shared contact are real links: left out too.
    let pool_feed = dir.path().join("pool.csv");
    write_feed(
        &pool_feed,
        &pool
            .iter()
            .map(|a| (a.id.clone(), a.title.clone(), a.body.clone()))
            .collect::<Vec<_>>(),
    );
    let (linked, _) = run_campaigns(&pool_feed, &["--no-templates"]);
    pool.retain(|a| !linked.contains_key(&a.id));
    // Templates: 50 adverts of 60 to 600 words, from both sources.
    let mut order: Vec<usize> = (0..pool.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut templates = Vec::new();
    let mut background = Vec::new();
    for &i in &order {
        let a = &pool[i];
        let n = words(&a.body).len();
        let from_emscad = a.id.starts_with('E');
        let want = 25
            - templates
                .iter()
                .filter(|t: &&Advert| t.id.starts_with('E') == from_emscad)
                .count()
                .min(25);
        if templates.len() < 50 && (60..=600).contains(&n) && want > 0 {
            templates.push(a.clone());
        } else {
            background.push(a.clone());
        }
    }
    assert_eq!(
        templates.len(),
        50,
        "50 templates from the cleaned real adverts"
    );
    // Composites from the other adverts' sentences, up to 10,000 unrelated adverts.
    let material: Vec<Vec<String>> = all
        .iter()
        .filter(|a| !templates.iter().any(|t| t.id == a.id))
        .map(|a| {
            sentences(&a.body)
                .into_iter()
                .filter(|s| !has_contact(s))
                .collect()
        })
        .filter(|s: &Vec<String>| s.len() >= 3)
        .collect();
    let vocab: Vec<String> = material
        .iter()
        .flatten()
        .flat_map(|s| s.split(' ').map(str::to_string).collect::<Vec<_>>())
        .filter(|w| w.chars().count() > 2 && w.chars().all(char::is_alphabetic))
        .take(50_000)
        .collect();
    let mut rows: Vec<(String, String, String)> = background
        .iter()
        .map(|a| (a.id.clone(), a.title.clone(), a.body.clone()))
        .collect();
    let real_background = rows.len();
    // Composites: twelve sentences (of at most 40 words) from different adverts, then
    // cleaned of near-copies as the real ones were.
    let mut composites = Vec::new();
    let mut k = 0;
    while composites.len() < 10_000 - real_background {
        // A margin for the ones the cleaning drops, so it usually runs once.
        let want = (10_000 - real_background) * 23 / 20 - composites.len();
        for _ in 0..want {
            let mut text = Vec::new();
            for _ in 0..12 {
                let src = &material[rng.below(material.len())];
                let s: Vec<&str> = src[rng.below(src.len())].split(' ').take(40).collect();
                text.push(s.join(" "));
            }
            let title = material[rng.below(material.len())][0].clone();
            composites.push(Advert {
                id: format!("U{k:05}"),
                title,
                body: text.join(" "),
            });
            k += 1;
        }
        let mut all_background: Vec<Advert> = background.clone();
        all_background.append(&mut composites);
        composites = without_near_copies(all_background).split_off(real_background);
    }
    composites.truncate(10_000 - real_background);
    rows.extend(composites.into_iter().map(|a| (a.id, a.title, a.body)));
    // The planted campaigns, shuffled into the feed.
    let mut truth: HashMap<String, usize> = HashMap::new();
    for (c, t) in templates.iter().enumerate() {
        let copies = 4 + rng.below(17);
        let handles = 1 + rng.below(4);
        for r in 0..copies {
            let id = format!("C{c:02}R{r:02}");
            truth.insert(id.clone(), c);
            rows.push((id, t.title.clone(), repost(t, c, handles, &vocab, &mut rng)));
        }
    }
    for i in (1..rows.len()).rev() {
        rows.swap(i, rng.below(i + 1));
    }
    let feed = dir.path().join("feed.csv");
    write_feed(&feed, &rows);
    if let Some(keep) = std::env::var_os("LURESCAN_KEEP_CAMPAIGN_FEED") {
        // For looking into a failure: the feed as tested.
        std::fs::copy(&feed, keep).expect("feed copied");
    }

    let (found, stderr) = run_campaigns(&feed, &[]);
    let n = rows.len();
    assert!(
        stderr.contains(&format!("read {n}, scored {n}, rejected 0")),
        "{stderr}"
    );
    let (precision, recall, predicted, actual) = pairwise(&found, &truth);
    eprintln!(
        "{} real adverts, {real_background} real and {} composite unrelated, {} planted in 50 campaigns: \
         pairwise precision {precision:.4}, recall {recall:.4} ({predicted} pairs found, {actual} planted)",
        total_real,
        n - real_background - truth.len(),
        truth.len()
    );
    assert!(precision >= 0.95, "precision {precision:.4}");
    assert!(recall >= 0.90, "recall {recall:.4}");
    // The text alone, without the contacts, finds most of it too.
    let (found, _) = run_campaigns(&feed, &["--no-contacts"]);
    let (precision, recall, _, _) = pairwise(&found, &truth);
    eprintln!("near-duplicate text alone: pairwise precision {precision:.4}, recall {recall:.4}");
    assert!(precision >= 0.95, "text alone: precision {precision:.4}");
    assert!(recall >= 0.80, "text alone: recall {recall:.4}");
}
