//! Fuzz target `segment_en`: see `checks::segment_en` for what it feeds and asserts.
#![no_main]

#[path = "checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::segment_en(data));
