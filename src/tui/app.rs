//! The browse screen's state and its `update` function.
//!
//! `App` is all the state; [`App::update`] is the only thing that changes it, in
//! response to a [`Msg`]; `view` only reads it. Layout is a pure function of the
//! terminal size ([`layout`]), so update and view agree on pane sizes without the
//! view writing anything back.

use std::sync::Arc;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use crate::content::{Library, SimRef, TopicId};
use crate::i18n::{tr, trf, Lang};
use crate::render::Doc;
use crate::search::{Index, Kind};
use crate::store::{Store, TopicKey};

use super::edit::Edited;
use super::keymap::{Action, Ctx, Key, Keymap};
use super::quiz::{clock_seed, Effect as QuizEffect, QuizScreen};
use super::sim::{Effect as SimEffect, SimScreen};
use super::stats::{Effect as StatsEffect, StatsScreen};
use super::theme::Theme;
use crate::quiz::{schedule, Scenario};
use crate::sim::player::{Player, Previews};
use chrono::Utc;

pub use super::finder::{Finder, Search, Work, FINDER_LIMIT};
pub use super::layout::{layout, Focus, Layout, MIN_H, MIN_W};
pub use super::list::ListState;
pub use super::tree::Tree;

/// The longest finder query or in-topic search, in characters.
pub const MAX_QUERY_CHARS: usize = 1024;

/// Something that happened.
#[derive(Clone, Debug)]
pub enum Msg {
    /// A terminal event (key, mouse, resize).
    Term(Event),
    /// A signal asked us to stop (SIGTERM, SIGHUP, SIGINT).
    Stop,
    /// The search index finished building in the background.
    Indexed(Arc<Index>),
    /// Time for the next step of a playing simulation.
    Tick,
    /// Notes loaded in the background, with the running count.
    Loaded(crate::content::background::LoadEvent<crate::search::IndexPart>),
    /// Finder results for the query of generation `.0` (stale ones are
    /// dropped), with the entry of each hit.
    Found(u64, Vec<crate::search::Hit>, Vec<crate::search::Entry>),
    /// Live previews of the simulation cards, computed in the background.
    Previews(Arc<Previews>),
    /// The run loop started its background work: finder queries go to
    /// `worker` (if any), and notes are `loading` (they arrive as
    /// [`Msg::Loaded`]).
    Background {
        /// The search thread's inbox.
        worker: Option<std::sync::mpsc::Sender<Work>>,
        /// Whether notes will arrive.
        loading: bool,
    },
}

/// What is on top of the browse screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Just browsing.
    Normal,
    /// The fuzzy finder.
    Finder(Finder),
    /// Typing a search within the topic.
    TopicSearch(String),
    /// The key help.
    Help(ListState),
    /// The outline of the current note.
    Outline(ListState),
    /// The bookmark list.
    Bookmarks(ListState),
    /// Loading problems.
    Diagnostics(ListState),
}

/// The full screens. Browse is the home screen; the others are opened from it
/// and return to it (their state lives in their variant).
#[derive(Debug, Default)]
pub enum Screen {
    /// Topic tree and note.
    #[default]
    Browse,
    /// A simulation opened from a card.
    Sim(Box<SimScreen>),
    /// A quiz session.
    Quiz(Box<super::quiz::QuizScreen>),
    /// Progress figures.
    Stats(Box<super::stats::StatsScreen>),
}

/// Matches of the in-topic search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopicMatches {
    /// The query.
    pub query: String,
    /// (rendered line, char start, char end)
    pub hits: Vec<(usize, usize, usize)>,
    /// The current hit.
    pub current: usize,
}

/// The text of a simulation card: its description in `lang`, then its live
/// preview once computed.
fn card_about(lang: Lang, previews: &Previews) -> impl Fn(&SimRef) -> String + '_ {
    move |s: &SimRef| {
        let about = crate::sim::describe(s, lang);
        match previews.get(&(s.name.clone(), s.preset.clone())) {
            Some(p) => format!("{about}\n▸ {p}"),
            None => about,
        }
    }
}

/// The whole state of the browse screen.
pub struct App {
    /// The notes (shared with the indexing thread).
    pub lib: Arc<Library>,
    /// The search index and the finder's queries (see [`Search`]).
    pub search: Search,
    /// UI language.
    pub lang: Lang,
    /// Colours.
    pub theme: Theme,
    /// Key bindings.
    pub keymap: Keymap,
    /// Progress store.
    pub store: Store,
    /// Name of this set of notes (for resume).
    pub source: String,
    /// Terminal size.
    pub size: (u16, u16),
    /// Which pane has focus.
    pub focus: Focus,
    /// The topic tree: expanded topics, rows, selection.
    pub tree: Tree,
    /// The open topic.
    pub current: Option<TopicId>,
    /// First note line shown.
    pub scroll: usize,
    /// The open topic laid out at the current width.
    pub rendered: Doc,
    rendered_for: Option<(TopicId, usize)>,
    /// What is on top.
    pub mode: Mode,
    /// The full screen shown (browse, or a screen opened from it).
    pub screen: Screen,
    /// In-topic search matches.
    pub matches: Option<TopicMatches>,
    /// A line to highlight after a jump.
    pub flash: Option<usize>,
    /// The selected simulation card (index into `rendered.sims`).
    pub card: Option<usize>,
    /// `(done, total)` while notes are still loading in the background.
    pub loading: Option<(usize, usize)>,
    /// Whether the user has moved since the start (then resuming would jump).
    pub touched: bool,
    /// The screen to go back to when the simulation screen closes.
    pub sim_return: Option<Box<Screen>>,
    /// Live previews of simulation cards (empty until computed).
    pub previews: Arc<Previews>,
    /// Back history.
    pub back: Vec<(TopicId, usize)>,
    /// Forward history.
    pub forward: Vec<(TopicId, usize)>,
    /// A message for the status line.
    pub message: Option<String>,
    /// Set when the app should exit.
    pub quit: bool,
    /// A simulation scenario the quiz asked to open (see
    /// [`App::take_sim_request`]).
    pub sim_request: Option<crate::quiz::Scenario>,
}

impl App {
    /// Build the app, resuming where the user left off in `source`.
    pub fn new(
        lib: Arc<Library>,
        store: Store,
        source: String,
        lang: Lang,
        theme: Theme,
        keymap: Keymap,
    ) -> App {
        let mut app = App {
            tree: Tree::new(&lib),
            search: Search::default(),
            lib,
            lang,
            theme,
            keymap,
            message: store
                .warning
                .as_ref()
                .map(|w| trf(lang, "app.store_warning", &[("e", w)])),
            store,
            source,
            size: (80, 24),
            focus: Focus::Tree,
            current: None,
            scroll: 0,
            rendered: Doc::default(),
            rendered_for: None,
            mode: Mode::Normal,
            screen: Screen::Browse,
            matches: None,
            flash: None,
            card: None,
            previews: Arc::default(),
            sim_return: None,
            loading: None,
            touched: false,
            back: Vec::new(),
            forward: Vec::new(),
            quit: false,
            sim_request: None,
        };
        app.go_to_start();
        app.sync();
        app
    }

    /// Show where the user left off, else the first note (nothing is saved).
    fn go_to_start(&mut self) {
        let resume = self
            .store
            .resume(&self.source)
            .and_then(|r| r.topic.find(&self.lib).map(|t| (t, r.scroll)));
        let start = resume.or_else(|| self.lib.roots().next().map(|t| (t, 0)));
        if let Some((t, scroll)) = start {
            self.reveal(t);
            self.current = Some(t);
            self.scroll = scroll;
            self.select_in_tree(t);
        }
    }

    /// Take in notes that finished loading in the background.
    fn on_loaded(
        &mut self,
        ev: crate::content::background::LoadEvent<crate::search::IndexPart>,
    ) -> bool {
        use crate::content::background::LoadEvent;
        match ev {
            LoadEvent::Notes(notes, done, total) => {
                let lib = Arc::make_mut(&mut self.lib);
                let first_note = lib.notes.len();
                for (n, d, part) in notes {
                    // The note's search entries were built where it was parsed;
                    // they join the index being built, if it covers every
                    // topic before this note.
                    let base = lib.topics.len();
                    let after = base + n.topics.len();
                    self.search.note_loaded(part, base, after);
                    lib.push(n, d);
                }
                crate::sim::attach(lib, first_note..lib.notes.len());
                let roots: Vec<TopicId> = self.lib.notes[first_note..]
                    .iter()
                    .map(|x| x.root)
                    .collect();
                self.loading = Some((done, total));
                // The new notes come after every note shown: their rows follow.
                self.tree.add_notes(&self.lib, &roots);
                if self.current.is_none() {
                    self.go_to_start();
                } else if let Some(t) = self.current {
                    self.select_in_tree(t);
                }
                self.sync();
            }
            LoadEvent::Problems(p) => Arc::make_mut(&mut self.lib).diagnostics.extend(p),
            LoadEvent::Done => {
                self.loading = None;
                self.search.loading_done(self.lib.topics.len());
                // The note the user was reading may have arrived late.
                if !self.touched {
                    self.go_to_start();
                }
                self.rendered_for = None;
                self.sync();
            }
        }
        true
    }

    /// The current layout (None when too small).
    pub fn layout(&self) -> Option<Layout> {
        layout(self.size.0, self.size.1, self.focus)
    }

    /// Expand every ancestor of `t` in the tree.
    fn reveal(&mut self, t: TopicId) {
        self.tree.reveal(&self.lib, t);
    }

    fn select_in_tree(&mut self, t: TopicId) {
        self.tree.select(t);
    }

    /// Bring derived state up to date: visible rows, layout, rendering, offsets.
    pub fn sync(&mut self) {
        let Some(l) = self.layout() else {
            self.tree.fit(&self.lib, 1);
            return;
        };
        if let Some(t) = self.current {
            let width = l.content_cols().max(20);
            if self.rendered_for != Some((t, width)) {
                self.rendered = Doc::new(&self.lib, t, width);
                self.rendered_for = Some((t, width));
                if let Some(m) = self.matches.take() {
                    self.find_in_topic(&m.query);
                }
            }
        }
        // Lay out the lines on screen (only those), then keep the scroll
        // position inside the topic.
        let rows = l.content_rows().max(1);
        let about = card_about(self.lang, &self.previews);
        self.rendered.prepare(&self.lib, &about, self.scroll, rows);
        if self.rendered.complete() {
            let max = self.rendered.total().saturating_sub(rows);
            if self.scroll > max {
                self.scroll = max;
                self.rendered.prepare(&self.lib, &about, self.scroll, rows);
            }
        }
        self.tree.fit(&self.lib, l.tree_rows().max(1));
    }

    /// Open topic `t`, remembering where we were.
    pub fn open(&mut self, t: TopicId, scroll: usize, record: bool) {
        if record {
            if let Some(cur) = self.current {
                if cur != t {
                    self.back.push((cur, self.scroll));
                    if self.back.len() > 200 {
                        self.back.remove(0);
                    }
                    self.forward.clear();
                }
            }
        }
        self.current = Some(t);
        self.scroll = scroll;
        self.matches = None;
        self.flash = None;
        self.card = None;
        self.reveal(t);
        self.select_in_tree(t);
        self.sync();
        self.remember();
    }

    /// Save the resume position.
    pub fn remember(&mut self) {
        if let Some(t) = self.current {
            let key = TopicKey::of(&self.lib, t);
            self.store.set_resume(&self.source, key, self.scroll);
            if let Err(e) = self.store.save() {
                self.message = Some(trf(self.lang, "app.store_warning", &[("e", &e)]));
            }
        }
    }

    fn scroll_by(&mut self, delta: isize) {
        self.scroll = self.scroll.saturating_add_signed(delta);
        self.sync();
    }

    fn page(&self) -> isize {
        self.layout()
            .map_or(10, |l| l.content_rows().saturating_sub(2).max(1)) as isize
    }

    /// Run the in-topic search for `q`.
    pub fn find_in_topic(&mut self, q: &str) {
        let needle: Vec<char> = q.chars().flat_map(char::to_lowercase).collect();
        if needle.is_empty() {
            self.matches = None;
            return;
        }
        let mut hits = Vec::new();
        let about = card_about(self.lang, &self.previews);
        let mut hay: Vec<char> = Vec::new();
        self.rendered.for_each_line(&self.lib, &about, |i, line| {
            hay.clear();
            for s in &line.spans {
                hay.extend(s.text.chars().map(|c| c.to_lowercase().next().unwrap_or(c)));
            }
            let mut s = 0;
            while s + needle.len() <= hay.len() {
                if hay[s..s + needle.len()] == needle[..] {
                    hits.push((i, s, s + needle.len()));
                    s += needle.len();
                } else {
                    s += 1;
                }
            }
            true
        });
        self.matches = Some(TopicMatches {
            query: q.to_string(),
            hits,
            current: 0,
        });
    }

    fn goto_match(&mut self, delta: isize) {
        let Some(m) = self.matches.as_mut() else {
            return;
        };
        if m.hits.is_empty() {
            self.message = Some(trf(self.lang, "app.not_found", &[("q", &m.query)]));
            return;
        }
        let n = m.hits.len() as isize;
        m.current = ((m.current as isize + delta).rem_euclid(n)) as usize;
        let line = m.hits[m.current].0;
        self.message = Some(trf(
            self.lang,
            "app.match_count",
            &[("i", &(m.current + 1)), ("n", &m.hits.len())],
        ));
        self.scroll = line.saturating_sub(3);
        self.sync();
    }

    fn first_match_from_scroll(&mut self) {
        let scroll = self.scroll;
        if let Some(m) = self.matches.as_mut() {
            if let Some(i) = m.hits.iter().position(|h| h.0 >= scroll) {
                m.current = i;
            }
        }
        self.goto_match(0);
    }

    fn tree_move(&mut self, delta: isize) {
        if let Some(t) = self.tree.move_by(delta) {
            self.open(t, 0, true);
        }
    }

    fn tree_left(&mut self) {
        let Some(t) = self.tree.selected() else {
            return;
        };
        if !self.tree.set_expanded(&self.lib, t, false) {
            if let Some(p) = self.lib.topics[t].parent {
                self.open(p, 0, true);
            }
        }
        self.sync();
    }

    fn tree_right(&mut self) {
        let Some(t) = self.tree.selected() else {
            return;
        };
        if self.tree.set_expanded(&self.lib, t, true) {
            self.sync();
        } else if self.current != Some(t) {
            self.open(t, 0, true);
        } else {
            self.focus = Focus::Content;
            self.sync();
        }
    }

    fn step_topic(&mut self, delta: isize) {
        let order = self.lib.preorder();
        let Some(cur) = self.current else { return };
        let Some(i) = order.iter().position(|&t| t == cur) else {
            return;
        };
        let j = i as isize + delta;
        if j >= 0 && (j as usize) < order.len() {
            self.open(order[j as usize], 0, true);
        }
    }

    fn toggle_bookmark(&mut self) {
        let Some(t) = self.current else { return };
        let key = TopicKey::of(&self.lib, t);
        if let Some(i) = self.store.state.bookmarks.iter().position(|k| *k == key) {
            self.store.state.bookmarks.remove(i);
            self.message = Some(tr(self.lang, "app.unbookmarked").into());
        } else {
            self.store.state.bookmarks.push(key);
            self.message = Some(tr(self.lang, "app.bookmarked").into());
        }
        if let Err(e) = self.store.save() {
            self.message = Some(trf(self.lang, "app.store_warning", &[("e", &e)]));
        }
    }

    /// Whether topic `t` is bookmarked.
    pub fn is_bookmarked(&self, t: TopicId) -> bool {
        let key = TopicKey::of(&self.lib, t);
        self.store.state.bookmarks.contains(&key)
    }

    /// Topics of the current note, in order (the outline).
    pub fn outline(&self) -> Vec<TopicId> {
        let Some(t) = self.current else {
            return Vec::new();
        };
        self.lib.notes[self.lib.topics[t].note]
            .topics
            .clone()
            .collect()
    }

    /// Bookmarked topics that still exist.
    pub fn bookmark_topics(&self) -> Vec<(usize, Option<TopicId>)> {
        self.store
            .state
            .bookmarks
            .iter()
            .enumerate()
            .map(|(i, k)| (i, k.find(&self.lib)))
            .collect()
    }

    /// How many rows the help overlay lists.
    pub fn help_rows(&self) -> usize {
        self.keymap.bindings.len()
    }

    fn list_len(&self) -> usize {
        match &self.mode {
            Mode::Finder(f) => f.hits.len(),
            Mode::Help(_) => self.help_rows(),
            Mode::Outline(_) => self.outline().len(),
            Mode::Bookmarks(_) => self.store.state.bookmarks.len(),
            Mode::Diagnostics(_) => self.lib.diagnostics.len(),
            _ => 0,
        }
    }

    /// Rows available to an overlay list.
    pub fn overlay_rows(&self) -> usize {
        (self.size.1 as usize * 4 / 5).saturating_sub(4).max(1)
    }

    fn list_state(&mut self) -> Option<&mut ListState> {
        match &mut self.mode {
            Mode::Finder(f) => Some(&mut f.list),
            Mode::Help(l) | Mode::Outline(l) | Mode::Bookmarks(l) | Mode::Diagnostics(l) => Some(l),
            _ => None,
        }
    }

    fn list_move(&mut self, delta: isize) {
        let len = self.list_len();
        let rows = self.overlay_rows();
        let Some(l) = self.list_state() else { return };
        if len == 0 {
            l.sel = 0;
            return;
        }
        l.sel = (l.sel as isize + delta).clamp(0, len as isize - 1) as usize;
        if l.sel < l.offset {
            l.offset = l.sel;
        } else if l.sel >= l.offset + rows {
            l.offset = l.sel + 1 - rows;
        }
    }

    /// Jump to a finder hit: open its topic and show its line.
    pub fn jump_to_hit(&mut self, e: crate::search::Entry) {
        if e.topic >= self.lib.topics.len() {
            return;
        }
        let (topic, kind, block, text) = (e.topic, e.kind, e.block, e.text);
        self.open(topic, 0, true);
        if kind == Kind::Title {
            return;
        }
        let Some(b) = block else { return };
        let about = card_about(self.lang, &self.previews);
        let Some((start, end)) = self.rendered.block_span(&self.lib, &about, topic, b) else {
            return;
        };
        let probe: String = text.chars().take(8).collect();
        let probe = probe.trim();
        // The block's lines, to find the one with the hit.
        self.rendered.prepare(&self.lib, &about, start, end - start);
        let line = (start..end)
            .find(|&i| {
                self.rendered
                    .line(i)
                    .is_some_and(|l| l.text().contains(probe))
            })
            .unwrap_or(start);
        drop(about);
        self.scroll = line.saturating_sub(3);
        self.flash = Some(line);
        self.focus = Focus::Content;
        self.sync();
    }

    fn list_open(&mut self) {
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Finder(mut f) => {
                // Enter pressed before the worker answered the latest query:
                // answer it here rather than jump to a stale hit.
                self.search.catch_up(&mut f);
                if let Some(e) = f.entries.get(f.list.sel).cloned() {
                    self.jump_to_hit(e);
                }
            }
            Mode::Outline(l) => {
                if let Some(&t) = self.outline().get(l.sel) {
                    self.open(t, 0, true);
                }
            }
            Mode::Bookmarks(l) => {
                if let Some((_, Some(t))) = self.bookmark_topics().get(l.sel) {
                    self.open(*t, 0, true);
                }
            }
            Mode::Diagnostics(l) => {
                let target = self.lib.diagnostics.get(l.sel).and_then(|d| {
                    let note = self.lib.notes.iter().find(|n| n.path == d.file)?;
                    let line = d.line.unwrap_or(1);
                    note.topics
                        .clone()
                        .rev()
                        .find(|&t| self.lib.topics[t].lines.start <= line)
                });
                if let Some(t) = target {
                    self.open(t, 0, true);
                }
            }
            other => self.mode = other,
        }
    }

    /// Simulation cards at least partly on screen.
    fn visible_cards(&self) -> Vec<usize> {
        let top = self.scroll;
        let rows = self.layout().map_or(0, |l| l.content_rows());
        let cards = self.rendered.cards();
        (0..cards.len())
            .filter(|&i| {
                let (a, b, _) = &cards[i];
                *b >= top && *a < top + rows
            })
            .collect()
    }

    fn open_at_cursor(&mut self) {
        let visible = self.visible_cards();
        let pick = match self.card {
            Some(c) if visible.contains(&c) => Some(c),
            _ => visible.first().copied(),
        };
        if let Some(c) = pick {
            self.open_card(c);
        }
    }

    fn next_card(&mut self) {
        let about = card_about(self.lang, &self.previews);
        let next = match self.card {
            Some(c) => {
                // The card after `c`, else (all measured) back to the first.
                if self.rendered.cards_through(&self.lib, &about, c + 2).len() > c + 1 {
                    c + 1
                } else {
                    0
                }
            }
            None => match self.visible_cards().first() {
                Some(&c) => c,
                None => {
                    // The first card below the top of the screen, else the first.
                    let mut n = 1;
                    loop {
                        let cards = self.rendered.cards_through(&self.lib, &about, n);
                        if let Some(i) = cards.iter().position(|(a, _, _)| *a >= self.scroll) {
                            break i;
                        }
                        if cards.len() < n {
                            break 0;
                        }
                        n = cards.len() + 1;
                    }
                }
            },
        };
        drop(about);
        let Some((a, b, _)) = self.rendered.cards().get(next).cloned() else {
            return;
        };
        self.card = Some(next);
        let rows = self.layout().map_or(10, |l| l.content_rows());
        if a < self.scroll || b >= self.scroll + rows {
            self.scroll = a.saturating_sub(2);
        }
        self.focus = Focus::Content;
        self.sync();
    }

    /// Open simulation card `c` of the current topic.
    pub fn open_card(&mut self, c: usize) {
        let Some((_, _, s)) = self.rendered.cards().get(c).cloned() else {
            return;
        };
        self.card = Some(c);
        self.open_sim(&s.name, s.preset.as_deref());
    }

    /// Open a simulation screen.
    pub fn open_sim(&mut self, name: &str, preset: Option<&str>) {
        match Player::open(name, preset, 1) {
            Ok(p) => {
                self.screen = Screen::Sim(Box::new(SimScreen::new(p)));
                self.mode = Mode::Normal;
            }
            Err(e) => self.message = Some(trf(self.lang, "app.sim_error", &[("e", &e.0)])),
        }
    }

    /// How long until the next playback step, while a simulation plays.
    pub fn tick_interval(&self) -> Option<std::time::Duration> {
        match &self.screen {
            Screen::Sim(st) => st.tick(),
            _ => None,
        }
    }

    fn sim_key(&mut self, k: KeyEvent) {
        let Screen::Sim(st) = &mut self.screen else {
            return;
        };
        match st.key(&k, &self.keymap, self.size) {
            SimEffect::None => {}
            SimEffect::Close => {
                // Back where the simulation was opened from (the notes or a quiz).
                self.screen = self.sim_return.take().map_or(Screen::Browse, |b| *b);
                self.sync();
            }
            SimEffect::Quit => self.quit = true,
        }
    }

    fn sim_mouse(&mut self, m: MouseEvent) {
        if let Screen::Sim(st) = &mut self.screen {
            st.mouse(&m, self.size);
        }
    }

    fn action(&mut self, a: Action) {
        match a {
            Action::Quit => self.quit = true,
            Action::Quiz => self.quiz_current_topic(),
            Action::Stats => self.open_stats(),
            Action::Help => self.mode = Mode::Help(ListState::default()),
            Action::Finder => self.mode = Mode::Finder(Finder::default()),
            Action::Search => self.mode = Mode::TopicSearch(String::new()),
            Action::NextMatch => self.goto_match(1),
            Action::PrevMatch => self.goto_match(-1),
            Action::Focus => {
                self.focus = match self.focus {
                    Focus::Tree => Focus::Content,
                    Focus::Content => Focus::Tree,
                };
                if let Some(t) = self.current {
                    self.select_in_tree(t);
                }
                self.sync();
            }
            Action::Up => match self.focus {
                Focus::Tree => self.tree_move(-1),
                Focus::Content => self.scroll_by(-1),
            },
            Action::Down => match self.focus {
                Focus::Tree => self.tree_move(1),
                Focus::Content => self.scroll_by(1),
            },
            Action::Left => match self.focus {
                Focus::Tree => self.tree_left(),
                Focus::Content => {
                    self.focus = Focus::Tree;
                    self.sync();
                }
            },
            Action::Right => match self.focus {
                Focus::Tree => self.tree_right(),
                Focus::Content => {}
            },
            Action::Open => match self.focus {
                Focus::Tree => self.tree_right(),
                Focus::Content => self.open_at_cursor(),
            },
            Action::PageUp => match self.focus {
                Focus::Tree => {
                    self.tree_move(-(self.layout().map_or(10, |l| l.tree_rows()) as isize))
                }
                Focus::Content => self.scroll_by(-self.page()),
            },
            Action::PageDown => match self.focus {
                Focus::Tree => self.tree_move(self.layout().map_or(10, |l| l.tree_rows()) as isize),
                Focus::Content => self.scroll_by(self.page()),
            },
            Action::Top => match self.focus {
                Focus::Tree => self.tree_move(-(self.tree.rows.len() as isize)),
                Focus::Content => {
                    self.scroll = 0;
                    self.sync();
                }
            },
            Action::Bottom => match self.focus {
                Focus::Tree => self.tree_move(self.tree.rows.len() as isize),
                Focus::Content => {
                    self.scroll = usize::MAX;
                    self.sync();
                }
            },
            Action::NextTopic => self.step_topic(1),
            Action::PrevTopic => self.step_topic(-1),
            Action::Outline => {
                let cur = self.current;
                let sel = self
                    .outline()
                    .iter()
                    .position(|&t| Some(t) == cur)
                    .unwrap_or(0);
                self.mode = Mode::Outline(ListState { sel, offset: 0 });
                self.list_move(0);
            }
            Action::Back => match self.back.pop() {
                Some((t, s)) => {
                    if let Some(cur) = self.current {
                        self.forward.push((cur, self.scroll));
                    }
                    self.open(t, s, false);
                }
                None => self.message = Some(tr(self.lang, "app.no_more_history").into()),
            },
            Action::Forward => match self.forward.pop() {
                Some((t, s)) => {
                    if let Some(cur) = self.current {
                        self.back.push((cur, self.scroll));
                    }
                    self.open(t, s, false);
                }
                None => self.message = Some(tr(self.lang, "app.no_more_history").into()),
            },
            Action::Bookmark => self.toggle_bookmark(),
            Action::Bookmarks => self.mode = Mode::Bookmarks(ListState::default()),
            Action::Diagnostics => self.mode = Mode::Diagnostics(ListState::default()),
            Action::ExpandAll => {
                self.tree.toggle_all(&self.lib);
                if let Some(t) = self.current {
                    self.reveal(t);
                    self.select_in_tree(t);
                }
                self.sync();
            }
            Action::Cancel => {
                self.matches = None;
                self.flash = None;
                self.message = None;
                self.card = None;
            }
            Action::NextCard => self.next_card(),
            _ => {}
        }
    }

    fn list_action(&mut self, a: Action) {
        match a {
            Action::Up => self.list_move(-1),
            Action::Down => self.list_move(1),
            Action::PageUp => self.list_move(-(self.overlay_rows() as isize)),
            Action::PageDown => self.list_move(self.overlay_rows() as isize),
            Action::Open => self.list_open(),
            Action::Cancel | Action::Help => self.mode = Mode::Normal,
            Action::Quit => self.quit = true,
            Action::Delete => {
                if let Mode::Bookmarks(l) = &self.mode {
                    let sel = l.sel;
                    if sel < self.store.state.bookmarks.len() {
                        self.store.state.bookmarks.remove(sel);
                        let _ = self.store.save();
                        self.list_move(0);
                    }
                }
            }
            _ => {}
        }
    }

    fn finder_input(&mut self, k: &KeyEvent) -> bool {
        let Mode::Finder(f) = &mut self.mode else {
            return false;
        };
        match super::edit::key(&mut f.query, k, &self.keymap, MAX_QUERY_CHARS) {
            Edited::Text => {}
            Edited::Submit => {
                self.list_action(Action::Open);
                return true;
            }
            Edited::Cancel => {
                self.list_action(Action::Cancel);
                return true;
            }
            Edited::Pass => return false,
        }
        self.search.ask(f);
        true
    }

    fn search_input(&mut self, k: &KeyEvent) {
        let Mode::TopicSearch(q) = &mut self.mode else {
            return;
        };
        match super::edit::key(q, k, &self.keymap, MAX_QUERY_CHARS) {
            Edited::Submit => {
                let q = std::mem::take(q);
                self.mode = Mode::Normal;
                self.find_in_topic(&q);
                self.first_match_from_scroll();
            }
            Edited::Cancel => self.mode = Mode::Normal,
            Edited::Text | Edited::Pass => {}
        }
    }

    fn key(&mut self, k: KeyEvent) {
        if k.kind == KeyEventKind::Release {
            return;
        }
        self.touched = true;
        match self.screen {
            Screen::Browse => self.browse_key(k),
            Screen::Sim(_) => self.sim_key(k),
            Screen::Quiz(_) | Screen::Stats(_) => self.quiz_key(k),
        }
    }

    fn browse_key(&mut self, k: KeyEvent) {
        let key = Key::from_event(&k);
        self.flash = None;
        if !matches!(self.mode, Mode::TopicSearch(_)) {
            self.message = None;
        }
        match &self.mode {
            Mode::Normal => {
                if let Some(a) = self.keymap.lookup(Ctx::Browse, key) {
                    self.action(a);
                }
            }
            Mode::TopicSearch(_) => self.search_input(&k),
            Mode::Finder(_) => {
                if self.finder_input(&k) {
                    return;
                }
                // In the finder, plain characters are text: only non-character keys act.
                if let Some(a) = self.keymap.lookup(Ctx::List, key) {
                    if !matches!(key.code, KeyCode::Char(_))
                        || key.mods.contains(KeyModifiers::CONTROL)
                    {
                        self.list_action(a);
                    }
                }
            }
            _ => {
                if let Some(a) = self.keymap.lookup(Ctx::List, key) {
                    self.list_action(a);
                }
            }
        }
    }

    fn mouse(&mut self, m: MouseEvent) {
        match self.screen {
            Screen::Browse => self.browse_mouse(m),
            Screen::Sim(_) => self.sim_mouse(m),
            Screen::Quiz(_) | Screen::Stats(_) => {}
        }
    }

    fn browse_mouse(&mut self, m: MouseEvent) {
        let Some(l) = self.layout() else { return };
        let inside = |r: Rect| {
            m.column >= r.x && m.column < r.x + r.width && m.row >= r.y && m.row < r.y + r.height
        };
        if !matches!(self.mode, Mode::Normal) {
            match m.kind {
                MouseEventKind::ScrollUp => self.list_move(-3),
                MouseEventKind::ScrollDown => self.list_move(3),
                _ => {}
            }
            return;
        }
        match m.kind {
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                let d: isize = if m.kind == MouseEventKind::ScrollUp {
                    -3
                } else {
                    3
                };
                if inside(l.tree) {
                    self.tree.scroll(d, l.tree_rows());
                } else if inside(l.content) {
                    self.scroll_by(d);
                }
            }
            MouseEventKind::Down(MouseButton::Left) => {
                if inside(l.tree) && m.row > l.tree.y && m.row < l.tree.y + l.tree.height - 1 {
                    let row = self.tree.offset + (m.row - l.tree.y - 1) as usize;
                    if let Some(&t) = self.tree.rows.get(row) {
                        self.focus = Focus::Tree;
                        self.tree.sel = row;
                        let depth = self.lib.topics[t].depth.min(12) as u16;
                        let marker_col = l.tree.x + 1 + depth * 2;
                        if m.column <= marker_col + 1 && !self.lib.topics[t].children.is_empty() {
                            let open = !self.tree.expanded[t];
                            self.tree.set_expanded(&self.lib, t, open);
                            self.sync();
                        } else {
                            self.open(t, 0, true);
                        }
                    }
                } else if inside(l.content) {
                    self.focus = Focus::Content;
                    let line = self.scroll + (m.row.saturating_sub(l.content.y + 1)) as usize;
                    let hit = self
                        .rendered
                        .cards()
                        .iter()
                        .position(|(a, b, _)| line >= *a && line <= *b);
                    if let Some(c) = hit {
                        self.open_card(c);
                    } else {
                        self.sync();
                    }
                }
            }
            _ => {}
        }
    }

    /// Apply a message. Returns whether the screen needs a redraw.
    pub fn update(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::Loaded(ev) => self.on_loaded(ev),
            Msg::Found(gen, hits, entries) => match &mut self.mode {
                Mode::Finder(f) => self.search.found(f, gen, hits, entries),
                _ => false,
            },
            Msg::Indexed(index) => {
                let here = self.search.indexed(index);
                if let (Mode::Finder(f), true) = (&mut self.mode, here) {
                    self.search.answer_here(f);
                }
                // The status bar stops saying "indexing".
                true
            }
            Msg::Background { worker, loading } => {
                self.search.started(worker, loading);
                if loading {
                    self.loading = Some((0, 0));
                }
                true
            }
            Msg::Previews(p) => {
                self.previews = p;
                self.rendered_for = None;
                self.sync();
                matches!(self.screen, Screen::Browse)
            }
            Msg::Tick => match &mut self.screen {
                Screen::Sim(st) if st.playing => {
                    st.on_tick();
                    true
                }
                _ => false,
            },
            Msg::Stop => {
                self.quit = true;
                false
            }
            Msg::Term(Event::Key(k)) => {
                self.key(k);
                true
            }
            Msg::Term(Event::Mouse(m)) => {
                if matches!(m.kind, MouseEventKind::Moved | MouseEventKind::Drag(_)) {
                    return false;
                }
                self.mouse(m);
                true
            }
            Msg::Term(Event::Resize(w, h)) => {
                self.size = (w, h);
                self.sync();
                true
            }
            Msg::Term(_) => true,
        }
    }
}

impl App {
    /// Open the quiz screen with a session chosen by `opts`.
    pub fn open_quiz(&mut self, opts: schedule::Options) {
        let seed = opts.seed.unwrap_or_else(clock_seed);
        let mut q = QuizScreen::open(&self.lib, &self.store, opts, Utc::now(), seed);
        // Say up front when grades will not be saved.
        if q.message.is_none() && !self.store.persistent() {
            if let Some(w) = &self.store.warning {
                q.message = Some(trf(self.lang, "app.store_warning", &[("e", w)]));
            }
        }
        self.screen = Screen::Quiz(Box::new(q));
    }

    /// Open a quiz over the topic (note) being read.
    pub fn quiz_current_topic(&mut self) {
        let topic = self.current.map(|t| crate::quiz::group_of(&self.lib, t));
        self.open_quiz(schedule::Options {
            topic,
            ..schedule::Options::default()
        });
    }

    /// Open the stats screen.
    pub fn open_stats(&mut self) {
        let s = StatsScreen::open(&self.lib, &self.store, Utc::now());
        self.screen = Screen::Stats(Box::new(s));
    }

    /// The simulation scenario the quiz asked to open, if any (taken, so it is
    /// opened once). The simulation screen reads this after each update.
    pub fn take_sim_request(&mut self) -> Option<Scenario> {
        self.sim_request.take()
    }

    /// Keys on the quiz and stats screens.
    pub(super) fn quiz_key(&mut self, k: KeyEvent) {
        match std::mem::take(&mut self.screen) {
            Screen::Quiz(mut q) => {
                let effect = q.key(&k, &self.keymap, &mut self.store, self.lang, Utc::now());
                match effect {
                    QuizEffect::None => self.screen = Screen::Quiz(q),
                    QuizEffect::Back => {}
                    QuizEffect::Quit => {
                        self.screen = Screen::Quiz(q);
                        self.quit = true;
                    }
                    QuizEffect::Stats => self.open_stats(),
                    QuizEffect::OpenNote(note, path) => {
                        let key = crate::store::TopicKey { note, path };
                        match key.find(&self.lib) {
                            Some(t) => self.open(t, 0, true),
                            None => {
                                q.message = Some(tr(self.lang, "quiz.no_note").into());
                                self.screen = Screen::Quiz(q);
                            }
                        }
                    }
                    QuizEffect::OpenSim(sc) => {
                        let scenario = crate::sim::player::Scenario {
                            config: sc.config.clone(),
                            commands: sc.commands.clone(),
                        };
                        match crate::sim::Player::scenario(&sc.sim, sc.seed, scenario) {
                            Ok(p) => {
                                self.sim_return = Some(Box::new(Screen::Quiz(q)));
                                self.screen = Screen::Sim(Box::new(SimScreen::new(p)));
                            }
                            Err(e) => {
                                q.message = Some(trf(self.lang, "app.sim_error", &[("e", &e.0)]));
                                self.sim_request = Some(sc);
                                self.screen = Screen::Quiz(q);
                            }
                        }
                    }
                }
            }
            Screen::Stats(s) => match s.key(&k, &self.keymap) {
                StatsEffect::None => self.screen = Screen::Stats(s),
                StatsEffect::Back => {}
                StatsEffect::Quit => {
                    self.quit = true;
                    self.screen = Screen::Stats(s);
                }
                StatsEffect::Quiz => self.open_quiz(schedule::Options::default()),
            },
            other => self.screen = other,
        }
    }
}
