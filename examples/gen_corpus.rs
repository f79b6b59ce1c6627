//! Writes a deterministic corpus of generated Markdown notes for benchmarks.
//!
//! Usage: `cargo run --release --example gen_corpus -- N DIR [SEED] [BYTES_PER_NOTE]`
//! (or `scripts/gen-corpus`). The same arguments always produce the same files.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_corpus N DIR [SEED] [BYTES_PER_NOTE]";
    let (Some(n), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let parse = |s: Option<&String>, default: u64, what: &str| -> Result<u64, String> {
        s.map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| format!("{what} must be a whole number, got `{v}`; {usage}"))
        })
    };
    let numbers = (
        parse(Some(n), 0, "N"),
        parse(args.get(2), 42, "SEED"),
        parse(args.get(3), 12_000, "BYTES_PER_NOTE"),
    );
    let (n, seed, bytes) = match numbers {
        (Ok(n), Ok(s), Ok(b)) => (n as usize, s, b as usize),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let dir = PathBuf::from(dir);
    match corpus::write_corpus(&dir, n, seed, bytes) {
        Ok(total) => {
            println!(
                "{n} notes, {:.1} MB in {}",
                total as f64 / 1e6,
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write the corpus into {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}
