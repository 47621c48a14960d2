//! Running the pipeline over many documents: in parallel, in bounded
//! memory, with output in input order whatever the thread count.
//!
//! Documents are read in chunks; each chunk is processed on the rayon pool
//! and its results handed to the sink in input order before the next chunk
//! is read. Memory is bounded by the chunk (a few dozen documents or a few
//! MB), not by the input.

use crate::calendar::Date;
use crate::document::{Fact, RefDateSource};
use crate::input::{self, Decoding, Item, Source};
use crate::output::count_by_kind;
use crate::Pipeline;
use rayon::prelude::*;
use serde::Serialize;
use std::io;
use std::time::Instant;

/// How a run is done.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Pipeline options (reference date).
    pub pipeline: Pipeline,
    /// Worker threads (1 = sequential).
    pub threads: usize,
    /// How files are decoded.
    pub decoding: Decoding,
    /// Most documents per chunk.
    pub chunk_documents: usize,
    /// Most input bytes per chunk (a chunk always takes one document).
    pub chunk_bytes: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            pipeline: Pipeline::default(),
            threads: 1,
            decoding: Decoding::default(),
            chunk_documents: 256,
            chunk_bytes: 8 << 20,
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
    /// Why it failed, or a note (`empty`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The run report (report.json).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Documents seen.
    pub documents_seen: usize,
    /// Documents processed.
    pub documents_succeeded: usize,
    /// Documents that failed.
    pub documents_failed: usize,
    /// Each failure: document and reason.
    pub failures: Vec<Failure>,
    /// Facts per kind.
    pub facts: FactCounts,
    /// Input bytes read.
    pub input_bytes: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Every document, in input order.
    pub documents: Vec<DocumentReport>,
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

/// Progress after each chunk.
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
}

fn process(pipeline: &Pipeline, item: Item) -> Processed {
    match item {
        Item::Failed(f) => Processed {
            report: DocumentReport {
                document: f.document,
                status: "failed",
                facts: 0,
                bytes: f.bytes,
                encoding: "",
                ref_date: None,
                ref_date_source: None,
                reason: Some(f.reason),
            },
            original: String::new(),
            facts: Vec::new(),
        },
        Item::Document(raw) => {
            let empty = raw.text.trim().is_empty();
            // A bug must cost one document, not the batch: report it as a failure.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                pipeline.run(&raw.id, raw.text.clone(), raw.date)
            }));
            let (doc, facts) = match outcome {
                Ok(done) => done,
                Err(_) => {
                    return process(
                        pipeline,
                        Item::Failed(input::Failure {
                            document: raw.id,
                            reason: "internal error while extracting (please report this document)"
                                .into(),
                            bytes: raw.bytes,
                        }),
                    )
                }
            };
            Processed {
                report: DocumentReport {
                    document: raw.id,
                    status: "ok",
                    facts: facts.len(),
                    bytes: raw.bytes,
                    encoding: raw.encoding,
                    ref_date: doc.ref_date.map(|d: Date| d.to_string()),
                    ref_date_source: Some(doc.ref_date_source),
                    reason: empty.then(|| "empty document".to_string()),
                },
                original: doc.original,
                facts,
            }
        }
    }
}

/// Runs every source through the pipeline. `sink` receives each document
/// (its report, original text and facts) in input order; `progress` is told
/// after each chunk.
pub fn run(
    sources: &[Source],
    options: &RunOptions,
    sink: &mut dyn FnMut(&Processed) -> io::Result<()>,
    progress: &mut dyn FnMut(Progress),
) -> io::Result<Report> {
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .build()
        .map_err(io::Error::other)?;
    options.pipeline.warm_up();
    let mut report = Report {
        documents_seen: 0,
        documents_succeeded: 0,
        documents_failed: 0,
        failures: Vec::new(),
        facts: FactCounts::default(),
        input_bytes: 0,
        seconds: 0.0,
        documents: Vec::new(),
    };
    let mut items = sources
        .iter()
        .flat_map(|s| input::read(s, options.decoding));
    let streaming = sources.iter().any(|s| matches!(s, Source::Stdin));
    let chunk_documents = if streaming {
        (options.threads * 2).max(1)
    } else {
        options.chunk_documents.max(1)
    };
    loop {
        let mut chunk = Vec::new();
        let mut bytes = 0usize;
        for item in items.by_ref() {
            bytes += match &item {
                Item::Document(d) => d.bytes,
                Item::Failed(f) => f.bytes,
            };
            chunk.push(item);
            if chunk.len() >= chunk_documents || bytes >= options.chunk_bytes {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let processed: Vec<Processed> = if options.threads <= 1 {
            chunk
                .into_iter()
                .map(|item| process(&options.pipeline, item))
                .collect()
        } else {
            pool.install(|| {
                chunk
                    .into_par_iter()
                    .map(|item| process(&options.pipeline, item))
                    .collect()
            })
        };
        for p in processed {
            sink(&p)?;
            let counts = count_by_kind(&p.facts);
            report.facts.money += counts[0];
            report.facts.percent += counts[1];
            report.facts.quantity += counts[2];
            report.facts.date += counts[3];
            report.facts.total += p.facts.len();
            report.documents_seen += 1;
            report.input_bytes += p.report.bytes;
            if p.report.status == "ok" {
                report.documents_succeeded += 1;
            } else {
                report.documents_failed += 1;
                report.failures.push(Failure {
                    document: p.report.document.clone(),
                    reason: p.report.reason.clone().unwrap_or_default(),
                });
            }
            report.documents.push(p.report);
        }
        progress(Progress {
            documents: report.documents_seen,
            bytes: report.input_bytes,
        });
    }
    report.seconds = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    Ok(report)
}
