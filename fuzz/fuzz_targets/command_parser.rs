//! Fuzz target: `tandem::fuzzing::command_parser` must not panic on any input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tandem::fuzzing::command_parser(data));
