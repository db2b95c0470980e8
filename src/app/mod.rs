//! The app: one dispatcher from an [`Invocation`] to the handler for its command or button, with
//! authorization and error handling in one place. Handlers use the store and the Chat port and
//! return a [`Reply`]; they never see a platform payload.

mod announce;
pub(crate) mod audit;
mod calendar;
mod calendar_access;
pub mod checkins;
mod delivery;
pub mod errors;
mod help;
mod ical;
pub mod intakes;
mod materialise;
pub mod meetups;
pub mod pairing;
pub mod pausing;
mod people;
mod pileups;
pub mod privacy;
mod profile;
mod resources;
pub mod retention;
pub mod roster;
pub mod scheduler;
mod series;
mod spaces;
pub mod supervision;
pub mod surveys;
pub mod webinars;

use std::sync::Arc;

use chrono_tz::Tz;
use tracing::Instrument;

use crate::chat::{ChannelRef, Chats, Form, Message, MessageRef};
use crate::clock::Clock;
use crate::commands::{self, Access, Command, ParseError, Parsed, Root};
use crate::domain::{Identity, Participant, Timestamp};
use crate::messages;
use crate::store::{self, Store};
pub use errors::{AppError, AppResult, UserError};

/// Settings the handlers need; everything else about the process lives in `config`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Zone for new intakes created without `tz:`.
    pub default_zone: Tz,
    /// A check-in missed by less than this (downtime) is sent late; older ones are recorded as
    /// missed.
    pub checkin_grace: std::time::Duration,
    /// This process's name on the leases it holds.
    pub worker: String,
    /// How long before a webinar each reminder goes out.
    pub webinar_reminders: Vec<std::time::Duration>,
    /// Where people reach this instance's HTTP routes, for "Add to calendar" links.
    pub public_url: String,
    /// Features switched off at start because the install lacks a scope or permission they
    /// need, each said in a sentence: shown in `/mentoring status`.
    pub switched_off: Vec<String>,
    /// Months after an intake ends that its notes and survey answers are kept.
    pub retention_months: u32,
}

/// `TANDEM_RETENTION_MONTHS` when unset: two years.
pub const DEFAULT_RETENTION_MONTHS: u32 = 24;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_zone: chrono_tz::UTC,
            checkin_grace: std::time::Duration::from_secs(72 * 3600),
            worker: format!("worker-{}", crate::domain::new_id()),
            webinar_reminders: crate::domain::calendar::DEFAULT_REMINDERS.to_vec(),
            public_url: "http://127.0.0.1:8080".to_string(),
            switched_off: Vec::new(),
            retention_months: DEFAULT_RETENTION_MONTHS,
        }
    }
}

#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub chats: Chats,
    pub settings: Settings,
    /// When the scheduler loop last completed a pass, for `/healthz` and metrics.
    pub scheduler_pulse: Arc<supervision::SchedulerPulse>,
}

/// Who is asking, as the platform vouches for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub identity: Identity,
    pub display_name: String,
    /// The platform says this person coordinates (Discord's coordinator role).
    pub platform_coordinator: bool,
    /// The operator at the terminal (`tandem admin`): a coordinator by definition.
    pub operator: bool,
}

impl Caller {
    pub fn person(identity: Identity, display_name: impl Into<String>) -> Self {
        Caller {
            identity,
            display_name: display_name.into(),
            platform_coordinator: false,
            operator: false,
        }
    }
}

/// What the person did: typed a command, or pressed a button.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Text after `/ROOT`, to be parsed with the command table.
    Text { root: Root, text: String },
    /// Already parsed by the adapter (Discord's typed options).
    Parsed(Result<Parsed, ParseError>),
    /// A button: its stable action id, its value, and the message it sits on.
    Action {
        action: String,
        value: String,
        message: Option<MessageRef>,
    },
    /// A submitted form (Slack modal, Discord modal steps): the [`Form`] id it was opened with and,
    /// per field id, the chosen or typed values (several for a multiple choice; untrusted).
    FormSubmitted {
        form_id: String,
        answers: Vec<(String, Vec<String>)>,
    },
    /// The form again, with the caller's answers so far (Discord pages through it step by step);
    /// refused when it no longer belongs to the caller.
    FormRequested { form_id: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    pub caller: Caller,
    /// Where it was typed or clicked.
    pub channel: Option<ChannelRef>,
    pub input: Input,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Only the caller sees it (ephemeral).
    Private,
    /// Everyone in the channel sees it.
    Channel,
}

/// How an invocation ended, for metrics and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// A user error: the person was told what to type instead; nothing changed.
    Refused,
    /// An internal error: logged, and the person got an apology.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub visibility: Visibility,
    pub message: Message,
    /// When set, the message the caller clicked on is replaced with this one.
    pub replaces: Option<Message>,
    /// When set, a form opens for the caller (a Slack modal, a Discord modal, terminal prompts),
    /// as the immediate answer: Discord only opens modals in reply to an interaction.
    pub form: Option<Form>,
    /// Files that go with the message (a survey's chart).
    pub attachments: Vec<crate::chat::Attachment>,
    pub outcome: Outcome,
    /// The form field a refused answer belongs to, so the adapter can mark it there.
    pub invalid_field: Option<String>,
}

impl Reply {
    pub fn private(message: Message) -> Self {
        Reply {
            visibility: Visibility::Private,
            message,
            replaces: None,
            form: None,
            attachments: Vec::new(),
            outcome: Outcome::Done,
            invalid_field: None,
        }
    }

    fn with_outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }
}

/// How logs name the caller of an invocation: never for a survey answer or form, so that no
/// log line, sqlx's included, ties a person to a survey write.
fn logged_caller(invocation: &Invocation) -> String {
    let survey = match &invocation.input {
        Input::Text { root, .. } => *root == Root::Survey,
        Input::Parsed(Ok(parsed)) => matches!(
            parsed.command,
            Command::SurveyAnswer { .. } | Command::SurveyForm
        ),
        Input::FormSubmitted { .. } | Input::FormRequested { .. } => true,
        Input::Parsed(Err(_)) | Input::Action { .. } => false,
    };
    if survey {
        "(not logged: a survey answer)".to_string()
    } else {
        invocation.caller.identity.to_string()
    }
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, chats: Chats, settings: Settings) -> Self {
        App {
            store,
            clock,
            chats,
            settings,
            scheduler_pulse: Default::default(),
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Handles one command or click. Never fails: user errors become a private sentence saying
    /// what to type instead, internal errors are logged and become a short apology.
    pub async fn handle(&self, invocation: Invocation) -> Reply {
        let caller = logged_caller(&invocation);
        // sqlx logs its statements (slow ones at WARN) inside this span.
        let span = tracing::info_span!("invocation", caller = %caller);
        let result = self.dispatch(&invocation).instrument(span).await;
        let reply = match result {
            Ok(reply) => reply,
            Err(AppError::User(err)) => Reply {
                invalid_field: err.field().map(str::to_string),
                ..Reply::private(messages::user_error(&err)).with_outcome(Outcome::Refused)
            },
            Err(AppError::Internal(err)) => {
                tracing::error!(error = ?err, caller = %caller, "command failed");
                Reply::private(messages::internal_error()).with_outcome(Outcome::Failed)
            }
        };
        metrics::counter!("tandem_invocations_total", "outcome" => reply.outcome.as_str())
            .increment(1);
        reply
    }

    async fn dispatch(&self, invocation: &Invocation) -> AppResult<Reply> {
        let caller = &invocation.caller;
        if let Err(err) = self.note_platform_role(caller).await {
            // Only help alerts depend on it; the command itself goes on.
            tracing::warn!(error = ?err, caller = %logged_caller(invocation), "could not note a coordinator role");
        }
        let parsed = match &invocation.input {
            Input::Text { root, text } => {
                commands::parse_text(*root, caller.identity.platform, text)?
            }
            Input::Parsed(parsed) => parsed.clone()?,
            Input::Action { action, value, .. } => return self.press(caller, action, value).await,
            Input::FormSubmitted { form_id, answers } => {
                return self.submit_form(caller, form_id, answers).await;
            }
            Input::FormRequested { form_id } => return self.request_form(caller, form_id).await,
        };
        if parsed.spec.access == Access::Coordinator && !self.is_coordinator(caller).await? {
            return Err(UserError::NotCoordinator.into());
        }
        self.run(caller, invocation.channel.as_ref(), parsed.command)
            .await
    }

    /// One `match`, one handler per command, each in its own span.
    async fn run(
        &self,
        caller: &Caller,
        channel: Option<&ChannelRef>,
        command: Command,
    ) -> AppResult<Reply> {
        let span = tracing::info_span!("command", command = ?std::mem::discriminant(&command));
        async move {
            match command {
                Command::Help => self.command_help(caller).await,
                Command::IntakeCreate {
                    name,
                    zone,
                    starts,
                    ends,
                    channel,
                } => {
                    self.command_intake_create(name, zone, starts, ends, channel)
                        .await
                }
                Command::IntakeList => self.command_intake_list().await,
                Command::IntakeChannel { channel, intake } => {
                    self.command_intake_channel(channel, intake).await
                }
                Command::IntakeClose { name } => self.command_intake_close(name).await,
                Command::Pair {
                    mentor,
                    mentee,
                    intake,
                } => self.command_pair(caller, mentor, mentee, intake).await,
                Command::Unpair { user, intake } => self.command_unpair(caller, user, intake).await,
                Command::Pairs { intake } => self.command_pairs(intake).await,
                Command::CoordinatorAdd { user } => {
                    self.command_coordinator_add(caller, user).await
                }
                Command::CoordinatorRemove { user } => {
                    self.command_coordinator_remove(caller, user).await
                }
                Command::Pause { until } => self.command_pause(caller, until).await,
                Command::Resume => self.command_resume(caller).await,
                Command::Checkins { cron, intake, zone } => {
                    self.command_checkins(cron, intake, zone).await
                }
                Command::Schedules => self.command_schedules().await,
                Command::Status { intake } => self.command_status(intake).await,
                Command::Checkin { answer, note } => {
                    self.command_checkin(caller, channel, answer, note).await
                }
                Command::SurveyOpen {
                    template,
                    intake,
                    closes,
                    anonymous,
                } => {
                    self.command_survey_open(caller, template, intake, closes, anonymous)
                        .await
                }
                Command::SurveyClose { id } => self.command_survey_close(id).await,
                Command::SurveyRemind { id } => self.command_survey_remind(id).await,
                Command::SurveyResults { id } => self.command_survey_results(caller, id).await,
                Command::SurveyExport { id, format } => {
                    self.command_survey_export(caller, id, format).await
                }
                Command::SurveyForm => self.command_survey_form(caller).await,
                Command::SurveyAnswer { question, value } => {
                    self.command_survey_answer(caller, question, value).await
                }
                Command::WebinarAdd(draft) => self.command_webinar_add(caller, draft).await,
                Command::WebinarSeries {
                    title,
                    cron,
                    zone,
                    url,
                    intake,
                } => {
                    self.command_webinar_series(title, cron, zone, url, intake)
                        .await
                }
                Command::WebinarTopic {
                    id,
                    topic,
                    speakers,
                } => self.command_webinar_topic(id, topic, speakers).await,
                Command::WebinarList => self.command_webinar_list().await,
                Command::WebinarCancel { id } => self.command_webinar_cancel(id).await,
                Command::WebinarMove { id, at, zone } => {
                    self.command_webinar_move(id, at, zone).await
                }
                Command::WebinarRecording { id, url } => {
                    self.command_webinar_recording(id, url).await
                }
                Command::Webinars => self.command_webinars(caller).await,
                Command::MeetupAdd(draft) => self.command_meetup_add(draft).await,
                Command::MeetupList => self.command_meetup_list().await,
                Command::ResourceAdd {
                    name,
                    url,
                    description,
                } => self.command_resource_add(name, url, description).await,
                Command::ResourceRemove { name } => self.command_resource_remove(name).await,
                Command::Resources => self.command_resources().await,
                Command::AnnouncementsBy { dm } => self.command_announcements_by(caller, dm).await,
                Command::MyData => self.command_mydata(caller).await,
                Command::Audit => self.command_audit().await,
                Command::Forget { user } => self.command_forget(caller, user).await,
                Command::Profile { user, city, zone } => {
                    self.command_profile(caller, user, city, zone).await
                }
                Command::Announce {
                    text,
                    intake,
                    to,
                    at,
                } => self.command_announce(text, intake, to, at).await,
                Command::MeetupCancel { id } => self.command_meetup_cancel(id).await,
                Command::MeetupMove { id, at, zone } => {
                    self.command_meetup_move(id, at, zone).await
                }
            }
        }
        .instrument(span)
        .await
    }

    /// A button press: the action id picks the handler; the value is re-checked by it.
    async fn press(&self, caller: &Caller, action: &str, value: &str) -> AppResult<Reply> {
        if let Some(answer) = checkins::answer_of_action(action) {
            return self.press_checkin(caller, answer, value).await;
        }
        if let Some((_, answer)) = meetups::RSVP_ACTIONS.iter().find(|(a, _)| *a == action) {
            return self.press_rsvp(caller, answer, value).await;
        }
        match action {
            pausing::RESUME_ACTION => self.press_resume(caller, value).await,
            privacy::FORGET_ACTION => self.press_forget(caller, value).await,
            _ => Err(UserError::UnknownAction.into()),
        }
    }

    /// Coordinators: the operator at the terminal, anyone the platform marks as one, and the
    /// people in the coordinators table.
    pub async fn is_coordinator(&self, caller: &Caller) -> AppResult<bool> {
        if caller.operator || caller.platform_coordinator {
            return Ok(true);
        }
        match self.participant(&caller.identity).await? {
            Some(p) => Ok(store::coordinators::contains(self.store.pool(), &p.id).await?),
            None => Ok(false),
        }
    }

    pub async fn participant(&self, identity: &Identity) -> AppResult<Option<Participant>> {
        Ok(store::participants::find_by_identity(self.store.pool(), identity).await?)
    }
}
