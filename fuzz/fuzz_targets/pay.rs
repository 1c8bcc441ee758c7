#![no_main]
//! The pay parser on arbitrary normalised text: claims in order, spans on char boundaries,
//! amounts finite and ordered.
use libfuzzer_sys::fuzz_target;
use lurescan::lure::pay::{PayTables, find_pay_claims, judge};
use lurescan::normalise::normalise_str;

fuzz_target!(|data: &[u8]| {
    let text = normalise_str(&String::from_utf8_lossy(data));
    let mut claims = Vec::new();
    find_pay_claims(&text, &mut claims);
    let tables = PayTables::embedded();
    for c in &claims {
        assert!(
            c.start <= c.end && c.end <= text.len(),
            "claim {}..{} in {}",
            c.start,
            c.end,
            text.len()
        );
        assert!(text.is_char_boundary(c.start) && text.is_char_boundary(c.end));
        assert!(
            c.low.is_finite() && c.high.is_finite() && c.low <= c.high,
            "{} .. {}",
            c.low,
            c.high
        );
        for lang in [None, Some("en"), Some("vi"), Some("th")] {
            let _ = judge(c, lang, tables);
        }
    }
});
