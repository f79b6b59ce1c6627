//! Fuzz target `sim_nginx_upstream`: random command lines through the `nginx-upstream` session
//! (see `check::sim_session` in `tests/fuzz_checks/mod.rs`).
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::sim_session("nginx-upstream", data));
