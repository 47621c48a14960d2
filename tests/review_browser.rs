//! The review page in a real browser: headless Chromium opens the page that
//! `zhfacts extract` writes for the corpus (plus a hostile document with
//! `<script>`, astral characters and CRLF), and the page's `#verify` mode
//! reports what it shows. The test compares that, in characters, with
//! `facts.jsonl` and the original texts: the text shown is the original,
//! and each fact is highlighted exactly at its offsets. Screenshots are
//! saved as `review-screenshot.png` and `review-screenshot-fact.png` in the
//! target folder.
//!
//! Without Chromium the test prints why and passes, so `cargo test` needs
//! nothing outside the crate; `.ci/browser.sh` installs Chromium and sets
//! `ZHFACTS_REQUIRE_BROWSER=1`, which turns the skip into a failure.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{self, Stdio};
use std::time::{Duration, Instant};
use zhfacts::batch::{self, Processed};
use zhfacts::input::{self, Decoding, Item};
use zhfacts::{review, Fact, Pipeline};

const HOSTILE: &str = "<script>window.pwned=1</script></script><!-- 𠀀𠀀投资𝟘600亿元\r\n增长5%。今年8月7日，𠮷野家开店3家，\n\n共投资1.5\n\n亿元。";

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ZHFACTS_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|candidate| candidate.is_file())
}

/// Runs Chromium headless on `url` with `args`, stdout to `stdout`, killed
/// after two minutes.
fn run_chromium(chromium: &Path, args: &[String], url: &str, stdout: &Path) {
    let profile = tempfile::tempdir().expect("a temporary profile folder");
    let mut child = process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(File::create(stdout).expect("chromium's output file"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("chromium runs") {
            assert!(status.success(), "chromium failed: {status}");
            return;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The text of `<pre id="verify-result">` in a dumped DOM.
fn verify_result(dom: &str) -> Value {
    let start = dom
        .find("<pre id=\"verify-result\">")
        .expect("the page wrote its verification (did its script run?)")
        + "<pre id=\"verify-result\">".len();
    let end = start + dom[start..].find("</pre>").expect("the element ends");
    let json = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    serde_json::from_str(&json).expect("the verification is JSON")
}

fn file_url(path: &Path, fragment: &str) -> String {
    let path = path
        .display()
        .to_string()
        .replace('%', "%25")
        .replace(' ', "%20")
        .replace('#', "%23");
    format!("file://{path}{fragment}")
}

/// Chromium, or `None` after saying why the test is skipped.
fn chromium_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        if std::env::var_os("ZHFACTS_REQUIRE_BROWSER").is_some() {
            panic!("ZHFACTS_REQUIRE_BROWSER is set but no chromium was found on PATH");
        }
        // Straight to the stream, past the test harness's capture, so the
        // skip shows in a plain `cargo test` run.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED review_browser: no chromium on PATH (apt-get install chromium, or run .ci/browser.sh)"
        );
    }
    found
}

/// Where screenshots and pages are kept: the target folder.
fn artifacts() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .to_path_buf()
}

/// A fact as the page must show it: its index, and its offsets.
struct Expected {
    index: u64,
    start: u64,
    end: u64,
}

/// Opens `page#verify` and compares what it shows with `originals` and
/// `facts` (by document id). Facts whose offsets are out of range must be
/// listed but not highlighted. Returns the number of facts checked.
fn verify_page(
    chromium: &Path,
    page: &Path,
    originals: &BTreeMap<String, String>,
    facts: &BTreeMap<String, Vec<Expected>>,
) -> usize {
    let work = tempfile::tempdir().unwrap();
    let dom = work.path().join("dom.html");
    run_chromium(
        chromium,
        &["--dump-dom".to_string()],
        &file_url(page, "#verify"),
        &dom,
    );
    let result = verify_result(&fs::read_to_string(&dom).unwrap());
    assert_eq!(
        result["scriptRan"], false,
        "an article's <script> must not run"
    );
    let shown = result["documents"].as_array().unwrap();
    assert_eq!(shown.len(), originals.len(), "every document is shown");

    let mut problems = Vec::new();
    let mut checked = 0;
    for doc in shown {
        let id = doc["id"].as_str().unwrap();
        let original = &originals[id];
        if doc["text"].as_str() != Some(original.as_str()) {
            problems.push(format!("{id}: the text shown is not the original"));
        }
        // fact index → (first code point, text), from the highlights.
        let mut marks: BTreeMap<u64, (u64, String)> = BTreeMap::new();
        for mark in doc["marks"].as_array().unwrap() {
            let (index, at, text) = (
                mark[0].as_u64().unwrap(),
                mark[1].as_u64().unwrap(),
                mark[2].as_str().unwrap(),
            );
            marks.entry(index).or_insert((at, String::new())).1 += text;
        }
        let expected = facts.get(id).map(Vec::as_slice).unwrap_or(&[]);
        if doc["rows"].as_u64() != Some(expected.len() as u64) {
            problems.push(format!(
                "{id}: {} table rows for {} facts",
                doc["rows"],
                expected.len()
            ));
        }
        let length = original.chars().count() as u64;
        for fact in expected {
            let (index, start, end) = (fact.index, fact.start, fact.end);
            if start > end || end > length {
                if marks.contains_key(&index) {
                    problems.push(format!("{id} fact {index}: out of range, yet highlighted"));
                }
                continue;
            }
            let slice: String = original
                .chars()
                .skip(start as usize)
                .take((end - start) as usize)
                .collect();
            match marks.remove(&index) {
                Some((at, text)) if at == start && text == slice => checked += 1,
                other => problems.push(format!(
                    "{id} fact {index}: expected {slice:?} at {start}, highlighted {other:?}"
                )),
            }
        }
        for index in marks.keys() {
            problems.push(format!("{id}: a highlight for no fact ({index})"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    checked
}

#[test]
fn the_corpus_page_shows_every_fact_where_its_offsets_say() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let artifacts = artifacts();
    let work = tempfile::tempdir().unwrap();
    let hostile = work.path().join("hostile.jsonl");
    let line = serde_json::json!({"id": "<b>hostile</b>", "text": HOSTILE, "date": "2020-12-10"});
    fs::write(&hostile, format!("{line}\n")).unwrap();
    let out = work.path().join("out");
    Command::cargo_bin("zhfacts")
        .unwrap()
        .current_dir(root)
        .arg("extract")
        .arg(root.join("corpus"))
        .arg(&hostile)
        .arg("-o")
        .arg(&out)
        .args(["--quiet", "-j", "2"])
        .assert()
        .success();
    let page = artifacts.join("review-corpus.html");
    fs::copy(out.join("review.html"), &page).unwrap();

    // What the documents are: the originals as the library reads them, and
    // the facts as facts.jsonl has them.
    let mut originals = BTreeMap::new();
    for source in input::expand(&[root.join("corpus"), hostile.clone()]).unwrap() {
        for item in input::read(&source, Decoding::default()) {
            if let Item::Document(raw) = item {
                originals.insert(raw.id, raw.text);
            }
        }
    }
    let mut facts: BTreeMap<String, Vec<Expected>> = BTreeMap::new();
    for line in fs::read_to_string(out.join("facts.jsonl")).unwrap().lines() {
        let fact: Value = serde_json::from_str(line).unwrap();
        let doc = fact["doc"].as_str().unwrap().to_string();
        facts.entry(doc).or_default().push(Expected {
            index: fact["index"].as_u64().unwrap(),
            start: fact["start"].as_u64().unwrap(),
            end: fact["end"].as_u64().unwrap(),
        });
    }
    assert!(
        facts["<b>hostile</b>"].len() >= 3,
        "the hostile document has facts after astral characters"
    );
    let checked = verify_page(&chromium, &page, &originals, &facts);
    let total: usize = facts.values().map(Vec::len).sum();
    assert_eq!(checked, total);
    println!(
        "review_browser: {} documents, {checked} facts highlighted at their offsets",
        originals.len()
    );

    for (name, fragment) in [
        ("review-screenshot.png", ""),
        // The seed article's fact cut by a column break, with its tooltip.
        ("review-screenshot-fact.png", "#doc-0-f11"),
    ] {
        let png = artifacts.join(name);
        let _ = fs::remove_file(&png);
        run_chromium(
            &chromium,
            &[
                "--window-size=1400,2000".to_string(),
                format!("--screenshot={}", png.display()),
            ],
            &file_url(&page, fragment),
            &work.path().join("screenshot.log"),
        );
        let bytes = fs::read(&png).expect("chromium saved the screenshot");
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000);
        println!("review_browser: screenshot {}", png.display());
    }
}

/// Facts the pipeline never makes, but the page must still draw right:
/// overlapping and nested spans, an empty span, a span over the whole
/// text, offsets past the end, all among astral characters and CRLF.
#[test]
fn overlapping_empty_and_out_of_range_facts_are_drawn_right() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("in.jsonl");
    let text = "𠀀总投资600亿元𠮷，\r\n增长5%。";
    fs::write(
        &input,
        format!("{}\n", serde_json::json!({"id": "synthetic", "text": text})),
    )
    .unwrap();
    let pipeline = Pipeline::default();
    let mut documents: Vec<Processed> = input::expand(&[input])
        .unwrap()
        .iter()
        .flat_map(|source| input::read(source, Decoding::default()))
        .map(|item| batch::process(&pipeline, item))
        .collect();
    let template = documents[0].facts[0].clone();
    let length = text.chars().count();
    let spans = [
        (1, 4),
        (3, 6),
        (4, 4),
        (4, 5),
        (0, length),
        (9, 11),
        (length, length),
        (5, length + 3),
        (7, 2),
    ];
    documents[0].facts = spans
        .iter()
        .enumerate()
        .map(|(index, &(start, end))| Fact {
            index,
            start,
            end,
            ..template.clone()
        })
        .collect();
    let page = artifacts().join("review-synthetic.html");
    fs::write(&page, review::page(&documents).unwrap()).unwrap();
    let originals = BTreeMap::from([("synthetic".to_string(), text.to_string())]);
    let expected = spans
        .iter()
        .enumerate()
        .map(|(index, &(start, end))| Expected {
            index: index as u64,
            start: start as u64,
            end: end as u64,
        })
        .collect();
    let facts = BTreeMap::from([("synthetic".to_string(), expected)]);
    let checked = verify_page(&chromium, &page, &originals, &facts);
    assert_eq!(checked, spans.len() - 2, "all but the two out of range");
}
