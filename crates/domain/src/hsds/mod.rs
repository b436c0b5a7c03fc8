//! The Open Referral HSDS 3.1 directory model.
//!
//! All 23 HSDS objects are described as data ([`registry`], generated from the official schemas),
//! held as [`Record`]s of typed, normalised values, and nested into the standard's JSON shapes by
//! the [`tree`]s. Keeping the model as data rather than 23 hand-written structs is what lets
//! import, storage and export carry every field of the standard without loss; the fields the
//! product reasons about are read through the typed views in [`crate::service`].

pub mod record;
#[rustfmt::skip]
pub mod registry;
pub mod registry_types;
pub mod tree;
pub mod value;

pub use record::{Record, RecordError};
pub use registry_types::{table, FieldDef, FieldType, TableDef};
pub use value::{parse_value, FieldIssue, Value};

/// Records ready to be written together, parents before children, with the publishers' own ids
/// for the rows whose ids Linkwork derived.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    pub records: Vec<Record>,
    pub source_ids: Vec<SourceId>,
}

/// A publisher's non-UUID id, kept beside the UUID derived from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceId {
    pub table: &'static str,
    pub id: String,
    pub source_id: String,
}

impl Batch {
    /// Sorts records so that parents come before children (the order of [`registry::TABLES`]).
    pub fn sort_for_writing(&mut self) {
        self.records.sort_by_key(|r| r.table.order());
    }

    pub fn count(&self, table: &str) -> usize {
        self.records.iter().filter(|r| r.table.name == table).count()
    }
}
