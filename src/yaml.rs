//! Every YAML text tuitor reads: front matter, configs, keymaps, themes,
//! pairing rules, authored cards and simulation configs.
//!
//! This is the only module that touches `serde_yaml`, so the YAML library stays
//! swappable; it depends on nothing else in the crate, so every layer may use it.

use serde::de::DeserializeOwned;

/// A YAML error with the 1-based line it points at, relative to the YAML text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line within the YAML text, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Parse any YAML document into `T`.
pub fn parse<T: DeserializeOwned>(yaml: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(yaml).map_err(|e| YamlError {
        line: e.location().map(|l| l.line()),
        message: e.to_string(),
    })
}
