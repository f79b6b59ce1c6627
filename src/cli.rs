//! The command line: global options, subcommands, and the headless commands.
//!
//! With no subcommand tuitor opens the TUI (`quiz` opens it in quiz mode).
//! `list`, `show`, `search`, `check`, `sim` and `stats` run headless for scripts and tests. Exit status: 0 success, 1 a
//! failure the command reports (a note with errors, a bad simulation command,
//! nothing found), 2 a usage error.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use serde_json::json;

use crate::content::{self, Library, TopicId};
use crate::i18n::Lang;
use crate::render;
use crate::search::{self, Index};
use crate::sim;

/// tuitor: a terminal study guide for your Markdown notes.
#[derive(Debug, Parser)]
#[command(name = "tuitor", version, about, long_about = None)]
pub struct Cli {
    /// Notes to load instead of the built-in ones: files (any extension) or
    /// folders (read recursively for *.md and *.markdown). Repeatable.
    #[arg(long, global = true, value_name = "PATH")]
    pub notes: Vec<PathBuf>,
    /// Interface language (default: from LANG).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    /// Where progress is kept (default: $XDG_DATA_HOME/tuitor).
    #[arg(long, global = true, env = "TUITOR_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Colour theme: dark or light (default: the config file's, else dark).
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
    /// What to do (default: open the study guide).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the topic tree.
    List {
        /// One JSON array of topics.
        #[arg(long)]
        json: bool,
    },
    /// Print one topic as plain text.
    Show {
        /// A topic id (from `list`) or a search query whose best match is shown.
        topic: String,
        /// Wrap at this many columns.
        #[arg(long, default_value_t = 80)]
        width: usize,
    },
    /// Search all notes (titles, text, pinyin).
    Search {
        /// What to look for.
        query: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// At most this many hits.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Check notes and report problems as `file:line: severity: message`.
    Check {
        /// Files or folders to check.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Open the study guide directly in quiz mode.
    Quiz {
        /// Only cards of this topic (a substring of a note title, a heading
        /// or a note path; e.g. redis, 字典).
        #[arg(long)]
        topic: Option<String>,
        /// At most this many cards.
        #[arg(long)]
        limit: Option<usize>,
        /// Review every matching card, due or not.
        #[arg(long)]
        cram: bool,
        /// Shuffle the cards.
        #[arg(long)]
        shuffle: bool,
        /// At most this many new cards.
        #[arg(long = "new", default_value_t = crate::quiz::schedule::DEFAULT_NEW_LIMIT)]
        new_limit: usize,
        /// Seed for shuffling and for the parameters of generated questions
        /// (default: different every session).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Print quiz progress: per topic new / learning / due / mastered, reviews
    /// per day, retention and streak.
    Stats {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run a simulation: print its narrated trace (or JSON), or step through it
    /// on screen with --tui.
    Sim {
        /// The simulation (see `tuitor sim --list`).
        #[arg(required_unless_present = "list")]
        name: Option<String>,
        /// Engine configuration (YAML).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Commands, separated by `;` or newlines.
        #[arg(long, value_name = "CMDS")]
        cmd: Vec<String>,
        /// A file of commands, one per line (`#` starts a comment).
        #[arg(long, value_name = "FILE")]
        script: Option<PathBuf>,
        /// Seed for everything random.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// One JSON object per command.
        #[arg(long)]
        json: bool,
        /// Run a named preset first.
        #[arg(long)]
        preset: Option<String>,
        /// List the simulations and their presets.
        #[arg(long)]
        list: bool,
        /// Open the simulation screen (step through it) instead of printing.
        #[arg(long)]
        tui: bool,
        /// Print the picture (what the simulation screen draws) as plain text
        /// instead of the trace.
        #[arg(long, conflicts_with_all = ["json", "tui"])]
        picture: bool,
        /// With --picture: the step to draw (0 = before the first event), or
        /// `all` for every step; default: the last.
        #[arg(long, value_name = "K|all", requires = "picture")]
        step: Option<StepArg>,
        /// With --picture: the width to lay the picture out for, in columns.
        #[arg(long, value_name = "W", default_value_t = 100, requires = "picture",
              value_parser = clap::value_parser!(u16).range(20..=1000))]
        width: u16,
        /// With --picture: the height to lay the picture out for, in rows.
        #[arg(long, value_name = "H", default_value_t = 40, requires = "picture",
              value_parser = clap::value_parser!(u16).range(5..=1000))]
        height: u16,
    },
}

/// Print progress for `lib` from `store` (`tuitor stats`).
pub fn stats_cmd(
    lib: &Library,
    store: &crate::store::Store,
    json: bool,
    lang: Lang,
    out: &mut impl Write,
) -> Result<()> {
    if let Some(w) = &store.warning {
        eprintln!("tuitor: {w}");
    }
    let deck = crate::quiz::build_deck(lib, crate::quiz::DeckOptions::default());
    let memory = store.memories().map_err(anyhow::Error::msg)?;
    let reviews = store.reviews().map_err(anyhow::Error::msg)?;
    let stats = crate::quiz::stats::compute(&deck, &memory, &reviews, chrono::Utc::now());
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&stats)?)?;
    } else {
        write!(out, "{}", stats.to_text(lang))?;
    }
    Ok(())
}

/// Load the library the options ask for, reporting problems on stderr when
/// `report` is set.
pub fn load_library(notes: &[PathBuf], report: bool) -> Library {
    let mut lib = if notes.is_empty() {
        content::load_embedded()
    } else {
        content::load_paths(notes)
    };
    let all = 0..lib.notes.len();
    sim::attach(&mut lib, all);
    if report {
        let mut err = std::io::stderr().lock();
        for d in &lib.diagnostics {
            let _ = writeln!(err, "{d}");
        }
    }
    lib
}

/// A name for the set of notes (for resume positions).
pub fn source_name(notes: &[PathBuf]) -> String {
    if notes.is_empty() {
        "embedded".to_string()
    } else {
        let mut v: Vec<String> = notes
            .iter()
            .map(|p| {
                std::fs::canonicalize(p)
                    .unwrap_or_else(|_| p.clone())
                    .display()
                    .to_string()
            })
            .collect();
        v.sort();
        v.join("\n")
    }
}

fn sim_names(lib: &Library, t: TopicId) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for s in &lib.topics[t].sims {
        if !names.contains(&s.name) {
            names.push(s.name.clone());
        }
    }
    names
}

/// `tuitor list`
pub fn list(lib: &Library, json_out: bool, out: &mut dyn Write) -> Result<()> {
    let order = lib.preorder();
    if json_out {
        let arr: Vec<_> = order
            .iter()
            .map(|&t| {
                let topic = &lib.topics[t];
                json!({
                    "id": lib.topic_id(t),
                    "title": topic.title,
                    "level": topic.depth,
                    "path": lib.ancestors(t),
                    "file": lib.notes[topic.note].path,
                    "line": topic.lines.start,
                    "sims": sim_names(lib, t),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&arr)?;
        writeln!(out, "{}", content::sanitize::json_for_terminal(&text))?;
    } else {
        for &t in &order {
            let topic = &lib.topics[t];
            let sims = sim_names(lib, t);
            let sims = if sims.is_empty() {
                String::new()
            } else {
                format!("  [sim: {}]", sims.join(", "))
            };
            writeln!(
                out,
                "{}{}  ({}){}",
                "  ".repeat(topic.depth),
                topic.title,
                lib.topic_id(t),
                sims
            )?;
        }
    }
    Ok(())
}

/// Resolve a topic argument: an id, else the best fuzzy match (titles first).
pub fn resolve_topic(lib: &Library, index: &Index, arg: &str) -> Option<TopicId> {
    if let Some(t) = lib.find_id(arg) {
        return Some(t);
    }
    let hits = index.search(arg, 50);
    hits.iter()
        .find(|h| index.entries[h.entry].kind == search::Kind::Title)
        .or_else(|| hits.first())
        .map(|h| index.entries[h.entry].topic)
}

/// `tuitor show`
pub fn show(lib: &Library, topic: &str, width: usize, out: &mut dyn Write) -> Result<()> {
    // A topic id or an exact title needs no search index (the first topic
    // with that title is also what the search would rank first).
    let exact = lib.find_id(topic).or_else(|| {
        let want = topic.trim();
        lib.topics.iter().position(|t| t.title == want)
    });
    let found = exact.or_else(|| resolve_topic(lib, &Index::build(lib), topic));
    let Some(t) = found else {
        bail!(
            "no topic matches {:?}; `tuitor list` shows the topics",
            content::sanitize::cleaned(topic)
        );
    };
    // Laid out piece by piece and written as it goes: a huge note never has
    // all its lines in memory.
    let mut doc = render::Doc::new(lib, t, width.clamp(8, 1000));
    let mut result = Ok(());
    doc.for_each_line(lib, &|s| sim::describe(s, Lang::En), |_, l| {
        result = writeln!(out, "{}", l.text().trim_end());
        result.is_ok()
    });
    Ok(result?)
}

/// `tuitor search`; returns how many hits were printed.
pub fn search_cmd(
    lib: &Library,
    query: &str,
    json_out: bool,
    limit: usize,
    out: &mut dyn Write,
) -> Result<usize> {
    let index = Index::build(lib);
    let hits = index.search(query, limit);
    if json_out {
        let arr: Vec<_> = hits
            .iter()
            .map(|h| {
                let e = &index.entries[h.entry];
                json!({
                    "id": lib.topic_id(e.topic),
                    "title": lib.topics[e.topic].title,
                    "line": e.line,
                    "score": h.score,
                    "snippet": e.text,
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&arr)?;
        writeln!(out, "{}", content::sanitize::json_for_terminal(&text))?;
    } else {
        for h in &hits {
            let e = &index.entries[h.entry];
            writeln!(
                out,
                "{:>5}  {}  {}:{}  {}",
                h.score,
                lib.topic_id(e.topic),
                lib.topics[e.topic].title,
                e.line,
                render::truncate(&e.text, 60)
            )?;
        }
    }
    Ok(hits.len())
}

/// `tuitor check`; returns whether any error was found.
pub fn check(paths: &[PathBuf], out: &mut dyn Write) -> Result<bool> {
    let mut lib = content::load_paths(paths);
    let all = 0..lib.notes.len();
    sim::attach(&mut lib, all);
    for d in &lib.diagnostics {
        writeln!(out, "{d}")?;
    }
    let errors = lib
        .diagnostics
        .iter()
        .filter(|d| d.severity == content::Severity::Error)
        .count();
    let warnings = lib.diagnostics.len() - errors;
    eprintln!(
        "checked {} notes ({} topics): {errors} errors, {warnings} warnings",
        lib.notes.len(),
        lib.topics.len()
    );
    Ok(errors > 0)
}

/// Options of `tuitor sim`.
pub struct SimArgs<'a> {
    /// Simulation name or alias.
    pub name: &'a str,
    /// Config text.
    pub config: Option<String>,
    /// Commands to run, in order.
    pub commands: Vec<String>,
    /// Seed.
    pub seed: u64,
    /// JSON lines output.
    pub json: bool,
    /// Output language for narration.
    pub lang: Lang,
}

/// `tuitor sim`; returns whether every command succeeded.
pub fn sim_cmd(args: SimArgs<'_>, out: &mut dyn Write) -> Result<bool> {
    let Some(info) = sim::find(args.name) else {
        bail!(
            "unknown simulation {:?}; known: {}",
            content::sanitize::cleaned(args.name),
            sim::known_names().join(", ")
        );
    };
    let mut session = (info.factory)(args.config.as_deref(), args.seed)
        .map_err(|e| anyhow::anyhow!("{}: bad configuration: {e}", info.name))?;
    let mut all_ok = true;
    for cmd in &args.commands {
        match session.run(cmd) {
            Ok(o) => {
                if args.json {
                    let line = json!({"cmd": cmd, "ok": true, "reply": o.reply, "state": o.state});
                    let line = line.to_string();
                    writeln!(out, "{}", content::sanitize::json_for_terminal(&line))?;
                } else {
                    writeln!(out, "> {}", content::sanitize::cleaned(cmd))?;
                    for s in &o.steps {
                        let text = args.lang.pick(&s.zh, &s.en);
                        writeln!(
                            out,
                            "  {} {}",
                            if s.notable { "★" } else { "·" },
                            content::sanitize::cleaned(text)
                        )?;
                    }
                    writeln!(
                        out,
                        "  = {}",
                        content::sanitize::cleaned(&o.reply.to_string())
                    )?;
                }
            }
            Err(e) => {
                all_ok = false;
                if args.json {
                    let line = json!({"cmd": cmd, "ok": false, "error": e.0}).to_string();
                    writeln!(out, "{}", content::sanitize::json_for_terminal(&line))?;
                } else {
                    writeln!(out, "> {}", content::sanitize::cleaned(cmd))?;
                    writeln!(out, "  ! {}", content::sanitize::cleaned(&e.0))?;
                }
            }
        }
    }
    if !args.json {
        writeln!(
            out,
            "state: {}",
            content::sanitize::cleaned(&session.state().to_string())
        )?;
    }
    Ok(all_ok)
}

/// Which step `tuitor sim --picture` draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepArg {
    /// Step K (0 = before the first event).
    At(usize),
    /// Every step, each after a rule line.
    All,
}

impl std::str::FromStr for StepArg {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<StepArg, String> {
        if s.eq_ignore_ascii_case("all") {
            return Ok(StepArg::All);
        }
        s.parse::<usize>()
            .map(StepArg::At)
            .map_err(|_| format!("a step is a whole number or `all`, not {s:?}"))
    }
}

/// How `tuitor sim --picture` lays the picture out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PictureArgs {
    /// The step to draw (`None`: the last).
    pub step: Option<StepArg>,
    /// Columns.
    pub width: u16,
    /// Rows.
    pub height: u16,
}

/// `tuitor sim --picture`: run the commands on a [`sim::Player`] and print the
/// picture at one step or at every step, as the simulation screen draws it
/// (without colours). Refused commands are reported on stderr and change
/// nothing; returns whether every command succeeded.
pub fn sim_picture(args: SimArgs<'_>, pic: PictureArgs, out: &mut dyn Write) -> Result<bool> {
    let info = sim::lookup(args.name).map_err(|e| anyhow::anyhow!("{e}"))?;
    let scenario = sim::player::Scenario {
        config: args.config,
        commands: Vec::new(),
    };
    let mut player = sim::Player::scenario(info.name, args.seed, scenario)
        .map_err(|e| anyhow::anyhow!("{}: bad configuration: {e}", info.name))?;
    let mut all_ok = true;
    for cmd in &args.commands {
        if let Err(e) = player.run_command(cmd) {
            all_ok = false;
            eprintln!(
                "tuitor: {}: {}",
                content::sanitize::cleaned(cmd),
                content::sanitize::cleaned(&e.0)
            );
        }
    }
    let n = player.steps.len();
    let (w, h) = (pic.width as usize, pic.height as usize);
    let draw = |player: &mut sim::Player, k: usize, out: &mut dyn Write| -> Result<()> {
        player.seek(k);
        let head = match player.current() {
            Some(s) => format!(
                "{} · step {k}/{n} · {} · {}",
                info.name,
                player
                    .commands
                    .get(player.step_cmd[k - 1])
                    .map_or("", |c| c.as_str()),
                args.lang.pick(&s.zh, &s.en)
            ),
            None => format!("{} · step 0/{n}", info.name),
        };
        writeln!(
            out,
            "{}",
            crate::render::truncate(&content::sanitize::cleaned(&head), w)
        )?;
        let lines = player.picture().lines(args.lang, w, h);
        write!(out, "{}", sim::picture::plain(&lines, w))?;
        Ok(())
    };
    match pic.step.unwrap_or(StepArg::At(n)) {
        StepArg::At(k) if k > n => {
            bail!("step {k} is past the end: the run has {n} steps (0 to {n})")
        }
        StepArg::At(k) => draw(&mut player, k, out)?,
        StepArg::All => {
            for k in 0..=n {
                if k > 0 {
                    writeln!(out, "{}", "─".repeat(w))?;
                }
                draw(&mut player, k, out)?;
            }
        }
    }
    Ok(all_ok)
}

/// `tuitor sim --list`
pub fn sim_list(out: &mut dyn Write) -> Result<()> {
    for s in sim::REGISTRY {
        let aliases = if s.aliases.is_empty() {
            String::new()
        } else {
            format!(" (alias: {})", s.aliases.join(", "))
        };
        writeln!(out, "{}{} — {}", s.name, aliases, s.about)?;
        for p in s.presets {
            writeln!(out, "    preset {} — {}", p.name, p.en)?;
        }
        if !s.pairing.is_empty() {
            writeln!(
                out,
                "    pairs with headings containing: {}",
                s.pairing.join(", ")
            )?;
        }
        for t in s.quiz {
            writeln!(out, "    quiz {} — {}", t.id, t.title)?;
        }
    }
    Ok(())
}

/// The largest script `tuitor sim --script` reads.
pub const MAX_SCRIPT_BYTES: usize = 4 * 1024 * 1024;

/// Read a sim script: one command per line, `#` comments.
pub fn read_script(path: &std::path::Path) -> Result<Vec<String>> {
    let text = content::load::read_text_limited(path, MAX_SCRIPT_BYTES).with_context(|| {
        format!(
            "cannot read script {}",
            content::sanitize::cleaned(&path.display().to_string())
        )
    })?;
    Ok(text
        .lines()
        .map(|l| l.split_once('#').map_or(l, |(a, _)| a).trim().to_string())
        .filter(|l| !l.is_empty())
        .collect())
}
