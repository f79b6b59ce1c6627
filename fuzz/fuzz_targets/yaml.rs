//! Fuzz target `yaml`: see `check::yaml` in `tests/fuzz_checks/mod.rs`.
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::yaml(data));
