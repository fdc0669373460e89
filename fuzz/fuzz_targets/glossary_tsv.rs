//! Fuzz target `glossary_tsv`: see `checks::glossary_tsv` for what it feeds and asserts.
#![no_main]

#[path = "checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::glossary_tsv(data));
