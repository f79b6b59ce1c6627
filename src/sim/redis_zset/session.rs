//! The `redis-zset` command language: Redis sorted-set commands, verbatim.
//!
//! A line is split into arguments the way `redis-cli` splits what you type
//! (`sdssplitargs`): blanks separate arguments; `"double quotes"` allow spaces
//! and the escapes `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a`, `\\`, `\"`; `'single
//! quotes'` are literal except `\'`. A closing quote must be followed by a blank
//! or the end. So `ZADD zs 1 "a\x00b" 2 ""` adds the 3-byte member `a\0b` and the
//! empty member.
//!
//! Commands (names case-insensitive), with Redis 7.0's replies and errors:
//! `ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member …`, `ZINCRBY key incr
//! member`, `ZREM key member …`, `ZSCORE`, `ZRANK`, `ZREVRANK`, `ZCARD`, `ZCOUNT
//! key min max`, `ZRANGE key start stop [BYSCORE] [REV] [LIMIT o c]
//! [WITHSCORES]`, `ZREVRANGE key start stop [WITHSCORES]`, `ZRANGEBYSCORE key min
//! max [WITHSCORES] [LIMIT o c]`, `ZREVRANGEBYSCORE key max min …`, `DEL key …`,
//! `EXISTS key …`, `OBJECT ENCODING key`, `CONFIG SET
//! zset-max-listpack-entries|zset-max-listpack-value N`.
//!
//! Lesson commands: `search KEY SCORE` (the first member with score at or above
//! SCORE, or above it with a `(` prefix, and the path the search took level by
//! level) and
//! `levels H …` (the next inserts get these heights instead of random ones).
//!
//! `search` replies `{"key", "target", "levels": [{"level", "advanced": [members
//! moved onto], "stopped_by": member or null, "compared", "rank"}…] (top level
//! first), "found": {"member", "score", "rank" (1-based, as inside the
//! skiplist), "zrank" (0-based, as ZRANK)} or null, "comparisons"}`.
//!
//! Replies are RESP2 as JSON: integer → number, bulk string → string (bytes
//! that are not UTF-8 → `{"hex": "…"}`), nil → null, array → array, status →
//! `{"status": "OK"}`, error → `{"error": "ERR …"}`. A Redis error reply is a
//! normal outcome; a line that Redis itself would never see (bad quoting, a
//! command this simulation does not know) is a [`CmdError`] and changes nothing.

use std::collections::{BTreeMap, VecDeque};

use serde_json::{json, Value};

use super::num::{format_score, parse_bound, parse_int, parse_score};
use super::skiplist::MAX_LEVEL;
use super::{
    show, AddFlags, AddOutcome, Encoding, KeyedEvent, ListView, ScoreRange, SortedSet, ZsetEvent,
    ZsetView,
};
use crate::here;
use crate::sim::trace::{self, Narration, Recorder, Rng, Traced};
use crate::sim::{CmdError, Outcome, Preset, Session};

/// Most members one key may hold in the simulation.
pub const MAX_MEMBERS: u64 = 100_000;
/// Most heights one `levels` command may queue.
pub const MAX_FORCED: usize = 10_000;

/// A RESP2 reply.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// `:n`
    Int(i64),
    /// `$len bytes`
    Bulk(Vec<u8>),
    /// `$-1`
    Nil,
    /// `*n …`
    Array(Vec<Reply>),
    /// `+text`
    Status(String),
    /// `-ERR text`
    Error(String),
}

impl Reply {
    /// The JSON form the CLI prints.
    pub fn to_json(&self) -> Value {
        match self {
            Reply::Int(n) => json!(n),
            Reply::Bulk(b) => match std::str::from_utf8(b) {
                Ok(s) => json!(s),
                Err(_) => {
                    json!({ "hex": b.iter().map(|c| format!("{c:02x}")).collect::<String>() })
                }
            },
            Reply::Nil => Value::Null,
            Reply::Array(v) => Value::Array(v.iter().map(Reply::to_json).collect()),
            Reply::Status(s) => json!({ "status": s }),
            Reply::Error(e) => json!({ "error": e }),
        }
    }
    fn err(msg: &str) -> Reply {
        Reply::Error(format!("ERR {msg}"))
    }
    fn score(x: f64) -> Reply {
        Reply::Bulk(format_score(x).into_bytes())
    }
}

struct ZKey {
    set: SortedSet<Recorder<ZsetEvent>>,
    encoding: Encoding,
}

/// A running `redis-zset` simulation: a keyspace of sorted sets.
pub struct ZsetSession {
    keys: BTreeMap<Vec<u8>, ZKey>,
    rng: Rng,
    forced: VecDeque<usize>,
    max_entries: i64,
    max_value: i64,
    events: Vec<Traced<KeyedEvent>>,
}

/// Build a `redis-zset` session (no config).
pub fn factory(config: Option<&str>, seed: u64) -> Result<Box<dyn Session>, CmdError> {
    if config.is_some_and(|c| !c.trim().is_empty()) {
        return Err(CmdError(
            "redis-zset takes no config; use CONFIG SET zset-max-listpack-entries N instead".into(),
        ));
    }
    Ok(Box::new(ZsetSession::new(seed)))
}

fn lower(a: &[u8]) -> String {
    String::from_utf8_lossy(a).to_ascii_lowercase()
}

fn arity_ok(arity: i32, argc: usize) -> bool {
    if arity >= 0 {
        argc == arity as usize
    } else {
        argc >= (-arity) as usize
    }
}

fn with_scores(items: Vec<(Vec<u8>, f64)>, ws: bool) -> Reply {
    let mut out = Vec::with_capacity(items.len() * if ws { 2 } else { 1 });
    for (m, s) in items {
        out.push(Reply::Bulk(m));
        if ws {
            out.push(Reply::score(s));
        }
    }
    Reply::Array(out)
}

#[derive(Clone, Copy, PartialEq)]
enum RangeType {
    Auto,
    Rank,
    Score,
    Lex,
}

impl ZsetSession {
    /// An empty keyspace; skiplist levels come from `seed`.
    pub fn new(seed: u64) -> Self {
        ZsetSession {
            keys: BTreeMap::new(),
            rng: Rng::new(seed),
            forced: VecDeque::new(),
            max_entries: 128,
            max_value: 64,
            events: Vec::new(),
        }
    }

    /// The view of the real structures now (what replaying every event must
    /// rebuild).
    pub fn view(&self) -> ZsetView {
        ZsetView {
            keys: self
                .keys
                .iter()
                .map(|(k, z)| (show(k), ListView::of(&z.set, z.encoding)))
                .collect(),
            path: None,
        }
    }

    /// Check every key's invariants.
    pub fn check_invariants(&self) -> Result<(), String> {
        for (k, z) in &self.keys {
            z.set
                .check_invariants()
                .map_err(|e| format!("key {}: {e}", show(k)))?;
            if z.set.is_empty() {
                return Err(format!("key {} is empty but exists", show(k)));
            }
        }
        Ok(())
    }

    /// The set stored at `key`, if any.
    pub fn set(&self, key: &[u8]) -> Option<&SortedSet<Recorder<ZsetEvent>>> {
        self.keys.get(key).map(|z| &z.set)
    }

    fn push(&mut self, key: &[u8], loc: crate::sim::trace::Loc, event: ZsetEvent) {
        self.events.push(Traced {
            loc,
            event: KeyedEvent {
                key: show(key),
                event,
            },
        });
    }

    fn flush(&mut self, key: &[u8]) {
        if let Some(z) = self.keys.get_mut(key) {
            let evs = z.set.skiplist_mut().observer_mut().take();
            let k = show(key);
            self.events.extend(evs.into_iter().map(|t| Traced {
                loc: t.loc,
                event: KeyedEvent {
                    key: k.clone(),
                    event: t.event,
                },
            }));
        }
    }

    fn create(&mut self, key: &[u8], encoding: Encoding) {
        let seed = self.rng.next_u64();
        let set = SortedSet::with_observer(seed, Recorder::new());
        self.keys.insert(key.to_vec(), ZKey { set, encoding });
        self.push(key, here!(), ZsetEvent::KeyCreated { encoding });
    }

    fn delete_key(&mut self, key: &[u8]) -> bool {
        self.flush(key);
        if self.keys.remove(key).is_some() {
            self.push(key, here!(), ZsetEvent::KeyDeleted {});
            true
        } else {
            false
        }
    }

    fn give_forced(&mut self, key: &[u8]) {
        if self.forced.is_empty() {
            return;
        }
        if let Some(z) = self.keys.get_mut(key) {
            z.set.skiplist_mut().force_levels(self.forced.drain(..));
        }
    }

    fn execute(&mut self, args: &[Vec<u8>]) -> Result<Value, CmdError> {
        let name = lower(&args[0]);
        let redis_arity = match name.as_str() {
            "zadd" | "zrange" | "zrevrange" | "zrangebyscore" | "zrevrangebyscore" => Some(-4),
            "zincrby" | "zcount" => Some(4),
            "zrem" => Some(-3),
            "zscore" | "zrank" | "zrevrank" => Some(3),
            "zcard" => Some(2),
            "del" | "exists" | "object" | "config" => Some(-2),
            _ => None,
        };
        if let Some(a) = redis_arity {
            if !arity_ok(a, args.len()) {
                return Ok(
                    Reply::err(&format!("wrong number of arguments for '{name}' command"))
                        .to_json(),
                );
            }
        }
        let reply = match name.as_str() {
            "zadd" => self.zadd(args, false)?,
            "zincrby" => self.zadd(args, true)?,
            "zrem" => self.zrem(args),
            "zscore" => match self.keys.get_mut(&args[1]) {
                None => Reply::Nil,
                Some(z) => z.set.score(&args[2]).map_or(Reply::Nil, Reply::score),
            },
            "zrank" | "zrevrank" => match self.keys.get_mut(&args[1]) {
                None => Reply::Nil,
                Some(z) => z
                    .set
                    .rank(&args[2], name == "zrevrank")
                    .map_or(Reply::Nil, |r| Reply::Int(r as i64)),
            },
            "zcard" => Reply::Int(self.keys.get(&args[1]).map_or(0, |z| z.set.len() as i64)),
            "zcount" => match parse_range(&args[2], &args[3]) {
                None => Reply::err("min or max is not a float"),
                Some(r) => match self.keys.get_mut(&args[1]) {
                    None => Reply::Int(0),
                    Some(z) => Reply::Int(z.set.count(&r) as i64),
                },
            },
            "zrange" => self.zrange(args, RangeType::Auto, None)?,
            "zrevrange" => self.zrange(args, RangeType::Rank, Some(true))?,
            "zrangebyscore" => self.zrange(args, RangeType::Score, Some(false))?,
            "zrevrangebyscore" => self.zrange(args, RangeType::Score, Some(true))?,
            "del" => {
                let mut n = 0;
                for k in &args[1..] {
                    if self.delete_key(k) {
                        n += 1;
                    }
                }
                Reply::Int(n)
            }
            "exists" => Reply::Int(args[1..].iter().filter(|k| self.keys.contains_key(*k)).count() as i64),
            "object" => {
                if lower(&args[1]) != "encoding" {
                    return Err(CmdError(format!(
                        "OBJECT {} is not simulated (only OBJECT ENCODING key)",
                        String::from_utf8_lossy(&args[1])
                    )));
                }
                if args.len() != 3 {
                    Reply::err("wrong number of arguments for 'object|encoding' command")
                } else {
                    self.keys
                        .get(&args[2])
                        .map_or(Reply::Nil, |z| Reply::Bulk(z.encoding.name().as_bytes().to_vec()))
                }
            }
            "config" => self.config(args)?,
            "search" => return self.search(args),
            "levels" => {
                if args.len() < 2 {
                    return Err(CmdError("usage: levels H [H …] (heights 1..=32 for the next inserts)".into()));
                }
                if self.forced.len() + args.len() - 1 > MAX_FORCED {
                    return Err(CmdError(format!("at most {MAX_FORCED} queued heights")));
                }
                let mut hs = Vec::new();
                for a in &args[1..] {
                    match parse_int(a) {
                        Some(h) if (1..=MAX_LEVEL as i64).contains(&h) => hs.push(h as usize),
                        _ => {
                            return Err(CmdError(format!(
                                "levels: {} is not a height in 1..=32",
                                show(a)
                            )))
                        }
                    }
                }
                self.forced.extend(hs);
                Reply::Status("OK".into())
            }
            _ => {
                return Err(CmdError(format!(
                    "unknown command '{}'; redis-zset knows ZADD ZINCRBY ZREM ZSCORE ZRANK ZREVRANK ZCARD ZCOUNT ZRANGE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE DEL EXISTS OBJECT CONFIG, search KEY SCORE, levels H…",
                    show(&args[0])
                )))
            }
        };
        Ok(reply.to_json())
    }

    fn zadd(&mut self, args: &[Vec<u8>], zincrby: bool) -> Result<Reply, CmdError> {
        let key = &args[1];
        let mut f = AddFlags {
            incr: zincrby,
            ..AddFlags::default()
        };
        let mut ch = false;
        let mut idx = 2;
        while idx < args.len() {
            match lower(&args[idx]).as_str() {
                "nx" => f.nx = true,
                "xx" => f.xx = true,
                "ch" => ch = true,
                "incr" => f.incr = true,
                "gt" => f.gt = true,
                "lt" => f.lt = true,
                _ => break,
            }
            idx += 1;
        }
        let elements = args.len() - idx;
        if elements % 2 == 1 || elements == 0 {
            return Ok(Reply::err("syntax error"));
        }
        let elements = elements / 2;
        if f.nx && f.xx {
            return Ok(Reply::err(
                "XX and NX options at the same time are not compatible",
            ));
        }
        if ((f.gt || f.lt) && f.nx) || (f.gt && f.lt) {
            return Ok(Reply::err(
                "GT, LT, and/or NX options at the same time are not compatible",
            ));
        }
        if f.incr && elements > 1 {
            return Ok(Reply::err(
                "INCR option supports a single increment-element pair",
            ));
        }
        let mut scores = Vec::with_capacity(elements);
        for j in 0..elements {
            match parse_score(&args[idx + 2 * j]) {
                Some(s) => scores.push(s),
                None => return Ok(Reply::err("value is not a valid float")),
            }
        }
        let len = self.keys.get(key).map_or(0, |z| z.set.len());
        if len + elements as u64 > MAX_MEMBERS {
            return Err(CmdError(format!(
                "the simulation holds at most {MAX_MEMBERS} members per key"
            )));
        }
        if !self.keys.contains_key(key) {
            if f.xx {
                return Ok(if f.incr { Reply::Nil } else { Reply::Int(0) });
            }
            let first = &args[idx + 1];
            let enc = if self.max_entries == 0 || (first.len() as i64) > self.max_value {
                Encoding::Skiplist
            } else {
                Encoding::Listpack
            };
            self.create(key, enc);
        }
        self.give_forced(key);
        let (mut added, mut updated, mut processed) = (0, 0, 0);
        let mut last = 0.0;
        for (j, &score) in scores.iter().enumerate() {
            let member = &args[idx + 2 * j + 1];
            let Some(z) = self.keys.get_mut(key) else {
                break;
            };
            if z.encoding == Encoding::Listpack && !f.xx && z.set.peek(member).is_none() {
                let too_many = z.set.len() as i64 + 1 > self.max_entries;
                let too_long = member.len() as i64 > self.max_value;
                if too_many || too_long {
                    z.encoding = Encoding::Skiplist;
                    let reason = if too_many {
                        format!(
                            "{} members would pass zset-max-listpack-entries {}",
                            z.set.len() + 1,
                            self.max_entries
                        )
                    } else {
                        format!(
                            "a {}-byte member passes zset-max-listpack-value {}",
                            member.len(),
                            self.max_value
                        )
                    };
                    self.flush(key);
                    self.push(
                        key,
                        here!(),
                        ZsetEvent::EncodingConverted {
                            from: Encoding::Listpack,
                            to: Encoding::Skiplist,
                            reason,
                        },
                    );
                }
            }
            let Some(z) = self.keys.get_mut(key) else {
                break;
            };
            z.set.set_listpack_zero(z.encoding == Encoding::Listpack);
            match z.set.add(score, member, f) {
                Err(e) => {
                    self.flush(key);
                    return Ok(Reply::err(&e.to_string()));
                }
                Ok((o, s)) => {
                    match o {
                        AddOutcome::Added => added += 1,
                        AddOutcome::Updated => updated += 1,
                        _ => {}
                    }
                    if o != AddOutcome::Nop {
                        processed += 1;
                    }
                    last = s;
                }
            }
        }
        self.flush(key);
        Ok(if f.incr {
            if processed > 0 {
                Reply::score(last)
            } else {
                Reply::Nil
            }
        } else {
            Reply::Int(if ch { added + updated } else { added })
        })
    }

    fn zrem(&mut self, args: &[Vec<u8>]) -> Reply {
        let key = &args[1];
        let mut deleted = 0;
        for m in &args[2..] {
            let Some(z) = self.keys.get_mut(key) else {
                break;
            };
            if z.set.remove(m) {
                deleted += 1;
            }
            if z.set.is_empty() {
                self.delete_key(key);
                break;
            }
        }
        self.flush(key);
        Reply::Int(deleted)
    }

    fn zrange(
        &mut self,
        args: &[Vec<u8>],
        mut rt: RangeType,
        dir: Option<bool>,
    ) -> Result<Reply, CmdError> {
        let mut fixed_dir = dir.is_some();
        let mut reverse = dir.unwrap_or(false);
        let (mut ws, mut offset, mut limit) = (false, 0i64, -1i64);
        let mut j = 4;
        while j < args.len() {
            let left = args.len() - j - 1;
            let opt = lower(&args[j]);
            if opt == "withscores" {
                ws = true;
            } else if opt == "limit" && left >= 2 {
                match (parse_int(&args[j + 1]), parse_int(&args[j + 2])) {
                    (Some(o), Some(c)) => {
                        offset = o;
                        limit = c;
                    }
                    _ => return Ok(Reply::err("value is not an integer or out of range")),
                }
                j += 2;
            } else if !fixed_dir && opt == "rev" {
                reverse = true;
                fixed_dir = true;
            } else if rt == RangeType::Auto && opt == "bylex" {
                rt = RangeType::Lex;
            } else if rt == RangeType::Auto && opt == "byscore" {
                rt = RangeType::Score;
            } else {
                return Ok(Reply::err("syntax error"));
            }
            j += 1;
        }
        if rt == RangeType::Auto {
            rt = RangeType::Rank;
        }
        if limit != -1 && rt == RangeType::Rank {
            return Ok(Reply::err(
                "syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
            ));
        }
        if ws && rt == RangeType::Lex {
            return Ok(Reply::err(
                "syntax error, WITHSCORES not supported in combination with BYLEX",
            ));
        }
        let (mut lo, mut hi) = (&args[2], &args[3]);
        if reverse && rt != RangeType::Rank {
            std::mem::swap(&mut lo, &mut hi);
        }
        let key = &args[1];
        match rt {
            RangeType::Lex => Err(CmdError("ZRANGE … BYLEX is not simulated".into())),
            RangeType::Score => {
                let Some(r) = parse_range(lo, hi) else {
                    return Ok(Reply::err("min or max is not a float"));
                };
                let Some(z) = self.keys.get_mut(key) else {
                    return Ok(Reply::Array(Vec::new()));
                };
                let items = z.set.range_by_score(&r, offset, limit, reverse);
                self.flush(key);
                Ok(with_scores(items, ws))
            }
            _ => {
                let (Some(start), Some(stop)) = (parse_int(lo), parse_int(hi)) else {
                    return Ok(Reply::err("value is not an integer or out of range"));
                };
                let Some(z) = self.keys.get_mut(key) else {
                    return Ok(Reply::Array(Vec::new()));
                };
                let items = z.set.range_by_rank(start, stop, reverse);
                self.flush(key);
                Ok(with_scores(items, ws))
            }
        }
    }

    fn config(&mut self, args: &[Vec<u8>]) -> Result<Reply, CmdError> {
        if lower(&args[1]) != "set" {
            return Err(CmdError("only CONFIG SET is simulated".into()));
        }
        if args.len() < 4 || args.len() % 2 == 1 {
            return Ok(Reply::err(
                "wrong number of arguments for 'config|set' command",
            ));
        }
        let mut changes = Vec::new();
        for pair in args[2..].chunks(2) {
            let name = lower(&pair[0]);
            let v = parse_int(&pair[1]).filter(|v| *v >= 0).ok_or_else(|| {
                CmdError(format!(
                    "CONFIG SET {name}: {} is not a non-negative integer",
                    show(&pair[1])
                ))
            })?;
            match name.as_str() {
                "zset-max-listpack-entries" | "zset-max-ziplist-entries" => changes.push((true, v)),
                "zset-max-listpack-value" | "zset-max-ziplist-value" => changes.push((false, v)),
                _ => {
                    return Err(CmdError(format!(
                        "CONFIG SET {name} is not simulated (only zset-max-listpack-entries / zset-max-listpack-value)"
                    )))
                }
            }
        }
        for (entries, v) in changes {
            if entries {
                self.max_entries = v;
            } else {
                self.max_value = v;
            }
        }
        Ok(Reply::Status("OK".into()))
    }

    fn search(&mut self, args: &[Vec<u8>]) -> Result<Value, CmdError> {
        if args.len() != 3 {
            return Err(CmdError(
                "usage: search KEY SCORE (SCORE may be (S for > S, or -inf/+inf)".into(),
            ));
        }
        let Some((target, ex)) = parse_bound(&args[2]) else {
            return Err(CmdError(format!(
                "search: {} is not a score",
                show(&args[2])
            )));
        };
        let key = &args[1];
        let Some(z) = self.keys.get_mut(key) else {
            return Ok(json!({"key": show(key), "found": null, "levels": [], "comparisons": 0}));
        };
        let path = z.set.search(target, ex);
        self.flush(key);
        let found = path
            .found
            .as_ref()
            .map(|(m, s, r)| json!({"member": show(m), "score": format_score(*s), "rank": r, "zrank": r - 1}));
        Ok(json!({
            "key": show(key),
            "target": format!("{}{}", if ex { "(" } else { "" }, format_score(target)),
            "levels": path.levels,
            "found": found,
            "comparisons": path.comparisons,
        }))
    }
}

fn parse_range(min: &[u8], max: &[u8]) -> Option<ScoreRange> {
    let (min, minex) = parse_bound(min)?;
    let (max, maxex) = parse_bound(max)?;
    Some(ScoreRange {
        min,
        max,
        minex,
        maxex,
    })
}

impl Session for ZsetSession {
    fn run(&mut self, line: &str) -> Result<Outcome, CmdError> {
        crate::sim::check_line(line)?;
        let args = crate::sim::redis_cli::split_args(line)?;
        if args.is_empty() {
            return Err(CmdError("empty command".into()));
        }
        self.events.clear();
        let reply = self.execute(&args);
        let events = std::mem::take(&mut self.events);
        let reply = reply?;
        let steps = trace::steps(events, narrate);
        debug_assert_eq!(self.check_invariants(), Ok(()));
        Ok(Outcome {
            reply,
            state: self.state(),
            steps,
        })
    }

    fn state(&self) -> Value {
        let keys: serde_json::Map<String, Value> = self
            .keys
            .iter()
            .map(|(k, z)| {
                let zsl = z.set.skiplist();
                let mut per = vec![0u64; zsl.level()];
                let mut cur = zsl.first();
                while let Some(x) = cur {
                    for c in per.iter_mut().take(zsl.height(x)) {
                        *c += 1;
                    }
                    cur = zsl.next(x);
                }
                (
                    show(k),
                    json!({
                        "len": z.set.len(),
                        "level": zsl.level(),
                        "encoding": z.encoding.name(),
                        "nodes_per_level": per,
                    }),
                )
            })
            .collect();
        let pending: usize = self.forced.len()
            + self
                .keys
                .values()
                .map(|z| z.set.skiplist().forced_pending())
                .sum::<usize>();
        json!({ "keys": keys, "pending_levels": pending })
    }
}

fn opt(n: &Option<String>) -> String {
    n.clone().unwrap_or_else(|| "HDR".into())
}

/// Turn an event into a narrated [`Step`](crate::sim::Step).
pub fn narrate(ev: &KeyedEvent) -> Narration {
    use ZsetEvent as E;
    let k = &ev.key;
    let n: (&'static str, String, String, bool) = match &ev.event {
        E::KeyCreated { encoding } => (
            "key.created",
            format!("键 {k} 不存在，新建一个空的有序集合（Redis 会用 {} 编码）。", encoding.name()),
            format!("Key {k} did not exist: a new empty sorted set is created (Redis would encode it as {}).", encoding.name()),
            true,
        ),
        E::KeyDeleted {} => (
            "key.deleted",
            format!("键 {k} 的最后一个成员被删除（或执行了 DEL），键本身也被删除。"),
            format!("Key {k} lost its last member (or was DELeted), so the key itself is removed."),
            true,
        ),
        E::EncodingConverted { from, to, reason } => (
            "encoding.convert",
            format!("{reason}：Redis 在这里把 {k} 从 {} 转成 {}，且不会再转回去。", from.name(), to.name()),
            format!("{reason}: here Redis converts {k} from {} to {}, and never back.", from.name(), to.name()),
            true,
        ),
        E::DescentBegin { op, target, level } => (
            "descent.begin",
            format!("从头节点的第 {level} 层开始查找（{op:?}：{target}）。"),
            format!("A descent starts at the header on level {level} ({op:?}: {target})."),
            false,
        ),
        E::Advance { level, from, to, span, rank } => (
            "descent.advance",
            format!("第 {level} 层：{to} 仍在目标之前，从 {} 前进到 {to}，跨度 {span}，累计排名 {rank}。", opt(from)),
            format!("Level {level}: {to} is still before the target, so move from {} to {to} (span {span}); rank so far {rank}.", opt(from)),
            false,
        ),
        E::LevelDown { level, at, stopped_by, rank } => {
            let why_zh = match stopped_by {
                Some(n) => format!("下一个节点 {n} 已不在目标之前"),
                None => "这一层已到尽头".to_string(),
            };
            let why_en = match stopped_by {
                Some(n) => format!("the next node {n} is not before the target"),
                None => "this level ends here".to_string(),
            };
            (
                "descent.down",
                format!("第 {level} 层停在 {}（排名 {rank}）：{why_zh}，{}。", opt(at), if *level == 1 { "查找结束" } else { "下降一层" }),
                format!("Level {level} stops at {} (rank {rank}): {why_en}; {}.", opt(at), if *level == 1 { "the descent ends" } else { "go down a level" }),
                false,
            )
        }
        E::SearchFound { member, rank, comparisons } => match member {
            Some(m) => (
                "search.found",
                format!("找到第一个不小于目标的节点 {m}，排名 {rank}（0 起为 {}），共比较 {comparisons} 个节点。", rank - 1),
                format!("Found {m}, the first node at or above the target: rank {rank} (0-based {}), after {comparisons} comparisons.", rank - 1),
                true,
            ),
            None => (
                "search.found",
                format!("没有节点不小于目标，共比较 {comparisons} 个节点。"),
                format!("No node is at or above the target ({comparisons} comparisons)."),
                true,
            ),
        },
        E::LevelDrawn { height, forced } => (
            "level.drawn",
            if *forced {
                format!("新节点的层数按 levels 指定为 {height}。")
            } else {
                format!("掷硬币决定新节点层数：每多一层的概率是 1/4，这次得到 {height} 层。")
            },
            if *forced {
                format!("The new node's height is {height}, as queued by `levels`.")
            } else {
                format!("The new node's height is drawn: each extra level has probability 1/4; this time {height}.")
            },
            false,
        ),
        E::ListLevelRaised { from, to, header_span } => (
            "level.raised",
            format!("新节点比整个跳表还高：跳表层数从 {from} 升到 {to}，头节点新层的跨度先设为长度 {header_span}。"),
            format!("The new node is taller than the list: the level grows from {from} to {to}; the header's new links first span the whole length {header_span}."),
            true,
        ),
        E::ListLevelLowered { from, to } => (
            "level.lowered",
            format!("最高几层已经空了，跳表层数从 {from} 降到 {to}。"),
            format!("The top levels are empty now, so the list level drops from {from} to {to}."),
            true,
        ),
        E::NodeLinked { member, score, height, rank } => (
            "node.link",
            format!("把 {member}（分值 {}，{height} 层）接入链表，排名 {rank}。", format_score(score.0)),
            format!("Splice {member} (score {}, height {height}) into the list at rank {rank}.", format_score(score.0)),
            false,
        ),
        E::NodeUnlinked { member, rank } => (
            "node.unlink",
            format!("把排名 {rank} 的 {member} 从每一层摘下。"),
            format!("Unlink {member} (rank {rank}) from every level."),
            false,
        ),
        E::SpanSet { level, node, span } => (
            "span.set",
            format!("第 {level} 层 {} 的跨度改为 {span}，保证跨度之和仍等于排名。", opt(node)),
            format!("Level {level}: the span of {}'s link becomes {span}, so spans still add up to ranks.", opt(node)),
            false,
        ),
        E::BackwardSet { node, to } => (
            "backward.set",
            format!("{node} 的后退指针指向 {}（供 ZREVRANGE 反向遍历）。", to.clone().unwrap_or_else(|| "空（它是第一个节点）".into())),
            format!("{node}'s backward pointer now points to {} (used by reverse walks).", to.clone().unwrap_or_else(|| "nothing (it is first)".into())),
            false,
        ),
        E::ScoreSetInPlace { member, old, new } => (
            "score.in_place",
            format!("{member} 的新分值 {} 仍严格位于前后邻居之间，直接原地修改（原为 {}），不用删除重插。", format_score(new.0), format_score(old.0)),
            format!("{member}'s new score {} still lies strictly between its neighbours, so it is changed in place (was {}): no delete and re-insert.", format_score(new.0), format_score(old.0)),
            false,
        ),
        E::DictFind { member, found } => (
            "dict.find",
            match found {
                Some(s) => format!("在字典中查 {member}：存在，分值 {}（O(1)）。", format_score(s.0)),
                None => format!("在字典中查 {member}：不存在。"),
            },
            match found {
                Some(s) => format!("Look {member} up in the dict: present with score {} (O(1)).", format_score(s.0)),
                None => format!("Look {member} up in the dict: absent."),
            },
            false,
        ),
        E::DictAdd { member, score } => (
            "dict.add",
            format!("字典中加入 {member} → {}。", format_score(score.0)),
            format!("The dict gets {member} → {}.", format_score(score.0)),
            false,
        ),
        E::DictSet { member, score } => (
            "dict.set",
            format!("字典中 {member} 的分值更新为 {}。", format_score(score.0)),
            format!("The dict's score for {member} becomes {}.", format_score(score.0)),
            false,
        ),
        E::DictDelete { member } => (
            "dict.delete",
            format!("从字典中删除 {member}，再到跳表里删除它的节点。"),
            format!("Remove {member} from the dict, then its node from the skiplist."),
            false,
        ),
        E::RangeWalk { from_rank, count, reverse } => (
            "range.walk",
            format!("从排名 {from_rank} 起沿第 1 层{}走，取出 {count} 个成员。", if *reverse { "用后退指针向左" } else { "向右" }),
            format!("Walk level 1 {} from rank {from_rank}, emitting {count} members.", if *reverse { "backwards" } else { "forwards" }),
            false,
        ),
    };
    n.into()
}

/// The scenarios offered in the notes and the simulation screen.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "search-path",
        zh: "8 个成员、层数固定：看查找分值 7 时每层走过哪些节点、排名如何累加",
        en: "Eight members with fixed heights: watch the search for score 7 walk level by level while the rank adds up",
        config: None,
        script: "levels 1 3 1 2 1 4 1 2\nZADD zs 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h\nsearch zs 7\nZRANK zs g\nZRANGEBYSCORE zs 7 +inf WITHSCORES",
    },
    Preset {
        name: "rank-with-ties",
        zh: "同分成员按字节序排列（\"\" < \"10\" < \"9\" < \"B\" < \"a\"），排名据此计算",
        en: "Members with equal scores sort by bytes (\"\" < \"10\" < \"9\" < \"B\" < \"a\"), and ranks follow",
        config: None,
        script: "ZADD zs 1 b 1 a 1 B 2 x 1 \"\" 1 10 1 9\nZRANGE zs 0 -1 WITHSCORES\nZRANK zs a\nZRANK zs B\nZREVRANK zs a\nZCOUNT zs 1 1\nZRANGEBYSCORE zs (1 +inf",
    },
    Preset {
        name: "insert-grows-level",
        zh: "插入一个比跳表更高的节点：跳表层数上升，头节点新层的跨度被设置",
        en: "Insert a node taller than the list: the list level rises and the header's new links get their spans",
        config: None,
        script: "levels 1 2 1 1 2\nZADD zs 1 a 2 b 3 c 4 d 5 e\nlevels 4\nZADD zs 3.5 x\nsearch zs 5",
    },
    Preset {
        name: "delete-fixes-spans",
        zh: "删除最高的节点：经过它的跨度合并，跳过它的跨度减一，跳表层数下降",
        en: "Delete the tallest node: spans through it merge, spans over it shrink by one, and the list level drops",
        config: None,
        script: "levels 1 3 1 2 1 4 1 2\nZADD zs 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h\nZREM zs f\nZREM zs a\nsearch zs 7",
    },
    Preset {
        name: "update-in-place",
        zh: "改分值：仍在邻居之间就原地改，否则删除后重新插入（可能换一个层数）",
        en: "Changing a score: in place while it stays between its neighbours, otherwise delete and re-insert (maybe with another height)",
        config: None,
        script: "ZADD zs 1 a 2 b 3 c\nZADD zs 2.5 b\nZADD zs 10 a\nZINCRBY zs 0.5 c\nZRANGE zs 0 -1 WITHSCORES",
    },
    Preset {
        name: "zadd-flags",
        zh: "ZADD 的 NX/XX/GT/LT/CH/INCR：GT/LT 比较的是 INCR 之后的分值",
        en: "ZADD's NX/XX/GT/LT/CH/INCR: GT/LT compare the score after INCR",
        config: None,
        script: "ZADD zs 5 m\nZADD zs NX 1 m 1 n\nZADD zs XX CH 6 m 2 z\nZADD zs GT CH 4 m\nZADD zs GT INCR -1 m\nZADD zs LT INCR -1 m\nZADD zs +inf big\nZINCRBY zs -inf big\nZADD zs NX XX 1 m",
    },
    Preset {
        name: "score-ranges",
        zh: "分值区间：开区间 (、-inf/+inf、LIMIT 偏移与数量、负偏移返回空",
        en: "Score ranges: exclusive (, -inf/+inf, LIMIT offset and count, a negative offset returns nothing",
        config: None,
        script: "ZADD zs 1 a 2 b 2 c 3 d 4 e\nZRANGEBYSCORE zs (1 3\nZRANGEBYSCORE zs -inf +inf LIMIT 1 2\nZREVRANGEBYSCORE zs +inf (2 WITHSCORES\nZRANGEBYSCORE zs -inf +inf LIMIT -1 2\nZCOUNT zs (1 (4\nZRANGE zs 2 100 BYSCORE LIMIT 0 1",
    },
    Preset {
        name: "listpack-to-skiplist",
        zh: "小集合在 Redis 里是 listpack；超过 zset-max-listpack-entries 后转为跳表，且不会转回",
        en: "Small sets are listpacks in Redis; past zset-max-listpack-entries they become skiplists, and never go back",
        config: None,
        script: "CONFIG SET zset-max-listpack-entries 4\nZADD zs 1 a 2 b 3 c 4 d\nOBJECT ENCODING zs\nZADD zs 5 e\nOBJECT ENCODING zs\nZREM zs a b c\nOBJECT ENCODING zs",
    },
];
