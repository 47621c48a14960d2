//! Properties of normalization over random mixtures of Traditional,
//! Simplified, full-width, ASCII, emoji, astral characters, whitespace,
//! line ends and invisible characters:
//! - every output character maps back: its original range is valid, and the
//!   original slice normalizes to it (alone, or with the few neighbours a
//!   phrase or the digit-comma rule needs);
//! - normalization is idempotent, except on OpenCC's own unstable outputs,
//!   listed here and checked against the dictionaries;
//! - already-Simplified text changes only by OpenCC's known rewrites;
//! - no input panics.
use hanconv::Dictionary;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::sync::LazyLock;
use zhfacts::normalize::{normalize, Normalized};

/// Pieces the random texts are made of, by kind. Phrases are pieces too,
/// so that phrase matches (and near misses) are frequent.
const TRADITIONAL: &[&str] = &[
    "臺", "灣", "經", "濟", "樓", "價", "萬", "億", "與", "著", "於", "乾", "後", "髮", "鬆", "錶",
    "頭", "隆", "坤", "燥", "菟", "瞭", "然", "心", "藉", "口", "覆", "蓋", "沈", "默", "徵", "麼",
    "麽", "么", "幺", "薴", "苧", "畢", "昇", "蕓", "薹",
];
const PHRASES: &[&str] = &[
    "乾隆",
    "乾清宮",
    "於菟",
    "瞭然於心",
    "頭髮",
    "反覆",
    "藉口",
    "沈默",
    "千鍾",
    "乾縣",
    "尼乾子",
    "樊於期",
    "么麼",
    "變徵之聲",
];
const SIMPLIFIED: &[&str] = &[
    "经", "济", "楼", "价", "万", "亿", "与", "着", "于", "干", "后", "发", "松", "表", "头", "的",
    "了", "是", "年", "元", "增长", "同比", "乾隆", "于是",
];
const DIGITS: &[&str] = &["０", "１", "２", "９", "0", "1", "5"];
const PUNCTUATION: &[&str] = &[
    "，", "：", "．", "％", "＋", "－", "／", "（", "）", "。", "、", "“", "”", "《", "》", "！",
    "？", "；", ",", ".", ":", "%", "-",
];
const LETTERS_AND_SPACE: &[&str] = &["Ａ", "ｚ", "a", "Z", " ", "\t", "\u{3000}"];
const LINE_ENDS_AND_INVISIBLE: &[&str] = &[
    "\n", "\r\n", "\r", "\u{FEFF}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{00AD}",
];
/// Emoji, astral ideographs (𠁞 and 㑮 are keys), compatibility
/// ideographs (U+F9DC 隆, U+FAB7 覆), kana, 〇.
const OTHER: &[&str] = &[
    "😀",
    "👨\u{200D}👩",
    "🀄",
    "𬀩",
    "𠁞",
    "𩸽",
    "𫝈",
    "㑮",
    "\u{F900}",
    "\u{F9DC}",
    "\u{FAB7}",
    "\u{2F800}",
    "カ",
    "〇",
];

fn mixture() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(TRADITIONAL),
        2 => prop::sample::select(PHRASES),
        2 => prop::sample::select(SIMPLIFIED),
        3 => prop::sample::select(DIGITS),
        2 => prop::sample::select(PUNCTUATION),
        1 => prop::sample::select(LETTERS_AND_SPACE),
        2 => prop::sample::select(LINE_ENDS_AND_INVISIBLE),
        1 => prop::sample::select(OTHER),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// Characters that may be removed: they have no span.
fn is_removable(c: char) -> bool {
    matches!(
        c,
        '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{00AD}' | '\r'
    )
}

/// The widest context a character needs to normalize as it did: the
/// longest `t2s` phrase has 14 characters.
const MAX_WINDOW: usize = 16;

/// Checks that every output character maps back into `original`.
fn check_maps_back(original: &str, n: &Normalized) -> Result<(), TestCaseError> {
    let chars: Vec<char> = original.chars().collect();
    let output: Vec<char> = n.text.chars().collect();
    prop_assert_eq!(n.map.len(), output.len());
    prop_assert_eq!(n.map.source_len(), chars.len());
    // One character to one, in order, without overlap; what no span covers
    // was removed on purpose.
    let mut covered = vec![false; chars.len()];
    let mut previous_end = 0;
    for i in 0..output.len() {
        let (start, end) = n.map.span(i);
        prop_assert_eq!(end, start + 1, "output {} maps to {}..{}", i, start, end);
        prop_assert!(start >= previous_end, "output {} goes backwards", i);
        previous_end = end;
        covered[start] = true;
    }
    for (i, &c) in chars.iter().enumerate() {
        prop_assert!(covered[i] || is_removable(c), "{:?} at {} was lost", c, i);
    }
    // The original slice normalizes to the output: alone if it can, else
    // with the smallest window of neighbours that does.
    let slice = |lo: usize, hi: usize| -> String {
        let (start, _) = n.map.span(lo);
        let (_, end) = n.map.span(hi);
        chars[start..end].iter().collect()
    };
    for i in 0..output.len() {
        let found = (0..MAX_WINDOW).any(|width| {
            (i.saturating_sub(width)..=i).any(|lo| {
                let hi = lo + width;
                hi < output.len()
                    && normalize(&slice(lo, hi)).text == output[lo..=hi].iter().collect::<String>()
            })
        });
        prop_assert!(found, "output {} {:?} does not map back", i, output[i]);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn every_span_maps_back(original in mixture()) {
        check_maps_back(&original, &normalize(&original))?;
    }

    #[test]
    fn normalize_is_idempotent_but_for_opencc_unstable_outputs(original in mixture()) {
        let once = normalize(&original).text;
        let twice = normalize(&once).text;
        prop_assert!(
            once == twice || explains_instability(&once, &twice),
            "{:?} → {:?} → {:?}", original, once, twice
        );
    }

    #[test]
    fn simplified_text_changes_only_by_known_rewrites(original in simplified()) {
        let n = normalize(&original);
        check_only_known_rewrites(&original, &n)?;
    }

    #[test]
    fn never_panics_on_any_string(original in any::<String>()) {
        let n = normalize(&original);
        prop_assert!(n.map.is_valid());
        prop_assert_eq!(n.map.len(), n.text.chars().count());
    }

    #[test]
    fn any_string_maps_back(original in "\\PC{0,40}") {
        check_maps_back(&original, &normalize(&original))?;
    }
}

// --- Idempotence -----------------------------------------------------------

/// `t2s` outputs that `t2s` changes again (OpenCC 1.1.6's dictionaries, as
/// hanconv ships them): 31 phrases keep a character that converts alone,
/// and 薴 → 苧 → 苎. Feeding our output back in changes these, as OpenCC's
/// own would; everything else is a fixed point.
const UNSTABLE_OUTPUTS: &[&str] = &[
    "幺麽",
    "乾图",
    "乾断",
    "乾清宫",
    "乾红",
    "乾纲",
    "乾县",
    "大目乾连冥间救母变文",
    "张法乾",
    "徵声",
    "徵调",
    "於伦",
    "於则",
    "於单",
    "於戏",
    "於梨华",
    "於潜",
    "旋乾转坤",
    "毕昇",
    "笃麽",
    "芸薹",
    "萧乾",
    "变徵",
    "变徵之声",
    "变徵之音",
    "颠乾倒坤",
    "麽些族",
    "幺麽小丑",
    "苧",
];

/// The characters that change when an unstable output is converted again.
const UNSTABLE_CHARACTERS: &str = "乾徵於麽昇薹苧";

/// Keys of `TSPhrases` whose value differs from them: an output can spell
/// one by accident (a character converted next to one left alone), and the
/// second pass then converts it.
static CHANGING_PHRASES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    Dictionary::TSPhrases
        .iter()
        .filter(|(key, value)| key != value)
        .map(|(key, _)| key)
        .collect()
});

/// Whether every character that a second pass changes in `once` is one
/// OpenCC's dictionaries change: an unstable character, or one inside a
/// changing phrase that `once` happens to spell.
fn explains_instability(once: &str, twice: &str) -> bool {
    let once: Vec<char> = once.chars().collect();
    let twice: Vec<char> = twice.chars().collect();
    if once.len() != twice.len() {
        return false;
    }
    let mut in_phrase = vec![false; once.len()];
    for key in CHANGING_PHRASES.iter() {
        let key: Vec<char> = key.chars().collect();
        for start in 0..once.len().saturating_sub(key.len() - 1) {
            if once[start..start + key.len()] == key[..] {
                in_phrase[start..start + key.len()].fill(true);
            }
        }
    }
    (0..once.len())
        .all(|i| once[i] == twice[i] || UNSTABLE_CHARACTERS.contains(once[i]) || in_phrase[i])
}

#[test]
fn unstable_outputs_are_exactly_the_documented_ones() {
    let mut unstable = BTreeSet::new();
    for (key, _) in Dictionary::TSPhrases
        .iter()
        .chain(Dictionary::TSCharacters.iter())
    {
        let once = normalize(key).text;
        let twice = normalize(&once).text;
        if once != twice {
            for (a, b) in once.chars().zip(twice.chars()) {
                if a != b {
                    assert!(UNSTABLE_CHARACTERS.contains(a), "{key} → {once} → {twice}");
                }
            }
            unstable.insert(once);
        }
    }
    let documented: BTreeSet<String> = UNSTABLE_OUTPUTS.iter().map(|s| s.to_string()).collect();
    assert_eq!(unstable, documented);
}

#[test]
fn stable_on_the_corpus() {
    for (path, text) in corpus() {
        let once = normalize(&text).text;
        assert_eq!(normalize(&once).text, once, "{path}");
    }
}

// --- Simplified text -------------------------------------------------------

/// Characters of GB 2312 (the Simplified character set) that `t2s` rewrites
/// wherever they stand, unless a phrase keeps them (乾隆, 於菟, 哪吒, 蒜薹).
const SIMPLIFIED_REWRITES: &[(char, char)] = &[
    ('乾', '干'),
    ('菸', '烟'),
    ('薹', '苔'),
    ('捱', '挨'),
    ('摺', '折'),
    ('吒', '咤'),
    ('後', '后'),
    ('徵', '征'),
    ('夥', '伙'),
    ('甯', '宁'),
    ('榘', '矩'),
    ('於', '于'),
    ('麴', '曲'),
    ('醣', '糖'),
    ('麽', '么'),
];

/// Phrases of GB 2312 characters that `t2s` rewrites though their
/// characters stand alone unchanged (覆, 藉, 沈, 么) or as above.
const SIMPLIFIED_PHRASE_REWRITES: &[&str] = &[
    "么麽 乾乾脆脆 以免藉口 凌藉 函覆 反反覆覆 反覆 反覆思量 反覆性 回覆",
    "射覆 找藉口 拜覆 明覆 沈船 沈默 滑藉 狐藉虎威 申覆 示覆",
    "答覆 素藉 茵藉 藉代 藉以 藉助 藉助於 藉卉 藉口 藉喻",
    "藉寇兵 藉手 藉故 藉方 藉槁 藉此 藉甚 藉由 藉着 藉端",
    "藉端生事 覆上 覆住 覆信 覆冒 覆呈 覆命 覆墓 覆宗 覆成",
    "覆按 覆文 覆杯 覆校 覆瓿 覆盂 覆育 覆逆 覆醢 覆露",
    "覆鼎 重覆 露覆",
];

/// The rewrites those phrases make beyond `SIMPLIFIED_REWRITES`.
const SIMPLIFIED_PHRASE_CHARACTER_REWRITES: &[(char, char)] =
    &[('覆', '复'), ('藉', '借'), ('沈', '沉'), ('么', '幺')];

/// Every character of GB 2312 (rows 16–87, the hanzi), in code order.
static GB2312: LazyLock<Vec<char>> = LazyLock::new(|| {
    let mut chars = Vec::new();
    for lead in 0xB0u8..=0xF7 {
        for trail in 0xA1u8..=0xFE {
            if lead == 0xD7 && trail >= 0xFA {
                continue; // unassigned in GB 2312
            }
            let bytes = [lead, trail];
            let (text, _, _) = encoding_rs::GBK.decode(&bytes);
            chars.extend(text.chars());
        }
    }
    chars
});

fn simplified() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => (0..6763usize).prop_map(|i| GB2312[i].to_string()),
        1 => prop::sample::select(&["，", "。", "1", "2", "０", "：", " ", "\n", "\r\n", "ａ", "\u{200B}"][..])
            .prop_map(str::to_string),
        1 => prop::sample::select(SIMPLIFIED_PHRASE_REWRITES)
            .prop_flat_map(|row| prop::sample::select(row.split(' ').collect::<Vec<_>>()))
            .prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

fn is_known_rewrite(from: char, to: char) -> bool {
    SIMPLIFIED_REWRITES
        .iter()
        .chain(SIMPLIFIED_PHRASE_CHARACTER_REWRITES)
        .any(|&pair| pair == (from, to))
}

/// Each output character equals its source, or differs by width folding, a
/// line end, or one of OpenCC's known rewrites of Simplified text.
fn check_only_known_rewrites(original: &str, n: &Normalized) -> Result<(), TestCaseError> {
    let chars: Vec<char> = original.chars().collect();
    for (i, to) in n.text.chars().enumerate() {
        let (start, _) = n.map.span(i);
        let from = chars[start];
        let folded = zhfacts::normalize::fold_width(from) == Some(to)
            || matches!((from, to), ('，', ',') | ('：', ':') | ('\r', '\n'));
        prop_assert!(
            from == to || folded || is_known_rewrite(from, to),
            "{:?} became {:?} in {:?}",
            from,
            to,
            original
        );
    }
    Ok(())
}

#[test]
fn gb2312_characters_alone_change_only_by_the_documented_rewrites() {
    assert_eq!(GB2312.len(), 6763);
    let mut found = Vec::new();
    for &c in GB2312.iter() {
        let out = normalize(&c.to_string()).text;
        if out != c.to_string() {
            found.push((c, out.chars().next().expect("one character")));
        }
    }
    let mut documented = SIMPLIFIED_REWRITES.to_vec();
    documented.sort();
    found.sort();
    assert_eq!(found, documented);
}

#[test]
fn gb2312_phrase_rewrites_are_the_documented_ones() {
    let gb: BTreeSet<char> = GB2312.iter().copied().collect();
    let found: BTreeSet<&str> = Dictionary::TSPhrases
        .iter()
        .filter(|(key, value)| key != value && key.chars().all(|c| gb.contains(&c)))
        .map(|(key, _)| key)
        .collect();
    let documented: BTreeSet<&str> = SIMPLIFIED_PHRASE_REWRITES
        .iter()
        .flat_map(|row| row.split(' '))
        .collect();
    assert_eq!(found, documented);
    for phrase in documented {
        let n = normalize(phrase);
        for (from, to) in phrase.chars().zip(n.text.chars()) {
            assert!(
                from == to || is_known_rewrite(from, to),
                "{phrase} → {}",
                n.text
            );
        }
    }
}

#[test]
fn simplified_corpus_lines_change_only_by_known_rewrites() {
    let gb: BTreeSet<char> = GB2312.iter().copied().collect();
    let mut lines = 0;
    for (path, text) in corpus() {
        for line in text.lines() {
            // A line of Simplified characters only (punctuation, digits and
            // Latin letters aside).
            let simplified = line
                .chars()
                .all(|c| gb.contains(&c) || !('\u{3400}'..='\u{9FFF}').contains(&c));
            if simplified {
                let n = normalize(line);
                check_only_known_rewrites(line, &n).unwrap_or_else(|e| panic!("{path}: {e}"));
                lines += 1;
            }
        }
    }
    assert!(lines > 100, "only {lines} Simplified lines");
}

fn corpus() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("corpus/ is readable")
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("UTF-8");
            (path.display().to_string(), text)
        })
        .collect();
    files.sort();
    files
}

// --- Named cases the properties found or stand for ---------------------------

#[test]
fn stress_text_maps_back() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/traditional_stress.txt");
    let text = std::fs::read_to_string(path).expect("the stress text");
    let n = normalize(&text);
    check_maps_back(&text, &n).expect("maps back");
    assert!(n.text.contains("乾隆皇帝在乾清宫召见大臣"));
    assert!(n.text.contains("头发、理发、发型"));
}

#[test]
fn comma_between_digits_needs_both_neighbours_to_map_back() {
    let n = normalize("１，２");
    assert_eq!(n.text, "1,2");
    check_maps_back("１，２", &n).expect("maps back");
}
