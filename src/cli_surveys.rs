//! The survey parts of the command line: `tandem survey validate FILE` and
//! `tandem export survey ID`. Wiring only; the checks and figures live in `domain` and `app`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use crate::config::DatabaseArgs;
use crate::domain::survey::template;
use crate::messages::survey as words;

#[derive(Debug, Subcommand)]
pub enum SurveyCommand {
    /// Check a survey template (TOML) and say what is wrong, line by line.
    Validate {
        /// The template file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// A survey's answers, one row per response, never with who gave them.
    Survey {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The survey's id, or its first characters (4 or more) as the chat shows them.
        id: String,
        /// csv or json.
        #[arg(long, default_value = "csv", value_parser = ["csv", "json"])]
        format: String,
    },
}

pub fn survey(command: SurveyCommand) -> anyhow::Result<()> {
    match command {
        SurveyCommand::Validate { file } => {
            let name = file.display().to_string();
            let source =
                std::fs::read_to_string(&file).with_context(|| format!("could not read {name}"))?;
            match template::parse(&source) {
                Ok(template) => {
                    println!("{}", words::template_ok(&name, &template));
                    Ok(())
                }
                Err(problems) => {
                    for problem in &problems {
                        println!("{}", words::template_problem(&name, problem));
                    }
                    anyhow::bail!("{name} has {} problem(s)", problems.len())
                }
            }
        }
    }
}

pub async fn export(command: ExportCommand) -> anyhow::Result<()> {
    match command {
        ExportCommand::Survey {
            database,
            id,
            format,
        } => {
            let store = crate::store::Store::open(&database.database_url).await?;
            let now = crate::clock::Clock::now(&crate::clock::SystemClock);
            let text = crate::app::surveys::export::export(&store, &id, &format, now).await?;
            print!("{text}");
            Ok(())
        }
    }
}
