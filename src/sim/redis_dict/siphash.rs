//! SipHash-1-2, the keyed hash Redis 7.0 uses for dict keys (`siphash.c`),
//! and the seed key each session derives from its seed.

use crate::sim::trace::Rng;

/// One SipRound over the four state words.
#[inline(always)]
fn sip_round(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13);
    v[1] ^= v[0];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(16);
    v[3] ^= v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(21);
    v[3] ^= v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(17);
    v[1] ^= v[2];
    v[2] = v[2].rotate_left(32);
}

/// SipHash-C-D of `data` under the 16-byte `key`, 64-bit output.
///
/// `C` compression rounds per 8-byte word, `D` finalization rounds. Redis uses
/// SipHash-1-2 ([`siphash12`]); the reference SipHash is 2-4.
pub fn siphash<const C: usize, const D: usize>(key: &[u8; 16], data: &[u8]) -> u64 {
    let mut k0 = [0u8; 8];
    let mut k1 = [0u8; 8];
    k0.copy_from_slice(&key[..8]);
    k1.copy_from_slice(&key[8..]);
    let k0 = u64::from_le_bytes(k0);
    let k1 = u64::from_le_bytes(k1);
    let mut v = [
        k0 ^ 0x736f_6d65_7073_6575,
        k1 ^ 0x646f_7261_6e64_6f6d,
        k0 ^ 0x6c79_6765_6e65_7261,
        k1 ^ 0x7465_6462_7974_6573,
    ];
    let mut chunks = data.chunks_exact(8);
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let m = u64::from_le_bytes(w);
        v[3] ^= m;
        for _ in 0..C {
            sip_round(&mut v);
        }
        v[0] ^= m;
    }
    let mut last = (data.len() as u64) << 56;
    for (i, &b) in chunks.remainder().iter().enumerate() {
        last |= u64::from(b) << (8 * i);
    }
    v[3] ^= last;
    for _ in 0..C {
        sip_round(&mut v);
    }
    v[0] ^= last;
    v[2] ^= 0xff;
    for _ in 0..D {
        sip_round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

/// SipHash-1-2, the function Redis 7.0 uses for dict keys.
#[inline]
pub fn siphash12(key: &[u8; 16], data: &[u8]) -> u64 {
    siphash::<1, 2>(key, data)
}

/// The 16-byte SipHash key a seed stands for (two outputs of [`Rng`]).
pub fn seed_key(seed: u64) -> [u8; 16] {
    let mut rng = Rng::new(seed);
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
    key[8..].copy_from_slice(&rng.next_u64().to_le_bytes());
    key
}

/// A key as text for views and narration: UTF-8 text as is; anything else
/// (invalid UTF-8, control bytes, a backslash) fully escaped as `\xHH`/`\\`, so two
/// different keys never look the same.
pub fn show_key(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        if !s.chars().any(|c| c.is_control() || c == '\\') {
            return s.to_string();
        }
    }
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}
