//! Fuzz target: `tandem::fuzzing::survey_template` must not panic on any input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tandem::fuzzing::survey_template(data));
