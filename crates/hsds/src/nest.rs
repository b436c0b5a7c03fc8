//! Nesting records held in memory into the standard's JSON documents, by the same
//! [`linkwork_domain::hsds::tree`]s and the same rules as the store uses for the database: so a
//! file can be converted to another form without a database (`read` → `nest` → `write`), and
//! the round trip can be tested.

use std::collections::HashMap;

use linkwork_domain::hsds::tree::{EdgeKind, Node, ATTRIBUTE};
use linkwork_domain::hsds::Record;
use serde_json::{Map, Value as Json};

/// Records indexed by (table, field, value) for every id-valued field.
pub struct Nester<'a> {
    index: HashMap<(&'static str, &'static str, String), Vec<&'a Record>>,
}

impl<'a> Nester<'a> {
    pub fn new(records: &'a [Record]) -> Self {
        let mut index: HashMap<(&'static str, &'static str, String), Vec<&'a Record>> =
            HashMap::new();
        for r in records {
            for f in r.table.fields {
                if f.name == "id"
                    || f.references.is_some()
                    || f.name == "link_id"
                    || f.name == "resource_id"
                {
                    if let Some(v) = r.get_str(f.name) {
                        index
                            .entry((r.table.name, f.name, v.to_string()))
                            .or_default()
                            .push(r);
                    }
                }
            }
        }
        Nester { index }
    }

    fn find(&self, table: &'static str, field: &'static str, value: &str) -> &[&'a Record] {
        self.index
            .get(&(table, field, value.to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Every record of `node.table`, nested.
    pub fn all(&self, node: &'static Node, records: &'a [Record]) -> Vec<Json> {
        records
            .iter()
            .filter(|r| r.table.name == node.table)
            .map(|r| Json::Object(self.nest(node, r)))
            .collect()
    }

    /// The record with this id, nested, if there is one.
    pub fn one(&self, node: &'static Node, id: &str) -> Option<Json> {
        self.find(node.table, "id", id)
            .last()
            .map(|r| Json::Object(self.nest(node, r)))
    }

    /// One record nested by `node`; empty arrays are left out, as the store does.
    pub fn nest(&self, node: &'static Node, r: &Record) -> Map<String, Json> {
        let mut obj = r.to_json();
        let id = r.id().unwrap_or_default();
        for e in node.edges {
            match e.kind {
                EdgeKind::Many { fk } => {
                    let children: Vec<Json> = self
                        .find(e.node.table, fk, id)
                        .iter()
                        .map(|c| Json::Object(self.nest(e.node, c)))
                        .collect();
                    if !children.is_empty() {
                        obj.insert(e.key.to_string(), Json::Array(children));
                    }
                }
                EdgeKind::One { via } => {
                    if let Some(target) = r
                        .get_str(via)
                        .and_then(|v| self.find(e.node.table, "id", v).last())
                    {
                        obj.insert(e.key.to_string(), Json::Object(self.nest(e.node, target)));
                    }
                }
            }
        }
        if !node.plain {
            let attrs: Vec<Json> = self
                .find("attribute", "link_id", id)
                .iter()
                .map(|a| Json::Object(self.nest(&ATTRIBUTE, a)))
                .collect();
            if !attrs.is_empty() {
                obj.insert("attributes".into(), Json::Array(attrs));
            }
            let meta: Vec<Json> = self
                .find("metadata", "resource_id", id)
                .iter()
                .map(|m| Json::Object(m.to_json()))
                .collect();
            if !meta.is_empty() {
                obj.insert("metadata".into(), Json::Array(meta));
            }
        }
        obj
    }
}
