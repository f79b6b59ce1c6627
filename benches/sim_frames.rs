//! One frame of each simulation screen at 200x60, drawn through ratatui's
//! `TestBackend` (no terminal I/O), at the end of each engine's main preset; and
//! rebuilding the picture at a step (seek) on the longest preset, which is what
//! stepping back costs; and each simulation's picture laid out by the core alone.

use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::Event;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tuitor::i18n::Lang;
use tuitor::sim::Player;
use tuitor::store::Store;
use tuitor::tui::{self, Msg};

fn frames(c: &mut Criterion) {
    let mut g = c.benchmark_group("sim_frame_200x60");
    g.sample_size(30);
    for (name, preset) in [
        ("redis-dict", "grow-from-4"),
        ("redis-zset", "search-path"),
        ("nginx-upstream", "swrr-5-1-1"),
        ("nginx-upstream", "consistent-hash-remove-a-node"),
        ("django", "short-circuit"),
        ("django-orm", "n-plus-one"),
    ] {
        let mut app = tui::build_app(
            tuitor::sim::paired(tuitor::content::load_embedded()),
            Store::memory(),
            tui::Options {
                lang: Lang::Zh,
                theme: "dark".into(),
                source: "bench".into(),
                ..Default::default()
            },
        );
        app.update(Msg::Term(Event::Resize(200, 60)));
        app.open_sim(name, Some(preset));
        if let tui::app::Screen::Sim(st) = &mut app.screen {
            let n = st.player.steps.len();
            st.player.seek(n);
        }
        let mut term = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
        g.bench_function(format!("{name}/{preset}"), |b| {
            b.iter(|| {
                term.draw(|f| tui::view::view(&app, f)).expect("draw");
            })
        });
    }
    g.finish();

    let mut pl = Player::open("nginx-upstream", Some("swrr-5-1-1"), 1).expect("preset");
    let n = pl.steps.len();
    c.bench_function("sim_seek_middle_of_trace", |b| {
        b.iter(|| pl.seek(n / 2 + 1));
    });

    // The picture alone, as `tuitor sim --picture` lays it out (no terminal).
    let mut g = c.benchmark_group("sim_picture_lines_200x60");
    for info in tuitor::sim::REGISTRY {
        let mut pl = Player::open(info.name, None, 1).expect("first preset");
        pl.seek(pl.steps.len());
        g.bench_function(info.name, |b| {
            b.iter(|| pl.picture().lines(Lang::Zh, 198, 40));
        });
    }
    g.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
