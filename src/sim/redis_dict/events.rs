//! What the dict and its server report: every resize, bucket move, lookup and
//! cron decision, in order. A [`DictView`](super::DictView) is rebuilt from these alone.

use serde::{Deserialize, Serialize};

use super::ResizePolicy;

/// Why a resize started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResizeReason {
    /// `used >= size` with resizing enabled.
    Grow,
    /// `used / size > 5`, allowed even while a child exists.
    Forced,
    /// The cron found the table filled below 10 %.
    Shrink,
    /// An explicit [`Dict::expand`](super::Dict::expand) (e.g. presizing before a reload).
    Explicit,
}

/// Everything the dict and its server do, in order. A [`DictView`](super::DictView) rebuilds the
/// visible structure from these alone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DictEvent {
    /// The first table was allocated (no rehash needed).
    TableCreated {
        /// Buckets in `ht[0]`.
        size: usize,
    },
    /// `ht[1]` was allocated and a rehash from `ht[0]` began (`rehashidx = 0`).
    ResizeStarted {
        /// Size of `ht[0]`.
        from: usize,
        /// Size of the new `ht[1]`.
        to: usize,
        /// Keys in `ht[0]` at that moment.
        used: usize,
        /// What triggered it.
        reason: ResizeReason,
    },
    /// Growth was due but the policy is [`ResizePolicy::Avoid`] and the table is
    /// not full enough (`used / size <= 5`) to force it.
    GrowDeferred {
        /// Keys in `ht[0]`.
        used: usize,
        /// Size of `ht[0]`.
        size: usize,
    },
    /// A new key was pushed at the head of a chain.
    Inserted {
        /// The key.
        key: String,
        /// The table (1 while rehashing).
        table: usize,
        /// The bucket.
        bucket: usize,
    },
    /// An existing key got a new value.
    Updated {
        /// The key.
        key: String,
        /// Its table.
        table: usize,
        /// Its bucket.
        bucket: usize,
    },
    /// A lookup found the key.
    Found {
        /// The key.
        key: String,
        /// Its table.
        table: usize,
        /// Its bucket.
        bucket: usize,
    },
    /// A lookup did not find the key; `buckets` lists the `(table, bucket)`
    /// chains it searched.
    Missed {
        /// The key.
        key: String,
        /// The chains searched.
        buckets: Vec<(usize, usize)>,
    },
    /// A key was unlinked from its chain.
    Deleted {
        /// The key.
        key: String,
        /// Its table.
        table: usize,
        /// Its bucket.
        bucket: usize,
    },
    /// A rehash step found `ht[0][idx]` empty and moved on (`rehashidx = idx + 1`).
    SkippedEmpty {
        /// The empty bucket.
        idx: usize,
    },
    /// A rehash call used up its `n * 10` empty-bucket budget and returned.
    GaveUp {
        /// `rehashidx` where it stopped.
        rehashidx: usize,
        /// Empty buckets visited in this call.
        visited: usize,
    },
    /// One entry of the chain at `ht[0][from]` moved to the head of `ht[1][to]`.
    Moved {
        /// The key.
        key: String,
        /// Bucket in `ht[0]`.
        from: usize,
        /// Bucket in `ht[1]`.
        to: usize,
    },
    /// The whole chain at `ht[0][idx]` has moved (`rehashidx = idx + 1`).
    BucketDone {
        /// The bucket just emptied.
        idx: usize,
    },
    /// `ht[0]` is empty: `ht[1]` became `ht[0]`, `rehashidx = -1`.
    RehashDone {
        /// Size of the table now in use.
        size: usize,
    },
    /// A rehash call refused to move anything because of the resize policy.
    Frozen {
        /// Size of `ht[0]`.
        from: usize,
        /// Size of `ht[1]`.
        to: usize,
    },
    /// SCAN visited a bucket.
    ScanBucket {
        /// The table.
        table: usize,
        /// The bucket.
        bucket: usize,
        /// The keys emitted, in chain order.
        keys: Vec<String>,
    },
    /// The server changed the resize policy (a child appeared or exited).
    PolicyChanged {
        /// The new policy.
        policy: ResizePolicy,
    },
    /// A cron tick ran.
    CronTick {
        /// Whether a child exists (then the cron neither resizes nor rehashes).
        child: bool,
        /// `used * 100 / slots` of the keyspace (0 for an empty one).
        fill_percent: usize,
        /// Whether the cron will move buckets itself.
        active: bool,
    },
    /// The dict was discarded (restart with a new hash seed); a reload follows.
    Reset {
        /// The new seed.
        seed: u64,
    },
}
