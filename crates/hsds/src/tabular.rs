//! Reading tabular HSDS packages: CSV files (in a directory or zip, described or not by a
//! datapackage.json), HSDS 3.x as it is and HSDS 1.x/2.0 upgraded to 3.1 by [`crate::legacy`].
//!
//! The whole package is loaded into memory: references between files can only be checked once
//! every file is read, and real packages are tens of megabytes, not gigabytes.

use std::collections::BTreeMap;
use std::sync::Arc;

use linkwork_domain::hsds::{registry::TABLES, table, Batch, TableDef};
use serde_json::Value as Json;

use crate::assemble::{key, Assembler, Key, Loc, RawRow};
use crate::error::ReadError;
use crate::legacy::{self, Legacy};
use crate::options::{Progress, ReadOptions};
use crate::report::{Action, Report, Severity};
use crate::source::PackageFiles;

/// A row of text cells by column name, and where it is.
pub(crate) type TextRow = (Loc, Vec<(Key, String)>);

/// One file of a package, parsed into rows of text.
pub(crate) struct TableFile {
    pub file: Arc<str>,
    /// File name without directory and `.csv`, lower case.
    pub stem: String,
    /// The datapackage.json resource name for this file, if any.
    pub resource: Option<String>,
    /// The CSV header (lower case), when the rows came from one. Rows of a 3.x table leave out
    /// their empty cells of known fields (an empty cell and no cell read the same), so what
    /// columns a file has is read from here.
    pub header: Option<Vec<String>>,
    pub rows: Vec<TextRow>,
}

/// What a file holds.
enum Kind {
    Table(&'static TableDef),
    Legacy(Legacy),
    Unknown,
}

fn classify(f: &TableFile) -> Kind {
    if let Some(t) = TABLES
        .iter()
        .find(|t| t.path.trim_end_matches(".csv") == f.stem)
    {
        return Kind::Table(t);
    }
    if let Some(l) = Legacy::from_name(&f.stem) {
        return Kind::Legacy(l);
    }
    if let Some(r) = f.resource.as_deref() {
        if let Some(l) = Legacy::from_name(r) {
            return Kind::Legacy(l);
        }
        if let Some(t) = table(r) {
            return Kind::Table(t);
        }
    }
    Kind::Unknown
}

/// Reads a package loaded by [`crate::source`].
pub(crate) fn read_package(
    pkg: PackageFiles,
    opts: &ReadOptions,
) -> Result<(Batch, Report), ReadError> {
    let mut asm = Assembler::new(opts);
    // The datapackage.json closest to the root names the resources and the HSDS version.
    let dp = pkg
        .files
        .iter()
        .filter(|(p, _)| {
            p.rsplit('/')
                .next()
                .is_some_and(|b| b.eq_ignore_ascii_case("datapackage.json"))
        })
        .min_by_key(|(p, _)| p.matches('/').count());
    let mut resources: BTreeMap<String, String> = BTreeMap::new();
    let mut version = String::new();
    if let Some((path, bytes)) = dp {
        let file: Arc<str> = Arc::from(path.as_str());
        match serde_json::from_slice::<Json>(bytes) {
            Ok(Json::Object(o)) => {
                version = o
                    .get("version")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_string();
                let base = path
                    .rsplit_once('/')
                    .map(|(d, _)| format!("{d}/"))
                    .unwrap_or_default();
                for r in o
                    .get("resources")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let (Some(n), Some(p)) = (
                        r.get("name").and_then(Json::as_str),
                        r.get("path").and_then(Json::as_str),
                    ) {
                        resources.insert(format!("{base}{p}"), n.to_string());
                    }
                }
            }
            _ => {
                let at = Loc::file(&file);
                asm.problem(
                    Severity::Warning,
                    &at,
                    None,
                    "datapackage.json is not a JSON object; the CSV files were recognised by their names",
                    Action::NotImported,
                )?;
            }
        }
    }
    let mut tables = Vec::new();
    // Each file's bytes are dropped once its rows are read.
    for (path, bytes) in pkg.files {
        if !path.to_ascii_lowercase().ends_with(".csv") {
            continue;
        }
        // Paths inside the package are short and say which file; the CLI knows the input path.
        let file: Arc<str> = Arc::from(path.as_str());
        let stem = path
            .rsplit('/')
            .next()
            .unwrap_or(&path)
            .trim_end_matches(".csv")
            .trim_end_matches(".CSV")
            .to_ascii_lowercase();
        let mut table = TableFile {
            file: file.clone(),
            stem,
            resource: resources.get(&path).cloned(),
            header: None,
            rows: Vec::new(),
        };
        let known = match classify(&table) {
            Kind::Table(t) => Some(t),
            _ => None,
        };
        let (header, rows) = parse_csv(&file, &bytes, known, &mut asm)?;
        drop(bytes);
        table.header = header;
        table.rows = rows;
        tables.push(table);
    }
    if tables.is_empty() {
        return Err(ReadError::unrecognised(
            &pkg.name,
            "no CSV files found (expected an HSDS tabular package: datapackage.json and CSV files)",
        ));
    }
    read_tables(tables, &version, opts, asm)
}

/// Reads parsed tables (from CSV files or a JSON-encoded package).
pub(crate) fn read_tables(
    tables: Vec<TableFile>,
    version: &str,
    opts: &ReadOptions,
    mut asm: Assembler<'_>,
) -> Result<(Batch, Report), ReadError> {
    let total: usize = tables.iter().map(|t| t.rows.len()).sum();
    let mut rows: Vec<RawRow> = Vec::with_capacity(total);
    let mut ctx = legacy::Context::default();
    let mut upgraded = version.starts_with('1')
        || version.starts_with("2")
        || version.starts_with("v1")
        || version.starts_with("v2");
    for f in tables {
        let kind = classify(&f);
        let start = rows.len();
        match kind {
            Kind::Table(t) => {
                for (at, fields) in f.rows {
                    rows.push(RawRow {
                        table: t,
                        at,
                        fields,
                        id_made: false,
                    });
                }
                upgraded |= legacy::upgrade_columns(
                    &f.file,
                    f.header.as_deref(),
                    &mut rows[start..],
                    &mut ctx,
                    &mut asm,
                )?;
            }
            Kind::Legacy(l) => {
                upgraded = true;
                legacy::upgrade_file(l, &f, &mut rows, &mut ctx, &mut asm)?;
                upgraded |=
                    legacy::upgrade_columns(&f.file, None, &mut rows[start..], &mut ctx, &mut asm)?;
            }
            Kind::Unknown => {
                let at = Loc::file(&f.file);
                asm.problem(
                    Severity::Warning,
                    &at,
                    None,
                    format!(
                        "'{}' is not an HSDS table; its {} rows were not imported",
                        f.stem,
                        f.rows.len()
                    ),
                    Action::NotImported,
                )?;
                continue;
            }
        }
        report_unknown_columns(&f.file, &mut rows[start..], &mut asm)?;
    }
    legacy::finish(&mut rows, &mut ctx, &mut asm)?;
    asm.report.format = if upgraded {
        "an HSDS 1.x/2.0 tabular package (upgraded to HSDS 3.1)".into()
    } else {
        "an HSDS 3.x tabular package".into()
    };
    let total_rows = rows.len() as u64;
    for (i, row) in rows.into_iter().enumerate() {
        if i % 1000 == 0 {
            opts.tell(Progress {
                rows_read: i as u64,
                total_rows: Some(total_rows),
                ..Default::default()
            });
        }
        asm.add(row)?;
    }
    opts.tell(Progress {
        rows_read: total_rows,
        total_rows: Some(total_rows),
        ..Default::default()
    });
    asm.finish(&mut crate::assemble::KnownIds::default())
}

/// Columns with no place in the table are reported once per file (not once per row) and removed.
fn report_unknown_columns(
    file: &Arc<str>,
    rows: &mut [RawRow],
    asm: &mut Assembler<'_>,
) -> Result<(), ReadError> {
    let mut unknown: BTreeMap<(&'static str, String), (usize, usize)> = BTreeMap::new();
    for r in rows.iter_mut() {
        let t = r.table;
        r.fields.retain(|(k, v)| {
            if t.field(k).is_some() {
                return true;
            }
            let e = unknown
                .entry((t.name, k.to_string()))
                .or_insert((0, r.at.line.unwrap_or(0)));
            if !v.trim().is_empty() {
                e.0 += 1;
            }
            false
        });
    }
    for ((t, col), (filled, first)) in unknown {
        if filled == 0 {
            continue;
        }
        let at = Loc {
            file: file.clone(),
            line: (first > 0).then_some(first),
            pointer: None,
        };
        asm.problem(
            Severity::Warning,
            &at,
            Some(&col),
            format!("HSDS 3.1 {t} has no field '{col}'; its {filled} values were not imported"),
            Action::NotImported,
        )?;
    }
    Ok(())
}

/// Parses a CSV file into rows keyed by header, and returns the header too. A row with the
/// wrong number of cells is reported and skipped (in strict mode it stops reading). For a file
/// of a 3.x `table`, empty cells of the table's fields are left out: they read as absent
/// everywhere, and a large package's empty cells would otherwise take much of the memory.
fn parse_csv(
    file: &Arc<str>,
    bytes: &[u8],
    table: Option<&'static TableDef>,
    asm: &mut Assembler<'_>,
) -> Result<(Option<Vec<String>>, Vec<TextRow>), ReadError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes);
    let mut rows = Vec::new();
    let mut headers: Option<Vec<String>> = None;
    // Per column: its key, and whether an empty cell in it may be left out.
    let mut keys: Vec<(Key, bool)> = Vec::new();
    let mut bad_utf8 = 0usize;
    let mut rec = csv::ByteRecord::new();
    // Line numbers from byte offsets: the csv crate's own line count lags by one after CRLF.
    let newlines: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_at = |byte: u64| {
        let mut start = byte as usize;
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        newlines.partition_point(|&p| p < start) + 1
    };
    loop {
        let more = rdr.read_byte_record(&mut rec).map_err(|e| ReadError::Csv {
            file: file.to_string(),
            line: e.position().map(|p| line_at(p.byte())).unwrap_or(0),
            message: e.to_string(),
        })?;
        if !more {
            break;
        }
        let line = rec.position().map(|p| line_at(p.byte())).unwrap_or(0);
        let cells: Vec<String> = rec
            .iter()
            .map(|c| match std::str::from_utf8(c) {
                Ok(s) => s.to_string(),
                Err(_) => {
                    bad_utf8 += 1;
                    String::from_utf8_lossy(c).into_owned()
                }
            })
            .collect();
        let Some(h) = &headers else {
            let h: Vec<String> = cells
                .iter()
                .map(|c| c.trim().to_ascii_lowercase())
                .collect();
            // With a column named twice, which cell a field reads depends on both: keep all.
            let repeated = h.iter().enumerate().any(|(i, c)| h[..i].contains(c));
            keys = h
                .iter()
                .map(|c| {
                    let droppable = !repeated && table.is_some_and(|t| t.field(c).is_some());
                    (key(c), droppable)
                })
                .collect();
            headers = Some(h);
            continue;
        };
        if cells.len() == 1 && cells[0].trim().is_empty() {
            continue;
        }
        if cells.len() != h.len() {
            let at = Loc::line(file, line);
            asm.problem(
                Severity::Error,
                &at,
                None,
                format!(
                    "this row has {} cells but the header has {} columns",
                    cells.len(),
                    h.len()
                ),
                Action::RowSkipped,
            )?;
            continue;
        }
        rows.push((
            Loc::line(file, line),
            keys.iter()
                .zip(cells)
                .filter(|((_, droppable), v)| !(*droppable && v.is_empty()))
                .map(|((k, _), v)| (k.clone(), v))
                .collect(),
        ));
    }
    if bad_utf8 > 0 {
        let at = Loc::file(file);
        asm.problem(
            Severity::Repaired,
            &at,
            None,
            format!("{bad_utf8} cells were not valid UTF-8; the bad bytes were replaced with �"),
            Action::Repaired,
        )?;
    }
    Ok((headers, rows))
}
