//! The skiplist half of a Redis sorted set: an ordered list of nodes, each with a
//! random number of levels, where every forward link also remembers its *span*
//! (how many rank positions it jumps), so the same descent that finds a node
//! also computes its rank.
//!
//! The layout is the one of Redis's `zskiplist` (see the parent module for the
//! algorithm): a header node with [`MAX_LEVEL`] links, nodes ordered by
//! `(score, member bytes)`, spans on every link (also on links to nothing, where
//! the span counts the nodes after the source), and a backward pointer on level 1
//! only. Nodes live in an arena (`Vec`) and are addressed by [`NodeId`].

use std::collections::VecDeque;

use super::{show, ZsetEvent};
use crate::emit;
use crate::sim::trace::{NoTrace, Observer, Rng};

/// Highest number of levels a node (and the list) can have, as in Redis.
pub const MAX_LEVEL: usize = 32;

/// Probability that a node that reached level `k` also gets level `k+1`.
pub const P: f64 = 0.25;

const NIL: u32 = u32::MAX;
const HEAD: u32 = 0;

/// A handle on a node of one [`SkipList`]; valid until that node is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeId(u32);

#[derive(Clone, Copy, Debug)]
struct Link {
    fwd: u32,
    span: u64,
}

#[derive(Clone, Debug)]
struct Node {
    ele: Box<[u8]>,
    score: f64,
    back: u32,
    lv: Vec<Link>,
}

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
    nodes: Vec<Node>,
    free: Vec<u32>,
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

fn before(n: &Node, score: f64, ele: &[u8]) -> bool {
    n.score < score || (n.score == score && *n.ele < *ele)
}

impl<O: Observer<ZsetEvent>> SkipList<O> {
    /// An empty skiplist reporting to `obs`.
    pub fn with_observer(seed: u64, obs: O) -> Self {
        let head = Node {
            ele: Box::default(),
            score: 0.0,
            back: NIL,
            lv: vec![Link { fwd: NIL, span: 0 }; MAX_LEVEL],
        };
        SkipList {
            nodes: vec![head],
            free: Vec::new(),
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
        self.id(self.nodes[HEAD as usize].lv[0].fwd)
    }

    /// The last node.
    pub fn last(&self) -> Option<NodeId> {
        self.id(self.tail)
    }

    /// The node after `n` on level 1.
    pub fn next(&self, n: NodeId) -> Option<NodeId> {
        self.id(self.nodes[n.0 as usize].lv[0].fwd)
    }

    /// The node before `n` (the backward pointer).
    pub fn prev(&self, n: NodeId) -> Option<NodeId> {
        self.id(self.nodes[n.0 as usize].back)
    }

    /// A node's member bytes.
    pub fn member(&self, n: NodeId) -> &[u8] {
        &self.nodes[n.0 as usize].ele
    }

    /// A node's score.
    pub fn score(&self, n: NodeId) -> f64 {
        self.nodes[n.0 as usize].score
    }

    /// A node's height (number of levels).
    pub fn height(&self, n: NodeId) -> usize {
        self.nodes[n.0 as usize].lv.len()
    }

    /// The span of `n`'s link on 0-based level `i` (`i < height`).
    pub fn span(&self, n: NodeId, i: usize) -> u64 {
        self.nodes[n.0 as usize].lv[i].span
    }

    /// The header's span on 0-based level `i` (meaningful for `i < level()`).
    pub fn header_span(&self, i: usize) -> u64 {
        self.nodes[HEAD as usize].lv[i].span
    }

    /// Every `(member, score)` in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], f64)> + '_ {
        let mut cur = self.nodes[HEAD as usize].lv[0].fwd;
        std::iter::from_fn(move || {
            if cur == NIL {
                return None;
            }
            let n = &self.nodes[cur as usize];
            cur = n.lv[0].fwd;
            Some((&*n.ele, n.score))
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

    /// Walk from the header down, moving right on each level while `go(next,
    /// rank_after_move)` holds. Stops early when `early(x, rank)` holds after a
    /// level. Emits the search path.
    fn descend(
        &mut self,
        op: DescentOp,
        target: impl FnOnce() -> String,
        mut go: impl FnMut(&Node, u64) -> bool,
        mut early: impl FnMut(&Node, u32, u64) -> bool,
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
        for i in (0..self.level).rev() {
            d.rank[i] = if i == self.level - 1 {
                0
            } else {
                d.rank[i + 1]
            };
            loop {
                let link = self.nodes[x as usize].lv[i];
                if link.fwd == NIL {
                    emit!(
                        self.obs,
                        ZsetEvent::LevelDown {
                            level: i + 1,
                            at: nm(&self.nodes, x),
                            stopped_by: None,
                            rank: d.rank[i],
                        }
                    );
                    break;
                }
                let next = &self.nodes[link.fwd as usize];
                if go(next, d.rank[i] + link.span) {
                    d.rank[i] += link.span;
                    emit!(
                        self.obs,
                        ZsetEvent::Advance {
                            level: i + 1,
                            from: nm(&self.nodes, x),
                            to: show(&next.ele),
                            span: link.span,
                            rank: d.rank[i],
                        }
                    );
                    x = link.fwd;
                } else {
                    emit!(
                        self.obs,
                        ZsetEvent::LevelDown {
                            level: i + 1,
                            at: nm(&self.nodes, x),
                            stopped_by: Some(show(&next.ele)),
                            rank: d.rank[i],
                        }
                    );
                    break;
                }
            }
            d.update[i] = x;
            if early(&self.nodes[x as usize], x, d.rank[i]) {
                d.x = x;
                d.early = true;
                d.at_rank = d.rank[i];
                return d;
            }
        }
        d.x = x;
        d
    }

    fn set_span(&mut self, x: u32, i: usize, span: u64) {
        self.nodes[x as usize].lv[i].span = span;
        emit!(
            self.obs,
            ZsetEvent::SpanSet {
                level: i + 1,
                node: nm(&self.nodes, x),
                span,
            }
        );
    }

    fn set_back(&mut self, x: u32, back: u32) {
        self.nodes[x as usize].back = back;
        emit!(
            self.obs,
            ZsetEvent::BackwardSet {
                node: show(&self.nodes[x as usize].ele),
                to: nm(&self.nodes, back),
            }
        );
    }

    /// Insert `member` with `score`; returns its 1-based rank.
    ///
    /// The member must not be in the list already, and `score` must not be NaN.
    pub fn insert(&mut self, score: f64, member: &[u8]) -> u64 {
        debug_assert!(!score.is_nan(), "NaN is never stored");
        let mut d = self.descend(
            DescentOp::Insert,
            || format!("{} {}", super::format_score(score), show(member)),
            |n, _| before(n, score, member),
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
                self.nodes[HEAD as usize].lv[i].span = self.length;
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
        let node = Node {
            ele: member.into(),
            score,
            back: NIL,
            lv: vec![Link { fwd: NIL, span: 0 }; lvl],
        };
        let x = match self.free.pop() {
            Some(slot) => {
                self.nodes[slot as usize] = node;
                slot
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
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
            let ul = self.nodes[u as usize].lv[i];
            self.nodes[x as usize].lv[i].fwd = ul.fwd;
            self.nodes[u as usize].lv[i].fwd = x;
            let jumped = d.rank[0] - d.rank[i];
            self.set_span(x, i, ul.span - jumped);
            self.set_span(u, i, jumped + 1);
        }
        for i in lvl..self.level {
            let u = d.update[i];
            let s = self.nodes[u as usize].lv[i].span + 1;
            self.set_span(u, i, s);
        }
        let back = if d.update[0] == HEAD {
            NIL
        } else {
            d.update[0]
        };
        self.set_back(x, back);
        let next = self.nodes[x as usize].lv[0].fwd;
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
            let ul = self.nodes[u as usize].lv[i];
            if ul.fwd == x {
                let xl = self.nodes[x as usize].lv[i];
                self.nodes[u as usize].lv[i].fwd = xl.fwd;
                self.set_span(u, i, ul.span + xl.span - 1);
            } else {
                self.set_span(u, i, ul.span - 1);
            }
        }
        emit!(
            self.obs,
            ZsetEvent::NodeUnlinked {
                member: show(&self.nodes[x as usize].ele),
                rank,
            }
        );
        let next = self.nodes[x as usize].lv[0].fwd;
        let back = self.nodes[x as usize].back;
        if next != NIL {
            self.set_back(next, back);
        } else {
            self.tail = back;
        }
        let from = self.level;
        while self.level > 1 && self.nodes[HEAD as usize].lv[self.level - 1].fwd == NIL {
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
        self.nodes[x as usize].ele = Box::default();
        self.nodes[x as usize].lv = Vec::new();
        self.free.push(x);
    }

    /// Delete the node `(score, member)`; returns whether it was there.
    pub fn delete(&mut self, score: f64, member: &[u8]) -> bool {
        let d = self.descend(
            DescentOp::Delete,
            || format!("{} {}", super::format_score(score), show(member)),
            |n, _| before(n, score, member),
            |_, _, _| false,
        );
        let x = self.nodes[d.x as usize].lv[0].fwd;
        if x != NIL
            && self.nodes[x as usize].score == score
            && *self.nodes[x as usize].ele == *member
        {
            self.delete_node(x, &d.update, d.rank[0] + 1);
            true
        } else {
            false
        }
    }

    /// Change the score of `member` from `cur` to `new`: in place when the node
    /// stays strictly between its neighbours, else delete and re-insert (with a
    /// new random height). Returns whether the node was found.
    pub fn update_score(&mut self, cur: f64, member: &[u8], new: f64) -> bool {
        let d = self.descend(
            DescentOp::UpdateScore,
            || format!("{} {}", super::format_score(cur), show(member)),
            |n, _| before(n, cur, member),
            |_, _, _| false,
        );
        let x = self.nodes[d.x as usize].lv[0].fwd;
        if x == NIL || self.nodes[x as usize].score != cur || *self.nodes[x as usize].ele != *member
        {
            return false;
        }
        let back = self.nodes[x as usize].back;
        let next = self.nodes[x as usize].lv[0].fwd;
        if (back == NIL || self.nodes[back as usize].score < new)
            && (next == NIL || self.nodes[next as usize].score > new)
        {
            self.nodes[x as usize].score = new;
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

    /// The node `(score, member)`, if present. The same descent as
    /// [`delete`](Self::delete) (strict `<` on `(score, member)`), read-only and
    /// not traced: a plain membership test.
    pub fn find(&self, score: f64, member: &[u8]) -> Option<NodeId> {
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let fwd = self.nodes[x as usize].lv[i].fwd;
                if fwd == NIL || !before(&self.nodes[fwd as usize], score, member) {
                    break;
                }
                x = fwd;
            }
        }
        let x = self.nodes[x as usize].lv[0].fwd;
        (x != NIL
            && self.nodes[x as usize].score == score
            && *self.nodes[x as usize].ele == *member)
            .then_some(NodeId(x))
    }

    /// The 1-based rank of `(score, member)`, or `None` if absent.
    pub fn rank(&mut self, score: f64, member: &[u8]) -> Option<u64> {
        let d = self.descend(
            DescentOp::Rank,
            || format!("{} {}", super::format_score(score), show(member)),
            |n, _| n.score < score || (n.score == score && *n.ele <= *member),
            |n, x, _| x != HEAD && *n.ele == *member,
        );
        d.early.then_some(d.at_rank)
    }

    /// The node at 1-based rank `r`.
    pub fn by_rank(&mut self, r: u64) -> Option<NodeId> {
        let d = self.descend(
            DescentOp::ByRank,
            || format!("rank {r}"),
            |_, t| t <= r,
            |_, x, t| x != HEAD && t == r,
        );
        d.early.then_some(NodeId(d.x))
    }

    /// Whether some node has a score inside `range` (Redis's `zslIsInRange`).
    pub fn is_in_range(&self, range: &ScoreRange) -> bool {
        if range.is_empty() || self.tail == NIL {
            return false;
        }
        if !range.gte_min(self.nodes[self.tail as usize].score) {
            return false;
        }
        let first = self.nodes[HEAD as usize].lv[0].fwd;
        first != NIL && range.lte_max(self.nodes[first as usize].score)
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
            |n, _| !r.gte_min(n.score),
            |_, _, _| false,
        );
        let x = self.nodes[d.x as usize].lv[0].fwd;
        (x != NIL && r.lte_max(self.nodes[x as usize].score)).then_some(NodeId(x))
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
            |n, _| r.lte_max(n.score),
            |_, _, _| false,
        );
        (d.x != HEAD && r.gte_min(self.nodes[d.x as usize].score)).then_some(NodeId(d.x))
    }

    /// The 1-based rank of a node, by walking from the header (used to count
    /// a score range as Redis's ZCOUNT does: `rank(last) - rank(first) + 1`).
    pub fn rank_of(&mut self, n: NodeId) -> u64 {
        let node = &self.nodes[n.0 as usize];
        let (score, member) = (node.score, node.ele.clone());
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
                let link = self.nodes[x as usize].lv[i];
                if link.fwd == NIL {
                    break;
                }
                let next = &self.nodes[link.fwd as usize];
                pl.compared += 1;
                let go = if exclusive {
                    next.score <= target
                } else {
                    next.score < target
                };
                if !go {
                    pl.stopped_by = Some(show(&next.ele));
                    break;
                }
                rank += link.span;
                pl.advanced.push(show(&next.ele));
                emit!(
                    self.obs,
                    ZsetEvent::Advance {
                        level: i + 1,
                        from: nm(&self.nodes, x),
                        to: show(&next.ele),
                        span: link.span,
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
                    at: nm(&self.nodes, x),
                    stopped_by: pl.stopped_by.clone(),
                    rank,
                }
            );
            levels.push(pl);
        }
        let f = self.nodes[x as usize].lv[0].fwd;
        let found = (f != NIL).then(|| {
            let n = &self.nodes[f as usize];
            (n.ele.to_vec(), n.score, rank + 1)
        });
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
    /// `i` pointing at the next node that has level `i`, every span equal to the
    /// rank difference (to nothing: the number of nodes after the source),
    /// backward pointers (the first node's is nil), `tail`, and `length`.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut order = vec![HEAD];
        let mut cur = self.nodes[HEAD as usize].lv[0].fwd;
        while cur != NIL {
            if order.len() as u64 > self.length + 1 {
                return Err("level-1 list longer than length (cycle?)".into());
            }
            order.push(cur);
            cur = self.nodes[cur as usize].lv[0].fwd;
        }
        let n = order.len() - 1;
        if n as u64 != self.length {
            return Err(format!("length {} but {} nodes on level 1", self.length, n));
        }
        let mut maxh = 1;
        for w in 1..order.len() {
            let node = &self.nodes[order[w] as usize];
            if node.score.is_nan() {
                return Err("NaN score stored".into());
            }
            let h = node.lv.len();
            if !(1..=MAX_LEVEL).contains(&h) {
                return Err(format!("node height {h} out of 1..=32"));
            }
            maxh = maxh.max(h);
            let want_back = if w == 1 { NIL } else { order[w - 1] };
            if node.back != want_back {
                return Err(format!("bad backward pointer on {}", show(&node.ele)));
            }
            if w > 1 {
                let p = &self.nodes[order[w - 1] as usize];
                if !before(p, node.score, &node.ele) {
                    return Err(format!(
                        "order broken between {} and {}",
                        show(&p.ele),
                        show(&node.ele)
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
                .filter(|&r| r == 0 || self.nodes[order[r] as usize].lv.len() > i)
                .collect();
            for (k, &r) in at.iter().enumerate() {
                let link = self.nodes[order[r] as usize].lv[i];
                let (want_fwd, want_span) = match at.get(k + 1) {
                    Some(&r2) => (order[r2], (r2 - r) as u64),
                    None => (NIL, (n - r) as u64),
                };
                if link.fwd != want_fwd {
                    return Err(format!("bad forward link on level {} at rank {r}", i + 1));
                }
                if link.span != want_span {
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

fn nm(nodes: &[Node], raw: u32) -> Option<String> {
    (raw != HEAD && raw != NIL).then(|| show(&nodes[raw as usize].ele))
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
