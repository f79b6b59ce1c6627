//! The sorted-set engine's events: what a skiplist and its dict do, in order.

use serde::{Deserialize, Serialize};

use super::*;

/// A score in events and views. Serialized as a JSON number when finite and as
/// the strings `"inf"` / `"-inf"` otherwise (JSON has no infinity).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score(pub f64);

impl Serialize for Score {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            s.serialize_f64(self.0)
        } else {
            s.serialize_str(&format_score(self.0))
        }
    }
}

impl<'de> Deserialize<'de> for Score {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(f64),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(x) => Ok(Score(x)),
            Raw::S(s) if s == "inf" => Ok(Score(f64::INFINITY)),
            Raw::S(s) if s == "-inf" => Ok(Score(f64::NEG_INFINITY)),
            Raw::S(s) => Err(serde::de::Error::custom(format!("bad score {s:?}"))),
        }
    }
}

/// How Redis would store the set (`OBJECT ENCODING`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// The compact array form used for small sets.
    Listpack,
    /// Skiplist + dict.
    Skiplist,
}

impl Encoding {
    /// The name `OBJECT ENCODING` prints.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Listpack => "listpack",
            Encoding::Skiplist => "skiplist",
        }
    }
}

/// Everything the sorted-set engine does, in order. Levels are 1-based (level 1
/// links every node); a `node` of `None` means the header; members are shown
/// with [`show`]; ranks are 1-based as inside Redis (the header has rank 0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ZsetEvent {
    /// A new key was created holding an empty sorted set.
    KeyCreated {
        /// The encoding Redis chose for it.
        encoding: Encoding,
    },
    /// The key was deleted (its last member was removed, or DEL).
    KeyDeleted {},
    /// Redis would convert the listpack to skiplist+dict here.
    EncodingConverted {
        /// Old encoding.
        from: Encoding,
        /// New encoding.
        to: Encoding,
        /// Why (which limit was passed).
        reason: String,
    },
    /// A descent from the header starts.
    DescentBegin {
        /// What the descent is for.
        op: DescentOp,
        /// What it looks for, as text.
        target: String,
        /// The list level it starts on.
        level: usize,
    },
    /// The descent moved right along a link.
    Advance {
        /// Level of the link.
        level: usize,
        /// The node it left.
        from: Option<String>,
        /// The node it moved onto.
        to: String,
        /// The link's span.
        span: u64,
        /// Rank of `to`.
        rank: u64,
    },
    /// The descent stopped on a level and goes down (or ends, on level 1).
    LevelDown {
        /// The level it leaves.
        level: usize,
        /// The node it stands on.
        at: Option<String>,
        /// The next node, which failed the test (`None`: end of the level).
        stopped_by: Option<String>,
        /// Rank of `at`.
        rank: u64,
    },
    /// The `search` command's result.
    SearchFound {
        /// The first node at or above the target, if any.
        member: Option<String>,
        /// Its rank (0 when none).
        rank: u64,
        /// Nodes compared along the way.
        comparisons: usize,
    },
    /// A new node's height was drawn.
    LevelDrawn {
        /// The height.
        height: usize,
        /// Whether it came from a `levels` queue rather than the RNG.
        forced: bool,
    },
    /// The list level grew: the header's new levels span all `header_span` nodes.
    ListLevelRaised {
        /// Old level.
        from: usize,
        /// New level.
        to: usize,
        /// Span given to the header on the new levels (the length).
        header_span: u64,
    },
    /// The list level shrank after its top levels became empty.
    ListLevelLowered {
        /// Old level.
        from: usize,
        /// New level.
        to: usize,
    },
    /// A node was spliced into the list at `rank`.
    NodeLinked {
        /// Member.
        member: String,
        /// Score.
        score: Score,
        /// Number of levels.
        height: usize,
        /// Its rank.
        rank: u64,
    },
    /// A node was taken out of the list.
    NodeUnlinked {
        /// Member.
        member: String,
        /// The rank it had.
        rank: u64,
    },
    /// A link's span changed.
    SpanSet {
        /// Level of the link.
        level: usize,
        /// Owner of the link (`None`: the header).
        node: Option<String>,
        /// New span.
        span: u64,
    },
    /// A node's backward pointer changed.
    BackwardSet {
        /// The node.
        node: String,
        /// Where it points now (`None`: nothing, it is first).
        to: Option<String>,
    },
    /// A score changed without moving the node (it still sits between its
    /// neighbours).
    ScoreSetInPlace {
        /// Member.
        member: String,
        /// Old score.
        old: Score,
        /// New score.
        new: Score,
    },
    /// The dict was asked for a member.
    DictFind {
        /// Member.
        member: String,
        /// Its score if present.
        found: Option<Score>,
    },
    /// A member was added to the dict.
    DictAdd {
        /// Member.
        member: String,
        /// Score.
        score: Score,
    },
    /// A member's score was changed in the dict.
    DictSet {
        /// Member.
        member: String,
        /// New score.
        score: Score,
    },
    /// A member was removed from the dict.
    DictDelete {
        /// Member.
        member: String,
    },
    /// A range reply walked level 1 from a start node.
    RangeWalk {
        /// Rank of the first node emitted (0: none).
        from_rank: u64,
        /// Nodes emitted.
        count: u64,
        /// Walking backwards (ZREVRANGE…).
        reverse: bool,
    },
}

/// A [`ZsetEvent`] with the key it happened in, as a session reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyedEvent {
    /// The key, shown with [`show`].
    pub key: String,
    /// The event.
    #[serde(flatten)]
    pub event: ZsetEvent,
}
