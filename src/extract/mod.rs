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

use crate::document::{Change, Document, Fact, Kind, ParagraphKind, Qualifier};
use crate::offsets::byte_to_char_offsets;
use rust_decimal::Decimal;
use std::ops::Range;
use std::sync::{Arc, LazyLock};

/// A fact found in one paragraph, before offsets are mapped.
struct Found {
    span: Range<usize>,
    /// Its sentence, in the paragraph's bytes like `span`.
    sentence: Range<usize>,
    paragraph: Range<usize>,
    fact: Draft,
}

/// What the scanners and the context say of a fact. The rest of a [`Fact`]
/// (document, index, text, sentence, offsets) is added by [`finish`] once
/// the facts are in order: so it is made once, and the sentence can be
/// shared with the facts beside it.
struct Draft {
    kind: Kind,
    value: Option<Decimal>,
    value_max: Option<Decimal>,
    unit: &'static str,
    date: String,
    qualifier: Qualifier,
    per: String,
    change: Change,
    metric: String,
    rule: &'static str,
}

impl Draft {
    fn date(date: date::DateFact) -> Draft {
        Draft {
            kind: Kind::Date,
            value: None,
            value_max: None,
            unit: "",
            date: date.date,
            qualifier: date.qualifier,
            per: String::new(),
            change: Change::None,
            metric: String::new(),
            rule: date.rule,
        }
    }

    /// An amount, with the metric its context gives it.
    fn amount(amount: amount::Amount, metric: String) -> Draft {
        Draft {
            kind: amount.kind,
            value: Some(amount.value),
            value_max: amount.value_max,
            unit: amount.unit,
            date: String::new(),
            qualifier: amount.qualifier,
            per: amount.per,
            change: amount.change,
            metric,
            rule: amount.rule,
        }
    }
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
                fact: Draft::date(d),
            });
        }
        // Where the last amount of the paragraph is in `found`.
        let mut previous: Option<usize> = None;
        for a in amount::scan(line, &taken) {
            let sentence = sentences.range(a.span.clone());
            let span = a.span.clone();
            let local_yuan =
                a.kind == Kind::Money && a.unit == "CNY" && bare_yuan(&line[span.clone()]);
            let pair = a.change == Change::To;
            let before = previous.map(|k| (found[k].span.end, found[k].fact.metric.as_str()));
            let metric = metric_after_facts(line, &taken, before, span.start, pair);
            let mut fact = Draft::amount(a, metric);
            if local_yuan {
                fact.unit = sentence_yuan(&line[sentence.clone()], yuan);
            }
            previous = Some(found.len());
            found.push(Found {
                span,
                sentence,
                paragraph: paragraph.range.clone(),
                fact,
            });
        }
    }
    finish(doc, in_text_order(found))
}

/// The metric of the amount at `at`, read after the facts before it in its
/// clause: a date there is no part of it (9月份社会消费品零售总额 → 社会消费品
/// 零售总额), nor the words of the amount before (下降5个基点至3.8% does not
/// measure 3.8% in 基点). The second of a pair (由600元提高到1000元, `pair`)
/// or of a list (12座、4,800套) with no metric of its own measures what the
/// first measures. `previous` is the last amount's end and metric.
fn metric_after_facts(
    line: &str,
    dates: &[Range<usize>],
    previous: Option<(usize, &str)>,
    at: usize,
    pair: bool,
) -> String {
    let date_end = last_date_end(dates, at);
    match previous {
        // An amount may reach past the start of the next (a range's first
        // half, 600元人民币600元): only one that ends before it is a floor.
        Some((end, metric))
            if end > date_end && end <= at && amount::clause_start(line, at) <= end =>
        {
            let own = context::metric_after(line, end, at);
            // The clause holds both: a ， cannot stand between them.
            let between = &line[end..at];
            let listed =
                amount::is_list_separator(between) || amount::RANGE_CONNECTORS.contains(&between);
            if own.is_empty() && (pair || listed) {
                metric.to_string()
            } else {
                own
            }
        }
        _ => context::metric_after(line, date_end, at),
    }
}

/// Where the last of `dates` (in text order) that ends at or before `at`
/// ends, or 0.
fn last_date_end(dates: &[Range<usize>], at: usize) -> usize {
    let before = dates.partition_point(|d| d.end <= at);
    before.checked_sub(1).map_or(0, |k| dates[k].end)
}

/// `found` sorted by place in the text, ties kept in the order found. A
/// fact is large: their places are sorted, and each is moved once.
fn in_text_order(found: Vec<Found>) -> Vec<Found> {
    let mut order: Vec<(usize, usize, usize, usize)> = found
        .iter()
        .enumerate()
        .map(|(i, f)| (f.paragraph.start, f.span.start, f.span.end, i))
        .collect();
    // The index last makes every key distinct: unstable is stable here.
    order.sort_unstable();
    let mut slots: Vec<Option<Found>> = found.into_iter().map(Some).collect();
    order
        .into_iter()
        .map(|(.., i)| slots[i].take().expect("each index is in the order once"))
        .collect()
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

/// What an article says of the currency of its bare 元.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LocalYuan {
    /// HKD or TWD in articles about Hong Kong or Taiwan, else CNY.
    article: &'static str,
    /// Whether the article names Hong Kong or Taiwan at all. When it does
    /// not, no sentence of it does, and each is the article's (CNY): its
    /// sentences need not be searched.
    names_hong_kong_or_taiwan: bool,
}

/// The currency of a bare 元 in the whole article.
fn local_yuan(text: &str) -> LocalYuan {
    let hong_kong = count_words(text, &HONG_KONG_RE);
    let taiwan = count_words(text, &TAIWAN_RE);
    let mainland = count_words(text, &MAINLAND_RE);
    let article = if hong_kong >= 3 && hong_kong > taiwan * 2 && hong_kong > mainland {
        "HKD"
    } else if taiwan >= 3 && taiwan > hong_kong * 2 && taiwan > mainland {
        "TWD"
    } else {
        "CNY"
    };
    LocalYuan {
        article,
        names_hong_kong_or_taiwan: hong_kong + taiwan > 0,
    }
}

/// The currency of a bare 元 in one sentence: its own place if it names
/// one, else the article's.
fn sentence_yuan(sentence: &str, article: LocalYuan) -> &'static str {
    if !article.names_hong_kong_or_taiwan {
        return article.article;
    }
    every_sentence_yuan(sentence, article.article)
}

/// [`sentence_yuan`] without its shortcut: the sentence's words counted.
fn every_sentence_yuan(sentence: &str, article: &'static str) -> &'static str {
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

/// The facts of `found`, with their document, text, sentence, index and
/// original offsets.
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
    let id: Arc<str> = doc.id.as_str().into();
    let mut sentences = SharedSentences::default();
    found
        .into_iter()
        .enumerate()
        .map(|(index, f)| {
            let line = &doc.text[f.paragraph.clone()];
            let sentence = f.paragraph.start + f.sentence.start..f.paragraph.start + f.sentence.end;
            let (start, end) = doc.map.original_range(
                char_of(f.paragraph.start + f.span.start),
                char_of(f.paragraph.start + f.span.end),
            );
            let draft = f.fact;
            Fact {
                doc: Arc::clone(&id),
                index,
                kind: draft.kind,
                text: line[f.span].to_string(),
                value: draft.value,
                value_max: draft.value_max,
                unit: draft.unit.into(),
                date: draft.date,
                qualifier: draft.qualifier,
                per: draft.per,
                change: draft.change,
                metric: draft.metric,
                sentence: sentences.get(&doc.text, sentence),
                start,
                end,
                rule: draft.rule.into(),
            }
        })
        .collect()
}

/// The sentences of facts as shared strings: one string per sentence,
/// however many facts it holds. Facts come in text order, so the facts of
/// a sentence come one after the other: the last sentence is all there is
/// to remember.
#[derive(Default)]
struct SharedSentences {
    last: Option<(Range<usize>, Arc<str>)>,
}

impl SharedSentences {
    /// `text[range]`, the same string as last time if `range` is the same.
    fn get(&mut self, text: &str, range: Range<usize>) -> Arc<str> {
        match &self.last {
            Some((last, sentence)) if *last == range => Arc::clone(sentence),
            _ => {
                let sentence: Arc<str> = text[range.clone()].into();
                self.last = Some((range, Arc::clone(&sentence)));
                sentence
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The text and metric of each amount of `text`.
    fn metrics(text: &str) -> Vec<(String, String)> {
        let (_, facts) = crate::Pipeline::default().run("m", text.into(), None);
        facts
            .into_iter()
            .filter(|f| f.kind != Kind::Date)
            .map(|f| (f.text.to_string(), f.metric.to_string()))
            .collect()
    }

    fn pair(text: &str, metric: &str) -> (String, String) {
        (text.to_string(), metric.to_string())
    }

    #[test]
    fn a_metric_is_read_after_the_date_and_the_amount_before_it() {
        assert_eq!(
            metrics("9月份社会消费品零售总额同比增长3.3%。"),
            [pair("3.3%", "社会消费品零售总额")]
        );
        assert_eq!(metrics("客流量比去年同期增长12.6%。"), [pair("12.6%", "")]);
        assert_eq!(
            metrics("连续3年每年安排300万元资金。"),
            [pair("3年", "连续"), pair("300万元", "")]
        );
    }

    #[test]
    fn an_amount_reaching_past_the_next_one_is_no_floor_for_its_metric() {
        // 600元人民币 and 人民币600元 overlap: the metric of the second is
        // read over its clause, not from the first's end, past its start.
        let found = metrics("600元人民币600元");
        assert!(!found.is_empty());
        assert!(found.iter().all(|(_, metric)| metric.is_empty()));
    }

    #[test]
    fn the_second_of_a_pair_or_a_list_measures_what_the_first_does() {
        assert_eq!(
            metrics("每户取暖救助由600元提高到1000元。"),
            [pair("600元", "取暖救助"), pair("1000元", "取暖救助")]
        );
        assert_eq!(
            metrics("科技城已建成人才公寓12座、4,800套。"),
            [pair("12座", "人才公寓"), pair("4,800套", "人才公寓")]
        );
    }

    /// A draft known by its number, kept in its value.
    fn numbered_draft(number: usize) -> Draft {
        Draft {
            kind: Kind::Money,
            value: Some(Decimal::from(number)),
            value_max: None,
            unit: "",
            date: String::new(),
            qualifier: Qualifier::None,
            per: String::new(),
            change: Change::None,
            metric: String::new(),
            rule: "",
        }
    }

    /// Text made of place words of every list and a few other characters.
    fn place_text() -> impl Strategy<Value = String> {
        let pieces: Vec<&'static str> = HONG_KONG
            .iter()
            .chain(TAIWAN)
            .chain(MAINLAND)
            .copied()
            .chain(["港", "台", "元", "，", "。", "投资", "8亿元"])
            .collect();
        prop::collection::vec(prop::sample::select(pieces), 0..24).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn the_shortcut_gives_every_sentence_its_counted_currency(
            text in place_text(),
            a in 0usize..200,
            b in 0usize..200,
        ) {
            let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let (a, b) = (bounds[a % bounds.len()], bounds[b % bounds.len()]);
            let sentence = &text[a.min(b)..a.max(b)];
            let article = local_yuan(&text);
            prop_assert_eq!(
                sentence_yuan(sentence, article),
                every_sentence_yuan(sentence, article.article)
            );
        }
    }

    proptest! {
        #[test]
        fn facts_are_put_in_text_order_as_a_stable_sort_would(
            places in prop::collection::vec((0usize..3, 0usize..4, 0usize..3), 0..40),
        ) {
            let found: Vec<Found> = places
                .iter()
                .enumerate()
                .map(|(i, &(paragraph, start, length))| Found {
                    span: start..start + length,
                    sentence: 0..0,
                    paragraph: paragraph * 10..paragraph * 10 + 9,
                    fact: numbered_draft(i),
                })
                .collect();
            let mut expected: Vec<(usize, Range<usize>, Option<Decimal>)> = found
                .iter()
                .map(|f| (f.paragraph.start, f.span.clone(), f.fact.value))
                .collect();
            expected.sort_by_key(|(paragraph, span, _)| (*paragraph, span.start, span.end));
            let sorted: Vec<(usize, Range<usize>, Option<Decimal>)> = in_text_order(found)
                .into_iter()
                .map(|f| (f.paragraph.start, f.span, f.fact.value))
                .collect();
            prop_assert_eq!(sorted, expected);
        }
    }

    proptest! {
        #[test]
        fn shared_sentences_are_the_sentences_copied(
            ranges in prop::collection::vec((0usize..6, 0usize..4), 0..30),
        ) {
            let text = "总投资600亿元。增长8%，达到5万人。";
            let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let mut shared = SharedSentences::default();
            let mut previous: Option<(Range<usize>, Arc<str>)> = None;
            for (start, length) in ranges {
                let range = bounds[start]..bounds[(start + length).min(bounds.len() - 1)];
                let sentence = shared.get(text, range.clone());
                prop_assert_eq!(&*sentence, &text[range.clone()]);
                if let Some((last, last_sentence)) = &previous {
                    prop_assert_eq!(Arc::ptr_eq(&sentence, last_sentence), *last == range);
                }
                previous = Some((range, sentence));
            }
        }
    }

    #[test]
    fn a_sentence_naming_hong_kong_keeps_its_dollars() {
        let text = "全国投资8亿元。香港投资5亿元。";
        let article = local_yuan(text);
        assert_eq!(article.article, "CNY");
        assert!(article.names_hong_kong_or_taiwan);
        assert_eq!(sentence_yuan("香港投资5亿元。", article), "HKD");
        assert_eq!(sentence_yuan("全国投资8亿元。", article), "CNY");
        let mainland = local_yuan("全国投资8亿元。");
        assert!(!mainland.names_hong_kong_or_taiwan);
        assert_eq!(sentence_yuan("全国投资8亿元。", mainland), "CNY");
    }
}
