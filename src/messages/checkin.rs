//! Messages about the monthly check-in and schedules.

use chrono_tz::Tz;

use crate::app::checkins::{PairStatusRow, action_of};
use crate::chat::message::format_local;
use crate::chat::{Button, ButtonStyle, Message, Text};
use crate::domain::checkin::{Answer, first_day};
use crate::domain::{Intake, Pair, Participant, Timestamp};
use crate::store::jobs::FailedJob;
use crate::store::schedules::Schedule;
use crate::store::webinars::Webinar;

/// `2026-12` → `December 2026`.
pub fn month_label(month: &str) -> String {
    first_day(month)
        .map(|d| d.format("%B %Y").to_string())
        .unwrap_or_else(|| month.to_string())
}

fn answer_words(answer: Answer) -> &'static str {
    match answer {
        Answer::Met => "We met",
        Answer::NotYet => "Not yet",
        Answer::Help => "We'd like help",
    }
}

/// The prompt in a pair's space; `answered` shows who answered what, once someone has. Its
/// buttons carry `prompt_id` (the delivery), so a press answers this prompt's month.
pub fn checkin_prompt(
    intake: &Intake,
    pair: &Pair,
    (mentor, mentee): (&Participant, &Participant),
    month: &str,
    (webinar, recording, resource): (
        Option<&Webinar>,
        Option<&Webinar>,
        Option<&crate::store::resources::Resource>,
    ),
    answered: Option<(String, Answer, Timestamp)>,
    prompt_id: &str,
) -> Message {
    let greet = |p: &Participant| match p.identity_on(pair.platform) {
        Some(identity) => Text::new().mention(identity),
        None => Text::new().user(p.display_name.clone()),
    };
    let mut message = Message::new().line(
        Text::new()
            .plain(format!("*{} check-in*: hi ", month_label(month)))
            .append(greet(mentor))
            .plain(" and ")
            .append(greet(mentee))
            .plain("! Have you managed to meet this month?"),
    );
    if let Some(w) = webinar {
        message = message.line(
            Text::new()
                .plain("This month's webinar, *")
                .user(w.title.clone())
                .plain("*, is on ")
                .time(w.starts_at, w.zone)
                .plain(": something to talk about when you meet."),
        );
    }
    if let Some(w) = recording {
        message = message.line(super::calendar::recording_suggestion(w));
    }
    if let Some(r) = resource {
        message = message.line(super::resources::resource_suggestion(r));
    }
    message = message.line(
        Text::new()
            .plain("Your answer helps the coordinators of *")
            .user(intake.name.clone())
            .plain("* see how pairs are going."),
    );
    if let Some((who, answer, at)) = answered {
        message = message.line(
            Text::new()
                .plain("Answered by ")
                .user(who)
                .plain(format!(": *{}*, ", answer_words(answer)))
                .time(at, intake.zone)
                .plain("."),
        );
    }
    let value = format!("{}:{prompt_id}", pair.id);
    let style = |a: Answer| match a {
        Answer::Met => ButtonStyle::Primary,
        Answer::NotYet => ButtonStyle::Default,
        Answer::Help => ButtonStyle::Danger,
    };
    for answer in Answer::ALL {
        message = message.button(
            Button::new(answer_words(answer), action_of(answer), value.clone())
                .styled(style(answer)),
        );
    }
    message
}

/// An earlier prompt once a newer one has been posted for the pair: closed and without buttons,
/// so a pair never holds two open prompts of one schedule.
pub fn checkin_closed(month: &str) -> Message {
    Message::new().line(format!(
        "*{} check-in* (closed): a newer check-in has been posted in this channel. Please answer that one, or type `/checkin met|not-yet|help`.",
        month_label(month)
    ))
}

pub fn checkin_recorded(answer: Answer, month: &str) -> Message {
    let line = match answer {
        Answer::Met => format!(
            "Thanks! Recorded that you met in {}. Keep it up.",
            month_label(month)
        ),
        Answer::NotYet => format!(
            "Thanks for letting us know. Recorded \"not yet\" for {}; there's still time.",
            month_label(month)
        ),
        Answer::Help => format!(
            "Recorded for {}. Your coordinators have been told and will be in touch.",
            month_label(month)
        ),
    };
    Message::new().line(line).line(
        "You can change your answer until the end of the month with `/checkin met|not-yet|help`.",
    )
}

pub fn help_alert(
    intake: &Intake,
    pair: &str,
    month: &str,
    space: Option<&str>,
    note: Option<&str>,
) -> Message {
    let mut message = Message::new().line(
        Text::new()
            .plain("*A pair would like help*: ")
            .user(pair.to_string())
            .plain(" in *")
            .user(intake.name.clone())
            .plain(format!(
                "* answered the {} check-in with \"We'd like help\".",
                month_label(month)
            )),
    );
    if let Some(note) = note {
        message = message.field("Their note", Text::new().user(note.to_string()));
    }
    if let Some(space) = space {
        message = message.field("Their channel", Text::new().channel(space.to_string()));
    }
    message
}

pub fn checkins_set(intake: &Intake, cron: &str, zone: Tz, next: &[Timestamp]) -> Message {
    let mut message = Message::new().line(
        Text::new()
            .plain("Check-ins for *")
            .user(intake.name.clone())
            .plain(format!(
                "* now follow `{cron}` in {}. The next three:",
                zone.name()
            )),
    );
    for at in next {
        message = message.line(format!("• {}", format_local(*at, zone)));
    }
    message
}

pub fn checkins_off(intake: &Intake) -> Message {
    Message::new().line(
        Text::new()
            .plain("Check-ins for *")
            .user(intake.name.clone())
            .plain("* are off. Turn them on again with `/mentoring checkins 0 10 1-7 * MON`."),
    )
}

pub fn schedule_list(rows: &[(String, Schedule, Option<Timestamp>)]) -> Message {
    if rows.is_empty() {
        return Message::new()
            .line("There are no schedules yet: each new intake gets a monthly check-in.");
    }
    let mut message = Message::new().line("Schedules:");
    for (intake, s, next) in rows {
        let when = match (s.on, next) {
            (false, _) => "off".to_string(),
            (true, Some(at)) => format!("next {}", format_local(*at, s.zone)),
            (true, None) => "never fires again".to_string(),
        };
        message = message.line(
            Text::new()
                .plain(format!("• {} for *", s.kind.as_str()))
                .user(intake.clone())
                .plain(format!("*: `{}` in {}, {when}", s.cron, s.zone.name())),
        );
    }
    message
}

/// `tandem schedule next`: what goes out when, soonest first.
pub fn upcoming(rows: &[(Timestamp, String, Schedule)]) -> Message {
    if rows.is_empty() {
        return Message::new().line("Nothing is scheduled.");
    }
    let mut message = Message::new().line("Coming up:");
    for (at, intake, s) in rows {
        message = message.line(
            Text::new()
                .plain(format!(
                    "• {} ({}): {} for ",
                    format_local(*at, s.zone),
                    at.to_utc().format("%Y-%m-%d %H:%M UTC"),
                    s.kind.as_str()
                ))
                .user(intake.clone()),
        );
    }
    message
}

pub fn status(
    intake: &Intake,
    rows: &[PairStatusRow],
    failed: &[(String, Timestamp, String)],
    failed_jobs: &[FailedJob],
    missed: i64,
    switched_off: &[String],
) -> Message {
    let mut message = Message::new().line(
        Text::new()
            .plain("Check-ins in *")
            .user(intake.name.clone())
            .plain("*:"),
    );
    let quiet = rows.iter().filter(|r| r.quiet_months >= 2).count();
    if quiet > 0 {
        message = message.line(format!(
            "{quiet} {} quiet for two months or more:",
            if quiet == 1 {
                "pair has been"
            } else {
                "pairs have been"
            }
        ));
    }
    for row in rows {
        let last = match &row.last {
            Some(c) => format!("{} in {}", answer_words(c.answer), month_label(&c.month)),
            None => "no answer yet".to_string(),
        };
        let quiet = if row.quiet_months >= 2 {
            format!(" (quiet {} months)", row.quiet_months)
        } else {
            String::new()
        };
        message = message.line(
            Text::new()
                .plain("• ")
                .user(row.mentor.display_name.clone())
                .plain(" & ")
                .user(row.mentee.display_name.clone())
                .plain(format!(": {last}{quiet}")),
        );
    }
    if rows.is_empty() {
        message = message.line("No active pairs.");
    }
    if !failed.is_empty() {
        message = message.line("Prompts that could not be delivered:");
        for (pair, due, error) in failed {
            message = message.line(
                Text::new()
                    .plain("• ")
                    .user(pair.clone())
                    .plain(format!(" ({}): {error}", format_local(*due, intake.zone))),
            );
        }
    }
    if !failed_jobs.is_empty() {
        message = message.line("Scheduled work that failed for good:");
        for job in failed_jobs {
            // The reason can quote stored text (a template's name): shown as typed, escaped.
            message = message.line(
                Text::new()
                    .plain(format!(
                        "• {} due {}: ",
                        job_words(&job.kind),
                        format_local(job.due_at, intake.zone)
                    ))
                    .user(job.reason.clone()),
            );
        }
    }
    if missed > 0 {
        let missed = super::count(
            missed as usize,
            "scheduled check-in was",
            "scheduled check-ins were",
        );
        message = message.line(format!(
            "{missed} missed: Tandem was down for longer than the grace period, \
             or a newer one was due at the same time."
        ));
    }
    for feature in switched_off {
        message = message.line(format!("Switched off for lack of a permission: {feature}"));
    }
    message
}

/// What a kind of scheduled job is, in a coordinator's words.
fn job_words(kind: &str) -> &str {
    match kind {
        "checkin" => "check-in",
        "help_alert" => "help alert",
        "survey_invitation" => "survey invitation",
        "survey_reminder" => "survey reminder",
        "webinar_reminder" => "webinar reminder",
        "webinar_live" => "webinar live post",
        "webinar_recording" => "webinar recording post",
        "webinar_changed" => "webinar change notice",
        "meetup_invite" => "meetup invitation",
        "meetup_reminder" => "meetup reminder",
        "meetup_changed" => "meetup change notice",
        "announcement" => "announcement",
        "calendar_links" => "new calendar links",
        other => other,
    }
}

/// `/mentoring status`'s line when verified Slack posts were asked for but cannot be had.
pub fn slack_posts_unverified(scopes: &str) -> String {
    format!(
        "Slack posts are not verified (TANDEM_SLACK_VERIFY_POSTS is on, but the app lacks \
         {scopes}; add them and reinstall the app)."
    )
}
