//! Benchmarks for the django engine (filled in with the engine).

fn main() {}
