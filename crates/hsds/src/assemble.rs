//! Turning raw rows (text by HSDS 3.1 field name, from CSV or flattened JSON) into checked
//! [`Record`]s: ids mapped to UUIDs, values parsed, required fields repaired or the row skipped,
//! duplicates merged, and references to rows that are not there removed — each reported.
//!
//! Both the tabular and the JSON readers end here, so the rules are the same whatever the
//! input looked like.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use linkwork_domain::hsds::{
    table, Batch, FieldIssue, FieldType, Record, SourceId, TableDef, Value,
};
use linkwork_domain::Id;

use crate::error::ReadError;
use crate::options::ReadOptions;
use crate::report::{Action, Problem, Report, Severity};

/// Where a row came from, for the report.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Loc {
    pub file: Arc<str>,
    pub line: Option<usize>,
    pub pointer: Option<String>,
}

impl Loc {
    /// A problem with a file as a whole.
    pub fn file(file: &Arc<str>) -> Self {
        Loc {
            file: file.clone(),
            line: None,
            pointer: None,
        }
    }

    pub fn line(file: &Arc<str>, line: usize) -> Self {
        Loc {
            file: file.clone(),
            line: Some(line),
            pointer: None,
        }
    }
}

/// A field name in a raw row: the registry's own text for the names HSDS has (no copy per
/// cell or per nested object), a copy for others.
pub(crate) type Key = Cow<'static, str>;

/// The [`Key`] for a field name.
pub(crate) fn key(name: &str) -> Key {
    static NAMES: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        linkwork_domain::hsds::registry::TABLES
            .iter()
            .flat_map(|t| t.fields.iter().map(|f| f.name))
            .collect()
    });
    match names.get(name) {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(name.to_string()),
    }
}

/// One row of an HSDS 3.1 table as text, before parsing.
#[derive(Clone, Debug)]
pub(crate) struct RawRow {
    pub table: &'static TableDef,
    pub at: Loc,
    /// Field name and raw text, in input order. Names not in the table are reported.
    pub fields: Vec<(Key, String)>,
    /// The id was made up from the row's content (the input had none).
    pub id_made: bool,
}

impl RawRow {
    pub fn new(table: &'static TableDef, at: Loc) -> Self {
        RawRow {
            table,
            at,
            fields: Vec::new(),
            id_made: false,
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value, unless empty or blank.
    pub fn get_nonblank(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self.fields.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value,
            None => self.fields.push((key(name), value)),
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<String> {
        let i = self.fields.iter().position(|(k, _)| k == name)?;
        Some(self.fields.remove(i).1)
    }

    /// Renames a legacy column when the 3.1 one is absent.
    pub fn rename(&mut self, from: &str, to: &str) {
        if self.get_nonblank(to).is_none() {
            if let Some(v) = self.remove(from) {
                self.remove(to);
                self.fields.push((key(to), v));
            }
        }
    }

    /// Gives the row an id when it has none: a UUID derived from its table and content (which
    /// includes the parent's id), so that importing the same input again gives the same id.
    pub fn ensure_id(&mut self) -> &str {
        if self.get_nonblank("id").is_none() {
            let mut parts: Vec<String> = self
                .fields
                .iter()
                .filter(|(k, v)| k != "id" && !v.trim().is_empty())
                .map(|(k, v)| format!("{k}={}", v.trim()))
                .collect();
            parts.sort();
            let id = Id::derived(
                self.table.name,
                &format!("content:{}", parts.join("\u{1f}")),
            );
            self.set("id", id.to_string());
            self.id_made = true;
        }
        self.get("id").unwrap_or_default()
    }
}

/// A kept record and where it came from.
struct Entry {
    record: Record,
    at: Loc,
}

/// Notes made once per file and field instead of once per row (derived ids, made-up ids).
#[derive(Default)]
struct Tally {
    count: usize,
    first_line: Option<usize>,
    first_pointer: Option<String>,
    example: String,
}

pub(crate) struct Assembler<'o> {
    opts: &'o ReadOptions,
    pub report: Report,
    entries: Vec<Option<Entry>>,
    /// Entries by (table, id as a number): every id is a UUID by now.
    index: HashMap<(&'static str, u128), usize>,
    source_ids: BTreeMap<(&'static str, String), String>,
    /// Publishers' ids behind derived references, to name them in messages.
    ref_sources: HashMap<String, String>,
    /// By (file, table, whether the id was made up rather than derived from the publisher's).
    tallies: BTreeMap<(Arc<str>, &'static str, bool), Tally>,
    /// Identical rows with the same id are reported in tables (a publisher's mistake) but not
    /// in nested JSON, where the same organization legitimately appears in many documents.
    pub report_identical_duplicates: bool,
    /// Repairs seen per (file, field, action); carried from batch to batch by streams.
    pub repairs_seen: HashMap<(Arc<str>, Option<String>, Action), usize>,
}

impl<'o> Assembler<'o> {
    pub fn new(opts: &'o ReadOptions) -> Self {
        Assembler {
            opts,
            report: Report::default(),
            entries: Vec::new(),
            index: HashMap::new(),
            source_ids: BTreeMap::new(),
            ref_sources: HashMap::new(),
            tallies: BTreeMap::new(),
            report_identical_duplicates: true,
            repairs_seen: HashMap::new(),
        }
    }

    /// Records a problem; in strict mode an error stops reading.
    pub fn problem(
        &mut self,
        severity: Severity,
        at: &Loc,
        field: Option<&str>,
        message: impl Into<String>,
        action: Action,
    ) -> Result<(), ReadError> {
        // Repairs and warnings past a limit per kind are counted, not listed (see Report::omitted).
        if severity != Severity::Error {
            let key = (at.file.clone(), field.map(str::to_string), action);
            let seen = self.repairs_seen.entry(key).or_default();
            *seen += 1;
            if *seen > crate::report::REPAIR_DETAIL_LIMIT {
                let key = (at.file.to_string(), field.map(str::to_string), action);
                *self.report.omitted.entry(key).or_default() += 1;
                return Ok(());
            }
        }
        let p = Problem {
            severity,
            file: at.file.to_string(),
            line: at.line,
            pointer: at.pointer.clone(),
            field: field.map(str::to_string),
            message: message.into(),
            action,
        };
        if self.opts.strict && severity == Severity::Error {
            return Err(ReadError::Strict(Box::new(p)));
        }
        self.report.push(p);
        Ok(())
    }

    fn tally(&mut self, at: &Loc, table: &'static str, made: bool, example: &str) {
        let t = self
            .tallies
            .entry((at.file.clone(), table, made))
            .or_default();
        if t.count == 0 {
            t.first_line = at.line;
            t.first_pointer = at.pointer.clone();
            t.example = example.to_string();
        }
        t.count += 1;
    }

    /// Maps a raw id of table `kind` to a UUID, deriving one from non-UUID ids.
    fn map_id(kind: &'static str, raw: &str) -> (String, bool) {
        let (id, derived) = Id::parse_or_derive(kind, raw);
        (id.to_string(), derived)
    }

    /// Adds one raw row.
    pub fn add(&mut self, mut row: RawRow) -> Result<(), ReadError> {
        let t = row.table;
        self.report.count(t.name).read += 1;
        row.ensure_id();
        if row.id_made {
            self.tally(&row.at, t.name, true, "");
        }
        let mut rec = Record::new(t);
        let at = row.at.clone();
        let raw_id = row.get("id").unwrap_or_default().trim().to_string();
        let (id, derived) = Self::map_id(t.name, &raw_id);
        if derived {
            self.tally(&at, t.name, false, &raw_id);
        }
        rec.set("id", Some(Value::Text(id.clone())));
        let link_entity = row
            .get_nonblank("link_entity")
            .map(|s| s.trim().to_string());
        let resource_type = row
            .get_nonblank("resource_type")
            .map(|s| s.trim().to_string());
        for (name, raw) in std::mem::take(&mut row.fields) {
            if name == "id" {
                continue;
            }
            let name = &*name;
            let Some(def) = t.field(name) else {
                if !raw.trim().is_empty() {
                    self.problem(
                        Severity::Warning,
                        &at,
                        Some(name),
                        format!("{} has no field '{name}' in HSDS 3.1", t.name),
                        Action::NotImported,
                    )?;
                }
                continue;
            };
            if raw.trim().is_empty() {
                continue;
            }
            // References are ids too: map them the same way so they meet their targets.
            let target = match def.references {
                Some(target) => Some(target),
                None if def.name == "link_id" => {
                    link_entity.as_deref().and_then(table).map(|t| t.name)
                }
                None if def.name == "resource_id" => {
                    resource_type.as_deref().and_then(table).map(|t| t.name)
                }
                None => None,
            };
            if let Some(target) = target {
                let (v, derived) = Self::map_id(target, &raw);
                if derived {
                    self.ref_sources.insert(v.clone(), raw.trim().to_string());
                }
                rec.set(def.name, Some(Value::Text(v)));
                continue;
            }
            if let Some(e) = rec.set_raw_owned(def.name, raw) {
                match e.issue {
                    FieldIssue::Repaired { message } => {
                        self.problem(
                            Severity::Repaired,
                            &at,
                            Some(def.name),
                            message,
                            Action::Repaired,
                        )?;
                    }
                    FieldIssue::Invalid { message } => {
                        self.problem(
                            Severity::Error,
                            &at,
                            Some(def.name),
                            message,
                            Action::FieldLeftEmpty,
                        )?;
                    }
                }
            }
            if def.ty == FieldType::Text {
                if let Some(marker) = rec.get_str(def.name).and_then(marker_in) {
                    self.problem(
                        Severity::Warning,
                        &at,
                        Some(def.name),
                        format!("the text holds the publisher's marker '{marker}' (its meaning is unknown, so it was kept)"),
                        Action::Kept,
                    )?;
                }
            }
        }
        // Required fields: a safe default where there is one, else the row cannot be kept.
        for field in rec.missing_required() {
            match self.default_for(&rec, field) {
                Some((value, why)) => {
                    rec.set_raw(field, &value);
                    self.problem(
                        Severity::Repaired,
                        &at,
                        Some(field),
                        format!("required {field} was missing: {why}"),
                        Action::DefaultUsed,
                    )?;
                }
                None => {
                    self.report.count(t.name).skipped += 1;
                    let what = if derived || row.id_made {
                        String::new()
                    } else {
                        format!(" (id '{raw_id}')")
                    };
                    return self.problem(
                        Severity::Error,
                        &at,
                        Some(field),
                        format!(
                            "required {field} is missing, so this {} cannot be imported{what}",
                            t.name
                        ),
                        Action::RowSkipped,
                    );
                }
            }
        }
        if derived {
            self.source_ids.insert((t.name, id.clone()), raw_id.clone());
        }
        let key = (t.name, uuid_key(&id));
        match self.index.get(&key) {
            Some(&i) => {
                let mut earlier = self.entries[i].take().expect("indexed entries are present");
                // Rows that agree wherever both have a value are the same row seen twice (the same
                // phone nested under a contact and under a location): merge them, nothing is lost.
                let conflicts: Vec<&'static str> = rec
                    .values()
                    .filter(|(k, v)| earlier.record.get(k).is_some_and(|e| e != *v))
                    .map(|(k, _)| k)
                    .collect();
                let identical = earlier.record == rec;
                if !conflicts.is_empty() || self.report_identical_duplicates {
                    let where_ = match (earlier.at.line, &earlier.at.pointer) {
                        (Some(l), _) if *earlier.at.file == *at.file => format!("line {l}"),
                        (Some(l), _) => format!("{}:{l}", earlier.at.file),
                        (None, Some(p)) => p.clone(),
                        _ => earlier.at.file.to_string(),
                    };
                    let (sev, msg) = if conflicts.is_empty() {
                        let how = if identical {
                            ""
                        } else {
                            "; their values were merged"
                        };
                        (
                            Severity::Warning,
                            format!(
                                "the same {} '{raw_id}' appears again (first at {where_}){how}",
                                t.name
                            ),
                        )
                    } else {
                        (
                            Severity::Error,
                            format!(
                                "{} id '{raw_id}' is used again (first at {where_}) with other values for {}; the last one was kept",
                                t.name,
                                conflicts.join(", ")
                            ),
                        )
                    };
                    self.problem(sev, &at, Some("id"), msg, Action::EarlierRowReplaced)?;
                }
                if conflicts.is_empty() {
                    for (k, v) in rec.values() {
                        earlier.record.set(k, Some(v.clone()));
                    }
                    self.entries[i] = Some(earlier);
                } else {
                    self.entries[i] = Some(Entry { record: rec, at });
                }
            }
            None => {
                self.index.insert(key, self.entries.len());
                self.entries.push(Some(Entry { record: rec, at }));
            }
        }
        Ok(())
    }

    /// A safe value for a missing required field, and why it is safe.
    fn default_for(&self, rec: &Record, field: &str) -> Option<(String, String)> {
        let name = || rec.get_str("name").map(str::to_string);
        match (rec.table.name, field) {
            ("service", "status") => Some((
                "active".into(),
                "set to 'active' (the service is listed, so it is offered)".into(),
            )),
            ("location", "location_type") => Some(("physical".into(), "set to 'physical'".into())),
            ("address", "address_type") => Some(("physical".into(), "set to 'physical'".into())),
            ("address", "country") => {
                if let Some(c) = &self.opts.default_country {
                    return Some((
                        c.clone(),
                        format!("set to the import's default country '{c}'"),
                    ));
                }
                let state = rec.get_str("state_province")?;
                let zip = rec.get_str("postal_code")?;
                let is_zip = zip.len() >= 5 && zip[..5].bytes().all(|b| b.is_ascii_digit());
                (US_STATES.contains(&state.to_ascii_uppercase().as_str()) && is_zip).then(|| {
                    (
                        "US".into(),
                        format!("set to 'US' from the US state '{state}' and ZIP code"),
                    )
                })
            }
            ("taxonomy_term" | "taxonomy" | "organization" | "program", "description") => {
                name().map(|n| (n, "the name was used as the description".into()))
            }
            _ => None,
        }
    }

    /// Checks references, adds the once-per-file notes and returns the batch. `known` holds
    /// (table, id) of rows from earlier batches of the same input, and gets this batch's ids.
    pub fn finish(mut self, known: &mut KnownIds) -> Result<(Batch, Report), ReadError> {
        for ((file, table_name, made), t) in std::mem::take(&mut self.tallies) {
            let at = Loc {
                file,
                line: t.first_line,
                pointer: t.first_pointer,
            };
            let message = if made {
                format!("{} {table_name} rows have no id: ids were derived from their parent and content", t.count)
            } else {
                format!(
                    "{} {table_name} ids are not UUIDs (e.g. '{}'): stable UUIDs were derived and the publisher's ids kept as source ids",
                    t.count, t.example
                )
            };
            self.problem(
                Severity::Repaired,
                &at,
                Some("id"),
                message,
                Action::IdDerived,
            )?;
        }
        let mut entries: Vec<Entry> = std::mem::take(&mut self.entries)
            .into_iter()
            .flatten()
            .collect();
        let removals: Vec<(usize, &'static str, String, &'static str)> = {
            let mut here: HashSet<(&'static str, &str)> = HashSet::with_capacity(entries.len());
            for e in &entries {
                here.insert((e.record.table.name, e.record.id().unwrap_or_default()));
            }
            // Reverse map for messages: show the publisher's id, not the derived UUID.
            let source_of: HashMap<&str, &str> = self
                .source_ids
                .iter()
                .map(|((_, id), s)| (id.as_str(), s.as_str()))
                .chain(
                    self.ref_sources
                        .iter()
                        .map(|(id, s)| (id.as_str(), s.as_str())),
                )
                .collect();
            let mut removals = Vec::new();
            for (i, e) in entries.iter().enumerate() {
                let r = &e.record;
                for def in r.table.fields {
                    let Some(v) = r.get_str(def.name) else {
                        continue;
                    };
                    let target = match def.references {
                        Some(t) => t,
                        None if def.name == "link_id" => {
                            match r.get_str("link_entity").and_then(table) {
                                Some(t) => t.name,
                                None => continue,
                            }
                        }
                        None => continue,
                    };
                    if !here.contains(&(target, v))
                        && !known.contains(target, v)
                        && !self.opts.exists(target, v)
                    {
                        let shown = source_of.get(v).copied().unwrap_or(v).to_string();
                        removals.push((i, def.name, shown, target));
                    }
                }
            }
            removals
        };
        for (i, field, shown, target) in removals {
            let at = entries[i].at.clone();
            entries[i].record.set(field, None);
            let what = entries[i].record.table.name;
            self.problem(
                Severity::Error,
                &at,
                Some(field),
                format!("{what} refers to {target} '{shown}', which is not in the input"),
                Action::ReferenceRemoved,
            )?;
        }
        for e in &entries {
            known.insert(e.record.table.name, e.record.id().unwrap_or_default());
        }
        let mut batch = Batch {
            records: Vec::with_capacity(entries.len()),
            source_ids: Vec::new(),
        };
        for e in entries {
            self.report.count(e.record.table.name).kept += 1;
            batch.records.push(e.record);
        }
        batch.sort_for_writing();
        batch.source_ids = self
            .source_ids
            .into_iter()
            .filter(|((t, id), _)| self.index.contains_key(&(*t, uuid_key(id))))
            .map(|((table, id), source_id)| SourceId {
                table,
                id,
                source_id,
            })
            .collect();
        Ok((batch, self.report))
    }
}

/// The id (always a UUID once mapped) as a number, a cheaper key than its text.
fn uuid_key(id: &str) -> u128 {
    uuid::Uuid::parse_str(id)
        .expect("mapped ids are UUIDs")
        .as_u128()
}

/// A publisher's in-text marker such as `###MON###` (Miami 211 tags descriptions with them).
fn marker_in(text: &str) -> Option<&str> {
    let start = text.find("###")?;
    let rest = &text[start + 3..];
    let end = rest.find("###")?;
    let inner = &rest[..end];
    (!inner.is_empty()
        && inner.len() <= 20
        && inner
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'))
    .then(|| &text[start..start + 3 + end + 3])
}

/// Ids of rows from earlier batches of a stream, for checking references across batches.
///
/// Only tables that documents commonly share (organizations, locations, programs, taxonomies,
/// terms, units, services) are remembered, as compact UUIDs: the phones and schedules of a
/// million services would not fit, and they are only ever referred to inside their document.
#[derive(Default)]
pub(crate) struct KnownIds(HashSet<(u8, u128)>);

impl KnownIds {
    const SHARED: [&'static str; 7] = [
        "organization",
        "program",
        "location",
        "taxonomy",
        "taxonomy_term",
        "unit",
        "service",
    ];

    fn key(table: &str, id: &str) -> Option<(u8, u128)> {
        let t = Self::SHARED.iter().position(|s| *s == table)? as u8;
        Some((t, uuid::Uuid::parse_str(id).ok()?.as_u128()))
    }

    pub fn insert(&mut self, table: &str, id: &str) {
        if let Some(k) = Self::key(table, id) {
            self.0.insert(k);
        }
    }

    pub fn contains(&self, table: &str, id: &str) -> bool {
        Self::key(table, id).is_some_and(|k| self.0.contains(&k))
    }
}

/// US state and territory codes, to recognise US addresses that lack a country.
const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "PR", "VI", "GU", "AS", "MP",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn row(t: &str, fields: &[(&str, &str)], line: usize) -> RawRow {
        let file: Arc<str> = Arc::from("t.csv");
        let mut r = RawRow::new(table(t).unwrap(), Loc::line(&file, line));
        for (k, v) in fields {
            r.set(k, *v);
        }
        r
    }

    #[test]
    fn ids_references_defaults_and_dangling_references() {
        let opts = ReadOptions::default();
        let mut a = Assembler::new(&opts);
        a.add(row(
            "organization",
            &[("id", "1"), ("name", "Org"), ("description", "d")],
            2,
        ))
        .unwrap();
        a.add(row(
            "service",
            &[("id", "10"), ("organization_id", "1"), ("name", "S")],
            2,
        ))
        .unwrap();
        a.add(row(
            "service",
            &[("id", "11"), ("organization_id", "99"), ("name", "T")],
            3,
        ))
        .unwrap();
        a.add(row("service", &[("id", "12")], 4)).unwrap();
        let (batch, report) = a.finish(&mut KnownIds::default()).unwrap();
        assert_eq!(batch.count("service"), 2);
        let s10 = batch
            .records
            .iter()
            .find(|r| r.id() == Some(&Id::derived("service", "10").to_string()))
            .unwrap();
        assert_eq!(
            s10.get_str("organization_id"),
            Some(Id::derived("organization", "1").to_string().as_str())
        );
        assert_eq!(s10.get_str("status"), Some("active"));
        assert_eq!(
            report.matching("'99', which is not in the input").count(),
            1
        );
        assert_eq!(report.matching("required name is missing").count(), 1);
        assert_eq!(
            report.counts["service"],
            crate::report::TableCounts {
                read: 3,
                kept: 2,
                skipped: 1
            }
        );
        assert_eq!(batch.source_ids.len(), 3);
    }

    #[test]
    fn strict_stops_at_first_error() {
        let opts = ReadOptions::strict();
        let mut a = Assembler::new(&opts);
        let e = a.add(row("service", &[("id", "12")], 4)).unwrap_err();
        assert_eq!(e.line(), Some(4));
    }

    #[test]
    fn repairs_past_the_limit_are_counted_not_listed() {
        let opts = ReadOptions::default();
        let mut a = Assembler::new(&opts);
        let file: Arc<str> = Arc::from("t.csv");
        let at = Loc::line(&file, 2);
        let limit = crate::report::REPAIR_DETAIL_LIMIT;
        for _ in 0..limit + 5 {
            a.problem(Severity::Repaired, &at, Some("x"), "m", Action::Repaired)
                .unwrap();
        }
        a.problem(Severity::Error, &at, Some("x"), "e", Action::FieldLeftEmpty)
            .unwrap();
        assert_eq!(a.report.problems.len(), limit + 1);
        assert_eq!(a.report.omitted.values().sum::<usize>(), 5);
        assert!(a.report.summary().contains("5 more of this kind"));
    }
}
