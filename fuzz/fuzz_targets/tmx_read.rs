//! Fuzz target `tmx_read`: see `checks::tmx_read` for what it feeds and asserts.
#![no_main]

#[path = "checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::tmx_read(data));
