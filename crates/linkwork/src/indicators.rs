//! `linkwork indicator`: load indicator definitions beside the shipped ones (as the files in
//! crates/domain/indicators are written), and list what is offered. A broken definition is
//! refused with every reason and where; a loaded one never changes (give a changed one a new
//! version, which is then the one evaluated).

use std::path::PathBuf;

use clap::Subcommand;
use linkwork_store::pathway::Actor;
use linkwork_web::observatory::catalogue;

use crate::config::Config;
use crate::users::state;

#[derive(Subcommand, Debug)]
pub enum IndicatorCommand {
    /// Load an indicator definition (JSON, as the shipped ones in crates/domain/indicators)
    Load {
        /// The definition file
        file: PathBuf,
    },
    /// List the indicators offered, and which were loaded rather than shipped
    List,
}

/// Runs the command; answers false when a definition was refused.
pub async fn run(config: &Config, cmd: IndicatorCommand) -> anyhow::Result<bool> {
    let st = state(config).await?;
    let result = match cmd {
        IndicatorCommand::Load { file } => {
            let name = file.display().to_string();
            let text = std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            let a = Actor::system(format!("linkwork indicator load {name}"));
            match catalogue::load(&st, &a, &text).await {
                Ok((d, true)) => {
                    println!("Loaded {} version {} ({}).", d.id, d.version, d.title_in("en"));
                    true
                }
                Ok((d, false)) => {
                    println!("{} version {} was already loaded, unchanged.", d.id, d.version);
                    true
                }
                Err(e) => {
                    eprintln!("{name} was refused:");
                    for line in crate::users::problem_text(e).to_string().lines() {
                        eprintln!("  {line}");
                    }
                    false
                }
            }
        }
        IndicatorCommand::List => {
            let cat = catalogue::catalogue(&st).await.map_err(crate::users::problem_text)?;
            for d in &cat.current {
                let how = if cat.loaded.iter().any(|(id, v)| id == &d.id && v == &d.version) { "loaded" } else { "shipped" };
                println!("{:<30} {:<8} {:<8} {}", d.id, d.version, how, d.title_in("en"));
            }
            true
        }
    };
    st.store().close().await;
    Ok(result)
}
