//! Trace replay: the view rebuilt from the recorded events alone must equal the
//! view of the real dict after every command, for every preset and for random
//! command sequences.

use proptest::prelude::*;
use tuitor::sim::redis_dict::{factory, DictConfig, DictEvent, DictSession, DictView, PRESETS};
use tuitor::sim::Session;

/// Run `lines`, replaying each command's steps into a view and comparing it with
/// the dict's own view after the command. Bad commands must change nothing.
fn replay(session: &mut DictSession, lines: &[String]) {
    let mut view = DictView::of(&session.server.db);
    for line in lines {
        let before_state = session.state();
        let before_view = session.view();
        match session.run(line) {
            Ok(outcome) => {
                for step in &outcome.steps {
                    let ev: DictEvent = match serde_json::from_value(step.event.clone()) {
                        Ok(ev) => ev,
                        Err(e) => panic!("{line}: step {} does not parse back: {e}", step.kind),
                    };
                    view.apply(&ev);
                    assert!(
                        step.loc.file.starts_with("src/sim/redis_dict/"),
                        "{}",
                        step.loc.file
                    );
                    assert!(!step.zh.is_empty() && !step.en.is_empty());
                }
                assert_eq!(view, session.view(), "after `{line}`");
                assert_eq!(outcome.state, session.state());
                if let Err(e) = session.server.db.check_invariants() {
                    panic!("after `{line}`: {e}");
                }
            }
            Err(_) => {
                assert_eq!(
                    session.state(),
                    before_state,
                    "`{line}` failed but changed state"
                );
                assert_eq!(
                    session.view(),
                    before_view,
                    "`{line}` failed but changed the dict"
                );
            }
        }
    }
}

fn config_of(text: Option<&str>) -> DictConfig {
    match text {
        Some(t) => serde_yaml::from_str(t).unwrap_or_default(),
        None => DictConfig::default(),
    }
}

#[test]
fn every_preset_replays() {
    for p in PRESETS {
        for seed in [0, 1, 42] {
            assert!(factory(p.config, seed).is_ok());
            let mut s = DictSession::new(config_of(p.config), seed);
            let lines: Vec<String> = p.script.lines().map(str::to_string).collect();
            replay(&mut s, &lines);
        }
    }
}

#[test]
fn presets_show_what_they_promise() {
    let run = |name: &str| {
        let p = PRESETS
            .iter()
            .find(|p| p.name == name)
            .map(|p| (p.config, p.script));
        let Some((config, script)) = p else {
            panic!("no preset {name}")
        };
        let mut s = DictSession::new(config_of(config), 0);
        let mut kinds = Vec::new();
        for line in script.lines() {
            match s.run(line) {
                Ok(o) => kinds.extend(o.steps.into_iter().map(|st| st.kind)),
                Err(e) => panic!("{name}: {line}: {e}"),
            }
        }
        kinds
    };
    let grow = run("grow-from-4");
    assert!(grow.iter().any(|k| k == "rehash.start"));
    assert!(grow.iter().any(|k| k == "rehash.done"));
    let shrink = run("shrink-after-deletes");
    assert!(shrink.iter().any(|k| k == "rehash.start"));
    let bg = run("rehash-during-bgsave");
    assert!(bg.iter().any(|k| k == "rehash.frozen"));
    let forced = run("forced-grow-during-bgsave");
    assert!(forced.iter().any(|k| k == "rehash.deferred"));
    let scan = run("scan-during-rehash");
    assert!(scan.iter().any(|k| k == "scan.bucket"));
}

fn command() -> impl Strategy<Value = String> {
    let key = (0u8..30).prop_map(|k| format!("k{k}"));
    prop_oneof![
        6 => (key.clone(), 0u8..5).prop_map(|(k, v)| format!("set {k} v{v}")),
        3 => key.clone().prop_map(|k| format!("get {k}")),
        3 => prop::collection::vec(key.clone(), 1..4).prop_map(|ks| format!("del {}", ks.join(" "))),
        1 => key.prop_map(|k| format!("exists {k}")),
        1 => (1u8..5).prop_map(|n| format!("step {n}")),
        1 => (1u8..3).prop_map(|n| format!("cron {n}")),
        1 => Just("bgsave".to_string()),
        1 => Just("bgsave-done".to_string()),
        1 => prop_oneof![Just("config activerehashing no"), Just("config activerehashing yes")].prop_map(str::to_string),
        1 => (0u64..64, 1u8..6).prop_map(|(c, n)| format!("scan {c} count {n}")),
        1 => (0u64..5).prop_map(|s| format!("reseed {s}")),
        1 => (1u16..80).prop_map(|n| format!("fill {n}")),
        1 => prop_oneof![Just("step 0"), Just("frob"), Just("get"), Just("scan x"), Just("set \"a")].prop_map(str::to_string),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn random_sessions_replay(seed in any::<u64>(), lines in prop::collection::vec(command(), 1..80)) {
        let mut s = DictSession::new(DictConfig::default(), seed);
        replay(&mut s, &lines);
    }
}
