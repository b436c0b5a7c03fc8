//! Writing HSDS 3.1: nested JSON documents as one JSON array or as NDJSON, streamed to any
//! `Write`; and the tabular package (one CSV per table plus datapackage.json) to a directory or
//! a zip archive.
//!
//! The datapackage.json resources come from the official HSDS 3.1 datapackage.json embedded in
//! the crate — "Human Services Data Specification: an Open Referral resource
//! (<https://openreferral.org/>)", licensed CC BY-SA 4.0 — so exported packages carry the
//! standard's own titles and descriptions. The official file has no fields for
//! service_capacity and unit, so those two resources are generated from the registry.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use linkwork_domain::hsds::{FieldType, Record, TableDef};
use serde_json::{json, Map, Value as Json};

use crate::error::WriteError;

/// The official HSDS 3.1 datapackage.json (CC BY-SA 4.0, Open Referral; see the module doc).
const OFFICIAL_DATAPACKAGE: &str = include_str!("../assets/hsds-3.1-datapackage.json");

fn official() -> &'static Json {
    static DP: OnceLock<Json> = OnceLock::new();
    DP.get_or_init(|| {
        serde_json::from_str(OFFICIAL_DATAPACKAGE)
            .expect("the embedded datapackage.json is valid JSON")
    })
}

/// Writes documents as one JSON array, one document per line inside it, so the file is both
/// standard JSON and easy to diff. Returns how many documents were written.
pub fn write_json_array<W: Write, I>(w: W, docs: I) -> io::Result<usize>
where
    I: IntoIterator,
    I::Item: Borrow<Json>,
{
    let mut out = JsonArrayWriter::new(w)?;
    for d in docs {
        out.push(d.borrow())?;
    }
    out.finish()
}

/// Writes documents as NDJSON (one per line). Returns how many were written.
pub fn write_ndjson<W: Write, I>(mut w: W, docs: I) -> io::Result<usize>
where
    I: IntoIterator,
    I::Item: Borrow<Json>,
{
    let mut n = 0;
    for d in docs {
        serde_json::to_writer(&mut w, d.borrow())?;
        w.write_all(b"\n")?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// A JSON array written one document at a time, for exports that page through a database.
pub struct JsonArrayWriter<W: Write> {
    w: W,
    n: usize,
}

impl<W: Write> JsonArrayWriter<W> {
    pub fn new(mut w: W) -> io::Result<Self> {
        w.write_all(b"[")?;
        Ok(JsonArrayWriter { w, n: 0 })
    }

    pub fn push(&mut self, doc: &Json) -> io::Result<()> {
        self.w.write_all(if self.n == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut self.w, doc)?;
        self.n += 1;
        Ok(())
    }

    /// Closes the array; returns how many documents were written.
    pub fn finish(mut self) -> io::Result<usize> {
        self.w
            .write_all(if self.n == 0 { b"]\n" } else { b"\n]\n" })?;
        self.w.flush()?;
        Ok(self.n)
    }
}

/// Where the files of a tabular package go.
pub trait PackageSink {
    type Output;
    /// A writer for the file `name`. Several files may be open at once: a package is written
    /// batch by batch, and every batch has rows for many tables.
    fn create(&mut self, name: &str) -> Result<Box<dyn Write + Send>, WriteError>;
    /// Completes the package once every writer has been flushed and dropped.
    fn finish(self) -> Result<Self::Output, WriteError>;
}

/// A directory (created if missing).
pub struct DirSink {
    dir: PathBuf,
}

impl DirSink {
    pub fn new(dir: impl AsRef<Path>) -> Result<Self, WriteError> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir).map_err(|e| WriteError::io(dir.display().to_string(), e))?;
        Ok(DirSink { dir })
    }
}

impl PackageSink for DirSink {
    type Output = PathBuf;
    fn create(&mut self, name: &str) -> Result<Box<dyn Write + Send>, WriteError> {
        let path = self.dir.join(name);
        let f =
            fs::File::create(&path).map_err(|e| WriteError::io(path.display().to_string(), e))?;
        Ok(Box::new(io::BufWriter::new(f)))
    }
    fn finish(self) -> Result<PathBuf, WriteError> {
        Ok(self.dir)
    }
}

/// A zip archive written to any seekable writer. A zip takes one file at a time, so the files
/// are spooled to a private temporary directory and copied in when the package is finished.
pub struct ZipSink<W: Write + Seek> {
    /// Taken by `finish` (a zip writer is consumed when finished).
    zip: Option<zip::ZipWriter<W>>,
    spool: Option<PathBuf>,
    files: Vec<(String, PathBuf)>,
}

impl<W: Write + Seek> ZipSink<W> {
    pub fn new(w: W) -> Self {
        ZipSink {
            zip: Some(zip::ZipWriter::new(w)),
            spool: None,
            files: Vec::new(),
        }
    }

    fn spool(&mut self) -> Result<&Path, WriteError> {
        if self.spool.is_none() {
            static N: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "linkwork-hsds-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            fs::create_dir_all(&dir).map_err(|e| WriteError::io(dir.display().to_string(), e))?;
            self.spool = Some(dir);
        }
        Ok(self.spool.as_deref().expect("set above"))
    }
}

impl<W: Write + Seek> PackageSink for ZipSink<W> {
    type Output = W;
    fn create(&mut self, name: &str) -> Result<Box<dyn Write + Send>, WriteError> {
        let path = self.spool()?.join(name);
        let f =
            fs::File::create(&path).map_err(|e| WriteError::io(path.display().to_string(), e))?;
        self.files.push((name.to_string(), path));
        Ok(Box::new(io::BufWriter::new(f)))
    }
    fn finish(mut self) -> Result<W, WriteError> {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut zip = self.zip.take().expect("finish is called once");
        for (name, path) in std::mem::take(&mut self.files) {
            zip.start_file(name.as_str(), opts)
                .map_err(|e| WriteError::format(&name, e))?;
            let mut f =
                fs::File::open(&path).map_err(|e| WriteError::io(path.display().to_string(), e))?;
            io::copy(&mut f, &mut zip).map_err(|e| WriteError::io(&name, e))?;
        }
        zip.finish().map_err(|e| WriteError::format("zip", e))
    }
}

impl<W: Write + Seek> Drop for ZipSink<W> {
    fn drop(&mut self) {
        // A package abandoned half-way leaves no spool behind.
        if let Some(dir) = self.spool.take() {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// One table's CSV, open for appending.
struct TableOut {
    table: &'static TableDef,
    csv: csv::Writer<Box<dyn Write + Send>>,
    rows: usize,
}

/// Writes a tabular HSDS 3.1 package: records are appended, table by table or batch by batch,
/// each table's CSV opened with its header on its first record; [`TabularWriter::finish`]
/// writes datapackage.json describing the tables written.
pub struct TabularWriter<S: PackageSink> {
    sink: S,
    /// By position in the registry, so datapackage.json lists parents first.
    tables: BTreeMap<usize, TableOut>,
}

impl TabularWriter<DirSink> {
    /// A package in the directory `dir` (created if missing).
    pub fn create(dir: impl AsRef<Path>) -> Result<Self, WriteError> {
        Ok(TabularWriter::new(DirSink::new(dir)?))
    }
}

impl TabularWriter<ZipSink<fs::File>> {
    /// A package in a new zip file at `path`.
    pub fn create_zip(path: impl AsRef<Path>) -> Result<Self, WriteError> {
        let path = path.as_ref();
        let f =
            fs::File::create(path).map_err(|e| WriteError::io(path.display().to_string(), e))?;
        Ok(TabularWriter::new(ZipSink::new(f)))
    }
}

impl<S: PackageSink> TabularWriter<S> {
    pub fn new(sink: S) -> Self {
        TabularWriter {
            sink,
            tables: BTreeMap::new(),
        }
    }

    fn out(&mut self, table: &'static TableDef) -> Result<&mut TableOut, WriteError> {
        let key = table.order();
        if !self.tables.contains_key(&key) {
            let w = self.sink.create(table.path)?;
            let mut csv = csv::WriterBuilder::new().from_writer(w);
            csv.write_record(table.fields.iter().map(|f| f.name))
                .map_err(|e| WriteError::format(table.path, e))?;
            self.tables.insert(
                key,
                TableOut {
                    table,
                    csv,
                    rows: 0,
                },
            );
        }
        Ok(self.tables.get_mut(&key).expect("inserted above"))
    }

    /// Appends records of one table (its CSV is `table.path`, with a header of the table's
    /// fields in registry order). Returns how many records were written.
    pub fn table<I>(&mut self, table: &'static TableDef, records: I) -> Result<usize, WriteError>
    where
        I: IntoIterator,
        I::Item: Borrow<Record>,
    {
        let out = self.out(table)?;
        let mut n = 0;
        for r in records {
            let r = r.borrow();
            if r.table.name != table.name {
                return Err(WriteError::format(
                    table.path,
                    format!("a {} record was given for {}", r.table.name, table.name),
                ));
            }
            write_row(out, r)?;
            n += 1;
        }
        Ok(n)
    }

    /// Appends records of any tables, each to its table's CSV. Returns how many were written.
    pub fn write_records<I>(&mut self, records: I) -> Result<usize, WriteError>
    where
        I: IntoIterator,
        I::Item: Borrow<Record>,
    {
        let mut n = 0;
        for r in records {
            let r = r.borrow();
            let out = self.out(r.table)?;
            write_row(out, r)?;
            n += 1;
        }
        Ok(n)
    }

    /// Appends every record of `batch`.
    pub fn batch(&mut self, batch: &linkwork_domain::hsds::Batch) -> Result<usize, WriteError> {
        self.write_records(&batch.records)
    }

    /// Rows written so far per table.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        self.tables
            .values()
            .map(|t| (t.table.name, t.rows))
            .collect()
    }

    /// Flushes every CSV, writes datapackage.json and completes the sink.
    pub fn finish(mut self) -> Result<S::Output, WriteError> {
        let mut written = Vec::new();
        for (_, t) in std::mem::take(&mut self.tables) {
            let mut w = t
                .csv
                .into_inner()
                .map_err(|e| WriteError::io(t.table.path, e.into_error()))?;
            w.flush().map_err(|e| WriteError::io(t.table.path, e))?;
            written.push(t.table);
        }
        let dp = datapackage(&written);
        let mut w = self.sink.create("datapackage.json")?;
        serde_json::to_writer_pretty(&mut w, &dp)
            .map_err(|e| WriteError::format("datapackage.json", e))?;
        w.write_all(b"\n")
            .and_then(|_| w.flush())
            .map_err(|e| WriteError::io("datapackage.json", e))?;
        drop(w);
        self.sink.finish()
    }
}

fn write_row(out: &mut TableOut, r: &Record) -> Result<(), WriteError> {
    let t = out.table;
    out.csv
        .write_record(
            t.fields
                .iter()
                .map(|f| r.get(f.name).map(|v| v.to_cell()).unwrap_or_default()),
        )
        .map_err(|e| WriteError::format(t.path, e))?;
    out.rows += 1;
    Ok(())
}

/// A datapackage.json describing `tables` (in the order given).
pub fn datapackage(tables: &[&'static TableDef]) -> Json {
    let names: Vec<&str> = tables.iter().map(|t| t.name).collect();
    let resources: Vec<Json> = tables
        .iter()
        .map(|t| {
            let mut r = resource(t);
            // A foreign key to a table that is not in the package cannot be checked and makes
            // validators fail: keep only those between tables written.
            if let Some(fks) = r["schema"]
                .get_mut("foreignKeys")
                .and_then(Json::as_array_mut)
            {
                fks.retain(|fk| {
                    fk["reference"]["resource"]
                        .as_str()
                        .is_some_and(|n| n.is_empty() || names.contains(&n))
                });
                if fks.is_empty() {
                    r["schema"]
                        .as_object_mut()
                        .expect("schema is an object")
                        .remove("foreignKeys");
                }
            }
            r
        })
        .collect();
    json!({
        "name": "human_services_data",
        "title": "Human Services Data Specification 3.1 export",
        "description": "An HSDS 3.1 tabular package. Table and field descriptions are from the Human Services Data Specification: an Open Referral resource (https://openreferral.org/), licensed CC BY-SA 4.0.",
        "profile": "tabular-data-package",
        "version": "3.1",
        "homepage": "https://docs.openreferral.org",
        "resources": resources,
    })
}

/// The official resource when its fields are the registry's, else one generated from the
/// registry (service_capacity and unit, which the official file leaves incomplete).
pub fn resource(t: &'static TableDef) -> Json {
    let official = official()["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["name"] == t.name));
    if let Some(r) = official {
        let names: Vec<&str> = r["schema"]["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["name"].as_str())
            .collect();
        let ours: Vec<&str> = t.fields.iter().map(|f| f.name).collect();
        if names == ours {
            return r.clone();
        }
    }
    generated_resource(t, official)
}

fn generated_resource(t: &'static TableDef, official: Option<&Json>) -> Json {
    let fields: Vec<Json> = t
        .fields
        .iter()
        .map(|f| {
            let (ty, format) = match f.ty {
                FieldType::Text => ("string", None),
                FieldType::Uuid => ("string", Some("uuid")),
                FieldType::Uri => ("string", Some("uri")),
                FieldType::Email => ("string", Some("email")),
                FieldType::Number => ("number", None),
                FieldType::Date => ("date", None),
                FieldType::DateTime => ("datetime", None),
                FieldType::Time => ("time", None),
            };
            let mut m = Map::new();
            m.insert("name".into(), json!(f.name));
            m.insert("type".into(), json!(ty));
            if let Some(fmt) = format {
                m.insert("format".into(), json!(fmt));
            }
            let mut c = Map::new();
            c.insert(
                "required".into(),
                json!(f.tabular_required || f.name == "id"),
            );
            if f.name == "id" {
                c.insert("unique".into(), json!(true));
            }
            if let Some(allowed) = f.allowed {
                c.insert("enum".into(), json!(allowed));
            }
            m.insert("constraints".into(), Json::Object(c));
            Json::Object(m)
        })
        .collect();
    let fks: Vec<Json> = t
        .fields
        .iter()
        .filter_map(|f| {
            f.references
                .map(|r| json!({"fields": f.name, "reference": {"resource": r, "fields": "id"}}))
        })
        .collect();
    let mut schema = Map::new();
    schema.insert("primaryKey".into(), json!("id"));
    schema.insert("fields".into(), Json::Array(fields));
    if !fks.is_empty() {
        schema.insert("foreignKeys".into(), Json::Array(fks));
    }
    let description = official
        .and_then(|r| r.get("description"))
        .cloned()
        .unwrap_or_else(|| json!(format!("HSDS 3.1 {}", t.name)));
    json!({
        "name": t.name,
        "path": t.path,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "profile": "tabular-data-resource",
        "schema": Json::Object(schema),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkwork_domain::hsds::table;

    #[test]
    fn datapackage_describes_the_tables_written() {
        let dp = datapackage(&[
            table("service").unwrap(),
            table("service_capacity").unwrap(),
            table("unit").unwrap(),
        ]);
        let rs = dp["resources"].as_array().unwrap();
        assert_eq!(rs.len(), 3);
        assert_eq!(rs[0]["path"], "services.csv");
        // The official service resource refers to organization and program, not written here.
        assert!(rs[0]["schema"].get("foreignKeys").is_none());
        let cap_fields: Vec<&str> = rs[1]["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            cap_fields,
            [
                "id",
                "service_id",
                "unit_id",
                "available",
                "maximum",
                "description",
                "updated"
            ]
        );
        assert_eq!(rs[1]["schema"]["foreignKeys"].as_array().unwrap().len(), 2);
        assert_eq!(rs[2]["schema"]["fields"].as_array().unwrap().len(), 5);
    }

    #[test]
    fn json_arrays_and_ndjson() {
        let docs = vec![json!({"id": "1"}), json!({"id": "2"})];
        let mut buf = Vec::new();
        assert_eq!(write_json_array(&mut buf, &docs).unwrap(), 2);
        assert_eq!(
            serde_json::from_slice::<Json>(&buf).unwrap(),
            Json::Array(docs.clone())
        );
        let mut buf = Vec::new();
        write_json_array(&mut buf, Vec::<Json>::new()).unwrap();
        assert_eq!(serde_json::from_slice::<Json>(&buf).unwrap(), json!([]));
        let mut buf = Vec::new();
        write_ndjson(&mut buf, &docs).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "{\"id\":\"1\"}\n{\"id\":\"2\"}\n"
        );
    }
}
