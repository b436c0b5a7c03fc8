//! The search index follows the database: what any process writes shows in search within moments,
//! without a restart, and an index on disk survives a restart without being rebuilt.

use std::time::{Duration, Instant};

use linkwork_domain::search::SearchQuery;
use linkwork_web::Directory;
use serde_json::json;

use crate::fixtures;
use crate::support::{TestApp, TestDb};

async fn an_import_by_another_process_shows_in_search_without_a_restart(db: TestDb) {
    let app = TestApp::start(db).await;
    let (_, empty) = app.get_json("/services?search=choir").await;
    assert_eq!(empty["total_items"], json!(0));
    // Another connection writes, as `linkwork import` would from its own process.
    let other = app.db.store().await;
    other.write_batch(&fixtures::directory().batch).await.unwrap();
    let start = Instant::now();
    loop {
        let (_, page) = app.get_json("/services?search=choir").await;
        if page["total_items"] == json!(1) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "the follower did not pick the import up: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // An edit (the choir becomes free) is followed too.
    let f = fixtures::directory();
    let mut cost = f.batch.records.iter().find(|r| r.table.name == "cost_option" && r.get_str("service_id") == Some(f.choir.as_str())).unwrap().clone();
    cost.set_raw("amount", "0");
    other.write_batch(&linkwork_domain::hsds::Batch { records: vec![cost], source_ids: vec![] }).await.unwrap();
    let start = Instant::now();
    loop {
        let hits = app
            .state
            .directory
            .search(SearchQuery { text: Some("choir".into()), cost: Some(linkwork_domain::search::CostFilter::Free), ..Default::default() })
            .await
            .unwrap();
        if hits.total == 1 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "the edit was not followed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn an_index_on_disk_survives_a_restart(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let store = db.store().await;
    store.write_batch(&fixtures::directory().batch).await.unwrap();
    let first = Directory::new(store.clone(), Some(dir.path())).unwrap();
    assert_eq!(first.catch_up().await.unwrap(), 3);
    let seq = first.indexed_seq();
    assert!(seq > 0);
    drop(first);
    let again = Directory::new(store, Some(dir.path())).unwrap();
    assert_eq!(again.indexed_seq(), seq, "the applied position is kept with the index");
    assert_eq!(again.catch_up().await.unwrap(), 0, "nothing to re-index after a restart");
    let hits = again.search(SearchQuery { text: Some("walking".into()), ..Default::default() }).await.unwrap();
    assert_eq!(hits.total, 1);
}

crate::on_both_databases!(an_import_by_another_process_shows_in_search_without_a_restart, an_index_on_disk_survives_a_restart);
