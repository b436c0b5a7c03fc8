//! `linkwork import`: reads a file in a background thread while the database writes what it has
//! read, all in one transaction, with a progress bar and a report of every problem.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use linkwork_domain::hsds::value::format_datetime;
use linkwork_hsds::{ReadOptions, Report};

use crate::config::Config;

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import an Open Referral HSDS package: a directory or .zip of CSV files (HSDS 3.x, or 1.x/2.0
    /// upgraded to 3.1), or HSDS 3.x JSON (.json: a document, a list or an API page; .ndjson)
    ///
    /// Importing the same file again changes nothing. Every problem is reported with its file,
    /// line and field and what was done; nothing is dropped silently. If the import stops half-way
    /// (an error with --strict, Ctrl+C, a crash), the database is left as it was.
    Hsds {
        /// The file or directory to import
        path: PathBuf,
        /// Refuse the whole import at the first error instead of repairing or skipping
        #[arg(long)]
        strict: bool,
        /// Read and check everything, report, and write nothing
        #[arg(long)]
        dry_run: bool,
        /// The country to assume for addresses that give none (an ISO 3166 code such as GB)
        #[arg(long, value_name = "CODE")]
        default_country: Option<String>,
        /// Also write every problem, one per line, to this CSV file
        #[arg(long, value_name = "FILE")]
        problems: Option<PathBuf>,
    },
}

/// Tables whose ids other rows refer to: an import may refer to rows already in the database.
const REFERENCED: [&str; 10] =
    ["organization", "program", "service", "location", "service_at_location", "taxonomy", "taxonomy_term", "unit", "contact", "phone"];

pub async fn run(config: &Config, cmd: ImportCommand) -> anyhow::Result<ExitCode> {
    let ImportCommand::Hsds { path, strict, dry_run, default_country, problems } = cmd;
    let store = crate::open_store(config).await?;
    let started = format_datetime(chrono::Utc::now());
    let kind = linkwork_hsds::detect(&path).map_err(|e| anyhow::anyhow!("{e}"))?;

    let mut existing: HashSet<(String, String)> = HashSet::new();
    if store.count("service").await? > 0 || store.count("taxonomy_term").await? > 0 {
        for t in REFERENCED {
            existing.extend(store.all_ids(t).await?.into_iter().map(|id| (t.to_string(), id)));
        }
    }
    let existing = Arc::new(existing);

    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("Importing [{bar:40}] {percent}% {msg} ({elapsed})").expect("valid template").progress_chars("=> "),
    );
    let progress_bar = bar.clone();
    let opts = ReadOptions {
        strict,
        default_country,
        progress: Some(Arc::new(move |p: &linkwork_hsds::Progress| {
            if let Some(total) = p.total_bytes.filter(|t| *t > 0) {
                progress_bar.set_length(total);
                progress_bar.set_position(p.bytes_read);
            } else if let Some(total) = p.total_rows {
                progress_bar.set_length(total);
                progress_bar.set_position(p.rows_read);
            }
            progress_bar.set_message(format!("{} rows", p.rows_read));
        })),
        existing: Some(Arc::new(move |t: &str, id: &str| existing.contains(&(t.to_string(), id.to_string())))),
        ..Default::default()
    };

    // Parse on a thread of its own so that reading and writing overlap on two cores.
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let path_for_reader = path.clone();
    let reader = std::thread::spawn(move || -> Result<Report, linkwork_hsds::ReadError> {
        let mut reader = linkwork_hsds::open(&path_for_reader, opts)?;
        for batch in reader.by_ref() {
            if tx.blocking_send(batch).is_err() {
                break;
            }
        }
        Ok(reader.into_report())
    });

    let mut writer = store.begin_directory_write().await?;
    let mut failure: Option<String> = None;
    while let Some(batch) = rx.recv().await {
        match batch {
            Ok(batch) => {
                if let Err(e) = writer.write(&batch).await {
                    failure = Some(format!("the database refused the data: {e}"));
                    break;
                }
            }
            Err(e) => {
                failure = Some(e.to_string());
                break;
            }
        }
    }
    drop(rx);
    let report = reader.join().map_err(|_| anyhow::anyhow!("the reader thread panicked"))?;
    bar.finish_and_clear();
    let report = match (report, failure) {
        (Ok(report), None) => report,
        (Err(e), _) => {
            writer.rollback().await?;
            eprintln!("Import refused, nothing was written: {e}");
            return Ok(ExitCode::FAILURE);
        }
        (Ok(report), Some(f)) => {
            writer.rollback().await?;
            eprint!("{}", report.summary());
            eprintln!("Import failed, nothing was written: {f}");
            return Ok(ExitCode::FAILURE);
        }
    };

    if let Some(file) = &problems {
        write_problems(file, &report)?;
    }
    println!("{}", report.summary());
    if dry_run {
        writer.rollback().await?;
        println!("Dry run: nothing was written.");
        return Ok(ExitCode::SUCCESS);
    }
    writer.record_import(&path.display().to_string(), &format!("{kind:?}"), &started, &report.summary()).await?;
    let summary = writer.commit().await?;
    let written: usize = summary.counts.values().sum();
    println!(
        "Imported {} services ({written} rows in all) into {}.",
        summary.counts.get("service").copied().unwrap_or(0),
        config.redacted_database_url()
    );
    Ok(ExitCode::SUCCESS)
}

fn write_problems(file: &std::path::Path, report: &Report) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(file)?;
    w.write_record(["severity", "file", "line", "field", "message", "action"])?;
    for p in &report.problems {
        w.write_record([
            format!("{:?}", p.severity),
            p.file.clone(),
            p.line.map(|l| l.to_string()).unwrap_or_default(),
            p.field.clone().unwrap_or_default(),
            p.message.clone(),
            format!("{:?}", p.action),
        ])?;
    }
    w.flush()?;
    Ok(())
}
