//! Fuzz target: `tandem::fuzzing::discord_requests` must not panic on any input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tandem::fuzzing::discord_requests(data));
