//! Search: index build time, and the latency of one query over 1,000 and
//! 10,000 generated notes (about 13 MB and 129 MB; titles, headings and body
//! lines with pinyin keys), for realistic queries in English, Chinese, full
//! pinyin and pinyin initials, through `Index::search` (the finder's path) and,
//! for comparison on 1k notes, `Index::search_exhaustive` (every entry scored).
//! Also a typed query, one `Searcher::search` per keystroke.
//!
//! Run: `cargo bench --bench search` (generating and indexing the 10k corpus
//! takes a few seconds and about 1 GB of memory).

#[path = "support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use tuitor::content::load::parse_note;
use tuitor::content::Library;
use tuitor::search::{Index, Searcher};

/// Queries people type into the finder.
pub const QUERIES: &[&str] = &[
    "redis",
    "hashmap",
    "jvm gc",
    "跳跃表",
    "线程池",
    "tiaoyue",
    "xianchengchi",
    "tyb",
    "r",
];

fn library(n: usize) -> Library {
    let mut lib = Library::default();
    for i in 0..n {
        let text = corpus::generate(42, i, 12_000);
        if let (Some(note), diags) = parse_note(&corpus::file_name(i), text.as_bytes()) {
            lib.push(note, diags);
        }
    }
    lib
}

fn search(c: &mut Criterion) {
    let lib1k = library(1_000);
    let mut g = c.benchmark_group("search-build");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("index-1k", |b| b.iter(|| black_box(Index::build(&lib1k))));
    g.finish();

    let index1k = Index::build(&lib1k);
    drop(lib1k);
    let lib10k = library(10_000);
    let index10k = Index::build(&lib10k);
    drop(lib10k);
    for (name, index) in [("1k", &index1k), ("10k", &index10k)] {
        let mut g = c.benchmark_group(format!("search-{name}"));
        g.sample_size(10);
        g.warm_up_time(Duration::from_millis(300));
        g.measurement_time(Duration::from_secs(1));
        for q in QUERIES {
            g.bench_function(*q, |b| {
                b.iter(|| black_box(index.search(black_box(q), 200)))
            });
        }
        if name == "1k" {
            for q in ["redis", "xianchengchi"] {
                g.bench_function(format!("exhaustive/{q}"), |b| {
                    b.iter(|| black_box(index.search_exhaustive(black_box(q), 200)))
                });
            }
        }
        g.bench_function("typed/xianchengchi", |b| {
            b.iter(|| {
                let mut s = Searcher::new();
                let q = "xianchengchi";
                for end in 1..=q.len() {
                    black_box(s.search(index, &q[..end], 200));
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, search);
criterion_main!(benches);
