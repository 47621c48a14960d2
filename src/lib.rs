//! zhfacts turns batches of Chinese news articles into clean numeric datasets.
//!
//! The pipeline has five stages, each a module: [`normalize`]
//! (Traditional→Simplified, width folding), [`reflow`] (hard line-break
//! repair), [`segment`] (jieba), [`extract`] (money, percentages, quantities,
//! dates) and [`output`] (CSV, JSON Lines, report). Every fact points back
//! into the original text through an [`offsets::OffsetMap`] composed across
//! the stages.
//!
//! ```
//! use zhfacts::Pipeline;
//! let pipeline = Pipeline::default();
//! let doc = pipeline.prepare("seed", "盤錦總投資６００億元的項\n\n目投產。".into(), None);
//! let facts = zhfacts::extract::extract(&doc);
//! assert_eq!(facts[0].text, "600亿元");
//! assert_eq!(facts[0].value.unwrap().to_string(), "60000000000");
//! assert_eq!(facts[0].unit, "CNY");
//! // Offsets are character offsets into the original text.
//! let original: String = doc.original.chars().skip(facts[0].start).take(facts[0].end - facts[0].start).collect();
//! assert_eq!(original, "６００億元");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod batch;
pub mod calendar;
pub mod check;
pub mod document;
pub mod error;
pub mod extract;
pub mod input;
pub mod normalize;
pub mod offsets;
pub mod output;
pub mod reflow;
pub mod review;
pub mod segment;

pub use calendar::Date;
pub use document::{Change, Document, Fact, Kind, Qualifier, RefDateSource};
pub use error::{Error, Result};

/// Options that apply to every document of a run.
#[derive(Debug, Clone, Default)]
pub struct Pipeline {
    /// Reference date for documents that carry none of their own.
    pub ref_date: Option<Date>,
    /// The Traditional→Simplified converter (`--converter`).
    pub converter: normalize::Converter,
}

/// Which stage's text to show (`zhfacts text --stage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// After normalization.
    Normalize,
    /// After reflow.
    Reflow,
    /// After segmentation: words separated by spaces.
    Segment,
}

impl Pipeline {
    /// A pipeline with a reference date for undated documents.
    pub fn with_ref_date(ref_date: Option<Date>) -> Self {
        Pipeline {
            ref_date,
            ..Pipeline::default()
        }
    }

    /// Loads dictionaries now, so the first document does not pay for them.
    ///
    /// They are independent, so they load on their own threads: start-up
    /// costs the largest (jieba's dictionary), not the sum.
    pub fn warm_up(&self) {
        std::thread::scope(|scope| {
            scope.spawn(segment::warm_up_tagger);
            scope.spawn(normalize::warm_up);
            scope.spawn(extract::warm_up);
            segment::warm_up();
        });
    }

    /// Runs normalization and reflow; `date` is the document's own date.
    pub fn prepare(
        &self,
        id: &str,
        original: String,
        date: Option<(Date, RefDateSource)>,
    ) -> Document {
        let normalized = normalize::normalize_with(&original, self.converter);
        // Reflow maps its text through normalization's map to the original.
        let reflowed = reflow::reflow_through(&normalized.text, &normalized.map);
        let (ref_date, ref_date_source) = match (date, self.ref_date) {
            (Some((d, source)), _) => (Some(d), source),
            (None, Some(d)) => (Some(d), RefDateSource::Option),
            (None, None) => match dateline(&reflowed.text) {
                Some(d) => (Some(d), RefDateSource::Dateline),
                None => (None, RefDateSource::None),
            },
        };
        Document {
            id: id.to_string(),
            original,
            text: reflowed.text,
            map: reflowed.map,
            paragraphs: reflowed.paragraphs,
            ref_date,
            ref_date_source,
        }
    }

    /// Prepares and extracts one document.
    pub fn run(
        &self,
        id: &str,
        original: String,
        date: Option<(Date, RefDateSource)>,
    ) -> (Document, Vec<Fact>) {
        let doc = self.prepare(id, original, date);
        let facts = extract::extract(&doc);
        (doc, facts)
    }

    /// The text of `original` after `stage`.
    pub fn text(&self, original: &str, stage: Stage) -> String {
        let normalized = normalize::normalize_with(original, self.converter);
        if stage == Stage::Normalize {
            return normalized.text;
        }
        let reflowed = reflow::reflow(&normalized.text);
        if stage == Stage::Reflow {
            return reflowed.text;
        }
        reflowed
            .text
            .lines()
            .map(segment::segmented_line)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A dateline: a full date written out in one of the article's first lines,
/// on a line of its own (`2020年12月10日 星期四`), in brackets
/// (`（2020-12-10）`) or in a wire formula (`本报北京2020年12月9日电`). A
/// year in a headline joined to a month in the body is no dateline.
fn dateline(text: &str) -> Option<Date> {
    text.lines()
        .take(6)
        .filter(|line| may_hold_full_date(line))
        .find_map(dateline_in)
}

/// Whether `line` may hold a full date: one written out (年…月…日) has a
/// 月, one in figures (2020-12-10) has ASCII digits. The date reader is
/// not asked about the other lines (a headline, a byline).
fn may_hold_full_date(line: &str) -> bool {
    line.contains('月') || line.bytes().any(|b| b.is_ascii_digit())
}

/// The dateline in one line, if it holds one.
fn dateline_in(line: &str) -> Option<Date> {
    let mut ctx = extract::date::DateContext::new(None);
    extract::date::scan(line, &mut ctx)
        .into_iter()
        .find_map(|f| {
            let full = matches!(f.rule, "date_full" | "date_numeric");
            let short_line = line.chars().count() <= 30;
            let before = &line[..f.span.start];
            let after = &line[f.span.end..];
            let bracketed = before.ends_with(['（', '(']) && after.starts_with(['）', ')']);
            let wire =
                before.starts_with("本报") || before.contains("电讯") || after.starts_with("电");
            (full && (short_line || bracketed || wire))
                .then(|| Date::parse(&f.date))
                .flatten()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Lines made of date words, numerals of every kind and punctuation,
    /// and lines built around a date in any of its forms.
    fn dateish_line() -> impl Strategy<Value = String> {
        let pieces = vec![
            "2020",
            "12",
            "9",
            "二〇二〇",
            "十二",
            "九",
            "年",
            "月",
            "日",
            "号",
            "-",
            "/",
            ".",
            "（",
            "）",
            "本报",
            "北京",
            "电",
            "星期四",
            "同年",
            "今年",
            "上旬",
            " ",
            "，",
        ];
        let loose =
            prop::collection::vec(prop::sample::select(pieces), 0..12).prop_map(|p| p.concat());
        let around_a_date = (
            prop::sample::select(vec!["", "本报北京", "（", "(", "新华社电讯 ", "标题"]),
            prop::sample::select(vec!["2020", "二〇二〇", "19", "2019", "1999"]),
            prop::sample::select(vec![
                ("年", "月", "日"),
                ("-", "-", ""),
                ("/", "/", ""),
                (".", ".", ""),
                ("年", "月", "号"),
            ]),
            prop::sample::select(vec!["12", "9", "十二", "1", "13"]),
            prop::sample::select(vec!["10", "9", "十", "31", "3"]),
            prop::sample::select(vec![
                "",
                "电",
                "）",
                ")",
                " 星期四",
                "，这是一个很长很长很长很长很长很长很长的句子。",
            ]),
        )
            .prop_map(|(before, year, (y, m, d), month, day, after)| {
                format!("{before}{year}{y}{month}{m}{day}{d}{after}")
            });
        prop_oneof![loose, around_a_date]
    }

    proptest! {
        #[test]
        fn every_line_with_a_dateline_may_hold_a_full_date(line in dateish_line()) {
            if dateline_in(&line).is_some() {
                prop_assert!(may_hold_full_date(&line), "{line}");
            }
        }
    }

    #[test]
    fn finds_datelines_and_passes_over_lines_without_a_full_date() {
        assert_eq!(
            dateline("标题\n2020年12月10日 星期四\n正文"),
            Date::parse("2020-12-10")
        );
        assert_eq!(dateline("标题\n（2020-12-10）"), Date::parse("2020-12-10"));
        assert!(!may_hold_full_date("本报记者 张三"));
        assert!(may_hold_full_date("二〇二〇年十二月十日"));
        assert_eq!(dateline("本报记者 张三\n十二月十日"), None);
    }
}
