//! The docs kept in step with the code, one way for every part: what can be generated is compared
//! with what the code says (`TANDEM_UPDATE_DOCS=1 cargo test` rewrites it), and a table with
//! hand-written descriptions is checked name by name, in both directions. docs/commands.md is
//! generated whole; the checked parts of the other pages are in `doc_tables`.

use std::collections::BTreeSet;
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

/// The names a hand-written table gives and the names the code has are the same.
pub fn same_names(what: &str, in_docs: &BTreeSet<String>, in_code: &BTreeSet<String>) {
    let missing: Vec<_> = in_code.difference(in_docs).collect();
    let extra: Vec<_> = in_docs.difference(in_code).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing from the docs: {missing:?}; in the docs but not in the code: {extra:?}"
    );
}

/// The body rows (cells trimmed, `\|` kept as `|`) of every table under `heading`, up to the
/// next heading of the same or a higher level.
pub fn table_rows(relative: &str, heading: &str) -> Vec<Vec<String>> {
    let text = read(relative);
    let level = heading.chars().take_while(|&c| c == '#').count();
    let mut lines = text.lines().skip_while(|l| *l != heading);
    assert!(lines.next().is_some(), "{relative} has no `{heading}`");
    let mut rows = Vec::new();
    let mut fenced = false;
    for line in lines {
        fenced ^= line.starts_with("```");
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !fenced && hashes > 0 && hashes <= level && line[hashes..].starts_with(' ') {
            break;
        }
        if fenced || !line.starts_with('|') {
            continue;
        }
        let cells: Vec<String> = line
            .replace("\\|", "\u{0}")
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().replace('\u{0}', "|"))
            .collect();
        rows.push(cells);
    }
    // Each table's header and its `|---|` line.
    let mut body = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let separator = |r: &Vec<String>| r.iter().all(|c| c.chars().all(|ch| "-: ".contains(ch)));
        let header = rows.get(i + 1).is_some_and(separator);
        if !separator(row) && !header {
            body.push(row.clone());
        }
    }
    body
}

/// Every `` `quoted` `` piece of a cell.
pub fn quoted(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn commands_reference_matches_the_table() {
    check_generated_file("docs/commands.md", &tandem::commands::docs::markdown());
}
