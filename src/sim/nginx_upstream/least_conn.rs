//! `least_conn` (`ngx_http_upstream_get_least_conn_peer`) and `fair`.
//!
//! least_conn picks the eligible peer with the fewest connections per unit of
//! weight, compared by cross-multiplication (`a.conns * b.weight <
//! b.conns * a.weight`); when several tie, SWRR runs among the tied only.
//!
//! `fair` is NOT part of nginx: it is the idea of the third-party
//! `upstream_fair` module. The fewest outstanding requests per weight win,
//! then the lowest observed response time (a peer never observed counts as
//! 0 ms, so every peer gets tried), then SWRR among the still tied.

use super::{Attempt, PeerRef, Upstream, UpstreamEvent};
use crate::sim::trace::Observer;

impl<O: Observer<UpstreamEvent>> Upstream<O> {
    /// least_conn `get`.
    pub(crate) fn get_least_conn(&mut self, at: &mut Attempt) -> Option<PeerRef> {
        self.get_least(at, false)
    }

    /// fair `get` (not an nginx method).
    pub(crate) fn get_fair(&mut self, at: &mut Attempt) -> Option<PeerRef> {
        self.get_least(at, true)
    }

    fn get_least(&mut self, at: &mut Attempt, fair: bool) -> Option<PeerRef> {
        loop {
            if self.single(at.set) {
                return self.get_rr(at);
            }
            let mut best: Option<usize> = None;
            let mut many = false;
            for i in 0..self.list(at.set).len() {
                if let Some(reason) = self.skip_reason(at, i) {
                    ev!(
                        self,
                        UpstreamEvent::Skipped {
                            id: at.id,
                            server: self.list(at.set)[i].name.clone(),
                            reason
                        }
                    );
                    continue;
                }
                let list = self.list(at.set);
                let p = &list[i];
                match best {
                    None => best = Some(i),
                    Some(b) => {
                        let q = &list[b];
                        let lhs = i64::from(p.conns) * q.weight;
                        let rhs = i64::from(q.conns) * p.weight;
                        let (prt, qrt) = (p.response_ms.unwrap_or(0), q.response_ms.unwrap_or(0));
                        if lhs < rhs || (fair && lhs == rhs && prt < qrt) {
                            best = Some(i);
                            many = false;
                        } else if lhs == rhs && (!fair || prt == qrt) {
                            many = true;
                        }
                    }
                }
            }
            let Some(mut b) = best else {
                if self.switch_to_backup(at) {
                    continue;
                }
                return None;
            };
            let bp = &self.list(at.set)[b];
            let (bc, bw, brt) = (bp.conns, bp.weight, bp.response_ms);
            ev!(
                self,
                UpstreamEvent::LeastBest {
                    id: at.id,
                    server: self.list(at.set)[b].name.clone(),
                    conns: bc,
                    weight: bw,
                    response_ms: if fair { brt } else { None },
                    tied: many,
                }
            );
            if many {
                let (bc, brt) = (i64::from(bc), brt.unwrap_or(0));
                let tied = move |p: &super::Peer| {
                    i64::from(p.conns) * bw == bc * p.weight
                        && (!fair || p.response_ms.unwrap_or(0) == brt)
                };
                if let Some(w) = self.swrr(at, b, false, tied) {
                    b = w;
                }
            }
            return Some(self.take(at, b));
        }
    }
}
