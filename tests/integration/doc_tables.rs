//! The parts of docs/architecture.md, docs/operations.md and README.md that name things in the
//! code: the module map, the job kinds, the HTTP routes, the settings and the migrations. Each
//! fails when the code gains, loses or renames one of them and the page does not follow.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use clap::CommandFactory;

use crate::docs::{check_generated_part, quoted, read, repo_path, same_names, table_rows};

const ARCHITECTURE: &str = "docs/architecture.md";

/// Every `.rs` file under `dir`, as a path from the repository's root.
fn rust_files(dir: &str) -> BTreeSet<String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).unwrap();
                out.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&repo_path(dir), &repo_path(""), &mut out);
    out
}

/// A table cell's text: `|` would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[test]
fn the_module_map_lists_every_source_file() {
    let mut listed = BTreeSet::new();
    for row in table_rows(ARCHITECTURE, "## Module map") {
        listed.extend(quoted(&row[0]));
    }
    // The Slack and Discord folders have their own tables, one file a row.
    for (heading, folder) in [
        ("## Slack", "src/adapters/slack/"),
        ("## Discord", "src/adapters/discord/"),
    ] {
        for row in table_rows(ARCHITECTURE, heading) {
            listed.extend(quoted(&row[0]).iter().map(|name| format!("{folder}{name}")));
        }
    }
    let gone: Vec<_> = listed.iter().filter(|p| !repo_path(p).exists()).collect();
    assert!(
        gone.is_empty(),
        "{ARCHITECTURE} names paths that do not exist: {gone:?}"
    );
    let listed_files = listed
        .into_iter()
        .filter(|p| p.starts_with("src/") && p.ends_with(".rs"))
        .collect();
    same_names(
        "the module map (docs/architecture.md) and the files under src/",
        &listed_files,
        &rust_files("src"),
    );
}

/// `JobKind`'s variants with their doc comments, as `src/store/jobs.rs` declares them.
fn job_kinds_in_source() -> Vec<(String, String)> {
    let source = read("src/store/jobs.rs");
    let body = source
        .split("pub enum JobKind {")
        .nth(1)
        .and_then(|rest| rest.split("\n}").next())
        .expect("src/store/jobs.rs declares `pub enum JobKind { … }`");
    let mut kinds = Vec::new();
    let mut doc = String::new();
    for line in body.lines().map(str::trim) {
        if let Some(text) = line.strip_prefix("///") {
            doc = format!("{doc} {}", text.trim());
        } else if let Some(variant) = line.strip_suffix(',') {
            let mut name = String::new();
            for c in variant.chars() {
                if c.is_uppercase() && !name.is_empty() {
                    name.push('_');
                }
                name.push(c.to_ascii_lowercase());
            }
            kinds.push((name, std::mem::take(&mut doc).trim().to_string()));
        }
    }
    kinds
}

fn job_kinds_markdown() -> String {
    let kinds = job_kinds_in_source();
    let variants: BTreeSet<_> = kinds.iter().map(|(name, _)| name.as_str()).collect();
    let listed: BTreeSet<_> = tandem::store::jobs::KINDS
        .iter()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        variants, listed,
        "src/store/jobs.rs: every `JobKind` variant, named as `as_str` names it, is in `KINDS`"
    );
    let mut out = String::from("| kind | what it does |\n|---|---|\n");
    for (name, doc) in kinds {
        out.push_str(&format!("| `{name}` | {} |\n", cell(&doc)));
    }
    out
}

#[test]
fn the_job_kinds_are_the_code_s() {
    check_generated_part(ARCHITECTURE, "job-kinds", &job_kinds_markdown());
}

/// Every migration file, in the order the migrator applies them, with the first sentence of its
/// opening comment.
fn migrations_markdown() -> String {
    let mut files = Vec::new();
    for folder in ["migrations", "migrations/sqlite", "migrations/postgres"] {
        for entry in std::fs::read_dir(repo_path(folder)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            if let Some(version) = name.strip_suffix(".sql").and_then(|n| n.split('_').next()) {
                files.push((version.to_string(), format!("{folder}/{name}")));
            }
        }
    }
    files.sort();
    assert_eq!(
        files.len(),
        tandem::store::all_migrations().count(),
        "every .sql file under migrations/ is a migration the binary embeds"
    );
    let mut out = String::from("| version | file | what it does |\n|---|---|---|\n");
    for (version, path) in files {
        let sql = read(&path);
        let comment: Vec<_> = sql
            .lines()
            .map_while(|l| l.strip_prefix("--"))
            .map(str::trim)
            .collect();
        let comment = comment.join(" ");
        let first = match comment.find(". ") {
            Some(end) => &comment[..=end],
            None => &comment,
        };
        out.push_str(&format!("| {version} | `{path}` | {} |\n", cell(first)));
    }
    out
}

#[test]
fn the_migrations_list_is_every_file_in_order() {
    check_generated_part(ARCHITECTURE, "migrations", &migrations_markdown());
}

/// `METHOD /path` of every `.route("/path", method(…))` in src/.
fn routes_in_code() -> BTreeSet<String> {
    let route =
        regex::Regex::new(r#"\.route\(\s*"([^"]+)",\s*(get|post|put|patch|delete)\("#).unwrap();
    let mut routes = BTreeSet::new();
    for file in rust_files("src") {
        let source = read(&file);
        let found: Vec<_> = route.captures_iter(&source).collect();
        assert_eq!(
            found.len(),
            source.matches(".route(").count(),
            "{file}: every `.route(` should name its path as a literal and its method, so the \
             routes table can be checked"
        );
        for c in found {
            routes.insert(format!("{} {}", c[2].to_uppercase(), &c[1]));
        }
    }
    routes
}

#[test]
fn the_routes_table_is_every_route() {
    let in_docs = table_rows(ARCHITECTURE, "## HTTP routes")
        .into_iter()
        .map(|row| format!("{} {}", row[0], quoted(&row[1]).concat()))
        .collect();
    same_names(
        "the routes table (docs/architecture.md) and the routers under src/adapters/",
        &in_docs,
        &routes_in_code(),
    );
}

/// Each environment variable the command line reads, with every `--flag` that sets it (none for
/// the secrets, which only the environment gives).
fn settings_in_code() -> BTreeMap<String, BTreeSet<String>> {
    fn walk(command: &clap::Command, out: &mut BTreeMap<String, BTreeSet<String>>) {
        for arg in command.get_arguments() {
            if let Some(env) = arg.get_env() {
                let flags = out.entry(env.to_string_lossy().to_string()).or_default();
                flags.extend(arg.get_long().map(|long| format!("--{long}")));
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut settings = BTreeMap::new();
    walk(&tandem::cli::Cli::command(), &mut settings);
    let secret = regex::Regex::new(r#"secret_from_env\("([A-Z_]+)"\)"#).unwrap();
    for c in secret.captures_iter(&read("src/config/mod.rs")) {
        settings.entry(c[1].to_string()).or_default();
    }
    settings
}

/// A settings table: each row's variable and the `--flags` its flag column names.
fn settings_in_docs(relative: &str, heading: &str) -> BTreeMap<String, BTreeSet<String>> {
    table_rows(relative, heading)
        .into_iter()
        .map(|row| {
            let flags = quoted(&row[1]).into_iter().filter(|f| f.starts_with("--"));
            (quoted(&row[0]).concat(), flags.collect())
        })
        .collect()
}

#[test]
fn the_readme_lists_every_setting_with_its_flags() {
    let in_code = settings_in_code();
    let in_docs = settings_in_docs("README.md", "### Configuration");
    same_names(
        "README.md's settings and the environment variables the command line reads",
        &in_docs.keys().cloned().collect(),
        &in_code.keys().cloned().collect(),
    );
    for (variable, flags) in &in_docs {
        same_names(
            &format!("README.md's flags for {variable}"),
            flags,
            &in_code[variable],
        );
    }
}

#[test]
fn the_operations_settings_are_real_and_spelled_right() {
    let in_code = settings_in_code();
    for (variable, flags) in settings_in_docs("docs/operations.md", "## Running `tandem run`") {
        let Some(real) = in_code.get(&variable) else {
            panic!("docs/operations.md names a setting the code does not read: {variable}");
        };
        let unknown: Vec<_> = flags.difference(real).collect();
        assert!(
            unknown.is_empty(),
            "docs/operations.md: {variable} has no flag {unknown:?}; it has {real:?}"
        );
    }
}
