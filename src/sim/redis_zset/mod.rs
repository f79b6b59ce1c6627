//! Redis sorted sets (ZSETs) as Redis 7.0 builds them: a skiplist plus a dict.
//!
//! # The idea
//!
//! A sorted set must answer two kinds of question fast: "what is the score of
//! member m?" (a hash lookup) and "which members are between ranks 10 and 20, or
//! between scores 1.5 and 3?" (an ordered walk). Redis keeps both structures: a
//! **dict** mapping member → score, and a **skiplist** holding the members in
//! order of `(score, member bytes)`.
//!
//! A skiplist is a sorted linked list with express lanes. Every node is on level
//! 1, the list that links all nodes. When a node is inserted it draws a random
//! height: it also gets level 2 with probability 1/4, level 3 with probability
//! 1/16, and so on, up to 32 levels. Each level is itself a sorted linked list
//! of the nodes that reach it, starting at a header node that has all 32 levels.
//! A search starts at the header on the highest level in use and moves right
//! while the next node is still before the target; when the next node would
//! overshoot (or the level ends) it goes down one level and continues. On
//! average it looks at about 4 nodes per level and there are `log4(n)` levels,
//! so it costs O(log n) without any rebalancing.
//!
//! ```text
//! L4: HDR(6) ----------------------------------------> f(2)
//! L3: HDR(2) ------> b(4) ---------------------------> f(2)
//! L2: HDR(2) ------> b(2) ------> d(2) ------------> f(2) ------> h(0)
//! L1: HDR(1) a(1) -> b(1) c(1) -> d(1) e(1) -------> f(1) g(1) -> h(0)
//! ```
//!
//! Redis adds three things to Pugh's skiplist:
//!
//! * **Spans.** Every forward link stores how many rank positions it jumps
//!   (the number in parentheses above). Adding up the spans of the links a
//!   search crosses gives the rank of the node it stands on, so ZRANK and
//!   "the element at rank r" are O(log n) too. On a link to nothing the span
//!   is the number of nodes after the source.
//! * **Ties.** Scores may repeat; ties are broken by the member bytes in
//!   unsigned byte order (`"B" < "a"`, `"10" < "9"`, `"" <` anything).
//! * **A backward pointer** on level 1, so ZREVRANGE can walk right to left.
//!
//! Inserting descends once, remembering on each level the last node before the
//! new one (`update[i]`) and its rank (`rank[i]`). The new node is spliced in
//! after `update[i]` on each of its levels; its span there is what is left of
//! the old span, and `update[i]` now spans `rank[0] - rank[i] + 1`. Levels above
//! the new node's height just grow their span by one. Deleting is the mirror
//! image. Changing a score keeps the node in place when it still sits strictly
//! between its neighbours; otherwise it is deleted and inserted again.
//!
//! Small sets are stored by Redis as a compact *listpack* instead (up to
//! `zset-max-listpack-entries` = 128 members of at most
//! `zset-max-listpack-value` = 64 bytes); the set converts to skiplist+dict once
//! it outgrows either limit, and never converts back. This simulation always
//! runs the skiplist (that is what the lesson shows) and reports the encoding
//! Redis would use (`OBJECT ENCODING`) beside it.
//!
//! # This module
//!
//! * [`SkipList`] (in [`skiplist`]): the ordered half, usable on its own.
//! * [`SortedSet`]: skiplist + dict with ZADD's semantics (NX/XX/GT/LT/INCR).
//! * [`session::ZsetSession`]: the `redis-zset` command language (the Redis
//!   commands verbatim, split as `redis-cli` splits them, plus `search KEY SCORE`
//!   and `levels H…`), replies encoded as RESP2 JSON.
//! * [`ZsetView`]: what the animation draws (levels as rows, nodes as columns,
//!   spans, the current search path), rebuilt from [`KeyedEvent`]s alone.
//!
//! State (`Session::state`) is
//! `{"keys": {"zs": {"len": N, "level": L, "encoding": "listpack"|"skiplist",
//! "nodes_per_level": [n1, n2, …]}}, "pending_levels": K}`: per key the number of
//! members, the list level, the encoding Redis would report, and how many nodes
//! reach each level (level 1 first); `pending_levels` counts heights still
//! queued by `levels`.

mod arena;
mod events;
pub mod num;
pub mod picture;
pub mod quiz;
pub mod session;
pub mod skiplist;
mod view;

use std::collections::{BTreeMap, HashMap};

use crate::emit;
use crate::sim::trace::{NoTrace, Observer};

pub use events::*;
pub use num::format_score;
pub use picture::ZsetPicture;
pub use session::{factory, ZsetSession, PRESETS};
pub use skiplist::{DescentOp, NodeId, PathLevel, ScoreRange, SearchPath, SkipList};
pub use view::*;

/// The `redis-zset` simulation, as the registry lists it.
pub const INFO: crate::sim::SimInfo = crate::sim::SimInfo {
    name: "redis-zset",
    aliases: &["skiplist"],
    about: "Redis 7.0 sorted set: skiplist with spans and ranks plus a dict (ZADD, ZRANGE, ZRANGEBYSCORE, search)",
    about_zh: "Redis 7.0 有序集合：带跨度与排名的跳跃表加字典（ZADD、ZRANGE、ZRANGEBYSCORE、查找路径）",
    factory,
    presets: PRESETS,
    picture: || Box::<ZsetPicture>::default(),
    quiz: &[quiz::SEARCH, quiz::RANK, quiz::ENCODING],
    pairing: &["跳跃表", "跳表", "skiplist", "skip list", "有序集合", "zset", "sorted set"],
};

/// A printable, unambiguous name for a member or key.
///
/// Plain text (non-empty, no spaces, quotes, backslashes or control
/// characters) is shown as is; anything else is shown quoted the way
/// `redis-cli` would print it, e.g. `"a\x00b"` or `""`. The quoted form parses
/// back to the same bytes with the session's argument splitting.
pub fn show(b: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(b) {
        if !s.is_empty()
            && s.chars().all(|c| {
                !c.is_control() && !c.is_whitespace() && c != '"' && c != '\\' && c != '\''
            })
        {
            return s.to_string();
        }
    }
    let mut out = String::from("\"");
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(c as char),
            _ => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push('"');
    out
}
/// The ZADD options that change what happens to one member.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddFlags {
    /// Only add new members.
    pub nx: bool,
    /// Only update existing members.
    pub xx: bool,
    /// Only update when the new score is greater.
    pub gt: bool,
    /// Only update when the new score is less.
    pub lt: bool,
    /// Add the score to the current one.
    pub incr: bool,
}

/// What [`SortedSet::add`] did to one member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddOutcome {
    /// The member was new and was inserted.
    Added,
    /// The member existed and its score changed.
    Updated,
    /// The member was processed but its score stayed the same.
    Unchanged,
    /// Nothing was done (NX on an existing member, XX on a missing one, or a
    /// GT/LT condition failed).
    Nop,
}

/// An INCR produced NaN (e.g. `+inf` plus `-inf`); nothing was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("resulting score is not a number (NaN)")]
pub struct NanScore;

/// A Redis sorted set: a [`SkipList`] for order plus a dict for member → score.
pub struct SortedSet<O = NoTrace> {
    zsl: SkipList<O>,
    dict: HashMap<Box<[u8]>, f64>,
    listpack_zero: bool,
}

impl SortedSet<NoTrace> {
    /// An empty, untraced set whose skiplist levels come from `seed`.
    pub fn new(seed: u64) -> Self {
        SortedSet::with_observer(seed, NoTrace)
    }
}

impl<O: Observer<ZsetEvent>> SortedSet<O> {
    /// An empty set reporting to `obs`.
    pub fn with_observer(seed: u64, obs: O) -> Self {
        SortedSet {
            zsl: SkipList::with_observer(seed, obs),
            dict: HashMap::new(),
            listpack_zero: false,
        }
    }

    /// Store scores as a listpack-encoded Redis set does: a listpack keeps a
    /// score that is a whole number as an integer, so `-0` is stored as `0`
    /// (a skiplist keeps `-0`). The INCR reply still shows the computed value.
    pub fn set_listpack_zero(&mut self, on: bool) {
        self.listpack_zero = on;
    }

    fn stored(&self, x: f64) -> f64 {
        if self.listpack_zero && x == 0.0 {
            0.0
        } else {
            x
        }
    }

    /// The skiplist.
    pub fn skiplist(&self) -> &SkipList<O> {
        &self.zsl
    }

    /// The skiplist, mutably (to force levels or take events).
    pub fn skiplist_mut(&mut self) -> &mut SkipList<O> {
        &mut self.zsl
    }

    /// Number of members.
    pub fn len(&self) -> u64 {
        self.zsl.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.zsl.is_empty()
    }

    /// The score of `member` without reporting the lookup.
    pub fn peek(&self, member: &[u8]) -> Option<f64> {
        self.dict.get(member).copied()
    }

    /// The score of `member` (a dict lookup, as ZSCORE).
    pub fn score(&mut self, member: &[u8]) -> Option<f64> {
        let found = self.dict.get(member).copied();
        emit!(
            self.zsl.obs,
            ZsetEvent::DictFind {
                member: show(member),
                found: found.map(Score),
            }
        );
        found
    }

    /// ZADD for one member (Redis's `zsetAdd`). Returns what happened and the
    /// member's score afterwards (for INCR replies). `score` must not be NaN.
    pub fn add(
        &mut self,
        score: f64,
        member: &[u8],
        flags: AddFlags,
    ) -> Result<(AddOutcome, f64), NanScore> {
        if score.is_nan() {
            return Err(NanScore);
        }
        match self.score(member) {
            Some(cur) => {
                if flags.nx {
                    return Ok((AddOutcome::Nop, cur));
                }
                let mut new = score;
                if flags.incr {
                    new += cur;
                    if new.is_nan() {
                        return Err(NanScore);
                    }
                }
                // GT/LT compare the final (post-INCR) score with the current one.
                if (flags.lt && new >= cur) || (flags.gt && new <= cur) {
                    return Ok((AddOutcome::Nop, cur));
                }
                if new != cur {
                    let keep = self.stored(new);
                    self.zsl.update_score(cur, member, keep);
                    if let Some(v) = self.dict.get_mut(member) {
                        *v = keep;
                    }
                    emit!(
                        self.zsl.obs,
                        ZsetEvent::DictSet {
                            member: show(member),
                            score: Score(keep),
                        }
                    );
                    Ok((AddOutcome::Updated, new))
                } else {
                    Ok((AddOutcome::Unchanged, new))
                }
            }
            None if !flags.xx => {
                let keep = self.stored(score);
                self.zsl.insert(keep, member);
                self.dict.insert(member.into(), keep);
                emit!(
                    self.zsl.obs,
                    ZsetEvent::DictAdd {
                        member: show(member),
                        score: Score(keep),
                    }
                );
                Ok((AddOutcome::Added, score))
            }
            None => Ok((AddOutcome::Nop, score)),
        }
    }

    /// ZREM for one member; returns whether it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        let Some(score) = self.dict.remove(member) else {
            emit!(
                self.zsl.obs,
                ZsetEvent::DictFind {
                    member: show(member),
                    found: None,
                }
            );
            return false;
        };
        emit!(
            self.zsl.obs,
            ZsetEvent::DictDelete {
                member: show(member)
            }
        );
        let deleted = self.zsl.delete(score, member);
        debug_assert!(deleted, "dict and skiplist disagree");
        deleted
    }

    /// The 0-based rank of `member` (from the end when `reverse`), as ZRANK /
    /// ZREVRANK.
    pub fn rank(&mut self, member: &[u8], reverse: bool) -> Option<u64> {
        let score = self.score(member)?;
        let r = self.zsl.rank(score, member)?;
        Some(if reverse { self.len() - r } else { r - 1 })
    }

    /// ZRANGE / ZREVRANGE by index (negative indexes count from the end).
    pub fn range_by_rank(&mut self, start: i64, stop: i64, reverse: bool) -> Vec<(Vec<u8>, f64)> {
        let len = self.len() as i64;
        let mut start = if start < 0 { len + start } else { start };
        let mut end = if stop < 0 { len + stop } else { stop };
        if start < 0 {
            start = 0;
        }
        if start > end || start >= len {
            return Vec::new();
        }
        if end >= len {
            end = len - 1;
        }
        let n = (end - start + 1) as u64;
        let mut ln = if reverse {
            if start > 0 {
                self.zsl.by_rank((len - start) as u64)
            } else {
                self.zsl.last()
            }
        } else if start > 0 {
            self.zsl.by_rank(start as u64 + 1)
        } else {
            self.zsl.first()
        };
        let mut out = Vec::with_capacity(n as usize);
        while let Some(x) = ln {
            if out.len() as u64 == n {
                break;
            }
            out.push((self.zsl.member(x).to_vec(), self.zsl.score(x)));
            ln = if reverse {
                self.zsl.prev(x)
            } else {
                self.zsl.next(x)
            };
        }
        let from_rank = if reverse {
            (len - start) as u64
        } else {
            start as u64 + 1
        };
        emit!(
            self.zsl.obs,
            ZsetEvent::RangeWalk {
                from_rank,
                count: out.len() as u64,
                reverse,
            }
        );
        out
    }

    /// ZRANGEBYSCORE / ZREVRANGEBYSCORE with `LIMIT offset count` (no LIMIT:
    /// offset 0, count -1). A negative offset gives nothing, as in Redis 7.0; a
    /// negative count means no limit.
    pub fn range_by_score(
        &mut self,
        range: &ScoreRange,
        offset: i64,
        limit: i64,
        reverse: bool,
    ) -> Vec<(Vec<u8>, f64)> {
        if offset > 0 && offset as u64 >= self.len() {
            return Vec::new();
        }
        let mut ln = if reverse {
            self.zsl.last_in_range(range)
        } else {
            self.zsl.first_in_range(range)
        };
        let step = |zsl: &SkipList<O>, x: NodeId| if reverse { zsl.prev(x) } else { zsl.next(x) };
        if offset < 0 {
            // The C loop `while (ln && offset--)` runs off the end of the list.
            ln = None;
        }
        let mut skipped = 0;
        while let Some(x) = ln {
            if skipped == offset {
                break;
            }
            skipped += 1;
            ln = step(&self.zsl, x);
        }
        let first_rank = match ln {
            Some(x) if self.zsl.observer().enabled() => self.zsl_rank_quiet(x),
            _ => 0,
        };
        let mut out = Vec::new();
        let mut left = limit;
        while let Some(x) = ln {
            if left == 0 {
                break;
            }
            left -= 1;
            let s = self.zsl.score(x);
            let inside = if reverse {
                range.gte_min(s)
            } else {
                range.lte_max(s)
            };
            if !inside {
                break;
            }
            out.push((self.zsl.member(x).to_vec(), s));
            ln = step(&self.zsl, x);
        }
        emit!(
            self.zsl.obs,
            ZsetEvent::RangeWalk {
                from_rank: if out.is_empty() { 0 } else { first_rank },
                count: out.len() as u64,
                reverse,
            }
        );
        out
    }

    fn zsl_rank_quiet(&self, x: NodeId) -> u64 {
        let mut r = 1;
        let mut cur = x;
        while let Some(p) = self.zsl.prev(cur) {
            r += 1;
            cur = p;
        }
        r
    }

    /// ZCOUNT: members with a score in `range`, computed from two ranks as
    /// Redis does.
    pub fn count(&mut self, range: &ScoreRange) -> u64 {
        let Some(first) = self.zsl.first_in_range(range) else {
            return 0;
        };
        let len = self.len();
        let r = self.zsl.rank_of(first);
        let mut count = len - (r - 1);
        if let Some(last) = self.zsl.last_in_range(range) {
            let r = self.zsl.rank_of(last);
            count -= len - r;
        }
        count
    }

    /// The `search` command: the path to the first member at or above `target`.
    pub fn search(&mut self, target: f64, exclusive: bool) -> SearchPath {
        self.zsl.search(target, exclusive)
    }

    /// Check the skiplist invariants and that the dict holds exactly the
    /// skiplist's members with the same scores.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.zsl.check_invariants()?;
        if self.dict.len() as u64 != self.zsl.len() {
            return Err(format!(
                "dict has {} members, skiplist {}",
                self.dict.len(),
                self.zsl.len()
            ));
        }
        for (m, s) in self.zsl.iter() {
            match self.dict.get(m) {
                Some(d) if d.to_bits() == s.to_bits() => {}
                _ => return Err(format!("dict disagrees about {}", show(m))),
            }
        }
        Ok(())
    }
}
