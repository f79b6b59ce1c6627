//! nginx upstream peer selection (nginx 1.22.1 semantics), observed.
//!
//! # What a load balancer inside nginx really does
//!
//! An `upstream` block lists servers. For every proxied request nginx asks the
//! block's *balancing method* for a peer, connects to it, and afterwards tells
//! the method how it went ("free"). When the connection fails, nginx asks again
//! for the same request, and the peers this request already tried are skipped.
//!
//! Every peer carries a little state, all of it here in [`Peer`]:
//!
//! * `weight` (configured), `effective_weight` (ew) and `current_weight` (cw):
//!   **smooth weighted round robin** adds each eligible peer's ew to its cw,
//!   picks the peer with the largest cw (the first one on a tie), and takes the
//!   sum of all the ews back from the winner. With weights 5, 1, 1 this gives
//!   `a a b a c a a`: every peer gets exactly `weight` picks per cycle, spread
//!   out rather than in a burst.
//! * `fails`, `max_fails`, `fail_timeout`, `checked`, `accessed`: a failed
//!   connection counts a failure and cuts ew by `weight / max_fails`. Once a
//!   peer has `max_fails` failures it is *disabled* for `fail_timeout` seconds
//!   after the last one. After that one request may probe it (the "check"); if
//!   the probe succeeds the failures are forgiven. ew grows back by 1 each time
//!   round robin considers the peer, so a recovered peer is eased back in.
//! * `down` peers are never picked; `backup` peers are used only when no
//!   primary peer is eligible for the request.
//! * `conns`: connections now in use, which `least_conn` compares.
//!
//! The per-request state ([`Attempt`]) holds the tried set and the number of
//! tries left (the number of peers that are not down), so a request retries
//! on another peer after a connection failure and gives up with 502 when it
//! has tried them all. With exactly one server and no backup there is a
//! shortcut: that peer is returned without any bookkeeping and a failure is
//! neither counted nor retried.
//!
//! The other methods pick differently but share the peer state, the
//! eligibility test and the failure accounting:
//!
//! * `ip_hash`: the first three octets of an IPv4 client (all 16 bytes of
//!   IPv6) are folded into a number below 6271, which walks the peers by weight.
//!   A peer that cannot take the request sends the client on a deterministic
//!   second walk; after 20 misses nginx falls back to round robin.
//! * `hash KEY`: `crc32` of the key (prefixed by the retry number on a rehash),
//!   bits 16..30, accumulated, then the same weight walk.
//! * `hash KEY consistent`: a ketama-style ring with 160 points per unit of
//!   weight, each point a crc32 of the server's address text; the key's crc32
//!   finds the first point at or after it, and misses move clockwise.
//! * `least_conn`: fewest `conns / weight`, ties broken by round robin.
//! * `random` and `random two least_conn`: a weighted random peer, or the less
//!   loaded of two (from the engine's seeded [`Rng`]).
//! * `fair`: **not part of nginx**. The idea of the third-party
//!   `upstream_fair` module: the fewest outstanding requests per weight, then
//!   the lowest observed response time, then round robin among the tied.
//!
//! The engine keeps a simulated clock in whole seconds (nginx's cached
//! `ngx_time()`); [`Upstream::tick`] moves it. Whether a connection to a peer
//! succeeds is simulated by the peer's `failing` flag.
//!
//! # Where the simulation differs from a running nginx
//!
//! * One worker process, no `zone`: nginx with several workers keeps one copy
//!   of this state per worker, so its observable sequence interleaves several.
//! * `down`/`up`/`add`/`remove` at run time: nginx 1.22.1 can only change its
//!   peers by reloading, which starts every peer afresh; here the other peers
//!   keep their weights, failures and connections (the ring and the weight
//!   ranges are rebuilt, as newer nginx versions do for re-resolved servers).
//! * Only connection failures (`error`) are simulated: no timeouts, no HTTP
//!   status retries (`proxy_next_upstream http_500`), no `proxy_next_upstream_tries`.
//! * Newer nginx (1.27+) also resets `fails` in the single-peer free path and
//!   adds sticky sessions and draining; none of that is in 1.22.1 or here.
//! * `random` draws from the seeded generator instead of nginx's
//!   `ngx_random()`, so its picks match nginx's rules but not its numbers.

/// Send an event to the engine's observer, building it first (so it may read
/// the engine) and only when the observer is enabled.
macro_rules! ev {
    ($up:expr, $event:expr) => {
        if $crate::sim::trace::Observer::enabled(&$up.obs) {
            let event = $event;
            let loc = $crate::here!();
            $crate::sim::trace::Observer::on(&mut $up.obs, loc, event);
        }
    };
}

mod config;
mod crc32;
mod events;
mod hash;
mod least_conn;
mod picture;
pub mod quiz;
mod random;
mod rr;
mod session;
mod view;

pub(crate) use config::{validate_key, validate_server};
pub use config::{ConfigError, Method, ServerConfig, UpstreamConfig};
pub use crc32::crc32;
pub use events::{KeyPosition, RequestView, RingPoint, ServerView, UpstreamEvent};
pub use picture::UpstreamPicture;
pub use session::{factory, UpstreamSession, PRESETS};
pub use view::UpstreamView;

/// The `nginx-upstream` simulation, as the registry lists it.
pub const INFO: crate::sim::SimInfo = crate::sim::SimInfo {
    name: "nginx-upstream",
    aliases: &["lb"],
    about: "nginx upstream peer selection: smooth weighted round robin, failures, backup, ip_hash, hash, consistent hash, least_conn, random (and fair, not part of nginx)",
    about_zh: "nginx upstream 选择后端：平滑加权轮询、失败与 backup、ip_hash、hash、一致性哈希、least_conn、random（以及不属于 nginx 的 fair）",
    factory,
    presets: PRESETS,
    picture: || Box::<UpstreamPicture>::default(),
    quiz: &[quiz::SWRR, quiz::IP_HASH, quiz::CONSISTENT],
    pairing: &["负载均衡", "load balanc", "upstream", "加权轮询", "round robin", "round-robin"],
};

use crate::sim::trace::{NoTrace, Observer, Rng};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::net::IpAddr;

/// How many recent requests the engine (and its view) remember.
pub const REQUEST_LOG: usize = 64;
/// Largest accepted server weight.
pub const MAX_WEIGHT: u32 = 100;
/// Largest number of servers (primary and backup together).
pub const MAX_SERVERS: usize = 64;
/// Consistent-hash ring points per unit of weight.
pub const POINTS_PER_WEIGHT: u32 = 160;
/// How many unsuccessful hash/random tries before nginx falls back to round robin.
pub const HASH_TRIES: u32 = 20;

/// One peer and its balancing state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Peer {
    /// Display name.
    pub name: String,
    /// Address text (hashed by consistent hashing).
    pub addr: String,
    /// Configured weight.
    pub weight: i64,
    /// Weight used by SWRR; cut on failure, grows back by 1 per consideration.
    pub effective_weight: i64,
    /// SWRR accumulator.
    pub current_weight: i64,
    /// Connections in use now.
    pub conns: u32,
    /// `max_conns` (0 = unlimited).
    pub max_conns: u32,
    /// Failures since the last reset.
    pub fails: u32,
    /// `max_fails` (0 = never disable).
    pub max_fails: u32,
    /// `fail_timeout` in seconds.
    pub fail_timeout: u64,
    /// Time of the last failure.
    pub accessed: u64,
    /// Time of the last failure or check.
    pub checked: u64,
    /// Never picked.
    pub down: bool,
    /// In the backup list.
    pub backup: bool,
    /// Simulation: connections to this peer are refused.
    pub failing: bool,
    /// Simulation: how long this peer takes to answer (ms), seen by `fair`.
    pub latency_ms: u64,
    /// `fair`: the last observed response time (ms), none before the first answer.
    pub response_ms: Option<u64>,
    /// Consistent hash: index of this peer's address text among the ring's servers.
    #[serde(skip)]
    pub(crate) ring_id: u32,
}

impl Peer {
    fn from_config(s: &ServerConfig) -> Self {
        let w = i64::from(s.weight);
        Peer {
            name: s.name.clone(),
            addr: s.addr.clone().unwrap_or_else(|| s.name.clone()),
            weight: w,
            effective_weight: w,
            current_weight: 0,
            conns: 0,
            max_conns: s.max_conns,
            fails: 0,
            max_fails: s.max_fails,
            fail_timeout: s.fail_timeout,
            accessed: 0,
            checked: 0,
            down: s.down,
            backup: s.backup,
            failing: false,
            latency_ms: s.latency_ms,
            response_ms: None,
            ring_id: 0,
        }
    }

    /// Whether the peer is disabled by failures at time `now`.
    pub fn disabled(&self, now: u64) -> bool {
        self.max_fails > 0
            && self.fails >= self.max_fails
            && now.saturating_sub(self.checked) <= self.fail_timeout
    }

    /// The last second at which it is still disabled, if it has reached `max_fails`.
    pub fn failed_until(&self) -> Option<u64> {
        (self.max_fails > 0 && self.fails >= self.max_fails)
            .then(|| self.checked.saturating_add(self.fail_timeout))
    }

    /// Why this peer cannot take a request now (ignoring the tried set).
    pub fn ineligible(&self, now: u64) -> Option<SkipReason> {
        if self.down {
            Some(SkipReason::Down)
        } else if self.disabled(now) {
            Some(SkipReason::Disabled)
        } else if self.max_conns > 0 && self.conns >= self.max_conns {
            Some(SkipReason::MaxConns)
        } else {
            None
        }
    }
}

/// Why a peer was passed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Already tried by this request.
    Tried,
    /// Marked `down`.
    Down,
    /// `max_fails` reached within `fail_timeout`.
    Disabled,
    /// At `max_conns`.
    MaxConns,
}

/// Which of the two peer lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum List {
    /// The non-backup servers.
    Primary,
    /// The backup servers.
    Backup,
}

/// A peer's position: list and index in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerRef {
    /// Which list.
    pub list: List,
    /// Index in that list (configuration order).
    pub index: usize,
}

/// What a request carries that balancing can look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestCtx {
    /// The client address (after realip).
    pub ip: IpAddr,
    /// The raw request URI, query string included.
    pub uri: String,
}

impl Default for RequestCtx {
    fn default() -> Self {
        RequestCtx {
            ip: IpAddr::from([127, 0, 0, 1]),
            uri: "/".to_string(),
        }
    }
}

/// The per-request balancing state (nginx's peer data), alive for one request
/// and all its retries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The request's id.
    pub id: u64,
    /// The request.
    pub ctx: RequestCtx,
    /// The evaluated hash key.
    pub key: String,
    /// The list being picked from; switches to backup at most once.
    pub set: List,
    /// Tried bits, indexed like `set`.
    pub tried: Vec<bool>,
    /// Tries left.
    pub tries: u32,
    /// ip_hash running hash (starts at 89).
    pub ip_hash: u32,
    /// hash/ip_hash/random unsuccessful tries.
    pub htries: u32,
    /// plain hash: rehash counter.
    pub rehash: u32,
    /// plain hash: accumulated value; consistent hash: ring index.
    pub hval: u32,
}

/// The result of a whole request (with its retries).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Served {
    /// The request id.
    pub id: u64,
    /// The peer that answered, if any.
    pub server: Option<String>,
    /// Every peer tried, in order.
    pub tried: Vec<String>,
    /// 200 or 502.
    pub status: u16,
    /// Whether the connection is held open (until [`Upstream::release`]).
    pub held: bool,
}

/// A held connection.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Held {
    server: String,
}

/// An nginx `upstream` block with its balancing method and peer state.
///
/// The observer `O` receives an [`UpstreamEvent`] for everything the balancer
/// does; the default [`NoTrace`] costs nothing.
#[derive(Debug)]
pub struct Upstream<O = NoTrace> {
    pub(crate) method: Method,
    pub(crate) key: String,
    pub(crate) primary: Vec<Peer>,
    pub(crate) backup: Vec<Peer>,
    pub(crate) now: u64,
    pub(crate) rng: Rng,
    /// Consistent-hash ring: (point, index into `ring_servers`).
    pub(crate) ring: Vec<(u32, u32)>,
    pub(crate) ring_servers: Vec<String>,
    pub(crate) next_id: u64,
    held: BTreeMap<u64, Held>,
    pub(crate) log: VecDeque<RequestView>,
    pub(crate) distribution: BTreeMap<String, u64>,
    pub(crate) failures: u64,
    pub(crate) key_position: Option<KeyPosition>,
    /// The observer.
    pub obs: O,
}

/// Evaluate a key expression for a request.
pub fn eval_key(key: &str, ctx: &RequestCtx) -> String {
    if key == "$request_uri" {
        return ctx.uri.clone();
    }
    key.replace("$request_uri", &ctx.uri)
        .replace("$remote_addr", &ctx.ip.to_string())
}

/// Split a consistent-hash server text into (host, port) the way nginx does:
/// `unix:PATH` → (PATH, ""); `TEXT:DIGITS` → (TEXT, DIGITS); else (text, "").
pub fn split_server(server: &str) -> (&str, &str) {
    if let Some(path) = server.strip_prefix("unix:") {
        return (path, "");
    }
    if let Some(pos) = server.rfind(':') {
        let port = &server[pos + 1..];
        if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
            return (&server[..pos], port);
        }
    }
    (server, "")
}

/// Build the consistent-hash ring from (server text, weight) pairs in
/// configuration order: 160 points per unit of weight, sorted, duplicates
/// removed. Returns the points as (hash, index of the distinct server text)
/// and the distinct texts.
pub fn build_ring<'a>(
    servers: impl Iterator<Item = (&'a str, u32)>,
) -> (Vec<(u32, u32)>, Vec<String>) {
    let mut texts: Vec<String> = Vec::new();
    let mut points = Vec::new();
    for (server, weight) in servers {
        let id = match texts.iter().position(|t| t == server) {
            Some(i) => i,
            None => {
                texts.push(server.to_string());
                texts.len() - 1
            }
        } as u32;
        let (host, port) = split_server(server);
        let mut base = crc32::update(crc32::INIT, host.as_bytes());
        base = crc32::update(base, &[0]);
        base = crc32::update(base, port.as_bytes());
        let mut prev: u32 = 0;
        for _ in 0..weight * POINTS_PER_WEIGHT {
            let h = crc32::finish(crc32::update(base, &prev.to_le_bytes()));
            points.push((h, id));
            prev = h;
        }
    }
    points.sort_by_key(|p| p.0);
    points.dedup_by_key(|p| p.0);
    (points, texts)
}

impl Upstream<NoTrace> {
    /// An untraced upstream.
    pub fn new(config: &UpstreamConfig, seed: u64) -> Result<Self, ConfigError> {
        Upstream::with_observer(config, seed, NoTrace)
    }
}

impl<O: Observer<UpstreamEvent>> Upstream<O> {
    /// An upstream reporting to `obs`; `seed` drives `random`.
    pub fn with_observer(config: &UpstreamConfig, seed: u64, obs: O) -> Result<Self, ConfigError> {
        let method = config.method;
        let key = match (&config.key, method.uses_key()) {
            (Some(k), true) => {
                validate_key(k)?;
                k.clone()
            }
            (None, true) => "$request_uri".to_string(),
            (Some(_), false) => {
                return Err(ConfigError(format!(
                    "key is only used by hash and hash_consistent, not {}",
                    method.name()
                )))
            }
            (None, false) => String::new(),
        };
        if config.servers.len() > MAX_SERVERS {
            return Err(ConfigError(format!("at most {MAX_SERVERS} servers")));
        }
        let mut primary = Vec::new();
        let mut backup = Vec::new();
        for (i, s) in config.servers.iter().enumerate() {
            validate_server(s, method)?;
            if config.servers[..i].iter().any(|o| o.name == s.name) {
                return Err(ConfigError(format!("duplicate server name {}", s.name)));
            }
            let p = Peer::from_config(s);
            if s.backup {
                backup.push(p);
            } else {
                primary.push(p);
            }
        }
        if primary.is_empty() {
            return Err(ConfigError(
                "an upstream needs at least one non-backup server".into(),
            ));
        }
        let mut up = Upstream {
            method,
            key,
            primary,
            backup,
            now: 0,
            rng: Rng::new(seed),
            ring: Vec::new(),
            ring_servers: Vec::new(),
            next_id: 1,
            held: BTreeMap::new(),
            log: VecDeque::new(),
            distribution: BTreeMap::new(),
            failures: 0,
            key_position: None,
            obs,
        };
        up.rebuild_ring();
        ev!(
            up,
            UpstreamEvent::Configured {
                method: up.method.name().to_string(),
                key: up.key.clone(),
                servers: up.peers().map(ServerView::from).collect(),
            }
        );
        up.debug_check();
        Ok(up)
    }

    fn rebuild_ring(&mut self) {
        if self.method == Method::HashConsistent {
            let (ring, texts) = build_ring(
                self.primary
                    .iter()
                    .map(|p| (p.addr.as_str(), p.weight as u32)),
            );
            for p in &mut self.primary {
                p.ring_id = texts.iter().position(|t| *t == p.addr).unwrap_or(0) as u32;
            }
            self.ring = ring;
            self.ring_servers = texts;
        }
    }

    /// The balancing method.
    pub fn method(&self) -> Method {
        self.method
    }
    /// The key expression (empty unless hashing).
    pub fn key(&self) -> &str {
        &self.key
    }
    /// The simulated clock, in seconds.
    pub fn now(&self) -> u64 {
        self.now
    }
    /// All peers: primary then backup, each in configuration order.
    pub fn peers(&self) -> impl Iterator<Item = &Peer> {
        self.primary.iter().chain(self.backup.iter())
    }
    /// A peer by name.
    pub fn peer(&self, name: &str) -> Option<&Peer> {
        self.peers().find(|p| p.name == name)
    }
    /// Locate a peer by name.
    pub fn find(&self, name: &str) -> Option<PeerRef> {
        if let Some(i) = self.primary.iter().position(|p| p.name == name) {
            return Some(PeerRef {
                list: List::Primary,
                index: i,
            });
        }
        self.backup
            .iter()
            .position(|p| p.name == name)
            .map(|i| PeerRef {
                list: List::Backup,
                index: i,
            })
    }
    /// The consistent-hash ring points (hash, server text), sorted.
    pub fn ring(&self) -> impl Iterator<Item = (u32, &str)> {
        self.ring
            .iter()
            .map(|&(h, i)| (h, self.ring_servers[i as usize].as_str()))
    }
    /// Ids of held requests and the server holding each.
    pub fn held(&self) -> impl Iterator<Item = (u64, &str)> {
        self.held.iter().map(|(id, h)| (*id, h.server.as_str()))
    }

    pub(crate) fn list(&self, l: List) -> &Vec<Peer> {
        match l {
            List::Primary => &self.primary,
            List::Backup => &self.backup,
        }
    }
    pub(crate) fn list_mut(&mut self, l: List) -> &mut Vec<Peer> {
        match l {
            List::Primary => &mut self.primary,
            List::Backup => &mut self.backup,
        }
    }
    pub(crate) fn peer_at(&self, r: PeerRef) -> &Peer {
        &self.list(r.list)[r.index]
    }
    pub(crate) fn peer_at_mut(&mut self, r: PeerRef) -> &mut Peer {
        &mut self.list_mut(r.list)[r.index]
    }

    /// nginx's `single` flag: one primary peer and no backup list.
    pub fn single(&self, l: List) -> bool {
        l == List::Primary && self.primary.len() == 1 && self.backup.is_empty()
    }

    /// Why the peer at `index` of the request's list cannot take it now.
    pub(crate) fn skip_reason(&self, at: &Attempt, index: usize) -> Option<SkipReason> {
        if at.tried.get(index).copied().unwrap_or(false) {
            return Some(SkipReason::Tried);
        }
        self.list(at.set)[index].ineligible(self.now)
    }

    /// Start a request: build the per-request state (nginx's `init_peer`).
    pub fn begin(&mut self, ctx: RequestCtx) -> Attempt {
        let id = self.next_id;
        self.next_id += 1;
        let tries = |l: &Vec<Peer>| l.iter().filter(|p| !p.down).count() as u32;
        let key = if self.method.uses_key() {
            eval_key(&self.key, &ctx)
        } else {
            String::new()
        };
        let mut at = Attempt {
            id,
            ctx,
            key,
            set: List::Primary,
            tried: vec![false; self.primary.len()],
            tries: tries(&self.primary) + tries(&self.backup),
            ip_hash: 89,
            htries: 0,
            rehash: 0,
            hval: 0,
        };
        ev!(
            self,
            UpstreamEvent::RequestStart {
                id,
                ip: at.ctx.ip.to_string(),
                uri: at.ctx.uri.clone(),
                key: at.key.clone(),
                tries: at.tries,
            }
        );
        if self.method == Method::HashConsistent {
            self.init_chash(&mut at);
        }
        at
    }

    /// Ask the balancing method for a peer (nginx's `get`). `None` means no
    /// peer is eligible ("no live upstreams", 502, never retried).
    pub fn get(&mut self, at: &mut Attempt) -> Option<PeerRef> {
        let r = match self.method {
            Method::RoundRobin => self.get_rr(at),
            Method::IpHash => self.get_ip_hash(at),
            Method::Hash => self.get_hash(at),
            Method::HashConsistent => self.get_chash(at),
            Method::LeastConn => self.get_least_conn(at),
            Method::Random => self.get_random(at, false),
            Method::RandomTwoLeastConn => self.get_random(at, true),
            Method::Fair => self.get_fair(at),
        };
        if r.is_none() {
            ev!(self, UpstreamEvent::NoLive { id: at.id });
        }
        r
    }

    /// Bookkeeping shared by every method once it has chosen a peer (§3.2):
    /// mark it tried, maybe start a check, count the connection.
    pub(crate) fn take(&mut self, at: &mut Attempt, index: usize) -> PeerRef {
        let now = self.now;
        let r = PeerRef {
            list: at.set,
            index,
        };
        if let Some(t) = at.tried.get_mut(index) {
            *t = true;
        }
        let p = self.peer_at_mut(r);
        let probe = now.saturating_sub(p.checked) > p.fail_timeout;
        if probe {
            p.checked = now;
        }
        p.conns += 1;
        ev!(
            self,
            UpstreamEvent::Picked {
                id: at.id,
                server: self.peer_at(r).name.clone(),
                conns: self.peer_at(r).conns,
                checked: self.peer_at(r).checked,
                probe: probe && self.peer_at(r).fails > 0,
                single: false,
            }
        );
        r
    }

    /// Tell the balancer how a connection to `peer` went (nginx's `free`).
    pub fn free(&mut self, at: &mut Attempt, peer: PeerRef, ok: bool) {
        let single = self.single(peer.list) && at.set == peer.list;
        self.free_peer(peer, ok, single, Some(at.id));
        if single {
            at.tries = 0;
        } else if at.tries > 0 {
            at.tries -= 1;
        }
    }

    fn free_peer(&mut self, r: PeerRef, ok: bool, single: bool, id: Option<u64>) {
        let now = self.now;
        let p = self.peer_at_mut(r);
        let mut disabled = false;
        if single {
            // the shortcut: no failure accounting at all
        } else if !ok {
            p.fails += 1;
            p.accessed = now;
            p.checked = now;
            if p.max_fails > 0 {
                p.effective_weight -= p.weight / i64::from(p.max_fails);
                disabled = p.fails >= p.max_fails;
            }
            if p.effective_weight < 0 {
                p.effective_weight = 0;
            }
        } else if p.accessed < p.checked {
            p.fails = 0;
        }
        if ok {
            p.response_ms = Some(p.latency_ms);
        }
        p.conns = p.conns.saturating_sub(1);
        let p = self.peer_at(r);
        ev!(
            self,
            UpstreamEvent::Freed {
                id,
                server: p.name.clone(),
                ok,
                single,
                conns: p.conns,
                fails: p.fails,
                effective_weight: p.effective_weight,
                accessed: p.accessed,
                checked: p.checked,
                disabled,
                response_ms: p.response_ms,
            }
        );
    }

    /// Run one whole request: pick, "connect" (a peer marked failing refuses),
    /// retry on the next peer while tries are left, and record the result.
    /// With `hold` the answering connection stays open until [`Self::release`].
    pub fn request(&mut self, ctx: RequestCtx, hold: bool) -> Served {
        let mut at = self.begin(ctx);
        let mut tried = Vec::new();
        let mut server = None;
        let mut held = false;
        while let Some(r) = self.get(&mut at) {
            let name = self.peer_at(r).name.clone();
            tried.push(name.clone());
            if self.peer_at(r).failing {
                ev!(
                    self,
                    UpstreamEvent::ConnectFailed {
                        id: at.id,
                        server: name.clone()
                    }
                );
                self.free(&mut at, r, false);
                if at.tries == 0 {
                    break;
                }
                continue;
            }
            if hold {
                self.held.insert(
                    at.id,
                    Held {
                        server: name.clone(),
                    },
                );
                held = true;
            } else {
                self.free(&mut at, r, true);
            }
            server = Some(name);
            break;
        }
        let served = Served {
            id: at.id,
            status: if server.is_some() { 200 } else { 502 },
            server,
            tried,
            held,
        };
        self.record(&served, &at.ctx);
        self.debug_check();
        served
    }

    fn record(&mut self, s: &Served, ctx: &RequestCtx) {
        let rv = RequestView {
            id: s.id,
            ip: ctx.ip.to_string(),
            uri: ctx.uri.clone(),
            server: s.server.clone(),
            tried: s.tried.clone(),
            status: s.status,
            held: s.held,
        };
        ev!(
            self,
            UpstreamEvent::Done {
                request: rv.clone()
            }
        );
        view::push_request(
            &mut self.log,
            &mut self.distribution,
            &mut self.failures,
            rv,
        );
    }

    /// Close a held connection (a success).
    pub fn release(&mut self, id: u64) -> Result<String, ConfigError> {
        let Some(h) = self.held.get(&id) else {
            return Err(ConfigError(format!("no held request with id {id}")));
        };
        let server = h.server.clone();
        let Some(r) = self.find(&server) else {
            return Err(ConfigError(format!("server {server} is gone")));
        };
        self.held.remove(&id);
        ev!(
            self,
            UpstreamEvent::Release {
                id,
                server: server.clone()
            }
        );
        let single = self.single(r.list);
        self.free_peer(r, true, single, Some(id));
        self.debug_check();
        Ok(server)
    }

    /// Advance the simulated clock.
    pub fn tick(&mut self, seconds: u64) {
        self.now = self.now.saturating_add(seconds);
        ev!(self, UpstreamEvent::Tick { now: self.now });
    }

    /// Make connections to a peer fail (`true`) or succeed (`false`).
    pub fn set_failing(&mut self, name: &str, failing: bool) -> Result<(), ConfigError> {
        let r = self.find_or_err(name)?;
        self.peer_at_mut(r).failing = failing;
        ev!(
            self,
            UpstreamEvent::SetFailing {
                server: name.to_string(),
                failing
            }
        );
        Ok(())
    }

    /// Set or clear a peer's `down` flag.
    pub fn set_down(&mut self, name: &str, down: bool) -> Result<(), ConfigError> {
        let r = self.find_or_err(name)?;
        self.peer_at_mut(r).down = down;
        ev!(
            self,
            UpstreamEvent::SetDown {
                server: name.to_string(),
                down
            }
        );
        Ok(())
    }

    fn find_or_err(&self, name: &str) -> Result<PeerRef, ConfigError> {
        self.find(name).ok_or_else(|| {
            let names: Vec<&str> = self.peers().map(|p| p.name.as_str()).collect();
            ConfigError(format!(
                "no server named {name:?} (servers: {})",
                names.join(", ")
            ))
        })
    }

    /// Check that a server could be added, without adding it.
    pub fn check_add(&self, s: &ServerConfig) -> Result<(), ConfigError> {
        validate_server(s, self.method)?;
        if self.find(&s.name).is_some() {
            return Err(ConfigError(format!("server {} already exists", s.name)));
        }
        if self.primary.len() + self.backup.len() >= MAX_SERVERS {
            return Err(ConfigError(format!("at most {MAX_SERVERS} servers")));
        }
        Ok(())
    }

    /// Add a server at the end of its list (other peers keep their state; the
    /// ring is rebuilt).
    pub fn add_server(&mut self, s: &ServerConfig) -> Result<(), ConfigError> {
        self.check_add(s)?;
        let p = Peer::from_config(s);
        ev!(
            self,
            UpstreamEvent::Added {
                server: ServerView::from(&p)
            }
        );
        if s.backup {
            self.backup.push(p);
        } else {
            self.primary.push(p);
        }
        self.rebuild_ring();
        self.debug_check();
        Ok(())
    }

    /// Check that a server could be removed, without removing it.
    pub fn check_remove(&self, name: &str) -> Result<PeerRef, ConfigError> {
        let r = self.find_or_err(name)?;
        if r.list == List::Primary && self.primary.len() == 1 {
            return Err(ConfigError(
                "cannot remove the last non-backup server".into(),
            ));
        }
        if self.held.values().any(|h| h.server == name) {
            return Err(ConfigError(format!(
                "server {name} has held connections: release them first"
            )));
        }
        Ok(r)
    }

    /// Remove a server (other peers keep their state; the ring is rebuilt).
    pub fn remove_server(&mut self, name: &str) -> Result<(), ConfigError> {
        let r = self.check_remove(name)?;
        self.list_mut(r.list).remove(r.index);
        ev!(
            self,
            UpstreamEvent::Removed {
                server: name.to_string()
            }
        );
        self.rebuild_ring();
        self.debug_check();
        Ok(())
    }

    /// Check the engine's invariants; panics with a message if one is broken.
    pub fn check_invariants(&self) {
        let held_per: BTreeMap<&str, u32> = self.held.values().fold(BTreeMap::new(), |mut m, h| {
            *m.entry(h.server.as_str()).or_insert(0) += 1;
            m
        });
        for p in self.peers() {
            assert!(
                p.weight >= 1 && p.weight <= i64::from(MAX_WEIGHT),
                "weight range"
            );
            assert!(
                p.effective_weight >= 0 && p.effective_weight <= p.weight,
                "{}: ew {} outside 0..={}",
                p.name,
                p.effective_weight,
                p.weight
            );
            assert_eq!(
                p.conns,
                held_per.get(p.name.as_str()).copied().unwrap_or(0),
                "{}: conns must equal held connections between requests",
                p.name
            );
            assert!(
                p.accessed <= self.now && p.checked <= self.now,
                "times in the future"
            );
        }
        let names: Vec<&str> = self.peers().map(|p| p.name.as_str()).collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[..i].contains(n), "duplicate name {n}");
        }
        assert!(!self.primary.is_empty(), "no primary peer");
        assert!(self.log.len() <= REQUEST_LOG);
        if self.method == Method::HashConsistent {
            let expect: u32 =
                self.primary.iter().map(|p| p.weight as u32).sum::<u32>() * POINTS_PER_WEIGHT;
            assert!(self.ring.len() as u32 <= expect);
            assert!(self.ring.windows(2).all(|w| w[0].0 < w[1].0), "ring sorted");
        }
    }

    #[inline]
    fn debug_check(&self) {
        #[cfg(debug_assertions)]
        self.check_invariants();
    }
}
