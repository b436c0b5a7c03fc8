//! Finding out what an input is (a tabular package in a directory or zip, a JSON document, an
//! NDJSON stream) and loading a tabular package's files into memory.

use std::fs;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use crate::error::ReadError;

/// What kind of input a path holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A directory holding datapackage.json and/or CSV files.
    Directory,
    /// A zip archive holding a tabular package.
    Zip,
    /// A JSON file: one document, an array of documents, an API list page, or a tabular
    /// package written as JSON (`{"services.csv": [rows…]}`).
    Json,
    /// One JSON document per line.
    Ndjson,
    /// A datapackage.json file: the package is the directory it is in.
    DataPackage,
    /// A single CSV file, read as a package of one table (named by the file name).
    Csv,
}

/// Decides what `path` is, by its type, extension and (for unknown extensions) first bytes.
pub fn detect(path: &Path) -> Result<InputKind, ReadError> {
    let name = path.display().to_string();
    let meta = fs::metadata(path).map_err(|e| ReadError::io(&name, e))?;
    if meta.is_dir() {
        return Ok(InputKind::Directory);
    }
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if file_name == "datapackage.json" {
        return Ok(InputKind::DataPackage);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "zip" => return Ok(InputKind::Zip),
        "csv" => return Ok(InputKind::Csv),
        "json" => {
            return Ok(if looks_like_ndjson(path) {
                InputKind::Ndjson
            } else {
                InputKind::Json
            })
        }
        "ndjson" | "jsonl" => return Ok(InputKind::Ndjson),
        _ => {}
    }
    // Unknown extension: look at the first bytes rather than guess from the name alone.
    let mut head = [0u8; 512];
    let n = fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| ReadError::io(&name, e))?;
    let head = &head[..n];
    if head.starts_with(b"PK\x03\x04") {
        return Ok(InputKind::Zip);
    }
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('[') {
        return Ok(InputKind::Json);
    }
    if t.starts_with('{') {
        // One object per line is NDJSON; an object spread over lines is a JSON document.
        let first_line = t.lines().next().unwrap_or_default().trim_end();
        return Ok(if first_line.ends_with('}') {
            InputKind::Ndjson
        } else {
            InputKind::Json
        });
    }
    Err(ReadError::unrecognised(
        name,
        "not an HSDS input: expected a directory or .zip with datapackage.json and/or CSV files, a .json document, or an .ndjson file",
    ))
}

/// Publishers sometimes name NDJSON files `.json`: a first line that is a whole JSON object,
/// followed by another line starting an object, is NDJSON.
fn looks_like_ndjson(path: &Path) -> bool {
    let mut head = vec![0u8; 1 << 16];
    let Ok(n) = fs::File::open(path).and_then(|mut f| f.read(&mut head)) else {
        return false;
    };
    let text = String::from_utf8_lossy(&head[..n]);
    let mut lines = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    match (lines.next(), lines.next()) {
        (Some(first), Some(second)) => {
            first.starts_with('{')
                && second.starts_with('{')
                && serde_json::from_str::<serde_json::Value>(first).is_ok_and(|v| v.is_object())
        }
        _ => false,
    }
}

/// A tabular package's files, loaded into memory (paths relative to the package root, with `/`).
pub(crate) struct PackageFiles {
    /// How to name the input in the report.
    pub name: String,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Loads the CSV and JSON files of a directory (and its subdirectories, two levels down).
pub(crate) fn load_dir(dir: &Path) -> Result<PackageFiles, ReadError> {
    let mut files = Vec::new();
    let mut stack: Vec<(PathBuf, String, usize)> = vec![(dir.to_path_buf(), String::new(), 0)];
    while let Some((d, prefix, depth)) = stack.pop() {
        let entries = fs::read_dir(&d).map_err(|e| ReadError::io(d.display().to_string(), e))?;
        for entry in entries {
            let entry = entry.map_err(|e| ReadError::io(d.display().to_string(), e))?;
            let p = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{prefix}{name}");
            if p.is_dir() {
                if depth < 2 {
                    stack.push((p, format!("{rel}/"), depth + 1));
                }
            } else if wanted(&name) {
                let bytes = fs::read(&p).map_err(|e| ReadError::io(p.display().to_string(), e))?;
                files.push((rel, bytes));
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(PackageFiles {
        name: dir.display().to_string(),
        files,
    })
}

/// Loads one CSV file as a package of one table.
pub(crate) fn load_csv(path: &Path) -> Result<PackageFiles, ReadError> {
    let name = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| ReadError::io(&name, e))?;
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    let dir = path
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    Ok(PackageFiles {
        name: dir,
        files: vec![(file, bytes)],
    })
}

/// Loads the CSV and JSON files of a zip archive.
pub(crate) fn load_zip<R: Read + Seek>(name: &str, reader: R) -> Result<PackageFiles, ReadError> {
    let zerr = |e: zip::result::ZipError| ReadError::Zip {
        file: name.to_string(),
        message: e.to_string(),
    };
    let mut archive = zip::ZipArchive::new(reader).map_err(zerr)?;
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(zerr)?;
        if f.is_dir() {
            continue;
        }
        let rel = f.name().replace('\\', "/");
        let base = rel.rsplit('/').next().unwrap_or_default().to_string();
        if rel.starts_with("__MACOSX/") || base.starts_with('.') || !wanted(&base) {
            continue;
        }
        // The whole package is held in memory: refuse entries that would not fit rather than
        // trust the sizes an archive claims (a zip bomb can lie).
        let mut bytes = Vec::with_capacity((f.size() as usize).min(MAX_ENTRY_BYTES as usize));
        (&mut f)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ReadError::io(format!("{name}!{rel}"), e))?;
        if bytes.len() as u64 > MAX_ENTRY_BYTES {
            return Err(ReadError::unrecognised(
                format!("{name}!{rel}"),
                format!(
                    "larger than {} MiB uncompressed; unzip it and import the directory",
                    MAX_ENTRY_BYTES >> 20
                ),
            ));
        }
        files.push((rel, bytes));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(PackageFiles {
        name: name.to_string(),
        files,
    })
}

/// The largest file taken from a zip archive (uncompressed).
const MAX_ENTRY_BYTES: u64 = 2 << 30;

fn wanted(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".csv") || n == "datapackage.json"
}
