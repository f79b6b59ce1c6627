//! Fuzz target `sim_django`: random command lines through the `django` session
//! (see `check::sim_session` in `tests/fuzz_checks/mod.rs`).
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::sim_session("django", data));
