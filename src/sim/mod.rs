//! The simulation engines: real implementations of what the notes teach.
//!
//! Each engine is a plain data structure or algorithm with a normal Rust API and an
//! [`trace::Observer`] type parameter. The UI, the CLI and the quiz never script an
//! animation: they run an engine through a [`Session`] and read back its events.
//!
//! Adding a simulation means writing its module, one line in [`REGISTRY`], and its
//! content in `content/`.

pub mod django;
pub mod nginx_upstream;
pub mod redis_dict;
pub mod redis_zset;
pub mod trace;

use serde_json::Value;

/// One event as the UI and the CLI see it, independent of the engine.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Step {
    /// Where in the engine's source the event was produced.
    pub loc: trace::Loc,
    /// A short machine-readable kind, e.g. `rehash.move`.
    pub kind: String,
    /// One sentence in Chinese saying what happened and why.
    pub zh: String,
    /// The same sentence in English.
    pub en: String,
    /// Notable events (an expansion, a failure) get a marker on the timeline.
    pub notable: bool,
    /// The engine's own event, serialized (what a view replays).
    pub event: Value,
}

/// What one command produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The command's reply, as the CLI prints it in JSON.
    pub reply: Value,
    /// The engine's state after the command, as the CLI prints it in JSON.
    pub state: Value,
    /// The events the command caused, oldest first.
    pub steps: Vec<Step>,
}

/// An error in a command line: nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CmdError(pub String);

/// The longest command line a session accepts, in bytes. Longer lines are
/// refused before they are parsed, so one line cannot make a session allocate
/// without bound; each engine also caps its own counts (`fill`, `reqs`, members).
pub const MAX_LINE_BYTES: usize = 256 * 1024;

/// Refuse a command line longer than [`MAX_LINE_BYTES`].
pub fn check_line(line: &str) -> Result<(), CmdError> {
    if line.len() > MAX_LINE_BYTES {
        return Err(CmdError(format!(
            "command line is {} KiB, longer than the {} KiB limit; split it into several commands",
            line.len() / 1024,
            MAX_LINE_BYTES / 1024
        )));
    }
    Ok(())
}

/// A running simulation that accepts the engine's command language.
///
/// This is what `tuitor sim`, the simulation view's input line and the quiz
/// generators talk to.
pub trait Session: Send {
    /// Run one command line (e.g. `set k v`). A bad command changes nothing; a
    /// line longer than [`MAX_LINE_BYTES`] is refused.
    fn run(&mut self, line: &str) -> Result<Outcome, CmdError>;
    /// The engine's state now, as JSON.
    fn state(&self) -> Value;
}

/// How to build a session: from an optional config text (YAML) and a seed.
pub type Factory = fn(config: Option<&str>, seed: u64) -> Result<Box<dyn Session>, CmdError>;

/// A named starting scenario of a simulation.
pub struct Preset {
    /// The preset's name, e.g. `grow-from-4`.
    pub name: &'static str,
    /// One line saying what it shows, in Chinese.
    pub zh: &'static str,
    /// The same in English.
    pub en: &'static str,
    /// The config (YAML) the session starts from, if the engine takes one.
    pub config: Option<&'static str>,
    /// The commands it runs, one per line.
    pub script: &'static str,
}

/// A registered simulation.
pub struct SimInfo {
    /// The canonical name, e.g. `redis-dict`.
    pub name: &'static str,
    /// Other accepted names, e.g. `rehash`.
    pub aliases: &'static [&'static str],
    /// One line describing it, in English.
    pub about: &'static str,
    /// Builds a session.
    pub factory: Factory,
    /// Its named scenarios; the first is the default.
    pub presets: &'static [Preset],
}

/// Every simulation tuitor knows, by canonical name.
pub const REGISTRY: &[SimInfo] = &[
    SimInfo {
        name: "redis-dict",
        aliases: &["rehash"],
        about: "Redis 7.0 dict: two tables and incremental rehash, driven by real commands",
        factory: redis_dict::factory,
        presets: redis_dict::PRESETS,
    },
    SimInfo {
        name: "redis-zset",
        aliases: &["skiplist"],
        about: "Redis 7.0 sorted set: skiplist with spans and ranks plus a dict (ZADD, ZRANGE, ZRANGEBYSCORE, search)",
        factory: redis_zset::factory,
        presets: redis_zset::PRESETS,
    },
    SimInfo {
        name: "nginx-upstream",
        aliases: &["lb"],
        about: "nginx upstream peer selection: smooth weighted round robin, failures, backup, ip_hash, hash, consistent hash, least_conn, random (and fair, not part of nginx)",
        factory: nginx_upstream::factory,
        presets: nginx_upstream::PRESETS,
    },
    SimInfo {
        name: "django",
        aliases: &["lifecycle"],
        about: "Django 5.1 request lifecycle: WSGI, the middleware onion, URL resolution, views, templates",
        factory: django::factory,
        presets: django::PRESETS,
    },
    SimInfo {
        name: "django-orm",
        aliases: &["orm"],
        about: "Django QuerySets on SQLite: laziness, the result cache, N+1, select_related, prefetch_related",
        factory: django::orm_factory,
        presets: django::ORM_PRESETS,
    },
];

/// Find a simulation by name or alias (case-insensitive).
pub fn find(name: &str) -> Option<&'static SimInfo> {
    let name = name.trim();
    REGISTRY.iter().find(|s| {
        s.name.eq_ignore_ascii_case(name) || s.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

/// All canonical names and aliases, for error messages.
pub fn known_names() -> Vec<&'static str> {
    REGISTRY
        .iter()
        .flat_map(|s| std::iter::once(s.name).chain(s.aliases.iter().copied()))
        .collect()
}

mod sources {
    include!(concat!(env!("OUT_DIR"), "/sim_sources.rs"));
}

/// The source text of an engine file, by the path `file!()` gives
/// (e.g. `src/sim/redis_dict.rs`).
pub fn source(path: &str) -> Option<&'static str> {
    sources::SIM_SOURCES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, t)| *t)
}

/// The one-line text of a simulation card in a note: what its preset shows (in
/// the UI language), else what the simulation is.
pub fn describe(s: &crate::content::SimRef, lang: crate::i18n::Lang) -> String {
    match find(&s.name) {
        Some(info) => s
            .preset
            .as_deref()
            .and_then(|p| info.presets.iter().find(|x| x.name == p))
            .map_or_else(
                || info.about.to_string(),
                |p| lang.pick(p.zh, p.en).to_string(),
            ),
        None => match lang {
            crate::i18n::Lang::Zh => format!("模拟 {} 暂不可用", s.name),
            crate::i18n::Lang::En => format!("simulation {} is not available", s.name),
        },
    }
}
