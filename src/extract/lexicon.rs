//! The word lists extraction reads, embedded from `data/` and parsed once.
//!
//! Each list is a tab-separated text file a rule engineer can extend by
//! adding a line; each parses with no duplicates (tested below).

use crate::document::{Change, Qualifier};
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::sync::LazyLock;

/// A currency word or symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    /// ISO 4217 code.
    pub code: &'static str,
    /// May stand after the number (元).
    pub suffix: bool,
    /// May stand before the number (US$).
    pub prefix: bool,
    /// Value of one unit in the currency (毛, 角: 0.1).
    pub scale: rust_decimal::Decimal,
}

/// What kind of unit a measure word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitClass {
    /// A counted thing: 个, 项, 人次.
    Count,
    /// A physical measure: 吨, 公里.
    Measure,
    /// A span of time: 年, 个月, 小时, 岁.
    Duration,
    /// 倍.
    Multiple,
}

/// A measure word and how it is written in the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// Output unit (`个小时` → `小时`).
    pub name: &'static str,
    /// Its class.
    pub class: UnitClass,
}

/// Where a qualifier word stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Before the amount (约, 超过).
    Before,
    /// After the amount (左右, 以上, 多).
    After,
}

/// A longest-match table of words.
///
/// Lookups run at nearly every numeral of every article, so each is one
/// walk over the text's characters through a trie of the words, forward
/// for prefixes and backward for suffixes: a position no word starts (or
/// ends) at is rejected at the first character, and a word is found
/// without hashing every candidate length of the text.
#[derive(Debug)]
pub struct WordTable<T> {
    words: FxHashMap<&'static str, T>,
    forward: CharTrie<T>,
    backward: CharTrie<T>,
}

impl<T: Copy> WordTable<T> {
    /// A table of `entries`, words with their values.
    pub(crate) fn new(entries: Vec<(&'static str, T)>) -> Self {
        let mut words = FxHashMap::default();
        let mut forward = CharTrie::default();
        let mut backward = CharTrie::default();
        for (w, v) in entries {
            if w.is_empty() {
                continue;
            }
            forward.insert(w.chars(), v);
            backward.insert(w.chars().rev(), v);
            let fresh = words.insert(w, v).is_none();
            debug_assert!(fresh, "duplicate entry {w}");
        }
        WordTable {
            words,
            forward,
            backward,
        }
    }

    /// The table's words, in no particular order.
    pub fn words(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.words.keys().copied()
    }

    /// The longest word at the start of `text`: (its byte length, value).
    pub fn longest_prefix(&self, text: &str) -> Option<(usize, T)> {
        self.forward.longest(text.chars())
    }

    /// The longest word at the end of `text`: (its byte length, value).
    pub fn longest_suffix(&self, text: &str) -> Option<(usize, T)> {
        self.backward.longest(text.chars().rev())
    }

    /// Whether any word of the table occurs anywhere in `text`.
    pub fn occurs_in(&self, text: &str) -> bool {
        text.char_indices()
            .any(|(i, _)| self.longest_prefix(&text[i..]).is_some())
    }

    /// Looks a whole word up.
    pub fn get(&self, word: &str) -> Option<T> {
        self.words.get(word).copied()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Words as paths of characters from a root, one direction of a
/// [`WordTable`]: node 0 is the root, and a node where a word ends holds
/// its value.
#[derive(Debug)]
struct CharTrie<T> {
    /// The child of a node by the next character, keyed by [`edge`].
    children: FxHashMap<u64, u32>,
    /// The value of the word ending at each node, if one does.
    values: Vec<Option<T>>,
}

impl<T> Default for CharTrie<T> {
    fn default() -> Self {
        CharTrie {
            children: FxHashMap::default(),
            values: vec![None],
        }
    }
}

/// The key of the edge from `node` by `c`: one integer, hashed in one step.
fn edge(node: u32, c: char) -> u64 {
    u64::from(node) << 32 | u64::from(c)
}

impl<T: Copy> CharTrie<T> {
    fn insert(&mut self, word: impl Iterator<Item = char>, value: T) {
        let mut node = 0;
        for c in word {
            let fresh = u32::try_from(self.values.len()).expect("a list has few words");
            node = *self.children.entry(edge(node, c)).or_insert(fresh);
            if node == fresh {
                self.values.push(None);
            }
        }
        self.values[node as usize] = Some(value);
    }

    /// The deepest word met following `chars` from the root: its byte
    /// length and value.
    #[inline]
    fn longest(&self, chars: impl Iterator<Item = char>) -> Option<(usize, T)> {
        let mut node = 0;
        let mut len = 0;
        let mut found = None;
        for c in chars {
            let Some(&child) = self.children.get(&edge(node, c)) else {
                break;
            };
            node = child;
            len += c.len_utf8();
            if let Some(value) = self.values[node as usize] {
                found = Some((len, value));
            }
        }
        found
    }
}

/// The characters for which a test holds, as a bit per character of the
/// Basic Multilingual Plane, so a scanner can pass over the characters that
/// cannot concern it with one lookup each. Made from the test itself, so
/// the two cannot disagree; characters past the plane ask the test.
pub struct CharSet {
    /// Bit `c % 64` of word `c / 64` for each character `c` of the plane.
    bmp: Box<[u64; 0x10000 / 64]>,
    test: fn(char) -> bool,
}

impl CharSet {
    /// The set of the characters `test` holds for.
    pub fn new(test: fn(char) -> bool) -> Self {
        let mut bmp = Box::new([0u64; 0x10000 / 64]);
        for c in (0..0x10000).filter_map(char::from_u32) {
            if test(c) {
                bmp[c as usize / 64] |= 1 << (c as usize % 64);
            }
        }
        CharSet { bmp, test }
    }

    /// Whether `c` is in the set.
    #[inline]
    pub fn contains(&self, c: char) -> bool {
        match self.bmp.get(c as usize / 64) {
            Some(word) => word & (1 << (c as usize % 64)) != 0,
            None => (self.test)(c),
        }
    }

    /// The first character of `text` in the set, with its byte offset.
    ///
    /// Scanners call this at every character they pass over, and most are
    /// Chinese: a three-byte character is looked up by its bytes, not
    /// decoded first. Its first byte gives the high bits of its code, the
    /// second the middle ones (together, the word of the set), the third
    /// the low ones (the bit in the word).
    #[inline]
    pub fn find(&self, text: &str) -> Option<(usize, char)> {
        let bytes = text.as_bytes();
        let mut rest = bytes;
        loop {
            while let [b0 @ 0xE0..=0xEF, b1, b2, ref tail @ ..] = *rest {
                let word = usize::from(b0 & 0x0F) << 6 | usize::from(b1 & 0x3F);
                if self.bmp[word] >> (b2 & 0x3F) & 1 != 0 {
                    break;
                }
                rest = tail;
            }
            let at = bytes.len() - rest.len();
            let c = text[at..].chars().next()?;
            if self.contains(c) {
                return Some((at, c));
            }
            rest = &rest[c.len_utf8()..];
        }
    }

    /// The last character of `text` in the set, with its byte offset: as
    /// [`CharSet::find`], backward (a clause is read back from an amount).
    /// A lead byte of three stands three bytes before a character's end,
    /// as no other byte of the encoding is 0xE0 to 0xEF.
    #[inline]
    pub fn rfind(&self, text: &str) -> Option<(usize, char)> {
        let bytes = text.as_bytes();
        let mut end = bytes.len();
        loop {
            while let [.., b0 @ 0xE0..=0xEF, b1, b2] = bytes[..end] {
                let word = usize::from(b0 & 0x0F) << 6 | usize::from(b1 & 0x3F);
                if self.bmp[word] >> (b2 & 0x3F) & 1 != 0 {
                    break;
                }
                end -= 3;
            }
            let c = text[..end].chars().next_back()?;
            let at = end - c.len_utf8();
            if self.contains(c) {
                return Some((at, c));
            }
            end = at;
        }
    }

    /// The characters of the Basic Multilingual Plane in the set.
    pub fn bmp_chars(&self) -> impl Iterator<Item = char> + '_ {
        (0..0x10000u32)
            .filter(|&code| self.bmp[code as usize / 64] >> (code % 64) & 1 != 0)
            .filter_map(char::from_u32)
    }
}

/// Lines of a data file: comments and blank lines skipped, fields split on tabs.
fn rows(data: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    data.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
}

/// Currency words by longest match.
pub static CURRENCIES: LazyLock<WordTable<Currency>> = LazyLock::new(|| {
    WordTable::new(
        rows(include_str!("../../data/currencies.txt"))
            .map(|f| {
                let position = f.get(2).copied().unwrap_or("suffix");
                let scale = f
                    .get(3)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(rust_decimal::Decimal::ONE);
                (
                    f[0],
                    Currency {
                        code: f[1],
                        suffix: position != "prefix",
                        prefix: position != "suffix",
                        scale,
                    },
                )
            })
            .collect(),
    )
});

/// Measure words by longest match.
pub static UNITS: LazyLock<WordTable<Unit>> = LazyLock::new(|| {
    WordTable::new(
        rows(include_str!("../../data/units.txt"))
            .map(|f| {
                let class = match f.get(2).copied().unwrap_or("count") {
                    "measure" => UnitClass::Measure,
                    "duration" => UnitClass::Duration,
                    "multiple" => UnitClass::Multiple,
                    _ => UnitClass::Count,
                };
                let name = f.get(1).copied().unwrap_or(f[0]);
                (f[0], Unit { name, class })
            })
            .collect(),
    )
});

/// Qualifier words by position.
pub static QUALIFIERS: LazyLock<(WordTable<Qualifier>, WordTable<Qualifier>)> =
    LazyLock::new(|| {
        let mut before = Vec::new();
        let mut after = Vec::new();
        for f in rows(include_str!("../../data/qualifiers.txt")) {
            let q = Qualifier::parse(f[1]).expect("qualifiers.txt names a known qualifier");
            match f.get(2).copied() {
                Some("after") => after.push((f[0], q)),
                _ => before.push((f[0], q)),
            }
        }
        (WordTable::new(before), WordTable::new(after))
    });

/// Change words (由, 提高到, 增长 …) by longest match.
pub static CHANGE_WORDS: LazyLock<WordTable<Change>> = LazyLock::new(|| {
    WordTable::new(
        rows(include_str!("../../data/change_words.txt"))
            .map(|f| (f[0], Change::parse(f[1]).unwrap_or(Change::None)))
            .collect(),
    )
});

/// Change verbs that may take an object before the amount
/// (下调存款准备金率0.5个百分点), marked `object` in the change words.
pub static OBJECT_CHANGE_VERBS: LazyLock<WordTable<Change>> = LazyLock::new(|| {
    WordTable::new(
        rows(include_str!("../../data/change_words.txt"))
            .filter(|f| f.get(2) == Some(&"object"))
            .map(|f| (f[0], Change::parse(f[1]).unwrap_or(Change::None)))
            .collect(),
    )
});

fn word_list(data: &'static str) -> WordTable<()> {
    WordTable::new(rows(data).map(|f| (f[0], ())).collect())
}

/// Words containing numerals that state no amount.
pub static NON_FACTS: LazyLock<WordTable<()>> =
    LazyLock::new(|| word_list(include_str!("../../data/nonfacts.txt")));

/// Words that make a bare 万/亿 amount money.
pub static MONEY_CONTEXT: LazyLock<WordTable<()>> =
    LazyLock::new(|| word_list(include_str!("../../data/money_context.txt")));

/// Words that make a bare 一 a count.
pub static ONE_CONTEXT: LazyLock<WordTable<()>> =
    LazyLock::new(|| word_list(include_str!("../../data/article_one_context.txt")));

/// Words that begin with a unit character but are no unit (成为, 元旦).
pub static WORD_EXCEPTIONS: LazyLock<WordTable<()>> =
    LazyLock::new(|| word_list(include_str!("../../data/word_exceptions.txt")));

/// Nouns after 届, 次, 级 that make a numeral part of a name (十三届全国人大).
pub static LABEL_NOUNS: LazyLock<WordTable<()>> =
    LazyLock::new(|| word_list(include_str!("../../data/label_nouns.txt")));

/// The words that tell index points (上证综指收报3373.28点) from a time
/// of day (下午3点): see `data/index_points.txt`.
#[derive(Debug)]
pub struct IndexPointWords {
    /// Stock indexes and the market, looked for in the clause.
    pub index: WordTable<()>,
    /// Market verbs right before the number.
    pub verb: WordTable<()>,
    /// Times of day right before the number.
    pub clock: WordTable<()>,
    /// Words right after 点 that make it a time.
    pub clock_after: WordTable<()>,
}

/// The words of `data/index_points.txt` by role.
pub static INDEX_POINT_WORDS: LazyLock<IndexPointWords> = LazyLock::new(|| {
    let mut roles: HashMap<&str, Vec<(&'static str, ())>> = HashMap::new();
    for f in rows(include_str!("../../data/index_points.txt")) {
        let role = f.get(1).copied().unwrap_or_default();
        roles.entry(role).or_default().push((f[0], ()));
    }
    let mut table = |role| WordTable::new(roles.remove(role).unwrap_or_default());
    IndexPointWords {
        index: table("index"),
        verb: table("verb"),
        clock: table("clock"),
        clock_after: table("clock_after"),
    }
});

/// A duration unit and the smaller one that may follow it as one fact
/// (4年3个月 → 51 个月).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationPart {
    /// The larger unit, as output (年, 小时).
    pub larger: &'static str,
    /// The smaller unit as written (个月, 分).
    pub written: &'static str,
    /// How many of the smaller make one of the larger.
    pub per_larger: u32,
    /// The smaller unit as output (分 → 分钟).
    pub unit: &'static str,
    /// One of the larger then the smaller reads as a rate (一天8小时).
    pub rate_when_one: bool,
}

/// The rows of `data/duration_parts.txt`.
pub static DURATION_PARTS: LazyLock<Vec<DurationPart>> = LazyLock::new(|| {
    rows(include_str!("../../data/duration_parts.txt"))
        .map(|f| DurationPart {
            larger: f[0],
            written: f[1],
            per_larger: f[2]
                .parse()
                .expect("duration_parts.txt: a count of the smaller"),
            unit: f[3],
            rate_when_one: f.get(4) == Some(&"rate"),
        })
        .collect()
});
/// Nouns a rate counts after 每 and a number (每千人口, 每十万常住人口).
pub static PER_NOUNS: LazyLock<WordTable<()>> =
    LazyLock::new(|| word_list(include_str!("../../data/per_nouns.txt")));

/// Spring Festival dates by year.
pub static SPRING_FESTIVAL: LazyLock<HashMap<i32, crate::calendar::Date>> = LazyLock::new(|| {
    rows(include_str!("../../data/spring_festival.txt"))
        .filter_map(|f| crate::calendar::Date::parse(f[0]))
        .map(|d| (d.year, d))
        .collect()
});

/// Festivals that move on the Gregorian calendar (端午, 中秋 …, 清明): their
/// dates by festival and year, from `data/movable_festivals.txt`, whose
/// first row names the festivals.
pub static MOVABLE_FESTIVALS: LazyLock<HashMap<(&'static str, i32), crate::calendar::Date>> =
    LazyLock::new(|| {
        let mut rows = rows(include_str!("../../data/movable_festivals.txt"));
        let names = rows.next().expect("the table names its festivals");
        rows.flat_map(|row| {
            let year: i32 = row[0].parse().expect("a row starts with its year");
            names[1..]
                .iter()
                .zip(&row[1..])
                .filter_map(move |(name, date)| {
                    crate::calendar::Date::parse(date).map(|d| ((*name, year), d))
                })
                .collect::<Vec<_>>()
        })
        .collect()
    });

/// Loads every list now rather than on first use.
pub fn warm_up() {
    LazyLock::force(&CURRENCIES);
    LazyLock::force(&UNITS);
    LazyLock::force(&QUALIFIERS);
    LazyLock::force(&CHANGE_WORDS);
    LazyLock::force(&OBJECT_CHANGE_VERBS);
    LazyLock::force(&NON_FACTS);
    LazyLock::force(&MONEY_CONTEXT);
    LazyLock::force(&ONE_CONTEXT);
    LazyLock::force(&WORD_EXCEPTIONS);
    LazyLock::force(&LABEL_NOUNS);
    LazyLock::force(&PER_NOUNS);
    LazyLock::force(&SPRING_FESTIVAL);
    LazyLock::force(&MOVABLE_FESTIVALS);
    LazyLock::force(&INDEX_POINT_WORDS);
    LazyLock::force(&DURATION_PARTS);
}

#[cfg(test)]
impl<T: Copy> WordTable<T> {
    /// The words, sorted (the table's own order is a hash's, and test
    /// cases built from it must repeat run to run), and each of their
    /// characters as a string: the pieces tests glue texts from.
    pub(crate) fn sorted_words_and_their_chars(&self) -> (Vec<String>, Vec<String>) {
        let mut words: Vec<String> = self.words().map(String::from).collect();
        words.sort();
        let chars = words
            .iter()
            .flat_map(|w| w.chars())
            .map(String::from)
            .collect();
        (words, chars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Texts of the characters [`sample_set`] holds and of others around
    /// them, or of any characters.
    fn texts_for_sets() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::prop_oneof![
            "[0-9a-z年月日今去一二十，。、\u{4e00}-\u{4e2f}\u{7f00}-\u{7f10}é€😀]{0,40}",
            proptest::prelude::any::<String>(),
        ]
    }

    /// A set of one-, two-, three- and four-byte characters.
    fn sample_set() -> CharSet {
        CharSet::new(|c| {
            matches!(c, '0'..='9' | '年' | '月' | '今' | '，' | 'é' | '😀')
                || ('\u{4e00}'..'\u{4e08}').contains(&c)
        })
    }

    proptest::proptest! {
        #[test]
        fn a_set_finds_what_a_search_by_characters_finds(
            text in texts_for_sets()
        ) {
            let set = sample_set();
            for at in (0..=text.len()).filter(|&k| text.is_char_boundary(k)) {
                let rest = &text[at..];
                let want = rest.char_indices().find(|&(_, c)| set.contains(c));
                proptest::prop_assert_eq!(set.find(rest), want);
            }
        }
    }

    /// [`WordTable::longest_prefix`] as first written: each start of the
    /// text looked up whole, the longest first.
    fn longest_prefix_asking_every_length<T: Copy>(
        table: &WordTable<T>,
        text: &str,
    ) -> Option<(usize, T)> {
        let ends: Vec<usize> = text.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
        ends.into_iter()
            .rev()
            .find_map(|end| table.get(&text[..end]).map(|v| (end, v)))
    }

    /// [`WordTable::longest_suffix`] as first written.
    fn longest_suffix_asking_every_length<T: Copy>(
        table: &WordTable<T>,
        text: &str,
    ) -> Option<(usize, T)> {
        text.char_indices()
            .find_map(|(start, _)| table.get(&text[start..]).map(|v| (text.len() - start, v)))
    }

    /// Checks both lookups of `table` at every boundary of a text glued
    /// from its words, their characters and a few others, as `picks` choose.
    fn lookups_agree<T: Copy + PartialEq + std::fmt::Debug>(
        table: &WordTable<T>,
        picks: &[usize],
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let (mut pieces, chars) = table.sorted_words_and_their_chars();
        pieces.extend(chars);
        pieces.extend(["1", "的", "，", "a", "é", "😀"].map(String::from));
        let text: String = picks
            .iter()
            .map(|&k| pieces[k % pieces.len()].as_str())
            .collect();
        for at in (0..=text.len()).filter(|&k| text.is_char_boundary(k)) {
            proptest::prop_assert_eq!(
                table.longest_prefix(&text[at..]),
                longest_prefix_asking_every_length(table, &text[at..]),
                "prefix of {}",
                &text[at..]
            );
            proptest::prop_assert_eq!(
                table.longest_suffix(&text[..at]),
                longest_suffix_asking_every_length(table, &text[..at]),
                "suffix of {}",
                &text[..at]
            );
        }
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        #[test]
        fn a_table_finds_the_words_asking_every_length_finds(
            picks in proptest::collection::vec(proptest::prelude::any::<usize>(), 0..12)
        ) {
            lookups_agree(&CURRENCIES, &picks)?;
            lookups_agree(&UNITS, &picks)?;
            lookups_agree(&QUALIFIERS.0, &picks)?;
            lookups_agree(&QUALIFIERS.1, &picks)?;
            lookups_agree(&CHANGE_WORDS, &picks)?;
            lookups_agree(&NON_FACTS, &picks)?;
            lookups_agree(&MONEY_CONTEXT, &picks)?;
            lookups_agree(&ONE_CONTEXT, &picks)?;
            lookups_agree(&WORD_EXCEPTIONS, &picks)?;
            lookups_agree(&LABEL_NOUNS, &picks)?;
            lookups_agree(&INDEX_POINT_WORDS.index, &picks)?;
            lookups_agree(&INDEX_POINT_WORDS.verb, &picks)?;
            lookups_agree(&INDEX_POINT_WORDS.clock, &picks)?;
            lookups_agree(&INDEX_POINT_WORDS.clock_after, &picks)?;
        }
    }

    proptest::proptest! {
        #[test]
        fn a_set_finds_backward_what_a_search_by_characters_finds(
            text in texts_for_sets()
        ) {
            let set = sample_set();
            for end in (0..=text.len()).filter(|&k| text.is_char_boundary(k)) {
                let before = &text[..end];
                let want = before.char_indices().rev().find(|&(_, c)| set.contains(c));
                proptest::prop_assert_eq!(set.rfind(before), want);
            }
        }
    }

    #[test]
    fn a_set_lists_its_characters_of_the_plane() {
        let set = CharSet::new(|c| matches!(c, '0' | '年' | '😀'));
        assert_eq!(set.bmp_chars().collect::<Vec<_>>(), ['0', '年']);
        assert!(set.contains('😀'));
    }

    #[test]
    fn a_table_gives_back_its_words_and_no_comment() {
        let table = word_list("# 注释\n五四运动\n一带一路\t其他\n");
        let mut words: Vec<&str> = table.words().collect();
        words.sort();
        assert_eq!(words, ["一带一路", "五四运动"]);
    }

    fn assert_no_duplicates(name: &str, data: &'static str) {
        let mut seen = HashSet::new();
        for f in rows(data) {
            assert!(seen.insert(f[0]), "{name}: duplicate entry {}", f[0]);
        }
        assert!(!seen.is_empty(), "{name} is empty");
    }

    #[test]
    fn a_char_set_holds_what_its_test_holds() {
        fn test(c: char) -> bool {
            matches!(c, '0'..='9' | '年' | '\u{FFFF}' | '\u{20000}')
        }
        let set = CharSet::new(test);
        for c in ['0', '9', '年', '\u{FFFF}', '\u{20000}'] {
            assert!(set.contains(c), "{c}");
        }
        for c in ['a', '月', '\u{FFFE}', '\u{20001}', '\u{10FFFF}', '\0'] {
            assert!(!set.contains(c), "{c}");
        }
        assert_eq!(set.find("总投资600亿元"), Some((9, '6')));
        assert_eq!(set.find("总投资"), None);
        assert_eq!(set.find("\u{20001}\u{20000}"), Some((4, '\u{20000}')));
    }

    #[test]
    fn data_files_parse_without_duplicates() {
        assert_no_duplicates("currencies", include_str!("../../data/currencies.txt"));
        assert_no_duplicates("units", include_str!("../../data/units.txt"));
        assert_no_duplicates("qualifiers", include_str!("../../data/qualifiers.txt"));
        assert_no_duplicates("change_words", include_str!("../../data/change_words.txt"));
        assert_no_duplicates("nonfacts", include_str!("../../data/nonfacts.txt"));
        assert_no_duplicates(
            "money_context",
            include_str!("../../data/money_context.txt"),
        );
        assert_no_duplicates(
            "article_one_context",
            include_str!("../../data/article_one_context.txt"),
        );
        assert_no_duplicates("label_nouns", include_str!("../../data/label_nouns.txt"));
        assert_no_duplicates("per_nouns", include_str!("../../data/per_nouns.txt"));
        assert_no_duplicates(
            "word_exceptions",
            include_str!("../../data/word_exceptions.txt"),
        );
        assert_no_duplicates("index_points", include_str!("../../data/index_points.txt"));
        assert_no_duplicates(
            "spring_festival",
            include_str!("../../data/spring_festival.txt"),
        );
    }

    #[test]
    fn every_row_has_its_fields() {
        for f in rows(include_str!("../../data/currencies.txt")) {
            assert!(f.len() >= 2 && f[1].len() == 3, "bad currency row {f:?}");
        }
        for f in rows(include_str!("../../data/qualifiers.txt")) {
            assert!(Qualifier::parse(f[1]).is_some(), "bad qualifier row {f:?}");
        }
        for f in rows(include_str!("../../data/change_words.txt")) {
            assert!(
                Change::parse(f[1]).is_some() || f[1] == "none",
                "bad change row {f:?}"
            );
            assert!(
                f.get(2)
                    .is_none_or(|&o| o == "object" && matches!(f[1], "up" | "down")),
                "bad change row {f:?}"
            );
        }
        assert!(SPRING_FESTIVAL.len() >= 30);
        for f in rows(include_str!("../../data/index_points.txt")) {
            assert!(
                matches!(
                    f.get(1).copied(),
                    Some("index" | "verb" | "clock" | "clock_after")
                ),
                "bad index_points row {f:?}"
            );
        }
        // A pair is the key here: 小时 is followed by 分钟 or by 分.
        let mut pairs = HashSet::new();
        for part in DURATION_PARTS.iter() {
            assert!(
                pairs.insert((part.larger, part.written)),
                "duplicate duration_parts row {part:?}"
            );
            let larger = UNITS
                .words()
                .find_map(|w| UNITS.get(w).filter(|u| u.name == part.larger));
            assert!(
                larger.is_some_and(|u| u.class == UnitClass::Duration) && part.per_larger > 1,
                "bad duration_parts row {part:?}"
            );
        }
    }

    #[test]
    fn movable_festivals_are_read_for_every_year_in_their_season() {
        // Each festival's month day lies in a window of about a lunar
        // month: a shifted column or a misread date falls outside it.
        let seasons = [
            ("端午", (5, 27), (6, 25)),
            ("七夕", (7, 31), (8, 29)),
            ("中秋", (9, 7), (10, 6)),
            ("重阳", (9, 30), (11, 1)),
            ("清明", (4, 4), (4, 6)),
        ];
        for year in 1990..=2040 {
            for (name, first, last) in seasons {
                let date = MOVABLE_FESTIVALS[&(name, year)];
                assert_eq!(date.year, year, "{name} {year}");
                let day = (date.month, date.day);
                assert!(first <= day && day <= last, "{name} {year}: {date}");
            }
        }
        assert_eq!(MOVABLE_FESTIVALS.len(), 5 * 51);
        assert_eq!(MOVABLE_FESTIVALS[&("中秋", 2020)].to_string(), "2020-10-01");
        assert_eq!(MOVABLE_FESTIVALS[&("端午", 2023)].to_string(), "2023-06-22");
        assert_eq!(MOVABLE_FESTIVALS[&("清明", 2023)].to_string(), "2023-04-05");
    }

    #[test]
    fn a_word_occurs_anywhere_in_a_text() {
        assert!(MONEY_CONTEXT.occurs_in("今年总投资达"));
        assert!(!MONEY_CONTEXT.occurs_in("今年的天气"));
        assert!(!MONEY_CONTEXT.occurs_in(""));
    }

    #[test]
    fn longest_match_prefers_longer_words() {
        assert_eq!(
            CURRENCIES.longest_prefix("港元的").map(|(_, c)| c.code),
            Some("HKD")
        );
        assert_eq!(
            CURRENCIES.longest_prefix("元的").map(|(_, c)| c.code),
            Some("CNY")
        );
        assert_eq!(UNITS.longest_prefix("平方公里内").map(|(n, _)| n), Some(12));
        assert_eq!(
            QUALIFIERS.0.longest_suffix("同比超过").map(|(n, _)| n),
            Some(6)
        );
    }
}
