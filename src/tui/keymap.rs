//! Key bindings as data.
//!
//! The defaults live in `assets/keymap.yaml` (per context: `global`, `browse`,
//! `list`, `sim`, `quiz`, `edit`); the user's `config.yaml` can rebind any
//! action. The help screen, every footer and every hint are generated from the
//! same table ([`Keymap::fill`]), so none can drift from what the keys do, and
//! the line editors read their keys from the `edit` context too.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ctx {
    /// Everywhere (unless a list or input takes the key first).
    Global,
    /// The browse screen.
    Browse,
    /// Overlays with a list: finder, outline, bookmarks, help, problems.
    List,
    /// The simulation screen.
    Sim,
    /// The quiz and stats screens.
    Quiz,
    /// Line editors: the finder's query, in-topic search, the simulation's
    /// command line, fill-in answers. Unbound characters are typed as text.
    Edit,
}

impl Ctx {
    fn parse(s: &str) -> Option<Ctx> {
        match s {
            "global" => Some(Ctx::Global),
            "browse" => Some(Ctx::Browse),
            "list" => Some(Ctx::List),
            "sim" => Some(Ctx::Sim),
            "quiz" => Some(Ctx::Quiz),
            "edit" => Some(Ctx::Edit),
            _ => None,
        }
    }
    /// The i18n key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Ctx::Global => "ctx.global",
            Ctx::Browse => "ctx.browse",
            Ctx::List => "ctx.list",
            Ctx::Sim => "ctx.sim",
            Ctx::Quiz => "ctx.quiz",
            Ctx::Edit => "ctx.edit",
        }
    }
}

/// Everything a key can do.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Action {
    Quit,
    Help,
    Finder,
    Search,
    NextMatch,
    PrevMatch,
    Focus,
    Up,
    Down,
    Left,
    Right,
    Open,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextTopic,
    PrevTopic,
    Outline,
    Back,
    Forward,
    Bookmark,
    Bookmarks,
    Diagnostics,
    ExpandAll,
    Cancel,
    Delete,
    NextCard,
    StepForward,
    StepBack,
    Play,
    Faster,
    Slower,
    NextMark,
    PrevMark,
    Reset,
    NextPreset,
    PrevPreset,
    Reseed,
    Command,
    Pane,
    Close,
    Quiz,
    Stats,
    Reveal,
    Undo,
    Redo,
    OpenNote,
    OpenSim,
    MoveItemUp,
    MoveItemDown,
    Submit,
    DeleteBack,
    DeleteWord,
    ClearLine,
}

impl Action {
    /// The i18n key of its description.
    pub fn desc_key(self) -> String {
        let name = serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        format!("action.{name}")
    }
}

/// A key with modifiers, normalised (Shift is dropped for characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl / Alt / Shift.
    pub mods: KeyModifiers,
}

impl Key {
    /// Normalise a key event.
    pub fn from_event(e: &KeyEvent) -> Key {
        let mut mods =
            e.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match e.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, mods }
    }

    /// Parse `C-c`, `A-Left`, `G`, `PageDown`, `?`…
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            if rest.len() > 2 {
                if let Some(r) = rest.strip_prefix("C-") {
                    mods |= KeyModifiers::CONTROL;
                    rest = r;
                    continue;
                }
                if let Some(r) = rest.strip_prefix("A-") {
                    mods |= KeyModifiers::ALT;
                    rest = r;
                    continue;
                }
                if let Some(r) = rest.strip_prefix("S-") {
                    mods |= KeyModifiers::SHIFT;
                    rest = r;
                    continue;
                }
            }
            break;
        }
        let code = match rest {
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Tab" => KeyCode::Tab,
            "BackTab" => KeyCode::BackTab,
            "Backspace" => KeyCode::Backspace,
            "PageUp" => KeyCode::PageUp,
            "PageDown" => KeyCode::PageDown,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            "Delete" => KeyCode::Delete,
            "Space" => KeyCode::Char(' '),
            f if f.starts_with('F') && f.len() > 1 && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().map_err(|_| format!("bad key {s:?}"))?)
            }
            c if c.chars().count() == 1 => {
                let ch = c.chars().next().ok_or_else(|| format!("bad key {s:?}"))?;
                if mods.contains(KeyModifiers::SHIFT) {
                    mods.remove(KeyModifiers::SHIFT);
                    KeyCode::Char(ch.to_ascii_uppercase())
                } else if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(ch.to_ascii_lowercase())
                } else {
                    KeyCode::Char(ch)
                }
            }
            _ => return Err(format!("unknown key {s:?}")),
        };
        if code == KeyCode::BackTab {
            mods.remove(KeyModifiers::SHIFT);
        }
        Ok(Key { code, mods })
    }

    /// How the help screen shows it.
    pub fn label(&self) -> String {
        let mut s = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            s.push_str("C-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            s.push_str("A-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            s.push_str("S-");
        }
        match self.code {
            KeyCode::Char(' ') => s.push_str("Space"),
            KeyCode::Char(c) => s.push(c),
            KeyCode::F(n) => s.push_str(&format!("F{n}")),
            KeyCode::Up => s.push('↑'),
            KeyCode::Down => s.push('↓'),
            KeyCode::Left => s.push('←'),
            KeyCode::Right => s.push('→'),
            KeyCode::BackTab => s.push_str("S-Tab"),
            other => s.push_str(&format!("{other:?}")),
        }
        s
    }
}

/// One binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// Where it applies.
    pub ctx: Ctx,
    /// What it does.
    pub action: Action,
    /// The keys that trigger it.
    pub keys: Vec<Key>,
}

/// All bindings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    /// In display order.
    pub bindings: Vec<Binding>,
}

type Raw = BTreeMap<String, BTreeMap<String, Vec<String>>>;

impl Keymap {
    /// The built-in keymap.
    pub fn default_map() -> Keymap {
        let text = include_str!("../../assets/keymap.yaml");
        let raw: Raw = crate::yaml::parse(text).unwrap_or_default();
        let mut km = Keymap {
            bindings: Vec::new(),
        };
        km.apply(&raw);
        km.sort();
        km
    }

    /// Order bindings by context, then by action (the enum's order).
    fn sort(&mut self) {
        self.bindings.sort_by_key(|b| (b.ctx, b.action as u8));
    }

    /// Apply the user's overrides; returns the problems found (unknown contexts,
    /// actions or keys), each skipped.
    pub fn apply(&mut self, overrides: &Raw) -> Vec<String> {
        let mut problems = Vec::new();
        for (ctx_name, actions) in overrides {
            let Some(ctx) = Ctx::parse(ctx_name) else {
                problems.push(format!(
                    "unknown key context {ctx_name:?} (use global, browse, list, sim, quiz or edit)"
                ));
                continue;
            };
            for (name, keys) in actions {
                let Ok(action) =
                    serde_json::from_value::<Action>(serde_json::Value::String(name.clone()))
                else {
                    problems.push(format!("unknown action {name:?}"));
                    continue;
                };
                let mut parsed = Vec::new();
                for k in keys {
                    match Key::parse(k) {
                        Ok(key) => parsed.push(key),
                        Err(e) => problems.push(e),
                    }
                }
                match self
                    .bindings
                    .iter_mut()
                    .find(|b| b.ctx == ctx && b.action == action)
                {
                    Some(b) => b.keys = parsed,
                    None => self.bindings.push(Binding {
                        ctx,
                        action,
                        keys: parsed,
                    }),
                }
            }
        }
        self.sort();
        problems
    }

    /// The action bound to `key` in `ctx` (falling back to global bindings).
    pub fn lookup(&self, ctx: Ctx, key: Key) -> Option<Action> {
        let find = |c: Ctx| {
            self.bindings
                .iter()
                .find(|b| b.ctx == c && b.keys.contains(&key))
                .map(|b| b.action)
        };
        find(ctx).or_else(|| {
            if ctx == Ctx::Global {
                None
            } else {
                find(Ctx::Global)
            }
        })
    }

    /// The action bound to `key` in `ctx` itself, without the global
    /// fallback (what a line editor asks: an unbound `q` is text there).
    pub fn lookup_in(&self, ctx: Ctx, key: Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|b| b.ctx == ctx && b.keys.contains(&key))
            .map(|b| b.action)
    }

    /// The first key bound to an action in `ctx` (or globally), for hints.
    pub fn first_key(&self, ctx: Ctx, action: Action) -> Option<String> {
        let keys = |c: Ctx| {
            self.bindings
                .iter()
                .find(|b| b.ctx == c && b.action == action)
                .and_then(|b| b.keys.first())
        };
        keys(ctx).or_else(|| keys(Ctx::Global)).map(Key::label)
    }

    /// `text` with every `{key:ACTION}` replaced by the first key bound to
    /// ACTION in `ctx` (or globally), and every `{key:CTX.ACTION}` by the one
    /// in CTX. An action with no key shows as `—`; anything else in braces is
    /// left for `trf`. Every footer and hint goes through here.
    pub fn fill(&self, ctx: Ctx, text: &str) -> String {
        const OPEN: &str = "{key:";
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find(OPEN) {
            out.push_str(&rest[..i]);
            let after = &rest[i + OPEN.len()..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[i..]);
                return out;
            };
            let name = &after[..end];
            let (c, action) = match name.split_once('.') {
                Some((c, a)) => (Ctx::parse(c), a),
                None => (Some(ctx), name),
            };
            let action = serde_json::from_value::<Action>(serde_json::Value::String(action.into()));
            match (c, action) {
                (Some(c), Ok(a)) => {
                    out.push_str(&self.first_key(c, a).unwrap_or_else(|| "—".into()))
                }
                _ => out.push_str(&rest[i..i + OPEN.len() + end + 1]),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// The UI string `key` in `lang` with its keys filled in for `ctx`.
    pub fn tr(&self, lang: crate::i18n::Lang, ctx: Ctx, key: &str) -> String {
        self.fill(ctx, crate::i18n::tr(lang, key))
    }

    /// [`Keymap::tr`] with `{name}` placeholders filled in, as `i18n::trf`.
    pub fn trf(
        &self,
        lang: crate::i18n::Lang,
        ctx: Ctx,
        key: &str,
        args: &[(&str, &dyn std::fmt::Display)],
    ) -> String {
        crate::i18n::fill(&self.tr(lang, ctx, key), args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::NONE,
        }
    }

    #[test]
    fn defaults_load_with_context_fallback() {
        let km = Keymap::default_map();
        assert!(km.bindings.len() > 30);
        assert_eq!(km.lookup(Ctx::Browse, key('j')), Some(Action::Down));
        assert_eq!(km.lookup(Ctx::Browse, key('q')), Some(Action::Quit));
        assert_eq!(km.lookup(Ctx::List, key('j')), Some(Action::Down));
        assert_eq!(km.lookup(Ctx::Browse, key('G')), Some(Action::Bottom));
        assert_eq!(
            km.lookup(Ctx::Browse, Key::parse("C-c").unwrap()),
            Some(Action::Quit)
        );
        assert_eq!(km.bindings[0].action, Action::Quit, "enum order");
        // every action has a description
        for b in &km.bindings {
            assert_ne!(
                crate::i18n::tr(crate::i18n::Lang::En, &b.action.desc_key()),
                "?",
                "{:?}",
                b.action
            );
        }
    }

    #[test]
    fn key_parsing_and_events() {
        assert_eq!(Key::parse("S-g").unwrap(), key('G'));
        let e = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&e), key('G'));
        assert!(Key::parse("Hyper-x").is_err());
        assert_eq!(Key::parse("F5").unwrap().code, KeyCode::F(5));
        assert_eq!(Key::parse("C-c").unwrap().label(), "C-c");
    }

    #[test]
    fn overrides_replace_and_report() {
        let mut km = Keymap::default_map();
        let raw: Raw =
            crate::yaml::parse("browse:\n  down: [x]\n  nope: [y]\nweird:\n  up: [k]\n").unwrap();
        let problems = km.apply(&raw);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(km.lookup(Ctx::Browse, key('x')), Some(Action::Down));
        assert_eq!(km.lookup(Ctx::Browse, key('j')), None);
    }

    /// Every `{key:…}` placeholder in the UI strings: (its context, action).
    fn placeholders() -> Vec<(&'static str, Ctx, Action)> {
        let ctx_of = |text: &str| {
            // The context a string is filled in, by its key's prefix.
            match text.split('.').next() {
                Some("quiz" | "stats") => Ctx::Quiz,
                Some("sim") => Ctx::Sim,
                Some("help" | "bookmarks") => Ctx::List,
                _ => Ctx::Browse,
            }
        };
        let mut out = Vec::new();
        for (key, zh, en) in crate::i18n::entries() {
            for text in [zh, en] {
                for part in text.split("{key:").skip(1) {
                    let name = part.split('}').next().unwrap_or_default();
                    let (c, a) = match name.split_once('.') {
                        Some((c, a)) => (Ctx::parse(c).unwrap_or_else(|| panic!("{key}: {c}")), a),
                        None => (ctx_of(key), name),
                    };
                    let a = serde_json::from_value::<Action>(serde_json::Value::String(a.into()))
                        .unwrap_or_else(|_| panic!("{key}: no action {a}"));
                    out.push((*key, c, a));
                }
            }
        }
        out
    }

    #[test]
    fn every_hint_names_a_bound_action_and_follows_a_rebinding() {
        let km = Keymap::default_map();
        let found = placeholders();
        assert!(found.len() > 30, "{}", found.len());
        for (key, ctx, action) in found {
            assert!(
                km.first_key(ctx, action).is_some(),
                "{key}: {action:?} has no default key in {ctx:?}"
            );
            // Rebind the action to F12 where the hint looks it up: the hint says F12.
            let mut re = km.clone();
            let owner = if re
                .bindings
                .iter()
                .any(|b| b.ctx == ctx && b.action == action)
            {
                ctx
            } else {
                Ctx::Global
            };
            for b in &mut re.bindings {
                if b.ctx == owner && b.action == action {
                    b.keys = vec![Key::parse("F12").unwrap()];
                }
            }
            for lang in [crate::i18n::Lang::Zh, crate::i18n::Lang::En] {
                let text = re.tr(lang, ctx, key);
                assert!(
                    text.contains("F12"),
                    "{key} in {lang:?} ignores the rebinding: {text}"
                );
                assert!(!text.contains("{key:"), "{key}: unfilled: {text}");
            }
        }
    }

    #[test]
    fn fill_leaves_other_braces_and_marks_unbound_actions() {
        let mut km = Keymap::default_map();
        assert_eq!(
            km.fill(Ctx::Quiz, "{key:undo} undo · {n} cards"),
            "u undo · {n} cards"
        );
        assert_eq!(
            km.fill(Ctx::Quiz, "{key:edit.submit} / {key:nope} / {key:"),
            "Enter / {key:nope} / {key:"
        );
        let raw: Raw = crate::yaml::parse("quiz:\n  undo: []\n").unwrap();
        km.apply(&raw);
        assert_eq!(km.fill(Ctx::Quiz, "{key:undo} undo"), "— undo");
    }
}
