//! Hostile and mistaken input: a clear 4xx naming the field, nothing stored half-way, nothing
//! executed; duplicates and full services warned about; concurrent edits never lost.

use reqwest::Method;
use serde_json::json;

use super::{s, World};
use crate::on_both_databases;
use crate::support::TestDb;

async fn count_people(w: &World, q: &str) -> usize {
    w.lw.read(&format!("/api/v1/people?q={q}")).await.as_array().unwrap().len()
}

async fn hostile_input_gets_a_clear_4xx_and_stores_nothing_half_way(db: TestDb) {
    let w = World::new(db).await;
    let gp = &w.gp;
    // A body over the limit.
    // A body over the limit is refused from its declared length, before it is read: the request
    // is written by hand so that the answer can be read without sending 2 MiB first (a client
    // still writing when the server closes would see a reset instead of the answer).
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut sock = tokio::net::TcpStream::connect(w.app.addr).await.unwrap();
        let head = format!(
            "POST /api/v1/referrals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            gp.token.as_ref().unwrap(),
            2 * 1024 * 1024
        );
        sock.write_all(head.as_bytes()).await.unwrap();
        let mut buf = vec![0u8; 4096];
        let n = sock.read(&mut buf).await.unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]).to_string();
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.to_lowercase().contains("content-type: application/problem+json"), "{answer}");
    }
    // A method the address does not take.
    let r = gp.call(Method::DELETE, "/api/v1/referrals", None, None).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.body["status"], 405);
    // Not JSON at all, or the wrong content type.
    let r = gp.http.post(format!("{}/api/v1/referrals", gp.base)).bearer_auth(gp.token.as_ref().unwrap()).body("name=x").send().await.unwrap();
    assert_eq!(r.status(), 415);
    // Wrong types: the field is named by its path.
    let r = gp.post("/api/v1/referrals", json!({ "person": { "given_name": 42 }, "referral": {}, "consent_to_support": true, "consent_method": "verbal" })).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["errors"][0]["field"], "person.given_name", "{:#}", r.body);
    assert_eq!(r.headers.get("content-type").unwrap(), "application/problem+json");
    // Unknown fields are refused rather than silently dropped.
    let r = gp.post("/api/v1/referrals", json!({ "person": { "given_name": "A", "nhs_numbr": "1" }, "referral": { "source": "gp", "reasons": ["food"], "urgency": "routine" }, "consent_to_support": true, "consent_method": "verbal" })).await;
    assert_eq!(r.status, 400);
    assert!(s(&r.body["detail"]).contains("nhs_numbr"), "{:#}", r.body);
    // Every rule broken at once is reported at once, and nothing is stored.
    let r = gp
        .post(
            "/api/v1/referrals",
            json!({
                "person": { "given_name": "Half", "family_name": "Way", "birth_date": "31/02/1950", "email": "not-an-email" },
                "referral": { "source": "gp", "reasons": ["food", "astrology"], "urgency": "urgent", "safeguarding": true },
                "consent_to_support": false,
                "consent_method": "verbal"
            }),
        )
        .await;
    assert_eq!(r.status, 422, "{:#}", r.body);
    let fields: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| s(&e["field"])).collect();
    for f in ["consent_to_support", "referral.reasons.1", "referral.risks", "person.birth_date", "person.email"] {
        assert!(fields.contains(&f), "{f} not named in {fields:?}");
    }
    assert_eq!(count_people(&w, "half").await, 0, "a refused referral stores no person");
    // A referral that fails in the store (open episode already) leaves no second person or consent.
    let ep = w.refer("Once", "Only").await;
    let r = w.lw.post("/api/v1/referrals", json!({ "person_id": ep["person_id"], "referral": { "source": "nurse", "reasons": ["food"], "urgency": "routine" }, "consent_to_support": true, "consent_method": "verbal" })).await;
    assert_eq!(r.status, 409);
    let consents = w.lw.read(&format!("/api/v1/people/{}/consents", s(&ep["person_id"]))).await;
    assert_eq!(consents.as_array().unwrap().len(), 1, "the refused referral recorded no consent");

    // Script and SQL metacharacters are data: stored and returned exactly, never run.
    let evil = "<script>alert('x')</script> Robert'); DROP TABLE person;--";
    let ep = w
        .gp
        .ok(
            "/api/v1/referrals",
            json!({ "person": { "given_name": evil, "family_name": "O'Brien" }, "referral": { "source": "gp", "reasons": ["food"], "urgency": "routine", "details": evil }, "consent_to_support": true, "consent_method": "verbal" }),
        )
        .await;
    let e = w.lw.read(&format!("/api/v1/episodes/{}", s(&ep["id"]))).await;
    assert_eq!(e["referral"]["details"], evil);
    assert!(e["person_name"].as_str().unwrap().starts_with("<script>"));
    assert_eq!(count_people(&w, "o'brien").await, 1, "a quote in a search is just a letter");
    assert_eq!(count_people(&w, "%25%25").await, 0, "a LIKE wildcard is just a letter");
    assert!(count_people(&w, "once").await == 1, "the person table is still there");
    // Malformed ids in the path.
    for path in ["/api/v1/people/1'%20OR%20'1'='1", "/api/v1/episodes/not-an-id"] {
        let r = w.lw.get(path).await;
        assert_eq!(r.status, 400, "{path}");
        assert_eq!(r.body["errors"][0]["field"], "id");
    }
    // Control characters in text.
    let r = w.lw.post(&format!("/api/v1/episodes/{}/notes", s(&ep["id"])), json!({ "body": "bell\u{7}" })).await;
    assert_eq!(r.status, 422);
}

async fn concurrent_edits_are_never_lost(db: TestDb) {
    let w = World::new(db).await;
    let ep = w.refer("Vera", "Version").await;
    let pid = s(&ep["person_id"]);
    let path = format!("/api/v1/people/{pid}");
    let a = w.lw.get(&path).await;
    let b = w.lw.get(&path).await;
    assert_eq!(a.etag(), b.etag());
    let mut first = a.body["details"].clone();
    first["phone"] = json!("01632 960 111");
    let mut second = b.body["details"].clone();
    second["email"] = json!("vera@example.org");
    let r1 = w.lw.call(Method::PUT, &path, Some(first), Some(&a.etag())).await;
    assert_eq!(r1.status, 200, "{:#}", r1.body);
    let r2 = w.lw.call(Method::PUT, &path, Some(second.clone()), Some(&b.etag())).await;
    assert_eq!(r2.status, 412, "the second editor is told, not overwritten: {:#}", r2.body);
    assert_eq!(w.lw.read(&path).await["details"]["phone"], "01632 960 111");
    let r3 = w.lw.call(Method::PUT, &path, Some(second), None).await;
    assert_eq!(r3.status, 428, "a write must say which version it changes");
    // Episodes: an assessment against an old version is refused too.
    let eid = s(&ep["id"]);
    w.lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "contacted", "accepted": true })).await;
    let old = w.lw.get(&format!("/api/v1/episodes/{eid}")).await.etag();
    w.lw.ok(&format!("/api/v1/episodes/{eid}/notes"), json!({ "body": "notes do not move the version" })).await;
    w.lw.ok(&format!("/api/v1/episodes/{eid}/goals"), json!({ "description": "a goal does" })).await;
    let r = w.lw.call(Method::PUT, &format!("/api/v1/episodes/{eid}/assessment"), Some(json!({ "what_matters": "x" })), Some(&old)).await;
    assert_eq!(r.status, 412);
}

async fn likely_duplicates_and_full_services_warn_first(db: TestDb) {
    let w = World::new(db).await;
    w.refer("Ana", "Lopez").await;
    // The same name and birth date: 409 with the candidate.
    let body = json!({ "details": { "given_name": "ana", "family_name": "LOPEZ", "birth_date": "1948-05-17" } });
    let r = w.lw.post("/api/v1/people", body.clone()).await;
    assert_eq!(r.status, 409, "{:#}", r.body);
    assert_eq!(r.body["possible_duplicates"][0]["display_name"], "Ana Lopez");
    let mut sure = body;
    sure["not_a_duplicate"] = json!(true);
    assert_eq!(w.lw.post("/api/v1/people", sure).await.status, 201);

    // A service with no places warns before sending; acknowledged, the warning is kept.
    let ep = w.refer("Full", "Service").await;
    let (eid, pid) = (s(&ep["id"]), s(&ep["person_id"]));
    w.to_assessed(eid).await;
    w.share_with(pid, &w.f.org2).await;
    let r = w.lw.post(&format!("/api/v1/episodes/{eid}/onward-referrals"), json!({ "service_id": w.f.foodbank })).await;
    assert_eq!(r.status, 409, "{:#}", r.body);
    assert!(s(&r.body["capacity_warning"]).contains("no places"));
    let o = w.lw.ok(&format!("/api/v1/episodes/{eid}/onward-referrals"), json!({ "service_id": w.f.foodbank, "acknowledge_capacity": true })).await;
    assert!(s(&o["capacity_warning"]).contains("no places"));
    // An unknown service is named as the field at fault.
    let r = w.lw.post(&format!("/api/v1/episodes/{eid}/onward-referrals"), json!({ "service_id": "0195f3a0-0000-7000-8000-000000000000" })).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["field"], "service_id");
}

on_both_databases!(hostile_input_gets_a_clear_4xx_and_stores_nothing_half_way, concurrent_edits_are_never_lost, likely_duplicates_and_full_services_warn_first);
