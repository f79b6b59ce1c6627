//! Numbers as Redis 7.0 reads and writes them for sorted sets.
//!
//! * Scores in replies are printed with C's `%.17g` (`inf`/`-inf` spelled out),
//!   so `0.1` comes back as `0.10000000000000001`.
//! * ZADD scores are read strictly (`string2d`): C `strtod` must consume the
//!   whole argument, no leading space, no NaN, and no overflow to infinity or
//!   underflow to zero.
//! * Range bounds (`ZRANGEBYSCORE`, `ZCOUNT`) are read leniently
//!   (`zslParseRange`): an optional `(`, then `strtod` up to the first NUL byte,
//!   leading white space allowed, overflow allowed, NaN rejected.
//! * Integers (`ZRANGE` indexes, `LIMIT`) are read by `string2ll`: optional `-`,
//!   no leading zero, no `+`, no space, at most 20 characters, in range.
//!
//! `strtod` also reads `inf`/`infinity` and hexadecimal floats (`0x1p4`), so
//! this module does too.

/// Format a score as Redis 7.0 does in RESP2 replies: `%.17g`.
pub fn format_score(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // 17 significant digits, correctly rounded, in scientific form.
    let sci = format!("{:.16e}", x);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if neg { "-" } else { "" };
    if !(-4..17).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let rest = rest.trim_end_matches('0');
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{dot}{rest}e{esign}{:02}", exp.abs())
    } else if exp >= 0 {
        let cut = exp as usize + 1;
        let (int, frac) = digits.split_at(cut);
        let frac = frac.trim_end_matches('0');
        let dot = if frac.is_empty() { "" } else { "." };
        format!("{sign}{int}{dot}{frac}")
    } else {
        let zeros = "0".repeat((-exp - 1) as usize);
        format!("{sign}0.{zeros}{}", digits.trim_end_matches('0'))
    }
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// What C `strtod` makes of a whole byte string.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Strtod {
    value: f64,
    /// `errno == ERANGE` with a result of ±HUGE_VAL or zero.
    range_error: bool,
}

/// Parse `s` as C `strtod` would, but only succeed when it consumes all of `s`.
fn strtod_whole(s: &[u8]) -> Option<Strtod> {
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let body = &s[i..];
    let (neg, body) = match body.first() {
        Some(b'-') => (true, &body[1..]),
        Some(b'+') => (false, &body[1..]),
        _ => (false, body),
    };
    let lower: Vec<u8> = body.iter().map(|b| b.to_ascii_lowercase()).collect();
    let signed = |v: f64| if neg { -v } else { v };
    if lower == b"inf" || lower == b"infinity" {
        return Some(Strtod {
            value: signed(f64::INFINITY),
            range_error: false,
        });
    }
    if lower.starts_with(b"nan") {
        let rest = &lower[3..];
        let ok = rest.is_empty()
            || (rest.first() == Some(&b'(')
                && rest.last() == Some(&b')')
                && rest[1..rest.len() - 1]
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'_'));
        return ok.then_some(Strtod {
            value: f64::NAN,
            range_error: false,
        });
    }
    if lower.starts_with(b"0x") {
        return hex_float(&lower[2..]).map(|(v, zero_digits)| Strtod {
            value: signed(v),
            range_error: v.is_infinite() || (v == 0.0 && !zero_digits),
        });
    }
    // Decimal: digits [. digits] | . digits, then optional exponent.
    let mut j = 0;
    let mut ndig = 0;
    let mut nonzero = false;
    while j < lower.len() && lower[j].is_ascii_digit() {
        nonzero |= lower[j] != b'0';
        j += 1;
        ndig += 1;
    }
    if j < lower.len() && lower[j] == b'.' {
        j += 1;
        while j < lower.len() && lower[j].is_ascii_digit() {
            nonzero |= lower[j] != b'0';
            j += 1;
            ndig += 1;
        }
    }
    if ndig == 0 {
        return None;
    }
    if j < lower.len() && lower[j] == b'e' {
        let mut k = j + 1;
        if k < lower.len() && (lower[k] == b'+' || lower[k] == b'-') {
            k += 1;
        }
        let start = k;
        while k < lower.len() && lower[k].is_ascii_digit() {
            k += 1;
        }
        if k == start {
            return None; // "1e" leaves "e" unconsumed
        }
        j = k;
    }
    if j != lower.len() {
        return None;
    }
    let text = std::str::from_utf8(&lower).ok()?;
    let v: f64 = text.parse().ok()?;
    Some(Strtod {
        value: signed(v),
        range_error: v.is_infinite() || (v == 0.0 && nonzero),
    })
}

/// A hexadecimal float body (after `0x`): returns the value and whether every
/// mantissa digit was zero.
fn hex_float(s: &[u8]) -> Option<(f64, bool)> {
    let mut m: u64 = 0;
    let mut sig = 0; // significant hex digits kept in m
    let mut exp: i64 = 0;
    let mut sticky = false;
    let mut ndig = 0;
    let mut j = 0;
    let mut frac = false;
    while j < s.len() {
        let c = s[j];
        if c == b'.' && !frac {
            frac = true;
            j += 1;
            continue;
        }
        let Some(d) = (c as char).to_digit(16) else {
            break;
        };
        ndig += 1;
        if m == 0 && d == 0 {
            if frac {
                exp -= 4;
            }
        } else if sig < 15 {
            m = m * 16 + d as u64;
            sig += 1;
            if frac {
                exp -= 4;
            }
        } else {
            sticky |= d != 0;
            if !frac {
                exp += 4;
            }
        }
        j += 1;
    }
    if ndig == 0 {
        return None;
    }
    if j < s.len() && s[j] == b'p' {
        let mut k = j + 1;
        let mut eneg = false;
        if k < s.len() && (s[k] == b'+' || s[k] == b'-') {
            eneg = s[k] == b'-';
            k += 1;
        }
        let start = k;
        let mut e: i64 = 0;
        while k < s.len() && s[k].is_ascii_digit() {
            e = (e * 10 + (s[k] - b'0') as i64).min(1_000_000);
            k += 1;
        }
        if k == start {
            return None;
        }
        exp += if eneg { -e } else { e };
        j = k;
    }
    if j != s.len() {
        return None;
    }
    if m == 0 {
        return Some((0.0, true));
    }
    let mut v = (if sticky { (m << 4) | 1 } else { m << 4 }) as f64;
    exp -= 4;
    while exp > 0 {
        let step = exp.min(1000);
        v *= 2f64.powi(step as i32);
        exp -= step;
    }
    while exp < 0 {
        let step = (-exp).min(1000);
        v /= 2f64.powi(step as i32);
        exp += step;
    }
    Some((v, false))
}

/// Read a ZADD/ZINCRBY score as Redis's `string2d` does.
pub fn parse_score(s: &[u8]) -> Option<f64> {
    if s.is_empty() || is_c_space(s[0]) {
        return None;
    }
    let r = strtod_whole(s)?;
    if r.value.is_nan() || r.range_error {
        return None;
    }
    Some(r.value)
}

/// Read one bound of a score range as `zslParseRange` does: returns the value
/// and whether it is exclusive (`(` prefix).
pub fn parse_bound(s: &[u8]) -> Option<(f64, bool)> {
    // The C code works on a NUL-terminated string: it stops at the first NUL.
    let s = &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())];
    let (ex, body) = match s.first() {
        Some(b'(') => (true, &s[1..]),
        _ => (false, s),
    };
    // strtod of an empty (or all-space) string consumes nothing and returns 0,
    // and the C code then sees the terminating NUL: accepted as 0.
    if body.iter().all(|&b| is_c_space(b)) {
        return Some((0.0, ex));
    }
    let r = strtod_whole(body)?;
    if r.value.is_nan() {
        return None;
    }
    Some((r.value, ex))
}

/// Read an integer argument as Redis's `string2ll` does.
pub fn parse_int(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() >= 21 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = match s[0] {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !(b'1'..=b'9').contains(&digits[0]) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((d - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            return None;
        }
        Some((v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::approx_constant)] // 3.14159 is the spec's example, not pi
    fn g17_matches_c() {
        let cases = [
            (0.1, "0.10000000000000001"),
            (0.1 + 0.2, "0.30000000000000004"),
            (3.14159, "3.1415899999999999"),
            (1e15, "1000000000000000"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (-0.0, "-0"),
            (0.0, "0"),
            (1.0, "1"),
            (-2.5, "-2.5"),
            (1e-4, "0.0001"),
            (1e-5, "1.0000000000000001e-05"),
            (123456789.0, "123456789"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "4.9406564584124654e-324"),
            (100.0, "100"),
        ];
        for (x, want) in cases {
            assert_eq!(format_score(x), want, "{x:e}");
        }
    }

    #[test]
    fn strict_scores() {
        assert_eq!(parse_score(b"1"), Some(1.0));
        assert_eq!(parse_score(b"-1.5e3"), Some(-1500.0));
        assert_eq!(parse_score(b"+inf"), Some(f64::INFINITY));
        assert_eq!(parse_score(b"-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"0x10"), Some(16.0));
        assert_eq!(parse_score(b"0x1p-2"), Some(0.25));
        assert_eq!(parse_score(b".5"), Some(0.5));
        assert_eq!(parse_score(b"5."), Some(5.0));
        assert_eq!(parse_score(b"1.e2"), Some(100.0));
        for bad in [
            &b""[..],
            b" 1",
            b"1 ",
            b"nan",
            b"1e",
            b"abc",
            b"1e999",
            b"1e-999",
            b"0x",
            b"1\x002",
            b"--1",
            b"infin",
        ] {
            assert_eq!(parse_score(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
        assert_eq!(parse_score(b"0e-999"), Some(0.0));
    }

    #[test]
    fn bounds() {
        assert_eq!(parse_bound(b"(1"), Some((1.0, true)));
        assert_eq!(parse_bound(b"-inf"), Some((f64::NEG_INFINITY, false)));
        assert_eq!(parse_bound(b""), Some((0.0, false)));
        assert_eq!(parse_bound(b"("), Some((0.0, true)));
        assert_eq!(parse_bound(b" 2"), Some((2.0, false)));
        assert_eq!(parse_bound(b"1e999"), Some((f64::INFINITY, false)));
        assert_eq!(parse_bound(b"3\x00junk"), Some((3.0, false)));
        assert_eq!(parse_bound(b"2 "), None);
        assert_eq!(parse_bound(b"nan"), None);
        assert_eq!(parse_bound(b"[1"), None);
    }

    #[test]
    fn ints() {
        assert_eq!(parse_int(b"0"), Some(0));
        assert_eq!(parse_int(b"-1"), Some(-1));
        assert_eq!(parse_int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"-0",
            b"+1",
            b"01",
            b" 1",
            b"1.0",
            b"9223372036854775808",
            b"-",
        ] {
            assert_eq!(parse_int(bad), None);
        }
    }
}
