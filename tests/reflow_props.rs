//! Property tests for reflow: random text (CJK, Latin, digits,
//! punctuation), randomly wrapped, with random blank lines, indentation and
//! page furniture. Reflow never panics, never loses or duplicates a
//! character (and keeps their order unless it moved furniture), and its
//! offset map points every output character at an equal input character.

use proptest::prelude::*;
use std::collections::HashMap;
use zhfacts::document::ParagraphKind;
use zhfacts::normalize::normalize;
use zhfacts::offsets::OffsetMap;
use zhfacts::reflow::{reflow, reflow_through, Reflowed};

const CJK: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往";
const LATIN: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DIGITS: &str = "0123456789";
const PUNCTUATION: &str = "，。、；：？！“”‘’（）《》【】%‰…—·.,;:!?()-+/";
const FURNITURE: &[&str] = &["第10版", "5/12", "- 7 -", "12", "A3", "2021年3月5日 星期五"];

fn pick(set: &'static str) -> impl Strategy<Value = char> {
    let chars: Vec<char> = set.chars().collect();
    (0..chars.len()).prop_map(move |i| chars[i])
}

/// One piece of running text: a CJK character, a Latin word, a number, a
/// punctuation mark or a space.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => pick(CJK).prop_map(String::from),
        1 => proptest::collection::vec(pick(LATIN), 1..8).prop_map(|v| v.into_iter().collect()),
        1 => proptest::collection::vec(pick(DIGITS), 1..6).prop_map(|v| v.into_iter().collect()),
        2 => pick(PUNCTUATION).prop_map(String::from),
        1 => Just(" ".to_string()),
        1 => Just("\u{3000}".to_string()),
    ]
}

fn paragraph() -> impl Strategy<Value = String> {
    proptest::collection::vec(token(), 1..80).prop_map(|v| v.concat())
}

/// What goes between two physical lines.
#[derive(Debug, Clone)]
struct Gap {
    blank_lines: usize,
    indent: &'static str,
}

fn gap() -> impl Strategy<Value = Gap> {
    (
        prop_oneof![4 => Just(0usize), 2 => Just(1), 1 => Just(2), 1 => Just(4)],
        prop_oneof![
            6 => Just(""),
            1 => Just(" "),
            1 => Just("  "),
            1 => Just("\t"),
            1 => Just("\u{3000}\u{3000}"),
            1 => Just(" \u{a0}"),
        ],
    )
        .prop_map(|(blank_lines, indent)| Gap {
            blank_lines,
            indent,
        })
}

/// A document: paragraphs cut at random widths or random places, with
/// random gaps and, now and then, a furniture line or a repeated head.
fn document() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(paragraph(), 1..8),
        proptest::collection::vec((1usize..30, gap(), 0usize..20), 1..200),
        any::<bool>(),
    )
        .prop_map(|(paragraphs, cuts, windows_newlines)| {
            let mut out = String::new();
            let mut cut = cuts.iter().cycle();
            for p in &paragraphs {
                let chars: Vec<char> = p.chars().collect();
                let mut at = 0;
                while at < chars.len() {
                    let (len, gap, extra) = cut.next().expect("cycle");
                    let end = (at + len).min(chars.len());
                    if !out.is_empty() {
                        out.push_str(if windows_newlines { "\r\n" } else { "\n" });
                        out.push_str(&"\n".repeat(gap.blank_lines));
                        match extra {
                            0 => out.push_str(&format!("{}\n", FURNITURE[len % FURNITURE.len()])),
                            1 => out.push_str("区域经济·专题\n"),
                            _ => {}
                        }
                        out.push_str(gap.indent);
                    }
                    out.extend(&chars[at..end]);
                    at = end;
                }
            }
            out
        })
}

fn non_whitespace(s: &str) -> Vec<char> {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn multiset(chars: &[char]) -> HashMap<char, usize> {
    let mut m = HashMap::new();
    for &c in chars {
        *m.entry(c).or_default() += 1;
    }
    m
}

fn moved_furniture(r: &Reflowed) -> bool {
    r.paragraphs
        .iter()
        .any(|p| p.kind == ParagraphKind::Furniture)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn keeps_every_character_once(input in document()) {
        let r = reflow(&input);
        let before = non_whitespace(&input);
        let after = non_whitespace(&r.text);
        prop_assert_eq!(multiset(&after), multiset(&before));
        if !moved_furniture(&r) {
            prop_assert_eq!(after, before);
        }
    }

    #[test]
    fn maps_each_character_to_an_equal_one(input in document()) {
        let r = reflow(&input);
        let source: Vec<char> = input.chars().collect();
        prop_assert_eq!(r.map.len(), r.text.chars().count());
        prop_assert_eq!(r.map.source_len(), source.len());
        prop_assert!(r.map.is_valid());
        let mut seen = vec![false; source.len()];
        for (i, c) in r.text.chars().enumerate() {
            let (start, end) = r.map.span(i);
            if c.is_whitespace() {
                // A separator stands for whitespace of the input (or for
                // the end of the input, where there is none).
                prop_assert!(start == source.len() || source[start].is_whitespace());
            } else {
                prop_assert_eq!(end, start + 1);
                prop_assert_eq!(source[start], c);
                prop_assert!(!seen[start], "input character {} used twice", start);
                seen[start] = true;
            }
        }
    }

    #[test]
    fn paragraphs_are_the_output_lines(input in document()) {
        let r = reflow(&input);
        let lines: Vec<&str> = if r.text.is_empty() { vec![] } else { r.text.split('\n').collect() };
        prop_assert_eq!(lines.len(), r.paragraphs.len());
        for (line, p) in lines.iter().zip(&r.paragraphs) {
            prop_assert_eq!(*line, &r.text[p.range.clone()]);
            prop_assert!(!line.is_empty());
            prop_assert_eq!(line.trim(), *line);
        }
    }

    #[test]
    fn spaces_join_only_latin_letters_and_digits(input in document()) {
        let r = reflow(&input);
        let source: Vec<char> = input.chars().collect();
        let text: Vec<char> = r.text.chars().collect();
        for (i, &c) in text.iter().enumerate() {
            let (start, _) = r.map.span(i);
            // A space reflow put in place of a line break.
            if c == ' ' && start < source.len() && matches!(source[start], '\n' | '\r') {
                prop_assert!(i > 0 && i + 1 < text.len());
                prop_assert!(text[i - 1].is_ascii_alphanumeric(), "space after {:?}", text[i - 1]);
                prop_assert!(text[i + 1].is_ascii_alphanumeric(), "space before {:?}", text[i + 1]);
            }
        }
    }

    #[test]
    fn reflow_through_a_map_equals_composing_with_it(input in document(), invisible in 0usize..40) {
        // Normalization's map, with a gap where a zero-width space went.
        let mut chars: Vec<char> = input.chars().collect();
        chars.insert(invisible.min(chars.len()), '\u{200B}');
        let source: String = chars.into_iter().collect();
        let n = normalize(&source);
        let through = reflow_through(&n.text, &n.map);
        let plain = reflow(&n.text);
        prop_assert_eq!(&through.text, &plain.text);
        prop_assert_eq!(&through.paragraphs, &plain.paragraphs);
        prop_assert_eq!(through.map, n.map.compose(&plain.map));
    }

    #[test]
    fn reflow_through_any_map_equals_composing_with_it(
        input in document(),
        steps in proptest::collection::vec((0u32..3, 0u32..3), 1..50),
    ) {
        // A map of the input with gaps, wider spans and empty ones.
        let mut spans = Vec::new();
        let mut at = 0;
        for (gap, width) in steps.iter().cycle().take(input.chars().count()) {
            at += gap;
            spans.push((at, at + width));
            at += width;
        }
        let map = OffsetMap::from_spans(spans, at as usize + 1);
        let through = reflow_through(&input, &map);
        let plain = reflow(&input);
        prop_assert_eq!(&through.text, &plain.text);
        prop_assert_eq!(through.map, map.compose(&plain.map));
    }

    #[test]
    fn never_panics_on_any_text(input in "(?s).{0,400}") {
        let r = reflow(&input);
        prop_assert_eq!(multiset(&non_whitespace(&r.text)), multiset(&non_whitespace(&input)));
    }
}

#[test]
fn latin_joins_keep_words_whole() {
    // A break between two Latin words becomes one space; nothing is put
    // inside a word or between Latin and Chinese.
    let r = reflow("据报道，临江日报 LINJIANG\nDAILY 今天发布，启动实施5G\n石化运输项目。");
    assert_eq!(
        r.text,
        "据报道，临江日报 LINJIANG DAILY 今天发布，启动实施5G石化运输项目。"
    );
    let r = reflow("鹤乡时讯 SHIXUN\n\n零就业家庭保持动态为零\n\n本报讯 记者刘立彬报道 盘锦市把着力提高困难群体就业质量作为基础工程。");
    assert_eq!(r.text.lines().next(), Some("鹤乡时讯 SHIXUN"));
}
