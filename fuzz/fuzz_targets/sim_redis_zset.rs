//! Fuzz target `sim_redis_zset`: random command lines through the `redis-zset` session
//! (see `check::sim_session` in `tests/fuzz_checks/mod.rs`).
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::sim_session("redis-zset", data));
