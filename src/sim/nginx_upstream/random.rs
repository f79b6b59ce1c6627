//! `random` and `random two least_conn` (`ngx_http_upstream_random_module`).
//!
//! A random number below the total weight (down peers included) lands in a
//! peer's weight range. `random` takes the first eligible peer it lands on;
//! `random two` lands twice on different eligible peers and takes the one
//! with fewer connections per weight (the second on a tie). Each miss counts
//! a try; after 20 the request falls back to round robin. All randomness comes
//! from the engine's seeded [`Rng`](crate::sim::trace::Rng).

use super::{Attempt, PeerRef, Upstream, UpstreamEvent, HASH_TRIES};
use crate::sim::trace::Observer;
use serde::{Deserialize, Serialize};

/// What became of one random landing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeekOutcome {
    /// The peer takes the request (`random`), or wins the comparison.
    Taken,
    /// The first of two candidates (`random two`).
    First,
    /// The second candidate: compared with the first.
    Second,
    /// Landed on the first candidate again.
    Same,
    /// Not eligible.
    Skipped(super::SkipReason),
}

impl<O: Observer<UpstreamEvent>> Upstream<O> {
    fn peek(&mut self) -> (u64, usize) {
        let total: u64 = self.primary.iter().map(|p| p.weight as u64).sum();
        let x = self.rng.below(total);
        let mut acc = 0u64;
        for (i, p) in self.primary.iter().enumerate() {
            acc += p.weight as u64;
            if x < acc {
                return (x, i);
            }
        }
        (x, self.primary.len() - 1)
    }

    fn random_miss(&mut self, at: &mut Attempt) -> bool {
        at.htries += 1;
        if at.htries > HASH_TRIES {
            ev!(
                self,
                UpstreamEvent::Fallback {
                    id: at.id,
                    tries: at.htries
                }
            );
            return true;
        }
        false
    }

    /// random / random two `get`.
    pub(crate) fn get_random(&mut self, at: &mut Attempt, two: bool) -> Option<PeerRef> {
        if at.htries > HASH_TRIES || self.list(at.set).len() < 2 {
            return self.get_rr(at);
        }
        let mut prev: Option<usize> = None;
        loop {
            let (x, i) = self.peek();
            let outcome = if prev == Some(i) {
                PeekOutcome::Same
            } else if let Some(r) = self.skip_reason(at, i) {
                PeekOutcome::Skipped(r)
            } else if !two {
                PeekOutcome::Taken
            } else if prev.is_some() {
                PeekOutcome::Second
            } else {
                PeekOutcome::First
            };
            ev!(
                self,
                UpstreamEvent::RandomPeek {
                    id: at.id,
                    x,
                    server: self.primary[i].name.clone(),
                    outcome
                }
            );
            match outcome {
                PeekOutcome::Taken => return Some(self.take(at, i)),
                PeekOutcome::Second => {
                    let p = prev.unwrap_or(i);
                    let (a, b) = (&self.primary[i], &self.primary[p]);
                    let pick = if i64::from(a.conns) * b.weight > i64::from(b.conns) * a.weight {
                        p
                    } else {
                        i
                    };
                    ev!(
                        self,
                        UpstreamEvent::LeastBest {
                            id: at.id,
                            server: self.primary[pick].name.clone(),
                            conns: self.primary[pick].conns,
                            weight: self.primary[pick].weight,
                            response_ms: None,
                            tied: false,
                        }
                    );
                    return Some(self.take(at, pick));
                }
                PeekOutcome::First => prev = Some(i),
                PeekOutcome::Same | PeekOutcome::Skipped(_) => {}
            }
            if self.random_miss(at) {
                return self.get_rr(at);
            }
        }
    }
}
