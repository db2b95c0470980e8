//! A fresh clone builds and passes its tests with nothing beside it: nothing under `src/`,
//! `tests/`, `build.rs` or `Cargo.toml` may point above the repository (`../` that climbs out
//! of it) or at an absolute path on someone's machine. CI proves the same by running the tests
//! in a clone placed alone in an empty folder; this test names the line.

use std::path::{Component, Path, PathBuf};

/// Top-level folders of Unix and macOS file systems: a string starting with one of these is a
/// path on somebody's machine, not a URL route like `/slack/commands`.
const FILE_SYSTEM_ROOTS: &[&str] = &[
    "/bin/",
    "/boot/",
    "/dev/",
    "/etc/",
    "/home/",
    "/lib/",
    "/lib64/",
    "/media/",
    "/mnt/",
    "/nix/",
    "/opt/",
    "/private/",
    "/proc/",
    "/root/",
    "/run/",
    "/sbin/",
    "/srv/",
    "/sys/",
    "/tmp/",
    "/usr/",
    "/var/",
    "/work/",
    "/Users/",
    "/Volumes/",
];

/// Absolute paths that name no file of any machine but the running process's own state (the
/// benchmarks read their resident memory from here). `/proc/` followed by a formatted process id
/// (`/proc/{pid}/stat`: a child the program started, as `ack_cpu` measures `tandem run`) is
/// process state too.
const ALLOWED_ABSOLUTE: &[&str] = &["/proc/self/"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file the build and the tests read code or paths from.
fn checked_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "rs" || e == "toml" || e == "txt" || e == "snap")
            {
                out.push(path);
            }
        }
    }
    let mut files = vec![root().join("Cargo.toml")];
    if root().join("build.rs").exists() {
        files.push(root().join("build.rs"));
    }
    for dir in ["src", "tests"] {
        walk(&root().join(dir), &mut files);
    }
    files
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '~' | '@')
}

/// Where `path`, taken from `base`, ends up; `None` if it climbs above the repository.
fn resolve_inside(base: &Path, path: &str) -> Option<PathBuf> {
    let root = root();
    let mut at: Vec<Component> = base.strip_prefix(&root).ok()?.components().collect();
    for part in Path::new(path).components() {
        match part {
            Component::ParentDir => {
                at.pop()?;
            }
            Component::Normal(_) => at.push(part),
            _ => {}
        }
    }
    Some(at.iter().collect())
}

/// What is wrong with one line of `file`, if anything.
fn problems_in_line(file: &Path, line: &str) -> Vec<String> {
    let mut problems = vec![];
    let folder = file.parent().unwrap_or(Path::new("/"));
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    // Each maximal run of path characters containing `..` as a path step.
    let mut i = 0;
    while i < chars.len() {
        if !is_path_char(chars[i].1) {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        while i < chars.len() && is_path_char(chars[i].1) {
            i += 1;
        }
        let end = chars.get(i).map_or(line.len(), |c| c.0);
        let token = &line[start..end];
        let climbs = token.split('/').any(|step| step == "..");
        if climbs {
            // `"/../x"` is appended to a folder (CARGO_MANIFEST_DIR): it climbs from the root.
            // Anything else is relative to the file (include_str!, #[path], mod paths).
            let (base, rel) = match token.strip_prefix('/') {
                Some(rest) => (root(), rest),
                None if file.ends_with("Cargo.toml") => (root(), token),
                None => (folder.to_path_buf(), token),
            };
            if resolve_inside(&base, rel).is_none() {
                problems.push(format!("`{token}` climbs out of the repository"));
            }
        }
        let a_childs_state = token == "/proc/" && chars.get(i).is_some_and(|c| c.1 == '{');
        if FILE_SYSTEM_ROOTS.iter().any(|r| token.starts_with(r))
            && !ALLOWED_ABSOLUTE.iter().any(|a| token.starts_with(a))
            && !a_childs_state
        {
            problems.push(format!("`{token}` is an absolute path"));
        }
    }
    if line.contains("CARGO_MANIFEST_DIR") && line.contains(".parent()") {
        problems.push("the folder above CARGO_MANIFEST_DIR".into());
    }
    problems
}

#[test]
fn nothing_reaches_outside_the_repository() {
    let mut found = vec![];
    // This file lists roots and examples on purpose; everything else is held to the rule.
    let this_file = root().join(file!());
    for file in checked_files().into_iter().filter(|f| *f != this_file) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            for problem in problems_in_line(&file, line) {
                let shown = file.strip_prefix(root()).unwrap_or(&file).display();
                found.push(format!("{shown}:{}: {problem}", n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a fresh clone has nothing beside it; vendor what these read into the repository:\n  {}",
        found.join("\n  ")
    );
}

/// The check itself: what it must catch, and what it must let through.
#[test]
fn the_check_tells_climbing_out_from_staying_in() {
    let chart = root().join("src/app/surveys/chart.rs");
    let template = root().join("src/domain/survey/template.rs");
    let fake = root().join("tests/integration/discord/spec.rs");
    let bench = root().join("tests/benches/discord_fanout.rs");
    let flagged = |file: &Path, line: &str| !problems_in_line(file, line).is_empty();
    // The examples of reaching out are put together here, so that this file does not itself
    // name a place beside the repository or on the machine.
    let (up, away) = ("..", "elsewhere");
    let root_of = |dir: &str| format!("/{dir}");
    assert!(!flagged(
        &chart,
        r#"include_bytes!("../../../assets/fonts/DejaVuSans.ttf")"#
    ));
    assert!(flagged(
        &template,
        &format!(r#"include_str!("{up}/{up}/{up}/{up}/{away}/x.toml")"#)
    ));
    assert!(flagged(
        &fake,
        &format!(
            r#"concat!(env!("CARGO_MANIFEST_DIR"), "/{up}/{away}/specs/discord/openapi.json")"#
        )
    ));
    assert!(!flagged(
        &fake,
        r#"concat!(env!("CARGO_MANIFEST_DIR"), "/specs/discord/openapi.json")"#
    ));
    assert!(!flagged(
        &bench,
        r#"#[path = "../integration/discord/fake.rs"]"#
    ));
    assert!(flagged(
        &fake,
        &format!("// read from {}/{away}/specs/slack", root_of("srv"))
    ));
    assert!(flagged(
        &fake,
        &format!(r#"let p = "{}/me/tandem/specs";"#, root_of("home"))
    ));
    assert!(!flagged(
        &fake,
        r#".route("/slack/commands", post(commands))"#
    ));
    assert!(!flagged(&bench, r#"read_to_string("/proc/self/status")"#));
    // A child's process state by its formatted id, but nothing else under /proc.
    assert!(!flagged(
        &bench,
        r#"read_to_string(format!("/proc/{pid}/stat"))"#
    ));
    assert!(flagged(
        &bench,
        &format!(r#"read_to_string("{}/cpuinfo")"#, root_of("proc"))
    ));
    assert!(flagged(
        &fake,
        r#"Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()"#
    ));
    let root_toml = root().join("Cargo.toml");
    assert!(flagged(
        &root_toml,
        &format!(r#"sibling = {{ path = "{up}/{away}" }}"#)
    ));
}
