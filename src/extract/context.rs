//! What surrounds a fact: its sentence and its metric.
//!
//! The metric is the few words just before a fact, inside its clause, that
//! say what it measures (`总投资600亿元` → 总投资). It comes from jieba's
//! words and parts of speech over the last few characters of the clause
//! before the fact only, so segmentation costs in proportion to the facts
//! found, not to the text. The sentence is bounded too ([`sentence_range`]).
//!
//! ```
//! use zhfacts::extract::context::{metric, sentence_range};
//! let line = "今年，盘锦减免企业税费22亿元。其他";
//! let at = line.find("22").unwrap();
//! assert_eq!(metric(line, at), "减免企业税费");
//! assert_eq!(&line[sentence_range(line, at..at + 2)], "今年，盘锦减免企业税费22亿元。");
//! ```

use super::amount::clause_start;
use crate::segment;
use rustc_hash::FxHashSet;
use std::ops::Range;
use std::sync::LazyLock;

/// Words that link a metric to its amount and say nothing of what is
/// measured: skipped at the end of the prefix.
const LINKS: &[&str] = &[
    "达到",
    "达",
    "为",
    "是",
    "有",
    "约",
    "共",
    "共计",
    "合计",
    "累计",
    "总计",
    "同比",
    "环比",
    "比",
    "较",
    "了",
    "的",
    "在",
    "由",
    "从",
    "到",
    "至",
    "增长",
    "增加",
    "提高",
    "下降",
    "减少",
    "降低",
    "升至",
    "增至",
    "降至",
    "提高到",
    "增加到",
    "下降到",
    "达到了",
    "仅",
    "只",
    "已",
    "已经",
    "超过",
    "突破",
    "逾",
    "近",
    "将近",
    "接近",
    "大约",
    "不到",
    "不足",
    "高达",
    "多达",
    "约为",
    "分别",
    "分别为",
    "人均",
    "平均",
    "上涨",
    "上升",
    "回落",
    "下跌",
    "提升",
    "每",
    "按",
    "以",
    "将",
    "又",
    "再",
    "还",
    "均",
    "都",
    "也",
    "给予",
    "保持",
    "保持在",
    "稳定在",
    "控制在",
    "占",
    "约占",
    "在",
    "并",
    "其中",
    "即",
    // A market's level: 指数收报3373.28点.
    "报",
    "收报",
    "报收",
    "收于",
    "最新",
];

/// Verbs that open a clause without saying what is measured (提供招聘岗位 →
/// 招聘岗位); the metric stops before them.
const GENERIC_VERBS: &[&str] = &[
    "提供", "实现", "完成", "安排", "开展", "发放", "举办", "推动", "带动", "拉动", "签约", "新增",
    "建成", "建设", "创建", "消除", "征集", "帮助", "享受", "获得", "获", "投放", "组织", "参与",
    "吸引", "落实", "确保", "推进", "启动", "打造", "形成", "达成", "发布", "召开", "举行", "设立",
];

/// [`LINKS`] and [`GENERIC_VERBS`] as sets: every word before every fact is
/// looked up in them.
static LINK_SET: LazyLock<FxHashSet<&str>> = LazyLock::new(|| LINKS.iter().copied().collect());
static GENERIC_VERB_SET: LazyLock<FxHashSet<&str>> =
    LazyLock::new(|| GENERIC_VERBS.iter().copied().collect());

/// Characters before a fact that are segmented for its metric: the metric
/// is at most four words next to the fact, so a long clause need not be
/// segmented whole (segmentation costs more than everything else per fact).
const WINDOW_CHARS: usize = 12;

/// Characters at the start of a window whose words may differ from the
/// words of the whole clause (jieba's best route there depends on what
/// precedes): a metric reaching into them is read again over the clause.
const UNSURE_CHARS: usize = 4;

/// The metric words before the fact starting at byte `at` of `line`.
///
/// Read backwards from the fact over at most four words of its clause:
/// link words next to the fact are skipped (达到, 为, 同比), nouns are
/// taken, and a verb is taken as the first word of the phrase and ends it
/// (减免|企业|税费, 报销|比例, 招聘|岗位); generic verbs (提供, 实现) and
/// places, numbers and function words end it before them.
pub fn metric(line: &str, at: usize) -> String {
    metric_after(line, 0, at)
}

/// [`metric`], read after byte `floor` only: the end of the fact before,
/// whose words measure that fact, not this one.
pub fn metric_after(line: &str, floor: usize, at: usize) -> String {
    let start = clause_start(line, at).max(floor.min(at));
    let window = line[start..at]
        .char_indices()
        .rev()
        .nth(WINDOW_CHARS - 1)
        .map_or(start, |(i, _)| start + i);
    if window > start {
        let prefix = &line[window..at];
        let unsure = prefix
            .char_indices()
            .nth(UNSURE_CHARS)
            .map_or(prefix.len(), |(i, _)| i);
        if let Some(metric) = metric_of(prefix, unsure) {
            return metric;
        }
    }
    metric_of(&line[start..at], 0).unwrap_or_default()
}

/// The metric at the end of `prefix`, or `None` when it reaches into the
/// first `unsure` bytes (or could go on before them).
fn metric_of(prefix: &str, unsure: usize) -> Option<String> {
    if prefix.is_empty() {
        return Some(String::new());
    }
    let words = segment::tagged(prefix);
    let mut end = words.len();
    while end > 0
        && (LINK_SET.contains(words[end - 1].word)
            || is_filler(words[end - 1].tag, words[end - 1].word))
    {
        end -= 1;
    }
    let mut begin = end;
    while begin > 0 && end - begin < 4 {
        let w = &words[begin - 1];
        let stop = GENERIC_VERB_SET.contains(w.word)
            || (LINK_SET.contains(w.word) && begin < end)
            || matches!(
                w.tag,
                "ns" | "nr"
                    | "m"
                    | "t"
                    | "x"
                    | "p"
                    | "c"
                    | "u"
                    | "uj"
                    | "r"
                    | "d"
                    | "f"
                    | "q"
                    | "mq"
                    | "eng"
            )
            || w.word.trim().is_empty()
            || w.word.chars().any(|c| !c.is_alphanumeric());
        if stop {
            break;
        }
        begin -= 1;
        // A verb opens the phrase: nothing before it belongs to the metric.
        let verb = w.tag.starts_with('v') && w.tag != "vn";
        if verb && begin < end - 1 {
            break;
        }
        if w.tag == "vn" && begin < end - 1 {
            break;
        }
    }
    // 总投资: 总 belongs to the metric it opens.
    if begin > 0 && begin < end && words[begin - 1].word == "总" {
        begin -= 1;
    }
    // Everything read lies after the unsure start, stop word included.
    let first_read = begin.saturating_sub(1);
    if unsure > 0 && words.get(first_read).is_none_or(|w| w.start < unsure) {
        return None;
    }
    Some(words_text(prefix, &words[begin..end]))
}

/// The text of `words`, adjacent words of `text`, copied in one piece:
/// joined one by one, a metric of several words grew its string at each.
fn words_text(text: &str, words: &[segment::TaggedWord<'_>]) -> String {
    match (words.first(), words.last()) {
        (Some(first), Some(last)) => text[first.start..last.start + last.word.len()].to_string(),
        _ => String::new(),
    }
}

fn is_filler(tag: &str, word: &str) -> bool {
    matches!(tag, "x" | "uj" | "ul" | "p" | "d" | "m" | "q" | "mq") || word.trim().is_empty()
}

/// Most bytes a sentence reaches on either side of its fact. A real
/// sentence is far shorter; a paragraph without sentence ends (a table, an
/// OCR'd page with no 。) would otherwise give every fact the whole
/// paragraph, and output quadratic in its length. Past the limit the
/// sentence is cut at the farthest clause end inside it.
const SENTENCE_REACH: usize = 600;

/// Marks that end a sentence.
const ENDS: &[char] = &['。', '！', '？', '!', '?', '；'];
/// Marks that end a clause: where an over-long sentence is cut.
const CLAUSE_ENDS: &[char] = &['，', '、', '：', ',', ':'];

/// The byte range of the sentence holding `span` in `line`, its final
/// punctuation and closing quotes included.
///
/// This searches `line` around `span`; for many facts in one paragraph,
/// [`Sentences`] finds the sentence ends once and gives the same ranges.
pub fn sentence_range(line: &str, span: Range<usize>) -> Range<usize> {
    let floor = floor_boundary(line, span.start.saturating_sub(SENTENCE_REACH));
    let ceiling = ceil_boundary(line, span.end + SENTENCE_REACH);
    let before = &line[floor..span.start];
    let start = match before.rmatch_indices(ENDS).next() {
        Some((i, mark)) => floor + i + mark.len(),
        None => start_without_end(line, floor, span.start),
    };
    let after = &line[span.end..ceiling];
    let end = match after.match_indices(ENDS).next() {
        Some((i, mark)) => span.end + i + mark.len(),
        None => end_without_end(line, span.end, ceiling),
    };
    with_quotes(line, start, end, span.start)
}

/// The sentence ends of one paragraph, found once, for the sentences of
/// all of its facts. `Sentences::new(line).range(span)` equals
/// `sentence_range(line, span)` (tested), without searching the text again
/// for every fact.
pub struct Sentences<'a> {
    line: &'a str,
    /// Byte ranges of the sentence-end marks, in text order.
    ends: Vec<Range<usize>>,
}

impl<'a> Sentences<'a> {
    /// Finds the sentence ends of `line`, a paragraph.
    pub fn new(line: &'a str) -> Self {
        Sentences {
            line,
            ends: sentence_ends(line),
        }
    }

    /// The byte range of the sentence holding `span`: see [`sentence_range`].
    pub fn range(&self, span: Range<usize>) -> Range<usize> {
        let line = self.line;
        let floor = floor_boundary(line, span.start.saturating_sub(SENTENCE_REACH));
        let ceiling = ceil_boundary(line, span.end + SENTENCE_REACH);
        // The last end before the span and the first after it, if within reach.
        let before = self.ends.partition_point(|m| m.end <= span.start);
        let start = match before.checked_sub(1).map(|k| &self.ends[k]) {
            Some(mark) if mark.start >= floor => mark.end,
            _ => start_without_end(line, floor, span.start),
        };
        let after = self.ends.partition_point(|m| m.start < span.end);
        let end = match self.ends.get(after) {
            Some(mark) if mark.end <= ceiling => mark.end,
            _ => end_without_end(line, span.end, ceiling),
        };
        with_quotes(line, start, end, span.start)
    }
}

/// The byte ranges of every mark of [`ENDS`] in `line`, found by one regex
/// of literals (a vectorised search) rather than by decoding each char.
fn sentence_ends(line: &str) -> Vec<Range<usize>> {
    ENDS_RE.find_iter(line).map(|m| m.range()).collect()
}

static ENDS_RE: LazyLock<regex::Regex> = LazyLock::new(|| {
    let marks: Vec<String> = ENDS.iter().map(|c| c.to_string()).collect();
    let marks: Vec<&str> = marks.iter().map(String::as_str).collect();
    super::word_regex(&marks)
});

/// Builds this module's tables now rather than at the first fact.
pub(super) fn warm_up() {
    LazyLock::force(&ENDS_RE);
    LazyLock::force(&LINK_SET);
    LazyLock::force(&GENERIC_VERB_SET);
}

/// Where a sentence starts when no sentence end lies within reach before
/// it: the paragraph start, or past the first clause end after `floor`.
fn start_without_end(line: &str, floor: usize, span_start: usize) -> usize {
    if floor == 0 {
        return 0;
    }
    let before = &line[floor..span_start];
    floor
        + before
            .match_indices(CLAUSE_ENDS)
            .next()
            .map_or(0, |(i, mark)| i + mark.len())
}

/// Where a sentence ends when no sentence end lies within reach after it:
/// the paragraph end, or past the last clause end before `ceiling`.
fn end_without_end(line: &str, span_end: usize, ceiling: usize) -> usize {
    if ceiling == line.len() {
        return line.len();
    }
    line[span_end..ceiling]
        .rmatch_indices(CLAUSE_ENDS)
        .next()
        .map_or(ceiling, |(i, mark)| span_end + i + mark.len())
}

/// `start..end` with the closing quotes of the previous sentence left out
/// and the sentence's own closing quotes taken in.
fn with_quotes(line: &str, start: usize, end: usize, span_start: usize) -> Range<usize> {
    let start = start
        + line[start..]
            .chars()
            .take_while(|c| matches!(c, '”' | '’' | '）' | ' '))
            .map(char::len_utf8)
            .sum::<usize>();
    let end = end
        + line[end..]
            .chars()
            .take_while(|c| matches!(c, '”' | '’' | '）' | '」'))
            .map(char::len_utf8)
            .sum::<usize>();
    start.min(span_start)..end
}

/// The char boundary at or before `at`.
fn floor_boundary(line: &str, at: usize) -> usize {
    (0..=at.min(line.len()))
        .rev()
        .find(|&i| line.is_char_boundary(i))
        .unwrap_or(0)
}

/// The char boundary at or after `at`.
fn ceil_boundary(line: &str, at: usize) -> usize {
    (at.min(line.len())..=line.len())
        .find(|&i| line.is_char_boundary(i))
        .unwrap_or(line.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_is_its_punctuated_sentence() {
        let line = "去年如此。今年，盘锦减免企业税费22亿元。其他";
        let at = line.find("22").unwrap();
        assert_eq!(
            &line[sentence_range(line, at..at + 2)],
            "今年，盘锦减免企业税费22亿元。"
        );
    }

    #[test]
    fn a_paragraph_without_sentence_ends_gives_a_bounded_sentence() {
        let clause = "项目投资增长，";
        let mut line = clause.repeat(200);
        let at = line.len();
        line.push_str("总投资600亿元，");
        line.push_str(&clause.repeat(200));
        let range = sentence_range(&line, at..at + "600亿元".len());
        let sentence = &line[range.clone()];
        assert!(sentence.contains("600亿元"));
        assert!(
            sentence.len() <= 2 * SENTENCE_REACH + "600亿元".len(),
            "{}",
            sentence.len()
        );
        assert!(
            sentence.starts_with("项目"),
            "cut after a clause end: {sentence}"
        );
        assert!(sentence.ends_with('，'), "cut at a clause end: {sentence}");
        // Every fact of such a paragraph still gets a sentence holding it.
        for (i, _) in line.match_indices("增长") {
            let r = sentence_range(&line, i..i + "增长".len());
            assert!(r.start <= i && i + "增长".len() <= r.end);
        }
    }

    /// `Sentences::range` against `sentence_range`, the search it replaces.
    fn same_as_searching(line: &str) {
        let sentences = Sentences::new(line);
        let boundaries: Vec<usize> = (0..=line.len())
            .filter(|&i| line.is_char_boundary(i))
            .collect();
        for (k, &start) in boundaries.iter().enumerate() {
            for &end in boundaries[k..].iter().take(4) {
                assert_eq!(
                    sentences.range(start..end),
                    sentence_range(line, start..end),
                    "{line:?} at {start}..{end}"
                );
            }
        }
    }

    #[test]
    fn sentences_found_once_are_the_sentences_searched() {
        same_as_searching("去年如此。今年，盘锦减免企业税费22亿元。其他");
        same_as_searching("“增长5%。”他说！真的?是!；」结束");
        same_as_searching("");
        same_as_searching("。");
        // Past the reach on both sides, with and without clause ends.
        let clause = "项目投资增长，";
        let long = format!("{}。{}", clause.repeat(150), "投资".repeat(400));
        same_as_searching(&long);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        #[test]
        fn words_copied_in_one_piece_are_the_words_joined(
            text in "[ 。，a1投资增长企业税费减免总额人均元万亿%]{0,40}"
        ) {
            let words = segment::tagged(&text);
            for begin in 0..=words.len() {
                for end in begin..=words.len() {
                    let joined: String = words[begin..end].iter().map(|w| w.word).collect();
                    proptest::prop_assert_eq!(words_text(&text, &words[begin..end]), joined);
                }
            }
        }

        #[test]
        fn sentences_match_the_search_on_any_text(
            text in "[。！？!?；，、：,:”’）」 a1投资增长]{0,80}"
        ) {
            same_as_searching(&text);
        }

        #[test]
        fn sentences_match_the_search_past_the_reach(
            parts in proptest::collection::vec(("[。，a投]", 0usize..300), 0..12)
        ) {
            let text: String = parts.iter().map(|(mark, n)| "资".repeat(*n) + mark).collect();
            same_as_searching(&text);
        }
    }

    #[test]
    fn a_short_paragraph_without_ends_is_whole() {
        let line = "总投资600亿元";
        assert_eq!(sentence_range(line, 3 * 3..line.len()), 0..line.len());
    }
}
