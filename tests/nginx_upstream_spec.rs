//! The worked examples of the nginx upstream spec, through the session.

use serde_json::Value;
use tuitor::sim::nginx_upstream::{
    crc32, factory, Method, RequestCtx, ServerConfig, Upstream, UpstreamConfig,
};
use tuitor::sim::Session;

fn session(cfg: Option<&str>) -> Box<dyn Session> {
    factory(cfg, 1).expect("config")
}

fn servers(reply: &Value) -> Vec<String> {
    reply
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["server"].as_str().unwrap_or("-").to_string())
        .collect()
}

fn tried(reply: &Value) -> Vec<String> {
    reply
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            r["tried"]
                .as_array()
                .expect("tried")
                .iter()
                .map(|t| t.as_str().expect("name"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

fn run(s: &mut Box<dyn Session>, cmd: &str) -> Value {
    s.run(cmd).expect(cmd).reply
}

#[test]
fn swrr_5_1_1_default() {
    let mut s = session(None);
    for _ in 0..3 {
        assert_eq!(servers(&run(&mut s, "reqs 7")).join(" "), "a a b a c a a");
    }
    let st = s.state();
    for p in st["servers"].as_array().expect("servers") {
        assert_eq!(p["current_weight"], 0);
    }
}

#[test]
fn swrr_other_weights_and_down() {
    let cfg = "servers: [{name: a, weight: 3}, {name: b, weight: 2}, {name: c}]";
    let mut s = session(Some(cfg));
    assert_eq!(
        servers(&run(&mut s, "reqs 12")).join(" "),
        "a b a c b a a b a c b a"
    );
    let cfg = "servers: [{name: a, weight: 4}, {name: b, weight: 2, down: true}, {name: c}]";
    let mut s = session(Some(cfg));
    assert_eq!(
        servers(&run(&mut s, "reqs 10")).join(" "),
        "a a c a a a a c a a"
    );
    let cfg = "servers: [{name: a}, {name: b}, {name: c}, {name: d}]";
    let mut s = session(Some(cfg));
    assert_eq!(servers(&run(&mut s, "reqs 8")).join(" "), "a b c d a b c d");
}

#[test]
fn failure_during_swrr() {
    let cfg = "servers: [{name: a, weight: 2}, {name: b, fail_timeout: 30}, {name: c}]";
    let mut s = session(Some(cfg));
    run(&mut s, "fail b");
    let r = run(&mut s, "reqs 12");
    assert_eq!(servers(&r).join(" "), "a c a a c a a c a a c a");
    assert_eq!(tried(&r)[..3], ["a", "b,c", "a"]);
}

#[test]
fn effective_weight_recovery() {
    let cfg =
        "servers: [{name: a, weight: 1, fail_timeout: 1}, {name: b, weight: 4, fail_timeout: 1}]";
    let mut s = session(Some(cfg));
    run(&mut s, "fail b");
    let r = run(&mut s, "reqs 3");
    assert_eq!(tried(&r), ["b,a", "a", "a"]);
    run(&mut s, "heal b");
    run(&mut s, "tick 2");
    let mut ews = Vec::new();
    let mut picks = Vec::new();
    for _ in 0..9 {
        let r = run(&mut s, "req");
        picks.push(r["server"].as_str().expect("server").to_string());
        ews.push(
            s.state()["servers"][1]["effective_weight"]
                .as_i64()
                .expect("ew"),
        );
    }
    assert_eq!(picks.join(" "), "a a b a b b b b a");
    assert_eq!(ews[..4], [1, 2, 3, 4]);
    assert_eq!(s.state()["servers"][1]["fails"], 0);
}

#[test]
fn max_fails_two_costs_half() {
    let cfg = "servers: [{name: a, weight: 1, max_fails: 2, fail_timeout: 1}, {name: b, weight: 4, max_fails: 2, fail_timeout: 1}]";
    let mut s = session(Some(cfg));
    run(&mut s, "fail b");
    let r = run(&mut s, "req");
    assert_eq!(tried(&Value::Array(vec![r])), ["b,a"]);
    let st = s.state();
    assert_eq!(st["servers"][1]["effective_weight"], 2);
    assert_eq!(st["servers"][1]["disabled"], false);
    let r = run(&mut s, "reqs 2");
    // b: cw after #1 = 4-5 = -1, then +2 → 1 vs a (1-... ) ; b tried again on request 3
    assert!(tried(&r).iter().any(|t| t == "b,a"));
    assert_eq!(s.state()["servers"][1]["disabled"], true);
}

#[test]
fn backup_takes_over() {
    let cfg = "servers: [{name: a, fail_timeout: 30}, {name: b, fail_timeout: 30}, {name: c, backup: true}]";
    let mut s = session(Some(cfg));
    run(&mut s, "fail a");
    run(&mut s, "fail b");
    let r = run(&mut s, "reqs 6");
    assert_eq!(tried(&r), ["a,b,c", "c", "c", "c", "c", "c"]);
}

#[test]
fn ip_hash_examples() {
    let mut s = session(Some(
        "method: ip_hash\nservers: [{name: a}, {name: b}, {name: c}]",
    ));
    for (ip, want) in [
        ("10.0.0.1", "a"),
        ("10.0.0.2", "a"),
        ("10.0.0.200", "a"),
        ("10.0.1.1", "b"),
    ] {
        assert_eq!(run(&mut s, &format!("req ip={ip}"))["server"], want, "{ip}");
    }
    assert_eq!(run(&mut s, "req ip=::ffff:10.0.0.1")["server"], "b");
    run(&mut s, "fail b");
    let r = run(&mut s, "req ip=10.0.1.1");
    assert_eq!(r["server"], "c");
    assert_eq!(r["tried"], serde_json::json!(["b", "c"]));
    let mut s = session(Some(
        "method: ip_hash\nservers: [{name: a, weight: 3}, {name: b}, {name: c}]",
    ));
    assert_eq!(run(&mut s, "req ip=192.168.1.8")["server"], "c");
}

#[test]
fn hash_examples() {
    assert_eq!(crc32(b"/item/1"), 0x8805E983);
    let mut s = session(Some(
        "method: hash\nkey: $request_uri\nservers: [{name: a}, {name: b}, {name: c}]",
    ));
    assert_eq!(run(&mut s, "req uri=/item/1")["server"], "b");
    assert_eq!(run(&mut s, "req uri=/item/2")["server"], "c");
    assert_eq!(run(&mut s, "req uri=/")["server"], "c");
    run(&mut s, "down b");
    assert_eq!(run(&mut s, "req uri=/item/1")["server"], "a");
    let mut s = session(Some(
        "method: hash\nservers: [{name: a, weight: 3}, {name: b}, {name: c}]",
    ));
    assert_eq!(run(&mut s, "req uri=/item/1")["server"], "b");
}

#[test]
fn consistent_hash_examples() {
    let cfg = "method: hash_consistent\nservers:\n - {name: a, addr: '127.0.0.1:19001'}\n - {name: b, addr: '127.0.0.1:19002'}\n - {name: c, addr: '127.0.0.1:19003'}\n - {name: d, addr: '127.0.0.1:19004'}\n";
    let up = Upstream::new(
        &serde_yaml::from_str::<UpstreamConfig>(cfg).expect("yaml"),
        0,
    )
    .expect("cfg");
    let ring: Vec<(u32, &str)> = up.ring().collect();
    assert_eq!(ring.len(), 640);
    assert_eq!(ring[341], (0x883AF190, "127.0.0.1:19002"));
    let mut s = session(Some(cfg));
    assert_eq!(run(&mut s, "req uri=/item/1")["server"], "b");
    assert_eq!(run(&mut s, "req uri=/item/2")["server"], "a");
}

#[test]
fn least_conn_sequential_is_swrr_and_held_conns_steer() {
    let mut s = session(Some(
        "method: least_conn\nservers: [{name: a}, {name: b}, {name: c}]",
    ));
    assert_eq!(
        servers(&run(&mut s, "reqs 9")).join(" "),
        "a b c a b c a b c"
    );
    let mut s = session(Some(
        "method: least_conn\nservers: [{name: a, weight: 3}, {name: b, weight: 2}, {name: c}]",
    ));
    assert_eq!(servers(&run(&mut s, "reqs 6")).join(" "), "a b a c b a");
    let mut s = session(Some(
        "method: least_conn\nservers: [{name: a}, {name: b}, {name: c}]",
    ));
    run(&mut s, "req hold"); // a
    run(&mut s, "req hold"); // b
    assert_eq!(run(&mut s, "req")["server"], "c");
    assert_eq!(run(&mut s, "req")["server"], "c");
    run(&mut s, "release 1");
    // a and c tie at 0 conns: SWRR among the tied; c's current weight (2, left
    // from the tie on request 2) beats a's (-2)
    assert_eq!(run(&mut s, "req")["server"], "c");
    run(&mut s, "release 2");
    // a, b, c all idle now
    assert_eq!(s.state()["held"], serde_json::json!([]));
}

#[test]
fn single_peer_shortcut() {
    let mut s = session(Some("servers: [{name: a}]"));
    run(&mut s, "fail a");
    let r = run(&mut s, "reqs 3");
    assert_eq!(tried(&r), ["a", "a", "a"]);
    assert!(r
        .as_array()
        .expect("arr")
        .iter()
        .all(|x| x["status"] == 502));
    assert_eq!(s.state()["servers"][0]["fails"], 0);
    run(&mut s, "down a");
    let r = run(&mut s, "req");
    assert_eq!(r["status"], 502);
    assert_eq!(r["tried"], serde_json::json!([]));
}

#[test]
fn random_is_seeded() {
    let cfg = "method: random\nservers: [{name: a}, {name: b}, {name: c}]";
    let mut x = factory(Some(cfg), 7).expect("cfg");
    let mut y = factory(Some(cfg), 7).expect("cfg");
    assert_eq!(run(&mut x, "reqs 50"), run(&mut y, "reqs 50"));
    let cfg = "method: random_two_least_conn\nservers: [{name: a}, {name: b}, {name: c}]";
    let mut z = factory(Some(cfg), 7).expect("cfg");
    // with two held on distinct peers, the third hold goes to the idle one
    let r = run(&mut z, "reqs 2 hold");
    let names = servers(&r);
    if names[0] != names[1] {
        let third = run(&mut z, "req hold")["server"]
            .as_str()
            .expect("s")
            .to_string();
        assert!(!names.contains(&third));
    }
}

#[test]
fn api_without_tracing() {
    let cfg = UpstreamConfig {
        method: Method::RoundRobin,
        key: None,
        servers: vec![ServerConfig::new("x", 2), ServerConfig::new("y", 1)],
    };
    let mut up = Upstream::new(&cfg, 0).expect("cfg");
    let names: Vec<String> = (0..3)
        .map(|_| {
            up.request(RequestCtx::default(), false)
                .server
                .expect("server")
        })
        .collect();
    assert_eq!(names, ["x", "y", "x"]);
    let mut at = up.begin(RequestCtx::default());
    let p = up.get(&mut at).expect("peer");
    up.free(&mut at, p, true);
}

#[test]
fn bad_commands_change_nothing() {
    let mut s = session(None);
    run(&mut s, "reqs 2");
    let before = s.state();
    for bad in [
        "reqs 1000000000",
        "reqs 0",
        "reqs x",
        "req ip=300.1.1.1",
        "req bogus",
        "release 99",
        "fail zz",
        "down",
        "add a",
        "add z=0",
        "add z=1000",
        "remove zz",
        "tick -1",
        "tick 99999999999",
        "",
        "frobnicate",
    ] {
        assert!(s.run(bad).is_err(), "{bad:?} accepted");
        assert_eq!(s.state(), before, "{bad:?} changed the state");
    }
    assert!(factory(Some("method: nope\nservers: [{name: a}]"), 0).is_err());
    assert!(factory(Some("servers: []"), 0).is_err());
    assert!(factory(
        Some("method: ip_hash\nservers: [{name: a}, {name: b, backup: true}]"),
        0
    )
    .is_err());
    assert!(factory(Some("servers: [{name: a}, {name: a}]"), 0).is_err());
    assert!(factory(Some("method: hash\nkey: $host\nservers: [{name: a}]"), 0).is_err());
    assert!(factory(Some("servers: [{name: a, wieght: 2}]"), 0).is_err());
    assert!(factory(Some(": : :"), 0).is_err());
}
