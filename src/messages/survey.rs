//! Messages about surveys: template problems, invitations, the form, answers, results and the
//! refusals a participant or coordinator may meet.

use std::collections::BTreeMap;

use chrono_tz::Tz;

use crate::app::surveys::SurveyRefusal;
use crate::chat::{Message, Text};
use crate::domain::survey::template::{self, Problem, ProblemKind, Template};
use crate::domain::survey::{AnswerProblem, MIN_GROUP, PICK_SEPARATOR, Question, QuestionKind};
use crate::domain::{Intake, Timestamp};
use crate::store::surveys::Survey;

pub use super::survey_results::{survey_list, survey_results, survey_results_while_open};

/// One line of `tandem survey validate`: `FILE:LINE: what is wrong`.
pub fn template_problem(file: &str, problem: &Problem) -> String {
    let what = match &problem.what {
        ProblemKind::Toml(message) => format!("this isn't valid for a template: {message}"),
        ProblemKind::NoQuestions => "a survey needs at least one [[questions]] entry".into(),
        ProblemKind::BadId(id) => format!(
            "\"{id}\" can't be an id: use 1-40 lowercase letters, digits and dashes, like \"career-kit\""
        ),
        ProblemKind::DuplicateId(id) => {
            format!("the id \"{id}\" is used by an earlier question; each question needs its own")
        }
        ProblemKind::UnknownKind(kind) => {
            format!("\"{kind}\" isn't a question kind; use yes-no, scale, single, multiple or text")
        }
        ProblemKind::UnknownAudience(who) => {
            format!("\"{who}\" isn't an audience; use mentors, mentees or everyone")
        }
        ProblemKind::EmptyText => "the question's text is empty".into(),
        ProblemKind::ScaleNeedsFiveLabels(n) => format!(
            "a scale question needs exactly 5 labels, one for each of 1-5 (this one has {n})"
        ),
        ProblemKind::ChoicesNeeded(kind) => {
            format!("a {kind} question needs `choices` with at least 2 entries")
        }
        ProblemKind::NotForThisKind { field, kind } => {
            format!("`{field}` doesn't apply to a {kind} question; remove it")
        }
        ProblemKind::BadChoice(choice) => {
            format!("the choice \"{choice}\" is empty or contains `|` or `,`, which separate picks")
        }
        ProblemKind::TooManyChoices(n) => format!(
            "this question has {n} choices; chat menus hold at most {}",
            template::MAX_CHOICES
        ),
        ProblemKind::TooManyQuestions(n) => format!(
            "this survey has {n} questions; a form holds at most {}",
            template::MAX_QUESTIONS
        ),
    };
    format!("{file}:{}: {what}", problem.line)
}

/// What `tandem survey validate` says about a good template.
pub fn template_ok(file: &str, template: &Template) -> String {
    format!(
        "{file}: a valid survey template, \"{}\", with {} questions for {}.",
        template.name,
        template.questions.len(),
        template.audience.as_str()
    )
}

/// What is wrong with a typed answer, and what would fit.
pub fn answer_problem(problem: &AnswerProblem) -> String {
    match problem {
        AnswerProblem::NotYesNo => "Answer yes or no.".into(),
        AnswerProblem::OutOfScale => "Answer with a number from 1 to 5.".into(),
        AnswerProblem::NotAChoice { choices } => {
            let listed: Vec<String> = choices
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{} {c}", i + 1))
                .collect();
            format!("Pick from: {} (by number or words).", listed.join(", "))
        }
        AnswerProblem::Empty => "The answer is empty.".into(),
        AnswerProblem::TooLong => format!(
            "That's longer than {} characters; please shorten it.",
            crate::domain::survey::template::MAX_TEXT
        ),
    }
}

fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}

pub fn survey_opened(
    survey: &Survey,
    template: &Template,
    intake: &Intake,
    invited: usize,
) -> Message {
    let mut first = Text::new()
        .plain(format!(
            "Opened *{}* (survey `{}`) for ",
            template.title,
            short(&survey.id)
        ))
        .user(intake.name.clone())
        .plain(format!(
            ": {invited} {} will get an invitation by DM.",
            if invited == 1 { "person" } else { "people" }
        ));
    if let Some(at) = survey.closes_at {
        first = first
            .plain(" It closes at ")
            .time(at, intake.zone)
            .plain(".");
    }
    let mut message = Message::new().line(first);
    if survey.anonymous {
        message = message.line("It's anonymous: no participant id is stored with the answers.");
    }
    message.line(format!(
        "`/mentoring survey results {0}` shows how many have answered (the figures come when it closes); `/mentoring survey remind {0}` sends the one reminder.",
        short(&survey.id)
    ))
}

pub fn survey_closed(survey: &Survey) -> Message {
    Message::new().line(format!(
        "Survey `{}` is closed: no more answers. `/mentoring survey results {}` shows the figures.",
        short(&survey.id),
        short(&survey.id)
    ))
}

pub fn reminder_queued(waiting: usize) -> Message {
    Message::new().line(format!(
        "A reminder is on its way to the {waiting} {} who haven't answered yet.",
        if waiting == 1 { "person" } else { "people" }
    ))
}

/// The invitation (or, with `reminder`, the one reminder) each participant gets by DM.
pub fn survey_invitation(
    template: &Template,
    closes: Option<(Timestamp, Tz)>,
    reminder: bool,
) -> Message {
    let opening = if reminder {
        format!(
            "A gentle reminder: *{}* is still waiting for your answers.",
            template.title
        )
    } else {
        format!("*{}*: {}", template.title, template.intro)
    };
    let mut message = Message::new().line(opening);
    if let Some((at, zone)) = closes {
        message = message.line(Text::new().plain("It closes at ").time(at, zone).plain("."));
    }
    message.line("Type `/survey` to see the questions and answer them. Only coordinators see the answers, as figures and without names.")
}

fn answer_words(q: &Question, answer: &str) -> String {
    match &q.kind {
        QuestionKind::Scale { labels } => {
            let label = answer
                .parse::<usize>()
                .ok()
                .and_then(|n| labels.get(n.wrapping_sub(1)))
                .cloned()
                .unwrap_or_default();
            format!("{answer} ({label})")
        }
        QuestionKind::Multiple { .. } => answer.replace(PICK_SEPARATOR, ", "),
        _ => answer.to_string(),
    }
}

fn how_to_answer(q: &Question) -> String {
    match &q.kind {
        QuestionKind::YesNo => "yes or no".into(),
        QuestionKind::Scale { labels } => format!("1 ({}) to 5 ({})", labels[0], labels[4]),
        QuestionKind::Single { choices } => numbered(choices),
        QuestionKind::Multiple { choices } => {
            format!("one or more of {}, with commas", numbered(choices))
        }
        QuestionKind::Text => "your own words".into(),
    }
}

fn numbered(choices: &[String]) -> String {
    choices
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} {c}", i + 1))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The questions with the caller's answers so far, and the next one to answer.
pub fn survey_form_intro(template: &Template, mine: &BTreeMap<String, String>) -> Message {
    let mut message = Message::new().line(format!("*{}*: {}", template.title, template.intro));
    message = review(message, template, mine);
    next_question(message, template, mine)
}

/// A submitted form: saved, with every answer as it now stands.
pub fn form_saved(template: &Template, mine: &BTreeMap<String, String>) -> Message {
    let message = Message::new().line(format!(
        "Saved your answers to *{}*. You can change them until the survey closes: `/survey` opens them again.",
        template.title
    ));
    review(message, template, mine)
}

fn review(mut message: Message, template: &Template, mine: &BTreeMap<String, String>) -> Message {
    for (i, q) in template.questions.iter().enumerate() {
        let optional = if q.required { "" } else { " (optional)" };
        let line = Text::new().plain(format!("{}. `{}` {}{optional}: ", i + 1, q.id, q.text));
        let line = match mine.get(&q.id) {
            Some(answer) => line.plain("your answer: ").user(answer_words(q, answer)),
            None => line.plain(format!("answer with {}", how_to_answer(q))),
        };
        message = message.line(line);
    }
    message
}

fn next_question(
    message: Message,
    template: &Template,
    mine: &BTreeMap<String, String>,
) -> Message {
    match template.questions.iter().find(|q| !mine.contains_key(&q.id)) {
        Some(q) => message.line(format!(
            "Next: {} Type `/survey answer {} ANSWER` ({}).",
            q.text,
            q.id,
            how_to_answer(q)
        )),
        None => message.line("You've answered every question, thank you! You can change any answer until the survey closes."),
    }
}

pub fn answer_recorded(
    template: &Template,
    q: &Question,
    answer: &str,
    mine: &BTreeMap<String, String>,
) -> Message {
    let message = Message::new().line(
        Text::new()
            .plain(format!("Saved your answer to `{}`: ", q.id))
            .user(answer_words(q, answer))
            .plain(". You can change it until the survey closes."),
    );
    next_question(message, template, mine)
}

/// The export, as text in the reply (a file attachment needs a Chat port method per platform).
/// The answer to an export; the file itself goes with it, to the coordinator only.
pub fn survey_export(survey: &Survey, format: &str, file: &str) -> Message {
    Message::new().line(format!(
        "Answers to survey `{}` as {}, one row per response, without names: `{file}`, sent to you only.",
        short(&survey.id),
        format.to_uppercase()
    ))
}

/// The name of a survey's export file.
pub fn export_file_name(survey: &Survey, format: &str) -> String {
    format!("survey-{}.{format}", short(&survey.id))
}

/// Why a survey command was refused.
pub fn refusal(refusal: &SurveyRefusal) -> Message {
    let body: Text = match refusal {
        SurveyRefusal::UnknownTemplate(name) => Text::new()
            .plain("There's no survey template called ")
            .user(format!("\"{name}\""))
            .plain(format!(". The templates are: {}.", built_in_names())),
        SurveyRefusal::UnknownSurvey(id) => Text::new()
            .plain("There's no survey ")
            .user(format!("\"{id}\""))
            .plain(". `/mentoring survey results` lists them."),
        SurveyRefusal::AmbiguousSurvey(id, candidates) => Text::new()
            .plain("More than one survey starts with ")
            .user(format!("\"{id}\""))
            .plain(format!(
                " ({}); type more of its id.",
                candidates.iter().map(|c| format!("`{}`", short_unique(c, candidates))).collect::<Vec<_>>().join(", ")
            )),
        SurveyRefusal::ClosesInPast(day) => {
            format!("{day} has already passed. Give the survey's last day from today on: `closes:YYYY-MM-DD`.").into()
        }
        SurveyRefusal::Closed => "That survey has closed, so it can't take answers or reminders any more. Nothing was saved.".into(),
        SurveyRefusal::AlreadyClosed => "That survey is already closed.".into(),
        SurveyRefusal::NoOpenSurvey => "There's no open survey for you right now. Nothing was saved.".into(),
        SurveyRefusal::NotInAudience => "The open survey isn't for you (it asks another group of participants), so nothing was saved.".into(),
        SurveyRefusal::UnknownQuestion { typed, known } => Text::new()
            .plain("This survey has no question ")
            .user(format!("\"{typed}\""))
            .plain(format!(". Its questions are: {}. Nothing was saved.", known.join(", "))),
        SurveyRefusal::BadAnswer { question, problem } => Text::new().plain(format!(
            "That doesn't fit question `{question}`: {} Nothing was saved.",
            answer_problem(problem)
        )),
        SurveyRefusal::AlreadyReminded => "That survey's one reminder has already gone out; people won't be reminded twice.".into(),
        SurveyRefusal::BadTemplate(file, problems) => {
            let mut message = Message::new().line("That template can't be used yet:");
            for problem in problems {
                message = message.line(Text::new().user(template_problem(file, problem)));
            }
            return message;
        }
        SurveyRefusal::StillOpen { id, .. } => format!(
            "Survey `{0}` is still open. While it is, only its response count is shown: figures, the chart and exports come when it closes, so that nobody can compare two views to see what someone answered. `/mentoring survey close {0}` closes it now.",
            short(id)
        )
        .into(),
        SurveyRefusal::TooFew => format!(
            "Fewer than {MIN_GROUP} people have answered, and showing or exporting so few answers could point at who gave them. Try again when more have answered."
        )
        .into(),
    };
    Message::new().line(body)
}

/// The shortest start of `id`, 8 characters or more, that no other of `all` shares.
fn short_unique<'a>(id: &'a str, all: &[String]) -> &'a str {
    (8..id.len())
        .map(|n| &id[..n])
        .find(|start| all.iter().filter(|o| o.starts_with(start)).count() == 1)
        .unwrap_or(id)
}

/// What `tandem export survey` says when the id it was given can't be used: the chat's refusal,
/// pointing at the terminal's commands instead of the chat's.
pub fn export_refusal(refusal: &SurveyRefusal) -> String {
    self::refusal(refusal)
        .plain_text()
        .replace(
            "`/mentoring survey results`",
            "`tandem admin survey results`",
        )
        .replace("`/mentoring survey close", "`tandem admin survey close")
}

fn built_in_names() -> String {
    template::BUILT_IN
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The console's note on a file that came with a reply (a survey chart).
pub fn file_written(path: &str, result: Result<(), String>) -> Message {
    Message::new().line(match result {
        Ok(()) => format!("Written to {path}"),
        Err(err) => format!("Couldn't write {path}: {err}"),
    })
}
