//! Fuzz target `segment_zh`: see `checks::segment_zh` for what it feeds and asserts.
#![no_main]

#[path = "checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::segment_zh(data));
