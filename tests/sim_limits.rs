//! Simulation input cannot make tuitor allocate without bound: huge counts and
//! huge lines are refused with a message saying the limit, and change nothing.

use tuitor::sim::{self, MAX_LINE_BYTES};

fn session(name: &str) -> Box<dyn sim::Session> {
    let info = sim::find(name).unwrap();
    (info.factory)(None, 1).unwrap()
}

/// Run `line`, expect a refusal mentioning `needle`, and an unchanged state.
fn refused(name: &str, line: &str, needle: &str) {
    let mut s = session(name);
    let before = s.state();
    let e = s.run(line).expect_err(line);
    assert!(e.0.contains(needle), "{name}: {:?} lacks {needle:?}", e.0);
    assert_eq!(
        s.state(),
        before,
        "{name}: a refused command changed the state"
    );
}

#[test]
fn a_ten_megabyte_line_is_refused_by_every_simulation() {
    let huge = format!("set k {}", "x".repeat(10 * 1024 * 1024));
    for info in sim::REGISTRY {
        refused(info.name, &huge, "limit");
    }
    // Just under the limit is parsed as usual.
    let mut s = session("redis-dict");
    let v = "v".repeat(MAX_LINE_BYTES - 10);
    assert!(s.run(&format!("set k {v}")).is_ok());
}

#[test]
fn huge_counts_are_refused_with_their_limit() {
    refused("redis-dict", "fill 1000000000", "10000");
    refused("redis-dict", "step 1000000000", "10000");
    refused("redis-dict", "cron 18446744073709551616", "10000");
    refused(
        "redis-dict",
        &format!("fill 10000 {}", "p".repeat(100_000)),
        "prefix",
    );
    refused("nginx-upstream", "reqs 1000000000", "10000");
    refused("nginx-upstream", "tick 1000000000", "1000000");
    refused("django-orm", "seed 1000000000 1", "10000");
}

#[test]
fn a_sorted_set_stops_growing_at_its_member_limit() {
    let mut s = session("redis-zset");
    let mut refused_at = None;
    for round in 0..10u32 {
        let pairs: String = (0..20_000u32).map(|i| format!(" 1 m{round}-{i}")).collect();
        if let Err(e) = s.run(&format!("ZADD z{pairs}")) {
            assert!(e.0.contains("100000"), "{}", e.0);
            refused_at = Some(round);
            break;
        }
    }
    assert_eq!(
        refused_at,
        Some(5),
        "the sixth batch of 20,000 passes 100,000"
    );
    let card = s.run("ZCARD z").unwrap();
    assert_eq!(card.reply, serde_json::json!(100_000));
}
