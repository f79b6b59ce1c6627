//! The skiplist half of a Redis sorted set: an ordered list of nodes, each with a
//! random number of levels, where every forward link also remembers its *span*
//! (how many rank positions it jumps), so the same descent that finds a node
//! also computes its rank.
//!
//! The algorithm is the one of Redis's `zskiplist` (see the parent module): a
//! header node with [`MAX_LEVEL`] links, nodes ordered by `(score, member
//! bytes)`, spans on every link (also on links to nothing, where the span counts
//! the nodes after the source), and a backward pointer on level 1 only.
//!
//! The nodes live in one byte pool (see `arena`).
use std::collections::VecDeque;

pub use super::arena::NodeId;
use super::arena::{prefix, Arena, Key, Link, HEAD, NIL};

use super::{show, ZsetEvent};
use crate::emit;
use crate::sim::trace::{NoTrace, Observer, Rng};

/// Highest number of levels a node (and the list) can have, as in Redis.
pub const MAX_LEVEL: usize = 32;

/// Probability that a node that reached level `k` also gets level `k+1`.
pub const P: f64 = 0.25;

/// A score interval as Redis's `zrangespec`: `min`/`max` with exclusive flags.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreRange {
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
    /// `(min`: the lower bound itself is excluded.
    pub minex: bool,
    /// `(max`: the upper bound itself is excluded.
    pub maxex: bool,
}

impl ScoreRange {
    /// The closed interval `[min, max]`.
    pub fn closed(min: f64, max: f64) -> Self {
        ScoreRange {
            min,
            max,
            minex: false,
            maxex: false,
        }
    }
    /// Whether `v` is at or above the lower bound.
    pub fn gte_min(&self, v: f64) -> bool {
        if self.minex {
            v > self.min
        } else {
            v >= self.min
        }
    }
    /// Whether `v` is at or below the upper bound.
    pub fn lte_max(&self, v: f64) -> bool {
        if self.maxex {
            v < self.max
        } else {
            v <= self.max
        }
    }
    /// Whether no score at all can be in this range (`min > max`, or an
    /// exclusive bound on an empty interval).
    pub fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.minex || self.maxex))
    }
}

/// Which operation a descent belongs to (shown with the search path).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DescentOp {
    /// Finding where a new node goes.
    Insert,
    /// Finding the node to delete and its predecessors.
    Delete,
    /// Finding a node to change its score.
    UpdateScore,
    /// Computing a node's rank.
    Rank,
    /// Finding the node at a rank.
    ByRank,
    /// Finding the first node inside a score range.
    FirstInRange,
    /// Finding the last node inside a score range.
    LastInRange,
    /// The `search` command: the first node at or above a score.
    Search,
}

/// One level of a search path, as the `search` command reports it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PathLevel {
    /// The level, 1-based (1 is the bottom list that links every node).
    pub level: usize,
    /// The nodes the search moved onto on this level, in order.
    pub advanced: Vec<String>,
    /// The node whose score stopped the walk on this level (`None`: end of level).
    pub stopped_by: Option<String>,
    /// How many nodes were compared on this level.
    pub compared: usize,
    /// The 1-based rank of the node the search stands on when it goes down
    /// (0 = still on the header).
    pub rank: u64,
}

/// The result of [`SkipList::search`].
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SearchPath {
    /// One entry per level, top level first.
    pub levels: Vec<PathLevel>,
    /// The first node at or above the target: member, score and 1-based rank.
    pub found: Option<(Vec<u8>, f64, u64)>,
    /// Total number of nodes compared.
    pub comparisons: usize,
}

struct Descent {
    x: u32,
    update: [u32; MAX_LEVEL],
    rank: [u64; MAX_LEVEL],
    early: bool,
    at_rank: u64,
}

/// A Redis-style skiplist of `(score, member)` pairs, generic over an observer.
///
/// Members are byte strings; order is score ascending, ties broken by unsigned
/// byte order of the member. The caller must not insert a member twice (a
/// sorted set checks its dictionary first, as Redis does).
pub struct SkipList<O = NoTrace> {
    arena: Arena,
    tail: u32,
    length: u64,
    level: usize,
    rng: Rng,
    forced: VecDeque<usize>,
    pub(crate) obs: O,
}

impl SkipList<NoTrace> {
    /// An empty, untraced skiplist whose levels come from `Rng::new(seed)`.
    pub fn new(seed: u64) -> Self {
        SkipList::with_observer(seed, NoTrace)
    }
}

impl<O: Observer<ZsetEvent>> SkipList<O> {
    /// An empty skiplist reporting to `obs`.
    pub fn with_observer(seed: u64, obs: O) -> Self {
        SkipList {
            arena: Arena::new(MAX_LEVEL),
            tail: NIL,
            length: 0,
            level: 1,
            rng: Rng::new(seed),
            forced: VecDeque::new(),
            obs,
        }
    }

    /// The observer.
    pub fn observer(&self) -> &O {
        &self.obs
    }

    /// The observer, mutably (e.g. to take recorded events).
    pub fn observer_mut(&mut self) -> &mut O {
        &mut self.obs
    }

    /// Number of nodes.
    pub fn len(&self) -> u64 {
        self.length
    }

    /// Whether the list has no node.
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The highest level in use (at least 1).
    pub fn level(&self) -> usize {
        self.level
    }

    /// Make the next inserts use these heights instead of random ones (each
    /// clamped to `1..=32`), in order. Lessons use it to build a known shape.
    pub fn force_levels(&mut self, levels: impl IntoIterator<Item = usize>) {
        self.forced
            .extend(levels.into_iter().map(|l| l.clamp(1, MAX_LEVEL)));
    }

    /// Heights still queued by [`force_levels`](Self::force_levels).
    pub fn forced_pending(&self) -> usize {
        self.forced.len()
    }

    /// The first node (rank 1).
    pub fn first(&self) -> Option<NodeId> {
        self.id(self.arena.link(HEAD, 0).fwd)
    }

    /// The last node.
    pub fn last(&self) -> Option<NodeId> {
        self.id(self.tail)
    }

    /// The node after `n` on level 1.
    pub fn next(&self, n: NodeId) -> Option<NodeId> {
        self.id(self.arena.link(n.0, 0).fwd)
    }

    /// The node before `n` (the backward pointer).
    pub fn prev(&self, n: NodeId) -> Option<NodeId> {
        self.id(self.arena.back(n.0))
    }

    /// A node's member bytes.
    pub fn member(&self, n: NodeId) -> &[u8] {
        self.arena.member(n.0)
    }

    /// A node's score.
    pub fn score(&self, n: NodeId) -> f64 {
        self.arena.score(n.0)
    }

    /// A node's height (number of levels).
    pub fn height(&self, n: NodeId) -> usize {
        self.arena.height(n.0)
    }

    /// The span of `n`'s link on 0-based level `i` (`i < height`).
    pub fn span(&self, n: NodeId, i: usize) -> u64 {
        assert!(i < self.height(n), "level {i} above the node's height");
        self.arena.link(n.0, i).span.into()
    }

    /// The header's span on 0-based level `i` (meaningful for `i < level()`).
    pub fn header_span(&self, i: usize) -> u64 {
        self.arena.link(HEAD, i).span.into()
    }

    /// Every `(member, score)` in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], f64)> + '_ {
        let mut cur = self.arena.link(HEAD, 0).fwd;
        std::iter::from_fn(move || {
            if cur == NIL {
                return None;
            }
            let x = cur;
            cur = self.arena.link(x, 0).fwd;
            Some((self.arena.member(x), self.arena.score(x)))
        })
    }

    fn id(&self, raw: u32) -> Option<NodeId> {
        (raw != NIL).then_some(NodeId(raw))
    }

    fn random_level(&mut self) -> (usize, bool) {
        if let Some(l) = self.forced.pop_front() {
            return (l, true);
        }
        let mut lvl = 1;
        // P(level >= k) = 0.25^(k-1): continue while two random bits are zero.
        while lvl < MAX_LEVEL && self.rng.next_u64() >> 62 == 0 {
            lvl += 1;
        }
        (lvl, false)
    }

    /// Walk from the header down, moving right on each level while `go(link,
    /// rank_after_move)` holds for the link to the next node (the link carries
    /// that node's id and score). Stops early when `early(x, rank)` holds after
    /// a level. Emits the search path.
    #[inline]
    fn descend(
        &mut self,
        op: DescentOp,
        target: impl FnOnce() -> String,
        mut go: impl FnMut(&Arena, Link, u64) -> bool,
        mut early: impl FnMut(&Arena, u32, u64) -> bool,
    ) -> Descent {
        emit!(
            self.obs,
            ZsetEvent::DescentBegin {
                op,
                target: target(),
                level: self.level,
            }
        );
        let mut d = Descent {
            x: HEAD,
            update: [HEAD; MAX_LEVEL],
            rank: [0; MAX_LEVEL],
            early: false,
            at_rank: 0,
        };
        let mut x = HEAD;
        let mut rank = 0;
        for i in (0..self.level.min(MAX_LEVEL)).rev() {
            loop {
                let link = self.arena.link(x, i);
                if link.fwd == NIL {
                    emit!(
                        self.obs,
                        ZsetEvent::LevelDown {
                            level: i + 1,
                            at: nm(&self.arena, x),
                            stopped_by: None,
                            rank,
                        }
                    );
                    break;
                }
                let span = u64::from(link.span);
                if go(&self.arena, link, rank + span) {
                    rank += span;
                    emit!(
                        self.obs,
                        ZsetEvent::Advance {
                            level: i + 1,
                            from: nm(&self.arena, x),
                            to: show(self.arena.member(link.fwd)),
                            span,
                            rank,
                        }
                    );
                    x = link.fwd;
                } else {
                    emit!(
                        self.obs,
                        ZsetEvent::LevelDown {
                            level: i + 1,
                            at: nm(&self.arena, x),
                            stopped_by: Some(show(self.arena.member(link.fwd))),
                            rank,
                        }
                    );
                    break;
                }
            }
            d.update[i] = x;
            d.rank[i] = rank;
            if early(&self.arena, x, rank) {
                d.x = x;
                d.early = true;
                d.at_rank = rank;
                return d;
            }
        }
        d.x = x;
        d
    }

    fn set_span(&mut self, x: u32, i: usize, span: u64) {
        self.arena.set_span(x, i, span);
        emit!(
            self.obs,
            ZsetEvent::SpanSet {
                level: i + 1,
                node: nm(&self.arena, x),
                span,
            }
        );
    }

    fn set_back(&mut self, x: u32, back: u32) {
        self.arena.set_back(x, back);
        emit!(
            self.obs,
            ZsetEvent::BackwardSet {
                node: show(self.arena.member(x)),
                to: nm(&self.arena, back),
            }
        );
    }

    /// Insert `member` with `score`; returns its 1-based rank.
    ///
    /// The member must not be in the list already, and `score` must not be NaN.
    pub fn insert(&mut self, score: f64, member: &[u8]) -> u64 {
        debug_assert!(!score.is_nan(), "NaN is never stored");
        let k = Key::new(score, member);
        let mut d = self.descend(
            DescentOp::Insert,
            || format!("{} {}", super::format_score(score), show(member)),
            |a, l, _| a.before(l, &k),
            |_, _, _| false,
        );
        let (lvl, forced) = self.random_level();
        emit!(
            self.obs,
            ZsetEvent::LevelDrawn {
                height: lvl,
                forced
            }
        );
        if lvl > self.level {
            for i in self.level..lvl {
                d.rank[i] = 0;
                d.update[i] = HEAD;
                self.arena.set_span(HEAD, i, self.length);
            }
            emit!(
                self.obs,
                ZsetEvent::ListLevelRaised {
                    from: self.level,
                    to: lvl,
                    header_span: self.length,
                }
            );
            self.level = lvl;
        }
        let x = self.arena.alloc(score, member, lvl);
        let rank = d.rank[0] + 1;
        emit!(
            self.obs,
            ZsetEvent::NodeLinked {
                member: show(member),
                score: super::Score(score),
                height: lvl,
                rank,
            }
        );
        for i in 0..lvl {
            let u = d.update[i];
            let ul = self.arena.link(u, i);
            self.arena.set_fwd(x, i, ul.fwd, ul.score, ul.prefix);
            self.arena.set_fwd(u, i, x, score, k.prefix);
            let jumped = d.rank[0] - d.rank[i];
            self.set_span(x, i, u64::from(ul.span) - jumped);
            self.set_span(u, i, jumped + 1);
        }
        for i in lvl..self.level {
            let u = d.update[i];
            let s = u64::from(self.arena.link(u, i).span) + 1;
            self.set_span(u, i, s);
        }
        let back = if d.update[0] == HEAD {
            NIL
        } else {
            d.update[0]
        };
        self.set_back(x, back);
        let next = self.arena.link(x, 0).fwd;
        if next != NIL {
            self.set_back(next, x);
        } else {
            self.tail = x;
        }
        self.length += 1;
        rank
    }

    fn delete_node(&mut self, x: u32, update: &[u32; MAX_LEVEL], rank: u64) {
        for (i, &u) in update.iter().enumerate().take(self.level) {
            let ul = self.arena.link(u, i);
            if ul.fwd == x {
                let xl = self.arena.link(x, i);
                self.arena.set_fwd(u, i, xl.fwd, xl.score, xl.prefix);
                self.set_span(u, i, u64::from(ul.span) + u64::from(xl.span) - 1);
            } else {
                self.set_span(u, i, u64::from(ul.span) - 1);
            }
        }
        emit!(
            self.obs,
            ZsetEvent::NodeUnlinked {
                member: show(self.arena.member(x)),
                rank,
            }
        );
        let next = self.arena.link(x, 0).fwd;
        let back = self.arena.back(x);
        if next != NIL {
            self.set_back(next, back);
        } else {
            self.tail = back;
        }
        let from = self.level;
        while self.level > 1 && self.arena.link(HEAD, self.level - 1).fwd == NIL {
            self.level -= 1;
        }
        if from != self.level {
            emit!(
                self.obs,
                ZsetEvent::ListLevelLowered {
                    from,
                    to: self.level
                }
            );
        }
        self.length -= 1;
        self.arena.release(x);
    }

    /// The node after `x` on level 1 if it is `k`.
    #[inline]
    fn found(&self, x: u32, k: &Key) -> Option<u32> {
        let l = self.arena.link(x, 0);
        (l.fwd != NIL
            && l.score == k.score
            && l.prefix == k.prefix
            && self.arena.member(l.fwd) == k.member)
            .then_some(l.fwd)
    }

    /// Delete the node `(score, member)`; returns whether it was there.
    pub fn delete(&mut self, score: f64, member: &[u8]) -> bool {
        let k = Key::new(score, member);
        let d = self.descend(
            DescentOp::Delete,
            || format!("{} {}", super::format_score(score), show(member)),
            |a, l, _| a.before(l, &k),
            |_, _, _| false,
        );
        match self.found(d.x, &k) {
            Some(x) => {
                self.delete_node(x, &d.update, d.rank[0] + 1);
                true
            }
            None => false,
        }
    }

    /// Change the score of `member` from `cur` to `new`: in place when the node
    /// stays strictly between its neighbours, else delete and re-insert (with a
    /// new random height). Returns whether the node was found.
    pub fn update_score(&mut self, cur: f64, member: &[u8], new: f64) -> bool {
        let k = Key::new(cur, member);
        let d = self.descend(
            DescentOp::UpdateScore,
            || format!("{} {}", super::format_score(cur), show(member)),
            |a, l, _| a.before(l, &k),
            |_, _, _| false,
        );
        let Some(x) = self.found(d.x, &k) else {
            return false;
        };
        let back = self.arena.back(x);
        let next = self.arena.link(x, 0);
        if (back == NIL || self.arena.score(back) < new) && (next.fwd == NIL || next.score > new) {
            self.arena.set_score(x, new);
            // The links into x cache its score: on each of x's levels the
            // descent stopped on the node just before x.
            for i in 0..self.arena.height(x) {
                let u = d.update[i];
                debug_assert_eq!(self.arena.link(u, i).fwd, x);
                self.arena.set_fwd(u, i, x, new, k.prefix);
            }
            emit!(
                self.obs,
                ZsetEvent::ScoreSetInPlace {
                    member: show(member),
                    old: super::Score(cur),
                    new: super::Score(new),
                }
            );
            return true;
        }
        self.delete_node(x, &d.update, d.rank[0] + 1);
        self.insert(new, member);
        true
    }

    /// The node `(score, member)`, if present: the descent of
    /// [`rank`](Self::rank) (move right while the next node is at or before the
    /// target, stop as soon as the current node is the target), read-only, not
    /// traced and without counting ranks. A plain membership test.
    pub fn find(&self, score: f64, member: &[u8]) -> Option<NodeId> {
        let k = Key::new(score, member);
        let mut x = HEAD;
        for i in (0..self.level.min(MAX_LEVEL)).rev() {
            let mut moved = false;
            loop {
                let l = self.arena.link(x, i);
                if l.fwd == NIL || !self.arena.not_after(l, &k) {
                    break;
                }
                x = l.fwd;
                moved = true;
            }
            // Only a node we just moved onto can be the target (the header and
            // the nodes of the levels above are not).
            if moved && self.arena.score(x) == score && self.arena.member(x) == member {
                return Some(NodeId(x));
            }
        }
        None
    }

    /// The 1-based rank of `(score, member)`, or `None` if absent (also when
    /// `member` is stored with another score, as in Redis's `zslGetRank`).
    pub fn rank(&mut self, score: f64, member: &[u8]) -> Option<u64> {
        let k = Key::new(score, member);
        let d = self.descend(
            DescentOp::Rank,
            || format!("{} {}", super::format_score(score), show(member)),
            |a, l, _| a.not_after(l, &k),
            |a, x, _| x != HEAD && a.score(x) == score && a.member(x) == member,
        );
        d.early.then_some(d.at_rank)
    }

    /// The node at 1-based rank `r`.
    pub fn by_rank(&mut self, r: u64) -> Option<NodeId> {
        let d = self.descend(
            DescentOp::ByRank,
            || format!("rank {r}"),
            |_, _, t| t <= r,
            |_, x, t| x != HEAD && t == r,
        );
        d.early.then_some(NodeId(d.x))
    }

    /// Whether some node has a score inside `range` (Redis's `zslIsInRange`).
    pub fn is_in_range(&self, range: &ScoreRange) -> bool {
        if range.is_empty() || self.tail == NIL {
            return false;
        }
        if !range.gte_min(self.arena.score(self.tail)) {
            return false;
        }
        let first = self.arena.link(HEAD, 0);
        first.fwd != NIL && range.lte_max(first.score)
    }

    /// The first node whose score is inside `range`.
    pub fn first_in_range(&mut self, range: &ScoreRange) -> Option<NodeId> {
        if !self.is_in_range(range) {
            return None;
        }
        let r = *range;
        let d = self.descend(
            DescentOp::FirstInRange,
            || range_text(&r),
            |_, l, _| !r.gte_min(l.score),
            |_, _, _| false,
        );
        let x = self.arena.link(d.x, 0);
        (x.fwd != NIL && r.lte_max(x.score)).then_some(NodeId(x.fwd))
    }

    /// The last node whose score is inside `range`.
    pub fn last_in_range(&mut self, range: &ScoreRange) -> Option<NodeId> {
        if !self.is_in_range(range) {
            return None;
        }
        let r = *range;
        let d = self.descend(
            DescentOp::LastInRange,
            || range_text(&r),
            |_, l, _| r.lte_max(l.score),
            |_, _, _| false,
        );
        (d.x != HEAD && r.gte_min(self.arena.score(d.x))).then_some(NodeId(d.x))
    }

    /// The 1-based rank of a node, by walking from the header (used to count
    /// a score range as Redis's ZCOUNT does: `rank(last) - rank(first) + 1`).
    pub fn rank_of(&mut self, n: NodeId) -> u64 {
        let (score, member) = (self.arena.score(n.0), self.arena.member(n.0).to_vec());
        self.rank(score, &member).unwrap_or(0)
    }

    /// Search for the first node with score `>= target` (or `> target` when
    /// `exclusive`), recording the path level by level. This is the descent of
    /// Redis's `zslFirstInRange` without its early range check, so it always
    /// shows the full walk.
    pub fn search(&mut self, target: f64, exclusive: bool) -> SearchPath {
        emit!(
            self.obs,
            ZsetEvent::DescentBegin {
                op: DescentOp::Search,
                target: format!(
                    "{}{}",
                    if exclusive { "(" } else { "" },
                    super::format_score(target)
                ),
                level: self.level,
            }
        );
        let mut levels = Vec::new();
        let mut comparisons = 0;
        let mut x = HEAD;
        let mut rank = 0;
        for i in (0..self.level).rev() {
            let mut pl = PathLevel {
                level: i + 1,
                advanced: Vec::new(),
                stopped_by: None,
                compared: 0,
                rank,
            };
            loop {
                let link = self.arena.link(x, i);
                if link.fwd == NIL {
                    break;
                }
                pl.compared += 1;
                let go = if exclusive {
                    link.score <= target
                } else {
                    link.score < target
                };
                let next = show(self.arena.member(link.fwd));
                if !go {
                    pl.stopped_by = Some(next);
                    break;
                }
                rank += u64::from(link.span);
                pl.advanced.push(next.clone());
                emit!(
                    self.obs,
                    ZsetEvent::Advance {
                        level: i + 1,
                        from: nm(&self.arena, x),
                        to: next,
                        span: link.span.into(),
                        rank,
                    }
                );
                x = link.fwd;
            }
            pl.rank = rank;
            comparisons += pl.compared;
            emit!(
                self.obs,
                ZsetEvent::LevelDown {
                    level: i + 1,
                    at: nm(&self.arena, x),
                    stopped_by: pl.stopped_by.clone(),
                    rank,
                }
            );
            levels.push(pl);
        }
        let f = self.arena.link(x, 0);
        let found = (f.fwd != NIL).then(|| (self.arena.member(f.fwd).to_vec(), f.score, rank + 1));
        emit!(
            self.obs,
            ZsetEvent::SearchFound {
                member: found.as_ref().map(|(m, _, _)| show(m)),
                rank: found.as_ref().map_or(0, |f| f.2),
                comparisons,
            }
        );
        SearchPath {
            levels,
            found,
            comparisons,
        }
    }

    /// Check every structural invariant; `Err` says which one broke.
    ///
    /// Order by `(score, member)`, no NaN, heights in `1..=32`, the list level
    /// equal to the highest node height (at least 1), every forward link on level
    /// `i` pointing at the next node that has level `i` and caching that node's
    /// score and member prefix, every span equal to the rank difference (to nothing: the number of
    /// nodes after the source), backward pointers (the first node's is nil),
    /// `tail`, and `length`.
    pub fn check_invariants(&self) -> Result<(), String> {
        let a = &self.arena;
        let mut order = vec![HEAD];
        let mut cur = a.link(HEAD, 0).fwd;
        while cur != NIL {
            if order.len() as u64 > self.length + 1 {
                return Err("level-1 list longer than length (cycle?)".into());
            }
            order.push(cur);
            cur = a.link(cur, 0).fwd;
        }
        let n = order.len() - 1;
        if n as u64 != self.length {
            return Err(format!("length {} but {} nodes on level 1", self.length, n));
        }
        let mut maxh = 1;
        for w in 1..order.len() {
            let x = order[w];
            let score = a.score(x);
            if score.is_nan() {
                return Err("NaN score stored".into());
            }
            let h = a.height(x);
            if !(1..=MAX_LEVEL).contains(&h) {
                return Err(format!("node height {h} out of 1..=32"));
            }
            maxh = maxh.max(h);
            let want_back = if w == 1 { NIL } else { order[w - 1] };
            if a.back(x) != want_back {
                return Err(format!("bad backward pointer on {}", show(a.member(x))));
            }
            if w > 1 {
                let p = order[w - 1];
                let (ps, pm) = (a.score(p), a.member(p));
                if !(ps < score || (ps == score && pm < a.member(x))) {
                    return Err(format!(
                        "order broken between {} and {}",
                        show(a.member(p)),
                        show(a.member(x))
                    ));
                }
            }
        }
        if n == 0 && self.level != 1 || n > 0 && self.level != maxh {
            return Err(format!(
                "list level {} but tallest node {}",
                self.level, maxh
            ));
        }
        let want_tail = if n == 0 { NIL } else { order[n] };
        if self.tail != want_tail {
            return Err("tail is not the last node".into());
        }
        for i in 0..self.level {
            // Positions (ranks) of nodes that have level i, header = 0.
            let at: Vec<usize> = (0..order.len())
                .filter(|&r| r == 0 || a.height(order[r]) > i)
                .collect();
            for (k, &r) in at.iter().enumerate() {
                let link = a.link(order[r], i);
                let (want_fwd, want_span) = match at.get(k + 1) {
                    Some(&r2) => (order[r2], (r2 - r) as u64),
                    None => (NIL, (n - r) as u64),
                };
                if link.fwd != want_fwd {
                    return Err(format!("bad forward link on level {} at rank {r}", i + 1));
                }
                if link.fwd != NIL
                    && (link.score.to_bits() != a.score(link.fwd).to_bits()
                        || link.prefix != prefix(a.member(link.fwd)))
                {
                    return Err(format!(
                        "stale score or member prefix on the link to {} on level {}",
                        show(a.member(link.fwd)),
                        i + 1
                    ));
                }
                if u64::from(link.span) != want_span {
                    return Err(format!(
                        "span {} on level {} at rank {r}, expected {want_span}",
                        link.span,
                        i + 1
                    ));
                }
            }
        }
        Ok(())
    }
}

fn nm(a: &Arena, raw: u32) -> Option<String> {
    (raw != HEAD && raw != NIL).then(|| show(a.member(raw)))
}

fn range_text(r: &ScoreRange) -> String {
    format!(
        "{}{} {}{}",
        if r.minex { "(" } else { "" },
        super::format_score(r.min),
        if r.maxex { "(" } else { "" },
        super::format_score(r.max)
    )
}
