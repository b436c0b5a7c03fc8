//! Reading and writing generic HSDS records, the same way on both databases.

use linkwork_domain::hsds::{FieldType, Record, TableDef, Value};
use sqlx::{ColumnIndex, Decode, Row, Type};

/// The quoted column list of a table, in registry order.
pub(crate) fn columns(table: &TableDef) -> String {
    table.fields.iter().map(|f| format!("\"{}\"", f.name)).collect::<Vec<_>>().join(", ")
}

/// Reads a row selected with [`columns`] into a record.
pub(crate) fn to_record<R: Row>(row: &R, table: &'static TableDef) -> Result<Record, sqlx::Error>
where
    usize: ColumnIndex<R>,
    for<'r> Option<String>: Decode<'r, R::Database>,
    Option<String>: Type<R::Database>,
    for<'r> Option<f64>: Decode<'r, R::Database>,
    Option<f64>: Type<R::Database>,
{
    let mut rec = Record::new(table);
    for (i, f) in table.fields.iter().enumerate() {
        let v = match f.ty {
            FieldType::Number => row.try_get::<Option<f64>, _>(i)?.map(Value::Number),
            _ => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
        };
        rec.set(f.name, v);
    }
    Ok(rec)
}

/// One bound parameter: typed even when NULL, because PostgreSQL needs the type.
#[derive(Clone, Debug)]
pub(crate) enum Param {
    Text(Option<String>),
    Number(Option<f64>),
}

pub(crate) fn params_of(rec: &Record) -> impl Iterator<Item = Param> + '_ {
    rec.slots().map(move |(f, v)| match (f.ty, v) {
        (FieldType::Number, Some(Value::Number(n))) => Param::Number(Some(*n)),
        (FieldType::Number, _) => Param::Number(None),
        (_, Some(Value::Text(s))) => Param::Text(Some(s.clone())),
        (_, Some(Value::Number(n))) => Param::Text(Some(n.to_string())),
        (_, None) => Param::Text(None),
    })
}

/// Binds params onto a sqlx query of either database.
macro_rules! bind_all {
    ($q:expr, $params:expr) => {{
        let mut q = $q;
        for p in $params {
            q = match p {
                $crate::rows::Param::Text(v) => q.bind(v),
                $crate::rows::Param::Number(v) => q.bind(v),
            };
        }
        q
    }};
}
pub(crate) use bind_all;
