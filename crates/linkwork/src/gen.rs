//! `linkwork gen`: a synthetic directory of N services from a seed, written to a file or loaded
//! straight into the database, for benchmarks and load tests.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use linkwork_domain::hsds::tree;

use crate::config::Config;

#[derive(Args, Debug)]
pub struct GenArgs {
    /// How many services to generate
    #[arg(long, short = 'n', default_value_t = 10_000)]
    services: usize,
    /// The seed: the same seed gives the same directory
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write to this file (NDJSON) or directory (CSV package) instead of loading into the database
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// The file format with --out
    #[arg(long, value_enum, default_value_t = GenFormat::Ndjson)]
    format: GenFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum GenFormat {
    /// One fully nested HSDS 3.1 service per line
    Ndjson,
    /// An HSDS 3.1 tabular package (CSV files and datapackage.json)
    Csv,
}

pub(crate) fn progress(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

pub async fn run(config: &Config, args: GenArgs) -> anyhow::Result<()> {
    let bar = progress(args.services as u64, "Generating services");
    let batches = linkwork_gen::synthetic(args.seed, args.services);
    match (&args.out, args.format) {
        (None, _) => {
            let store = crate::open_store(config).await?;
            let mut writer = store.begin_directory_write().await?;
            for batch in batches {
                writer.write(&batch).await?;
                bar.inc(batch.count("service") as u64);
            }
            writer.commit().await?;
            bar.finish();
            eprintln!("Loaded {} services into {}", args.services, config.redacted_database_url());
        }
        (Some(path), GenFormat::Ndjson) => {
            let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
            // Later batches refer to the taxonomy and units of the first; each document carries
            // the terms and units it uses, so every batch is nested with them at hand.
            let shared = linkwork_gen::shared().records;
            for batch in batches {
                let mut records = shared.clone();
                records.extend(batch.records.iter().cloned());
                for doc in tree::nest_in_memory(&tree::SERVICE, &records) {
                    serde_json::to_writer(&mut out, &doc)?;
                    out.write_all(b"\n")?;
                }
                bar.inc(batch.count("service") as u64);
            }
            out.flush()?;
            bar.finish();
            eprintln!("Wrote {} services to {}", args.services, path.display());
        }
        (Some(path), GenFormat::Csv) => {
            let mut package = linkwork_hsds::write::TabularWriter::create(path)?;
            for batch in batches {
                package.write_records(&batch.records)?;
                bar.inc(batch.count("service") as u64);
            }
            package.finish()?;
            bar.finish();
            eprintln!("Wrote {} services to the package {}", args.services, path.display());
        }
    }
    Ok(())
}
