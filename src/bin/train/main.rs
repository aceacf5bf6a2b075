//! The trainers: every learned weight file in `prompts/` and the summarizer's weights are
//! made here, from labelled data, each with its cross-validation figures (cargo feature
//! `train` only: the bot and the CLI never compile this).
//!
//! ```text
//! cargo run --release --features train --bin train -- status     DATA.jsonl [...]  # prompts/status_model.toml
//! cargo run --release --features train --bin train -- actors     DATA.jsonl [...]  # prompts/actor_model.toml
//! cargo run --release --features train --bin train -- summarizer DATA.jsonl [...]  # summarize::MODEL
//! ```
//!
//! `tools/train.sh` re-trains the status and actor models as shipped. Each subcommand's
//! options are in its file's opening comment; `data.rs` loads the labelled texts that the
//! status and actor trainers share.

mod actors;
mod data;
mod status;
mod summarizer;

use std::process::ExitCode;

const USAGE: &str = "usage: train status|actors|summarizer DATA.jsonl [options]
  status      the status model (prompts/status_model.toml) and its report
  actors      the actor cut-off (prompts/actor_model.toml)
  summarizer  the summarizer's weights (printed, for src/summarize/mod.rs)";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let which = args.next();
    let rest: Vec<String> = args.collect();
    let result = match which.as_deref() {
        Some("status") => status::main(rest),
        Some("actors") => actors::main(rest),
        Some("summarizer") => {
            summarizer::main(rest);
            Ok(())
        }
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
