//! Replays every fuzz corpus file (`fuzz/corpus/TARGET/`) through the entry point its fuzz target
//! calls (`tandem::fuzzing`), on stable Rust in every `cargo test`: the seeds, and whatever a
//! local fuzzing run added, keep being handled without a panic.

use std::path::Path;

#[test]
fn every_corpus_file_is_handled_without_a_panic() {
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (target, run) in tandem::fuzzing::TARGETS {
        let mut files: Vec<_> = std::fs::read_dir(corpora.join(target))
            .unwrap_or_else(|err| panic!("the corpus of {target}: {err}"))
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{target} has no corpus");
        for file in files {
            let data = std::fs::read(&file).unwrap();
            run(&data);
        }
    }
}
