//! Model-based property tests: the sorted set and the bare skiplist against a
//! plain sorted `Vec` model, with every invariant checked after every step; plus
//! the worked example of the spec (fixed heights, exact spans and search path).

use proptest::prelude::*;
use tuitor::sim::redis_zset::{AddFlags, AddOutcome, ScoreRange, SkipList, SortedSet};

const SCORES: &[f64] = &[
    f64::NEG_INFINITY,
    -2.5,
    -0.0,
    0.0,
    1.0,
    1.0,
    2.0,
    3.5,
    1e300,
    f64::INFINITY,
];
const MEMBERS: &[&[u8]] = &[
    b"", b"a", b"B", b"a\x00b", b"a b", b"10", b"9", b"\xff", b"zz", b"m",
];

/// The model: members in Redis order.
#[derive(Default, Clone)]
struct Model(Vec<(f64, Vec<u8>)>);

impl Model {
    fn sort(&mut self) {
        self.0
            .sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap().then_with(|| a.1.cmp(&b.1)));
    }
    fn get(&self, m: &[u8]) -> Option<f64> {
        self.0.iter().find(|e| e.1 == m).map(|e| e.0)
    }
    fn set(&mut self, m: &[u8], s: f64) {
        self.0.retain(|e| e.1 != m);
        self.0.push((s, m.to_vec()));
        self.sort();
    }
    fn add(&mut self, s: f64, m: &[u8], f: AddFlags) -> Result<(AddOutcome, f64), ()> {
        match self.get(m) {
            Some(cur) => {
                if f.nx {
                    return Ok((AddOutcome::Nop, cur));
                }
                let new = if f.incr { s + cur } else { s };
                if new.is_nan() {
                    return Err(());
                }
                if (f.lt && new >= cur) || (f.gt && new <= cur) {
                    return Ok((AddOutcome::Nop, cur));
                }
                if new != cur {
                    self.set(m, new);
                    Ok((AddOutcome::Updated, new))
                } else {
                    Ok((AddOutcome::Unchanged, new))
                }
            }
            None if !f.xx => {
                self.set(m, s);
                Ok((AddOutcome::Added, s))
            }
            None => Ok((AddOutcome::Nop, s)),
        }
    }
    fn in_range(r: &ScoreRange, s: f64) -> bool {
        r.gte_min(s) && r.lte_max(s)
    }
    fn by_score(&self, r: &ScoreRange, off: i64, lim: i64, rev: bool) -> Vec<(Vec<u8>, f64)> {
        if off < 0 {
            return vec![];
        }
        let mut v: Vec<_> = self
            .0
            .iter()
            .filter(|e| Self::in_range(r, e.0))
            .map(|e| (e.1.clone(), e.0))
            .collect();
        if rev {
            v.reverse();
        }
        let v = v.into_iter().skip(off as usize);
        if lim < 0 {
            v.collect()
        } else {
            v.take(lim as usize).collect()
        }
    }
    fn by_rank(&self, start: i64, stop: i64, rev: bool) -> Vec<(Vec<u8>, f64)> {
        let len = self.0.len() as i64;
        let mut s = if start < 0 { len + start } else { start };
        let mut e = if stop < 0 { len + stop } else { stop };
        s = s.max(0);
        if s > e || s >= len {
            return vec![];
        }
        e = e.min(len - 1);
        let mut v: Vec<_> = self.0.iter().map(|e| (e.1.clone(), e.0)).collect();
        if rev {
            v.reverse();
        }
        v[s as usize..=e as usize].to_vec()
    }
}

#[derive(Debug, Clone)]
enum Op {
    Add(usize, usize, u8),
    Rem(usize),
    Rank(usize, bool),
    ByRank(i64, i64, bool),
    ByScore(usize, bool, usize, bool, i64, i64, bool),
    Count(usize, bool, usize, bool),
    Search(usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    let s = 0..SCORES.len();
    let m = 0..MEMBERS.len();
    prop_oneof![
        4 => (s.clone(), m.clone(), any::<u8>()).prop_map(|(a, b, c)| Op::Add(a, b, c)),
        2 => m.clone().prop_map(Op::Rem),
        1 => (m, any::<bool>()).prop_map(|(a, b)| Op::Rank(a, b)),
        1 => (-12i64..12, -12i64..12, any::<bool>()).prop_map(|(a, b, c)| Op::ByRank(a, b, c)),
        1 => (s.clone(), any::<bool>(), s.clone(), any::<bool>(), -2i64..6, -2i64..6, any::<bool>())
            .prop_map(|(a, b, c, d, e, f, g)| Op::ByScore(a, b, c, d, e, f, g)),
        1 => (s.clone(), any::<bool>(), s.clone(), any::<bool>()).prop_map(|(a, b, c, d)| Op::Count(a, b, c, d)),
        1 => (s, any::<bool>()).prop_map(|(a, b)| Op::Search(a, b)),
    ]
}

fn flags(bits: u8) -> AddFlags {
    let mut f = AddFlags {
        nx: bits & 1 != 0,
        xx: bits & 2 != 0,
        gt: bits & 4 != 0,
        lt: bits & 8 != 0,
        incr: bits & 16 != 0,
    };
    // Combinations ZADD rejects before touching the set.
    if f.nx && (f.xx || f.gt || f.lt) {
        f.nx = false;
    }
    if f.gt && f.lt {
        f.lt = false;
    }
    f
}

fn range(a: usize, ax: bool, b: usize, bx: bool) -> ScoreRange {
    ScoreRange {
        min: SCORES[a],
        minex: ax,
        max: SCORES[b],
        maxex: bx,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn sorted_set_matches_model(seed in any::<u64>(), ops in proptest::collection::vec(op(), 1..120)) {
        let mut z = SortedSet::new(seed);
        let mut m = Model::default();
        for o in ops {
            match o {
                Op::Add(s, k, bits) => {
                    let f = flags(bits);
                    let got = z.add(SCORES[s], MEMBERS[k], f).map_err(|_| ());
                    let want = m.add(SCORES[s], MEMBERS[k], f);
                    prop_assert_eq!(got, want);
                }
                Op::Rem(k) => {
                    let want = m.get(MEMBERS[k]).is_some();
                    m.0.retain(|e| e.1 != MEMBERS[k]);
                    prop_assert_eq!(z.remove(MEMBERS[k]), want);
                }
                Op::Rank(k, rev) => {
                    let pos = m.0.iter().position(|e| e.1 == MEMBERS[k]).map(|p| p as u64);
                    let want = pos.map(|p| if rev { m.0.len() as u64 - 1 - p } else { p });
                    prop_assert_eq!(z.rank(MEMBERS[k], rev), want);
                }
                Op::ByRank(a, b, rev) => prop_assert_eq!(z.range_by_rank(a, b, rev), m.by_rank(a, b, rev)),
                Op::ByScore(a, ax, b, bx, off, lim, rev) => {
                    let r = range(a, ax, b, bx);
                    prop_assert_eq!(z.range_by_score(&r, off, lim, rev), m.by_score(&r, off, lim, rev));
                }
                Op::Count(a, ax, b, bx) => {
                    let r = range(a, ax, b, bx);
                    prop_assert_eq!(z.count(&r), m.by_score(&r, 0, -1, false).len() as u64);
                }
                Op::Search(t, ex) => {
                    let target = SCORES[t];
                    let p = z.search(target, ex);
                    let want = m.0.iter().position(|e| if ex { e.0 > target } else { e.0 >= target });
                    prop_assert_eq!(p.found.as_ref().map(|f| f.2 - 1), want.map(|w| w as u64));
                    prop_assert_eq!(p.levels.len(), z.skiplist().level());
                }
            }
            prop_assert_eq!(z.len(), m.0.len() as u64);
            if let Err(e) = z.check_invariants() {
                prop_assert!(false, "{}", e);
            }
        }
    }

    #[test]
    fn skiplist_matches_btree(seed in any::<u64>(), keys in proptest::collection::vec((0u16..60, any::<bool>()), 1..200)) {
        let mut sl = SkipList::new(seed);
        let mut model = std::collections::BTreeSet::new();
        for (k, ins) in keys {
            let score = (k / 4) as f64;
            let member = format!("m{k}").into_bytes();
            if ins {
                if model.insert((k / 4, member.clone())) {
                    let r = sl.insert(score, &member);
                    let want = model.iter().position(|e| e == &(k / 4, member.clone())).unwrap() as u64 + 1;
                    prop_assert_eq!(r, want);
                }
            } else {
                let had = model.remove(&(k / 4, member.clone()));
                prop_assert_eq!(sl.delete(score, &member), had);
            }
            if let Err(e) = sl.check_invariants() {
                prop_assert!(false, "{}", e);
            }
            prop_assert!(sl.level() <= 32);
            for (i, (s, mb)) in model.iter().enumerate() {
                prop_assert_eq!(sl.rank(*s as f64, mb), Some(i as u64 + 1));
                let n = sl.by_rank(i as u64 + 1).unwrap();
                prop_assert_eq!(sl.member(n), &mb[..]);
            }
            prop_assert!(sl.by_rank(model.len() as u64 + 1).is_none());
        }
    }
}

/// Spans of a list, as rows top level first: `(member or "HDR", span)`.
fn rows(sl: &SkipList) -> Vec<Vec<(String, u64)>> {
    (0..sl.level())
        .rev()
        .map(|i| {
            let mut row = vec![("HDR".to_string(), sl.header_span(i))];
            let mut cur = sl.first();
            while let Some(n) = cur {
                if sl.height(n) > i {
                    row.push((
                        String::from_utf8_lossy(sl.member(n)).into_owned(),
                        sl.span(n, i),
                    ));
                }
                cur = sl.next(n);
            }
            row
        })
        .collect()
}

fn r(v: &[(&str, u64)]) -> Vec<(String, u64)> {
    v.iter().map(|(a, b)| (a.to_string(), *b)).collect()
}

#[test]
fn worked_example_of_the_spec() {
    let mut sl = SkipList::new(1);
    sl.force_levels([1, 3, 1, 2, 1, 4, 1, 2]);
    for (i, m) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
        sl.insert((i + 1) as f64, m.as_bytes());
    }
    assert_eq!(
        rows(&sl),
        vec![
            r(&[("HDR", 6), ("f", 2)]),
            r(&[("HDR", 2), ("b", 4), ("f", 2)]),
            r(&[("HDR", 2), ("b", 2), ("d", 2), ("f", 2), ("h", 0)]),
            r(&[
                ("HDR", 1),
                ("a", 1),
                ("b", 1),
                ("c", 1),
                ("d", 1),
                ("e", 1),
                ("f", 1),
                ("g", 1),
                ("h", 0)
            ]),
        ]
    );
    let p = sl.search(7.0, false);
    assert_eq!(p.comparisons, 3);
    assert_eq!(p.levels[0].advanced, vec!["f".to_string()]);
    assert_eq!(p.levels[2].stopped_by.as_deref(), Some("h"));
    assert_eq!(p.levels[3].stopped_by.as_deref(), Some("g"));
    assert_eq!(p.found, Some((b"g".to_vec(), 7.0, 7)));
    assert_eq!(sl.rank(7.0, b"g"), Some(7));

    sl.force_levels([2]);
    assert_eq!(sl.insert(4.5, b"x"), 5);
    let rows = rows(&sl);
    assert_eq!(rows[0], r(&[("HDR", 7), ("f", 2)]));
    assert_eq!(rows[1], r(&[("HDR", 2), ("b", 5), ("f", 2)]));
    assert_eq!(
        rows[2],
        r(&[("HDR", 2), ("b", 2), ("d", 1), ("x", 2), ("f", 2), ("h", 0)])
    );
    sl.check_invariants().unwrap();
}

#[test]
fn update_score_in_place_or_moved() {
    let mut z = SortedSet::new(3);
    for (s, m) in [(1.0, "a"), (2.0, "b"), (3.0, "c")] {
        z.add(s, m.as_bytes(), AddFlags::default()).unwrap();
    }
    // 2.5 stays between 1 and 3: in place; a tie with a neighbour forces a move.
    assert_eq!(
        z.add(2.5, b"b", AddFlags::default()),
        Ok((AddOutcome::Updated, 2.5))
    );
    assert_eq!(
        z.add(3.0, b"b", AddFlags::default()),
        Ok((AddOutcome::Updated, 3.0))
    );
    assert_eq!(
        z.range_by_rank(0, -1, false),
        vec![
            (b"a".to_vec(), 1.0),
            (b"b".to_vec(), 3.0),
            (b"c".to_vec(), 3.0)
        ]
    );
    let inc = AddFlags {
        incr: true,
        ..AddFlags::default()
    };
    z.add(f64::INFINITY, b"a", AddFlags::default()).unwrap();
    assert!(z.add(f64::NEG_INFINITY, b"a", inc).is_err());
    z.check_invariants().unwrap();
}

#[test]
fn levels_follow_p_one_quarter() {
    let mut sl = SkipList::new(42);
    for i in 0..20_000u32 {
        sl.insert(i as f64, &i.to_be_bytes());
    }
    let mut per = [0u64; 33];
    let mut cur = sl.first();
    while let Some(n) = cur {
        for slot in per.iter_mut().take(sl.height(n)) {
            *slot += 1;
        }
        cur = sl.next(n);
    }
    // About a quarter of the nodes of each level reach the next one.
    for k in 1..4 {
        let ratio = per[k] as f64 / per[k - 1] as f64;
        assert!((0.2..0.3).contains(&ratio), "level {k}: {ratio}");
    }
    assert!(sl.level() <= 32);
    sl.check_invariants().unwrap();
}

/// Members from a few parts, so that many share their first 8 bytes, differ
/// only after them, contain NUL bytes or are prefixes of each other.
fn long_member() -> impl Strategy<Value = Vec<u8>> {
    let part = prop_oneof![
        Just(b"user:000".to_vec()),
        Just(b"user:0001".to_vec()),
        Just(b"\x00".to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"a".to_vec()),
        Just(Vec::new()),
    ];
    proptest::collection::vec(part, 0..4).prop_map(|ps| ps.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn skiplist_orders_long_members_by_bytes(
        seed in any::<u64>(),
        ops in proptest::collection::vec((0u8..3, long_member(), any::<bool>()), 1..120),
    ) {
        let mut sl = SkipList::new(seed);
        // member -> score; the skiplist holds each member once, as a sorted set does.
        let mut model: std::collections::BTreeMap<Vec<u8>, f64> = Default::default();
        for (s, m, del) in ops {
            let score = f64::from(s);
            match model.get(&m).copied() {
                Some(old) if del => {
                    prop_assert!(sl.delete(old, &m));
                    model.remove(&m);
                }
                Some(old) => {
                    prop_assert!(sl.update_score(old, &m, score));
                    model.insert(m, score);
                }
                None => {
                    sl.insert(score, &m);
                    model.insert(m, score);
                }
            }
            if let Err(e) = sl.check_invariants() {
                prop_assert!(false, "{}", e);
            }
            let mut want: Vec<(f64, Vec<u8>)> = model.iter().map(|(m, s)| (*s, m.clone())).collect();
            want.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            let got: Vec<(f64, Vec<u8>)> = sl.iter().map(|(m, s)| (s, m.to_vec())).collect();
            prop_assert_eq!(&got, &want);
            for (i, (s, m)) in want.iter().enumerate() {
                prop_assert_eq!(sl.rank(*s, m), Some(i as u64 + 1));
                let n = sl.find(*s, m);
                prop_assert!(n.is_some());
                prop_assert_eq!(n.map(|n| sl.member(n).to_vec()), Some(m.clone()));
                // A stored member asked for with another score is absent.
                prop_assert_eq!(sl.rank(*s + 0.5, m), None);
                prop_assert!(sl.find(*s + 0.5, m).is_none());
            }
        }
    }
}

#[test]
fn rank_needs_the_stored_score() {
    // zslGetRank checks the score as well as the member of the node it reaches.
    let mut sl = SkipList::new(7);
    for (s, m) in [(1.0, "a"), (2.0, "b"), (3.0, "c")] {
        sl.insert(s, m.as_bytes());
    }
    assert_eq!(sl.rank(2.0, b"b"), Some(2));
    assert_eq!(sl.rank(2.5, b"b"), None);
    assert_eq!(sl.rank(1.0, b"b"), None);
    assert!(sl.find(2.5, b"b").is_none());
    assert!(sl.find(2.0, b"bb").is_none());
}
