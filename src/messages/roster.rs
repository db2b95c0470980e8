//! What `tandem import` prints: each problem as `FILE:LINE: what is wrong`, what a dry run would
//! do, and the summary per intake. Terminal text, so plain strings.

use crate::app::UserError;
use crate::app::roster::{PlannedRow, RosterPlan, RosterProblem, RowProblem};
use crate::domain::roster::{COLUMNS, ProblemKind};

use super::count;

/// One line per problem: `roster.csv:4: what is wrong`.
pub fn roster_problem(file: &str, problem: &RosterProblem) -> String {
    let what = match &problem.what {
        RowProblem::Shape(kind) => shape_problem(kind),
        RowProblem::Rule(rule) => rule_problem(rule),
        RowProblem::PairedEarlier {
            person,
            intake,
            line,
        } => format!(
            "{person} is already paired in {intake} on line {line}; a person has one active pair per intake"
        ),
        RowProblem::PlaceDiffers { person, line } => format!(
            "{person}'s city or time zone differs from line {line}; give them the same on both lines, or leave one empty"
        ),
    };
    format!("{file}:{}: {what}", problem.line)
}

fn shape_problem(kind: &ProblemKind) -> String {
    match kind {
        ProblemKind::Unreadable(why) => format!("this line can't be read as CSV: {why}"),
        ProblemKind::NoHeader => format!(
            "the file is empty; its first line names the columns, e.g. `intake,mentor,mentee` (all columns: {})",
            COLUMNS.join(", ")
        ),
        ProblemKind::UnknownColumn(name) if name.trim().is_empty() => {
            "a column has no name; name it, or delete the column".into()
        }
        ProblemKind::UnknownColumn(name) => format!(
            "\"{name}\" isn't a roster column; use {} (or delete the column)",
            COLUMNS.join(", ")
        ),
        ProblemKind::DuplicateColumn(name) => {
            format!("the column \"{name}\" appears twice; keep one")
        }
        ProblemKind::MissingColumn(name) => {
            format!("the column \"{name}\" is missing; every row needs a mentor and a mentee")
        }
        ProblemKind::CellCount { found, expected } => format!(
            "this row has {found} cells but the header has {expected} columns; check for a missing or extra comma"
        ),
        ProblemKind::Blank(column) => format!("the {column} is empty"),
        ProblemKind::BadAccount { column, why, .. } => format!("{column}: {why}"),
        ProblemKind::BadZone { column, value } => format!(
            "{column}: \"{value}\" isn't an IANA time zone such as Australia/Sydney or Pacific/Auckland"
        ),
        ProblemKind::BadEmail { column, value } => {
            format!("{column}: \"{value}\" doesn't look like an email address")
        }
    }
}

/// The pairing rules in the roster's words (no chat commands to type).
fn rule_problem(rule: &UserError) -> String {
    match rule {
        UserError::UnknownIntake(name) => format!(
            "there's no intake called \"{name}\"; `tandem admin intake list` shows them, `tandem admin intake create` makes one"
        ),
        UserError::NoActiveIntake => {
            "there's no active intake; fill in the intake column, pass --intake NAME, or create one with `tandem admin intake create`".into()
        }
        UserError::IntakeClosed(name) => {
            format!("the intake \"{name}\" has closed, so it can't take new pairs")
        }
        UserError::SelfPairing => "the mentor and the mentee are the same person".into(),
        UserError::AlreadyPaired { person, intake } => format!(
            "{person} is already in another active pair in {intake}; end it first with `tandem admin unpair`, or fix the row"
        ),
        UserError::NoSharedPlatform { mentor, mentee } => format!(
            "{mentor} and {mentee} aren't on the same platform, and a pair needs one place to talk; name both on Slack or both on Discord"
        ),
        UserError::UnknownPerson(name) => format!(
            "nobody called \"{name}\" is in the program yet; name someone new by their account: slack:U012AB, discord:80351110224678912 or console:NAME"
        ),
        UserError::AmbiguousName { name, .. } => format!(
            "more than one person is called \"{name}\"; name them by their account, such as slack:U012AB"
        ),
        UserError::CityTooLong(max) => format!("a city is too long; keep it to {max} characters"),
        other => super::user_error(other)
            .lines
            .first()
            .map(|line| line.plain_text())
            .unwrap_or_default(),
    }
}

/// The closing line when any row is bad.
pub fn roster_rejected(file: &str, problems: usize) -> String {
    format!(
        "{file}: {}; nothing was imported. Fix the file and run the import again.",
        count(problems, "problem", "problems")
    )
}

/// A rule that failed while writing (someone paired a member meanwhile): the whole import was
/// rolled back.
pub fn roster_refused(file: &str, rule: &UserError) -> String {
    format!("{file}: {}; nothing was imported", rule_problem(rule))
}

/// What a dry run shows for each row.
pub fn roster_row(file: &str, row: &PlannedRow) -> String {
    let (mentor, mentee, intake) = (
        &row.mentor.display_name,
        &row.mentee.display_name,
        &row.intake.name,
    );
    match row.platform() {
        Some(platform) => format!(
            "{file}:{}: would pair {mentor} (mentor) with {mentee} (mentee) in {intake}, on {}",
            row.line,
            platform.as_str()
        ),
        None => format!(
            "{file}:{}: {mentor} and {mentee} are already paired in {intake}",
            row.line
        ),
    }
}

/// The summary: per intake, in the file's order, how many pairs were (or would be) added and how
/// many were there already; then people and places; then where the channels come from.
pub fn roster_summary(plan: &RosterPlan, dry_run: bool, invited: usize) -> String {
    let mut intakes: Vec<(&str, usize, usize)> = Vec::new();
    for row in &plan.rows {
        let name = row.intake.name.as_str();
        let at = match intakes.iter().position(|(n, _, _)| *n == name) {
            Some(at) => at,
            None => {
                intakes.push((name, 0, 0));
                intakes.len() - 1
            }
        };
        if row.is_new() {
            intakes[at].1 += 1;
        } else {
            intakes[at].2 += 1;
        }
    }
    let added_word = if dry_run { "to add" } else { "added" };
    let mut out = vec![if dry_run {
        "Dry run: nothing was changed. Importing would do this:".to_string()
    } else {
        "Imported the roster:".to_string()
    }];
    if intakes.is_empty() {
        out.push("  The roster has no pairs.".into());
    }
    for (name, added, already) in &intakes {
        out.push(format!(
            "  {name}: {} {added_word}, {already} already there.",
            count(*added, "pair", "pairs")
        ));
    }
    let newcomers = plan.newcomers();
    if newcomers > 0 {
        let verb = if dry_run { "would be" } else { "were" };
        out.push(format!(
            "  {} new to Tandem {verb} registered.",
            count(newcomers, "person", "people")
        ));
    }
    if !plan.places.is_empty() {
        let verb = if dry_run { "would get" } else { "got" };
        out.push(format!(
            "  {} {verb} a new city or time zone.",
            count(plan.places.len(), "person", "people")
        ));
    }
    if invited > 0 {
        out.push(format!(
            "  {} to meetups already announced in their city.",
            count(invited, "invitation was added", "invitations were added")
        ));
    }
    if plan.rows.iter().any(PlannedRow::is_new) {
        out.push(
            "The pairs' private channels are made by the running bot (`tandem run`): it opens each new pair's channel on Slack or Discord within five minutes, and at the pair's first check-in at the latest.".into(),
        );
    }
    out.join("\n")
}
