//! Redis's dict: a chained hash table that grows and shrinks by *incremental
//! rehashing* (Redis 7.0 semantics).
//!
//! # The idea
//!
//! A hash table keeps an array of buckets. A key goes to bucket
//! `hash(key) & (size - 1)` (sizes are powers of two, so this keeps the low bits
//! of the hash), and keys that land in the same bucket form a linked chain. A new
//! key is pushed at the **head** of its chain, on the bet that recently added keys
//! are read more often.
//!
//! When the table fills up, chains get long and lookups slow down, so the table
//! must grow. Copying every key into a bigger array at once would stop a server
//! for as long as the copy takes. Redis instead keeps **two tables**: `ht[0]`, the
//! old one, and `ht[1]`, the new one, plus a cursor, `rehashidx`, saying which
//! bucket of `ht[0]` moves next. While a rehash is running:
//!
//! * every lookup, insert and delete first does one **rehash step**: it moves the
//!   whole chain of the next non-empty `ht[0]` bucket into `ht[1]`. A step looks at
//!   no more than `n * 10` empty buckets (here `n = 1`): on a sparse table it may
//!   give up without moving anything, so that one request never pays for a long
//!   scan;
//! * lookups and deletes search `ht[0]` and then `ht[1]`;
//! * new keys go only into `ht[1]`, so `ht[0]` only ever empties;
//! * when `ht[0]` is empty the tables are swapped and `rehashidx` goes back to -1.
//!
//! A 2x expansion splits each bucket `b` into `b` and `b + old_size` (one more bit
//! of the hash decides). A shrink folds buckets modulo the new size.
//!
//! # When the table is resized (7.0 rules)
//!
//! * The first insert allocates 4 buckets.
//! * Growth: before an insert, if `used >= size`, start a rehash to the smallest
//!   power of two `>= used + 1`. While a fork child exists (BGSAVE, AOF rewrite)
//!   the server switches the dict to [`ResizePolicy::Avoid`]: growth then happens
//!   only when `used / size > 5` (integer division), and a running rehash whose
//!   two sizes differ by less than 5x is frozen, to avoid copy-on-write of memory
//!   pages shared with the child.
//! * Shrink: the *server cron* (not a delete) checks the keyspace every tick: if
//!   the fill `used * 100 / slots` is below 10 % and the table is bigger than 4, it
//!   starts a rehash to the smallest power of two `>= max(used, 4)`.
//! * The cron also moves buckets itself (`activerehashing yes`, the default), in
//!   batches of 100 steps.
//!
//! # The hash
//!
//! Redis hashes keys with SipHash-1-2 under a random 16-byte key chosen when the
//! process starts. Here the key comes from a seed ([`seed_key`]), so runs are
//! reproducible; a different seed changes which bucket each key lands in and how
//! many steps a rehash takes, but never the table sizes or when a resize starts.
//!
//! # SCAN
//!
//! [`Dict::scan`] walks buckets in *reverse binary* order: the cursor is
//! incremented from its highest bit down. Because a bucket `b` of a table of size
//! `s` becomes buckets `b` and `b + s` of a table of size `2s`, which are
//! consecutive in that order, a full scan that starts at 0 and stops when the
//! cursor comes back to 0 returns every key that was present the whole time, even
//! if the table was resized between calls. During a rehash it visits the small
//! table's bucket and then all its expansions in the big table.
//!
//! # This module
//!
//! * [`Dict`]: the table itself, a normal map (`insert`, `get`, `remove`, `len`,
//!   `iter`), generic over an [`Observer`] of [`DictEvent`]s.
//! * [`Server`]: the keyspace layer. It charges rehash steps per command exactly as
//!   redis-server 7.0 does (a `SET` does three dict lookups, a `GET` one), runs the
//!   cron, and switches the resize policy during a background save.
//! * [`DictView`]: what an animation draws, rebuilt from the events alone.
//! * [`DictSession`]: the `redis-dict` command language (`set`, `get`, `del`,
//!   `exists`, `step`, `cron`, `bgsave`, `bgsave-done`, `config`, `scan`, `reseed`,
//!   `fill`, `dbsize`).

use std::borrow::Borrow;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::emit;
use crate::sim::trace::{Loc, NoTrace, Observer, Recorder, Rng};
use crate::sim::{CmdError, Outcome, Preset, Session, Step};

// ---------------------------------------------------------------------------
// SipHash
// ---------------------------------------------------------------------------

/// One SipRound over the four state words.
#[inline(always)]
fn sip_round(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13);
    v[1] ^= v[0];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(16);
    v[3] ^= v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(21);
    v[3] ^= v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(17);
    v[1] ^= v[2];
    v[2] = v[2].rotate_left(32);
}

/// SipHash-C-D of `data` under the 16-byte `key`, 64-bit output.
///
/// `C` compression rounds per 8-byte word, `D` finalization rounds. Redis uses
/// SipHash-1-2 ([`siphash12`]); the reference SipHash is 2-4.
pub fn siphash<const C: usize, const D: usize>(key: &[u8; 16], data: &[u8]) -> u64 {
    let mut k0 = [0u8; 8];
    let mut k1 = [0u8; 8];
    k0.copy_from_slice(&key[..8]);
    k1.copy_from_slice(&key[8..]);
    let k0 = u64::from_le_bytes(k0);
    let k1 = u64::from_le_bytes(k1);
    let mut v = [
        k0 ^ 0x736f_6d65_7073_6575,
        k1 ^ 0x646f_7261_6e64_6f6d,
        k0 ^ 0x6c79_6765_6e65_7261,
        k1 ^ 0x7465_6462_7974_6573,
    ];
    let mut chunks = data.chunks_exact(8);
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let m = u64::from_le_bytes(w);
        v[3] ^= m;
        for _ in 0..C {
            sip_round(&mut v);
        }
        v[0] ^= m;
    }
    let mut last = (data.len() as u64) << 56;
    for (i, &b) in chunks.remainder().iter().enumerate() {
        last |= u64::from(b) << (8 * i);
    }
    v[3] ^= last;
    for _ in 0..C {
        sip_round(&mut v);
    }
    v[0] ^= last;
    v[2] ^= 0xff;
    for _ in 0..D {
        sip_round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

/// SipHash-1-2, the function Redis 7.0 uses for dict keys.
#[inline]
pub fn siphash12(key: &[u8; 16], data: &[u8]) -> u64 {
    siphash::<1, 2>(key, data)
}

/// The 16-byte SipHash key a seed stands for (two outputs of [`Rng`]).
pub fn seed_key(seed: u64) -> [u8; 16] {
    let mut rng = Rng::new(seed);
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
    key[8..].copy_from_slice(&rng.next_u64().to_le_bytes());
    key
}

/// A key as text for views and narration: UTF-8 text as is; anything else
/// (invalid UTF-8, control bytes, a backslash) fully escaped as `\xHH`/`\\`, so two
/// different keys never look the same.
pub fn show_key(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        if !s.chars().any(|c| c.is_control() || c == '\\') {
            return s.to_string();
        }
    }
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Constants, policy, events
// ---------------------------------------------------------------------------

/// Size of the first table (`DICT_HT_INITIAL_SIZE`).
pub const INITIAL_SIZE: usize = 4;
/// `dict_force_resize_ratio`: under [`ResizePolicy::Avoid`], grow only when
/// `used / size > 5`.
pub const FORCE_RESIZE_RATIO: usize = 5;
/// `HASHTABLE_MIN_FILL`: the cron shrinks a table filled below this percentage.
pub const MIN_FILL_PERCENT: usize = 10;
/// Steps per batch of the cron's active rehash (`dictRehash(d, 100)`).
pub const CRON_BATCH: usize = 100;

const NIL: u32 = u32::MAX;

/// Whether the dict may resize (`dict_can_resize`), set by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResizePolicy {
    /// No fork child: grow at `used >= size`, rehash freely.
    Enable,
    /// A fork child exists: grow only at `used / size > 5`; rehashes between
    /// sizes less than 5x apart are frozen.
    Avoid,
    /// Inside the fork child: never resize or rehash.
    Forbid,
}

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
    /// An explicit [`Dict::expand`] (e.g. presizing before a reload).
    Explicit,
}

/// Everything the dict and its server do, in order. A [`DictView`] rebuilds the
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

// ---------------------------------------------------------------------------
// The dict
// ---------------------------------------------------------------------------

/// The `(table, bucket)` chains a lookup of hash `h` searches.
fn searched_buckets(ht: &[Table; 2], rehashing: bool, h: u64) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (t, tab) in ht.iter().enumerate() {
        if tab.size() > 0 {
            out.push((t, tab.bucket(h)));
        }
        if !rehashing {
            break;
        }
    }
    out
}

#[derive(Clone, Debug)]
struct Entry<K, V> {
    key: K,
    value: V,
    hash: u64,
    next: u32,
}

#[derive(Clone, Debug, Default)]
struct Table {
    heads: Vec<u32>,
    used: usize,
}

impl Table {
    #[inline(always)]
    fn size(&self) -> usize {
        self.heads.len()
    }
    #[inline(always)]
    fn bucket(&self, hash: u64) -> usize {
        (hash & (self.heads.len() as u64).wrapping_sub(1)) as usize
    }
}

/// A Redis dict: two chained hash tables and incremental rehashing.
///
/// Keys are byte strings (anything `AsRef<[u8]>`, such as `String` or `Vec<u8>`),
/// hashed with SipHash-1-2. Lookups take `&mut self` because, as in Redis, every
/// lookup on a rehashing dict also moves one bucket.
///
/// Entries live in one arena and are linked by index; this changes nothing
/// observable (chains, buckets and order are Redis's) and makes the table fast.
/// Each entry caches its hash, which Redis recomputes; the value is the same.
#[derive(Clone, Debug)]
pub struct Dict<K, V, O = NoTrace> {
    entries: Vec<Entry<K, V>>,
    ht: [Table; 2],
    rehashidx: Option<usize>,
    pause: u32,
    policy: ResizePolicy,
    key: [u8; 16],
    /// The observer receiving [`DictEvent`]s.
    pub obs: O,
}

/// The default seed of a new [`Dict`].
pub const DEFAULT_SEED: u64 = 0;

impl<K: AsRef<[u8]> + Eq, V> Default for Dict<K, V, NoTrace> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: AsRef<[u8]> + Eq, V> Dict<K, V, NoTrace> {
    /// An empty dict hashing with [`DEFAULT_SEED`], no tracing.
    pub fn new() -> Self {
        Self::with_seed(DEFAULT_SEED)
    }
    /// An empty dict hashing with the key of `seed`, no tracing.
    pub fn with_seed(seed: u64) -> Self {
        Dict::with_observer(seed, NoTrace)
    }
}

impl<K: AsRef<[u8]> + Eq, V, O: Observer<DictEvent>> Dict<K, V, O> {
    /// An empty dict hashing with the key of `seed`, reporting to `obs`.
    pub fn with_observer(seed: u64, obs: O) -> Self {
        Dict {
            entries: Vec::new(),
            ht: [Table::default(), Table::default()],
            rehashidx: None,
            pause: 0,
            policy: ResizePolicy::Enable,
            key: seed_key(seed),
            obs,
        }
    }

    // ----- inspection -------------------------------------------------------

    /// Number of keys (`dictSize`: both tables).
    pub fn len(&self) -> usize {
        self.ht[0].used + self.ht[1].used
    }
    /// Whether the dict holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Buckets of both tables (`dictSlots`).
    pub fn slots(&self) -> usize {
        self.ht[0].size() + self.ht[1].size()
    }
    /// Buckets of table `t` (0 when it does not exist).
    pub fn table_size(&self, t: usize) -> usize {
        self.ht[t].size()
    }
    /// Keys stored in table `t`.
    pub fn table_used(&self, t: usize) -> usize {
        self.ht[t].used
    }
    /// Whether a rehash is in progress.
    pub fn is_rehashing(&self) -> bool {
        self.rehashidx.is_some()
    }
    /// The next `ht[0]` bucket to move, or -1 when not rehashing.
    pub fn rehashidx(&self) -> i64 {
        self.rehashidx.map_or(-1, |i| i as i64)
    }
    /// The current resize policy.
    pub fn policy(&self) -> ResizePolicy {
        self.policy
    }
    /// Set the resize policy (the server does this when a child appears or exits).
    pub fn set_policy(&mut self, policy: ResizePolicy) {
        self.policy = policy;
    }
    /// The SipHash key in use.
    pub fn hash_key(&self) -> [u8; 16] {
        self.key
    }
    /// The hash of a key under this dict's SipHash key.
    #[inline]
    pub fn hash_of(&self, key: &[u8]) -> u64 {
        siphash12(&self.key, key)
    }
    /// Number of non-empty buckets of table `t` ("different slots").
    pub fn nonempty_buckets(&self, t: usize) -> usize {
        self.ht[t].heads.iter().filter(|&&h| h != NIL).count()
    }
    /// The chains of table `t`, bucket by bucket, keys from head to tail.
    pub fn chains(&self, t: usize) -> Vec<Vec<&K>> {
        self.ht[t]
            .heads
            .iter()
            .map(|&h| {
                let mut chain = Vec::new();
                let mut e = h;
                while e != NIL {
                    chain.push(&self.entries[e as usize].key);
                    e = self.entries[e as usize].next;
                }
                chain
            })
            .collect()
    }
    /// Every key and value, in no particular order; no rehash step.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|e| (&e.key, &e.value))
    }
    /// Every key and value in table order (`ht[0]` buckets, then `ht[1]`), as a
    /// Redis iterator and RDB save walk them; no rehash step.
    pub fn iter_table_order(&self) -> Vec<(&K, &V)> {
        let mut out = Vec::with_capacity(self.len());
        for t in &self.ht {
            for &h in &t.heads {
                let mut e = h;
                while e != NIL {
                    let en = &self.entries[e as usize];
                    out.push((&en.key, &en.value));
                    e = en.next;
                }
            }
        }
        out
    }

    /// Look a key up without a rehash step (not a Redis operation; for views).
    pub fn peek<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: ?Sized + AsRef<[u8]> + Eq,
    {
        if self.is_empty() {
            return None;
        }
        let h = self.hash_of(key.as_ref());
        self.search(h, key)
            .map(|(_, _, e)| &self.entries[e as usize].value)
    }

    // ----- internal search ---------------------------------------------------

    /// Search `ht[0]` then (while rehashing) `ht[1]`: `(table, bucket, entry)`.
    #[inline]
    fn search<Q>(&self, h: u64, key: &Q) -> Option<(usize, usize, u32)>
    where
        K: Borrow<Q>,
        Q: ?Sized + Eq,
    {
        for t in 0..2 {
            let tab = &self.ht[t];
            if tab.size() > 0 {
                let b = tab.bucket(h);
                let mut e = tab.heads[b];
                while e != NIL {
                    let en = &self.entries[e as usize];
                    if en.hash == h && en.key.borrow() == key {
                        return Some((t, b, e));
                    }
                    e = en.next;
                }
            }
            if self.rehashidx.is_none() {
                break;
            }
        }
        None
    }

    // ----- rehashing ----------------------------------------------------------

    /// `dictRehash(d, n)`: move up to `n` non-empty buckets of `ht[0]`, visiting
    /// at most `n * 10` empty ones. Returns true if there is more to do.
    pub fn rehash(&mut self, n: usize) -> bool {
        let Some(mut idx) = self.rehashidx else {
            return false;
        };
        let (s0, s1) = (self.ht[0].size(), self.ht[1].size());
        let frozen = match self.policy {
            ResizePolicy::Enable => false,
            ResizePolicy::Forbid => true,
            ResizePolicy::Avoid => (s1 > s0 && s1 / s0 < 5) || (s1 < s0 && s0 / s1 < 5),
        };
        if frozen {
            emit!(self.obs, DictEvent::Frozen { from: s0, to: s1 });
            return false;
        }
        let mut budget = n.saturating_mul(10);
        let mut visited = 0;
        let mut n = n;
        while n > 0 && self.ht[0].used != 0 {
            n -= 1;
            while self.ht[0].heads[idx] == NIL {
                emit!(self.obs, DictEvent::SkippedEmpty { idx });
                idx += 1;
                self.rehashidx = Some(idx);
                visited += 1;
                budget -= 1;
                if budget == 0 {
                    emit!(
                        self.obs,
                        DictEvent::GaveUp {
                            rehashidx: idx,
                            visited
                        }
                    );
                    return true;
                }
            }
            let mut e = self.ht[0].heads[idx];
            while e != NIL {
                let en = &mut self.entries[e as usize];
                let next = en.next;
                let to = self.ht[1].bucket(en.hash);
                en.next = self.ht[1].heads[to];
                self.ht[1].heads[to] = e;
                self.ht[0].used -= 1;
                self.ht[1].used += 1;
                emit!(
                    self.obs,
                    DictEvent::Moved {
                        key: show_key(self.entries[e as usize].key.as_ref()),
                        from: idx,
                        to
                    }
                );
                e = next;
            }
            self.ht[0].heads[idx] = NIL;
            emit!(self.obs, DictEvent::BucketDone { idx });
            idx += 1;
            self.rehashidx = Some(idx);
        }
        self.debug_check();
        if self.ht[0].used == 0 {
            self.ht[0] = std::mem::take(&mut self.ht[1]);
            self.rehashidx = None;
            emit!(
                self.obs,
                DictEvent::RehashDone {
                    size: self.ht[0].size()
                }
            );
            return false;
        }
        true
    }

    /// Cheap consistency checks run in debug builds after every mutation
    /// ([`Dict::check_invariants`] is the full, O(n) check).
    #[inline(always)]
    fn debug_check(&self) {
        debug_assert_eq!(self.ht[0].used + self.ht[1].used, self.entries.len());
        debug_assert!(self.ht[0].size() == 0 || self.ht[0].size().is_power_of_two());
        debug_assert!(self.ht[1].size() == 0 || self.ht[1].size().is_power_of_two());
        debug_assert_eq!(self.rehashidx.is_some(), self.ht[1].size() != 0);
        debug_assert!(self.rehashidx.is_none_or(|r| r <= self.ht[0].size()));
    }

    /// `_dictRehashStep`: one step, unless rehashing is paused (a SCAN or safe
    /// iterator is active).
    pub fn rehash_step(&mut self) {
        if self.pause == 0 && self.rehashidx.is_some() {
            self.rehash(1);
        }
    }

    /// The cron's active rehash: batches of [`CRON_BATCH`] steps while work
    /// remains, at most `batches` of them (standing for the 1 ms budget).
    /// Returns the number of batches run.
    pub fn rehash_batches(&mut self, batches: usize) -> usize {
        if self.pause > 0 {
            return 0;
        }
        let mut done = 0;
        while done < batches {
            done += 1;
            if !self.rehash(CRON_BATCH) {
                break;
            }
        }
        done
    }

    // ----- resizing ---------------------------------------------------------------

    fn next_size(size: usize) -> usize {
        if size <= INITIAL_SIZE {
            INITIAL_SIZE
        } else {
            size.next_power_of_two()
        }
    }

    fn expand_for(&mut self, size: usize, reason: ResizeReason) -> bool {
        if self.rehashidx.is_some() || self.ht[0].used > size {
            return false;
        }
        let new = Self::next_size(size);
        if new == self.ht[0].size() {
            return false;
        }
        let table = Table {
            heads: vec![NIL; new],
            used: 0,
        };
        if self.ht[0].size() == 0 {
            self.ht[0] = table;
            emit!(self.obs, DictEvent::TableCreated { size: new });
            return true;
        }
        let from = self.ht[0].size();
        self.ht[1] = table;
        self.rehashidx = Some(0);
        emit!(
            self.obs,
            DictEvent::ResizeStarted {
                from,
                to: new,
                used: self.ht[0].used,
                reason
            }
        );
        true
    }

    /// `dictExpand`: allocate a table for `size` keys (the next power of two, at
    /// least 4). The first table is used at once; otherwise a rehash starts.
    /// Fails while rehashing, if `size` is below the key count, or if the size
    /// would not change.
    pub fn expand(&mut self, size: usize) -> bool {
        self.expand_for(size, ResizeReason::Explicit)
    }

    /// `_dictExpandIfNeeded`, run before every insert.
    fn expand_if_needed(&mut self) {
        if self.rehashidx.is_some() {
            return;
        }
        let size = self.ht[0].size();
        if size == 0 {
            self.expand_for(INITIAL_SIZE, ResizeReason::Grow);
            return;
        }
        let used = self.ht[0].used;
        if used < size {
            return;
        }
        let grow = self.policy == ResizePolicy::Enable;
        let forced = self.policy != ResizePolicy::Forbid && used / size > FORCE_RESIZE_RATIO;
        if grow {
            self.expand_for(used + 1, ResizeReason::Grow);
        } else if forced {
            self.expand_for(used + 1, ResizeReason::Forced);
        } else {
            emit!(self.obs, DictEvent::GrowDeferred { used, size });
        }
    }

    /// `htNeedsResize`: more than 4 slots and less than 10 % of them used
    /// (both tables counted).
    pub fn needs_shrink(&self) -> bool {
        let slots = self.slots();
        slots > INITIAL_SIZE && self.len() * 100 / slots < MIN_FILL_PERCENT
    }

    /// `dictResize`: start a shrink to the smallest power of two `>= max(used, 4)`.
    /// Only with [`ResizePolicy::Enable`] and when not rehashing.
    pub fn shrink(&mut self) -> bool {
        if self.policy != ResizePolicy::Enable || self.rehashidx.is_some() {
            return false;
        }
        let target = self.ht[0].used.max(INITIAL_SIZE);
        self.expand_for(target, ResizeReason::Shrink)
    }

    // ----- map operations --------------------------------------------------------

    /// `dictFind`: one rehash step (if rehashing and not empty), then look up.
    pub fn get<Q>(&mut self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: ?Sized + AsRef<[u8]> + Eq,
    {
        self.find(key).map(|e| &self.entries[e as usize].value)
    }

    /// Like [`Dict::get`], with a mutable value.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: ?Sized + AsRef<[u8]> + Eq,
    {
        self.find(key).map(|e| &mut self.entries[e as usize].value)
    }

    /// Whether the key is present (a `dictFind`, so one rehash step).
    pub fn contains_key<Q>(&mut self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: ?Sized + AsRef<[u8]> + Eq,
    {
        self.find(key).is_some()
    }

    fn find<Q>(&mut self, key: &Q) -> Option<u32>
    where
        K: Borrow<Q>,
        Q: ?Sized + AsRef<[u8]> + Eq,
    {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let h = self.hash_of(key.as_ref());
        match self.search(h, key) {
            Some((table, bucket, e)) => {
                emit!(
                    self.obs,
                    DictEvent::Found {
                        key: show_key(key.as_ref()),
                        table,
                        bucket
                    }
                );
                Some(e)
            }
            None => {
                emit!(
                    self.obs,
                    DictEvent::Missed {
                        key: show_key(key.as_ref()),
                        buckets: searched_buckets(&self.ht, self.rehashidx.is_some(), h)
                    }
                );
                None
            }
        }
    }

    /// `dictAddRaw`: one rehash step, the growth check, then either the index of
    /// the existing entry (`Err`) or the new entry pushed at the head of its chain
    /// (in `ht[1]` while rehashing).
    fn add_raw(&mut self, key: K, value: V) -> Result<u32, (u32, K, V)> {
        if self.rehashidx.is_some() {
            self.rehash_step();
        }
        let h = self.hash_of(key.as_ref());
        self.expand_if_needed();
        if let Some((_, _, e)) = self.search(h, &key) {
            return Err((e, key, value));
        }
        let t = usize::from(self.rehashidx.is_some());
        let b = self.ht[t].bucket(h);
        let idx = self.entries.len();
        assert!(idx < NIL as usize, "dict is full");
        self.entries.push(Entry {
            key,
            value,
            hash: h,
            next: self.ht[t].heads[b],
        });
        self.ht[t].heads[b] = idx as u32;
        self.ht[t].used += 1;
        self.debug_check();
        emit!(
            self.obs,
            DictEvent::Inserted {
                key: show_key(self.entries[idx].key.as_ref()),
                table: t,
                bucket: b
            }
        );
        Ok(idx as u32)
    }

    /// `dictAdd`: insert a new key; if it exists, nothing changes and the key and
    /// value are given back.
    pub fn add(&mut self, key: K, value: V) -> Result<(), (K, V)> {
        self.add_raw(key, value)
            .map(|_| ())
            .map_err(|(_, k, v)| (k, v))
    }

    /// `dictReplace`: insert or overwrite; returns the old value.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.add_raw(key, value) {
            Ok(_) => None,
            Err((e, _, value)) => {
                let old = std::mem::replace(&mut self.entries[e as usize].value, value);
                self.emit_updated(e);
                Some(old)
            }
        }
    }

    fn emit_updated(&mut self, e: u32) {
        if self.obs.enabled() {
            let h = self.entries[e as usize].hash;
            let key = show_key(self.entries[e as usize].key.as_ref());
            if let Some((table, bucket, _)) = self.search(h, &self.entries[e as usize].key) {
                emit!(self.obs, DictEvent::Updated { key, table, bucket });
            }
        }
    }

    /// Overwrite the value of an existing key without any dict operation of its
    /// own (the caller already found it, as `dbOverwrite` then `dictSetVal` do).
    /// Returns false if the key is absent.
    pub fn set_value<Q>(&mut self, key: &Q, value: V) -> bool
    where
        K: Borrow<Q>,
        Q: ?Sized + AsRef<[u8]> + Eq,
    {
        let h = self.hash_of(key.as_ref());
        match self.search(h, key) {
            Some((_, _, e)) => {
                self.entries[e as usize].value = value;
                self.emit_updated(e);
                true
            }
            None => false,
        }
    }

    /// `dictDelete`: one rehash step (if rehashing and not empty), then unlink
    /// the key. Returns its key and value.
    pub fn remove_entry<Q>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: ?Sized + AsRef<[u8]> + Eq,
    {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let h = self.hash_of(key.as_ref());
        let Some((t, b, e)) = self.search(h, key) else {
            emit!(
                self.obs,
                DictEvent::Missed {
                    key: show_key(key.as_ref()),
                    buckets: searched_buckets(&self.ht, self.rehashidx.is_some(), h)
                }
            );
            return None;
        };
        self.unlink(t, b, e);
        self.ht[t].used -= 1;
        emit!(
            self.obs,
            DictEvent::Deleted {
                key: show_key(key.as_ref()),
                table: t,
                bucket: b
            }
        );
        // Close the gap in the arena: move the last entry into slot `e`.
        let last = (self.entries.len() - 1) as u32;
        if e != last {
            self.relink(last, e);
        }
        let en = self.entries.swap_remove(e as usize);
        self.debug_check();
        Some((en.key, en.value))
    }

    /// `dictDelete`, returning only the value.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: ?Sized + AsRef<[u8]> + Eq,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }

    /// Unlink entry `e` from chain `(t, b)`.
    fn unlink(&mut self, t: usize, b: usize, e: u32) {
        let next = self.entries[e as usize].next;
        if self.ht[t].heads[b] == e {
            self.ht[t].heads[b] = next;
            return;
        }
        let mut p = self.ht[t].heads[b];
        while p != NIL {
            if self.entries[p as usize].next == e {
                self.entries[p as usize].next = next;
                return;
            }
            p = self.entries[p as usize].next;
        }
    }

    /// Make whatever points at entry `old` point at `new` instead.
    fn relink(&mut self, old: u32, new: u32) {
        let h = self.entries[old as usize].hash;
        for t in 0..2 {
            if self.ht[t].size() == 0 {
                continue;
            }
            let b = self.ht[t].bucket(h);
            if self.ht[t].heads[b] == old {
                self.ht[t].heads[b] = new;
                return;
            }
            let mut p = self.ht[t].heads[b];
            while p != NIL {
                if self.entries[p as usize].next == old {
                    self.entries[p as usize].next = new;
                    return;
                }
                p = self.entries[p as usize].next;
            }
        }
    }

    /// Drop every key and both tables (`dictEmpty`).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.ht = [Table::default(), Table::default()];
        self.rehashidx = None;
    }

    /// Replace the SipHash key by the key of `seed`. Only allowed on an empty
    /// dict (hashes of stored keys would go stale); returns false otherwise.
    pub fn reseed_empty(&mut self, seed: u64) -> bool {
        if !self.is_empty() || self.slots() != 0 {
            return false;
        }
        self.key = seed_key(seed);
        true
    }

    // ----- scan -----------------------------------------------------------------------

    /// `dictScan`: visit the buckets the cursor stands for and return the next
    /// cursor (0 when the scan is complete). Rehashing is paused meanwhile.
    pub fn scan(&mut self, cursor: u64, mut f: impl FnMut(&K, &V)) -> u64 {
        if self.is_empty() {
            return 0;
        }
        self.pause += 1;
        let mut v = cursor;
        if self.rehashidx.is_none() {
            let m0 = (self.ht[0].size() as u64) - 1;
            self.scan_bucket(0, (v & m0) as usize, &mut f);
            v |= !m0;
            v = v.reverse_bits().wrapping_add(1).reverse_bits();
        } else {
            let (small, big) = if self.ht[0].size() > self.ht[1].size() {
                (1, 0)
            } else {
                (0, 1)
            };
            let m0 = (self.ht[small].size() as u64) - 1;
            let m1 = (self.ht[big].size() as u64) - 1;
            self.scan_bucket(small, (v & m0) as usize, &mut f);
            loop {
                self.scan_bucket(big, (v & m1) as usize, &mut f);
                v |= !m1;
                v = v.reverse_bits().wrapping_add(1).reverse_bits();
                if v & (m0 ^ m1) == 0 {
                    break;
                }
            }
        }
        self.pause -= 1;
        v
    }

    fn scan_bucket(&mut self, t: usize, b: usize, f: &mut impl FnMut(&K, &V)) {
        let mut keys = Vec::new();
        let mut e = self.ht[t].heads[b];
        while e != NIL {
            let en = &self.entries[e as usize];
            f(&en.key, &en.value);
            if self.obs.enabled() {
                keys.push(show_key(en.key.as_ref()));
            }
            e = en.next;
        }
        emit!(
            self.obs,
            DictEvent::ScanBucket {
                table: t,
                bucket: b,
                keys
            }
        );
    }

    // ----- invariants --------------------------------------------------------------

    /// Check every structural invariant; `Err` names the first one broken.
    ///
    /// Sizes are powers of two (or 0); `ht[1]` exists exactly while rehashing;
    /// `ht[0]` buckets below `rehashidx` are empty; each entry sits in the bucket
    /// of its hash, in exactly one chain; used counts match the chains; no key is
    /// stored twice (in particular never in both tables); cached hashes are right.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut seen = vec![false; self.entries.len()];
        for (t, tab) in self.ht.iter().enumerate() {
            let s = tab.size();
            if s != 0 && !s.is_power_of_two() {
                return Err(format!("ht[{t}] size {s} is not a power of two"));
            }
            if s != 0 && s < INITIAL_SIZE {
                return Err(format!("ht[{t}] size {s} is below {INITIAL_SIZE}"));
            }
            let mut count = 0;
            for (b, &h) in tab.heads.iter().enumerate() {
                let mut e = h;
                while e != NIL {
                    let i = e as usize;
                    if i >= self.entries.len() {
                        return Err(format!("ht[{t}][{b}] links to a missing entry"));
                    }
                    if seen[i] {
                        return Err(format!("entry {i} is linked twice"));
                    }
                    seen[i] = true;
                    let en = &self.entries[i];
                    if en.hash != self.hash_of(en.key.as_ref()) {
                        return Err(format!("entry {i} has a stale hash"));
                    }
                    if tab.bucket(en.hash) != b {
                        return Err(format!("entry {i} is in ht[{t}][{b}], not its bucket"));
                    }
                    if t == 0 {
                        if let Some(r) = self.rehashidx {
                            if b < r {
                                return Err(format!("ht[0][{b}] is below rehashidx {r}"));
                            }
                        }
                    }
                    count += 1;
                    e = en.next;
                }
            }
            if count != tab.used {
                return Err(format!("ht[{t}] used {} but chains hold {count}", tab.used));
            }
        }
        if seen.iter().any(|s| !s) {
            return Err("an entry is in no chain".into());
        }
        match self.rehashidx {
            None => {
                if self.ht[1].size() != 0 {
                    return Err("ht[1] exists while not rehashing".into());
                }
            }
            Some(r) => {
                if self.ht[1].size() == 0 || self.ht[0].size() == 0 {
                    return Err("rehashing without two tables".into());
                }
                if r > self.ht[0].size() {
                    return Err(format!("rehashidx {r} is past ht[0]"));
                }
            }
        }
        let mut keys = std::collections::HashSet::with_capacity(self.entries.len());
        for en in &self.entries {
            if !keys.insert(en.key.as_ref()) {
                return Err(format!("key {} is stored twice", show_key(en.key.as_ref())));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The view
// ---------------------------------------------------------------------------

/// One table as drawn: each bucket's chain, head first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TableView {
    /// Bucket by bucket, the keys of its chain from head to tail.
    pub buckets: Vec<Vec<String>>,
    /// Keys in this table.
    pub used: usize,
}

/// What a dict animation draws: both tables with their chains, `rehashidx`, and
/// the bucket being moved. Rebuilt from [`DictEvent`]s by [`DictView::apply`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DictView {
    /// `ht[0]`, and `ht[1]` while rehashing. Empty before the first key.
    pub tables: Vec<TableView>,
    /// Next `ht[0]` bucket to move, or -1.
    pub rehashidx: i64,
    /// The `ht[0]` bucket whose chain is moving right now (between its first
    /// [`DictEvent::Moved`] and its [`DictEvent::BucketDone`]).
    pub moving: Option<usize>,
}

impl Default for DictView {
    fn default() -> Self {
        DictView {
            tables: Vec::new(),
            rehashidx: -1,
            moving: None,
        }
    }
}

impl DictView {
    /// Apply one event.
    pub fn apply(&mut self, ev: &DictEvent) {
        match ev {
            DictEvent::TableCreated { size } => {
                self.tables = vec![TableView {
                    buckets: vec![Vec::new(); *size],
                    used: 0,
                }];
                self.rehashidx = -1;
            }
            DictEvent::ResizeStarted { to, .. } => {
                self.tables.truncate(1);
                self.tables.push(TableView {
                    buckets: vec![Vec::new(); *to],
                    used: 0,
                });
                self.rehashidx = 0;
            }
            DictEvent::Inserted { key, table, bucket } => {
                if let Some(chain) = self.chain_mut(*table, *bucket) {
                    chain.insert(0, key.clone());
                    self.tables[*table].used += 1;
                }
            }
            DictEvent::Deleted { key, table, bucket } => {
                if let Some(chain) = self.chain_mut(*table, *bucket) {
                    if let Some(p) = chain.iter().position(|k| k == key) {
                        chain.remove(p);
                        self.tables[*table].used -= 1;
                    }
                }
            }
            DictEvent::SkippedEmpty { idx } => self.rehashidx = *idx as i64 + 1,
            DictEvent::Moved { key, from, to } => {
                self.moving = Some(*from);
                let removed = self.chain_mut(0, *from).and_then(|chain| {
                    let p = chain.iter().position(|k| k == key)?;
                    Some(chain.remove(p))
                });
                if let Some(k) = removed {
                    self.tables[0].used -= 1;
                    if let Some(chain) = self.chain_mut(1, *to) {
                        chain.insert(0, k);
                        self.tables[1].used += 1;
                    }
                }
            }
            DictEvent::BucketDone { idx } => {
                self.rehashidx = *idx as i64 + 1;
                self.moving = None;
            }
            DictEvent::RehashDone { .. } => {
                if self.tables.len() == 2 {
                    self.tables.remove(0);
                }
                self.rehashidx = -1;
                self.moving = None;
            }
            DictEvent::Reset { .. } => *self = DictView::default(),
            DictEvent::GrowDeferred { .. }
            | DictEvent::Updated { .. }
            | DictEvent::Found { .. }
            | DictEvent::Missed { .. }
            | DictEvent::GaveUp { .. }
            | DictEvent::Frozen { .. }
            | DictEvent::ScanBucket { .. }
            | DictEvent::PolicyChanged { .. }
            | DictEvent::CronTick { .. } => {}
        }
    }

    fn chain_mut(&mut self, t: usize, b: usize) -> Option<&mut Vec<String>> {
        self.tables.get_mut(t)?.buckets.get_mut(b)
    }

    /// The view of a dict as it is now.
    pub fn of<K: AsRef<[u8]> + Eq, V, O: Observer<DictEvent>>(d: &Dict<K, V, O>) -> Self {
        let n = if d.is_rehashing() {
            2
        } else if d.table_size(0) > 0 {
            1
        } else {
            0
        };
        let tables = (0..n)
            .map(|t| TableView {
                buckets: d
                    .chains(t)
                    .into_iter()
                    .map(|c| c.into_iter().map(|k| show_key(k.as_ref())).collect())
                    .collect(),
                used: d.table_used(t),
            })
            .collect();
        DictView {
            tables,
            rehashidx: d.rehashidx(),
            moving: None,
        }
    }
}

impl<K: AsRef<[u8]> + Eq, V, O: Observer<DictEvent>> From<&Dict<K, V, O>> for DictView {
    fn from(d: &Dict<K, V, O>) -> Self {
        DictView::of(d)
    }
}

// ---------------------------------------------------------------------------
// The server (keyspace) layer
// ---------------------------------------------------------------------------

/// A byte string, the keyspace's key and value type.
pub type Bytes = Vec<u8>;

/// A RESP2 reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// `+status`.
    Status(String),
    /// `-ERR ...`.
    Error(String),
    /// `:n`.
    Int(i64),
    /// `$bulk`.
    Bulk(Bytes),
    /// `$-1`.
    Nil,
    /// `*array`.
    Array(Vec<Reply>),
}

impl Reply {
    /// The CLI's JSON encoding: integer → number, bulk → string, nil → null,
    /// array → array, status → `{"status": ..}`, error → `{"error": ..}`.
    pub fn to_json(&self) -> Value {
        match self {
            Reply::Status(s) => json!({ "status": s }),
            Reply::Error(s) => json!({ "error": s }),
            Reply::Int(n) => json!(n),
            Reply::Bulk(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
            Reply::Nil => Value::Null,
            Reply::Array(items) => Value::Array(items.iter().map(Reply::to_json).collect()),
        }
    }
}

/// The part of redis-server that drives one database's keyspace dict: commands
/// with their real number of dict operations, the cron, and the fork-time resize
/// policy.
#[derive(Clone, Debug)]
pub struct Server<O: Observer<DictEvent> = NoTrace> {
    /// The keyspace (db 0).
    pub db: Dict<Bytes, Bytes, O>,
    child: bool,
    activerehashing: bool,
    cron_batches: usize,
    seed: u64,
}

impl<O: Observer<DictEvent>> Server<O> {
    /// A server with an empty keyspace hashed with the key of `seed`.
    pub fn new(seed: u64, obs: O) -> Self {
        Server {
            db: Dict::with_observer(seed, obs),
            child: false,
            activerehashing: true,
            cron_batches: 1,
            seed,
        }
    }
    /// Whether a background save child exists.
    pub fn has_child(&self) -> bool {
        self.child
    }
    /// `activerehashing`.
    pub fn activerehashing(&self) -> bool {
        self.activerehashing
    }
    /// Set `activerehashing`.
    pub fn set_activerehashing(&mut self, on: bool) {
        self.activerehashing = on;
    }
    /// Batches of 100 steps one cron tick may run (stands for the 1 ms budget).
    pub fn set_cron_batches(&mut self, k: usize) {
        self.cron_batches = k.max(1);
    }
    /// The seed of the current hash key.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// `SET k v`: `lookupKeyWrite` (find), then `dbAdd` (add) or `dbOverwrite`
    /// (find), then `removeExpire`'s assertion (find). Three dict operations.
    pub fn set(&mut self, key: &[u8], value: &[u8]) -> Reply {
        let found = self.db.get(key).is_some();
        if found {
            let _ = self.db.get(key);
            self.db.set_value(key, value.to_vec());
        } else {
            let _ = self.db.add(key.to_vec(), value.to_vec());
        }
        let _ = self.db.get(key);
        Reply::Status("OK".into())
    }
    /// `GET k`: one find.
    pub fn get(&mut self, key: &[u8]) -> Reply {
        match self.db.get(key) {
            Some(v) => Reply::Bulk(v.clone()),
            None => Reply::Nil,
        }
    }
    /// `EXISTS k...`: one find per key.
    pub fn exists(&mut self, keys: &[Bytes]) -> Reply {
        let n = keys
            .iter()
            .filter(|k| self.db.contains_key(k.as_slice()))
            .count();
        Reply::Int(n as i64)
    }
    /// `DEL k...`: one delete per key. Never shrinks (that is the cron's job).
    pub fn del(&mut self, keys: &[Bytes]) -> Reply {
        let n = keys
            .iter()
            .filter(|k| self.db.remove(k.as_slice()).is_some())
            .count();
        Reply::Int(n as i64)
    }
    /// `DBSIZE`: no dict operation.
    pub fn dbsize(&self) -> Reply {
        Reply::Int(self.db.len() as i64)
    }
    /// `BGSAVE`: a child appears, the policy becomes [`ResizePolicy::Avoid`].
    pub fn bgsave(&mut self) -> Reply {
        if self.child {
            return Reply::Error("ERR Background save already in progress".into());
        }
        self.child = true;
        self.db.set_policy(ResizePolicy::Avoid);
        emit!(
            self.db.obs,
            DictEvent::PolicyChanged {
                policy: ResizePolicy::Avoid
            }
        );
        Reply::Status("Background saving started".into())
    }
    /// The child exited: the policy is [`ResizePolicy::Enable`] again. Returns
    /// false if there was no child.
    pub fn bgsave_done(&mut self) -> bool {
        if !self.child {
            return false;
        }
        self.child = false;
        self.db.set_policy(ResizePolicy::Enable);
        emit!(
            self.db.obs,
            DictEvent::PolicyChanged {
                policy: ResizePolicy::Enable
            }
        );
        true
    }
    /// One `serverCron` tick's `databasesCron` part: without a child, the shrink
    /// check (always), then the active rehash (if `activerehashing`).
    pub fn cron_tick(&mut self) {
        let slots = self.db.slots();
        let fill_percent = (self.db.len() * 100).checked_div(slots).unwrap_or(0);
        emit!(
            self.db.obs,
            DictEvent::CronTick {
                child: self.child,
                fill_percent,
                active: self.activerehashing && !self.child
            }
        );
        if self.child {
            return;
        }
        if self.db.needs_shrink() {
            self.db.shrink();
        }
        if self.activerehashing && self.db.is_rehashing() {
            self.db.rehash_batches(self.cron_batches);
        }
    }
    /// `SCAN cursor COUNT count` over the keyspace: `dictScan` calls until
    /// `count` keys are gathered, the cursor is 0, or `count * 10` calls are made.
    pub fn scan(&mut self, cursor: u64, count: usize) -> (u64, Vec<Bytes>) {
        let mut keys = Vec::new();
        let mut cursor = cursor;
        let mut max_iter = count.saturating_mul(10);
        loop {
            cursor = self.db.scan(cursor, |k, _| keys.push(k.clone()));
            if cursor == 0 || max_iter == 0 || keys.len() >= count {
                break;
            }
            max_iter -= 1;
        }
        (cursor, keys)
    }
    /// Restart with another hash seed and reload the same keys, as after a restart
    /// that loads an RDB file: the new table is presized to the key count and the
    /// keys are added in the order the old table stored them. The child (if any)
    /// is gone; `activerehashing` is kept.
    pub fn reseed(&mut self, seed: u64) {
        let items: Vec<(Bytes, Bytes)> = self
            .db
            .iter_table_order()
            .into_iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if self.child {
            self.bgsave_done();
        }
        self.db.clear();
        self.db.reseed_empty(seed);
        self.seed = seed;
        emit!(self.db.obs, DictEvent::Reset { seed });
        if !items.is_empty() {
            self.db.expand(items.len());
        }
        for (k, v) in items {
            let _ = self.db.add(k, v);
        }
    }
    /// `{"tables": [{"size", "used"}, ..], "rehashidx"}`.
    pub fn state(&self) -> Value {
        let n = if self.db.is_rehashing() { 2 } else { 1 };
        let tables: Vec<Value> = (0..n)
            .map(|t| json!({ "size": self.db.table_size(t), "used": self.db.table_used(t) }))
            .collect();
        json!({ "tables": tables, "rehashidx": self.db.rehashidx() })
    }
}

// ---------------------------------------------------------------------------
// The command language
// ---------------------------------------------------------------------------

/// Split a command line as redis-cli does: whitespace separates arguments;
/// `"..."` allows `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a`, `\\`, `\"`; `'...'` allows
/// `\'`. A closing quote must be followed by a space or the end.
pub fn split_args(line: &str) -> Result<Vec<Bytes>, CmdError> {
    let b = line.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    let bad = || CmdError("unbalanced quotes in the command line".into());
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return Ok(out);
        }
        let mut cur = Vec::new();
        if b[i] == b'"' {
            i += 1;
            loop {
                if i >= b.len() {
                    return Err(bad());
                }
                match b[i] {
                    b'\\'
                        if i + 3 < b.len()
                            && b[i + 1] == b'x'
                            && b[i + 2].is_ascii_hexdigit()
                            && b[i + 3].is_ascii_hexdigit() =>
                    {
                        let hex = std::str::from_utf8(&b[i + 2..i + 4]).map_err(|_| bad())?;
                        cur.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
                        i += 4;
                    }
                    b'\\' if i + 1 < b.len() => {
                        cur.push(match b[i + 1] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 8,
                            b'a' => 7,
                            c => c,
                        });
                        i += 2;
                    }
                    b'"' => {
                        i += 1;
                        if i < b.len() && !b[i].is_ascii_whitespace() {
                            return Err(bad());
                        }
                        break;
                    }
                    c => {
                        cur.push(c);
                        i += 1;
                    }
                }
            }
        } else if b[i] == b'\'' {
            i += 1;
            loop {
                if i >= b.len() {
                    return Err(bad());
                }
                match b[i] {
                    b'\\' if i + 1 < b.len() && b[i + 1] == b'\'' => {
                        cur.push(b'\'');
                        i += 2;
                    }
                    b'\'' => {
                        i += 1;
                        if i < b.len() && !b[i].is_ascii_whitespace() {
                            return Err(bad());
                        }
                        break;
                    }
                    c => {
                        cur.push(c);
                        i += 1;
                    }
                }
            }
        } else {
            while i < b.len() && !b[i].is_ascii_whitespace() {
                cur.push(b[i]);
                i += 1;
            }
        }
        out.push(cur);
    }
}

/// Largest `N` accepted by `step`, `cron` and `fill`.
pub const MAX_REPEAT: u64 = 10_000;
/// Longest key prefix `fill` accepts.
pub const MAX_FILL_PREFIX: usize = 256;

fn arity_error(name: &str) -> Reply {
    Reply::Error(format!(
        "ERR wrong number of arguments for '{name}' command"
    ))
}

fn parse_count(arg: &[u8], what: &str) -> Result<usize, CmdError> {
    let s = std::str::from_utf8(arg).unwrap_or("");
    match s.parse::<u64>() {
        Ok(n) if (1..=MAX_REPEAT).contains(&n) => Ok(n as usize),
        _ => Err(CmdError(format!(
            "{what} must be a whole number from 1 to {MAX_REPEAT}, got '{}'",
            String::from_utf8_lossy(arg)
        ))),
    }
}

/// A parsed command, fully validated before anything runs.
enum Cmd {
    Set(Bytes, Bytes),
    Get(Bytes),
    Del(Vec<Bytes>),
    Exists(Vec<Bytes>),
    DbSize,
    Step(usize),
    Cron(usize),
    Bgsave,
    BgsaveDone,
    ActiveRehashing(bool),
    Scan(u64, usize),
    Reseed(u64),
    Fill(usize, Bytes),
    /// A Redis error reply (bad arity, bad cursor): nothing runs.
    Fail(Reply),
}

fn parse(args: &[Bytes]) -> Result<Cmd, CmdError> {
    let Some(name) = args.first() else {
        return Err(CmdError("empty command".into()));
    };
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    let argc = args.len();
    let cmd = match name.as_str() {
        "set" => {
            if argc < 3 {
                Cmd::Fail(arity_error("set"))
            } else if argc > 3 {
                return Err(CmdError(
                    "set takes KEY VALUE only; options such as EX or NX are not simulated".into(),
                ));
            } else {
                Cmd::Set(args[1].clone(), args[2].clone())
            }
        }
        "get" if argc != 2 => Cmd::Fail(arity_error("get")),
        "get" => Cmd::Get(args[1].clone()),
        "del" if argc < 2 => Cmd::Fail(arity_error("del")),
        "del" => Cmd::Del(args[1..].to_vec()),
        "exists" if argc < 2 => Cmd::Fail(arity_error("exists")),
        "exists" => Cmd::Exists(args[1..].to_vec()),
        "dbsize" if argc != 1 => Cmd::Fail(arity_error("dbsize")),
        "dbsize" => Cmd::DbSize,
        "step" | "cron" | "fill" => {
            let what = if name == "cron" { "TICKS" } else { "N" };
            if name == "fill" && !(2..=3).contains(&argc) {
                return Err(CmdError("usage: fill N [PREFIX]".into()));
            }
            if name != "fill" && argc > 2 {
                return Err(CmdError(format!("usage: {name} [{what}]")));
            }
            let n = match args.get(1) {
                Some(a) => parse_count(a, what)?,
                None => 1,
            };
            if args.get(2).is_some_and(|p| p.len() > MAX_FILL_PREFIX) {
                // N keys each as long as the prefix: keep the product small.
                return Err(CmdError(format!(
                    "fill: the key prefix may be at most {MAX_FILL_PREFIX} bytes"
                )));
            }
            match name.as_str() {
                "step" => Cmd::Step(n),
                "cron" => Cmd::Cron(n),
                _ => Cmd::Fill(n, args.get(2).cloned().unwrap_or_else(|| b"k".to_vec())),
            }
        }
        "bgsave" if argc != 1 => {
            return Err(CmdError(
                "bgsave takes no arguments (SCHEDULE is not simulated)".into(),
            ))
        }
        "bgsave" => Cmd::Bgsave,
        "bgsave-done" if argc != 1 => {
            return Err(CmdError("bgsave-done takes no arguments".into()))
        }
        "bgsave-done" => Cmd::BgsaveDone,
        "config" => {
            let rest: Vec<String> = args[1..]
                .iter()
                .map(|a| String::from_utf8_lossy(a).to_ascii_lowercase())
                .collect();
            let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
            let rest = match rest.as_slice() {
                ["set", tail @ ..] => tail,
                all => all,
            };
            match rest {
                ["activerehashing", "yes"] => Cmd::ActiveRehashing(true),
                ["activerehashing", "no"] => Cmd::ActiveRehashing(false),
                _ => return Err(CmdError("usage: config activerehashing yes|no".into())),
            }
        }
        "scan" => {
            if argc < 2 {
                Cmd::Fail(arity_error("scan"))
            } else {
                parse_scan(args)?
            }
        }
        "reseed" => {
            let seed = match args {
                [_, s] => std::str::from_utf8(s)
                    .ok()
                    .and_then(|s| s.parse::<u64>().ok()),
                _ => None,
            };
            match seed {
                Some(s) => Cmd::Reseed(s),
                None => return Err(CmdError("usage: reseed SEED (a whole number)".into())),
            }
        }
        _ => {
            return Err(CmdError(format!(
                "unknown command '{name}'; try set, get, del, exists, dbsize, step, cron, \
                 bgsave, bgsave-done, config, scan, reseed, fill"
            )))
        }
    };
    Ok(cmd)
}

/// `parseScanCursorOrReply`: C `strtoul` over the whole argument. No leading
/// space; an optional sign (a `-` wraps around, so `-1` is the largest cursor);
/// out of range is refused; an empty string is cursor 0.
fn parse_cursor(arg: &[u8]) -> Option<u64> {
    if arg.is_empty() {
        return Some(0);
    }
    let (neg, digits) = match arg[0] {
        b'-' => (true, &arg[1..]),
        b'+' => (false, &arg[1..]),
        _ => (false, arg),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

fn parse_scan(args: &[Bytes]) -> Result<Cmd, CmdError> {
    let Some(cursor) = parse_cursor(&args[1]) else {
        return Ok(Cmd::Fail(Reply::Error("ERR invalid cursor".into())));
    };
    let mut count = 10usize;
    let mut i = 2;
    while i < args.len() {
        let opt = String::from_utf8_lossy(&args[i]).to_ascii_lowercase();
        let remaining = args.len() - i - 1;
        if opt == "count" && remaining >= 1 {
            let v = String::from_utf8_lossy(&args[i + 1]);
            match v.parse::<i64>() {
                Ok(n) if n >= 1 => count = usize::try_from(n).unwrap_or(usize::MAX),
                Ok(_) => return Ok(Cmd::Fail(Reply::Error("ERR syntax error".into()))),
                Err(_) => {
                    return Ok(Cmd::Fail(Reply::Error(
                        "ERR value is not an integer or out of range".into(),
                    )))
                }
            }
            i += 2;
        } else if (opt == "match" || opt == "type") && remaining >= 1 {
            return Err(CmdError(format!(
                "scan option {} is not simulated",
                opt.to_ascii_uppercase()
            )));
        } else {
            return Ok(Cmd::Fail(Reply::Error("ERR syntax error".into())));
        }
    }
    Ok(Cmd::Scan(cursor, count))
}

/// Options a `redis-dict` session may be configured with (YAML).
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DictConfig {
    /// `activerehashing` at start (default yes).
    pub activerehashing: bool,
    /// Batches of 100 rehash steps one cron tick may run (default 1).
    pub cron_batches: usize,
}

impl Default for DictConfig {
    fn default() -> Self {
        DictConfig {
            activerehashing: true,
            cron_batches: 1,
        }
    }
}

/// The `redis-dict` simulation: a [`Server`] with a [`Recorder`].
///
/// Command language (arguments split as redis-cli splits them; replies in the
/// RESP2 JSON encoding of [`Reply::to_json`]):
///
/// | command | does | reply |
/// | --- | --- | --- |
/// | `set K V` | SET: three dict operations | `{"status":"OK"}` |
/// | `get K` | GET: one find | value or `null` |
/// | `del K [K…]` | DEL: one delete per key | number deleted |
/// | `exists K [K…]` | EXISTS: one find per key | number present |
/// | `dbsize` | no dict operation | key count |
/// | `step [N]` | `dictRehash(d, N)` (N buckets, `N*10` empty visits) | 1 if more to do, else 0 |
/// | `cron [TICKS]` | serverCron ticks: shrink check, then active rehash | `{"status":"OK"}` |
/// | `bgsave` / `bgsave-done` | a fork child appears / exits | status, or an error |
/// | `config activerehashing yes\|no` | the cron's active rehash on/off | `{"status":"OK"}` |
/// | `scan CURSOR [COUNT N]` | SCAN over both tables | `[next cursor, [keys]]` |
/// | `reseed SEED` | restart with another hash seed, reload the keys | `{"status":"OK"}` |
/// | `fill N [PREFIX]` | `set PREFIX1 v` … `set PREFIXN v` (default prefix `k`) | keys added |
///
/// Redis's own argument errors (arity, bad cursor, bad COUNT) are error replies,
/// as redis-server gives them; anything else malformed is a [`CmdError`]. Either
/// way nothing changes.
pub struct DictSession {
    /// The server, recording its events.
    pub server: Server<Recorder<DictEvent>>,
}

impl DictSession {
    /// A session with the given config and seed.
    pub fn new(config: DictConfig, seed: u64) -> Self {
        let mut server = Server::new(seed, Recorder::new());
        server.set_activerehashing(config.activerehashing);
        server.set_cron_batches(config.cron_batches);
        DictSession { server }
    }

    /// The view of the keyspace dict now.
    pub fn view(&self) -> DictView {
        DictView::of(&self.server.db)
    }

    fn exec(&mut self, cmd: Cmd) -> Reply {
        let s = &mut self.server;
        match cmd {
            Cmd::Set(k, v) => s.set(&k, &v),
            Cmd::Get(k) => s.get(&k),
            Cmd::Del(keys) => s.del(&keys),
            Cmd::Exists(keys) => s.exists(&keys),
            Cmd::DbSize => s.dbsize(),
            Cmd::Step(n) => Reply::Int(i64::from(s.db.rehash(n))),
            Cmd::Cron(ticks) => {
                for _ in 0..ticks {
                    s.cron_tick();
                }
                Reply::Status("OK".into())
            }
            Cmd::Bgsave => s.bgsave(),
            Cmd::BgsaveDone => {
                s.bgsave_done();
                Reply::Status("OK".into())
            }
            Cmd::ActiveRehashing(on) => {
                s.set_activerehashing(on);
                Reply::Status("OK".into())
            }
            Cmd::Scan(cursor, count) => {
                let (next, keys) = s.scan(cursor, count);
                Reply::Array(vec![
                    Reply::Bulk(next.to_string().into_bytes()),
                    Reply::Array(keys.into_iter().map(Reply::Bulk).collect()),
                ])
            }
            Cmd::Reseed(seed) => {
                s.reseed(seed);
                Reply::Status("OK".into())
            }
            Cmd::Fill(n, prefix) => {
                let mut added = 0;
                for i in 1..=n {
                    let mut key = prefix.clone();
                    key.extend_from_slice(i.to_string().as_bytes());
                    if s.db.peek(key.as_slice()).is_none() {
                        added += 1;
                    }
                    s.set(&key, b"v");
                }
                Reply::Int(added)
            }
            Cmd::Fail(r) => r,
        }
    }
}

impl Session for DictSession {
    fn run(&mut self, line: &str) -> Result<Outcome, CmdError> {
        crate::sim::check_line(line)?;
        let args = split_args(line)?;
        let cmd = parse(&args)?;
        if matches!(cmd, Cmd::BgsaveDone) && !self.server.has_child() {
            return Err(CmdError(
                "no background save is running (start one with bgsave)".into(),
            ));
        }
        self.server.db.obs.events.clear();
        let reply = self.exec(cmd);
        let steps = self
            .server
            .db
            .obs
            .take()
            .into_iter()
            .map(|t| to_step(t.loc, &t.event))
            .collect();
        Ok(Outcome {
            reply: reply.to_json(),
            state: self.server.state(),
            steps,
        })
    }

    fn state(&self) -> Value {
        self.server.state()
    }
}

/// Build a `redis-dict` session. `config` is YAML with `activerehashing` and
/// `cron_batches` (both optional).
pub fn factory(config: Option<&str>, seed: u64) -> Result<Box<dyn Session>, CmdError> {
    let cfg = match config {
        None => DictConfig::default(),
        Some(text) if text.trim().is_empty() => DictConfig::default(),
        Some(text) => crate::content::frontmatter::parse::<DictConfig>(text)
            .map_err(|e| CmdError(format!("bad redis-dict config: {e}")))?,
    };
    if cfg.cron_batches == 0 || cfg.cron_batches as u64 > MAX_REPEAT {
        return Err(CmdError(format!(
            "bad redis-dict config: cron_batches must be from 1 to {MAX_REPEAT}"
        )));
    }
    Ok(Box::new(DictSession::new(cfg, seed)))
}

/// Turn one event into a narrated [`Step`].
pub fn to_step(loc: Loc, ev: &DictEvent) -> Step {
    let (kind, zh, en, notable) = narrate(ev);
    Step {
        loc,
        kind: kind.to_string(),
        zh,
        en,
        notable,
        event: serde_json::to_value(ev).unwrap_or(Value::Null),
    }
}

fn narrate(ev: &DictEvent) -> (&'static str, String, String, bool) {
    use DictEvent as E;
    match ev {
        E::TableCreated { size } => (
            "table.create",
            format!("第一次插入：分配 {size} 个桶的 ht[0]，不需要 rehash。"),
            format!("First insert: allocate ht[0] with {size} buckets; no rehash is needed."),
            true,
        ),
        E::ResizeStarted { from, to, used, reason } => {
            let (zh_why, en_why) = match reason {
                ResizeReason::Grow => (
                    format!("已用 {used} ≥ 大小 {from}，扩容到 ≥ used+1 的最小 2 的幂"),
                    format!("used {used} >= size {from}, so grow to the smallest power of two >= used+1"),
                ),
                ResizeReason::Forced => (
                    format!("有子进程时只在 used/size > 5 时扩容，{used}/{from} 已超过 5，强制扩容"),
                    format!("with a child only used/size > 5 grows; {used}/{from} is past 5, so the growth is forced"),
                ),
                ResizeReason::Shrink => (
                    "填充率低于 10%，定时任务缩容到 ≥ max(used,4) 的最小 2 的幂".to_string(),
                    "fill is below 10%, so the cron shrinks to the smallest power of two >= max(used, 4)".to_string(),
                ),
                ResizeReason::Explicit => (
                    "按键数预分配".to_string(),
                    "presized for the key count".to_string(),
                ),
            };
            (
                "rehash.start",
                format!("{zh_why}：分配 {to} 个桶的 ht[1]，rehashidx = 0，开始渐进式 rehash。"),
                format!("{en_why}: allocate ht[1] with {to} buckets, set rehashidx = 0 and start an incremental rehash."),
                true,
            )
        }
        E::GrowDeferred { used, size } => (
            "rehash.deferred",
            format!("有子进程（BGSAVE），已用 {used} ≥ {size} 但 used/size ≤ 5，不扩容以免写时复制。"),
            format!("A child exists (BGSAVE): used {used} >= {size} but used/size <= 5, so no growth, to avoid copy-on-write."),
            true,
        ),
        E::Inserted { key, table, bucket } => (
            "dict.insert",
            format!("新键 {key} 插入 ht[{table}] 桶 {bucket} 的链表头部。"),
            format!("New key {key} goes to the head of ht[{table}] bucket {bucket}."),
            false,
        ),
        E::Updated { key, table, bucket } => (
            "dict.update",
            format!("键 {key} 已存在（ht[{table}] 桶 {bucket}），只替换值。"),
            format!("Key {key} exists (ht[{table}] bucket {bucket}); only its value is replaced."),
            false,
        ),
        E::Found { key, table, bucket } => (
            "dict.found",
            format!("在 ht[{table}] 桶 {bucket} 的链上找到 {key}。"),
            format!("Found {key} in the chain of ht[{table}] bucket {bucket}."),
            false,
        ),
        E::Missed { key, buckets } => {
            let list: Vec<String> = buckets.iter().map(|(t, b)| format!("ht[{t}][{b}]")).collect();
            let list = list.join(", ");
            (
                "dict.miss",
                format!("查找 {key}：搜索了 {list}，没有找到。"),
                format!("Looked for {key} in {list}: not there."),
                false,
            )
        }
        E::Deleted { key, table, bucket } => (
            "dict.delete",
            format!("把 {key} 从 ht[{table}] 桶 {bucket} 的链上摘下。"),
            format!("Unlink {key} from the chain of ht[{table}] bucket {bucket}."),
            false,
        ),
        E::SkippedEmpty { idx } => (
            "rehash.skip",
            format!("ht[0] 桶 {idx} 为空，rehashidx 前进到 {}。", idx + 1),
            format!("ht[0] bucket {idx} is empty; rehashidx moves on to {}.", idx + 1),
            false,
        ),
        E::GaveUp { rehashidx, visited } => (
            "rehash.give_up",
            format!("这一步已访问 {visited} 个空桶（上限 n*10），本次不再继续，rehashidx 停在 {rehashidx}。"),
            format!("This call visited {visited} empty buckets (the n*10 cap) and stops here; rehashidx stays at {rehashidx}."),
            true,
        ),
        E::Moved { key, from, to } => (
            "rehash.move",
            format!("把 {key} 从 ht[0] 桶 {from} 移到 ht[1] 桶 {to} 的链表头部（新桶号 = hash & (新大小 - 1)）。"),
            format!("Move {key} from ht[0] bucket {from} to the head of ht[1] bucket {to} (new bucket = hash & (new size - 1))."),
            false,
        ),
        E::BucketDone { idx } => (
            "rehash.bucket",
            format!("ht[0] 桶 {idx} 已整链搬完，rehashidx = {}。", idx + 1),
            format!("ht[0] bucket {idx} has moved as a whole chain; rehashidx = {}.", idx + 1),
            true,
        ),
        E::RehashDone { size } => (
            "rehash.done",
            format!("ht[0] 已空：ht[1]（{size} 个桶）成为 ht[0]，rehashidx = -1。"),
            format!("ht[0] is empty: ht[1] ({size} buckets) becomes ht[0], rehashidx = -1."),
            true,
        ),
        E::Frozen { from, to } => (
            "rehash.frozen",
            format!("有子进程时 {from}→{to} 的 rehash（相差不到 5 倍）被冻结，这一步什么也不搬。"),
            format!("With a child process the {from}->{to} rehash (less than 5x apart) is frozen: this step moves nothing."),
            true,
        ),
        E::ScanBucket { table, bucket, keys } => (
            "scan.bucket",
            format!("SCAN 访问 ht[{table}] 桶 {bucket}，返回 {} 个键。", keys.len()),
            format!("SCAN visits ht[{table}] bucket {bucket} and returns {} keys.", keys.len()),
            false,
        ),
        E::PolicyChanged { policy } => match policy {
            ResizePolicy::Avoid => (
                "server.child",
                "BGSAVE fork 出子进程：扩容只在 used/size > 5 时进行，相差不到 5 倍的 rehash 被冻结。".to_string(),
                "BGSAVE forks a child: growth now needs used/size > 5, and rehashes less than 5x apart are frozen.".to_string(),
                true,
            ),
            _ => (
                "server.child_exit",
                "子进程退出：恢复正常扩容，下一次访问继续 rehash。".to_string(),
                "The child exited: normal resizing is back and the next access continues the rehash.".to_string(),
                true,
            ),
        },
        E::CronTick { child, fill_percent, active } => {
            let (zh, en) = if *child {
                (
                    "serverCron：有子进程，本次不缩容也不主动 rehash。".to_string(),
                    "serverCron: a child exists, so no shrink check and no active rehash this tick.".to_string(),
                )
            } else {
                (
                    format!(
                        "serverCron：填充率 {fill_percent}%，检查是否缩容（<10%）{}。",
                        if *active { "，然后主动 rehash" } else { "；activerehashing 关闭，不主动搬桶" }
                    ),
                    format!(
                        "serverCron: fill is {fill_percent}%; check for a shrink (< 10%){}.",
                        if *active { ", then rehash actively" } else { "; activerehashing is off, so it moves no bucket" }
                    ),
                )
            };
            ("server.cron", zh, en, false)
        }
        E::Reset { seed } => (
            "server.reseed",
            format!("换一个哈希种子（{seed}）重启并重新载入同样的键：桶和链会变，表大小不变。"),
            format!("Restart with hash seed {seed} and reload the same keys: buckets and chains change, table sizes do not."),
            true,
        ),
    }
}

// ---------------------------------------------------------------------------
// Presets
// ---------------------------------------------------------------------------

/// The named scenarios of the `redis-dict` simulation.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "grow-from-4",
        zh: "从 4 个桶开始：第 5 个键触发 4→8 扩容，之后每个命令搬一个或三个桶。",
        en: "Start at 4 buckets: the 5th key starts 4->8, then each command moves one or three buckets.",
        config: Some("activerehashing: false\n"),
        script: "set k1 v1\nset k2 v2\nset k3 v3\nset k4 v4\nset k5 v5\nget k1\nget k2\nexists k3\nset k6 v6\nset k7 v7\nset k8 v8\nset k9 v9\nget k9\nstep 100",
    },
    Preset {
        name: "shrink-after-deletes",
        zh: "删掉大部分键后，DEL 本身不缩容；serverCron 发现填充率低于 10% 才开始 32→4 的缩容，稀疏表上一步可能因 10 个空桶上限而空手而归。",
        en: "After most keys are deleted, DEL does not shrink; serverCron sees fill below 10% and starts 32->4; on a sparse table a step may give up after 10 empty buckets.",
        config: Some("activerehashing: false\n"),
        script: "fill 17\nstep 100\ndel k1 k2 k3 k4 k5 k6 k7 k8 k9 k10 k11 k12 k13 k14 k15\ndbsize\ncron\nget k16\nget k16\nget k17\nget k16\nconfig activerehashing yes\ncron",
    },
    Preset {
        name: "rehash-during-bgsave",
        zh: "BGSAVE 期间：进行中的 8→16 rehash 被冻结，新键仍进 ht[1]；子进程退出后继续。",
        en: "During a BGSAVE the running 8->16 rehash is frozen and new keys still go to ht[1]; it resumes when the child exits.",
        config: Some("activerehashing: false\n"),
        script: "fill 9\nbgsave\nget k1\nset x1 v\nset x2 v\ncron\nbgsave-done\nget k1\nstep 100",
    },
    Preset {
        name: "forced-grow-during-bgsave",
        zh: "BGSAVE 期间不再按 1:1 扩容；16 个桶放到 96 个键（96/16=6>5）后第 97 个键强制扩到 128。",
        en: "During a BGSAVE there is no 1:1 growth; with 96 keys in 16 buckets (96/16 = 6 > 5) the 97th key forces 16->128.",
        config: Some("activerehashing: false\n"),
        script: "fill 16\nstep 100\nbgsave\nfill 96\nset k97 v\nget k1\nbgsave-done\nfill 129",
    },
    Preset {
        name: "scan-during-rehash",
        zh: "rehash 进行中用 SCAN 遍历：反向二进制游标（8 个桶时为 0、4、2、6、1、5、3、7）依次访问小表的桶和它在大表里展开的桶。",
        en: "SCAN during a rehash: the reverse-binary cursor (0, 4, 2, 6, 1, 5, 3, 7 for 8 buckets) visits a bucket of the small table, then its expansions in the big one.",
        config: Some("activerehashing: false\n"),
        script: "fill 9\nscan 0 count 1\nscan 4 count 1\nscan 2 count 1\nscan 6 count 1\nscan 1 count 1\nscan 5 count 1\nscan 3 count 1\nscan 7 count 1",
    },
    Preset {
        name: "reseed",
        zh: "换哈希种子：同样的键落在不同的桶里，但表大小和触发扩容的时机不变。",
        en: "Change the hash seed: the same keys land in other buckets, but table sizes and trigger points stay the same.",
        config: Some("activerehashing: false\n"),
        script: "fill 8\nreseed 1\nreseed 2\nset k9 v",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &mut DictSession, line: &str) -> Outcome {
        match s.run(line) {
            Ok(o) => o,
            Err(e) => panic!("{line}: {e}"),
        }
    }

    #[test]
    fn siphash24_reference_vectors() {
        let mut key = [0u8; 16];
        for (i, k) in key.iter_mut().enumerate() {
            *k = i as u8;
        }
        let msg: Vec<u8> = (0..15).collect();
        assert_eq!(siphash::<2, 4>(&key, &[]), 0x726f_db47_dd0e_0e31);
        assert_eq!(siphash::<2, 4>(&key, &msg[..1]), 0x74f8_39c5_93dc_67fd);
        assert_eq!(siphash::<2, 4>(&key, &msg[..2]), 0x0d6c_8009_d9a9_4f5a);
        assert_eq!(siphash::<2, 4>(&key, &msg[..3]), 0x8567_6696_d7fb_7e2d);
        assert_eq!(siphash::<2, 4>(&key, &msg), 0xa129_ca61_49be_45e5);
        assert_ne!(siphash12(&key, b"abc"), siphash::<2, 4>(&key, b"abc"));
    }

    #[test]
    fn growth_points_match_redis() {
        // Through the server: a SET is three dict operations, as in redis-server.
        let mut srv = Server::new(0, NoTrace);
        let mut starts = Vec::new();
        for i in 1..=300u32 {
            let before = srv.db.is_rehashing();
            srv.set(format!("k{i}").as_bytes(), b"v");
            if !before && srv.db.is_rehashing() {
                starts.push((i, srv.db.table_size(1)));
            }
            srv.db.check_invariants().unwrap_or_else(|e| panic!("{e}"));
        }
        let want = [
            (5, 8),
            (9, 16),
            (17, 32),
            (33, 64),
            (65, 128),
            (129, 256),
            (257, 512),
        ];
        assert_eq!(starts, want);
    }

    #[test]
    fn set_costs_three_steps_and_the_trigger_one() {
        let mut s = DictSession::new(
            DictConfig {
                activerehashing: false,
                cron_batches: 1,
            },
            0,
        );
        for i in 1..=4 {
            run(&mut s, &format!("set k{i} v"));
        }
        let o = run(&mut s, "set k5 v");
        let moves = |o: &Outcome| o.steps.iter().filter(|s| s.kind == "rehash.bucket").count();
        assert_eq!(moves(&o), 1);
        let o = run(&mut s, "get nothere");
        assert!(moves(&o) <= 1);
    }

    #[test]
    fn shrink_targets() {
        for (left, want) in [(52, 512), (51, 64), (33, 64), (32, 32), (20, 32), (3, 4)] {
            let mut srv = Server::new(3, NoTrace);
            for i in 1..=300 {
                srv.set(format!("k{i}").as_bytes(), b"v");
            }
            while srv.db.is_rehashing() {
                srv.db.rehash(100);
            }
            assert_eq!(srv.db.table_size(0), 512);
            let dels: Vec<Bytes> = (left + 1..=300)
                .map(|i| format!("k{i}").into_bytes())
                .collect();
            srv.del(&dels);
            srv.cron_tick();
            let size = if srv.db.is_rehashing() {
                srv.db.table_size(1)
            } else {
                srv.db.table_size(0)
            };
            assert_eq!(size, want, "{left} keys left");
        }
    }

    #[test]
    fn scan_returns_every_key_across_a_rehash() {
        let mut srv = Server::new(5, NoTrace);
        for i in 1..=9 {
            srv.set(format!("k{i}").as_bytes(), b"v");
        }
        assert!(srv.db.is_rehashing());
        let mut seen = std::collections::BTreeSet::new();
        let mut cursor = 0;
        loop {
            let (next, keys) = srv.scan(cursor, 1);
            seen.extend(keys);
            // keep rehashing between calls
            srv.get(b"k1");
            cursor = next;
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), 9);
    }

    #[test]
    fn bad_commands_are_refused() {
        let mut s = DictSession::new(DictConfig::default(), 0);
        for bad in [
            "frob",
            "step 0",
            "step 100000",
            "cron x",
            "fill 1000000000",
            "bgsave-done",
            "config activerehashing maybe",
            "reseed -1",
            "set \"a b",
            "set k v ex 10",
        ] {
            assert!(s.run(bad).is_err(), "{bad}");
        }
        let o = run(&mut s, "get");
        assert_eq!(
            o.reply,
            json!({"error": "ERR wrong number of arguments for 'get' command"})
        );
        assert_eq!(
            run(&mut s, "scan x").reply,
            json!({"error": "ERR invalid cursor"})
        );
        assert_eq!(
            s.state(),
            json!({"tables": [{"size": 0, "used": 0}], "rehashidx": -1})
        );
    }

    #[test]
    fn presets_run() {
        for p in PRESETS {
            let mut s = match factory(p.config, 0) {
                Ok(s) => s,
                Err(e) => panic!("{}: {e}", p.name),
            };
            for line in p.script.lines() {
                if let Err(e) = s.run(line) {
                    panic!("{} / {line}: {e}", p.name);
                }
            }
        }
    }
}
