//! `docs/commands.md`, generated from the command table so the reference never drifts from the
//! code (a test compares the file with this output).

use super::{Access, Place, Root, table};

pub fn markdown() -> String {
    let mut out = String::from(
        "# Commands\n\n\
         Generated from the command table (`src/commands/table/`); `cargo test` fails when this file\n\
         and the table disagree, and `TANDEM_UPDATE_DOCS=1 cargo test` rewrites it.\n\n\
         On Slack and in the terminal, type the words, then the arguments: positional ones in order,\n\
         options as `key:value`, with quotes around values that have spaces (`intake:\"2027 February\"`).\n\
         On Discord, the same words are the subcommand group and subcommand, and every argument is an\n\
         option with the name shown here. People are mentions (`@name`); dates are `YYYY-MM-DD`; zones\n\
         are IANA names such as `Australia/Sydney`. Without `intake:`, the newest active intake is meant.\n",
    );
    for root in Root::ALL {
        let specs: Vec<_> = table().filter(|s| s.root == root).collect();
        if specs.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## /{}\n", root.name()));
        for spec in specs {
            let who = match spec.access {
                Access::Anyone => "anyone",
                Access::Coordinator => "coordinators",
            };
            out.push_str(&format!(
                "\n### `{}`\n\n{} Who: {who}.\n",
                spec.usage(),
                spec.summary
            ));
            if !spec.args.is_empty() {
                out.push_str("\n| argument | kind | |\n|---|---|---|\n");
                for arg in spec.args {
                    let place = match arg.place {
                        Place::Positional => "positional",
                        Place::Keyed => "option",
                    };
                    let need = if arg.required { "required" } else { "optional" };
                    out.push_str(&format!(
                        "| `{}` | {place}, {need} | {} |\n",
                        arg.name, arg.help
                    ));
                }
            }
        }
    }
    out
}
