//! The directory in the database: what goes in comes out, nested as HSDS documents; writes are
//! all-or-nothing; the change feed names what changed.

use linkwork_domain::hsds::tree;
use linkwork_store::ListFilter;
use serde_json::json;

use crate::fixtures;
use crate::support::TestDb;

async fn a_written_service_reads_back_fully_nested(db: TestDb) {
    let store = db.store().await;
    let f = fixtures::directory();
    store.write_batch(&f.batch).await.unwrap();
    let doc = store.get(&tree::SERVICE, &f.walking).await.unwrap().expect("the service");
    assert_eq!(doc["name"], json!("Tuesday walking group"));
    assert_eq!(doc["minimum_age"], json!(18));
    assert_eq!(doc["organization"]["name"], json!("Millbrook Ramblers"));
    assert_eq!(doc["schedules"][0]["opens_at"], json!("10:00"));
    assert_eq!(doc["service_at_locations"][0]["location"]["addresses"][0]["postal_code"], json!("MB1 1AA"));
    assert_eq!(doc["service_at_locations"][0]["location"]["accessibility"][0]["description"], json!("Step-free entrance and accessible toilet"));
    assert_eq!(doc["capacities"][0]["unit"]["name"], json!("places"));
    assert_eq!(doc["attributes"][0]["taxonomy_term"]["name"], json!("Walking"));
    assert_eq!(doc["languages"].as_array().unwrap().len(), 2);
    // Empty optional fields are left out, not null.
    assert!(doc.get("alternate_name").is_none());
    assert!(doc.get("funding").is_none());
    let food = store.get(&tree::SERVICE, &f.foodbank).await.unwrap().unwrap();
    assert_eq!(food["schedules"][0]["opens_at"], json!("09:00:00"), "9:00am is stored repaired");
}

async fn writing_the_same_batch_twice_changes_nothing(db: TestDb) {
    let store = db.store().await;
    let f = fixtures::directory();
    store.write_batch(&f.batch).await.unwrap();
    let before = store.get(&tree::SERVICE, &f.walking).await.unwrap();
    let counts_before = store.count("attribute").await.unwrap();
    store.write_batch(&f.batch).await.unwrap();
    assert_eq!(store.get(&tree::SERVICE, &f.walking).await.unwrap(), before);
    assert_eq!(store.count("attribute").await.unwrap(), counts_before);
    assert_eq!(store.count("service").await.unwrap(), 3);
}

async fn an_abandoned_or_failed_write_leaves_nothing_behind(db: TestDb) {
    let store = db.store().await;
    let f = fixtures::directory();
    let mut w = store.begin_directory_write().await.unwrap();
    w.write(&f.batch).await.unwrap();
    drop(w); // as if the process stopped half-way
    assert_eq!(store.count("service").await.unwrap(), 0);

    // A batch that breaks a reference half-way fails whole.
    let mut bad = f.batch.clone();
    let mut orphan = linkwork_domain::hsds::Record::new(linkwork_domain::hsds::table("phone").unwrap());
    orphan.set_text("id", linkwork_domain::Id::new().to_string());
    orphan.set_text("service_id", linkwork_domain::Id::new().to_string());
    orphan.set_text("number", "0");
    bad.records.push(orphan);
    assert!(store.write_batch(&bad).await.is_err());
    assert_eq!(store.count("service").await.unwrap(), 0);
    assert_eq!(store.count("organization").await.unwrap(), 0);
    assert_eq!(store.latest_change_seq().await.unwrap(), 0);
}

async fn lists_filter_by_taxonomy_descendants_organization_and_date(db: TestDb) {
    let store = db.store().await;
    let f = fixtures::directory();
    store.write_batch(&f.batch).await.unwrap();
    let by_parent = ListFilter { taxonomy_term_ids: vec![f.term_activity.clone()], ..Default::default() };
    assert_eq!(store.list_ids("service", &by_parent, 0, 10).await.unwrap().items, vec![f.walking.clone()]);
    let by_org = ListFilter { organization_id: Some(f.org.clone()), ..Default::default() };
    let page = store.list_ids("service", &by_org, 0, 10).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items, vec![f.choir.clone(), f.walking.clone()], "ordered by name");
    let recent = ListFilter { modified_after: Some("2026-05-01T00:00:00.000Z".into()), ..Default::default() };
    assert_eq!(store.list_ids("service", &recent, 0, 10).await.unwrap().total, 2);
    let by_tax = ListFilter { taxonomy_id: Some(f.taxonomy.clone()), ..Default::default() };
    assert_eq!(store.list_ids("service", &by_tax, 0, 10).await.unwrap().total, 2);
    let second_page = store.list_ids("service", &ListFilter::default(), 2, 2).await.unwrap();
    assert_eq!((second_page.total, second_page.items.len()), (3, 1));
}

async fn the_change_feed_names_services_touched_directly_and_through_their_sites(db: TestDb) {
    let store = db.store().await;
    let f = fixtures::directory();
    store.write_batch(&f.batch).await.unwrap();
    let first = store.changes_since(0, 1000).await.unwrap();
    assert!(!first.everything);
    assert_eq!(first.service_ids.len(), 3);
    // Renaming the town library touches the two services held there.
    let mut loc = f.batch.records.iter().find(|r| r.id() == Some(f.location_town.as_str())).unwrap().clone();
    loc.set_text("name", "Millbrook Community Library");
    let batch = linkwork_domain::hsds::Batch { records: vec![loc], source_ids: vec![] };
    store.write_batch(&batch).await.unwrap();
    let next = store.changes_since(first.last_seq, 1000).await.unwrap();
    let mut expected = vec![f.walking.clone(), f.choir.clone()];
    expected.sort();
    assert_eq!(next.service_ids, expected);
}

crate::on_both_databases!(
    a_written_service_reads_back_fully_nested,
    writing_the_same_batch_twice_changes_nothing,
    an_abandoned_or_failed_write_leaves_nothing_behind,
    lists_filter_by_taxonomy_descendants_organization_and_date,
    the_change_feed_names_services_touched_directly_and_through_their_sites,
);
