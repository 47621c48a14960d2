//! Stage 3: jieba words and parts of speech.
//!
//! One [`Jieba`] instance with the embedded dictionary is loaded once and
//! shared by all threads. Later stages segment only what they need (the
//! clause before a fact, a few characters around a line break), so the
//! functions here take any slice of text and return byte ranges into it.
//!
//! ```
//! let words = zhfacts::segment::words("减免企业税费");
//! assert!(words.len() >= 2);
//! ```

use jieba_rs::Jieba;
use std::sync::LazyLock;

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Loads the dictionary now rather than on first use.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// Loads jieba's part-of-speech model for unknown words now rather than at
/// the first tagged word. The model is jieba-rs's own global, independent
/// of the dictionary: an empty segmenter reaches it without waiting for
/// [`warm_up`], so the two can load on different threads.
pub fn warm_up_tagger() {
    let empty = Jieba::empty();
    let tagged = empty.tag("盘锦", true);
    debug_assert!(!tagged.is_empty());
}

/// The shared segmenter.
pub fn jieba() -> &'static Jieba {
    &JIEBA
}

/// Words of `text` as byte ranges (HMM on for unknown words).
pub fn words(text: &str) -> Vec<(usize, usize)> {
    JIEBA
        .cut(text, true)
        .into_iter()
        .map(|t| (t.byte_start, t.byte_end))
        .collect()
}

/// A word with its part of speech.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedWord<'a> {
    /// The word.
    pub word: &'a str,
    /// jieba's part-of-speech tag (`n`, `v`, `m`, `vn` …).
    pub tag: &'a str,
    /// Byte offset of the word in the segmented text.
    pub start: usize,
}

/// Words of `text` with parts of speech.
pub fn tagged(text: &str) -> Vec<TaggedWord<'_>> {
    JIEBA
        .tag(text, true)
        .into_iter()
        .map(|t| TaggedWord {
            word: t.word,
            tag: t.tag,
            start: t.byte_start,
        })
        .collect()
}

/// The text with its words separated by single spaces (whitespace dropped).
pub fn segmented_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 5 / 4);
    for t in JIEBA.cut(text, true) {
        if t.word.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t.word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_word_across_a_joined_break() {
        let text = "真正形成了";
        let ws = words(text);
        assert!(ws.iter().any(|&(s, e)| &text[s..e] == "形成"));
    }

    #[test]
    fn segmented_line_separates_words_by_spaces() {
        assert_eq!(segmented_line("我们 去北京"), "我们 去 北京");
    }
}
