//! The upstream view rebuilt from the recorded steps equals the view of the
//! engine, after every command of every preset and of random sessions.

use proptest::prelude::*;
use tuitor::sim::nginx_upstream::{
    UpstreamConfig, UpstreamEvent, UpstreamSession, UpstreamView, PRESETS,
};
use tuitor::sim::Session;

fn replay(view: &mut UpstreamView, steps: &[tuitor::sim::Step]) {
    for st in steps {
        let e: UpstreamEvent = serde_json::from_value(st.event.clone()).expect("event json");
        view.apply(&e);
        assert!(!st.zh.is_empty() && !st.en.is_empty() && !st.kind.is_empty());
        assert!(st.loc.file.contains("nginx_upstream"), "{:?}", st.loc);
    }
}

fn config(text: Option<&str>) -> UpstreamConfig {
    text.map(|t| serde_yaml::from_str(t).expect("preset yaml"))
        .unwrap_or_default()
}

#[test]
fn every_preset_replays() {
    for p in PRESETS {
        let mut s = UpstreamSession::new(&config(p.config), 42).expect(p.name);
        let mut view = UpstreamView::default();
        for line in p.script.lines() {
            let out = s
                .run(line)
                .unwrap_or_else(|e| panic!("{}: {line}: {e}", p.name));
            replay(&mut view, &out.steps);
            assert_eq!(view, s.view(), "{}: after {line}", p.name);
            s.upstream().check_invariants();
        }
    }
}

#[test]
fn preset_names_are_the_ones_the_notes_use() {
    let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
    for n in [
        "swrr-5-1-1",
        "backup-takes-over",
        "ip-hash-sticky",
        "consistent-hash-remove-a-node",
        "least-conn-held",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    let mut s = UpstreamSession::new(&config(PRESETS[0].config), 0).expect("default");
    let out = s.run("reqs 7").expect("reqs");
    let picks: Vec<&str> = out
        .reply
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["server"].as_str().expect("server"))
        .collect();
    assert_eq!(picks.join(" "), "a a b a c a a");
}

const METHODS: &[&str] = &[
    "round_robin",
    "ip_hash",
    "hash",
    "hash_consistent",
    "least_conn",
    "random",
    "random_two_least_conn",
    "fair",
];

fn arb_config() -> impl Strategy<Value = String> {
    (
        0..METHODS.len(),
        prop::collection::vec((1u32..6, 0u32..3, 1u64..4, prop::bool::weighted(0.15), prop::bool::weighted(0.2)), 1..5),
    )
        .prop_map(|(m, servers)| {
            let method = METHODS[m];
            let backup_ok = matches!(method, "round_robin" | "least_conn" | "fair");
            let mut y = format!("method: {method}\nservers:\n");
            for (i, (w, mf, ft, down, backup)) in servers.iter().enumerate() {
                let backup = *backup && backup_ok && i > 0;
                y.push_str(&format!(
                    "  - {{name: s{i}, weight: {w}, max_fails: {mf}, fail_timeout: {ft}, down: {down}, backup: {backup}, latency_ms: {}}}\n",
                    10 * (i + 1)
                ));
            }
            y
        })
}

fn arb_cmd() -> impl Strategy<Value = String> {
    let name = (0..6usize).prop_map(|i| format!("s{i}"));
    prop_oneof![
        3 => (0..4usize, 0..4usize, any::<bool>()).prop_map(|(i, u, h)| format!(
            "req ip=10.0.{i}.1 uri=/p/{u}{}", if h { " hold" } else { "" })),
        2 => (1u32..6, any::<bool>()).prop_map(|(n, h)| format!("reqs {n}{}", if h { " hold" } else { "" })),
        2 => (1u64..12).prop_map(|i| format!("release {i}")),
        1 => name.clone().prop_map(|n| format!("fail {n}")),
        1 => name.clone().prop_map(|n| format!("heal {n}")),
        1 => name.clone().prop_map(|n| format!("down {n}")),
        1 => name.clone().prop_map(|n| format!("up {n}")),
        1 => (6..9usize, 1u32..4).prop_map(|(i, w)| format!("add s{i}={w}")),
        1 => name.prop_map(|n| format!("remove {n}")),
        1 => (0u64..4).prop_map(|t| format!("tick {t}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    /// Random sessions: the replayed view always equals the engine's view,
    /// invariants hold, and a refused command changes nothing.
    #[test]
    fn random_sessions_replay(cfg in arb_config(), cmds in prop::collection::vec(arb_cmd(), 1..30), seed in any::<u64>()) {
        let c: UpstreamConfig = serde_yaml::from_str(&cfg).expect("yaml");
        let mut s = UpstreamSession::new(&c, seed).expect("config");
        let mut view = UpstreamView::default();
        let mut first = true;
        for cmd in &cmds {
            let before = s.view();
            match s.run(cmd) {
                Ok(out) => {
                    replay(&mut view, &out.steps);
                    first = false;
                    prop_assert_eq!(&view, &s.view(), "after {}", cmd);
                    if let Some(arr) = out.reply.as_array() {
                        for r in arr {
                            prop_assert!(r["status"] == 200 || r["status"] == 502);
                        }
                    }
                }
                Err(_) => {
                    prop_assert_eq!(&before, &s.view(), "refused {} changed the engine", cmd);
                }
            }
            s.upstream().check_invariants();
        }
        let _ = first;
    }
}
