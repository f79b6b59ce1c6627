//! Colours: themes from `assets/themes/*.yaml`, mapped onto the renderer's roles.
//!
//! With `NO_COLOR` set (to anything non-empty) every colour is dropped and only
//! bold / italic / underline / reverse remain, with selection shown reversed.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::content::frontmatter;
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
        let raw: BTreeMap<String, Entry> = frontmatter::parse(text).map_err(|e| e.message)?;
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

    /// A named UI style (`selected`, `status`, …).
    pub fn get(&self, name: &str) -> Style {
        self.styles.get(name).copied().unwrap_or_default()
    }

    /// The style of rendered note text.
    pub fn look(&self, look: Look) -> Style {
        let base = match look.role {
            Role::Body => "body",
            Role::Heading(1) => "heading1",
            Role::Heading(2) => "heading2",
            Role::Heading(3) => "heading3",
            Role::Heading(4) => "heading4",
            Role::Heading(5) => "heading5",
            Role::Heading(_) => "heading6",
            Role::Code => "code",
            Role::CodeFrame => "code_frame",
            Role::QuoteBar => "quote_bar",
            Role::Marker => "marker",
            Role::Border => "border",
            Role::TableHeader => "table_header",
            Role::Html => "html",
            Role::Sim => "sim",
            Role::Dim => "dim",
        };
        let mut st = self.get(base);
        let s = look.style;
        if s.code {
            st = st.patch(self.get("inline_code"));
        }
        if s.link {
            st = st.patch(self.get("link"));
        }
        if s.bold {
            st = st.patch(self.get("bold"));
        }
        if s.italic {
            st = st.patch(self.get("italic"));
        }
        if s.strike {
            st = st.patch(self.get("strike"));
        }
        st
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_themes_parse_and_no_color_strips() {
        for (name, text) in THEMES {
            let t = Theme::parse(text, false).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(t.get("selected").bg.is_some(), "{name}");
            let m = Theme::parse(text, true).unwrap();
            let sel = m.get("selected");
            assert!(sel.fg.is_none() && sel.bg.is_none());
            assert!(sel.add_modifier.contains(Modifier::REVERSED));
            assert!(m.get("heading1").add_modifier.contains(Modifier::BOLD));
        }
        assert_eq!(parse_color("#ff0080"), Some(Color::Rgb(255, 0, 128)));
        assert_eq!(parse_color("lightcyan"), Some(Color::LightCyan));
    }
}
