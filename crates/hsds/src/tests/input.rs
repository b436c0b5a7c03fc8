//! Input detection, streaming, progress, zip packages, strict mode and bad input: every error
//! names its file and line.

use super::common;

use std::fs;
use std::io::Cursor;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use linkwork_domain::hsds::tree;
use crate::{
    detect, open, open_json_reader, read, read_zip, write_ndjson, Action, InputKind, Nester,
    ReadError, ReadOptions, Severity, TabularWriter, ZipSink,
};
use serde_json::{json, Value as Json};

fn service(i: usize) -> Json {
    json!({
        "id": format!("svc-{i}"),
        "name": format!("Service {i}"),
        "status": "active",
        "organization": {"id": "org-1", "name": "Org", "description": "An organisation"},
        "phones": [{"number": format!("0161 000 {i:04}")}],
        "schedules": [{"freq": "WEEKLY", "byday": "MO", "opens_at": "9:00am", "closes_at": "17:00"}],
        "attributes": [{"taxonomy_term": {"id": "term-1", "name": "Walking", "description": "Walking groups"}}]
    })
}

#[test]
fn detects_kinds_of_input() {
    assert_eq!(detect(&common::miami()).unwrap(), InputKind::Directory);
    assert_eq!(
        detect(&common::miami().join("datapackage.json")).unwrap(),
        InputKind::DataPackage
    );
    assert_eq!(
        detect(&common::hsds().join("examples/service_full.json")).unwrap(),
        InputKind::Json
    );
    let dir = common::temp_dir("detect");
    let f = dir.join("data.txt");
    fs::write(&f, "hello, world\n").unwrap();
    let err = detect(&f).unwrap_err();
    assert!(
        err.to_string().contains("data.txt") && err.to_string().contains("not an HSDS input"),
        "{err}"
    );
    let nd = dir.join("services");
    fs::write(&nd, "{\"id\":\"1\",\"name\":\"x\",\"status\":\"active\"}\n").unwrap();
    assert_eq!(detect(&nd).unwrap(), InputKind::Ndjson);
    let misnamed = dir.join("services.json");
    fs::write(&misnamed, "{\"id\":\"1\",\"name\":\"x\",\"status\":\"active\"}\n{\"id\":\"2\",\"name\":\"y\",\"status\":\"active\"}\n").unwrap();
    assert_eq!(detect(&misnamed).unwrap(), InputKind::Ndjson);
    assert_eq!(
        read(&misnamed, &ReadOptions::default())
            .unwrap()
            .0
            .count("service"),
        2
    );
    assert_eq!(
        detect(&common::miami().join("data/services.csv")).unwrap(),
        InputKind::Csv
    );
}

#[test]
fn ndjson_streams_in_batches_with_stable_ids_and_progress() {
    let dir = common::temp_dir("ndjson");
    let path = dir.join("services.ndjson");
    let docs: Vec<Json> = (0..25).map(service).collect();
    write_ndjson(fs::File::create(&path).unwrap(), &docs).unwrap();
    let seen = Arc::new(AtomicU64::new(0));
    let s = seen.clone();
    let opts = ReadOptions {
        batch_size: 10,
        progress: Some(Arc::new(move |p: &crate::Progress| {
            s.store(p.rows_read, Ordering::Relaxed)
        })),
        ..Default::default()
    };
    let mut reader = open(&path, opts).unwrap();
    let batches: Vec<_> = reader.by_ref().map(Result::unwrap).collect();
    assert_eq!(batches.len(), 3);
    assert_eq!(
        batches.iter().map(|b| b.count("service")).sum::<usize>(),
        25
    );
    // The organization nested in every document is in every batch (it is upserted by id).
    assert!(batches.iter().all(|b| b.count("organization") == 1));
    assert_eq!(seen.load(Ordering::Relaxed), 25);
    let report = reader.into_report();
    assert_eq!(report.counts["service"].read, 25);
    assert!(report.format.contains("NDJSON"), "{}", report.format);
    // Made-up ids are stable: a phone without id gets the same id on every read.
    let (a, _) = read(&path, &ReadOptions::default()).unwrap();
    let (b, _) = read(&path, &ReadOptions::default()).unwrap();
    assert_eq!(a.records, b.records);
    assert_eq!(a.count("phone"), 25);
    assert_eq!(a.count("attribute"), 25);
    assert_eq!(a.count("taxonomy_term"), 1);
    let attr = a
        .records
        .iter()
        .find(|r| r.table.name == "attribute")
        .unwrap();
    assert_eq!(attr.get_str("link_entity"), Some("service"));
    assert!(attr.get_str("taxonomy_term_id").is_some());
    let sched = a
        .records
        .iter()
        .find(|r| r.table.name == "schedule")
        .unwrap();
    assert_eq!(sched.get_str("opens_at"), Some("09:00:00"));
    assert!(
        sched.get_str("service_id").is_some(),
        "the child's foreign key comes from its parent"
    );
}

#[test]
fn json_array_streams_and_reports_lines_and_pointers() {
    let dir = common::temp_dir("array");
    let path = dir.join("services.json");
    let mut docs: Vec<Json> = (0..5).map(service).collect();
    docs[3]["status"] = json!("open");
    docs[4]["name"] = Json::Null;
    let mut text = b"\n\n".to_vec();
    crate::write_json_array(&mut text, &docs).unwrap();
    fs::write(&path, text).unwrap();
    let opts = ReadOptions {
        batch_size: 2,
        ..Default::default()
    };
    let mut reader = open(&path, opts).unwrap();
    let batches: Vec<_> = reader.by_ref().map(Result::unwrap).collect();
    assert_eq!(batches.len(), 3);
    let report = reader.into_report();
    let bad_status = report
        .problems
        .iter()
        .find(|p| p.field.as_deref() == Some("status") && p.severity == Severity::Error)
        .unwrap();
    // Element 3 starts on line 7 (two blank lines, the array opens on line 3, one element per line).
    assert_eq!(bad_status.line, Some(7));
    assert_eq!(bad_status.pointer.as_deref(), Some("/3"));
    // A document whose status is invalid gets the safe default; one without a name is skipped.
    let skipped = report
        .problems
        .iter()
        .find(|p| p.action == Action::RowSkipped)
        .unwrap();
    assert_eq!(skipped.field.as_deref(), Some("name"));
    assert_eq!(skipped.line, Some(8));
    assert_eq!(report.counts["service"].skipped, 1);
}

#[test]
fn strict_mode_stops_at_the_first_error() {
    let dir = common::temp_dir("strict");
    let path = dir.join("services.ndjson");
    let mut docs: Vec<Json> = (0..3).map(service).collect();
    docs[1]["email"] = json!("not an email");
    write_ndjson(fs::File::create(&path).unwrap(), &docs).unwrap();
    let err = read(&path, &ReadOptions::strict()).unwrap_err();
    let ReadError::Strict(p) = &err else {
        panic!("{err}")
    };
    assert_eq!(p.line, Some(2));
    assert_eq!(p.field.as_deref(), Some("email"));
    // Not strict: reported and read on.
    let (batch, report) = read(&path, &ReadOptions::default()).unwrap();
    assert_eq!(batch.count("service"), 3);
    assert_eq!(report.errors().count(), 1);
}

#[test]
fn truncated_json_names_file_and_line() {
    let dir = common::temp_dir("truncated");
    let path = dir.join("services.json");
    let docs: Vec<Json> = (0..3).map(service).collect();
    let mut buf = Vec::new();
    crate::write_json_array(&mut buf, &docs).unwrap();
    buf.truncate(buf.len() - 40);
    fs::write(&path, &buf).unwrap();
    let err = read(&path, &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("services.json"), "{err}");
    assert_eq!(err.line(), Some(4), "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");

    // A single document cut short.
    let one = dir.join("one.json");
    fs::write(
        &one,
        "{\n  \"id\": \"1\",\n  \"name\": \"x\",\n  \"phones\": [\n",
    )
    .unwrap();
    let err = read(&one, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, ReadError::Json { .. }), "{err}");
    assert!(
        err.to_string().starts_with(&format!("{}:", one.display())),
        "{err}"
    );
    assert!(err.line().is_some_and(|l| l >= 4), "{err}");

    // NDJSON: a bad line is reported (and stops reading in strict mode).
    let nd = dir.join("bad.ndjson");
    fs::write(
        &nd,
        format!(
            "{}\n{{\"id\": \"2\", \"name\"\n{}\n",
            service(1),
            service(3)
        ),
    )
    .unwrap();
    let (batch, report) = read(&nd, &ReadOptions::default()).unwrap();
    assert_eq!(batch.count("service"), 2);
    let p = report.errors().next().unwrap();
    assert_eq!((p.line, p.action), (Some(2), Action::RowSkipped));
    let err = read(&nd, &ReadOptions::strict()).unwrap_err();
    assert_eq!(err.line(), Some(2));
}

#[test]
fn csv_with_wrong_column_count_names_file_and_line() {
    let dir = common::temp_dir("bad-csv");
    fs::write(
        dir.join("services.csv"),
        "id,name,status\nac148810-d857-441c-9679-408f346de14b,Walking group,active\nbd148810-d857-441c-9679-408f346de14b,Too,many,cells\n",
    )
    .unwrap();
    fs::write(dir.join("notes.csv"), "a,b\n1,2\n").unwrap();
    let (batch, report) = read(&dir, &ReadOptions::default()).unwrap();
    assert_eq!(batch.count("service"), 1);
    let p = report.errors().next().unwrap();
    assert_eq!(p.file, "services.csv");
    assert_eq!(p.line, Some(3));
    assert!(
        p.message.contains("4 cells") && p.message.contains("3 columns"),
        "{p}"
    );
    // The unknown file is reported, not silently ignored.
    assert!(report
        .problems
        .iter()
        .any(|p| p.file == "notes.csv" && p.action == Action::NotImported));
    let err = read(&dir, &ReadOptions::strict()).unwrap_err();
    assert_eq!((err.file(), err.line()), ("services.csv", Some(3)));

    let empty = common::temp_dir("no-csv");
    let err = read(&empty, &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("no CSV files"), "{err}");
}

#[test]
fn zip_packages_are_written_and_read() {
    let (a, _) = read(
        &common::hsds().join("examples/csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    let mut w = TabularWriter::new(ZipSink::new(Cursor::new(Vec::new())));
    for t in linkwork_domain::hsds::registry::TABLES {
        let recs: Vec<_> = a
            .records
            .iter()
            .filter(|r| r.table.name == t.name)
            .collect();
        if !recs.is_empty() {
            w.table(t, recs).unwrap();
        }
    }
    let bytes = w.finish().unwrap().into_inner();
    let (b, report) = read_zip(
        "export.zip",
        Cursor::new(bytes.clone()),
        &ReadOptions::default(),
    )
    .unwrap();
    assert!(report.format.contains("3.x"));
    assert_eq!(a.records.len(), b.records.len());
    let dir = common::temp_dir("zip");
    let path = dir.join("export.zip");
    fs::write(&path, bytes).unwrap();
    let (c, _) = read(&path, &ReadOptions::default()).unwrap();
    assert_eq!(b.records, c.records);
}

#[test]
fn reads_json_from_any_reader() {
    let docs: Vec<Json> = (0..3).map(service).collect();
    let text = serde_json::to_vec(&json!({"total_items": 3, "contents": docs})).unwrap();
    let reader = open_json_reader(
        "page.json",
        Cursor::new(text),
        false,
        None,
        ReadOptions::default(),
    )
    .unwrap();
    let (batch, _) = crate::collect(reader).unwrap();
    assert_eq!(batch.count("service"), 3);
    // And back: nested as the store would nest them.
    let nested = Nester::new(&batch.records).all(&tree::SERVICE, &batch.records);
    assert_eq!(nested.len(), 3);
    assert!(nested[0]["organization"]["name"] == "Org");
    assert_eq!(
        nested[0]["attributes"][0]["taxonomy_term"]["name"],
        "Walking"
    );
}

#[test]
fn readers_can_move_to_another_thread() {
    fn send<T: Send>() {}
    send::<crate::BatchReader>();
    send::<crate::Report>();
    send::<ReadError>();
}

#[test]
fn datapackage_resources_name_files_and_progress_knows_the_total() {
    let dir = common::temp_dir("resources");
    fs::create_dir_all(dir.join("data")).unwrap();
    fs::write(
        dir.join("datapackage.json"),
        r#"{"name": "x", "version": "3.1", "resources": [{"name": "service", "path": "data/svc.csv"}, {"name": "organization", "path": "data/orgs.csv"}]}"#,
    )
    .unwrap();
    fs::write(
        dir.join("data/svc.csv"),
        "id,organization_id,name,status\ns1,o1,Walks,active\ns2,o1,Talks,active\n",
    )
    .unwrap();
    fs::write(
        dir.join("data/orgs.csv"),
        "id,name,description,year_incorporated\no1,Org,An org,1999-04-01\n",
    )
    .unwrap();
    let last = Arc::new(std::sync::Mutex::new(None));
    let l = last.clone();
    let opts = ReadOptions {
        progress: Some(Arc::new(move |p: &crate::Progress| {
            *l.lock().unwrap() = Some(*p)
        })),
        ..Default::default()
    };
    let (batch, report) = read(&dir, &opts).unwrap();
    assert_eq!(batch.count("service"), 2);
    assert_eq!(batch.count("organization"), 1);
    assert!(batch
        .records
        .iter()
        .filter(|r| r.table.name == "service")
        .all(|r| r.get("organization_id").is_some()));
    let p = last.lock().unwrap().unwrap();
    assert_eq!((p.rows_read, p.total_rows), (3, Some(3)));
    let org = batch
        .records
        .iter()
        .find(|r| r.table.name == "organization")
        .unwrap();
    assert_eq!(org.get_f64("year_incorporated"), Some(1999.0));
    assert!(report
        .problems
        .iter()
        .any(|p| p.field.as_deref() == Some("year_incorporated")));
}

/// The 1-based line of the opening brace of the object in which `key` first appears.
fn line_of_object_holding(text: &str, key: &str) -> usize {
    let quoted = format!("\"{key}\"");
    let key_line = text.lines().position(|l| l.contains(&quoted)).unwrap();
    text.lines().take(key_line + 1).collect::<Vec<_>>().iter().rposition(|l| l.trim_end().ends_with('{')).unwrap() + 1
}

#[test]
fn problems_inside_pretty_printed_json_name_their_line() {
    let dir = common::temp_dir("pretty");
    let mut doc = service(1);
    doc["phones"] = json!([{"number": "1"}, {"number": "2", "extension": "ext 12"}]);
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let object_line = line_of_object_holding(&text, "extension");
    let one = dir.join("one.json");
    fs::write(&one, &text).unwrap();
    let (_, report) = read(&one, &ReadOptions::default()).unwrap();
    let p = report
        .problems
        .iter()
        .find(|p| p.field.as_deref() == Some("extension"))
        .unwrap();
    assert_eq!(p.pointer.as_deref(), Some("/phones/1"));
    assert_eq!(p.line, Some(object_line), "{p}");

    // The same document as the second element of a pretty-printed array.
    let arr = dir.join("many.json");
    let text = serde_json::to_string_pretty(&json!([service(0), doc])).unwrap();
    fs::write(&arr, &text).unwrap();
    let (_, report) = read(&arr, &ReadOptions::default()).unwrap();
    let p = report
        .problems
        .iter()
        .find(|p| p.field.as_deref() == Some("extension"))
        .unwrap();
    assert_eq!(p.pointer.as_deref(), Some("/1/phones/1"));
    assert_eq!(p.line, Some(line_of_object_holding(&text, "extension")), "{p}");
}
