//! A roster: the spreadsheet coordinators keep, one pair a row, read by `tandem import`. Only the
//! file's shape is checked here (columns, accounts, zones); the pairing rules are the app's.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use chrono_tz::Tz;

use super::Identity;
use super::time::parse_zone;

/// Every column a roster may have. Only `mentor` and `mentee` are required.
pub const COLUMNS: [&str; 11] = [
    "intake",
    "mentor",
    "mentee",
    "mentor_name",
    "mentee_name",
    "mentor_city",
    "mentee_city",
    "mentor_tz",
    "mentee_tz",
    "mentor_email",
    "mentee_email",
];
const REQUIRED: [&str; 2] = ["mentor", "mentee"];

/// Who a `mentor` or `mentee` cell names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Account {
    /// `slack:U012AB`, `discord:80351110224678912`, `console:aroha`: registered if new.
    Platform(Identity),
    /// A plain name: someone already in the program, by console name or display name, as
    /// `@name` in `tandem admin`.
    Name(String),
}

/// One side of a pair as the row gives it. Empty cells are `None`: they change nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub account: Account,
    pub name: Option<String>,
    /// As typed; the app applies the same rules as `/mentoring profile city:`.
    pub city: Option<String>,
    pub zone: Option<Tz>,
    pub email: Option<String>,
}

/// A pair as one row gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row's line in the file, for messages.
    pub line: u64,
    pub intake: Option<String>,
    pub mentor: Member,
    pub mentee: Member,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: u64,
    pub what: ProblemKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    /// Not readable as CSV (text that isn't UTF-8, say).
    Unreadable(String),
    NoHeader,
    UnknownColumn(String),
    DuplicateColumn(String),
    MissingColumn(&'static str),
    CellCount {
        found: usize,
        expected: usize,
    },
    /// `mentor` or `mentee` left empty.
    Blank(&'static str),
    BadAccount {
        column: &'static str,
        value: String,
        why: String,
    },
    BadZone {
        column: &'static str,
        value: String,
    },
    BadEmail {
        column: &'static str,
        value: String,
    },
}

/// Reads a roster. Returns the rows that are well formed and a problem for each one that isn't;
/// a bad header means no rows at all.
pub fn parse(source: &[u8]) -> (Vec<Row>, Vec<Problem>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(source);
    let mut problems = Vec::new();
    let mut header: Option<Vec<&'static str>> = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map_or(1, |p| p.line());
                problems.push(Problem {
                    line,
                    what: ProblemKind::Unreadable(err.to_string()),
                });
                continue;
            }
        };
        let line = record.position().map_or(1, |p| p.line());
        // Spreadsheets save empty rows as a line of commas.
        if record.iter().all(str::is_empty) {
            continue;
        }
        match &header {
            None => match columns(&record) {
                Ok(found) => header = Some(found),
                Err(kinds) => {
                    problems.extend(kinds.into_iter().map(|what| Problem { line, what }));
                    return (Vec::new(), problems);
                }
            },
            Some(columns) => match row(columns, &record, line) {
                Ok(row) => rows.push(row),
                Err(kinds) => problems.extend(kinds.into_iter().map(|what| Problem { line, what })),
            },
        }
    }
    if header.is_none() && problems.is_empty() {
        problems.push(Problem {
            line: 1,
            what: ProblemKind::NoHeader,
        });
    }
    (rows, problems)
}

/// The header's columns, matched to [`COLUMNS`] whatever their case.
fn columns(record: &csv::StringRecord) -> Result<Vec<&'static str>, Vec<ProblemKind>> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for cell in record {
        // A byte-order mark, as some spreadsheets write, is not part of the first name.
        let name = cell.trim_start_matches('\u{feff}').trim().to_lowercase();
        match COLUMNS.iter().find(|c| **c == name) {
            Some(column) if found.contains(column) => {
                problems.push(ProblemKind::DuplicateColumn(name))
            }
            Some(column) => found.push(*column),
            None => problems.push(ProblemKind::UnknownColumn(cell.to_string())),
        }
    }
    for column in REQUIRED {
        if !found.contains(&column) {
            problems.push(ProblemKind::MissingColumn(column));
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

fn row(
    columns: &[&'static str],
    record: &csv::StringRecord,
    line: u64,
) -> Result<Row, Vec<ProblemKind>> {
    if record.len() != columns.len() {
        return Err(vec![ProblemKind::CellCount {
            found: record.len(),
            expected: columns.len(),
        }]);
    }
    let cell = |name: &str| {
        columns
            .iter()
            .position(|c| *c == name)
            .and_then(|i| record.get(i))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let mut problems = Vec::new();
    let mut member = |role: &'static str| -> Option<Member> {
        let (account_col, zone_col, email_col) = match role {
            "mentor" => ("mentor", "mentor_tz", "mentor_email"),
            _ => ("mentee", "mentee_tz", "mentee_email"),
        };
        let zone = cell(zone_col).and_then(|value| match parse_zone(&value) {
            Some(zone) => Some(zone),
            None => {
                problems.push(ProblemKind::BadZone {
                    column: zone_col,
                    value,
                });
                None
            }
        });
        let email = cell(email_col).and_then(|value| {
            if looks_like_email(&value) {
                Some(value)
            } else {
                problems.push(ProblemKind::BadEmail {
                    column: email_col,
                    value,
                });
                None
            }
        });
        let Some(typed) = cell(account_col) else {
            problems.push(ProblemKind::Blank(account_col));
            return None;
        };
        let account = match parse_account(&typed) {
            Ok(account) => account,
            Err(why) => {
                problems.push(ProblemKind::BadAccount {
                    column: account_col,
                    value: typed,
                    why,
                });
                return None;
            }
        };
        Some(Member {
            account,
            name: cell(&format!("{role}_name")),
            city: cell(&format!("{role}_city")),
            zone,
            email,
        })
    };
    let mentor = member("mentor");
    let mentee = member("mentee");
    match (mentor, mentee) {
        (Some(mentor), Some(mentee)) if problems.is_empty() => Ok(Row {
            line,
            intake: cell("intake"),
            mentor,
            mentee,
        }),
        _ => Err(problems),
    }
}

/// `slack:U012AB`, `discord:80351110224678912`, `console:aroha`, or the plain name of someone
/// already in the program; a leading `@` is allowed, as people copy mentions.
pub fn parse_account(typed: &str) -> Result<Account, String> {
    let typed = typed.trim();
    let typed = typed.strip_prefix('@').unwrap_or(typed);
    if typed.contains(':') {
        return Identity::parse_account(typed).map(Account::Platform);
    }
    if typed.is_empty() {
        return Err("an account or a name is needed".into());
    }
    Ok(Account::Name(typed.to_string()))
}

fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((name, domain)) => {
            !name.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Platform;

    fn kinds(source: &str) -> Vec<(u64, ProblemKind)> {
        parse(source.as_bytes())
            .1
            .into_iter()
            .map(|p| (p.line, p.what))
            .collect()
    }

    #[test]
    fn headers_ignore_case_bom_and_blank_lines() {
        let source = "\u{feff}Intake,MENTOR,Mentee,mentee_tz\n\n,,,\n2027 February,slack:U1,slack:U2,pacific/auckland\n";
        let (rows, problems) = parse(source.as_bytes());
        assert_eq!(problems, vec![]);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[0].intake.as_deref(), Some("2027 February"));
        assert_eq!(
            rows[0].mentor.account,
            Account::Platform(Identity::new(Platform::Slack, "U1"))
        );
        assert_eq!(rows[0].mentee.zone, Some(chrono_tz::Pacific::Auckland));
        assert_eq!(rows[0].mentee.city, None);
    }

    #[test]
    fn unknown_duplicate_and_missing_columns_are_named() {
        assert_eq!(
            kinds("mentor,Mentor,buddy\n"),
            vec![
                (1, ProblemKind::DuplicateColumn("mentor".into())),
                (1, ProblemKind::UnknownColumn("buddy".into())),
                (1, ProblemKind::MissingColumn("mentee")),
            ]
        );
        assert_eq!(kinds(""), vec![(1, ProblemKind::NoHeader)]);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let source = "mentor,mentee,mentor_tz,mentee_email\n\
                      aroha,ben,Mars/Olympus,ben@example.org\n\
                      ,ben\n\
                      slack:U1,nobody:7,,not-an-address\n\
                      discord:80351110224678912,@cy,Asia/Hong_Kong,cy@example.org\n";
        let (rows, problems) = parse(source.as_bytes());
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 5);
        assert_eq!(rows[0].mentee.account, Account::Name("cy".into()));
        let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 4]);
        assert!(matches!(
            problems[1].what,
            ProblemKind::CellCount {
                found: 2,
                expected: 4
            }
        ));
    }

    #[test]
    fn accounts_take_the_admin_forms() {
        assert_eq!(
            parse_account("@discord:80351110224678912"),
            Ok(Account::Platform(Identity::new(
                Platform::Discord,
                "80351110224678912"
            )))
        );
        assert_eq!(
            parse_account("console:aroha"),
            Ok(Account::Platform(Identity::new(Platform::Console, "aroha")))
        );
        assert_eq!(
            parse_account(" Mere Tamihana "),
            Ok(Account::Name("Mere Tamihana".into()))
        );
        assert!(parse_account("teams:123").is_err());
        assert!(parse_account("slack:U1 U2").is_err());
    }
}
