//! The simulation engines: real implementations of what the notes teach.
//!
//! Each engine is a plain data structure or algorithm with a normal Rust API and an
//! [`trace::Observer`] type parameter. The UI, the CLI and the quiz never script an
//! animation: they run an engine through a [`Session`] and read back its events.
//!
//! Every simulation is one folder with the same five files (see
//! `docs/ADDING-A-SIMULATION.md`): `mod.rs` (the structure, opening with the
//! comment that teaches it), `events.rs`, `view.rs` (state rebuilt from events),
//! `picture.rs` (what a screen or `tuitor sim --picture` draws) and `session.rs`
//! (command language, narration, presets). Its [`SimInfo`] — one line in
//! [`REGISTRY`] — carries everything the rest of the program needs; the
//! timeline of a running simulation is a [`player::Player`].

pub mod django;
pub mod nginx_upstream;
pub mod picture;
pub mod player;
pub mod quiz;
pub mod redis_cli;
pub mod redis_dict;
pub mod redis_zset;
pub mod trace;

use std::any::Any;
use std::sync::Arc;

pub use picture::Picture;
pub use player::Player;

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
    /// The engine's own event, serialized (what the CLI prints).
    pub event: Value,
    /// The engine's own event, typed (what its picture replays).
    #[serde(skip)]
    typed: TypedEvent,
}

impl Step {
    /// A step for event `event` produced at `loc`, with its narration.
    pub fn new<E>(loc: trace::Loc, event: E, n: trace::Narration) -> Step
    where
        E: serde::Serialize + Send + Sync + 'static,
    {
        Step {
            loc,
            kind: n.kind.to_string(),
            zh: n.zh,
            en: n.en,
            notable: n.notable,
            event: serde_json::to_value(&event).unwrap_or(Value::Null),
            typed: TypedEvent(Some(Arc::new(event))),
        }
    }

    /// The engine's event, if it is of type `E`.
    pub fn event_as<E: 'static>(&self) -> Option<&E> {
        self.typed.0.as_deref().and_then(|e| e.downcast_ref())
    }
}

/// The typed event behind a step. Two steps compare by their serialized event,
/// so this compares equal always.
#[derive(Clone, Default)]
struct TypedEvent(Option<Arc<dyn Any + Send + Sync>>);

impl PartialEq for TypedEvent {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for TypedEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "typed" } else { "untyped" })
    }
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

/// Split a command text on `;` and newlines, outside double quotes: how a
/// preset's script, a `--cmd` argument and the simulation screen's input line
/// become command lines.
pub fn split_commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => {
                cur.push(c);
                escaped = true;
            }
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ';' | '\n' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
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

/// A registered simulation: everything the rest of the program needs to know
/// about it. Each simulation defines its own as `INFO` in its `mod.rs`.
pub struct SimInfo {
    /// The canonical name, e.g. `redis-dict`.
    pub name: &'static str,
    /// Other accepted names, e.g. `rehash`.
    pub aliases: &'static [&'static str],
    /// One line describing it, in English.
    pub about: &'static str,
    /// The same in Chinese.
    pub about_zh: &'static str,
    /// Builds a session.
    pub factory: Factory,
    /// Its named scenarios; the first is the default.
    pub presets: &'static [Preset],
    /// A blank picture, to which the session's steps are applied.
    pub picture: fn() -> Box<dyn Picture>,
    /// The question templates it generates quiz cards from (its `quiz.rs`).
    pub quiz: &'static [quiz::Template],
    /// Its default pairing keywords: a topic of a plain note (one without
    /// `sim` blocks) whose heading contains one of them, case-insensitively, is
    /// offered this simulation with its first preset. A keyword starting with a
    /// Latin letter or digit must start a word, and a short one (≤ 4 chars,
    /// e.g. `ORM`) must also end one, so `ORM` misses "performance". Choose
    /// specific words: "hash" or "中间件" would pair unrelated sections.
    pub pairing: &'static [&'static str],
}

impl SimInfo {
    /// The preset called `name`, or an error listing the presets there are.
    pub fn preset(&self, name: &str) -> Result<&'static Preset, CmdError> {
        self.presets.iter().find(|p| p.name == name).ok_or_else(|| {
            let names: Vec<_> = self.presets.iter().map(|p| p.name).collect();
            CmdError(format!(
                "{} has no preset {name:?}; presets: {}",
                self.name,
                names.join(", ")
            ))
        })
    }

    /// Its description in `lang`.
    pub fn about_in(&self, lang: crate::i18n::Lang) -> &'static str {
        lang.pick(self.about_zh, self.about)
    }
}

/// Every simulation tuitor knows, by canonical name.
pub const REGISTRY: &[&SimInfo] = &[
    &redis_dict::INFO,
    &redis_zset::INFO,
    &nginx_upstream::INFO,
    &django::INFO,
    &django::ORM_INFO,
];

/// Find a simulation by name or alias (case-insensitive), or say which there are.
pub fn lookup(name: &str) -> Result<&'static SimInfo, CmdError> {
    find(name).ok_or_else(|| {
        CmdError(format!(
            "unknown simulation {:?}; known: {}",
            crate::content::sanitize::cleaned(name),
            known_names().join(", ")
        ))
    })
}

/// Find a simulation by name or alias (case-insensitive).
pub fn find(name: &str) -> Option<&'static SimInfo> {
    let name = name.trim();
    REGISTRY.iter().copied().find(|s| {
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

/// The pairing rules of every registered simulation, in registry order (the
/// first rule that matches a heading wins).
pub fn pairing_rules() -> &'static [crate::content::pairing::Rule] {
    static RULES: std::sync::OnceLock<Vec<crate::content::pairing::Rule>> =
        std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        REGISTRY
            .iter()
            .map(|s| crate::content::pairing::Rule {
                sim: s.name.to_string(),
                preset: s.presets.first().map(|p| p.name.to_string()),
                keywords: s.pairing.iter().map(|k| k.to_string()).collect(),
            })
            .collect()
    })
}

/// Offer simulations to the topics of notes `notes` of `lib` by their
/// headings ([`SimInfo::pairing`]), and warn about `sim` blocks that name no
/// simulation: what every loaded note goes through before it is shown.
pub fn attach(lib: &mut crate::content::Library, notes: std::ops::Range<usize>) {
    crate::content::pairing::apply_notes(lib, notes.clone(), pairing_rules());
    check_notes(lib, notes);
}

/// `lib` with every note paired ([`attach`] without the check).
pub fn paired(mut lib: crate::content::Library) -> crate::content::Library {
    crate::content::pairing::apply(&mut lib, pairing_rules());
    lib
}

/// Warn about simulation blocks in notes `notes` of `lib` that name no
/// simulation of the registry (the loader itself knows none).
pub fn check_notes(lib: &mut crate::content::Library, notes: std::ops::Range<usize>) {
    lib.check_sims(notes, |name| {
        find(name).is_none().then(|| {
            format!(
                "unknown simulation `{}`; known: {}",
                crate::content::sanitize::cleaned(name),
                known_names().join(", ")
            )
        })
    });
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
                || info.about_in(lang).to_string(),
                |p| lang.pick(p.zh, p.en).to_string(),
            ),
        None => match lang {
            crate::i18n::Lang::Zh => format!("模拟 {} 暂不可用", s.name),
            crate::i18n::Lang::En => format!("simulation {} is not available", s.name),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_outside_quotes() {
        assert_eq!(
            split_commands("set a 1; get a\nget \"x;y\""),
            vec!["set a 1", "get a", "get \"x;y\""]
        );
        assert_eq!(split_commands(" ; ;"), Vec::<String>::new());
        assert_eq!(
            split_commands(r#"ZADD z 1 "a\"b;c""#),
            vec![r#"ZADD z 1 "a\"b;c""#]
        );
    }
}
