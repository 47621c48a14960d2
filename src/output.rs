//! Stage 5: the fact record as CSV and JSON Lines, and the run report.
//!
//! The schema lives here, once: [`FIELDS`] and [`cells`]. Numbers are plain
//! decimals (60000000000, never 6e10); empty numbers are `null` in JSON and
//! empty cells in CSV. CSV is UTF-8 with RFC 4180 quoting; with
//! [`CsvStyle::Excel`] it starts with a BOM so Excel on Windows reads it as
//! UTF-8.
//!
//! ```
//! use zhfacts::output::{fact_json, FIELDS};
//! assert_eq!(FIELDS[0], "doc");
//! ```

use crate::document::{Fact, Kind};
use rust_decimal::Decimal;
use std::io::{self, Write};

/// Column names, in order: the JSONL keys and the CSV header.
pub const FIELDS: [&str; 16] = [
    "doc",
    "index",
    "kind",
    "text",
    "value",
    "value_max",
    "unit",
    "date",
    "qualifier",
    "per",
    "change",
    "metric",
    "sentence",
    "start",
    "end",
    "rule",
];

/// One cell of the record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// A string.
    Text(&'a str),
    /// A decimal, or empty.
    Number(Option<Decimal>),
    /// An integer.
    Integer(usize),
}

/// The cells of a fact, in [`FIELDS`] order.
pub fn cells(fact: &Fact) -> [Cell<'_>; 16] {
    [
        Cell::Text(&fact.doc),
        Cell::Integer(fact.index),
        Cell::Text(fact.kind.as_str()),
        Cell::Text(&fact.text),
        Cell::Number(fact.value),
        Cell::Number(fact.value_max),
        Cell::Text(&fact.unit),
        Cell::Text(&fact.date),
        Cell::Text(fact.qualifier.as_str()),
        Cell::Text(&fact.per),
        Cell::Text(fact.change.as_str()),
        Cell::Text(&fact.metric),
        Cell::Text(&fact.sentence),
        Cell::Integer(fact.start),
        Cell::Integer(fact.end),
        Cell::Text(&fact.rule),
    ]
}

/// A decimal as plain digits: no exponent, no trailing zeros.
pub fn plain_decimal(value: Decimal) -> String {
    value.normalize().to_string()
}

/// One fact as a JSON object on one line (no newline).
pub fn fact_json(fact: &Fact) -> String {
    let mut out = String::with_capacity(256 + fact.sentence.len());
    out.push('{');
    for (i, (name, cell)) in FIELDS.iter().zip(cells(fact)).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(name);
        out.push_str("\":");
        match cell {
            Cell::Text(s) => out.push_str(&serde_json::to_string(s).expect("strings serialize")),
            Cell::Number(Some(v)) => out.push_str(&plain_decimal(v)),
            Cell::Number(None) => out.push_str("null"),
            Cell::Integer(n) => out.push_str(&n.to_string()),
        }
    }
    out.push('}');
    out
}

/// Whether CSV starts with a byte order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvStyle {
    /// Plain UTF-8 (pandas, DuckDB, Unix tools).
    #[default]
    Plain,
    /// UTF-8 with a BOM, so Excel on Windows detects the encoding.
    Excel,
}

/// Writes facts as CSV with a header row.
pub struct CsvWriter<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    /// Starts a CSV file: optional BOM, then the header.
    pub fn new(mut inner: W, style: CsvStyle) -> io::Result<Self> {
        if style == CsvStyle::Excel {
            inner.write_all("\u{FEFF}".as_bytes())?;
        }
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(inner);
        writer.write_record(FIELDS).map_err(io::Error::other)?;
        Ok(CsvWriter { writer })
    }

    /// Writes one fact.
    pub fn write(&mut self, fact: &Fact) -> io::Result<()> {
        let record = cells(fact).map(|cell| match cell {
            Cell::Text(s) => s.to_string(),
            Cell::Number(Some(v)) => plain_decimal(v),
            Cell::Number(None) => String::new(),
            Cell::Integer(n) => n.to_string(),
        });
        self.writer.write_record(&record).map_err(io::Error::other)
    }

    /// Flushes and returns the inner writer.
    pub fn finish(self) -> io::Result<W> {
        self.writer
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))
    }
}

/// Facts per kind.
pub fn count_by_kind<'a>(facts: impl IntoIterator<Item = &'a Fact>) -> [usize; 4] {
    let mut counts = [0usize; 4];
    for f in facts {
        counts[Kind::ALL
            .iter()
            .position(|k| *k == f.kind)
            .expect("every kind is listed")] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Change, Qualifier};
    use std::str::FromStr;

    fn fact() -> Fact {
        Fact {
            doc: "a.txt".into(),
            index: 0,
            kind: Kind::Money,
            text: "600亿元".into(),
            value: Some(Decimal::from_str("60000000000").unwrap()),
            value_max: None,
            unit: "CNY".into(),
            date: String::new(),
            qualifier: Qualifier::None,
            per: String::new(),
            change: Change::None,
            metric: "总投资".into(),
            sentence: "总投资600亿元的\"项目\"，投产。".into(),
            start: 3,
            end: 8,
            rule: "money_currency".into(),
        }
    }

    #[test]
    fn json_numbers_are_plain_decimals() {
        let json = fact_json(&fact());
        assert!(json.contains("\"value\":60000000000,"), "{json}");
        assert!(json.contains("\"value_max\":null"));
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["sentence"], "总投资600亿元的\"项目\"，投产。");
    }

    #[test]
    fn csv_quotes_and_excel_bom() {
        let mut w = CsvWriter::new(Vec::new(), CsvStyle::Excel).unwrap();
        w.write(&fact()).unwrap();
        let bytes = w.finish().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{FEFF}'));
        assert!(text.contains("\"总投资600亿元的\"\"项目\"\"，投产。\""));
        assert!(text.contains(",60000000000,,CNY,"));
    }

    #[test]
    fn decimals_never_use_exponents() {
        assert_eq!(plain_decimal(Decimal::from_str("4.7100").unwrap()), "4.71");
        assert_eq!(
            plain_decimal(Decimal::from_str("1e18").unwrap_or(Decimal::from(10u64.pow(18)))),
            "1000000000000000000"
        );
    }
}
