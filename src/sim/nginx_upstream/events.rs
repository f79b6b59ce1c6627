//! The upstream's events. Every event carries the values it changed (after
//! the change), so [`UpstreamView::apply`](super::UpstreamView::apply) can
//! replay a trace from the `Configured` event on and arrive at exactly
//! `UpstreamView::from(&upstream)`.

use super::random::PeekOutcome;
use super::{Peer, SkipReason};
use serde::{Deserialize, Serialize};

/// One server as the view draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerView {
    /// Display name.
    pub name: String,
    /// Address text.
    pub addr: String,
    /// Configured weight.
    pub weight: i64,
    /// Effective weight (SWRR).
    pub effective_weight: i64,
    /// Current weight (SWRR).
    pub current_weight: i64,
    /// Connections in use.
    pub conns: u32,
    /// `max_conns` (0 = unlimited).
    pub max_conns: u32,
    /// Failures counted.
    pub fails: u32,
    /// `max_fails`.
    pub max_fails: u32,
    /// `fail_timeout` (s).
    pub fail_timeout: u64,
    /// Time of the last failure.
    pub accessed: u64,
    /// Time of the last failure or check.
    pub checked: u64,
    /// `down` flag.
    pub down: bool,
    /// `backup` flag.
    pub backup: bool,
    /// Connections to it are refused (simulation).
    pub failing: bool,
    /// Simulated latency (ms), for `fair`.
    pub latency_ms: u64,
    /// Last observed response time (ms), for `fair`.
    pub response_ms: Option<u64>,
}

impl From<&Peer> for ServerView {
    fn from(p: &Peer) -> Self {
        ServerView {
            name: p.name.clone(),
            addr: p.addr.clone(),
            weight: p.weight,
            effective_weight: p.effective_weight,
            current_weight: p.current_weight,
            conns: p.conns,
            max_conns: p.max_conns,
            fails: p.fails,
            max_fails: p.max_fails,
            fail_timeout: p.fail_timeout,
            accessed: p.accessed,
            checked: p.checked,
            down: p.down,
            backup: p.backup,
            failing: p.failing,
            latency_ms: p.latency_ms,
            response_ms: p.response_ms,
        }
    }
}

impl ServerView {
    /// Whether it is disabled by failures at `now`.
    pub fn disabled(&self, now: u64) -> bool {
        self.max_fails > 0
            && self.fails >= self.max_fails
            && now.saturating_sub(self.checked) <= self.fail_timeout
    }
}

/// One finished request in the stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    /// Request id.
    pub id: u64,
    /// Client address.
    pub ip: String,
    /// Request URI.
    pub uri: String,
    /// Who answered.
    pub server: Option<String>,
    /// Who was tried, in order.
    pub tried: Vec<String>,
    /// 200 or 502.
    pub status: u16,
    /// Held open.
    pub held: bool,
}

/// One point of the consistent-hash ring.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RingPoint {
    /// The point (a crc32 value).
    pub hash: u32,
    /// The server text that owns it.
    pub server: String,
}

/// Where the last key landed on the ring.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPosition {
    /// The evaluated key.
    pub key: String,
    /// Its crc32.
    pub hash: u32,
    /// The first point index with `point >= hash` (may equal the point count).
    pub index: u32,
    /// That point's hash (after wrapping).
    pub point: u32,
    /// That point's server text.
    pub server: String,
}

/// Everything the upstream does, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum UpstreamEvent {
    /// The upstream block was built.
    Configured {
        /// Method name.
        method: String,
        /// Key expression.
        key: String,
        /// Every server, primary then backup.
        servers: Vec<ServerView>,
    },
    /// A request started (nginx `init_peer`).
    RequestStart {
        /// Request id.
        id: u64,
        /// Client address.
        ip: String,
        /// URI.
        uri: String,
        /// Evaluated hash key (empty unless hashing).
        key: String,
        /// Tries allowed.
        tries: u32,
    },
    /// A peer was passed over.
    Skipped {
        /// Request id.
        id: u64,
        /// The peer.
        server: String,
        /// Why.
        reason: SkipReason,
    },
    /// SWRR added the peer's effective weight to its current weight.
    Considered {
        /// Request id.
        id: u64,
        /// The peer.
        server: String,
        /// Current weight after adding.
        current_weight: i64,
        /// Effective weight after growing back.
        effective_weight: i64,
    },
    /// SWRR chose the peer and took the total from it.
    Chosen {
        /// Request id.
        id: u64,
        /// The peer.
        server: String,
        /// Its current weight after subtracting.
        current_weight: i64,
        /// The sum of the effective weights considered.
        total: i64,
    },
    /// No primary peer was eligible: the request moves to the backup list.
    SwitchToBackup {
        /// Request id.
        id: u64,
    },
    /// The peer was taken for the request.
    Picked {
        /// Request id.
        id: u64,
        /// The peer.
        server: String,
        /// Its connections now.
        conns: u32,
        /// Its `checked` time now.
        checked: u64,
        /// This pick probes a peer with failures after its fail_timeout.
        probe: bool,
        /// Taken by the single-peer shortcut.
        single: bool,
    },
    /// No peer was eligible: 502 "no live upstreams".
    NoLive {
        /// Request id.
        id: u64,
    },
    /// The connection to the peer was refused.
    ConnectFailed {
        /// Request id.
        id: u64,
        /// The peer.
        server: String,
    },
    /// The balancer was told how the connection went.
    Freed {
        /// Request id.
        id: Option<u64>,
        /// The peer.
        server: String,
        /// Success or failure.
        ok: bool,
        /// Freed through the single-peer shortcut (no accounting).
        single: bool,
        /// Connections now.
        conns: u32,
        /// Failures now.
        fails: u32,
        /// Effective weight now.
        effective_weight: i64,
        /// `accessed` now.
        accessed: u64,
        /// `checked` now.
        checked: u64,
        /// This failure reached max_fails.
        disabled: bool,
        /// Observed response time now.
        response_ms: Option<u64>,
    },
    /// The request finished.
    Done {
        /// The result.
        request: RequestView,
    },
    /// A held connection was closed.
    Release {
        /// Request id.
        id: u64,
        /// The peer.
        server: String,
    },
    /// The clock moved.
    Tick {
        /// The time now.
        now: u64,
    },
    /// Connections to a peer now fail or succeed.
    SetFailing {
        /// The peer.
        server: String,
        /// Failing now.
        failing: bool,
    },
    /// A peer's `down` flag changed.
    SetDown {
        /// The peer.
        server: String,
        /// Down now.
        down: bool,
    },
    /// A server was added.
    Added {
        /// The new server.
        server: ServerView,
    },
    /// A server was removed.
    Removed {
        /// Its name.
        server: String,
    },
    /// One ip_hash round.
    IpHashRound {
        /// Request id.
        id: u64,
        /// The hash after this round (below 6271).
        h: u32,
        /// `h % total_weight`.
        w: u64,
        /// The peer whose weight slot holds `w`.
        server: String,
        /// Why it could not be used, if so.
        skip: Option<SkipReason>,
    },
    /// One plain-hash round.
    HashRound {
        /// Request id.
        id: u64,
        /// The hashed text (rehash prefix + key).
        data: String,
        /// Its crc32.
        crc: u32,
        /// Bits 16..30 of it.
        h: u32,
        /// The accumulated value.
        hval: u32,
        /// `hval % total_weight`.
        w: u64,
        /// The peer whose weight slot holds `w`.
        server: String,
        /// Why it could not be used, if so.
        skip: Option<SkipReason>,
    },
    /// The key's place on the consistent-hash ring.
    RingLookup {
        /// Request id.
        id: u64,
        /// Where it landed.
        position: KeyPosition,
    },
    /// One point of the ring tried.
    RingStep {
        /// Request id.
        id: u64,
        /// Point index (wrapped).
        index: u32,
        /// The point.
        point: u32,
        /// Its server text.
        server: String,
        /// The peer taken, if one with that text was eligible.
        found: Option<String>,
        /// Why not, if not.
        skip: Option<SkipReason>,
    },
    /// One random landing.
    RandomPeek {
        /// Request id.
        id: u64,
        /// The random number below the total weight.
        x: u64,
        /// The peer whose range holds it.
        server: String,
        /// What became of it.
        outcome: PeekOutcome,
    },
    /// least_conn / fair / random two: the least loaded candidate.
    LeastBest {
        /// Request id.
        id: u64,
        /// The peer.
        server: String,
        /// Its connections.
        conns: u32,
        /// Its weight.
        weight: i64,
        /// `fair`: its observed response time.
        response_ms: Option<u64>,
        /// Others tie with it (SWRR decides among them).
        tied: bool,
    },
    /// 20 tries without an eligible peer: round robin decides.
    Fallback {
        /// Request id.
        id: u64,
        /// Tries made.
        tries: u32,
    },
}
