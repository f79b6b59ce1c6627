//! Replays vectors recorded from a real Django 5.1 (scripts/golden/django.py)
//! through the same `Session` code path the CLI uses.

use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("golden file is checked in");
    serde_json::from_str(&text).expect("golden file is JSON")
}

fn session(sim: &str, config: &Value) -> Box<dyn tuitor::sim::Session> {
    let info = tuitor::sim::find(sim).expect("registered");
    (info.factory)(config.as_str(), 0).expect("config accepted")
}

#[test]
fn lifecycle_matches_django() {
    let g = load("django_lifecycle.json");
    let mut failures = Vec::new();
    let mut checked = 0;
    for sc in g["scenarios"].as_array().expect("scenarios") {
        let name = sc["name"].as_str().unwrap_or("?");
        let mut s = session("django", &sc["config"]);
        for (i, c) in sc["commands"]
            .as_array()
            .expect("commands")
            .iter()
            .enumerate()
        {
            let cmd = c["cmd"].as_str().expect("cmd");
            let out = match s.run(cmd) {
                Ok(o) => o,
                Err(e) => {
                    failures.push(format!("{name}: {cmd}: refused: {e}"));
                    continue;
                }
            };
            if i == 0 {
                let init: Vec<String> = out
                    .steps
                    .iter()
                    .filter(|st| st.kind == "mw.init")
                    .map(|st| format!("{}.__init__", st.event["name"].as_str().unwrap_or_default()))
                    .collect();
                let want: Vec<String> = sc["init"]
                    .as_array()
                    .expect("init")
                    .iter()
                    .map(|v| v.as_str().unwrap_or_default().to_string())
                    .collect();
                if init != want {
                    failures.push(format!("{name}: init order {init:?} != {want:?}"));
                }
            }
            let r = &out.reply;
            for key in ["status", "events", "query_count", "sql"] {
                if r[key] != c[key] {
                    failures.push(format!(
                        "{name}: {cmd}: {key}\n  ours:   {}\n  django: {}",
                        r[key], c[key]
                    ));
                }
            }
            let ours_rm = &r["resolver_match"];
            let want_rm = &c["resolver_match"];
            if ours_rm != want_rm {
                failures.push(format!(
                    "{name}: {cmd}: resolver_match\n  ours:   {ours_rm}\n  django: {want_rm}"
                ));
            }
            if !c["headers"].is_null() && r["headers"] != c["headers"] {
                failures.push(format!(
                    "{name}: {cmd}: headers\n  ours:   {}\n  django: {}",
                    r["headers"], c["headers"]
                ));
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} requests checked");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn orm_matches_django() {
    let g = load("django_orm.json");
    let mut failures = Vec::new();
    let mut checked = 0;
    for sc in g["scenarios"].as_array().expect("scenarios") {
        let name = sc["name"].as_str().unwrap_or("?");
        let mut s = session("django-orm", &sc["config"]);
        for c in sc["commands"].as_array().expect("commands") {
            let cmd = c["cmd"].as_str().expect("cmd");
            let out = match s.run(cmd) {
                Ok(o) => o,
                Err(e) => {
                    failures.push(format!("{name}: {cmd}: refused: {e}"));
                    continue;
                }
            };
            let r = &out.reply;
            let mut keys = vec!["queries", "sql"];
            if !cmd.starts_with("let ") {
                keys.push("result");
            }
            for key in keys {
                if r[key] != c[key] {
                    failures.push(format!(
                        "{name}: {cmd}: {key}\n  ours:   {}\n  django: {}",
                        r[key], c[key]
                    ));
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} commands checked");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
