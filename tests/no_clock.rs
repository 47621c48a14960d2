//! Dates never depend on the wall clock: extraction resolves every relative
//! date against the document's reference date or leaves it unresolved.

use std::fs;
use std::path::Path;

/// No source file of the extraction stages or the calendar reads the time.
#[test]
fn extraction_code_never_reads_the_clock() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join("calendar.rs"), root.join("lib.rs")];
    for entry in fs::read_dir(root.join("extract")).unwrap() {
        files.push(entry.unwrap().path());
    }
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for needle in ["SystemTime", "Instant", "::now(", "chrono", "time::"] {
            assert!(
                !text.contains(needle),
                "{} mentions {needle}",
                file.display()
            );
        }
    }
}

/// Without a reference date, relative dates stay empty and year-less ones
/// use XXXX, whatever today is.
#[test]
fn without_a_reference_date_nothing_is_guessed() {
    let (doc, facts) =
        zhfacts::Pipeline::default().run("d", "今年8月7日，去年同期，昨天。".into(), None);
    assert_eq!(doc.ref_date, None);
    let dates: Vec<(&str, &str)> = facts
        .iter()
        .map(|f| (f.text.as_str(), f.date.as_str()))
        .collect();
    assert_eq!(
        dates,
        vec![("今年8月7日", ""), ("去年同期", ""), ("昨天", "")]
    );
    let (_, facts) = zhfacts::Pipeline::default().run("d", "8月7日投产。".into(), None);
    assert_eq!(facts[0].date, "XXXX-08-07");
}
