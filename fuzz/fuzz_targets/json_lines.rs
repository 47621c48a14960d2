//! Arbitrary bytes as a JSON Lines file through the batch runner: every
//! line becomes one document or one failure naming it, and no document
//! fails for an internal error (a panic caught by the runner).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;
use zhfacts::batch::{run, RunOptions};
use zhfacts::input::Source;

fuzz_target!(|data: &[u8]| {
    let mut file = tempfile_in_memory();
    file.as_file_mut()
        .write_all(data)
        .expect("a temporary file");
    let sources = [Source::JsonLines {
        path: file.path().to_path_buf(),
    }];
    let mut seen = 0;
    let report = run(
        &sources,
        &RunOptions::default(),
        &mut |doc| {
            seen += 1;
            let reason = doc.report.reason.as_deref().unwrap_or_default();
            assert!(!reason.starts_with("internal error"), "{doc:?}");
            Ok(())
        },
        &mut |_| {},
    )
    .expect("a run over a readable file");
    assert_eq!(report.documents_seen, seen);
});

fn tempfile_in_memory() -> tempfile::NamedTempFile {
    tempfile::NamedTempFile::new_in("/dev/shm")
        .unwrap_or_else(|_| tempfile::NamedTempFile::new().expect("a temporary file"))
}
