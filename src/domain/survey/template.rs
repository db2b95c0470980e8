//! Survey templates: the TOML a coordinator writes (or one built in), checked into questions with
//! kinds, and every problem found with the line it is on. No I/O: callers hand over the text.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use serde::Deserialize;
use toml::Spanned;

use super::Audience;

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    YesNo,
    /// 1 to 5, with a label for each point.
    Scale {
        labels: Vec<String>,
    },
    Single {
        choices: Vec<String>,
    },
    Multiple {
        choices: Vec<String>,
    },
    Text,
}

impl QuestionKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            QuestionKind::YesNo => "yes-no",
            QuestionKind::Scale { .. } => "scale",
            QuestionKind::Single { .. } => "single",
            QuestionKind::Multiple { .. } => "multiple",
            QuestionKind::Text => "text",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Short, stable, typed by people: `/survey answer workbook 4`.
    pub id: String,
    pub text: String,
    pub kind: QuestionKind,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub name: String,
    pub title: String,
    pub intro: String,
    pub audience: Audience,
    pub questions: Vec<Question>,
}

/// One thing wrong with a template, at a 1-based line.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub what: ProblemKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    /// The TOML itself does not read, or a field is unknown or of the wrong type.
    Toml(String),
    NoQuestions,
    BadId(String),
    DuplicateId(String),
    UnknownKind(String),
    UnknownAudience(String),
    EmptyText,
    ScaleNeedsFiveLabels(usize),
    ChoicesNeeded(String),
    NotForThisKind {
        field: &'static str,
        kind: String,
    },
    /// `|` separates picks in storage and `,` when typed, so neither may be in a choice.
    BadChoice(String),
    /// More choices than a chat menu holds.
    TooManyChoices(usize),
    /// More questions than a Slack modal holds.
    TooManyQuestions(usize),
}

/// Longest free-text answer we keep.
pub const MAX_TEXT: usize = 2000;
/// A Discord select menu holds 25 options.
pub const MAX_CHOICES: usize = 25;
/// A Slack modal holds 100 blocks, one per question.
pub const MAX_QUESTIONS: usize = 90;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    name: Spanned<String>,
    title: String,
    #[serde(default)]
    intro: String,
    #[serde(default)]
    audience: Option<Spanned<String>>,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    kind: Spanned<String>,
    text: Spanned<String>,
    #[serde(default)]
    required: Option<bool>,
    #[serde(default)]
    labels: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    choices: Option<Spanned<Vec<String>>>,
}

/// The 1-based line of a byte offset.
fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Reads and checks a template; every problem is reported, not just the first.
pub fn parse(source: &str) -> Result<Template, Vec<Problem>> {
    let raw: RawTemplate = toml::from_str(source).map_err(|err| {
        vec![Problem {
            line: err.span().map(|s| line_of(source, s.start)).unwrap_or(1),
            what: ProblemKind::Toml(err.message().trim().to_string()),
        }]
    })?;
    let mut problems = Vec::new();
    let mut at = |span: std::ops::Range<usize>, what| {
        problems.push(Problem {
            line: line_of(source, span.start),
            what,
        })
    };
    if !is_id(raw.name.get_ref()) {
        at(
            raw.name.span(),
            ProblemKind::BadId(raw.name.get_ref().clone()),
        );
    }
    let audience = match &raw.audience {
        None => Audience::Everyone,
        Some(a) => Audience::parse(a.get_ref()).unwrap_or_else(|| {
            at(a.span(), ProblemKind::UnknownAudience(a.get_ref().clone()));
            Audience::Everyone
        }),
    };
    if raw.questions.is_empty() {
        at(0..0, ProblemKind::NoQuestions);
    }
    if let Some(extra) = raw.questions.get(MAX_QUESTIONS) {
        at(
            extra.span(),
            ProblemKind::TooManyQuestions(raw.questions.len()),
        );
    }
    let mut questions: Vec<Question> = Vec::new();
    for q in &raw.questions {
        let q = q.get_ref();
        let id = q.id.get_ref().clone();
        if !is_id(&id) {
            at(q.id.span(), ProblemKind::BadId(id.clone()));
        } else if questions.iter().any(|seen| seen.id == id) {
            at(q.id.span(), ProblemKind::DuplicateId(id.clone()));
        }
        if q.text.get_ref().trim().is_empty() {
            at(q.text.span(), ProblemKind::EmptyText);
        }
        let kind_name = q.kind.get_ref().clone();
        let choices = q.choices.as_ref().map(|c| c.get_ref().clone());
        let kind = match kind_name.as_str() {
            "yes-no" => Some(QuestionKind::YesNo),
            "scale" => {
                let labels = q.labels.as_ref().map(|l| l.get_ref().clone());
                let count = labels.as_ref().map_or(0, Vec::len);
                if count != 5 {
                    let span = q.labels.as_ref().map_or(q.kind.span(), |l| l.span());
                    at(span, ProblemKind::ScaleNeedsFiveLabels(count));
                }
                Some(QuestionKind::Scale {
                    labels: labels.unwrap_or_default(),
                })
            }
            "single" | "multiple" => {
                let list = choices.clone().unwrap_or_default();
                let span = q.choices.as_ref().map_or(q.kind.span(), |c| c.span());
                if list.len() < 2 {
                    at(span.clone(), ProblemKind::ChoicesNeeded(kind_name.clone()));
                }
                if list.len() > MAX_CHOICES {
                    at(span.clone(), ProblemKind::TooManyChoices(list.len()));
                }
                for bad in list
                    .iter()
                    .filter(|c| c.contains('|') || c.contains(',') || c.trim().is_empty())
                {
                    at(span.clone(), ProblemKind::BadChoice(bad.clone()));
                }
                Some(if kind_name == "single" {
                    QuestionKind::Single { choices: list }
                } else {
                    QuestionKind::Multiple { choices: list }
                })
            }
            "text" => Some(QuestionKind::Text),
            _ => {
                at(q.kind.span(), ProblemKind::UnknownKind(kind_name.clone()));
                None
            }
        };
        if let Some(labels) = &q.labels
            && kind_name != "scale"
        {
            let kind = kind_name.clone();
            at(
                labels.span(),
                ProblemKind::NotForThisKind {
                    field: "labels",
                    kind,
                },
            );
        }
        if let Some(list) = &q.choices
            && !matches!(kind_name.as_str(), "single" | "multiple")
        {
            let kind = kind_name.clone();
            at(
                list.span(),
                ProblemKind::NotForThisKind {
                    field: "choices",
                    kind,
                },
            );
        }
        if let Some(kind) = kind {
            questions.push(Question {
                id,
                text: q.text.get_ref().trim().to_string(),
                kind,
                required: q.required.unwrap_or(true),
            });
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(problems);
    }
    Ok(Template {
        name: raw.name.into_inner(),
        title: raw.title,
        intro: raw.intro,
        audience,
        questions,
    })
}

/// The templates that ship with Tandem, by name, as TOML.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "end-of-program",
        include_str!("../../../templates/surveys/end-of-program.toml"),
    ),
    (
        "mid-program",
        include_str!("../../../templates/surveys/mid-program.toml"),
    ),
];

pub fn built_in(name: &str) -> Option<&'static str> {
    BUILT_IN
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, toml)| *toml)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_templates_are_valid() {
        for (name, toml) in BUILT_IN {
            let template = parse(toml).unwrap_or_else(|p| panic!("{name}: {p:?}"));
            assert_eq!(&template.name, name);
        }
    }

    #[test]
    fn problems_come_with_their_lines() {
        let source = "name = \"pulse\"\ntitle = \"P\"\n\n[[questions]]\nid = \"a\"\nkind = \"scale\"\ntext = \"How?\"\nlabels = [\"1\", \"2\"]\n\n[[questions]]\nid = \"a\"\nkind = \"colour\"\ntext = \"\"\n";
        let problems = parse(source).unwrap_err();
        let lines: Vec<(usize, &ProblemKind)> =
            problems.iter().map(|p| (p.line, &p.what)).collect();
        assert_eq!(
            lines,
            vec![
                (8, &ProblemKind::ScaleNeedsFiveLabels(2)),
                (11, &ProblemKind::DuplicateId("a".into())),
                (12, &ProblemKind::UnknownKind("colour".into())),
                (13, &ProblemKind::EmptyText),
            ]
        );
    }

    #[test]
    fn choices_and_questions_fit_chat_menus_and_modals() {
        let choices: Vec<String> = (1..=26).map(|i| format!("\"c{i}\"")).collect();
        let mut source = format!(
            "name = \"big\"\ntitle = \"B\"\n[[questions]]\nid = \"pick\"\nkind = \"single\"\ntext = \"Which?\"\nchoices = [{}]\n",
            choices.join(", ")
        );
        for i in 0..MAX_QUESTIONS {
            source.push_str(&format!(
                "[[questions]]\nid = \"q{i}\"\nkind = \"text\"\ntext = \"Why?\"\n"
            ));
        }
        let problems: Vec<ProblemKind> = parse(&source)
            .unwrap_err()
            .into_iter()
            .map(|p| p.what)
            .collect();
        assert_eq!(
            problems,
            vec![
                ProblemKind::TooManyChoices(26),
                ProblemKind::TooManyQuestions(MAX_QUESTIONS + 1),
            ]
        );
    }

    #[test]
    fn toml_errors_and_unknown_fields_have_lines() {
        let problems = parse("name = \"x\"\ntitle = \"T\"\ncolour = 3\n").unwrap_err();
        assert_eq!(problems[0].line, 3, "{problems:?}");
        let problems = parse("name = \"x\"\ntitle = \n").unwrap_err();
        assert_eq!(problems[0].line, 2, "{problems:?}");
    }
}
