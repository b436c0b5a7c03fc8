//! `linkwork places`: import the hierarchy of places from CSV (all or nothing, every problem with
//! its line and column; `--dry-run` to check first), assign facilitators and coordinators, and
//! list the places.

use std::path::PathBuf;

use clap::Subcommand;
use linkwork_store::pathway::Actor;

use crate::config::Config;
use crate::users::state;

#[derive(Subcommand, Debug)]
pub enum PlacesCommand {
    /// Import places from a CSV file (columns: code, name, level, parent_code, latitude, longitude, population)
    Import {
        /// The CSV file
        file: PathBuf,
        /// Check the file and say what would change, writing nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Assign a facilitator or coordinator to a place: they see it and every place below
    Assign {
        /// The place's code
        code: String,
        /// The facilitator's or coordinator's username
        username: String,
    },
    /// List the places, from the top down
    List,
}

/// Runs the command; answers false when a file was refused.
pub async fn run(config: &Config, cmd: PlacesCommand) -> anyhow::Result<bool> {
    let st = state(config).await?;
    let ok = match cmd {
        PlacesCommand::Import { file, dry_run } => {
            let name = file.display().to_string();
            let text = std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            let a = Actor::system(format!("linkwork places import {name}"));
            match linkwork_web::coproduction::places::import_text(&st, &a, &text, dry_run).await {
                Ok(r) => {
                    let what = if dry_run { "Would create" } else { "Created" };
                    println!("{what} {} places, updated {}, {} unchanged.", r.created, r.updated, r.unchanged);
                    true
                }
                Err(e) => {
                    eprintln!("{name} was refused; nothing was written:");
                    for line in crate::users::problem_text(e).to_string().lines() {
                        eprintln!("  {name}: {line}");
                    }
                    false
                }
            }
        }
        PlacesCommand::Assign { code, username } => {
            let a = Actor::system(format!("linkwork places assign {code} {username}"));
            st.store().assign_place(&a, &code, &username).await.map_err(|e| crate::users::problem_text(e.into()))?;
            println!("{username} is assigned to {code}.");
            true
        }
        PlacesCommand::List => {
            for p in st.store().list_places(None).await? {
                let indent = "  ".repeat(p.depth.max(0) as usize);
                println!("{indent}{} {} ({}){}", p.code, p.name, p.level, if p.assigned.is_empty() { String::new() } else { format!(" — {}", p.assigned.join(", ")) });
            }
            true
        }
    };
    st.store().close().await;
    Ok(ok)
}
