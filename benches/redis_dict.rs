//! Benchmarks for the redis_dict engine (filled in with the engine).

fn main() {}
