//! The terminal user interface. The only module that uses ratatui and crossterm.
//!
//! [`run`] sets the terminal up behind a guard that restores it on every exit
//! path: normal quit, an error, a panic (the hook restores before the report is
//! printed) and SIGTERM / SIGHUP / SIGINT (turned into a normal quit). Input and
//! signals arrive on one channel; the loop blocks on it, so an idle screen uses
//! no CPU, and redraws only when a message changed something.

pub mod app;
pub mod keymap;
pub mod quiz;
pub mod sim;
pub mod stats;
pub mod theme;
pub mod view;
pub mod wrap;

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
            if st.seed != seed {
                let _ = st.reseed(seed);
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
    let (query_tx, query_rx) = mpsc::channel::<(u64, String)>();
    let (worker_index_tx, worker_index_rx) =
        mpsc::channel::<std::sync::Arc<crate::search::Index>>();
    let found_tx = tx.clone();
    std::thread::spawn(move || {
        let Ok(index) = worker_index_rx.recv() else {
            return;
        };
        while let Ok(mut q) = query_rx.recv() {
            while let Ok(newer) = query_rx.try_recv() {
                q = newer;
            }
            let hits = index.search(&q.1, app::FINDER_LIMIT);
            if found_tx.send(Msg::Found(q.0, hits)).is_err() {
                break;
            }
        }
    });
    app.search_tx = Some(query_tx);
    // Notes load after the first frame: the ones named on the command line, or
    // the built-in ones when the library came empty.
    // Each note's search entries are built on the thread that parsed it, and
    // the index grows as the notes arrive.
    let part = |n: &crate::content::load::ParsedNote| crate::search::IndexPart::of(&n.topics);
    if !pending.is_empty() {
        app.loading = Some((0, 0));
        app.building = Some((crate::search::Index::empty(), 0));
        let load_tx = tx.clone();
        crate::content::background::load_in_background(pending, 2, part, move |ev| {
            load_tx.send(Msg::Loaded(ev)).is_ok()
        });
    } else if app.lib.notes.is_empty() && opts_embedded {
        app.loading = Some((0, 0));
        app.building = Some((crate::search::Index::empty(), 0));
        let load_tx = tx.clone();
        crate::content::background::load_embedded_in_background(part, move |ev| {
            load_tx.send(Msg::Loaded(ev)).is_ok()
        });
    }
    // The first frame never waits for the search index either: it is ready
    // once every note is in (or built then, when it could not grow with them).
    type Ready = (
        std::sync::Arc<Library>,
        Option<std::sync::Arc<crate::search::Index>>,
    );
    let (lib_tx, lib_rx) = mpsc::channel::<Ready>();
    let mut lib_sent = false;
    if app.loading.is_none() {
        let _ = lib_tx.send((lib.clone(), None));
        lib_sent = true;
    }
    let index_tx = tx.clone();
    std::thread::spawn(move || {
        let Ok((lib, built)) = lib_rx.recv() else {
            return;
        };
        let index = built.unwrap_or_else(|| std::sync::Arc::new(crate::search::Index::build(&lib)));
        let _ = worker_index_tx.send(index.clone());
        let _ = index_tx.send(Msg::Indexed(index));
        // Then run every card's preset once for its live preview.
        let previews = sim::previews(&lib);
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
            let _ = lib_tx.send((app.lib.clone(), app.built.take()));
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
