//! One frame of the browse screen at 200x60, drawn into ratatui's
//! `TestBackend` from the embedded notes and from 1,000 generated notes
//! (the tree is longer; the frame should cost the same).
//!
//! Run: `cargo bench --bench frame`

#[path = "support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::Event;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tuitor::content::load::parse_note;
use tuitor::content::Library;
use tuitor::i18n::Lang;
use tuitor::store::Store;
use tuitor::tui::{self, App, Msg};

fn app(lib: Library) -> App {
    let mut app = tui::build_app(
        lib,
        Store::memory(),
        tui::Options {
            lang: Lang::En,
            theme: "dark".into(),
            source: "bench".into(),
            ..Default::default()
        },
    );
    app.update(Msg::Term(Event::Resize(200, 60)));
    app
}

fn frame(c: &mut Criterion) {
    let mut generated = Library::default();
    for i in 0..1_000 {
        let text = corpus::generate(42, i, 12_000);
        if let (Some(note), diags) = parse_note(&corpus::file_name(i), text.as_bytes()) {
            generated.push(note, diags);
        }
    }
    let mut g = c.benchmark_group("frame-200x60");
    g.sample_size(20);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(2));
    for (name, lib) in [
        ("browse/embedded", tuitor::content::load_embedded()),
        ("browse/generated-1k", generated),
    ] {
        let app = app(lib);
        let mut term = match Terminal::new(TestBackend::new(200, 60)) {
            Ok(t) => t,
            Err(e) => panic!("a test terminal: {e}"),
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                // A full redraw: ratatui diffs against the previous buffer, so
                // clear it to make every iteration draw and compare every cell.
                let _ = term.clear();
                let done = term.draw(|f| tui::view::view(black_box(&app), f));
                black_box(done.is_ok())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, frame);
criterion_main!(benches);
