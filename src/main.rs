//! The `zhfacts` command line: parse flags, call the library, map errors to
//! exit codes (0 ok, 1 `check` found differences, 2 an error, 130
//! interrupted).

mod check_command;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use zhfacts::batch::{self, ReportWriter, RunOptions};
use zhfacts::input::{self, Decoding};
use zhfacts::normalize::Converter;
use zhfacts::output::{write_all_parts, CsvStyle, CsvWriter, WRITE_CHUNK};
use zhfacts::review::ReviewWriter;
use zhfacts::{Date, Pipeline, Stage};

/// Turn Chinese news articles into numeric facts: money, percentages,
/// quantities and dates, each pointing back into the original text.
#[derive(Parser, Debug)]
#[command(name = "zhfacts", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

const EXAMPLES: &str = "\
Examples:
  zhfacts                                  extract corpus/ into output/
  zhfacts extract articles/ -o out/        a folder of .txt/.jsonl files
  zhfacts extract news.jsonl --ref-date 2020-12-10 -j 2
  cat docs.jsonl | zhfacts extract - -o -  a JSON Lines filter (stdin to stdout)
  zhfacts text article.txt --stage reflow  see the text a stage produces

Exit codes: 0 ok; 1 check found differences; 2 a document or file failed
(the others are still processed and written); 130 interrupted (Ctrl-C), no
output file written.";

#[derive(Subcommand, Debug)]
enum Command {
    /// Extract facts into facts.csv, facts.jsonl and report.json.
    Extract(ExtractArgs),
    /// Print each document's text after a stage, for people writing rules.
    Text(TextArgs),
    /// Compare extracted facts with a gold set or an earlier run.
    Check(check_command::CheckArgs),
}

#[derive(Args, Debug, Clone)]
struct CommonArgs {
    /// Reference date (YYYY-MM-DD) for relative and year-less dates of
    /// documents that carry no date of their own.
    #[arg(long, value_parser = parse_date)]
    ref_date: Option<Date>,
    /// Read files in this encoding instead of detecting it (gbk, big5,
    /// utf-16le, …).
    #[arg(long)]
    encoding: Option<String>,
    /// Traditional→Simplified converter: `hanconv` (built in, the default)
    /// or `opencc` (the C++ OpenCC, in a build with `--features opencc`).
    /// Both give OpenCC 1.1.6's t2s to the character.
    #[arg(long, default_value = "hanconv", value_parser = Converter::from_name)]
    converter: Converter,
}

#[derive(Args, Debug)]
struct ExtractArgs {
    /// .txt files, .jsonl files, folders, or - for JSON Lines on stdin.
    /// Default: corpus
    inputs: Vec<PathBuf>,
    /// Output folder, or - for facts as JSON Lines on stdout.
    #[arg(short, long, default_value = "output")]
    output: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long)]
    jobs: Option<usize>,
    /// No progress on stderr.
    #[arg(short, long)]
    quiet: bool,
    /// Write facts.csv with a byte order mark, for Excel on Windows.
    #[arg(long)]
    excel: bool,
    /// Do not write review.html (the page that shows each fact in its
    /// article).
    #[arg(long)]
    no_review: bool,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
struct TextArgs {
    /// A .txt file, .jsonl file, folder, or -.
    input: PathBuf,
    /// Which stage's text to print.
    #[arg(long, value_enum, default_value_t = StageArg::Reflow)]
    stage: StageArg,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum StageArg {
    Normalize,
    Reflow,
    Segment,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("{s:?} is not a date in YYYY-MM-DD form"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Extract(ExtractArgs {
        inputs: Vec::new(),
        output: PathBuf::from("output"),
        jobs: None,
        quiet: false,
        excel: false,
        no_review: false,
        common: CommonArgs {
            ref_date: None,
            encoding: None,
            converter: Converter::default(),
        },
    }));
    let result = match command {
        Command::Extract(args) => extract(args),
        Command::Text(args) => text(args),
        Command::Check(args) => check_command::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if is_interrupted(&err) => {
            eprintln!(
                "zhfacts: interrupted before the end: no output file was written or replaced"
            );
            ExitCode::from(130)
        }
        Err(err) => {
            eprintln!("zhfacts: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn is_interrupted(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::Interrupted)
    })
}

/// Ctrl-C (or SIGTERM) sets the flag: the run stops after the documents in
/// hand and removes its partial files. A second Ctrl-C exits at once.
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let handler_flag = Arc::clone(&flag);
    // No handler (it cannot be installed) only means Ctrl-C kills the process
    // the default way: the output files are still never left truncated.
    let _ = ctrlc::set_handler(move || {
        if handler_flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    flag
}

/// A progress bar on stderr: documents and MB done, rate, ETA (a spinner for
/// stdin). Hidden unless `show`.
fn progress_bar(sources: &[input::Source], show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let total: Option<u64> = sources
        .iter()
        .map(|source| match source {
            input::Source::Text { path, .. } | input::Source::JsonLines { path } => {
                Some(fs::metadata(path).map_or(0, |m| m.len()))
            }
            input::Source::Stdin => None,
            _ => Some(0),
        })
        .sum();
    let (bar, template) = match total {
        Some(total) => (
            ProgressBar::new(total),
            "{msg} {decimal_bytes}/{decimal_total_bytes} [{wide_bar}] {decimal_bytes_per_sec}, ETA {eta}",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {msg} {decimal_bytes} {decimal_bytes_per_sec}, {elapsed}",
        ),
    };
    bar.set_style(
        ProgressStyle::with_template(template)
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar
}

/// Removes what an unfinished run leaves in `dir`: the `.partial` files of
/// our outputs.
struct PartialFiles<'a>(&'a Path);

impl Drop for PartialFiles<'_> {
    fn drop(&mut self) {
        let Ok(entries) = fs::read_dir(self.0) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = ["facts.", "report.json", "review.html"]
                .iter()
                .any(|prefix| name.starts_with(prefix));
            if ours && name.ends_with(".partial") {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

fn decoding(common: &CommonArgs) -> Result<Decoding> {
    match &common.encoding {
        None => Ok(Decoding::default()),
        Some(label) => {
            Decoding::from_label(label).with_context(|| format!("unknown encoding {label:?}"))
        }
    }
}

fn extract(args: ExtractArgs) -> Result<ExitCode> {
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("corpus")]
    } else {
        args.inputs.clone()
    };
    let sources = input::expand(&inputs)?;
    let threads = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut options = RunOptions {
        pipeline: Pipeline {
            ref_date: args.common.ref_date,
            converter: args.common.converter,
        },
        threads,
        decoding: decoding(&args.common)?,
        cancel: Some(interrupt_flag()),
        // The workers format the facts; the sinks below only write bytes.
        render: batch::Render {
            csv: args.output.as_os_str() != "-",
            jsonl: true,
            review: None,
        },
        ..RunOptions::default()
    };
    let show_progress = !args.quiet && io::IsTerminal::is_terminal(&io::stderr());
    let bar = progress_bar(&sources, show_progress);
    let mut progress = |p: batch::Progress| {
        bar.set_position(p.bytes as u64);
        bar.set_message(format!("{} documents", p.documents));
    };
    // Failures (and warnings) are told as they happen: a long run need not
    // end for them to be seen.
    let tell = |doc: &batch::Processed| {
        let r = &doc.report;
        if r.status != "ok" {
            let reason = r.reason.as_deref().unwrap_or_default();
            bar.suspend(|| eprintln!("zhfacts: {}: {reason}", r.document));
        } else if let (Some(warning), false) = (&r.warning, args.quiet) {
            bar.suspend(|| eprintln!("zhfacts: {}: warning: {warning}", r.document));
        }
    };

    let report = if args.output.as_os_str() == "-" {
        let stdout = io::stdout();
        // Flushed after each document: a filter answers each one at once.
        let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
        let mut sink = |doc: &batch::Processed| -> io::Result<()> {
            tell(doc);
            out.write_all(&doc.jsonl)?;
            out.flush()
        };
        batch::run(&sources, &options, &mut sink, &mut progress)
            .inspect_err(|_| bar.finish_and_clear())?
    } else {
        let dir = &args.output;
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        // However this ends (error, Ctrl-C), no `.partial` file stays behind.
        let _partial_files = PartialFiles(dir);
        let csv_path = dir.join("facts.csv");
        let jsonl_path = dir.join("facts.jsonl");
        let report_path = dir.join("report.json");
        let style = if args.excel {
            CsvStyle::Excel
        } else {
            CsvStyle::Plain
        };
        let mut csv = CsvWriter::new(
            BufWriter::with_capacity(WRITE_CHUNK, create_temp(&csv_path)?),
            style,
        )
        .with_context(|| format!("cannot write {}", csv_path.display()))?;
        let mut jsonl = BufWriter::with_capacity(WRITE_CHUNK, create_temp(&jsonl_path)?);
        let mut documents = ReportWriter::create(&report_path)
            .with_context(|| format!("cannot write {}", report_path.display()))?;
        let review_path = dir.join("review.html");
        // The page's documents wait in a scratch file, so the summary can go
        // on top without keeping every original text in memory.
        let review_parts = dir.join("review.html.documents.partial");
        let mut review = if args.no_review {
            None
        } else {
            let parts = File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(&review_parts)
                .with_context(|| format!("cannot write {}", review_parts.display()))?;
            let review = ReviewWriter::new(parts);
            options.render.review = Some(review.showing());
            Some(review)
        };
        // A parcel of documents at a time: their CSV and JSON go out in one
        // vectored write each, not copied into the writers' buffers.
        let mut sink = |docs: &[batch::Processed]| -> io::Result<()> {
            for doc in docs {
                tell(doc);
                documents.add(&doc.report)?;
                if let Some(review) = review.as_mut() {
                    review.add(doc)?;
                }
            }
            let parts =
                |part: fn(&batch::Processed) -> &[u8]| docs.iter().map(part).collect::<Vec<_>>();
            csv.write_rows_of(&parts(|doc| &doc.csv))?;
            write_all_parts(&mut jsonl, &parts(|doc| &doc.jsonl))
        };
        let report = batch::run_in_parcels(&sources, &options, &mut sink, &mut progress)
            .inspect_err(|_| bar.finish_and_clear())?;
        csv.finish()
            .flush()
            .with_context(|| format!("cannot write {}", csv_path.display()))?;
        jsonl
            .flush()
            .with_context(|| format!("cannot write {}", jsonl_path.display()))?;
        let mut report_file = BufWriter::new(create_temp(&report_path)?);
        documents
            .finish(&report, &mut report_file)
            .and_then(|()| report_file.flush())
            .with_context(|| format!("cannot write {}", report_path.display()))?;
        drop(report_file);
        let mut renames = vec![&csv_path, &jsonl_path, &report_path];
        if let Some(review) = review {
            let mut page = BufWriter::with_capacity(WRITE_CHUNK, create_temp(&review_path)?);
            review
                .finish(&mut page)
                .with_context(|| format!("cannot write {}", review_path.display()))?;
            drop(page);
            fs::remove_file(&review_parts)
                .with_context(|| format!("cannot remove {}", review_parts.display()))?;
            renames.push(&review_path);
        } else if review_path.exists() {
            // A page from an earlier run would contradict the new facts.
            fs::remove_file(&review_path)
                .with_context(|| format!("cannot remove {}", review_path.display()))?;
        }
        // Rename only at the end: an interrupted run leaves the old files
        // (or none), never a truncated one that looks complete.
        for path in renames {
            fs::rename(temp_path(path), path)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        report
    };
    bar.finish_and_clear();
    if !args.quiet {
        eprintln!(
            "zhfacts: {} documents ({} failed, {} with warnings), {} facts in {:.2} s",
            report.documents_seen,
            report.documents_failed,
            report.documents_with_warnings,
            report.facts.total,
            report.seconds
        );
    }
    Ok(if report.documents_failed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

fn create_temp(path: &Path) -> Result<File> {
    let temp = temp_path(path);
    File::create(&temp).with_context(|| format!("cannot write {}", temp.display()))
}

fn text(args: TextArgs) -> Result<ExitCode> {
    let sources = input::expand(std::slice::from_ref(&args.input))?;
    let pipeline = Pipeline {
        ref_date: args.common.ref_date,
        converter: args.common.converter,
    };
    let stage = match args.stage {
        StageArg::Normalize => Stage::Normalize,
        StageArg::Reflow => Stage::Reflow,
        StageArg::Segment => Stage::Segment,
    };
    let decoding = decoding(&args.common)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut failed = false;
    let several = sources.len() > 1 || !matches!(sources.first(), Some(input::Source::Text { .. }));
    for source in &sources {
        for item in input::read(source, decoding) {
            match item {
                input::Item::Document(doc) => {
                    if several {
                        writeln!(out, "=== {}", doc.id)?;
                    }
                    writeln!(out, "{}", pipeline.text(&doc.text, stage))?;
                }
                input::Item::Failed(f) => {
                    eprintln!("zhfacts: {}: {}", f.document, f.reason);
                    failed = true;
                }
            }
        }
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
