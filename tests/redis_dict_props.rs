//! Property tests for the Redis dict: the dict against `std::collections::HashMap`
//! over random operation sequences, with every invariant checked after each step.

use std::collections::{BTreeSet, HashMap};

use proptest::prelude::*;
use tuitor::sim::redis_dict::{Dict, ResizePolicy, Server};
use tuitor::sim::trace::NoTrace;

#[derive(Clone, Debug)]
enum Op {
    Insert(u16, u32),
    Add(u16, u32),
    Get(u16),
    Remove(u16),
    Rehash(usize),
    Shrink,
    Policy(u8),
    FullScan,
}

fn op(keys: u16) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..keys, any::<u32>()).prop_map(|(k, v)| Op::Insert(k, v)),
        1 => (0..keys, any::<u32>()).prop_map(|(k, v)| Op::Add(k, v)),
        3 => (0..keys).prop_map(Op::Get),
        3 => (0..keys).prop_map(Op::Remove),
        1 => (1usize..20).prop_map(Op::Rehash),
        1 => Just(Op::Shrink),
        1 => (0u8..3).prop_map(Op::Policy),
        1 => Just(Op::FullScan),
    ]
}

fn key(k: u16) -> String {
    format!("key:{k}")
}

fn check(d: &Dict<String, u32>, model: &HashMap<String, u32>) {
    if let Err(e) = d.check_invariants() {
        panic!("invariant broken: {e}");
    }
    assert_eq!(d.len(), model.len());
    for t in 0..2 {
        let s = d.table_size(t);
        assert!(s == 0 || s.is_power_of_two());
    }
    for (k, v) in model {
        assert_eq!(d.peek(k.as_str()), Some(v));
    }
}

fn run_ops(seed: u64, ops: Vec<Op>) {
    let mut d: Dict<String, u32> = Dict::with_seed(seed);
    let mut model: HashMap<String, u32> = HashMap::new();
    for op in ops {
        match op {
            Op::Insert(k, v) => assert_eq!(d.insert(key(k), v), model.insert(key(k), v)),
            Op::Add(k, v) => {
                let had = model.contains_key(&key(k));
                assert_eq!(d.add(key(k), v).is_err(), had);
                model.entry(key(k)).or_insert(v);
            }
            Op::Get(k) => assert_eq!(d.get(key(k).as_str()).copied(), model.get(&key(k)).copied()),
            Op::Remove(k) => assert_eq!(d.remove(key(k).as_str()), model.remove(&key(k))),
            Op::Rehash(n) => {
                d.rehash(n);
            }
            Op::Shrink => {
                if d.needs_shrink() {
                    d.shrink();
                }
            }
            Op::Policy(p) => d.set_policy(match p {
                0 => ResizePolicy::Enable,
                1 => ResizePolicy::Avoid,
                _ => ResizePolicy::Forbid,
            }),
            Op::FullScan => {
                let mut seen = BTreeSet::new();
                let mut cursor = 0;
                let mut calls = 0;
                loop {
                    cursor = d.scan(cursor, |k, _| {
                        seen.insert(k.clone());
                    });
                    calls += 1;
                    assert!(calls <= 1 << 20, "scan does not terminate");
                    if cursor == 0 {
                        break;
                    }
                }
                let want: BTreeSet<String> = model.keys().cloned().collect();
                assert_eq!(seen, want);
            }
        }
        check(&d, &model);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Few distinct keys: lots of overwrites, deletes and shrinks.
    #[test]
    fn dict_matches_hashmap_small(seed in any::<u64>(), ops in prop::collection::vec(op(24), 1..300)) {
        run_ops(seed, ops);
    }

    /// Many distinct keys: growth through several sizes.
    #[test]
    fn dict_matches_hashmap_growing(seed in any::<u64>(), ops in prop::collection::vec(op(400), 1..600)) {
        run_ops(seed, ops);
    }

    /// A full SCAN returns every key that was present the whole time, even when
    /// rehash steps happen between the calls.
    #[test]
    fn scan_survives_rehash_between_calls(seed in any::<u64>(), n in 1usize..200, count in 1usize..12, steps in 0usize..4) {
        let mut srv = Server::new(seed, NoTrace);
        for i in 0..n {
            srv.set(format!("k{i}").as_bytes(), b"v");
        }
        let mut seen = BTreeSet::new();
        let mut cursor = 0;
        loop {
            let (next, keys) = srv.scan(cursor, count);
            seen.extend(keys);
            for _ in 0..steps {
                srv.get(b"k0");
            }
            cursor = next;
            if cursor == 0 {
                break;
            }
        }
        prop_assert_eq!(seen.len(), n);
    }

    /// A rehash started by the 1:1 rule takes exactly as many single steps as
    /// `ht[0]` has non-empty buckets, unless a step meets 10 empty buckets.
    #[test]
    fn rehash_steps_equal_nonempty_buckets(seed in any::<u64>(), exp in 2u32..10) {
        let size = 1usize << exp;
        let mut srv = Server::new(seed, NoTrace);
        for i in 0..size {
            srv.set(format!("k{i}").as_bytes(), b"v");
        }
        while srv.db.is_rehashing() {
            srv.db.rehash(1);
        }
        prop_assert_eq!(srv.db.table_size(0), size);
        let nonempty = srv.db.nonempty_buckets(0);
        // Largest run of empty buckets decides whether a step may give up.
        let chains = srv.db.chains(0);
        let mut run = 0;
        let mut longest = 0;
        for c in &chains {
            if c.is_empty() { run += 1; longest = longest.max(run); } else { run = 0; }
        }
        srv.set(b"trigger", b"v");
        // The trigger's own step may already finish a tiny rehash (one bucket).
        if srv.db.is_rehashing() {
            prop_assert_eq!(srv.db.table_size(1), size * 2);
        } else {
            prop_assert_eq!(nonempty, 1);
        }
        let mut gets = 0;
        while srv.db.is_rehashing() {
            srv.get(b"k0");
            gets += 1;
        }
        prop_assert_eq!(srv.db.table_size(0), size * 2);
        // The trigger SET already did one step (its removeExpire lookup).
        if longest < 10 {
            prop_assert_eq!(gets + 1, nonempty);
        } else {
            prop_assert!(gets + 1 >= nonempty);
        }
    }
}
