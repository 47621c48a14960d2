//! Arbitrary bytes as a file: decoded (detected, or in a forced encoding
//! chosen by the first byte) or refused, then the whole pipeline. Never a
//! panic; every fact's offsets lie in the decoded text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhfacts::input::{decode, Decoding};
use zhfacts::Pipeline;

const FORCED: [&str; 5] = ["gbk", "big5", "utf-16le", "utf-16be", "utf-8"];

fuzz_target!(|data: &[u8]| {
    let (decoding, bytes) = match data.split_first() {
        Some((&first, rest)) if (first as usize) < FORCED.len() => (
            Decoding::from_label(FORCED[first as usize]).expect("a known label"),
            rest,
        ),
        _ => (Decoding::default(), data),
    };
    let Ok(decoded) = decode(bytes, decoding) else {
        return;
    };
    let length = decoded.text.chars().count();
    let (doc, facts) = Pipeline::default().run("fuzz", decoded.text, None);
    assert!(doc.map.is_valid());
    for fact in &facts {
        assert!(fact.start <= fact.end && fact.end <= length, "{fact:?}");
    }
});
