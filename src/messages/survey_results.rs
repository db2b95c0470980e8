//! The coordinators' survey figures: the list of surveys and one survey's results. Only counts,
//! shares, means and unattributed free text; groups under the minimum are named, not shown.

use crate::app::surveys::{EarlierRun, SurveyRow};
use crate::chat::{Message, Text};
use crate::domain::survey::results::{Figures, Share, Summary};
use crate::domain::survey::{MIN_GROUP, Template};
use crate::store::surveys::Survey;

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "0%".into();
    }
    format!("{:.0}%", part as f64 * 100.0 / whole as f64)
}

fn state(survey: &Survey) -> &'static str {
    match (survey.open, survey.anonymous) {
        (true, true) => "open, anonymous",
        (true, false) => "open",
        (false, true) => "closed, anonymous",
        (false, false) => "closed",
    }
}

pub fn survey_list(rows: &[SurveyRow]) -> Message {
    if rows.is_empty() {
        return Message::new().line(
            "No surveys yet. `/mentoring survey open end-of-program` opens one for the newest intake.",
        );
    }
    let mut message = Message::new().line("*Surveys*, oldest first:");
    for row in rows {
        message = message.line(
            Text::new()
                .plain(format!(
                    "• `{}` {} for ",
                    &row.survey.id[..8],
                    row.survey.template
                ))
                .user(row.intake.clone())
                .plain(format!(
                    " ({}): {} of {} answered",
                    state(&row.survey),
                    row.responded,
                    row.invited
                )),
        );
    }
    message
}

fn share_words(label: &str, share: Share) -> String {
    match share {
        Some((yes, of)) => format!("{label} {} yes ({yes} of {of})", percent(yes, of)),
        None => format!("{label}: too few to show"),
    }
}

/// The title line and the response count and rate, all an open survey shows.
fn results_head(survey: &Survey, template: &Template, intake: &str, summary: &Summary) -> Message {
    Message::new()
        .line(
            Text::new()
                .plain(format!("*{}* for ", template.title))
                .user(intake.to_string())
                .plain(format!(
                    " (survey `{}`, {})",
                    &survey.id[..8],
                    state(survey)
                )),
        )
        .line(format!(
            "Responses: {} of {} ({})",
            summary.responded,
            summary.invited,
            percent(summary.responded, summary.invited)
        ))
}

pub fn survey_results_while_open(
    survey: &Survey,
    template: &Template,
    intake: &str,
    summary: &Summary,
) -> Message {
    results_head(survey, template, intake, summary).line(format!(
        "Figures, the chart and exports come when the survey closes, so that no view taken while \
         people answer can be compared with the next one to see what someone said. \
         `/mentoring survey close {}` closes it now.",
        &survey.id[..8]
    ))
}

pub fn survey_results(
    survey: &Survey,
    template: &Template,
    intake: &str,
    summary: &Summary,
    earlier: &[EarlierRun],
) -> Message {
    let mut message = results_head(survey, template, intake, summary);
    if summary.responded < MIN_GROUP {
        return message.line(format!(
            "Fewer than {MIN_GROUP} people answered, so no figures are shown: so few answers could point at who gave them."
        ));
    }
    for (i, q) in summary.questions.iter().enumerate() {
        let head = format!("{}. `{}` {}", i + 1, q.id, q.text);
        match &q.figures {
            Figures::TooFew => {
                message =
                    message.line(format!("{head}: fewer than {MIN_GROUP} answers, not shown"));
            }
            Figures::YesNo {
                all,
                mentors,
                mentees,
            } => {
                let by_role = match (mentors, mentees) {
                    (None, None) if !summary.by_role => format!(
                        "by role: not shown, mentors or mentees gave fewer than {MIN_GROUP} answers to a question"
                    ),
                    _ => format!(
                        "{} · {}",
                        share_words("mentors", *mentors),
                        share_words("mentees", *mentees)
                    ),
                };
                message = message.line(format!("{head}: {} · {by_role}", share_words("all", *all)));
            }
            Figures::Scale { counts, mean, .. } => {
                let spread: Vec<String> = counts
                    .iter()
                    .enumerate()
                    .map(|(i, n)| format!("{}:{n}", i + 1))
                    .collect();
                let mut line = format!(
                    "{head}: mean {mean:.1} of 5 from {} answers ({})",
                    q.answered,
                    spread.join(" ")
                );
                let before: Vec<String> = earlier
                    .iter()
                    .filter_map(|run| {
                        run.summary
                            .mean_of(&q.id)
                            .map(|m| format!("{} {m:.1}", run.intake))
                    })
                    .collect();
                if !before.is_empty() {
                    line.push_str(&format!("; earlier intakes: {}", before.join(", ")));
                }
                message = message.line(line);
            }
            Figures::Choices { counts } => {
                let listed: Vec<String> = counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
                message = message.line(format!(
                    "{head}: {} ({} answers)",
                    listed.join(" · "),
                    q.answered
                ));
            }
            Figures::Text { answers } => {
                message = message.line(format!("{head}: {} answers, unattributed:", answers.len()));
                for answer in answers {
                    message = message.line(Text::new().plain("   • ").user(answer.clone()));
                }
            }
        }
    }
    message
}
