//! Stage 5: the fact record as CSV and JSON Lines, and the run report.
//!
//! The schema lives here, once: [`FIELDS`] and [`cells`]. The two writers
//! spell the fields out in that order rather than loop over [`cells`] (it
//! is the hottest code of a run's output), and the tests hold them to it,
//! byte for byte. Numbers are plain decimals (60000000000, never 6e10);
//! empty numbers are `null` in JSON and empty cells in CSV. CSV is UTF-8
//! with RFC 4180 quoting; with [`CsvStyle::Excel`] it starts with a BOM so
//! Excel on Windows reads it as UTF-8.
//!
//! ```
//! use zhfacts::output::{fact_json, FIELDS};
//! assert_eq!(FIELDS[0], "doc");
//! ```

use crate::document::{Fact, Kind};
use rust_decimal::Decimal;
use std::io::{self, IoSlice, Write};

/// Writes all of `parts`, in order, with vectored writes: the output of
/// several documents in one system call, without first copying it into a
/// buffer (through a `BufWriter`, parts that fill its buffer go straight
/// to the file).
pub fn write_all_parts(out: &mut impl Write, parts: &[&[u8]]) -> io::Result<()> {
    let mut slices: Vec<IoSlice<'_>> = parts
        .iter()
        .filter(|part| !part.is_empty())
        .map(|part| IoSlice::new(part))
        .collect();
    let mut slices = &mut slices[..];
    while !slices.is_empty() {
        match out.write_vectored(slices) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(written) => IoSlice::advance_slices(&mut slices, written),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The size of the writes to output files. Each `write` costs a few
/// microseconds in the kernel whatever its size on the machines we measure
/// (virtual ones): 8 KiB writes (`BufWriter`'s default) made writing the
/// 1.9 GB of facts for 287 MB of articles take about 0.5 s more system
/// time than 256 KiB ones. That time is spent beside the workers, so it
/// is what `-j2` cannot halve. (In `dd` runs, 1 MiB writes were slower
/// again than 256 KiB ones.)
pub const WRITE_CHUNK: usize = 256 << 10;

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
/// Allocates the line; a writer of many facts calls [`json_lines`], which
/// writes them all into one buffer.
pub fn fact_json(fact: &Fact) -> String {
    let mut out = Vec::with_capacity(json_line_capacity(fact));
    write_fact_json(&mut out, fact);
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// `facts` as JSON Lines: one [`fact_json`] line each, in one buffer.
pub fn json_lines(facts: &[Fact]) -> Vec<u8> {
    let mut out = Vec::new();
    json_lines_into(facts, &mut out);
    out
}

/// [`json_lines`] appended to `out`, which a caller formatting document
/// after document reuses rather than allocating a buffer each time.
pub fn json_lines_into(facts: &[Fact], out: &mut Vec<u8>) {
    append_records(out, facts, json_line_capacity, |out, fact| {
        write_fact_json(out, fact);
        out.push(b'\n');
    });
}

/// Appends each fact's record to `out`, with room for all of them
/// reserved at once (growing a large buffer step by step copies it again
/// at each step). Made for each format, so `write` is inlined.
#[inline(always)]
fn append_records(
    out: &mut Vec<u8>,
    facts: &[Fact],
    capacity: impl Fn(&Fact) -> usize,
    write: impl Fn(&mut Vec<u8>, &Fact),
) {
    out.reserve(facts.iter().map(capacity).sum());
    for fact in facts {
        write(out, fact);
    }
}

/// The most a fact's JSON line takes besides its strings: keys and
/// punctuation (169 bytes), two decimals of up to 31 bytes, three integers
/// of up to 20, the longest kind, qualifier and change names, a newline.
const JSON_LINE_OVERHEAD: usize = 169 + 2 * 31 + 3 * 20 + 8 + 6 + 4 + 1;

/// Room for a fact's JSON line with its newline: exact unless a string
/// needs escapes, which are rare (the buffer then grows).
fn json_line_capacity(fact: &Fact) -> usize {
    JSON_LINE_OVERHEAD + string_bytes(fact)
}

/// The bytes of a fact's free-text fields, as they are.
fn string_bytes(fact: &Fact) -> usize {
    let fields: [&str; 8] = [
        &fact.doc,
        &fact.text,
        &fact.unit,
        &fact.date,
        &fact.per,
        &fact.metric,
        &fact.sentence,
        &fact.rule,
    ];
    fields.iter().map(|s| s.len()).sum()
}

/// Appends one fact to `out` as a JSON object on one line (no newline):
/// the bytes of [`fact_json`], without allocating anything of its own.
///
/// Field by field rather than through [`cells`]: each literal holds all
/// the JSON between two values (`","index":` closes the string before it,
/// then names the next key), so a field costs two appends, not six. The
/// tests hold these literals to [`FIELDS`] and the values to [`cells`].
fn write_fact_json(out: &mut Vec<u8>, fact: &Fact) {
    // The names of kinds, qualifiers and changes need no escapes (a test
    // checks each), so they are copied as they are.
    out.extend_from_slice(b"{\"doc\":\"");
    push_json_string_content(out, &fact.doc);
    out.extend_from_slice(b"\",\"index\":");
    push_integer(out, fact.index);
    out.extend_from_slice(b",\"kind\":\"");
    out.extend_from_slice(fact.kind.as_str().as_bytes());
    out.extend_from_slice(b"\",\"text\":\"");
    push_json_string_content(out, &fact.text);
    out.extend_from_slice(b"\",\"value\":");
    push_json_number(out, fact.value);
    out.extend_from_slice(b",\"value_max\":");
    push_json_number(out, fact.value_max);
    out.extend_from_slice(b",\"unit\":\"");
    push_json_string_content(out, &fact.unit);
    out.extend_from_slice(b"\",\"date\":\"");
    push_json_string_content(out, &fact.date);
    out.extend_from_slice(b"\",\"qualifier\":\"");
    out.extend_from_slice(fact.qualifier.as_str().as_bytes());
    out.extend_from_slice(b"\",\"per\":\"");
    push_json_string_content(out, &fact.per);
    out.extend_from_slice(b"\",\"change\":\"");
    out.extend_from_slice(fact.change.as_str().as_bytes());
    out.extend_from_slice(b"\",\"metric\":\"");
    push_json_string_content(out, &fact.metric);
    out.extend_from_slice(b"\",\"sentence\":\"");
    push_json_string_content(out, &fact.sentence);
    out.extend_from_slice(b"\",\"start\":");
    push_integer(out, fact.start);
    out.extend_from_slice(b",\"end\":");
    push_integer(out, fact.end);
    out.extend_from_slice(b",\"rule\":\"");
    push_json_string_content(out, &fact.rule);
    out.extend_from_slice(b"\"}");
}

/// Appends a decimal as a JSON number, or `null`.
fn push_json_number(out: &mut Vec<u8>, value: Option<Decimal>) {
    match value {
        Some(value) => out.extend_from_slice(NumberText::decimal(value).as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends an integer's digits.
fn push_integer(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(NumberText::integer(n).as_bytes());
}

/// Appends `text` escaped as the inside of a JSON string (no quotes),
/// byte for byte as serde_json escapes it: `\"`, `\\`, `\b \f \n \r \t`,
/// the other controls below U+0020 as `\u00xx`, nothing else (not `/`, DEL
/// or anything non-ASCII).
///
/// Inlined at each of its eight calls a fact: most fields are short, and
/// a call cost as much as their scan (measured).
#[inline(always)]
fn push_json_string_content(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    if any_word_has(bytes, needs_json_escape) {
        push_escaped_json_string_content(out, bytes);
    } else {
        out.extend_from_slice(bytes);
    }
}

/// The rarer case of [`push_json_string_content`]: some byte needs an
/// escape.
#[cold]
#[inline(never)]
fn push_escaped_json_string_content(out: &mut Vec<u8>, bytes: &[u8]) {
    // Bytes before `copied` are in `out`; escapes are rare even here, so
    // runs between them are copied whole.
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
}

/// Whether any of the eight bytes of `word` is a control (below 0x20), `"`
/// or `\`.
fn needs_json_escape(word: u64) -> bool {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    // Most words of Chinese text are all bytes of 0x80 and above, settled
    // by one test; then one test of the three marks together.
    word & HIGH_BITS != HIGH_BITS
        && (bytes_below(word, 0x20) | bytes_equal(word, b'"') | bytes_equal(word, b'\\')) != 0
}

/// A number's text, formatted on the stack, right to left.
///
/// The longest is 31 bytes: a sign and 29 digits with a point, or a sign,
/// `0.` and 28 places.
pub(crate) struct NumberText {
    bytes: [u8; 40],
    /// The text is `bytes[start..end]`.
    start: usize,
    end: usize,
}

impl NumberText {
    /// An integer's digits.
    pub(crate) fn integer(n: usize) -> Self {
        Self::digits(n as u128)
    }

    /// A decimal as [`Decimal`]'s `Display` writes it once normalized: no
    /// exponent, no trailing zeros, `0.005` below one, `-` if negative.
    pub(crate) fn decimal(value: Decimal) -> Self {
        let mantissa = value.mantissa();
        if mantissa == 0 {
            // `0`, whatever its scale and sign, as `normalize` makes it.
            return Self::digits(0);
        }
        let mut text = Self::digits(mantissa.unsigned_abs());
        // Zeros after the point go, as `normalize` drops them: on the text,
        // since a u128 division is a call.
        let mut scale = value.scale() as usize;
        while scale > 0 && text.bytes[text.end - 1] == b'0' {
            text.end -= 1;
            scale -= 1;
        }
        if scale > 0 {
            while text.end - text.start < scale {
                text.push_front(b'0');
            }
            if text.end - text.start == scale {
                text.push_front(b'.');
                text.push_front(b'0');
            } else {
                let point = text.end - scale;
                text.bytes.copy_within(text.start..point, text.start - 1);
                text.start -= 1;
                text.bytes[point - 1] = b'.';
            }
        }
        if mantissa < 0 {
            text.push_front(b'-');
        }
        text
    }

    /// The digits of `n` (`0` for zero).
    fn digits(n: u128) -> Self {
        let mut text = NumberText {
            bytes: [0; 40],
            start: 40,
            end: 40,
        };
        match u64::try_from(n) {
            Ok(n) => text.push_u64(n),
            Err(_) => {
                // Two u64 halves rather than a u128 division per digit. A
                // decimal's mantissa is under 2^96, so `high` has at most 10
                // digits, and it is not zero since n > u64::MAX > 10^19.
                const TEN_19: u128 = 10_000_000_000_000_000_000;
                text.push_u64((n % TEN_19) as u64);
                while text.end - text.start < 19 {
                    text.push_front(b'0');
                }
                text.push_u64((n / TEN_19) as u64);
            }
        }
        text
    }

    /// The digits of `n`, two at a time from a table: half the divisions
    /// of one digit at a time.
    fn push_u64(&mut self, mut n: u64) {
        while n >= 100 {
            self.push_pair((n % 100) as usize);
            n /= 100;
        }
        if n >= 10 {
            self.push_pair(n as usize);
        } else {
            self.push_front(b'0' + n as u8);
        }
    }

    /// Two digits, `00` to `99`.
    fn push_pair(&mut self, pair: usize) {
        self.start -= 2;
        self.bytes[self.start..self.start + 2].copy_from_slice(&DIGIT_PAIRS[pair]);
    }

    fn push_front(&mut self, byte: u8) {
        self.start -= 1;
        self.bytes[self.start] = byte;
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[self.start..self.end]
    }

    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).expect("digits, sign and point are ASCII")
    }
}

/// `00`, `01`, … `99`.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0; 2]; 100];
    let mut i = 0;
    while i < 100 {
        pairs[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    pairs
};

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
        let mut header = Vec::with_capacity(128);
        for (i, name) in FIELDS.iter().enumerate() {
            if i > 0 {
                header.push(b',');
            }
            push_csv_field(&mut header, name.as_bytes());
        }
        header.extend_from_slice(b"\r\n");
        inner.write_all(&header)?;
        Ok(CsvWriter { inner })
    }

    /// Writes one fact.
    pub fn write(&mut self, fact: &Fact) -> io::Result<()> {
        self.write_rows(&csv_rows(std::slice::from_ref(fact)))
    }

    /// Writes rows made by [`csv_rows`] (on a worker thread, say).
    pub fn write_rows(&mut self, rows: &[u8]) -> io::Result<()> {
        self.inner.write_all(rows)
    }

    /// Writes several documents' rows (see [`write_all_parts`]).
    pub fn write_rows_of(&mut self, documents: &[&[u8]]) -> io::Result<()> {
        write_all_parts(&mut self.inner, documents)
    }

    /// Returns the inner writer (not flushed).
    pub fn finish(self) -> W {
        self.inner
    }
}

/// The CSV rows of `facts`, without the header: made where they are
/// wanted (a worker thread) and written with [`CsvWriter::write_rows`].
pub fn csv_rows(facts: &[Fact]) -> Vec<u8> {
    let mut out = Vec::new();
    csv_rows_into(facts, &mut out);
    out
}

/// [`csv_rows`] appended to `out` (see [`json_lines_into`]).
pub fn csv_rows_into(facts: &[Fact], out: &mut Vec<u8>) {
    append_records(out, facts, csv_row_capacity, write_fact_csv);
}

/// The most a fact's CSV row takes besides its strings: fifteen commas
/// and CRLF, two decimals of up to 31 bytes, three integers of up to 20,
/// and the longest kind, qualifier and change names.
const CSV_ROW_OVERHEAD: usize = 17 + 2 * 31 + 3 * 20 + 8 + 6 + 4;

/// Room for a fact's CSV row: exact unless a field needs quotes (the
/// buffer then grows).
fn csv_row_capacity(fact: &Fact) -> usize {
    CSV_ROW_OVERHEAD + string_bytes(fact)
}

/// Appends one fact's CSV row, CRLF included, nothing allocated: the cells
/// of [`cells`] in [`FIELDS`] order, field by field rather than through
/// them (the tests hold the two together).
fn write_fact_csv(out: &mut Vec<u8>, fact: &Fact) {
    // Numbers (digits, `-` and `.`) and the names of kinds, qualifiers and
    // changes never need quotes (a test checks each name), so they are
    // copied as they are.
    push_csv_field(out, fact.doc.as_bytes());
    out.push(b',');
    push_integer(out, fact.index);
    out.push(b',');
    out.extend_from_slice(fact.kind.as_str().as_bytes());
    out.push(b',');
    push_csv_field(out, fact.text.as_bytes());
    out.push(b',');
    push_csv_number(out, fact.value);
    out.push(b',');
    push_csv_number(out, fact.value_max);
    out.push(b',');
    push_csv_field(out, fact.unit.as_bytes());
    out.push(b',');
    push_csv_field(out, fact.date.as_bytes());
    out.push(b',');
    out.extend_from_slice(fact.qualifier.as_str().as_bytes());
    out.push(b',');
    push_csv_field(out, fact.per.as_bytes());
    out.push(b',');
    out.extend_from_slice(fact.change.as_str().as_bytes());
    out.push(b',');
    push_csv_field(out, fact.metric.as_bytes());
    out.push(b',');
    push_csv_field(out, fact.sentence.as_bytes());
    out.push(b',');
    push_integer(out, fact.start);
    out.push(b',');
    push_integer(out, fact.end);
    out.push(b',');
    push_csv_field(out, fact.rule.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Appends a decimal, or nothing: an empty field is written as nothing
/// (see [`push_csv_field`]).
fn push_csv_number(out: &mut Vec<u8>, value: Option<Decimal>) {
    if let Some(value) = value {
        out.extend_from_slice(NumberText::decimal(value).as_bytes());
    }
}

/// Appends one CSV field, byte for byte as the `csv` crate (1.4, csv-core
/// 0.1.13) writes it with its defaults and a CRLF terminator
/// (`QuoteStyle::Necessary`, `,`, `"`, quotes doubled, no comment byte):
/// quoted if and only if it holds a `,`, `"`, `\r` or `\n` (nothing else:
/// not a leading `#`, spaces, tabs, NUL or an empty field), each `"` inside
/// doubled.
///
/// csv-core writes `""` for an empty field only when it is a record's sole
/// field; our records always have sixteen, so an empty field is nothing.
///
/// Inlined at each of its eight calls a row, as
/// [`push_json_string_content`] is.
#[inline(always)]
fn push_csv_field(out: &mut Vec<u8>, field: &[u8]) {
    if needs_csv_quotes(field) {
        push_quoted_csv_field(out, field);
    } else {
        out.extend_from_slice(field);
    }
}

/// The rarer case of [`push_csv_field`]: quotes around, each `"` doubled.
#[cold]
#[inline(never)]
fn push_quoted_csv_field(out: &mut Vec<u8>, field: &[u8]) {
    out.reserve(field.len() + 2);
    out.push(b'"');
    // A comma is the usual reason for the quotes: then there is nothing
    // to double.
    if any_word_has(field, |word| any_byte_is(word, b'"')) {
        push_doubling_quotes(out, field);
    } else {
        out.extend_from_slice(field);
    }
    out.push(b'"');
}

/// Appends `field` with each `"` doubled.
fn push_doubling_quotes(out: &mut Vec<u8>, field: &[u8]) {
    // Bytes before `copied` are in `out`; quotes are rare even here, so
    // runs between them are copied whole.
    let mut copied = 0;
    let mut i = 0;
    while i < field.len() {
        if let Some(word) = field.get(i..i + 8) {
            if !any_byte_is(
                u64::from_le_bytes(word.try_into().expect("eight bytes")),
                b'"',
            ) {
                i += 8;
                continue;
            }
        }
        if field[i] == b'"' {
            // The quote itself, then its double.
            out.extend_from_slice(&field[copied..=i]);
            out.push(b'"');
            copied = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&field[copied..]);
}

/// Whether `field` holds a `,`, `"`, `\r` or `\n`: eight bytes at a time.
#[inline]
fn needs_csv_quotes(field: &[u8]) -> bool {
    any_word_has(field, has_csv_special)
}

/// Whether `has_special` finds anything in `bytes`, read as words of eight
/// bytes. `has_special` must hold for a word if and only if one of its
/// bytes is special; every word passed to it is made of bytes of `bytes`
/// (overlapping or repeated), so the last few bytes need no loop of their
/// own.
#[inline(always)]
fn any_word_has(bytes: &[u8], has_special: impl Fn(u64) -> bool) -> bool {
    let word_at = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"));
    let len = bytes.len();
    let word = if len >= 8 {
        let mut i = 0;
        while i + 8 < len {
            if has_special(word_at(i)) {
                return true;
            }
            i += 8;
        }
        // The last eight bytes, overlapping words already seen.
        word_at(len - 8)
    } else if len >= 4 {
        // Two overlapping halves cover all four to seven bytes.
        let half_at = |i: usize| {
            u64::from(u32::from_le_bytes(
                bytes[i..i + 4].try_into().expect("four bytes"),
            ))
        };
        half_at(0) | half_at(len - 4) << 32
    } else if len > 0 {
        // First, middle and last cover one to three bytes; the first fills
        // the rest of the word.
        let (first, middle, last) = (bytes[0], bytes[len / 2], bytes[len - 1]);
        u64::from(first)
            | (u64::from(middle) << 8)
            | (u64::from(last) << 16)
            | (u64::from(first) * 0x0101_0101_0100_0000)
    } else {
        return false;
    };
    has_special(word)
}

/// Whether any of the eight bytes of `word` is `,`, `"`, `\r` or `\n`.
fn has_csv_special(word: u64) -> bool {
    // All four are below `-` (0x2D), and Chinese text is all bytes of 0x80
    // and above: one test usually settles a word.
    any_byte_below(word, b'-')
        && (bytes_equal(word, b',')
            | bytes_equal(word, b'"')
            | bytes_equal(word, b'\r')
            | bytes_equal(word, b'\n'))
            != 0
}

/// The high bit of each byte of `word` below `n` (`n` ≤ 0x80), exact up to
/// the lowest such byte: not zero if and only if one is below `n`. If none
/// is, no byte borrows and no high bit survives; if one is, the lowest
/// such byte gets no borrow from below and keeps its high bit.
pub(crate) fn bytes_below(word: u64, n: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    word.wrapping_sub(ONES * u64::from(n)) & !word & HIGH_BITS
}

/// Like [`bytes_below`], for the bytes of `word` equal to `byte`.
pub(crate) fn bytes_equal(word: u64, byte: u8) -> u64 {
    bytes_below(word ^ (0x0101_0101_0101_0101 * u64::from(byte)), 1)
}

/// Whether any byte of `word` is below `n` (`n` ≤ 0x80).
fn any_byte_below(word: u64, n: u8) -> bool {
    bytes_below(word, n) != 0
}

/// Whether any byte of `word` is `byte`.
fn any_byte_is(word: u64, byte: u8) -> bool {
    bytes_equal(word, byte) != 0
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

    /// Takes at most `step` bytes a call, and is interrupted every other call.
    struct Stingy {
        written: Vec<u8>,
        step: usize,
        calls: usize,
    }

    impl Write for Stingy {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.write_vectored(&[IoSlice::new(buf)])
        }

        fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls % 2 == 0 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let mut taken = 0;
            for buf in bufs {
                let n = buf.len().min(self.step - taken);
                self.written.extend_from_slice(&buf[..n]);
                taken += n;
            }
            Ok(taken)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn parts_are_written_whole_and_in_order_through_short_writes() {
        let parts: [&[u8]; 5] = [b"abc", b"", "总投资".as_bytes(), b"d", b"efgh"];
        for step in 1..8 {
            let mut out = Stingy {
                written: Vec::new(),
                step,
                calls: 0,
            };
            write_all_parts(&mut out, &parts).unwrap();
            assert_eq!(out.written, parts.concat(), "{step} bytes a call");
        }
    }
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
        let bytes = w.finish();
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

    /// `text` as a JSON string, quotes and all, by the fast writer.
    fn json_string(text: &str) -> String {
        let mut out = b"\"".to_vec();
        push_json_string_content(&mut out, text);
        out.push(b'"');
        String::from_utf8(out).unwrap()
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
                doc: format!("doc {text}").into(),
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
                sentence: format!("前文{text}后文").into(),
                start: usize::MAX - i,
                end: i,
                rule: text.to_string().into(),
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
    fn json_strings_escape_each_byte_at_each_place_of_short_and_long_strings() {
        for byte in 0u8..0x80 {
            for len in 1..=25 {
                for at in 0..len {
                    for filler in ["x", "\u{7f}", "é", "文"] {
                        let mut text: Vec<String> = vec![filler.to_string(); len];
                        text[at] = char::from(byte).to_string();
                        let text = text.concat();
                        assert_eq!(
                            json_string(&text),
                            serde_json::to_string(&text).unwrap(),
                            "{text:?}"
                        );
                    }
                }
            }
        }
        assert_eq!(json_string(""), "\"\"");
    }

    #[test]
    fn json_word_scan_finds_each_byte_to_escape_at_each_place() {
        for filler in [b'x', b' ', 0x7F, 0x80, 0xE4, 0xFF] {
            for byte in 0..=u8::MAX {
                for at in 0..8 {
                    let mut word = [filler; 8];
                    word[at] = byte;
                    let expected = word.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
                    assert_eq!(
                        needs_json_escape(u64::from_le_bytes(word)),
                        expected,
                        "{word:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn json_strings_escape_every_character_as_serde_json_does() {
        let check = |text: &str| {
            assert_eq!(
                json_string(text),
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
            assert_eq!(writer.finish(), reference_csv(&facts, style));
        }
    }

    #[test]
    fn csv_reads_back_cell_for_cell() {
        let facts = tricky_facts();
        let mut writer = CsvWriter::new(Vec::new(), CsvStyle::Plain).unwrap();
        for fact in &facts {
            writer.write(fact).unwrap();
        }
        let bytes = writer.finish();
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

    #[test]
    fn trailing_zeros_go_as_normalize_drops_them() {
        // Every count of trailing zeros, below and above the point, with
        // mantissas on both sides of u64::MAX.
        for digits in ["1", "12", "1000000000000000000007"] {
            for zeros in 0..=28 - digits.len() {
                let mantissa: i128 = format!("{digits}{}", "0".repeat(zeros)).parse().unwrap();
                for scale in 0..=28 {
                    for mantissa in [mantissa, -mantissa] {
                        let value = Decimal::from_i128_with_scale(mantissa, scale);
                        assert_eq!(plain_decimal(value), reference_decimal(value), "{value:?}");
                    }
                }
            }
        }
        for scale in 0..=28 {
            let zero = Decimal::from_i128_with_scale(0, scale);
            assert_eq!(plain_decimal(zero), "0");
            assert_eq!(plain_decimal(-zero), "0");
        }
    }

    #[test]
    fn integers_print_as_display_does_at_each_power_of_ten_and_two() {
        let mut numbers = vec![0, usize::MAX];
        for power in 0..usize::BITS {
            let n = 1usize << power;
            numbers.extend([n - 1, n, n + 1]);
        }
        let mut n = 1usize;
        while let Some(next) = n.checked_mul(10) {
            numbers.extend([n - 1, n, n + 1]);
            n = next;
        }
        numbers.extend([n - 1, n, n + 1]);
        for n in numbers {
            assert_eq!(NumberText::integer(n).as_bytes(), n.to_string().as_bytes());
            let mut out = b"x".to_vec();
            push_integer(&mut out, n);
            assert_eq!(out, format!("x{n}").into_bytes());
        }
    }

    #[test]
    fn names_of_kinds_qualifiers_and_changes_need_no_escapes_or_quotes() {
        // The writers copy these names as they are.
        let names = Kind::ALL.iter().map(|kind| kind.as_str()).chain(
            [
                Qualifier::None,
                Qualifier::Approx,
                Qualifier::Over,
                Qualifier::Under,
                Qualifier::Start,
                Qualifier::Mid,
                Qualifier::End,
                Qualifier::Since,
            ]
            .map(Qualifier::as_str),
        );
        let names = names.chain(
            [
                Change::None,
                Change::From,
                Change::To,
                Change::Up,
                Change::Down,
            ]
            .map(Change::as_str),
        );
        for name in names {
            assert_eq!(json_string(name), serde_json::to_string(name).unwrap());
            assert_eq!(json_string(name), format!("\"{name}\""));
            assert!(!needs_csv_quotes(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn line_overheads_cover_the_longest_numbers_and_names() {
        // A sign, 29 digits and a point; a sign, `0.` and 28 places.
        let longest = Decimal::from_i128_with_scale(Decimal::MIN.mantissa(), 1);
        let mut fact = fact_with_text("", Some(longest));
        fact.value_max = Some(Decimal::from_i128_with_scale(-1, 28));
        (fact.index, fact.start, fact.end) = (usize::MAX, usize::MAX, usize::MAX);
        (fact.kind, fact.qualifier, fact.change) =
            (Kind::Quantity, Qualifier::Approx, Change::Down);
        for value in [fact.value, fact.value_max] {
            assert_eq!(plain_decimal(value.unwrap()).len(), 31);
        }
        assert_eq!(
            json_lines(std::slice::from_ref(&fact)).len(),
            JSON_LINE_OVERHEAD
        );
        assert_eq!(
            csv_rows(std::slice::from_ref(&fact)).len(),
            CSV_ROW_OVERHEAD
        );
        let strings = fact_with_text("长", None);
        assert_eq!(string_bytes(&strings), 8 * "长".len());
    }

    /// `csv_rows` as it was before the hand-written writer: the `csv`
    /// crate's writer, field by field, an empty record ending each row.
    fn csv_crate_rows(facts: &[Fact]) -> Vec<u8> {
        let mut writer = csv::WriterBuilder::new()
            .has_headers(false)
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        for fact in facts {
            for cell in cells(fact) {
                match cell {
                    Cell::Text(s) => writer.write_field(s),
                    Cell::Number(Some(v)) => writer.write_field(NumberText::decimal(v).as_bytes()),
                    Cell::Number(None) => writer.write_field(b""),
                    Cell::Integer(n) => writer.write_field(NumberText::integer(n).as_bytes()),
                }
                .unwrap();
            }
            writer.write_record(std::iter::empty::<&[u8]>()).unwrap();
        }
        writer.into_inner().unwrap()
    }

    /// `CsvWriter::new`'s output as it was: the `csv` crate writes the header.
    fn csv_crate_header(style: CsvStyle) -> Vec<u8> {
        let mut out = Vec::new();
        if style == CsvStyle::Excel {
            out.extend_from_slice("\u{FEFF}".as_bytes());
        }
        let mut writer = csv::WriterBuilder::new()
            .has_headers(false)
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        writer.write_record(FIELDS).unwrap();
        writer.into_inner().unwrap()
    }

    /// Asserts `csv_rows` writes `facts` as the `csv` crate did: all at
    /// once, and fact by fact (naming the first that differs).
    fn assert_rows_as_csv_crate(facts: &[Fact]) {
        let rows = csv_rows(facts);
        if rows != csv_crate_rows(facts) {
            for fact in facts {
                let one = std::slice::from_ref(fact);
                assert_eq!(
                    String::from_utf8_lossy(&csv_rows(one)),
                    String::from_utf8_lossy(&csv_crate_rows(one)),
                    "{fact:?}"
                );
            }
            panic!("the rows differ only when written together");
        }
    }

    /// A fact with `text` in every string field.
    fn fact_with_text(text: &str, value: Option<Decimal>) -> Fact {
        Fact {
            doc: text.into(),
            index: 7,
            kind: Kind::Percent,
            text: text.to_string(),
            value,
            value_max: None,
            unit: text.to_string().into(),
            date: text.to_string(),
            qualifier: Qualifier::Over,
            per: text.to_string(),
            change: Change::Up,
            metric: text.to_string(),
            sentence: text.into(),
            start: 0,
            end: 12,
            rule: text.to_string().into(),
        }
    }

    /// Strings that need quotes, look as if they might, or test the
    /// eight-byte scan at its edges.
    fn awkward_strings() -> Vec<String> {
        let mut strings: Vec<String> = [
            "",
            " ",
            ",",
            ",,",
            "\"",
            "\"\"",
            "\"\"\"",
            "a\"b",
            "\"quoted\"",
            "say \"hi\", then \"\"bye\"\"",
            "\r",
            "\n",
            "\r\n",
            "\n\r",
            "a\rb",
            "a\nb",
            "line\r\nnext",
            "\t",
            "tab\there",
            "  leading",
            "trailing  ",
            " both ",
            "#",
            "#comment",
            "a#b",
            "\0",
            "a\0b",
            "\u{1}\u{2}\u{1b}\u{1f}\u{7f}",
            "\u{b}\u{c}",
            "\\",
            "\\\"",
            "'single'",
            "a;b|c",
            "=1+2",
            "-3",
            "0.5",
            "𠀀",
            "😀, 😀",
            "\u{FEFF}",
            "\u{2028}\u{2029}\u{85}",
            "，＂＃\u{3000}",
            "总投资600亿元的\"项目\"，投产。\n第二行",
            "null",
            "NaN",
        ]
        .map(String::from)
        .to_vec();
        // Each special byte alone at each place around an eight-byte word.
        for special in [",", "\"", "\r", "\n", "#", " ", "\0"] {
            for len in 0..=17 {
                for at in 0..=len {
                    let mut s = "x".repeat(len);
                    s.insert_str(at, special);
                    strings.push(s);
                }
            }
        }
        strings.push("x".repeat(10_000));
        strings.push("长".repeat(5_000));
        strings.push(format!("{},", "长".repeat(5_000)));
        strings.push(format!("\n{}", "长".repeat(5_000)));
        strings.push("\"".repeat(1_000));
        strings.push("a,".repeat(3_000));
        strings.push("\r\n".repeat(1_000));
        strings
    }

    #[test]
    fn csv_header_is_byte_identical_to_csv_crate() {
        for style in [CsvStyle::Plain, CsvStyle::Excel] {
            let writer = CsvWriter::new(Vec::new(), style).unwrap();
            assert_eq!(writer.finish(), csv_crate_header(style));
        }
    }

    #[test]
    fn csv_rows_are_byte_identical_to_csv_crate_on_awkward_strings() {
        let strings = awkward_strings();
        let numbers = [
            None,
            Some(decimal("0")),
            Some(decimal("-0.50")),
            Some(Decimal::MIN),
        ];
        // Every string in every string field at once.
        let facts: Vec<Fact> = strings
            .iter()
            .enumerate()
            .map(|(i, s)| fact_with_text(s, numbers[i % numbers.len()]))
            .collect();
        assert_rows_as_csv_crate(&facts);
        // Each string in one field, between ordinary ones: first (`doc`),
        // middle (`sentence`) and last (`rule`).
        let mut facts = Vec::new();
        for s in &strings {
            for field in 0..3 {
                let mut fact = fact_with_text("普通", None);
                match field {
                    0 => fact.doc = s.as_str().into(),
                    1 => fact.sentence = s.as_str().into(),
                    _ => fact.rule = s.clone().into(),
                }
                facts.push(fact);
            }
        }
        assert_rows_as_csv_crate(&facts);
        assert_rows_as_csv_crate(&tricky_facts());
        assert_rows_as_csv_crate(&[]);
        // The whole file, header and all, written one fact at a time.
        for style in [CsvStyle::Plain, CsvStyle::Excel] {
            let mut writer = CsvWriter::new(Vec::new(), style).unwrap();
            for fact in &facts {
                writer.write(fact).unwrap();
            }
            let mut expected = csv_crate_header(style);
            expected.extend(csv_crate_rows(&facts));
            assert_eq!(writer.finish(), expected);
        }
    }

    #[test]
    fn csv_fields_of_every_latin1_char_and_a_sample_of_others_match_csv_crate() {
        let mut chars: Vec<char> = (0u32..=0xFF).filter_map(char::from_u32).collect();
        chars.extend(
            (0x100u32..=0x10FFFF)
                .step_by(251)
                .filter_map(char::from_u32),
        );
        chars.extend([
            '\u{2028}',
            '\u{3000}',
            '\u{FEFF}',
            '\u{FF0C}',
            '\u{FFFD}',
            '\u{1F600}',
            '\u{20000}',
            '\u{10FFFF}',
        ]);
        let mut facts = Vec::new();
        for c in chars {
            // Alone, and at each place of a field longer than two words.
            facts.push(fact_with_text(&c.to_string(), None));
            for before in 0..=16 {
                let mut fact = fact_with_text("", None);
                fact.sentence = format!("{}{c}{}", "x".repeat(before), "文".repeat(3)).into();
                fact.text = format!("{}{c}", "长".repeat(before));
                facts.push(fact);
            }
        }
        assert_rows_as_csv_crate(&facts);
    }

    #[test]
    fn csv_word_scan_finds_each_special_byte_at_each_place() {
        for filler in [0x00, b'+', b'-', b'x', 0x7F, 0x80, 0xE4, 0xFF] {
            for byte in 0..=u8::MAX {
                for at in 0..8 {
                    let mut word = [filler; 8];
                    word[at] = byte;
                    let expected = word.iter().any(|b| b",\"\r\n".contains(b));
                    assert_eq!(
                        has_csv_special(u64::from_le_bytes(word)),
                        expected,
                        "{word:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn csv_field_scan_finds_each_byte_at_each_place_of_short_and_long_fields() {
        for byte in 0..=u8::MAX {
            for len in 1..=25 {
                for at in 0..len {
                    for filler in [b'x', 0x00, 0xE4] {
                        let mut field = vec![filler; len];
                        field[at] = byte;
                        let expected = b",\"\r\n".contains(&byte);
                        assert_eq!(needs_csv_quotes(&field), expected, "{field:?}");
                    }
                }
            }
        }
        assert!(!needs_csv_quotes(b""));
    }

    /// Strings of anything, weighted to the bytes CSV cares about, ASCII
    /// punctuation and controls, and Chinese.
    fn any_text() -> &'static str {
        "(\\PC|[\\x00-\\x1f\\x7f,\"\r\n #\\\\]|[!-/:-@\\[-`{-~]|[\u{4e00}-\u{9fa5}，。“”])*"
    }

    fn any_fact() -> impl proptest::strategy::Strategy<Value = Fact> {
        use proptest::prelude::*;
        let number =
            proptest::option::of((-(1i128 << 96) + 1..(1i128 << 96), 0u32..=28)).prop_map(|n| {
                n.map(|(mantissa, scale)| Decimal::from_i128_with_scale(mantissa, scale))
            });
        (
            (any_text(), any_text(), any_text(), any_text()),
            (any_text(), any_text(), any_text(), any_text()),
            (number.clone(), number),
            (any::<usize>(), any::<usize>(), any::<usize>()),
            (0..4usize, 0..8usize, 0..5usize),
        )
            .prop_map(
                |(
                    (doc, text, unit, date),
                    (per, metric, sentence, rule),
                    (value, value_max),
                    (index, start, end),
                    (kind, qualifier, change),
                )| {
                    let qualifiers = [
                        Qualifier::None,
                        Qualifier::Approx,
                        Qualifier::Over,
                        Qualifier::Under,
                        Qualifier::Start,
                        Qualifier::Mid,
                        Qualifier::End,
                        Qualifier::Since,
                    ];
                    let changes = [
                        Change::None,
                        Change::From,
                        Change::To,
                        Change::Up,
                        Change::Down,
                    ];
                    Fact {
                        doc: doc.into(),
                        index,
                        kind: Kind::ALL[kind],
                        text,
                        value,
                        value_max,
                        unit: unit.into(),
                        date,
                        qualifier: qualifiers[qualifier],
                        per,
                        change: changes[change],
                        metric,
                        sentence: sentence.into(),
                        start,
                        end,
                        rule: rule.into(),
                    }
                },
            )
    }

    proptest::proptest! {
        #[test]
        fn any_facts_are_written_as_csv_crate_writes_them(
            facts in proptest::collection::vec(any_fact(), 0..4),
        ) {
            proptest::prop_assert_eq!(csv_rows(&facts), csv_crate_rows(&facts));
        }

        #[test]
        fn any_word_is_scanned_as_byte_by_byte(word in proptest::prelude::any::<[u8; 8]>()) {
            let expected = word.iter().any(|b| b",\"\r\n".contains(b));
            proptest::prop_assert_eq!(has_csv_special(u64::from_le_bytes(word)), expected);
        }

        #[test]
        fn any_facts_are_written_as_serde_json_writes_them(
            facts in proptest::collection::vec(any_fact(), 0..4),
        ) {
            let mut expected = String::new();
            for fact in &facts {
                proptest::prop_assert_eq!(fact_json(fact), reference_json(fact));
                expected += &reference_json(fact);
                expected.push('\n');
            }
            proptest::prop_assert_eq!(String::from_utf8(json_lines(&facts)).unwrap(), expected);
        }

        #[test]
        fn any_word_is_scanned_for_json_as_byte_by_byte(
            word in proptest::prelude::any::<[u8; 8]>(),
        ) {
            let expected = word.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
            proptest::prop_assert_eq!(needs_json_escape(u64::from_le_bytes(word)), expected);
        }

        #[test]
        fn any_integer_prints_as_display_does(n in proptest::prelude::any::<usize>()) {
            let text = NumberText::integer(n);
            proptest::prop_assert_eq!(text.as_bytes(), n.to_string().into_bytes());
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
            proptest::prop_assert_eq!(json_string(&text), serde_json::to_string(&text).unwrap());
        }
    }
}
