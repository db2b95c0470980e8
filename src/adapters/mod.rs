//! Adapters: the edges where platforms meet the app. They verify, decode, acknowledge and render;
//! they hold no business rules.

pub mod console;
pub mod discord;
pub mod http;
pub mod json;
pub mod slack;
