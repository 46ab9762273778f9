//! Text rules of the registers (docs/columns.md, "Ids and text"): the
//! character set of ids, invisible characters, look-alike spellings.
//!
//! An officer entered once as `ZF14052203` and again as `ZF14052203`
//! followed by a zero-width space is two officers to a program and one to
//! every reader: teams of 张伟 and 张伟, a conflict declared against one id
//! that does not cover the other. So:
//!
//! - **Ids** (inspectors, items, tasks) are 1 to [`ID_MAX_LEN`] characters
//!   of [`ID_CHARACTERS`]: nothing invisible, nothing that only looks like
//!   an ASCII letter. Two ids of one register that differ only in ASCII
//!   case or by characters UTS 39 calls confusable (`O` and `0`, `l`, `I`
//!   and `1`, `rn` and `m`) are a [`Rule::ConfusableId`] error.
//! - **Every text field** of every register is refused when it holds an
//!   invisible character: a Unicode format character (general category Cf:
//!   zero-width space and joiners, bidi embeddings, overrides, isolates and
//!   marks, soft hyphen, word joiner, byte-order mark, ...), a
//!   default-ignorable code point (variation selectors, Hangul fillers,
//!   tags, ...) or a control character other than tab and line breaks.
//! - A text field whose letters mix scripts that UTS 39 would not let an
//!   identifier mix (Latin with Cyrillic or Greek, Han with Greek ...; Han
//!   with Latin is usual and allowed) is a [`Rule::MixedScript`] warning.
//!
//! The properties come from the unicode-rs crates (`unicode-properties`
//! for general categories, `unicode-security` for UTS 39 skeletons and
//! script sets, `unicode-normalization` for NFKC), not a hand list.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_script::Script;
use unicode_security::mixed_script::AugmentedScriptSet;

use super::Rule;

/// The characters an id may hold: ASCII letters and digits, `-`, `_` and `.`.
pub const ID_CHARACTERS: &str = "A-Z a-z 0-9 - _ .";

/// Longest id, in characters.
pub const ID_MAX_LEN: usize = 64;

/// `U+200B` for a character.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Whether `c` may stand in an id.
pub fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Checks an id (already trimmed): the rule it breaks, if any.
pub fn check_id(id: &str) -> Option<Rule> {
    if let Some((at, c)) = id.chars().enumerate().find(|&(_, c)| !is_id_char(c)) {
        return Some(Rule::IdCharacters {
            position: at + 1,
            code_point: code_point(c),
        });
    }
    let len = id.len();
    (len > ID_MAX_LEN).then_some(Rule::IdTooLong {
        length: len,
        max: ID_MAX_LEN,
    })
}

/// The key under which two ids look alike: the UTS 39 skeleton (`0` and
/// `O`, `1`, `l` and `I`, `rn` and `m` agree), ASCII-lower-cased, and its
/// skeleton again (so `o` meets `0` too).
pub fn id_skeleton(id: &str) -> String {
    let once: String = unicode_security::skeleton(id).collect();
    unicode_security::skeleton(&once.to_ascii_lowercase()).collect()
}

/// Whether `c` is invisible or reorders text: a format character (Cf), a
/// default-ignorable code point, or a control character other than tab,
/// line feed and carriage return.
pub fn is_invisible(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r');
    }
    // The usual register text (CJK ideographs, full-width punctuation,
    // kana, hangul syllables) is none of these: decided without a table.
    if matches!(c, '\u{3000}'..='\u{3163}' | '\u{3165}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}') {
        return false;
    }
    matches!(
        c.general_category(),
        GeneralCategory::Format | GeneralCategory::Control
    ) || is_default_ignorable(c)
}

/// Default_Ignorable_Code_Point, as the UTS 39 skeleton drops it: a
/// character whose skeleton is empty.
fn is_default_ignorable(c: char) -> bool {
    let mut buf = [0u8; 4];
    let s: &str = c.encode_utf8(&mut buf);
    unicode_security::skeleton(s).next().is_none()
}

/// Whether `text` is printable ASCII and CJK ideographs U+4000..U+9FFF
/// only (lead bytes E4 to E9 of a three-byte sequence), the usual register
/// text: no character of it is invisible, and it is decided on the bytes.
fn printable_ascii_or_cjk(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            0x20..=0x7E => i += 1,
            0xE4..=0xE9 => i += 3,
            _ => return false,
        }
    }
    true
}

/// Whether `text` is ASCII, CJK punctuation U+3000..U+303F and CJK
/// ideographs U+4E00..U+9FFF only, decided on the bytes: the characters
/// [`mixes_scripts`] lets pass without looking at scripts.
fn ascii_or_common_cjk(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match (c, b.get(i + 1).copied().unwrap_or(0)) {
            (0x00..=0x7F, _) => i += 1,
            // U+4E00..U+9FFF: E4 B8 80 to E9 BF BF.
            (0xE5..=0xE9, _) | (0xE4, 0xB8..=0xBF) => i += 3,
            // U+3000..U+303F: E3 80 80 to E3 80 BF.
            (0xE3, 0x80) => i += 3,
            _ => return false,
        }
    }
    true
}

/// The first invisible character of a text field, as a rule broken.
pub fn check_text(text: &str) -> Option<Rule> {
    if printable_ascii_or_cjk(text) {
        return None;
    }
    text.chars()
        .enumerate()
        .find(|&(_, c)| is_invisible(c))
        .map(|(at, c)| Rule::InvisibleCharacter {
            position: at + 1,
            code_point: code_point(c),
        })
}

/// Whether the letters and digits of `text` (NFKC) mix scripts beyond
/// UTS 39's "highly restrictive" level: one script, or Latin with Han
/// (with Bopomofo, Japanese kana or Hangul), is fine; Latin with Cyrillic
/// or Greek, Han with Greek, and the like are not.
pub fn mixes_scripts(text: &str) -> bool {
    let plain = |c: char| {
        c.is_ascii()
            || matches!(c, '\u{3000}'..='\u{303F}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}')
    };
    if ascii_or_common_cjk(text) || text.chars().all(plain) {
        return false;
    }
    let mut all = AugmentedScriptSet::default();
    let mut without_latin = AugmentedScriptSet::default();
    for c in text.nfkc().filter(|c| c.is_alphanumeric()) {
        let set = AugmentedScriptSet::from(c);
        all.intersect_with(set);
        if !set.base.contains_script(Script::Latin) {
            without_latin.intersect_with(set);
        }
    }
    if !all.is_empty() {
        return false;
    }
    !(without_latin.hanb || without_latin.jpan || without_latin.kore)
}

/// The key under which two names (or departments) read the same: the UTS
/// 39 skeleton of the NFKC form without white space.
pub fn name_key(text: &str) -> String {
    let squeezed: String = text.nfkc().filter(|c| !c.is_whitespace()).collect();
    unicode_security::skeleton(&squeezed).collect()
}

/// The text with every invisible character written out as `⟨U+200B⟩`, so
/// a reader sees it (notices, reports).
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_invisible) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_invisible(c) {
            out.push('⟨');
            out.push_str(&code_point(c));
            out.push('⟩');
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(check_id("ZF14052203"), None);
        assert_eq!(check_id("a-b_c.9"), None);
        for (bad, at, cp) in [
            ("ZF14052203\u{200B}", 11, "U+200B"),
            ("ZF\u{00AD}1", 3, "U+00AD"),
            ("ZF\u{00A0}1", 3, "U+00A0"),
            ("ＺF1", 1, "U+FF3A"),
            ("Ζ1", 1, "U+0396"), // Greek capital zeta
            ("ZF 1", 3, "U+0020"),
            ("闽001", 1, "U+95FD"),
        ] {
            assert_eq!(
                check_id(bad),
                Some(Rule::IdCharacters {
                    position: at,
                    code_point: cp.to_owned()
                }),
                "{bad:?}"
            );
        }
        assert!(matches!(
            check_id(&"1".repeat(65)),
            Some(Rule::IdTooLong { length: 65, .. })
        ));
    }

    #[test]
    fn look_alike_ids() {
        assert_eq!(id_skeleton("ZF14O52203"), id_skeleton("ZF14052203"));
        assert_eq!(id_skeleton("zf14052203"), id_skeleton("ZF14052203"));
        assert_eq!(id_skeleton("ZFl4052203"), id_skeleton("ZF14052203"));
        assert_ne!(id_skeleton("ZF14052204"), id_skeleton("ZF14052203"));
    }

    #[test]
    fn invisible_characters() {
        for c in [
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{200E}',
            '\u{202E}',
            '\u{2066}',
            '\u{00AD}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{FE0F}',
            '\u{E0100}',
            '\u{3164}',
            '\u{0007}',
            '\u{180E}',
            '\u{FFF9}',
            '\u{0600}',
        ] {
            assert!(is_invisible(c), "{:?}", code_point(c));
        }
        for c in [
            'a', '张', '（', '\u{3000}', '\u{00A0}', '\t', '\n', '가', 'é', 'Ａ',
        ] {
            assert!(!is_invisible(c), "{:?}", code_point(c));
        }
        assert_eq!(
            check_text("张\u{200B}伟"),
            Some(Rule::InvisibleCharacter {
                position: 2,
                code_point: "U+200B".into()
            })
        );
        assert_eq!(check_text("某某（福建）有限公司"), None);
        assert_eq!(visible("张\u{202E}伟"), "张⟨U+202E⟩伟");
        assert_eq!(visible("张伟"), "张伟");
    }

    #[test]
    fn script_mixing() {
        for fine in [
            "张伟",
            "ABC有限公司",
            "ＡＢＣ有限公司",
            "某某（福建）有限公司",
            "Zhang Wei",
            "Ιωάννης",
            "Иван",
            "東京カメラ",
            "서울 식품",
            "",
        ] {
            assert!(!mixes_scripts(fine), "{fine}");
        }
        for mixed in [
            "Аpple", // Cyrillic А
            "张伟α",
            "Pаypal",
            "执法一股Ο", // Greek omicron
        ] {
            assert!(mixes_scripts(mixed), "{mixed}");
        }
    }

    #[test]
    fn names_read_the_same() {
        assert_eq!(name_key("张 伟"), name_key("张伟"));
        assert_eq!(name_key("张\u{00A0}伟"), name_key("张伟"));
        assert_eq!(name_key("执法一股"), name_key("执法一股"));
        assert_ne!(name_key("张伟"), name_key("张炜"));
    }
}

#[cfg(test)]
mod byte_paths {
    use super::*;
    use proptest::prelude::*;

    /// Characters around every edge the byte paths decide on.
    fn edge_char() -> impl Strategy<Value = char> {
        prop::sample::select(vec![
            '\0',
            '\t',
            '\n',
            '\u{1F}',
            ' ',
            'a',
            '~',
            '\u{7F}',
            '\u{80}',
            '\u{A0}',
            '\u{AD}',
            '\u{200B}',
            '\u{2FFF}',
            '\u{3000}',
            '\u{303F}',
            '\u{3040}',
            '\u{3164}',
            '\u{33FF}',
            '\u{3400}',
            '\u{3FFF}',
            '\u{4000}',
            '\u{4DFF}',
            '\u{4E00}',
            '阳',
            '\u{9FFF}',
            '\u{A000}',
            '\u{FEFF}',
            '\u{FF01}',
            'Ｃ',
            '\u{1F600}',
            'а',
            'ο',
        ])
    }

    /// No character the printable path passes is invisible: all of them.
    #[test]
    fn printable_path_passes_no_invisible_character() {
        let passed = (' '..='~').chain('\u{4000}'..='\u{9FFF}');
        assert_eq!(passed.clone().count(), 95 + 0x6000);
        for c in passed {
            assert!(!is_invisible(c), "{c:?}");
        }
    }

    proptest! {
        /// The byte paths say exactly what their definitions on characters say.
        #[test]
        fn byte_paths_equal_their_definitions(chars in prop::collection::vec(
            prop_oneof![edge_char(), any::<char>()], 0..12)
        ) {
            let text: String = chars.into_iter().collect();
            let printable = text
                .chars()
                .all(|c| (' '..='~').contains(&c) || ('\u{4000}'..='\u{9FFF}').contains(&c));
            prop_assert_eq!(printable_ascii_or_cjk(&text), printable);
            if printable {
                prop_assert!(!text.chars().any(is_invisible));
            }
            let common = text.chars().all(|c| {
                c.is_ascii()
                    || ('\u{3000}'..='\u{303F}').contains(&c)
                    || ('\u{4E00}'..='\u{9FFF}').contains(&c)
            });
            prop_assert_eq!(ascii_or_common_cjk(&text), common);
        }
    }
}
