//! Rule cases as data: `tests/cases/<kind>.jsonl`, each line a named input
//! with every fact it must yield. Only the fields a case states are
//! compared (through the same code path as `zhfacts check`), and a case
//! fails on a missing or an extra fact too. All failures are reported at
//! once.

use std::path::Path;
use zhfacts::check::{compare_documents, GoldFact};
use zhfacts::{Date, Pipeline, RefDateSource};

struct Case {
    name: String,
    input: String,
    ref_date: Option<Date>,
    facts: Vec<GoldFact>,
}

fn load(file: &str) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{file}:{}: {e}", i + 1));
            Case {
                name: v["name"].as_str().expect("a case has a name").to_string(),
                input: v["input"]
                    .as_str()
                    .expect("a case has an input")
                    .to_string(),
                ref_date: v["ref_date"].as_str().and_then(Date::parse),
                facts: v["facts"]
                    .as_array()
                    .expect("a case lists its facts")
                    .iter()
                    .map(|f| f.as_object().expect("a fact is an object").clone())
                    .collect(),
            }
        })
        .collect()
}

/// Runs one file's cases; returns the failures, each explained.
fn failures(file: &str) -> (usize, Vec<String>) {
    let cases = load(file);
    let pipeline = Pipeline::default();
    let mut failed = Vec::new();
    for case in &cases {
        let date = case.ref_date.map(|d| (d, RefDateSource::Document));
        let (_, facts) = pipeline.run(&case.name, case.input.clone(), date);
        let result = compare_documents(&case.name, &case.facts, &facts);
        let mut problems = Vec::new();
        for m in &result.misses {
            problems.push(format!("missed {} {:?}", m.kind, m.text));
        }
        for s in &result.spurious {
            problems.push(format!("spurious {} {:?} ({})", s.kind, s.text, s.rule));
        }
        for w in &result.wrong {
            for d in &w.diffs {
                problems.push(format!(
                    "{:?} {}: expected {} got {}",
                    w.fact.text, d.field, d.expected, d.actual
                ));
            }
        }
        if !problems.is_empty() {
            failed.push(format!(
                "{}: {}\n    {}",
                case.name,
                case.input,
                problems.join("\n    ")
            ));
        }
    }
    (cases.len(), failed)
}

/// Cases that fail today, by name: a case listed there must still fail
/// (so the list shrinks as rules improve) and every other case must pass.
fn known_failures() -> std::collections::BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/known_failures.txt");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn run(file: &str) {
    let (total, failed) = failures(file);
    assert!(total > 0, "{file} has no cases");
    let known = known_failures();
    let passed = total - failed.len();
    eprintln!("{file}: {passed}/{total} cases pass");
    let name_of = |f: &String| f.split(':').next().unwrap_or("").to_string();
    let failed_names: std::collections::BTreeSet<String> = failed.iter().map(name_of).collect();
    let new: Vec<&String> = failed
        .iter()
        .filter(|f| !known.contains(&name_of(f)))
        .collect();
    let prefix = file.trim_end_matches(".jsonl");
    let names: std::collections::BTreeSet<String> =
        load(file).into_iter().map(|c| c.name).collect();
    let fixed: Vec<&String> = known
        .iter()
        .filter(|k| names.contains(*k) && !failed_names.contains(*k))
        .collect();
    assert!(
        new.is_empty() && fixed.is_empty(),
        "{prefix}: {} new failures, {} known failures now pass (remove them from known_failures.txt): {fixed:?}\n{}",
        new.len(),
        fixed.len(),
        new.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
}

/// Prints every failing case, known or not: `cargo test --test cases -- --ignored --nocapture`.
#[test]
#[ignore]
fn list_all_failures() {
    for file in [
        "money.jsonl",
        "percent.jsonl",
        "quantity.jsonl",
        "date.jsonl",
        "news.jsonl",
    ] {
        let (total, failed) = failures(file);
        println!("== {file}: {}/{total} pass", total - failed.len());
        for f in failed {
            println!("{f}");
        }
    }
}

#[test]
fn money_cases() {
    run("money.jsonl");
}

#[test]
fn percent_cases() {
    run("percent.jsonl");
}

#[test]
fn quantity_cases() {
    run("quantity.jsonl");
}

#[test]
fn date_cases() {
    run("date.jsonl");
}

/// News-wire sentences mixing every kind, written to find what the
/// per-kind cases missed.
#[test]
fn news_cases() {
    run("news.jsonl");
}
