//! HSDS interchange: reading and writing Open Referral HSDS packages (3.x JSON and tabular,
//! 1.x/2.0 tabular upgraded to 3.1).
//!
//! This crate turns files into [`linkwork_domain::hsds::Batch`]es plus a [`Report`] of every
//! problem found and what was done about it, and turns documents and records back into files.
//! It knows nothing of databases or HTTP: the store writes the batches, the CLI draws the
//! progress bar and prints [`Report::summary`].
//!
//! - [`read`] reads any input whole; [`open`] gives a [`BatchReader`] that streams NDJSON and
//!   JSON arrays in batches of [`ReadOptions::batch_size`] documents.
//! - [`write_json_array`], [`write_ndjson`], [`JsonArrayWriter`] write nested documents;
//!   [`TabularWriter`] writes CSV packages with datapackage.json; [`Nester`] nests records held
//!   in memory, for conversions without a database.
//!
//! ```no_run
//! use linkwork_hsds::{open, ReadOptions};
//!
//! let mut reader = open(std::path::Path::new("services.ndjson"), ReadOptions::default())?;
//! for batch in reader.by_ref() {
//!     let batch = batch?;
//!     println!("{} records", batch.records.len()); // the store writes them here
//! }
//! eprintln!("{}", reader.report().summary());
//! # Ok::<(), linkwork_hsds::ReadError>(())
//! ```

mod assemble;
pub mod error;
mod json;
mod legacy;
pub mod nest;
pub mod options;
pub mod report;
pub mod source;
mod tabular;
pub mod write;

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use linkwork_domain::hsds::Batch;

pub use error::{ReadError, WriteError};
pub use nest::Nester;
pub use options::{ExistingFn, Progress, ProgressFn, ReadOptions};
pub use report::{Action, Problem, ProblemGroup, Report, Severity, TableCounts};
pub use source::{detect, InputKind};
pub use write::{
    datapackage, write_json_array, write_ndjson, DirSink, JsonArrayWriter, PackageSink,
    TabularWriter, ZipSink,
};

enum State {
    Package(source::PackageFiles),
    Tables(Vec<tabular::TableFile>),
    Docs(json::DocBatches),
    Done,
}

/// Reads an input batch by batch. Tabular packages come as one batch; JSON arrays and NDJSON
/// come [`ReadOptions::batch_size`] documents at a time, so a very large file never sits in
/// memory. References are checked against the rows of this and earlier batches.
pub struct BatchReader {
    state: State,
    opts: ReadOptions,
    report: Report,
    kind: InputKind,
}

impl BatchReader {
    /// What was found so far; complete once the iterator has returned `None`.
    pub fn report(&self) -> &Report {
        &self.report
    }

    pub fn into_report(self) -> Report {
        self.report
    }

    pub fn kind(&self) -> &InputKind {
        &self.kind
    }

    fn step(&mut self) -> Result<Option<Batch>, ReadError> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Package(p) => {
                let (batch, r) = tabular::read_package(p, &self.opts)?;
                self.report.merge(r);
                Ok(Some(batch))
            }
            State::Tables(t) => {
                let asm = assemble::Assembler::new(&self.opts);
                let (batch, mut r) = tabular::read_tables(t, "", &self.opts, asm)?;
                r.format = "an HSDS 3.x tabular package written as JSON".into();
                self.report.merge(r);
                Ok(Some(batch))
            }
            State::Docs(mut d) => match d.next_batch(&self.opts, &mut self.report)? {
                Some(b) => {
                    self.state = State::Docs(d);
                    Ok(Some(b))
                }
                None => {
                    let mut kinds: Vec<String> =
                        d.kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
                    kinds.sort();
                    let what = if self.kind == InputKind::Ndjson {
                        "NDJSON"
                    } else {
                        "JSON"
                    };
                    self.report.format = format!(
                        "HSDS 3.x {what} ({} documents)",
                        if kinds.is_empty() {
                            "no".into()
                        } else {
                            kinds.join(", ")
                        }
                    );
                    Ok(None)
                }
            },
            State::Done => Ok(None),
        }
    }
}

impl Iterator for BatchReader {
    type Item = Result<Batch, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.step().transpose()
    }
}

/// Opens any input (see [`detect`]) for reading batch by batch.
pub fn open(path: &Path, opts: ReadOptions) -> Result<BatchReader, ReadError> {
    let kind = detect(path)?;
    let name = path.display().to_string();
    let state = match kind {
        InputKind::Directory => State::Package(source::load_dir(path)?),
        InputKind::DataPackage => {
            State::Package(source::load_dir(path.parent().unwrap_or(Path::new(".")))?)
        }
        InputKind::Csv => State::Package(source::load_csv(path)?),
        InputKind::Zip => {
            let f = File::open(path).map_err(|e| ReadError::io(&name, e))?;
            State::Package(source::load_zip(&name, BufReader::new(f))?)
        }
        InputKind::Json | InputKind::Ndjson => {
            let f = File::open(path).map_err(|e| ReadError::io(&name, e))?;
            let total = f.metadata().ok().map(|m| m.len());
            return open_json_reader(&name, f, kind == InputKind::Ndjson, total, opts);
        }
    };
    Ok(BatchReader {
        state,
        opts,
        report: Report::default(),
        kind,
    })
}

/// Opens JSON (`ndjson == false`) or NDJSON from any reader, e.g. a download, streaming it.
/// `total_bytes`, when known, lets progress say how far along it is.
pub fn open_json_reader<R: Read + Send + 'static>(
    name: &str,
    reader: R,
    ndjson: bool,
    total_bytes: Option<u64>,
    opts: ReadOptions,
) -> Result<BatchReader, ReadError> {
    let file: Arc<str> = Arc::from(name);
    let count = Arc::new(AtomicU64::new(0));
    let mut reader = BufReader::with_capacity(
        1 << 16,
        json::Counting {
            inner: reader,
            count: count.clone(),
        },
    );
    let kind = if ndjson {
        InputKind::Ndjson
    } else {
        InputKind::Json
    };
    let docs: json::Docs = if ndjson {
        json::ndjson_docs(file, reader)
    } else {
        // An array is streamed; anything else is one value, read whole.
        let first = first_byte(&mut reader).map_err(|e| ReadError::io(name, e))?;
        match first {
            Some(b'[') => Box::new(json::ArrayDocs::new(file, reader)),
            None => return Err(ReadError::unrecognised(name, "the file is empty")),
            Some(_) => {
                let mut bytes = Vec::new();
                reader
                    .read_to_end(&mut bytes)
                    .map_err(|e| ReadError::io(name, e))?;
                let value: serde_json::Value =
                    serde_json::from_slice(&bytes).map_err(|e| ReadError::json(name, &e, 0))?;
                let lines = Arc::new(json::line_index(&bytes, 1, ""));
                match json::whole(&file, value, Some(lines))? {
                    json::Whole::Docs(items) => Box::new(items.into_iter().map(Ok)),
                    json::Whole::Tables(t) => {
                        return Ok(BatchReader {
                            state: State::Tables(t),
                            opts,
                            report: Report::default(),
                            kind,
                        })
                    }
                }
            }
        }
    };
    let batches = json::DocBatches {
        docs,
        known: Default::default(),
        docs_read: 0,
        told: 0,
        bytes: Some((count, total_bytes)),
        kinds: Default::default(),
        repairs_seen: Default::default(),
    };
    Ok(BatchReader {
        state: State::Docs(batches),
        opts,
        report: Report::default(),
        kind,
    })
}

/// The first byte that is not whitespace or a byte order mark. Looks without consuming, so that
/// the array reader still counts every line.
fn first_byte<R: std::io::BufRead>(r: &mut R) -> std::io::Result<Option<u8>> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        let skip = |b: &u8| b.is_ascii_whitespace() || matches!(b, 0xEF | 0xBB | 0xBF);
        match buf.iter().find(|b| !skip(b)) {
            Some(&b) => return Ok(Some(b)),
            // A whole buffer of whitespace: drop it and look further.
            None => {
                let n = buf.len();
                r.consume(n);
            }
        }
    }
}

/// Reads a tabular package from a zip archive held by any reader.
pub fn read_zip<R: Read + Seek>(
    name: &str,
    reader: R,
    opts: &ReadOptions,
) -> Result<(Batch, Report), ReadError> {
    tabular::read_package(source::load_zip(name, reader)?, opts)
}

/// Reads a whole input into one batch (records ordered parents first) and its report.
pub fn read(path: &Path, opts: &ReadOptions) -> Result<(Batch, Report), ReadError> {
    collect(open(path, opts.clone())?)
}

/// Drains a reader into one batch.
pub fn collect(mut reader: BatchReader) -> Result<(Batch, Report), ReadError> {
    let mut all = Batch::default();
    for b in reader.by_ref() {
        let b = b?;
        all.records.extend(b.records);
        all.source_ids.extend(b.source_ids);
    }
    all.sort_for_writing();
    Ok((all, reader.into_report()))
}

#[cfg(test)]
mod tests;
