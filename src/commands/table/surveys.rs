//! Surveys: coordinators open, remind, read and export them; participants answer.

use super::*;

pub(super) static SPECS: &[CommandSpec] = &[
    CommandSpec {
        root: Root::Mentoring,
        words: &["survey", "open"],
        args: &[
            positional(
                "template",
                ArgKind::Text,
                "TEMPLATE",
                "A survey template: end-of-program or mid-program.",
            )
            .picker("The survey template."),
            INTAKE,
            keyed(
                "closes",
                ArgKind::Date,
                "YYYY-MM-DD",
                "Last day to answer; open until closed when left out.",
            )
            .picker("Last day to answer."),
            optional(
                "anonymous",
                ArgKind::Choice(&["anonymous"]),
                "anonymous",
                "Store no participant id with the answers.",
            )
            .picker("Keep no names with the answers."),
        ],
        access: Access::Coordinator,
        summary: "Open a survey for an intake and invite its participants by DM.",
        picker: Some("Open a survey for an intake."),
        build: |a: &mut Args| Command::SurveyOpen {
            template: a.text("template"),
            anonymous: a.opt_text("anonymous").is_some(),
            intake: a.opt_text("intake"),
            closes: a.date("closes"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["survey", "close"],
        args: &[SURVEY_ID],
        access: Access::Coordinator,
        summary: "Close a survey: no more answers.",
        picker: Some("Close a survey."),
        build: |a: &mut Args| Command::SurveyClose { id: a.text("id") },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["survey", "remind"],
        args: &[SURVEY_ID],
        access: Access::Coordinator,
        summary: "Send the one reminder to those who have not answered yet.",
        picker: Some("Remind those yet to answer."),
        build: |a: &mut Args| Command::SurveyRemind { id: a.text("id") },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["survey", "results"],
        args: &[optional(
            "id",
            ArgKind::Text,
            "ID",
            "The survey; every survey is listed when left out.",
        )
        .picker("The survey; else all surveys.")],
        access: Access::Coordinator,
        summary: "A survey's figures, or the list of surveys.",
        picker: Some("A survey's figures, or all surveys."),
        build: |a: &mut Args| Command::SurveyResults {
            id: a.opt_text("id"),
        },
    },
    CommandSpec {
        root: Root::Mentoring,
        words: &["survey", "export"],
        args: &[
            SURVEY_ID,
            optional(
                "format",
                ArgKind::Choice(&["csv", "json"]),
                "csv|json",
                "The file format; csv when left out.",
            )
            .picker("The file format; else csv."),
        ],
        access: Access::Coordinator,
        summary: "A survey's answers as a CSV or JSON file, never with who gave them.",
        picker: Some("Export a survey's answers."),
        build: |a: &mut Args| Command::SurveyExport {
            id: a.text("id"),
            format: a.opt_text("format").unwrap_or_else(|| "csv".into()),
        },
    },
    CommandSpec {
        root: Root::Survey,
        words: &[],
        args: &[],
        access: Access::Anyone,
        summary: "Open your survey: see its questions and your answers so far.",
        picker: None,
        build: |_| Command::SurveyForm,
    },
    CommandSpec {
        root: Root::Survey,
        words: &["answer"],
        args: &[
            positional(
                "question",
                ArgKind::Text,
                "QUESTION",
                "The question's id, as /survey shows it.",
            ),
            positional(
                "value",
                ArgKind::Words,
                "VALUE",
                "Your answer: yes/no, 1-5, a choice (by number or words) or text.",
            ),
        ],
        access: Access::Anyone,
        summary: "Answer (or change your answer to) one question of your survey.",
        picker: None,
        build: |a: &mut Args| Command::SurveyAnswer {
            question: a.text("question"),
            value: a.text("value"),
        },
    },
];
