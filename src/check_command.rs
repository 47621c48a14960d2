//! `zhfacts check`: the command-line side of [`zhfacts::check`].

use anyhow::{bail, Context, Result};
use clap::Args;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use zhfacts::batch::{self, RunOptions};
use zhfacts::check;
use zhfacts::input;
use zhfacts::{Fact, Pipeline};

/// Compare extracted facts with a gold set (or an earlier run).
#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  zhfacts check corpus --gold gold/ --bless     write today's facts as the gold set
  zhfacts check corpus --gold gold/             what a rule change gained and broke
  zhfacts check corpus --gold gold/ --min-f1 0.95 --json
  zhfacts check corpus --baseline output/facts.jsonl

Exit codes: 0 everything matches (or every kind reaches --min-f1); 1 differences
(or, with --baseline, anything changed); 2 an error.")]
pub struct CheckArgs {
    /// .txt files, .jsonl files, folders, or - for JSON Lines on stdin.
    /// Default: corpus
    inputs: Vec<PathBuf>,
    /// Gold facts: a JSONL file or a folder of them (facts.jsonl format;
    /// only the fields a record has are compared).
    #[arg(long, conflicts_with = "baseline")]
    gold: Option<PathBuf>,
    /// Compare with an earlier facts.jsonl instead of a gold set: facts
    /// gained, lost and changed, per rule.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Pass when every kind reaches this F1 (0 to 1) even if some facts differ.
    #[arg(long)]
    min_f1: Option<f64>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Also write the differences as a page (misses, spurious facts and
    /// wrong attributes highlighted in their sentences).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write this run's facts as the gold set (one file per document in
    /// the --gold folder), to be reviewed as a git diff.
    #[arg(long, requires = "gold")]
    bless: bool,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long)]
    jobs: Option<usize>,
    /// Reference date (YYYY-MM-DD) for documents that carry none.
    #[arg(long, value_parser = super::parse_date)]
    ref_date: Option<zhfacts::Date>,
}

/// Runs `zhfacts check`.
pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("corpus")]
    } else {
        args.inputs.clone()
    };
    let sources = input::expand(&inputs)?;
    let options = RunOptions {
        pipeline: Pipeline::with_ref_date(args.ref_date),
        threads: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        ..RunOptions::default()
    };
    let mut predicted: Vec<(String, Vec<Fact>)> = Vec::new();
    let mut failures = Vec::new();
    let mut sink = |doc: &batch::Processed| -> io::Result<()> {
        if doc.report.status == "ok" {
            predicted.push((doc.report.document.clone(), doc.facts.clone()));
        } else {
            failures.push(format!(
                "{}: {}",
                doc.report.document,
                doc.report.reason.clone().unwrap_or_default()
            ));
        }
        Ok(())
    };
    batch::run(&sources, &options, &mut sink, &mut |_| {})?;
    if !failures.is_empty() {
        bail!("documents could not be read: {}", failures.join("; "));
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();

    if let Some(baseline) = &args.baseline {
        let old = check::load_gold(baseline)
            .with_context(|| format!("cannot read baseline {}", baseline.display()))?;
        let report = check::compare_baseline(&old, &predicted);
        if args.json {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        } else {
            write!(out, "{}", report.render())?;
        }
        return Ok(if report.is_clean() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }

    let Some(gold_path) = &args.gold else {
        bail!("say what to compare with: --gold GOLD or --baseline OLD.jsonl");
    };
    if args.bless {
        check::bless(gold_path, &predicted)?;
        let facts: usize = predicted.iter().map(|(_, f)| f.len()).sum();
        eprintln!(
            "zhfacts: wrote {} facts of {} documents to {}",
            facts,
            predicted.len(),
            gold_path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let gold = check::load_gold(gold_path)
        .with_context(|| format!("cannot read gold {}", gold_path.display()))?;
    let report = check::compare(&gold, &predicted);
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", report.render(io::stdout().is_terminal()))?;
    }
    if let Some(path) = &args.html {
        let notes: Vec<String> = report
            .kinds
            .iter()
            .map(|(kind, s)| {
                format!(
                    "{kind}: gold {}, predicted {}, matched {}, F1 {:.1}%",
                    s.gold,
                    s.predicted,
                    s.matched,
                    s.f1 * 100.0
                )
            })
            .collect();
        let mut page = Vec::new();
        zhfacts::review::write_items_page(
            &mut page,
            "zhfacts check",
            &notes,
            &zhfacts::review::check_items(&report),
        )?;
        std::fs::write(path, page).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let passed = match args.min_f1 {
        Some(min) => report.meets(min),
        None => report.is_clean(),
    };
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
