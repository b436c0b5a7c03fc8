//! A record: one row of one HSDS table, with its values parsed and normalised.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::registry_types::{FieldType, TableDef};
use super::value::{parse_value, FieldIssue, Value};

#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub table: &'static TableDef,
    values: BTreeMap<&'static str, Value>,
}

/// A problem with one field of a record, found while building it.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordError {
    pub field: String,
    pub issue: FieldIssue,
}

impl Record {
    pub fn new(table: &'static TableDef) -> Self {
        Record { table, values: BTreeMap::new() }
    }

    /// The record's id (every HSDS table has one).
    pub fn id(&self) -> Option<&str> {
        self.get_str("id")
    }

    pub fn get(&self, field: &str) -> Option<&Value> {
        self.values.get(field)
    }

    pub fn get_str(&self, field: &str) -> Option<&str> {
        self.values.get(field).and_then(Value::as_str)
    }

    pub fn get_f64(&self, field: &str) -> Option<f64> {
        self.values.get(field).and_then(Value::as_f64)
    }

    /// Sets an already-normalised value. Panics on a field the table does not have, which is a
    /// programming error, never a data error.
    pub fn set(&mut self, field: &str, value: Option<Value>) {
        let def = self
            .table
            .field(field)
            .unwrap_or_else(|| panic!("{} has no field {field}", self.table.name));
        match value {
            Some(v) => {
                self.values.insert(def.name, v);
            }
            None => {
                self.values.remove(def.name);
            }
        }
    }

    pub fn set_text(&mut self, field: &str, value: impl Into<String>) {
        self.set(field, Some(Value::Text(value.into())));
    }

    /// Parses `raw` for `field` and sets it; returns what was wrong or repaired.
    pub fn set_raw(&mut self, field: &str, raw: &str) -> Option<RecordError> {
        let def = self.table.field(field)?;
        let (value, issue) = parse_value(def, raw);
        self.set(def.name, value);
        issue.map(|issue| RecordError { field: def.name.to_string(), issue })
    }

    /// The fields that are set, in the table's field order.
    pub fn values(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.table.fields.iter().filter_map(|f| self.values.get(f.name).map(|v| (f.name, v)))
    }

    /// Required fields (by the JSON schema) that are missing.
    pub fn missing_required(&self) -> Vec<&'static str> {
        self.table
            .fields
            .iter()
            .filter(|f| f.required && !self.values.contains_key(f.name))
            .map(|f| f.name)
            .collect()
    }

    /// Builds a record from an HSDS JSON object's scalar fields; nested arrays and objects are
    /// left to the caller. Unknown fields are reported, never silently dropped.
    pub fn from_json(table: &'static TableDef, obj: &Map<String, Json>) -> (Record, Vec<RecordError>) {
        let mut rec = Record::new(table);
        let mut errors = Vec::new();
        for (key, value) in obj {
            let Some(def) = table.field(key) else {
                if !matches!(value, Json::Array(_) | Json::Object(_) | Json::Null) {
                    errors.push(RecordError {
                        field: key.clone(),
                        issue: FieldIssue::Invalid {
                            message: format!("{} has no field '{key}' in HSDS 3.1; the value was not kept", table.name),
                        },
                    });
                }
                continue;
            };
            let raw = match value {
                Json::Null => continue,
                Json::String(s) => s.clone(),
                Json::Number(n) => n.to_string(),
                Json::Bool(b) => b.to_string(),
                other => {
                    errors.push(RecordError {
                        field: key.clone(),
                        issue: FieldIssue::Invalid { message: format!("expected a {}, found {other}", type_word(def.ty)) },
                    });
                    continue;
                }
            };
            if let Some(e) = rec.set_raw(def.name, &raw) {
                errors.push(e);
            }
        }
        (rec, errors)
    }

    /// The record's scalar fields as an HSDS JSON object; empty fields are left out.
    pub fn to_json(&self) -> Map<String, Json> {
        self.values().map(|(k, v)| (k.to_string(), v.to_json())).collect()
    }
}

fn type_word(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Number => "number",
        _ => "string",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hsds::table;
    use serde_json::json;

    #[test]
    fn json_round_trip_keeps_every_field() {
        let obj = json!({
            "id": "ac148810-d857-441c-9679-408f346de14b", "name": "Walking group", "status": "active",
            "minimum_age": 18, "last_modified": "2023-03-15T10:30:45.123Z", "phones": []
        });
        let (rec, errors) = Record::from_json(table("service").unwrap(), obj.as_object().unwrap());
        assert!(errors.is_empty(), "{errors:?}");
        let back = Json::Object(rec.to_json());
        assert_eq!(back["minimum_age"], json!(18));
        assert_eq!(back["name"], json!("Walking group"));
        assert!(back.get("phones").is_none());
    }

    #[test]
    fn unknown_and_wrongly_typed_fields_are_reported() {
        let obj = json!({"id": "ac148810-d857-441c-9679-408f346de14b", "colour": "red", "minimum_age": "ten"});
        let (rec, errors) = Record::from_json(table("service").unwrap(), obj.as_object().unwrap());
        assert_eq!(errors.len(), 2);
        assert!(rec.get("minimum_age").is_none());
        assert_eq!(rec.missing_required(), vec!["name", "status"]);
    }
}
