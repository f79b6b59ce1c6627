//! The django engines' views rebuilt from events equal the views taken from
//! the real engines, after every command: over every preset and over random
//! command sequences. Also invariants of the onion and of QuerySet caching.

use proptest::prelude::*;
use tuitor::sim::django::{
    DjangoEvent, LifecycleSession, LifecycleView, OrmSession, OrmView, ORM_PRESETS, PRESETS,
};
use tuitor::sim::{Outcome, Session};

fn events(out: &Outcome) -> Vec<DjangoEvent> {
    out.steps
        .iter()
        .map(|s| serde_json::from_value(s.event.clone()).expect("step events deserialize"))
        .collect()
}

/// Request phases go in (increasing index), response phases come out
/// (decreasing index), and only layers that were entered leave.
fn check_onion(evs: &[DjangoEvent], reply_status: u64) {
    let mut ins = Vec::new();
    let mut outs = Vec::new();
    let mut started = None;
    for e in evs {
        match e {
            DjangoEvent::Request { mw, .. } => ins.push(*mw),
            DjangoEvent::Response { mw, .. } => outs.push(*mw),
            DjangoEvent::StartResponse { status, .. } => started = Some(*status as u64),
            _ => {}
        }
    }
    assert!(
        ins.windows(2).all(|w| w[0] < w[1]),
        "request phases in order: {ins:?}"
    );
    assert!(
        outs.windows(2).all(|w| w[0] > w[1]),
        "response phases in reverse: {outs:?}"
    );
    assert!(outs.iter().all(|m| ins.contains(m)), "{outs:?} ⊆ {ins:?}");
    assert_eq!(started, Some(reply_status));
    let names: Vec<String> = evs.iter().map(|e| e.to_string()).collect();
    let first = names
        .iter()
        .position(|n| n == "wsgi.call")
        .expect("wsgi.call");
    assert_eq!(names[first + 1], "signal.request_started");
    assert_eq!(
        names.last().map(String::as_str),
        Some("signal.request_finished")
    );
}

fn lifecycle_replay(cmds: &[String]) {
    let mut s = LifecycleSession::new(None).expect("default config");
    let mut v = LifecycleView::default();
    for cmd in cmds {
        let before = s.state();
        match s.run(cmd) {
            Ok(out) => {
                let evs = events(&out);
                check_onion(&evs, out.reply["status"].as_u64().unwrap_or(0));
                for e in &evs {
                    v.apply(e);
                }
                assert_eq!(v, LifecycleView::from_handler(&s.handler), "after {cmd}");
                assert_eq!(
                    out.reply["query_count"].as_u64(),
                    Some(v.query_count as u64)
                );
                s.handler.check_invariants();
            }
            Err(_) => assert_eq!(before, s.state(), "a refused command changed state"),
        }
    }
}

fn orm_replay(cmds: &[String]) {
    let mut s = OrmSession::new(4, 10).expect("dataset");
    let mut v = OrmView::default();
    for cmd in cmds {
        let before = s.state();
        match s.run(cmd) {
            Ok(out) => {
                for e in events(&out) {
                    v.apply(&e);
                }
                assert_eq!(v, s.view(), "after {cmd}");
                assert_eq!(out.reply["queries"].as_u64(), Some(v.query_count as u64));
            }
            Err(_) => assert_eq!(before, s.state(), "a refused command changed state"),
        }
    }
}

fn lines(script: &str) -> Vec<String> {
    script.lines().map(str::to_string).collect()
}

#[test]
fn every_lifecycle_preset_replays() {
    for p in PRESETS {
        lifecycle_replay(&lines(p.script));
    }
}

#[test]
fn every_orm_preset_replays() {
    for p in ORM_PRESETS {
        orm_replay(&lines(p.script));
    }
}

#[test]
fn presets_show_what_they_say() {
    let run = |script: &str| {
        let mut s = LifecycleSession::new(None).expect("default");
        script
            .lines()
            .map(|l| s.run(l).expect("preset command"))
            .collect::<Vec<_>>()
    };
    let sc = run("GET /private/");
    let ev: Vec<String> = events(&sc[0]).iter().map(|e| e.to_string()).collect();
    assert!(ev.contains(&"Gate.request -> response(403)".to_string()));
    assert!(
        ev.contains(&"Gate.response(403)".to_string()),
        "old style runs its own process_response"
    );
    assert!(!ev
        .iter()
        .any(|e| e.starts_with("view.") || e.starts_with("resolver.")));
    let r = run("GET /hello\nGET /missing/");
    assert_eq!(r[0].reply["status"], 301);
    assert_eq!(r[1].reply["status"], 404);
    let t = run("GET /books/\nGET /books/fast/\nGET /books/prefetch/");
    let counts: Vec<u64> = t
        .iter()
        .map(|o| o.reply["query_count"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(counts, vec![11, 1, 2]);
    let mut o = OrmSession::new(4, 10).expect("dataset");
    let q: Vec<u64> = ORM_PRESETS[0]
        .script
        .lines()
        .map(|l| {
            o.run(l).expect("preset").reply["queries"]
                .as_u64()
                .unwrap_or(0)
        })
        .collect();
    assert_eq!(q, vec![0, 11]);
}

#[test]
fn bad_commands_are_refused() {
    let mut s = LifecycleSession::new(None).expect("default");
    for bad in ["", "GET", "FETCH /x/", "GET hello/", "GET /a/ /b/"] {
        assert!(s.run(bad).is_err(), "{bad:?}");
    }
    let long = format!("GET /{}", "a".repeat(5000));
    assert!(s.run(&long).is_err());
    let mut o = OrmSession::new(4, 10).expect("dataset");
    for bad in [
        "list nope",
        "let x = Magazine.objects.all()",
        "let x = Book.objects.filter(pages=3)",
        "let x = Book.objects.filter(id='abc')",
        "let x = Book.objects.prefetch_related('book_set')",
        "let x = Author.objects.select_related('author')",
        "seed authors=1000000000 books=1",
        "seed authors=0 books=3",
        "let 1x = Book",
        "frobnicate",
    ] {
        assert!(o.run(bad).is_err(), "{bad:?}");
    }
    o.run("let qs = Book.objects.all()").expect("let");
    for bad in [
        "slice qs -1 3",
        "slice qs 0 3 0",
        "index qs x",
        "list qs .book_set",
        "slice qs 0 999999999",
    ] {
        assert!(o.run(bad).is_err(), "{bad:?}");
    }
    assert!(tuitor::sim::django::factory(Some("middleware: [nope.Middleware]"), 0).is_err());
    assert!(tuitor::sim::django::factory(
        Some("routes: [{path: 'a/<bad:x>/', view: v}]\nviews: {v: {returns: 200}}"),
        0
    )
    .is_err());
    assert!(
        tuitor::sim::django::factory(Some("routes: [{path: 'a/', view: missing}]"), 0).is_err()
    );
    assert!(tuitor::sim::django::factory(Some("views: {v: {raises: Boom}}"), 0).is_err());
    assert!(tuitor::sim::django::orm_factory(Some("authors: 100000000"), 0).is_err());
}

const PATHS: &[&str] = &[
    "/",
    "/hello/",
    "/hello",
    "/hello?x=1",
    "/private/",
    "/maintenance/",
    "/boom/",
    "/boom-handled/",
    "/nothing/",
    "/page/",
    "/books/",
    "/books/fast/",
    "/books/prefetch/",
    "/missing/",
    "/missing",
    "/articles/2003/",
    "/articles/0042/",
    "/blog/7/",
    "/blog/a-b/",
    "/blog/a.b/",
    "//hello/",
];

fn lifecycle_cmd() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (prop::sample::select(vec!["GET", "POST", "PUT", "DELETE"]), prop::sample::select(PATHS))
            .prop_map(|(m, p)| format!("{m} {p}")),
        1 => Just("BREW /coffee/".to_string()),
        1 => Just("GET nowhere".to_string()),
    ]
}

fn orm_cmd() -> impl Strategy<Value = String> {
    let names = prop::sample::select(vec!["a", "b", "c"]);
    let exprs = prop::sample::select(vec![
        "Book.objects.all()",
        "Book.objects.select_related('author')",
        "Book.objects.prefetch_related('author')",
        "Book.objects.filter(author__name='Ada')",
        "Book.objects.filter(id__gt=3).order_by('-id')",
        "Author.objects.all()",
        "Author.objects.prefetch_related('book_set')",
        "a.filter(id__lte=5)",
    ]);
    prop_oneof![
        3 => (names.clone(), exprs).prop_map(|(n, e)| format!("let {n} = {e}")),
        6 => (prop::sample::select(vec!["list", "len", "count", "exists", "first"]), names.clone())
            .prop_map(|(c, n)| format!("{c} {n}")),
        2 => (names.clone(), prop::sample::select(vec![".author.name", ".book_set"]))
            .prop_map(|(n, t)| format!("list {n} {t}")),
        2 => (names.clone(), 0usize..12, 0usize..12, 1usize..4)
            .prop_map(|(n, a, b, s)| format!("slice {n} {a} {b} {s}")),
        1 => (names, 0usize..12).prop_map(|(n, i)| format!("index {n} {i}")),
        1 => (1usize..6, 0usize..15).prop_map(|(a, b)| format!("seed authors={a} books={b}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn lifecycle_random_sequences_replay(cmds in prop::collection::vec(lifecycle_cmd(), 1..12)) {
        lifecycle_replay(&cmds);
    }

    #[test]
    fn orm_random_sequences_replay(cmds in prop::collection::vec(orm_cmd(), 1..25)) {
        orm_replay(&cmds);
    }

    /// Model: once a QuerySet is evaluated, len/count/exists/list cost nothing
    /// and agree with the evaluated rows; before that, count and exists cost
    /// exactly one query each and agree too.
    #[test]
    fn cache_semantics(expr in prop::sample::select(vec![
        "Book.objects.all()", "Book.objects.filter(author__name='Grace')",
        "Book.objects.filter(id__gt=7)", "Author.objects.filter(id__lt=3)",
        "Book.objects.filter(id__gt=100)",
    ]), authors in 1usize..6, books in 0usize..15) {
        let mut s = OrmSession::new(4, 10).expect("dataset");
        s.run(&format!("seed authors={authors} books={books}")).expect("seed");
        s.run(&format!("let q = {expr}")).expect("let");
        let c = s.run("count q").expect("count");
        prop_assert_eq!(c.reply["queries"].as_u64(), Some(1));
        let e = s.run("exists q").expect("exists");
        prop_assert_eq!(e.reply["queries"].as_u64(), Some(1));
        let l = s.run("list q").expect("list");
        prop_assert_eq!(l.reply["queries"].as_u64(), Some(1));
        let n = l.reply["result"].as_array().map(Vec::len).unwrap_or(0) as u64;
        prop_assert_eq!(c.reply["result"].as_u64(), Some(n));
        prop_assert_eq!(e.reply["result"].as_bool(), Some(n > 0));
        for cmd in ["len q", "count q", "exists q", "list q"] {
            let o = s.run(cmd).expect("cached");
            prop_assert_eq!(o.reply["queries"].as_u64(), Some(0), "{}", cmd);
        }
        if expr == "Book.objects.all()" {
            let want: Vec<String> = (1..=books).map(|i| format!("Book {i}")).collect();
            prop_assert_eq!(l.reply["result"].clone(), serde_json::json!(want));
        }
    }
}
