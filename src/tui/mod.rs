//! The terminal user interface. The only module that uses ratatui and crossterm.
//!
//! [`run`] sets the terminal up behind a guard that restores it on every exit
//! path: normal quit, an error, a panic (the hook restores before the report is
//! printed) and SIGTERM / SIGHUP / SIGINT (turned into a normal quit). Input and
//! signals arrive on one channel; the loop blocks on it, so an idle screen uses
//! no CPU, and redraws only when a message changed something.

pub mod app;
pub mod edit;
pub mod finder;
pub mod keymap;
pub mod layout;
pub mod list;
pub mod quiz;
pub mod sim;
pub mod stats;
pub mod theme;
pub mod tree;
pub mod view;

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use anyhow::{bail, Context, Result};
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use crate::content::Library;
use crate::i18n::Lang;
use crate::store::Store;
use finder::Work;

pub use app::{App, Msg};

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Put the terminal back the way it was. Safe to call more than once.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = std::io::stdout();
        let _ = execute!(out, DisableMouseCapture, LeaveAlternateScreen, cursor::Show);
        let _ = terminal::disable_raw_mode();
        let _ = out.flush();
    }
}

/// Restores the terminal when dropped.
struct Guard;

impl Guard {
    fn enter() -> Result<Guard> {
        terminal::enable_raw_mode().context("cannot switch the terminal to raw mode")?;
        ACTIVE.store(true, Ordering::SeqCst);
        let guard = Guard;
        execute!(
            std::io::stdout(),
            EnterAlternateScreen,
            terminal::Clear(terminal::ClearType::All),
            EnableMouseCapture,
            cursor::Hide
        )
        .context("cannot set up the terminal")?;
        Ok(guard)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        eprintln!("\ntuitor crashed. The terminal has been restored; your progress up to the last action is saved.");
        previous(info);
        // A panic on any thread ends tuitor: the screen is gone, so nothing
        // should keep drawing to it (and release builds do not unwind).
        std::process::exit(101);
    }));
}

/// What the TUI needs to start.
#[derive(Default)]
pub struct Options {
    /// UI language.
    pub lang: Lang,
    /// Theme name.
    pub theme: String,
    /// The name of this set of notes (for resume).
    pub source: String,
    /// Key overrides from the config file.
    pub keys: std::collections::BTreeMap<String, std::collections::BTreeMap<String, Vec<String>>>,
    /// A message to show at start (e.g. a config problem).
    pub message: Option<String>,
    /// Load the built-in notes after the first frame (the library passed in is
    /// empty).
    pub embedded_later: bool,
    /// Open this simulation (name, preset, seed) instead of the notes.
    pub open_sim: Option<(String, Option<String>, u64)>,
    /// Start in a quiz session chosen like this (`tuitor quiz`).
    pub quiz: Option<crate::quiz::schedule::Options>,
}

/// Build the app state with its search index (no terminal needed; tests use this).
pub fn build_app(lib: Library, store: Store, opts: Options) -> App {
    let lib = std::sync::Arc::new(lib);
    let index = std::sync::Arc::new(crate::search::Index::build(&lib));
    let mut app = build_app_deferred(lib, store, opts);
    app.update(Msg::Indexed(index));
    app
}

/// Build the app state; the search index arrives later as [`Msg::Indexed`].
pub fn build_app_deferred(lib: std::sync::Arc<Library>, store: Store, opts: Options) -> App {
    let mut keymap = keymap::Keymap::default_map();
    let problems = keymap.apply(&opts.keys);
    let theme = theme::Theme::named(&opts.theme, theme::Theme::no_color_env());
    let open_sim = opts.open_sim.clone();
    let mut app = App::new(lib, store, opts.source, opts.lang, theme, keymap);
    if let Some((name, preset, seed)) = open_sim {
        app.open_sim(&name, preset.as_deref());
        if let app::Screen::Sim(st) = &mut app.screen {
            if st.player.seed != seed {
                if let Err(e) = st.player.reseed(seed) {
                    st.error = Some(e.0);
                }
            }
        }
    }
    if let Some(q) = opts.quiz {
        app.open_quiz(q);
    }
    if let Some(m) = opts.message {
        app.message = Some(m);
    } else if let Some(p) = problems.first() {
        app.message = Some(format!("config.yaml: {p}"));
    }
    app
}

/// How often a search is run again while the index grows under it.
const REFRESH: std::time::Duration = std::time::Duration::from_millis(250);

/// The finder's search thread: answers [`Work::Query`] with [`Msg::Found`]
/// (the newest pending query only), grows its index with [`Work::Part`] while
/// notes load (answering the last query again as they arrive, at most every
/// [`REFRESH`]), and hands the completed index to the UI as [`Msg::Indexed`].
fn search_thread(work: &mpsc::Receiver<Work>, found: &mpsc::Sender<Msg>) {
    use std::sync::Arc;
    use std::time::Instant;
    let mut growing = crate::search::Index::empty();
    let mut ready: Option<Arc<crate::search::Index>> = None;
    let mut last: Option<(u64, String)> = None;
    let mut stale = false;
    let mut searched = Instant::now();
    // Narrows as the query grows (it starts over when the index changes).
    let mut searcher = crate::search::Searcher::new();
    loop {
        // Wait for work; with more notes in since the last answer, wait only
        // until it is time to answer again.
        let first = if stale && last.is_some() {
            match work.recv_timeout(REFRESH.saturating_sub(searched.elapsed())) {
                Ok(w) => Some(w),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match work.recv() {
                Ok(w) => Some(w),
                Err(_) => return,
            }
        };
        let mut fresh = None;
        let mut complete = false;
        for w in first.into_iter().chain(work.try_iter()) {
            match w {
                Work::Query(gen, q) => fresh = Some((gen, q)),
                Work::Part(part, base) => {
                    growing.append(part, base);
                    stale = true;
                }
                Work::Finish => {
                    let mut index = std::mem::take(&mut growing);
                    index.shrink_to_fit();
                    let index = Arc::new(index);
                    ready = Some(index.clone());
                    complete = true;
                    if found.send(Msg::Indexed(index)).is_err() {
                        return;
                    }
                }
                Work::Ready(index) => {
                    // Built elsewhere: what grew here is not needed.
                    growing = crate::search::Index::empty();
                    ready = Some(index);
                    complete = true;
                }
            }
        }
        let due = stale && searched.elapsed() >= REFRESH;
        match fresh {
            Some(q) => last = Some(q),
            None if complete || due => {}
            None => continue,
        }
        let Some((gen, q)) = &last else { continue };
        let index = ready.as_deref().unwrap_or(&growing);
        let hits = searcher.search(index, q, finder::FINDER_LIMIT);
        let entries = index.entries_of(&hits);
        stale = false;
        searched = Instant::now();
        if found.send(Msg::Found(*gen, hits, entries)).is_err() {
            return;
        }
    }
}

/// Run the study guide until the user quits.
/// `pending` notes (files and folders) are loaded in the background after the
/// first frame, filling the tree as they arrive.
pub fn run(
    lib: Library,
    pending: Vec<std::path::PathBuf>,
    store: Store,
    opts: Options,
) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!("tuitor needs an interactive terminal; for scripts use `tuitor list`, `show` or `search`");
    }
    let lib = std::sync::Arc::new(lib);
    let opts_embedded = opts.embedded_later;
    let mut app = build_app_deferred(lib.clone(), store, opts);
    install_panic_hook();
    let _guard = Guard::enter()?;
    let mut term = Terminal::new(CrosstermBackend::new(std::io::stdout()))
        .context("cannot open the terminal")?;

    let (tx, rx) = mpsc::channel::<Msg>();
    // The finder's searches run on their own thread: typing never waits, and
    // when queries arrive faster than they are answered only the newest runs.
    // While notes load, that thread also grows the index with each note's
    // entries, so searches cover the notes in so far.
    let (work_tx, work_rx) = mpsc::channel::<Work>();
    let found_tx = tx.clone();
    std::thread::spawn(move || search_thread(&work_rx, &found_tx));
    // Notes load after the first frame: the ones named on the command line, or
    // the built-in ones when the library came empty.
    let embedded = pending.is_empty() && app.lib.notes.is_empty() && opts_embedded;
    let loading = !pending.is_empty() || embedded;
    app.update(Msg::Background {
        worker: Some(work_tx.clone()),
        loading,
    });
    // Each note's search entries are built on the thread that parsed it.
    let part = |n: &crate::content::load::ParsedNote| crate::search::IndexPart::of(&n.topics);
    let load_tx = tx.clone();
    let send = move |ev| load_tx.send(Msg::Loaded(ev)).is_ok();
    if !pending.is_empty() {
        crate::content::background::load_in_background(pending, 2, part, send);
    } else if embedded {
        crate::content::background::load_embedded_in_background(part, send);
    }
    // The first frame never waits for the search index either: it is complete
    // once every note is in (or built then, when it could not grow with them).
    // Card previews are computed after that.
    let (lib_tx, lib_rx) = mpsc::channel::<(std::sync::Arc<Library>, bool)>();
    let mut lib_sent = false;
    if app.loading.is_none() {
        let _ = lib_tx.send((lib.clone(), false));
        lib_sent = true;
    }
    let index_tx = tx.clone();
    std::thread::spawn(move || {
        let Ok((lib, indexed)) = lib_rx.recv() else {
            return;
        };
        if !indexed {
            let index = std::sync::Arc::new(crate::search::Index::build(&lib));
            let _ = work_tx.send(Work::Ready(index.clone()));
            let _ = index_tx.send(Msg::Indexed(index));
        }
        let previews = crate::sim::player::previews(&lib);
        let _ = index_tx.send(Msg::Previews(std::sync::Arc::new(previews)));
    });
    let input_tx = tx.clone();
    std::thread::spawn(move || loop {
        match crossterm::event::read() {
            Ok(ev) => {
                if input_tx.send(Msg::Term(ev)).is_err() {
                    break;
                }
            }
            Err(_) => {
                let _ = input_tx.send(Msg::Stop);
                break;
            }
        }
    });
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ])
    .context("cannot install signal handlers")?;
    let sig_handle = signals.handle();
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = tx.send(Msg::Stop);
        }
    });

    let size = term.size()?;
    app.update(Msg::Term(crossterm::event::Event::Resize(
        size.width,
        size.height,
    )));
    term.draw(|f| view::view(&app, f))?;
    // For crash-recovery tests: panic when this key is pressed.
    let panic_key = std::env::var("TUITOR_TEST_PANIC_KEY")
        .ok()
        .and_then(|k| k.chars().next());
    loop {
        // Block while idle; while a simulation plays, wake up for its next step.
        let msg = match app.tick_interval() {
            Some(d) => match rx.recv_timeout(d) {
                Ok(m) => m,
                Err(mpsc::RecvTimeoutError::Timeout) => Msg::Tick,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            },
            None => match rx.recv() {
                Ok(m) => m,
                Err(_) => break,
            },
        };
        if let (Some(k), Msg::Term(crossterm::event::Event::Key(e))) = (panic_key, &msg) {
            if e.code == crossterm::event::KeyCode::Char(k) {
                panic!("test panic requested with TUITOR_TEST_PANIC_KEY");
            }
        }
        let mut redraw = app.update(msg);
        // Coalesce whatever else is already waiting (fast typing, mouse wheels).
        while let Ok(more) = rx.try_recv() {
            redraw |= app.update(more);
            if app.quit {
                break;
            }
        }
        if app.quit {
            break;
        }
        if !lib_sent && app.loading.is_none() {
            // The search thread completed the index, or it is built now.
            let _ = lib_tx.send((app.lib.clone(), app.search.fed));
            lib_sent = true;
        }
        if redraw {
            term.draw(|f| view::view(&app, f))?;
        }
    }
    app.remember();
    sig_handle.close();
    // The progress store is closed properly; the notes and the index (a
    // gigabyte of small allocations on a large corpus) go with the process
    // instead of being freed one by one, so quitting is instant.
    drop(std::mem::replace(&mut app.store, Store::memory()));
    std::mem::forget(app);
    std::mem::forget(lib);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load::parse_note;
    use crate::search::IndexPart;

    fn part(md: &str) -> (IndexPart, usize) {
        let (note, _) = parse_note("n.md", md.as_bytes());
        let note = note.expect("a note");
        (IndexPart::of(&note.topics), note.topics.len())
    }

    fn found(rx: &mpsc::Receiver<Msg>) -> (u64, Vec<String>) {
        match rx.recv_timeout(std::time::Duration::from_secs(10)) {
            Ok(Msg::Found(gen, _, entries)) => (gen, entries.into_iter().map(|e| e.text).collect()),
            other => panic!("expected results, got {other:?}"),
        }
    }

    /// Searches made while notes load cover the notes in so far, are answered
    /// again as more arrive, and the completed index reaches the UI.
    #[test]
    fn the_search_thread_answers_over_the_notes_in_so_far() {
        let (work_tx, work_rx) = mpsc::channel();
        let (msg_tx, msg_rx) = mpsc::channel();
        std::thread::spawn(move || search_thread(&work_rx, &msg_tx));
        let (a, a_topics) = part("# 第一篇\n\n跳跃表 skiplist one\n");
        let (b, _) = part("# 第二篇\n\n跳跃表 skiplist two\n");
        work_tx.send(Work::Part(a, 0)).unwrap();
        work_tx.send(Work::Query(7, "skiplist".into())).unwrap();
        let (gen, texts) = found(&msg_rx);
        assert_eq!(gen, 7);
        assert_eq!(texts, vec!["跳跃表 skiplist one"]);
        // The second note arrives: the same query is answered again, over both.
        work_tx.send(Work::Part(b, a_topics)).unwrap();
        let (gen, mut texts) = found(&msg_rx);
        texts.sort();
        assert_eq!(gen, 7);
        assert_eq!(texts, vec!["跳跃表 skiplist one", "跳跃表 skiplist two"]);
        work_tx.send(Work::Finish).unwrap();
        let mut indexed = None;
        for _ in 0..2 {
            match msg_rx.recv_timeout(std::time::Duration::from_secs(10)) {
                Ok(Msg::Indexed(ix)) => indexed = Some(ix),
                Ok(Msg::Found(7, _, _)) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        let ix = indexed.expect("the completed index");
        assert_eq!(ix.entries.len(), 4, "two titles and two lines");
        assert_eq!(
            ix.entries[2].topic, a_topics,
            "topics of the second note follow"
        );
        // Pinyin keys of the appended note point at its own text.
        assert_eq!(ix.search("tiaoyuebiao", 10).len(), 2);
    }
}
