//! Stage 4: numeric facts from the reflowed text.
//!
//! Per paragraph: dates first ([`date::scan`]), then amounts
//! ([`amount::scan`]) outside the dates, then context (sentence, metric).
//! Facts are returned in text order with offsets into the original text.
//!
//! ```
//! use zhfacts::{Document, Pipeline};
//! let pipeline = Pipeline::default();
//! let doc = pipeline.prepare("d1", "总投资600亿元的项目。".into(), None);
//! let facts = zhfacts::extract::extract(&doc);
//! assert_eq!(facts[0].text, "600亿元");
//! let original: String = doc.original.chars().skip(facts[0].start).collect();
//! assert_eq!(original, "600亿元的项目。");
//! ```

pub mod amount;
pub mod context;
pub mod date;
pub mod lexicon;
pub mod numerals;

use crate::document::{Document, Fact, Kind, ParagraphKind, Qualifier};
use crate::offsets::byte_to_char_offsets;
use std::ops::Range;
use std::sync::LazyLock;

/// A fact found in one paragraph, before offsets are mapped.
struct Found {
    span: Range<usize>,
    /// Its sentence, in the paragraph's bytes like `span`.
    sentence: Range<usize>,
    paragraph: Range<usize>,
    fact: Fact,
}

/// Extracts every fact of `doc`, in text order.
pub fn extract(doc: &Document) -> Vec<Fact> {
    let mut ctx = date::DateContext::new(doc.ref_date);
    let yuan = local_yuan(&doc.text);
    let mut found: Vec<Found> = Vec::new();
    for paragraph in &doc.paragraphs {
        if paragraph.kind == ParagraphKind::Furniture {
            continue;
        }
        let line = &doc.text[paragraph.range.clone()];
        let sentences = context::Sentences::new(line);
        let dates = date::scan(line, &mut ctx);
        let taken: Vec<Range<usize>> = dates.iter().map(|d| d.span.clone()).collect();
        for d in dates {
            found.push(Found {
                sentence: sentences.range(d.span.clone()),
                span: d.span.clone(),
                paragraph: paragraph.range.clone(),
                fact: blank_fact(doc, Kind::Date, d.rule, d.qualifier, d.date),
            });
        }
        for a in amount::scan(line, &taken) {
            let sentence = sentences.range(a.span.clone());
            let mut fact = blank_fact(doc, a.kind, a.rule, a.qualifier, String::new());
            fact.value = Some(a.value);
            fact.value_max = a.value_max;
            fact.unit =
                if a.kind == Kind::Money && a.unit == "CNY" && bare_yuan(&line[a.span.clone()]) {
                    sentence_yuan(&line[sentence.clone()], yuan).to_string()
                } else {
                    a.unit
                };
            fact.per = a.per;
            fact.change = a.change;
            fact.metric = context::metric(line, a.span.start);
            found.push(Found {
                span: a.span,
                sentence,
                paragraph: paragraph.range.clone(),
                fact,
            });
        }
    }
    found.sort_by_key(|f| (f.paragraph.start, f.span.start, f.span.end));
    finish(doc, found)
}

/// `元` written without 人民币: the local currency of the article.
fn bare_yuan(text: &str) -> bool {
    (text.ends_with('元') || text.ends_with("万元") || text.ends_with("亿元"))
        && !text.contains("人民币")
        && !text.ends_with("美元")
}

/// Words that place a sentence or an article in Hong Kong or Taiwan, whose
/// dollars are written 元 there.
/// Places, not currency names: a mainland article may invest 8亿港元.
const HONG_KONG: &[&str] = &[
    "香港",
    "港府",
    "特区政府",
    "九龙",
    "新界",
    "港人",
    "港岛",
    "港铁",
    "立法会",
    "本港",
    "全港",
];
const TAIWAN: &[&str] = &[
    "台湾", "台北", "高雄", "台中", "新北", "台南", "桃园", "新竹",
];
const MAINLAND: &[&str] = &[
    "人民币",
    "内地",
    "全国",
    "国务院",
    "市委",
    "省委",
    "自治区",
    "人民政府",
    "全省",
    "全市",
];

/// One regex per word list: a single literal-search pass over a text
/// instead of one `str::matches` pass per word.
pub(crate) fn word_regex(words: &[&str]) -> regex::Regex {
    let alternation: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    regex::Regex::new(&alternation.join("|")).expect("a word list forms a regex")
}

/// Loads the word lists and builds the tables of every reader now rather
/// than on first use (on a thread of its own at start-up).
pub fn warm_up() {
    lexicon::warm_up();
    date::warm_up();
    amount::warm_up();
    context::warm_up();
    for words in [&HONG_KONG_RE, &TAIWAN_RE, &MAINLAND_RE] {
        LazyLock::force(words);
    }
}

static HONG_KONG_RE: LazyLock<regex::Regex> = LazyLock::new(|| word_regex(HONG_KONG));
static TAIWAN_RE: LazyLock<regex::Regex> = LazyLock::new(|| word_regex(TAIWAN));
static MAINLAND_RE: LazyLock<regex::Regex> = LazyLock::new(|| word_regex(MAINLAND));

fn count_words(text: &str, words: &regex::Regex) -> usize {
    words.find_iter(text).count()
}

/// The currency of a bare 元 in the whole article: HKD or TWD in articles
/// about Hong Kong or Taiwan, else CNY.
fn local_yuan(text: &str) -> &'static str {
    let hong_kong = count_words(text, &HONG_KONG_RE);
    let taiwan = count_words(text, &TAIWAN_RE);
    let mainland = count_words(text, &MAINLAND_RE);
    if hong_kong >= 3 && hong_kong > taiwan * 2 && hong_kong > mainland {
        "HKD"
    } else if taiwan >= 3 && taiwan > hong_kong * 2 && taiwan > mainland {
        "TWD"
    } else {
        "CNY"
    }
}

/// The currency of a bare 元 in one sentence: its own place if it names
/// one, else the article's.
fn sentence_yuan(sentence: &str, article: &'static str) -> &'static str {
    let hong_kong = count_words(sentence, &HONG_KONG_RE);
    let taiwan = count_words(sentence, &TAIWAN_RE);
    if hong_kong > taiwan {
        "HKD"
    } else if taiwan > hong_kong {
        "TWD"
    } else if count_words(sentence, &MAINLAND_RE) > 0 {
        "CNY"
    } else {
        article
    }
}

fn blank_fact(doc: &Document, kind: Kind, rule: &str, qualifier: Qualifier, date: String) -> Fact {
    Fact {
        doc: doc.id.clone(),
        index: 0,
        kind,
        text: String::new(),
        value: None,
        value_max: None,
        unit: String::new(),
        date,
        qualifier,
        per: String::new(),
        change: Default::default(),
        metric: String::new(),
        sentence: String::new(),
        start: 0,
        end: 0,
        rule: rule.to_string(),
    }
}

/// Fills text, sentence, index and original offsets.
fn finish(doc: &Document, found: Vec<Found>) -> Vec<Fact> {
    let mut positions: Vec<usize> = found
        .iter()
        .flat_map(|f| {
            [
                f.paragraph.start + f.span.start,
                f.paragraph.start + f.span.end,
            ]
        })
        .collect();
    positions.sort_unstable();
    positions.dedup();
    let chars = byte_to_char_offsets(&doc.text, &positions);
    let char_of = |byte: usize| {
        chars[positions
            .binary_search(&byte)
            .expect("every position was collected")]
    };
    found
        .into_iter()
        .enumerate()
        .map(|(index, f)| {
            let line = &doc.text[f.paragraph.clone()];
            let (start, end) = doc.map.original_range(
                char_of(f.paragraph.start + f.span.start),
                char_of(f.paragraph.start + f.span.end),
            );
            Fact {
                index,
                text: line[f.span.clone()].to_string(),
                sentence: line[f.sentence].to_string(),
                start,
                end,
                ..f.fact
            }
        })
        .collect()
}
