//! `linkwork instrument`: load screening and outcome instruments from definition files (a FHIR
//! R4 Questionnaire with scoring rules), and list what is loaded. A broken definition is refused
//! with every reason and its path.

use std::path::PathBuf;

use clap::Subcommand;
use linkwork_domain::instrument::Instrument;
use linkwork_store::pathway::Actor;

use crate::config::Config;

#[derive(Subcommand, Debug)]
pub enum InstrumentCommand {
    /// Load an instrument definition (JSON: {"questionnaire": …, "scoring": …}), such as the
    /// SWEMWBS definition for organisations that hold its licence
    /// (crates/domain/instruments/licensed/swemwbs.json)
    Load {
        /// The definition file
        file: PathBuf,
    },
    /// List the loaded instruments
    List,
}

/// Runs the command; answers false when a definition was refused.
pub async fn run(config: &Config, cmd: InstrumentCommand) -> anyhow::Result<bool> {
    let store = crate::open_store(config).await?;
    linkwork_web::measures_api::ensure_built_in(&store).await?;
    let result = match cmd {
        InstrumentCommand::Load { file } => {
            let text = std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let def: serde_json::Value = serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: not JSON: {e}", file.display()))?;
            match Instrument::parse(&def) {
                Err(errs) => {
                    eprintln!("{} was refused:", file.display());
                    for e in errs {
                        eprintln!("  {e}");
                    }
                    Ok(false)
                }
                Ok(ins) => {
                    let a = Actor::system(format!("linkwork instrument load {}", file.display()));
                    match store.load_instrument(&a, &ins.url, &ins.version, &ins.name, &ins.title, &def, false).await {
                        Ok((_, true)) => {
                            println!("Loaded {} ({} version {}).", ins.title, ins.name, ins.version);
                            Ok(true)
                        }
                        Ok((_, false)) => {
                            println!("{} version {} was already loaded, unchanged.", ins.title, ins.version);
                            Ok(true)
                        }
                        Err(e) => {
                            eprintln!("{}: {e}", file.display());
                            Ok(false)
                        }
                    }
                }
            }
        }
        InstrumentCommand::List => {
            for r in store.list_instruments().await? {
                let state = if r.retired { "retired" } else if r.built_in { "built in" } else { "loaded" };
                println!("{:<18} {:<8} {:<10} {}", r.name, r.version, state, r.title);
            }
            Ok(true)
        }
    };
    store.close().await;
    result
}
