//! How HSDS records nest into the standard's JSON documents (the compiled schemas' shapes).
//!
//! A [`Node`] is a table with its [`Edge`]s to nested tables. Every node also carries its
//! `attributes` (attribute.link_id = id, each with its taxonomy_term and that term's
//! taxonomy_detail) and `metadata` (metadata.resource_id = id) unless `plain` is set; the
//! loaders add those, so the trees below only name the structural edges.

/// A table in a nested document.
#[derive(Debug)]
pub struct Node {
    pub table: &'static str,
    pub edges: &'static [Edge],
    /// Leaves out attributes and metadata (used for taxonomy terms inside attributes).
    pub plain: bool,
}

#[derive(Debug)]
pub struct Edge {
    /// The JSON key in the parent.
    pub key: &'static str,
    pub kind: EdgeKind,
    pub node: &'static Node,
}

#[derive(Debug, Clone, Copy)]
pub enum EdgeKind {
    /// An array of children whose field `fk` holds the parent's id.
    Many { fk: &'static str },
    /// One object whose id is in the parent's field `via`.
    One { via: &'static str },
}

const fn node(table: &'static str, edges: &'static [Edge]) -> Node {
    Node { table, edges, plain: false }
}
const fn many(key: &'static str, fk: &'static str, node: &'static Node) -> Edge {
    Edge { key, kind: EdgeKind::Many { fk }, node }
}
const fn one(key: &'static str, via: &'static str, node: &'static Node) -> Edge {
    Edge { key, kind: EdgeKind::One { via }, node }
}

pub static TAXONOMY: Node = node("taxonomy", &[]);
pub static TAXONOMY_TERM: Node = node("taxonomy_term", &[one("taxonomy_detail", "taxonomy_id", &TAXONOMY)]);
/// A term as nested in an attribute.
pub static ATTRIBUTE_TERM: Node = Node {
    table: "taxonomy_term",
    edges: &[one("taxonomy_detail", "taxonomy_id", &TAXONOMY)],
    plain: true,
};
pub static ATTRIBUTE: Node = Node {
    table: "attribute",
    edges: &[one("taxonomy_term", "taxonomy_term_id", &ATTRIBUTE_TERM)],
    plain: true,
};

static LANGUAGE: Node = node("language", &[]);
static PHONE: Node = node("phone", &[many("languages", "phone_id", &LANGUAGE)]);
static CONTACT: Node = node("contact", &[many("phones", "contact_id", &PHONE)]);
static SCHEDULE: Node = node("schedule", &[]);
static ADDRESS: Node = node("address", &[]);
static ACCESSIBILITY: Node = node("accessibility", &[]);
static SERVICE_AREA: Node = node("service_area", &[]);
static URL: Node = node("url", &[]);
static FUNDING: Node = node("funding", &[]);
static COST_OPTION: Node = node("cost_option", &[]);
static PROGRAM: Node = node("program", &[]);
static REQUIRED_DOCUMENT: Node = node("required_document", &[]);
static ORGANIZATION_IDENTIFIER: Node = node("organization_identifier", &[]);
static UNIT: Node = node("unit", &[]);
static CAPACITY: Node = node("service_capacity", &[one("unit", "unit_id", &UNIT)]);

pub static LOCATION: Node = node(
    "location",
    &[
        many("languages", "location_id", &LANGUAGE),
        many("addresses", "location_id", &ADDRESS),
        many("contacts", "location_id", &CONTACT),
        many("accessibility", "location_id", &ACCESSIBILITY),
        many("phones", "location_id", &PHONE),
        many("schedules", "location_id", &SCHEDULE),
    ],
);

/// A service_at_location's own edges, with `$extra` after them.
macro_rules! service_at_location_edges {
    ($($extra:expr),*) => {
        &[
            many("service_areas", "service_at_location_id", &SERVICE_AREA),
            many("contacts", "service_at_location_id", &CONTACT),
            many("phones", "service_at_location_id", &PHONE),
            many("schedules", "service_at_location_id", &SCHEDULE),
            one("location", "location_id", &LOCATION),
            $($extra,)*
        ]
    };
}

/// A service_at_location as nested in a service.
static SERVICE_AT_LOCATION_IN_SERVICE: Node = node("service_at_location", service_at_location_edges!());

/// An organization as nested in a service: its own details, not its other services or sites.
static ORGANIZATION_IN_SERVICE: Node = node(
    "organization",
    &[
        many("additional_websites", "organization_id", &URL),
        many("organization_identifiers", "organization_id", &ORGANIZATION_IDENTIFIER),
    ],
);

macro_rules! service_edges {
    ($($extra:expr),*) => {
        &[
            many("additional_urls", "service_id", &URL),
            many("phones", "service_id", &PHONE),
            many("schedules", "service_id", &SCHEDULE),
            many("service_areas", "service_id", &SERVICE_AREA),
            many("service_at_locations", "service_id", &SERVICE_AT_LOCATION_IN_SERVICE),
            many("languages", "service_id", &LANGUAGE),
            $($extra,)*
            many("funding", "service_id", &FUNDING),
            many("cost_options", "service_id", &COST_OPTION),
            one("program", "program_id", &PROGRAM),
            many("required_documents", "service_id", &REQUIRED_DOCUMENT),
            many("contacts", "service_id", &CONTACT),
            many("capacities", "service_id", &CAPACITY),
        ]
    };
}

/// A service, fully nested (`GET /services/{id}`, the JSON export).
pub static SERVICE: Node = node("service", service_edges!(one("organization", "organization_id", &ORGANIZATION_IN_SERVICE)));

static LOCATION_FOR_MATCHING: Node = node(
    "location",
    &[many("languages", "location_id", &LANGUAGE), many("addresses", "location_id", &ADDRESS), many("accessibility", "location_id", &ACCESSIBILITY), many("schedules", "location_id", &SCHEDULE)],
);
static SERVICE_AT_LOCATION_FOR_MATCHING: Node =
    node("service_at_location", &[many("schedules", "service_at_location_id", &SCHEDULE), one("location", "location_id", &LOCATION_FOR_MATCHING)]);

/// A service with what matching weighs and nothing else: its organization, terms, languages,
/// costs, places, hours and sites with their access (a third of the full tree's tables, so
/// ranking a person's candidates stays fast).
pub static SERVICE_FOR_MATCHING: Node = node(
    "service",
    &[
        one("organization", "organization_id", &ORGANIZATION_MINIMAL),
        many("schedules", "service_id", &SCHEDULE),
        many("service_at_locations", "service_id", &SERVICE_AT_LOCATION_FOR_MATCHING),
        many("languages", "service_id", &LANGUAGE),
        many("cost_options", "service_id", &COST_OPTION),
        many("capacities", "service_id", &CAPACITY_BARE),
    ],
);
static CAPACITY_BARE: Node = node("service_capacity", &[]);

/// A service inside its organization (no organization again).
static SERVICE_IN_ORGANIZATION: Node = node("service", service_edges!());

/// An organization, fully nested (`GET /organizations/{id}`).
pub static ORGANIZATION: Node = node(
    "organization",
    &[
        many("additional_websites", "organization_id", &URL),
        many("funding", "organization_id", &FUNDING),
        many("contacts", "organization_id", &CONTACT),
        many("phones", "organization_id", &PHONE),
        many("locations", "organization_id", &LOCATION),
        many("programs", "organization_id", &PROGRAM),
        many("organization_identifiers", "organization_id", &ORGANIZATION_IDENTIFIER),
        many("services", "organization_id", &SERVICE_IN_ORGANIZATION),
    ],
);

/// An organization in a list: its details without services and sites.
pub static ORGANIZATION_BRIEF: Node = node(
    "organization",
    &[
        many("additional_websites", "organization_id", &URL),
        many("organization_identifiers", "organization_id", &ORGANIZATION_IDENTIFIER),
    ],
);

/// A service_at_location, fully nested, with its service.
pub static SERVICE_AT_LOCATION: Node = node("service_at_location", service_at_location_edges!(one("service", "service_id", &SERVICE)));

/// A bare row: a list item with `minimal=true`.
pub static SERVICE_MINIMAL: Node = Node { table: "service", edges: &[], plain: true };

/// A service in a list page (`GET /services`): organization and program, as the list schema has.
pub static SERVICE_LIST_ITEM: Node = Node {
    table: "service",
    edges: &[one("organization", "organization_id", &ORGANIZATION_MINIMAL), one("program", "program_id", &PROGRAM_MINIMAL)],
    plain: true,
};
/// A service_at_location in a list page: the row with its location and addresses.
pub static SERVICE_AT_LOCATION_LIST_ITEM: Node = Node {
    table: "service_at_location",
    edges: &[one("location", "location_id", &LOCATION_WITH_ADDRESSES)],
    plain: true,
};
static LOCATION_WITH_ADDRESSES: Node = Node { table: "location", edges: &[many("addresses", "location_id", &ADDRESS)], plain: true };
static ORGANIZATION_MINIMAL: Node = Node { table: "organization", edges: &[], plain: true };
static PROGRAM_MINIMAL: Node = Node { table: "program", edges: &[], plain: true };

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hsds::table;

    fn check(n: &'static Node) {
        let t = table(n.table).unwrap_or_else(|| panic!("no table {}", n.table));
        for e in n.edges {
            let child = table(e.node.table).unwrap();
            match e.kind {
                EdgeKind::Many { fk } => assert!(child.field(fk).is_some(), "{}.{fk}", child.name),
                EdgeKind::One { via } => assert!(t.field(via).is_some(), "{}.{via}", t.name),
            }
            check(e.node);
        }
    }

    #[test]
    fn every_edge_names_real_fields() {
        for n in [&SERVICE, &ORGANIZATION, &SERVICE_AT_LOCATION, &SERVICE_LIST_ITEM, &ORGANIZATION_BRIEF, &TAXONOMY_TERM, &SERVICE_AT_LOCATION_LIST_ITEM] {
            check(n);
        }
    }
}

/// Nests records already in memory into documents shaped by `node`, one per root record of the
/// node's table (used where there is no database: generated data, conversions).
pub fn nest_in_memory(node: &'static Node, records: &[super::Record]) -> Vec<serde_json::Value> {
    use std::collections::HashMap;
    let mut by_table: HashMap<&str, Vec<&super::Record>> = HashMap::new();
    for r in records {
        by_table.entry(r.table.name).or_default().push(r);
    }
    let mut index: HashMap<(&str, &str, &str), Vec<&super::Record>> = HashMap::new();
    for r in records {
        for f in r.table.fields {
            if let Some(v) = r.get_str(f.name) {
                if f.name == "id" || f.name.ends_with("_id") {
                    index.entry((r.table.name, f.name, v)).or_default().push(r);
                }
            }
        }
    }
    fn build(node: &'static Node, r: &super::Record, index: &HashMap<(&str, &str, &str), Vec<&super::Record>>) -> serde_json::Value {
        let mut obj = r.to_json();
        let id = r.id().unwrap_or_default();
        for e in node.edges {
            match e.kind {
                EdgeKind::Many { fk } => {
                    if let Some(children) = index.get(&(e.node.table, fk, id)) {
                        obj.insert(e.key.into(), children.iter().map(|c| build(e.node, c, index)).collect());
                    }
                }
                EdgeKind::One { via } => {
                    if let Some(target) = r.get_str(via).and_then(|v| index.get(&(e.node.table, "id", v))).and_then(|v| v.first()) {
                        obj.insert(e.key.into(), build(e.node, target, index));
                    }
                }
            }
        }
        if !node.plain {
            if let Some(attrs) = index.get(&("attribute", "link_id", id)) {
                obj.insert("attributes".into(), attrs.iter().map(|a| build(&ATTRIBUTE, a, index)).collect());
            }
            if let Some(meta) = index.get(&("metadata", "resource_id", id)) {
                obj.insert("metadata".into(), meta.iter().map(|m| serde_json::Value::Object(m.to_json())).collect());
            }
        }
        serde_json::Value::Object(obj)
    }
    by_table.get(node.table).map(|roots| roots.iter().map(|r| build(node, r, &index)).collect()).unwrap_or_default()
}
