//! Language identification per advert: by script where the script decides it (Thai,
//! Khmer, Lao, Burmese, Hangul, Kana, Han), by whatlang's trigrams for Latin-script text
//! (each thread remembers the trigrams' last few answers: adverts are posted again and
//! again, word for word).
//! The result is reported and used to pick the origin market for pay; lure matching
//! never depends on it (every lexicon runs on every advert).

use std::sync::LazyLock;

use whatlang::{Detector, Lang};

/// Trigram models for the Latin-script languages we map below, and no others: scoring
/// ~70 languages for every advert was the costliest step of a scan.
static LATIN_DETECTOR: LazyLock<Detector> = LazyLock::new(|| {
    Detector::with_allowlist(vec![
        Lang::Eng,
        Lang::Vie,
        Lang::Ind,
        Lang::Jav,
        Lang::Tgl,
        Lang::Spa,
        Lang::Por,
        Lang::Fra,
        Lang::Deu,
        Lang::Ita,
        Lang::Nld,
    ])
});

/// Bytes of text looked at: enough for a stable guess, cheap on the hot path.
const SAMPLE_BYTES: usize = 600;

/// Guesses the advert's language (ISO 639-1 code) from its normalised fields.
pub fn detect<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<&'static str> {
    // The longest field speaks for the advert (titles are too short to judge).
    let sample = sample(texts.into_iter().max_by_key(|t| t.len())?);
    if let Some(code) = by_script(sample) {
        return Some(code);
    }
    if plainly_english(sample) {
        return Some("en");
    }
    by_trigrams_remembered(sample)
}

/// How many samples [`by_trigrams_remembered`] remembers per thread.
const REMEMBERED: usize = 16;

thread_local! {
    /// The last samples judged by the trigrams on this thread, with their guesses.
    static RECENT: std::cell::RefCell<std::collections::VecDeque<(String, Option<&'static str>)>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
}

/// [`by_trigrams`], remembering its last few answers: scam campaigns post the same advert
/// many times (EMSCAD's spam does), and the trigram model costs far more than comparing
/// a sample with a few others. The answer is the model's own, so it cannot differ.
fn by_trigrams_remembered(sample: &str) -> Option<&'static str> {
    let known = RECENT.with(|recent| {
        let recent = recent.try_borrow().ok()?;
        recent
            .iter()
            .find(|(s, _)| s == sample)
            .map(|&(_, lang)| lang)
    });
    if let Some(lang) = known {
        return lang;
    }
    let lang = by_trigrams(sample);
    RECENT.with(|recent| {
        if let Ok(mut recent) = recent.try_borrow_mut() {
            // The oldest sample's string is filled again rather than freed.
            let mut kept = if recent.len() == REMEMBERED {
                recent.pop_front().map(|(s, _)| s).unwrap_or_default()
            } else {
                String::new()
            };
            sample.clone_into(&mut kept);
            recent.push_back((kept, lang));
        }
    });
    lang
}

/// The trigram model's guess among the Latin-script languages lurescan reads.
fn by_trigrams(sample: &str) -> Option<&'static str> {
    let info = LATIN_DETECTOR.detect(sample)?;
    Some(match info.lang() {
        Lang::Eng => "en",
        Lang::Vie => "vi",
        Lang::Ind | Lang::Jav => "id",
        Lang::Tgl => "tl",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ita => "it",
        Lang::Nld => "nl",
        // Trigram guesses outside the languages lurescan reads are mostly noise on short
        // adverts ("test advert" comes back as Latin): say "unknown" instead.
        _ => return None,
    })
}

/// The first [`SAMPLE_BYTES`] of `text` (cut at a character boundary): what is judged.
fn sample(text: &str) -> &str {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// English function words that are not words of the other Latin-script languages
/// mapped here (no "in", "is", "we", "of", "an", "on", "a": Dutch, German, French and
/// Italian write them too).
const ENGLISH_ONLY: [&[u8]; 20] = [
    b"the", b"and", b"with", b"you", b"your", b"our", b"for", b"are", b"will", b"this", b"that",
    b"have", b"from", b"they", b"their", b"who", b"which", b"be", b"has", b"can",
];

/// Whether a sample is plainly English: at least 12 words, 4 of them and a tenth of all
/// English-only function words, or 6 of them and a twentieth (lists of duties and skills
/// are English with few function words) (EMSCAD's adverts: median 17%, three quarters
/// above 11%; the project's samples in other Latin-script languages: none above 0%). Most adverts
/// that need a guess are English, and this is a small fraction of the trigram model's
/// cost; anything less plain still goes to the trigrams.
fn plainly_english(sample: &str) -> bool {
    let (mut words, mut english) = (0u32, 0u32);
    for word in sample.as_bytes().split(|b| !b.is_ascii_alphabetic()) {
        if word.is_empty() {
            continue;
        }
        words += 1;
        english += u32::from(ENGLISH_ONLY.contains(&word));
    }
    // A non-ASCII letter splits words above, so text in other scripts counts its ASCII
    // fragments only: mostly-other-script samples were decided by `by_script` already.
    words >= 12
        && english >= 4
        && (english * 10 >= words || (english >= 6 && english * 20 >= words))
}

/// Decides by the dominant non-Latin script, when one dominates.
fn by_script(sample: &str) -> Option<&'static str> {
    let (mut han, mut kana, mut hangul, mut thai, mut lao, mut khmer, mut myanmar, mut letters) =
        (0u32, 0u32, 0u32, 0u32, 0u32, 0u32, 0u32, 0u32);
    for c in sample.chars() {
        match c as u32 {
            0x3040..=0x30FF => kana += 1,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF => han += 1,
            0xAC00..=0xD7AF | 0x1100..=0x11FF => hangul += 1,
            0x0E00..=0x0E7F => thai += 1,
            0x0E80..=0x0EFF => lao += 1,
            0x1780..=0x17FF => khmer += 1,
            0x1000..=0x109F => myanmar += 1,
            _ if c.is_alphabetic() => letters += 1,
            _ => continue,
        }
    }
    let total = han + kana + hangul + thai + lao + khmer + myanmar + letters;
    if total == 0 {
        return None;
    }
    // A script "dominates" when it outweighs the Latin letters (CJK carries more per char).
    let beats = |n: u32| n * 3 >= total;
    if beats(kana) || (kana > 0 && beats(han + kana)) {
        Some("ja")
    } else if beats(hangul) {
        Some("ko")
    } else if beats(han) {
        Some("zh")
    } else if beats(thai) {
        Some("th")
    } else if beats(lao) {
        Some("lo")
    } else if beats(khmer) {
        Some("km")
    } else if beats(myanmar) {
        Some("my")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::detect;

    #[test]
    fn scripts_and_latin_languages() {
        assert_eq!(detect(["高薪招聘客服，包吃包住，月入过万"]), Some("zh"));
        assert_eq!(
            detect(["未経験OK、高収入、寮完備です。すぐに働けます"]),
            Some("ja")
        );
        assert_eq!(detect(["캄보디아 고수익 알바 숙식제공"]), Some("ko"));
        assert_eq!(detect(["งานง่าย ได้เงินดี มีที่พักและอาหารให้"]), Some("th"));
        assert_eq!(detect(["ការងារនៅកម្ពុជា ប្រាក់ខែខ្ពស់"]), Some("km"));
        assert_eq!(
            detect([
                "we are looking for a customer service representative to join our friendly team in the city centre"
            ]),
            Some("en")
        );
        assert_eq!(
            detect([
                "tuyển nhân viên chăm sóc khách hàng, việc nhẹ lương cao, bao ăn ở, không cần kinh nghiệm"
            ]),
            Some("vi")
        );
        assert_eq!(detect([""]), None);
    }

    #[test]
    fn remembered_guesses_are_the_models() {
        use super::{REMEMBERED, by_trigrams, by_trigrams_remembered};
        let samples = [
            "play with kids, get paid for it love travel? jobs in asia",
            "wij zoeken een medewerker klantenservice voor ons team in amsterdam",
            "buscamos agentes de atención al cliente para trabajar en el extranjero",
            "test advert",
        ];
        // Asked over and over, in turns, past what is remembered: the same answers.
        for round in 0..REMEMBERED + 2 {
            for (i, s) in samples.iter().enumerate() {
                let s = format!("{s} {}", (round + i) % (REMEMBERED / 2));
                assert_eq!(by_trigrams_remembered(&s), by_trigrams(&s), "{s}");
            }
        }
    }

    #[test]
    fn english_shortcut_agrees_with_the_trigrams() {
        use super::{LATIN_DETECTOR, plainly_english};
        let english = "we are looking for a customer service agent to join our team, you will \
                       answer calls from customers and help them with their orders";
        assert!(plainly_english(english));
        assert_eq!(
            LATIN_DETECTOR.detect_lang(english),
            Some(whatlang::Lang::Eng)
        );
        for other in [
            "wij zoeken een medewerker klantenservice voor ons team in amsterdam, is het iets voor jou",
            "buscamos agentes de atención al cliente para trabajar en el extranjero con alojamiento",
            "kami mencari staf layanan pelanggan untuk bekerja di kamboja dengan gaji tinggi",
            "naghahanap kami ng customer service agent para sa trabaho sa ibang bansa na may libreng tirahan",
            "wir suchen mitarbeiter im kundenservice für unser team in berlin mit unterkunft und flug",
        ] {
            assert!(!plainly_english(other), "{other}");
        }
        // A list of duties: English with few function words (under a tenth here).
        let duties = "key responsibilities: answer inbound calls, emails from customers, \
            log every case in the crm, escalate billing disputes to team leads, process \
            refunds, exchanges within policy, update customer records, prepare weekly \
            reports on case volumes, handle chat enquiries during peak hours, support \
            onboarding of new agents, maintain knowledge base articles, follow quality \
            guidelines, meet service level targets. requirements: fluent english, good \
            typing speed, basic excel, shift work including weekends, customer focus, \
            attention to detail, team player who can work with you";
        assert!(plainly_english(super::sample(duties)));
        assert_eq!(
            LATIN_DETECTOR.detect_lang(super::sample(duties)),
            Some(whatlang::Lang::Eng)
        );
        // Too short to call: left to the trigrams.
        assert!(!plainly_english("the job and the pay"));
    }

    #[test]
    fn english_shortcut_matches_the_trigrams_on_the_samples() {
        use super::{LATIN_DETECTOR, plainly_english};
        let root = env!("CARGO_MANIFEST_DIR");
        let mut checked = 0;
        for file in [
            "data/samples/multilingual.csv",
            "data/samples/genuine_sea.csv",
            "data/samples/lures_sea.csv",
            "data/samples/hard_cases.csv",
            "data/sample_adverts.csv",
        ] {
            let text = std::fs::read_to_string(format!("{root}/{file}")).expect("sample file");
            for line in text.lines() {
                let line = crate::normalise::normalise_str(line);
                let sample = super::sample(&line);
                if plainly_english(sample) {
                    checked += 1;
                    assert_eq!(
                        LATIN_DETECTOR.detect_lang(sample),
                        Some(whatlang::Lang::Eng),
                        "{sample}"
                    );
                }
            }
        }
        assert!(checked >= 10, "only {checked} English sample lines");
    }
}
