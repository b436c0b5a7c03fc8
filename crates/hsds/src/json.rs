//! Reading HSDS 3.x JSON: single documents, arrays of documents (streamed element by element),
//! API list pages (`contents`), NDJSON (streamed line by line) and tabular packages written as
//! JSON (`{"services.csv": [rows…]}`).
//!
//! Nested documents are flattened into rows of every table they hold, following the edges of
//! [`linkwork_domain::hsds::tree`]: a nested array's rows get the parent's id in their foreign
//! key, a nested object's id goes into the parent's reference field, when they do not say so
//! themselves.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use linkwork_domain::hsds::tree::{self, EdgeKind, Node};
use linkwork_domain::hsds::{table, Batch};
use serde_json::{Map, Value as Json};

use crate::assemble::{Assembler, Loc, RawRow};
use crate::error::ReadError;
use crate::options::{Progress, ReadOptions};
use crate::report::{Action, Report, Severity};

/// One item from a document source.
pub(crate) enum Item {
    /// A document and where it starts (line of the array element or NDJSON line; pointer
    /// prefix), with the lines of its nested objects when the text spanned several lines.
    Doc(Loc, Json, Option<Arc<Lines>>),
    /// A line or element that could not be parsed (reported, then skipped).
    Bad(Loc, String),
}

/// The line where each object and array of a JSON text starts, by JSON pointer.
pub(crate) type Lines = HashMap<String, usize>;

/// Indexes the lines of `bytes` (valid JSON) whose first line is `first_line`, with pointers
/// under `prefix`: so a problem deep inside a document names the line to look at.
pub(crate) fn line_index(bytes: &[u8], first_line: usize, prefix: &str) -> Lines {
    let mut scan = Scan {
        b: bytes,
        i: 0,
        line: first_line,
        out: HashMap::new(),
    };
    let _ = scan.value(prefix, 0);
    scan.out
}

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
    line: usize,
    out: Lines,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            self.i += 1;
        }
    }

    /// A string (the cursor is on its opening quote), unescaped enough for object keys.
    fn string(&mut self) -> Option<String> {
        self.i += 1;
        let mut s = Vec::new();
        loop {
            let c = self.peek()?;
            self.i += 1;
            match c {
                b'"' => return Some(String::from_utf8_lossy(&s).into_owned()),
                b'\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    match e {
                        b'n' => s.push(b'\n'),
                        b't' => s.push(b'\t'),
                        b'r' => s.push(b'\r'),
                        b'u' => {
                            let hex = std::str::from_utf8(self.b.get(self.i..self.i + 4)?).ok()?;
                            self.i += 4;
                            let ch = u32::from_str_radix(hex, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .unwrap_or('\u{fffd}');
                            s.extend_from_slice(ch.to_string().as_bytes());
                        }
                        other => s.push(other),
                    }
                }
                c => s.push(c),
            }
        }
    }

    fn value(&mut self, ptr: &str, depth: usize) -> Option<()> {
        if depth > 256 {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'{' => {
                self.out.insert(ptr.to_string(), self.line);
                self.i += 1;
                loop {
                    self.ws();
                    match self.peek()? {
                        b'}' => {
                            self.i += 1;
                            return Some(());
                        }
                        b',' => self.i += 1,
                        b'"' => {
                            let k = self.string()?;
                            self.ws();
                            if self.peek()? != b':' {
                                return None;
                            }
                            self.i += 1;
                            self.value(&format!("{ptr}/{}", escape(&k)), depth + 1)?;
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.out.insert(ptr.to_string(), self.line);
                self.i += 1;
                let mut n = 0;
                loop {
                    self.ws();
                    match self.peek()? {
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        b',' => self.i += 1,
                        _ => {
                            self.value(&format!("{ptr}/{n}"), depth + 1)?;
                            n += 1;
                        }
                    }
                }
            }
            b'"' => self.string().map(|_| ()),
            _ => {
                while self.peek().is_some_and(|c| {
                    !matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\t' | b'\r')
                }) {
                    self.i += 1;
                }
                Some(())
            }
        }
    }
}

pub(crate) type Docs = Box<dyn Iterator<Item = Result<Item, ReadError>> + Send>;

/// The node with the most edges for each table, over every tree the domain defines: a nested
/// object is flattened with everything its table can hold, whatever document it sits in.
fn canonical(table_name: &str) -> Option<&'static Node> {
    static MAP: OnceLock<HashMap<&'static str, &'static Node>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut map: HashMap<&'static str, &'static Node> = HashMap::new();
        let mut seen: HashSet<*const Node> = HashSet::new();
        let mut stack: Vec<&'static Node> = vec![
            &tree::SERVICE,
            &tree::ORGANIZATION,
            &tree::SERVICE_AT_LOCATION,
            &tree::LOCATION,
            &tree::TAXONOMY_TERM,
            &tree::TAXONOMY,
            &tree::ATTRIBUTE,
        ];
        while let Some(n) = stack.pop() {
            if !seen.insert(n as *const Node) {
                continue;
            }
            let better = match map.get(n.table) {
                None => true,
                Some(old) => {
                    n.edges.len() > old.edges.len()
                        || (n.edges.len() == old.edges.len() && old.plain && !n.plain)
                }
            };
            if better {
                map.insert(n.table, n);
            }
            stack.extend(n.edges.iter().map(|e| e.node));
        }
        map
    });
    map.get(table_name).copied()
}

/// Which HSDS object a top-level document is, by the keys it has.
fn kind_of(obj: &Map<String, Json>) -> Option<&'static str> {
    let has = |k: &str| obj.contains_key(k);
    let is_obj = |k: &str| obj.get(k).is_some_and(Json::is_object);
    if is_obj("service") || (is_obj("location") && !has("name")) {
        return Some("service_at_location");
    }
    if has("status")
        || has("service_at_locations")
        || has("eligibility_description")
        || is_obj("organization")
        || has("capacities")
    {
        return Some("service");
    }
    if [
        "services",
        "programs",
        "locations",
        "organization_identifiers",
        "website",
        "tax_status",
        "year_incorporated",
        "legal_status",
        "logo",
    ]
    .iter()
    .any(|k| has(k))
    {
        return Some("organization");
    }
    if has("location_type") || has("addresses") || has("accessibility") || has("latitude") {
        return Some("location");
    }
    if has("taxonomy_detail")
        || has("code")
        || has("parent_id")
        || has("term_uri")
        || has("taxonomy_id")
    {
        return Some("taxonomy_term");
    }
    // A taxonomy has a uri or version; a bare {id, name, description} is far more often a
    // minimal service than a taxonomy, and is read as one (its missing status is reported).
    let taxonomy_keys = [
        "id",
        "name",
        "description",
        "uri",
        "version",
        "attributes",
        "metadata",
    ];
    if has("name") && obj.keys().all(|k| taxonomy_keys.contains(&k.as_str())) {
        return Some(if has("uri") || has("version") {
            "taxonomy"
        } else {
            "service"
        });
    }
    if has("name") {
        return Some("service");
    }
    None
}

/// Flattens nested documents into raw rows.
pub(crate) struct Flattener<'a, 'o> {
    pub asm: &'a mut Assembler<'o>,
    pub rows: Vec<RawRow>,
    /// Lines of the current document's objects, by pointer.
    pub lines: Option<Arc<Lines>>,
}

impl Flattener<'_, '_> {
    /// The location with the line of the object at its pointer, when known.
    fn locate(&self, mut at: Loc) -> Loc {
        if let (Some(lines), Some(p)) = (&self.lines, &at.pointer) {
            if let Some(&l) = lines.get(p) {
                at.line = Some(l);
            }
        }
        at
    }

    /// Flattens one top-level document.
    /// Flattens one top-level document. Its strings are moved into the rows (the document is
    /// left with empty strings in their place).
    pub fn document(&mut self, at: &Loc, doc: &mut Json) -> Result<(), ReadError> {
        let Some(obj) = doc.as_object_mut() else {
            return self.asm.problem(
                Severity::Error,
                at,
                None,
                "expected a JSON object (an HSDS document)",
                Action::RowSkipped,
            );
        };
        let Some(kind) = kind_of(obj) else {
            return self.asm.problem(
                Severity::Error,
                at,
                None,
                "not an HSDS service, organization, location, service_at_location, taxonomy or taxonomy_term document",
                Action::RowSkipped,
            );
        };
        self.object(kind, obj, at.clone(), None, None)?;
        Ok(())
    }

    /// Flattens one object of `table_name`; returns its raw id.
    fn object(
        &mut self,
        table_name: &'static str,
        obj: &mut Map<String, Json>,
        at: Loc,
        parent: Option<(&'static str, String)>,
        fill: Option<(&'static str, &'static str)>,
    ) -> Result<String, ReadError> {
        let t = table(table_name).expect("tree tables exist");
        let at = self.locate(at);
        let node = canonical(table_name);
        let edges = node.map(|n| n.edges).unwrap_or(&[]);
        let mut row = RawRow::new(t, at.clone());
        let lines = self.lines.clone();
        let ptr = |k: &str| {
            let pointer = format!("{}/{}", at.pointer.as_deref().unwrap_or(""), escape(k));
            let line = lines
                .as_ref()
                .and_then(|l| l.get(&pointer).copied())
                .or(at.line);
            Loc {
                pointer: Some(pointer),
                line,
                ..at.clone()
            }
        };
        // Attributes and metadata say which table they belong to: `fill` gives that field when
        // it is blank, where it stands (or after the others, when it is absent).
        let mut filled = fill.is_none();
        let fill_blank = fill.is_some_and(|(key, _)| blank(obj, key));
        for (k, v) in obj.iter_mut() {
            if let Some((key, value)) = fill {
                if k == key && fill_blank {
                    row.set(k, value);
                    filled = true;
                    continue;
                }
            }
            let text = match v {
                Json::Null => continue,
                Json::String(s) => std::mem::take(s),
                Json::Number(n) => n.to_string(),
                Json::Bool(b) => b.to_string(),
                Json::Array(_) | Json::Object(_) => {
                    let known =
                        edges.iter().any(|e| e.key == k) || k == "attributes" || k == "metadata";
                    let empty = v.as_array().is_some_and(Vec::is_empty)
                        || v.as_object().is_some_and(Map::is_empty);
                    if !known && !empty {
                        self.asm.problem(
                            Severity::Warning,
                            &ptr(k),
                            Some(k),
                            format!(
                                "HSDS 3.1 {table_name} has no nested '{k}'; it was not imported"
                            ),
                            Action::NotImported,
                        )?;
                    }
                    continue;
                }
            };
            row.set(k, text);
        }
        if let Some((key, value)) = fill.filter(|_| !filled) {
            row.set(key, value);
        }
        if let Some((fk, pid)) = &parent {
            if row.get_nonblank(fk).is_none() {
                row.set(fk, pid.clone());
            }
        }
        // One-to-one children first: their ids go into this row's reference fields.
        for e in edges {
            let EdgeKind::One { via } = e.kind else {
                continue;
            };
            match obj.get_mut(e.key) {
                Some(Json::Object(child)) => {
                    let cid = self.object(e.node.table, child, ptr(e.key), None, None)?;
                    if row.get_nonblank(via).is_none() {
                        row.set(via, cid);
                    }
                }
                None | Some(Json::Null) => {}
                Some(_) => {
                    self.asm.problem(
                        Severity::Error,
                        &ptr(e.key),
                        Some(e.key),
                        format!("'{}' should be an object", e.key),
                        Action::FieldLeftEmpty,
                    )?;
                }
            }
        }
        let id = row.ensure_id().to_string();
        let mut many: Vec<(&str, &'static str, &'static str)> = edges
            .iter()
            .filter_map(|e| {
                if let EdgeKind::Many { fk } = e.kind {
                    Some((e.key, e.node.table, fk))
                } else {
                    None
                }
            })
            .collect();
        many.push(("attributes", "attribute", "link_id"));
        many.push(("metadata", "metadata", "resource_id"));
        for (key, child_table, fk) in many {
            match obj.get_mut(key) {
                Some(Json::Array(items)) => {
                    for (i, item) in items.iter_mut().enumerate() {
                        let loc = Loc {
                            pointer: Some(format!(
                                "{}/{}/{i}",
                                at.pointer.as_deref().unwrap_or(""),
                                escape(key)
                            )),
                            ..at.clone()
                        };
                        let Some(child) = item.as_object_mut() else {
                            self.asm.problem(
                                Severity::Error,
                                &loc,
                                Some(key),
                                "expected an object",
                                Action::RowSkipped,
                            )?;
                            continue;
                        };
                        // Attributes and metadata say which table they belong to.
                        let fill = match child_table {
                            "attribute" => Some(("link_entity", table_name)),
                            "metadata" => Some(("resource_type", table_name)),
                            _ => None,
                        };
                        self.object(child_table, child, loc, Some((fk, id.clone())), fill)?;
                    }
                }
                None | Some(Json::Null) => {}
                Some(_) => {
                    self.asm.problem(
                        Severity::Error,
                        &ptr(key),
                        Some(key),
                        format!("'{key}' should be an array"),
                        Action::FieldLeftEmpty,
                    )?;
                }
            }
        }
        self.rows.push(row);
        Ok(id)
    }
}

fn blank(obj: &Map<String, Json>, key: &str) -> bool {
    obj.get(key)
        .and_then(Json::as_str)
        .is_none_or(|s| s.trim().is_empty())
}

/// JSON pointer escaping (RFC 6901).
fn escape(k: &str) -> String {
    k.replace('~', "~0").replace('/', "~1")
}

/// A reader that counts the bytes read through it, for progress.
pub(crate) struct Counting<R> {
    pub inner: R,
    pub count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// NDJSON: one document per line. A line that is not JSON is reported and skipped.
pub(crate) fn ndjson_docs<R: BufRead + Send + 'static>(file: Arc<str>, reader: R) -> Docs {
    let mut lines = reader.split(b'\n').enumerate();
    Box::new(std::iter::from_fn(move || loop {
        let (i, line) = lines.next()?;
        let line_no = i + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => return Some(Err(ReadError::io(file.to_string(), e))),
        };
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            continue;
        }
        let at = Loc {
            file: file.clone(),
            line: Some(line_no),
            pointer: None,
        };
        return Some(Ok(match serde_json::from_str::<Json>(text) {
            Ok(doc) => Item::Doc(at, doc, None),
            Err(e) => Item::Bad(at, format!("not valid JSON at column {}: {e}", e.column())),
        }));
    }))
}

/// A top-level JSON array, element by element, without holding the whole array in memory.
pub(crate) struct ArrayDocs<R> {
    file: Arc<str>,
    reader: R,
    line: usize,
    index: usize,
    started: bool,
    done: bool,
}

impl<R: BufRead> ArrayDocs<R> {
    pub fn new(file: Arc<str>, reader: R) -> Self {
        ArrayDocs {
            file,
            reader,
            line: 1,
            index: 0,
            started: false,
            done: false,
        }
    }

    fn peek(&mut self) -> Result<Option<u8>, ReadError> {
        let buf = self
            .reader
            .fill_buf()
            .map_err(|e| ReadError::io(self.file.to_string(), e))?;
        Ok(buf.first().copied())
    }

    fn bump(&mut self) -> Result<Option<u8>, ReadError> {
        let b = self.peek()?;
        if let Some(b) = b {
            self.reader.consume(1);
            if b == b'\n' {
                self.line += 1;
            }
        }
        Ok(b)
    }

    fn skip_ws(&mut self) -> Result<Option<u8>, ReadError> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\t' | b'\r' | b'\n') => {
                    self.bump()?;
                }
                Some(0xEF) if !self.started => {
                    // A UTF-8 byte order mark before the array.
                    for _ in 0..3 {
                        self.bump()?;
                    }
                }
                other => return Ok(other),
            }
        }
    }

    fn syntax(&self, message: &str) -> ReadError {
        ReadError::Json {
            file: self.file.to_string(),
            line: self.line,
            column: 0,
            message: message.to_string(),
        }
    }

    /// The bytes of the next element (an object or any other value).
    fn element(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut buf = Vec::new();
        let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
        loop {
            let Some(b) = self.peek()? else {
                return Err(self.syntax("the file ends inside an array element (is it truncated?)"));
            };
            if !in_str && depth == 0 && matches!(b, b',' | b']') {
                return Ok(buf);
            }
            self.bump()?;
            buf.push(b);
            if in_str {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_str = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(buf);
                    }
                }
                _ => {}
            }
        }
    }

    fn next_doc(&mut self) -> Result<Option<Item>, ReadError> {
        if self.done {
            return Ok(None);
        }
        if !self.started {
            match self.skip_ws()? {
                Some(b'[') => {
                    self.bump()?;
                }
                _ => return Err(self.syntax("expected a JSON array")),
            }
            self.started = true;
        }
        match self.skip_ws()? {
            Some(b']') => {
                self.done = true;
                self.bump()?;
                return match self.skip_ws()? {
                    None => Ok(None),
                    Some(_) => Err(self.syntax("unexpected content after the end of the array")),
                };
            }
            Some(b',') if self.index > 0 => {
                self.bump()?;
                self.skip_ws()?;
            }
            None => {
                return Err(
                    self.syntax("the file ends before the array is closed (is it truncated?)")
                )
            }
            _ if self.index > 0 => {
                return Err(self.syntax("expected ',' or ']' between array elements"))
            }
            _ => {}
        }
        let start_line = self.line;
        let bytes = self.element()?;
        let at = Loc {
            file: self.file.clone(),
            line: Some(start_line),
            pointer: Some(format!("/{}", self.index)),
        };
        self.index += 1;
        match serde_json::from_slice::<Json>(&bytes) {
            Ok(doc) => {
                // Elements written on one line need no index: the element's line is the line.
                let lines = bytes.contains(&b'\n').then(|| {
                    Arc::new(line_index(
                        &bytes,
                        start_line,
                        &format!("/{}", self.index - 1),
                    ))
                });
                Ok(Some(Item::Doc(at, doc, lines)))
            }
            Err(e) => Err(ReadError::json(self.file.to_string(), &e, start_line - 1)),
        }
    }
}

impl<R: BufRead> Iterator for ArrayDocs<R> {
    type Item = Result<Item, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.next_doc() {
            Ok(Some(i)) => Some(Ok(i)),
            Ok(None) => None,
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// A whole JSON value that is not an array: a document, a list page or a JSON tabular package.
pub(crate) enum Whole {
    Docs(Vec<Item>),
    Tables(Vec<crate::tabular::TableFile>),
}

pub(crate) fn whole(
    file: &Arc<str>,
    value: Json,
    lines: Option<Arc<Lines>>,
) -> Result<Whole, ReadError> {
    let Json::Object(obj) = value else {
        return Err(ReadError::unrecognised(
            file.to_string(),
            "expected a JSON object or array",
        ));
    };
    if let Some(Json::Array(items)) = obj.get("contents") {
        let docs = items
            .iter()
            .enumerate()
            .map(|(i, d)| {
                Item::Doc(
                    Loc {
                        file: file.clone(),
                        line: None,
                        pointer: Some(format!("/contents/{i}")),
                    },
                    d.clone(),
                    lines.clone(),
                )
            })
            .collect();
        return Ok(Whole::Docs(docs));
    }
    if !obj.is_empty() && obj.iter().all(|(k, v)| k.ends_with(".csv") && v.is_array()) {
        let mut tables = Vec::new();
        for (k, v) in &obj {
            let rows = v
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, r)| {
                    let pointer = format!("/{}/{i}", escape(k));
                    let line = lines.as_ref().and_then(|l| l.get(&pointer).copied());
                    let loc = Loc {
                        file: file.clone(),
                        line,
                        pointer: Some(pointer),
                    };
                    let fields = r
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter_map(|(k, v)| match v {
                            Json::Null => None,
                            Json::String(s) => Some((crate::assemble::key(k), s.clone())),
                            other => Some((crate::assemble::key(k), other.to_string())),
                        })
                        .collect();
                    (loc, fields)
                })
                .collect();
            tables.push(crate::tabular::TableFile {
                file: file.clone(),
                stem: k.trim_end_matches(".csv").to_string(),
                resource: None,
                header: None,
                rows,
            });
        }
        return Ok(Whole::Tables(tables));
    }
    if obj.contains_key("openapi_url")
        || (obj.contains_key("version") && obj.contains_key("profile") && !obj.contains_key("id"))
    {
        return Err(ReadError::unrecognised(
            file.to_string(),
            "this is an HSDS API root document (version, profile, openapi_url), not directory data",
        ));
    }
    if obj.contains_key("resources") && obj.contains_key("profile") {
        return Err(ReadError::unrecognised(
            file.to_string(),
            "this is a datapackage.json: read the directory or zip that holds it",
        ));
    }
    let at = Loc {
        file: file.clone(),
        line: lines.as_ref().and_then(|l| l.get("").copied()),
        pointer: None,
    };
    Ok(Whole::Docs(vec![Item::Doc(at, Json::Object(obj), lines)]))
}

/// Reads batches of documents from `docs`.
pub(crate) struct DocBatches {
    pub docs: Docs,
    pub known: crate::assemble::KnownIds,
    pub docs_read: u64,
    /// Documents read when progress was last told.
    pub told: u64,
    pub bytes: Option<(Arc<AtomicU64>, Option<u64>)>,
    pub kinds: HashMap<&'static str, usize>,
    pub repairs_seen: HashMap<(Arc<str>, Option<String>, Action), usize>,
}

impl DocBatches {
    pub fn next_batch(
        &mut self,
        opts: &ReadOptions,
        report: &mut Report,
    ) -> Result<Option<Batch>, ReadError> {
        let mut asm = Assembler::new(opts);
        asm.report_identical_duplicates = false;
        asm.repairs_seen = std::mem::take(&mut self.repairs_seen);
        let mut fl = Flattener {
            asm: &mut asm,
            rows: Vec::new(),
            lines: None,
        };
        let mut n = 0;
        while n < opts.batch_size.max(1) {
            let Some(item) = self.docs.next() else { break };
            n += 1;
            self.docs_read += 1;
            match item? {
                Item::Doc(at, mut doc, lines) => {
                    if let Some(k) = doc.as_object().and_then(kind_of) {
                        *self.kinds.entry(k).or_default() += 1;
                    }
                    fl.lines = lines;
                    fl.document(&at, &mut doc)?;
                }
                Item::Bad(at, message) => {
                    fl.asm
                        .problem(Severity::Error, &at, None, message, Action::RowSkipped)?
                }
            }
            if self.docs_read - self.told >= 1000 {
                self.told = self.docs_read;
                self.progress(opts);
            }
        }
        if n == 0 {
            self.progress(opts);
            return Ok(None);
        }
        let Flattener { rows, .. } = fl;
        for r in rows {
            asm.add(r)?;
        }
        self.repairs_seen = std::mem::take(&mut asm.repairs_seen);
        let (batch, r) = asm.finish(&mut self.known)?;
        report.merge(r);
        Ok(Some(batch))
    }

    fn progress(&self, opts: &ReadOptions) {
        let (bytes_read, total_bytes) = match &self.bytes {
            Some((c, t)) => (c.load(Ordering::Relaxed), *t),
            None => (0, None),
        };
        opts.tell(Progress {
            rows_read: self.docs_read,
            total_rows: None,
            bytes_read,
            total_bytes,
        });
    }
}
