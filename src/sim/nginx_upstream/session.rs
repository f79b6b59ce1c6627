//! The `nginx-upstream` (alias `lb`) command language, its narration and its
//! presets.
//!
//! Commands: `req [ip=IP] [uri=URI] [hold]`, `reqs N [ip=IP] [uri=URI] [hold]`,
//! `release ID`, `fail NAME` / `heal NAME`, `down NAME` / `up NAME`,
//! `add NAME[=W] [addr=ADDR] [backup]` / `remove NAME`, `tick SECONDS`.

use super::random::PeekOutcome;
use super::{
    ConfigError, RequestCtx, Served, ServerConfig, SkipReason, Upstream, UpstreamConfig,
    UpstreamEvent, UpstreamView,
};
use crate::sim::trace::Recorder;
use crate::sim::{CmdError, Outcome, Preset, Session};
use serde_json::{json, Value};
use std::net::IpAddr;

/// Most requests one `reqs` may send.
pub const MAX_REQS: u64 = 10_000;
/// Most connections held open at once.
pub const MAX_HELD: u64 = 10_000;
/// Most seconds one `tick` may move the clock.
pub const MAX_TICK: u64 = 1_000_000;

/// A parsed, validated command.
#[derive(Clone, Debug, PartialEq)]
enum Cmd {
    Req {
        n: u64,
        ctx: RequestCtx,
        hold: bool,
        many: bool,
    },
    Release(u64),
    Failing(String, bool),
    Down(String, bool),
    Add(ServerConfig),
    Remove(String),
    Tick(u64),
}

fn err(msg: impl Into<String>) -> CmdError {
    CmdError(msg.into())
}

fn from_cfg(e: ConfigError) -> CmdError {
    CmdError(e.0)
}

const USAGE: &str = "commands: req [ip=IP] [uri=URI] [hold] | reqs N [ip=IP] [uri=URI] [hold] | release ID | fail NAME | heal NAME | down NAME | up NAME | add NAME[=W] [addr=ADDR] [backup] | remove NAME | tick SECONDS";

fn parse_req_args(args: &[&str]) -> Result<(RequestCtx, bool), CmdError> {
    let mut ctx = RequestCtx::default();
    let mut hold = false;
    for a in args {
        if let Some(ip) = a.strip_prefix("ip=") {
            ctx.ip = ip
                .parse::<IpAddr>()
                .map_err(|_| err(format!("bad client address {ip:?}: expected IPv4 or IPv6")))?;
        } else if let Some(uri) = a.strip_prefix("uri=") {
            if uri.is_empty() || uri.len() > 200 {
                return Err(err("uri must be 1-200 characters"));
            }
            ctx.uri = uri.to_string();
        } else if *a == "hold" {
            hold = true;
        } else {
            return Err(err(format!(
                "unknown request argument {a:?}: expected ip=IP, uri=URI or hold"
            )));
        }
    }
    Ok((ctx, hold))
}

fn one_name<'a>(cmd: &str, args: &[&'a str]) -> Result<&'a str, CmdError> {
    match args {
        [name] => Ok(name),
        _ => Err(err(format!("usage: {cmd} NAME"))),
    }
}

fn parse(line: &str) -> Result<Cmd, CmdError> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some((&head, args)) = words.split_first() else {
        return Err(err(format!("empty command; {USAGE}")));
    };
    match head.to_ascii_lowercase().as_str() {
        "req" => {
            let (ctx, hold) = parse_req_args(args)?;
            Ok(Cmd::Req {
                n: 1,
                ctx,
                hold,
                many: false,
            })
        }
        "reqs" => {
            let Some((n, rest)) = args.split_first() else {
                return Err(err("usage: reqs N [ip=IP] [uri=URI] [hold]"));
            };
            let n: u64 = n
                .parse()
                .map_err(|_| err(format!("reqs: {n:?} is not a count")))?;
            if n == 0 || n > MAX_REQS {
                return Err(err(format!("reqs: N must be 1..={MAX_REQS}")));
            }
            let (ctx, hold) = parse_req_args(rest)?;
            Ok(Cmd::Req {
                n,
                ctx,
                hold,
                many: true,
            })
        }
        "release" => match args {
            [id] => id
                .parse()
                .map(Cmd::Release)
                .map_err(|_| err(format!("release: {id:?} is not a request id"))),
            _ => Err(err("usage: release ID")),
        },
        "fail" => Ok(Cmd::Failing(one_name("fail", args)?.to_string(), true)),
        "heal" => Ok(Cmd::Failing(one_name("heal", args)?.to_string(), false)),
        "down" => Ok(Cmd::Down(one_name("down", args)?.to_string(), true)),
        "up" => Ok(Cmd::Down(one_name("up", args)?.to_string(), false)),
        "remove" => Ok(Cmd::Remove(one_name("remove", args)?.to_string())),
        "add" => {
            let Some((spec, rest)) = args.split_first() else {
                return Err(err("usage: add NAME[=W] [addr=ADDR] [backup]"));
            };
            let (name, weight) = match spec.split_once('=') {
                Some((n, w)) => (
                    n,
                    w.parse::<u32>()
                        .map_err(|_| err(format!("add: weight {w:?} is not a number")))?,
                ),
                None => (*spec, 1),
            };
            let mut s = ServerConfig::new(name, weight);
            for a in rest {
                if let Some(addr) = a.strip_prefix("addr=") {
                    s.addr = Some(addr.to_string());
                } else if *a == "backup" {
                    s.backup = true;
                } else {
                    return Err(err(format!(
                        "add: unknown argument {a:?}: expected addr=ADDR or backup"
                    )));
                }
            }
            Ok(Cmd::Add(s))
        }
        "tick" => match args {
            [s] => {
                let s: u64 = s
                    .parse()
                    .map_err(|_| err(format!("tick: {s:?} is not a number of seconds")))?;
                if s > MAX_TICK {
                    return Err(err(format!("tick: at most {MAX_TICK} seconds at a time")));
                }
                Ok(Cmd::Tick(s))
            }
            _ => Err(err("usage: tick SECONDS")),
        },
        other => Err(err(format!("unknown command {other:?}; {USAGE}"))),
    }
}

/// A running `nginx-upstream` simulation.
pub struct UpstreamSession {
    up: Upstream<Recorder<UpstreamEvent>>,
}

impl UpstreamSession {
    /// A session over `config` (the default a=5, b=1, c=1 round robin when none).
    pub fn new(config: &UpstreamConfig, seed: u64) -> Result<Self, CmdError> {
        // The `Configured` event stays recorded: it opens the first command's
        // steps, so a view replaying the steps starts from the configuration.
        let up = Upstream::with_observer(config, seed, Recorder::new()).map_err(from_cfg)?;
        Ok(UpstreamSession { up })
    }

    /// The engine.
    pub fn upstream(&self) -> &Upstream<Recorder<UpstreamEvent>> {
        &self.up
    }

    /// The view of the engine now.
    pub fn view(&self) -> UpstreamView {
        UpstreamView::from(&self.up)
    }

    fn served_json(s: &Served) -> Value {
        json!({"server": s.server, "tried": s.tried, "status": s.status, "id": s.id})
    }

    fn check(&self, cmd: &Cmd) -> Result<(), CmdError> {
        let exists = |n: &str| {
            if self.up.find(n).is_some() {
                Ok(())
            } else {
                let names: Vec<&str> = self.up.peers().map(|p| p.name.as_str()).collect();
                Err(err(format!(
                    "no server named {n:?} (servers: {})",
                    names.join(", ")
                )))
            }
        };
        match cmd {
            Cmd::Req { n, hold: true, .. } => {
                let held = self.up.held().count() as u64;
                if held + n > MAX_HELD {
                    Err(err(format!(
                        "at most {MAX_HELD} held connections ({held} held now): release some first"
                    )))
                } else {
                    Ok(())
                }
            }
            Cmd::Req { .. } | Cmd::Tick(_) => Ok(()),
            Cmd::Release(id) => {
                if self.up.held().any(|(h, _)| h == *id) {
                    Ok(())
                } else {
                    Err(err(format!("release: no held request with id {id}")))
                }
            }
            Cmd::Failing(n, _) | Cmd::Down(n, _) => exists(n),
            Cmd::Add(s) => self.up.check_add(s).map_err(from_cfg),
            Cmd::Remove(n) => self.up.check_remove(n).map(|_| ()).map_err(from_cfg),
        }
    }

    fn exec(&mut self, cmd: Cmd) -> Result<Value, CmdError> {
        Ok(match cmd {
            Cmd::Req { n, ctx, hold, many } => {
                let mut out = Vec::new();
                for _ in 0..n {
                    let s = self.up.request(ctx.clone(), hold);
                    out.push(Self::served_json(&s));
                }
                if many {
                    Value::Array(out)
                } else {
                    out.pop().unwrap_or(Value::Null)
                }
            }
            Cmd::Release(id) => {
                let server = self.up.release(id).map_err(from_cfg)?;
                json!({"released": id, "server": server})
            }
            Cmd::Failing(n, f) => {
                self.up.set_failing(&n, f).map_err(from_cfg)?;
                json!({"server": n, "failing": f})
            }
            Cmd::Down(n, d) => {
                self.up.set_down(&n, d).map_err(from_cfg)?;
                json!({"server": n, "down": d})
            }
            Cmd::Add(s) => {
                self.up.add_server(&s).map_err(from_cfg)?;
                json!({"added": s.name, "weight": s.weight})
            }
            Cmd::Remove(n) => {
                self.up.remove_server(&n).map_err(from_cfg)?;
                json!({"removed": n})
            }
            Cmd::Tick(s) => {
                self.up.tick(s);
                json!({"now": self.up.now()})
            }
        })
    }
}

/// The session's `state` JSON: method, clock and every server's balancing state.
pub fn state_json<O>(up: &Upstream<O>) -> Value
where
    O: crate::sim::trace::Observer<UpstreamEvent>,
{
    let now = up.now();
    let servers: Vec<Value> = up
        .peers()
        .map(|p| {
            json!({
                "name": p.name,
                "addr": p.addr,
                "weight": p.weight,
                "effective_weight": p.effective_weight,
                "current_weight": p.current_weight,
                "conns": p.conns,
                "fails": p.fails,
                "max_fails": p.max_fails,
                "fail_timeout": p.fail_timeout,
                "down": p.down,
                "backup": p.backup,
                "failing": p.failing,
                "disabled": p.disabled(now),
                "failed_until": p.failed_until(),
            })
        })
        .collect();
    let held: Vec<u64> = up.held().map(|(id, _)| id).collect();
    let mut state = json!({
        "method": up.method().name(),
        "now": now,
        "servers": servers,
        "held": held,
    });
    if up.method().uses_key() {
        state["key"] = json!(up.key());
    }
    state
}

impl Session for UpstreamSession {
    fn run(&mut self, line: &str) -> Result<Outcome, CmdError> {
        crate::sim::check_line(line)?;
        let cmd = parse(line)?;
        self.check(&cmd)?;
        let reply = self.exec(cmd)?;
        let method = self.up.method();
        let steps = crate::sim::trace::steps(self.up.obs.take(), |e| narrate(e, method));
        Ok(Outcome {
            reply,
            state: self.state(),
            steps,
        })
    }

    fn state(&self) -> Value {
        state_json(&self.up)
    }
}

fn reason_text(r: SkipReason) -> (&'static str, &'static str) {
    match r {
        SkipReason::Tried => ("本请求已经试过它", "this request already tried it"),
        SkipReason::Down => ("它被标记为 down", "it is marked down"),
        SkipReason::Disabled => (
            "它在 fail_timeout 内失败次数已达 max_fails，暂时停用",
            "it reached max_fails within fail_timeout and is temporarily disabled",
        ),
        SkipReason::MaxConns => ("它的连接数已达 max_conns", "it is at max_conns"),
    }
}

/// Narrate one event: (kind, Chinese, English, notable).
pub fn narrate(e: &UpstreamEvent, method: super::Method) -> (&'static str, String, String, bool) {
    use UpstreamEvent as E;
    match e {
        E::Configured { method, servers, .. } => (
            "upstream.configured",
            format!("upstream 配置完成：方法 {method}，{} 台服务器。", servers.len()),
            format!("Upstream configured: method {method}, {} servers.", servers.len()),
            false,
        ),
        E::RequestStart { id, ip, uri, key, tries } => {
            let k = if key.is_empty() { String::new() } else { format!("，键 {key:?}") };
            let ke = if key.is_empty() { String::new() } else { format!(", key {key:?}") };
            (
                "req.start",
                format!("请求 #{id} 到达（客户端 {ip}，URI {uri}{k}），最多可尝试 {tries} 台。"),
                format!("Request #{id} arrives (client {ip}, URI {uri}{ke}); up to {tries} tries."),
                false,
            )
        }
        E::Skipped { server, reason, .. } => {
            let (zh, en) = reason_text(*reason);
            (
                "peer.skip",
                format!("跳过 {server}：{zh}。"),
                format!("Skip {server}: {en}."),
                false,
            )
        }
        E::Considered {
            server,
            current_weight,
            effective_weight,
            ..
        } => (
            "swrr.add",
            format!(
                "{server} 的 current_weight 加上 effective_weight 变为 {current_weight}（effective_weight 现为 {effective_weight}）。"
            ),
            format!(
                "{server}: current_weight += effective_weight → {current_weight} (effective_weight now {effective_weight})."
            ),
            false,
        ),
        E::Chosen {
            server,
            current_weight,
            total,
            ..
        } => (
            "swrr.choose",
            format!(
                "{server} 的 current_weight 最大（并列时取配置靠前者），被选中并减去总和 {total}，变为 {current_weight}。"
            ),
            format!(
                "{server} has the largest current_weight (first on a tie): chosen, and the total {total} is taken back → {current_weight}."
            ),
            false,
        ),
        E::SwitchToBackup { id } => (
            "backup.switch",
            format!("请求 #{id} 没有可用的主服务器，转到 backup 列表（清空已试标记）。"),
            format!("Request #{id}: no primary server is eligible, so it moves to the backup list (tried marks cleared)."),
            true,
        ),
        E::Picked {
            server,
            conns,
            probe,
            single,
            ..
        } => {
            let (zh, en) = if *single {
                ("（只有一台服务器：直接选它，不做任何记账）", " (single server: taken directly, no bookkeeping)")
            } else if *probe {
                ("（fail_timeout 已过，这次是探测请求）", " (fail_timeout has passed: this request probes it)")
            } else {
                ("", "")
            };
            (
                "peer.pick",
                format!("选中 {server}{zh}，连接数 {conns}。"),
                format!("Pick {server}{en}; conns {conns}."),
                *probe,
            )
        }
        E::NoLive { id } => (
            "upstream.nolive",
            format!("请求 #{id}：没有可用的服务器（no live upstreams），返回 502。"),
            format!("Request #{id}: no live upstreams, 502."),
            true,
        ),
        E::ConnectFailed { server, .. } => (
            "connect.fail",
            format!("连接 {server} 被拒绝（connect() failed），记一次失败。"),
            format!("Connecting to {server} is refused (connect() failed): a failure."),
            true,
        ),
        E::Freed {
            server,
            ok,
            single,
            fails,
            effective_weight,
            disabled,
            conns,
            ..
        } => {
            if *single {
                (
                    "peer.free",
                    format!("释放 {server}（单服务器：失败不计数，也不重试），连接数 {conns}。"),
                    format!("Free {server} (single server: failures are not counted and not retried); conns {conns}."),
                    false,
                )
            } else if *ok {
                (
                    "peer.free",
                    format!("{server} 成功应答，释放连接（连接数 {conns}，失败数 {fails}）。"),
                    format!("{server} answered; connection freed (conns {conns}, fails {fails})."),
                    false,
                )
            } else if *disabled {
                (
                    "peer.disable",
                    format!("{server} 失败数 {fails} 达到 max_fails：effective_weight 降为 {effective_weight}，在 fail_timeout 内暂停使用。"),
                    format!("{server} has {fails} fails = max_fails: effective_weight cut to {effective_weight}, disabled for fail_timeout."),
                    true,
                )
            } else {
                (
                    "peer.fail",
                    format!("{server} 失败数 {fails}：effective_weight 减去 weight/max_fails，变为 {effective_weight}。"),
                    format!("{server} now has {fails} fails: effective_weight minus weight/max_fails → {effective_weight}."),
                    true,
                )
            }
        }
        E::Done { request } => match &request.server {
            Some(s) => (
                "req.done",
                format!(
                    "请求 #{} 由 {s} 应答（200），尝试过：{}{}。",
                    request.id,
                    request.tried.join(", "),
                    if request.held { "；连接保持到 release" } else { "" }
                ),
                format!(
                    "Request #{} answered by {s} (200), tried: {}{}.",
                    request.id,
                    request.tried.join(", "),
                    if request.held { "; connection held until release" } else { "" }
                ),
                request.tried.len() > 1,
            ),
            None => (
                "req.fail",
                format!("请求 #{} 失败，返回 502，尝试过：{}。", request.id, request.tried.join(", ")),
                format!("Request #{} fails with 502, tried: {}.", request.id, request.tried.join(", ")),
                true,
            ),
        },
        E::Release { id, server } => (
            "req.release",
            format!("请求 #{id} 结束，释放它在 {server} 上保持的连接。"),
            format!("Request #{id} ends: its held connection to {server} is released."),
            false,
        ),
        E::Tick { now } => (
            "clock.tick",
            format!("时钟走到第 {now} 秒。"),
            format!("The clock moves to {now} s."),
            false,
        ),
        E::SetFailing { server, failing } => {
            if *failing {
                (
                    "server.fail",
                    format!("{server} 停止监听：之后到它的连接都会被拒绝。"),
                    format!("{server} stops listening: connections to it will be refused."),
                    true,
                )
            } else {
                (
                    "server.heal",
                    format!("{server} 恢复监听：到它的连接会成功。"),
                    format!("{server} listens again: connections to it succeed."),
                    true,
                )
            }
        }
        E::SetDown { server, down } => (
            if *down { "server.down" } else { "server.up" },
            if *down {
                format!("{server} 标记为 down：不再被选中，但仍占着权重位置。")
            } else {
                format!("{server} 取消 down 标记。")
            },
            if *down {
                format!("{server} is marked down: never picked, but it keeps its weight slot.")
            } else {
                format!("{server} is no longer down.")
            },
            true,
        ),
        E::Added { server } => (
            "server.add",
            format!("加入服务器 {}（weight {}）。", server.name, server.weight),
            format!("Server {} added (weight {}).", server.name, server.weight),
            true,
        ),
        E::Removed { server } => (
            "server.remove",
            format!("移除服务器 {server}。"),
            format!("Server {server} removed."),
            true,
        ),
        E::IpHashRound { h, w, server, skip, .. } => {
            let (zh, en) = skip.map(reason_text).unwrap_or(("可用", "it is eligible"));
            (
                "ip_hash.round",
                format!("ip_hash：把地址前三个字节混入哈希得 {h}，{h} % 总权重 = {w}，按权重落在 {server}；{zh}。"),
                format!("ip_hash: folding the address bytes gives {h}; {h} % total weight = {w} lands on {server}; {en}."),
                skip.is_some(),
            )
        }
        E::HashRound {
            data, h, hval, w, server, skip, ..
        } => {
            let (zh, en) = skip.map(reason_text).unwrap_or(("可用", "it is eligible"));
            (
                "hash.round",
                format!("hash：crc32({data:?}) 的第 16..30 位是 {h}，累计 {hval}，% 总权重 = {w}，落在 {server}；{zh}。"),
                format!("hash: bits 16..30 of crc32({data:?}) are {h}, accumulated {hval}, % total weight = {w} lands on {server}; {en}."),
                skip.is_some(),
            )
        }
        E::RingLookup { position, .. } => (
            "chash.lookup",
            format!(
                "一致性哈希：crc32({:?}) = {:#010x}，环上第一个不小于它的点是 #{}（{:#010x}，属于 {}）。",
                position.key, position.hash, position.index, position.point, position.server
            ),
            format!(
                "Consistent hash: crc32({:?}) = {:#010x}; the first ring point at or after it is #{} ({:#010x}, owned by {}).",
                position.key, position.hash, position.index, position.point, position.server
            ),
            false,
        ),
        E::RingStep { index, server, found, skip, .. } => match found {
            Some(f) => (
                "chash.step",
                format!("环上点 #{index} 属于 {server}：选 {f}。"),
                format!("Ring point #{index} belongs to {server}: take {f}."),
                false,
            ),
            None => {
                let (zh, en) = skip.map(reason_text).unwrap_or(("不可用", "not eligible"));
                (
                    "chash.step",
                    format!("环上点 #{index} 属于 {server}，但{zh}：顺时针看下一个点。"),
                    format!("Ring point #{index} belongs to {server}, but {en}: move clockwise to the next point."),
                    true,
                )
            }
        },
        E::RandomPeek { x, server, outcome, .. } => {
            let (zh, en): (String, String) = match outcome {
                PeekOutcome::Taken => ("选它".into(), "take it".into()),
                PeekOutcome::First => ("作为第一个候选".into(), "first candidate".into()),
                PeekOutcome::Second => ("作为第二个候选，与第一个比较连接数".into(), "second candidate, compared with the first by conns".into()),
                PeekOutcome::Same => ("与第一个候选相同，重抽".into(), "same as the first candidate: draw again".into()),
                PeekOutcome::Skipped(r) => {
                    let (z, e) = reason_text(*r);
                    (format!("{z}，重抽"), format!("{e}: draw again"))
                }
            };
            (
                "random.peek",
                format!("随机数 {x} 落在 {server} 的权重区间：{zh}。"),
                format!("Random number {x} falls in {server}'s weight range: {en}."),
                false,
            )
        }
        E::LeastBest {
            server,
            conns,
            weight,
            response_ms,
            tied,
            ..
        } => {
            let fair = method == super::Method::Fair;
            let (pz, pe) = if fair {
                ("（fair 不是 nginx 自带的方法）", " (fair is NOT part of nginx)")
            } else {
                ("", "")
            };
            let rt = response_ms.map(|r| format!(", {r} ms")).unwrap_or_default();
            (
                if fair { "fair.best" } else { "least_conn.best" },
                format!(
                    "{pz}连接数/权重最小的是 {server}（{conns}/{weight}{rt}）{}。",
                    if *tied { "，有并列者，用平滑加权轮询在并列者中决定" } else { "" }
                ),
                format!(
                    "{server} has the fewest conns per weight ({conns}/{weight}{rt}){}{pe}.",
                    if *tied { "; others tie, so SWRR decides among the tied" } else { "" }
                ),
                false,
            )
        }
        E::Fallback { tries, .. } => (
            "fallback.rr",
            format!("连续 {tries} 次没有找到可用的服务器，改用轮询。"),
            format!("{tries} tries without an eligible server: fall back to round robin."),
            true,
        ),
    }
}

/// Build a session from an optional YAML config and a seed.
pub fn factory(config: Option<&str>, seed: u64) -> Result<Box<dyn Session>, CmdError> {
    let cfg = match config {
        None => UpstreamConfig::default(),
        Some(text) => crate::yaml::parse::<UpstreamConfig>(text)
            .map_err(|e| err(format!("bad nginx-upstream config: {e}")))?,
    };
    Ok(Box::new(UpstreamSession::new(&cfg, seed)?))
}

/// The named scenarios.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "swrr-5-1-1",
        zh: "平滑加权轮询：权重 5/1/1 每 7 个请求得到 a a b a c a a",
        en: "Smooth weighted round robin: weights 5/1/1 give a a b a c a a every 7 requests",
        config: None,
        script: "reqs 7\nreqs 7",
    },
    Preset {
        name: "backup-takes-over",
        zh: "两台主服务器都连不上后，backup 接管；fail_timeout 过后主服务器被探测并恢复",
        en: "Both primaries refuse connections, the backup takes over; after fail_timeout the primaries are probed and come back",
        config: Some(
            "method: round_robin\nservers:\n  - {name: a, fail_timeout: 30}\n  - {name: b, fail_timeout: 30}\n  - {name: c, backup: true}\n",
        ),
        script: "fail a\nfail b\nreq\nreqs 3\nheal a\nheal b\nreqs 2\ntick 31\nreqs 4",
    },
    Preset {
        name: "ip-hash-sticky",
        zh: "ip_hash：同一 /24 的客户端总落在同一台；down 的服务器保留位置，只有它的客户端被转走",
        en: "ip_hash: clients of one /24 stick to one server; a down server keeps its slot, only its clients move",
        config: Some("method: ip_hash\nservers:\n  - {name: a}\n  - {name: b}\n  - {name: c}\n"),
        script: "req ip=10.0.0.1\nreq ip=10.0.0.2\nreq ip=10.0.0.200\nreq ip=10.0.1.1\nreq ip=10.0.2.1\ndown b\nreq ip=10.0.1.1\nreq ip=10.0.0.1\nup b\nreq ip=10.0.1.1",
    },
    Preset {
        name: "consistent-hash-remove-a-node",
        zh: "一致性哈希：移除 d 后只有原来落在 d 上的 URI 换了服务器",
        en: "Consistent hashing: after removing d only the URIs that were on d move",
        config: Some(
            "method: hash_consistent\nkey: $request_uri\nservers:\n  - {name: a, addr: '127.0.0.1:19001'}\n  - {name: b, addr: '127.0.0.1:19002'}\n  - {name: c, addr: '127.0.0.1:19003'}\n  - {name: d, addr: '127.0.0.1:19004'}\n",
        ),
        script: "req uri=/item/1\nreq uri=/item/2\nreq uri=/item/3\nreq uri=/item/4\nreq uri=/item/5\nreq uri=/item/6\nremove d\nreq uri=/item/1\nreq uri=/item/2\nreq uri=/item/3\nreq uri=/item/4\nreq uri=/item/5\nreq uri=/item/6",
    },
    Preset {
        name: "least-conn-held",
        zh: "least_conn：保持的连接让忙的服务器少接请求；并列时按平滑加权轮询",
        en: "least_conn: held connections steer requests away from busy servers; ties go by SWRR",
        config: Some("method: least_conn\nservers:\n  - {name: a}\n  - {name: b}\n  - {name: c}\n"),
        script: "req hold\nreq hold\nreq\nreq\nrelease 1\nreq hold\nreq\nrelease 2\nrelease 5\nreqs 3",
    },
    Preset {
        name: "failure-and-recovery",
        zh: "失败使 effective_weight 归零，fail_timeout 后探测成功，权重每次被考虑时加 1 慢慢恢复",
        en: "A failure zeroes effective_weight; after fail_timeout a probe succeeds and the weight grows back by 1 per consideration",
        config: Some(
            "method: round_robin\nservers:\n  - {name: a, weight: 1, fail_timeout: 1}\n  - {name: b, weight: 4, fail_timeout: 1}\n",
        ),
        script: "fail b\nreqs 3\nheal b\ntick 2\nreqs 10",
    },
    Preset {
        name: "hash-uri",
        zh: "hash $request_uri：crc32 决定服务器；服务器失败时带前缀重新哈希",
        en: "hash $request_uri: crc32 decides; when the server fails the key is rehashed with a prefix",
        config: Some("method: hash\nkey: $request_uri\nservers:\n  - {name: a}\n  - {name: b}\n  - {name: c}\n"),
        script: "req uri=/item/1\nreq uri=/item/2\nreq uri=/\nfail b\nreq uri=/item/1\nreq uri=/item/1",
    },
    Preset {
        name: "random-two",
        zh: "random two least_conn：随机抽两台，取连接少的（种子决定）",
        en: "random two least_conn: draw two at random, take the one with fewer connections (seeded)",
        config: Some(
            "method: random_two_least_conn\nservers:\n  - {name: a}\n  - {name: b}\n  - {name: c}\n",
        ),
        script: "reqs 4 hold\nrelease 1\nreqs 2 hold\nreqs 3",
    },
    Preset {
        name: "single-peer",
        zh: "只有一台服务器：失败不计数、不重试，down 了就 502",
        en: "One server only: failures are neither counted nor retried; down means 502",
        config: Some("servers:\n  - {name: a}\n"),
        script: "req\nfail a\nreqs 2\nheal a\nreq\ndown a\nreq",
    },
    Preset {
        name: "fair-not-nginx",
        zh: "fair（第三方 upstream_fair 的思路，不是 nginx 自带）：先看未完成请求数，再看响应时间",
        en: "fair (the third-party upstream_fair idea, NOT part of nginx): fewest outstanding requests, then fastest response",
        config: Some(
            "method: fair\nservers:\n  - {name: a, latency_ms: 120}\n  - {name: b, latency_ms: 40}\n  - {name: c, latency_ms: 80}\n",
        ),
        script: "reqs 3\nreqs 3\nreq hold\nreqs 2",
    },
];
