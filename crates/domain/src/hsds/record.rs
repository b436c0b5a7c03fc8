//! A record: one row of one HSDS table, with its values parsed and normalised.

use serde_json::{Map, Value as Json};

use super::registry_types::{FieldDef, FieldType, TableDef};
use super::value::{parse_value_owned, FieldIssue, Value};

#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub table: &'static TableDef,
    /// One slot per field of the table, in the table's field order: reading or setting a field
    /// is an index, not a search, which import and storage do millions of times.
    values: Vec<Option<Value>>,
}

/// A problem with one field of a record, found while building it.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordError {
    pub field: String,
    pub issue: FieldIssue,
}

impl Record {
    pub fn new(table: &'static TableDef) -> Self {
        Record { table, values: vec![None; table.fields.len()] }
    }

    /// The slot of `field`, if the table has it. Callers mostly pass the registry's own names,
    /// so the same pointer is tried before comparing text.
    fn slot(&self, field: &str) -> Option<usize> {
        let fields = self.table.fields;
        fields
            .iter()
            .position(|f| std::ptr::eq(f.name.as_ptr(), field.as_ptr()) && f.name.len() == field.len())
            .or_else(|| fields.iter().position(|f| f.name == field))
    }

    /// The record's id (every HSDS table has one).
    pub fn id(&self) -> Option<&str> {
        match self.table.fields.first() {
            Some(f) if f.name == "id" => self.values[0].as_ref().and_then(Value::as_str),
            _ => self.get_str("id"),
        }
    }

    pub fn get(&self, field: &str) -> Option<&Value> {
        self.values[self.slot(field)?].as_ref()
    }

    pub fn get_str(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(Value::as_str)
    }

    pub fn get_f64(&self, field: &str) -> Option<f64> {
        self.get(field).and_then(Value::as_f64)
    }

    /// Sets an already-normalised value. Panics on a field the table does not have, which is a
    /// programming error, never a data error.
    pub fn set(&mut self, field: &str, value: Option<Value>) {
        let i = self.slot(field).unwrap_or_else(|| panic!("{} has no field {field}", self.table.name));
        self.values[i] = value;
    }

    pub fn set_text(&mut self, field: &str, value: impl Into<String>) {
        self.set(field, Some(Value::Text(value.into())));
    }

    /// Parses `raw` for `field` and sets it; returns what was wrong or repaired.
    pub fn set_raw(&mut self, field: &str, raw: &str) -> Option<RecordError> {
        self.set_raw_owned(field, raw.to_string())
    }

    /// [`Record::set_raw`] for text the caller no longer needs: clean text is kept as it is,
    /// without a copy.
    pub fn set_raw_owned(&mut self, field: &str, raw: String) -> Option<RecordError> {
        let i = self.slot(field)?;
        let def = &self.table.fields[i];
        let (value, issue) = parse_value_owned(def, raw);
        self.values[i] = value;
        issue.map(|issue| RecordError { field: def.name.to_string(), issue })
    }

    /// The fields that are set, in the table's field order.
    pub fn values(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.table.fields.iter().zip(&self.values).filter_map(|(f, v)| v.as_ref().map(|v| (f.name, v)))
    }

    /// Every field of the table, in order, with its value if set.
    pub fn slots(&self) -> impl Iterator<Item = (&'static FieldDef, Option<&Value>)> {
        self.table.fields.iter().zip(&self.values).map(|(f, v)| (f, v.as_ref()))
    }

    /// Required fields (by the JSON schema) that are missing.
    pub fn missing_required(&self) -> Vec<&'static str> {
        self.table.fields.iter().zip(&self.values).filter(|(f, v)| f.required && v.is_none()).map(|(f, _)| f.name).collect()
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
