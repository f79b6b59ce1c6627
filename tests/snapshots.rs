//! Snapshots of the browse screen drawn into ratatui's `TestBackend`, driven by
//! synthetic keys. Only text is compared (colours depend on the theme).

mod common;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tuitor::i18n::Lang;
use tuitor::store::Store;
use tuitor::tui::{self, App, Msg};

fn app(lang: Lang, w: u16, h: u16) -> App {
    let lib = tuitor::sim::paired(tuitor::content::load_paths(&[
        common::fixtures().join("notes")
    ]));
    let mut app = tui::build_app(lib, Store::memory(), common::options(lang, ""));
    app.update(Msg::Term(Event::Resize(w, h)));
    app
}

fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        app.update(Msg::Term(Event::Key(KeyEvent::new(
            code,
            KeyModifiers::NONE,
        ))));
    }
}

fn screen(app: &App) -> String {
    let (w, h) = app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| tui::view::view(app, f)).unwrap();
    common::buffer_text(term.backend().buffer())
}

#[test]
fn browse_80x24_start() {
    let a = app(Lang::Zh, 80, 24);
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn browse_120x40_topic_with_list_and_table() {
    let mut a = app(Lang::Zh, 120, 40);
    keys(&mut a, "jjjj");
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn browse_80x24_scrolled_note_in_content_focus() {
    let mut a = app(Lang::En, 80, 24);
    keys(&mut a, "jjjj\tjjjj");
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn finder_by_pinyin_initials_120x40() {
    let mut a = app(Lang::Zh, 120, 40);
    keys(&mut a, "ftyb");
    insta::assert_snapshot!(screen(&a));
    keys(&mut a, "\n");
    insta::assert_snapshot!("finder_jump_120x40", screen(&a));
}

#[test]
fn topic_search_highlights_and_counts() {
    let mut a = app(Lang::En, 80, 24);
    keys(&mut a, "jjjj/表\nn");
    let s = screen(&a);
    assert!(s.contains("match 2/6"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut a = app(Lang::En, 80, 24);
    keys(&mut a, "?");
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn outline_overlay() {
    let mut a = app(Lang::Zh, 80, 24);
    keys(&mut a, "jjo");
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn too_small_and_tiny_sizes_never_panic() {
    let mut a = app(Lang::Zh, 30, 8);
    insta::assert_snapshot!(screen(&a));
    for (w, h) in [
        (1, 1),
        (0, 0),
        (40, 10),
        (69, 30),
        (70, 10),
        (300, 100),
        (2, 50),
    ] {
        a.update(Msg::Term(Event::Resize(w, h)));
        keys(&mut a, "jjlf表\x1b?\x1bo\x1b");
        if w > 0 && h > 0 {
            let _ = screen(&a);
        }
    }
}

#[test]
fn notes_loaded_in_the_background_fill_the_tree_and_resume() {
    use tuitor::content::background::{load_in_background, LoadEvent};
    let mut a = tui::build_app(
        tuitor::content::Library::default(),
        Store::memory(),
        common::options(Lang::En, ""),
    );
    a.update(Msg::Background {
        worker: None,
        loading: true,
    });
    a.update(Msg::Term(Event::Resize(80, 24)));
    assert!(screen(&a).contains("loading 0/0 notes"));
    let (tx, rx) = std::sync::mpsc::channel();
    load_in_background(
        vec![common::fixtures().join("notes")],
        2,
        |n| tuitor::search::IndexPart::of(&n.topics),
        move |e| tx.send(e).is_ok(),
    );
    for ev in rx {
        let done = matches!(ev, LoadEvent::Done);
        a.update(Msg::Loaded(ev));
        if done {
            break;
        }
    }
    assert!(a.loading.is_none());
    // The index grew with the notes and answers as one built from scratch.
    let built = a.search.built.take().expect("an index built while loading");
    let whole = tuitor::search::Index::build(&a.lib);
    assert_eq!(built.entries.len(), whole.entries.len());
    for (x, y) in built.entries.iter().zip(&whole.entries) {
        assert_eq!(
            (x.topic, x.block, x.line, &x.text),
            (y.topic, y.block, y.line, &y.text)
        );
    }
    for q in ["redis", "zidian", "跳跃", "upstream", "tyb"] {
        assert_eq!(built.search(q, 50), whole.search(q, 50), "{q}");
    }
    a.update(Msg::Indexed(built));
    let s = screen(&a);
    assert!(
        s.contains("2 notes") && s.contains("Redis 基础") && s.contains("Nginx 笔记"),
        "{s}"
    );
    // the tree works as if the notes had been there from the start
    keys(&mut a, "jjjj");
    assert!(screen(&a).contains("Redis 基础 › 1. 字典"));
}

#[test]
fn enter_in_the_finder_before_the_worker_answers_still_jumps_to_the_best_hit() {
    let mut a = app(Lang::Zh, 120, 40);
    // A search worker that has not answered yet.
    let (tx, _rx) = std::sync::mpsc::channel();
    a.update(Msg::Background {
        worker: Some(tx),
        loading: false,
    });
    keys(&mut a, "ftyb\n");
    assert!(screen(&a).contains("Redis 基础 › 2. 跳跃表"));
}
