//! The pipeline stage by stage, and whole, over the corpus articles.
//!
//! `cargo bench --bench pipeline` reports MB/s (of original text) for:
//! `normalize`, `reflow` (on normalized text), `segment` (jieba-rs `cut`
//! with HMM over the reflowed text: the reference the whole pipeline is
//! measured against), `extract` (on prepared documents), `render` (their
//! facts as CSV rows and JSON Lines, as the workers write them), `prepare`
//! (normalize + reflow + offset maps) and `pipeline` (everything). Setup
//! (dictionaries, preparing documents) is outside the timed loops; every
//! benchmark asserts it did its work.
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;
use zhfacts::{extract, normalize, output, reflow, segment, Document, Pipeline};

/// Every `corpus/*.txt` with its id, in name order.
fn articles() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus/ is readable")
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let id = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(path).expect("corpus file is UTF-8");
            (id, text)
        })
        .collect()
}

fn stages(c: &mut Criterion) {
    let articles = articles();
    let bytes: usize = articles.iter().map(|(_, t)| t.len()).sum();
    let pipeline = Pipeline::default();
    pipeline.warm_up();
    let run_all = |articles: &[(String, String)]| -> usize {
        articles
            .iter()
            .map(|(id, text)| pipeline.run(id, text.clone(), None).1.len())
            .sum()
    };
    let facts = run_all(&articles);
    assert!(facts > 300, "the corpus yields its facts ({facts})");
    let normalized: Vec<String> = articles
        .iter()
        .map(|(_, t)| normalize::normalize(t).text)
        .collect();
    let reflowed: Vec<String> = normalized.iter().map(|t| reflow::reflow(t).text).collect();
    let prepared: Vec<Document> = articles
        .iter()
        .map(|(id, text)| pipeline.prepare(id, text.clone(), None))
        .collect();
    let extracted: usize = prepared.iter().map(|d| extract::extract(d).len()).sum();
    assert_eq!(
        extracted, facts,
        "extract alone finds what the pipeline finds"
    );

    let mut group = c.benchmark_group("stages");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("normalize", |b| {
        b.iter(|| {
            let chars: usize = articles
                .iter()
                .map(|(_, t)| normalize::normalize(black_box(t)).text.len())
                .sum();
            assert!(chars > 0);
        })
    });
    group.bench_function("reflow", |b| {
        b.iter(|| {
            let paragraphs: usize = normalized
                .iter()
                .map(|t| reflow::reflow(black_box(t)).paragraphs.len())
                .sum();
            assert!(paragraphs > 50);
        })
    });
    group.bench_function("segment", |b| {
        let jieba = segment::jieba();
        b.iter(|| {
            let words: usize = reflowed
                .iter()
                .map(|t| jieba.cut(black_box(t), true).len())
                .sum();
            assert!(words > 1000);
        })
    });
    group.bench_function("extract", |b| {
        b.iter(|| {
            let found: usize = prepared
                .iter()
                .map(|d| extract::extract(black_box(d)).len())
                .sum();
            assert_eq!(found, facts);
        })
    });
    let all_facts: Vec<Vec<zhfacts::Fact>> = prepared.iter().map(extract::extract).collect();
    group.bench_function("render", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for facts in black_box(&all_facts) {
                bytes += output::json_lines(facts).len() + output::csv_rows(facts).len();
            }
            assert!(bytes > 100 * facts, "every fact is written");
        })
    });
    group.bench_function("prepare", |b| {
        b.iter_batched(
            || articles.clone(),
            |articles| {
                let lines: usize = articles
                    .into_iter()
                    .map(|(id, text)| pipeline.prepare(&id, text, None).paragraphs.len())
                    .sum();
                assert!(lines > 50);
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("pipeline", |b| {
        b.iter_batched(
            || articles.clone(),
            |articles| {
                let found: usize = articles
                    .into_iter()
                    .map(|(id, text)| pipeline.run(&id, text, None).1.len())
                    .sum();
                assert_eq!(found, facts);
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
