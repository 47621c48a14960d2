//! Stage 1: Traditional→Simplified conversion, width folding and clean-up.
//!
//! Input: the original decoded text. Output: the normalized text and an
//! [`OffsetMap`] from it to the original.
//!
//! - Clean-up: a BOM, zero-width characters and soft hyphens are removed;
//!   CRLF and lone CR become `\n`; CJK compatibility ideographs become their
//!   unified forms.
//! - Width folding, one character to one: full-width digits, Latin letters
//!   and `％＋－．／：` fold to ASCII; a full-width comma folds to `,` only
//!   between digits; the ideographic space U+3000 becomes a space. Chinese
//!   punctuation stays as written.
//! - Conversion: OpenCC's `t2s` dictionaries (phrases first, then
//!   characters), longest match, through hanconv. A match that changes the
//!   number of characters maps as one span.
//!
//! ```
//! let n = zhfacts::normalize::normalize("總投資１２．５億元");
//! assert_eq!(n.text, "总投资12.5亿元");
//! assert_eq!(n.map.original_range(3, 7), (3, 7));
//! ```

use crate::offsets::OffsetMap;
use hanconv::{Converters, Trie};
use std::sync::LazyLock;

/// A normalized text and where each of its characters came from.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The normalized text.
    pub text: String,
    /// Map from `text` to the original.
    pub map: OffsetMap,
}

static T2S: LazyLock<&'static Trie<&'static str>> = LazyLock::new(|| {
    Converters::T2S
        .dictionaries()
        .into_iter()
        .next()
        .expect("hanconv's T2S converter has one dictionary")
});

/// Loads the conversion dictionary now rather than on first use.
pub fn warm_up() {
    LazyLock::force(&T2S);
}

/// Normalizes `original`: clean-up, width folding, Traditional→Simplified.
pub fn normalize(original: &str) -> Normalized {
    let (cleaned, spans) = clean_and_fold(original);
    let source_len = original.chars().count();
    let (text, converted_spans) = convert_t2s(&cleaned);
    let spans = converted_spans
        .into_iter()
        .map(|(s, e)| {
            let (lo, _) = spans[s as usize];
            let (_, hi) = spans[e as usize - 1];
            (lo, hi)
        })
        .collect();
    Normalized {
        text,
        map: OffsetMap::from_spans(spans, source_len),
    }
}

/// Characters removed outright: they carry no text and break matching.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{00AD}'
    )
}

/// Folds one character of the full-width forms block to ASCII, if it is
/// one we fold. The comma and colon are handled by the caller: they fold
/// only between digits (１，２００, １０：３０), elsewhere they are Chinese
/// punctuation.
pub fn fold_width(c: char) -> Option<char> {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '％' | '＋' | '－' | '．' | '／' => {
            char::from_u32(c as u32 - 0xFEE0)
        }
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// CJK compatibility ideographs have singleton canonical decompositions.
fn unify_compatibility_ideograph(c: char) -> char {
    let code = c as u32;
    if (0xF900..=0xFAFF).contains(&code) || (0x2F800..=0x2FA1F).contains(&code) {
        let mut unified = c;
        unicode_normalization::char::decompose_canonical(c, |d| unified = d);
        unified
    } else {
        c
    }
}

/// Clean-up and width folding: returns the text and, per character, its
/// original character span.
fn clean_and_fold(original: &str) -> (String, Vec<(u32, u32)>) {
    let mut out = String::with_capacity(original.len());
    let mut spans = Vec::with_capacity(original.len() / 2);
    let mut chars = original.chars().peekable();
    let mut index = 0u32;
    while let Some(c) = chars.next() {
        let at = index;
        index += 1;
        if c.is_ascii() {
            if c == '\r' {
                if chars.peek() == Some(&'\n') {
                    continue; // the \n that follows stands for the pair
                }
                out.push('\n');
            } else {
                out.push(c);
            }
            spans.push((at, at + 1));
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        let folded = if c == '，' || c == '：' {
            let after_digit = out.as_bytes().last().is_some_and(u8::is_ascii_digit);
            let before_digit = chars
                .peek()
                .is_some_and(|&n| n.is_ascii_digit() || ('０'..='９').contains(&n));
            if after_digit && before_digit {
                if c == '，' {
                    ','
                } else {
                    ':'
                }
            } else {
                c
            }
        } else {
            fold_width(c).unwrap_or_else(|| unify_compatibility_ideograph(c))
        };
        out.push(folded);
        spans.push((at, at + 1));
    }
    (out, spans)
}

/// OpenCC t2s by longest match. Returns the converted text and, per output
/// character, the range of input characters it stands for.
fn convert_t2s(input: &str) -> (String, Vec<(u32, u32)>) {
    let trie = *T2S;
    let mut out = String::with_capacity(input.len());
    let mut spans = Vec::with_capacity(input.len() / 2);
    let mut iter = input.chars();
    let mut index = 0u32;
    loop {
        let rest = iter.clone();
        let Some(c) = iter.next() else { break };
        if c.is_ascii() {
            out.push(c);
            spans.push((index, index + 1));
            index += 1;
            continue;
        }
        match trie.r#match(rest) {
            Some((replacement, matched)) => {
                if matched > 1 {
                    iter.nth(matched - 2);
                }
                let matched = matched as u32;
                let produced = replacement.chars().count() as u32;
                out.push_str(replacement);
                if produced == matched {
                    spans.extend((index..index + matched).map(|i| (i, i + 1)));
                } else {
                    // Length changed: no guessing inside the run.
                    spans.extend((0..produced).map(|_| (index, index + matched)));
                }
                index += matched;
            }
            None => {
                out.push(c);
                spans.push((index, index + 1));
                index += 1;
            }
        }
    }
    (out, spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s).text
    }

    #[test]
    fn converts_traditional_by_phrase() {
        assert_eq!(
            norm("盤錦堅持“產業為先、項目為王”"),
            "盘锦坚持“产业为先、项目为王”"
        );
        assert_eq!(norm("頭髮乾了"), "头发干了");
        assert_eq!(norm("三千五百萬港元"), "三千五百万港元");
    }

    #[test]
    fn folds_full_width_digits_letters_and_percent() {
        assert_eq!(norm("２０２０年１２．５％ＧＤＰ"), "2020年12.5%GDP");
    }

    #[test]
    fn folds_full_width_colon_only_between_digits() {
        assert_eq!(norm("１０：３０"), "10:30");
        assert_eq!(norm("他说：好"), "他说：好");
    }

    #[test]
    fn folds_full_width_comma_only_between_digits() {
        assert_eq!(norm("１，２００萬元"), "1,200万元");
        assert_eq!(norm("今年，盘锦"), "今年，盘锦");
        assert_eq!(norm("5，盘锦"), "5，盘锦");
    }

    #[test]
    fn keeps_chinese_punctuation() {
        let s = "，。、；：？！“”‘’《》（）【】";
        assert_eq!(norm(s), s);
    }

    #[test]
    fn ideographic_space_becomes_space() {
        assert_eq!(norm("\u{3000}\u{3000}正文"), "  正文");
    }

    #[test]
    fn removes_bom_zero_width_and_soft_hyphen() {
        let n = normalize("\u{FEFF}近千\u{200B}亿\u{00AD}元");
        assert_eq!(n.text, "近千亿元");
        assert_eq!(n.map.original_range(2, 4), (4, 7));
    }

    #[test]
    fn crlf_and_lone_cr_become_newlines() {
        let n = normalize("a\r\nb\rc");
        assert_eq!(n.text, "a\nb\nc");
        assert_eq!(n.map.span(1), (2, 3));
        assert_eq!(n.map.span(3), (4, 5));
    }

    #[test]
    fn compatibility_ideographs_become_unified() {
        // U+F900 豈 → U+8C48 豈, which t2s then converts like any 豈.
        assert_eq!(norm("\u{F900}"), "岂");
        assert_eq!(norm("\u{F9B2}"), "零");
    }

    #[test]
    fn keeps_ling_numeral() {
        assert_eq!(norm("二〇二〇年"), "二〇二〇年");
    }

    #[test]
    fn simplified_text_passes_through() {
        let s = "本报记者 高 刚\n经济的高质量发展，为盘锦奠定了坚实的基础。";
        assert_eq!(norm(s), s);
    }

    #[test]
    fn astral_characters_keep_offsets() {
        let n = normalize("𬀩萬元");
        assert_eq!(n.text.chars().count(), 3);
        assert_eq!(n.map.original_range(1, 3), (1, 3));
    }
}
