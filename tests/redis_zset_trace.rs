//! Trace replay: the view rebuilt from the recorded events alone (as the UI
//! receives them, JSON in each `Step`) must equal the view of the real
//! structures after every command, over every preset and random command lines.

use proptest::prelude::*;
use tuitor::sim::redis_zset::{KeyedEvent, ZsetSession, ZsetView, PRESETS};
use tuitor::sim::Session;

fn replay(s: &mut ZsetSession, view: &mut ZsetView, line: &str) -> Result<(), String> {
    let before = s.view();
    match s.run(line) {
        Ok(out) => {
            for st in &out.steps {
                let ev: KeyedEvent = serde_json::from_value(st.event.clone())
                    .map_err(|e| format!("{line}: event does not parse back: {e}: {}", st.event))?;
                view.apply(&ev);
                if st.zh.is_empty() || st.en.is_empty() || st.kind.is_empty() {
                    return Err(format!("{line}: step without narration"));
                }
                if !st.loc.file.contains("redis_zset") {
                    return Err(format!("{line}: event from {}", st.loc.file));
                }
            }
            if out.state != s.state() {
                return Err(format!("{line}: outcome state differs from state()"));
            }
        }
        Err(_) => {
            if s.view() != before {
                return Err(format!("{line}: a refused command changed the structure"));
            }
        }
    }
    s.check_invariants().map_err(|e| format!("{line}: {e}"))?;
    let real = s.view();
    if view.keys != real.keys {
        return Err(format!(
            "{line}: rebuilt view differs\nrebuilt {}\nreal    {}",
            serde_json::to_string(&view.keys).unwrap(),
            serde_json::to_string(&real.keys).unwrap()
        ));
    }
    Ok(())
}

#[test]
fn every_preset_replays() {
    for seed in [0, 1, 99] {
        for p in PRESETS {
            let mut s = ZsetSession::new(seed);
            let mut v = ZsetView::default();
            for line in p.script.lines() {
                replay(&mut s, &mut v, line).unwrap_or_else(|e| panic!("{}: {e}", p.name));
            }
        }
    }
}

#[test]
fn search_path_is_lit_level_by_level() {
    let mut s = ZsetSession::new(5);
    let mut v = ZsetView::default();
    for line in PRESETS[0].script.lines().take(3) {
        replay(&mut s, &mut v, line).unwrap();
    }
    let path = v.path.expect("search leaves a path");
    assert_eq!(path.found, Some((Some("g".into()), 7)));
    let levels: Vec<usize> = path.steps.iter().map(|p| p.level).collect();
    assert_eq!(levels, vec![4, 4, 3, 2, 1]);
    assert_eq!(path.steps.last().map(|p| p.rank), Some(6));
    let rows = v.keys["zs"].rows();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0], vec![(None, 6), (Some(5), 2)]);
}

fn member() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a",
        "b",
        "c",
        "B",
        "\"\"",
        "\"a\\x00b\"",
        "10",
        "9",
        "'x y'",
        "m",
    ])
}
fn score() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "1", "2", "2", "-1.5", "0", "-0", "+inf", "-inf", "0x10", "1e308", "abc", "3.5",
    ])
}
fn bound() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "1", "(1", "2", "(2", "-inf", "+inf", "(+inf", "x", "0", "(3.5",
    ])
}
fn key() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["zs", "zs", "other"])
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (key(), prop::sample::select(vec!["", "NX ", "XX ", "CH ", "GT ", "LT ", "INCR ", "XX GT CH ", "NX INCR "]),
              proptest::collection::vec((score(), member()), 1..4))
            .prop_map(|(k, o, v)| format!("ZADD {k} {o}{}", v.iter().map(|(s, m)| format!("{s} {m}")).collect::<Vec<_>>().join(" "))),
        2 => (key(), proptest::collection::vec(member(), 1..4)).prop_map(|(k, v)| format!("ZREM {k} {}", v.join(" "))),
        1 => (key(), score(), member()).prop_map(|(k, s, m)| format!("ZINCRBY {k} {s} {m}")),
        1 => (key(), member()).prop_map(|(k, m)| format!("ZRANK {k} {m}")),
        1 => (key(), -5i32..5, -5i32..5).prop_map(|(k, a, b)| format!("ZREVRANGE {k} {a} {b} WITHSCORES")),
        1 => (key(), bound(), bound(), -1i32..3).prop_map(|(k, a, b, o)| format!("ZRANGEBYSCORE {k} {a} {b} LIMIT {o} 2")),
        1 => (key(), bound(), bound()).prop_map(|(k, a, b)| format!("ZCOUNT {k} {a} {b}")),
        1 => (key(), bound()).prop_map(|(k, a)| format!("search {k} {a}")),
        1 => proptest::collection::vec(1usize..6, 1..4).prop_map(|v| format!("levels {}", v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" "))),
        1 => key().prop_map(|k| format!("DEL {k}")),
        1 => Just("CONFIG SET zset-max-listpack-entries 3".to_string()),
        1 => Just("ZADD zs \"unterminated".to_string()),
        1 => Just("FLUSHALL".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]
    #[test]
    fn random_commands_replay(seed in any::<u64>(), lines in proptest::collection::vec(line(), 1..60)) {
        let mut s = ZsetSession::new(seed);
        let mut v = ZsetView::default();
        for l in &lines {
            if let Err(e) = replay(&mut s, &mut v, l) {
                prop_assert!(false, "{}", e);
            }
        }
    }
}

#[test]
fn refused_lines_change_nothing() {
    let mut s = ZsetSession::new(1);
    s.run("ZADD zs 1 a").unwrap();
    for bad in [
        "",
        "ZADD zs 1 \"a",
        "ZADD zs 1 \"a\"b",
        "nosuch x",
        "levels 0",
        "levels 33",
        "search zs",
        "search zs x",
        "CONFIG SET maxmemory 1",
        "OBJECT FREQ zs",
    ] {
        let before = s.view();
        assert!(s.run(bad).is_err(), "{bad:?} should be refused");
        assert_eq!(s.view(), before);
    }
}
