//! Golden tests over `corpus/`: every `corpus/<name>.txt` against
//! `corpus/<name>.expected.jsonl`, compared as parsed JSON through the same
//! code path as `zhfacts check`, all differences reported at once.
//! `ZHFACTS_BLESS=1 cargo test --test corpus` rewrites the expected files
//! (review that diff like code).

use std::fs;
use std::path::{Path, PathBuf};
use zhfacts::check::{compare, CheckReport, GoldFact};
use zhfacts::input::{self, Decoding, Item};
use zhfacts::output::fact_json;
use zhfacts::{Fact, Pipeline};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Every corpus document run the way `zhfacts extract` runs it.
fn run_corpus() -> Vec<(PathBuf, String, String, Vec<Fact>)> {
    let sources = input::expand(&[corpus_dir()]).expect("corpus/ is readable");
    let pipeline = Pipeline::default();
    let mut out = Vec::new();
    for source in &sources {
        let input::Source::Text { path, .. } = source else {
            continue;
        };
        for item in input::read(source, Decoding::default()) {
            let Item::Document(raw) = item else {
                panic!("{} failed to read", path.display())
            };
            let (doc, facts) = pipeline.run(&raw.id, raw.text, raw.date);
            out.push((path.clone(), raw.id, doc.original, facts));
        }
    }
    assert!(
        out.len() >= 6,
        "the corpus has the seed and at least five articles"
    );
    out
}

fn expected_path(txt: &Path) -> PathBuf {
    txt.with_extension("expected.jsonl")
}

#[test]
fn corpus_matches_expected_facts() {
    let runs = run_corpus();
    if std::env::var_os("ZHFACTS_BLESS").is_some() {
        for (path, _, _, facts) in &runs {
            let text: String = facts.iter().map(|f| fact_json(f) + "\n").collect();
            fs::write(expected_path(path), text).expect("expected file is writable");
        }
        return;
    }
    let mut gold = std::collections::BTreeMap::new();
    for (path, id, _, _) in &runs {
        let expected = expected_path(path);
        let text = fs::read_to_string(&expected).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run with ZHFACTS_BLESS=1 to create it)",
                expected.display()
            )
        });
        let facts: Vec<GoldFact> = text
            .lines()
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}", expected.display()))
            })
            .collect();
        gold.insert(id.clone(), facts);
    }
    let predicted: Vec<(String, Vec<Fact>)> =
        runs.into_iter().map(|(_, id, _, f)| (id, f)).collect();
    let report: CheckReport = compare(&gold, &predicted);
    assert!(
        report.is_clean(),
        "corpus differs from its expected facts:\n{}",
        report.render(false)
    );
}

/// `original[start:end]`, whitespace removed and converted to Simplified,
/// equals the fact's text (whitespace removed).
#[test]
fn every_fact_maps_back_to_the_original() {
    let mut checked = 0;
    for (path, _, original, facts) in run_corpus() {
        let chars: Vec<char> = original.chars().collect();
        for f in &facts {
            assert!(
                f.start < f.end && f.end <= chars.len(),
                "{}: {f:?} out of range",
                path.display()
            );
            let slice: String = chars[f.start..f.end].iter().collect();
            let normalized: String = zhfacts::normalize::normalize(&slice)
                .text
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let text: String = f.text.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(
                normalized,
                text,
                "{}: fact {} at {}..{}",
                path.display(),
                f.index,
                f.start,
                f.end
            );
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} facts checked");
}

/// `output/` in the repository is the result of `cargo run --release`
/// over `corpus/`: a sample people can open without building.
#[test]
fn shipped_output_is_up_to_date() {
    let dir = tempfile::tempdir().expect("a temp dir");
    assert_cmd::Command::cargo_bin("zhfacts")
        .expect("the zhfacts binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["extract", "corpus", "--quiet", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("output");
    for name in ["facts.jsonl", "facts.csv"] {
        let fresh = fs::read(dir.path().join(name)).expect("fresh output");
        let shipped = fs::read(root.join(name)).unwrap_or_default();
        assert!(
            fresh == shipped,
            "output/{name} is stale: run `cargo run --release` and commit output/"
        );
    }
}
