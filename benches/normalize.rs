//! Normalization throughput on news text (stage 1 alone).
//!
//! `cargo bench --bench normalize` reports MB/s per input: the whole corpus,
//! its Simplified seed article and its Traditional Hong Kong article. The
//! target is ≥ 100 MB/s single-threaded on the whole corpus.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::path::Path;
use zhfacts::normalize::{self, Converter};

/// Every `corpus/*.txt`, in name order, joined by blank lines.
fn corpus_text() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus/ is readable")
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("corpus file is UTF-8"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn bench_converter(c: &mut Criterion, converter: Converter) {
    let corpus = corpus_text();
    let inputs = [
        ("corpus", corpus.as_str()),
        (
            "seed_simplified",
            include_str!("../corpus/2020-12-10_panjin_xiaokang.txt"),
        ),
        (
            "hk_traditional",
            include_str!("../corpus/hk_property_traditional.txt"),
        ),
    ];
    normalize::warm_up();
    let mut group = c.benchmark_group(format!("normalize_{}", converter.name()));
    for (name, text) in inputs {
        // The output keeps every character but the removed invisible ones,
        // so a bench that measured nothing would fail here.
        let normalized = normalize::normalize_with(text, converter);
        let chars = text.chars().count();
        assert!(
            normalized.map.len() * 100 >= chars * 99,
            "{name}: text lost"
        );
        assert_eq!(normalized.map.len(), normalized.text.chars().count());
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| normalize::normalize_with(black_box(text), converter))
        });
    }
    group.finish();
}

fn normalize_hanconv(c: &mut Criterion) {
    bench_converter(c, Converter::Hanconv);
}

#[cfg(feature = "opencc")]
fn normalize_opencc(c: &mut Criterion) {
    let converter = Converter::opencc().expect("OpenCC's t2s configuration loads");
    bench_converter(c, converter);
}

#[cfg(not(feature = "opencc"))]
criterion_group!(benches, normalize_hanconv);
#[cfg(feature = "opencc")]
criterion_group!(benches, normalize_hanconv, normalize_opencc);
criterion_main!(benches);
