//! The upstream as the simulation draws it, rebuilt from [`UpstreamEvent`]s
//! alone: [`UpstreamView::apply`] replays a trace from the `Configured` event on
//! and arrives at exactly `UpstreamView::from(&upstream)`.

use super::events::*;
use super::{build_ring, Method, Upstream, REQUEST_LOG};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

/// What the upstream simulation draws, rebuilt from events alone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UpstreamView {
    /// Method name.
    pub method: String,
    /// Key expression.
    pub key: String,
    /// The clock (s).
    pub now: u64,
    /// Servers: primary then backup.
    pub servers: Vec<ServerView>,
    /// The ring (consistent hash only).
    pub ring: Vec<RingPoint>,
    /// Where the last key landed (consistent hash only).
    pub key_position: Option<KeyPosition>,
    /// The last requests, oldest first.
    pub requests: VecDeque<RequestView>,
    /// How many requests each server answered.
    pub distribution: BTreeMap<String, u64>,
    /// Requests that got 502.
    pub failures: u64,
    /// Held connections: id → server.
    pub held: BTreeMap<u64, String>,
    /// The request in progress, if any (between `RequestStart` and `Done`).
    pub current: Option<u64>,
}

/// Append a finished request to a log and a distribution.
pub(crate) fn push_request(
    log: &mut VecDeque<RequestView>,
    dist: &mut BTreeMap<String, u64>,
    failures: &mut u64,
    r: RequestView,
) {
    match &r.server {
        Some(s) => *dist.entry(s.clone()).or_insert(0) += 1,
        None => *failures += 1,
    }
    if log.len() == REQUEST_LOG {
        log.pop_front();
    }
    log.push_back(r);
}

impl<O> From<&Upstream<O>> for UpstreamView {
    fn from(u: &Upstream<O>) -> Self {
        UpstreamView {
            method: u.method.name().to_string(),
            key: u.key.clone(),
            now: u.now,
            servers: u
                .primary
                .iter()
                .chain(u.backup.iter())
                .map(ServerView::from)
                .collect(),
            ring: u
                .ring
                .iter()
                .map(|&(h, s)| RingPoint {
                    hash: h,
                    server: u.ring_servers[s as usize].clone(),
                })
                .collect(),
            key_position: u.key_position.clone(),
            requests: u.log.clone(),
            distribution: u.distribution.clone(),
            failures: u.failures,
            held: u
                .held
                .iter()
                .map(|(id, h)| (*id, h.server.clone()))
                .collect(),
            current: None,
        }
    }
}

impl UpstreamView {
    fn server_mut(&mut self, name: &str) -> Option<&mut ServerView> {
        self.servers.iter_mut().find(|s| s.name == name)
    }

    fn rebuild_ring(&mut self) {
        if self.method == Method::HashConsistent.name() {
            let (points, texts) = build_ring(
                self.servers
                    .iter()
                    .filter(|s| !s.backup)
                    .map(|s| (s.addr.as_str(), s.weight as u32)),
            );
            self.ring = points
                .into_iter()
                .map(|(hash, i)| RingPoint {
                    hash,
                    server: texts[i as usize].clone(),
                })
                .collect();
        } else {
            self.ring.clear();
        }
    }

    /// Apply one event.
    pub fn apply(&mut self, e: &UpstreamEvent) {
        use UpstreamEvent as E;
        match e {
            E::Configured {
                method,
                key,
                servers,
            } => {
                *self = UpstreamView {
                    method: method.clone(),
                    key: key.clone(),
                    servers: servers.clone(),
                    ..UpstreamView::default()
                };
                self.rebuild_ring();
            }
            E::RequestStart { id, .. } => self.current = Some(*id),
            E::Considered {
                server,
                current_weight,
                effective_weight,
                ..
            } => {
                if let Some(s) = self.server_mut(server) {
                    s.current_weight = *current_weight;
                    s.effective_weight = *effective_weight;
                }
            }
            E::Chosen {
                server,
                current_weight,
                ..
            } => {
                if let Some(s) = self.server_mut(server) {
                    s.current_weight = *current_weight;
                }
            }
            E::Picked {
                server,
                conns,
                checked,
                ..
            } => {
                if let Some(s) = self.server_mut(server) {
                    s.conns = *conns;
                    s.checked = *checked;
                }
            }
            E::Freed {
                server,
                conns,
                fails,
                effective_weight,
                accessed,
                checked,
                response_ms,
                ..
            } => {
                if let Some(s) = self.server_mut(server) {
                    s.conns = *conns;
                    s.fails = *fails;
                    s.effective_weight = *effective_weight;
                    s.accessed = *accessed;
                    s.checked = *checked;
                    s.response_ms = *response_ms;
                }
            }
            E::Done { request } => {
                if request.held {
                    if let Some(s) = &request.server {
                        self.held.insert(request.id, s.clone());
                    }
                }
                push_request(
                    &mut self.requests,
                    &mut self.distribution,
                    &mut self.failures,
                    request.clone(),
                );
                self.current = None;
            }
            E::Release { id, .. } => {
                self.held.remove(id);
            }
            E::Tick { now } => self.now = *now,
            E::SetFailing { server, failing } => {
                if let Some(s) = self.server_mut(server) {
                    s.failing = *failing;
                }
            }
            E::SetDown { server, down } => {
                if let Some(s) = self.server_mut(server) {
                    s.down = *down;
                }
            }
            E::Added { server } => {
                if server.backup {
                    self.servers.push(server.clone());
                } else {
                    let at = self
                        .servers
                        .iter()
                        .position(|s| s.backup)
                        .unwrap_or(self.servers.len());
                    self.servers.insert(at, server.clone());
                }
                self.rebuild_ring();
            }
            E::Removed { server } => {
                self.servers.retain(|s| &s.name != server);
                self.rebuild_ring();
            }
            E::RingLookup { position, .. } => self.key_position = Some(position.clone()),
            E::Skipped { .. }
            | E::SwitchToBackup { .. }
            | E::NoLive { .. }
            | E::ConnectFailed { .. }
            | E::IpHashRound { .. }
            | E::HashRound { .. }
            | E::RingStep { .. }
            | E::RandomPeek { .. }
            | E::LeastBest { .. }
            | E::Fallback { .. } => {}
        }
    }
}
