//! docs/commands.md is generated from the command table; this keeps the two from drifting.

#[test]
fn commands_reference_matches_the_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/commands.md");
    let generated = tandem::commands::docs::markdown();
    if std::env::var_os("TANDEM_UPDATE_DOCS").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/commands.md is out of date: run `TANDEM_UPDATE_DOCS=1 cargo test` and commit the result"
    );
}
