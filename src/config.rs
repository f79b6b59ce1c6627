//! The user's configuration file: `$XDG_CONFIG_HOME/tuitor/config.yaml`
//! (else `~/.config/tuitor/config.yaml`).
//!
//! ```yaml
//! theme: light          # dark | light
//! lang: zh              # zh | en
//! keys:                 # rebind actions per context (see `?` in the app)
//!   browse:
//!     down: [j, Down, C-e]
//!   global:
//!     finder: [f, C-p, C-f]
//! ```
//! A missing file is fine; a broken one is reported and ignored.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::i18n::Lang;

/// The parsed configuration.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Theme name.
    pub theme: Option<String>,
    /// UI language.
    pub lang: Option<Lang>,
    /// Key overrides: context → action → keys.
    pub keys: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// The config file's path.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p).join("tuitor/config.yaml"));
    }
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(|h| PathBuf::from(h).join(".config/tuitor/config.yaml"))
}

/// Parse a config text.
pub fn parse(text: &str) -> Result<Config, String> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    crate::yaml::parse(text).map_err(|e| match e.line {
        Some(l) => format!("line {l}: {}", e.message),
        None => e.message,
    })
}

/// Load the config file; a problem is returned as a message, with defaults.
pub fn load() -> (Config, Option<String>) {
    let Some(p) = path() else {
        return (Config::default(), None);
    };
    match crate::content::load::read_text_limited(&p, 1024 * 1024) {
        Ok(text) => match parse(&text) {
            Ok(c) => (c, None),
            Err(e) => (
                Config::default(),
                Some(format!("{}: {e}; using defaults", p.display())),
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), None),
        Err(e) => (Config::default(), Some(format!("{}: {e}", p.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_unknown_keys() {
        let c = parse("theme: light\nlang: zh\nkeys:\n  browse:\n    down: [j, C-e]\n").unwrap();
        assert_eq!(c.theme.as_deref(), Some("light"));
        assert_eq!(c.lang, Some(Lang::Zh));
        assert_eq!(c.keys["browse"]["down"], vec!["j", "C-e"]);
        assert!(parse("colour: red\n").is_err());
        assert_eq!(parse("").unwrap(), Config::default());
    }
}
