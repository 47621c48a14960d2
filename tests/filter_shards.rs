//! `zhfacts extract - -o -` is a clean JSON Lines filter, the shape a
//! Hadoop Streaming mapper or a Spark `RDD.pipe` stage needs: one document
//! in, its facts out, flushed per document, no state across documents. So
//! the corpus cut into shards, shuffled, each shard through its own
//! process, gives the same facts as one process over the whole.

use serde_json::json;
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn filter(threads: &str) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("zhfacts"));
    cmd.args(["extract", "-", "-o", "-", "--quiet", "-j", threads]);
    cmd
}

/// The corpus as JSON Lines: each article, and each of its paragraphs, a
/// document (so there are many, of all sizes), dated from the file name.
fn corpus_documents() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    let mut documents = Vec::new();
    for name in names {
        let text = fs::read_to_string(dir.join(&name)).unwrap();
        let date = zhfacts::input::date_from_file_name(&name).map(|d| d.to_string());
        let mut record = |id: String, text: &str| {
            let mut doc = json!({"id": id, "text": text});
            if let Some(date) = &date {
                doc["date"] = json!(date);
            }
            documents.push(doc.to_string());
        };
        record(name.clone(), &text);
        for (i, paragraph) in text.split("\n\n").enumerate() {
            record(format!("{name}#{i}"), paragraph);
        }
    }
    assert!(documents.len() > 50, "{} documents", documents.len());
    documents
}

/// Runs the filter over `documents`; returns stdout's lines.
fn run(documents: &[String], threads: &str) -> Vec<String> {
    let mut child = filter(threads)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input: String = documents.iter().map(|d| format!("{d}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Facts grouped by document, in each document's order.
fn by_document(lines: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in lines {
        let fact: serde_json::Value = serde_json::from_str(line).unwrap();
        let doc = fact["doc"].as_str().unwrap().to_string();
        map.entry(doc).or_default().push(line.clone());
    }
    map
}

/// A fixed shuffle (xorshift), so a failure can be reproduced.
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        items.swap(i, (seed % (i as u64 + 1)) as usize);
    }
}

#[test]
fn shuffled_shards_give_the_same_facts_as_one_process() {
    let documents = corpus_documents();
    let whole = run(&documents, "2");
    assert!(whole.len() > 100, "{} facts", whole.len());
    let expected = by_document(&whole);

    let mut shuffled = documents.clone();
    shuffle(&mut shuffled, 0x9E37_79B9_7F4A_7C15);
    // Shards of uneven sizes, one of a single document, alternating -j.
    let cuts = [0, 1, shuffled.len() / 5, shuffled.len() / 2, shuffled.len()];
    let mut union = Vec::new();
    for (i, shard) in cuts.windows(2).enumerate() {
        let threads = if i % 2 == 0 { "1" } else { "2" };
        union.extend(run(&shuffled[shard[0]..shard[1]], threads));
    }
    assert_eq!(union.len(), whole.len());
    assert_eq!(by_document(&union), expected);
}

#[test]
fn each_document_is_answered_before_the_next_arrives() {
    let mut child = filter("2")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (sender, lines) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in stdout.lines() {
            if sender.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // Generous: a debug build loads its dictionaries slowly on a busy machine.
    let patience = Duration::from_secs(120);
    for (id, text, fact) in [
        ("a", "总投资600亿元。", "600亿元"),
        ("b", "同比增长5.2%。", "5.2%"),
    ] {
        writeln!(stdin, "{}", json!({"id": id, "text": text})).unwrap();
        stdin.flush().unwrap();
        // stdin stays open: the answer must come without more input.
        let line = lines
            .recv_timeout(patience)
            .unwrap_or_else(|_| panic!("no answer for document {id}"));
        let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            (parsed["doc"].as_str(), parsed["text"].as_str()),
            (Some(id), Some(fact))
        );
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
}
