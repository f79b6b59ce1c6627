//! The `redis-dict` command language, its narration and its presets.

use serde_json::Value;

use super::*;
use crate::sim::redis_cli;
use crate::sim::trace::{self, Recorder};
use crate::sim::{CmdError, Outcome, Preset, Session};

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
        let args = redis_cli::split_args(line)?;
        let cmd = parse(&args)?;
        if matches!(cmd, Cmd::BgsaveDone) && !self.server.has_child() {
            return Err(CmdError(
                "no background save is running (start one with bgsave)".into(),
            ));
        }
        self.server.db.obs.events.clear();
        let reply = self.exec(cmd);
        let steps = trace::steps(self.server.db.obs.take(), narrate);
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
        Some(text) => crate::yaml::parse::<DictConfig>(text)
            .map_err(|e| CmdError(format!("bad redis-dict config: {e}")))?,
    };
    if cfg.cron_batches == 0 || cfg.cron_batches as u64 > MAX_REPEAT {
        return Err(CmdError(format!(
            "bad redis-dict config: cron_batches must be from 1 to {MAX_REPEAT}"
        )));
    }
    Ok(Box::new(DictSession::new(cfg, seed)))
}

/// What an event means, in words.
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
