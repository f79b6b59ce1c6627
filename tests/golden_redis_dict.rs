//! Golden vectors recorded from a real redis-server 7.0.15
//! (scripts/golden/redis_dict.py), replayed through the same `Session` code path
//! the CLI uses. Only facts that do not depend on the server's random SipHash key
//! are compared: replies, key counts, table sizes, when a resize starts, buckets
//! moved per command, and the key sets of complete SCANs.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use tuitor::sim::redis_dict::{DictConfig, DictSession};
use tuitor::sim::{Outcome, Session};

const VECTORS: &str = include_str!("golden/redis_dict.jsonl");

fn tables(state: &Value) -> Vec<(u64, u64)> {
    state["tables"]
        .as_array()
        .map(|ts| {
            ts.iter()
                .map(|t| {
                    (
                        t["size"].as_u64().unwrap_or(0),
                        t["used"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn moved(o: &Outcome) -> u64 {
    o.steps.iter().filter(|s| s.kind == "rehash.bucket").count() as u64
}

fn check_state(ctx: &str, state: &Value, exp: &Value) {
    let ts = tables(state);
    if let Some(t) = exp.get("total") {
        let total: u64 = ts.iter().map(|t| t.1).sum();
        assert_eq!(json!(total), *t, "{ctx}: total keys");
    }
    if let Some(m) = exp.get("max_size") {
        let max = ts.iter().map(|t| t.0).max().unwrap_or(0);
        assert_eq!(json!(max), *m, "{ctx}: largest table");
    }
    if let Some(r) = exp.get("rehashing") {
        assert_eq!(json!(ts.len() == 2), *r, "{ctx}: rehashing");
    }
    if let Some(s) = exp.get("size0") {
        assert_eq!(json!(ts[0].0), *s, "{ctx}: size of ht[0]");
    }
    if let Some(s) = exp.get("size") {
        assert_eq!(ts.len(), 1, "{ctx}: still rehashing");
        assert_eq!(json!(ts[0].0), *s, "{ctx}: table size");
    }
}

fn run(s: &mut DictSession, ctx: &str, line: &str) -> Outcome {
    match s.run(line) {
        Ok(o) => o,
        Err(e) => panic!("{ctx}: `{line}` was refused: {e}"),
    }
}

fn replay(scenario: &Value, seed: u64) -> usize {
    let name = scenario["name"].as_str().unwrap_or("?");
    let config = DictConfig {
        activerehashing: scenario["activerehashing"].as_bool().unwrap_or(true),
        cron_batches: 1,
    };
    let mut s = DictSession::new(config, seed);
    let mut checked = 0;
    for (i, action) in scenario["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let exp = &action["expect"];
        if let Some(line) = action["cmd"].as_str() {
            let ctx = format!("{name} #{i} `{line}` (seed {seed})");
            let o = run(&mut s, &ctx, line);
            if let Some(r) = exp.get("reply") {
                assert_eq!(o.reply, *r, "{ctx}: reply");
            }
            if let Some(m) = exp.get("moved") {
                assert_eq!(json!(moved(&o)), *m, "{ctx}: buckets moved");
            }
            if let Some(c) = exp.get("cursor") {
                assert_eq!(o.reply[0], *c, "{ctx}: cursor");
            }
            if let Some(k) = exp.get("keys_sorted") {
                let mut keys: Vec<Value> = o.reply[1].as_array().cloned().unwrap_or_default();
                keys.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                assert_eq!(json!(keys), *k, "{ctx}: keys");
            }
            check_state(&ctx, &o.state, exp);
        } else if let Some(line) = action["until_done"].as_str() {
            let ctx = format!("{name} #{i} until done `{line}` (seed {seed})");
            let nonempty = s.server.db.nonempty_buckets(0);
            let mut calls = 0;
            while s.server.db.is_rehashing() {
                run(&mut s, &ctx, line);
                calls += 1;
                assert!(calls < 100_000, "{ctx}: never finishes");
            }
            if calls > 0 {
                // One call per non-empty bucket, plus calls that gave up.
                assert!(
                    calls >= nonempty,
                    "{ctx}: {calls} calls for {nonempty} buckets"
                );
            }
            let real = &action["real"];
            let (rc, rn) = (real["count"].as_u64(), real["nonempty_before"].as_u64());
            if let (Some(rc), Some(rn)) = (rc, rn) {
                assert!(rc >= rn, "{ctx}: the real server broke the step relation");
            }
            check_state(&ctx, &s.state(), exp);
        } else if let Some(count) = action["scan_all"].as_u64() {
            let ctx = format!("{name} #{i} full scan count {count} (seed {seed})");
            let mut cursor = "0".to_string();
            let mut keys = BTreeSet::new();
            let mut calls = 0;
            loop {
                let o = run(&mut s, &ctx, &format!("scan {cursor} count {count}"));
                for k in o.reply[1].as_array().into_iter().flatten() {
                    keys.insert(k.as_str().unwrap_or_default().to_string());
                }
                cursor = o.reply[0].as_str().unwrap_or("0").to_string();
                calls += 1;
                assert!(calls < 100_000, "{ctx}: never finishes");
                if cursor == "0" {
                    break;
                }
            }
            assert_eq!(json!(keys), exp["keys"], "{ctx}: keys");
        } else if action.get("check").is_some() {
            let ctx = format!("{name} #{i} check (seed {seed})");
            check_state(&ctx, &s.state(), exp);
        } else {
            panic!("{name} #{i}: unknown action {action}");
        }
        checked += exp.as_object().map_or(0, |o| o.len());
    }
    checked
}

fn scenarios() -> (Value, Vec<Value>) {
    let mut meta = Value::Null;
    let mut out = Vec::new();
    for line in VECTORS.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => panic!("bad vector line: {e}"),
        };
        if v.get("meta").is_some() {
            meta = v["meta"].clone();
        } else {
            out.push(v);
        }
    }
    (meta, out)
}

#[test]
fn vectors_come_from_redis_7_0() {
    let (meta, scenarios) = scenarios();
    let server = meta["server"].as_str().unwrap_or("");
    assert!(server.contains("v=7.0."), "recorded from {server}");
    let families: BTreeSet<&str> = scenarios
        .iter()
        .filter_map(|s| s["family"].as_str())
        .collect();
    for f in [
        "growth", "steps", "bgsave", "shrink", "scan", "errors", "reload",
    ] {
        assert!(families.contains(f), "no {f} family");
    }
}

#[test]
fn golden_vectors_replay() {
    let (_, scenarios) = scenarios();
    let mut facts = 0;
    for seed in [0, 1, 2, 3] {
        for sc in &scenarios {
            facts += replay(sc, seed);
        }
    }
    assert!(facts > 1000, "only {facts} facts checked");
}
