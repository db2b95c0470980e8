//! The figures of one survey: response rate, yes shares by role, means and distributions, choice
//! counts and unattributed free text. One rule ([`Disclosure`]) decides for results, charts and
//! exports alike: nothing over fewer than [`MIN_GROUP`] answers, per question and per role.

use std::collections::{BTreeMap, BTreeSet};

use super::{MIN_GROUP, PICK_SEPARATOR, QuestionKind, Template};
use crate::domain::Role;

/// One person's answers, without who they are.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub role: Role,
    /// Question id → stored answer.
    pub answers: BTreeMap<String, String>,
}

/// What of a closed survey's answers may be shown, anywhere: the figures, the chart and exports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Disclosure {
    /// Questions answered by at least [`MIN_GROUP`] people.
    pub questions: BTreeSet<String>,
    /// Whether anything may be split by role: only when, for every question shown, each role
    /// gave either no answer or at least [`MIN_GROUP`]. Decided once for the whole survey, since
    /// an export row carries one role for all its answers, and a split shown for one question
    /// would tell the rows' roles apart for the others.
    pub by_role: bool,
}

impl Disclosure {
    pub fn of(template: &Template, responses: &[Response]) -> Disclosure {
        let mut questions = BTreeSet::new();
        let mut by_role = true;
        for q in &template.questions {
            let count = |role: Option<Role>| {
                responses
                    .iter()
                    .filter(|r| role.is_none_or(|role| r.role == role))
                    .filter(|r| r.answers.contains_key(&q.id))
                    .count()
            };
            if count(None) < MIN_GROUP {
                continue;
            }
            questions.insert(q.id.clone());
            let small = |n: usize| n > 0 && n < MIN_GROUP;
            if small(count(Some(Role::Mentor))) || small(count(Some(Role::Mentee))) {
                by_role = false;
            }
        }
        Disclosure { questions, by_role }
    }

    pub fn shows(&self, question: &str) -> bool {
        self.questions.contains(question)
    }
}

/// A share of yes answers, or `None` when too few answered to show it.
pub type Share = Option<(usize, usize)>;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Figures {
    YesNo {
        all: Share,
        mentors: Share,
        mentees: Share,
    },
    /// Counts of 1..=5 and the mean.
    Scale {
        counts: [usize; 5],
        mean: f64,
        labels: Vec<String>,
    },
    Choices {
        counts: Vec<(String, usize)>,
    },
    /// Free text, sorted so the order says nothing about who wrote what.
    Text {
        answers: Vec<String>,
    },
    /// Fewer than [`MIN_GROUP`] answered.
    TooFew,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QuestionFigures {
    pub id: String,
    pub text: String,
    pub answered: usize,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub invited: usize,
    pub responded: usize,
    pub questions: Vec<QuestionFigures>,
    /// Whether figures are split by role (see [`Disclosure::by_role`]).
    pub by_role: bool,
}

impl Summary {
    /// The mean of a scale question, when shown.
    pub fn mean_of(&self, id: &str) -> Option<f64> {
        self.questions
            .iter()
            .find(|q| q.id == id)
            .and_then(|q| match q.figures {
                Figures::Scale { mean, .. } => Some(mean),
                _ => None,
            })
    }
}

fn share<'a>(answers: impl Iterator<Item = &'a str>) -> Share {
    let all: Vec<&str> = answers.collect();
    (all.len() >= MIN_GROUP).then(|| (all.iter().filter(|a| **a == "yes").count(), all.len()))
}

/// The figures for `responses` to `template`, out of `invited` people.
pub fn summarise(template: &Template, invited: usize, responses: &[Response]) -> Summary {
    let responded = responses.iter().filter(|r| !r.answers.is_empty()).count();
    let shown = Disclosure::of(template, responses);
    let questions = template
        .questions
        .iter()
        .map(|q| {
            let given: Vec<(Role, &str)> = responses
                .iter()
                .filter_map(|r| r.answers.get(&q.id).map(|a| (r.role, a.as_str())))
                .collect();
            let answered = given.len();
            let values = || given.iter().map(|(_, a)| *a);
            let figures = if !shown.shows(&q.id) {
                Figures::TooFew
            } else {
                match &q.kind {
                    QuestionKind::YesNo => {
                        // With the total shown, one group's figure would give away a small other.
                        let of = |role: Role| {
                            share(given.iter().filter(|(r, _)| *r == role).map(|(_, a)| *a))
                                .filter(|_| shown.by_role)
                        };
                        Figures::YesNo {
                            all: share(values()),
                            mentors: of(Role::Mentor),
                            mentees: of(Role::Mentee),
                        }
                    }
                    QuestionKind::Scale { labels } => {
                        let mut counts = [0usize; 5];
                        let mut total = 0usize;
                        for n in values().filter_map(|a| a.parse::<usize>().ok()) {
                            if (1..=5).contains(&n) {
                                counts[n - 1] += 1;
                                total += n;
                            }
                        }
                        Figures::Scale {
                            counts,
                            mean: total as f64 / answered as f64,
                            labels: labels.clone(),
                        }
                    }
                    QuestionKind::Single { choices } | QuestionKind::Multiple { choices } => {
                        let counts = choices
                            .iter()
                            .map(|c| {
                                let n = values()
                                    .filter(|a| a.split(PICK_SEPARATOR).any(|p| p == c))
                                    .count();
                                (c.clone(), n)
                            })
                            .collect();
                        Figures::Choices { counts }
                    }
                    QuestionKind::Text => {
                        let mut answers: Vec<String> = values().map(String::from).collect();
                        answers.sort();
                        Figures::Text { answers }
                    }
                }
            };
            QuestionFigures {
                id: q.id.clone(),
                text: q.text.clone(),
                answered,
                figures,
            }
        })
        .collect();
    Summary {
        invited,
        responded,
        questions,
        by_role: shown.by_role,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(role: Role, answered: &[&str]) -> Response {
        Response {
            role,
            answers: answered
                .iter()
                .map(|q| (q.to_string(), "yes".into()))
                .collect(),
        }
    }

    #[test]
    fn one_small_role_group_on_any_shown_question_hides_roles_everywhere() {
        let template = super::super::template::parse(
            super::super::template::built_in("end-of-program").unwrap(),
        )
        .unwrap();
        let mut responses = vec![
            response(Role::Mentor, &["recommend-mentors", "workbook"]),
            response(Role::Mentor, &["recommend-mentors", "workbook"]),
            response(Role::Mentor, &["recommend-mentors"]),
            response(Role::Mentee, &["recommend-mentors"]),
            response(Role::Mentee, &["recommend-mentors"]),
            response(Role::Mentee, &["recommend-mentors", "change"]),
        ];
        let shown = Disclosure::of(&template, &responses);
        assert!(shown.shows("recommend-mentors"));
        assert!(!shown.shows("workbook") && !shown.shows("change"));
        assert!(shown.by_role, "3 and 3 on the one question shown");
        // A third mentor answer shows `workbook`, where mentees gave none: roles still shown.
        responses[2] = response(Role::Mentor, &["recommend-mentors", "workbook"]);
        assert!(Disclosure::of(&template, &responses).by_role);
        // One mentee answer to it makes a group of one: no role anywhere.
        responses[3] = response(Role::Mentee, &["recommend-mentors", "workbook"]);
        let shown = Disclosure::of(&template, &responses);
        assert!(shown.shows("workbook") && !shown.by_role);
    }
}
