//! CRC-32 (IEEE 802.3, reflected polynomial `0xEDB88320`, initial value and
//! final XOR `0xFFFFFFFF`): the checksum zlib's `crc32()` computes and the one
//! nginx's `hash` and `hash ... consistent` balancers use.
//!
//! The checksum is kept as a running *state* so that a prefix can be hashed
//! once and continued many times: the consistent-hash ring hashes
//! `host \0 port` once per server and then appends 160 different suffixes.

/// The 256-entry lookup table, built at compile time: entry `n` is the CRC
/// remainder of the single byte `n`.
const TABLE: [u32; 256] = build_table();

const fn build_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
}

/// The state before any byte has been fed.
pub const INIT: u32 = 0xFFFF_FFFF;

/// Feed `bytes` into a running CRC state.
pub fn update(mut state: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        state = TABLE[((state ^ u32::from(b)) & 0xFF) as usize] ^ (state >> 8);
    }
    state
}

/// Finish a running state into the checksum.
pub fn finish(state: u32) -> u32 {
    state ^ 0xFFFF_FFFF
}

/// The CRC-32 of `bytes` in one go.
pub fn crc32(bytes: &[u8]) -> u32 {
    finish(update(INIT, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"/item/1"), 0x8805_E983);
        assert_eq!(crc32(b"/item/2"), 0x110C_B839);
        assert_eq!(crc32(b"/"), 0x79D3_D2D4);
        assert_eq!(crc32(b"1/item/1"), 0x392C_BA77);
    }

    #[test]
    fn running_state_equals_one_shot() {
        let s = update(update(INIT, b"127.0.0.1\0"), b"19001");
        let with_prev = finish(update(s, &0u32.to_le_bytes()));
        assert_eq!(with_prev, crc32(b"127.0.0.1\x0019001\0\0\0\0"));
        assert_eq!(with_prev, 0x2695_830A);
        let next = finish(update(s, &with_prev.to_le_bytes()));
        assert_eq!(next, 0x7460_3D15);
    }
}
