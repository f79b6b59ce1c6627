//! Replays the vectors recorded from a real redis-server 7.0.15
//! (`scripts/golden/redis_zset.sh`) through the same session the CLI uses, and
//! checks every reply. Skiplist heights are random in Redis and seeded here, so
//! only replies are compared, under several seeds.

use std::collections::BTreeMap;

use serde_json::Value;
use tuitor::sim::find;
use tuitor::sim::redis_cli::split_args;

const VECTORS: &str = include_str!("golden/redis_zset.jsonl");

fn hex(b: &[u8]) -> String {
    b.iter().map(|c| format!("{c:02x}")).collect()
}

fn rows() -> Vec<Value> {
    VECTORS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("vector line is JSON"))
        .collect()
}

#[test]
fn splitting_matches_the_recorded_arguments_and_redis_cli() {
    let mut n = 0;
    for r in rows() {
        let line = r["cmd"].as_str().unwrap();
        let args: Vec<String> = split_args(line).unwrap().iter().map(|a| hex(a)).collect();
        let want: Vec<String> = serde_json::from_value(r["args"].clone()).unwrap();
        assert_eq!(args, want, "{line}");
        if let Some(cli) = r.get("cli_member") {
            assert_eq!(
                cli[0].as_str().unwrap(),
                args[3],
                "redis-cli split {line} differently"
            );
            n += 1;
        }
    }
    assert!(n >= 5, "cli-splitting vectors present");
}

#[test]
fn replies_match_redis_7_0() {
    let info = find("redis-zset").unwrap();
    let mut families: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for r in rows() {
        if r.get("reply").is_some() {
            families
                .entry(r["family"].as_str().unwrap().to_string())
                .or_default()
                .push(r);
        }
    }
    assert!(families.len() >= 10);
    let mut checked = 0;
    let mut failures = Vec::new();
    for seed in [1, 2, 0xdead_beef] {
        for (fam, rows) in &families {
            let mut s = (info.factory)(None, seed).unwrap();
            for r in rows {
                let line = r["cmd"].as_str().unwrap();
                match s.run(line) {
                    Ok(out) if out.reply == r["reply"] => checked += 1,
                    Ok(out) => failures.push(format!(
                        "[{fam}] {line}\n   redis: {}\n   ours:  {}",
                        r["reply"], out.reply
                    )),
                    Err(e) => failures.push(format!(
                        "[{fam}] {line}\n   redis: {}\n   refused: {e}",
                        r["reply"]
                    )),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 300);
}
