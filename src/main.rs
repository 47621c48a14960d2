//! The `zhfacts` command line: parse flags, call the library, map errors to
//! exit codes (0 ok, 1 `check` found differences, 2 an error).

mod check_command;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use zhfacts::batch::{self, RunOptions};
use zhfacts::input::{self, Decoding};
use zhfacts::normalize::Converter;
use zhfacts::output::{fact_json, CsvStyle, CsvWriter};
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
(the others are still processed and written).";

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
    let options = RunOptions {
        pipeline: Pipeline {
            ref_date: args.common.ref_date,
            converter: args.common.converter,
        },
        threads,
        decoding: decoding(&args.common)?,
        ..RunOptions::default()
    };
    let show_progress = !args.quiet && io::IsTerminal::is_terminal(&io::stderr());
    let mut progress = |p: batch::Progress| {
        if show_progress {
            eprint!(
                "\rzhfacts: {} documents, {:.1} MB",
                p.documents,
                p.bytes as f64 / 1e6
            );
        }
    };

    let report = if args.output.as_os_str() == "-" {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        let mut sink = |doc: &batch::Processed| -> io::Result<()> {
            for f in &doc.facts {
                writeln!(out, "{}", fact_json(f))?;
            }
            out.flush()
        };
        batch::run(&sources, &options, &mut sink, &mut progress)?
    } else {
        let dir = &args.output;
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let csv_path = dir.join("facts.csv");
        let jsonl_path = dir.join("facts.jsonl");
        let report_path = dir.join("report.json");
        let style = if args.excel {
            CsvStyle::Excel
        } else {
            CsvStyle::Plain
        };
        let mut csv = CsvWriter::new(BufWriter::new(create_temp(&csv_path)?), style)
            .with_context(|| format!("cannot write {}", csv_path.display()))?;
        let mut jsonl = BufWriter::new(create_temp(&jsonl_path)?);
        let mut sink = |doc: &batch::Processed| -> io::Result<()> {
            for f in &doc.facts {
                csv.write(f)?;
                writeln!(jsonl, "{}", fact_json(f))?;
            }
            Ok(())
        };
        let report = batch::run(&sources, &options, &mut sink, &mut progress)?;
        csv.finish()?
            .flush()
            .with_context(|| format!("cannot write {}", csv_path.display()))?;
        jsonl
            .flush()
            .with_context(|| format!("cannot write {}", jsonl_path.display()))?;
        let mut report_file = BufWriter::new(create_temp(&report_path)?);
        serde_json::to_writer_pretty(&mut report_file, &report)?;
        writeln!(report_file)?;
        report_file.flush()?;
        drop(report_file);
        // Rename only at the end: an interrupted run leaves the old files
        // (or none), never a truncated one that looks complete.
        for path in [&csv_path, &jsonl_path, &report_path] {
            fs::rename(temp_path(path), path)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        report
    };
    if show_progress {
        eprintln!();
    }
    for failure in &report.failures {
        eprintln!("zhfacts: {}: {}", failure.document, failure.reason);
    }
    if !args.quiet {
        eprintln!(
            "zhfacts: {} documents ({} failed), {} facts in {:.2} s",
            report.documents_seen, report.documents_failed, report.facts.total, report.seconds
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
