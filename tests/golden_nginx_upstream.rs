//! Replays the vectors recorded from a real nginx 1.22.1
//! (`scripts/golden/nginx_upstream.py`) through the same session code the
//! `tuitor sim nginx-upstream` command uses, and compares every request.

use serde_json::Value;
use std::collections::BTreeSet;

const VECTORS: &str = include_str!("golden/nginx_upstream.jsonl");

/// The facts nginx can be compared on: who answered, who was tried, status.
fn facts(r: &Value) -> Value {
    serde_json::json!({"server": r["server"], "tried": r["tried"], "status": r["status"]})
}

fn flat(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    }
}

#[test]
fn replays_real_nginx_vectors() {
    let info = tuitor::sim::find("lb").expect("nginx-upstream registered");
    let mut scenarios = 0;
    let mut requests = 0;
    let mut failures = Vec::new();
    for line in VECTORS.lines().filter(|l| !l.trim().is_empty()) {
        let rec: Value = serde_json::from_str(line).expect("vector json");
        let name = rec["name"].as_str().expect("name");
        let config = rec["config"].as_str().expect("config");
        let random = rec["random"].as_bool().unwrap_or(false);
        let mut s = (info.factory)(Some(config), 1).expect(name);
        let cmds = rec["commands"].as_array().expect("commands");
        let replies = rec["replies"].as_array().expect("replies");
        assert_eq!(cmds.len(), replies.len(), "{name}");
        let mut real_served = BTreeSet::new();
        let mut sim_served = BTreeSet::new();
        for (cmd, want) in cmds.iter().zip(replies) {
            let cmd = cmd.as_str().expect("cmd");
            let out = s.run(cmd).unwrap_or_else(|e| panic!("{name}: {cmd}: {e}"));
            if want.is_null() {
                continue;
            }
            let (got, want) = (flat(&out.reply), flat(want));
            assert_eq!(got.len(), want.len(), "{name}: {cmd}");
            for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                requests += 1;
                if random {
                    // random numbers differ; what must agree is the status and
                    // that no ineligible peer answers
                    if g["status"] != w["status"] {
                        failures.push(format!(
                            "{name}: {cmd} #{k}: status {} vs nginx {}",
                            g["status"], w["status"]
                        ));
                    }
                    real_served.insert(w["server"].to_string());
                    sim_served.insert(g["server"].to_string());
                } else if facts(g) != facts(w) {
                    failures.push(format!(
                        "{name}: {cmd} #{k}: got {} want {}",
                        facts(g),
                        facts(w)
                    ));
                }
            }
        }
        if random && !sim_served.is_subset(&real_served) {
            failures.push(format!(
                "{name}: served {sim_served:?}, nginx only {real_served:?}"
            ));
        }
        scenarios += 1;
    }
    assert!(scenarios >= 30, "only {scenarios} scenarios");
    assert!(
        failures.is_empty(),
        "{} mismatches of {requests} requests:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
