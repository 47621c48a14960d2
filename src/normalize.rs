//! Stage 1: clean-up, width folding and Traditional→Simplified conversion.
//!
//! Input: the original decoded text. Output: the normalized text and an
//! [`OffsetMap`] giving, for each of its characters, the character range of
//! the original it came from.
//!
//! The steps, in order (conversion sees the cleaned, folded text):
//! - Clean-up: a BOM, zero-width characters (U+200B–U+200D, U+2060) and
//!   soft hyphens are removed, leaving gaps in the map; CRLF becomes `\n`
//!   (the `\n` maps to itself, the `\r` is dropped) and a lone CR becomes
//!   `\n`; CJK compatibility ideographs (U+F900–U+FAFF, U+2F800–U+2FA1F)
//!   become their unified forms. `〇` is kept: it is a numeral.
//! - Width folding, one character to one: full-width digits, Latin letters
//!   and `％＋－．／` fold to ASCII; `，` and `：` fold to `,` and `:` only
//!   between digits (`１，２００`, `１０：３０`; invisible characters between
//!   are skipped); U+3000 becomes a space. Chinese punctuation stays.
//! - Conversion: OpenCC's `t2s`, to the character. The default
//!   [`Converter::Hanconv`] runs OpenCC's `TSPhrases` and `TSCharacters`
//!   dictionaries (shipped by the hanconv crate) by longest match, exactly
//!   as OpenCC segments and converts; with the `opencc` cargo feature,
//!   `Converter::opencc()` runs the C++ OpenCC itself. Both agree on the
//!   whole corpus, a Traditional stress text and every dictionary key
//!   (`tests/opencc_diff.rs`).
//!
//! Invariants: every output character maps to a non-empty range inside the
//! original; ranges are in order and do not overlap; the only original
//! characters no range covers are the removed ones. OpenCC's `t2s`
//! dictionaries keep the character count of every entry, so each converted
//! character maps to exactly its source character; should a converter ever
//! change a run's length, every character of the run maps to the whole run.
//!
//! Known quirks, all OpenCC's own, kept so that we match it:
//! - `t2s` rewrites 15 characters of GB 2312 (Simplified) text wherever
//!   they stand: 乾→干 徵→征 於→于 捱→挨 醣→糖 摺→折 菸→烟 夥→伙 吒→咤
//!   麴→曲 甯→宁 薹→苔 麽→么 後→后 榘→矩, except inside the phrases that
//!   keep them (乾隆, 乾坤, 於菟, 哪吒, 蒜薹; not 乾县, which becomes 干县).
//!   It also rewrites 63 phrases written in GB 2312 characters, among them
//!   characters that stay when alone: 覆→复 (反覆, 答覆, 重覆, …), 藉→借
//!   (藉口, 藉此, …), 沈→沉 (沈默, 沈船), 么→幺 (么麽).
//! - `t2s` is not idempotent: 31 phrases keep a character that converts
//!   alone (乾清宮 → 乾清宫 → 干清宫, 於梨華 → 於梨华 → 于梨华), and
//!   薴 → 苧 → 苎. A second pass may change only those characters
//!   (乾 徵 於 麽 昇 薹 苧) or a `t2s` phrase an output spells by accident;
//!   otherwise normalization is idempotent.
//!
//! `tests/normalize_props.rs` holds these lists and checks them against the
//! dictionaries.
//!
//! ```
//! let n = zhfacts::normalize::normalize("總投資１２．５億元");
//! assert_eq!(n.text, "总投资12.5亿元");
//! assert_eq!(n.map.original_range(3, 7), (3, 7));
//! ```

use crate::offsets::OffsetMap;
use hanconv::Dictionary;
use rustc_hash::FxHashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

/// A normalized text and where each of its characters came from.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The normalized text.
    pub text: String,
    /// Map from `text` to the original.
    pub map: OffsetMap,
}

/// Which Traditional→Simplified converter normalization runs.
///
/// ```
/// use zhfacts::normalize::{normalize_with, Converter};
/// let converter: Converter = "hanconv".parse().unwrap();
/// assert_eq!(normalize_with("頭髮乾了", converter).text, "头发干了");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Converter {
    /// OpenCC's `t2s` dictionaries run in Rust (no system library).
    #[default]
    Hanconv,
    /// The C++ OpenCC through `opencc-rust`, loaded by [`Converter::opencc`].
    #[cfg(feature = "opencc")]
    OpenCc(&'static OpenCcT2s),
}

impl Converter {
    /// The names [`Converter::from_name`] accepts, default first.
    pub const NAMES: &'static [&'static str] = &["hanconv", "opencc"];

    /// The converter's name, as `--converter` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Converter::Hanconv => "hanconv",
            #[cfg(feature = "opencc")]
            Converter::OpenCc(_) => "opencc",
        }
    }

    /// The converter called `name` (`hanconv` or `opencc`), loaded and ready.
    pub fn from_name(name: &str) -> Result<Converter, ConverterError> {
        match name {
            "hanconv" => Ok(Converter::Hanconv),
            #[cfg(feature = "opencc")]
            "opencc" => Converter::opencc(),
            #[cfg(not(feature = "opencc"))]
            "opencc" => Err(ConverterError::NotBuilt),
            _ => Err(ConverterError::Unknown {
                name: name.to_string(),
            }),
        }
    }

    /// The C++ OpenCC with its `t2s` configuration, loaded once per process.
    #[cfg(feature = "opencc")]
    pub fn opencc() -> Result<Converter, ConverterError> {
        static OPENCC: LazyLock<Result<OpenCcT2s, &'static str>> = LazyLock::new(|| {
            opencc_rust::OpenCC::new(opencc_rust::DefaultConfig::T2S)
                .map(|inner| OpenCcT2s { inner })
        });
        match &*OPENCC {
            Ok(opencc) => Ok(Converter::OpenCc(opencc)),
            Err(reason) => Err(ConverterError::OpenCcUnavailable { reason }),
        }
    }
}

impl fmt::Display for Converter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Converter {
    type Err = ConverterError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Converter::from_name(name)
    }
}

/// Why a converter cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConverterError {
    /// No converter has this name.
    #[error("unknown converter `{name}` (expected hanconv or opencc)")]
    Unknown {
        /// The name asked for.
        name: String,
    },
    /// `opencc` was asked for, but this build has no OpenCC.
    #[error("converter `opencc` needs zhfacts built with `--features opencc` (and libopencc)")]
    NotBuilt,
    /// The OpenCC library is linked but its `t2s` configuration did not load.
    #[error("OpenCC cannot load its t2s configuration: {reason}")]
    OpenCcUnavailable {
        /// OpenCC's message.
        reason: &'static str,
    },
}

/// The C++ OpenCC loaded with `t2s.json`; made only by [`Converter::opencc`].
#[cfg(feature = "opencc")]
pub struct OpenCcT2s {
    inner: opencc_rust::OpenCC,
}

#[cfg(feature = "opencc")]
impl fmt::Debug for OpenCcT2s {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OpenCcT2s")
    }
}

#[cfg(feature = "opencc")]
impl PartialEq for OpenCcT2s {
    fn eq(&self, _: &Self) -> bool {
        true // there is one, loaded once
    }
}

#[cfg(feature = "opencc")]
impl Eq for OpenCcT2s {}

/// Loads the conversion dictionary now rather than on first use.
pub fn warm_up() {
    LazyLock::force(&T2S);
}

/// Normalizes `original` with the default converter ([`Converter::Hanconv`]).
pub fn normalize(original: &str) -> Normalized {
    normalize_hanconv(original)
}

/// Normalizes `original`: clean-up, width folding, then `converter`.
pub fn normalize_with(original: &str, converter: Converter) -> Normalized {
    match converter {
        Converter::Hanconv => normalize_hanconv(original),
        #[cfg(feature = "opencc")]
        Converter::OpenCc(opencc) => {
            let (cleaned, spans) = clean_and_fold(original);
            let (text, spans) =
                convert_aligned(&cleaned, &spans, |piece| opencc.inner.convert(piece));
            Normalized {
                text,
                map: OffsetMap::from_spans(spans, original.chars().count()),
            }
        }
    }
}

/// Folds one character of the full-width forms block to ASCII, if it is
/// one we always fold. The comma and colon fold only between digits
/// (１，２００, １０：３０), elsewhere they are Chinese punctuation, so
/// [`normalize`] decides them in context.
pub fn fold_width(c: char) -> Option<char> {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '％' | '＋' | '－' | '．' | '／' => {
            char::from_u32(c as u32 - 0xFEE0)
        }
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// Characters removed outright: they carry no text and break matching.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{00AD}'
    )
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
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

/// The original text after clean-up and width folding, one character at a
/// time with its index in the original. Cloning it gives a look-ahead.
#[derive(Clone)]
struct Cleaned<'a> {
    chars: std::str::Chars<'a>,
    /// Original index of the next character of `chars`.
    index: u32,
    /// The last character yielded, for the digit-comma rule.
    last: char,
}

impl<'a> Cleaned<'a> {
    fn new(original: &'a str) -> Self {
        Cleaned {
            chars: original.chars(),
            index: 0,
            last: '\n',
        }
    }

    /// Whether the next visible original character is a digit.
    fn digit_follows(&self) -> bool {
        self.chars
            .clone()
            .find(|&c| !is_invisible(c))
            .is_some_and(is_digit)
    }
}

impl Iterator for Cleaned<'_> {
    type Item = (char, u32);

    #[inline]
    fn next(&mut self) -> Option<(char, u32)> {
        loop {
            let c = self.chars.next()?;
            let at = self.index;
            self.index += 1;
            let code = c as u32;
            let out = if (0x3400..0xF900).contains(&code) {
                c // most of the text: ideographs and kana, nothing to clean
            } else if c.is_ascii() {
                if c == '\r' {
                    if self.chars.as_str().starts_with('\n') {
                        continue; // the \n that follows stands for the pair
                    }
                    '\n'
                } else {
                    c
                }
            } else if is_invisible(c) {
                continue;
            } else if c == '，' || c == '：' {
                if self.last.is_ascii_digit() && self.digit_follows() {
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
            self.last = out;
            return Some((out, at));
        }
    }
}

impl Cleaned<'_> {
    /// Normalizes the run of characters that come next and need no look at
    /// their neighbours, writing them to `text` and `spans`: ASCII but CR;
    /// characters that [`passes_through`]; `，` `：` where no digit comes
    /// before them; full-width forms that [`fold_width`] folds; and
    /// ideographs that convert alone (or not at all) because no phrase
    /// starting with them goes on with the character that follows.
    ///
    /// Most of a text is such runs, and every character of them maps to
    /// itself one to one. Their characters are ASCII or take three bytes
    /// of UTF-8, which this decodes by hand, once; unchanged stretches are
    /// copied whole.
    fn fast_run(&mut self, table: &T2sTable, text: &mut String, spans: &mut Vec<(u32, u32)>) {
        let rest = self.chars.as_str();
        let bytes = rest.as_bytes();
        // What is left to read, and how much of `rest` is in `text`.
        let mut tail = bytes;
        let mut copied = 0;
        loop {
            match *tail {
                // Most of it: U+4000–U+9FFF, ideographs that start no key.
                [lead @ 0xE4..=0xE9, second, third, ref after @ ..]
                    if !table.starts_key_utf8(lead, second, third) =>
                {
                    tail = after;
                }
                [byte, ref after @ ..] if byte.is_ascii() && byte != b'\r' => tail = after,
                // Anything else of three bytes: punctuation, kana, full-width
                // forms, ideographs that start a key.
                [lead @ 0xE0..=0xEF, second, third, ref after @ ..] => {
                    let code = (u32::from(lead & 0x0F) << 12)
                        | (u32::from(second & 0x3F) << 6)
                        | u32::from(third & 0x3F);
                    let length = bytes.len() - tail.len();
                    // The output so far ends with the unwritten part of the run.
                    let digit_before = || {
                        let before = if length > copied {
                            bytes.get(length - 1)
                        } else {
                            text.as_bytes().last()
                        };
                        before.is_some_and(u8::is_ascii_digit)
                    };
                    let Some(replacement) = table.alone(code, after, digit_before) else {
                        break;
                    };
                    if replacement != 0 {
                        text.push_str(&rest[copied..length]);
                        text.push(char::from_u32(replacement).expect("the table holds characters"));
                        copied = length + 3;
                    }
                    tail = after;
                }
                _ => break,
            }
        }
        let length = bytes.len() - tail.len();
        if length == 0 {
            return;
        }
        text.push_str(&rest[copied..length]);
        let count = u32::try_from(rest[..length].chars().count())
            .expect("documents are limited to 4 Gi characters");
        let first = self.index;
        spans.extend((first..first + count).map(|i| (i, i + 1)));
        self.index += count;
        self.last = text.chars().next_back().expect("the run was written");
        self.chars = rest[length..].chars();
    }
}

/// Whether the character `code` of the Basic Multilingual Plane comes out
/// of normalization as it went in, whatever surrounds it: nothing to clean
/// or fold, and it starts no `t2s` key. Covers the bulk of news text:
/// ideographs, CJK and general punctuation, full-width punctuation.
#[inline]
fn passes_through(table: &T2sTable, code: u32) -> bool {
    if (FIRST_KEY_FLOOR..0xF900).contains(&code) {
        // Ideographs, up to the compatibility ideographs.
        return !table.starts_key(code);
    }
    match code {
        // Dashes, quotes, ellipsis (the invisible U+200B–U+200D and
        // U+2060 lie outside).
        0x2010..0x2060 => true,
        // CJK punctuation and kana (U+3000 becomes a space).
        0x3001..FIRST_KEY_FLOOR => true,
        // Full-width forms: the ones not folded.
        0xFF01..0xFFF0 => {
            char::from_u32(code).is_some_and(|c| fold_width(c).is_none() && c != '，' && c != '：')
        }
        _ => false,
    }
}

/// Clean-up and width folding alone: the text and, per character, its
/// original span.
#[cfg_attr(not(any(test, feature = "opencc")), allow(dead_code))]
fn clean_and_fold(original: &str) -> (String, Vec<(u32, u32)>) {
    let mut text = String::with_capacity(original.len());
    let mut spans = Vec::new();
    for (c, at) in Cleaned::new(original) {
        text.push(c);
        spans.push((at, at + 1));
    }
    (text, spans)
}

/// Phrases of `TSPhrases` that hanconv 0.5.1 ships but Debian's OpenCC
/// 1.1.6 (the one `--features opencc` links) does not: dropped so both
/// converters agree. Newer OpenCC (1.4) has 尼乾子 → 尼乾子.
const NOT_IN_OPENCC_1_1_6: &[&str] = &["尼乾子"];

/// Code points below this start no dictionary key (the lowest is U+346E).
const FIRST_KEY_FLOOR: u32 = 0x3400;
/// Code points from this on start no dictionary key (the highest is U+2B726).
const KEY_CEILING: u32 = 0x2C000;
const PAGE_BITS: u32 = 8;
/// In a table entry: the character starts a phrase.
const STARTS_PHRASE: u32 = 1 << 31;
/// In a table entry: the character is a phrase of its own (with a value of
/// another length; never in OpenCC's data, but kept correct).
const PHRASE_OF_ONE: u32 = 1 << 30;
/// In a table entry: the bits of the replacement character (0: none).
const REPLACEMENT: u32 = (1 << 21) - 1;
/// log2 of the bits of the filter of phrase beginnings.
const PAIR_BITS: u32 = 20;

/// One phrase of `TSPhrases`, found by its first character.
struct Phrase {
    /// The key's characters after the first.
    rest: Box<[char]>,
    value: Box<str>,
    /// Whether `value` has as many characters as the key.
    same_length: bool,
}

impl Phrase {
    /// Whether the key goes on, after its first character, with the
    /// characters of `ahead` (and maybe more).
    fn goes_on_as(&self, ahead: &[(char, u32)]) -> bool {
        self.rest.len() >= ahead.len()
            && self
                .rest
                .iter()
                .zip(ahead)
                .all(|(&want, &(got, _))| want == got)
    }
}

/// OpenCC `t2s` as lookup tables: a bitmap of the characters that start a
/// key (most characters of news text start none and skip the rest), a
/// paged table of single-character conversions, and the phrases by first
/// character, longest first.
struct T2sTable {
    starts: Box<[u64; (KEY_CEILING / 64) as usize]>,
    /// Page number of each 256-code-point page; page 0 is empty.
    page_of: Vec<u16>,
    /// Entries: the replacement character (0: none) | [`STARTS_PHRASE`] |
    /// [`PHRASE_OF_ONE`].
    pages: Vec<[u32; 1 << PAGE_BITS]>,
    phrases: FxHashMap<char, Vec<Phrase>>,
    /// A filter of the first two characters of every phrase, one bit per
    /// hash: a clear bit says no phrase begins so (most phrase starters in
    /// running text are followed by a character that begins none), a set
    /// one only that one may.
    pairs: Box<[u64]>,
}

static T2S: LazyLock<T2sTable> = LazyLock::new(T2sTable::build);

impl T2sTable {
    fn build() -> T2sTable {
        let mut table = T2sTable {
            starts: Box::new([0; (KEY_CEILING / 64) as usize]),
            page_of: vec![0; (KEY_CEILING >> PAGE_BITS) as usize],
            pages: vec![[0; 1 << PAGE_BITS]],
            phrases: FxHashMap::default(),
            pairs: vec![0; 1 << (PAIR_BITS - 6)].into_boxed_slice(),
        };
        for (key, value) in Dictionary::TSCharacters.iter() {
            let mut chars = key.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                let mut value = value.chars();
                if let (Some(v), None) = (value.next(), value.next()) {
                    let entry = table.entry(c);
                    *entry = (*entry & !REPLACEMENT) | v as u32;
                    continue;
                }
            }
            // Never in OpenCC's data: keep it correct through the phrase path.
            table.add_phrase(key, value);
        }
        for (key, value) in Dictionary::TSPhrases.iter() {
            if !NOT_IN_OPENCC_1_1_6.contains(&key) {
                table.add_phrase(key, value);
            }
        }
        for list in table.phrases.values_mut() {
            // OpenCC takes the longest key at each position.
            list.sort_by_key(|phrase| std::cmp::Reverse(phrase.rest.len()));
        }
        table
    }

    fn entry(&mut self, c: char) -> &mut u32 {
        let code = c as u32;
        assert!(
            (FIRST_KEY_FLOOR..KEY_CEILING).contains(&code),
            "t2s key {c} outside the table"
        );
        self.starts[(code / 64) as usize] |= 1 << (code % 64);
        let page = (code >> PAGE_BITS) as usize;
        if self.page_of[page] == 0 {
            self.page_of[page] = u16::try_from(self.pages.len()).expect("few pages");
            self.pages.push([0; 1 << PAGE_BITS]);
        }
        let slot = (code & ((1 << PAGE_BITS) - 1)) as usize;
        &mut self.pages[self.page_of[page] as usize][slot]
    }

    fn add_phrase(&mut self, key: &str, value: &str) {
        let mut chars = key.chars();
        let Some(first) = chars.next() else { return };
        let rest: Box<[char]> = chars.collect();
        *self.entry(first) |= STARTS_PHRASE;
        match rest.first() {
            Some(&second) => {
                let bit = pair_hash(first as u32, second as u32);
                self.pairs[bit / 64] |= 1 << (bit % 64);
            }
            None => *self.entry(first) |= PHRASE_OF_ONE,
        }
        let list = self.phrases.entry(first).or_default();
        // As in OpenCC's dictionaries, a key's first entry wins.
        if list.iter().all(|phrase| phrase.rest != rest) {
            list.push(Phrase {
                same_length: value.chars().count() == rest.len() + 1,
                rest,
                value: value.into(),
            });
        }
    }

    /// Whether the character `code` starts a key (converts alone or starts
    /// a phrase).
    #[inline]
    fn starts_key(&self, code: u32) -> bool {
        (FIRST_KEY_FLOOR..KEY_CEILING).contains(&code)
            && self.starts[(code / 64) as usize] & (1 << (code % 64)) != 0
    }

    /// [`T2sTable::starts_key`] for the character whose three bytes of
    /// UTF-8 these are, straight from the bytes: the lead and second byte
    /// give the bitmap's word (`code / 64`), the third its bit.
    #[inline]
    fn starts_key_utf8(&self, lead: u8, second: u8, third: u8) -> bool {
        let word = (usize::from(lead & 0x0F) << 6) | usize::from(second & 0x3F);
        self.starts[word] & (1 << (third & 0x3F)) != 0
    }

    /// The entry of `c`, or 0 if it starts no key.
    #[inline]
    fn lookup(&self, c: char) -> u32 {
        let code = c as u32;
        if !self.starts_key(code) {
            return 0;
        }
        self.entry_of(code)
    }

    /// The entry of `code`, below [`KEY_CEILING`] (0 if it starts no key).
    #[inline]
    fn entry_of(&self, code: u32) -> u32 {
        let page = self.page_of[(code >> PAGE_BITS) as usize] as usize;
        self.pages[page][(code & ((1 << PAGE_BITS) - 1)) as usize]
    }

    /// What normalization makes of the three-byte character `code`
    /// (followed in the original by `after`) without looking further:
    /// `Some(0)` if it stays, `Some(replacement)` if it becomes another
    /// character, `None` if that depends on more (a phrase that may start
    /// here, `，` or `：` after a digit, a character clean-up changes).
    #[inline]
    fn alone(&self, code: u32, after: &[u8], digit_before: impl FnOnce() -> bool) -> Option<u32> {
        if (FIRST_KEY_FLOOR..0xF900).contains(&code) {
            let entry = self.entry_of(code);
            let phrase_may_start = entry & PHRASE_OF_ONE != 0
                || (entry & STARTS_PHRASE != 0 && self.phrase_may_go_on(code, after));
            return (!phrase_may_start).then_some(entry & REPLACEMENT);
        }
        if matches!(code, 0xFF0C | 0xFF1A) {
            // The digit-comma rule looks ahead.
            return (!digit_before()).then_some(0);
        }
        if passes_through(self, code) {
            return Some(0);
        }
        char::from_u32(code)
            .and_then(fold_width)
            .map(|folded| folded as u32)
    }

    /// Whether a phrase that starts with `first` may go on with the
    /// original text `after` it. No when the text ends, or goes on with
    /// ASCII (phrases hold ideographs only, and clean-up turns no ASCII
    /// into one), or with an ideograph no phrase of `first` goes on with.
    /// Anything else (invisible characters, which clean-up skips, or other
    /// characters) may.
    #[inline]
    fn phrase_may_go_on(&self, first: u32, after: &[u8]) -> bool {
        match *after {
            [] => false,
            [byte, ..] if byte.is_ascii() => false,
            [lead @ 0xE4..=0xE9, second, third, ..] => {
                let next = (u32::from(lead & 0x0F) << 12)
                    | (u32::from(second & 0x3F) << 6)
                    | u32::from(third & 0x3F);
                let bit = pair_hash(first, next);
                self.pairs[bit / 64] & (1 << (bit % 64)) != 0
            }
            _ => true,
        }
    }
}

/// The bit of the pair `first`, `second` in [`T2sTable::pairs`].
#[inline]
fn pair_hash(first: u32, second: u32) -> usize {
    let key = (u64::from(first) << 21) | u64::from(second);
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - PAIR_BITS)) as usize
}

/// The longest look-ahead a phrase needs; keys are at most this long.
const LOOKAHEAD: usize = 16;

/// Clean-up, folding and hanconv conversion in one pass over the original.
fn normalize_hanconv(original: &str) -> Normalized {
    let table = &*T2S;
    let source_len = original.chars().count();
    let mut text = String::with_capacity(original.len());
    let mut spans: Vec<(u32, u32)> = Vec::with_capacity(source_len);
    let mut cleaned = Cleaned::new(original);
    loop {
        // The fast path, for what needs no look around.
        cleaned.fast_run(table, &mut text, &mut spans);
        let Some((c, at)) = cleaned.next() else { break };
        cleaned = convert(table, c, at, cleaned, &mut text, &mut spans);
    }
    Normalized {
        text,
        map: OffsetMap::from_spans(spans, source_len),
    }
}

/// The general path: converts `c` (at original index `at`) or the phrase
/// it starts, writes the result, and returns the cleaned text after it.
#[inline]
fn convert<'a>(
    table: &T2sTable,
    c: char,
    at: u32,
    rest: Cleaned<'a>,
    text: &mut String,
    spans: &mut Vec<(u32, u32)>,
) -> Cleaned<'a> {
    let entry = table.lookup(c);
    if entry & STARTS_PHRASE != 0 {
        if let Some(after) = match_phrase(table, c, at, &rest, text, spans) {
            return after;
        }
    }
    let replacement = entry & REPLACEMENT;
    text.push(if replacement == 0 {
        c
    } else {
        char::from_u32(replacement).expect("the table holds characters")
    });
    spans.push((at, at + 1));
    rest
}

/// Converts the longest phrase starting with `first` (at original index
/// `at`, followed by `rest`), if any: writes it and returns the cleaned
/// text after it.
fn match_phrase<'a>(
    table: &T2sTable,
    first: char,
    at: u32,
    rest: &Cleaned<'a>,
    text: &mut String,
    spans: &mut Vec<(u32, u32)>,
) -> Option<Cleaned<'a>> {
    let candidates = table.phrases.get(&first)?;
    // The following characters with their original indices; candidates
    // are longest first.
    let wanted = candidates.first()?.rest.len();
    let mut ahead: [(char, u32); LOOKAHEAD] = [('\0', 0); LOOKAHEAD];
    let mut count = 0;
    for next in rest.clone().take(wanted) {
        // Keys hold ideographs only: no need to look past anything else.
        if (next.0 as u32) < FIRST_KEY_FLOOR {
            break;
        }
        ahead[count] = next;
        count += 1;
        // Nor past the point where no phrase goes on as the text does
        // (for most characters that start one, the next already differs).
        if !candidates
            .iter()
            .any(|phrase| phrase.goes_on_as(&ahead[..count]))
        {
            break;
        }
    }
    let phrase = candidates.iter().find(|phrase| {
        phrase.rest.len() <= count && phrase.goes_on_as(&ahead[..phrase.rest.len()])
    })?;
    let length = phrase.rest.len();
    text.push_str(&phrase.value);
    if phrase.same_length {
        spans.push((at, at + 1));
        spans.extend(ahead[..length].iter().map(|&(_, i)| (i, i + 1)));
    } else {
        // Length changed: no guessing inside the run.
        let end = ahead[length - 1].1 + 1;
        spans.extend(phrase.value.chars().map(|_| (at, end)));
    }
    let mut after = rest.clone();
    after.nth(length - 1);
    Some(after)
}

/// Converts `cleaned` (with `spans`, its map to the original) through a
/// whole-string converter such as the C++ OpenCC, and maps the result back.
///
/// The text goes in one piece between NULs (which OpenCC's C API cannot
/// take). A piece whose character count the converter keeps maps one to
/// one; otherwise it is converted again line by line, and a line that
/// still changes count in runs of ideographs and of other characters
/// (`t2s` keys are ideographs and span no line end, so the pieces convert
/// as the whole would); a run whose count changed maps as one span.
#[cfg_attr(not(any(test, feature = "opencc")), allow(dead_code))]
fn convert_aligned(
    cleaned: &str,
    spans: &[(u32, u32)],
    convert: impl Fn(&str) -> String,
) -> (String, Vec<(u32, u32)>) {
    let mut aligned = Aligned {
        convert,
        text: String::with_capacity(cleaned.len()),
        spans: Vec::with_capacity(spans.len()),
    };
    aligned.split(cleaned, spans, '\0', |aligned, piece, spans| {
        aligned.block(piece, spans)
    });
    (aligned.text, aligned.spans)
}

/// The output of [`convert_aligned`] as it grows.
#[cfg_attr(not(any(test, feature = "opencc")), allow(dead_code))]
struct Aligned<F> {
    convert: F,
    text: String,
    spans: Vec<(u32, u32)>,
}

#[cfg_attr(not(any(test, feature = "opencc")), allow(dead_code))]
impl<F: Fn(&str) -> String> Aligned<F> {
    /// Runs `each` on the pieces of `body` between `separator`s, which pass
    /// through unconverted.
    fn split(
        &mut self,
        body: &str,
        spans: &[(u32, u32)],
        separator: char,
        each: impl Fn(&mut Self, &str, &[(u32, u32)]),
    ) {
        let mut first = 0; // character index in `body` of the piece
        for piece in body.split_inclusive(separator) {
            let (piece, ends_with_separator) = match piece.strip_suffix(separator) {
                Some(piece) => (piece, true),
                None => (piece, false),
            };
            let count = piece.chars().count();
            each(self, piece, &spans[first..first + count]);
            first += count;
            if ends_with_separator {
                self.text.push(separator);
                self.spans.push(spans[first]);
                first += 1;
            }
        }
    }

    /// Converts `piece` whole if that keeps its count, else line by line.
    fn block(&mut self, piece: &str, spans: &[(u32, u32)]) {
        if !self.whole(piece, spans) {
            self.split(piece, spans, '\n', |aligned, line, spans| {
                if !aligned.whole(line, spans) {
                    aligned.runs(line, spans);
                }
            });
        }
    }

    /// Converts `piece` in one call; keeps the result only if the count held.
    fn whole(&mut self, piece: &str, spans: &[(u32, u32)]) -> bool {
        if piece.is_empty() {
            return true;
        }
        let converted = (self.convert)(piece);
        if converted.chars().count() != spans.len() {
            return false;
        }
        self.text.push_str(&converted);
        self.spans.extend_from_slice(spans);
        true
    }

    /// Converts `line` in runs of ideographs and of other characters.
    fn runs(&mut self, line: &str, spans: &[(u32, u32)]) {
        let is_ideograph = |c: char| c as u32 >= FIRST_KEY_FLOOR;
        let mut rest = line;
        let mut first = 0;
        while let Some(c) = rest.chars().next() {
            let kind = is_ideograph(c);
            let length = rest
                .find(|c: char| is_ideograph(c) != kind)
                .unwrap_or(rest.len());
            let (run, after) = rest.split_at(length);
            let count = run.chars().count();
            let run_spans = &spans[first..first + count];
            if !self.whole(run, run_spans) {
                // Length changed: no guessing inside the run.
                let hull = (run_spans[0].0, run_spans[count - 1].1);
                let converted = (self.convert)(run);
                self.spans.extend(converted.chars().map(|_| hull));
                self.text.push_str(&converted);
            }
            rest = after;
            first += count;
        }
    }
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
    fn phrase_keeps_a_character_that_converts_alone() {
        assert_eq!(norm("乾隆年間"), "乾隆年间");
        assert_eq!(norm("乾燥"), "干燥");
        assert_eq!(norm("於菟"), "於菟");
        assert_eq!(norm("於是"), "于是");
    }

    #[test]
    fn takes_the_longest_phrase() {
        // 瞭然 and 瞭然於心 are both keys.
        assert_eq!(norm("瞭然於心"), "了然于心");
        assert_eq!(norm("瞭然"), "了然");
    }

    #[test]
    fn phrase_matches_across_removed_invisible_characters() {
        let n = normalize("乾\u{200B}隆");
        assert_eq!(n.text, "乾隆");
        assert_eq!(n.map.span(0), (0, 1));
        assert_eq!(n.map.span(1), (2, 3));
    }

    #[test]
    fn converted_characters_map_to_their_source() {
        let n = normalize("ab頭髮乾了");
        assert_eq!(n.text, "ab头发干了");
        for i in 0..6 {
            assert_eq!(n.map.span(i), (i, i + 1));
        }
    }

    #[test]
    fn drops_the_phrase_debian_opencc_lacks() {
        assert_eq!(norm("尼乾子"), "尼干子");
        assert_eq!(norm("尼乾陀"), "尼乾陀");
    }

    #[test]
    fn folds_full_width_digits() {
        assert_eq!(norm("０１２３４５６７８９"), "0123456789");
    }

    #[test]
    fn folds_full_width_letters() {
        assert_eq!(norm("ＧＤＰ与ｇｄｐ"), "GDP与gdp");
    }

    #[test]
    fn folds_full_width_percent_plus_minus_point_and_slash() {
        assert_eq!(norm("＋１２．５％－３／４"), "+12.5%-3/4");
        assert_eq!(norm("２０２０年１２．５％ＧＤＰ"), "2020年12.5%GDP");
    }

    #[test]
    fn folds_full_width_colon_only_between_digits() {
        assert_eq!(norm("１０：３０"), "10:30");
        assert_eq!(norm("10：30"), "10:30");
        assert_eq!(norm("他说：好"), "他说：好");
        assert_eq!(norm("时间：10点"), "时间：10点");
        assert_eq!(norm("第1：好"), "第1：好");
    }

    #[test]
    fn folds_full_width_comma_only_between_digits() {
        assert_eq!(norm("１，２００萬元"), "1,200万元");
        assert_eq!(norm("今年，盘锦"), "今年，盘锦");
        assert_eq!(norm("5，盘锦"), "5，盘锦");
        assert_eq!(norm("盘锦，5"), "盘锦，5");
    }

    #[test]
    fn comma_rule_looks_past_invisible_characters() {
        assert_eq!(norm("1，\u{200B}２00"), "1,200");
        assert_eq!(norm("1\u{00AD}，200"), "1,200");
    }

    #[test]
    fn keeps_chinese_punctuation() {
        let s = "，。、；：？！“”‘’《》（）【】";
        assert_eq!(norm(s), s);
    }

    #[test]
    fn keeps_full_width_forms_we_do_not_fold() {
        // Full-width brackets, equals, yen: Chinese typesetting, left alone.
        let s = "（＝＄￥）";
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
    fn removes_zero_width_joiners_and_word_joiner() {
        assert_eq!(norm("a\u{200C}b\u{200D}c\u{2060}d"), "abcd");
    }

    #[test]
    fn removes_a_bom_in_the_middle() {
        // Concatenated files carry one BOM each.
        let n = normalize("甲\u{FEFF}乙");
        assert_eq!(n.text, "甲乙");
        assert_eq!(n.map.span(1), (2, 3));
    }

    #[test]
    fn crlf_and_lone_cr_become_newlines() {
        let n = normalize("a\r\nb\rc");
        assert_eq!(n.text, "a\nb\nc");
        assert_eq!(n.map.span(1), (2, 3));
        assert_eq!(n.map.span(3), (4, 5));
    }

    #[test]
    fn cr_cr_lf_is_two_line_ends() {
        assert_eq!(norm("a\r\r\nb"), "a\n\nb");
    }

    #[test]
    fn compatibility_ideographs_become_unified() {
        // U+F900 豈 → U+8C48 豈, which t2s then converts like any 豈.
        assert_eq!(norm("\u{F900}"), "岂");
        assert_eq!(norm("\u{F9B2}"), "零");
        // The supplement: U+2F800 → U+4E3D.
        assert_eq!(norm("\u{2F800}"), "\u{4E3D}");
    }

    #[test]
    fn compatibility_ideographs_take_part_in_phrases() {
        // U+FAB7 is 覆 and U+F9DC is 隆: unified before conversion, they
        // match the phrases 反覆 → 反复 and 乾隆 → 乾隆.
        assert_eq!(norm("\u{FAB7}"), "覆");
        assert_eq!(norm("反\u{FAB7}"), "反复");
        assert_eq!(norm("乾\u{F9DC}"), "乾隆");
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

    #[test]
    fn converts_astral_and_to_astral_characters() {
        // U+2005E → U+2003E, and U+346E → U+2B748: one character each.
        let n = normalize("\u{2005E}\u{346E}元");
        assert_eq!(n.text, "\u{2003E}\u{2B748}元");
        assert_eq!(n.map.span(1), (1, 2));
    }

    #[test]
    fn dictionaries_keep_every_entrys_length() {
        for (key, value) in Dictionary::TSPhrases
            .iter()
            .chain(Dictionary::TSCharacters.iter())
        {
            assert_eq!(key.chars().count(), value.chars().count(), "{key} {value}");
        }
    }

    #[test]
    fn dictionary_keys_are_ideographs_in_the_table_range() {
        // The first-character filter and the phrase look-ahead rely on it.
        for (key, _) in Dictionary::TSPhrases
            .iter()
            .chain(Dictionary::TSCharacters.iter())
        {
            for c in key.chars() {
                let code = c as u32;
                assert!((FIRST_KEY_FLOOR..KEY_CEILING).contains(&code), "{key}");
            }
            assert!(key.chars().count() <= LOOKAHEAD, "{key}");
        }
    }

    #[test]
    fn dictionaries_have_no_duplicate_keys_and_no_one_character_phrases() {
        // So one merged longest match equals OpenCC's phrase segmentation
        // followed by its phrases-then-characters conversion.
        let mut seen = std::collections::HashSet::new();
        for (key, _) in Dictionary::TSPhrases.iter() {
            assert!(key.chars().count() > 1, "{key}");
            assert!(seen.insert(key), "duplicate {key}");
        }
        for (key, _) in Dictionary::TSCharacters.iter() {
            assert!(seen.insert(key), "duplicate {key}");
        }
    }

    #[test]
    fn characters_that_pass_through_come_out_unchanged_in_any_context() {
        let table = &*T2S;
        for code in 0..=0xFFFF {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            if !passes_through(table, code) {
                continue;
            }
            assert_eq!(c.len_utf8(), 3, "{c:?}: plain runs decode three bytes");
            assert_eq!(table.lookup(c), 0, "{c:?} starts a key");
            for (before, after) in [("", ""), ("1", "1"), ("a", "１"), ("\r", "\u{200B}2")] {
                let text = format!("{before}{c}{after}");
                let at = before.chars().count() as u32;
                let cleaned: Vec<(char, u32)> = Cleaned::new(&text).collect();
                assert!(cleaned.contains(&(c, at)), "{c:?} in {text:?}");
            }
        }
    }

    /// `normalize_hanconv` without its fast path: the general path, one
    /// character at a time.
    fn normalize_char_by_char(original: &str) -> Normalized {
        let table = &*T2S;
        let mut text = String::new();
        let mut spans = Vec::new();
        let mut cleaned = Cleaned::new(original);
        while let Some((c, at)) = cleaned.next() {
            cleaned = convert(table, c, at, cleaned, &mut text, &mut spans);
        }
        Normalized {
            text,
            map: OffsetMap::from_spans(spans, original.chars().count()),
        }
    }

    fn assert_same_as_char_by_char(original: &str) {
        let fast = normalize(original);
        let slow = normalize_char_by_char(original);
        assert_eq!(fast.text, slow.text, "{original:?}");
        assert_eq!(fast.map, slow.map, "{original:?}");
    }

    /// The articles of `corpus/`: (path, text).
    fn corpus_texts() -> Vec<(std::path::PathBuf, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
        let texts: Vec<_> = std::fs::read_dir(dir)
            .expect("corpus/")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "txt"))
            .map(|path| {
                let text = std::fs::read_to_string(&path).expect("UTF-8");
                (path, text)
            })
            .collect();
        assert!(!texts.is_empty(), "corpus/ holds articles");
        texts
    }

    #[test]
    fn fast_paths_equal_char_by_char_on_the_corpus() {
        for (_, text) in corpus_texts() {
            assert_same_as_char_by_char(&text);
            assert_same_as_char_by_char(&text.replace('\n', "\r\n"));
        }
    }

    #[test]
    fn fast_paths_equal_char_by_char_at_run_edges() {
        for s in [
            "",
            "頭髮乾了。“總投資１２．５億元”，１，２００；１０：３０",
            "乾隆年間…後來\r\n於是\r萬\u{200B}１，\u{200B}２\u{F900}\u{2F800}",
            "中文1，2中文：3\u{3000}ｚ—\u{2060}\u{FEFF}é😀",
            "1，中，1：a：2，\u{200B}3，。１，，2",
        ] {
            assert_same_as_char_by_char(s);
        }
    }

    #[test]
    fn fast_paths_equal_char_by_char_after_every_phrase_start() {
        // Each character that starts a phrase, followed by each second
        // character of a phrase (its own or another's), by characters that
        // clean-up skips or changes, and by nothing.
        let table = &*T2S;
        let mut seconds: Vec<char> = table
            .phrases
            .values()
            .flatten()
            .filter_map(|phrase| phrase.rest.first().copied())
            .collect();
        seconds.sort_unstable();
        seconds.dedup();
        let followers = [
            "",
            "a",
            "\r\n",
            "。",
            "\u{200B}隆",
            "\u{F9DC}",
            "１，２",
            "的",
        ];
        for (&first, phrases) in &table.phrases {
            let mut text = String::new();
            for phrase in phrases {
                text.push(first);
                text.extend(phrase.rest.iter());
                text.push(first);
                text.extend(phrase.rest.iter().take(1));
                text.push('，');
            }
            for follower in followers {
                text.push(first);
                text.push_str(follower);
                text.push('\n');
            }
            assert_same_as_char_by_char(&text);
        }
        let starts: String = table.phrases.keys().collect();
        for second in seconds {
            let text: String = starts.chars().flat_map(|first| [first, second]).collect();
            assert_same_as_char_by_char(&text);
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_paths_equal_char_by_char(
            s in "[中国头发乾隆坤於菟瞭然頭髮後來著名覆蓋藉口一目上有以萬約價“”…—。、，：１2a０％Ａ\r\n\u{3000}\u{200B}\u{2060}\u{F900}\u{346E}ｚ！]{0,40}"
        ) {
            let fast = normalize(&s);
            let slow = normalize_char_by_char(&s);
            proptest::prop_assert_eq!(fast.text, slow.text);
            proptest::prop_assert_eq!(fast.map, slow.map);
        }
    }

    /// The slow, obviously right version: clean and fold, then hanconv's own
    /// trie over the same dictionaries (less the dropped phrase).
    fn reference(original: &str) -> String {
        static TRIE: LazyLock<hanconv::Trie<&'static str>> = LazyLock::new(|| {
            Dictionary::TSPhrases
                .iter()
                .filter(|(key, _)| !NOT_IN_OPENCC_1_1_6.contains(key))
                .chain(Dictionary::TSCharacters.iter())
                .collect()
        });
        TRIE.convert(clean_and_fold(original).0)
    }

    #[test]
    fn fast_path_equals_reference_on_the_corpus() {
        for (path, text) in corpus_texts() {
            assert_eq!(norm(&text), reference(&text), "{}", path.display());
        }
    }

    #[test]
    fn fast_path_equals_reference_on_every_dictionary_key() {
        let keys: Vec<&str> = Dictionary::TSPhrases
            .iter()
            .chain(Dictionary::TSCharacters.iter())
            .map(|(key, _)| key)
            .collect();
        // Each key alone, and all of them run together so that keys meet
        // keys at their edges.
        for key in &keys {
            assert_eq!(norm(key), reference(key), "{key}");
        }
        let joined = keys.concat();
        assert_eq!(norm(&joined), reference(&joined));
    }

    proptest::proptest! {
        #[test]
        fn fast_path_equals_reference(s in "[乾隆坤於菟心瞭然頭髮後來著名覆蓋藉口\u{200B}\u{F900}，：１2a\r\n]{0,40}") {
            proptest::prop_assert_eq!(norm(&s), reference(&s));
        }
    }

    /// A converter that changes the length of 萬 (to two characters) and of
    /// "ab" (to nothing), to exercise the alignment fallback.
    fn lengthening(s: &str) -> String {
        s.replace('萬', "一万").replace("ab", "")
    }

    #[test]
    fn aligned_conversion_maps_one_to_one_when_counts_hold() {
        let (cleaned, spans) = clean_and_fold("頭髮\n乾了");
        let (text, out) = convert_aligned(&cleaned, &spans, |s| hanconv::t2s(s));
        assert_eq!(text, "头发\n干了");
        assert_eq!(out, spans);
    }

    #[test]
    fn aligned_conversion_maps_a_changed_run_as_one_span() {
        let (cleaned, spans) = clean_and_fold("x1萬元\n萬");
        let (text, out) = convert_aligned(&cleaned, &spans, lengthening);
        assert_eq!(text, "x1一万元\n一万");
        assert_eq!(
            out,
            vec![
                (0, 1),
                (1, 2),
                (2, 4),
                (2, 4),
                (2, 4),
                (4, 5),
                (5, 6),
                (5, 6)
            ]
        );
    }

    #[test]
    fn aligned_conversion_drops_a_run_that_vanished() {
        let (cleaned, spans) = clean_and_fold("ab萬");
        let (text, out) = convert_aligned(&cleaned, &spans, lengthening);
        assert_eq!(text, "一万");
        assert_eq!(out, vec![(2, 3), (2, 3)]);
    }

    #[test]
    fn aligned_conversion_converts_a_text_in_one_call() {
        let calls = std::cell::Cell::new(0);
        let (cleaned, spans) = clean_and_fold("頭髮\n乾了\n");
        convert_aligned(&cleaned, &spans, |s| {
            calls.set(calls.get() + 1);
            hanconv::t2s(s)
        });
        assert_eq!(calls.get(), 1);
    }

    #[test]
    fn aligned_conversion_passes_nul_through() {
        let (cleaned, spans) = clean_and_fold("頭\0髮");
        let (text, out) = convert_aligned(&cleaned, &spans, |s| {
            assert!(!s.contains('\0'));
            hanconv::t2s(s)
        });
        assert_eq!(text, "头\0发");
        assert_eq!(out, spans);
    }

    #[test]
    fn converter_names_round_trip() {
        assert_eq!(Converter::from_name("hanconv").unwrap(), Converter::Hanconv);
        assert_eq!(Converter::Hanconv.to_string(), "hanconv");
        assert!(matches!(
            "nope".parse::<Converter>(),
            Err(ConverterError::Unknown { .. })
        ));
        #[cfg(not(feature = "opencc"))]
        assert!(matches!(
            Converter::from_name("opencc"),
            Err(ConverterError::NotBuilt)
        ));
        #[cfg(feature = "opencc")]
        assert_eq!(Converter::from_name("opencc").unwrap().name(), "opencc");
    }
}
