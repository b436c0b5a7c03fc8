//! Real data in and standard data out: the Miami 211 package (HSDS 1.x, messy) imports with an
//! honest report, importing it again changes nothing, and what the directory exports validates
//! against the official HSDS 3.1 schemas.

use linkwork_domain::hsds::tree;
use linkwork_hsds::ReadOptions;

use crate::hsds_api::assert_valid;
use crate::support::TestDb;

pub fn miami() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/hsds/miami-211-hsds1")
}

async fn miami_imports_with_an_honest_report_and_again_changes_nothing(db: TestDb) {
    let store = db.store().await;
    let (batch, report) = linkwork_hsds::read(&miami(), &ReadOptions::default()).expect("Miami reads");
    let summary = store.write_batch(&batch).await.expect("Miami writes");
    assert_eq!(summary.counts["service"], 4089);
    assert_eq!(store.count("service").await.unwrap(), 4089);
    assert_eq!(store.count("organization").await.unwrap(), 1074);
    assert_eq!(store.count("attribute").await.unwrap(), 26259);
    let text = report.summary();
    assert!(text.contains("service refers to organization") && text.contains("x447"), "the 447 dangling organisations are reported:\n{text}");
    assert!(text.contains("9:00") || text.contains("HH:MM"), "messy times are reported");

    // Every exported service validates against the official compiled schema.
    let first = store.rows_after("service", None, 150).await.unwrap();
    let ids: Vec<String> = first.iter().filter_map(|r| r.id().map(str::to_string)).collect();
    let docs = store.load(&tree::SERVICE, &ids).await.unwrap();
    assert_eq!(docs.len(), 150);
    for d in &docs {
        assert_valid("service", d);
    }
    let before = docs[0].clone();

    // The same file again: nothing changes.
    let (batch2, _) = linkwork_hsds::read(&miami(), &ReadOptions::default()).unwrap();
    store.write_batch(&batch2).await.unwrap();
    assert_eq!(store.count("service").await.unwrap(), 4089);
    assert_eq!(store.count("language").await.unwrap(), batch.count("language") as u64);
    assert_eq!(store.get(&tree::SERVICE, &ids[0]).await.unwrap().unwrap(), before);
}

async fn a_tabular_export_matches_the_official_datapackage(db: TestDb) {
    let store = db.store().await;
    store.write_batch(&crate::fixtures::directory().batch).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut w = linkwork_hsds::TabularWriter::create(dir.path()).unwrap();
    for t in linkwork_domain::hsds::registry::TABLES {
        let rows = store.rows_after(t.name, None, 10_000).await.unwrap();
        w.table(t, &rows).unwrap();
    }
    w.finish().unwrap();
    let official: serde_json::Value = serde_json::from_slice(
        &std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/standards/hsds-3.1/datapackage.json")).unwrap(),
    )
    .unwrap();
    let services = std::fs::read_to_string(dir.path().join("services.csv")).unwrap();
    let header: Vec<&str> = services.lines().next().unwrap().split(',').collect();
    let resource = official["resources"].as_array().unwrap().iter().find(|r| r["name"] == "service").unwrap();
    let expected: Vec<&str> = resource["schema"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(header, expected, "services.csv has the official columns in order");
    assert_eq!(services.lines().count(), 4, "a header and three services");
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join("datapackage.json")).unwrap()).unwrap();
    assert!(written["resources"].as_array().unwrap().iter().any(|r| r["path"] == "services.csv"));
}

crate::on_both_databases!(
    miami_imports_with_an_honest_report_and_again_changes_nothing,
    a_tabular_export_matches_the_official_datapackage,
);
