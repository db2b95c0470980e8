//! Fuzz target: `tandem::fuzzing::roster_csv` must not panic on any input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tandem::fuzzing::roster_csv(data));
