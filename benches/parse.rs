//! Markdown → blocks throughput: every embedded note, and 300 generated notes
//! (about 3.6 MB of mixed Chinese and English), parsed with `parse_note`
//! (front matter, Markdown, topic tree). Reported as bytes per second.
//!
//! Run: `cargo bench --bench parse`

#[path = "support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tuitor::content::embedded;
use tuitor::content::load::{is_note_path, parse_note};

fn parse_all(notes: &[(String, String)]) -> usize {
    let mut topics = 0;
    for (path, text) in notes {
        let (note, _) = parse_note(path, text.as_bytes());
        topics += note.map_or(0, |n| n.topics.len());
    }
    topics
}

fn parse(c: &mut Criterion) {
    let embedded: Vec<(String, String)> = embedded::files()
        .iter()
        .filter(|(p, _)| is_note_path(std::path::Path::new(p)))
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    let generated: Vec<(String, String)> = (0..300)
        .map(|i| (corpus::file_name(i), corpus::generate(42, i, 12_000)))
        .collect();
    let mut g = c.benchmark_group("parse");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(3));
    for (name, notes) in [("embedded", &embedded), ("generated-300", &generated)] {
        let bytes: usize = notes.iter().map(|(_, t)| t.len()).sum();
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function(name, |b| b.iter(|| black_box(parse_all(black_box(notes)))));
    }
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
