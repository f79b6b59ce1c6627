//! Finder keystroke latency: loads notes, builds the search index, writes every
//! searchable line to a file (the candidate lines a line-based finder such as
//! fzf would be given), then reads queries from stdin, one per line, and types
//! each one character at a time through a `Searcher` (the finder's state),
//! printing one JSON object per query with each keystroke's search time.
//!
//! Usage: `keystrokes NOTES_DIR LINES_FILE < queries`
//! (driven by `scripts/bench-search`).

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::time::Instant;

use tuitor::search::{Index, Searcher};

/// Results the finder keeps (as the TUI does).
const LIMIT: usize = 200;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(lines)) = (args.first(), args.get(1)) else {
        eprintln!("usage: keystrokes NOTES_DIR LINES_FILE < queries");
        return ExitCode::from(2);
    };
    let t = Instant::now();
    let lib = tuitor::content::load_paths(&[dir.into()]);
    let loaded = t.elapsed();
    let t = Instant::now();
    let index = Index::build(&lib);
    let built = t.elapsed();
    let mut text = String::new();
    for e in &index.entries {
        text.push_str(&e.text);
        text.push('\n');
    }
    if let Err(e) = std::fs::write(lines, text) {
        eprintln!("cannot write {lines}: {e}");
        return ExitCode::FAILURE;
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{{\"notes\":{},\"entries\":{},\"load_ms\":{:.1},\"index_ms\":{:.1}}}",
        lib.notes.len(),
        index.entries.len(),
        loaded.as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e3
    );
    let _ = out.flush();
    for q in std::io::stdin().lock().lines() {
        let Ok(q) = q else { break };
        let mut s = Searcher::new();
        let mut typed = String::new();
        let mut times = Vec::new();
        let mut hits = 0;
        for c in q.chars() {
            typed.push(c);
            let t = Instant::now();
            hits = s.search(&index, &typed, LIMIT).len();
            times.push(format!("{:.3}", t.elapsed().as_secs_f64() * 1e3));
        }
        let _ = writeln!(
            out,
            "{{\"query\":{:?},\"hits\":{hits},\"ms\":[{}]}}",
            q,
            times.join(",")
        );
        let _ = out.flush();
    }
    ExitCode::SUCCESS
}
