//! Fuzz target `align_tiny`: see `checks::align_tiny` for what it feeds and asserts.
#![no_main]

#[path = "checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::align_tiny(data));
