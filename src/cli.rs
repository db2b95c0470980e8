//! The command line: `tandem run`, `demo`, `admin`, `migrate`. Each subcommand wires the layers
//! together and hands over; nothing here makes a decision about the program.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::adapters::console::{
    ConsoleChat, seed,
    session::{Session, Step},
};
use crate::app::{App, Caller, Input, Invocation, Outcome, Settings};
use crate::chat::Chats;
use crate::clock::{Clock, ManualClock, SystemClock};
use crate::commands::Root;
use crate::config::{DatabaseArgs, ProgramArgs, RunConfig};
use crate::domain::{Identity, Platform};
use crate::messages;
use crate::store::Store;

#[derive(Debug, Parser)]
#[command(
    name = "tandem",
    version,
    about = "A mentoring-program bot for Slack and Discord."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: CliCommand,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Run the bot: HTTP routes, platform connections and the scheduler.
    Run(Box<RunConfig>),
    /// A terminal chat with a sample program: no tokens, no servers.
    Demo(DemoArgs),
    /// Run any /mentoring command as a coordinator: `tandem admin pairs intake:"2027 February"`.
    Admin(AdminArgs),
    /// Apply the database migrations and exit.
    Migrate(DatabaseArgs),
    /// Check a deployment (database, tokens, scopes, permissions, modes, public URL, announcement
    /// channels) with the same settings as `tandem run`, one line per check; exit status 0 only
    /// when nothing needs fixing.
    Doctor(Box<RunConfig>),
    /// Make the pairs in a roster (CSV, one pair a row): `tandem import roster.csv --dry-run`.
    Import(ImportArgs),
    /// Look at the schedules: `tandem schedule list`, `tandem schedule next --count 10`.
    Schedule(ScheduleArgs),
    /// The program calendar: `tandem calendar export --intake NAME --out webinars.ics`.
    Calendar(CalendarArgs),
    /// Discord helpers.
    #[command(subcommand)]
    Discord(DiscordCommand),
    /// Slack helpers: `tandem slack manifest`.
    #[command(subcommand)]
    Slack(SlackCommand),
    /// Survey templates: `tandem survey validate FILE`.
    #[command(subcommand)]
    Survey(crate::cli_surveys::SurveyCommand),
    /// Export data: `tandem export survey ID --format csv`.
    #[command(subcommand)]
    Export(crate::cli_surveys::ExportCommand),
}

#[derive(Debug, clap::Args)]
pub struct ScheduleArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(subcommand)]
    pub command: ScheduleCommand,
}

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Every schedule with its cron, zone and next run.
    List,
    /// The next occurrences across all schedules, soonest first.
    Next {
        /// How many to show.
        #[arg(long, default_value_t = 10)]
        count: usize,
    },
}

#[derive(Debug, clap::Args)]
pub struct CalendarArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub program: ProgramArgs,
    #[command(subcommand)]
    pub command: CalendarCommand,
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Write the webinars as an iCalendar file, the same as `GET /calendar/INTAKE.ics`.
    Export {
        /// Only this intake's webinars (and those for every intake); all when left out.
        #[arg(long)]
        intake: Option<String>,
        /// Where to write; standard output when left out.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DiscordCommand {
    /// Print the OAuth2 URL that adds the bot to a server, with exactly the scopes and
    /// permissions Tandem uses.
    InviteUrl {
        /// The application id (Developer Portal, General Information).
        #[arg(long, env = "DISCORD_APPLICATION_ID")]
        application_id: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum SlackCommand {
    /// Print the Slack app manifest (YAML) to create the app from: Socket Mode by default, or
    /// HTTP mode with `--url https://tandem.example.org`.
    Manifest {
        /// The public base URL for HTTP mode; request URLs become BASE/slack/….
        #[arg(long)]
        url: Option<String>,
        /// `on`: add the read scopes that verifying posts needs (see `TANDEM_SLACK_VERIFY_POSTS`).
        #[arg(long, env = "TANDEM_SLACK_VERIFY_POSTS", value_parser = crate::config::parse_switch, default_value = "off", action = clap::ArgAction::Set)]
        verify_posts: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// The demo's database.
    #[arg(long = "database", default_value = "sqlite://tandem-demo.db")]
    pub database_url: String,
    /// Run the commands in FILE (one per line, `#` for comments) instead of reading the terminal.
    #[arg(long)]
    pub script: Option<PathBuf>,
    /// Throw away the demo database and start with a new sample program.
    #[arg(long)]
    pub fresh: bool,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub program: ProgramArgs,
    /// The roster: a header line, then one pair a row (docs/operations.md lists the columns).
    pub roster: PathBuf,
    /// The intake for rows whose intake column is empty; the newest active intake when left out.
    #[arg(long)]
    pub intake: Option<String>,
    /// Check the roster and show what would happen, changing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, clap::Args)]
pub struct AdminArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub program: ProgramArgs,
    /// The command after `/mentoring`, e.g. `intake create "2027 February" tz:Australia/Sydney`.
    #[arg(required = true, num_args = 1.., allow_hyphen_values = true, trailing_var_arg = true)]
    pub words: Vec<String>,
}

impl Cli {
    /// What the command line itself should be warned about (a password in `--database`), for
    /// `main` to log once logging is set up.
    pub fn warnings(&self) -> Vec<String> {
        let database = match &self.command {
            CliCommand::Run(config) | CliCommand::Doctor(config) => Some(&config.database),
            CliCommand::Admin(args) => Some(&args.database),
            CliCommand::Migrate(db) => Some(db),
            CliCommand::Import(args) => Some(&args.database),
            CliCommand::Schedule(args) => Some(&args.database),
            CliCommand::Calendar(args) => Some(&args.database),
            CliCommand::Export(crate::cli_surveys::ExportCommand::Survey { database, .. }) => {
                Some(database)
            }
            CliCommand::Demo(args) => {
                // The demo has no variable for its database; libpq's own PGPASSWORD works.
                return crate::config::password_in_flag_warning(
                    &args.database_url,
                    "leave it out and set PGPASSWORD instead",
                )
                .into_iter()
                .collect();
            }
            CliCommand::Discord(_) | CliCommand::Slack(_) | CliCommand::Survey(_) => None,
        };
        database
            .and_then(DatabaseArgs::password_warning)
            .into_iter()
            .collect()
    }
}

pub async fn main(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        CliCommand::Run(config) => crate::run::run(*config).await,
        CliCommand::Demo(args) => demo(args).await,
        CliCommand::Admin(args) => admin(args).await,
        CliCommand::Import(args) => import(args).await,
        CliCommand::Discord(DiscordCommand::InviteUrl { application_id }) => {
            println!(
                "{}",
                crate::adapters::discord::invite::invite_url(application_id)
            );
            Ok(())
        }
        CliCommand::Doctor(config) => {
            let mut out = std::io::stdout();
            if crate::doctor::doctor(&config, &mut out).await? {
                Ok(())
            } else {
                anyhow::bail!("some checks need fixing (the lines marked FIX above)")
            }
        }
        CliCommand::Migrate(db) => {
            Store::open(&db.database_url).await?;
            println!("The database is up to date.");
            Ok(())
        }
        CliCommand::Schedule(args) => schedule(args).await,
        CliCommand::Survey(command) => crate::cli_surveys::survey(command),
        CliCommand::Export(command) => crate::cli_surveys::export(command).await,
        CliCommand::Calendar(args) => calendar(args).await,
        CliCommand::Slack(SlackCommand::Manifest { url, verify_posts }) => {
            print!(
                "{}",
                crate::adapters::slack::manifest::manifest_with(url.as_deref(), verify_posts)?
            );
            Ok(())
        }
    }
}

/// The app for a one-off subcommand: the real clock, no platform connected.
fn offline_app(store: Store, settings: Settings) -> App {
    App::new(store, Arc::new(SystemClock), Chats::new(), settings)
}

/// Words from the shell, quoted again where they had spaces, so the command table parses them
/// exactly as it parses chat text.
pub fn join_words(words: &[String]) -> String {
    words
        .iter()
        .map(|w| match w.split_once(':') {
            Some((key, value))
                if value.contains(char::is_whitespace) && !key.contains(char::is_whitespace) =>
            {
                format!("{key}:\"{value}\"")
            }
            _ if w.contains(char::is_whitespace) => format!("\"{w}\""),
            _ => w.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

async fn schedule(args: ScheduleArgs) -> anyhow::Result<()> {
    let store = Store::open(&args.database.database_url).await?;
    let app = offline_app(store, Settings::default());
    let message = match args.command {
        ScheduleCommand::List => messages::schedule_list(&app.schedules().await?),
        ScheduleCommand::Next { count } => messages::upcoming(&app.upcoming(count).await?),
    };
    println!("{}", crate::adapters::console::render(&message, 0, None));
    Ok(())
}

async fn calendar(args: CalendarArgs) -> anyhow::Result<()> {
    let CalendarCommand::Export { intake, out } = args.command;
    let store = Store::open(&args.database.database_url).await?;
    let app = offline_app(store, args.program.settings(None));
    let ics = app
        .program_ics(intake.as_deref())
        .await?
        .with_context(|| format!("there is no intake called {:?}", intake.unwrap_or_default()))?;
    match out {
        Some(path) => std::fs::write(&path, ics)
            .with_context(|| format!("could not write {}", path.display()))?,
        None => print!("{ics}"),
    }
    Ok(())
}

async fn admin(args: AdminArgs) -> anyhow::Result<()> {
    let store = Store::open(&args.database.database_url).await?;
    let app = offline_app(store, args.program.settings(None));
    // An operator's task, not a chat command: the scheduler runs it on its own.
    if args.words[0] == "retention" {
        let dry_run = match &args.words[1..] {
            [] => false,
            [flag] if flag == "--dry-run" => true,
            _ => {
                anyhow::bail!("type `tandem admin retention` or `tandem admin retention --dry-run`")
            }
        };
        let report = app.apply_retention(dry_run).await?;
        let message = messages::retention_report(&report, dry_run);
        println!("{}", crate::adapters::console::render(&message, 0, None));
        return Ok(());
    }
    let caller = Caller {
        operator: true,
        ..Caller::person(Identity::new(Platform::Console, "operator"), "operator")
    };
    let text = join_words(&args.words);
    let reply = app
        .handle(Invocation {
            caller,
            channel: None,
            input: Input::Text {
                root: Root::Mentoring,
                text,
            },
        })
        .await;
    println!(
        "{}",
        crate::adapters::console::render(&reply.message, 0, None)
    );
    // Files (a survey's chart or export) land in the current folder, as in the demo.
    for file in &reply.attachments {
        let written = std::fs::write(&file.name, &file.bytes).map_err(|e| e.to_string());
        let note = crate::messages::survey::file_written(&file.name, written);
        println!("{}", crate::adapters::console::render(&note, 0, None));
    }
    match reply.outcome {
        Outcome::Done => Ok(()),
        _ => anyhow::bail!("nothing was changed"),
    }
}

/// Checks every row first and changes nothing unless all of them pass; the spaces are left to
/// the running bot, which opens missing ones (no platform is connected here).
async fn import(args: ImportArgs) -> anyhow::Result<()> {
    use crate::messages::roster as words;
    let file = args.roster.display().to_string();
    let source = std::fs::read(&args.roster).with_context(|| format!("could not read {file}"))?;
    let store = Store::open(&args.database.database_url).await?;
    let app = offline_app(store, args.program.settings(None));
    let plan = match app.check_roster(&source, args.intake.as_deref()).await? {
        Ok(plan) => plan,
        Err(problems) => {
            for problem in &problems {
                println!("{}", words::roster_problem(&file, problem));
            }
            anyhow::bail!(words::roster_rejected(&file, problems.len()));
        }
    };
    if args.dry_run {
        for row in &plan.rows {
            println!("{}", words::roster_row(&file, row));
        }
        println!("{}", words::roster_summary(&plan, true, 0));
        return Ok(());
    }
    let invited = app.write_roster(&plan).await.map_err(|err| match err {
        crate::app::AppError::User(rule) => anyhow::anyhow!(words::roster_refused(&file, &rule)),
        crate::app::AppError::Internal(err) => err.context("nothing was imported"),
    })?;
    println!("{}", words::roster_summary(&plan, false, invited));
    Ok(())
}

async fn demo(args: DemoArgs) -> anyhow::Result<()> {
    if args.fresh {
        remove_sqlite_files(&args.database_url)?;
    }
    let store = Store::open(&args.database_url).await?;
    let now = SystemClock.now();
    let clock = Arc::new(ManualClock::new(now));
    let console = ConsoleChat::new();
    let app = App::new(
        store,
        clock.clone(),
        Chats::new().with(Arc::new(console.clone())),
        Settings::default(),
    );
    let fresh = crate::store::intakes::list(app.store.pool())
        .await?
        .is_empty();
    if fresh {
        seed::seed(&app, &clock, now)
            .await
            .context("could not build the sample program")?;
    }
    console.take_landed();
    println!(
        "{}",
        messages::demo_banner(
            &seed::overview(&app).await?,
            fresh,
            &crate::store::redact(&args.database_url)
        )
    );
    let mut session = Session::new(app, console, clock, seed::COORDINATORS[0]);
    match &args.script {
        Some(path) => {
            let file = std::fs::File::open(path)
                .with_context(|| format!("could not open {}", path.display()))?;
            run_lines(&mut session, std::io::BufReader::new(file)).await
        }
        None if std::io::stdin().is_terminal() => interactive(&mut session).await,
        None => run_lines(&mut session, std::io::stdin().lock()).await,
    }
}

/// Reads commands line by line, echoing each, so a script's output reads like a transcript.
async fn run_lines(session: &mut Session, input: impl BufRead) -> anyhow::Result<()> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        println!("{}{}", session.prompt(), line.trim());
        match session.run_line(&line).await {
            Step::Continue(out) => print!("{out}"),
            Step::Quit => break,
        }
    }
    Ok(())
}

async fn interactive(session: &mut Session) -> anyhow::Result<()> {
    let mut editor = rustyline::DefaultEditor::new()?;
    loop {
        match editor.readline(&session.prompt()) {
            Ok(line) => {
                let _ = editor.add_history_entry(line.as_str());
                match session.run_line(&line).await {
                    Step::Continue(out) => print!("{out}"),
                    Step::Quit => break,
                }
            }
            Err(
                rustyline::error::ReadlineError::Interrupted | rustyline::error::ReadlineError::Eof,
            ) => break,
            Err(err) => return Err(err.into()),
        }
    }
    println!("Bye! The program is kept in the demo database; `--fresh` starts over.");
    Ok(())
}

fn remove_sqlite_files(url: &str) -> anyhow::Result<()> {
    let Some(path) = url
        .strip_prefix("sqlite:")
        .map(|p| p.trim_start_matches("//"))
    else {
        anyhow::bail!("--fresh only works with a sqlite:// demo database");
    };
    let path = path.split('?').next().unwrap_or(path);
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{path}{suffix}");
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("could not remove {file}")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_keep_their_grouping() {
        let words: Vec<String> = [
            "intake",
            "create",
            "2027 February",
            "tz:Australia/Sydney",
            "intake:2026 August",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            join_words(&words),
            "intake create \"2027 February\" tz:Australia/Sydney intake:\"2026 August\""
        );
    }

    #[test]
    fn every_subcommand_has_help() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
