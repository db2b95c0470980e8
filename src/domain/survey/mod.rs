//! Surveys as plain rules: who a survey is for, what counts as a valid answer to each kind of
//! question, and the figures coordinators see (never a group smaller than [`MIN_GROUP`]).
//! No I/O: templates come in as text, answers as strings.

pub mod results;
pub mod template;

pub use template::{Question, QuestionKind, Template};

use super::Role;

/// Below this many respondents a figure could point at a person, so it is not shown.
pub const MIN_GROUP: usize = 3;

/// Who a survey asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Mentors,
    Mentees,
    Everyone,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Mentors => "mentors",
            Audience::Mentees => "mentees",
            Audience::Everyone => "everyone",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Audience::Mentors, Audience::Mentees, Audience::Everyone]
            .into_iter()
            .find(|a| a.as_str() == text)
    }

    pub fn includes(self, role: Role) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Mentors => role == Role::Mentor,
            Audience::Mentees => role == Role::Mentee,
        }
    }
}

/// Why a typed answer does not fit its question.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerProblem {
    NotYesNo,
    OutOfScale,
    NotAChoice { choices: Vec<String> },
    Empty,
    TooLong,
}

/// How a multiple choice's picks are joined in storage and exports.
pub const PICK_SEPARATOR: &str = "|";

impl Question {
    /// The answer as stored: `yes`/`no`, `1`..`5`, the choice's own words (picks joined by `|`),
    /// or the text. Choices may be typed as their number (`2`, `1,3`) or their words.
    pub fn check(&self, typed: &str) -> Result<String, AnswerProblem> {
        let typed = typed.trim();
        if typed.is_empty() {
            return Err(AnswerProblem::Empty);
        }
        match &self.kind {
            QuestionKind::YesNo => match typed.to_lowercase().as_str() {
                "yes" | "y" => Ok("yes".into()),
                "no" | "n" => Ok("no".into()),
                _ => Err(AnswerProblem::NotYesNo),
            },
            // `4`, a form's `4 Very useful`, or the label itself.
            QuestionKind::Scale { labels } => {
                let first = typed.split_whitespace().next().unwrap_or_default();
                let by_label = labels.iter().position(|l| l.eq_ignore_ascii_case(typed));
                match (first.parse::<usize>(), by_label) {
                    (Ok(n @ 1..=5), _) => Ok(n.to_string()),
                    (Err(_), Some(i)) => Ok((i + 1).to_string()),
                    _ => Err(AnswerProblem::OutOfScale),
                }
            }
            QuestionKind::Single { choices } => pick(choices, typed),
            QuestionKind::Multiple { choices } => {
                let mut picks: Vec<String> = Vec::new();
                for part in typed.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let choice = pick(choices, part)?;
                    if !picks.contains(&choice) {
                        picks.push(choice);
                    }
                }
                // Stored in the template's order, so the same picks always read the same.
                picks.sort_by_key(|p| choices.iter().position(|c| c == p));
                Ok(picks.join(PICK_SEPARATOR))
            }
            QuestionKind::Text if typed.chars().count() > template::MAX_TEXT => {
                Err(AnswerProblem::TooLong)
            }
            QuestionKind::Text => Ok(typed.to_string()),
        }
    }
}

fn pick(choices: &[String], typed: &str) -> Result<String, AnswerProblem> {
    let by_number = typed
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| choices.get(i));
    by_number
        .or_else(|| choices.iter().find(|c| c.eq_ignore_ascii_case(typed)))
        .cloned()
        .ok_or_else(|| AnswerProblem::NotAChoice {
            choices: choices.to_vec(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(kind: QuestionKind) -> Question {
        Question {
            id: "q".into(),
            text: "Q?".into(),
            kind,
            required: true,
        }
    }

    #[test]
    fn answers_are_checked_and_normalised() {
        let yes_no = question(QuestionKind::YesNo);
        assert_eq!(yes_no.check(" Y "), Ok("yes".into()));
        assert_eq!(yes_no.check("maybe"), Err(AnswerProblem::NotYesNo));
        let scale = question(QuestionKind::Scale { labels: vec![] });
        assert_eq!(scale.check("5"), Ok("5".into()));
        assert_eq!(scale.check("6"), Err(AnswerProblem::OutOfScale));
        assert_eq!(scale.check("0"), Err(AnswerProblem::OutOfScale));
        let choices = vec!["Morning".to_string(), "Evening".to_string()];
        let multiple = question(QuestionKind::Multiple {
            choices: choices.clone(),
        });
        assert_eq!(multiple.check("evening, 1"), Ok("Morning|Evening".into()));
        assert!(matches!(
            multiple.check("3"),
            Err(AnswerProblem::NotAChoice { .. })
        ));
        let single = question(QuestionKind::Single { choices });
        assert_eq!(single.check("2"), Ok("Evening".into()));
        assert_eq!(
            question(QuestionKind::Text).check("  "),
            Err(AnswerProblem::Empty)
        );
    }
}
