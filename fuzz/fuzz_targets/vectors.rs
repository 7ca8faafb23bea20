#![no_main]

#[path = "../../crates/ses-smtp-credentials/tests/fuzz_properties/mod.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::vectors(data));
