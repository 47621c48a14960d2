//! Arbitrary text through the whole pipeline, with a reference date so the
//! date rules resolve. Never a panic; every fact's offsets lie in the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhfacts::{Date, Pipeline};

fuzz_target!(|text: &str| {
    let pipeline = Pipeline::with_ref_date(Date::parse("2020-12-10"));
    let length = text.chars().count();
    let (doc, facts) = pipeline.run("fuzz", text.to_string(), None);
    assert!(doc.map.is_valid());
    for fact in &facts {
        assert!(fact.start <= fact.end && fact.end <= length, "{fact:?}");
    }
});
