//! The review page: one self-contained HTML file that shows every fact in
//! its article, for people who would rather look than read JSON.
//!
//! [`ReviewWriter`] receives each processed document as the batch streams
//! it (the same [`Processed`] the CSV and JSON Lines writers get), writes
//! the document's data to a scratch stream at once (so no original text is
//! kept in memory), keeps only bounded summary statistics, and at the end
//! assembles the page: the summary and its plots (inline SVG drawn here) on
//! top, then the documents. A document's data is mostly made where the
//! document was processed ([`prepare`], on a worker thread); the writer
//! only fills in the numbers that depend on the documents before it.
//!
//! The page needs no network: inline CSS, a little plain JavaScript, no
//! fonts or scripts from elsewhere (a Content-Security-Policy forbids every
//! fetch). Each document is embedded as JSON in an inert
//! `<script type="application/json">` element and rendered by the page's
//! script a page of documents at a time, so a 20,000-article run opens
//! quickly. The original text is shown as it was (`white-space: pre-wrap`:
//! line breaks, Traditional characters, full-width digits), each fact
//! highlighted by its offsets.
//!
//! Invariants:
//! - Offsets in the embedded data are the fact record's own: character
//!   (Unicode scalar) offsets into the original. The page converts them to
//!   UTF-16 indices itself, so astral characters (𠀀) before a fact do not
//!   shift its highlight.
//! - Article text is untrusted: text reaches the page only through
//!   HTML-escaped markup or JSON with `<`, `>` and `&` escaped (so a
//!   `</script>` in an article cannot close the data element), and the
//!   script inserts it with `textContent`, never as markup.
//!
//! ```
//! use zhfacts::review;
//! let (doc, facts) = zhfacts::Pipeline::default().run("a", "总投资600亿元。<script>".into(), None);
//! # let report = zhfacts::batch::DocumentReport { document: "a".into(), status: "ok", facts: facts.len(), bytes: 0, encoding: "UTF-8", ref_date: None, ref_date_source: None, reason: None, warning: None };
//! let processed = zhfacts::batch::Processed { report, original: doc.original, facts, csv: Vec::new(), jsonl: Vec::new(), review: None };
//! let html = review::page(&[processed]).unwrap();
//! assert!(html.contains(r#""总投资600亿元。\u003cscript\u003e""#));
//! assert!(!html.contains("。<script>"));
//! ```
//!
//! The data of document `i`: `<script type="application/json" class="doc"
//! data-id="ID" data-f="PAIRS">{"id", "status", "reason", "warning",
//! "encoding", "ref_date", "ref_date_source", "bytes", "facts": [...]}`
//! then `<script type="application/json" id="t{i}">"original text"`; each
//! fact is `[kind, start, end, rule, unit, value, date, metric, qualifier,
//! change, value_max, per]` without its empty trailing fields, rule, unit,
//! qualifier and change being indices into the `tables` element; `PAIRS`
//! lists `rule * 4 + kind` of the document's facts, for the filters. The
//! page opened as `review.html#verify` draws every document and writes what
//! it shows into `<pre id="verify-result">` (the browser test reads it);
//! `#doc-3-f7` opens document 3 (0-based) at its fact 7.
//!
//! [`write_items_page`] draws the same kind of page for a list of sentences
//! with one span highlighted each, and [`check_items`] makes that list from
//! a [`CheckReport`]: what `zhfacts check` needs to show misses, spurious
//! facts and wrong attributes.

use crate::batch::Processed;
use crate::check::{CheckReport, Shown};
use crate::document::{Fact, Kind};
use crate::output::{NumberText, WRITE_CHUNK};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Cursor, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// How many documents the most/fewest plots show.
const EXTREMES: usize = 10;
/// How many failed documents the summary lists (report.json has them all).
const FAILURES_SHOWN: usize = 200;
/// How many currencies the money plot shows before "others".
const CURRENCIES_SHOWN: usize = 12;
/// Most original text the page embeds. A browser opens a page of a few
/// hundred megabytes at best: past this, documents are still counted in
/// the summary and charts, but their text and facts are left to
/// facts.csv and facts.jsonl (a 1 GB run would make a 1.6 GB page).
pub const TEXT_SHOWN: usize = 64 << 20;

/// Streams documents into a review page.
///
/// `S` is scratch space for the documents' data (a temporary file; a
/// `Cursor<Vec<u8>>` in tests): the page is assembled from it by
/// [`ReviewWriter::finish`], with the summary on top.
pub struct ReviewWriter<S: Read + Write + Seek> {
    parts: BufWriter<S>,
    /// Original text embedded so far (at most `summary.text_limit`).
    text_shown: usize,
    summary: Summary,
    rules: Interner,
    units: Interner,
    qualifiers: EnumInterner,
    changes: EnumInterner,
    /// The codes of the document being added, per fact: rule, unit,
    /// qualifier, change.
    codes: Vec<[usize; 4]>,
    showing: Showing,
}

impl<S: Read + Write + Seek> ReviewWriter<S> {
    /// A writer that keeps the documents' data in `scratch` (an empty
    /// stream) until the end.
    pub fn new(scratch: S) -> Self {
        ReviewWriter {
            parts: BufWriter::with_capacity(WRITE_CHUNK, scratch),
            text_shown: 0,
            summary: Summary {
                text_limit: TEXT_SHOWN,
                ..Summary::default()
            },
            rules: Interner::default(),
            units: Interner::default(),
            qualifiers: EnumInterner::default(),
            changes: EnumInterner::default(),
            codes: Vec::new(),
            showing: Showing(Arc::new(AtomicBool::new(true))),
        }
    }

    /// Embeds at most `bytes` of original text (default [`TEXT_SHOWN`]);
    /// the documents after that are counted but not shown.
    pub fn with_text_limit(mut self, bytes: usize) -> Self {
        self.summary.text_limit = bytes;
        self
    }

    /// A handle the workers ask whether the page still shows documents
    /// (see [`prepare`]).
    pub fn showing(&self) -> Showing {
        self.showing.clone()
    }

    /// Adds one document (call in input order). Its part of the page is
    /// `doc.review` when a worker prepared it, and is made here otherwise.
    pub fn add(&mut self, doc: &Processed) -> io::Result<()> {
        let index = self.summary.documents;
        self.summary.add(index, doc);
        // Documents are shown in input order up to the limit (the first
        // is always shown, however long): the page's document numbers are
        // input positions, so nothing after the first one left out is shown.
        if self.summary.not_shown > 0
            || (index > 0 && self.text_shown + doc.original.len() > self.summary.text_limit)
        {
            self.summary.not_shown += 1;
            self.showing.0.store(false, Ordering::Relaxed);
            return Ok(());
        }
        self.text_shown += doc.original.len();
        // The page-wide numbers, given in order of first use.
        let mut pairs = Vec::new();
        self.codes.clear();
        for fact in &doc.facts {
            let rule = self.rules.index(&fact.rule);
            self.summary.count_rule(rule);
            let pair = rule * 4 + kind_index(fact.kind);
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
            let unit = self.units.index(&fact.unit);
            let qualifier = self
                .qualifiers
                .index(fact.qualifier as usize, fact.qualifier.as_str());
            let change = self
                .changes
                .index(fact.change as usize, fact.change.as_str());
            self.codes.push([rule, unit, qualifier, change]);
        }
        pairs.sort_unstable();
        let made_here;
        let prepared = match &doc.review {
            Some(prepared) => prepared,
            None => {
                made_here = prepare(doc);
                &made_here
            }
        };
        let integer = |n: usize| NumberText::integer(n);
        let w = &mut self.parts;
        let mut written = 0;
        for &(at, hole) in &prepared.holes {
            w.write_all(&prepared.bytes[written..at])?;
            written = at;
            match hole {
                Hole::Pairs => {
                    for (i, &pair) in pairs.iter().enumerate() {
                        if i > 0 {
                            w.write_all(b" ")?;
                        }
                        w.write_all(integer(pair).as_str().as_bytes())?;
                    }
                }
                Hole::Index => w.write_all(integer(index).as_str().as_bytes())?,
                Hole::Code { fact, table } => {
                    let code = self.codes[fact as usize][table as usize];
                    w.write_all(integer(code).as_str().as_bytes())?;
                }
            }
        }
        w.write_all(&prepared.bytes[written..])
    }

    /// Writes the whole page to `out`: summary, controls, documents, script.
    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        let mut scratch = self.parts.into_inner().map_err(|e| e.into_error())?;
        let summary = &self.summary;
        let mut head = String::with_capacity(64 << 10);
        head.push_str(HEAD);
        summary.write_html(&mut head, &self.rules);
        write_controls(&mut head, summary, &self.rules);
        out.write_all(head.as_bytes())?;
        scratch.seek(SeekFrom::Start(0))?;
        // Not `io::copy`: through `dyn Write` it copies 8 KiB at a time.
        let mut chunk = vec![0; WRITE_CHUNK];
        loop {
            match scratch.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => out.write_all(&chunk[..n])?,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let mut tail = String::new();
        tail.push_str("<script type=\"application/json\" id=\"tables\">{\"rules\":");
        json_list(&mut tail, &self.rules.names);
        tail.push_str(",\"units\":");
        json_list(&mut tail, &self.units.names);
        tail.push_str(",\"qualifiers\":");
        json_list(&mut tail, &self.qualifiers.names.names);
        tail.push_str(",\"changes\":");
        json_list(&mut tail, &self.changes.names.names);
        tail.push_str("}</script>\n<script>");
        tail.push_str(SCRIPT);
        tail.push_str("</script>\n</body>\n</html>\n");
        out.write_all(tail.as_bytes())?;
        out.flush()
    }
}

/// Whether the page still shows documents: cleared by the
/// [`ReviewWriter`] at the first document past its text limit, after which
/// preparing documents would be wasted.
#[derive(Debug, Clone)]
pub struct Showing(Arc<AtomicBool>);

impl Showing {
    /// Whether documents are still shown.
    pub fn wanted(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A document's part of the page, made by [`prepare`] where the document
/// was processed (a worker thread), so that the escaping and number
/// formatting run in parallel. The numbers that depend on the documents
/// before it (its position, and the table codes of its rules, units,
/// qualifiers and changes) are holes, filled by [`ReviewWriter::add`].
#[derive(Debug, Default)]
pub struct Prepared {
    /// The part without its holes.
    bytes: Vec<u8>,
    /// Where each hole is in `bytes`, in order.
    holes: Vec<(usize, Hole)>,
}

impl Prepared {
    /// Its buffer, to prepare another document into.
    pub fn into_buffer(self) -> Vec<u8> {
        self.bytes
    }
}

#[derive(Debug, Clone, Copy)]
enum Hole {
    /// The `rule * 4 + kind` pairs of the document's facts (`data-f`).
    Pairs,
    /// The document's position in the input.
    Index,
    /// A fact's code in one of the tables: 0 rules, 1 units, 2
    /// qualifiers, 3 changes.
    Code { fact: u32, table: u8 },
}

/// Prepares `doc`'s part of the page (see [`Prepared`]), into `buffer`.
///
/// The data of document `i`: `<script type="application/json" class="doc"
/// data-id="ID" data-f="PAIRS">{meta, "facts": [...]}</script>` then its
/// text in `<script type="application/json" id="t{i}">`.
pub fn prepare_into(doc: &Processed, buffer: Vec<u8>) -> Prepared {
    let mut holes = Vec::with_capacity(4 * doc.facts.len() + 2);
    let mut bytes = String::from_utf8(buffer).unwrap_or_default();
    bytes.clear();
    bytes.reserve(doc.original.len() + 64 * doc.facts.len() + 512);
    let out = &mut bytes;
    let r = &doc.report;
    out.push_str("<script type=\"application/json\" class=\"doc\" data-id=\"");
    out.push_str(&escape(&r.document));
    out.push_str("\" data-f=\"");
    holes.push((out.len(), Hole::Pairs));
    out.push_str("\">{\"id\":");
    json_string(out, &r.document);
    out.push_str(",\"status\":");
    json_string(out, r.status);
    out.push_str(",\"reason\":");
    json_string(out, r.reason.as_deref().unwrap_or(""));
    out.push_str(",\"warning\":");
    json_string(out, r.warning.as_deref().unwrap_or(""));
    out.push_str(",\"encoding\":");
    json_string(out, r.encoding);
    out.push_str(",\"ref_date\":");
    json_string(out, r.ref_date.as_deref().unwrap_or(""));
    out.push_str(",\"ref_date_source\":");
    let source = r
        .ref_date_source
        .map(|s| serde_json::to_value(s).unwrap_or_default());
    json_string(out, source.as_ref().and_then(|v| v.as_str()).unwrap_or(""));
    let _ = write!(out, ",\"bytes\":{},\"facts\":[", r.bytes);
    for (i, fact) in doc.facts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        fact_json(out, &mut holes, fact, i as u32);
    }
    out.push_str("]}</script>\n<script type=\"application/json\" id=\"t");
    holes.push((out.len(), Hole::Index));
    out.push_str("\">");
    json_string(out, &doc.original);
    out.push_str("</script>\n");
    Prepared {
        bytes: bytes.into_bytes(),
        holes,
    }
}

/// [`prepare_into`] a new buffer.
pub fn prepare(doc: &Processed) -> Prepared {
    prepare_into(doc, Vec::new())
}

/// `[kind, start, end, rule, unit, value, date, metric, qualifier,
/// change, value_max, per]`, without the empty fields at the end (the
/// page reads a missing field as empty); rule, unit, qualifier and
/// change are holes for their codes in the page's tables.
fn fact_json(out: &mut String, holes: &mut Vec<(usize, Hole)>, fact: &Fact, index: u32) {
    let integer = |out: &mut String, n: usize| out.push_str(NumberText::integer(n).as_str());
    out.push('[');
    integer(out, kind_index(fact.kind));
    out.push(',');
    integer(out, fact.start);
    out.push(',');
    integer(out, fact.end);
    for table in [0, 1] {
        out.push(',');
        holes.push((out.len(), Hole::Code { fact: index, table }));
    }
    let number = |d: Option<rust_decimal::Decimal>| d.map(NumberText::decimal);
    let (value, value_max) = (number(fact.value), number(fact.value_max));
    let mut keep = out.len();
    let mut field = |out: &mut String, text: &str, table: Option<u8>| {
        out.push(',');
        match table {
            Some(table) => holes.push((out.len(), Hole::Code { fact: index, table })),
            None => json_string(out, text),
        }
        if !text.is_empty() {
            keep = out.len();
        }
    };
    field(out, value.as_ref().map_or("", NumberText::as_str), None);
    field(out, &fact.date, None);
    field(out, &fact.metric, None);
    field(out, fact.qualifier.as_str(), Some(2));
    field(out, fact.change.as_str(), Some(3));
    field(out, value_max.as_ref().map_or("", NumberText::as_str), None);
    field(out, &fact.per, None);
    out.truncate(keep);
    // A code's hole past `keep` went with its field. (A hole at `keep` is
    // a kept field's: its code is written there.)
    while holes.last().is_some_and(|&(at, _)| at > keep) {
        holes.pop();
    }
    out.push(']');
}

/// The review page for a few documents, in memory (tests, small runs).
pub fn page(documents: &[Processed]) -> io::Result<String> {
    let mut writer = ReviewWriter::new(Cursor::new(Vec::new()));
    for doc in documents {
        writer.add(doc)?;
    }
    let mut out = Vec::new();
    writer.finish(&mut out)?;
    String::from_utf8(out).map_err(io::Error::other)
}

fn kind_index(kind: Kind) -> usize {
    Kind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("every kind is listed")
}

/// Names numbered in order of first use.
#[derive(Default)]
struct Interner {
    names: Vec<String>,
    /// Looked up four times a fact, with short keys: FxHash, not SipHash
    /// (the names come from our rules, not from an adversary).
    index: FxHashMap<String, usize>,
}

impl Interner {
    fn index(&mut self, name: &str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), self.names.len() - 1);
        self.names.len() - 1
    }
}

/// An [`Interner`] for the names of a small enum, answered by the
/// variant's position once its name is interned: no hashing and no string
/// comparison for each fact. Codes are given in the order names are first
/// seen, as the interner gives them.
#[derive(Default)]
struct EnumInterner {
    names: Interner,
    /// The code of each variant position seen so far.
    codes: Vec<Option<usize>>,
}

impl EnumInterner {
    fn index(&mut self, position: usize, name: &str) -> usize {
        if let Some(&Some(code)) = self.codes.get(position) {
            return code;
        }
        let code = self.names.index(name);
        if self.codes.len() <= position {
            self.codes.resize(position + 1, None);
        }
        self.codes[position] = Some(code);
        code
    }
}

/// A document in the most/fewest lists: (facts, input index, id).
type Extreme = (usize, usize, String);

/// Bounded statistics for the summary.
#[derive(Default)]
struct Summary {
    documents: usize,
    failed: usize,
    empty: usize,
    warnings: usize,
    kinds: [usize; 4],
    /// Facts per rule, by rule number.
    rules: Vec<usize>,
    /// Money facts per unit (currency).
    currencies: BTreeMap<String, usize>,
    /// Date facts per year, and per (year, month) where the month is known.
    years: BTreeMap<i32, usize>,
    months: BTreeMap<(i32, u32), usize>,
    /// Date facts with no known year (`XXXX-08-07`, unresolved relatives).
    dates_without_year: usize,
    most: Vec<Extreme>,
    fewest: Vec<Extreme>,
    failures: Vec<(usize, String, String)>,
    /// Documents counted here but not embedded in the page, past
    /// `text_limit` bytes of original text ([`TEXT_SHOWN`]).
    not_shown: usize,
    text_limit: usize,
}

impl Summary {
    fn add(&mut self, index: usize, doc: &Processed) {
        self.documents += 1;
        let id = &doc.report.document;
        if doc.report.status != "ok" {
            self.failed += 1;
            if self.failures.len() < FAILURES_SHOWN {
                let reason = doc.report.reason.clone().unwrap_or_default();
                self.failures.push((index, id.clone(), reason));
            }
            return;
        }
        if doc.report.reason.is_some() {
            self.empty += 1;
        }
        if doc.report.warning.is_some() {
            self.warnings += 1;
        }
        for fact in &doc.facts {
            self.kinds[kind_index(fact.kind)] += 1;
            match fact.kind {
                // Counted without a new key String per fact.
                Kind::Money => match self.currencies.get_mut(&*fact.unit) {
                    Some(count) => *count += 1,
                    None => {
                        self.currencies.insert(fact.unit.to_string(), 1);
                    }
                },
                Kind::Date => match date_bin(&fact.date) {
                    Some((year, month)) => {
                        *self.years.entry(year).or_default() += 1;
                        if let Some(month) = month {
                            *self.months.entry((year, month)).or_default() += 1;
                        }
                    }
                    None => self.dates_without_year += 1,
                },
                _ => {}
            }
        }
        let n = doc.facts.len();
        keep_extreme(&mut self.most, (n, index, id.clone()), |a, b| {
            b.0.cmp(&a.0).then(a.1.cmp(&b.1))
        });
        keep_extreme(&mut self.fewest, (n, index, id.clone()), |a, b| {
            a.0.cmp(&b.0).then(a.1.cmp(&b.1))
        });
    }

    fn count_rule(&mut self, rule: usize) {
        if self.rules.len() <= rule {
            self.rules.resize(rule + 1, 0);
        }
        self.rules[rule] += 1;
    }

    fn total(&self) -> usize {
        self.kinds.iter().sum()
    }

    fn write_html(&self, out: &mut String, rules: &Interner) {
        let ok = self.documents - self.failed;
        let _ = write!(
            out,
            "<header><h1>zhfacts review</h1><p class=\"lede\">{} documents: {} processed ({} empty{}), {} failed · {} facts</p>",
            thousands(self.documents),
            thousands(ok),
            thousands(self.empty),
            match self.warnings {
                0 => String::new(),
                n => format!(", {} with warnings", thousands(n)),
            },
            thousands(self.failed),
            thousands(self.total())
        );
        if self.not_shown > 0 {
            let _ = write!(
                out,
                "<p class=\"lede\" id=\"not-shown\">This page shows the first {} documents; the other {} (past {} MB of text) are counted here and are in facts.csv and facts.jsonl.</p>",
                thousands(self.documents - self.not_shown),
                thousands(self.not_shown),
                self.text_limit >> 20
            );
        }
        out.push_str("</header>\n<section id=\"summary\">\n<div class=\"cards\">");
        for (i, kind) in Kind::ALL.iter().enumerate() {
            let _ = write!(
                out,
                "<div class=\"card k{i}\"><b>{}</b> {kind}</div>",
                thousands(self.kinds[i])
            );
        }
        out.push_str("</div>\n<div class=\"plots\">\n");

        let kinds: Vec<Bar> = Kind::ALL
            .iter()
            .enumerate()
            .map(|(i, k)| Bar::new(k.as_str(), self.kinds[i]).class(KIND_CLASSES[i]))
            .collect();
        figure(out, "Facts per kind", &bar_chart(&kinds));

        let mut currencies: Vec<(&String, &usize)> = self.currencies.iter().collect();
        currencies.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut bars: Vec<Bar> = currencies
            .iter()
            .take(CURRENCIES_SHOWN)
            .map(|(unit, n)| {
                Bar::new(if unit.is_empty() { "(none)" } else { unit }, **n).class("k0")
            })
            .collect();
        let others: usize = currencies.iter().skip(CURRENCIES_SHOWN).map(|c| c.1).sum();
        if others > 0 {
            bars.push(Bar::new("others", others).class("k0"));
        }
        figure(out, "Money facts by currency", &bar_chart(&bars));

        let (title, bins) = self.date_bins();
        let mut title = title.to_string();
        if self.dates_without_year > 0 {
            let _ = write!(
                title,
                " ({} without a known year not shown)",
                thousands(self.dates_without_year)
            );
        }
        figure(out, &title, &column_chart(&bins));

        // Documents past the text limit are not on the page: no link.
        let shown = self.documents - self.not_shown;
        let link = |e: &Extreme| {
            let bar = Bar::new(&e.2, e.0).class("doc");
            if e.1 < shown {
                bar.link(e.1)
            } else {
                bar
            }
        };
        let most: Vec<Bar> = self.most.iter().map(link).collect();
        figure(out, "Documents with the most facts", &bar_chart(&most));
        let fewest: Vec<Bar> = self.fewest.iter().map(link).collect();
        figure(
            out,
            "Documents with the fewest facts (processed ones)",
            &bar_chart(&fewest),
        );
        out.push_str("</div>\n");

        if self.failed > 0 {
            let _ = write!(
                out,
                "<h2>Failed documents ({})</h2>\n<table class=\"failures\"><thead><tr><th>document</th><th>reason</th></tr></thead><tbody>\n",
                thousands(self.failed)
            );
            for (index, id, reason) in &self.failures {
                let document = if *index < shown {
                    format!("<a href=\"#doc-{index}\">{}</a>", escape(id))
                } else {
                    escape(id)
                };
                let _ = writeln!(
                    out,
                    "<tr><td>{document}</td><td>{}</td></tr>",
                    escape(reason)
                );
            }
            out.push_str("</tbody></table>\n");
            if self.failed > self.failures.len() {
                let _ = writeln!(
                    out,
                    "<p class=\"note\">and {} more: report.json lists every failure.</p>",
                    thousands(self.failed - self.failures.len())
                );
            }
        }

        let mut by_count: Vec<(usize, &String)> = self
            .rules
            .iter()
            .zip(&rules.names)
            .map(|(n, name)| (*n, name))
            .collect();
        by_count.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let _ = write!(
            out,
            "<details class=\"rules\"><summary>Facts per rule ({} rules)</summary><table><tbody>",
            by_count.len()
        );
        for (n, name) in by_count {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(name),
                thousands(n)
            );
        }
        out.push_str("</tbody></table></details>\n</section>\n");
    }

    /// Dates by month when they fall within two years and most have a
    /// month; else by year (or decade, or century, to keep at most 60 bins).
    fn date_bins(&self) -> (&'static str, Vec<(String, usize)>) {
        let dated: usize = self.years.values().sum();
        let with_month: usize = self.months.values().sum();
        if self.years.len() <= 2 && with_month * 2 >= dated && with_month > 0 {
            let (&first, _) = self.months.first_key_value().expect("not empty");
            let (&last, _) = self.months.last_key_value().expect("not empty");
            let mut bins = Vec::new();
            let (mut y, mut m) = first;
            while (y, m) <= last {
                let n = self.months.get(&(y, m)).copied().unwrap_or(0);
                bins.push((format!("{y}-{m:02}"), n));
                (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            }
            return ("Date facts by month", bins);
        }
        let (Some((&first, _)), Some((&last, _))) =
            (self.years.first_key_value(), self.years.last_key_value())
        else {
            return ("Date facts by year", Vec::new());
        };
        let bins_needed = |step: i32| (last - first.div_euclid(step) * step) / step + 1;
        let (step, title) = [
            (1, "Date facts by year"),
            (10, "Date facts by decade"),
            (100, "Date facts by century"),
        ]
        .into_iter()
        .find(|(step, _)| bins_needed(*step) <= 60)
        .unwrap_or((1000, "Date facts by millennium"));
        let start = first.div_euclid(step) * step;
        let mut bins: Vec<(String, usize)> = (0..bins_needed(step))
            .map(|b| {
                let from = start + b * step;
                let label = if step == 1 {
                    from.to_string()
                } else {
                    format!("{from}s")
                };
                (label, 0)
            })
            .collect();
        for (year, n) in &self.years {
            if let Some(bin) = bins.get_mut(((year - start) / step) as usize) {
                bin.1 += n;
            }
        }
        (title, bins)
    }
}

/// Keeps the `EXTREMES` first items in `order`.
fn keep_extreme(
    list: &mut Vec<Extreme>,
    item: Extreme,
    order: impl Fn(&Extreme, &Extreme) -> std::cmp::Ordering,
) {
    if list.len() == EXTREMES
        && order(&item, list.last().expect("full")) != std::cmp::Ordering::Less
    {
        return;
    }
    let at = list.partition_point(|e| order(e, &item) == std::cmp::Ordering::Less);
    list.insert(at, item);
    list.truncate(EXTREMES);
}

/// The year and month of a date value (`2020-08-07` → 2020, 8; `2020-Q3`
/// → 2020; `2018/2020` → 2018; `XXXX-08` → none).
fn date_bin(date: &str) -> Option<(i32, Option<u32>)> {
    let b = date.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year: i32 = date[..4].parse().ok()?;
    let month = (b.len() >= 7 && b[4] == b'-' && b[5..7].iter().all(u8::is_ascii_digit))
        .then(|| date[5..7].parse::<u32>().ok())
        .flatten()
        .filter(|m| (1..=12).contains(m));
    Some((year, month))
}

fn write_controls(out: &mut String, summary: &Summary, rules: &Interner) {
    out.push_str("<nav id=\"controls\" aria-label=\"filters\">\n<span class=\"kinds\">");
    for (i, kind) in Kind::ALL.iter().enumerate() {
        let _ = write!(
            out,
            "<label class=\"chip k{i}\"><input type=\"checkbox\" value=\"{i}\" checked> {kind}</label>"
        );
    }
    out.push_str(
        "</span>\n<label>rule <select id=\"rule\"><option value=\"-1\">all rules</option>",
    );
    let mut by_name: Vec<(usize, &String)> = rules.names.iter().enumerate().collect();
    by_name.sort_by(|a, b| a.1.cmp(b.1));
    for (i, name) in by_name {
        let _ = write!(
            out,
            "<option value=\"{i}\">{} ({})</option>",
            escape(name),
            thousands(summary.rules.get(i).copied().unwrap_or(0))
        );
    }
    out.push_str(
        "</select></label>\n<input id=\"q\" type=\"search\" placeholder=\"search text or document id\" aria-label=\"search text or document id\">\n\
<span class=\"pager\"><button id=\"prev\" type=\"button\" aria-label=\"previous page\">‹</button> <span id=\"pageinfo\"></span> <button id=\"next\" type=\"button\" aria-label=\"next page\">›</button>\n\
<select id=\"size\" aria-label=\"documents per page\"><option>10</option><option selected>20</option><option>50</option><option>100</option></select></span>\n\
</nav>\n<main id=\"docs\"><noscript><p class=\"note\">The documents are drawn by the page's script: allow JavaScript to see them. The summary above is complete without it.</p></noscript></main>\n\
<div id=\"tip\" role=\"tooltip\" hidden></div>\n",
    );
}

/// CSS classes of the kinds, in `Kind::ALL` order.
const KIND_CLASSES: [&str; 4] = ["k0", "k1", "k2", "k3"];

/// One bar of a horizontal bar chart.
struct Bar {
    label: String,
    value: usize,
    class: &'static str,
    href: Option<String>,
}

impl Bar {
    fn new(label: &str, value: usize) -> Bar {
        Bar {
            label: label.to_string(),
            value,
            class: "bar",
            href: None,
        }
    }

    fn class(mut self, class: &'static str) -> Bar {
        self.class = class;
        self
    }

    fn link(mut self, document: usize) -> Bar {
        self.href = Some(format!("#doc-{document}"));
        self
    }
}

fn figure(out: &mut String, title: &str, svg: &str) {
    let _ = writeln!(
        out,
        "<figure><figcaption>{}</figcaption>{svg}</figure>",
        escape(title)
    );
}

/// A horizontal bar chart: labels on the left, values at the bar ends.
fn bar_chart(bars: &[Bar]) -> String {
    if bars.is_empty() {
        return "<p class=\"note\">none</p>".into();
    }
    const ROW: usize = 20;
    const LABEL: usize = 170;
    const BAR: f64 = 200.0;
    let width = LABEL + BAR as usize + 70;
    let height = bars.len() * ROW + 4;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let mut svg = format!(
        "<svg class=\"chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">"
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = i * ROW + 2;
        let w = if bar.value == 0 {
            0.0
        } else {
            (bar.value as f64 / max * BAR).max(1.0)
        };
        if let Some(href) = &bar.href {
            let _ = write!(svg, "<a href=\"{}\">", escape(href));
        }
        let _ = write!(
            svg,
            "<g><title>{}: {}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect class=\"{}\" x=\"{LABEL}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\"/><text x=\"{:.1}\" y=\"{}\">{}</text></g>",
            escape(&bar.label),
            thousands(bar.value),
            LABEL - 6,
            y + 14,
            escape(&shorten(&bar.label, 26)),
            bar.class,
            y + 2,
            ROW - 4,
            LABEL as f64 + w + 4.0,
            y + 14,
            thousands(bar.value)
        );
        if bar.href.is_some() {
            svg.push_str("</a>");
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A column chart over ordered bins (dates over time).
fn column_chart(bins: &[(String, usize)]) -> String {
    if bins.is_empty() {
        return "<p class=\"note\">none</p>".into();
    }
    const PLOT: f64 = 420.0;
    const HEIGHT: f64 = 120.0;
    const LEFT: f64 = 60.0;
    let width = PLOT + LEFT + 10.0;
    let height = HEIGHT + 34.0;
    let max = bins.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let col = PLOT / bins.len() as f64;
    let label_every = bins.len().div_ceil(8);
    let mut svg = format!(
        "<svg class=\"chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\"><text x=\"{:.0}\" y=\"12\" text-anchor=\"end\">{}</text><line class=\"axis\" x1=\"{LEFT}\" y1=\"{:.0}\" x2=\"{:.0}\" y2=\"{:.0}\"/>",
        LEFT - 4.0,
        thousands(max),
        HEIGHT + 6.0,
        LEFT + PLOT,
        HEIGHT + 6.0
    );
    for (i, (label, n)) in bins.iter().enumerate() {
        let h = *n as f64 / max as f64 * (HEIGHT - 6.0);
        let x = LEFT + i as f64 * col;
        let _ = write!(
            svg,
            "<g><title>{}: {}</title><rect class=\"k3\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"/>",
            escape(label),
            thousands(*n),
            x + col * 0.1,
            HEIGHT + 6.0 - h,
            (col * 0.8).max(0.5)
        );
        if i % label_every == 0 {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.0}\" text-anchor=\"middle\">{}</text>",
                x + col / 2.0,
                HEIGHT + 22.0,
                escape(label)
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

/// At most `width` columns (a CJK character takes two), with an ellipsis.
fn shorten(s: &str, width: usize) -> String {
    let columns = |c: char| if (c as u32) < 0x1100 { 1 } else { 2 };
    if s.chars().map(columns).sum::<usize>() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        used += columns(c);
        if used > width - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// 12345 → "12,345".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Escapes text for HTML content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Appends `s` as a JSON string that is safe inside a `<script>` element:
/// `<`, `>` and `&` are written as `\u003c`, `\u003e`, `\u0026`, so neither
/// `</script>` nor `<!--` can appear.
pub fn json_string(out: &mut String, s: &str) {
    // Runs of bytes that need no escape are copied whole, eight bytes
    // tested at a time: the page embeds every document's text this way, on
    // the one thread that writes the output.
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8) {
            if !needs_script_json_escape(u64::from_le_bytes(word.try_into().expect("eight bytes")))
            {
                i += 8;
                continue;
            }
        }
        let escape = match bytes[i] {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            0x08 => "\\b",
            0x0C => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            control @ 0x00..=0x1F => {
                // Every escaped byte is ASCII: `i` is a character boundary.
                out.push_str(&s[copied..i]);
                let _ = write!(out, "\\u{control:04x}");
                i += 1;
                copied = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[copied..i]);
        out.push_str(escape);
        i += 1;
        copied = i;
    }
    out.push_str(&s[copied..]);
    out.push('"');
}

/// Whether a byte of `word` needs an escape in [`json_string`]: a control
/// character, a quote, a backslash, or one of `<>&`.
fn needs_script_json_escape(word: u64) -> bool {
    use crate::output::{bytes_below, bytes_equal};
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    // Chinese text is all bytes of 0x80 and above: one test settles it.
    word & HIGH_BITS != HIGH_BITS
        && (bytes_below(word, 0x20)
            | bytes_equal(word, b'"')
            | bytes_equal(word, b'\\')
            | bytes_equal(word, b'<')
            | bytes_equal(word, b'>')
            | bytes_equal(word, b'&'))
            != 0
}

fn json_list(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(out, s);
    }
    out.push(']');
}

/// One entry of an item page: a sentence with one span highlighted, and
/// what to say about it (a check's miss, spurious fact or wrong attribute).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Item {
    /// Its group, a filter on the page (`miss`, `spurious`, `wrong`).
    pub group: String,
    /// A heading (document id, fact text).
    pub title: String,
    /// The sentence.
    pub text: String,
    /// The highlighted characters of `text` (character offsets, end
    /// exclusive); none when the fact cannot be found in it.
    pub span: Option<Range<usize>>,
    /// The fact's kind, for the highlight's colour.
    pub kind: Option<Kind>,
    /// Label and value pairs shown under the sentence (`value`:
    /// `expected 5, found 6`).
    pub details: Vec<(String, String)>,
}

/// The character range of the first `needle` in `sentence`.
///
/// ```
/// assert_eq!(zhfacts::review::find_span("投资𠀀600亿元", "600亿元"), Some(3..8));
/// ```
pub fn find_span(sentence: &str, needle: &str) -> Option<Range<usize>> {
    if needle.is_empty() {
        return None;
    }
    let byte = sentence.find(needle)?;
    let start = sentence[..byte].chars().count();
    Some(start..start + needle.chars().count())
}

/// The differences of a check as items: misses, spurious facts and wrong
/// attributes, each highlighted in its sentence, in that order.
pub fn check_items(report: &CheckReport) -> Vec<Item> {
    let item = |group: &str, shown: &Shown, mut details: Vec<(String, String)>| {
        if let (Some(start), Some(end)) = (shown.start, shown.end) {
            details.push(("offsets".into(), format!("{start}–{end}")));
        }
        if !shown.rule.is_empty() {
            details.push(("rule".into(), shown.rule.clone()));
        }
        Item {
            group: group.into(),
            title: format!("{} · {} · {}", shown.doc, shown.kind, shown.text),
            text: shown.sentence.clone(),
            span: find_span(&shown.sentence, &shown.text),
            kind: Kind::parse(&shown.kind),
            details,
        }
    };
    let misses = report.misses.iter().map(|m| item("miss", m, Vec::new()));
    let spurious = report
        .spurious
        .iter()
        .map(|s| item("spurious", s, Vec::new()));
    let wrong = report.wrong.iter().map(|w| {
        let diffs = w
            .diffs
            .iter()
            .map(|d| {
                let expected = d.expected.to_string();
                (
                    d.field.clone(),
                    format!("expected {expected}, found {}", d.actual),
                )
            })
            .collect();
        item("wrong", &w.fact, diffs)
    });
    misses.chain(spurious).chain(wrong).collect()
}

/// Writes a page listing `items` (sentences with a highlighted span),
/// grouped and filterable by `group`, searchable, shown 200 at a time:
/// the page `zhfacts check` writes for its differences. `notes` are
/// summary lines shown on top.
pub fn write_items_page(
    out: &mut dyn Write,
    title: &str,
    notes: &[String],
    items: &[Item],
) -> io::Result<()> {
    let mut html = String::with_capacity(4096 + items.len() * 512);
    html.push_str(&HEAD.replace(
        "<title>zhfacts review</title>",
        &format!("<title>{}</title>", escape(title)),
    ));
    let _ = write!(html, "<header><h1>{}</h1>", escape(title));
    for note in notes {
        let _ = write!(html, "<p class=\"lede\">{}</p>", escape(note));
    }
    html.push_str("</header>\n<nav id=\"controls\" aria-label=\"filters\"><span class=\"kinds\">");
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for item in items {
        match groups.iter_mut().find(|g| g.0 == item.group) {
            Some(g) => g.1 += 1,
            None => groups.push((&item.group, 1)),
        }
    }
    for (group, n) in &groups {
        let _ = write!(
            html,
            "<label class=\"chip\"><input type=\"checkbox\" value=\"{}\" checked> {} ({})</label>",
            escape(group),
            escape(group),
            thousands(*n)
        );
    }
    html.push_str(
        "</span><input id=\"q\" type=\"search\" placeholder=\"search\" aria-label=\"search\">\
<span class=\"pager\"><button id=\"prev\" type=\"button\" aria-label=\"previous page\">‹</button> <span id=\"pageinfo\"></span> <button id=\"next\" type=\"button\" aria-label=\"next page\">›</button></span></nav>\n<main id=\"items\">\n",
    );
    for item in items {
        let _ = write!(
            html,
            "<article class=\"item\" data-group=\"{}\"><h3><span class=\"group\">{}</span> {}</h3><p class=\"sentence\" lang=\"zh\">",
            escape(&item.group),
            escape(&item.group),
            escape(&item.title)
        );
        let chars: Vec<char> = item.text.chars().collect();
        match item
            .span
            .clone()
            .filter(|s| s.start <= s.end && s.end <= chars.len())
        {
            Some(span) => {
                let class = item.kind.map_or("hit", |k| KIND_CLASSES[kind_index(k)]);
                let part = |r: Range<usize>| escape(&chars[r].iter().collect::<String>());
                let _ = write!(
                    html,
                    "{}<mark class=\"{class}\">{}</mark>{}",
                    part(0..span.start),
                    part(span.clone()),
                    part(span.end..chars.len())
                );
            }
            None => html.push_str(&escape(&item.text)),
        }
        html.push_str("</p>");
        if !item.details.is_empty() {
            html.push_str("<dl>");
            for (label, value) in &item.details {
                let _ = write!(html, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(value));
            }
            html.push_str("</dl>");
        }
        html.push_str("</article>\n");
    }
    html.push_str("</main>\n<script>");
    html.push_str(ITEMS_SCRIPT);
    html.push_str("</script>\n</body>\n</html>\n");
    out.write_all(html.as_bytes())?;
    out.flush()
}

const HEAD: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>zhfacts review</title>
<style>
:root { --k0: #fbe7a1; --k0b: #b8860b; --k1: #cfe3fc; --k1b: #2f6fc4; --k2: #cdeedc; --k2b: #1f8a55; --k3: #ecd9f7; --k3b: #8a3fb0; --line: #d9dde3; --muted: #667085; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #1d2939; background: #f6f7f9; }
header, #summary, main { padding: 0 20px; }
h1 { font-size: 20px; margin: 16px 0 2px; }
h2 { font-size: 16px; margin: 18px 0 6px; }
.lede { margin: 0 0 10px; color: var(--muted); }
.note { color: var(--muted); }
.cards { display: flex; gap: 10px; flex-wrap: wrap; }
.card { padding: 6px 14px; border-radius: 6px; border-left: 4px solid; }
.card b { font-size: 18px; }
.card.k0, .chip.k0 { background: var(--k0); border-color: var(--k0b); }
.card.k1, .chip.k1 { background: var(--k1); border-color: var(--k1b); }
.card.k2, .chip.k2 { background: var(--k2); border-color: var(--k2b); }
.card.k3, .chip.k3 { background: var(--k3); border-color: var(--k3b); }
.plots { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 12px; }
figure { margin: 0; padding: 8px 10px; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.chart { display: block; font-size: 11px; }
svg.chart text { fill: #344054; }
svg.chart a text { fill: #1d4ed8; text-decoration: underline; }
svg.chart .axis { stroke: #98a2b3; }
svg .k0 { fill: var(--k0b); } svg .k1 { fill: var(--k1b); } svg .k2 { fill: var(--k2b); } svg .k3 { fill: var(--k3b); }
svg .bar, svg .doc { fill: #7a8699; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num { text-align: right; }
.failures td:last-child { color: #b42318; }
details.rules { margin: 10px 0; }
#controls { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; padding: 8px 20px; margin-top: 14px; background: #fff; border-bottom: 1px solid var(--line); box-shadow: 0 1px 3px rgba(0,0,0,.06); }
.chip { display: inline-block; padding: 1px 8px; border-radius: 12px; border: 1px solid var(--line); margin-right: 4px; }
#q { width: 16em; }
.pager button { min-width: 2em; }
details.doc { scroll-margin-top: 56px; background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 14px 0; }
details.doc > summary { padding: 8px 12px; cursor: pointer; display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; border-bottom: 1px solid var(--line); }
.docid { font-weight: 600; }
.num, .meta { color: var(--muted); }
.count { padding: 0 6px; border-radius: 8px; font-size: 12px; }
.reason { color: #b54708; } .reason.bad { color: #b42318; font-weight: 600; }
.body { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0; }
@media (max-width: 900px) { .body { grid-template-columns: minmax(0, 1fr); } }
.text { white-space: pre-wrap; overflow-wrap: anywhere; padding: 10px 14px; font-size: 15px; line-height: 1.75; max-height: 75vh; overflow: auto; border-right: 1px solid var(--line); }
.text:empty::before { content: "(empty document)"; color: var(--muted); }
.facts { max-height: 75vh; overflow: auto; font-size: 12px; }
.facts table { width: 100%; }
.facts thead th { position: sticky; top: 0; background: #f2f4f7; }
.facts tbody tr { cursor: pointer; }
.facts tbody tr:hover, .facts tbody tr:focus { background: #eef4ff; outline: none; }
.facts td.t { white-space: nowrap; }
.facts tr.bad td { color: #b42318; }
mark { color: inherit; border-radius: 2px; border-bottom: 2px solid; cursor: help; }
mark.k0, td .k0 { background: var(--k0); border-color: var(--k0b); }
mark.k1, td .k1 { background: var(--k1); border-color: var(--k1b); }
mark.k2, td .k2 { background: var(--k2); border-color: var(--k2b); }
mark.k3, td .k3 { background: var(--k3); border-color: var(--k3b); }
mark.hit { background: #fde68a; }
mark.overlap { outline: 1px dashed #b42318; }
mark:focus { outline: 2px solid #1d4ed8; }
mark.flash { animation: flash 1.4s ease-out; }
@keyframes flash { 0%, 60% { background: #f97316; box-shadow: 0 0 0 4px #f97316; } 100% { box-shadow: 0 0 0 0 transparent; } }
#tip { position: fixed; z-index: 10; max-width: 360px; padding: 6px 10px; background: #101828; color: #f2f4f7; border-radius: 6px; font-size: 12px; pointer-events: none; box-shadow: 0 4px 12px rgba(0,0,0,.25); }
#tip table td { border: 0; padding: 0 6px 0 0; }
#tip td:first-child { color: #98a2b3; }
#tip .empty { color: #667085; }
#tip hr { border: 0; border-top: 1px solid #475467; margin: 4px 0; }
.item { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 10px 0; padding: 6px 12px; }
.item h3 { font-size: 14px; margin: 0; }
.item .sentence { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 15px; margin: 6px 0; }
.item .group { color: var(--muted); font-weight: 400; }
.item dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 10px; margin: 4px 0; font-size: 12px; }
.item dt { color: var(--muted); } .item dd { margin: 0; }
</style>
</head>
<body>
"#;

const SCRIPT: &str = r##"
(function () {
"use strict";
const KINDS = ["money", "percent", "quantity", "date"];
const $ = (id) => document.getElementById(id);
const tables = JSON.parse($("tables").textContent);
const metas = Array.from(document.querySelectorAll("script.doc"));
const N = metas.length;
const verifying = location.hash === "#verify";
const state = { page: 0, size: verifying ? Math.max(N, 1) : 20, kinds: [true, true, true, true], rule: -1, q: "", list: [] };

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

// The page's data escapes like the Rust side does (serde_json, then <, >, &),
// so a search for text can look inside the raw JSON without parsing it.
function jsonEscape(s) {
  return JSON.stringify(s).slice(1, -1).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

function factFilterActive() { return !state.kinds.every(Boolean) || state.rule >= 0; }
function factShown(kind, rule) { return state.kinds[kind] && (state.rule < 0 || rule === state.rule); }

function filter() {
  const active = factFilterActive();
  const needle = state.q ? jsonEscape(state.q) : "";
  state.list = [];
  for (let i = 0; i < N; i++) {
    const m = metas[i];
    if (needle && !m.dataset.id.includes(state.q) && !$("t" + i).textContent.includes(needle)) continue;
    if (active) {
      const pairs = m.dataset.f ? m.dataset.f.split(" ") : [];
      if (!pairs.some((p) => factShown(p % 4, Math.floor(p / 4)))) continue;
    }
    state.list.push(i);
  }
}

// [kind, start, end, rule, unit, value, date, metric, qualifier, change,
// value_max, per]; empty fields at the end are left out.
function decode(a, idx) {
  const name = (table, i) => (a[i] === undefined ? "" : tables[table][a[i]]);
  return { idx: idx, kind: a[0], start: a[1], end: a[2], rule: tables.rules[a[3]], ruleIndex: a[3],
    unit: tables.units[a[4]], value: a[5] || "", date: a[6] || "", metric: a[7] || "",
    qualifier: name("qualifiers", 8), change: name("changes", 9), value_max: a[10] || "", per: a[11] || "" };
}

// Offsets are Unicode scalar values; JavaScript strings are UTF-16.
// u[i] is the UTF-16 index of code point i (u[length] = text.length).
function utf16Index(text) {
  const u = [0];
  let n = 0;
  for (const ch of text) { n += ch.length; u.push(n); }
  return u;
}

// Cuts the text at every fact boundary and sweeps once, left to right:
// each piece covered by facts becomes one <mark> naming all of them
// (data-f), so overlapping facts stay visible; the rest stays plain text.
function highlight(pane, text, facts, u) {
  const cps = u.length - 1;
  const inRange = (f) => Number.isInteger(f.start) && Number.isInteger(f.end) && f.start >= 0 && f.start <= f.end && f.end <= cps;
  facts.forEach((f) => { f.bad = !inRange(f); if (!f.bad) f.slice = text.slice(u[f.start], u[f.end]); });
  const byStart = (x, y) => x.start - y.start || x.end - y.end || x.idx - y.idx;
  const spans = facts.filter((f) => !f.bad && f.end > f.start).sort(byStart);
  const points = facts.filter((f) => !f.bad && f.end === f.start).sort(byStart);
  const cuts = new Set([0, cps]);
  facts.forEach((f) => { if (!f.bad) { cuts.add(f.start); cuts.add(f.end); } });
  const bounds = Array.from(cuts).sort((a, b) => a - b);
  const seen = new Set();
  const frag = document.createDocumentFragment();
  const mark = (covering, a, b) => {
    const m = el("mark", "k" + covering[0].kind + (covering.length > 1 ? " overlap" : ""), text.slice(u[a], u[b]));
    m.dataset.f = covering.map((f) => f.idx).join(" ");
    // The first piece of each fact takes the keyboard focus for it.
    const fresh = covering.filter((f) => !seen.has(f.idx));
    if (fresh.length) { fresh.forEach((f) => seen.add(f.idx)); m.tabIndex = 0; }
    frag.appendChild(m);
  };
  let active = [], nextSpan = 0, nextPoint = 0;
  for (let j = 0; j < bounds.length; j++) {
    const a = bounds[j];
    while (nextPoint < points.length && points[nextPoint].start === a) mark([points[nextPoint++]], a, a);
    if (j + 1 === bounds.length) break;
    const b = bounds[j + 1];
    // Every start and end is a cut, so the active facts cover all of a..b.
    active = active.filter((f) => f.end > a);
    while (nextSpan < spans.length && spans[nextSpan].start === a) active.push(spans[nextSpan++]);
    if (active.length) mark(active.slice(), a, b);
    else frag.appendChild(document.createTextNode(text.slice(u[a], u[b])));
  }
  pane.appendChild(frag);
}

function shownText(s) { return s.replace(/\r?\n/g, "⏎"); }

function factTable(facts) {
  const wrap = el("div", "facts");
  const table = el("table");
  const head = el("tr");
  ["#", "fact", "value", "unit", "date", "qualifier · per · change", "metric", "rule"].forEach((h) => head.appendChild(el("th", null, h)));
  table.appendChild(el("thead")).appendChild(head);
  const body = el("tbody");
  facts.forEach((f) => {
    const tr = el("tr", f.bad ? "bad" : null);
    tr.dataset.f = f.idx;
    tr.tabIndex = 0;
    const value = f.value + (f.value_max ? "–" + f.value_max : "");
    const text = f.bad ? "offsets " + f.start + "–" + f.end + " out of range" : shownText(f.slice);
    const attributes = [f.qualifier, f.per, f.change].filter(Boolean).join(" · ");
    const cells = [String(f.idx), text, value, f.unit, f.date, attributes, f.metric, f.rule];
    cells.forEach((c, i) => {
      const td = el("td", i === 1 ? "t" : null);
      if (i === 1) {
        const chip = el("span", "count k" + f.kind, c);
        chip.title = KINDS[f.kind];
        td.appendChild(chip);
      } else td.textContent = c;
      tr.appendChild(td);
    });
    body.appendChild(tr);
  });
  table.appendChild(body);
  wrap.appendChild(table);
  if (!facts.length) wrap.appendChild(el("p", "note", "  no facts" + (factFilterActive() ? " match the filters" : "")));
  return wrap;
}

function renderDoc(i) {
  const d = JSON.parse(metas[i].textContent);
  const sec = el("details", "doc");
  sec.open = true;
  sec.id = "doc-" + i;
  const head = el("summary");
  head.appendChild(el("span", "num", "#" + (i + 1)));
  head.appendChild(el("span", "docid", d.id));
  const counts = [0, 0, 0, 0];
  d.facts.forEach((a) => counts[a[0]]++);
  counts.forEach((n, k) => { if (n) head.appendChild(el("span", "count k" + k, n + " " + KINDS[k])); });
  if (d.status === "ok") {
    const meta = [d.facts.length + " facts", d.encoding, d.bytes + " bytes"];
    if (d.ref_date) meta.push("ref " + d.ref_date + " (" + d.ref_date_source + ")");
    head.appendChild(el("span", "meta", meta.join(" · ")));
  }
  if (d.warning) head.appendChild(el("span", "reason", "warning: " + d.warning));
  if (d.reason) head.appendChild(el("span", d.status === "ok" ? "reason" : "reason bad", d.status === "ok" ? d.reason : "failed: " + d.reason));
  sec.appendChild(head);
  if (d.status !== "ok") return sec;
  const text = JSON.parse($("t" + i).textContent);
  const facts = d.facts.map(decode);
  const shown = facts.filter((f) => factShown(f.kind, f.ruleIndex));
  const u = utf16Index(text);
  const body = el("div", "body");
  const pane = el("div", "text");
  pane.lang = "zh";
  highlight(pane, text, shown, u);
  sec._facts = facts;
  body.appendChild(pane);
  body.appendChild(factTable(shown));
  sec.appendChild(body);
  return sec;
}

function render() {
  const box = $("docs");
  box.textContent = "";
  const total = state.list.length;
  const pages = Math.max(1, Math.ceil(total / state.size));
  state.page = Math.max(0, Math.min(state.page, pages - 1));
  const from = state.page * state.size, to = Math.min(total, from + state.size);
  for (let j = from; j < to; j++) box.appendChild(renderDoc(state.list[j]));
  const filtered = total < N ? " (filtered from " + N + ")" : "";
  $("pageinfo").textContent = total ? "documents " + (from + 1) + "–" + to + " of " + total + filtered + " · page " + (state.page + 1) + "/" + pages : "no document matches (of " + N + ")";
  $("prev").disabled = state.page === 0;
  $("next").disabled = state.page >= pages - 1;
}

function refresh() { filter(); state.page = 0; render(); }

function marksOf(sec, idx) {
  return Array.from(sec.querySelectorAll(".text mark")).filter((m) => m.dataset.f.split(" ").includes(String(idx)));
}

// Scrolls the text pane to show the fact a third of the way down, and the
// page only when the fact would still be off screen.
function reveal(mark, behavior) {
  const pane = mark.closest(".text");
  const paneTop = pane.getBoundingClientRect().top;
  const inPane = mark.getBoundingClientRect().top - paneTop + pane.scrollTop;
  const scrollTop = Math.max(0, Math.min(inPane - pane.clientHeight / 3, pane.scrollHeight - pane.clientHeight));
  pane.scrollTo({ top: scrollTop, behavior: behavior });
  const top = paneTop + inPane - scrollTop;
  if (top < $("controls").offsetHeight + 8 || top + mark.offsetHeight > innerHeight - 8) {
    scrollBy({ top: top - innerHeight / 3, behavior: behavior });
  }
}

function flash(sec, idx, behavior) {
  const marks = marksOf(sec, idx);
  if (!marks.length) return null;
  reveal(marks[0], behavior || "smooth");
  marks.forEach((m) => { m.classList.remove("flash"); void m.offsetWidth; m.classList.add("flash"); });
  marks[0].focus({ preventScroll: true });
  return marks[0];
}

const tip = $("tip");
function showTip(m) {
  const sec = m.closest("details.doc");
  if (!sec || !sec._facts) return;
  tip.textContent = "";
  m.dataset.f.split(" ").forEach((idx, n) => {
    const f = sec._facts[+idx];
    if (n) tip.appendChild(el("hr"));
    const t = el("table");
    const rows = [["fact", "#" + f.idx + " " + KINDS[f.kind]], ["text", shownText(f.slice || "")], ["value", f.value], ["value_max", f.value_max], ["unit", f.unit], ["date", f.date],
      ["qualifier", f.qualifier], ["per", f.per], ["change", f.change], ["metric", f.metric], ["rule", f.rule], ["offsets", f.start + "–" + f.end]];
    rows.forEach((r) => {
      const tr = el("tr");
      tr.appendChild(el("td", null, r[0]));
      tr.appendChild(r[1] ? el("td", null, r[1]) : el("td", "empty", "—"));
      t.appendChild(tr);
    });
    tip.appendChild(t);
  });
  tip.hidden = false;
  const r = m.getBoundingClientRect();
  const w = tip.offsetWidth, h = tip.offsetHeight;
  tip.style.left = Math.max(4, Math.min(r.left, innerWidth - w - 8)) + "px";
  tip.style.top = (r.bottom + h + 8 < innerHeight ? r.bottom + 6 : Math.max(4, r.top - h - 6)) + "px";
}
function hideTip() { tip.hidden = true; }

const docs = $("docs");
docs.addEventListener("mouseover", (e) => { const m = e.target.closest("mark"); if (m) showTip(m); });
docs.addEventListener("mouseout", (e) => { if (e.target.closest("mark")) hideTip(); });
docs.addEventListener("focusin", (e) => { if (e.target.matches("mark")) showTip(e.target); });
docs.addEventListener("focusout", hideTip);
document.addEventListener("scroll", hideTip, true);
function activateRow(e) {
  const tr = e.target.closest("tbody tr[data-f]");
  if (tr) flash(tr.closest("details.doc"), tr.dataset.f);
}
docs.addEventListener("click", activateRow);
docs.addEventListener("keydown", (e) => { if (e.key === "Enter") activateRow(e); });

document.querySelectorAll("#controls .kinds input").forEach((box) => box.addEventListener("change", () => { state.kinds[+box.value] = box.checked; refresh(); }));
$("rule").addEventListener("change", () => { state.rule = +$("rule").value; refresh(); });
let typing = 0;
$("q").addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => { state.q = $("q").value; refresh(); }, 250); });
$("prev").addEventListener("click", () => { state.page--; render(); $("controls").scrollIntoView(); });
$("next").addEventListener("click", () => { state.page++; render(); $("controls").scrollIntoView(); });
$("size").addEventListener("change", () => { state.size = +$("size").value; state.page = 0; render(); });

function showDocument(i, fact) {
  if (!(i >= 0 && i < N)) return;
  if (!state.list.includes(i)) {
    state.kinds = [true, true, true, true]; state.rule = -1; state.q = "";
    document.querySelectorAll("#controls .kinds input").forEach((b) => { b.checked = true; });
    $("rule").value = "-1"; $("q").value = "";
    filter();
  }
  state.page = Math.floor(state.list.indexOf(i) / state.size);
  render();
  const sec = $("doc-" + i);
  if (!sec) return;
  const top = sec.getBoundingClientRect().top;
  if (top < $("controls").offsetHeight || top > innerHeight / 2) sec.scrollIntoView();
  const m = fact == null ? null : flash(sec, fact, "instant");
  // After this frame's scroll events, which hide the tip.
  if (m) requestAnimationFrame(() => showTip(m));
}
// #doc-3 opens document 3 (0-based, input order); #doc-3-f7 also shows its fact 7.
function followHash() {
  const m = /^#doc-(\d+)(?:-f(\d+))?$/.exec(location.hash);
  if (m) showDocument(+m[1], m[2]);
}
window.addEventListener("hashchange", followHash);

// #verify: every document on one page, then a report of what is shown,
// in code points, for the browser test to compare with facts.jsonl.
function verify() {
  const result = { scriptRan: typeof window.pwned !== "undefined", documents: [] };
  document.querySelectorAll("details.doc").forEach((sec) => {
    const i = +sec.id.slice(4);
    const d = JSON.parse(metas[i].textContent);
    const pane = sec.querySelector(".text");
    const marks = [];
    let at = 0;
    if (pane) pane.childNodes.forEach((node) => {
      const s = node.textContent;
      if (node.nodeName === "MARK") node.dataset.f.split(" ").forEach((f) => marks.push([+f, at, s]));
      at += Array.from(s).length;
    });
    result.documents.push({ id: d.id, status: d.status, text: pane ? pane.textContent : null, marks: marks, rows: sec.querySelectorAll("tbody tr[data-f]").length });
  });
  const pre = el("pre", null, JSON.stringify(result));
  pre.id = "verify-result";
  document.body.appendChild(pre);
}

filter();
render();
if (verifying) verify(); else followHash();
})();
"##;

const ITEMS_SCRIPT: &str = r##"
(function () {
"use strict";
const $ = (id) => document.getElementById(id);
const items = Array.from(document.querySelectorAll("article.item"));
const PAGE = 200;
let page = 0, list = items;
function groups() { return Array.from(document.querySelectorAll("#controls input[type=checkbox]")).filter((b) => b.checked).map((b) => b.value); }
function filter() {
  const g = groups(), q = $("q").value;
  list = items.filter((it) => g.includes(it.dataset.group) && (!q || it.textContent.includes(q)));
  page = 0;
  render();
}
function render() {
  const pages = Math.max(1, Math.ceil(list.length / PAGE));
  page = Math.max(0, Math.min(page, pages - 1));
  const shown = new Set(list.slice(page * PAGE, (page + 1) * PAGE));
  items.forEach((it) => { it.hidden = !shown.has(it); });
  $("pageinfo").textContent = list.length ? (page * PAGE + 1) + "–" + Math.min(list.length, (page + 1) * PAGE) + " of " + list.length : "nothing matches";
  $("prev").disabled = page === 0;
  $("next").disabled = page >= pages - 1;
}
document.querySelectorAll("#controls input[type=checkbox]").forEach((b) => b.addEventListener("change", filter));
let typing = 0;
$("q").addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(filter, 250); });
$("prev").addEventListener("click", () => { page--; render(); });
$("next").addEventListener("click", () => { page++; render(); });
render();
})();
"##;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What [`json_string`] writes, the plain way: serde_json's string with
    /// `<>&` escaped after it.
    fn json_string_reference(s: &str) -> String {
        serde_json::to_string(s)
            .expect("strings serialize")
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
    }

    proptest! {
        #[test]
        fn json_string_writes_serde_json_with_markup_escaped(
            s in "([\\x00-\\x1f\"\\\\<>&/ a-z0-9]|[\\u{7f}-\\u{3000}]|[一-龥]|😀){0,40}",
            prefix in "[a-z一]{0,3}",
        ) {
            let mut out = prefix.clone();
            json_string(&mut out, &s);
            prop_assert_eq!(out, prefix + &json_string_reference(&s));
        }
    }

    proptest! {
        #[test]
        fn enum_codes_are_the_interner_codes(positions in prop::collection::vec(0usize..5, 0..30)) {
            use crate::document::Change;
            let changes = [Change::None, Change::From, Change::To, Change::Up, Change::Down];
            let (mut plain, mut by_position) = (Interner::default(), EnumInterner::default());
            for p in positions {
                let change = changes[p];
                prop_assert_eq!(
                    by_position.index(change as usize, change.as_str()),
                    plain.index(change.as_str())
                );
            }
            prop_assert_eq!(by_position.names.names, plain.names);
        }
    }

    #[test]
    fn json_string_leaves_no_markup_and_reads_back() {
        let text = "</script><!-- \"引号\" \\ \u{1}\n\t&amp; 投资8亿元";
        let mut out = String::new();
        json_string(&mut out, text);
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('&'));
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn date_bins_read_year_and_month() {
        assert_eq!(date_bin("2020-08-07"), Some((2020, Some(8))));
        assert_eq!(date_bin("2020-Q3"), Some((2020, None)));
        assert_eq!(date_bin("2020-W50"), Some((2020, None)));
        assert_eq!(date_bin("2018/2020"), Some((2018, None)));
        assert_eq!(date_bin("XXXX-08-07"), None);
        assert_eq!(date_bin(""), None);
    }

    #[test]
    fn wide_year_ranges_fold_into_decades() {
        let mut s = Summary::default();
        s.years.insert(1949, 2);
        s.years.insert(2035, 1);
        let (title, bins) = s.date_bins();
        assert_eq!(title, "Date facts by decade");
        assert_eq!(bins.first(), Some(&("1940s".to_string(), 2)));
        assert_eq!(bins.last(), Some(&("2030s".to_string(), 1)));
    }

    #[test]
    fn dates_within_a_year_go_by_month_with_gaps_filled() {
        let mut s = Summary::default();
        s.years.insert(2020, 3);
        s.months.insert((2020, 11), 1);
        s.months.insert((2021, 2), 2);
        let (title, bins) = s.date_bins();
        assert_eq!(title, "Date facts by month");
        let labels: Vec<&str> = bins.iter().map(|b| b.0.as_str()).collect();
        assert_eq!(labels, ["2020-11", "2020-12", "2021-01", "2021-02"]);
    }

    #[test]
    fn extremes_keep_the_first_ten_in_order() {
        let mut most = Vec::new();
        for (i, n) in [3, 9, 1, 9, 5, 0, 7, 2, 8, 4, 6, 10]
            .into_iter()
            .enumerate()
        {
            keep_extreme(&mut most, (n, i, format!("d{i}")), |a, b| {
                b.0.cmp(&a.0).then(a.1.cmp(&b.1))
            });
        }
        let counts: Vec<usize> = most.iter().map(|e| e.0).collect();
        assert_eq!(counts, [10, 9, 9, 8, 7, 6, 5, 4, 3, 2]);
        assert_eq!(most[1].1, 1, "ties keep input order");
    }

    #[test]
    fn labels_shorten_by_display_width() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("盘锦市小康社会", 6), "盘锦…");
    }
}
