//! Running the pipeline over many documents: in parallel, in bounded
//! memory, with output in input order whatever the thread count.
//!
//! Three kinds of thread: one reader reads the sources' bytes (files,
//! JSON lines) and packs consecutive documents into parcels; `threads`
//! workers decode them, run the pipeline and format the output ([`Render`]),
//! each on one parcel at a time; the caller's thread puts the parcels back
//! in input order and hands each document to the sink as soon as every
//! earlier document has been handed over. The reader and the sink run
//! beside the workers and `-j` does not divide their time, so they do as
//! little as they can. At most
//! [`RunOptions::in_flight_documents`] documents (and, beyond the first,
//! [`RunOptions::in_flight_bytes`] input bytes) are between the reader and
//! the sink at any time, so memory is bounded by a few documents whatever
//! the input size, and a JSON Lines filter on stdin answers each document
//! without waiting for the next.
//!
//! The per-document report can be as long as the input: [`ReportWriter`]
//! streams it to a temporary file and splices it into `report.json` at the
//! end.
//!
//! ```
//! use zhfacts::batch::{run, RunOptions};
//! use zhfacts::input::Source;
//! let dir = tempfile::tempdir().unwrap();
//! let file = dir.path().join("a.txt");
//! std::fs::write(&file, "总投资600亿元。").unwrap();
//! let sources = [Source::Text { path: file, id: "a.txt".into() }];
//! let mut facts = Vec::new();
//! let report = run(&sources, &RunOptions::default(), &mut |doc| {
//!     facts.extend(doc.facts.iter().map(|f| f.text.clone()));
//!     Ok(())
//! }, &mut |_| {}).unwrap();
//! assert_eq!(facts, ["600亿元"]);
//! assert_eq!(report.documents_succeeded, 1);
//! ```

use crate::calendar::Date;
use crate::document::{Fact, RefDateSource};
use crate::input::{self, Decoding, Item, Pending, Source};
use crate::output::{self, count_by_kind};
use crate::review;
use crate::Pipeline;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How a run is done.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Pipeline options (reference date).
    pub pipeline: Pipeline,
    /// Worker threads.
    pub threads: usize,
    /// How files are decoded.
    pub decoding: Decoding,
    /// Most documents read but not yet handed to the sink.
    pub in_flight_documents: usize,
    /// Most input bytes read but not yet handed to the sink (one document is
    /// always let through, however large).
    pub in_flight_bytes: usize,
    /// Set from elsewhere (a Ctrl-C handler) to stop the run: documents
    /// being processed finish, no other starts, and [`run`] returns an
    /// [`io::ErrorKind::Interrupted`] error.
    pub cancel: Option<Arc<AtomicBool>>,
    /// The output the workers format for each document (see [`Render`]).
    pub render: Render,
}

/// Output formats the workers write into each [`Processed`] document.
///
/// Formatting facts costs about as much as a pipeline stage (the output
/// is several times the input); done by the workers it runs in parallel,
/// and the sink, which runs alone and in order, only writes bytes.
#[derive(Debug, Clone, Default)]
pub struct Render {
    /// Fill [`Processed::csv`] with [`output::csv_rows`].
    pub csv: bool,
    /// Fill [`Processed::jsonl`] with [`output::json_lines`].
    pub jsonl: bool,
    /// Fill [`Processed::review`] with [`review::prepare`] while the
    /// review page shows documents.
    pub review: Option<review::Showing>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            pipeline: Pipeline::default(),
            threads: 1,
            decoding: Decoding::default(),
            in_flight_documents: 64,
            in_flight_bytes: 16 << 20,
            cancel: None,
            render: Render::default(),
        }
    }
}

/// What happened to one document.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DocumentReport {
    /// Document id.
    pub document: String,
    /// `ok` or `failed`.
    pub status: &'static str,
    /// Facts found.
    pub facts: usize,
    /// Input bytes.
    pub bytes: usize,
    /// Encoding the file was read as (empty when it could not be read).
    pub encoding: &'static str,
    /// Reference date used, if any.
    pub ref_date: Option<String>,
    /// Where the reference date came from.
    pub ref_date_source: Option<RefDateSource>,
    /// Why it failed, or a note (`empty document`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Read, but not quite as written: malformed bytes replaced by U+FFFD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// The run's totals (the head of report.json).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Report {
    /// Documents seen.
    pub documents_seen: usize,
    /// Documents processed.
    pub documents_succeeded: usize,
    /// Documents that failed.
    pub documents_failed: usize,
    /// Documents processed with a warning.
    pub documents_with_warnings: usize,
    /// Facts per kind.
    pub facts: FactCounts,
    /// Input bytes read.
    pub input_bytes: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl Report {
    fn add(&mut self, document: &Processed) {
        let counts = count_by_kind(&document.facts);
        self.facts.money += counts[0];
        self.facts.percent += counts[1];
        self.facts.quantity += counts[2];
        self.facts.date += counts[3];
        self.facts.total += document.facts.len();
        self.documents_seen += 1;
        self.input_bytes += document.report.bytes;
        if document.report.status == "ok" {
            self.documents_succeeded += 1;
        } else {
            self.documents_failed += 1;
        }
        if document.report.warning.is_some() {
            self.documents_with_warnings += 1;
        }
    }
}

/// A failed document in the report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Failure {
    /// Document id.
    pub document: String,
    /// Why.
    pub reason: String,
}

/// Facts per kind, and in all.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FactCounts {
    /// All facts.
    pub total: usize,
    /// money.
    pub money: usize,
    /// percent.
    pub percent: usize,
    /// quantity.
    pub quantity: usize,
    /// date.
    pub date: usize,
}

/// Progress, after each document.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Documents done.
    pub documents: usize,
    /// Input bytes done.
    pub bytes: usize,
}

/// One processed document, as handed to the sink.
#[derive(Debug)]
pub struct Processed {
    /// What happened to it.
    pub report: DocumentReport,
    /// Its original text (empty when it failed).
    pub original: String,
    /// Its facts, in text order.
    pub facts: Vec<Fact>,
    /// Its facts as CSV rows, if [`Render::csv`] asked for them.
    pub csv: Vec<u8>,
    /// Its facts as JSON Lines, if [`Render::jsonl`] asked for them.
    pub jsonl: Vec<u8>,
    /// Its part of the review page, if [`Render::review`] asked for it.
    pub review: Option<review::Prepared>,
}

impl Processed {
    fn render(&mut self, render: &Render, spares: &mut Spares) {
        if render.csv {
            let mut csv = spares.buffer();
            output::csv_rows_into(&self.facts, &mut csv);
            self.csv = csv;
        }
        if render.jsonl {
            let mut jsonl = spares.buffer();
            output::json_lines_into(&self.facts, &mut jsonl);
            self.jsonl = jsonl;
        }
        if render.review.as_ref().is_some_and(review::Showing::wanted) {
            self.review = Some(review::prepare_into(self, spares.buffer()));
        }
    }
}

/// What a worker gets back of the documents it made once the sink is done
/// with them: their output buffers, to format the next documents into,
/// and the rest, to free. Freed on the thread that allocated it, memory
/// goes back to that thread's arena without taking another thread's lock,
/// and the sink, which runs alone, does not spend its time freeing.
#[derive(Default)]
struct Spares {
    buffers: Vec<Vec<u8>>,
    /// Their capacity in all.
    bytes: usize,
}

impl Spares {
    /// Buffers kept: two parcels' worth of documents, three each (CSV,
    /// JSON Lines, review).
    const KEPT: usize = 6 * PARCEL_DOCUMENTS;
    /// A buffer larger than this (a huge document's) is freed, not kept.
    const LARGEST: usize = 4 << 20;
    /// Most bytes kept in all: a worker does not hold on to the buffers of
    /// a parcel of large documents.
    const KEPT_BYTES: usize = 16 << 20;

    fn take_back(&mut self, spent: Processed) {
        let review = spent.review.map(review::Prepared::into_buffer);
        for mut buffer in [spent.csv, spent.jsonl, review.unwrap_or_default()] {
            if buffer.capacity() > 0
                && buffer.capacity() <= Self::LARGEST
                && self.buffers.len() < Self::KEPT
                && self.bytes + buffer.capacity() <= Self::KEPT_BYTES
            {
                buffer.clear();
                self.bytes += buffer.capacity();
                self.buffers.push(buffer);
            }
        }
    }

    fn buffer(&mut self) -> Vec<u8> {
        let buffer = self.buffers.pop().unwrap_or_default();
        self.bytes -= buffer.capacity();
        buffer
    }
}

fn failed(failure: input::Failure) -> Processed {
    Processed {
        report: DocumentReport {
            document: failure.document,
            status: "failed",
            facts: 0,
            bytes: failure.bytes,
            encoding: "",
            ref_date: None,
            ref_date_source: None,
            reason: Some(failure.reason),
            warning: None,
        },
        original: String::new(),
        facts: Vec::new(),
        csv: Vec::new(),
        jsonl: Vec::new(),
        review: None,
    }
}

/// Runs one document through the pipeline. A panic costs that document,
/// not the batch: it is reported as a failure.
pub fn process(pipeline: &Pipeline, item: Item) -> Processed {
    let raw = match item {
        Item::Failed(failure) => return failed(failure),
        Item::Document(raw) => raw,
    };
    let empty = raw.text.trim().is_empty();
    let input::RawDocument {
        id,
        text,
        date,
        bytes,
        encoding,
        warning,
    } = raw;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pipeline.run(&id, text, date)
    }));
    let Ok((doc, facts)) = outcome else {
        return failed(input::Failure {
            document: id,
            reason: "internal error while extracting (please report this document)".into(),
            bytes,
        });
    };
    Processed {
        report: DocumentReport {
            document: id,
            status: "ok",
            facts: facts.len(),
            bytes,
            encoding,
            ref_date: doc.ref_date.map(|d: Date| d.to_string()),
            ref_date_source: Some(doc.ref_date_source),
            reason: empty.then(|| "empty document".to_string()),
            warning,
        },
        original: doc.original,
        facts,
        csv: Vec::new(),
        jsonl: Vec::new(),
        review: None,
    }
}

/// Documents and bytes between the reader and the sink.
struct Window {
    state: Mutex<WindowState>,
    changed: Condvar,
    most_documents: usize,
    most_bytes: usize,
}

#[derive(Default)]
struct WindowState {
    documents: usize,
    bytes: usize,
    closed: bool,
    /// The size of the document the reader waits to bring in, if it waits.
    reader_waits_for: Option<usize>,
}

impl Window {
    fn new(most_documents: usize, most_bytes: usize) -> Self {
        Window {
            state: Mutex::new(WindowState::default()),
            changed: Condvar::new(),
            most_documents: most_documents.max(1),
            most_bytes,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WindowState> {
        // A poisoned lock only means another thread panicked; the counts are
        // still right.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a document of `bytes` fits while at most `documents` are in.
    fn fits(&self, state: &WindowState, bytes: usize, documents: usize) -> bool {
        state.documents == 0
            || (state.documents < documents && state.bytes.saturating_add(bytes) <= self.most_bytes)
    }

    /// Lets a document of `bytes` in if there is room now.
    fn try_enter(&self, bytes: usize) -> bool {
        let mut state = self.lock();
        if state.closed || !self.fits(&state, bytes, self.most_documents) {
            return false;
        }
        state.documents += 1;
        state.bytes += bytes;
        true
    }

    /// Waits for room for a document of `bytes`; false once closed.
    fn enter(&self, bytes: usize) -> bool {
        let mut state = self.lock();
        while !state.closed && !self.fits(&state, bytes, self.most_documents) {
            state.reader_waits_for = Some(bytes);
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state.reader_waits_for = None;
        if state.closed {
            return false;
        }
        state.documents += 1;
        state.bytes += bytes;
        true
    }

    /// `documents` of `bytes` in all have reached the sink. A waiting
    /// reader is woken once the window has half emptied, not at every
    /// document: it then refills the window in one go, and a full window
    /// costs one wake-up per half window rather than one per document.
    fn leave(&self, documents: usize, bytes: usize) {
        let mut state = self.lock();
        state.documents -= documents;
        state.bytes -= bytes;
        let wake = state
            .reader_waits_for
            .is_some_and(|wanted| self.fits(&state, wanted, self.most_documents.div_ceil(2)));
        drop(state);
        if wake {
            self.changed.notify_all();
        }
    }

    fn is_closed(&self) -> bool {
        self.lock().closed
    }

    fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }
}

/// Runs every source through the pipeline. `sink` receives each document
/// (its report, original text and facts) in input order; `progress` is told
/// after every few (see [`run_in_parcels`]). Fails with the sink's error, or with
/// [`io::ErrorKind::Interrupted`] when [`RunOptions::cancel`] is set.
pub fn run(
    sources: &[Source],
    options: &RunOptions,
    sink: &mut dyn FnMut(&Processed) -> io::Result<()>,
    progress: &mut dyn FnMut(Progress),
) -> io::Result<Report> {
    let cancel = options.cancel.clone().unwrap_or_default();
    let mut each = |documents: &[Processed]| -> io::Result<()> {
        for document in documents {
            if cancel.load(Ordering::Relaxed) {
                return Err(interrupted());
            }
            sink(document)?;
        }
        Ok(())
    };
    run_in_parcels(sources, options, &mut each, progress)
}

/// [`run`], with the documents handed to `sink` a few consecutive ones at
/// a time (a parcel: at most 16, or 64 KiB of input), in input order: a
/// sink can write their output with one vectored write, not one write or
/// one copy per document. `progress` is told after each parcel.
pub fn run_in_parcels(
    sources: &[Source],
    options: &RunOptions,
    sink: &mut dyn FnMut(&[Processed]) -> io::Result<()>,
    progress: &mut dyn FnMut(Progress),
) -> io::Result<Report> {
    let started = Instant::now();
    options.pipeline.warm_up();
    let cancel = options.cancel.clone().unwrap_or_default();
    let window = Arc::new(Window::new(
        options.in_flight_documents,
        options.in_flight_bytes,
    ));
    let (work_sender, work) = mpsc::channel::<Parcel<Pending>>();
    let work = Mutex::new(work);
    let (done_sender, done) = mpsc::channel::<(Parcel<Processed>, usize)>();
    // The sink hands each parcel back to the worker that made it.
    let mut give_back = Vec::with_capacity(options.threads.max(1));

    // The reader is not joined: it may be blocked reading stdin when the run
    // stops (a closed pipe, Ctrl-C), and must not hold the run up.
    {
        let sources = sources.to_vec();
        let decoding = options.decoding;
        let window = Arc::clone(&window);
        let cancel = Arc::clone(&cancel);
        std::thread::Builder::new()
            .name("zhfacts-reader".into())
            .spawn(move || read_into_parcels(&sources, decoding, &window, &cancel, &work_sender))?;
    }

    let mut report = Report::default();
    let outcome = std::thread::scope(|scope| -> io::Result<()> {
        for worker_index in 0..options.threads.max(1) {
            let done_sender = done_sender.clone();
            let (spent_sender, spent) = mpsc::channel::<Parcel<Processed>>();
            give_back.push(spent_sender);
            let (work, cancel, pipeline) = (&work, &cancel, &options.pipeline);
            let render = options.render.clone();
            let window = &window;
            let worker = std::thread::Builder::new().name("zhfacts-worker".into());
            let mut spares = Spares::default();
            worker.spawn_scoped(scope, move || loop {
                for parcel in spent.try_iter() {
                    parcel.items.into_iter().for_each(|p| spares.take_back(p));
                }
                // Waits in short steps: the reader may be blocked on stdin
                // when the run stops, and must not keep the workers.
                let next = work
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .recv_timeout(Duration::from_millis(50));
                if cancel.load(Ordering::Relaxed) || window.is_closed() {
                    break;
                }
                let parcel = match next {
                    Ok(parcel) => parcel,
                    Err(mpsc::RecvTimeoutError::Timeout) => continue,
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                };
                let processed = parcel.map(|item| {
                    let mut processed = process(pipeline, item.decode());
                    processed.render(&render, &mut spares);
                    processed
                });
                if done_sender.send((processed, worker_index)).is_err() {
                    break;
                }
            })?;
        }
        drop(done_sender);
        // Whatever way this ends, the reader and the workers stop.
        let _close = CloseOnDrop(&window);
        let mut waiting = BTreeMap::new();
        let mut next = 0usize;
        for (parcel, worker) in &done {
            waiting.insert(parcel.number, (parcel, worker));
            while let Some((parcel, worker)) = waiting.remove(&next) {
                if cancel.load(Ordering::Relaxed) {
                    return Err(interrupted());
                }
                sink(&parcel.items)?;
                let mut bytes = 0;
                for processed in &parcel.items {
                    report.add(processed);
                    bytes += processed.report.bytes;
                }
                progress(Progress {
                    documents: report.documents_seen,
                    bytes: report.input_bytes,
                });
                window.leave(parcel.items.len(), bytes);
                next += 1;
                // A worker that has stopped cannot take it back: then it is
                // freed here.
                let _ = give_back[worker].send(parcel);
            }
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(interrupted());
        }
        Ok(())
    });
    outcome?;
    report.seconds = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    Ok(report)
}

/// Consecutive documents that travel together from the reader to a worker
/// and from the worker to the sink: one message and at most one wake-up
/// each way for several small documents, not one per document (a wake-up
/// costs the two cores about as much as extracting a short paragraph).
#[derive(Debug)]
struct Parcel<T> {
    /// Its place among the parcels, from 0.
    number: usize,
    items: Vec<T>,
}

impl<T> Parcel<T> {
    fn map<U>(self, f: impl FnMut(T) -> U) -> Parcel<U> {
        Parcel {
            number: self.number,
            items: self.items.into_iter().map(f).collect(),
        }
    }
}

/// Most documents in a parcel.
const PARCEL_DOCUMENTS: usize = 16;
/// A parcel is sent once it holds this many input bytes: small enough that
/// two workers share even a small batch.
const PARCEL_BYTES: usize = 64 << 10;

/// The reader's loop: decodes every source, lets each document into the
/// window and sends them to the workers in parcels. A parcel goes as soon
/// as it is full, before the reader waits for room in the window (the
/// documents it holds must move for room to come), before it reads
/// standard input, and at the end. Documents on standard input go alone:
/// a filter answers each one without waiting for the next.
fn read_into_parcels(
    sources: &[Source],
    decoding: Decoding,
    window: &Window,
    cancel: &AtomicBool,
    work: &mpsc::Sender<Parcel<Pending>>,
) {
    let mut packer = Packer::new(work);
    for source in sources {
        let alone = matches!(source, Source::Stdin);
        if alone && !packer.send() {
            return;
        }
        for item in input::read_pending(source, decoding) {
            if cancel.load(Ordering::Relaxed) {
                return;
            }
            let size = item.bytes();
            if !window.try_enter(size) && (!packer.send() || !window.enter(size)) {
                return;
            }
            packer.add(item);
            if (alone || packer.is_full()) && !packer.send() {
                return;
            }
        }
    }
    packer.send();
}

/// The parcel the reader is filling.
struct Packer<'a> {
    parcel: Parcel<Pending>,
    bytes: usize,
    work: &'a mpsc::Sender<Parcel<Pending>>,
}

impl<'a> Packer<'a> {
    fn new(work: &'a mpsc::Sender<Parcel<Pending>>) -> Self {
        Packer {
            parcel: Parcel {
                number: 0,
                items: Vec::new(),
            },
            bytes: 0,
            work,
        }
    }

    fn add(&mut self, item: Pending) {
        self.bytes += item.bytes();
        self.parcel.items.push(item);
    }

    fn is_full(&self) -> bool {
        self.parcel.items.len() >= PARCEL_DOCUMENTS || self.bytes >= PARCEL_BYTES
    }

    /// Sends the parcel if it holds anything; false once the workers are
    /// gone.
    fn send(&mut self) -> bool {
        if self.parcel.items.is_empty() {
            return true;
        }
        let items = std::mem::take(&mut self.parcel.items);
        let parcel = Parcel {
            number: self.parcel.number,
            items,
        };
        self.parcel.number += 1;
        self.bytes = 0;
        self.work.send(parcel).is_ok()
    }
}

struct CloseOnDrop<'a>(&'a Window);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

fn interrupted() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, "interrupted")
}

/// Writes report.json in bounded memory: each document's entry goes to a
/// temporary file as it comes, and [`ReportWriter::finish`] writes the
/// totals, then the failures, then every document, in input order.
///
/// ```json
/// {
///   "documents_seen": 2,
///   …
///   "failures": [
///     {"document":"bad.txt","reason":"binary file (NUL bytes), not text"}
///   ],
///   "documents": [
///     {"document":"bad.txt","status":"failed",…},
///     {"document":"good.txt","status":"ok","facts":1,…}
///   ]
/// }
/// ```
pub struct ReportWriter {
    documents: BufWriter<File>,
    failures: BufWriter<File>,
    documents_path: PathBuf,
    failures_path: PathBuf,
}

impl ReportWriter {
    /// Starts a report that will be written to `path`; its temporary files
    /// sit beside it (`<path>.documents.partial`, `<path>.failures.partial`).
    pub fn create(path: &Path) -> io::Result<Self> {
        let documents_path = with_suffix(path, ".documents.partial");
        let failures_path = with_suffix(path, ".failures.partial");
        Ok(ReportWriter {
            documents: BufWriter::new(File::create(&documents_path)?),
            failures: BufWriter::new(File::create(&failures_path)?),
            documents_path,
            failures_path,
        })
    }

    /// Records one document.
    pub fn add(&mut self, document: &DocumentReport) -> io::Result<()> {
        serde_json::to_writer(&mut self.documents, document)?;
        self.documents.write_all(b"\n")?;
        if document.status != "ok" {
            serde_json::to_writer(
                &mut self.failures,
                &Failure {
                    document: document.document.clone(),
                    reason: document.reason.clone().unwrap_or_default(),
                },
            )?;
            self.failures.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Writes the whole report to `out` and removes the temporary files.
    pub fn finish(mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        self.documents.flush()?;
        self.failures.flush()?;
        let head = serde_json::to_string_pretty(report)?;
        let head = head
            .strip_suffix("\n}")
            .expect("a struct serializes to an object");
        out.write_all(head.as_bytes())?;
        for (name, path) in [
            ("failures", &self.failures_path),
            ("documents", &self.documents_path),
        ] {
            write!(out, ",\n  \"{name}\": [")?;
            let mut first = true;
            for line in BufReader::new(File::open(path)?).lines() {
                out.write_all(if first { b"\n    " } else { b",\n    " })?;
                out.write_all(line?.as_bytes())?;
                first = false;
            }
            out.write_all(if first { b"]" } else { b"\n  ]" })?;
        }
        out.write_all(b"\n}\n")?;
        self.discard();
        Ok(())
    }

    /// Removes the temporary files (an interrupted run).
    pub fn discard(self) {
        drop(self.documents);
        drop(self.failures);
        let _ = fs::remove_file(&self.documents_path);
        let _ = fs::remove_file(&self.failures_path);
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jsonl_source(dir: &Path, lines: &[String]) -> Source {
        let path = dir.join("docs.jsonl");
        fs::write(&path, lines.join("\n")).unwrap();
        Source::JsonLines { path }
    }

    fn run_collect(sources: &[Source], options: &RunOptions) -> (Vec<String>, Report) {
        let mut out = Vec::new();
        let report = run(
            sources,
            options,
            &mut |doc| {
                out.push(format!("{}:{}", doc.report.document, doc.facts.len()));
                Ok(())
            },
            &mut |_| {},
        )
        .unwrap();
        (out, report)
    }

    #[test]
    fn output_is_in_input_order_whatever_the_threads_and_window() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = (0..60)
            .map(|i| {
                let text = "总投资600亿元，增长5%。".repeat(1 + (i * 7) % 13);
                format!("{{\"id\":\"d{i}\",\"text\":\"{text}\"}}")
            })
            .collect();
        let sources = [jsonl_source(dir.path(), &lines)];
        let (one, report) = run_collect(&sources, &RunOptions::default());
        assert_eq!(one.len(), 60);
        assert_eq!(one[0], "d0:2");
        assert_eq!(report.documents_succeeded, 60);
        for (threads, documents, bytes) in [(2, 64, 16 << 20), (3, 1, 0), (2, 3, 100)] {
            let options = RunOptions {
                threads,
                in_flight_documents: documents,
                in_flight_bytes: bytes,
                ..RunOptions::default()
            };
            assert_eq!(
                run_collect(&sources, &options).0,
                one,
                "{threads} {documents}"
            );
        }
    }

    /// The parcels the reader makes of `sources`: each one's number and
    /// its documents' ids.
    fn parcels_of(sources: &[Source], window: &Window) -> Vec<(usize, Vec<String>)> {
        let (work, parcels) = mpsc::channel();
        read_into_parcels(
            sources,
            Decoding::default(),
            window,
            &AtomicBool::new(false),
            &work,
        );
        drop(work);
        let id = |item: Pending| match item.decode() {
            Item::Document(d) => d.id,
            Item::Failed(f) => f.document,
        };
        parcels
            .iter()
            .map(|p: Parcel<Pending>| (p.number, p.items.into_iter().map(id).collect()))
            .collect()
    }

    #[test]
    fn the_reader_packs_documents_in_order_into_numbered_parcels() {
        let dir = tempfile::tempdir().unwrap();
        let line = |i: usize, text: &str| format!("{{\"id\":\"d{i}\",\"text\":\"{text}\"}}");
        let small: Vec<String> = (0..40).map(|i| line(i, "600亿元")).collect();
        let sources = [jsonl_source(dir.path(), &small)];
        let parcels = parcels_of(&sources, &Window::new(1000, 1 << 30));
        let sizes: Vec<usize> = parcels.iter().map(|(_, ids)| ids.len()).collect();
        assert_eq!(sizes, [16, 16, 8], "full by documents, the rest at the end");
        let numbers: Vec<usize> = parcels.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [0, 1, 2]);
        let ids: Vec<String> = parcels.into_iter().flat_map(|(_, ids)| ids).collect();
        assert_eq!(ids, (0..40).map(|i| format!("d{i}")).collect::<Vec<_>>());

        // 30 KB documents: full by bytes at the third.
        let large: Vec<String> = (0..7).map(|i| line(i, &"元".repeat(10_000))).collect();
        let sources = [jsonl_source(dir.path(), &large)];
        let parcels = parcels_of(&sources, &Window::new(1000, 1 << 30));
        let sizes: Vec<usize> = parcels.iter().map(|(_, ids)| ids.len()).collect();
        assert_eq!(sizes, [3, 3, 1]);
    }

    #[test]
    fn the_reader_sends_its_parcel_before_waiting_for_room() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = (0..5)
            .map(|i| format!("{{\"id\":\"d{i}\",\"text\":\"1元\"}}"))
            .collect();
        let sources = [jsonl_source(dir.path(), &lines)];
        let window = Arc::new(Window::new(2, 1 << 30));
        let reader = {
            let window = Arc::clone(&window);
            std::thread::spawn(move || parcels_of(&sources, &window))
        };
        // The window holds two documents: the reader must send them before
        // it waits, or nothing would ever leave.
        let mut left = 0;
        while left < 5 {
            let state = window.lock();
            let (documents, bytes) = (state.documents, state.bytes);
            let waits = state.reader_waits_for.is_some();
            drop(state);
            if (documents == 2 && waits) || (left == 4 && documents == 1) {
                window.leave(documents, bytes);
                left += documents;
            }
            std::thread::yield_now();
        }
        let parcels = reader.join().unwrap();
        let sizes: Vec<usize> = parcels.iter().map(|(_, ids)| ids.len()).collect();
        assert_eq!(sizes, [2, 2, 1]);
    }

    #[test]
    fn a_waiting_reader_is_woken_once_the_window_has_half_emptied() {
        let window = Arc::new(Window::new(4, 1 << 20));
        for _ in 0..4 {
            assert!(window.enter(10));
        }
        let entered = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (window, entered) = (Arc::clone(&window), Arc::clone(&entered));
            std::thread::spawn(move || {
                assert!(window.enter(10));
                entered.store(true, Ordering::SeqCst);
            })
        };
        while window.lock().reader_waits_for.is_none() {
            std::thread::yield_now();
        }
        // Three and then two documents in: the reader is not woken (a wake
        // would find room and let it in).
        window.leave(1, 10);
        window.leave(1, 10);
        std::thread::sleep(Duration::from_millis(50));
        assert!(!entered.load(Ordering::SeqCst));
        assert_eq!(window.lock().reader_waits_for, Some(10));
        // One document in, fewer than half: the reader comes in.
        window.leave(1, 10);
        reader.join().unwrap();
        assert!(entered.load(Ordering::SeqCst));
        let state = window.lock();
        assert_eq!((state.documents, state.bytes), (2, 20));
        assert_eq!(state.reader_waits_for, None);
    }

    #[test]
    fn a_document_larger_than_the_window_waits_for_an_empty_one() {
        let window = Arc::new(Window::new(4, 100));
        assert!(window.enter(60));
        let reader = {
            let window = Arc::clone(&window);
            std::thread::spawn(move || window.enter(500))
        };
        while window.lock().reader_waits_for.is_none() {
            std::thread::yield_now();
        }
        window.leave(1, 60);
        assert!(reader.join().unwrap());
        assert_eq!(window.lock().bytes, 500);
    }

    #[test]
    fn spares_keep_a_few_cleared_buffers_and_free_huge_ones() {
        let spent = |csv: Vec<u8>, jsonl: Vec<u8>| Processed {
            csv,
            jsonl,
            ..failed(input::Failure {
                document: "d".into(),
                reason: "r".into(),
                bytes: 0,
            })
        };
        let mut spares = Spares::default();
        assert_eq!(spares.buffer().capacity(), 0, "none yet: a new one");
        spares.take_back(spent(b"a,b\r\n".to_vec(), Vec::new()));
        assert_eq!(spares.buffers.len(), 1, "an unallocated buffer is not kept");
        let reused = spares.buffer();
        assert!(reused.is_empty() && reused.capacity() >= 5);
        spares.take_back(spent(vec![0; Spares::LARGEST + 1], vec![1; 8]));
        assert_eq!(spares.buffers.len(), 1, "the huge one is freed");
        for _ in 0..Spares::KEPT {
            spares.take_back(spent(vec![2; 8], vec![3; 8]));
        }
        assert_eq!(spares.buffers.len(), Spares::KEPT);
        assert!(spares.buffers.iter().all(Vec::is_empty));
        assert_eq!(
            spares.bytes,
            spares.buffers.iter().map(Vec::capacity).sum::<usize>()
        );
    }

    #[test]
    fn spares_keep_no_more_than_their_bytes() {
        let large = || Processed {
            csv: vec![0; Spares::LARGEST],
            jsonl: vec![0; Spares::LARGEST],
            ..failed(input::Failure {
                document: "d".into(),
                reason: "r".into(),
                bytes: 0,
            })
        };
        let mut spares = Spares::default();
        for _ in 0..Spares::KEPT {
            spares.take_back(large());
        }
        assert_eq!(spares.buffers.len(), Spares::KEPT_BYTES / Spares::LARGEST);
        assert!(spares.bytes <= Spares::KEPT_BYTES);
        let taken = spares.buffer();
        assert_eq!(spares.bytes, Spares::KEPT_BYTES - taken.capacity());
    }

    #[test]
    fn a_cancelled_run_is_interrupted() {
        let dir = tempfile::tempdir().unwrap();
        let sources = [jsonl_source(
            dir.path(),
            &["{\"text\":\"总投资600亿元\"}".to_string()],
        )];
        let options = RunOptions {
            cancel: Some(Arc::new(AtomicBool::new(true))),
            ..RunOptions::default()
        };
        let error = run(&sources, &options, &mut |_| Ok(()), &mut |_| {}).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::Interrupted);
    }

    #[test]
    fn a_sink_error_stops_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = (0..500)
            .map(|i| format!("{{\"text\":\"{i}元\"}}"))
            .collect();
        let sources = [jsonl_source(dir.path(), &lines)];
        let options = RunOptions {
            threads: 2,
            ..RunOptions::default()
        };
        let mut seen = 0;
        let error = run(
            &sources,
            &options,
            &mut |_| {
                seen += 1;
                Err(io::ErrorKind::BrokenPipe.into())
            },
            &mut |_| {},
        )
        .unwrap_err();
        assert_eq!((error.kind(), seen), (io::ErrorKind::BrokenPipe, 1));
    }

    #[test]
    fn workers_render_what_was_asked_as_the_writers_would() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = (0..50)
            .map(|i| format!("{{\"text\":\"去年投资{i}亿元，增长\\\"{i}%\\\"。\"}}"))
            .collect();
        let sources = [jsonl_source(dir.path(), &lines)];
        let page = review::ReviewWriter::new(io::Cursor::new(Vec::new()));
        for render in [
            Render::default(),
            Render {
                csv: true,
                jsonl: false,
                review: None,
            },
            Render {
                csv: true,
                jsonl: true,
                review: Some(page.showing()),
            },
        ] {
            let options = RunOptions {
                threads: 2,
                render: render.clone(),
                ..RunOptions::default()
            };
            let mut documents = 0;
            run(
                &sources,
                &options,
                &mut |doc| {
                    documents += 1;
                    assert_eq!(doc.facts.len(), 3, "去年, the amount, the percentage");
                    let csv = output::csv_rows(&doc.facts);
                    let jsonl: Vec<u8> = doc
                        .facts
                        .iter()
                        .flat_map(|f| (output::fact_json(f) + "\n").into_bytes())
                        .collect();
                    assert_eq!(doc.csv, if render.csv { csv } else { Vec::new() });
                    assert_eq!(doc.jsonl, if render.jsonl { jsonl } else { Vec::new() });
                    assert_eq!(doc.review.is_some(), render.review.is_some());
                    Ok(())
                },
                &mut |_| {},
            )
            .unwrap();
            assert_eq!(documents, 50);
        }
    }

    #[test]
    fn report_writer_splices_documents_after_the_totals() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        let mut writer = ReportWriter::create(&path).unwrap();
        let ok = process(
            &Pipeline::default(),
            Item::Document(input::RawDocument {
                id: "a".into(),
                text: "总投资600亿元".into(),
                date: None,
                bytes: 17,
                encoding: "UTF-8",
                warning: None,
            }),
        );
        let bad = failed(input::Failure {
            document: "b".into(),
            reason: "binary".into(),
            bytes: 3,
        });
        let mut report = Report::default();
        for doc in [&ok, &bad] {
            writer.add(&doc.report).unwrap();
            report.add(doc);
        }
        let mut out = Vec::new();
        writer.finish(&report, &mut out).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(json["documents_seen"], 2);
        assert_eq!(json["facts"]["money"], 1);
        assert_eq!(json["failures"][0]["reason"], "binary");
        assert_eq!(json["documents"][0]["facts"], 1);
        assert_eq!(json["documents"][1]["status"], "failed");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "temp files removed"
        );

        let empty = ReportWriter::create(&path).unwrap();
        let mut out = Vec::new();
        empty.finish(&Report::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.ends_with("  \"failures\": [],\n  \"documents\": []\n}\n"),
            "{text}"
        );
    }
}
