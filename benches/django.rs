//! Benchmarks for the django engines.
//!
//! * one GET through the default stack (7 default + 2 custom middlewares),
//!   tracing off and recording a trace, against calling the view function
//!   directly (the floor: building the same response with no onion);
//! * the book list page through the ORM (11 queries naive, 1 with
//!   select_related) against the same single JOIN query run directly on SQLite.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;
use tuitor::sim::django::orm::{Model, Orm, QuerySet, Row};
use tuitor::sim::django::{DjangoEvent, Handler, Project, DEFAULT_CONFIG};
use tuitor::sim::trace::{NoTrace, Recorder};

fn handler_notrace() -> Handler<NoTrace> {
    let p = Project::from_yaml(DEFAULT_CONFIG).expect("default config");
    Handler::new(p, Orm::new(4, 10).expect("db"), NoTrace)
}

fn bench_request(c: &mut Criterion) {
    let mut g = c.benchmark_group("django_request");
    g.sample_size(20)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    let mut h = handler_notrace();
    g.bench_function("onion_notrace", |b| {
        b.iter(|| black_box(h.handle("GET", black_box("/hello/")).status))
    });
    let p = Project::from_yaml(DEFAULT_CONFIG).expect("default config");
    let mut hr: Handler<Recorder<DjangoEvent>> =
        Handler::new(p, Orm::new(4, 10).expect("db"), Recorder::new());
    g.bench_function("onion_recording", |b| {
        b.iter(|| {
            let s = hr.handle("GET", black_box("/hello/")).status;
            black_box(hr.obs.take());
            s
        })
    });
    g.bench_function("view_direct_floor", |b| {
        b.iter(|| {
            let name = black_box("hello");
            let body = format!("<p>{name}</p>");
            let headers = vec![(
                "Content-Type".to_string(),
                "text/html; charset=utf-8".to_string(),
            )];
            black_box((200u16, headers, body))
        })
    });
    g.finish();
}

fn bench_orm(c: &mut Criterion) {
    let mut g = c.benchmark_group("django_orm_list");
    g.sample_size(20)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    let mut orm = Orm::new(4, 10).expect("db");
    for (name, sr) in [("naive_n_plus_one", false), ("select_related", true)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                orm.begin();
                let mut qs = QuerySet::all(Model::Book, "qs");
                qs.select_related = sr;
                orm.fetch_all(&mut NoTrace, &mut qs).expect("query");
                let mut names = Vec::new();
                for r in qs.cache.iter_mut().flatten() {
                    if let Row::Book(b) = r {
                        names.push(orm.author_of(&mut NoTrace, b).expect("fk").name);
                    }
                }
                black_box(names)
            })
        });
    }
    let conn = rusqlite::Connection::open_in_memory().expect("db");
    conn.execute_batch(
        "CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE b (id INTEGER PRIMARY KEY, title TEXT, author_id INTEGER);
         INSERT INTO a VALUES (1,'Ada'),(2,'Grace'),(3,'Alan'),(4,'Barbara');
         INSERT INTO b VALUES (1,'Book 1',1),(2,'Book 2',2),(3,'Book 3',3),(4,'Book 4',4),(5,'Book 5',1),(6,'Book 6',2),(7,'Book 7',3),(8,'Book 8',4),(9,'Book 9',1),(10,'Book 10',2);",
    )
    .expect("schema");
    g.bench_function("raw_sqlite_join_floor", |b| {
        b.iter(|| {
            let mut st = conn
                .prepare_cached("SELECT b.id, b.title, b.author_id, a.id, a.name FROM b INNER JOIN a ON (b.author_id = a.id)")
                .expect("prepare");
            let names: Vec<String> = st
                .query_map([], |r| r.get::<_, String>(4))
                .expect("query")
                .map(|r| r.unwrap_or_default())
                .collect();
            black_box(names)
        })
    });
    g.finish();
}

criterion_group!(benches, bench_request, bench_orm);
criterion_main!(benches);
