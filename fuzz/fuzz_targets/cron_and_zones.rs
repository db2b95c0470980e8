//! Fuzz target: `tandem::fuzzing::cron_and_zones` must not panic on any input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tandem::fuzzing::cron_and_zones(data));
