//! Snapshots of the quiz and stats screens (TestBackend), driven by keys.

mod common;

use chrono::DateTime;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tuitor::i18n::Lang;
use tuitor::quiz::schedule::{self, new_memory, review, Rating};
use tuitor::store::db::NewReview;
use tuitor::store::Store;
use tuitor::tui::app::Screen;
use tuitor::tui::stats::StatsScreen;
use tuitor::tui::{self, App, Msg};

fn app(lib: tuitor::content::Library, lang: Lang, w: u16, h: u16, store: Store) -> App {
    let mut app = tui::build_app(lib, store, common::options(lang, ""));
    app.update(Msg::Term(Event::Resize(w, h)));
    app
}

fn fixture_lib() -> tuitor::content::Library {
    // A path relative to the package (tests run there), so card ids, and with
    // them the seeded option order, do not depend on where the checkout lives.
    let _ = common::fixtures();
    tuitor::sim::paired(tuitor::content::load_paths(&[std::path::PathBuf::from(
        "tests/fixtures/quiz",
    )]))
}

fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
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

fn quiz_opts(topic: &str) -> schedule::Options {
    schedule::Options {
        topic: Some(topic.into()),
        limit: Some(3),
        seed: Some(7),
        ..schedule::Options::default()
    }
}

#[test]
fn quiz_choice_card_zh() {
    let mut a = app(fixture_lib(), Lang::Zh, 80, 20, Store::memory());
    a.open_quiz(quiz_opts("测验夹具"));
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn quiz_wrong_typed_answer_with_diff_en() {
    let mut a = app(fixture_lib(), Lang::En, 80, 20, Store::memory());
    a.open_quiz(quiz_opts("测验夹具"));
    // Grade the choice card whatever was picked, then type a wrong answer.
    keys(&mut a, "1");
    keys(&mut a, "3");
    keys(&mut a, "quiklists\n");
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn quiz_order_card_after_moving_a_step() {
    let mut a = app(fixture_lib(), Lang::Zh, 80, 20, Store::memory());
    a.open_quiz(quiz_opts("测验夹具"));
    keys(&mut a, "13");
    keys(&mut a, "quicklist\n\n");
    keys(&mut a, "jK");
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn quiz_generated_card_answered_shows_explanation_and_scenario() {
    let lib = tuitor::sim::paired(tuitor::content::load_embedded());
    let mut a = app(lib, Lang::Zh, 100, 30, Store::memory());
    a.open_quiz(schedule::Options {
        cram: true,
        ..quiz_opts("lb-swrr")
    });
    keys(&mut a, "1");
    insta::assert_snapshot!(screen(&a));
    keys(&mut a, "s");
    // the simulation screen opens at that very scenario…
    let tuitor::tui::app::Screen::Sim(st) = &a.screen else {
        panic!("the simulation screen did not open")
    };
    assert_eq!(st.player.info.name, "nginx-upstream");
    assert!(
        st.player.commands.iter().any(|c| c.starts_with("reqs ")),
        "{:?}",
        st.player.commands
    );
    // …and closing it returns to the quiz
    keys(&mut a, "\x1b");
    assert!(matches!(a.screen, tuitor::tui::app::Screen::Quiz(_)));
}

#[test]
fn stats_screen_with_reviews() {
    let lib = fixture_lib();
    let mut store = Store::memory();
    let now = DateTime::from_timestamp(1_800_000_000, 0).expect("time");
    let deck = tuitor::quiz::build_deck(&lib, Default::default());
    for (i, c) in deck.cards.iter().take(3).enumerate() {
        for day in 0..=i as i64 {
            let at = now - chrono::Duration::days(day);
            let rating = if day == 1 {
                Rating::Again
            } else {
                Rating::Good
            };
            let m = review(&new_memory(at), at, rating);
            store
                .record(&NewReview {
                    card: &c.id,
                    topic: &c.group,
                    question: "q",
                    at: at.timestamp(),
                    rating: rating as u8,
                    correct: None,
                    answer: None,
                    memory: &m,
                })
                .expect("recorded");
        }
    }
    let s = StatsScreen::open(&lib, &store, now);
    assert_eq!(s.stats.reviews, 6);
    assert_eq!(s.stats.streak, 3);
    let mut a = app(lib, Lang::En, 90, 26, store);
    a.screen = Screen::Stats(Box::new(s));
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn rebinding_undo_changes_every_quiz_footer_that_names_it() {
    let mut a = tui::build_app(
        fixture_lib(),
        Store::memory(),
        common::options(Lang::En, "quiz:\n  undo: [F5]\n  open_sim: [C-o]\n"),
    );
    a.update(Msg::Term(Event::Resize(100, 20)));
    a.open_quiz(quiz_opts("测验夹具"));
    let footer = |a: &App| screen(a).lines().last().unwrap_or_default().to_string();
    // Asking: the card's hint and the quiz keys.
    let f = footer(&a);
    assert!(f.contains("F5 undo"), "{f}");
    assert!(!f.contains("u undo"), "{f}");
    // Answered: grades, then note / simulation / undo / back.
    if f.contains("Type the answer") {
        keys(&mut a, "x\n");
    } else {
        keys(&mut a, "1");
    }
    let f = footer(&a);
    assert!(f.contains("F5 undo") && f.contains("C-o simulation"), "{f}");
    assert!(!f.contains("u undo") && !f.contains("s simulation"), "{f}");
    // And the key does what the footer says: F5 takes the grade back (a
    // function key, so it also works while a fill-in answer is being typed).
    keys(&mut a, "3");
    a.update(Msg::Term(Event::Key(KeyEvent::new(
        KeyCode::F(5),
        KeyModifiers::NONE,
    ))));
    let f = footer(&a);
    assert!(f.contains("undone"), "{f}");
}
