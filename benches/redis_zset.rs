//! Benchmarks for the redis_zset engine: the skiplist (tracing off) against
//! `std::collections::BTreeSet` keyed by `(score, member)`, at 10^4 and 10^6
//! members, plus the cost of recording a trace. Tracing is off on every line
//! except `skiplist_traced`.
//!
//! Run: `cargo bench --bench redis_zset` (add a filter such as `zset_1e4` to
//! run one group).

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use tuitor::sim::redis_zset::{SkipList, ZsetEvent};
use tuitor::sim::trace::Recorder;

/// `(score, member)` in Redis order, for the BTreeSet baseline.
#[derive(Clone, PartialEq)]
struct Key(f64, Vec<u8>);
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Key {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0).then_with(|| self.1.cmp(&o.1))
    }
}

/// Deterministic keys: scores with ties (about 8 members per score).
fn keys(n: usize, salt: u64) -> Vec<(f64, Vec<u8>)> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ salt;
    (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (
                ((x >> 11) % (n as u64 / 8 + 1)) as f64,
                format!("m{salt}:{i}").into_bytes(),
            )
        })
        .collect()
}

fn build_sl(ks: &[(f64, Vec<u8>)]) -> SkipList {
    let mut sl = SkipList::new(1);
    for (s, m) in ks {
        sl.insert(*s, m);
    }
    sl
}

fn probes(ks: &[(f64, Vec<u8>)]) -> Vec<Key> {
    ks.iter().map(|(s, m)| Key(*s, m.clone())).collect()
}

/// Both sides insert one by one and copy the member into storage they own.
fn build_bt(ks: &[(f64, Vec<u8>)]) -> BTreeSet<Key> {
    let mut bt = BTreeSet::new();
    for (s, m) in ks {
        bt.insert(Key(*s, m.clone()));
    }
    bt
}

/// Comparisons, each skiplist line next to its `BTreeSet` counterpart:
///
/// * `insert`: `SkipList::insert` vs `BTreeSet::insert` (member copied by both);
/// * `lookup`: `SkipList::find` (the membership descent) vs `BTreeSet::contains`,
///   both on keys built before the timed loop;
/// * `rank`: `SkipList::rank`, which a `BTreeSet` cannot answer in O(log n); it
///   is reported on its own, to be read against the `lookup` lines.
fn small(c: &mut Criterion) {
    let ks = keys(10_000, 1);
    let mut g = c.benchmark_group("zset_1e4");
    g.sample_size(20)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    g.bench_function("insert_10k/skiplist", |b| {
        b.iter(|| black_box(build_sl(&ks)))
    });
    g.bench_function("insert_10k/btreeset", |b| {
        b.iter(|| black_box(build_bt(&ks)))
    });
    let mut sl = build_sl(&ks);
    let bt = build_bt(&ks);
    let pk = probes(&ks);
    g.bench_function("lookup_10k/skiplist_find", |b| {
        b.iter(|| ks.iter().filter(|(s, m)| sl.find(*s, m).is_some()).count())
    });
    g.bench_function("lookup_10k/btreeset_contains", |b| {
        b.iter(|| pk.iter().filter(|k| bt.contains(k)).count())
    });
    g.bench_function("rank_10k/skiplist_rank", |b| {
        b.iter(|| {
            ks.iter()
                .map(|(s, m)| sl.rank(*s, m).unwrap_or(0))
                .sum::<u64>()
        })
    });
    g.bench_function("insert_10k/skiplist_traced", |b| {
        b.iter_batched(
            || (),
            |_| {
                let mut sl = SkipList::<Recorder<ZsetEvent>>::with_observer(1, Recorder::new());
                for (s, m) in &ks {
                    sl.insert(*s, m);
                }
                black_box(sl.observer().events.len())
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn large(c: &mut Criterion) {
    let ks = keys(1_000_000, 2);
    // Spread the extra keys over the whole score range of the big set.
    let extra: Vec<_> = keys(1_000, 3)
        .into_iter()
        .map(|(s, m)| (s * 1000.0 + 0.5, m))
        .collect();
    let mut sl = build_sl(&ks);
    let mut bt = build_bt(&ks);
    let probe: Vec<_> = ks.iter().step_by(1000).cloned().collect();
    let pk = probes(&probe);
    let xk = probes(&extra);
    let mut g = c.benchmark_group("zset_1e6");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    g.bench_function("insert_delete_1k_of_1m/skiplist", |b| {
        b.iter(|| {
            for (s, m) in &extra {
                sl.insert(*s, m);
            }
            for (s, m) in &extra {
                sl.delete(*s, m);
            }
        })
    });
    g.bench_function("insert_delete_1k_of_1m/btreeset", |b| {
        b.iter(|| {
            for (s, m) in &extra {
                bt.insert(Key(*s, m.clone()));
            }
            for k in &xk {
                bt.remove(k);
            }
        })
    });
    g.bench_function("lookup_1k_of_1m/skiplist_find", |b| {
        b.iter(|| {
            probe
                .iter()
                .filter(|(s, m)| sl.find(*s, m).is_some())
                .count()
        })
    });
    g.bench_function("lookup_1k_of_1m/btreeset_contains", |b| {
        b.iter(|| pk.iter().filter(|k| bt.contains(k)).count())
    });
    g.bench_function("rank_1k_of_1m/skiplist_rank", |b| {
        b.iter(|| {
            probe
                .iter()
                .map(|(s, m)| sl.rank(*s, m).unwrap_or(0))
                .sum::<u64>()
        })
    });
    g.finish();
}

criterion_group!(benches, small, large);
criterion_main!(benches);
