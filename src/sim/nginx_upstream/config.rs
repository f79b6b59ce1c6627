//! The `upstream` block as the simulation takes it (YAML): the balancing
//! method, the key, and each `server` with its parameters, checked the way
//! nginx checks them when it reads its configuration.

use serde::{Deserialize, Serialize};

use super::MAX_WEIGHT;

/// A balancing method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Smooth weighted round robin (the default).
    RoundRobin,
    /// `ip_hash`.
    IpHash,
    /// `hash KEY`.
    Hash,
    /// `hash KEY consistent`.
    HashConsistent,
    /// `least_conn`.
    LeastConn,
    /// `random`.
    Random,
    /// `random two least_conn`.
    RandomTwoLeastConn,
    /// Least outstanding requests, then lowest response time (NOT part of nginx).
    Fair,
}

impl Method {
    /// The name used in configs and state, e.g. `round_robin`.
    pub fn name(self) -> &'static str {
        match self {
            Method::RoundRobin => "round_robin",
            Method::IpHash => "ip_hash",
            Method::Hash => "hash",
            Method::HashConsistent => "hash_consistent",
            Method::LeastConn => "least_conn",
            Method::Random => "random",
            Method::RandomTwoLeastConn => "random_two_least_conn",
            Method::Fair => "fair",
        }
    }
    /// Whether the method accepts `backup` servers (round robin, least_conn, fair).
    pub fn allows_backup(self) -> bool {
        matches!(self, Method::RoundRobin | Method::LeastConn | Method::Fair)
    }
    /// Whether the method uses a key.
    pub fn uses_key(self) -> bool {
        matches!(self, Method::Hash | Method::HashConsistent)
    }
}

fn default_weight() -> u32 {
    1
}
fn default_max_fails() -> u32 {
    1
}
fn default_fail_timeout() -> u64 {
    10
}
fn default_latency() -> u64 {
    100
}

/// One `server` line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// The name the simulation shows (`a`, `b`, ...).
    pub name: String,
    /// The `server` directive's address text (default: the name); consistent
    /// hashing hashes this text.
    #[serde(default)]
    pub addr: Option<String>,
    /// `weight=` (1..=100).
    #[serde(default = "default_weight")]
    pub weight: u32,
    /// `max_fails=` (0 = never disable).
    #[serde(default = "default_max_fails")]
    pub max_fails: u32,
    /// `fail_timeout=` in seconds.
    #[serde(default = "default_fail_timeout")]
    pub fail_timeout: u64,
    /// `max_conns=` (0 = unlimited).
    #[serde(default)]
    pub max_conns: u32,
    /// The `down` flag.
    #[serde(default)]
    pub down: bool,
    /// The `backup` flag.
    #[serde(default)]
    pub backup: bool,
    /// Simulated response time in milliseconds, observed by `fair` only.
    #[serde(default = "default_latency")]
    pub latency_ms: u64,
}

impl ServerConfig {
    /// A server with the defaults nginx uses (`weight=1 max_fails=1 fail_timeout=10`).
    pub fn new(name: &str, weight: u32) -> Self {
        ServerConfig {
            name: name.to_string(),
            addr: None,
            weight,
            max_fails: 1,
            fail_timeout: 10,
            max_conns: 0,
            down: false,
            backup: false,
            latency_ms: default_latency(),
        }
    }
}

fn default_method() -> Method {
    Method::RoundRobin
}

/// An `upstream` block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpstreamConfig {
    /// The balancing method.
    #[serde(default = "default_method")]
    pub method: Method,
    /// The key of `hash`: text with `$request_uri` and `$remote_addr`
    /// (default `$request_uri`).
    #[serde(default)]
    pub key: Option<String>,
    /// The servers, in configuration order.
    pub servers: Vec<ServerConfig>,
}

impl Default for UpstreamConfig {
    /// Round robin over a=5, b=1, c=1.
    fn default() -> Self {
        UpstreamConfig {
            method: Method::RoundRobin,
            key: None,
            servers: vec![
                ServerConfig::new("a", 5),
                ServerConfig::new("b", 1),
                ServerConfig::new("c", 1),
            ],
        }
    }
}

/// A configuration or runtime change that nginx would reject.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn validate_name(name: &str) -> Result<(), ConfigError> {
    if name.is_empty()
        || name.len() > 32
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
    {
        return Err(ConfigError(format!(
            "bad server name {name:?}: use 1-32 letters, digits, '-', '_', '.', ':'"
        )));
    }
    Ok(())
}

pub(crate) fn validate_server(s: &ServerConfig, method: Method) -> Result<(), ConfigError> {
    validate_name(&s.name)?;
    if s.weight == 0 || s.weight > MAX_WEIGHT {
        return Err(ConfigError(format!(
            "server {}: weight must be 1..={MAX_WEIGHT} (nginx rejects weight=0)",
            s.name
        )));
    }
    if let Some(a) = &s.addr {
        if a.is_empty() || a.len() > 200 || a.chars().any(char::is_whitespace) {
            return Err(ConfigError(format!(
                "server {}: addr must be 1-200 characters without spaces",
                s.name
            )));
        }
    }
    if s.max_fails > 1000 {
        return Err(ConfigError(format!(
            "server {}: max_fails must be at most 1000",
            s.name
        )));
    }
    if s.fail_timeout > 1_000_000_000 || s.latency_ms > 1_000_000_000 {
        return Err(ConfigError(format!(
            "server {}: fail_timeout/latency_ms too large",
            s.name
        )));
    }
    if s.backup && !method.allows_backup() {
        return Err(ConfigError(format!(
            "server {}: balancing method {} does not support parameter backup",
            s.name,
            method.name()
        )));
    }
    Ok(())
}

/// Check a key expression: literal text with `$request_uri` / `$remote_addr`.
pub(crate) fn validate_key(key: &str) -> Result<(), ConfigError> {
    let mut rest = key;
    while let Some(pos) = rest.find('$') {
        let after = &rest[pos..];
        if let Some(r) = after.strip_prefix("$request_uri") {
            rest = r;
        } else if let Some(r) = after.strip_prefix("$remote_addr") {
            rest = r;
        } else {
            return Err(ConfigError(format!(
                "unknown variable in key {key:?}: only $request_uri and $remote_addr are simulated"
            )));
        }
    }
    if key.len() > 200 {
        return Err(ConfigError("key longer than 200 characters".into()));
    }
    Ok(())
}
