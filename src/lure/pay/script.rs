//! A text's scripts (Vietnamese, Japanese, which Chinese), for the currencies they imply.

use crate::normalise::char_at;

/// Scripts present in the text, for currencies that depend on them.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Script {
    pub(super) vietnamese: bool,
    /// Kana, or a kanji form only Japanese writes: Japanese text.
    pub(super) kana: bool,
    pub(super) han: bool,
    /// More Traditional-only than Simplified-only characters ([`han_form`]): Taiwan
    /// (or Hong Kong) text, where 元 and a bare 萬 are the local dollar.
    traditional: bool,
    /// Cantonese particles ([`han_form`]): Hong Kong text.
    cantonese: bool,
}

impl Script {
    pub(super) fn of(text: &str) -> Script {
        let mut s = Script::default();
        if text.is_ascii() {
            return s;
        }
        // Traditional-only minus Simplified-only characters seen.
        let mut traditional = 0i32;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Runs of ASCII, eight bytes at a time.
            if let Some(word) = bytes.get(i..i + 8)
                && u64::from_le_bytes(word.try_into().unwrap_or([0; 8])) & 0x8080_8080_8080_8080
                    == 0
            {
                i += 8;
                continue;
            }
            let at = i;
            i += 1;
            // Every character looked for is U+0100 or above, whose first byte is 0xC4 or
            // above; other bytes (ASCII, Latin-1, continuation bytes) are passed over.
            if bytes[at] < 0xC4 {
                continue;
            }
            let (c, _) = char_at(text, at);
            match c as u32 {
                0x3040..=0x30FF => s.kana = true,
                0x3400..=0x4DBF | 0x4E00..=0x9FFF => {
                    s.han = true;
                    match han_form(c) {
                        HanForm::Traditional => traditional += 1,
                        HanForm::Simplified => traditional -= 1,
                        HanForm::Cantonese => s.cantonese = true,
                        HanForm::Japanese => s.kana = true,
                        HanForm::Either => {}
                    }
                }
                // ă đ ơ ư and the Latin Extended Additional block are Vietnamese letters.
                0x0103 | 0x0111 | 0x01A1 | 0x01B0 | 0x1EA0..=0x1EF9 => s.vietnamese = true,
                _ => {}
            }
        }
        s.traditional = traditional > 0;
        s
    }

    /// The currency 元/块 and bare CJK magnitudes name: yen in Japanese text, the local
    /// dollar in Traditional Chinese text (Hong Kong's where Cantonese is written,
    /// else Taiwan's), yuan otherwise.
    pub(super) fn cjk_currency(self) -> &'static str {
        if self.kana {
            "JPY"
        } else if self.cantonese {
            "HKD"
        } else if self.traditional {
            "TWD"
        } else {
            "CNY"
        }
    }
}

/// Which written form of Chinese a Han character marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HanForm {
    Traditional,
    Simplified,
    /// A Cantonese particle (written in Hong Kong, not in Taiwan or the mainland).
    Cantonese,
    /// A Japanese character form (shinjitai) that Chinese writes otherwise.
    Japanese,
    Either,
}

/// Common characters whose Traditional and Simplified forms differ, and Cantonese
/// particles: enough for a few in any sentence to tell the two apart.
fn han_form(c: char) -> HanForm {
    match c {
        '們' | '個' | '這' | '為' | '會' | '時' | '來' | '對' | '說' | '過' | '還' | '錢'
        | '資' | '單' | '點' | '讚' | '塊' | '場' | '無' | '經' | '驗' | '實' | '際' | '現'
        | '聯' | '電' | '話' | '歲' | '員' | '應' | '務' | '輕' | '賺' | '與' | '進' | '給'
        | '從' | '沒' | '題' | '發' | '樣' | '關' | '動' | '開' | '頭' | '歡' | '請' | '機' => {
            HanForm::Traditional
        }
        '们' | '个' | '这' | '为' | '时' | '对' | '说' | '过' | '还' | '钱' | '资' | '单'
        | '赞' | '块' | '场' | '无' | '经' | '验' | '实' | '际' | '现' | '联' | '电' | '话'
        | '岁' | '员' | '应' | '务' | '轻' | '赚' | '进' | '给' | '从' | '题' | '发' | '样'
        | '关' | '动' | '开' | '头' | '欢' | '请' | '机' => HanForm::Simplified,
        // Japanese forms Chinese writes otherwise (円, 収 for 圆/圓, 收, ...): kanji-only
        // Japanese ("月収100万 日払い" without its kana) is still Japanese.
        '円' | '働' | '込' | '払' | '駅' | '険' | '労' | '収' | '売' | '続' | '対' | '単'
        | '実' | '験' | '応' | '歳' | '発' | '関' | '経' | '軽' | '説' | '銭' | '様' | '従'
        | '歓' => HanForm::Japanese,
        '嘅' | '咗' | '唔' | '冇' | '啲' | '喺' | '嚟' | '佢' => HanForm::Cantonese,
        _ => HanForm::Either,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_tells_traditional_from_simplified() {
        assert!(Script::of("工作輕鬆，歡迎聯絡").traditional);
        assert!(!Script::of("工作轻松，欢迎联系").traditional);
        assert!(!Script::of("月薪3万").traditional);
        assert!(Script::of("佢哋").cantonese);
        assert_eq!(Script::of("月給30万円です").cjk_currency(), "JPY");
        // Kanji-only Japanese is Japanese when a Japanese form shows.
        assert_eq!(Script::of("月収100万").cjk_currency(), "JPY");
        assert_eq!(Script::of("跨年場地整理").cjk_currency(), "TWD");
    }
}
