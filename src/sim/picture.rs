//! What a simulation draws, as terminal-independent styled text.
//!
//! A [`Picture`] is a simulation's drawable state. It starts blank
//! ([`SimInfo::picture`](super::SimInfo)), takes the session's [`Step`]s one by
//! one — reading the engine's own typed event, never a copy of it rebuilt by
//! hand — and lays itself out as [`Line`]s whose spans carry semantic
//! [`Role`]s (current, found, warn, error, dim…). The terminal UI maps roles to
//! theme colours; `tuitor sim --picture` prints the text. Nothing here is
//! scripted: every mark comes from an event the real engine emitted.

use crate::i18n::Lang;
use crate::render::{Line, Look, Role, Span};

use super::Step;

/// The drawable state of one simulation, rebuilt from its steps.
pub trait Picture: Send + Sync {
    /// Apply one step; steps of another engine are ignored.
    fn apply(&mut self, step: &Step);
    /// A one-line summary of the state (the live preview on a note's card).
    fn summary(&self) -> String;
    /// Lay the picture out for a pane `width` columns wide and `height` rows
    /// high. Lines may be wider than `width` only where the picture says so
    /// (a consumer clips).
    fn lines(&self, lang: Lang, width: usize, height: usize) -> Vec<Line>;
    /// A copy, for the player's snapshots.
    fn boxed(&self) -> Box<dyn Picture>;
}

impl Clone for Box<dyn Picture> {
    fn clone(&self) -> Self {
        self.boxed()
    }
}

/// A span of `text` in `role`. Engine values (keys, members, paths typed by
/// the learner) may hold control characters: they are shown as stand-ins.
pub fn span(text: impl Into<String>, role: Role) -> Span {
    let text = text.into();
    let text = match crate::content::sanitize::clean(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(clean) => clean,
    };
    Span {
        text,
        look: Look::of(role),
    }
}

/// A line of spans (empty spans are kept: they cost nothing).
pub fn line(spans: Vec<Span>) -> Line {
    Line { spans }
}

/// A line of one span.
pub fn text(text: impl Into<String>, role: Role) -> Line {
    line(vec![span(text, role)])
}

/// A bar of `█` for `n` out of `max`, `cols` wide at most (rounded up, so any
/// non-zero value shows).
pub fn bar(n: i64, max: i64, cols: usize) -> String {
    if max <= 0 || n <= 0 {
        return String::new();
    }
    let full = (n as usize * cols).div_ceil(max as usize).min(cols);
    "█".repeat(full)
}

/// The plain text of `lines`, one per line, each clipped to `width` columns.
pub fn plain(lines: &[Line], width: usize) -> String {
    let mut out = String::new();
    for l in lines {
        let clipped = crate::render::clip_spans(&l.spans, width);
        let t: String = clipped.iter().map(|s| s.text.as_str()).collect();
        out.push_str(t.trim_end());
        out.push('\n');
    }
    out
}

/// A fresh picture of `info` with every step of `commands` applied (or the
/// first `upto`), laid out `width` columns wide: what the pictures' own tests
/// read. Sessions are built with seed 1 and no config.
#[cfg(test)]
pub(crate) fn drawn(
    info: &super::SimInfo,
    commands: &[&str],
    upto: Option<usize>,
    width: usize,
) -> (Box<dyn Picture>, Vec<String>) {
    let mut session = (info.factory)(None, 1).expect("session");
    let mut steps = Vec::new();
    for c in commands {
        let out = session.run(c).unwrap_or_else(|e| panic!("{c}: {e}"));
        steps.extend(out.steps);
    }
    let mut pic = (info.picture)();
    for st in steps.iter().take(upto.unwrap_or(usize::MAX)) {
        pic.apply(st);
    }
    let text = plain(&pic.lines(Lang::En, width, 40), width)
        .lines()
        .map(String::from)
        .collect();
    (pic, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_round_up_and_stay_within_their_columns() {
        assert_eq!(bar(0, 10, 5), "");
        assert_eq!(bar(1, 10, 5), "█");
        assert_eq!(bar(10, 10, 5), "█████");
        assert_eq!(bar(50, 10, 5), "█████");
        assert_eq!(bar(3, 0, 5), "");
    }

    #[test]
    fn plain_text_is_clipped_and_has_no_trailing_blanks() {
        let l = line(vec![span("ab  ", Role::Body), span("跳跃表", Role::Dim)]);
        assert_eq!(plain(std::slice::from_ref(&l), 100), "ab  跳跃表\n");
        assert_eq!(plain(&[l], 6), "ab  跳\n");
        assert_eq!(plain(&[text("x   ", Role::Body)], 10), "x\n");
    }

    #[test]
    fn spans_never_carry_control_characters() {
        let s = span("a\u{1b}[31mb", Role::Body);
        assert!(!s.text.contains('\u{1b}'), "{:?}", s.text);
    }
}
