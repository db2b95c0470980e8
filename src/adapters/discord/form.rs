//! A form on Discord: no modal holds menus and more than five inputs, so the form is paged into
//! steps in one ephemeral message. A step holds up to four choice questions as select menus, or
//! up to five typed questions behind a button that opens a modal; a row of Back / Next / Done
//! buttons moves between steps. Pure functions: the app re-checks every value that comes back.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use crate::adapters::json;
use std::ops::Range;

use serde_json::{Value, json};

use super::render::{self, CUSTOM_ID_MAX, MODAL_FIELDS_MAX, cut};
use crate::app::Input;
use crate::chat::{Form, FormField, Message};
use crate::messages::discord as words;

/// Select menus per step: with the row of buttons, Discord's five action rows.
pub const CHOICES_PER_STEP: usize = 4;
/// Discord's limits: select options, their labels and a select's placeholder; a modal's
/// title and input labels, placeholders and values.
const OPTIONS_MAX: usize = 25;
const OPTION_LABEL_MAX: usize = 100;
const SELECT_PLACEHOLDER_MAX: usize = 150;
const MODAL_TITLE_MAX: usize = 45;
const INPUT_LABEL_MAX: usize = 45;
const INPUT_PLACEHOLDER_MAX: usize = 100;
const INPUT_VALUE_MAX: usize = 4000;

/// Custom id actions; the rest of each id is the step and the form's id (`form.step|2|survey:…`).
const PICK: &str = "form.pick";
const GO: &str = "form.step";
const WRITE: &str = "form.write";
const SAVE: &str = "form.save";
const DONE: &str = "form.done";

/// What a click, pick or modal on a form asks for, from its (untrusted) custom id.
#[derive(Debug, Clone, PartialEq)]
pub struct FormAction {
    pub form_id: String,
    pub step: usize,
    kind: ActionKind,
}

#[derive(Debug, Clone, PartialEq)]
enum ActionKind {
    /// A select menu: saves one field.
    Pick {
        field: String,
    },
    /// Back or Next.
    Go,
    /// Opens the step's modal.
    Write,
    /// The modal sent back.
    Save,
    Done,
}

/// What to answer the interaction with once the app has replied.
#[derive(Debug, Clone, PartialEq)]
pub enum FormAnswer {
    /// The step message, updated in place.
    Update(Value),
    Modal(Value),
    /// A refusal (or anything else) as a new ephemeral message.
    Private(Message),
}

impl FormAction {
    pub fn parse(custom_id: &str) -> Option<FormAction> {
        let (action, rest) = custom_id.split_once('|')?;
        let (step, rest) = match action {
            DONE => (0, rest),
            _ => {
                let (step, rest) = rest.split_once('|')?;
                (step.parse().ok()?, rest)
            }
        };
        let (kind, form_id) = match action {
            PICK => {
                let (field, form_id) = rest.split_once('|')?;
                let field = field.to_string();
                (ActionKind::Pick { field }, form_id)
            }
            GO => (ActionKind::Go, rest),
            WRITE => (ActionKind::Write, rest),
            SAVE => (ActionKind::Save, rest),
            DONE => (ActionKind::Done, rest),
            _ => return None,
        };
        Some(FormAction {
            form_id: form_id.to_string(),
            step,
            kind,
        })
    }

    /// The app's input: picked or typed answers to save, or the form asked for again.
    /// `answers` are the select's values (a pick) or the modal's inputs by field (a save).
    pub fn input(&self, answers: Vec<(String, Vec<String>)>) -> Input {
        let form_id = self.form_id.clone();
        match &self.kind {
            ActionKind::Pick { field } => Input::FormSubmitted {
                form_id,
                answers: vec![(
                    field.clone(),
                    answers.into_iter().flat_map(|(_, v)| v).collect(),
                )],
            },
            ActionKind::Save => Input::FormSubmitted { form_id, answers },
            ActionKind::Go | ActionKind::Write | ActionKind::Done => {
                Input::FormRequested { form_id }
            }
        }
    }

    /// Whether the answer is a modal, which Discord only takes as the first answer.
    pub fn opens_modal(&self) -> bool {
        self.kind == ActionKind::Write
    }

    /// The answer to send, from the app's reply: the form as it now stands (or its review, after
    /// Done), or the reply's words when it was refused.
    pub fn answer(&self, form: Option<&Form>, message: &Message) -> FormAnswer {
        let Some(form) = form else {
            return FormAnswer::Private(message.clone());
        };
        match self.kind {
            ActionKind::Done => FormAnswer::Update(render::message_body(message)),
            ActionKind::Write => match step_modal(form, self.step) {
                Some(modal) => FormAnswer::Modal(modal),
                None => FormAnswer::Update(step_body(form, self.step)),
            },
            _ => FormAnswer::Update(step_body(form, self.step)),
        }
    }
}

/// The form's steps: runs of choice questions (up to four) and of typed ones (up to five), in
/// the form's order.
pub fn steps(form: &Form) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (i, field) in form.fields.iter().enumerate() {
        match out.last_mut() {
            Some(step)
                if form
                    .fields
                    .get(step.start)
                    .is_some_and(|first| typed(first) == typed(field))
                    && step.len() < per_step(field) =>
            {
                step.end = i + 1
            }
            _ => out.push(i..i + 1),
        }
    }
    out
}

fn typed(field: &FormField) -> bool {
    field.choices.is_empty()
}

fn per_step(field: &FormField) -> usize {
    if typed(field) {
        MODAL_FIELDS_MAX
    } else {
        CHOICES_PER_STEP
    }
}

/// The step's range, with an out-of-range step (an untrusted id) shown as the last one.
fn step_range(form: &Form, step: usize) -> (usize, usize, Range<usize>) {
    let all = steps(form);
    let step = step.min(all.len().saturating_sub(1));
    let range = all.get(step).cloned().unwrap_or(0..0);
    (step, all.len(), range)
}

fn id(action: &str, step: usize, rest: &str) -> String {
    let id = format!("{action}|{step}|{rest}");
    debug_assert!(
        id.chars().count() <= CUSTOM_ID_MAX,
        "custom id too long: {id}"
    );
    id
}

/// The answer so far, in words.
fn answer_words(field: &FormField) -> Option<String> {
    if typed(field) {
        return field.current.first().cloned();
    }
    let picked: Vec<&str> = field.picked().map(|c| c.label.as_str()).collect();
    (!picked.is_empty()).then(|| picked.join(", "))
}

/// One step as a message body: the questions and answers so far in the embed, a select menu
/// per choice question, and the row of buttons.
pub fn step_body(form: &Form, step: usize) -> Value {
    let (step, steps, range) = step_range(form, step);
    let fields = form.fields.get(range.clone()).unwrap_or_default();
    let questions: Vec<(usize, &str, Option<String>)> = fields
        .iter()
        .zip(range.clone())
        .map(|(f, i)| (i + 1, f.label.as_str(), answer_words(f)))
        .collect();
    let is_typed = fields.first().is_some_and(typed);
    let message = words::form_step(&form.title, step + 1, steps, &questions, is_typed);
    let mut rows: Vec<Value> = Vec::new();
    if !is_typed {
        rows.extend(
            fields
                .iter()
                .zip(range)
                .map(|(f, i)| select(form, step, i, f)),
        );
    }
    let mut buttons = Vec::new();
    if step > 0 {
        buttons.push(button(words::form_back(), 2, id(GO, step - 1, &form.id)));
    }
    if is_typed {
        buttons.push(button(words::form_write(), 1, id(WRITE, step, &form.id)));
    }
    if step + 1 < steps {
        buttons.push(button(words::form_next(), 1, id(GO, step + 1, &form.id)));
    } else {
        buttons.push(button(words::form_done(), 3, format!("{DONE}|{}", form.id)));
    }
    rows.push(json!({ "type": 1, "components": buttons }));
    let mut body = render::message_body(&message);
    json::set(&mut body, "components", json!(rows));
    body
}

fn button(label: &str, style: u8, custom_id: String) -> Value {
    json!({ "type": 2, "style": style, "label": label, "custom_id": custom_id })
}

/// A choice question as a string select in its own row; the current answer is its default.
fn select(form: &Form, step: usize, index: usize, field: &FormField) -> Value {
    let options: Vec<Value> = field
        .choices
        .iter()
        .take(OPTIONS_MAX)
        .map(|c| {
            json!({
                "label": cut(&c.label, OPTION_LABEL_MAX),
                "value": c.value,
                "default": field.current.contains(&c.value),
            })
        })
        .collect();
    let max = if field.multiple { options.len() } else { 1 };
    let select = json!({
        "type": 3,
        "custom_id": id(PICK, step, &format!("{}|{}", field.id, form.id)),
        "placeholder": cut(&format!("{}. {}", index + 1, field.label), SELECT_PLACEHOLDER_MAX),
        "options": options,
        "min_values": 1,
        "max_values": max,
    });
    json!({ "type": 1, "components": [select] })
}

/// The modal for a step of typed questions, prefilled with the answers so far; `None` when the
/// step holds choices.
pub fn step_modal(form: &Form, step: usize) -> Option<Value> {
    let (step, _, range) = step_range(form, step);
    let fields = form.fields.get(range.clone()).unwrap_or_default();
    if !fields.first().is_some_and(typed) {
        return None;
    }
    let rows: Vec<Value> = fields
        .iter()
        .zip(range)
        .map(|(f, i)| {
            let mut input = json!({
                "type": 4,
                "custom_id": f.id,
                "label": cut(&format!("{}. {}", i + 1, f.label), INPUT_LABEL_MAX),
                "placeholder": cut(&f.label, INPUT_PLACEHOLDER_MAX),
                "style": 2,
                "required": f.required,
                "max_length": f.max_chars.unwrap_or(INPUT_VALUE_MAX).min(INPUT_VALUE_MAX),
            });
            if let Some(now) = f.current.first() {
                json::set(&mut input, "value", json!(cut(now, INPUT_VALUE_MAX)));
            }
            json!({ "type": 1, "components": [input] })
        })
        .collect();
    Some(json!({
        "custom_id": id(SAVE, step, &form.id),
        "title": cut(&form.title, MODAL_TITLE_MAX),
        "components": rows,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::FormChoice;

    fn field(id: &str, choices: usize, multiple: bool) -> FormField {
        FormField {
            id: id.into(),
            label: format!("Question {id}?"),
            required: true,
            choices: (1..=choices)
                .map(|n| FormChoice {
                    value: n.to_string(),
                    label: format!("choice {n}"),
                })
                .collect(),
            multiple,
            current: if choices > 0 {
                vec!["2".into()]
            } else {
                vec![]
            },
            max_chars: (choices == 0).then_some(2000),
        }
    }

    fn form(kinds: &str) -> Form {
        Form {
            id: format!("survey:{}", "0".repeat(32)),
            title: "End-of-program survey".into(),
            fields: kinds
                .chars()
                .enumerate()
                .map(|(i, k)| {
                    let id = format!("{}{i}", "q".repeat(38));
                    match k {
                        'c' => field(&id, 5, false),
                        'm' => field(&id, 4, true),
                        _ => field(&id, 0, false),
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn steps_keep_to_discords_limits_and_the_form_order() {
        let f = form("ccccccmtttttttc");
        assert_eq!(steps(&f), vec![0..4, 4..7, 7..12, 12..14, 14..15]);
        for step in 0..steps(&f).len() {
            let body = step_body(&f, step);
            let rows = body["components"].as_array().unwrap();
            assert!(rows.len() <= 5, "step {step}: {} rows", rows.len());
            for row in rows {
                let items = row["components"].as_array().unwrap();
                assert!(items.len() <= 5);
                for item in items {
                    let id = item["custom_id"].as_str().unwrap();
                    assert!(id.chars().count() <= CUSTOM_ID_MAX, "{id}");
                    assert!(FormAction::parse(id).is_some(), "{id}");
                }
            }
            if let Some(modal) = step_modal(&f, step) {
                assert!(modal["components"].as_array().unwrap().len() <= MODAL_FIELDS_MAX);
            }
        }
    }

    #[test]
    fn picks_come_back_as_the_field_and_navigation_asks_for_the_form() {
        let f = form("cm");
        let body = step_body(&f, 0);
        let select = &body["components"][1]["components"][0];
        assert_eq!(select["max_values"], 4, "multiple choice");
        assert_eq!(select["options"][1]["default"], true);
        let pick = FormAction::parse(select["custom_id"].as_str().unwrap()).unwrap();
        let input = pick.input(vec![(String::new(), vec!["1".into(), "3".into()])]);
        assert_eq!(
            input,
            Input::FormSubmitted {
                form_id: f.id.clone(),
                answers: vec![(f.fields[1].id.clone(), vec!["1".into(), "3".into()])],
            }
        );
        let done = body["components"][2]["components"][0]["custom_id"]
            .as_str()
            .unwrap();
        let done = FormAction::parse(done).unwrap();
        assert_eq!(done.input(vec![]), Input::FormRequested { form_id: f.id });
        assert_eq!(FormAction::parse("pause.resume|p1"), None);
        assert_eq!(FormAction::parse("form.step|x|survey:1"), None);
    }
}
