//! The document as it moves through the stages, and the fact record.
//!
//! A [`Document`] keeps its `original` text untouched; `text` is the text
//! after normalization and reflow, and `map` says for each character of
//! `text` which characters of `original` it came from. A [`Fact`] is what
//! extraction finds, with `start`/`end` as character offsets into
//! `original`.

use crate::calendar::Date;
use crate::offsets::OffsetMap;
use rust_decimal::Decimal;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Where a document's reference date came from (reported per document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefDateSource {
    /// The `date` field of a JSON Lines document.
    Document,
    /// A `YYYY-MM-DD` prefix of the file name (`2020-12-10_panjin.txt`).
    FileName,
    /// The `--ref-date` option.
    Option,
    /// A dateline or date found in the article's head.
    Dateline,
    /// No reference date: relative dates stay unresolved.
    None,
}

/// The kind of a paragraph after reflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParagraphKind {
    /// Running text.
    Body,
    /// A headline, subhead, byline or caption: a short line of its own.
    Heading,
    /// Page furniture (page numbers, running heads) moved out of the text.
    Furniture,
}

/// One line of the reflowed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte range in [`Document::text`].
    pub range: std::ops::Range<usize>,
    /// What the line is.
    pub kind: ParagraphKind,
}

/// A document after normalization and reflow.
#[derive(Debug, Clone)]
pub struct Document {
    /// Document id (JSONL `id`, or the file path relative to the input).
    pub id: String,
    /// The decoded text, untouched. Fact offsets point into it.
    pub original: String,
    /// The text after normalization and reflow: one paragraph a line.
    pub text: String,
    /// For each character of `text`, its range in `original`.
    pub map: OffsetMap,
    /// The reflowed lines of `text`.
    pub paragraphs: Vec<Paragraph>,
    /// The reference date for relative and year-less dates.
    pub ref_date: Option<Date>,
    /// Where `ref_date` came from.
    pub ref_date_source: RefDateSource,
}

/// The kind of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An amount of money.
    Money,
    /// A percentage, per mille or percentage points.
    Percent,
    /// A count or measure with its unit.
    Quantity,
    /// A calendar date or period.
    Date,
}

impl Kind {
    /// All kinds, in report order.
    pub const ALL: [Kind; 4] = [Kind::Money, Kind::Percent, Kind::Quantity, Kind::Date];

    /// The name used in the output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Money => "money",
            Kind::Percent => "percent",
            Kind::Quantity => "quantity",
            Kind::Date => "date",
        }
    }

    /// Parses an output name.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an amount or date is hedged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// Not hedged.
    #[default]
    None,
    /// 约, 近, 左右 …
    Approx,
    /// 多, 余, 超过, 以上 …
    Over,
    /// 不到, 不足, 以下 …
    Under,
    /// Dates: 初, 上旬.
    Start,
    /// Dates: 中, 中旬.
    Mid,
    /// Dates: 末, 底, 下旬.
    End,
    /// Dates: 以来.
    Since,
}

impl Qualifier {
    /// The name used in the output (empty for none).
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::None => "",
            Qualifier::Approx => "approx",
            Qualifier::Over => "over",
            Qualifier::Under => "under",
            Qualifier::Start => "start",
            Qualifier::Mid => "mid",
            Qualifier::End => "end",
            Qualifier::Since => "since",
        }
    }

    /// Parses an output name (`""` is none).
    pub fn parse(name: &str) -> Option<Qualifier> {
        use Qualifier::*;
        [None, Approx, Over, Under, Start, Mid, End, Since]
            .into_iter()
            .find(|q| q.as_str() == name)
    }
}

/// The role of an amount in a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Not part of a change.
    #[default]
    None,
    /// The level before a change (由696元…).
    From,
    /// The level after a change (…提高到730元, 升至).
    To,
    /// An increase by this amount (增长5%).
    Up,
    /// A decrease by this amount (下降5%).
    Down,
}

impl Change {
    /// The name used in the output (empty for none).
    pub fn as_str(self) -> &'static str {
        match self {
            Change::None => "",
            Change::From => "from",
            Change::To => "to",
            Change::Up => "up",
            Change::Down => "down",
        }
    }

    /// Parses an output name (`""` is none).
    pub fn parse(name: &str) -> Option<Change> {
        use Change::*;
        [None, From, To, Up, Down]
            .into_iter()
            .find(|c| c.as_str() == name)
    }
}

/// One numeric fact, as written to facts.csv and facts.jsonl.
///
/// A document has a fact every few dozen bytes, so the fields that repeat
/// from fact to fact are shared rather than copied: `doc` is one string for
/// all the facts of a document, `sentence` one for all the facts of a
/// sentence, and `unit` and `rule` borrow the extractor's own tables. Each
/// reads as a `&str` (`&*fact.doc`, `&*fact.rule`, or through deref
/// coercion), and is built from a `String` or a `&str` with `.into()`.
///
/// ```
/// use zhfacts::Pipeline;
/// let pipeline = Pipeline::default();
/// let doc = pipeline.prepare("d1", "投资5亿元，增长8%。".into(), None);
/// let facts = zhfacts::extract::extract(&doc);
/// assert_eq!((&*facts[0].doc, &*facts[1].sentence), ("d1", "投资5亿元，增长8%。"));
/// assert_eq!((&*facts[0].unit, &*facts[1].unit), ("CNY", "%"));
/// assert!(matches!(facts[0].rule, std::borrow::Cow::Borrowed(_)));
/// // One sentence, two facts: one string.
/// assert!(std::sync::Arc::ptr_eq(&facts[0].sentence, &facts[1].sentence));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// Document id, shared by the facts of the document.
    pub doc: Arc<str>,
    /// Position in the document, 0-based, in text order.
    pub index: usize,
    /// money, percent, quantity or date.
    pub kind: Kind,
    /// The fact as it reads in the normalized text, qualifier words included.
    pub text: String,
    /// The number (the low end of a range); none for dates.
    pub value: Option<Decimal>,
    /// The high end of a range.
    pub value_max: Option<Decimal>,
    /// ISO 4217 code, `%`/`pp`/`‰`, or the measure word: borrowed from the
    /// extractor's tables.
    pub unit: Cow<'static, str>,
    /// TIMEX3-style date value, for dates.
    pub date: String,
    /// approx / over / under / start / mid / end / since.
    pub qualifier: Qualifier,
    /// A rate's denominator as written (每人每月).
    pub per: String,
    /// from / to / up / down.
    pub change: Change,
    /// The words that say what is measured.
    pub metric: String,
    /// The sentence holding the fact, normalized; shared by the facts of
    /// the sentence.
    pub sentence: Arc<str>,
    /// Character offset of the fact in the original text.
    pub start: usize,
    /// Character offset past the end of the fact in the original text.
    pub end: usize,
    /// The rule that produced the fact: borrowed from the extractor's
    /// rule names.
    pub rule: Cow<'static, str>,
}
