//! The docs kept in step with the code: what can be generated is compared with what the code
//! says, and `TANDEM_UPDATE_DOCS=1 cargo test` rewrites it. docs/commands.md is generated whole;
//! the generated parts of the other pages are in `doc_tables`.

use std::path::PathBuf;

const UPDATE: &str = "TANDEM_UPDATE_DOCS";
const END: &str = "<!-- end -->";

pub fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

pub fn read(relative: &str) -> String {
    std::fs::read_to_string(repo_path(relative))
        .unwrap_or_else(|err| panic!("cannot read {relative}: {err}"))
}

/// Writes whole, through a file beside it, so a test reading the page meanwhile sees the old
/// text or the new, never half.
fn write(relative: &str, text: &str) {
    let path = repo_path(relative);
    let beside = path.with_extension("md.updating");
    std::fs::write(&beside, text).unwrap();
    std::fs::rename(&beside, &path).unwrap();
}

fn stale(what: &str, generated: &str) -> ! {
    panic!(
        "{what} is out of date: run `{UPDATE}=1 cargo test` and commit the result. \
         It should read:\n{generated}"
    )
}

/// `relative` holds `generated` and nothing else.
fn check_generated_file(relative: &str, generated: &str) {
    if std::env::var_os(UPDATE).is_some() {
        write(relative, generated);
    }
    if std::fs::read_to_string(repo_path(relative)).unwrap_or_default() != generated {
        stale(relative, generated);
    }
}

/// Between `<!-- generated: NAME -->` and the next `<!-- end -->` in `relative`: `generated`.
pub fn check_generated_part(relative: &str, name: &str, generated: &str) {
    // Two parts of one page rewritten at once would each write back the other's old text.
    static REWRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = REWRITING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let text = read(relative);
    let open = format!("<!-- generated: {name} -->\n");
    let start = text
        .find(&open)
        .unwrap_or_else(|| panic!("{relative} has no `{}` line", open.trim()))
        + open.len();
    let end = start
        + text[start..]
            .find(END)
            .unwrap_or_else(|| panic!("{relative}: `{}` has no `{END}` after it", open.trim()));
    if text[start..end] == *generated {
        return;
    }
    if std::env::var_os(UPDATE).is_none() {
        stale(&format!("{relative} (`{name}`)"), generated);
    }
    let rewritten = format!("{}{generated}{}", &text[..start], &text[end..]);
    write(relative, &rewritten);
}

#[test]
fn commands_reference_matches_the_table() {
    check_generated_file("docs/commands.md", &tandem::commands::docs::markdown());
}
