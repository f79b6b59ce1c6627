//! Snapshots of every simulation screen at key steps, at 80x24 and 120x40,
//! driven through the app with synthetic keys, plus checks that every event of
//! every preset renders at any size.

mod common;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tuitor::i18n::Lang;
use tuitor::store::Store;
use tuitor::tui::app::Screen;
use tuitor::tui::{self, App, Msg};

fn app(w: u16, h: u16) -> App {
    let lib = tuitor::sim::paired(tuitor::content::load_paths(&[
        common::fixtures().join("notes")
    ]));
    let mut app = tui::build_app(lib, Store::memory(), common::options(Lang::Zh, ""));
    app.update(Msg::Term(Event::Resize(w, h)));
    app
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Term(Event::Key(KeyEvent::new(
        code,
        KeyModifiers::NONE,
    ))));
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(
            app,
            if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            },
        );
    }
}

fn screen(app: &App) -> String {
    let (w, h) = app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| tui::view::view(app, f)).unwrap();
    common::buffer_text(term.backend().buffer())
}

fn sim_pos(app: &App) -> (usize, usize) {
    match &app.screen {
        Screen::Sim(st) => (st.player.pos, st.player.steps.len()),
        _ => panic!("not on the simulation screen"),
    }
}

/// Step forward until the narration of the current step satisfies `pred`.
fn step_until(app: &mut App, pred: impl Fn(&tuitor::sim::Step) -> bool) {
    loop {
        let Screen::Sim(st) = &app.screen else {
            panic!()
        };
        if st.player.current().is_some_and(&pred) {
            return;
        }
        assert!(st.player.pos < st.player.steps.len(), "never reached");
        key(app, KeyCode::Right);
    }
}

#[test]
fn dict_rehash_in_progress_and_done() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app(w, h);
        a.open_sim("redis-dict", Some("grow-from-4"));
        step_until(&mut a, |s| {
            s.kind.contains("move") || s.event.get("Moved").is_some()
        });
        key(&mut a, KeyCode::Right);
        insta::assert_snapshot!(format!("dict_rehashing_{w}x{h}"), screen(&a));
        typed(&mut a, "G");
        insta::assert_snapshot!(format!("dict_end_{w}x{h}"), screen(&a));
    }
}

#[test]
fn zset_search_path() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app(w, h);
        a.open_sim("redis-zset", Some("search-path"));
        typed(&mut a, "G");
        insta::assert_snapshot!(format!("zset_search_{w}x{h}"), screen(&a));
    }
}

#[test]
fn upstream_swrr_and_consistent_hash() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app(w, h);
        a.open_sim("nginx-upstream", Some("swrr-5-1-1"));
        typed(&mut a, "G");
        let s = screen(&a);
        assert!(s.contains("a a b a c a a"), "{s}");
        insta::assert_snapshot!(format!("upstream_swrr_{w}x{h}"), s);
        typed(&mut a, ":preset consistent-hash-remove-a-node\nG");
        insta::assert_snapshot!(format!("upstream_chash_{w}x{h}"), screen(&a));
    }
}

#[test]
fn django_short_circuit_and_orm() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app(w, h);
        a.open_sim("django", Some("short-circuit"));
        typed(&mut a, "G");
        insta::assert_snapshot!(format!("django_short_circuit_{w}x{h}"), screen(&a));
        let mut a = app(w, h);
        a.open_sim("django-orm", Some("n-plus-one"));
        typed(&mut a, "G");
        insta::assert_snapshot!(format!("django_orm_n_plus_one_{w}x{h}"), screen(&a));
    }
}

#[test]
fn every_step_of_every_preset_renders_at_many_sizes() {
    for info in tuitor::sim::REGISTRY {
        for p in info.presets {
            for (w, h) in [(40, 12), (80, 24), (200, 60), (39, 11), (1, 1)] {
                let mut a = app(w, h);
                a.open_sim(info.name, Some(p.name));
                let (_, n) = sim_pos(&a);
                // every step at 80x24; a sample elsewhere
                let stride = if (w, h) == (80, 24) {
                    1
                } else {
                    (n / 7).max(1)
                };
                let mut k = 0;
                loop {
                    let _ = screen(&a);
                    if k >= n {
                        break;
                    }
                    for _ in 0..stride {
                        key(&mut a, KeyCode::Right);
                    }
                    k += stride;
                }
                assert_eq!(sim_pos(&a).0, n, "{} {}", info.name, p.name);
                key(&mut a, KeyCode::Tab);
                let _ = screen(&a);
                key(&mut a, KeyCode::Tab);
                let _ = screen(&a);
            }
        }
    }
}

#[test]
fn a_bad_command_shows_an_inline_error_and_changes_nothing() {
    let mut a = app(80, 24);
    a.open_sim("nginx-upstream", Some("swrr-5-1-1"));
    let before = sim_pos(&a);
    typed(&mut a, ":down nosuchserver\n");
    assert_eq!(sim_pos(&a), before);
    let s = screen(&a);
    assert!(s.contains("✗"), "{s}");
    // any key clears the error; Esc goes back to the notes
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.screen, Screen::Browse));
}

#[test]
fn play_advances_on_ticks_only() {
    let mut a = app(80, 24);
    a.open_sim("redis-dict", Some("grow-from-4"));
    assert!(a.tick_interval().is_none(), "paused: no timer");
    key(&mut a, KeyCode::Char(' '));
    assert!(a.tick_interval().is_some());
    a.update(Msg::Tick);
    a.update(Msg::Tick);
    assert_eq!(sim_pos(&a).0, 2);
    key(&mut a, KeyCode::Char(' '));
    assert!(a.tick_interval().is_none());
    a.update(Msg::Tick);
    assert_eq!(sim_pos(&a).0, 2);
}

#[test]
fn control_characters_typed_into_a_simulation_never_reach_the_screen() {
    for (sim, cmd) in [
        ("redis-zset", r#":ZADD zs 1 "\x1b]0;pwned\x07" 2 "\x9b31m""#),
        ("redis-dict", ":set \u{1b}]52;c;aGk= v"),
        ("nginx-upstream", ":req uri=/\u{1b}[2J"),
        ("django", ":GET /\u{1b}[?1049l"),
    ] {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut a = app(w, h);
            a.open_sim(sim, None);
            typed(&mut a, &format!("{cmd}\n"));
            for _ in 0..3 {
                let s = screen(&a);
                assert!(
                    !s.chars()
                        .any(|c| (c as u32) < 0x20 && c != '\n'
                            || (0x7f..=0x9f).contains(&(c as u32))),
                    "{sim} {w}x{h}:\n{s}"
                );
                key(&mut a, KeyCode::Left);
                key(&mut a, KeyCode::Tab);
            }
        }
    }
}

#[test]
fn rebound_simulation_keys_show_in_the_status_bar_and_the_prompt() {
    let mut a = tui::build_app(
        tuitor::content::Library::default(),
        Store::memory(),
        common::options(Lang::En, "sim:\n  command: [\";\"]\n  step_forward: [x]\n"),
    );
    a.update(Msg::Term(Event::Resize(120, 40)));
    a.open_sim("redis-dict", Some("grow-from-4"));
    let last = |a: &App| screen(a).lines().last().unwrap_or_default().to_string();
    let bar = last(&a);
    assert!(
        bar.contains("←x step") && bar.contains("; command"),
        "{bar}"
    );
    assert!(screen(&a).contains("press x to step"), "the step-0 hint");
    key(&mut a, KeyCode::Char('x'));
    assert_eq!(sim_pos(&a).0, 1, "x steps forward");
    typed(&mut a, ";set k");
    let bar = last(&a);
    assert!(bar.trim_start().starts_with(";set k"), "{bar}");
}
