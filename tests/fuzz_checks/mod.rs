//! The properties every fuzz target checks, shared by the fuzz targets in
//! `fuzz/` and by `tests/fuzz_regressions.rs`, which replays the inputs that
//! once broke them.
//!
//! Each function takes raw fuzzer bytes and panics when a property fails.

#![allow(dead_code)]

use std::collections::BTreeMap;

use tuitor::content::load::parse_note;
use tuitor::content::sanitize::is_unsafe;
use tuitor::content::{Block, Inline, Library};
use tuitor::i18n::Lang;
use tuitor::render::render_topic;
use tuitor::search::Index;
use tuitor::sim::{self, Session};

/// Most commands one simulation input runs.
pub const MAX_COMMANDS: usize = 64;
/// Most topics one render input lays out.
pub const MAX_TOPICS: usize = 64;

fn assert_safe(what: &str, s: &str) {
    assert!(
        !s.chars().any(is_unsafe),
        "{what} carries a control character: {s:?}"
    );
}

fn assert_safe_code(what: &str, s: &str) {
    assert!(
        !s.chars().any(|c| is_unsafe(c) && c != '\n'),
        "{what} carries a control character: {s:?}"
    );
}

fn check_inlines(inl: &[Inline]) {
    for i in inl {
        assert_safe("inline text", &i.text);
    }
}

fn check_block(b: &Block) {
    // An explicit stack: blocks may nest as deep as the Markdown allows.
    let mut stack = vec![b];
    while let Some(b) = stack.pop() {
        match b {
            Block::Paragraph(inl) | Block::Heading(_, inl) => check_inlines(inl),
            Block::List { items, .. } => items.iter().flatten().for_each(|x| stack.push(x)),
            Block::Quote(v) => v.iter().for_each(|x| stack.push(x)),
            Block::Code { lang, text } => {
                assert_safe("code language", lang);
                assert_safe_code("code", text);
            }
            Block::Table { header, rows, .. } => {
                header.iter().for_each(|c| check_inlines(c));
                rows.iter().flatten().for_each(|c| check_inlines(c));
            }
            Block::Rule => {}
            Block::Html(h) => assert_safe_code("html", h),
            Block::Sim(s) => {
                assert_safe("sim name", &s.name);
                if let Some(p) = &s.preset {
                    assert_safe("sim preset", p);
                }
            }
        }
    }
}

/// Split fuzzer bytes into a file name (the first line, when the input starts
/// with `/`) and the note's bytes.
fn name_and_body(data: &[u8]) -> (String, &[u8]) {
    if data.first() == Some(&b'/') {
        let end = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
        let name = String::from_utf8_lossy(&data[1..end.min(200)]).into_owned();
        (name, data.get(end + 1..).unwrap_or(&[]))
    } else {
        ("fuzz.md".to_string(), data)
    }
}

/// Parse `data` as a note into a one-note library, checking the loader's
/// promises: no panic, every string in the model is safe to draw, the topic
/// tree is consistent, and diagnostics are safe to print.
pub fn load_checked(data: &[u8]) -> Library {
    let (name, body) = name_and_body(data);
    let (note, diags) = parse_note(&name, body);
    for d in &diags {
        assert_safe("diagnostic", &d.to_string());
    }
    let mut lib = Library::default();
    let Some(note) = note else {
        assert!(!diags.is_empty(), "a refused note must say why");
        return lib;
    };
    assert!(
        !note.topics.is_empty(),
        "a note has at least its root topic"
    );
    assert_safe("path", &note.path);
    if let Some(t) = &note.meta.title {
        assert_safe("front matter title", t);
    }
    if let Some(t) = &note.meta.date {
        assert_safe("front matter date", t);
    }
    for t in note.meta.tags.iter().chain(&note.meta.categories) {
        assert_safe("tag or category", t);
    }
    for (i, t) in note.topics.iter().enumerate() {
        assert_safe("topic title", &t.title);
        assert!(t.lines.start <= t.lines.end, "topic lines {:?}", t.lines);
        if i == 0 {
            assert!(t.parent.is_none());
        } else {
            let p = t.parent.expect("a sub-topic has a parent");
            assert!(p < i, "parents come before children");
            assert!(note.topics[p].children.contains(&i));
            assert_eq!(t.depth, note.topics[p].depth + 1);
        }
        for b in &t.blocks {
            check_block(&b.block);
        }
    }
    lib.push(note, diags);
    lib
}

/// The loader target: any bytes load or are refused with a diagnostic, and the
/// search index over the result answers any query with positions inside the
/// matched text.
pub fn loader(data: &[u8]) {
    let lib = load_checked(data);
    let index = Index::build(&lib);
    let query = String::from_utf8_lossy(&data[..data.len().min(80)]);
    for hit in index.search(&query, 20) {
        let e = &index.entries[hit.entry];
        let n = e.text.chars().count();
        assert!(
            hit.positions.iter().all(|&p| p < n),
            "hit positions {:?} outside {:?}",
            hit.positions,
            e.text
        );
    }
}

/// The renderer target: the first two bytes pick a width (0–511 columns), the
/// rest is a note. Every topic renders with no line wider than the width (at
/// least 8, the renderer's floor) and no control character.
pub fn render(data: &[u8]) {
    if data.len() < 2 {
        return;
    }
    let width = usize::from(u16::from_le_bytes([data[0], data[1]]) % 512);
    let lib = load_checked(&data[2..]);
    render_checked(&lib, width);
}

/// Engine invariants of a concrete session, checked after every command.
pub trait Checked: Session {
    /// Panics when an invariant is broken.
    fn check(&self);
}

impl Checked for sim::redis_dict::DictSession {
    fn check(&self) {
        if let Err(e) = self.server.db.check_invariants() {
            panic!("redis-dict invariant: {e}");
        }
    }
}

impl Checked for sim::redis_zset::ZsetSession {
    fn check(&self) {
        if let Err(e) = self.check_invariants() {
            panic!("redis-zset invariant: {e}");
        }
    }
}

impl Checked for sim::nginx_upstream::UpstreamSession {
    fn check(&self) {
        self.upstream().check_invariants();
    }
}

impl Checked for sim::django::LifecycleSession {
    fn check(&self) {
        self.handler.check_invariants();
    }
}

impl Checked for sim::django::OrmSession {
    fn check(&self) {}
}

/// Build the named simulation's session as its concrete type.
pub fn session(name: &str) -> Box<dyn Checked> {
    match name {
        "redis-dict" => Box::new(sim::redis_dict::DictSession::new(
            sim::redis_dict::DictConfig::default(),
            7,
        )),
        "redis-zset" => Box::new(sim::redis_zset::ZsetSession::new(7)),
        "nginx-upstream" => Box::new(
            sim::nginx_upstream::UpstreamSession::new(&Default::default(), 7)
                .expect("the default upstream config is valid"),
        ),
        "django" => Box::new(
            sim::django::LifecycleSession::new(None).expect("the default project is valid"),
        ),
        "django-orm" => {
            Box::new(sim::django::OrmSession::new(4, 10).expect("the default dataset is valid"))
        }
        other => panic!("no simulation {other}"),
    }
}

/// The simulation target: the input's lines are commands for simulation
/// `name`. After each command the engine's invariants hold; a refused command
/// changes nothing (`state()` is the same before and after); an accepted one
/// reports the state the session then has.
pub fn sim_session(name: &str, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut s = session(name);
    for line in text.split('\n').take(MAX_COMMANDS) {
        let before = s.state();
        match s.run(line) {
            Ok(o) => assert_eq!(
                o.state,
                s.state(),
                "{name}: `{line}` reported a stale state"
            ),
            Err(e) => {
                assert!(!e.0.is_empty(), "{name}: an error must say what is wrong");
                assert_eq!(
                    before,
                    s.state(),
                    "{name}: refused `{line}` changed the state"
                );
            }
        }
        s.check();
    }
}

type RawKeys = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// The YAML target: the config, keymap, theme and front matter parsers and every
/// simulation's config accept or refuse any text without panicking.
pub fn yaml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = tuitor::config::parse(&text);
    let _ = tuitor::tui::theme::Theme::parse(&text, false);
    let _ = tuitor::tui::theme::Theme::parse(&text, true);
    if let Ok(raw) = tuitor::yaml::parse::<RawKeys>(&text) {
        let mut km = tuitor::tui::keymap::Keymap::default_map();
        for p in km.apply(&raw) {
            assert!(!p.is_empty());
        }
    }
    if let Ok(fm) = tuitor::content::frontmatter::parse_front_matter(&text) {
        if let Some(t) = &fm.title {
            assert_safe("front matter title", t);
        }
        for t in fm.tags.iter().chain(&fm.categories) {
            assert_safe("tag", t);
        }
    }
    for info in sim::REGISTRY {
        if let Ok(mut s) = (info.factory)(Some(&text), 1) {
            let _ = s.state();
            let _ = s.run("help");
        }
    }
}

/// Render every topic of `lib` (at most [`MAX_TOPICS`]) at `width`, checking
/// that no line is wider than the width (at least 8) and none carries a control
/// character. Returns the number of lines.
pub fn render_checked(lib: &Library, width: usize) -> usize {
    let limit = width.max(8);
    let mut total = 0;
    for t in 0..lib.topics.len().min(MAX_TOPICS) {
        let r = render_topic(lib, t, width, &|s| sim::describe(s, Lang::En));
        for (n, line) in r.lines.iter().enumerate() {
            let text = line.text();
            assert_safe("rendered line", &text);
            assert!(
                line.width() <= limit,
                "line {n} of topic {t} is {} columns wide at width {width}: {:?}",
                line.width(),
                text.chars().take(120).collect::<String>()
            );
        }
        for &(_, _, start) in &r.block_lines {
            assert!(start <= r.lines.len());
        }
        for (a, b, _) in &r.sims {
            assert!(a <= b && *b < r.lines.len());
        }
        // Laid out on demand, window by window, the topic reads the same.
        let about = |s: &tuitor::content::SimRef| sim::describe(s, Lang::En);
        let mut doc = tuitor::render::Doc::new(lib, t, width);
        let rows = 1 + width % 17;
        let mut start = (width * 7) % (r.lines.len() + 1);
        for _ in 0..3 {
            doc.prepare(lib, &about, start, rows);
            for i in start..start + rows {
                assert_eq!(
                    doc.line(i),
                    r.lines.get(i),
                    "line {i} of topic {t} at width {width}"
                );
            }
            start = start / 2 + rows;
        }
        doc.measure_all(lib, &about);
        assert_eq!(doc.total(), r.lines.len());
        assert_eq!(doc.cards(), &r.sims[..]);
        total += r.lines.len();
    }
    total
}
