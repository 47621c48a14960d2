//! The default converter against the C++ OpenCC, character for character.
//!
//! Needs `--features opencc` and the system's libopencc (Debian:
//! `libopencc-dev`); `.ci/opencc.sh` installs it and runs this file. The
//! whole corpus, `tests/data/traditional_stress.txt`, every key of OpenCC's
//! `t2s` dictionaries and all of GB 2312 must come out identical, text and
//! offset map, after the same clean-up and width folding.
#![cfg(feature = "opencc")]

use hanconv::Dictionary;
use std::path::Path;
use zhfacts::normalize::{normalize_with, Converter};

fn opencc() -> Converter {
    Converter::opencc().expect("OpenCC loads its t2s configuration")
}

/// Compares both converters on `text`, line by line, and returns every
/// difference (at most 20) as a readable line.
fn differences(name: &str, text: &str) -> Vec<String> {
    let ours = normalize_with(text, Converter::Hanconv);
    let theirs = normalize_with(text, opencc());
    let mut found = Vec::new();
    for (number, (a, b)) in ours
        .text
        .split('\n')
        .zip(theirs.text.split('\n'))
        .enumerate()
    {
        if a != b && found.len() < 20 {
            let at = a.chars().zip(b.chars()).position(|(x, y)| x != y);
            let detail = match at {
                Some(i) => format!(
                    "hanconv {:?} opencc {:?}",
                    a.chars()
                        .skip(i.saturating_sub(3))
                        .take(8)
                        .collect::<String>(),
                    b.chars()
                        .skip(i.saturating_sub(3))
                        .take(8)
                        .collect::<String>()
                ),
                None => format!("lengths {} and {}", a.chars().count(), b.chars().count()),
            };
            found.push(format!("{name}:{}: {detail}", number + 1));
        }
    }
    if found.is_empty() && ours.text != theirs.text {
        found.push(format!("{name}: different line counts"));
    }
    if found.is_empty() && ours.map != theirs.map {
        found.push(format!("{name}: same text, different offset maps"));
    }
    found
}

fn assert_no_differences(found: Vec<String>) {
    assert!(
        found.is_empty(),
        "hanconv and OpenCC differ:\n{}",
        found.join("\n")
    );
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn corpus_converts_identically() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut found = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus/ is readable") {
        let path = entry.expect("corpus entry").path();
        if path.extension().is_some_and(|e| e == "txt") {
            found.extend(differences(&path.display().to_string(), &read(&path)));
            files += 1;
        }
    }
    assert!(files >= 7, "only {files} corpus files");
    assert_no_differences(found);
}

#[test]
fn stress_text_converts_identically() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/traditional_stress.txt");
    let text = read(&path);
    assert!(
        text.contains('\u{F900}') && text.contains('𬀩'),
        "the stress text is intact"
    );
    let mut found = differences("traditional_stress.txt", &text);
    // The same with CRLF and lone CR line ends, a BOM, and NULs (which
    // OpenCC's C API cannot take: the converter must go around them).
    let variants = [
        ("crlf", format!("\u{FEFF}{}", text.replace('\n', "\r\n"))),
        ("cr", text.replace('\n', "\r")),
        ("nul", text.replace('、', "\0")),
    ];
    for (name, variant) in &variants {
        found.extend(differences(name, variant));
    }
    assert_no_differences(found);
}

#[test]
fn every_dictionary_key_converts_identically() {
    let keys: Vec<&str> = Dictionary::TSPhrases
        .iter()
        .chain(Dictionary::TSCharacters.iter())
        .map(|(key, _)| key)
        .collect();
    assert!(keys.len() > 4000);
    // One key a line, then keys run together so they meet at their edges.
    let found = [
        differences("keys, one a line", &keys.join("\n")),
        differences("keys, run together", &keys.concat()),
        differences("values, one a line", &values().join("\n")),
    ]
    .concat();
    assert_no_differences(found);
}

fn values() -> Vec<&'static str> {
    Dictionary::TSPhrases
        .iter()
        .chain(Dictionary::TSCharacters.iter())
        .map(|(_, value)| value)
        .collect()
}

#[test]
fn simplified_gb2312_converts_identically() {
    // Every character of GB 2312 (rows 16–87), 94 a line.
    let mut text = String::new();
    for lead in 0xB0u8..=0xF7 {
        let bytes: Vec<u8> = (0xA1u8..=0xFE).flat_map(|trail| [lead, trail]).collect();
        let (line, _, _) = encoding_rs::GBK.decode(&bytes);
        text.push_str(&line);
        text.push('\n');
    }
    assert_no_differences(differences("GB 2312", &text));
}
