//! The demo's first screen: what is in the sample program and what to try.

use std::fmt::Write as _;

use crate::app::App;
use crate::chat::message::format_local;
use crate::store;

pub async fn demo_banner(app: &App, fresh: bool, database: &str) -> anyhow::Result<String> {
    let db = app.store.pool();
    let now = app.now();
    let mut out = String::from("Tandem demo: a mentoring program in your terminal.\n");
    if !fresh {
        let _ = writeln!(
            out,
            "Continuing the program in {database} (--fresh starts over)."
        );
    }
    out.push_str("\nIntakes:\n");
    for intake in store::intakes::list(db).await? {
        let pairs = store::pairs::list_for_intake(db, &intake.id, false)
            .await?
            .len();
        let state = intake.state_at(now).as_str();
        let _ = writeln!(
            out,
            "  {:<16} {:>2} pairs  {:<18} {state}",
            intake.name,
            pairs,
            intake.zone.name()
        );
    }
    let coordinators =
        store::participants::find_many(db, &store::coordinators::list(db).await?).await?;
    let names: Vec<String> = coordinators
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
    if let Some(w) = store::webinars::next_for(db, None, now).await? {
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
    let acting = coordinators
        .first()
        .map(|c| c.display_name.as_str())
        .unwrap_or("a coordinator");
    let _ = write!(
        out,
        "\nYou are {acting}, a coordinator. Try:\n\
         \x20 /mentoring pairs                 the newest intake's pairs\n\
         \x20 /mentoring intake list           every intake\n\
         \x20 as aroha                         become a participant\n\
         \x20 /mentoring pause until:2027-01-31\n\
         \x20 :help                            the demo's own commands\n"
    );
    Ok(out)
}
