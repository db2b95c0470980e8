//! Fuzz target: `tandem::fuzzing::slack_requests` must not panic on any input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tandem::fuzzing::slack_requests(data));
