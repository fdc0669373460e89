//! Fuzz target `tbx_read`: see `checks::tbx_read` for what it feeds and asserts.
#![no_main]

#[path = "checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::tbx_read(data));
