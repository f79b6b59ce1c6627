//! Benchmarks for the redis_dict engine: `Dict` (tracing off) against
//! `std::collections::HashMap`, insert and lookup at 10^4 and 10^6 keys, and the
//! cost of recording a trace.
//!
//! Run: `cargo bench --bench redis_dict`

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use tuitor::sim::redis_dict::{Dict, DictEvent, Server};
use tuitor::sim::trace::{NoTrace, Recorder};

fn keys(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("key:{i}")).collect()
}

fn filled_dict(keys: &[String]) -> Dict<String, u64> {
    let mut d = Dict::new();
    for (i, k) in keys.iter().enumerate() {
        d.insert(k.clone(), i as u64);
    }
    while d.is_rehashing() {
        d.rehash(1000);
    }
    d
}

fn insert_and_lookup(c: &mut Criterion) {
    for &n in &[10_000usize, 1_000_000] {
        let ks = keys(n);
        let mut g = c.benchmark_group(format!("redis_dict/{n}"));
        g.sample_size(10);
        g.warm_up_time(Duration::from_millis(500));
        g.measurement_time(Duration::from_secs(if n > 100_000 { 4 } else { 2 }));

        g.bench_function("insert/Dict", |b| {
            b.iter_batched(
                || ks.clone(),
                |ks| {
                    let mut d: Dict<String, u64> = Dict::new();
                    for (i, k) in ks.into_iter().enumerate() {
                        d.insert(k, i as u64);
                    }
                    d
                },
                BatchSize::LargeInput,
            )
        });
        g.bench_function("insert/HashMap", |b| {
            b.iter_batched(
                || ks.clone(),
                |ks| {
                    let mut m: HashMap<String, u64> = HashMap::new();
                    for (i, k) in ks.into_iter().enumerate() {
                        m.insert(k, i as u64);
                    }
                    m
                },
                BatchSize::LargeInput,
            )
        });

        let mut d = filled_dict(&ks);
        let m: HashMap<String, u64> = ks.iter().cloned().zip(0u64..).collect();
        g.bench_function("lookup/Dict", |b| {
            b.iter(|| {
                let mut sum = 0u64;
                for k in &ks {
                    sum = sum.wrapping_add(*d.get(k.as_str()).unwrap_or(&0));
                }
                black_box(sum)
            })
        });
        g.bench_function("lookup/HashMap", |b| {
            b.iter(|| {
                let mut sum = 0u64;
                for k in &ks {
                    sum = sum.wrapping_add(*m.get(k.as_str()).unwrap_or(&0));
                }
                black_box(sum)
            })
        });
        g.finish();
    }
}

/// The same 10^4 SETs through the keyspace layer, untraced and recording every
/// event (what a simulation session pays).
fn recording(c: &mut Criterion) {
    let ks = keys(10_000);
    let mut g = c.benchmark_group("redis_dict/trace");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(2));
    g.bench_function("set_10k/NoTrace", |b| {
        b.iter(|| {
            let mut s = Server::new(0, NoTrace);
            for k in &ks {
                s.set(k.as_bytes(), b"v");
            }
            black_box(s.db.len())
        })
    });
    g.bench_function("set_10k/Recorder", |b| {
        b.iter(|| {
            let mut s = Server::new(0, Recorder::<DictEvent>::new());
            for k in &ks {
                s.set(k.as_bytes(), b"v");
            }
            black_box(s.db.obs.events.len())
        })
    });
    g.finish();
}

criterion_group!(benches, insert_and_lookup, recording);
criterion_main!(benches);
