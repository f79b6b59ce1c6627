//! Command lines as redis-cli reads them: one splitter for every Redis engine.
//!
//! redis-cli cuts what the user types into arguments with `sdssplitargs`
//! (`sds.c`), and so does every simulation that speaks Redis commands. Its
//! rules, which this follows byte for byte:
//!
//! * arguments are separated by white space as C's `isspace` sees it: space,
//!   `\t`, `\n`, `\v`, `\f`, `\r`;
//! * an unquoted argument ends at a space, `\n`, `\r`, `\t` or the end, and a
//!   quote inside it opens a quoted part (`a"b c"` is one argument, `ab c`);
//! * `"…"` understands `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a` and any other
//!   escaped byte as itself; `'…'` understands only `\'`;
//! * a closing quote must be followed by white space or the end, and a quote
//!   left open is an error.

use super::CmdError;

/// C's `isspace` in the "C" locale.
pub fn is_space(b: u8) -> bool {
    b == b' ' || (0x09..=0x0d).contains(&b)
}

/// Split `line` into arguments as redis-cli does (`sdssplitargs`).
pub fn split_args(line: &str) -> Result<Vec<Vec<u8>>, CmdError> {
    let bad = || {
        CmdError(
            "Invalid argument(s): unbalanced quotes (a closing quote must be followed by a space)"
                .into(),
        )
    };
    let p = line.as_bytes();
    let at = |i: usize| p.get(i).copied().unwrap_or(0);
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        while i < p.len() && is_space(p[i]) {
            i += 1;
        }
        if i >= p.len() {
            return Ok(out);
        }
        let mut cur = Vec::new();
        let (mut inq, mut insq) = (false, false);
        loop {
            let c = at(i);
            if inq {
                if c == b'\\'
                    && at(i + 1) == b'x'
                    && at(i + 2).is_ascii_hexdigit()
                    && at(i + 3).is_ascii_hexdigit()
                {
                    let hx = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
                    cur.push(hx(at(i + 2)) * 16 + hx(at(i + 3)));
                    i += 3;
                } else if c == b'\\' && at(i + 1) != 0 {
                    i += 1;
                    cur.push(match at(i) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    let n = at(i + 1);
                    if n != 0 && !is_space(n) {
                        return Err(bad());
                    }
                    i += 1;
                    break;
                } else if c == 0 && i >= p.len() {
                    return Err(bad());
                } else {
                    cur.push(c);
                }
            } else if insq {
                if c == b'\\' && at(i + 1) == b'\'' {
                    i += 1;
                    cur.push(b'\'');
                } else if c == b'\'' {
                    let n = at(i + 1);
                    if n != 0 && !is_space(n) {
                        return Err(bad());
                    }
                    i += 1;
                    break;
                } else if c == 0 && i >= p.len() {
                    return Err(bad());
                } else {
                    cur.push(c);
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' => {
                        i += 1;
                        break;
                    }
                    0 if i >= p.len() => break,
                    b'"' => inq = true,
                    b'\'' => insq = true,
                    _ => cur.push(c),
                }
            }
            i += 1;
        }
        out.push(cur);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<String> {
        split_args(s)
            .unwrap()
            .into_iter()
            .map(|a| String::from_utf8_lossy(&a).into_owned())
            .collect()
    }

    #[test]
    fn white_space_is_c_isspace_including_vertical_tab_and_form_feed() {
        assert_eq!(split("set\x0ba\x0c 1"), vec!["set\x0ba\x0c", "1"]);
        assert_eq!(split(" \x0b\x0cset  a\t1 "), vec!["set", "a", "1"]);
    }

    #[test]
    fn quotes_escape_and_open_inside_a_word() {
        assert_eq!(split(r#"set "a b" 'c\'d'"#), vec!["set", "a b", "c'd"]);
        assert_eq!(split(r#"a"b c""#), vec!["ab c"]);
        assert_eq!(split_args(r#""\x41\n\q""#).unwrap(), vec![b"A\nq".to_vec()]);
        assert_eq!(split(r#""""#), vec![""]);
    }

    #[test]
    fn an_open_quote_or_a_glued_closing_quote_is_refused() {
        for bad in [r#"set "a"#, "set 'a", r#"set "a"b"#, "set 'a'b"] {
            assert!(split_args(bad).is_err(), "{bad}");
        }
    }
}
