//! `linkwork export`: the directory as HSDS 3.1 JSON, NDJSON or a tabular package.

use std::io::Write;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use linkwork_domain::hsds::registry::TABLES;
use linkwork_domain::hsds::tree;

use crate::config::Config;

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Export the directory as Open Referral HSDS 3.1
    Hsds {
        /// The format to write
        #[arg(long, value_enum, default_value_t = ExportFormat::Ndjson)]
        format: ExportFormat,
        /// Where to write: a file for json and ndjson ("-" for standard output), a directory for
        /// csv, a .zip file for zip
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormat {
    /// One JSON array of fully nested services
    Json,
    /// One fully nested service per line
    Ndjson,
    /// A tabular package: one CSV per table and datapackage.json, in a directory
    Csv,
    /// The tabular package in a zip file
    Zip,
}

const CHUNK: usize = 200;

pub async fn run(config: &Config, cmd: ExportCommand) -> anyhow::Result<()> {
    let ExportCommand::Hsds { format, out } = cmd;
    let store = crate::open_store(config).await?;
    let total = store.count("service").await?;
    let bar = crate::gen::progress(total, "Exporting services");
    match format {
        ExportFormat::Json | ExportFormat::Ndjson => {
            let sink: Box<dyn Write> = if out.as_os_str() == "-" {
                Box::new(std::io::stdout().lock())
            } else {
                Box::new(std::fs::File::create(&out)?)
            };
            let mut sink = std::io::BufWriter::new(sink);
            let mut array = None;
            let mut plain = None;
            match format {
                ExportFormat::Json => array = Some(linkwork_hsds::JsonArrayWriter::new(&mut sink)?),
                _ => plain = Some(&mut sink),
            }
            let mut after: Option<String> = None;
            let mut n = 0usize;
            loop {
                let rows = store.rows_after("service", after.as_deref(), CHUNK).await?;
                let Some(last) = rows.last() else { break };
                after = last.id().map(str::to_string);
                let ids: Vec<String> = rows.iter().filter_map(|r| r.id().map(str::to_string)).collect();
                let docs = store.load(&tree::SERVICE, &ids).await?;
                if let Some(a) = array.as_mut() {
                    for d in &docs {
                        a.push(d)?;
                    }
                }
                if let Some(w) = plain.as_mut() {
                    linkwork_hsds::write_ndjson(&mut **w, &docs)?;
                }
                n += docs.len();
                bar.inc(docs.len() as u64);
            }
            if let Some(a) = array {
                a.finish()?;
            }
            sink.flush()?;
            bar.finish_and_clear();
            eprintln!("Exported {n} services to {}", out.display());
        }
        ExportFormat::Csv | ExportFormat::Zip => {
            let mut rows_written = 0usize;
            macro_rules! write_tables {
                ($w:expr) => {{
                    let mut w = $w;
                    for t in TABLES {
                        let mut after: Option<String> = None;
                        loop {
                            let rows = store.rows_after(t.name, after.as_deref(), 5_000).await?;
                            let Some(last) = rows.last() else { break };
                            after = last.id().map(str::to_string);
                            rows_written += w.table(t, &rows)?;
                            if t.name == "service" {
                                bar.inc(rows.len() as u64);
                            }
                        }
                    }
                    w.finish()?;
                }};
            }
            match format {
                ExportFormat::Zip => write_tables!(linkwork_hsds::TabularWriter::create_zip(&out)?),
                _ => write_tables!(linkwork_hsds::TabularWriter::create(&out)?),
            }
            bar.finish_and_clear();
            eprintln!("Exported {rows_written} rows in {} tables to {}", TABLES.len(), out.display());
        }
    }
    Ok(())
}
