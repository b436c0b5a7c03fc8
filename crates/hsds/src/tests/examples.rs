//! The official HSDS 3.1 examples: read, written as CSV and JSON, read again, same records; and
//! what we write validates against the official datapackage.json and compiled JSON schemas.

use super::common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use linkwork_domain::hsds::registry::TABLES;
use linkwork_domain::hsds::tree::{self, Node};
use linkwork_domain::hsds::{Batch, Record};
use crate::{
    read, write_json_array, write_ndjson, DirSink, Nester, ReadOptions, Severity, TabularWriter,
};
use serde_json::Value as Json;

/// Records sorted by (table order, id), for comparing inputs read in different orders.
fn sorted(batch: &Batch) -> Vec<Record> {
    let mut v = batch.records.clone();
    v.sort_by(|a, b| {
        a.table
            .order()
            .cmp(&b.table.order())
            .then(a.id().cmp(&b.id()))
    });
    v
}

fn assert_same(a: &[Record], b: &[Record], what: &str) {
    let key = |r: &Record| format!("{} {}", r.table.name, r.id().unwrap_or_default());
    let ka: Vec<String> = a.iter().map(key).collect();
    let kb: Vec<String> = b.iter().map(key).collect();
    assert_eq!(ka, kb, "{what}: the same rows");
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x, y, "{what}: {} {:?}", x.table.name, x.id());
    }
}

/// Writes every table of the batch as a CSV package.
fn write_package(batch: &Batch, dir: &Path) {
    let mut w = TabularWriter::new(DirSink::new(dir).unwrap());
    assert_eq!(w.batch(batch).unwrap(), batch.records.len());
    w.finish().unwrap();
}

#[test]
fn official_csv_example_round_trips_through_csv() {
    let (a, report) = read(
        &common::hsds().join("examples/csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    println!("{}", report.summary());
    assert!(report.format.contains("3.x"), "{}", report.format);
    for t in TABLES {
        assert_eq!(a.count(t.name), 1, "one {} row in the example", t.name);
    }
    assert!(a.source_ids.is_empty(), "the example's ids are UUIDs");
    let dir = common::temp_dir("csv-round-trip");
    write_package(&a, &dir);
    let (b, report_b) = read(&dir, &ReadOptions::default()).unwrap();
    assert!(report_b.format.contains("3.x"));
    assert_same(&sorted(&a), &sorted(&b), "examples/csv");
    // Writing what was read back gives the same bytes.
    let dir2 = common::temp_dir("csv-round-trip-2");
    write_package(&b, &dir2);
    for t in TABLES {
        assert_eq!(
            fs::read(dir.join(t.path)).unwrap(),
            fs::read(dir2.join(t.path)).unwrap(),
            "{}",
            t.path
        );
    }
}

/// The node to nest a file's documents with, by the kind of its first object.
fn node_for(path: &Path) -> &'static Node {
    let name = path.file_name().unwrap().to_str().unwrap();
    match name {
        n if n.starts_with("organization") => &tree::ORGANIZATION,
        n if n.starts_with("service_at_location") => &tree::SERVICE_AT_LOCATION,
        n if n.starts_with("service") => &tree::SERVICE,
        n if n.starts_with("location") => &tree::LOCATION,
        n if n.starts_with("taxonomy_term") => &tree::TAXONOMY_TERM,
        n if n.starts_with("taxonomy") => &tree::TAXONOMY,
        _ => unreachable!("{name}"),
    }
}

#[test]
fn official_json_examples_round_trip_through_json_and_csv() {
    let dir = common::hsds().join("examples");
    let mut n = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        if name == "base.json" {
            let err = read(&path, &ReadOptions::default()).unwrap_err();
            assert!(err.to_string().contains("API root"), "{err}");
            continue;
        }
        let (a, report) =
            read(&path, &ReadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let errors: Vec<_> = report
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        println!("{name}: {} records; {}", a.records.len(), report.format);
        for p in &report.problems {
            println!("  {p}");
        }
        assert!(!a.records.is_empty(), "{name}");

        // CSV round trip.
        let out = common::temp_dir(&format!("json-csv-{name}"));
        write_package(&a, &out);
        let (b, _) = read(&out, &ReadOptions::default()).unwrap();
        assert_same(&sorted(&a), &sorted(&b), &format!("{name} via CSV"));

        // JSON round trip (tabular.json is a table package, not documents).
        if name != "tabular.json" {
            let node = node_for(&path);
            let nester = Nester::new(&a.records);
            let docs = nester.all(node, &a.records);
            assert!(!docs.is_empty(), "{name}");
            let file = out.join("docs.json");
            write_json_array(fs::File::create(&file).unwrap(), &docs).unwrap();
            let (c, _) = read(&file, &ReadOptions::default()).unwrap();
            let nd = out.join("docs.ndjson");
            write_ndjson(fs::File::create(&nd).unwrap(), &docs).unwrap();
            let (d, _) = read(&nd, &ReadOptions::default()).unwrap();
            assert_same(&sorted(&c), &sorted(&d), &format!("{name} JSON vs NDJSON"));
            // Rows not reachable from the documents' root (e.g. a taxonomy's other terms) cannot
            // come back; everything that was nested must come back unchanged.
            let back: BTreeMap<(String, String), &Record> = c
                .records
                .iter()
                .map(|r| ((r.table.name.to_string(), r.id().unwrap().to_string()), r))
                .collect();
            for r in &a.records {
                if let Some(x) = back.get(&(r.table.name.to_string(), r.id().unwrap().to_string()))
                {
                    assert_eq!(*x, r, "{name} via JSON: {}", r.table.name);
                }
            }
            if node.table == "service" || node.table == "organization" {
                assert_same(&sorted(&a), &sorted(&c), &format!("{name} via JSON"));
            }
        }
        let _ = errors;
        n += 1;
    }
    assert!(n >= 10, "{n} example files");
}

/// Checks a written CSV package against the official datapackage.json: file names, headers and
/// the type, format, required and enum constraints of every cell.
fn validate_package(dir: &Path, check_required: bool, removed: &[(String, String)]) -> Vec<String> {
    let official: Json =
        serde_json::from_slice(&fs::read(common::hsds().join("datapackage.json")).unwrap())
            .unwrap();
    let ours: Json =
        serde_json::from_slice(&fs::read(dir.join("datapackage.json")).unwrap()).unwrap();
    let mut errors = Vec::new();
    for res in ours["resources"].as_array().unwrap() {
        let name = res["name"].as_str().unwrap();
        // Where the official file describes the table completely, hold us to it.
        let spec = official["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["name"] == name
                    && !r["schema"]["fields"].as_array().unwrap().is_empty()
                    && name != "service_capacity"
            })
            .unwrap_or(res);
        assert_eq!(spec["path"], res["path"], "{name}");
        let fields = spec["schema"]["fields"].as_array().unwrap();
        let mut rdr = csv::Reader::from_path(dir.join(res["path"].as_str().unwrap())).unwrap();
        let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        let expected: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(header, expected, "{name}: header");
        for (i, row) in rdr.records().enumerate() {
            let row = row.unwrap();
            for (cell, f) in row.iter().zip(fields) {
                let fname = f["name"].as_str().unwrap();
                let at = format!("{name}.csv line {} {fname}='{cell}'", i + 2);
                if cell.is_empty() {
                    let was_removed = removed.iter().any(|(file, field)| {
                        file == res["path"].as_str().unwrap() && field == fname
                    });
                    if check_required && f["constraints"]["required"] == true && !was_removed {
                        errors.push(format!("{at}: required"));
                    }
                    continue;
                }
                let ok = match (f["type"].as_str().unwrap(), f["format"].as_str()) {
                    ("string", Some("uuid")) => {
                        uuid::Uuid::parse_str(cell).is_ok() && cell.len() == 36
                    }
                    ("string", Some("email")) => cell.contains('@'),
                    ("string", Some("uri")) => cell.contains(':'),
                    ("string", _) => true,
                    ("number", _) => cell.parse::<f64>().is_ok() && !cell.ends_with(".0"),
                    ("integer", _) => cell.parse::<i64>().is_ok(),
                    ("date", _) => chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d").is_ok(),
                    ("datetime", _) => chrono::DateTime::parse_from_rfc3339(cell).is_ok(),
                    ("time", _) => chrono::NaiveTime::parse_from_str(cell, "%H:%M:%S").is_ok(),
                    (other, _) => panic!("{name}.{fname}: type {other}"),
                };
                if !ok {
                    errors.push(format!("{at}: not a valid {}", f["type"]));
                }
                if let Some(allowed) = f["constraints"]["enum"].as_array() {
                    if !allowed.iter().any(|a| a == cell) {
                        errors.push(format!("{at}: not one of {allowed:?}"));
                    }
                }
            }
        }
    }
    errors
}

#[test]
fn written_csv_packages_validate_against_the_official_datapackage() {
    let (a, report) = read(
        &common::hsds().join("examples/csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    // The example's tables are independent samples: references between them do not resolve and
    // are removed on reading (reported), which may leave a tabular-required column empty.
    let removed: Vec<(String, String)> = report
        .problems
        .iter()
        .filter(|p| p.action == crate::Action::ReferenceRemoved)
        .map(|p| (p.file.clone(), p.field.clone().unwrap()))
        .collect();
    let dir = common::temp_dir("validate-examples");
    write_package(&a, &dir);
    let errors = validate_package(&dir, true, &removed);
    assert!(errors.is_empty(), "{errors:#?}");

    // The upgraded Miami package: every value has the right type (required columns such as a
    // service's organization_id can be empty where the publisher's reference was dangling).
    let (m, _) = read(&common::miami(), &ReadOptions::default()).unwrap();
    let dir = common::temp_dir("validate-miami");
    write_package(&m, &dir);
    let errors = validate_package(&dir, false, &[]);
    assert!(errors.is_empty(), "{:#?}", &errors[..errors.len().min(20)]);
    let (again, _) = read(&dir, &ReadOptions::default()).unwrap();
    assert_same(&sorted(&m), &sorted(&again), "Miami via CSV");
    let _ = fs::remove_dir_all(&dir);
}

fn service_validator() -> jsonschema::Validator {
    let schema: Json = serde_json::from_slice(
        &fs::read(common::hsds().join("schema/compiled/service.json")).unwrap(),
    )
    .unwrap();
    // The compiled schemas declare no $schema. They are the schemas of an OpenAPI 3.1 API
    // (schema/openapi.json), whose schema dialect is JSON Schema draft 2020-12: say so rather
    // than rely on the crate's default.
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the compiled service schema compiles")
}

fn schema_errors(v: &jsonschema::Validator, doc: &Json) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
fn written_json_documents_validate_against_the_compiled_service_schema() {
    let v = service_validator();
    let (a, _) = read(
        &common::hsds().join("examples/service_full.json"),
        &ReadOptions::default(),
    )
    .unwrap();
    let docs = Nester::new(&a.records).all(&tree::SERVICE, &a.records);
    assert_eq!(docs.len(), 1);
    let dir = common::temp_dir("schema");
    let file = dir.join("services.json");
    write_json_array(fs::File::create(&file).unwrap(), &docs).unwrap();
    let written: Json = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    for d in written.as_array().unwrap() {
        let errors = schema_errors(&v, d);
        assert!(errors.is_empty(), "{errors:#?}");
    }

    // Upgraded Miami services, nested as the store would export them.
    let (m, _) = read(&common::miami(), &ReadOptions::default()).unwrap();
    let nester = Nester::new(&m.records);
    let mut checked = 0;
    for r in m
        .records
        .iter()
        .filter(|r| r.table.name == "service")
        .step_by(40)
    {
        let doc = Json::Object(nester.nest(&tree::SERVICE, r));
        let errors = schema_errors(&v, &doc);
        assert!(errors.is_empty(), "service {:?}: {errors:#?}", r.id());
        checked += 1;
    }
    assert!(checked > 100);
}

#[test]
fn written_organization_documents_validate_against_the_compiled_organization_schema() {
    let schema: Json = serde_json::from_slice(
        &fs::read(common::hsds().join("schema/compiled/organization.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the compiled organization schema compiles");
    let (a, _) = read(
        &common::hsds().join("examples/organization_full.json"),
        &ReadOptions::default(),
    )
    .unwrap();
    let docs = Nester::new(&a.records).all(&tree::ORGANIZATION, &a.records);
    assert_eq!(docs.len(), 1);
    let errors = schema_errors(&v, &docs[0]);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn packages_can_be_written_batch_by_batch() {
    let (a, _) = read(
        &common::hsds().join("examples/csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    // Records of many tables, in chunks, as a generator or an export paging through a database
    // would hand them over.
    let dir = common::temp_dir("by-batch");
    let mut w = TabularWriter::create(&dir).unwrap();
    for chunk in a.records.chunks(5) {
        w.write_records(chunk).unwrap();
    }
    assert_eq!(w.counts().values().sum::<usize>(), a.records.len());
    w.finish().unwrap();
    let (b, _) = read(&dir, &ReadOptions::default()).unwrap();
    assert_same(&sorted(&a), &sorted(&b), "batch by batch");

    let zip = common::temp_dir("by-batch-zip").join("package.zip");
    let mut w = TabularWriter::create_zip(&zip).unwrap();
    for chunk in a.records.rchunks(7) {
        w.write_records(chunk).unwrap();
    }
    w.finish().unwrap();
    let (c, _) = read(&zip, &ReadOptions::default()).unwrap();
    assert_same(&sorted(&a), &sorted(&c), "zip batch by batch");
}
