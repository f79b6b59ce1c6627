//! Smooth weighted round robin (`ngx_http_upstream_get_round_robin_peer` and
//! `ngx_http_upstream_get_peer`), the single-peer shortcut and the switch to
//! the backup list. Every other method falls back to this one.

use super::{Attempt, List, Peer, PeerRef, Upstream, UpstreamEvent};
use crate::sim::trace::Observer;

impl<O: Observer<UpstreamEvent>> Upstream<O> {
    /// Round robin `get`: the single-peer shortcut, else SWRR over the
    /// request's list, else switch to the backup list once, else nothing.
    pub(crate) fn get_rr(&mut self, at: &mut Attempt) -> Option<PeerRef> {
        loop {
            if self.single(at.set) {
                let p = &mut self.primary[0];
                let full = p.max_conns > 0 && p.conns >= p.max_conns;
                if !p.down && !full {
                    // no SWRR, no tried bit, no check: max_fails is ignored
                    p.conns += 1;
                    ev!(
                        self,
                        UpstreamEvent::Picked {
                            id: at.id,
                            server: self.primary[0].name.clone(),
                            conns: self.primary[0].conns,
                            checked: self.primary[0].checked,
                            probe: false,
                            single: true,
                        }
                    );
                    return Some(PeerRef {
                        list: List::Primary,
                        index: 0,
                    });
                }
            } else if let Some(i) = self.swrr(at, 0, true, |_| true) {
                return Some(self.take(at, i));
            }
            if !self.switch_to_backup(at) {
                return None;
            }
        }
    }

    /// Move the request to the backup list (once); false when there is none
    /// or the request is already there.
    pub(crate) fn switch_to_backup(&mut self, at: &mut Attempt) -> bool {
        if at.set == List::Primary && !self.backup.is_empty() {
            at.set = List::Backup;
            at.tried = vec![false; self.backup.len()];
            ev!(self, UpstreamEvent::SwitchToBackup { id: at.id });
            true
        } else {
            false
        }
    }

    /// One SWRR round over the peers of the request's list from index `start`
    /// on that are eligible and satisfy `filter`: each adds its effective
    /// weight to its current weight (and the effective weight grows back by 1
    /// towards the weight); the largest current weight wins (the first on a
    /// tie) and gives back the sum. Returns the winner's index; the caller
    /// takes it. Ineligible peers are left untouched.
    pub(crate) fn swrr(
        &mut self,
        at: &Attempt,
        start: usize,
        report_skips: bool,
        filter: impl Fn(&Peer) -> bool,
    ) -> Option<usize> {
        let mut best: Option<usize> = None;
        let mut total: i64 = 0;
        let n = self.list(at.set).len();
        for i in start..n {
            if !filter(&self.list(at.set)[i]) {
                continue;
            }
            if let Some(reason) = self.skip_reason(at, i) {
                if report_skips {
                    ev!(
                        self,
                        UpstreamEvent::Skipped {
                            id: at.id,
                            server: self.list(at.set)[i].name.clone(),
                            reason
                        }
                    );
                }
                continue;
            }
            let list = self.list_mut(at.set);
            let p = &mut list[i];
            p.current_weight += p.effective_weight;
            total += p.effective_weight;
            if p.effective_weight < p.weight {
                p.effective_weight += 1;
            }
            let cw = p.current_weight;
            if best.is_none_or(|b| cw > list[b].current_weight) {
                best = Some(i);
            }
            let p = &self.list(at.set)[i];
            ev!(
                self,
                UpstreamEvent::Considered {
                    id: at.id,
                    server: p.name.clone(),
                    current_weight: p.current_weight,
                    effective_weight: p.effective_weight,
                }
            );
        }
        let b = best?;
        let p = &mut self.list_mut(at.set)[b];
        p.current_weight -= total;
        let p = &self.list(at.set)[b];
        ev!(
            self,
            UpstreamEvent::Chosen {
                id: at.id,
                server: p.name.clone(),
                current_weight: p.current_weight,
                total,
            }
        );
        Some(b)
    }
}
