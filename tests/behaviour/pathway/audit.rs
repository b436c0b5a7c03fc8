//! The audit trail: every endpoint that touches a person's data leaves an entry naming who, in
//! which role, what and why; the chain shows any entry changed behind the application's back.

use linkwork_store::pathway::AuditFilter;
use reqwest::Method;
use serde_json::json;

use super::{s, World};
use crate::on_both_databases;
use crate::support::TestDb;

async fn newest(w: &World) -> (i64, linkwork_domain::pathway::audit::AuditEntry) {
    let (items, total) = w.app.store().search_audit(&AuditFilter { limit: 1, ..Default::default() }).await.unwrap();
    (total, items.into_iter().next().unwrap())
}

async fn every_personal_data_endpoint_writes_an_audit_entry(db: TestDb) {
    let w = World::new(db).await;
    let (ep, onward) = w.onward_to_walking().await;
    let (eid, pid, oid) = (s(&ep["id"]).to_string(), s(&ep["person_id"]).to_string(), s(&onward["id"]).to_string());
    let goal = w.lw.ok(&format!("/api/v1/episodes/{eid}/goals"), json!({ "description": "walk" })).await;
    let fu = w.lw.ok(&format!("/api/v1/episodes/{eid}/follow-ups"), json!({ "due_on": "2026-01-01" })).await;
    let etag = w.lw.get(&format!("/api/v1/people/{pid}")).await.etag();
    let eval = w.lw.ok(&format!("/api/v1/people/{pid}/consents"), json!({ "purpose": "evaluation", "method": "verbal" })).await;
    w.provider.ok(&format!("/api/v1/onward-referrals/{oid}/status"), json!({ "status": "accepted" })).await;
    w.provider.ok(&format!("/api/v1/onward-referrals/{oid}/status"), json!({ "status": "in-progress" })).await;

    // (who, method, path, body, if-match, entity expected, whether the entry names the person)
    let calls = vec![
        (&w.lw, Method::GET, format!("/api/v1/people?q=rosa"), None, None, "person", false),
        (&w.lw, Method::GET, format!("/api/v1/people/{pid}"), None, None, "person", true),
        (&w.lw, Method::PUT, format!("/api/v1/people/{pid}"), Some(json!({ "given_name": "Rosa", "family_name": "Martínez", "phone": "01632 960 001" })), Some(etag.clone()), "person", true),
        (&w.lw, Method::GET, format!("/api/v1/people/{pid}/consents"), None, None, "consent", true),
        (&w.lw, Method::POST, format!("/api/v1/consents/{}/withdraw", s(&eval["id"])), Some(json!({})), None, "consent", true),
        (&w.lw, Method::GET, "/api/v1/episodes".to_string(), None, None, "episode", false),
        (&w.lw, Method::GET, format!("/api/v1/episodes/{eid}"), None, None, "episode", true),
        (&w.lw, Method::POST, format!("/api/v1/episodes/{eid}/transitions"), Some(json!({ "to": "plan_agreed" })), None, "episode", true),
        (&w.lw, Method::POST, format!("/api/v1/episodes/{eid}/goals"), Some(json!({ "description": "sing" })), None, "goal", true),
        (&w.lw, Method::POST, format!("/api/v1/goals/{}/reviews", s(&goal["id"])), Some(json!({ "progress": "some_progress" })), None, "goal", true),
        (&w.lw, Method::POST, format!("/api/v1/episodes/{eid}/prescription"), Some(json!({ "activity": "garden" })), None, "prescription_item", true),
        (&w.lw, Method::POST, format!("/api/v1/episodes/{eid}/notes"), Some(json!({ "body": "n" })), None, "case_note", true),
        (&w.lw, Method::GET, format!("/api/v1/episodes/{eid}/notes"), None, None, "case_note", true),
        (&w.lw, Method::POST, format!("/api/v1/episodes/{eid}/follow-ups"), Some(json!({ "due_on": "2026-12-12" })), None, "follow_up", true),
        (&w.lw, Method::POST, format!("/api/v1/follow-ups/{}/complete", s(&fu["id"])), Some(json!({})), None, "follow_up", true),
        (&w.lw, Method::GET, "/api/v1/follow-ups?until=2026-12-31".to_string(), None, None, "follow_up", false),
        (&w.lw, Method::GET, format!("/api/v1/onward-referrals/{oid}"), None, None, "onward_referral", true),
        (&w.provider, Method::GET, "/api/v1/inbox".to_string(), None, None, "onward_referral", false),
        (&w.provider, Method::GET, format!("/api/v1/onward-referrals/{oid}"), None, None, "onward_referral", true),
        (&w.provider, Method::POST, format!("/api/v1/onward-referrals/{oid}/attendance"), Some(json!({ "session_on": "2026-11-02", "attended": true })), None, "onward_referral", true),
        (&w.gp, Method::GET, "/api/v1/referrals".to_string(), None, None, "referral_status", false),
        (&w.admin, Method::GET, format!("/api/v1/people/{pid}/export"), None, None, "person", true),
    ];
    for (client, method, path, body, if_match, entity, names_person) in calls {
        let (before, _) = newest(&w).await;
        let r = client.call(method.clone(), &path, body, if_match.as_deref()).await;
        assert!(r.status < 300, "{method} {path}: {} {:#}", r.status, r.body);
        let (after, last) = newest(&w).await;
        assert!(after > before, "{method} {path} wrote no audit entry");
        assert_eq!(last.actor_id.as_deref(), Some(client.user_id.as_str()), "{method} {path}");
        assert!(last.reason.starts_with(&format!("{method} /api/v1/")), "the reason names the endpoint: {}", last.reason);
        assert!(last.entity == entity || (entity == "onward_referral" && last.entity == "attendance"), "{method} {path}: entity {}", last.entity);
        if names_person {
            assert_eq!(last.person_id.as_deref(), Some(pid.as_str()), "{method} {path}");
        }
        assert!(!last.actor_role.is_empty());
    }
}

async fn tampering_with_an_entry_is_detected(db: TestDb) {
    let url = db.url.clone();
    let w = World::new(db).await;
    w.refer("Ada", "Chain").await;
    w.lw.read("/api/v1/episodes").await;
    let ok = w.admin.read("/api/v1/audit/verify").await;
    assert_eq!(ok["intact"], true);
    let n = ok["entries_checked"].as_i64().unwrap();
    assert!(n >= 5, "{n}");
    // The database refuses to change or delete an entry...
    let refused = if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        let e = sqlx::query("UPDATE audit_log SET actor_name = 'x' WHERE seq = 3").execute(&pool).await.is_err();
        let d = sqlx::query("DELETE FROM audit_log WHERE seq = 3").execute(&pool).await.is_err();
        // ...but someone with the database's keys can get round that; the chain still tells.
        sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change").execute(&pool).await.unwrap();
        sqlx::query("UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 3").execute(&pool).await.unwrap();
        e && d
    } else {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let e = sqlx::query("UPDATE audit_log SET actor_name = 'x' WHERE seq = 3").execute(&pool).await.is_err();
        let d = sqlx::query("DELETE FROM audit_log WHERE seq = 3").execute(&pool).await.is_err();
        sqlx::query("DROP TRIGGER audit_log_no_update").execute(&pool).await.unwrap();
        sqlx::query("UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 3").execute(&pool).await.unwrap();
        e && d
    };
    assert!(refused, "the audit log is append-only in the database");
    let bad = w.admin.read("/api/v1/audit/verify").await;
    assert_eq!(bad["intact"], false);
    assert!(s(&bad["problem"]).contains("entry 3"), "{bad:#}");
}

async fn admins_search_the_log_and_export_then_erase_a_person(db: TestDb) {
    let w = World::new(db).await;
    let (ep, onward) = w.onward_to_walking().await;
    let (eid, pid, oid) = (s(&ep["id"]).to_string(), s(&ep["person_id"]).to_string(), s(&onward["id"]).to_string());
    w.lw.ok(&format!("/api/v1/episodes/{eid}/notes"), json!({ "body": "she mentioned her sister Carmen" })).await;
    w.provider.ok(&format!("/api/v1/onward-referrals/{oid}/status"), json!({ "status": "accepted" })).await;
    // Who looked at Rosa's record: the admin can find every entry about her.
    let log = w.admin.read(&format!("/api/v1/audit?person_id={pid}")).await;
    let actors: std::collections::BTreeSet<&str> = log["contents"].as_array().unwrap().iter().map(|e| s(&e["actor_name"])).collect();
    assert!(actors.contains("gp") && actors.contains("lw") && actors.contains("provider"), "{actors:?}");
    let bad = w.admin.get("/api/v1/audit?from=yesterday").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["errors"][0]["field"], "from");

    // Subject access: the whole record.
    let export = w.admin.read(&format!("/api/v1/people/{pid}/export")).await;
    assert_eq!(export["person"]["details"]["given_name"], "Rosa");
    assert_eq!(export["episodes"][0]["onward_referrals"][0]["status"], "accepted");
    assert!(export["case_notes"].to_string().contains("Carmen"));
    assert!(export["consents"].as_array().unwrap().len() >= 2);

    // Erasure: nothing that identifies her or records what she said; the counts survive.
    let before = w.lw.read("/api/v1/caseload").await;
    let r = w.admin.post(&format!("/api/v1/people/{pid}/erase"), json!({})).await;
    assert_eq!(r.status, 204, "{:#}", r.body);
    let p = w.lw.read(&format!("/api/v1/people/{pid}")).await;
    let everything = format!("{}{}", p, w.admin.read(&format!("/api/v1/people/{pid}/export")).await);
    for gone in ["Rosa", "Martinez", "01632 960 001", "Carmen", "Lonely since", "company on walks"] {
        assert!(!everything.contains(gone), "'{gone}' survived erasure");
    }
    assert_eq!(p["details"]["birth_date"], "1948-01-01", "only the year of birth is kept");
    let e = w.lw.read(&format!("/api/v1/episodes/{eid}")).await;
    assert_eq!(e["person_name"], "(erased)");
    assert_eq!(e["referral"]["reasons"], json!(["social_connection", "exercise"]));
    assert_eq!(e["onward_referrals"][0]["status"], "accepted");
    assert_eq!(w.lw.read("/api/v1/caseload").await["open"], before["open"], "de-identified counts survive");
    assert_eq!(w.provider.read("/api/v1/inbox").await.as_array().unwrap().len(), 0, "erasure ends sharing");
    assert_eq!(w.admin.post(&format!("/api/v1/people/{pid}/erase"), json!({})).await.status, 409);
}

on_both_databases!(every_personal_data_endpoint_writes_an_audit_entry, tampering_with_an_entry_is_detected, admins_search_the_log_and_export_then_erase_a_person);
