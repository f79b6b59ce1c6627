//! The one line editor behind every input line: the finder's query, in-topic
//! search, the simulation's command line and fill-in answers.
//!
//! Its keys are the `edit` context of the keymap (submit, cancel, delete the
//! character or word before, clear the line), so rebinding one changes every
//! input line and every hint that names it. A character that is not bound
//! there, typed without Ctrl or Alt, is text.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::{Action, Ctx, Key, Keymap};

/// What a key did to the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edited {
    /// The text changed (or the key was an edit that found nothing to do).
    Text,
    /// The line was submitted.
    Submit,
    /// The line was abandoned.
    Cancel,
    /// Not an editing key: the screen may use it (arrows in a list…).
    Pass,
}

/// Apply key `k` to `text`, which holds at most `max_chars` characters.
pub fn key(text: &mut String, k: &KeyEvent, keys: &Keymap, max_chars: usize) -> Edited {
    match keys.lookup_in(Ctx::Edit, Key::from_event(k)) {
        Some(Action::Submit) => Edited::Submit,
        Some(Action::Cancel) => Edited::Cancel,
        Some(Action::DeleteBack) => {
            text.pop();
            Edited::Text
        }
        Some(Action::DeleteWord) => {
            let kept = text.trim_end().len();
            text.truncate(kept);
            let cut = text.rfind(' ').map_or(0, |i| i + 1);
            text.truncate(cut);
            Edited::Text
        }
        Some(Action::ClearLine) => {
            text.clear();
            Edited::Text
        }
        _ => match k.code {
            KeyCode::Char(c)
                if !k
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                if text.chars().count() < max_chars {
                    text.push(c);
                }
                Edited::Text
            }
            _ => Edited::Pass,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    fn typed(keys: &Keymap, text: &str) -> String {
        let mut s = String::new();
        for c in text.chars() {
            key(
                &mut s,
                &press(KeyCode::Char(c), KeyModifiers::NONE),
                keys,
                100,
            );
        }
        s
    }

    #[test]
    fn default_keys_edit_the_line() {
        let km = Keymap::default_map();
        let mut s = typed(&km, "hello big world ");
        let ctrl = |c| press(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(key(&mut s, &ctrl('w'), &km, 100), Edited::Text);
        assert_eq!(s, "hello big ");
        key(
            &mut s,
            &press(KeyCode::Backspace, KeyModifiers::NONE),
            &km,
            100,
        );
        assert_eq!(s, "hello big");
        key(&mut s, &ctrl('u'), &km, 100);
        assert_eq!(s, "");
        // q is a global key elsewhere, but text here.
        assert_eq!(typed(&km, "q?"), "q?");
        let enter = press(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(key(&mut s, &enter, &km, 100), Edited::Submit);
        let esc = press(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(key(&mut s, &esc, &km, 100), Edited::Cancel);
        assert_eq!(key(&mut s, &ctrl('c'), &km, 100), Edited::Cancel);
        let down = press(KeyCode::Down, KeyModifiers::NONE);
        assert_eq!(key(&mut s, &down, &km, 100), Edited::Pass);
    }

    #[test]
    fn the_line_holds_at_most_its_limit() {
        let km = Keymap::default_map();
        let mut s = String::new();
        for _ in 0..10 {
            key(
                &mut s,
                &press(KeyCode::Char('界'), KeyModifiers::NONE),
                &km,
                4,
            );
        }
        assert_eq!(s, "界界界界");
    }

    #[test]
    fn rebound_keys_edit_instead_of_the_defaults() {
        let mut km = Keymap::default_map();
        let raw = crate::yaml::parse("edit:\n  submit: [Tab]\n  clear_line: [C-k]\n").unwrap();
        assert!(km.apply(&raw).is_empty());
        let mut s = typed(&km, "abc");
        let tab = press(KeyCode::Tab, KeyModifiers::NONE);
        assert_eq!(key(&mut s, &tab, &km, 100), Edited::Submit);
        let enter = press(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(key(&mut s, &enter, &km, 100), Edited::Pass);
        let ck = press(KeyCode::Char('k'), KeyModifiers::CONTROL);
        key(&mut s, &ck, &km, 100);
        assert_eq!(s, "");
    }
}
