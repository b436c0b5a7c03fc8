//! The shapes that describe HSDS tables and fields; the instances live in [`super::registry`].

/// The kind of value a field holds, which decides how raw text is parsed and normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Uuid,
    Uri,
    Email,
    Number,
    /// `YYYY-MM-DD`.
    Date,
    /// RFC 3339, normalised to UTC.
    DateTime,
    /// `HH:MM` or `HH:MM:SS`.
    Time,
}

#[derive(Debug)]
pub struct FieldDef {
    pub name: &'static str,
    pub ty: FieldType,
    /// Required by the JSON schema.
    pub required: bool,
    /// Required in the tabular (CSV) form.
    pub tabular_required: bool,
    /// The allowed values, where the standard names them.
    pub allowed: Option<&'static [&'static str]>,
    /// The table this field refers to by id.
    pub references: Option<&'static str>,
}

#[derive(Debug)]
pub struct TableDef {
    /// The HSDS object name, also the SQL table name.
    pub name: &'static str,
    /// The file name in a tabular package.
    pub path: &'static str,
    pub fields: &'static [FieldDef],
}

impl TableDef {
    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The position of this table in [`super::registry::TABLES`] (parents come first).
    pub fn order(&'static self) -> usize {
        super::registry::TABLES
            .iter()
            .position(|t| std::ptr::eq(*t, self))
            .expect("every TableDef is in TABLES")
    }
}

impl PartialEq for TableDef {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for TableDef {}

/// The table named `name` (an HSDS object name such as `service_at_location`).
pub fn table(name: &str) -> Option<&'static TableDef> {
    super::registry::TABLES.iter().copied().find(|t| t.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_covers_all_of_hsds_3_1() {
        let names: Vec<_> = super::super::registry::TABLES.iter().map(|t| t.name).collect();
        for expected in [
            "organization", "program", "service", "location", "service_at_location", "address",
            "phone", "contact", "schedule", "service_area", "language", "accessibility",
            "cost_option", "funding", "required_document", "taxonomy", "taxonomy_term",
            "attribute", "metadata", "organization_identifier", "service_capacity", "unit", "url",
        ] {
            assert!(names.contains(&expected), "missing {expected}");
        }
        let service = table("service").unwrap();
        assert_eq!(service.field("status").unwrap().allowed.unwrap().len(), 4);
        assert_eq!(table("schedule").unwrap().field("opens_at").unwrap().ty, FieldType::Time);
    }

    #[test]
    fn parents_come_before_children() {
        for t in super::super::registry::TABLES {
            for f in t.fields {
                if let Some(parent) = f.references {
                    if parent != t.name {
                        assert!(table(parent).unwrap().order() < t.order(), "{}.{}", t.name, f.name);
                    }
                }
            }
        }
    }
}
