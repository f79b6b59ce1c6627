//! Benchmarks for the redis_zset engine (filled in with the engine).

fn main() {}
