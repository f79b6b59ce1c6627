//! Making note text safe to draw on a terminal.
//!
//! Notes come from anywhere. A stray `ESC` in a note, a title or a file name could
//! move the cursor, change the window title (OSC 0), write the clipboard (OSC 52)
//! or leave the alternate screen. Every piece of text that enters the content model
//! passes through [`clean`], which replaces control characters with visible
//! stand-ins (`␛` for ESC, the Unicode "control pictures" for the other C0 codes)
//! so nothing from a note ever reaches the terminal raw.

use std::borrow::Cow;

/// Whether `c` would be interpreted by a terminal rather than drawn.
pub fn is_unsafe(c: char) -> bool {
    let u = c as u32;
    // C0 controls, DEL, C1 controls; bidi overrides and isolates can reorder what
    // the user sees, so they are shown too.
    u < 0x20
        || u == 0x7f
        || (0x80..=0x9f).contains(&u)
        || matches!(u, 0x202a..=0x202e | 0x2066..=0x2069)
}

/// The visible stand-in for an unsafe character.
pub fn visible(c: char) -> char {
    let u = c as u32;
    match u {
        0x1b => '␛',
        0x00..=0x1f => char::from_u32(0x2400 + u).unwrap_or('�'),
        0x7f => '␡',
        _ => '�',
    }
}

/// Replace every unsafe character with its visible stand-in. Tabs become spaces
/// (`tab_width` of them) when `tab_width > 0`, else `␉`. Newlines are kept only
/// when `keep_newlines` is true (code blocks); a `\r` is always dropped before a
/// `\n` and shown otherwise.
pub fn clean_with(s: &str, tab_width: usize, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) || c == '\t') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\t' if tab_width > 0 => out.extend(std::iter::repeat_n(' ', tab_width)),
            '\n' if keep_newlines => out.push('\n'),
            '\r' if keep_newlines && chars.peek() == Some(&'\n') => {}
            c if is_unsafe(c) || c == '\t' => out.push(visible(c)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`clean_with`] for one line of prose: tabs to 4 spaces, newlines shown.
pub fn clean(s: &str) -> Cow<'_, str> {
    clean_with(s, 4, false)
}

/// [`clean`] returning an owned `String`.
pub fn cleaned(s: &str) -> String {
    clean(s).into_owned()
}

/// Make serialized JSON safe to print on a terminal. `serde_json` escapes the C0
/// controls but writes DEL, the C1 controls (U+0080–U+009F; U+009B is CSI) and
/// the bidi overrides as they are; this escapes those as `\uXXXX` too. The
/// result is the same JSON value (these characters only occur inside strings).
pub fn json_for_terminal(json: &str) -> Cow<'_, str> {
    // A raw newline is layout (pretty printing): inside strings it is escaped.
    let needs = |c: char| is_unsafe(c) && c != '\n';
    if !json.chars().any(needs) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_become_visible() {
        assert_eq!(clean("a\x1b[2Jb"), "a␛[2Jb");
        assert_eq!(clean("\x1b]52;c;aGk=\x07"), "␛]52;c;aGk=␇");
        assert_eq!(clean("x\u{9b}31m"), "x�31m");
        assert_eq!(clean("tab\there"), "tab    here");
        assert_eq!(clean("nul\0"), "nul␀");
        assert_eq!(clean("普通文本"), "普通文本");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw() {
        let v = serde_json::json!({"k": "a\u{9b}31m\u{7f}\u{202e}\x1b"});
        let s = json_for_terminal(&v.to_string()).into_owned();
        assert_eq!(s, r#"{"k":"a\u009b31m\u007f\u202e\u001b"}"#);
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn code_keeps_newlines_but_not_lone_cr() {
        assert_eq!(clean_with("a\r\nb\rc", 4, true), "a\nb␍c");
    }

    proptest! {
        #[test]
        fn output_never_contains_controls(s in any::<String>()) {
            let out = clean(&s);
            prop_assert!(!out.chars().any(is_unsafe));
            let out = clean_with(&s, 2, true);
            prop_assert!(!out.chars().any(|c| is_unsafe(c) && c != '\n'));
        }
    }
}
