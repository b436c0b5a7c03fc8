//! `linkwork observatory`: publish this programme's package of indicator results for a period,
//! and, for a regional observatory, import other programmes' packages and list them. A package
//! is refused with every reason and where in it (see `linkwork_fhir::package`).

use std::path::PathBuf;

use clap::Subcommand;
use linkwork_store::pathway::Actor;
use linkwork_web::observatory::package;

use crate::config::Config;
use crate::users::{problem_text, state};

#[derive(Subcommand, Debug)]
pub enum ObservatoryCommand {
    /// Write this programme's package for a period: every indicator's protected result, by
    /// month, as a FHIR R4 Bundle with its content hash, for a regional observatory to import
    Publish {
        /// First day counted, YYYY-MM-DD [default: the first of the month a year before --to]
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day counted, YYYY-MM-DD [default: today]
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Where to write it [default: standard output]
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Import programmes' packages (as `publish` writes them) into this regional observatory
    Import {
        /// Package files
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// List the packages imported, the latest periods first
    Packages,
}

/// Runs the command; answers false when a package was refused.
pub async fn run(config: &Config, cmd: ObservatoryCommand) -> anyhow::Result<bool> {
    let st = state(config).await?;
    linkwork_web::measures_api::ensure_built_in(st.store()).await?;
    let result = match cmd {
        ObservatoryCommand::Publish { from, to, output } => {
            let a = Actor::system("linkwork observatory publish");
            let started = std::time::Instant::now();
            let spinner = indicatif::ProgressBar::new_spinner().with_message("counting every indicator over the pathway records…");
            spinner.enable_steady_tick(std::time::Duration::from_millis(120));
            let bundle = package::publish(&st, &a, &package::PeriodParams { from, to }).await.map_err(problem_text);
            spinner.finish_and_clear();
            let bundle = bundle?;
            let text = serde_json::to_string(&bundle)?;
            let reports = bundle["entry"].as_array().map_or(0, |e| e.iter().filter(|x| x["resource"]["resourceType"] == "MeasureReport").count());
            match &output {
                Some(path) => std::fs::write(path, &text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
                None => println!("{text}"),
            }
            eprintln!(
                "Published {reports} indicators for {} ({}), content hash {}, in {:.1} s{}.",
                package::programme(&st).name,
                package::programme(&st).id,
                bundle["identifier"]["value"].as_str().unwrap_or_default(),
                started.elapsed().as_secs_f64(),
                output.map(|p| format!(", to {}", p.display())).unwrap_or_default()
            );
            Ok(true)
        }
        ObservatoryCommand::Import { files } => {
            let mut all_ok = true;
            for file in files {
                let name = file.display().to_string();
                let text = match std::fs::read_to_string(&file) {
                    Ok(t) => t,
                    Err(e) => {
                        eprintln!("{name}: {e}");
                        all_ok = false;
                        continue;
                    }
                };
                let bundle: serde_json::Value = match serde_json::from_str(&text) {
                    Ok(b) => b,
                    Err(e) => {
                        eprintln!("{name}: line {}, column {}: not JSON: {e}", e.line(), e.column());
                        all_ok = false;
                        continue;
                    }
                };
                match package::check(&st, &bundle).await.map_err(problem_text)? {
                    Err(problems) => {
                        eprintln!("{name} was refused:");
                        for p in problems {
                            eprintln!("  {}: {}", p.at, p.message);
                        }
                        all_ok = false;
                    }
                    Ok(p) => {
                        let a = Actor::system(format!("linkwork observatory import {name}"));
                        let (rec, new) = package::keep(&st, &a, &p, &bundle).await.map_err(problem_text)?;
                        let how = if new { "Imported" } else { "Already imported, unchanged:" };
                        println!("{how} {} ({}), {} to {}, {} indicators, content hash {}.", rec.programme_name, rec.programme_id, rec.period_from, rec.period_to, p.results.len(), rec.content_hash);
                    }
                }
            }
            Ok(all_ok)
        }
        ObservatoryCommand::Packages => {
            for p in st.store().list_packages().await? {
                println!("{} to {}  {:<28} {:<20} published {}  {}", p.period_from, p.period_to, p.programme_name, p.programme_id, p.published_at, &p.content_hash[..12.min(p.content_hash.len())]);
            }
            Ok(true)
        }
    };
    st.store().close().await;
    result
}
