//! Peer selection throughput of the nginx upstream engine (tracing off) per
//! method, against a floor: a precomputed weighted index table walked by a
//! counter; plus the cost of recording a trace.
//!
//! Run: `cargo bench --bench nginx_upstream`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::net::IpAddr;
use std::time::Duration;
use tuitor::sim::nginx_upstream::{
    Method, RequestCtx, ServerConfig, Upstream, UpstreamConfig, UpstreamEvent,
};
use tuitor::sim::trace::{Observer, Recorder};

const BATCH: u64 = 1000;

fn config(method: Method) -> UpstreamConfig {
    let servers = [("a", 5), ("b", 1), ("c", 1), ("d", 2)]
        .iter()
        .enumerate()
        .map(|(i, (n, w))| {
            let mut s = ServerConfig::new(n, *w);
            s.addr = Some(format!("127.0.0.1:{}", 19001 + i));
            s
        })
        .collect();
    UpstreamConfig {
        method,
        key: method.uses_key().then(|| "$request_uri".to_string()),
        servers,
    }
}

fn contexts() -> Vec<RequestCtx> {
    (0..64u8)
        .map(|i| RequestCtx {
            ip: IpAddr::from([10, i, i / 3, 1]),
            uri: format!("/item/{i}"),
        })
        .collect()
}

/// One pick and one successful free, the balancer's whole job per request.
fn pick<O: Observer<UpstreamEvent>>(up: &mut Upstream<O>, ctx: &RequestCtx) -> usize {
    let mut at = up.begin(ctx.clone());
    let p = up.get(&mut at);
    match p {
        Some(p) => {
            up.free(&mut at, p, true);
            p.index
        }
        None => usize::MAX,
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("nginx_upstream_pick");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .throughput(Throughput::Elements(BATCH));

    // floor: the SWRR sequence precomputed into a table, walked by a counter
    let table: Vec<usize> = {
        let mut up = Upstream::new(&config(Method::RoundRobin), 0).expect("config");
        (0..9)
            .map(|_| pick(&mut up, &RequestCtx::default()))
            .collect()
    };
    g.bench_function("baseline_table", |b| {
        let mut i = 0usize;
        b.iter(|| {
            let mut sum = 0usize;
            for _ in 0..BATCH {
                sum += table[i % table.len()];
                i = i.wrapping_add(1);
            }
            black_box(sum)
        })
    });

    let ctxs = contexts();
    for m in [
        Method::RoundRobin,
        Method::IpHash,
        Method::Hash,
        Method::HashConsistent,
        Method::LeastConn,
        Method::Random,
        Method::RandomTwoLeastConn,
        Method::Fair,
    ] {
        let mut up = Upstream::new(&config(m), 1).expect("config");
        let mut k = 0usize;
        g.bench_function(m.name(), |b| {
            b.iter(|| {
                let mut sum = 0usize;
                for _ in 0..BATCH {
                    sum = sum.wrapping_add(pick(&mut up, &ctxs[k % ctxs.len()]));
                    k += 1;
                }
                black_box(sum)
            })
        });
    }

    // the whole request (retry loop, request log) untraced vs recorded
    let mut up = Upstream::new(&config(Method::RoundRobin), 1).expect("config");
    g.bench_function("round_robin_request_untraced", |b| {
        b.iter(|| {
            for _ in 0..BATCH {
                black_box(up.request(RequestCtx::default(), false));
            }
        })
    });
    let mut up =
        Upstream::with_observer(&config(Method::RoundRobin), 1, Recorder::new()).expect("config");
    g.bench_function("round_robin_request_recorded", |b| {
        b.iter(|| {
            for _ in 0..BATCH {
                black_box(up.request(RequestCtx::default(), false));
            }
            black_box(up.obs.take().len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
