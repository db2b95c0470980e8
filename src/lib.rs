//! Tandem runs a professional mentoring program inside Slack and Discord: intakes, pairs and their
//! private spaces, monthly check-ins, webinars, meetups and surveys, from one core.
//!
//! Layers (ARCHITECTURE.md): `domain` (types and rules, no I/O) ← `app` (handlers, uses `store` and
//! the `chat` port) ← `adapters` (console, HTTP; Slack and Discord) ← `cli` and `run` (wiring).

pub mod adapters;
pub mod app;
pub mod chat;
pub mod cli;
pub mod cli_surveys;
pub mod clock;
pub mod commands;
pub mod config;
pub mod doctor;
pub mod domain;
pub mod fuzzing;
pub mod messages;
pub mod run;
pub mod store;
