//! The demo's first screen: what is in the sample program and what to try.

use std::fmt::Write as _;

use crate::chat::message::format_local;
use crate::domain::{Intake, IntakeState, Participant};
use crate::store::webinars::Webinar;

/// What the first screen shows, gathered by the console adapter.
#[derive(Debug, Clone)]
pub struct DemoOverview {
    pub intakes: Vec<(Intake, IntakeState, usize)>,
    pub coordinators: Vec<Participant>,
    pub next_webinar: Option<Webinar>,
}

pub fn demo_banner(overview: &DemoOverview, fresh: bool, database: &str) -> String {
    let mut out = String::from("Tandem demo: a mentoring program in your terminal.\n");
    if !fresh {
        let _ = writeln!(
            out,
            "Continuing the program in {database} (--fresh starts over)."
        );
    }
    out.push_str("\nIntakes:\n");
    for (intake, state, pairs) in &overview.intakes {
        let _ = writeln!(
            out,
            "  {:<16} {:>2} pairs  {:<18} {}",
            intake.name,
            pairs,
            intake.zone.name(),
            state.as_str()
        );
    }
    let names: Vec<String> = overview
        .coordinators
        .iter()
        .map(|c| {
            format!(
                "{} (as {})",
                c.display_name,
                c.console_name.as_deref().unwrap_or("?")
            )
        })
        .collect();
    let _ = writeln!(out, "Coordinators: {}", names.join(", "));
    if let Some(w) = &overview.next_webinar {
        let _ = writeln!(
            out,
            "Next webinar: \"{}\", {}",
            w.title,
            format_local(w.starts_at, w.zone)
        );
        if let Some(speakers) = &w.speakers {
            let _ = writeln!(out, "  with {speakers}");
        }
    }
    let acting = overview
        .coordinators
        .first()
        .map(|c| c.display_name.as_str())
        .unwrap_or("a coordinator");
    let _ = write!(
        out,
        "\nYou are {acting}, a coordinator. Try:\n\
         \x20 /mentoring status                each pair's last check-in, quiet pairs first\n\
         \x20 /mentoring pairs                 the newest intake's pairs\n\
         \x20 :advance 10d                     move time on: the next check-ins arrive\n\
         \x20 /webinars                        the webinar calendar, in your time\n\
         \x20 /mentoring survey open end-of-program   then `as tess` and /survey\n\
         \x20 as aroha                         become a participant\n\
         \x20 /mentoring pause until:2027-01-31\n\
         \x20 :help                            the demo's own commands\n"
    );
    out
}
