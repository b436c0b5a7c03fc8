//! Research extracts through the API, on both databases: only an approved researcher takes one,
//! under their own approval in force, giving the reason; it holds only people who consented to
//! evaluation, with pseudonyms and no identities; every extract is registered with the hash of
//! what was handed over, and audited.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::observatory::seed;
use super::{s, Client, World};
use crate::on_both_databases;
use crate::support::TestDb;

fn approval(researcher: &str, expires_on: &str) -> Value {
    json!({
        "researcher": researcher,
        "study": "Loneliness outcomes 2026",
        "purpose": "Evaluation of the loneliness pathway under data-sharing agreement DSA-7",
        "expires_on": expires_on,
    })
}

fn fields(body: &Value) -> Vec<String> {
    body["errors"].as_array().unwrap_or(&vec![]).iter().map(|e| s(&e["field"]).to_string()).collect()
}

async fn extract_json(c: &Client, body: Value) -> (u16, Value) {
    let r = c
        .http
        .post(format!("{}/api/v1/research/extracts", c.base))
        .bearer_auth(c.token.as_ref().unwrap())
        .header("accept", "application/json")
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn extract_csv(c: &Client, body: Value) -> (reqwest::header::HeaderMap, String) {
    let r = c.http.post(format!("{}/api/v1/research/extracts", c.base)).bearer_auth(c.token.as_ref().unwrap()).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let h = r.headers().clone();
    (h, r.text().await.unwrap())
}

async fn only_approved_researchers_take_extracts_of_consenting_people(db: TestDb) {
    let w = World::new(db).await;
    seed(&w).await;
    let today = chrono::Utc::now().date_naive();
    let in_a_year = (today + chrono::Duration::days(365)).to_string();

    // Approving: only administrators; only accounts with the researcher role; a day ahead.
    assert_eq!(w.analyst.post("/api/v1/research/approvals", approval("researcher", &in_a_year)).await.status, 403);
    let r = w.admin.post("/api/v1/research/approvals", approval("analyst", &in_a_year)).await;
    assert_eq!((r.status, fields(&r.body)), (422, vec!["researcher".to_string()]), "{:#}", r.body);
    let r = w.admin.post("/api/v1/research/approvals", json!({ "researcher": "researcher", "study": "x", "purpose": "", "expires_on": "2020-01-01" })).await;
    assert_eq!(fields(&r.body), ["study", "purpose", "expires_on"], "{:#}", r.body);
    let a = w.admin.ok("/api/v1/research/approvals", approval("researcher", &in_a_year)).await;
    let approval_id = s(&a["id"]).to_string();
    assert_eq!(a["active"], true);

    // The researcher sees their approval; nobody else but administrators sees any.
    let mine = w.researcher.read("/api/v1/research/approvals").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(w.analyst.get("/api/v1/research/approvals").await.status, 403);
    assert_eq!(w.lw.get("/api/v1/research/extracts").await.status, 403);

    // Only the researcher takes extracts, and always says why.
    let ask = json!({ "approval_id": approval_id, "reason": "Interim analysis for the steering group", "from": "2020-01-01" });
    assert_eq!(w.analyst.post("/api/v1/research/extracts", ask.clone()).await.status, 403, "analysts see aggregates only");
    assert_eq!(w.admin.post("/api/v1/research/extracts", ask.clone()).await.status, 403, "administrators approve, they do not take");
    let (status, body) = extract_json(&w.researcher, json!({ "approval_id": approval_id, "reason": "", "from": "2020-01-01", "to": "2019-01-01" })).await;
    assert_eq!((status, fields(&body)), (422, vec!["reason".to_string(), "to".to_string()]), "{body:#}");
    let (status, body) = extract_json(&w.researcher, json!({ "approval_id": "no-such", "reason": "Interim analysis for the steering group" })).await;
    assert_eq!((status, fields(&body)), (422, vec!["approval_id".to_string()]), "{body:#}");

    let (status, x) = extract_json(&w.researcher, ask.clone()).await;
    assert_eq!(status, 201, "{x:#}");
    let columns: Vec<&str> = x["columns"].as_array().unwrap().iter().map(|c| s(c)).collect();
    let col = |name: &str| columns.iter().position(|c| *c == name).unwrap_or_else(|| panic!("no column {name} in {columns:?}"));
    let rows = x["rows"].as_array().unwrap();
    // 12 referred: person 0 never recorded consent to evaluation, person 1 withdrew it.
    assert_eq!(rows.len(), 10);
    assert_eq!(x["left_out"], json!({ "withdrawn_consent": 1, "no_consent_recorded": 1 }));
    let pseudonyms: BTreeSet<&str> = rows.iter().map(|r| s(&r[col("pseudonym")])).collect();
    assert_eq!(pseudonyms.len(), 10, "one pseudonym per person");
    // The seed's people 2 to 7 were assessed, and 2, 5, 8 and 11 were also referred for food.
    let assessed = rows.iter().filter(|r| !s(&r[col("days_to_assessment")]).is_empty()).count();
    assert_eq!(assessed, 6);
    let food = rows.iter().filter(|r| s(&r[col("needs")]) == "food;social_connection").count();
    assert_eq!(food, 4);
    let areas: BTreeSet<&str> = rows.iter().map(|r| s(&r[col("area")])).collect();
    assert_eq!(areas, BTreeSet::from(["North", "South"]));
    // Of those in it, people 2 and 3 were referred on, and 2 was accepted.
    let sum = |c: &str| rows.iter().map(|r| s(&r[col(c)]).parse::<u32>().unwrap()).sum::<u32>();
    assert_eq!((sum("onward_sent"), sum("onward_enrolled")), (2, 1));
    // Nothing that identifies anyone: no name, birth date, phone, record id or staff name.
    let text = x["rows"].to_string();
    for bad in ["Person", "Seeded", "-03-01", "01632", "lw\"", &w.lw.user_id] {
        assert!(!text.contains(bad), "{bad} in {text}");
    }

    // As CSV, the register keeps the hash of exactly what was handed over; pseudonyms differ
    // between extracts.
    let (h, csv) = extract_csv(&w.researcher, ask.clone()).await;
    assert!(h["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.starts_with("pseudonym,referral_month,age_band,"), "{csv}");
    assert_eq!(csv.lines().count(), 11);
    let id = h["linkwork-extract"].to_str().unwrap().to_string();
    let register = w.admin.read("/api/v1/research/extracts").await;
    let entry = register.as_array().unwrap().iter().find(|e| e["id"] == id.as_str()).unwrap();
    let sha: String = Sha256::digest(csv.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(entry["content_sha256"], sha.as_str());
    assert_eq!(entry["reason"], "Interim analysis for the steering group");
    assert_eq!(entry["episodes"], 10);
    assert_eq!(entry["requested_by"], "researcher");
    assert_eq!(register.as_array().unwrap().len(), 2, "both extracts are registered");
    let (_, again) = extract_csv(&w.researcher, ask.clone()).await;
    assert_ne!(csv, again, "a new extract numbers people afresh");

    // Audited: who read for which approval, and each extract taken.
    let log = w.admin.read("/api/v1/audit?entity=research_extract&per_page=100").await;
    let entries = log["contents"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{log:#}");
    assert!(entries.iter().all(|e| e["actor_name"] == "researcher" && e["action"] == "extract"), "{log:#}");
    assert!(entries.iter().any(|e| e["entity_id"] == id.as_str()));
    let reads = w.admin.read("/api/v1/audit?action=read_for_research&per_page=100").await;
    assert_eq!(reads["contents"].as_array().unwrap().len(), 3, "{reads:#}");

    // Revoked, the approval takes no more extracts.
    let r = w.admin.call(Method::POST, &format!("/api/v1/research/approvals/{approval_id}/revoke"), None, None).await;
    assert_eq!((r.status, &r.body["active"]), (200, &json!(false)), "{:#}", r.body);
    let (status, body) = extract_json(&w.researcher, ask).await;
    assert_eq!(status, 403, "{body:#}");
    assert!(s(&body["detail"]).contains("revoked"), "{body:#}");
    let r = w.admin.call(Method::POST, &format!("/api/v1/research/approvals/{approval_id}/revoke"), None, None).await;
    assert_eq!(r.status, 409);
}

on_both_databases!(only_approved_researchers_take_extracts_of_consenting_people);
