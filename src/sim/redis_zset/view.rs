//! The sorted sets as the animation draws them, rebuilt from [`KeyedEvent`]s
//! alone (levels as rows, nodes as columns, the last search path).

use serde::Serialize;

use super::*;

/// One node as drawn: a column with one span per level.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeView {
    /// Member, shown with [`show`].
    pub member: String,
    /// Score.
    pub score: Score,
    /// Span of its link on each level, level 1 first (the length is its height).
    pub spans: Vec<u64>,
    /// The node its backward pointer points to (`None` for the first node).
    pub backward: Option<String>,
}

/// One key's skiplist as drawn.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ListView {
    /// The encoding Redis would report.
    pub encoding: Encoding,
    /// The header's span on each level in use, level 1 first (the length is the
    /// list level).
    pub header: Vec<u64>,
    /// The nodes in order (rank 1 first).
    pub nodes: Vec<NodeView>,
}

impl ListView {
    /// The list level (number of rows).
    pub fn level(&self) -> usize {
        self.header.len()
    }

    /// Row-major layout for drawing: for each level (top first), the columns
    /// (node indexes, `None` = header) that have a link on it, with its span.
    pub fn rows(&self) -> Vec<Vec<(Option<usize>, u64)>> {
        (0..self.level())
            .rev()
            .map(|i| {
                std::iter::once((None, self.header[i]))
                    .chain(
                        self.nodes
                            .iter()
                            .enumerate()
                            .filter(|(_, n)| n.spans.len() > i)
                            .map(|(k, n)| (Some(k), n.spans[i])),
                    )
                    .collect()
            })
            .collect()
    }

    fn node_mut(&mut self, member: &str) -> Option<&mut NodeView> {
        self.nodes.iter_mut().find(|n| n.member == member)
    }

    /// The view of a real set.
    pub fn of<O: Observer<ZsetEvent>>(set: &SortedSet<O>, encoding: Encoding) -> Self {
        let zsl = set.skiplist();
        let header = (0..zsl.level()).map(|i| zsl.header_span(i)).collect();
        let mut nodes = Vec::new();
        let mut cur = zsl.first();
        while let Some(x) = cur {
            nodes.push(NodeView {
                member: show(zsl.member(x)),
                score: Score(zsl.score(x)),
                spans: (0..zsl.height(x)).map(|i| zsl.span(x, i)).collect(),
                backward: zsl.prev(x).map(|p| show(zsl.member(p))),
            });
            cur = zsl.next(x);
        }
        ListView {
            encoding,
            header,
            nodes,
        }
    }
}

/// One step of the lit search path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathStep {
    /// Level (1-based).
    pub level: usize,
    /// The node the search stands on after this step (`None`: header).
    pub at: Option<String>,
    /// `true` for a move right, `false` for going down.
    pub advance: bool,
    /// The node that stopped the walk when going down.
    pub stopped_by: Option<String>,
    /// Rank accumulated so far.
    pub rank: u64,
}

/// The most recent descent, for lighting the search path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathView {
    /// The key searched.
    pub key: String,
    /// What the descent was for.
    pub op: DescentOp,
    /// Its target, as text.
    pub target: String,
    /// Its steps so far.
    pub steps: Vec<PathStep>,
    /// For `search`: the member found (and its rank).
    pub found: Option<(Option<String>, u64)>,
}

/// Everything the sorted-set animation draws, rebuildable from events alone.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ZsetView {
    /// Each key's skiplist.
    pub keys: BTreeMap<String, ListView>,
    /// The most recent descent (search path), if any.
    pub path: Option<PathView>,
}

impl ZsetView {
    /// Apply one event.
    pub fn apply(&mut self, ev: &KeyedEvent) {
        use ZsetEvent as E;
        match &ev.event {
            E::KeyCreated { encoding } => {
                self.keys.insert(
                    ev.key.clone(),
                    ListView {
                        encoding: *encoding,
                        header: vec![0],
                        nodes: Vec::new(),
                    },
                );
            }
            E::KeyDeleted {} => {
                self.keys.remove(&ev.key);
            }
            E::DescentBegin { op, target, .. } => {
                self.path = Some(PathView {
                    key: ev.key.clone(),
                    op: *op,
                    target: target.clone(),
                    steps: Vec::new(),
                    found: None,
                });
            }
            E::Advance {
                level, to, rank, ..
            } => {
                if let Some(p) = &mut self.path {
                    p.steps.push(PathStep {
                        level: *level,
                        at: Some(to.clone()),
                        advance: true,
                        stopped_by: None,
                        rank: *rank,
                    });
                }
            }
            E::LevelDown {
                level,
                at,
                stopped_by,
                rank,
            } => {
                if let Some(p) = &mut self.path {
                    p.steps.push(PathStep {
                        level: *level,
                        at: at.clone(),
                        advance: false,
                        stopped_by: stopped_by.clone(),
                        rank: *rank,
                    });
                }
            }
            E::SearchFound { member, rank, .. } => {
                if let Some(p) = &mut self.path {
                    p.found = Some((member.clone(), *rank));
                }
            }
            _ => {}
        }
        let Some(list) = self.keys.get_mut(&ev.key) else {
            return;
        };
        match &ev.event {
            E::EncodingConverted { to, .. } => list.encoding = *to,
            E::ListLevelRaised {
                to, header_span, ..
            } => list.header.resize(*to, *header_span),
            E::ListLevelLowered { to, .. } => list.header.truncate(*to),
            E::NodeLinked {
                member,
                score,
                height,
                rank,
            } => {
                let at = (*rank as usize).saturating_sub(1).min(list.nodes.len());
                list.nodes.insert(
                    at,
                    NodeView {
                        member: member.clone(),
                        score: *score,
                        spans: vec![0; *height],
                        backward: None,
                    },
                );
            }
            E::NodeUnlinked { member, .. } => list.nodes.retain(|n| &n.member != member),
            E::SpanSet { level, node, span } => {
                let slot = match node {
                    None => list.header.get_mut(level - 1),
                    Some(m) => list.node_mut(m).and_then(|n| n.spans.get_mut(level - 1)),
                };
                if let Some(s) = slot {
                    *s = *span;
                }
            }
            E::BackwardSet { node, to } => {
                if let Some(n) = list.node_mut(node) {
                    n.backward = to.clone();
                }
            }
            E::ScoreSetInPlace { member, new, .. } => {
                if let Some(n) = list.node_mut(member) {
                    n.score = *new;
                }
            }
            _ => {}
        }
    }
}
