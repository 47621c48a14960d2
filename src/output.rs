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
    String::from_utf8(NumberText::decimal(value).as_bytes().to_vec()).expect("digits are ASCII")
}

/// One fact as a JSON object on one line (no newline).
///
/// Allocates the line; a writer of many facts calls [`write_fact_json`]
/// with one buffer instead.
pub fn fact_json(fact: &Fact) -> String {
    let mut out = Vec::with_capacity(256 + fact.sentence.len());
    write_fact_json(&mut out, fact);
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Appends one fact to `out` as a JSON object on one line (no newline):
/// the bytes of [`fact_json`], without allocating anything of its own.
///
/// ```
/// # use zhfacts::document::Fact;
/// # fn demo(facts: &[Fact], file: &mut impl std::io::Write) -> std::io::Result<()> {
/// use zhfacts::output::write_fact_json;
/// let mut lines = Vec::new();
/// for fact in facts {
///     write_fact_json(&mut lines, fact);
///     lines.push(b'\n');
/// }
/// file.write_all(&lines)
/// # }
/// ```
pub fn write_fact_json(out: &mut Vec<u8>, fact: &Fact) {
    out.reserve(256 + fact.sentence.len());
    out.push(b'{');
    for (i, (name, cell)) in FIELDS.iter().zip(cells(fact)).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
        match cell {
            Cell::Text(s) => push_json_string(out, s),
            Cell::Number(Some(v)) => out.extend_from_slice(NumberText::decimal(v).as_bytes()),
            Cell::Number(None) => out.extend_from_slice(b"null"),
            Cell::Integer(n) => out.extend_from_slice(NumberText::integer(n).as_bytes()),
        }
    }
    out.push(b'}');
}

/// Appends `text` as a JSON string, escaped byte for byte as serde_json
/// escapes it: `\"`, `\\`, `\b \f \n \r \t`, the other controls below
/// U+0020 as `\u00xx`, nothing else (not `/`, DEL or anything non-ASCII).
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.push(b'"');
    // Bytes before `copied` are in `out`; escapes are rare, so runs between
    // them are copied whole.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while none needs escaping: Chinese text is
        // all bytes of 0x80 and above.
        if let Some(word) = bytes.get(i..i + 8) {
            if !needs_json_escape(u64::from_le_bytes(word.try_into().expect("eight bytes"))) {
                i += 8;
                continue;
            }
        }
        let byte = bytes[i];
        let control;
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0C => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1F => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                control = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(byte >> 4)],
                    HEX[usize::from(byte & 0xF)],
                ];
                &control
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[copied..i]);
        out.extend_from_slice(escape);
        i += 1;
        copied = i;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

/// Whether any of the eight bytes of `word` is a control (below 0x20), `"`
/// or `\`.
fn needs_json_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    // Whether any byte of x is below n (n ≤ 0x80). If none is, no byte
    // borrows and no high bit survives; if one is, the lowest such byte gets
    // no borrow from below and keeps its high bit.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH_BITS != 0;
    below(word, 0x20)
        || below(word ^ (ONES * u64::from(b'"')), 1)
        || below(word ^ (ONES * u64::from(b'\\')), 1)
}

/// A number's text, formatted on the stack, right to left.
///
/// The longest is 31 bytes: a sign and 29 digits with a point, or a sign,
/// `0.` and 28 places.
struct NumberText {
    bytes: [u8; 40],
    start: usize,
}

impl NumberText {
    /// An integer's digits.
    fn integer(n: usize) -> Self {
        Self::digits(n as u128)
    }

    /// A decimal as [`Decimal`]'s `Display` writes it once normalized: no
    /// exponent, no trailing zeros, `0.005` below one, `-` if negative.
    fn decimal(value: Decimal) -> Self {
        // Normalized, zero has scale 0 and no sign.
        let value = value.normalize();
        let scale = value.scale() as usize;
        let mut text = Self::digits(value.mantissa().unsigned_abs());
        if scale > 0 {
            let end = text.bytes.len();
            while end - text.start < scale {
                text.push_front(b'0');
            }
            if end - text.start == scale {
                text.push_front(b'.');
                text.push_front(b'0');
            } else {
                let point = end - scale;
                text.bytes.copy_within(text.start..point, text.start - 1);
                text.start -= 1;
                text.bytes[point - 1] = b'.';
            }
        }
        if value.is_sign_negative() {
            text.push_front(b'-');
        }
        text
    }

    /// The digits of `n` (`0` for zero).
    fn digits(n: u128) -> Self {
        let mut text = NumberText {
            bytes: [0; 40],
            start: 40,
        };
        match u64::try_from(n) {
            Ok(n) => text.push_u64(n),
            Err(_) => {
                // Two u64 halves rather than a u128 division per digit. A
                // decimal's mantissa is under 2^96, so `high` has at most 10
                // digits, and it is not zero since n > u64::MAX > 10^19.
                const TEN_19: u128 = 10_000_000_000_000_000_000;
                text.push_u64((n % TEN_19) as u64);
                while text.bytes.len() - text.start < 19 {
                    text.push_front(b'0');
                }
                text.push_u64((n / TEN_19) as u64);
            }
        }
        text
    }

    fn push_u64(&mut self, mut n: u64) {
        loop {
            self.push_front(b'0' + (n % 10) as u8);
            n /= 10;
            if n == 0 {
                break;
            }
        }
    }

    fn push_front(&mut self, byte: u8) {
        self.start -= 1;
        self.bytes[self.start] = byte;
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[self.start..]
    }
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
    inner: W,
}

impl<W: Write> CsvWriter<W> {
    /// Starts a CSV file: optional BOM, then the header.
    pub fn new(mut inner: W, style: CsvStyle) -> io::Result<Self> {
        if style == CsvStyle::Excel {
            inner.write_all("\u{FEFF}".as_bytes())?;
        }
        let mut header = rows_writer();
        header.write_record(FIELDS).map_err(io::Error::other)?;
        inner.write_all(&into_bytes(header)?)?;
        Ok(CsvWriter { inner })
    }

    /// Writes one fact.
    pub fn write(&mut self, fact: &Fact) -> io::Result<()> {
        self.write_rows(&csv_rows(std::slice::from_ref(fact))?)
    }

    /// Writes rows made by [`csv_rows`] (on a worker thread, say).
    pub fn write_rows(&mut self, rows: &[u8]) -> io::Result<()> {
        self.inner.write_all(rows)
    }

    /// Returns the inner writer (not flushed).
    pub fn finish(self) -> io::Result<W> {
        Ok(self.inner)
    }
}

/// The CSV rows of `facts`, without the header: made where they are
/// wanted (a worker thread) and written with [`CsvWriter::write_rows`].
pub fn csv_rows(facts: &[Fact]) -> io::Result<Vec<u8>> {
    let mut writer = rows_writer();
    for fact in facts {
        // Cell by cell, numbers formatted on the stack: nothing allocated.
        for cell in cells(fact) {
            let written = match cell {
                Cell::Text(s) => writer.write_field(s),
                Cell::Number(Some(v)) => writer.write_field(NumberText::decimal(v).as_bytes()),
                Cell::Number(None) => writer.write_field(b""),
                Cell::Integer(n) => writer.write_field(NumberText::integer(n).as_bytes()),
            };
            written.map_err(io::Error::other)?;
        }
        // An empty record ends the one the fields above started.
        writer
            .write_record(std::iter::empty::<&[u8]>())
            .map_err(io::Error::other)?;
    }
    into_bytes(writer)
}

/// The `csv` crate's writer (it does the quoting) into memory.
fn rows_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

fn into_bytes(writer: csv::Writer<Vec<u8>>) -> io::Result<Vec<u8>> {
    writer
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))
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

/// The writers against the ones they replaced: the slow, obviously right
/// versions (a `String` per field, serde_json per string, `Display` per
/// number) give the bytes the fast ones must keep.
#[cfg(test)]
mod reference_tests {
    use super::*;
    use crate::document::{Change, Qualifier};
    use std::str::FromStr;

    fn reference_decimal(value: Decimal) -> String {
        value.normalize().to_string()
    }

    fn reference_json(fact: &Fact) -> String {
        let mut out = String::new();
        out.push('{');
        for (i, (name, cell)) in FIELDS.iter().zip(cells(fact)).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(name);
            out.push_str("\":");
            match cell {
                Cell::Text(s) => out.push_str(&serde_json::to_string(s).unwrap()),
                Cell::Number(Some(v)) => out.push_str(&reference_decimal(v)),
                Cell::Number(None) => out.push_str("null"),
                Cell::Integer(n) => out.push_str(&n.to_string()),
            }
        }
        out.push('}');
        out
    }

    fn reference_text_cells(fact: &Fact) -> [String; 16] {
        cells(fact).map(|cell| match cell {
            Cell::Text(s) => s.to_string(),
            Cell::Number(Some(v)) => reference_decimal(v),
            Cell::Number(None) => String::new(),
            Cell::Integer(n) => n.to_string(),
        })
    }

    fn reference_csv(facts: &[Fact], style: CsvStyle) -> Vec<u8> {
        let mut out = Vec::new();
        if style == CsvStyle::Excel {
            out.extend_from_slice("\u{FEFF}".as_bytes());
        }
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        writer.write_record(FIELDS).unwrap();
        for fact in facts {
            writer.write_record(reference_text_cells(fact)).unwrap();
        }
        writer.into_inner().unwrap()
    }

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    /// Facts whose strings and numbers are the awkward ones.
    fn tricky_facts() -> Vec<Fact> {
        let awkward = [
            "",
            "\"",
            "\\",
            "say \"hi\"\\n, C:\\dir",
            "\u{1}\u{0}\u{1f}\u{7f}\u{8}\u{c}",
            "tab\there\nline\r\nCRLF\rCR",
            "𠀀 non-BMP 😀, and ，\u{2028}\u{FEFF}",
            "a,b;c",
            " leading and trailing space ",
            "#not a comment",
            "总投资600亿元的\"项目\"，投产。\n第二行",
            "长长长长长长长长长长长长长长长长长长长长\u{1}长长长长长长长长长\"",
        ];
        let numbers = [
            Some(decimal("4.7100")),
            Some(decimal("0")),
            Some(decimal("0.000")),
            Some(decimal("-0.50")),
            Some(decimal("0.005")),
            Some(decimal("1000000000000000000")),
            Some(decimal("1000000000000000000.000")),
            Some(decimal("18446744073709551616")),
            Some(Decimal::MAX),
            Some(Decimal::MIN),
            Some(Decimal::from_i128_with_scale(1, 28)),
            Some(Decimal::from_i128_with_scale(-123456789, 28)),
            None,
        ];
        let mut facts = Vec::new();
        for (i, text) in awkward.iter().enumerate() {
            let value = numbers[i % numbers.len()];
            let value_max = numbers[(i + 5) % numbers.len()];
            facts.push(Fact {
                doc: format!("doc {text}"),
                index: [0, 9, 10, usize::MAX][i % 4],
                kind: Kind::ALL[i % 4],
                text: text.to_string(),
                value,
                value_max,
                unit: text.chars().rev().collect(),
                date: String::new(),
                qualifier: Qualifier::Approx,
                per: text.repeat(2),
                change: Change::None,
                metric: format!("{text}{text}x"),
                sentence: format!("前文{text}后文"),
                start: usize::MAX - i,
                end: i,
                rule: text.to_string(),
            });
        }
        for value in numbers {
            let mut fact = facts[0].clone();
            fact.value = value;
            facts.push(fact);
        }
        facts
    }

    #[test]
    fn json_is_byte_identical_to_serde_json() {
        for fact in tricky_facts() {
            let expected = reference_json(&fact);
            assert_eq!(fact_json(&fact), expected);
            let mut out = b"earlier line\n".to_vec();
            write_fact_json(&mut out, &fact);
            assert_eq!(out, format!("earlier line\n{expected}").into_bytes());
            let parsed: serde_json::Value = serde_json::from_str(&expected).unwrap();
            assert_eq!(parsed["text"], fact.text.as_str());
        }
    }

    #[test]
    fn json_strings_escape_every_character_as_serde_json_does() {
        let check = |text: &str| {
            let mut out = Vec::new();
            push_json_string(&mut out, text);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(text).unwrap(),
                "{text:?}"
            );
        };
        // Each ASCII character at each place in an eight-byte word, among
        // bytes that need no escape.
        for byte in 0u8..0x80 {
            for before in 0..=16 {
                let c = char::from(byte);
                check(&format!("{}{c}{}", "x".repeat(before), "文".repeat(3)));
            }
        }
        // Every character at once.
        let all: String = (0..=0x10FFFF).filter_map(char::from_u32).collect();
        check(&all);
    }

    #[test]
    fn csv_is_byte_identical_to_one_string_per_cell() {
        let facts = tricky_facts();
        for style in [CsvStyle::Plain, CsvStyle::Excel] {
            let mut writer = CsvWriter::new(Vec::new(), style).unwrap();
            for fact in &facts {
                writer.write(fact).unwrap();
            }
            assert_eq!(writer.finish().unwrap(), reference_csv(&facts, style));
        }
    }

    #[test]
    fn csv_reads_back_cell_for_cell() {
        let facts = tricky_facts();
        let mut writer = CsvWriter::new(Vec::new(), CsvStyle::Plain).unwrap();
        for fact in &facts {
            writer.write(fact).unwrap();
        }
        let bytes = writer.finish().unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(reader.headers().unwrap(), FIELDS.as_slice());
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), facts.len());
        for (record, fact) in records.iter().zip(&facts) {
            assert_eq!(record, reference_text_cells(fact).as_slice());
        }
    }

    #[test]
    fn decimals_print_as_display_does() {
        for text in [
            "0",
            "-0",
            "0.000",
            "-0.000",
            "1",
            "-1",
            "10",
            "4.7100",
            "0.5",
            "-0.05",
            "123.456",
            "1000000000000000000",
            "18446744073709551615",
            "18446744073709551616",
            "10000000000000000000",
            "9999999999999999999.9",
        ] {
            let value = decimal(text);
            assert_eq!(plain_decimal(value), reference_decimal(value), "{text}");
        }
        for value in [
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from_i128_with_scale(1, 28),
        ] {
            assert_eq!(plain_decimal(value), reference_decimal(value));
        }
        for n in [0, 9, 10, 99, 100, u64::MAX as usize, usize::MAX] {
            assert_eq!(NumberText::integer(n).as_bytes(), n.to_string().as_bytes());
        }
    }

    proptest::proptest! {
        #[test]
        fn any_decimal_prints_as_display_does(
            mantissa in -(1i128 << 96) + 1..(1i128 << 96),
            scale in 0u32..=28,
        ) {
            let value = Decimal::from_i128_with_scale(mantissa, scale);
            proptest::prop_assert_eq!(plain_decimal(value), reference_decimal(value));
        }

        #[test]
        fn any_string_escapes_as_serde_json_does(text in "(\\PC|[\\x00-\\x1f\"\\\\\u{7f}])*") {
            let mut out = Vec::new();
            push_json_string(&mut out, &text);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&text).unwrap());
        }
    }
}
