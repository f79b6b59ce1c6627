//! One frame of the browse screen at 200x60, drawn into ratatui's
//! `TestBackend` from the embedded notes and from 1,000 generated notes
//! (the tree is longer; the frame should cost the same). Then opening a large
//! topic: laying out the first screen on demand (`Doc::prepare`, what the
//! browser does) next to laying out the whole topic (`render_topic`).
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
        (
            "browse/embedded",
            tuitor::sim::paired(tuitor::content::load_embedded()),
        ),
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

fn open_large_topic(c: &mut Criterion) {
    // One note of about 4 MB: the generated sections of 300 notes, each under
    // a heading of its own, opened at its root.
    let mut md = String::from("# Large\n\n");
    for i in 0..300 {
        let text = corpus::generate(42, i, 12_000);
        let body = text.split("\n---\n").nth(1).unwrap_or(&text);
        md.push_str(&format!("\n## Part {i}\n\n"));
        for line in body.lines() {
            // Keep its sections below the part's heading.
            if line.starts_with('#') {
                md.push('#');
            }
            md.push_str(line);
            md.push('\n');
        }
    }
    let mut lib = Library::default();
    if let (Some(note), diags) = parse_note("large.md", md.as_bytes()) {
        lib.push(note, diags);
    }
    let about = |s: &tuitor::content::SimRef| s.name.clone();
    let mut g = c.benchmark_group(format!("open-root-of-a-{}-MB-note", md.len() / 1_000_000));
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("first-screen-on-demand", |b| {
        b.iter(|| {
            let mut doc = tuitor::render::Doc::new(&lib, 0, 160);
            doc.prepare(&lib, &about, 0, 58);
            black_box(doc.line(0).is_some())
        })
    });
    g.bench_function("whole-topic", |b| {
        b.iter(|| {
            black_box(
                tuitor::render::render_topic(&lib, 0, 160, &about)
                    .lines
                    .len(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, frame, open_large_topic);
criterion_main!(benches);
