//! `ip_hash`, `hash KEY` and `hash KEY consistent`.
//!
//! The two plain hashes turn the request into a number and walk the peers by
//! configured weight (down peers keep their slot, so other clients keep their
//! peer): `w = value % total_weight`, then skip peers while `w >= weight`,
//! subtracting. A peer that cannot take the request costs a try and the hash
//! is stirred again from where it was; after 20 tries nginx uses round robin.
//!
//! * ip_hash: `h = (h * 113 + byte) % 6271` over the first three octets of an
//!   IPv4 address (all 16 bytes of IPv6), starting at 89.
//! * hash: `(crc32([REHASH] KEY) >> 16) & 0x7fff`, added up over the tries.
//! * consistent: the ring of `build_ring`; the key's full crc32 finds the
//!   first point at or after it, and each miss moves one point clockwise.

use super::{
    crc32::{self, crc32},
    Attempt, PeerRef, SkipReason, Upstream, UpstreamEvent, HASH_TRIES,
};
use crate::sim::trace::Observer;
use std::net::IpAddr;

/// The bytes ip_hash folds: three octets of IPv4, sixteen of IPv6.
pub fn ip_hash_bytes(ip: &IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets()[..3].to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    }
}

/// One ip_hash round: fold `bytes` into `h`.
pub fn ip_hash_round(mut h: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        h = (h * 113 + u32::from(b)) % 6271;
    }
    h
}

/// plain hash: the text hashed on try `rehash` (the decimal retry number,
/// omitted on the first try, then the key).
pub fn hash_data(rehash: u32, key: &str) -> String {
    if rehash > 0 {
        format!("{rehash}{key}")
    } else {
        key.to_string()
    }
}

/// plain hash: (crc32 of the try's text, its bits 16..30), without building the text.
pub fn hash_value(rehash: u32, key: &str) -> (u32, u32) {
    let mut st = crc32::INIT;
    if rehash > 0 {
        let mut digits = [0u8; 10];
        let mut n = rehash;
        let mut i = digits.len();
        while n > 0 {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        st = crc32::update(st, &digits[i..]);
    }
    let c = crc32::finish(crc32::update(st, key.as_bytes()));
    (c, (c >> 16) & 0x7fff)
}

impl<O: Observer<UpstreamEvent>> Upstream<O> {
    /// The peer of the primary list whose weight slot holds `w`.
    fn weight_walk(&self, mut w: u64) -> usize {
        for (i, p) in self.primary.iter().enumerate() {
            if w < p.weight as u64 {
                return i;
            }
            w -= p.weight as u64;
        }
        self.primary.len() - 1
    }

    fn total_weight(&self) -> u64 {
        self.primary.iter().map(|p| p.weight as u64).sum()
    }

    /// Count a miss; true when the request must fall back to round robin.
    fn hash_miss(&mut self, at: &mut Attempt) -> bool {
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

    /// ip_hash `get`.
    pub(crate) fn get_ip_hash(&mut self, at: &mut Attempt) -> Option<PeerRef> {
        if at.htries > HASH_TRIES || self.single(at.set) {
            return self.get_rr(at);
        }
        let bytes = ip_hash_bytes(&at.ctx.ip);
        let total = self.total_weight();
        let mut h = at.ip_hash;
        let i = loop {
            h = ip_hash_round(h, &bytes);
            let w = u64::from(h) % total;
            let i = self.weight_walk(w);
            let skip = self.skip_reason(at, i);
            ev!(
                self,
                UpstreamEvent::IpHashRound {
                    id: at.id,
                    h,
                    w,
                    server: self.primary[i].name.clone(),
                    skip
                }
            );
            if skip.is_none() {
                break i;
            }
            if self.hash_miss(at) {
                return self.get_rr(at);
            }
        };
        at.ip_hash = h;
        Some(self.take(at, i))
    }

    /// plain hash `get`.
    pub(crate) fn get_hash(&mut self, at: &mut Attempt) -> Option<PeerRef> {
        if at.htries > HASH_TRIES || self.single(at.set) || at.key.is_empty() {
            return self.get_rr(at);
        }
        let total = self.total_weight();
        let i = loop {
            let (crc, h) = hash_value(at.rehash, &at.key);
            let rehash = at.rehash;
            at.hval = at.hval.wrapping_add(h);
            at.rehash += 1;
            let w = u64::from(at.hval) % total;
            let i = self.weight_walk(w);
            let skip = self.skip_reason(at, i);
            ev!(
                self,
                UpstreamEvent::HashRound {
                    id: at.id,
                    data: hash_data(rehash, &at.key),
                    crc,
                    h,
                    hval: at.hval,
                    w,
                    server: self.primary[i].name.clone(),
                    skip
                }
            );
            if skip.is_none() {
                break i;
            }
            if self.hash_miss(at) {
                return self.get_rr(at);
            }
        };
        Some(self.take(at, i))
    }

    /// consistent hash `init_peer`: find the key's place on the ring.
    pub(crate) fn init_chash(&mut self, at: &mut Attempt) {
        let k = crc32(at.key.as_bytes());
        let index = self.ring.partition_point(|p| p.0 < k);
        at.hval = index as u32;
        let n = self.ring.len();
        let (point, server) = if n == 0 {
            (0, String::new())
        } else {
            let (h, s) = self.ring[index % n];
            (h, self.ring_servers[s as usize].clone())
        };
        let pos = super::KeyPosition {
            key: at.key.clone(),
            hash: k,
            index: index as u32,
            point,
            server,
        };
        ev!(
            self,
            UpstreamEvent::RingLookup {
                id: at.id,
                position: pos.clone()
            }
        );
        self.key_position = Some(pos);
    }

    /// consistent hash `get`.
    pub(crate) fn get_chash(&mut self, at: &mut Attempt) -> Option<PeerRef> {
        if at.htries > HASH_TRIES
            || self.single(at.set)
            || at.key.is_empty()
            || self.ring.is_empty()
        {
            return self.get_rr(at);
        }
        let n = self.ring.len();
        let i = loop {
            let idx = at.hval as usize % n;
            let (point, sid) = self.ring[idx];
            let found = self.swrr(at, 0, false, move |p| p.ring_id == sid);
            let skip = if found.is_some() {
                None
            } else {
                // every peer with this text is ineligible: report the first reason
                self.primary
                    .iter()
                    .position(|p| p.ring_id == sid)
                    .and_then(|j| self.skip_reason(at, j))
                    .or(Some(SkipReason::Tried))
            };
            ev!(
                self,
                UpstreamEvent::RingStep {
                    id: at.id,
                    index: idx as u32,
                    point,
                    server: self.ring_servers[sid as usize].clone(),
                    found: found.map(|j| self.primary[j].name.clone()),
                    skip,
                }
            );
            if let Some(j) = found {
                break j;
            }
            at.hval = at.hval.wrapping_add(1);
            if self.hash_miss(at) {
                return self.get_rr(at);
            }
        };
        Some(self.take(at, i))
    }
}
