//! Colours: themes from `assets/themes/*.yaml`, mapped onto the renderer's roles.
//!
//! With `NO_COLOR` set (to anything non-empty) every colour is dropped and only
//! bold / italic / underline / reverse remain, with selection shown reversed.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::render::{Look, Role};

/// One style entry of a theme file.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Entry {
    fg: Option<String>,
    bg: Option<String>,
    bold: bool,
    italic: bool,
    underlined: bool,
    crossed_out: bool,
    reversed: bool,
    dim: bool,
}

/// Built-in themes by name.
pub const THEMES: &[(&str, &str)] = &[
    ("dark", include_str!("../../assets/themes/dark.yaml")),
    ("light", include_str!("../../assets/themes/light.yaml")),
];

/// A loaded theme.
#[derive(Clone, Debug)]
pub struct Theme {
    styles: BTreeMap<String, Style>,
    /// Whether colours are off.
    pub mono: bool,
}

fn parse_color(s: &str) -> Option<Color> {
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() == 6 {
            let v = u32::from_str_radix(hex, 16).ok()?;
            return Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
        }
        return None;
    }
    if let Ok(i) = s.parse::<u8>() {
        return Some(Color::Indexed(i));
    }
    s.parse::<Color>().ok()
}

impl Theme {
    /// Load a built-in theme by name (unknown names fall back to `dark`).
    pub fn named(name: &str, mono: bool) -> Theme {
        let text = THEMES
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(THEMES[0].1, |(_, t)| t);
        Theme::parse(text, mono).unwrap_or_else(|_| Theme {
            styles: BTreeMap::new(),
            mono,
        })
    }

    /// Whether `NO_COLOR` asks for no colour.
    pub fn no_color_env() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }

    /// Parse a theme file.
    pub fn parse(text: &str, mono: bool) -> Result<Theme, String> {
        let raw: BTreeMap<String, Entry> = crate::yaml::parse(text).map_err(|e| e.message)?;
        let mut styles = BTreeMap::new();
        for (name, e) in raw {
            let mut st = Style::default();
            if !mono {
                if let Some(c) = e.fg.as_deref().and_then(parse_color) {
                    st = st.fg(c);
                }
                if let Some(c) = e.bg.as_deref().and_then(parse_color) {
                    st = st.bg(c);
                }
            }
            let mut m = Modifier::empty();
            for (on, flag) in [
                (e.bold, Modifier::BOLD),
                (e.italic, Modifier::ITALIC),
                (e.underlined, Modifier::UNDERLINED),
                (e.crossed_out, Modifier::CROSSED_OUT),
                (e.reversed, Modifier::REVERSED),
                (e.dim, Modifier::DIM),
            ] {
                if on {
                    m |= flag;
                }
            }
            if mono && (e.bg.is_some()) {
                m |= Modifier::REVERSED;
            }
            styles.insert(name, st.add_modifier(m));
        }
        Ok(Theme { styles, mono })
    }

    /// The style of a role.
    pub fn style(&self, role: Role) -> Style {
        let st = self.entry(role.key());
        if role == Role::Pointer {
            st.remove_modifier(Modifier::REVERSED)
        } else {
            st
        }
    }

    /// A theme file's entry by its key; a missing entry is the default style.
    fn entry(&self, key: &str) -> Style {
        self.styles.get(key).copied().unwrap_or_default()
    }

    /// The style of rendered text: its role plus inline emphasis.
    pub fn look(&self, look: Look) -> Style {
        let mut st = self.style(look.role);
        let s = look.style;
        if s.code {
            st = st.patch(self.entry("inline_code"));
        }
        if s.link {
            st = st.patch(self.entry("link"));
        }
        if s.bold {
            st = st.patch(self.entry("bold"));
        }
        if s.italic {
            st = st.patch(self.entry("italic"));
        }
        if s.strike {
            st = st.patch(self.entry("strike"));
        }
        st
    }

    /// A line laid out by the core, in this theme's colours.
    pub fn line(&self, l: &crate::render::Line) -> ratatui::text::Line<'static> {
        ratatui::text::Line::from(
            l.spans
                .iter()
                .map(|s| ratatui::text::Span::styled(s.text.clone(), self.look(s.look)))
                .collect::<Vec<_>>(),
        )
    }
}

/// The keys a theme file may hold besides the roles': inline emphasis.
#[cfg(test)]
const INLINE_KEYS: &[&str] = &["bold", "italic", "strike", "inline_code"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_themes_parse_and_no_color_strips() {
        for (name, text) in THEMES {
            let t = Theme::parse(text, false).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(t.style(Role::Selected).bg.is_some(), "{name}");
            let m = Theme::parse(text, true).unwrap();
            let sel = m.style(Role::Selected);
            assert!(sel.fg.is_none() && sel.bg.is_none());
            assert!(sel.add_modifier.contains(Modifier::REVERSED));
            assert!(m
                .style(Role::Heading(1))
                .add_modifier
                .contains(Modifier::BOLD));
        }
        assert_eq!(parse_color("#ff0080"), Some(Color::Rgb(255, 0, 128)));
    }

    #[test]
    fn every_role_has_an_entry_in_every_built_in_theme_and_nothing_else_is_there() {
        for (name, text) in THEMES {
            let raw: BTreeMap<String, Entry> = crate::yaml::parse(text).unwrap();
            for r in Role::ALL {
                assert!(raw.contains_key(r.key()), "{name} has no {}", r.key());
            }
            for key in raw.keys() {
                assert!(
                    Role::ALL.iter().any(|r| r.key() == key) || INLINE_KEYS.contains(&key.as_str()),
                    "{name}: {key} is no role"
                );
            }
        }
        let t = Theme::named("dark", false);
        assert!(!t
            .style(Role::Pointer)
            .add_modifier
            .contains(Modifier::REVERSED));
        assert_eq!(parse_color("lightcyan"), Some(Color::LightCyan));
    }
}
