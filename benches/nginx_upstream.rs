//! Benchmarks for the nginx_upstream engine (filled in with the engine).

fn main() {}
