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

use crate::emit;
use crate::sim::trace::{NoTrace, Observer};

mod events;
mod picture;
pub mod quiz;
mod server;
mod session;
mod siphash;
mod view;

pub use events::*;
pub use picture::DictPicture;
pub use server::*;
pub use session::*;
pub use siphash::*;
pub use view::*;

/// The `redis-dict` simulation, as the registry lists it.
pub const INFO: crate::sim::SimInfo = crate::sim::SimInfo {
    name: "redis-dict",
    aliases: &["rehash"],
    about: "Redis 7.0 dict: two tables and incremental rehash, driven by real commands",
    about_zh: "Redis 7.0 字典：两张哈希表与渐进式 rehash，用真实命令驱动",
    factory,
    presets: PRESETS,
    picture: || Box::<DictPicture>::default(),
    quiz: &[quiz::GROW, quiz::STEPS, quiz::SHRINK],
    pairing: &[
        "字典",
        "渐进式 rehash",
        "rehash",
        "dict",
        "哈希表",
        "hashtable",
    ],
};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Outcome, Session};
    use serde_json::json;

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
