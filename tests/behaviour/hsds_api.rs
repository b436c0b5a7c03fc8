//! The HSDS 3.1 API as another system sees it: the standard's paths, parameters, page envelope
//! and documents (validated against the official compiled schemas), open to every origin.

use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::fixtures;
use crate::support::{TestApp, TestDb};

fn shared() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/standards/hsds-3.1/schema/compiled")
}

fn validator(name: &str) -> &'static jsonschema::Validator {
    static SERVICE: OnceLock<jsonschema::Validator> = OnceLock::new();
    static ORGANIZATION: OnceLock<jsonschema::Validator> = OnceLock::new();
    static SAL: OnceLock<jsonschema::Validator> = OnceLock::new();
    let cell = match name {
        "service" => &SERVICE,
        "organization" => &ORGANIZATION,
        _ => &SAL,
    };
    cell.get_or_init(|| {
        let schema: Value = serde_json::from_slice(&std::fs::read(shared().join(format!("{name}.json"))).expect("the official compiled schema")).unwrap();
        jsonschema::validator_for(&schema).expect("the schema compiles")
    })
}

pub fn assert_valid(name: &str, doc: &Value) {
    let errors: Vec<String> = validator(name).iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "{name} document does not validate: {errors:#?}\n{doc:#}");
}

async fn app_with_fixture(db: TestDb) -> (TestApp, fixtures::Fixture) {
    let app = TestApp::start(db).await;
    let f = fixtures::directory();
    app.store().write_batch(&f.batch).await.unwrap();
    app.sync_index().await;
    (app, f)
}

async fn root_says_what_the_api_is_and_allows_every_origin(db: TestDb) {
    let (app, _) = app_with_fixture(db).await;
    let r = app.http.get(app.url("/")).header("Origin", "https://example.org").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["version"], json!("3.1"));
    assert!(body["openapi_url"].as_str().unwrap().starts_with("https://"));
    // A browser asking for a page is sent to the directory instead.
    let r = app.http.get(app.url("/")).header("Accept", "text/html").send().await.unwrap();
    assert_eq!(r.url().path(), "/directory");
}

async fn services_come_in_pages_with_the_standard_envelope(db: TestDb) {
    let (app, f) = app_with_fixture(db).await;
    let (status, page) = app.get_json("/services?per_page=2").await;
    assert_eq!(status, 200);
    assert_eq!(page["total_items"], json!(3));
    assert_eq!(page["total_pages"], json!(2));
    assert_eq!(page["page_number"], json!(1));
    assert_eq!(page["size"], json!(2));
    assert_eq!(page["first_page"], json!(true));
    assert_eq!(page["last_page"], json!(false));
    assert_eq!(page["empty"], json!(false));
    let (_, page2) = app.get_json("/services?per_page=2&page=2").await;
    assert_eq!(page2["contents"][0]["name"], json!("Tuesday walking group"));
    assert_eq!(page2["last_page"], json!(true));
    for item in page["contents"].as_array().unwrap().iter().chain(page2["contents"].as_array().unwrap()) {
        assert_valid("service", item);
    }
    let (_, by_org) = app.get_json(&format!("/services?organization_id={}", f.org)).await;
    assert_eq!(by_org["total_items"], json!(2));
    let (_, by_term) = app.get_json(&format!("/services?taxonomy_term_id={}", f.term_activity)).await;
    assert_eq!(by_term["contents"][0]["id"], json!(f.walking));
    let (_, recent) = app.get_json("/services?modified_after=2026-05-01T00:00:00Z").await;
    assert_eq!(recent["total_items"], json!(2));
    let (_, minimal) = app.get_json("/services?minimal=true").await;
    assert_eq!(minimal["contents"][0].as_object().unwrap().keys().collect::<Vec<_>>(), vec!["id", "last_modified"]);
}

async fn a_service_is_fully_nested_and_valid(db: TestDb) {
    let (app, f) = app_with_fixture(db).await;
    let (status, doc) = app.get_json(&format!("/services/{}", f.walking)).await;
    assert_eq!(status, 200);
    assert_valid("service", &doc);
    assert_eq!(doc["service_at_locations"][0]["location"]["name"], json!("Millbrook Library"));
    assert_eq!(doc["cost_options"][0]["amount"], json!(0));
    let (status, org) = app.get_json(&format!("/organizations/{}", f.org)).await;
    assert_eq!(status, 200);
    assert_valid("organization", &org);
    assert_eq!(org["services"].as_array().unwrap().len(), 2);
    let (status, sal) = app.get_json("/service_at_locations?per_page=10").await;
    assert_eq!(status, 200);
    let id = sal["contents"][0]["id"].as_str().unwrap().to_string();
    let (_, one) = app.get_json(&format!("/service_at_locations/{id}")).await;
    assert_valid("service_at_location", &one);
}

async fn search_is_tolerant_of_typos(db: TestDb) {
    let (app, f) = app_with_fixture(db).await;
    let (_, page) = app.get_json("/services?search=walkng").await;
    assert_eq!(page["total_items"], json!(1), "{page:#}");
    assert_eq!(page["contents"][0]["id"], json!(f.walking));
    let (_, none) = app.get_json("/services?search=skydiving").await;
    assert_eq!(none["empty"], json!(true));
}

async fn taxonomy_terms_by_level_and_parent(db: TestDb) {
    let (app, f) = app_with_fixture(db).await;
    let (_, top) = app.get_json("/taxonomy_terms?top_only=true").await;
    let names: Vec<&str> = top["contents"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Food", "Physical activity"]);
    let (_, kids) = app.get_json(&format!("/taxonomy_terms?parent_id={}", f.term_activity)).await;
    assert_eq!(kids["contents"][0]["id"], json!(f.term_walking));
    let (_, taxonomies) = app.get_json("/taxonomies").await;
    assert_eq!(taxonomies["total_items"], json!(1));
}

async fn sites_near_a_postcode(db: TestDb) {
    let (app, _) = app_with_fixture(db).await;
    // The village is 10 km north of the town.
    let (status, near) = app.get_json("/service_at_locations?postcode=MB1%201AA&proximity=2000").await;
    assert_eq!(status, 200, "{near:#}");
    assert_eq!(near["total_items"], json!(2));
    let (_, wide) = app.get_json("/service_at_locations?postcode=MB11AA&proximity=20000").await;
    assert_eq!(wide["total_items"], json!(3));
    let (_, exact) = app.get_json("/service_at_locations?postcode=MB9%209ZZ").await;
    assert_eq!(exact["total_items"], json!(1));
}

async fn ndjson_streams_every_result(db: TestDb) {
    let (app, _) = app_with_fixture(db).await;
    let r = app.http.get(app.url("/services?format=ndjson&full=true")).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/x-ndjson");
    let text = r.text().await.unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    for l in &lines {
        assert_valid("service", l);
    }
}

async fn mistakes_get_problem_details_naming_the_parameter(db: TestDb) {
    let (app, _) = app_with_fixture(db).await;
    let r = app.http.get(app.url("/services?per_page=lots")).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], json!(400));
    assert_eq!(body["errors"][0]["field"], json!("per_page"));
    let (status, body) = app.get_json("/services/not-a-uuid").await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (400, json!("id")));
    let (status, body) = app.get_json(&format!("/services/{}", linkwork_domain::Id::new())).await;
    assert_eq!(status, 404);
    assert_eq!(body["title"], json!("Not found"));
    let (status, _) = app.get_json("/service_at_locations?proximity=500").await;
    assert_eq!(status, 400);
    let (status, _) = app.get_json("/services?modified_after=yesterday").await;
    assert_eq!(status, 400);
}

crate::on_both_databases!(
    root_says_what_the_api_is_and_allows_every_origin,
    services_come_in_pages_with_the_standard_envelope,
    a_service_is_fully_nested_and_valid,
    search_is_tolerant_of_typos,
    taxonomy_terms_by_level_and_parent,
    sites_near_a_postcode,
    ndjson_streams_every_result,
    mistakes_get_problem_details_naming_the_parameter,
);
