//! Placeholder replaced by the benchmark helper: builds so `cargo bench --no-run` works.
use criterion::{criterion_group, criterion_main, Criterion};

fn pipeline(c: &mut Criterion) {
    let text = include_str!("../corpus/2020-12-10_panjin_xiaokang.txt");
    let pipeline = zhfacts::Pipeline::default();
    pipeline.warm_up();
    let (_, facts) = pipeline.run("seed", text.to_string(), None);
    assert!(facts.len() > 50, "the seed article yields its facts");
    c.bench_function("pipeline_seed", |b| {
        b.iter(|| pipeline.run("seed", text.to_string(), None))
    });
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
